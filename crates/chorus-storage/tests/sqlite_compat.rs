//! Differential tests against SQLite (rusqlite, bundled): the header and the
//! freelist as SQLite writes them, and files the pager writes as SQLite reads them.

use chorus_storage::header::DbHeader;
use chorus_storage::pager::{AutoVacuum, Pager, PagerOptions};
use chorus_storage::ptrmap::{self, PtrType};
use chorus_storage::vfs::OsVfs;
use chorus_storage::PageNo;
use rusqlite::Connection;
use std::collections::HashSet;
use std::sync::Arc;

fn pragma(c: &Connection, name: &str) -> i64 {
    c.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .unwrap()
}

fn integrity(c: &Connection) -> String {
    let rows: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows.join("\n")
}

fn open_pager(path: &str) -> Pager {
    Pager::open(Arc::new(OsVfs), path, PagerOptions::default()).unwrap()
}

#[test]
fn header_written_by_sqlite_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let path = path.to_str().unwrap();
    {
        let c = Connection::open(path).unwrap();
        c.execute_batch(
            "PRAGMA page_size=8192; PRAGMA user_version=77; PRAGMA application_id=1234567;
             PRAGMA default_cache_size=321;
             CREATE TABLE t(x); INSERT INTO t VALUES(randomblob(20000)); CREATE INDEX i ON t(x);",
        )
        .unwrap();
    }
    let c = Connection::open(path).unwrap();
    let bytes = std::fs::read(path).unwrap();
    let h = DbHeader::parse(&bytes[..100]).unwrap();
    assert_eq!(h.page_size as i64, pragma(&c, "page_size"));
    assert_eq!(h.page_count as i64, pragma(&c, "page_count"));
    assert_eq!(h.freelist_count as i64, pragma(&c, "freelist_count"));
    assert_eq!(h.schema_cookie as i64, pragma(&c, "schema_version"));
    assert_eq!(h.user_version, 77);
    assert_eq!(h.application_id, 1_234_567);
    assert_eq!(h.default_cache_size, 321);
    assert_eq!(h.text_encoding, 1);
    assert_eq!(h.schema_format, 4);
    assert_eq!((h.write_version, h.read_version), (1, 1));
    assert_eq!(h.version_valid_for, h.change_counter);
    assert!(h.page_count_valid());
    assert_eq!(h.sqlite_version_number as i32, rusqlite::version_number());
    assert_eq!(
        &h.to_bytes()[..],
        &bytes[..100],
        "write_to reproduces SQLite's bytes exactly"
    );

    let mut p = open_pager(path);
    p.begin_read().unwrap();
    assert_eq!(p.page_size(), 8192);
    assert_eq!(p.page_count() as i64, pragma(&c, "page_count"));
    assert_eq!(p.header(), &h);
    assert_eq!(&p.read(PageNo(1)).unwrap()[..100], &bytes[..100]);
    p.end_read().unwrap();

    // WAL mode: read/write versions 2
    c.execute_batch("PRAGMA journal_mode=WAL;").unwrap();
    drop(c);
    let bytes = std::fs::read(path).unwrap();
    let h = DbHeader::parse(&bytes[..100]).unwrap();
    assert_eq!((h.write_version, h.read_version), (2, 2));
}

/// SQLite's freelist: many pages freed by a DELETE, over several trunks.
fn sqlite_db_with_free_pages(path: &str, page_size: u32, auto_vacuum: u32) -> i64 {
    let c = Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "PRAGMA page_size={page_size}; PRAGMA auto_vacuum={auto_vacuum};
         CREATE TABLE keep(x); CREATE TABLE t(x);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<700)
           INSERT INTO t SELECT randomblob(900) FROM n;
         INSERT INTO keep VALUES('k');
         DELETE FROM t WHERE rowid % 3 != 0;"
    ))
    .unwrap();
    pragma(&c, "freelist_count")
}

#[test]
fn freelist_written_by_sqlite_is_read_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.db");
    let path = path.to_str().unwrap();
    let n = sqlite_db_with_free_pages(path, 1024, 0);
    assert!(
        n > 400,
        "expected several trunks' worth of free pages, got {n}"
    );

    let mut p = open_pager(path);
    p.begin_read().unwrap();
    assert_eq!(p.header().freelist_count as i64, n);
    let free = p.freelist_pages().unwrap();
    assert_eq!(free.len() as i64, n);
    let set: HashSet<_> = free.iter().collect();
    assert_eq!(set.len(), free.len());
    assert!(free
        .iter()
        .all(|pg| pg.get() >= 2 && pg.get() <= p.page_count()));
    assert_eq!(free[0].get(), p.header().freelist_trunk);
    p.end_read().unwrap();

    // Reuse a few hundred free pages and give them back in another order; SQLite
    // must find a consistent freelist of the same size.
    p.begin_write().unwrap();
    let mut taken: Vec<PageNo> = (0..300).map(|_| p.allocate().unwrap()).collect();
    assert!(
        taken.iter().all(|pg| set.contains(pg)),
        "allocation reuses free pages first"
    );
    assert_eq!(p.header().freelist_count as i64, n - 300);
    taken.reverse();
    for pg in taken {
        p.free(pg).unwrap();
    }
    p.commit().unwrap();
    drop(p);
    let c = Connection::open(path).unwrap();
    assert_eq!(integrity(&c), "ok");
    assert_eq!(pragma(&c, "freelist_count"), n);
    // SQLite can still allocate from our freelist
    c.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<300)
           INSERT INTO t SELECT randomblob(900) FROM n;",
    )
    .unwrap();
    assert_eq!(integrity(&c), "ok");
    assert!(pragma(&c, "freelist_count") < n);
}

#[test]
fn database_created_by_the_pager_is_valid_for_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let path = path.to_str().unwrap();
    let opts = PagerOptions {
        page_size: 1024,
        ..PagerOptions::default()
    };
    let mut p = Pager::open(Arc::new(OsVfs), path, opts).unwrap();
    p.begin_write().unwrap();
    let pages: Vec<PageNo> = (0..700).map(|_| p.allocate().unwrap()).collect();
    for pg in pages.iter().rev() {
        p.free(*pg).unwrap();
    }
    p.commit().unwrap();
    let trunks = p.freelist_pages().unwrap().len();
    assert_eq!(trunks, 700);
    drop(p);
    let c = Connection::open(path).unwrap();
    assert_eq!(integrity(&c), "ok");
    assert_eq!(pragma(&c, "freelist_count"), 700);
    assert_eq!(pragma(&c, "page_count"), 701);
    assert_eq!(pragma(&c, "page_size"), 1024);
    c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES(randomblob(5000));")
        .unwrap();
    assert_eq!(integrity(&c), "ok");
    assert_eq!(
        pragma(&c, "page_count"),
        701,
        "SQLite reused our free pages"
    );
}

#[test]
fn auto_vacuum_pointer_maps_agree_with_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    // SQLite writes the pointer map; we read it.
    let path = dir.path().join("sq.db");
    let path = path.to_str().unwrap();
    sqlite_db_with_free_pages(path, 1024, 2);
    let c = Connection::open(path).unwrap();
    let roots: Vec<i64> = c
        .prepare("SELECT rootpage FROM sqlite_schema ORDER BY rootpage")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let nfree = pragma(&c, "freelist_count");
    drop(c);
    let mut p = open_pager(path);
    p.begin_read().unwrap();
    assert_eq!(p.auto_vacuum(), AutoVacuum::Incremental);
    assert_eq!(p.header().largest_root_page as i64, *roots.last().unwrap());
    for r in &roots {
        assert_eq!(
            ptrmap::get(&p, PageNo(*r as u32)).unwrap(),
            (PtrType::RootPage, PageNo(0))
        );
    }
    let free = p.freelist_pages().unwrap();
    assert_eq!(free.len() as i64, nfree);
    for pg in &free {
        assert_eq!(
            ptrmap::get(&p, *pg).unwrap(),
            (PtrType::FreePage, PageNo(0)),
            "page {pg}"
        );
        assert!(!p.is_ptrmap_page(*pg));
    }
    p.end_read().unwrap();

    // We write pointer maps; SQLite's integrity check verifies them.
    let path2 = dir.path().join("ours.db");
    let path2 = path2.to_str().unwrap();
    let opts = PagerOptions {
        page_size: 1024,
        auto_vacuum: AutoVacuum::Full,
        ..PagerOptions::default()
    };
    let mut p = Pager::open(Arc::new(OsVfs), path2, opts).unwrap();
    p.begin_write().unwrap();
    let pages: Vec<PageNo> = (0..500).map(|_| p.allocate().unwrap()).collect();
    assert!(pages.iter().all(|pg| !p.is_ptrmap_page(*pg)));
    for pg in &pages {
        p.free(*pg).unwrap();
    }
    p.commit().unwrap();
    drop(p);
    let c = Connection::open(path2).unwrap();
    assert_eq!(pragma(&c, "auto_vacuum"), 1);
    assert_eq!(integrity(&c), "ok");
    assert_eq!(pragma(&c, "freelist_count"), 500);
    // SQLite's auto-vacuum at commit truncates our free pages away
    c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES(1);")
        .unwrap();
    assert_eq!(integrity(&c), "ok");
    assert_eq!(pragma(&c, "freelist_count"), 0);
    assert!(pragma(&c, "page_count") < 10);
}

#[test]
fn pager_sees_sqlite_commits_between_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cc.db");
    let path = path.to_str().unwrap();
    let c = Connection::open(path).unwrap();
    c.execute_batch("CREATE TABLE t(x);").unwrap();
    let mut p = open_pager(path);
    p.begin_read().unwrap();
    let n0 = p.page_count();
    let counter0 = p.header().change_counter;
    p.end_read().unwrap();
    c.execute_batch("INSERT INTO t VALUES(randomblob(10000));")
        .unwrap();
    p.begin_read().unwrap();
    assert!(p.page_count() > n0);
    assert_eq!(p.header().change_counter, counter0 + 1);
    p.end_read().unwrap();
}

#[test]
fn wal_database_left_by_sqlite_is_taken_over_exclusively() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let path = path.to_str().unwrap();
    let c = Connection::open(path).unwrap();
    c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES(1);")
        .unwrap();
    drop(c); // checkpoint and delete the WAL
             // (a sqlite3 *process* still using the WAL makes Chorus BUSY: wal_sqlite.rs)
    let mut p = open_pager(path);
    p.begin_read().unwrap();
    assert!(p.page_count() >= 2);
    assert_eq!(p.journal_mode(), chorus_storage::JournalMode::Wal);
    p.end_read().unwrap();
    p.begin_write().unwrap();
    p.update_header(|h| h.user_version = 7).unwrap();
    p.commit().unwrap();
    drop(p); // last connection: checkpoint, WAL deleted
    assert!(!std::path::Path::new(&format!("{path}-wal")).exists());
    let c = Connection::open(path).unwrap();
    assert_eq!(pragma(&c, "user_version"), 7);
    assert_eq!(integrity(&c), "ok");
}

#[test]
fn hot_journal_without_a_valid_header_is_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.db");
    let path = path.to_str().unwrap();
    {
        let c = Connection::open(path).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES(1);")
            .unwrap();
    }
    let before = std::fs::read(path).unwrap();
    let journal = format!("{path}-journal");
    // a zero-filled (PERSIST-style) journal is not hot and stays
    std::fs::write(&journal, [0u8; 1024]).unwrap();
    let mut p = open_pager(path);
    p.begin_read().unwrap();
    p.end_read().unwrap();
    assert!(std::path::Path::new(&journal).exists());
    // magic but an invalid header: hot, rolled back as empty, deleted
    let mut j = vec![0u8; 1024];
    j[..8].copy_from_slice(&[0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
    std::fs::write(&journal, &j).unwrap();
    p.begin_read().unwrap();
    assert!(!std::path::Path::new(&journal).exists());
    assert_eq!(p.page_count(), 2);
    p.end_read().unwrap();
    assert_eq!(std::fs::read(path).unwrap(), before);
}

#[test]
fn new_database_page_one_is_byte_identical_to_sqlites() {
    let dir = tempfile::tempdir().unwrap();
    for (page_size, auto_vacuum, av_pragma) in [
        (4096usize, AutoVacuum::None, 0),
        (1024, AutoVacuum::Full, 1),
        (65536, AutoVacuum::Incremental, 2),
    ] {
        let theirs = dir.path().join(format!("s{page_size}.db"));
        let ours = dir.path().join(format!("o{page_size}.db"));
        {
            let c = Connection::open(&theirs).unwrap();
            c.execute_batch(&format!(
                "PRAGMA page_size={page_size}; PRAGMA auto_vacuum={av_pragma}; PRAGMA user_version=1;"
            ))
            .unwrap();
        }
        let opts = PagerOptions {
            page_size,
            auto_vacuum,
            ..PagerOptions::default()
        };
        let mut p = Pager::open(Arc::new(OsVfs), ours.to_str().unwrap(), opts).unwrap();
        p.begin_write().unwrap();
        p.update_header(|h| h.user_version = 1).unwrap();
        p.commit().unwrap();
        drop(p);
        let mut a = std::fs::read(&theirs).unwrap();
        let mut b = std::fs::read(&ours).unwrap();
        assert_eq!(a.len(), b.len(), "page size {page_size}");
        // The writer's version number differs by design, and the change
        // counter depends on how many transactions the pragmas took.
        for f in [&mut a, &mut b] {
            assert_eq!(f[24..28], f[92..96], "version-valid-for = change counter");
            f[24..28].fill(0);
            f[92..100].fill(0);
        }
        assert_eq!(a, b, "page size {page_size}: page 1 differs from SQLite's");
    }
}
