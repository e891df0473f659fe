//! Proptest (with shrinking) of table and index trees against a BTreeMap
//! model, including extreme rowids (9-byte varints) and empty payloads;
//! every case ends with SQLite's integrity check and a read-back.

mod common;

use chorus_storage::btree::{create_tree, BTreeCursor, SeekOp, TreeKind, TreeType};
use chorus_storage::pager::AutoVacuum;
use chorus_storage::record::{encode_record, KeyInfo};
use chorus_storage::{RowId, ValueRef};
use common::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Op {
    Put(i64, usize, u8),
    Del(i64),
    DelNth(usize),
}

fn key() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -300i64..300,
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
        1 => any::<i64>(),
    ]
}

fn op(ps: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (key(), prop_oneof![4 => 0usize..80, 1 => 0usize..3 * ps], any::<u8>()).prop_map(|(k, l, b)| Op::Put(k, l, b)),
        1 => key().prop_map(Op::Del),
        2 => any::<usize>().prop_map(Op::DelNth),
    ]
}

fn config() -> impl Strategy<Value = (usize, AutoVacuum)> {
    (
        prop_oneof![Just(512usize), Just(1024), Just(4096)],
        prop_oneof![
            Just(AutoVacuum::None),
            Just(AutoVacuum::Full),
            Just(AutoVacuum::Incremental)
        ],
    )
}

fn cases() -> u32 {
    if soak() {
        512
    } else {
        24
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn table_and_index_match_model(((ps, av), ops) in config().prop_flat_map(|(ps, av)| (Just((ps, av)), proptest::collection::vec(op(ps), 1..400)))) {
        let mut db = open_db(ps, av);
        let p = &mut db.pager;
        p.begin_write().unwrap();
        let t = create_tree(p, TreeType::Table).unwrap();
        add_schema(p, "table", "t", "t", t, "CREATE TABLE t(a)");
        let i = create_tree(p, TreeType::Index).unwrap();
        add_schema(p, "index", "i", "t", i, "CREATE INDEX i ON t(a)");
        let mut tc = BTreeCursor::new(t, TreeKind::Table);
        let mut ic = BTreeCursor::new(i, TreeKind::Index(KeyInfo::binary(2)));
        let mut model: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
        let del = |k: i64, model: &mut BTreeMap<i64, Vec<u8>>, tc: &mut BTreeCursor, ic: &mut BTreeCursor, p: &mut chorus_storage::pager::Pager| {
            if let Some(old) = model.remove(&k) {
                assert!(tc.seek_rowid(p, RowId(k), SeekOp::Eq).unwrap());
                tc.delete(p).unwrap();
                assert!(ic.seek_key(p, &[ValueRef::Blob(&old), ValueRef::Integer(k)], SeekOp::Eq).unwrap());
                ic.delete(p).unwrap();
            } else {
                assert!(!tc.seek_rowid(p, RowId(k), SeekOp::Eq).unwrap());
            }
        };
        for op in ops {
            match op {
                Op::Put(k, len, b) => {
                    del(k, &mut model, &mut tc, &mut ic, p);
                    let blob: Vec<u8> = (0..len).map(|j| b.wrapping_add((j / 7) as u8)).collect();
                    let mut rec = Vec::new();
                    encode_record(&[ValueRef::Blob(&blob)], &mut rec);
                    tc.insert(p, RowId(k), &rec).unwrap();
                    let mut irec = Vec::new();
                    encode_record(&[ValueRef::Blob(&blob), ValueRef::Integer(k)], &mut irec);
                    ic.insert(p, RowId(0), &irec).unwrap();
                    model.insert(k, blob);
                }
                Op::Del(k) => del(k, &mut model, &mut tc, &mut ic, p),
                Op::DelNth(n) => {
                    if !model.is_empty() {
                        let k = *model.keys().nth(n % model.len()).unwrap();
                        del(k, &mut model, &mut tc, &mut ic, p);
                    }
                }
            }
        }
        commit(p);
        let mut got = Vec::new();
        let mut ok = tc.first(p).unwrap();
        while ok {
            got.push(tc.rowid().unwrap().0);
            ok = tc.next(p).unwrap();
        }
        prop_assert_eq!(got, model.keys().copied().collect::<Vec<_>>());
        drop(db.pager);
        prop_assert_eq!(integrity_check(&db.path), "ok");
        let sdb = rusqlite::Connection::open(&db.path).unwrap();
        let rows: Vec<(i64, Vec<u8>)> = sdb
            .prepare("SELECT rowid, a FROM t ORDER BY rowid").unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
            .map(|r| r.unwrap()).collect();
        prop_assert!(rows == model.into_iter().collect::<Vec<_>>());
    }
}
