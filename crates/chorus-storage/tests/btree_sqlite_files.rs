//! Databases written by SQLite (through rusqlite) read back identically
//! through our cursors: many tables and indexes, overflow rows, deleted
//! rows (freeblocks), every page size, auto-vacuum modes, UTF-16 files.
//! Then we modify them and SQLite must still find them intact.

mod common;

use chorus_storage::btree::{autovacuum_commit, BTreeCursor, SeekOp, TreeKind};
use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::record::{encode_record_enc, KeyInfo, RecordReader, TextEncoding};
use chorus_storage::schema::{read_schema, text_encoding};
use chorus_storage::vfs::OsVfs;
use chorus_storage::{PageNo, RowId, Value, ValueRef};
use common::*;
use std::sync::Arc;

fn from_sql(v: rusqlite::types::Value) -> Value {
    match v {
        rusqlite::types::Value::Null => Value::Null,
        rusqlite::types::Value::Integer(i) => Value::Integer(i),
        rusqlite::types::Value::Real(r) => Value::Real(r),
        rusqlite::types::Value::Text(t) => Value::Text(t.into_bytes()),
        rusqlite::types::Value::Blob(b) => Value::Blob(b),
    }
}

fn sqlite_rows(db: &rusqlite::Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut st = db.prepare(sql).unwrap();
    let n = st.column_count();
    st.query_map([], |r| {
        Ok((0..n)
            .map(|i| from_sql(r.get(i).unwrap()))
            .collect::<Vec<_>>())
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

fn build(path: &str, page_size: usize, auto_vacuum: u32, encoding: &str) {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch(&format!(
        "PRAGMA page_size={page_size}; PRAGMA auto_vacuum={auto_vacuum}; PRAGMA encoding='{encoding}';"
    ))
    .unwrap();
    db.execute_batch(
        "CREATE TABLE t1(a INTEGER, b TEXT, c BLOB, d REAL);
         CREATE INDEX t1b ON t1(b);
         CREATE INDEX t1ad ON t1(a DESC, d);
         CREATE TABLE t2(x TEXT PRIMARY KEY, y) WITHOUT ROWID;
         CREATE TABLE t3(k INTEGER PRIMARY KEY, v TEXT UNIQUE);
         CREATE VIEW v1 AS SELECT * FROM t1;",
    )
    .unwrap();
    let tx = db.unchecked_transaction().unwrap();
    for i in 0..600i64 {
        let big = "x".repeat(((i * 37) % 5000) as usize);
        db.execute(
            "INSERT INTO t1 VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                i * 7 - 2000,
                format!("héllo {i} wörld 日本 {big}"),
                vec![i as u8; ((i * 13) % 3000) as usize],
                i as f64 / 3.0
            ],
        )
        .unwrap();
        db.execute(
            "INSERT INTO t2 VALUES (?1, ?2)",
            rusqlite::params![
                format!(
                    "key{:05}{}",
                    i * 3 % 1000,
                    "k".repeat((i % 7 * 200) as usize)
                ),
                i
            ],
        )
        .unwrap();
        db.execute(
            "INSERT INTO t3(v) VALUES (?1)",
            rusqlite::params![format!("v{i}")],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    db.execute_batch("DELETE FROM t1 WHERE a % 3 = 0; DELETE FROM t3 WHERE k % 5 = 1; INSERT INTO t1(a) VALUES (NULL);").unwrap();
}

/// REAL affinity: SQLite stores integral reals as integers and reads them back as REAL.
fn real_at(mut rows: Vec<Vec<Value>>, col: usize) -> Vec<Vec<Value>> {
    for r in &mut rows {
        if let Value::Integer(i) = r[col] {
            r[col] = Value::Real(i as f64);
        }
    }
    rows
}

fn short(v: &[Value]) -> String {
    let s = format!("{v:?}");
    s.chars().take(300).collect()
}

fn same(ours: Vec<Vec<Value>>, theirs: Vec<Vec<Value>>, what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}: row count");
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert!(
            a == b,
            "{what}: row {i} differs: ours {} theirs {}",
            short(a),
            short(b)
        );
    }
}

fn open(path: &str) -> Pager {
    let mut p = Pager::open(Arc::new(OsVfs::new()), path, PagerOptions::default()).unwrap();
    p.begin_read().unwrap();
    p
}

fn table_rows(p: &Pager, root: u32, enc: TextEncoding) -> Vec<Vec<Value>> {
    let mut c = BTreeCursor::new(PageNo(root), TreeKind::Table);
    let mut out = Vec::new();
    let mut ok = c.first(p).unwrap();
    while ok {
        let payload = c.payload(p).unwrap();
        let mut row = vec![Value::Integer(c.rowid().unwrap().0)];
        row.extend(RecordReader::new(&payload).unwrap().values(enc).unwrap());
        out.push(row);
        ok = c.next(p).unwrap();
    }
    out
}

fn index_rows(p: &Pager, root: u32, enc: TextEncoding) -> Vec<Vec<Value>> {
    let mut c = BTreeCursor::new(
        PageNo(root),
        TreeKind::Index(KeyInfo {
            cols: vec![],
            encoding: enc,
        }),
    );
    let mut out = Vec::new();
    let mut ok = c.first(p).unwrap();
    while ok {
        let payload = c.payload(p).unwrap();
        out.push(RecordReader::new(&payload).unwrap().values(enc).unwrap());
        ok = c.next(p).unwrap();
    }
    out
}

fn check_file(page_size: usize, av: u32, encoding: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db").to_str().unwrap().to_string();
    build(&path, page_size, av, encoding);
    let sdb = rusqlite::Connection::open(&path).unwrap();
    let p = open(&path);
    let enc = text_encoding(&p).unwrap();
    assert_eq!(enc != TextEncoding::Utf8, encoding != "UTF-8");
    let schema = read_schema(&p).unwrap();
    let names: Vec<&str> = schema.iter().map(|e| e.name.as_str()).collect();
    for n in [
        "t1",
        "t1b",
        "t1ad",
        "t2",
        "t3",
        "v1",
        "sqlite_autoindex_t3_1",
    ] {
        assert!(names.contains(&n), "schema lacks {n}: {names:?}");
    }
    let sql_schema = sqlite_rows(
        &sdb,
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY rowid",
    );
    assert_eq!(sql_schema.len(), schema.len());
    for (e, s) in schema.iter().zip(&sql_schema) {
        assert_eq!(Value::Text(e.kind.clone().into_bytes()), s[0]);
        assert_eq!(Value::Text(e.name.clone().into_bytes()), s[1]);
        assert_eq!(Value::Integer(e.rootpage as i64), s[3]);
        assert_eq!(
            e.sql
                .clone()
                .map_or(Value::Null, |t| Value::Text(t.into_bytes())),
            s[4]
        );
    }
    let root = |n: &str| schema.iter().find(|e| e.name == n).unwrap().rootpage;
    same(
        real_at(table_rows(&p, root("t1"), enc), 4),
        sqlite_rows(&sdb, "SELECT rowid, * FROM t1 ORDER BY rowid"),
        "t1",
    );
    let t3 = sqlite_rows(&sdb, "SELECT k, NULL, v FROM t3 ORDER BY k");
    same(table_rows(&p, root("t3"), enc), t3, "t3");
    same(
        index_rows(&p, root("t1b"), enc),
        sqlite_rows(
            &sdb,
            "SELECT b, rowid FROM t1 INDEXED BY t1b ORDER BY b, rowid",
        ),
        "t1b",
    );
    same(
        real_at(index_rows(&p, root("t1ad"), enc), 1),
        sqlite_rows(
            &sdb,
            "SELECT a, d, rowid FROM t1 INDEXED BY t1ad ORDER BY a DESC, d, rowid",
        ),
        "t1ad",
    );
    same(
        index_rows(&p, root("t2"), enc),
        sqlite_rows(&sdb, "SELECT x, y FROM t2 ORDER BY x"),
        "t2",
    );
    // Our integrity check accepts what SQLite wrote.
    let bin = |n| {
        TreeKind::Index(KeyInfo {
            cols: vec![Default::default(); n],
            encoding: enc,
        })
    };
    let desc = TreeKind::Index(KeyInfo {
        cols: vec![
            chorus_storage::record::KeyCol {
                desc: true,
                collation: None,
            },
            Default::default(),
        ],
        encoding: enc,
    });
    let trees = vec![
        (PageNo(root("t1")), TreeKind::Table),
        (PageNo(root("t3")), TreeKind::Table),
        (PageNo(root("t1b")), bin(2)),
        (PageNo(root("t1ad")), desc),
        (PageNo(root("t2")), bin(2)),
        (PageNo(root("sqlite_autoindex_t3_1")), bin(2)),
    ];
    assert_eq!(our_integrity(&p, &trees), Vec::<String>::new());
    // Seek into an index by a UTF-8 text key, whatever the file encoding.
    let ki = KeyInfo {
        cols: vec![Default::default()],
        encoding: enc,
    };
    let mut c = BTreeCursor::new(PageNo(root("sqlite_autoindex_t3_1")), TreeKind::Index(ki));
    assert!(c
        .seek_key(&p, &[ValueRef::Text(b"v42")], SeekOp::Eq)
        .unwrap());
    let rec = c.payload(&p).unwrap().into_owned();
    let rr = RecordReader::new(&rec).unwrap();
    assert_eq!(
        rr.column_owned(0, enc).unwrap(),
        Value::Text(b"v42".to_vec())
    );
    assert_eq!(rr.column(1).unwrap(), ValueRef::Integer(43));
    assert!(
        !c.seek_key(&p, &[ValueRef::Text(b"v40")], SeekOp::Eq)
            .unwrap(),
        "v40 was deleted (k=41)"
    );
    drop(sdb);
    drop(p);

    // Modify the SQLite-written file: delete and insert through our cursors.
    let mut p = Pager::open(Arc::new(OsVfs::new()), &path, PagerOptions::default()).unwrap();
    p.begin_write().unwrap();
    let mut c = BTreeCursor::new(PageNo(root("t3")), TreeKind::Table);
    let mut ic = BTreeCursor::new(
        PageNo(root("sqlite_autoindex_t3_1")),
        TreeKind::Index(KeyInfo {
            cols: vec![Default::default()],
            encoding: enc,
        }),
    );
    let mut ok = c.first(&p).unwrap();
    let mut i = 0;
    while ok {
        if i % 3 == 0 {
            let payload = c.payload(&p).unwrap().into_owned();
            let rowid = c.rowid().unwrap().0;
            let v = RecordReader::new(&payload)
                .unwrap()
                .column_owned(1, enc)
                .unwrap();
            c.delete(&mut p).unwrap();
            assert!(ic
                .seek_key(&p, &[v.as_ref(), ValueRef::Integer(rowid)], SeekOp::Eq)
                .unwrap());
            ic.delete(&mut p).unwrap();
        }
        i += 1;
        ok = c.next(&p).unwrap();
    }
    for k in 10_000..10_300i64 {
        let text = format!("new ünïcode {k} {}", "z".repeat((k % 50) as usize * 40));
        let mut rec = Vec::new();
        encode_record_enc(
            &[ValueRef::Null, ValueRef::Text(text.as_bytes())],
            enc,
            &mut rec,
        );
        c.insert(&mut p, RowId(k), &rec).unwrap();
        let mut irec = Vec::new();
        encode_record_enc(
            &[ValueRef::Text(text.as_bytes()), ValueRef::Integer(k)],
            enc,
            &mut irec,
        );
        ic.insert(&mut p, RowId(0), &irec).unwrap();
    }
    autovacuum_commit(&mut p).unwrap();
    p.commit().unwrap();
    drop(p);
    assert_eq!(
        integrity_check(&path),
        "ok",
        "ps={page_size} av={av} enc={encoding}"
    );
    let sdb = rusqlite::Connection::open(&path).unwrap();
    let v: String = sdb
        .query_row("SELECT v FROM t3 WHERE k = 10007", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, format!("new ünïcode 10007 {}", "z".repeat(7 * 40)));
    let via_index: i64 = sdb
        .query_row("SELECT k FROM t3 WHERE v = ?1", [&v], |r| r.get(0))
        .unwrap();
    assert_eq!(via_index, 10007);
}

#[test]
fn sqlite_files_utf8_all_page_sizes() {
    for ps in [512, 1024, 4096, 65536] {
        check_file(ps, 0, "UTF-8");
    }
}

#[test]
fn sqlite_files_auto_vacuum() {
    check_file(1024, 1, "UTF-8");
    check_file(4096, 2, "UTF-8");
}

#[test]
fn sqlite_files_utf16() {
    check_file(1024, 0, "UTF-16le");
    check_file(4096, 1, "UTF-16be");
}

/// An index SQLite built with COLLATE NOCASE DESC: our iteration order
/// matches, and seeks with a KeyInfo carrying the same collation find the
/// entries SQLite finds; we insert into it and SQLite still agrees.
#[test]
fn nocase_desc_index_seeks() {
    use chorus_storage::record::{Collation, KeyCol};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.db").to_str().unwrap().to_string();
    let sdb = rusqlite::Connection::open(&path).unwrap();
    sdb.execute_batch("PRAGMA page_size=1024; CREATE TABLE t(s TEXT); CREATE INDEX ts ON t(s COLLATE NOCASE DESC);").unwrap();
    let words = [
        "apple", "Banana", "cherry", "APPLE", "banana", "Date", "eLdEr", "fig", "Grape", "apricot",
    ];
    for i in 0..400 {
        sdb.execute(
            "INSERT INTO t VALUES (?1)",
            [format!("{}{}", words[i % words.len()], i / 37)],
        )
        .unwrap();
    }
    drop(sdb);
    let nocase: Collation = Arc::new(|a: &[u8], b: &[u8]| {
        a.iter()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.iter().map(|c| c.to_ascii_lowercase()))
    });
    let ki = KeyInfo {
        cols: vec![KeyCol {
            desc: true,
            collation: Some(nocase),
        }],
        encoding: TextEncoding::Utf8,
    };
    let mut p = open(&path);
    let root = read_schema(&p)
        .unwrap()
        .into_iter()
        .find(|e| e.name == "ts")
        .unwrap()
        .rootpage;
    let sdb = rusqlite::Connection::open(&path).unwrap();
    same(
        index_rows(&p, root, TextEncoding::Utf8),
        sqlite_rows(
            &sdb,
            "SELECT s, rowid FROM t INDEXED BY ts ORDER BY s COLLATE NOCASE DESC, rowid",
        ),
        "ts",
    );
    let mut c = BTreeCursor::new(PageNo(root), TreeKind::Index(ki.clone()));
    for probe in ["BANANA3", "apple0", "zzz", "a", "Fig10", "grape5"] {
        let want: Vec<Vec<Value>> = sqlite_rows(&sdb, &format!("SELECT s, rowid FROM t INDEXED BY ts WHERE s = '{probe}' COLLATE NOCASE ORDER BY s COLLATE NOCASE DESC, rowid"));
        let found = c
            .seek_key(&p, &[ValueRef::Text(probe.as_bytes())], SeekOp::Eq)
            .unwrap();
        assert_eq!(found, !want.is_empty(), "{probe}");
        let mut got = Vec::new();
        let mut ok = found;
        while ok {
            let rec = RecordReader::new(&c.payload(&p).unwrap())
                .unwrap()
                .values(TextEncoding::Utf8)
                .unwrap();
            let Value::Text(t) = &rec[0] else { panic!() };
            if !t.eq_ignore_ascii_case(probe.as_bytes()) {
                break;
            }
            got.push(rec);
            ok = c.next(&p).unwrap();
        }
        assert_eq!(got, want, "{probe}");
        // Gt on a DESC index: the first entry after all entries equal to the probe.
        let after: Vec<Vec<Value>> = sqlite_rows(&sdb, &format!("SELECT s, rowid FROM t INDEXED BY ts WHERE s < '{probe}' COLLATE NOCASE ORDER BY s COLLATE NOCASE DESC, rowid LIMIT 1"));
        let ok = c
            .seek_key(&p, &[ValueRef::Text(probe.as_bytes())], SeekOp::Gt)
            .unwrap();
        assert_eq!(ok, !after.is_empty(), "Gt {probe}");
        if ok {
            let rec = RecordReader::new(&c.payload(&p).unwrap())
                .unwrap()
                .values(TextEncoding::Utf8)
                .unwrap();
            assert_eq!(rec, after[0], "Gt {probe}");
        }
    }
    drop(sdb);
    p.end_read().unwrap();
    // Insert rows (table + index) through our cursors; SQLite checks the index.
    p.begin_write().unwrap();
    let troot = read_schema(&p)
        .unwrap()
        .into_iter()
        .find(|e| e.name == "t")
        .unwrap()
        .rootpage;
    let mut tc = BTreeCursor::new(PageNo(troot), TreeKind::Table);
    for i in 0..200i64 {
        let s = format!("{}x{i}", words[(i as usize * 3) % words.len()]);
        let mut rec = Vec::new();
        chorus_storage::record::encode_record(&[ValueRef::Text(s.as_bytes())], &mut rec);
        tc.insert(&mut p, RowId(1000 + i), &rec).unwrap();
        let mut irec = Vec::new();
        chorus_storage::record::encode_record(
            &[ValueRef::Text(s.as_bytes()), ValueRef::Integer(1000 + i)],
            &mut irec,
        );
        c.insert(&mut p, RowId(0), &irec).unwrap();
    }
    p.commit().unwrap();
    drop(p);
    assert_eq!(integrity_check(&path), "ok");
}

/// Dropping tables (and their indexes) from auto-vacuum files SQLite wrote:
/// the last root pages move into the holes, we repoint their schema rows,
/// and SQLite finds the rest intact (FULL: no free pages left).
#[test]
fn drop_tables_in_sqlite_auto_vacuum_files() {
    use chorus_storage::btree::drop_tree;
    for av in [1u32, 2] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.db").to_str().unwrap().to_string();
        let sdb = rusqlite::Connection::open(&path).unwrap();
        sdb.execute_batch(&format!(
            "PRAGMA page_size=1024; PRAGMA auto_vacuum={av}; BEGIN;"
        ))
        .unwrap();
        for t in 0..6 {
            sdb.execute_batch(&format!(
                "CREATE TABLE t{t}(a, b); CREATE INDEX i{t} ON t{t}(b);"
            ))
            .unwrap();
            for r in 0..150 {
                sdb.execute(
                    &format!("INSERT INTO t{t} VALUES (?1, ?2)"),
                    rusqlite::params![r, "y".repeat((r * 11 + t * 5) % 1500)],
                )
                .unwrap();
            }
        }
        sdb.execute_batch("COMMIT").unwrap();
        let before: Vec<Vec<Vec<Value>>> = (0..6)
            .map(|t| sqlite_rows(&sdb, &format!("SELECT rowid, * FROM t{t} ORDER BY rowid")))
            .collect();
        drop(sdb);
        let mut p = Pager::open(Arc::new(OsVfs::new()), &path, PagerOptions::default()).unwrap();
        p.begin_write().unwrap();
        for victim in ["t1", "i1", "t3", "i3"] {
            let schema = read_schema(&p).unwrap();
            let e = schema.iter().find(|e| e.name == victim).unwrap().clone();
            let moved = drop_tree(&mut p, PageNo(e.rootpage)).unwrap();
            let mut c = BTreeCursor::new(PageNo(1), TreeKind::Table);
            assert!(c.seek_rowid(&p, e.rowid, SeekOp::Eq).unwrap());
            c.delete(&mut p).unwrap();
            if let Some((from, to)) = moved {
                let m = schema.iter().find(|x| x.rootpage == from.get()).unwrap();
                let mut rec = Vec::new();
                chorus_storage::record::encode_record(
                    &[
                        ValueRef::Text(m.kind.as_bytes()),
                        ValueRef::Text(m.name.as_bytes()),
                        ValueRef::Text(m.tbl_name.as_bytes()),
                        ValueRef::Integer(to.get() as i64),
                        m.sql
                            .as_deref()
                            .map_or(ValueRef::Null, |s| ValueRef::Text(s.as_bytes())),
                    ],
                    &mut rec,
                );
                c.insert(&mut p, m.rowid, &rec).unwrap();
            }
        }
        p.update_header(|h| h.schema_cookie += 1).unwrap();
        autovacuum_commit(&mut p).unwrap();
        p.commit().unwrap();
        drop(p);
        assert_eq!(integrity_check(&path), "ok", "av={av}");
        let sdb = rusqlite::Connection::open(&path).unwrap();
        for t in [0, 2, 4, 5] {
            same(
                sqlite_rows(&sdb, &format!("SELECT rowid, * FROM t{t} ORDER BY rowid")),
                before[t].clone(),
                &format!("t{t}"),
            );
        }
        let free: i64 = sdb
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .unwrap();
        if av == 1 {
            assert_eq!(free, 0);
        } else {
            assert!(free > 0);
        }
    }
}
