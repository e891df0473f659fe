//! Parses a sqllogictest script into records.
//!
//! Format (as the reference C harness reads it): lines end at `\n`, a
//! trailing `\r` is dropped, a line of only white space is blank, and a line
//! starting with `#` is a comment that is removed entirely (it neither ends a
//! record nor becomes part of one). Records are separated by blank lines.
//! A record's first line is one of:
//!
//! - `skipif <engine>` / `onlyif <engine>`: a condition on the record that
//!   follows on the next line (several may stack);
//! - `statement ok` / `statement error`, then the SQL up to the blank line;
//! - `query <types> [nosort|rowsort|valuesort] [<label>]`, then the SQL up to
//!   a `----` line or the blank line, then the expected values, one a line
//!   (or a single `N values hashing to <md5>` line);
//! - `hash-threshold <N>`;
//! - `halt`.

/// How a query's values are ordered before comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    NoSort,
    RowSort,
    ValueSort,
}

/// A `skipif` / `onlyif` guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    SkipIf(String),
    OnlyIf(String),
}

/// What a query record expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The values, one per line, already in sorted order.
    Values(Vec<String>),
    /// `count values hashing to md5`.
    Hash { count: usize, md5: String },
}

impl Expected {
    /// The lines as written in the script.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Expected::Values(v) => v.clone(),
            Expected::Hash { count, md5 } => vec![format!("{count} values hashing to {md5}")],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordKind {
    Statement {
        expect_error: bool,
        sql: String,
    },
    Query {
        types: String,
        sort: SortMode,
        label: Option<String>,
        sql: String,
        expected: Expected,
    },
    HashThreshold(usize),
    Halt,
    /// A record the parser could not understand; the runner reports it and
    /// stops the file, like the reference harness.
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line of the record's first line (after its conditions).
    pub line: usize,
    pub conditions: Vec<Condition>,
    pub kind: RecordKind,
}

impl Record {
    /// Whether the record runs for an engine that identifies as `engine`.
    pub fn applies_to(&self, engine: &str) -> bool {
        self.conditions.iter().all(|c| match c {
            Condition::SkipIf(e) => !e.eq_ignore_ascii_case(engine),
            Condition::OnlyIf(e) => e.eq_ignore_ascii_case(engine),
        })
    }
}

/// Parses `script` into its records.
pub fn parse_script(script: &str) -> Vec<Record> {
    // Logical lines: (line number, text). Comments are dropped here.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for (i, raw) in script.split('\n').enumerate() {
        let l = raw.strip_suffix('\r').unwrap_or(raw);
        let l = if l.trim().is_empty() { "" } else { l };
        if l.starts_with('#') {
            continue;
        }
        lines.push((i + 1, l));
    }
    // A file ending in '\n' yields a final empty piece; harmless.
    let mut records = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].1.is_empty() {
            i += 1;
            continue;
        }
        // Gather the record's lines up to the next blank line.
        let start = i;
        while i < lines.len() && !lines[i].1.is_empty() {
            i += 1;
        }
        records.push(parse_record(&lines[start..i]));
    }
    records
}

fn parse_record(lines: &[(usize, &str)]) -> Record {
    let mut conditions = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let toks: Vec<&str> = lines[k].1.split_whitespace().collect();
        match toks.first().copied() {
            Some("skipif") => {
                conditions.push(Condition::SkipIf(toks.get(1).unwrap_or(&"").to_string()))
            }
            Some("onlyif") => {
                conditions.push(Condition::OnlyIf(toks.get(1).unwrap_or(&"").to_string()))
            }
            _ => break,
        }
        k += 1;
    }
    let Some(&(line, head)) = lines.get(k) else {
        let line = lines.last().map(|l| l.0).unwrap_or(0);
        return Record {
            line,
            conditions,
            kind: RecordKind::Invalid("condition without a record".into()),
        };
    };
    let body = &lines[k + 1..];
    let toks: Vec<&str> = head.split_whitespace().collect();
    let kind = match toks.first().copied().unwrap_or("") {
        "statement" => match toks.get(1).copied() {
            Some("ok") | Some("error") => RecordKind::Statement {
                expect_error: toks[1] == "error",
                sql: join(body),
            },
            other => RecordKind::Invalid(format!(
                "statement argument should be 'ok' or 'error', got {other:?}"
            )),
        },
        "query" => parse_query(&toks, body),
        "hash-threshold" => match toks.get(1).and_then(|t| t.parse::<usize>().ok()) {
            Some(n) => RecordKind::HashThreshold(n),
            None => RecordKind::Invalid("hash-threshold needs a number".into()),
        },
        "halt" => RecordKind::Halt,
        other => RecordKind::Invalid(format!("unknown record type: '{other}'")),
    };
    Record {
        line,
        conditions,
        kind,
    }
}

fn parse_query(toks: &[&str], body: &[(usize, &str)]) -> RecordKind {
    let types = toks.get(1).copied().unwrap_or("");
    if types.is_empty() {
        return RecordKind::Invalid("missing type string".into());
    }
    if let Some(c) = types.chars().find(|c| !matches!(c, 'I' | 'R' | 'T')) {
        return RecordKind::Invalid(format!("unknown type character '{c}' in type string"));
    }
    let sort = match toks.get(2).copied() {
        None | Some("nosort") => SortMode::NoSort,
        Some("rowsort") => SortMode::RowSort,
        Some("valuesort") => SortMode::ValueSort,
        Some(other) => return RecordKind::Invalid(format!("unknown sort method: '{other}'")),
    };
    let label = toks.get(3).map(|l| l.chars().take(20).collect::<String>());
    let sep = body.iter().position(|l| l.1 == "----");
    let (sql_lines, result_lines) = match sep {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, &body[body.len()..]),
    };
    let expected = parse_expected(result_lines);
    RecordKind::Query {
        types: types.to_string(),
        sort,
        label,
        sql: join(sql_lines),
        expected,
    }
}

fn parse_expected(lines: &[(usize, &str)]) -> Expected {
    if let [(_, only)] = lines {
        if let Some((count, md5)) = parse_hash_line(only) {
            return Expected::Hash { count, md5 };
        }
    }
    Expected::Values(lines.iter().map(|l| l.1.to_string()).collect())
}

/// Parses `N values hashing to <md5>`.
pub fn parse_hash_line(line: &str) -> Option<(usize, String)> {
    let toks: Vec<&str> = line.split_whitespace().collect();
    match toks.as_slice() {
        [n, "values", "hashing", "to", h] if h.len() == 32 => {
            Some((n.parse().ok()?, h.to_ascii_lowercase()))
        }
        _ => None,
    }
}

fn join(lines: &[(usize, &str)]) -> String {
    lines.iter().map(|l| l.1).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "hash-threshold 8\r\n\r\nstatement ok\r\nCREATE TABLE t1(a INTEGER,\r\n# a comment inside\r\n b TEXT)\r\n\r\n# comment between records\r\nskipif mysql\r\nonlyif sqlite\r\nquery IT rowsort label-1\r\nSELECT a, b\r\nFROM t1\r\n----\r\n1\r\nx\r\n\r\nquery I nosort\r\nSELECT 1\r\n\r\nquery R valuesort\r\nSELECT a FROM t1\r\n----\r\n30 values hashing to 0123456789ABCDEF0123456789abcdef\r\n\r\nstatement error\r\nSELECT nope\r\n   \r\nhalt\r\n\r\nbogus record\r\n";

    #[test]
    fn parses_every_record_form() {
        let r = parse_script(SCRIPT);
        assert_eq!(r.len(), 8);
        assert_eq!(r[0].kind, RecordKind::HashThreshold(8));
        assert_eq!(
            r[1].kind,
            RecordKind::Statement {
                expect_error: false,
                sql: "CREATE TABLE t1(a INTEGER,\n b TEXT)".into()
            }
        );
        assert_eq!(r[1].line, 3);
        assert_eq!(
            r[2].conditions,
            vec![
                Condition::SkipIf("mysql".into()),
                Condition::OnlyIf("sqlite".into())
            ]
        );
        assert!(r[2].applies_to("SQLite"));
        assert!(!r[2].applies_to("mysql"));
        assert_eq!(r[2].line, 11);
        match &r[2].kind {
            RecordKind::Query {
                types,
                sort,
                label,
                sql,
                expected,
            } => {
                assert_eq!(types, "IT");
                assert_eq!(*sort, SortMode::RowSort);
                assert_eq!(label.as_deref(), Some("label-1"));
                assert_eq!(sql, "SELECT a, b\nFROM t1");
                assert_eq!(*expected, Expected::Values(vec!["1".into(), "x".into()]));
            }
            other => panic!("{other:?}"),
        }
        match &r[3].kind {
            RecordKind::Query { expected, sort, .. } => {
                assert_eq!(*sort, SortMode::NoSort);
                assert_eq!(*expected, Expected::Values(vec![]));
            }
            other => panic!("{other:?}"),
        }
        match &r[4].kind {
            RecordKind::Query { expected, .. } => assert_eq!(
                *expected,
                Expected::Hash {
                    count: 30,
                    md5: "0123456789abcdef0123456789abcdef".into()
                }
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            r[5].kind,
            RecordKind::Statement {
                expect_error: true,
                sql: "SELECT nope".into()
            }
        );
        assert_eq!(r[6].kind, RecordKind::Halt);
        assert!(matches!(r[7].kind, RecordKind::Invalid(_)));
    }

    #[test]
    fn reports_invalid_records() {
        let r = parse_script("bogus\n\nquery X\nSELECT 1\n\nskipif sqlite\n");
        assert!(matches!(r[0].kind, RecordKind::Invalid(_)));
        assert!(matches!(r[1].kind, RecordKind::Invalid(_)));
        assert!(matches!(r[2].kind, RecordKind::Invalid(_)));
    }
}
