//! The five SQLite storage classes, owned (`Value`) and borrowed (`ValueRef`),
//! and SQLite's ordering between values of different classes:
//! NULL < INTEGER/REAL (compared numerically, exactly) < TEXT < BLOB.
//! Text is a byte string (never lossily converted); its ordering depends on a
//! collation supplied by the caller.

use std::cmp::Ordering;

/// An owned SQLite value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

/// A borrowed SQLite value (for example a column decoded in place from a page).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a [u8]),
    Blob(&'a [u8]),
}

impl Value {
    #[inline]
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }

    #[inline]
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

impl<'a> ValueRef<'a> {
    #[inline]
    pub fn to_owned(self) -> Value {
        match self {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(r) => Value::Real(r),
            ValueRef::Text(t) => Value::Text(t.to_vec()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }

    #[inline]
    pub fn is_null(self) -> bool {
        matches!(self, ValueRef::Null)
    }

    /// Rank of the storage class in SQLite's cross-class ordering.
    fn class_rank(self) -> u8 {
        match self {
            ValueRef::Null => 0,
            ValueRef::Integer(_) | ValueRef::Real(_) => 1,
            ValueRef::Text(_) => 2,
            ValueRef::Blob(_) => 3,
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Integer(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.as_bytes().to_vec())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v.into_bytes())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Blob(v)
    }
}

/// Compare an integer with a real exactly (no precision loss for large i64).
pub fn compare_int_real(i: i64, r: f64) -> Ordering {
    if r.is_nan() {
        // SQLite treats NaN as NULL when stored; compare as smaller than numbers.
        return Ordering::Greater;
    }
    if r < -9.223_372_036_854_776e18 {
        return Ordering::Greater;
    }
    if r >= 9.223_372_036_854_776e18 {
        return Ordering::Less;
    }
    let t = r.trunc();
    let ti = t as i64;
    match i.cmp(&ti) {
        Ordering::Equal => {
            let frac = r - t;
            if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

/// Compare two numbers of any numeric class.
pub fn compare_numeric(a: ValueRef<'_>, b: ValueRef<'_>) -> Ordering {
    match (a, b) {
        (ValueRef::Integer(x), ValueRef::Integer(y)) => x.cmp(&y),
        (ValueRef::Real(x), ValueRef::Real(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (ValueRef::Integer(x), ValueRef::Real(y)) => compare_int_real(x, y),
        (ValueRef::Real(x), ValueRef::Integer(y)) => compare_int_real(y, x).reverse(),
        _ => Ordering::Equal,
    }
}

/// SQLite's ordering of two values: NULL < numbers < text < blob, text ordered
/// by `collate` (BINARY is `|a, b| a.cmp(b)`), blobs by `memcmp`.
pub fn compare_values(
    a: ValueRef<'_>,
    b: ValueRef<'_>,
    collate: &dyn Fn(&[u8], &[u8]) -> Ordering,
) -> Ordering {
    let (ra, rb) = (a.class_rank(), b.class_rank());
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (ValueRef::Null, ValueRef::Null) => Ordering::Equal,
        (ValueRef::Text(x), ValueRef::Text(y)) => collate(x, y),
        (ValueRef::Blob(x), ValueRef::Blob(y)) => x.cmp(y),
        _ => compare_numeric(a, b),
    }
}

/// The BINARY collation.
pub fn binary_collation(a: &[u8], b: &[u8]) -> Ordering {
    a.cmp(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_class_order() {
        let vals = [
            Value::Null,
            Value::Integer(-5),
            Value::Real(-4.5),
            Value::Integer(3),
            Value::Real(3.5),
            Value::Text(b"a".to_vec()),
            Value::Blob(vec![0]),
        ];
        for w in vals.windows(2) {
            assert_eq!(
                compare_values(w[0].as_ref(), w[1].as_ref(), &binary_collation),
                Ordering::Less,
                "{:?} < {:?}",
                w[0],
                w[1]
            );
        }
    }

    #[test]
    fn exact_int_real() {
        assert_eq!(
            compare_int_real(i64::MAX, 9.223_372_036_854_776e18),
            Ordering::Less
        );
        assert_eq!(compare_int_real(3, 3.0), Ordering::Equal);
        assert_eq!(compare_int_real(3, 3.1), Ordering::Less);
        assert_eq!(compare_int_real(-3, -3.1), Ordering::Greater);
    }
}
