//! WAL files across the SQLite boundary: a WAL Chorus leaves behind is read by
//! `sqlite3` with every committed row; a WAL a killed `sqlite3` left is
//! recovered to its last commit; a `sqlite3` process using the WAL keeps
//! Chorus out (BUSY) and Chorus holding it keeps `sqlite3` out.

mod sqlite_shell;

use chorus_storage::header::DbHeader;
use chorus_storage::vfs::OsVfs;
use chorus_storage::{CheckpointMode, JournalMode, PageNo, Pager, PagerOptions, ResultCode};
use sqlite_shell::*;
use std::path::Path;
use std::sync::Arc;

const SUMMARY: &str = "SELECT count(*), sum(x), sum(length(y)) FROM t;";

fn open(path: &str) -> Pager {
    Pager::open(Arc::new(OsVfs), path, PagerOptions::default()).unwrap()
}

fn fill_sql(n: u32) -> String {
    format!(
        "CREATE TABLE t(x INTEGER PRIMARY KEY, y); \
         WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<{n}) \
         INSERT INTO t SELECT i, randomblob(150) FROM c;"
    )
}

#[test]
fn wal_left_by_chorus_is_read_by_sqlite3_with_every_committed_row() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    let a = a.to_str().unwrap();
    let b = dir.path().join("b.db");
    let b = b.to_str().unwrap();
    let (ok, out) = sqlite3(a, &format!("PRAGMA page_size=1024; {}", fill_sql(1500)));
    assert!(ok, "{out}");
    std::fs::copy(a, b).unwrap();
    // A moves on (SQLite's B-tree changes); Chorus will give B the same pages
    let (ok, out) = sqlite3(
        a,
        "DELETE FROM t WHERE x%5=0; INSERT INTO t SELECT x+5000, randomblob(300) FROM t WHERE x<900;",
    );
    assert!(ok, "{out}");
    let want = sqlite3(a, SUMMARY).1;
    let target = std::fs::read(a).unwrap();
    let n = (target.len() / 1024) as u32;

    let mut p = open(b);
    assert_eq!(
        p.set_journal_mode(JournalMode::Wal).unwrap(),
        JournalMode::Wal
    );
    p.set_no_checkpoint_on_close(true);
    p.set_wal_autocheckpoint(0);
    // txn 1: grow to the target size and copy the first half of the pages
    p.begin_write().unwrap();
    while p.page_count() < n {
        p.allocate().unwrap();
    }
    for pg in 2..=n / 2 {
        let off = (pg as usize - 1) * 1024;
        p.write(PageNo(pg))
            .unwrap()
            .copy_from_slice(&target[off..off + 1024]);
    }
    p.commit().unwrap();
    // txn 2: the rest, and the header (keeping bytes 18/19 = WAL)
    p.begin_write().unwrap();
    for pg in n / 2 + 1..=n {
        let off = (pg as usize - 1) * 1024;
        p.write(PageNo(pg))
            .unwrap()
            .copy_from_slice(&target[off..off + 1024]);
    }
    p.write(PageNo(1)).unwrap()[100..].copy_from_slice(&target[100..1024]);
    let th = DbHeader::parse(&target[..100]).unwrap();
    p.update_header(|h| {
        *h = th.clone();
        h.read_version = 2;
        h.write_version = 2;
    })
    .unwrap();
    p.commit().unwrap();
    // txn 3 starts but never commits
    p.begin_write().unwrap();
    p.write(PageNo(3)).unwrap().fill(0xEE);
    let (frames, backfilled) = p.wal_frames().unwrap();
    assert!(frames >= n && backfilled == 0);
    drop(p); // rollback, no checkpoint: the WAL stays
    assert!(std::fs::metadata(format!("{b}-wal")).unwrap().len() > 0);
    assert_eq!(sqlite3(b, SUMMARY).1, want);
    assert_eq!(shell_integrity(b), "ok");
    assert_eq!(sqlite3(b, "PRAGMA journal_mode;").1.trim(), "wal");
}

#[test]
fn wal_left_by_a_killed_sqlite3_is_recovered_to_its_last_commit() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let path = path.to_str().unwrap();
    let mut sh = Shell::start(path);
    sh.run(&format!(
        "PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; {} \
         UPDATE t SET y=randomblob(160) WHERE x%7=0;",
        fill_sql(2000)
    ));
    let want = sh.run(SUMMARY);
    sh.run(
        "PRAGMA cache_size=1; BEGIN; UPDATE t SET y=randomblob(300); \
         INSERT INTO t SELECT x+10000, randomblob(100) FROM t;",
    );
    let wal_len = std::fs::metadata(format!("{path}-wal")).unwrap().len();
    assert!(wal_len > 1_000_000, "uncommitted frames spilled: {wal_len}");
    sh.kill();
    let mut p = open(path);
    p.begin_read().unwrap();
    assert_eq!(p.journal_mode(), JournalMode::Wal);
    let (frames, _) = p.wal_frames().unwrap();
    assert!(frames > 0 && (frames as u64) * 1048 < wal_len);
    p.end_read().unwrap();
    let r = p.checkpoint(CheckpointMode::Truncate).unwrap();
    assert_eq!((r.busy, r.log_frames, r.checkpointed_frames), (false, 0, 0));
    drop(p);
    assert_eq!(sqlite3(path, SUMMARY).1, want);
    assert_eq!(shell_integrity(path), "ok");
}

#[test]
fn a_sqlite3_process_using_the_wal_and_chorus_exclude_each_other() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let path = path.to_str().unwrap();
    let mut sh = Shell::start(path);
    sh.run("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES(1); SELECT * FROM t;");
    let mut p = open(path);
    assert_eq!(p.begin_read().unwrap_err().code, ResultCode::BUSY);
    sh.finish();
    p.begin_read().unwrap();
    p.end_read().unwrap();
    // Chorus holds the database: sqlite3 is locked out
    let (ok, out) = sqlite3(path, "SELECT count(*) FROM t;");
    assert!(!ok && out.contains("locked"), "{out}");
    p.begin_write().unwrap();
    p.update_header(|h| h.user_version = 5).unwrap();
    p.commit().unwrap();
    drop(p); // checkpoint on close, WAL deleted
    assert!(!Path::new(&format!("{path}-wal")).exists());
    assert_eq!(sqlite3(path, "PRAGMA user_version;").1.trim(), "5");
    assert_eq!(sqlite3(path, "SELECT count(*) FROM t;").1.trim(), "1");
}

#[test]
fn switching_between_wal_and_rollback_modes_sets_header_bytes_18_19() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let path = path.to_str().unwrap();
    let mut p = open(path);
    assert_eq!(p.journal_mode(), JournalMode::Delete);
    assert_eq!(
        p.set_journal_mode(JournalMode::Wal).unwrap(),
        JournalMode::Wal
    );
    let head = std::fs::read(path).unwrap();
    assert_eq!((head[18], head[19]), (2, 2));
    p.begin_write().unwrap();
    let pg = p.allocate().unwrap();
    p.write(pg).unwrap().fill(7);
    p.commit().unwrap();
    assert!(Path::new(&format!("{path}-wal")).exists());
    // inside a transaction the switch is refused
    p.begin_read().unwrap();
    assert_eq!(
        p.set_journal_mode(JournalMode::Delete).unwrap_err().code,
        ResultCode::ERROR
    );
    p.end_read().unwrap();
    assert_eq!(
        p.set_journal_mode(JournalMode::Truncate).unwrap(),
        JournalMode::Truncate
    );
    assert!(!Path::new(&format!("{path}-wal")).exists());
    let head = std::fs::read(path).unwrap();
    assert_eq!((head[18], head[19]), (1, 1));
    assert_eq!(head.len(), 2 * 4096);
    assert_eq!(head[4096..], [7u8; 4096][..]);
    drop(p);
    let c = rusqlite::Connection::open(path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}
