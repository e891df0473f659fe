//! WITHOUT ROWID tables, AUTOINCREMENT / sqlite_sequence and REINDEX,
//! differential against SQLite (rusqlite), plus file interoperability both
//! ways: SQLite opens and checks the WITHOUT ROWID b-trees Chorus writes, and
//! Chorus reads and modifies the ones SQLite writes.

mod common;

use common::Pair;

#[test]
fn without_rowid_dml_matches_sqlite() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE nopk(x, y) WITHOUT ROWID",
        "CREATE TABLE w(a TEXT, id INTEGER, b, c REAL, PRIMARY KEY(id, a)) WITHOUT ROWID",
        "CREATE INDEX wb ON w(b, a)",
        "CREATE UNIQUE INDEX wc ON w(c)",
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
        "PRAGMA table_info(w)",
        "PRAGMA index_list(w)",
        "PRAGMA index_xinfo(sqlite_autoindex_w_1)",
        "PRAGMA index_xinfo(wb)",
        "INSERT INTO w VALUES('x', 1, 10, 1.5), ('y', 1, 20, 2.5), ('x', 2, 10, 3.5)",
        "INSERT INTO w VALUES('x', 1, 99, 9.5)",
        "INSERT INTO w VALUES('q', NULL, 1, 1)",
        "INSERT INTO w VALUES('k', 9, 1, 1.5)",
        "INSERT OR REPLACE INTO w VALUES('x', 1, 11, 1.75)",
        "SELECT * FROM w ORDER BY id, a",
        "SELECT rowid FROM w",
        "SELECT * FROM w WHERE id = 1 ORDER BY a",
        "SELECT a, id FROM w WHERE b = 10 ORDER BY id",
        "EXPLAIN QUERY PLAN SELECT * FROM w WHERE id = 1",
        "UPDATE w SET id = id + 100 WHERE a = 'x'",
        "SELECT * FROM w ORDER BY id, a",
        "UPDATE w SET id = 101, a = 'x'",
        "DELETE FROM w WHERE b = 11",
        "SELECT * FROM w ORDER BY id, a",
        "SELECT c FROM w WHERE c > 2 ORDER BY c",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn many_rows_split_pages_and_stay_consistent() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE k(s TEXT COLLATE NOCASE, n INT, pad, PRIMARY KEY(n DESC, s)) WITHOUT ROWID",
        "CREATE INDEX kp ON k(pad)",
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) \
         INSERT INTO k SELECT 'k' || (i % 37), i % 500, hex(randomblob(0)) || i FROM c \
         WHERE true ON CONFLICT DO NOTHING",
        "SELECT count(*), min(n), max(n) FROM k",
        "SELECT s, n FROM k WHERE n = 250 ORDER BY s",
        "DELETE FROM k WHERE n % 3 = 0",
        "UPDATE k SET pad = pad || 'x' WHERE n % 5 = 1",
        "SELECT count(*), sum(n) FROM k",
        "SELECT n, s FROM k WHERE pad = '1001x'",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn autoincrement_matches_sqlite() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, v)",
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY rowid",
        "SELECT * FROM sqlite_sequence",
        "INSERT INTO ai(v) VALUES('a'), ('b'), ('c')",
        "DELETE FROM ai WHERE id = 3",
        "INSERT INTO ai(v) VALUES('d')",
        "SELECT * FROM ai ORDER BY id",
        "SELECT * FROM sqlite_sequence",
        "INSERT INTO ai VALUES(9223372036854775807, 'max')",
        "INSERT INTO ai(v) VALUES('full')",
        "UPDATE sqlite_sequence SET seq = 100",
        "DELETE FROM ai WHERE id > 1000",
        "INSERT INTO ai(v) VALUES('after')",
        "SELECT * FROM ai ORDER BY id",
        "DROP TABLE sqlite_sequence",
        "DROP TABLE ai",
        "SELECT * FROM sqlite_sequence",
    ]);
}

#[test]
fn reindex_matches_sqlite() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE r(a TEXT COLLATE NOCASE, b, c)",
        "CREATE INDEX ra ON r(a)",
        "CREATE INDEX rb ON r(b COLLATE NOCASE, c)",
        "INSERT INTO r VALUES('x', 'Y', 1), ('X', 'y', 2), ('z', 'Z', 3)",
        "REINDEX",
        "REINDEX r",
        "REINDEX rb",
        "REINDEX nocase",
        "REINDEX nosuch",
        "REINDEX main.nocase",
        "SELECT a, c FROM r WHERE a = 'X' ORDER BY c",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn rowid_alias_names_match_sqlite() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(x)",
        "CREATE TABLE named(rowid TEXT, oid INTEGER, v)",
        "CREATE TABLE ip(id INTEGER PRIMARY KEY, v)",
        "INSERT INTO t VALUES(1)",
        "INSERT INTO named VALUES('r', 5, 'v')",
        "INSERT INTO ip VALUES(3, 'v')",
        "SELECT rowid, oid, _rowid_, t.oid FROM t",
        "SELECT rowid, oid, _rowid_, v FROM named",
        "SELECT rowid, oid, _rowid_, ip.rowid FROM ip",
    ]);
}

const WORKLOAD: &str = "
CREATE TABLE w(a TEXT, id INTEGER, b BLOB, c REAL, PRIMARY KEY(id DESC, a COLLATE NOCASE)) WITHOUT ROWID;
CREATE INDEX wb ON w(b);
CREATE UNIQUE INDEX wca ON w(c, a);
CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, v);
";

fn fill_chorus(c: &chorus::Connection) {
    c.execute_batch("BEGIN").unwrap();
    for i in 0..3000i64 {
        let a = format!("name {i} {}", "y".repeat((i % 300) as usize));
        c.execute(
            "INSERT INTO w VALUES (?1, ?2, ?3, ?4)",
            (
                a.as_str(),
                i % 97,
                vec![(i % 251) as u8; (i % 900) as usize],
                i as f64 * 0.25,
            ),
        )
        .unwrap();
        c.execute("INSERT INTO ai(v) VALUES (?1)", (i,)).unwrap();
    }
    c.execute_batch(
        "COMMIT; DELETE FROM w WHERE id % 7 = 0; UPDATE w SET c = -c WHERE id % 5 = 0;",
    )
    .unwrap();
}

const CHECKS: &[&str] = &[
    "SELECT count(*), sum(id), sum(c), sum(length(b)) FROM w",
    "SELECT id, a, c FROM w WHERE id = 13 ORDER BY a LIMIT 5",
    "SELECT id, a FROM w WHERE c = 100.25",
    "SELECT name, seq FROM sqlite_sequence",
    "SELECT a FROM w ORDER BY id DESC, a COLLATE NOCASE LIMIT 3",
];

#[test]
fn sqlite_reads_chorus_without_rowid_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let ps = path.to_str().unwrap();
    {
        let c = chorus::Connection::open(ps).unwrap();
        c.execute_batch(WORKLOAD).unwrap();
        fill_chorus(&c);
    }
    let s = rusqlite::Connection::open(&path).unwrap();
    let ok: String = s
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // The same data filled into SQLite answers the same queries.
    let reference = rusqlite::Connection::open_in_memory().unwrap();
    reference.execute_batch(WORKLOAD).unwrap();
    reference.execute_batch("BEGIN").unwrap();
    for i in 0..3000i64 {
        let a = format!("name {i} {}", "y".repeat((i % 300) as usize));
        reference
            .execute(
                "INSERT INTO w VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    a,
                    i % 97,
                    vec![(i % 251) as u8; (i % 900) as usize],
                    i as f64 * 0.25
                ],
            )
            .unwrap();
        reference
            .execute("INSERT INTO ai(v) VALUES (?1)", [i])
            .unwrap();
    }
    reference
        .execute_batch(
            "COMMIT; DELETE FROM w WHERE id % 7 = 0; UPDATE w SET c = -c WHERE id % 5 = 0;",
        )
        .unwrap();
    for q in CHECKS {
        let read = |conn: &rusqlite::Connection| -> Vec<String> {
            let mut st = conn.prepare(q).unwrap();
            let n = st.column_count();
            let rows = st
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap();
            rows.map(|r| r.unwrap()).collect()
        };
        assert_eq!(read(&s), read(&reference), "{q}");
    }
    // SQLite can keep writing the Chorus file.
    s.execute_batch(
        "INSERT INTO w VALUES('from sqlite', 1000, x'00', 0.5); DELETE FROM w WHERE id = 3;",
    )
    .unwrap();
    let ok: String = s
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn chorus_reads_and_writes_sqlite_without_rowid_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    {
        let s = rusqlite::Connection::open(&path).unwrap();
        s.execute_batch(WORKLOAD).unwrap();
        s.execute_batch("BEGIN").unwrap();
        for i in 0..2000i64 {
            let a = format!("name {i} {}", "z".repeat((i % 200) as usize));
            s.execute(
                "INSERT INTO w VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    a,
                    i % 61,
                    vec![(i % 13) as u8; (i % 700) as usize],
                    i as f64
                ],
            )
            .unwrap();
        }
        s.execute_batch("COMMIT").unwrap();
    }
    let c = chorus::Connection::open(path.to_str().unwrap()).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM w WHERE id = 7", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, (0..2000).filter(|i| i % 61 == 7).count() as i64);
    let a: String = c
        .query_row("SELECT a FROM w WHERE c = 1234.0", (), |r| r.get(0))
        .unwrap();
    assert!(a.starts_with("name 1234 "));
    c.execute_batch(
        "DELETE FROM w WHERE id % 4 = 1; UPDATE w SET c = c + 0.5 WHERE id = 10; \
         INSERT INTO w VALUES('NAME 1 ', 1, x'01', -1.0);",
    )
    .unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(c);
    let s = rusqlite::Connection::open(&path).unwrap();
    let ok: String = s
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let n: i64 = s
        .query_row("SELECT count(*) FROM w", [], |r| r.get(0))
        .unwrap();
    let expect = (0..2000).filter(|i| (i % 61) % 4 != 1).count() as i64 + 1;
    assert_eq!(n, expect);
}

#[test]
fn prepared_writes_reuse_row_handles_across_runs() {
    let c = chorus::Connection::open_in_memory().unwrap();
    c.execute_batch(
        "CREATE TABLE w(k TEXT PRIMARY KEY, n INT) WITHOUT ROWID; CREATE INDEX wn ON w(n);",
    )
    .unwrap();
    for i in 0..200i64 {
        c.execute("INSERT INTO w VALUES (?1, ?2)", (format!("k{i}"), i))
            .unwrap();
    }
    {
        let mut up = c.prepare("UPDATE w SET n = n + 1000 WHERE n = ?1").unwrap();
        for i in (0..200i64).step_by(2) {
            up.bind(1, &i).unwrap();
            while up.step().unwrap() {}
            up.reset();
        }
    }
    let big: i64 = c
        .query_row("SELECT count(*) FROM w WHERE n >= 1000", (), |r| r.get(0))
        .unwrap();
    assert_eq!(big, 100);
    let n: i64 = c
        .query_row("SELECT n FROM w WHERE k = 'k42'", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1042);
    // UPDATE ... FROM finds WITHOUT ROWID rows by key.
    let changed = c
        .execute(
            "UPDATE w SET n = s.v FROM (SELECT 'k42' AS k, 7 AS v) AS s WHERE w.k = s.k",
            (),
        )
        .unwrap();
    assert_eq!(changed, 1);
    let n: i64 = c
        .query_row("SELECT n FROM w WHERE k = 'k42'", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 7);
    let ok: String = c
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}
