//! Differential harness: run the same arguments and standard input through
//! the `sqlite3` shell (the oracle, 3.40) and through the built `chorus`
//! binary, each in its own fresh directory prepared with the same files, and
//! compare stdout, stderr and exit status byte for byte.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const CHORUS: &str = env!("CARGO_BIN_EXE_chorus");

#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub code: Option<i32>,
}

pub fn have_sqlite3() -> bool {
    Command::new("sqlite3")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Files to create in the working directory before a run.
pub type Files<'a> = &'a [(&'a str, &'a [u8])];

pub fn run_in(dir: &Path, program: &str, args: &[&str], stdin: &[u8]) -> Outcome {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        let mut si = child.stdin.take().expect("stdin");
        let _ = si.write_all(stdin);
    }
    let out = child.wait_with_output().expect("wait");
    Outcome {
        stdout: out.stdout,
        stderr: out.stderr,
        code: out.status.code(),
    }
}

fn prepared_dir(files: Files) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    for (name, content) in files {
        std::fs::write(d.path().join(name), content).expect("write file");
    }
    d
}

/// Replace the directory path and the program name so the two runs can be
/// compared.
fn normalize(b: &[u8], dir: &Path, program: &str) -> Vec<u8> {
    let s = String::from_utf8_lossy(b).into_owned();
    let s = s.replace(&dir.to_string_lossy().into_owned(), "$DIR");
    let s = s.replace(program, "sqlite3");
    s.into_bytes()
}

pub fn run_both(args: &[&str], stdin: &[u8], files: Files) -> (Outcome, Outcome) {
    let d1 = prepared_dir(files);
    let d2 = prepared_dir(files);
    let mut a = run_in(d1.path(), "sqlite3", args, stdin);
    let mut b = run_in(d2.path(), CHORUS, args, stdin);
    a.stdout = normalize(&a.stdout, d1.path(), "sqlite3");
    a.stderr = normalize(&a.stderr, d1.path(), "sqlite3");
    b.stdout = normalize(&b.stdout, d2.path(), CHORUS);
    b.stderr = normalize(&b.stderr, d2.path(), CHORUS);
    (a, b)
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Assert that sqlite3 and chorus behave identically. Returns the outcome
/// (so a test can also check that the case produced what it meant to).
pub fn same(args: &[&str], stdin: &str, files: Files) -> Option<Outcome> {
    same_bytes(args, stdin.as_bytes(), files)
}

pub fn same_bytes(args: &[&str], stdin: &[u8], files: Files) -> Option<Outcome> {
    if !have_sqlite3() {
        eprintln!("note: sqlite3 not installed; differential test skipped");
        return None;
    }
    let (a, b) = run_both(args, stdin, files);
    assert!(
        a == b,
        "sqlite3 and chorus differ for args {args:?}\n--- input ---\n{}\n--- sqlite3 stdout ---\n{}\n--- chorus stdout ---\n{}\n--- sqlite3 stderr ---\n{}\n--- chorus stderr ---\n{}\n--- codes: {:?} vs {:?}",
        show(stdin),
        show(&a.stdout),
        show(&b.stdout),
        show(&a.stderr),
        show(&b.stderr),
        a.code,
        b.code
    );
    Some(a)
}

/// Run chorus alone in a fresh directory.
pub fn chorus(args: &[&str], stdin: &str, files: Files) -> (Outcome, tempfile::TempDir) {
    let d = prepared_dir(files);
    let o = run_in(d.path(), CHORUS, args, stdin.as_bytes());
    (o, d)
}

pub fn path_of(d: &tempfile::TempDir, name: &str) -> PathBuf {
    d.path().join(name)
}
