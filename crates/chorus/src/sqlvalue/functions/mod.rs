//! Built-in scalar SQL functions (lang_corefunc), looked up by name and
//! argument count. Each takes the call's [`FunctionContext`] and its evaluated
//! arguments. The short-circuit functions (coalesce, ifnull, iif, likely,
//! unlikely, likelihood) are also provided eagerly here; an engine may
//! evaluate them lazily instead.

mod math;
mod misc;
mod text;

pub use misc::{SQLITE_SOURCE_ID, SQLITE_VERSION};
pub use text::quote_value;

use super::collation::Collation;
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use std::hash::{BuildHasher, Hasher};

/// Per-call environment of a scalar function.
#[derive(Clone, Debug)]
pub struct FunctionContext {
    pub last_insert_rowid: i64,
    pub changes: i64,
    pub total_changes: i64,
    /// `PRAGMA case_sensitive_like`.
    pub case_sensitive_like: bool,
    /// Collation for min(), max() and nullif() (that of the first argument
    /// expression with a collation, else BINARY).
    pub collation: Collation,
    /// The statement's "now" as Unix milliseconds, for date/time functions;
    /// `None` reads the system clock (once per call).
    pub now_unix_ms: Option<i64>,
    /// State of the PRNG behind random() and randomblob().
    pub random_state: u64,
}

impl Default for FunctionContext {
    fn default() -> FunctionContext {
        FunctionContext::new()
    }
}

impl FunctionContext {
    pub fn new() -> FunctionContext {
        let seed = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        FunctionContext {
            last_insert_rowid: 0,
            changes: 0,
            total_changes: 0,
            case_sensitive_like: false,
            collation: Collation::Binary,
            now_unix_ms: None,
            random_state: seed | 1,
        }
    }

    /// Next 64 random bits (xorshift64*).
    pub fn next_random(&mut self) -> u64 {
        let mut x = self.random_state;
        if x == 0 {
            x = 0x9E37_79B9_7F4A_7C15;
        }
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.random_state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// "now" as Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        match self.now_unix_ms {
            Some(ms) => ms,
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0),
        }
    }
}

/// A scalar function implementation over owned arguments.
pub type ScalarFn = fn(&mut FunctionContext, &[Value]) -> Result<Value>;

/// The same function over borrowed arguments (no per-row copies of text or
/// blob arguments: prefer this one on hot paths).
pub type ScalarFnRef = fn(&mut FunctionContext, &[ValueRef]) -> Result<Value>;

/// A found scalar function.
#[derive(Clone, Copy)]
pub struct ScalarFnInfo {
    pub func: ScalarFn,
    pub func_ref: ScalarFnRef,
    /// Same result for the same arguments (random(), changes() … are not).
    pub deterministic: bool,
}

/// Run `f` over borrowed views of `a` (on the stack for up to 8 arguments).
#[inline]
pub fn with_refs<R>(a: &[Value], f: impl FnOnce(&[ValueRef]) -> R) -> R {
    if a.len() <= 8 {
        let mut buf = [ValueRef::Null; 8];
        for (slot, v) in buf.iter_mut().zip(a) {
            *slot = v.as_ref();
        }
        f(&buf[..a.len()])
    } else {
        let v: Vec<ValueRef> = a.iter().map(|v| v.as_ref()).collect();
        f(&v)
    }
}

/// Argument-count rule of a function name.
#[derive(Clone, Copy)]
enum Arity {
    Exact(usize),
    AtLeast(usize),
    Range(usize, usize),
}

impl Arity {
    fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exact(k) => n == k,
            Arity::AtLeast(k) => n >= k,
            Arity::Range(a, b) => n >= a && n <= b,
        }
    }
}

struct Entry {
    name: &'static str,
    arity: Arity,
    func: ScalarFn,
    func_ref: ScalarFnRef,
    deterministic: bool,
}

macro_rules! e {
    ($name:expr, $arity:expr, $f:path) => {
        e!(@ $name, $arity, $f, true)
    };
    ($name:expr, $arity:expr, $f:path, nondet) => {
        e!(@ $name, $arity, $f, false)
    };
    (@ $name:expr, $arity:expr, $f:path, $det:expr) => {
        Entry {
            name: $name,
            arity: $arity,
            func: |ctx: &mut FunctionContext, a: &[Value]| with_refs(a, |r| $f(ctx, r)),
            func_ref: $f,
            deterministic: $det,
        }
    };
}

use Arity::*;

static TABLE: &[Entry] = &[
    e!("abs", Exact(1), math::abs),
    e!("changes", Exact(0), misc::changes, nondet),
    e!("char", AtLeast(0), text::char_fn),
    e!("coalesce", AtLeast(2), misc::coalesce),
    e!("concat", AtLeast(1), text::concat),
    e!("concat_ws", AtLeast(2), text::concat_ws),
    e!("format", AtLeast(0), text::printf),
    e!("glob", Exact(2), text::glob_fn),
    e!("hex", Exact(1), text::hex),
    e!("ifnull", Exact(2), misc::coalesce),
    e!("iif", Exact(3), misc::iif),
    e!("instr", Exact(2), text::instr),
    e!(
        "last_insert_rowid",
        Exact(0),
        misc::last_insert_rowid,
        nondet
    ),
    e!("length", Exact(1), text::length),
    e!("like", Range(2, 3), text::like_fn),
    e!("likelihood", Exact(2), misc::likelihood),
    e!("likely", Exact(1), misc::first),
    e!("lower", Exact(1), text::lower),
    e!("ltrim", Range(1, 2), text::ltrim),
    e!("max", AtLeast(2), misc::max),
    e!("min", AtLeast(2), misc::min),
    e!("nullif", Exact(2), misc::nullif),
    e!("octet_length", Exact(1), text::octet_length),
    e!("printf", AtLeast(0), text::printf),
    e!("quote", Exact(1), text::quote),
    e!("random", Exact(0), math::random, nondet),
    e!("randomblob", Exact(1), math::randomblob, nondet),
    e!("replace", Exact(3), text::replace),
    e!("round", Range(1, 2), math::round),
    e!("rtrim", Range(1, 2), text::rtrim),
    e!("sign", Exact(1), math::sign),
    e!("soundex", Exact(1), text::soundex),
    e!(
        "sqlite_compileoption_get",
        Exact(1),
        misc::sqlite_compileoption_get
    ),
    e!(
        "sqlite_compileoption_used",
        Exact(1),
        misc::sqlite_compileoption_used
    ),
    e!("sqlite_source_id", Exact(0), misc::sqlite_source_id),
    e!("sqlite_version", Exact(0), misc::sqlite_version),
    e!("subtype", Exact(1), misc::subtype),
    e!("substr", Range(2, 3), text::substr),
    e!("substring", Range(2, 3), text::substr),
    e!("total_changes", Exact(0), misc::total_changes, nondet),
    e!("trim", Range(1, 2), text::trim),
    e!("typeof", Exact(1), misc::typeof_fn),
    e!("unhex", Range(1, 2), text::unhex),
    e!("unicode", Exact(1), text::unicode),
    e!("unlikely", Exact(1), misc::first),
    e!("upper", Exact(1), text::upper),
    e!("zeroblob", Exact(1), text::zeroblob),
    // Math functions (SQLITE_ENABLE_MATH_FUNCTIONS, on in the sqlite3 shell).
    e!("acos", Exact(1), math::acos),
    e!("acosh", Exact(1), math::acosh),
    e!("asin", Exact(1), math::asin),
    e!("asinh", Exact(1), math::asinh),
    e!("atan", Exact(1), math::atan),
    e!("atan2", Exact(2), math::atan2),
    e!("atanh", Exact(1), math::atanh),
    e!("ceil", Exact(1), math::ceil),
    e!("ceiling", Exact(1), math::ceil),
    e!("cos", Exact(1), math::cos),
    e!("cosh", Exact(1), math::cosh),
    e!("degrees", Exact(1), math::degrees),
    e!("exp", Exact(1), math::exp),
    e!("floor", Exact(1), math::floor),
    e!("ln", Exact(1), math::ln),
    e!("log", Range(1, 2), math::log),
    e!("log10", Exact(1), math::log10),
    e!("log2", Exact(1), math::log2),
    e!("mod", Exact(2), math::fmod),
    e!("pi", Exact(0), math::pi),
    e!("pow", Exact(2), math::pow),
    e!("power", Exact(2), math::pow),
    e!("radians", Exact(1), math::radians),
    e!("sin", Exact(1), math::sin),
    e!("sinh", Exact(1), math::sinh),
    e!("sqrt", Exact(1), math::sqrt),
    e!("tan", Exact(1), math::tan),
    e!("tanh", Exact(1), math::tanh),
    e!("trunc", Exact(1), math::trunc),
    // Date and time functions (lang_datefunc).
    e!("date", AtLeast(0), super::datetime::date_fn, nondet),
    e!("time", AtLeast(0), super::datetime::time_fn, nondet),
    e!("datetime", AtLeast(0), super::datetime::datetime_fn, nondet),
    e!(
        "julianday",
        AtLeast(0),
        super::datetime::julianday_fn,
        nondet
    ),
    e!(
        "unixepoch",
        AtLeast(0),
        super::datetime::unixepoch_fn,
        nondet
    ),
    e!("strftime", AtLeast(0), super::datetime::strftime_fn, nondet),
    e!("timediff", Exact(2), super::datetime::timediff_fn, nondet),
    e!(
        "current_date",
        Exact(0),
        super::datetime::current_date,
        nondet
    ),
    e!(
        "current_time",
        Exact(0),
        super::datetime::current_time,
        nondet
    ),
    e!(
        "current_timestamp",
        Exact(0),
        super::datetime::current_timestamp,
        nondet
    ),
];

fn lookup(name: &str) -> impl Iterator<Item = &'static Entry> + '_ {
    TABLE
        .iter()
        .filter(move |e| e.name.eq_ignore_ascii_case(name))
}

/// The scalar function `name` (any case) taking `n_args` arguments.
/// `min`/`max` with one argument are aggregates, not found here.
pub fn find_scalar(name: &str, n_args: usize) -> Option<ScalarFnInfo> {
    lookup(name)
        .find(|e| e.arity.accepts(n_args))
        .map(|e| ScalarFnInfo {
            func: e.func,
            func_ref: e.func_ref,
            deterministic: e.deterministic,
        })
}

/// Whether `name` is a built-in scalar function for some argument count
/// (so a failed [`find_scalar`] means "wrong number of arguments").
pub fn scalar_name_known(name: &str) -> bool {
    lookup(name).next().is_some()
}

/// SQLite's error for a bad argument count: `wrong number of arguments to
/// function abs()`.
pub fn wrong_arg_count(name: &str) -> Error {
    Error::new(
        ResultCode::ERROR,
        format!("wrong number of arguments to function {name}()"),
    )
}

/// An `SQLITE_ERROR` result with a message (as `sqlite3_result_error`).
pub(crate) fn func_error(msg: &str) -> Error {
    Error::new(ResultCode::ERROR, msg)
}

/// `SQLITE_TOOBIG` (`string or blob too big`).
pub(crate) fn too_big() -> Error {
    Error::new(ResultCode::TOOBIG, "string or blob too big")
}

/// SQLite's default `SQLITE_LIMIT_LENGTH`.
pub const MAX_LENGTH: i64 = 1_000_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_rules() {
        assert!(find_scalar("ABS", 1).is_some());
        assert!(find_scalar("abs", 2).is_none());
        assert!(scalar_name_known("abs"));
        assert!(find_scalar("max", 1).is_none());
        assert!(find_scalar("max", 3).is_some());
        assert!(find_scalar("coalesce", 1).is_none());
        assert!(!find_scalar("random", 0).unwrap().deterministic);
        assert_eq!(
            wrong_arg_count("abs").message,
            "wrong number of arguments to function abs()"
        );
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    /// Calling any function with any argument count (engine misuse) must
    /// not panic.
    #[test]
    fn any_arity_never_panics() {
        let vals = [
            Value::Null,
            Value::Integer(-3),
            Value::Real(2.5),
            Value::from("2024-01-01"),
            Value::Blob(vec![0xff]),
        ];
        let mut ctx = FunctionContext::new();
        for e in TABLE {
            for n in 0..5 {
                let args: Vec<Value> = (0..n).map(|i| vals[i % vals.len()].clone()).collect();
                let _ = (e.func)(&mut ctx, &args);
            }
        }
    }
}
