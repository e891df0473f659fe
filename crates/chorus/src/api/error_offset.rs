//! Where in the SQL text a prepare error points (sqlite3_error_offset).
//!
//! Parse errors carry the parser's position (see parse.rs). Name-resolution
//! errors ("no such column: c") come from the compiler,
//! which works on the AST without positions, so the name is located in the
//! statement text: the first whole-word, case-insensitive occurrence outside
//! string literals and comments.

/// Byte offset of the name a compile error is about, when it can be found.
pub(crate) fn name_error_offset(sql: &str, message: &str) -> Option<usize> {
    // SQLite (3.40, the shell's reference) points only "no such column"
    // errors at the name; "no such table" has no offset.
    let name = message.strip_prefix("no such column: ")?;
    find_word(sql.as_bytes(), name.as_bytes()).or_else(|| {
        // A qualified name ("main.t", "t.c") may be written with spaces or
        // quotes around the dot: point at its last part.
        let last = name.rsplit('.').next()?;
        find_word(sql.as_bytes(), last.as_bytes())
    })
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn find_word(sql: &[u8], word: &[u8]) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let mut i = 0;
    while i < sql.len() {
        let b = sql[i];
        match b {
            b'\'' => {
                // String literal: skip to its closing quote ('' escapes).
                i += 1;
                while i < sql.len() {
                    if sql[i] == b'\'' {
                        if sql.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                continue;
            }
            b'-' if sql.get(i + 1) == Some(&b'-') => {
                while i < sql.len() && sql[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if sql.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < sql.len() && !(sql[i] == b'*' && sql.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        let before_ok = i == 0 || !is_ident(sql[i - 1]);
        if before_ok {
            if let Some(cand) = sql.get(i..i + word.len()) {
                let after_ok = sql.get(i + word.len()).is_none_or(|&a| !is_ident(a));
                if after_ok && cand.eq_ignore_ascii_case(word) {
                    // A quoted name's token starts at its opening quote.
                    let quoted = i > 0 && matches!(sql[i - 1], b'"' | b'`' | b'[');
                    return Some(if quoted { i - 1 } else { i });
                }
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::name_error_offset;

    #[test]
    fn finds_names() {
        assert_eq!(
            name_error_offset("SELECT * FROM nope", "no such table: nope"),
            None
        );
        assert_eq!(
            name_error_offset("SELECT 'zz', zz FROM t", "no such column: zz"),
            Some(13)
        );
        assert_eq!(
            name_error_offset("SELECT xzz FROM t", "no such column: zz"),
            None
        );
        assert_eq!(
            name_error_offset("SELECT 1", "near \"x\": syntax error"),
            None
        );
        assert_eq!(
            name_error_offset("SELECT t.q FROM t", "no such column: t.q"),
            Some(7)
        );
        // Quoted names: the offset is the opening quote's, as in SQLite.
        assert_eq!(
            name_error_offset("select [zz];", "no such column: zz"),
            Some(7)
        );
        assert_eq!(
            name_error_offset("select`b;`;", "no such column: b;"),
            Some(6)
        );
    }
}
