//! The differential scripts: each one's `-- error` markers hold on SQLite,
//! and SQLite agrees with itself statement by statement (the sanity run; the
//! Chorus-vs-SQLite run swaps one side).

use chorus_conformance::differential::{
    bundled_scripts_dir, count_statements, depends_on_scan_order, run_differential, script_files,
    validate_script,
};
use chorus_conformance::make_engine;
use chorus_conformance::splitter::split_statements;

/// The engines compared: SQLite against itself (a sanity run) until Chorus
/// is linked; then set `ENGINE_B` to "chorus", or run with
/// `CHORUS_DIFF_ENGINE_B=chorus`.
const ENGINE_A: &str = "sqlite";
const ENGINE_B: &str = "sqlite";

fn engine_b() -> String {
    std::env::var("CHORUS_DIFF_ENGINE_B").unwrap_or_else(|_| ENGINE_B.to_string())
}

fn scripts() -> Vec<(String, String)> {
    let files = script_files(&bundled_scripts_dir()).unwrap();
    assert!(
        !files.is_empty(),
        "no scripts in {}",
        bundled_scripts_dir().display()
    );
    files
        .iter()
        .map(|f| {
            (
                f.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(f).unwrap(),
            )
        })
        .collect()
}

#[test]
fn markers_hold_on_sqlite() {
    let mut problems = Vec::new();
    for (name, script) in scripts() {
        let mut e = make_engine("sqlite").unwrap();
        for p in validate_script(e.as_mut(), &script) {
            problems.push(format!("{name}:{}: {}\n    {}", p.line, p.detail, p.sql));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn engines_agree_on_every_statement() {
    let b_name = engine_b();
    let mut total = 0;
    let mut failures = Vec::new();
    for (name, script) in scripts() {
        let mut a = make_engine(ENGINE_A).unwrap();
        let mut b = make_engine(&b_name).unwrap();
        let rep = run_differential(a.as_mut(), b.as_mut(), &script);
        assert_eq!(rep.statements, count_statements(&script));
        for m in &rep.mismatches {
            failures.push(format!("{name}:{}: {}\n    {}", m.line, m.detail, m.sql));
        }
        total += rep.statements;
    }
    assert!(total >= 3000, "only {total} statements");
    assert!(
        failures.is_empty(),
        "{} mismatches ({ENGINE_A} vs {b_name}):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Row order must not depend on how the engine scans: SQLite with
/// `PRAGMA reverse_unordered_selects` (scans run backwards, so ties and
/// missing ORDER BYs come out differently) must agree with plain SQLite.
#[test]
fn scripts_do_not_depend_on_scan_order() {
    use chorus_conformance::SqliteEngine;
    let mut failures = Vec::new();
    for (name, script) in scripts() {
        let mut a = SqliteEngine::new().unwrap();
        let mut b = SqliteEngine::new().unwrap();
        b.connection()
            .execute_batch("PRAGMA reverse_unordered_selects = ON")
            .unwrap();
        let rep = run_differential(&mut a, &mut b, &script);
        let marked: std::collections::HashSet<usize> = split_statements(&script)
            .iter()
            .filter(|st| depends_on_scan_order(st))
            .map(|st| st.line)
            .collect();
        for m in rep.mismatches.iter().filter(|m| !marked.contains(&m.line)) {
            failures.push(format!("{name}:{}: {}\n    {}", m.line, m.detail, m.sql));
        }
    }
    assert!(
        failures.is_empty(),
        "{} order-dependent statements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
