//! Rendering result rows in the row-at-a-time modes (list, csv, line, html,
//! insert, quote, json, tcl, ascii, count, off), as shell.c's
//! `shell_callback` writes them.

use crate::backend::{self, Statement, Value};
use crate::columnar;
use crate::quote;
use crate::real_format;
use crate::state::{Mode, State};

/// Text of a value as `sqlite3_column_text` gives it, truncated at NUL.
pub fn value_text(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => {}
        Value::Integer(i) => write_int(out, *i),
        Value::Real(r) => real_format::write_real_text(out, *r),
        Value::Text(t) | Value::Blob(t) => out.extend_from_slice(quote::c_str(t)),
    }
}

/// Decimal digits of `i` appended without allocating.
pub fn write_int(out: &mut Vec<u8>, i: i64) {
    let mut tmp = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut p = tmp.len();
    loop {
        p -= 1;
        tmp[p] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&tmp[p..]);
}

/// A value as a SQL literal (insert mode, `.dump`): reals that are whole
/// numbers as `N.0`, infinities as `1e999`, other reals with `%!.20g`.
pub fn value_sql(v: &Value, escaped_newlines: bool, out: &mut Vec<u8>) {
    value_sql_ext(v, escaped_newlines, true, out)
}

/// `insert_style` false is quote mode, where sqlite3 3.40 writes every
/// real with plain `%!.20g` (so -812.0 shows as -811.99999999999999998 and
/// infinity as Inf).
pub fn value_sql_ext(v: &Value, escaped_newlines: bool, insert_style: bool, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"NULL"),
        Value::Integer(i) => write_int(out, *i),
        Value::Real(r) if !insert_style => real_format::write_g_alt2(out, *r, 20),
        Value::Real(r) => real_format::write_real_sql(out, *r),
        Value::Text(t) => {
            let t = quote::c_str(t);
            if escaped_newlines {
                quote::sql_quoted_escaped(out, t)
            } else {
                quote::sql_quoted(out, t)
            }
        }
        Value::Blob(b) => quote::hex_blob(out, b),
    }
}

/// Run a prepared statement to completion, writing its rows in the current
/// mode. Rows produced before an error stay written.
pub fn exec_prepared(st: &mut State, stmt: &mut dyn Statement) -> backend::Result<()> {
    if st.explain_mode {
        return exec_explain_mode(st, stmt);
    }
    if st.mode.is_columnar() {
        return columnar::exec_columnar(st, stmt);
    }
    if !stmt.step()? {
        return Ok(());
    }
    let n = stmt.column_count();
    let names: Vec<Vec<u8>> = (0..n)
        .map(|i| stmt.column_name(i).as_bytes().to_vec())
        .collect();
    let mut buf = Vec::with_capacity(256);
    let mut text = Vec::with_capacity(64);
    let mut n_row: u64 = 0;
    let result = loop {
        n_row += 1;
        buf.clear();
        render_row(st, stmt, &names, &mut buf, &mut text);
        st.write(&buf);
        match stmt.step() {
            Ok(true) => continue,
            Ok(false) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    match st.mode {
        Mode::Json => st.write(b"]\n"),
        Mode::Count => {
            let s = format!("{} row{}\n", n_row, if n_row != 1 { "s" } else { "" });
            st.write(s.as_bytes());
        }
        _ => {}
    }
    result
}

fn render_row(
    st: &mut State,
    stmt: &dyn Statement,
    names: &[Vec<u8>],
    out: &mut Vec<u8>,
    text: &mut Vec<u8>,
) {
    let n = names.len();
    let first = st.cnt == 0;
    match st.mode {
        Mode::Count | Mode::Off => {}
        Mode::Line => {
            let w = names.iter().map(|c| c.len()).max().unwrap_or(0).max(5);
            if st.cnt > 0 {
                out.extend_from_slice(&st.row_sep);
            }
            st.cnt += 1;
            for (i, name) in names.iter().enumerate() {
                let v = stmt.column_value(i);
                for _ in name.len()..w {
                    out.push(b' ');
                }
                out.extend_from_slice(name);
                out.extend_from_slice(b" = ");
                if let Value::Null = v {
                    out.extend_from_slice(&st.null_value);
                } else {
                    text.clear();
                    value_text(&v, text);
                    out.extend_from_slice(text);
                }
                out.extend_from_slice(&st.row_sep);
            }
        }
        Mode::Html => {
            st.cnt += 1;
            if first && st.show_header {
                out.extend_from_slice(b"<TR>");
                for name in names {
                    out.extend_from_slice(b"<TH>");
                    quote::html(out, name);
                    out.extend_from_slice(b"</TH>\n");
                }
                out.extend_from_slice(b"</TR>\n");
            }
            out.extend_from_slice(b"<TR>");
            for i in 0..n {
                out.extend_from_slice(b"<TD>");
                let v = stmt.column_value(i);
                if let Value::Null = v {
                    quote::html(out, &st.null_value);
                } else {
                    text.clear();
                    value_text(&v, text);
                    quote::html(out, text);
                }
                out.extend_from_slice(b"</TD>\n");
            }
            out.extend_from_slice(b"</TR>\n");
        }
        Mode::Tcl => {
            st.cnt += 1;
            if first && st.show_header {
                for (i, name) in names.iter().enumerate() {
                    quote::c_string(out, name);
                    if i < n - 1 {
                        out.extend_from_slice(&st.col_sep);
                    }
                }
                out.extend_from_slice(&st.row_sep);
            }
            for i in 0..n {
                let v = stmt.column_value(i);
                if let Value::Null = v {
                    quote::c_string(out, &st.null_value);
                } else {
                    text.clear();
                    value_text(&v, text);
                    quote::c_string(out, text);
                }
                if i < n - 1 {
                    out.extend_from_slice(&st.col_sep);
                }
            }
            out.extend_from_slice(&st.row_sep);
        }
        Mode::Csv => {
            st.cnt += 1;
            if first && st.show_header {
                for (i, name) in names.iter().enumerate() {
                    quote::csv_field(out, Some(name), &st.null_value, &st.col_sep);
                    if i < n - 1 {
                        out.extend_from_slice(&st.col_sep);
                    }
                }
                out.extend_from_slice(&st.row_sep);
            }
            if n > 0 {
                for i in 0..n {
                    let v = stmt.column_value(i);
                    if let Value::Null = v {
                        quote::csv_field(out, None, &st.null_value, &st.col_sep);
                    } else {
                        text.clear();
                        value_text(&v, text);
                        quote::csv_field(out, Some(text), &st.null_value, &st.col_sep);
                    }
                    if i < n - 1 {
                        out.extend_from_slice(&st.col_sep);
                    }
                }
                out.extend_from_slice(&st.row_sep);
            }
        }
        Mode::Insert => {
            out.extend_from_slice(b"INSERT INTO ");
            out.extend_from_slice(&st.dest_table);
            if st.show_header {
                out.push(b'(');
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(&quote::maybe_dquote(name));
                }
                out.push(b')');
            }
            st.cnt += 1;
            for i in 0..n {
                out.extend_from_slice(if i > 0 { b"," } else { b" VALUES(" });
                value_sql(&stmt.column_value(i), true, out);
            }
            if n == 0 {
                // The C shell prints no "VALUES(" for a zero-column row.
            }
            out.extend_from_slice(b");\n");
        }
        Mode::Quote => {
            if first && st.show_header {
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(&st.col_sep);
                    }
                    quote::sql_quoted(out, name);
                }
                out.extend_from_slice(&st.row_sep);
            }
            st.cnt += 1;
            for i in 0..n {
                if i > 0 {
                    out.extend_from_slice(&st.col_sep);
                }
                value_sql_ext(&stmt.column_value(i), false, false, out);
            }
            out.extend_from_slice(&st.row_sep);
        }
        Mode::Json => {
            if st.cnt == 0 {
                out.extend_from_slice(b"[{");
            } else {
                out.extend_from_slice(b",\n{");
            }
            st.cnt += 1;
            for (i, name) in names.iter().enumerate() {
                quote::json_string(out, quote::c_str(name));
                out.push(b':');
                match stmt.column_value(i) {
                    Value::Null => out.extend_from_slice(b"null"),
                    Value::Real(r) => real_format::write_real_json(out, r),
                    Value::Blob(b) => quote::json_string(out, b),
                    Value::Text(t) => quote::json_string(out, quote::c_str(t)),
                    Value::Integer(v) => write_int(out, v),
                }
                if i < n - 1 {
                    out.push(b',');
                }
            }
            out.push(b'}');
        }
        // List, Ascii, Semi and Column-family never get here except List/Ascii.
        _ => {
            st.cnt += 1;
            if first && st.show_header {
                for (i, name) in names.iter().enumerate() {
                    out.extend_from_slice(name);
                    out.extend_from_slice(if i == n - 1 { &st.row_sep } else { &st.col_sep });
                }
            }
            for i in 0..n {
                let v = stmt.column_value(i);
                if let Value::Null = v {
                    out.extend_from_slice(&st.null_value);
                } else {
                    text.clear();
                    value_text(&v, text);
                    out.extend_from_slice(text);
                }
                out.extend_from_slice(if i < n - 1 { &st.col_sep } else { &st.row_sep });
            }
        }
    }
}

/// `.explain on` output (shell.c MODE_Explain): at most eight columns of
/// widths 4, 13, 4, 4, 4, 13, 2, 13; the header and dashes before the first
/// row whatever `.headers` says; a value wider than its column widens it;
/// the last value unpadded.
fn exec_explain_mode(st: &mut State, stmt: &mut dyn Statement) -> backend::Result<()> {
    const WIDTHS: [i32; 8] = [4, 13, 4, 4, 4, 13, 2, 13];
    let mut buf = Vec::with_capacity(256);
    let mut text = Vec::with_capacity(64);
    while stmt.step()? {
        let n = stmt.column_count().min(WIDTHS.len());
        buf.clear();
        if st.cnt == 0 {
            for (i, w) in WIDTHS.iter().enumerate().take(n) {
                crate::columnar::width_print(&mut buf, *w, stmt.column_name(i).as_bytes());
                buf.extend_from_slice(if i == n - 1 { b"\n" } else { b"  " });
            }
            for (i, w) in WIDTHS.iter().enumerate().take(n) {
                buf.resize(buf.len() + *w as usize, b'-');
                buf.extend_from_slice(if i == n - 1 { b"\n" } else { b"  " });
            }
        }
        st.cnt += 1;
        for (i, w) in WIDTHS.iter().enumerate().take(n) {
            let v = stmt.column_value(i);
            text.clear();
            let is_null = matches!(v, Value::Null);
            if is_null {
                text.extend_from_slice(&st.null_value);
            } else {
                value_text(&v, &mut text);
            }
            let mut w = if i == n - 1 { 0 } else { *w };
            // NULL prints the null value but is measured as empty.
            let chars = if is_null {
                0
            } else {
                text.iter().filter(|&&c| (c & 0xc0) != 0x80).count() as i32
            };
            w = w.max(chars);
            crate::columnar::width_print(&mut buf, w, &text);
            buf.extend_from_slice(if i == n - 1 { b"\n" } else { b"  " });
        }
        st.write(&buf);
    }
    Ok(())
}
