//! Type inspection, NULL handling, min/max and connection-state functions.

use super::{func_error, FunctionContext};
use crate::sqlvalue::compare::sort_compare;
use crate::sqlvalue::numeric::is_true;
use chorus_storage::{Result, Value, ValueRef};
use std::cmp::Ordering;

pub(super) fn typeof_fn(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let t = match a.first() {
        Some(ValueRef::Integer(_)) => "integer",
        Some(ValueRef::Real(_)) => "real",
        Some(ValueRef::Text(_)) => "text",
        Some(ValueRef::Blob(_)) => "blob",
        _ => "null",
    };
    Ok(Value::from(t))
}

pub(super) fn subtype(_: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    Ok(Value::Integer(0))
}

/// coalesce() and ifnull(): the first non-NULL argument.
pub(super) fn coalesce(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(a.iter()
        .find(|v| !v.is_null())
        .map(|v| ValueRef::to_owned(*v))
        .unwrap_or(Value::Null))
}

pub(super) fn iif(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let c = a
        .first()
        .map(|v| is_true(*v) == Some(true))
        .unwrap_or(false);
    Ok(a.get(if c { 1 } else { 2 })
        .map(|v| ValueRef::to_owned(*v))
        .unwrap_or(Value::Null))
}

/// likely(), unlikely(): the argument unchanged.
pub(super) fn first(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(a.first()
        .map(|v| ValueRef::to_owned(*v))
        .unwrap_or(Value::Null))
}

pub(super) fn likelihood(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let ok = match a.get(1) {
        Some(ValueRef::Real(r)) => (0.0..=1.0).contains(r),
        Some(ValueRef::Integer(i)) => (0..=1).contains(i),
        _ => false,
    };
    if !ok {
        return Err(func_error(
            "second argument to likelihood() must be a constant between 0.0 and 1.0",
        ));
    }
    Ok(a.first()
        .map(|v| ValueRef::to_owned(*v))
        .unwrap_or(Value::Null))
}

fn minmax(ctx: &FunctionContext, a: &[ValueRef], is_max: bool) -> Value {
    if a.iter().any(|v| v.is_null()) || a.is_empty() {
        return Value::Null;
    }
    let mut best = 0;
    for i in 1..a.len() {
        let c = sort_compare(a[best], a[i], &ctx.collation);
        // SQLite: `(cmp ^ mask) >= 0` takes the later argument, so ties go
        // to the later one for min() and stay with the earlier for max().
        let take = if is_max {
            c == Ordering::Less
        } else {
            c != Ordering::Less
        };
        if take {
            best = i;
        }
    }
    a[best].to_owned()
}

pub(super) fn max(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(minmax(ctx, a, true))
}

pub(super) fn min(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(minmax(ctx, a, false))
}

pub(super) fn nullif(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    match (a.first(), a.get(1)) {
        (Some(x), Some(y)) => {
            if sort_compare(*x, *y, &ctx.collation) != Ordering::Equal {
                Ok(ValueRef::to_owned(*x))
            } else {
                Ok(Value::Null)
            }
        }
        _ => Ok(Value::Null),
    }
}

pub(super) fn last_insert_rowid(ctx: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    Ok(Value::Integer(ctx.last_insert_rowid))
}

pub(super) fn changes(ctx: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    Ok(Value::Integer(ctx.changes))
}

pub(super) fn total_changes(ctx: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    Ok(Value::Integer(ctx.total_changes))
}

/// The SQLite version whose behaviour Chorus reproduces.
pub const SQLITE_VERSION: &str = "3.46.0";
/// The matching `sqlite_source_id()`.
pub const SQLITE_SOURCE_ID: &str =
    "2024-05-23 13:25:27 96c92aba00c8375bc32fafcdf12429c58bd8aabfcadab6683e35bbb9cdebf19e";

pub(super) fn sqlite_version(_: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    Ok(Value::from(SQLITE_VERSION))
}

pub(super) fn sqlite_source_id(_: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    Ok(Value::from(SQLITE_SOURCE_ID))
}

/// The build options `sqlite_compileoption_get` lists (without the
/// `SQLITE_` prefix), describing what Chorus implements.
pub const COMPILE_OPTIONS: &[&str] = &[
    "DEFAULT_PAGE_SIZE=4096",
    "ENABLE_MATH_FUNCTIONS",
    "MAX_EXPR_DEPTH=1000",
    "THREADSAFE=1",
];

/// `sqlite_compileoption_used(X)`: 1 when option X (with or without the
/// `SQLITE_` prefix) is listed, matching a name up to its `=value`.
pub(super) fn sqlite_compileoption_used(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let Some(v) = a.first().filter(|v| !matches!(v, ValueRef::Null)) else {
        return Ok(Value::Null);
    };
    let t = crate::sqlvalue::format::value_to_text(*v);
    let mut name: &[u8] = &t;
    if name.len() >= 7 && name[..7].eq_ignore_ascii_case(b"SQLITE_") {
        name = &name[7..];
    }
    let used = COMPILE_OPTIONS.iter().any(|o| {
        let o = o.as_bytes();
        o.len() >= name.len()
            && o[..name.len()].eq_ignore_ascii_case(name)
            && o.get(name.len())
                .is_none_or(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80))
    });
    Ok(Value::Integer(used as i64))
}

/// `sqlite_compileoption_get(N)`: the N-th option, NULL out of range.
pub(super) fn sqlite_compileoption_get(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let Some(v) = a.first().filter(|v| !matches!(v, ValueRef::Null)) else {
        return Ok(Value::Null);
    };
    let n = crate::sqlvalue::numeric::value_to_i64(*v);
    Ok(usize::try_from(n)
        .ok()
        .and_then(|i| COMPILE_OPTIONS.get(i))
        .map_or(Value::Null, |o| Value::from(*o)))
}
