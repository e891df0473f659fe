//! No size query between a write and its sync in the commit path.
//!
//! On Linux (multigrain timestamps), querying a file's attributes makes the
//! kernel stamp the next write with a fine-grained time, which dirties the
//! inode; an `fsync` then writes the inode block as well. SQLite's commit path
//! asks for no sizes between writing the journal or database and syncing it,
//! so neither may Chorus, or each FULL commit costs one more device write than
//! SQLite's. A recording VFS wrapped around the memory VFS checks the order.

use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::vfs::{LockLevel, MemoryVfs, OpenFlags, SyncKind, Vfs, VfsFile};
use chorus_storage::{JournalMode, PageNo, Result, Synchronous};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Write,
    Size,
    Sync,
}

type Log = Arc<Mutex<Vec<(String, Op)>>>;

struct RecVfs {
    inner: MemoryVfs,
    log: Log,
}

struct RecFile {
    inner: Box<dyn VfsFile>,
    path: String,
    log: Log,
}

impl RecFile {
    fn note(&self, op: Op) {
        self.log.lock().unwrap().push((self.path.clone(), op));
    }
}

impl Vfs for RecVfs {
    fn open(&self, path: &str, flags: OpenFlags) -> Result<Box<dyn VfsFile>> {
        Ok(Box::new(RecFile {
            inner: self.inner.open(path, flags)?,
            path: path.to_string(),
            log: self.log.clone(),
        }))
    }
    fn delete(&self, path: &str, sync_dir: bool) -> Result<()> {
        self.inner.delete(path, sync_dir)
    }
    fn exists(&self, path: &str) -> Result<bool> {
        self.inner.exists(path)
    }
}

impl VfsFile for RecFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        self.inner.read_at(buf, offset)
    }
    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
        self.note(Op::Write);
        self.inner.write_at(buf, offset)
    }
    fn sync(&self, kind: SyncKind) -> Result<()> {
        self.note(Op::Sync);
        self.inner.sync(kind)
    }
    fn truncate(&self, size: u64) -> Result<()> {
        self.inner.truncate(size)
    }
    fn size(&self) -> Result<u64> {
        self.note(Op::Size);
        self.inner.size()
    }
    fn lock(&self, level: LockLevel) -> Result<()> {
        self.inner.lock(level)
    }
    fn unlock(&self, level: LockLevel) -> Result<()> {
        self.inner.unlock(level)
    }
    fn check_reserved_lock(&self) -> Result<bool> {
        self.inner.check_reserved_lock()
    }
    fn lock_level(&self) -> LockLevel {
        self.inner.lock_level()
    }
}

/// Paths that had a size query after a write and before the next sync.
fn stat_between_write_and_sync(log: &[(String, Op)]) -> Vec<String> {
    let mut bad = Vec::new();
    let mut written: Vec<&str> = Vec::new();
    for (path, op) in log {
        match op {
            Op::Write => {
                if !written.contains(&path.as_str()) {
                    written.push(path);
                }
            }
            Op::Sync => written.retain(|p| p != path),
            Op::Size => {
                if written.contains(&path.as_str()) {
                    bad.push(path.clone());
                }
            }
        }
    }
    bad
}

#[test]
fn rollback_commits_ask_no_size_between_write_and_sync() {
    for mode in [
        JournalMode::Delete,
        JournalMode::Truncate,
        JournalMode::Persist,
    ] {
        for sync in [Synchronous::Normal, Synchronous::Full] {
            let log: Log = Arc::default();
            let vfs: Arc<dyn Vfs> = Arc::new(RecVfs {
                inner: MemoryVfs::new(),
                log: log.clone(),
            });
            let mut p = Pager::open(vfs, "d.db", PagerOptions::default()).unwrap();
            p.set_synchronous(sync);
            p.set_journal_mode(mode).unwrap();
            p.begin_write().unwrap();
            for _ in 0..3 {
                let pg = p.allocate().unwrap();
                p.write(pg).unwrap()[..2].copy_from_slice(b"hi");
            }
            p.commit().unwrap();
            log.lock().unwrap().clear();
            for i in 0..4u8 {
                p.begin_write().unwrap();
                p.write(PageNo(2)).unwrap()[0] = i;
                p.write(PageNo(3)).unwrap()[0] = i;
                p.commit().unwrap();
            }
            let log = log.lock().unwrap();
            assert!(
                log.iter()
                    .any(|(path, op)| path.ends_with("-journal") && *op == Op::Sync),
                "{mode:?} {sync:?}: the journal was never synced"
            );
            let bad = stat_between_write_and_sync(&log);
            assert!(
                bad.is_empty(),
                "{mode:?} synchronous={sync:?}: size asked between write and sync of {bad:?}"
            );
        }
    }
}
