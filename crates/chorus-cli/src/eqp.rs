//! EXPLAIN QUERY PLAN output: like sqlite3 (its "auto-explain"), whatever
//! the output mode, the plan rows (id, parent, notused, detail) are drawn as
//! a tree under "QUERY PLAN".

use crate::backend::{self, Statement, Value};
use crate::state::State;

/// Skip whitespace and comments; the next word, lower-cased, and the rest.
fn next_word(s: &[u8]) -> (Vec<u8>, &[u8]) {
    let mut i = 0;
    loop {
        while i < s.len() && (s[i].is_ascii_whitespace() || s[i] == 0x0b) {
            i += 1;
        }
        if s[i..].starts_with(b"--") {
            while i < s.len() && s[i] != b'\n' {
                i += 1;
            }
        } else if s[i..].starts_with(b"/*") {
            match s[i + 2..].windows(2).position(|w| w == b"*/") {
                Some(p) => i += 2 + p + 2,
                None => return (Vec::new(), &[]),
            }
        } else {
            break;
        }
    }
    let start = i;
    while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
        i += 1;
    }
    (s[start..i].to_ascii_lowercase(), &s[i..])
}

/// Whether the statement text starts with EXPLAIN (either form).
pub fn is_explain(sql: &str) -> bool {
    next_word(sql.as_bytes()).0 == b"explain"
}

/// Whether the statement text starts with EXPLAIN QUERY PLAN
/// (sqlite3_stmt_isexplain() == 2).
pub fn is_query_plan(sql: &str) -> bool {
    let (w1, rest) = next_word(sql.as_bytes());
    if w1 != b"explain" {
        return false;
    }
    let (w2, rest) = next_word(rest);
    if w2 != b"query" {
        return false;
    }
    next_word(rest).0 == b"plan"
}

struct Row {
    id: i64,
    parent: i64,
    text: Vec<u8>,
}

fn as_int(v: Value) -> i64 {
    match v {
        Value::Integer(i) => i,
        Value::Real(r) => r as i64,
        Value::Text(t) | Value::Blob(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
        Value::Null => 0,
    }
}

fn render_level(rows: &[Row], parent: i64, prefix: &mut Vec<u8>, out: &mut Vec<u8>, depth: usize) {
    let kids: Vec<&Row> = rows.iter().filter(|r| r.parent == parent).collect();
    let n = prefix.len();
    for (k, r) in kids.iter().enumerate() {
        let last = k + 1 == kids.len();
        out.extend_from_slice(prefix);
        out.extend_from_slice(if last { b"`--" } else { b"|--" });
        out.extend_from_slice(&r.text);
        out.push(b'\n');
        // sqlite3 keeps the prefix under 100 bytes; the depth bound also
        // stops a cyclic plan.
        if n < 93 && depth < 64 && r.id != parent {
            prefix.extend_from_slice(if last { b"   " } else { b"|  " });
            render_level(rows, r.id, prefix, out, depth + 1);
            prefix.truncate(n);
        }
    }
}

/// Run an EXPLAIN QUERY PLAN statement and draw its tree.
pub fn exec_eqp(st: &mut State, stmt: &mut dyn Statement) -> backend::Result<()> {
    let mut rows = Vec::new();
    let mut result = Ok(());
    loop {
        match stmt.step() {
            Ok(true) => {
                let text = match stmt.column_value(3) {
                    Value::Null => continue,
                    v => {
                        let mut b = Vec::new();
                        crate::render::value_text(&v, &mut b);
                        b
                    }
                };
                rows.push(Row {
                    id: as_int(stmt.column_value(0)),
                    parent: as_int(stmt.column_value(1)),
                    text,
                });
            }
            Ok(false) => break,
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    if rows.is_empty() {
        return result;
    }
    let mut out = Vec::new();
    let mut start = 0;
    if rows[0].text.first() == Some(&b'-') {
        if rows.len() == 1 {
            return result;
        }
        out.extend_from_slice(rows[0].text.get(3..).unwrap_or(&[]));
        out.push(b'\n');
        start = 1;
    } else {
        out.extend_from_slice(b"QUERY PLAN\n");
    }
    let mut prefix = Vec::new();
    render_level(&rows[start..], 0, &mut prefix, &mut out, 0);
    st.write(&out);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_query_plan() {
        assert!(is_query_plan("explain query plan select 1"));
        assert!(is_query_plan("/* c */ EXPLAIN -- x\n query\nPLAN select 1"));
        assert!(!is_query_plan("explain select 1"));
        assert!(!is_query_plan("select 1"));
        assert!(!is_query_plan("/* unterminated"));
    }
}
