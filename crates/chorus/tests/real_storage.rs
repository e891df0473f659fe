//! REAL columns store integral values as integers, as SQLite does (so files
//! and page counts match SQLite's), and read them back as REAL.

use chorus::Connection;

const SQL: &str = "CREATE TABLE t(id INTEGER PRIMARY KEY, score REAL, n NUMERIC);
    CREATE INDEX t_score ON t(score DESC);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)
      INSERT INTO t(score, n) SELECT x / 7.0, x FROM c;";

#[test]
fn integral_reals_are_stored_as_integers() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("c.db");
    let theirs = dir.path().join("s.db");
    let c = Connection::open(ours.to_str().unwrap()).unwrap();
    c.execute_batch(SQL).unwrap();
    let s = rusqlite::Connection::open(&theirs).unwrap();
    s.execute_batch(SQL).unwrap();
    let pc: i64 = c.query_row("PRAGMA page_count", (), |r| r.get(0)).unwrap();
    let ps: i64 = s.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    assert_eq!(pc, ps, "same records, same pages");
    // Read back as REAL, through the table and through the index.
    let (v, ty): (f64, String) = c
        .query_row(
            "SELECT score, typeof(score) FROM t WHERE id = 21",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((v, ty.as_str()), (3.0, "real"));
    let n: i64 = c
        .query_row("SELECT count(*) FROM t WHERE score = 3", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    drop(c);
    let s2 = rusqlite::Connection::open(&ours).unwrap();
    let ok: String = s2
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let ty: String = s2
        .query_row("SELECT typeof(score) FROM t WHERE id = 14", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(ty, "real");
}
