//! `Database` (shared, `Send + Sync`) and `Connection` (one per thread):
//! transaction state (autocommit, explicit BEGIN, savepoints), the shared
//! schema cache, and the statement entry points.
//!
//! Transaction protocol with the store: a statement that reads starts a read
//! transaction unless one is open; a statement that writes starts a write
//! transaction and opens a statement savepoint, so a failing statement leaves
//! no partial effect. In autocommit mode the write transaction commits when
//! the statement ends and the read transaction ends with the last active
//! reading statement.

use super::interrupt::InterruptHandle;
use super::statement::Statement;
use super::types::Params;
use crate::exec::env::Env;
use crate::parse::parse_first_with_offset;
use crate::schema::Schema;
use crate::stmt::ddl::load_schema;
use crate::storage::btree::PagerFactory;
use crate::storage::memory::MemoryFactory;
use crate::storage::{HeaderField, Store, StoreFactory};
use chorus_storage::PagerOptions;
use chorus_storage::{Error, Result, ResultCode};
use std::cell::{Cell, RefCell};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// A connection's transaction state (sqlite3_txn_state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionState {
    None,
    Read,
    Write,
}

/// How `Database::open_with_flags` opens a file (sqlite3_open_v2's
/// SQLITE_OPEN_READONLY / SQLITE_OPEN_CREATE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFlags {
    /// Writes fail with SQLITE_READONLY.
    pub read_only: bool,
    /// Create the file when missing (ignored when `read_only`).
    pub create: bool,
}

impl Default for OpenFlags {
    fn default() -> Self {
        OpenFlags {
            read_only: false,
            create: true,
        }
    }
}

pub(crate) struct DbShared {
    pub factory: Box<dyn StoreFactory>,
    pub schema: Mutex<Option<Arc<Schema>>>,
}

/// A database, shared by its connections (`Send + Sync`).
///
/// ```
/// let db = chorus::Database::open_in_memory().unwrap();
/// let a = db.connect().unwrap();
/// a.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (42);").unwrap();
/// let b = db.connect().unwrap();
/// let x: i64 = b.query_row("SELECT x FROM t", (), |r| r.get(0)).unwrap();
/// assert_eq!(x, 42);
/// ```
#[derive(Clone)]
pub struct Database {
    shared: Arc<DbShared>,
}

impl Database {
    /// A new, empty in-memory database.
    pub fn open_in_memory() -> Result<Database> {
        // The real file format on a private in-memory VFS: page counts,
        // freelists and PRAGMAs behave exactly as for a file.
        let vfs = chorus_storage::vfs::MemoryVfs::new_ref();
        Ok(Self::with_store_factory(Box::new(PagerFactory::new(
            vfs,
            "memory.db",
            "",
            PagerOptions::default(),
        ))))
    }

    /// Open (creating if needed) the database file at `path`; `":memory:"`
    /// or `""` gives a new in-memory database.
    pub fn open(path: &str) -> Result<Database> {
        Self::open_with_flags(path, OpenFlags::default())
    }

    /// Open the database file at `path` read-only, or read-write creating it
    /// when missing only if `flags.create`. A missing file fails with
    /// SQLITE_CANTOPEN "unable to open database file".
    pub fn open_with_flags(path: &str, flags: OpenFlags) -> Result<Database> {
        if path == ":memory:" || path.is_empty() {
            return Self::open_in_memory();
        }
        if (flags.read_only || !flags.create) && !std::path::Path::new(path).exists() {
            return Err(Error::new(
                ResultCode::CANTOPEN,
                "unable to open database file",
            ));
        }
        let vfs = chorus_storage::vfs::OsVfs::new_ref();
        let filename = full_path(path);
        let opts = PagerOptions {
            read_only: flags.read_only,
            ..PagerOptions::default()
        };
        let factory = PagerFactory::new(vfs, path, &filename, opts);
        // Open once now so that a missing directory fails here, as
        // sqlite3_open_v2 does. A file that is not a database opens; its
        // statements fail with SQLITE_NOTADB when they touch it (as in SQLite).
        match factory.connect() {
            Ok(s) => drop(s),
            Err(e) if e.code == ResultCode::NOTADB => {}
            Err(e) if e.code == ResultCode::CANTOPEN => {
                // SQLite's message names no path or OS error.
                return Err(Error::new(
                    ResultCode::CANTOPEN,
                    "unable to open database file",
                ));
            }
            Err(e) => return Err(e),
        }
        Ok(Self::with_store_factory(Box::new(factory)))
    }

    /// A new store on this database (an ATTACHed or TEMP database's store).
    pub(crate) fn store_for_attach(&self) -> Result<Box<dyn crate::storage::Store>> {
        self.shared.factory.connect()
    }

    /// The database's absolute file name ("" for in-memory).
    pub(crate) fn filename(&self) -> &str {
        self.shared.factory.filename()
    }

    /// A database over the `BTreeMap`-backed store (tests of the SQL layer).
    pub fn open_in_memory_model() -> Result<Database> {
        Ok(Self::with_store_factory(Box::new(MemoryFactory::new())))
    }

    /// A database over a custom storage backend.
    pub fn with_store_factory(factory: Box<dyn StoreFactory>) -> Database {
        Database {
            shared: Arc::new(DbShared {
                factory,
                schema: Mutex::new(None),
            }),
        }
    }

    /// A new connection.
    pub fn connect(&self) -> Result<Connection> {
        let (store, cookie): (Box<dyn Store>, u32) = match self.shared.factory.connect() {
            Ok(s) => (s, u32::MAX),
            Err(e) if e.code == ResultCode::NOTADB => (
                Box::new(super::unreadable_store::UnreadableStore::new(e)),
                0,
            ),
            Err(e) => return Err(e),
        };
        Ok(Connection {
            db: self.shared.clone(),
            interrupt: Arc::new(AtomicBool::new(false)),
            error_offset: Cell::new(None),
            inner: RefCell::new(ConnInner {
                store,
                schema: Arc::new(Schema {
                    cookie,
                    ..Default::default()
                }),
                base_schema: Arc::new(Schema {
                    cookie,
                    ..Default::default()
                }),
                temp_triggers: Vec::new(),
                temp_gen: 0,
                explicit_txn: false,
                savepoints: Vec::new(),
                sp_txn: false,
                last_insert_rowid: 0,
                changes: 0,
                total_changes: 0,
                case_sensitive_like: false,
                recursive_triggers: false,
                cache_size: -2000,
                flags: Default::default(),
                readers: 0,
                txn_read: false,
                fk: Default::default(),
            }),
        })
    }
}

/// The absolute name of a database file (PRAGMA database_list): the
/// canonical path when the file exists, else the canonical directory joined
/// with the file name, else the name as given.
fn full_path(path: &str) -> String {
    let p = std::path::Path::new(path);
    if let Ok(c) = p.canonicalize() {
        return c.to_string_lossy().into_owned();
    }
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    match (dir.canonicalize(), p.file_name()) {
        (Ok(d), Some(f)) => d.join(f).to_string_lossy().into_owned(),
        _ => path.to_string(),
    }
}

pub(crate) struct ConnInner {
    pub store: Box<dyn Store>,
    /// The schema statements compile against: `base_schema` plus the
    /// connection's TEMP triggers.
    pub schema: Arc<Schema>,
    pub base_schema: Arc<Schema>,
    pub temp_triggers: Vec<crate::schema::SchemaEntry>,
    pub temp_gen: u32,
    pub explicit_txn: bool,
    /// SQL savepoints: (name, store level).
    pub savepoints: Vec<(String, usize)>,
    /// The transaction was opened by SAVEPOINT (RELEASE of the last one commits).
    pub sp_txn: bool,
    pub last_insert_rowid: i64,
    pub changes: i64,
    pub total_changes: i64,
    pub case_sensitive_like: bool,
    /// `PRAGMA recursive_triggers`.
    pub recursive_triggers: bool,
    pub cache_size: i64,
    pub flags: crate::stmt::pragma::ConnFlags,
    pub readers: usize,
    /// A statement of the open explicit transaction read from a table
    /// (sqlite3_txn_state reports a read transaction).
    pub txn_read: bool,
    /// PRAGMA foreign_keys / defer_foreign_keys and the deferred count.
    pub fk: crate::exec::foreign_key::ConnFk,
}

impl ConnInner {
    /// Start a statement: read transaction, fresh schema.
    pub fn begin_stmt(&mut self, shared: &DbShared) -> Result<()> {
        if !self.explicit_txn && self.readers == 0 && !self.store.in_write() {
            self.store.begin_read()?;
        }
        let cookie = match self.store.header(HeaderField::SchemaCookie) {
            Ok(c) => c,
            Err(e) => {
                self.end_read_if_idle();
                return Err(e);
            }
        };
        if cookie != self.schema.cookie {
            if let Err(e) = self.reload_schema(shared, cookie) {
                self.end_read_if_idle();
                return Err(e);
            }
        }
        Ok(())
    }

    pub fn reload_schema(&mut self, shared: &DbShared, cookie: u32) -> Result<()> {
        if let Some(m) = self.store.as_multi() {
            // TEMP / ATTACH in use: the combined schema is this connection's own.
            let s = Arc::new(crate::stmt::attach::combined_schema(m, cookie)?);
            self.install_schema(s);
            return Ok(());
        }
        let in_write = self.store.in_write();
        if !in_write {
            if let Ok(g) = shared.schema.lock() {
                if let Some(s) = g.as_ref() {
                    if s.cookie == cookie {
                        let s = s.clone();
                        self.install_schema(s);
                        return Ok(());
                    }
                }
            }
        }
        let s = Arc::new(load_schema(&mut *self.store)?);
        if !in_write {
            if let Ok(mut g) = shared.schema.lock() {
                *g = Some(s.clone());
            }
        }
        self.install_schema(s);
        Ok(())
    }

    /// Use `s` (as stored in the database) with this connection's TEMP
    /// triggers merged in.
    pub fn install_schema(&mut self, s: Arc<Schema>) {
        self.schema =
            crate::stmt::trigger::with_temp_triggers(&s, &mut self.temp_triggers, self.temp_gen);
        self.base_schema = s;
    }

    pub fn end_read_if_idle(&mut self) {
        if !self.explicit_txn && self.readers == 0 && !self.store.in_write() {
            let _ = self.store.end_read();
        }
    }

    pub fn autocommit(&self) -> bool {
        !self.explicit_txn
    }
}

/// A connection to a database.
///
/// ```
/// use chorus::Connection;
/// let conn = Connection::open_in_memory().unwrap();
/// conn.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)", ()).unwrap();
/// conn.execute("INSERT INTO t(b) VALUES (?1)", ("hello",)).unwrap();
/// let b: String = conn.query_row("SELECT b FROM t WHERE a = 1", (), |r| r.get(0)).unwrap();
/// assert_eq!(b, "hello");
/// ```
pub struct Connection {
    pub(crate) db: Arc<DbShared>,
    pub(crate) inner: RefCell<ConnInner>,
    /// Set by `InterruptHandle::interrupt`, checked by running statements.
    pub(crate) interrupt: Arc<AtomicBool>,
    /// Byte offset of the token the last prepare error is about.
    pub(crate) error_offset: Cell<Option<usize>>,
}

impl Connection {
    /// Open a connection to a new in-memory database.
    pub fn open_in_memory() -> Result<Connection> {
        Database::open_in_memory()?.connect()
    }

    /// Open a connection to the database at `path`.
    pub fn open(path: &str) -> Result<Connection> {
        Database::open(path)?.connect()
    }

    /// Wait up to `timeout` for locks held by other connections before a
    /// statement fails with `SQLITE_BUSY` (as `sqlite3_busy_timeout`; zero
    /// turns waiting off). Same as `PRAGMA busy_timeout = ms`.
    pub fn busy_timeout(&self, timeout: std::time::Duration) -> Result<()> {
        self.inner.borrow_mut().store.set_busy_timeout(timeout);
        Ok(())
    }

    /// Open a connection to the existing database at `path`, read-only:
    /// writes fail with SQLITE_READONLY.
    pub fn open_read_only(path: &str) -> Result<Connection> {
        Database::open_with_flags(
            path,
            OpenFlags {
                read_only: true,
                create: false,
            },
        )?
        .connect()
    }

    /// A handle that interrupts this connection's running statement from
    /// any thread (sqlite3_interrupt).
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle::new(self.interrupt.clone())
    }

    /// Byte offset, in the SQL passed to the last failing prepare, of the
    /// token its error is about (sqlite3_error_offset); None when unknown or
    /// when the last prepare succeeded.
    pub fn last_error_offset(&self) -> Option<usize> {
        self.error_offset.get()
    }

    /// Prepare the first statement of `sql` (the rest is ignored).
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        match self.prepare_with_tail(sql)? {
            (Some(s), _) => Ok(s),
            (None, _) => Statement::new(self, "SELECT 1 WHERE 0".to_string()).map(|mut s| {
                s.empty = true;
                s
            }),
        }
    }

    /// Prepare the first statement of `sql`; also returns the byte offset of
    /// the rest. `None` when `sql` holds no statement.
    pub fn prepare_with_tail(&self, sql: &str) -> Result<(Option<Statement<'_>>, usize)> {
        self.error_offset.set(None);
        let (parsed, tail) = match parse_first_with_offset(sql) {
            Ok(r) => r,
            Err((e, off)) => {
                if let Some(h) = super::trigger_header_error::header_error(self, sql, &e, off) {
                    let off = super::error_offset::name_error_offset(sql, &h.message);
                    self.error_offset.set(off);
                    return Err(h);
                }
                self.error_offset.set(off);
                return Err(e);
            }
        };
        match parsed {
            None => Ok((None, tail)),
            Some(p) => {
                let text = sql[..tail].to_string();
                match Statement::from_parsed(self, text, p) {
                    Ok(s) => Ok((Some(s), tail)),
                    Err(e) => {
                        let off = super::error_offset::name_error_offset(&sql[..tail], &e.message);
                        self.error_offset.set(off);
                        Err(e)
                    }
                }
            }
        }
    }

    /// Run one statement; returns the number of rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        let mut s = self.prepare(sql)?;
        s.execute(params)
    }

    /// Run every statement in `sql`.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        let mut rest = sql;
        loop {
            let (stmt, tail) = self.prepare_with_tail(rest)?;
            match stmt {
                None => return Ok(()),
                Some(mut s) => while s.step()? {},
            }
            rest = &rest[tail..];
            if rest.trim().is_empty() {
                return Ok(());
            }
        }
    }

    /// Run a query and map its first row.
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&super::statement::Row) -> Result<T>,
    {
        let mut s = self.prepare(sql)?;
        let mut rows = s.query(params)?;
        match rows.next()? {
            Some(r) => f(r),
            None => Err(Error::new(ResultCode::NOTFOUND, "query returned no rows")),
        }
    }

    pub fn last_insert_rowid(&self) -> i64 {
        self.inner.borrow().last_insert_rowid
    }

    /// Rows changed by the most recent INSERT/UPDATE/DELETE.
    pub fn changes(&self) -> u64 {
        self.inner.borrow().changes as u64
    }

    pub fn total_changes(&self) -> u64 {
        self.inner.borrow().total_changes as u64
    }

    /// True outside an explicit transaction.
    pub fn is_autocommit(&self) -> bool {
        self.inner.borrow().autocommit()
    }

    /// sqlite3_txn_state for "main": Write while a write transaction is open
    /// (including a deferred BEGIN that has written), Read while a statement
    /// is reading or once a statement of the open transaction has read a
    /// table, else None.
    pub fn transaction_state(&self) -> TransactionState {
        let inner = self.inner.borrow();
        if inner.store.in_write() {
            TransactionState::Write
        } else if inner.readers > 0 || (inner.explicit_txn && inner.txn_read) {
            TransactionState::Read
        } else {
            TransactionState::None
        }
    }

    /// Begin a transaction; it rolls back when the guard drops uncommitted.
    pub fn transaction(&self) -> Result<Transaction<'_>> {
        self.execute_batch("BEGIN")?;
        Ok(Transaction {
            conn: self,
            done: false,
        })
    }

    pub(crate) fn env_for(&self, nslots: usize, nparams: usize) -> Env {
        let mut env = Env::new(nslots, nparams);
        env.interrupt = self.interrupt.clone();
        env.facts.filename = self.db.factory.filename().to_string();
        env
    }
}

/// A transaction guard: `commit()` or `rollback()`; dropping it rolls back.
pub struct Transaction<'c> {
    conn: &'c Connection,
    done: bool,
}

impl<'c> Transaction<'c> {
    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        self.conn.execute_batch("COMMIT")
    }
    pub fn rollback(mut self) -> Result<()> {
        self.done = true;
        self.conn.execute_batch("ROLLBACK")
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
