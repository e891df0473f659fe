//! Issue 4 stress test: one `chorus::Database` on a file, 8 writer threads
//! doing random transfers between 100 accounts in classic transactions
//! (BEGIN IMMEDIATE; two UPDATEs; COMMIT; retry on BUSY) while 4 readers
//! repeatedly sum the balances inside BEGIN..COMMIT. Checks: every reader
//! snapshot sees the same total, nothing deadlocks (the run is bounded by a
//! watchdog), and no update is lost (each account's final balance equals its
//! start plus the net of the transfers the writers counted as committed).
//! Runs in rollback-journal (DELETE) and WAL mode. `CHORUS_SOAK=1` runs longer.

use chorus::{Database, Error};
use chorus_storage::ResultCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

const ACCOUNTS: i64 = 100;
const START: i64 = 1_000;
const WRITERS: usize = 8;
const READERS: usize = 4;

fn is_busy(e: &Error) -> bool {
    e.code.primary() == ResultCode::BUSY || e.code.primary() == ResultCode::LOCKED
}

/// A small deterministic PRNG (xorshift64*), one per thread.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// One transfer; Ok(false) when BUSY (rolled back, to retry).
fn transfer(c: &chorus::Connection, from: i64, to: i64, amount: i64) -> Result<bool, Error> {
    let r = (|| {
        c.execute_batch("BEGIN IMMEDIATE")?;
        c.execute(
            "UPDATE accounts SET balance = balance - ?1 WHERE id = ?2",
            (amount, from),
        )?;
        c.execute(
            "UPDATE accounts SET balance = balance + ?1 WHERE id = ?2",
            (amount, to),
        )?;
        c.execute_batch("COMMIT")
    })();
    match r {
        Ok(()) => Ok(true),
        Err(e) if is_busy(&e) => {
            if !c.is_autocommit() {
                c.execute_batch("ROLLBACK")?;
            }
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

fn run(mode: &str, transfers_per_writer: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let db = Database::open(path.to_str().unwrap()).unwrap();
    {
        let c = db.connect().unwrap();
        let m: String = c
            .query_row(&format!("PRAGMA journal_mode={mode}"), (), |r| r.get(0))
            .unwrap();
        assert_eq!(m, mode);
        c.execute_batch("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
            .unwrap();
        c.execute_batch("BEGIN").unwrap();
        for id in 0..ACCOUNTS {
            c.execute("INSERT INTO accounts VALUES (?1, ?2)", (id, START))
                .unwrap();
        }
        c.execute_batch("COMMIT").unwrap();
    }
    let total = ACCOUNTS * START;
    let stop = Arc::new(AtomicBool::new(false));
    let snapshots = Arc::new(AtomicU64::new(0));
    let (done_tx, done_rx) = mpsc::channel::<()>();

    let mut writers = Vec::new();
    for t in 0..WRITERS {
        let db = db.clone();
        let done = done_tx.clone();
        writers.push(std::thread::spawn(move || {
            let c = db.connect().unwrap();
            c.busy_timeout(Duration::from_millis(2000)).unwrap();
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((t as u64 + 1) * 0x1234_5678_9ABC));
            let mut delta = vec![0i64; ACCOUNTS as usize];
            let (mut committed, mut retries) = (0usize, 0usize);
            while committed < transfers_per_writer {
                let from = (rng.next() % ACCOUNTS as u64) as i64;
                let to = (rng.next() % ACCOUNTS as u64) as i64;
                let amount = (rng.next() % 50) as i64 + 1;
                // Retry the same transfer until it commits.
                loop {
                    if transfer(&c, from, to, amount).unwrap() {
                        break;
                    }
                    retries += 1;
                    std::thread::yield_now();
                }
                delta[from as usize] -= amount;
                delta[to as usize] += amount;
                committed += 1;
            }
            drop(done);
            (committed, retries, delta)
        }));
    }
    let mut readers = Vec::new();
    for _ in 0..READERS {
        let db = db.clone();
        let stop = stop.clone();
        let snaps = snapshots.clone();
        let done = done_tx.clone();
        readers.push(std::thread::spawn(move || {
            let c = db.connect().unwrap();
            c.busy_timeout(Duration::from_millis(2000)).unwrap();
            let mut seen = 0u64;
            while !stop.load(Ordering::Relaxed) || seen == 0 {
                let r = (|| -> Result<(i64, i64), Error> {
                    c.execute_batch("BEGIN")?;
                    let s: i64 =
                        c.query_row("SELECT sum(balance) FROM accounts", (), |r| r.get(0))?;
                    // A second read in the same snapshot must agree.
                    let n: i64 = c
                        .query_row("SELECT total(balance) FROM accounts", (), |r| {
                            r.get::<f64>(0)
                        })
                        .map(|x| x as i64)?;
                    c.execute_batch("COMMIT")?;
                    Ok((s, n))
                })();
                match r {
                    Ok((s, n)) => {
                        assert_eq!(s, total, "reader saw a torn total");
                        assert_eq!(n, total, "reader saw a torn total (second read)");
                        seen += 1;
                    }
                    Err(e) if is_busy(&e) => {
                        if !c.is_autocommit() {
                            c.execute_batch("ROLLBACK").unwrap();
                        }
                        std::thread::yield_now();
                    }
                    Err(e) => panic!("reader: {e:?}"),
                }
            }
            snaps.fetch_add(seen, Ordering::Relaxed);
            drop(done);
        }));
    }
    drop(done_tx);

    // Watchdog: writers must finish in bounded time (a deadlock fails here).
    let limit = Duration::from_secs(if soak() { 600 } else { 60 });
    let t0 = Instant::now();
    let mut results = Vec::new();
    for w in writers {
        while !w.is_finished() {
            assert!(
                t0.elapsed() < limit,
                "{mode}: writers deadlocked or stalled"
            );
            let _ = done_rx.recv_timeout(Duration::from_millis(50));
        }
        results.push(w.join().expect("writer panicked"));
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        while !r.is_finished() {
            assert!(
                t0.elapsed() < limit,
                "{mode}: readers deadlocked or stalled"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        r.join().expect("reader panicked");
    }

    let mut expected = vec![START; ACCOUNTS as usize];
    let mut committed = 0;
    let mut retries = 0;
    for (n, r, delta) in &results {
        committed += n;
        retries += r;
        for (e, d) in expected.iter_mut().zip(delta) {
            *e += d;
        }
    }
    assert_eq!(committed, WRITERS * transfers_per_writer);
    let c = db.connect().unwrap();
    let mut st = c
        .prepare("SELECT id, balance FROM accounts ORDER BY id")
        .unwrap();
    let mut rows = st.query(()).unwrap();
    let mut actual = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        actual.push(r.get::<i64>(1).unwrap());
    }
    drop(rows);
    drop(st);
    assert_eq!(actual, expected, "{mode}: lost or duplicated update");
    let s: i64 = c
        .query_row("SELECT sum(balance) FROM accounts", (), |r| r.get(0))
        .unwrap();
    assert_eq!(s, total);
    let ok: String = c
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    eprintln!(
        "{mode}: {committed} transfers ({retries} busy retries), {} reader snapshots, {:?}",
        snapshots.load(Ordering::Relaxed),
        t0.elapsed()
    );
}

fn soak() -> bool {
    std::env::var("CHORUS_SOAK").is_ok_and(|v| v == "1")
}

fn per_writer() -> usize {
    if soak() {
        5_000
    } else {
        150
    }
}

#[test]
fn transfers_keep_the_total_in_delete_mode() {
    run("delete", per_writer());
}

#[test]
fn transfers_keep_the_total_in_wal_mode() {
    run("wal", per_writer());
}

/// `?NNN` parameters bind by number, not by order of appearance (the
/// transfer UPDATE names ?1 before ?2 but the WHERE clause is bound first).
#[test]
fn numbered_parameters_bind_by_number() {
    let c = chorus::Connection::open_in_memory().unwrap();
    let r: (i64, i64) = c
        .query_row("SELECT ?2, ?1", (1, 2), |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(r, (2, 1));
    c.execute_batch("CREATE TABLE a(id INTEGER PRIMARY KEY, b INTEGER); INSERT INTO a VALUES (7, 100), (70, 100);")
        .unwrap();
    c.execute("UPDATE a SET b = b - ?1 WHERE id = ?2", (7, 70))
        .unwrap();
    let b: Vec<i64> = c
        .prepare("SELECT b FROM a ORDER BY id")
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap();
    assert_eq!(b, [100, 93]);
}

/// Autocommit writers on one file (DELETE mode) with a busy timeout all
/// succeed: one waiting for the writer slot must not hold a lock that keeps
/// the current writer from committing.
#[test]
fn autocommit_writers_wait_instead_of_deadlocking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ac.db");
    let db = Database::open(path.to_str().unwrap()).unwrap();
    db.connect()
        .unwrap()
        .execute_batch(
            "CREATE TABLE c(id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO c VALUES (1, 0);",
        )
        .unwrap();
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            std::thread::spawn(move || {
                let c = db.connect().unwrap();
                c.busy_timeout(Duration::from_secs(10)).unwrap();
                for _ in 0..50 {
                    c.execute("UPDATE c SET n = n + 1 WHERE id = 1", ())
                        .unwrap();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().expect("writer failed");
    }
    let c = db.connect().unwrap();
    let n: i64 = c.query_row("SELECT n FROM c", (), |r| r.get(0)).unwrap();
    assert_eq!(n, 200);
}
