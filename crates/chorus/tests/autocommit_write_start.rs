//! An autocommit INSERT/UPDATE/DELETE begins its write transaction before
//! checking the schema (statement.rs `start`): a prepared statement whose
//! schema changed underneath is recompiled inside that transaction, and one
//! that no longer compiles fails without leaving the transaction (or its
//! locks) behind.

use chorus::Connection;
use std::time::Duration;

fn setup(journal: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db").to_str().unwrap().to_string();
    let c = Connection::open(&path).unwrap();
    c.execute_batch(&format!(
        "PRAGMA journal_mode={journal}; CREATE TABLE t(a INTEGER PRIMARY KEY, b); CREATE TABLE u(x)"
    ))
    .unwrap();
    (dir, path)
}

#[test]
fn prepared_insert_is_recompiled_after_another_connection_changes_the_schema() {
    for journal in ["DELETE", "WAL"] {
        let (_dir, path) = setup(journal);
        let a = Connection::open(&path).unwrap();
        let b = Connection::open(&path).unwrap();
        let mut ins = a.prepare("INSERT INTO t(a, b) VALUES (?1, 'x')").unwrap();
        ins.execute((1,)).unwrap();
        // b adds a column with a default: a's statement must see it.
        b.execute_batch("ALTER TABLE t ADD COLUMN c DEFAULT 7")
            .unwrap();
        ins.execute((2,)).unwrap();
        assert!(a.is_autocommit());
        let c: i64 = b
            .query_row("SELECT c FROM t WHERE a = 2", (), |r| r.get(0))
            .unwrap();
        assert_eq!(c, 7, "{journal}");
    }
}

#[test]
fn a_statement_that_no_longer_compiles_leaves_no_transaction_behind() {
    for journal in ["DELETE", "WAL"] {
        let (_dir, path) = setup(journal);
        let a = Connection::open(&path).unwrap();
        let b = Connection::open(&path).unwrap();
        b.busy_timeout(Duration::from_millis(200)).unwrap();
        let mut ins = a.prepare("INSERT INTO t VALUES (?1, 'x')").unwrap();
        let mut upd = a.prepare("UPDATE u SET x = 1").unwrap();
        b.execute_batch("DROP TABLE t; DROP TABLE u").unwrap();
        let e = ins.execute((1,)).unwrap_err();
        assert!(e.to_string().contains("no such table"), "{journal}: {e}");
        let e = upd.execute(()).unwrap_err();
        assert!(e.to_string().contains("no such table"), "{journal}: {e}");
        assert!(a.is_autocommit());
        // No write transaction or lock of a's is left: b writes at once,
        // and a itself can write again.
        b.execute_batch("CREATE TABLE v(y); INSERT INTO v VALUES (1)")
            .unwrap();
        a.execute("INSERT INTO v VALUES (2)", ()).unwrap();
        let n: i64 = b
            .query_row("SELECT count(*) FROM v", (), |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2, "{journal}");
    }
}
