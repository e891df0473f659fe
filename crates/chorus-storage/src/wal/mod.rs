//! Write-ahead log: the WAL file ([`format`]), the in-process wal-index
//! (which frame holds the newest image of a page up to a snapshot), reader
//! marks, appending committed transactions, and checkpoints.
//!
//! Chorus holds a WAL database exclusively (EXCLUSIVE lock on the database
//! file for as long as any connection of this process has it open, SQLite's
//! `locking_mode=EXCLUSIVE` semantics for WAL): the wal-index lives in this
//! process's memory instead of a `-shm` file, and other processes get
//! `SQLITE_BUSY`. The WAL file itself is byte-compatible, so `sqlite3` reads
//! every committed frame of a WAL that Chorus leaves behind, and Chorus
//! recovers a WAL that `sqlite3` left (docs/COMPAT.md).
//!
//! Invariants (all under the `SharedDb` mutex):
//! - frames `1..=mx_frame` are valid and end with a commit frame; `index`
//!   maps each page to its frames (ascending) among them; `commits` lists
//!   every commit frame with its database size;
//! - frames `1..=n_backfill` have been copied into the database file;
//! - a reader's *mark* is the `mx_frame` it started with, or 0 when every
//!   frame was already backfilled (it then reads the database file only);
//!   a checkpoint copies no frame beyond the smallest non-zero mark and copies
//!   nothing while a mark-0 reader lives (the database file is its snapshot);
//! - the log restarts from frame 1 (new salts, checkpoint sequence + 1) only
//!   when every frame is backfilled and no reader has a non-zero mark.

pub mod format;

use crate::error::Result;
use crate::pager::Synchronous;
use crate::vfs::{OpenFlags, SyncKind, Vfs, VfsFile};
use format::{encode_frame, scan, WalHeader, FRAME_HEADER_SIZE};
use std::collections::HashMap;
use std::sync::Arc;

/// Checkpoint modes of `PRAGMA wal_checkpoint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointMode {
    Passive,
    Full,
    Restart,
    Truncate,
}

/// What `PRAGMA wal_checkpoint` reports: (busy, log frames, checkpointed frames).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointResult {
    pub busy: bool,
    pub log_frames: i64,
    pub checkpointed_frames: i64,
}

/// A reader's view of the WAL: the log generation (bumped at each restart)
/// and the last frame it sees. Identifies a database state; `BEGIN
/// CONCURRENT` can keep one as its snapshot id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Snapshot {
    pub generation: u64,
    pub mx_frame: u32,
}

/// A reader registration: its snapshot and its mark (see module comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadMark {
    pub snapshot: Snapshot,
    pub mark: u32,
    /// Transactions appended before this reader started (a writer may start
    /// from this snapshot only if none was appended since).
    pub commit_count: u64,
}

/// Live readers per mark, in ascending mark order. A handful of distinct
/// marks are live at a time (readers start at the end of the log), so a
/// small vector beats a map: registering and leaving are a short scan and
/// never allocate once the vector has grown.
#[derive(Default)]
struct ReaderMarks {
    /// (mark, readers with it), ascending by mark, counts > 0.
    marks: Vec<(u32, u32)>,
}

impl ReaderMarks {
    fn add(&mut self, mark: u32) {
        // The newest mark is the usual one: search from the end.
        match self.marks.iter().rposition(|&(m, _)| m <= mark) {
            Some(i) if self.marks[i].0 == mark => self.marks[i].1 += 1,
            Some(i) => self.marks.insert(i + 1, (mark, 1)),
            None => self.marks.insert(0, (mark, 1)),
        }
    }

    fn remove(&mut self, mark: u32) {
        if let Some(i) = self.marks.iter().rposition(|&(m, _)| m == mark) {
            self.marks[i].1 -= 1;
            if self.marks[i].1 == 0 {
                self.marks.remove(i);
            }
        }
    }

    fn count(&self, mark: u32) -> u32 {
        self.marks
            .iter()
            .find(|&&(m, _)| m == mark)
            .map_or(0, |&(_, c)| c)
    }

    fn total(&self) -> u32 {
        self.marks.iter().map(|&(_, c)| c).sum()
    }

    /// The live marks, ascending.
    fn marks(&self) -> impl Iterator<Item = u32> + '_ {
        self.marks.iter().map(|&(m, _)| m)
    }
}

/// Where a transaction's frames go (see [`Wal::prepare_append`]).
#[derive(Clone)]
pub struct PendingAppend {
    file: Arc<dyn VfsFile>,
    header: WalHeader,
    cksum: (u32, u32),
    start: u32,
    page_size: usize,
}

impl PendingAppend {
    /// Write the frames (and sync at FULL/EXTRA); returns the running
    /// checksum after the commit frame.
    pub fn write(
        &self,
        pages: &[(u32, &[u8])],
        db_size: u32,
        sync: Synchronous,
    ) -> Result<(u32, u32)> {
        let h = &self.header;
        let mut c = self.cksum;
        let mut buf = Vec::with_capacity(FRAME_HEADER_SIZE + self.page_size);
        let mut n = self.start;
        for (i, (pgno, data)) in pages.iter().enumerate() {
            n += 1;
            let commit = if i + 1 == pages.len() { db_size } else { 0 };
            c = encode_frame(h, c, *pgno, commit, data, &mut buf);
            self.file.write_at(&buf, h.frame_offset(n))?;
        }
        if matches!(sync, Synchronous::Full | Synchronous::Extra) {
            self.file.sync(SyncKind::Full)?;
        }
        Ok(c)
    }

    /// Spill: write `pages` as frames of a transaction that goes on (no
    /// commit frame, no sync; nobody looks past `mx_frame`, so they stay
    /// invisible). Returns the append that continues after them, and calls
    /// `placed(pgno, frame)` for each frame written.
    pub fn write_uncommitted(
        &self,
        pages: &[(u32, &[u8])],
        placed: &mut dyn FnMut(u32, u32),
    ) -> Result<PendingAppend> {
        let h = &self.header;
        let mut c = self.cksum;
        let mut buf = Vec::with_capacity(FRAME_HEADER_SIZE + self.page_size);
        let mut n = self.start;
        for (pgno, data) in pages {
            n += 1;
            c = encode_frame(h, c, *pgno, 0, data, &mut buf);
            self.file.write_at(&buf, h.frame_offset(n))?;
            placed(*pgno, n);
        }
        Ok(PendingAppend {
            cksum: c,
            start: n,
            ..self.clone()
        })
    }

    /// Where the page image of frame `n` of this log lies.
    pub fn frame_location(&self, n: u32) -> (Arc<dyn VfsFile>, u64) {
        (
            self.file.clone(),
            self.header.frame_offset(n) + FRAME_HEADER_SIZE as u64,
        )
    }

    /// The last frame written before this append's first one.
    pub fn start(&self) -> u32 {
        self.start
    }
}

/// The frames a checkpoint copies (see [`Wal::plan_checkpoint`]).
pub struct CheckpointPlan {
    file: Arc<dyn VfsFile>,
    header: WalHeader,
    /// (page, frame holding its newest image up to `mx_safe`), by page.
    copies: Vec<(u32, u32)>,
    mx_safe: u32,
    db_size: u32,
    page_size: usize,
}

impl CheckpointPlan {
    /// Sync the log, copy the frames into `db`, cut `db` to the size as of
    /// the last copied commit, sync `db`. `after_log_sync` runs once the log
    /// is synced and before `db` is touched (the pager syncs the log's
    /// directory there on the log's first sync, so that a power cut during
    /// the copy cannot leave database pages written and the log gone).
    pub fn run(
        &self,
        db: &dyn VfsFile,
        sync: Synchronous,
        after_log_sync: &mut dyn FnMut(),
    ) -> Result<()> {
        if sync != Synchronous::Off {
            self.file.sync(SyncKind::Full)?;
        }
        after_log_sync();
        let ps = self.page_size;
        let mut buf = vec![0u8; ps];
        for &(pgno, f) in &self.copies {
            if pgno > self.db_size {
                continue;
            }
            self.file.read_at(
                &mut buf,
                self.header.frame_offset(f) + FRAME_HEADER_SIZE as u64,
            )?;
            db.write_at(&buf, (pgno as u64 - 1) * ps as u64)?;
        }
        let want = self.db_size as u64 * ps as u64;
        if self.db_size > 0 && db.size()? > want {
            db.truncate(want)?;
        }
        if sync != Synchronous::Off {
            db.sync(SyncKind::Full)?;
        }
        Ok(())
    }
}

/// The WAL of one database, shared by the connections of this process.
pub struct Wal {
    file: Arc<dyn VfsFile>,
    path: String,
    header: Option<WalHeader>,
    page_size: usize,
    mx_frame: u32,
    n_backfill: u32,
    cksum: (u32, u32),
    index: HashMap<u32, Vec<u32>>,
    /// Page number of each frame (`frame_pages[n - 1]` for frame n).
    frame_pages: Vec<u32>,
    commits: Vec<(u32, u32)>,
    readers: ReaderMarks,
    generation: u64,
    /// The next append starts a new log (after RESTART).
    restart_pending: bool,
    next_seq: u32,
    next_salt1: u32,
    commit_count: u64,
    /// A checkpoint is copying frames (outside the lock).
    checkpointing: bool,
    /// The directory has not been synced since this handle opened the file:
    /// the first sync of the log (a FULL commit or a checkpoint) is followed
    /// by a directory sync, as SQLite's unix VFS does for a WAL it opens.
    dir_sync_pending: bool,
    /// The writer has spilled frames past `mx_frame` (its transaction is
    /// open): the log must not restart or be truncated under them.
    spilling: bool,
}

fn random_u32() -> u32 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() as u32
}

impl Wal {
    /// Open (creating if needed) `db_path-wal` and recover its committed
    /// frames. `db_page_size` is the database's page size (0 if the database
    /// file is empty: the WAL's page size is then adopted).
    pub fn open(vfs: &dyn Vfs, db_path: &str, db_page_size: usize) -> Result<Wal> {
        let path = format!("{db_path}-wal");
        let file: Arc<dyn VfsFile> = Arc::from(vfs.open(
            &path,
            OpenFlags {
                read_only: false,
                create: true,
                delete_on_close: false,
            },
        )?);
        let mut wal = Wal {
            file,
            path,
            header: None,
            page_size: db_page_size,
            mx_frame: 0,
            n_backfill: 0,
            cksum: (0, 0),
            index: HashMap::new(),
            frame_pages: Vec::new(),
            commits: Vec::new(),
            readers: ReaderMarks::default(),
            generation: 1,
            restart_pending: false,
            next_seq: 0,
            next_salt1: random_u32(),
            commit_count: 0,
            checkpointing: false,
            dir_sync_pending: true,
            spilling: false,
        };
        if let Some(s) = scan(&*wal.file)? {
            let ps = s.header.page_size as usize;
            wal.next_seq = s.header.checkpoint_seq.wrapping_add(1);
            wal.next_salt1 = s.header.salt1.wrapping_add(1);
            if db_page_size == 0 || ps == db_page_size {
                wal.page_size = ps;
                wal.header = Some(s.header);
                wal.cksum = s.cksum;
                for (i, fr) in s.frames.iter().enumerate() {
                    let n = i as u32 + 1;
                    wal.index.entry(fr.pgno).or_default().push(n);
                    wal.frame_pages.push(fr.pgno);
                    if fr.commit_size != 0 {
                        wal.commits.push((n, fr.commit_size));
                    }
                }
                wal.mx_frame = s.frames.len() as u32;
                // Valid frames after the last commit are garbage: the next
                // append overwrites them.
                wal.restart_pending = wal.mx_frame == 0;
            }
        }
        Ok(wal)
    }

    /// Claim the pending directory sync (true once per open file, until
    /// [`Wal::restore_dir_sync`] gives it back after a failed sync).
    pub fn take_dir_sync(&mut self) -> bool {
        std::mem::take(&mut self.dir_sync_pending)
    }

    /// The log write that was to be followed by the directory sync failed.
    pub fn restore_dir_sync(&mut self) {
        self.dir_sync_pending = true;
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn page_size(&self) -> usize {
        self.page_size
    }

    /// For a WAL created on an empty database: the page size to write with.
    pub fn set_page_size_if_unknown(&mut self, ps: usize) {
        if self.page_size == 0 {
            self.page_size = ps;
        }
    }

    /// Transactions appended since the WAL was opened.
    pub fn commit_count(&self) -> u64 {
        self.commit_count
    }

    pub fn mx_frame(&self) -> u32 {
        self.mx_frame
    }

    pub fn backfilled(&self) -> u32 {
        self.n_backfill
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            generation: self.generation,
            mx_frame: self.mx_frame,
        }
    }

    /// Register a reader at the current end of the log.
    pub fn begin_read(&mut self) -> ReadMark {
        let mark = if self.mx_frame == self.n_backfill {
            0
        } else {
            self.mx_frame
        };
        self.readers.add(mark);
        ReadMark {
            snapshot: self.snapshot(),
            mark,
            commit_count: self.commit_count,
        }
    }

    pub fn end_read(&mut self, m: ReadMark) {
        self.readers.remove(m.mark);
    }

    /// Readers registered (for tests).
    pub fn reader_count(&self) -> u32 {
        self.readers.total()
    }

    /// Database size (pages) as of `mark`, if the log decides it.
    pub fn db_size_at(&self, mark: u32) -> Option<u32> {
        if mark == 0 {
            return None;
        }
        // Readers usually start at the newest commit.
        if let Some(&(f, size)) = self.commits.last() {
            if f == mark {
                return Some(size);
            }
        }
        let i = self.commits.partition_point(|&(f, _)| f <= mark);
        i.checked_sub(1)
            .and_then(|i| self.commits.get(i))
            .map(|c| c.1)
    }

    /// The frame holding page `pgno` as of `mark`, if any.
    pub fn find(&self, pgno: u32, mark: u32) -> Option<u32> {
        if mark == 0 {
            return None;
        }
        let frames = self.index.get(&pgno)?;
        let i = frames.partition_point(|&f| f <= mark);
        i.checked_sub(1).and_then(|i| frames.get(i)).copied()
    }

    /// Pages written by frames after `from` up to `to` of the current
    /// generation (what changed between two snapshots); `None` if `from` is
    /// not a snapshot of the current log.
    pub fn pages_changed(&self, from: Snapshot, to: u32) -> Option<&[u32]> {
        if from.generation != self.generation || from.mx_frame > to {
            return None;
        }
        let a = from.mx_frame as usize;
        let b = (to as usize).min(self.frame_pages.len());
        self.frame_pages.get(a..b)
    }

    /// Where frame `n`'s page image lies: the WAL file and the offset.
    pub fn frame_location(&self, n: u32) -> Result<(Arc<dyn VfsFile>, u64)> {
        let h = self
            .header
            .ok_or_else(|| crate::error::Error::corrupt("WAL frame without a WAL header"))?;
        Ok((
            self.file.clone(),
            h.frame_offset(n) + FRAME_HEADER_SIZE as u64,
        ))
    }

    /// Read frame `n`'s page image into `buf` (page-size long).
    pub fn read_frame(&self, n: u32, buf: &mut [u8]) -> Result<()> {
        let h = self
            .header
            .ok_or_else(|| crate::error::Error::corrupt("WAL frame without a WAL header"))?;
        self.file
            .read_at(buf, h.frame_offset(n) + FRAME_HEADER_SIZE as u64)?;
        Ok(())
    }

    fn can_restart(&self) -> bool {
        !self.spilling && self.n_backfill == self.mx_frame && self.readers.marks().all(|m| m == 0)
    }

    /// The writer spilled frames past `mx_frame` (true) or its transaction
    /// ended (false); see `spilling`.
    pub fn set_spilling(&mut self, on: bool) {
        self.spilling = on;
    }

    fn start_new_log(&mut self, sync: Synchronous) -> Result<()> {
        let h = WalHeader::new(
            self.page_size as u32,
            self.next_seq,
            self.next_salt1,
            random_u32(),
        );
        self.file.write_at(&h.to_bytes(), 0)?;
        if sync != Synchronous::Off {
            self.file.sync(SyncKind::Full)?;
        }
        self.next_seq = self.next_seq.wrapping_add(1);
        self.next_salt1 = self.next_salt1.wrapping_add(1);
        self.header = Some(h);
        self.cksum = h.cksum;
        self.mx_frame = 0;
        self.n_backfill = 0;
        self.index.clear();
        self.frame_pages.clear();
        self.commits.clear();
        self.generation += 1;
        self.restart_pending = false;
        Ok(())
    }

    /// Append one transaction (pages in any order; the last becomes the
    /// commit frame carrying `db_size`). At FULL/EXTRA the log is synced
    /// before this returns; at NORMAL durability waits for the checkpoint.
    /// On error nothing of the transaction counts (the next append
    /// overwrites the partial frames).
    pub fn append(
        &mut self,
        pages: &[(u32, &[u8])],
        db_size: u32,
        sync: Synchronous,
    ) -> Result<()> {
        if pages.is_empty() {
            return Ok(());
        }
        let a = self.prepare_append(sync)?;
        let c = a.write(pages, db_size, sync)?;
        self.publish(&a, pages.iter().map(|p| p.0), db_size, c);
        Ok(())
    }

    /// First step of an append, under the lock: start a new log if due, and
    /// say where the frames go. The writer then calls [`PendingAppend::write`]
    /// without the lock (readers and passive checkpoints go on; they never
    /// look past `mx_frame`) and [`Wal::publish`] under it again. Only the
    /// holder of the writer slot may append.
    pub fn prepare_append(&mut self, sync: Synchronous) -> Result<PendingAppend> {
        if self.header.is_none()
            || self.restart_pending
            || (self.mx_frame > 0 && self.can_restart())
        {
            self.start_new_log(sync)?;
        }
        let header = self
            .header
            .ok_or_else(|| crate::error::Error::corrupt("WAL header missing"))?;
        Ok(PendingAppend {
            file: self.file.clone(),
            header,
            cksum: self.cksum,
            start: self.mx_frame,
            page_size: self.page_size,
        })
    }

    /// Last step of an append: the frames written by `a` become visible.
    pub fn publish(
        &mut self,
        a: &PendingAppend,
        pgnos: impl Iterator<Item = u32>,
        db_size: u32,
        cksum: (u32, u32),
    ) {
        let mut n = a.start;
        self.frame_pages.truncate(a.start as usize);
        for pgno in pgnos {
            n += 1;
            self.index.entry(pgno).or_default().push(n);
            self.frame_pages.push(pgno);
        }
        if n == a.start {
            return;
        }
        self.commits.push((n, db_size));
        self.commit_count += 1;
        self.mx_frame = n;
        self.cksum = cksum;
    }

    /// Move a reader to the current end of the log (after its own commit).
    pub fn advance_reader(&mut self, m: ReadMark) -> ReadMark {
        self.end_read(m);
        self.begin_read()
    }

    /// The last frame a checkpoint may copy now (see module comment).
    fn mx_safe(&self) -> u32 {
        let mark0_readers = self.readers.count(0) > 0;
        if mark0_readers && self.n_backfill < self.mx_frame {
            self.n_backfill
        } else {
            let min_mark = self.readers.marks().find(|&m| m > 0);
            min_mark.map_or(self.mx_frame, |m| m.min(self.mx_frame))
        }
    }

    /// Could a checkpoint of `mode` get further than it is now?
    pub fn checkpoint_could_progress(&self, mode: CheckpointMode) -> bool {
        if self.checkpointing {
            return false;
        }
        self.mx_safe() > self.n_backfill
            || (matches!(mode, CheckpointMode::Restart | CheckpointMode::Truncate)
                && self.mx_frame > 0
                && self.can_restart())
    }

    /// First step of a checkpoint, under the lock: which frames to copy.
    /// `None` when there is nothing to copy or another checkpoint runs.
    /// The copy ([`CheckpointPlan::run`]) runs without the lock: no frame it
    /// reads can be overwritten meanwhile (the log cannot restart while
    /// frames are uncopied) and no reader looks at the database pages it
    /// writes (each has a newer-or-equal frame within every reader's mark).
    pub fn plan_checkpoint(&mut self) -> Option<CheckpointPlan> {
        if self.checkpointing {
            return None;
        }
        let mx_safe = self.mx_safe();
        if mx_safe <= self.n_backfill {
            return None;
        }
        let header = self.header?;
        let mut copies: Vec<(u32, u32)> = self
            .index
            .iter()
            .filter_map(|(&pgno, frames)| {
                let i = frames.partition_point(|&f| f <= mx_safe);
                let f = *frames.get(i.checked_sub(1)?)?;
                (f > self.n_backfill).then_some((pgno, f))
            })
            .collect();
        copies.sort_unstable();
        self.checkpointing = true;
        Some(CheckpointPlan {
            file: self.file.clone(),
            header,
            copies,
            mx_safe,
            db_size: self.db_size_at(mx_safe).unwrap_or(0),
            page_size: self.page_size,
        })
    }

    /// Last step of a checkpoint, under the lock: record what `plan` copied
    /// (if `copied`), then with RESTART/TRUNCATE reset the log if everything
    /// is copied and no reader uses it.
    pub fn finish_checkpoint(
        &mut self,
        plan: Option<&CheckpointPlan>,
        copied: bool,
        mode: CheckpointMode,
        sync: Synchronous,
    ) -> Result<CheckpointResult> {
        let other_running = self.checkpointing && plan.is_none();
        if let Some(p) = plan {
            self.checkpointing = false;
            if copied {
                self.n_backfill = self.n_backfill.max(p.mx_safe);
            }
        }
        let mut busy =
            mode != CheckpointMode::Passive && (self.n_backfill < self.mx_frame || other_running);
        // RESTART reports the log as it was before the reset (SQLite resets it
        // lazily, at the next write); TRUNCATE reports the empty log.
        let (log_frames, checkpointed_frames) = (self.mx_frame as i64, self.n_backfill as i64);
        if matches!(mode, CheckpointMode::Restart | CheckpointMode::Truncate) && !busy {
            if self.can_restart() {
                self.mx_frame = 0;
                self.n_backfill = 0;
                self.index.clear();
                self.frame_pages.clear();
                self.commits.clear();
                self.generation += 1;
                self.restart_pending = true;
                if mode == CheckpointMode::Truncate {
                    self.file.truncate(0)?;
                    if sync != Synchronous::Off {
                        self.file.sync(SyncKind::Full)?;
                    }
                    self.header = None;
                }
            } else {
                busy = true;
            }
        }
        if mode == CheckpointMode::Restart {
            return Ok(CheckpointResult {
                busy,
                log_frames,
                checkpointed_frames,
            });
        }
        Ok(CheckpointResult {
            busy,
            log_frames: self.mx_frame as i64,
            checkpointed_frames: self.n_backfill as i64,
        })
    }

    /// Copy frames into the database file as far as readers allow; with
    /// RESTART/TRUNCATE also reset the log when everything is copied. All
    /// under the caller's lock (see [`Wal::plan_checkpoint`] for the split form).
    pub fn checkpoint(
        &mut self,
        db: &dyn VfsFile,
        mode: CheckpointMode,
        sync: Synchronous,
    ) -> Result<CheckpointResult> {
        let plan = self.plan_checkpoint();
        let ran = match &plan {
            Some(p) => p.run(db, sync, &mut || {}),
            None => Ok(()),
        };
        let r = self.finish_checkpoint(plan.as_ref(), ran.is_ok(), mode, sync);
        ran?;
        r
    }

    /// Checkpoint everything and delete the WAL file (last connection
    /// closing). Leaves the file in place if readers or errors prevent it.
    pub fn close(mut self, vfs: &dyn Vfs, db: &dyn VfsFile, sync: Synchronous) -> Result<()> {
        let r = self.checkpoint(db, CheckpointMode::Passive, sync)?;
        if r.checkpointed_frames == r.log_frames {
            let path = self.path.clone();
            drop(self);
            vfs.delete(&path, false)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ReaderMarks;

    #[test]
    fn reader_marks_count_per_mark_in_ascending_order() {
        let mut r = ReaderMarks::default();
        for m in [7, 3, 7, 0, 9, 3, 7] {
            r.add(m);
        }
        assert_eq!(r.marks().collect::<Vec<_>>(), vec![0, 3, 7, 9]);
        assert_eq!(
            (r.count(7), r.count(3), r.count(0), r.count(5)),
            (3, 2, 1, 0)
        );
        assert_eq!(r.total(), 7);
        r.remove(7);
        r.remove(9);
        r.remove(5); // not registered: no effect
        assert_eq!(r.marks().collect::<Vec<_>>(), vec![0, 3, 7]);
        r.remove(0);
        r.remove(3);
        r.remove(3);
        r.remove(7);
        r.remove(7);
        assert_eq!(r.total(), 0);
        assert_eq!(r.marks().next(), None);
        // The vector keeps its room: re-registering does not allocate.
        let cap = r.marks.capacity();
        r.add(11);
        r.add(4);
        assert_eq!(r.marks.capacity(), cap);
        assert_eq!(r.marks().collect::<Vec<_>>(), vec![4, 11]);
    }
}
