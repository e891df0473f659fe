//! `differential`: runs SQL scripts on two engines and compares every
//! statement's outcome; also checks each script's `-- error` markers on
//! SQLite.
//!
//! ```text
//! differential [--a sqlite] [--b sqlite] [--messages] [--no-validate]
//!              [--verbose] [PATHS...]
//! differential --annotate FILE
//! ```
//!
//! `--annotate` prints FILE with its `-- error:` markers rewritten from what
//! SQLite does (for writing new scripts; review the result).
//!
//! PATHS are `.sql` files or directories of them (default: the scripts in
//! this crate's `differential/`). Prints the statement count and the result
//! of each file and a total line; exits 1 on any mismatch or marker problem.

use chorus_conformance::differential::{
    annotate_script, bundled_scripts_dir, count_statements, run_differential_with, script_files,
    validate_script, DiffOptions, Mismatch,
};
use chorus_conformance::make_engine;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: differential [--a ENGINE] [--b ENGINE] [--messages] [--no-validate] [--verbose] [PATHS...]\n       differential --annotate FILE";

fn print_mismatches(kind: &str, list: &[Mismatch], verbose: bool) {
    let shown = if verbose {
        list.len()
    } else {
        list.len().min(5)
    };
    for m in &list[..shown] {
        println!(
            "     {kind} line {}: {}",
            m.line,
            m.detail.replace('\n', "\n     ")
        );
        println!("       sql: {}", m.sql.replace('\n', "\n            "));
    }
    if list.len() > shown {
        println!("     ... {} more (--verbose shows all)", list.len() - shown);
    }
}

fn main() -> ExitCode {
    let (mut a, mut b) = ("sqlite".to_string(), "sqlite".to_string());
    let (mut validate, mut verbose) = (true, false);
    let mut opts = DiffOptions::default();
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--annotate" => {
                let Some(path) = it.next() else {
                    eprintln!("--annotate needs a file\n{USAGE}");
                    return ExitCode::from(2);
                };
                let script = match std::fs::read_to_string(&path) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("cannot read {path}: {e}");
                        return ExitCode::from(2);
                    }
                };
                return match make_engine("sqlite") {
                    Ok(mut e) => {
                        print!("{}", annotate_script(e.as_mut(), &script));
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("{e}");
                        ExitCode::from(2)
                    }
                };
            }
            "--a" | "--b" => {
                let Some(v) = it.next() else {
                    eprintln!("{arg} needs a value\n{USAGE}");
                    return ExitCode::from(2);
                };
                if arg == "--a" {
                    a = v
                } else {
                    b = v
                }
            }
            "--messages" => opts.compare_messages = true,
            "--no-validate" => validate = false,
            "--verbose" | "-v" => verbose = true,
            s if s.starts_with('-') => {
                eprintln!("unknown option {s}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        paths.push(bundled_scripts_dir());
    }
    let mut files = Vec::new();
    for p in &paths {
        if p.is_dir() {
            match script_files(p) {
                Ok(f) => files.extend(f),
                Err(e) => {
                    eprintln!("cannot list {}: {e}", p.display());
                    return ExitCode::from(2);
                }
            }
        } else {
            files.push(p.clone());
        }
    }
    for name in [&a, &b] {
        if let Err(e) = make_engine(name) {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    let (mut total, mut matched, mut problems) = (0usize, 0usize, 0usize);
    for file in &files {
        let script = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                println!("FAIL {}: cannot read: {e}", file.display());
                problems += 1;
                continue;
            }
        };
        let n = count_statements(&script);
        let markers = if validate {
            match make_engine("sqlite") {
                Ok(mut e) => validate_script(e.as_mut(), &script),
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(2);
                }
            }
        } else {
            Vec::new()
        };
        let rep = match (make_engine(&a), make_engine(&b)) {
            (Ok(mut ea), Ok(mut eb)) => {
                run_differential_with(ea.as_mut(), eb.as_mut(), &script, &opts)
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        let ok = rep.all_matched() && markers.is_empty();
        println!(
            "{} {}: {n} statements, {}/{} match{}",
            if ok { "ok  " } else { "FAIL" },
            file.display(),
            rep.matched,
            rep.statements,
            if validate {
                format!(", {} marker problems", markers.len())
            } else {
                String::new()
            }
        );
        print_mismatches("marker", &markers, verbose);
        print_mismatches("mismatch", &rep.mismatches, verbose);
        total += rep.statements;
        matched += rep.matched;
        problems += markers.len();
    }
    println!(
        "total [{a} vs {b}]: {matched}/{total} statements match, {} mismatches, {problems} marker problems, {} files",
        total - matched,
        files.len()
    );
    if matched == total && problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
