//! Timing of point lookups through an index on an expression:
//! `SELECT id FROM t WHERE lower(name) = ?1` on a table of `rows` rows
//! with `CREATE INDEX ON t(lower(name))`, `lookups` times, on Chorus and on
//! SQLite (rusqlite). Not a test.
//!
//! `cargo run --release -p chorus --example expr_index_lookup [rows] [lookups]`
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let lookups: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let setup = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, v INT); \
                 CREATE INDEX t_lower ON t(lower(name));";
    let c = chorus::Connection::open_in_memory().unwrap();
    let s = rusqlite::Connection::open_in_memory().unwrap();
    c.execute_batch(setup).unwrap();
    s.execute_batch(setup).unwrap();
    let name = |i: i64| format!("Name{:06}X", (i * 7919) % rows);
    c.execute_batch("BEGIN").unwrap();
    {
        let mut st = c.prepare("INSERT INTO t(name, v) VALUES (?1, ?2)").unwrap();
        for i in 0..rows {
            st.execute((name(i), i)).unwrap();
        }
    }
    c.execute_batch("COMMIT").unwrap();
    s.execute_batch("BEGIN").unwrap();
    {
        let mut st = s.prepare("INSERT INTO t(name, v) VALUES (?1, ?2)").unwrap();
        for i in 0..rows {
            st.execute(rusqlite::params![name(i), i]).unwrap();
        }
    }
    s.execute_batch("COMMIT").unwrap();
    let q = "SELECT id FROM t WHERE lower(name) = ?1";
    let keys: Vec<String> = (0..lookups)
        .map(|i| name((i * 31) % rows).to_lowercase())
        .collect();

    let mut plan = c.prepare(&format!("EXPLAIN QUERY PLAN {q}")).unwrap();
    while plan.step().unwrap() {
        println!(
            "chorus plan: {}",
            String::from_utf8_lossy(&plan.column_text(3))
        );
    }
    let t0 = Instant::now();
    let mut found = 0i64;
    {
        let mut st = c.prepare(q).unwrap();
        for k in &keys {
            st.bind(1, k.as_str()).unwrap();
            while st.step().unwrap() {
                found += 1;
            }
            st.reset();
        }
    }
    let ct = t0.elapsed();
    let t0 = Instant::now();
    let mut sfound = 0i64;
    {
        let mut st = s.prepare(q).unwrap();
        for k in &keys {
            let mut r = st.query([k.as_str()]).unwrap();
            while r.next().unwrap().is_some() {
                sfound += 1;
            }
        }
    }
    let st = t0.elapsed();
    assert_eq!(found, sfound);
    println!(
        "{rows} rows, {lookups} lookups ({found} rows found): chorus {:.3} s ({:.1} us/lookup), sqlite {:.3} s ({:.1} us/lookup)",
        ct.as_secs_f64(),
        ct.as_secs_f64() * 1e6 / lookups as f64,
        st.as_secs_f64(),
        st.as_secs_f64() * 1e6 / lookups as f64
    );
}
