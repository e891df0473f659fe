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
    Sum {
        int: i64,
        real: f64,
        is_real: bool,
        overflow: bool,
        any: bool,
        kind: SumKind,
    },
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
        AggState::Sum {
            int: 0,
            real: 0.0,
            is_real: false,
            overflow: false,
            any: false,
            kind,
        }
    }

    /// Feed one row; returns true when a min/max value was replaced.
    pub fn step(&mut self, args: &[Value]) -> Result<bool> {
        let a0 = args.first().map(|v| v.as_ref()).unwrap_or(ValueRef::Null);
        match self {
            AggState::CountStar(n) => *n += 1,
            AggState::Count(n) => {
                if !a0.is_null() {
                    *n += 1
                }
            }
            AggState::Sum {
                int,
                real,
                is_real,
                overflow,
                any,
                ..
            } => match a0 {
                ValueRef::Null => {}
                ValueRef::Integer(i) => {
                    *any = true;
                    *real += i as f64;
                    if !*is_real && !*overflow {
                        match int.checked_add(i) {
                            Some(s) => *int = s,
                            None => *overflow = true,
                        }
                    }
                }
                other => {
                    *any = true;
                    *is_real = true;
                    *real += value_to_f64(other);
                }
            },
            AggState::MinMax { max, cur, coll } => {
                if a0.is_null() {
                    return Ok(false);
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
                return Ok(replace);
            }
            AggState::GroupConcat { buf, any } => {
                if a0.is_null() {
                    return Ok(false);
                }
                if *any {
                    match args.get(1) {
                        Some(sep) => append_text(sep.as_ref(), buf),
                        None => buf.push(b','),
                    }
                }
                *any = true;
                append_text(a0, buf);
            }
        }
        Ok(false)
    }

    pub fn finalize(&self) -> Result<Value> {
        Ok(match self {
            AggState::CountStar(n) | AggState::Count(n) => Value::Integer(*n),
            AggState::Sum {
                int,
                real,
                is_real,
                overflow,
                any,
                kind,
            } => match kind {
                SumKind::Sum => {
                    if !*any {
                        Value::Null
                    } else if *is_real {
                        Value::Real(*real)
                    } else if *overflow {
                        return Err(Error::new(ResultCode::ERROR, "integer overflow"));
                    } else {
                        Value::Integer(*int)
                    }
                }
                SumKind::Total => Value::Real(if *is_real || *overflow {
                    *real
                } else {
                    *int as f64
                }),
                SumKind::Avg => {
                    // avg needs the count: kept in `real`/`int` pair below.
                    Value::Null
                }
            },
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

/// An aggregate with its row count (avg needs it).
pub struct Agg {
    pub state: AggState,
    pub count: i64,
}

impl Agg {
    pub fn new(name: &str, nargs: usize, coll: &Collation) -> Result<Agg> {
        Ok(Agg {
            state: AggState::new(name, nargs, coll)?,
            count: 0,
        })
    }
    pub fn step(&mut self, args: &[Value]) -> Result<bool> {
        if args.first().is_some_and(|a| !a.is_null()) {
            self.count += 1;
        }
        self.state.step(args)
    }
    pub fn finalize(&self) -> Result<Value> {
        if let AggState::Sum {
            int,
            real,
            is_real,
            overflow,
            kind: SumKind::Avg,
            ..
        } = &self.state
        {
            if self.count == 0 {
                return Ok(Value::Null);
            }
            let total = if *is_real || *overflow {
                *real
            } else {
                *int as f64
            };
            return Ok(Value::Real(total / self.count as f64));
        }
        self.state.finalize()
    }
}
