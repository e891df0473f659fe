//! Bad input gets an error, never a crash: deep nesting, malformed SQL,
//! misuse through the API.

use chorus::Connection;

#[test]
fn deep_nesting_errors_instead_of_overflowing() {
    let c = Connection::open_in_memory().unwrap();
    let sql = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = c.prepare(&sql).err().expect("error");
    assert_eq!(
        e.message,
        "Expression tree is too large (maximum depth 1000)"
    );
    let sql = format!("SELECT 1{}", " + 1".repeat(20_000));
    assert!(c.prepare(&sql).is_err());
    let sql = format!("SELECT {}1{}", "(SELECT ".repeat(3000), ")".repeat(3000));
    assert!(c.prepare(&sql).is_err());
}

#[test]
fn nesting_below_the_limit_works() {
    let c = Connection::open_in_memory().unwrap();
    let sql = format!("SELECT {}1{}", "(".repeat(900), ")".repeat(900));
    let v: i64 = c.query_row(&sql, (), |r| r.get(0)).unwrap();
    assert_eq!(v, 1);
    let sql = format!("SELECT 1{}", " + 1".repeat(900));
    let v: i64 = c.query_row(&sql, (), |r| r.get(0)).unwrap();
    assert_eq!(v, 901);
    let sql = format!("SELECT {}1{}", "-(".repeat(400), ")".repeat(400));
    let v: i64 = c.query_row(&sql, (), |r| r.get(0)).unwrap();
    assert_eq!(v, 1);
}

#[test]
fn malformed_sql_and_misuse() {
    let c = Connection::open_in_memory().unwrap();
    for bad in [
        "SELECT 'abc",
        "SELECT x'4",
        "SELECT @",
        "CREATE TABLE",
        "SELECT * FROM",
        ")))",
        "SELECT 1 1",
    ] {
        assert!(c.prepare(bad).is_err(), "{bad}");
    }
    let mut s = c.prepare("SELECT ?1").unwrap();
    assert!(s.bind(2, &1i64).is_err());
    assert_eq!(s.parameter_count(), 1);
    let mut empty = c.prepare("").unwrap();
    assert!(!empty.step().unwrap());
    assert_eq!(empty.column_count(), 0);
    let (st, tail) = c.prepare_with_tail("  ;  ").unwrap();
    assert!(st.is_none());
    assert_eq!(tail, 5);
}

#[test]
fn api_basics() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE, c REAL)")
        .unwrap();
    assert_eq!(
        c.execute(
            "INSERT INTO t(b, c) VALUES (?1, ?2), (:x, @y)",
            chorus::params!["p", 1.5, "q", 2]
        )
        .unwrap(),
        2
    );
    assert_eq!(c.last_insert_rowid(), 2);
    assert_eq!(c.changes(), 2);
    let e = c.execute("INSERT INTO t(b) VALUES ('p')", ()).unwrap_err();
    assert_eq!(e.code, chorus::codes::CONSTRAINT_UNIQUE);
    assert_eq!(e.message, "UNIQUE constraint failed: t.b");
    let mut s = c.prepare("SELECT a, b, c FROM t WHERE b = $b").unwrap();
    assert_eq!(s.column_names(), vec!["a", "b", "c"]);
    assert_eq!(s.column_decltype(2), Some("REAL"));
    s.bind_name("$b", "q").unwrap();
    assert!(s.step().unwrap());
    assert_eq!(s.column_int64(0), 2);
    assert_eq!(s.column_text(2).as_ref(), b"2.0");
    assert!(!s.step().unwrap());
    s.reset();
    assert!(s.step().unwrap());
    {
        let tx = c.transaction().unwrap();
        tx.execute("DELETE FROM t", ()).unwrap();
        assert!(!tx.is_autocommit());
    }
    let n: i64 = c
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2, "dropped transaction rolled back");
    let tx = c.transaction().unwrap();
    tx.execute("DELETE FROM t WHERE a = 1", ()).unwrap();
    tx.commit().unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    assert!(c.is_autocommit());
}

#[test]
fn statement_atomicity() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t(a UNIQUE); INSERT INTO t VALUES (1), (2);")
        .unwrap();
    // The second row conflicts: the whole statement has no effect.
    assert!(c.execute("INSERT INTO t VALUES (3), (1)", ()).is_err());
    let n: i64 = c
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    // OR FAIL keeps the rows before the failure.
    assert!(c
        .execute("INSERT OR FAIL INTO t VALUES (4), (1), (5)", ())
        .is_err());
    let n: i64 = c
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3);
}

#[test]
fn connections_share_a_database() {
    let db = chorus::Database::open_in_memory().unwrap();
    let a = db.connect().unwrap();
    let b = db.connect().unwrap();
    a.execute_batch("CREATE TABLE t(x)").unwrap();
    a.execute_batch("BEGIN; INSERT INTO t VALUES (1);").unwrap();
    let n: i64 = b
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "uncommitted rows are invisible");
    assert!(
        b.execute("INSERT INTO t VALUES (2)", ()).is_err(),
        "one writer at a time"
    );
    a.execute_batch("COMMIT").unwrap();
    let n: i64 = b
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let h = std::thread::spawn(move || {
        let c = db.connect().unwrap();
        c.query_row("SELECT count(*) FROM t", (), |r| r.get::<i64>(0))
            .unwrap()
    });
    assert_eq!(h.join().unwrap(), 1);
}

#[test]
fn thread_safety_bounds() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<chorus::Database>();
    send::<chorus::Connection>();
}

#[test]
fn parenthesized_joins_flatten() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE a(x); CREATE TABLE b(y); INSERT INTO a VALUES (1),(2); INSERT INTO b VALUES (3);").unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM (a CROSS JOIN b)", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}
