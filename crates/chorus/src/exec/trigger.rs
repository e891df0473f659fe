//! Firing triggers. A [`TriggerSet`] holds the triggers one write statement
//! fires (BEFORE and AFTER, or INSTEAD OF for a view) with their compiled
//! programs. A program runs in its own [`Env`]: NEW and OLD are row slots
//! filled from the row being written; body statements run with their own
//! change counters (their rows count toward total_changes, not changes()).
//!
//! Programs are compiled with the statement that fires them, down to
//! [`EAGER_DEPTH`] levels of triggers firing triggers; deeper ones (and
//! cycles) compile when they first fire.
//!
//! Recursion: a trigger already running further up the stack does not fire
//! again unless `PRAGMA recursive_triggers` is on; the depth is limited to
//! [`MAX_TRIGGER_DEPTH`]. A program instance in use by an outer firing is
//! not shared: a recursive firing takes another instance (compiled on
//! demand) from the trigger's pool.
//!
//! RAISE(): ABORT fails the statement with SQLITE_CONSTRAINT_TRIGGER;
//! FAIL also keeps the statement's earlier rows; ROLLBACK ends the
//! transaction; IGNORE abandons the current row of the statement that fired
//! the trigger (and the remaining triggers for that row). Inside a program,
//! RAISE travels as an error with one of the private codes below, turned
//! into the public code where the program ends.

use super::env::Env;
use super::expr::{CExpr, Cx};
use super::select::SelectPlan;
use crate::plan::bind::{err, Binder};
use crate::schema::{key, Schema};
use crate::stmt::dml::{run_delete, run_insert, run_update, DeletePlan, DmlResult};
use crate::stmt::dml::{InsertPlan, UpdatePlan};
use crate::stmt::trigger::{compile_program, Event, Trigger};
use chorus_storage::{Error, Result, ResultCode, Value};
use sqlite3_parser::ast::ResolveType;
use std::sync::Arc;

/// SQLITE_CONSTRAINT_TRIGGER.
pub const CONSTRAINT_TRIGGER: ResultCode = ResultCode(19 | (7 << 8));
/// Private codes carrying RAISE(IGNORE/FAIL/ROLLBACK) out of a program.
pub const RAISE_IGNORE: ResultCode = ResultCode(0x4000_0000 | 1811);
pub const RAISE_FAIL: ResultCode = ResultCode(0x4100_0000 | 1811);
pub const RAISE_ROLLBACK: ResultCode = ResultCode(0x4200_0000 | 1811);
/// SQLITE_MAX_TRIGGER_DEPTH.
pub const MAX_TRIGGER_DEPTH: usize = 1000;
/// Programs nested deeper than this (triggers fired by triggers) compile
/// when they first fire, so compiling a long chain of triggers does not
/// recurse without bound.
const EAGER_DEPTH: usize = 6;

/// The compiled form of `RAISE(kind, msg)`.
pub fn raise_expr(kind: ResolveType, msg: String) -> CExpr {
    let code = match kind {
        ResolveType::Ignore => RAISE_IGNORE,
        ResolveType::Fail => RAISE_FAIL,
        ResolveType::Rollback => RAISE_ROLLBACK,
        _ => CONSTRAINT_TRIGGER,
    };
    CExpr::Raise(code, msg)
}

/// One statement of a trigger body.
pub enum Step {
    Insert(Box<InsertPlan>),
    Update(Box<UpdatePlan>),
    Delete(Box<DeletePlan>),
    Select(SelectPlan),
    View(Box<ViewWritePlan>),
}

pub struct TriggerProgram {
    pub env: Env,
    /// Foreign key writers built against `env` (see `FkState::swap_writers`).
    pub fk_writers: std::collections::HashMap<String, crate::exec::write::TableWriter>,
    pub new_slot: Option<usize>,
    pub old_slot: Option<usize>,
    pub ncols: usize,
    pub when: Option<CExpr>,
    pub steps: Vec<Step>,
}

/// A row image handed to a trigger: column values (rowid alias included)
/// and the rowid.
#[derive(Clone, Copy)]
pub struct RowImage<'a> {
    pub values: &'a [Value],
    pub rowid: i64,
}

struct Fired {
    trig: Arc<Trigger>,
    /// Identity on the running-trigger stack.
    id: String,
    /// Idle program instances.
    pool: Vec<TriggerProgram>,
}

pub struct TriggerSet {
    schema: Arc<Schema>,
    or: Option<ResolveType>,
    before: Vec<Fired>,
    after: Vec<Fired>,
    /// DELETE triggers of the same table, fired for rows that REPLACE
    /// conflict resolution deletes when `recursive_triggers` is on.
    pub on_replace: Option<Box<TriggerSet>>,
    /// UPDATE triggers of the same table, fired by an upsert's DO UPDATE.
    pub on_upsert: Option<Box<TriggerSet>>,
}

impl TriggerSet {
    /// Compile the programs of `before` and `after` (those not already being
    /// compiled further up: they compile when they first fire).
    pub fn new(
        b: &Binder,
        before: Vec<Arc<Trigger>>,
        after: Vec<Arc<Trigger>>,
        or: Option<ResolveType>,
        eager: bool,
    ) -> Result<TriggerSet> {
        let mk = |list: Vec<Arc<Trigger>>| -> Result<Vec<Fired>> {
            let mut out = Vec::new();
            for t in list {
                let id = key(&t.name);
                let mut pool = Vec::new();
                if eager && !b.trigger_stack.contains(&id) && b.trigger_stack.len() < EAGER_DEPTH {
                    pool.push(compile_program(&b.schema, &t, or, &b.trigger_stack)?);
                }
                out.push(Fired { trig: t, id, pool });
            }
            Ok(out)
        };
        Ok(TriggerSet {
            schema: b.schema.clone(),
            or,
            before: mk(before)?,
            after: mk(after)?,
            on_replace: None,
            on_upsert: None,
        })
    }

    /// The DELETE triggers REPLACE fires (only with recursive_triggers on).
    pub fn replace_set<'a>(&'a mut self, cx: &Cx<'_>) -> Option<&'a mut TriggerSet> {
        if !cx.env.facts.recursive_triggers {
            return None;
        }
        self.on_replace.as_deref_mut()
    }

    /// An empty set (holding only `on_replace` / `on_upsert`).
    pub fn empty(schema: Arc<Schema>) -> TriggerSet {
        TriggerSet {
            schema,
            or: None,
            before: Vec::new(),
            after: Vec::new(),
            on_replace: None,
            on_upsert: None,
        }
    }

    pub fn has_before(&self) -> bool {
        !self.before.is_empty()
    }

    pub fn has_after(&self) -> bool {
        !self.after.is_empty()
    }

    /// Fire the BEFORE (or INSTEAD OF) triggers. Ok(false): RAISE(IGNORE),
    /// skip the row.
    pub fn fire_before(
        &mut self,
        cx: &mut Cx<'_>,
        old: Option<RowImage<'_>>,
        new: Option<RowImage<'_>>,
        res: &mut DmlResult,
    ) -> Result<bool> {
        fire_list(&self.schema, self.or, &mut self.before, cx, old, new, res)
    }

    /// Fire the AFTER triggers.
    pub fn fire_after(
        &mut self,
        cx: &mut Cx<'_>,
        old: Option<RowImage<'_>>,
        new: Option<RowImage<'_>>,
        res: &mut DmlResult,
    ) -> Result<bool> {
        fire_list(&self.schema, self.or, &mut self.after, cx, old, new, res)
    }
}

/// Delete row `rowid` (a REPLACE conflict), firing `ts`'s DELETE triggers
/// around it when given. Ok(false): a BEFORE DELETE trigger said
/// RAISE(IGNORE), so the conflicting row stays (and the constraint fails).
pub fn replace_delete(
    w: &mut crate::exec::write::TableWriter,
    cx: &mut Cx<'_>,
    ts: Option<&mut TriggerSet>,
    rowid: i64,
    res: &mut DmlResult,
) -> Result<bool> {
    let Some(mut old) = w.read_row(cx, rowid)? else {
        return Ok(true);
    };
    let Some(ts) = ts else {
        crate::exec::foreign_key::before_delete(cx, &w.table, &old, rowid)?;
        w.delete(cx, &old, rowid)?;
        crate::exec::foreign_key::after_delete(cx, &w.table, &old)?;
        return Ok(true);
    };
    if ts.has_before() {
        let o = RowImage {
            values: &old,
            rowid,
        };
        if !ts.fire_before(cx, Some(o), None, res)? {
            return Ok(false);
        }
        match w.read_row(cx, rowid)? {
            Some(o) => old = o,
            None => return Ok(true),
        }
    }
    crate::exec::foreign_key::before_delete(cx, &w.table, &old, rowid)?;
    w.delete(cx, &old, rowid)?;
    crate::exec::foreign_key::after_delete(cx, &w.table, &old)?;
    if ts.has_after() {
        let o = RowImage {
            values: &old,
            rowid,
        };
        ts.fire_after(cx, Some(o), None, res)?;
    }
    Ok(true)
}

/// The trigger sets cascaded foreign key actions fire, by table, event and
/// updated columns (built on first use, kept for the statement).
#[derive(Default)]
pub struct FkTriggers {
    sets: std::collections::HashMap<String, Option<Box<TriggerSet>>>,
}

impl FkTriggers {
    pub fn put(&mut self, k: String, set: Option<Box<TriggerSet>>) {
        self.sets.insert(k, set);
    }
}

/// Take the DELETE (`set_cols` None) or UPDATE trigger set of `t` for a
/// cascaded action; hand it back with `FkTriggers::put`.
pub fn take_fk_triggers(
    st: &mut crate::exec::foreign_key::FkState,
    t: &crate::schema::Table,
    set_cols: Option<&[String]>,
) -> Result<(String, Option<Box<TriggerSet>>)> {
    let k = match set_cols {
        None => format!("d\u{0}{}", key(&t.name)),
        Some(c) => format!("u\u{0}{}\u{0}{}", key(&t.name), c.join("\u{0}")),
    };
    if let Some(s) = st.triggers.sets.remove(&k) {
        return Ok((k, s));
    }
    let b = Binder::new(st.schema.clone());
    let event = if set_cols.is_some() {
        Event::Update
    } else {
        Event::Delete
    };
    let set = crate::stmt::trigger::plan_table_triggers(&b, t, event, set_cols, None)?;
    Ok((k, set))
}

/// Fire a cascaded action's BEFORE (`after` false) or AFTER triggers.
/// Ok(false): RAISE(IGNORE).
pub fn fire_fk(
    ts: &mut TriggerSet,
    cx: &mut Cx<'_>,
    after: bool,
    old: Option<(&[Value], i64)>,
    new: Option<(&[Value], i64)>,
) -> Result<bool> {
    let o = old.map(|(values, rowid)| RowImage { values, rowid });
    let n = new.map(|(values, rowid)| RowImage { values, rowid });
    let mut res = DmlResult::default();
    if after {
        ts.fire_after(cx, o, n, &mut res)
    } else {
        ts.fire_before(cx, o, n, &mut res)
    }
}

fn fire_list(
    schema: &Arc<Schema>,
    or: Option<ResolveType>,
    list: &mut [Fired],
    cx: &mut Cx<'_>,
    old: Option<RowImage<'_>>,
    new: Option<RowImage<'_>>,
    res: &mut DmlResult,
) -> Result<bool> {
    for f in list.iter_mut() {
        let active = &cx.env.facts.active_triggers;
        if active.contains(&f.id) && !cx.env.facts.recursive_triggers {
            continue;
        }
        if active.len() >= MAX_TRIGGER_DEPTH {
            return Err(err("too many levels of trigger recursion"));
        }
        let mut prog = match f.pool.pop() {
            Some(p) => p,
            None => {
                let stack = cx.env.facts.active_triggers.clone();
                compile_program(schema, &f.trig, or, &stack)?
            }
        };
        let depth = cx.env.facts.active_triggers.len();
        let r = if depth % STACK_HOP == STACK_HOP - 1 {
            // Deep trigger recursion: continue on a fresh stack.
            let p = &mut prog;
            let id = &f.id;
            let cx = &mut *cx;
            let res = &mut *res;
            on_new_stack(move || p.run(cx, id, old, new, res))
        } else {
            prog.run(cx, &f.id, old, new, res)
        };
        f.pool.push(prog);
        if !r? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Nested firings per thread stack.
const STACK_HOP: usize = 8;

/// Run `f` on a new thread with a large stack (trigger recursion is bounded
/// by [`MAX_TRIGGER_DEPTH`], not by the caller's stack).
fn on_new_stack<T: Send>(f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|s| {
        let h = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(s, f)
            .map_err(|_| Error::new(ResultCode::NOMEM, "out of memory"))?;
        match h.join() {
            Ok(r) => r,
            Err(p) => std::panic::resume_unwind(p),
        }
    })
}

fn fill_slot(env: &mut Env, slot: Option<usize>, row: Option<RowImage<'_>>, ncols: usize) {
    let (Some(slot), Some(row)) = (slot, row) else {
        return;
    };
    let Some(s) = env.slots.get_mut(slot) else {
        return;
    };
    s.values.clear();
    s.values.extend_from_slice(row.values);
    s.values.resize(ncols, Value::Null);
    s.rowid = row.rowid;
    s.materialized = true;
    s.null_row = false;
}

impl TriggerProgram {
    /// Run once for one row. Ok(false): RAISE(IGNORE).
    fn run(
        &mut self,
        cx: &mut Cx<'_>,
        id: &str,
        old: Option<RowImage<'_>>,
        new: Option<RowImage<'_>>,
        res: &mut DmlResult,
    ) -> Result<bool> {
        self.env.facts.clone_from(&cx.env.facts);
        if let Some(r) = res.last_rowid {
            self.env.facts.last_insert_rowid = r;
        }
        self.env.facts.active_triggers.push(id.to_string());
        self.env.interrupt = cx.env.interrupt.clone();
        // Foreign key processing goes on inside the program, with the
        // statement's counters.
        let mut fk = cx.env.fk.take();
        if let Some(st) = fk.as_mut() {
            st.swap_writers(&mut self.fk_writers);
        }
        self.env.fk = fk;
        let out = self.run_body(cx, old, new, res);
        let mut fk = self.env.fk.take();
        if let Some(st) = fk.as_mut() {
            st.swap_writers(&mut self.fk_writers);
        }
        cx.env.fk = fk;
        out
    }

    fn run_body(
        &mut self,
        cx: &mut Cx<'_>,
        old: Option<RowImage<'_>>,
        new: Option<RowImage<'_>>,
        res: &mut DmlResult,
    ) -> Result<bool> {
        let ncols = self.ncols;
        fill_slot(&mut self.env, self.new_slot, new, ncols);
        fill_slot(&mut self.env, self.old_slot, old, ncols);
        let mut sub = Cx {
            store: &mut *cx.store,
            env: &mut self.env,
        };
        let out = (|| -> Result<()> {
            if let Some(w) = &self.when {
                if !w.test(&mut sub)? {
                    return Ok(());
                }
            }
            for step in &mut self.steps {
                let mut r = DmlResult::default();
                let out = match step {
                    Step::Insert(p) => run_insert(p, &mut sub, &mut r),
                    Step::Update(p) => run_update(p, &mut sub, &mut r),
                    Step::Delete(p) => run_delete(p, &mut sub, &mut r),
                    Step::View(p) => p.run(&mut sub, &mut r),
                    Step::Select(p) => (|| {
                        p.open(&mut sub)?;
                        while p.next(&mut sub)? {}
                        p.close();
                        Ok(())
                    })(),
                };
                res.trigger_changes += r.changes + r.trigger_changes;
                if let Some(rw) = r.last_rowid {
                    sub.env.facts.last_insert_rowid = rw;
                }
                if !matches!(step, Step::Select(_)) {
                    // changes() inside the program follows its own statements.
                    sub.env.facts.changes = r.changes;
                }
                res.keep_partial |= r.keep_partial;
                res.rollback |= r.rollback;
                out?;
            }
            Ok(())
        })();
        match out {
            Ok(()) => Ok(true),
            Err(e) if e.code == RAISE_IGNORE => Ok(false),
            Err(e) if e.code == RAISE_FAIL => {
                res.keep_partial = true;
                Err(Error::new(CONSTRAINT_TRIGGER, e.message))
            }
            Err(e) if e.code == RAISE_ROLLBACK => {
                res.rollback = true;
                Err(Error::new(CONSTRAINT_TRIGGER, e.message))
            }
            Err(e) => Err(e),
        }
    }
}

/// An INSERT, UPDATE or DELETE on a view: the rows it visits fire the
/// view's INSTEAD OF triggers (no row is written, changes() stays 0).
pub struct ViewWritePlan {
    pub event: Event,
    /// INSERT: the source rows (None = DEFAULT VALUES); UPDATE: the view's
    /// columns then the SET values; DELETE: the view's rows.
    pub source: Option<SelectPlan>,
    pub ncols: usize,
    /// INSERT: view column → source column.
    pub insert_map: Vec<Option<usize>>,
    /// UPDATE: the view column each SET value goes to.
    pub set_cols: Vec<usize>,
    pub triggers: Box<TriggerSet>,
}

impl ViewWritePlan {
    pub fn run(&mut self, cx: &mut Cx<'_>, res: &mut DmlResult) -> Result<()> {
        let mut rows: Vec<Vec<Value>> = Vec::new();
        match &mut self.source {
            None => rows.push(Vec::new()),
            Some(plan) => {
                plan.open(cx)?;
                while plan.next(cx)? {
                    rows.push(plan.row().to_vec());
                }
                plan.close();
            }
        }
        for src in rows {
            match self.event {
                Event::Insert => {
                    let new: Vec<Value> = self
                        .insert_map
                        .iter()
                        .map(|m| m.and_then(|i| src.get(i).cloned()).unwrap_or(Value::Null))
                        .collect();
                    let img = RowImage {
                        values: &new,
                        rowid: 0,
                    };
                    self.triggers.fire_before(cx, None, Some(img), res)?;
                }
                Event::Update => {
                    let n = self.ncols.min(src.len());
                    let old = &src[..n];
                    let mut new = old.to_vec();
                    for (i, c) in self.set_cols.iter().enumerate() {
                        if let (Some(v), Some(slot)) = (src.get(n + i), new.get_mut(*c)) {
                            *slot = v.clone();
                        }
                    }
                    let o = RowImage {
                        values: old,
                        rowid: 0,
                    };
                    let nw = RowImage {
                        values: &new,
                        rowid: 0,
                    };
                    self.triggers.fire_before(cx, Some(o), Some(nw), res)?;
                }
                Event::Delete => {
                    let o = RowImage {
                        values: &src,
                        rowid: 0,
                    };
                    self.triggers.fire_before(cx, Some(o), None, res)?;
                }
            }
        }
        Ok(())
    }
}
