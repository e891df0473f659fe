//! The pager: fixed-size pages of one database file, a bounded page cache,
//! the set of pages dirtied by the open write transaction, and the
//! transaction boundary (locks, commit, rollback).
//!
//! Pages are numbered from 1; page N lives at file offset (N-1)*page_size.
//! Page 1 starts with the 100-byte database header ([`DbHeader`]). The pager
//! keeps the decoded header in memory as the authority and rewrites bytes
//! 0..100 of page 1 whenever it changes a header field inside a write
//! transaction (allocation, freeing, `update_header`, commit).
//!
//! Transaction state machine (locks through the VFS, lockingv3):
//! ```text
//!   Idle --begin_read--> Read (SHARED) --begin_write--> Write (RESERVED)
//!   Idle --begin_write--> Write (implicit read; commit/rollback return to Idle)
//!   Write --commit--> EXCLUSIVE, dirty pages written, synced --> Read or Idle
//!   Write --rollback--> dirty pages dropped, header/size restored --> Read or Idle
//! ```
//! Invariants:
//! - outside a write transaction no page in the cache is dirty and the cache
//!   equals the file as of the last `begin_read`;
//! - inside one, `db_size` (what `page_count()` returns) counts pending growth
//!   and `saved` holds the header and size to restore on rollback;
//! - dirty pages reach the database file in `commit`, or earlier when the
//!   cache spills: in rollback-journal modes after the journal of original
//!   images (captured by `write`'s "first time dirty" branch, see
//!   [`rollback`]) is written and synced; in WAL mode they are appended to
//!   the WAL instead and reach the file at checkpoints ([`walmode`]);
//! - one write transaction per database per process: the writer slot in
//!   [`shared::SharedDb`], waited for on a condition variable up to the busy
//!   timeout; other processes are excluded by the VFS locks;
//! - when a write transaction in DELETE/TRUNCATE/PERSIST mode has as many
//!   dirty pages as the cache holds, it spills (SQLite's `pagerStress`): the
//!   originals captured so far go to the journal as a synced segment, the
//!   pager takes EXCLUSIVE, and the dirty pages are written to the database
//!   file and become clean (evictable); in WAL, MEMORY and OFF modes (and
//!   while readers keep EXCLUSIVE away) the cache grows instead; clean pages
//!   are evicted by CLOCK.

mod cache;
mod rollback;
mod savepoint;
pub(crate) mod shared;
mod wal_spill;
mod walmode;

use crate::error::{Error, Result, ResultCode};
use crate::header::{valid_page_size, DbHeader, HEADER_SIZE, MIN_USABLE_SIZE};
use crate::journal::JournalMode;
use crate::types::{lock_byte_page, PageNo};
use crate::vfs::{LockLevel, OpenFlags, SyncKind, Vfs, VfsFile};
use crate::wal::{ReadMark, Snapshot};
use cache::PageCache;
use shared::SharedDb;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// An immutable snapshot of one page's bytes (length = page_size). Cheap to clone.
pub type PageRef = Arc<PageBuf>;

/// The bytes of one page.
#[derive(Clone, PartialEq, Eq)]
pub struct PageBuf {
    data: Box<[u8]>,
}

impl PageBuf {
    pub(crate) fn zeroed(size: usize) -> PageBuf {
        PageBuf {
            data: vec![0u8; size].into_boxed_slice(),
        }
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

impl Deref for PageBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.data
    }
}

impl fmt::Debug for PageBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PageBuf({} bytes)", self.data.len())
    }
}

/// Auto-vacuum mode of a database (header offsets 52 and 64).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AutoVacuum {
    None,
    Full,
    Incremental,
}

/// How to open a database.
#[derive(Clone, Debug)]
pub struct PagerOptions {
    pub read_only: bool,
    /// Used only when creating a new database (default 4096).
    pub page_size: usize,
    /// SQLite's `cache_size`: > 0 pages, < 0 KiB (default -2000).
    pub cache_size: i64,
    /// Used only when creating (default None).
    pub auto_vacuum: AutoVacuum,
    /// Used only when creating (default 0).
    pub reserved_bytes: u8,
}

impl Default for PagerOptions {
    fn default() -> Self {
        PagerOptions {
            read_only: false,
            page_size: 4096,
            cache_size: -2000,
            auto_vacuum: AutoVacuum::None,
            reserved_bytes: 0,
        }
    }
}

/// How hard `commit` pushes data to stable storage (`PRAGMA synchronous`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Synchronous {
    /// No sync at all: fast, not durable across power loss.
    Off,
    /// `fsync`-class sync of the data at commit (the default).
    Normal,
    /// Full sync (`F_FULLFSYNC` where the OS has one).
    Full,
    /// As `Full`, and the directory is synced after deleting the journal.
    Extra,
}

/// `PRAGMA locking_mode`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LockingMode {
    /// Locks are released at the end of each transaction.
    Normal,
    /// Once taken, locks are kept until the pager closes (or the mode is reset).
    Exclusive,
}

/// `PRAGMA wal_autocheckpoint` default (pages).
pub const DEFAULT_AUTOCHECKPOINT: u32 = 1000;

static NEXT_PAGER_ID: AtomicU64 = AtomicU64::new(1);

/// The smallest number of pages the cache holds, whatever `cache_size` says
/// (SQLite's page cache keeps at least 10 pages too).
pub const MIN_CACHE_PAGES: usize = 10;
/// The largest page count a database may reach (SQLite's limit).
pub const MAX_PAGE_COUNT: u32 = 0xFFFF_FFFE;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Txn {
    Idle,
    Read,
    Write,
}

/// What rollback restores.
#[derive(Clone, Debug)]
struct Saved {
    header: DbHeader,
    db_size: u32,
    auto_vacuum: AutoVacuum,
}

/// One connection's view of a database file.
pub struct Pager {
    vfs: Arc<dyn Vfs>,
    path: String,
    file: Box<dyn VfsFile>,
    read_only: bool,
    page_size: usize,
    pub(crate) header: DbHeader,
    /// Pages in the database, counting growth of the open write transaction.
    pub(crate) db_size: u32,
    auto_vacuum: AutoVacuum,
    cache: RefCell<PageCache>,
    cache_size: i64,
    txn: Txn,
    /// The write transaction started the read transaction itself.
    implicit_read: bool,
    saved: Option<Saved>,
    /// A commit failed after it began writing the file: the clean pages in
    /// the cache may no longer match the file, so rollback drops them all.
    file_touched: bool,
    synchronous: Synchronous,
    /// Creation parameters for an empty file.
    create: PagerOptions,
    /// State shared with the other pagers of this file in this process.
    shared: Arc<SharedDb>,
    id: u64,
    /// The rollback-journal mode in force when the database is not in WAL mode.
    rollback_mode: JournalMode,
    /// This pager reads and writes through the shared WAL.
    wal_attached: bool,
    /// WAL reader registration of the open read transaction.
    read_mark: Option<ReadMark>,
    /// The WAL snapshot the cache content belongs to (WAL mode).
    cache_tag: Option<Snapshot>,
    /// `header` is page 1 of the snapshot `cache_tag` (WAL mode): a new
    /// snapshot that did not change page 1 keeps it without parsing.
    wal_header_ok: bool,
    busy_timeout: Duration,
    /// Original images of pages modified by the write transaction (pages that
    /// existed at its start), for the journal and for undoing a failed commit.
    originals: Vec<(u32, PageRef)>,
    captured: HashSet<u32>,
    /// The journal of the open commit exists on disk.
    journal_written: bool,
    /// Offset of the next journal segment after a spill (0: none written).
    journal_end: u64,
    /// Checksum nonce of the open transaction's journal (set at its first spill).
    journal_nonce: u32,
    /// The open write transaction spilled pages into the database file.
    spilled: bool,
    /// The open WAL write transaction's frames spilled into the log.
    wal_spill: Option<wal_spill::WalSpill>,
    locking_mode: LockingMode,
    autocheckpoint: u32,
    holds_writer: bool,
    no_ckpt_on_close: bool,
    savepoints: Vec<savepoint::SavepointState>,
}

/// Number of cache pages for SQLite's `cache_size` value.
pub fn cache_pages(cache_size: i64, page_size: usize) -> usize {
    let n = if cache_size >= 0 {
        cache_size as u64
    } else {
        (cache_size.unsigned_abs().saturating_mul(1024)) / page_size.max(1) as u64
    };
    (n.min(1_000_000_000) as usize).max(MIN_CACHE_PAGES)
}

fn misuse(msg: &str) -> Error {
    Error::new(ResultCode::MISUSE, msg.to_string())
}

impl Pager {
    /// Open or create. A new (0-byte / missing) file becomes an empty database
    /// of one page when the first write transaction begins (`page_count()` is 1
    /// from then on) and reaches the file when it commits, as in SQLite.
    pub fn open(vfs: Arc<dyn Vfs>, path: &str, opts: PagerOptions) -> Result<Pager> {
        let flags = OpenFlags {
            read_only: opts.read_only,
            create: !opts.read_only,
            delete_on_close: false,
        };
        let file = vfs.open(path, flags)?;
        let vfs_identity = vfs.identity(path);
        let mut create = opts.clone();
        if !valid_page_size(create.page_size) {
            create.page_size = 4096;
        }
        if create.page_size - (create.reserved_bytes as usize) < MIN_USABLE_SIZE {
            return Err(misuse(
                "reserved bytes leave less than 480 usable bytes per page",
            ));
        }
        let mut pager = Pager {
            vfs,
            path: path.to_string(),
            file,
            read_only: opts.read_only,
            page_size: create.page_size,
            header: DbHeader::new(create.page_size as u32, create.reserved_bytes),
            db_size: 0,
            auto_vacuum: AutoVacuum::None,
            cache: RefCell::new(PageCache::new(cache_pages(
                opts.cache_size,
                create.page_size,
            ))),
            cache_size: opts.cache_size,
            txn: Txn::Idle,
            implicit_read: false,
            saved: None,
            file_touched: false,
            synchronous: Synchronous::Normal,
            create,
            shared: SharedDb::get(&vfs_identity),
            id: NEXT_PAGER_ID.fetch_add(1, Ordering::Relaxed),
            rollback_mode: JournalMode::Delete,
            wal_attached: false,
            read_mark: None,
            cache_tag: None,
            wal_header_ok: false,
            busy_timeout: Duration::ZERO,
            originals: Vec::new(),
            captured: HashSet::new(),
            journal_written: false,
            journal_end: 0,
            journal_nonce: 0,
            spilled: false,
            wal_spill: None,
            locking_mode: LockingMode::Normal,
            autocheckpoint: DEFAULT_AUTOCHECKPOINT,
            holds_writer: false,
            no_ckpt_on_close: false,
            savepoints: Vec::new(),
        };
        // Read the header under SHARED so a concurrent writer cannot show us a
        // half-written page 1. If another connection holds the file
        // exclusively, look anyway: `begin_read` validates again under lock.
        match pager.file.lock(LockLevel::Shared) {
            Ok(()) => {
                let r = pager.recover_hot_journal().and_then(|_| pager.refresh());
                pager.file.unlock(LockLevel::None)?;
                r?;
            }
            Err(e) if e.code == ResultCode::BUSY => {
                if let Err(e) = pager.refresh() {
                    if e.code != ResultCode::NOTADB && e.code != ResultCode::CORRUPT {
                        return Err(e);
                    }
                }
            }
            Err(e) => return Err(e),
        }
        Ok(pager)
    }

    pub fn page_size(&self) -> usize {
        self.page_size
    }

    /// Page size minus the reserved bytes.
    pub fn usable_size(&self) -> usize {
        self.page_size - self.header.reserved_bytes as usize
    }

    /// Pages in the database, including pending growth in the open write transaction.
    pub fn page_count(&self) -> u32 {
        self.db_size
    }

    /// The parsed database header. Inside a write transaction it reflects the
    /// transaction's changes; `page_count` in it is updated at allocation.
    pub fn header(&self) -> &DbHeader {
        &self.header
    }

    pub fn auto_vacuum(&self) -> AutoVacuum {
        self.auto_vacuum
    }

    pub fn in_write_txn(&self) -> bool {
        self.txn == Txn::Write
    }

    /// Is a read (or write) transaction open?
    pub fn in_read_txn(&self) -> bool {
        self.txn != Txn::Idle
    }

    /// The VFS lock this pager's file handle holds.
    pub fn lock_level(&self) -> LockLevel {
        self.file.lock_level()
    }

    /// Change a header field. Needs a write transaction. The page size, the
    /// reserved-byte count and the page count are owned by the pager and keep
    /// their values whatever `f` does.
    pub fn update_header(&mut self, f: impl FnOnce(&mut DbHeader)) -> Result<()> {
        self.require_write()?;
        let mut h = self.header.clone();
        f(&mut h);
        h.page_size = self.header.page_size;
        h.reserved_bytes = self.header.reserved_bytes;
        h.page_count = self.header.page_count;
        self.header = h;
        self.auto_vacuum = auto_vacuum_of(&self.header);
        self.flush_header()
    }

    /// Set SQLite's `cache_size` (pages if > 0, KiB if < 0).
    pub fn set_cache_size(&mut self, cache_size: i64) {
        self.cache_size = cache_size;
        self.cache
            .get_mut()
            .set_capacity(cache_pages(cache_size, self.page_size));
    }

    /// `PRAGMA page_size = n`: the page size a new database is created
    /// with. As in SQLite it takes effect only while nothing has been
    /// written to the database (and not in WAL mode); an invalid size is
    /// ignored. Returns whether it took effect.
    pub fn set_page_size(&mut self, n: usize) -> Result<bool> {
        // Nothing written yet: an empty file, and at most the page 1 that
        // a write transaction on an empty database starts in memory.
        let fresh = self.db_size == 0
            || (self.db_size == 1 && self.cache.get_mut().dirty_pages().iter().all(|p| p.0 == 1));
        if !valid_page_size(n)
            || n - (self.create.reserved_bytes as usize) < MIN_USABLE_SIZE
            || !fresh
            || self.wal_attached
            || self.file.size()? != 0
        {
            return Ok(false);
        }
        self.create.page_size = n;
        self.page_size = n;
        let cache = self.cache.get_mut();
        cache.clear();
        cache.set_capacity(cache_pages(self.cache_size, n));
        if self.db_size == 1 {
            self.init_new_database();
        } else {
            self.header = DbHeader::new(n as u32, self.create.reserved_bytes);
        }
        Ok(true)
    }

    /// Set `PRAGMA synchronous` for later commits.
    pub fn set_synchronous(&mut self, level: Synchronous) {
        self.synchronous = level;
    }

    pub fn synchronous(&self) -> Synchronous {
        self.synchronous
    }

    /// The path the pager was opened with.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The VFS the pager's files live in (journals and WAL files go there too).
    pub fn vfs(&self) -> &Arc<dyn Vfs> {
        &self.vfs
    }

    /// The `cache_size` value in force.
    pub fn cache_size(&self) -> i64 {
        self.cache_size
    }

    /// How many pages the cache holds now (for tests and `PRAGMA` reporting).
    pub fn cached_pages(&self) -> usize {
        self.cache.borrow().len()
    }

    /// Original page images of the open write transaction still held in
    /// memory (those not yet written to the journal by a spill).
    pub fn held_originals(&self) -> usize {
        self.originals.len()
    }

    /// Did the open write transaction spill pages into the database file?
    pub fn has_spilled(&self) -> bool {
        self.spilled || self.wal_spill.is_some()
    }

    /// A number that changes whenever a page image this pager handed out may
    /// no longer be that page's content: another connection's commit seen by
    /// `begin_read` (only the pages it changed are dropped, and the number
    /// moves), the cache dropped, a page written or a write rolled back.
    /// While it stays the same, page images taken earlier, even in an earlier
    /// read transaction, are still current, so a B-tree cursor may keep its
    /// position from one statement to the next.
    pub fn content_epoch(&self) -> u64 {
        self.cache.borrow().epoch()
    }

    /// The cache capacity in pages.
    pub fn cache_capacity(&self) -> usize {
        self.cache.borrow().capacity()
    }

    // ----------------------------------------------------------------------
    // Transactions

    /// Start a read transaction. Rollback-journal mode: take SHARED, roll back
    /// a hot journal, re-read the header and drop the cache if another
    /// connection changed the file. WAL mode: register a reader at the current
    /// end of the log (its snapshot).
    pub fn begin_read(&mut self) -> Result<()> {
        if self.txn != Txn::Idle {
            return Ok(());
        }
        if self.wal_attached {
            if self.try_begin_wal_read()? {
                return Ok(());
            }
            // Another pager of this process left WAL mode.
            self.wal_attached = false;
            self.cache_tag = None;
            self.cache.get_mut().clear();
        } else if self.shared.lock().wal.is_some() {
            self.attach_wal()?;
            return self.begin_wal_read();
        }
        // A writer of this process committing (PENDING/EXCLUSIVE): wait for
        // it on the condition variable, up to the busy timeout.
        let file = &self.file;
        self.shared.wait_for(self.busy_timeout, |_| {
            file.lock(LockLevel::Shared).map(Some)
        })?;
        let checked = self.recover_hot_journal().and_then(|_| self.refresh());
        if let Err(e) = checked {
            self.release_lock(LockLevel::None);
            return Err(e);
        }
        if self.header.read_version == 2 || self.header.write_version == 2 {
            // A WAL database: this process takes it over exclusively.
            self.release_lock(LockLevel::None);
            self.cache.get_mut().clear();
            self.attach_wal()?;
            return self.begin_wal_read();
        }
        self.txn = Txn::Read;
        Ok(())
    }

    /// Lower the file lock unless `locking_mode=EXCLUSIVE` keeps it; wake
    /// in-process waiters.
    fn release_lock(&mut self, level: LockLevel) {
        if self.locking_mode == LockingMode::Normal {
            let _ = self.file.unlock(level);
        }
        self.shared.notify();
    }

    /// End a read transaction (releases SHARED). A write transaction must be
    /// committed or rolled back first.
    pub fn end_read(&mut self) -> Result<()> {
        match self.txn {
            Txn::Idle => Ok(()),
            Txn::Write => Err(misuse(
                "cannot end a read transaction while a write transaction is open",
            )),
            Txn::Read => {
                self.txn = Txn::Idle;
                if self.wal_attached {
                    self.end_wal_read();
                    Ok(())
                } else {
                    let r = if self.locking_mode == LockingMode::Normal {
                        self.file.unlock(LockLevel::None)
                    } else {
                        Ok(())
                    };
                    self.shared.notify();
                    r
                }
            }
        }
    }

    /// Start a write transaction (implies a read transaction). Waits up to the
    /// busy timeout for another writer of this process; then takes RESERVED
    /// (rollback modes; another process's writer gives `SQLITE_BUSY` at once).
    /// In WAL mode an explicit read transaction whose snapshot is no longer
    /// the newest gets `SQLITE_BUSY_SNAPSHOT`.
    pub fn begin_write(&mut self) -> Result<()> {
        if self.txn == Txn::Write {
            return Ok(());
        }
        if self.read_only {
            return Err(Error::readonly());
        }
        self.shared.acquire_writer(self.id, self.busy_timeout)?;
        self.holds_writer = true;
        let r = self.begin_write_locked();
        if r.is_err() {
            self.holds_writer = false;
            self.shared.release_writer(self.id);
        }
        r
    }

    fn begin_write_locked(&mut self) -> Result<()> {
        let implicit = self.txn == Txn::Idle;
        if implicit {
            self.begin_read()?;
        }
        let fail = |p: &mut Pager, e: Error| {
            if implicit {
                let _ = p.end_read();
            }
            Err(e)
        };
        if self.wal_attached {
            if !self.snapshot_is_latest() {
                if !implicit {
                    return Err(Error::new(
                        ResultCode::BUSY_SNAPSHOT,
                        "database is locked (snapshot is stale)",
                    ));
                }
                self.end_read()?;
                self.begin_read()?;
            }
            if !self.wal_attached {
                return fail(self, Error::new(ResultCode::BUSY, "database is locked"));
            }
        } else {
            if let Err(e) = self.lock_reserved_waiting(implicit) {
                return fail(self, e);
            }
        }
        self.implicit_read = implicit;
        self.saved = Some(Saved {
            header: self.header.clone(),
            db_size: self.db_size,
            auto_vacuum: self.auto_vacuum,
        });
        self.originals.clear();
        self.captured.clear();
        self.journal_written = false;
        self.journal_end = 0;
        self.spilled = false;
        self.txn = Txn::Write;
        if self.db_size == 0 {
            self.init_new_database();
        }
        Ok(())
    }

    /// Take RESERVED for a write transaction in a rollback-journal mode. When
    /// the write transaction opened its own read transaction, BUSY (another
    /// process writes) is retried as SQLite's `sqlite3BtreeBeginTrans` does:
    /// end the read transaction (so that writer can take EXCLUSIVE), sleep on
    /// the busy-handler schedule, read again, up to the busy timeout. Inside
    /// an explicit read transaction BUSY is returned at once: waiting while
    /// holding SHARED could deadlock with that writer.
    fn lock_reserved_waiting(&mut self, implicit: bool) -> Result<()> {
        let deadline = std::time::Instant::now() + self.busy_timeout;
        let mut tries = 0usize;
        loop {
            if self.header.write_protected() {
                return Err(Error::readonly());
            }
            match self.file.lock(LockLevel::Reserved) {
                Ok(()) => return Ok(()),
                Err(e) if e.code == ResultCode::BUSY && implicit => {
                    let now = std::time::Instant::now();
                    if now >= deadline {
                        return Err(e);
                    }
                    self.end_read()?;
                    self.shared
                        .pause(shared::busy_delay(tries).min(deadline - now));
                    tries += 1;
                    self.begin_read()?;
                    if self.wal_attached {
                        // The database switched to WAL mode meanwhile.
                        return Err(Error::busy());
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Commit. Rollback-journal modes: take EXCLUSIVE (waiting up to the busy
    /// timeout for readers of this process), write and sync the journal, write
    /// the pages, sync, then end the journal (the commit point). WAL mode:
    /// append the pages to the WAL (synced at FULL/EXTRA). On BUSY the
    /// transaction stays open and may be retried; on any other error it is
    /// rolled back and the error returned.
    pub fn commit(&mut self) -> Result<()> {
        self.require_write()?;
        let saved_size = self.saved.as_ref().map_or(0, |s| s.db_size);
        let changed = self.cache.get_mut().dirty_count() > 0
            || self.db_size != saved_size
            || self.spilled
            || self.wal_spill.is_some();
        if changed {
            let r = if self.wal_attached {
                self.commit_wal()
            } else {
                self.commit_rollback_journal()
            };
            if let Err(e) = r {
                if e.code != ResultCode::BUSY {
                    let _ = self.rollback();
                }
                return Err(e);
            }
        }
        self.saved = None;
        self.originals.clear();
        self.captured.clear();
        self.spilled = false;
        self.end_write()
    }

    /// Discard the write transaction's changes (and, after a failed commit,
    /// restore the database file from the original images).
    pub fn rollback(&mut self) -> Result<()> {
        if self.txn != Txn::Write {
            return Ok(());
        }
        self.wal_header_ok = false;
        self.drop_wal_spill();
        let cache = self.cache.get_mut();
        cache.discard_dirty();
        let orig_size = self.saved.as_ref().map_or(self.db_size, |s| s.db_size);
        if let Some(saved) = self.saved.take() {
            cache.remove_beyond(saved.db_size);
            self.header = saved.header;
            self.db_size = saved.db_size;
            self.auto_vacuum = saved.auto_vacuum;
        }
        let resync = if self.file_touched || self.journal_written {
            let r = self.undo_failed_commit(orig_size);
            self.file_touched = false;
            self.cache.get_mut().clear();
            r.and_then(|_| self.refresh())
        } else {
            Ok(())
        };
        self.originals.clear();
        self.captured.clear();
        self.spilled = false;
        let ended = self.end_write();
        resync.and(ended)
    }

    fn end_write(&mut self) -> Result<()> {
        self.savepoints.clear();
        let r = if self.wal_attached {
            if self.implicit_read {
                self.txn = Txn::Idle;
                self.end_wal_read();
            } else {
                self.txn = Txn::Read;
            }
            Ok(())
        } else if self.implicit_read {
            self.txn = Txn::Idle;
            if self.locking_mode == LockingMode::Normal {
                self.file.unlock(LockLevel::None)
            } else {
                Ok(())
            }
        } else {
            self.txn = Txn::Read;
            if self.locking_mode == LockingMode::Normal {
                self.file.unlock(LockLevel::Shared)
            } else {
                Ok(())
            }
        };
        self.implicit_read = false;
        if self.holds_writer {
            self.holds_writer = false;
            self.shared.release_writer(self.id);
        } else {
            self.shared.notify();
        }
        r
    }

    /// Write the transaction's dirty pages (in page order) to the database and
    /// make them durable; shrink the file to `db_size` pages if it is longer.
    fn write_dirty_pages(&mut self, pages: &[(u32, PageRef)], db_size: u32) -> Result<()> {
        // Size first: a stat between the writes and the sync would make the
        // kernel stamp later writes finely and write the inode once more.
        let size_before = self.file.size()?;
        let mut end = 0u64;
        for (pgno, page) in pages {
            if *pgno > db_size {
                continue;
            }
            let off = PageNo(*pgno).file_offset(self.page_size);
            self.file.write_at(page.data(), off)?;
            end = end.max(off + page.data().len() as u64);
        }
        let want = db_size as u64 * self.page_size as u64;
        if size_before.max(end) > want {
            self.file.truncate(want)?;
        }
        self.sync_db()
    }

    fn sync_db(&self) -> Result<()> {
        match self.synchronous {
            Synchronous::Off => Ok(()),
            Synchronous::Normal => self.file.sync(SyncKind::Normal),
            Synchronous::Full | Synchronous::Extra => self.file.sync(SyncKind::Full),
        }
    }

    /// Re-read the header and adopt it (drops the cache when the file
    /// changed). Called at open and at every `begin_read`; in WAL mode the
    /// header and size come from the reader's snapshot.
    fn refresh(&mut self) -> Result<()> {
        self.wal_header_ok = false;
        if let Some(sz) = self.wal_db_size() {
            let mut p1 = vec![0u8; self.page_size];
            self.read_page_into(1, &mut p1)?;
            let h = DbHeader::parse(&p1[..HEADER_SIZE])?;
            if h.page_size as usize != self.page_size {
                return Err(Error::corrupt("WAL page size differs from the database's"));
            }
            self.auto_vacuum = auto_vacuum_of(&h);
            self.header = h;
            self.db_size = sz;
            return Ok(());
        }
        let file_size = self.file.size()?;
        if file_size == 0 {
            if self.db_size != 0 || self.cache.get_mut().len() != 0 {
                self.cache.get_mut().clear();
            }
            self.page_size = self.create.page_size;
            self.header = DbHeader::new(self.page_size as u32, self.create.reserved_bytes);
            self.db_size = 0;
            self.auto_vacuum = AutoVacuum::None;
            return Ok(());
        }
        let mut buf = [0u8; HEADER_SIZE];
        self.file.read_at(&mut buf, 0)?;
        let h = DbHeader::parse(&buf)?;
        let page_size = h.page_size as usize;
        if h.read_version == 2 && self.read_mark.is_none() {
            // A WAL database not attached yet: the file alone is not the
            // database (its size may lag the log); `begin_read` attaches.
            if page_size != self.page_size {
                self.cache.get_mut().clear();
                self.page_size = page_size;
            }
            self.auto_vacuum = auto_vacuum_of(&h);
            self.db_size = h.page_count.max(1);
            self.header = h;
            return Ok(());
        }
        let file_pages_u64 = file_size.div_ceil(page_size as u64);
        let file_pages =
            u32::try_from(file_pages_u64).map_err(|_| Error::corrupt("file too large"))?;
        let db_size = if h.page_count_valid() {
            h.page_count
        } else {
            file_pages
        };
        if db_size > file_pages {
            return Err(Error::corrupt(format!(
                "header says {db_size} pages but the file holds {file_pages}"
            )));
        }
        if page_size != self.page_size
            || h.change_counter != self.header.change_counter
            || self.db_size == 0
        {
            let cache = self.cache.get_mut();
            cache.clear();
            if page_size != self.page_size {
                self.page_size = page_size;
                cache.set_capacity(cache_pages(self.cache_size, page_size));
            }
        }
        self.auto_vacuum = auto_vacuum_of(&h);
        self.header = h;
        self.db_size = db_size;
        Ok(())
    }

    /// Page 1 of a new database: the header followed by an empty table-leaf
    /// B-tree page (what SQLite's `newDatabase()` writes).
    fn init_new_database(&mut self) {
        let mut h = DbHeader::new(self.page_size as u32, self.create.reserved_bytes);
        match self.create.auto_vacuum {
            AutoVacuum::None => {}
            AutoVacuum::Full => h.largest_root_page = 1,
            AutoVacuum::Incremental => {
                h.largest_root_page = 1;
                h.incremental_vacuum = 1;
            }
        }
        h.page_count = 1;
        let mut page = PageBuf::zeroed(self.page_size);
        h.write_to(&mut page.data);
        let usable = h.usable_size();
        page.data[100] = 0x0D; // table leaf
                               // Cell content area starts at the end of the usable space (0 means 65536).
        let start = if usable >= 65536 { 0 } else { usable as u16 };
        page.data[105..107].copy_from_slice(&start.to_be_bytes());
        self.auto_vacuum = auto_vacuum_of(&h);
        self.header = h;
        self.db_size = 1;
        self.cache.get_mut().insert(1, Arc::new(page), true);
    }

    // ----------------------------------------------------------------------
    // Pages

    /// Read a page. Err(CORRUPT) if `pgno` is 0, beyond the database, or the
    /// lock-byte page (which never holds content; SQLite refuses it too).
    pub fn read(&self, pgno: PageNo) -> Result<PageRef> {
        let n = pgno.get();
        if n == 0 || n > self.db_size {
            return Err(Error::corrupt(format!(
                "page {n} out of range 1..={}",
                self.db_size
            )));
        }
        if n == lock_byte_page(self.page_size).get() {
            return Err(Error::corrupt("attempt to read the lock-byte page"));
        }
        if let Some(p) = self.cache.borrow_mut().get(n) {
            return Ok(p);
        }
        let page = Arc::new(self.load(n)?);
        self.cache.borrow_mut().insert(n, page.clone(), false);
        Ok(page)
    }

    fn load(&self, n: u32) -> Result<PageBuf> {
        // A recycled buffer needs no zeroing: `read_at` fills all of it
        // (zero-filling past the end of the file).
        let spare = self.cache.borrow_mut().take_spare(self.page_size);
        let mut page = spare.unwrap_or_else(|| PageBuf::zeroed(self.page_size));
        self.read_page_into(n, &mut page.data)?;
        Ok(page)
    }

    /// Read page `n` as of the open snapshot: from the WAL if a frame of the
    /// snapshot holds it, else from the database file.
    fn read_page_into(&self, n: u32, buf: &mut [u8]) -> Result<()> {
        // The open transaction's own image, spilled into the log.
        if let Some((file, off)) = self.spilled_frame(n) {
            file.read_at(buf, off)?;
            return Ok(());
        }
        if let Some(m) = self.read_mark.filter(|m| m.mark > 0) {
            // Locate the frame under the shared mutex, read it outside: the
            // reader's mark keeps the log from restarting over the frame.
            let at = {
                let s = self.shared.lock();
                match s.wal.as_ref() {
                    Some(w) => match w.find(n, m.mark) {
                        Some(f) => Some(w.frame_location(f)?),
                        None => None,
                    },
                    None => None,
                }
            };
            if let Some((file, off)) = at {
                file.read_at(buf, off)?;
                return Ok(());
            }
        }
        self.file
            .read_at(buf, PageNo(n).file_offset(self.page_size))?;
        Ok(())
    }

    /// Mutable bytes of a page: needs a write transaction; marks the page
    /// dirty. Outstanding `PageRef`s keep the old image (copy-on-write).
    pub fn write(&mut self, pgno: PageNo) -> Result<&mut [u8]> {
        self.require_write()?;
        let n = pgno.get();
        if n == 0 || n > self.db_size {
            return Err(Error::corrupt(format!(
                "page {n} out of range 1..={}",
                self.db_size
            )));
        }
        if n == lock_byte_page(self.page_size).get() {
            return Err(Error::corrupt("attempt to write the lock-byte page"));
        }
        if !self.cache.get_mut().is_dirty(n) {
            self.maybe_spill()?;
            // First modification of this page in the transaction: keep its
            // original image for the rollback journal.
            if !self.cache.get_mut().contains(n) {
                let page = self.load(n)?;
                self.cache.get_mut().insert(n, Arc::new(page), false);
            }
            self.capture_original(n)?;
        }
        if !self.savepoints.is_empty() {
            if !self.cache.get_mut().contains(n) {
                let page = self.load(n)?;
                self.cache.get_mut().insert(n, Arc::new(page), false);
            }
            self.capture_for_savepoint(n);
        }
        self.cache
            .get_mut()
            .make_dirty(n)
            .ok_or_else(|| Error::new(ResultCode::INTERNAL, "page vanished from the cache"))
    }

    /// Is the page modified in the open write transaction?
    pub fn is_dirty(&self, pgno: PageNo) -> bool {
        self.cache.borrow().is_dirty(pgno.get())
    }

    /// A new zero-filled page at the end of the database (no freelist reuse).
    /// The lock-byte page is stepped over: it counts in the database size
    /// but is never cached, written or returned.
    pub(crate) fn grow_one(&mut self) -> Result<u32> {
        if self.db_size >= MAX_PAGE_COUNT - 1 {
            return Err(Error::new(ResultCode::FULL, "database or disk is full"));
        }
        let mut n = self.db_size + 1;
        if n == lock_byte_page(self.page_size).get() {
            n += 1;
        }
        self.maybe_spill()?;
        // A page that existed at the start of the transaction (truncated
        // away and grown back) still needs its original journaled.
        self.capture_original(n)?;
        self.db_size = n;
        self.cache
            .get_mut()
            .insert(n, Arc::new(PageBuf::zeroed(self.page_size)), true);
        Ok(n)
    }

    /// Set the database size (pages) and record it in the header.
    pub(crate) fn set_db_size(&mut self, n: u32) -> Result<()> {
        self.db_size = n;
        self.header.page_count = n;
        self.flush_header()
    }

    /// Shrink the database to `page_count` pages (write transaction).
    pub fn truncate_to(&mut self, page_count: u32) -> Result<()> {
        self.require_write()?;
        if page_count == 0 || page_count > self.db_size {
            return Err(misuse("truncate_to: page count out of range"));
        }
        self.cache.get_mut().remove_beyond(page_count);
        self.set_db_size(page_count)
    }

    /// Replace the whole database with `image` (whole pages, page 1 first)
    /// inside the open write transaction: what VACUUM does with the
    /// compacted copy it built. Every page goes through `write`, so the
    /// rollback journal (or the WAL) holds the originals and the change is
    /// atomic and crash-safe like any other transaction; the database then
    /// has the image's size (the file is truncated at commit). The change
    /// counter continues from the current one. The lock-byte page of the
    /// image is skipped (it never holds content).
    pub fn replace_content(&mut self, image: &[u8]) -> Result<()> {
        self.require_write()?;
        let ps = self.page_size;
        if image.len() < HEADER_SIZE.max(ps) || !image.len().is_multiple_of(ps) {
            return Err(misuse("replace_content: not a whole number of pages"));
        }
        let mut h = DbHeader::parse(&image[..HEADER_SIZE])?;
        if h.page_size as usize != ps {
            return Err(misuse("replace_content: page size differs"));
        }
        let n = u32::try_from(image.len() / ps)
            .map_err(|_| misuse("replace_content: image too large"))?;
        while self.db_size < n {
            self.grow_one()?;
        }
        let lock_page = lock_byte_page(ps).get();
        for (i, chunk) in image.chunks(ps).enumerate() {
            let pgno = i as u32 + 1;
            if pgno == lock_page {
                continue;
            }
            self.write(PageNo(pgno))?.copy_from_slice(chunk);
        }
        if self.db_size > n {
            self.cache.get_mut().remove_beyond(n);
        }
        h.change_counter = self.header.change_counter;
        h.version_valid_for = self.header.version_valid_for;
        h.page_count = n;
        self.header = h;
        self.set_db_size(n)
    }

    /// Write the in-memory header into page 1 (write transaction).
    pub(crate) fn flush_header(&mut self) -> Result<()> {
        let h = self.header.to_bytes();
        let page = self.write(PageNo(1))?;
        page[..HEADER_SIZE].copy_from_slice(&h);
        Ok(())
    }

    pub(crate) fn require_write(&self) -> Result<()> {
        if self.txn == Txn::Write {
            Ok(())
        } else {
            Err(misuse("no write transaction is open"))
        }
    }

    /// Is `pgno` a pointer-map page? (false when auto-vacuum is off)
    pub fn is_ptrmap_page(&self, pgno: PageNo) -> bool {
        self.auto_vacuum != AutoVacuum::None
            && crate::ptrmap::is_ptrmap_page(pgno.get(), self.usable_size(), self.page_size)
    }
}

fn auto_vacuum_of(h: &DbHeader) -> AutoVacuum {
    match (h.largest_root_page, h.incremental_vacuum) {
        (0, _) => AutoVacuum::None,
        (_, 0) => AutoVacuum::Full,
        _ => AutoVacuum::Incremental,
    }
}

impl fmt::Debug for Pager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("page_size", &self.page_size)
            .field("db_size", &self.db_size)
            .field("txn", &self.txn)
            .finish()
    }
}
