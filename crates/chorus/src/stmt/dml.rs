//! INSERT, UPDATE and DELETE: planning (binding against the target table's
//! row slot) and execution (two-phase for UPDATE/DELETE: collect the rowids
//! that match, then modify, so a scan never sees its own writes).

use crate::exec::expr::{CExpr, Cx};
use crate::exec::foreign_key as fk;
use crate::exec::select::{Body, SelectPlan};
use crate::exec::source::{Access, Source, TableScan};
use crate::exec::trigger::{RowImage, TriggerSet};
use crate::exec::write::{IndexWriter, TableWriter, Verdict, Violation};
use crate::plan::bind::{err, table_col_infos, Binder, Scope, SourceInfo};
use crate::plan::select::{and_all, conjuncts, plan_select};
use crate::schema::{name_of, Table};
use crate::sqlvalue::{apply_affinity, Affinity};
use crate::stmt::trigger::{plan_table_triggers, Event};
use chorus_storage::{Error, Result, ResultCode, Value};
use sqlite3_parser::ast::{self, ResolveType};
use std::sync::Arc;

pub struct InsertPlan {
    pub writer: TableWriter,
    pub source: InsertSource,
    /// For each table column: index into the source row, or None (default).
    pub map: Vec<Option<usize>>,
    pub or: Option<ResolveType>,
    /// `ON CONFLICT [(target)] DO NOTHING`.
    pub upsert: Option<DoNothing>,
    pub triggers: Option<Box<TriggerSet>>,
    /// The statement can fail only before its first write, or with a
    /// storage error (which rolls the transaction back): it needs no
    /// statement savepoint (SQLite's "no statement journal" case). See
    /// [`single_write`].
    pub single_write: bool,
    /// No source column feeds two table columns: source values can be
    /// moved into the row instead of copied.
    pub movable: bool,
    /// Reused buffers: the source row and the table row.
    pub src_buf: Vec<Value>,
    pub row_buf: Vec<Value>,
    /// INSERT ... SELECT may insert each row as the SELECT produces it:
    /// the SELECT does not read the target table, the target has no
    /// triggers and no AUTOINCREMENT (SQLite's rule for writing straight
    /// into the table instead of through a temporary one, made stricter);
    /// foreign keys, checked at run time, also force materialising, as a
    /// REPLACE could cascade into a table the SELECT reads.
    pub stream: bool,
}

/// Can an INSERT run without a statement savepoint? One row (VALUES with a
/// single row, or DEFAULT VALUES) whose every possible failure other than a
/// storage error comes before the first write: no triggers, no REPLACE
/// conflict resolution (it deletes before it may fail), no DO UPDATE, no
/// RETURNING (evaluated after the write), no AUTOINCREMENT, no generated
/// columns, and no index
/// whose key needs an expression or a partial-index condition evaluated
/// (non-unique index keys are built after the row is written). Foreign keys
/// are checked at run time (`PRAGMA foreign_keys`).
fn single_write(p: &InsertPlan) -> bool {
    let one_row = match &p.source {
        InsertSource::DefaultValues => true,
        InsertSource::Select(plan) => matches!(
            &plan.body,
            crate::exec::select::Body::Values(v) if v.rows.len() == 1
        ),
    };
    let w = &p.writer;
    let t = &w.table;
    let replace = |r: Option<ResolveType>| r == Some(ResolveType::Replace);
    one_row
        && p.triggers.is_none()
        && !replace(p.or)
        && p.upsert.as_ref().is_none_or(|u| u.update.is_none())
        && w.returning.is_empty()
        && w.autoinc.is_none()
        && t.without_rowid.is_none()
        && t.gen.is_none()
        && !replace(t.pk_conflict)
        && w.indexes.iter().all(|iw| {
            iw.partial.is_none()
                && iw.exprs.iter().all(|e| e.is_none())
                && !replace(iw.index.on_conflict)
        })
}

/// An `ON CONFLICT ... DO NOTHING` clause: the conflict target's columns
/// (None = any uniqueness conflict).
pub struct DoNothing {
    pub target: Option<Vec<String>>,
    /// `DO UPDATE`: the existing row's slot, SET list and WHERE.
    pub update: Option<UpsertUpdate>,
}

pub struct UpsertUpdate {
    pub slot: usize,
    pub sets: Vec<(usize, CExpr)>,
    pub filter: Option<CExpr>,
}

impl DoNothing {
    fn matches(&self, t: &Table, idx: Option<&crate::schema::Index>) -> bool {
        let Some(cols) = &self.target else {
            return true;
        };
        match idx {
            None => {
                cols.len() == 1
                    && (t
                        .rowid_alias
                        .is_some_and(|a| t.columns[a].name.eq_ignore_ascii_case(&cols[0]))
                        || ["rowid", "oid", "_rowid_"]
                            .iter()
                            .any(|r| r.eq_ignore_ascii_case(&cols[0])))
            }
            Some(i) => {
                i.columns.len() == cols.len()
                    && i.columns.iter().all(|c| {
                        c.col.is_some_and(|ci| {
                            cols.iter()
                                .any(|n| t.columns[ci].name.eq_ignore_ascii_case(n))
                        })
                    })
            }
        }
    }
}

pub enum InsertSource {
    Select(SelectPlan),
    DefaultValues,
}

pub struct UpdatePlan {
    pub writer: TableWriter,
    pub scan: Source,
    pub scan_slot: usize,
    /// (column, new value expression) — column usize::MAX = rowid.
    pub sets: Vec<(usize, CExpr)>,
    pub or: Option<ResolveType>,
    pub triggers: Option<Box<TriggerSet>>,
    /// UPDATE ... FROM: the join producing the new values.
    pub from: Option<super::update_from::FromQuery>,
}

pub struct DeletePlan {
    pub writer: TableWriter,
    pub scan: Source,
    pub scan_slot: usize,
    pub truncate: bool,
    pub triggers: Option<Box<TriggerSet>>,
}

/// Outcome counters of a DML statement.
#[derive(Default)]
pub struct DmlResult {
    pub changes: i64,
    pub last_rowid: Option<i64>,
    /// A FAIL-resolved error: changes so far are kept.
    pub keep_partial: bool,
    /// A ROLLBACK-resolved error: the whole transaction is rolled back.
    pub rollback: bool,
    /// RETURNING rows.
    pub rows: Vec<Vec<Value>>,
    /// Rows changed by trigger programs (count toward total_changes only).
    pub trigger_changes: i64,
}

/// A column default naming a function that does not exist (or not with
/// that many arguments): SQLite accepts it at CREATE TABLE and reports
/// `unknown function: NAME()` when a row takes the default.
pub fn unknown_default_function(e: &chorus_storage::Error) -> Option<String> {
    let name = if let Some(n) = e.message.strip_prefix("no such function: ") {
        n
    } else {
        e.message
            .strip_prefix("wrong number of arguments to function ")?
            .strip_suffix("()")?
    };
    Some(format!("unknown function: {name}()"))
}

fn target_table(b: &Binder, qn: &ast::QualifiedName) -> Result<Arc<Table>> {
    if let Some(t) = super::attach::qualified_target(&b.schema, qn)? {
        return Ok(t);
    }
    let name = name_of(&qn.name);
    if b.schema.views.contains_key(&crate::schema::key(&name)) {
        return Err(err(format!("cannot modify {name} because it is a view")));
    }
    let k = crate::schema::key(&name);
    if k == "sqlite_schema" || k == "sqlite_master" {
        return Err(err(format!("table {name} may not be modified")));
    }
    b.schema
        .tables
        .get(&k)
        .cloned()
        .ok_or_else(|| err(format!("no such table: {name}")))
}

/// Build the writer: row slot scope with the table's columns; CHECKs,
/// defaults, index expressions compiled against it.
pub(crate) fn writer(b: &mut Binder, t: &Arc<Table>) -> Result<TableWriter> {
    let slot = b.alloc_slot();
    b.scopes.push(Scope {
        first_slot: slot,
        ..Default::default()
    });
    let info = SourceInfo {
        slot,
        name: t.name.clone(),
        columns: table_col_infos(t),
        table: None,
        coalesced: Vec::new(),
    };
    if let Some(s) = b.scopes.last_mut() {
        s.sources.push(info);
    }
    let r = (|| -> Result<TableWriter> {
        let mut w = TableWriter::new(t.clone(), slot);
        w.gens = crate::exec::generated::compile(b, t)?;
        for (name, e) in &t.checks {
            let c = b.expr(e)?;
            let label = name.clone().unwrap_or_else(|| format!("{e}"));
            w.checks.push((label, c));
        }
        for idx in b.schema.indexes_for(t) {
            let mut exprs = Vec::new();
            for c in &idx.columns {
                exprs.push(match &c.expr {
                    Some(e) => Some(b.expr(e)?),
                    None => None,
                });
            }
            let partial = match &idx.partial {
                Some(p) => Some(b.expr(p)?),
                None => None,
            };
            let ki = idx.key_info(t);
            w.indexes.push(IndexWriter::new(idx, ki, exprs, partial));
        }
        Ok(w)
    })();
    b.scopes.pop();
    let mut w = r?;
    // Defaults are bound without any column in scope.
    b.scopes.push(Scope::default());
    let mut defaults = Vec::new();
    let mut res = Ok(());
    for c in &t.columns {
        match &c.default {
            Some(e) => match b.expr(e) {
                Ok(x) => defaults.push(Some(x)),
                Err(e) => match unknown_default_function(&e) {
                    // Fails only when a row takes this default.
                    Some(msg) => defaults.push(Some(CExpr::Error(msg))),
                    None => {
                        res = Err(e);
                        break;
                    }
                },
            },
            None => defaults.push(None),
        }
    }
    b.scopes.pop();
    res?;
    w.defaults = defaults;
    if t.autoincrement {
        w.autoinc = b.schema.table("sqlite_sequence").map(|s| s.root);
    }
    Ok(w)
}

pub fn plan_insert(
    b: &mut Binder,
    or: Option<ResolveType>,
    qn: &ast::QualifiedName,
    columns: Option<&ast::DistinctNames>,
    body: &ast::InsertBody,
    with: Option<&ast::With>,
) -> Result<InsertPlan> {
    let t = target_table(b, qn)?;
    let w = writer(b, &t)?;
    let ncols = t.columns.len();
    let mut map: Vec<Option<usize>> = vec![None; ncols];
    let mut rowid_src = None;
    let mut upsert_plan: Option<DoNothing> = None;
    let n_src;
    let mut reads_target = false;
    let source = match body {
        ast::InsertBody::DefaultValues => {
            n_src = 0;
            InsertSource::DefaultValues
        }
        ast::InsertBody::Select(sel, upsert) => {
            if let Some(u) = upsert {
                if u.next.is_some() {
                    return Err(err("multiple ON CONFLICT clauses are not supported"));
                }
                if !matches!(u.do_clause, ast::UpsertDo::Nothing) && u.index.is_none() {
                    return Err(err(
                        "ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint",
                    ));
                }
                let target = match &u.index {
                    None => None,
                    Some(ix) => {
                        let mut cols = Vec::new();
                        for sc in &ix.targets {
                            match &sc.expr {
                                ast::Expr::Id(id) => cols.push(crate::schema::unquote(&id.0)),
                                ast::Expr::Name(n) => cols.push(name_of(n)),
                                _ => return Err(err("unsupported ON CONFLICT target")),
                            }
                        }
                        let ok = DoNothing {
                            target: Some(cols.clone()),
                            update: None,
                        };
                        let pk = crate::exec::without_rowid::pk_index(&t).map(Arc::new);
                        let any_index = pk
                            .into_iter()
                            .chain(b.schema.indexes_for(&t))
                            .any(|i| i.unique && ok.matches(&t, Some(&i)));
                        if !any_index && !ok.matches(&t, None) {
                            return Err(err("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint"));
                        }
                        Some(cols)
                    }
                };
                let update = match &u.do_clause {
                    ast::UpsertDo::Nothing => None,
                    ast::UpsertDo::Set { sets, where_clause } => Some(bind_upsert_update(
                        b,
                        &t,
                        w.row_slot,
                        sets,
                        where_clause.as_ref(),
                    )?),
                };
                upsert_plan = Some(DoNothing { target, update });
            }
            let mut sel = (**sel).clone();
            if sel.with.is_none() {
                sel.with = with.cloned();
            }
            let mark = b.tables_read.len();
            let (plan, _) = plan_select(b, &sel, None)?;
            reads_target = b.tables_read[mark..].contains(&t.root);
            n_src = plan.ncols;
            InsertSource::Select(plan)
        }
    };
    match columns {
        Some(cols) => {
            if n_src != cols.len() && !matches!(source, InsertSource::DefaultValues) {
                return Err(err(format!("{} values for {} columns", n_src, cols.len())));
            }
            for (i, c) in cols.iter().enumerate() {
                let n = name_of(c);
                match t.column_index(&n) {
                    Some(ci) if t.columns[ci].generated.is_some() => {
                        return Err(crate::exec::generated::insert_error(&t.columns[ci].name))
                    }
                    Some(ci) => map[ci] = Some(i),
                    None if super::insert_columns::is_ignored(&n) => {}
                    None => {
                        if t.without_rowid.is_none()
                            && ["rowid", "oid", "_rowid_"]
                                .iter()
                                .any(|r| r.eq_ignore_ascii_case(&n))
                        {
                            rowid_src = Some(i);
                        } else {
                            return Err(err(format!("table {} has no column named {n}", t.name)));
                        }
                    }
                }
            }
        }
        None => {
            // Generated columns take no value (exec/generated.rs).
            let writable: Vec<usize> = (0..ncols)
                .filter(|&i| t.columns[i].generated.is_none())
                .collect();
            if !matches!(source, InsertSource::DefaultValues) && n_src != writable.len() {
                return Err(err(format!(
                    "table {} has {} columns but {} values were supplied",
                    t.name,
                    writable.len(),
                    n_src
                )));
            }
            if !matches!(source, InsertSource::DefaultValues) {
                for (k, &i) in writable.iter().enumerate() {
                    map[i] = Some(k);
                }
            }
        }
    }
    if let Some(r) = rowid_src {
        // Explicit rowid column: route it through the alias slot if any.
        if let Some(a) = t.rowid_alias {
            if map[a].is_none() {
                map[a] = Some(r);
            }
        } else {
            map.push(Some(r));
        }
    }
    let mut triggers = plan_table_triggers(b, &t, Event::Insert, None, or)?;
    if let Some(ast::InsertBody::Select(_, Some(u))) = Some(body) {
        if let ast::UpsertDo::Set { sets, .. } = &u.do_clause {
            // DO UPDATE fires the UPDATE triggers.
            let names: Vec<String> = sets
                .iter()
                .flat_map(|s| s.col_names.iter().map(name_of))
                .collect();
            crate::stmt::trigger::plan_upsert_triggers(b, &t, &names, &mut triggers)?;
        }
    }
    let mut p = InsertPlan {
        writer: w,
        source,
        map,
        or,
        upsert: upsert_plan,
        triggers,
        single_write: false,
        movable: false,
        src_buf: Vec::new(),
        row_buf: Vec::new(),
        stream: false,
    };
    p.stream = matches!(p.source, InsertSource::Select(_))
        && !reads_target
        && p.triggers.is_none()
        && !t.autoincrement;
    let used: Vec<usize> = p.map.iter().filter_map(|m| *m).collect();
    p.movable = used
        .iter()
        .enumerate()
        .all(|(k, i)| !used[k + 1..].contains(i));
    p.single_write = single_write(&p);
    Ok(p)
}

fn integer_rowid(v: Value) -> Result<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Integer(i) => Ok(Some(i)),
        other => match apply_affinity(other, Affinity::Integer) {
            Value::Integer(i) => Ok(Some(i)),
            _ => Err(Error::new(ResultCode::MISMATCH, "datatype mismatch")),
        },
    }
}

/// Insert one complete row, resolving conflicts. Returns whether it was written.
#[allow(clippy::too_many_arguments)]
fn write_row(
    w: &mut TableWriter,
    cx: &mut Cx<'_>,
    values: &mut [Value],
    rowid: Option<i64>,
    fresh_rowid: bool,
    self_rowid: Option<i64>,
    or: Option<ResolveType>,
    upsert: Option<&DoNothing>,
    res: &mut DmlResult,
    mut triggers: Option<&mut TriggerSet>,
) -> Result<bool> {
    w.apply_affinities(values);
    // A rowid new_rowid just chose names no row: no rowid conflict check.
    let (rowid, fresh) = match rowid {
        Some(r) => (r, fresh_rowid),
        None => (w.new_rowid(cx)?, true),
    };
    if let Some(a) = w.table.rowid_alias {
        values[a] = Value::Integer(rowid);
    }
    match w.check(cx, values, rowid, or) {
        Ok(Verdict::Skip) => return Ok(false),
        Ok(Verdict::Write) => {}
        Err(v) => return Err(violation(v, res)),
    }
    let conflicts = w.conflicts(cx, values, rowid, self_rowid, !fresh)?;
    for (other, e, cc, idx) in conflicts {
        if let Some(target) = upsert {
            if target.matches(&w.table, idx.as_deref()) {
                if let Some(up) = &target.update {
                    let ts = triggers
                        .as_deref_mut()
                        .and_then(|t| t.on_upsert.as_deref_mut());
                    upsert_update(w, cx, up, other, res, ts)?;
                }
                return Ok(false);
            }
        }
        let resolve = or.or(cc).unwrap_or(ResolveType::Abort);
        match resolve {
            ResolveType::Ignore => return Ok(false),
            ResolveType::Replace => {
                let ts = triggers.as_deref_mut().and_then(|t| t.replace_set(cx));
                if !crate::exec::trigger::replace_delete(w, cx, ts, other, res)? {
                    // The conflicting row stays: the constraint fails.
                    return Err(e);
                }
            }
            r => {
                return Err(violation(
                    Violation {
                        error: e,
                        resolve: r,
                    },
                    res,
                ))
            }
        }
    }
    if let Some(old_rowid) = self_rowid {
        if old_rowid != rowid {
            // handled by caller (delete of the old row happened first)
        }
    }
    if fk::active(cx) {
        let t = w.table.clone();
        fk::before_insert(cx, &t, values)?;
    }
    if let Err(e) = w.insert(cx, values, rowid) {
        // Without a statement savepoint a half-done write is undone with
        // the whole transaction.
        res.rollback |= w.unjournaled;
        return Err(e);
    }
    Ok(true)
}

fn violation(v: Violation, res: &mut DmlResult) -> Error {
    match v.resolve {
        ResolveType::Fail => {
            res.keep_partial = true;
            v.error
        }
        ResolveType::Rollback => {
            res.rollback = true;
            v.error
        }
        _ => v.error,
    }
}

pub fn run_insert(p: &mut InsertPlan, cx: &mut Cx<'_>, res: &mut DmlResult) -> Result<()> {
    crate::exec::without_rowid::forget_handles(cx.env);
    if fk::active(cx) {
        let t = p.writer.table.clone();
        fk::prepare(cx, &t, None)?;
    }
    let mut src = std::mem::take(&mut p.src_buf);
    let mut values = std::mem::take(&mut p.row_buf);
    let r = (|| -> Result<()> {
        if let InsertSource::Select(plan) = &p.source {
            if let Body::Values(v) = &plan.body {
                if let [exprs] = v.rows.as_slice() {
                    // One VALUES row: evaluated straight into a reused
                    // buffer (nothing is written before it is complete, so
                    // it needs no materialising).
                    src.truncate(exprs.len());
                    src.resize(exprs.len(), Value::Null);
                    for (d, e) in src.iter_mut().zip(exprs) {
                        eval_into(e, cx, d)?;
                    }
                    return insert_row(p, cx, res, &mut src, &mut values);
                }
            }
        }
        if p.stream && !fk::active(cx) {
            // Row by row, as the SELECT produces them (see `stream`).
            let source = std::mem::replace(&mut p.source, InsertSource::DefaultValues);
            if let InsertSource::Select(mut plan) = source {
                let r = (|| -> Result<()> {
                    plan.open(cx)?;
                    while plan.next(cx)? {
                        let row = plan.row();
                        src.truncate(row.len());
                        src.resize(row.len(), Value::Null);
                        for (d, v) in src.iter_mut().zip(row) {
                            crate::exec::write::assign_value(d, v);
                        }
                        insert_row(p, cx, res, &mut src, &mut values)?;
                    }
                    Ok(())
                })();
                plan.close();
                p.source = InsertSource::Select(plan);
                return r;
            }
            p.source = source;
        }
        let mut rows: Vec<Vec<Value>> = Vec::new();
        match &mut p.source {
            InsertSource::DefaultValues => rows.push(Vec::new()),
            InsertSource::Select(plan) => {
                // Materialise first: the source may read the target table.
                plan.open(cx)?;
                while plan.next(cx)? {
                    rows.push(plan.row().to_vec());
                }
                plan.close();
            }
        }
        for mut row in rows {
            insert_row(p, cx, res, &mut row, &mut values)?;
        }
        Ok(())
    })();
    p.src_buf = src;
    p.row_buf = values;
    r
}

/// Evaluate `e` into `dst`; a bound parameter is copied into `dst`'s
/// buffer (no allocation per row for text and blob parameters).
fn eval_into(e: &CExpr, cx: &mut Cx<'_>, dst: &mut Value) -> Result<()> {
    match e {
        CExpr::Param(i) => match cx.env.params.get(*i) {
            Some(v) => crate::exec::write::assign_value(dst, v),
            None => *dst = Value::Null,
        },
        _ => *dst = e.eval(cx)?,
    }
    Ok(())
}

/// Insert one source row: spread it over the table's columns (in `values`,
/// a buffer reused across rows) and write it.
fn insert_row(
    p: &mut InsertPlan,
    cx: &mut Cx<'_>,
    res: &mut DmlResult,
    src: &mut [Value],
    values: &mut Vec<Value>,
) -> Result<()> {
    let ncols = p.writer.table.columns.len();
    let alias = p.writer.table.rowid_alias;
    values.truncate(ncols);
    values.resize(ncols, Value::Null);
    for (c, slot) in values.iter_mut().enumerate() {
        match p.map.get(c).copied().flatten() {
            // Source values move into the row when no source column feeds
            // two places (the usual case; the row's old buffers go back to
            // the source for reuse); otherwise they are copied.
            Some(i) if p.movable => match src.get_mut(i) {
                Some(v) => std::mem::swap(slot, v),
                None => *slot = Value::Null,
            },
            Some(i) => match src.get(i) {
                Some(v) => crate::exec::write::assign_value(slot, v),
                None => *slot = Value::Null,
            },
            None => {
                *slot = match p.writer.defaults.get(c).and_then(|d| d.as_ref()) {
                    Some(d) => d.eval(cx)?,
                    None => Value::Null,
                }
            }
        }
    }
    let explicit_rowid = if let Some(a) = alias {
        integer_rowid(std::mem::replace(&mut values[a], Value::Null))?
    } else if let Some(Some(i)) = p.map.get(ncols) {
        integer_rowid(src.get(*i).cloned().unwrap_or(Value::Null))?
    } else {
        None
    };
    if let Some(ts) = p.triggers.as_mut().filter(|t| t.has_before()) {
        // BEFORE INSERT sees defaults and affinities; an unset rowid is -1.
        let mut nv = values.clone();
        p.writer.apply_affinities(&mut nv);
        let r = explicit_rowid.unwrap_or(-1);
        if let Some(a) = alias {
            nv[a] = Value::Integer(r);
        }
        let img = RowImage {
            values: &nv,
            rowid: r,
        };
        if !ts.fire_before(cx, None, Some(img), res)? {
            return Ok(());
        }
    }
    let fresh = explicit_rowid.is_none();
    let rowid = match explicit_rowid {
        Some(r) => r,
        None => p.writer.new_rowid(cx)?,
    };
    if write_row(
        &mut p.writer,
        cx,
        values,
        Some(rowid),
        fresh,
        None,
        p.or,
        p.upsert.as_ref(),
        res,
        p.triggers.as_deref_mut(),
    )? {
        res.changes += 1;
        if let Some(r) = p.writer.returning_row(cx)? {
            res.rows.push(r);
        }
        if p.writer.table.without_rowid.is_none() {
            res.last_rowid = Some(rowid);
            // Visible at once to the rest of the statement, as SQLite's
            // last_insert_rowid() is (INSERT ... SELECT streams its rows).
            cx.env.facts.last_insert_rowid = rowid;
        }
        if let Some(seq) = p.writer.autoinc {
            let name = p.writer.table.name.clone();
            crate::exec::autoincrement::note_rowid(&mut *cx.store, seq, &name, rowid)?;
        }
        if let Some(ts) = p.triggers.as_mut().filter(|t| t.has_after()) {
            // The row slot keeps the written row; lend its values.
            let slot = p.writer.row_slot;
            let nv = std::mem::take(&mut cx.env.slots[slot].values);
            let img = RowImage { values: &nv, rowid };
            let r = ts.fire_after(cx, None, Some(img), res);
            cx.env.slots[slot].values = nv;
            r?;
        }
    }
    Ok(())
}

/// Scan source for UPDATE/DELETE: the table with WHERE pushed in.
fn plan_scan(
    b: &mut Binder,
    t: &Arc<Table>,
    alias: Option<&ast::Name>,
    where_clause: Option<&ast::Expr>,
) -> Result<(Source, usize)> {
    let slot = b.alloc_slot();
    b.scopes.push(Scope {
        first_slot: slot,
        ..Default::default()
    });
    let info = SourceInfo {
        slot,
        name: alias.map(name_of).unwrap_or_else(|| t.name.clone()),
        columns: table_col_infos(t),
        table: Some(t.clone()),
        coalesced: Vec::new(),
    };
    if let Some(s) = b.scopes.last_mut() {
        s.sources.push(info);
    }
    let r = (|| -> Result<Source> {
        let mut terms = Vec::new();
        if let Some(w) = where_clause {
            for c in conjuncts(w) {
                if crate::plan::bind::has_aggregate(c) {
                    return Err(err("misuse of aggregate"));
                }
                terms.push(b.expr(c)?);
            }
        }
        crate::plan::index_expr::prepare(b, t, slot);
        let access = crate::plan::select::choose_access_pub(b, t, slot, &[], &mut terms);
        let mut scan = TableScan::new(slot, t.root, t.rowid_alias, access);
        scan.wr = crate::exec::without_rowid::WrScan::of(t, true);
        crate::exec::without_rowid::set_index_pk_pos(&mut scan, &b.schema, t);
        scan.real_cols = t.real_columns();
        scan.defaults = crate::stmt::alter::record_defaults(t);
        scan.colmap = crate::exec::generated::slot_colmap(t);
        scan.label = t.name.clone();
        scan.filter = and_all(terms);
        Ok(Source::Table(Box::new(scan)))
    })();
    // Keep the scope for SET expressions: caller pops.
    match r {
        Ok(s) => Ok((s, slot)),
        Err(e) => {
            b.scopes.pop();
            Err(e)
        }
    }
}

pub fn plan_update(
    b: &mut Binder,
    or: Option<ResolveType>,
    qn: &ast::QualifiedName,
    sets: &[ast::Set],
    from: Option<&ast::FromClause>,
    where_clause: Option<&ast::Expr>,
) -> Result<UpdatePlan> {
    let t = target_table(b, qn)?;
    let w = writer(b, &t)?;
    let set_col = |n: &str| set_target(&t, n);
    if let Some(from) = from {
        // The assigned (column, expression) pairs, row values spread out.
        let mut targets: Vec<(usize, &ast::Expr)> = Vec::new();
        for s in sets {
            if s.col_names.len() == 1 {
                targets.push((set_col(&name_of(&s.col_names[0]))?, &s.expr));
                continue;
            }
            let ast::Expr::Parenthesized(v) = &s.expr else {
                return Err(err("row value misused"));
            };
            if v.len() != s.col_names.len() {
                return Err(err(format!(
                    "{} columns assigned {} values",
                    s.col_names.len(),
                    v.len()
                )));
            }
            for (n, e) in s.col_names.iter().zip(v) {
                targets.push((set_col(&name_of(n))?, e));
            }
        }
        let (q, sets) = super::update_from::plan(b, &t, qn, &targets, from, where_clause)?;
        let (scan, scan_slot) = plan_scan(b, &t, qn.alias.as_ref(), None)?;
        b.scopes.pop();
        let set_names: Vec<String> = targets
            .iter()
            .map(|&(c, _)| {
                if c == usize::MAX {
                    "rowid".to_string()
                } else {
                    t.columns[c].name.clone()
                }
            })
            .collect();
        let triggers = plan_table_triggers(b, &t, Event::Update, Some(&set_names), or)?;
        return Ok(UpdatePlan {
            writer: w,
            scan,
            scan_slot,
            sets,
            or,
            triggers,
            from: Some(q),
        });
    }
    let (scan, scan_slot) = plan_scan(b, &t, qn.alias.as_ref(), where_clause)?;
    let r = (|| -> Result<Vec<(usize, CExpr)>> {
        let mut out = Vec::new();
        for s in sets {
            if s.col_names.len() != 1 {
                let vals = b.row_set(s.col_names.len(), &s.expr)?;
                for (n, v) in s.col_names.iter().zip(vals) {
                    out.push((set_col(&name_of(n))?, v));
                }
                continue;
            }
            let col = set_col(&name_of(&s.col_names[0]))?;
            out.push((col, b.expr(&s.expr)?));
        }
        Ok(out)
    })();
    b.scopes.pop();
    let set_names: Vec<String> = sets
        .iter()
        .flat_map(|s| s.col_names.iter().map(name_of))
        .collect();
    let triggers = plan_table_triggers(b, &t, Event::Update, Some(&set_names), or)?;
    Ok(UpdatePlan {
        writer: w,
        scan,
        scan_slot,
        sets: r?,
        or,
        triggers,
        from: None,
    })
}

/// The rowids of the rows UPDATE or DELETE will change. A scan of the
/// writer's own rowid table runs on the writer's cursor, lent for the scan:
/// the writer's `read_row` then finds the (last) row in the leaf the scan
/// left the cursor on, with no descent from the root (nothing is written
/// in between, so the cursor's pages are current).
fn collect_rowids(
    scan: &mut Source,
    slot: usize,
    cx: &mut Cx<'_>,
    writer: &mut TableWriter,
) -> Result<Vec<i64>> {
    let lend = match scan {
        Source::Table(ts) => {
            ts.wr.is_none() && ts.root == writer.table.root && writer.table.without_rowid.is_none()
        }
        _ => false,
    };
    let mut lent = None;
    if lend {
        if let Source::Table(ts) = scan {
            writer.swap_cursor(&mut lent);
            ts.swap_cursor(&mut lent);
        }
    }
    let mut out = Vec::new();
    scan.open();
    let r = (|| {
        while scan.next(cx)? {
            out.push(cx.env.slots[slot].rowid);
        }
        Ok(())
    })();
    if lend {
        if let Source::Table(ts) = scan {
            // Back: the scan's own cursor to the scan, the writer's (or the
            // one the scan opened in its place) to the writer.
            ts.swap_cursor(&mut lent);
            writer.swap_cursor(&mut lent);
        }
    }
    r.map(|()| out)
}

pub fn run_update(p: &mut UpdatePlan, cx: &mut Cx<'_>, res: &mut DmlResult) -> Result<()> {
    crate::exec::without_rowid::forget_handles(cx.env);
    if fk::active(cx) {
        let t = p.writer.table.clone();
        let mut changed = vec![false; t.columns.len()];
        for (c, _) in &p.sets {
            match (*c, t.rowid_alias) {
                (usize::MAX, Some(a)) => changed[a] = true,
                (usize::MAX, None) => {}
                (c, _) => changed[c] = true,
            }
        }
        fk::prepare(cx, &t, Some(&changed))?;
    }
    let work: Vec<(i64, Option<Vec<Value>>)> = match &mut p.from {
        Some(q) => super::update_from::rows(q, cx, &mut p.writer)?
            .into_iter()
            .map(|(r, v)| (r, Some(v)))
            .collect(),
        None => collect_rowids(&mut p.scan, p.scan_slot, cx, &mut p.writer)?
            .into_iter()
            .map(|r| (r, None))
            .collect(),
    };
    let alias = p.writer.table.rowid_alias;
    for (rowid, joined) in work {
        let Some(old) = p.writer.read_row(cx, rowid)? else {
            continue;
        };
        if let (Some(q), Some(v)) = (&p.from, joined) {
            super::update_from::load(q, cx, v);
        }
        // The scan slot holds the old row for SET expressions.
        {
            let s = &mut cx.env.slots[p.scan_slot];
            s.values.clone_from(&old);
            s.rowid = rowid;
            s.materialized = true;
            s.null_row = false;
        }
        let mut new = old.clone();
        let new_rowid = eval_sets(&p.sets, cx, &mut new, rowid)?;
        if let Some(a) = alias {
            if p.sets.iter().any(|(c, _)| *c == usize::MAX) {
                new[a] = Value::Integer(new_rowid);
            }
        }
        p.writer.apply_affinities(&mut new);
        if let Some(a) = alias {
            new[a] = Value::Integer(new_rowid);
        }
        let mut old = old;
        if let Some(ts) = p.triggers.as_mut().filter(|t| t.has_before()) {
            let o = RowImage {
                values: &old,
                rowid,
            };
            let n = RowImage {
                values: &new,
                rowid: new_rowid,
            };
            if !ts.fire_before(cx, Some(o), Some(n), res)? {
                continue;
            }
            // The trigger may have changed or deleted the row.
            match p.writer.read_row(cx, rowid)? {
                Some(o) => old = o,
                None => continue,
            }
        }
        match p.writer.check(cx, &mut new, new_rowid, p.or) {
            Ok(Verdict::Skip) => continue,
            Ok(Verdict::Write) => {}
            Err(v) => return Err(violation(v, res)),
        }
        let conflicts = p
            .writer
            .conflicts(cx, &new, new_rowid, Some(rowid), new_rowid != rowid)?;
        let mut skip = false;
        for (other, e, cc, _idx) in conflicts {
            match p.or.or(cc).unwrap_or(ResolveType::Abort) {
                ResolveType::Ignore => {
                    skip = true;
                    break;
                }
                ResolveType::Replace => {
                    let ts = p.triggers.as_deref_mut().and_then(|t| t.replace_set(cx));
                    if !crate::exec::trigger::replace_delete(&mut p.writer, cx, ts, other, res)? {
                        // The conflicting row stays: the constraint fails.
                        return Err(e);
                    }
                }
                r => {
                    return Err(violation(
                        Violation {
                            error: e,
                            resolve: r,
                        },
                        res,
                    ))
                }
            }
        }
        if skip {
            continue;
        }
        let fk_on = fk::active(cx);
        if !fk_on && new_rowid == rowid && p.writer.table.without_rowid.is_none() {
            // No foreign-key actions to run between the delete and the insert
            // and a real rowid: overwrite in place, touching only the index
            // entries that change.
            p.writer.update(cx, &old, &new, rowid)?;
        } else {
            let t = p.writer.table.clone();
            let mut changed = vec![false; t.columns.len()];
            if fk_on {
                for (c, _) in &p.sets {
                    match (*c, alias) {
                        (usize::MAX, Some(a)) => changed[a] = true,
                        (usize::MAX, None) => {}
                        (c, _) => changed[c] = true,
                    }
                }
                fk::before_update(cx, &t, &old, rowid, &changed)?;
            }
            p.writer.delete(cx, &old, rowid)?;
            if fk_on {
                fk::before_update_new(cx, &t, &new, &changed)?;
            }
            p.writer.insert(cx, &new, new_rowid)?;
            if fk_on {
                fk::after_update(cx, &t, &old, &new, &changed)?;
            }
        }
        res.changes += 1;
        if let Some(r) = p.writer.returning_row(cx)? {
            res.rows.push(r);
        }
        if let Some(ts) = p.triggers.as_mut().filter(|t| t.has_after()) {
            let o = RowImage {
                values: &old,
                rowid,
            };
            let n = RowImage {
                values: &new,
                rowid: new_rowid,
            };
            ts.fire_after(cx, Some(o), Some(n), res)?;
        }
    }
    Ok(())
}

pub fn plan_delete(
    b: &mut Binder,
    qn: &ast::QualifiedName,
    where_clause: Option<&ast::Expr>,
) -> Result<DeletePlan> {
    let t = target_table(b, qn)?;
    let w = writer(b, &t)?;
    let (scan, scan_slot) = plan_scan(b, &t, qn.alias.as_ref(), where_clause)?;
    b.scopes.pop();
    let triggers = plan_table_triggers(b, &t, Event::Delete, None, None)?;
    let truncate = where_clause.is_none() && !b.returning_pending && triggers.is_none();
    let _ = Access::Full;
    Ok(DeletePlan {
        writer: w,
        scan,
        scan_slot,
        truncate,
        triggers,
    })
}

pub fn run_delete(p: &mut DeletePlan, cx: &mut Cx<'_>, res: &mut DmlResult) -> Result<()> {
    crate::exec::without_rowid::forget_handles(cx.env);
    if fk::active(cx) {
        let t = p.writer.table.clone();
        fk::prepare(cx, &t, None)?;
    }
    let rowids = collect_rowids(&mut p.scan, p.scan_slot, cx, &mut p.writer)?;
    if p.truncate && !fk::active(cx) {
        res.changes += rowids.len() as i64;
        cx.store.clear_tree(p.writer.table.root)?;
        for iw in &p.writer.indexes {
            cx.store.clear_tree(iw.index.root)?;
        }
        return Ok(());
    }
    for rowid in rowids {
        let Some(mut old) = p.writer.read_row(cx, rowid)? else {
            continue;
        };
        let t = p.writer.table.clone();
        if let Some(ts) = p.triggers.as_mut().filter(|t| t.has_before()) {
            let o = RowImage {
                values: &old,
                rowid,
            };
            if !ts.fire_before(cx, Some(o), None, res)? {
                continue;
            }
            match p.writer.read_row(cx, rowid)? {
                Some(o) => old = o,
                None => continue,
            }
        }
        fk::before_delete(cx, &t, &old, rowid)?;
        p.writer.delete(cx, &old, rowid)?;
        fk::after_delete(cx, &t, &old)?;
        res.changes += 1;
        if let Some(r) = p.writer.returning_row(cx)? {
            res.rows.push(r);
        }
        if let Some(ts) = p.triggers.as_mut().filter(|t| t.has_after()) {
            let o = RowImage {
                values: &old,
                rowid,
            };
            ts.fire_after(cx, Some(o), None, res)?;
        }
    }
    Ok(())
}

/// Bind a RETURNING list against the writer's row slot; returns the names.
pub fn bind_returning(
    b: &mut Binder,
    w: &mut TableWriter,
    cols: &[ast::ResultColumn],
    sql: &str,
) -> Result<Vec<String>> {
    let spans = crate::plan::names::returning_spans(sql);
    let t = w.table.clone();
    b.scopes.push(Scope {
        first_slot: w.row_slot,
        ..Default::default()
    });
    if let Some(s) = b.scopes.last_mut() {
        s.sources.push(SourceInfo {
            slot: w.row_slot,
            name: t.name.clone(),
            columns: table_col_infos(&t),
            table: Some(t.clone()),
            coalesced: Vec::new(),
        });
    }
    let r = (|| -> Result<Vec<String>> {
        let mut names = Vec::new();
        for (ci, c) in cols.iter().enumerate() {
            match c {
                ast::ResultColumn::Star | ast::ResultColumn::TableStar(_) => {
                    for (i, col) in t.columns.iter().enumerate() {
                        let colno = if t.rowid_alias == Some(i) {
                            usize::MAX
                        } else {
                            i
                        };
                        w.returning.push(CExpr::Column {
                            slot: w.row_slot,
                            col: colno,
                        });
                        names.push(col.name.clone());
                    }
                }
                ast::ResultColumn::Expr(e, alias) => {
                    w.returning.push(b.expr(e)?);
                    names.push(match alias {
                        Some(ast::As::As(n) | ast::As::Elided(n)) => name_of(n),
                        None => match e {
                            ast::Expr::Id(id) => {
                                let n = crate::schema::unquote(&id.0);
                                match t.column_index(&n) {
                                    Some(i) => t.columns[i].name.clone(),
                                    None if ["rowid", "oid", "_rowid_"]
                                        .iter()
                                        .any(|r| r.eq_ignore_ascii_case(&n)) =>
                                    {
                                        t.rowid_alias
                                            .map(|a| t.columns[a].name.clone())
                                            .unwrap_or(n)
                                    }
                                    None => n,
                                }
                            }
                            other => spans.get(ci).cloned().unwrap_or_else(|| format!("{other}")),
                        },
                    });
                }
            }
        }
        Ok(names)
    })();
    b.scopes.pop();
    r
}

/// The column an UPDATE or upsert SET assigns: its index, or `usize::MAX`
/// for the rowid (or its INTEGER PRIMARY KEY alias: the row may move).
fn set_target(t: &Table, n: &str) -> Result<usize> {
    Ok(match t.column_index(n) {
        Some(c) if Some(c) == t.rowid_alias => usize::MAX,
        Some(c) if t.columns[c].generated.is_some() => {
            return Err(crate::exec::generated::update_error(&t.columns[c].name))
        }
        Some(c) => c,
        None if t.without_rowid.is_none()
            && ["rowid", "oid", "_rowid_"]
                .iter()
                .any(|r| r.eq_ignore_ascii_case(n)) =>
        {
            usize::MAX
        }
        None => return Err(err(format!("no such column: {n}"))),
    })
}

/// Evaluate SET assignments over `new` (the old row's copy); returns the
/// row's rowid afterwards (`rowid` unless the rowid is assigned).
fn eval_sets(
    sets: &[(usize, CExpr)],
    cx: &mut Cx<'_>,
    new: &mut [Value],
    rowid: i64,
) -> Result<i64> {
    let mut new_rowid = rowid;
    for (col, e) in sets {
        let v = e.eval(cx)?;
        if *col == usize::MAX {
            match integer_rowid(v)? {
                Some(r) => new_rowid = r,
                None => return Err(Error::new(ResultCode::MISMATCH, "datatype mismatch")),
            }
        } else if let Some(slot) = new.get_mut(*col) {
            *slot = v;
        }
    }
    Ok(new_rowid)
}

fn bind_upsert_update(
    b: &mut Binder,
    t: &Arc<Table>,
    excluded_slot: usize,
    sets: &[ast::Set],
    where_clause: Option<&ast::Expr>,
) -> Result<UpsertUpdate> {
    let slot = b.alloc_slot();
    b.scopes.push(Scope {
        first_slot: slot,
        ..Default::default()
    });
    if let Some(s) = b.scopes.last_mut() {
        s.sources.push(SourceInfo {
            slot,
            name: t.name.clone(),
            columns: table_col_infos(t),
            table: Some(t.clone()),
            coalesced: Vec::new(),
        });
        s.sources.push(SourceInfo {
            slot: excluded_slot,
            name: "excluded".into(),
            // Only reachable qualified (excluded.x).
            columns: table_col_infos(t)
                .into_iter()
                .map(|mut c| {
                    c.hidden = true;
                    c
                })
                .collect(),
            table: Some(t.clone()),
            coalesced: Vec::new(),
        });
    }
    let r = (|| -> Result<UpsertUpdate> {
        let mut out = Vec::new();
        for s in sets {
            if s.col_names.len() != 1 {
                return Err(err("row value assignments are not supported"));
            }
            let col = set_target(t, &name_of(&s.col_names[0]))?;
            out.push((col, b.expr(&s.expr)?));
        }
        let filter = match where_clause {
            Some(w) => Some(b.expr(w)?),
            None => None,
        };
        Ok(UpsertUpdate {
            slot,
            sets: out,
            filter,
        })
    })();
    b.scopes.pop();
    r
}

/// `DO UPDATE` on the conflicting row `rowid` (the proposed row is in the
/// writer's row slot, read as `excluded`).
fn upsert_update(
    w: &mut TableWriter,
    cx: &mut Cx<'_>,
    up: &UpsertUpdate,
    rowid: i64,
    res: &mut DmlResult,
    mut triggers: Option<&mut TriggerSet>,
) -> Result<()> {
    // Keep the proposed row: read_row/set_slot below reuse the row slot.
    let excluded = cx.env.slots[w.row_slot].clone();
    let Some(old) = w.read_row(cx, rowid)? else {
        return Ok(());
    };
    {
        let s = &mut cx.env.slots[up.slot];
        s.values.clone_from(&old);
        s.rowid = rowid;
        s.materialized = true;
        s.null_row = false;
    }
    cx.env.slots[w.row_slot] = excluded;
    if let Some(f) = &up.filter {
        if !f.test(cx)? {
            return Ok(());
        }
    }
    let mut new = old.clone();
    let new_rowid = eval_sets(&up.sets, cx, &mut new, rowid)?;
    w.apply_affinities(&mut new);
    if let Some(a) = w.table.rowid_alias {
        new[a] = Value::Integer(new_rowid);
    }
    let mut old = old;
    if let Some(ts) = triggers.as_deref_mut().filter(|t| t.has_before()) {
        let (o, n) = (
            RowImage {
                values: &old,
                rowid,
            },
            RowImage {
                values: &new,
                rowid: new_rowid,
            },
        );
        if !ts.fire_before(cx, Some(o), Some(n), res)? {
            return Ok(());
        }
        match w.read_row(cx, rowid)? {
            Some(o) => old = o,
            None => return Ok(()),
        }
    }
    match w.check(cx, &mut new, new_rowid, None) {
        Ok(Verdict::Skip) => return Ok(()),
        Ok(Verdict::Write) => {}
        Err(v) => return Err(violation(v, res)),
    }
    let conflicts = w.conflicts(cx, &new, new_rowid, Some(rowid), new_rowid != rowid)?;
    if let Some((_, e, _, _)) = conflicts.into_iter().next() {
        return Err(e);
    }
    let t = w.table.clone();
    let fk_on = fk::active(cx);
    let mut changed = vec![false; t.columns.len()];
    for (col, _) in &up.sets {
        let col = match (*col, t.rowid_alias) {
            (usize::MAX, Some(a)) => a,
            (c, _) => c,
        };
        if let Some(c) = changed.get_mut(col) {
            *c = true;
        }
    }
    if fk_on {
        fk::before_update(cx, &t, &old, rowid, &changed)?;
    }
    w.delete(cx, &old, rowid)?;
    if fk_on {
        fk::before_update_new(cx, &t, &new, &changed)?;
    }
    w.insert(cx, &new, new_rowid)?;
    if fk_on {
        fk::after_update(cx, &t, &old, &new, &changed)?;
    }
    res.changes += 1;
    // RETURNING reports the updated row (left in the row slot).
    if let Some(r) = w.returning_row(cx)? {
        res.rows.push(r);
    }
    if let Some(ts) = triggers.filter(|t| t.has_after()) {
        let (o, n) = (
            RowImage {
                values: &old,
                rowid,
            },
            RowImage {
                values: &new,
                rowid: new_rowid,
            },
        );
        ts.fire_after(cx, Some(o), Some(n), res)?;
    }
    Ok(())
}
