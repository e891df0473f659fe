//! Renders one result value as text for a sqllogictest column type, exactly
//! as the reference C harness (`slt_sqlite.c`) does with SQLite's C API:
//!
//! - NULL of any column type is `NULL`;
//! - `I`: `sqlite3_column_int` (the value converted to a 64-bit integer, then
//!   truncated to 32 bits) printed with `%d`;
//! - `R`: `sqlite3_column_double` printed with SQLite's `%.3f`;
//! - `T`: `sqlite3_column_text` read as a C string (so it stops at a NUL
//!   byte), `(empty)` when that is empty, every byte below `' '` or above
//!   `'~'` replaced by `@`.

use super::sqlite_number::{format_real_3f, real_to_i64, real_to_text, text_to_f64, text_to_i64};
use chorus::Value;

/// Renders `v` for column type `ty` (`b'I'`, `b'R'` or `b'T'`).
pub fn render_value(v: &Value, ty: u8) -> String {
    if let Value::Null = v {
        return "NULL".to_string();
    }
    match ty {
        b'I' => {
            let i = match v {
                Value::Integer(i) => *i,
                Value::Real(r) => real_to_i64(*r),
                Value::Text(t) | Value::Blob(t) => text_to_i64(t),
                Value::Null => 0,
            };
            // sqlite3_column_int keeps the low 32 bits.
            (i as i32).to_string()
        }
        b'R' => {
            let r = match v {
                Value::Integer(i) => *i as f64,
                Value::Real(r) => *r,
                Value::Text(t) | Value::Blob(t) => text_to_f64(t),
                Value::Null => 0.0,
            };
            format_real_3f(r)
        }
        _ => {
            let bytes: Vec<u8> = match v {
                Value::Integer(i) => i.to_string().into_bytes(),
                Value::Real(r) => real_to_text(*r).into_bytes(),
                Value::Text(t) | Value::Blob(t) => t.clone(),
                Value::Null => Vec::new(),
            };
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            if end == 0 {
                return "(empty)".to_string();
            }
            bytes[..end]
                .iter()
                .map(|&b| {
                    if (b' '..=b'~').contains(&b) {
                        b as char
                    } else {
                        '@'
                    }
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::Text(s.as_bytes().to_vec())
    }

    #[test]
    fn nulls_and_empties() {
        for ty in [b'I', b'R', b'T'] {
            assert_eq!(render_value(&Value::Null, ty), "NULL");
        }
        assert_eq!(render_value(&t(""), b'T'), "(empty)");
        assert_eq!(render_value(&Value::Blob(vec![0, 65]), b'T'), "(empty)");
        assert_eq!(render_value(&Value::Blob(vec![]), b'T'), "(empty)");
    }

    #[test]
    fn integer_columns() {
        assert_eq!(render_value(&Value::Integer(-42), b'I'), "-42");
        assert_eq!(render_value(&Value::Real(2.9), b'I'), "2");
        assert_eq!(render_value(&Value::Real(-2.9), b'I'), "-2");
        assert_eq!(render_value(&t("12abc"), b'I'), "12");
        assert_eq!(render_value(&t("abc"), b'I'), "0");
        // Truncated to 32 bits like sqlite3_column_int.
        assert_eq!(render_value(&Value::Integer(4_294_967_297), b'I'), "1");
        assert_eq!(
            render_value(&Value::Integer(2_147_483_648), b'I'),
            "-2147483648"
        );
    }

    #[test]
    fn real_columns() {
        assert_eq!(render_value(&Value::Integer(3), b'R'), "3.000");
        assert_eq!(render_value(&Value::Real(-0.5), b'R'), "-0.500");
        assert_eq!(render_value(&Value::Real(1.0625), b'R'), "1.063");
        assert_eq!(render_value(&t("2.5x"), b'R'), "2.500");
        assert_eq!(render_value(&t("x"), b'R'), "0.000");
    }

    #[test]
    fn text_columns() {
        assert_eq!(render_value(&Value::Integer(-7), b'T'), "-7");
        assert_eq!(render_value(&Value::Real(1.0), b'T'), "1.0");
        assert_eq!(render_value(&Value::Real(0.1), b'T'), "0.1");
        assert_eq!(render_value(&t("a\tb\u{e9}"), b'T'), "a@b@@");
        assert_eq!(render_value(&Value::Blob(b"ab\0cd".to_vec()), b'T'), "ab");
    }
}
