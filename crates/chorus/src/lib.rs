//! Chorus: an in-process SQL engine that is a drop-in for SQLite.
//!
//! ```
//! use chorus::{params, Connection};
//! let conn = Connection::open_in_memory()?;
//! conn.execute_batch("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX tb ON t(b);")?;
//! conn.execute("INSERT INTO t(b) VALUES (?1), (?2)", params!["x", "y"])?;
//! let mut stmt = conn.prepare("SELECT a, b FROM t WHERE b > :min ORDER BY a")?;
//! let mut rows = stmt.query(chorus::named_params! {":min": "w"})?;
//! while let Some(row) = rows.next()? {
//!     let (a, b): (i64, String) = (row.get(0)?, row.get(1)?);
//!     assert!(a >= 1 && !b.is_empty());
//! }
//! # Ok::<(), chorus::Error>(())
//! ```

pub mod api;
pub mod exec;
pub mod parse;
pub mod plan;
pub mod schema;
pub mod sqlvalue;
pub mod stmt;
pub mod storage;

pub use api::connection::{Connection, Database, OpenFlags, Transaction, TransactionState};
pub use api::interrupt::InterruptHandle;
pub use api::statement::{ColumnType, Row, Rows, Statement};
pub use api::types::{FromSql, Null, ParamKey, Params, ToSql};
pub use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};

/// Extended result codes of constraint failures (as in `sqlite3.h`).
pub mod codes {
    use chorus_storage::ResultCode;
    pub const CONSTRAINT_CHECK: ResultCode = ResultCode(275);
    pub const CONSTRAINT_NOTNULL: ResultCode = ResultCode(1299);
    pub const CONSTRAINT_PRIMARYKEY: ResultCode = ResultCode(1555);
    pub const CONSTRAINT_UNIQUE: ResultCode = ResultCode(2067);
    pub const CONSTRAINT_ROWID: ResultCode = ResultCode(2579);
    pub const CONSTRAINT_FOREIGNKEY: ResultCode = ResultCode(787);
}
