//! Interrupting a running statement from another thread (sqlite3_interrupt).
//!
//! Each connection owns one atomic flag. `InterruptHandle::interrupt` sets
//! it; statement execution checks it once per row the sources produce (scans,
//! joins, sorts' input, recursive CTE steps) and fails with SQLITE_INTERRUPT
//! ("interrupted"). As in SQLite, the flag clears when a statement starts
//! while no other statement of the connection is running, so an interrupt
//! issued while idle does not outlive the next statement.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A handle that interrupts whatever its connection is running
/// (`Clone + Send + Sync`; usable after the connection is gone, then a no-op).
///
/// ```
/// let conn = chorus::Connection::open_in_memory().unwrap();
/// let h = conn.interrupt_handle();
/// std::thread::spawn(move || h.interrupt()).join().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    flag: Arc<AtomicBool>,
}

impl InterruptHandle {
    pub(crate) fn new(flag: Arc<AtomicBool>) -> InterruptHandle {
        InterruptHandle { flag }
    }

    /// Make the connection's running statement fail with SQLITE_INTERRUPT.
    pub fn interrupt(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }
}
