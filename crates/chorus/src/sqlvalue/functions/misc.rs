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
