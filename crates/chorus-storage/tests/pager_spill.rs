//! Dirty-page spilling: a write transaction larger than the page cache keeps
//! its memory bounded (dirty pages and journal images are written out; the
//! cache never holds much more than its capacity), commits to exactly the
//! data written, rolls back to exactly the file it started from, and SQLite
//! accepts the result. While another connection reads, the pager does not
//! spill (it would need EXCLUSIVE) and keeps the pages in memory instead.

use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::vfs::OsVfs;
use chorus_storage::{JournalMode, PageNo};
use std::sync::Arc;

const CACHE: i64 = 20;
const PAGE: usize = 1024;

fn open(path: &str) -> Pager {
    Pager::open(
        Arc::new(OsVfs),
        path,
        PagerOptions {
            page_size: PAGE,
            cache_size: CACHE,
            ..PagerOptions::default()
        },
    )
    .unwrap()
}

fn fill(buf: &mut [u8], pgno: u32, round: u8) {
    buf.fill(round);
    buf[..4].copy_from_slice(&pgno.to_be_bytes());
}

/// Freelist trunks sit at pages 2, 257, 512, ... (each lists the 254 pages
/// after it as leaves), so SQLite's integrity_check accounts for every page.
const PER_TRUNK: u32 = (PAGE as u32 - 8) / 4;

fn is_trunk(g: u32) -> bool {
    (g - 2).is_multiple_of(PER_TRUNK + 1)
}

/// Pages 2..=n as the freelist: trunks as above, every other page a leaf.
fn set_freelist(p: &mut Pager, n: u32) {
    let mut t = 2;
    while t <= n {
        let next = if t + PER_TRUNK < n {
            t + PER_TRUNK + 1
        } else {
            0
        };
        let last = n.min(t + PER_TRUNK);
        let trunk = p.write(PageNo(t)).unwrap();
        trunk.fill(0);
        trunk[..4].copy_from_slice(&next.to_be_bytes());
        trunk[4..8].copy_from_slice(&(last - t).to_be_bytes());
        for (i, leaf) in (t + 1..=last).enumerate() {
            trunk[8 + 4 * i..12 + 4 * i].copy_from_slice(&leaf.to_be_bytes());
        }
        t += PER_TRUNK + 1;
    }
    p.update_header(|h| {
        h.freelist_trunk = 2;
        h.freelist_count = n - 1;
    })
    .unwrap();
}

/// A committed database of `n` pages, leaves filled with round 1.
fn base(path: &str, n: u32, mode: JournalMode) -> Pager {
    let mut p = open(path);
    p.set_journal_mode(mode).unwrap();
    p.begin_write().unwrap();
    while p.page_count() < n {
        let g = p.allocate().unwrap().get();
        if !is_trunk(g) {
            fill(p.write(PageNo(g)).unwrap(), g, 1);
        }
    }
    set_freelist(&mut p, n);
    p.commit().unwrap();
    p
}

/// Rewrite every leaf (round 2) and grow to `grow_to` pages, checking after
/// every write that memory stays bounded.
fn big_transaction(p: &mut Pager, grow_to: u32) {
    let cap = p.cache_capacity();
    let bound = 2 * cap;
    p.begin_write().unwrap();
    let n = p.page_count();
    for g in (3..=n).filter(|&g| !is_trunk(g)) {
        fill(p.write(PageNo(g)).unwrap(), g, 2);
        assert!(p.cached_pages() <= bound, "{} > {bound}", p.cached_pages());
        assert!(p.held_originals() <= cap, "{}", p.held_originals());
    }
    while p.page_count() < grow_to {
        let g = p.allocate().unwrap().get();
        if !is_trunk(g) {
            fill(p.write(PageNo(g)).unwrap(), g, 2);
        }
        assert!(p.cached_pages() <= bound, "{} > {bound}", p.cached_pages());
    }
    set_freelist(p, grow_to);
    assert!(p.has_spilled());
}

fn check_round(p: &mut Pager, n: u32, round: u8) {
    p.begin_read().unwrap();
    assert_eq!(p.page_count(), n);
    for g in (3..=n).filter(|&g| !is_trunk(g)) {
        let d = p.read(PageNo(g)).unwrap();
        assert_eq!(u32::from_be_bytes([d[0], d[1], d[2], d[3]]), g);
        assert!(d[4..].iter().all(|&b| b == round), "page {g}");
    }
    p.end_read().unwrap();
}

fn sqlite_ok(path: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn transaction_larger_than_the_cache_commits_with_bounded_memory() {
    for mode in [
        JournalMode::Delete,
        JournalMode::Truncate,
        JournalMode::Persist,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spill.db");
        let path = path.to_str().unwrap();
        let mut p = base(path, 300, mode);
        big_transaction(&mut p, 1200);
        p.commit().unwrap();
        assert!(!p.has_spilled());
        check_round(&mut p, 1200, 2);
        drop(p);
        let mut p = open(path);
        check_round(&mut p, 1200, 2);
        drop(p);
        sqlite_ok(path);
    }
}

#[test]
fn rollback_after_spilling_restores_the_file() {
    for mode in [JournalMode::Delete, JournalMode::Persist] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spill.db");
        let path = path.to_str().unwrap();
        let mut p = base(path, 300, mode);
        let before = std::fs::read(path).unwrap();
        big_transaction(&mut p, 900);
        assert!(std::fs::metadata(path).unwrap().len() > before.len() as u64);
        p.rollback().unwrap();
        assert_eq!(std::fs::read(path).unwrap(), before, "{mode:?}");
        check_round(&mut p, 300, 1);
        // A savepoint rolled back after a spill restores the pages too.
        p.begin_write().unwrap();
        let sp = p.savepoint().unwrap();
        for g in (3..=300).filter(|&g| !is_trunk(g)) {
            fill(p.write(PageNo(g)).unwrap(), g, 3);
        }
        assert!(p.has_spilled());
        p.rollback_to(sp).unwrap();
        fill(p.write(PageNo(3)).unwrap(), 3, 1);
        p.commit().unwrap();
        check_round(&mut p, 300, 1);
        drop(p);
        sqlite_ok(path);
    }
}

/// Pages rewritten after they were spilled (their originals already in the
/// journal) are spilled again without new journal records: interleaving
/// passes over a small hot set (re-dirtied, journaled) and a sweep over
/// the rest (new originals) mixes the cheap spill with full ones. Commit
/// gives exactly the last images, rollback exactly the starting file.
#[test]
fn respilling_journaled_pages_commits_and_rolls_back_exactly() {
    for (mode, commit) in [
        (JournalMode::Delete, true),
        (JournalMode::Delete, false),
        (JournalMode::Persist, true),
        (JournalMode::Truncate, false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("respill.db");
        let path = path.to_str().unwrap();
        let mut p = base(path, 300, mode);
        let before = std::fs::read(path).unwrap();
        let leaves: Vec<u32> = (3..=300).filter(|&g| !is_trunk(g)).collect();
        p.begin_write().unwrap();
        for (i, chunk) in leaves.chunks(CACHE as usize / 2).enumerate() {
            // A hot set larger than the cache, rewritten every round...
            for &g in leaves.iter().take(3 * CACHE as usize) {
                fill(p.write(PageNo(g)).unwrap(), g, 2 + (i % 2) as u8);
            }
            // ...and the next part of the sweep, first-time dirty.
            for &g in chunk {
                if g as usize >= 3 + 3 * CACHE as usize {
                    fill(p.write(PageNo(g)).unwrap(), g, 4);
                }
            }
        }
        assert!(p.has_spilled());
        let rounds = leaves.chunks(CACHE as usize / 2).count();
        let hot = 2 + ((rounds - 1) % 2) as u8;
        if commit {
            p.commit().unwrap();
            p.begin_read().unwrap();
            for &g in &leaves {
                let d = p.read(PageNo(g)).unwrap();
                // The hot set is pages 3..63 (the first 60 leaves).
                let want = if (g as usize) < 3 + 3 * CACHE as usize {
                    hot
                } else {
                    4
                };
                assert_eq!(u32::from_be_bytes([d[0], d[1], d[2], d[3]]), g);
                assert!(d[4..].iter().all(|&b| b == want), "{mode:?} page {g}");
            }
            p.end_read().unwrap();
        } else {
            p.rollback().unwrap();
            assert_eq!(std::fs::read(path).unwrap(), before, "{mode:?}");
            check_round(&mut p, 300, 1);
        }
        drop(p);
        sqlite_ok(path);
    }
}

#[test]
fn a_reader_keeps_the_writer_from_spilling() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spill.db");
    let path = path.to_str().unwrap();
    let mut w = base(path, 200, JournalMode::Delete);
    let mut r = open(path);
    r.begin_read().unwrap();
    w.begin_write().unwrap();
    for g in 3..=200 {
        fill(w.write(PageNo(g)).unwrap(), g, 2);
    }
    assert!(w.cached_pages() > 150, "dirty pages stay in memory");
    assert!(!w.has_spilled(), "spilled under a reader's SHARED lock");
    // The reader still sees the committed data.
    let d = r.read(PageNo(150)).unwrap();
    assert!(d[4..].iter().all(|&b| b == 1));
    r.end_read().unwrap();
    // Once the reader is gone, the next new dirty page spills.
    w.set_cache_size(10);
    assert!(!w.is_dirty(PageNo(2)));
    w.write(PageNo(2)).unwrap();
    assert!(w.has_spilled());
    assert!(w.cached_pages() <= 12, "{}", w.cached_pages());
    set_freelist(&mut w, 200);
    w.commit().unwrap();
    check_round(&mut r, 200, 2);
    drop((w, r));
    sqlite_ok(path);
}
