//! `slt`: runs sqllogictest scripts on an engine.
//!
//! ```text
//! slt [--engine sqlite] [--verbose] [--timeout-per-file SECS] [--jobs N]
//!     [--no-isolate] PATHS...
//! ```
//!
//! Directories are walked for `*.test` files. Each file runs on a fresh
//! engine; by default in a child process of its own (so a crash, a stack
//! overflow or a hang in the engine costs one file, not the run), killed if
//! it outlives the per-file timeout. Prints one `pass/total` line per file
//! and a total line; exits 1 when any record failed.

use chorus_conformance::make_engine;
use chorus_conformance::slt::{
    collect_test_files, parse_script, run_slt_file, Failure, FileReport, RecordKind, SltOptions,
};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    engine: String,
    verbose: bool,
    timeout: Duration,
    jobs: usize,
    isolate: bool,
    child: bool,
    paths: Vec<PathBuf>,
}

const USAGE: &str = "usage: slt [--engine NAME] [--verbose] [--timeout-per-file SECS] [--jobs N] [--no-isolate] PATHS...";

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        engine: "sqlite".into(),
        verbose: false,
        timeout: Duration::from_secs(300),
        jobs: 1,
        isolate: true,
        child: false,
        paths: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--engine" => a.engine = value("--engine")?,
            "--verbose" | "-v" => a.verbose = true,
            "--timeout-per-file" => {
                let v = value("--timeout-per-file")?;
                let secs: f64 = v.parse().map_err(|_| format!("bad timeout '{v}'"))?;
                if !(secs > 0.0 && secs.is_finite()) {
                    return Err(format!("bad timeout '{v}'"));
                }
                a.timeout = Duration::from_secs_f64(secs);
            }
            "--jobs" | "-j" => {
                let v = value("--jobs")?;
                a.jobs = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("bad job count '{v}'"))?;
            }
            "--no-isolate" => a.isolate = false,
            "--child" => a.child = true,
            "--help" | "-h" => return Err(USAGE.into()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            _ => a.paths.push(PathBuf::from(arg)),
        }
    }
    if a.paths.is_empty() {
        return Err(USAGE.into());
    }
    Ok(a)
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn run_in_process(engine: &str, file: &Path, opts: &SltOptions) -> FileReport {
    match make_engine(engine) {
        Ok(mut e) => run_slt_file(e.as_mut(), file, opts),
        Err(msg) => FileReport {
            name: file.display().to_string(),
            total: 1,
            failed: 1,
            failures: vec![Failure {
                line: 0,
                sql: String::new(),
                message: format!("cannot create engine: {msg}"),
            }],
            ..FileReport::default()
        },
    }
}

/// The child's side of the protocol: one REPORT line, then FAILURE lines.
fn child_main(args: &Args, opts: &SltOptions) -> ExitCode {
    for file in &args.paths {
        let r = run_in_process(&args.engine, file, opts);
        println!(
            "REPORT\t{}\t{}\t{}\t{}\t{}\t{}",
            r.total,
            r.passed,
            r.failed,
            r.skipped,
            r.timed_out as u8,
            r.elapsed.as_millis()
        );
        for f in &r.failures {
            println!(
                "FAILURE\t{}\t{}\t{}",
                f.line,
                escape(&f.sql),
                escape(&f.message)
            );
        }
    }
    ExitCode::SUCCESS
}

/// Statement and query records that would run (for reports on crashed files).
fn count_records(file: &Path, dialect: &str) -> usize {
    let text = std::fs::read(file)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    parse_script(&text)
        .iter()
        .take_while(|r| r.kind != RecordKind::Halt)
        .filter(|r| {
            r.applies_to(dialect)
                && matches!(
                    r.kind,
                    RecordKind::Statement { .. } | RecordKind::Query { .. }
                )
        })
        .count()
}

fn run_isolated(args: &Args, file: &Path, opts: &SltOptions) -> FileReport {
    let name = file.display().to_string();
    let crashed = |message: String, elapsed: Duration| {
        let total = count_records(file, &opts.dialect).max(1);
        FileReport {
            name: name.clone(),
            total,
            failed: total,
            failures: vec![Failure {
                line: 0,
                sql: String::new(),
                message,
            }],
            elapsed,
            ..FileReport::default()
        }
    };
    let start = Instant::now();
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return crashed(format!("cannot find own executable: {e}"), start.elapsed()),
    };
    let mut cmd = Command::new(exe);
    cmd.arg("--child")
        .arg("--engine")
        .arg(&args.engine)
        .arg("--timeout-per-file")
        .arg(args.timeout.as_secs_f64().to_string())
        .arg(file)
        .stdout(Stdio::piped())
        .stdin(Stdio::null());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return crashed(format!("cannot start child: {e}"), start.elapsed()),
    };
    let mut stdout = match child.stdout.take() {
        Some(s) => s,
        None => return crashed("child has no stdout".into(), start.elapsed()),
    };
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    // The child stops itself at the timeout between records; the hard
    // deadline catches a record that never returns.
    let hard = args.timeout + Duration::from_secs(30);
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) if start.elapsed() > hard => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let out = reader.join().unwrap_or_default();
    let Some(status) = status else {
        return crashed(
            format!("killed: still running after {hard:?}"),
            start.elapsed(),
        );
    };
    let mut rep: Option<FileReport> = None;
    for line in out.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.first().copied() {
            Some("REPORT") if f.len() == 7 => {
                let n = |i: usize| f[i].parse::<usize>().unwrap_or(0);
                rep = Some(FileReport {
                    name: name.clone(),
                    total: n(1),
                    passed: n(2),
                    failed: n(3),
                    skipped: n(4),
                    timed_out: f[5] == "1",
                    elapsed: Duration::from_millis(n(6) as u64),
                    failures: Vec::new(),
                });
            }
            Some("FAILURE") if f.len() == 4 => {
                if let Some(r) = rep.as_mut() {
                    r.failures.push(Failure {
                        line: f[1].parse().unwrap_or(0),
                        sql: unescape(f[2]),
                        message: unescape(f[3]),
                    });
                }
            }
            _ => {}
        }
    }
    match rep {
        Some(r) if status.success() => r,
        _ => crashed(
            format!(
                "child process crashed ({status}); rerun this file with --no-isolate to see why"
            ),
            start.elapsed(),
        ),
    }
}

fn print_report(r: &FileReport, verbose: bool) {
    let tag = if r.all_passed() { "ok  " } else { "FAIL" };
    let mut extra = String::new();
    if r.skipped > 0 {
        extra.push_str(&format!(" skipped {}", r.skipped));
    }
    if r.timed_out {
        extra.push_str(" TIMED OUT");
    }
    println!(
        "{tag} {}: {}/{}{extra} ({:.2}s)",
        r.name,
        r.passed,
        r.total,
        r.elapsed.as_secs_f64()
    );
    let shown = if verbose {
        r.failures.len()
    } else {
        r.failures.len().min(3)
    };
    for f in &r.failures[..shown] {
        println!(
            "     line {}: {}",
            f.line,
            f.message.replace('\n', "\n     ")
        );
        if !f.sql.is_empty() {
            println!("       sql: {}", f.sql.replace('\n', "\n            "));
        }
    }
    if r.failed > shown {
        println!(
            "     ... {} more failures{}",
            r.failed - shown,
            if verbose {
                ""
            } else {
                " (--verbose shows more)"
            }
        );
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let opts = SltOptions {
        timeout: Some(args.timeout),
        ..SltOptions::default()
    };
    if args.child {
        return child_main(&args, &opts);
    }
    if let Err(msg) = make_engine(&args.engine) {
        eprintln!("{msg}");
        return ExitCode::from(2);
    }
    let files = match collect_test_files(&args.paths) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!("no .test files found");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("cannot list test files: {e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let queue = Arc::new(Mutex::new(
        files
            .iter()
            .cloned()
            .enumerate()
            .collect::<Vec<_>>()
            .into_iter(),
    ));
    let (tx, rx) = mpsc::channel::<(usize, FileReport)>();
    let args = Arc::new(args);
    let opts = Arc::new(opts);
    let mut workers = Vec::new();
    for _ in 0..args.jobs.min(files.len()) {
        let (queue, tx, args, opts) = (queue.clone(), tx.clone(), args.clone(), opts.clone());
        workers.push(std::thread::spawn(move || loop {
            let next = queue.lock().ok().and_then(|mut q| q.next());
            let Some((i, file)) = next else { break };
            let rep = if args.isolate {
                run_isolated(&args, &file, &opts)
            } else {
                run_in_process(&args.engine, &file, &opts)
            };
            if tx.send((i, rep)).is_err() {
                break;
            }
        }));
    }
    drop(tx);
    // Print in file order as results arrive.
    let mut pending: BTreeMap<usize, FileReport> = BTreeMap::new();
    let mut next = 0;
    let (mut total, mut passed, mut skipped, mut files_ok) = (0usize, 0usize, 0usize, 0usize);
    for (i, rep) in rx {
        pending.insert(i, rep);
        while let Some(rep) = pending.remove(&next) {
            print_report(&rep, args.verbose);
            total += rep.total;
            passed += rep.passed;
            skipped += rep.skipped;
            files_ok += rep.all_passed() as usize;
            next += 1;
        }
    }
    for w in workers {
        let _ = w.join();
    }
    println!(
        "total [{}]: {passed}/{total} records passed, {} failed, {skipped} skipped; {files_ok}/{} files passed; {:.1}s",
        args.engine,
        total - passed,
        files.len(),
        start.elapsed().as_secs_f64()
    );
    if passed == total && files_ok == files.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
