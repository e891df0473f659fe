//! SQLite's text → number rules (`sqlite3AtoF`, `sqlite3Atoi64`) and the
//! numeric views of a value used by arithmetic, CAST and affinity.

use super::longdouble::{consts, F80};
use chorus_storage::{Value, ValueRef};

/// `sqlite3Isspace`: space, \t, \n, \v, \f, \r.
#[inline]
pub fn is_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// Classification returned by [`atof`], as `sqlite3AtoF` returns it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AtofKind {
    /// Not a number, and no prefix with a '.' or exponent (`0`).
    NotNumber,
    /// Not a number, but a prefix with a '.' or exponent is (`-1`).
    RealPrefix,
    /// The whole text (modulo spaces) is an integer (`1`).
    PureInteger,
    /// The whole text is a number with '.' and/or an exponent (`2`, `3`).
    Real,
}

/// `sqlite3AtoF`: parse the longest numeric prefix to a double, reproducing
/// SQLite's x86-64 (long double) arithmetic bit for bit.
pub fn atof(z: &[u8]) -> (f64, AtofKind) {
    let n = z.len();
    let mut i = 0;
    let mut sign_neg = false;
    let mut s: u64 = 0;
    let mut d: i64 = 0;
    let mut esign: i64 = 1;
    let mut e: i64 = 0;
    let mut e_valid = true;
    let mut n_digit = 0usize;
    let mut e_type = 1;
    if n == 0 {
        return (0.0, AtofKind::NotNumber);
    }
    while i < n && is_space(z[i]) {
        i += 1;
    }
    if i >= n {
        return (0.0, AtofKind::NotNumber);
    }
    if z[i] == b'-' {
        sign_neg = true;
        i += 1;
    } else if z[i] == b'+' {
        i += 1;
    }
    const LIM: u64 = (u64::MAX - 9) / 10;
    'parse: {
        while i < n && z[i].is_ascii_digit() {
            s = s * 10 + (z[i] - b'0') as u64;
            i += 1;
            n_digit += 1;
            if s >= LIM {
                while i < n && z[i].is_ascii_digit() {
                    i += 1;
                    d += 1;
                }
            }
        }
        if i >= n {
            break 'parse;
        }
        if z[i] == b'.' {
            i += 1;
            e_type += 1;
            while i < n && z[i].is_ascii_digit() {
                if s < LIM {
                    s = s * 10 + (z[i] - b'0') as u64;
                    d -= 1;
                    n_digit += 1;
                }
                i += 1;
            }
        }
        if i >= n {
            break 'parse;
        }
        if z[i] == b'e' || z[i] == b'E' {
            i += 1;
            e_valid = false;
            e_type += 1;
            if i >= n {
                break 'parse;
            }
            if z[i] == b'-' {
                esign = -1;
                i += 1;
            } else if z[i] == b'+' {
                i += 1;
            }
            while i < n && z[i].is_ascii_digit() {
                e = if e < 10000 {
                    e * 10 + (z[i] - b'0') as i64
                } else {
                    10000
                };
                i += 1;
                e_valid = true;
            }
        }
        while i < n && is_space(z[i]) {
            i += 1;
        }
    }
    let value = if s == 0 {
        0.0
    } else {
        scale_to_f64(s, e * esign + d)
    };
    let value = if sign_neg { -value } else { value };
    let kind = if i == n && n_digit > 0 && e_valid && e_type > 0 {
        if e_type == 1 {
            AtofKind::PureInteger
        } else {
            AtofKind::Real
        }
    } else if e_type >= 2 && (e_type == 3 || e_valid) && n_digit > 0 {
        AtofKind::RealPrefix
    } else {
        AtofKind::NotNumber
    };
    (value, kind)
}

/// `s * 10^e` exactly as SQLite's long-double path computes it.
fn scale_to_f64(mut s: u64, mut e: i64) -> f64 {
    while e > 0 && s < u64::MAX / 10 {
        s *= 10;
        e -= 1;
    }
    while e < 0 && s.is_multiple_of(10) {
        s /= 10;
        e += 1;
    }
    if e == 0 {
        return s as f64;
    }
    // Far outside the double range: the long double result is infinite or
    // rounds to zero either way (x87 has a 15-bit exponent; 10^±5000 is
    // already beyond anything that can round into a double).
    if e > 5000 {
        return f64::INFINITY;
    }
    if e < -5000 {
        return 0.0;
    }
    let c = consts();
    let mut r = F80::from_u64(s);
    if e > 0 {
        while e >= 100 {
            e -= 100;
            r = r.mul(c.p100);
        }
        while e >= 10 {
            e -= 10;
            r = r.mul(c.p10);
        }
        while e >= 1 {
            e -= 1;
            r = r.mul(c.p1);
        }
    } else {
        while e <= -100 {
            e += 100;
            r = r.mul(c.m100);
        }
        while e <= -10 {
            e += 10;
            r = r.mul(c.m10);
        }
        while e <= -1 {
            e += 1;
            r = r.mul(c.m1);
        }
    }
    if c.dbl_max.lt(r) {
        f64::INFINITY
    } else {
        r.to_f64()
    }
}

/// Result of [`atoi64`], as `sqlite3Atoi64` returns it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AtoiKind {
    /// `-1`: no digits at all.
    NoDigits,
    /// `0`: the text is an integer that fits.
    Ok,
    /// `1`: a fitting integer followed by non-space text.
    Trailing,
    /// `2`: too large (value saturated).
    Overflow,
    /// `3`: exactly 9223372036854775808 (value saturated to i64::MAX).
    Pow63,
}

/// `sqlite3Atoi64`: decimal text to a 64-bit integer (longest prefix,
/// saturating).
pub fn atoi64(z: &[u8]) -> (i64, AtoiKind) {
    let n = z.len();
    let mut i = 0;
    let mut neg = false;
    while i < n && is_space(z[i]) {
        i += 1;
    }
    if i < n {
        if z[i] == b'-' {
            neg = true;
            i += 1;
        } else if z[i] == b'+' {
            i += 1;
        }
    }
    let start = i;
    while i < n && z[i] == b'0' {
        i += 1;
    }
    let digits_start = i;
    let mut u: u64 = 0;
    while i < n && z[i].is_ascii_digit() {
        u = u.wrapping_mul(10).wrapping_add((z[i] - b'0') as u64);
        i += 1;
    }
    let nd = i - digits_start;
    let mut value = if u > i64::MAX as u64 {
        if neg {
            i64::MIN
        } else {
            i64::MAX
        }
    } else if neg {
        -(u as i64)
    } else {
        u as i64
    };
    let mut rc = AtoiKind::Ok;
    if nd == 0 && start == digits_start {
        rc = AtoiKind::NoDigits;
    } else if i < n && z[i..].iter().any(|&c| !is_space(c)) {
        rc = AtoiKind::Trailing;
    }
    if nd < 19 {
        return (value, rc);
    }
    let c = if nd > 19 {
        1
    } else {
        z[digits_start..digits_start + 19].cmp(b"9223372036854775808") as i32
    };
    if c < 0 {
        return (value, rc);
    }
    value = if neg { i64::MIN } else { i64::MAX };
    if c > 0 {
        (value, AtoiKind::Overflow)
    } else if neg {
        (value, rc)
    } else {
        (value, AtoiKind::Pow63)
    }
}

/// `sqlite3RealToI64`.
#[inline]
pub fn real_to_i64(r: f64) -> i64 {
    if r < -9223372036854774784.0 {
        i64::MIN
    } else if r > 9223372036854774784.0 {
        i64::MAX
    } else {
        r as i64
    }
}

/// `sqlite3RealSameAsInt`.
#[inline]
pub fn real_same_as_int(r: f64, i: i64) -> bool {
    r == 0.0
        || (r.to_bits() == (i as f64).to_bits()
            && (-2251799813685248..2251799813685248).contains(&i))
}

/// A number produced from a value: no allocation.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Num {
    Int(i64),
    Real(f64),
}

impl Num {
    pub fn to_value(self) -> Value {
        match self {
            Num::Int(i) => Value::Integer(i),
            Num::Real(r) => Value::Real(r),
        }
    }
}

/// SQLite's `applyNumericAffinity`: the number the *whole* text denotes
/// (surrounding spaces allowed), or `None` when it is not a well-formed number.
/// With `try_for_int`, integral reals such as `'48.00'` become integers.
pub fn text_to_num(t: &[u8], try_for_int: bool) -> Option<Num> {
    let (r, kind) = atof(t);
    match kind {
        AtofKind::NotNumber | AtofKind::RealPrefix => None,
        AtofKind::PureInteger => {
            let i = real_to_i64(r);
            if real_same_as_int(r, i) {
                return Some(Num::Int(i));
            }
            match atoi64(t) {
                (i, AtoiKind::Ok) => Some(Num::Int(i)),
                _ => Some(real_num(r, try_for_int)),
            }
        }
        AtofKind::Real => Some(real_num(r, try_for_int)),
    }
}

fn real_num(r: f64, try_for_int: bool) -> Num {
    if try_for_int {
        let ix = real_to_i64(r);
        if r == ix as f64 && ix > i64::MIN && ix < i64::MAX {
            return Num::Int(ix);
        }
    }
    Num::Real(r)
}

/// Numeric affinity applied to text: integer or real if the whole text is a
/// well-formed number (used when storing into NUMERIC/INTEGER columns).
pub fn text_to_numeric(t: &[u8]) -> Option<Value> {
    text_to_num(t, true).map(Num::to_value)
}

/// `sqlite3VdbeRealValue`: NULL → 0.0, text/blob → longest numeric prefix.
#[inline]
pub fn value_to_f64(v: ValueRef) -> f64 {
    match v {
        ValueRef::Null => 0.0,
        ValueRef::Integer(i) => i as f64,
        ValueRef::Real(r) => r,
        ValueRef::Text(t) | ValueRef::Blob(t) => atof(t).0,
    }
}

/// `sqlite3VdbeIntValue` (also CAST AS INTEGER): reals truncate and
/// saturate, text/blob use the longest integer prefix (saturating).
#[inline]
pub fn value_to_i64(v: ValueRef) -> i64 {
    match v {
        ValueRef::Null => 0,
        ValueRef::Integer(i) => i,
        ValueRef::Real(r) => real_to_i64(r),
        ValueRef::Text(t) | ValueRef::Blob(t) => atoi64(t).0,
    }
}

/// The numeric type SQLite gives a text/blob operand of arithmetic
/// (`computeNumericType`): an integer when the text's number is an integer
/// that fits, else a real (longest prefix).
pub fn bytes_to_num(t: &[u8]) -> Num {
    let (r, kind) = atof(t);
    match kind {
        AtofKind::NotNumber | AtofKind::RealPrefix => {
            if kind == AtofKind::NotNumber {
                let (i, k) = atoi64(t);
                if matches!(k, AtoiKind::NoDigits | AtoiKind::Ok | AtoiKind::Trailing) {
                    return Num::Int(i);
                }
            }
            Num::Real(r)
        }
        AtofKind::PureInteger => match atoi64(t) {
            (i, AtoiKind::Ok) => Num::Int(i),
            _ => Num::Real(r),
        },
        AtofKind::Real => Num::Real(r),
    }
}

/// The operand of arithmetic as a number (`numericType`); `None` for NULL.
#[inline]
pub fn value_to_num(v: ValueRef) -> Option<Num> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(Num::Int(i)),
        ValueRef::Real(r) => Some(Num::Real(r)),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(bytes_to_num(t)),
    }
}

/// For arithmetic: integer if the value's number is an integer that fits,
/// else real; NULL stays NULL.
pub fn value_to_numeric(v: ValueRef) -> Value {
    match value_to_num(v) {
        None => Value::Null,
        Some(n) => n.to_value(),
    }
}

/// `sqlite3VdbeMemNumerify` (CAST AS NUMERIC): forced conversion of text or
/// blob to an integer or real.
pub fn numerify_bytes(t: &[u8]) -> Num {
    let (r, kind) = atof(t);
    if matches!(kind, AtofKind::NotNumber | AtofKind::PureInteger) {
        let (ix, k) = atoi64(t);
        if matches!(k, AtoiKind::NoDigits | AtoiKind::Ok | AtoiKind::Trailing) {
            return Num::Int(ix);
        }
    }
    let ix = real_to_i64(r);
    if real_same_as_int(r, ix) {
        Num::Int(ix)
    } else {
        Num::Real(r)
    }
}

/// Truth value as in WHERE / CASE / NOT: NULL → None, numbers ≠ 0, text and
/// blobs by their numeric prefix.
#[inline]
pub fn is_true(v: ValueRef) -> Option<bool> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i != 0),
        ValueRef::Real(r) => Some(r != 0.0),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(atof(t).0 != 0.0),
    }
}

/// The value of a numeric literal token of SQL text (`codeInteger` /
/// `codeReal`), optionally under a unary minus (`negate`), so that
/// `-9223372036854775808` is an INTEGER. Accepts 3.46's `_` digit
/// separators and hex integers (`0x…`, reinterpreted as two's complement).
/// Integers too large for i64 become REAL; an oversized hex literal is an
/// error, as is a misplaced `_`.
pub fn numeric_literal(token: &str, negate: bool) -> chorus_storage::Result<Value> {
    use chorus_storage::{Error, ResultCode};
    let z = token.as_bytes();
    let is_hex = z.len() >= 2 && z[0] == b'0' && (z[1] == b'x' || z[1] == b'X');
    let mut clean: Vec<u8> = Vec::with_capacity(z.len());
    let mut is_float = false;
    for (i, &c) in z.iter().enumerate() {
        if c == b'_' {
            let ok = |b: Option<&u8>| {
                b.is_some_and(|b| {
                    if is_hex {
                        b.is_ascii_hexdigit()
                    } else {
                        b.is_ascii_digit()
                    }
                })
            };
            if i == 0 || !ok(z.get(i - 1)) || !ok(z.get(i + 1)) {
                return Err(Error::new(
                    ResultCode::ERROR,
                    format!("unrecognized token: \"{token}\""),
                ));
            }
            continue;
        }
        if !is_hex && (c == b'e' || c == b'E' || c == b'.') {
            is_float = true;
        }
        clean.push(c);
    }
    if is_float {
        let r = atof(&clean).0;
        return Ok(Value::Real(if negate { -r } else { r }));
    }
    // sqlite3DecOrHexToI64
    let (value, rc) = if is_hex {
        let mut i = 2;
        while clean.get(i) == Some(&b'0') {
            i += 1;
        }
        let mut u: u64 = 0;
        let mut k = i;
        while let Some(d) = clean.get(k).and_then(|c| (*c as char).to_digit(16)) {
            u = u.wrapping_mul(16).wrapping_add(d as u64);
            k += 1;
        }
        let rc = if k - i > 16 {
            AtoiKind::Overflow
        } else if k < clean.len() {
            AtoiKind::Trailing
        } else {
            AtoiKind::Ok
        };
        (u as i64, rc)
    } else {
        atoi64(&clean)
    };
    if rc == AtoiKind::Pow63 && !negate || rc == AtoiKind::Overflow || (negate && value == i64::MIN)
    {
        if is_hex {
            let sign = if negate { "-" } else { "" };
            return Err(Error::new(
                ResultCode::ERROR,
                format!("hex literal too big: {sign}{token}"),
            ));
        }
        let r = atof(&clean).0;
        return Ok(Value::Real(if negate { -r } else { r }));
    }
    let v = if negate {
        if rc == AtoiKind::Pow63 {
            i64::MIN
        } else {
            -value
        }
    } else {
        value
    };
    Ok(Value::Integer(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atof_kinds() {
        assert_eq!(atof(b" 12 "), (12.0, AtofKind::PureInteger));
        assert_eq!(atof(b"1.5"), (1.5, AtofKind::Real));
        assert_eq!(atof(b"1e"), (1.0, AtofKind::NotNumber));
        assert_eq!(atof(b"1.5x"), (1.5, AtofKind::RealPrefix));
        assert_eq!(atof(b"12x"), (12.0, AtofKind::NotNumber));
        assert_eq!(atof(b"."), (0.0, AtofKind::NotNumber));
        assert_eq!(atof(b""), (0.0, AtofKind::NotNumber));
    }

    #[test]
    fn atoi_edges() {
        assert_eq!(atoi64(b"9223372036854775807"), (i64::MAX, AtoiKind::Ok));
        assert_eq!(atoi64(b"9223372036854775808"), (i64::MAX, AtoiKind::Pow63));
        assert_eq!(atoi64(b"-9223372036854775808"), (i64::MIN, AtoiKind::Ok));
        assert_eq!(
            atoi64(b"99999999999999999999"),
            (i64::MAX, AtoiKind::Overflow)
        );
        assert_eq!(atoi64(b" 12abc"), (12, AtoiKind::Trailing));
        assert_eq!(atoi64(b"abc"), (0, AtoiKind::NoDigits));
    }
}
