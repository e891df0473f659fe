//! Numeric functions: abs, round, sign, random, randomblob and the math
//! functions of SQLITE_ENABLE_MATH_FUNCTIONS.

use super::{func_error, too_big, FunctionContext, MAX_LENGTH};
use crate::sqlvalue::affinity::apply_numeric_affinity_ref;
use crate::sqlvalue::numeric::{atof, value_to_f64, value_to_i64};
use crate::sqlvalue::printf::sql_printf;
use chorus_storage::{Result, Value, ValueRef};

fn arg<'a>(a: &[ValueRef<'a>], i: usize) -> ValueRef<'a> {
    a.get(i).copied().unwrap_or(ValueRef::Null)
}

pub(super) fn abs(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    match arg(a, 0) {
        ValueRef::Integer(i) => {
            if i == i64::MIN {
                return Err(func_error("integer overflow"));
            }
            Ok(Value::Integer(i.abs()))
        }
        ValueRef::Null => Ok(Value::Null),
        v => {
            let r = value_to_f64(v);
            Ok(Value::Real(if r < 0.0 { -r } else { r }))
        }
    }
}

/// `sqlite3_value_int`: the 64-bit integer value truncated to 32 bits.
pub(super) fn value_int(v: ValueRef) -> i32 {
    value_to_i64(v) as i32
}

pub(super) fn round(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let mut n = 0i32;
    if a.len() == 2 {
        if a[1].is_null() {
            return Ok(Value::Null);
        }
        n = value_int(a[1]).clamp(0, 30);
    }
    if arg(a, 0).is_null() {
        return Ok(Value::Null);
    }
    let mut r = value_to_f64(arg(a, 0));
    if !(-4503599627370496.0..=4503599627370496.0).contains(&r) {
        // No fractional part: nothing to round.
    } else if n == 0 {
        r = ((r + if r < 0.0 { -0.5 } else { 0.5 }) as i64) as f64;
    } else {
        let s = sql_printf(b"%!.*f", &[Value::Integer(n as i64), Value::Real(r)])?;
        r = atof(&s).0;
    }
    Ok(Value::Real(r))
}

pub(super) fn sign(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let v = apply_numeric_affinity_ref(arg(a, 0));
    let x = match v {
        ValueRef::Integer(i) => i as f64,
        ValueRef::Real(r) => r,
        _ => return Ok(Value::Null),
    };
    Ok(Value::Integer(if x < 0.0 {
        -1
    } else if x > 0.0 {
        1
    } else {
        0
    }))
}

pub(super) fn random(ctx: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    let mut r = ctx.next_random() as i64;
    if r < 0 {
        r = -(r & i64::MAX);
    }
    Ok(Value::Integer(r))
}

pub(super) fn randomblob(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let n = value_to_i64(arg(a, 0)).max(1);
    if n > MAX_LENGTH {
        return Err(too_big());
    }
    let mut out = Vec::with_capacity(n as usize);
    while out.len() < n as usize {
        let r = ctx.next_random().to_le_bytes();
        let k = (n as usize - out.len()).min(8);
        out.extend_from_slice(&r[..k]);
    }
    Ok(Value::Blob(out))
}

/// The argument as a number for the math functions: NULL (or text/blob that
/// is not a number) gives `None` and the function returns NULL.
fn num_arg(v: ValueRef) -> Option<f64> {
    match apply_numeric_affinity_ref(v) {
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Real(r) => Some(r),
        _ => None,
    }
}

fn math1(a: &[ValueRef], f: fn(f64) -> f64) -> Result<Value> {
    match num_arg(arg(a, 0)) {
        None => Ok(Value::Null),
        Some(x) => {
            let r = f(x);
            Ok(if r.is_nan() {
                Value::Null
            } else {
                Value::Real(r)
            })
        }
    }
}

fn math2(a: &[ValueRef], f: fn(f64, f64) -> f64) -> Result<Value> {
    match (num_arg(arg(a, 0)), num_arg(arg(a, 1))) {
        (Some(x), Some(y)) => {
            let r = f(x, y);
            Ok(if r.is_nan() {
                Value::Null
            } else {
                Value::Real(r)
            })
        }
        _ => Ok(Value::Null),
    }
}

macro_rules! m1 {
    ($name:ident, $f:expr) => {
        pub(super) fn $name(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
            math1(a, $f)
        }
    };
}

m1!(acos, f64::acos);
m1!(acosh, f64::acosh);
m1!(asin, f64::asin);
m1!(asinh, f64::asinh);
m1!(atan, f64::atan);
m1!(atanh, f64::atanh);
m1!(cos, f64::cos);
m1!(cosh, f64::cosh);
m1!(exp, f64::exp);
m1!(sin, f64::sin);
m1!(sinh, f64::sinh);
m1!(sqrt, f64::sqrt);
m1!(tan, f64::tan);
m1!(tanh, f64::tanh);
m1!(degrees, |x| x * (180.0 / std::f64::consts::PI));
m1!(radians, |x| x * (std::f64::consts::PI / 180.0));

pub(super) fn atan2(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    math2(a, f64::atan2)
}

pub(super) fn pow(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    math2(a, f64::powf)
}

pub(super) fn fmod(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    math2(a, |x, y| x % y)
}

pub(super) fn pi(_: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    Ok(Value::Real(std::f64::consts::PI))
}

/// ceil/floor/trunc: integers stay integers, reals round, others NULL.
fn ceiling_like(a: &[ValueRef], f: fn(f64) -> f64) -> Result<Value> {
    match apply_numeric_affinity_ref(arg(a, 0)) {
        ValueRef::Integer(i) => Ok(Value::Integer(i)),
        ValueRef::Real(r) => Ok(Value::Real(f(r))),
        _ => Ok(Value::Null),
    }
}

pub(super) fn ceil(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    ceiling_like(a, f64::ceil)
}

pub(super) fn floor(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    ceiling_like(a, f64::floor)
}

pub(super) fn trunc(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    ceiling_like(a, f64::trunc)
}

pub(super) fn ln(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match num_arg(arg(a, 0)) {
        Some(x) if x > 0.0 => real_or_null(x.ln()),
        _ => Value::Null,
    })
}

fn real_or_null(r: f64) -> Value {
    if r.is_nan() {
        Value::Null
    } else {
        Value::Real(r)
    }
}

pub(super) fn log10(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match num_arg(arg(a, 0)) {
        Some(x) if x > 0.0 => real_or_null(x.log10()),
        _ => Value::Null,
    })
}

pub(super) fn log2(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match num_arg(arg(a, 0)) {
        Some(x) if x > 0.0 => real_or_null(x.log2()),
        _ => Value::Null,
    })
}

/// log(X) is log10; log(B, X) is the base-B logarithm (NULL for B <= 1).
pub(super) fn log(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    if a.len() == 1 {
        return log10(ctx, a);
    }
    let b = match num_arg(arg(a, 0)) {
        Some(b) if b > 0.0 => b.ln(),
        _ => return Ok(Value::Null),
    };
    if b <= 0.0 {
        return Ok(Value::Null);
    }
    let x = value_to_f64(arg(a, 1));
    if x <= 0.0 {
        return Ok(Value::Null);
    }
    Ok(real_or_null(x.ln() / b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: fn(&mut FunctionContext, &[ValueRef]) -> Result<Value>, a: &[Value]) -> Value {
        crate::sqlvalue::functions::with_refs(a, |r| f(&mut FunctionContext::new(), r)).unwrap()
    }

    #[test]
    fn logarithms() {
        assert_eq!(call(log10, &[Value::Integer(1000)]), Value::Real(3.0));
        assert_eq!(call(log2, &[Value::Integer(1024)]), Value::Real(10.0));
        assert_eq!(call(log, &[Value::Integer(100)]), Value::Real(2.0));
        assert_eq!(
            call(log, &[Value::Integer(2), Value::Integer(8)]),
            Value::Real(3.0)
        );
        assert_eq!(call(log, &[Value::Integer(0)]), Value::Null);
        assert_eq!(call(ln, &[Value::from("abc")]), Value::Null);
        assert_eq!(call(ceil, &[Value::from("3")]), Value::Integer(3));
        assert_eq!(call(sqrt, &[Value::Integer(-1)]), Value::Null);
    }
}
