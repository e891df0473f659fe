//! Prepared statements' executable form: each parsed statement compiles to
//! a [`Program`] once per prepare (and again if the schema changes).

pub mod alter;
pub mod attach;
pub mod ddl;
pub mod default_texts;
pub mod dml;
pub mod explain;
pub mod foreign_key;
pub mod index_build;
pub mod insert_columns;
pub mod pragma;
pub mod pragma_table;
pub mod pragma_table_list;
pub mod reindex;
pub mod temp_trigger;
pub mod trigger;
pub mod update_from;
pub mod vacuum;
pub mod view_write;

use crate::exec::select::SelectPlan;
use crate::parse::Parsed;
use crate::plan::bind::{err, Binder};
use crate::plan::select::plan_select;
use crate::schema::{name_of, Schema};
use chorus_storage::{Result, Value};
use sqlite3_parser::ast::{self, Cmd, Stmt};
use std::sync::Arc;

pub enum TxnOp {
    Begin(Option<ast::TransactionType>),
    BeginConcurrent,
    Commit,
    Rollback,
    Savepoint(String),
    Release(String),
    RollbackTo(String),
}

pub enum Program {
    Query(SelectPlan),
    Insert(Box<dml::InsertPlan>),
    Update(Box<dml::UpdatePlan>),
    Delete(Box<dml::DeletePlan>),
    /// INSERT/UPDATE/DELETE on a view with INSTEAD OF triggers.
    ViewWrite(Box<crate::exec::trigger::ViewWritePlan>),
    Ddl(Box<Stmt>),
    Txn(TxnOp),
    Pragma(ast::QualifiedName, Option<ast::PragmaBody>),
    /// A fixed result set (EXPLAIN QUERY PLAN).
    Rows(Vec<String>, Vec<Vec<Value>>),
    /// Statements accepted and ignored (ANALYZE, REINDEX, VACUUM on memory).
    Noop,
    /// `VACUUM [schema] INTO 'file'`: a page copy of the database written
    /// to a new file (api/backup.rs); (schema, file name).
    VacuumInto(String, String),
    /// `VACUUM [schema]`: rebuild the database compactly (stmt/vacuum.rs).
    Vacuum(String),
}

pub struct Compiled {
    pub program: Program,
    pub nslots: usize,
    pub params: Vec<Option<String>>,
    pub names: Vec<String>,
    pub decltypes: Vec<Option<String>>,
    pub readonly: bool,
}

pub fn compile(schema: &Arc<Schema>, parsed: &Parsed, sql: &str) -> Result<Compiled> {
    let mut b = Binder::new(schema.clone());
    b.swap_limit = crate::plan::names::limit_comma_form(sql);
    let cmd = match parsed {
        Parsed::BeginConcurrent => {
            return Ok(Compiled {
                program: Program::Txn(TxnOp::BeginConcurrent),
                nslots: 0,
                params: vec![],
                names: vec![],
                decltypes: vec![],
                readonly: true,
            })
        }
        Parsed::Cmd(c) => c,
    };
    let (stmt, eqp, explain) = match cmd {
        Cmd::Stmt(s) => (s, false, false),
        Cmd::ExplainQueryPlan(s) => (s, true, false),
        Cmd::Explain(s) => (s, false, true),
    };
    let mut names = Vec::new();
    let mut decltypes = Vec::new();
    let mut readonly = false;
    let program = match stmt {
        Stmt::Select(s) => {
            let (plan, _) = plan_select(&mut b, s, Some(sql))?;
            names = plan.names.clone();
            decltypes = plan.decltypes.clone();
            readonly = true;
            Program::Query(plan)
        }
        Stmt::Insert {
            with,
            or_conflict,
            tbl_name,
            columns,
            body,
            returning,
        } if returning.is_none()
            && b.schema
                .views
                .contains_key(&crate::schema::key(&name_of(&tbl_name.name))) =>
        {
            crate::plan::select::push_with(&mut b, with.as_ref())?;
            let _ = or_conflict;
            match trigger::plan_view_insert(&mut b, tbl_name, columns.as_ref(), body)? {
                Some(p) => Program::ViewWrite(p),
                None => return Err(err("internal error: view target")),
            }
        }
        Stmt::Insert {
            with,
            or_conflict,
            tbl_name,
            columns,
            body,
            returning,
        } => {
            let mut p = dml::plan_insert(
                &mut b,
                *or_conflict,
                tbl_name,
                columns.as_ref(),
                body,
                with.as_ref(),
            )?;
            if let Some(cols) = returning {
                names = dml::bind_returning(&mut b, &mut p.writer, cols, sql)?;
                decltypes = vec![None; names.len()];
                // RETURNING is evaluated after the write: it may fail then.
                p.single_write = false;
            }
            Program::Insert(Box::new(p))
        }
        Stmt::Update {
            with,
            or_conflict,
            tbl_name,
            sets,
            from,
            where_clause,
            returning,
            order_by,
            limit,
            ..
        } => {
            if order_by.is_some() || limit.is_some() {
                return Err(err("UPDATE with ORDER BY or LIMIT is not supported"));
            }
            crate::plan::select::push_with(&mut b, with.as_ref())?;
            if returning.is_none() && from.is_none() {
                if let Some(p) =
                    trigger::plan_view_update(&mut b, tbl_name, sets, where_clause.as_ref())?
                {
                    return Ok(Compiled {
                        program: Program::ViewWrite(p),
                        nslots: b.nslots,
                        params: b.params,
                        names,
                        decltypes,
                        readonly,
                    });
                }
            }
            let mut p = dml::plan_update(
                &mut b,
                *or_conflict,
                tbl_name,
                sets,
                from.as_ref(),
                where_clause.as_ref(),
            )?;
            if let Some(cols) = returning {
                names = dml::bind_returning(&mut b, &mut p.writer, cols, sql)?;
                decltypes = vec![None; names.len()];
            }
            Program::Update(Box::new(p))
        }
        Stmt::Delete {
            with,
            tbl_name,
            where_clause,
            returning,
            order_by,
            limit,
            ..
        } => {
            if order_by.is_some() || limit.is_some() {
                return Err(err("DELETE with ORDER BY or LIMIT is not supported"));
            }
            crate::plan::select::push_with(&mut b, with.as_ref())?;
            b.returning_pending = returning.is_some();
            if returning.is_none() {
                if let Some(p) = trigger::plan_view_delete(&mut b, tbl_name, where_clause.as_ref())?
                {
                    return Ok(Compiled {
                        program: Program::ViewWrite(p),
                        nslots: b.nslots,
                        params: b.params,
                        names,
                        decltypes,
                        readonly,
                    });
                }
            }
            let mut p = dml::plan_delete(&mut b, tbl_name, where_clause.as_ref())?;
            if let Some(cols) = returning {
                names = dml::bind_returning(&mut b, &mut p.writer, cols, sql)?;
                decltypes = vec![None; names.len()];
            }
            Program::Delete(Box::new(p))
        }
        Stmt::CreateTable { .. }
        | Stmt::CreateIndex { .. }
        | Stmt::CreateView { .. }
        | Stmt::DropTable { .. }
        | Stmt::DropIndex { .. }
        | Stmt::DropView { .. }
        | Stmt::Reindex { .. } => Program::Ddl(Box::new(stmt.clone())),
        Stmt::Begin(t, _) => Program::Txn(TxnOp::Begin(*t)),
        Stmt::Commit(_) => Program::Txn(TxnOp::Commit),
        Stmt::Rollback {
            savepoint_name: Some(n),
            ..
        } => Program::Txn(TxnOp::RollbackTo(name_of(n))),
        Stmt::Rollback { .. } => Program::Txn(TxnOp::Rollback),
        Stmt::Savepoint(n) => Program::Txn(TxnOp::Savepoint(name_of(n))),
        Stmt::Release(n) => Program::Txn(TxnOp::Release(name_of(n))),
        Stmt::Pragma(n, body) => {
            // Result column names are known at prepare, as in SQLite.
            let pname = name_of(&n.name).to_ascii_lowercase();
            // Setting a pragma returns no row, except these, which echo it.
            let echoes = matches!(
                pname.as_str(),
                "secure_delete" | "journal_mode" | "locking_mode" | "busy_timeout"
            );
            if echoes || !matches!(body, Some(ast::PragmaBody::Equals(_))) {
                if let Some(spec) = pragma_table::pragma_spec(&pname) {
                    names = spec.columns.iter().map(|c| c.to_string()).collect();
                    decltypes = vec![None; names.len()];
                }
            }
            Program::Pragma(n.clone(), body.clone())
        }
        Stmt::Vacuum(schema, Some(into)) => {
            let file = match into {
                ast::Expr::Literal(ast::Literal::String(q)) => {
                    let inner = q.get(1..q.len().saturating_sub(1)).unwrap_or("");
                    inner.replace("''", "'")
                }
                _ => return Err(err("VACUUM INTO needs a string literal file name")),
            };
            let schema = schema
                .as_ref()
                .map(name_of)
                .unwrap_or_else(|| "main".into());
            if !schema.eq_ignore_ascii_case("main") {
                return Err(err(format!("unknown database {schema}")));
            }
            Program::VacuumInto(schema, file)
        }
        Stmt::Vacuum(db, None) => {
            let d = db.as_ref().map(name_of).unwrap_or_else(|| "main".into());
            if d.eq_ignore_ascii_case("temp") {
                // TEMP holds no b-trees of its own here (stmt/temp_trigger.rs).
                Program::Noop
            } else if attach::db_tag(schema, &d).is_none() {
                return Err(err(format!("unknown database {d}")));
            } else {
                Program::Vacuum(d)
            }
        }
        Stmt::Analyze(Some(qn)) if qn.db_name.is_none() => {
            // A database, table or index name; statistics are not kept.
            let n = name_of(&qn.name);
            let k = crate::schema::key(&n);
            let known = n.eq_ignore_ascii_case("temp")
                || attach::db_tag(schema, &n).is_some()
                || schema.tables.contains_key(&k)
                || schema.indexes.contains_key(&k);
            if !known {
                return Err(err(format!("no such table: {n}")));
            }
            Program::Noop
        }
        Stmt::Analyze(_) => Program::Noop,
        Stmt::CreateTrigger { .. } | Stmt::DropTrigger { .. } => {
            if matches!(stmt, Stmt::CreateTrigger { .. }) {
                trigger::check_no_variables(sql)?;
            }
            match trigger::check_trigger_ddl(schema, stmt)? {
                Some(_) => Program::Ddl(Box::new(stmt.clone())),
                None => Program::Noop,
            }
        }
        Stmt::CreateVirtualTable { .. } => return Err(err("virtual tables are not supported")),
        Stmt::AlterTable(..) => Program::Ddl(Box::new(stmt.clone())),
        Stmt::Attach { .. } | Stmt::Detach(_) => Program::Ddl(Box::new(stmt.clone())),
    };
    let program = if explain {
        names = explain::column_names();
        decltypes = vec![None; names.len()];
        readonly = true;
        let ncols = match &program {
            Program::Query(p) => p.ncols,
            _ => 0,
        };
        Program::Rows(names.clone(), explain::explain_rows(&program, stmt, ncols))
    } else {
        program
    };
    // EXPLAIN QUERY PLAN: the plan's rows (exec/eqp.rs); the statement
    // itself must not run.
    let program = if eqp {
        names = ["id", "parent", "notused", "detail"]
            .map(String::from)
            .to_vec();
        decltypes = vec![None; 4];
        readonly = true;
        let rows = crate::exec::eqp::program_rows(&program)
            .into_iter()
            .map(|r| {
                vec![
                    Value::Integer(r.id),
                    Value::Integer(r.parent),
                    Value::Integer(0),
                    Value::Text(r.detail.into_bytes()),
                ]
            })
            .collect();
        Program::Rows(names.clone(), rows)
    } else {
        program
    };
    Ok(Compiled {
        program,
        nslots: b.nslots,
        params: b.params,
        names,
        decltypes,
        readonly,
    })
}
