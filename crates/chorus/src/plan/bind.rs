//! Binding: AST expressions → compiled expressions. Resolves names against a
//! stack of scopes (one per SELECT nesting level, so correlated references
//! resolve to an outer level's slot), fixes comparison affinity and
//! collation, resolves functions, collects aggregate calls, and numbers
//! parameters (`?`, `?NNN`, `:name`, `@name`, `$name`).

use super::select::plan_select;
use crate::exec::expr::{ArithOp, CExpr, CmpOp, SubQuery};
use crate::exec::func::ScalarImpl;
use crate::schema::{name_of, unquote, Schema, Table};
use crate::sqlvalue::compare::comparison_affinity;
use crate::sqlvalue::{Affinity, Collation};
use chorus_storage::{Error, Result, ResultCode, Value};
use sqlite3_parser::ast::{self, Expr, Literal, Operator, UnaryOperator};
use std::cell::RefCell;
use std::sync::Arc;

pub fn err(msg: impl Into<String>) -> Error {
    Error::new(ResultCode::ERROR, msg)
}

/// A column visible through a FROM-clause source.
#[derive(Clone, Debug)]
pub struct ColInfo {
    pub name: String,
    pub aff: Option<Affinity>,
    pub coll: Option<String>,
    pub decltype: Option<String>,
    /// Hidden from `*` (the right-hand copy of a USING/NATURAL column).
    pub hidden: bool,
    /// A hidden column that still resolves by its unqualified name (a
    /// table-valued pragma's `arg` / `schema`).
    pub named_hidden: bool,
}

#[derive(Clone, Debug)]
pub struct SourceInfo {
    pub slot: usize,
    /// Name used to qualify columns (alias or table name).
    pub name: String,
    pub columns: Vec<ColInfo>,
    pub table: Option<Arc<Table>>,
    /// RIGHT/FULL JOIN USING columns of this (right-hand) source: name →
    /// the left-hand copy (slot, col); an unqualified reference reads
    /// coalesce(left, right).
    pub coalesced: Vec<(String, usize, usize)>,
}

#[derive(Default)]
pub struct AggCollector {
    pub specs: Vec<AggSpec>,
}

pub struct AggSpec {
    pub name: String,
    pub args: Vec<CExpr>,
    pub distinct: bool,
    pub filter: Option<CExpr>,
    pub coll: Collation,
    /// `agg(x ORDER BY ...)`: rows are fed in this order.
    pub order: Vec<crate::exec::select::SortKey>,
}

#[derive(Default)]
pub struct Scope {
    pub sources: Vec<SourceInfo>,
    /// Result-column aliases usable in WHERE / GROUP BY / HAVING / ORDER BY.
    pub aliases: Vec<(String, Expr)>,
    pub first_slot: usize,
    pub correlated: bool,
    pub agg: Option<AggCollector>,
    /// Binding inside an aggregate's arguments.
    pub in_agg: bool,
    pub alias_depth: usize,
    /// GROUP BY terms: matching result expressions read the group's key.
    pub group_by: Vec<Expr>,
    /// Window calls of this SELECT (installed for result columns/ORDER BY).
    pub win: Option<super::window::WinCollector>,
}

/// A common table expression in scope.
#[derive(Clone)]
pub struct CteDef {
    pub name: String,
    pub columns: Option<Vec<String>>,
    pub select: ast::Select,
    pub recursive: bool,
    /// Inside the recursive arm of a recursive CTE: the current queue row.
    pub queue: Option<crate::plan::recursive::QueueDef>,
}

pub struct Binder {
    pub schema: Arc<Schema>,
    pub nslots: usize,
    pub params: Vec<Option<String>>,
    pub scopes: Vec<Scope>,
    pub ctes: Vec<Vec<CteDef>>,
    /// Tables whose rows the statement reads (for the table lock/cookie).
    pub depth: usize,
    /// The statement uses `LIMIT count, offset`'s comma form: the parser
    /// hands its operands over swapped.
    pub swap_limit: bool,
    /// ORDER BY of the aggregate call being bound.
    pub pending_order: Option<Vec<ast::SortedColumn>>,
    /// The statement has a RETURNING clause (DELETE must visit rows).
    pub returning_pending: bool,
    /// Binding a trigger program: RAISE() is allowed and subqueries are
    /// re-evaluated on every use (the program runs once per row).
    pub in_trigger: bool,
    /// VIRTUAL generated columns being expanded (slot, column), to report
    /// SQLite's "generated column loop" (see `virtual_column`).
    pub gen_busy: Vec<(usize, usize)>,
    /// Triggers whose programs are being compiled (outermost first).
    pub trigger_stack: Vec<String>,
    /// Every (slot, column) an expression of the statement reads
    /// (`usize::MAX` = rowid): a table scan whose columns one index holds
    /// reads the index alone (plan/covering.rs).
    pub used_cols: std::collections::HashSet<(usize, usize)>,
    /// Bound key expressions of the expression / VIRTUAL-column indexes of
    /// the tables being planned, per slot (plan/index_expr.rs).
    pub index_exprs: Vec<super::index_expr::SlotExprs>,
    /// Root page of every table a FROM item (or `IN table`) of the
    /// statement reads, views and subqueries included: INSERT ... SELECT
    /// streams its rows unless the SELECT reads the target table.
    pub tables_read: Vec<chorus_storage::PageNo>,
}

#[derive(Clone, Debug, Default)]
pub struct Info {
    pub aff: Option<Affinity>,
    pub coll: Option<String>,
    pub explicit_coll: bool,
}

pub fn collation(name: &Option<String>) -> Result<Collation> {
    match name {
        None => Ok(Collation::Binary),
        Some(n) => {
            Collation::by_name(n).ok_or_else(|| err(format!("no such collation sequence: {n}")))
        }
    }
}

pub fn is_aggregate_name(name: &str, nargs: usize) -> bool {
    let n = name.to_ascii_lowercase();
    match n.as_str() {
        "count" => nargs <= 1,
        "sum" | "total" | "avg" => nargs == 1,
        "min" | "max" => nargs == 1,
        "group_concat" => nargs == 1 || nargs == 2,
        "string_agg" => nargs == 2,
        _ => false,
    }
}

/// Whether an expression contains an aggregate call (not looking into subqueries).
pub fn has_aggregate(e: &Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::FunctionCall {
                name,
                args,
                filter_over,
                ..
            } => {
                let over = filter_over.as_ref().and_then(|t| t.over_clause.as_deref());
                if over.is_none()
                    && is_aggregate_name(&name.0, args.as_ref().map_or(0, |a| a.len()))
                {
                    return true;
                }
            }
            Expr::FunctionCallStar { name, filter_over }
                if name.0.eq_ignore_ascii_case("count")
                    && filter_over.as_ref().is_none_or(|t| t.over_clause.is_none()) =>
            {
                return true;
            }
            _ => {}
        }
        push_children(e, &mut stack);
    }
    false
}

/// Whether an expression contains a subquery (scalar, EXISTS or IN).
pub fn has_subquery(e: &Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if matches!(
            e,
            Expr::Subquery(_) | Expr::Exists(_) | Expr::InSelect { .. }
        ) {
            return true;
        }
        push_children(e, &mut stack);
    }
    false
}

/// Whether an expression calls a built-in function whose result changes
/// from call to call (`random()`, `changes()`, ...).
pub fn has_nondeterministic_call(e: &Expr) -> bool {
    const NONDET: [&str; 5] = [
        "random",
        "randomblob",
        "changes",
        "total_changes",
        "last_insert_rowid",
    ];
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let Expr::FunctionCall { name, .. } = e {
            if NONDET.iter().any(|n| n.eq_ignore_ascii_case(&name.0)) {
                return true;
            }
        }
        push_children(e, &mut stack);
    }
    false
}

/// The direct operand expressions of `e` (not looking into subqueries).
pub(crate) fn push_children<'a>(e: &'a Expr, stack: &mut Vec<&'a Expr>) {
    match e {
        Expr::FunctionCall {
            args, filter_over, ..
        } => {
            stack.extend(args.iter().flatten());
            let over = filter_over.as_ref().and_then(|t| t.over_clause.as_deref());
            if let Some(ast::Over::Window(w)) = over {
                stack.extend(w.partition_by.iter().flatten());
                stack.extend(w.order_by.iter().flatten().map(|c| &c.expr));
            }
        }
        Expr::Between {
            lhs, start, end, ..
        } => stack.extend([&**lhs, &**start, &**end]),
        Expr::Binary(l, _, r) => stack.extend([&**l, &**r]),
        Expr::Case {
            base,
            when_then_pairs,
            else_expr,
        } => {
            stack.extend(base.as_deref());
            for (w, t) in when_then_pairs {
                stack.push(w);
                stack.push(t);
            }
            stack.extend(else_expr.as_deref());
        }
        Expr::Cast { expr, .. } => stack.push(expr),
        Expr::Collate(x, _) | Expr::IsNull(x) | Expr::NotNull(x) | Expr::Unary(_, x) => {
            stack.push(x)
        }
        Expr::InList { lhs, rhs, .. } => {
            stack.push(lhs);
            stack.extend(rhs.iter().flatten());
        }
        Expr::InSelect { lhs, .. } | Expr::InTable { lhs, .. } => stack.push(lhs),
        Expr::Like {
            lhs, rhs, escape, ..
        } => {
            stack.push(lhs);
            stack.push(rhs);
            stack.extend(escape.as_deref());
        }
        Expr::Parenthesized(v) => stack.extend(v.iter()),
        _ => {}
    }
}

fn parse_numeric(s: &str) -> Result<Value> {
    let t = s.replace('_', "");
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(h, 16)
            .map(|u| Value::Integer(u as i64))
            .map_err(|_| err(format!("hex literal too big: {s}")));
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = t.parse::<i64>() {
            return Ok(Value::Integer(i));
        }
    }
    match crate::sqlvalue::numeric::text_to_numeric(t.as_bytes()) {
        Some(Value::Integer(i)) if !t.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Value::Real(i as f64))
        }
        Some(v) => Ok(v),
        None => Ok(Value::Real(crate::sqlvalue::numeric::atof(t.as_bytes()).0)),
    }
}

pub fn string_literal(s: &str) -> String {
    unquote(s)
}

fn blob_literal(s: &str) -> Result<Value> {
    let h = s.as_bytes();
    if !h.len().is_multiple_of(2) {
        return Err(err(format!("unrecognized token: \"x'{s}'\"")));
    }
    let mut out = Vec::with_capacity(h.len() / 2);
    for c in h.chunks(2) {
        let d = |b: u8| (b as char).to_digit(16);
        match (d(c[0]), d(c[1])) {
            (Some(a), Some(b)) => out.push((a * 16 + b) as u8),
            _ => return Err(err(format!("unrecognized token: \"x'{s}'\""))),
        }
    }
    Ok(Value::Blob(out))
}

pub fn literal_value(l: &Literal) -> Result<Value> {
    Ok(match l {
        Literal::Numeric(s) => parse_numeric(s)?,
        Literal::String(s) => Value::Text(string_literal(s).into_bytes()),
        Literal::Blob(s) => blob_literal(s)?,
        Literal::Keyword(k) => Value::Text(k.as_bytes().to_vec()),
        Literal::Null => Value::Null,
        Literal::CurrentDate | Literal::CurrentTime | Literal::CurrentTimestamp => {
            let name = match l {
                Literal::CurrentDate => "date",
                Literal::CurrentTime => "time",
                _ => "datetime",
            };
            match crate::sqlvalue::functions::find_scalar(name, 0) {
                Some(f) => {
                    let mut fc = crate::sqlvalue::functions::FunctionContext::new();
                    (f.func)(&mut fc, &[])?
                }
                None => Value::Null,
            }
        }
    })
}

impl Binder {
    pub fn new(schema: Arc<Schema>) -> Binder {
        Binder {
            schema,
            nslots: 0,
            params: Vec::new(),
            scopes: Vec::new(),
            ctes: Vec::new(),
            depth: 0,
            swap_limit: false,
            pending_order: None,
            returning_pending: false,
            in_trigger: false,
            trigger_stack: Vec::new(),
            gen_busy: Vec::new(),
            used_cols: Default::default(),
            index_exprs: Vec::new(),
            tables_read: Vec::new(),
        }
    }

    /// Column `col` of a scanned table's source `src`, as an expression: a
    /// VIRTUAL generated column is its expression over the same row with
    /// the column's affinity (exec/generated.rs); None for other columns.
    pub fn virtual_column(&mut self, src: &SourceInfo, col: usize) -> Result<Option<CExpr>> {
        let Some(t) = src.table.clone() else {
            return Ok(None);
        };
        let Some(c) = t.columns.get(col) else {
            return Ok(None);
        };
        let Some(g) = c.generated.as_ref().filter(|g| !g.stored) else {
            return Ok(None);
        };
        if self.gen_busy.contains(&(src.slot, col)) {
            return Err(err(format!("generated column loop on \"{}\"", c.name)));
        }
        let mut info = src.clone();
        info.coalesced.clear();
        info.name = t.name.clone();
        // The expression names the table's columns unqualified (even where
        // the row is only reachable qualified, as a trigger's NEW / OLD).
        for c in &mut info.columns {
            c.hidden = false;
        }
        self.gen_busy.push((src.slot, col));
        self.scopes.push(Scope {
            first_slot: src.slot,
            sources: vec![info],
            ..Default::default()
        });
        let r = self.expr(&g.expr);
        self.scopes.pop();
        self.gen_busy.pop();
        let x = r?;
        Ok(Some(if c.affinity == Affinity::Blob {
            x
        } else {
            CExpr::Affinity(Box::new(x), c.affinity)
        }))
    }

    pub fn alloc_slot(&mut self) -> usize {
        self.nslots += 1;
        self.nslots - 1
    }

    fn param_index(&mut self, v: &str) -> Result<usize> {
        if v.is_empty() || v == "?" {
            self.params.push(None);
            return Ok(self.params.len() - 1);
        }
        // The parser hands numbered variables over without their `?` ("3"
        // for `?3`); accept both spellings.
        let numbered = v
            .strip_prefix('?')
            .or_else(|| v.bytes().all(|b| b.is_ascii_digit()).then_some(v));
        if let Some(n) = numbered {
            let n: usize = n
                .parse()
                .map_err(|_| err("variable number must be between ?1 and ?32766".to_string()))?;
            if n == 0 || n > 32766 {
                return Err(err("variable number must be between ?1 and ?32766"));
            }
            while self.params.len() < n {
                self.params.push(None);
            }
            return Ok(n - 1);
        }
        if let Some(i) = self.params.iter().position(|p| p.as_deref() == Some(v)) {
            return Ok(i);
        }
        self.params.push(Some(v.to_string()));
        Ok(self.params.len() - 1)
    }

    pub fn find_cte(&self, name: &str) -> Option<CteDef> {
        for level in self.ctes.iter().rev() {
            if let Some(c) = level.iter().find(|c| c.name.eq_ignore_ascii_case(name)) {
                return Some(c.clone());
            }
        }
        None
    }

    /// Resolve a column name; returns (scope level, slot, col, info).
    fn resolve(
        &mut self,
        table: Option<&str>,
        col: &str,
    ) -> Result<Option<(usize, usize, usize, Info)>> {
        for lvl in (0..self.scopes.len()).rev() {
            let scope = &self.scopes[lvl];
            let mut found: Option<(usize, usize, Info)> = None;
            let mut count = 0;
            for s in &scope.sources {
                if let Some(t) = table {
                    if !s.name.eq_ignore_ascii_case(t) {
                        continue;
                    }
                }
                let pos = s
                    .columns
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(col));
                match pos {
                    Some(ci) => {
                        if table.is_none() && s.columns[ci].hidden {
                            continue;
                        }
                        count += 1;
                        let c = &s.columns[ci];
                        // A column always has a collation (BINARY when it
                        // declares none), so it wins as the left operand of
                        // a comparison, as in SQLite's sqlite3ExprCollSeq.
                        let info = Info {
                            aff: c.aff,
                            coll: Some(c.coll.clone().unwrap_or_else(|| "BINARY".into())),
                            explicit_coll: false,
                        };
                        let colno = match &s.table {
                            Some(t) if t.rowid_alias == Some(ci) => usize::MAX,
                            _ => ci,
                        };
                        if found.is_none() {
                            found = Some((s.slot, colno, info));
                        }
                    }
                    None => {
                        let is_rowid = ["rowid", "oid", "_rowid_"]
                            .iter()
                            .any(|r| r.eq_ignore_ascii_case(col));
                        if is_rowid
                            && s.table.as_ref().is_some_and(|t| t.without_rowid.is_none())
                            && (table.is_some() || scope.sources.len() == 1)
                        {
                            count += 1;
                            if found.is_none() {
                                found = Some((
                                    s.slot,
                                    usize::MAX,
                                    Info {
                                        aff: Some(Affinity::Integer),
                                        ..Default::default()
                                    },
                                ));
                            }
                        }
                    }
                }
            }
            if count > 1 {
                let full = match table {
                    Some(t) => format!("{t}.{col}"),
                    None => col.to_string(),
                };
                return Err(err(format!("ambiguous column name: {full}")));
            }
            if found.is_none() && table.is_none() {
                // Hidden columns (a table-valued pragma's arg/schema) answer
                // to their unqualified name when no visible column does.
                found = scope.sources.iter().find_map(|s| {
                    let ci = s
                        .columns
                        .iter()
                        .position(|c| c.named_hidden && c.name.eq_ignore_ascii_case(col))?;
                    let c = &s.columns[ci];
                    let info = Info {
                        aff: c.aff,
                        coll: c.coll.clone(),
                        explicit_coll: false,
                    };
                    Some((s.slot, ci, info))
                });
            }
            if let Some((slot, c, info)) = found {
                self.used_cols.insert((slot, c));
                if lvl + 1 < self.scopes.len() {
                    for s in &mut self.scopes[lvl + 1..] {
                        s.correlated = true;
                    }
                }
                return Ok(Some((lvl, slot, c, info)));
            }
            if table.is_some()
                && scope
                    .sources
                    .iter()
                    .any(|s| s.name.eq_ignore_ascii_case(table.unwrap_or("")))
            {
                break;
            }
        }
        Ok(None)
    }

    fn column_ref(
        &mut self,
        table: Option<&str>,
        col: &str,
        allow_alias: bool,
    ) -> Result<(CExpr, Info)> {
        if let Some((lvl, slot, c, info)) = self.resolve(table, col)? {
            let src = self
                .scopes
                .get(lvl)
                .and_then(|s| s.sources.iter().find(|s| s.slot == slot))
                .filter(|s| s.table.as_ref().is_some_and(|t| t.gen.is_some()))
                .cloned();
            if let Some(src) = src {
                if let Some(x) = self.virtual_column(&src, c)? {
                    return Ok((x, info));
                }
            }
            let left = CExpr::Column { slot, col: c };
            if table.is_none() {
                // A RIGHT/FULL JOIN's USING column: coalesce(left, right).
                let right = self.scopes.get(lvl).and_then(|s| {
                    s.sources.iter().find_map(|src| {
                        src.coalesced
                            .iter()
                            .find(|(n, ls, lc)| {
                                n.eq_ignore_ascii_case(col) && *ls == slot && *lc == c
                            })
                            .and_then(|(n, _, _)| {
                                let ci = src
                                    .columns
                                    .iter()
                                    .position(|x| x.name.eq_ignore_ascii_case(n))?;
                                let rc = match &src.table {
                                    Some(t) if t.rowid_alias == Some(ci) => usize::MAX,
                                    _ => ci,
                                };
                                Some((src.slot, rc))
                            })
                    })
                });
                if let Some((rs, rc)) = right {
                    self.used_cols.insert((rs, rc));
                    let right = CExpr::Column { slot: rs, col: rc };
                    return Ok((
                        CExpr::Case {
                            base: None,
                            whens: vec![(
                                CExpr::NotNull(Box::new(CExpr::Column { slot, col: c })),
                                left,
                            )],
                            els: Some(Box::new(right)),
                            aff: None,
                            coll: Collation::Binary,
                        },
                        info,
                    ));
                }
            }
            return Ok((left, info));
        }
        if table.is_none() && allow_alias {
            if let Some(scope) = self.scopes.last() {
                if scope.alias_depth < 8 {
                    if let Some((_, e)) = scope
                        .aliases
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(col))
                        .cloned()
                    {
                        if let Some(s) = self.scopes.last_mut() {
                            s.alias_depth += 1;
                        }
                        let r = self.expr_info(&e);
                        if let Some(s) = self.scopes.last_mut() {
                            s.alias_depth -= 1;
                        }
                        return r.map_err(|e| super::window::aliased_misuse(e, col));
                    }
                }
            }
        }
        // A double-quoted identifier that names nothing is a string literal.
        let full = match table {
            Some(t) => format!("{t}.{col}"),
            None => col.to_string(),
        };
        Err(err(format!("no such column: {full}")))
    }

    pub fn expr(&mut self, e: &Expr) -> Result<CExpr> {
        Ok(self.expr_info(e)?.0)
    }

    pub(crate) fn sub_plan(&mut self, s: &ast::Select) -> Result<Box<RefCell<SubQuery>>> {
        self.depth += 1;
        if self.depth > 200 {
            return Err(err("too many levels of nesting"));
        }
        let r = plan_select(self, s, None);
        self.depth -= 1;
        let (plan, correlated) = r?;
        Ok(Box::new(RefCell::new(SubQuery {
            plan,
            correlated: correlated || self.in_trigger,
            cache: None,
            cache_run: 0,
            col: 0,
        })))
    }

    pub fn expr_info(&mut self, e: &Expr) -> Result<(CExpr, Info)> {
        let none = Info::default();
        if let Some(s) = self.scopes.last() {
            if s.agg.is_some() && !s.in_agg && !s.group_by.is_empty() {
                if let Some(i) = s.group_by.iter().position(|g| g == e) {
                    // Keep the term's affinity/collation: bind it (cheap) for Info.
                    let gb = s.group_by[i].clone();
                    let saved = self
                        .scopes
                        .last_mut()
                        .map(|s| std::mem::take(&mut s.group_by))
                        .unwrap_or_default();
                    if let Some(sc) = self.scopes.last_mut() {
                        sc.in_agg = true;
                    }
                    let r = self.expr_info(&gb);
                    if let Some(sc) = self.scopes.last_mut() {
                        sc.in_agg = false;
                        sc.group_by = saved;
                    }
                    let (_, info) = r?;
                    return Ok((CExpr::GroupKey(i), info));
                }
            }
        }
        Ok(match e {
            Expr::Literal(l) => (CExpr::Const(literal_value(l)?), none),
            Expr::Id(id) => {
                let raw = &id.0;
                let n = unquote(raw);
                match self.column_ref(None, &n, true) {
                    Ok(r) => r,
                    Err(e) if raw.starts_with('"') && e.message.starts_with("no such column") => {
                        (CExpr::Const(Value::Text(n.into_bytes())), none)
                    }
                    Err(e)
                        if e.message.starts_with("no such column")
                            && n.eq_ignore_ascii_case("true") =>
                    {
                        (CExpr::Const(Value::Integer(1)), none)
                    }
                    Err(e)
                        if e.message.starts_with("no such column")
                            && n.eq_ignore_ascii_case("false") =>
                    {
                        (CExpr::Const(Value::Integer(0)), none)
                    }
                    Err(e) => return Err(e),
                }
            }
            Expr::Name(n) => self.column_ref(None, &name_of(n), true)?,
            Expr::Qualified(t, c) => self.column_ref(Some(&name_of(t)), &name_of(c), false)?,
            Expr::DoublyQualified(_, t, c) => {
                self.column_ref(Some(&name_of(t)), &name_of(c), false)?
            }
            Expr::Variable(v) => (CExpr::Param(self.param_index(v)?), none),
            Expr::Parenthesized(v) => {
                if v.len() == 1 {
                    self.expr_info(&v[0])?
                } else {
                    let mut out = Vec::new();
                    for x in v {
                        out.push(self.expr(x)?);
                    }
                    (CExpr::Vector(out), none)
                }
            }
            Expr::Unary(op, x) => {
                let (cx, info) = self.expr_info(x)?;
                match op {
                    UnaryOperator::Negative => {
                        if let CExpr::Const(Value::Integer(i)) = &cx {
                            if let Some(n) = i.checked_neg() {
                                return Ok((CExpr::Const(Value::Integer(n)), none));
                            }
                        }
                        if let Expr::Literal(Literal::Numeric(s)) = &**x {
                            if s.as_ref() == "9223372036854775808" {
                                return Ok((CExpr::Const(Value::Integer(i64::MIN)), none));
                            }
                        }
                        (CExpr::Neg(Box::new(cx)), none)
                    }
                    UnaryOperator::Positive => {
                        (CExpr::Plus(Box::new(cx)), Info { aff: None, ..info })
                    }
                    UnaryOperator::Not => (CExpr::Not(Box::new(cx)), none),
                    UnaryOperator::BitwiseNot => (CExpr::BitNot(Box::new(cx)), none),
                }
            }
            Expr::Binary(l, op, r) => self.binary(l, *op, r)?,
            Expr::IsNull(x) => (CExpr::IsNull(Box::new(self.expr(x)?)), none),
            Expr::NotNull(x) => (CExpr::NotNull(Box::new(self.expr(x)?)), none),
            _ => return self.expr_info_rare(e),
        })
    }

    #[inline(never)]
    fn expr_info_rare(&mut self, e: &Expr) -> Result<(CExpr, Info)> {
        let none = Info::default();
        Ok(match e {
            Expr::Collate(x, c) => {
                let (cx, mut info) = self.expr_info(x)?;
                let cn = unquote(c);
                if Collation::by_name(&cn).is_none() {
                    return Err(err(format!("no such collation sequence: {cn}")));
                }
                info.coll = Some(cn);
                info.explicit_coll = true;
                (cx, info)
            }
            Expr::Cast { expr, type_name } => {
                let x = self.expr(expr)?;
                let tn = type_name
                    .as_ref()
                    .map(|t| t.name.clone())
                    .unwrap_or_default();
                let aff = Affinity::of_type_name(&tn);
                (
                    CExpr::Cast(Box::new(x), aff),
                    Info {
                        aff: Some(aff),
                        ..none
                    },
                )
            }
            Expr::Between {
                lhs,
                not,
                start,
                end,
            } => {
                let (lo, _) = self.cmp(lhs, CmpOp::Ge, start)?;
                let (hi, _) = self.cmp(lhs, CmpOp::Le, end)?;
                let both = CExpr::And(Box::new(lo), Box::new(hi));
                if *not {
                    (CExpr::Not(Box::new(both)), none)
                } else {
                    (both, none)
                }
            }
            Expr::InList { lhs, not, rhs } if super::rowvalue::is_row(lhs) => {
                return self.row_in_list(lhs, *not, rhs.as_deref().unwrap_or(&[]));
            }
            Expr::InSelect { lhs, not, rhs }
                if matches!(**lhs, Expr::Subquery(_)) && super::rowvalue::is_row(lhs) =>
            {
                return self.row_in_select(lhs, *not, rhs);
            }
            Expr::InList { lhs, not, rhs } => {
                let (x, xi) = self.expr_info(lhs)?;
                let mut list = Vec::new();
                let mut affs = Vec::new();
                let mut coll = xi.coll.clone();
                for r in rhs.iter().flatten() {
                    let (rc, ri) = self.expr_info(r)?;
                    affs.push(comparison_affinity(xi.aff, ri.aff));
                    if coll.is_none() && ri.explicit_coll {
                        coll = ri.coll.clone();
                    }
                    list.push(rc);
                }
                (
                    CExpr::InList {
                        x: Box::new(x),
                        list,
                        not: *not,
                        aff: affs,
                        coll: collation(&coll)?,
                    },
                    none,
                )
            }
            Expr::InSelect { lhs, not, rhs } => {
                let lhs_list: Vec<&Expr> = match &**lhs {
                    Expr::Parenthesized(v) if v.len() > 1 => v.iter().collect(),
                    other => vec![other],
                };
                let mut xs = Vec::new();
                let mut infos = Vec::new();
                for l in &lhs_list {
                    let (c, i) = self.expr_info(l)?;
                    xs.push(c);
                    infos.push(i);
                }
                let sub = self.sub_plan(rhs)?;
                let ncols = sub.borrow().plan.ncols;
                if ncols != xs.len() {
                    return Err(err(format!(
                        "sub-select returns {ncols} columns - expected {}",
                        xs.len()
                    )));
                }
                let sub_infos = sub.borrow().plan.col_infos.clone();
                let mut affs = Vec::new();
                let mut colls = Vec::new();
                for (i, xi) in infos.iter().enumerate() {
                    let si = sub_infos.get(i).cloned().unwrap_or_default();
                    affs.push(comparison_affinity(xi.aff, si.aff));
                    let c = if xi.coll.is_some() {
                        xi.coll.clone()
                    } else {
                        si.coll.clone()
                    };
                    colls.push(collation(&c)?);
                }
                (
                    CExpr::InSub {
                        x: xs,
                        sub,
                        not: *not,
                        aff: affs,
                        coll: colls,
                    },
                    none,
                )
            }
            Expr::InTable {
                lhs,
                not,
                rhs,
                args,
            } => {
                if args.is_some() {
                    return Err(err("table-valued functions are not supported"));
                }
                let sel = ast::Select {
                    with: None,
                    body: ast::SelectBody {
                        select: ast::OneSelect::Select {
                            distinctness: None,
                            columns: vec![ast::ResultColumn::Star],
                            from: Some(from_single(rhs.clone())?),
                            where_clause: None,
                            group_by: None,
                            having: None,
                            window_clause: None,
                        },
                        compounds: None,
                    },
                    order_by: None,
                    limit: None,
                };
                let e2 = Expr::InSelect {
                    lhs: lhs.clone(),
                    not: *not,
                    rhs: Box::new(sel),
                };
                self.expr_info(&e2)?
            }
            Expr::Exists(s) => (
                CExpr::Exists {
                    sub: self.sub_plan(s)?,
                    not: false,
                },
                none,
            ),
            Expr::Subquery(s) => {
                let sub = self.sub_plan(s)?;
                let n = sub.borrow().plan.ncols;
                if n != 1 {
                    return Err(err(format!("sub-select returns {n} columns - expected 1")));
                }
                let info = sub
                    .borrow()
                    .plan
                    .col_infos
                    .first()
                    .cloned()
                    .unwrap_or_default();
                (
                    CExpr::Scalar(sub),
                    Info {
                        aff: info.aff,
                        coll: info.coll,
                        explicit_coll: false,
                    },
                )
            }
            Expr::Case {
                base,
                when_then_pairs,
                else_expr,
            } => {
                let (b, bi) = match base {
                    Some(b) => {
                        let (c, i) = self.expr_info(b)?;
                        (Some(Box::new(c)), i)
                    }
                    None => (None, none.clone()),
                };
                let mut whens = Vec::new();
                let mut aff = None;
                for (w, t) in when_then_pairs {
                    let (wc, wi) = self.expr_info(w)?;
                    if b.is_some() {
                        aff = comparison_affinity(bi.aff, wi.aff);
                    }
                    whens.push((wc, self.expr(t)?));
                }
                let els = match else_expr {
                    Some(x) => Some(Box::new(self.expr(x)?)),
                    None => None,
                };
                (
                    CExpr::Case {
                        base: b,
                        whens,
                        els,
                        aff,
                        coll: collation(&bi.coll)?,
                    },
                    none,
                )
            }
            Expr::Like {
                lhs,
                not,
                op,
                rhs,
                escape,
            } => {
                let glob = match op {
                    ast::LikeOperator::Like => false,
                    ast::LikeOperator::Glob => true,
                    ast::LikeOperator::Match => {
                        return Err(err("unable to use function MATCH in the requested context"))
                    }
                    ast::LikeOperator::Regexp => return Err(err("no such function: REGEXP")),
                };
                let x = self.expr(lhs)?;
                let p = self.expr(rhs)?;
                let esc = match escape {
                    Some(e) => Some(Box::new(self.expr(e)?)),
                    None => None,
                };
                (
                    CExpr::Like {
                        x: Box::new(x),
                        pat: Box::new(p),
                        esc,
                        not: *not,
                        glob,
                    },
                    none,
                )
            }
            Expr::FunctionCall {
                name,
                distinctness,
                args,
                order_by,
                filter_over,
            } => {
                if let Some(ast::FunctionCallOrder::SortList(cols)) = order_by {
                    self.pending_order = Some(cols.clone());
                }
                let args_v: Vec<Expr> = args.clone().unwrap_or_default();
                self.function(
                    &name.0,
                    &args_v,
                    distinctness.is_some_and(|d| d == ast::Distinctness::Distinct),
                    filter_over.as_ref(),
                    false,
                )?
            }
            Expr::FunctionCallStar { name, filter_over } => {
                self.function(&name.0, &[], false, filter_over.as_ref(), true)?
            }
            Expr::Raise(kind, msg) => {
                let m = match msg.as_deref() {
                    Some(Expr::Literal(Literal::String(s))) => unquote(s),
                    _ => String::new(),
                };
                if !self.in_trigger {
                    return Err(err("RAISE() may only be used within a trigger-program"));
                }
                (crate::exec::trigger::raise_expr(*kind, m), Info::default())
            }
            _ => {
                return Err(chorus_storage::Error::new(
                    chorus_storage::ResultCode::INTERNAL,
                    "unhandled expression",
                ))
            }
        })
    }

    fn function(
        &mut self,
        raw_name: &str,
        args: &[Expr],
        distinct: bool,
        tail: Option<&ast::FunctionTail>,
        star: bool,
    ) -> Result<(CExpr, Info)> {
        let name = unquote(raw_name);
        let lname = name.to_ascii_lowercase();
        let none = Info::default();
        if let Some(over) = tail.and_then(|t| t.over_clause.as_deref()) {
            let filter = tail.and_then(|t| t.filter_clause.as_deref());
            return super::window::bind_call(
                self, &name, &lname, args, distinct, filter, over, star,
            );
        }
        super::window::check_plain_call(&lname, &name)?;
        if is_aggregate_name(&lname, if star { 0 } else { args.len() })
            || (star && lname == "count")
        {
            let in_agg_ctx = self
                .scopes
                .last()
                .is_some_and(|s| s.agg.is_some() && !s.in_agg);
            if !in_agg_ctx {
                if self.scopes.last().is_some_and(|s| s.in_agg) {
                    return Err(err(format!("misuse of aggregate function {name}()")));
                }
                return Err(err(format!("misuse of aggregate: {name}()")));
            }
            if distinct && args.len() != 1 {
                return Err(err("DISTINCT aggregates must have exactly one argument"));
            }
            if let Some(s) = self.scopes.last_mut() {
                s.in_agg = true;
            }
            let mut cargs = Vec::new();
            let mut coll = None;
            let mut res = Ok(());
            for a in args {
                match self.expr_info(a) {
                    Ok((c, i)) => {
                        if coll.is_none() {
                            coll = i.coll.clone();
                        }
                        cargs.push(c)
                    }
                    Err(e) => {
                        res = Err(e);
                        break;
                    }
                }
            }
            let filter = match (res.is_ok(), tail.and_then(|t| t.filter_clause.as_ref())) {
                (true, Some(f)) => match self.expr(f) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        res = Err(e);
                        None
                    }
                },
                _ => None,
            };
            let mut order = Vec::new();
            if let Some(cols) = self.pending_order.take() {
                for sc in &cols {
                    if res.is_err() {
                        break;
                    }
                    match self.expr_info(&sc.expr) {
                        Ok((c, info)) => {
                            let desc = sc.order == Some(ast::SortOrder::Desc);
                            let nulls_first = match sc.nulls {
                                Some(ast::NullsOrder::First) => true,
                                Some(ast::NullsOrder::Last) => false,
                                None => !desc,
                            };
                            match collation(&info.coll) {
                                Ok(coll) => order.push(crate::exec::select::SortKey {
                                    src: crate::exec::select::SortSrc::Expr(c),
                                    desc,
                                    nulls_first,
                                    coll,
                                }),
                                Err(e) => res = Err(e),
                            }
                        }
                        Err(e) => res = Err(e),
                    }
                }
            }
            if let Some(s) = self.scopes.last_mut() {
                s.in_agg = false;
            }
            res?;
            let coll = collation(&coll)?;
            let scope = self
                .scopes
                .last_mut()
                .ok_or_else(|| err("aggregate outside a query"))?;
            let col = scope
                .agg
                .as_mut()
                .ok_or_else(|| err("aggregate outside a query"))?;
            col.specs.push(AggSpec {
                name: lname,
                args: cargs,
                distinct,
                filter,
                coll,
                order,
            });
            return Ok((CExpr::AggRef(col.specs.len() - 1), none));
        }
        if self.pending_order.take().is_some() {
            return Err(err(format!(
                "ORDER BY may not be used with non-aggregate {name}()"
            )));
        }
        if tail.is_some_and(|t| t.filter_clause.is_some()) {
            return Err(err(format!(
                "FILTER may not be used with non-aggregate {name}()"
            )));
        }
        if distinct {
            return Err(err(
                "DISTINCT aggregates must have exactly one argument".to_string()
            ));
        }
        let info = match crate::sqlvalue::functions::find_scalar(&lname, args.len()) {
            Some(f) => f,
            None => {
                if crate::sqlvalue::functions::scalar_name_known(&lname)
                    || is_aggregate_name(&lname, 1)
                {
                    return Err(err(format!(
                        "wrong number of arguments to function {name}()"
                    )));
                }
                return Err(err(format!("no such function: {name}")));
            }
        };
        let mut cargs = Vec::new();
        let mut coll = None;
        for a in args {
            let (c, i) = self.expr_info(a)?;
            if coll.is_none() && i.coll.is_some() {
                coll = i.coll.clone();
            }
            cargs.push(c);
        }
        // Lazy forms for the short-circuit functions.
        match (lname.as_str(), cargs.len()) {
            ("coalesce" | "ifnull", n) if n >= 2 => {
                let mut it = cargs.into_iter().rev();
                let mut acc = it.next().unwrap_or(CExpr::Const(Value::Null));
                for x in it {
                    // CASE WHEN x IS NOT NULL THEN x ELSE acc — x evaluated twice; keep eager form instead
                    acc = CExpr::Func {
                        f: ScalarImpl {
                            info,
                            collation: Collation::Binary,
                        },
                        args: vec![x, acc],
                    };
                }
                return Ok((acc, none));
            }
            ("iif", 3) => {
                let mut it = cargs.into_iter();
                let (c, t, f) = (it.next(), it.next(), it.next());
                if let (Some(c), Some(t), Some(f)) = (c, t, f) {
                    return Ok((
                        CExpr::Case {
                            base: None,
                            whens: vec![(c, t)],
                            els: Some(Box::new(f)),
                            aff: None,
                            coll: Collation::Binary,
                        },
                        none,
                    ));
                }
                return Err(err("iif() argument error"));
            }
            _ => {}
        }
        let _ = ArithOp::Add;
        Ok((
            CExpr::Func {
                f: ScalarImpl {
                    info,
                    collation: collation(&coll)?,
                },
                args: cargs,
            },
            none,
        ))
    }

    pub fn cmp(&mut self, l: &Expr, op: CmpOp, r: &Expr) -> Result<(CExpr, Info)> {
        if super::rowvalue::is_row(l) || super::rowvalue::is_row(r) {
            return self.row_cmp(l, op, r);
        }
        let (lc, li) = self.expr_info(l)?;
        let (rc, ri) = self.expr_info(r)?;
        if let (CExpr::Vector(a), CExpr::Vector(b)) = (&lc, &rc) {
            if a.len() != b.len() {
                return Err(err("row value misused"));
            }
        } else if matches!(lc, CExpr::Vector(_)) || matches!(rc, CExpr::Vector(_)) {
            return Err(err("row value misused"));
        }
        let coll = binary_collation(&li, &ri);
        let aff = comparison_affinity(li.aff, ri.aff);
        Ok((
            CExpr::Cmp {
                op,
                l: Box::new(lc),
                r: Box::new(rc),
                aff,
                coll: collation(&coll)?,
            },
            Info::default(),
        ))
    }

    /// `TRUE` / `FALSE` written as a bare identifier that names no column.
    fn truth_keyword(&mut self, e: &Expr) -> Option<bool> {
        let Expr::Id(id) = e else { return None };
        let raw = &id.0;
        let truth = if raw.eq_ignore_ascii_case("true") {
            true
        } else if raw.eq_ignore_ascii_case("false") {
            false
        } else {
            return None;
        };
        match self.column_ref(None, raw, true) {
            Err(e) if e.message.starts_with("no such column") => Some(truth),
            _ => None,
        }
    }

    fn binary(&mut self, l: &Expr, op: Operator, r: &Expr) -> Result<(CExpr, Info)> {
        let none = Info::default();
        let cmp = match op {
            Operator::Equals => Some(CmpOp::Eq),
            Operator::NotEquals => Some(CmpOp::Ne),
            Operator::Less => Some(CmpOp::Lt),
            Operator::LessEquals => Some(CmpOp::Le),
            Operator::Greater => Some(CmpOp::Gt),
            Operator::GreaterEquals => Some(CmpOp::Ge),
            _ => None,
        };
        if let Some(c) = cmp {
            return self.cmp(l, c, r);
        }
        if matches!(op, Operator::Is | Operator::IsNot)
            && (super::rowvalue::is_row(l) || super::rowvalue::is_row(r))
        {
            return self.row_is(l, op == Operator::IsNot, r);
        }
        if matches!(op, Operator::Is | Operator::IsNot) {
            if let Some(truth) = self.truth_keyword(r) {
                // `x IS [NOT] TRUE|FALSE` (SQLite's TK_TRUTH): never NULL;
                // true when x is non-NULL and its truth value matches.
                let lc = self.expr(l)?;
                let test = if truth { lc } else { CExpr::Not(Box::new(lc)) };
                let (hit, miss) = if op == Operator::IsNot {
                    (0, 1)
                } else {
                    (1, 0)
                };
                return Ok((
                    CExpr::Case {
                        base: None,
                        whens: vec![(test, CExpr::Const(Value::Integer(hit)))],
                        els: Some(Box::new(CExpr::Const(Value::Integer(miss)))),
                        aff: None,
                        coll: Collation::Binary,
                    },
                    none,
                ));
            }
            let (lc, li) = self.expr_info(l)?;
            let (rc, ri) = self.expr_info(r)?;
            let coll = binary_collation(&li, &ri);
            let aff = comparison_affinity(li.aff, ri.aff);
            return Ok((
                CExpr::Is {
                    not: op == Operator::IsNot,
                    l: Box::new(lc),
                    r: Box::new(rc),
                    aff,
                    coll: collation(&coll)?,
                },
                none,
            ));
        }
        let (lc, li) = self.expr_info(l)?;
        let (rc, ri) = self.expr_info(r)?;
        let a = match op {
            Operator::And => return Ok((CExpr::And(Box::new(lc), Box::new(rc)), none)),
            Operator::Or => return Ok((CExpr::Or(Box::new(lc), Box::new(rc)), none)),
            Operator::Add => ArithOp::Add,
            Operator::Subtract => ArithOp::Sub,
            Operator::Multiply => ArithOp::Mul,
            Operator::Divide => ArithOp::Div,
            Operator::Modulus => ArithOp::Rem,
            Operator::BitwiseAnd => ArithOp::BitAnd,
            Operator::BitwiseOr => ArithOp::BitOr,
            Operator::LeftShift => ArithOp::Shl,
            Operator::RightShift => ArithOp::Shr,
            Operator::Concat => ArithOp::Concat,
            Operator::ArrowRight | Operator::ArrowRightShift => {
                return Err(err("JSON operators are not supported"))
            }
            _ => return Err(err("unsupported operator")),
        };
        // Concatenation keeps the collation of its operands.
        let info = if a == ArithOp::Concat {
            let coll = if li.explicit_coll {
                li.coll.clone()
            } else if ri.explicit_coll {
                ri.coll.clone()
            } else {
                None
            };
            Info {
                aff: None,
                explicit_coll: coll.is_some(),
                coll,
            }
        } else {
            none
        };
        Ok((CExpr::Arith(a, Box::new(lc), Box::new(rc)), info))
    }
}

/// Collation of a binary comparison: an explicit COLLATE on the left, then
/// on the right, then the left column's, then the right column's.
pub fn binary_collation(l: &Info, r: &Info) -> Option<String> {
    if l.explicit_coll {
        return l.coll.clone();
    }
    if r.explicit_coll {
        return r.coll.clone();
    }
    l.coll.clone().or_else(|| r.coll.clone())
}

pub fn from_single(q: ast::QualifiedName) -> Result<ast::FromClause> {
    // FromClause has a private field; build it through the parser.
    let sql = format!("SELECT * FROM {}", quote_qualified(&q));
    if let (Some(crate::parse::Parsed::Cmd(ast::Cmd::Stmt(ast::Stmt::Select(s)))), _) =
        crate::parse::parse_first(&sql)?
    {
        if let ast::OneSelect::Select { from: Some(f), .. } = s.body.select {
            return Ok(f);
        }
    }
    Err(err(format!("no such table: {}", name_of(&q.name))))
}

pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn quote_qualified(q: &ast::QualifiedName) -> String {
    match &q.db_name {
        Some(d) => format!(
            "{}.{}",
            quote_ident(&name_of(d)),
            quote_ident(&name_of(&q.name))
        ),
        None => quote_ident(&name_of(&q.name)),
    }
}

/// Info of a table column for binding.
pub fn table_col_infos(t: &Table) -> Vec<ColInfo> {
    t.columns
        .iter()
        .map(|c| ColInfo {
            name: c.name.clone(),
            aff: Some(c.affinity),
            coll: c.collation.clone(),
            decltype: if c.decltype.is_empty() {
                None
            } else {
                Some(c.decltype.clone())
            },
            hidden: false,
            named_hidden: false,
        })
        .collect()
}

pub type ParamNames = Vec<Option<String>>;
