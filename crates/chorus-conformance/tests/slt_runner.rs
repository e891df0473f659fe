//! The sqllogictest runner on small scripts (each behaviour the runner must
//! catch) and on the corpus with SQLite, which must pass every record.

use chorus_conformance::slt::{
    default_corpus_dir, hash_values, run_slt_paths, run_slt_script, FileReport, SltOptions,
};
use chorus_conformance::{make_engine, Engine, EngineError, QueryResult, SqliteEngine};
use std::path::PathBuf;
use std::time::Duration;

fn run(script: &str) -> FileReport {
    let mut e = SqliteEngine::new().unwrap();
    run_slt_script(&mut e, "inline", script, &SltOptions::default())
}

const SETUP: &str = "statement ok\nCREATE TABLE t(a INTEGER, b TEXT, c REAL)\n\nstatement ok\nINSERT INTO t VALUES(1,'x',1.5),(2,'',NULL),(3,'y',-0.25)\n\n";

#[test]
fn passing_script_counts_every_record() {
    let script = format!(
        "{SETUP}query ITR rowsort\nSELECT a, b, c FROM t\n----\n1\nx\n1.500\n2\n(empty)\nNULL\n3\ny\n-0.250\n\n\
         query I valuesort\nSELECT a FROM t UNION ALL SELECT 10\n----\n1\n10\n2\n3\n\n\
         query T nosort\nSELECT b FROM t WHERE a > 5\n----\n\n\
         statement error\nINSERT INTO nope VALUES(1)\n\n\
         skipif sqlite\nstatement ok\nTHIS IS NOT SQL\n\n\
         onlyif mysql\nquery I nosort\nSELECT 1\n----\n2\n\n\
         hash-threshold 2\n\n\
         query I nosort\nSELECT a FROM t ORDER BY a\n----\n3 values hashing to {}\n\n\
         halt\n\nstatement ok\nTHIS IS NOT SQL EITHER\n",
        hash_values(&["1".to_string(), "2".to_string(), "3".to_string()])
    );
    let r = run(&script);
    assert!(r.all_passed(), "{:?}", r.failures);
    assert_eq!(r.total, 7);
    assert_eq!(r.passed, 7);
    assert_eq!(r.skipped, 2);
}

#[test]
fn wrong_values_fail() {
    let r = run(&format!(
        "{SETUP}query I rowsort\nSELECT a FROM t\n----\n1\n2\n4\n"
    ));
    assert_eq!((r.passed, r.failed), (2, 1));
    assert!(
        r.failures[0].message.contains("wrong result"),
        "{:?}",
        r.failures
    );
    assert_eq!(r.failures[0].line, 7);
}

#[test]
fn missing_or_extra_rows_fail() {
    let r = run(&format!("{SETUP}query I rowsort\nSELECT a FROM t\n----\n1\n2\n\nquery I rowsort\nSELECT a FROM t WHERE a < 2\n----\n1\n2\n"));
    assert_eq!(r.failed, 2, "{:?}", r.failures);
}

#[test]
fn wrong_hash_fails() {
    let r = run(&format!(
        "{SETUP}hash-threshold 1\n\nquery I rowsort\nSELECT a FROM t\n----\n3 values hashing to 00000000000000000000000000000000\n"
    ));
    assert_eq!(r.failed, 1);
    assert!(r.failures[0].message.contains("wrong result hash"));
}

#[test]
fn wrong_column_count_fails() {
    let r = run(&format!(
        "{SETUP}query II nosort\nSELECT a FROM t WHERE a = 1\n----\n1\n"
    ));
    assert_eq!(r.failed, 1);
    assert!(r.failures[0]
        .message
        .contains("wrong number of result columns"));
}

#[test]
fn statement_expectations_fail_both_ways() {
    let r = run("statement ok\nCREATE TABLE\n\nstatement error\nCREATE TABLE t(a)\n\nstatement ok\nSELECT 1\n");
    assert_eq!((r.passed, r.failed), (1, 2));
}

#[test]
fn statements_may_hold_several_sql_statements() {
    let r = run("statement ok\nCREATE TABLE t(a); INSERT INTO t VALUES(5)\n\nquery I nosort\nSELECT a FROM t\n----\n5\n");
    assert!(r.all_passed(), "{:?}", r.failures);
}

#[test]
fn labels_must_agree() {
    let script = format!(
        "{SETUP}query I rowsort label-1\nSELECT a FROM t\n----\n1\n2\n3\n\n\
         query I rowsort label-1\nSELECT a + 1 FROM t\n----\n2\n3\n4\n\n\
         onlyif mysql\nquery I rowsort label-2\nSELECT 7\n----\n7\n\n\
         query I rowsort label-2\nSELECT 8\n----\n8\n"
    );
    let r = run(&script);
    assert_eq!(r.failed, 2, "{:?}", r.failures);
    assert!(r
        .failures
        .iter()
        .all(|f| f.message.contains("labeled result")));
}

#[test]
fn invalid_record_stops_the_file() {
    let r = run("statement ok\nSELECT 1\n\nbogus line\n\nstatement ok\nSELECT 2\n");
    assert_eq!((r.passed, r.failed, r.total), (1, 1, 2));
}

#[test]
fn runtime_overflow_with_no_expected_rows_passes() {
    let r = run(
        "statement ok\nCREATE TABLE t(x)\n\nstatement ok\nINSERT INTO t VALUES(9223372036854775807),(1)\n\n\
         query I nosort\nSELECT sum(x) FROM t\n----\n\n\
         query I nosort\nSELECT sum(x) FROM nope\n----\n",
    );
    assert_eq!((r.passed, r.failed), (3, 1), "{:?}", r.failures);
    assert!(r.failures[0].message.contains("no such table"));
}

/// An engine that panics, to prove a panic fails one record only.
struct Panicky(SqliteEngine);
impl Engine for Panicky {
    fn name(&self) -> &str {
        "panicky"
    }
    fn execute(&mut self, sql: &str) -> Result<Option<QueryResult>, EngineError> {
        if sql.contains("boom") {
            panic!("boom");
        }
        self.0.execute(sql)
    }
}

#[test]
fn engine_panics_are_isolated() {
    let mut e = Panicky(SqliteEngine::new().unwrap());
    let r = run_slt_script(
        &mut e,
        "inline",
        "query I nosort\nSELECT 'boom'\n----\n0\n\nquery I nosort\nSELECT 1\n----\n1\n",
        &SltOptions::default(),
    );
    assert_eq!((r.passed, r.failed), (1, 1));
    assert!(r.failures[0].message.contains("panicked"));
}

/// An engine that takes its time, for the per-file timeout.
struct Slow(SqliteEngine);
impl Engine for Slow {
    fn name(&self) -> &str {
        "slow"
    }
    fn execute(&mut self, sql: &str) -> Result<Option<QueryResult>, EngineError> {
        std::thread::sleep(Duration::from_millis(30));
        self.0.execute(sql)
    }
}

#[test]
fn timeout_fails_the_rest_of_the_file() {
    let mut e = Slow(SqliteEngine::new().unwrap());
    let script = "query I nosort\nSELECT 1\n----\n1\n\n".repeat(10);
    let opts = SltOptions {
        timeout: Some(Duration::from_millis(50)),
        ..SltOptions::default()
    };
    let r = run_slt_script(&mut e, "inline", &script, &opts);
    assert!(r.timed_out);
    assert_eq!(r.total, 10);
    assert!(r.passed >= 1 && r.passed < 10);
    assert_eq!(r.passed + r.failed, 10);
}

fn corpus() -> Option<PathBuf> {
    let dir = default_corpus_dir();
    if dir.is_none() {
        eprintln!("sqllogictest corpus not found (set CHORUS_SLT_DIR); skipping");
    }
    dir
}

fn run_corpus(paths: &[PathBuf]) {
    let make = || make_engine("sqlite");
    let reports = run_slt_paths(&make, paths, &SltOptions::default()).unwrap();
    assert!(!reports.is_empty());
    let mut total = 0;
    for r in &reports {
        assert!(
            r.all_passed(),
            "{}: {}/{} {:?}",
            r.name,
            r.passed,
            r.total,
            r.failures
        );
        total += r.total;
    }
    assert!(total > 0);
}

/// The evidence files and select1..5: every record passes on SQLite.
#[test]
fn sqlite_passes_corpus_sample() {
    let Some(dir) = corpus() else { return };
    let mut paths = vec![dir.join("evidence")];
    for i in 1..=5 {
        paths.push(dir.join(format!("select{i}.test")));
    }
    run_corpus(&paths);
}

/// The whole corpus (about 20 s in release): `CHORUS_SOAK=1`.
#[test]
fn sqlite_passes_full_corpus() {
    if std::env::var_os("CHORUS_SOAK").is_none() {
        eprintln!("full corpus run skipped; set CHORUS_SOAK=1");
        return;
    }
    let Some(dir) = corpus() else { return };
    run_corpus(&[dir]);
}
