//! Issue 4 stress test, second part: Chorus and `sqlite3` shell processes
//! doing random transfers on the same rollback-journal (DELETE) database file
//! at the same time.
//!
//! - Chorus: one `chorus::Database`, `CHORUS_WRITERS` threads doing transfers
//!   (BEGIN IMMEDIATE; two UPDATEs; a ledger INSERT; COMMIT; retry on BUSY)
//!   and `CHORUS_READERS` threads summing the balances in BEGIN..COMMIT
//!   snapshots.
//! - `sqlite3` (the installed shell, `.timeout` busy handling, `.bail on` so
//!   a failed statement ends the process with an error): `SQLITE_WRITERS`
//!   processes each running a script of transfers in the same shape, and one
//!   process summing the balances in BEGIN..COMMIT snapshots.
//!
//! Every transfer also appends a ledger row naming its side, so at the end
//! each account's balance must equal its start plus the ledger's net, the
//! ledger must hold exactly the transfers each side counted as committed,
//! every snapshot (Chorus's and `sqlite3`'s) must show the unchanged total,
//! no journal may be left behind, and both `sqlite3`'s and Chorus's
//! `PRAGMA integrity_check` must say ok. A watchdog bounds the run (a
//! deadlock or a starved process fails). `CHORUS_SOAK=1` runs longer.

use chorus::{Database, Error};
use chorus_storage::ResultCode;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ACCOUNTS: i64 = 50;
const START: i64 = 1_000;
const CHORUS_WRITERS: usize = 4;
const CHORUS_READERS: usize = 2;
const SQLITE_WRITERS: usize = 2;

fn soak() -> bool {
    std::env::var("CHORUS_SOAK").is_ok_and(|v| v == "1")
}

fn sqlite3_available() -> bool {
    Command::new("sqlite3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_busy(e: &Error) -> bool {
    e.code.primary() == ResultCode::BUSY || e.code.primary() == ResultCode::LOCKED
}

/// xorshift64*, one per thread / script.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn transfer(&mut self) -> (i64, i64, i64) {
        let from = (self.next() % ACCOUNTS as u64) as i64;
        let to = (self.next() % ACCOUNTS as u64) as i64;
        (from, to, (self.next() % 50) as i64 + 1)
    }
}

/// One Chorus transfer; Ok(false) when BUSY (rolled back, to retry).
fn chorus_transfer(c: &chorus::Connection, from: i64, to: i64, amount: i64) -> Result<bool, Error> {
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
        c.execute(
            "INSERT INTO ledger(side, src, dst, amount) VALUES ('chorus', ?1, ?2, ?3)",
            (from, to, amount),
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

/// A `sqlite3` script of `n` transfers.
fn writer_script(seed: u64, n: usize) -> String {
    let mut rng = Rng(seed);
    let mut s = String::from(".bail on\n.timeout 20000\n");
    for _ in 0..n {
        let (from, to, amount) = rng.transfer();
        s.push_str(&format!(
            "BEGIN IMMEDIATE;\n\
             UPDATE accounts SET balance = balance - {amount} WHERE id = {from};\n\
             UPDATE accounts SET balance = balance + {amount} WHERE id = {to};\n\
             INSERT INTO ledger(side, src, dst, amount) VALUES ('sqlite3', {from}, {to}, {amount});\n\
             COMMIT;\n"
        ));
    }
    s
}

/// A `sqlite3` script printing `n` snapshot totals (two reads per snapshot).
fn reader_script(n: usize) -> String {
    let mut s = String::from(".bail on\n.timeout 20000\n");
    for _ in 0..n {
        s.push_str(
            "BEGIN;\nSELECT sum(balance) FROM accounts;\nSELECT total(balance) FROM accounts;\nCOMMIT;\n",
        );
    }
    s
}

fn spawn_sqlite3(db: &Path, script: String) -> Child {
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sqlite3");
    let mut stdin = child.stdin.take().expect("sqlite3 stdin");
    std::thread::spawn(move || {
        // The process may exit early on an error; the test reports that.
        let _ = stdin.write_all(script.as_bytes());
    });
    child
}

/// Wait for a child, killing it past the deadline; returns (stdout, stderr).
fn finish(mut child: Child, deadline: Instant, what: &str) -> (String, String) {
    loop {
        match child.try_wait().expect("try_wait") {
            Some(_) => break,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("wait");
                panic!(
                    "{what}: deadlocked or starved; stderr: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    let out = child.wait_with_output().expect("wait_with_output");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success() && stderr.is_empty(),
        "{what} failed ({:?}): {stderr}",
        out.status
    );
    (stdout, stderr)
}

fn sqlite3_query(db: &Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("run sqlite3");
    assert!(
        out.status.success(),
        "sqlite3 {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn chorus_and_sqlite3_processes_transfer_on_one_file() {
    if !sqlite3_available() {
        eprintln!("sqlite3 shell not installed; skipped");
        return;
    }
    let (chorus_per_writer, sqlite_per_writer, sqlite_snapshots) = if soak() {
        (2_000, 3_000, 3_000)
    } else {
        (60, 100, 100)
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let db = Database::open(path.to_str().unwrap()).unwrap();
    {
        let c = db.connect().unwrap();
        let m: String = c
            .query_row("PRAGMA journal_mode=delete", (), |r| r.get(0))
            .unwrap();
        assert_eq!(m, "delete");
        c.execute_batch(
            "CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
             CREATE TABLE ledger(n INTEGER PRIMARY KEY, side TEXT, src INTEGER, dst INTEGER, amount INTEGER);",
        )
        .unwrap();
        c.execute_batch("BEGIN").unwrap();
        for id in 0..ACCOUNTS {
            c.execute("INSERT INTO accounts VALUES (?1, ?2)", (id, START))
                .unwrap();
        }
        c.execute_batch("COMMIT").unwrap();
    }
    let total = ACCOUNTS * START;
    let t0 = Instant::now();
    let limit = Duration::from_secs(if soak() { 900 } else { 120 });
    let deadline = t0 + limit;

    // sqlite3 processes first, so they run beside the Chorus threads.
    let sqlite_writers: Vec<Child> = (0..SQLITE_WRITERS)
        .map(|i| {
            spawn_sqlite3(
                &path,
                writer_script(0xDEAD_BEEF ^ ((i as u64 + 1) * 0x9E37), sqlite_per_writer),
            )
        })
        .collect();
    let sqlite_reader = spawn_sqlite3(&path, reader_script(sqlite_snapshots));

    let stop = Arc::new(AtomicBool::new(false));
    let snapshots = Arc::new(AtomicU64::new(0));
    let busy_retries = Arc::new(AtomicU64::new(0));
    let mut writers = Vec::new();
    for t in 0..CHORUS_WRITERS {
        let db = db.clone();
        let retries = busy_retries.clone();
        writers.push(std::thread::spawn(move || {
            let c = db.connect().unwrap();
            c.busy_timeout(Duration::from_millis(5000)).unwrap();
            let mut rng = Rng(0x1234_5678_9ABC_DEF1 ^ ((t as u64 + 1) * 0x51_7CC1));
            for _ in 0..chorus_per_writer {
                let (from, to, amount) = rng.transfer();
                loop {
                    match chorus_transfer(&c, from, to, amount) {
                        Ok(true) => break,
                        Ok(false) => {
                            retries.fetch_add(1, Ordering::Relaxed);
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        Err(e) => panic!("chorus writer: {e:?}"),
                    }
                }
                // Leave the sqlite3 processes (which poll) a chance at the lock.
                std::thread::sleep(Duration::from_micros(rng.next() % 2000));
            }
            chorus_per_writer
        }));
    }
    let mut readers = Vec::new();
    for _ in 0..CHORUS_READERS {
        let db = db.clone();
        let stop = stop.clone();
        let snaps = snapshots.clone();
        readers.push(std::thread::spawn(move || {
            let c = db.connect().unwrap();
            c.busy_timeout(Duration::from_millis(5000)).unwrap();
            let mut seen = 0u64;
            while !stop.load(Ordering::Relaxed) || seen == 0 {
                let r = (|| -> Result<(i64, i64, i64), Error> {
                    c.execute_batch("BEGIN")?;
                    let s: i64 =
                        c.query_row("SELECT sum(balance) FROM accounts", (), |r| r.get(0))?;
                    let n: i64 = c.query_row("SELECT count(*) FROM ledger", (), |r| r.get(0))?;
                    let s2: i64 =
                        c.query_row("SELECT sum(balance) FROM accounts", (), |r| r.get(0))?;
                    let n2: i64 = c.query_row("SELECT count(*) FROM ledger", (), |r| r.get(0))?;
                    c.execute_batch("COMMIT")?;
                    assert_eq!(n, n2, "ledger changed inside a read transaction");
                    Ok((s, s2, n))
                })();
                match r {
                    Ok((s, s2, _)) => {
                        assert_eq!(s, total, "chorus reader saw a torn total");
                        assert_eq!(s2, total, "chorus reader saw a torn total (second read)");
                        seen += 1;
                    }
                    Err(e) if is_busy(&e) => {
                        if !c.is_autocommit() {
                            c.execute_batch("ROLLBACK").unwrap();
                        }
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Err(e) => panic!("chorus reader: {e:?}"),
                }
            }
            snaps.fetch_add(seen, Ordering::Relaxed);
        }));
    }

    let mut chorus_committed = 0usize;
    for w in writers {
        while !w.is_finished() {
            assert!(
                Instant::now() < deadline,
                "chorus writers deadlocked or starved"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        chorus_committed += w.join().expect("chorus writer panicked");
    }
    for (i, child) in sqlite_writers.into_iter().enumerate() {
        finish(child, deadline, &format!("sqlite3 writer {i}"));
    }
    let (out, _) = finish(sqlite_reader, deadline, "sqlite3 reader");
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        while !r.is_finished() {
            assert!(Instant::now() < deadline, "chorus readers deadlocked");
            std::thread::sleep(Duration::from_millis(10));
        }
        r.join().expect("chorus reader panicked");
    }
    let elapsed = t0.elapsed();

    // Every sqlite3 snapshot saw the total (sum as integer, total() as real).
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 * sqlite_snapshots, "sqlite3 reader output");
    for pair in lines.chunks(2) {
        assert_eq!(
            pair[0],
            total.to_string(),
            "sqlite3 reader saw a torn total"
        );
        assert_eq!(pair[1], format!("{total}.0"), "sqlite3 reader (total())");
    }

    // No lost update: balances = start + the ledger's net; the ledger holds
    // exactly the transfers each side committed.
    let c = db.connect().unwrap();
    let mut expected = vec![START; ACCOUNTS as usize];
    let (mut by_chorus, mut by_sqlite) = (0usize, 0usize);
    {
        let mut st = c
            .prepare("SELECT side, src, dst, amount FROM ledger")
            .unwrap();
        let mut rows = st.query(()).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let side: String = r.get(0).unwrap();
            let (src, dst, amount): (i64, i64, i64) =
                (r.get(1).unwrap(), r.get(2).unwrap(), r.get(3).unwrap());
            match side.as_str() {
                "chorus" => by_chorus += 1,
                "sqlite3" => by_sqlite += 1,
                other => panic!("unexpected ledger side {other}"),
            }
            expected[src as usize] -= amount;
            expected[dst as usize] += amount;
        }
    }
    assert_eq!(
        by_chorus, chorus_committed,
        "chorus transfers lost or doubled"
    );
    assert_eq!(by_chorus, CHORUS_WRITERS * chorus_per_writer);
    assert_eq!(
        by_sqlite,
        SQLITE_WRITERS * sqlite_per_writer,
        "sqlite3 transfers lost or doubled"
    );
    let actual: Vec<i64> = c
        .prepare("SELECT balance FROM accounts ORDER BY id")
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap();
    assert_eq!(actual, expected, "lost or duplicated update");
    let ok: String = c
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "chorus integrity_check");
    drop(c);
    assert!(
        !Path::new(&format!("{}-journal", path.display())).exists(),
        "a journal was left behind"
    );
    assert_eq!(sqlite3_query(&path, "PRAGMA integrity_check"), "ok");
    assert_eq!(
        sqlite3_query(&path, "SELECT sum(balance) FROM accounts"),
        total.to_string()
    );
    assert_eq!(
        sqlite3_query(&path, "SELECT count(*) FROM ledger"),
        (by_chorus + by_sqlite).to_string()
    );
    eprintln!(
        "chorus {by_chorus} + sqlite3 {by_sqlite} transfers, chorus busy retries {}, \
         {} chorus snapshots + {sqlite_snapshots} sqlite3 snapshots, {elapsed:?}",
        busy_retries.load(Ordering::Relaxed),
        snapshots.load(Ordering::Relaxed),
    );
}
