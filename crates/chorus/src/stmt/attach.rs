//! ATTACH / DETACH and the TEMP database: running the statements, the
//! combined schema the planner sees, and which database a DDL statement
//! writes.
//!
//! The connection's store becomes a `storage::multi::MultiStore` on the
//! first ATTACH or TEMP object. The combined schema holds, for unqualified
//! lookups, the objects of temp, then main, then the attached databases in
//! ATTACH order (a name already present hides later ones); every table and
//! index carries its database's tagged root page. `Schema::dbs` lists the
//! databases (name, file, tag). A qualified name `db.x` resolves only to
//! the object of that database (a hidden one is reported missing).

use crate::plan::bind::err;
use crate::schema::{name_of, shadow_key, Index, Schema, SchemaEntry, Table};
use crate::storage::multi::{tag, Db, MultiStore, MAX_ATTACHED};
use crate::storage::{HeaderField, Store};
use chorus_storage::{PageNo, Result, Value};
use sqlite3_parser::ast::{self, Expr, Stmt};
use std::sync::Arc;

/// The text of a database-name or file-name operand (`aux`, `'aux'`, `"x"`).
pub fn operand_text(e: &Expr) -> Result<String> {
    Ok(match e {
        Expr::Id(id) => crate::schema::unquote(&id.0),
        Expr::Name(n) => name_of(n),
        Expr::Literal(l) => match crate::plan::bind::literal_value(l)? {
            Value::Text(t) => String::from_utf8_lossy(&t).into_owned(),
            Value::Integer(i) => i.to_string(),
            Value::Real(r) => r.to_string(),
            Value::Null => String::new(),
            Value::Blob(b) => String::from_utf8_lossy(&b).into_owned(),
        },
        other => return Err(err(format!("unsupported ATTACH operand: {other}"))),
    })
}

/// Make sure the connection's store is a MultiStore; returns it.
pub fn ensure_multi<'a>(store: &'a mut Box<dyn Store>, main_file: &str) -> &'a mut MultiStore {
    if store.as_multi().is_none() {
        let main = std::mem::replace(
            store,
            Box::new(crate::api::unreadable_store::UnreadableStore::new(err(
                "database is being attached",
            ))),
        );
        *store = Box::new(MultiStore::new(main, main_file));
    }
    match store.as_multi() {
        Some(m) => m,
        None => unreachable_multi(),
    }
}

fn unreachable_multi() -> ! {
    // The store was made a MultiStore just above.
    std::process::abort()
}

/// Create the TEMP database if it does not exist yet.
pub fn ensure_temp(m: &mut MultiStore) -> Result<()> {
    if m.dbs.get(1).is_some_and(|d| d.is_some()) {
        return Ok(());
    }
    let db = crate::Database::open_in_memory()?;
    let store = db.store_for_attach()?;
    m.dbs[1] = Some(Db {
        name: "temp".into(),
        filename: String::new(),
        store,
        _owner: Some(db),
        schema: None,
    });
    m.sync_state(1)
}

/// `ATTACH file AS name`.
pub fn attach(m: &mut MultiStore, file: &str, name: &str) -> Result<()> {
    if m.find(name).is_some() || name.eq_ignore_ascii_case("temp") {
        return Err(err(format!("database {name} is already in use")));
    }
    if m.dbs.len().saturating_sub(2) >= MAX_ATTACHED {
        return Err(err(format!(
            "too many attached databases - max {MAX_ATTACHED}"
        )));
    }
    let db = crate::Database::open(file).map_err(|e| {
        if e.code == chorus_storage::ResultCode::CANTOPEN {
            err("unable to open database: ".to_string() + file)
        } else {
            e
        }
    })?;
    let store = db.store_for_attach()?;
    let filename = db.filename().to_string();
    m.dbs.push(Some(Db {
        name: name.to_string(),
        filename,
        store,
        _owner: Some(db),
        schema: None,
    }));
    m.generation = m.generation.wrapping_add(1);
    let i = m.dbs.len() - 1;
    if let Err(e) = m.sync_state(i) {
        m.dbs.pop();
        return Err(e);
    }
    Ok(())
}

/// `DETACH name`.
pub fn detach(m: &mut MultiStore, name: &str) -> Result<()> {
    if name.eq_ignore_ascii_case("main") || name.eq_ignore_ascii_case("temp") {
        return Err(err(format!("cannot detach database {name}")));
    }
    let Some(i) = m.find(name).filter(|&i| i >= 2) else {
        return Err(err(format!("no such database: {name}")));
    };
    if let Some(d) = m.db_mut(i) {
        if d.store.in_write() {
            return Err(err(format!("database {name} is locked")));
        }
        let _ = d.store.end_read();
    }
    m.dbs.remove(i);
    m.generation = m.generation.wrapping_add(1);
    Ok(())
}

fn tagged_table(t: &Arc<Table>, db: usize) -> Arc<Table> {
    if db == 0 {
        return t.clone();
    }
    let mut c = (**t).clone();
    c.root = tag(db, c.root);
    Arc::new(c)
}

fn tagged_index(i: &Arc<Index>, db: usize) -> Arc<Index> {
    if db == 0 {
        return i.clone();
    }
    let mut c = (**i).clone();
    c.root = tag(db, c.root);
    Arc::new(c)
}

/// The combined schema of every database of `m` (see the module comment).
pub fn combined_schema(m: &mut MultiStore, cookie: u32) -> Result<Schema> {
    let mut order: Vec<usize> = Vec::new();
    if m.dbs.get(1).is_some_and(|d| d.is_some()) {
        order.push(1);
    }
    order.push(0);
    order.extend(2..m.dbs.len());
    let mut out = Schema {
        cookie,
        ..Default::default()
    };
    for &i in &order {
        let Some(d) = m.db_mut(i) else { continue };
        let own_cookie = d.store.header(HeaderField::SchemaCookie)?;
        let own = match &d.schema {
            Some(s) if s.cookie == own_cookie => s.clone(),
            _ => {
                let s = Arc::new(super::ddl::load_schema(&mut *d.store)?);
                d.schema = Some(s.clone());
                s
            }
        };
        for (k, t) in &own.tables {
            let key = if out.tables.contains_key(k) || out.views.contains_key(k) {
                shadow_key(i, k)
            } else {
                k.clone()
            };
            out.tables.insert(key, tagged_table(t, i));
        }
        for (k, v) in &own.views {
            if !out.tables.contains_key(k) && !out.views.contains_key(k) {
                out.views.insert(k.clone(), v.clone());
            }
        }
        for (k, tr) in &own.triggers {
            out.triggers.entry(k.clone()).or_insert_with(|| tr.clone());
        }
        for (k, ix) in &own.indexes {
            let key = if out.indexes.contains_key(k) {
                shadow_key(i, k)
            } else {
                k.clone()
            };
            out.indexes.insert(key, tagged_index(ix, i));
        }
        for e in &own.entries {
            let mut e: SchemaEntry = e.clone();
            if i != 0 && e.rootpage > 0 {
                e.rootpage = tag(i, PageNo(e.rootpage as u32)).0 as i64;
            }
            out.entries.push(e);
        }
    }
    // database_list order: main, temp, attached.
    let mut list = Vec::new();
    for (i, d) in m.dbs.iter().enumerate() {
        if let Some(d) = d {
            list.push((d.name.clone(), d.filename.clone(), i));
        }
    }
    out.dbs = list;
    Ok(out)
}

/// The tag of database `name` in `schema` (main = 0 always).
pub fn db_tag(schema: &Schema, name: &str) -> Option<usize> {
    if name.eq_ignore_ascii_case("main") {
        return Some(0);
    }
    schema
        .dbs
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, _, t)| *t)
}

/// The database a table of the combined schema lives in.
pub fn table_db(t: &Table) -> usize {
    crate::storage::multi::untag(t.root).0
}

/// Which database a DDL statement writes: `Some(tag)` for one other than
/// main (TEMP objects, `db.name` qualified names, indexes of tables there).
/// `Err` for an unknown database name.
pub fn ddl_target(stmt: &Stmt, schema: &Schema) -> Result<Option<usize>> {
    let by_name = |qn: &ast::QualifiedName| -> Result<Option<usize>> {
        match &qn.db_name {
            None => Ok(None),
            Some(d) => {
                let d = name_of(d);
                if d.eq_ignore_ascii_case("temp") {
                    return Ok(Some(1));
                }
                match db_tag(schema, &d) {
                    Some(0) => Ok(None),
                    Some(t) => Ok(Some(t)),
                    None => Err(err(format!("unknown database {d}"))),
                }
            }
        }
    };
    let of_table = |name: &str| -> Option<usize> {
        schema
            .tables
            .get(&crate::schema::key(name))
            .map(|t| table_db(t))
            .filter(|&t| t != 0)
    };
    Ok(match stmt {
        Stmt::CreateTable {
            temporary,
            tbl_name,
            ..
        } => {
            if *temporary {
                Some(1)
            } else {
                by_name(tbl_name)?
            }
        }
        Stmt::CreateView {
            temporary,
            view_name,
            ..
        } => {
            if *temporary {
                Some(1)
            } else {
                by_name(view_name)?
            }
        }
        Stmt::CreateIndex {
            idx_name, tbl_name, ..
        } => match by_name(idx_name)? {
            Some(t) => Some(t),
            None if idx_name.db_name.is_none() => of_table(&name_of(tbl_name)),
            None => None,
        },
        Stmt::DropTable { tbl_name, .. } => match by_name(tbl_name)? {
            Some(t) => Some(t),
            None if tbl_name.db_name.is_none() => of_table(&name_of(&tbl_name.name)),
            None => None,
        },
        Stmt::DropIndex { idx_name, .. } => match by_name(idx_name)? {
            Some(t) => Some(t),
            None if idx_name.db_name.is_none() => schema
                .indexes
                .get(&crate::schema::key(&name_of(&idx_name.name)))
                .map(|i| crate::storage::multi::untag(i.root).0)
                .filter(|&t| t != 0),
            None => None,
        },
        Stmt::DropView { view_name, .. } => by_name(view_name)?,
        _ => None,
    })
}

/// A DDL statement for database `db` with the qualifier removed (the
/// statement then runs on that database's own store and schema).
pub fn strip_qualifier(stmt: &Stmt) -> Stmt {
    let mut s = stmt.clone();
    match &mut s {
        Stmt::CreateTable {
            tbl_name,
            temporary,
            ..
        } => {
            tbl_name.db_name = None;
            *temporary = false;
        }
        Stmt::CreateView {
            view_name,
            temporary,
            ..
        } => {
            view_name.db_name = None;
            *temporary = false;
        }
        Stmt::CreateIndex { idx_name, .. } => idx_name.db_name = None,
        Stmt::DropTable { tbl_name, .. } => tbl_name.db_name = None,
        Stmt::DropIndex { idx_name, .. } => idx_name.db_name = None,
        Stmt::DropView { view_name, .. } => view_name.db_name = None,
        _ => {}
    }
    s
}

/// The own schema of database `db` (loaded if needed).
pub fn own_schema(m: &mut MultiStore, db: usize) -> Result<Arc<Schema>> {
    let Some(d) = m.db_mut(db) else {
        return Err(err("no such database"));
    };
    let cookie = d.store.header(HeaderField::SchemaCookie)?;
    if let Some(s) = &d.schema {
        if s.cookie == cookie {
            return Ok(s.clone());
        }
    }
    let s = Arc::new(super::ddl::load_schema(&mut *d.store)?);
    d.schema = Some(s.clone());
    Ok(s)
}

/// What a possibly qualified table name in FROM resolves to.
pub enum Qualified {
    /// Resolve as usual (no qualifier, or `main.`).
    Plain,
    /// The table of the named database.
    Table(Arc<Table>),
    /// `sqlite_temp_schema` while no TEMP database exists: no rows.
    EmptySchema,
}

fn is_schema_name(k: &str) -> bool {
    k == "sqlite_schema" || k == "sqlite_master"
}

fn is_temp_schema_name(k: &str) -> bool {
    k == "sqlite_temp_schema" || k == "sqlite_temp_master"
}

/// Resolve `db.name` (or `sqlite_temp_schema`) against the combined schema.
pub fn qualified_table(schema: &Schema, qn: &ast::QualifiedName) -> Result<Qualified> {
    let name = name_of(&qn.name);
    let k = crate::schema::key(&name);
    let db = match &qn.db_name {
        Some(d) => {
            let d = name_of(d);
            if d.eq_ignore_ascii_case("main") && schema.dbs.is_empty() {
                return Ok(Qualified::Plain);
            }
            let t = if d.eq_ignore_ascii_case("temp") {
                1
            } else {
                db_tag(schema, &d).ok_or_else(|| err(format!("no such table: {d}.{name}")))?
            };
            (t, d)
        }
        None if is_temp_schema_name(&k) => (1, "temp".to_string()),
        None => return Ok(Qualified::Plain),
    };
    let (t, d) = db;
    let exists = schema.dbs.iter().any(|(_, _, x)| *x == t);
    if !exists && qn.db_name.is_none() {
        // No TEMP database: `sqlite_temp_schema` lists the connection's
        // TEMP triggers (stmt/temp_trigger.rs).
        return Ok(Qualified::Plain);
    }
    if t == 0 && is_schema_name(&k) {
        return Ok(Qualified::Plain);
    }
    if t == 0 && schema.views.contains_key(&k) && !schema.tables.contains_key(&k) {
        return Ok(Qualified::Plain);
    }
    if is_schema_name(&k) || (t == 1 && is_temp_schema_name(&k)) {
        if !exists {
            return Ok(Qualified::EmptySchema);
        }
        let mut st = crate::schema::sqlite_schema_table();
        st.root = tag(t, PageNo(1));
        return Ok(Qualified::Table(Arc::new(st)));
    }
    match schema.tables.get(&k) {
        Some(tb) if table_db(tb) == t => Ok(Qualified::Table(tb.clone())),
        _ => match schema.tables.get(&shadow_key(t, &k)) {
            Some(tb) => Ok(Qualified::Table(tb.clone())),
            None if t != 0 && schema.views.contains_key(&k) => Ok(Qualified::Plain),
            None => Err(err(format!("no such table: {d}.{name}"))),
        },
    }
}

/// The target of INSERT/UPDATE/DELETE named `qn`, when qualified by a
/// database other than main; `Ok(None)` to resolve as usual.
pub fn qualified_target(schema: &Schema, qn: &ast::QualifiedName) -> Result<Option<Arc<Table>>> {
    if qn.db_name.is_none() {
        return Ok(None);
    }
    match qualified_table(schema, qn)? {
        Qualified::Plain => Ok(None),
        Qualified::Table(t) if t.name == "sqlite_schema" => Err(err(format!(
            "table {} may not be modified",
            name_of(&qn.name)
        ))),
        Qualified::Table(t) => Ok(Some(t)),
        Qualified::EmptySchema => Err(err(format!(
            "table {} may not be modified",
            name_of(&qn.name)
        ))),
    }
}

/// `sqlite_temp_schema` with no TEMP database: its five columns, no rows.
pub fn empty_schema_source(
    b: &mut crate::plan::bind::Binder,
    alias: String,
) -> Result<(
    crate::exec::source::Source,
    usize,
    crate::plan::bind::SourceInfo,
)> {
    use crate::exec::select::SelectPlan;
    let st = crate::schema::sqlite_schema_table();
    let names: Vec<String> = st.columns.iter().map(|c| c.name.clone()).collect();
    let n = names.len();
    let plan = SelectPlan::new(
        SelectPlan::values(Vec::new()),
        names,
        vec![Default::default(); n],
        vec![None; n],
    );
    let slot = b.alloc_slot();
    let info = crate::plan::select::mat_info_pub(&plan, slot, alias);
    Ok((
        crate::exec::source::Source::Mat(Box::new(crate::exec::source::MatScan::new(
            slot, plan, false,
        ))),
        slot,
        info,
    ))
}

// ---------------------------------------------------------------------------
// Running the statements on a connection.

use crate::api::connection::{ConnInner, DbShared};

/// Reload the connection's schema after ATTACH/DETACH/TEMP changes.
pub(crate) fn refresh_schema(inner: &mut ConnInner, db: &Arc<DbShared>) {
    let cookie = inner
        .store
        .header(HeaderField::SchemaCookie)
        .unwrap_or(u32::MAX);
    if cookie == inner.schema.cookie {
        return;
    }
    if inner.store.in_write() || inner.explicit_txn || inner.readers > 0 {
        let _ = inner.reload_schema(db, cookie);
    } else if inner.store.begin_read().is_ok() {
        let _ = inner.reload_schema(db, cookie);
        inner.end_read_if_idle();
    }
}

/// ATTACH or DETACH.
pub(crate) fn run_attach(inner: &mut ConnInner, stmt: &Stmt, main_file: &str) -> Result<()> {
    match stmt {
        Stmt::Attach { expr, db_name, .. } => {
            let file = operand_text(expr)?;
            let name = operand_text(db_name)?;
            // Inside a transaction the new database joins it.
            let m = ensure_multi(&mut inner.store, main_file);
            attach(m, &file, &name)
        }
        Stmt::Detach(e) => {
            let name = operand_text(e)?;
            match inner.store.as_multi() {
                Some(m) => detach(m, &name),
                None if name.eq_ignore_ascii_case("main") || name.eq_ignore_ascii_case("temp") => {
                    Err(err(format!("cannot detach database {name}")))
                }
                None => Err(err(format!("no such database: {name}"))),
            }
        }
        _ => Ok(()),
    }
}

/// Work out which database a DDL statement writes, creating the TEMP
/// database first when the statement needs it.
pub(crate) fn prepare_ddl_target(
    inner: &mut ConnInner,
    db: &Arc<DbShared>,
    stmt: &Stmt,
    main_file: &str,
) -> Result<Option<usize>> {
    let target = ddl_target(stmt, &inner.schema)?;
    if target == Some(1) {
        let created = {
            let m = ensure_multi(&mut inner.store, main_file);
            let had = m.dbs.get(1).is_some_and(|d| d.is_some());
            ensure_temp(m)?;
            !had
        };
        if created {
            refresh_schema(inner, db);
        }
    }
    Ok(target)
}

/// Remove the first `db.` qualifier from a statement's text (SQLite stores
/// `CREATE TABLE t(...)` for `CREATE TABLE aux.t(...)`).
fn strip_db_text(sql: &str, db: &str) -> String {
    let lower = sql.to_ascii_lowercase();
    let dbl = db.to_ascii_lowercase();
    for cand in [
        format!("{dbl}."),
        format!("\"{dbl}\"."),
        format!("[{dbl}]."),
        format!("`{dbl}`."),
    ] {
        let mut from = 0;
        while let Some(p) = lower[from..].find(&cand) {
            let at = from + p;
            let before_ok = at == 0
                || !lower.as_bytes()[at - 1].is_ascii_alphanumeric()
                    && lower.as_bytes()[at - 1] != b'_';
            if before_ok {
                let mut out = String::with_capacity(sql.len());
                out.push_str(&sql[..at]);
                out.push_str(&sql[at + cand.len()..]);
                return out;
            }
            from = at + cand.len();
        }
    }
    sql.to_string()
}

fn qualifier(stmt: &Stmt) -> Option<String> {
    let qn = match stmt {
        Stmt::CreateTable { tbl_name, .. } => tbl_name,
        Stmt::CreateView { view_name, .. } => view_name,
        Stmt::CreateIndex { idx_name, .. } => idx_name,
        _ => return None,
    };
    qn.db_name.as_ref().map(name_of)
}

/// Run a DDL statement on database `db` (not main) with its own schema.
pub(crate) fn run_ddl_in(
    inner: &mut ConnInner,
    db: usize,
    stmt: &Stmt,
    sql: &str,
    env: &mut crate::exec::env::Env,
) -> Result<super::ddl::DdlOutcome> {
    let Some(m) = inner.store.as_multi() else {
        return Err(err("no such database"));
    };
    let own = own_schema(m, db)?;
    let plain = strip_qualifier(stmt);
    let text = match qualifier(stmt) {
        Some(q) => strip_db_text(sql, &q),
        None => sql.to_string(),
    };
    let Some(d) = m.db_mut(db) else {
        return Err(err("no such database"));
    };
    d.schema = None;
    super::ddl::run_ddl(&mut *d.store, &own, &plain, &text, env)
}
