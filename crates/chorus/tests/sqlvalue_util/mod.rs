//! Helpers shared by the sqlvalue differential tests: a deterministic PRNG,
//! conversions between rusqlite values and ours, and value pools.
#![allow(dead_code)]

use chorus::sqlvalue::compare::sort_compare;
use chorus::sqlvalue::Collation;
use chorus::Value;
use rusqlite::types::{ToSqlOutput, ValueRef as RValueRef};
use rusqlite::Connection;

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    pub fn pick_str<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

pub fn conn() -> Connection {
    Connection::open_in_memory().unwrap()
}

pub fn from_sqlite(v: RValueRef) -> Value {
    match v {
        RValueRef::Null => Value::Null,
        RValueRef::Integer(i) => Value::Integer(i),
        RValueRef::Real(r) => Value::Real(r),
        RValueRef::Text(t) => Value::Text(t.to_vec()),
        RValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// Bindable wrapper for our values. Text must be UTF-8 to bind; non-UTF-8
/// text is rejected by the caller's pools.
pub struct Bind<'a>(pub &'a Value);

impl rusqlite::ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Borrowed(RValueRef::Null),
            Value::Integer(i) => ToSqlOutput::Borrowed(RValueRef::Integer(*i)),
            Value::Real(r) => ToSqlOutput::Borrowed(RValueRef::Real(*r)),
            Value::Text(t) => ToSqlOutput::Borrowed(RValueRef::Text(t)),
            Value::Blob(b) => ToSqlOutput::Borrowed(RValueRef::Blob(b)),
        })
    }
}

/// Identical value and type (reals compared bit for bit, except NaN).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        _ => a == b,
    }
}

/// Same value, treating 0.0 and -0.0 as equal.
pub fn same_num(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => x == y || x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// Evaluate `sql` with the given parameters, returning the single value.
pub fn eval(c: &Connection, sql: &str, params: &[&Value]) -> Result<Value, String> {
    let mut st = c.prepare_cached(sql).map_err(|e| e.to_string())?;
    let binds: Vec<Bind> = params.iter().map(|v| Bind(v)).collect();
    let refs: Vec<&dyn rusqlite::ToSql> = binds.iter().map(|b| b as &dyn rusqlite::ToSql).collect();
    let mut rows = st.query(refs.as_slice()).map_err(|e| e.to_string())?;
    match rows.next() {
        Ok(Some(row)) => Ok(from_sqlite(row.get_ref(0).map_err(|e| e.to_string())?)),
        Ok(None) => Err("no row".into()),
        Err(e) => Err(e.to_string()),
    }
}

pub fn t(s: &str) -> Value {
    Value::Text(s.as_bytes().to_vec())
}

/// A pool of interesting values of every class.
pub fn value_pool() -> Vec<Value> {
    let mut v = vec![
        Value::Null,
        Value::Integer(0),
        Value::Integer(1),
        Value::Integer(-1),
        Value::Integer(2),
        Value::Integer(3),
        Value::Integer(-7),
        Value::Integer(10),
        Value::Integer(64),
        Value::Integer(63),
        Value::Integer(-64),
        Value::Integer(i64::MAX),
        Value::Integer(i64::MIN),
        Value::Integer(i64::MAX - 1),
        Value::Integer(i64::MIN + 1),
        Value::Integer(4294967296),
        Value::Integer(9007199254740993),
        Value::Integer(3037000500),
        Value::Real(0.0),
        Value::Real(-0.0),
        Value::Real(0.5),
        Value::Real(-2.5),
        Value::Real(1.0),
        Value::Real(3.0),
        Value::Real(1e100),
        Value::Real(-1e-100),
        Value::Real(9.223_372_036_854_776e18),
        Value::Real(-9.223_372_036_854_776e18),
        Value::Real(f64::INFINITY),
        Value::Real(f64::NEG_INFINITY),
        Value::Real(123.456),
        Value::Real(1e15),
        Value::Real(4503599627370496.5),
        Value::Real(2251799813685248.0),
        t(""),
        t("0"),
        t("12"),
        t(" 12 "),
        t("-3"),
        t("1.5"),
        t("1e3"),
        t("1e"),
        t("abc"),
        t("12abc"),
        t("1.5x"),
        t("0x10"),
        t("9223372036854775807"),
        t("9223372036854775808"),
        t("-9223372036854775808"),
        t("-9223372036854775809"),
        t("  +7.25e-2  "),
        t("."),
        t("-"),
        t("Inf"),
        t("1e400"),
        t("ABC"),
        t("abc "),
        t("é"),
        t("É"),
        Value::Blob(vec![]),
        Value::Blob(b"12".to_vec()),
        Value::Blob(vec![0, 1, 2]),
        Value::Blob(b"abc".to_vec()),
        Value::Blob(b"3.5".to_vec()),
    ];
    v.push(Value::Real(f64::MIN_POSITIVE));
    v
}

pub fn cmp_char(o: std::cmp::Ordering) -> i64 {
    match o {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

pub fn sort_vals(vals: &mut [Value], coll: &Collation) {
    vals.sort_by(|a, b| sort_compare(a.as_ref(), b.as_ref(), coll));
}

/// Random-case count: `n`, or `n * 50` with `CHORUS_SOAK=1`.
pub fn iterations(n: usize) -> usize {
    if std::env::var("CHORUS_SOAK").is_ok_and(|v| v == "1") {
        n * 50
    } else {
        n
    }
}
