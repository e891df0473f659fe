//! The narrow storage interface the SQL engine runs on.
//!
//! A [`Store`] is one connection's handle on one database: transaction
//! boundaries, nested savepoints (statement atomicity and SQL `SAVEPOINT`),
//! tree creation, and cursors. Two kinds of tree exist, exactly as in SQLite's
//! file format:
//!
//! * table trees, keyed by a 64-bit rowid, whose payload is a SQLite record
//!   (`chorus_storage::record::encode_record`);
//! * index trees, keyed by a record (the indexed values followed by the rowid),
//!   ordered by a [`KeyInfo`] (per-column collation and DESC).
//!
//! `sqlite_schema` is the table tree rooted at page 1 with SQLite's five columns
//! (type, name, tbl_name, rootpage, sql). Header values (schema cookie, user
//! version, ...) are read and written through [`Store::header`] /
//! [`Store::set_header`].
//!
//! Cursor invariants: a cursor is either positioned on an entry or not
//! (`valid() == false`). After `delete`, the cursor is left so that `next()`
//! moves to the entry that followed the deleted one. Mutations through one
//! cursor are visible to every other cursor of the same store at their next
//! move. `insert` on a table cursor replaces an existing row with the same rowid.
//!
//! [`memory::MemoryStore`] implements the interface on `BTreeMap`s; an adapter
//! over the real B-tree and pager plugs in the same way.

pub mod btree;
pub mod memory;
pub mod multi;

use chorus_storage::{
    CheckpointMode, CheckpointResult, JournalMode, LockingMode, PageNo, Result, ValueRef,
};
use std::time::Duration;

pub use chorus_storage::record::{KeyCol, KeyInfo};

/// How a seek positions the cursor relative to the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekOp {
    /// The first entry equal to the key (for index keys: whose prefix equals it).
    Eq,
    /// The first entry >= key.
    Ge,
    /// The first entry > key.
    Gt,
    /// The last entry <= key.
    Le,
    /// The last entry < key.
    Lt,
}

/// Kind of B-tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeKind {
    Table,
    Index,
}

/// Database header values the SQL layer reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderField {
    SchemaCookie,
    UserVersion,
    ApplicationId,
    PageSize,
    PageCount,
    FreelistCount,
    TextEncoding,
    /// Read-only: 0 none, 1 full, 2 incremental (PRAGMA auto_vacuum).
    AutoVacuum,
}

/// A cursor over a table tree.
pub trait TableCursor: Send {
    fn first(&mut self) -> Result<bool>;
    fn last(&mut self) -> Result<bool>;
    fn next(&mut self) -> Result<bool>;
    /// The common step of a forward scan, when the cursor can take it
    /// without I/O and without an error being possible: true when it moved
    /// to the next row (exactly as `next` would have); false, having done
    /// nothing, when the caller must call `next`.
    fn next_local(&mut self) -> bool {
        false
    }
    fn prev(&mut self) -> Result<bool>;
    /// Position by rowid; returns whether the cursor is on an entry.
    fn seek_rowid(&mut self, rowid: i64, op: SeekOp) -> Result<bool>;
    fn valid(&self) -> bool;
    fn rowid(&self) -> i64;
    /// The record of the current row.
    fn payload(&self) -> Result<&[u8]>;
    /// Insert or replace the row `rowid`; the cursor is left on it.
    fn insert(&mut self, rowid: i64, record: &[u8]) -> Result<()>;
    /// Delete the current row.
    fn delete(&mut self) -> Result<()>;
    /// WITHOUT ROWID tables: position on the row whose PRIMARY KEY is `key`.
    fn seek_key(&mut self, key: &[ValueRef<'_>]) -> Result<bool> {
        let _ = key;
        Err(chorus_storage::Error::new(
            chorus_storage::ResultCode::INTERNAL,
            "not a WITHOUT ROWID table",
        ))
    }
    /// The current row's identity (its rowid, or for WITHOUT ROWID tables a
    /// registered handle, see exec/without_rowid.rs).
    fn register_current(&mut self) -> i64 {
        self.rowid()
    }
    /// The largest rowid in the tree.
    fn max_rowid(&mut self) -> Result<Option<i64>> {
        if self.last()? {
            Ok(Some(self.rowid()))
        } else {
            Ok(None)
        }
    }
}

/// A cursor over an index tree.
pub trait IndexCursor: Send {
    fn first(&mut self) -> Result<bool>;
    fn last(&mut self) -> Result<bool>;
    fn next(&mut self) -> Result<bool>;
    /// As [`TableCursor::next_local`]: true when it moved to the next entry
    /// with no I/O and no error possible; false, having done nothing, when
    /// the caller must call `next`.
    fn next_local(&mut self) -> bool {
        false
    }
    fn prev(&mut self) -> Result<bool>;
    /// Position relative to an unpacked (possibly partial) key.
    fn seek(&mut self, key: &[ValueRef<'_>], op: SeekOp) -> Result<bool>;
    fn valid(&self) -> bool;
    /// The record of the current entry.
    fn key(&self) -> Result<&[u8]>;
    /// Insert an entry (a record); the cursor is left on it.
    fn insert(&mut self, key: &[u8]) -> Result<()>;
    /// Delete the current entry.
    fn delete(&mut self) -> Result<()>;
    /// Start a bulk load (CREATE INDEX into a new tree): true when the tree
    /// is empty and this store can build it bottom-up; then `bulk_push`
    /// takes entries in strictly ascending key order and `bulk_finish`
    /// writes the tree (nothing may touch the tree in between). False:
    /// entries go through `bulk_push`, which then simply inserts.
    fn bulk_begin(&mut self) -> Result<bool> {
        Ok(false)
    }
    /// Add the next entry of a bulk load (or insert it, when none began).
    fn bulk_push(&mut self, key: &[u8]) -> Result<()> {
        self.insert(key)
    }
    /// Complete a bulk load; the cursor is then unpositioned.
    fn bulk_finish(&mut self) -> Result<()> {
        Ok(())
    }
}

/// One connection's handle on a database.
pub trait Store: Send {
    fn begin_read(&mut self) -> Result<()>;
    fn end_read(&mut self) -> Result<()>;
    /// Start a write transaction (implies a read transaction).
    fn begin_write(&mut self) -> Result<()>;
    fn in_write(&self) -> bool;
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self) -> Result<()>;
    /// Open a nested savepoint inside the write transaction; returns its level.
    fn savepoint(&mut self) -> Result<usize>;
    /// Forget savepoint `level` and every savepoint above it, keeping changes.
    fn release(&mut self, level: usize) -> Result<()>;
    /// Undo every change made since savepoint `level` was opened; the
    /// savepoint stays open, savepoints above it are gone.
    fn rollback_to(&mut self, level: usize) -> Result<()>;

    fn create_tree(&mut self, kind: TreeKind) -> Result<PageNo>;
    fn drop_tree(&mut self, root: PageNo) -> Result<()>;
    fn clear_tree(&mut self, root: PageNo) -> Result<()>;
    fn table_cursor(&mut self, root: PageNo) -> Result<Box<dyn TableCursor>>;
    fn index_cursor(&mut self, root: PageNo, key_info: KeyInfo) -> Result<Box<dyn IndexCursor>>;

    fn header(&self, field: HeaderField) -> Result<u32>;
    fn set_header(&mut self, field: HeaderField, value: u32) -> Result<()>;
    /// Storage-level integrity problems (empty = ok).
    fn integrity_check(&mut self) -> Result<Vec<String>>;
    /// The bytes of page `pgno` as of the open transaction, copied into
    /// `out` (one page long), for backups. Stores without a page image fail.
    fn read_page_image(&mut self, pgno: u32, out: &mut [u8]) -> Result<()> {
        let _ = (pgno, out);
        Err(chorus_storage::Error::new(
            chorus_storage::ResultCode::MISUSE,
            "this database has no page image to back up",
        ))
    }

    // Durability and concurrency settings (PRAGMAs). The defaults describe a
    // store with no journal, no WAL and no locks (the BTreeMap test store).

    /// The journal mode in force.
    fn journal_mode(&mut self) -> Result<JournalMode> {
        Ok(JournalMode::Memory)
    }
    /// Change the journal mode; returns the mode now in force.
    fn set_journal_mode(&mut self, mode: JournalMode) -> Result<JournalMode> {
        let _ = mode;
        Ok(JournalMode::Memory)
    }
    /// SQLite's safety level as `PRAGMA synchronous` reads it (0 OFF,
    /// 1 NORMAL, 2 FULL, 3 EXTRA; larger values are kept as given).
    fn synchronous(&self) -> u8 {
        2
    }
    /// Replace the database's content with a database image (VACUUM),
    /// inside the open write transaction; Ok(false) when the store has no
    /// pages to replace (nothing to compact).
    fn replace_content(&mut self, image: &[u8]) -> Result<bool> {
        let _ = image;
        Ok(false)
    }
    /// `PRAGMA cache_size = N`: the pager's page-cache limit (N pages when
    /// positive, N KiB when negative, as SQLite).
    fn set_cache_size(&mut self, cache_size: i64) {
        let _ = cache_size;
    }
    /// `PRAGMA page_size = N`: the page size of a database not created yet
    /// (ignored once it has pages, as SQLite does).
    fn set_page_size(&mut self, page_size: usize) -> Result<()> {
        let _ = page_size;
        Ok(())
    }
    fn set_synchronous(&mut self, level: u8) {
        let _ = level;
    }
    /// `PRAGMA wal_checkpoint`; (busy=false, -1, -1) outside WAL mode.
    fn checkpoint(&mut self, mode: CheckpointMode) -> Result<CheckpointResult> {
        let _ = mode;
        Ok(CheckpointResult {
            busy: false,
            log_frames: -1,
            checkpointed_frames: -1,
        })
    }
    /// WAL auto-checkpoint threshold in pages (0 = off).
    fn wal_autocheckpoint(&self) -> i64 {
        1000
    }
    fn set_wal_autocheckpoint(&mut self, pages: i64) {
        let _ = pages;
    }
    fn locking_mode(&self) -> LockingMode {
        LockingMode::Normal
    }
    fn set_locking_mode(&mut self, mode: LockingMode) -> Result<()> {
        let _ = mode;
        Ok(())
    }
    /// How long lock waits last before `SQLITE_BUSY`.
    fn busy_timeout(&self) -> Duration {
        Duration::ZERO
    }
    fn set_busy_timeout(&mut self, timeout: Duration) {
        let _ = timeout;
    }
    /// The multi-database store (ATTACH / TEMP), when this is one.
    fn as_multi(&mut self) -> Option<&mut multi::MultiStore> {
        None
    }
}

/// Creates per-connection stores for one database.
pub trait StoreFactory: Send + Sync {
    fn connect(&self) -> Result<Box<dyn Store>>;
    /// The database's file name ("" for in-memory).
    fn filename(&self) -> &str;
}
