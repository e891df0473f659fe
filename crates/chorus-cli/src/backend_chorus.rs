//! `Connection`/`Statement` over the chorus engine's Rust API.

use crate::backend::{
    Connection, Error, InterruptHandle, OpenOptions, Result, Statement, TxnState, Value,
};
use std::sync::Arc;

fn err(e: chorus::Error) -> Error {
    // Extended codes (e.g. 2067 for a UNIQUE constraint) carry the primary
    // code in their low byte, which is what the shell reports.
    Error::new(e.code.0 & 0xff, e.message)
}

pub fn engine_version() -> String {
    format!("Chorus engine {}", env!("CARGO_PKG_VERSION"))
}

pub fn open(path: &str, opts: &OpenOptions) -> Result<Box<dyn Connection>> {
    let conn = if path.is_empty() || path == ":memory:" {
        chorus::Connection::open_in_memory()
    } else if opts.read_only {
        chorus::Connection::open_read_only(path)
    } else {
        chorus::Connection::open(path)
    }
    .map_err(err)?;
    let path = if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(path.to_string())
    };
    Ok(Box::new(ChorusConnection { conn, path }))
}

pub struct ChorusConnection {
    conn: chorus::Connection,
    /// The database file; None for an in-memory database.
    path: Option<String>,
}

impl Connection for ChorusConnection {
    fn prepare<'c>(&'c self, sql: &str) -> Result<(Option<Box<dyn Statement + 'c>>, usize)> {
        let (stmt, tail) = self.conn.prepare_with_tail(sql).map_err(|e| {
            let mut e = err(e);
            e.offset = self.conn.last_error_offset();
            e
        })?;
        let stmt = stmt.map(|s| Box::new(ChorusStatement { stmt: s }) as Box<dyn Statement + 'c>);
        Ok((stmt, tail))
    }

    fn changes(&self) -> i64 {
        self.conn.changes() as i64
    }

    fn total_changes(&self) -> i64 {
        self.conn.total_changes() as i64
    }

    fn is_autocommit(&self) -> bool {
        self.conn.is_autocommit()
    }

    fn backup_to(&self, schema: &str, path: &str) -> Result<()> {
        self.conn.backup_to_file(schema, path).map_err(err)
    }

    fn restore_from(&mut self, schema: &str, path: &str) -> Result<()> {
        if !schema.eq_ignore_ascii_case("main") {
            return Err(Error::new(1, format!("unknown database {schema}")));
        }
        let src = chorus::Connection::open(path).map_err(err)?;
        let mut image = src.serialize("main").map_err(err)?;
        drop(src);
        // The restored content replaces the database under a new
        // connection: in memory, a new in-memory database; for a file, the
        // file rewritten and reopened.
        self.conn = match &self.path {
            None => chorus::Database::deserialize(image)
                .and_then(|db| db.connect())
                .map_err(err)?,
            Some(p) => {
                chorus::api::backup::write_database_file(&mut image, p).map_err(err)?;
                chorus::Connection::open(p).map_err(err)?
            }
        };
        Ok(())
    }

    fn txn_state(&self, schema: &str) -> Option<TxnState> {
        if !schema.eq_ignore_ascii_case("main") {
            return None;
        }
        Some(match self.conn.transaction_state() {
            chorus::TransactionState::None => TxnState::None,
            chorus::TransactionState::Read => TxnState::Read,
            chorus::TransactionState::Write => TxnState::Write,
        })
    }

    fn interrupt_handle(&self) -> InterruptHandle {
        let h = self.conn.interrupt_handle();
        Arc::new(move || h.interrupt())
    }
}

pub struct ChorusStatement<'c> {
    stmt: chorus::Statement<'c>,
}

impl Statement for ChorusStatement<'_> {
    fn column_count(&self) -> usize {
        self.stmt.column_count()
    }

    fn column_name(&self, i: usize) -> &str {
        self.stmt.column_name(i).unwrap_or("")
    }

    fn column_decltype(&self, i: usize) -> Option<&str> {
        self.stmt.column_decltype(i)
    }

    fn step(&mut self) -> Result<bool> {
        self.stmt.step().map_err(err)
    }

    fn bind_text(&mut self, i: usize, v: Option<&[u8]>) -> Result<()> {
        match v {
            Some(t) => self.stmt.bind_text_bytes(i, t).map_err(err),
            None => self.stmt.bind_value(i, chorus::Value::Null).map_err(err),
        }
    }

    fn reset(&mut self) {
        self.stmt.reset();
    }

    fn column_value(&self, i: usize) -> Value<'_> {
        match self.stmt.column_value(i) {
            chorus::ValueRef::Null => Value::Null,
            chorus::ValueRef::Integer(v) => Value::Integer(v),
            chorus::ValueRef::Real(v) => Value::Real(v),
            chorus::ValueRef::Text(t) => Value::Text(t),
            chorus::ValueRef::Blob(b) => Value::Blob(b),
        }
    }
}
