//! Crash tests: a deterministic workload of page-level transactions runs on
//! the fault-injecting VFS; for every write/sync/truncate/delete point in
//! turn the power is cut there (unsynced writes dropped, or torn at sector
//! granularity), the database is reopened, and we check that
//! - every transaction acknowledged before the crash is present (WAL at
//!   NORMAL may lose the last ones: SQLite's weaker promise),
//! - no part of an unacknowledged one is (the state equals the model after
//!   exactly one transaction id, read back from the header),
//! - the database is usable afterwards, and, for a sample of points, SQLite
//!   itself (rusqlite on a copy of the crashed files, doing its own
//!   hot-journal/WAL recovery) finds the same state and `integrity_check` ok.
//!
//! The database is a valid SQLite file throughout: page 1 (empty schema),
//! page 2 a freelist trunk listing every other page as a free leaf; each
//! leaf holds (pgno, id of the transaction that last wrote it) and a filler
//! derived from both; `user_version` is the id of the last transaction.
//!
//! A spill variant runs wider transactions (more pages each) through a
//! 10-page cache, so the pager spills dirty pages into the database file
//! (rollback journal) or the log (WAL) in the middle of transactions, and
//! crashes at every point of those too.
//!
//! CHORUS_SOAK=1 runs longer workloads and more seeds.

use chorus_storage::vfs::{Fault, FaultVfs, MemoryVfs, Vfs};
use chorus_storage::{JournalMode, PageNo, Pager, PagerOptions, ResultCode, Synchronous};
use std::cell::Cell;
use std::sync::Arc;

thread_local! {
    /// Leaf writes per transaction (3; the spill variant uses more).
    static WRITES_PER_TXN: Cell<u32> = const { Cell::new(3) };
    /// `cache_size` of the pagers (the spill variant uses 10 pages).
    static CACHE_SIZE: Cell<i64> = const { Cell::new(-2000) };
    /// Transactions that spilled (counted by `run_txn` before commit).
    static SPILLS: Cell<u64> = const { Cell::new(0) };
}

const PAGE: usize = 1024;
const DB: &str = "crash.db";

fn soak() -> bool {
    std::env::var("CHORUS_SOAK").is_ok_and(|v| v == "1")
}

/// The content model: the transaction id last written to each leaf page
/// (leaves are pages 3..), and `user_version`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Model {
    leaves: Vec<u32>,
    uv: u32,
}

struct Plan {
    grow: usize,
    shrink: usize,
    writes: Vec<u32>,
}

fn rng(k: u32, salt: u32) -> u32 {
    let mut x = (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (salt as u64) << 32 | 1;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    x as u32
}

fn plan(k: u32, m: &Model) -> Plan {
    if m.leaves.is_empty() {
        return Plan {
            grow: 12.max(2 * WRITES_PER_TXN.with(Cell::get) as usize),
            shrink: 0,
            writes: vec![],
        };
    }
    let n = m.leaves.len();
    let grow = if k & 3 == 0 {
        1 + (rng(k, 1) % 3) as usize
    } else {
        0
    };
    let shrink = if k % 6 == 3 && n > 8 { 2 } else { 0 };
    let after = n + grow - shrink;
    let writes = (0..WRITES_PER_TXN.with(Cell::get))
        .map(|j| 3 + rng(k, 10 + j) % after as u32)
        .collect();
    Plan {
        grow,
        shrink,
        writes,
    }
}

fn apply_model(k: u32, m: &Model) -> Model {
    let p = plan(k, m);
    let mut out = m.clone();
    out.leaves.truncate(out.leaves.len() - p.shrink);
    for _ in 0..p.grow {
        out.leaves.push(k);
    }
    for w in p.writes {
        out.leaves[(w - 3) as usize] = k;
    }
    out.uv = k;
    out
}

fn fill(pgno: u32, k: u32, buf: &mut [u8]) {
    let f = (pgno.wrapping_mul(31).wrapping_add(k.wrapping_mul(7)) & 0xff) as u8;
    buf.fill(f);
    buf[..4].copy_from_slice(&pgno.to_be_bytes());
    buf[4..8].copy_from_slice(&k.to_be_bytes());
}

/// Run transaction `k` (model `m` before it) through the pager.
fn run_txn(p: &mut Pager, k: u32, m: &Model) -> chorus_storage::Result<()> {
    let plan = plan(k, m);
    p.begin_write()?;
    let r = (|| {
        p.update_header(|h| {
            h.freelist_trunk = 0;
            h.freelist_count = 0;
            h.user_version = k;
        })?;
        if m.leaves.is_empty() {
            let trunk = p.allocate()?;
            assert_eq!(trunk, PageNo(2));
        }
        let mut written = plan.writes.clone();
        for _ in 0..plan.grow {
            written.push(p.allocate()?.get());
        }
        if plan.shrink > 0 {
            p.truncate_to(p.page_count() - plan.shrink as u32)?;
        }
        for w in written {
            if w <= p.page_count() {
                fill(w, k, p.write(PageNo(w))?);
            }
        }
        let n = p.page_count();
        let trunk = p.write(PageNo(2))?;
        trunk.fill(0);
        trunk[4..8].copy_from_slice(&(n - 2).to_be_bytes());
        for (i, leaf) in (3..=n).enumerate() {
            trunk[8 + 4 * i..12 + 4 * i].copy_from_slice(&leaf.to_be_bytes());
        }
        p.update_header(|h| {
            h.freelist_trunk = 2;
            h.freelist_count = n - 1;
        })?;
        if p.has_spilled() {
            SPILLS.with(|c| c.set(c.get() + 1));
        }
        p.commit()
    })();
    if r.is_err() && p.in_write_txn() {
        let _ = p.rollback();
    }
    r
}

#[derive(Clone, Copy, Debug)]
struct Config {
    mode: JournalMode,
    sync: Synchronous,
    torn: bool,
    txns: u32,
}

fn open(vfs: Arc<dyn Vfs>, c: &Config) -> chorus_storage::Result<Pager> {
    let mut p = Pager::open(
        vfs,
        DB,
        PagerOptions {
            page_size: PAGE,
            cache_size: CACHE_SIZE.with(Cell::get),
            ..PagerOptions::default()
        },
    )?;
    p.set_synchronous(c.sync);
    if c.mode != JournalMode::Wal {
        p.set_journal_mode(c.mode)?;
    }
    // a small autocheckpoint so that checkpoints happen inside the workload
    p.set_wal_autocheckpoint(40);
    Ok(p)
}

/// The workload; returns the last acknowledged transaction id.
fn workload(
    vfs: Arc<dyn Vfs>,
    c: &Config,
    models: &[Model],
) -> (u32, Option<chorus_storage::Error>) {
    let mut p = match open(vfs, c) {
        Ok(p) => p,
        Err(e) => return (0, Some(e)),
    };
    let mut acked = 0;
    for k in 1..=c.txns {
        if c.mode == JournalMode::Wal {
            // into WAL, out to DELETE half-way and back: crash points inside
            // both switches too
            let switch = if k == 2 || k == c.txns / 2 + 3 {
                Some(JournalMode::Wal)
            } else if k == c.txns / 2 {
                Some(JournalMode::Delete)
            } else {
                None
            };
            if let Some(m) = switch {
                if let Err(e) = p.set_journal_mode(m) {
                    return (acked, Some(e));
                }
            }
        }
        match run_txn(&mut p, k, &models[k as usize - 1]) {
            Ok(()) => acked = k,
            Err(e) => return (acked, Some(e)),
        }
    }
    (acked, None)
}

fn models(txns: u32) -> Vec<Model> {
    let mut v = vec![Model {
        leaves: vec![],
        uv: 0,
    }];
    for k in 1..=txns {
        let next = apply_model(k, v.last().unwrap());
        v.push(next);
    }
    v
}

/// Read the database back and return the transaction id it is at, checking
/// that every page matches the model of that id.
fn check_state(p: &mut Pager, models: &[Model]) -> Result<u32, String> {
    p.begin_read().map_err(|e| format!("begin_read: {e}"))?;
    let r = (|| {
        if p.page_count() == 0 {
            return Ok(0);
        }
        let v = p.header().user_version;
        let m = models
            .get(v as usize)
            .ok_or_else(|| format!("user_version {v} out of range"))?;
        if p.page_count() as usize != m.leaves.len() + 2 && v > 0 {
            return Err(format!(
                "txn {v}: page count {} != {}",
                p.page_count(),
                m.leaves.len() + 2
            ));
        }
        let mut want = vec![0u8; PAGE];
        for (i, &k) in m.leaves.iter().enumerate() {
            let pg = 3 + i as u32;
            let got = p.read(PageNo(pg)).map_err(|e| e.to_string())?;
            fill(pg, k, &mut want);
            if got.data() != &want[..] {
                return Err(format!("txn {v}: page {pg} is not txn {k}'s image"));
            }
        }
        if v > 0 {
            let t = p.read(PageNo(2)).map_err(|e| e.to_string())?;
            if t[4..8] != ((m.leaves.len() as u32).to_be_bytes()) {
                return Err(format!("txn {v}: trunk page count wrong"));
            }
        }
        Ok(v)
    })();
    let _ = p.end_read();
    r
}

/// SQLite's view of the crashed files (its own recovery on a copy).
fn sqlite_view(mem: &MemoryVfs) -> (String, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    for (suffix, name) in [("", ""), ("-journal", "-journal"), ("-wal", "-wal")] {
        if let Some(b) = mem.file_bytes(&format!("{DB}{suffix}")) {
            std::fs::write(format!("{}{name}", db.display()), b).unwrap();
        }
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    let ic: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    let uv: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap_or(-1);
    (ic, uv)
}

/// Does this configuration promise that acknowledged transactions survive?
fn durable(c: &Config) -> bool {
    match c.mode {
        JournalMode::Wal => c.sync != Synchronous::Normal,
        JournalMode::Memory | JournalMode::Off => false,
        _ => true,
    }
}

fn crash_all_points(c: Config, sample_every: u64) -> u64 {
    let models = models(c.txns);
    // dry run: how many points?
    let mem = MemoryVfs::new_ref();
    let fv = FaultVfs::new(mem.clone(), 0);
    let (acked, err) = workload(fv.clone(), &c, &models);
    assert!(err.is_none(), "{c:?}: dry run failed: {err:?}");
    assert_eq!(acked, c.txns);
    let total = fv.points();
    let mut checked = 0;
    let only: Option<u64> = std::env::var("CRASH_POINT")
        .ok()
        .and_then(|v| v.parse().ok());
    for point in 0..total {
        if only.is_some_and(|o| o != point) {
            continue;
        }
        let mem = MemoryVfs::new_ref();
        let fv = FaultVfs::new(mem.clone(), point * 7919 + 17);
        fv.set_torn_writes(c.torn);
        fv.arm(point, Fault::PowerCut);
        let (acked, err) = workload(fv.clone(), &c, &models);
        assert!(fv.fired(), "{c:?} point {point}: fault never fired");
        // (a crash inside the last automatic checkpoint does not fail a commit)
        assert!(
            err.is_some() || acked == c.txns,
            "{c:?} point {point}: workload survived the crash"
        );
        fv.restore_power().unwrap();
        if only.is_some() {
            if let Some(j) = mem.file_bytes(&format!("{DB}-journal")) {
                eprintln!(
                    "acked {acked} journal len {} hdr {:02x?}",
                    j.len(),
                    &j[..28.min(j.len())]
                );
                let mut off = 512;
                while off + 1032 <= j.len() {
                    eprintln!(
                        "  rec pg {:02x?} data0 {:02x?} f {:02x}",
                        &j[off..off + 4],
                        &j[off + 4..off + 12],
                        j[off + 20]
                    );
                    off += 1032;
                }
            }
        }
        let safe = c.mode != JournalMode::Memory && c.mode != JournalMode::Off;
        if safe && point % sample_every == 0 {
            let (ic, uv) = sqlite_view(&mem);
            assert_eq!(ic, "ok", "{c:?} point {point}: SQLite integrity_check");
            let lo = if durable(&c) { acked as i64 } else { 0 };
            assert!(
                uv >= lo && uv <= acked as i64 + 1,
                "{c:?} point {point}: SQLite sees txn {uv}, acked {acked}"
            );
        }
        let mut p = match open(fv.clone(), &c) {
            Ok(p) => p,
            Err(e) if !safe => {
                let _ = e;
                continue;
            }
            Err(e) => panic!("{c:?} point {point}: reopen failed: {e}"),
        };
        match check_state(&mut p, &models) {
            Ok(v) => {
                if durable(&c) {
                    assert!(
                        v == acked || v == acked + 1,
                        "{c:?} point {point}: at txn {v}, acked {acked}"
                    );
                } else {
                    assert!(
                        v <= acked + 1,
                        "{c:?} point {point}: txn {v} from the future"
                    );
                }
                // usable: one more transaction commits and reads back
                let next = v + 1;
                if (next as usize) < models.len() {
                    run_txn(&mut p, next, &models[v as usize])
                        .unwrap_or_else(|e| panic!("{c:?} point {point}: after recovery: {e}"));
                    assert_eq!(check_state(&mut p, &models), Ok(next));
                }
            }
            Err(e) => {
                assert!(!safe, "{c:?} point {point}: {e}");
            }
        }
        checked += 1;
    }
    eprintln!("{c:?}: {checked} crash points");
    checked
}

fn configs(modes: &[JournalMode], txns: u32) -> Vec<Config> {
    let txns = if soak() { txns * 3 } else { txns };
    let mut v = Vec::new();
    for &mode in modes {
        for sync in [Synchronous::Full, Synchronous::Normal] {
            for torn in [true, false] {
                v.push(Config {
                    mode,
                    sync,
                    torn,
                    txns,
                });
            }
        }
    }
    v
}

#[test]
fn crash_delete_mode_at_every_point() {
    let n: u64 = configs(&[JournalMode::Delete], 56)
        .into_iter()
        .map(|c| crash_all_points(c, 23))
        .sum();
    assert!(n > 2500, "{n}");
}

#[test]
fn crash_truncate_and_persist_modes_at_every_point() {
    let n: u64 = configs(&[JournalMode::Truncate, JournalMode::Persist], 56)
        .into_iter()
        .map(|c| crash_all_points(c, 23))
        .sum();
    assert!(n > 5000, "{n}");
}

#[test]
fn crash_wal_mode_at_every_point() {
    let n: u64 = configs(&[JournalMode::Wal], 56)
        .into_iter()
        .map(|c| crash_all_points(c, 23))
        .sum();
    assert!(n > 1800, "{n}");
}

#[test]
fn crash_memory_and_off_modes_never_panic() {
    let n: u64 = configs(&[JournalMode::Memory, JournalMode::Off], 24)
        .into_iter()
        .map(|c| crash_all_points(c, u64::MAX))
        .sum();
    assert!(n > 400, "{n}");
}

#[test]
fn crash_with_cache_spills_at_every_point() {
    WRITES_PER_TXN.with(|c| c.set(14));
    CACHE_SIZE.with(|c| c.set(10));
    let n: u64 = configs(&[JournalMode::Delete, JournalMode::Persist], 10)
        .into_iter()
        .map(|c| crash_all_points(c, 23))
        .sum();
    assert!(n > 1500, "{n}");
    let spills = SPILLS.with(Cell::get);
    assert!(spills > 50, "the workload must spill: {spills}");
    // WAL transactions spill into the log (uncommitted frames).
    let n: u64 = configs(&[JournalMode::Wal], 10)
        .into_iter()
        .map(|c| crash_all_points(c, 23))
        .sum();
    assert!(n > 500, "{n}");
    let wal_spills = SPILLS.with(Cell::get) - spills;
    assert!(wal_spills > 50, "the WAL workload must spill: {wal_spills}");
    for (mode, fault) in [
        (JournalMode::Delete, Fault::Eio),
        (JournalMode::Truncate, Fault::Eio),
        (JournalMode::Persist, Fault::Enospc),
        (JournalMode::Wal, Fault::Eio),
        (JournalMode::Wal, Fault::Enospc),
    ] {
        io_errors_at_every_point(mode, fault);
    }
}

/// EIO / ENOSPC at every point: the failing transaction gets the error and
/// rolls back, the database stays usable, later transactions commit, and
/// the final state has exactly the successful transactions.
fn io_errors_at_every_point(mode: JournalMode, fault: Fault) -> u64 {
    let c = Config {
        mode,
        sync: Synchronous::Full,
        torn: false,
        txns: 12,
    };
    let models = models(c.txns);
    let mem = MemoryVfs::new_ref();
    let fv = FaultVfs::new(mem.clone(), 0);
    workload(fv.clone(), &c, &models);
    let total = fv.points();
    for point in 0..total {
        let mem = MemoryVfs::new_ref();
        let fv = FaultVfs::new(mem.clone(), point);
        fv.arm(point, fault);
        let mut p = match open(fv.clone(), &c) {
            Ok(p) => p,
            Err(e) => {
                assert!(is_io_code(e.code), "{e:?}");
                continue;
            }
        };
        // The model follows the transactions that succeeded.
        let mut m = models[0].clone();
        let mut failures = 0;
        for k in 1..=c.txns {
            if k == 2 && mode == JournalMode::Wal {
                if let Err(e) = p.set_journal_mode(JournalMode::Wal) {
                    assert!(is_io_code(e.code), "{e:?}");
                    failures += 1;
                }
            }
            // Replay the plan of k against the current model: plans depend
            // only on k and the model, as in the crash runs.
            match run_txn_on(&mut p, k, &m) {
                Ok(()) => m = apply_model(k, &m),
                Err(e) => {
                    assert!(is_io_code(e.code), "{mode:?} point {point}: {e:?}");
                    assert!(!p.in_write_txn());
                    failures += 1;
                }
            }
        }
        assert!(failures <= 1 || fv.fired());
        assert_eq!(
            read_model(&mut p, m.leaves.len()),
            m,
            "{mode:?} {fault:?} point {point}"
        );
        drop(p);
        // and from a fresh connection
        let mut p = open(fv.clone(), &c).unwrap();
        assert_eq!(read_model(&mut p, m.leaves.len()), m);
    }
    total
}

fn run_txn_on(p: &mut Pager, k: u32, m: &Model) -> chorus_storage::Result<()> {
    run_txn(p, k, m)
}

fn read_model(p: &mut Pager, _n: usize) -> Model {
    p.begin_read().unwrap();
    let mut leaves = vec![];
    for pg in 3..=p.page_count() {
        let d = p.read(PageNo(pg)).unwrap();
        leaves.push(u32::from_be_bytes([d[4], d[5], d[6], d[7]]));
    }
    let m = Model {
        leaves,
        uv: p.header().user_version,
    };
    p.end_read().unwrap();
    m
}

fn is_io_code(c: ResultCode) -> bool {
    c.primary() == ResultCode::IOERR || c == ResultCode::FULL
}

#[test]
fn io_errors_roll_back_and_leave_the_database_usable() {
    let mut n = 0;
    for mode in [JournalMode::Delete, JournalMode::Truncate, JournalMode::Wal] {
        n += io_errors_at_every_point(mode, Fault::Eio);
        n += io_errors_at_every_point(mode, Fault::Enospc);
    }
    assert!(n > 300, "{n}");
}
