//! CREATE INDEX on filled tables builds the index bottom-up from sorted
//! entries (stmt/index_build.rs, chorus-storage btree/bulk.rs). The files
//! Chorus writes that way must pass the `sqlite3` shell's and SQLite's
//! `PRAGMA integrity_check` (which checks every row's entry and the order),
//! answer index queries as Chorus does, and take writes from SQLite; in
//! small pages with auto-vacuum (several levels, overflow keys, pointer
//! map) and in a UTF-16 database (entries inserted one by one there).

use chorus::Connection;
use std::path::Path;
use std::process::Command;

fn sqlite3_shell(db: &Path, sql: &str) -> Option<String> {
    let out = Command::new("sqlite3").arg(db).arg(sql).output().ok()?;
    assert!(
        out.status.success(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap().trim().to_string())
}

fn rusqlite_check(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .unwrap()
}

const QUERIES: &[&str] = &[
    "SELECT count(*), sum(id) FROM t INDEXED BY t_i WHERE i > -100000",
    "SELECT count(*), sum(id) FROM t INDEXED BY t_s WHERE s > ''",
    "SELECT count(*), sum(id) FROM t INDEXED BY t_l WHERE l > ''",
    "SELECT count(*), sum(id) FROM t INDEXED BY t_desc WHERE i > -100000",
    "SELECT id FROM t INDEXED BY t_i WHERE i BETWEEN -20 AND 20 ORDER BY i, id",
    "SELECT id FROM t INDEXED BY t_u WHERE s = 's001234'",
    "SELECT count(*), sum(id), sum(x) FROM t INDEXED BY t_x WHERE x > 100",
    "SELECT id FROM t INDEXED BY t_x WHERE x = 140737488355328 ORDER BY x, s LIMIT 5",
];

fn chorus_answers(c: &Connection) -> Vec<String> {
    QUERIES
        .iter()
        .map(|q| {
            let mut st = c.prepare(q).unwrap();
            let n = st.column_count();
            let mut out = String::new();
            while st.step().unwrap() {
                for i in 0..n {
                    out.push_str(&format!("{:?}|", st.column_value(i).to_owned()));
                }
                out.push('\n');
            }
            out
        })
        .collect()
}

fn sqlite_answers(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    QUERIES
        .iter()
        .map(|q| {
            let mut st = c.prepare(q).unwrap();
            let n = st.column_count();
            let mut rows = st.query([]).unwrap();
            let mut out = String::new();
            while let Some(r) = rows.next().unwrap() {
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i).unwrap();
                    let s = match v {
                        rusqlite::types::Value::Null => "Null".to_string(),
                        rusqlite::types::Value::Integer(x) => format!("Integer({x})"),
                        other => format!("{other:?}"),
                    };
                    out.push_str(&s);
                    out.push('|');
                }
                out.push('\n');
            }
            out
        })
        .collect()
}

fn build(pragmas: &str, rows: i64) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx.db");
    // SQLite creates the file (page size, auto-vacuum and encoding are
    // fixed then); Chorus fills it and builds the indexes.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "{pragmas} CREATE TABLE t(id INTEGER PRIMARY KEY, i INTEGER, s TEXT, l TEXT, x REAL);"
        ))
        .unwrap();
    let c = Connection::open(path.to_str().unwrap()).unwrap();
    c.execute_batch(&format!(
        "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < {rows})
         INSERT INTO t SELECT k,
           CASE WHEN k % 13 = 0 THEN NULL ELSE ((k * 7919) % 20011) - 10000 END,
           printf('s%06d', (k * 104729) % 20011),
           CASE WHEN k % 40 = 0 THEN printf('%.*c', 600 + k % 2000, 'x') || k
                ELSE 'l' || (k % 500) || char(233 + k % 3, 65536 + k % 7) END,
           CASE k % 4 WHEN 0 THEN k WHEN 1 THEN k + 0.5
                WHEN 2 THEN 140737488355328.0 * (k % 3) ELSE NULL END
         FROM n;
         CREATE INDEX t_x ON t(x, s);
         CREATE INDEX t_i ON t(i);
         CREATE INDEX t_s ON t(s);
         CREATE INDEX t_l ON t(l);
         CREATE INDEX t_desc ON t(i DESC, l);
         CREATE UNIQUE INDEX t_u ON t(s);"
    ))
    .unwrap();
    // A UNIQUE failure part-way through a bulk load rolls the statement
    // back; a dropped index's pages are reused by the next build.
    let e = c
        .execute_batch("CREATE UNIQUE INDEX t_lu ON t(substr(l, 1, 2))")
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("UNIQUE constraint failed: index 't_lu'"),
        "{e}"
    );
    c.execute_batch("DROP INDEX t_s; CREATE INDEX t_s ON t(s);")
        .unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", (), |r| r.get::<String>(0))
        .unwrap();
    assert_eq!(ok, "ok", "{pragmas}");
    let answers = chorus_answers(&c);
    drop(c);
    assert_eq!(answers, sqlite_answers(&path), "{pragmas}");
    (dir, path)
}

fn check_in_sqlite(path: &Path, what: &str, page_size: i64, auto_vacuum: i64) {
    let c = rusqlite::Connection::open(path).unwrap();
    let ps: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    let av: i64 = c.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
    assert_eq!((ps, av), (page_size, auto_vacuum), "{what}");
    drop(c);
    assert_eq!(rusqlite_check(path), "ok", "{what}");
    if let Some(v) = sqlite3_shell(path, "PRAGMA integrity_check;") {
        assert_eq!(v, "ok", "sqlite3 shell: {what}");
    }
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "DELETE FROM t WHERE id % 3 = 0;
         INSERT INTO t(i, s, l, x) SELECT i, s || '+', l || '+', x FROM t WHERE id % 4 = 1;",
    )
    .unwrap();
    assert_eq!(rusqlite_check(path), "ok", "after SQLite writes: {what}");
}

#[test]
fn bulk_built_indexes_small_pages_auto_vacuum() {
    let p = "PRAGMA page_size = 512; PRAGMA auto_vacuum = FULL;";
    let (_d, path) = build(p, 20_000);
    check_in_sqlite(&path, p, 512, 1);
}

#[test]
fn bulk_built_indexes_default_pages() {
    let p = "PRAGMA page_size = 4096;";
    let (_d, path) = build(p, 20_000);
    check_in_sqlite(&path, p, 4096, 0);
}

#[test]
fn indexes_in_utf16_database() {
    let p = "PRAGMA encoding = 'UTF-16le'; PRAGMA page_size = 1024;";
    let (_d, path) = build(p, 5_000);
    check_in_sqlite(&path, p, 1024, 0);
}
