//! SELECT planning: FROM clause → row sources (joins in FROM order, nested
//! loops), WHERE split into conjuncts pushed down to the earliest source that
//! can evaluate them, access paths and join order (plan/access_path.rs),
//! aggregates, ORDER BY / LIMIT, compounds,
//! CTEs and views (materialised), result column names as SQLite names them.

pub use super::access_path::choose_access_pub;
use super::access_path::{choose_access, reorder};
use super::bind::{
    collation, err, has_aggregate, table_col_infos, AggCollector, Binder, ColInfo, CteDef, Info,
    Scope, SourceInfo,
};
use super::names::result_spans;
use crate::exec::expr::{CExpr, CmpOp};
use crate::exec::select::{AggPlan, Body, Compound, SelectPlan, Simple, SortKey, SortSrc};
use crate::exec::source::{Access, Join, MatScan, Source, TableScan};
use crate::schema::{name_of, unquote, Table};
use crate::sqlvalue::Collation;
use chorus_storage::Result;
use sqlite3_parser::ast::{self, Expr, JoinType, OneSelect, ResultColumn, SelectTable};
use std::sync::Arc;

/// Plan a full SELECT (with WITH, compounds, ORDER BY, LIMIT). `sql` is the
/// statement text when this is the top-level select (for column names).
pub fn plan_select(
    b: &mut Binder,
    s: &ast::Select,
    sql: Option<&str>,
) -> Result<(SelectPlan, bool)> {
    values_tail_check(s)?;
    let pushed_ctes = push_with(b, s.with.as_ref())?;
    let r = plan_select_body(b, s, sql);
    if pushed_ctes {
        b.ctes.pop();
    }
    r
}

/// `*` over two FROM items of the same name (`SELECT * FROM t1, t1`) is
/// ambiguous in SQLite, which expands it to qualified references.
fn star_ambiguity(sources: &[SourceInfo], want: Option<&str>) -> Result<()> {
    let named: Vec<&SourceInfo> = sources
        .iter()
        .filter(|s| want.is_none_or(|w| s.name.eq_ignore_ascii_case(w)))
        .collect();
    for (i, s) in named.iter().enumerate() {
        if named[..i]
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(&s.name))
        {
            if let Some(col) = s.columns.iter().find(|c| !c.hidden) {
                let db = if s.table.is_some() { "main" } else { "*" };
                return Err(err(format!(
                    "ambiguous column name: {db}.{}.{}",
                    s.name, col.name
                )));
            }
        }
    }
    Ok(())
}

/// SQLite's grammar takes no ORDER BY or LIMIT after a select whose last
/// member is a VALUES clause (`VALUES(1) UNION VALUES(2) ORDER BY 1` is
/// `near "ORDER": syntax error`); the parser we use accepts it.
fn values_tail_check(s: &ast::Select) -> Result<()> {
    let last = match &s.body.compounds {
        Some(c) if !c.is_empty() => c.last().map(|c| &c.select),
        _ => Some(&s.body.select),
    };
    if !matches!(last, Some(ast::OneSelect::Values(_))) {
        return Ok(());
    }
    let word = if s.order_by.is_some() {
        "ORDER"
    } else if s.limit.is_some() {
        "LIMIT"
    } else {
        return Ok(());
    };
    Err(err(format!("near \"{word}\": syntax error")))
}

/// Bring a WITH clause's CTEs into scope; returns whether a level was pushed.
pub fn push_with(b: &mut Binder, with: Option<&ast::With>) -> Result<bool> {
    let Some(w) = with else { return Ok(false) };
    let mut level: Vec<CteDef> = Vec::new();
    for c in &w.ctes {
        let name = name_of(&c.tbl_name);
        if level.iter().any(|d| d.name.eq_ignore_ascii_case(&name)) {
            return Err(err(format!("duplicate WITH table name: {name}")));
        }
        level.push(CteDef {
            name,
            columns: c
                .columns
                .as_ref()
                .map(|cs| cs.iter().map(|c| name_of(&c.col_name)).collect()),
            select: (*c.select).clone(),
            recursive: w.recursive,
            queue: None,
        });
    }
    b.ctes.push(level);
    Ok(true)
}

fn plan_select_body(
    b: &mut Binder,
    s: &ast::Select,
    sql: Option<&str>,
) -> Result<(SelectPlan, bool)> {
    let compounds = s.body.compounds.as_deref().unwrap_or(&[]);
    if compounds.is_empty() {
        if let OneSelect::Values(_) = &s.body.select {
            if s.order_by.is_none() && s.limit.is_none() {
                return plan_one(b, &s.body.select, None, None, sql);
            }
        } else {
            return plan_one(
                b,
                &s.body.select,
                s.order_by.as_deref(),
                s.limit.as_ref(),
                sql,
            );
        }
    }
    // Compound (or VALUES with ORDER BY/LIMIT).
    let mut arms = Vec::new();
    let mut correlated = false;
    let (first, c0) = plan_one(b, &s.body.select, None, None, sql)?;
    correlated |= c0;
    let ncols = first.ncols;
    let names = first.names.clone();
    let infos = first.col_infos.clone();
    let decl = first.decltypes.clone();
    arms.push(first);
    let mut ops = Vec::new();
    for c in compounds {
        let (p, cc) = plan_one(b, &c.select, None, None, None)?;
        correlated |= cc;
        if p.ncols != ncols {
            let opname = match c.operator {
                ast::CompoundOperator::Union => "UNION",
                ast::CompoundOperator::UnionAll => "UNION ALL",
                ast::CompoundOperator::Except => "EXCEPT",
                ast::CompoundOperator::Intersect => "INTERSECT",
            };
            return Err(err(format!("SELECTs to the left and right of {opname} do not have the same number of result columns")));
        }
        ops.push(c.operator);
        arms.push(p);
    }
    let colls: Vec<Collation> = infos
        .iter()
        .map(|i| {
            i.coll
                .as_ref()
                .and_then(|c| Collation::by_name(c))
                .unwrap_or(Collation::Binary)
        })
        .collect();
    let mut comp = Compound::new(arms, ops, colls.clone());
    if let Some(ob) = &s.order_by {
        for (k, t) in ob.iter().enumerate() {
            let (e, explicit) = match &t.expr {
                Expr::Collate(x, c) => (&**x, Some(unquote(c))),
                e => (e, None),
            };
            let idx = match e {
                Expr::Literal(ast::Literal::Numeric(n)) => {
                    let i: usize = n.parse().unwrap_or(0);
                    if i == 0 || i > ncols {
                        return Err(err(format!(
                            "{} ORDER BY term out of range - should be between 1 and {ncols}",
                            ordinal(k + 1)
                        )));
                    }
                    i - 1
                }
                Expr::Id(id) => {
                    let n = unquote(&id.0);
                    names
                        .iter()
                        .position(|x| x.eq_ignore_ascii_case(&n))
                        .ok_or_else(|| {
                            err(format!(
                                "{} ORDER BY term does not match any column in the result set",
                                ordinal(k + 1)
                            ))
                        })?
                }
                Expr::Qualified(_, c) => {
                    let n = name_of(c);
                    names
                        .iter()
                        .position(|x| x.eq_ignore_ascii_case(&n))
                        .ok_or_else(|| {
                            err(format!(
                                "{} ORDER BY term does not match any column in the result set",
                                ordinal(k + 1)
                            ))
                        })?
                }
                other => {
                    let text = format!("{other}");
                    names
                        .iter()
                        .position(|x| x.eq_ignore_ascii_case(&text))
                        .ok_or_else(|| {
                            err(format!(
                                "{} ORDER BY term does not match any column in the result set",
                                ordinal(k + 1)
                            ))
                        })?
                }
            };
            let coll = match explicit {
                Some(c) => collation(&Some(c))?,
                None => colls.get(idx).cloned().unwrap_or_default(),
            };
            let desc = t.order == Some(ast::SortOrder::Desc);
            let nulls_first = match t.nulls {
                Some(ast::NullsOrder::First) => true,
                Some(ast::NullsOrder::Last) => false,
                None => !desc,
            };
            comp.order.push(SortKey {
                src: SortSrc::Result(idx),
                desc,
                nulls_first,
                coll,
            });
        }
    }
    if let Some(l) = &s.limit {
        b.scopes.push(Scope::default());
        let r = bind_limit(b, l);
        b.scopes.pop();
        let (lim, off) = r?;
        comp.limit = Some(lim);
        comp.offset = off;
    }
    Ok((
        SelectPlan::new(Body::Compound(Box::new(comp)), names, infos, decl),
        correlated,
    ))
}

fn bind_limit(b: &mut Binder, l: &ast::Limit) -> Result<(CExpr, Option<CExpr>)> {
    let lim = b.expr(&l.expr)?;
    let off = match &l.offset {
        Some(o) => Some(b.expr(o)?),
        None => None,
    };
    if b.swap_limit {
        if let Some(o) = off {
            return Ok((o, Some(lim)));
        }
    }
    Ok((lim, off))
}

pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Split an expression into AND-ed conjuncts (iteratively).
pub fn conjuncts(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Binary(l, ast::Operator::And, r) => {
                stack.push(r);
                stack.push(l);
            }
            Expr::Parenthesized(v) if v.len() == 1 => stack.push(&v[0]),
            other => out.push(other),
        }
    }
    out
}

pub(super) struct FromItem {
    pub(super) source: Source,
    pub(super) slot: usize,
    pub(super) left_outer: bool,
    pub(super) table: Option<Arc<Table>>,
    /// ON conjuncts (LEFT joins keep them local).
    pub(super) on: Vec<CExpr>,
}

fn plan_one(
    b: &mut Binder,
    one: &OneSelect,
    order_by: Option<&[ast::SortedColumn]>,
    limit: Option<&ast::Limit>,
    sql: Option<&str>,
) -> Result<(SelectPlan, bool)> {
    let first_slot = b.nslots;
    b.scopes.push(Scope {
        first_slot,
        ..Default::default()
    });
    let r = plan_one_inner(b, one, order_by, limit, sql);
    let scope = b.scopes.pop();
    let correlated = scope.map(|s| s.correlated).unwrap_or(false);
    r.map(|p| (p, correlated))
}

fn plan_one_inner(
    b: &mut Binder,
    one: &OneSelect,
    order_by: Option<&[ast::SortedColumn]>,
    limit: Option<&ast::Limit>,
    sql: Option<&str>,
) -> Result<SelectPlan> {
    let (distinctness, columns, from, where_clause, group_by, having, window_clause) = match one {
        OneSelect::Values(rows) => {
            let mut out = Vec::new();
            let n = rows.first().map_or(0, |r| r.len());
            for r in rows {
                if r.len() != n {
                    return Err(err("all VALUES must have the same number of terms"));
                }
                let mut v = Vec::new();
                for e in r {
                    v.push(b.expr(e)?);
                }
                out.push(v);
            }
            let names = (1..=n).map(|i| format!("column{i}")).collect();
            return Ok(SelectPlan::new(
                SelectPlan::values(out),
                names,
                vec![Info::default(); n],
                vec![None; n],
            ));
        }
        OneSelect::Select {
            distinctness,
            columns,
            from,
            where_clause,
            group_by,
            having,
            window_clause,
        } => (
            distinctness,
            columns,
            from,
            where_clause,
            group_by,
            having,
            window_clause,
        ),
    };
    // FROM
    let mut items: Vec<FromItem> = Vec::new();
    // Position of a RIGHT JOIN's table (supported as the last FROM item).
    let mut right_idx: Option<usize> = None;
    // Position of a FULL JOIN's table (supported as the last FROM item).
    let mut full_idx: Option<usize> = None;
    let mut inner_conj: Vec<CExpr> = Vec::new();
    if let Some(f) = from {
        let tables = flatten_from(f)?;
        for (t, j) in tables {
            let (source, slot, info) = plan_from_item(b, t)?;
            let mut left_outer = false;
            let mut natural = false;
            if let Some(j) = j {
                if let ast::JoinOperator::TypedJoin(Some(jt)) = j.operator {
                    if jt.contains(JoinType::RIGHT) && jt.contains(JoinType::LEFT) {
                        full_idx = Some(items.len());
                    } else if jt.contains(JoinType::RIGHT) {
                        right_idx = Some(items.len());
                    }
                    left_outer = jt.contains(JoinType::LEFT);
                    natural = jt.contains(JoinType::NATURAL);
                }
            }
            let table = info.table.clone();
            let mut info = info;
            // USING / NATURAL: equality terms, hide the right-hand copy.
            let mut using: Vec<String> = Vec::new();
            if natural {
                for c in &info.columns {
                    let in_left = b.scopes.last().is_some_and(|s| {
                        s.sources.iter().any(|src| {
                            src.columns
                                .iter()
                                .any(|x| !x.hidden && x.name.eq_ignore_ascii_case(&c.name))
                        })
                    });
                    if in_left {
                        using.push(c.name.clone());
                    }
                }
            }
            if let Some(ast::JoinConstraint::Using(names)) = j.and_then(|j| j.constraint.as_ref()) {
                for n in names.iter() {
                    using.push(name_of(n));
                }
            }
            let mut on_terms: Vec<CExpr> = Vec::new();
            for u in &using {
                let Some(ci) = info
                    .columns
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(u))
                else {
                    return Err(err(format!(
                        "cannot join using column {u} - column not present in both tables"
                    )));
                };
                let left = b.scopes.last().and_then(|s| {
                    s.sources.iter().find_map(|src| {
                        src.columns
                            .iter()
                            .position(|x| !x.hidden && x.name.eq_ignore_ascii_case(u))
                            .map(|p| (src.clone(), p))
                    })
                });
                let Some((lsrc, lci)) = left else {
                    return Err(err(format!(
                        "cannot join using column {u} - column not present in both tables"
                    )));
                };
                let lcol = match &lsrc.table {
                    Some(t) if t.rowid_alias == Some(lci) => usize::MAX,
                    _ => lci,
                };
                let rcol = match &info.table {
                    Some(t) if t.rowid_alias == Some(ci) => usize::MAX,
                    _ => ci,
                };
                b.used_cols.insert((lsrc.slot, lcol));
                b.used_cols.insert((slot, rcol));
                let li = &lsrc.columns[lci];
                let ri = &info.columns[ci];
                let aff = crate::sqlvalue::compare::comparison_affinity(li.aff, ri.aff);
                let coll = li.coll.clone().or_else(|| ri.coll.clone());
                on_terms.push(CExpr::Cmp {
                    op: CmpOp::Eq,
                    l: Box::new(CExpr::Column {
                        slot: lsrc.slot,
                        col: lcol,
                    }),
                    r: Box::new(CExpr::Column { slot, col: rcol }),
                    aff,
                    coll: collation(&coll)?,
                });
                info.columns[ci].hidden = true;
                if right_idx == Some(items.len()) || full_idx == Some(items.len()) {
                    // RIGHT/FULL JOIN: the unqualified USING column reads
                    // coalesce(left, right), as SQLite.
                    info.coalesced.push((u.clone(), lsrc.slot, lcol));
                }
            }
            if let Some(s) = b.scopes.last_mut() {
                s.sources.push(info);
            }
            if let Some(ast::JoinConstraint::On(e)) = j.and_then(|j| j.constraint.as_ref()) {
                for c in conjuncts(e) {
                    on_terms.push(b.expr(c)?);
                }
            }
            if left_outer || right_idx == Some(items.len()) {
                items.push(FromItem {
                    source,
                    slot,
                    left_outer,
                    table,
                    on: on_terms,
                });
            } else {
                inner_conj.extend(on_terms);
                items.push(FromItem {
                    source,
                    slot,
                    left_outer,
                    table,
                    on: Vec::new(),
                });
            }
        }
    }
    // Result columns (bound before WHERE so aliases are known).
    let is_agg = group_by.is_some()
        || columns
            .iter()
            .any(|c| matches!(c, ResultColumn::Expr(e, _) if has_aggregate(e)))
        || having.as_ref().is_some_and(|h| has_aggregate(h))
        || order_by.is_some_and(|o| o.iter().any(|t| has_aggregate(&t.expr)));
    if having.is_some() && group_by.is_none() && !is_agg {
        return Err(err("HAVING clause on a non-aggregate query"));
    }
    // Record aliases for WHERE/GROUP BY/ORDER BY fallback.
    if let Some(s) = b.scopes.last_mut() {
        for c in columns {
            if let ResultColumn::Expr(e, Some(ast::As::As(n) | ast::As::Elided(n))) = c {
                s.aliases.push((name_of(n), e.clone()));
            }
        }
    }
    // WHERE
    let n_on = inner_conj.len();
    if let Some(f) = full_idx {
        if f + 1 != items.len() || items[..f].iter().any(|i| i.left_outer) {
            return Err(err(
                "FULL JOIN is supported only as the last join, without LEFT joins",
            ));
        }
    }
    if let Some(r) = right_idx {
        if r + 1 != items.len() || items.iter().any(|i| i.left_outer) {
            return Err(err(
                "RIGHT JOIN is supported only as the last join, without LEFT joins",
            ));
        }
    }
    let mut where_conj: Vec<CExpr> = inner_conj;
    if let Some(w) = where_clause {
        for c in conjuncts(w) {
            if has_aggregate(c) {
                return Err(err(format!("misuse of aggregate: {}()", first_agg_name(c))));
            }
            where_conj.push(b.expr(c)?);
        }
    }
    // GROUP BY
    let mut group_exprs = Vec::new();
    let mut group_colls = Vec::new();
    let mut group_asts: Vec<Expr> = Vec::new();
    if let Some(gb) = group_by {
        for g in gb {
            let g2 = match g {
                Expr::Literal(ast::Literal::Numeric(n)) => {
                    let i: usize = n.parse().unwrap_or(0);
                    let ncols = columns.len();
                    if i == 0 || i > ncols {
                        return Err(err(format!(
                            "{} GROUP BY term out of range - should be between 1 and {ncols}",
                            ordinal(group_exprs.len() + 1)
                        )));
                    }
                    match &columns[i - 1] {
                        ResultColumn::Expr(e, _) => e.clone(),
                        _ => g.clone(),
                    }
                }
                _ => g.clone(),
            };
            if has_aggregate(&g2) {
                return Err(err(
                    "aggregate functions are not allowed in the GROUP BY clause",
                ));
            }
            let (c, info) = b.expr_info(&g2)?;
            group_asts.push(g2.clone());
            group_exprs.push(c);
            group_colls.push(collation(&info.coll)?);
        }
    }
    if is_agg {
        if let Some(s) = b.scopes.last_mut() {
            s.agg = Some(AggCollector::default());
            s.group_by = group_asts;
        }
    }
    super::window::begin(b, window_clause.as_ref())?;
    let mut result = Vec::new();
    let mut names = Vec::new();
    let mut infos = Vec::new();
    let mut decls = Vec::new();
    let spans = sql.map(result_spans).unwrap_or_default();
    let mut result_asts: Vec<Option<Expr>> = Vec::new();
    for (ci, c) in columns.iter().enumerate() {
        match c {
            ResultColumn::Star | ResultColumn::TableStar(_) => {
                let want = if let ResultColumn::TableStar(t) = c {
                    Some(name_of(t))
                } else {
                    None
                };
                let sources: Vec<SourceInfo> = b
                    .scopes
                    .last()
                    .map(|s| s.sources.clone())
                    .unwrap_or_default();
                if sources.is_empty() {
                    return Err(err("no tables specified"));
                }
                star_ambiguity(&sources, want.as_deref())?;
                let mut any = false;
                for s in &sources {
                    if let Some(w) = &want {
                        if !s.name.eq_ignore_ascii_case(w) {
                            continue;
                        }
                    }
                    any = true;
                    for (i, col) in s.columns.iter().enumerate() {
                        if col.hidden && want.is_none() {
                            continue;
                        }
                        let colno = match &s.table {
                            Some(t) if t.rowid_alias == Some(i) => usize::MAX,
                            _ => i,
                        };
                        b.used_cols.insert((s.slot, colno));
                        result.push(match b.virtual_column(s, i)? {
                            Some(x) => x,
                            None => CExpr::Column {
                                slot: s.slot,
                                col: colno,
                            },
                        });
                        names.push(col.name.clone());
                        infos.push(Info {
                            aff: col.aff,
                            coll: col.coll.clone(),
                            explicit_coll: false,
                        });
                        decls.push(col.decltype.clone());
                        result_asts.push(None);
                    }
                }
                if !any {
                    return Err(err(format!("no such table: {}", want.unwrap_or_default())));
                }
            }
            ResultColumn::Expr(e, alias) => {
                let (cexpr, info) = b.expr_info(e)?;
                let name = match alias {
                    Some(ast::As::As(n) | ast::As::Elided(n)) => name_of(n),
                    None => expr_name(b, e, spans.get(ci).map(|s| s.as_str())),
                };
                decls.push(match (&cexpr, e) {
                    (CExpr::Column { slot, col }, _) => decl_of(b, *slot, *col),
                    (CExpr::Affinity(..), _) => virtual_decl(b, e),
                    _ => None,
                });
                result.push(cexpr);
                names.push(name);
                infos.push(info);
                result_asts.push(Some(e.clone()));
            }
        }
    }
    // HAVING / ORDER BY (may reference aggregates).
    super::window::suspend(b, true);
    let having_c = match having {
        Some(h) => Some(b.expr(h)?),
        None => None,
    };
    super::window::suspend(b, false);
    let mut order = Vec::new();
    if let Some(ob) = order_by {
        for (k, t) in ob.iter().enumerate() {
            let (e, explicit) = match &t.expr {
                Expr::Collate(x, c) => (&**x, Some(unquote(c))),
                e => (e, None),
            };
            let mut src = None;
            let mut coll_name = explicit.clone();
            match e {
                Expr::Unary(ast::UnaryOperator::Negative, x)
                    if matches!(&**x, Expr::Literal(ast::Literal::Numeric(_))) =>
                {
                    return Err(err(format!(
                        "{} ORDER BY term out of range - should be between 1 and {}",
                        ordinal(k + 1),
                        result.len()
                    )));
                }
                Expr::Literal(ast::Literal::Numeric(n)) => {
                    let i: i64 = n.parse().unwrap_or(0);
                    if i < 1 || i as usize > result.len() {
                        return Err(err(format!(
                            "{} ORDER BY term out of range - should be between 1 and {}",
                            ordinal(k + 1),
                            result.len()
                        )));
                    }
                    src = Some(SortSrc::Result(i as usize - 1));
                }
                Expr::Id(id) => {
                    let n = unquote(&id.0);
                    let by_alias = columns.iter().enumerate().find_map(|(i, c)| match c {
                        ResultColumn::Expr(_, Some(ast::As::As(a) | ast::As::Elided(a)))
                            if name_of(a).eq_ignore_ascii_case(&n) =>
                        {
                            Some(i)
                        }
                        _ => None,
                    });
                    if let Some(i) = by_alias {
                        // index into expanded result: only valid when no '*' precedes
                        if !columns[..i]
                            .iter()
                            .any(|c| !matches!(c, ResultColumn::Expr(..)))
                        {
                            src = Some(SortSrc::Result(i));
                        }
                    }
                }
                _ => {}
            }
            if src.is_none() {
                if let Some(i) = result_asts.iter().position(|a| a.as_ref() == Some(e)) {
                    src = Some(SortSrc::Result(i));
                }
            }
            let src = match src {
                Some(s) => s,
                None => {
                    let (c, info) = b.expr_info(e)?;
                    if coll_name.is_none() {
                        coll_name = info.coll.clone();
                    }
                    SortSrc::Expr(c)
                }
            };
            if coll_name.is_none() {
                if let SortSrc::Result(i) = &src {
                    coll_name = infos.get(*i).and_then(|x: &Info| x.coll.clone());
                }
            }
            let desc = t.order == Some(ast::SortOrder::Desc);
            let nulls_first = match t.nulls {
                Some(ast::NullsOrder::First) => true,
                Some(ast::NullsOrder::Last) => false,
                None => !desc,
            };
            order.push(SortKey {
                src,
                desc,
                nulls_first,
                coll: collation(&coll_name)?,
            });
        }
    }
    let (lim, off) = match limit {
        Some(l) => {
            let (a, o) = bind_limit(b, l)?;
            (Some(a), o)
        }
        None => (None, None),
    };
    // Index expressions of the tables, bound over their slots.
    for it in &items {
        if let Some(t) = &it.table {
            super::index_expr::prepare(b, t, it.slot);
        }
    }
    // Join order: greedy, for inner joins only.
    if items.len() > 1
        && right_idx.is_none()
        && full_idx.is_none()
        && !items.iter().any(|i| i.left_outer)
        && !items
            .iter()
            .any(|i| crate::stmt::pragma_table::pins_order(&i.source))
    {
        items = reorder(b, items, &where_conj);
    }
    // Build the source tree with pushed-down filters and access paths.
    let level_slots: Vec<usize> = items.iter().map(|i| i.slot).collect();
    let mut top_filter: Vec<CExpr> = Vec::new();
    let mut per_item: Vec<Vec<CExpr>> = (0..items.len()).map(|_| Vec::new()).collect();
    for (ci, c) in where_conj.into_iter().enumerate() {
        let mut used = Vec::new();
        let ok = c.slots(&mut used);
        if let Some(r) = right_idx.or(full_idx) {
            // WHERE terms on the null-extended side filter after the join.
            if ci >= n_on && used.iter().any(|s| level_slots[..r].contains(s)) {
                top_filter.push(c);
                continue;
            }
        }
        let pos = used
            .iter()
            .filter_map(|s| level_slots.iter().position(|x| x == s))
            .max();
        if !ok {
            // `t.x IN (SELECT ...)` (uncorrelated) belongs to t's loop,
            // where it may serve as t's seek key.
            if right_idx.is_none() && full_idx.is_none() {
                if let Some(p) =
                    in_sub_slot(&c).and_then(|s| level_slots.iter().position(|x| *x == s))
                {
                    if !items[p].left_outer {
                        per_item[p].push(c);
                        continue;
                    }
                }
            }
            top_filter.push(c);
            continue;
        }
        let target = pos.unwrap_or(0);
        if items.is_empty() || items[target].left_outer {
            top_filter.push(c);
        } else {
            per_item[target].push(c);
        }
    }
    let tables: Vec<(usize, Arc<Table>)> = items
        .iter()
        .filter_map(|i| i.table.clone().map(|t| (i.slot, t)))
        .collect();
    let mut source: Option<Source> = None;
    for (k, mut it) in items.into_iter().enumerate() {
        let mut local = std::mem::take(&mut per_item[k]);
        let right_on = if Some(k) == right_idx || Some(k) == full_idx {
            std::mem::take(&mut it.on)
        } else {
            Vec::new()
        };
        local.append(&mut it.on);
        if let (Source::Table(ts), Some(t)) = (&mut it.source, &it.table) {
            if ts.not_indexed {
                // Rowid paths only: the terms an index would use stay filters.
                let mut rowid_terms: Vec<CExpr> = Vec::new();
                for c in &local {
                    if let Some(c) = c.try_clone() {
                        rowid_terms.push(c);
                    }
                }
                let acc = choose_access(b, t, it.slot, &level_slots[..k], &mut rowid_terms, true);
                ts.access = match acc {
                    Access::Index(_) => Access::Full,
                    a => a,
                };
            } else {
                ts.access = choose_access(b, t, it.slot, &level_slots[..k], &mut local, true);
            }
            crate::exec::without_rowid::set_index_pk_pos(ts, &b.schema, t);
        }
        let (own, local): (Vec<CExpr>, Vec<CExpr>) = local.into_iter().partition(|c| {
            let mut used = Vec::new();
            c.slots(&mut used)
                && used
                    .iter()
                    .all(|s| *s == it.slot || !level_slots.contains(s))
        });
        if let Some(f) = and_all(own) {
            if let Some(l) = it.source.local_slot_mut(it.slot) {
                *l = Some(f);
            } else if let Some(slot_filter) = it.source.filter_slot_mut(it.slot) {
                *slot_filter = Some(match slot_filter.take() {
                    Some(old) => CExpr::And(Box::new(old), Box::new(f)),
                    None => f,
                });
            }
        }
        if let Some(f) = and_all(local) {
            if let Some(slot_filter) = it.source.filter_slot_mut(it.slot) {
                *slot_filter = Some(match slot_filter.take() {
                    Some(old) => CExpr::And(Box::new(old), Box::new(f)),
                    None => f,
                });
            }
        }
        source = Some(match source {
            None => it.source,
            Some(left) if Some(k) == right_idx => {
                // RIGHT JOIN: the right table drives; the left side is null-extended.
                Source::Join(Box::new(Join::new(
                    it.source,
                    left,
                    true,
                    and_all(right_on),
                )))
            }
            Some(left) => {
                let full = Some(k) == full_idx;
                let on = if full { and_all(right_on) } else { None };
                let mut j = Join::new(left, it.source, it.left_outer, on);
                j.full = full;
                Source::Join(Box::new(j))
            }
        });
    }
    let window = super::window::finish(b, level_slots.clone(), is_agg);
    let distinct = matches!(distinctness, Some(ast::Distinctness::Distinct));
    if !order.is_empty() && !is_agg && window.is_none() && !distinct {
        // The outer-most loop's order holds through nested loops (inner
        // and LEFT joins keep each outer row's matches together).
        let joined = right_idx.is_some() || full_idx.is_some();
        let mut outer = source.as_mut();
        while let Some(Source::Join(j)) = outer {
            outer = if joined { None } else { Some(&mut j.left) };
        }
        if let Some(src @ Source::Table(_)) = outer {
            let slot = match &*src {
                Source::Table(ts) => ts.slot,
                _ => usize::MAX,
            };
            if let Some((_, t)) = tables.iter().find(|(s, _)| *s == slot) {
                if super::order_index::satisfies(b, &order, &result, src, t) {
                    order.clear();
                }
            }
        }
    }
    let mut distinct_ordered = false;
    if distinct && order.is_empty() && !is_agg && window.is_none() && tables.len() == 1 {
        if let Some(src) = source.as_mut() {
            let colls: Vec<Option<String>> = infos.iter().map(|i| i.coll.clone()).collect();
            distinct_ordered =
                super::group_index::distinct_in_order(b, &result, &colls, src, &tables[0].1);
        }
    }
    if let Some(src) = source.as_mut() {
        super::covering::apply(b, src, &tables);
    }
    let mut simple = Simple::new(source, result);
    simple.distinct_ordered = distinct_ordered;
    simple.window = window;
    simple.filter = and_all(top_filter);
    simple.distinct = distinct;
    simple.order = order;
    simple.limit = lim;
    simple.offset = off;
    if is_agg {
        let coll = b
            .scopes
            .last_mut()
            .and_then(|s| s.agg.take())
            .unwrap_or_default();
        let minmax = {
            let mm: Vec<usize> = coll
                .specs
                .iter()
                .enumerate()
                .filter(|(_, s)| s.name == "min" || s.name == "max")
                .map(|(i, _)| i)
                .collect();
            if mm.len() == 1 {
                Some(mm[0])
            } else {
                None
            }
        };
        simple.agg = Some(AggPlan {
            group_by: group_exprs,
            group_colls,
            aggs: coll
                .specs
                .into_iter()
                .map(|s| (s.name, s.args, s.distinct, s.filter, s.coll, s.order))
                .collect(),
            having: having_c,
            slots: level_slots,
            minmax,
            sorted_input: false,
        });
        if let (Some(ap), Some(src), [(_, t)], None) = (
            &simple.agg,
            &mut simple.from,
            tables.as_slice(),
            &simple.window,
        ) {
            super::min_max::apply(b, ap, src, t);
            super::covering::apply(b, src, &tables);
        }
        if let (Some(ap), Some(src), [(_, t)], None) = (
            &mut simple.agg,
            &mut simple.from,
            tables.as_slice(),
            &simple.window,
        ) {
            if !simple.distinct {
                super::group_index::apply(b, ap, &mut simple.order, &simple.result, src, t);
                super::covering::apply(b, src, &tables);
            }
        }
    }
    Ok(SelectPlan::new(
        Body::Simple(Box::new(simple)),
        names,
        infos,
        decls,
    ))
}

fn first_agg_name(e: &Expr) -> String {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::FunctionCall { name, args, .. } => {
                if super::bind::is_aggregate_name(&name.0, args.as_ref().map_or(0, |a| a.len())) {
                    return unquote(&name.0);
                }
                stack.extend(args.iter().flatten());
            }
            Expr::FunctionCallStar { name, .. } => return unquote(&name.0),
            Expr::Binary(l, _, r) => stack.extend([&**l, &**r]),
            Expr::Unary(_, x) => stack.push(x),
            Expr::Parenthesized(v) => stack.extend(v.iter()),
            _ => {}
        }
    }
    "count".into()
}

/// The slot of `x` in an uncorrelated `x IN (SELECT ...)` over one column
/// (`x` a column, or an expression over one table's columns, which an
/// index on that expression may seek).
fn in_sub_slot(c: &CExpr) -> Option<usize> {
    let CExpr::InSub {
        x, sub, not: false, ..
    } = c
    else {
        return None;
    };
    let [x] = x.as_slice() else {
        return None;
    };
    let mut used = Vec::new();
    if !x.slots(&mut used) {
        return None;
    }
    used.dedup();
    let [slot] = used.as_slice() else {
        return None;
    };
    sub.try_borrow().ok().filter(|q| !q.correlated)?;
    Some(*slot)
}

pub fn and_all(v: Vec<CExpr>) -> Option<CExpr> {
    let mut it = v.into_iter();
    let first = it.next()?;
    Some(it.fold(first, |acc, e| CExpr::And(Box::new(acc), Box::new(e))))
}

fn decl_of(b: &Binder, slot: usize, col: usize) -> Option<String> {
    for s in b.scopes.iter().rev() {
        for src in &s.sources {
            if src.slot == slot {
                let ci = if col == usize::MAX {
                    src.table.as_ref().and_then(|t| t.rowid_alias)?
                } else {
                    col
                };
                return src.columns.get(ci).and_then(|c| c.decltype.clone());
            }
        }
    }
    None
}

/// The declared type of a VIRTUAL generated column named by `e` (its
/// reference binds to the column's expression, exec/generated.rs).
fn virtual_decl(b: &Binder, e: &Expr) -> Option<String> {
    let (tbl, col) = match e {
        Expr::Id(id) => (None, crate::schema::unquote(&id.0)),
        Expr::Qualified(t, c) => (Some(name_of(t)), name_of(c)),
        _ => return None,
    };
    for s in b.scopes.iter().rev() {
        for src in &s.sources {
            if tbl
                .as_ref()
                .is_some_and(|t| !src.name.eq_ignore_ascii_case(t))
            {
                continue;
            }
            let Some(t) = &src.table else { continue };
            if let Some(i) = t.column_index(&col) {
                return src.columns.get(i).and_then(|c| c.decltype.clone());
            }
        }
    }
    None
}

/// SQLite's name for a result column without AS.
fn expr_name(b: &Binder, e: &Expr, span: Option<&str>) -> String {
    let mut e = e;
    while let Expr::Parenthesized(v) = e {
        if v.len() != 1 {
            break;
        }
        e = &v[0];
    }
    match e {
        Expr::Id(id) => {
            let n = unquote(&id.0);
            // The declared spelling of the column.
            for s in b.scopes.iter().rev() {
                for src in &s.sources {
                    if let Some(c) = src.columns.iter().find(|c| c.name.eq_ignore_ascii_case(&n)) {
                        return c.name.clone();
                    }
                }
            }
            if ["rowid", "oid", "_rowid_"]
                .iter()
                .any(|r| r.eq_ignore_ascii_case(&n))
            {
                if let Some(s) = b.scopes.last() {
                    if let Some(t) = s.sources.iter().find_map(|src| src.table.as_ref()) {
                        if let Some(a) = t.rowid_alias {
                            return t.columns[a].name.clone();
                        }
                        // SQLite names a reference to the real rowid "rowid".
                        return "rowid".to_string();
                    }
                }
            }
            span.map(|s| s.to_string()).unwrap_or(n)
        }
        Expr::DoublyQualified(_, t, c) | Expr::Qualified(t, c) => {
            let (t, n) = (name_of(t), name_of(c));
            for s in b.scopes.iter().rev() {
                for src in &s.sources {
                    if src.name.eq_ignore_ascii_case(&t) {
                        if let Some(c) =
                            src.columns.iter().find(|c| c.name.eq_ignore_ascii_case(&n))
                        {
                            return c.name.clone();
                        }
                        if let Some(tb) = &src.table {
                            if ["rowid", "oid", "_rowid_"]
                                .iter()
                                .any(|r| r.eq_ignore_ascii_case(&n))
                            {
                                return match tb.rowid_alias {
                                    Some(a) => tb.columns[a].name.clone(),
                                    None => "rowid".to_string(),
                                };
                            }
                        }
                    }
                }
            }
            n
        }
        _ => span
            .map(|s| s.to_string())
            .unwrap_or_else(|| format!("{e}")),
    }
}

/// Plan one FROM item; returns its source, slot and binding info.
fn plan_from_item(b: &mut Binder, t: &SelectTable) -> Result<(Source, usize, SourceInfo)> {
    match t {
        SelectTable::Table(qn, alias, _indexed) => {
            let name = name_of(&qn.name);
            let alias_name = alias.as_ref().map(|a| match a {
                ast::As::As(n) | ast::As::Elided(n) => name_of(n),
            });
            let qualified = match crate::stmt::attach::qualified_table(&b.schema, qn)? {
                crate::stmt::attach::Qualified::Plain => None,
                crate::stmt::attach::Qualified::Table(t) => Some(t),
                crate::stmt::attach::Qualified::EmptySchema => {
                    let alias = alias_name.unwrap_or(name.clone());
                    return crate::stmt::attach::empty_schema_source(b, alias);
                }
            };
            if qualified.is_none() && qn.db_name.is_none() {
                if let Some(cte) = b.find_cte(&name) {
                    return plan_cte(b, &cte, alias_name.unwrap_or(cte.name.clone()));
                }
            }
            let view = match qualified {
                Some(_) => None,
                None => b
                    .schema
                    .views
                    .get(&crate::schema::key(&name))
                    .cloned()
                    .or_else(|| crate::stmt::trigger::temp_schema_view(&b.schema, &name)),
            };
            if let Some(v) = view {
                b.depth += 1;
                if b.depth > 64 {
                    return Err(err(format!("view {} is circularly defined", v.name)));
                }
                let r = plan_select(b, &v.select, None);
                b.depth -= 1;
                let (mut plan, correlated) = r?;
                if let Some(cols) = &v.columns {
                    if cols.len() != plan.ncols {
                        return Err(err(format!(
                            "expected {} columns for '{}' but got {}",
                            cols.len(),
                            v.name,
                            plan.ncols
                        )));
                    }
                    plan.names = cols.clone();
                }
                let slot = b.alloc_slot();
                let info = mat_info(&plan, slot, alias_name.unwrap_or(v.name.clone()));
                let mat = MatScan::new(slot, plan, correlated).named(&info.name, &v.name);
                return Ok((Source::Mat(Box::new(mat)), slot, info));
            }
            if qualified.is_none() && b.schema.table(&name).is_none() && qn.db_name.is_none() {
                let alias = alias_name.clone();
                if let Some(r) =
                    crate::stmt::pragma_table::plan_pragma_table(b, &name, None, alias)?
                {
                    return Ok(r);
                }
            }
            let table = match qualified {
                Some(t) => t,
                None => b
                    .schema
                    .table(&name)
                    .ok_or_else(|| err(format!("no such table: {name}")))?,
            };
            if let Some(ast::Indexed::IndexedBy(ix)) = _indexed {
                let ixn = name_of(ix);
                if !b
                    .schema
                    .indexes
                    .get(&crate::schema::key(&ixn))
                    .is_some_and(|i| i.table.eq_ignore_ascii_case(&table.name))
                {
                    return Err(err(format!("no such index: {ixn}")));
                }
            }
            b.tables_read.push(table.root);
            let slot = b.alloc_slot();
            let info = SourceInfo {
                slot,
                name: alias_name.unwrap_or(table.name.clone()),
                columns: table_col_infos(&table),
                table: Some(table.clone()),
                coalesced: Vec::new(),
            };
            let mut scan = TableScan::new(slot, table.root, table.rowid_alias, Access::Full);
            scan.wr = crate::exec::without_rowid::WrScan::of(&table, false);
            scan.real_cols = table.real_columns();
            scan.defaults = crate::stmt::alter::record_defaults(&table);
            scan.colmap = crate::exec::generated::slot_colmap(&table);
            scan.label = info.name.clone();
            scan.not_indexed = matches!(_indexed, Some(ast::Indexed::NotIndexed));
            Ok((Source::Table(Box::new(scan)), slot, info))
        }
        SelectTable::Select(sel, alias) => {
            let (plan, correlated) = plan_select(b, sel, None)?;
            let slot = b.alloc_slot();
            let name = alias
                .as_ref()
                .map(|a| match a {
                    ast::As::As(n) | ast::As::Elided(n) => name_of(n),
                })
                .unwrap_or_default();
            let info = mat_info(&plan, slot, name);
            let mat = MatScan::new(slot, plan, correlated).named(&info.name, "");
            Ok((Source::Mat(Box::new(mat)), slot, info))
        }
        SelectTable::Sub(_, _) => Err(err("parenthesized joins in FROM are not supported")),
        SelectTable::TableCall(qn, args, alias) => {
            let name = name_of(&qn.name);
            let alias = alias.as_ref().map(|a| match a {
                ast::As::As(n) | ast::As::Elided(n) => name_of(n),
            });
            let args = args.as_deref();
            crate::stmt::pragma_table::plan_pragma_table(b, &name, args, alias)?
                .ok_or_else(|| err(format!("no such table-valued function: {name}")))
        }
    }
}

pub fn mat_info_pub(plan: &SelectPlan, slot: usize, name: String) -> SourceInfo {
    mat_info(plan, slot, name)
}

fn mat_info(plan: &SelectPlan, slot: usize, name: String) -> SourceInfo {
    let columns = plan
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let inf = plan.col_infos.get(i).cloned().unwrap_or_default();
            ColInfo {
                name: n.clone(),
                aff: inf.aff,
                coll: inf.coll,
                decltype: plan.decltypes.get(i).cloned().flatten(),
                hidden: false,
                named_hidden: false,
            }
        })
        .collect();
    SourceInfo {
        slot,
        name,
        columns,
        table: None,
        coalesced: Vec::new(),
    }
}

fn plan_cte(b: &mut Binder, cte: &CteDef, alias: String) -> Result<(Source, usize, SourceInfo)> {
    if let Some(q) = &cte.queue {
        let slot = b.alloc_slot();
        let columns = q
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let inf = q.infos.get(i).cloned().unwrap_or_default();
                ColInfo {
                    name: n.clone(),
                    aff: inf.aff,
                    coll: inf.coll,
                    decltype: None,
                    hidden: false,
                    named_hidden: false,
                }
            })
            .collect();
        let info = SourceInfo {
            slot,
            name: alias,
            columns,
            table: None,
            coalesced: Vec::new(),
        };
        let plan = SelectPlan::new(
            Body::Queue(q.cell.clone()),
            q.names.clone(),
            q.infos.clone(),
            vec![None; q.names.len()],
        );
        let mat = MatScan::new(slot, plan, true).named(&info.name, "");
        return Ok((Source::Mat(Box::new(mat)), slot, info));
    }
    if select_references(&cte.select, &cte.name) {
        return super::recursive::plan_recursive_cte(b, cte, alias);
    }
    // Hide this CTE (and later ones) while planning its body.
    b.depth += 1;
    if b.depth > 64 {
        return Err(err(format!("circular reference: {}", cte.name)));
    }
    let saved = hide_cte(b, &cte.name);
    let r = plan_select(b, &cte.select, None);
    restore_cte(b, saved);
    b.depth -= 1;
    let (mut plan, correlated) = r?;
    if let Some(cols) = &cte.columns {
        if cols.len() != plan.ncols {
            return Err(err(format!(
                "table {} has {} values for {} columns",
                cte.name,
                plan.ncols,
                cols.len()
            )));
        }
        plan.names = cols.clone();
    }
    let slot = b.alloc_slot();
    let info = mat_info(&plan, slot, alias);
    let mat = MatScan::new(slot, plan, correlated).named(&info.name, &cte.name);
    Ok((Source::Mat(Box::new(mat)), slot, info))
}

pub fn hide_cte(b: &mut Binder, name: &str) -> Vec<(usize, usize, CteDef)> {
    let mut saved = Vec::new();
    for (li, level) in b.ctes.iter_mut().enumerate() {
        if let Some(p) = level.iter().position(|c| c.name.eq_ignore_ascii_case(name)) {
            saved.push((li, p, level.remove(p)));
        }
    }
    saved
}

pub fn restore_cte(b: &mut Binder, saved: Vec<(usize, usize, CteDef)>) {
    for (li, p, c) in saved.into_iter().rev() {
        if let Some(level) = b.ctes.get_mut(li) {
            let p = p.min(level.len());
            level.insert(p, c);
        }
    }
}

/// Whether a select mentions table `name` in a FROM clause (any depth of
/// compound arms; subqueries are not searched).
pub fn select_references(s: &ast::Select, name: &str) -> bool {
    let mut ones = vec![&s.body.select];
    for c in s.body.compounds.iter().flatten() {
        ones.push(&c.select);
    }
    for o in ones {
        if let OneSelect::Select { from: Some(f), .. } = o {
            let mut ts: Vec<&SelectTable> = f.select.iter().map(|b| &**b).collect();
            ts.extend(f.joins.iter().flatten().map(|j| &j.table));
            for t in ts {
                if let SelectTable::Table(qn, _, _) = t {
                    if name_of(&qn.name).eq_ignore_ascii_case(name) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

type FromList<'a> = Vec<(&'a SelectTable, Option<&'a ast::JoinedSelectTable>)>;

/// The FROM items in order. A parenthesised join without an alias is spliced
/// in when that keeps the meaning: it comes first, or it only holds inner
/// joins and is itself inner-joined.
fn flatten_from(f: &ast::FromClause) -> Result<FromList<'_>> {
    let mut out: FromList<'_> = Vec::new();
    let mut work: Vec<(&SelectTable, Option<&ast::JoinedSelectTable>)> = Vec::new();
    if let Some(t) = &f.select {
        work.push((t, None));
    }
    for j in f.joins.iter().flatten() {
        work.push((&j.table, Some(j)));
    }
    work.reverse();
    let mut guard = 0;
    while let Some((t, j)) = work.pop() {
        guard += 1;
        if guard > 10_000 {
            return Err(err("too many tables in FROM"));
        }
        if let SelectTable::Sub(inner, None) = t {
            let inner_outer = inner.joins.iter().flatten().any(|x| {
                matches!(x.operator, ast::JoinOperator::TypedJoin(Some(jt)) if jt.intersects(JoinType::LEFT | JoinType::RIGHT))
            });
            let j_outer = j.is_some_and(|x| {
                matches!(x.operator, ast::JoinOperator::TypedJoin(Some(jt)) if jt.intersects(JoinType::LEFT | JoinType::RIGHT))
                    || x.constraint.is_some()
            });
            if out.is_empty() || (!inner_outer && !j_outer) {
                let mut add: Vec<(&SelectTable, Option<&ast::JoinedSelectTable>)> = Vec::new();
                if let Some(t0) = &inner.select {
                    add.push((t0, j));
                }
                for x in inner.joins.iter().flatten() {
                    add.push((&x.table, Some(x)));
                }
                for a in add.into_iter().rev() {
                    work.push(a);
                }
                continue;
            }
            return Err(err("parenthesized joins in FROM are not supported here"));
        }
        out.push((t, j));
    }
    Ok(out)
}
