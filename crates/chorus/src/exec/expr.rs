//! Compiled expressions: names resolved to slots/columns, affinities and
//! collations of comparisons fixed at prepare time. Evaluation returns owned
//! `Value`s; integers and reals never allocate.

use super::env::{Env, Slot};
use super::select::SelectPlan;
use crate::sqlvalue::compare::{compare_with_affinity, is_same, sort_compare};
use crate::sqlvalue::numeric::is_true;
use crate::sqlvalue::{arith, cast, like, Affinity, Collation};
use crate::storage::Store;
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use std::cell::RefCell;
use std::cmp::Ordering;

/// Everything evaluation needs.
pub struct Cx<'a> {
    pub store: &'a mut dyn Store,
    pub env: &'a mut Env,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
    BitOr,
    Shl,
    Shr,
    Concat,
}

pub type ScalarFn = crate::exec::func::ScalarImpl;

pub struct SubQuery {
    pub plan: SelectPlan,
    pub correlated: bool,
    /// Cached result of an uncorrelated subquery, valid in run `cache_run`
    /// of the statement (`Env::run`).
    pub cache: Option<SubCache>,
    pub cache_run: u64,
    /// The column a scalar use reads (a row-value element reads column i).
    pub col: usize,
}

pub enum SubCache {
    Scalar(Vec<Value>),
    Exists(bool),
    Set {
        rows: Vec<Vec<Value>>,
        has_null: bool,
    },
}

pub enum CExpr {
    Const(Value),
    Param(usize),
    /// Column of a slot (`usize::MAX` = rowid).
    Column {
        slot: usize,
        col: usize,
    },
    AggRef(usize),
    /// The current group's value of GROUP BY term i.
    GroupKey(usize),
    Neg(Box<CExpr>),
    Plus(Box<CExpr>),
    BitNot(Box<CExpr>),
    Not(Box<CExpr>),
    Arith(ArithOp, Box<CExpr>, Box<CExpr>),
    Cmp {
        op: CmpOp,
        l: Box<CExpr>,
        r: Box<CExpr>,
        aff: Option<Affinity>,
        coll: Collation,
    },
    Is {
        not: bool,
        l: Box<CExpr>,
        r: Box<CExpr>,
        aff: Option<Affinity>,
        coll: Collation,
    },
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    IsNull(Box<CExpr>),
    NotNull(Box<CExpr>),
    InList {
        x: Box<CExpr>,
        list: Vec<CExpr>,
        not: bool,
        aff: Vec<Option<Affinity>>,
        coll: Collation,
    },
    /// `x IN (SELECT ...)`; x may be a row value (several expressions).
    InSub {
        x: Vec<CExpr>,
        sub: Box<RefCell<SubQuery>>,
        not: bool,
        aff: Vec<Option<Affinity>>,
        coll: Vec<Collation>,
    },
    Exists {
        sub: Box<RefCell<SubQuery>>,
        not: bool,
    },
    /// Scalar subquery: the first column of the first row, or NULL.
    Scalar(Box<RefCell<SubQuery>>),
    Case {
        base: Option<Box<CExpr>>,
        whens: Vec<(CExpr, CExpr)>,
        els: Option<Box<CExpr>>,
        aff: Option<Affinity>,
        coll: Collation,
    },
    Cast(Box<CExpr>, Affinity),
    /// Column affinity applied to a value (a VIRTUAL generated column's
    /// expression, see exec/generated.rs).
    Affinity(Box<CExpr>, Affinity),
    Like {
        x: Box<CExpr>,
        pat: Box<CExpr>,
        esc: Option<Box<CExpr>>,
        not: bool,
        glob: bool,
    },
    Func {
        f: ScalarFn,
        args: Vec<CExpr>,
    },
    /// Row value `(a, b, ...)` compared element-wise (only in comparisons).
    Vector(Vec<CExpr>),
    /// RAISE(...) or an error at run time.
    Error(String),
    /// RAISE(...) inside a trigger program (see `exec::trigger`).
    Raise(ResultCode, String),
}

pub fn truth(v: &Value) -> Option<bool> {
    is_true(v.as_ref())
}

fn cmp_result(op: CmpOp, o: Option<Ordering>) -> Value {
    match o {
        None => Value::Null,
        Some(o) => {
            let b = match op {
                CmpOp::Eq => o == Ordering::Equal,
                CmpOp::Ne => o != Ordering::Equal,
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                CmpOp::Ge => o != Ordering::Less,
            };
            Value::Integer(b as i64)
        }
    }
}

/// Whether `e` can be read borrowed (a column, constant or parameter):
/// then its slot is made ready for [`operand_ref`].
#[inline]
fn prepare_operand(e: &CExpr, env: &mut Env) -> Result<bool> {
    match e {
        CExpr::Column { slot, col } => {
            if let Some(s) = env.slots.get_mut(*slot) {
                s.prepare_col(*col)?;
            }
            Ok(true)
        }
        CExpr::Const(_) | CExpr::Param(_) => Ok(true),
        _ => Ok(false),
    }
}

/// The value of an operand [`prepare_operand`] accepted, borrowed from the
/// row, the constant or the parameter (no copy of text or blobs).
#[inline(always)]
fn operand_ref<'a>(e: &'a CExpr, slots: &'a [Slot], params: &'a [Value]) -> Result<ValueRef<'a>> {
    Ok(match e {
        CExpr::Column { slot, col } => match slots.get(*slot) {
            Some(s) => s.column_ref(*col)?,
            None => ValueRef::Null,
        },
        CExpr::Const(v) => v.as_ref(),
        CExpr::Param(i) => params.get(*i).map(Value::as_ref).unwrap_or(ValueRef::Null),
        _ => {
            return Err(Error::new(
                ResultCode::INTERNAL,
                "operand is not a column, constant or parameter",
            ))
        }
    })
}

fn is_simple(e: &CExpr) -> bool {
    matches!(e, CExpr::Column { .. } | CExpr::Const(_) | CExpr::Param(_))
}

/// Evaluate one operand and call `f` with it, borrowing a column, constant
/// or parameter instead of copying it.
#[inline]
pub fn with_operand<R>(e: &CExpr, cx: &mut Cx<'_>, f: impl FnOnce(ValueRef<'_>) -> R) -> Result<R> {
    if is_simple(e) {
        prepare_operand(e, cx.env)?;
        let env = &*cx.env;
        return Ok(f(operand_ref(e, &env.slots, &env.params)?));
    }
    let v = e.eval(cx)?;
    Ok(f(v.as_ref()))
}

/// Evaluate the operands of a binary operator and call `f` with both,
/// borrowing columns, constants and parameters instead of copying them.
#[inline]
fn with_pair<R>(
    l: &CExpr,
    r: &CExpr,
    cx: &mut Cx<'_>,
    f: impl FnOnce(ValueRef<'_>, ValueRef<'_>) -> R,
) -> Result<R> {
    let lv = if is_simple(l) {
        None
    } else {
        Some(l.eval(cx)?)
    };
    let rv = if is_simple(r) {
        None
    } else {
        Some(r.eval(cx)?)
    };
    if lv.is_none() {
        prepare_operand(l, cx.env)?;
    }
    if rv.is_none() {
        prepare_operand(r, cx.env)?;
    }
    let env = &*cx.env;
    let a = match &lv {
        Some(v) => v.as_ref(),
        None => operand_ref(l, &env.slots, &env.params)?,
    };
    let b = match &rv {
        Some(v) => v.as_ref(),
        None => operand_ref(r, &env.slots, &env.params)?,
    };
    Ok(f(a, b))
}

/// What [`int_leaf`] found.
enum IntLeaf {
    /// An integer.
    Int(i64),
    /// A leaf that is not an integer (or a record that cannot be read).
    No,
    /// Not a leaf.
    Other,
}

/// The integer value of a column, constant or parameter.
#[inline(always)]
fn int_leaf(e: &CExpr, env: &mut Env) -> IntLeaf {
    match e {
        CExpr::Const(Value::Integer(i)) => IntLeaf::Int(*i),
        CExpr::Const(_) => IntLeaf::No,
        CExpr::Param(i) => match env.params.get(*i) {
            Some(Value::Integer(v)) => IntLeaf::Int(*v),
            _ => IntLeaf::No,
        },
        CExpr::Column { slot, col } => {
            let Some(s) = env.slots.get_mut(*slot) else {
                return IntLeaf::No;
            };
            if s.null_row {
                return IntLeaf::No;
            }
            if *col == usize::MAX || Some(*col) == s.rowid_alias && !s.materialized {
                return IntLeaf::Int(s.rowid);
            }
            if s.prepare_col(*col).is_err() {
                return IntLeaf::No;
            }
            match s.column_ref(*col) {
                Ok(ValueRef::Integer(v)) => IntLeaf::Int(v),
                _ => IntLeaf::No,
            }
        }
        _ => IntLeaf::Other,
    }
}

fn op_holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}

/// `a op b` for two integers without overflow; None otherwise (the general
/// routine decides: overflow to REAL, division by zero to NULL, ...).
#[inline]
fn int_arith(op: ArithOp, a: ValueRef<'_>, b: ValueRef<'_>) -> Option<i64> {
    let (ValueRef::Integer(x), ValueRef::Integer(y)) = (a, b) else {
        return None;
    };
    match op {
        ArithOp::Add => x.checked_add(y),
        ArithOp::Sub => x.checked_sub(y),
        ArithOp::Mul => x.checked_mul(y),
        ArithOp::Rem => x.checked_rem(y),
        _ => None,
    }
}

fn arith_ref(op: ArithOp, a: ValueRef<'_>, b: ValueRef<'_>) -> Value {
    if let Some(r) = int_arith(op, a, b) {
        return Value::Integer(r);
    }
    match op {
        ArithOp::Add => arith::add(a, b),
        ArithOp::Sub => arith::sub(a, b),
        ArithOp::Mul => arith::mul(a, b),
        ArithOp::Div => arith::div(a, b),
        ArithOp::Rem => arith::rem(a, b),
        ArithOp::BitAnd => arith::bit_and(a, b),
        ArithOp::BitOr => arith::bit_or(a, b),
        ArithOp::Shl => arith::shl(a, b),
        ArithOp::Shr => arith::shr(a, b),
        ArithOp::Concat => arith::concat(a, b),
    }
}

fn bool_val(b: bool) -> Value {
    Value::Integer(b as i64)
}

impl CExpr {
    pub fn eval(&self, cx: &mut Cx<'_>) -> Result<Value> {
        Ok(match self {
            CExpr::Const(v) => v.clone(),
            CExpr::Param(i) => cx.env.params.get(*i).cloned().unwrap_or(Value::Null),
            CExpr::Column { slot, col } => match cx.env.slots.get_mut(*slot) {
                Some(s) => s.column(*col)?,
                None => Value::Null,
            },
            CExpr::AggRef(i) => cx.env.agg.get(*i).cloned().unwrap_or(Value::Null),
            CExpr::GroupKey(i) => cx.env.group.get(*i).cloned().unwrap_or(Value::Null),
            CExpr::Neg(x) => arith::negate(x.eval(cx)?.as_ref()),
            CExpr::Plus(x) => x.eval(cx)?,
            CExpr::Not(x) => match truth(&x.eval(cx)?) {
                None => Value::Null,
                Some(b) => bool_val(!b),
            },
            CExpr::Cmp {
                op,
                l,
                r,
                aff,
                coll,
            } => {
                if let (CExpr::Vector(a), CExpr::Vector(b)) = (&**l, &**r) {
                    return vector_cmp(*op, a, b, cx);
                }
                with_pair(l, r, cx, |a, b| {
                    cmp_result(*op, compare_with_affinity(a, b, *aff, coll))
                })?
            }
            CExpr::And(l, r) => {
                let a = truth(&l.eval(cx)?);
                if a == Some(false) {
                    return Ok(bool_val(false));
                }
                let b = truth(&r.eval(cx)?);
                match (a, b) {
                    (_, Some(false)) => bool_val(false),
                    (Some(true), Some(true)) => bool_val(true),
                    _ => Value::Null,
                }
            }
            CExpr::Or(l, r) => {
                let a = truth(&l.eval(cx)?);
                if a == Some(true) {
                    return Ok(bool_val(true));
                }
                let b = truth(&r.eval(cx)?);
                match (a, b) {
                    (_, Some(true)) => bool_val(true),
                    (Some(false), Some(false)) => bool_val(false),
                    _ => Value::Null,
                }
            }
            CExpr::IsNull(x) => bool_val(x.eval(cx)?.is_null()),
            CExpr::NotNull(x) => bool_val(!x.eval(cx)?.is_null()),
            _ => return self.eval_rare(cx),
        })
    }

    #[inline(never)]
    fn eval_rare(&self, cx: &mut Cx<'_>) -> Result<Value> {
        Ok(match self {
            CExpr::BitNot(x) => arith::bit_not(x.eval(cx)?.as_ref()),
            CExpr::Arith(op, l, r) => {
                if let Some(v) = self.try_int(cx) {
                    return Ok(Value::Integer(v));
                }
                with_pair(l, r, cx, |a, b| arith_ref(*op, a, b))?
            }
            CExpr::Is {
                not,
                l,
                r,
                aff,
                coll,
            } => {
                let a = l.eval(cx)?;
                let b = r.eval(cx)?;
                bool_val(is_same(a.as_ref(), b.as_ref(), *aff, coll) != *not)
            }
            CExpr::InList {
                x,
                list,
                not,
                aff,
                coll,
            } => {
                let v = x.eval(cx)?;
                if list.is_empty() {
                    return Ok(bool_val(*not));
                }
                if v.is_null() {
                    return Ok(Value::Null);
                }
                let mut saw_null = false;
                for (i, e) in list.iter().enumerate() {
                    let w = e.eval(cx)?;
                    let a = aff.get(i).copied().flatten();
                    match compare_with_affinity(v.as_ref(), w.as_ref(), a, coll) {
                        None => saw_null = true,
                        Some(Ordering::Equal) => return Ok(bool_val(!*not)),
                        _ => {}
                    }
                }
                if saw_null {
                    Value::Null
                } else {
                    bool_val(*not)
                }
            }
            CExpr::InSub {
                x,
                sub,
                not,
                aff,
                coll,
            } => {
                let mut lhs = Vec::with_capacity(x.len());
                for e in x {
                    lhs.push(e.eval(cx)?);
                }
                let mut s = sub.try_borrow_mut().map_err(|_| recursion_err())?;
                in_subquery(&mut s, &lhs, *not, aff, coll, cx)?
            }
            CExpr::Exists { sub, not } => {
                let mut s = sub.try_borrow_mut().map_err(|_| recursion_err())?;
                let e = exists(&mut s, cx)?;
                bool_val(e != *not)
            }
            CExpr::Scalar(sub) => {
                let mut s = sub.try_borrow_mut().map_err(|_| recursion_err())?;
                scalar(&mut s, cx)?
            }
            CExpr::Case {
                base,
                whens,
                els,
                aff,
                coll,
            } => {
                let b = match base {
                    Some(b) => Some(b.eval(cx)?),
                    None => None,
                };
                for (w, t) in whens {
                    let wv = w.eval(cx)?;
                    let hit = match &b {
                        Some(bv) => {
                            compare_with_affinity(bv.as_ref(), wv.as_ref(), *aff, coll)
                                == Some(Ordering::Equal)
                        }
                        None => truth(&wv) == Some(true),
                    };
                    if hit {
                        return t.eval(cx);
                    }
                }
                match els {
                    Some(e) => e.eval(cx)?,
                    None => Value::Null,
                }
            }
            CExpr::Cast(x, aff) => cast::cast_to_affinity(x.eval(cx)?, *aff),
            CExpr::Affinity(x, aff) => crate::sqlvalue::apply_affinity(x.eval(cx)?, *aff),
            CExpr::Like {
                x,
                pat,
                esc,
                not,
                glob,
            } => {
                let v = x.eval(cx)?;
                let p = pat.eval(cx)?;
                let e = match esc {
                    Some(e) => Some(e.eval(cx)?),
                    None => None,
                };
                if v.is_null() || p.is_null() || matches!(e, Some(Value::Null)) {
                    return Ok(Value::Null);
                }
                let vt = crate::sqlvalue::format::value_to_text(v.as_ref());
                let pt = crate::sqlvalue::format::value_to_text(p.as_ref());
                let m = if *glob {
                    like::glob(&pt, &vt)
                } else {
                    let esc_char = match &e {
                        Some(ev) => {
                            let et = crate::sqlvalue::format::value_to_text(ev.as_ref());
                            if crate::sqlvalue::utf8::char_count(&et) != 1 {
                                return Err(Error::new(
                                    ResultCode::ERROR,
                                    "ESCAPE expression must be a single character",
                                ));
                            }
                            let mut pos = 0;
                            Some(crate::sqlvalue::utf8::read_char(&et, &mut pos))
                        }
                        None => None,
                    };
                    like::like(&pt, &vt, esc_char, cx.env.facts.case_sensitive_like)
                };
                bool_val(m != *not)
            }
            CExpr::Func { f, args } => {
                if args.len() <= 8 {
                    // Columns, constants and parameters only: call the
                    // function on borrowed values (no copy of text or blobs).
                    let mut simple = true;
                    for a in args {
                        if !prepare_operand(a, cx.env)? {
                            simple = false;
                            break;
                        }
                    }
                    if simple {
                        let env = &mut *cx.env;
                        let mut buf = [ValueRef::Null; 8];
                        for (d, a) in buf.iter_mut().zip(args) {
                            *d = operand_ref(a, &env.slots, &env.params)?;
                        }
                        let fc = crate::exec::func::prepare(f, &env.facts, &mut env.fctx);
                        return (f.info.func_ref)(fc, &buf[..args.len()]);
                    }
                }
                // Argument vectors come from a per-statement pool (nested
                // calls each take their own), so calls don't allocate.
                // Pooled vectors keep their last values, so text arguments
                // read from columns reuse those buffers.
                let mut vals = cx.env.arg_pool.pop().unwrap_or_default();
                let out = eval_args(args, cx, &mut vals)
                    .and_then(|()| crate::exec::func::call(f, &vals, cx));
                cx.env.arg_pool.push(vals);
                out?
            }
            CExpr::Vector(v) => {
                if v.len() == 1 {
                    return v[0].eval(cx);
                }
                return Err(Error::new(ResultCode::ERROR, "row value misused"));
            }
            CExpr::Error(m) => return Err(Error::new(ResultCode::ERROR, m.clone())),
            CExpr::Raise(code, m) => return Err(Error::new(*code, m.clone())),
            _ => {
                return Err(chorus_storage::Error::new(
                    chorus_storage::ResultCode::INTERNAL,
                    "unhandled expression",
                ))
            }
        })
    }

    /// The value of a small integer expression (columns, constants,
    /// parameters, and + - * % of them) when every piece is an integer and
    /// nothing overflows; `None` otherwise (also when a record cannot be
    /// read), and the caller evaluates in full, meeting any error there.
    /// These pieces have no side effects, so trying first costs only time.
    fn try_int(&self, cx: &mut Cx<'_>) -> Option<i64> {
        match self {
            CExpr::Arith(op, l, r)
                if matches!(
                    op,
                    ArithOp::Add | ArithOp::Sub | ArithOp::Mul | ArithOp::Rem
                ) =>
            {
                let a = l.int_operand(cx)?;
                let b = r.int_operand(cx)?;
                int_arith(*op, ValueRef::Integer(a), ValueRef::Integer(b))
            }
            _ => match int_leaf(self, cx.env) {
                IntLeaf::Int(v) => Some(v),
                IntLeaf::No | IntLeaf::Other => None,
            },
        }
    }

    /// `try_int`, reading a leaf (column, constant, parameter) in line.
    #[inline(always)]
    fn int_operand(&self, cx: &mut Cx<'_>) -> Option<i64> {
        match int_leaf(self, cx.env) {
            IntLeaf::Int(v) => Some(v),
            IntLeaf::No => None,
            IntLeaf::Other => self.try_int(cx),
        }
    }

    /// WHERE-style truth: NULL and false are both "no". Comparisons, AND
    /// and OR answer directly, without building a result value; like
    /// SQLite's jumps for WHERE terms, AND stops at a left side that is not
    /// true and OR at one that is.
    #[inline]
    pub fn test(&self, cx: &mut Cx<'_>) -> Result<bool> {
        // A comparison of two integers answers in line (its result comes
        // back in a register, not through memory as a `Result`).
        if let CExpr::Cmp { op, l, r, .. } = self {
            if let Some(a) = l.int_operand(cx) {
                if let Some(b) = r.int_operand(cx) {
                    // Two integers compare alike under every affinity.
                    return Ok(op_holds(*op, a.cmp(&b)));
                }
            }
        }
        self.test_general(cx)
    }

    /// `test` past the integer comparison.
    fn test_general(&self, cx: &mut Cx<'_>) -> Result<bool> {
        match self {
            CExpr::Cmp {
                op,
                l,
                r,
                aff,
                coll,
            } if !matches!((&**l, &**r), (CExpr::Vector(_), CExpr::Vector(_))) => {
                with_pair(l, r, cx, |a, b| {
                    compare_with_affinity(a, b, *aff, coll).is_some_and(|o| op_holds(*op, o))
                })
            }
            CExpr::And(l, r) => Ok(l.test(cx)? && r.test(cx)?),
            CExpr::Or(l, r) => Ok(l.test(cx)? || r.test(cx)?),
            _ => Ok(truth(&self.eval(cx)?) == Some(true)),
        }
    }
}

/// Evaluate `args` into `vals` (left exactly `args.len()` long), reusing
/// the text/blob buffers of the values already there for column reads.
pub fn eval_args(args: &[CExpr], cx: &mut Cx<'_>, vals: &mut Vec<Value>) -> Result<()> {
    vals.truncate(args.len());
    for (i, a) in args.iter().enumerate() {
        match (a, vals.get_mut(i)) {
            (CExpr::Column { slot, col }, Some(out)) => match cx.env.slots.get_mut(*slot) {
                Some(s) => s.column_into(*col, out)?,
                None => *out = Value::Null,
            },
            (_, Some(out)) => *out = a.eval(cx)?,
            (_, None) => {
                let v = a.eval(cx)?;
                vals.push(v);
            }
        }
    }
    Ok(())
}

fn recursion_err() -> Error {
    Error::new(ResultCode::ERROR, "subquery re-entered recursively")
}

fn vector_cmp(op: CmpOp, a: &[CExpr], b: &[CExpr], cx: &mut Cx<'_>) -> Result<Value> {
    if a.len() != b.len() {
        return Err(Error::new(ResultCode::ERROR, "row value misused"));
    }
    // Lexicographic comparison with NULL → unknown.
    let mut saw_null = false;
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let xv = x.eval(cx)?;
        let yv = y.eval(cx)?;
        match sort_like(&xv, &yv) {
            None => {
                if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    saw_null = true;
                    continue;
                }
                return Ok(Value::Null);
            }
            Some(Ordering::Equal) => {
                if i + 1 == a.len() {
                    if saw_null {
                        return Ok(Value::Null);
                    }
                    return Ok(cmp_result(op, Some(Ordering::Equal)));
                }
            }
            Some(o) => {
                if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    return Ok(cmp_result(op, Some(o)));
                }
                return Ok(cmp_result(op, Some(o)));
            }
        }
    }
    if saw_null {
        return Ok(Value::Null);
    }
    Ok(cmp_result(op, Some(Ordering::Equal)))
}

fn sort_like(a: &Value, b: &Value) -> Option<Ordering> {
    compare_with_affinity(a.as_ref(), b.as_ref(), None, &Collation::Binary)
}

fn run_rows(
    plan: &mut SelectPlan,
    cx: &mut Cx<'_>,
    limit: Option<usize>,
    out: &mut Vec<Vec<Value>>,
) -> Result<()> {
    // An aggregate subquery writes the statement's aggregate and group
    // values; the enclosing query's (read after it, as in
    // `SELECT (SELECT count(*) FROM t), count(*) FROM u`) are put back.
    let saved = writes_aggregates(plan).then(|| (cx.env.agg.clone(), cx.env.group.clone()));
    let r = (|| {
        plan.open(cx)?;
        while plan.next(cx)? {
            out.push(plan.row().to_vec());
            if limit.is_some_and(|l| out.len() >= l) {
                break;
            }
        }
        plan.close();
        Ok(())
    })();
    if let Some((agg, group)) = saved {
        cx.env.agg = agg;
        cx.env.group = group;
    }
    r
}

/// Whether running `plan` overwrites `Env::agg` / `Env::group` (its own
/// aggregate or window step; nested subqueries restore theirs).
fn writes_aggregates(plan: &SelectPlan) -> bool {
    use super::select::Body;
    match &plan.body {
        Body::Simple(s) => s.agg.is_some() || s.window.is_some(),
        Body::Compound(c) => c.arms.iter().any(writes_aggregates),
        Body::Recursive(_) => true,
        _ => false,
    }
}

/// Drop a cached result from an earlier run of the statement.
#[inline]
fn expire_cache(s: &mut SubQuery, cx: &Cx<'_>) {
    if s.cache_run != cx.env.run {
        s.cache = None;
        s.cache_run = cx.env.run;
    }
}

fn scalar(s: &mut SubQuery, cx: &mut Cx<'_>) -> Result<Value> {
    expire_cache(s, cx);
    if !s.correlated {
        if let Some(SubCache::Scalar(v)) = &s.cache {
            return Ok(v.get(s.col).cloned().unwrap_or(Value::Null));
        }
    }
    let mut rows = Vec::new();
    run_rows(&mut s.plan, cx, Some(1), &mut rows)?;
    let row = rows.into_iter().next().unwrap_or_default();
    let v = row.get(s.col).cloned().unwrap_or(Value::Null);
    if !s.correlated {
        s.cache = Some(SubCache::Scalar(row));
    }
    Ok(v)
}

fn exists(s: &mut SubQuery, cx: &mut Cx<'_>) -> Result<bool> {
    expire_cache(s, cx);
    if !s.correlated {
        if let Some(SubCache::Exists(b)) = &s.cache {
            return Ok(*b);
        }
    }
    let mut rows = Vec::new();
    run_rows(&mut s.plan, cx, Some(1), &mut rows)?;
    let b = !rows.is_empty();
    if !s.correlated {
        s.cache = Some(SubCache::Exists(b));
    }
    Ok(b)
}

/// Run an IN subquery into its row set (once, unless correlated).
fn fill_set(s: &mut SubQuery, cx: &mut Cx<'_>) -> Result<()> {
    expire_cache(s, cx);
    if s.correlated || !matches!(s.cache, Some(SubCache::Set { .. })) {
        let mut rows = Vec::new();
        run_rows(&mut s.plan, cx, None, &mut rows)?;
        let has_null = rows.iter().any(|r| r.iter().any(|v| v.is_null()));
        s.cache = Some(SubCache::Set { rows, has_null });
    }
    Ok(())
}

/// The first-column values of the subquery of an `x IN (SELECT ...)` term
/// (an index seek's keys, exec/source.rs), appended to `out`.
pub fn in_sub_keys(term: &CExpr, cx: &mut Cx<'_>, out: &mut Vec<Value>) -> Result<()> {
    let CExpr::InSub { sub, .. } = term else {
        return Ok(());
    };
    let mut s = sub.try_borrow_mut().map_err(|_| recursion_err())?;
    fill_set(&mut s, cx)?;
    if let Some(SubCache::Set { rows, .. }) = &s.cache {
        out.extend(
            rows.iter()
                .map(|r| r.first().cloned().unwrap_or(Value::Null)),
        );
    }
    Ok(())
}

fn in_subquery(
    s: &mut SubQuery,
    lhs: &[Value],
    not: bool,
    aff: &[Option<Affinity>],
    coll: &[Collation],
    cx: &mut Cx<'_>,
) -> Result<Value> {
    fill_set(s, cx)?;
    let Some(SubCache::Set { rows, has_null }) = &s.cache else {
        return Ok(Value::Null);
    };
    if rows.is_empty() {
        return Ok(bool_val(not));
    }
    if lhs.iter().any(|v| v.is_null()) {
        return Ok(Value::Null);
    }
    let binary = Collation::Binary;
    for r in rows {
        let mut all = true;
        for (i, v) in lhs.iter().enumerate() {
            let w = r.get(i).map(|w| w.as_ref()).unwrap_or(ValueRef::Null);
            let c = coll.get(i).unwrap_or(&binary);
            if compare_with_affinity(v.as_ref(), w, aff.get(i).copied().flatten(), c)
                != Some(Ordering::Equal)
            {
                all = false;
                break;
            }
        }
        if all {
            return Ok(bool_val(!not));
        }
    }
    if *has_null {
        return Ok(Value::Null);
    }
    Ok(bool_val(not))
}

/// ORDER BY comparison of two values with a collation.
pub fn order_cmp(a: &Value, b: &Value, coll: &Collation) -> Ordering {
    sort_compare(a.as_ref(), b.as_ref(), coll)
}

impl CExpr {
    /// A copy of a subquery-free expression (None if it contains a subquery).
    pub fn try_clone(&self) -> Option<CExpr> {
        let b = |e: &CExpr| e.try_clone().map(Box::new);
        Some(match self {
            CExpr::Const(v) => CExpr::Const(v.clone()),
            CExpr::Param(i) => CExpr::Param(*i),
            CExpr::Column { slot, col } => CExpr::Column {
                slot: *slot,
                col: *col,
            },
            CExpr::AggRef(i) => CExpr::AggRef(*i),
            CExpr::GroupKey(i) => CExpr::GroupKey(*i),
            CExpr::Neg(x) => CExpr::Neg(b(x)?),
            CExpr::Plus(x) => CExpr::Plus(b(x)?),
            CExpr::BitNot(x) => CExpr::BitNot(b(x)?),
            CExpr::Not(x) => CExpr::Not(b(x)?),
            CExpr::Arith(op, l, r) => CExpr::Arith(*op, b(l)?, b(r)?),
            CExpr::Cmp {
                op,
                l,
                r,
                aff,
                coll,
            } => CExpr::Cmp {
                op: *op,
                l: b(l)?,
                r: b(r)?,
                aff: *aff,
                coll: coll.clone(),
            },
            CExpr::Is {
                not,
                l,
                r,
                aff,
                coll,
            } => CExpr::Is {
                not: *not,
                l: b(l)?,
                r: b(r)?,
                aff: *aff,
                coll: coll.clone(),
            },
            CExpr::And(l, r) => CExpr::And(b(l)?, b(r)?),
            CExpr::Or(l, r) => CExpr::Or(b(l)?, b(r)?),
            CExpr::IsNull(x) => CExpr::IsNull(b(x)?),
            CExpr::NotNull(x) => CExpr::NotNull(b(x)?),
            CExpr::InList {
                x,
                list,
                not,
                aff,
                coll,
            } => CExpr::InList {
                x: b(x)?,
                list: list
                    .iter()
                    .map(|e| e.try_clone())
                    .collect::<Option<Vec<_>>>()?,
                not: *not,
                aff: aff.clone(),
                coll: coll.clone(),
            },
            CExpr::Case {
                base,
                whens,
                els,
                aff,
                coll,
            } => CExpr::Case {
                base: match base {
                    Some(x) => Some(b(x)?),
                    None => None,
                },
                whens: whens
                    .iter()
                    .map(|(w, t)| Some((w.try_clone()?, t.try_clone()?)))
                    .collect::<Option<Vec<_>>>()?,
                els: match els {
                    Some(x) => Some(b(x)?),
                    None => None,
                },
                aff: *aff,
                coll: coll.clone(),
            },
            CExpr::Cast(x, a) => CExpr::Cast(b(x)?, *a),
            CExpr::Affinity(x, a) => CExpr::Affinity(b(x)?, *a),
            CExpr::Like {
                x,
                pat,
                esc,
                not,
                glob,
            } => CExpr::Like {
                x: b(x)?,
                pat: b(pat)?,
                esc: match esc {
                    Some(e) => Some(b(e)?),
                    None => None,
                },
                not: *not,
                glob: *glob,
            },
            CExpr::Func { f, args } => CExpr::Func {
                f: f.clone(),
                args: args
                    .iter()
                    .map(|e| e.try_clone())
                    .collect::<Option<Vec<_>>>()?,
            },
            CExpr::Vector(v) => CExpr::Vector(
                v.iter()
                    .map(|e| e.try_clone())
                    .collect::<Option<Vec<_>>>()?,
            ),
            CExpr::Error(m) => CExpr::Error(m.clone()),
            CExpr::Raise(c, m) => CExpr::Raise(*c, m.clone()),
            CExpr::InSub { .. } | CExpr::Exists { .. } | CExpr::Scalar(_) => return None,
        })
    }

    /// Push this expression's operands onto `out`, in the order they appear
    /// in the SQL text. Leaves and subqueries (`InSub`, `Exists`, `Scalar`)
    /// push nothing: each walker decides what a subquery means to it.
    pub fn push_operands<'a>(&'a self, out: &mut Vec<&'a CExpr>) {
        match self {
            CExpr::Neg(x)
            | CExpr::Plus(x)
            | CExpr::BitNot(x)
            | CExpr::Not(x)
            | CExpr::IsNull(x)
            | CExpr::NotNull(x)
            | CExpr::Cast(x, _)
            | CExpr::Affinity(x, _) => out.push(x),
            CExpr::Arith(_, l, r)
            | CExpr::And(l, r)
            | CExpr::Or(l, r)
            | CExpr::Cmp { l, r, .. }
            | CExpr::Is { l, r, .. } => {
                out.push(l);
                out.push(r);
            }
            CExpr::InList { x, list, .. } => {
                out.push(x);
                out.extend(list.iter());
            }
            CExpr::Case {
                base, whens, els, ..
            } => {
                out.extend(base.as_deref());
                for (w, t) in whens {
                    out.push(w);
                    out.push(t);
                }
                out.extend(els.as_deref());
            }
            CExpr::Like { x, pat, esc, .. } => {
                out.push(x);
                out.push(pat);
                out.extend(esc.as_deref());
            }
            CExpr::Func { args, .. } | CExpr::Vector(args) => out.extend(args.iter()),
            CExpr::Const(_)
            | CExpr::Param(_)
            | CExpr::Column { .. }
            | CExpr::AggRef(_)
            | CExpr::GroupKey(_)
            | CExpr::Error(_)
            | CExpr::Raise(..)
            | CExpr::InSub { .. }
            | CExpr::Exists { .. }
            | CExpr::Scalar(_) => {}
        }
    }

    /// Whether evaluating this expression may read a slot's current row: it
    /// names a column, or holds a subquery (which may be correlated). Used
    /// to skip keeping per-group row snapshots nobody reads.
    pub fn reads_columns(&self) -> bool {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                CExpr::Column { .. }
                | CExpr::InSub { .. }
                | CExpr::Exists { .. }
                | CExpr::Scalar(_) => return true,
                _ => e.push_operands(&mut stack),
            }
        }
        false
    }

    /// Whether this expression reads nothing of `slot`'s row but its rowid
    /// (column `usize::MAX` or the rowid alias `alias`); false when it holds
    /// a subquery (whose references are not tracked here).
    pub fn reads_only_rowid(&self, slot: usize, alias: Option<usize>) -> bool {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                CExpr::Column { slot: s, col } => {
                    if *s == slot && *col != usize::MAX && Some(*col) != alias {
                        return false;
                    }
                }
                CExpr::InSub { .. } | CExpr::Exists { .. } | CExpr::Scalar(_) => return false,
                _ => e.push_operands(&mut stack),
            }
        }
        true
    }

    /// Slots this expression reads; `None` when it holds a subquery (whose
    /// references are not tracked here).
    pub fn slots(&self, out: &mut Vec<usize>) -> bool {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                CExpr::Column { slot, .. } => out.push(*slot),
                CExpr::InSub { .. } | CExpr::Exists { .. } | CExpr::Scalar(_) => return false,
                CExpr::AggRef(_) | CExpr::GroupKey(_) => return false,
                _ => e.push_operands(&mut stack),
            }
        }
        true
    }
}
