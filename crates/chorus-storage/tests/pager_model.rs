//! Model-based property test: random allocate / free / write / commit /
//! rollback / reopen sequences against a simple model of which pages are in
//! use, which are free and what they contain; at the end SQLite's
//! `integrity_check` must accept the file (including pointer maps).

use chorus_storage::pager::{AutoVacuum, Pager, PagerOptions};
use chorus_storage::vfs::OsVfs;
use chorus_storage::PageNo;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

#[derive(Debug, Clone)]
enum Op {
    Alloc(u8),
    Free(usize),
    Write(usize, u8),
    Commit,
    Rollback,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u8..40).prop_map(Op::Alloc),
        3 => any::<usize>().prop_map(Op::Free),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Op::Write(i, b)),
        2 => Just(Op::Commit),
        1 => Just(Op::Rollback),
        1 => Just(Op::Reopen),
    ]
}

#[derive(Clone, Default, Debug)]
struct Model {
    /// page -> fill byte
    used: BTreeMap<u32, u8>,
    free: BTreeSet<u32>,
}

fn check(p: &Pager, m: &Model) {
    let free: BTreeSet<u32> = p
        .freelist_pages()
        .unwrap()
        .iter()
        .map(|x| x.get())
        .collect();
    assert_eq!(free, m.free);
    assert_eq!(p.header().freelist_count as usize, m.free.len());
    for (&pg, &b) in &m.used {
        let page = p.read(PageNo(pg)).unwrap();
        assert!(
            page.iter().all(|&x| x == b),
            "page {pg} should be filled with {b}"
        );
    }
    // every page is page 1, a pointer-map page, used or free
    for pg in 2..=p.page_count() {
        let known =
            m.used.contains_key(&pg) || m.free.contains(&pg) || p.is_ptrmap_page(PageNo(pg));
        assert!(known, "page {pg} is neither used, free nor a pointer map");
    }
}

fn run(ops: Vec<Op>, auto_vacuum: AutoVacuum) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let path = path.to_str().unwrap().to_string();
    let opts = PagerOptions {
        page_size: 512,
        cache_size: 12,
        auto_vacuum,
        ..PagerOptions::default()
    };
    let open = || Pager::open(Arc::new(OsVfs), &path, opts.clone()).unwrap();
    let mut p = open();
    let mut committed = Model::default();
    let mut m = Model::default();
    for op in ops {
        if !p.in_write_txn() {
            p.begin_write().unwrap();
        }
        match op {
            Op::Alloc(n) => {
                for _ in 0..n {
                    let pg = p.allocate().unwrap().get();
                    assert!(
                        m.free.remove(&pg) || !m.used.contains_key(&pg),
                        "page {pg} handed out twice"
                    );
                    assert!(!p.is_ptrmap_page(PageNo(pg)));
                    assert!(p.read(PageNo(pg)).unwrap().iter().all(|&b| b == 0));
                    m.used.insert(pg, 0);
                }
            }
            Op::Free(i) => {
                if !m.used.is_empty() {
                    let pg = *m.used.keys().nth(i % m.used.len()).unwrap();
                    p.free(PageNo(pg)).unwrap();
                    m.used.remove(&pg);
                    m.free.insert(pg);
                }
            }
            Op::Write(i, b) => {
                if !m.used.is_empty() {
                    let pg = *m.used.keys().nth(i % m.used.len()).unwrap();
                    p.write(PageNo(pg)).unwrap().fill(b);
                    m.used.insert(pg, b);
                }
            }
            Op::Commit => {
                p.commit().unwrap();
                committed = m.clone();
            }
            Op::Rollback => {
                p.rollback().unwrap();
                m = committed.clone();
            }
            Op::Reopen => {
                drop(p);
                p = open();
                m = committed.clone();
                p.begin_read().unwrap();
            }
        }
        check(&p, &m);
    }
    // give every used page back so SQLite sees only free pages, then let it judge
    if !p.in_write_txn() {
        p.begin_write().unwrap();
    }
    for pg in m.used.keys() {
        p.free(PageNo(*pg)).unwrap();
    }
    p.commit().unwrap();
    drop(p);
    let c = rusqlite::Connection::open(&path).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let n: i64 = c
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, m.used.len() + m.free.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn pager_matches_model(ops in prop::collection::vec(op(), 1..60)) {
        run(ops, AutoVacuum::None);
    }

    #[test]
    fn auto_vacuum_pager_matches_model(ops in prop::collection::vec(op(), 1..60)) {
        run(ops, AutoVacuum::Full);
    }
}
