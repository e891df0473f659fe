//! Crash tests with real B-tree transactions: rows inserted, overwritten and
//! deleted in a SQLite table (`CREATE TABLE t(x INTEGER PRIMARY KEY, y BLOB)`,
//! created by SQLite) through B-tree cursors on the fault-injecting VFS. At
//! every write/sync point the power is cut (torn sector writes); the reopened
//! table must equal the model after exactly one transaction id (the header's
//! `user_version`) that is the last acknowledged one or the one in flight
//! (WAL at NORMAL: any earlier one). For a sample of points SQLite opens a
//! copy of the crashed files (doing its own journal/WAL recovery) and must
//! find `integrity_check` ok, the same transaction id and the same row count.

use chorus_storage::btree::{BTreeCursor, SeekOp, TreeKind};
use chorus_storage::record::encode_record;
use chorus_storage::vfs::{Fault, FaultVfs, MemoryVfs, OpenFlags, Vfs};
use chorus_storage::{JournalMode, PageNo, Pager, PagerOptions, RowId, Synchronous, ValueRef};
use std::collections::BTreeMap;
use std::sync::Arc;

const DB: &str = "bt.db";
const TABLE_ROOT: PageNo = PageNo(2);

type Model = BTreeMap<i64, u32>;
type Rows = Vec<(i64, Vec<u8>)>;

fn payload(rowid: i64, k: u32, out: &mut Vec<u8>) {
    let len = 40 + ((rowid as u64 * 7 + k as u64) % 300) as usize;
    let blob = vec![(rowid as u64 + k as u64) as u8; len];
    out.clear();
    encode_record(&[ValueRef::Null, ValueRef::Blob(&blob)], out);
}

fn rng(a: u64, b: u64) -> u64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 29)
}

/// (rows to write, rows to delete) of transaction `k` on model `m`.
fn plan(k: u32, m: &Model) -> (Vec<i64>, Vec<i64>) {
    let mut writes: Vec<i64> = (0..(3 + k % 9) as i64)
        .map(|j| k as i64 * 1000 + j)
        .collect();
    let keys: Vec<i64> = m.keys().copied().collect();
    let mut deletes = vec![];
    if !keys.is_empty() {
        for j in 0..3 {
            writes.push(keys[(rng(k as u64, j) % keys.len() as u64) as usize]);
        }
        for j in 0..(k % 4) {
            let r = keys[(rng(k as u64, 100 + j as u64) % keys.len() as u64) as usize];
            if !writes.contains(&r) && !deletes.contains(&r) {
                deletes.push(r);
            }
        }
    }
    (writes, deletes)
}

fn apply(k: u32, m: &Model) -> Model {
    let (w, d) = plan(k, m);
    let mut out = m.clone();
    for r in w {
        out.insert(r, k);
    }
    for r in d {
        out.remove(&r);
    }
    out
}

fn run_txn(p: &mut Pager, k: u32, m: &Model) -> chorus_storage::Result<()> {
    let (writes, deletes) = plan(k, m);
    p.begin_write()?;
    let r = (|| {
        p.update_header(|h| h.user_version = k)?;
        let mut c = BTreeCursor::new(TABLE_ROOT, TreeKind::Table);
        let mut buf = Vec::new();
        for r in writes {
            payload(r, k, &mut buf);
            c.insert(p, RowId(r), &buf)?;
        }
        for r in deletes {
            if c.seek_rowid(p, RowId(r), SeekOp::Eq)? {
                c.delete(p)?;
            }
        }
        p.commit()
    })();
    if r.is_err() && p.in_write_txn() {
        let _ = p.rollback();
    }
    r
}

fn read_table(p: &mut Pager) -> Result<(u32, Rows), String> {
    p.begin_read().map_err(|e| e.to_string())?;
    let r = (|| {
        let v = p.header().user_version;
        let mut rows = vec![];
        let mut c = BTreeCursor::new(TABLE_ROOT, TreeKind::Table);
        let mut ok = c.first(p).map_err(|e| e.to_string())?;
        while ok {
            let id = c.rowid().map_err(|e| e.to_string())?.0;
            rows.push((id, c.payload(p).map_err(|e| e.to_string())?.into_owned()));
            ok = c.next(p).map_err(|e| e.to_string())?;
        }
        Ok((v, rows))
    })();
    let _ = p.end_read();
    r
}

fn matches_model(rows: &[(i64, Vec<u8>)], m: &Model) -> bool {
    let mut buf = Vec::new();
    rows.len() == m.len()
        && rows.iter().zip(m.iter()).all(|((id, pl), (mid, k))| {
            payload(*mid, *k, &mut buf);
            id == mid && *pl == buf
        })
}

/// The starting database, made by SQLite.
fn base() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("base.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA page_size=1024; CREATE TABLE t(x INTEGER PRIMARY KEY, y BLOB);")
        .unwrap();
    drop(c);
    std::fs::read(&path).unwrap()
}

#[derive(Clone, Copy, Debug)]
struct Config {
    mode: JournalMode,
    sync: Synchronous,
    txns: u32,
}

fn open(vfs: Arc<dyn Vfs>, c: &Config) -> chorus_storage::Result<Pager> {
    let mut p = Pager::open(vfs, DB, PagerOptions::default())?;
    p.set_synchronous(c.sync);
    p.set_wal_autocheckpoint(30);
    if c.mode != JournalMode::Wal {
        p.set_journal_mode(c.mode)?;
    }
    Ok(p)
}

fn workload(vfs: Arc<dyn Vfs>, c: &Config, models: &[Model]) -> (u32, bool) {
    let Ok(mut p) = open(vfs, c) else {
        return (0, true);
    };
    if c.mode == JournalMode::Wal && p.set_journal_mode(JournalMode::Wal).is_err() {
        return (0, true);
    }
    let mut acked = 0;
    for k in 1..=c.txns {
        if run_txn(&mut p, k, &models[k as usize - 1]).is_err() {
            return (acked, true);
        }
        acked = k;
    }
    (acked, false)
}

fn fresh(base: &[u8]) -> Arc<MemoryVfs> {
    let mem = MemoryVfs::new_ref();
    let f = mem
        .open(
            DB,
            OpenFlags {
                create: true,
                ..Default::default()
            },
        )
        .unwrap();
    f.write_at(base, 0).unwrap();
    mem
}

fn sqlite_view(mem: &MemoryVfs) -> (String, i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    for suffix in ["", "-journal", "-wal"] {
        if let Some(b) = mem.file_bytes(&format!("{DB}{suffix}")) {
            std::fs::write(format!("{}{suffix}", db.display()), b).unwrap();
        }
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    let q = |sql: &str| -> rusqlite::Result<i64> { c.query_row(sql, [], |r| r.get(0)) };
    let ic: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    (
        ic,
        q("PRAGMA user_version").unwrap_or(-1),
        q("SELECT count(*) FROM t").unwrap_or(-1),
    )
}

fn crash_every_point(c: Config) -> u64 {
    let base = base();
    let mut models = vec![Model::new()];
    for k in 1..=c.txns {
        let n = apply(k, models.last().unwrap());
        models.push(n);
    }
    let mem = fresh(&base);
    let fv = FaultVfs::new(mem.clone(), 0);
    let (acked, failed) = workload(fv.clone(), &c, &models);
    assert!(!failed && acked == c.txns, "{c:?}: dry run");
    let total = fv.points();
    let durable = !(c.mode == JournalMode::Wal && c.sync == Synchronous::Normal);
    for point in 0..total {
        let mem = fresh(&base);
        let fv = FaultVfs::new(mem.clone(), point * 31 + 5);
        fv.arm(point, Fault::PowerCut);
        let (acked, _) = workload(fv.clone(), &c, &models);
        assert!(fv.fired());
        fv.restore_power().unwrap();
        let lo = if durable { acked } else { 0 };
        if point % 17 == 0 {
            let (ic, uv, count) = sqlite_view(&mem);
            assert_eq!(ic, "ok", "{c:?} point {point}");
            assert!(
                uv >= lo as i64 && uv <= acked as i64 + 1,
                "{c:?} point {point}: SQLite at {uv}, acked {acked}"
            );
            assert_eq!(
                count,
                models[uv as usize].len() as i64,
                "{c:?} point {point}"
            );
        }
        let mut p = open(fv.clone(), &c).unwrap();
        let (v, rows) = read_table(&mut p).unwrap_or_else(|e| panic!("{c:?} point {point}: {e}"));
        assert!(
            v >= lo && v <= acked + 1,
            "{c:?} point {point}: at txn {v}, acked {acked}"
        );
        assert!(
            matches_model(&rows, &models[v as usize]),
            "{c:?} point {point}: table is not txn {v}'s"
        );
        // still usable
        if v < c.txns {
            run_txn(&mut p, v + 1, &models[v as usize]).unwrap();
            let (v2, rows) = read_table(&mut p).unwrap();
            assert_eq!(v2, v + 1);
            assert!(matches_model(&rows, &models[v as usize + 1]));
        }
    }
    eprintln!("{c:?}: {total} crash points");
    total
}

#[test]
fn btree_transactions_survive_a_crash_at_every_point() {
    let txns = if std::env::var("CHORUS_SOAK").is_ok_and(|v| v == "1") {
        60
    } else {
        24
    };
    let mut n = 0;
    for (mode, sync) in [
        (JournalMode::Delete, Synchronous::Full),
        (JournalMode::Delete, Synchronous::Normal),
        (JournalMode::Truncate, Synchronous::Full),
        (JournalMode::Wal, Synchronous::Full),
        (JournalMode::Wal, Synchronous::Normal),
    ] {
        n += crash_every_point(Config { mode, sync, txns });
    }
    assert!(n > 1000, "{n}");
}
