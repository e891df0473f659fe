//! Generated columns and the file format: Chorus writes records without the
//! VIRTUAL columns and with the STORED ones in place, so SQLite reads its
//! files (and checks their indexes), and Chorus reads SQLite's.

use chorus::Connection;

const SCHEMA: &str = "CREATE TABLE g(a INTEGER, b INTEGER AS (a * 2) VIRTUAL, c TEXT AS (upper(d)) STORED, d TEXT, e AS (c || b));
     CREATE INDEX g_b ON g(b);
     CREATE INDEX g_e ON g(e, c);";

fn rows_sqlite(s: &rusqlite::Connection) -> Vec<(i64, i64, String, String, String)> {
    s.prepare("SELECT a, b, c, d, e FROM g ORDER BY a")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn rows_chorus(c: &Connection) -> Vec<(i64, i64, String, String, String)> {
    let mut st = c.prepare("SELECT a, b, c, d, e FROM g ORDER BY a").unwrap();
    let mut out = Vec::new();
    while st.step().unwrap() {
        out.push((
            st.column_int64(0),
            st.column_int64(1),
            String::from_utf8_lossy(&st.column_text(2)).into_owned(),
            String::from_utf8_lossy(&st.column_text(3)).into_owned(),
            String::from_utf8_lossy(&st.column_text(4)).into_owned(),
        ));
    }
    out
}

#[test]
fn chorus_files_read_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let c = Connection::open(path.to_str().unwrap()).unwrap();
    c.execute_batch(SCHEMA).unwrap();
    c.execute_batch(
        "INSERT INTO g(a, d) VALUES(1, 'x'), (2, 'yy'), (3, NULL);
         UPDATE g SET d = 'zz' WHERE a = 3;
         DELETE FROM g WHERE a = 2;
         INSERT INTO g VALUES(4, 'w');",
    )
    .unwrap();
    let ours = rows_chorus(&c);
    drop(c);
    let s = rusqlite::Connection::open(&path).unwrap();
    let ok: String = s
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(rows_sqlite(&s), ours);
    assert_eq!(
        ours,
        vec![
            (1, 2, "X".into(), "x".into(), "X2".into()),
            (3, 6, "ZZ".into(), "zz".into(), "ZZ6".into()),
            (4, 8, "W".into(), "w".into(), "W8".into()),
        ]
    );
    // The record holds a, c, d (b and e are VIRTUAL).
    let n: i64 = s
        .query_row(
            "SELECT count(*) FROM g INDEXED BY g_b WHERE b = 6",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn sqlite_files_read_in_chorus() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    {
        let s = rusqlite::Connection::open(&path).unwrap();
        s.execute_batch(SCHEMA).unwrap();
        s.execute_batch("INSERT INTO g(a, d) VALUES(5, 'p'), (6, 'q'), (7, NULL);")
            .unwrap();
    }
    let c = Connection::open(path.to_str().unwrap()).unwrap();
    let rows = {
        let mut st = c
            .prepare("SELECT a, b, c, d, e FROM g WHERE a < 7 ORDER BY a")
            .unwrap();
        let mut out = Vec::new();
        while st.step().unwrap() {
            out.push((
                st.column_int64(0),
                st.column_int64(1),
                String::from_utf8_lossy(&st.column_text(2)).into_owned(),
                String::from_utf8_lossy(&st.column_text(4)).into_owned(),
            ));
        }
        out
    };
    assert_eq!(
        rows,
        vec![
            (5, 10, "P".to_string(), "P10".to_string()),
            (6, 12, "Q".to_string(), "Q12".to_string()),
        ]
    );
    // Writes keep SQLite's indexes on the generated columns consistent.
    c.execute_batch("UPDATE g SET a = a + 100 WHERE a = 6; DELETE FROM g WHERE a = 5;")
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
    let b: i64 = s
        .query_row("SELECT b FROM g WHERE a = 106", [], |r| r.get(0))
        .unwrap();
    assert_eq!(b, 212);
}

/// WITHOUT ROWID: the record is the PRIMARY KEY, then the other stored
/// columns in declaration order; VIRTUAL ones are left out.
const WR_SCHEMA: &str = "CREATE TABLE w(a TEXT, b INT AS (length(a)) STORED, c AS (k * 10), k INTEGER, PRIMARY KEY(k DESC)) WITHOUT ROWID;
     CREATE INDEX w_c ON w(c);
     CREATE INDEX w_b ON w(b, a);";

fn wr_rows_sqlite(s: &rusqlite::Connection) -> Vec<(String, i64, i64, i64)> {
    s.prepare("SELECT a, b, c, k FROM w ORDER BY k")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn wr_rows_chorus(c: &Connection) -> Vec<(String, i64, i64, i64)> {
    let mut st = c.prepare("SELECT a, b, c, k FROM w ORDER BY k").unwrap();
    let mut out = Vec::new();
    while st.step().unwrap() {
        out.push((
            String::from_utf8_lossy(&st.column_text(0)).into_owned(),
            st.column_int64(1),
            st.column_int64(2),
            st.column_int64(3),
        ));
    }
    out
}

fn integrity_sqlite(path: &std::path::Path) -> String {
    let s = rusqlite::Connection::open(path).unwrap();
    s.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn without_rowid_generated_columns_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    // Chorus writes, SQLite reads (and checks the indexes on b and c).
    let path = dir.path().join("cw.db");
    let c = Connection::open(path.to_str().unwrap()).unwrap();
    c.execute_batch(WR_SCHEMA).unwrap();
    c.execute_batch(
        "INSERT INTO w(a, k) VALUES('one', 1), ('three', 3), ('two', 2);
         UPDATE w SET a = 'zwei', k = 20 WHERE k = 2;
         DELETE FROM w WHERE k = 1;",
    )
    .unwrap();
    let ours = wr_rows_chorus(&c);
    drop(c);
    assert_eq!(
        ours,
        vec![("three".into(), 5, 30, 3), ("zwei".into(), 4, 200, 20)]
    );
    assert_eq!(integrity_sqlite(&path), "ok");
    let s = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(wr_rows_sqlite(&s), ours);
    let k: i64 = s
        .query_row("SELECT k FROM w INDEXED BY w_c WHERE c = 200", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(k, 20);
    drop(s);

    // SQLite writes, Chorus reads and writes, SQLite checks again.
    let path = dir.path().join("sw.db");
    {
        let s = rusqlite::Connection::open(&path).unwrap();
        s.execute_batch(WR_SCHEMA).unwrap();
        s.execute_batch("INSERT INTO w(a, k) VALUES('x', 7), ('yy', 8), ('zzz', 9);")
            .unwrap();
    }
    let c = Connection::open(path.to_str().unwrap()).unwrap();
    assert_eq!(
        wr_rows_chorus(&c),
        vec![
            ("x".into(), 1, 70, 7),
            ("yy".into(), 2, 80, 8),
            ("zzz".into(), 3, 90, 9)
        ]
    );
    c.execute_batch("UPDATE w SET a = a || '!' WHERE k = 8; DELETE FROM w WHERE c = 90;")
        .unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(c);
    assert_eq!(integrity_sqlite(&path), "ok");
    let s = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(
        wr_rows_sqlite(&s),
        vec![("x".into(), 1, 70, 7), ("yy!".into(), 3, 80, 8)]
    );
}
