//! Tree-level operations: drop (with auto-vacuum root relocation), clear,
//! incremental vacuum, deleting while iterating; checked by SQLite.

mod common;

use chorus_storage::btree::{
    clear_tree, count_entries, create_tree, drop_tree, incremental_vacuum, BTreeCursor, SeekOp,
    TreeKind, TreeType,
};
use chorus_storage::pager::{AutoVacuum, Pager};
use chorus_storage::record::{encode_record, KeyInfo, RecordReader};
use chorus_storage::schema::read_schema;
use chorus_storage::{PageNo, RowId, ValueRef};
use common::*;

fn fill(p: &mut Pager, root: PageNo, n: i64, tag: u8) {
    let mut c = BTreeCursor::new(root, TreeKind::Table);
    for i in 0..n {
        let blob = vec![tag; (i as usize * 97) % 2500];
        let mut rec = Vec::new();
        encode_record(&[ValueRef::Blob(&blob)], &mut rec);
        c.insert(p, RowId(i), &rec).unwrap();
    }
}

/// Remove the schema row named `name`; repoint a row whose rootpage is `from` to `to`.
fn schema_drop(p: &mut Pager, name: &str, moved: Option<(PageNo, PageNo)>) {
    let entries = read_schema(p).unwrap();
    let mut c = BTreeCursor::new(PageNo(1), TreeKind::Table);
    let e = entries.iter().find(|e| e.name == name).unwrap();
    assert!(c.seek_rowid(p, e.rowid, SeekOp::Eq).unwrap());
    c.delete(p).unwrap();
    if let Some((from, to)) = moved {
        let m = entries
            .iter()
            .find(|e| e.rootpage == from.get())
            .expect("moved root belongs to a schema row");
        let mut rec = Vec::new();
        encode_record(
            &[
                ValueRef::Text(m.kind.as_bytes()),
                ValueRef::Text(m.name.as_bytes()),
                ValueRef::Text(m.tbl_name.as_bytes()),
                ValueRef::Integer(to.get() as i64),
                ValueRef::Text(m.sql.as_deref().unwrap_or("").as_bytes()),
            ],
            &mut rec,
        );
        c.insert(p, m.rowid, &rec).unwrap();
    }
}

fn sqlite_count(path: &str, table: &str) -> i64 {
    let db = rusqlite::Connection::open(path).unwrap();
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn drop_and_vacuum(av: AutoVacuum, ps: usize) {
    let mut db = open_db(ps, av);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let mut roots = Vec::new();
    for t in 0..5u8 {
        let r = create_tree(p, TreeType::Table).unwrap();
        let name = format!("t{t}");
        add_schema(
            p,
            "table",
            &name,
            &name,
            r,
            &format!("CREATE TABLE {name}(a)"),
        );
        roots.push(r);
    }
    // Rows added after all roots exist, so data pages lie above the roots.
    for (t, r) in roots.iter().enumerate() {
        fill(p, *r, 60 + t as i64 * 10, t as u8);
    }
    commit(p);
    if av != AutoVacuum::None {
        // Roots are the lowest pages (after the pointer map), as in SQLite.
        let mut sorted = roots.clone();
        sorted.sort();
        assert_eq!(sorted, roots);
        assert_eq!(p.header().largest_root_page, roots[4].get());
    }
    // Drop a middle table: the last root moves into its slot.
    p.begin_write().unwrap();
    let moved = drop_tree(p, roots[1]).unwrap();
    if av == AutoVacuum::None {
        assert_eq!(moved, None);
    } else {
        assert_eq!(moved, Some((roots[4], roots[1])));
    }
    schema_drop(p, "t1", moved);
    commit(p);
    let pages_before = p.page_count();
    drop(db.pager);
    assert_eq!(integrity_check(&db.path), "ok", "after drop, av={av:?}");
    assert_eq!(sqlite_count(&db.path, "t4"), 100);
    assert_eq!(sqlite_count(&db.path, "t3"), 90);
    let sdb = rusqlite::Connection::open(&db.path).unwrap();
    let free: i64 = sdb
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    match av {
        AutoVacuum::Full => assert_eq!(free, 0),
        _ => assert!(free > 0),
    }
    drop(sdb);

    let mut p = Pager::open(
        std::sync::Arc::new(chorus_storage::vfs::OsVfs::new()),
        &db.path,
        Default::default(),
    )
    .unwrap();
    assert_eq!(p.page_count(), pages_before);
    if av == AutoVacuum::Incremental {
        p.begin_write().unwrap();
        assert_eq!(incremental_vacuum(&mut p, 3).unwrap(), 3);
        p.commit().unwrap();
        assert_eq!(p.page_count(), pages_before - 3);
        assert_eq!(
            integrity_check(&db.path),
            "ok",
            "after incremental_vacuum(3)"
        );
        p.begin_write().unwrap();
        incremental_vacuum(&mut p, 0).unwrap();
        p.commit().unwrap();
        assert_eq!(p.header().freelist_count, 0);
        assert_eq!(
            integrity_check(&db.path),
            "ok",
            "after incremental_vacuum(0)"
        );
    }
    // Clear a table: its pages go to the freelist (or away, in FULL mode).
    p.begin_write().unwrap();
    let t3 = read_schema(&p)
        .unwrap()
        .into_iter()
        .find(|e| e.name == "t3")
        .unwrap();
    clear_tree(&mut p, PageNo(t3.rootpage)).unwrap();
    assert_eq!(count_entries(&p, PageNo(t3.rootpage)).unwrap(), 0);
    commit(&mut p);
    drop(p);
    assert_eq!(integrity_check(&db.path), "ok", "after clear, av={av:?}");
    assert_eq!(sqlite_count(&db.path, "t3"), 0);
    assert_eq!(sqlite_count(&db.path, "t4"), 100);
    assert_eq!(sqlite_count(&db.path, "t0"), 60);
}

#[test]
fn drop_clear_vacuum_none() {
    drop_and_vacuum(AutoVacuum::None, 1024);
}

#[test]
fn drop_clear_vacuum_full() {
    drop_and_vacuum(AutoVacuum::Full, 1024);
    drop_and_vacuum(AutoVacuum::Full, 512);
}

#[test]
fn drop_clear_vacuum_incremental() {
    drop_and_vacuum(AutoVacuum::Incremental, 1024);
    drop_and_vacuum(AutoVacuum::Incremental, 4096);
}

/// Creating a tree in an auto-vacuum database when the next root slot is
/// occupied by data moves that data away.
#[test]
fn create_tree_relocates_occupant() {
    let mut db = open_db(1024, AutoVacuum::Full);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let r0 = create_tree(p, TreeType::Table).unwrap();
    add_schema(p, "table", "a", "a", r0, "CREATE TABLE a(x)");
    fill(p, r0, 200, 1);
    commit(p);
    p.begin_write().unwrap();
    let r1 = create_tree(p, TreeType::Index).unwrap();
    assert_eq!(r1.get(), r0.get() + 1);
    let r2 = create_tree(p, TreeType::Table).unwrap();
    add_schema(p, "table", "b", "b", r2, "CREATE TABLE b(y)");
    add_schema(p, "index", "bi", "b", r1, "CREATE INDEX bi ON b(y)");
    let mut ic = BTreeCursor::new(r1, TreeKind::Index(KeyInfo::binary(2)));
    let mut tc = BTreeCursor::new(r2, TreeKind::Table);
    for i in 0..300i64 {
        let mut rec = Vec::new();
        encode_record(&[ValueRef::Integer(i * 7 % 300)], &mut rec);
        tc.insert(p, RowId(i), &rec).unwrap();
        let mut irec = Vec::new();
        encode_record(
            &[ValueRef::Integer(i * 7 % 300), ValueRef::Integer(i)],
            &mut irec,
        );
        ic.insert(p, RowId(0), &irec).unwrap();
    }
    commit(p);
    drop(db.pager);
    assert_eq!(integrity_check(&db.path), "ok");
    assert_eq!(sqlite_count(&db.path, "a"), 200);
    assert_eq!(sqlite_count(&db.path, "b"), 300);
}

/// delete() leaves the cursor so that next() continues with the following
/// entry and prev() with the preceding one.
#[test]
fn delete_while_iterating() {
    for kind in ["table", "index"] {
        let mut db = open_db(512, AutoVacuum::None);
        let p = &mut db.pager;
        p.begin_write().unwrap();
        let ty = if kind == "table" {
            TreeType::Table
        } else {
            TreeType::Index
        };
        let root = create_tree(p, ty).unwrap();
        let tk = if kind == "table" {
            TreeKind::Table
        } else {
            TreeKind::Index(KeyInfo::binary(1))
        };
        let mut c = BTreeCursor::new(root, tk);
        for i in 0..2000i64 {
            let mut rec = Vec::new();
            let pad = vec![b'p'; (i as usize * 13) % 150];
            encode_record(&[ValueRef::Integer(i), ValueRef::Blob(&pad)], &mut rec);
            c.insert(p, RowId(i), &rec).unwrap();
        }
        let key = |c: &BTreeCursor, p: &Pager| -> i64 {
            match RecordReader::new(&c.payload(p).unwrap())
                .unwrap()
                .column(0)
                .unwrap()
            {
                ValueRef::Integer(i) => i,
                v => panic!("{v:?}"),
            }
        };
        // Forward: delete every entry whose key is odd.
        let mut seen = Vec::new();
        let mut ok = c.first(p).unwrap();
        while ok {
            let k = key(&c, p);
            seen.push(k);
            if k % 2 == 1 {
                c.delete(p).unwrap();
            }
            ok = c.next(p).unwrap();
        }
        assert_eq!(seen, (0..2000).collect::<Vec<_>>(), "{kind}: forward visit");
        // Backward: delete multiples of 4, visiting every remaining even key.
        let mut seen = Vec::new();
        let mut ok = c.last(p).unwrap();
        while ok {
            let k = key(&c, p);
            seen.push(k);
            if k % 4 == 0 {
                c.delete(p).unwrap();
            }
            ok = c.prev(p).unwrap();
        }
        assert_eq!(
            seen,
            (0..2000).rev().filter(|k| k % 2 == 0).collect::<Vec<_>>(),
            "{kind}: backward visit"
        );
        assert_eq!(count_entries(p, root).unwrap(), 500);
        let mut ok = c.first(p).unwrap();
        let mut rest = Vec::new();
        while ok {
            rest.push(key(&c, p));
            ok = c.next(p).unwrap();
        }
        assert_eq!(rest, (0..2000).filter(|k| k % 4 == 2).collect::<Vec<_>>());
        // Delete everything: the tree collapses to an empty root leaf.
        while c.first(p).unwrap() {
            c.delete(p).unwrap();
        }
        assert_eq!(count_entries(p, root).unwrap(), 0);
        let tables = if kind == "table" {
            add_schema(p, "table", "t", "t", root, "CREATE TABLE t(a, b)");
            "t"
        } else {
            let t = create_tree(p, TreeType::Table).unwrap();
            add_schema(p, "table", "t", "t", t, "CREATE TABLE t(a, b)");
            add_schema(p, "index", "i", "t", root, "CREATE INDEX i ON t(a, b)");
            "t"
        };
        commit(p);
        drop(db.pager);
        assert_eq!(integrity_check(&db.path), "ok");
        assert_eq!(sqlite_count(&db.path, tables), 0);
        let sdb = rusqlite::Connection::open(&db.path).unwrap();
        let pages: i64 = sdb
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        let free: i64 = sdb
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .unwrap();
        assert!(
            pages - free <= 4,
            "{kind}: emptied tree keeps only its root ({pages} pages, {free} free)"
        );
    }
}

/// A reading cursor survives writes through another cursor via save/restore.
#[test]
fn save_restore_position_across_writes() {
    let mut db = open_db(512, AutoVacuum::None);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let root = create_tree(p, TreeType::Table).unwrap();
    let mut w = BTreeCursor::new(root, TreeKind::Table);
    for i in 0..500i64 {
        w.insert(
            p,
            RowId(i * 2),
            &[2, 12 + 2 * 30][..]
                .iter()
                .copied()
                .chain(std::iter::repeat_n(7u8, 30))
                .collect::<Vec<_>>(),
        )
        .unwrap();
    }
    let mut r = BTreeCursor::new(root, TreeKind::Table);
    let mut visited = Vec::new();
    let mut ok = r.first(p).unwrap();
    while ok {
        let k = r.rowid().unwrap().0;
        visited.push(k);
        let pos = r.save_position(p).unwrap().unwrap();
        // Writes elsewhere split and merge pages under the reader.
        if k % 10 == 0 {
            for j in 0..5 {
                w.insert(
                    p,
                    RowId(k * 1000 + 100_001 + j),
                    &[2, 12 + 2 * 50][..]
                        .iter()
                        .copied()
                        .chain(std::iter::repeat_n(1u8, 50))
                        .collect::<Vec<_>>(),
                )
                .unwrap();
            }
        }
        if k % 6 == 2 && w.seek_rowid(p, RowId(k + 2), SeekOp::Eq).unwrap() {
            w.delete(p).unwrap();
        }
        // The reader's own entry is deleted sometimes too.
        let gone = k % 14 == 4;
        if gone {
            assert!(w.seek_rowid(p, RowId(k), SeekOp::Eq).unwrap());
            w.delete(p).unwrap();
        }
        assert_eq!(r.restore_position(p, &pos).unwrap(), !gone);
        ok = r.next(p).unwrap();
        if ok && r.rowid().unwrap().0 > 100_000 {
            break;
        }
    }
    let expect: Vec<i64> = {
        let mut v = Vec::new();
        let mut deleted = std::collections::HashSet::new();
        for k in (0..1000).step_by(2) {
            if deleted.contains(&k) {
                continue;
            }
            v.push(k);
            if k % 6 == 2 {
                deleted.insert(k + 2);
            }
        }
        v
    };
    assert_eq!(visited, expect);
}

/// Sequential appends take the quick-balance path: full leaves, valid tree.
#[test]
fn sequential_appends_fill_pages() {
    for av in [AutoVacuum::None, AutoVacuum::Full] {
        let mut db = open_db(1024, av);
        let p = &mut db.pager;
        p.begin_write().unwrap();
        let root = create_tree(p, TreeType::Table).unwrap();
        add_schema(p, "table", "t", "t", root, "CREATE TABLE t(a)");
        let mut c = BTreeCursor::new(root, TreeKind::Table);
        let n = 5000i64;
        for i in 0..n {
            // Mostly small rows, now and then one that overflows.
            let len = if i % 97 == 0 { 3000 } else { 100 };
            let blob = vec![(i % 251) as u8; len];
            let mut rec = Vec::new();
            encode_record(&[ValueRef::Blob(&blob)], &mut rec);
            c.insert(p, RowId(i + 1), &rec).unwrap();
            assert_eq!(c.rowid().unwrap().0, i + 1);
        }
        commit(p);
        let pages = p.page_count();
        drop(db.pager);
        assert_eq!(integrity_check(&db.path), "ok");
        assert_eq!(sqlite_count(&db.path, "t"), n);
        // 5000 cells of ~106 bytes on 1016-byte leaves: about 9 per leaf;
        // the overflow rows add 3 overflow pages each.
        let leaves_min = (n as f64 / 9.0).ceil() as u32;
        let overflow = (n as u32 / 97 + 1) * 3;
        assert!(
            pages < (leaves_min + overflow) * 11 / 10 + 20,
            "{pages} pages for {leaves_min} full leaves + {overflow} overflow pages"
        );
    }
}

/// The schema table's root is page 1, whose B-tree header starts at offset
/// 100: it must split (balance_deeper) and collapse back (balance_shallower)
/// correctly.
#[test]
fn page_one_splits_and_collapses() {
    let mut db = open_db(512, AutoVacuum::None);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let mut roots = Vec::new();
    for t in 0..120 {
        let r = create_tree(p, TreeType::Table).unwrap();
        let name = format!("table_with_a_longish_name_{t}");
        add_schema(
            p,
            "table",
            &name,
            &name,
            r,
            &format!(
                "CREATE TABLE {name}(a, b, c{})",
                (0..t % 40).map(|i| format!(", x{i}")).collect::<String>()
            ),
        );
        roots.push((name, r));
    }
    commit(p);
    let mut c = BTreeCursor::new(PageNo(1), TreeKind::Table);
    c.first(p).unwrap();
    let pg1 = p.read(PageNo(1)).unwrap();
    assert_eq!(pg1[100], 5, "page 1 became an interior table page");
    drop(pg1);
    drop(db.pager);
    assert_eq!(integrity_check(&db.path), "ok");
    assert_eq!(sqlite_count(&db.path, "table_with_a_longish_name_77"), 0);
    let mut p = Pager::open(
        std::sync::Arc::new(chorus_storage::vfs::OsVfs::new()),
        &db.path,
        Default::default(),
    )
    .unwrap();
    p.begin_write().unwrap();
    for (name, r) in roots.iter().skip(2) {
        drop_tree(&mut p, *r).unwrap();
        schema_drop(&mut p, name, None);
    }
    commit(&mut p);
    assert_eq!(read_schema(&p).unwrap().len(), 2);
    let pg1 = p.read(PageNo(1)).unwrap();
    assert_eq!(pg1[100], 13, "page 1 is a leaf again");
    drop(pg1);
    drop(p);
    assert_eq!(integrity_check(&db.path), "ok");
    assert_eq!(sqlite_count(&db.path, "table_with_a_longish_name_1"), 0);
}

/// compare_key tells a range scan when to stop.
#[test]
fn compare_key_bounds_a_range_scan() {
    use std::cmp::Ordering;
    let mut db = open_db(512, AutoVacuum::None);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let root = create_tree(p, TreeType::Index).unwrap();
    let mut c = BTreeCursor::new(root, TreeKind::Index(KeyInfo::binary(2)));
    for i in 0..1000i64 {
        let mut r = Vec::new();
        encode_record(&[ValueRef::Integer(i / 10), ValueRef::Integer(i)], &mut r);
        c.insert(p, RowId(0), &r).unwrap();
    }
    // All entries with first field in 40..=42.
    let mut got = Vec::new();
    let mut ok = c.seek_key(p, &[ValueRef::Integer(40)], SeekOp::Ge).unwrap();
    while ok && c.compare_key(p, &[ValueRef::Integer(42)]).unwrap() != Ordering::Less {
        let rec = c.payload(p).unwrap().into_owned();
        got.push(match RecordReader::new(&rec).unwrap().column(1).unwrap() {
            ValueRef::Integer(i) => i,
            v => panic!("{v:?}"),
        });
        ok = c.next(p).unwrap();
    }
    assert_eq!(got, (400..430).collect::<Vec<_>>());
    assert_eq!(
        c.compare_key(p, &[ValueRef::Integer(43)]).unwrap(),
        Ordering::Equal
    );
}

/// Writes through a cursor whose pages were changed by another cursor
/// (without save/restore) still hit the right entry: delete re-finds its
/// entry by key, appends fall back to a seek.
#[test]
fn stale_cursor_writes_are_safe() {
    let mut db = open_db(512, AutoVacuum::None);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let root = create_tree(p, TreeType::Table).unwrap();
    add_schema(p, "table", "t", "t", root, "CREATE TABLE t(a)");
    let rec = |n: usize| {
        let mut r = Vec::new();
        encode_record(&[ValueRef::Blob(&vec![3u8; n])], &mut r);
        r
    };
    let mut a = BTreeCursor::new(root, TreeKind::Table);
    let mut b = BTreeCursor::new(root, TreeKind::Table);
    for i in 0..300 {
        a.insert(p, RowId(i * 10), &rec(40)).unwrap();
    }
    // a sits on rowid 2990 (the last). b splits pages before it.
    for i in 0..200 {
        b.insert(p, RowId(i * 10 + 5), &rec(60)).unwrap();
    }
    // a appends: its snapshot is stale, so it must seek, not trust its stack.
    a.insert(p, RowId(5000), &rec(10)).unwrap();
    // a on 1500; b deletes around it; a deletes its own entry.
    assert!(a.seek_rowid(p, RowId(1500), SeekOp::Eq).unwrap());
    for k in [1490, 1495, 1505, 1510, 1000, 2000] {
        assert!(b.seek_rowid(p, RowId(k), SeekOp::Eq).unwrap());
        b.delete(p).unwrap();
    }
    a.delete(p).unwrap();
    assert!(a.next(p).unwrap());
    assert_eq!(a.rowid().unwrap().0, 1515);
    assert!(!a.seek_rowid(p, RowId(1500), SeekOp::Eq).unwrap());
    // Deleting an entry another cursor already deleted is an error, not damage.
    assert!(a.seek_rowid(p, RowId(1520), SeekOp::Eq).unwrap());
    assert!(b.seek_rowid(p, RowId(1520), SeekOp::Eq).unwrap());
    b.delete(p).unwrap();
    assert!(a.delete(p).is_err());
    commit(p);
    assert_eq!(count_entries(p, root).unwrap(), 300 + 200 + 1 - 6 - 1 - 1);
    drop(db.pager);
    assert_eq!(integrity_check(&db.path), "ok");
}

/// The in-line scan and seek paths (`next_local_in_leaf`,
/// `current_local_entry`, `seek_rowid_in_leaf`) agree with the general
/// ones on every row, overflowing rows included (which they decline).
#[test]
fn inline_scan_paths_match_the_general_ones() {
    let mut db = open_db(1024, AutoVacuum::None);
    let p = &mut db.pager;
    p.begin_write().unwrap();
    let root = create_tree(p, TreeType::Table).unwrap();
    let mut c = BTreeCursor::new(root, TreeKind::Table);
    let n = 3000i64;
    for i in 0..n {
        let len = if i % 53 == 0 {
            2000
        } else {
            (i as usize * 7) % 150
        };
        let blob = vec![(i % 251) as u8; len];
        let mut rec = Vec::new();
        encode_record(&[ValueRef::Blob(&blob)], &mut rec);
        // Large gaps between rowids make multi-byte rowid varints.
        c.insert(p, RowId(i * 1_000_003), &rec).unwrap();
    }
    commit(p);
    // Walk with the fast step where it applies, the general one otherwise.
    let mut a = BTreeCursor::new(root, TreeKind::Table);
    let mut b = BTreeCursor::new(root, TreeKind::Table);
    assert!(a.first(p).unwrap() && b.first(p).unwrap());
    let (mut seen, mut fast, mut declined) = (0, 0, 0);
    loop {
        let ea = a.current_entry().unwrap();
        assert_eq!(ea, b.current_entry().unwrap());
        match a.current_local_entry() {
            Some(e) => assert_eq!(e, ea),
            None => {
                declined += 1;
                assert!(ea.payload_len > ea.local as u64, "only overflow declines");
            }
        }
        seen += 1;
        let moved = match a.next_local_in_leaf() {
            Some(e) => {
                fast += 1;
                assert_eq!(e, a.current_entry().unwrap());
                true
            }
            None => a.next(p).unwrap(),
        };
        assert_eq!(moved, b.next(p).unwrap());
        if !moved {
            break;
        }
    }
    assert_eq!(seen, n);
    assert!(
        fast > n / 2 && declined >= n / 53,
        "{fast} fast, {declined} declined"
    );
    // Seeks within the leaf the cursor rests on find exactly what a full seek finds.
    let mut s = BTreeCursor::new(root, TreeKind::Table);
    for i in (0..n).step_by(7) {
        for key in [i * 1_000_003, i * 1_000_003 + 1] {
            let full = b.seek_rowid(p, RowId(key), SeekOp::Eq).unwrap();
            assert!(s.seek_rowid(p, RowId(i * 1_000_003), SeekOp::Eq).unwrap());
            if let Some(found) = s.seek_rowid_in_leaf(key).unwrap() {
                assert_eq!(found, full, "key {key}");
                if found {
                    assert_eq!(s.rowid().unwrap(), RowId(key));
                }
            }
        }
    }
}
