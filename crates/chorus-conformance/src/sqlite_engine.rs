//! The reference engine: SQLite itself (rusqlite, bundled), on a fresh
//! in-memory database.

use crate::engine::{Engine, EngineError, QueryResult};
use crate::splitter::split_statements;
use chorus::Value;
use rusqlite::types::ValueRef;
use rusqlite::Connection;

/// SQLite through rusqlite, one private in-memory database per instance.
pub struct SqliteEngine {
    conn: Connection,
}

impl SqliteEngine {
    /// Opens a fresh, empty in-memory database.
    ///
    /// rusqlite's bundled build turns foreign-key enforcement on by default
    /// (`SQLITE_DEFAULT_FOREIGN_KEYS=1`); it is switched off here so the
    /// reference behaves like a stock SQLite (and the `sqlite3` shell).
    pub fn new() -> Result<SqliteEngine, EngineError> {
        let conn = Connection::open_in_memory().map_err(map_error)?;
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .map_err(map_error)?;
        Ok(SqliteEngine { conn })
    }

    /// The underlying connection (for tests that need SQLite directly).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Maps a rusqlite error to the primary result code and SQLite's message.
pub(crate) fn map_error(err: rusqlite::Error) -> EngineError {
    match err {
        rusqlite::Error::SqliteFailure(e, msg) => {
            let message = msg.unwrap_or_else(|| e.to_string());
            EngineError::new(e.extended_code, message)
        }
        // Prepare errors with a position: keep SQLite's own message, not
        // rusqlite's decoration of it.
        rusqlite::Error::SqlInputError { error, msg, .. } => {
            EngineError::new(error.extended_code, msg)
        }
        other => EngineError::new(1, other.to_string()),
    }
}

fn to_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(t.to_vec()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl Engine for SqliteEngine {
    fn name(&self) -> &str {
        "sqlite"
    }

    fn execute(&mut self, sql: &str) -> Result<Option<QueryResult>, EngineError> {
        let parts = split_statements(sql);
        let sql = match parts.as_slice() {
            [] => return Ok(None),
            [one] => one.text.as_str(),
            _ => {
                return Err(EngineError::new(
                    21,
                    format!("execute() takes exactly one statement, got {}", parts.len()),
                ))
            }
        };
        let mut stmt = self.conn.prepare(sql).map_err(map_error)?;
        let columns: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        let ncol = columns.len();
        let mut rows = Vec::new();
        let mut cursor = stmt.raw_query();
        while let Some(row) = cursor.next().map_err(map_error)? {
            let mut out = Vec::with_capacity(ncol);
            for i in 0..ncol {
                out.push(to_value(row.get_ref(i).map_err(map_error)?));
            }
            rows.push(out);
        }
        if ncol == 0 {
            Ok(None)
        } else {
            Ok(Some(QueryResult { columns, rows }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_statements_and_queries() {
        let mut e = SqliteEngine::new().unwrap();
        assert_eq!(e.execute("CREATE TABLE t(a, b TEXT)").unwrap(), None);
        assert_eq!(
            e.execute("INSERT INTO t VALUES(1, 'x'), (2.5, NULL);")
                .unwrap(),
            None
        );
        let r = e
            .execute("SELECT a, b AS bee FROM t ORDER BY a")
            .unwrap()
            .unwrap();
        assert_eq!(r.columns, vec!["a".to_string(), "bee".to_string()]);
        assert_eq!(
            r.rows,
            vec![
                vec![Value::Integer(1), Value::Text(b"x".to_vec())],
                vec![Value::Real(2.5), Value::Null],
            ]
        );
        let empty = e.execute("SELECT * FROM t WHERE 0").unwrap().unwrap();
        assert_eq!(empty.columns.len(), 2);
        assert!(empty.rows.is_empty());
    }

    #[test]
    fn errors_carry_primary_codes() {
        let mut e = SqliteEngine::new().unwrap();
        let err = e.execute("SELEC 1").unwrap_err();
        assert_eq!(err.code, 1);
        assert_eq!(err.message, "near \"SELEC\": syntax error");
        e.execute("CREATE TABLE t(a UNIQUE)").unwrap();
        e.execute("INSERT INTO t VALUES(1)").unwrap();
        let err = e.execute("INSERT INTO t VALUES(1)").unwrap_err();
        assert_eq!(err.code, 19);
        assert_eq!(err.message, "UNIQUE constraint failed: t.a");
        let err = e.execute("SELECT * FROM nope").unwrap_err();
        assert_eq!(err.message, "no such table: nope");
    }

    #[test]
    fn foreign_keys_are_off_like_stock_sqlite() {
        let mut e = SqliteEngine::new().unwrap();
        let r = e.execute("PRAGMA foreign_keys").unwrap().unwrap();
        assert_eq!(r.rows, vec![vec![Value::Integer(0)]]);
    }

    #[test]
    fn empty_and_multiple_statements() {
        let mut e = SqliteEngine::new().unwrap();
        assert_eq!(e.execute("  -- nothing\n ; ").unwrap(), None);
        assert_eq!(e.execute("SELECT 1; SELECT 2").unwrap_err().code, 21);
    }
}
