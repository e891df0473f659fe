//! Files the B-tree module edits: the integrity checker and SQLite's
//! `PRAGMA integrity_check` must agree that they are sound (the checker is
//! the independent witness of B-tree, freelist and pointer-map writes).

mod integrity_support;

use chorus_storage::btree::{autovacuum_commit, BTreeCursor, SeekOp, TreeKind};
use chorus_storage::integrity::{check_integrity, schema_trees, TreeShape};
use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::record::{encode_record_enc, TextEncoding};
use chorus_storage::vfs::OsVfs;
use chorus_storage::{RowId, ValueRef};
use integrity_support::{build_db, sqlite_check};
use std::path::Path;
use std::sync::Arc;

/// Insert, overwrite and delete (small and overflowing rows) in the table
/// `scratch`, which has no index, so that SQLite's index-vs-table checks
/// stay valid; then commit (with the auto-vacuum step) and check.
fn edit(path: &Path, seed: u64) {
    let mut pager = Pager::open(
        Arc::new(OsVfs),
        path.to_str().unwrap(),
        PagerOptions::default(),
    )
    .unwrap();
    pager.begin_read().unwrap();
    let roots = schema_trees(&pager).unwrap();
    let enc = TextEncoding::from_header(pager.header().text_encoding).unwrap();
    pager.end_read().unwrap();
    pager.begin_write().unwrap();
    let usable = pager.usable_size();
    let mut rng = seed | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for (root, shape, name) in &roots {
        if name != "scratch" {
            continue;
        }
        assert!(matches!(shape, TreeShape::Table));
        let mut c = BTreeCursor::new(*root, TreeKind::Table);
        for i in 0..400i64 {
            let size = match next() % 4 {
                0 => 1,
                1 => (next() % 64) as usize,
                2 => usable / 2 + (next() as usize % usable),
                _ => (next() as usize) % (3 * usable),
            };
            let blob = vec![(i % 251) as u8; size];
            let mut rec = Vec::new();
            encode_record_enc(
                &[ValueRef::Integer(i), ValueRef::Blob(&blob)],
                enc,
                &mut rec,
            );
            let rowid = (next() % 2000) as i64;
            c.insert(&mut pager, RowId(rowid), &rec).unwrap();
        }
        for _ in 0..150 {
            let k = (next() % 2000) as i64;
            if c.seek_rowid(&pager, RowId(k), SeekOp::Ge).unwrap() {
                c.delete(&mut pager).unwrap();
            }
        }
    }
    autovacuum_commit(&mut pager).unwrap();
    pager.commit().unwrap();
    pager.begin_read().unwrap();
    let errors = check_integrity(&pager, &roots, 100).unwrap();
    assert!(errors.is_empty(), "{errors:#?}");
    pager.end_read().unwrap();
}

fn round_trip(page_size: usize, auto_vacuum: &str, encoding: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    build_db(&path, page_size, auto_vacuum, encoding, 200);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE scratch(a, b);")
        .unwrap();
    for seed in [1u64, 0xdead_beef] {
        edit(&path, seed);
        assert_eq!(
            sqlite_check(&path),
            "ok",
            "page_size {page_size} {auto_vacuum}"
        );
    }
}

#[test]
fn btree_edits_stay_sound_without_auto_vacuum() {
    for ps in [512, 1024, 4096, 65536] {
        round_trip(ps, "NONE", "UTF-8");
    }
}

#[test]
fn btree_edits_stay_sound_with_auto_vacuum() {
    for ps in [512, 4096] {
        round_trip(ps, "FULL", "UTF-8");
        round_trip(ps, "INCREMENTAL", "UTF-16le");
    }
}
