//! WAL transactions larger than the page cache spill their dirty pages into
//! the log as uncommitted frames (pager/wal_spill.rs): memory stays bounded,
//! the frames stay invisible to readers until the commit, and rollback,
//! savepoints, checkpoints and reopening all see exactly the committed state.

use chorus_storage::vfs::{MemoryVfs, Vfs};
use chorus_storage::{CheckpointMode, JournalMode, PageNo, Pager, PagerOptions, ResultCode};
use std::sync::Arc;

const CACHE: i64 = 10;
const PAGES: u32 = 60;

fn open(vfs: &Arc<dyn Vfs>) -> Pager {
    let mut p = Pager::open(vfs.clone(), "s.db", PagerOptions::default()).unwrap();
    p.set_cache_size(CACHE);
    p
}

/// A WAL database with pages 2..=PAGES+1 filled with 1.
fn setup() -> (Arc<dyn Vfs>, Pager) {
    let vfs: Arc<dyn Vfs> = MemoryVfs::new_ref();
    let mut p = open(&vfs);
    p.set_journal_mode(JournalMode::Wal).unwrap();
    p.begin_write().unwrap();
    for _ in 0..PAGES {
        let pg = p.allocate().unwrap();
        p.write(pg).unwrap().fill(1);
    }
    p.commit().unwrap();
    (vfs, p)
}

fn byte(p: &Pager, pg: u32) -> u8 {
    p.read(PageNo(pg)).unwrap()[7]
}

/// Rewrite every data page with `v` (spills: PAGES dirty pages, CACHE slots).
fn rewrite_all(p: &mut Pager, v: u8) {
    for pg in 2..=PAGES + 1 {
        p.write(PageNo(pg)).unwrap().fill(v);
    }
}

#[test]
fn a_spilled_transaction_reads_its_own_pages_and_stays_invisible_until_commit() {
    let (vfs, mut w) = setup();
    let mut r = open(&vfs);
    let before = w.wal_frames().unwrap().0;
    w.begin_write().unwrap();
    rewrite_all(&mut w, 2);
    assert!(
        w.has_spilled(),
        "a transaction of {PAGES} pages through a {CACHE}-page cache spills"
    );
    // The log holds the spilled frames past mx_frame: not published yet.
    assert_eq!(w.wal_frames().unwrap().0, before);
    // The writer sees its own changes, also in pages evicted after the spill.
    for pg in 2..=PAGES + 1 {
        assert_eq!(byte(&w, pg), 2, "page {pg}");
    }
    // A reader of the same process sees the last commit.
    r.begin_read().unwrap();
    for pg in 2..=PAGES + 1 {
        assert_eq!(byte(&r, pg), 1, "page {pg}");
    }
    r.end_read().unwrap();
    // Pages touched twice: the newest spilled image wins.
    for pg in 2..=PAGES + 1 {
        p_set(&mut w, pg, 3);
    }
    w.commit().unwrap();
    let after = w.wal_frames().unwrap().0;
    assert!(
        after > before + PAGES,
        "spilled and final frames are published: {after}"
    );
    r.begin_read().unwrap();
    for pg in 2..=PAGES + 1 {
        assert_eq!(byte(&r, pg), 3, "page {pg}");
    }
    r.end_read().unwrap();
    drop((w, r));
    // Reopened (recovery from the log, then the closing checkpoint).
    let p = open(&vfs);
    let mut p = p;
    p.begin_read().unwrap();
    for pg in 2..=PAGES + 1 {
        assert_eq!(byte(&p, pg), 3, "page {pg}");
    }
}

fn p_set(p: &mut Pager, pg: u32, v: u8) {
    p.write(PageNo(pg)).unwrap().fill(v);
}

#[test]
fn rollback_after_a_spill_restores_the_last_commit() {
    let (vfs, mut w) = setup();
    w.begin_write().unwrap();
    rewrite_all(&mut w, 9);
    let extra = w.allocate().unwrap();
    w.write(extra).unwrap().fill(9);
    assert!(w.has_spilled());
    w.rollback().unwrap();
    assert!(!w.has_spilled());
    w.begin_read().unwrap();
    assert_eq!(w.page_count(), PAGES + 1);
    for pg in 2..=PAGES + 1 {
        assert_eq!(byte(&w, pg), 1, "page {pg}");
    }
    w.end_read().unwrap();
    // The next transaction overwrites the dead frames and commits normally.
    w.begin_write().unwrap();
    p_set(&mut w, 5, 4);
    w.commit().unwrap();
    drop(w);
    let mut p = open(&vfs);
    p.begin_read().unwrap();
    assert_eq!(byte(&p, 5), 4);
    assert_eq!(byte(&p, 6), 1);
    assert_eq!(p.page_count(), PAGES + 1);
}

#[test]
fn savepoint_rollback_after_a_spill_keeps_the_earlier_changes() {
    let (_vfs, mut w) = setup();
    w.begin_write().unwrap();
    p_set(&mut w, 2, 5);
    let sp = w.savepoint().unwrap();
    rewrite_all(&mut w, 6);
    assert!(w.has_spilled());
    w.rollback_to(sp).unwrap();
    // Page 2 as at the savepoint, the others as at the start.
    assert_eq!(byte(&w, 2), 5);
    for pg in 3..=PAGES + 1 {
        assert_eq!(byte(&w, pg), 1, "page {pg}");
    }
    w.commit().unwrap();
    w.begin_read().unwrap();
    assert_eq!(byte(&w, 2), 5);
    for pg in 3..=PAGES + 1 {
        assert_eq!(byte(&w, pg), 1, "page {pg}");
    }
}

#[test]
fn restart_checkpoints_leave_spilled_frames_alone() {
    let (vfs, mut w) = setup();
    let mut c = open(&vfs);
    // Everything copied and no reader: a RESTART would reset the log.
    c.checkpoint(CheckpointMode::Passive).unwrap();
    w.begin_write().unwrap();
    rewrite_all(&mut w, 7);
    assert!(w.has_spilled());
    for mode in [CheckpointMode::Restart, CheckpointMode::Truncate] {
        // BUSY (a writer is active), as an error or as the busy column.
        match c.checkpoint(mode) {
            Ok(r) => assert!(
                r.busy,
                "{mode:?} must not reset the log under spilled frames"
            ),
            Err(e) => assert_eq!(e.code, ResultCode::BUSY, "{mode:?}: {e:?}"),
        }
    }
    w.commit().unwrap();
    c.begin_read().unwrap();
    for pg in 2..=PAGES + 1 {
        assert_eq!(byte(&c, pg), 7, "page {pg}");
    }
    c.end_read().unwrap();
    // Once committed the log can be reset again.
    let r = c.checkpoint(CheckpointMode::Truncate).unwrap();
    assert!(!r.busy);
}
