//! SQL arithmetic, bitwise and concatenation operators with SQLite's rules:
//! NULL propagates; integer operations that overflow fall back to REAL;
//! division or remainder by zero yields NULL; text and blob operands are
//! converted with [`super::numeric::value_to_num`]; a NaN result is NULL.
//! Integer and real paths allocate nothing.

use super::format::append_text;
use super::numeric::{value_to_f64, value_to_i64, value_to_num, Num};
use chorus_storage::{Value, ValueRef};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[inline]
fn real_result(r: f64) -> Value {
    if r.is_nan() {
        Value::Null
    } else {
        Value::Real(r)
    }
}

#[inline(always)]
fn int_op(op: Op, a: i64, b: i64) -> Option<Value> {
    match op {
        Op::Add => a.checked_add(b).map(Value::Integer),
        Op::Sub => a.checked_sub(b).map(Value::Integer),
        Op::Mul => a.checked_mul(b).map(Value::Integer),
        Op::Div => {
            if b == 0 {
                Some(Value::Null)
            } else if b == -1 && a == i64::MIN {
                None
            } else {
                Some(Value::Integer(a / b))
            }
        }
        Op::Rem => {
            if b == 0 {
                Some(Value::Null)
            } else {
                let b = if b == -1 { 1 } else { b };
                Some(Value::Integer(a % b))
            }
        }
    }
}

#[inline]
fn real_op(op: Op, x: f64, y: f64) -> Option<Value> {
    Some(match op {
        Op::Add => real_result(x + y),
        Op::Sub => real_result(x - y),
        Op::Mul => real_result(x * y),
        Op::Div => {
            if y == 0.0 {
                Value::Null
            } else {
                real_result(x / y)
            }
        }
        Op::Rem => return None,
    })
}

#[inline(always)]
fn binary(op: Op, a: ValueRef, b: ValueRef) -> Value {
    match (a, b) {
        (ValueRef::Integer(x), ValueRef::Integer(y)) => {
            if let Some(v) = int_op(op, x, y) {
                return v;
            }
            return fp_op(op, a, b);
        }
        (ValueRef::Real(x), ValueRef::Real(y)) => {
            if let Some(v) = real_op(op, x, y) {
                return v;
            }
        }
        (ValueRef::Integer(x), ValueRef::Real(y)) => {
            if let Some(v) = real_op(op, x as f64, y) {
                return v;
            }
        }
        (ValueRef::Real(x), ValueRef::Integer(y)) => {
            if let Some(v) = real_op(op, x, y as f64) {
                return v;
            }
        }
        _ => {}
    }
    binary_slow(op, a, b)
}

fn binary_slow(op: Op, a: ValueRef, b: ValueRef) -> Value {
    let (na, nb) = match (value_to_num(a), value_to_num(b)) {
        (Some(x), Some(y)) => (x, y),
        _ => return Value::Null,
    };
    if let (Num::Int(x), Num::Int(y)) = (na, nb) {
        if let Some(v) = int_op(op, x, y) {
            return v;
        }
    }
    fp_op(op, a, b)
}

fn fp_op(op: Op, a: ValueRef, b: ValueRef) -> Value {
    let ra = value_to_f64(a);
    let rb = value_to_f64(b);
    match op {
        Op::Add => real_result(ra + rb),
        Op::Sub => real_result(ra - rb),
        Op::Mul => real_result(ra * rb),
        Op::Div => {
            if rb == 0.0 {
                Value::Null
            } else {
                real_result(ra / rb)
            }
        }
        Op::Rem => {
            let ia = value_to_i64(a);
            let ib = value_to_i64(b);
            if ib == 0 {
                return Value::Null;
            }
            let ib = if ib == -1 { 1 } else { ib };
            real_result((ia % ib) as f64)
        }
    }
}

/// `a + b`.
#[inline]
pub fn add(a: ValueRef, b: ValueRef) -> Value {
    binary(Op::Add, a, b)
}
/// `a - b`.
#[inline]
pub fn sub(a: ValueRef, b: ValueRef) -> Value {
    binary(Op::Sub, a, b)
}
/// `a * b`.
#[inline]
pub fn mul(a: ValueRef, b: ValueRef) -> Value {
    binary(Op::Mul, a, b)
}
/// `a / b` (integer division when both are integers; NULL on zero divisor).
#[inline]
pub fn div(a: ValueRef, b: ValueRef) -> Value {
    binary(Op::Div, a, b)
}
/// `a % b` (integer remainder; REAL result when either operand is real).
#[inline]
pub fn rem(a: ValueRef, b: ValueRef) -> Value {
    binary(Op::Rem, a, b)
}

/// `a & b`.
pub fn bit_and(a: ValueRef, b: ValueRef) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    Value::Integer(value_to_i64(a) & value_to_i64(b))
}

/// `a | b`.
pub fn bit_or(a: ValueRef, b: ValueRef) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    Value::Integer(value_to_i64(a) | value_to_i64(b))
}

fn shift(a: ValueRef, b: ValueRef, mut left: bool) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    let v = value_to_i64(a);
    let mut n = value_to_i64(b);
    if n == 0 {
        return Value::Integer(v);
    }
    if n < 0 {
        left = !left;
        n = if n > -64 { -n } else { 64 };
    }
    if n >= 64 {
        return Value::Integer(if v >= 0 || left { 0 } else { -1 });
    }
    if left {
        Value::Integer(((v as u64) << n) as i64)
    } else {
        Value::Integer(v >> n)
    }
}

/// `a << b` (negative counts shift the other way; ≥ 64 gives 0 or -1).
pub fn shl(a: ValueRef, b: ValueRef) -> Value {
    shift(a, b, true)
}

/// `a >> b` (arithmetic shift).
pub fn shr(a: ValueRef, b: ValueRef) -> Value {
    shift(a, b, false)
}

/// `~a`: NULL stays NULL, reals and text convert to integer first.
pub fn bit_not(a: ValueRef) -> Value {
    match a {
        ValueRef::Null => Value::Null,
        _ => Value::Integer(!value_to_i64(a)),
    }
}

/// Unary `-a`, compiled by SQLite as `0 - a`: integers negate (i64::MIN
/// becomes REAL), text and blobs convert numerically, `-(0.0)` is `0.0`.
pub fn negate(a: ValueRef) -> Value {
    sub(ValueRef::Integer(0), a)
}

/// Unary `+a`: the operand unchanged.
pub fn unary_plus(a: ValueRef) -> Value {
    a.to_owned()
}

/// `a || b`: text concatenation, NULL if either operand is NULL.
pub fn concat(a: ValueRef, b: ValueRef) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    let mut out = Vec::new();
    append_text(a, &mut out);
    append_text(b, &mut out);
    Value::Text(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ValueRef::*;

    #[test]
    fn overflow_to_real() {
        assert_eq!(
            add(Integer(i64::MAX), Integer(1)),
            Value::Real(9.223_372_036_854_776e18)
        );
        assert_eq!(
            div(Integer(i64::MIN), Integer(-1)),
            Value::Real(9.223_372_036_854_776e18)
        );
        assert_eq!(rem(Integer(i64::MIN), Integer(-1)), Value::Integer(0));
        assert_eq!(div(Integer(1), Integer(0)), Value::Null);
        assert_eq!(add(Text(b"3"), Text(b"4")), Value::Integer(7));
        assert_eq!(add(Text(b"3.0"), Integer(4)), Value::Real(7.0));
    }
}
