//! The differential scripts: each one's `-- error` markers hold on SQLite,
//! and SQLite agrees with itself statement by statement (the sanity run; the
//! Chorus-vs-SQLite run swaps one side).

use chorus_conformance::differential::{
    bundled_scripts_dir, count_statements, run_differential, script_files, validate_script,
};
use chorus_conformance::make_engine;

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
fn sqlite_agrees_with_itself() {
    let mut total = 0;
    for (name, script) in scripts() {
        let mut a = make_engine("sqlite").unwrap();
        let mut b = make_engine("sqlite").unwrap();
        let rep = run_differential(a.as_mut(), b.as_mut(), &script);
        assert!(rep.all_matched(), "{name}: {:?}", rep.mismatches);
        assert_eq!(rep.statements, count_statements(&script));
        total += rep.statements;
    }
    assert!(total >= 3000, "only {total} statements");
}
