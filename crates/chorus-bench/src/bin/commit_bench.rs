//! Durability benchmark (issue 4): single-writer commit rate of small
//! transactions at `synchronous=FULL` and `NORMAL` in WAL and DELETE modes,
//! and read throughput of 4 reader threads while a writer commits; Chorus
//! and SQLite (rusqlite, bundled) side by side on files in one directory.
//!
//! The disk's fsync latency drifts a lot between (and within) runs, so the
//! engines are interleaved: every round runs each configuration on both
//! engines back to back, Chorus first in even rounds and SQLite first in odd
//! ones, each on a fresh file that is seeded and warmed identically. Each
//! run commits for a fixed time slice; the report gives per-configuration
//! medians (and min..max) of commits/s over the rounds, the median of the
//! per-round ratios, and the process CPU time per commit (the part of the
//! cost an engine controls; the fsync wait is not CPU time).
//!
//! `cargo run --release -p chorus-bench --bin commit_bench [-- OPTIONS]`
//!   --rounds R        rounds (default 7)
//!   --secs S          seconds per commit run and per readers window (default 0.6)
//!   --commits N       instead of a time slice, exactly N commits per run
//!                     (deterministic work for `strace -c` / `perf record`)
//!   --engine E        chorus | sqlite | both (default both)
//!   --config M:S      only journal mode M and synchronous S (e.g. WAL:NORMAL;
//!                     also TRUNCATE, PERSIST, MEMORY and OFF, EXTRA)
//!   --no-readers      skip the readers-during-writer part

use chorus_bench::cpu_ns;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SETUP: &str = "CREATE TABLE IF NOT EXISTS kv(k INTEGER PRIMARY KEY, v TEXT)";
const INSERT: &str = "INSERT OR REPLACE INTO kv VALUES (?1, ?2)";
/// Distinct keys: the table stays at this many rows, so every run does the same work.
const KEYS: i64 = 500;
/// Untimed commits after seeding, so both engines start warm.
const WARMUP: i64 = 5;

#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Chorus,
    Sqlite,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Chorus => "chorus",
            Engine::Sqlite => "sqlite",
        }
    }
}

struct Options {
    rounds: usize,
    secs: f64,
    commits: Option<u64>,
    engines: Vec<Engine>,
    configs: Vec<(&'static str, &'static str)>,
    readers: bool,
}

fn parse_options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| -> Option<String> {
        args.windows(2).find(|w| w[0] == flag).map(|w| w[1].clone())
    };
    let all = [
        ("WAL", "FULL"),
        ("WAL", "NORMAL"),
        ("DELETE", "FULL"),
        ("DELETE", "NORMAL"),
    ];
    // Any journal mode and synchronous level may be picked (for strace
    // comparisons); the default run measures the four of issue 4.
    const MODES: [&str; 5] = ["WAL", "DELETE", "TRUNCATE", "PERSIST", "MEMORY"];
    const SYNCS: [&str; 4] = ["OFF", "NORMAL", "FULL", "EXTRA"];
    let configs = match value("--config") {
        Some(c) => {
            let c = c.to_ascii_uppercase();
            let picked = c.split_once(':').and_then(|(m, s)| {
                let m = MODES.iter().find(|x| **x == m)?;
                let s = SYNCS.iter().find(|x| **x == s)?;
                Some((*m, *s))
            });
            match picked {
                Some(p) => vec![p],
                None => {
                    eprintln!(
                        "unknown --config {c}; use MODE:SYNC with MODE in {MODES:?}, SYNC in {SYNCS:?}"
                    );
                    std::process::exit(2);
                }
            }
        }
        None => all.to_vec(),
    };
    let engines = match value("--engine").as_deref() {
        Some("chorus") => vec![Engine::Chorus],
        Some("sqlite") => vec![Engine::Sqlite],
        Some("both") | None => vec![Engine::Chorus, Engine::Sqlite],
        Some(e) => {
            eprintln!("unknown --engine {e}; use chorus, sqlite or both");
            std::process::exit(2);
        }
    };
    Options {
        rounds: value("--rounds")
            .and_then(|v| v.parse().ok())
            .unwrap_or(7)
            .max(1),
        secs: value("--secs").and_then(|v| v.parse().ok()).unwrap_or(0.6),
        commits: value("--commits").and_then(|v| v.parse().ok()),
        engines,
        configs,
        readers: !args.iter().any(|a| a == "--no-readers"),
    }
}

/// One timed run: commits done, wall time, process CPU time.
struct Run {
    commits: u64,
    wall: Duration,
    cpu_ns: u64,
}

impl Run {
    fn rate(&self) -> f64 {
        self.commits as f64 / self.wall.as_secs_f64().max(1e-9)
    }
    fn cpu_us_per_commit(&self) -> f64 {
        self.cpu_ns as f64 / 1e3 / (self.commits as f64).max(1.0)
    }
}

/// Commit loop shared by both engines: `commit(i)` runs one autocommit INSERT.
fn timed_commits(limit: Limit, mut commit: impl FnMut(i64)) -> Run {
    for i in 0..WARMUP {
        commit(i);
    }
    let (t0, c0) = (Instant::now(), cpu_ns());
    let mut n = 0u64;
    loop {
        match limit {
            Limit::Commits(max) if n >= max => break,
            Limit::Time(d) if n > 0 && t0.elapsed() >= d => break,
            _ => {}
        }
        commit(WARMUP + n as i64);
        n += 1;
    }
    Run {
        commits: n,
        wall: t0.elapsed(),
        cpu_ns: cpu_ns().saturating_sub(c0),
    }
}

#[derive(Clone, Copy)]
enum Limit {
    Time(Duration),
    Commits(u64),
}

fn seed_sql(mode: &str, sync: &str) -> String {
    let mut s = format!("PRAGMA journal_mode={mode}; PRAGMA synchronous={sync}; {SETUP}; BEGIN;");
    for k in 0..KEYS {
        s.push_str(&format!(" INSERT INTO kv VALUES ({k}, 'a small value');"));
    }
    s.push_str(" COMMIT;");
    s
}

fn commit_run(engine: Engine, path: &Path, mode: &str, sync: &str, limit: Limit) -> Run {
    let seed = seed_sql(mode, sync);
    match engine {
        Engine::Chorus => {
            let c = chorus::Connection::open(path.to_str().unwrap()).unwrap();
            c.execute_batch(&seed).unwrap();
            let mut st = c.prepare(INSERT).unwrap();
            timed_commits(limit, |i| {
                st.execute((i % KEYS, "a small value")).unwrap();
            })
        }
        Engine::Sqlite => {
            let c = rusqlite::Connection::open(path).unwrap();
            c.execute_batch(&seed).unwrap();
            let mut st = c.prepare(INSERT).unwrap();
            timed_commits(limit, |i| {
                st.execute(rusqlite::params![i % KEYS, "a small value"])
                    .unwrap();
            })
        }
    }
}

/// Reads done by 4 reader threads in `window` while one writer commits, and
/// the writer's commits in that window.
fn readers_during_writer(engine: Engine, path: &Path, window: Duration) -> (u64, u64) {
    let seed = seed_sql("WAL", "FULL");
    match engine {
        Engine::Chorus => chorus::Connection::open(path.to_str().unwrap())
            .unwrap()
            .execute_batch(&seed)
            .unwrap(),
        Engine::Sqlite => rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch(&seed)
            .unwrap(),
    }
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let writes = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for r in 0..4u64 {
        let (stop, reads, path) = (stop.clone(), reads.clone(), path.to_path_buf());
        threads.push(std::thread::spawn(move || {
            let sql = "SELECT v FROM kv WHERE k = ?1";
            let mut k = r as i64;
            if engine == Engine::Chorus {
                let c = chorus::Connection::open(path.to_str().unwrap()).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                let mut st = c.prepare(sql).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    let mut rows = st.query(((k % KEYS),)).unwrap();
                    while rows.next().unwrap().is_some() {}
                    drop(rows);
                    reads.fetch_add(1, Ordering::Relaxed);
                    k += 7;
                }
            } else {
                let c = rusqlite::Connection::open(&path).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                let mut st = c.prepare(sql).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    let mut rows = st.query([k % KEYS]).unwrap();
                    while rows.next().unwrap().is_some() {}
                    reads.fetch_add(1, Ordering::Relaxed);
                    k += 7;
                }
            }
        }));
    }
    let writer = {
        let (stop, writes, path) = (stop.clone(), writes.clone(), path.to_path_buf());
        std::thread::spawn(move || {
            let sql = "INSERT OR REPLACE INTO kv VALUES (?1, 'w')";
            let mut i = 0i64;
            if engine == Engine::Chorus {
                let c = chorus::Connection::open(path.to_str().unwrap()).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    c.execute(sql, (i % KEYS,)).unwrap();
                    writes.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            } else {
                let c = rusqlite::Connection::open(&path).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    c.execute(sql, [i % KEYS]).unwrap();
                    writes.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            }
        })
    };
    // Count only the window itself, from a common start after the threads are up.
    std::thread::sleep(Duration::from_millis(50));
    let (r0, w0) = (
        reads.load(Ordering::Relaxed),
        writes.load(Ordering::Relaxed),
    );
    std::thread::sleep(window);
    let (r1, w1) = (
        reads.load(Ordering::Relaxed),
        writes.load(Ordering::Relaxed),
    );
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    writer.join().unwrap();
    (r1 - r0, w1 - w0)
}

/// A fresh database path for one run (the files of the previous one removed).
fn fresh(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(format!("{name}.db"));
    remove_db(&p);
    p
}

fn remove_db(p: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(s));
    }
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    match s.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// Engines in this round's order: Chorus first in even rounds, SQLite first in odd.
fn round_order(engines: &[Engine], round: usize) -> Vec<Engine> {
    let mut e = engines.to_vec();
    if round % 2 == 1 {
        e.reverse();
    }
    e
}

fn main() {
    let o = parse_options();
    // Files go in a temporary directory (under $COMMIT_BENCH_DIR if set).
    let dir = match std::env::var_os("COMMIT_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let limit = match o.commits {
        Some(n) => Limit::Commits(n),
        None => Limit::Time(Duration::from_secs_f64(o.secs)),
    };
    println!(
        "commit_bench: {} rounds, {}, engines interleaved (order alternates per round), files in {}",
        o.rounds,
        match limit {
            Limit::Time(d) => format!("{:.1}s per run", d.as_secs_f64()),
            Limit::Commits(n) => format!("{n} commits per run"),
        },
        dir.path().display()
    );
    // runs[config][engine] = one Run per round.
    let mut runs: Vec<Vec<Vec<Run>>> = o
        .configs
        .iter()
        .map(|_| o.engines.iter().map(|_| Vec::new()).collect())
        .collect();
    for round in 0..o.rounds {
        for (ci, (mode, sync)) in o.configs.iter().enumerate() {
            for e in round_order(&o.engines, round) {
                let p = fresh(dir.path(), &format!("{}_{mode}_{sync}", e.name()));
                let run = commit_run(e, &p, mode, sync, limit);
                remove_db(&p);
                let ei = o.engines.iter().position(|x| *x == e).unwrap_or(0);
                runs[ci][ei].push(run);
            }
        }
    }
    println!("\nSingle-writer commit rate (one small INSERT OR REPLACE per transaction, {KEYS}-row table)");
    print!("{:<22}", "configuration");
    for e in &o.engines {
        print!(
            " {:>28} {:>9}",
            format!("{} commits/s [min..max]", e.name()),
            "cpu us/c"
        );
    }
    if o.engines.len() == 2 {
        print!(" {:>12}", "median ratio");
    }
    println!();
    for (ci, (mode, sync)) in o.configs.iter().enumerate() {
        print!("{:<22}", format!("{mode} sync={sync}"));
        for engine_runs in &runs[ci] {
            let rates: Vec<f64> = engine_runs.iter().map(Run::rate).collect();
            let cpu: Vec<f64> = engine_runs.iter().map(Run::cpu_us_per_commit).collect();
            let (lo, hi) = min_max(&rates);
            print!(
                " {:>28} {:>9.1}",
                format!("{:.0} [{:.0}..{:.0}]", median(&rates), lo, hi),
                median(&cpu)
            );
        }
        if o.engines.len() == 2 {
            // Per round: Chorus time per commit / SQLite time per commit.
            let ratios: Vec<f64> = runs[ci][0]
                .iter()
                .zip(&runs[ci][1])
                .map(|(c, s)| s.rate() / c.rate().max(1e-9))
                .collect();
            let (lo, hi) = min_max(&ratios);
            print!(" {:>6.2}x [{lo:.2}..{hi:.2}]", median(&ratios));
        }
        println!();
    }
    if o.engines.len() == 2 {
        println!("(ratio = Chorus time per commit / SQLite time per commit, median of the per-round ratios; below 1.00 means Chorus is faster)");
    }
    if !o.readers {
        return;
    }
    // Readers during a writer, in WAL mode: reads completed in a fixed window.
    let window = Duration::from_secs_f64(o.secs);
    let mut reads: Vec<Vec<f64>> = o.engines.iter().map(|_| Vec::new()).collect();
    let mut writes: Vec<Vec<f64>> = o.engines.iter().map(|_| Vec::new()).collect();
    for round in 0..o.rounds {
        for e in round_order(&o.engines, round) {
            let p = fresh(dir.path(), &format!("{}_readers", e.name()));
            let (r, w) = readers_during_writer(e, &p, window);
            remove_db(&p);
            let ei = o.engines.iter().position(|x| *x == e).unwrap_or(0);
            reads[ei].push(r as f64 / window.as_secs_f64());
            writes[ei].push(w as f64 / window.as_secs_f64());
        }
    }
    println!(
        "\n4 readers during a writer (WAL, synchronous=FULL, {:.1}s windows, median of {} rounds)",
        window.as_secs_f64(),
        o.rounds
    );
    for (ei, e) in o.engines.iter().enumerate() {
        let (lo, hi) = min_max(&reads[ei]);
        println!(
            "  {:<7} {:>10.0} reads/s [{lo:.0}..{hi:.0}], writer {:.0} commits/s",
            e.name(),
            median(&reads[ei]),
            median(&writes[ei])
        );
    }
    if o.engines.len() == 2 {
        let ratios: Vec<f64> = reads[0]
            .iter()
            .zip(&reads[1])
            .map(|(c, s)| c / s.max(1.0))
            .collect();
        let (lo, hi) = min_max(&ratios);
        println!(
            "  chorus/sqlite read throughput: median {:.2}x [{lo:.2}..{hi:.2}] (above 1.00 means Chorus reads more)",
            median(&ratios)
        );
    }
}
