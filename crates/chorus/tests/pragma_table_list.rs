//! Differential tests of PRAGMA table_list (and pragma_table_list) against
//! SQLite: newest-first order for small schemas, ncol, wr and strict.

mod common;
use common::Pair;

#[test]
fn table_list_reports_kind_ncol_wr_strict() {
    let p = Pair::new();
    p.all(&[
        "PRAGMA table_list",
        "CREATE TABLE a(x)",
        "CREATE TABLE b(x INT, y TEXT) STRICT",
        "CREATE VIEW v AS SELECT 1, 2, 3",
        "CREATE TABLE w(k PRIMARY KEY, z) WITHOUT ROWID",
        "CREATE TABLE s(k TEXT PRIMARY KEY) STRICT, WITHOUT ROWID",
        "CREATE VIEW v2(p, q) AS SELECT x, x FROM a",
        "PRAGMA table_list",
        "PRAGMA main.table_list",
        "PRAGMA table_list(b)",
        "PRAGMA table_list('v')",
        "PRAGMA table_list(nosuch)",
        "PRAGMA table_list(sqlite_schema)",
        "SELECT * FROM pragma_table_list WHERE schema = 'main' ORDER BY name",
        "SELECT name, strict FROM pragma_table_list('s')",
    ]);
}
