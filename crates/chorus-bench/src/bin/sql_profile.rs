//! Profiling helper: loads the `sql_bench` table into Chorus only, then runs
//! one workload repeatedly so `perf record` sees just that workload.
//!
//! `sql_profile <scan|join|point|index|mkindex|insert|update|updel|vs|sql> [--rows N] [--reps K] [--db PATH]`
//! (`updel` is the bench's updates + deletes; `--sqlite` runs `insert` or
//! `updel` on SQLite alone, for strace/perf comparisons.)
//!
//! `vs` compares the scan and join queries (or the `--sql` one) with SQLite
//! on the same file.
//! `sql --sql "SELECT ..."` times one query (its first column as f64).
//! With `--db PATH` the database is kept at PATH: built there on the first run
//! and reused (no load) by later runs, so a profile shows the workload alone.

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
    let args: Vec<String> = std::env::args().collect();
    let keep = args
        .windows(2)
        .find(|w| w[0] == "--db")
        .map(|w| std::path::PathBuf::from(&w[1]));
    let sql_arg = args
        .windows(2)
        .find(|w| w[0] == "--sql")
        .map(|w| w[1].clone());
    let dir = tempfile::tempdir().unwrap();
    let path = keep.clone().unwrap_or_else(|| dir.path().join("p.db"));
    if std::env::args().any(|a| a == "--sqlite") {
        sqlite_writes(&what, &path, n, reps);
        return;
    }
    let reuse = keep.is_some() && path.exists() && what != "insert";
    let c = chorus::Connection::open(path.to_str().unwrap()).unwrap();
    if !reuse {
        c.execute_batch(
            "CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT);
         CREATE TABLE g(id INTEGER PRIMARY KEY, label TEXT);",
        )
        .unwrap();
    }
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
    if !reuse {
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
    }
    if what == "vs" {
        vs_sqlite(&c, &path, reps, sql_arg.as_deref());
        return;
    }
    if what == "mkindex" {
        // CREATE INDEX on the filled table, rebuilt `reps` times.
        for _ in 0..reps {
            c.execute_batch("DROP INDEX IF EXISTS t_name").unwrap();
            let c0 = cpu_ns();
            let (d, ()) = time(|| c.execute_batch("CREATE INDEX t_name ON t(name)").unwrap());
            let cpu = cpu_ns() - c0;
            eprintln!("create index wall {d:?} cpu {:.1}ms", cpu as f64 / 1e6);
        }
        return;
    }
    let mut rng = Rng::new(7);
    let keys: Vec<i64> = (0..n / 10)
        .map(|_| (rng.next_u64() % n) as i64 + 1)
        .collect();
    for _ in 0..reps {
        eprintln!("{what} start");
        let c0 = cpu_ns();
        let (d, s) = time(|| {
            match what.as_str() {
            "sql" => c
                .query_row(sql_arg.as_deref().unwrap_or("SELECT 1"), (), |r| {
                    r.get::<f64>(0)
                })
                .unwrap(),
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

/// `vs`: the scan and join queries on this database through Chorus and
/// through SQLite (rusqlite, the same file), interleaved rep by rep; prints
/// each engine's best CPU time and their ratio (steadier than one run on a
/// busy machine).
fn vs_sqlite(c: &chorus::Connection, path: &std::path::Path, reps: usize, extra: Option<&str>) {
    let s = rusqlite::Connection::open(path).unwrap();
    let mut queries = vec![
        ("scan", "SELECT sum(grp) + count(*) + avg(length(name)) FROM t"),
        (
            "join",
            "SELECT count(*) + sum(length(g.label)) FROM t JOIN g ON g.id = t.grp WHERE t.id % 10 = 0",
        ),
    ];
    if let Some(sql) = extra {
        queries = vec![("sql", sql)];
    }
    for (name, sql) in queries {
        let (mut bc, mut bs) = (u64::MAX, u64::MAX);
        for _ in 0..reps {
            let c0 = cpu_ns();
            let a = c.query_row(sql, (), |r| r.get::<f64>(0)).unwrap();
            bc = bc.min(cpu_ns() - c0);
            let c0 = cpu_ns();
            let b = s.query_row(sql, [], |r| r.get::<_, f64>(0)).unwrap();
            bs = bs.min(cpu_ns() - c0);
            assert!(
                (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                "{name}: {a} != {b}"
            );
        }
        println!(
            "{name}: chorus {:.1}ms sqlite {:.1}ms ratio {:.2}x (best CPU of {reps})",
            bc as f64 / 1e6,
            bs as f64 / 1e6,
            bc as f64 / bs.max(1) as f64
        );
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
