//! Profiling helper: loads the `sql_bench` table into Chorus only, then runs
//! one workload repeatedly so `perf record` sees just that workload.
//!
//! `sql_profile <scan|join|point|index|insert|update|updel> [--rows N] [--reps K]`

use chorus_bench::{arg_rows, cpu_ns, time, Rng};

fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "scan".into());
    let n = arg_rows(200_000);
    let reps: usize = std::env::args()
        .collect::<Vec<_>>()
        .windows(2)
        .find(|w| w[0] == "--reps")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    if std::env::args().any(|a| a == "--sqlite") {
        sqlite_writes(&what, &path, n, reps);
        return;
    }
    let c = chorus::Connection::open(path.to_str().unwrap()).unwrap();
    c.execute_batch(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT);
         CREATE TABLE g(id INTEGER PRIMARY KEY, label TEXT);",
    )
    .unwrap();
    let load = |c: &chorus::Connection| {
        c.execute_batch("BEGIN").unwrap();
        let mut st = c
            .prepare("INSERT INTO t(id, grp, name) VALUES (?1, ?2, ?3)")
            .unwrap();
        for i in 1..=n as i64 {
            let name = format!("name-{:08}", (i * 7919) % n as i64);
            st.execute((i, i % 1000, name.as_str())).unwrap();
        }
        c.execute_batch("COMMIT").unwrap();
    };
    if what == "insert" {
        for _ in 0..reps {
            let c0 = cpu_ns();
            let (d, ()) = time(|| load(&c));
            let cpu = cpu_ns() - c0;
            eprintln!("insert wall {d:?} cpu {:.1}ms", cpu as f64 / 1e6);
            c.execute_batch("DELETE FROM t").unwrap();
        }
        return;
    }
    load(&c);
    c.execute_batch("BEGIN").unwrap();
    let mut st = c
        .prepare("INSERT INTO g(id, label) VALUES (?1, ?2)")
        .unwrap();
    for i in 0..1000i64 {
        st.execute((i, format!("group {i}").as_str())).unwrap();
    }
    drop(st);
    c.execute_batch("COMMIT; CREATE INDEX t_name ON t(name);")
        .unwrap();
    let mut rng = Rng::new(7);
    let keys: Vec<i64> = (0..n / 10)
        .map(|_| (rng.next_u64() % n) as i64 + 1)
        .collect();
    for _ in 0..reps {
        eprintln!("{what} start");
        let c0 = cpu_ns();
        let (d, s) = time(|| {
            match what.as_str() {
            "scan" => c
                .query_row(
                    "SELECT sum(grp) + count(*) + avg(length(name)) FROM t",
                    (),
                    |r| r.get::<f64>(0),
                )
                .unwrap(),
            "join" => c
                .query_row(
                    "SELECT count(*) + sum(length(g.label)) FROM t JOIN g ON g.id = t.grp WHERE t.id % 10 = 0",
                    (),
                    |r| r.get::<f64>(0),
                )
                .unwrap(),
            "point" | "index" => {
                let sql = if what == "point" {
                    "SELECT grp FROM t WHERE id = ?1"
                } else {
                    "SELECT id FROM t WHERE name = printf('name-%08d', ?1)"
                };
                let mut st = c.prepare(sql).unwrap();
                let mut sum = 0i64;
                for &k in &keys {
                    let k = if what == "point" { k } else { (k * 7919) % n as i64 };
                    let mut rows = st.query((k,)).unwrap();
                    while let Some(r) = rows.next().unwrap() {
                        sum += r.get::<i64>(0).unwrap();
                    }
                }
                sum as f64
            }
            "update" => {
                c.execute_batch("BEGIN").unwrap();
                let mut st = c
                    .prepare("UPDATE t SET grp = ?2 WHERE id = ?1 AND ?3 = ''")
                    .unwrap();
                for &k in &keys {
                    st.execute((k, k % 77, "")).unwrap();
                }
                c.execute_batch("ROLLBACK").unwrap();
                0.0
            }
            "updel" => {
                // The sql_bench write workload: updates then deletes by key in
                // one committed transaction (later reps find fewer rows).
                c.execute_batch("BEGIN").unwrap();
                let mut st = c
                    .prepare("UPDATE t SET grp = ?2 WHERE id = ?1 AND ?3 = ''")
                    .unwrap();
                for &k in &keys {
                    st.execute((k, k % 77, "")).unwrap();
                }
                let mut st = c
                    .prepare("DELETE FROM t WHERE id = ?1 AND ?2 = 0 AND ?3 = ''")
                    .unwrap();
                for &k in &keys {
                    st.execute((k, 0, "")).unwrap();
                }
                c.execute_batch("COMMIT").unwrap();
                0.0
            }
            other => panic!("unknown workload {other}"),
        }
        });
        let cpu = cpu_ns() - c0;
        eprintln!("{what} wall {d:?} cpu {:.1}ms ({s})", cpu as f64 / 1e6);
    }
}

/// The write workloads on SQLite alone (`--sqlite`), so `strace -c` and
/// `perf` can compare the two engines doing the same work.
fn sqlite_writes(what: &str, path: &std::path::Path, n: u64, reps: usize) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT);")
        .unwrap();
    let load = |c: &rusqlite::Connection| {
        c.execute_batch("BEGIN").unwrap();
        let mut st = c
            .prepare("INSERT INTO t(id, grp, name) VALUES (?1, ?2, ?3)")
            .unwrap();
        for i in 1..=n as i64 {
            let name = format!("name-{:08}", (i * 7919) % n as i64);
            st.execute((i, i % 1000, name.as_str())).unwrap();
        }
        drop(st);
        c.execute_batch("COMMIT").unwrap();
    };
    let mut rng = Rng::new(7);
    let keys: Vec<i64> = (0..n / 10)
        .map(|_| (rng.next_u64() % n) as i64 + 1)
        .collect();
    if what == "updel" {
        load(&c);
        c.execute_batch("CREATE INDEX t_name ON t(name)").unwrap();
    }
    for _ in 0..reps {
        eprintln!("sqlite {what} start");
        let c0 = cpu_ns();
        let (d, ()) = time(|| match what {
            "insert" => {
                load(&c);
                c.execute_batch("DELETE FROM t").unwrap();
            }
            "updel" => {
                c.execute_batch("BEGIN").unwrap();
                let mut st = c
                    .prepare("UPDATE t SET grp = ?2 WHERE id = ?1 AND ?3 = ''")
                    .unwrap();
                for &k in &keys {
                    st.execute((k, k % 77, "")).unwrap();
                }
                let mut st = c
                    .prepare("DELETE FROM t WHERE id = ?1 AND ?2 = 0 AND ?3 = ''")
                    .unwrap();
                for &k in &keys {
                    st.execute((k, 0, "")).unwrap();
                }
                drop(st);
                c.execute_batch("COMMIT").unwrap();
            }
            other => panic!("unknown sqlite workload {other}"),
        });
        let cpu = cpu_ns() - c0;
        eprintln!("sqlite {what} wall {d:?} cpu {:.1}ms", cpu as f64 / 1e6);
    }
}
