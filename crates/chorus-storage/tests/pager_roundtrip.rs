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

fn filled(p: &mut Pager, pg: PageNo, byte: u8) {
    p.write(pg).unwrap().fill(byte);
}

#[test]
fn rollback_restores_pages_size_header_and_freelist() {
    let vfs = mem();
    let mut p = Pager::open(vfs.clone(), "r.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    for i in 0..6u8 {
        let pg = p.allocate().unwrap();
        filled(&mut p, pg, i + 1);
    }
    p.free(PageNo(7)).unwrap();
    p.commit().unwrap();
    let before_header = p.header().clone();
    let before_file = (vfs.as_ref() as &dyn Vfs).exists("r.db").unwrap();
    assert!(before_file);

    p.begin_write().unwrap();
    filled(&mut p, PageNo(2), 0xee);
    let new = p.allocate().unwrap(); // reuses 7
    assert_eq!(new, PageNo(7));
    let grown = p.allocate().unwrap();
    assert_eq!(grown, PageNo(8));
    p.free(PageNo(3)).unwrap();
    p.update_header(|h| h.user_version = 99).unwrap();
    assert_eq!(p.page_count(), 8);
    p.rollback().unwrap();

    assert!(!p.in_write_txn());
    assert_eq!(p.header(), &before_header);
    assert_eq!(p.page_count(), 7);
    assert!(p.read(PageNo(2)).unwrap().iter().all(|&b| b == 1));
    assert!(p.read(PageNo(3)).unwrap().iter().all(|&b| b == 2));
    assert_eq!(p.freelist_pages().unwrap(), vec![PageNo(7)]);
    // and a fresh connection sees the same committed state
    let mut q = Pager::open(vfs, "r.db", PagerOptions::default()).unwrap();
    q.begin_read().unwrap();
    assert_eq!(q.header(), &before_header);
    assert_eq!(q.page_count(), 7);
}

#[test]
fn rollback_of_a_new_database_leaves_it_empty() {
    let vfs = mem();
    let mut p = Pager::open(vfs.clone(), "n.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    p.allocate().unwrap();
    p.rollback().unwrap();
    assert_eq!(p.page_count(), 0);
    let f = vfs
        .open("n.db", chorus_storage::vfs::OpenFlags::default())
        .unwrap();
    assert_eq!(f.size().unwrap(), 0);
    assert_eq!(p.read(PageNo(1)).unwrap_err().code, ResultCode::CORRUPT);
}

#[test]
fn commit_of_an_unchanged_transaction_keeps_the_change_counter() {
    let vfs = mem();
    let mut p = Pager::open(vfs, "u.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    p.commit().unwrap();
    assert_eq!(p.header().change_counter, 1);
    p.begin_write().unwrap();
    p.read(PageNo(1)).unwrap();
    p.commit().unwrap();
    assert_eq!(p.header().change_counter, 1);
    p.begin_write().unwrap();
    p.update_header(|h| h.schema_cookie += 1).unwrap();
    p.commit().unwrap();
    assert_eq!(p.header().change_counter, 2);
    assert_eq!(p.header().schema_cookie, 1);
}

#[test]
fn page_refs_are_snapshots_copy_on_write() {
    let vfs = mem();
    let mut p = Pager::open(vfs, "c.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    let pg = p.allocate().unwrap();
    filled(&mut p, pg, 5);
    p.commit().unwrap();
    p.begin_write().unwrap();
    let old = p.read(pg).unwrap();
    filled(&mut p, pg, 6);
    assert!(old.iter().all(|&b| b == 5));
    assert!(p.read(pg).unwrap().iter().all(|&b| b == 6));
    assert!(p.is_dirty(pg));
    p.rollback().unwrap();
    assert!(p.read(pg).unwrap().iter().all(|&b| b == 5));
}

#[test]
fn tiny_cache_evicts_clean_pages_only() {
    let vfs = mem();
    let opts = PagerOptions {
        cache_size: 10,
        page_size: 1024,
        ..PagerOptions::default()
    };
    let mut p = Pager::open(vfs.clone(), "e.db", opts.clone()).unwrap();
    assert_eq!(p.cache_capacity(), 10);
    p.begin_write().unwrap();
    for i in 0..300u32 {
        let pg = p.allocate().unwrap();
        p.write(pg).unwrap()[..4].copy_from_slice(&i.to_be_bytes());
    }
    // 301 dirty pages do not stay in memory: the pager spilled them into
    // the file (after journaling) and evicts them like clean pages
    assert!(p.has_spilled());
    assert!(p.cached_pages() <= 20, "{}", p.cached_pages());
    p.commit().unwrap();
    assert!(
        p.cached_pages() <= 10,
        "cache shrinks after commit: {}",
        p.cached_pages()
    );
    p.begin_read().unwrap();
    for round in 0..2 {
        for i in 0..300u32 {
            let page = p.read(PageNo(i + 2)).unwrap();
            assert_eq!(&page[..4], &i.to_be_bytes(), "round {round} page {}", i + 2);
            assert!(p.cached_pages() <= 10);
        }
    }
    p.end_read().unwrap();
    // a modified page survives eviction pressure until commit
    p.begin_write().unwrap();
    p.write(PageNo(2)).unwrap()[..4].copy_from_slice(b"DIRT");
    for i in 3..300 {
        p.read(PageNo(i)).unwrap();
    }
    assert_eq!(&p.read(PageNo(2)).unwrap()[..4], b"DIRT");
    p.commit().unwrap();
    let q = Pager::open(vfs, "e.db", opts).unwrap();
    assert_eq!(&q.read(PageNo(2)).unwrap()[..4], b"DIRT");
}

#[test]
fn cache_size_in_kib_and_minimum() {
    let vfs = mem();
    let mut p = Pager::open(
        vfs,
        "k.db",
        PagerOptions {
            cache_size: -100,
            ..PagerOptions::default()
        },
    )
    .unwrap();
    assert_eq!(p.cache_capacity(), 25); // 100 KiB of 4 KiB pages
    p.set_cache_size(-2000);
    assert_eq!(p.cache_capacity(), 500);
    p.set_cache_size(1);
    assert_eq!(p.cache_capacity(), 10);
    p.set_cache_size(1234);
    assert_eq!(p.cache_capacity(), 1234);
    assert_eq!(p.cache_size(), 1234);
}

#[test]
fn readers_and_writers_on_one_memory_vfs() {
    let vfs = mem();
    let mut a = Pager::open(vfs.clone(), "s.db", PagerOptions::default()).unwrap();
    a.begin_write().unwrap();
    let pg = a.allocate().unwrap();
    filled(&mut a, pg, 1);
    a.commit().unwrap();

    let mut b = Pager::open(vfs.clone(), "s.db", PagerOptions::default()).unwrap();
    b.begin_read().unwrap();
    assert!(b.read(pg).unwrap().iter().all(|&x| x == 1));
    // a writes while b reads; the commit needs EXCLUSIVE and b is in the way
    a.begin_write().unwrap();
    filled(&mut a, pg, 2);
    assert_eq!(a.commit().unwrap_err().code, ResultCode::BUSY);
    assert!(a.in_write_txn());
    // a second writer is refused while a holds RESERVED (PENDING now)
    assert_eq!(b.begin_write().unwrap_err().code, ResultCode::BUSY);
    b.end_read().unwrap();
    a.commit().unwrap();
    // b's cached page is stale; the change counter tells it so
    b.begin_read().unwrap();
    assert!(b.read(pg).unwrap().iter().all(|&x| x == 2));
    b.end_read().unwrap();
    b.begin_write().unwrap();
    assert_eq!(a.begin_write().unwrap_err().code, ResultCode::BUSY);
    b.rollback().unwrap();
    a.begin_write().unwrap();
    a.rollback().unwrap();
}

#[test]
fn explicit_read_transaction_survives_commit() {
    let vfs = mem();
    let mut p = Pager::open(vfs, "x.db", PagerOptions::default()).unwrap();
    p.begin_read().unwrap();
    p.begin_write().unwrap();
    p.commit().unwrap();
    assert!(p.in_read_txn());
    assert_eq!(p.lock_level(), chorus_storage::vfs::LockLevel::Shared);
    p.end_read().unwrap();
    assert_eq!(p.lock_level(), chorus_storage::vfs::LockLevel::None);
    p.begin_write().unwrap();
    assert_eq!(p.end_read().unwrap_err().code, ResultCode::MISUSE);
    p.commit().unwrap();
    assert!(!p.in_read_txn());
}

#[test]
fn read_only_pager_refuses_writes() {
    let vfs = mem();
    let mut p = Pager::open(vfs.clone(), "ro.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    p.commit().unwrap();
    let mut r = Pager::open(
        vfs.clone(),
        "ro.db",
        PagerOptions {
            read_only: true,
            ..PagerOptions::default()
        },
    )
    .unwrap();
    r.begin_read().unwrap();
    assert_eq!(r.page_count(), 1);
    r.end_read().unwrap();
    assert_eq!(r.begin_write().unwrap_err().code, ResultCode::READONLY);
    let missing = Pager::open(
        vfs,
        "nope.db",
        PagerOptions {
            read_only: true,
            ..PagerOptions::default()
        },
    );
    assert_eq!(missing.unwrap_err().code, ResultCode::CANTOPEN);
}

#[test]
fn truncate_shrinks_the_file_at_commit() {
    let vfs = mem();
    let mut p = Pager::open(
        vfs.clone(),
        "t.db",
        PagerOptions {
            page_size: 512,
            ..PagerOptions::default()
        },
    )
    .unwrap();
    p.begin_write().unwrap();
    for _ in 0..9 {
        p.allocate().unwrap();
    }
    p.commit().unwrap();
    p.begin_write().unwrap();
    p.truncate_to(4).unwrap();
    assert_eq!(p.page_count(), 4);
    assert_eq!(p.read(PageNo(5)).unwrap_err().code, ResultCode::CORRUPT);
    assert_eq!(p.truncate_to(5).unwrap_err().code, ResultCode::MISUSE);
    p.commit().unwrap();
    let f = vfs
        .open("t.db", chorus_storage::vfs::OpenFlags::default())
        .unwrap();
    assert_eq!(f.size().unwrap(), 4 * 512);
    // growing again hands out zeroed pages
    p.begin_write().unwrap();
    let pg = p.allocate().unwrap();
    assert_eq!(pg, PageNo(5));
    assert!(p.read(pg).unwrap().iter().all(|&b| b == 0));
    p.commit().unwrap();
}

#[test]
fn auto_vacuum_allocation_skips_pointer_map_pages_and_tracks_free_pages() {
    use chorus_storage::ptrmap::{self, PtrType};
    let vfs = mem();
    let opts = PagerOptions {
        page_size: 1024,
        auto_vacuum: AutoVacuum::Full,
        ..PagerOptions::default()
    };
    let mut p = Pager::open(vfs, "av.db", opts).unwrap();
    p.begin_write().unwrap();
    assert_eq!(p.auto_vacuum(), AutoVacuum::Full);
    assert_eq!(p.header().largest_root_page, 1);
    let mut got = Vec::new();
    for _ in 0..450 {
        let pg = p.allocate().unwrap();
        assert!(!p.is_ptrmap_page(pg), "allocated pointer-map page {pg}");
        ptrmap::put(&mut p, pg, PtrType::BTree, PageNo(1)).unwrap();
        got.push(pg);
    }
    // 1024-byte pages: pointer maps at 2, 207, 412
    assert_eq!(got[0], PageNo(3));
    assert!(!got.contains(&PageNo(207)) && !got.contains(&PageNo(412)));
    assert!(p.is_ptrmap_page(PageNo(207)));
    assert_eq!(p.page_count(), 454); // page 1 + 3 pointer-map pages + 450
    assert_eq!(
        ptrmap::get(&p, PageNo(300)).unwrap(),
        (PtrType::BTree, PageNo(1))
    );
    p.free(PageNo(300)).unwrap();
    assert_eq!(
        ptrmap::get(&p, PageNo(300)).unwrap(),
        (PtrType::FreePage, PageNo(0))
    );
    assert_eq!(p.free(PageNo(207)).unwrap_err().code, ResultCode::CORRUPT);
    assert_eq!(
        ptrmap::get(&p, PageNo(207)).unwrap_err().code,
        ResultCode::CORRUPT
    );
    assert_eq!(
        ptrmap::get(&p, PageNo(1)).unwrap_err().code,
        ResultCode::CORRUPT
    );
    p.commit().unwrap();
}

#[test]
fn ptrmap_on_a_plain_database_is_misuse() {
    use chorus_storage::ptrmap::{self, PtrType};
    let vfs = mem();
    let mut p = Pager::open(vfs, "pl.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    let pg = p.allocate().unwrap();
    assert!(!p.is_ptrmap_page(PageNo(2)));
    assert_eq!(
        ptrmap::put(&mut p, pg, PtrType::BTree, PageNo(1))
            .unwrap_err()
            .code,
        ResultCode::MISUSE
    );
    p.rollback().unwrap();
}

#[test]
fn pager_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Pager>();
    assert_send::<chorus_storage::PageRef>();
}

/// A VFS wrapper that counts syncs.
mod counting {
    use chorus_storage::vfs::{LockLevel, OpenFlags, SyncKind, Vfs, VfsFile};
    use chorus_storage::Result;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    pub struct CountingVfs {
        pub inner: Arc<dyn Vfs>,
        pub syncs: Arc<AtomicUsize>,
    }

    struct CountingFile {
        inner: Box<dyn VfsFile>,
        syncs: Arc<AtomicUsize>,
    }

    impl Vfs for CountingVfs {
        fn open(&self, path: &str, flags: OpenFlags) -> Result<Box<dyn VfsFile>> {
            Ok(Box::new(CountingFile {
                inner: self.inner.open(path, flags)?,
                syncs: self.syncs.clone(),
            }))
        }
        fn delete(&self, path: &str, sync_dir: bool) -> Result<()> {
            self.inner.delete(path, sync_dir)
        }
        fn exists(&self, path: &str) -> Result<bool> {
            self.inner.exists(path)
        }
    }

    impl VfsFile for CountingFile {
        fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
            self.inner.read_at(buf, offset)
        }
        fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
            self.inner.write_at(buf, offset)
        }
        fn sync(&self, kind: SyncKind) -> Result<()> {
            self.syncs.fetch_add(1, Ordering::SeqCst);
            self.inner.sync(kind)
        }
        fn truncate(&self, size: u64) -> Result<()> {
            self.inner.truncate(size)
        }
        fn size(&self) -> Result<u64> {
            self.inner.size()
        }
        fn lock(&self, level: LockLevel) -> Result<()> {
            self.inner.lock(level)
        }
        fn unlock(&self, level: LockLevel) -> Result<()> {
            self.inner.unlock(level)
        }
        fn check_reserved_lock(&self) -> Result<bool> {
            self.inner.check_reserved_lock()
        }
        fn lock_level(&self) -> LockLevel {
            self.inner.lock_level()
        }
    }
}

#[test]
fn synchronous_off_skips_sync() {
    use chorus_storage::Synchronous;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let syncs = Arc::new(AtomicUsize::new(0));
    let vfs: Arc<dyn Vfs> = Arc::new(counting::CountingVfs {
        inner: mem(),
        syncs: syncs.clone(),
    });
    let mut p = Pager::open(vfs.clone(), "s.db", PagerOptions::default()).unwrap();
    assert_eq!(p.path(), "s.db");
    assert_eq!(p.synchronous(), Synchronous::Normal);
    p.begin_write().unwrap();
    p.commit().unwrap();
    // NORMAL, DELETE journal: one sync of the journal, one of the database
    assert_eq!(syncs.load(Ordering::SeqCst), 2);
    p.set_synchronous(Synchronous::Off);
    p.begin_write().unwrap();
    p.allocate().unwrap();
    p.commit().unwrap();
    assert_eq!(syncs.load(Ordering::SeqCst), 2);
    assert_eq!(p.page_count(), 2);
}

/// A VFS whose writes start failing once `fail_after` more writes succeeded.
mod failing {
    use chorus_storage::vfs::{LockLevel, OpenFlags, SyncKind, Vfs, VfsFile};
    use chorus_storage::{Error, Result, ResultCode};
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;

    pub struct FailingVfs {
        pub inner: Arc<dyn Vfs>,
        /// Writes left before failure; negative = never fail.
        pub budget: Arc<AtomicI64>,
    }

    struct FailingFile {
        inner: Box<dyn VfsFile>,
        budget: Arc<AtomicI64>,
    }

    impl Vfs for FailingVfs {
        fn open(&self, path: &str, flags: OpenFlags) -> Result<Box<dyn VfsFile>> {
            Ok(Box::new(FailingFile {
                inner: self.inner.open(path, flags)?,
                budget: self.budget.clone(),
            }))
        }
        fn delete(&self, path: &str, sync_dir: bool) -> Result<()> {
            self.inner.delete(path, sync_dir)
        }
        fn exists(&self, path: &str) -> Result<bool> {
            self.inner.exists(path)
        }
    }

    impl VfsFile for FailingFile {
        fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
            self.inner.read_at(buf, offset)
        }
        fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
            if self.budget.load(Ordering::SeqCst) == 0 {
                return Err(Error::new(
                    ResultCode::IOERR_WRITE,
                    "injected write failure",
                ));
            }
            self.budget.fetch_sub(1, Ordering::SeqCst);
            self.inner.write_at(buf, offset)
        }
        fn sync(&self, kind: SyncKind) -> Result<()> {
            self.inner.sync(kind)
        }
        fn truncate(&self, size: u64) -> Result<()> {
            self.inner.truncate(size)
        }
        fn size(&self) -> Result<u64> {
            self.inner.size()
        }
        fn lock(&self, level: LockLevel) -> Result<()> {
            self.inner.lock(level)
        }
        fn unlock(&self, level: LockLevel) -> Result<()> {
            self.inner.unlock(level)
        }
        fn check_reserved_lock(&self) -> Result<bool> {
            self.inner.check_reserved_lock()
        }
        fn lock_level(&self) -> LockLevel {
            self.inner.lock_level()
        }
    }
}

#[test]
fn failed_commit_rolls_back_and_a_failed_undo_leaves_a_hot_journal() {
    use std::sync::atomic::{AtomicI64, Ordering};
    let budget = Arc::new(AtomicI64::new(-1));
    let vfs: Arc<dyn Vfs> = Arc::new(failing::FailingVfs {
        inner: mem(),
        budget: budget.clone(),
    });
    let mut p = Pager::open(vfs.clone(), "f.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    for i in 0..3u8 {
        let pg = p.allocate().unwrap();
        filled(&mut p, pg, i + 1);
    }
    p.commit().unwrap();
    p.begin_read().unwrap();
    for pg in 1..=4 {
        p.read(PageNo(pg)).unwrap(); // all cached, clean
    }
    p.begin_write().unwrap();
    filled(&mut p, PageNo(2), 0x22);
    filled(&mut p, PageNo(3), 0x33);
    // journal header, records and nRec (3 writes), then pages 1 and 2 reach
    // the file, page 3 fails, and so does every write of the undo
    budget.store(5, Ordering::SeqCst);
    let e = p.commit().unwrap_err();
    assert_eq!(e.code, ResultCode::IOERR_WRITE);
    assert!(!p.in_write_txn(), "a failed commit rolls back");
    assert!(
        vfs.exists("f.db-journal").unwrap(),
        "undo failed: journal stays hot"
    );
    budget.store(-1, Ordering::SeqCst);
    p.end_read().unwrap();
    // the next reader rolls the file back with the hot journal
    p.begin_read().unwrap();
    assert!(!vfs.exists("f.db-journal").unwrap());
    assert!(p.read(PageNo(2)).unwrap().iter().all(|&b| b == 1));
    assert!(p.read(PageNo(3)).unwrap().iter().all(|&b| b == 2));
    assert!(p.read(PageNo(4)).unwrap().iter().all(|&b| b == 3));
    assert_eq!(p.header().change_counter, 1);
    p.end_read().unwrap();
}

#[test]
fn savepoints_restore_pages_size_and_header() {
    use chorus_storage::vfs::MemoryVfs;
    use chorus_storage::{PageNo, Pager, PagerOptions};
    let vfs = MemoryVfs::new_ref();
    let mut p = Pager::open(vfs, "sp.db", PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    let a = p.allocate().unwrap();
    p.write(a).unwrap()[0] = 1;
    let l0 = p.savepoint().unwrap();
    p.write(a).unwrap()[0] = 2;
    let b = p.allocate().unwrap();
    p.write(b).unwrap()[0] = 9;
    p.update_header(|h| h.user_version = 7).unwrap();
    let l1 = p.savepoint().unwrap();
    p.write(a).unwrap()[0] = 3;
    p.rollback_to(l1).unwrap();
    assert_eq!(p.read(a).unwrap()[0], 2);
    p.rollback_to(l0).unwrap();
    assert_eq!(p.read(a).unwrap()[0], 1);
    assert_eq!(p.page_count(), b.get() - 1);
    assert_eq!(p.header().user_version, 0);
    // released savepoints keep their changes, and still roll back with the outer one
    let l = p.savepoint().unwrap();
    assert_eq!(l, 1);
    p.write(a).unwrap()[0] = 5;
    p.release(1).unwrap();
    assert_eq!(p.read(a).unwrap()[0], 5);
    p.rollback_to(0).unwrap();
    assert_eq!(p.read(a).unwrap()[0], 1);
    p.commit().unwrap();
    p.begin_read().unwrap();
    assert_eq!(p.read(PageNo(a.get())).unwrap()[0], 1);
}
