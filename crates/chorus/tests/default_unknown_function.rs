//! A DEFAULT calling an unknown function is accepted by CREATE TABLE and
//! fails only when an INSERT actually uses the default (as in SQLite).

mod common;
use common::Pair;

#[test]
fn unknown_function_default_fails_only_when_used() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t4(a DEFAULT (nosuchfn()), b)",
        "INSERT INTO t4 VALUES(1, 2)",
        "INSERT INTO t4(b) VALUES(3)",
        "INSERT INTO t4 DEFAULT VALUES",
        "SELECT * FROM t4",
        "CREATE TABLE t5(a DEFAULT (b))",
        "SELECT name FROM sqlite_schema ORDER BY name",
    ]);
}
