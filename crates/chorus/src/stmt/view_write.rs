//! INSERT, UPDATE and DELETE on a view: allowed when the view has INSTEAD
//! OF triggers for the event. The plan visits the affected rows (the source
//! rows of an INSERT; `SELECT *, <SET values> FROM view WHERE ...` for an
//! UPDATE; `SELECT * FROM view WHERE ...` for a DELETE) and fires the
//! triggers for each (`exec::trigger::ViewWritePlan`).

use super::trigger::{matching, view_columns, Event, Timing};
use crate::exec::select::SelectPlan;
use crate::exec::trigger::ViewWritePlan;
use crate::plan::bind::{err, Binder};
use crate::plan::select::plan_select;
use crate::schema::{key, name_of};
use chorus_storage::Result;
use sqlite3_parser::ast::{self, Stmt};
use std::sync::Arc;

fn view_target(b: &Binder, qn: &ast::QualifiedName) -> Option<Arc<crate::schema::View>> {
    b.schema.views.get(&key(&name_of(&qn.name))).cloned()
}

fn instead_of(
    b: &Binder,
    view: &crate::schema::View,
    event: Event,
    set_cols: Option<&[String]>,
) -> Result<Box<crate::exec::trigger::TriggerSet>> {
    let trigs = matching(&b.schema, &view.name, event, &[Timing::InsteadOf], set_cols);
    if trigs.is_empty() {
        return Err(err(format!(
            "cannot modify {} because it is a view",
            view.name
        )));
    }
    Ok(Box::new(crate::exec::trigger::TriggerSet::new(
        b,
        trigs,
        Vec::new(),
        None,
        true,
    )?))
}

/// Plan a SELECT given as SQL text (the rows an UPDATE/DELETE of a view
/// visits).
fn plan_text(b: &mut Binder, sql: &str) -> Result<SelectPlan> {
    let (parsed, _) = crate::parse::parse_first(sql)?;
    let Some(crate::parse::Parsed::Cmd(ast::Cmd::Stmt(Stmt::Select(s)))) = parsed else {
        return Err(err("internal error planning a view write"));
    };
    Ok(plan_select(b, &s, None)?.0)
}

/// `INSERT INTO view ...`: each source row fires the INSTEAD OF INSERT
/// triggers. None when the target is not a view.
pub fn plan_view_insert(
    b: &mut Binder,
    qn: &ast::QualifiedName,
    columns: Option<&ast::DistinctNames>,
    body: &ast::InsertBody,
) -> Result<Option<Box<ViewWritePlan>>> {
    let Some(view) = view_target(b, qn) else {
        return Ok(None);
    };
    let triggers = instead_of(b, &view, Event::Insert, None)?;
    let names = view_columns(&b.schema, &view)?;
    let (source, nsrc) = match body {
        ast::InsertBody::DefaultValues => (None, 0),
        ast::InsertBody::Select(sel, upsert) => {
            if upsert.is_some() {
                return Err(err("cannot UPSERT a view"));
            }
            let (plan, _) = plan_select(b, sel, None)?;
            let n = plan.ncols;
            (Some(plan), n)
        }
    };
    let mut map = vec![None; names.len()];
    match columns {
        Some(cols) => {
            if cols.len() != nsrc {
                return Err(err(format!("{nsrc} values for {} columns", cols.len())));
            }
            for (i, c) in cols.iter().enumerate() {
                let n = name_of(c);
                let Some(pos) = names.iter().position(|x| x.eq_ignore_ascii_case(&n)) else {
                    return Err(err(format!("table {} has no column named {n}", view.name)));
                };
                map[pos] = Some(i);
            }
        }
        None if source.is_some() => {
            if nsrc != names.len() {
                return Err(err(format!(
                    "table {} has {} columns but {nsrc} values were supplied",
                    view.name,
                    names.len()
                )));
            }
            for (i, m) in map.iter_mut().enumerate() {
                *m = Some(i);
            }
        }
        None => {}
    }
    Ok(Some(Box::new(ViewWritePlan {
        event: Event::Insert,
        source,
        ncols: names.len(),
        insert_map: map,
        set_cols: Vec::new(),
        triggers,
    })))
}

/// `UPDATE view SET ... WHERE ...`: visits `SELECT *, <set exprs> FROM view
/// WHERE ...`; each row fires the INSTEAD OF UPDATE triggers.
pub fn plan_view_update(
    b: &mut Binder,
    qn: &ast::QualifiedName,
    sets: &[ast::Set],
    where_clause: Option<&ast::Expr>,
) -> Result<Option<Box<ViewWritePlan>>> {
    let Some(view) = view_target(b, qn) else {
        return Ok(None);
    };
    let set_names: Vec<String> = sets
        .iter()
        .flat_map(|s| s.col_names.iter().map(name_of))
        .collect();
    let triggers = instead_of(b, &view, Event::Update, Some(&set_names))?;
    let names = view_columns(&b.schema, &view)?;
    let mut set_cols = Vec::new();
    let mut exprs = Vec::new();
    for s in sets {
        if s.col_names.len() != 1 {
            return Err(err("row value assignments are not supported"));
        }
        let n = name_of(&s.col_names[0]);
        let Some(pos) = names.iter().position(|x| x.eq_ignore_ascii_case(&n)) else {
            return Err(err(format!("no such column: {n}")));
        };
        set_cols.push(pos);
        exprs.push(format!("{}", s.expr));
    }
    let mut sql = format!("SELECT *, {} FROM {}", exprs.join(", "), qn.name.0);
    if let Some(a) = &qn.alias {
        sql.push_str(&format!(" AS {}", a.0));
    }
    if let Some(w) = where_clause {
        sql.push_str(&format!(" WHERE {w}"));
    }
    let source = plan_text(b, &sql)?;
    Ok(Some(Box::new(ViewWritePlan {
        event: Event::Update,
        source: Some(source),
        ncols: names.len(),
        insert_map: Vec::new(),
        set_cols,
        triggers,
    })))
}

/// `DELETE FROM view WHERE ...`: each matching row fires the INSTEAD OF
/// DELETE triggers.
pub fn plan_view_delete(
    b: &mut Binder,
    qn: &ast::QualifiedName,
    where_clause: Option<&ast::Expr>,
) -> Result<Option<Box<ViewWritePlan>>> {
    let Some(view) = view_target(b, qn) else {
        return Ok(None);
    };
    let names = view_columns(&b.schema, &view)?;
    let triggers = instead_of(b, &view, Event::Delete, None)?;
    let mut sql = format!("SELECT * FROM {}", qn.name.0);
    if let Some(a) = &qn.alias {
        sql.push_str(&format!(" AS {}", a.0));
    }
    if let Some(w) = where_clause {
        sql.push_str(&format!(" WHERE {w}"));
    }
    let source = plan_text(b, &sql)?;
    Ok(Some(Box::new(ViewWritePlan {
        event: Event::Delete,
        source: Some(source),
        ncols: names.len(),
        insert_map: Vec::new(),
        set_cols: Vec::new(),
        triggers,
    })))
}
