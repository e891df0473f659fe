//! STRICT tables (SQLite 3.37+, see stricttables.in): every column declares
//! one of the types INT, INTEGER, REAL, TEXT, BLOB or ANY (the whole type
//! text, no size arguments). At CREATE time any other (or missing) type is an
//! error; PRIMARY KEY columns other than the rowid alias become NOT NULL and
//! ANY columns get BLOB affinity (no conversions). On INSERT/UPDATE the
//! column affinity is applied first (so '3' becomes 3 in an INT column) and
//! the result must then be of the column's type (NULL always passes; REAL
//! accepts integers, which are stored as REAL), otherwise the write fails with
//! SQLITE_CONSTRAINT_DATATYPE. The record format is unchanged.

use crate::schema::Table;
use crate::sqlvalue::Affinity;
use chorus_storage::{Error, Result, ResultCode, Value};

/// SQLITE_CONSTRAINT_DATATYPE.
pub const CONSTRAINT_DATATYPE: ResultCode = ResultCode(19 | (12 << 8));

/// The canonical STRICT type name of a declared type, if it is one.
pub fn std_type(decl: &str) -> Option<&'static str> {
    ["INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"]
        .into_iter()
        .find(|t| t.eq_ignore_ascii_case(decl))
}

/// Validate and adjust a STRICT table at CREATE (or schema load) time.
pub fn finish_table(t: &mut Table) -> Result<()> {
    for i in 0..t.columns.len() {
        let c = &t.columns[i];
        let Some(ty) = std_type(&c.decltype) else {
            let msg = if c.decltype.is_empty() {
                format!("missing datatype for {}.{}", t.name, c.name)
            } else {
                format!(
                    "unknown datatype for {}.{}: \"{}\"",
                    t.name, c.name, c.decltype
                )
            };
            return Err(Error::new(ResultCode::ERROR, msg));
        };
        let alias = t.rowid_alias == Some(i);
        let c = &mut t.columns[i];
        // SQLite reports the canonical (upper-case) name.
        c.decltype = ty.to_string();
        if ty == "ANY" {
            c.affinity = Affinity::Blob;
        }
        if c.pk > 0 && !alias {
            c.notnull = true;
        }
    }
    t.strict = true;
    Ok(())
}

fn value_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Integer(_) => "INT",
        Value::Real(_) => "REAL",
        Value::Text(_) => "TEXT",
        Value::Blob(_) => "BLOB",
    }
}

/// Check a row (affinities already applied) against a STRICT table's
/// column types.
pub fn type_check(t: &Table, values: &[Value]) -> Result<()> {
    if !t.strict {
        return Ok(());
    }
    for (i, (c, v)) in t.columns.iter().zip(values).enumerate() {
        if t.rowid_alias == Some(i) || v.is_null() {
            continue;
        }
        let Some(ty) = std_type(&c.decltype) else {
            continue;
        };
        let ok = match ty {
            "ANY" => true,
            "INT" | "INTEGER" => matches!(v, Value::Integer(_)),
            "REAL" => matches!(v, Value::Real(_) | Value::Integer(_)),
            "TEXT" => matches!(v, Value::Text(_)),
            _ => matches!(v, Value::Blob(_)),
        };
        if !ok {
            return Err(Error::new(
                CONSTRAINT_DATATYPE,
                format!(
                    "cannot store {} value in {} column {}.{}",
                    value_type_name(v),
                    ty,
                    t.name,
                    c.name
                ),
            ));
        }
    }
    Ok(())
}
