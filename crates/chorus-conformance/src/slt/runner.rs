//! Runs parsed sqllogictest records against an [`Engine`] and checks them
//! the way the reference C harness does in `-verify` mode, with two
//! deliberate differences that only make it stricter: the number of result
//! values must equal the number of expected values, and a query whose engine
//! call fails is a failure even if the failure came after some rows.
//!
//! Every record is isolated: a failure (or a panic inside the engine) is
//! recorded and the next record runs, like sqllogictest does.

use super::parser::{parse_script, Expected, RecordKind, SortMode};
use super::render::render_value;
use crate::engine::{Engine, EngineError, QueryResult};
use crate::splitter::split_statements;
use md5::{Digest, Md5};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The reference harness's default hash threshold.
pub const DEFAULT_HASH_THRESHOLD: usize = 8;

/// How to run scripts.
#[derive(Debug, Clone)]
pub struct SltOptions {
    /// The engine name `skipif` / `onlyif` compare against. The corpus is
    /// written for SQLite, and an engine that emulates SQLite runs as
    /// `sqlite` too.
    pub dialect: String,
    /// Stop a file once it has run this long (checked between records);
    /// the records not run count as failures.
    pub timeout: Option<Duration>,
    /// How many failures to keep, with details, per file.
    pub max_failures_kept: usize,
}

impl Default for SltOptions {
    fn default() -> SltOptions {
        SltOptions {
            dialect: "sqlite".to_string(),
            timeout: None,
            max_failures_kept: 50,
        }
    }
}

/// One failed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// 1-based line of the record in its file.
    pub line: usize,
    pub sql: String,
    pub message: String,
}

/// The outcome of one script.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub name: String,
    /// Statement and query records run (or that should have run).
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    /// Records skipped by `skipif` / `onlyif`.
    pub skipped: usize,
    /// The first `max_failures_kept` failures.
    pub failures: Vec<Failure>,
    pub timed_out: bool,
    pub elapsed: Duration,
}

impl FileReport {
    fn fail(&mut self, max_kept: usize, line: usize, sql: &str, message: String) {
        self.failed += 1;
        if self.failures.len() < max_kept {
            self.failures.push(Failure {
                line,
                sql: sql.to_string(),
                message,
            });
        }
    }

    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.passed == self.total
    }
}

/// MD5 of the values, each followed by a newline, as lowercase hex.
pub fn hash_values(values: &[String]) -> String {
    let mut h = Md5::new();
    for v in values {
        h.update(v.as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Errors that SQLite raises while stepping through rows rather than while
/// preparing. The reference harness does not see those as failures: its
/// `while( sqlite3_step(pStmt)==SQLITE_ROW )` loop just ends, and the rows
/// read so far are compared. The [`Engine`] interface returns an error for
/// the whole statement, so a query failing with one of these errors passes
/// when the script expects no rows (the corpus has
/// `SELECT sum(x)` overflowing in `evidence/slt_lang_aggfunc.test`).
/// Prepare-time errors (syntax, unknown names) always fail.
pub const END_OF_ROWS_ERRORS: &[&str] = &["integer overflow"];

fn is_end_of_rows_error(e: &EngineError) -> bool {
    END_OF_ROWS_ERRORS.contains(&e.message.as_str())
}

/// Runs one engine call, turning a panic into an error.
fn guarded(engine: &mut dyn Engine, sql: &str) -> Result<Option<QueryResult>, EngineError> {
    match catch_unwind(AssertUnwindSafe(|| engine.execute(sql))) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(EngineError {
                code: -1,
                message: format!("engine panicked: {msg}"),
            })
        }
    }
}

fn preview(values: &[String]) -> String {
    const MAX: usize = 12;
    let mut s = values
        .iter()
        .take(MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(" | ");
    if values.len() > MAX {
        s.push_str(&format!(" | ... ({} values)", values.len()));
    }
    s
}

/// Runs the script text `script` (named `name` in the report) on `engine`.
pub fn run_slt_script(
    engine: &mut dyn Engine,
    name: &str,
    script: &str,
    opts: &SltOptions,
) -> FileReport {
    let start = Instant::now();
    let records = parse_script(script);
    let mut rep = FileReport {
        name: name.to_string(),
        ..FileReport::default()
    };
    let keep = opts.max_failures_kept;
    let mut threshold = DEFAULT_HASH_THRESHOLD;
    let mut labels: HashMap<String, String> = HashMap::new();
    for (idx, rec) in records.iter().enumerate() {
        if let Some(limit) = opts.timeout {
            if start.elapsed() > limit {
                let rest = records[idx..]
                    .iter()
                    .take_while(|r| r.kind != RecordKind::Halt)
                    .filter(|r| {
                        r.applies_to(&opts.dialect)
                            && matches!(
                                r.kind,
                                RecordKind::Statement { .. } | RecordKind::Query { .. }
                            )
                    })
                    .count();
                // Count at least one failure so a timed-out file never passes.
                let rest = rest.max(1);
                rep.total += rest;
                rep.fail(
                    keep,
                    rec.line,
                    "",
                    format!("timed out after {limit:?}; {rest} records not run"),
                );
                rep.failed += rest - 1;
                rep.timed_out = true;
                break;
            }
        }
        if !rec.applies_to(&opts.dialect) {
            if let RecordKind::Statement { .. } | RecordKind::Query { .. } = rec.kind {
                rep.skipped += 1;
            }
            // A skipped query with a label still registers (or checks) the
            // hash of its expected values.
            if let RecordKind::Query {
                label: Some(label),
                expected,
                sql,
                ..
            } = &rec.kind
            {
                let h = match expected {
                    Expected::Hash { md5, .. } => md5.clone(),
                    Expected::Values(v) => hash_values(v),
                };
                match labels.get(label) {
                    Some(prev) if *prev != h => {
                        rep.total += 1;
                        rep.fail(
                            keep,
                            rec.line,
                            sql,
                            format!("labeled result [{label}] does not agree with previous values"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        labels.insert(label.clone(), h);
                    }
                }
            }
            continue;
        }
        match &rec.kind {
            RecordKind::HashThreshold(n) => threshold = *n,
            RecordKind::Halt => break,
            RecordKind::Invalid(msg) => {
                rep.total += 1;
                rep.fail(keep, rec.line, "", format!("invalid record: {msg}"));
                break;
            }
            RecordKind::Statement { expect_error, sql } => {
                rep.total += 1;
                let mut outcome: Result<(), EngineError> = Ok(());
                for st in split_statements(sql) {
                    if let Err(e) = guarded(engine, &st.text) {
                        outcome = Err(e);
                        break;
                    }
                }
                match (outcome, expect_error) {
                    (Ok(()), false) | (Err(_), true) => rep.passed += 1,
                    (Ok(()), true) => rep.fail(
                        keep,
                        rec.line,
                        sql,
                        "statement succeeded but an error was expected".into(),
                    ),
                    (Err(e), false) => {
                        rep.fail(keep, rec.line, sql, format!("statement failed: {e}"))
                    }
                }
            }
            RecordKind::Query {
                types,
                sort,
                label,
                sql,
                expected,
            } => {
                rep.total += 1;
                // Like sqlite3_prepare_v2, only the first statement runs.
                let first = split_statements(sql)
                    .into_iter()
                    .next()
                    .map(|s| s.text)
                    .unwrap_or_default();
                let result = match guarded(engine, &first) {
                    Ok(Some(r)) => r,
                    Ok(None) => QueryResult::default(),
                    Err(e)
                        if is_end_of_rows_error(&e)
                            && *expected == Expected::Values(Vec::new()) =>
                    {
                        // The reference harness stops reading rows at a
                        // runtime error and checks the rows it got (none).
                        rep.passed += 1;
                        continue;
                    }
                    Err(e) => {
                        rep.fail(keep, rec.line, sql, format!("query failed: {e}"));
                        continue;
                    }
                };
                let ty = types.as_bytes();
                if result.columns.len() != ty.len() {
                    rep.fail(
                        keep,
                        rec.line,
                        sql,
                        format!(
                            "wrong number of result columns: expected {} but got {}",
                            ty.len(),
                            result.columns.len()
                        ),
                    );
                    continue;
                }
                let mut rows: Vec<Vec<String>> = result
                    .rows
                    .iter()
                    .map(|row| {
                        row.iter()
                            .zip(ty)
                            .map(|(v, &t)| render_value(v, t))
                            .collect()
                    })
                    .collect();
                let values: Vec<String> = match sort {
                    SortMode::NoSort => rows.into_iter().flatten().collect(),
                    SortMode::RowSort => {
                        rows.sort();
                        rows.into_iter().flatten().collect()
                    }
                    SortMode::ValueSort => {
                        let mut v: Vec<String> = rows.into_iter().flatten().collect();
                        v.sort();
                        v
                    }
                };
                let hashing = threshold > 0 && values.len() > threshold;
                let actual_hash = if hashing || label.is_some() {
                    Some(hash_values(&values))
                } else {
                    None
                };
                let mut problems = Vec::new();
                if let (Some(label), Some(h)) = (label, &actual_hash) {
                    match labels.get(label) {
                        Some(prev) if prev != h => problems.push(format!(
                            "labeled result [{label}] does not agree with previous values"
                        )),
                        Some(_) => {}
                        None => {
                            labels.insert(label.clone(), h.clone());
                        }
                    }
                }
                match expected {
                    Expected::Values(want) => {
                        if *want != values {
                            problems.push(format!(
                                "wrong result\n    expected: {}\n    actual:   {}",
                                preview(want),
                                preview(&values)
                            ));
                        }
                    }
                    Expected::Hash { count, md5 } => {
                        let h = actual_hash.clone().unwrap_or_else(|| hash_values(&values));
                        if *count != values.len() || *md5 != h {
                            problems.push(format!(
                                "wrong result hash\n    expected: {count} values hashing to {md5}\n    actual:   {} values hashing to {h}: {}",
                                values.len(),
                                preview(&values)
                            ));
                        }
                    }
                }
                if problems.is_empty() {
                    rep.passed += 1;
                } else {
                    rep.fail(keep, rec.line, sql, problems.join("; "));
                }
            }
        }
    }
    rep.elapsed = start.elapsed();
    rep
}

/// Reads and runs one script file.
pub fn run_slt_file(engine: &mut dyn Engine, path: &Path, opts: &SltOptions) -> FileReport {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            run_slt_script(engine, &name, &text, opts)
        }
        Err(e) => {
            let mut rep = FileReport {
                name,
                total: 1,
                ..FileReport::default()
            };
            rep.fail(
                opts.max_failures_kept,
                0,
                "",
                format!("cannot read file: {e}"),
            );
            rep
        }
    }
}

/// The `.test` files under `paths` (files are taken as given; directories
/// are walked), sorted by path, without duplicates.
pub fn collect_test_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let p = entry?.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|e| e == "test") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The sqllogictest corpus: `$CHORUS_SLT_DIR`, else the first `shared/slt`
/// directory found walking up from this crate (the project keeps it in
/// `../shared/slt` beside the checkout).
pub fn default_corpus_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("CHORUS_SLT_DIR") {
        return Some(PathBuf::from(d));
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared").join("slt"))
        .find(|p| p.is_dir())
}

/// Runs every script under `paths`, each on a fresh engine from `make`.
pub fn run_slt_paths(
    make: &dyn Fn() -> Result<Box<dyn Engine>, String>,
    paths: &[PathBuf],
    opts: &SltOptions,
) -> std::io::Result<Vec<FileReport>> {
    let mut reports = Vec::new();
    for file in collect_test_files(paths)? {
        match make() {
            Ok(mut engine) => reports.push(run_slt_file(engine.as_mut(), &file, opts)),
            Err(e) => {
                let mut rep = FileReport {
                    name: file.display().to_string(),
                    total: 1,
                    ..FileReport::default()
                };
                rep.fail(
                    opts.max_failures_kept,
                    0,
                    "",
                    format!("cannot create engine: {e}"),
                );
                reports.push(rep);
            }
        }
    }
    Ok(reports)
}
