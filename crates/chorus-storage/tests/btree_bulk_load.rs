//! Bulk load (`BulkLoader`) of an index tree against inserting the same
//! entries one by one: a table t(a) with random blobs (some spilling to
//! overflow pages, shared prefixes), index `i` bulk-loaded from the sorted
//! entries and index `j` built by `insert`. Both must hold the same entries
//! in the same order, pass our integrity check and SQLite's (which also
//! checks every row's entry), and be usable by SQLite.

mod common;

use chorus_storage::btree::{
    count_entries, create_tree, BTreeCursor, BulkLoader, TreeKind, TreeType,
};
use chorus_storage::pager::{AutoVacuum, Pager};
use chorus_storage::record::{encode_record, KeyInfo};
use chorus_storage::{PageNo, RowId, ValueRef};
use common::*;
use std::collections::BTreeSet;

fn entries(pager: &Pager, root: PageNo) -> Vec<Vec<u8>> {
    let mut c = BTreeCursor::new(root, TreeKind::Index(KeyInfo::binary(2)));
    let mut out = Vec::new();
    let mut ok = c.first(pager).unwrap();
    while ok {
        out.push(c.payload(pager).unwrap().into_owned());
        ok = c.next(pager).unwrap();
    }
    // Backwards too (interior entries are visited on the way up).
    let mut n = 0;
    let mut ok = c.last(pager).unwrap();
    while ok {
        n += 1;
        ok = c.prev(pager).unwrap();
    }
    assert_eq!(n, out.len(), "backward count");
    out
}

/// Blob lengths: mostly short, some up to `big` bytes (overflow chains).
fn run(ps: usize, av: AutoVacuum, rows: usize, big: usize, seed: u64) {
    let mut db = open_db(ps, av);
    let mut rng = Rng(seed);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let troot = create_tree(p, TreeType::Table).unwrap();
    add_schema(p, "table", "t", "t", troot, "CREATE TABLE t(a)");
    let mut tc = BTreeCursor::new(troot, TreeKind::Table);
    let mut sorted = BTreeSet::new();
    for k in 1..=rows as i64 {
        let len = match rng.below(12) {
            0 => rng.below(big as u64 + 1) as usize,
            _ => rng.below(30) as usize,
        };
        let mut blob = vec![rng.below(3) as u8; rng.below(4) as usize];
        blob.extend(rng.bytes(len));
        let mut rec = Vec::new();
        encode_record(&[ValueRef::Blob(&blob)], &mut rec);
        tc.insert(p, RowId(k), &rec).unwrap();
        sorted.insert((blob, k));
    }
    let iroot = create_tree(p, TreeType::Index).unwrap();
    add_schema(p, "index", "i", "t", iroot, "CREATE INDEX i ON t(a)");
    let jroot = create_tree(p, TreeType::Index).unwrap();
    add_schema(p, "index", "j", "t", jroot, "CREATE INDEX j ON t(a)");
    let mut loader = BulkLoader::new(p, iroot).unwrap();
    let mut jc = BTreeCursor::new(jroot, TreeKind::Index(KeyInfo::binary(2)));
    let mut rec = Vec::new();
    for (blob, k) in &sorted {
        rec.clear();
        encode_record(&[ValueRef::Blob(blob), ValueRef::Integer(*k)], &mut rec);
        loader.push(p, &rec).unwrap();
        jc.insert(p, RowId(0), &rec).unwrap();
    }
    loader.finish(p).unwrap();
    commit(p);
    p.begin_read().unwrap();
    let ki = || TreeKind::Index(KeyInfo::binary(2));
    assert_eq!(
        our_integrity(p, &[(troot, TreeKind::Table), (iroot, ki()), (jroot, ki())]),
        Vec::<String>::new(),
        "ps={ps} av={av:?} rows={rows}"
    );
    let bulk = entries(p, iroot);
    assert_eq!(bulk.len(), rows);
    assert!(bulk == entries(p, jroot), "bulk and insert differ");
    assert_eq!(count_entries(p, iroot).unwrap(), rows as u64);
    p.end_read().unwrap();
    drop(db.pager);
    let ctx = format!("ps={ps} av={av:?} rows={rows} seed={seed}");
    assert_eq!(integrity_check(&db.path), "ok", "{ctx}");
    if let Some(v) = shell_integrity_check(&db.path) {
        assert_eq!(v, "ok", "sqlite3 shell: {ctx}");
    }
    let sdb = rusqlite::Connection::open(&db.path).unwrap();
    let n: i64 = sdb
        .query_row(
            "SELECT count(*) FROM t INDEXED BY i WHERE a IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n as usize, rows, "{ctx}");
    // SQLite writes into the bulk-built tree: inserts and deletes through
    // it must keep it sound.
    sdb.execute_batch(
        "INSERT INTO t(a) SELECT a || x'00' FROM t WHERE rowid % 3 = 0;
         DELETE FROM t WHERE rowid % 5 = 0;",
    )
    .unwrap();
    let ok: String = sdb
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "after SQLite writes: {ctx}");
}

#[test]
fn bulk_small_trees() {
    // Empty, one entry, one page, and just past one page.
    for rows in [0, 1, 2, 5, 20, 40, 60] {
        run(512, AutoVacuum::None, rows, 100, 3 + rows as u64);
    }
}

#[test]
fn bulk_512() {
    run(512, AutoVacuum::None, op_count(3000, 60_000), 1500, 21);
    run(512, AutoVacuum::Full, op_count(2000, 40_000), 1500, 22);
}

#[test]
fn bulk_1024_incremental() {
    run(
        1024,
        AutoVacuum::Incremental,
        op_count(3000, 60_000),
        3000,
        23,
    );
}

#[test]
fn bulk_4096() {
    run(4096, AutoVacuum::None, op_count(20_000, 300_000), 200, 24);
    run(4096, AutoVacuum::Full, op_count(5_000, 100_000), 12_000, 25);
}

#[test]
fn bulk_many_seeds_small_pages() {
    // Many shapes: the last entry falling just after a full page at
    // every level is what `finish` must split.
    for seed in 0..40u64 {
        let rows = 50 + (seed as usize * 37) % 700;
        run(512, AutoVacuum::None, rows, 600, 100 + seed);
    }
}

#[test]
fn bulk_needs_empty_tree() {
    let mut db = open_db(1024, AutoVacuum::None);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let root = create_tree(p, TreeType::Index).unwrap();
    let mut c = BTreeCursor::new(root, TreeKind::Index(KeyInfo::binary(1)));
    let mut rec = Vec::new();
    encode_record(&[ValueRef::Integer(1)], &mut rec);
    c.insert(p, RowId(0), &rec).unwrap();
    assert!(BulkLoader::new(p, root).is_err());
    let troot = create_tree(p, TreeType::Table).unwrap();
    assert!(BulkLoader::new(p, troot).is_err());
}
