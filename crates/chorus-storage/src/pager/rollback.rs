//! The pager's rollback-journal modes (DELETE, TRUNCATE, PERSIST, MEMORY,
//! OFF): capturing original page images, the commit sequence of
//! atomiccommit.in, undoing a failed commit, and hot-journal recovery.
//!
//! Commit sequence (DELETE/TRUNCATE/PERSIST):
//! 1. EXCLUSIVE lock (waiting for this process's readers up to the busy timeout);
//! 2. journal `<db>-journal` written from offset 0: header with nRec 0, the
//!    original images (including pages about to be truncated away); at FULL
//!    and EXTRA synced, then nRec filled in and synced again; at NORMAL nRec
//!    filled in and synced once (PERSIST: twice, as FULL, because its file
//!    holds stale records); at OFF nRec = -1 and no sync.
//!    Then (unless OFF) the directory is synced, so the journal's entry is
//!    durable before the database is touched (SQLite does the same on the
//!    journal's first sync);
//! 3. dirty pages written, file truncated to the new size, file synced
//!    (NORMAL: fsync, FULL/EXTRA: full sync, OFF: none);
//! 4. commit point: DELETE deletes the journal (EXTRA also syncs the
//!    directory); TRUNCATE truncates it to 0 bytes; PERSIST zeroes its header;
//!    TRUNCATE/PERSIST sync the journal afterwards unless synchronous=OFF.
//!
//! Spilling (SQLite's `pagerStress`): when a DELETE/TRUNCATE/PERSIST write
//! transaction has as many dirty pages as the cache holds, the originals
//! captured so far are written as one journal segment (header, records,
//! synced as at commit, nRec last), the pager takes EXCLUSIVE (if readers
//! hold SHARED it does not wait: the pages stay in memory and it tries again
//! at the next new dirty page), writes the dirty pages into the database file
//! without syncing it, and keeps them as clean cache pages, which may be
//! evicted and are re-read from the file. The originals leave memory. Later
//! spills append segments; commit appends the last one (records of pages
//! first written since), then proceeds as above. Every segment is complete
//! and synced before any database page it covers is written, so a crash
//! leaves a hot journal that restores the file (multi-segment playback).
//! Once a segment is written, a spill that finds at least a quarter of the
//! cache dirty with pages whose originals are already journaled (or that
//! are new in the transaction) writes only those, with no journal write or
//! sync (SQLite's pagerStress likewise spills pages not needing a sync
//! first), so a long transaction re-dirtying the same pages syncs the
//! journal about as rarely as SQLite does.
//! ROLLBACK (or a failed commit) after a spill plays the journal back. Every
//! segment written over a longer (PERSIST) file zeroes the header position
//! after it, so a stale segment of an earlier transaction is never played.
//!
//! MEMORY keeps the originals in memory only (a failed commit is undone, a
//! crash in the middle of a commit can leave a torn file, as in SQLite); OFF
//! keeps none. A failed commit (I/O error) writes the originals back and
//! ends the journal; if that fails too the journal stays hot and the next
//! reader rolls the file back.

use super::{Pager, Synchronous};
use crate::error::{Error, Result, ResultCode};
use crate::header::WRITER_VERSION_NUMBER;
use crate::journal::{self, JournalMode, HEADER_FIELDS};
use crate::types::{lock_byte_page, PageNo};
use crate::vfs::{LockLevel, OpenFlags, SyncKind};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

fn rw() -> OpenFlags {
    OpenFlags {
        read_only: false,
        create: true,
        delete_on_close: false,
    }
}

fn nonce() -> u32 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() as u32
}

impl Pager {
    pub(super) fn journal_path(&self) -> String {
        format!("{}-journal", self.path)
    }

    /// Keep page `n`'s original image (first modification in the transaction).
    pub(super) fn capture_original(&mut self, n: u32) -> Result<()> {
        if self.wal_attached || self.rollback_mode == JournalMode::Off {
            return Ok(());
        }
        let orig = self.saved.as_ref().map_or(0, |s| s.db_size);
        if n > orig || n == lock_byte_page(self.page_size).get() || self.captured.contains(&n) {
            return Ok(());
        }
        let cache = self.cache.get_mut();
        let page = match (cache.is_dirty(n), cache.get(n)) {
            (false, Some(p)) => p,
            _ => {
                let mut p = super::PageBuf::zeroed(self.page_size);
                self.file
                    .read_at(&mut p.data, PageNo(n).file_offset(self.page_size))?;
                Arc::new(p)
            }
        };
        self.captured.insert(n);
        self.originals.push((n, page));
        Ok(())
    }

    /// Journal sync level: a PERSIST journal reuses a file full of stale
    /// records, which the sparse record checksum may fail to tell from torn
    /// new ones: there NORMAL syncs the records before nRec too, as FULL does
    /// (SQLite takes that risk at NORMAL; docs/COMPAT.md).
    fn journal_sync(&self) -> Synchronous {
        match (self.rollback_mode, self.synchronous) {
            (JournalMode::Persist, Synchronous::Normal) => Synchronous::Full,
            (_, s) => s,
        }
    }

    /// After the journal's first segment of a transaction is written and
    /// synced, before any database page is overwritten: make the journal's
    /// directory entry durable, so a power cut cannot lose a journal the
    /// database file depends on. SQLite's unix VFS does this on the first
    /// sync of every journal it opens with create (each transaction); at
    /// synchronous=OFF nothing is synced.
    fn sync_journal_dir(&self) {
        if self.synchronous != Synchronous::Off {
            self.vfs.sync_dir(&self.journal_path());
        }
    }

    /// Spill if the cache is full of dirty pages (see the module comment).
    pub(super) fn maybe_spill(&mut self) -> Result<()> {
        if self.wal_attached {
            return self.maybe_spill_wal();
        }
        if !self.rollback_mode.uses_file() {
            return Ok(());
        }
        let cache = self.cache.get_mut();
        if cache.dirty_count() < cache.capacity() {
            return Ok(());
        }
        match self.file.lock(LockLevel::Exclusive) {
            Ok(()) => {}
            // Readers of this or another process: keep the pages in memory.
            Err(e) if e.code == ResultCode::BUSY => return Ok(()),
            Err(e) => return Err(e),
        }
        if self.spilled && self.spill_synced_pages()? {
            return Ok(());
        }
        let orig_size = self.saved.as_ref().map_or(0, |s| s.db_size);
        let jf = self.vfs.open(&self.journal_path(), rw())?;
        let first_segment = !self.journal_written;
        if first_segment {
            self.journal_nonce = nonce();
        }
        self.journal_written = true;
        let mut recs: Vec<(u32, &[u8])> =
            self.originals.iter().map(|(n, p)| (*n, p.data())).collect();
        recs.sort_unstable_by_key(|r| r.0);
        // Playback stops at a segment with no records, so none is written
        // after the first. A first segment without records (only pages new
        // in this transaction spilled: rollback just truncates) stays at
        // offset 0 and the next segment with records replaces it.
        if !recs.is_empty() || self.journal_end == 0 {
            let end = journal::write_segment(
                &*jf,
                self.journal_end,
                self.page_size,
                self.journal_nonce,
                orig_size,
                &recs,
                self.journal_sync(),
                false,
            )?;
            if !recs.is_empty() {
                self.journal_end = end;
            }
        }
        if first_segment {
            self.sync_journal_dir();
        }
        drop(recs);
        self.originals.clear();
        self.spilled = true;
        self.file_touched = true;
        let pages = self.cache.get_mut().dirty_pages();
        for (pgno, page) in &pages {
            if *pgno <= self.db_size {
                self.file
                    .write_at(page.data(), PageNo(*pgno).file_offset(self.page_size))?;
            }
        }
        drop(pages);
        let cache = self.cache.get_mut();
        cache.mark_all_clean();
        cache.remove_beyond(self.db_size);
        Ok(())
    }

    /// The cheap spill (SQLite's pagerStress prefers it too): once a segment
    /// is in the journal, dirty pages whose originals are already in it (or
    /// that did not exist when the transaction began) may go to the database
    /// file without writing or syncing anything in the journal. When at
    /// least a quarter of the cache is such pages, only they are written
    /// (and become clean); the rest stay dirty. Returns whether it did so.
    fn spill_synced_pages(&mut self) -> Result<bool> {
        let db_size = self.db_size;
        let pending: std::collections::HashSet<u32> =
            self.originals.iter().map(|(n, _)| *n).collect();
        let cache = self.cache.get_mut();
        let want = (cache.capacity() / 4).max(1);
        let pages: Vec<(u32, super::PageRef)> = cache
            .dirty_pages()
            .into_iter()
            .filter(|(n, _)| *n <= db_size && !pending.contains(n))
            .collect();
        if pages.len() < want {
            return Ok(false);
        }
        for (pgno, page) in &pages {
            self.file
                .write_at(page.data(), PageNo(*pgno).file_offset(self.page_size))?;
        }
        let done: Vec<u32> = pages.iter().map(|(n, _)| *n).collect();
        drop(pages);
        self.cache.get_mut().mark_clean(&done);
        Ok(true)
    }

    pub(super) fn commit_rollback_journal(&mut self) -> Result<()> {
        let timeout = self.busy_timeout;
        let file = &self.file;
        self.shared
            .wait_for(timeout, |_| match file.lock(LockLevel::Exclusive) {
                Ok(()) => Ok(Some(())),
                Err(e) => Err(e),
            })?;
        let counter = self.header.change_counter.wrapping_add(1);
        self.header.change_counter = counter;
        self.header.version_valid_for = counter;
        self.header.page_count = self.db_size;
        self.header.sqlite_version_number = WRITER_VERSION_NUMBER;
        self.flush_header()?;
        let orig_size = self.saved.as_ref().map_or(0, |s| s.db_size);
        for n in self.db_size + 1..=orig_size {
            self.capture_original(n)?;
        }
        let pages = self.cache.get_mut().dirty_pages();
        if self.rollback_mode.uses_file() {
            let jf = self.vfs.open(&self.journal_path(), rw())?;
            let first_segment = !self.journal_written;
            self.journal_written = true;
            let mut recs: Vec<(u32, &[u8])> =
                self.originals.iter().map(|(n, p)| (*n, p.data())).collect();
            recs.sort_unstable_by_key(|r| r.0);
            let sync = self.journal_sync();
            if self.journal_end == 0 {
                let page_size = self.page_size;
                let mut work =
                    || journal::write_journal(&*jf, page_size, nonce(), orig_size, &recs, sync);
                if first_segment && self.synchronous != Synchronous::Off {
                    // The new journal's directory entry is synced alongside.
                    self.vfs.sync_dir_during(&self.journal_path(), &mut work)?;
                } else {
                    work()?;
                }
            } else if !recs.is_empty() {
                // After spills: the last segment.
                journal::write_segment(
                    &*jf,
                    self.journal_end,
                    self.page_size,
                    self.journal_nonce,
                    orig_size,
                    &recs,
                    sync,
                    true,
                )?;
            }
        }
        self.file_touched = true;
        self.write_dirty_pages(&pages, self.db_size)?;
        self.finalize_journal()?;
        self.file_touched = false;
        self.cache.get_mut().mark_all_clean();
        Ok(())
    }

    /// End the journal: the commit point (or the end of a rollback).
    pub(super) fn finalize_journal(&mut self) -> Result<()> {
        if !self.journal_written {
            return Ok(());
        }
        let path = self.journal_path();
        let sync = self.synchronous != Synchronous::Off;
        if self.spilled {
            return self.finalize_spilled_journal();
        }
        match self.rollback_mode {
            JournalMode::Truncate => {
                let jf = self.vfs.open(&path, rw())?;
                jf.truncate(0)?;
                if sync {
                    jf.sync(SyncKind::Full)?;
                }
            }
            JournalMode::Persist => {
                let jf = self.vfs.open(&path, rw())?;
                jf.write_at(&[0u8; HEADER_FIELDS], 0)?;
                if sync {
                    jf.sync(SyncKind::Full)?;
                }
            }
            _ => {
                // No separate existence check: a journal already gone is fine.
                match self
                    .vfs
                    .delete(&path, self.synchronous == Synchronous::Extra)
                {
                    Err(e) if e.code != ResultCode::IOERR_DELETE_NOENT => return Err(e),
                    _ => {}
                }
            }
        }
        self.journal_written = false;
        self.journal_end = 0;
        Ok(())
    }

    /// End the journal of a transaction that spilled. Its commit point (or the
    /// end of its rollback) is the zeroing of the first header, synced: if
    /// that fails the header is put back, the journal stays hot and the
    /// caller rolls back with it (the originals of spilled pages exist only
    /// there; deleting or truncating first could lose them on an error).
    /// Then the mode's own ending (delete, truncate) follows; its failure
    /// leaves a dead journal behind, which is harmless.
    fn finalize_spilled_journal(&mut self) -> Result<()> {
        let path = self.journal_path();
        let sync = self.synchronous != Synchronous::Off;
        let jf = self.vfs.open(&path, rw())?;
        let mut live = [0u8; HEADER_FIELDS];
        jf.read_at(&mut live, 0)?;
        jf.write_at(&[0u8; HEADER_FIELDS], 0)?;
        if sync {
            if let Err(e) = jf.sync(SyncKind::Full) {
                let _ = jf.write_at(&live, 0);
                return Err(e);
            }
        }
        self.journal_written = false;
        self.journal_end = 0;
        let _ = match self.rollback_mode {
            JournalMode::Truncate => jf.truncate(0).and_then(|_| {
                if sync {
                    jf.sync(SyncKind::Full)
                } else {
                    Ok(())
                }
            }),
            JournalMode::Persist => Ok(()),
            _ => {
                drop(jf);
                self.vfs
                    .delete(&path, self.synchronous == Synchronous::Extra)
            }
        };
        Ok(())
    }

    /// After a failed commit: put the original images back into the file,
    /// restore its size, sync, and end the journal.
    pub(super) fn undo_failed_commit(&mut self, orig_size: u32) -> Result<()> {
        if self.file_touched {
            let originals = std::mem::take(&mut self.originals);
            for (n, page) in &originals {
                self.file
                    .write_at(page.data(), PageNo(*n).file_offset(self.page_size))?;
            }
            if self.spilled && self.journal_end > 0 {
                // The originals of spilled pages are only in the journal.
                let jf = self.vfs.open(&self.journal_path(), rw())?;
                journal::playback(&*self.file, &*jf)?;
            }
            if self.rollback_mode != JournalMode::Off {
                let want = orig_size as u64 * self.page_size as u64;
                if self.file.size()? > want {
                    self.file.truncate(want)?;
                }
            }
            self.sync_db()?;
            self.file_touched = false;
        }
        self.finalize_journal()
    }

    /// If a hot journal exists (left by a crashed writer: it exists, its
    /// header is live, and nobody holds RESERVED), take EXCLUSIVE, roll the
    /// database back with it, and end the journal. Called with SHARED held.
    pub(super) fn recover_hot_journal(&mut self) -> Result<()> {
        let path = self.journal_path();
        if !self.is_hot(&path)? {
            return Ok(());
        }
        if self.read_only {
            return Err(journal::readonly_rollback());
        }
        if let Err(e) = self.file.lock(LockLevel::Exclusive) {
            let _ = self.file.unlock(LockLevel::Shared);
            return Err(e);
        }
        let r = self.play_back_journal(&path);
        let u = if self.locking_mode == super::LockingMode::Normal {
            self.file.unlock(LockLevel::Shared)
        } else {
            Ok(())
        };
        r.and(u)
    }

    fn is_hot(&self, path: &str) -> Result<bool> {
        if !self.vfs.exists(path)? {
            return Ok(false);
        }
        let jf = match self.vfs.open(
            path,
            OpenFlags {
                read_only: true,
                create: false,
                delete_on_close: false,
            },
        ) {
            Ok(f) => f,
            Err(_) => return Ok(false), // vanished in between
        };
        Ok(journal::looks_hot(&*jf)? && !self.file.check_reserved_lock()?)
    }

    fn play_back_journal(&mut self, path: &str) -> Result<()> {
        // Someone may have rolled it back while we waited for the lock.
        if !self.vfs.exists(path)? {
            return Ok(());
        }
        let jf = self.vfs.open(path, rw())?;
        if !journal::looks_hot(&*jf)? {
            return Ok(());
        }
        if journal::playback(&*self.file, &*jf)?.is_some() && self.synchronous != Synchronous::Off {
            self.file.sync(SyncKind::Full)?;
        }
        drop(jf);
        self.cache.get_mut().clear();
        self.db_size = 0;
        self.journal_written = true;
        let mode = self.rollback_mode;
        if !mode.uses_file() {
            // MEMORY/OFF connections delete a journal they find.
            self.rollback_mode = JournalMode::Delete;
        }
        let r = self.finalize_journal();
        self.rollback_mode = mode;
        r.map_err(|e| {
            Error::new(
                if e.code.primary() == ResultCode::IOERR {
                    e.code
                } else {
                    ResultCode::IOERR_DELETE
                },
                e.message,
            )
        })
    }
}
