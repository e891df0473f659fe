//! State shared by every [`Pager`](super::Pager) of one database file in this
//! process: the writer slot (one write transaction at a time, waiters sleep
//! on a condition variable up to their busy timeout), and, in WAL mode, the
//! WAL with its in-process wal-index and the database handle that holds the
//! EXCLUSIVE lock keeping other processes out.
//!
//! Pagers find their `SharedDb` in a process-wide registry keyed by
//! [`Vfs::identity`](crate::vfs::Vfs::identity) of the database path; the
//! entry lives as long as some pager holds it. Every change that may let a
//! waiter proceed (writer slot freed, a reader gone, a lock dropped) is
//! followed by `notify_all` on `cond`.

use crate::error::{Error, Result, ResultCode};
use crate::vfs::VfsFile;
use crate::wal::Wal;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

pub(crate) struct Shared {
    /// Id of the pager holding the writer slot.
    pub writer: Option<u64>,
    /// The WAL, while the database is in WAL mode here.
    pub wal: Option<Wal>,
    /// Database handle holding EXCLUSIVE while the WAL is attached.
    pub wal_lock: Option<Box<dyn VfsFile>>,
    /// Pagers attached to the WAL.
    pub wal_users: usize,
    /// Threads sleeping on `cond` (a notification without sleepers is
    /// skipped: `Condvar::notify_all` is a system call even then).
    waiters: usize,
}

pub(crate) struct SharedDb {
    state: Mutex<Shared>,
    cond: Condvar,
}

/// SQLite's default busy handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50,
/// 50, 100 ms, then 100 ms per try (`sqliteDefaultBusyCallback`): how long
/// the `tries`-th wait for a lock held by another process lasts.
pub(crate) fn busy_delay(tries: usize) -> Duration {
    const DELAYS: [u64; 12] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];
    Duration::from_millis(DELAYS[tries.min(DELAYS.len() - 1)])
}

type Registry = Mutex<HashMap<String, Weak<SharedDb>>>;

fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(|| Mutex::new(HashMap::new()))
}

impl SharedDb {
    /// The shared state for `key`, created on first use.
    pub(crate) fn get(key: &str) -> Arc<SharedDb> {
        let mut reg = registry().lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = reg.get(key).and_then(Weak::upgrade) {
            return s;
        }
        reg.retain(|_, w| w.strong_count() > 0);
        let s = Arc::new(SharedDb {
            state: Mutex::new(Shared {
                writer: None,
                wal: None,
                wal_lock: None,
                wal_users: 0,
                waiters: 0,
            }),
            cond: Condvar::new(),
        });
        reg.insert(key.to_string(), Arc::downgrade(&s));
        s
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Shared> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn notify(&self) {
        let g = self.lock();
        if g.waiters > 0 {
            self.cond.notify_all();
        }
    }

    /// Unregister a WAL reader and wake waiters (a checkpoint may wait for
    /// it), under one acquisition of the mutex.
    pub(crate) fn end_wal_reader(&self, m: crate::wal::ReadMark) {
        let mut g = self.lock();
        if let Some(w) = g.wal.as_mut() {
            w.end_read(m);
        }
        if g.waiters > 0 {
            self.cond.notify_all();
        }
    }

    /// Sleep up to `d` on the condition variable (an in-process change wakes
    /// the sleeper early).
    pub(crate) fn pause(&self, d: Duration) {
        let mut g = self.lock();
        g.waiters += 1;
        let mut g = self
            .cond
            .wait_timeout(g, d)
            .unwrap_or_else(|p| p.into_inner())
            .0;
        g.waiters -= 1;
    }

    /// Run `attempt` under the mutex until it yields `Some`, sleeping on the
    /// condition variable between tries, at most `timeout` in total; then
    /// `SQLITE_BUSY`. An `Err` from `attempt` other than BUSY ends the wait;
    /// BUSY counts as "not yet". In-process changes wake the waiter at once;
    /// a lock held by another process gives no such signal, so the waiter
    /// also retries on SQLite's busy-handler schedule ([`busy_delay`]).
    pub(crate) fn wait_for<T>(
        &self,
        timeout: Duration,
        mut attempt: impl FnMut(&mut Shared) -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        let mut g = self.lock();
        let mut tries = 0usize;
        loop {
            match attempt(&mut g) {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => {}
                Err(e) if e.code == ResultCode::BUSY => {}
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::busy());
            }
            let step = busy_delay(tries).min(deadline - now);
            tries += 1;
            g.waiters += 1;
            g = self
                .cond
                .wait_timeout(g, step)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            g.waiters -= 1;
        }
    }

    /// Take the writer slot for pager `id`, waiting up to `timeout`.
    pub(crate) fn acquire_writer(&self, id: u64, timeout: Duration) -> Result<()> {
        self.wait_for(timeout, |s| {
            Ok(match s.writer {
                None => {
                    s.writer = Some(id);
                    Some(())
                }
                Some(w) if w == id => Some(()),
                Some(_) => None,
            })
        })
    }

    pub(crate) fn release_writer(&self, id: u64) {
        let mut g = self.lock();
        if g.writer == Some(id) {
            g.writer = None;
        }
        if g.waiters > 0 {
            self.cond.notify_all();
        }
    }
}
