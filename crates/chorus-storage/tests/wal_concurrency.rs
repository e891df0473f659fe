//! Connections of one process: the writer slot (a second writer sleeps on a
//! condition variable up to its busy timeout), WAL snapshots (readers never
//! block the writer and keep their view), checkpoints that respect readers,
//! `BUSY_SNAPSHOT`, and `locking_mode=EXCLUSIVE`.

use chorus_storage::vfs::{LockLevel, MemoryVfs, Vfs};
use chorus_storage::{
    CheckpointMode, JournalMode, LockingMode, PageNo, Pager, PagerOptions, ResultCode,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn open(vfs: &Arc<dyn Vfs>) -> Pager {
    Pager::open(vfs.clone(), "c.db", PagerOptions::default()).unwrap()
}

/// A database with `n` data pages (2..=n+1) filled with 1, and the
/// connection that made it (kept open by the caller).
fn setup(wal: bool, n: u32) -> (Arc<dyn Vfs>, Pager) {
    let vfs: Arc<dyn Vfs> = MemoryVfs::new_ref();
    let mut p = open(&vfs);
    if wal {
        p.set_journal_mode(JournalMode::Wal).unwrap();
    }
    p.begin_write().unwrap();
    for _ in 0..n {
        let pg = p.allocate().unwrap();
        p.write(pg).unwrap().fill(1);
    }
    p.commit().unwrap();
    (vfs, p)
}

fn byte(p: &Pager, pg: u32) -> u8 {
    p.read(PageNo(pg)).unwrap()[0]
}

#[test]
fn second_writer_waits_for_the_first_then_gets_the_slot() {
    for wal in [false, true] {
        let (vfs, _keep) = setup(wal, 2);
        let mut a = open(&vfs);
        let mut b = open(&vfs);
        b.set_busy_timeout(Duration::from_secs(5));
        a.begin_write().unwrap();
        a.write(PageNo(2)).unwrap().fill(2);
        let t = std::thread::spawn(move || {
            let start = Instant::now();
            b.begin_write().unwrap();
            let waited = start.elapsed();
            // it sees the first writer's commit
            assert_eq!(byte(&b, 2), 2);
            b.write(PageNo(3)).unwrap().fill(3);
            b.commit().unwrap();
            waited
        });
        std::thread::sleep(Duration::from_millis(150));
        a.commit().unwrap();
        let waited = t.join().unwrap();
        assert!(waited >= Duration::from_millis(100), "{waited:?}");
        assert!(waited < Duration::from_secs(4), "woken by the condvar");
        a.begin_read().unwrap();
        assert_eq!((byte(&a, 2), byte(&a, 3)), (2, 3));
        a.end_read().unwrap();
    }
}

#[test]
fn second_writer_gets_busy_after_its_timeout() {
    for wal in [false, true] {
        let (vfs, _keep) = setup(wal, 1);
        let mut a = open(&vfs);
        let mut b = open(&vfs);
        a.begin_write().unwrap();
        // no timeout: BUSY at once
        assert_eq!(b.begin_write().unwrap_err().code, ResultCode::BUSY);
        b.set_busy_timeout(Duration::from_millis(80));
        let start = Instant::now();
        assert_eq!(b.begin_write().unwrap_err().code, ResultCode::BUSY);
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(70), "{waited:?}");
        assert!(!b.in_read_txn());
        a.rollback().unwrap();
        b.begin_write().unwrap();
        b.commit().unwrap();
    }
}

#[test]
fn rollback_mode_commit_waits_for_readers_of_this_process() {
    let (vfs, _keep) = setup(false, 1);
    let mut r = open(&vfs);
    let mut w = open(&vfs);
    w.set_busy_timeout(Duration::from_secs(5));
    r.begin_read().unwrap();
    w.begin_write().unwrap();
    w.write(PageNo(2)).unwrap().fill(9);
    let t = std::thread::spawn(move || {
        let start = Instant::now();
        w.commit().unwrap();
        start.elapsed()
    });
    std::thread::sleep(Duration::from_millis(120));
    assert_eq!(byte(&r, 2), 1);
    r.end_read().unwrap();
    let waited = t.join().unwrap();
    assert!(waited >= Duration::from_millis(100) && waited < Duration::from_secs(4));
    r.begin_read().unwrap();
    assert_eq!(byte(&r, 2), 9);
}

#[test]
fn wal_readers_keep_their_snapshot_and_never_block_the_writer() {
    let (vfs, _keep) = setup(true, 3);
    let mut r = open(&vfs);
    let mut w = open(&vfs);
    w.set_wal_autocheckpoint(0);
    r.begin_read().unwrap();
    let snap = r.snapshot().unwrap();
    assert_eq!(byte(&r, 2), 1);
    for v in 2..6u8 {
        w.begin_write().unwrap();
        w.write(PageNo(2)).unwrap().fill(v);
        w.commit().unwrap(); // never waits for the reader
    }
    w.begin_write().unwrap();
    let pg = w.allocate().unwrap();
    w.write(pg).unwrap().fill(6);
    w.commit().unwrap();
    // the reader still sees its snapshot, pages and size
    assert_eq!(byte(&r, 2), 1);
    assert_eq!(r.page_count(), 4);
    assert_eq!(r.snapshot(), Some(snap));
    // a passive checkpoint may not overwrite what the reader needs
    let c = w.checkpoint(CheckpointMode::Passive).unwrap();
    assert!(c.checkpointed_frames < c.log_frames, "{c:?}");
    r.cache_capacity();
    let mut r2 = open(&vfs);
    r2.begin_read().unwrap();
    assert_eq!((byte(&r2, 2), r2.page_count()), (5, 5));
    assert_ne!(r2.snapshot(), Some(snap));
    // the old reader, with a cold cache, still reads the old images
    r.set_cache_size(1);
    for pg in 2..=4 {
        assert_eq!(byte(&r, pg), 1, "page {pg}");
    }
    // its writer attempt is refused: the snapshot is stale
    assert_eq!(r.begin_write().unwrap_err().code, ResultCode::BUSY_SNAPSHOT);
    r.end_read().unwrap();
    r2.end_read().unwrap();
    // nobody holds frames back now
    let c = w.checkpoint(CheckpointMode::Full).unwrap();
    assert_eq!(c.checkpointed_frames, c.log_frames);
    assert!(!c.busy);
    let c = w.checkpoint(CheckpointMode::Truncate).unwrap();
    assert_eq!((c.busy, c.log_frames, c.checkpointed_frames), (false, 0, 0));
    r.begin_read().unwrap();
    assert_eq!((byte(&r, 2), byte(&r, 5), r.page_count()), (5, 6, 5));
    r.end_read().unwrap();
}

#[test]
fn restart_checkpoint_is_busy_while_a_reader_uses_the_log() {
    let (vfs, _keep) = setup(true, 1);
    let mut r = open(&vfs);
    let mut w = open(&vfs);
    w.set_wal_autocheckpoint(0);
    w.begin_write().unwrap();
    w.write(PageNo(2)).unwrap().fill(2);
    w.commit().unwrap();
    r.begin_read().unwrap();
    let c = w.checkpoint(CheckpointMode::Restart).unwrap();
    assert!(c.busy, "{c:?}");
    assert_eq!(c.checkpointed_frames, c.log_frames, "frames copied anyway");
    r.end_read().unwrap();
    let c = w.checkpoint(CheckpointMode::Restart).unwrap();
    assert!(!c.busy, "{c:?}");
    // the log restarts: the next commit writes frame 1 again
    w.begin_write().unwrap();
    w.write(PageNo(2)).unwrap().fill(3);
    w.commit().unwrap();
    assert_eq!(w.wal_frames().unwrap().0, 1);
    r.begin_read().unwrap();
    assert_eq!(byte(&r, 2), 3);
}

#[test]
fn automatic_checkpoint_at_the_threshold() {
    let (vfs, _keep) = setup(true, 1);
    let mut w = open(&vfs);
    assert_eq!(w.wal_autocheckpoint(), 1000);
    w.set_wal_autocheckpoint(10);
    // the setup transaction wrote 2 frames; 8 more reach the threshold
    for v in 0..8u8 {
        assert_eq!(w.wal_frames().unwrap().1, 0);
        w.begin_write().unwrap();
        w.write(PageNo(2)).unwrap().fill(v);
        w.commit().unwrap();
    }
    assert_eq!(w.wal_frames().unwrap(), (10, 10));
    // everything copied and no reader in the log: the next commit restarts it
    w.begin_write().unwrap();
    w.write(PageNo(2)).unwrap().fill(99);
    w.commit().unwrap();
    assert_eq!(w.wal_frames().unwrap(), (1, 0));
}

#[test]
fn exclusive_locking_mode_keeps_locks() {
    let (vfs, _keep) = setup(false, 1);
    let mut a = open(&vfs);
    let mut b = open(&vfs);
    a.set_locking_mode(LockingMode::Exclusive).unwrap();
    a.begin_read().unwrap();
    a.end_read().unwrap();
    assert_eq!(a.lock_level(), LockLevel::Shared);
    a.begin_write().unwrap();
    a.write(PageNo(2)).unwrap().fill(4);
    a.commit().unwrap();
    assert_eq!(a.lock_level(), LockLevel::Exclusive);
    assert_eq!(b.begin_read().unwrap_err().code, ResultCode::BUSY);
    a.set_locking_mode(LockingMode::Normal).unwrap();
    assert_eq!(a.lock_level(), LockLevel::None);
    b.begin_read().unwrap();
    assert_eq!(byte(&b, 2), 4);
}

#[test]
fn wal_reader_cache_drops_only_pages_another_connection_changed() {
    let (vfs, _keep) = setup(true, 3);
    let mut r = open(&vfs);
    let mut w = open(&vfs);
    r.begin_read().unwrap();
    for pg in 2..=4 {
        byte(&r, pg);
    }
    r.end_read().unwrap();
    let n0 = r.cached_pages();
    w.begin_write().unwrap();
    w.write(PageNo(3)).unwrap().fill(8);
    w.commit().unwrap();
    r.begin_read().unwrap();
    assert_eq!(r.cached_pages(), n0 - 1);
    assert_eq!((byte(&r, 2), byte(&r, 3), byte(&r, 4)), (1, 8, 1));
    r.end_read().unwrap();
}

#[test]
fn rollback_mode_reader_waits_for_a_committing_writer() {
    let (vfs, _keep) = setup(false, 1);
    let mut w = open(&vfs);
    let mut r = open(&vfs);
    r.set_busy_timeout(Duration::from_secs(5));
    w.set_locking_mode(LockingMode::Exclusive).unwrap();
    w.begin_write().unwrap();
    w.write(PageNo(2)).unwrap().fill(6);
    w.commit().unwrap(); // keeps EXCLUSIVE
    let t = std::thread::spawn(move || {
        let start = Instant::now();
        r.begin_read().unwrap();
        (start.elapsed(), byte(&r, 2))
    });
    std::thread::sleep(Duration::from_millis(120));
    w.set_locking_mode(LockingMode::Normal).unwrap();
    let (waited, b) = t.join().unwrap();
    assert!(waited >= Duration::from_millis(100) && waited < Duration::from_secs(4));
    assert_eq!(b, 6);
}

/// Money moves between accounts (one per page) from several writer threads
/// while reader threads check, in their snapshots, that the total never
/// changes; checkpoints run all along (small autocheckpoint).
fn transfers(wal: bool) {
    const ACCOUNTS: u32 = 8;
    let (vfs, _keep) = setup(wal, ACCOUNTS);
    {
        let mut p = open(&vfs);
        p.begin_write().unwrap();
        for a in 0..ACCOUNTS {
            p.write(PageNo(2 + a)).unwrap()[..8].copy_from_slice(&100u64.to_be_bytes());
        }
        p.commit().unwrap();
    }
    let bal = |p: &Pager, a: u32| {
        let d = p.read(PageNo(2 + a)).unwrap();
        u64::from_be_bytes(d[..8].try_into().unwrap())
    };
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = vec![];
    for _ in 0..2 {
        let vfs = vfs.clone();
        let done = done.clone();
        readers.push(std::thread::spawn(move || {
            let mut p = open(&vfs);
            p.set_busy_timeout(Duration::from_secs(10));
            let mut checks = 0;
            while !done.load(std::sync::atomic::Ordering::SeqCst) || checks == 0 {
                p.begin_read().unwrap();
                let total: u64 = (0..ACCOUNTS).map(|a| bal(&p, a)).sum();
                assert_eq!(total, 100 * ACCOUNTS as u64);
                p.end_read().unwrap();
                checks += 1;
            }
            checks
        }));
    }
    let mut writers = vec![];
    for t in 0..3u32 {
        let vfs = vfs.clone();
        writers.push(std::thread::spawn(move || {
            let mut p = open(&vfs);
            p.set_busy_timeout(Duration::from_secs(10));
            p.set_wal_autocheckpoint(10);
            for i in 0..60u32 {
                let from = (t + i) % ACCOUNTS;
                let to = (t * 3 + i * 5 + 1) % ACCOUNTS;
                p.begin_write().unwrap();
                let (f, g) = (bal(&p, from), bal(&p, to));
                let amount = (i as u64 % 7).min(f);
                if from != to {
                    p.write(PageNo(2 + from)).unwrap()[..8]
                        .copy_from_slice(&(f - amount).to_be_bytes());
                    p.write(PageNo(2 + to)).unwrap()[..8]
                        .copy_from_slice(&(g + amount).to_be_bytes());
                }
                p.commit().unwrap();
            }
        }));
    }
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    for r in readers {
        assert!(r.join().unwrap() > 0);
    }
    let mut p = open(&vfs);
    p.begin_read().unwrap();
    let total: u64 = (0..ACCOUNTS).map(|a| bal(&p, a)).sum();
    assert_eq!(total, 100 * ACCOUNTS as u64);
}

#[test]
fn concurrent_transfers_keep_the_total_in_wal_mode() {
    transfers(true);
}

#[test]
fn concurrent_transfers_keep_the_total_in_rollback_mode() {
    transfers(false);
}

#[test]
fn read_only_connection_reads_a_wal_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    let path = path.to_str().unwrap();
    let vfs: Arc<dyn Vfs> = Arc::new(chorus_storage::vfs::OsVfs);
    let mut w = Pager::open(vfs.clone(), path, PagerOptions::default()).unwrap();
    w.set_journal_mode(JournalMode::Wal).unwrap();
    w.set_no_checkpoint_on_close(true);
    w.begin_write().unwrap();
    let pg = w.allocate().unwrap();
    w.write(pg).unwrap().fill(3);
    w.commit().unwrap();
    let ro = PagerOptions {
        read_only: true,
        ..PagerOptions::default()
    };
    let mut r = Pager::open(vfs.clone(), path, ro.clone()).unwrap();
    r.begin_read().unwrap();
    assert_eq!(byte(&r, 2), 3);
    assert_eq!(r.begin_write().unwrap_err().code, ResultCode::READONLY);
    r.end_read().unwrap();
    drop(r);
    drop(w); // the WAL stays (no checkpoint on close)
    assert!(std::fs::metadata(format!("{path}-wal")).unwrap().len() > 0);
    // a read-only connection alone recovers the WAL too
    let mut r = Pager::open(vfs, path, ro).unwrap();
    r.begin_read().unwrap();
    assert_eq!((byte(&r, 2), r.page_count()), (3, 2));
}

#[test]
fn full_checkpoint_waits_for_a_reader_then_completes() {
    let (vfs, _keep) = setup(true, 1);
    let mut w = open(&vfs);
    w.set_wal_autocheckpoint(0);
    let mut r = open(&vfs);
    r.begin_read().unwrap(); // holds the snapshot before the next commit
    w.begin_write().unwrap();
    w.write(PageNo(2)).unwrap().fill(2);
    w.commit().unwrap();
    assert!(w.checkpoint(CheckpointMode::Full).unwrap().busy);
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(120));
        r.end_read().unwrap();
        r
    });
    w.set_busy_timeout(Duration::from_secs(5));
    let start = Instant::now();
    let c = w.checkpoint(CheckpointMode::Full).unwrap();
    assert!(!c.busy && c.checkpointed_frames == c.log_frames, "{c:?}");
    assert!(start.elapsed() >= Duration::from_millis(100));
    t.join().unwrap();
}

/// `content_epoch` stays put across read transactions on an unchanged
/// database (page images taken earlier are still current) and moves when
/// another connection's commit is seen, in both journal modes; an own write
/// moves it too.
#[test]
fn content_epoch_moves_only_when_pages_changed() {
    for wal in [false, true] {
        let (vfs, _keep) = setup(wal, 3);
        let mut r = open(&vfs);
        let mut w = open(&vfs);
        r.begin_read().unwrap();
        let img = r.read(PageNo(3)).unwrap();
        r.end_read().unwrap();
        let e0 = r.content_epoch();
        for _ in 0..3 {
            r.begin_read().unwrap();
            assert_eq!(byte(&r, 2), 1);
            r.end_read().unwrap();
        }
        assert_eq!(r.content_epoch(), e0, "wal={wal}: nothing changed");
        w.begin_write().unwrap();
        w.write(PageNo(3)).unwrap().fill(8);
        w.commit().unwrap();
        assert_eq!(r.content_epoch(), e0, "wal={wal}: not seen yet");
        r.begin_read().unwrap();
        assert_ne!(r.content_epoch(), e0, "wal={wal}: a commit was seen");
        assert_eq!((img[0], byte(&r, 3)), (1, 8));
        r.end_read().unwrap();
        let e1 = r.content_epoch();
        r.begin_write().unwrap();
        r.write(PageNo(2)).unwrap().fill(5);
        r.rollback().unwrap();
        assert_ne!(r.content_epoch(), e1, "wal={wal}: own write");
    }
}
