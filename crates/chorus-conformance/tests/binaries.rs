//! The `slt` and `differential` command lines: output lines and exit codes,
//! with each slt file in its own child process (the default).

use std::process::Command;

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn slt_reports_per_file_and_total_and_fails_on_a_wrong_result() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "good.test",
        "statement ok\nCREATE TABLE t(a)\n\nstatement ok\nINSERT INTO t VALUES(1),(2)\n\nquery I rowsort\nSELECT a FROM t\n----\n1\n2\n",
    );
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    write(
        &sub,
        "bad.test",
        "query I nosort\nSELECT 1\n----\n2\n\nquery T nosort\nSELECT 'x'\n----\nx\n",
    );
    write(&sub, "ignored.txt", "not a test file");
    let out = Command::new(env!("CARGO_BIN_EXE_slt"))
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("good.test: 3/3"), "{stdout}");
    assert!(stdout.contains("bad.test: 1/2"), "{stdout}");
    assert!(stdout.contains("line 1: wrong result"), "{stdout}");
    assert!(
        stdout.contains("total [sqlite]: 4/5 records passed, 1 failed"),
        "{stdout}"
    );
    assert!(stdout.contains("1/2 files passed"), "{stdout}");

    // In-process and with two jobs the counts are the same.
    for extra in [["--no-isolate", "--verbose"], ["--jobs", "2"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_slt"))
            .args(extra)
            .arg(dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stdout.contains("total [sqlite]: 4/5 records passed"),
            "{stdout}"
        );
    }

    let out = Command::new(env!("CARGO_BIN_EXE_slt"))
        .arg(dir.path().join("good.test"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn slt_rejects_unknown_engines_and_missing_paths() {
    let out = Command::new(env!("CARGO_BIN_EXE_slt"))
        .args(["--engine", "nosuch", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown engine"));
    let out = Command::new(env!("CARGO_BIN_EXE_slt")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn differential_checks_markers_and_counts_statements() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ok.sql",
        "CREATE TABLE t(a);\nINSERT INTO t VALUES(1);\n-- error: no such table\nSELECT * FROM u;\n",
    );
    write(dir.path(), "typo.sql", "SELEC 1;\n");
    let out = Command::new(env!("CARGO_BIN_EXE_differential"))
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("ok.sql: 3 statements, 3/3 match, 0 marker problems"),
        "{stdout}"
    );
    assert!(
        stdout.contains("typo.sql: 1 statements, 1/1 match, 1 marker problems"),
        "{stdout}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_differential"))
        .arg("--annotate")
        .arg(dir.path().join("typo.sql"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "-- error: near \"SELEC\": syntax error\nSELEC 1;\n"
    );
}
