//! Which error a CREATE TRIGGER with a bad body reports first.
//!
//! SQLite checks a trigger's header (`CREATE TRIGGER name … ON table [FOR
//! EACH ROW] [WHEN expr]`) as soon as its parser reaches the `BEGIN` that
//! ends it, before it reads the body: a missing table, an INSTEAD OF
//! trigger on a table, a trigger that already exists are reported even
//! when the body holds a syntax error or a bad token. Chorus parses a statement whole, so
//! a syntax error after that `BEGIN` is first turned into the header's own
//! error, when it has one, by compiling the header with a trivial body.

use super::connection::Connection;
use super::statement::Statement;
use crate::parse::{parse_first, skip_quoted_or_comment, skip_space, word_at};
use chorus_storage::Error;

/// The header error that SQLite would report instead of the syntax error
/// `err` at `err_off` in `sql`, or None when the header is fine (or `sql`
/// is not a CREATE TRIGGER whose header parsed before the error).
pub(super) fn header_error(
    conn: &Connection,
    sql: &str,
    err: &Error,
    err_off: Option<usize>,
) -> Option<Error> {
    let parse_error = err.message.ends_with("syntax error")
        || err.message == "incomplete input"
        || err.message.starts_with("unrecognized token:");
    if !parse_error {
        return None;
    }
    let b = sql.as_bytes();
    // Empty statements (`;`) before this one are skipped, as the parser does.
    let mut start = skip_space(b, 0);
    while b.get(start) == Some(&b';') {
        start = skip_space(b, start + 1);
    }
    let (w, mut e) = word_at(b, start);
    if !w.eq_ignore_ascii_case(b"CREATE") {
        return None;
    }
    let (mut w, e2) = word_at(b, e);
    if w.eq_ignore_ascii_case(b"TEMP") || w.eq_ignore_ascii_case(b"TEMPORARY") {
        e = e2;
        w = word_at(b, e).0;
    }
    if !w.eq_ignore_ascii_case(b"TRIGGER") {
        return None;
    }
    let limit = err_off.unwrap_or(b.len()).min(b.len());
    // The header ends at the first BEGIN (a keyword outside quotes) after
    // which a trivial body makes a statement that parses.
    for end in begin_ends(b, limit) {
        let probe = format!("{} SELECT 1; END", &sql[start..end]);
        if let Ok((Some(parsed), _)) = parse_first(&probe) {
            return Statement::from_parsed(conn, probe, parsed).err();
        }
    }
    None
}

/// Offsets just past each whole-word `BEGIN` in `b[..limit]` outside string
/// literals, quoted identifiers and comments.
fn begin_ends(b: &[u8], limit: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < limit {
        if let Some(end) = skip_quoted_or_comment(b, i) {
            i = end;
            continue;
        }
        let c = b[i];
        if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
            if i <= limit && b[s..i].eq_ignore_ascii_case(b"BEGIN") {
                out.push(i);
            }
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::begin_ends;

    #[test]
    fn begin_keywords_outside_quotes_and_comments() {
        let s = b"CREATE TRIGGER 'begin' AFTER INSERT ON t -- begin\n BEGIN SELECT 'BEGIN'; END";
        assert_eq!(begin_ends(s, s.len()), vec![56]);
        assert_eq!(&s[51..56], b"BEGIN");
        assert!(begin_ends(s, 40).is_empty());
    }
}
