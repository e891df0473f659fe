//! Durability and concurrency PRAGMAs, differential against SQLite
//! (rusqlite): journal_mode, synchronous, wal_checkpoint, wal_autocheckpoint,
//! locking_mode, busy_timeout and database_list result rows (column names
//! and values), on files and in memory; and a WAL database written by Chorus
//! read back by the `sqlite3` shell.

use chorus::{Connection, Value};
use std::path::Path;
use std::process::Command;

type Rows = (Vec<String>, Vec<Vec<Value>>);

fn chorus_rows(c: &Connection, sql: &str) -> Result<Rows, String> {
    let mut st = c.prepare(sql).map_err(|e| e.message.clone())?;
    let mut rows = Vec::new();
    while st.step().map_err(|e| e.message.clone())? {
        let n = st.column_count();
        rows.push((0..n).map(|i| st.column_value(i).to_owned()).collect());
    }
    let names = (0..st.column_count())
        .map(|i| st.column_name(i).map(|s| s.to_string()).unwrap_or_default())
        .collect();
    Ok((if rows.is_empty() { vec![] } else { names }, rows))
}

fn sqlite_rows(c: &rusqlite::Connection, sql: &str) -> Result<Rows, String> {
    let mut st = c.prepare(sql).map_err(|e| e.to_string())?;
    let names: Vec<String> = st.column_names().iter().map(|s| s.to_string()).collect();
    let n = st.column_count();
    let mut q = st.query([]).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    while let Some(r) = q.next().map_err(|e| e.to_string())? {
        use rusqlite::types::ValueRef as V;
        rows.push(
            (0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    V::Null => Value::Null,
                    V::Integer(v) => Value::Integer(v),
                    V::Real(v) => Value::Real(v),
                    V::Text(t) => Value::Text(t.to_vec()),
                    V::Blob(b) => Value::Blob(b.to_vec()),
                })
                .collect(),
        );
    }
    Ok((if rows.is_empty() { vec![] } else { names }, rows))
}

/// Run each statement on both and compare result rows (errors: both fail).
fn same_all(a: &Connection, b: &rusqlite::Connection, sqls: &[&str]) {
    for sql in sqls {
        let x = chorus_rows(a, sql);
        let y = sqlite_rows(b, sql);
        match (&x, &y) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "{sql}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{sql}: chorus {x:?} sqlite {y:?}"),
        }
    }
}

fn pair_files(dir: &Path) -> (Connection, rusqlite::Connection) {
    let a = Connection::open(dir.join("c.db").to_str().unwrap()).unwrap();
    let b = rusqlite::Connection::open(dir.join("s.db")).unwrap();
    // rusqlite sets a 5 s busy timeout on open; the C library's default is 0.
    b.busy_timeout(std::time::Duration::ZERO).unwrap();
    (a, b)
}

#[test]
fn journal_mode_rows_match_sqlite_on_files() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = pair_files(d.path());
    same_all(
        &a,
        &b,
        &[
            "PRAGMA journal_mode",
            "CREATE TABLE t(x)",
            "INSERT INTO t VALUES (1),(2)",
            "PRAGMA journal_mode=TRUNCATE",
            "PRAGMA journal_mode",
            "INSERT INTO t VALUES (3)",
            "PRAGMA journal_mode=persist",
            "INSERT INTO t VALUES (4)",
            "PRAGMA journal_mode=MEMORY",
            "INSERT INTO t VALUES (5)",
            "PRAGMA journal_mode=off",
            "PRAGMA journal_mode=bogus",
            "PRAGMA journal_mode=delete",
            "PRAGMA main.journal_mode",
            "PRAGMA journal_mode=WAL",
            "PRAGMA journal_mode",
            "INSERT INTO t VALUES (6)",
            "SELECT * FROM t ORDER BY x",
            "BEGIN",
            "PRAGMA journal_mode=DELETE",
            "PRAGMA journal_mode",
            "COMMIT",
            "PRAGMA journal_mode=DELETE",
            "PRAGMA journal_mode",
            "SELECT count(*) FROM t",
        ],
    );
    assert!(!d.path().join("c.db-wal").exists(), "WAL file left behind");
}

#[test]
fn journal_mode_rows_match_sqlite_in_memory() {
    let a = Connection::open_in_memory().unwrap();
    let b = rusqlite::Connection::open_in_memory().unwrap();
    b.busy_timeout(std::time::Duration::ZERO).unwrap();
    same_all(
        &a,
        &b,
        &[
            "PRAGMA journal_mode",
            "PRAGMA journal_mode=WAL",
            "PRAGMA journal_mode=DELETE",
            "PRAGMA journal_mode=OFF",
            "PRAGMA journal_mode",
            "PRAGMA journal_mode=MEMORY",
            "PRAGMA journal_mode",
            "PRAGMA wal_checkpoint",
            "PRAGMA wal_checkpoint(TRUNCATE)",
            "PRAGMA synchronous",
            "PRAGMA locking_mode",
            "PRAGMA wal_autocheckpoint",
            "PRAGMA busy_timeout",
            "PRAGMA database_list",
        ],
    );
}

#[test]
fn synchronous_levels_match_sqlite() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = pair_files(d.path());
    let mut sqls = vec!["PRAGMA synchronous".to_string()];
    for v in [
        "0", "1", "2", "3", "OFF", "normal", "FULL", "extra", "on", "no", "yes", "true", "false",
        "bogus", "4", "5", "7", "8", "'2'",
    ] {
        sqls.push(format!("PRAGMA synchronous={v}"));
        sqls.push("PRAGMA synchronous".into());
    }
    sqls.push("PRAGMA journal_mode=WAL".into());
    sqls.push("PRAGMA synchronous".into());
    let refs: Vec<&str> = sqls.iter().map(|s| s.as_str()).collect();
    same_all(&a, &b, &refs);
}

#[test]
fn wal_checkpoint_rows_match_sqlite() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = pair_files(d.path());
    same_all(
        &a,
        &b,
        &[
            // Not in WAL mode: (0, -1, -1).
            "PRAGMA wal_checkpoint",
            "CREATE TABLE t(x)",
            "PRAGMA wal_checkpoint(FULL)",
            "PRAGMA journal_mode=wal",
            "PRAGMA wal_autocheckpoint=0",
            "INSERT INTO t VALUES (1)",
            "INSERT INTO t VALUES (2)",
            "PRAGMA wal_checkpoint(PASSIVE)",
            "INSERT INTO t VALUES (3)",
            "PRAGMA wal_checkpoint",
            "PRAGMA wal_checkpoint(FULL)",
            "INSERT INTO t VALUES (4)",
            "PRAGMA wal_checkpoint(RESTART)",
            "INSERT INTO t VALUES (5)",
            "PRAGMA wal_checkpoint(TRUNCATE)",
            "PRAGMA wal_checkpoint",
            "PRAGMA main.wal_checkpoint(bogus)",
            "SELECT sum(x) FROM t",
        ],
    );
    // TRUNCATE left an empty log.
    let wal = d.path().join("c.db-wal");
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0);
}

#[test]
fn wal_checkpoint_reports_busy_while_a_reader_holds_frames() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("c.db");
    let db = chorus::Database::open(path.to_str().unwrap()).unwrap();
    let w = db.connect().unwrap();
    let r = db.connect().unwrap();
    w.execute_batch("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    r.execute_batch("BEGIN").unwrap();
    let n: i64 = r
        .query_row("SELECT count(*) FROM t", (), |x| x.get(0))
        .unwrap();
    assert_eq!(n, 1);
    w.execute("INSERT INTO t VALUES (2)", ()).unwrap();
    // The reader's snapshot pins the frames of the second insert.
    let (_, rows) = chorus_rows(&w, "PRAGMA wal_checkpoint(RESTART)").unwrap();
    assert_eq!(rows[0][0], Value::Integer(1), "{rows:?}");
    r.execute_batch("COMMIT").unwrap();
    let (_, rows) = chorus_rows(&w, "PRAGMA wal_checkpoint(RESTART)").unwrap();
    assert_eq!(rows[0][0], Value::Integer(0), "{rows:?}");
    assert_eq!(rows[0][1], rows[0][2], "{rows:?}");
}

#[test]
fn autocheckpoint_locking_busy_timeout_rows_match_sqlite() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = pair_files(d.path());
    same_all(
        &a,
        &b,
        &[
            "PRAGMA wal_autocheckpoint",
            "PRAGMA wal_autocheckpoint=50",
            "PRAGMA wal_autocheckpoint",
            "PRAGMA wal_autocheckpoint=-3",
            "PRAGMA wal_autocheckpoint",
            "PRAGMA wal_autocheckpoint=0",
            "PRAGMA wal_autocheckpoint",
            "PRAGMA locking_mode",
            "PRAGMA locking_mode=EXCLUSIVE",
            "PRAGMA locking_mode",
            "CREATE TABLE t(x)",
            "PRAGMA locking_mode=bogus",
            "PRAGMA locking_mode=normal",
            "PRAGMA locking_mode",
            "PRAGMA busy_timeout",
            "PRAGMA busy_timeout=250",
            "PRAGMA busy_timeout",
            "PRAGMA busy_timeout=-5",
            "PRAGMA busy_timeout",
            "PRAGMA busy_timeout=1000",
        ],
    );
}

#[test]
fn database_list_reports_canonical_path() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = pair_files(d.path());
    let (names, rows) = chorus_rows(&a, "PRAGMA database_list").unwrap();
    assert_eq!(names, ["seq", "name", "file"]);
    let canon = d.path().join("c.db").canonicalize().unwrap();
    assert_eq!(
        rows,
        vec![vec![
            Value::Integer(0),
            Value::Text(b"main".to_vec()),
            Value::Text(canon.to_string_lossy().as_bytes().to_vec()),
        ]]
    );
    let (snames, srows) = sqlite_rows(&b, "PRAGMA database_list").unwrap();
    assert_eq!(names, snames);
    let scanon = d.path().join("s.db").canonicalize().unwrap();
    assert_eq!(
        srows[0][2],
        Value::Text(scanon.to_string_lossy().as_bytes().to_vec())
    );
}

#[test]
fn connection_busy_timeout_sets_the_pragma() {
    let c = Connection::open_in_memory().unwrap();
    c.busy_timeout(std::time::Duration::from_millis(1234))
        .unwrap();
    let ms: i64 = c
        .query_row("PRAGMA busy_timeout", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ms, 1234);
}

#[test]
fn busy_timeout_makes_a_writer_wait_for_another() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("c.db");
    let db = chorus::Database::open(path.to_str().unwrap()).unwrap();
    let a = db.connect().unwrap();
    a.execute_batch("CREATE TABLE t(x)").unwrap();
    a.execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
        .unwrap();
    let db2 = db.clone();
    let h = std::thread::spawn(move || {
        let b = db2.connect().unwrap();
        // Without a timeout: BUSY at once.
        let e = b.execute_batch("BEGIN IMMEDIATE").unwrap_err();
        assert_eq!(e.code.primary(), chorus_storage::ResultCode::BUSY);
        b.execute_batch("PRAGMA busy_timeout=5000").unwrap();
        let t0 = std::time::Instant::now();
        b.execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (2); COMMIT;")
            .unwrap();
        t0.elapsed()
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    a.execute_batch("COMMIT").unwrap();
    let waited = h.join().unwrap();
    assert!(
        waited >= std::time::Duration::from_millis(100),
        "{waited:?}"
    );
    let n: i64 = a
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn wal_database_written_by_chorus_reads_in_sqlite3_shell() {
    if Command::new("sqlite3").arg("-version").output().is_err() {
        eprintln!("sqlite3 shell missing: skipped");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("w.db");
    let c = Connection::open(path.to_str().unwrap()).unwrap();
    let m: String = c
        .query_row("PRAGMA journal_mode=WAL", (), |r| r.get(0))
        .unwrap();
    assert_eq!(m, "wal");
    c.execute_batch("PRAGMA wal_autocheckpoint=0; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX tb ON t(b);")
        .unwrap();
    for i in 0..500 {
        c.execute("INSERT INTO t(b) VALUES (?1)", (format!("row {i}"),))
            .unwrap();
    }
    // Frames stay in the log (no checkpoint yet): the shell must read them.
    let (_, rows) = chorus_rows(&c, "PRAGMA wal_checkpoint(PASSIVE)").unwrap();
    assert_eq!(rows[0][0], Value::Integer(0));
    c.execute("INSERT INTO t(b) VALUES ('after checkpoint')", ())
        .unwrap();
    assert!(std::fs::metadata(d.path().join("w.db-wal")).unwrap().len() > 0);
    // Chorus holds WAL databases exclusively while open: close it first.
    drop(c);
    let out = Command::new("sqlite3")
        .arg(&path)
        .arg("PRAGMA journal_mode; SELECT count(*), sum(a) FROM t; SELECT b FROM t WHERE a IN (1, 500, 501); PRAGMA integrity_check;")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(s, "wal\n501|125751\nrow 0\nrow 499\nafter checkpoint\nok\n");
}

#[test]
fn wal_mode_persists_across_reopen_and_from_sqlite() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("p.db");
    {
        let c = Connection::open(p.to_str().unwrap()).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let c = Connection::open(p.to_str().unwrap()).unwrap();
    let m: String = c
        .query_row("PRAGMA journal_mode", (), |r| r.get(0))
        .unwrap();
    assert_eq!(m, "wal");
    drop(c);
    // A WAL database SQLite made reads as WAL in Chorus, and back.
    let q = d.path().join("q.db");
    {
        let s = rusqlite::Connection::open(&q).unwrap();
        s.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (7);")
            .unwrap();
    }
    let c = Connection::open(q.to_str().unwrap()).unwrap();
    let m: String = c
        .query_row("PRAGMA journal_mode", (), |r| r.get(0))
        .unwrap();
    assert_eq!(m, "wal");
    let m: String = c
        .query_row("PRAGMA journal_mode=delete", (), |r| r.get(0))
        .unwrap();
    assert_eq!(m, "delete");
    drop(c);
    let s = rusqlite::Connection::open(&q).unwrap();
    let m: String = s
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(m, "delete");
    let x: i64 = s.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(x, 7);
    assert!(!d.path().join("q.db-wal").exists());
}

#[test]
fn model_store_keeps_pragma_settings() {
    let db = chorus::Database::open_in_memory_model().unwrap();
    let c = db.connect().unwrap();
    let b = rusqlite::Connection::open_in_memory().unwrap();
    b.busy_timeout(std::time::Duration::ZERO).unwrap();
    same_all(
        &c,
        &b,
        &[
            "PRAGMA journal_mode",
            "PRAGMA journal_mode=wal",
            "PRAGMA journal_mode=off",
            "PRAGMA journal_mode",
            "PRAGMA synchronous=0",
            "PRAGMA synchronous",
            "PRAGMA wal_autocheckpoint=7",
            "PRAGMA locking_mode=exclusive",
            "PRAGMA busy_timeout=42",
            "PRAGMA busy_timeout",
            "PRAGMA wal_checkpoint",
        ],
    );
}
