//! A prepared point query keeps its B-tree cursor positioned from one run to
//! the next while no page changed: every change (another connection's
//! commit in WAL or rollback-journal mode, this connection's own writes, a
//! rollback) must still be seen by the next run, as in SQLite.

use chorus::Connection;
use std::time::Duration;

fn check(mode: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let path = path.to_str().unwrap();
    let a = Connection::open(path).unwrap();
    a.execute_batch(&format!(
        "PRAGMA journal_mode={mode}; CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT);"
    ))
    .unwrap();
    a.execute_batch("BEGIN").unwrap();
    for i in 0..600 {
        a.execute("INSERT INTO kv VALUES (?1, 'v0')", (i,)).unwrap();
    }
    a.execute_batch("COMMIT").unwrap();
    let b = Connection::open(path).unwrap();
    b.busy_timeout(Duration::from_secs(5)).unwrap();
    a.busy_timeout(Duration::from_secs(5)).unwrap();
    let mut q = a.prepare("SELECT v FROM kv WHERE k = ?1").unwrap();
    let mut get = |k: i64| -> Option<String> {
        let mut rows = q.query((k,)).unwrap();
        let v = rows.next().unwrap().map(|r| r.get(0).unwrap());
        // Run to the end: the statement then ends its read transaction.
        assert!(rows.next().unwrap().is_none());
        v
    };
    // Warm: the cursor rests on the leaf holding 10..
    assert_eq!(get(10).as_deref(), Some("v0"));
    assert_eq!(get(11).as_deref(), Some("v0"));
    // Another connection changes a row on the same leaf, then one elsewhere.
    b.execute("UPDATE kv SET v = 'b1' WHERE k = 12", ())
        .unwrap();
    assert_eq!(get(12).as_deref(), Some("b1"), "{mode}: same leaf");
    b.execute("UPDATE kv SET v = 'b2' WHERE k = 590", ())
        .unwrap();
    assert_eq!(get(13).as_deref(), Some("v0"));
    assert_eq!(get(590).as_deref(), Some("b2"), "{mode}: other leaf");
    // Deleted and re-inserted rows, own writes, and a rolled-back write.
    b.execute("DELETE FROM kv WHERE k = 591", ()).unwrap();
    assert_eq!(get(591), None, "{mode}: deleted");
    a.execute("INSERT INTO kv VALUES (591, 'a1')", ()).unwrap();
    assert_eq!(get(591).as_deref(), Some("a1"), "{mode}: own insert");
    a.execute_batch("BEGIN; UPDATE kv SET v = 'gone' WHERE k = 592; ROLLBACK;")
        .unwrap();
    assert_eq!(get(592).as_deref(), Some("v0"), "{mode}: rolled back");
    // Many rows changed by another connection (splits the leaves).
    b.execute_batch("BEGIN; UPDATE kv SET v = 'long value ' || hex(randomblob(40)); COMMIT;")
        .unwrap();
    for k in [0i64, 12, 300, 591, 599] {
        let want: String = b
            .query_row("SELECT v FROM kv WHERE k = ?1", (k,), |r| r.get(0))
            .unwrap();
        assert_eq!(get(k), Some(want), "{mode}: after a rewrite, k={k}");
    }
    assert_eq!(get(600), None);
}

#[test]
fn point_queries_see_every_change_in_wal_mode() {
    check("WAL");
}

#[test]
fn point_queries_see_every_change_in_rollback_mode() {
    check("DELETE");
}
