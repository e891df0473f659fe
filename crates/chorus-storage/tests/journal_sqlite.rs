//! Rollback journals across the SQLite boundary: a hot journal that a killed
//! `sqlite3` process left is rolled back by Chorus, and a hot journal Chorus
//! leaves is rolled back by SQLite (the crash tests check the latter at many
//! points; here with a real process for the former).

mod sqlite_shell;

use chorus_storage::vfs::OsVfs;
use chorus_storage::{JournalMode, Pager, PagerOptions};
use sqlite_shell::*;
use std::path::Path;
use std::sync::Arc;

const FILL: &str = "PRAGMA page_size=1024; CREATE TABLE t(x INTEGER PRIMARY KEY, y); \
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<3000) \
     INSERT INTO t SELECT i, randomblob(200) FROM c;";
const SUMMARY: &str = "SELECT count(*), sum(x), sum(length(y)) FROM t;";
const BIG_TXN: &str = "PRAGMA cache_size=1; BEGIN; UPDATE t SET y=randomblob(300) WHERE x%2=0; \
     DELETE FROM t WHERE x%3=0; INSERT INTO t SELECT x+10000, randomblob(100) FROM t;";

fn killed_mid_transaction(mode: &str) {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let path = path.to_str().unwrap();
    let (ok, out) = sqlite3(path, &format!("PRAGMA journal_mode={mode}; {FILL}"));
    assert!(ok, "{out}");
    let before = std::fs::read(path).unwrap();
    let (_, summary) = sqlite3(path, SUMMARY);
    let mut sh = Shell::start(path);
    sh.run(&format!("PRAGMA journal_mode={mode}; {BIG_TXN}"));
    let journal = format!("{path}-journal");
    assert!(Path::new(&journal).exists());
    assert_ne!(
        std::fs::read(path).unwrap(),
        before,
        "sqlite3 did not spill into the database file"
    );
    sh.kill();
    // Chorus finds the hot journal and rolls the file back
    let mut p = Pager::open(Arc::new(OsVfs), path, PagerOptions::default()).unwrap();
    p.set_journal_mode(JournalMode::parse(mode).unwrap())
        .unwrap();
    p.begin_read().unwrap();
    assert_eq!(p.page_count() as usize, before.len() / 1024);
    p.end_read().unwrap();
    drop(p);
    if mode == "delete" {
        assert!(!Path::new(&journal).exists());
    }
    assert_eq!(std::fs::read(path).unwrap(), before, "not byte-identical");
    assert_eq!(shell_integrity(path), "ok");
    assert_eq!(sqlite3(path, SUMMARY).1, summary);
}

#[test]
fn hot_journal_of_a_killed_sqlite3_is_rolled_back() {
    killed_mid_transaction("delete");
}

#[test]
fn hot_persist_journal_of_a_killed_sqlite3_is_rolled_back() {
    killed_mid_transaction("persist");
}

#[test]
fn journal_modes_commit_and_leave_the_expected_journal_file() {
    let dir = tempfile::tempdir().unwrap();
    for (mode, left) in [
        (JournalMode::Delete, None),
        (JournalMode::Truncate, Some(0u64)),
        (JournalMode::Persist, Some(1)),
        (JournalMode::Memory, None),
        (JournalMode::Off, None),
    ] {
        let path = dir.path().join(format!("{}.db", mode.name()));
        let path = path.to_str().unwrap();
        let mut p = Pager::open(Arc::new(OsVfs), path, PagerOptions::default()).unwrap();
        assert_eq!(p.set_journal_mode(mode).unwrap(), mode);
        assert_eq!(p.journal_mode(), mode);
        for i in 0..3 {
            p.begin_write().unwrap();
            let pg = p.allocate().unwrap();
            p.write(pg).unwrap().fill(i);
            p.update_header(|h| h.user_version = i as u32 + 1).unwrap();
            p.commit().unwrap();
        }
        drop(p);
        let j = format!("{path}-journal");
        match left {
            None => assert!(!Path::new(&j).exists(), "{mode:?}"),
            Some(0) => assert_eq!(std::fs::metadata(&j).unwrap().len(), 0),
            Some(_) => {
                let b = std::fs::read(&j).unwrap();
                assert!(b.len() > 512, "{mode:?}");
                assert!(b[..28].iter().all(|&x| x == 0), "PERSIST zeroes the header");
            }
        }
        let c = rusqlite::Connection::open(path).unwrap();
        let uv: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(uv, 3, "{mode:?}");
        let ic: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        // the pages allocated here are not linked anywhere: "never used"
        assert!(ic.contains("never used"), "{mode:?}: {ic}");
    }
}
