//! Indexes on expressions and on VIRTUAL generated columns in planning.
//!
//! SQLite seeks or walks such an index when a WHERE or ORDER BY term holds
//! the *same* expression as an index column (compared as bound trees, after
//! name resolution, so `lower(t.name)` is `lower(name)`); a reference to a
//! VIRTUAL generated column binds to the column's expression
//! (plan/bind.rs `virtual_column`), so an index on that column matches the
//! same way.
//!
//! Before a table's access path is chosen, [`prepare`] binds every such
//! index column once over the table's slot and keeps the distinct trees in
//! the binder ([`SlotExprs`]). The planner then names each index key column
//! by an id: a plain column by its number (`usize::MAX` for the rowid), an
//! expression by `EXPR_ID_BASE + k` (its position among the slot's trees);
//! a term's side gets the same id when it is that tree ([`term_key`]). The
//! rest of the planner (access_path.rs, order_index.rs) compares ids.
//!
//! An expression key column has the expression's own affinity (none for a
//! function call or arithmetic: its entries hold the values as computed),
//! and the collation written in the index (else BINARY); a VIRTUAL
//! column's has the column's affinity and collation.

use super::bind::{table_col_infos, Binder, Scope, SourceInfo};
use crate::exec::expr::CExpr;
use crate::schema::{Index, Table};
use crate::sqlvalue::Affinity;
use std::sync::Arc;

/// Ids at and above this name an expression of the slot's indexes.
pub const EXPR_ID_BASE: usize = 1 << 40;

/// The bound index expressions of one table slot.
pub struct SlotExprs {
    pub slot: usize,
    /// The table's root page and name (a slot is one table per statement;
    /// checked all the same).
    pub table: (chorus_storage::PageNo, String),
    /// Distinct bound trees, with the affinity of the index key column.
    pub exprs: Vec<(CExpr, Option<Affinity>)>,
    /// Per index (by name): the id of each key column that is an
    /// expression or a VIRTUAL column (None: a plain column, or one that
    /// could not be bound).
    pub cols: Vec<(String, Vec<Option<usize>>)>,
}

fn is_virtual(t: &Table, col: usize) -> bool {
    t.columns
        .get(col)
        .and_then(|c| c.generated.as_ref())
        .is_some_and(|g| !g.stored)
}

/// Whether index column `ic` of `t` is matched by expression.
fn by_expr(t: &Table, ic: &crate::schema::IndexColumn) -> bool {
    ic.expr.is_some() || ic.col.is_some_and(|c| is_virtual(t, c))
}

/// Whether some key column of `idx` is an expression or a VIRTUAL column.
pub fn has_expr_keys(t: &Table, idx: &Index) -> bool {
    idx.columns.iter().any(|c| by_expr(t, c))
}

/// Bind the expression / VIRTUAL-column key columns of `t`'s indexes over
/// `slot` (once per slot; a column that fails to bind is never matched).
pub fn prepare(b: &mut Binder, t: &Arc<Table>, slot: usize) {
    let key = (t.root, t.name.clone());
    if b.index_exprs
        .iter()
        .any(|s| s.slot == slot && s.table == key)
    {
        return;
    }
    b.index_exprs.retain(|s| s.slot != slot);
    let indexes = b.schema.indexes_for(t);
    if !indexes
        .iter()
        .any(|i| i.columns.iter().any(|c| by_expr(t, c)))
    {
        return;
    }
    let src = SourceInfo {
        slot,
        name: t.name.clone(),
        columns: table_col_infos(t),
        table: Some(t.clone()),
        coalesced: Vec::new(),
    };
    // Binding records the columns it reads; these reads are not the query's.
    let used = std::mem::take(&mut b.used_cols);
    b.scopes.push(Scope {
        first_slot: slot,
        sources: vec![src.clone()],
        ..Default::default()
    });
    let mut out = SlotExprs {
        slot,
        table: key,
        exprs: Vec::new(),
        cols: Vec::new(),
    };
    for idx in &indexes {
        let mut ids = Vec::with_capacity(idx.columns.len());
        for ic in &idx.columns {
            let bound = match (&ic.expr, ic.col) {
                (Some(e), _) => b.expr_info(e).ok().map(|(x, info)| (x, info.aff)),
                (None, Some(c)) if is_virtual(t, c) => b
                    .virtual_column(&src, c)
                    .ok()
                    .flatten()
                    .map(|x| (x, t.columns.get(c).map(|c| c.affinity))),
                _ => None,
            };
            ids.push(bound.map(|(x, aff)| {
                let k = match out.exprs.iter().position(|(e, _)| same(e, &x)) {
                    Some(k) => k,
                    None => {
                        out.exprs.push((x, aff));
                        out.exprs.len() - 1
                    }
                };
                EXPR_ID_BASE + k
            }));
        }
        out.cols.push((idx.name.clone(), ids));
    }
    b.scopes.pop();
    b.used_cols = used;
    b.index_exprs.push(out);
}

/// The id a term side `e` has for slot `slot`: a column of the slot, or an
/// expression some index of the slot's table holds.
pub fn term_key(b: &Binder, slot: usize, e: &CExpr) -> Option<usize> {
    if let CExpr::Column { slot: s, col } = e {
        return (*s == slot).then_some(*col);
    }
    let se = b.index_exprs.iter().find(|s| s.slot == slot)?;
    se.exprs
        .iter()
        .position(|(x, _)| same(x, e))
        .map(|k| EXPR_ID_BASE + k)
}

/// Per key column of `idx`: its id and affinity (None: an expression that
/// no term can match).
pub fn col_ids(b: &Binder, t: &Table, slot: usize, idx: &Index) -> Vec<Option<(usize, Affinity)>> {
    let se = b
        .index_exprs
        .iter()
        .find(|s| s.slot == slot && s.table.0 == t.root && s.table.1 == t.name);
    let ids = se.and_then(|s| s.cols.iter().find(|(n, _)| *n == idx.name).map(|(_, v)| v));
    idx.columns
        .iter()
        .enumerate()
        .map(|(p, ic)| {
            if by_expr(t, ic) {
                let id = (*ids?.get(p)?)?;
                let aff = se?.exprs.get(id - EXPR_ID_BASE)?.1;
                return Some((id, aff.unwrap_or(Affinity::Blob)));
            }
            let col = ic.col?;
            let aff = t.columns.get(col).map_or(Affinity::Blob, |c| c.affinity);
            let id = if Some(col) == t.rowid_alias {
                usize::MAX
            } else {
                col
            };
            Some((id, aff))
        })
        .collect()
}

/// Whether two bound expressions are the same tree (constants of the same
/// type and value, the same columns, functions, operators, affinities and
/// collations). Subqueries, parameters and anything stateful never match.
pub fn same(a: &CExpr, b: &CExpr) -> bool {
    use CExpr as E;
    let opt = |x: &Option<Box<CExpr>>, y: &Option<Box<CExpr>>| match (x, y) {
        (None, None) => true,
        (Some(x), Some(y)) => same(x, y),
        _ => false,
    };
    let all =
        |x: &[CExpr], y: &[CExpr]| x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y));
    match (a, b) {
        (E::Const(x), E::Const(y)) => const_eq(x, y),
        (E::Column { slot: s1, col: c1 }, E::Column { slot: s2, col: c2 }) => s1 == s2 && c1 == c2,
        (E::Neg(x), E::Neg(y))
        | (E::Plus(x), E::Plus(y))
        | (E::BitNot(x), E::BitNot(y))
        | (E::Not(x), E::Not(y))
        | (E::IsNull(x), E::IsNull(y))
        | (E::NotNull(x), E::NotNull(y)) => same(x, y),
        (E::And(l1, r1), E::And(l2, r2)) | (E::Or(l1, r1), E::Or(l2, r2)) => {
            same(l1, l2) && same(r1, r2)
        }
        (E::Arith(o1, l1, r1), E::Arith(o2, l2, r2)) => o1 == o2 && same(l1, l2) && same(r1, r2),
        (
            E::Cmp {
                op: o1,
                l: l1,
                r: r1,
                aff: a1,
                coll: c1,
            },
            E::Cmp {
                op: o2,
                l: l2,
                r: r2,
                aff: a2,
                coll: c2,
            },
        ) => o1 == o2 && a1 == a2 && c1.name() == c2.name() && same(l1, l2) && same(r1, r2),
        (
            E::Is {
                not: n1,
                l: l1,
                r: r1,
                aff: a1,
                coll: c1,
            },
            E::Is {
                not: n2,
                l: l2,
                r: r2,
                aff: a2,
                coll: c2,
            },
        ) => n1 == n2 && a1 == a2 && c1.name() == c2.name() && same(l1, l2) && same(r1, r2),
        (
            E::InList {
                x: x1,
                list: l1,
                not: n1,
                aff: a1,
                coll: c1,
            },
            E::InList {
                x: x2,
                list: l2,
                not: n2,
                aff: a2,
                coll: c2,
            },
        ) => n1 == n2 && a1 == a2 && c1.name() == c2.name() && same(x1, x2) && all(l1, l2),
        (
            E::Case {
                base: b1,
                whens: w1,
                els: e1,
                aff: a1,
                coll: c1,
            },
            E::Case {
                base: b2,
                whens: w2,
                els: e2,
                aff: a2,
                coll: c2,
            },
        ) => {
            a1 == a2
                && c1.name() == c2.name()
                && opt(b1, b2)
                && opt(e1, e2)
                && w1.len() == w2.len()
                && w1
                    .iter()
                    .zip(w2)
                    .all(|((w1, t1), (w2, t2))| same(w1, w2) && same(t1, t2))
        }
        (E::Cast(x, a1), E::Cast(y, a2)) | (E::Affinity(x, a1), E::Affinity(y, a2)) => {
            a1 == a2 && same(x, y)
        }
        (
            E::Like {
                x: x1,
                pat: p1,
                esc: e1,
                not: n1,
                glob: g1,
            },
            E::Like {
                x: x2,
                pat: p2,
                esc: e2,
                not: n2,
                glob: g2,
            },
        ) => n1 == n2 && g1 == g2 && same(x1, x2) && same(p1, p2) && opt(e1, e2),
        (E::Func { f: f1, args: a1 }, E::Func { f: f2, args: a2 }) => {
            f1.info.deterministic
                && std::ptr::fn_addr_eq(f1.info.func, f2.info.func)
                && f1.collation.name() == f2.collation.name()
                && all(a1, a2)
        }
        (E::Vector(x), E::Vector(y)) => all(x, y),
        _ => false,
    }
}

/// Constants match when they are the same value of the same type (1 is
/// not 1.0, as SQLite compares the literals).
fn const_eq(a: &chorus_storage::Value, b: &chorus_storage::Value) -> bool {
    use chorus_storage::Value as V;
    match (a, b) {
        (V::Null, V::Null) => true,
        (V::Integer(x), V::Integer(y)) => x == y,
        (V::Real(x), V::Real(y)) => x.to_bits() == y.to_bits(),
        (V::Text(x), V::Text(y)) => x == y,
        (V::Blob(x), V::Blob(y)) => x == y,
        _ => false,
    }
}
