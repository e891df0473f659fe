//! SQL-level dirty-page spilling: with the default cache (2000 KiB, 500
//! pages), one transaction inserting and updating 3,000 rows of 1 KB
//! (over 700 pages) commits
//! correctly, a ROLLBACK of such a transaction leaves the file byte for byte
//! as it was, and SQLite agrees with the result (`integrity_check`, counts).

use chorus::Database;

fn fill(c: &chorus::Connection, from: i64, to: i64) {
    let mut st = c
        .prepare("INSERT INTO t VALUES (?1, ?2, randomblob(1000))")
        .unwrap();
    for i in from..to {
        st.execute((i, format!("row {i}"))).unwrap();
    }
}

#[test]
fn transactions_larger_than_the_cache_commit_and_roll_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    let p = path.to_str().unwrap();
    let db = Database::open(p).unwrap();
    let c = db.connect().unwrap();
    c.execute_batch(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, b BLOB);
         CREATE INDEX t_name ON t(name);",
    )
    .unwrap();
    let journal = dir.path().join("big.db-journal");
    c.execute_batch("BEGIN").unwrap();
    fill(&c, 0, 3000);
    // Spilled: the journal (and the pages) reached the disk before COMMIT.
    assert!(journal.exists(), "no spill");
    c.execute_batch(
        "UPDATE t SET name = name || ' x' WHERE id % 3 = 0; DELETE FROM t WHERE id % 7 = 0; COMMIT",
    )
    .unwrap();
    let pages: i64 = c.query_row("PRAGMA page_count", (), |r| r.get(0)).unwrap();
    assert!(
        pages > 700,
        "{pages} pages: the transaction must exceed the cache"
    );
    let before = std::fs::read(&path).unwrap();

    c.execute_batch("BEGIN").unwrap();
    fill(&c, 3000, 5000);
    c.execute_batch("UPDATE t SET b = zeroblob(10) WHERE id < 2000")
        .unwrap();
    assert!(journal.exists(), "no spill");
    c.execute_batch("ROLLBACK").unwrap();
    assert!(!journal.exists());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "rollback restores the file"
    );

    let n: i64 = c
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(c);
    drop(db);
    let s = rusqlite::Connection::open(&path).unwrap();
    let ok: String = s
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let sn: i64 = s
        .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
        .unwrap();
    let x: i64 = s
        .query_row("SELECT count(*) FROM t WHERE name LIKE '% x'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(sn, n);
    assert_eq!(sn, 3000 - (0..3000).filter(|i| i % 7 == 0).count() as i64);
    assert_eq!(
        x,
        (0..3000).filter(|i| i % 3 == 0 && i % 7 != 0).count() as i64
    );
}
