//! Scalar function calls: the bridge from compiled expressions to the
//! built-in functions of `crate::sqlvalue::functions`.

use super::env::ConnFacts;
use super::expr::Cx;
use crate::sqlvalue::functions::{FunctionContext, ScalarFnInfo};
use crate::sqlvalue::Collation;
use chorus_storage::{Result, Value};

/// A resolved scalar function.
#[derive(Clone)]
pub struct ScalarImpl {
    pub info: ScalarFnInfo,
    /// Collation of the first argument with one (min/max/nullif).
    pub collation: Collation,
}

pub fn call(f: &ScalarImpl, args: &[Value], cx: &mut Cx<'_>) -> Result<Value> {
    let env = &mut *cx.env;
    let fc = prepare(f, &env.facts, &mut env.fctx);
    (f.info.func)(fc, args)
}

/// The function context for a call of `f`, filled from the connection facts.
#[inline]
pub fn prepare<'a>(
    f: &ScalarImpl,
    facts: &ConnFacts,
    fc: &'a mut FunctionContext,
) -> &'a mut FunctionContext {
    fc.last_insert_rowid = facts.last_insert_rowid;
    fc.changes = facts.changes;
    fc.total_changes = facts.total_changes;
    fc.case_sensitive_like = facts.case_sensitive_like;
    if !same_collation(&fc.collation, &f.collation) {
        fc.collation = f.collation.clone();
    }
    fc
}

fn same_collation(a: &Collation, b: &Collation) -> bool {
    matches!(
        (a, b),
        (Collation::Binary, Collation::Binary)
            | (Collation::NoCase, Collation::NoCase)
            | (Collation::RTrim, Collation::RTrim)
    )
}
