//! The list of B-trees of a database, read from `sqlite_schema` (page 1)
//! for the integrity checker's callers that have no SQL layer: tests, tools
//! and the fuzz target. The SQL layer builds the list from its own schema.
//!
//! `sqlite_schema` rows are records (type, name, tbl_name, rootpage, sql).
//! Tables with a root page are table trees, except WITHOUT ROWID tables
//! (index trees keyed by their PRIMARY KEY); indexes are index trees. Index
//! key order comes from a light reading of the SQL text: per key column the
//! sort order (DESC) and collation (an explicit COLLATE, else the column's
//! declared collation, else BINARY); only BINARY, NOCASE and RTRIM are known
//! (others read as BINARY). Automatic indexes (`sqlite_autoindex_T_N`)
//! take the N-th index-making constraint (PRIMARY KEY, UNIQUE) of T's SQL.

use super::walk::walk_tree;
use super::TreeShape;
use crate::error::{Error, Result};
use crate::pager::Pager;
use crate::record::{Collation, KeyCol, KeyInfo, RecordReader, TextEncoding};
use crate::types::PageNo;
use crate::value::ValueRef;
use std::cmp::Ordering;
use std::sync::Arc;

/// One row of `sqlite_schema`.
#[derive(Debug, Clone)]
struct SchemaRow {
    kind: String,
    name: String,
    tbl_name: String,
    root: i64,
    sql: Option<String>,
}

/// Every B-tree of the database as `(root, shape, name)`, `sqlite_schema`
/// (page 1) first. `Err(CORRUPT)` when `sqlite_schema` cannot be read.
pub fn schema_trees(pager: &Pager) -> Result<Vec<(PageNo, TreeShape, String)>> {
    let enc = TextEncoding::from_header(pager.header().text_encoding)
        .ok_or_else(|| Error::corrupt("unknown text encoding"))?;
    let mut rows = Vec::new();
    let mut failure = None;
    walk_tree(pager, PageNo(1), &mut |e| match read_row(e.payload, enc) {
        Ok(r) => {
            rows.push(r);
            true
        }
        Err(err) => {
            failure = Some(err);
            false
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    let mut out = vec![(PageNo(1), TreeShape::Table, "sqlite_schema".to_string())];
    for r in &rows {
        if r.root <= 0 || r.root > u32::MAX as i64 {
            continue;
        }
        let shape = match r.kind.as_str() {
            "table" => {
                let sql = r.sql.as_deref().unwrap_or("");
                if is_without_rowid(sql) {
                    TreeShape::Index(KeyInfo {
                        cols: primary_key_cols(sql),
                        encoding: enc,
                    })
                } else {
                    TreeShape::Table
                }
            }
            "index" => {
                let table_sql = rows
                    .iter()
                    .find(|t| t.kind == "table" && t.name.eq_ignore_ascii_case(&r.tbl_name))
                    .and_then(|t| t.sql.as_deref())
                    .unwrap_or("");
                let cols = match &r.sql {
                    Some(sql) => index_cols_with_suffix(sql, table_sql),
                    None => autoindex_cols(&r.name, table_sql),
                };
                TreeShape::Index(KeyInfo {
                    cols,
                    encoding: enc,
                })
            }
            _ => continue,
        };
        out.push((PageNo(r.root as u32), shape, r.name.clone()));
    }
    Ok(out)
}

fn read_row(payload: &[u8], enc: TextEncoding) -> Result<SchemaRow> {
    let rec = RecordReader::new(payload)?;
    let mut scratch = Vec::new();
    let mut text = |k: usize| -> Result<Option<String>> {
        Ok(match rec.column_utf8(k, enc, &mut scratch)? {
            ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
            _ => None,
        })
    };
    let kind = text(0)?.unwrap_or_default();
    let name = text(1)?.unwrap_or_default();
    let tbl_name = text(2)?.unwrap_or_default();
    let sql = text(4)?;
    let root = match rec.column(3)? {
        ValueRef::Integer(i) => i,
        _ => 0,
    };
    Ok(SchemaRow {
        kind,
        name,
        tbl_name,
        root,
        sql,
    })
}

/// SQLite's NOCASE, RTRIM (and BINARY as `None`) collations by name.
pub fn collation_by_name(name: &str) -> Option<Collation> {
    if name.eq_ignore_ascii_case("nocase") {
        Some(Arc::new(nocase))
    } else if name.eq_ignore_ascii_case("rtrim") {
        Some(Arc::new(rtrim))
    } else {
        None
    }
}

/// SQLite's NOCASE: ASCII case folded, compared over the shorter length
/// (stopping at a NUL in the first string), then by length.
fn nocase(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    for i in 0..n {
        let (x, y) = (a[i].to_ascii_lowercase(), b[i].to_ascii_lowercase());
        if a[i] == 0 || x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// SQLite's RTRIM: trailing spaces ignored, then BINARY.
fn rtrim(a: &[u8], b: &[u8]) -> Ordering {
    let trim = |s: &[u8]| -> usize { s.iter().rposition(|&c| c != b' ').map_or(0, |p| p + 1) };
    a[..trim(a)].cmp(&b[..trim(b)])
}

// ---------------------------------------------------------------------------
// A small SQL tokenizer, enough to find column lists, COLLATE and DESC.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Identifier or keyword, quotes removed, as written.
    Word(String),
    Punct(char),
    /// String literal, number or anything else irrelevant here.
    Other,
}

impl Tok {
    fn is(&self, kw: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }
}

fn tokenize(sql: &str) -> Vec<Tok> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i += 2;
        } else if matches!(c, b'"' | b'`' | b'[' | b'\'') {
            let close = if c == b'[' { b']' } else { c };
            let mut s = Vec::new();
            i += 1;
            while i < b.len() {
                if b[i] == close {
                    if close != b']' && b.get(i + 1) == Some(&close) {
                        s.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                s.push(b[i]);
                i += 1;
            }
            i += 1;
            if c == b'\'' {
                out.push(Tok::Other);
            } else {
                out.push(Tok::Word(String::from_utf8_lossy(&s).into_owned()));
            }
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let st = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            out.push(Tok::Word(String::from_utf8_lossy(&b[st..i]).into_owned()));
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            out.push(Tok::Other);
        } else {
            out.push(Tok::Punct(c as char));
            i += 1;
        }
    }
    out
}

/// Split the parenthesised list starting at `toks[open]` (a `(`) into its
/// top-level comma-separated items.
fn paren_items(toks: &[Tok], open: usize) -> Vec<&[Tok]> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    items.push(&toks[start..i]);
                    return items;
                }
            }
            Tok::Punct(',') if depth == 1 => {
                items.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&toks[start.min(toks.len())..]);
    items
}

/// The column definitions and table constraints of a CREATE TABLE.
fn table_items(table_sql: &str) -> Vec<Vec<Tok>> {
    let toks = tokenize(table_sql);
    match toks.iter().position(|t| *t == Tok::Punct('(')) {
        Some(open) => paren_items(&toks, open)
            .into_iter()
            .map(|s| s.to_vec())
            .collect(),
        None => Vec::new(),
    }
}

fn is_constraint(item: &[Tok]) -> bool {
    item.first().is_some_and(|t| {
        ["constraint", "primary", "unique", "check", "foreign"]
            .iter()
            .any(|k| t.is(k))
    })
}

/// The collation named after a COLLATE keyword in `toks`.
fn collate_in(toks: &[Tok]) -> Option<Option<Collation>> {
    let i = toks.iter().position(|t| t.is("collate"))?;
    match toks.get(i + 1) {
        Some(Tok::Word(w)) => Some(collation_by_name(w)),
        _ => Some(None),
    }
}

/// The declared collation of column `col` of a table.
fn column_collation(table_items: &[Vec<Tok>], col: &str) -> Option<Collation> {
    table_items
        .iter()
        .filter(|it| !is_constraint(it))
        .find(|it| matches!(it.first(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(col)))
        .and_then(|it| collate_in(it).flatten())
}

/// A key column from an indexed-column term (`expr [COLLATE c] [ASC|DESC]`).
fn key_col(term: &[Tok], table_items: &[Vec<Tok>]) -> KeyCol {
    let desc = term.last().is_some_and(|t| t.is("desc"));
    let collation = match collate_in(term) {
        Some(c) => c,
        None => match term.first() {
            Some(Tok::Word(w)) => column_collation(table_items, w),
            _ => None,
        },
    };
    KeyCol { desc, collation }
}

fn index_cols(index_sql: &str, table_sql: &str) -> Vec<KeyCol> {
    let toks = tokenize(index_sql);
    let items = table_items(table_sql);
    let Some(on) = toks.iter().position(|t| t.is("on")) else {
        return Vec::new();
    };
    let Some(open) = toks[on..].iter().position(|t| *t == Tok::Punct('(')) else {
        return Vec::new();
    };
    paren_items(&toks, on + open)
        .into_iter()
        .map(|term| key_col(term, &items))
        .collect()
}

fn is_without_rowid(sql: &str) -> bool {
    let toks = tokenize(sql);
    toks.windows(2)
        .any(|w| w[0].is("without") && w[1].is("rowid"))
}

/// Key columns of each index-making constraint of a table, in the order
/// SQLite numbers its automatic indexes (a rowid table's INTEGER PRIMARY
/// KEY makes none).
#[cfg(test)]
fn constraint_indexes(table_sql: &str) -> Vec<Vec<KeyCol>> {
    let items = table_items(table_sql);
    constraint_terms(table_sql)
        .into_iter()
        .map(|terms| terms.iter().map(|t| key_col(t, &items)).collect())
        .collect()
}

/// The indexed-column terms of each index-making constraint (a column
/// constraint becomes the term `name [DESC]`).
fn constraint_terms(table_sql: &str) -> Vec<Vec<Vec<Tok>>> {
    let items = table_items(table_sql);
    let without_rowid = is_without_rowid(table_sql);
    let mut out = Vec::new();
    let mut table_level = Vec::new();
    for it in &items {
        if is_constraint(it) {
            let kw = it.iter().position(|t| t.is("primary") || t.is("unique"));
            if let Some(k) = kw {
                if let Some(open) = it[k..].iter().position(|t| *t == Tok::Punct('(')) {
                    let terms = paren_items(it, k + open)
                        .into_iter()
                        .map(|term| term.to_vec())
                        .collect();
                    table_level.push(terms);
                }
            }
            continue;
        }
        let Some(Tok::Word(name)) = it.first() else {
            continue;
        };
        let desc_after = |p: usize| it.get(p + 2).is_some_and(|t| t.is("desc"));
        for (p, t) in it.iter().enumerate() {
            let pk = t.is("primary") && it.get(p + 1).is_some_and(|n| n.is("key"));
            if pk {
                let integer_pk =
                    it.get(1).is_some_and(|t| t.is("integer")) && !without_rowid && !desc_after(p);
                if !integer_pk {
                    let mut term = vec![Tok::Word(name.clone())];
                    if desc_after(p) {
                        term.push(Tok::Word("desc".into()));
                    }
                    out.push(vec![term]);
                }
            } else if t.is("unique") {
                out.push(vec![vec![Tok::Word(name.clone())]]);
            }
        }
    }
    out.extend(table_level);
    out
}

fn autoindex_cols(name: &str, table_sql: &str) -> Vec<KeyCol> {
    let n: usize = name
        .rsplit('_')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let items = table_items(table_sql);
    n.checked_sub(1)
        .and_then(|i| constraint_terms(table_sql).into_iter().nth(i))
        .map(|terms| {
            let mut cols: Vec<KeyCol> = terms.iter().map(|t| key_col(t, &items)).collect();
            cols.extend(without_rowid_suffix(&terms, table_sql));
            cols
        })
        .unwrap_or_default()
}

/// The PRIMARY KEY terms of a table (column constraint: `name [DESC]`).
fn primary_key_terms(items: &[Vec<Tok>]) -> Vec<Vec<Tok>> {
    for it in items {
        let Some(p) = it.iter().position(|t| t.is("primary")) else {
            continue;
        };
        if is_constraint(it) {
            if let Some(open) = it[p..].iter().position(|t| *t == Tok::Punct('(')) {
                return paren_items(it, p + open)
                    .into_iter()
                    .map(|t| t.to_vec())
                    .collect();
            }
        } else if let Some(Tok::Word(name)) = it.first() {
            let mut term = vec![Tok::Word(name.clone())];
            if it.get(p + 2).is_some_and(|t| t.is("desc")) {
                term.push(Tok::Word("desc".into()));
            }
            return vec![term];
        }
    }
    Vec::new()
}

/// Key columns of a WITHOUT ROWID table: its PRIMARY KEY.
fn primary_key_cols(table_sql: &str) -> Vec<KeyCol> {
    let items = table_items(table_sql);
    primary_key_terms(&items)
        .iter()
        .map(|t| key_col(t, &items))
        .collect()
}

/// (column, effective collation) of a plain column term, lower-cased.
fn term_identity(term: &[Tok], items: &[Vec<Tok>]) -> Option<(String, String)> {
    let Some(Tok::Word(w)) = term.first() else {
        return None;
    };
    if let Some(t) = term.get(1) {
        if !(t.is("collate") || t.is("asc") || t.is("desc")) {
            return None;
        }
    }
    let word_after_collate = |toks: &[Tok]| -> Option<String> {
        let i = toks.iter().position(|t| t.is("collate"))?;
        match toks.get(i + 1) {
            Some(Tok::Word(c)) => Some(c.to_ascii_lowercase()),
            _ => None,
        }
    };
    let coll = word_after_collate(term)
        .or_else(|| {
            items
                .iter()
                .filter(|it| !is_constraint(it))
                .find(|it| matches!(it.first(), Some(Tok::Word(c)) if c.eq_ignore_ascii_case(w)))
                .and_then(|it| word_after_collate(it))
        })
        .unwrap_or_else(|| "binary".into());
    Some((w.to_ascii_lowercase(), coll))
}

/// For an index on a WITHOUT ROWID table: the key columns of the PRIMARY
/// KEY columns the index does not already hold (same column and
/// collation), which SQLite appends to its entries in place of a rowid.
/// Empty for rowid tables.
fn without_rowid_suffix(index_terms: &[Vec<Tok>], table_sql: &str) -> Vec<KeyCol> {
    if !is_without_rowid(table_sql) {
        return Vec::new();
    }
    let items = table_items(table_sql);
    let held: Vec<(String, String)> = index_terms
        .iter()
        .filter_map(|t| term_identity(t, &items))
        .collect();
    primary_key_terms(&items)
        .iter()
        .filter(|t| term_identity(t, &items).is_none_or(|id| !held.contains(&id)))
        .map(|t| key_col(t, &items))
        .collect()
}

/// Key columns of a CREATE INDEX, with the WITHOUT ROWID suffix.
fn index_cols_with_suffix(index_sql: &str, table_sql: &str) -> Vec<KeyCol> {
    let mut cols = index_cols(index_sql, table_sql);
    let toks = tokenize(index_sql);
    let terms: Vec<Vec<Tok>> = match toks.iter().position(|t| t.is("on")) {
        Some(on) => match toks[on..].iter().position(|t| *t == Tok::Punct('(')) {
            Some(open) => paren_items(&toks, on + open)
                .into_iter()
                .map(|t| t.to_vec())
                .collect(),
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    cols.extend(without_rowid_suffix(&terms, table_sql));
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_rowid_index_suffix() {
        let t = "CREATE TABLE w(a TEXT, id INTEGER, b, PRIMARY KEY(id DESC, a COLLATE nocase)) WITHOUT ROWID";
        // a is held with another collation, so both PK columns are appended.
        let cols = index_cols_with_suffix("CREATE INDEX wb ON w(b, a)", t);
        assert_eq!(cols.len(), 4);
        assert!(cols[2].desc && cols[3].collation.is_some());
        let cols = index_cols_with_suffix("CREATE INDEX wb ON w(b, a COLLATE NOCASE)", t);
        assert_eq!(cols.len(), 3);
        assert!(cols[2].desc);
        let r = "CREATE TABLE r(a, b UNIQUE)";
        assert_eq!(
            index_cols_with_suffix("CREATE INDEX rb ON r(b)", r).len(),
            1
        );
        let u = "CREATE TABLE u(k PRIMARY KEY, v UNIQUE) WITHOUT ROWID";
        assert_eq!(autoindex_cols("sqlite_autoindex_u_2", u).len(), 2);
    }

    #[test]
    fn collations() {
        assert_eq!(nocase(b"ABC", b"abc"), Ordering::Equal);
        assert_eq!(nocase(b"ab", b"ABC"), Ordering::Less);
        assert_eq!(rtrim(b"ab  ", b"ab"), Ordering::Equal);
        assert_eq!(rtrim(b"ab ", b"ab!"), Ordering::Less);
    }

    #[test]
    fn index_columns_from_sql() {
        let t = "CREATE TABLE t(a TEXT COLLATE NOCASE, \"b c\" INT, d)";
        let cols = index_cols("CREATE INDEX i ON t(a, \"b c\" DESC, d COLLATE rtrim)", t);
        assert_eq!(cols.len(), 3);
        assert!(cols[0].collation.is_some() && !cols[0].desc);
        assert!(cols[1].collation.is_none() && cols[1].desc);
        assert!(cols[2].collation.is_some());
    }

    #[test]
    fn autoindex_numbering() {
        let t = "CREATE TABLE t(a PRIMARY KEY, b UNIQUE COLLATE nocase, c, UNIQUE(c DESC, b)) WITHOUT ROWID";
        assert!(is_without_rowid(t));
        let c = constraint_indexes(t);
        assert_eq!(c.len(), 3);
        assert!(c[1][0].collation.is_some());
        assert!(c[2][0].desc && c[2][1].collation.is_some());
        let r = "CREATE TABLE r(x INTEGER PRIMARY KEY, y UNIQUE)";
        assert_eq!(constraint_indexes(r).len(), 1);
        assert_eq!(primary_key_cols(t).len(), 1);
    }
}
