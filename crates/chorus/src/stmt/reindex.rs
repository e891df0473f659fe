//! REINDEX [collation | table | index]: empty index trees and rebuild them
//! from their tables, as SQLite's `sqlite3Reindex` does.
//!
//! Name resolution follows SQLite: with no name every index is rebuilt; an
//! unqualified name that is a collating sequence rebuilds every index with a
//! column using it (this takes precedence); otherwise a table name rebuilds
//! that table's indexes and an index name just that index; anything else is
//! "unable to identify the object to be reindexed". The primary key of a
//! WITHOUT ROWID table is the table itself and is never rebuilt. A rebuilt
//! UNIQUE index whose rows now collide fails with the UNIQUE error (the
//! statement savepoint undoes the partial rebuild).

use super::ddl::populate_index;
use crate::exec::env::Env;
use crate::plan::bind::err;
use crate::schema::{key, name_of, Index, Schema, Table};
use crate::sqlvalue::Collation;
use crate::storage::Store;
use chorus_storage::Result;
use sqlite3_parser::ast;
use std::sync::Arc;

/// Whether an index has a column whose effective collation is `coll`.
fn uses_collation(idx: &Index, t: &Table, coll: &str) -> bool {
    idx.columns.iter().any(|c| {
        let name = c
            .collation
            .clone()
            .or_else(|| c.col.and_then(|i| t.columns.get(i)?.collation.clone()))
            .unwrap_or_else(|| "BINARY".into());
        name.eq_ignore_ascii_case(coll)
    })
}

/// Every index of the schema (creation order) with its table.
fn all_indexes(schema: &Schema) -> Vec<(Arc<Table>, Arc<Index>)> {
    let mut out = Vec::new();
    for e in &schema.entries {
        if e.kind != "index" {
            continue;
        }
        let (Some(i), Some(t)) = (schema.indexes.get(&key(&e.name)), schema.table(&e.tbl_name))
        else {
            continue;
        };
        out.push((t, i.clone()));
    }
    out
}

pub fn run_reindex(
    store: &mut dyn Store,
    schema: &Arc<Schema>,
    obj: Option<&ast::QualifiedName>,
    env: &mut Env,
) -> Result<()> {
    let targets: Vec<(Arc<Table>, Arc<Index>)> = match obj {
        None => all_indexes(schema),
        Some(qn) => {
            let name = name_of(&qn.name);
            if let Some(db) = &qn.db_name {
                let d = name_of(db);
                if !d.eq_ignore_ascii_case("main") {
                    return Err(err(format!("unknown database {d}")));
                }
            }
            let coll = if qn.db_name.is_none() {
                Collation::by_name(&name)
            } else {
                None
            };
            if coll.is_some() {
                all_indexes(schema)
                    .into_iter()
                    .filter(|(t, i)| uses_collation(i, t, &name))
                    .collect()
            } else if let Some(t) = schema.tables.get(&key(&name)) {
                schema
                    .indexes_of(&t.name)
                    .into_iter()
                    .map(|i| (t.clone(), i))
                    .collect()
            } else if let Some(i) = schema.indexes.get(&key(&name)) {
                let Some(t) = schema.table(&i.table) else {
                    return Err(err("unable to identify the object to be reindexed"));
                };
                if t.without_rowid.is_some() && i.root == t.root {
                    Vec::new()
                } else {
                    vec![(t, i.clone())]
                }
            } else {
                return Err(err("unable to identify the object to be reindexed"));
            }
        }
    };
    for (t, idx) in targets {
        store.clear_tree(idx.root)?;
        populate_index(store, schema, &t, idx, env)?;
    }
    Ok(())
}
