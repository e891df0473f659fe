//! Row values: `(a, b, ...)` and multi-column scalar subqueries used as
//! operands of comparisons, IS, IN, BETWEEN and row-value UPDATE SET.
//!
//! They are lowered at bind time to scalar expressions, as SQLite defines
//! them: `=` is the AND of the element equalities, `<>` its negation, `<`
//! (and the others) the lexicographic chain `a1 < b1 OR (a1 = b1 AND ...)`,
//! `IS` the AND of element IS, `x IN (r1, r2)` the OR of `x = ri`. A
//! subquery element reads column i of the subquery's first row (one
//! subquery plan per element; uncorrelated ones are evaluated once each).

use super::bind::{binary_collation, collation, err, Binder, Info};
use crate::exec::expr::{CExpr, CmpOp};
use crate::sqlvalue::compare::comparison_affinity;
use chorus_storage::Result;
use sqlite3_parser::ast::{self, Expr};

/// Result width of a select when its text tells it (no `*`).
pub fn select_width(s: &ast::Select) -> Option<usize> {
    match &s.body.select {
        ast::OneSelect::Select { columns, .. } => {
            if columns
                .iter()
                .all(|c| matches!(c, ast::ResultColumn::Expr(..)))
            {
                Some(columns.len())
            } else {
                None
            }
        }
        ast::OneSelect::Values(rows) => rows.first().map(|r| r.len()),
    }
}

/// Whether `e` is a row value of two or more elements.
pub fn is_row(e: &Expr) -> bool {
    match e {
        Expr::Parenthesized(v) => v.len() > 1,
        Expr::Subquery(s) => select_width(s).is_some_and(|n| n > 1),
        _ => false,
    }
}

type Elems = Vec<(CExpr, Info)>;

impl Binder {
    /// The elements of a row-valued operand; None for a scalar one.
    pub fn row_operand(&mut self, e: &Expr) -> Result<Option<Elems>> {
        match e {
            Expr::Parenthesized(v) if v.len() > 1 => {
                let mut out = Vec::with_capacity(v.len());
                for x in v {
                    if is_row(x) {
                        return Err(err("row value misused"));
                    }
                    out.push(self.expr_info(x)?);
                }
                Ok(Some(out))
            }
            Expr::Subquery(s) if is_row(e) => {
                let n = select_width(s).unwrap_or(0);
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let sub = self.sub_plan(s)?;
                    let info = {
                        let mut q = sub.borrow_mut();
                        q.col = i;
                        q.plan.col_infos.get(i).cloned().unwrap_or_default()
                    };
                    out.push((
                        CExpr::Scalar(sub),
                        Info {
                            aff: info.aff,
                            coll: info.coll,
                            explicit_coll: false,
                        },
                    ));
                }
                Ok(Some(out))
            }
            _ => Ok(None),
        }
    }

    /// Both operands as rows of equal width ("row value misused" otherwise).
    fn row_pair(&mut self, l: &Expr, r: &Expr) -> Result<(Elems, Elems)> {
        let a = self.row_operand(l)?;
        let b = self.row_operand(r)?;
        match (a, b) {
            (Some(a), Some(b)) if a.len() == b.len() => Ok((a, b)),
            _ => Err(err("row value misused")),
        }
    }

    /// A second copy of an operand (re-bound when it holds a subquery).
    fn copy_elems(&mut self, e: &Expr, elems: &Elems) -> Result<Elems> {
        let copied: Option<Elems> = elems
            .iter()
            .map(|(c, i)| c.try_clone().map(|c| (c, i.clone())))
            .collect();
        match copied {
            Some(c) => Ok(c),
            None => self.row_operand(e)?.ok_or_else(|| err("row value misused")),
        }
    }

    /// Row-value comparison `l op r`.
    pub fn row_cmp(&mut self, l: &Expr, op: CmpOp, r: &Expr) -> Result<(CExpr, Info)> {
        let (a, b) = self.row_pair(l, r)?;
        let e = match op {
            CmpOp::Eq => row_eq(a, b)?,
            CmpOp::Ne => CExpr::Not(Box::new(row_eq(a, b)?)),
            _ => {
                // a1 op' b1 OR (a1 = b1 AND (a2 op' b2 OR (...)))
                let (a2, b2) = (self.copy_elems(l, &a)?, self.copy_elems(r, &b)?);
                let strict = match op {
                    CmpOp::Le => CmpOp::Lt,
                    CmpOp::Ge => CmpOp::Gt,
                    o => o,
                };
                let n = a.len();
                let mut acc: Option<CExpr> = None;
                let pairs: Vec<_> = a.into_iter().zip(b).zip(a2.into_iter().zip(b2)).collect();
                for (i, ((x, y), (x2, y2))) in pairs.into_iter().enumerate().rev() {
                    let last = i + 1 == n;
                    let this_op = if last { op } else { strict };
                    let c = elem_cmp(this_op, x, y)?;
                    acc = Some(match acc {
                        None => c,
                        Some(rest) => {
                            let eq = elem_cmp(CmpOp::Eq, x2, y2)?;
                            CExpr::Or(
                                Box::new(c),
                                Box::new(CExpr::And(Box::new(eq), Box::new(rest))),
                            )
                        }
                    });
                }
                acc.ok_or_else(|| err("row value misused"))?
            }
        };
        Ok((e, Info::default()))
    }

    /// Row-value `l IS [NOT] r`.
    pub fn row_is(&mut self, l: &Expr, not: bool, r: &Expr) -> Result<(CExpr, Info)> {
        let (a, b) = self.row_pair(l, r)?;
        let mut acc: Option<CExpr> = None;
        for ((x, xi), (y, yi)) in a.into_iter().zip(b) {
            let c = CExpr::Is {
                not: false,
                l: Box::new(x),
                r: Box::new(y),
                aff: comparison_affinity(xi.aff, yi.aff),
                coll: collation(&binary_collation(&xi, &yi))?,
            };
            acc = Some(match acc {
                None => c,
                Some(p) => CExpr::And(Box::new(p), Box::new(c)),
            });
        }
        let e = acc.ok_or_else(|| err("row value misused"))?;
        Ok((
            if not { CExpr::Not(Box::new(e)) } else { e },
            Info::default(),
        ))
    }

    /// Row-value `lhs [NOT] IN (r1, r2, ...)`.
    pub fn row_in_list(&mut self, lhs: &Expr, not: bool, rhs: &[Expr]) -> Result<(CExpr, Info)> {
        let mut acc: Option<CExpr> = None;
        for r in rhs {
            let (c, _) = self.row_cmp(lhs, CmpOp::Eq, r)?;
            acc = Some(match acc {
                None => c,
                Some(p) => CExpr::Or(Box::new(p), Box::new(c)),
            });
        }
        let e = match acc {
            Some(e) => e,
            None => CExpr::Const(chorus_storage::Value::Integer(0)),
        };
        Ok((
            if not { CExpr::Not(Box::new(e)) } else { e },
            Info::default(),
        ))
    }

    /// `(SELECT a, b) [NOT] IN (SELECT ...)`.
    pub fn row_in_select(
        &mut self,
        lhs: &Expr,
        not: bool,
        rhs: &ast::Select,
    ) -> Result<(CExpr, Info)> {
        let elems = self
            .row_operand(lhs)?
            .ok_or_else(|| err("row value misused"))?;
        let sub = self.sub_plan(rhs)?;
        let ncols = sub.borrow().plan.ncols;
        if ncols != elems.len() {
            return Err(err(format!(
                "sub-select returns {ncols} columns - expected {}",
                elems.len()
            )));
        }
        let sub_infos = sub.borrow().plan.col_infos.clone();
        let mut xs = Vec::new();
        let mut affs = Vec::new();
        let mut colls = Vec::new();
        for (i, (x, xi)) in elems.into_iter().enumerate() {
            let si = sub_infos.get(i).cloned().unwrap_or_default();
            affs.push(comparison_affinity(xi.aff, si.aff));
            let c = if xi.coll.is_some() { xi.coll } else { si.coll };
            colls.push(collation(&c)?);
            xs.push(x);
        }
        Ok((
            CExpr::InSub {
                x: xs,
                sub,
                not,
                aff: affs,
                coll: colls,
            },
            Info::default(),
        ))
    }

    /// The values of a row-value SET: `(c1, c2) = (e1, e2)` or a subquery.
    pub fn row_set(&mut self, ncols: usize, e: &Expr) -> Result<Vec<CExpr>> {
        let width = match e {
            Expr::Parenthesized(v) => v.len(),
            Expr::Subquery(s) => select_width(s).unwrap_or(ncols),
            _ => 1,
        };
        if width != ncols {
            return Err(err(format!("{ncols} columns assigned {width} values")));
        }
        let elems = self
            .row_operand(e)?
            .ok_or_else(|| err(format!("{ncols} columns assigned 1 values")))?;
        Ok(elems.into_iter().map(|(c, _)| c).collect())
    }
}

fn elem_cmp(op: CmpOp, (x, xi): (CExpr, Info), (y, yi): (CExpr, Info)) -> Result<CExpr> {
    Ok(CExpr::Cmp {
        op,
        l: Box::new(x),
        r: Box::new(y),
        aff: comparison_affinity(xi.aff, yi.aff),
        coll: collation(&binary_collation(&xi, &yi))?,
    })
}

fn row_eq(a: Elems, b: Elems) -> Result<CExpr> {
    let mut acc: Option<CExpr> = None;
    for (x, y) in a.into_iter().zip(b) {
        let c = elem_cmp(CmpOp::Eq, x, y)?;
        acc = Some(match acc {
            None => c,
            Some(p) => CExpr::And(Box::new(p), Box::new(c)),
        });
    }
    acc.ok_or_else(|| err("row value misused"))
}
