//! Repeated names in an INSERT column list.
//!
//! SQLite accepts `INSERT INTO t(a, a) ...` (the first `a` receives the
//! value, later ones are ignored) and `INSERT INTO t(rowid, ..., rowid)` (the
//! last rowid wins), but the parser crate rejects repeated names ("column
//! "a" specified more than once"). On that error the statement text is
//! rewritten so every repeat but the one SQLite uses becomes an ignored
//! placeholder column (a quoted name starting with [`IGNORED`]), and parsed
//! again; the INSERT planner skips placeholder columns.

/// Prefix of placeholder column names (not a name SQL text can reach
/// without quoting a control character).
pub const IGNORED: char = '\u{1}';

pub fn is_ignored(name: &str) -> bool {
    name.starts_with(IGNORED)
}

/// One token: (start, end) byte range and its kind.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Word,
    Quoted,
    Punct(u8),
}

fn tokens(b: &[u8]) -> Vec<(usize, usize, Kind)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let s = super::super::parse::skip_space(b, i);
        if s >= b.len() {
            break;
        }
        let c = b[s];
        let (e, k) = match c {
            b'"' | b'`' | b'\'' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                let mut e = s + 1;
                loop {
                    match b.get(e) {
                        None => break,
                        Some(&x) if x == close => {
                            if close != b']' && b.get(e + 1) == Some(&close) {
                                e += 2;
                                continue;
                            }
                            e += 1;
                            break;
                        }
                        Some(_) => e += 1,
                    }
                }
                (e, Kind::Quoted)
            }
            x if x.is_ascii_alphanumeric() || x == b'_' || x >= 0x80 => {
                let mut e = s;
                while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_' || b[e] >= 0x80)
                {
                    e += 1;
                }
                (e, Kind::Word)
            }
            x => (s + 1, Kind::Punct(x)),
        };
        out.push((s, e, k));
        i = e;
    }
    out
}

fn is_rowid_name(n: &str) -> bool {
    ["rowid", "oid", "_rowid_"]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(n))
}

/// The statement with repeated INSERT columns replaced by placeholders, or
/// None when it is not an INSERT with repeated columns.
pub fn dedupe(sql: &str) -> Option<String> {
    let b = sql.as_bytes();
    let toks = tokens(b);
    let text = |t: &(usize, usize, Kind)| &sql[t.0..t.1];
    let first = toks.first()?;
    if first.2 != Kind::Word
        || !(text(first).eq_ignore_ascii_case("insert")
            || text(first).eq_ignore_ascii_case("replace"))
    {
        return None;
    }
    let into = toks
        .iter()
        .position(|t| t.2 == Kind::Word && text(t).eq_ignore_ascii_case("into"))?;
    let open = into + toks[into..].iter().position(|t| t.2 == Kind::Punct(b'('))?;
    // (token index, normalised name) of each listed column.
    let mut cols: Vec<(usize, String)> = Vec::new();
    let mut k = open + 1;
    loop {
        let t = toks.get(k)?;
        let name = match t.2 {
            Kind::Word => text(t).to_string(),
            Kind::Quoted => crate::schema::unquote(text(t)),
            _ => return None,
        };
        cols.push((k, name.to_ascii_lowercase()));
        match toks.get(k + 1)?.2 {
            Kind::Punct(b',') => k += 2,
            Kind::Punct(b')') => break,
            _ => return None,
        }
    }
    let mut replace: Vec<usize> = Vec::new();
    for (i, (tk, n)) in cols.iter().enumerate() {
        let repeated_before = cols[..i].iter().any(|(_, m)| m == n);
        let repeated_after = cols[i + 1..].iter().any(|(_, m)| m == n);
        let ignore = if is_rowid_name(n) {
            repeated_after
        } else {
            repeated_before
        };
        if ignore {
            replace.push(*tk);
        }
    }
    if replace.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(sql.len() + 16 * replace.len());
    let mut last = 0;
    for (n, tk) in replace.iter().enumerate() {
        let t = toks[*tk];
        out.push_str(&sql[last..t.0]);
        out.push_str(&format!("\"{IGNORED}{n}\""));
        last = t.1;
    }
    out.push_str(&sql[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_column_and_last_rowid_win() {
        let s = dedupe("INSERT INTO t(a, b, \"A\") VALUES(1, 2, 3)").unwrap();
        assert_eq!(s, "INSERT INTO t(a, b, \"\u{1}0\") VALUES(1, 2, 3)");
        let s = dedupe("INSERT INTO t(rowid, a, rowid) VALUES(1, 2, 3)").unwrap();
        assert_eq!(s, "INSERT INTO t(\"\u{1}0\", a, rowid) VALUES(1, 2, 3)");
        assert!(dedupe("INSERT INTO t(a, b) VALUES(1, 2)").is_none());
        assert!(dedupe("SELECT 1").is_none());
    }
}
