//! The window operator (lang windowfunctions). It sits between the rows a
//! SELECT produces (after WHERE, or after GROUP BY/HAVING) and the
//! projection: every input row is buffered with a snapshot of the select's
//! source slots (and the group's aggregate values), plus the values of each
//! window's PARTITION BY / ORDER BY terms and each call's arguments and
//! FILTER. Once the input is exhausted each distinct window sorts the rows
//! (stably) by partition then order, and each call is computed partition by
//! partition; the rows are then handed back — in the order of the first
//! call's window, as SQLite emits them — with the select's slots restored and
//! the window slot holding the row's results, for projection.
//!
//! Frames: for row i of a partition the frame is the half-open range
//! [start, end) of partition positions given by ROWS / GROUPS / RANGE bounds
//! (peer groups come from the ORDER BY terms; without ORDER BY every row is a
//! peer). Both ends never move backwards, so aggregates slide: rows entering
//! the frame are stepped and rows leaving it are inverted
//! (count/sum/total/avg/group_concat); aggregates without an inverse
//! (min/max) are recomputed only when the frame start moves. With an EXCLUDE
//! clause the frame is recomputed per row, as SQLite does.

use super::env::Slot;
use super::expr::{CExpr, Cx};
use super::select::{SortKey, SortSrc};
use crate::sqlvalue::aggregate::{find_aggregate, min_max_state, AggregateState};
use crate::sqlvalue::compare::sort_compare;
use crate::sqlvalue::numeric::value_to_i64;
use crate::sqlvalue::Collation;
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use std::cmp::Ordering;

pub enum Bound {
    UnboundedPreceding,
    Preceding(CExpr),
    CurrentRow,
    Following(CExpr),
    UnboundedFollowing,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FrameMode {
    Rows,
    Range,
    Groups,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Exclude {
    NoOthers,
    CurrentRow,
    Group,
    Ties,
}

pub struct Frame {
    pub mode: FrameMode,
    pub start: Bound,
    pub end: Bound,
    pub exclude: Exclude,
}

/// One distinct window: PARTITION BY terms, ORDER BY terms, frame.
pub struct WinSpec {
    pub partition: Vec<CExpr>,
    pub part_colls: Vec<Collation>,
    pub order: Vec<SortKey>,
    pub frame: Frame,
}

pub enum WinKind {
    RowNumber,
    Rank,
    DenseRank,
    PercentRank,
    CumeDist,
    Ntile,
    Lag,
    Lead,
    FirstValue,
    LastValue,
    NthValue,
    /// A built-in aggregate used as a window function (min/max compare
    /// with `coll`).
    Agg {
        name: String,
        coll: Collation,
    },
}

pub struct WinFunc {
    pub kind: WinKind,
    pub args: Vec<CExpr>,
    pub filter: Option<CExpr>,
    /// Index into the operator's windows.
    pub spec: usize,
}

/// A buffered input row.
struct WRow {
    snap: Vec<Slot>,
    agg: Vec<Value>,
    group: Vec<Value>,
    /// Per window: partition values then order values.
    keys: Vec<Value>,
    /// Per call: its arguments, then its FILTER result (when it has one).
    args: Vec<Value>,
    /// Per call: the result.
    out: Vec<Value>,
}

pub struct WindowOp {
    slot: usize,
    snap_slots: Vec<usize>,
    with_agg: bool,
    specs: Vec<WinSpec>,
    funcs: Vec<WinFunc>,
    key_off: Vec<usize>,
    arg_off: Vec<usize>,
    rows: Vec<WRow>,
}

fn fail(msg: &str) -> Error {
    Error::new(ResultCode::ERROR, msg)
}

/// A resolved frame offset.
#[derive(Clone)]
enum Off {
    None,
    Rows(i64),
    Range(Value),
}

impl WindowOp {
    pub fn new(
        slot: usize,
        snap_slots: Vec<usize>,
        with_agg: bool,
        specs: Vec<WinSpec>,
        funcs: Vec<WinFunc>,
    ) -> WindowOp {
        let mut key_off = Vec::new();
        let mut n = 0;
        for s in &specs {
            key_off.push(n);
            n += s.partition.len() + s.order.len();
        }
        let mut arg_off = Vec::new();
        let mut n = 0;
        for f in &funcs {
            arg_off.push(n);
            n += f.args.len() + usize::from(f.filter.is_some());
        }
        WindowOp {
            slot,
            snap_slots,
            with_agg,
            specs,
            funcs,
            key_off,
            arg_off,
            rows: Vec::new(),
        }
    }

    /// Forget buffered rows (the select is being reopened).
    pub fn reset(&mut self) {
        self.rows.clear();
    }

    /// Buffer the select's current row.
    pub fn collect(&mut self, cx: &mut Cx<'_>) -> Result<()> {
        let mut keys = Vec::new();
        for s in &self.specs {
            for e in &s.partition {
                keys.push(e.eval(cx)?);
            }
            for k in &s.order {
                if let SortSrc::Expr(e) = &k.src {
                    keys.push(e.eval(cx)?);
                } else {
                    keys.push(Value::Null);
                }
            }
        }
        let mut args = Vec::new();
        for f in &self.funcs {
            for a in &f.args {
                args.push(a.eval(cx)?);
            }
            if let Some(flt) = &f.filter {
                args.push(Value::Integer(i64::from(flt.test(cx)?)));
            }
        }
        let snap = self
            .snap_slots
            .iter()
            .map(|s| cx.env.slots.get(*s).cloned().unwrap_or_default())
            .collect();
        let (agg, group) = if self.with_agg {
            (cx.env.agg.clone(), cx.env.group.clone())
        } else {
            (Vec::new(), Vec::new())
        };
        self.rows.push(WRow {
            snap,
            agg,
            group,
            keys,
            args,
            out: vec![Value::Null; self.funcs.len()],
        });
        Ok(())
    }

    /// Compute every call, then hand each row to `emit` with the select's
    /// slots restored and the window slot set.
    pub fn finish(
        &mut self,
        cx: &mut Cx<'_>,
        mut emit: impl FnMut(&mut Cx<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut rows = std::mem::take(&mut self.rows);
        let mut first_order: Option<Vec<usize>> = None;
        for si in 0..self.specs.len() {
            let perm = self.sorted(&rows, si);
            let offs = if rows.is_empty() {
                (Off::None, Off::None)
            } else {
                (
                    resolve_off(cx, &self.specs[si].frame, true)?,
                    resolve_off(cx, &self.specs[si].frame, false)?,
                )
            };
            // Partitions: runs of equal partition keys.
            let np = self.specs[si].partition.len();
            let ko = self.key_off[si];
            let mut a = 0;
            while a < perm.len() {
                let mut z = a + 1;
                while z < perm.len() && {
                    let (x, y) = (&rows[perm[a]].keys, &rows[perm[z]].keys);
                    (0..np).all(|k| {
                        sort_compare(
                            x[ko + k].as_ref(),
                            y[ko + k].as_ref(),
                            &self.specs[si].part_colls[k],
                        ) == Ordering::Equal
                    })
                } {
                    z += 1;
                }
                self.partition(cx, &mut rows, &perm[a..z], si, &offs)?;
                a = z;
            }
            let first_func_spec = self.funcs.first().map(|f| f.spec);
            if first_func_spec == Some(si) {
                first_order = Some(perm);
            }
        }
        let order = first_order.unwrap_or_else(|| (0..rows.len()).collect());
        for i in order {
            let r = &mut rows[i];
            for (k, s) in self.snap_slots.iter().enumerate() {
                if let (Some(dst), Some(src)) = (cx.env.slots.get_mut(*s), r.snap.get_mut(k)) {
                    std::mem::swap(dst, src);
                }
            }
            if self.with_agg {
                std::mem::swap(&mut cx.env.agg, &mut r.agg);
                std::mem::swap(&mut cx.env.group, &mut r.group);
            }
            if let Some(ws) = cx.env.slots.get_mut(self.slot) {
                ws.materialized = true;
                ws.null_row = false;
                std::mem::swap(&mut ws.values, &mut r.out);
            }
            emit(cx)?;
        }
        Ok(())
    }

    /// Row indices sorted (stably) by window `si`'s partition, then order.
    fn sorted(&self, rows: &[WRow], si: usize) -> Vec<usize> {
        let s = &self.specs[si];
        let ko = self.key_off[si];
        let np = s.partition.len();
        let mut perm: Vec<usize> = (0..rows.len()).collect();
        if np + s.order.len() == 0 {
            return perm;
        }
        perm.sort_by(|&a, &b| {
            let (x, y) = (&rows[a].keys, &rows[b].keys);
            for k in 0..np {
                let o = sort_compare(x[ko + k].as_ref(), y[ko + k].as_ref(), &s.part_colls[k]);
                if o != Ordering::Equal {
                    return o;
                }
            }
            for (k, key) in s.order.iter().enumerate() {
                let o = cmp_key(&x[ko + np + k], &y[ko + np + k], key);
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        perm
    }

    /// Compute every call of window `si` over one partition (`part` holds
    /// row indices in window order).
    fn partition(
        &self,
        cx: &mut Cx<'_>,
        rows: &mut [WRow],
        part: &[usize],
        si: usize,
        offs: &(Off, Off),
    ) -> Result<()> {
        cx.env.check_interrupt()?;
        let spec = &self.specs[si];
        let n = part.len();
        let ko = self.key_off[si] + spec.partition.len();
        let no = spec.order.len();
        // Peer groups.
        let mut grp = vec![0usize; n];
        let mut gstart: Vec<usize> = vec![0];
        for i in 1..n {
            let (x, y) = (&rows[part[i - 1]].keys, &rows[part[i]].keys);
            let same =
                (0..no).all(|k| cmp_key(&x[ko + k], &y[ko + k], &spec.order[k]) == Ordering::Equal);
            if !same {
                gstart.push(i);
            }
            grp[i] = gstart.len() - 1;
        }
        let ng = gstart.len();
        let gend = |g: usize| if g + 1 < ng { gstart[g + 1] } else { n };
        let frames: Vec<(usize, usize)> = (0..n)
            .map(|i| self.frame(rows, part, i, &grp, &gstart, &gend, si, offs))
            .collect();
        for (fi, f) in self.funcs.iter().enumerate() {
            if f.spec != si {
                continue;
            }
            let ao = self.arg_off[fi];
            let na = f.args.len();
            let arg = |rows: &[WRow], i: usize, k: usize| -> Value {
                rows[part[i]]
                    .args
                    .get(ao + k)
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            match &f.kind {
                WinKind::RowNumber => {
                    for i in 0..n {
                        rows[part[i]].out[fi] = Value::Integer(i as i64 + 1);
                    }
                }
                WinKind::Rank => {
                    for i in 0..n {
                        rows[part[i]].out[fi] = Value::Integer(gstart[grp[i]] as i64 + 1);
                    }
                }
                WinKind::DenseRank => {
                    for i in 0..n {
                        rows[part[i]].out[fi] = Value::Integer(grp[i] as i64 + 1);
                    }
                }
                WinKind::PercentRank => {
                    for i in 0..n {
                        let v = if n > 1 {
                            gstart[grp[i]] as f64 / (n - 1) as f64
                        } else {
                            0.0
                        };
                        rows[part[i]].out[fi] = Value::Real(v);
                    }
                }
                WinKind::CumeDist => {
                    for i in 0..n {
                        rows[part[i]].out[fi] = Value::Real(gend(grp[i]) as f64 / n as f64);
                    }
                }
                WinKind::Ntile => {
                    if n == 0 {
                        continue;
                    }
                    let p = value_to_i64(arg(rows, 0, 0).as_ref());
                    if p <= 0 {
                        return Err(fail("argument of ntile must be a positive integer"));
                    }
                    let total = n as i64;
                    let size = total / p;
                    for i in 0..n {
                        let r = i as i64;
                        let v = if size == 0 {
                            r + 1
                        } else {
                            let large = total - p * size;
                            let small = large * (size + 1);
                            if r < small {
                                1 + r / (size + 1)
                            } else {
                                1 + large + (r - small) / size
                            }
                        };
                        rows[part[i]].out[fi] = Value::Integer(v);
                    }
                }
                WinKind::Lag | WinKind::Lead => {
                    let lead = matches!(f.kind, WinKind::Lead);
                    for i in 0..n {
                        let off = if na >= 2 {
                            lag_offset(arg(rows, i, 1))
                        } else {
                            Some(1)
                        };
                        let target = off.and_then(|o| {
                            if lead {
                                (i as i64).checked_add(o)
                            } else {
                                (i as i64).checked_sub(o)
                            }
                        });
                        // SQLite's lag() sees the partition only up to
                        // the row after the current one (its frame is ROWS
                        // UNBOUNDED PRECEDING AND CURRENT ROW, read one row
                        // ahead); lead() sees the whole partition.
                        let limit = if lead { n } else { (i + 2).min(n) };
                        let v = match target {
                            Some(t) if t >= 0 && (t as usize) < limit => arg(rows, t as usize, 0),
                            _ if na >= 3 => arg(rows, i, 2),
                            _ => Value::Null,
                        };
                        rows[part[i]].out[fi] = v;
                    }
                }
                WinKind::FirstValue | WinKind::LastValue | WinKind::NthValue => {
                    for i in 0..n {
                        let (s, e) = frames[i];
                        let excl = self.excluded(spec, i, &grp, &gstart, &gend);
                        let mut members = (s..e).filter(|j| !excl(*j));
                        let v = match f.kind {
                            WinKind::FirstValue => members.take(1).last(),
                            WinKind::LastValue => members.next_back(),
                            _ => {
                                if s >= e {
                                    None
                                } else {
                                    let nth = nth_arg(arg(rows, i, 1))?;
                                    members.skip((nth - 1) as usize).take(1).last()
                                }
                            }
                        };
                        rows[part[i]].out[fi] = match v {
                            Some(j) => arg(rows, j, 0),
                            None => Value::Null,
                        };
                    }
                }
                WinKind::Agg { name, coll } => {
                    let ctor = || -> Result<Box<dyn AggregateState>> {
                        if name == "min" || name == "max" {
                            return Ok(min_max_state(name == "max", coll.clone()));
                        }
                        find_aggregate(name, na)
                            .map(|c| c())
                            .ok_or_else(|| fail(&format!("no such function: {name}")))
                    };
                    // SQLite keeps min()/max() over a frame that does not
                    // start at UNBOUNDED PRECEDING in an ordered index that
                    // does not apply FILTER; mirror that.
                    let minmax_index = (name == "min" || name == "max")
                        && !matches!(spec.frame.start, Bound::UnboundedPreceding)
                        && spec.frame.exclude == Exclude::NoOthers;
                    let has_filter = f.filter.is_some() && !minmax_index;
                    let counts = |rows: &[WRow], j: usize| -> bool {
                        !has_filter
                            || matches!(rows[part[j]].args.get(ao + na), Some(Value::Integer(1)))
                    };
                    let mut argv: Vec<Value> = Vec::with_capacity(na);
                    let mut feed = |st: &mut Box<dyn AggregateState>,
                                    rows: &[WRow],
                                    j: usize,
                                    inverse: bool|
                     -> Result<()> {
                        if !counts(rows, j) {
                            return Ok(());
                        }
                        argv.clear();
                        for k in 0..na {
                            argv.push(arg(rows, j, k));
                        }
                        let refs: Vec<ValueRef<'_>> = argv.iter().map(|v| v.as_ref()).collect();
                        if inverse {
                            st.inverse(&refs)
                        } else {
                            st.step(&refs)
                        }
                    };
                    if spec.frame.exclude != Exclude::NoOthers {
                        for i in 0..n {
                            let (s, e) = frames[i];
                            let excl = self.excluded(spec, i, &grp, &gstart, &gend);
                            let mut st = ctor()?;
                            for j in s..e {
                                if !excl(j) {
                                    feed(&mut st, rows, j, false)?;
                                }
                            }
                            rows[part[i]].out[fi] = st.value()?;
                        }
                        continue;
                    }
                    if minmax_index {
                        self.sliding_min_max(rows, part, &frames, fi, ao, name == "max", coll);
                        continue;
                    }
                    let mut st = ctor()?;
                    let inv = st.supports_inverse();
                    let (mut cs, mut ce) = (0usize, 0usize);
                    for i in 0..n {
                        let (s, e) = frames[i];
                        if inv {
                            // Rows enter through step() from the start of
                            // the partition and leave through inverse(), as
                            // in SQLite (so e.g. an integer overflow in rows
                            // before the frame still surfaces).
                            while cs < s.min(ce) {
                                feed(&mut st, rows, cs, true)?;
                                cs += 1;
                            }
                            while ce < e {
                                feed(&mut st, rows, ce, false)?;
                                ce += 1;
                            }
                            while cs < s {
                                feed(&mut st, rows, cs, true)?;
                                cs += 1;
                            }
                        } else if s > cs {
                            st = ctor()?;
                            cs = s;
                            ce = s;
                        }
                        while ce < e {
                            feed(&mut st, rows, ce, false)?;
                            ce += 1;
                        }
                        rows[part[i]].out[fi] = st.value()?;
                    }
                }
            }
        }
        Ok(())
    }

    /// min()/max() over frames whose start moves: a monotonic queue of
    /// candidate positions (values decreasing for max, increasing for min).
    /// Among values that compare equal (3 and 3.0, 'a' and 'A' under NOCASE)
    /// the newest in the frame is reported, as SQLite's ordered index does.
    /// NULLs never enter.
    #[allow(clippy::too_many_arguments)]
    fn sliding_min_max(
        &self,
        rows: &mut [WRow],
        part: &[usize],
        frames: &[(usize, usize)],
        fi: usize,
        ao: usize,
        is_max: bool,
        coll: &Collation,
    ) {
        let mut q: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
        let mut ce = 0usize;
        let val = |rows: &[WRow], j: usize| -> Value {
            rows[part[j]].args.get(ao).cloned().unwrap_or(Value::Null)
        };
        for i in 0..part.len() {
            let (s, e) = frames[i];
            while ce < e {
                let v = val(rows, ce);
                if !v.is_null() {
                    while let Some(&b) = q.back() {
                        let o = sort_compare(val(rows, b).as_ref(), v.as_ref(), coll);
                        let dominated = if is_max {
                            o != Ordering::Greater
                        } else {
                            o != Ordering::Less
                        };
                        if dominated {
                            q.pop_back();
                        } else {
                            break;
                        }
                    }
                    q.push_back(ce);
                }
                ce += 1;
            }
            while q.front().is_some_and(|&f| f < s) {
                q.pop_front();
            }
            rows[part[i]].out[fi] = match q.front() {
                Some(&f) => val(rows, f),
                None => Value::Null,
            };
        }
    }

    /// Which partition positions the EXCLUDE clause removes for row `i`.
    fn excluded<'a>(
        &self,
        spec: &WinSpec,
        i: usize,
        grp: &'a [usize],
        gstart: &'a [usize],
        gend: &'a dyn Fn(usize) -> usize,
    ) -> impl Fn(usize) -> bool + 'a {
        let ex = spec.frame.exclude;
        let g = grp.get(i).copied().unwrap_or(0);
        let (ps, pe) = (gstart.get(g).copied().unwrap_or(0), gend(g));
        move |j: usize| match ex {
            Exclude::NoOthers => false,
            Exclude::CurrentRow => j == i,
            Exclude::Group => j >= ps && j < pe,
            Exclude::Ties => j != i && j >= ps && j < pe,
        }
    }

    /// The frame [start, end) of partition position `i`.
    #[allow(clippy::too_many_arguments)]
    fn frame(
        &self,
        rows: &[WRow],
        part: &[usize],
        i: usize,
        grp: &[usize],
        gstart: &[usize],
        gend: &dyn Fn(usize) -> usize,
        si: usize,
        offs: &(Off, Off),
    ) -> (usize, usize) {
        let spec = &self.specs[si];
        let n = part.len();
        let g = grp[i];
        let ng = gstart.len();
        let s = match spec.frame.mode {
            FrameMode::Rows => match (&spec.frame.start, &offs.0) {
                (Bound::UnboundedPreceding, _) => 0,
                (Bound::CurrentRow, _) => i,
                (Bound::Preceding(_), Off::Rows(k)) => i.saturating_sub(clamp(*k)),
                (Bound::Following(_), Off::Rows(k)) => i.saturating_add(clamp(*k)).min(n),
                _ => n,
            },
            FrameMode::Groups => match (&spec.frame.start, &offs.0) {
                (Bound::UnboundedPreceding, _) => 0,
                (Bound::CurrentRow, _) => gstart[g],
                (Bound::Preceding(_), Off::Rows(k)) => gstart[g.saturating_sub(clamp(*k))],
                (Bound::Following(_), Off::Rows(k)) => {
                    let t = g.saturating_add(clamp(*k));
                    if t < ng {
                        gstart[t]
                    } else {
                        n
                    }
                }
                _ => n,
            },
            FrameMode::Range => match (&spec.frame.start, &offs.0) {
                (Bound::UnboundedPreceding, _) => 0,
                (Bound::CurrentRow, _) => gstart[g],
                (Bound::Preceding(_), Off::Range(k)) => {
                    self.range_bound(rows, part, i, gstart[g], gend(g), si, k, true, true)
                }
                (Bound::Following(_), Off::Range(k)) => {
                    self.range_bound(rows, part, i, gstart[g], gend(g), si, k, false, true)
                }
                _ => n,
            },
        };
        let e = match spec.frame.mode {
            FrameMode::Rows => match (&spec.frame.end, &offs.1) {
                (Bound::UnboundedFollowing, _) => n,
                (Bound::CurrentRow, _) => i + 1,
                (Bound::Preceding(_), Off::Rows(k)) => (i + 1).saturating_sub(clamp(*k)),
                (Bound::Following(_), Off::Rows(k)) => {
                    i.saturating_add(clamp(*k)).saturating_add(1).min(n)
                }
                _ => 0,
            },
            FrameMode::Groups => match (&spec.frame.end, &offs.1) {
                (Bound::UnboundedFollowing, _) => n,
                (Bound::CurrentRow, _) => gend(g),
                (Bound::Preceding(_), Off::Rows(k)) => {
                    let k = clamp(*k);
                    if k > g {
                        0
                    } else {
                        gend(g - k)
                    }
                }
                (Bound::Following(_), Off::Rows(k)) => {
                    gend(g.saturating_add(clamp(*k)).min(ng - 1))
                }
                _ => 0,
            },
            FrameMode::Range => match (&spec.frame.end, &offs.1) {
                (Bound::UnboundedFollowing, _) => n,
                (Bound::CurrentRow, _) => gend(g),
                (Bound::Preceding(_), Off::Range(k)) => {
                    self.range_bound(rows, part, i, gstart[g], gend(g), si, k, true, false)
                }
                (Bound::Following(_), Off::Range(k)) => {
                    self.range_bound(rows, part, i, gstart[g], gend(g), si, k, false, false)
                }
                _ => 0,
            },
        };
        (s, e.max(s))
    }

    /// A RANGE `k PRECEDING/FOLLOWING` boundary: for a start boundary the
    /// first position inside the range, for an end boundary one past the
    /// last. Non-numeric (or NULL) current values bound at their peers.
    #[allow(clippy::too_many_arguments)]
    fn range_bound(
        &self,
        rows: &[WRow],
        part: &[usize],
        i: usize,
        ps: usize,
        pe: usize,
        si: usize,
        k: &Value,
        preceding: bool,
        start: bool,
    ) -> usize {
        let spec = &self.specs[si];
        let Some(key) = spec.order.first() else {
            return if start { ps } else { pe };
        };
        let ko = self.key_off[si] + spec.partition.len();
        let xc = &rows[part[i]].keys[ko];
        if !matches!(xc, Value::Integer(_) | Value::Real(_)) {
            return if start { ps } else { pe };
        }
        // The value bounding the range: ASC PRECEDING and DESC FOLLOWING
        // subtract, the others add.
        let subtract = preceding != key.desc;
        let b = if subtract {
            crate::sqlvalue::arith::sub(xc.as_ref(), k.as_ref())
        } else {
            crate::sqlvalue::arith::add(xc.as_ref(), k.as_ref())
        };
        let nulls_first = key.nulls_first;
        let coll = &key.coll;
        let desc = key.desc;
        // Whether position j lies before the boundary (for a start) or at
        // or before it (for an end).
        let before = |j: usize| -> bool {
            let x = &rows[part[j]].keys[ko];
            if x.is_null() {
                return nulls_first;
            }
            let o = sort_compare(x.as_ref(), b.as_ref(), coll);
            let o = if desc { o.reverse() } else { o };
            if start {
                o == Ordering::Less
            } else {
                o != Ordering::Greater
            }
        };
        // Binary search: `before` is true on a prefix of the partition.
        let (mut lo, mut hi) = (0usize, part.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if before(mid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

fn clamp(k: i64) -> usize {
    usize::try_from(k.max(0)).unwrap_or(usize::MAX)
}

fn cmp_key(x: &Value, y: &Value, k: &SortKey) -> Ordering {
    match (x.is_null(), y.is_null()) {
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
    }
}

/// lag/lead's offset as SQLite's rowid arithmetic sees it: an integer (or
/// a value that converts to one exactly); anything else finds no row.
fn lag_offset(v: Value) -> Option<i64> {
    match crate::sqlvalue::apply_affinity(v, crate::sqlvalue::Affinity::Numeric) {
        Value::Integer(i) => Some(i),
        Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.2e18 => Some(r as i64),
        _ => None,
    }
}

fn nth_arg(v: Value) -> Result<i64> {
    let n = match v {
        Value::Integer(i) => Some(i),
        Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.2e18 => Some(r as i64),
        _ => None,
    };
    match n {
        Some(n) if n > 0 => Ok(n),
        _ => Err(fail(
            "second argument to nth_value must be a positive integer",
        )),
    }
}

/// Evaluate a frame's start (`start`) or end offset and check it as SQLite
/// does: ROWS/GROUPS need a non-negative integer, RANGE a non-negative
/// number.
fn resolve_off(cx: &mut Cx<'_>, f: &Frame, start: bool) -> Result<Off> {
    let b = if start { &f.start } else { &f.end };
    let e = match b {
        Bound::Preceding(e) | Bound::Following(e) => e,
        _ => return Ok(Off::None),
    };
    let v = e.eval(cx)?;
    let which = if start { "starting" } else { "ending" };
    let v = crate::sqlvalue::apply_affinity(v, crate::sqlvalue::Affinity::Numeric);
    if f.mode == FrameMode::Range {
        let ok = match &v {
            Value::Integer(i) => *i >= 0,
            Value::Real(r) => *r >= 0.0,
            _ => false,
        };
        if !ok {
            return Err(fail(&format!(
                "frame {which} offset must be a non-negative number"
            )));
        }
        return Ok(Off::Range(v));
    }
    let n = match v {
        Value::Integer(i) => Some(i),
        Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.2e18 => Some(r as i64),
        _ => None,
    };
    match n {
        Some(n) if n >= 0 => Ok(Off::Rows(n)),
        _ => Err(fail(&format!(
            "frame {which} offset must be a non-negative integer"
        ))),
    }
}
