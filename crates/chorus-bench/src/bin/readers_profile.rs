//! Profiling harness for the read path of `commit_bench`'s "readers during
//! a writer" line, one engine at a time (so `perf` sees only it):
//! `readers_profile [chorus|sqlite] [READERS] [writer|nowriter] [SECONDS]`.
//! Prints reads per wall second and per CPU second of the process (the
//! latter is steadier on a shared machine).

use chorus_bench::cpu_ns;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let chorus_engine = args.get(1).is_none_or(|a| a != "sqlite");
    let readers: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4);
    let with_writer = args.get(3).is_none_or(|a| a != "nowriter");
    let secs: f64 = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(3.0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db").to_str().unwrap().to_string();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT);")
            .unwrap();
        for i in 0..500 {
            c.execute("INSERT INTO kv VALUES (?1, 'a small value')", [i])
                .unwrap();
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let writes = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for r in 0..readers {
        let (stop, reads, path) = (stop.clone(), reads.clone(), path.clone());
        threads.push(std::thread::spawn(move || {
            let sql = "SELECT v FROM kv WHERE k = ?1";
            let mut k = r as i64;
            if chorus_engine {
                let c = chorus::Connection::open(&path).unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                let mut st = c.prepare(sql).unwrap();
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
                while !stop.load(Ordering::Relaxed) {
                    let mut rows = st.query([k % 500]).unwrap();
                    while rows.next().unwrap().is_some() {}
                    reads.fetch_add(1, Ordering::Relaxed);
                    k += 7;
                }
            }
        }));
    }
    if with_writer {
        let (stop, path, writes) = (stop.clone(), path.clone(), writes.clone());
        threads.push(std::thread::spawn(move || {
            let sql = "INSERT OR REPLACE INTO kv VALUES (?1, 'w')";
            let mut i = 0i64;
            if chorus_engine {
                let c = chorus::Connection::open(&path).unwrap();
                c.execute_batch("PRAGMA synchronous=FULL").unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    c.execute(sql, (i % 500,)).unwrap();
                    writes.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            } else {
                let c = rusqlite::Connection::open(&path).unwrap();
                c.execute_batch("PRAGMA synchronous=FULL").unwrap();
                c.busy_timeout(Duration::from_secs(5)).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    c.execute(sql, [i % 500]).unwrap();
                    writes.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            }
        }));
    }
    let (t0, c0) = (Instant::now(), cpu_ns());
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    let (wall, cpu) = (t0.elapsed().as_secs_f64(), (cpu_ns() - c0) as f64 / 1e9);
    for t in threads {
        t.join().unwrap();
    }
    let n = reads.load(Ordering::Relaxed) as f64;
    println!(
        "{} readers={readers} writer={with_writer}: {:.0} reads/s wall, {:.0} reads/cpu-s, {} commits",
        if chorus_engine { "chorus" } else { "sqlite" },
        n / wall,
        n / cpu.max(1e-9),
        writes.load(Ordering::Relaxed)
    );
}
