//! Escaping and quoting of values and names for each output format, as the
//! sqlite3 shell writes them (SQL literals, CSV, HTML, JSON, C strings).

/// The bytes of a value up to its first NUL, as the C shell sees a
/// `sqlite3_column_text` string.
pub fn c_str(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(p) => &b[..p],
        None => b,
    }
}

/// `'text'` with embedded quotes doubled (shell.c output_quoted_string).
pub fn sql_quoted(out: &mut Vec<u8>, z: &[u8]) {
    out.push(b'\'');
    for &c in z {
        if c == b'\'' {
            out.push(b'\'');
        }
        out.push(c);
    }
    out.push(b'\'');
}

/// A string not occurring in `z`: `a`, else `b`, else `(a0)`, `(a1)`, ...
fn unused_string(z: &[u8], a: &str, b: &str) -> String {
    let contains = |needle: &[u8]| z.windows(needle.len().max(1)).any(|w| w == needle);
    if !contains(a.as_bytes()) {
        return a.to_string();
    }
    if !contains(b.as_bytes()) {
        return b.to_string();
    }
    let mut i = 0u32;
    loop {
        let s = format!("({a}{i})");
        if !contains(s.as_bytes()) {
            return s;
        }
        i += 1;
    }
}

/// A SQL literal for `z` that survives line-oriented replay: newlines and
/// carriage returns become `replace('..\n..','\n',char(10))`
/// (shell.c output_quoted_escaped_string).
pub fn sql_quoted_escaped(out: &mut Vec<u8>, z: &[u8]) {
    let n_nl = z.iter().filter(|&&c| c == b'\n').count();
    let n_cr = z.iter().filter(|&&c| c == b'\r').count();
    if n_nl == 0 && n_cr == 0 {
        sql_quoted(out, z);
        return;
    }
    let mut z_nl = String::new();
    let mut z_cr = String::new();
    if n_nl > 0 {
        out.extend_from_slice(b"replace(");
        z_nl = unused_string(z, "\\n", "\\012");
    }
    if n_cr > 0 {
        out.extend_from_slice(b"replace(");
        z_cr = unused_string(z, "\\r", "\\015");
    }
    out.push(b'\'');
    for &c in z {
        match c {
            b'\'' => out.extend_from_slice(b"''"),
            b'\n' => out.extend_from_slice(z_nl.as_bytes()),
            b'\r' => out.extend_from_slice(z_cr.as_bytes()),
            _ => out.push(c),
        }
    }
    out.push(b'\'');
    if n_cr > 0 {
        out.extend_from_slice(format!(",'{z_cr}',char(13))").as_bytes());
    }
    if n_nl > 0 {
        out.extend_from_slice(format!(",'{z_nl}',char(10))").as_bytes());
    }
}

/// `X'0a1b'`
pub fn hex_blob(out: &mut Vec<u8>, b: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"X'");
    for &c in b {
        out.push(HEX[(c >> 4) as usize]);
        out.push(HEX[(c & 15) as usize]);
    }
    out.push(b'\'');
}

fn needs_csv_quote(c: u8) -> bool {
    c < 0x21 || c == b'"' || c == b'\'' || c >= 0x7f
}

/// One CSV field (shell.c output_csv), `None` for NULL.
pub fn csv_field(out: &mut Vec<u8>, z: Option<&[u8]>, null_value: &[u8], col_sep: &[u8]) {
    match z {
        None => out.extend_from_slice(null_value),
        Some(z) => {
            let quote = z.is_empty()
                || z.iter().any(|&c| needs_csv_quote(c))
                || (!col_sep.is_empty() && z.windows(col_sep.len()).any(|w| w == col_sep));
            if quote {
                out.push(b'"');
                for &c in z {
                    if c == b'"' {
                        out.push(b'"');
                    }
                    out.push(c);
                }
                out.push(b'"');
            } else {
                out.extend_from_slice(z);
            }
        }
    }
}

/// HTML-escaped text (shell.c output_html_string).
pub fn html(out: &mut Vec<u8>, z: &[u8]) {
    for &c in z {
        match c {
            b'<' => out.extend_from_slice(b"&lt;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            b'\'' => out.extend_from_slice(b"&#39;"),
            _ => out.push(c),
        }
    }
}

/// A JSON string literal (shell.c output_json_string).
pub fn json_string(out: &mut Vec<u8>, z: &[u8]) {
    out.push(b'"');
    for &c in z {
        match c {
            b'"' | b'\\' => {
                out.push(b'\\');
                out.push(c);
            }
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if c <= 0x1f => out.extend_from_slice(format!("\\u{:04x}", c).as_bytes()),
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// A C string literal (shell.c output_c_string), used by `.show`.
pub fn c_string(out: &mut Vec<u8>, z: &[u8]) {
    out.push(b'"');
    for &c in z {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            c if !(0x20..0x7f).contains(&c) => {
                out.extend_from_slice(format!("\\{:03o}", c).as_bytes())
            }
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// SQLite's keywords (sqlite3_keyword_check).
const KEYWORDS: &[&str] = &[
    "ABORT",
    "ACTION",
    "ADD",
    "AFTER",
    "ALL",
    "ALTER",
    "ALWAYS",
    "ANALYZE",
    "AND",
    "AS",
    "ASC",
    "ATTACH",
    "AUTOINCREMENT",
    "BEFORE",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CASCADE",
    "CASE",
    "CAST",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "COMMIT",
    "CONFLICT",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "CURRENT",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "DATABASE",
    "DEFAULT",
    "DEFERRABLE",
    "DEFERRED",
    "DELETE",
    "DESC",
    "DETACH",
    "DISTINCT",
    "DO",
    "DROP",
    "EACH",
    "ELSE",
    "END",
    "ESCAPE",
    "EXCEPT",
    "EXCLUDE",
    "EXCLUSIVE",
    "EXISTS",
    "EXPLAIN",
    "FAIL",
    "FILTER",
    "FIRST",
    "FOLLOWING",
    "FOR",
    "FOREIGN",
    "FROM",
    "FULL",
    "GENERATED",
    "GLOB",
    "GROUP",
    "GROUPS",
    "HAVING",
    "IF",
    "IGNORE",
    "IMMEDIATE",
    "IN",
    "INDEX",
    "INDEXED",
    "INITIALLY",
    "INNER",
    "INSERT",
    "INSTEAD",
    "INTERSECT",
    "INTO",
    "IS",
    "ISNULL",
    "JOIN",
    "KEY",
    "LAST",
    "LEFT",
    "LIKE",
    "LIMIT",
    "MATCH",
    "MATERIALIZED",
    "NATURAL",
    "NO",
    "NOT",
    "NOTHING",
    "NOTNULL",
    "NULL",
    "NULLS",
    "OF",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OTHERS",
    "OUTER",
    "OVER",
    "PARTITION",
    "PLAN",
    "PRAGMA",
    "PRECEDING",
    "PRIMARY",
    "QUERY",
    "RAISE",
    "RANGE",
    "RECURSIVE",
    "REFERENCES",
    "REGEXP",
    "REINDEX",
    "RELEASE",
    "RENAME",
    "REPLACE",
    "RESTRICT",
    "RETURNING",
    "RIGHT",
    "ROLLBACK",
    "ROW",
    "ROWS",
    "SAVEPOINT",
    "SELECT",
    "SET",
    "TABLE",
    "TEMP",
    "TEMPORARY",
    "THEN",
    "TIES",
    "TO",
    "TRANSACTION",
    "TRIGGER",
    "UNBOUNDED",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VACUUM",
    "VALUES",
    "VIEW",
    "VIRTUAL",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
    "WITHOUT",
];

pub fn is_keyword(name: &[u8]) -> bool {
    KEYWORDS
        .iter()
        .any(|k| k.as_bytes().eq_ignore_ascii_case(name))
}

/// Whether an identifier must be double-quoted (shell.c quoteChar).
pub fn needs_quote(name: &[u8]) -> bool {
    match name.first() {
        Some(&c) if c.is_ascii_alphabetic() || c == b'_' => {}
        _ => return true,
    }
    if name
        .iter()
        .any(|&c| !c.is_ascii_alphanumeric() && c != b'_')
    {
        return true;
    }
    is_keyword(name)
}

/// `"name"` with embedded double quotes doubled (`%w` inside `"..."`).
pub fn dquote(name: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(name.len() + 2);
    v.push(b'"');
    for &c in name {
        if c == b'"' {
            v.push(b'"');
        }
        v.push(c);
    }
    v.push(b'"');
    v
}

/// The name, double-quoted only when needed.
pub fn maybe_dquote(name: &[u8]) -> Vec<u8> {
    if needs_quote(name) {
        dquote(name)
    } else {
        name.to_vec()
    }
}

/// A SQL string literal (`%Q`).
pub fn squote(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    sql_quoted(&mut v, s);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut v = Vec::new();
        sql_quoted_escaped(&mut v, b"a\nb'c\r");
        assert_eq!(
            v,
            b"replace(replace('a\\nb''c\\r','\\r',char(13)),'\\n',char(10))"
        );
        let mut v = Vec::new();
        csv_field(&mut v, Some(b""), b"", b",");
        assert_eq!(v, b"\"\"");
        assert!(needs_quote(b"table"));
        assert!(!needs_quote(b"t1"));
        assert!(needs_quote(b"1t"));
    }
}
