//! EXPLAIN QUERY PLAN rows: the compiled operator tree described as
//! SQLite's (id, parent, detail) rows, which the shell draws as a tree.
//!
//! The wording follows SQLite's `sqlite3VdbeExplain` texts wherever Chorus
//! runs the same shape of plan:
//!
//! - one `SCAN t` / `SEARCH t USING ...` line per FROM item, in loop order,
//!   ` LEFT-JOIN` on the inner side of a LEFT JOIN;
//! - a subquery in FROM is a `MATERIALIZE name` node (`CO-ROUTINE name` when
//!   it is the outer-most loop, as SQLite 3.46 words it) holding the subquery's own
//!   plan, before the loops, then `SCAN alias` in the loop; a recursive CTE's
//!   node holds `SETUP` (the initial select) and `RECURSIVE STEP`;
//! - subqueries in expressions are `LIST SUBQUERY n` (IN), `SCALAR
//!   SUBQUERY n` / `CORRELATED SCALAR SUBQUERY n` (scalar and EXISTS),
//!   after the loops: WHERE terms, then aggregate arguments, the GROUP BY
//!   sorter, HAVING, the result columns, DISTINCT, ORDER BY terms and the
//!   ORDER BY sorter;
//! - a compound is `COMPOUND QUERY` holding `LEFT-MOST SUBQUERY` and one node
//!   per operator (`UNION ALL`, `UNION USING TEMP B-TREE`, ...);
//! - `n` is SQLite's select number: selects are numbered in the order the
//!   parser finishes them (inner before outer, left to right), which this
//!   module reproduces by walking each select's clauses in text order.
//!
//! Ids are assigned in emission order starting at 2 (SQLite's ids are VDBE
//! addresses: a one-line plan's is 2); the root's parent is 0.
//! Walks are bounded by the plan's own nesting (the binder caps nesting).

use super::expr::{CExpr, SubQuery};
use super::select::{AggPlan, Body, SelectPlan, Simple, SortSrc};
use super::source::{Access, Source};
use std::cell::RefCell;
use std::collections::HashMap;

/// One EXPLAIN QUERY PLAN row.
pub struct EqpRow {
    pub id: i64,
    pub parent: i64,
    pub detail: String,
}

/// What kind of expression subquery a node is.
#[derive(Clone, Copy)]
enum SubKind {
    List,
    Scalar,
}

/// A subquery found inside an expression, in text order.
type SubRef<'a> = (&'a RefCell<SubQuery>, SubKind);

/// Subqueries of `e` in text order (outermost first; nested ones are not
/// entered: they belong to the subquery's own plan).
fn expr_subqueries<'a>(e: &'a CExpr, out: &mut Vec<SubRef<'a>>) {
    let mut stack: Vec<&'a CExpr> = vec![e];
    while let Some(e) = stack.pop() {
        // Children are pushed in reverse so they pop in text order.
        let mut kids: Vec<&'a CExpr> = Vec::new();
        match e {
            CExpr::InSub { x, sub, .. } => {
                kids.extend(x.iter());
                // The left side comes first in the text, but the subquery
                // is reported here; its operands hold no further selects
                // in any plan the binder produces before it.
                out.push((sub, SubKind::List));
            }
            CExpr::Exists { sub, .. } => out.push((sub, SubKind::Scalar)),
            CExpr::Scalar(sub) => out.push((sub, SubKind::Scalar)),
            _ => e.push_operands(&mut kids),
        }
        stack.extend(kids.into_iter().rev());
    }
}

/// The expressions a FROM tree evaluates per row (filters, ON terms, seek
/// keys), in loop order.
fn source_exprs<'a>(s: &'a Source, out: &mut Vec<&'a CExpr>) {
    match s {
        Source::Table(t) => {
            match &t.access {
                Access::Full => {}
                Access::RowidEq(e) => out.push(e),
                Access::RowidIn(k) => out.extend(k.exprs()),
                Access::RowidRange { lo, hi } => {
                    out.extend(lo.iter().map(|(e, _)| e));
                    out.extend(hi.iter().map(|(e, _)| e));
                }
                Access::Index(ia) => {
                    for (k, _) in &ia.eq {
                        out.extend(k.exprs());
                    }
                    out.extend(ia.lo.iter().map(|(e, _, _)| e));
                    out.extend(ia.hi.iter().map(|(e, _, _)| e));
                }
            }
            out.extend(t.local.iter());
            out.extend(t.filter.iter());
        }
        Source::Mat(m) => out.extend(m.filter.iter()),
        Source::Join(j) => {
            source_exprs(&j.left, out);
            source_exprs(&j.right, out);
            out.extend(j.on.iter());
        }
    }
}

/// Subqueries materialised as FROM items, in FROM order.
fn from_mats<'a>(s: &'a Source, out: &mut Vec<&'a super::source::MatScan>) {
    match s {
        Source::Table(_) => {}
        Source::Mat(m) => out.push(m),
        Source::Join(j) => {
            from_mats(&j.left, out);
            from_mats(&j.right, out);
        }
    }
}

fn sort_exprs<'a>(keys: &'a [super::select::SortKey], out: &mut Vec<&'a CExpr>) {
    for k in keys {
        if let SortSrc::Expr(e) = &k.src {
            out.push(e);
        }
    }
}

fn agg_arg_exprs<'a>(a: &'a AggPlan, out: &mut Vec<&'a CExpr>) {
    for (_, args, _, filter, _, order) in &a.aggs {
        out.extend(args.iter());
        out.extend(filter.iter());
        sort_exprs(order, out);
    }
}

fn subs_of<'a>(exprs: &[&'a CExpr]) -> Vec<SubRef<'a>> {
    let mut v = Vec::new();
    for e in exprs {
        expr_subqueries(e, &mut v);
    }
    v
}

struct Walker {
    rows: Vec<EqpRow>,
    /// Select numbers of expression subqueries and FROM subqueries, keyed
    /// by the address of their plan.
    numbers: HashMap<*const SelectPlan, usize>,
    counter: usize,
    /// Instructions SQLite codes beyond one per row, before the next row.
    extra: i64,
}

impl Walker {
    fn push(&mut self, parent: i64, detail: String) -> i64 {
        // SQLite's ids are VDBE addresses; a one-line plan's is 2.
        let id = self.rows.len() as i64 + 2 + self.extra;
        self.rows.push(EqpRow { id, parent, detail });
        id
    }

    /// Number `plan` and everything inside it, in the parser's order.
    fn number(&mut self, plan: &SelectPlan) {
        match &plan.body {
            Body::Simple(s) => {
                let mut first: Vec<&CExpr> = s.result.iter().collect();
                if let Some(a) = &s.agg {
                    agg_arg_exprs(a, &mut first);
                }
                for (sub, _) in subs_of(&first) {
                    self.number_sub(sub);
                }
                if let Some(f) = &s.from {
                    let mut mats = Vec::new();
                    from_mats(f, &mut mats);
                    for m in mats {
                        self.number(&m.plan);
                    }
                }
                let mut rest: Vec<&CExpr> = Vec::new();
                if let Some(f) = &s.from {
                    source_exprs(f, &mut rest);
                }
                rest.extend(s.filter.iter());
                if let Some(a) = &s.agg {
                    rest.extend(a.group_by.iter());
                    rest.extend(a.having.iter());
                }
                sort_exprs(&s.order, &mut rest);
                for (sub, _) in subs_of(&rest) {
                    self.number_sub(sub);
                }
                self.assign(plan);
            }
            Body::Compound(c) => {
                // Each arm is a select of its own; the compound adds none.
                for a in &c.arms {
                    self.number(a);
                }
                let mut rest = Vec::new();
                sort_exprs(&c.order, &mut rest);
                for (sub, _) in subs_of(&rest) {
                    self.number_sub(sub);
                }
            }
            Body::Recursive(r) => {
                self.number(&r.initial);
                self.number(&r.step);
            }
            Body::Values(v) => {
                let exprs: Vec<&CExpr> = v.rows.iter().flatten().collect();
                for (sub, _) in subs_of(&exprs) {
                    self.number_sub(sub);
                }
                // The parser makes one select per row; the last is the head.
                self.counter += v.rows.len().saturating_sub(1);
                self.assign(plan);
            }
            Body::Queue(_) | Body::Pragma(_) => self.assign(plan),
        }
    }

    fn number_sub(&mut self, sub: &RefCell<SubQuery>) {
        if let Ok(s) = sub.try_borrow() {
            self.number(&s.plan);
        }
    }

    fn assign(&mut self, plan: &SelectPlan) {
        self.counter += 1;
        self.numbers.insert(plan as *const SelectPlan, self.counter);
    }

    /// The number of a subquery's select: its last select (a compound's
    /// right-most arm, as in SQLite, whose compound is the chain's tail).
    fn number_of(&self, plan: &SelectPlan) -> usize {
        match &plan.body {
            Body::Compound(c) => c.arms.last().map_or(0, |a| self.number_of(a)),
            Body::Recursive(r) => self.number_of(&r.step),
            _ => self
                .numbers
                .get(&(plan as *const SelectPlan))
                .copied()
                .unwrap_or(0),
        }
    }

    fn select(&mut self, plan: &SelectPlan, parent: i64) {
        match &plan.body {
            Body::Simple(s) => self.simple(s, parent),
            Body::Compound(c) => {
                let top = self.push(parent, "COMPOUND QUERY".into());
                for (i, arm) in c.arms.iter().enumerate() {
                    let label = if i == 0 {
                        "LEFT-MOST SUBQUERY"
                    } else {
                        use sqlite3_parser::ast::CompoundOperator as Op;
                        match c.ops.get(i - 1) {
                            Some(Op::UnionAll) => "UNION ALL",
                            Some(Op::Union) => "UNION USING TEMP B-TREE",
                            Some(Op::Intersect) => "INTERSECT USING TEMP B-TREE",
                            Some(Op::Except) | None => "EXCEPT USING TEMP B-TREE",
                        }
                    };
                    let node = self.push(top, label.into());
                    self.select(arm, node);
                }
                let mut rest = Vec::new();
                sort_exprs(&c.order, &mut rest);
                self.subqueries(&rest, parent);
                if !c.order.is_empty() {
                    self.push(parent, "USE TEMP B-TREE FOR ORDER BY".into());
                }
            }
            Body::Values(v) => {
                let text = if v.rows.len() == 1 {
                    "SCAN CONSTANT ROW".to_string()
                } else {
                    // SQLite 3.46's words (3.40: "SCAN n CONSTANT ROWS").
                    format!("SCAN {}-ROW VALUES CLAUSE", v.rows.len())
                };
                self.push(parent, text);
                let exprs: Vec<&CExpr> = v.rows.iter().flatten().collect();
                self.subqueries(&exprs, parent);
            }
            Body::Queue(_) => {
                self.push(parent, "SCAN QUEUE".into());
            }
            Body::Recursive(r) => {
                let setup = self.push(parent, "SETUP".into());
                self.select(&r.initial, setup);
                let step = self.push(parent, "RECURSIVE STEP".into());
                self.select(&r.step, step);
            }
            Body::Pragma(p) => {
                self.push(parent, p.describe());
            }
        }
    }

    fn simple(&mut self, s: &Simple, parent: i64) {
        match &s.from {
            Some(f) => {
                let mut mats = Vec::new();
                from_mats(f, &mut mats);
                // SQLite 3.46 runs the outer-most loop's subquery as a
                // co-routine (3.40 only a lone FROM item; newer wins).
                let mut first = f;
                while let Source::Join(j) = first {
                    first = &j.left;
                }
                let first_mat = match first {
                    Source::Mat(m) => Some(&**m as *const super::source::MatScan),
                    _ => None,
                };
                for m in mats {
                    let only = first_mat == Some(m as *const super::source::MatScan);
                    if matches!(m.plan.body, Body::Queue(_) | Body::Pragma(_)) {
                        continue;
                    }
                    let what = if only { "CO-ROUTINE" } else { "MATERIALIZE" };
                    let name = self.mat_name(m);
                    let node = self.push(parent, format!("{what} {name}"));
                    self.select(&m.plan, node);
                }
                self.loops(f, parent, false);
            }
            None => {
                self.push(parent, "SCAN CONSTANT ROW".into());
            }
        }
        let wh: Vec<&CExpr> = s.filter.iter().collect();
        self.subqueries(&wh, parent);
        if let Some(a) = &s.agg {
            let mut args = Vec::new();
            agg_arg_exprs(a, &mut args);
            args.extend(a.group_by.iter());
            self.subqueries(&args, parent);
            if !a.group_by.is_empty() && !a.sorted_input {
                self.push(parent, "USE TEMP B-TREE FOR GROUP BY".into());
            }
            let having: Vec<&CExpr> = a.having.iter().collect();
            self.subqueries(&having, parent);
        }
        let result: Vec<&CExpr> = s.result.iter().collect();
        self.subqueries(&result, parent);
        if s.distinct && !s.distinct_ordered {
            self.push(parent, "USE TEMP B-TREE FOR DISTINCT".into());
        }
        let mut order = Vec::new();
        sort_exprs(&s.order, &mut order);
        self.subqueries(&order, parent);
        if !s.order.is_empty() {
            self.push(parent, "USE TEMP B-TREE FOR ORDER BY".into());
        }
    }

    /// The name SQLite gives a FROM subquery's node: the CTE or view name,
    /// else the alias, else `(subquery-n)`.
    fn mat_name(&self, m: &super::source::MatScan) -> String {
        if !m.object.is_empty() {
            m.object.clone()
        } else if !m.label.is_empty() {
            m.label.clone()
        } else {
            format!("(subquery-{})", self.number_of(&m.plan))
        }
    }

    /// One line per loop, in nesting order, each followed by the
    /// subqueries of the terms evaluated at that loop (as SQLite codes a
    /// term at the first loop where all its tables are available).
    fn loops(&mut self, s: &Source, parent: i64, outer_inner: bool) {
        match s {
            Source::Table(ts) => {
                // A loop on an index with expression keys takes one more
                // instruction before its row (SQLite 3.46).
                if matches!(&ts.access, super::source::Access::Index(ia) if ia.expr_keys) {
                    self.extra += 1;
                }
                let mut lines = Vec::new();
                s.describe(&mut lines);
                for mut l in lines {
                    if outer_inner {
                        l.push_str(" LEFT-JOIN");
                    }
                    self.push(parent, l);
                }
                let mut terms = Vec::new();
                source_exprs(s, &mut terms);
                self.subqueries(&terms, parent);
            }
            Source::Mat(m) => {
                let text = match &m.plan.body {
                    Body::Pragma(p) => p.describe(),
                    _ if !m.label.is_empty() => format!("SCAN {}", m.label),
                    _ => format!("SCAN {}", self.mat_name(m)),
                };
                let text = if outer_inner {
                    format!("{text} LEFT-JOIN")
                } else {
                    text
                };
                self.push(parent, text);
                let terms: Vec<&CExpr> = m.filter.iter().collect();
                self.subqueries(&terms, parent);
            }
            Source::Join(j) => {
                self.loops(&j.left, parent, outer_inner);
                self.loops(&j.right, parent, outer_inner || j.left_outer);
                let on: Vec<&CExpr> = j.on.iter().collect();
                self.subqueries(&on, parent);
            }
        }
    }

    fn subqueries(&mut self, exprs: &[&CExpr], parent: i64) {
        for (sub, kind) in subs_of(exprs) {
            let Ok(s) = sub.try_borrow() else { continue };
            let n = self.number_of(&s.plan);
            let text = match kind {
                SubKind::List => format!("LIST SUBQUERY {n}"),
                SubKind::Scalar if s.correlated => format!("CORRELATED SCALAR SUBQUERY {n}"),
                SubKind::Scalar => format!("SCALAR SUBQUERY {n}"),
            };
            let node = self.push(parent, text);
            self.select(&s.plan, node);
        }
    }
}

/// The plan rows of a query.
pub fn select_rows(plan: &SelectPlan) -> Vec<EqpRow> {
    let mut w = Walker {
        rows: Vec::new(),
        numbers: HashMap::new(),
        counter: 0,
        extra: 0,
    };
    w.number(plan);
    w.select(plan, 0);
    w.rows
}

/// The plan rows of an UPDATE or DELETE: its scan and the subqueries of its
/// WHERE clause (and of the new values).
pub fn scan_rows(scan: &Source, values: &[&CExpr]) -> Vec<EqpRow> {
    let mut w = Walker {
        rows: Vec::new(),
        numbers: HashMap::new(),
        counter: 0,
        extra: 0,
    };
    for (sub, _) in subs_of(values) {
        w.number_sub(sub);
    }
    let mut scan_exprs = Vec::new();
    source_exprs(scan, &mut scan_exprs);
    for (sub, _) in subs_of(&scan_exprs) {
        w.number_sub(sub);
    }
    let mut mats = Vec::new();
    from_mats(scan, &mut mats);
    for m in mats {
        w.number(&m.plan);
    }
    w.loops(scan, 0, false);
    w.subqueries(values, 0);
    w.rows
}

/// The plan rows of a compiled statement: a query's plan, an INSERT's
/// SELECT, an UPDATE's or DELETE's scan; none for other statements.
pub fn program_rows(program: &crate::stmt::Program) -> Vec<EqpRow> {
    use crate::stmt::dml::InsertSource;
    use crate::stmt::Program;
    match program {
        Program::Query(plan) => select_rows(plan),
        Program::Insert(p) => match &p.source {
            // A one-row VALUES is coded in line: SQLite shows no plan.
            InsertSource::Select(s) if matches!(&s.body, Body::Values(v) if v.rows.len() == 1) => {
                Vec::new()
            }
            InsertSource::Select(s) => select_rows(s),
            InsertSource::DefaultValues => Vec::new(),
        },
        Program::Update(p) => {
            let values: Vec<&CExpr> = p.sets.iter().map(|(_, e)| e).collect();
            scan_rows(&p.scan, &values)
        }
        Program::Delete(p) if !p.truncate => scan_rows(&p.scan, &[]),
        _ => Vec::new(),
    }
}

/// The plan's lines in emission order, for plain EXPLAIN's p4 column.
pub fn lines(rows: Vec<EqpRow>) -> Vec<String> {
    rows.into_iter().map(|r| r.detail).collect()
}
