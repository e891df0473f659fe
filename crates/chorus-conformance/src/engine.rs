//! The engine abstraction both harnesses drive: something that runs one SQL
//! statement at a time against its own database and hands back typed values.
//!
//! Each harness creates a fresh engine (a fresh, empty in-memory database)
//! per test file or script, so an engine never has to be reset.

use chorus::Value;
use std::fmt;

/// The rows of a statement that returns columns (SELECT, VALUES, PRAGMA with
/// results, `... RETURNING`). `rows[i].len() == columns.len()` for every row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryResult {
    /// Column names as the engine reports them (`sqlite3_column_name`).
    pub columns: Vec<String>,
    /// Every row, in the order the engine produced them.
    pub rows: Vec<Vec<Value>>,
}

/// A failed statement: SQLite's primary result code (1 = SQLITE_ERROR,
/// 19 = SQLITE_CONSTRAINT, ...) and the error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError {
    /// The primary result code (the low byte of an extended code).
    pub code: i32,
    pub message: String,
}

impl EngineError {
    pub fn new(code: i32, message: impl Into<String>) -> EngineError {
        EngineError {
            code: code & 0xff,
            message: message.into(),
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)
    }
}

impl std::error::Error for EngineError {}

/// An SQL engine under test.
pub trait Engine {
    /// A short name for reports ("sqlite", "chorus").
    fn name(&self) -> &str;

    /// Runs exactly one SQL statement (a trailing `;`, whitespace and comments
    /// are allowed). Returns `Ok(Some(result))` when the statement has result
    /// columns (even if it produced no rows), `Ok(None)` when it has none
    /// (DDL, DML without RETURNING, `PRAGMA x = y`, or text holding no
    /// statement at all), and `Err` when preparing or running it failed; a
    /// statement that fails part-way through its rows is an `Err` as a whole.
    fn execute(&mut self, sql: &str) -> Result<Option<QueryResult>, EngineError>;
}
