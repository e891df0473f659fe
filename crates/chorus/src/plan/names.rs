//! Result column names: SQLite names an un-aliased expression column by its
//! exact source text. This module finds the text span of each result column
//! of a statement's first SELECT by scanning its tokens (quotes, comments and
//! parentheses respected).

use crate::parse::skip_space;

/// Kind of token the scanner cares about.
#[derive(PartialEq)]
enum Tok<'a> {
    Word(&'a [u8]),
    Open,
    Close,
    Comma,
    Semi,
    Other,
}

fn next_tok(b: &[u8], i: usize) -> Option<(usize, usize, Tok<'_>)> {
    let s = skip_space(b, i);
    if s >= b.len() {
        return None;
    }
    let c = b[s];
    let end = match c {
        b'\'' | b'"' | b'`' => {
            let mut j = s + 1;
            loop {
                if j >= b.len() {
                    break j;
                }
                if b[j] == c {
                    if b.get(j + 1) == Some(&c) {
                        j += 2;
                        continue;
                    }
                    break j + 1;
                }
                j += 1;
            }
        }
        b'[' => b[s..]
            .iter()
            .position(|&x| x == b']')
            .map_or(b.len(), |p| s + p + 1),
        _ if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
            let mut j = s;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80 || b[j] == b'$')
            {
                j += 1;
            }
            j
        }
        _ => s + 1,
    };
    let tok = match c {
        b'(' => Tok::Open,
        b')' => Tok::Close,
        b',' => Tok::Comma,
        b';' => Tok::Semi,
        _ if c.is_ascii_alphabetic() || c == b'_' => Tok::Word(&b[s..end]),
        _ => Tok::Other,
    };
    Some((s, end, tok))
}

const STOP: &[&str] = &[
    "FROM",
    "WHERE",
    "GROUP",
    "HAVING",
    "WINDOW",
    "ORDER",
    "LIMIT",
    "UNION",
    "EXCEPT",
    "INTERSECT",
];

/// Source text of each result column of the first SELECT in `sql`.
pub fn result_spans(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    // Find the first SELECT at depth 0 (skipping a WITH clause).
    loop {
        let Some((_, e, t)) = next_tok(b, i) else {
            return Vec::new();
        };
        i = e;
        match t {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Word(w) if depth == 0 && w.eq_ignore_ascii_case(b"SELECT") => break,
            _ => {}
        }
    }
    // Skip DISTINCT / ALL.
    if let Some((_, e, Tok::Word(w))) = next_tok(b, i) {
        if w.eq_ignore_ascii_case(b"DISTINCT") || w.eq_ignore_ascii_case(b"ALL") {
            i = e;
        }
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = i;
    let mut prev_distinct = false;
    depth = 0;
    loop {
        let tok = next_tok(b, i);
        let done = match &tok {
            None => true,
            Some((_, _, Tok::Semi)) => depth == 0,
            Some((_, _, Tok::Word(w))) => {
                depth == 0
                    && STOP.iter().any(|k| w.eq_ignore_ascii_case(k.as_bytes()))
                    && !(w.eq_ignore_ascii_case(b"FROM") && prev_distinct)
            }
            Some((_, _, Tok::Close)) => depth == 0,
            _ => false,
        };
        if done {
            if let Some(s) = start {
                out.push(String::from_utf8_lossy(&b[s..end]).into_owned());
            }
            return out;
        }
        let Some((s, e, t)) = tok else { return out };
        prev_distinct = matches!(&t, Tok::Word(w) if w.eq_ignore_ascii_case(b"DISTINCT"));
        match t {
            Tok::Comma if depth == 0 => {
                if let Some(st) = start {
                    out.push(String::from_utf8_lossy(&b[st..end]).into_owned());
                }
                start = None;
                i = e;
                continue;
            }
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
        if start.is_none() {
            start = Some(s);
        }
        end = e;
        i = e;
    }
}

/// Whether `sql` uses `LIMIT a, b` (comma form) and no OFFSET keyword: the
/// parser reports the comma form's operands in swapped roles.
pub fn limit_comma_form(sql: &str) -> bool {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut limit_depth: Option<usize> = None;
    let mut found = false;
    while let Some((_, e, t)) = next_tok(b, i) {
        i = e;
        match t {
            Tok::Open => depth += 1,
            Tok::Close => {
                if limit_depth == Some(depth) {
                    limit_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Word(w) if w.eq_ignore_ascii_case(b"OFFSET") => return false,
            Tok::Word(w) if w.eq_ignore_ascii_case(b"LIMIT") => limit_depth = Some(depth),
            Tok::Comma if limit_depth == Some(depth) => found = true,
            Tok::Semi => limit_depth = None,
            _ => {}
        }
    }
    found
}

/// Source text of each item of a statement's top-level RETURNING list.
pub fn returning_spans(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    loop {
        let Some((_, e, t)) = next_tok(b, i) else {
            return Vec::new();
        };
        i = e;
        match t {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Word(w) if depth == 0 && w.eq_ignore_ascii_case(b"RETURNING") => break,
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = i;
    loop {
        let tok = next_tok(b, i);
        let Some((s, e, t)) = tok else { break };
        match t {
            Tok::Semi if depth == 0 => break,
            Tok::Comma if depth == 0 => {
                if let Some(st) = start {
                    out.push(String::from_utf8_lossy(&b[st..end]).into_owned());
                }
                start = None;
                i = e;
                continue;
            }
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
        if start.is_none() {
            start = Some(s);
        }
        end = e;
        i = e;
    }
    if let Some(st) = start {
        out.push(String::from_utf8_lossy(&b[st..end]).into_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(
            result_spans("select a+1, f(x,y) , 'a,b' from t"),
            vec!["a+1", "f(x,y)", "'a,b'"]
        );
        assert_eq!(
            result_spans("WITH c AS (SELECT 1) SELECT  x || y  FROM c"),
            vec!["x || y"]
        );
        assert_eq!(result_spans("SELECT count(*)"), vec!["count(*)"]);
    }
}
