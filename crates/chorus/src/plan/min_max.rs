//! The min()/max() optimization: a select whose only aggregate is one
//! `min(col)` or `max(col)` (no GROUP BY, no HAVING) over one table, where
//! an index orders `col` (first, or right after the columns the WHERE
//! clause pins by equality), reads up to the first entry with a non-NULL
//! `col` for min() (the NULL ones before it, which min() skips), the last
//! entry for max() (NULLs sort first, so it is NULL only when every value
//! is). That row is also the one bare columns read (the first NULL row when
//! every value is NULL), as in SQLite, which words the loop `SEARCH t USING
//! [COVERING] INDEX i`.

use super::bind::Binder;
use crate::exec::expr::CExpr;
use crate::exec::select::AggPlan;
use crate::exec::source::{Access, EqKey, Source};
use crate::schema::Table;

/// Turn `source` into a one-row seek when `agg` qualifies.
pub(super) fn apply(b: &Binder, agg: &AggPlan, source: &mut Source, table: &Table) {
    let Source::Table(ts) = source else {
        return;
    };
    if !agg.group_by.is_empty()
        || agg.having.is_some()
        || agg.aggs.len() != 1
        || ts.wr.is_some()
        || ts.not_indexed
        || table.without_rowid.is_some()
    {
        return;
    }
    let (name, args, _, filter, coll, order) = &agg.aggs[0];
    let max = match name.as_str() {
        "min" => false,
        "max" => true,
        _ => return,
    };
    if filter.is_some() || !order.is_empty() {
        return;
    }
    let [CExpr::Column { slot, col }] = args.as_slice() else {
        return;
    };
    if *slot != ts.slot {
        return;
    }
    super::covering::undo_full_scan(ts);
    if *col == usize::MAX || Some(*col) == table.rowid_alias {
        // The first or last rowid (never NULL).
        if matches!(ts.access, Access::Full | Access::RowidRange { .. }) {
            ts.reverse = max;
            ts.one_row = Some(None);
            ts.ordered = true;
        }
        return;
    }
    let coll_ok = |idx: &crate::schema::Index, pos: usize| {
        idx.columns.get(pos).is_some_and(|ic| {
            ic.col == Some(*col)
                && !ic.desc
                && coll.name().eq_ignore_ascii_case(
                    ic.collation
                        .as_deref()
                        .or_else(|| table.columns.get(*col).and_then(|c| c.collation.as_deref()))
                        .unwrap_or("BINARY"),
                )
        })
    };
    match &ts.access {
        Access::Full => {
            // Among the indexes led by the column: one the query can read
            // alone, then the narrower, then the newer (SQLite's costs).
            let Some(idx) = b
                .schema
                .indexes_for(table)
                .into_iter()
                .enumerate()
                .filter(|(_, i)| i.partial.is_none() && coll_ok(i, 0))
                .max_by_key(|(n, i)| {
                    (
                        super::covering::index_covers(b, table, ts.slot, i),
                        -super::covering::index_width(table, i),
                        *n,
                    )
                })
                .map(|(_, i)| i)
            else {
                return;
            };
            ts.access = super::access_path::index_walk(table, &idx);
        }
        Access::Index(ia) => {
            let Some(idx) = b
                .schema
                .indexes_for(table)
                .into_iter()
                .find(|i| i.root == ia.root && i.name == ia.name)
            else {
                return;
            };
            let pinned = ia.eq.iter().all(|(k, _)| matches!(k, EqKey::Expr(_)));
            if !pinned || !coll_ok(&idx, ia.eq.len()) {
                return;
            }
        }
        _ => return,
    }
    ts.reverse = max;
    ts.one_row = Some(if max { None } else { Some(*col) });
    ts.ordered = true;
}
