//! Interrupts, read-only opening, non-database files and prepare error
//! offsets, each checked against SQLite (rusqlite) where it has the behaviour.

use chorus::{Connection, Database, OpenFlags, ResultCode};
use std::time::{Duration, Instant};

const COUNT_TO_1E9: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
                            WHERE x < 1000000000) SELECT count(*) FROM c";

#[test]
fn interrupt_stops_a_recursive_cte_from_another_thread() {
    let conn = Connection::open_in_memory().unwrap();
    let h = conn.interrupt_handle();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        h.interrupt();
    });
    let start = Instant::now();
    let mut s = conn.prepare(COUNT_TO_1E9).unwrap();
    let e = s.step().unwrap_err();
    t.join().unwrap();
    assert_eq!(e.code, ResultCode::INTERRUPT);
    assert_eq!(e.code.0, 9);
    assert_eq!(e.message, "interrupted");
    assert!(start.elapsed() < Duration::from_secs(30));
    drop(s);
    // The connection stays usable and the flag is spent.
    let v: i64 = conn.query_row("SELECT 40 + 2", (), |r| r.get(0)).unwrap();
    assert_eq!(v, 42);
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);")
        .unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn interrupted_statement_is_reset_and_runs_again() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);")
        .unwrap();
    let mut s = conn.prepare("SELECT x FROM t").unwrap();
    assert!(s.step().unwrap());
    conn.interrupt_handle().interrupt();
    let e = s.step().unwrap_err();
    assert_eq!(e.code, ResultCode::INTERRUPT);
    // Reset: the next step starts over (no statement is running, so the
    // flag clears) and sees the first row again.
    assert!(s.step().unwrap());
    assert_eq!(s.column_value(0), chorus::ValueRef::Integer(1));
}

#[test]
fn interrupt_while_idle_does_not_outlive_the_next_statement() {
    let conn = Connection::open_in_memory().unwrap();
    conn.interrupt_handle().interrupt();
    let v: i64 = conn.query_row("SELECT 7", (), |r| r.get(0)).unwrap();
    assert_eq!(v, 7);
    // rusqlite agrees: an interrupt while idle is forgotten.
    let r = rusqlite::Connection::open_in_memory().unwrap();
    r.get_interrupt_handle().interrupt();
    let v: i64 = r.query_row("SELECT 7", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 7);
}

#[test]
fn read_only_open() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("r.db");
    let p = path.to_str().unwrap();
    {
        let c = Connection::open(p).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (5);")
            .unwrap();
    }
    let c = Connection::open_read_only(p).unwrap();
    let v: i64 = c.query_row("SELECT x FROM t", (), |r| r.get(0)).unwrap();
    assert_eq!(v, 5);
    let e = c.execute("INSERT INTO t VALUES (6)", ()).unwrap_err();
    assert_eq!(e.code, ResultCode::READONLY);
    assert_eq!(e.message, "attempt to write a readonly database");
    let e = c.execute_batch("CREATE TABLE u(y)").unwrap_err();
    assert_eq!(e.code, ResultCode::READONLY);
    // Same message from SQLite.
    let r =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let re = r.execute("INSERT INTO t VALUES (6)", []).unwrap_err();
    assert!(re
        .to_string()
        .contains("attempt to write a readonly database"));
    let v: i64 = c
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1);
}

#[test]
fn missing_file_read_only_or_without_create() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("nosuch.db");
    let p = path.to_str().unwrap();
    let e = Connection::open_read_only(p).err().unwrap();
    assert_eq!(e.code, ResultCode::CANTOPEN);
    assert_eq!(e.message, "unable to open database file");
    let e = Database::open_with_flags(
        p,
        OpenFlags {
            read_only: false,
            create: false,
        },
    )
    .err()
    .unwrap();
    assert_eq!(e.code, ResultCode::CANTOPEN);
    assert!(!path.exists());
    let r =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY);
    assert!(r.is_err());
}

#[test]
fn not_a_database_fails_at_first_touch() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("junk.db");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let c = Connection::open(path.to_str().unwrap()).unwrap();
    // Nothing read: runs, as in SQLite.
    let v: i64 = c.query_row("SELECT 1", (), |r| r.get(0)).unwrap();
    assert_eq!(v, 1);
    let e = c
        .query_row("SELECT count(*) FROM sqlite_schema", (), |r| {
            r.get::<i64>(0)
        })
        .unwrap_err();
    assert_eq!(e.code, ResultCode::NOTADB);
    assert_eq!(e.message, "file is not a database");
    let e = c.execute_batch("CREATE TABLE t(x)").unwrap_err();
    assert_eq!(e.code, ResultCode::NOTADB);
    let r = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = r.query_row("SELECT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 1);
    let re = r
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(re.to_string().contains("file is not a database"));
}

#[test]
fn prepare_error_offsets() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t(a)").unwrap();
    let off = |sql: &str| {
        let e = c.prepare(sql).err().unwrap();
        (e.message, c.last_error_offset())
    };
    assert_eq!(
        off("SELEC 1"),
        ("near \"SELEC\": syntax error".into(), Some(0))
    );
    assert_eq!(
        off("SELECT a FROM t WHERE a = = 1"),
        ("near \"=\": syntax error".into(), Some(26))
    );
    assert_eq!(
        off("SELECT nope FROM t"),
        ("no such column: nope".into(), Some(7))
    );
    assert_eq!(
        off("SELECT * FROM nosuch"),
        ("no such table: nosuch".into(), None)
    );
    // A successful prepare clears it.
    c.prepare("SELECT 1").unwrap();
    assert_eq!(c.last_error_offset(), None);
    // rusqlite (SQLite 3.46) reports the same offsets for the syntax and
    // column errors.
    let r = rusqlite::Connection::open_in_memory().unwrap();
    r.execute_batch("CREATE TABLE t(a)").unwrap();
    for (sql, want) in [
        ("SELEC 1", 0),
        ("SELECT a FROM t WHERE a = = 1", 26),
        ("SELECT nope FROM t", 7),
    ] {
        match r.prepare(sql).err().unwrap() {
            rusqlite::Error::SqlInputError { offset, .. } => assert_eq!(offset, want, "{sql}"),
            e => panic!("{sql}: {e:?}"),
        }
    }
}

#[test]
fn database_list_names_the_file() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("f.db");
    let c = Connection::open(path.to_str().unwrap()).unwrap();
    c.execute_batch("CREATE TABLE t(x)").unwrap();
    let got: String = c
        .query_row("PRAGMA database_list", (), |r| r.get(2))
        .unwrap();
    let r = rusqlite::Connection::open(&path).unwrap();
    let want: String = r
        .query_row("PRAGMA database_list", [], |r| r.get(2))
        .unwrap();
    assert_eq!(got, want);
    let m = Connection::open_in_memory().unwrap();
    let got: String = m
        .query_row("PRAGMA database_list", (), |r| r.get(2))
        .unwrap();
    assert_eq!(got, "");
}

#[test]
fn new_file_and_missing_directory_names() {
    let d = tempfile::tempdir().unwrap();
    // Relative to a directory given with `..`, so the name must be resolved.
    let odd = d.path().join("sub").join("..").join("new.db");
    std::fs::create_dir(d.path().join("sub")).unwrap();
    let c = Connection::open(odd.to_str().unwrap()).unwrap();
    let got: String = c
        .query_row("PRAGMA database_list", (), |r| r.get(2))
        .unwrap();
    let want = d.path().canonicalize().unwrap().join("new.db");
    assert_eq!(got, want.to_str().unwrap());
    drop(c);
    let missing = d.path().join("nodir").join("x.db");
    let e = Connection::open(missing.to_str().unwrap()).err().unwrap();
    assert_eq!(e.code, ResultCode::CANTOPEN);
    assert_eq!(e.message, "unable to open database file");
}

#[test]
fn transaction_state_follows_writes() {
    use chorus::TransactionState;
    let c = Connection::open_in_memory().unwrap();
    assert_eq!(c.transaction_state(), TransactionState::None);
    c.execute_batch("BEGIN; SELECT 1;").unwrap();
    assert_eq!(c.transaction_state(), TransactionState::None);
    c.execute_batch("CREATE TABLE x(y)").unwrap();
    assert_eq!(c.transaction_state(), TransactionState::Write);
    c.execute_batch("COMMIT").unwrap();
    assert_eq!(c.transaction_state(), TransactionState::None);
    c.execute_batch("BEGIN; SELECT * FROM x;").unwrap();
    assert_eq!(c.transaction_state(), TransactionState::Read);
    c.execute_batch("INSERT INTO x VALUES (1)").unwrap();
    assert_eq!(c.transaction_state(), TransactionState::Write);
    c.execute_batch("ROLLBACK").unwrap();
    assert_eq!(c.transaction_state(), TransactionState::None);
    c.execute_batch("SELECT * FROM x; BEGIN;").unwrap();
    assert_eq!(c.transaction_state(), TransactionState::None);
    c.execute_batch("COMMIT").unwrap();
    // rusqlite agrees on the read case.
    let r = rusqlite::Connection::open_in_memory().unwrap();
    r.execute_batch("CREATE TABLE x(y); BEGIN; SELECT * FROM x;")
        .unwrap();
    assert_eq!(
        r.transaction_state(None).unwrap(),
        rusqlite::TransactionState::Read
    );
}
