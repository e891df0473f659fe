//! The source text of each column's DEFAULT clause, as `PRAGMA table_info`
//! prints it in `dflt_value`: SQLite keeps the text span of the default
//! expression as written (`x'00'`, `+ 5`, `current_time`), without the
//! outer parentheses of `DEFAULT (expr)` and with surrounding blanks
//! trimmed.
//!
//! The CREATE TABLE text is scanned as tokens (strings, quoted names,
//! comments and parentheses respected): the column definitions are the
//! top-level comma-separated items of the outermost parentheses; in a
//! column definition the word DEFAULT at nesting depth 0 is followed by
//! either a parenthesised expression, an optional sign and one literal, or
//! one word/literal.

use crate::parse::skip_space;

/// One token: its byte span and kind.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Word,
    Open,
    Close,
    Comma,
    Sign,
    Other,
}

fn token(b: &[u8], i: usize) -> Option<(usize, usize, Kind)> {
    let s = skip_space(b, i);
    let c = *b.get(s)?;
    let (end, kind) = match c {
        b'\'' | b'"' | b'`' => {
            let mut j = s + 1;
            loop {
                match b.get(j) {
                    None => break (j, Kind::Word),
                    Some(&x) if x == c => {
                        if b.get(j + 1) == Some(&c) {
                            j += 2;
                            continue;
                        }
                        break (j + 1, Kind::Word);
                    }
                    Some(_) => j += 1,
                }
            }
        }
        b'[' => (
            b[s..]
                .iter()
                .position(|&x| x == b']')
                .map_or(b.len(), |p| s + p + 1),
            Kind::Word,
        ),
        b'(' => (s + 1, Kind::Open),
        b')' => (s + 1, Kind::Close),
        b',' => (s + 1, Kind::Comma),
        b'+' | b'-' => (s + 1, Kind::Sign),
        _ if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c >= 0x80 => {
            let mut j = s;
            while let Some(&x) = b.get(j) {
                let exp_sign = (x == b'+' || x == b'-')
                    && j > s
                    && matches!(b[j - 1], b'e' | b'E')
                    && b[s].is_ascii_digit();
                if x.is_ascii_alphanumeric()
                    || x == b'_'
                    || x == b'$'
                    || x == b'.'
                    || x >= 0x80
                    || exp_sign
                {
                    j += 1;
                } else {
                    break;
                }
            }
            // x'..' blob literal.
            if j == s + 1 && matches!(c, b'x' | b'X') && b.get(j) == Some(&b'\'') {
                let close = b[j + 1..].iter().position(|&x| x == b'\'');
                j = close.map_or(b.len(), |p| j + 1 + p + 1);
            }
            (j, Kind::Word)
        }
        _ => (s + 1, Kind::Other),
    };
    Some((s, end, kind))
}

/// `dflt_value` text per column of `CREATE TABLE` text `sql`, in column
/// order (None: no DEFAULT clause). Returns an empty list when the text has
/// no column list (CREATE TABLE ... AS SELECT).
pub fn default_texts(sql: &str) -> Vec<Option<String>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Find the opening parenthesis of the column list.
    loop {
        match token(b, i) {
            None => return out,
            Some((_, e, Kind::Open)) => {
                i = e;
                break;
            }
            Some((_, e, _)) => i = e,
        }
    }
    let mut depth = 0usize;
    let mut item_start = true;
    let mut is_column = false;
    let mut cur: Option<String> = None;
    while let Some((s, e, k)) = token(b, i) {
        i = e;
        match k {
            Kind::Open => depth += 1,
            Kind::Close if depth == 0 => break,
            Kind::Close => depth -= 1,
            Kind::Comma if depth == 0 => {
                if is_column {
                    out.push(cur.take());
                }
                item_start = true;
                continue;
            }
            Kind::Word if depth == 0 && item_start => {
                let w = &sql[s..e];
                is_column = !["constraint", "primary", "unique", "check", "foreign"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k));
                cur = None;
            }
            Kind::Word if depth == 0 && is_column && sql[s..e].eq_ignore_ascii_case("default") => {
                let (text, end) = default_span(sql, e);
                cur = Some(text);
                i = end;
            }
            _ => {}
        }
        item_start = false;
    }
    if is_column && !item_start {
        out.push(cur);
    }
    out
}

/// The default expression's text after the DEFAULT keyword ending at `i`,
/// and the offset after it.
fn default_span(sql: &str, i: usize) -> (String, usize) {
    let b = sql.as_bytes();
    let Some((s, e, k)) = token(b, i) else {
        return (String::new(), i);
    };
    match k {
        Kind::Open => {
            let mut depth = 1usize;
            let mut j = e;
            while let Some((_, e2, k2)) = token(b, j) {
                j = e2;
                match k2 {
                    Kind::Open => depth += 1,
                    Kind::Close => {
                        depth -= 1;
                        if depth == 0 {
                            let inner = &sql[e..e2 - 1];
                            return (inner.trim().to_string(), e2);
                        }
                    }
                    _ => {}
                }
            }
            (sql[e..].trim().to_string(), b.len())
        }
        Kind::Sign => match token(b, e) {
            Some((_, e2, _)) => (sql[s..e2].to_string(), e2),
            None => (sql[s..e].to_string(), e),
        },
        _ => (sql[s..e].to_string(), e),
    }
}

#[cfg(test)]
mod tests {
    use super::default_texts;

    #[test]
    fn spans_as_written() {
        let d = default_texts(
            "CREATE TABLE t(a default (1 +  2), b default -1, c default + 5, \
             d default x'0A', e int default current_time, f default 'it''s', \
             g \"x y\" default ( ( 3 ) ), h, k real default 1e-3, UNIQUE(a), CHECK(b>0))",
        );
        let want: Vec<Option<&str>> = vec![
            Some("1 +  2"),
            Some("-1"),
            Some("+ 5"),
            Some("x'0A'"),
            Some("current_time"),
            Some("'it''s'"),
            Some("( 3 )"),
            None,
            Some("1e-3"),
        ];
        assert_eq!(d.iter().map(|x| x.as_deref()).collect::<Vec<_>>(), want);
    }
}
