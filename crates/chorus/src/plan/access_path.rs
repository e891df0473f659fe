//! Access-path choice and join ordering for SELECT planning: which rowid
//! equality/range or index (equality prefix plus one range) serves a table
//! from the conjuncts local to it, and the greedy order of the FROM items
//! of an inner join.

use super::bind::Binder;
use super::select::FromItem;
use crate::exec::expr::{CExpr, CmpOp};
use crate::exec::source::{Access, IndexAccess};
use crate::schema::{Index, Table};
use crate::sqlvalue::{Affinity, Collation};
use std::sync::Arc;

pub fn choose_access_pub(
    b: &Binder,
    t: &Table,
    slot: usize,
    earlier: &[usize],
    terms: &[CExpr],
) -> Access {
    choose_access(b, t, slot, earlier, terms)
}

/// Pick rowid / index access for a table from the conjuncts local to it.
pub(super) fn choose_access(
    b: &Binder,
    t: &Table,
    slot: usize,
    earlier: &[usize],
    terms: &[CExpr],
) -> Access {
    let usable_rhs = |e: &CExpr| -> bool {
        let mut used = Vec::new();
        if !e.slots(&mut used) {
            return false;
        }
        used.iter().all(|s| {
            *s != slot && (earlier.contains(s) || *s < b.scopes.last().map_or(0, |x| x.first_slot))
        })
    };
    // (column, op, rhs, comparison affinity, collation)
    let mut cands: Vec<(usize, CmpOp, &CExpr, Option<Affinity>, &Collation)> = Vec::new();
    for term in terms {
        if let CExpr::Cmp {
            op,
            l,
            r,
            aff,
            coll,
        } = term
        {
            if let CExpr::Column { slot: s, col } = &**l {
                if *s == slot && usable_rhs(r) {
                    cands.push((*col, *op, r, *aff, coll));
                    continue;
                }
            }
            if let CExpr::Column { slot: s, col } = &**r {
                if *s == slot && usable_rhs(l) {
                    let flipped = match op {
                        CmpOp::Lt => CmpOp::Gt,
                        CmpOp::Le => CmpOp::Ge,
                        CmpOp::Gt => CmpOp::Lt,
                        CmpOp::Ge => CmpOp::Le,
                        o => *o,
                    };
                    cands.push((*col, flipped, l, *aff, coll));
                }
            }
        }
    }
    if cands.is_empty() {
        return Access::Full;
    }
    // Rowid equality / range.
    if let Some(c) = cands.iter().find(|c| c.0 == usize::MAX && c.1 == CmpOp::Eq) {
        if let Some(e) = c.2.try_clone() {
            return Access::RowidEq(e);
        }
    }
    let mut best: Option<(usize, Access)> = None;
    let schema = &b.schema;
    let pk = crate::exec::without_rowid::pk_index(t).map(Arc::new);
    for idx in pk.into_iter().chain(schema.indexes_for(t)) {
        if idx.partial.is_some() {
            continue;
        }
        if let Some((score, acc)) = index_access(t, &idx, &cands) {
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, acc));
            }
        }
    }
    let lo = cands
        .iter()
        .find(|c| c.0 == usize::MAX && matches!(c.1, CmpOp::Gt | CmpOp::Ge));
    let hi = cands
        .iter()
        .find(|c| c.0 == usize::MAX && matches!(c.1, CmpOp::Lt | CmpOp::Le));
    if lo.is_some() || hi.is_some() {
        let score = 2;
        if best.as_ref().is_none_or(|(s, _)| score >= *s) {
            let lo = lo.and_then(|c| c.2.try_clone().map(|e| (e, c.1 == CmpOp::Ge)));
            let hi = hi.and_then(|c| c.2.try_clone().map(|e| (e, c.1 == CmpOp::Le)));
            return Access::RowidRange { lo, hi };
        }
    }
    match best {
        Some((_, a)) => a,
        None => Access::Full,
    }
}

fn coll_name_eq(c: &Collation, name: &Option<String>) -> bool {
    let n = name.as_deref().unwrap_or("BINARY");
    c.name().eq_ignore_ascii_case(n)
}

fn index_access(
    t: &Table,
    idx: &Index,
    cands: &[(usize, CmpOp, &CExpr, Option<Affinity>, &Collation)],
) -> Option<(usize, Access)> {
    let usable = |ic: &crate::schema::IndexColumn,
                  c: &(usize, CmpOp, &CExpr, Option<Affinity>, &Collation)|
     -> bool {
        let Some(col) = ic.col else { return false };
        let tc = if Some(col) == t.rowid_alias {
            usize::MAX
        } else {
            col
        };
        if c.0 != tc {
            return false;
        }
        let caff = t
            .columns
            .get(col)
            .map(|c| c.affinity)
            .unwrap_or(Affinity::Blob);
        let aff_ok = match c.3 {
            None => true,
            Some(a) if a.is_numeric() => caff.is_numeric(),
            Some(Affinity::Text) => caff == Affinity::Text,
            // No conversion on either side: the seek key is the value itself.
            Some(Affinity::Blob) => caff == Affinity::Blob,
            Some(_) => false,
        };
        let coll = ic
            .collation
            .clone()
            .or_else(|| t.columns.get(col).and_then(|c| c.collation.clone()));
        aff_ok && coll_name_eq(c.4, &coll)
    };
    let mut eq = Vec::new();
    for ic in &idx.columns {
        match cands.iter().find(|c| c.1 == CmpOp::Eq && usable(ic, c)) {
            Some(c) => {
                let e = c.2.try_clone()?;
                eq.push((e, c.3.unwrap_or(Affinity::Blob)));
            }
            None => break,
        }
    }
    let mut lo = None;
    let mut hi = None;
    if let Some(ic) = idx.columns.get(eq.len()) {
        if !ic.desc {
            if let Some(c) = cands
                .iter()
                .find(|c| matches!(c.1, CmpOp::Gt | CmpOp::Ge) && usable(ic, c))
            {
                lo = Some((
                    c.2.try_clone()?,
                    c.1 == CmpOp::Ge,
                    c.3.unwrap_or(Affinity::Blob),
                ));
            }
            if let Some(c) = cands
                .iter()
                .find(|c| matches!(c.1, CmpOp::Lt | CmpOp::Le) && usable(ic, c))
            {
                hi = Some((
                    c.2.try_clone()?,
                    c.1 == CmpOp::Le,
                    c.3.unwrap_or(Affinity::Blob),
                ));
            }
        }
    }
    if eq.is_empty() && lo.is_none() && hi.is_none() {
        return None;
    }
    let mut score = eq.len() * 4 + lo.is_some() as usize + hi.is_some() as usize;
    if idx.unique && eq.len() == idx.columns.len() {
        score += 100;
    }
    let col_names: Vec<String> = idx
        .columns
        .iter()
        .map(|c| {
            c.col
                .and_then(|i| t.columns.get(i))
                .map(|c| c.name.clone())
                .unwrap_or_else(|| "<expr>".into())
        })
        .collect();
    let acc = Access::Index(Box::new(IndexAccess {
        root: idx.root,
        key_info: idx.key_info(t),
        eq,
        lo,
        hi,
        name: idx.name.clone(),
        col_names,
    }));
    Some((score, acc))
}

/// Greedy join ordering: repeatedly take the table best constrained by what
/// is already placed — an equality on an indexed column (or rowid) against
/// placed tables or constants first, then any equality, then FROM order.
pub(super) fn reorder(b: &Binder, items: Vec<FromItem>, conj: &[CExpr]) -> Vec<FromItem> {
    let first_slot = b.scopes.last().map_or(0, |s| s.first_slot);
    let level: Vec<usize> = items.iter().map(|i| i.slot).collect();
    // (slot, col, other side's level slots) for each usable equality.
    let mut eqs: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for c in conj {
        if let CExpr::Cmp {
            op: CmpOp::Eq,
            l,
            r,
            ..
        } = c
        {
            for (x, y) in [(l, r), (r, l)] {
                if let CExpr::Column { slot, col } = &**x {
                    if !level.contains(slot) {
                        continue;
                    }
                    let mut used = Vec::new();
                    if !y.slots(&mut used) {
                        continue;
                    }
                    let others: Vec<usize> = used
                        .into_iter()
                        .filter(|s| *s >= first_slot && level.contains(s))
                        .collect();
                    if others.contains(slot) {
                        continue;
                    }
                    eqs.push((*slot, *col, others));
                }
            }
        }
    }
    let indexed = |it: &FromItem, col: usize| -> bool {
        let Some(t) = &it.table else { return false };
        if col == usize::MAX {
            return true;
        }
        b.schema
            .indexes_for(t)
            .iter()
            .any(|i| i.partial.is_none() && i.columns.first().and_then(|c| c.col) == Some(col))
    };
    let mut remaining: Vec<Option<FromItem>> = items.into_iter().map(Some).collect();
    let mut placed: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    while out.len() < remaining.len() {
        let mut best: Option<(i32, usize)> = None;
        for (k, it) in remaining.iter().enumerate() {
            let Some(it) = it else { continue };
            let mut score = 0;
            for (slot, col, others) in &eqs {
                if *slot != it.slot || !others.iter().all(|o| placed.contains(o)) {
                    continue;
                }
                let s = if indexed(it, *col) {
                    4
                } else if others.is_empty() {
                    2
                } else {
                    1
                };
                score = score.max(s);
            }
            if best.is_none_or(|(bs, _)| score > bs) {
                best = Some((score, k));
            }
        }
        let Some((_, k)) = best else { break };
        if let Some(it) = remaining[k].take() {
            placed.push(it.slot);
            out.push(it);
        }
    }
    out
}
