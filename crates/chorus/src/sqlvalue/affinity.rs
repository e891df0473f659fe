//! Column affinity (datatype3 §3): how a declared type name maps to an
//! affinity, and the conversion applied when a value is stored in a column.

use super::format::{format_int, format_real};
use super::numeric::{text_to_num, Num};
use chorus_storage::{Value, ValueRef};

/// A type affinity.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Affinity {
    Blob,
    Text,
    Numeric,
    Integer,
    Real,
}

impl Affinity {
    /// Affinity of a column's declared type (datatype3 §3.1): INT →
    /// INTEGER; CHAR/CLOB/TEXT → TEXT; BLOB or no type at all → BLOB;
    /// REAL/FLOA/DOUB → REAL; else NUMERIC. Scans like `sqlite3AffinityType`.
    pub fn from_declared_type(decl: &str) -> Affinity {
        if decl.is_empty() {
            return Affinity::Blob;
        }
        Affinity::of_type_name(decl)
    }

    /// `sqlite3AffinityType` exactly (an empty name gives NUMERIC; used by
    /// CAST).
    pub fn of_type_name(name: &str) -> Affinity {
        let mut h: u32 = 0;
        let mut aff = Affinity::Numeric;
        let key = |s: &[u8; 4]| u32::from_be_bytes(*s);
        for &x in name.as_bytes() {
            h = (h << 8).wrapping_add(x.to_ascii_lowercase() as u32);
            if h == key(b"char") || h == key(b"clob") || h == key(b"text") {
                aff = Affinity::Text;
            } else if h == key(b"blob") && matches!(aff, Affinity::Numeric | Affinity::Real) {
                aff = Affinity::Blob;
            } else if (h == key(b"real") || h == key(b"floa") || h == key(b"doub"))
                && aff == Affinity::Numeric
            {
                aff = Affinity::Real;
            } else if h & 0x00FF_FFFF
                == (u32::from(b'i') << 16) + (u32::from(b'n') << 8) + u32::from(b't')
            {
                return Affinity::Integer;
            }
        }
        aff
    }

    /// INTEGER, REAL or NUMERIC.
    #[inline]
    pub fn is_numeric(self) -> bool {
        matches!(self, Affinity::Numeric | Affinity::Integer | Affinity::Real)
    }

    /// The affinity's name as in `PRAGMA table_info`-style output.
    pub fn name(self) -> &'static str {
        match self {
            Affinity::Blob => "BLOB",
            Affinity::Text => "TEXT",
            Affinity::Numeric => "NUMERIC",
            Affinity::Integer => "INTEGER",
            Affinity::Real => "REAL",
        }
    }
}

/// Convert a value as SQLite does when storing it into a column of the
/// given affinity (`applyAffinity`). For REAL columns integers become reals
/// (SQLite stores them as integers on disk but reads them back as REAL).
pub fn apply_affinity(v: Value, aff: Affinity) -> Value {
    match aff {
        Affinity::Blob => v,
        Affinity::Text => match v {
            Value::Integer(i) => {
                let mut out = Vec::with_capacity(20);
                format_int(i, &mut out);
                Value::Text(out)
            }
            Value::Real(r) => {
                let mut out = Vec::with_capacity(24);
                format_real(r, &mut out);
                Value::Text(out)
            }
            other => other,
        },
        Affinity::Numeric | Affinity::Integer => match v {
            Value::Text(ref t) => match text_to_num(t, true) {
                Some(n) => n.to_value(),
                None => v,
            },
            Value::Real(r) => real_integer_affinity(r),
            other => other,
        },
        Affinity::Real => match v {
            Value::Text(ref t) => match text_to_num(t, true) {
                Some(Num::Int(i)) => Value::Real(i as f64),
                Some(Num::Real(r)) => Value::Real(r),
                None => v,
            },
            Value::Integer(i) => Value::Real(i as f64),
            // SQLite stores integral reals as integers: -0.0 reads back 0.0.
            Value::Real(r) => match real_integer_affinity(r) {
                Value::Integer(i) => Value::Real(i as f64),
                x => x,
            },
            other => other,
        },
    }
}

/// `sqlite3VdbeIntegerAffinity`: a real that is exactly an integer (and not
/// the extreme i64 values) becomes that integer.
#[inline]
pub fn real_integer_affinity(r: f64) -> Value {
    let ix = super::numeric::real_to_i64(r);
    if r == ix as f64 && ix > i64::MIN && ix < i64::MAX {
        Value::Integer(ix)
    } else {
        Value::Real(r)
    }
}

/// Numeric affinity for a comparison operand (`applyNumericAffinity(p, 0)`):
/// text that looks like a number becomes that number; anything else is
/// returned unchanged. No allocation.
#[inline]
pub fn apply_numeric_affinity_ref(v: ValueRef) -> ValueRef {
    match v {
        ValueRef::Text(t) => match text_to_num(t, false) {
            Some(Num::Int(i)) => ValueRef::Integer(i),
            Some(Num::Real(r)) => ValueRef::Real(r),
            None => v,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types() {
        use Affinity::*;
        for (d, a) in [
            ("INTEGER", Integer),
            ("TINYINT", Integer),
            ("VARCHAR(10)", Text),
            ("CLOB", Text),
            ("BLOB", Blob),
            ("", Blob),
            ("DOUBLE PRECISION", Real),
            ("FLOATING POINT", Integer),
            ("DECIMAL(10,5)", Numeric),
            ("STRING", Numeric),
            ("CHARINT", Integer),
        ] {
            assert_eq!(Affinity::from_declared_type(d), a, "{d}");
        }
    }
}
