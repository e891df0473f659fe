//! SQLite's `%!.Ng` rendering of REAL values, digit for digit.
//!
//! SQLite 3.40's printf (used by `sqlite3_column_text` for REALs with `%!.15g`
//! and by the shell's quote/insert/json modes with `%!.20g`) generates digits
//! with x87 80-bit `long double` arithmetic: it scales the value into
//! [1, 10) with powers of ten, adds a rounding constant, and peels off one
//! digit at a time, keeping at most 26 significant digits. Beyond the 17th
//! digit those digits differ from the exact decimal expansion, so to match
//! the `sqlite3` shell byte for byte this module reproduces that algorithm on
//! a small software model of the 80-bit format (64-bit mantissa, round to
//! nearest even).

use std::cmp::Ordering;

/// A finite long double: `mant * 2^exp`, `mant` normalised (bit 63 set) or 0.
#[derive(Clone, Copy, Debug)]
struct F80 {
    neg: bool,
    exp: i32,
    mant: u64,
}

impl F80 {
    const ZERO: F80 = F80 {
        neg: false,
        exp: 0,
        mant: 0,
    };

    fn from_f64(x: f64) -> F80 {
        let bits = x.to_bits();
        let neg = bits >> 63 != 0;
        let e = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, ex) = if e == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), e - 1075)
        };
        F80::normalize(neg, ex, m as u128, false)
    }

    fn from_int(i: u64) -> F80 {
        F80::normalize(false, 0, i as u128, false)
    }

    fn is_zero(&self) -> bool {
        self.mant == 0
    }

    /// Round `m * 2^exp` (plus a sticky bit below it) to 64 bits.
    fn normalize(neg: bool, exp: i32, m: u128, sticky: bool) -> F80 {
        if m == 0 {
            return F80 {
                neg,
                exp: 0,
                mant: 0,
            };
        }
        let top = 127 - m.leading_zeros() as i32; // bit index of the leading 1
        if top <= 63 {
            let sh = 63 - top;
            return F80 {
                neg,
                exp: exp - sh,
                mant: (m << sh) as u64,
            };
        }
        let sh = (top - 63) as u32;
        let kept = m >> sh;
        let rem = m & ((1u128 << sh) - 1);
        let half = 1u128 << (sh - 1);
        let mut mant = kept as u64;
        let mut exp = exp + sh as i32;
        let round_up = rem > half || (rem == half && (sticky || mant & 1 == 1));
        if round_up {
            let (v, carry) = mant.overflowing_add(1);
            if carry {
                mant = 1u64 << 63;
                exp += 1;
            } else {
                mant = v;
            }
        }
        F80 { neg, exp, mant }
    }

    fn mul(self, o: F80) -> F80 {
        if self.is_zero() || o.is_zero() {
            return F80::ZERO;
        }
        let p = self.mant as u128 * o.mant as u128;
        F80::normalize(self.neg != o.neg, self.exp + o.exp, p, false)
    }

    fn div(self, o: F80) -> F80 {
        if self.is_zero() || o.is_zero() {
            return F80::ZERO;
        }
        let m2 = o.mant as u128;
        let n = (self.mant as u128) << 64;
        let (q, r) = (n / m2, n % m2);
        // Two more quotient bits, so there is always a round bit below the
        // 64 kept ones (q alone may have exactly 64 bits).
        let r4 = r << 2;
        let q = (q << 2) | (r4 / m2);
        let r = r4 % m2;
        F80::normalize(self.neg != o.neg, self.exp - o.exp - 66, q, r != 0)
    }

    fn add(self, o: F80) -> F80 {
        if self.is_zero() {
            return o;
        }
        if o.is_zero() {
            return self;
        }
        // Work with 64 guard bits below each mantissa.
        let (big, small) = if self.cmp_mag(&o) == Ordering::Less {
            (o, self)
        } else {
            (self, o)
        };
        let bm = (big.mant as u128) << 62;
        let d = (big.exp - small.exp) as u32;
        let (sm, sticky) = if d >= 126 {
            (0u128, true)
        } else {
            let full = (small.mant as u128) << 62;
            let shifted = full >> d;
            (shifted, (shifted << d) != full)
        };
        let exp = big.exp - 62;
        if big.neg == small.neg {
            F80::normalize(big.neg, exp, bm + sm, sticky)
        } else {
            // Subtract; a lost sticky bit means the true difference is a bit
            // smaller: borrow one unit in the lowest guard position.
            let diff = bm - sm - if sticky { 1 } else { 0 };
            F80::normalize(big.neg, exp, diff, sticky)
        }
    }

    fn neg(self) -> F80 {
        F80 {
            neg: !self.neg,
            ..self
        }
    }

    fn sub(self, o: F80) -> F80 {
        self.add(o.neg())
    }

    fn cmp_mag(&self, o: &F80) -> Ordering {
        if self.is_zero() || o.is_zero() {
            return self.mant.cmp(&o.mant);
        }
        self.exp.cmp(&o.exp).then(self.mant.cmp(&o.mant))
    }

    /// Compare values (both assumed non-negative here).
    fn ge(&self, o: &F80) -> bool {
        self.cmp_mag(o) != Ordering::Less
    }

    fn lt(&self, o: &F80) -> bool {
        self.cmp_mag(o) == Ordering::Less
    }

    /// Truncate toward zero (the value is non-negative and small).
    fn trunc_u64(&self) -> u64 {
        if self.is_zero() {
            return 0;
        }
        if self.exp >= 0 {
            if self.exp >= 64 {
                return u64::MAX;
            }
            self.mant.checked_shl(self.exp as u32).unwrap_or(u64::MAX)
        } else if self.exp <= -64 {
            0
        } else {
            self.mant >> (-self.exp) as u32
        }
    }
}

fn d(x: f64) -> F80 {
    F80::from_f64(x)
}

/// One digit off the front of `val` (SQLite's et_getdigit).
fn get_digit(val: &mut F80, cnt: &mut i32) -> u8 {
    if *cnt <= 0 {
        return b'0';
    }
    *cnt -= 1;
    let digit = val.trunc_u64();
    let dv = F80::from_int(digit);
    *val = val.sub(dv).mul(d(10.0));
    b'0' + (digit.min(9) as u8)
}

/// `sqlite3_mprintf("%!.<precision>g", r)` as SQLite 3.40 renders it.
#[cfg(test)]
pub fn format_g_alt2(r: f64, precision: usize) -> String {
    let mut v = Vec::with_capacity(32);
    write_g_alt2(&mut v, r, precision);
    String::from_utf8_lossy(&v).into_owned()
}

/// `format_g_alt2` appended to `buf` (no allocation once `buf` has room).
pub fn write_g_alt2(buf: &mut Vec<u8>, r: f64, precision: usize) {
    if r.is_nan() {
        buf.extend_from_slice(b"NaN");
        return;
    }
    if r.is_infinite() {
        buf.extend_from_slice(if r < 0.0 { b"-Inf" } else { b"Inf" });
        return;
    }
    let mut precision = precision.min(100) as i32;
    let mut value = F80::from_f64(r);
    let prefix_neg = r < 0.0;
    if prefix_neg {
        value = value.neg();
    }
    if precision > 0 {
        precision -= 1;
    }
    const AR_ROUND: [f64; 10] = [
        5.0e-01, 5.0e-02, 5.0e-03, 5.0e-04, 5.0e-05, 5.0e-06, 5.0e-07, 5.0e-08, 5.0e-09, 5.0e-10,
    ];
    let mut idx = precision;
    let mut rounder = d(AR_ROUND[(idx % 10) as usize]);
    while idx >= 10 {
        rounder = rounder.mul(d(1.0e-10));
        idx -= 10;
    }
    let mut exp: i32 = 0;
    if !value.is_zero() {
        let mut scale = d(1.0);
        while value.ge(&d(1e100).mul(scale)) && exp <= 350 {
            scale = scale.mul(d(1e100));
            exp += 100;
        }
        while value.ge(&d(1e10).mul(scale)) && exp <= 350 {
            scale = scale.mul(d(1e10));
            exp += 10;
        }
        while value.ge(&d(10.0).mul(scale)) && exp <= 350 {
            scale = scale.mul(d(10.0));
            exp += 1;
        }
        value = value.div(scale);
        while value.lt(&d(1e-8)) {
            value = value.mul(d(1e8));
            exp -= 8;
        }
        while value.lt(&d(1.0)) {
            value = value.mul(d(10.0));
            exp -= 1;
        }
        if exp > 350 {
            buf.extend_from_slice(if prefix_neg { b"-Inf" } else { b"Inf" });
            return;
        }
    }
    value = value.add(rounder);
    if value.ge(&d(10.0)) {
        value = value.mul(d(0.1));
        exp += 1;
    }
    let use_exp = exp < -4 || exp > precision;
    if !use_exp {
        precision -= exp;
    }
    let mut e2 = if use_exp { 0 } else { exp };
    let mut nsd = 26; // 16 + 10 for the '!' flag
    if prefix_neg {
        buf.push(b'-');
    }
    let body_start = buf.len();
    if e2 < 0 {
        buf.push(b'0');
    } else {
        while e2 >= 0 {
            buf.push(get_digit(&mut value, &mut nsd));
            e2 -= 1;
        }
    }
    buf.push(b'.');
    e2 += 1;
    while e2 < 0 {
        buf.push(b'0');
        precision -= 1;
        e2 += 1;
    }
    while precision > 0 {
        buf.push(get_digit(&mut value, &mut nsd));
        precision -= 1;
    }
    while buf.len() > body_start && buf.last() == Some(&b'0') {
        buf.pop();
    }
    if buf.last() == Some(&b'.') {
        buf.push(b'0');
    }
    if use_exp {
        buf.push(b'e');
        let mut x = exp;
        if x < 0 {
            buf.push(b'-');
            x = -x;
        } else {
            buf.push(b'+');
        }
        if x >= 100 {
            buf.push(b'0' + (x / 100) as u8);
            x %= 100;
        }
        buf.push(b'0' + (x / 10) as u8);
        buf.push(b'0' + (x % 10) as u8);
    }
}

/// How `sqlite3_column_text` renders a REAL (`%!.15g`).
#[cfg(test)]
pub fn real_to_text(r: f64) -> String {
    format_g_alt2(r, 15)
}

/// `real_to_text` appended to `buf`.
pub fn write_real_text(buf: &mut Vec<u8>, r: f64) {
    write_g_alt2(buf, r, 15)
}

/// The shell's rendering of a REAL in quote/insert modes and `.dump`:
/// `1e999`/`-1e999` for infinities, `N.0` when the value is a whole number
/// that fits an i64, otherwise `%!.20g`.
pub fn write_real_sql(buf: &mut Vec<u8>, r: f64) {
    if r == f64::INFINITY {
        buf.extend_from_slice(b"1e999");
        return;
    }
    if r == f64::NEG_INFINITY {
        buf.extend_from_slice(b"-1e999");
        return;
    }
    // C's (sqlite3_int64)r gives i64::MIN on x86-64 for out-of-range values;
    // (double)i64::MIN == r only when r is exactly -2^63.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    let ir = if r.is_nan() || !(-TWO_63..TWO_63).contains(&r) {
        i64::MIN
    } else {
        r as i64
    };
    if r == ir as f64 {
        crate::render::write_int(buf, ir);
        buf.extend_from_slice(b".0");
    } else {
        write_g_alt2(buf, r, 20)
    }
}

#[cfg(test)]
pub fn real_to_sql(r: f64) -> String {
    let mut v = Vec::new();
    write_real_sql(&mut v, r);
    String::from_utf8_lossy(&v).into_owned()
}

/// The shell's rendering of a REAL in json mode.
pub fn write_real_json(buf: &mut Vec<u8>, r: f64) {
    if r == f64::INFINITY {
        buf.extend_from_slice(b"1e999");
    } else if r == f64::NEG_INFINITY {
        buf.extend_from_slice(b"-1e999");
    } else {
        write_g_alt2(buf, r, 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_sqlite_340_digits() {
        assert_eq!(real_to_text(1.5), "1.5");
        assert_eq!(real_to_text(0.1), "0.1");
        assert_eq!(real_to_text(1.0), "1.0");
        assert_eq!(real_to_text(0.0), "0.0");
        assert_eq!(real_to_text(-0.0), "0.0");
        assert_eq!(real_to_text(1e20), "1.0e+20");
        assert_eq!(real_to_text(1e300), "1.0e+300");
        assert_eq!(real_to_text(100000000000000.0), "100000000000000.0");
        assert_eq!(real_to_text(1e15), "1.0e+15");
        assert_eq!(real_to_text(-2.5e-7), "-2.5e-07");
        assert_eq!(real_to_text(std::f64::consts::PI), "3.14159265358979");
        assert_eq!(real_to_text(f64::INFINITY), "Inf");
        assert_eq!(real_to_sql(0.1), "0.10000000000000000555");
        assert_eq!(real_to_sql(1e300), "1.0000000000000000047e+300");
        assert_eq!(real_to_sql(1e20), "1.0e+20");
        assert_eq!(real_to_sql(1.0), "1.0");
        assert_eq!(real_to_sql(-3.0), "-3.0");
        // Digits past the 17th come from x87 long-double arithmetic.
        assert_eq!(format_g_alt2(-812.0, 20), "-811.99999999999999998");
        assert_eq!(format_g_alt2(527401.990262979, 20), "527401.99026297894307");
        assert_eq!(
            format_g_alt2(16852.976499963668, 20),
            "16852.976499963668175"
        );
    }
}
