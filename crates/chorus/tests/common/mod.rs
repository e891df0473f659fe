//! Differential test helpers: run the same SQL on Chorus and on SQLite
//! (rusqlite, bundled) and compare column names, typed values and errors.

#![allow(dead_code)]

use chorus::Value;

pub struct Pair {
    pub chorus: chorus::Connection,
    pub sqlite: rusqlite::Connection,
}

#[derive(Debug, PartialEq)]
pub enum Outcome {
    Rows(Vec<String>, Vec<Vec<Value>>),
    Error(String),
}

fn from_rusqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as R;
    match v {
        R::Null => Value::Null,
        R::Integer(i) => Value::Integer(i),
        R::Real(r) => Value::Real(r),
        R::Text(t) => Value::Text(t.to_vec()),
        R::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl Pair {
    pub fn new() -> Pair {
        Pair {
            chorus: chorus::Connection::open_in_memory().unwrap(),
            sqlite: rusqlite::Connection::open_in_memory().unwrap(),
        }
    }

    pub fn run_chorus(&self, sql: &str) -> Outcome {
        let mut s = match self.chorus.prepare(sql) {
            Ok(s) => s,
            Err(e) => return Outcome::Error(e.message),
        };
        let names: Vec<String> = s.column_names().iter().map(|s| s.to_string()).collect();
        let mut rows = Vec::new();
        loop {
            match s.step() {
                Ok(true) => {
                    let n = s.column_count();
                    rows.push((0..n).map(|i| s.column_value(i).to_owned()).collect());
                }
                Ok(false) => break,
                Err(e) => return Outcome::Error(e.message),
            }
        }
        let names = if names.is_empty() {
            s.column_names().iter().map(|s| s.to_string()).collect()
        } else {
            names
        };
        Outcome::Rows(names, rows)
    }

    pub fn run_sqlite(&self, sql: &str) -> Outcome {
        let mut s = match self.sqlite.prepare(sql) {
            Ok(s) => s,
            Err(e) => return Outcome::Error(sqlite_msg(e)),
        };
        let names: Vec<String> = s.column_names().iter().map(|s| s.to_string()).collect();
        let n = names.len();
        let mut rows = Vec::new();
        let mut q = s.raw_query();
        loop {
            match q.next() {
                Ok(Some(r)) => rows.push(
                    (0..n)
                        .map(|i| from_rusqlite(r.get_ref(i).unwrap()))
                        .collect(),
                ),
                Ok(None) => break,
                Err(e) => return Outcome::Error(sqlite_msg(e)),
            }
        }
        Outcome::Rows(names, rows)
    }

    /// Run on both and assert equal outcomes.
    pub fn same(&self, sql: &str) {
        let a = self.run_chorus(sql);
        let b = self.run_sqlite(sql);
        let (a, b) = (normalize(a, sql), normalize(b, sql));
        assert_eq!(a, b, "\nSQL: {sql}");
    }

    /// Run several statements (each compared).
    pub fn all(&self, sqls: &[&str]) {
        for s in sqls {
            self.same(s);
        }
    }
}

fn sqlite_msg(e: rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m,
        rusqlite::Error::SqlInputError { msg, .. } => msg,
        other => other.to_string(),
    }
}

/// Statements without ORDER BY whose row order is unspecified compare as sets
/// only when the SQL says so via a `-- rowsort` marker.
fn normalize(o: Outcome, sql: &str) -> Outcome {
    match o {
        Outcome::Rows(n, mut r) if sql.contains("-- rowsort") => {
            r.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            Outcome::Rows(n, r)
        }
        o => o,
    }
}
