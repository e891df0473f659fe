//! File compatibility both ways: databases Chorus writes pass the `sqlite3`
//! shell's `PRAGMA integrity_check` and read the same there; databases SQLite
//! writes read the same in Chorus.

use chorus::{Connection, Value};
use std::path::Path;
use std::process::Command;

fn sqlite3_available() -> bool {
    Command::new("sqlite3").arg("-version").output().is_ok()
}

fn sqlite3(db: &Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("run sqlite3");
    assert!(
        out.status.success(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every row of a query in Chorus as sqlite3's list mode prints it.
fn chorus_list(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let mut out = String::new();
    while stmt.step().unwrap() {
        let cols: Vec<String> = (0..n)
            .map(|i| match stmt.column_value(i).to_owned() {
                Value::Null => String::new(),
                Value::Integer(v) => v.to_string(),
                Value::Real(_) | Value::Text(_) => {
                    String::from_utf8_lossy(&stmt.column_text(i)).into_owned()
                }
                Value::Blob(b) => String::from_utf8_lossy(&b).into_owned(),
            })
            .collect();
        out.push_str(&cols.join("|"));
        out.push('\n');
    }
    out
}

const WORKLOAD: &str = "
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL, d BLOB);
CREATE INDEX t_b ON t(b);
CREATE UNIQUE INDEX t_cd ON t(c DESC, d);
CREATE TABLE big(k TEXT PRIMARY KEY, v);
";

#[test]
fn chorus_written_file_passes_sqlite_integrity_check() {
    if !sqlite3_available() {
        eprintln!("sqlite3 shell missing: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    {
        let conn = Connection::open(path.to_str().unwrap()).unwrap();
        conn.execute_batch(
            "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL, d BLOB);
             CREATE INDEX t_b ON t(b);
             CREATE UNIQUE INDEX t_cd ON t(c DESC, d);",
        )
        .unwrap();
        conn.execute_batch("BEGIN").unwrap();
        for i in 0..5000i64 {
            let text = format!("row {i} {}", "x".repeat((i % 700) as usize));
            conn.execute(
                "INSERT INTO t(b, c, d) VALUES (?1, ?2, ?3)",
                (
                    text.as_str(),
                    i as f64 * 0.5,
                    vec![(i % 251) as u8; (i % 3000) as usize],
                ),
            )
            .unwrap();
        }
        conn.execute_batch("COMMIT").unwrap();
        conn.execute("DELETE FROM t WHERE a % 3 = 0", ()).unwrap();
        conn.execute("UPDATE t SET b = b || '!' WHERE a % 5 = 0", ())
            .unwrap();
        conn.execute_batch("CREATE TABLE u AS SELECT a, b FROM t WHERE a < 100; DROP INDEX t_b;")
            .unwrap();
    }
    assert_eq!(sqlite3(&path, "PRAGMA integrity_check;"), "ok\n");
    let conn = Connection::open(path.to_str().unwrap()).unwrap();
    for q in [
        "SELECT count(*), sum(a), sum(length(b)), sum(c), sum(length(d)) FROM t",
        "SELECT a, b FROM t WHERE a % 97 = 1 ORDER BY a",
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY name",
        "SELECT * FROM u ORDER BY a",
    ] {
        assert_eq!(
            chorus_list(&conn, q),
            sqlite3(&path, &format!("{q};")),
            "{q}"
        );
    }
}

#[test]
fn sqlite_written_file_reads_the_same_in_chorus() {
    let dir = tempfile::tempdir().unwrap();
    for (page_size, vacuum) in [(512, 0), (4096, 1), (65536, 2), (1024, 0)] {
        let path = dir.path().join(format!("s{page_size}_{vacuum}.db"));
        {
            let s = rusqlite::Connection::open(&path).unwrap();
            s.execute_batch(&format!(
                "PRAGMA page_size={page_size}; PRAGMA auto_vacuum={vacuum};"
            ))
            .unwrap();
            s.execute_batch(WORKLOAD).unwrap();
            s.execute_batch("BEGIN").unwrap();
            for i in 0..2000i64 {
                s.execute(
                    "INSERT INTO t(b, c, d) VALUES (?1, ?2, ?3)",
                    rusqlite::params![
                        format!("s{i}{}", "y".repeat((i % 900) as usize)),
                        i as f64 / 3.0,
                        vec![7u8; (i % 1500) as usize]
                    ],
                )
                .unwrap();
                s.execute(
                    "INSERT INTO big VALUES (?1, ?2)",
                    rusqlite::params![format!("k{i:05}"), i * 7],
                )
                .unwrap();
            }
            s.execute_batch("COMMIT; DELETE FROM t WHERE a % 4 = 1;")
                .unwrap();
        }
        let conn = Connection::open(path.to_str().unwrap()).unwrap();
        let s = rusqlite::Connection::open(&path).unwrap();
        for q in [
            "SELECT count(*), sum(a), sum(length(b)), total(c), sum(length(d)) FROM t",
            "SELECT a, c FROM t WHERE b >= 's1999' ORDER BY b LIMIT 20",
            "PRAGMA page_size",
            "PRAGMA page_count",
            "PRAGMA freelist_count",
        ] {
            let mut st = s.prepare(q).unwrap();
            let n = st.column_count();
            let want: Vec<Vec<Value>> = st
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| match r.get_ref(i).unwrap() {
                            rusqlite::types::ValueRef::Null => Value::Null,
                            rusqlite::types::ValueRef::Integer(v) => Value::Integer(v),
                            rusqlite::types::ValueRef::Real(v) => Value::Real(v),
                            rusqlite::types::ValueRef::Text(v) => Value::Text(v.to_vec()),
                            rusqlite::types::ValueRef::Blob(v) => Value::Blob(v.to_vec()),
                        })
                        .collect())
                })
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            let mut cs = conn.prepare(q).unwrap();
            let mut got = Vec::new();
            while cs.step().unwrap() {
                got.push(
                    (0..n)
                        .map(|i| cs.column_value(i).to_owned())
                        .collect::<Vec<_>>(),
                );
            }
            assert_eq!(
                got, want,
                "{q} (page size {page_size}, auto_vacuum {vacuum})"
            );
        }
    }
}

#[test]
fn pragma_integrity_check_reports_damage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    {
        let conn = Connection::open(path.to_str().unwrap()).unwrap();
        conn.execute_batch("CREATE TABLE t(a, b); CREATE INDEX tb ON t(b);")
            .unwrap();
        conn.execute_batch("BEGIN").unwrap();
        for i in 0..2000i64 {
            conn.execute("INSERT INTO t VALUES (?1, ?2)", (i, format!("v{i:05}")))
                .unwrap();
        }
        conn.execute_batch("COMMIT").unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", (), |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
    // Point the last cell of a page at garbage: flip bytes in the middle of page 3.
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    for b in &mut bytes[2 * page + 8..2 * page + 40] {
        *b ^= 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let conn = Connection::open(path.to_str().unwrap()).unwrap();
    let first = match conn.query_row("PRAGMA integrity_check", (), |r| r.get::<String>(0)) {
        Ok(s) => s,
        Err(e) => e.to_string(),
    };
    assert_ne!(first, "ok");
}

#[test]
fn real_columns_read_integral_values_as_real() {
    // SQLite stores 67.0 in a REAL column as the integer 67 in the record;
    // it must read back as REAL, in scans, lookups and after updates.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    {
        let s = rusqlite::Connection::open(&path).unwrap();
        s.execute_batch(
            "CREATE TABLE t(a INTEGER PRIMARY KEY, c REAL, d FLOAT, e);
             INSERT INTO t VALUES (1, 67.0, 2, 3), (2, 0.5, -4.0, 5.0);",
        )
        .unwrap();
    }
    let conn = Connection::open(path.to_str().unwrap()).unwrap();
    let rows = |sql: &str| -> Vec<Vec<Value>> {
        let mut st = conn.prepare(sql).unwrap();
        let n = st.column_count();
        let mut out = Vec::new();
        while st.step().unwrap() {
            out.push((0..n).map(|i| st.column_value(i).to_owned()).collect());
        }
        out
    };
    assert_eq!(
        rows("SELECT c, d, e, typeof(c) FROM t WHERE a = 1"),
        vec![vec![
            Value::Real(67.0),
            Value::Real(2.0),
            Value::Integer(3),
            Value::Text(b"real".to_vec())
        ]]
    );
    conn.execute("UPDATE t SET e = e + 1 WHERE a = 1", ())
        .unwrap();
    assert_eq!(
        rows("SELECT c, d FROM t ORDER BY a"),
        vec![
            vec![Value::Real(67.0), Value::Real(2.0)],
            vec![Value::Real(0.5), Value::Real(-4.0)]
        ]
    );
}

#[test]
fn utf16_databases_read_and_write_as_utf8() {
    let dir = tempfile::tempdir().unwrap();
    for enc in ["UTF-16le", "UTF-16be"] {
        let path = dir.path().join(format!("{enc}.db"));
        {
            let s = rusqlite::Connection::open(&path).unwrap();
            s.execute_batch(&format!(
                "PRAGMA encoding='{enc}'; CREATE TABLE t(a TEXT); CREATE INDEX ta ON t(a);
                 INSERT INTO t VALUES ('héllo'), ('wörld'), ('{}');",
                "ü".repeat(3000)
            ))
            .unwrap();
        }
        {
            let conn = Connection::open(path.to_str().unwrap()).unwrap();
            conn.execute("INSERT INTO t VALUES (?1)", ("日本",))
                .unwrap();
            let mut st = conn
                .prepare("SELECT substr(a, 1, 5) FROM t WHERE a >= 'h'")
                .unwrap();
            let mut got = Vec::new();
            while st.step().unwrap() {
                got.push(String::from_utf8(st.column_text(0).into_owned()).unwrap());
            }
            got.sort();
            assert_eq!(got, ["héllo", "wörld", "üüüüü", "日本"], "{enc}");
        }
        let s = rusqlite::Connection::open(&path).unwrap();
        let ok: String = s
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        let n: i64 = s
            .query_row("SELECT count(*) FROM t WHERE a = '日本'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 1, "{enc}");
    }
}
