//! ORDER BY through the scan's own order: a single-table, non-aggregate
//! select whose ORDER BY terms are columns the scan already delivers in
//! order needs no sort (SQLite's "no `USE TEMP B-TREE FOR ORDER BY`"), and
//! with LIMIT it stops early.
//!
//! - The terms, after skipping columns an equality pins, must follow an
//!   index's columns (same collation, every term in the index's direction
//!   or every term against it: then the index is walked backwards), and may
//!   end with the rowid (the last field of every entry). A rowid term alone
//!   is the table's own order.
//! - A scan the WHERE clause already put on an index (without IN terms,
//!   which visit values one by one) keeps that index; a full scan moves to
//!   an index that gives the order (one the query can read alone first,
//!   then the narrower, then the newer, as SQLite's costs rank them).
//! - A scan that finds at most one row (rowid equality, every column of a
//!   UNIQUE index by `=`) needs no sort either.
//!
//! Only default NULL placement qualifies (an index keeps NULLs first).

use super::bind::Binder;
use crate::exec::expr::CExpr;
use crate::exec::select::{SortKey, SortSrc};
use crate::exec::source::{Access, EqKey, IndexAccess, Source, TableScan};
use crate::schema::{Index, Table};
use crate::sqlvalue::Collation;
use std::sync::Arc;

/// (column or `usize::MAX` for the rowid, descending, collation)
type Term<'a> = (usize, bool, &'a Collation);

/// Whether the scan `source` delivers rows in `order`; when it can be made
/// to (another index, walked backwards), it is changed so.
pub(super) fn satisfies(
    b: &Binder,
    order: &[SortKey],
    result: &[CExpr],
    source: &mut Source,
    table: &Table,
) -> bool {
    let Source::Table(ts) = source else {
        return false;
    };
    if order.is_empty() {
        return false;
    }
    if ts.wr.is_some() || table.without_rowid.is_some() {
        return without_rowid_key_order(ts, table, order, result);
    }
    let mut terms: Vec<Term<'_>> = Vec::new();
    for k in order {
        let e = match &k.src {
            SortSrc::Expr(e) => e,
            SortSrc::Result(i) => match result.get(*i) {
                Some(e) => e,
                None => return false,
            },
        };
        // A column, or an expression an index holds (plan/index_expr.rs).
        let Some(col) = super::index_expr::term_key(b, ts.slot, e) else {
            return false;
        };
        if k.nulls_first == k.desc {
            return false;
        }
        terms.push((col, k.desc, &k.coll));
    }
    match &ts.access {
        Access::RowidEq(_) => true,
        Access::Full | Access::RowidRange { .. } => {
            if terms[0].0 == usize::MAX {
                let desc = terms[0].1;
                if !desc {
                    ts.ordered = true;
                    return true;
                }
                ts.reverse = true;
                ts.ordered = true;
                return true;
            }
            if !matches!(ts.access, Access::Full) || ts.not_indexed {
                return false;
            }
            full_scan_by_index(b, ts, table, &terms)
        }
        Access::RowidIn(_) => false,
        Access::Index(ia) => {
            let Some(idx) = b
                .schema
                .indexes_for(table)
                .into_iter()
                .find(|i| i.root == ia.root && i.name == ia.name)
            else {
                return false;
            };
            // Key columns one value pins (an IN column takes several, in
            // index order, so an ORDER BY term must name it).
            let pinned: Vec<bool> = ia
                .eq
                .iter()
                .map(|(k, _)| matches!(k, EqKey::Expr(_) | EqKey::Is(_)))
                .collect();
            if idx.unique
                && ia.eq.len() == idx.columns.len()
                && ia.eq.iter().all(|(k, _)| matches!(k, EqKey::Expr(_)))
            {
                ts.ordered = true;
                return true;
            }
            let ids = super::index_expr::col_ids(b, table, ts.slot, &idx);
            if let Some(rev) = follows(table, &idx, &ids, &pinned, &terms) {
                ts.reverse = rev;
                ts.ordered = true;
                return true;
            }
            // Another index with the same leading columns may give the
            // order (SQLite counts the sort it saves).
            let prefix = ia.eq.len() + usize::from(ia.lo.is_some() || ia.hi.is_some());
            let same_lead = |other: &Index| {
                other.columns.len() >= prefix
                    && other.partial.is_none()
                    && other.columns.iter().all(|c| c.col.is_some())
                    && idx
                        .columns
                        .iter()
                        .take(prefix)
                        .zip(&other.columns)
                        .all(|(x, y)| {
                            x.col == y.col && x.collation == y.collation && x.desc == y.desc
                        })
            };
            for other in b.schema.indexes_for(table) {
                if other.name == idx.name || ia.has_in() || !same_lead(&other) {
                    continue;
                }
                let other_ids = super::index_expr::col_ids(b, table, ts.slot, &other);
                let Some(rev) = follows(table, &other, &other_ids, &pinned, &terms) else {
                    continue;
                };
                let Some(acc) = same_keys(ia, table, &other) else {
                    continue;
                };
                ts.access = acc;
                ts.reverse = rev;
                ts.ordered = true;
                return true;
            }
            false
        }
    }
}

/// The access `ia` seeks, through index `other` (same leading columns).
fn same_keys(ia: &IndexAccess, table: &Table, other: &Index) -> Option<Access> {
    let mut eq = Vec::new();
    for (k, aff) in &ia.eq {
        let EqKey::Expr(e) = k else {
            return None;
        };
        eq.push((EqKey::Expr(e.try_clone()?), *aff));
    }
    let bound = |b: &Option<(CExpr, bool, crate::sqlvalue::Affinity)>| -> Option<Option<_>> {
        match b {
            Some((e, incl, aff)) => Some(Some((e.try_clone()?, *incl, *aff))),
            None => Some(None),
        }
    };
    Some(Access::Index(Box::new(IndexAccess {
        root: other.root,
        key_info: other.key_info(table),
        eq,
        lo: bound(&ia.lo)?,
        hi: bound(&ia.hi)?,
        name: other.name.clone(),
        col_names: super::access_path::index_col_names(table, other),
        expr_keys: super::index_expr::has_expr_keys(table, other),
    })))
}

/// Move a full scan onto an index giving `terms`' order.
fn full_scan_by_index(b: &Binder, ts: &mut TableScan, table: &Table, terms: &[Term<'_>]) -> bool {
    // ((reads it alone, -width, creation order), index, walk backwards)
    type Pick = ((bool, i32, usize), Arc<Index>, bool);
    let mut best: Option<Pick> = None;
    for (n, idx) in b.schema.indexes_for(table).into_iter().enumerate() {
        if idx.partial.is_some() {
            continue;
        }
        let ids = super::index_expr::col_ids(b, table, ts.slot, &idx);
        let Some(rev) = follows(table, &idx, &ids, &[], terms) else {
            continue;
        };
        let key = (
            super::covering::index_covers(b, table, ts.slot, &idx),
            -super::covering::index_width(table, &idx),
            n,
        );
        if best.as_ref().is_none_or(|(k, _, _)| key > *k) {
            best = Some((key, idx, rev));
        }
    }
    let Some((_, idx, rev)) = best else {
        return false;
    };
    ts.access = super::access_path::index_walk(table, &idx);
    ts.reverse = rev;
    ts.ordered = true;
    true
}

/// Whether `idx`'s entries come in `terms`' order, its first
/// `pinned.len()` columns being held by equalities (`true`: one value,
/// which a term may name or not; `false`: an IN term's values, visited in
/// index order, which the next term must name): Some(walk backwards) when
/// they do. `ids`: the key columns' ids (plan/index_expr.rs).
fn follows(
    t: &Table,
    idx: &Index,
    ids: &[Option<(usize, crate::sqlvalue::Affinity)>],
    pinned: &[bool],
    terms: &[Term<'_>],
) -> Option<bool> {
    fn agree(r: &mut Option<bool>, rev: bool) -> bool {
        *r.get_or_insert(rev) == rev
    }
    let col_at = |p: usize| ids.get(p).copied().flatten().map(|(id, _)| id);
    let pinned_cols: Vec<usize> = (0..pinned.len())
        .filter(|p| pinned[*p])
        .filter_map(col_at)
        .collect();
    let mut pos = 0;
    let mut reverse: Option<bool> = None;
    for &(col, desc, coll) in terms {
        while pinned.get(pos) == Some(&true) {
            pos += 1;
        }
        if pinned_cols.contains(&col) {
            continue;
        }
        if col == usize::MAX {
            // The rowid follows the index columns and settles every tie.
            let ok = pos >= idx.columns.len() && agree(&mut reverse, desc);
            return ok.then_some(reverse.unwrap_or(false));
        }
        let ic = idx.columns.get(pos)?;
        if col_at(pos)? != col {
            return None;
        }
        let icoll = ic.collation.clone().or_else(|| {
            ic.col
                .and_then(|c| t.columns.get(c))
                .and_then(|c| c.collation.clone())
        });
        if !coll
            .name()
            .eq_ignore_ascii_case(icoll.as_deref().unwrap_or("BINARY"))
        {
            return None;
        }
        if !agree(&mut reverse, desc != ic.desc) {
            return None;
        }
        pos += 1;
    }
    Some(reverse.unwrap_or(false))
}

/// A full scan of a WITHOUT ROWID table comes in PRIMARY KEY order (walked
/// backwards for the opposite direction).
fn without_rowid_key_order(
    ts: &mut TableScan,
    table: &Table,
    order: &[SortKey],
    result: &[CExpr],
) -> bool {
    if !matches!(ts.access, Access::Full) {
        return false;
    }
    let Some(pk) = crate::exec::without_rowid::pk_index(table) else {
        return false;
    };
    let mut terms: Vec<Term<'_>> = Vec::new();
    for k in order {
        let e = match &k.src {
            SortSrc::Expr(e) => e,
            SortSrc::Result(i) => match result.get(*i) {
                Some(e) => e,
                None => return false,
            },
        };
        let CExpr::Column { slot, col } = e else {
            return false;
        };
        if *slot != ts.slot || k.nulls_first == k.desc {
            return false;
        }
        terms.push((*col, k.desc, &k.coll));
    }
    let ids: Vec<_> = pk
        .columns
        .iter()
        .map(|c| c.col.map(|k| (k, crate::sqlvalue::Affinity::Blob)))
        .collect();
    match follows(table, &pk, &ids, &[], &terms) {
        Some(rev) => {
            ts.reverse = rev;
            ts.ordered = true;
            true
        }
        None => false,
    }
}
