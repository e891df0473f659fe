//! Aggregate function states used by the aggregation operator: count, sum,
//! total, avg, min, max, group_concat, string_agg — with SQLite's result
//! types (sum of integers stays an integer and errors on overflow; avg and
//! total are REAL; min/max compare with the argument's collation).

use crate::sqlvalue::compare::sort_compare;
use crate::sqlvalue::format::append_text;
use crate::sqlvalue::numeric::value_to_f64;
use crate::sqlvalue::Collation;
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use std::cmp::Ordering;

pub enum AggState {
    Count(i64),
    CountStar(i64),
    Sum(Box<SumCtx>),
    MinMax {
        max: bool,
        cur: Option<Value>,
        coll: Collation,
    },
    GroupConcat {
        buf: Vec<u8>,
        any: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SumKind {
    Sum,
    Total,
    Avg,
}

/// SQLite's sum/avg/total accumulator: exact integer sum until a non-integer
/// or an overflow, then Kahan-Babuska-Neumaier compensated real summation.
pub struct SumCtx {
    r_sum: f64,
    r_err: f64,
    i_sum: i64,
    cnt: i64,
    approx: bool,
    ovrfl: bool,
    kind: SumKind,
}

const KBN_LIMIT: i64 = 4503599627370496;

impl SumCtx {
    fn kbn(&mut self, r: f64) {
        let s = self.r_sum;
        let t = s + r;
        if s.abs() > r.abs() {
            self.r_err += (s - t) + r;
        } else {
            self.r_err += (r - t) + s;
        }
        self.r_sum = t;
    }
    fn kbn_int(&mut self, v: i64) {
        if v <= -KBN_LIMIT || v >= KBN_LIMIT {
            let sm = v % 16384;
            self.kbn((v - sm) as f64);
            self.kbn(sm as f64);
        } else {
            self.kbn(v as f64);
        }
    }
    fn init(&mut self, v: i64) {
        if v <= -KBN_LIMIT || v >= KBN_LIMIT {
            let sm = v % 16384;
            self.r_sum = (v - sm) as f64;
            self.r_err = sm as f64;
        } else {
            self.r_sum = v as f64;
            self.r_err = 0.0;
        }
    }
    fn step(&mut self, v: ValueRef<'_>) {
        let v = crate::sqlvalue::affinity::apply_numeric_affinity_ref(v);
        if v.is_null() {
            return;
        }
        self.cnt += 1;
        match (self.approx, v) {
            (false, ValueRef::Integer(i)) => match self.i_sum.checked_add(i) {
                Some(x) => self.i_sum = x,
                None => {
                    self.ovrfl = true;
                    self.init(self.i_sum);
                    self.approx = true;
                    self.kbn_int(i);
                }
            },
            (false, other) => {
                self.init(self.i_sum);
                self.approx = true;
                self.kbn(value_to_f64(other));
            }
            (true, ValueRef::Integer(i)) => self.kbn_int(i),
            (true, other) => {
                self.ovrfl = false;
                self.kbn(value_to_f64(other));
            }
        }
    }
    fn real(&self) -> f64 {
        if self.r_err.is_finite() {
            self.r_sum + self.r_err
        } else {
            self.r_sum
        }
    }
    fn finalize(&self) -> Result<Value> {
        Ok(match self.kind {
            SumKind::Sum => {
                if self.cnt == 0 {
                    Value::Null
                } else if self.approx {
                    if self.ovrfl {
                        return Err(Error::new(ResultCode::ERROR, "integer overflow"));
                    }
                    Value::Real(self.real())
                } else {
                    Value::Integer(self.i_sum)
                }
            }
            SumKind::Total => Value::Real(if self.approx {
                self.real()
            } else {
                self.i_sum as f64
            }),
            SumKind::Avg => {
                if self.cnt == 0 {
                    Value::Null
                } else {
                    let r = if self.approx {
                        self.real()
                    } else {
                        self.i_sum as f64
                    };
                    Value::Real(r / self.cnt as f64)
                }
            }
        })
    }
}

impl AggState {
    pub fn new(name: &str, nargs: usize, coll: &Collation) -> Result<AggState> {
        Ok(match (name, nargs) {
            ("count", 0) => AggState::CountStar(0),
            ("count", _) => AggState::Count(0),
            ("sum", _) => Self::sum(SumKind::Sum),
            ("total", _) => Self::sum(SumKind::Total),
            ("avg", _) => Self::sum(SumKind::Avg),
            ("min", _) => AggState::MinMax {
                max: false,
                cur: None,
                coll: coll.clone(),
            },
            ("max", _) => AggState::MinMax {
                max: true,
                cur: None,
                coll: coll.clone(),
            },
            ("group_concat" | "string_agg", _) => AggState::GroupConcat {
                buf: Vec::new(),
                any: false,
            },
            _ => {
                return Err(Error::new(
                    ResultCode::ERROR,
                    format!("no such function: {name}"),
                ))
            }
        })
    }

    fn sum(kind: SumKind) -> AggState {
        AggState::Sum(Box::new(SumCtx {
            r_sum: 0.0,
            r_err: 0.0,
            i_sum: 0,
            cnt: 0,
            approx: false,
            ovrfl: false,
            kind,
        }))
    }

    /// Feed one row; returns true when a min/max value was replaced.
    pub fn step(&mut self, args: &[Value]) -> Result<bool> {
        let a0 = args.first().map(|v| v.as_ref()).unwrap_or(ValueRef::Null);
        Ok(self.step_ref(a0, args.get(1).map(Value::as_ref)))
    }

    /// `step` on borrowed arguments: the first (NULL when there is none)
    /// and group_concat's separator (`sep`, None: the default comma).
    /// Stepping cannot fail (sum()'s overflow is reported by `finalize`).
    #[inline]
    pub fn step_ref(&mut self, a0: ValueRef<'_>, sep: Option<ValueRef<'_>>) -> bool {
        match self {
            AggState::CountStar(n) => *n += 1,
            AggState::Count(n) => {
                if !a0.is_null() {
                    *n += 1
                }
            }
            AggState::Sum(c) => c.step(a0),
            AggState::MinMax { max, cur, coll } => {
                if a0.is_null() {
                    return false;
                }
                let replace = match cur {
                    None => true,
                    Some(c) => {
                        let o = sort_compare(a0, c.as_ref(), coll);
                        if *max {
                            o == Ordering::Greater
                        } else {
                            o == Ordering::Less
                        }
                    }
                };
                if replace {
                    *cur = Some(a0.to_owned());
                }
                return replace;
            }
            AggState::GroupConcat { buf, any } => {
                if a0.is_null() {
                    return false;
                }
                if *any {
                    match sep {
                        Some(sep) => append_text(sep, buf),
                        None => buf.push(b','),
                    }
                }
                *any = true;
                append_text(a0, buf);
            }
        }
        false
    }

    pub fn finalize(&self) -> Result<Value> {
        Ok(match self {
            AggState::CountStar(n) | AggState::Count(n) => Value::Integer(*n),
            AggState::Sum(c) => c.finalize()?,
            AggState::MinMax { cur, .. } => cur.clone().unwrap_or(Value::Null),
            AggState::GroupConcat { buf, any } => {
                if *any {
                    Value::Text(buf.clone())
                } else {
                    Value::Null
                }
            }
        })
    }
}

/// An aggregate's state.
pub struct Agg {
    pub state: AggState,
}

impl Agg {
    pub fn new(name: &str, nargs: usize, coll: &Collation) -> Result<Agg> {
        Ok(Agg {
            state: AggState::new(name, nargs, coll)?,
        })
    }
    pub fn step(&mut self, args: &[Value]) -> Result<bool> {
        self.state.step(args)
    }
    /// `step` with at most one argument, borrowed (see [`AggState::step_ref`]).
    #[inline]
    pub fn step_ref(&mut self, a0: ValueRef<'_>) -> bool {
        self.state.step_ref(a0, None)
    }
    pub fn finalize(&self) -> Result<Value> {
        self.state.finalize()
    }
}
