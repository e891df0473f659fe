//! VACUUM rebuilds the database compactly: the freelist empties, the file
//! shrinks, the content and schema survive (SQLite reads the result and its
//! integrity_check passes), and SQLite's errors apply. VACUUM INTO writes
//! the compact copy.

use chorus::Connection;

fn q(c: &Connection, sql: &str) -> i64 {
    c.query_row(sql, (), |r| r.get(0)).unwrap()
}

fn fill(c: &Connection) {
    c.execute_batch(
        "PRAGMA user_version = 42;
         CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, x REAL);
         CREATE INDEX t_x ON t(x DESC, name COLLATE NOCASE);
         CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
         CREATE VIEW tv AS SELECT id, name FROM t;
         CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO w VALUES(new.name, new.id); END;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
           INSERT INTO t(name, x) SELECT 'name' || i, i / 3.0 FROM n;
         DELETE FROM t WHERE id % 4 <> 0;
         DELETE FROM w WHERE v % 2 = 0;",
    )
    .unwrap();
}

#[test]
fn vacuum_compacts_and_keeps_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let p = path.to_str().unwrap();
    let c = Connection::open(p).unwrap();
    fill(&c);
    let pages = q(&c, "PRAGMA page_count");
    assert!(q(&c, "PRAGMA freelist_count") > 10);
    let cookie = q(&c, "PRAGMA schema_version");
    let sum = q(&c, "SELECT sum(id) FROM t");
    c.execute_batch("VACUUM").unwrap();
    assert_eq!(q(&c, "PRAGMA freelist_count"), 0);
    let after = q(&c, "PRAGMA page_count");
    assert!(after < pages, "{after} pages after VACUUM, {pages} before");
    assert_eq!(q(&c, "PRAGMA schema_version"), cookie + 1);
    assert_eq!(q(&c, "PRAGMA user_version"), 42);
    assert_eq!(q(&c, "SELECT sum(id) FROM t"), sum);
    assert_eq!(q(&c, "SELECT count(*) FROM t WHERE x > 100"), 675);
    assert_eq!(q(&c, "SELECT count(*) FROM w"), 1500);
    assert_eq!(
        q(&c, "SELECT seq FROM sqlite_sequence WHERE name = 't'"),
        3000
    );
    let ok: String = c
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // The file is the new size, and writes go on working.
    assert_eq!(std::fs::metadata(&path).unwrap().len(), after as u64 * 4096);
    c.execute_batch("INSERT INTO t(name, x) VALUES('new', 1)")
        .unwrap();
    assert_eq!(q(&c, "SELECT id FROM t WHERE name = 'new'"), 3001);
    drop(c);

    // SQLite reads the vacuumed file the same way.
    let s = rusqlite::Connection::open(&path).unwrap();
    let ok: String = s
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let n: i64 = s
        .query_row("SELECT count(*) FROM w", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1501);
    let names: Vec<String> = s
        .prepare("SELECT name FROM sqlite_schema ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    // SQLite's VACUUM order: tables with their automatic indexes (and
    // sqlite_sequence after the first AUTOINCREMENT table), explicit
    // indexes, then views and triggers.
    assert_eq!(
        names,
        [
            "t",
            "sqlite_autoindex_t_1",
            "sqlite_sequence",
            "w",
            "t_x",
            "tv",
            "t_ai"
        ]
    );
}

#[test]
fn vacuum_errors() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES(1),(2);")
        .unwrap();
    c.execute_batch("BEGIN").unwrap();
    let e = c.execute_batch("VACUUM").unwrap_err();
    assert!(
        e.to_string()
            .contains("cannot VACUUM from within a transaction"),
        "{e}"
    );
    c.execute_batch("COMMIT").unwrap();
    let e = c.execute_batch("VACUUM nosuch").unwrap_err();
    assert!(e.to_string().contains("unknown database nosuch"), "{e}");
    {
        let mut s = c.prepare("SELECT a FROM t").unwrap();
        assert!(s.step().unwrap());
        let e = c.execute_batch("VACUUM").unwrap_err();
        assert!(
            e.to_string()
                .contains("cannot VACUUM - SQL statements in progress"),
            "{e}"
        );
    }
    c.execute_batch("VACUUM; VACUUM main").unwrap();
    assert_eq!(q(&c, "SELECT count(*) FROM t"), 2);
}

#[test]
fn vacuum_into_writes_a_compact_copy() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.db");
    let dst = dir.path().join("dst.db");
    let c = Connection::open(src.to_str().unwrap()).unwrap();
    fill(&c);
    let pages = q(&c, "PRAGMA page_count");
    c.execute(&format!("VACUUM INTO '{}'", dst.to_str().unwrap()), ())
        .unwrap();
    // The source is untouched.
    assert_eq!(q(&c, "PRAGMA page_count"), pages);
    let s = rusqlite::Connection::open(&dst).unwrap();
    let ok: String = s
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let free: i64 = s
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(free, 0);
    let n: i64 = s.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    assert!(n < pages, "{n} pages in the copy, {pages} in the source");
    let sum: i64 = s
        .query_row("SELECT sum(id) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sum, q(&c, "SELECT sum(id) FROM t"));
}
