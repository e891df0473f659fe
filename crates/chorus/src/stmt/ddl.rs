//! CREATE / DROP of tables, indexes and views: B-tree creation, the
//! `sqlite_schema` rows (with the `sql` text SQLite stores: the statement
//! from the object name on, behind a normalised `CREATE TABLE` / `CREATE
//! [UNIQUE] INDEX` / `CREATE VIEW` prefix), index population, and the schema
//! cookie bump that makes every connection reload the schema.

use crate::exec::env::Env;
use crate::exec::expr::Cx;
use crate::exec::write::{IndexWriter, TableWriter};
use crate::parse::{skip_space, word_at};
use crate::plan::bind::{err, table_col_infos, Binder, Scope, SourceInfo};
use crate::schema::{index_from_ast, key, name_of, table_from_ast, Schema, SchemaEntry};
use crate::stmt::index_build::SortRun;
use crate::storage::{HeaderField, SeekOp, Store, TreeKind};
use chorus_storage::record::{encode_record, RecordReader};
use chorus_storage::{Error, PageNo, Result, ResultCode, ValueRef};
use sqlite3_parser::ast::{self, Stmt};
use std::sync::Arc;

/// Read every row of sqlite_schema.
pub fn read_schema_entries(store: &mut dyn Store) -> Result<Vec<SchemaEntry>> {
    let mut c = store.table_cursor(PageNo(1))?;
    let mut out = Vec::new();
    let mut ok = c.first()?;
    while ok {
        let r = RecordReader::new(c.payload()?)?;
        let text = |v: ValueRef| match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
            _ => None,
        };
        let root = match r.column(3)? {
            ValueRef::Integer(i) => i,
            _ => 0,
        };
        out.push(SchemaEntry {
            kind: text(r.column(0)?).unwrap_or_default(),
            name: text(r.column(1)?).unwrap_or_default(),
            tbl_name: text(r.column(2)?).unwrap_or_default(),
            rootpage: root,
            sql: text(r.column(4)?),
        });
        ok = c.next()?;
    }
    Ok(out)
}

pub fn load_schema(store: &mut dyn Store) -> Result<Schema> {
    let cookie = store.header(HeaderField::SchemaCookie)?;
    let entries = read_schema_entries(store)?;
    Schema::build(cookie, entries)
}

pub(crate) fn add_schema_row(
    store: &mut dyn Store,
    kind: &str,
    name: &str,
    tbl: &str,
    root: u32,
    sql: Option<&str>,
) -> Result<()> {
    let mut c = store.table_cursor(PageNo(1))?;
    let rowid = c.max_rowid()?.unwrap_or(0) + 1;
    let mut rec = Vec::new();
    let sqlv = match sql {
        Some(s) => ValueRef::Text(s.as_bytes()),
        None => ValueRef::Null,
    };
    encode_record(
        &[
            ValueRef::Text(kind.as_bytes()),
            ValueRef::Text(name.as_bytes()),
            ValueRef::Text(tbl.as_bytes()),
            ValueRef::Integer(root as i64),
            sqlv,
        ],
        &mut rec,
    );
    c.insert(rowid, &rec)
}

/// Delete sqlite_schema rows matching a predicate on (type, name, tbl_name).
pub(crate) fn delete_schema_rows(
    store: &mut dyn Store,
    pred: &dyn Fn(&str, &str, &str) -> bool,
) -> Result<()> {
    let mut c = store.table_cursor(PageNo(1))?;
    let mut victims = Vec::new();
    let mut ok = c.first()?;
    while ok {
        let r = RecordReader::new(c.payload()?)?;
        let s = |v: ValueRef| match v {
            ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            _ => String::new(),
        };
        if pred(&s(r.column(0)?), &s(r.column(1)?), &s(r.column(2)?)) {
            victims.push(c.rowid());
        }
        ok = c.next()?;
    }
    for v in victims {
        if c.seek_rowid(v, SeekOp::Eq)? {
            c.delete()?;
        }
    }
    Ok(())
}

pub fn bump_cookie(store: &mut dyn Store) -> Result<()> {
    let c = store.header(HeaderField::SchemaCookie)?;
    store.set_header(HeaderField::SchemaCookie, c.wrapping_add(1))
}

/// "CREATE TABLE " + the text from the object name on (SQLite's normalisation).
pub fn normalized_sql(stmt_text: &str, kind: &str) -> String {
    let b = stmt_text.as_bytes();
    let mut i = 0;
    let mut unique = false;
    loop {
        let (w, e) = word_at(b, i);
        if w.is_empty() {
            break;
        }
        let up = w.to_ascii_uppercase();
        match up.as_slice() {
            b"CREATE" | b"TEMP" | b"TEMPORARY" | b"TABLE" | b"INDEX" | b"VIEW" | b"TRIGGER"
            | b"IF" | b"NOT" | b"EXISTS" => i = e,
            b"UNIQUE" => {
                unique = true;
                i = e;
            }
            _ => break,
        }
    }
    let mut start = skip_space(b, i);
    // A schema qualifier ("main.t", "temp.t") is not stored.
    let after_ident = match b.get(start) {
        Some(&q @ (b'"' | b'`' | b'[')) => {
            let close = if q == b'[' { b']' } else { q };
            b[start + 1..]
                .iter()
                .position(|&c| c == close)
                .map(|p| start + p + 2)
        }
        Some(_) => Some(word_at(b, start).1),
        None => None,
    };
    if b.get(start) == Some(&b'.') {
        start = skip_space(b, start + 1);
    } else if let Some(e) = after_ident {
        let k = skip_space(b, e);
        if e > start && b.get(k) == Some(&b'.') {
            start = skip_space(b, k + 1);
        }
    }
    let mut rest = stmt_text[start..].trim_end().to_string();
    while rest.ends_with(';') {
        rest.pop();
        rest = rest.trim_end().to_string();
    }
    let prefix = match kind {
        "index" if unique => "CREATE UNIQUE INDEX",
        "index" => "CREATE INDEX",
        "view" => "CREATE VIEW",
        "trigger" => "CREATE TRIGGER",
        _ => "CREATE TABLE",
    };
    format!("{prefix} {rest}")
}

fn check_new_name(schema: &Schema, name: &str, what: &str) -> Result<()> {
    if name.len() >= 7 && name[..7].eq_ignore_ascii_case("sqlite_") {
        return Err(err(format!(
            "object name reserved for internal use: {name}"
        )));
    }
    let k = key(name);
    if schema.tables.contains_key(&k) || schema.views.contains_key(&k) {
        return Err(err(format!("{what} {name} already exists")));
    }
    if schema.indexes.contains_key(&k) {
        return Err(err(format!("there is already an index named {name}")));
    }
    Ok(())
}

fn exists_error(schema: &Schema, name: &str) -> Option<Error> {
    let k = key(name);
    if schema.tables.contains_key(&k) {
        return Some(err(format!("table {name} already exists")));
    }
    if schema.views.contains_key(&k) {
        return Some(err(format!("view {name} already exists")));
    }
    if schema.indexes.contains_key(&k) {
        return Some(err(format!("index {name} already exists")));
    }
    None
}

fn ident_needs_quote(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b[0].is_ascii_digit() {
        return true;
    }
    if !b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80)
    {
        return true;
    }
    const KW: &[&str] = &[
        "select", "from", "where", "table", "index", "order", "group", "by", "and", "or", "not",
        "null", "create", "insert", "values", "as", "on", "join", "default", "check", "unique",
        "primary", "key",
    ];
    KW.iter().any(|k| k.eq_ignore_ascii_case(s))
}

/// Outcome of a DDL statement for the connection.
pub struct DdlOutcome {
    pub changed_schema: bool,
}

/// Execute CREATE/DROP. `sql` is this statement's text. The caller holds a
/// write transaction and a statement savepoint.
pub fn run_ddl(
    store: &mut dyn Store,
    schema: &Arc<Schema>,
    stmt: &Stmt,
    sql: &str,
    env: &mut Env,
) -> Result<DdlOutcome> {
    match stmt {
        Stmt::CreateTable {
            temporary: _,
            if_not_exists,
            tbl_name,
            body,
        } => {
            let name = name_of(&tbl_name.name);
            if let Some(e) = exists_error(schema, &name) {
                if *if_not_exists
                    && (schema.tables.contains_key(&key(&name))
                        || schema.views.contains_key(&key(&name)))
                {
                    return Ok(DdlOutcome {
                        changed_schema: false,
                    });
                }
                if schema.indexes.contains_key(&key(&name)) {
                    return Err(err(format!("there is already an index named {name}")));
                }
                return Err(e);
            }
            check_new_name(schema, &name, "table")?;
            match body {
                ast::CreateTableBody::ColumnsAndConstraints { columns, .. } => {
                    if columns.is_empty() {
                        return Err(err("near \")\": syntax error".to_string()));
                    }
                    let text = normalized_sql(sql, "table");
                    let (mut t, autos) = table_from_ast(&name, PageNo(0), body, text.clone())?;
                    // Validate CHECK / DEFAULT expressions by binding them.
                    validate_table(schema, &t)?;
                    crate::exec::generated::check_loops(&t)?;
                    let wr = t.without_rowid.is_some();
                    let root =
                        store.create_tree(if wr { TreeKind::Index } else { TreeKind::Table })?;
                    t.root = root;
                    add_schema_row(store, "table", &name, &name, root.0, Some(&text))?;
                    for a in autos {
                        if wr && a.origin == crate::schema::IndexOrigin::PrimaryKey {
                            // The table tree is the primary key's index.
                            continue;
                        }
                        let r = store.create_tree(TreeKind::Index)?;
                        add_schema_row(store, "index", &a.name, &name, r.0, None)?;
                    }
                    if t.autoincrement && schema.table("sqlite_sequence").is_none() {
                        let r = store.create_tree(TreeKind::Table)?;
                        let sql = crate::exec::autoincrement::SEQUENCE_SQL;
                        add_schema_row(
                            store,
                            "table",
                            "sqlite_sequence",
                            "sqlite_sequence",
                            r.0,
                            Some(sql),
                        )?;
                    }
                }
                ast::CreateTableBody::AsSelect(sel) => {
                    let mut b = Binder::new(schema.clone());
                    let (mut plan, _) = crate::plan::select::plan_select(&mut b, sel, None)?;
                    let mut cols = Vec::new();
                    let mut seen: Vec<String> = Vec::new();
                    for (i, n) in plan.names.iter().enumerate() {
                        let mut n = n.clone();
                        let base = n.clone();
                        let mut k = 1;
                        while seen.iter().any(|s| s.eq_ignore_ascii_case(&n)) {
                            n = format!("{base}:{k}");
                            k += 1;
                        }
                        seen.push(n.clone());
                        let ty = match plan.col_infos.get(i).and_then(|x| x.aff) {
                            Some(crate::sqlvalue::Affinity::Integer) => " INT",
                            Some(crate::sqlvalue::Affinity::Real) => " REAL",
                            Some(crate::sqlvalue::Affinity::Numeric) => " NUM",
                            Some(crate::sqlvalue::Affinity::Text) => " TEXT",
                            _ => "",
                        };
                        let q = if ident_needs_quote(&n) {
                            format!("\"{}\"", n.replace('"', "\"\""))
                        } else {
                            n.clone()
                        };
                        cols.push(format!("{q}{ty}"));
                    }
                    let qname = if ident_needs_quote(&name) {
                        format!("\"{}\"", name.replace('"', "\"\""))
                    } else {
                        name.clone()
                    };
                    // SQLite's createTableStmt layout: one column per line
                    // once the names' estimated length reaches 50.
                    let ident_len = |z: &str| z.len() + z.matches('"').count() + 2;
                    let est =
                        seen.iter().map(|c| ident_len(c) + 5).sum::<usize>() + ident_len(&name);
                    let text = if est < 50 {
                        format!("CREATE TABLE {qname}({})", cols.join(","))
                    } else {
                        format!("CREATE TABLE {qname}(\n  {}\n)", cols.join(",\n  "))
                    };
                    // Collect rows first (the select may read any table).
                    env.ensure_slots(b.nslots);
                    let mut rows = Vec::new();
                    {
                        let mut cx = Cx {
                            store: &mut *store,
                            env: &mut *env,
                        };
                        plan.open(&mut cx)?;
                        while plan.next(&mut cx)? {
                            rows.push(plan.row().to_vec());
                        }
                    }
                    let root = store.create_tree(TreeKind::Table)?;
                    add_schema_row(store, "table", &name, &name, root.0, Some(&text))?;
                    let mut c = store.table_cursor(root)?;
                    let mut rec = Vec::new();
                    for (i, r) in rows.iter().enumerate() {
                        let refs: Vec<ValueRef> = r.iter().map(|v| v.as_ref()).collect();
                        rec.clear();
                        encode_record(&refs, &mut rec);
                        c.insert(i as i64 + 1, &rec)?;
                    }
                }
            }
            bump_cookie(store)?;
            Ok(DdlOutcome {
                changed_schema: true,
            })
        }
        Stmt::CreateIndex {
            unique,
            if_not_exists,
            idx_name,
            tbl_name,
            columns,
            where_clause,
        } => {
            let name = name_of(&idx_name.name);
            let tname = name_of(tbl_name);
            let k = key(&name);
            if schema.indexes.contains_key(&k) {
                if *if_not_exists {
                    return Ok(DdlOutcome {
                        changed_schema: false,
                    });
                }
                return Err(err(format!("index {name} already exists")));
            }
            if schema.tables.contains_key(&k) || schema.views.contains_key(&k) {
                return Err(err(format!("there is already a table named {name}")));
            }
            if name.len() >= 7 && name[..7].eq_ignore_ascii_case("sqlite_") {
                return Err(err(format!(
                    "object name reserved for internal use: {name}"
                )));
            }
            if schema.views.contains_key(&key(&tname)) {
                return Err(err("views may not be indexed"));
            }
            let table = schema
                .tables
                .get(&key(&tname))
                .cloned()
                .ok_or_else(|| err(format!("no such table: main.{tname}")))?;
            if where_clause
                .as_ref()
                .is_some_and(crate::plan::bind::has_subquery)
            {
                return Err(err("subqueries prohibited in partial index WHERE clauses"));
            }
            if where_clause
                .as_ref()
                .is_some_and(crate::plan::bind::has_nondeterministic_call)
            {
                return Err(err(
                    "non-deterministic functions prohibited in partial index WHERE clauses",
                ));
            }
            if columns
                .iter()
                .any(|c| crate::plan::bind::has_nondeterministic_call(&c.expr))
            {
                return Err(err(
                    "non-deterministic functions prohibited in index expressions",
                ));
            }
            let text = normalized_sql(sql, "index");
            let mut idx = index_from_ast(
                &name,
                &table,
                *unique,
                columns,
                where_clause.clone(),
                Some(text.clone()),
            )?;
            let root = store.create_tree(TreeKind::Index)?;
            idx.root = root;
            add_schema_row(store, "index", &name, &table.name, root.0, Some(&text))?;
            // Populate.
            populate_index(store, schema, &table, Arc::new(idx), env)?;
            bump_cookie(store)?;
            Ok(DdlOutcome {
                changed_schema: true,
            })
        }
        Stmt::CreateView {
            if_not_exists,
            view_name,
            columns: _,
            select,
            ..
        } => {
            let name = name_of(&view_name.name);
            if let Some(e) = exists_error(schema, &name) {
                if *if_not_exists {
                    return Ok(DdlOutcome {
                        changed_schema: false,
                    });
                }
                return Err(e);
            }
            check_new_name(schema, &name, "view")?;
            // SQLite checks a view's body when it is used, not here.
            let _ = select;
            let text = normalized_sql(sql, "view");
            add_schema_row(store, "view", &name, &name, 0, Some(&text))?;
            bump_cookie(store)?;
            Ok(DdlOutcome {
                changed_schema: true,
            })
        }
        Stmt::DropTable {
            if_exists,
            tbl_name,
        } => {
            let name = name_of(&tbl_name.name);
            let k = key(&name);
            let Some(t) = schema.tables.get(&k).cloned() else {
                if schema.views.contains_key(&k) {
                    return Err(err(format!("use DROP VIEW to delete view {name}")));
                }
                if *if_exists {
                    return Ok(DdlOutcome {
                        changed_schema: false,
                    });
                }
                if k == "sqlite_schema" || k == "sqlite_master" {
                    return Err(err(format!("table {name} may not be dropped")));
                }
                return Err(err(format!("no such table: {name}")));
            };
            if k == "sqlite_sequence" {
                return Err(err(format!("table {name} may not be dropped")));
            }
            if t.autoincrement {
                if let Some(seq) = schema.table("sqlite_sequence") {
                    crate::exec::autoincrement::forget(store, seq.root, &t.name)?;
                }
            }
            if env.fk.is_some() {
                let mut cx = crate::exec::expr::Cx {
                    store: &mut *store,
                    env: &mut *env,
                };
                crate::exec::foreign_key::drop_table(&mut cx, &t)?;
            }
            for idx in schema.indexes_of(&t.name) {
                store.drop_tree(idx.root)?;
            }
            store.drop_tree(t.root)?;
            let tn = t.name.clone();
            delete_schema_rows(store, &|_, _, tbl| tbl.eq_ignore_ascii_case(&tn))?;
            bump_cookie(store)?;
            Ok(DdlOutcome {
                changed_schema: true,
            })
        }
        Stmt::DropIndex {
            if_exists,
            idx_name,
        } => {
            let name = name_of(&idx_name.name);
            let Some(idx) = schema.indexes.get(&key(&name)).cloned() else {
                if *if_exists {
                    return Ok(DdlOutcome {
                        changed_schema: false,
                    });
                }
                return Err(err(format!("no such index: {name}")));
            };
            if idx.sql.is_none() {
                return Err(err(
                    "index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped",
                ));
            }
            store.drop_tree(idx.root)?;
            let n = idx.name.clone();
            delete_schema_rows(store, &|ty, nm, _| {
                ty == "index" && nm.eq_ignore_ascii_case(&n)
            })?;
            bump_cookie(store)?;
            Ok(DdlOutcome {
                changed_schema: true,
            })
        }
        Stmt::DropView {
            if_exists,
            view_name,
        } => {
            let name = name_of(&view_name.name);
            let k = key(&name);
            if !schema.views.contains_key(&k) {
                if schema.tables.contains_key(&k) {
                    return Err(err(format!("use DROP TABLE to delete table {name}")));
                }
                if *if_exists {
                    return Ok(DdlOutcome {
                        changed_schema: false,
                    });
                }
                return Err(err(format!("no such view: {name}")));
            }
            delete_schema_rows(store, &|ty, nm, tbl| {
                (ty == "view" && nm.eq_ignore_ascii_case(&name))
                    || (ty == "trigger" && tbl.eq_ignore_ascii_case(&name))
            })?;
            bump_cookie(store)?;
            Ok(DdlOutcome {
                changed_schema: true,
            })
        }
        Stmt::CreateTrigger { .. } | Stmt::DropTrigger { .. } => {
            crate::stmt::trigger::run_trigger_ddl(store, schema, stmt, sql)
        }
        Stmt::Reindex { obj_name } => {
            super::reindex::run_reindex(store, schema, obj_name.as_ref(), env)?;
            Ok(DdlOutcome {
                changed_schema: false,
            })
        }
        Stmt::AlterTable(qn, body) => {
            crate::stmt::alter::run_alter(store, schema, qn, body, sql, env)
        }
        _ => Err(Error::new(ResultCode::ERROR, "unsupported statement")),
    }
}

/// Fill an (empty) index tree from its table's rows, checking uniqueness.
pub fn populate_index(
    store: &mut dyn Store,
    schema: &Arc<Schema>,
    table: &Arc<crate::schema::Table>,
    idx: Arc<crate::schema::Index>,
    env: &mut Env,
) -> Result<()> {
    let mut b = Binder::new(schema.clone());
    let slot = b.alloc_slot();
    b.scopes.push(Scope {
        first_slot: slot,
        ..Default::default()
    });
    if let Some(s) = b.scopes.last_mut() {
        s.sources.push(SourceInfo {
            slot,
            name: table.name.clone(),
            columns: table_col_infos(table),
            table: None,
            coalesced: Vec::new(),
        });
    }
    let mut exprs = Vec::new();
    for c in &idx.columns {
        exprs.push(match &c.expr {
            Some(e) => Some(b.expr(e)?),
            None => None,
        });
    }
    let partial = match &idx.partial {
        Some(p) => Some(b.expr(p)?),
        None => None,
    };
    let gens = crate::exec::generated::compile(&mut b, table)?;
    env.ensure_slots(b.nslots);
    let mut w = TableWriter::new(table.clone(), slot);
    w.gens = gens;
    let ki = idx.key_info(table);
    w.indexes
        .push(IndexWriter::new(idx.clone(), ki, exprs, partial));
    let uses_slot = idx.partial.is_some() || idx.columns.iter().any(|c| c.expr.is_some());
    let ki = w.indexes[0].key_info.clone();
    let mut run = SortRun::new();
    if table.without_rowid.is_none() {
        // A rowid table is scanned once; a plain index's entry is made
        // straight from each record (`plain_entry_from_record`), others
        // read the row as values. Each row's entry goes into one buffer;
        // runs of entries are sorted and written in key order (SQLite
        // sorts too): the first run builds the new tree bottom-up, and only
        // the index is written (stmt/index_build.rs).
        let mut c = store.table_cursor(table.root)?;
        let mut cx = Cx {
            store: &mut *store,
            env: &mut *env,
        };
        let mut ok = c.first()?;
        while ok {
            let r = c.rowid();
            let start = run.bytes.len();
            if w.plain_entry_from_record(0, c.payload()?, r, &mut run.bytes)? {
                run.push(start, &ki);
            } else if let Some(vals) = w.read_row(&mut cx, r)? {
                if uses_slot {
                    w.set_slot(&mut cx, &vals, r);
                }
                if w.index_entry(0, &mut cx, &vals, r, &mut run.bytes)? {
                    run.push(start, &ki);
                }
            }
            if run.full() {
                run.write(&mut w, &mut cx)?;
            }
            ok = c.next()?;
        }
        return run.write(&mut w, &mut cx);
    }
    let mut rowids = Vec::new();
    {
        let layout = crate::exec::without_rowid::WrLayout::of(table);
        let mut c = crate::exec::without_rowid::open_table_cursor(
            &mut *store,
            &env.wr_rows,
            table.root,
            layout.as_ref(),
            true,
        )?;
        let mut ok = c.first()?;
        while ok {
            rowids.push(c.rowid());
            ok = c.next()?;
        }
    }
    let mut cx = Cx {
        store: &mut *store,
        env: &mut *env,
    };
    for r in rowids {
        let Some(vals) = w.read_row(&mut cx, r)? else {
            continue;
        };
        if uses_slot {
            w.set_slot(&mut cx, &vals, r);
        }
        let start = run.bytes.len();
        if w.index_entry(0, &mut cx, &vals, r, &mut run.bytes)? {
            run.push(start, &ki);
        }
        if run.full() {
            run.write(&mut w, &mut cx)?;
        }
    }
    run.write(&mut w, &mut cx)
}

pub(crate) fn validate_table(schema: &Arc<Schema>, t: &crate::schema::Table) -> Result<()> {
    let mut b = Binder::new(schema.clone());
    let slot = b.alloc_slot();
    b.scopes.push(Scope {
        first_slot: slot,
        ..Default::default()
    });
    if let Some(s) = b.scopes.last_mut() {
        s.sources.push(SourceInfo {
            slot,
            name: t.name.clone(),
            columns: table_col_infos(t),
            table: None,
            coalesced: Vec::new(),
        });
    }
    for (_, e) in &t.checks {
        b.expr(e)?;
    }
    for c in &t.columns {
        if let Some(g) = &c.generated {
            crate::exec::generated::check_expr(&g.expr)?;
            b.expr(&g.expr)?;
        }
    }
    b.scopes.pop();
    b.scopes.push(Scope::default());
    for c in &t.columns {
        if let Some(d) = &c.default {
            match b.expr(d) {
                // SQLite checks only that the default is constant or a
                // function call; a missing function fails at INSERT.
                Err(e) if crate::stmt::dml::unknown_default_function(&e).is_some() => {}
                Err(_) => {
                    return Err(err(format!(
                        "default value of column [{}] is not constant",
                        c.name
                    )))
                }
                Ok(_) => {}
            }
        }
    }
    Ok(())
}
