//! Comparison of values: the affinity conversions SQLite applies before a
//! comparison operator (datatype3 §4.2), and the total order used by ORDER
//! BY, DISTINCT, GROUP BY, indexes, min() and max():
//! NULL < numbers (compared exactly) < TEXT (by collation) < BLOB (memcmp).

use super::affinity::{apply_numeric_affinity_ref, Affinity};
use super::collation::Collation;
use super::format::StackText;
use chorus_storage::ValueRef;
use std::cmp::Ordering;

/// Exact comparison of an integer with a double (SQLite compares in long
/// double, where every i64 is exact). NaN counts as NULL (smaller).
#[inline]
pub fn int_real_cmp(i: i64, r: f64) -> Ordering {
    if r.is_nan() {
        return Ordering::Greater;
    }
    if r < -9223372036854775808.0 {
        return Ordering::Greater;
    }
    if r >= 9223372036854775808.0 {
        return Ordering::Less;
    }
    // r is now within i64 range; compare integer parts, then the fraction.
    let t = r.trunc();
    let ti = t as i64;
    match i.cmp(&ti) {
        Ordering::Equal => {
            if r > t {
                Ordering::Less
            } else if r < t {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

#[inline]
fn real_cmp(a: f64, b: f64) -> Ordering {
    if a < b {
        Ordering::Less
    } else if a > b {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// `sqlite3MemCompare`: the total order of values (two NULLs are equal).
#[inline]
pub fn sort_compare(a: ValueRef, b: ValueRef, coll: &Collation) -> Ordering {
    use ValueRef::*;
    match (a, b) {
        (Integer(x), Integer(y)) => x.cmp(&y),
        (Real(x), Real(y)) => real_cmp(x, y),
        (Integer(x), Real(y)) => int_real_cmp(x, y),
        (Real(x), Integer(y)) => int_real_cmp(y, x).reverse(),
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Integer(_) | Real(_), _) => Ordering::Less,
        (_, Integer(_) | Real(_)) => Ordering::Greater,
        (Text(x), Text(y)) => coll.compare(x, y),
        (Text(_), Blob(_)) => Ordering::Less,
        (Blob(_), Text(_)) => Ordering::Greater,
        (Blob(x), Blob(y)) => x.cmp(y),
    }
}

/// The affinity SQLite applies to both operands of a comparison
/// (`sqlite3CompareAffinity`), given each operand's affinity (`None` for an
/// expression with no affinity, e.g. a literal or function result):
/// both have one → NUMERIC if either is numeric, else none; only one has
/// one → that one.
pub fn comparison_affinity(a: Option<Affinity>, b: Option<Affinity>) -> Option<Affinity> {
    match (a, b) {
        (Some(x), Some(y)) => {
            if x.is_numeric() || y.is_numeric() {
                Some(Affinity::Numeric)
            } else {
                None
            }
        }
        (Some(x), None) | (None, Some(x)) => Some(x),
        (None, None) => None,
    }
}

fn num_text(v: ValueRef) -> StackText {
    StackText::of_number(v).unwrap_or_default()
}

/// Compare for a comparison operator after applying the comparison
/// affinity `aff` (from [`comparison_affinity`]). NULL operands → `None`.
pub fn compare_with_affinity(
    a: ValueRef,
    b: ValueRef,
    aff: Option<Affinity>,
    coll: &Collation,
) -> Option<Ordering> {
    use ValueRef::*;
    match (a, b) {
        (Integer(x), Integer(y)) => return Some(x.cmp(&y)),
        (Null, _) | (_, Null) => return None,
        _ => {}
    }
    match aff {
        Some(Affinity::Numeric | Affinity::Integer | Affinity::Real) => {
            let a2 = apply_numeric_affinity_ref(a);
            let b2 = apply_numeric_affinity_ref(b);
            Some(sort_compare(a2, b2, coll))
        }
        Some(Affinity::Text) => {
            // Numbers become text (no heap allocation); blobs stay blobs.
            let (ta, tb) = (num_text(a), num_text(b));
            let a2 = if matches!(a, Integer(_) | Real(_)) {
                Text(ta.as_bytes())
            } else {
                a
            };
            let b2 = if matches!(b, Integer(_) | Real(_)) {
                Text(tb.as_bytes())
            } else {
                b
            };
            Some(sort_compare(a2, b2, coll))
        }
        _ => Some(sort_compare(a, b, coll)),
    }
}

/// Compare for `=`, `<`, ... given each operand's own affinity, per
/// datatype3 §4.2. `Affinity::Blob` here stands for "BLOB affinity or no
/// affinity"; use [`comparison_affinity`] + [`compare_with_affinity`] when
/// the distinction matters (a BLOB column compared with a TEXT column).
pub fn compare_for_op(
    a: ValueRef,
    b: ValueRef,
    a_aff: Affinity,
    b_aff: Affinity,
    coll: &Collation,
) -> Option<Ordering> {
    let opt = |x: Affinity| if x == Affinity::Blob { None } else { Some(x) };
    compare_with_affinity(a, b, comparison_affinity(opt(a_aff), opt(b_aff)), coll)
}

/// `a IS b` / `a IS NOT b` equality (NULL IS NULL is true).
pub fn is_same(a: ValueRef, b: ValueRef, aff: Option<Affinity>, coll: &Collation) -> bool {
    match (a, b) {
        (ValueRef::Null, ValueRef::Null) => true,
        (ValueRef::Null, _) | (_, ValueRef::Null) => false,
        _ => compare_with_affinity(a, b, aff, coll) == Some(Ordering::Equal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ValueRef::*;

    #[test]
    fn exact_int_real() {
        assert_eq!(
            int_real_cmp(i64::MAX, 9223372036854775808.0),
            Ordering::Less
        );
        assert_eq!(
            int_real_cmp(9007199254740993, 9007199254740992.0),
            Ordering::Greater
        );
        assert_eq!(int_real_cmp(-3, -3.5), Ordering::Greater);
    }

    #[test]
    fn affinity_rules() {
        let b = Collation::Binary;
        // numeric column vs text literal: text converted.
        assert_eq!(
            compare_for_op(
                Integer(5),
                Text(b"5"),
                Affinity::Integer,
                Affinity::Blob,
                &b
            ),
            Some(Ordering::Equal)
        );
        // no affinity on either side: integer < text.
        assert_eq!(
            compare_for_op(Integer(5), Text(b"5"), Affinity::Blob, Affinity::Blob, &b),
            Some(Ordering::Less)
        );
        // text column vs integer literal: integer converted to text.
        assert_eq!(
            compare_for_op(Text(b"5"), Integer(5), Affinity::Text, Affinity::Blob, &b),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_for_op(Null, Integer(5), Affinity::Text, Affinity::Blob, &b),
            None
        );
    }
}

/// Feed a value into `h` so that values equal under [`sort_compare`] with
/// `coll` hash equally (for hash-based GROUP BY / DISTINCT / joins):
/// integral reals hash like the equal integer, NOCASE folds ASCII case,
/// RTRIM ignores trailing spaces. Returns `false` for a custom collation,
/// whose equality cannot be hashed — callers must fall back to sorting.
pub fn hash_value<H: std::hash::Hasher>(v: ValueRef, coll: &Collation, h: &mut H) -> bool {
    use std::hash::Hash;
    match v {
        ValueRef::Null => 0u8.hash(h),
        ValueRef::Integer(i) => {
            1u8.hash(h);
            i.hash(h);
        }
        ValueRef::Real(r) => {
            1u8.hash(h);
            if r == r.trunc() && (-9223372036854775808.0..9223372036854775808.0).contains(&r) {
                (r as i64).hash(h);
            } else {
                2u8.hash(h);
                r.to_bits().hash(h);
            }
        }
        ValueRef::Text(t) => {
            3u8.hash(h);
            match coll {
                Collation::Binary => t.hash(h),
                Collation::NoCase => {
                    t.len().hash(h);
                    for &b in t {
                        h.write_u8(b.to_ascii_lowercase());
                    }
                }
                Collation::RTrim => {
                    let mut n = t.len();
                    while n > 0 && t[n - 1] == b' ' {
                        n -= 1;
                    }
                    t[..n].hash(h);
                }
                Collation::Custom(..) => return false,
            }
        }
        ValueRef::Blob(b) => {
            4u8.hash(h);
            b.hash(h);
        }
    }
    true
}

#[cfg(test)]
mod hash_tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::Hasher;
    use ValueRef::*;

    fn hv(v: ValueRef, c: &Collation) -> u64 {
        let mut h = DefaultHasher::new();
        assert!(hash_value(v, c, &mut h));
        h.finish()
    }

    #[test]
    fn equal_values_hash_equally() {
        let vals = [
            Null,
            Integer(3),
            Real(3.0),
            Real(-0.0),
            Integer(0),
            Real(0.5),
            Integer(9007199254740993),
            Real(9007199254740992.0),
            Text(b"abc"),
            Text(b"ABC"),
            Text(b"abc  "),
            Blob(b"abc"),
        ];
        for c in [Collation::Binary, Collation::NoCase, Collation::RTrim] {
            for x in vals {
                for y in vals {
                    if sort_compare(x, y, &c) == Ordering::Equal {
                        assert_eq!(hv(x, &c), hv(y, &c), "{x:?} {y:?} {c:?}");
                    }
                }
            }
        }
        assert_ne!(
            hv(Integer(1), &Collation::Binary),
            hv(Real(1.5), &Collation::Binary)
        );
        let custom = Collation::custom("x", |a, b| a.cmp(b));
        assert!(!hash_value(Text(b"a"), &custom, &mut DefaultHasher::new()));
    }
}
