//! Access-path choice and join ordering for SELECT planning: which rowid
//! equality/IN/range or index (equality or IN prefix plus one range) serves a table
//! from the conjuncts local to it, and the greedy order of the FROM items
//! of an inner join.

use super::bind::Binder;
use super::select::FromItem;
use crate::exec::expr::{CExpr, CmpOp};
use crate::exec::source::{Access, EqKey, IndexAccess};
use crate::schema::{Index, Table};
use crate::sqlvalue::{Affinity, Collation};
use chorus_storage::Value;
use std::sync::Arc;

pub fn choose_access_pub(
    b: &Binder,
    t: &Table,
    slot: usize,
    earlier: &[usize],
    terms: &mut Vec<CExpr>,
) -> Access {
    choose_access(b, t, slot, earlier, terms, false)
}

/// The value side of a usable term: `col = rhs`, `col IN (list)`, or
/// `col IN (SELECT ...)` (the term's position in `terms`).
#[derive(Clone)]
enum Rhs<'a> {
    Expr(&'a CExpr),
    /// `col IS rhs`: NULL finds the NULL entries.
    Is(&'a CExpr),
    /// `col IN (list)`, or `col = e1 OR col = e2 ...`.
    List(Vec<&'a CExpr>),
    Sub(usize),
}

/// (column, op, value side, comparison affinity, collation)
type Cand<'a> = (usize, CmpOp, Rhs<'a>, Option<Affinity>, &'a Collation);

/// Pick rowid / index access for a table from the conjuncts local to it.
/// An `IN (SELECT ...)` term the access seeks by moves out of `terms` into
/// the access (which tests it on each row). `select`: planning a SELECT,
/// whose read columns (`Binder::used_cols`) are all bound.
pub(super) fn choose_access(
    b: &Binder,
    t: &Table,
    slot: usize,
    earlier: &[usize],
    terms: &mut Vec<CExpr>,
    select: bool,
) -> Access {
    let mut acc = choose_access_in(b, t, slot, earlier, terms, select);
    // Move the IN-subquery terms the access uses into it.
    let mut moved = false;
    let mut take = |k: &mut EqKey| {
        if let EqKey::Sub(ph) = k {
            if let CExpr::Const(Value::Integer(i)) = **ph {
                if let Some(term) = usize::try_from(i).ok().and_then(|i| terms.get_mut(i)) {
                    **ph = std::mem::replace(term, CExpr::Const(Value::Integer(1)));
                    moved = true;
                }
            }
        }
    };
    match &mut acc {
        Access::RowidIn(k) => take(k),
        Access::Index(ia) => {
            for (k, _) in &mut ia.eq {
                take(k);
            }
        }
        _ => {}
    }
    if moved {
        terms.retain(|t| !matches!(t, CExpr::Const(Value::Integer(1))));
    }
    acc
}

fn choose_access_in(
    b: &Binder,
    t: &Table,
    slot: usize,
    earlier: &[usize],
    terms: &[CExpr],
    select: bool,
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
    // A term side's key: a column of the slot, or an indexed expression
    // (plan/index_expr.rs).
    let key_of = |e: &CExpr| super::index_expr::term_key(b, slot, e);
    let mut cands: Vec<Cand<'_>> = Vec::new();
    // Conjuncts, with the halves of an AND inside one (BETWEEN) as well.
    let mut flat: Vec<(usize, &CExpr)> = Vec::new();
    for (k, term) in terms.iter().enumerate() {
        let mut stack = vec![term];
        while let Some(e) = stack.pop() {
            match e {
                CExpr::And(l, r) => {
                    stack.push(r);
                    stack.push(l);
                }
                e => flat.push((k, e)),
            }
        }
    }
    for (k, term) in flat {
        // Whether the term is a whole conjunct (an IN subquery moves out of
        // `terms` whole).
        let whole = terms.get(k).is_some_and(|t| std::ptr::eq(t, term));
        match term {
            CExpr::Cmp {
                op,
                l,
                r,
                aff,
                coll,
            } => {
                if let Some(col) = key_of(l) {
                    if usable_rhs(r) {
                        cands.push((col, *op, Rhs::Expr(r), *aff, coll));
                        continue;
                    }
                }
                if let Some(col) = key_of(r) {
                    if usable_rhs(l) {
                        let flipped = match op {
                            CmpOp::Lt => CmpOp::Gt,
                            CmpOp::Le => CmpOp::Ge,
                            CmpOp::Gt => CmpOp::Lt,
                            CmpOp::Ge => CmpOp::Le,
                            o => *o,
                        };
                        cands.push((col, flipped, Rhs::Expr(l), *aff, coll));
                    }
                }
            }
            CExpr::Is {
                not: false,
                l,
                r,
                aff,
                coll,
            } => {
                for (x, v) in [(l, r), (r, l)] {
                    if let Some(col) = key_of(x) {
                        if col != usize::MAX && usable_rhs(v) {
                            cands.push((col, CmpOp::Eq, Rhs::Is(v), *aff, coll));
                            break;
                        }
                    }
                }
            }
            CExpr::InList {
                x,
                list,
                not: false,
                aff,
                coll,
            } => {
                let Some(col) = key_of(x) else {
                    continue;
                };
                let a0 = aff.first().copied().flatten();
                if !list.is_empty()
                    && aff.iter().all(|a| *a == a0)
                    && list
                        .iter()
                        .all(|e| usable_rhs(e) && e.try_clone().is_some())
                {
                    cands.push((col, CmpOp::Eq, Rhs::List(list.iter().collect()), a0, coll));
                }
            }
            CExpr::Or(..) => {
                if let Some((col, list, aff, coll)) = or_of_equalities(term, &key_of) {
                    if list
                        .iter()
                        .all(|e| usable_rhs(e) && e.try_clone().is_some())
                    {
                        cands.push((col, CmpOp::Eq, Rhs::List(list), aff, coll));
                    }
                }
            }
            CExpr::InSub {
                x,
                sub,
                not: false,
                aff,
                coll,
            } => {
                let ([x], Some(a), Some(c)) = (x.as_slice(), aff.first(), coll.first()) else {
                    continue;
                };
                let Some(col) = key_of(x) else { continue };
                let uncorrelated = sub.try_borrow().is_ok_and(|q| !q.correlated);
                if uncorrelated && whole && i64::try_from(k).is_ok() {
                    cands.push((col, CmpOp::Eq, Rhs::Sub(k), *a, c));
                }
            }
            _ => {}
        }
    }
    if cands.is_empty() {
        return Access::Full;
    }
    // Rowid equality / range.
    if let Some(c) = cands.iter().find(|c| c.0 == usize::MAX && c.1 == CmpOp::Eq) {
        if let Rhs::Expr(e) = &c.2 {
            if let Some(e) = e.try_clone() {
                return Access::RowidEq(e);
            }
        }
    }
    // Ties go as in SQLite's cost model: an index the query can read alone
    // (known for a SELECT, whose columns are bound by now), then the
    // narrower index, then the newer one.
    let mut best: Option<((usize, bool, i32), Access)> = None;
    let schema = &b.schema;
    let pk = crate::exec::without_rowid::pk_index(t).map(Arc::new);
    for idx in pk.into_iter().chain(schema.indexes_for(t)) {
        if idx.partial.is_some() {
            continue;
        }
        let ids = super::index_expr::col_ids(b, t, slot, &idx);
        if let Some((score, acc)) = index_access(t, &idx, &ids, &cands) {
            // A WITHOUT ROWID table's key is the table itself.
            let covers = (t.without_rowid.is_some() && idx.root == t.root)
                || (select && super::covering::index_covers(b, t, slot, &idx));
            let key = (score, covers, -super::covering::index_width(t, &idx));
            if best.as_ref().is_none_or(|(k, _)| key >= *k) {
                best = Some((key, acc));
            }
        }
    }
    let best = best.map(|((score, _, _), a)| (score, a));
    if best.as_ref().is_none_or(|(s, _)| *s < 100) {
        if let Some(c) = cands.iter().find(|c| c.0 == usize::MAX && c.1 == CmpOp::Eq) {
            if let Some(k) = eq_key(&c.2) {
                return Access::RowidIn(k);
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
            let lo = lo.and_then(|c| rhs_expr(&c.2).map(|e| (e, c.1 == CmpOp::Ge)));
            let hi = hi.and_then(|c| rhs_expr(&c.2).map(|e| (e, c.1 == CmpOp::Le)));
            return Access::RowidRange { lo, hi };
        }
    }
    match best {
        Some((_, a)) => a,
        None => Access::Full,
    }
}

/// `x = e1 OR x = e2 OR ...` on one column of `slot` (same affinity and
/// collation throughout): (column, values, affinity, collation).
fn or_of_equalities<'a>(
    term: &'a CExpr,
    key_of: &dyn Fn(&CExpr) -> Option<usize>,
) -> Option<(usize, Vec<&'a CExpr>, Option<Affinity>, &'a Collation)> {
    let mut stack = vec![term];
    let mut found: Option<(usize, Option<Affinity>, &Collation)> = None;
    let mut list = Vec::new();
    while let Some(e) = stack.pop() {
        match e {
            CExpr::Or(l, r) => {
                stack.push(r);
                stack.push(l);
            }
            CExpr::Cmp {
                op: CmpOp::Eq,
                l,
                r,
                aff,
                coll,
            } => {
                let (col, v) = match (key_of(l), key_of(r)) {
                    (Some(col), _) => (col, &**r),
                    (None, Some(col)) => (col, &**l),
                    _ => return None,
                };
                match found {
                    None => found = Some((col, *aff, coll)),
                    Some((c, a, k)) => {
                        if c != col || a != *aff || k.name() != coll.name() {
                            return None;
                        }
                    }
                }
                list.push(v);
            }
            _ => return None,
        }
    }
    let (col, aff, coll) = found?;
    Some((col, list, aff, coll))
}

/// A copy of a plain comparison's value side.
fn rhs_expr(r: &Rhs<'_>) -> Option<CExpr> {
    match r {
        Rhs::Expr(e) => e.try_clone(),
        _ => None,
    }
}

/// The seek key of an equality or IN term (an IN subquery as a placeholder
/// holding the term's position, swapped for the term by `choose_access`).
fn eq_key(r: &Rhs<'_>) -> Option<EqKey> {
    Some(match r {
        Rhs::Expr(e) => EqKey::Expr(e.try_clone()?),
        Rhs::Is(e) => EqKey::Is(e.try_clone()?),
        Rhs::List(l) => EqKey::List(l.iter().map(|e| e.try_clone()).collect::<Option<_>>()?),
        Rhs::Sub(k) => EqKey::Sub(Box::new(CExpr::Const(Value::Integer(
            i64::try_from(*k).ok()?,
        )))),
    })
}

fn coll_name_eq(c: &Collation, name: &Option<String>) -> bool {
    let n = name.as_deref().unwrap_or("BINARY");
    c.name().eq_ignore_ascii_case(n)
}

/// `ids`: each key column's id and affinity (plan/index_expr.rs).
fn index_access(
    t: &Table,
    idx: &Index,
    ids: &[Option<(usize, Affinity)>],
    cands: &[Cand<'_>],
) -> Option<(usize, Access)> {
    let usable = |p: usize, c: &Cand<'_>| -> bool {
        let Some(ic) = idx.columns.get(p) else {
            return false;
        };
        let Some(&Some((id, caff))) = ids.get(p) else {
            return false;
        };
        if c.0 != id {
            return false;
        }
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
            .or_else(|| ic.col.and_then(|col| t.columns.get(col)?.collation.clone()));
        aff_ok && coll_name_eq(c.4, &coll)
    };
    let mut eq = Vec::new();
    let mut n_in = 0;
    for p in 0..idx.columns.len() {
        // A plain equality first, else an IN term.
        let c = cands
            .iter()
            .find(|c| c.1 == CmpOp::Eq && matches!(c.2, Rhs::Expr(_)) && usable(p, c))
            .or_else(|| {
                cands
                    .iter()
                    .find(|c| c.1 == CmpOp::Eq && matches!(c.2, Rhs::Is(_)) && usable(p, c))
            })
            .or_else(|| cands.iter().find(|c| c.1 == CmpOp::Eq && usable(p, c)));
        match c {
            Some(c) => {
                if !matches!(c.2, Rhs::Expr(_) | Rhs::Is(_)) {
                    n_in += 1;
                }
                eq.push((eq_key(&c.2)?, c.3.unwrap_or(Affinity::Blob)));
            }
            None => break,
        }
    }
    let mut lo = None;
    let mut hi = None;
    let p = eq.len();
    if let Some(ic) = idx.columns.get(p) {
        if !ic.desc {
            if let Some(c) = cands
                .iter()
                .find(|c| matches!(c.1, CmpOp::Gt | CmpOp::Ge) && usable(p, c))
            {
                lo = Some((
                    rhs_expr(&c.2)?,
                    c.1 == CmpOp::Ge,
                    c.3.unwrap_or(Affinity::Blob),
                ));
            }
            if let Some(c) = cands
                .iter()
                .find(|c| matches!(c.1, CmpOp::Lt | CmpOp::Le) && usable(p, c))
            {
                hi = Some((
                    rhs_expr(&c.2)?,
                    c.1 == CmpOp::Le,
                    c.3.unwrap_or(Affinity::Blob),
                ));
            }
        }
    } else if t.without_rowid.is_none() && !eq.is_empty() && !(idx.unique && n_in == 0) {
        // Every column pinned: a rowid range bounds the entries' rowids.
        let rowid_bound = |ops: [CmpOp; 2], incl: CmpOp| -> Option<(CExpr, bool, Affinity)> {
            let c = cands
                .iter()
                .find(|c| c.0 == usize::MAX && ops.contains(&c.1))?;
            Some((rhs_expr(&c.2)?, c.1 == incl, Affinity::Numeric))
        };
        lo = rowid_bound([CmpOp::Gt, CmpOp::Ge], CmpOp::Ge);
        hi = rowid_bound([CmpOp::Lt, CmpOp::Le], CmpOp::Le);
    }
    if eq.is_empty() && lo.is_none() && hi.is_none() {
        return None;
    }
    // An IN column costs a seek per value: a little below an equality.
    let mut score = (eq.len() * 4 + lo.is_some() as usize + hi.is_some() as usize) - n_in;
    if idx.unique && eq.len() == idx.columns.len() {
        score += if n_in == 0 { 100 } else { 50 };
    }
    let acc = Access::Index(Box::new(IndexAccess {
        root: idx.root,
        key_info: idx.key_info(t),
        eq,
        lo,
        hi,
        name: idx.name.clone(),
        col_names: index_col_names(t, idx),
        expr_keys: super::index_expr::has_expr_keys(t, idx),
    }));
    Some((score, acc))
}

/// The names of `idx`'s key columns as EXPLAIN QUERY PLAN prints them
/// (`<expr>` for an expression column, then `rowid` for a rowid table).
pub(super) fn index_col_names(t: &Table, idx: &Index) -> Vec<String> {
    let mut names: Vec<String> = idx
        .columns
        .iter()
        .map(|c| {
            c.col
                .and_then(|i| t.columns.get(i))
                .map(|c| c.name.clone())
                .unwrap_or_else(|| "<expr>".into())
        })
        .collect();
    if t.without_rowid.is_none() {
        names.push("rowid".into());
    }
    names
}

/// A walk over every entry of `idx`, in key order (no seek bounds).
pub(super) fn index_walk(t: &Table, idx: &Index) -> Access {
    Access::Index(Box::new(IndexAccess {
        root: idx.root,
        key_info: idx.key_info(t),
        eq: Vec::new(),
        lo: None,
        hi: None,
        name: idx.name.clone(),
        col_names: index_col_names(t, idx),
        expr_keys: super::index_expr::has_expr_keys(t, idx),
    }))
}

/// Greedy join ordering: repeatedly take the table best constrained by what
/// is already placed — an equality on an indexed column (or rowid) against
/// placed tables or constants first, then any equality, then FROM order;
/// among equals, one whose placing lets a remaining table seek an index by
/// an equality (SQLite's cost model puts such a table outside). An index
/// counts only where the equality's affinity lets it seek that column.
pub(super) fn reorder(b: &Binder, items: Vec<FromItem>, conj: &[CExpr]) -> Vec<FromItem> {
    let first_slot = b.scopes.last().map_or(0, |s| s.first_slot);
    let level: Vec<usize> = items.iter().map(|i| i.slot).collect();
    // (slot, col, comparison affinity, other side's level slots) for each
    // usable equality.
    let mut eqs: Vec<(usize, usize, Option<Affinity>, Vec<usize>)> = Vec::new();
    for c in conj {
        if let CExpr::Cmp {
            op: CmpOp::Eq,
            l,
            r,
            aff,
            ..
        } = c
        {
            for (x, y) in [(l, r), (r, l)] {
                // A column of a level table, or an expression over one
                // table that an index of it holds (plan/index_expr.rs).
                let key = match &**x {
                    CExpr::Column { slot, col } => Some((*slot, *col)),
                    x => {
                        let mut xs = Vec::new();
                        if !x.slots(&mut xs) {
                            xs.clear();
                        }
                        xs.dedup();
                        match xs.as_slice() {
                            [s] if level.contains(s) => {
                                super::index_expr::term_key(b, *s, x).map(|c| (*s, c))
                            }
                            _ => None,
                        }
                    }
                };
                if let Some((slot, col)) = key {
                    let slot = &slot;
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
                    eqs.push((*slot, col, *aff, others));
                }
            }
        }
    }
    let indexed = |it: &FromItem, col: usize, aff: Option<Affinity>| -> bool {
        let Some(t) = &it.table else { return false };
        if col == usize::MAX {
            return true;
        }
        let aff_ok = |caff: Affinity| match aff {
            None => true,
            Some(a) if a.is_numeric() => caff.is_numeric(),
            Some(Affinity::Text) => caff == Affinity::Text,
            Some(Affinity::Blob) => caff == Affinity::Blob,
            Some(_) => false,
        };
        b.schema.indexes_for(t).iter().any(|i| {
            i.partial.is_none()
                && super::index_expr::col_ids(b, t, it.slot, i)
                    .first()
                    .copied()
                    .flatten()
                    .is_some_and(|(id, caff)| id == col && aff_ok(caff))
        })
    };
    let mut remaining: Vec<Option<FromItem>> = items.into_iter().map(Some).collect();
    let mut placed: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    while out.len() < remaining.len() {
        let mut best: Option<((i32, bool), usize)> = None;
        for (k, it) in remaining.iter().enumerate() {
            let Some(it) = it else { continue };
            let mut score = 0;
            for (slot, col, aff, others) in &eqs {
                if *slot != it.slot || !others.iter().all(|o| placed.contains(o)) {
                    continue;
                }
                let s = if indexed(it, *col, *aff) {
                    4
                } else if others.is_empty() {
                    2
                } else {
                    1
                };
                score = score.max(s);
            }
            // Whether placing it lets another remaining table seek an index.
            let enables = eqs.iter().any(|(slot, col, aff, others)| {
                *slot != it.slot
                    && others.contains(&it.slot)
                    && others.iter().all(|o| *o == it.slot || placed.contains(o))
                    && remaining
                        .iter()
                        .flatten()
                        .any(|o| o.slot == *slot && indexed(o, *col, *aff))
            });
            let key = (score, enables);
            if best.is_none_or(|(bk, _)| key > bk) {
                best = Some((key, k));
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
