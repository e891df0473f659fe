//! GROUP BY through an index: when a single-table aggregate's GROUP BY
//! columns are, in some order, the leading columns of an index (after the
//! columns an equality pins), the scan walks that index so each group's rows
//! arrive together and in key order, and the groups need no sort (SQLite
//! shows no `USE TEMP B-TREE FOR GROUP BY`); groups then come out in index
//! order (a DESC column's groups descending), as from SQLite. An ORDER BY
//! naming those columns in index order and direction (NULLs where the index
//! has them) needs no sort either.

use super::bind::Binder;
use crate::exec::expr::CExpr;
use crate::exec::select::{AggPlan, SortKey, SortSrc};
use crate::exec::source::{Access, EqKey, Source, TableScan};
use crate::schema::{Index, Table};
use std::sync::Arc;

pub(super) fn apply(
    b: &Binder,
    ap: &mut AggPlan,
    order: &mut Vec<SortKey>,
    result: &[CExpr],
    source: &mut Source,
    table: &Table,
) {
    let Source::Table(ts) = source else {
        return;
    };
    if ap.group_by.is_empty() || ts.wr.is_some() || table.without_rowid.is_some() {
        return;
    }
    // (column, collation name) of each GROUP BY term.
    let mut keys: Vec<(usize, &str)> = Vec::new();
    for (i, g) in ap.group_by.iter().enumerate() {
        let CExpr::Column { slot, col } = g else {
            return;
        };
        if *slot != ts.slot || *col == usize::MAX || Some(*col) == table.rowid_alias {
            return;
        }
        let coll = ap.group_colls.get(i).map_or("BINARY", |c| c.name());
        keys.push((*col, coll));
    }
    let Some(cols) = walk_in_key_order(b, ts, table, &keys) else {
        return;
    };
    ts.ordered = true;
    ap.sorted_input = true;
    // ORDER BY the group columns in index order: already so.
    let term_col = |k: &SortKey| -> Option<usize> {
        let e = match &k.src {
            SortSrc::Expr(e) => e,
            SortSrc::Result(i) => result.get(*i)?,
        };
        match e {
            CExpr::GroupKey(g) => match ap.group_by.get(*g)? {
                CExpr::Column { col, .. } => Some(*col),
                _ => None,
            },
            CExpr::Column { slot, col } if *slot == ts.slot => Some(*col),
            _ => None,
        }
    };
    let in_order = order.len() <= cols.len()
        && order.iter().zip(&cols).all(|(k, (c, desc))| {
            k.desc == *desc
                && k.nulls_first != k.desc
                && term_col(k) == Some(*c)
                && keys
                    .iter()
                    .any(|(kc, coll)| kc == c && k.coll.name().eq_ignore_ascii_case(coll))
        });
    if in_order {
        order.clear();
    }
}

/// Make the scan `ts` deliver rows grouped by the columns `keys` (column,
/// collation name), which must be, in some order, an index's leading
/// columns after those an equality pins: the index's (column, DESC) in
/// walk order, or None (the scan unchanged but for a covering full scan
/// that `covering::apply` put back).
pub(super) fn walk_in_key_order(
    b: &Binder,
    ts: &mut TableScan,
    table: &Table,
    keys: &[(usize, &str)],
) -> Option<Vec<(usize, bool)>> {
    // A full scan that the covering step put on some index may move to the
    // index that gives the groups' order.
    super::covering::undo_full_scan(ts);
    let matches_at = |idx: &Index, start: usize, pinned: &[usize]| -> Option<Vec<(usize, bool)>> {
        let want: Vec<&(usize, &str)> = keys.iter().filter(|(c, _)| !pinned.contains(c)).collect();
        let mut cols = Vec::new();
        for k in 0..want.len() {
            let ic = idx.columns.get(start + k)?;
            let col = ic.col?;
            let coll = ic
                .collation
                .as_deref()
                .or_else(|| table.columns.get(col).and_then(|c| c.collation.as_deref()))
                .unwrap_or("BINARY");
            let hit = want
                .iter()
                .any(|(c, kc)| *c == col && kc.eq_ignore_ascii_case(coll));
            if !hit || cols.iter().any(|(c, _)| *c == col) {
                return None;
            }
            cols.push((col, ic.desc));
        }
        Some(cols)
    };
    let cols = match &ts.access {
        Access::Index(ia) => {
            if ia.has_in() {
                return None;
            }
            let idx = b
                .schema
                .indexes_for(table)
                .into_iter()
                .find(|i| i.root == ia.root && i.name == ia.name)?;
            let pinned: Vec<usize> = idx
                .columns
                .iter()
                .zip(&ia.eq)
                .filter(|(_, (k, _))| matches!(k, EqKey::Expr(_)))
                .filter_map(|(c, _)| c.col)
                .collect();
            if ia.eq.iter().any(|(k, _)| !matches!(k, EqKey::Expr(_))) {
                return None;
            }
            matches_at(&idx, ia.eq.len(), &pinned)?
        }
        Access::Full if !ts.not_indexed => {
            type Pick = ((bool, i32, usize), Arc<Index>, Vec<(usize, bool)>);
            let mut best: Option<Pick> = None;
            for (n, idx) in b.schema.indexes_for(table).into_iter().enumerate() {
                if idx.partial.is_some() || idx.columns.iter().any(|c| c.col.is_none()) {
                    continue;
                }
                let Some(c) = matches_at(&idx, 0, &[]) else {
                    continue;
                };
                let key = (
                    super::covering::index_covers(b, table, ts.slot, &idx),
                    -super::covering::index_width(table, &idx),
                    n,
                );
                if best.as_ref().is_none_or(|(k, _, _)| key > *k) {
                    best = Some((key, idx, c));
                }
            }
            let (_, idx, c) = best?;
            ts.access = super::access_path::index_walk(table, &idx);
            c
        }
        _ => return None,
    };
    Some(cols)
}

/// DISTINCT over columns an index walk delivers grouped: each distinct row
/// is compared with the one before instead of kept in a set (SQLite shows
/// no `USE TEMP B-TREE FOR DISTINCT`). True when the scan now does.
pub(super) fn distinct_in_order(
    b: &Binder,
    result: &[CExpr],
    colls: &[Option<String>],
    source: &mut Source,
    table: &Table,
) -> bool {
    let Source::Table(ts) = source else {
        return false;
    };
    if ts.wr.is_some() || table.without_rowid.is_some() {
        return false;
    }
    let mut keys: Vec<(usize, &str)> = Vec::new();
    for (i, e) in result.iter().enumerate() {
        let CExpr::Column { slot, col } = e else {
            return false;
        };
        if *slot != ts.slot || *col == usize::MAX || Some(*col) == table.rowid_alias {
            return false;
        }
        let coll = colls.get(i).and_then(|c| c.as_deref()).unwrap_or("BINARY");
        if keys.iter().any(|(c, _)| c == col) {
            // SQLite keeps its DISTINCT b-tree for a repeated column.
            return false;
        }
        keys.push((*col, coll));
    }
    if walk_in_key_order(b, ts, table, &keys).is_none() {
        return false;
    }
    ts.ordered = true;
    true
}
