//! The schema: tables, indexes and views, built from the `sql` text stored in
//! `sqlite_schema` (root page 1; columns type, name, tbl_name, rootpage, sql).
//!
//! Invariants: names are matched case-insensitively (ASCII); a table's
//! automatic indexes (`sqlite_autoindex_<table>_<n>`, NULL sql) are numbered in
//! the order their PRIMARY KEY / UNIQUE constraints appear in the CREATE TABLE
//! text, columns first then table constraints; an INTEGER PRIMARY KEY column
//! (declared type exactly "INTEGER", not DESC) is an alias of the rowid and
//! has no index. The schema is immutable once built and shared (`Arc`) by the
//! connections of a database; it is rebuilt when the schema cookie changes.

use crate::parse::{parse_first, Parsed};
use crate::sqlvalue::{Affinity, Collation};
use crate::storage::{KeyCol, KeyInfo};
use chorus_storage::{Error, PageNo, Result, ResultCode};
use sqlite3_parser::ast::{self, Cmd, Stmt};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// Declared type as written ("" when none).
    pub decltype: String,
    pub affinity: Affinity,
    pub notnull: bool,
    pub default: Option<ast::Expr>,
    /// Collation name as written (None = BINARY).
    pub collation: Option<String>,
    /// 1-based position in the PRIMARY KEY, 0 if not part of it.
    pub pk: usize,
    pub hidden: bool,
    /// `AS (expr) [VIRTUAL|STORED]` (see `exec/generated.rs`).
    pub generated: Option<Box<crate::exec::generated::Generated>>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub root: PageNo,
    pub columns: Vec<Column>,
    /// The INTEGER PRIMARY KEY column, if any.
    pub rowid_alias: Option<usize>,
    pub checks: Vec<(Option<String>, ast::Expr)>,
    pub autoincrement: bool,
    pub sql: String,
    /// Conflict resolution of NOT NULL constraints per column.
    pub notnull_conflict: Vec<Option<ast::ResolveType>>,
    pub pk_conflict: Option<ast::ResolveType>,
    /// WITHOUT ROWID tables: the PRIMARY KEY columns (the table tree is an
    /// index b-tree keyed by them; see `exec/without_rowid.rs`). None for
    /// rowid tables.
    pub without_rowid: Option<Vec<IndexColumn>>,
    /// FOREIGN KEY constraints (declaration order).
    pub fks: Vec<crate::stmt::foreign_key::ForeignKey>,
    /// STRICT table (see `exec/strict.rs`).
    pub strict: bool,
    /// Generated-column facts: where each column lives in the record and
    /// the order writes compute them in (None: no generated columns).
    pub gen: Option<Arc<crate::exec::generated::GenInfo>>,
}

impl Table {
    /// Which columns have REAL affinity (their integral values may be stored
    /// as integers and must read back as REAL).
    pub fn real_columns(&self) -> std::sync::Arc<[bool]> {
        self.columns
            .iter()
            .map(|c| c.affinity == crate::sqlvalue::Affinity::Real)
            .collect()
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone)]
pub struct IndexColumn {
    /// Table column, or None for an expression (then `expr` is set).
    pub col: Option<usize>,
    pub expr: Option<ast::Expr>,
    pub desc: bool,
    pub collation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexOrigin {
    Create,
    Unique,
    PrimaryKey,
}

#[derive(Debug, Clone)]
pub struct Index {
    pub name: String,
    pub table: String,
    pub root: PageNo,
    pub columns: Vec<IndexColumn>,
    pub unique: bool,
    pub origin: IndexOrigin,
    pub partial: Option<ast::Expr>,
    pub sql: Option<String>,
    pub on_conflict: Option<ast::ResolveType>,
}

impl Index {
    /// Key ordering of the index: its columns plus the trailing rowid.
    pub fn key_info(&self, table: &Table) -> KeyInfo {
        let mut ki = KeyInfo::binary(0);
        let suffix = crate::exec::without_rowid::suffix_columns(self, table);
        for c in self.columns.iter().chain(suffix.iter()) {
            let coll = c.collation.clone().or_else(|| {
                c.col
                    .and_then(|i| table.columns.get(i))
                    .and_then(|col| col.collation.clone())
            });
            let collation = coll
                .and_then(|n| Collation::by_name(&n))
                .and_then(|c| match c {
                    Collation::Binary => None,
                    other => {
                        let f: chorus_storage::record::Collation =
                            Arc::new(move |a: &[u8], b: &[u8]| other.compare(a, b));
                        Some(f)
                    }
                });
            ki.cols.push(KeyCol {
                desc: c.desc,
                collation,
            });
        }
        ki
    }
}

#[derive(Debug, Clone)]
pub struct View {
    pub name: String,
    pub columns: Option<Vec<String>>,
    pub select: ast::Select,
    pub sql: String,
}

/// One row of sqlite_schema, in storage order.
#[derive(Debug, Clone)]
pub struct SchemaEntry {
    pub kind: String,
    pub name: String,
    pub tbl_name: String,
    pub rootpage: i64,
    pub sql: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct Schema {
    pub cookie: u32,
    pub tables: HashMap<String, Arc<Table>>,
    pub indexes: HashMap<String, Arc<Index>>,
    pub views: HashMap<String, Arc<View>>,
    /// Triggers by name (see `stmt::trigger`).
    pub triggers: HashMap<String, Arc<crate::stmt::trigger::Trigger>>,
    /// The connection's TEMP triggers (merged in by `stmt::trigger`).
    pub temp_entries: Vec<SchemaEntry>,
    /// Changes whenever the connection's TEMP triggers change.
    pub temp_gen: u32,
    pub entries: Vec<SchemaEntry>,
    /// Databases besides main when TEMP or ATTACH is in use: (name, file,
    /// tag), in PRAGMA database_list order.
    pub dbs: Vec<(String, String, usize)>,
}

pub fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// Map key of an object of database `db` hidden by a same-named object
/// earlier in the search order (only reachable by qualified name).
pub fn shadow_key(db: usize, name: &str) -> String {
    format!("\u{1}{db}\u{1}{}", key(name))
}

/// The schema table itself, as a `Table`.
pub fn sqlite_schema_table() -> Table {
    let col = |n: &str, t: &str| Column {
        name: n.to_string(),
        decltype: t.to_string(),
        affinity: Affinity::from_declared_type(t),
        notnull: false,
        default: None,
        collation: None,
        pk: 0,
        hidden: false,
        generated: None,
    };
    Table {
        name: "sqlite_schema".into(),
        root: PageNo(1),
        columns: vec![
            col("type", "text"),
            col("name", "text"),
            col("tbl_name", "text"),
            col("rootpage", "int"),
            col("sql", "text"),
        ],
        rowid_alias: None,
        checks: vec![],
        autoincrement: false,
        sql: "CREATE TABLE sqlite_schema(type text,name text,tbl_name text,rootpage int,sql text)"
            .into(),
        notnull_conflict: vec![None; 5],
        pk_conflict: None,
        without_rowid: None,
        fks: Vec::new(),
        strict: false,
        gen: None,
    }
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<Arc<Table>> {
        let k = key(name);
        if k == "sqlite_schema" || k == "sqlite_master" {
            return Some(Arc::new(sqlite_schema_table()));
        }
        self.tables.get(&k).cloned()
    }
    pub fn indexes_of(&self, table: &str) -> Vec<Arc<Index>> {
        match self.tables.get(&key(table)) {
            Some(t) if !self.dbs.is_empty() => self.indexes_for(t),
            _ => self.indexes_by_name(table, None),
        }
    }

    /// The indexes of table `t` (of its own database when several are
    /// attached: roots carry the database tag, see storage/multi.rs).
    pub fn indexes_for(&self, t: &Table) -> Vec<Arc<Index>> {
        if self.dbs.is_empty() {
            return self.indexes_by_name(&t.name, None);
        }
        self.indexes_by_name(&t.name, Some(crate::storage::multi::untag(t.root).0))
    }

    fn indexes_by_name(&self, table: &str, db: Option<usize>) -> Vec<Arc<Index>> {
        // In sqlite_schema order (creation order) for deterministic maintenance.
        let mut v: Vec<Arc<Index>> = Vec::new();
        for e in &self.entries {
            if e.kind == "index" && e.tbl_name.eq_ignore_ascii_case(table) {
                let edb = crate::storage::multi::untag(PageNo(e.rootpage as u32)).0;
                if db.is_some_and(|d| d != edb) {
                    continue;
                }
                let found = self
                    .indexes
                    .get(&key(&e.name))
                    .filter(|i| db.is_none() || crate::storage::multi::untag(i.root).0 == edb)
                    .or_else(|| self.indexes.get(&shadow_key(edb, &e.name)));
                if let Some(i) = found {
                    v.push(i.clone());
                }
            }
        }
        v
    }

    /// Build from the rows of sqlite_schema.
    pub fn build(cookie: u32, entries: Vec<SchemaEntry>) -> Result<Schema> {
        let mut s = Schema {
            cookie,
            ..Default::default()
        };
        let mut autoindex_roots: HashMap<String, i64> = HashMap::new();
        for e in &entries {
            if e.kind == "index" && e.sql.is_none() {
                autoindex_roots.insert(key(&e.name), e.rootpage);
            }
        }
        for e in &entries {
            let Some(sql) = &e.sql else { continue };
            let (parsed, _) = parse_first(sql).map_err(|err| {
                Error::new(
                    ResultCode::CORRUPT,
                    format!("malformed database schema ({}) - {}", e.name, err.message),
                )
            })?;
            let Some(Parsed::Cmd(Cmd::Stmt(stmt))) = parsed else {
                return Err(Error::new(
                    ResultCode::CORRUPT,
                    format!("malformed database schema ({})", e.name),
                ));
            };
            match stmt {
                Stmt::CreateTable { body, .. } => {
                    let (t, autos) =
                        table_from_ast(&e.name, PageNo(e.rootpage as u32), &body, sql.clone())?;
                    for mut a in autos {
                        if t.without_rowid.is_some() && a.origin == IndexOrigin::PrimaryKey {
                            // The table tree is the primary key's index.
                            a.root = t.root;
                            s.indexes.insert(key(&a.name), Arc::new(a));
                        } else if let Some(r) = autoindex_roots.get(&key(&a.name)) {
                            a.root = PageNo(*r as u32);
                            s.indexes.insert(key(&a.name), Arc::new(a));
                        }
                    }
                    s.tables.insert(key(&e.name), Arc::new(t));
                }
                Stmt::CreateIndex {
                    unique,
                    tbl_name,
                    columns,
                    where_clause,
                    ..
                } => {
                    let tname = tbl_name.0.to_string();
                    let table = s
                        .tables
                        .get(&key(&unquote(&tname)))
                        .cloned()
                        .ok_or_else(|| {
                            Error::new(
                                ResultCode::CORRUPT,
                                format!("malformed database schema ({})", e.name),
                            )
                        })?;
                    let idx = index_from_ast(
                        &e.name,
                        &table,
                        unique,
                        &columns,
                        where_clause,
                        Some(sql.clone()),
                    )?;
                    let mut idx = idx;
                    idx.root = PageNo(e.rootpage as u32);
                    s.indexes.insert(key(&e.name), Arc::new(idx));
                }
                Stmt::CreateView {
                    columns, select, ..
                } => {
                    let v = View {
                        name: e.name.clone(),
                        columns: columns
                            .map(|cs| cs.iter().map(|c| unquote(&c.col_name.0)).collect()),
                        select: *select,
                        sql: sql.clone(),
                    };
                    s.views.insert(key(&e.name), Arc::new(v));
                }
                Stmt::CreateTrigger { .. } => {
                    if let Some(t) = crate::stmt::trigger::Trigger::from_ast(&stmt) {
                        s.triggers.insert(key(&e.name), Arc::new(t));
                    }
                }
                _ => {}
            }
        }
        s.entries = entries;
        Ok(s)
    }
}

/// Remove SQL quoting from an identifier.
pub fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2 {
        let (q, e) = (b[0], b[b.len() - 1]);
        if (q == b'"' && e == b'"') || (q == b'`' && e == b'`') || (q == b'\'' && e == b'\'') {
            let inner = &s[1..s.len() - 1];
            let qs = (q as char).to_string();
            return inner.replace(&format!("{qs}{qs}"), &qs);
        }
        if q == b'[' && e == b']' {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

pub fn name_of(n: &ast::Name) -> String {
    unquote(&n.0)
}

fn type_text(t: &Option<ast::Type>) -> String {
    match t {
        None => String::new(),
        Some(t) => {
            let mut s = t.name.clone();
            match &t.size {
                None => {}
                Some(ast::TypeSize::MaxSize(e)) => s.push_str(&format!("({e})")),
                Some(ast::TypeSize::TypeSize(a, b)) => s.push_str(&format!("({a},{b})")),
            }
            s
        }
    }
}

fn sorted_col_name(e: &ast::Expr) -> Option<(String, Option<String>)> {
    match e {
        ast::Expr::Id(id) => Some((unquote(&id.0), None)),
        ast::Expr::Name(n) => Some((unquote(&n.0), None)),
        ast::Expr::Literal(ast::Literal::String(s)) => Some((unquote(s), None)),
        ast::Expr::Collate(x, c) => sorted_col_name(x).map(|(n, _)| (n, Some(unquote(c)))),
        ast::Expr::Parenthesized(v) if v.len() == 1 => sorted_col_name(&v[0]),
        _ => None,
    }
}

/// Build a table (and its automatic index definitions, roots unset) from a
/// CREATE TABLE body.
pub fn table_from_ast(
    name: &str,
    root: PageNo,
    body: &ast::CreateTableBody,
    sql: String,
) -> Result<(Table, Vec<Index>)> {
    let ast::CreateTableBody::ColumnsAndConstraints {
        columns,
        constraints,
        flags,
    } = body
    else {
        return Err(Error::new(
            ResultCode::ERROR,
            "CREATE TABLE AS must be materialised first",
        ));
    };
    let wr = flags.contains(ast::TabFlags::WithoutRowid);
    let mut t = Table {
        name: name.to_string(),
        root,
        columns: Vec::new(),
        rowid_alias: None,
        checks: Vec::new(),
        autoincrement: false,
        sql,
        notnull_conflict: Vec::new(),
        pk_conflict: None,
        without_rowid: None,
        fks: Vec::new(),
        strict: false,
        gen: None,
    };
    // (columns as (name, desc, collation), origin, conflict)
    #[allow(clippy::type_complexity)]
    let mut uniques: Vec<(
        Vec<(usize, bool, Option<String>)>,
        IndexOrigin,
        Option<ast::ResolveType>,
    )> = Vec::new();
    let mut pk_seen = false;
    for (i, def) in columns.values().enumerate() {
        let decl = type_text(&def.col_type);
        let mut col = Column {
            name: name_of(&def.col_name),
            affinity: Affinity::from_declared_type(&decl),
            decltype: decl,
            notnull: false,
            default: None,
            collation: None,
            pk: 0,
            hidden: false,
            generated: None,
        };
        let mut nn_conflict = None;
        for c in &def.constraints {
            match &c.constraint {
                ast::ColumnConstraint::PrimaryKey {
                    order,
                    conflict_clause,
                    auto_increment,
                } => {
                    if pk_seen {
                        return Err(Error::new(
                            ResultCode::ERROR,
                            format!("table \"{name}\" has more than one primary key"),
                        ));
                    }
                    pk_seen = true;
                    col.pk = 1;
                    let is_int = col.decltype.eq_ignore_ascii_case("INTEGER");
                    if is_int && *order != Some(ast::SortOrder::Desc) && !wr {
                        t.rowid_alias = Some(i);
                        t.autoincrement = *auto_increment;
                        t.pk_conflict = *conflict_clause;
                    } else {
                        if *auto_increment {
                            return Err(autoinc_error(wr && is_int));
                        }
                        uniques.push((
                            vec![(i, *order == Some(ast::SortOrder::Desc), None)],
                            IndexOrigin::PrimaryKey,
                            *conflict_clause,
                        ));
                    }
                }
                ast::ColumnConstraint::NotNull {
                    nullable,
                    conflict_clause,
                } if !nullable => {
                    col.notnull = true;
                    nn_conflict = *conflict_clause;
                }
                ast::ColumnConstraint::Unique(cc) => {
                    uniques.push((vec![(i, false, None)], IndexOrigin::Unique, *cc))
                }
                ast::ColumnConstraint::Check(e) => {
                    t.checks.push((c.name.as_ref().map(name_of), e.clone()))
                }
                ast::ColumnConstraint::Default(e) => col.default = Some(e.clone()),
                ast::ColumnConstraint::Collate { collation_name } => {
                    let n = name_of(collation_name);
                    if Collation::by_name(&n).is_none() {
                        return Err(Error::new(
                            ResultCode::ERROR,
                            format!("no such collation sequence: {n}"),
                        ));
                    }
                    col.collation = Some(n)
                }
                ast::ColumnConstraint::Generated { expr, typ } => {
                    col.generated = Some(Box::new(crate::exec::generated::Generated::from_ast(
                        &col.name, expr, typ,
                    )?));
                }
                _ => {}
            }
        }
        crate::exec::generated::check_column(&col)?;
        t.notnull_conflict.push(nn_conflict);
        t.columns.push(col);
    }
    for c in constraints.iter().flatten() {
        match &c.constraint {
            ast::TableConstraint::PrimaryKey {
                columns: cols,
                auto_increment,
                conflict_clause,
            } => {
                if pk_seen {
                    return Err(Error::new(
                        ResultCode::ERROR,
                        format!("table \"{name}\" has more than one primary key"),
                    ));
                }
                pk_seen = true;
                let mut v = Vec::new();
                for (k, sc) in cols.iter().enumerate() {
                    let (cn, coll) = sorted_col_name(&sc.expr).ok_or_else(|| {
                        Error::new(
                            ResultCode::ERROR,
                            "expressions prohibited in PRIMARY KEY and UNIQUE constraints",
                        )
                    })?;
                    let ci = t.column_index(&cn).ok_or_else(|| {
                        Error::new(ResultCode::ERROR, format!("no such column: {cn}"))
                    })?;
                    t.columns[ci].pk = k + 1;
                    v.push((ci, sc.order == Some(ast::SortOrder::Desc), coll));
                }
                if v.len() == 1
                    && t.columns[v[0].0].decltype.eq_ignore_ascii_case("INTEGER")
                    && v[0].2.is_none()
                    && !wr
                {
                    t.rowid_alias = Some(v[0].0);
                    t.autoincrement = *auto_increment;
                    t.pk_conflict = *conflict_clause;
                } else {
                    if *auto_increment {
                        let is_int = v.len() == 1
                            && t.columns[v[0].0].decltype.eq_ignore_ascii_case("INTEGER")
                            && v[0].2.is_none();
                        return Err(autoinc_error(wr && is_int));
                    }
                    uniques.push((v, IndexOrigin::PrimaryKey, *conflict_clause));
                }
            }
            ast::TableConstraint::Unique {
                columns: cols,
                conflict_clause,
            } => {
                let mut v = Vec::new();
                for sc in cols {
                    let (cn, coll) = sorted_col_name(&sc.expr).ok_or_else(|| {
                        Error::new(
                            ResultCode::ERROR,
                            "expressions prohibited in PRIMARY KEY and UNIQUE constraints",
                        )
                    })?;
                    let ci = t.column_index(&cn).ok_or_else(|| {
                        Error::new(ResultCode::ERROR, format!("no such column: {cn}"))
                    })?;
                    v.push((ci, sc.order == Some(ast::SortOrder::Desc), coll));
                }
                uniques.push((v, IndexOrigin::Unique, *conflict_clause));
            }
            ast::TableConstraint::Check(e) => {
                t.checks.push((c.name.as_ref().map(name_of), e.clone()))
            }
            _ => {}
        }
    }
    t.fks = crate::stmt::foreign_key::fks_from_ast(&t, columns.values(), constraints.as_ref())?;
    // PRIMARY KEY columns are NOT NULL only for the rowid alias (SQLite quirk).
    let mut autos: Vec<Index> = Vec::new();
    for (cols, origin, conflict) in uniques {
        // Skip a UNIQUE constraint identical to an earlier one (SQLite does).
        if autos.iter().any(|a| {
            a.columns.len() == cols.len()
                && a.columns
                    .iter()
                    .zip(&cols)
                    .all(|(x, y)| x.col == Some(y.0) && x.collation == y.2)
        }) {
            continue;
        }
        let n = autos.len() + 1;
        autos.push(Index {
            name: format!("sqlite_autoindex_{name}_{n}"),
            table: name.to_string(),
            root: PageNo(0),
            columns: cols
                .into_iter()
                .map(|(c, desc, coll)| IndexColumn {
                    col: Some(c),
                    expr: None,
                    desc,
                    collation: coll,
                })
                .collect(),
            unique: true,
            origin,
            partial: None,
            sql: None,
            on_conflict: conflict,
        });
    }
    if flags.contains(ast::TabFlags::Strict) {
        crate::exec::strict::finish_table(&mut t)?;
    }
    if wr {
        crate::exec::without_rowid::finish_table(&mut t, &mut autos)?;
    }
    crate::exec::generated::finish_table(&mut t)?;
    Ok((t, autos))
}

fn autoinc_error(without_rowid: bool) -> Error {
    Error::new(
        ResultCode::ERROR,
        if without_rowid {
            "AUTOINCREMENT not allowed on WITHOUT ROWID tables"
        } else {
            "AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY"
        },
    )
}

/// Build an index definition from CREATE INDEX (root unset).
pub fn index_from_ast(
    name: &str,
    table: &Table,
    unique: bool,
    columns: &[ast::SortedColumn],
    where_clause: Option<ast::Expr>,
    sql: Option<String>,
) -> Result<Index> {
    let mut cols = Vec::new();
    for sc in columns {
        let desc = sc.order == Some(ast::SortOrder::Desc);
        match sorted_col_name(&sc.expr) {
            Some((cn, coll))
                if table.column_index(&cn).is_some()
                    || !matches!(sc.expr, ast::Expr::Literal(_)) =>
            {
                let Some(ci) = table.column_index(&cn) else {
                    return Err(Error::new(
                        ResultCode::ERROR,
                        format!("no such column: {cn}"),
                    ));
                };
                if let Some(c) = &coll {
                    if Collation::by_name(c).is_none() {
                        return Err(Error::new(
                            ResultCode::ERROR,
                            format!("no such collation sequence: {c}"),
                        ));
                    }
                }
                cols.push(IndexColumn {
                    col: Some(ci),
                    expr: None,
                    desc,
                    collation: coll,
                });
            }
            _ => {
                let (e, coll) = match &sc.expr {
                    ast::Expr::Collate(x, c) => ((**x).clone(), Some(unquote(c))),
                    e => (e.clone(), None),
                };
                cols.push(IndexColumn {
                    col: None,
                    expr: Some(e),
                    desc,
                    collation: coll,
                });
            }
        }
    }
    Ok(Index {
        name: name.to_string(),
        table: table.name.clone(),
        root: PageNo(0),
        columns: cols,
        unique,
        origin: IndexOrigin::Create,
        partial: where_clause,
        sql,
        on_conflict: None,
    })
}
