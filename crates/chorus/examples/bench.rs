//! Side-by-side timing of Chorus (memory store) and SQLite (rusqlite, in
//! memory) on a small workload; prints ratios. Not a test.
use std::time::Instant;

fn main() {
    let n = 100_000i64;
    let c = chorus::Connection::open_in_memory().unwrap();
    let s = rusqlite::Connection::open_in_memory().unwrap();
    let setup = "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT); CREATE INDEX ta ON t(a);";
    c.execute_batch(setup).unwrap();
    s.execute_batch(setup).unwrap();
    let t0 = Instant::now();
    c.execute_batch("BEGIN").unwrap();
    {
        let mut st = c.prepare("INSERT INTO t(a, b) VALUES (?1, ?2)").unwrap();
        for i in 0..n {
            st.execute((i % 1000, format!("row {i}"))).unwrap();
        }
    }
    c.execute_batch("COMMIT").unwrap();
    let ci = t0.elapsed();
    let t0 = Instant::now();
    s.execute_batch("BEGIN").unwrap();
    {
        let mut st = s.prepare("INSERT INTO t(a, b) VALUES (?1, ?2)").unwrap();
        for i in 0..n {
            st.execute(rusqlite::params![i % 1000, format!("row {i}")])
                .unwrap();
        }
    }
    s.execute_batch("COMMIT").unwrap();
    let si = t0.elapsed();
    println!(
        "insert {n}: chorus {:?} sqlite {:?} ratio {:.2}",
        ci,
        si,
        ci.as_secs_f64() / si.as_secs_f64()
    );
    for q in [
        "SELECT count(*), sum(a), max(b) FROM t",
        "SELECT a, count(*) FROM t GROUP BY a ORDER BY 2 DESC LIMIT 5",
        "SELECT count(*) FROM t WHERE a = 7",
        "SELECT sum(length(b)) FROM t WHERE id BETWEEN 1000 AND 50000",
    ] {
        let t0 = Instant::now();
        for _ in 0..5 {
            let mut st = c.prepare(q).unwrap();
            while st.step().unwrap() {}
        }
        let ct = t0.elapsed();
        let t0 = Instant::now();
        for _ in 0..5 {
            let mut st = s.prepare(q).unwrap();
            let mut r = st.raw_query();
            while r.next().unwrap().is_some() {}
        }
        let stt = t0.elapsed();
        println!(
            "{q}: chorus {:?} sqlite {:?} ratio {:.2}",
            ct,
            stt,
            ct.as_secs_f64() / stt.as_secs_f64()
        );
    }
}
