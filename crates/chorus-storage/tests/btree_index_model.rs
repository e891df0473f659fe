//! Index B-trees against a model: a table t(a) and an index on t(a) kept in
//! step (index entry = record(a, rowid)), random inserts/overwrites/deletes
//! with keys up to 3 pages long; then SQLite's integrity check, which also
//! verifies that every row has its index entry, in order.

mod common;

use chorus_storage::btree::{create_tree, BTreeCursor, SeekOp, TreeKind, TreeType};
use chorus_storage::pager::{AutoVacuum, Pager};
use chorus_storage::record::{encode_record, KeyInfo, RecordReader};
use chorus_storage::{PageNo, RowId, Value, ValueRef};
use common::*;
use std::collections::{BTreeMap, BTreeSet};

fn idx_rec(blob: &[u8], rowid: i64) -> Vec<u8> {
    let mut r = Vec::new();
    encode_record(&[ValueRef::Blob(blob), ValueRef::Integer(rowid)], &mut r);
    r
}

fn check_index(pager: &Pager, iroot: PageNo, model: &BTreeMap<i64, Vec<u8>>, rng: &mut Rng) {
    let want: BTreeSet<(Vec<u8>, i64)> = model.iter().map(|(k, v)| (v.clone(), *k)).collect();
    let mut c = BTreeCursor::new(iroot, TreeKind::Index(KeyInfo::binary(2)));
    let mut got = Vec::new();
    let mut ok = c.first(pager).unwrap();
    while ok {
        let p = c.payload(pager).unwrap();
        let r = RecordReader::new(&p).unwrap();
        let (Value::Blob(b), Value::Integer(i)) = (
            r.column(0).unwrap().to_owned(),
            r.column(1).unwrap().to_owned(),
        ) else {
            panic!("bad index record")
        };
        got.push((b, i));
        ok = c.next(pager).unwrap();
    }
    assert_eq!(got.len(), want.len(), "index count");
    assert!(got.iter().eq(want.iter()), "index order/content");
    let mut n = 0;
    let mut ok = c.last(pager).unwrap();
    while ok {
        n += 1;
        ok = c.prev(pager).unwrap();
    }
    assert_eq!(n, want.len(), "backward count");
    // Prefix seeks on the blob column alone.
    let keys: Vec<&(Vec<u8>, i64)> = want.iter().collect();
    for _ in 0..40 {
        let probe: Vec<u8> = if !keys.is_empty() && rng.below(2) == 0 {
            keys[rng.below(keys.len() as u64) as usize].0.clone()
        } else {
            let n = rng.below(3) as usize;
            rng.bytes(n)
        };
        for op in seek_ops() {
            let found = c.seek_key(pager, &[ValueRef::Blob(&probe)], op).unwrap();
            let expect = match op {
                SeekOp::Eq => want.iter().find(|e| e.0 == probe),
                SeekOp::Ge => want.iter().find(|e| e.0 >= probe),
                SeekOp::Gt => want.iter().find(|e| e.0 > probe),
                SeekOp::Le => want.iter().rev().find(|e| e.0 <= probe),
                SeekOp::Lt => want.iter().rev().find(|e| e.0 < probe),
            };
            assert_eq!(found, expect.is_some(), "seek {op:?}");
            if let Some(e) = expect {
                let p = c.payload(pager).unwrap();
                let r = RecordReader::new(&p).unwrap();
                assert_eq!(r.column(1).unwrap(), ValueRef::Integer(e.1), "seek {op:?}");
            }
        }
    }
}

fn run(ps: usize, av: AutoVacuum, ops: usize, seed: u64) {
    let mut db = open_db(ps, av);
    let mut rng = Rng(seed);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let troot = create_tree(p, TreeType::Table).unwrap();
    add_schema(p, "table", "t", "t", troot, "CREATE TABLE t(a)");
    let iroot = create_tree(p, TreeType::Index).unwrap();
    add_schema(p, "index", "i", "t", iroot, "CREATE INDEX i ON t(a)");
    commit(p);
    let mut model: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
    let mut tc = BTreeCursor::new(troot, TreeKind::Table);
    let mut ic = BTreeCursor::new(iroot, TreeKind::Index(KeyInfo::binary(2)));
    let mut done = 0;
    let keyspace = (ops as u64 / 2).max(50);
    while done < ops {
        p.begin_write().unwrap();
        let batch = (rng.below(ops as u64 / 4 + 1) as usize + 1).min(ops - done);
        for _ in 0..batch {
            done += 1;
            let del_bias = if done * 3 > ops * 2 { 7 } else { 3 };
            let k = rng.below(keyspace) as i64;
            let old = model.get(&k).cloned();
            if let Some(old) = &old {
                // Remove the old index entry (exact seek on the full key).
                assert!(ic
                    .seek_key(p, &[ValueRef::Blob(old), ValueRef::Integer(k)], SeekOp::Eq)
                    .unwrap());
                ic.delete(p).unwrap();
            }
            if old.is_some() && rng.below(10) < del_bias {
                assert!(tc.seek_rowid(p, RowId(k), SeekOp::Eq).unwrap());
                tc.delete(p).unwrap();
                model.remove(&k);
                continue;
            }
            let len = match rng.below(10) {
                0 => rng.below(3 * ps as u64) as usize,
                1 => rng.below(ps as u64 / 3) as usize,
                _ => rng.below(40) as usize,
            };
            // Shared prefixes make comparisons go deep.
            let mut blob = vec![rng.below(4) as u8; rng.below(3) as usize];
            blob.extend(rng.bytes(len));
            let mut rec = Vec::new();
            encode_record(&[ValueRef::Blob(&blob)], &mut rec);
            tc.insert(p, RowId(k), &rec).unwrap();
            ic.insert(p, RowId(0), &idx_rec(&blob, k)).unwrap();
            // Inserting an equal key again overwrites (no duplicate).
            if rng.below(8) == 0 {
                ic.insert(p, RowId(0), &idx_rec(&blob, k)).unwrap();
            }
            model.insert(k, blob);
        }
        commit(p);
    }
    p.begin_read().unwrap();
    assert_eq!(
        our_integrity(
            p,
            &[
                (troot, TreeKind::Table),
                (iroot, TreeKind::Index(KeyInfo::binary(2)))
            ]
        ),
        Vec::<String>::new()
    );
    check_index(p, iroot, &model, &mut rng);
    assert_eq!(
        chorus_storage::btree::count_entries(p, iroot).unwrap(),
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
    let n: i64 = sdb
        .query_row(
            "SELECT count(*) FROM t INDEXED BY i WHERE a IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n as usize, model.len());
}

fn ops() -> usize {
    op_count(1200, 100_000)
}

#[test]
fn index_512() {
    run(512, AutoVacuum::None, ops(), 11);
    run(512, AutoVacuum::Full, ops(), 12);
}

#[test]
fn index_1024() {
    run(1024, AutoVacuum::Incremental, ops(), 13);
    run(1024, AutoVacuum::None, ops(), 14);
}

#[test]
fn index_4096() {
    run(4096, AutoVacuum::None, ops(), 15);
    run(4096, AutoVacuum::Full, ops(), 16);
}

#[test]
fn index_65536() {
    run(65536, AutoVacuum::None, ops() / 4, 17);
}
