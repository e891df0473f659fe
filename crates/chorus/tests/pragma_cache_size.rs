//! `PRAGMA cache_size` reaches the pager: with a small cache a large
//! transaction spills dirty pages to the file (the journal exists before
//! COMMIT); with a large one, the same transaction stays in memory.

use chorus::Database;

fn journal_before_commit(cache_size: &str) -> (bool, i64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let db = Database::open(path.to_str().unwrap()).unwrap();
    let c = db.connect().unwrap();
    c.execute_batch(&format!("PRAGMA cache_size = {cache_size}"))
        .unwrap();
    let reported: i64 = c.query_row("PRAGMA cache_size", (), |r| r.get(0)).unwrap();
    c.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB); BEGIN")
        .unwrap();
    c.execute_batch(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 400)
         INSERT INTO t SELECT x, randomblob(1000) FROM n",
    )
    .unwrap();
    let journal = dir.path().join("c.db-journal");
    let spilled = journal.exists();
    c.execute_batch("COMMIT").unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 400);
    (spilled, reported)
}

#[test]
fn small_cache_in_pages_spills() {
    let (spilled, reported) = journal_before_commit("20");
    assert_eq!(reported, 20);
    assert!(
        spilled,
        "a 20-page cache must spill a 100+ page transaction"
    );
}

#[test]
fn small_cache_in_kib_spills() {
    // -80 KiB = 20 pages of 4 KiB.
    let (spilled, reported) = journal_before_commit("-80");
    assert_eq!(reported, -80);
    assert!(spilled, "an 80 KiB cache must spill a 400 KiB transaction");
}

#[test]
fn large_cache_does_not_spill() {
    let (spilled, reported) = journal_before_commit("-100000");
    assert_eq!(reported, -100000);
    assert!(!spilled, "a 100 MB cache holds the whole transaction");
}
