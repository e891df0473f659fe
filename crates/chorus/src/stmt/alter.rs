//! ALTER TABLE: RENAME TO, RENAME COLUMN, ADD COLUMN, DROP COLUMN.
//!
//! Like SQLite, the schema is changed by editing the stored `sql` text of
//! `sqlite_schema` rows token by token (so the text stays byte-identical to
//! what SQLite stores): RENAME TO replaces the table name in the table, its
//! indexes, triggers, views and other tables' REFERENCES clauses with the
//! new name double-quoted; RENAME COLUMN replaces references to the column
//! (quoted when the new name or the replaced token was quoted); ADD COLUMN
//! splices ", <column-def>" in before the table constraints (or the closing
//! parenthesis) and leaves the rows alone: records written before it are
//! shorter than the table and their missing columns read as the column's
//! default (`record_defaults`); DROP COLUMN cuts the definition out and
//! rewrites every row without the column.

use crate::exec::env::Env;
use crate::plan::bind::{err, literal_value};
use crate::schema::{key, name_of, Column, IndexOrigin, Schema, Table};
use crate::sqlvalue::apply_affinity;
use crate::storage::{SeekOp, Store};
use chorus_storage::record::{encode_record, RecordReader};
use chorus_storage::{PageNo, Result, Value, ValueRef};
use sqlite3_parser::ast::{self, AlterTableBody, Expr};
use std::sync::Arc;

use super::ddl::{bump_cookie, DdlOutcome};

// ---------------------------------------------------------------- defaults

/// The constant value of a DEFAULT expression (sqlite3ValueFromExpr):
/// literals, signed numbers, parenthesised constants; None otherwise.
pub fn const_value(e: &Expr) -> Option<Value> {
    match e {
        Expr::Literal(l) => match l {
            ast::Literal::CurrentDate
            | ast::Literal::CurrentTime
            | ast::Literal::CurrentTimestamp
            | ast::Literal::Keyword(_) => None,
            l => literal_value(l).ok(),
        },
        Expr::Parenthesized(v) if v.len() == 1 => const_value(&v[0]),
        Expr::Unary(ast::UnaryOperator::Positive, x) => const_value(x),
        Expr::Unary(ast::UnaryOperator::Negative, x) => match const_value(x)? {
            Value::Integer(i) => Some(
                i.checked_neg()
                    .map_or(Value::Real(-(i as f64)), Value::Integer),
            ),
            Value::Real(r) => Some(Value::Real(-r)),
            _ => None,
        },
        _ => None,
    }
}

/// The value a short record's missing column reads as.
pub fn column_default(c: &Column) -> Value {
    match c.default.as_ref().and_then(const_value) {
        Some(v) => apply_affinity(v, c.affinity),
        None => Value::Null,
    }
}

/// Per-column defaults for short records; empty when every one is NULL.
pub fn record_defaults(t: &Table) -> Arc<[Value]> {
    if t.columns.iter().all(|c| c.default.is_none()) {
        return Arc::from([]);
    }
    let v: Vec<Value> = t.columns.iter().map(column_default).collect();
    if v.iter().all(|x| x.is_null()) {
        return Arc::from([]);
    }
    Arc::from(v)
}

// ---------------------------------------------------------------- tokens

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tk {
    Word,
    Quoted,
    Str,
    Num,
    Punct,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Tk,
    start: usize,
    end: usize,
}

fn is_id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_id_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// SQL tokens of `s` (whitespace and comments dropped).
fn tokens(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(b.len());
            continue;
        }
        let start = i;
        let kind = if is_id_start(c) {
            while i < b.len() && is_id_char(b[i]) {
                i += 1;
            }
            Tk::Word
        } else if c == b'"' || c == b'`' || c == b'\'' {
            i += 1;
            loop {
                match b.get(i) {
                    None => break,
                    Some(&q) if q == c => {
                        if b.get(i + 1) == Some(&c) {
                            i += 2;
                        } else {
                            i += 1;
                            break;
                        }
                    }
                    _ => i += 1,
                }
            }
            if c == b'\'' {
                Tk::Str
            } else {
                Tk::Quoted
            }
        } else if c == b'[' {
            while i < b.len() && b[i] != b']' {
                i += 1;
            }
            i = (i + 1).min(b.len());
            Tk::Quoted
        } else if c.is_ascii_digit()
            || (c == b'.' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            while i < b.len() && (is_id_char(b[i]) || b[i] == b'.') {
                i += 1;
            }
            Tk::Num
        } else {
            // Step over a whole UTF-8 character.
            i += 1;
            while i < b.len() && (b[i] & 0xC0) == 0x80 {
                i += 1;
            }
            Tk::Punct
        };
        out.push(Tok {
            kind,
            start,
            end: i,
        });
    }
    out
}

fn text<'a>(s: &'a str, t: &Tok) -> &'a str {
    &s[t.start..t.end]
}

fn ident(s: &str, t: &Tok) -> Option<String> {
    match t.kind {
        Tk::Word | Tk::Quoted => Some(crate::schema::unquote(text(s, t))),
        _ => None,
    }
}

fn is_word(s: &str, t: Option<&Tok>, w: &str) -> bool {
    t.is_some_and(|t| t.kind == Tk::Word && text(s, t).eq_ignore_ascii_case(w))
}

fn is_punct(s: &str, t: Option<&Tok>, p: &str) -> bool {
    t.is_some_and(|t| t.kind == Tk::Punct && text(s, t) == p)
}

fn matches(s: &str, t: &Tok, name: &str) -> bool {
    ident(s, t).is_some_and(|n| n.eq_ignore_ascii_case(name))
}

/// Bare words that are never column or table references here.
const KEYWORDS: &[&str] = &[
    "PRIMARY",
    "KEY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "ON",
    "DELETE",
    "UPDATE",
    "CASCADE",
    "SET",
    "RESTRICT",
    "NO",
    "ACTION",
    "DEFERRABLE",
    "INITIALLY",
    "DEFERRED",
    "IMMEDIATE",
    "CONSTRAINT",
    "FOREIGN",
    "ASC",
    "DESC",
    "AUTOINCREMENT",
    "CONFLICT",
    "ROLLBACK",
    "ABORT",
    "FAIL",
    "IGNORE",
    "REPLACE",
    "AND",
    "OR",
    "IS",
    "IN",
    "BETWEEN",
    "LIKE",
    "GLOB",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "CAST",
    "AS",
    "GENERATED",
    "ALWAYS",
    "STORED",
    "VIRTUAL",
    "MATCH",
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP",
    "BY",
    "ORDER",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "JOIN",
    "LEFT",
    "INNER",
    "OUTER",
    "CROSS",
    "NATURAL",
    "USING",
    "UNION",
    "ALL",
    "EXCEPT",
    "INTERSECT",
    "DISTINCT",
    "EXISTS",
    "CREATE",
    "TABLE",
    "INDEX",
    "VIEW",
    "TRIGGER",
    "BEGIN",
    "INSERT",
    "INTO",
    "VALUES",
    "FOR",
    "EACH",
    "ROW",
    "BEFORE",
    "AFTER",
    "INSTEAD",
    "OF",
    "NEW",
    "OLD",
    "ESCAPE",
    "ISNULL",
    "NOTNULL",
    "WITHOUT",
    "ROWID",
    "STRICT",
    "TEMP",
    "TEMPORARY",
    "IF",
    "WITH",
    "RECURSIVE",
];

fn is_keyword(s: &str, t: &Tok) -> bool {
    t.kind == Tk::Word && KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(text(s, t)))
}

/// Quote an identifier the way SQLite's "%w" inside double quotes does.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Apply (start, end, replacement) edits to `s`.
fn apply_edits(s: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|e| e.0);
    edits.dedup_by_key(|e| e.0);
    let mut out = String::with_capacity(s.len() + 16);
    let mut pos = 0;
    for (a, b, r) in edits {
        if a < pos {
            continue;
        }
        out.push_str(&s[pos..a]);
        out.push_str(&r);
        pos = b;
    }
    out.push_str(&s[pos..]);
    out
}

/// The layout of a CREATE TABLE text: the name token, and the top-level
/// items of the column list as token ranges, with the index of the first
/// table constraint and of the closing parenthesis.
struct TableLayout {
    name: usize,
    items: Vec<(usize, usize)>,
    first_constraint: Option<usize>,
    close: usize,
}

fn starts_constraint(s: &str, t: &Tok) -> bool {
    t.kind == Tk::Word
        && ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(text(s, t)))
}

fn table_layout(s: &str, toks: &[Tok]) -> Option<TableLayout> {
    let mut i = 0;
    while i < toks.len()
        && toks[i].kind == Tk::Word
        && [
            "CREATE",
            "TEMP",
            "TEMPORARY",
            "TABLE",
            "IF",
            "NOT",
            "EXISTS",
        ]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(text(s, &toks[i])))
    {
        i += 1;
    }
    let mut name = i;
    if is_punct(s, toks.get(i + 1), ".") {
        name = i + 2;
    }
    let open = name + 1;
    if !is_punct(s, toks.get(open), "(") {
        return None;
    }
    let mut depth = 0usize;
    let mut items = Vec::new();
    let mut item_start = open + 1;
    let mut close = None;
    for (k, t) in toks.iter().enumerate().skip(open + 1) {
        if t.kind != Tk::Punct {
            continue;
        }
        match text(s, t) {
            "(" => depth += 1,
            ")" if depth == 0 => {
                items.push((item_start, k));
                close = Some(k);
                break;
            }
            ")" => depth -= 1,
            "," if depth == 0 => {
                items.push((item_start, k));
                item_start = k + 1;
            }
            _ => {}
        }
    }
    let close = close?;
    let first_constraint = items
        .iter()
        .position(|&(a, b)| a < b && starts_constraint(s, &toks[a]));
    Some(TableLayout {
        name,
        items,
        first_constraint,
        close,
    })
}

/// Where ADD COLUMN splices its text: the comma before the first table
/// constraint, else the closing parenthesis (SQLite's addColOffset).
fn add_col_offset(s: &str, toks: &[Tok], l: &TableLayout) -> usize {
    match l.first_constraint {
        Some(k) => {
            let first = l.items[k].0;
            // The comma token just before the constraint.
            toks.get(first.wrapping_sub(1))
                .filter(|t| text(s, t) == ",")
                .map_or(toks[first].start, |t| t.start)
        }
        None => toks[l.close].start,
    }
}

// ---------------------------------------------------------------- schema rows

struct Row {
    rowid: i64,
    kind: String,
    name: String,
    tbl: String,
    root: i64,
    sql: Option<String>,
}

fn read_rows(store: &mut dyn Store) -> Result<Vec<Row>> {
    let mut c = store.table_cursor(PageNo(1))?;
    let mut out = Vec::new();
    let mut ok = c.first()?;
    while ok {
        let r = RecordReader::new(c.payload()?)?;
        let t = |v: ValueRef| match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
            _ => None,
        };
        out.push(Row {
            rowid: c.rowid(),
            kind: t(r.column(0)?).unwrap_or_default(),
            name: t(r.column(1)?).unwrap_or_default(),
            tbl: t(r.column(2)?).unwrap_or_default(),
            root: match r.column(3)? {
                ValueRef::Integer(i) => i,
                _ => 0,
            },
            sql: t(r.column(4)?),
        });
        ok = c.next()?;
    }
    Ok(out)
}

fn write_row(store: &mut dyn Store, r: &Row) -> Result<()> {
    let mut rec = Vec::new();
    encode_record(
        &[
            ValueRef::Text(r.kind.as_bytes()),
            ValueRef::Text(r.name.as_bytes()),
            ValueRef::Text(r.tbl.as_bytes()),
            ValueRef::Integer(r.root),
            match &r.sql {
                Some(s) => ValueRef::Text(s.as_bytes()),
                None => ValueRef::Null,
            },
        ],
        &mut rec,
    );
    let mut c = store.table_cursor(PageNo(1))?;
    c.insert(r.rowid, &rec)
}

// ---------------------------------------------------------------- entry

/// The table an ALTER TABLE names, with SQLite's refusals.
fn target(schema: &Schema, qn: &ast::QualifiedName) -> Result<Arc<Table>> {
    let name = name_of(&qn.name);
    let k = key(&name);
    if k == "sqlite_schema" || k == "sqlite_master" {
        return Err(err("table sqlite_master may not be altered"));
    }
    if k.starts_with("sqlite_") {
        return Err(err(format!("table {name} may not be altered")));
    }
    if let Some(t) = schema.tables.get(&k) {
        return Ok(t.clone());
    }
    if schema.views.contains_key(&k) {
        return Err(err(format!("view {name} may not be altered")));
    }
    Err(err(format!("no such table: {name}")))
}

pub fn run_alter(
    store: &mut dyn Store,
    schema: &Arc<Schema>,
    qn: &ast::QualifiedName,
    body: &AlterTableBody,
    sql: &str,
    env: &mut Env,
) -> Result<DdlOutcome> {
    if let AlterTableBody::AddColumn(_) = body {
        let k = key(&name_of(&qn.name));
        if schema.views.contains_key(&k) {
            return Err(err("Cannot add a column to a view"));
        }
    }
    let t = target(schema, qn)?;
    match body {
        AlterTableBody::RenameTo(new) => rename_table(store, schema, &t, &name_of(new))?,
        AlterTableBody::RenameColumn { old, new } => {
            let quoted = new.0.starts_with(['"', '[', '`', '\'']);
            rename_column(store, schema, &t, &name_of(old), &name_of(new), quoted)?
        }
        AlterTableBody::AddColumn(def) => add_column(store, schema, &t, def, sql, env)?,
        AlterTableBody::DropColumn(col) => drop_column(store, schema, &t, &name_of(col))?,
    }
    bump_cookie(store)?;
    Ok(DdlOutcome {
        changed_schema: true,
    })
}

// ---------------------------------------------------------------- RENAME TO

/// Edits replacing references to table `old` in a view/trigger body.
fn table_ref_edits(s: &str, toks: &[Tok], old: &str, rep: &str) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    let mut in_from = false;
    for (k, t) in toks.iter().enumerate() {
        if t.kind == Tk::Word {
            let w = text(s, t).to_ascii_uppercase();
            match w.as_str() {
                "FROM" | "JOIN" | "UPDATE" | "INTO" => in_from = true,
                "WHERE" | "GROUP" | "ORDER" | "LIMIT" | "HAVING" | "UNION" | "SELECT" | "ON"
                | "USING" | "SET" | "VALUES" | "WINDOW" | "EXCEPT" | "INTERSECT" => in_from = false,
                _ => {}
            }
        }
        if !matches(s, t, old) || is_keyword(s, t) {
            continue;
        }
        let prev = k.checked_sub(1).and_then(|p| toks.get(p));
        let from_pos = in_from
            && (is_word(s, prev, "FROM")
                || is_word(s, prev, "JOIN")
                || is_word(s, prev, "UPDATE")
                || is_word(s, prev, "INTO")
                || is_punct(s, prev, ","));
        let qualifier = is_punct(s, toks.get(k + 1), ".") && !is_punct(s, prev, ".");
        if from_pos || qualifier {
            edits.push((t.start, t.end, rep.to_string()));
        }
    }
    edits
}

/// Edits replacing `REFERENCES old` with the new name.
fn references_edits(s: &str, toks: &[Tok], old: &str, rep: &str) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    for k in 1..toks.len() {
        if is_word(s, toks.get(k - 1), "REFERENCES") && matches(s, &toks[k], old) {
            edits.push((toks[k].start, toks[k].end, rep.to_string()));
        }
    }
    edits
}

fn rename_table(store: &mut dyn Store, schema: &Schema, t: &Table, new: &str) -> Result<()> {
    let nk = key(new);
    if schema.tables.contains_key(&nk)
        || schema.views.contains_key(&nk)
        || schema.indexes.contains_key(&nk)
    {
        return Err(err(format!(
            "there is already another table or index with this name: {new}"
        )));
    }
    if nk.starts_with("sqlite_") {
        return Err(err(format!("object name reserved for internal use: {new}")));
    }
    let old = t.name.clone();
    let rep = quote(new);
    for mut r in read_rows(store)? {
        let mut changed = false;
        if let Some(sql) = r.sql.clone() {
            let toks = tokens(&sql);
            let mut edits = Vec::new();
            match r.kind.as_str() {
                "table" => {
                    if r.name.eq_ignore_ascii_case(&old) {
                        if let Some(l) = table_layout(&sql, &toks) {
                            let nt = &toks[l.name];
                            edits.push((nt.start, nt.end, rep.clone()));
                        }
                    }
                    edits.extend(references_edits(&sql, &toks, &old, &rep));
                }
                "index" if r.tbl.eq_ignore_ascii_case(&old) => {
                    if let Some(k) = toks.iter().position(|x| is_word(&sql, Some(x), "ON")) {
                        if let Some(x) = toks.get(k + 1) {
                            if matches(&sql, x, &old) {
                                edits.push((x.start, x.end, rep.clone()));
                            }
                        }
                    }
                }
                "trigger" if r.tbl.eq_ignore_ascii_case(&old) => {
                    if let Some(k) = toks.iter().position(|x| is_word(&sql, Some(x), "ON")) {
                        if let Some(x) = toks.get(k + 1) {
                            if matches(&sql, x, &old) {
                                edits.push((x.start, x.end, rep.clone()));
                            }
                        }
                    }
                    edits.extend(table_ref_edits(&sql, &toks, &old, &rep));
                }
                "view" | "trigger" => edits.extend(table_ref_edits(&sql, &toks, &old, &rep)),
                _ => {}
            }
            if !edits.is_empty() {
                r.sql = Some(apply_edits(&sql, edits));
                changed = true;
            }
        }
        if r.tbl.eq_ignore_ascii_case(&old) {
            if r.kind == "table" {
                r.name = new.to_string();
            } else if r.kind == "index" {
                let prefix = format!("sqlite_autoindex_{old}_");
                if r.name.len() > prefix.len()
                    && r.name[..prefix.len()].eq_ignore_ascii_case(&prefix)
                {
                    r.name = format!("sqlite_autoindex_{new}_{}", &r.name[prefix.len()..]);
                }
            }
            r.tbl = new.to_string();
            changed = true;
        }
        if changed {
            write_row(store, &r)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- RENAME COLUMN

/// Edits renaming column `old` of table `tname` inside its own CREATE TABLE
/// text (column definition, constraints, CHECK expressions, self
/// references).
fn own_column_edits(
    s: &str,
    toks: &[Tok],
    tname: &str,
    old: &str,
    rep: &dyn Fn(&Tok) -> String,
) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    let Some(l) = table_layout(s, toks) else {
        return edits;
    };
    for (n, &(a, b)) in l.items.iter().enumerate() {
        let is_col = l.first_constraint.is_none_or(|f| n < f);
        let mut k = a;
        if is_col && a < b {
            if matches(s, &toks[a], old) {
                edits.push((toks[a].start, toks[a].end, rep(&toks[a])));
            }
            k = a + 1;
            // The type name: words (and a parenthesised size) up to the
            // first constraint keyword.
            while k < b && toks[k].kind == Tk::Word && !is_keyword(s, &toks[k]) {
                k += 1;
            }
        }
        while k < b {
            let t = &toks[k];
            if is_word(s, Some(t), "COLLATE") || is_word(s, Some(t), "CONSTRAINT") {
                k += 2;
                continue;
            }
            if is_word(s, Some(t), "REFERENCES") {
                let self_ref = toks.get(k + 1).is_some_and(|x| matches(s, x, tname));
                k += 2;
                if is_punct(s, toks.get(k), "(") {
                    k += 1;
                    while k < b && !is_punct(s, toks.get(k), ")") {
                        if self_ref && matches(s, &toks[k], old) {
                            edits.push((toks[k].start, toks[k].end, rep(&toks[k])));
                        }
                        k += 1;
                    }
                }
                continue;
            }
            if matches(s, t, old) && !is_keyword(s, t) && !is_punct(s, toks.get(k + 1), "(") {
                edits.push((t.start, t.end, rep(t)));
            }
            k += 1;
        }
    }
    edits
}

/// Identifier tokens naming `col` in an expression text (not function
/// names, not keywords, not after COLLATE).
fn column_ref_edits(
    s: &str,
    toks: &[Tok],
    from: usize,
    col: &str,
    rep: &dyn Fn(&Tok) -> String,
) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    for k in from..toks.len() {
        let t = &toks[k];
        if !matches(s, t, col) || is_keyword(s, t) || t.kind == Tk::Str {
            continue;
        }
        if is_punct(s, toks.get(k + 1), "(")
            || is_word(s, k.checked_sub(1).and_then(|p| toks.get(p)), "COLLATE")
        {
            continue;
        }
        // `x.col` where x is a qualifier: keep; `col.x` (a table): skip.
        if is_punct(s, toks.get(k + 1), ".") {
            continue;
        }
        edits.push((t.start, t.end, rep(t)));
    }
    edits
}

fn rename_column(
    store: &mut dyn Store,
    schema: &Schema,
    t: &Table,
    old: &str,
    new: &str,
    new_quoted: bool,
) -> Result<()> {
    let Some(ci) = t.column_index(old) else {
        return Err(err(format!("no such column: \"{old}\"")));
    };
    if t.columns
        .iter()
        .enumerate()
        .any(|(i, c)| i != ci && c.name.eq_ignore_ascii_case(new))
    {
        return Err(err(format!(
            "error in table {} after rename: duplicate column name: {new}",
            t.name
        )));
    }
    let old = t.columns[ci].name.clone();
    let rep = |tok: &Tok| -> String {
        if new_quoted || tok.kind == Tk::Quoted {
            quote(new)
        } else {
            new.to_string()
        }
    };
    let tname = t.name.clone();
    for mut r in read_rows(store)? {
        let Some(sql) = r.sql.clone() else { continue };
        let toks = tokens(&sql);
        let mut edits = Vec::new();
        match r.kind.as_str() {
            "table" if r.name.eq_ignore_ascii_case(&tname) => {
                edits = own_column_edits(&sql, &toks, &tname, &old, &rep);
            }
            "table" => {
                // Other tables' REFERENCES tname(..., old, ...).
                let mut k = 0;
                while k + 1 < toks.len() {
                    if is_word(&sql, toks.get(k), "REFERENCES")
                        && matches(&sql, &toks[k + 1], &tname)
                    {
                        k += 2;
                        if is_punct(&sql, toks.get(k), "(") {
                            while k < toks.len() && !is_punct(&sql, toks.get(k), ")") {
                                if matches(&sql, &toks[k], &old) {
                                    edits.push((toks[k].start, toks[k].end, rep(&toks[k])));
                                }
                                k += 1;
                            }
                        }
                    }
                    k += 1;
                }
            }
            "index" if r.tbl.eq_ignore_ascii_case(&tname) => {
                if let Some(k) = toks.iter().position(|x| is_word(&sql, Some(x), "ON")) {
                    edits = column_ref_edits(&sql, &toks, k + 2, &old, &rep);
                }
            }
            "view" | "trigger" if toks.iter().any(|x| matches(&sql, x, &tname)) => {
                edits = column_ref_edits(&sql, &toks, 0, &old, &rep);
            }
            _ => {}
        }
        if !edits.is_empty() {
            r.sql = Some(apply_edits(&sql, edits));
            write_row(store, &r)?;
        }
    }
    let _ = schema;
    Ok(())
}

// ---------------------------------------------------------------- ADD COLUMN

/// The column definition's text in the ALTER statement (from its name to
/// the end, trailing blanks and semicolons removed).
fn column_def_text(sql: &str) -> Option<String> {
    let toks = tokens(sql);
    let mut k = toks.iter().position(|t| is_word(sql, Some(t), "ADD"))? + 1;
    if is_word(sql, toks.get(k), "COLUMN") && toks.get(k + 1).is_some() {
        k += 1;
    }
    let start = toks.get(k)?.start;
    let mut s = sql[start..].trim_end();
    while let Some(x) = s.strip_suffix(';') {
        s = x.trim_end();
    }
    Some(s.to_string())
}

fn add_column(
    store: &mut dyn Store,
    schema: &Arc<Schema>,
    t: &Table,
    def: &ast::ColumnDefinition,
    sql: &str,
    env: &Env,
) -> Result<()> {
    let fk_on = env.fk.is_some();
    let name = name_of(&def.col_name);
    if t.column_index(&name).is_some() {
        return Err(err(format!("duplicate column name: {name}")));
    }
    let mut dflt: Option<&Expr> = None;
    let mut notnull = false;
    let mut has_fk = false;
    let mut stored = false;
    let mut generated = false;
    for c in &def.constraints {
        match &c.constraint {
            ast::ColumnConstraint::PrimaryKey { .. } => {
                return Err(err("Cannot add a PRIMARY KEY column"))
            }
            ast::ColumnConstraint::Unique(_) => return Err(err("Cannot add a UNIQUE column")),
            ast::ColumnConstraint::Generated { typ, .. } => {
                generated = true;
                stored = typ
                    .as_ref()
                    .is_some_and(|t| t.0.eq_ignore_ascii_case("STORED"));
            }
            ast::ColumnConstraint::NotNull { nullable, .. } if !nullable => notnull = true,
            ast::ColumnConstraint::Default(e) => dflt = Some(e),
            ast::ColumnConstraint::ForeignKey { .. } => has_fk = true,
            _ => {}
        }
    }
    if dflt.is_some_and(|e| matches!(e, Expr::Literal(ast::Literal::Null))) {
        dflt = None;
    }
    let nonempty = {
        let layout = crate::exec::without_rowid::WrLayout::of(t);
        let rows = Default::default();
        let mut c = crate::exec::without_rowid::open_table_cursor(
            store,
            &rows,
            t.root,
            layout.as_ref(),
            false,
        )?;
        c.first()?
    };
    if nonempty && stored {
        // Existing records would lack the stored value (exec/generated.rs).
        return Err(err("cannot add a STORED column"));
    }
    if nonempty && !generated {
        if fk_on && has_fk && dflt.is_some() {
            return Err(err(
                "Cannot add a REFERENCES column with non-NULL default value",
            ));
        }
        if notnull && dflt.is_none() {
            return Err(err("Cannot add a NOT NULL column with default value NULL"));
        }
        if dflt.is_some_and(|e| const_value(e).is_none()) {
            return Err(err("Cannot add a column with non-constant default"));
        }
    }
    let col_text = column_def_text(sql).ok_or_else(|| err("malformed ALTER TABLE"))?;
    let toks = tokens(&t.sql);
    let l = table_layout(&t.sql, &toks).ok_or_else(|| err("malformed table definition"))?;
    let off = add_col_offset(&t.sql, &toks, &l);
    let new_sql = format!("{}, {}{}", &t.sql[..off], col_text, &t.sql[off..]);
    check_table_sql(&t.name, &new_sql).map_err(|e| {
        err(format!(
            "error in table {} after add column: {}",
            t.name, e.message
        ))
    })?;
    if generated {
        let (parsed, _) = crate::parse::parse_first(&new_sql)?;
        if let Some(crate::parse::Parsed::Cmd(ast::Cmd::Stmt(ast::Stmt::CreateTable {
            body,
            ..
        }))) = parsed
        {
            let (nt, _) = crate::schema::table_from_ast(&t.name, t.root, &body, new_sql.clone())?;
            super::ddl::validate_table(schema, &nt)?;
        }
    }
    set_table_sql(store, &t.name, new_sql)
}

/// The new CREATE TABLE text must still define a table.
fn check_table_sql(name: &str, sql: &str) -> Result<()> {
    let (parsed, _) = crate::parse::parse_first(sql)?;
    match parsed {
        Some(crate::parse::Parsed::Cmd(ast::Cmd::Stmt(ast::Stmt::CreateTable {
            body, ..
        }))) => {
            crate::schema::table_from_ast(name, PageNo(0), &body, sql.to_string())?;
            Ok(())
        }
        _ => Err(err("malformed table definition")),
    }
}

fn set_table_sql(store: &mut dyn Store, name: &str, sql: String) -> Result<()> {
    for mut r in read_rows(store)? {
        if r.kind == "table" && r.name.eq_ignore_ascii_case(name) {
            r.sql = Some(sql);
            return write_row(store, &r);
        }
    }
    Err(err(format!("no such table: {name}")))
}

// ---------------------------------------------------------------- DROP COLUMN

fn drop_column(store: &mut dyn Store, schema: &Schema, t: &Table, col: &str) -> Result<()> {
    let Some(ci) = t.column_index(col) else {
        return Err(err(format!("no such column: \"{col}\"")));
    };
    let cname = t.columns[ci].name.clone();
    if t.columns[ci].pk > 0 {
        return Err(err(format!("cannot drop PRIMARY KEY column: \"{cname}\"")));
    }
    if schema
        .indexes_of(&t.name)
        .iter()
        .any(|i| i.origin == IndexOrigin::Unique && i.columns.iter().any(|c| c.col == Some(ci)))
    {
        return Err(err(format!("cannot drop UNIQUE column: \"{cname}\"")));
    }
    if t.columns.len() <= 1 {
        return Err(err(format!(
            "cannot drop column \"{cname}\": no other columns exist"
        )));
    }
    let s = &t.sql;
    let toks = tokens(s);
    let l = table_layout(s, &toks).ok_or_else(|| err("malformed table definition"))?;
    let in_error = |what: &str, name: &str| {
        err(format!(
            "error in {what} {name} after drop column: no such column: {cname}"
        ))
    };
    // Other parts of the table that still mention the column.
    let none = |_: &Tok| String::new();
    for (n, &(a, b)) in l.items.iter().enumerate() {
        if n == ci && l.first_constraint.is_none_or(|f| n < f) {
            continue;
        }
        let sub: Vec<Tok> = toks[a..b].to_vec();
        let is_col = l.first_constraint.is_none_or(|f| n < f);
        let from = if is_col { 1 } else { 0 };
        // Skip REFERENCES other(...) lists and a column's type words.
        let mut k = from;
        if is_col {
            while k < sub.len() && sub[k].kind == Tk::Word && !is_keyword(s, &sub[k]) {
                k += 1;
            }
        }
        let mut hits = false;
        while k < sub.len() {
            if is_word(s, sub.get(k), "REFERENCES") {
                k += 2;
                if is_punct(s, sub.get(k), "(") {
                    while k < sub.len() && !is_punct(s, sub.get(k), ")") {
                        k += 1;
                    }
                }
                continue;
            }
            if is_word(s, sub.get(k), "COLLATE") || is_word(s, sub.get(k), "CONSTRAINT") {
                k += 2;
                continue;
            }
            if !column_ref_edits(s, &sub[k..k + 1], 0, &cname, &none).is_empty()
                && !is_punct(s, sub.get(k + 1), "(")
            {
                hits = true;
                break;
            }
            k += 1;
        }
        if hits {
            if !is_col && sub.iter().any(|x| is_word(s, Some(x), "FOREIGN")) && {
                // In the FOREIGN KEY(...) list itself (before REFERENCES)?
                let refs = sub
                    .iter()
                    .position(|x| is_word(s, Some(x), "REFERENCES"))
                    .unwrap_or(sub.len());
                sub[..refs].iter().any(|x| matches(s, x, &cname))
            } {
                return Err(err(format!(
                    "error in table {} after drop column: unknown column \"{cname}\" in foreign key definition",
                    t.name
                )));
            }
            return Err(in_error("table", &t.name));
        }
    }
    for r in read_rows(store)? {
        let Some(sql) = &r.sql else { continue };
        let tk = tokens(sql);
        match r.kind.as_str() {
            "index" if r.tbl.eq_ignore_ascii_case(&t.name) => {
                if let Some(k) = tk.iter().position(|x| is_word(sql, Some(x), "ON")) {
                    if !column_ref_edits(sql, &tk, k + 2, &cname, &none).is_empty() {
                        return Err(in_error("index", &r.name));
                    }
                }
            }
            "view" | "trigger"
                if tk.iter().any(|x| matches(sql, x, &t.name))
                    && !column_ref_edits(sql, &tk, 0, &cname, &none).is_empty() =>
            {
                return Err(in_error(&r.kind, &r.name));
            }
            _ => {}
        }
    }
    // Cut the definition out of the text.
    let (a, _) = l.items[ci];
    let (cut_from, cut_to) = if ci + 1 < t.columns.len() {
        (toks[a].start, toks[l.items[ci + 1].0].start)
    } else {
        let to = add_col_offset(s, &toks, &l);
        let from = toks
            .get(a.wrapping_sub(1))
            .filter(|x| text(s, x) == ",")
            .map_or(toks[a].start, |x| x.start);
        (from, to)
    };
    let new_sql = format!("{}{}", &s[..cut_from], &s[cut_to..]);
    check_table_sql(&t.name, &new_sql)?;
    if t.without_rowid.is_some() {
        crate::exec::without_rowid::drop_stored_column(store, t, ci)?;
        return set_table_sql(store, &t.name, new_sql);
    }
    if t.columns
        .get(ci)
        .is_some_and(crate::exec::generated::is_virtual)
    {
        // A VIRTUAL column has no field in the records.
        return set_table_sql(store, &t.name, new_sql);
    }
    // Rewrite the rows without the column (VIRTUAL ones are not stored).
    let alias = t.rowid_alias;
    let mut rows: Vec<(i64, Vec<u8>)> = Vec::new();
    {
        let mut c = store.table_cursor(t.root)?;
        let mut more = c.first()?;
        while more {
            let r = RecordReader::new(c.payload()?)?;
            let mut vals: Vec<Value> = Vec::with_capacity(t.columns.len());
            for (j, colj) in t.columns.iter().enumerate() {
                let Some(f) = crate::exec::generated::record_field(t, j) else {
                    continue;
                };
                if j == ci {
                    continue;
                }
                vals.push(if Some(j) == alias {
                    Value::Null
                } else if f < r.column_count() {
                    r.column(f)?.to_owned()
                } else {
                    column_default(colj)
                });
            }
            let refs: Vec<ValueRef> = vals.iter().map(|v| v.as_ref()).collect();
            let mut rec = Vec::new();
            encode_record(&refs, &mut rec);
            rows.push((c.rowid(), rec));
            more = c.next()?;
        }
    }
    {
        let mut c = store.table_cursor(t.root)?;
        for (rowid, rec) in rows {
            if c.seek_rowid(rowid, SeekOp::Eq)? {
                c.delete()?;
            }
            c.insert(rowid, &rec)?;
        }
    }
    set_table_sql(store, &t.name, new_sql)
}
