//! Differential tests of FOREIGN KEY enforcement: every statement runs on
//! Chorus and on SQLite and must give the same rows or the same error.

mod common;
use common::Pair;

fn pair() -> Pair {
    let p = Pair::new();
    p.all(&["PRAGMA foreign_keys = ON"]);
    p
}

#[test]
fn off_by_default_and_per_connection_switch() {
    // rusqlite's bundled SQLite is built with foreign keys on by default.
    let c = chorus::Connection::open_in_memory().unwrap();
    let on: i64 = c
        .query_row("PRAGMA foreign_keys", (), |r| r.get(0))
        .unwrap();
    assert_eq!(on, 0);
    let p = Pair::new();
    p.all(&[
        "PRAGMA foreign_keys = OFF",
        "PRAGMA foreign_keys",
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(x REFERENCES p(id))",
        "INSERT INTO c VALUES(5)",
        "PRAGMA foreign_keys = ON",
        "PRAGMA foreign_keys",
        "INSERT INTO c VALUES(6)",
        "PRAGMA foreign_key_check",
        "PRAGMA foreign_key_check(c)",
        "BEGIN",
        "PRAGMA foreign_keys = OFF",
        "PRAGMA foreign_keys",
        "COMMIT",
        "PRAGMA foreign_keys = OFF",
        "INSERT INTO c VALUES(7)",
    ]);
}

#[test]
fn immediate_checks_and_actions() {
    let p = pair();
    p.all(&[
        "CREATE TABLE a(id INTEGER PRIMARY KEY, name TEXT UNIQUE)",
        "CREATE TABLE b(id INTEGER PRIMARY KEY, aid REFERENCES a(id) ON DELETE CASCADE ON UPDATE CASCADE, aname REFERENCES a(name) ON DELETE SET NULL ON UPDATE SET NULL)",
        "INSERT INTO a VALUES(1, 'x'), (2, 'y')",
        "INSERT INTO b VALUES(10, 1, 'x'), (11, 2, 'y'), (12, NULL, NULL)",
        "INSERT INTO b VALUES(13, 3, NULL)",
        "INSERT INTO b VALUES(13, NULL, 'zz')",
        "UPDATE b SET aid = 9 WHERE id = 10",
        "UPDATE a SET id = 100 WHERE id = 1",
        "SELECT * FROM b ORDER BY id",
        "UPDATE a SET name = 'yy' WHERE id = 2",
        "SELECT * FROM b ORDER BY id",
        "DELETE FROM a WHERE id = 100",
        "SELECT * FROM b ORDER BY id",
        "SELECT changes()",
        "PRAGMA foreign_key_list(b)",
    ]);
}

#[test]
fn restrict_set_default_and_no_action() {
    let p = pair();
    p.all(&[
        "CREATE TABLE p(a INTEGER, b TEXT, PRIMARY KEY(a, b))",
        "CREATE TABLE c(x, y, FOREIGN KEY(x, y) REFERENCES p(a, b) ON DELETE RESTRICT)",
        "INSERT INTO p VALUES(1, 'one'), (2, 'two')",
        "INSERT INTO c VALUES(1, 'one'), (NULL, 'two')",
        "INSERT INTO c VALUES(1, 'two')",
        "DELETE FROM p WHERE a = 1",
        "DELETE FROM p WHERE a = 2",
        "UPDATE p SET b = 'uno'",
        "CREATE TABLE p2(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c2(pid INTEGER DEFAULT 0 REFERENCES p2(id) ON DELETE SET DEFAULT)",
        "INSERT INTO p2 VALUES(0), (1)",
        "INSERT INTO c2 VALUES(1)",
        "DELETE FROM p2 WHERE id = 1",
        "SELECT pid FROM c2",
        "DELETE FROM p2 WHERE id = 0",
        "CREATE TABLE p3(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c3(pid REFERENCES p3(id))",
        "INSERT INTO p3 VALUES(1), (2)",
        "INSERT INTO c3 VALUES(1)",
        "UPDATE p3 SET id = id + 10",
        "SELECT id FROM p3 ORDER BY id",
    ]);
}

#[test]
fn deferred_constraints_checked_at_commit() {
    let p = pair();
    p.all(&[
        "CREATE TABLE dp(id INTEGER PRIMARY KEY)",
        "CREATE TABLE dc(pid REFERENCES dp(id) DEFERRABLE INITIALLY DEFERRED)",
        "BEGIN",
        "INSERT INTO dc VALUES(5)",
        "INSERT INTO dp VALUES(5)",
        "COMMIT",
        "BEGIN",
        "INSERT INTO dc VALUES(6)",
        "COMMIT",
        "INSERT INTO dp VALUES(6)",
        "COMMIT",
        "INSERT INTO dc VALUES(7)",
        "SELECT pid FROM dc ORDER BY pid",
        "BEGIN",
        "INSERT INTO dc VALUES(8)",
        "ROLLBACK",
        "BEGIN",
        "PRAGMA defer_foreign_keys = ON",
        "PRAGMA defer_foreign_keys",
        "DELETE FROM dp WHERE id = 5",
        "INSERT INTO dp VALUES(5)",
        "COMMIT",
        "PRAGMA defer_foreign_keys",
    ]);
}

#[test]
fn self_reference_drop_table_and_mismatch() {
    let p = pair();
    p.all(&[
        "CREATE TABLE node(id INTEGER PRIMARY KEY, parent REFERENCES node(id) ON DELETE CASCADE)",
        "INSERT INTO node VALUES(1, NULL), (2, 1), (3, 2), (4, 1)",
        "DELETE FROM node WHERE id = 2",
        "SELECT * FROM node ORDER BY id",
        "INSERT INTO node VALUES(5, 5)",
        "INSERT INTO node VALUES(6, 99)",
        "CREATE TABLE dropme(id INTEGER PRIMARY KEY)",
        "CREATE TABLE refs(d REFERENCES dropme(id))",
        "INSERT INTO dropme VALUES(1)",
        "INSERT INTO refs VALUES(1)",
        "DROP TABLE dropme",
        "DELETE FROM refs",
        "DROP TABLE dropme",
        "INSERT INTO refs VALUES(NULL)",
        "CREATE TABLE np(a, b)",
        "CREATE TABLE nc(x REFERENCES np(a))",
        "INSERT INTO nc VALUES(1)",
        "CREATE TABLE up(a UNIQUE)",
        "CREATE TABLE uc(x REFERENCES up(a))",
        "INSERT INTO up VALUES('k')",
        "INSERT INTO uc VALUES('k')",
        "INSERT INTO uc VALUES('q')",
    ]);
}
