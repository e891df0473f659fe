//! Several databases behind one `Store`: the main database, the TEMP
//! database (created on first use) and ATTACHed ones.
//!
//! Layout: database `i` (0 main, 1 temp, 2.. attached in ATTACH order)
//! owns the root pages whose top four bits are `i` (`tag(i, root)`); the
//! schema gives every table and index of database `i` its tagged root, so
//! the planner and executor reach the right file without knowing that
//! several exist. DDL aimed at a database other than main runs directly on
//! that database's own store (untagged roots, its own `sqlite_schema` at
//! root 1). Invariants: slot 0 is always the main store; a slot's tag is its
//! index, so DETACH (which removes a slot) changes the combined schema
//! cookie and every statement recompiles. Transactions and savepoints span
//! every database; COMMIT commits each in turn (no super-journal: a crash
//! between two commits can leave one database committed, see COMPAT.md).

use super::{HeaderField, IndexCursor, KeyInfo, Store, TableCursor, TreeKind};
use crate::schema::Schema;
use chorus_storage::{CheckpointMode, CheckpointResult, JournalMode, LockingMode, PageNo, Result};
use std::sync::Arc;
use std::time::Duration;

const SHIFT: u32 = 28;
const MASK: u32 = (1 << SHIFT) - 1;
/// SQLite's default SQLITE_MAX_ATTACHED.
pub const MAX_ATTACHED: usize = 10;

/// Root page `root` of database `db`.
pub fn tag(db: usize, root: PageNo) -> PageNo {
    PageNo(((db as u32) << SHIFT) | (root.0 & MASK))
}

/// The database a tagged root belongs to, and its page number there.
pub fn untag(root: PageNo) -> (usize, PageNo) {
    ((root.0 >> SHIFT) as usize, PageNo(root.0 & MASK))
}

/// One database of the connection.
pub struct Db {
    pub name: String,
    /// Absolute file name ("" for in-memory), for PRAGMA database_list.
    pub filename: String,
    pub store: Box<dyn Store>,
    /// Keeps an attached database's shared state alive.
    pub _owner: Option<crate::Database>,
    /// This database's own schema (untagged roots), by its cookie.
    pub schema: Option<Arc<Schema>>,
}

pub struct MultiStore {
    /// Index = tag. Slot 1 (temp) is None until the first TEMP object.
    pub dbs: Vec<Option<Db>>,
    /// Bumped by ATTACH/DETACH (part of the combined schema cookie).
    pub generation: u32,
    /// Per multi-savepoint level: each database's own level.
    levels: Vec<Vec<Option<usize>>>,
}

impl MultiStore {
    pub fn new(main: Box<dyn Store>, main_file: &str) -> MultiStore {
        MultiStore {
            dbs: vec![
                Some(Db {
                    name: "main".into(),
                    filename: main_file.to_string(),
                    store: main,
                    _owner: None,
                    schema: None,
                }),
                None,
            ],
            generation: 1,
            levels: Vec::new(),
        }
    }

    /// Take the main store back out (after the last DETACH).
    pub fn into_main(mut self) -> Option<Box<dyn Store>> {
        self.dbs.get_mut(0).and_then(|d| d.take()).map(|d| d.store)
    }

    /// Index of the database named `name` (main, temp, or an attached name).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.dbs.iter().position(|d| {
            d.as_ref()
                .is_some_and(|d| d.name.eq_ignore_ascii_case(name))
        })
    }

    pub fn db_mut(&mut self, i: usize) -> Option<&mut Db> {
        self.dbs.get_mut(i).and_then(|d| d.as_mut())
    }

    fn store(&mut self, i: usize) -> Result<&mut Box<dyn Store>> {
        match self.dbs.get_mut(i).and_then(|d| d.as_mut()) {
            Some(d) => Ok(&mut d.store),
            None => Err(crate::plan::bind::err("no such database")),
        }
    }

    fn main(&self) -> &dyn Store {
        match self.dbs.first().and_then(|d| d.as_ref()) {
            Some(d) => &*d.store,
            None => unreachable_main(),
        }
    }

    fn each(&mut self, mut f: impl FnMut(&mut dyn Store) -> Result<()>) -> Result<()> {
        let mut first_err = None;
        for d in self.dbs.iter_mut().flatten() {
            if let Err(e) = f(&mut *d.store) {
                first_err.get_or_insert(e);
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Bring a newly added database to the transaction state of main.
    pub fn sync_state(&mut self, i: usize) -> Result<()> {
        let in_write = self.main().in_write();
        let nlevels = self.levels.len();
        let s = self.store(i)?;
        if in_write {
            s.begin_write()?;
            // Savepoints opened before the database joined do not cover it.
            let _ = nlevels;
        } else {
            s.begin_read()?;
        }
        Ok(())
    }
}

fn unreachable_main() -> ! {
    // Slot 0 is set at construction and only taken by `into_main`, which
    // consumes the MultiStore.
    std::process::abort()
}

impl Store for MultiStore {
    fn begin_read(&mut self) -> Result<()> {
        self.each(|s| s.begin_read())
    }
    fn end_read(&mut self) -> Result<()> {
        self.each(|s| s.end_read())
    }
    fn begin_write(&mut self) -> Result<()> {
        self.each(|s| {
            if s.in_write() {
                Ok(())
            } else {
                s.begin_write()
            }
        })
    }
    fn in_write(&self) -> bool {
        self.main().in_write()
    }
    fn commit(&mut self) -> Result<()> {
        self.levels.clear();
        self.each(|s| if s.in_write() { s.commit() } else { Ok(()) })
    }
    fn rollback(&mut self) -> Result<()> {
        self.levels.clear();
        self.each(|s| if s.in_write() { s.rollback() } else { Ok(()) })
    }
    fn savepoint(&mut self) -> Result<usize> {
        let mut lv = Vec::with_capacity(self.dbs.len());
        for d in self.dbs.iter_mut() {
            match d {
                Some(d) if d.store.in_write() => lv.push(Some(d.store.savepoint()?)),
                _ => lv.push(None),
            }
        }
        self.levels.push(lv);
        Ok(self.levels.len() - 1)
    }
    fn release(&mut self, level: usize) -> Result<()> {
        let Some(lv) = self.levels.get(level).cloned() else {
            return Ok(());
        };
        self.levels.truncate(level);
        for (d, l) in self.dbs.iter_mut().zip(lv) {
            if let (Some(d), Some(l)) = (d, l) {
                d.store.release(l)?;
            }
        }
        Ok(())
    }
    fn rollback_to(&mut self, level: usize) -> Result<()> {
        let Some(lv) = self.levels.get(level).cloned() else {
            return Ok(());
        };
        self.levels.truncate(level + 1);
        for (d, l) in self.dbs.iter_mut().zip(lv) {
            if let (Some(d), Some(l)) = (d, l) {
                d.store.rollback_to(l)?;
            }
        }
        Ok(())
    }

    fn create_tree(&mut self, kind: TreeKind) -> Result<PageNo> {
        self.store(0)?.create_tree(kind)
    }
    fn drop_tree(&mut self, root: PageNo) -> Result<()> {
        let (db, r) = untag(root);
        self.store(db)?.drop_tree(r)
    }
    fn clear_tree(&mut self, root: PageNo) -> Result<()> {
        let (db, r) = untag(root);
        self.store(db)?.clear_tree(r)
    }
    fn table_cursor(&mut self, root: PageNo) -> Result<Box<dyn TableCursor>> {
        let (db, r) = untag(root);
        self.store(db)?.table_cursor(r)
    }
    fn index_cursor(&mut self, root: PageNo, key_info: KeyInfo) -> Result<Box<dyn IndexCursor>> {
        let (db, r) = untag(root);
        self.store(db)?.index_cursor(r, key_info)
    }

    fn header(&self, field: HeaderField) -> Result<u32> {
        if field != HeaderField::SchemaCookie {
            return self.main().header(field);
        }
        // Changes when any database's schema changes or one is attached
        // or detached.
        let mut c = self.generation;
        for d in self.dbs.iter() {
            c = c.wrapping_mul(1_000_003);
            if let Some(d) = d {
                c = c.wrapping_add(d.store.header(HeaderField::SchemaCookie)?.wrapping_add(1));
            }
        }
        Ok(c)
    }
    fn set_header(&mut self, field: HeaderField, value: u32) -> Result<()> {
        self.store(0)?.set_header(field, value)
    }
    fn integrity_check(&mut self) -> Result<Vec<String>> {
        self.store(0)?.integrity_check()
    }
    fn journal_mode(&mut self) -> Result<JournalMode> {
        self.store(0)?.journal_mode()
    }
    fn set_journal_mode(&mut self, mode: JournalMode) -> Result<JournalMode> {
        self.store(0)?.set_journal_mode(mode)
    }
    fn synchronous(&self) -> u8 {
        self.main().synchronous()
    }
    fn set_synchronous(&mut self, level: u8) {
        if let Ok(s) = self.store(0) {
            s.set_synchronous(level)
        }
    }
    fn set_cache_size(&mut self, cache_size: i64) {
        if let Ok(s) = self.store(0) {
            s.set_cache_size(cache_size)
        }
    }
    fn set_page_size(&mut self, page_size: usize) -> Result<()> {
        self.store(0)?.set_page_size(page_size)
    }
    fn checkpoint(&mut self, mode: CheckpointMode) -> Result<CheckpointResult> {
        self.store(0)?.checkpoint(mode)
    }
    fn wal_autocheckpoint(&self) -> i64 {
        self.main().wal_autocheckpoint()
    }
    fn set_wal_autocheckpoint(&mut self, pages: i64) {
        if let Ok(s) = self.store(0) {
            s.set_wal_autocheckpoint(pages)
        }
    }
    fn locking_mode(&self) -> LockingMode {
        self.main().locking_mode()
    }
    fn set_locking_mode(&mut self, mode: LockingMode) -> Result<()> {
        self.store(0)?.set_locking_mode(mode)
    }
    fn busy_timeout(&self) -> Duration {
        self.main().busy_timeout()
    }
    fn set_busy_timeout(&mut self, timeout: Duration) {
        let _ = self.each(|s| {
            s.set_busy_timeout(timeout);
            Ok(())
        });
    }
    fn as_multi(&mut self) -> Option<&mut MultiStore> {
        Some(self)
    }
}
