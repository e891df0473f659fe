//! Durability benchmark (issue 4): single-writer commit rate of small
//! transactions at `synchronous=FULL` and `NORMAL` in WAL and DELETE modes,
//! and read throughput of 4 reader threads while a writer commits; Chorus
//! and SQLite (rusqlite, bundled) side by side on files in one directory.
//!
//! `cargo run --release -p chorus-bench --bin commit_bench [-- --rows N]`
//! (N = commits per configuration, default 2000).

use chorus_bench::{arg_rows, report, time, Line};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const SETUP: &str = "CREATE TABLE IF NOT EXISTS kv(k INTEGER PRIMARY KEY, v TEXT)";

fn chorus_commits(path: &str, mode: &str, sync: &str, n: u64) -> Duration {
    let c = chorus::Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "PRAGMA journal_mode={mode}; PRAGMA synchronous={sync}; {SETUP}"
    ))
    .unwrap();
    let mut st = c
        .prepare("INSERT OR REPLACE INTO kv VALUES (?1, ?2)")
        .unwrap();
    time(|| {
        for i in 0..n as i64 {
            st.execute((i % 500, "a small value")).unwrap();
        }
    })
    .0
}

fn sqlite_commits(path: &str, mode: &str, sync: &str, n: u64) -> Duration {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "PRAGMA journal_mode={mode}; PRAGMA synchronous={sync}; {SETUP}"
    ))
    .unwrap();
    let mut st = c
        .prepare("INSERT OR REPLACE INTO kv VALUES (?1, ?2)")
        .unwrap();
    time(|| {
        for i in 0..n as i64 {
            st.execute(rusqlite::params![i % 500, "a small value"])
                .unwrap();
        }
    })
    .0
}

/// Reads done by 4 reader threads in `window` while one writer commits.
fn readers_during_writer(chorus_engine: bool, path: &str, window: Duration) -> u64 {
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for r in 0..4u64 {
        let (stop, reads, path) = (stop.clone(), reads.clone(), path.to_string());
        threads.push(std::thread::spawn(move || {
            let sql = "SELECT v FROM kv WHERE k = ?1";
            if chorus_engine {
                let c = chorus::Connection::open(&path).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                let mut st = c.prepare(sql).unwrap();
                let mut k = r as i64;
                while !stop.load(Ordering::Relaxed) {
                    let mut rows = st.query(((k % 500),)).unwrap();
                    while rows.next().unwrap().is_some() {}
                    drop(rows);
                    reads.fetch_add(1, Ordering::Relaxed);
                    k += 7;
                }
            } else {
                let c = rusqlite::Connection::open(&path).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                let mut st = c.prepare(sql).unwrap();
                let mut k = r as i64;
                while !stop.load(Ordering::Relaxed) {
                    let mut rows = st.query([k % 500]).unwrap();
                    while rows.next().unwrap().is_some() {}
                    reads.fetch_add(1, Ordering::Relaxed);
                    k += 7;
                }
            }
        }));
    }
    let writer = {
        let (stop, path) = (stop.clone(), path.to_string());
        std::thread::spawn(move || {
            let sql = "INSERT OR REPLACE INTO kv VALUES (?1, 'w')";
            let mut i = 0i64;
            if chorus_engine {
                let c = chorus::Connection::open(&path).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    c.execute(sql, (i % 500,)).unwrap();
                    i += 1;
                }
            } else {
                let c = rusqlite::Connection::open(&path).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    c.execute(sql, [i % 500]).unwrap();
                    i += 1;
                }
            }
        })
    };
    std::thread::sleep(window);
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    writer.join().unwrap();
    reads.load(Ordering::Relaxed)
}

fn main() {
    let n = arg_rows(2000);
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    for mode in ["WAL", "DELETE"] {
        for sync in ["FULL", "NORMAL"] {
            let cp = dir.path().join(format!("c_{mode}_{sync}.db"));
            let sp = dir.path().join(format!("s_{mode}_{sync}.db"));
            let c = chorus_commits(cp.to_str().unwrap(), mode, sync, n);
            let s = sqlite_commits(sp.to_str().unwrap(), mode, sync, n);
            lines.push(Line {
                name: format!("{n} commits, {mode}, synchronous={sync}"),
                ops: n,
                chorus: c,
                sqlite: s,
            });
        }
    }
    report(
        "Single-writer commit rate (one small INSERT per transaction)",
        &lines,
    );
    // Readers during a writer, in WAL mode: reads completed in a fixed window.
    let window = Duration::from_secs(3);
    let cp = dir.path().join("c_WAL_FULL.db");
    let sp = dir.path().join("s_WAL_FULL.db");
    let cr = readers_during_writer(true, cp.to_str().unwrap(), window);
    let sr = readers_during_writer(false, sp.to_str().unwrap(), window);
    println!(
        "\n4 readers during a writer (WAL, {}s): chorus {:.0} reads/s, sqlite {:.0} reads/s, ratio (sqlite/chorus throughput) {:.2}x",
        window.as_secs(),
        cr as f64 / window.as_secs_f64(),
        sr as f64 / window.as_secs_f64(),
        sr as f64 / (cr as f64).max(1.0)
    );
}
