//! Generated columns: `name [type] [GENERATED ALWAYS] AS (expr) [VIRTUAL|STORED]`,
//! with SQLite's semantics (gencol.html).
//!
//! Record layout (as SQLite's, so either engine reads the other's files): a
//! table's record holds every column that is not VIRTUAL, in declaration
//! order; STORED generated columns sit in place, VIRTUAL ones are absent.
//! So column `i` is record field `GenInfo::colmap[i]` (`usize::MAX` for a
//! VIRTUAL column), and a table without VIRTUAL columns has the identity
//! layout.
//!
//! Reads: the binder replaces a reference to a VIRTUAL column of a scanned
//! table by the column's expression over the same row, with the column's
//! affinity applied (`Binder::table_column`); other columns read their
//! record field through the slot's column map. A VIRTUAL column whose
//! expression reaches itself is SQLite's "generated column loop" error.
//!
//! Writes work on the full row (every column, in declaration order): after
//! the written columns take their values, `TableWriter::compute_generated`
//! evaluates the generated columns in `GenInfo::order` (each only after the
//! generated columns it reads), applies each one's affinity, and only then
//! are NOT NULL, CHECK, UNIQUE and index entries handled; the record is
//! encoded without the VIRTUAL columns. Generated columns cannot be written
//! by INSERT or UPDATE, have no DEFAULT, cannot be part of the PRIMARY KEY,
//! and their expressions may not use subqueries, parameters, aggregates or
//! non-deterministic functions (checked at CREATE TABLE / ADD COLUMN).

use crate::schema::{Column, Table};
use chorus_storage::{Error, Result, ResultCode};
use sqlite3_parser::ast::{self, Expr};
use std::sync::Arc;

/// One generated column's definition.
#[derive(Debug, Clone)]
pub struct Generated {
    pub expr: Expr,
    /// STORED (kept in the record) rather than VIRTUAL (computed on read).
    pub stored: bool,
}

/// The table-level facts of a table with generated columns.
#[derive(Debug, Clone)]
pub struct GenInfo {
    /// Record field of each column (`usize::MAX`: VIRTUAL, not stored).
    pub colmap: Arc<[usize]>,
    /// Whether any column is VIRTUAL (else the layout is the identity).
    pub has_virtual: bool,
    /// The generated columns in the order a write computes them, or the
    /// "generated column loop" error when their expressions form a cycle.
    pub order: std::result::Result<Vec<usize>, String>,
}

fn err(msg: impl Into<String>) -> Error {
    Error::new(ResultCode::ERROR, msg)
}

impl Generated {
    /// From the parsed constraint; `typ` is VIRTUAL (the default) or STORED.
    pub fn from_ast(col: &str, expr: &Expr, typ: &Option<ast::Id>) -> Result<Generated> {
        let stored = match typ {
            None => false,
            Some(id) if id.0.eq_ignore_ascii_case("VIRTUAL") => false,
            Some(id) if id.0.eq_ignore_ascii_case("STORED") => true,
            Some(_) => return Err(err(format!("error in generated column \"{col}\""))),
        };
        Ok(Generated {
            expr: expr.clone(),
            stored,
        })
    }
}

/// Per-column checks once all of a column's constraints are read.
pub fn check_column(c: &Column) -> Result<()> {
    if c.generated.is_some() && c.default.is_some() {
        return Err(err("cannot use DEFAULT on a generated column"));
    }
    Ok(())
}

/// Whether column `c` is VIRTUAL (absent from the record).
pub fn is_virtual(c: &Column) -> bool {
    c.generated.as_ref().is_some_and(|g| !g.stored)
}

/// Table-level checks and the record layout, once every column is known.
pub fn finish_table(t: &mut Table) -> Result<()> {
    if t.columns.iter().all(|c| c.generated.is_none()) {
        t.gen = None;
        return Ok(());
    }
    if t.columns.iter().any(|c| c.generated.is_some() && c.pk > 0) {
        return Err(err("generated columns cannot be part of the PRIMARY KEY"));
    }
    if t.columns.iter().all(|c| c.generated.is_some()) {
        return Err(err("must have at least one non-generated column"));
    }
    let mut colmap = Vec::with_capacity(t.columns.len());
    let mut n = 0;
    for c in &t.columns {
        if is_virtual(c) {
            colmap.push(usize::MAX);
        } else {
            colmap.push(n);
            n += 1;
        }
    }
    let has_virtual = colmap.contains(&usize::MAX);
    t.gen = Some(Arc::new(GenInfo {
        colmap: colmap.into(),
        has_virtual,
        order: compute_order(t),
    }));
    Ok(())
}

/// The names of the columns an expression reads (unqualified or qualified).
fn referenced_names(e: &Expr, out: &mut Vec<String>) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Id(id) => out.push(crate::schema::unquote(&id.0)),
            Expr::Name(n) => out.push(crate::schema::name_of(n)),
            Expr::Qualified(_, c) => out.push(crate::schema::name_of(c)),
            Expr::DoublyQualified(_, _, c) => out.push(crate::schema::name_of(c)),
            _ => crate::plan::bind::push_children(e, &mut stack),
        }
    }
}

/// SQLite's order (sqlite3ComputeGeneratedColumns): repeatedly compute each
/// generated column whose expression reads no generated column still to be
/// computed; when a pass makes no progress, the last column left is named
/// in the loop error.
fn compute_order(t: &Table) -> std::result::Result<Vec<usize>, String> {
    let deps: Vec<Option<Vec<usize>>> = t
        .columns
        .iter()
        .map(|c| {
            c.generated.as_ref().map(|g| {
                let mut names = Vec::new();
                referenced_names(&g.expr, &mut names);
                let mut v: Vec<usize> = names
                    .iter()
                    .filter_map(|n| t.column_index(n))
                    .filter(|&i| t.columns[i].generated.is_some())
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            })
        })
        .collect();
    let mut pending: Vec<bool> = deps.iter().map(|d| d.is_some()).collect();
    let mut order = Vec::new();
    loop {
        let mut progress = false;
        let mut redo = None;
        for (i, d) in deps.iter().enumerate() {
            let Some(d) = d else { continue };
            if !pending[i] {
                continue;
            }
            if d.iter().any(|&j| pending[j]) {
                redo = Some(i);
            } else {
                pending[i] = false;
                order.push(i);
                progress = true;
            }
        }
        match redo {
            None => return Ok(order),
            Some(i) if !progress => {
                return Err(format!(
                    "generated column loop on \"{}\"",
                    t.columns[i].name
                ))
            }
            Some(_) => {}
        }
    }
}

/// The record field of column `col` (None: VIRTUAL).
pub fn record_field(t: &Table, col: usize) -> Option<usize> {
    match &t.gen {
        None => Some(col),
        Some(g) => g.colmap.get(col).copied().filter(|&f| f != usize::MAX),
    }
}

/// The slot column map of a table (empty: the identity).
pub fn slot_colmap(t: &Table) -> Arc<[usize]> {
    match &t.gen {
        Some(g) if g.has_virtual => g.colmap.clone(),
        _ => Arc::from([]),
    }
}

/// CREATE TABLE / ADD COLUMN checks of a generated column's expression that
/// binding does not make (binding reports unknown columns and aggregates).
pub fn check_expr(e: &Expr) -> Result<()> {
    if crate::plan::bind::has_subquery(e) {
        return Err(err("subqueries prohibited in generated columns"));
    }
    if has_variable(e) {
        return Err(err("parameters prohibited in generated columns"));
    }
    if crate::plan::bind::has_nondeterministic_call(e) {
        return Err(err(
            "non-deterministic functions prohibited in generated columns",
        ));
    }
    Ok(())
}

fn has_variable(e: &Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if matches!(e, Expr::Variable(_)) {
            return true;
        }
        crate::plan::bind::push_children(e, &mut stack);
    }
    false
}

/// Compile a table's generated columns in computation order, against the
/// row-slot scope the caller has pushed (the writer's full row).
pub fn compile(
    b: &mut crate::plan::bind::Binder,
    t: &Table,
) -> Result<Vec<(usize, crate::exec::expr::CExpr)>> {
    let mut out = Vec::new();
    if let Some(g) = &t.gen {
        let order = g.order.clone().map_err(err)?;
        for c in order {
            if let Some(gc) = t.columns.get(c).and_then(|x| x.generated.as_ref()) {
                out.push((c, b.expr(&gc.expr)?));
            }
        }
    }
    Ok(out)
}

/// CREATE TABLE / ADD COLUMN: generated columns must not form a loop.
pub fn check_loops(t: &Table) -> Result<()> {
    match &t.gen {
        Some(g) => g.order.as_ref().map(|_| ()).map_err(|m| err(m.clone())),
        None => Ok(()),
    }
}

/// INSERT with a column list naming a generated column.
pub fn insert_error(col: &str) -> Error {
    err(format!("cannot INSERT into generated column \"{col}\""))
}

/// UPDATE (or upsert DO UPDATE) setting a generated column.
pub fn update_error(col: &str) -> Error {
    err(format!("cannot UPDATE generated column \"{col}\""))
}
