//! `PRAGMA table_list` (SQLite 3.37+): one row per table or view with
//! columns schema, name, type, ncol, wr (WITHOUT ROWID) and strict.
//!
//! SQLite walks each database's schema hash table; for the small schemas
//! this produces newest-first order, followed by the schema table itself,
//! then TEMP's `sqlite_temp_schema`. We emit that order (SQLite's order
//! differs once a schema holds ten or more objects and its hash table grows
//! buckets). Only the main database's objects are listed in detail; TEMP
//! contributes its schema table row (TEMP objects and attached databases
//! are not listed). With a table-name argument only that main-database
//! table or view is reported (never the schema tables).

use super::pragma::PragmaResult;
use crate::schema::{key, Schema};
use chorus_storage::{Result, Value};
use std::sync::Arc;

fn row(db: &str, name: &str, kind: &str, ncol: usize, wr: bool, strict: bool) -> Vec<Value> {
    vec![
        Value::Text(db.as_bytes().to_vec()),
        Value::Text(name.as_bytes().to_vec()),
        Value::Text(kind.as_bytes().to_vec()),
        Value::Integer(ncol as i64),
        Value::Integer(wr as i64),
        Value::Integer(strict as i64),
    ]
}

/// Run the pragma. `db`: the schema qualifier, if any (lower case);
/// `only`: the table-name argument, if any.
pub fn table_list(schema: &Schema, db: Option<&str>, only: Option<&str>) -> Result<PragmaResult> {
    let mut rows = Vec::new();
    let want_main = db.is_none_or(|d| d == "main");
    let want_temp = db.is_none_or(|d| d == "temp");
    let matches = |n: &str| only.is_none_or(|o| o.eq_ignore_ascii_case(n));
    if want_main {
        let mut arc: Option<Arc<Schema>> = None;
        for e in schema.entries.iter().rev() {
            if !matches(&e.name) {
                continue;
            }
            match e.kind.as_str() {
                "table" => {
                    if let Some(t) = schema.tables.get(&key(&e.name)) {
                        rows.push(row(
                            "main",
                            &t.name,
                            "table",
                            t.columns.len(),
                            t.without_rowid.is_some(),
                            t.strict,
                        ));
                    }
                }
                "view" => {
                    if let Some(v) = schema.views.get(&key(&e.name)) {
                        let s = arc.get_or_insert_with(|| Arc::new(schema.clone()));
                        let n = super::trigger::view_columns(s, v)?.len();
                        rows.push(row("main", &v.name, "view", n, false, false));
                    }
                }
                _ => {}
            }
        }
        // A table-name argument never selects the schema tables.
        if only.is_none() {
            rows.push(row("main", "sqlite_schema", "table", 5, false, false));
        }
    }
    if want_temp && only.is_none() {
        rows.push(row("temp", "sqlite_temp_schema", "table", 5, false, false));
    }
    Ok(PragmaResult {
        names: ["schema", "name", "type", "ncol", "wr", "strict"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows,
        wrote: false,
    })
}
