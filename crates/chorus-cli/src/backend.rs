//! The narrow database interface the shell runs on.
//!
//! Everything the shell does with a database — running the user's SQL, the
//! dot commands, `.dump` and `.import` — goes through these two traits, so
//! the shell can sit on top of any engine that can prepare one statement of
//! a multi-statement string at a time and step through its rows.
//!
//! Contract:
//! - `Connection::prepare` compiles the first statement of `sql`. It returns
//!   `Ok((None, tail))` when the text before `tail` holds only whitespace and
//!   comments, and `Ok((Some(stmt), tail))` otherwise; `tail` is the byte offset
//!   into `sql` where the next statement begins. An error carries SQLite's
//!   primary result code and message, and, for syntax errors, the byte offset
//!   into `sql` of the offending token when the engine knows it.
//! - `Statement::step` returns `Ok(true)` while a row is available.
//!   `column_value` is valid after a step that returned `Ok(true)`.
//! - Text values are byte strings (normally UTF-8, never re-encoded).

use std::sync::Arc;

/// One column value of the current row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a [u8]),
    Blob(&'a [u8]),
}

/// An engine error: SQLite primary result code, message, and optionally the
/// byte offset in the prepared SQL the error points at.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub code: i32,
    pub message: String,
    pub offset: Option<usize>,
}

impl Error {
    pub fn new(code: i32, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            offset: None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// How to open a database.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    pub read_only: bool,
}

/// Interrupts whatever statement the connection is running; callable from
/// any thread (used for Ctrl-C).
pub type InterruptHandle = Arc<dyn Fn() + Send + Sync>;

/// An open database.
pub trait Connection {
    /// Compile the first statement of `sql`; see the module contract.
    fn prepare<'c>(&'c self, sql: &str) -> Result<(Option<Box<dyn Statement + 'c>>, usize)>;
    /// Rows changed by the most recent INSERT/UPDATE/DELETE.
    fn changes(&self) -> i64;
    /// Rows changed since the connection was opened.
    fn total_changes(&self) -> i64;
    /// True when no transaction is open.
    fn is_autocommit(&self) -> bool;
    /// A handle that makes the running statement fail with SQLITE_INTERRUPT.
    fn interrupt_handle(&self) -> InterruptHandle;
    /// Copy database `schema` ("main") page by page into the database file
    /// at `path`, replacing its content (sqlite3_backup into a connection on
    /// `path`; the shell's `.backup`).
    fn backup_to(&self, schema: &str, path: &str) -> Result<()>;
    /// Replace the content of database `schema` ("main") with a copy of the
    /// database file at `path` (sqlite3_backup from a connection on `path`;
    /// the shell's `.restore`).
    fn restore_from(&mut self, schema: &str, path: &str) -> Result<()>;
    /// Transaction state of one schema ("main", "temp", ...) for
    /// `.databases`; None when the engine cannot tell (nothing is shown).
    fn txn_state(&self, _schema: &str) -> Option<TxnState> {
        None
    }
}

/// sqlite3_txn_state: no transaction, reading, or writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnState {
    None,
    Read,
    Write,
}

/// A prepared statement.
pub trait Statement {
    fn column_count(&self) -> usize;
    fn column_name(&self, i: usize) -> &str;
    /// Declared type of the result column when it is a table column.
    /// (Part of the contract for adapters; the shell's current output
    /// formats do not need it.)
    #[allow(dead_code)]
    fn column_decltype(&self, i: usize) -> Option<&str>;
    /// Advance to the next row: `Ok(true)` when a row is available.
    fn step(&mut self) -> Result<bool>;
    /// Column `i` of the current row.
    fn column_value(&self, i: usize) -> Value<'_>;
    /// Bind parameter `i` (1-based) to text, or to NULL for `None`.
    fn bind_text(&mut self, i: usize, v: Option<&[u8]>) -> Result<()>;
    /// Back to the start, keeping the bindings.
    fn reset(&mut self);
}

/// Open `path` (":memory:" or "" for an in-memory database) with the
/// backend selected at build time.
pub fn open(path: &str, opts: &OpenOptions) -> Result<Box<dyn Connection>> {
    #[cfg(feature = "chorus-backend")]
    {
        crate::backend_chorus::open(path, opts)
    }
    #[cfg(all(feature = "sqlite-backend", not(feature = "chorus-backend")))]
    {
        crate::backend_sqlite::open(path, opts)
    }
}

/// The engine's name and version for the banner and `-version`.
pub fn engine_version() -> String {
    #[cfg(feature = "chorus-backend")]
    {
        crate::backend_chorus::engine_version()
    }
    #[cfg(all(feature = "sqlite-backend", not(feature = "chorus-backend")))]
    {
        crate::backend_sqlite::engine_version()
    }
}

#[cfg(not(any(feature = "sqlite-backend", feature = "chorus-backend")))]
compile_error!("enable the `sqlite-backend` or the `chorus-backend` feature");
