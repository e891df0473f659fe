//! TEMP triggers: Chorus has no temp database, so a connection keeps its
//! TEMP triggers itself (as `sqlite_schema`-style rows) and merges them into
//! the schema its statements compile against. `sqlite_temp_schema` (alias
//! `sqlite_temp_master`) is a read-only view of them.

use super::trigger::{check_trigger_ddl, Trigger};
use crate::schema::{key, name_of, Schema, SchemaEntry};
use chorus_storage::Result;
use sqlite3_parser::ast::{self, Stmt};
use std::sync::Arc;

/// Merge a connection's TEMP triggers into `base` (the schema as stored),
/// first dropping those whose table or view is gone.
pub fn with_temp_triggers(
    base: &Arc<Schema>,
    temp: &mut Vec<SchemaEntry>,
    gen: u32,
) -> Arc<Schema> {
    temp.retain(|e| {
        let k = key(&e.tbl_name);
        base.tables.contains_key(&k) || base.views.contains_key(&k)
    });
    if temp.is_empty() && gen == 0 {
        return base.clone();
    }
    let mut s = (**base).clone();
    s.temp_gen = gen;
    for e in temp.iter() {
        let Some(sql) = &e.sql else { continue };
        if let Ok((Some(crate::parse::Parsed::Cmd(ast::Cmd::Stmt(st))), _)) =
            crate::parse::parse_first(sql)
        {
            if let Some(t) = Trigger::from_ast(&st) {
                s.triggers.insert(key(&e.name), Arc::new(t));
            }
        }
    }
    s.temp_entries = temp.clone();
    Arc::new(s)
}

/// `sqlite_temp_schema` (alias `sqlite_temp_master`): the connection's TEMP
/// triggers as a read-only view with sqlite_schema's columns.
pub fn temp_schema_view(schema: &Schema, name: &str) -> Option<Arc<crate::schema::View>> {
    let k = key(name);
    if k != "sqlite_temp_schema" && k != "sqlite_temp_master" {
        return None;
    }
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let rows: Vec<String> = schema
        .temp_entries
        .iter()
        .map(|e| {
            format!(
                "SELECT {}, {}, {}, {}, {}",
                q(&e.kind),
                q(&e.name),
                q(&e.tbl_name),
                e.rootpage,
                e.sql.as_deref().map(q).unwrap_or_else(|| "NULL".into())
            )
        })
        .collect();
    let sql = if rows.is_empty() {
        "SELECT NULL, NULL, NULL, NULL, NULL LIMIT 0".to_string()
    } else {
        rows.join(" UNION ALL ")
    };
    let Ok((Some(crate::parse::Parsed::Cmd(ast::Cmd::Stmt(Stmt::Select(select)))), _)) =
        crate::parse::parse_first(&sql)
    else {
        return None;
    };
    Some(Arc::new(crate::schema::View {
        name: name.to_string(),
        columns: Some(
            ["type", "name", "tbl_name", "rootpage", "sql"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
        select: *select,
        sql,
    }))
}

/// Whether CREATE/DROP TRIGGER concerns the connection's TEMP triggers.
pub fn is_temp_ddl(schema: &Schema, stmt: &Stmt) -> bool {
    let in_temp = |qn: &ast::QualifiedName| {
        qn.db_name
            .as_ref()
            .is_some_and(|d| name_of(d).eq_ignore_ascii_case("temp"))
    };
    match stmt {
        Stmt::CreateTrigger {
            temporary,
            trigger_name,
            ..
        } => *temporary || in_temp(trigger_name),
        Stmt::DropTrigger { trigger_name, .. } => {
            let n = name_of(&trigger_name.name);
            schema
                .temp_entries
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(&n))
        }
        _ => false,
    }
}

/// CREATE TEMP TRIGGER / DROP TRIGGER of a TEMP trigger: edit the
/// connection's list. Ok(true) when it changed.
pub fn run_temp_ddl(
    temp: &mut Vec<SchemaEntry>,
    schema: &Schema,
    stmt: &Stmt,
    sql: &str,
) -> Result<bool> {
    let Some(target) = check_trigger_ddl(schema, stmt)? else {
        return Ok(false);
    };
    match stmt {
        Stmt::CreateTrigger { trigger_name, .. } => temp.push(SchemaEntry {
            kind: "trigger".into(),
            name: name_of(&trigger_name.name),
            tbl_name: target,
            rootpage: 0,
            sql: Some(crate::stmt::ddl::normalized_sql(sql, "trigger")),
        }),
        _ => temp.retain(|e| !e.name.eq_ignore_ascii_case(&target)),
    }
    Ok(true)
}
