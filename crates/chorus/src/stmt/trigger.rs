//! Triggers: the schema object (rebuilt from the `CREATE TRIGGER` text kept
//! in `sqlite_schema`: type 'trigger', tbl_name = the table or view, rootpage
//! 0, sql = "CREATE TRIGGER " + the original text from the name on), CREATE
//! and DROP TRIGGER, and compiling a trigger's program (WHEN clause and body
//! statements bound against NEW/OLD row slots).
//!
//! Triggers live in their own namespace. Several triggers on one event fire
//! newest first, as in SQLite (TEMP triggers, `stmt::temp_trigger`, first
//! and oldest first). A program is compiled when the statement that fires
//! it is prepared; a trigger whose program is already being compiled
//! further up (a cycle: t fires u fires t) is compiled when it first fires.
//! Writes to views through INSTEAD OF triggers: `stmt::view_write`.

pub use super::temp_trigger::{is_temp_ddl, run_temp_ddl, temp_schema_view, with_temp_triggers};
pub use super::view_write::{plan_view_delete, plan_view_insert, plan_view_update};
use crate::exec::expr::CExpr;
use crate::exec::trigger::{Step, TriggerProgram};
use crate::plan::bind::{err, table_col_infos, Binder, ColInfo, Scope, SourceInfo};
use crate::plan::select::plan_select;
use crate::schema::{key, name_of, Schema, Table};
use crate::stmt::ddl::DdlOutcome;
use crate::storage::Store;
use chorus_storage::Result;
use sqlite3_parser::ast::{self, ResolveType, Stmt, TriggerCmd};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    Before,
    After,
    InsteadOf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Insert,
    Delete,
    Update,
}

#[derive(Debug, Clone)]
pub struct Trigger {
    pub name: String,
    /// The table or view it is attached to.
    pub table: String,
    pub timing: Timing,
    pub event: Event,
    /// `UPDATE OF` columns.
    pub of_columns: Option<Vec<String>>,
    pub when: Option<ast::Expr>,
    pub commands: Vec<TriggerCmd>,
}

impl Trigger {
    /// Build from a parsed CREATE TRIGGER (None for any other statement).
    pub fn from_ast(stmt: &Stmt) -> Option<Trigger> {
        let Stmt::CreateTrigger {
            trigger_name,
            time,
            event,
            tbl_name,
            when_clause,
            commands,
            ..
        } = stmt
        else {
            return None;
        };
        let timing = match time {
            Some(ast::TriggerTime::After) => Timing::After,
            Some(ast::TriggerTime::InsteadOf) => Timing::InsteadOf,
            _ => Timing::Before,
        };
        let (event, of_columns) = match event {
            ast::TriggerEvent::Insert => (Event::Insert, None),
            ast::TriggerEvent::Delete => (Event::Delete, None),
            ast::TriggerEvent::Update => (Event::Update, None),
            ast::TriggerEvent::UpdateOf(cols) => (
                Event::Update,
                Some(cols.iter().map(name_of).collect::<Vec<_>>()),
            ),
        };
        Some(Trigger {
            name: name_of(&trigger_name.name),
            table: name_of(&tbl_name.name),
            timing,
            event,
            of_columns,
            when: when_clause.clone(),
            commands: commands.clone(),
        })
    }

    /// Whether an UPDATE setting `set_cols` fires it.
    pub fn fires_on_update_of(&self, set_cols: &[String]) -> bool {
        match &self.of_columns {
            None => true,
            Some(of) => of
                .iter()
                .any(|c| set_cols.iter().any(|s| s.eq_ignore_ascii_case(c))),
        }
    }
}

/// The triggers attached to `table` in SQLite's firing order: TEMP ones
/// oldest first, then the others newest first.
pub fn triggers_on(schema: &Schema, table: &str) -> Vec<Arc<Trigger>> {
    let mut v = Vec::new();
    for e in schema
        .temp_entries
        .iter()
        .chain(schema.entries.iter().rev())
    {
        if e.kind == "trigger" && e.tbl_name.eq_ignore_ascii_case(table) {
            if let Some(t) = schema.triggers.get(&key(&e.name)) {
                v.push(t.clone());
            }
        }
    }
    v
}

/// Check CREATE/DROP TRIGGER against the schema (SQLite does this when the
/// statement is prepared). Ok(None): nothing to do (IF [NOT] EXISTS);
/// Ok(Some(table)): the table or view a new trigger attaches to.
pub fn check_trigger_ddl(schema: &Schema, stmt: &Stmt) -> Result<Option<String>> {
    match stmt {
        Stmt::CreateTrigger {
            temporary,
            if_not_exists,
            trigger_name,
            tbl_name,
            time,
            ..
        } => {
            if let Some(db) = &trigger_name.db_name {
                let d = name_of(db);
                if !d.eq_ignore_ascii_case("main") && !d.eq_ignore_ascii_case("temp") {
                    return Err(err(format!("unknown database {d}")));
                }
            }
            let name = name_of(&trigger_name.name);
            if schema.triggers.contains_key(&key(&name)) {
                if *if_not_exists {
                    return Ok(None);
                }
                return Err(err(format!("trigger {name} already exists")));
            }
            let tname = name_of(&tbl_name.name);
            let tk = key(&tname);
            if tk.starts_with("sqlite_") {
                return Err(err("cannot create trigger on system table"));
            }
            if name.len() >= 7 && name[..7].eq_ignore_ascii_case("sqlite_") {
                return Err(err(format!(
                    "object name reserved for internal use: {name}"
                )));
            }
            let stored_tbl = if let Some(t) = schema.tables.get(&tk) {
                if matches!(time, Some(ast::TriggerTime::InsteadOf)) {
                    return Err(err(format!(
                        "cannot create INSTEAD OF trigger on table: {tname}"
                    )));
                }
                t.name.clone()
            } else if let Some(v) = schema.views.get(&tk) {
                match time {
                    Some(ast::TriggerTime::InsteadOf) => {}
                    Some(ast::TriggerTime::After) => {
                        return Err(err(format!("cannot create AFTER trigger on view: {tname}")))
                    }
                    _ => {
                        return Err(err(format!(
                            "cannot create BEFORE trigger on view: {tname}"
                        )))
                    }
                }
                v.name.clone()
            } else {
                // SQLite names the table as written, qualified by its
                // database; a TEMP trigger's unqualified table unqualified.
                let temp_trigger = *temporary
                    || trigger_name
                        .db_name
                        .as_ref()
                        .is_some_and(|d| name_of(d).eq_ignore_ascii_case("temp"));
                let shown = match &tbl_name.db_name {
                    Some(d) => format!("{}.{tname}", name_of(d).to_ascii_lowercase()),
                    None if temp_trigger => tname,
                    None => format!("main.{tname}"),
                };
                return Err(err(format!("no such table: {shown}")));
            };
            Ok(Some(stored_tbl))
        }
        Stmt::DropTrigger {
            if_exists,
            trigger_name,
        } => {
            let name = name_of(&trigger_name.name);
            if !schema.triggers.contains_key(&key(&name)) {
                if *if_exists {
                    return Ok(None);
                }
                return Err(err(format!("no such trigger: {name}")));
            }
            Ok(Some(name))
        }
        _ => Err(err("unsupported statement")),
    }
}

/// A trigger may not use parameters (`?`, `?N`, `:a`, `@a`, `$a`): scan the
/// statement text outside quotes and comments.
pub fn check_no_variables(sql: &str) -> Result<()> {
    let b = sql.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\'' | b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                i += 1;
                while let Some(&d) = b.get(i) {
                    i += 1;
                    if d == close {
                        if c != b'[' && b.get(i) == Some(&close) {
                            i += 1;
                            continue;
                        }
                        break;
                    }
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while b.get(i).is_some_and(|&d| d != b'\n') {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'?' | b':' | b'@' => return Err(err("trigger cannot use variables")),
            b'$' => {
                let prev = i.checked_sub(1).and_then(|p| b.get(p)).copied();
                if !prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == b'_' || p >= 0x80) {
                    return Err(err("trigger cannot use variables"));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// CREATE TRIGGER / DROP TRIGGER. The caller holds a write transaction.
pub fn run_trigger_ddl(
    store: &mut dyn Store,
    schema: &Arc<Schema>,
    stmt: &Stmt,
    sql: &str,
) -> Result<DdlOutcome> {
    let unchanged = DdlOutcome {
        changed_schema: false,
    };
    let Some(target) = check_trigger_ddl(schema, stmt)? else {
        return Ok(unchanged);
    };
    match stmt {
        Stmt::CreateTrigger { trigger_name, .. } => {
            let name = name_of(&trigger_name.name);
            let stored_tbl = target;
            let text = crate::stmt::ddl::normalized_sql(sql, "trigger");
            crate::stmt::ddl::add_schema_row(store, "trigger", &name, &stored_tbl, 0, Some(&text))?;
            crate::stmt::ddl::bump_cookie(store)?;
            Ok(DdlOutcome {
                changed_schema: true,
            })
        }
        Stmt::DropTrigger { .. } => {
            let name = target;
            crate::stmt::ddl::delete_schema_rows(store, &|ty, nm, _| {
                ty == "trigger" && nm.eq_ignore_ascii_case(&name)
            })?;
            crate::stmt::ddl::bump_cookie(store)?;
            Ok(DdlOutcome {
                changed_schema: true,
            })
        }
        _ => Err(err("unsupported statement")),
    }
}

/// Column descriptions of a table or view, reachable only qualified
/// (`NEW.x`, `OLD.x`).
fn hidden_cols(mut cols: Vec<ColInfo>) -> Vec<ColInfo> {
    for c in &mut cols {
        c.hidden = true;
    }
    cols
}

/// The column names of a view (its column list, else its SELECT's names).
pub fn view_columns(schema: &Arc<Schema>, view: &crate::schema::View) -> Result<Vec<String>> {
    if let Some(c) = &view.columns {
        return Ok(c.clone());
    }
    let mut b = Binder::new(schema.clone());
    let (plan, _) = plan_select(&mut b, &view.select, Some(&view.sql))?;
    Ok(plan.names)
}

/// Compile one trigger's program. `or`: the conflict resolution of the
/// statement that fires it (overrides the body statements' own);
/// `stack`: the triggers whose programs enclose this compilation.
pub fn compile_program(
    schema: &Arc<Schema>,
    trig: &Arc<Trigger>,
    or: Option<ResolveType>,
    stack: &[String],
) -> Result<TriggerProgram> {
    let mut b = Binder::new(schema.clone());
    b.in_trigger = true;
    b.trigger_stack = stack.to_vec();
    b.trigger_stack.push(key(&trig.name));
    let k = key(&trig.table);
    let (cols, table): (Vec<ColInfo>, Option<Arc<Table>>) = if let Some(t) = schema.tables.get(&k) {
        (table_col_infos(t), Some(t.clone()))
    } else if let Some(v) = schema.views.get(&k) {
        let names = view_columns(schema, v)?;
        (
            names
                .into_iter()
                .map(|n| ColInfo {
                    name: n,
                    aff: None,
                    coll: None,
                    decltype: None,
                    hidden: false,
                    named_hidden: false,
                })
                .collect(),
            None,
        )
    } else {
        return Err(err(format!("no such table: main.{}", trig.table)));
    };
    let ncols = cols.len();
    let new_slot = (trig.event != Event::Delete).then(|| b.alloc_slot());
    let old_slot = (trig.event != Event::Insert).then(|| b.alloc_slot());
    let mut scope = Scope {
        first_slot: new_slot.or(old_slot).unwrap_or(0),
        ..Default::default()
    };
    for (slot, name) in [(new_slot, "new"), (old_slot, "old")] {
        if let Some(slot) = slot {
            scope.sources.push(SourceInfo {
                slot,
                name: name.into(),
                columns: hidden_cols(cols.clone()),
                table: table.clone(),
                coalesced: Vec::new(),
            });
        }
    }
    b.scopes.push(scope);
    let r = (|| -> Result<(Option<CExpr>, Vec<Step>)> {
        let when = match &trig.when {
            Some(w) => Some(b.expr(w)?),
            None => None,
        };
        let mut steps = Vec::new();
        for cmd in &trig.commands {
            // Names in a trigger body resolve in the trigger's schema.
            steps.push(compile_step(&mut b, cmd, or).map_err(|mut e| {
                if let Some(rest) = e.message.strip_prefix("no such table: ") {
                    if !rest.contains('.') {
                        e.message = format!("no such table: main.{rest}");
                    }
                }
                e
            })?);
        }
        Ok((when, steps))
    })();
    b.scopes.pop();
    let (when, steps) = r?;
    Ok(TriggerProgram {
        env: crate::exec::env::Env::new(b.nslots, 0),
        fk_writers: Default::default(),
        new_slot,
        old_slot,
        ncols,
        when,
        steps,
    })
}

fn compile_step(b: &mut Binder, cmd: &TriggerCmd, outer_or: Option<ResolveType>) -> Result<Step> {
    match cmd {
        TriggerCmd::Insert {
            or_conflict,
            tbl_name,
            col_names,
            select,
            upsert,
        } => {
            let qn = ast::QualifiedName::single(tbl_name.clone());
            let body = ast::InsertBody::Select(select.clone(), upsert.clone());
            if let Some(v) = plan_view_insert(b, &qn, col_names.as_ref(), &body)? {
                return Ok(Step::View(v));
            }
            let p = crate::stmt::dml::plan_insert(
                b,
                outer_or.or(*or_conflict),
                &qn,
                col_names.as_ref(),
                &body,
                None,
            )?;
            Ok(Step::Insert(Box::new(p)))
        }
        TriggerCmd::Update {
            or_conflict,
            tbl_name,
            sets,
            from,
            where_clause,
        } => {
            let qn = ast::QualifiedName::single(tbl_name.clone());
            if let Some(v) = plan_view_update(b, &qn, sets, where_clause.as_ref())? {
                return Ok(Step::View(v));
            }
            let p = crate::stmt::dml::plan_update(
                b,
                outer_or.or(*or_conflict),
                &qn,
                sets,
                from.as_ref(),
                where_clause.as_ref(),
            )?;
            Ok(Step::Update(Box::new(p)))
        }
        TriggerCmd::Delete {
            tbl_name,
            where_clause,
        } => {
            let qn = ast::QualifiedName::single(tbl_name.clone());
            if let Some(v) = plan_view_delete(b, &qn, where_clause.as_ref())? {
                return Ok(Step::View(v));
            }
            let p = crate::stmt::dml::plan_delete(b, &qn, where_clause.as_ref())?;
            Ok(Step::Delete(Box::new(p)))
        }
        TriggerCmd::Select(s) => {
            let (plan, _) = plan_select(b, s, None)?;
            Ok(Step::Select(plan))
        }
    }
}

/// Triggers on `table` for `event` and `timing`, that an UPDATE of
/// `set_cols` fires.
pub(crate) fn matching(
    schema: &Schema,
    table: &str,
    event: Event,
    timing: &[Timing],
    set_cols: Option<&[String]>,
) -> Vec<Arc<Trigger>> {
    triggers_on(schema, table)
        .into_iter()
        .filter(|t| {
            t.event == event
                && timing.contains(&t.timing)
                && set_cols.is_none_or(|c| t.fires_on_update_of(c))
        })
        .collect()
}

/// The BEFORE and AFTER triggers of a write to table `t` (None when none).
pub fn plan_table_triggers(
    b: &Binder,
    t: &Table,
    event: Event,
    set_cols: Option<&[String]>,
    or: Option<ResolveType>,
) -> Result<Option<Box<crate::exec::trigger::TriggerSet>>> {
    let before = matching(&b.schema, &t.name, event, &[Timing::Before], set_cols);
    let after = matching(&b.schema, &t.name, event, &[Timing::After], set_cols);
    let on_replace = if event == Event::Delete {
        None
    } else {
        // REPLACE may delete rows: their DELETE triggers, compiled on demand.
        let bd = matching(&b.schema, &t.name, Event::Delete, &[Timing::Before], None);
        let ad = matching(&b.schema, &t.name, Event::Delete, &[Timing::After], None);
        if bd.is_empty() && ad.is_empty() {
            None
        } else {
            Some(Box::new(crate::exec::trigger::TriggerSet::new(
                b, bd, ad, None, false,
            )?))
        }
    };
    if before.is_empty() && after.is_empty() && on_replace.is_none() {
        return Ok(None);
    }
    let mut set = crate::exec::trigger::TriggerSet::new(b, before, after, or, true)?;
    set.on_replace = on_replace;
    Ok(Some(Box::new(set)))
}

/// An INSERT's `DO UPDATE` fires the table's UPDATE triggers (those an
/// update of `set_cols` fires): attach them to the INSERT's trigger set.
pub fn plan_upsert_triggers(
    b: &Binder,
    t: &Table,
    set_cols: &[String],
    set: &mut Option<Box<crate::exec::trigger::TriggerSet>>,
) -> Result<()> {
    let Some(up) = plan_table_triggers(b, t, Event::Update, Some(set_cols), None)? else {
        return Ok(());
    };
    let s = set
        .get_or_insert_with(|| Box::new(crate::exec::trigger::TriggerSet::empty(b.schema.clone())));
    s.on_upsert = Some(up);
    Ok(())
}
