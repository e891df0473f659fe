//! Comparison of values: the affinity conversions SQLite applies before a
//! comparison operator (datatype3 §4.2), and the total order used by ORDER
//! BY, DISTINCT, GROUP BY, indexes, min() and max():
//! NULL < numbers (compared exactly) < TEXT (by collation) < BLOB (memcmp).

use super::affinity::{apply_numeric_affinity_ref, Affinity};
use super::collation::Collation;
use super::format::{format_int, format_real};
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

fn text_cmp_num(num: ValueRef, text: &[u8], coll: &Collation, num_first: bool) -> Ordering {
    let mut buf = Vec::with_capacity(24);
    match num {
        ValueRef::Integer(i) => format_int(i, &mut buf),
        ValueRef::Real(r) => format_real(r, &mut buf),
        _ => {}
    }
    if num_first {
        coll.compare(&buf, text)
    } else {
        coll.compare(text, &buf)
    }
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
        Some(Affinity::Text) => match (a, b) {
            (Integer(_) | Real(_), Text(t)) => Some(text_cmp_num(a, t, coll, true)),
            (Text(t), Integer(_) | Real(_)) => Some(text_cmp_num(b, t, coll, false)),
            (Integer(_) | Real(_), Integer(_) | Real(_)) => {
                let mut x = Vec::with_capacity(24);
                let mut y = Vec::with_capacity(24);
                super::format::append_text(a, &mut x);
                super::format::append_text(b, &mut y);
                Some(coll.compare(&x, &y))
            }
            (Integer(_) | Real(_), Blob(bb)) => {
                let mut x = Vec::with_capacity(24);
                super::format::append_text(a, &mut x);
                Some(sort_compare(Text(&x), Blob(bb), coll))
            }
            (Blob(bb), Integer(_) | Real(_)) => {
                let mut y = Vec::with_capacity(24);
                super::format::append_text(b, &mut y);
                Some(sort_compare(Blob(bb), Text(&y), coll))
            }
            _ => Some(sort_compare(a, b, coll)),
        },
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
