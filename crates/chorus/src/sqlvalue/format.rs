//! Numbers → text exactly as SQLite renders them: integers in decimal, REALs
//! with `%!.15g` (15 significant digits, always a '.' or exponent, "Inf").
//! Digit generation replays `sqlite3FpDecode`'s long double arithmetic.

use super::longdouble::{consts, F80};
use chorus_storage::ValueRef;
use std::borrow::Cow;

/// Decimal digits of a double (`FpDecode`): `digits[..n]` are the
/// significant digits, the decimal point sits after `idp` digits.
#[derive(Clone, Copy, Debug)]
pub struct FpDecode {
    pub negative: bool,
    /// 0: finite, 1: infinity, 2: NaN.
    pub special: u8,
    buf: [u8; 26],
    start: usize,
    pub n: usize,
    pub idp: i32,
}

impl FpDecode {
    /// The significant digits (ASCII).
    pub fn digits(&self) -> &[u8] {
        &self.buf[self.start..self.start + self.n]
    }

    /// `sqlite3FpDecode(p, r, iRound, mxRound)`.
    pub fn new(r: f64, i_round: i32, mx_round: i32) -> FpDecode {
        let mut p = FpDecode {
            negative: false,
            special: 0,
            buf: [b'0'; 26],
            start: 0,
            n: 0,
            idp: 0,
        };
        let mut r = r;
        if r < 0.0 {
            p.negative = true;
            r = -r;
        } else if r == 0.0 {
            p.n = 1;
            p.idp = 1;
            p.start = 0;
            return p;
        }
        if r.is_nan() {
            p.special = 2;
            return p;
        }
        if r.is_infinite() {
            p.special = 1;
            return p;
        }
        let c = consts();
        let mut rr = F80::from_f64(r);
        let mut exp: i32 = 0;
        if r >= 1.0e19 {
            while rr.ge(c.p119) {
                exp += 100;
                rr = rr.mul(c.m100);
            }
            while rr.ge(c.p29) {
                exp += 10;
                rr = rr.mul(c.m10);
            }
            while rr.ge(c.p19) {
                exp += 1;
                rr = rr.mul(c.m1);
            }
        } else {
            while rr.lt(c.m97) {
                exp -= 100;
                rr = rr.mul(c.p100);
            }
            while rr.lt(c.p7) {
                exp -= 10;
                rr = rr.mul(c.p10);
            }
            while rr.lt(c.p17) {
                exp -= 1;
                rr = rr.mul(c.p1);
            }
        }
        let mut v = rr.to_u64_trunc();
        // Digits are written right-aligned into buf; index i is the next free
        // slot to the left.
        let mut i: isize = 25;
        while v != 0 {
            p.buf[i as usize] = (v % 10) as u8 + b'0';
            v /= 10;
            i -= 1;
        }
        p.n = (25 - i) as usize;
        p.idp = p.n as i32 + exp;
        let mut i_round = i_round;
        if i_round <= 0 {
            i_round = p.idp - i_round;
            if i_round == 0 && p.buf[(i + 1) as usize] >= b'5' {
                i_round = 1;
                p.buf[i as usize] = b'0';
                i -= 1;
                p.n += 1;
                p.idp += 1;
            }
        }
        if i_round > 0 && ((i_round as usize) < p.n || p.n as i32 > mx_round) {
            let z0 = (i + 1) as usize;
            if i_round > mx_round {
                i_round = mx_round;
            }
            let ir = i_round as usize;
            p.n = ir;
            if p.buf[z0 + ir] >= b'5' {
                let mut j = ir - 1;
                loop {
                    p.buf[z0 + j] += 1;
                    if p.buf[z0 + j] <= b'9' {
                        break;
                    }
                    p.buf[z0 + j] = b'0';
                    if j == 0 {
                        p.buf[i as usize] = b'1';
                        i -= 1;
                        p.n += 1;
                        p.idp += 1;
                        break;
                    }
                    j -= 1;
                }
            }
        }
        p.start = (i + 1) as usize;
        while p.n > 0 && p.buf[p.start + p.n - 1] == b'0' {
            p.n -= 1;
        }
        p
    }
}

/// Where formatted bytes go: a `Vec<u8>` or a [`StackText`].
pub trait ByteSink {
    fn put(&mut self, b: u8);
    fn put_slice(&mut self, s: &[u8]);
}

impl ByteSink for Vec<u8> {
    #[inline]
    fn put(&mut self, b: u8) {
        self.push(b);
    }
    #[inline]
    fn put_slice(&mut self, s: &[u8]) {
        self.extend_from_slice(s);
    }
}

/// The text of a number in a fixed stack buffer (no heap allocation); any
/// integer or `%!.15g` REAL fits in 32 bytes.
#[derive(Clone, Copy, Default)]
pub struct StackText {
    buf: [u8; 32],
    len: usize,
}

impl StackText {
    /// The text of an INTEGER or REAL; `None` for other classes.
    pub fn of_number(v: ValueRef) -> Option<StackText> {
        let mut t = StackText::default();
        match v {
            ValueRef::Integer(i) => format_int(i, &mut t),
            ValueRef::Real(r) => format_real(r, &mut t),
            _ => return None,
        }
        Some(t)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl ByteSink for StackText {
    #[inline]
    fn put(&mut self, b: u8) {
        if self.len < self.buf.len() {
            self.buf[self.len] = b;
            self.len += 1;
        }
    }
    #[inline]
    fn put_slice(&mut self, s: &[u8]) {
        for &b in s {
            self.put(b);
        }
    }
}

/// Append the decimal form of an integer (`sqlite3Int64ToText`).
#[inline]
pub fn format_int<S: ByteSink + ?Sized>(v: i64, out: &mut S) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut x = v.unsigned_abs();
    loop {
        i -= 1;
        tmp[i] = (x % 10) as u8 + b'0';
        x /= 10;
        if x == 0 {
            break;
        }
    }
    if v < 0 {
        out.put(b'-');
    }
    out.put_slice(&tmp[i..]);
}

/// Append a REAL as SQLite converts it to text (`%!.15g`): `1.0`, `0.1`,
/// `1.0e+20`, `1.0e-05`, `-0.0` → `0.0`, `Inf`, `-Inf`.
pub fn format_real<S: ByteSink + ?Sized>(r: f64, out: &mut S) {
    let p = FpDecode::new(r, 15, 26);
    if p.special == 2 {
        out.put_slice(b"NaN");
        return;
    }
    if p.special == 1 {
        out.put_slice(if p.negative { b"-Inf" } else { b"Inf" });
        return;
    }
    if p.negative {
        out.put(b'-');
    }
    let digits = p.digits();
    let exp = p.idp - 1;
    if !(-4..=14).contains(&exp) {
        // d.ddde±XX
        out.put(digits[0]);
        out.put(b'.');
        if digits.len() > 1 {
            out.put_slice(&digits[1..]);
        } else {
            out.put(b'0');
        }
        out.put(b'e');
        let (sign, mut x) = if exp < 0 { (b'-', -exp) } else { (b'+', exp) };
        out.put(sign);
        if x >= 100 {
            out.put((x / 100) as u8 + b'0');
            x %= 100;
        }
        out.put((x / 10) as u8 + b'0');
        out.put((x % 10) as u8 + b'0');
    } else if p.idp <= 0 {
        out.put_slice(b"0.");
        for _ in 0..(-p.idp) {
            out.put(b'0');
        }
        out.put_slice(digits);
    } else {
        let idp = p.idp as usize;
        if digits.len() <= idp {
            out.put_slice(digits);
            for _ in digits.len()..idp {
                out.put(b'0');
            }
            out.put_slice(b".0");
        } else {
            out.put_slice(&digits[..idp]);
            out.put(b'.');
            out.put_slice(&digits[idp..]);
        }
    }
}

/// A REAL rendered as a `String` (convenience).
pub fn real_to_string(r: f64) -> String {
    let mut v = Vec::with_capacity(24);
    format_real(r, &mut v);
    String::from_utf8(v).unwrap_or_default()
}

/// The text form of a value (`sqlite3_value_text`): NULL → empty, numbers
/// rendered, text as is, blobs reinterpreted as text.
pub fn value_to_text<'a>(v: ValueRef<'a>) -> Cow<'a, [u8]> {
    match v {
        ValueRef::Null => Cow::Borrowed(b""),
        ValueRef::Integer(i) => {
            let mut out = Vec::with_capacity(20);
            format_int(i, &mut out);
            Cow::Owned(out)
        }
        ValueRef::Real(r) => {
            let mut out = Vec::with_capacity(24);
            format_real(r, &mut out);
            Cow::Owned(out)
        }
        ValueRef::Text(t) | ValueRef::Blob(t) => Cow::Borrowed(t),
    }
}

/// Append the text form of a value to `out` (no intermediate allocation).
pub fn append_text(v: ValueRef, out: &mut Vec<u8>) {
    match v {
        ValueRef::Null => {}
        ValueRef::Integer(i) => format_int(i, out),
        ValueRef::Real(r) => format_real(r, out),
        ValueRef::Text(t) | ValueRef::Blob(t) => out.extend_from_slice(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_reals() {
        for (r, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e20, "1.0e+20"),
            (1e-5, "1.0e-05"),
            (-0.0, "0.0"),
            (f64::INFINITY, "Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (100.0, "100.0"),
            (123456789012345.0, "123456789012345.0"),
            (1e15, "1.0e+15"),
            (0.0001, "0.0001"),
            (1.5e300, "1.5e+300"),
        ] {
            assert_eq!(real_to_string(r), s, "{r:e}");
        }
    }
}
