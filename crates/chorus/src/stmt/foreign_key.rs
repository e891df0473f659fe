//! FOREIGN KEY definitions and the foreign-key pragmas.
//!
//! A table's foreign keys come from its CREATE TABLE text: `REFERENCES`
//! column constraints (in column order) then `FOREIGN KEY` table constraints;
//! a `DEFERRABLE INITIALLY DEFERRED` clause applies to the key it follows.
//! `PRAGMA foreign_key_list` numbers them in reverse declaration order, as
//! SQLite's linked list does. Enforcement lives in `exec/foreign_key.rs`.

use crate::exec::foreign_key::{self, ConnFk};
use crate::schema::{name_of, Schema, Table};
use crate::stmt::pragma::PragmaResult;
use crate::storage::Store;
use chorus_storage::{Error, Result, ResultCode, Value};
use sqlite3_parser::ast;

/// A referential action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NoAction,
    Restrict,
    SetNull,
    SetDefault,
    Cascade,
}

impl Action {
    fn from_ast(a: ast::RefAct) -> Action {
        match a {
            ast::RefAct::SetNull => Action::SetNull,
            ast::RefAct::SetDefault => Action::SetDefault,
            ast::RefAct::Cascade => Action::Cascade,
            ast::RefAct::Restrict => Action::Restrict,
            ast::RefAct::NoAction => Action::NoAction,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Action::NoAction => "NO ACTION",
            Action::Restrict => "RESTRICT",
            Action::SetNull => "SET NULL",
            Action::SetDefault => "SET DEFAULT",
            Action::Cascade => "CASCADE",
        }
    }
}

/// One FOREIGN KEY constraint of a (child) table.
#[derive(Debug, Clone)]
pub struct ForeignKey {
    /// Child columns (indexes into the child table's columns).
    pub child_cols: Vec<usize>,
    /// Parent table name as written.
    pub parent: String,
    /// Parent columns as written (empty: the parent's PRIMARY KEY).
    pub parent_cols: Vec<String>,
    pub on_delete: Action,
    pub on_update: Action,
    /// DEFERRABLE INITIALLY DEFERRED.
    pub deferred: bool,
}

fn fk_error(msg: String) -> Error {
    Error::new(ResultCode::ERROR, msg)
}

fn build(
    t: &Table,
    child: Vec<usize>,
    clause: &ast::ForeignKeyClause,
    defer: Option<&ast::DeferSubclause>,
) -> Result<ForeignKey> {
    let parent_cols: Vec<String> = clause
        .columns
        .iter()
        .flatten()
        .map(|c| name_of(&c.col_name))
        .collect();
    if !parent_cols.is_empty() && parent_cols.len() != child.len() {
        if child.len() == 1 && t.columns.len() > child[0] {
            // Column constraint naming several parent columns.
            return Err(fk_error(format!(
                "foreign key on {} should reference only one column of table {}",
                t.columns[child[0]].name,
                name_of(&clause.tbl_name)
            )));
        }
        return Err(fk_error(
            "number of columns in foreign key does not match the number of columns in the referenced table"
                .into(),
        ));
    }
    let mut fk = ForeignKey {
        child_cols: child,
        parent: name_of(&clause.tbl_name),
        parent_cols,
        on_delete: Action::NoAction,
        on_update: Action::NoAction,
        deferred: false,
    };
    for a in &clause.args {
        match a {
            ast::RefArg::OnDelete(x) => fk.on_delete = Action::from_ast(*x),
            ast::RefArg::OnUpdate(x) => fk.on_update = Action::from_ast(*x),
            _ => {}
        }
    }
    if let Some(d) = defer {
        fk.deferred = is_deferred(d);
    }
    Ok(fk)
}

fn is_deferred(d: &ast::DeferSubclause) -> bool {
    d.deferrable && d.init_deferred == Some(ast::InitDeferredPred::InitiallyDeferred)
}

/// The foreign keys of a table being built from its CREATE TABLE body.
pub fn fks_from_ast<'a>(
    t: &Table,
    columns: impl Iterator<Item = &'a ast::ColumnDefinition>,
    constraints: Option<&Vec<ast::NamedTableConstraint>>,
) -> Result<Vec<ForeignKey>> {
    let mut out: Vec<ForeignKey> = Vec::new();
    for (i, def) in columns.enumerate() {
        for c in &def.constraints {
            match &c.constraint {
                ast::ColumnConstraint::ForeignKey {
                    clause,
                    deref_clause,
                } => out.push(build(t, vec![i], clause, deref_clause.as_ref())?),
                ast::ColumnConstraint::Defer(d) => {
                    if let Some(last) = out.last_mut() {
                        last.deferred = is_deferred(d);
                    }
                }
                _ => {}
            }
        }
    }
    for c in constraints.into_iter().flatten() {
        if let ast::TableConstraint::ForeignKey {
            columns: cols,
            clause,
            deref_clause,
        } = &c.constraint
        {
            let mut child = Vec::new();
            for ic in cols {
                let n = name_of(&ic.col_name);
                let ci = t.column_index(&n).ok_or_else(|| {
                    fk_error(format!("unknown column \"{n}\" in foreign key definition"))
                })?;
                child.push(ci);
            }
            out.push(build(t, child, clause, deref_clause.as_ref())?);
        }
    }
    Ok(out)
}

fn text(s: &str) -> Value {
    Value::Text(s.as_bytes().to_vec())
}

/// PRAGMA foreign_key_list(t) rows.
fn foreign_key_list(schema: &Schema, tname: &str) -> Vec<Vec<Value>> {
    let Some(t) = schema.tables.get(&crate::schema::key(tname)) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for (id, fk) in t.fks.iter().rev().enumerate() {
        for (seq, &c) in fk.child_cols.iter().enumerate() {
            let to = match fk.parent_cols.get(seq) {
                Some(p) => text(p),
                None => Value::Null,
            };
            rows.push(vec![
                Value::Integer(id as i64),
                Value::Integer(seq as i64),
                text(&fk.parent),
                text(&t.columns[c].name),
                to,
                text(fk.on_update.name()),
                text(fk.on_delete.name()),
                text("NONE"),
            ]);
        }
    }
    rows
}

/// The foreign-key pragmas; None when `name` is not one of them.
pub fn pragma(
    store: &mut dyn Store,
    schema: &Schema,
    name: &str,
    arg: Option<Value>,
    is_set: bool,
    fk: &mut ConnFk,
    in_txn: bool,
) -> Result<Option<PragmaResult>> {
    let flag = |v: &Value| -> bool {
        match v {
            Value::Text(t) => {
                let s = String::from_utf8_lossy(t).to_ascii_lowercase();
                matches!(s.as_str(), "on" | "yes" | "true" | "1")
                    || s.parse::<i64>().is_ok_and(|n| n != 0)
            }
            Value::Integer(i) => *i != 0,
            Value::Real(r) => *r != 0.0,
            _ => false,
        }
    };
    let empty = || PragmaResult {
        names: vec![],
        rows: vec![],
        wrote: false,
    };
    let one = |n: &str, v: bool| PragmaResult {
        names: vec![n.to_string()],
        rows: vec![vec![Value::Integer(v as i64)]],
        wrote: false,
    };
    Ok(Some(match name {
        "foreign_keys" => match arg {
            Some(v) if is_set => {
                // A no-op inside a transaction.
                if !in_txn {
                    fk.enabled = flag(&v);
                }
                empty()
            }
            _ => one("foreign_keys", fk.enabled),
        },
        "defer_foreign_keys" => match arg {
            Some(v) if is_set => {
                fk.defer_all = flag(&v);
                empty()
            }
            _ => one("defer_foreign_keys", fk.defer_all),
        },
        "foreign_key_list" => {
            let Some(Value::Text(t)) = arg else {
                return Ok(Some(empty()));
            };
            let rows = foreign_key_list(schema, &String::from_utf8_lossy(&t));
            PragmaResult {
                names: [
                    "id",
                    "seq",
                    "table",
                    "from",
                    "to",
                    "on_update",
                    "on_delete",
                    "match",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect(),
                rows,
                wrote: false,
            }
        }
        "foreign_key_check" => {
            let only = match arg {
                Some(Value::Text(t)) => Some(String::from_utf8_lossy(&t).into_owned()),
                _ => None,
            };
            let rows = foreign_key::check_all(store, schema, only.as_deref())?;
            PragmaResult {
                names: ["table", "rowid", "parent", "fkid"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                rows,
                wrote: false,
            }
        }
        _ => return Ok(None),
    }))
}
