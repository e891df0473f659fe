//! Recursive common table expressions: `initial UNION [ALL] recursive`.
//! The initial arms run once; each row taken from the queue is published in a
//! shared cell that the recursive arm reads as the CTE's single current row,
//! and the rows that arm produces join the queue (UNION drops rows already
//! seen). A LIMIT on the CTE's select bounds the number of rows produced.

use super::bind::{err, Binder, CteDef, Info};
use super::select::{hide_cte, plan_select, restore_cte};
use crate::exec::expr::{CExpr, Cx};
use crate::exec::select::{row_key, Body, SelectPlan};
use crate::exec::source::{MatScan, Source};
use crate::sqlvalue::Collation;
use chorus_storage::{Result, Value};
use sqlite3_parser::ast;
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

pub type QueueCell = Arc<Mutex<Vec<Value>>>;

#[derive(Clone)]
pub struct QueueDef {
    pub cell: QueueCell,
    pub names: Vec<String>,
    pub infos: Vec<Info>,
}

pub struct Recursive {
    pub initial: SelectPlan,
    pub step: SelectPlan,
    pub distinct: bool,
    pub cell: QueueCell,
    pub limit: Option<CExpr>,
    pub offset: Option<CExpr>,
    queue: VecDeque<Vec<Value>>,
    seen: HashSet<Vec<u8>>,
    limit_left: i64,
    skip: i64,
}

impl Recursive {
    pub fn open(&mut self, cx: &mut Cx<'_>) -> Result<()> {
        self.limit_left = match &self.limit {
            Some(e) => crate::sqlvalue::numeric::value_to_i64(e.eval(cx)?.as_ref()),
            None => -1,
        };
        self.skip = match &self.offset {
            Some(e) => crate::sqlvalue::numeric::value_to_i64(e.eval(cx)?.as_ref()).max(0),
            None => 0,
        };
        self.seen.clear();
        self.queue.clear();
        let colls = vec![Collation::Binary; self.initial.ncols];
        let mut key = Vec::new();
        self.initial.open(cx)?;
        while self.initial.next(cx)? {
            let r = self.initial.row().to_vec();
            if self.distinct {
                row_key(&r, &colls, &mut key);
                if !self.seen.insert(key.clone()) {
                    continue;
                }
            }
            self.queue.push_back(r);
        }
        Ok(())
    }

    /// Take the next queued row, run the recursive arm on it, return it.
    pub fn next(&mut self, cx: &mut Cx<'_>, row: &mut Vec<Value>) -> Result<bool> {
        let colls = vec![Collation::Binary; self.initial.ncols];
        let mut key = Vec::new();
        loop {
            if self.limit_left == 0 {
                return Ok(false);
            }
            let Some(r) = self.queue.pop_front() else {
                return Ok(false);
            };
            {
                let mut g = self.cell.lock().unwrap_or_else(|p| p.into_inner());
                g.clone_from(&r);
            }
            self.step.open(cx)?;
            while self.step.next(cx)? {
                let n = self.step.row().to_vec();
                if self.distinct {
                    row_key(&n, &colls, &mut key);
                    if !self.seen.insert(key.clone()) {
                        continue;
                    }
                }
                self.queue.push_back(n);
            }
            if self.skip > 0 {
                self.skip -= 1;
                continue;
            }
            if self.limit_left > 0 {
                self.limit_left -= 1;
            }
            *row = r;
            return Ok(true);
        }
    }
}

pub fn plan_recursive_cte(
    b: &mut Binder,
    cte: &CteDef,
    alias: String,
) -> Result<(Source, usize, super::bind::SourceInfo)> {
    let s = &cte.select;
    let compounds = s.body.compounds.as_deref().unwrap_or(&[]);
    let Some(last) = compounds.last() else {
        return Err(err(format!(
            "recursive reference in a subquery: {}",
            cte.name
        )));
    };
    let distinct = match last.operator {
        ast::CompoundOperator::Union => true,
        ast::CompoundOperator::UnionAll => false,
        _ => {
            return Err(err(format!(
                "recursive reference in a subquery: {}",
                cte.name
            )))
        }
    };
    if let ast::OneSelect::Select {
        columns, group_by, ..
    } = &last.select
    {
        let agg = group_by.is_some()
            || columns.iter().any(
                |c| matches!(c, ast::ResultColumn::Expr(e, _) if super::bind::has_aggregate(e)),
            );
        if agg {
            return Err(err("recursive aggregate queries not supported"));
        }
    }
    // Initial part: everything but the last arm.
    let mut init_sel = s.clone();
    init_sel.order_by = None;
    init_sel.limit = None;
    init_sel.with = None;
    if let Some(c) = &mut init_sel.body.compounds {
        c.pop();
        if c.is_empty() {
            init_sel.body.compounds = None;
        }
    }
    let saved = hide_cte(b, &cte.name);
    let r = plan_select(b, &init_sel, None);
    restore_cte(b, saved);
    let (mut initial, _) = r?;
    if let Some(cols) = &cte.columns {
        if cols.len() != initial.ncols {
            return Err(err(format!(
                "table {} has {} values for {} columns",
                cte.name,
                initial.ncols,
                cols.len()
            )));
        }
        initial.names = cols.clone();
    }
    let cell: QueueCell = Arc::new(Mutex::new(Vec::new()));
    let qdef = QueueDef {
        cell: cell.clone(),
        names: initial.names.clone(),
        infos: initial.col_infos.clone(),
    };
    // Recursive arm: the CTE name now reads the queue cell.
    let step_sel = ast::Select {
        with: None,
        body: ast::SelectBody {
            select: last.select.clone(),
            compounds: None,
        },
        order_by: None,
        limit: None,
    };
    let saved = hide_cte(b, &cte.name);
    let mut def = cte.clone();
    def.queue = Some(qdef);
    b.ctes.push(vec![def]);
    let r = plan_select(b, &step_sel, None);
    b.ctes.pop();
    restore_cte(b, saved);
    let (step, _) = r?;
    if step.ncols != initial.ncols {
        return Err(err(
            "SELECTs to the left and right of UNION do not have the same number of result columns",
        ));
    }
    let (limit, offset) = match &s.limit {
        Some(l) => {
            b.scopes.push(Default::default());
            let lim = b.expr(&l.expr);
            let off = l.offset.as_ref().map(|o| b.expr(o)).transpose();
            b.scopes.pop();
            (Some(lim?), off?)
        }
        None => (None, None),
    };
    let names = initial.names.clone();
    let infos = initial.col_infos.clone();
    let n = names.len();
    let rec = Recursive {
        initial,
        step,
        distinct,
        cell,
        limit,
        offset,
        queue: VecDeque::new(),
        seen: HashSet::new(),
        limit_left: -1,
        skip: 0,
    };
    let plan = SelectPlan::new(Body::Recursive(Box::new(rec)), names, infos, vec![None; n]);
    let slot = b.alloc_slot();
    let info = super::select::mat_info_pub(&plan, slot, alias);
    let mat = MatScan::new(slot, plan, false).named(&info.name, &cte.name);
    Ok((Source::Mat(Box::new(mat)), slot, info))
}
