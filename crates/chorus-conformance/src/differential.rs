//! The differential harness: runs a SQL script statement by statement on two
//! engines and compares, for every statement, whether it failed (and the
//! primary result code), the column names, and the typed values row by row,
//! in order. Reals compare by their bits, except that `0.0` equals `-0.0`.
//!
//! Scripts are plain SQL (`differential/*.sql`), cut into statements by
//! [`split_statements`]. A statement that SQLite must reject is marked by a
//! comment line right before it: `-- error` or `-- error: <text>`, where
//! `<text>` must occur in the message. [`validate_script`] checks those
//! markers on one engine (SQLite), so a typo in a script is caught instead of
//! silently comparing two identical errors.

use crate::engine::{Engine, EngineError, QueryResult};
use crate::splitter::{split_statements, SqlStatement};
use chorus::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// How many mismatches a report keeps in detail.
pub const MAX_KEPT: usize = 100;

/// Comparison settings.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Also require identical error messages.
    pub compare_messages: bool,
}

/// One statement whose outcomes differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// 1-based line of the statement in the script.
    pub line: usize,
    pub sql: String,
    pub detail: String,
}

/// The outcome of a script on two engines.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Statements run.
    pub statements: usize,
    /// Statements whose outcomes agree.
    pub matched: usize,
    /// The first [`MAX_KEPT`] mismatches.
    pub mismatches: Vec<Mismatch>,
}

impl Report {
    pub fn mismatch_count(&self) -> usize {
        self.statements - self.matched
    }

    pub fn all_matched(&self) -> bool {
        self.matched == self.statements
    }
}

/// A value as SQL-ish text for reports: `5`, `2.5e0 (real)`, `'text'`,
/// `X'00ff'`, `NULL`.
pub fn describe_value(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => format!("{r:?} (real)"),
        Value::Text(t) => format!("'{}'", String::from_utf8_lossy(t).replace('\'', "''")),
        Value::Blob(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            format!("X'{hex}'")
        }
    }
}

/// Typed equality: same storage class and same value; reals by bits except
/// that the two zeros are equal.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Integer(x), Value::Integer(y)) => x == y,
        (Value::Real(x), Value::Real(y)) => x.to_bits() == y.to_bits() || (*x == 0.0 && *y == 0.0),
        (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Blob(x), Value::Blob(y)) => x == y,
        _ => false,
    }
}

type Outcome = Result<Option<QueryResult>, EngineError>;

/// One engine call with panics turned into errors (code -1).
fn guarded(engine: &mut dyn Engine, sql: &str) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| engine.execute(sql))) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(EngineError {
                code: -1,
                message: format!("engine panicked: {msg}"),
            })
        }
    }
}

fn describe_outcome(o: &Outcome) -> String {
    match o {
        Err(e) => format!("error: {e}"),
        Ok(None) => "ok, no result columns".into(),
        Ok(Some(r)) => format!("{} column(s), {} row(s)", r.columns.len(), r.rows.len()),
    }
}

/// Why two outcomes differ, or `None` when they agree.
pub fn compare_outcomes(a: &Outcome, b: &Outcome, opts: &DiffOptions) -> Option<String> {
    match (a, b) {
        (Err(x), Err(y)) => {
            if x.code != y.code {
                Some(format!("error codes differ: {x} vs {y}"))
            } else if opts.compare_messages && x.message != y.message {
                Some(format!("error messages differ: {x} vs {y}"))
            } else {
                None
            }
        }
        (Ok(None), Ok(None)) => None,
        (Ok(Some(x)), Ok(Some(y))) => compare_results(x, y),
        _ => Some(format!(
            "{} vs {}",
            describe_outcome(a),
            describe_outcome(b)
        )),
    }
}

fn compare_results(a: &QueryResult, b: &QueryResult) -> Option<String> {
    if a.columns != b.columns {
        return Some(format!(
            "column names differ: {:?} vs {:?}",
            a.columns, b.columns
        ));
    }
    for (i, (ra, rb)) in a.rows.iter().zip(&b.rows).enumerate() {
        if ra.len() != rb.len() {
            return Some(format!("row {i} has {} vs {} values", ra.len(), rb.len()));
        }
        for (c, (va, vb)) in ra.iter().zip(rb).enumerate() {
            if !values_equal(va, vb) {
                let row = |r: &[Value]| r.iter().map(describe_value).collect::<Vec<_>>().join(", ");
                return Some(format!(
                    "row {i} column {} ({}) differs: {} vs {}\n    row: ({}) vs ({})",
                    c,
                    a.columns.get(c).map(String::as_str).unwrap_or("?"),
                    describe_value(va),
                    describe_value(vb),
                    row(ra),
                    row(rb)
                ));
            }
        }
    }
    if a.rows.len() != b.rows.len() {
        return Some(format!(
            "row counts differ: {} vs {}",
            a.rows.len(),
            b.rows.len()
        ));
    }
    None
}

/// Runs `script` on `a` and `b` statement by statement and compares each
/// outcome (error codes only, not messages).
pub fn run_differential(a: &mut dyn Engine, b: &mut dyn Engine, script: &str) -> Report {
    run_differential_with(a, b, script, &DiffOptions::default())
}

/// [`run_differential`] with options.
pub fn run_differential_with(
    a: &mut dyn Engine,
    b: &mut dyn Engine,
    script: &str,
    opts: &DiffOptions,
) -> Report {
    let mut rep = Report::default();
    for st in split_statements(script) {
        rep.statements += 1;
        let oa = guarded(a, &st.text);
        let ob = guarded(b, &st.text);
        match compare_outcomes(&oa, &ob, opts) {
            None => rep.matched += 1,
            Some(detail) => {
                if rep.mismatches.len() < MAX_KEPT {
                    rep.mismatches.push(Mismatch {
                        line: st.line,
                        sql: st.text.clone(),
                        detail: format!("{}: {detail}", describe_engines(a, b)),
                    });
                }
            }
        }
    }
    rep
}

fn describe_engines(a: &dyn Engine, b: &dyn Engine) -> String {
    format!("{} vs {}", a.name(), b.name())
}

/// Whether a statement is marked `-- scan-order`: its result depends on the
/// order in which SQLite scans a table (bare columns of an aggregate, rows
/// of a query without ORDER BY whose scan order is part of what is tested),
/// so the check that scripts do not depend on scan order skips it. Chorus
/// is still compared with SQLite on it.
pub fn depends_on_scan_order(st: &SqlStatement) -> bool {
    st.preceding.lines().any(|l| l.trim() == "-- scan-order")
}

/// The error marker of a statement: `None` when it has none, `Some(None)`
/// for `-- error`, `Some(Some(text))` for `-- error: text`. Only a comment
/// line that is exactly `-- error` or starts with `-- error:` counts.
pub fn error_marker(st: &SqlStatement) -> Option<Option<String>> {
    let mut marker = None;
    for line in st.preceding.lines() {
        let l = line.trim();
        if l == "-- error" {
            marker = Some(None);
        } else if let Some(rest) = l.strip_prefix("-- error:") {
            let rest = rest.trim();
            marker = Some(if rest.is_empty() {
                None
            } else {
                Some(rest.to_string())
            });
        }
    }
    marker
}

/// Runs `script` on one engine and checks that exactly the statements marked
/// `-- error` fail (with the marked text in the message, when given).
/// Returns the statements that break that rule.
pub fn validate_script(engine: &mut dyn Engine, script: &str) -> Vec<Mismatch> {
    let mut problems = Vec::new();
    for st in split_statements(script) {
        let outcome = guarded(engine, &st.text);
        let problem = match (error_marker(&st), &outcome) {
            (None, Err(e)) => Some(format!("unexpected error: {e}")),
            (Some(_), Ok(_)) => Some("marked `-- error` but succeeded".to_string()),
            (Some(Some(text)), Err(e)) if !e.message.contains(text.as_str()) => Some(format!(
                "error message {:?} does not contain {:?}",
                e.message, text
            )),
            _ => None,
        };
        if let Some(detail) = problem {
            problems.push(Mismatch {
                line: st.line,
                sql: st.text.clone(),
                detail,
            });
        }
    }
    problems
}

/// Rewrites `script` so that its `-- error` markers match what `engine`
/// (SQLite) does: every failing statement gets `-- error: <message>` on the
/// line before it, and stale markers are dropped. The rest of the text is
/// kept; anything after the last statement is dropped. For writing new
/// scripts: write the SQL, annotate, then review every marker.
pub fn annotate_script(engine: &mut dyn Engine, script: &str) -> String {
    let mut out = String::with_capacity(script.len() + 1024);
    for st in split_statements(script) {
        let kept: Vec<&str> = st
            .preceding
            .split_inclusive('\n')
            .filter(|l| {
                let t = l.trim();
                !(t == "-- error" || t.starts_with("-- error:"))
            })
            .collect();
        out.push_str(&kept.concat());
        if let Err(e) = guarded(engine, &st.text) {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            let first_line = e.message.lines().next().unwrap_or("");
            out.push_str(&format!("-- error: {first_line}\n"));
        }
        out.push_str(&st.text);
        out.push(';');
    }
    out.push('\n');
    out
}

/// Number of statements in a script.
pub fn count_statements(script: &str) -> usize {
    split_statements(script).len()
}

/// The `.sql` files in `dir`, sorted.
pub fn script_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "sql") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// The scripts shipped with this crate (`differential/`).
pub fn bundled_scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("differential")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite_engine::SqliteEngine;

    #[test]
    fn zeros_equal_other_reals_by_bits() {
        assert!(values_equal(&Value::Real(0.0), &Value::Real(-0.0)));
        assert!(!values_equal(&Value::Real(0.1 + 0.2), &Value::Real(0.3)));
        assert!(!values_equal(&Value::Integer(1), &Value::Real(1.0)));
        assert!(!values_equal(
            &Value::Text(b"a".to_vec()),
            &Value::Blob(b"a".to_vec())
        ));
    }

    #[test]
    fn annotation_marks_exactly_the_failing_statements() {
        let mut e = SqliteEngine::new().unwrap();
        let out = annotate_script(
            &mut e,
            "-- intro\nSELECT 1;\n-- error\nSELECT 2;\nSELECT * FROM nope; SELECT 3;\n",
        );
        assert_eq!(
            out,
            "-- intro\nSELECT 1;\nSELECT 2;\n-- error: no such table: nope\nSELECT * FROM nope; SELECT 3;\n"
        );
        let mut e = SqliteEngine::new().unwrap();
        assert!(validate_script(&mut e, &out).is_empty());
    }

    #[test]
    fn markers() {
        let s = split_statements("-- a note\n-- error: no such table\nSELECT * FROM x;\n-- error\nSELECT;\n-- errors below\nSELECT 1;");
        assert_eq!(error_marker(&s[0]), Some(Some("no such table".into())));
        assert_eq!(error_marker(&s[1]), Some(None));
        assert_eq!(error_marker(&s[2]), None);
    }

    #[test]
    fn validation_catches_unmarked_and_wrongly_marked_statements() {
        let mut e = SqliteEngine::new().unwrap();
        let problems = validate_script(
            &mut e,
            "CREATE TABLE t(a);\nSELEC 1;\n-- error\nSELECT 1;\n-- error: UNIQUE\nSELECT * FROM nope;\n-- error: no such table\nSELECT * FROM nope;",
        );
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 4, 6], "{problems:?}");
    }

    /// An engine that differs from SQLite in chosen ways.
    struct Skewed(SqliteEngine);
    impl Engine for Skewed {
        fn name(&self) -> &str {
            "skewed"
        }
        fn execute(&mut self, sql: &str) -> Result<Option<QueryResult>, EngineError> {
            if sql.contains("fail") {
                return Err(EngineError::new(19, "made up"));
            }
            let mut r = self.0.execute(sql)?;
            if let Some(q) = r.as_mut() {
                for row in &mut q.rows {
                    for v in row.iter_mut() {
                        if *v == Value::Integer(7) {
                            *v = Value::Real(7.0);
                        }
                    }
                }
                if sql.contains("rename") {
                    q.columns[0] = "other".into();
                }
                if sql.contains("drop") {
                    q.rows.pop();
                }
            }
            Ok(r)
        }
    }

    #[test]
    fn differences_are_reported() {
        let mut a = SqliteEngine::new().unwrap();
        let mut b = Skewed(SqliteEngine::new().unwrap());
        let rep = run_differential(
            &mut a,
            &mut b,
            "SELECT 1;\nSELECT 7;\nSELECT 1 AS rename;\nSELECT 1 AS dropped UNION ALL SELECT 2;\nSELECT 'fail';\nSELECT 0.0;\n-- error\nSELEC;\nSELECT * FROM nope WHERE 'fail';",
        );
        assert_eq!(rep.statements, 8);
        assert_eq!(rep.matched, 3, "{:?}", rep.mismatches);
        let lines: Vec<usize> = rep.mismatches.iter().map(|m| m.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 9]);
        assert!(rep.mismatches[0].detail.contains("7.0 (real)"));
        assert!(rep.mismatches[4].detail.contains("error codes differ"));
    }
}
