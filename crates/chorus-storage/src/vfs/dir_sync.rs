//! Directory fsyncs for the OS VFS, run beside the work they guard.
//!
//! A transaction's new rollback journal must have a durable directory entry
//! before the database file is written (else a power cut could lose the hot
//! journal), and SQLite fsyncs the directory on the journal's first sync.
//! The directory fsync and the journal's own writes and syncs are
//! independent: the only ordering the protocol needs is that *both* finish
//! before the first database write. So the OS VFS hands the directory fsync
//! to a helper thread, writes and syncs the journal meanwhile, and waits for
//! the helper before returning; the device sees the same writes and flushes
//! as the sequential order, but the two waits overlap.
//!
//! Helpers are kept in a process-wide pool of idle threads: a request takes
//! one (starting a new thread only when none is idle, so concurrent commits
//! on different databases never queue behind each other) and gives it back
//! when its fsync is done. If a helper cannot be started or has died, the
//! fsync runs on the calling thread instead. A failed directory fsync is
//! ignored, as SQLite ignores it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;

/// The directory holding `path` (`.` for a bare file name).
pub(super) fn dir_of(path: &str) -> &Path {
    Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
}

/// fsync a directory now; errors are ignored (best effort, like SQLite's).
pub(super) fn fsync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// An idle helper: send it a directory, then receive once when it is synced.
struct Helper {
    todo: Sender<PathBuf>,
    done: Receiver<()>,
}

static IDLE: Mutex<Vec<Helper>> = Mutex::new(Vec::new());

fn take_helper() -> Option<Helper> {
    if let Some(h) = IDLE.lock().ok().and_then(|mut idle| idle.pop()) {
        return Some(h);
    }
    let (todo, todo_rx) = channel::<PathBuf>();
    let (done_tx, done) = channel::<()>();
    std::thread::Builder::new()
        .name("chorus-dirsync".into())
        .spawn(move || {
            for dir in todo_rx {
                fsync_dir(&dir);
                if done_tx.send(()).is_err() {
                    break;
                }
            }
        })
        .ok()?;
    Some(Helper { todo, done })
}

/// A directory fsync that has been started (or, without a helper, will run
/// when waited for).
pub(super) struct Pending {
    dir: PathBuf,
    helper: Option<Helper>,
}

/// Start fsyncing the directory `dir` on a helper thread.
pub(super) fn start(dir: &Path) -> Pending {
    let dir = dir.to_path_buf();
    let helper = take_helper().filter(|h| h.todo.send(dir.clone()).is_ok());
    Pending { dir, helper }
}

impl Pending {
    /// Return once the directory fsync has finished.
    pub(super) fn wait(self) {
        match self.helper {
            Some(h) if h.done.recv().is_ok() => {
                if let Ok(mut idle) = IDLE.lock() {
                    idle.push(h);
                }
            }
            _ => fsync_dir(&self.dir),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_are_reused_and_concurrent_requests_each_get_one() {
        let dir = std::env::temp_dir();
        let a = start(&dir);
        let b = start(&dir);
        a.wait();
        b.wait();
        let idle = IDLE.lock().unwrap().len();
        assert!(idle >= 2, "both helpers went back to the pool ({idle})");
        // A later request reuses an idle helper instead of starting one.
        let c = start(&dir);
        assert_eq!(IDLE.lock().unwrap().len(), idle - 1);
        c.wait();
        assert_eq!(IDLE.lock().unwrap().len(), idle);
    }

    #[test]
    fn dir_of_a_bare_name_is_the_current_directory() {
        assert_eq!(dir_of("x.db"), Path::new("."));
        assert_eq!(dir_of("/a/b/x.db"), Path::new("/a/b"));
    }
}
