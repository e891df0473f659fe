//! Corrupt B-tree pages: random damage to a valid database must yield
//! errors (SQLITE_CORRUPT) or some answer — never a panic or a hang —
//! for reads, seeks, inserts, deletes, drops and vacuum.

mod common;

use chorus_storage::btree::{
    autovacuum_commit, count_entries, create_tree, drop_tree, BTreeCursor, SeekOp, TreeKind,
    TreeType,
};
use chorus_storage::pager::{AutoVacuum, Pager, PagerOptions};
use chorus_storage::record::{encode_record, KeyInfo};
use chorus_storage::vfs::OsVfs;
use chorus_storage::{PageNo, Result, RowId, ValueRef};
use common::*;
use std::sync::Arc;

fn build(av: AutoVacuum) -> (TestDb, PageNo, PageNo) {
    let mut db = open_db(512, av);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let t = create_tree(p, TreeType::Table).unwrap();
    let i = create_tree(p, TreeType::Index).unwrap();
    let mut tc = BTreeCursor::new(t, TreeKind::Table);
    let mut ic = BTreeCursor::new(i, TreeKind::Index(KeyInfo::binary(2)));
    for k in 0..300i64 {
        let blob = vec![k as u8; (k as usize * 31) % 1400];
        let mut rec = Vec::new();
        encode_record(&[ValueRef::Blob(&blob)], &mut rec);
        tc.insert(p, RowId(k), &rec).unwrap();
        let mut irec = Vec::new();
        encode_record(&[ValueRef::Blob(&blob), ValueRef::Integer(k)], &mut irec);
        ic.insert(p, RowId(0), &irec).unwrap();
    }
    commit(p);
    (db, t, i)
}

fn exercise(p: &mut Pager, t: PageNo, i: PageNo) -> Result<()> {
    for (root, kind) in [
        (t, TreeKind::Table),
        (i, TreeKind::Index(KeyInfo::binary(2))),
    ] {
        let mut c = BTreeCursor::new(root, kind.clone());
        let mut n = 0;
        let mut ok = c.first(p)?;
        while ok && n < 10_000 {
            let _ = c.payload(p)?;
            ok = c.next(p)?;
            n += 1;
        }
        let mut ok = c.last(p)?;
        while ok && n < 20_000 {
            ok = c.prev(p)?;
            n += 1;
        }
        let _ = count_entries(p, root)?;
        if kind.is_table() {
            c.seek_rowid(p, RowId(150), SeekOp::Ge)?;
        } else {
            c.seek_key(p, &[ValueRef::Blob(&[7; 10])], SeekOp::Le)?;
        }
    }
    p.begin_write()?;
    let mut c = BTreeCursor::new(t, TreeKind::Table);
    for k in (0..300).step_by(7) {
        if c.seek_rowid(p, RowId(k), SeekOp::Eq)? {
            c.delete(p)?;
        }
    }
    for k in 1000..1040 {
        c.insert(p, RowId(k), &[2, 12 + 2 * 100][..])?;
    }
    let mut ic = BTreeCursor::new(i, TreeKind::Index(KeyInfo::binary(2)));
    while ic.first(p)? {
        ic.delete(p)?;
    }
    drop_tree(p, t)?;
    autovacuum_commit(p)?;
    Ok(())
}

#[test]
fn random_damage_never_panics() {
    let iters = if soak() { 3000 } else { 150 };
    let mut rng = Rng(0x5eed);
    let mut errors = 0;
    for av in [AutoVacuum::None, AutoVacuum::Full] {
        let (db, t, i) = build(av);
        let path = db.path.clone();
        let pristine = std::fs::read(&path).unwrap();
        drop(db.pager);
        for _ in 0..iters {
            let mut bytes = pristine.clone();
            let pages = bytes.len() / 512;
            for _ in 0..1 + rng.below(4) {
                // Damage a B-tree page or overflow page (page 1's header aside).
                let pg = 1 + rng.below(pages as u64 - 1) as usize;
                let off = pg * 512 + rng.below(512) as usize;
                bytes[off] = match rng.below(3) {
                    0 => rng.next() as u8,
                    1 => bytes[off] ^ (1 << rng.below(8)),
                    _ => 0xff,
                };
            }
            std::fs::write(&path, &bytes).unwrap();
            let mut p =
                Pager::open(Arc::new(OsVfs::new()), &path, PagerOptions::default()).unwrap();
            if p.begin_read().is_err() {
                continue;
            }
            if exercise(&mut p, t, i).is_err() {
                errors += 1;
            }
            let _ = p.rollback();
        }
        let _ = db.dir;
    }
    assert!(errors > 0, "some damage must be detected");
}

#[test]
fn corrupt_errors_are_corrupt_code() {
    let (db, t, _) = build(AutoVacuum::None);
    let path = db.path.clone();
    drop(db.pager);
    let mut bytes = std::fs::read(&path).unwrap();
    // Root page of t: an impossible page type.
    bytes[(t.get() as usize - 1) * 512] = 0x77;
    std::fs::write(&path, &bytes).unwrap();
    let mut p = Pager::open(Arc::new(OsVfs::new()), &path, PagerOptions::default()).unwrap();
    p.begin_read().unwrap();
    let mut c = BTreeCursor::new(t, TreeKind::Table);
    let e = c.first(&p).unwrap_err();
    assert_eq!(e.code, chorus_storage::ResultCode::CORRUPT);
    // A child pointer to the root itself (a cycle) is caught by the depth limit.
    let mut bytes = std::fs::read(&path).unwrap();
    let base = (t.get() as usize - 1) * 512;
    bytes[base] = 5; // table interior
    bytes[base + 3..base + 5].copy_from_slice(&[0, 0]); // no cells
    bytes[base + 8..base + 12].copy_from_slice(&t.get().to_be_bytes()); // right child = itself
    std::fs::write(&path, &bytes).unwrap();
    let mut p = Pager::open(Arc::new(OsVfs::new()), &path, PagerOptions::default()).unwrap();
    p.begin_read().unwrap();
    let mut c = BTreeCursor::new(t, TreeKind::Table);
    assert_eq!(
        c.first(&p).unwrap_err().code,
        chorus_storage::ResultCode::CORRUPT
    );
    assert_eq!(
        c.seek_rowid(&p, RowId(5), SeekOp::Eq).unwrap_err().code,
        chorus_storage::ResultCode::CORRUPT
    );
    assert_eq!(
        count_entries(&p, t).unwrap_err().code,
        chorus_storage::ResultCode::CORRUPT
    );
}

/// Our integrity check against SQLite's on damaged files: whatever we call
/// damaged SQLite does too (no false alarms), and on intact files we agree.
#[test]
fn integrity_check_agrees_with_sqlite() {
    let iters = if soak() { 2000 } else { 120 };
    let mut rng = Rng(0xabcdef);
    let (mut both, mut only_sqlite, mut clean) = (0, 0, 0);
    for av in [AutoVacuum::None, AutoVacuum::Full] {
        let (mut db, t, i) = build(av);
        db.pager.begin_write().unwrap();
        common::add_schema(&mut db.pager, "table", "t", "t", t, "CREATE TABLE t(a)");
        common::add_schema(
            &mut db.pager,
            "index",
            "i",
            "t",
            i,
            "CREATE INDEX i ON t(a)",
        );
        commit(&mut db.pager);
        let trees = [
            (t, TreeKind::Table),
            (i, TreeKind::Index(KeyInfo::binary(2))),
        ];
        db.pager.begin_read().unwrap();
        assert_eq!(our_integrity(&db.pager, &trees), Vec::<String>::new());
        db.pager.end_read().unwrap();
        let path = db.path.clone();
        drop(db.pager);
        assert_eq!(integrity_check(&path), "ok");
        let pristine = std::fs::read(&path).unwrap();
        for _ in 0..iters {
            let mut bytes = pristine.clone();
            let pages = bytes.len() / 512;
            let pg = 1 + rng.below(pages as u64 - 1) as usize;
            let off = pg * 512 + rng.below(512) as usize;
            bytes[off] ^= 1 << rng.below(8);
            std::fs::write(&path, &bytes).unwrap();
            let mut p =
                Pager::open(Arc::new(OsVfs::new()), &path, PagerOptions::default()).unwrap();
            let ours = match p.begin_read() {
                Ok(()) => our_integrity(&p, &trees),
                Err(e) => vec![e.message],
            };
            drop(p);
            let theirs = rusqlite::Connection::open(&path)
                .and_then(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)))
                .unwrap_or_else(|e| e.to_string());
            match (ours.is_empty(), theirs == "ok") {
                (true, true) => clean += 1,
                (false, false) => both += 1,
                (true, false) => only_sqlite += 1,
                (false, true) => panic!("false alarm: we report {ours:?}, SQLite says ok"),
            }
        }
    }
    eprintln!("integrity: both {both}, SQLite only {only_sqlite}, clean {clean}");
    assert!(
        both > 0,
        "damage detected by both ({both}), SQLite only ({only_sqlite}), clean ({clean})"
    );
}
