//! Storage benchmark (issue 2): load rows with sequential and with random
//! rowids (100-byte payloads) through the B-tree cursor API and read them
//! back by rowid; SQLite does the same through a prepared INSERT / SELECT in
//! one transaction. Both work on a file in the same temporary directory.
//!
//! `cargo run --release -p chorus-bench --bin storage_bench [-- --rows N]`

use chorus_bench::{arg_rows, report, time, Line, Rng};
use chorus_storage::btree::{self, BTreeCursor, SeekOp, TreeKind, TreeType};
use chorus_storage::record::encode_record;
use chorus_storage::vfs::OsVfs;
use chorus_storage::{Pager, PagerOptions, RowId, ValueRef};

fn keys(n: u64, random: bool) -> Vec<i64> {
    if !random {
        return (1..=n as i64).collect();
    }
    let mut rng = Rng::new(42);
    let mut seen = std::collections::HashSet::with_capacity(n as usize);
    let mut out = Vec::with_capacity(n as usize);
    while out.len() < n as usize {
        let k = (rng.next_u64() >> 2) as i64;
        if seen.insert(k) {
            out.push(k);
        }
    }
    out
}

fn payload(k: i64) -> Vec<u8> {
    let blob = [(k & 0xff) as u8; 100];
    let mut rec = Vec::new();
    encode_record(&[ValueRef::Blob(&blob)], &mut rec);
    rec
}

fn chorus_run(dir: &std::path::Path, keys: &[i64]) -> (std::time::Duration, std::time::Duration) {
    let path = dir.join(format!("chorus_{}.db", keys.len()));
    let _ = std::fs::remove_file(&path);
    let mut pager = Pager::open(
        OsVfs::new_ref(),
        path.to_str().unwrap(),
        PagerOptions::default(),
    )
    .expect("open");
    let rec = payload(7);
    let (load, root) = time(|| {
        pager.begin_write().unwrap();
        let root = btree::create_tree(&mut pager, TreeType::Table).unwrap();
        let mut c = BTreeCursor::new(root, TreeKind::Table);
        for &k in keys {
            c.insert(&mut pager, RowId(k), &rec).unwrap();
        }
        pager.commit().unwrap();
        root
    });
    let (read, sum) = time(|| {
        pager.begin_read().unwrap();
        let mut c = BTreeCursor::new(root, TreeKind::Table);
        let mut sum = 0usize;
        for &k in keys {
            assert!(c.seek_rowid(&pager, RowId(k), SeekOp::Eq).unwrap());
            sum += c.local_payload().unwrap().len();
        }
        pager.end_read().unwrap();
        sum
    });
    assert_eq!(sum, rec.len() * keys.len());
    (load, read)
}

fn sqlite_run(dir: &std::path::Path, keys: &[i64]) -> (std::time::Duration, std::time::Duration) {
    let path = dir.join(format!("sqlite_{}.db", keys.len()));
    let _ = std::fs::remove_file(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE t(v BLOB)").unwrap();
    let blob = [7u8; 100];
    let (load, ()) = time(|| {
        conn.execute_batch("BEGIN").unwrap();
        {
            let mut ins = conn
                .prepare("INSERT INTO t(rowid, v) VALUES (?1, ?2)")
                .unwrap();
            for &k in keys {
                ins.execute(rusqlite::params![k, &blob[..]]).unwrap();
            }
        }
        conn.execute_batch("COMMIT").unwrap();
    });
    let (read, sum) = time(|| {
        conn.execute_batch("BEGIN").unwrap();
        let mut sel = conn.prepare("SELECT v FROM t WHERE rowid = ?1").unwrap();
        let mut sum = 0usize;
        for &k in keys {
            let mut rows = sel.query([k]).unwrap();
            let row = rows.next().unwrap().unwrap();
            sum += row.get_ref(0).unwrap().as_blob().unwrap().len();
        }
        drop(sel);
        conn.execute_batch("COMMIT").unwrap();
        sum
    });
    assert_eq!(sum, 100 * keys.len());
    (load, read)
}

fn main() {
    let n = arg_rows(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    for random in [false, true] {
        let ks = keys(n, random);
        let order = if random { "random" } else { "sequential" };
        let (cl, cr) = chorus_run(dir.path(), &ks);
        let (sl, sr) = sqlite_run(dir.path(), &ks);
        lines.push(Line {
            name: format!("load {n} rows, {order} rowids"),
            ops: n,
            chorus: cl,
            sqlite: sl,
        });
        lines.push(Line {
            name: format!("read {n} rows by rowid ({order})"),
            ops: n,
            chorus: cr,
            sqlite: sr,
        });
    }
    report(
        "Storage: B-tree cursor API (Chorus) vs prepared INSERT/SELECT (SQLite), 100-byte payloads",
        &lines,
    );
}
