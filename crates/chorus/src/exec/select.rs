//! SELECT execution: a simple select (sources → filter → [aggregate] →
//! project → distinct → [sort] → limit), VALUES lists, and compounds
//! (UNION [ALL], INTERSECT, EXCEPT). Rows stream one at a time unless a sort,
//! an aggregate or a compound needs the whole input.

use super::agg::Agg;
use super::env::Slot;
use super::expr::{CExpr, Cx};
use super::source::Source;
use crate::plan::bind::Info;
use crate::sqlvalue::compare::sort_compare;
use crate::sqlvalue::numeric::value_to_i64;
use crate::sqlvalue::Collation;
use chorus_storage::{Result, Value, ValueRef};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

pub enum SortSrc {
    /// A result column.
    Result(usize),
    Expr(CExpr),
}

pub struct SortKey {
    pub src: SortSrc,
    pub desc: bool,
    pub nulls_first: bool,
    pub coll: Collation,
}

/// One aggregate call: name, arguments, DISTINCT, FILTER, collation.
pub type AggCall = (
    String,
    Vec<CExpr>,
    bool,
    Option<CExpr>,
    Collation,
    Vec<SortKey>,
);

pub struct AggPlan {
    pub group_by: Vec<CExpr>,
    pub group_colls: Vec<Collation>,
    pub aggs: Vec<AggCall>,
    pub having: Option<CExpr>,
    /// Slots of this select's sources (snapshotted per group for bare columns).
    pub slots: Vec<usize>,
    /// Index of the single min()/max() aggregate whose row bare columns follow.
    pub minmax: Option<usize>,
    /// The scan delivers rows grouped and in GROUP BY key order (through an
    /// index, plan/group_index.rs): groups are emitted as they came.
    pub sorted_input: bool,
}

pub struct Simple {
    pub from: Option<Source>,
    pub filter: Option<CExpr>,
    pub agg: Option<AggPlan>,
    pub result: Vec<CExpr>,
    pub distinct: bool,
    pub order: Vec<SortKey>,
    pub limit: Option<CExpr>,
    pub offset: Option<CExpr>,
    /// Window functions, computed over the rows before projection.
    pub window: Option<Box<super::window::WindowOp>>,
    // run-time state
    single_done: bool,
    buffered: Option<Vec<Vec<Value>>>,
    pos: usize,
    seen: HashSet<Vec<u8>>,
    /// DISTINCT over rows that arrive grouped (plan/group_index.rs): the
    /// previous row's key, compared instead of `seen`.
    pub distinct_ordered: bool,
    last_key: Option<Vec<u8>>,
    left: i64,
    skip: i64,
}

pub struct Compound {
    pub arms: Vec<SelectPlan>,
    pub ops: Vec<sqlite3_parser::ast::CompoundOperator>,
    pub colls: Vec<Collation>,
    pub order: Vec<SortKey>,
    pub limit: Option<CExpr>,
    pub offset: Option<CExpr>,
    rows: Vec<Vec<Value>>,
    pos: usize,
    left: i64,
    /// UNION ALL chains without ORDER BY stream arm after arm (as SQLite
    /// does, so rows before a later arm's error are returned): the arm
    /// being read, and the OFFSET rows still to skip.
    stream: Option<usize>,
    skip: i64,
}

pub struct Values {
    pub rows: Vec<Vec<CExpr>>,
    pos: usize,
}

pub enum Body {
    /// The current row of a recursive CTE's queue (read by its recursive arm).
    Queue(crate::plan::recursive::QueueCell),
    Recursive(Box<crate::plan::recursive::Recursive>),
    Simple(Box<Simple>),
    Compound(Box<Compound>),
    Values(Values),
    /// A table-valued pragma function (stmt/pragma_table.rs).
    Pragma(Box<crate::stmt::pragma_table::PragmaCall>),
}

pub struct SelectPlan {
    pub ncols: usize,
    pub names: Vec<String>,
    pub col_infos: Vec<Info>,
    pub decltypes: Vec<Option<String>>,
    pub body: Body,
    row: Vec<Value>,
}

/// Bytes identifying a row for DISTINCT / GROUP BY / compounds: numbers that
/// compare equal encode equally; text is folded per collation.
pub fn row_key(vals: &[Value], colls: &[Collation], out: &mut Vec<u8>) {
    out.clear();
    for (i, v) in vals.iter().enumerate() {
        match v {
            Value::Null => out.push(0),
            Value::Integer(n) => {
                out.push(1);
                out.extend_from_slice(&n.to_be_bytes());
            }
            Value::Real(r) => {
                if r.fract() == 0.0 && *r >= -9.2e18 && *r <= 9.2e18 {
                    out.push(1);
                    out.extend_from_slice(&(*r as i64).to_be_bytes());
                } else {
                    out.push(2);
                    out.extend_from_slice(&r.to_bits().to_be_bytes());
                }
            }
            Value::Text(t) => {
                out.push(3);
                let t: &[u8] = t;
                match colls.get(i) {
                    Some(Collation::NoCase) => out.extend(t.iter().map(|b| b.to_ascii_lowercase())),
                    Some(Collation::RTrim) => {
                        let mut e = t.len();
                        while e > 0 && t[e - 1] == b' ' {
                            e -= 1;
                        }
                        out.extend_from_slice(&t[..e]);
                    }
                    _ => out.extend_from_slice(t),
                }
                out.extend_from_slice(&(t.len() as u64).to_be_bytes());
            }
            Value::Blob(b) => {
                out.push(4);
                out.extend_from_slice(b);
                out.extend_from_slice(&(b.len() as u64).to_be_bytes());
            }
        }
    }
}

fn eval_limit(e: &Option<CExpr>, cx: &mut Cx<'_>, default: i64) -> Result<i64> {
    match e {
        None => Ok(default),
        Some(e) => {
            let v = e.eval(cx)?;
            match v {
                Value::Integer(i) => Ok(i),
                Value::Null => Err(chorus_storage::Error::new(
                    chorus_storage::ResultCode::MISMATCH,
                    "datatype mismatch",
                )),
                other => {
                    let n =
                        crate::sqlvalue::apply_affinity(other, crate::sqlvalue::Affinity::Numeric);
                    match n {
                        Value::Integer(i) => Ok(i),
                        Value::Real(r) if r.fract() == 0.0 => {
                            Ok(value_to_i64(Value::Real(r).as_ref()))
                        }
                        _ => Err(chorus_storage::Error::new(
                            chorus_storage::ResultCode::MISMATCH,
                            "datatype mismatch",
                        )),
                    }
                }
            }
        }
    }
}

fn cmp_keys(a: &[Value], b: &[Value], keys: &[SortKey]) -> Ordering {
    for (i, k) in keys.iter().enumerate() {
        let (x, y) = (&a[i], &b[i]);
        let o = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => {
                if k.nulls_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (false, true) => {
                if k.nulls_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            _ => {
                let o = sort_compare(x.as_ref(), y.as_ref(), &k.coll);
                if k.desc {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

struct Group {
    /// Buffered (sort keys, arguments) of aggregates with ORDER BY.
    ordered: Vec<Vec<(Vec<Value>, Vec<Value>)>>,
    keyvals: Vec<Value>,
    aggs: Vec<Agg>,
    distinct: Vec<HashSet<Vec<u8>>>,
    snapshot: Vec<Slot>,
}

impl Simple {
    pub fn new(from: Option<Source>, result: Vec<CExpr>) -> Simple {
        Simple {
            from,
            filter: None,
            agg: None,
            result,
            distinct: false,
            order: Vec::new(),
            limit: None,
            offset: None,
            window: None,
            single_done: false,
            buffered: None,
            pos: 0,
            seen: HashSet::new(),
            distinct_ordered: false,
            last_key: None,
            left: -1,
            skip: 0,
        }
    }

    fn open(&mut self, cx: &mut Cx<'_>) -> Result<()> {
        self.single_done = false;
        self.buffered = None;
        self.pos = 0;
        self.seen.clear();
        self.last_key = None;
        self.left = eval_limit(&self.limit, cx, -1)?;
        self.skip = eval_limit(&self.offset, cx, 0)?.max(0);
        if let Some(f) = &mut self.from {
            f.mark_single_pass();
            f.reset_cache();
            f.open();
        }
        if let Some(w) = &mut self.window {
            w.reset();
        }
        Ok(())
    }

    /// Next row of the sources that passes WHERE.
    #[inline]
    fn source_next(&mut self, cx: &mut Cx<'_>) -> Result<bool> {
        loop {
            cx.env.check_interrupt()?;
            let ok = match &mut self.from {
                Some(f) => f.next(cx)?,
                None => {
                    if self.single_done {
                        false
                    } else {
                        self.single_done = true;
                        true
                    }
                }
            };
            if !ok {
                return Ok(false);
            }
            if let Some(w) = &self.filter {
                if !w.test(cx)? {
                    continue;
                }
            }
            return Ok(true);
        }
    }

    fn project(&self, cx: &mut Cx<'_>, out: &mut Vec<Value>) -> Result<()> {
        out.clear();
        for e in &self.result {
            out.push(e.eval(cx)?);
        }
        Ok(())
    }

    fn is_new(&mut self, row: &[Value], colls: &[Collation]) -> bool {
        let mut k = Vec::new();
        row_key(row, colls, &mut k);
        if self.distinct_ordered {
            if self.last_key.as_ref() == Some(&k) {
                return false;
            }
            self.last_key = Some(k);
            return true;
        }
        self.seen.insert(k)
    }

    fn needs_buffer(&self) -> bool {
        self.agg.is_some() || !self.order.is_empty() || self.window.is_some()
    }

    fn fill_buffer(&mut self, cx: &mut Cx<'_>, colls: &[Collation]) -> Result<()> {
        let mut out: Vec<(Vec<Value>, Vec<Value>)> = Vec::new();
        if self.agg.is_some() {
            self.run_aggregate(cx, colls, &mut out)?;
        } else {
            let mut row = Vec::new();
            while self.source_next(cx)? {
                if let Some(w) = &mut self.window {
                    w.collect(cx)?;
                    continue;
                }
                self.emit_row(cx, colls, &mut row, &mut out)?;
            }
        }
        if let Some(mut w) = self.window.take() {
            let mut row = Vec::new();
            let r = w.finish(cx, |cx| self.emit_row(cx, colls, &mut row, &mut out));
            self.window = Some(w);
            r?;
        }
        if !self.order.is_empty() {
            let order = &self.order;
            out.sort_by(|a, b| cmp_keys(&a.0, &b.0, order));
        }
        self.buffered = Some(out.into_iter().map(|(_, r)| r).collect());
        Ok(())
    }

    /// Project the current row and queue it (after DISTINCT) with its sort keys.
    fn emit_row(
        &mut self,
        cx: &mut Cx<'_>,
        colls: &[Collation],
        row: &mut Vec<Value>,
        out: &mut Vec<(Vec<Value>, Vec<Value>)>,
    ) -> Result<()> {
        self.project(cx, row)?;
        if self.distinct && !self.is_new(row, colls) {
            return Ok(());
        }
        let keys = self.sort_keys(cx, row)?;
        out.push((keys, row.clone()));
        Ok(())
    }

    fn sort_keys(&self, cx: &mut Cx<'_>, row: &[Value]) -> Result<Vec<Value>> {
        let mut keys = Vec::with_capacity(self.order.len());
        for k in &self.order {
            keys.push(match &k.src {
                SortSrc::Result(i) => row.get(*i).cloned().unwrap_or(Value::Null),
                SortSrc::Expr(e) => e.eval(cx)?,
            });
        }
        Ok(keys)
    }

    fn run_aggregate(
        &mut self,
        cx: &mut Cx<'_>,
        colls: &[Collation],
        out: &mut Vec<(Vec<Value>, Vec<Value>)>,
    ) -> Result<()> {
        let mut groups: Vec<Group> = Vec::new();
        let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut key = Vec::new();
        let mut keyvals = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        // Rows are snapshotted per group only when something evaluated after
        // aggregation reads the sources' rows (bare columns, subqueries).
        let bare = self.result.iter().any(CExpr::reads_columns)
            || self
                .agg
                .as_ref()
                .is_some_and(|ap| ap.having.as_ref().is_some_and(CExpr::reads_columns))
            || self.order.iter().any(|k| match &k.src {
                SortSrc::Expr(e) => e.reads_columns(),
                SortSrc::Result(_) => false,
            });
        while self.source_next(cx)? {
            let Some(ap) = &self.agg else { break };
            keyvals.clear();
            for g in &ap.group_by {
                keyvals.push(g.eval(cx)?);
            }
            // Without GROUP BY every row belongs to the one group: skip the
            // key encoding and hash lookup once it exists.
            let single = ap.group_by.is_empty() && !groups.is_empty();
            if !single {
                row_key(&keyvals, &ap.group_colls, &mut key);
            }
            let found = if single { Some(&0) } else { index.get(&key) };
            let gi = match found {
                Some(i) => *i,
                None => {
                    let mut aggs = Vec::with_capacity(ap.aggs.len());
                    for (name, a, _, _, coll, _) in &ap.aggs {
                        aggs.push(Agg::new(name, a.len(), coll)?);
                    }
                    groups.push(Group {
                        ordered: vec![Vec::new(); ap.aggs.len()],
                        keyvals: keyvals.clone(),
                        aggs,
                        distinct: vec![HashSet::new(); ap.aggs.len()],
                        snapshot: ap.slots.iter().map(|s| cx.env.slots[*s].clone()).collect(),
                    });
                    index.insert(key.clone(), groups.len() - 1);
                    groups.len() - 1
                }
            };
            let g = &mut groups[gi];
            let mut minmax_hit = false;
            for (ai, (_, a, distinct, filter, _, order)) in ap.aggs.iter().enumerate() {
                if let Some(f) = filter {
                    if !f.test(cx)? {
                        continue;
                    }
                }
                if a.len() <= 1 && !*distinct && order.is_empty() {
                    // One argument (or none): step on it borrowed from the
                    // row, with no argument vector or copy of text.
                    let agg = &mut g.aggs[ai];
                    let replaced = match a.first() {
                        None => agg.step_ref(ValueRef::Null),
                        Some(e) => super::expr::with_operand(e, cx, |v| agg.step_ref(v))?,
                    };
                    if Some(ai) == ap.minmax && replaced {
                        minmax_hit = true;
                    }
                    continue;
                }
                super::expr::eval_args(a, cx, &mut args)?;
                if *distinct {
                    if args.first().is_some_and(|v| v.is_null()) {
                        continue;
                    }
                    let mut k = Vec::new();
                    row_key(
                        &args[..1.min(args.len())],
                        std::slice::from_ref(&ap.aggs[ai].4),
                        &mut k,
                    );
                    if !g.distinct[ai].insert(k) {
                        continue;
                    }
                }
                if !order.is_empty() {
                    let mut keys = Vec::with_capacity(order.len());
                    for k in order {
                        if let SortSrc::Expr(e) = &k.src {
                            keys.push(e.eval(cx)?);
                        }
                    }
                    g.ordered[ai].push((keys, args.clone()));
                    continue;
                }
                let replaced = g.aggs[ai].step(&args)?;
                if Some(ai) == ap.minmax && replaced {
                    minmax_hit = true;
                }
            }
            // Bare columns: the row of the single min()/max(); otherwise
            // the group's first row, taken when the group was created (as
            // SQLite 3.46 does, with or without GROUP BY).
            if bare && minmax_hit {
                for (k, s) in ap.slots.iter().enumerate() {
                    g.snapshot[k].copy_from(&cx.env.slots[*s]);
                }
            }
        }
        let Some(ap) = &self.agg else { return Ok(()) };
        if groups.is_empty() && ap.group_by.is_empty() {
            let mut aggs = Vec::new();
            for (name, a, _, _, coll, _) in &ap.aggs {
                aggs.push(Agg::new(name, a.len(), coll)?);
            }
            let snapshot = ap
                .slots
                .iter()
                .map(|_| {
                    let mut s = Slot::default();
                    s.null_row = true;
                    s
                })
                .collect();
            groups.push(Group {
                ordered: vec![Vec::new(); ap.aggs.len()],
                keyvals: Vec::new(),
                aggs,
                distinct: Vec::new(),
                snapshot,
            });
        }
        let gcolls = &ap.group_colls;
        if ap.sorted_input {
            // Already in key order.
        } else {
            groups.sort_by(|a, b| {
                for (i, (x, y)) in a.keyvals.iter().zip(&b.keyvals).enumerate() {
                    let o = sort_compare(
                        x.as_ref(),
                        y.as_ref(),
                        gcolls.get(i).unwrap_or(&Collation::Binary),
                    );
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
        }
        let slots = ap.slots.clone();
        let mut row = Vec::new();
        for g in groups {
            for (k, s) in slots.iter().enumerate() {
                cx.env.slots[*s].copy_from(&g.snapshot[k]);
            }
            cx.env.group.clone_from(&g.keyvals);
            let mut g = g;
            if let Some(ap) = &self.agg {
                for (ai, call) in ap.aggs.iter().enumerate() {
                    let mut buf = std::mem::take(&mut g.ordered[ai]);
                    if buf.is_empty() {
                        continue;
                    }
                    buf.sort_by(|a, b| cmp_keys(&a.0, &b.0, &call.5));
                    for (_, args) in buf {
                        g.aggs[ai].step(&args)?;
                    }
                }
            }
            cx.env.agg.clear();
            for a in &g.aggs {
                let v = a.finalize()?;
                cx.env.agg.push(v);
            }
            if let Some(h) = &self.agg.as_ref().and_then(|a| a.having.as_ref()) {
                if !h.test(cx)? {
                    continue;
                }
            }
            if let Some(w) = &mut self.window {
                w.collect(cx)?;
                continue;
            }
            self.emit_row(cx, colls, &mut row, out)?;
        }
        Ok(())
    }

    fn next(&mut self, cx: &mut Cx<'_>, row: &mut Vec<Value>, colls: &[Collation]) -> Result<bool> {
        if self.needs_buffer() && self.buffered.is_none() {
            if self.left == 0 {
                return Ok(false);
            }
            self.fill_buffer(cx, colls)?;
        }
        loop {
            if self.left == 0 {
                return Ok(false);
            }
            if let Some(b) = &mut self.buffered {
                let Some(r) = b.get_mut(self.pos) else {
                    return Ok(false);
                };
                self.pos += 1;
                if self.skip > 0 {
                    self.skip -= 1;
                    continue;
                }
                std::mem::swap(row, r);
            } else {
                if !self.source_next(cx)? {
                    return Ok(false);
                }
                self.project(cx, row)?;
                if self.distinct && !self.is_new(row, colls) {
                    continue;
                }
                if self.skip > 0 {
                    self.skip -= 1;
                    continue;
                }
            }
            if self.left > 0 {
                self.left -= 1;
            }
            return Ok(true);
        }
    }
}

impl Compound {
    pub fn new(
        arms: Vec<SelectPlan>,
        ops: Vec<sqlite3_parser::ast::CompoundOperator>,
        colls: Vec<Collation>,
    ) -> Compound {
        Compound {
            arms,
            ops,
            colls,
            order: Vec::new(),
            limit: None,
            offset: None,
            rows: Vec::new(),
            pos: 0,
            left: -1,
            stream: None,
            skip: 0,
        }
    }

    /// Next row of a streaming UNION ALL chain into `row`.
    fn stream_next(&mut self, cx: &mut Cx<'_>, row: &mut Vec<Value>) -> Result<bool> {
        while let Some(i) = self.stream {
            if self.left == 0 {
                return Ok(false);
            }
            let Some(arm) = self.arms.get_mut(i) else {
                self.stream = None;
                break;
            };
            if arm.next(cx)? {
                if self.skip > 0 {
                    self.skip -= 1;
                    continue;
                }
                row.clear();
                row.extend_from_slice(arm.row());
                if self.left > 0 {
                    self.left -= 1;
                }
                return Ok(true);
            }
            arm.close();
            self.stream = Some(i + 1);
            match self.arms.get_mut(i + 1) {
                Some(next) => next.open(cx)?,
                None => self.stream = None,
            }
        }
        Ok(false)
    }

    fn open(&mut self, cx: &mut Cx<'_>) -> Result<()> {
        use sqlite3_parser::ast::CompoundOperator as Op;
        self.left = eval_limit(&self.limit, cx, -1)?;
        let mut skip = eval_limit(&self.offset, cx, 0)?.max(0);
        self.stream = None;
        if self.order.is_empty() && self.ops.iter().all(|o| *o == Op::UnionAll) {
            self.rows.clear();
            self.skip = skip;
            if let Some(first) = self.arms.first_mut() {
                first.open(cx)?;
                self.stream = Some(0);
            }
            return Ok(());
        }
        let colls = self.colls.clone();
        let mut rows: Vec<Vec<Value>> = Vec::new();
        let mut key = Vec::new();
        for (i, arm) in self.arms.iter_mut().enumerate() {
            let mut arm_rows = Vec::new();
            arm.open(cx)?;
            while arm.next(cx)? {
                arm_rows.push(arm.row().to_vec());
            }
            arm.close();
            if i == 0 {
                rows = arm_rows;
                continue;
            }
            let op = self.ops[i - 1];
            match op {
                Op::UnionAll => rows.extend(arm_rows),
                Op::Union | Op::Intersect | Op::Except => {
                    let mut right = HashSet::new();
                    for r in &arm_rows {
                        row_key(r, &colls, &mut key);
                        right.insert(key.clone());
                    }
                    let mut seen = HashSet::new();
                    let mut out = Vec::new();
                    let take = |r: Vec<Value>,
                                seen: &mut HashSet<Vec<u8>>,
                                out: &mut Vec<Vec<Value>>,
                                keep: bool,
                                key: &mut Vec<u8>| {
                        row_key(&r, &colls, key);
                        if keep && seen.insert(key.clone()) {
                            out.push(r);
                        }
                    };
                    match op {
                        Op::Union => {
                            // A later duplicate replaces the earlier one (SQLite's
                            // ephemeral index overwrites equal keys).
                            let mut pos: HashMap<Vec<u8>, usize> = HashMap::new();
                            for r in rows.drain(..).chain(arm_rows) {
                                row_key(&r, &colls, &mut key);
                                match pos.get(&key) {
                                    Some(&i) => out[i] = r,
                                    None => {
                                        pos.insert(key.clone(), out.len());
                                        out.push(r);
                                    }
                                }
                            }
                            let _ = &mut seen;
                        }
                        Op::Intersect => {
                            for r in rows.drain(..) {
                                row_key(&r, &colls, &mut key);
                                let keep = right.contains(&key);
                                take(r, &mut seen, &mut out, keep, &mut key);
                            }
                        }
                        _ => {
                            for r in rows.drain(..) {
                                row_key(&r, &colls, &mut key);
                                let keep = !right.contains(&key);
                                take(r, &mut seen, &mut out, keep, &mut key);
                            }
                        }
                    }
                    // SQLite emits these in key order.
                    out.sort_by(|a, b| {
                        for (j, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                            let o = sort_compare(
                                x.as_ref(),
                                y.as_ref(),
                                colls.get(j).unwrap_or(&Collation::Binary),
                            );
                            if o != Ordering::Equal {
                                return o;
                            }
                        }
                        Ordering::Equal
                    });
                    rows = out;
                }
            }
        }
        if !self.order.is_empty() {
            let order = &self.order;
            let idx: Vec<usize> = order
                .iter()
                .map(|k| match k.src {
                    SortSrc::Result(i) => i,
                    SortSrc::Expr(_) => 0,
                })
                .collect();
            rows.sort_by(|a, b| {
                let ka: Vec<Value> = idx
                    .iter()
                    .map(|i| a.get(*i).cloned().unwrap_or(Value::Null))
                    .collect();
                let kb: Vec<Value> = idx
                    .iter()
                    .map(|i| b.get(*i).cloned().unwrap_or(Value::Null))
                    .collect();
                cmp_keys(&ka, &kb, order)
            });
        }
        while skip > 0 && !rows.is_empty() {
            rows.remove(0);
            skip -= 1;
        }
        self.rows = rows;
        self.pos = 0;
        Ok(())
    }
}

impl SelectPlan {
    pub fn new(
        body: Body,
        names: Vec<String>,
        col_infos: Vec<Info>,
        decltypes: Vec<Option<String>>,
    ) -> SelectPlan {
        SelectPlan {
            ncols: names.len(),
            names,
            col_infos,
            decltypes,
            body,
            row: Vec::new(),
        }
    }

    pub fn values(rows: Vec<Vec<CExpr>>) -> Body {
        Body::Values(Values { rows, pos: 0 })
    }

    pub fn row(&self) -> &[Value] {
        &self.row
    }

    pub fn colls(&self) -> Vec<Collation> {
        self.col_infos
            .iter()
            .map(|i| {
                i.coll
                    .as_ref()
                    .and_then(|c| Collation::by_name(c))
                    .unwrap_or(Collation::Binary)
            })
            .collect()
    }

    pub fn open(&mut self, cx: &mut Cx<'_>) -> Result<()> {
        match &mut self.body {
            Body::Simple(s) => s.open(cx),
            Body::Compound(c) => c.open(cx),
            Body::Values(v) => {
                v.pos = 0;
                Ok(())
            }
            Body::Queue(_) => {
                self.row.clear();
                Ok(())
            }
            Body::Recursive(r) => r.open(cx),
            Body::Pragma(p) => p.open(cx),
        }
    }

    pub fn close(&mut self) {}

    pub fn next(&mut self, cx: &mut Cx<'_>) -> Result<bool> {
        match &mut self.body {
            Body::Simple(s) => {
                let colls: Vec<Collation> = if s.distinct || s.agg.is_some() {
                    self.col_infos
                        .iter()
                        .map(|i| {
                            i.coll
                                .as_ref()
                                .and_then(|c| Collation::by_name(c))
                                .unwrap_or(Collation::Binary)
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                s.next(cx, &mut self.row, &colls)
            }
            Body::Compound(c) => {
                if c.stream.is_some() {
                    return c.stream_next(cx, &mut self.row);
                }
                if c.left == 0 {
                    return Ok(false);
                }
                let Some(r) = c.rows.get_mut(c.pos) else {
                    return Ok(false);
                };
                c.pos += 1;
                std::mem::swap(&mut self.row, r);
                if c.left > 0 {
                    c.left -= 1;
                }
                Ok(true)
            }
            Body::Queue(cell) => {
                if !self.row.is_empty() {
                    return Ok(false);
                }
                let g = cell.lock().unwrap_or_else(|p| p.into_inner());
                self.row.clone_from(&g);
                Ok(!self.row.is_empty() || self.ncols == 0)
            }
            Body::Recursive(r) => r.next(cx, &mut self.row),
            Body::Pragma(p) => Ok(p.next(&mut self.row)),
            Body::Values(v) => {
                let Some(r) = v.rows.get(v.pos) else {
                    return Ok(false);
                };
                v.pos += 1;
                self.row.clear();
                for e in r {
                    let x = e.eval(cx)?;
                    self.row.push(x);
                }
                Ok(true)
            }
        }
    }
}
