//! Rough throughput numbers (run with `--release -- --ignored --nocapture`).

mod common;

use chorus_storage::btree::{create_tree, BTreeCursor, SeekOp, TreeKind, TreeType};
use chorus_storage::pager::AutoVacuum;
use chorus_storage::record::{encode_record, KeyInfo};
use chorus_storage::{RowId, ValueRef};
use common::*;
use std::time::Instant;

#[test]
#[ignore]
fn bench_inserts() {
    let n = 200_000i64;
    let mut db = open_db(4096, AutoVacuum::None);
    let p = &mut db.pager;
    p.set_cache_size(-64_000);
    p.begin_write().unwrap();
    let t = create_tree(p, TreeType::Table).unwrap();
    let i = create_tree(p, TreeType::Index).unwrap();
    let mut c = BTreeCursor::new(t, TreeKind::Table);
    let blob = [7u8; 80];
    let mut rec = Vec::new();
    encode_record(&[ValueRef::Blob(&blob)], &mut rec);
    let s = Instant::now();
    for k in 0..n {
        c.insert(p, RowId(k), &rec).unwrap();
    }
    eprintln!(
        "sequential table inserts: {:.0}/s",
        n as f64 / s.elapsed().as_secs_f64()
    );
    let mut rng = Rng(42);
    let s = Instant::now();
    for _ in 0..n {
        c.insert(p, RowId(n + rng.below(1 << 40) as i64), &rec)
            .unwrap();
    }
    eprintln!(
        "random table inserts: {:.0}/s",
        n as f64 / s.elapsed().as_secs_f64()
    );
    let mut ic = BTreeCursor::new(i, TreeKind::Index(KeyInfo::binary(2)));
    let s = Instant::now();
    for k in 0..n {
        let mut r = Vec::new();
        encode_record(
            &[
                ValueRef::Integer(rng.below(1 << 30) as i64),
                ValueRef::Integer(k),
            ],
            &mut r,
        );
        ic.insert(p, RowId(0), &r).unwrap();
    }
    eprintln!(
        "random index inserts: {:.0}/s",
        n as f64 / s.elapsed().as_secs_f64()
    );
    let s = Instant::now();
    let mut ok = c.first(p).unwrap();
    let mut cnt = 0;
    while ok {
        cnt += c.payload(p).unwrap().len();
        ok = c.next(p).unwrap();
    }
    eprintln!(
        "scan: {:.0} rows/s ({cnt})",
        2.0 * n as f64 / s.elapsed().as_secs_f64()
    );
    let s = Instant::now();
    for _ in 0..n {
        c.seek_rowid(p, RowId(rng.below(n as u64) as i64), SeekOp::Eq)
            .unwrap();
    }
    eprintln!("point seeks: {:.0}/s", n as f64 / s.elapsed().as_secs_f64());
    let s = Instant::now();
    for k in 0..n / 2 {
        if c.seek_rowid(p, RowId(k * 2), SeekOp::Eq).unwrap() {
            c.delete(p).unwrap();
        }
    }
    eprintln!(
        "deletes: {:.0}/s",
        (n / 2) as f64 / s.elapsed().as_secs_f64()
    );
    let s = Instant::now();
    commit(p);
    eprintln!("commit: {:?}", s.elapsed());
}
