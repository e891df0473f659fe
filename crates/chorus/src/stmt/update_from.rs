//! `UPDATE t SET ... FROM other ... WHERE ...`: the target joined with the
//! FROM items is run as a query producing the target's rowid and the new
//! values of the assigned columns (computed against the joined row); the
//! first joined row of each target row wins, as in SQLite. The values are
//! then applied through the ordinary UPDATE path, read from a materialised
//! slot.

use crate::exec::expr::{CExpr, Cx};
use crate::exec::select::SelectPlan;
use crate::plan::bind::{err, Binder};
use crate::plan::select::plan_select;
use crate::schema::{name_of, Table};
use chorus_storage::{Result, Value};
use sqlite3_parser::ast::{self, Expr, Name};
use std::collections::HashSet;

/// The query and the assignments (column, index into its row) of UPDATE FROM.
pub struct FromQuery {
    pub plan: SelectPlan,
    pub slot: usize,
}

/// Plan the join; returns the query and the SET list reading its slot.
pub fn plan(
    b: &mut Binder,
    t: &Table,
    qn: &ast::QualifiedName,
    targets: &[(usize, &Expr)],
    from: &ast::FromClause,
    where_clause: Option<&Expr>,
) -> Result<(FromQuery, Vec<(usize, CExpr)>)> {
    let qual = match &qn.alias {
        Some(a) => name_of(a),
        None => t.name.clone(),
    };
    let quoted = Name(format!("\"{}\"", qual.replace('"', "\"\"")).into());
    let mut columns = vec![ast::ResultColumn::Expr(
        Expr::Qualified(quoted, Name("rowid".into())),
        None,
    )];
    for (_, e) in targets {
        columns.push(ast::ResultColumn::Expr((*e).clone(), None));
    }
    let mut fc = from.clone();
    let first = fc.select.take().ok_or_else(|| err("incomplete input"))?;
    let target = ast::SelectTable::Table(
        ast::QualifiedName {
            db_name: qn.db_name.clone(),
            name: qn.name.clone(),
            alias: None,
        },
        qn.alias.clone().map(ast::As::As),
        None,
    );
    let mut joins = vec![ast::JoinedSelectTable {
        operator: ast::JoinOperator::Comma,
        table: *first,
        constraint: None,
    }];
    joins.extend(fc.joins.take().unwrap_or_default());
    fc.select = Some(Box::new(target));
    fc.joins = Some(joins);
    let sel = ast::Select {
        with: None,
        body: ast::SelectBody {
            select: ast::OneSelect::Select {
                distinctness: None,
                columns,
                from: Some(fc),
                where_clause: where_clause.cloned().map(Box::new),
                group_by: None,
                having: None,
                window_clause: None,
            },
            compounds: None,
        },
        order_by: None,
        limit: None,
    };
    let (plan, _) = plan_select(b, &sel, None)?;
    let slot = b.alloc_slot();
    let sets = targets
        .iter()
        .enumerate()
        .map(|(k, (c, _))| (*c, CExpr::Column { slot, col: k + 1 }))
        .collect();
    Ok((FromQuery { plan, slot }, sets))
}

/// Run the join: (target rowid, values row) for each target row, first wins.
pub fn rows(q: &mut FromQuery, cx: &mut Cx<'_>) -> Result<Vec<(i64, Vec<Value>)>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    q.plan.open(cx)?;
    while q.plan.next(cx)? {
        let row = q.plan.row();
        if let Some(Value::Integer(r)) = row.first() {
            if seen.insert(*r) {
                out.push((*r, row.to_vec()));
            }
        }
    }
    q.plan.close();
    Ok(out)
}

/// Put a joined row in the query's slot for the SET expressions.
pub fn load(q: &FromQuery, cx: &mut Cx<'_>, row: Vec<Value>) {
    let s = &mut cx.env.slots[q.slot];
    s.values = row;
    s.materialized = true;
    s.null_row = false;
}
