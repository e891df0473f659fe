//! Prepared statements: binding, stepping one row at a time, column access
//! with SQLite's conversions, reset/rebind, and the `Rows`/`Row` iterator API.

use super::connection::{ConnInner, Connection};
use super::types::{FromSql, ParamKey, Params, ToSql};
use crate::exec::env::Env;
use crate::exec::expr::Cx;
use crate::parse::{parse_first, Parsed};
use crate::stmt::dml::{run_delete, run_insert, run_update, DmlResult};
use crate::stmt::pragma::{run_pragma, PragmaState};
use crate::stmt::{compile, Compiled, Program, TxnOp};
use crate::storage::HeaderField;
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use sqlite3_parser::ast::Stmt;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Idle,
    Running,
    Done,
}

/// The storage class of a column value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ColumnType {
    Null,
    Integer,
    Real,
    Text,
    Blob,
}

/// A prepared statement.
pub struct Statement<'c> {
    conn: &'c Connection,
    sql: String,
    parsed: Parsed,
    compiled: Compiled,
    cookie: u32,
    /// The connection's TEMP-trigger generation compiled against.
    temp_gen: u32,
    env: Env,
    state: State,
    /// Rows of a fixed result set (PRAGMA / EXPLAIN QUERY PLAN).
    fixed: Vec<Vec<Value>>,
    fixed_pos: usize,
    row: Vec<Value>,
    names: Vec<String>,
    /// `names` shared with the `Row`s handed out; reset to `None` wherever
    /// `names` is assigned, rebuilt on the next use.
    names_arc: Option<Arc<Vec<String>>>,
    /// The values buffer of the last `Rows`, reused by the next `query`.
    spare_row: Vec<Value>,
    pub(crate) empty: bool,
    /// Deeply nested: compile and run on a large-stack thread.
    deep: bool,
    /// Rows of a RETURNING clause are being handed out.
    returning: bool,
}

impl<'c> Statement<'c> {
    pub(crate) fn new(conn: &'c Connection, sql: String) -> Result<Statement<'c>> {
        let (p, _) = parse_first(&sql)?;
        let p = p.ok_or_else(|| Error::new(ResultCode::MISUSE, "empty statement"))?;
        Self::from_parsed(conn, sql, p)
    }

    pub(crate) fn from_parsed(
        conn: &'c Connection,
        sql: String,
        parsed: Parsed,
    ) -> Result<Statement<'c>> {
        let (compiled, cookie, temp_gen) = {
            let mut inner = conn.inner.borrow_mut();
            inner.begin_stmt(&conn.db)?;
            let schema = inner.schema.clone();
            inner.end_read_if_idle();
            let deep = crate::parse::parsed_depth(&parsed) > crate::parse::DEEP_STMT;
            let c = crate::parse::with_stack(deep, || compile(&schema, &parsed, &sql))?;
            (c, schema.cookie, schema.temp_gen)
        };
        let deep = crate::parse::parsed_depth(&parsed) > crate::parse::DEEP_STMT;
        let env = conn.env_for(compiled.nslots, compiled.params.len());
        let names = compiled.names.clone();
        Ok(Statement {
            conn,
            sql,
            parsed,
            compiled,
            cookie,
            temp_gen,
            env,
            state: State::Idle,
            fixed: Vec::new(),
            fixed_pos: 0,
            row: Vec::new(),
            names,
            names_arc: None,
            spare_row: Vec::new(),
            empty: false,
            deep,
            returning: false,
        })
    }

    /// The statement's SQL text.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Number of parameters (the largest parameter index).
    pub fn parameter_count(&self) -> usize {
        self.compiled.params.len()
    }

    /// Name of parameter `i` (1-based), with its prefix (`:a`, `@a`, `$a`, `?3`).
    pub fn parameter_name(&self, i: usize) -> Option<&str> {
        self.compiled
            .params
            .get(i.wrapping_sub(1))
            .and_then(|n| n.as_deref())
    }

    /// 1-based index of a named parameter (name with its prefix).
    pub fn parameter_index(&self, name: &str) -> Option<usize> {
        self.compiled
            .params
            .iter()
            .position(|p| p.as_deref() == Some(name))
            .map(|i| i + 1)
    }

    /// Bind parameter `i` (1-based).
    pub fn bind<T: ToSql + ?Sized>(&mut self, i: usize, v: &T) -> Result<()> {
        let v = v.to_sql()?;
        self.bind_value(i, v)
    }

    pub fn bind_value(&mut self, i: usize, v: Value) -> Result<()> {
        if i == 0 || i > self.env.params.len() {
            return Err(Error::new(ResultCode::RANGE, "column index out of range"));
        }
        if self.state != State::Idle {
            self.reset();
        }
        self.env.params[i - 1] = v;
        Ok(())
    }

    /// Bind text given as bytes (`sqlite3_bind_text` with a copy), reusing
    /// the parameter's previous text buffer: binding row after row (the
    /// shell's `.import`) allocates nothing per value.
    pub fn bind_text_bytes(&mut self, i: usize, text: &[u8]) -> Result<()> {
        if i == 0 || i > self.env.params.len() {
            return Err(Error::new(ResultCode::RANGE, "column index out of range"));
        }
        if self.state != State::Idle {
            self.reset();
        }
        let p = &mut self.env.params[i - 1];
        match p {
            Value::Text(b) => {
                b.clear();
                b.extend_from_slice(text);
            }
            _ => *p = Value::Text(text.to_vec()),
        }
        Ok(())
    }

    /// Bind by name (`:a`, `@a`, `$a`).
    pub fn bind_name<T: ToSql + ?Sized>(&mut self, name: &str, v: &T) -> Result<()> {
        let i = self
            .parameter_index(name)
            .ok_or_else(|| Error::new(ResultCode::RANGE, format!("no such parameter: {name}")))?;
        self.bind(i, v)
    }

    pub fn clear_bindings(&mut self) {
        for p in &mut self.env.params {
            *p = Value::Null;
        }
    }

    fn bind_all<P: Params>(&mut self, params: P) -> Result<()> {
        let vals = params.values()?;
        let positional = vals
            .iter()
            .filter(|(k, _)| matches!(k, ParamKey::Index(_)))
            .count();
        if positional > 0 && positional != self.parameter_count() {
            return Err(Error::new(
                ResultCode::RANGE,
                format!(
                    "wrong number of parameters: expected {}, got {positional}",
                    self.parameter_count()
                ),
            ));
        }
        for (k, v) in vals {
            match k {
                ParamKey::Index(i) => self.bind_value(i, v)?,
                ParamKey::Name(n) => {
                    let i = self
                        .parameter_index(&n)
                        .or_else(|| {
                            [":", "@", "$"]
                                .iter()
                                .find_map(|p| self.parameter_index(&format!("{p}{n}")))
                        })
                        .ok_or_else(|| {
                            Error::new(ResultCode::RANGE, format!("no such parameter: {n}"))
                        })?;
                    self.bind_value(i, v)?;
                }
            }
        }
        Ok(())
    }

    pub fn column_count(&self) -> usize {
        if self.empty {
            return 0;
        }
        self.names.len()
    }

    pub fn column_names(&self) -> Vec<&str> {
        if self.empty {
            return Vec::new();
        }
        self.names.iter().map(|s| s.as_str()).collect()
    }

    pub fn column_name(&self, i: usize) -> Result<&str> {
        self.names
            .get(i)
            .map(|s| s.as_str())
            .ok_or_else(|| Error::new(ResultCode::RANGE, "column index out of range"))
    }

    /// Declared type of a result column that is a table column.
    pub fn column_decltype(&self, i: usize) -> Option<&str> {
        self.compiled.decltypes.get(i).and_then(|d| d.as_deref())
    }

    /// Whether the statement only reads.
    pub fn readonly(&self) -> bool {
        self.compiled.readonly
    }

    /// Back to the start; bindings are kept.
    pub fn reset(&mut self) {
        if self.state == State::Running {
            self.finish_read();
        }
        self.state = State::Idle;
        self.returning = false;
        self.fixed.clear();
        self.fixed_pos = 0;
        self.row.clear();
    }

    fn finish_read(&mut self) {
        if let Program::Query(p) = &mut self.compiled.program {
            p.close();
        }
        let mut inner = self.conn.inner.borrow_mut();
        inner.readers = inner.readers.saturating_sub(1);
        inner.end_read_if_idle();
    }

    /// Run to the next row: `Ok(true)` when a row is available.
    pub fn step(&mut self) -> Result<bool> {
        if self.empty {
            return Ok(false);
        }
        match self.state {
            State::Done => Ok(false),
            State::Running => self.next_row(),
            State::Idle => {
                let r = self.start();
                match r {
                    Ok(true) => self.next_row(),
                    Ok(false) => {
                        self.state = State::Done;
                        Ok(false)
                    }
                    Err(e) => {
                        self.state = State::Done;
                        Err(self.after_error(e))
                    }
                }
            }
        }
    }

    /// An interrupted statement is reset, so the next step runs it afresh.
    fn after_error(&mut self, e: Error) -> Error {
        if e.code == ResultCode::INTERRUPT {
            self.reset();
        }
        e
    }

    fn next_row(&mut self) -> Result<bool> {
        if self.returning
            || !self.fixed.is_empty()
            || matches!(
                self.compiled.program,
                Program::Pragma(..) | Program::Rows(..)
            )
        {
            if let Some(r) = self.fixed.get_mut(self.fixed_pos) {
                self.fixed_pos += 1;
                self.row = std::mem::take(r);
                return Ok(true);
            }
            self.state = State::Done;
            self.finish_read();
            return Ok(false);
        }
        let Program::Query(plan) = &mut self.compiled.program else {
            self.state = State::Done;
            return Ok(false);
        };
        let r = {
            let mut inner = self.conn.inner.borrow_mut();
            let inner = &mut *inner;
            let env = &mut self.env;
            let store = &mut *inner.store;
            crate::parse::with_stack(self.deep, move || {
                let mut cx = Cx { store, env };
                plan.next(&mut cx)
            })
        };
        match r {
            Ok(true) => Ok(true),
            Ok(false) => {
                self.state = State::Done;
                self.finish_read();
                Ok(false)
            }
            Err(e) => {
                self.state = State::Done;
                self.finish_read();
                Err(self.after_error(e))
            }
        }
    }

    /// Begin execution. Ok(true): rows follow (state Running).
    fn start(&mut self) -> Result<bool> {
        let conn = self.conn;
        let mut inner = conn.inner.borrow_mut();
        if inner.readers == 0 {
            // No statement is running: an earlier interrupt is spent.
            conn.interrupt
                .store(false, std::sync::atomic::Ordering::Relaxed);
        }
        // An autocommit write statement with nothing else running begins its
        // write transaction at once (as SQLite's OP_Transaction does): one
        // SHARED → RESERVED step instead of a read transaction that would
        // be dropped again before waiting for the writer slot. The schema
        // is then checked (and the statement recompiled) inside it.
        let early_write = !inner.explicit_txn
            && inner.readers == 0
            && !inner.store.in_write()
            && matches!(
                self.compiled.program,
                Program::Insert(_)
                    | Program::Update(_)
                    | Program::Delete(_)
                    | Program::ViewWrite(_)
            )
            && inner.store.as_multi().is_none();
        if early_write {
            inner.store.begin_write()?;
        }
        let abandon = |inner: &mut ConnInner| {
            if early_write && inner.store.in_write() {
                let _ = inner.store.rollback();
            }
            inner.end_read_if_idle();
        };
        if let Err(e) = inner.begin_stmt(&conn.db) {
            abandon(&mut inner);
            return Err(e);
        }
        // A statement with FROM-clause sources inside BEGIN holds the read
        // transaction from then on; outside one, nothing is held after it.
        inner.txn_read = inner.explicit_txn && (inner.txn_read || self.compiled.nslots > 0);
        if inner.schema.cookie != self.cookie || inner.schema.temp_gen != self.temp_gen {
            let schema = inner.schema.clone();
            let (parsed, sql) = (&self.parsed, &self.sql);
            match crate::parse::with_stack(self.deep, || compile(&schema, parsed, sql)) {
                Ok(c) => {
                    let params = std::mem::take(&mut self.env.params);
                    self.compiled = c;
                    self.env = conn.env_for(self.compiled.nslots, self.compiled.params.len());
                    for (i, p) in params.into_iter().enumerate() {
                        if i < self.env.params.len() {
                            self.env.params[i] = p;
                        }
                    }
                    self.names = self.compiled.names.clone();
                    self.names_arc = None;
                    self.cookie = schema.cookie;
                    self.temp_gen = schema.temp_gen;
                }
                Err(e) => {
                    abandon(&mut inner);
                    return Err(e);
                }
            }
        }
        self.env.next_run();
        self.env.facts.last_insert_rowid = inner.last_insert_rowid;
        self.env.facts.changes = inner.changes;
        self.env.facts.total_changes = inner.total_changes;
        self.env.facts.case_sensitive_like = inner.case_sensitive_like;
        self.env.facts.cache_size = inner.cache_size;
        self.env.facts.flags = inner.flags;
        self.env.facts.recursive_triggers = inner.recursive_triggers;
        self.env.facts.fk = inner.fk.clone();
        match &mut self.compiled.program {
            Program::Query(plan) => {
                inner.readers += 1;
                let r = {
                    let inner = &mut *inner;
                    let env = &mut self.env;
                    let store = &mut *inner.store;
                    crate::parse::with_stack(self.deep, move || {
                        let mut cx = Cx { store, env };
                        plan.open(&mut cx)
                    })
                };
                if let Err(e) = r {
                    inner.readers -= 1;
                    inner.end_read_if_idle();
                    return Err(e);
                }
                self.state = State::Running;
                Ok(true)
            }
            Program::Rows(names, rows) => {
                self.names = names.clone();
                self.names_arc = None;
                self.fixed = rows.clone();
                self.fixed_pos = 0;
                inner.readers += 1;
                self.state = State::Running;
                Ok(true)
            }
            Program::Noop => {
                inner.end_read_if_idle();
                Ok(false)
            }
            Program::Vacuum(db) => {
                let db_name = db.clone();
                if inner.explicit_txn {
                    inner.end_read_if_idle();
                    return Err(Error::new(
                        ResultCode::ERROR,
                        "cannot VACUUM from within a transaction",
                    ));
                }
                if inner.readers > 0 {
                    inner.end_read_if_idle();
                    return Err(Error::new(
                        ResultCode::ERROR,
                        "cannot VACUUM - SQL statements in progress",
                    ));
                }
                let r = with_write(&mut inner, true, |inner| {
                    let schema = inner.schema.clone();
                    crate::stmt::vacuum::run(&mut *inner.store, &schema, &db_name)
                        .map(|()| ((), DmlResult::default()))
                        .map_err(|e| (e, DmlResult::default()))
                });
                let cookie = inner
                    .store
                    .header(HeaderField::SchemaCookie)
                    .unwrap_or(u32::MAX);
                if cookie != inner.schema.cookie {
                    let db = conn.db.clone();
                    inner.store.begin_read()?;
                    let _ = inner.reload_schema(&db, cookie);
                    inner.end_read_if_idle();
                }
                inner.end_read_if_idle();
                r.map(|_| false)
            }
            Program::VacuumInto(schema, file) => {
                let r = super::backup::vacuum_into(&mut inner, schema, file);
                inner.end_read_if_idle();
                r.map(|_| false)
            }
            Program::Txn(op) => {
                let op = std::mem::replace(op, TxnOp::Commit);
                let r = run_txn(&mut inner, &op);
                if let Program::Txn(slot) = &mut self.compiled.program {
                    *slot = op;
                }
                inner.end_read_if_idle();
                r.map(|_| false)
            }
            Program::Pragma(name, body) => {
                let (name, body) = (name.clone(), body.clone());
                let control = crate::stmt::pragma::is_pager_control(&name);
                if control {
                    // Journal-mode switches and checkpoints run with no
                    // statement transaction open (an explicit one stays).
                    inner.end_read_if_idle();
                }
                // `page_size = N` only sets the size a new database gets: like
                // SQLite, it writes nothing (the file stays empty until the
                // first table), so a later request can still change it.
                let writes = body.is_some()
                    && !control
                    && !crate::schema::name_of(&name.name).eq_ignore_ascii_case("page_size");
                let filename = conn.db.factory.filename().to_string();
                let r = with_write(&mut inner, writes, |inner| {
                    let inner = &mut *inner;
                    let schema = inner.schema.clone();
                    run_pragma(
                        &mut *inner.store,
                        &schema,
                        &name,
                        body.as_ref(),
                        PragmaState {
                            case_sensitive_like: &mut inner.case_sensitive_like,
                            recursive_triggers: &mut inner.recursive_triggers,
                            cache_size: &mut inner.cache_size,
                            filename: &filename,
                            flags: &mut inner.flags,
                            fk: &mut inner.fk,
                            in_txn: inner.explicit_txn,
                        },
                    )
                    .map(|r| (r, DmlResult::default()))
                    .map_err(|e| (e, DmlResult::default()))
                });
                match r {
                    Ok(res) => {
                        if !res.names.is_empty() || !res.rows.is_empty() {
                            self.names = res.names;
                            self.names_arc = None;
                        }
                        self.fixed = res.rows;
                        self.fixed_pos = 0;
                        if self.fixed.is_empty() {
                            inner.end_read_if_idle();
                            return Ok(false);
                        }
                        inner.readers += 1;
                        self.state = State::Running;
                        Ok(true)
                    }
                    Err(e) => {
                        inner.end_read_if_idle();
                        Err(e)
                    }
                }
            }
            Program::Ddl(stmt) => {
                let stmt = stmt.clone();
                if crate::stmt::trigger::is_temp_ddl(&inner.schema, &stmt) {
                    // TEMP triggers live with the connection, not the file.
                    let schema = inner.schema.clone();
                    let r = crate::stmt::trigger::run_temp_ddl(
                        &mut inner.temp_triggers,
                        &schema,
                        &stmt,
                        &self.sql,
                    );
                    if let Ok(true) = r {
                        inner.temp_gen = inner.temp_gen.wrapping_add(1);
                        let base = inner.base_schema.clone();
                        inner.install_schema(base);
                    }
                    inner.end_read_if_idle();
                    return r.map(|_| false);
                }
                let sql = self.sql.clone();
                let env = &mut self.env;
                let main_file = conn.db.factory.filename().to_string();
                if matches!(*stmt, Stmt::Attach { .. } | Stmt::Detach(_)) {
                    let r = crate::stmt::attach::run_attach(&mut inner, &stmt, &main_file);
                    crate::stmt::attach::refresh_schema(&mut inner, &conn.db);
                    inner.end_read_if_idle();
                    return r.map(|_| false);
                }
                let target = match crate::stmt::attach::prepare_ddl_target(
                    &mut inner, &conn.db, &stmt, &main_file,
                ) {
                    Ok(t) => t,
                    Err(e) => {
                        inner.end_read_if_idle();
                        return Err(e);
                    }
                };
                let r = with_write(&mut inner, true, |inner| {
                    let schema = inner.schema.clone();
                    crate::exec::foreign_key::begin(env, &schema, &inner.fk);
                    let autocommit = !inner.explicit_txn;
                    let r = match target {
                        None => {
                            crate::stmt::ddl::run_ddl(&mut *inner.store, &schema, &stmt, &sql, env)
                        }
                        Some(t) => crate::stmt::attach::run_ddl_in(inner, t, &stmt, &sql, env),
                    };
                    r.and_then(|o| {
                        crate::exec::foreign_key::finish(env, &mut inner.fk, autocommit).map(|()| o)
                    })
                    .map(|o| (o, DmlResult::default()))
                    .map_err(|e| (e, DmlResult::default()))
                });
                // Reload the schema (changed, or restored by a rollback).
                let cookie = inner
                    .store
                    .header(HeaderField::SchemaCookie)
                    .unwrap_or(u32::MAX);
                if cookie != inner.schema.cookie {
                    let db = conn.db.clone();
                    if inner.store.in_write() || inner.explicit_txn {
                        let _ = inner.reload_schema(&db, cookie);
                    } else {
                        inner.store.begin_read()?;
                        let _ = inner.reload_schema(&db, cookie);
                        inner.end_read_if_idle();
                    }
                }
                inner.end_read_if_idle();
                r.map(|_| false)
            }
            prog @ (Program::Insert(_)
            | Program::Update(_)
            | Program::Delete(_)
            | Program::ViewWrite(_)) => {
                let env = &mut self.env;
                let deep = self.deep;
                // A top-level one-row INSERT that can fail only before its
                // first write runs without a statement savepoint; its writer
                // then turns a failed write into a transaction rollback
                // (INSERTs inside triggers always run under their
                // statement's savepoint).
                let stmt_sp = match &mut *prog {
                    Program::Insert(p) => {
                        let sp = !p.single_write || inner.fk.enabled;
                        p.writer.unjournaled = !sp;
                        sp
                    }
                    _ => true,
                };
                let r = with_write_sp(&mut inner, true, stmt_sp, |inner| {
                    let mut res = DmlResult::default();
                    crate::exec::foreign_key::begin(env, &inner.schema, &inner.fk);
                    let autocommit = !inner.explicit_txn;
                    let mut cx = Cx {
                        store: &mut *inner.store,
                        env: &mut *env,
                    };
                    let res_ref = &mut res;
                    let r = crate::parse::with_stack(deep, move || match prog {
                        Program::Insert(p) => run_insert(p, &mut cx, res_ref),
                        Program::Update(p) => run_update(p, &mut cx, res_ref),
                        Program::Delete(p) => run_delete(p, &mut cx, res_ref),
                        Program::ViewWrite(p) => p.run(&mut cx, res_ref),
                        _ => Ok(()),
                    });
                    let r = r.and_then(|()| {
                        crate::exec::foreign_key::finish(env, &mut inner.fk, autocommit)
                    });
                    match r {
                        Ok(()) => Ok((res, DmlResult::default())),
                        Err(e) => {
                            if !res.keep_partial && !res.rollback {
                                // The statement is undone: changes() reads 0,
                                // as SQLite's statement rollback sets it.
                                inner.changes = 0;
                            }
                            Err((e, res))
                        }
                    }
                });
                inner.end_read_if_idle();
                match r {
                    Ok(res) => {
                        inner.changes = res.changes;
                        inner.total_changes += res.changes + res.trigger_changes;
                        if let Some(r) = res.last_rowid {
                            inner.last_insert_rowid = r;
                        }
                        if !self.compiled.names.is_empty() && !res.rows.is_empty() {
                            // RETURNING: the rows were produced; hand them out.
                            self.fixed = res.rows;
                            self.fixed_pos = 0;
                            self.returning = true;
                            inner.readers += 1;
                            self.state = State::Running;
                            return Ok(true);
                        }
                        Ok(false)
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// Execute with parameters; returns the number of changed rows.
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        self.reset();
        self.bind_all(params)?;
        while self.step()? {}
        let n = self.conn.changes() as usize;
        self.reset();
        Ok(if self.is_dml() { n } else { 0 })
    }

    fn is_dml(&self) -> bool {
        matches!(
            self.compiled.program,
            Program::Insert(_) | Program::Update(_) | Program::Delete(_) | Program::ViewWrite(_)
        )
    }

    /// Run a query with parameters; iterate the rows with `Rows::next`.
    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_, 'c>> {
        self.reset();
        self.bind_all(params)?;
        let values = std::mem::take(&mut self.spare_row);
        let names = self.names_arc();
        Ok(Rows {
            stmt: self,
            row: Row { values, names },
        })
    }

    /// The column names as shared by `Row`s: no allocation while they stay
    /// the same from one query to the next.
    fn names_arc(&mut self) -> Arc<Vec<String>> {
        match &self.names_arc {
            Some(a) => a.clone(),
            None => {
                let a = Arc::new(self.names.clone());
                self.names_arc = Some(a.clone());
                a
            }
        }
    }

    /// Run a query and map every row.
    pub fn query_map<T, P: Params, F: FnMut(&Row) -> Result<T>>(
        &mut self,
        params: P,
        mut f: F,
    ) -> Result<Vec<T>> {
        let mut rows = self.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(f(r)?);
        }
        Ok(out)
    }

    /// Current row's column `i` (NULL when out of range or no row).
    pub fn column_value(&self, i: usize) -> ValueRef<'_> {
        self.current()
            .get(i)
            .map(|v| v.as_ref())
            .unwrap_or(ValueRef::Null)
    }

    fn current(&self) -> &[Value] {
        if self.returning
            || !self.fixed.is_empty()
            || matches!(
                self.compiled.program,
                Program::Pragma(..) | Program::Rows(..)
            )
        {
            return &self.row;
        }
        match &self.compiled.program {
            Program::Query(p) if self.state == State::Running => p.row(),
            _ => &[],
        }
    }

    pub fn column_type(&self, i: usize) -> ColumnType {
        match self.column_value(i) {
            ValueRef::Null => ColumnType::Null,
            ValueRef::Integer(_) => ColumnType::Integer,
            ValueRef::Real(_) => ColumnType::Real,
            ValueRef::Text(_) => ColumnType::Text,
            ValueRef::Blob(_) => ColumnType::Blob,
        }
    }

    /// Column `i` converted like `sqlite3_column_int64`.
    pub fn column_int64(&self, i: usize) -> i64 {
        crate::sqlvalue::numeric::value_to_i64(self.column_value(i))
    }

    /// Column `i` converted like `sqlite3_column_double`.
    pub fn column_double(&self, i: usize) -> f64 {
        crate::sqlvalue::numeric::value_to_f64(self.column_value(i))
    }

    /// Column `i` as text bytes (numbers formatted as SQLite does).
    pub fn column_text(&self, i: usize) -> std::borrow::Cow<'_, [u8]> {
        crate::sqlvalue::format::value_to_text(self.column_value(i))
    }

    /// Column `i` as blob bytes.
    pub fn column_blob(&self, i: usize) -> std::borrow::Cow<'_, [u8]> {
        match self.column_value(i) {
            ValueRef::Blob(b) => std::borrow::Cow::Borrowed(b),
            other => crate::sqlvalue::format::value_to_text(other),
        }
    }

    /// Column `i` of the current row as `T`.
    pub fn get<T: FromSql>(&self, i: usize) -> Result<T> {
        if i >= self.column_count() {
            return Err(Error::new(
                ResultCode::RANGE,
                format!("column index {i} out of range"),
            ));
        }
        T::from_sql(self.column_value(i))
    }

    fn take_row(&mut self, into: &mut Vec<Value>) {
        if self.returning
            || !self.fixed.is_empty()
            || matches!(
                self.compiled.program,
                Program::Pragma(..) | Program::Rows(..)
            )
        {
            copy_row(into, &self.row);
            return;
        }
        if let Program::Query(p) = &self.compiled.program {
            copy_row(into, p.row());
        }
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        if self.state == State::Running {
            if let Ok(mut inner) = self.conn.inner.try_borrow_mut() {
                inner.readers = inner.readers.saturating_sub(1);
                inner.end_read_if_idle();
            }
        }
    }
}

/// Run `f` inside a write transaction (when `write`) with a statement
/// savepoint; commit in autocommit mode; undo the statement on error.
type WriteResult<T> = std::result::Result<(T, DmlResult), (Error, DmlResult)>;

fn with_write<T>(
    inner: &mut ConnInner,
    write: bool,
    f: impl FnOnce(&mut ConnInner) -> WriteResult<T>,
) -> Result<T> {
    with_write_sp(inner, write, true, f)
}

/// `with_write`; `stmt_sp` false runs the statement without a statement
/// savepoint: it must fail only before its first write, or set
/// `rollback` in its result (stmt/dml.rs `single_write`).
fn with_write_sp<T>(
    inner: &mut ConnInner,
    write: bool,
    stmt_sp: bool,
    f: impl FnOnce(&mut ConnInner) -> WriteResult<T>,
) -> Result<T> {
    if !write {
        return f(inner).map(|(t, _)| t).map_err(|e| e.0);
    }
    if !inner.store.in_write() && !inner.explicit_txn && inner.readers == 0 {
        // Drop the statement's own read lock before waiting for the writer
        // slot: held while waiting, it would keep the current writer from
        // committing (both would wait out their busy timeouts). The schema
        // the statement was compiled against must still be current.
        let cookie = inner.schema.cookie;
        inner.end_read_if_idle();
        inner.store.begin_write()?;
        match inner
            .store
            .header(crate::storage::HeaderField::SchemaCookie)
        {
            Ok(c) if c == cookie => {}
            other => {
                let _ = inner.store.rollback();
                inner.end_read_if_idle();
                other?;
                return Err(Error::new(
                    ResultCode::SCHEMA,
                    "database schema has changed",
                ));
            }
        }
    } else if let Err(e) = inner.store.begin_write() {
        inner.end_read_if_idle();
        return Err(e);
    }
    let autocommit = !inner.explicit_txn;
    let sp = if stmt_sp {
        Some(inner.store.savepoint()?)
    } else {
        None
    };
    match f(inner) {
        Ok((t, _)) => {
            if let Some(sp) = sp {
                inner.store.release(sp)?;
            }
            if autocommit {
                inner.store.commit()?;
                inner.end_read_if_idle();
            }
            Ok(t)
        }
        Err((e, res)) => {
            if res.rollback {
                inner.fk.end_transaction();
                inner.store.rollback()?;
                inner.explicit_txn = false;
                inner.savepoints.clear();
            } else if res.keep_partial {
                if let Some(sp) = sp {
                    inner.store.release(sp)?;
                }
                inner.changes = res.changes;
                inner.total_changes += res.changes + res.trigger_changes;
                if autocommit {
                    inner.store.commit()?;
                }
            } else {
                if let Some(sp) = sp {
                    inner.store.rollback_to(sp)?;
                    inner.store.release(sp)?;
                }
                if autocommit {
                    inner.store.rollback()?;
                }
            }
            inner.end_read_if_idle();
            Err(e)
        }
    }
}

fn run_txn(inner: &mut ConnInner, op: &TxnOp) -> Result<()> {
    let err = |m: &str| Error::new(ResultCode::ERROR, m);
    match op {
        TxnOp::Begin(t) => {
            if inner.explicit_txn {
                return Err(err("cannot start a transaction within a transaction"));
            }
            match t {
                Some(
                    sqlite3_parser::ast::TransactionType::Immediate
                    | sqlite3_parser::ast::TransactionType::Exclusive,
                ) => {
                    // Drop the statement's own read lock before waiting for
                    // the writer slot: a SHARED lock held while waiting would
                    // keep the current writer from committing (deadlock).
                    inner.end_read_if_idle();
                    inner.store.begin_write()?
                }
                _ => inner.store.begin_read()?,
            }
            inner.explicit_txn = true;
            inner.sp_txn = false;
            Ok(())
        }
        TxnOp::BeginConcurrent => {
            // BEGIN CONCURRENT behaves as BEGIN DEFERRED until MVCC lands.
            if inner.explicit_txn {
                return Err(err("cannot start a transaction within a transaction"));
            }
            inner.store.begin_read()?;
            inner.explicit_txn = true;
            inner.sp_txn = false;
            Ok(())
        }
        TxnOp::Commit => {
            if !inner.explicit_txn {
                return Err(err("cannot commit - no transaction is active"));
            }
            inner.fk.check_commit()?;
            inner.fk.end_transaction();
            if inner.store.in_write() {
                inner.store.commit()?;
            }
            inner.explicit_txn = false;
            inner.savepoints.clear();
            if inner.readers == 0 {
                inner.store.end_read()?;
            }
            Ok(())
        }
        TxnOp::Rollback => {
            if !inner.explicit_txn {
                return Err(err("cannot rollback - no transaction is active"));
            }
            inner.fk.end_transaction();
            inner.store.rollback()?;
            inner.explicit_txn = false;
            inner.savepoints.clear();
            if inner.readers == 0 {
                inner.store.end_read()?;
            }
            Ok(())
        }
        TxnOp::Savepoint(name) => {
            let started = !inner.explicit_txn;
            inner.store.begin_write()?;
            let level = inner.store.savepoint()?;
            if started {
                inner.explicit_txn = true;
                inner.sp_txn = true;
            }
            inner.savepoints.push((name.clone(), level));
            inner.fk.savepoint(inner.savepoints.len());
            Ok(())
        }
        TxnOp::Release(name) => {
            let Some(pos) = inner
                .savepoints
                .iter()
                .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
            else {
                return Err(err(&format!("no such savepoint: {name}")));
            };
            let level = inner.savepoints[pos].1;
            if pos == 0 && inner.sp_txn {
                inner.fk.check_commit()?;
            }
            inner.store.release(level)?;
            inner.savepoints.truncate(pos);
            inner.fk.release(pos);
            if pos == 0 && inner.sp_txn {
                inner.fk.end_transaction();
                inner.store.commit()?;
                inner.explicit_txn = false;
                inner.sp_txn = false;
                if inner.readers == 0 {
                    inner.store.end_read()?;
                }
            }
            Ok(())
        }
        TxnOp::RollbackTo(name) => {
            let Some(pos) = inner
                .savepoints
                .iter()
                .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
            else {
                return Err(err(&format!("no such savepoint: {name}")));
            };
            let level = inner.savepoints[pos].1;
            inner.store.rollback_to(level)?;
            inner.savepoints.truncate(pos + 1);
            inner.fk.rollback_to(pos);
            Ok(())
        }
    }
}

/// The rows of a query.
pub struct Rows<'s, 'c> {
    stmt: &'s mut Statement<'c>,
    row: Row,
}

impl Rows<'_, '_> {
    /// The next row, or `None` at the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<&Row>> {
        if self.stmt.step()? {
            let current =
                matches!(&self.stmt.names_arc, Some(a) if Arc::ptr_eq(a, &self.row.names));
            if !current {
                self.row.names = self.stmt.names_arc();
            }
            self.stmt.take_row(&mut self.row.values);
            Ok(Some(&self.row))
        } else {
            Ok(None)
        }
    }
}

impl Drop for Rows<'_, '_> {
    fn drop(&mut self) {
        // Hand the values buffer back for the statement's next query.
        self.stmt.spare_row = std::mem::take(&mut self.row.values);
        // As rusqlite's `Rows`: dropping the rows resets the statement, so
        // a query abandoned before its last row ends its read transaction
        // (in rollback-journal mode it would otherwise block writers).
        self.stmt.reset();
    }
}

/// Copy `src` into `dst`, reusing `dst`'s allocations (the vector's and
/// those of text and blob values): a row per step costs no allocation once
/// the buffers are large enough.
fn copy_row(dst: &mut Vec<Value>, src: &[Value]) {
    dst.truncate(src.len());
    let kept = dst.len();
    for (d, s) in dst.iter_mut().zip(src) {
        match (d, s) {
            (Value::Text(d), Value::Text(s)) | (Value::Blob(d), Value::Blob(s)) => {
                d.clear();
                d.extend_from_slice(s);
            }
            (d, s) => *d = s.clone(),
        }
    }
    dst.extend(src.iter().skip(kept).cloned());
}

/// One result row.
#[derive(Debug, Clone)]
pub struct Row {
    values: Vec<Value>,
    names: Arc<Vec<String>>,
}

impl Row {
    /// Column `i` as `T` (SQLite's conversions; `Option<T>` reads NULL as None).
    pub fn get<T: FromSql>(&self, i: usize) -> Result<T> {
        match self.values.get(i) {
            Some(v) => T::from_sql(v.as_ref()),
            None => Err(Error::new(
                ResultCode::RANGE,
                format!("column index {i} out of range"),
            )),
        }
    }

    /// Column by name.
    pub fn get_by_name<T: FromSql>(&self, name: &str) -> Result<T> {
        let i = self
            .names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::new(ResultCode::RANGE, format!("no such column: {name}")))?;
        self.get(i)
    }

    pub fn get_ref(&self, i: usize) -> ValueRef<'_> {
        self.values
            .get(i)
            .map(|v| v.as_ref())
            .unwrap_or(ValueRef::Null)
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }
}
