//! Scalar function calls: the bridge from compiled expressions to the
//! built-in functions of `crate::sqlvalue::functions`.

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
    let facts = &cx.env.facts;
    let fc: &mut FunctionContext = &mut cx.env.fctx;
    fc.last_insert_rowid = facts.last_insert_rowid;
    fc.changes = facts.changes;
    fc.total_changes = facts.total_changes;
    fc.case_sensitive_like = facts.case_sensitive_like;
    fc.collation = f.collation.clone();
    (f.info.func)(fc, args)
}
