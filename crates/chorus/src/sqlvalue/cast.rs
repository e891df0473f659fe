//! `CAST(expr AS type)` (lang_expr "CAST expressions"): the type name's
//! affinity decides the conversion, which — unlike column affinity — is
//! forced even when information is lost.

use super::affinity::Affinity;
use super::format::{format_int, format_real};
use super::numeric::{atof, numerify_bytes, value_to_i64};
use chorus_storage::{Value, ValueRef};

/// `CAST(v AS type_name)`.
pub fn cast(v: Value, type_name: &str) -> Value {
    cast_to_affinity(v, Affinity::of_type_name(type_name))
}

/// CAST to an affinity (`sqlite3VdbeMemCast`). NULL stays NULL.
pub fn cast_to_affinity(v: Value, aff: Affinity) -> Value {
    match (aff, v) {
        (_, Value::Null) => Value::Null,
        (Affinity::Blob, Value::Blob(b)) => Value::Blob(b),
        (Affinity::Blob, Value::Text(t)) => Value::Blob(t),
        (Affinity::Blob, other) => match cast_to_affinity(other, Affinity::Text) {
            Value::Text(t) => Value::Blob(t),
            x => x,
        },
        (Affinity::Text, Value::Text(t)) => Value::Text(t),
        (Affinity::Text, Value::Blob(b)) => Value::Text(b),
        (Affinity::Text, Value::Integer(i)) => {
            let mut out = Vec::with_capacity(20);
            format_int(i, &mut out);
            Value::Text(out)
        }
        (Affinity::Text, Value::Real(r)) => {
            let mut out = Vec::with_capacity(24);
            format_real(r, &mut out);
            Value::Text(out)
        }
        (Affinity::Numeric, Value::Text(t) | Value::Blob(t)) => numerify_bytes(&t).to_value(),
        (Affinity::Numeric, other) => other,
        (Affinity::Integer, v) => Value::Integer(value_to_i64(v.as_ref())),
        (Affinity::Real, Value::Integer(i)) => Value::Real(i as f64),
        (Affinity::Real, Value::Real(r)) => Value::Real(r),
        (Affinity::Real, Value::Text(t) | Value::Blob(t)) => Value::Real(atof(&t).0),
    }
}

/// CAST of a borrowed value to INTEGER/REAL/NUMERIC without allocating;
/// returns `None` for TEXT/BLOB targets (use [`cast`]).
pub fn cast_ref_numeric(v: ValueRef, aff: Affinity) -> Option<Value> {
    Some(match (aff, v) {
        (_, ValueRef::Null) => Value::Null,
        (Affinity::Integer, v) => Value::Integer(value_to_i64(v)),
        (Affinity::Real, ValueRef::Integer(i)) => Value::Real(i as f64),
        (Affinity::Real, ValueRef::Real(r)) => Value::Real(r),
        (Affinity::Real, ValueRef::Text(t) | ValueRef::Blob(t)) => Value::Real(atof(t).0),
        (Affinity::Numeric, ValueRef::Integer(i)) => Value::Integer(i),
        (Affinity::Numeric, ValueRef::Real(r)) => Value::Real(r),
        (Affinity::Numeric, ValueRef::Text(t) | ValueRef::Blob(t)) => numerify_bytes(t).to_value(),
        _ => return None,
    })
}
