//! Splits SQL text into statements at top-level `;`.
//!
//! A `;` ends a statement unless it is inside a string literal ('...'), a
//! quoted identifier ("...", `...`, [...]), a comment (`-- ...` to end of
//! line, `/* ... */`), or the body of a `CREATE [TEMP|TEMPORARY] TRIGGER`.
//! A trigger body ends like `sqlite3_complete()` decides: at a `;` that
//! follows the token `END` that itself directly follows a `;` (so `CASE ...
//! END` inside the body does not end it).
//!
//! Each statement keeps the comments and blank space that came before its
//! first token (`preceding`), so a harness can read markers such as
//! `-- error` written on the line before a statement.

/// One statement cut from a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlStatement {
    /// The statement text, from its first token to its last token (comments
    /// inside it are kept; the terminating `;` is not included).
    pub text: String,
    /// 1-based line number of the statement's first token.
    pub line: usize,
    /// Everything between the previous statement's `;` and this statement's
    /// first token: whitespace and comments.
    pub preceding: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Space,
    Comment,
    Word,
    Quoted,
    Semi,
    Other,
}

/// Returns the kind and the end (exclusive) of the token starting at `i`.
fn next_token(b: &[u8], i: usize) -> (Tok, usize) {
    let c = b[i];
    let n = b.len();
    let find_close = |start: usize, close: u8, doubled: bool| -> usize {
        let mut j = start;
        while j < n {
            if b[j] == close {
                if doubled && j + 1 < n && b[j + 1] == close {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j += 1;
        }
        n
    };
    match c {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
            let mut j = i + 1;
            while j < n && matches!(b[j], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                j += 1;
            }
            (Tok::Space, j)
        }
        b'-' if i + 1 < n && b[i + 1] == b'-' => {
            let mut j = i + 2;
            while j < n && b[j] != b'\n' {
                j += 1;
            }
            (Tok::Comment, j)
        }
        b'/' if i + 1 < n && b[i + 1] == b'*' => {
            let mut j = i + 2;
            while j + 1 < n && !(b[j] == b'*' && b[j + 1] == b'/') {
                j += 1;
            }
            (Tok::Comment, if j + 1 < n { j + 2 } else { n })
        }
        b'\'' => (Tok::Quoted, find_close(i + 1, b'\'', true)),
        b'"' => (Tok::Quoted, find_close(i + 1, b'"', true)),
        b'`' => (Tok::Quoted, find_close(i + 1, b'`', true)),
        b'[' => (Tok::Quoted, find_close(i + 1, b']', false)),
        b';' => (Tok::Semi, i + 1),
        c if c == b'_' || c == b'$' || c.is_ascii_alphanumeric() || c >= 0x80 => {
            let mut j = i + 1;
            while j < n
                && (b[j] == b'_' || b[j] == b'$' || b[j].is_ascii_alphanumeric() || b[j] >= 0x80)
            {
                j += 1;
            }
            (Tok::Word, j)
        }
        _ => (Tok::Other, i + 1),
    }
}

/// Where the trigger-body state machine stands within one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TriggerState {
    /// Not (yet) known to be a CREATE TRIGGER.
    No,
    /// Inside a CREATE TRIGGER, not right after a `;`.
    Body,
    /// Right after a `;` inside a trigger.
    AfterSemi,
    /// After `; END` inside a trigger: the next `;` ends the statement.
    AfterEnd,
}

/// Splits `sql` into statements. Empty statements (`;;`) are dropped.
pub fn split_statements(sql: &str) -> Vec<SqlStatement> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    // State of the statement being read.
    let mut seg_start = 0; // start of `preceding`
    let mut first: Option<(usize, usize)> = None; // (byte offset, line) of first token
    let mut last_end = 0; // end of the last non-space, non-comment token
    let mut words: Vec<String> = Vec::new(); // first few words, upper-cased
    let mut trig = TriggerState::No;
    while i < b.len() {
        let (kind, end) = next_token(b, i);
        let tok_line = line;
        line += b[i..end].iter().filter(|&&c| c == b'\n').count();
        match kind {
            Tok::Space | Tok::Comment => {}
            Tok::Semi => {
                let ends = match trig {
                    TriggerState::No => true,
                    TriggerState::AfterEnd => true,
                    TriggerState::Body | TriggerState::AfterSemi => {
                        trig = TriggerState::AfterSemi;
                        false
                    }
                };
                if ends {
                    if let Some((start, l)) = first {
                        out.push(SqlStatement {
                            text: sql[start..last_end].to_string(),
                            line: l,
                            preceding: sql[seg_start..start].to_string(),
                        });
                    }
                    seg_start = end;
                    first = None;
                    words.clear();
                    trig = TriggerState::No;
                } else {
                    last_end = end;
                }
            }
            Tok::Word | Tok::Quoted | Tok::Other => {
                if first.is_none() {
                    first = Some((i, tok_line));
                }
                last_end = end;
                if kind == Tok::Word {
                    let w = sql[i..end].to_ascii_uppercase();
                    match trig {
                        TriggerState::No => {
                            if words.len() < 6 {
                                words.push(w);
                                if is_create_trigger(&words) {
                                    trig = TriggerState::Body;
                                }
                            }
                        }
                        TriggerState::AfterSemi => {
                            trig = if w == "END" {
                                TriggerState::AfterEnd
                            } else {
                                TriggerState::Body
                            };
                        }
                        TriggerState::AfterEnd => trig = TriggerState::Body,
                        TriggerState::Body => {}
                    }
                } else {
                    if words.len() < 6 {
                        // Punctuation among the leading words means this is
                        // not a CREATE TRIGGER prefix any more.
                        words.push(String::new());
                    }
                    if matches!(trig, TriggerState::AfterSemi | TriggerState::AfterEnd) {
                        trig = TriggerState::Body;
                    }
                }
            }
        }
        i = end;
    }
    if let Some((start, l)) = first {
        out.push(SqlStatement {
            text: sql[start..last_end].to_string(),
            line: l,
            preceding: sql[seg_start..start].to_string(),
        });
    }
    out
}

/// True when the leading words are `[EXPLAIN [QUERY PLAN]] CREATE [TEMP|TEMPORARY] TRIGGER`.
fn is_create_trigger(words: &[String]) -> bool {
    let mut w: &[String] = words;
    if w.first().map(String::as_str) == Some("EXPLAIN") {
        w = &w[1..];
        if w.len() >= 2 && w[0] == "QUERY" && w[1] == "PLAN" {
            w = &w[2..];
        }
    }
    match w {
        [c, t] => c == "CREATE" && t == "TRIGGER",
        [c, tmp, t] => c == "CREATE" && (tmp == "TEMP" || tmp == "TEMPORARY") && t == "TRIGGER",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        split_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_top_level_semicolons() {
        assert_eq!(texts("SELECT 1; SELECT 2;"), vec!["SELECT 1", "SELECT 2"]);
        assert_eq!(
            texts("SELECT 1;;  ; SELECT 2"),
            vec!["SELECT 1", "SELECT 2"]
        );
        assert_eq!(texts(""), Vec::<String>::new());
        assert_eq!(texts("  -- only a comment\n"), Vec::<String>::new());
    }

    #[test]
    fn respects_quotes_and_comments() {
        assert_eq!(
            texts("SELECT 'a;b', \"c;d\", `e;f`, [g;h]; SELECT 'it''s;'"),
            vec!["SELECT 'a;b', \"c;d\", `e;f`, [g;h]", "SELECT 'it''s;'"]
        );
        assert_eq!(
            texts("SELECT 1 -- x; y\n + 2; /* ; */ SELECT 3"),
            vec!["SELECT 1 -- x; y\n + 2", "SELECT 3"]
        );
        assert_eq!(
            texts("SELECT 'unterminated;"),
            vec!["SELECT 'unterminated;"]
        );
    }

    #[test]
    fn keeps_trigger_bodies_whole() {
        let sql = "CREATE TABLE t(a);\nCREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = CASE WHEN a > 1 THEN 2 ELSE 3 END;\n  DELETE FROM t WHERE a = 0;\nEND;\nSELECT 1;";
        let s = split_statements(sql);
        assert_eq!(s.len(), 3);
        assert!(s[1].text.starts_with("CREATE TEMP TRIGGER"));
        assert!(s[1].text.ends_with("END"));
        assert_eq!(s[1].line, 2);
        assert_eq!(s[2].text, "SELECT 1");
        assert_eq!(s[2].line, 6);
    }

    #[test]
    fn begin_end_transactions_are_not_triggers() {
        assert_eq!(
            texts("BEGIN; INSERT INTO t VALUES(1); END; SELECT 1"),
            vec!["BEGIN", "INSERT INTO t VALUES(1)", "END", "SELECT 1"]
        );
    }

    #[test]
    fn records_lines_and_preceding_comments() {
        let s = split_statements("SELECT 1;\n\n-- error: no such table\nSELECT * FROM nope;\n");
        assert_eq!(s[1].line, 4);
        assert!(s[1].preceding.contains("-- error: no such table"));
    }

    #[test]
    fn non_ascii_text_is_kept() {
        assert_eq!(
            texts("SELECT 'é;ü'; SELECT ñ"),
            vec!["SELECT 'é;ü'", "SELECT ñ"]
        );
    }
}
