//! Plain `EXPLAIN stmt`: SQLite lists the VDBE program it compiled, one row
//! per opcode, with the columns addr, opcode, p1, p2, p3, p4, p5, comment.
//! Chorus compiles to a tree of pull operators, not a VDBE program, so the
//! rows here describe that tree in the same columns (see docs/COMPAT.md):
//!
//! - addr 0 is `Init` (p2 = the address of the final `Halt`), the last row
//!   is `Halt`, as in SQLite.
//! - Between them, one row per operator, in execution nesting order:
//!   `Scan`/`Search` (table or index access; p1 = the FROM item's slot),
//!   `Sorter`, `Distinct`, `Compound`, `Materialize` ... with the operator's
//!   EXPLAIN QUERY PLAN text in p4; `ResultRow` (p2 = number of result
//!   columns) for queries; `Insert`/`Update`/`Delete`/`Create*`/`Drop*`/
//!   `Pragma`/`Transaction`... naming the target in p4 for other statements.
//!
//! The statement is compiled (so errors are the ones the statement itself
//! would raise) but never run.

use super::{Program, TxnOp};
use crate::exec::eqp;
use crate::schema::name_of;
use chorus_storage::Value;
use sqlite3_parser::ast::Stmt;

/// SQLite's EXPLAIN column names.
pub fn column_names() -> Vec<String> {
    ["addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

struct Op {
    opcode: &'static str,
    p1: i64,
    p2: i64,
    p4: Option<String>,
}

fn op(opcode: &'static str, p1: i64, p2: i64, p4: Option<String>) -> Op {
    Op { opcode, p1, p2, p4 }
}

/// The operator named by an EXPLAIN QUERY PLAN line.
fn line_opcode(line: &str) -> &'static str {
    let l = line.trim_start();
    if l.starts_with("SEARCH") {
        "Search"
    } else if l.starts_with("SCAN CONSTANT ROW") {
        "ConstantRow"
    } else if l.starts_with("SCAN") {
        "Scan"
    } else if l.contains("ORDER BY") {
        "Sorter"
    } else if l.contains("DISTINCT") {
        "Distinct"
    } else if l.contains("GROUP BY") {
        "Aggregate"
    } else if l.starts_with("COMPOUND") {
        "Compound"
    } else if l.starts_with("RECURSIVE") || l.contains("QUEUE") {
        "Recursive"
    } else {
        "Operator"
    }
}

fn lines_to_ops(lines: Vec<String>, out: &mut Vec<Op>) {
    for (i, l) in lines.into_iter().enumerate() {
        out.push(op(line_opcode(&l), i as i64, 0, Some(l)));
    }
}

/// The EXPLAIN rows of a compiled statement.
pub fn explain_rows(program: &Program, stmt: &Stmt, ncols: usize) -> Vec<Vec<Value>> {
    let mut ops: Vec<Op> = Vec::new();
    match program {
        Program::Query(plan) => {
            let lines = eqp::lines(eqp::select_rows(plan));
            lines_to_ops(lines, &mut ops);
            ops.push(op("ResultRow", 0, ncols as i64, None));
        }
        Program::Insert(p) => {
            if let super::dml::InsertSource::Select(s) = &p.source {
                lines_to_ops(eqp::lines(eqp::select_rows(s)), &mut ops);
            }
            ops.push(op("Insert", 0, 0, Some(p.writer.table.name.clone())));
        }
        Program::Update(p) => {
            let values: Vec<_> = p.sets.iter().map(|(_, e)| e).collect();
            lines_to_ops(eqp::lines(eqp::scan_rows(&p.scan, &values)), &mut ops);
            ops.push(op("Update", 0, 0, Some(p.writer.table.name.clone())));
        }
        Program::Delete(p) => {
            if !p.truncate {
                lines_to_ops(eqp::lines(eqp::scan_rows(&p.scan, &[])), &mut ops);
            }
            let opcode = if p.truncate { "Clear" } else { "Delete" };
            ops.push(op(opcode, 0, 0, Some(p.writer.table.name.clone())));
        }
        Program::Ddl(s) => {
            let (opcode, name) = match &**s {
                Stmt::CreateTable { tbl_name, .. } => ("CreateTable", name_of(&tbl_name.name)),
                Stmt::CreateIndex { idx_name, .. } => ("CreateIndex", name_of(&idx_name.name)),
                Stmt::CreateView { view_name, .. } => ("CreateView", name_of(&view_name.name)),
                Stmt::DropTable { tbl_name, .. } => ("DropTable", name_of(&tbl_name.name)),
                Stmt::DropIndex { idx_name, .. } => ("DropIndex", name_of(&idx_name.name)),
                Stmt::DropView { view_name, .. } => ("DropView", name_of(&view_name.name)),
                _ => ("SchemaChange", String::new()),
            };
            ops.push(op(opcode, 0, 0, Some(name)));
        }
        Program::Txn(t) => {
            let (opcode, name) = match t {
                TxnOp::Begin(_) | TxnOp::BeginConcurrent => ("AutoCommit", None),
                TxnOp::Commit => ("AutoCommit", None),
                TxnOp::Rollback => ("AutoCommit", Some("ROLLBACK".to_string())),
                TxnOp::Savepoint(n) => ("Savepoint", Some(n.clone())),
                TxnOp::Release(n) => ("Savepoint", Some(format!("RELEASE {n}"))),
                TxnOp::RollbackTo(n) => ("Savepoint", Some(format!("ROLLBACK TO {n}"))),
            };
            let p1 = i64::from(matches!(t, TxnOp::Commit | TxnOp::Rollback));
            ops.push(op(opcode, p1, 0, name));
        }
        Program::Pragma(n, _) => {
            ops.push(op("Pragma", 0, 0, Some(name_of(&n.name))));
            ops.push(op("ResultRow", 0, 0, None));
        }
        Program::Rows(names, rows) => {
            ops.push(op("Rows", rows.len() as i64, names.len() as i64, None));
            ops.push(op("ResultRow", 0, names.len() as i64, None));
        }
        Program::ViewWrite(_) => {
            let name = match stmt {
                Stmt::Insert { tbl_name, .. } => name_of(&tbl_name.name),
                Stmt::Update { tbl_name, .. } | Stmt::Delete { tbl_name, .. } => {
                    name_of(&tbl_name.name)
                }
                _ => String::new(),
            };
            ops.push(op("ViewWrite", 0, 0, Some(name)));
        }
        Program::VacuumInto(_, file) => ops.push(op("VacuumInto", 0, 0, Some(file.clone()))),
        Program::Vacuum(db) => ops.push(op("Vacuum", 0, 0, Some(db.clone()))),
        Program::Noop => {
            let what = match stmt {
                Stmt::Vacuum(..) => "Vacuum",
                Stmt::Analyze(_) => "Analyze",
                Stmt::Reindex { .. } => "Reindex",
                _ => "Noop",
            };
            ops.push(op(what, 0, 0, None));
        }
    }
    let halt = ops.len() as i64 + 1;
    let mut all = Vec::with_capacity(ops.len() + 2);
    all.push(op("Init", 0, halt, None));
    all.extend(ops);
    all.push(op("Halt", 0, 0, None));
    all.into_iter()
        .enumerate()
        .map(|(addr, o)| {
            vec![
                Value::Integer(addr as i64),
                Value::Text(o.opcode.as_bytes().to_vec()),
                Value::Integer(o.p1),
                Value::Integer(o.p2),
                Value::Integer(0),
                o.p4.map_or(Value::Null, |s| Value::Text(s.into_bytes())),
                Value::Integer(0),
                Value::Null,
            ]
        })
        .collect()
}
