//! Table B-trees against a BTreeMap model: random inserts, overwrites and
//! deletes with payloads up to 3 pages, every page size class, with and
//! without auto-vacuum; then SQLite's integrity check and SQLite reading
//! the same rows.

mod common;

use chorus_storage::btree::{create_tree, BTreeCursor, SeekOp, TreeKind, TreeType};
use chorus_storage::pager::{AutoVacuum, Pager};
use chorus_storage::record::{encode_record, RecordReader};
use chorus_storage::{PageNo, RowId, ValueRef};
use common::*;
use std::collections::BTreeMap;

fn blob_of(payload: &[u8]) -> Vec<u8> {
    match RecordReader::new(payload).unwrap().column(0).unwrap() {
        ValueRef::Blob(b) => b.to_vec(),
        v => panic!("unexpected {v:?}"),
    }
}

fn check_cursor(pager: &Pager, root: PageNo, model: &BTreeMap<i64, Vec<u8>>, rng: &mut Rng) {
    let mut c = BTreeCursor::new(root, TreeKind::Table);
    let mut got = Vec::new();
    let mut ok = c.first(pager).unwrap();
    while ok {
        got.push((c.rowid().unwrap().0, blob_of(&c.payload(pager).unwrap())));
        ok = c.next(pager).unwrap();
    }
    let want: Vec<(i64, Vec<u8>)> = model.iter().map(|(k, v)| (*k, v.clone())).collect();
    assert_eq!(got.len(), want.len(), "forward count");
    assert!(got == want, "forward contents differ");
    let mut back = Vec::new();
    let mut ok = c.last(pager).unwrap();
    while ok {
        back.push(c.rowid().unwrap().0);
        ok = c.prev(pager).unwrap();
    }
    back.reverse();
    assert_eq!(back, model.keys().copied().collect::<Vec<_>>(), "backward");
    for _ in 0..50 {
        let k = rng.below(4000) as i64 - 2000;
        for op in seek_ops() {
            let found = c.seek_rowid(pager, RowId(k), op).unwrap();
            let expect = match op {
                SeekOp::Eq => model.get_key_value(&k).map(|x| *x.0),
                SeekOp::Ge => model.range(k..).next().map(|x| *x.0),
                SeekOp::Gt => model.range(k + 1..).next().map(|x| *x.0),
                SeekOp::Le => model.range(..=k).next_back().map(|x| *x.0),
                SeekOp::Lt => model.range(..k).next_back().map(|x| *x.0),
            };
            assert_eq!(found, expect.is_some(), "seek {op:?} {k}");
            if let Some(e) = expect {
                assert_eq!(c.rowid().unwrap().0, e, "seek {op:?} {k}");
            }
        }
    }
}

fn payload_len(rng: &mut Rng, ps: usize) -> usize {
    match rng.below(10) {
        0 => rng.below(3 * ps as u64) as usize,
        1 | 2 => rng.below(ps as u64 / 2) as usize,
        _ => rng.below(60) as usize,
    }
}

fn run(ps: usize, av: AutoVacuum, ops: usize, seed: u64) {
    run_reserved(ps, av, ops, seed, 0)
}

fn run_reserved(ps: usize, av: AutoVacuum, ops: usize, seed: u64, reserved: u8) {
    let mut db = open_db_reserved(ps, av, reserved);
    let mut rng = Rng(seed);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let root = create_tree(p, TreeType::Table).unwrap();
    add_schema(p, "table", "t", "t", root, "CREATE TABLE t(a)");
    commit(p);
    let mut model: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
    let mut c = BTreeCursor::new(root, TreeKind::Table);
    let mut done = 0;
    while done < ops {
        p.begin_write().unwrap();
        let batch = (rng.below(ops as u64 / 4 + 1) as usize + 1).min(ops - done);
        // Phases: mostly inserts early, mostly deletes late.
        for _ in 0..batch {
            done += 1;
            let delete_bias = if done * 3 > ops * 2 { 7 } else { 3 };
            let r = rng.below(10);
            if r < delete_bias && !model.is_empty() {
                let k = if rng.below(4) == 0 {
                    rng.below(4000) as i64 - 2000
                } else {
                    let n = model.len();
                    *model.keys().nth(rng.below(n as u64) as usize).unwrap()
                };
                if c.seek_rowid(p, RowId(k), SeekOp::Eq).unwrap() {
                    c.delete(p).unwrap();
                    assert!(model.remove(&k).is_some());
                    // The cursor rests on the successor.
                    let succ = model.range(k..).next().map(|x| *x.0);
                    assert_eq!(c.next(p).unwrap(), succ.is_some());
                    if let Some(s) = succ {
                        assert_eq!(c.rowid().unwrap().0, s);
                    }
                } else {
                    assert!(!model.contains_key(&k));
                }
            } else {
                let k = if r == 9 {
                    model.keys().next_back().map_or(1, |m| m + 1)
                } else {
                    rng.below(4000) as i64 - 2000
                };
                let len = payload_len(&mut rng, ps);
                let blob = rng.bytes(len);
                let mut rec = Vec::new();
                encode_record(&[ValueRef::Blob(&blob)], &mut rec);
                c.insert(p, RowId(k), &rec).unwrap();
                assert_eq!(c.rowid().unwrap().0, k);
                model.insert(k, blob);
            }
        }
        if rng.below(5) == 0 {
            p.rollback().unwrap();
            // Rebuild the model from the file (rollback restores the last commit).
            model.clear();
            let mut ok = c.first(p).unwrap();
            while ok {
                model.insert(c.rowid().unwrap().0, blob_of(&c.payload(p).unwrap()));
                ok = c.next(p).unwrap();
            }
        } else {
            commit(p);
        }
    }
    p.begin_read().unwrap();
    assert_eq!(
        our_integrity(p, &[(root, TreeKind::Table)]),
        Vec::<String>::new()
    );
    check_cursor(p, root, &model, &mut rng);
    assert_eq!(
        chorus_storage::btree::count_entries(p, root).unwrap(),
        model.len() as u64
    );
    p.end_read().unwrap();
    drop(db.pager);
    assert_eq!(
        integrity_check(&db.path),
        "ok",
        "ps={ps} av={av:?} seed={seed}"
    );
    if let Some(v) = shell_integrity_check(&db.path) {
        assert_eq!(v, "ok", "sqlite3 shell: ps={ps} av={av:?} seed={seed}");
    }
    let sdb = rusqlite::Connection::open(&db.path).unwrap();
    let rows: Vec<(i64, Vec<u8>)> = sdb
        .prepare("SELECT rowid, a FROM t ORDER BY rowid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let want: Vec<(i64, Vec<u8>)> = model.into_iter().collect();
    assert!(
        rows == want,
        "SQLite reads different rows (ps={ps} av={av:?} seed={seed})"
    );
    if av == AutoVacuum::Full {
        let free: i64 = sdb
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .unwrap();
        assert_eq!(free, 0, "full auto-vacuum leaves no free pages");
    }
}

fn ops_for(ps: usize) -> usize {
    op_count(if ps >= 65536 { 300 } else { 1500 }, 100_000)
}

#[test]
fn table_512() {
    for (i, av) in [AutoVacuum::None, AutoVacuum::Full, AutoVacuum::Incremental]
        .into_iter()
        .enumerate()
    {
        run(512, av, ops_for(512), 0x9e3779b97f4a7c15 ^ i as u64);
    }
}

#[test]
fn table_1024() {
    for (i, av) in [AutoVacuum::None, AutoVacuum::Full].into_iter().enumerate() {
        run(1024, av, ops_for(1024), 0x1234_5678 + i as u64);
    }
}

#[test]
fn table_4096() {
    for (i, av) in [AutoVacuum::None, AutoVacuum::Full, AutoVacuum::Incremental]
        .into_iter()
        .enumerate()
    {
        run(4096, av, ops_for(4096), 0xdead_beef + i as u64);
    }
}

#[test]
fn table_65536() {
    for (i, av) in [AutoVacuum::None, AutoVacuum::Full].into_iter().enumerate() {
        run(65536, av, ops_for(65536), 0xfeed + i as u64);
    }
}

/// Reserved bytes at the end of each page shrink the usable size (and so
/// every payload threshold).
#[test]
fn table_reserved_bytes() {
    run_reserved(1024, AutoVacuum::None, op_count(800, 50_000), 77, 40);
    run_reserved(512, AutoVacuum::Full, op_count(800, 50_000), 78, 32);
}
