//! A software model of the x87 80-bit "long double" (64-bit significand,
//! round-to-nearest-even after every operation).
//!
//! SQLite, as built for x86-64 (the reference build), converts between text
//! and REAL using `long double` arithmetic (`sqlite3AtoF`, `sqlite3FpDecode`).
//! Its results are close to, but not always identical with, correctly rounded
//! conversions; to print and parse exactly as SQLite does we replay the same
//! operation sequence on this model.
//!
//! Representation: `m * 2^e` with `m` normalized (top bit set) or `m == 0` for
//! zero. Only non-negative finite values are needed. The exponent is an `i32`
//! and is not bounded like the hardware's 15-bit exponent; callers never get
//! near the hardware limits in a way that changes results (they stop scaling
//! long before).

use std::cmp::Ordering;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct F80 {
    m: u64,
    e: i32,
}

impl F80 {
    pub(crate) const ZERO: F80 = F80 { m: 0, e: 0 };

    pub(crate) fn from_u64(s: u64) -> F80 {
        if s == 0 {
            return F80::ZERO;
        }
        let lz = s.leading_zeros();
        F80 {
            m: s << lz,
            e: -(lz as i32),
        }
    }

    /// Exact conversion of a non-negative finite double.
    pub(crate) fn from_f64(r: f64) -> F80 {
        let bits = r.to_bits() & !(1u64 << 63);
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        if exp == 0 {
            let f = F80::from_u64(frac);
            if f.m == 0 {
                return f;
            }
            F80 {
                m: f.m,
                e: f.e - 1074,
            }
        } else {
            let mant = frac | (1u64 << 52);
            F80 {
                m: mant << 11,
                e: exp - 1075 - 11,
            }
        }
    }

    /// Product rounded to 64 significant bits, ties to even.
    pub(crate) fn mul(self, o: F80) -> F80 {
        if self.m == 0 || o.m == 0 {
            return F80::ZERO;
        }
        let p = (self.m as u128) * (o.m as u128);
        let shift: u32 = if p >> 127 == 1 { 64 } else { 63 };
        let mut hi = (p >> shift) as u64;
        let rem = p & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let mut e = self.e + o.e + shift as i32;
        if rem > half || (rem == half && hi & 1 == 1) {
            let (n, carry) = hi.overflowing_add(1);
            if carry {
                hi = 1u64 << 63;
                e += 1;
            } else {
                hi = n;
            }
        }
        F80 { m: hi, e }
    }

    /// Binary exponent of the leading bit (value in [2^k, 2^(k+1))).
    fn top(self) -> i32 {
        self.e + 63
    }

    pub(crate) fn cmp(self, o: F80) -> Ordering {
        match (self.m == 0, o.m == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => self.top().cmp(&o.top()).then(self.m.cmp(&o.m)),
        }
    }

    pub(crate) fn lt(self, o: F80) -> bool {
        self.cmp(o) == Ordering::Less
    }

    pub(crate) fn ge(self, o: F80) -> bool {
        self.cmp(o) != Ordering::Less
    }

    /// `(u64)x`: truncation toward zero (saturating; callers stay in range).
    pub(crate) fn to_u64_trunc(self) -> u64 {
        if self.m == 0 || self.e <= -64 {
            0
        } else if self.e == 0 {
            self.m
        } else if self.e > 0 {
            u64::MAX
        } else {
            self.m >> (-self.e)
        }
    }

    /// `(double)x`: round to nearest even, with gradual underflow.
    pub(crate) fn to_f64(self) -> f64 {
        if self.m == 0 {
            return 0.0;
        }
        let top = self.top();
        if top >= -1022 {
            let mut mant = self.m >> 11;
            let rem = self.m & 0x7ff;
            let mut t = top;
            if rem > 0x400 || (rem == 0x400 && mant & 1 == 1) {
                mant += 1;
                if mant == 1u64 << 53 {
                    mant >>= 1;
                    t += 1;
                }
            }
            if t > 1023 {
                return f64::INFINITY;
            }
            let bits = (((t + 1023) as u64) << 52) | (mant & ((1u64 << 52) - 1));
            f64::from_bits(bits)
        } else {
            // Subnormal: value in units of 2^-1074 is m * 2^(e + 1074).
            let shift = -(self.e + 1074);
            if shift >= 66 {
                return 0.0;
            }
            let m = self.m as u128;
            let shift = shift as u32;
            let mut mant = (m >> shift) as u64;
            let rem = m & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if rem > half || (rem == half && mant & 1 == 1) {
                mant += 1;
            }
            f64::from_bits(mant)
        }
    }
}

/// Little-endian base-2^32 big integer helpers for computing the constants.
fn big_bits(v: &[u32]) -> u32 {
    for i in (0..v.len()).rev() {
        if v[i] != 0 {
            return i as u32 * 32 + (32 - v[i].leading_zeros());
        }
    }
    0
}

fn big_bit(v: &[u32], i: u32) -> bool {
    v.get((i / 32) as usize)
        .is_some_and(|w| (w >> (i % 32)) & 1 == 1)
}

/// Round the big integer `v` (times 2^scale) to a 64-bit significand,
/// `extra_sticky` meaning the true value is slightly above `v`.
fn big_to_f80(v: &[u32], scale: i32, extra_sticky: bool) -> F80 {
    let n = big_bits(v);
    if n <= 64 {
        let mut x: u64 = 0;
        for i in 0..n {
            if big_bit(v, i) {
                x |= 1 << i;
            }
        }
        let f = F80::from_u64(x);
        return F80 {
            m: f.m,
            e: f.e + scale,
        };
    }
    let drop = n - 64;
    let mut m: u64 = 0;
    for i in 0..64 {
        if big_bit(v, drop + i) {
            m |= 1 << i;
        }
    }
    let half = big_bit(v, drop - 1);
    let mut sticky = extra_sticky;
    for i in 0..drop - 1 {
        if big_bit(v, i) {
            sticky = true;
            break;
        }
    }
    let mut e = drop as i32 + scale;
    if half && (sticky || m & 1 == 1) {
        let (nm, carry) = m.overflowing_add(1);
        if carry {
            m = 1 << 63;
            e += 1;
        } else {
            m = nm;
        }
    }
    F80 { m, e }
}

/// 10^k rounded to a long double, as the C compiler rounds `1.0e+kL`.
fn pow10_exact(k: i32) -> F80 {
    if k >= 0 {
        let mut v: Vec<u32> = vec![1];
        for _ in 0..k {
            let mut carry: u64 = 0;
            for w in v.iter_mut() {
                let t = (*w as u64) * 10 + carry;
                *w = t as u32;
                carry = t >> 32;
            }
            if carry != 0 {
                v.push(carry as u32);
            }
        }
        big_to_f80(&v, 0, false)
    } else {
        let k = -k;
        let nbits = 64 + 4 * k as u32 + 64;
        let words = (nbits / 32 + 1) as usize;
        let mut v = vec![0u32; words];
        v[(nbits / 32) as usize] = 1 << (nbits % 32);
        let mut inexact = false;
        for _ in 0..k {
            let mut rem: u64 = 0;
            for w in v.iter_mut().rev() {
                let t = (rem << 32) | *w as u64;
                *w = (t / 10) as u32;
                rem = t % 10;
            }
            if rem != 0 {
                inexact = true;
            }
        }
        big_to_f80(&v, -(nbits as i32), inexact)
    }
}

pub(crate) struct Consts {
    pub(crate) p1: F80,
    pub(crate) p10: F80,
    pub(crate) p100: F80,
    pub(crate) m1: F80,
    pub(crate) m10: F80,
    pub(crate) m100: F80,
    pub(crate) p7: F80,
    pub(crate) p17: F80,
    pub(crate) p19: F80,
    pub(crate) p29: F80,
    pub(crate) p119: F80,
    pub(crate) m97: F80,
    pub(crate) dbl_max: F80,
}

pub(crate) fn consts() -> &'static Consts {
    static C: OnceLock<Consts> = OnceLock::new();
    C.get_or_init(|| Consts {
        p1: pow10_exact(1),
        p10: pow10_exact(10),
        p100: pow10_exact(100),
        m1: pow10_exact(-1),
        m10: pow10_exact(-10),
        m100: pow10_exact(-100),
        p7: pow10_exact(7),
        p17: pow10_exact(17),
        p19: pow10_exact(19),
        p29: pow10_exact(29),
        p119: pow10_exact(119),
        m97: pow10_exact(-97),
        dbl_max: F80::from_f64(f64::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_round_like_the_compiler() {
        // 1e-1L is 0xCCCCCCCCCCCCCCCD * 2^-67 on x87.
        let c = consts();
        assert_eq!(
            c.m1,
            F80 {
                m: 0xCCCC_CCCC_CCCC_CCCD,
                e: -67
            }
        );
        assert_eq!(
            c.p1,
            F80 {
                m: 0xA000_0000_0000_0000,
                e: -60
            }
        );
        assert_eq!(c.p19.to_f64(), 1e19);
        assert_eq!(c.p100.to_f64(), 1e100);
        assert_eq!(c.m100.to_f64(), 1e-100);
        assert_eq!(c.p119.to_f64(), 1e119);
        assert_eq!(c.m97.to_f64(), 1e-97);
    }

    #[test]
    fn round_trips_doubles() {
        for r in [
            1.0,
            0.1,
            3.5e-310,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            123456.789,
        ] {
            assert_eq!(F80::from_f64(r).to_f64(), r);
        }
        assert_eq!(F80::from_u64(12345).to_u64_trunc(), 12345);
        assert_eq!(F80::from_f64(2.5).to_u64_trunc(), 2);
    }
}
