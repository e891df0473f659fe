//! Window-function binding (lang windowfunctions): resolves `OVER` clauses
//! against the SELECT's `WINDOW` definitions (a named base window lends its
//! PARTITION BY and ORDER BY; overriding them or its frame is an error, as in
//! SQLite), validates frame specifications, checks the function may be used
//! as a window function, and records each call. A call binds to a column of
//! the select's *window slot*: a materialised slot the window operator
//! (`exec/window.rs`) fills with the current row's window results, so result
//! columns and ORDER BY terms read window values like any other column.
//!
//! Window calls are allowed only while a [`WinCollector`] is installed on the
//! current scope (result columns and ORDER BY) and not inside an aggregate's
//! or another window function's arguments ("misuse of window function f()").

use super::bind::{collation, err, Binder};
use crate::exec::expr::CExpr;
use crate::exec::select::{SortKey, SortSrc};
use crate::exec::window::{Bound, Exclude, Frame, FrameMode, WinFunc, WinKind, WinSpec, WindowOp};
use crate::schema::name_of;
use chorus_storage::Result;
use sqlite3_parser::ast::{self, Expr};

/// Window calls collected while binding one SELECT.
#[derive(Default)]
pub struct WinCollector {
    /// The slot holding the current row's window results (allocated on the
    /// first call).
    pub slot: Option<usize>,
    /// `WINDOW name AS (...)` definitions.
    pub defs: Vec<(String, ast::Window)>,
    /// Resolved windows (base windows merged in) and their bound form.
    resolved: Vec<ast::Window>,
    specs: Vec<WinSpec>,
    funcs: Vec<WinFunc>,
    /// Binding inside a window call's arguments or window: no nesting.
    blocked: bool,
    /// Window calls are not allowed right now (HAVING).
    pub suspended: bool,
}

/// Built-in window-only functions: (name, min args, max args, uses frame).
const BUILTINS: &[(&str, usize, usize)] = &[
    ("row_number", 0, 0),
    ("rank", 0, 0),
    ("dense_rank", 0, 0),
    ("percent_rank", 0, 0),
    ("cume_dist", 0, 0),
    ("ntile", 1, 1),
    ("lag", 1, 3),
    ("lead", 1, 3),
    ("first_value", 1, 1),
    ("last_value", 1, 1),
    ("nth_value", 2, 2),
];

fn builtin(lname: &str) -> Option<(usize, usize)> {
    BUILTINS
        .iter()
        .find(|(n, _, _)| *n == lname)
        .map(|(_, a, b)| (*a, *b))
}

/// A call of a window-only function without OVER is a misuse.
pub fn check_plain_call(lname: &str, name: &str) -> Result<()> {
    if builtin(lname).is_some() {
        return Err(err(format!("misuse of window function {name}()")));
    }
    Ok(())
}

/// A window call reached through a result alias where none is allowed
/// reports the alias, as SQLite does.
pub fn aliased_misuse(e: chorus_storage::Error, alias: &str) -> chorus_storage::Error {
    if e.message.starts_with("misuse of window function") {
        err(format!("misuse of aliased window function {alias}"))
    } else {
        e
    }
}

/// Install a collector on the current scope (before the result columns are
/// bound). `defs` is the SELECT's WINDOW clause: as in SQLite's parser, each
/// definition after the first inherits from an earlier one named as its base
/// (the first definition's base is not looked up).
pub fn begin(b: &mut Binder, defs: Option<&Vec<ast::WindowDef>>) -> Result<()> {
    let mut c = WinCollector::default();
    for (k, w) in defs.into_iter().flatten().enumerate() {
        let mut win = w.window.clone();
        check_frame_shape(&win)?;
        if k == 0 {
            win.base = None;
        } else {
            win = resolve(&c.defs, &win)?;
        }
        c.defs.push((name_of(&w.name), win));
    }
    if let Some(s) = b.scopes.last_mut() {
        s.win = Some(c);
    }
    Ok(())
}

/// Allow or forbid window calls for the clause about to be bound.
pub fn suspend(b: &mut Binder, on: bool) {
    if let Some(w) = b.scopes.last_mut().and_then(|s| s.win.as_mut()) {
        w.suspended = on;
    }
}

/// Take the collector off the scope and build the window operator, if the
/// select has window calls. `snap_slots` are the select's source slots.
pub fn finish(b: &mut Binder, snap_slots: Vec<usize>, with_agg: bool) -> Option<Box<WindowOp>> {
    let c = b.scopes.last_mut().and_then(|s| s.win.take())?;
    let slot = c.slot?;
    if c.funcs.is_empty() {
        return None;
    }
    Some(Box::new(WindowOp::new(
        slot, snap_slots, with_agg, c.specs, c.funcs,
    )))
}

fn lookup_def(defs: &[(String, ast::Window)], name: &str) -> Option<ast::Window> {
    defs.iter()
        .rev()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, w)| w.clone())
}

/// Merge a window with its base window, as SQLite does.
fn resolve(defs: &[(String, ast::Window)], w: &ast::Window) -> Result<ast::Window> {
    let Some(base) = &w.base else {
        return Ok(w.clone());
    };
    let bname = name_of(base);
    let Some(bw) = lookup_def(defs, &bname) else {
        return Err(err(format!("no such window: {bname}")));
    };
    if w.partition_by.is_some() {
        return Err(err(format!(
            "cannot override PARTITION clause of window: {bname}"
        )));
    }
    if w.order_by.is_some() && bw.order_by.is_some() {
        return Err(err(format!(
            "cannot override ORDER BY clause of window: {bname}"
        )));
    }
    if bw.frame_clause.is_some() {
        return Err(err(format!(
            "cannot override frame specification of window: {bname}"
        )));
    }
    Ok(ast::Window {
        base: None,
        partition_by: bw.partition_by.clone(),
        order_by: w.order_by.clone().or(bw.order_by.clone()),
        frame_clause: w.frame_clause.clone(),
    })
}

fn bound_rank(b: &ast::FrameBound) -> u8 {
    match b {
        ast::FrameBound::UnboundedPreceding => 0,
        ast::FrameBound::Preceding(_) => 1,
        ast::FrameBound::CurrentRow => 2,
        ast::FrameBound::Following(_) => 3,
        ast::FrameBound::UnboundedFollowing => 4,
    }
}

/// Frame checks SQLite's parser makes: the ending boundary may not come
/// before the starting one.
fn check_frame_shape(w: &ast::Window) -> Result<()> {
    let Some(f) = &w.frame_clause else {
        return Ok(());
    };
    let end = f.end.as_ref().unwrap_or(&ast::FrameBound::CurrentRow);
    let (s, e) = (bound_rank(&f.start), bound_rank(end));
    if (s == 2 && e == 1) || (s == 3 && (e == 1 || e == 2)) || s == 4 || e == 0 {
        return Err(err("unsupported frame specification"));
    }
    Ok(())
}

/// Checks on a resolved window: a RANGE frame with an offset needs exactly
/// one ORDER BY term.
fn check_frame(w: &ast::Window) -> Result<()> {
    check_frame_shape(w)?;
    let Some(f) = &w.frame_clause else {
        return Ok(());
    };
    let offset = |b: &ast::FrameBound| {
        matches!(
            b,
            ast::FrameBound::Preceding(_) | ast::FrameBound::Following(_)
        )
    };
    if f.mode == ast::FrameMode::Range
        && (offset(&f.start) || f.end.as_ref().is_some_and(offset))
        && w.order_by.as_ref().map_or(0, |o| o.len()) != 1
    {
        return Err(err(
            "RANGE with offset PRECEDING/FOLLOWING requires one ORDER BY expression",
        ));
    }
    Ok(())
}

fn with_collector<T>(b: &mut Binder, f: impl FnOnce(&mut WinCollector) -> T) -> Option<T> {
    b.scopes.last_mut().and_then(|s| s.win.as_mut()).map(f)
}

fn bind_sorted(b: &mut Binder, cols: &[ast::SortedColumn]) -> Result<Vec<SortKey>> {
    let mut out = Vec::new();
    for sc in cols {
        let (c, info) = b.expr_info(&sc.expr)?;
        let desc = sc.order == Some(ast::SortOrder::Desc);
        let nulls_first = match sc.nulls {
            Some(ast::NullsOrder::First) => true,
            Some(ast::NullsOrder::Last) => false,
            None => !desc,
        };
        out.push(SortKey {
            src: SortSrc::Expr(c),
            desc,
            nulls_first,
            coll: collation(&info.coll)?,
        });
    }
    Ok(out)
}

/// Whether a frame offset is a constant expression as SQLite's parser sees
/// it: no column references, function calls or subqueries. SQLite replaces
/// any other offset by NULL (which then fails the offset check).
fn is_constant(e: &Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Literal(_) | Expr::Variable(_) => {}
            Expr::Unary(_, x) | Expr::Cast { expr: x, .. } | Expr::Collate(x, _) => stack.push(x),
            Expr::IsNull(x) | Expr::NotNull(x) => stack.push(x),
            Expr::Binary(l, _, r) => stack.extend([&**l, &**r]),
            Expr::Parenthesized(v) => stack.extend(v.iter()),
            Expr::Between {
                lhs, start, end, ..
            } => stack.extend([&**lhs, &**start, &**end]),
            Expr::Case {
                base,
                when_then_pairs,
                else_expr,
            } => {
                stack.extend(base.as_deref());
                for (w, t) in when_then_pairs {
                    stack.push(w);
                    stack.push(t);
                }
                stack.extend(else_expr.as_deref());
            }
            Expr::InList { lhs, rhs, .. } => {
                stack.push(lhs);
                stack.extend(rhs.iter().flatten());
            }
            Expr::Like {
                lhs, rhs, escape, ..
            } => {
                stack.push(lhs);
                stack.push(rhs);
                stack.extend(escape.as_deref());
            }
            _ => return false,
        }
    }
    true
}

fn bind_offset(b: &mut Binder, e: &Expr) -> Result<CExpr> {
    if is_constant(e) {
        b.expr(e)
    } else {
        Ok(CExpr::Const(chorus_storage::Value::Null))
    }
}

fn bind_bound(b: &mut Binder, fb: &ast::FrameBound) -> Result<Bound> {
    Ok(match fb {
        ast::FrameBound::UnboundedPreceding => Bound::UnboundedPreceding,
        ast::FrameBound::Preceding(e) => Bound::Preceding(bind_offset(b, e)?),
        ast::FrameBound::CurrentRow => Bound::CurrentRow,
        ast::FrameBound::Following(e) => Bound::Following(bind_offset(b, e)?),
        ast::FrameBound::UnboundedFollowing => Bound::UnboundedFollowing,
    })
}

fn bind_spec(b: &mut Binder, w: &ast::Window) -> Result<WinSpec> {
    let mut partition = Vec::new();
    let mut part_colls = Vec::new();
    for e in w.partition_by.iter().flatten() {
        let (c, info) = b.expr_info(e)?;
        partition.push(c);
        part_colls.push(collation(&info.coll)?);
    }
    let order = bind_sorted(b, w.order_by.as_deref().unwrap_or(&[]))?;
    let frame = match &w.frame_clause {
        None => Frame {
            mode: FrameMode::Range,
            start: Bound::UnboundedPreceding,
            end: Bound::CurrentRow,
            exclude: Exclude::NoOthers,
        },
        Some(f) => Frame {
            mode: match f.mode {
                ast::FrameMode::Rows => FrameMode::Rows,
                ast::FrameMode::Range => FrameMode::Range,
                ast::FrameMode::Groups => FrameMode::Groups,
            },
            start: bind_bound(b, &f.start)?,
            end: match &f.end {
                Some(e) => bind_bound(b, e)?,
                None => Bound::CurrentRow,
            },
            exclude: match f.exclude {
                None | Some(ast::FrameExclude::NoOthers) => Exclude::NoOthers,
                Some(ast::FrameExclude::CurrentRow) => Exclude::CurrentRow,
                Some(ast::FrameExclude::Group) => Exclude::Group,
                Some(ast::FrameExclude::Ties) => Exclude::Ties,
            },
        },
    };
    Ok(WinSpec {
        partition,
        part_colls,
        order,
        frame,
    })
}

/// Bind `name(args) [FILTER (WHERE f)] OVER ...`.
#[allow(clippy::too_many_arguments)]
pub fn bind_call(
    b: &mut Binder,
    name: &str,
    lname: &str,
    args: &[Expr],
    distinct: bool,
    filter: Option<&Expr>,
    over: &ast::Over,
    star: bool,
) -> Result<(CExpr, crate::plan::bind::Info)> {
    b.pending_order = None;
    let misuse = || err(format!("misuse of window function {name}()"));
    let allowed = b
        .scopes
        .last()
        .is_some_and(|s| !s.in_agg && s.win.as_ref().is_some_and(|w| !w.blocked && !w.suspended));
    if !allowed {
        return Err(misuse());
    }
    let nargs = if star { 0 } else { args.len() };
    let kind = if let Some((lo, hi)) = builtin(lname) {
        if nargs < lo || nargs > hi || (star && lname != "count") {
            return Err(err(format!(
                "wrong number of arguments to function {name}()"
            )));
        }
        if filter.is_some() {
            return Err(err(
                "FILTER clause may only be used with aggregate window functions",
            ));
        }
        match lname {
            "row_number" => WinKind::RowNumber,
            "rank" => WinKind::Rank,
            "dense_rank" => WinKind::DenseRank,
            "percent_rank" => WinKind::PercentRank,
            "cume_dist" => WinKind::CumeDist,
            "ntile" => WinKind::Ntile,
            "lag" => WinKind::Lag,
            "lead" => WinKind::Lead,
            "first_value" => WinKind::FirstValue,
            "last_value" => WinKind::LastValue,
            _ => WinKind::NthValue,
        }
    } else if super::bind::is_aggregate_name(lname, nargs) || (star && lname == "count") {
        WinKind::Agg {
            name: lname.to_string(),
            coll: crate::sqlvalue::Collation::Binary,
        }
    } else if crate::sqlvalue::aggregate::aggregate_name_known(lname) {
        return Err(err(format!(
            "wrong number of arguments to function {name}()"
        )));
    } else if crate::sqlvalue::functions::scalar_name_known(lname) {
        return Err(err(format!(
            "{name}() may not be used as a window function"
        )));
    } else {
        return Err(err(format!("no such function: {name}")));
    };
    if distinct {
        return Err(err("DISTINCT is not supported for window functions"));
    }
    // Resolve the window.
    let defs = with_collector(b, |c| c.defs.clone()).unwrap_or_default();
    let win = match over {
        ast::Over::Name(n) => {
            let n = name_of(n);
            lookup_def(&defs, &n).ok_or_else(|| err(format!("no such window: {n}")))?
        }
        ast::Over::Window(w) => (**w).clone(),
    };
    let win = resolve(&defs, &win)?;
    check_frame(&win)?;
    // Bind arguments, filter and window with nested window calls blocked.
    // Result-column aliases are not visible inside a window call (SQLite:
    // "no such column").
    with_collector(b, |c| c.blocked = true);
    let saved_depth = b.scopes.last_mut().map(|s| {
        let d = s.alias_depth;
        s.alias_depth = usize::MAX / 2;
        d
    });
    let r = bind_parts(b, args, filter, &win);
    if let (Some(s), Some(d)) = (b.scopes.last_mut(), saved_depth) {
        s.alias_depth = d;
    }
    with_collector(b, |c| c.blocked = false);
    let (cargs, coll, cfilter, spec) = r?;
    let kind = match kind {
        WinKind::Agg { name, .. } => WinKind::Agg { name, coll },
        k => k,
    };
    let slot = match with_collector(b, |c| c.slot).flatten() {
        Some(s) => s,
        None => {
            let s = b.alloc_slot();
            with_collector(b, |c| c.slot = Some(s));
            s
        }
    };
    let col = with_collector(b, move |c| {
        let si = match c.resolved.iter().position(|r| *r == win) {
            Some(i) => i,
            None => {
                c.resolved.push(win);
                c.specs.push(spec);
                c.specs.len() - 1
            }
        };
        c.funcs.push(WinFunc {
            kind,
            args: cargs,
            filter: cfilter,
            spec: si,
        });
        c.funcs.len() - 1
    })
    .ok_or_else(misuse)?;
    Ok((
        CExpr::Column { slot, col },
        crate::plan::bind::Info::default(),
    ))
}

type Parts = (
    Vec<CExpr>,
    crate::sqlvalue::Collation,
    Option<CExpr>,
    WinSpec,
);

fn bind_parts(
    b: &mut Binder,
    args: &[Expr],
    filter: Option<&Expr>,
    win: &ast::Window,
) -> Result<Parts> {
    let mut cargs = Vec::new();
    let mut coll = None;
    for a in args {
        let (c, i) = b.expr_info(a)?;
        if coll.is_none() {
            coll = i.coll.clone();
        }
        cargs.push(c);
    }
    let cfilter = match filter {
        Some(f) => Some(b.expr(f)?),
        None => None,
    };
    let spec = bind_spec(b, win)?;
    Ok((cargs, collation(&coll)?, cfilter, spec))
}
