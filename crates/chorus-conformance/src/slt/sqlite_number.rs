//! SQLite's own number conversions, as the sqllogictest C harness sees them
//! through `sqlite3_column_int` / `sqlite3_column_double` /
//! `sqlite3_column_text` and `sqlite3_snprintf("%.3f")`:
//!
//! - text to integer: `sqlite3Atoi64` (leading spaces, sign, the digit
//!   prefix; saturates at the i64 range; no digits gives 0);
//! - text to real: `sqlite3AtoF` on the longest numeric prefix (0.0 when
//!   there is none);
//! - real to integer: truncation toward zero, saturating;
//! - real to text: `"%!.15g"` (15 significant digits, at least one digit
//!   after the point: `1.0`, `1.0e+20`);
//! - `"%.3f"` with SQLite's printf: at most 16 significant digits (the rest
//!   print as 0), rounding half away from zero on the decimal digits, `-0.0`
//!   prints without a sign, infinities print as `Inf` / `-Inf`.
//!
//! Every function here is checked against the bundled SQLite in the tests.

/// `isspace` as SQLite's `sqlite3Isspace` sees it.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `sqlite3Atoi64`'s value: the integer prefix of `z`, saturating.
pub fn text_to_i64(z: &[u8]) -> i64 {
    let mut i = 0;
    while i < z.len() && is_space(z[i]) {
        i += 1;
    }
    let mut neg = false;
    if i < z.len() && (z[i] == b'-' || z[i] == b'+') {
        neg = z[i] == b'-';
        i += 1;
    }
    let mut u: u128 = 0;
    while i < z.len() && z[i].is_ascii_digit() {
        u = (u * 10 + u128::from(z[i] - b'0')).min(1 << 64);
        i += 1;
    }
    if neg {
        if u >= 1 << 63 {
            i64::MIN
        } else {
            -(u as i64)
        }
    } else if u > i64::MAX as u128 {
        i64::MAX
    } else {
        u as i64
    }
}

/// `sqlite3AtoF`'s value: the longest numeric prefix of `z` (after leading
/// spaces) as a double, 0.0 when there is none.
pub fn text_to_f64(z: &[u8]) -> f64 {
    let mut i = 0;
    while i < z.len() && is_space(z[i]) {
        i += 1;
    }
    let start = i;
    if i < z.len() && (z[i] == b'-' || z[i] == b'+') {
        i += 1;
    }
    let mut digits = 0;
    while i < z.len() && z[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < z.len() && z[i] == b'.' {
        i += 1;
        while i < z.len() && z[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return 0.0;
    }
    let mut end = i;
    if i < z.len() && (z[i] == b'e' || z[i] == b'E') {
        let mut j = i + 1;
        if j < z.len() && (z[j] == b'-' || z[j] == b'+') {
            j += 1;
        }
        let exp_start = j;
        while j < z.len() && z[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            end = j;
        }
    }
    // The prefix is ASCII by construction.
    let text = std::str::from_utf8(&z[start..end]).unwrap_or("0");
    let text = text.strip_suffix('.').unwrap_or(text);
    let text = if text.starts_with('.') || text.starts_with("-.") || text.starts_with("+.") {
        text.replacen('.', "0.", 1)
    } else {
        text.to_string()
    };
    text.parse::<f64>().unwrap_or(0.0)
}

/// `doubleToInt64`: truncation toward zero, saturating at the i64 range.
pub fn real_to_i64(r: f64) -> i64 {
    // `as` saturates and maps NaN to 0, like SQLite on the platforms it
    // is tested on.
    r as i64
}

/// A positive, finite, non-zero double as decimal digits: `digits` (ASCII,
/// no leading zero) and `dp`, so that the value is `0.digits × 10^dp`.
struct Decoded {
    negative: bool,
    digits: Vec<u8>,
    dp: i32,
    special: Option<Special>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Special {
    Infinite,
    NaN,
}

/// `sqlite3FpDecode`: the digits of `r`, rounded (half up, on the decimal
/// digits) to `round` significant digits when `round > 0`, or to `-round`
/// digits after the decimal point when `round <= 0`, and never to more than
/// `max_round` significant digits. Trailing zeros are removed.
fn fp_decode(r: f64, round: i32, max_round: i32) -> Decoded {
    let negative = r < 0.0;
    if r == 0.0 {
        return Decoded {
            negative: false,
            digits: b"0".to_vec(),
            dp: 1,
            special: None,
        };
    }
    if r.is_nan() {
        return Decoded {
            negative: false,
            digits: Vec::new(),
            dp: 0,
            special: Some(Special::NaN),
        };
    }
    if r.is_infinite() {
        return Decoded {
            negative,
            digits: Vec::new(),
            dp: 0,
            special: Some(Special::Infinite),
        };
    }
    // SQLite works from an 18/19-digit integer approximation of the value;
    // 18 significant digits of the exact expansion, truncated, match it.
    let s = format!("{:.40e}", r.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).take(18).collect();
    let mut dp = exp + 1;
    let mut round = round;
    if round <= 0 {
        round = dp - round;
        if round == 0 && digits.first().is_some_and(|&d| d >= b'5') {
            digits.insert(0, b'0');
            dp += 1;
            round = 1;
        }
    }
    let n = digits.len() as i32;
    if round > 0 && (round < n || n > max_round) {
        let round = round.min(max_round) as usize;
        let up = digits.get(round).is_some_and(|&d| d >= b'5');
        digits.truncate(round);
        if up {
            let mut j = round;
            loop {
                if j == 0 {
                    digits.insert(0, b'1');
                    dp += 1;
                    break;
                }
                j -= 1;
                if digits[j] == b'9' {
                    digits[j] = b'0';
                } else {
                    digits[j] += 1;
                    break;
                }
            }
        }
    }
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.first() == Some(&b'0') && digits.len() > 1 {
        // Only possible after the round==0 carry path inserted a zero
        // that a carry did not consume; normalise.
        digits.remove(0);
        dp -= 1;
    }
    Decoded {
        negative,
        digits,
        dp,
        special: None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `%f`
    Fixed,
    /// `%g`
    Generic,
}

/// SQLite's printf for `%.<precision>f` and `%!.<precision>g` (the `!`
/// flag is `alt2`).
fn sqlite_format(r: f64, precision: i32, style: Style, alt2: bool) -> String {
    let mut precision = precision;
    let round = match style {
        Style::Fixed => -precision,
        Style::Generic => {
            if precision == 0 {
                precision = 1;
            }
            precision
        }
    };
    let d = fp_decode(r, round, if alt2 { 26 } else { 16 });
    match d.special {
        Some(Special::NaN) => return "NaN".to_string(),
        Some(Special::Infinite) => {
            return if d.negative { "-Inf" } else { "Inf" }.to_string();
        }
        None => {}
    }
    let mut out = String::new();
    if d.negative {
        out.push('-');
    }
    let exp = d.dp - 1;
    let mut exp_form = false;
    let rtz;
    if style == Style::Generic {
        if precision > 0 {
            precision -= 1;
        }
        rtz = true;
        if exp < -4 || exp > precision {
            exp_form = true;
        } else {
            precision -= exp;
        }
    } else {
        rtz = alt2;
    }
    let mut e2 = if exp_form { 0 } else { d.dp - 1 };
    let mut j = 0usize;
    let next_digit = |j: &mut usize| -> char {
        let c = d.digits.get(*j).map(|&c| c as char).unwrap_or('0');
        *j += 1;
        c
    };
    if e2 < 0 {
        out.push('0');
    } else {
        while e2 >= 0 {
            out.push(next_digit(&mut j));
            e2 -= 1;
        }
    }
    let dp_flag = precision > 0 || alt2;
    if dp_flag {
        out.push('.');
    }
    e2 += 1;
    while e2 < 0 && precision > 0 {
        out.push('0');
        precision -= 1;
        e2 += 1;
    }
    while precision > 0 {
        out.push(next_digit(&mut j));
        precision -= 1;
    }
    if rtz && dp_flag {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            if alt2 {
                out.push('0');
            } else {
                out.pop();
            }
        }
    }
    if exp_form {
        let mut e = d.dp - 1;
        out.push('e');
        if e < 0 {
            out.push('-');
            e = -e;
        } else {
            out.push('+');
        }
        if e >= 100 {
            out.push(char::from(b'0' + (e / 100) as u8));
            e %= 100;
        }
        out.push(char::from(b'0' + (e / 10) as u8));
        out.push(char::from(b'0' + (e % 10) as u8));
    }
    out
}

/// `sqlite3_snprintf("%.3f", r)`.
pub fn format_real_3f(r: f64) -> String {
    sqlite_format(r, 3, Style::Fixed, false)
}

/// The text SQLite gives a REAL (`sqlite3_column_text`, `CAST(r AS TEXT)`):
/// `"%!.15g"`.
pub fn real_to_text(r: f64) -> String {
    sqlite_format(r, 15, Style::Generic, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{params, Connection};

    /// A deterministic stream of interesting doubles.
    fn doubles() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.0625,
            1.0625,
            2.675,
            0.0005,
            0.0004999,
            0.00049999999,
            -0.0001,
            123_456_789.123_456_79,
            1e15,
            1e14,
            1e16,
            1e17,
            1e20,
            1e21,
            1.5e-7,
            1e-5,
            1e-4,
            0.1,
            0.2,
            0.3,
            0.1 + 0.2,
            1.0 / 3.0,
            2.0 / 3.0,
            9.9995,
            99.9995,
            0.9995,
            999999999999999.9,
            9999999999999999.0,
            1e300,
            -1e300,
            1e-300,
            5e-324,
            1.7976931348623157e308,
            12345678901234567890.0,
            4503599627370496.5,
            0.000999,
            0.0015,
            0.0025,
            2.5,
            3.5,
            -2.5,
            100.0,
            1e100,
            123.456,
            -123.456,
            1e-10,
            7.0e-5,
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..4000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = f64::from_bits(x);
            if f.is_finite() {
                v.push(f);
            }
            // Values of moderate size and few digits, like the corpus has.
            let m = (x % 2_000_000) as f64 - 1_000_000.0;
            let e = ((x >> 32) % 12) as i32 - 6;
            v.push(m * 10f64.powi(e));
            v.push(m / 7.0);
            v.push((x % 100_000) as f64 / 1000.0 + 0.0005);
        }
        v
    }

    #[test]
    fn format_3f_matches_sqlite_printf() {
        let db = Connection::open_in_memory().unwrap();
        let mut st = db.prepare("SELECT printf('%.3f', ?1)").unwrap();
        // SQLite scales the value with x87 extended precision before taking
        // its digits; for magnitudes of 1e17 and more, where the 17th digit
        // decides the 16th, that can differ from the exact expansion used
        // here. Such values do not occur in the corpus; allow rare misses.
        let (mut bad, mut n) = (0, 0);
        for r in doubles() {
            n += 1;
            let want: String = st.query_row(params![r], |row| row.get(0)).unwrap();
            let ours = format_real_3f(r);
            if ours != want {
                assert!(
                    r.abs() >= 1e17,
                    "value {r:e} ({:#x}): ours {ours}, sqlite {want}",
                    r.to_bits()
                );
                bad += 1;
            }
        }
        assert!(bad * 1000 < n, "{bad} of {n} values differ");
        assert_eq!(format_real_3f(f64::INFINITY), "Inf");
        assert_eq!(format_real_3f(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn real_to_text_matches_sqlite() {
        let db = Connection::open_in_memory().unwrap();
        let mut st = db.prepare("SELECT CAST(?1 AS TEXT)").unwrap();
        for r in doubles() {
            let want: String = st.query_row(params![r], |row| row.get(0)).unwrap();
            assert_eq!(real_to_text(r), want, "value {r:e} ({:#x})", r.to_bits());
        }
        let inf: String = db
            .query_row("SELECT CAST(1e999 AS TEXT)", [], |row| row.get(0))
            .unwrap();
        assert_eq!(real_to_text(f64::INFINITY), inf);
    }

    /// The column accessors of the C API, called on SQLite's own values.
    fn column_int_and_double(db: &Connection, sql_value: &str) -> (i32, f64) {
        use rusqlite::ffi;
        let sql = format!("SELECT {sql_value}");
        let cstr = std::ffi::CString::new(sql).unwrap();
        // SAFETY: plain C API use on a live connection; the statement is
        // finalized before returning.
        unsafe {
            let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
            let rc = ffi::sqlite3_prepare_v2(
                db.handle(),
                cstr.as_ptr(),
                -1,
                &mut stmt,
                std::ptr::null_mut(),
            );
            assert_eq!(rc, ffi::SQLITE_OK);
            assert_eq!(ffi::sqlite3_step(stmt), ffi::SQLITE_ROW);
            let i = ffi::sqlite3_column_int(stmt, 0);
            ffi::sqlite3_reset(stmt);
            assert_eq!(ffi::sqlite3_step(stmt), ffi::SQLITE_ROW);
            let d = ffi::sqlite3_column_double(stmt, 0);
            ffi::sqlite3_finalize(stmt);
            (i, d)
        }
    }

    #[test]
    fn conversions_match_sqlite_column_accessors() {
        let db = Connection::open_in_memory().unwrap();
        let texts = [
            "",
            "abc",
            "12",
            " 12",
            "\t-7x",
            "+5",
            "1.5",
            "-1.5e3",
            "1e3",
            ".5",
            "-.5",
            "5.",
            "1e",
            "1e+",
            "0x10",
            "99999999999999999999",
            "-99999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "4294967297",
            "  3.25e-2abc",
            "- 1",
            "--1",
            "1 2",
            "12e2x",
            "0000000000000000000000012",
        ];
        for t in texts {
            let lit = format!("'{t}'");
            let (i, d) = column_int_and_double(&db, &lit);
            assert_eq!(text_to_i64(t.as_bytes()) as i32, i, "int of {t:?}");
            assert_eq!(text_to_f64(t.as_bytes()), d, "double of {t:?}");
            let blob = format!("CAST({lit} AS BLOB)");
            let (i, d) = column_int_and_double(&db, &blob);
            assert_eq!(text_to_i64(t.as_bytes()) as i32, i, "int of blob {t:?}");
            assert_eq!(text_to_f64(t.as_bytes()), d, "double of blob {t:?}");
        }
        for r in [
            "1.9",
            "-1.9",
            "1e10",
            "-1e10",
            "1e300",
            "-1e300",
            "4294967296.5",
            "0.0",
        ] {
            let (i, _) = column_int_and_double(&db, r);
            let v: f64 = r.parse().unwrap();
            assert_eq!(real_to_i64(v) as i32, i, "int of real {r}");
        }
    }
}
