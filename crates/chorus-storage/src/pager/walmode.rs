//! The pager in WAL mode, journal-mode switching, locking mode, busy
//! timeout, and closing.
//!
//! A pager attaches to the process's shared [`Wal`](crate::wal::Wal) the
//! first time it reads a database whose header bytes 18/19 are 2. The first
//! pager of the process to do so takes an EXCLUSIVE lock on the database file
//! (kept by a dedicated handle in `SharedDb` until the last pager detaches),
//! opens `<db>-wal` and recovers it. Reads consult the WAL up to the reader's
//! mark, then the database file; commits append frames; checkpoints copy
//! frames back (automatically once the log reaches `wal_autocheckpoint`
//! frames, and at the close of the last pager, which then deletes the WAL).

use super::{LockingMode, Pager, Synchronous, Txn};
use crate::error::{Error, Result, ResultCode};
use crate::journal::JournalMode;
use crate::vfs::{LockLevel, OpenFlags, VfsFile};
use crate::wal::{CheckpointMode, CheckpointResult, Snapshot, Wal};
use std::time::Duration;

/// Offset of the DMS ("dead man switch") byte in a `-shm` file: every SQLite
/// connection using the wal-index holds a read lock on it (os_unix.c).
const SHM_DMS_BYTE: u64 = 128;

fn shm_in_use(vfs: &dyn crate::vfs::Vfs, db_path: &str) -> Result<bool> {
    let shm = format!("{db_path}-shm");
    if !vfs.exists(&shm)? {
        return Ok(false);
    }
    let f = match vfs.open(
        &shm,
        OpenFlags {
            read_only: true,
            create: false,
            delete_on_close: false,
        },
    ) {
        Ok(f) => f,
        Err(_) => return Ok(false),
    };
    f.locked_by_other_process(SHM_DMS_BYTE, 1)
}

/// The WAL file's path for database `db_path`.
pub(super) fn wal_path(db_path: &str) -> String {
    format!("{db_path}-wal")
}

impl Pager {
    pub(super) fn attach_wal(&mut self) -> Result<()> {
        let vfs = self.vfs.clone();
        let path = self.path.clone();
        let flags = OpenFlags {
            read_only: self.read_only,
            create: false,
            delete_on_close: false,
        };
        let db_ps = if self.file.size()? > 0 {
            self.page_size
        } else {
            0
        };
        let create_ps = self.create.page_size;
        let mut lockfile: Option<Box<dyn VfsFile>> = None;
        self.shared.wait_for(self.busy_timeout, |s| {
            if s.wal.is_some() {
                return Ok(Some(()));
            }
            // The lock handle needs write access for an EXCLUSIVE (write)
            // lock, even for a read-only connection.
            let f = match lockfile.take() {
                Some(f) => f,
                None => match vfs.open(
                    &path,
                    OpenFlags {
                        read_only: false,
                        ..flags
                    },
                ) {
                    Ok(f) => f,
                    Err(_) => vfs.open(&path, flags)?,
                },
            };
            if let Err(e) = f.lock(LockLevel::Exclusive) {
                let _ = f.unlock(LockLevel::None);
                lockfile = Some(f);
                return Err(e);
            }
            if shm_in_use(&*vfs, &path)? {
                // A SQLite process has the wal-index mapped (it may read
                // again later and would trust its stale -shm): keep out.
                let _ = f.unlock(LockLevel::None);
                lockfile = Some(f);
                return Err(Error::busy());
            }
            let mut wal = Wal::open(&*vfs, &path, db_ps)?;
            wal.set_page_size_if_unknown(create_ps);
            s.wal = Some(wal);
            s.wal_lock = Some(f);
            Ok(Some(()))
        })?;
        let mut s = self.shared.lock();
        s.wal_users += 1;
        if let Some(w) = s.wal.as_ref() {
            if w.page_size() != self.page_size {
                self.page_size = w.page_size();
                self.cache.get_mut().clear();
            }
        }
        drop(s);
        self.wal_attached = true;
        self.cache_tag = None;
        self.wal_header_ok = false;
        Ok(())
    }

    pub(super) fn begin_wal_read(&mut self) -> Result<()> {
        if self.try_begin_wal_read()? {
            Ok(())
        } else {
            Err(Error::busy())
        }
    }

    /// Register as a WAL reader and adopt the snapshot; `Ok(false)` when the
    /// database is no longer in WAL mode here. One acquisition of the shared
    /// mutex decides the snapshot, the pages changed since the cache was
    /// filled and the database size; the header comes from page 1 in the
    /// cache when it is still valid for the snapshot (no I/O at all when
    /// nothing changed).
    pub(super) fn try_begin_wal_read(&mut self) -> Result<bool> {
        let (m, size, kept, p1_changed) = {
            let mut s = self.shared.lock();
            let Some(w) = s.wal.as_mut() else {
                return Ok(false);
            };
            let m = w.begin_read();
            let cache = self.cache.get_mut();
            // Keep the cache when only some pages changed since it was
            // filled: drop exactly those (SQLite invalidates the same way).
            let (kept, p1) = match self.cache_tag {
                Some(t) if t == m.snapshot => (true, false),
                Some(t) => match w.pages_changed(t, m.snapshot.mx_frame) {
                    Some(pages) => {
                        let mut p1 = false;
                        for &p in pages {
                            cache.forget(p);
                            p1 |= p == 1;
                        }
                        (true, p1)
                    }
                    None => {
                        cache.clear();
                        (false, true)
                    }
                },
                None => {
                    cache.clear();
                    (false, true)
                }
            };
            (m, w.db_size_at(m.mark), kept, p1)
        };
        self.read_mark = Some(m);
        let unchanged = self.cache_tag == Some(m.snapshot) && self.db_size > 0;
        // The header still matches when page 1 did not change.
        let header_kept = kept && !p1_changed && self.wal_header_ok && self.db_size > 0;
        self.cache_tag = Some(m.snapshot);
        let r = match size {
            _ if unchanged => Ok(()),
            Some(sz) if header_kept => {
                self.db_size = sz;
                Ok(())
            }
            Some(sz) => self.adopt_wal_header(sz),
            None => {
                self.wal_header_ok = false;
                self.refresh()
            }
        };
        if let Err(e) = r {
            self.end_wal_read();
            return Err(e);
        }
        self.txn = Txn::Read;
        Ok(true)
    }

    /// Header and size of a snapshot whose size the WAL decides: page 1 from
    /// the cache (valid for the snapshot) or read and cached.
    fn adopt_wal_header(&mut self, size: u32) -> Result<()> {
        let cached = self.cache.get_mut().get(1);
        let p1 = match cached {
            Some(p) => p,
            None => {
                let p = std::sync::Arc::new(self.load(1)?);
                self.cache.get_mut().insert(1, p.clone(), false);
                p
            }
        };
        let h =
            crate::header::DbHeader::parse(p1.get(..crate::header::HEADER_SIZE).unwrap_or(&[]))?;
        if h.page_size as usize != self.page_size {
            return Err(Error::corrupt("WAL page size differs from the database's"));
        }
        self.auto_vacuum = super::auto_vacuum_of(&h);
        self.header = h;
        self.db_size = size;
        self.wal_header_ok = true;
        Ok(())
    }

    pub(super) fn end_wal_read(&mut self) {
        if let Some(m) = self.read_mark.take() {
            self.shared.end_wal_reader(m);
        } else {
            self.shared.notify();
        }
    }

    /// Database size of the open WAL snapshot, if the WAL decides it.
    pub(super) fn wal_db_size(&self) -> Option<u32> {
        let m = self.read_mark.filter(|m| m.mark > 0)?;
        self.shared.lock().wal.as_ref()?.db_size_at(m.mark)
    }

    pub(super) fn snapshot_is_latest(&self) -> bool {
        let Some(m) = self.read_mark else {
            return false;
        };
        self.shared
            .lock()
            .wal
            .as_ref()
            .is_some_and(|w| w.commit_count() == m.commit_count)
    }

    pub(super) fn commit_wal(&mut self) -> Result<()> {
        if self.header.page_count != self.db_size {
            self.header.page_count = self.db_size;
            self.flush_header()?;
        }
        let pages = self.cache.get_mut().dirty_pages();
        let db_size = self.db_size;
        let mut refs: Vec<(u32, &[u8])> = pages
            .iter()
            .filter(|(n, _)| *n <= db_size)
            .map(|(n, p)| (*n, p.data()))
            .collect();
        let page1;
        if refs.is_empty() {
            if self.wal_spill.is_none() {
                drop(refs);
                self.cache.get_mut().discard_dirty();
                return Ok(());
            }
            // Spilled frames still need a commit frame: page 1 carries it,
            // as in SQLite.
            page1 = self.read(crate::types::PageNo(1))?;
            refs.push((1, page1.data()));
        }
        let detached = || Error::new(ResultCode::INTERNAL, "WAL detached during commit");
        // Prepare and publish under the lock; write the frames (and fsync)
        // without it, so readers of this process are not held up.
        // At FULL/EXTRA the frames are synced: the first such sync of the
        // log file is followed by a directory sync (see `Wal::take_dir_sync`).
        // After a spill the frames follow the spilled ones (`wal_spill.rs`).
        let log_synced = matches!(self.synchronous, Synchronous::Full | Synchronous::Extra);
        let (pending, base, dir_sync) = {
            let mut s = self.shared.lock();
            let wal = s.wal.as_mut().ok_or_else(detached)?;
            let (p, base) = match &self.wal_spill {
                Some(sp) => (sp.next.clone(), sp.base.clone()),
                None => {
                    let p = wal.prepare_append(self.synchronous)?;
                    (p.clone(), p)
                }
            };
            (p, base, log_synced && wal.take_dir_sync())
        };
        let written = pending.write(&refs, db_size, self.synchronous);
        if dir_sync {
            match &written {
                Ok(_) => self.vfs.sync_dir(wal_path(&self.path).as_str()),
                Err(_) => {
                    if let Some(w) = self.shared.lock().wal.as_mut() {
                        w.restore_dir_sync();
                    }
                }
            }
        }
        let cksum = written?;
        let mut s = self.shared.lock();
        let wal = s.wal.as_mut().ok_or_else(detached)?;
        let spilled: &[u32] = self.wal_spill.as_ref().map_or(&[], |sp| &sp.order);
        wal.publish(
            &base,
            spilled.iter().copied().chain(refs.iter().map(|r| r.0)),
            db_size,
            cksum,
        );
        wal.set_spilling(false);
        if let Some(m) = self.read_mark {
            let nm = wal.advance_reader(m);
            self.read_mark = Some(nm);
            self.cache_tag = Some(nm.snapshot);
            // The committed header is page 1 of the new snapshot.
            self.wal_header_ok = true;
        } else {
            self.wal_header_ok = false;
        }
        let auto = self.autocheckpoint > 0 && wal.mx_frame() >= self.autocheckpoint;
        drop(s);
        self.wal_spill = None;
        self.cache.get_mut().mark_all_clean();
        if auto {
            // A failed automatic checkpoint does not undo the commit.
            let _ = self.checkpoint_step(CheckpointMode::Passive);
        }
        Ok(())
    }

    /// One checkpoint attempt: plan under the lock, copy without it, record
    /// under it again.
    fn checkpoint_step(&self, mode: CheckpointMode) -> Result<CheckpointResult> {
        let detached = || Error::new(ResultCode::INTERNAL, "WAL detached");
        let (plan, dir_sync) = {
            let mut s = self.shared.lock();
            let wal = s.wal.as_mut().ok_or_else(detached)?;
            let plan = wal.plan_checkpoint();
            // The checkpoint syncs the log first (unless OFF): the first
            // sync of the file is followed by a directory sync.
            let d = plan.is_some() && self.synchronous != Synchronous::Off && wal.take_dir_sync();
            (plan, d)
        };
        // The directory sync follows the log's sync and precedes the first
        // database write, as SQLite's does (its unix VFS syncs the directory
        // inside the log's first fsync).
        let mut dir_synced = false;
        let ran = match &plan {
            Some(p) => p.run(&*self.file, self.synchronous, &mut || {
                if dir_sync {
                    self.vfs.sync_dir(wal_path(&self.path).as_str());
                    dir_synced = true;
                }
            }),
            None => Ok(()),
        };
        if dir_sync && !dir_synced {
            if let Some(w) = self.shared.lock().wal.as_mut() {
                w.restore_dir_sync();
            }
        }
        let mut s = self.shared.lock();
        let r = s.wal.as_mut().ok_or_else(detached)?.finish_checkpoint(
            plan.as_ref(),
            ran.is_ok(),
            mode,
            self.synchronous,
        );
        drop(s);
        self.shared.notify();
        ran?;
        r
    }

    /// `PRAGMA wal_checkpoint(mode)`: (busy, log frames, checkpointed frames);
    /// (false, -1, -1) when the database is not in WAL mode. FULL, RESTART and
    /// TRUNCATE wait (up to the busy timeout) for the writer slot and for
    /// readers that hold frames back.
    pub fn checkpoint(&mut self, mode: CheckpointMode) -> Result<CheckpointResult> {
        if !self.wal_attached && self.txn == Txn::Idle {
            self.begin_read()?;
            self.end_read()?;
        }
        if !self.wal_attached {
            return Ok(CheckpointResult {
                busy: false,
                log_frames: -1,
                checkpointed_frames: -1,
            });
        }
        let need_writer = mode != CheckpointMode::Passive && !self.holds_writer;
        if need_writer {
            self.shared.acquire_writer(self.id, self.busy_timeout)?;
        }
        let deadline = std::time::Instant::now() + self.busy_timeout;
        let r = loop {
            let r = match self.checkpoint_step(mode) {
                Ok(r) => r,
                Err(e) => break Err(e),
            };
            if !r.busy || mode == CheckpointMode::Passive {
                break Ok(r);
            }
            // Wait (condition variable) for readers to move on.
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let waited = self.shared.wait_for(left, |s| {
                Ok(s.wal
                    .as_ref()
                    .is_some_and(|w| w.checkpoint_could_progress(mode))
                    .then_some(()))
            });
            if waited.is_err() {
                break Ok(r);
            }
        };
        if need_writer {
            self.shared.release_writer(self.id);
        }
        r
    }

    /// The journal mode in force (`PRAGMA journal_mode`).
    pub fn journal_mode(&self) -> JournalMode {
        if self.wal_attached || self.header.read_version == 2 {
            JournalMode::Wal
        } else {
            self.rollback_mode
        }
    }

    /// `PRAGMA journal_mode = mode`. Switching into WAL commits header bytes
    /// 18/19 = 2 and attaches the WAL; switching out checkpoints everything
    /// (BUSY if other connections of this process use the WAL or readers hold
    /// frames), writes bytes 18/19 = 1 in place and deletes the WAL. Between rollback
    /// modes it only changes how later commits journal. Returns the mode now
    /// in force.
    pub fn set_journal_mode(&mut self, mode: JournalMode) -> Result<JournalMode> {
        if self.txn != Txn::Idle {
            if mode == JournalMode::Wal || self.journal_mode() == JournalMode::Wal {
                return Err(Error::new(
                    ResultCode::ERROR,
                    "cannot change into or out of wal mode from within a transaction",
                ));
            }
            self.rollback_mode = mode;
            return Ok(mode);
        }
        self.begin_read()?;
        self.end_read()?;
        let current = self.journal_mode();
        if mode == current {
            return Ok(current);
        }
        if self.read_only {
            return Err(Error::readonly());
        }
        if mode == JournalMode::Wal {
            self.begin_write()?;
            let r = self
                .update_header(|h| {
                    h.read_version = 2;
                    h.write_version = 2;
                })
                .and_then(|_| self.commit());
            if let Err(e) = r {
                let _ = self.rollback();
                return Err(e);
            }
            self.begin_read()?;
            self.end_read()?;
            return Ok(self.journal_mode());
        }
        if current == JournalMode::Wal {
            self.leave_wal()?;
            self.rollback_mode = mode;
            return Ok(mode);
        }
        self.rollback_mode = mode;
        Ok(mode)
    }

    fn leave_wal(&mut self) -> Result<()> {
        let mut s = self.shared.lock();
        if s.wal_users > 1 {
            return Err(Error::busy());
        }
        let w = s
            .wal
            .as_mut()
            .ok_or_else(|| Error::new(ResultCode::INTERNAL, "WAL detached"))?;
        let r = w.checkpoint(&*self.file, CheckpointMode::Truncate, self.synchronous)?;
        if r.busy {
            return Err(Error::busy());
        }
        // Every frame is in the database file now and the log is empty: mark
        // the file as a rollback-journal database (bytes 18/19 = 1; one
        // sector, written in place under the EXCLUSIVE lock), then drop the WAL.
        let mut v = [0u8; 2];
        self.file.read_at(&mut v, 18)?;
        if v == [2, 2] {
            self.file.write_at(&[1, 1], 18)?;
            if self.synchronous != crate::pager::Synchronous::Off {
                self.file.sync(crate::vfs::SyncKind::Full)?;
            }
        }
        if let Some(w) = s.wal.take() {
            let path = w.path().to_string();
            drop(w);
            if self.vfs.exists(&path)? {
                self.vfs.delete(&path, false)?;
            }
        }
        s.wal_lock = None;
        s.wal_users = 0;
        drop(s);
        self.wal_attached = false;
        self.read_mark = None;
        self.cache_tag = None;
        self.cache.get_mut().clear();
        self.db_size = 0;
        self.header.read_version = 1;
        self.header.write_version = 1;
        Ok(())
    }

    /// `PRAGMA locking_mode`. EXCLUSIVE keeps every lock once taken (rollback
    /// modes; WAL mode is always held exclusively); NORMAL releases them at
    /// the end of the next transaction, or now if none is open.
    pub fn set_locking_mode(&mut self, mode: LockingMode) -> Result<()> {
        self.locking_mode = mode;
        if mode == LockingMode::Normal && self.txn == Txn::Idle && !self.wal_attached {
            self.file.unlock(LockLevel::None)?;
            self.shared.notify();
        }
        Ok(())
    }

    pub fn locking_mode(&self) -> LockingMode {
        self.locking_mode
    }

    /// How long `begin_write`, commit and checkpoints wait for other
    /// connections of this process before `SQLITE_BUSY` (default 0).
    pub fn set_busy_timeout(&mut self, timeout: Duration) {
        self.busy_timeout = timeout;
    }

    pub fn busy_timeout(&self) -> Duration {
        self.busy_timeout
    }

    /// `PRAGMA wal_autocheckpoint` (pages; 0 or negative disables).
    pub fn set_wal_autocheckpoint(&mut self, pages: i64) {
        self.autocheckpoint = pages.clamp(0, u32::MAX as i64) as u32;
    }

    pub fn wal_autocheckpoint(&self) -> u32 {
        self.autocheckpoint
    }

    /// With `true`, the last pager of a WAL database closes without
    /// checkpointing and leaves the WAL file in place (SQLite's
    /// `SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`).
    pub fn set_no_checkpoint_on_close(&mut self, on: bool) {
        self.no_ckpt_on_close = on;
    }

    /// The WAL snapshot of the open read transaction (WAL mode only).
    pub fn snapshot(&self) -> Option<Snapshot> {
        self.read_mark.map(|m| m.snapshot)
    }

    /// Frames in the WAL and frames copied back (WAL mode only; for tests).
    pub fn wal_frames(&self) -> Option<(u32, u32)> {
        let s = self.shared.lock();
        s.wal.as_ref().map(|w| (w.mx_frame(), w.backfilled()))
    }

    /// Close explicitly (as dropping does): roll back an open write
    /// transaction, end the read transaction, and — for the last pager of a
    /// WAL database in this process — checkpoint and delete the WAL.
    pub fn close(self) {
        drop(self)
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        if self.txn == Txn::Write {
            let _ = self.rollback();
        }
        if self.txn == Txn::Read {
            let _ = self.end_read();
        }
        if self.holds_writer {
            self.holds_writer = false;
            self.shared.release_writer(self.id);
        }
        if self.wal_attached {
            let mut s = self.shared.lock();
            s.wal_users = s.wal_users.saturating_sub(1);
            if s.wal_users == 0 {
                if let Some(mut w) = s.wal.take() {
                    if !self.no_ckpt_on_close {
                        // The closing checkpoint syncs the log: the first
                        // sync of the file is followed by a directory sync.
                        if self.synchronous != Synchronous::Off
                            && w.mx_frame() > 0
                            && w.take_dir_sync()
                        {
                            self.vfs.sync_dir(&wal_path(&self.path));
                        }
                        let _ = w.close(&*self.vfs, &*self.file, self.synchronous);
                    }
                }
                s.wal_lock = None;
            }
        }
        self.shared.notify();
    }
}
