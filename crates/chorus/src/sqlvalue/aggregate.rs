//! Built-in aggregate functions (lang_aggfunc): count, sum, total, avg, min,
//! max, group_concat, string_agg — with SQLite's result types: sum() of
//! integers stays INTEGER and fails with "integer overflow" when it
//! overflows (unless a non-integer was also summed), sum() of no rows is NULL,
//! total() is always REAL, avg() is REAL. Real sums use SQLite's
//! Kahan-Babuska-Neumaier compensation so results match bit for bit.
//!
//! Window use: `value()` reads the current result without ending the
//! aggregate and `inverse()` removes a row (for sum/total/avg/count/
//! group_concat/string_agg, as in SQLite).

use super::affinity::apply_numeric_affinity_ref;
use super::collation::Collation;
use super::compare::sort_compare;
use super::format::append_text;
use super::numeric::value_to_f64;
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use std::cmp::Ordering;

/// The running state of one aggregate over one group.
pub trait AggregateState: Send {
    /// Add a row's arguments.
    fn step(&mut self, args: &[ValueRef]) -> Result<()>;
    /// The final result (the state may not be used afterwards).
    fn finalize(&mut self) -> Result<Value>;
    /// The current result without finalizing (window functions).
    fn value(&self) -> Result<Value> {
        Err(Error::new(
            ResultCode::MISUSE,
            "aggregate has no window value",
        ))
    }
    /// Remove a row previously added (window frames); `false` from
    /// [`AggregateState::supports_inverse`] means the caller must recompute.
    fn inverse(&mut self, _args: &[ValueRef]) -> Result<()> {
        Err(Error::new(ResultCode::MISUSE, "aggregate has no inverse"))
    }
    fn supports_inverse(&self) -> bool {
        false
    }
}

/// Constructor of a fresh aggregate state.
pub type AggregateCtor = fn() -> Box<dyn AggregateState>;

fn arg<'a>(args: &[ValueRef<'a>], i: usize) -> ValueRef<'a> {
    args.get(i).copied().unwrap_or(ValueRef::Null)
}

// ---------------------------------------------------------------- count

#[derive(Default)]
struct Count {
    star: bool,
    n: i64,
}

impl AggregateState for Count {
    fn step(&mut self, args: &[ValueRef]) -> Result<()> {
        if self.star || !arg(args, 0).is_null() {
            self.n += 1;
        }
        Ok(())
    }
    fn finalize(&mut self) -> Result<Value> {
        Ok(Value::Integer(self.n))
    }
    fn value(&self) -> Result<Value> {
        Ok(Value::Integer(self.n))
    }
    fn inverse(&mut self, args: &[ValueRef]) -> Result<()> {
        if self.star || !arg(args, 0).is_null() {
            self.n -= 1;
        }
        Ok(())
    }
    fn supports_inverse(&self) -> bool {
        true
    }
}

// ------------------------------------------------------- sum/total/avg

#[derive(Clone, Copy, PartialEq, Eq)]
enum SumKind {
    Sum,
    Total,
    Avg,
}

struct Sum {
    kind: SumKind,
    r_sum: f64,
    r_err: f64,
    i_sum: i64,
    cnt: i64,
    approx: bool,
    ovrfl: bool,
}

impl Sum {
    fn new(kind: SumKind) -> Sum {
        Sum {
            kind,
            r_sum: 0.0,
            r_err: 0.0,
            i_sum: 0,
            cnt: 0,
            approx: false,
            ovrfl: false,
        }
    }

    fn kbn_step(&mut self, r: f64) {
        let s = self.r_sum;
        let t = s + r;
        if s.abs() > r.abs() {
            self.r_err += (s - t) + r;
        } else {
            self.r_err += (r - t) + s;
        }
        self.r_sum = t;
    }

    fn kbn_step_int(&mut self, v: i64) {
        if !(-4503599627370495..4503599627370496).contains(&v) {
            let sm = v % 16384;
            let big = v - sm;
            self.kbn_step(big as f64);
            self.kbn_step(sm as f64);
        } else {
            self.kbn_step(v as f64);
        }
    }

    fn kbn_init(&mut self, v: i64) {
        if !(-4503599627370495..4503599627370496).contains(&v) {
            let sm = v % 16384;
            self.r_sum = (v - sm) as f64;
            self.r_err = sm as f64;
        } else {
            self.r_sum = v as f64;
            self.r_err = 0.0;
        }
    }

    fn real_total(&self) -> f64 {
        if self.approx {
            let mut r = self.r_sum;
            if self.r_err.is_finite() {
                r += self.r_err;
            }
            r
        } else {
            self.i_sum as f64
        }
    }

    fn result(&self) -> Result<Value> {
        // sqlite3_result_double() turns NaN into NULL.
        self.result_raw().map(|v| match v {
            Value::Real(r) if r.is_nan() => Value::Null,
            v => v,
        })
    }

    fn result_raw(&self) -> Result<Value> {
        match self.kind {
            SumKind::Sum => {
                if self.cnt == 0 {
                    return Ok(Value::Null);
                }
                if self.approx {
                    if self.ovrfl {
                        return Err(Error::new(ResultCode::ERROR, "integer overflow"));
                    }
                    Ok(Value::Real(self.real_total()))
                } else {
                    Ok(Value::Integer(self.i_sum))
                }
            }
            SumKind::Total => Ok(Value::Real(self.real_total())),
            SumKind::Avg => {
                if self.cnt == 0 {
                    Ok(Value::Null)
                } else {
                    Ok(Value::Real(self.real_total() / self.cnt as f64))
                }
            }
        }
    }
}

impl AggregateState for Sum {
    fn step(&mut self, args: &[ValueRef]) -> Result<()> {
        let v = apply_numeric_affinity_ref(arg(args, 0));
        if v.is_null() {
            return Ok(());
        }
        self.cnt += 1;
        if !self.approx {
            if let ValueRef::Integer(i) = v {
                match self.i_sum.checked_add(i) {
                    Some(x) => self.i_sum = x,
                    None => {
                        self.ovrfl = true;
                        self.kbn_init(self.i_sum);
                        self.approx = true;
                        self.kbn_step_int(i);
                    }
                }
            } else {
                self.kbn_init(self.i_sum);
                self.approx = true;
                self.kbn_step(value_to_f64(v));
            }
        } else if let ValueRef::Integer(i) = v {
            self.kbn_step_int(i);
        } else {
            self.ovrfl = false;
            self.kbn_step(value_to_f64(v));
        }
        Ok(())
    }
    fn finalize(&mut self) -> Result<Value> {
        self.result()
    }
    fn value(&self) -> Result<Value> {
        self.result()
    }
    fn inverse(&mut self, args: &[ValueRef]) -> Result<()> {
        let v = apply_numeric_affinity_ref(arg(args, 0));
        if v.is_null() {
            return Ok(());
        }
        self.cnt -= 1;
        if !self.approx {
            self.i_sum = self.i_sum.wrapping_sub(super::numeric::value_to_i64(v));
        } else if let ValueRef::Integer(i) = v {
            if i != i64::MIN {
                self.kbn_step_int(-i);
            } else {
                self.kbn_step_int(i64::MAX);
                self.kbn_step_int(1);
            }
        } else {
            self.kbn_step(-value_to_f64(v));
        }
        Ok(())
    }
    fn supports_inverse(&self) -> bool {
        true
    }
}

// ------------------------------------------------------------ min/max

struct MinMax {
    is_max: bool,
    coll: Collation,
    best: Option<Value>,
}

impl AggregateState for MinMax {
    fn step(&mut self, args: &[ValueRef]) -> Result<()> {
        let v = arg(args, 0);
        if v.is_null() {
            return Ok(());
        }
        let replace = match &self.best {
            None => true,
            Some(b) => {
                let c = sort_compare(b.as_ref(), v, &self.coll);
                if self.is_max {
                    c == Ordering::Less
                } else {
                    c == Ordering::Greater
                }
            }
        };
        if replace {
            self.best = Some(v.to_owned());
        }
        Ok(())
    }
    fn finalize(&mut self) -> Result<Value> {
        Ok(self.best.take().unwrap_or(Value::Null))
    }
    fn value(&self) -> Result<Value> {
        Ok(self.best.clone().unwrap_or(Value::Null))
    }
}

/// A min() (`is_max == false`) or max() aggregate comparing with `coll`.
pub fn min_max_state(is_max: bool, coll: Collation) -> Box<dyn AggregateState> {
    Box::new(MinMax {
        is_max,
        coll,
        best: None,
    })
}

// ------------------------------------------------------ group_concat

struct GroupConcat {
    /// `None` until the first non-NULL value.
    text: Option<Vec<u8>>,
    two_args: bool,
    /// Length of each accumulated value's leading separator (for inverse):
    /// `seps[k]` is the separator length in front of value k (k ≥ 1).
    lens: std::collections::VecDeque<(usize, usize)>,
}

impl AggregateState for GroupConcat {
    fn step(&mut self, args: &[ValueRef]) -> Result<()> {
        let v = arg(args, 0);
        if v.is_null() {
            return Ok(());
        }
        let first = self.text.is_none();
        let out = self.text.get_or_insert_with(Vec::new);
        let before = out.len();
        if !first {
            if self.two_args {
                let sep = arg(args, 1);
                if !sep.is_null() {
                    append_text(sep, out);
                }
            } else {
                out.push(b',');
            }
        }
        let sep_len = out.len() - before;
        append_text(v, out);
        if out.len() as i64 > super::functions::MAX_LENGTH {
            return Err(Error::new(ResultCode::TOOBIG, "string or blob too big"));
        }
        self.lens.push_back((sep_len, out.len() - before - sep_len));
        Ok(())
    }
    fn finalize(&mut self) -> Result<Value> {
        Ok(self.text.take().map(Value::Text).unwrap_or(Value::Null))
    }
    fn value(&self) -> Result<Value> {
        // SQLite's window value reads the accumulator with
        // sqlite3_str_value(), which is NULL while it holds no bytes.
        Ok(match &self.text {
            Some(t) if !t.is_empty() => Value::Text(t.clone()),
            _ => Value::Null,
        })
    }
    fn inverse(&mut self, args: &[ValueRef]) -> Result<()> {
        if arg(args, 0).is_null() {
            return Ok(());
        }
        // Remove the oldest value and the separator that follows it (the
        // next value's leading separator).
        let Some((_, vlen)) = self.lens.pop_front() else {
            return Ok(());
        };
        let mut cut = vlen;
        if let Some(next) = self.lens.front_mut() {
            cut += next.0;
            next.0 = 0;
        }
        if let Some(t) = self.text.as_mut() {
            let cut = cut.min(t.len());
            t.drain(..cut);
            if t.is_empty() && self.lens.is_empty() {
                self.text = None;
            }
        }
        Ok(())
    }
    fn supports_inverse(&self) -> bool {
        true
    }
}

fn new_count_star() -> Box<dyn AggregateState> {
    Box::new(Count { star: true, n: 0 })
}
fn new_count() -> Box<dyn AggregateState> {
    Box::new(Count { star: false, n: 0 })
}
fn new_sum() -> Box<dyn AggregateState> {
    Box::new(Sum::new(SumKind::Sum))
}
fn new_total() -> Box<dyn AggregateState> {
    Box::new(Sum::new(SumKind::Total))
}
fn new_avg() -> Box<dyn AggregateState> {
    Box::new(Sum::new(SumKind::Avg))
}
fn new_min() -> Box<dyn AggregateState> {
    min_max_state(false, Collation::Binary)
}
fn new_max() -> Box<dyn AggregateState> {
    min_max_state(true, Collation::Binary)
}
fn new_group_concat1() -> Box<dyn AggregateState> {
    Box::new(GroupConcat {
        text: None,
        two_args: false,
        lens: Default::default(),
    })
}
fn new_group_concat2() -> Box<dyn AggregateState> {
    Box::new(GroupConcat {
        text: None,
        two_args: true,
        lens: Default::default(),
    })
}

/// The aggregate `name` (any case) with `n_args` arguments (`count(*)` has
/// 0). min/max returned here use BINARY; use [`min_max_state`] for others.
pub fn find_aggregate(name: &str, n_args: usize) -> Option<AggregateCtor> {
    let n = name.to_ascii_lowercase();
    Some(match (n.as_str(), n_args) {
        ("count", 0) => new_count_star,
        ("count", 1) => new_count,
        ("sum", 1) => new_sum,
        ("total", 1) => new_total,
        ("avg", 1) => new_avg,
        ("min", 1) => new_min,
        ("max", 1) => new_max,
        ("group_concat", 1) => new_group_concat1,
        ("group_concat", 2) | ("string_agg", 2) => new_group_concat2,
        _ => return None,
    })
}

/// Whether `name` is a built-in aggregate for some argument count.
pub fn aggregate_name_known(name: &str) -> bool {
    [
        "count",
        "sum",
        "total",
        "avg",
        "min",
        "max",
        "group_concat",
        "string_agg",
    ]
    .iter()
    .any(|k| k.eq_ignore_ascii_case(name))
}
