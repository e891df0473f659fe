//! Differential tests of ALTER TABLE: the stored `sql` text must be
//! byte-identical to SQLite's after each change, and the data must read the
//! same (short records read the added column's default).

mod common;
use common::Pair;

#[test]
fn add_column_reads_default_and_splices_text() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(a INTEGER, b TEXT, CHECK(a > 0))",
        "INSERT INTO t VALUES(1, 'x')",
        "ALTER TABLE t ADD COLUMN c REAL DEFAULT 2.5",
        "ALTER TABLE t ADD d TEXT NOT NULL DEFAULT 'dd' ;  ",
        "ALTER TABLE t ADD COLUMN e INTEGER DEFAULT -7",
        "SELECT * FROM t",
        "SELECT typeof(c), typeof(e) FROM t WHERE e = -7",
        "INSERT INTO t(a, b) VALUES(2, 'y')",
        "UPDATE t SET b = 'z' WHERE a = 1",
        "SELECT * FROM t ORDER BY a",
        "SELECT sql FROM sqlite_schema WHERE name = 't'",
        "ALTER TABLE t ADD COLUMN f NOT NULL",
        "ALTER TABLE t ADD COLUMN f PRIMARY KEY",
        "ALTER TABLE t ADD COLUMN f UNIQUE",
        "ALTER TABLE t ADD COLUMN f DEFAULT (abs(1))",
        "ALTER TABLE t ADD COLUMN a",
        "CREATE VIEW v AS SELECT a FROM t",
        "ALTER TABLE v ADD COLUMN z",
        "ALTER TABLE sqlite_schema ADD COLUMN z",
        "ALTER TABLE nosuch ADD COLUMN z",
    ]);
}

#[test]
fn rename_table_rewrites_references() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE p(id INTEGER PRIMARY KEY, b UNIQUE)",
        "CREATE INDEX pi ON p(b, id)",
        "CREATE TABLE c(x REFERENCES p(b), y REFERENCES \"p\"(id))",
        "CREATE VIEW v AS SELECT b, p.id FROM p WHERE b > 1",
        "INSERT INTO p VALUES(1, 10), (2, 20)",
        "ALTER TABLE p RENAME TO pp",
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
        "SELECT * FROM pp ORDER BY id",
        "SELECT * FROM v ORDER BY b",
        "SELECT * FROM p",
        "ALTER TABLE pp RENAME TO c",
        "ALTER TABLE pp RENAME TO pi",
        "ALTER TABLE v RENAME TO vv",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn rename_column_rewrites_references() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE p(id integer primary key, b unique, check(b>0))",
        "CREATE INDEX pi on p(b, id)",
        "CREATE TABLE c(x references p(b), y REFERENCES \"p\"(id))",
        "CREATE VIEW v as select b, p.id from p where b>1",
        "INSERT INTO p VALUES(1, 5)",
        "ALTER TABLE p RENAME COLUMN b TO bee",
        "ALTER TABLE p RENAME COLUMN id TO \"my id\"",
        "SELECT type, name, sql FROM sqlite_schema ORDER BY name",
        "SELECT bee, \"my id\" FROM p",
        "SELECT * FROM v",
        "ALTER TABLE p RENAME COLUMN nosuch TO other",
        "ALTER TABLE p RENAME COLUMN bee TO \"my id\"",
    ]);
}

#[test]
fn drop_column_rewrites_rows_and_text() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE p(a INTEGER primary key, b unique, c, d, e check(e>0), f, g, h, check(c>0))",
        "CREATE INDEX pi ON p(d)",
        "CREATE INDEX pf ON p(a) WHERE f > 0",
        "INSERT INTO p VALUES(1, 2, 3, 4, 5, 6, 7, 8)",
        "ALTER TABLE p DROP COLUMN zz",
        "ALTER TABLE p DROP COLUMN a",
        "ALTER TABLE p DROP COLUMN b",
        "ALTER TABLE p DROP COLUMN c",
        "ALTER TABLE p DROP COLUMN d",
        "ALTER TABLE p DROP COLUMN f",
        "ALTER TABLE p DROP COLUMN e",
        "ALTER TABLE p DROP COLUMN g",
        "ALTER TABLE p DROP COLUMN h",
        "SELECT sql FROM sqlite_schema WHERE name = 'p'",
        "SELECT * FROM p",
        "PRAGMA table_info(p)",
        "PRAGMA integrity_check",
        "CREATE TABLE one(a)",
        "ALTER TABLE one DROP COLUMN a",
        "CREATE TABLE s(a, b)",
        "INSERT INTO s VALUES(1, 2)",
        "ALTER TABLE s ADD COLUMN c DEFAULT 'cc'",
        "ALTER TABLE s DROP COLUMN a",
        "SELECT * FROM s",
        "SELECT sql FROM sqlite_schema WHERE name = 's'",
    ]);
}

#[test]
fn add_not_null_column_to_empty_table() {
    // SQLite refuses a NOT NULL column without default only when rows exist.
    let c = chorus::Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE empty(a); ALTER TABLE empty ADD COLUMN z NOT NULL")
        .unwrap();
    let sql: String = c
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'empty'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sql, "CREATE TABLE empty(a, z NOT NULL)");
}
