//! Conversions between Rust values and SQL values: [`ToSql`] for binding
//! parameters, [`FromSql`] for reading columns (with SQLite's conversions,
//! as `sqlite3_column_int64` / `_double` / `_text` apply them), and the
//! [`Params`] trait for the parameter lists `execute` and `query` accept.

use crate::sqlvalue::format::value_to_text;
use crate::sqlvalue::numeric::{value_to_f64, value_to_i64};
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};

/// A value that can be bound to a statement parameter.
pub trait ToSql {
    fn to_sql(&self) -> Result<Value>;
}

/// A type a column value can be read as.
pub trait FromSql: Sized {
    fn from_sql(v: ValueRef<'_>) -> Result<Self>;
}

/// The SQL NULL, for binding.
#[derive(Clone, Copy, Debug)]
pub struct Null;

impl ToSql for Null {
    fn to_sql(&self) -> Result<Value> {
        Ok(Value::Null)
    }
}

macro_rules! int_to_sql {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> Result<Value> { Ok(Value::Integer(*self as i64)) }
        }
    )*};
}
int_to_sql!(i8, i16, i32, i64, isize, u8, u16, u32);

impl ToSql for u64 {
    fn to_sql(&self) -> Result<Value> {
        i64::try_from(*self)
            .map(Value::Integer)
            .map_err(|_| Error::new(ResultCode::RANGE, "integer too large for SQLite"))
    }
}
impl ToSql for usize {
    fn to_sql(&self) -> Result<Value> {
        i64::try_from(*self)
            .map(Value::Integer)
            .map_err(|_| Error::new(ResultCode::RANGE, "integer too large for SQLite"))
    }
}
impl ToSql for bool {
    fn to_sql(&self) -> Result<Value> {
        Ok(Value::Integer(*self as i64))
    }
}
impl ToSql for f64 {
    fn to_sql(&self) -> Result<Value> {
        Ok(if self.is_nan() {
            Value::Null
        } else {
            Value::Real(*self)
        })
    }
}
impl ToSql for f32 {
    fn to_sql(&self) -> Result<Value> {
        (*self as f64).to_sql()
    }
}
impl ToSql for str {
    fn to_sql(&self) -> Result<Value> {
        Ok(Value::Text(self.as_bytes().to_vec()))
    }
}
impl ToSql for String {
    fn to_sql(&self) -> Result<Value> {
        Ok(Value::Text(self.as_bytes().to_vec()))
    }
}
impl ToSql for [u8] {
    fn to_sql(&self) -> Result<Value> {
        Ok(Value::Blob(self.to_vec()))
    }
}
impl ToSql for Vec<u8> {
    fn to_sql(&self) -> Result<Value> {
        Ok(Value::Blob(self.clone()))
    }
}
impl ToSql for Value {
    fn to_sql(&self) -> Result<Value> {
        Ok(self.clone())
    }
}
impl ToSql for ValueRef<'_> {
    fn to_sql(&self) -> Result<Value> {
        Ok(ValueRef::to_owned(*self))
    }
}
impl<T: ToSql> ToSql for Option<T> {
    fn to_sql(&self) -> Result<Value> {
        match self {
            Some(v) => v.to_sql(),
            None => Ok(Value::Null),
        }
    }
}
impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_sql(&self) -> Result<Value> {
        (**self).to_sql()
    }
}
impl<T: ToSql + ?Sized> ToSql for Box<T> {
    fn to_sql(&self) -> Result<Value> {
        (**self).to_sql()
    }
}

fn type_err(want: &str, v: ValueRef<'_>) -> Error {
    let got = match v {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "INTEGER",
        ValueRef::Real(_) => "REAL",
        ValueRef::Text(_) => "TEXT",
        ValueRef::Blob(_) => "BLOB",
    };
    Error::new(
        ResultCode::MISMATCH,
        format!("cannot read {got} value as {want}"),
    )
}

impl FromSql for i64 {
    fn from_sql(v: ValueRef<'_>) -> Result<Self> {
        Ok(value_to_i64(v))
    }
}
macro_rules! small_int_from_sql {
    ($($t:ty),*) => {$(
        impl FromSql for $t {
            fn from_sql(v: ValueRef<'_>) -> Result<Self> {
                let i = value_to_i64(v);
                <$t>::try_from(i).map_err(|_| Error::new(ResultCode::RANGE, format!("integer {i} out of range")))
            }
        }
    )*};
}
small_int_from_sql!(i8, i16, i32, u8, u16, u32, u64, usize, isize);

impl FromSql for bool {
    fn from_sql(v: ValueRef<'_>) -> Result<Self> {
        Ok(value_to_i64(v) != 0)
    }
}
impl FromSql for f64 {
    fn from_sql(v: ValueRef<'_>) -> Result<Self> {
        Ok(value_to_f64(v))
    }
}
impl FromSql for String {
    fn from_sql(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Null => Ok(String::new()),
            _ => {
                let t = value_to_text(v);
                String::from_utf8(t.into_owned()).map_err(|_| type_err("UTF-8 String", v))
            }
        }
    }
}
impl FromSql for Vec<u8> {
    fn from_sql(v: ValueRef<'_>) -> Result<Self> {
        Ok(match v {
            ValueRef::Null => Vec::new(),
            ValueRef::Blob(b) | ValueRef::Text(b) => b.to_vec(),
            other => value_to_text(other).into_owned(),
        })
    }
}
impl FromSql for Value {
    fn from_sql(v: ValueRef<'_>) -> Result<Self> {
        Ok(ValueRef::to_owned(v))
    }
}
impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Null => Ok(None),
            other => T::from_sql(other).map(Some),
        }
    }
}

/// Parameter lists: `()`, tuples of `ToSql` values, slices and arrays of
/// `&dyn ToSql`, `Vec<Value>`, and `&[(&str, &dyn ToSql)]` for named
/// parameters.
pub trait Params {
    /// The values to bind, by position (1-based index = position + 1) or name.
    fn values(&self) -> Result<Vec<(ParamKey, Value)>>;
}

/// Where a value binds.
#[derive(Debug, Clone)]
pub enum ParamKey {
    Index(usize),
    Name(String),
}

impl Params for () {
    fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
        Ok(Vec::new())
    }
}

impl Params for &[&dyn ToSql] {
    fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
        self.iter()
            .enumerate()
            .map(|(i, v)| Ok((ParamKey::Index(i + 1), v.to_sql()?)))
            .collect()
    }
}

impl<const N: usize> Params for [&dyn ToSql; N] {
    fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
        self.iter()
            .enumerate()
            .map(|(i, v)| Ok((ParamKey::Index(i + 1), v.to_sql()?)))
            .collect()
    }
}

impl<const N: usize> Params for &[&dyn ToSql; N] {
    fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
        self.iter()
            .enumerate()
            .map(|(i, v)| Ok((ParamKey::Index(i + 1), v.to_sql()?)))
            .collect()
    }
}

impl Params for &[(&str, &dyn ToSql)] {
    fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
        self.iter()
            .map(|(n, v)| Ok((ParamKey::Name(n.to_string()), v.to_sql()?)))
            .collect()
    }
}

impl<const N: usize> Params for &[(&str, &dyn ToSql); N] {
    fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
        self.iter()
            .map(|(n, v)| Ok((ParamKey::Name(n.to_string()), v.to_sql()?)))
            .collect()
    }
}

impl Params for Vec<Value> {
    fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
        Ok(self
            .iter()
            .enumerate()
            .map(|(i, v)| (ParamKey::Index(i + 1), v.clone()))
            .collect())
    }
}

impl Params for &[Value] {
    fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
        Ok(self
            .iter()
            .enumerate()
            .map(|(i, v)| (ParamKey::Index(i + 1), v.clone()))
            .collect())
    }
}

macro_rules! tuple_params {
    ($($n:tt $t:ident),+) => {
        impl<$($t: ToSql),+> Params for ($($t,)+) {
            fn values(&self) -> Result<Vec<(ParamKey, Value)>> {
                Ok(vec![$((ParamKey::Index($n + 1), self.$n.to_sql()?)),+])
            }
        }
    };
}
tuple_params!(0 A);
tuple_params!(0 A, 1 B);
tuple_params!(0 A, 1 B, 2 C);
tuple_params!(0 A, 1 B, 2 C, 3 D);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);

/// Build a `&[&dyn ToSql]` parameter list: `params![1, "x", 2.5]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[&dyn $crate::ToSql] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::ToSql),+] as &[&dyn $crate::ToSql] };
}

/// Build a named parameter list: `named_params!{":a": 1, "@b": "x"}`.
#[macro_export]
macro_rules! named_params {
    () => { &[] as &[(&str, &dyn $crate::ToSql)] };
    ($($n:literal : $p:expr),+ $(,)?) => { &[$(($n, &$p as &dyn $crate::ToSql)),+] as &[(&str, &dyn $crate::ToSql)] };
}
