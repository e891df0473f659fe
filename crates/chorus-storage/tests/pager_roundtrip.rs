//! Pager round trips through the memory and OS VFS.

use chorus_storage::pager::{AutoVacuum, Pager, PagerOptions};
use chorus_storage::vfs::{MemoryVfs, OsVfs, Vfs};
use chorus_storage::{PageNo, ResultCode};
use std::sync::Arc;

fn mem() -> Arc<dyn Vfs> {
    Arc::new(MemoryVfs::new())
}

#[test]
fn new_database_commit_reopen() {
    let vfs = mem();
    let mut p = Pager::open(vfs.clone(), "a.db", PagerOptions::default()).unwrap();
    assert_eq!(p.page_count(), 0);
    p.begin_write().unwrap();
    assert_eq!(p.page_count(), 1);
    let a = p.allocate().unwrap();
    assert_eq!(a, PageNo(2));
    p.write(a).unwrap()[..5].copy_from_slice(b"hello");
    p.commit().unwrap();
    drop(p);
    let mut p = Pager::open(vfs, "a.db", PagerOptions::default()).unwrap();
    p.begin_read().unwrap();
    assert_eq!(p.page_count(), 2);
    assert_eq!(&p.read(PageNo(2)).unwrap()[..5], b"hello");
    assert_eq!(p.header().change_counter, 1);
    assert_eq!(p.header().version_valid_for, 1);
    assert_eq!(p.header().page_count, 2);
    p.end_read().unwrap();
}

#[test]
fn os_vfs_round_trip_readable_by_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let path = path.to_str().unwrap();
    let mut p = Pager::open(Arc::new(OsVfs), path, PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    p.commit().unwrap();
    drop(p);
    let c = rusqlite::Connection::open(path).unwrap();
    let n: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    c.execute("CREATE TABLE t(x)", []).unwrap();
}

#[test]
fn free_and_reallocate() {
    let vfs = mem();
    let mut p = Pager::open(vfs, "f.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    let pages: Vec<PageNo> = (0..10).map(|_| p.allocate().unwrap()).collect();
    for &pg in &pages[2..] {
        p.free(pg).unwrap();
    }
    assert_eq!(p.header().freelist_count, 8);
    assert_eq!(p.freelist_pages().unwrap().len(), 8);
    let again = p.allocate().unwrap();
    assert!(pages[2..].contains(&again));
    assert_eq!(p.header().freelist_count, 7);
    assert!(p.read(again).unwrap().iter().all(|&b| b == 0));
    p.commit().unwrap();
    assert_eq!(p.auto_vacuum(), AutoVacuum::None);
    assert_eq!(p.write(PageNo(1)).unwrap_err().code, ResultCode::MISUSE);
}
