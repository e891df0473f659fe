//! The columnar modes (column, table, box, markdown): all rows are collected
//! first so every column can be as wide as its widest cell, measured in
//! characters (UTF-8 code points, as sqlite3 3.40 counts them). Cells are
//! wrapped at the column's `.width` or at `--wrap N`; a cell holding a
//! newline spans several output lines.

use crate::backend::{self, Statement, Value};
use crate::render::value_text;
use crate::state::{Mode, State};

const BOX_24: &str = "\u{2500}"; // ─
const BOX_13: &str = "\u{2502}"; // │
const BOX_23: &str = "\u{250c}"; // ┌
const BOX_34: &str = "\u{2510}"; // ┐
const BOX_12: &str = "\u{2514}"; // └
const BOX_14: &str = "\u{2518}"; // ┘
const BOX_123: &str = "\u{251c}"; // ├
const BOX_134: &str = "\u{2524}"; // ┤
const BOX_234: &str = "\u{252c}"; // ┬
const BOX_124: &str = "\u{2534}"; // ┴
const BOX_1234: &str = "\u{253c}"; // ┼

/// Number of characters: bytes that are not UTF-8 continuation bytes.
pub fn strlen_char(z: &[u8]) -> usize {
    z.iter().filter(|&&c| (c & 0xc0) != 0x80).count()
}

fn at(z: &[u8], i: usize) -> u8 {
    z.get(i).copied().unwrap_or(0)
}

/// One display line of `z` at most `mx_width` characters wide, and where the
/// rest begins (shell.c translateForDisplayAndDup). Tabs expand to the next
/// multiple of 8; any other control character ends the line.
fn translate_for_display(z: &[u8], mx_width: i32, word_wrap: bool) -> (Vec<u8>, Option<usize>) {
    let mut mx = mx_width.unsigned_abs() as usize;
    if mx == 0 {
        mx = 1_000_000;
    }
    let (mut i, mut j, mut n) = (0usize, 0usize, 0usize);
    while n < mx {
        let c = at(z, i);
        if c >= b' ' {
            n += 1;
            loop {
                i += 1;
                j += 1;
                if (at(z, i) & 0xc0) != 0x80 {
                    break;
                }
            }
            continue;
        }
        if c == b'\t' {
            loop {
                n += 1;
                j += 1;
                if !((n & 7) != 0 && n < mx) {
                    break;
                }
            }
            i += 1;
            continue;
        }
        break;
    }
    let k;
    if n >= mx && word_wrap {
        let mut kk = i;
        while kk > i / 2 {
            if at(z, kk - 1).is_ascii_whitespace() {
                break;
            }
            kk -= 1;
        }
        if kk <= i / 2 {
            kk = i;
            while kk > i / 2 {
                let a = at(z, kk - 1).is_ascii_alphanumeric();
                let b = at(z, kk).is_ascii_alphanumeric();
                if a != b && (at(z, kk) & 0xc0) != 0x80 {
                    break;
                }
                kk -= 1;
            }
        }
        if kk <= i / 2 {
            k = i;
        } else {
            k = kk;
            i = kk;
            while at(z, i) == b' ' {
                i += 1;
            }
        }
    } else {
        k = i;
    }
    let tail = if n >= mx && at(z, i) >= b' ' {
        Some(i)
    } else if at(z, i) == b'\r' && at(z, i + 1) == b'\n' {
        if at(z, i + 2) != 0 {
            Some(i + 2)
        } else {
            None
        }
    } else if at(z, i) == 0 || at(z, i + 1) == 0 {
        None
    } else {
        Some(i + 1)
    };
    let mut out = Vec::with_capacity(j);
    let (mut i, mut n) = (0usize, 0usize);
    while i < k {
        let c = at(z, i);
        if c >= b' ' {
            n += 1;
            loop {
                out.push(at(z, i));
                i += 1;
                if (at(z, i) & 0xc0) != 0x80 {
                    break;
                }
            }
            continue;
        }
        if c == b'\t' {
            loop {
                n += 1;
                out.push(b' ');
                if !((n & 7) != 0 && n < mx) {
                    break;
                }
            }
            i += 1;
            continue;
        }
        break;
    }
    (out, tail)
}

/// `z` padded to |w| characters, right-aligned when w < 0, cut at |w|
/// characters when longer (shell.c utf8_width_print).
pub fn width_print(out: &mut Vec<u8>, w: i32, z: &[u8]) {
    let aw = w.unsigned_abs() as usize;
    let mut n = 0usize;
    let mut i = 0usize;
    while i < z.len() {
        if (z[i] & 0xc0) != 0x80 {
            n += 1;
            if n == aw {
                loop {
                    i += 1;
                    if i >= z.len() || (z[i] & 0xc0) != 0x80 {
                        break;
                    }
                }
                break;
            }
        }
        i += 1;
    }
    if n >= aw {
        out.extend_from_slice(&z[..i.min(z.len())]);
    } else if w < 0 {
        out.resize(out.len() + (aw - n), b' ');
        out.extend_from_slice(z);
    } else {
        out.extend_from_slice(z);
        out.resize(out.len() + (aw - n), b' ');
    }
}

fn spaces(out: &mut Vec<u8>, n: usize) {
    out.resize(out.len() + n, b' ');
}

fn row_separator(out: &mut Vec<u8>, widths: &[usize], sep: &str) {
    if !widths.is_empty() {
        for w in widths {
            out.extend_from_slice(sep.as_bytes());
            out.resize(out.len() + w + 2, b'-');
        }
        out.extend_from_slice(sep.as_bytes());
    }
    out.push(b'\n');
}

fn box_row_separator(out: &mut Vec<u8>, widths: &[usize], s1: &str, s2: &str, s3: &str) {
    if !widths.is_empty() {
        for (i, w) in widths.iter().enumerate() {
            out.extend_from_slice(if i == 0 { s1 } else { s2 }.as_bytes());
            for _ in 0..w + 2 {
                out.extend_from_slice(BOX_24.as_bytes());
            }
        }
        out.extend_from_slice(s3.as_bytes());
    }
    out.push(b'\n');
}

/// The text a cell shows before wrapping.
fn cell_source(st: &State, v: &Value, buf: &mut Vec<u8>) {
    buf.clear();
    if st.cm_opts.quote {
        // shell.c quoted_column: numbers as their text, text as %Q, blobs
        // as lower-case x'..'.
        match v {
            Value::Null => buf.extend_from_slice(b"NULL"),
            Value::Integer(_) | Value::Real(_) => value_text(v, buf),
            Value::Text(t) => crate::quote::sql_quoted(buf, crate::quote::c_str(t)),
            Value::Blob(b) => {
                buf.extend_from_slice(b"x'");
                for c in b.iter() {
                    buf.extend_from_slice(format!("{c:02x}").as_bytes());
                }
                buf.push(b'\'');
            }
        }
    } else if let Value::Null = v {
        buf.extend_from_slice(&st.null_value);
    } else {
        value_text(v, buf);
    }
}

#[allow(clippy::needless_range_loop)]
pub fn exec_columnar(st: &mut State, stmt: &mut dyn Statement) -> backend::Result<()> {
    if !stmt.step()? {
        return Ok(());
    }
    let ncol = stmt.column_count();
    if ncol == 0 {
        while stmt.step()? {}
        return Ok(());
    }
    if ncol > st.col_width.len() {
        st.col_width.resize(ncol, 0);
    }
    let wrap_of = |st: &State, i: usize| -> i32 {
        let w = st.col_width[i];
        if w == 0 {
            st.cm_opts.wrap
        } else {
            w
        }
    };
    let bw = st.cm_opts.word_wrap;
    // Header cells, then row cells; one Vec per (wrapped) line.
    let mut data: Vec<Vec<u8>> = Vec::new();
    for i in 0..ncol {
        let (line, _) = translate_for_display(stmt.column_name(i).as_bytes(), wrap_of(st, i), bw);
        data.push(line);
    }
    let mut row_div: Vec<bool> = Vec::new();
    let mut multi_line = false;
    let mut err = None;
    let mut src = Vec::new();
    // Remaining text of each column of a row that spans several lines.
    let mut next: Vec<Option<Vec<u8>>> = vec![None; ncol];
    loop {
        // Render the current row, then its continuation lines.
        let mut use_next = false;
        loop {
            let mut any_next = false;
            row_div.push(true);
            let last = row_div.len() - 1;
            for i in 0..ncol {
                let wx = wrap_of(st, i);
                let (line, tail, srcb);
                if use_next {
                    srcb = next[i].take().unwrap_or_default();
                } else {
                    cell_source(st, &stmt.column_value(i), &mut src);
                    srcb = std::mem::take(&mut src);
                }
                (line, tail) = translate_for_display(&srcb, wx, bw);
                match tail {
                    Some(t) => {
                        next[i] = Some(srcb[t..].to_vec());
                        any_next = true;
                        row_div[last] = false;
                        multi_line = true;
                    }
                    None => next[i] = None,
                }
                if !use_next {
                    src = srcb;
                }
                data.push(line);
            }
            if !any_next {
                break;
            }
            use_next = true;
        }
        match stmt.step() {
            Ok(true) => continue,
            Ok(false) => break,
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    if crate::interrupt::seen() {
        // Interrupted while collecting: print nothing (as sqlite3 does).
        return match err {
            Some(e) => Err(e),
            None => Ok(()),
        };
    }
    let nrow = row_div.len();
    let mut widths: Vec<usize> = (0..ncol)
        .map(|i| st.col_width[i].unsigned_abs() as usize)
        .collect();
    for (i, cell) in data.iter().enumerate() {
        let j = i % ncol;
        let n = strlen_char(cell);
        if n > widths[j] {
            widths[j] = n;
        }
    }
    let mut out = Vec::new();
    let (col_sep, row_sep): (&str, &str) = match st.mode {
        Mode::Column => {
            if st.show_header {
                for i in 0..ncol {
                    let mut w = widths[i] as i32;
                    if st.col_width[i] < 0 {
                        w = -w;
                    }
                    width_print(&mut out, w, &data[i]);
                    out.extend_from_slice(if i == ncol - 1 { b"\n" } else { b"  " });
                }
                for (i, w) in widths.iter().enumerate() {
                    out.resize(out.len() + w, b'-');
                    out.extend_from_slice(if i == ncol - 1 { b"\n" } else { b"  " });
                }
            }
            ("  ", "\n")
        }
        Mode::Table | Mode::Markdown => {
            if st.mode == Mode::Table {
                row_separator(&mut out, &widths, "+");
            }
            out.extend_from_slice(b"| ");
            for i in 0..ncol {
                let w = widths[i];
                let n = strlen_char(&data[i]);
                spaces(&mut out, (w - n) / 2);
                out.extend_from_slice(&data[i]);
                spaces(&mut out, (w - n).div_ceil(2));
                out.extend_from_slice(if i == ncol - 1 { b" |\n" } else { b" | " });
            }
            row_separator(
                &mut out,
                &widths,
                if st.mode == Mode::Table { "+" } else { "|" },
            );
            (" | ", " |\n")
        }
        _ => {
            box_row_separator(&mut out, &widths, BOX_23, BOX_234, BOX_34);
            out.extend_from_slice(BOX_13.as_bytes());
            out.push(b' ');
            for i in 0..ncol {
                let w = widths[i];
                let n = strlen_char(&data[i]);
                spaces(&mut out, (w - n) / 2);
                out.extend_from_slice(&data[i]);
                spaces(&mut out, (w - n).div_ceil(2));
                if i == ncol - 1 {
                    out.push(b' ');
                    out.extend_from_slice(BOX_13.as_bytes());
                    out.push(b'\n');
                } else {
                    out.push(b' ');
                    out.extend_from_slice(BOX_13.as_bytes());
                    out.push(b' ');
                }
            }
            box_row_separator(&mut out, &widths, BOX_123, BOX_1234, BOX_134);
            (" \u{2502} ", " \u{2502}\n")
        }
    };
    let total = ncol * (nrow + 1);
    let mut j = 0usize;
    for i in ncol..total {
        if j == 0 && st.mode != Mode::Column {
            if st.mode == Mode::Box {
                out.extend_from_slice(BOX_13.as_bytes());
                out.push(b' ');
            } else {
                out.extend_from_slice(b"| ");
            }
        }
        let mut w = widths[j] as i32;
        if st.col_width[j] < 0 {
            w = -w;
        }
        width_print(&mut out, w, &data[i]);
        if j == ncol - 1 {
            out.extend_from_slice(row_sep.as_bytes());
            if multi_line && row_div[i / ncol - 1] && i + 1 < total {
                match st.mode {
                    Mode::Table => row_separator(&mut out, &widths, "+"),
                    Mode::Box => box_row_separator(&mut out, &widths, BOX_123, BOX_1234, BOX_134),
                    Mode::Column => out.push(b'\n'),
                    _ => {}
                }
            }
            j = 0;
            if crate::interrupt::seen() {
                break;
            }
        } else {
            out.extend_from_slice(col_sep.as_bytes());
            j += 1;
        }
        if out.len() > 1 << 16 {
            st.write(&out);
            out.clear();
        }
    }
    match st.mode {
        Mode::Table => row_separator(&mut out, &widths, "+"),
        Mode::Box => box_row_separator(&mut out, &widths, BOX_12, BOX_124, BOX_14),
        _ => {}
    }
    st.write(&out);
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping() {
        let (l, t) = translate_for_display(b"12345", 3, false);
        assert_eq!(l, b"123");
        assert_eq!(t, Some(3));
        let (l, t) = translate_for_display(b"a\nb", 0, false);
        assert_eq!(l, b"a");
        assert_eq!(t, Some(2));
        let (l, t) = translate_for_display(b"a\tb", 0, false);
        assert_eq!(l, b"a       b");
        assert_eq!(t, None);
        let mut o = Vec::new();
        width_print(&mut o, -4, "ü".as_bytes());
        assert_eq!(o, "   ü".as_bytes());
    }
}
