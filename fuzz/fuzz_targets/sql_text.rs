//! Fuzz target: arbitrary bytes as SQL text, run against an in-memory
//! Chorus database that already holds a few tables, an index and a view.
//! The text goes through `Connection::execute_batch` and, statement by
//! statement, through `prepare_with_tail` + `step` (a bounded number of
//! rows). Any error is fine; a panic, abort or stack overflow is a bug.
#![no_main]

use chorus::Connection;
use libfuzzer_sys::fuzz_target;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};

static SCRATCH: Once = Once::new();
use std::time::{Duration, Instant};

const SETUP: &str = "
CREATE TABLE t1(a INTEGER PRIMARY KEY, b TEXT, c REAL, d BLOB);
CREATE TABLE t2(x, y UNIQUE, z DEFAULT 5 CHECK (z > 0));
CREATE INDEX t1_bc ON t1(b, c DESC);
CREATE VIEW v1 AS SELECT a, b FROM t1 WHERE a > 1;
INSERT INTO t1 VALUES(1, 'one', 1.5, x'01'), (2, 'two', NULL, NULL), (3, NULL, -2.0, x'');
INSERT INTO t2 VALUES(1, 'a', 3), ('q', 2.5, 7), (NULL, NULL, 1);
";

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    // ATTACH creates files: keep them in a scratch directory, and never
    // let an input name a path elsewhere.
    SCRATCH.call_once(|| {
        let dir = std::env::temp_dir().join(format!("chorus-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::env::set_current_dir(&dir);
    });
    let lower = sql.to_ascii_lowercase();
    if lower.contains("attach") && (sql.contains('/') || sql.contains('\\') || lower.contains("file:")) {
        return;
    }
    let Ok(conn) = Connection::open_in_memory() else {
        return;
    };
    if conn.execute_batch(SETUP).is_err() {
        return;
    }
    // Unbounded recursive CTEs are legal SQL: a watchdog interrupts the
    // connection (repeatedly, as each statement start clears the flag)
    // once the input has run for a quarter second.
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        let h = conn.interrupt_handle();
        std::thread::spawn(move || {
            let start = Instant::now();
            let limit = Duration::from_millis(250);
            while !done.load(Ordering::Relaxed) {
                let spent = start.elapsed();
                if spent >= limit {
                    h.interrupt();
                    std::thread::park_timeout(Duration::from_millis(1));
                } else {
                    std::thread::park_timeout(limit - spent);
                }
            }
        })
    };
    let _ = conn.execute_batch(sql);
    // Statement by statement, stepping a bounded number of rows.
    let mut rest = sql;
    for _ in 0..64 {
        if rest.trim().is_empty() {
            break;
        }
        match conn.prepare_with_tail(rest) {
            Ok((stmt, tail)) => {
                if let Some(mut stmt) = stmt {
                    for _ in 0..1000 {
                        match stmt.step() {
                            Ok(true) => {
                                for i in 0..stmt.column_count() {
                                    let _ = stmt.column_value(i);
                                }
                            }
                            _ => break,
                        }
                    }
                }
                if tail == 0 || tail > rest.len() {
                    break;
                }
                rest = &rest[tail..];
            }
            Err(_) => break,
        }
    }
    done.store(true, Ordering::Relaxed);
    watchdog.thread().unpark();
    let _ = watchdog.join();
});
