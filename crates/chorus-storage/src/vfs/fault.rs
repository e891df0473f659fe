//! A fault-injecting VFS wrapping any other [`Vfs`], for crash and I/O-error
//! tests.
//!
//! Every mutating operation — `write_at`, `sync`, `truncate`, `delete` — is a
//! numbered *point* (0, 1, 2, ... in the order they happen, over all files).
//! [`FaultVfs::arm`] makes point N fail in one of three ways:
//! - [`Fault::PowerCut`]: the machine loses power at point N. A write at N is
//!   still recorded as in flight (so it may be torn); a sync or truncate at N
//!   does not happen; a delete at N does not happen. From then on every call
//!   fails with `SQLITE_IOERR` (the process is dead). The test then drops its
//!   connections and calls [`FaultVfs::restore_power`], which makes every
//!   file look like a disk after the power came back: everything written
//!   since that file's last `sync` is either dropped or — with torn writes on
//!   (the default), chosen by a seeded PRNG — applied sector by sector
//!   (512-byte units), so any subset of the unsynced sectors survives.
//! - [`Fault::Eio`]: the operation at N fails with `SQLITE_IOERR_WRITE` /
//!   `_FSYNC` / `_TRUNCATE` / `_DELETE` and does nothing; later points work.
//! - [`Fault::Enospc`]: the same with `SQLITE_FULL`.
//!
//! Model of durability: file *contents* are durable only up to the last
//! `sync` of that file. A file's *creation* is durable only once its
//! directory has been synced ([`Vfs::sync_dir`] of any path in the same
//! directory) after it was created: at power loss, a file created since is
//! gone, as on a file system that has not yet written the directory block
//! (this is what a journal's or WAL's directory fsync guards against;
//! [`FaultVfs::set_lose_unsynced_creations`] turns it off). Deletion is
//! durable at once (a deleted file is never resurrected). The undo log per path holds the
//! bytes each unsynced write or truncate replaced, so power loss can be
//! simulated on top of any VFS (memory or OS). Deterministic for a seed.

use super::{LockLevel, OpenFlags, SyncKind, Vfs, VfsFile};
use crate::error::{Error, Result, ResultCode};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

/// The sector size of the simulated disk: the unit of torn writes.
pub const SECTOR: u64 = 512;

/// What happens at the armed point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    PowerCut,
    Eio,
    Enospc,
}

/// One unsynced change to a file, with what it replaced.
enum Pending {
    Write {
        off: u64,
        old: Vec<u8>,
        new: Vec<u8>,
        old_len: u64,
    },
    Truncate {
        old_len: u64,
        tail: Vec<u8>,
        new_len: u64,
    },
}

struct State {
    points: u64,
    armed: Option<(u64, Fault)>,
    crashed: bool,
    torn: bool,
    rng: u64,
    pending: HashMap<String, Vec<Pending>>,
    /// How many faults fired (for tests).
    fired: u64,
    /// Directory syncs requested (for tests).
    dir_syncs: u64,
    /// Files created since their directory was last synced.
    unsynced_creations: BTreeSet<String>,
    /// Drop `unsynced_creations` at power loss.
    lose_creations: bool,
}

/// The directory part of `path` ("" for a bare name).
fn dir_part(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

impl State {
    fn next_rand(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// The fault-injecting VFS. Clone the `Arc` to keep a handle for arming.
pub struct FaultVfs {
    inner: Arc<dyn Vfs>,
    st: Arc<Mutex<State>>,
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn dead() -> Error {
    Error::new(ResultCode::IOERR, "disk I/O error (power lost)")
}

/// What the point decides.
enum Verdict {
    Go,
    /// Perform a write, then die.
    GoThenDie,
    Fail(Error),
}

impl FaultVfs {
    pub fn new(inner: Arc<dyn Vfs>, seed: u64) -> Arc<FaultVfs> {
        Arc::new(FaultVfs {
            inner,
            st: Arc::new(Mutex::new(State {
                points: 0,
                armed: None,
                crashed: false,
                torn: true,
                rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
                pending: HashMap::new(),
                fired: 0,
                dir_syncs: 0,
                unsynced_creations: BTreeSet::new(),
                lose_creations: true,
            })),
        })
    }

    /// Points seen so far.
    pub fn points(&self) -> u64 {
        lock(&self.st).points
    }

    /// Directory syncs requested so far ([`Vfs::sync_dir`]).
    pub fn dir_syncs(&self) -> u64 {
        lock(&self.st).dir_syncs
    }

    /// Make point `n` (counted from 0 since creation) fail with `fault`.
    pub fn arm(&self, n: u64, fault: Fault) {
        lock(&self.st).armed = Some((n, fault));
    }

    pub fn disarm(&self) {
        lock(&self.st).armed = None;
    }

    /// Has the armed fault fired?
    pub fn fired(&self) -> bool {
        lock(&self.st).fired > 0
    }

    /// Power is off (a `PowerCut` fired and `restore_power` has not run).
    pub fn crashed(&self) -> bool {
        lock(&self.st).crashed
    }

    /// With `false`, power loss drops every unsynced write whole; with `true`
    /// (the default) a random subset of unsynced sectors survives.
    pub fn set_torn_writes(&self, torn: bool) {
        lock(&self.st).torn = torn;
    }

    /// With `true` (the default), a file created since its directory was
    /// last synced is gone after power loss; with `false`, creations are
    /// durable at once.
    pub fn set_lose_unsynced_creations(&self, lose: bool) {
        lock(&self.st).lose_creations = lose;
    }

    /// Make every file look as a disk does after the power comes back (see
    /// the module comment) and resume normal operation. Call after dropping
    /// every handle of the crashed "process".
    pub fn restore_power(&self) -> Result<()> {
        let mut st = lock(&self.st);
        let created = std::mem::take(&mut st.unsynced_creations);
        if st.lose_creations {
            for path in created {
                if self.inner.exists(&path)? {
                    self.inner.delete(&path, false)?;
                }
                st.pending.remove(&path);
            }
        }
        let pending = std::mem::take(&mut st.pending);
        let mut paths: Vec<_> = pending.into_iter().collect();
        paths.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, ops) in paths {
            if ops.is_empty() || !self.inner.exists(&path)? {
                continue;
            }
            let f = self.inner.open(
                &path,
                OpenFlags {
                    read_only: false,
                    create: false,
                    delete_on_close: false,
                },
            )?;
            // Undo, newest first: back to the content of the last sync.
            for op in ops.iter().rev() {
                match op {
                    Pending::Write {
                        off, old, old_len, ..
                    } => {
                        if !old.is_empty() {
                            f.write_at(old, *off)?;
                        }
                        f.truncate(*old_len)?;
                    }
                    Pending::Truncate {
                        old_len,
                        tail,
                        new_len,
                    } => {
                        f.truncate(*old_len)?;
                        if !tail.is_empty() {
                            f.write_at(tail, *new_len)?;
                        }
                    }
                }
            }
            if !st.torn {
                continue;
            }
            // Replay a random subset of the unsynced sectors, in order.
            for op in &ops {
                match op {
                    Pending::Write { off, new, .. } => {
                        let mut pos = *off;
                        let end = off + new.len() as u64;
                        while pos < end {
                            let next = ((pos / SECTOR) + 1) * SECTOR;
                            let stop = next.min(end);
                            if st.next_rand() & 1 == 0 {
                                let a = (pos - off) as usize;
                                let b = (stop - off) as usize;
                                f.write_at(&new[a..b], pos)?;
                            }
                            pos = stop;
                        }
                    }
                    Pending::Truncate { new_len, .. } => {
                        if st.next_rand() & 1 == 0 {
                            f.truncate(*new_len)?;
                        }
                    }
                }
            }
        }
        st.crashed = false;
        st.armed = None;
        Ok(())
    }

    fn point(st: &Arc<Mutex<State>>, is_write: bool, code: ResultCode) -> Verdict {
        let mut s = lock(st);
        if s.crashed {
            return Verdict::Fail(dead());
        }
        let n = s.points;
        s.points += 1;
        match s.armed {
            Some((at, fault)) if at == n => {
                s.armed = None;
                s.fired += 1;
                match fault {
                    Fault::PowerCut => {
                        s.crashed = true;
                        if is_write {
                            Verdict::GoThenDie
                        } else {
                            Verdict::Fail(dead())
                        }
                    }
                    Fault::Eio => Verdict::Fail(Error::new(code, "disk I/O error (injected)")),
                    Fault::Enospc => {
                        Verdict::Fail(Error::new(ResultCode::FULL, "database or disk is full"))
                    }
                }
            }
            _ => Verdict::Go,
        }
    }
}

impl Vfs for FaultVfs {
    fn open(&self, path: &str, flags: OpenFlags) -> Result<Box<dyn VfsFile>> {
        if lock(&self.st).crashed {
            return Err(dead());
        }
        let new_file = flags.create && !flags.delete_on_close && !self.inner.exists(path)?;
        let inner = self.inner.open(path, flags)?;
        if new_file {
            lock(&self.st).unsynced_creations.insert(path.to_string());
        }
        Ok(Box::new(FaultFile {
            inner,
            path: path.to_string(),
            st: self.st.clone(),
        }))
    }

    fn delete(&self, path: &str, sync_dir: bool) -> Result<()> {
        match FaultVfs::point(&self.st, false, ResultCode::IOERR_DELETE) {
            Verdict::Fail(e) => Err(e),
            _ => {
                self.inner.delete(path, sync_dir)?;
                let mut st = lock(&self.st);
                st.pending.remove(path);
                st.unsynced_creations.remove(path);
                Ok(())
            }
        }
    }

    fn exists(&self, path: &str) -> Result<bool> {
        if lock(&self.st).crashed {
            return Err(dead());
        }
        self.inner.exists(path)
    }

    /// Not a fault point (a failed directory sync is ignored, as SQLite
    /// does): makes the creation of every file in `path`'s directory durable.
    fn sync_dir(&self, path: &str) {
        let mut st = lock(&self.st);
        if !st.crashed {
            st.dir_syncs += 1;
            let dir = dir_part(path);
            st.unsynced_creations.retain(|p| dir_part(p) != dir);
            drop(st);
            self.inner.sync_dir(path);
        }
    }

    fn identity(&self, path: &str) -> String {
        format!(
            "fault:{:p}:{}",
            Arc::as_ptr(&self.st),
            self.inner.identity(path)
        )
    }
}

/// A file of a [`FaultVfs`].
pub struct FaultFile {
    inner: Box<dyn VfsFile>,
    path: String,
    st: Arc<Mutex<State>>,
}

impl FaultFile {
    fn record(&self, op: Pending) {
        lock(&self.st)
            .pending
            .entry(self.path.clone())
            .or_default()
            .push(op);
    }
}

impl VfsFile for FaultFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        if lock(&self.st).crashed {
            return Err(Error::new(
                ResultCode::IOERR_READ,
                "disk I/O error (power lost)",
            ));
        }
        self.inner.read_at(buf, offset)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
        let v = FaultVfs::point(&self.st, true, ResultCode::IOERR_WRITE);
        if let Verdict::Fail(e) = v {
            return Err(e);
        }
        let old_len = self.inner.size()?;
        let old = if offset < old_len {
            let n = (old_len - offset).min(buf.len() as u64) as usize;
            let mut o = vec![0u8; n];
            self.inner.read_at(&mut o, offset)?;
            o
        } else {
            Vec::new()
        };
        self.inner.write_at(buf, offset)?;
        self.record(Pending::Write {
            off: offset,
            old,
            new: buf.to_vec(),
            old_len,
        });
        match v {
            Verdict::GoThenDie => Err(dead()),
            _ => Ok(()),
        }
    }

    fn sync(&self, kind: SyncKind) -> Result<()> {
        if let Verdict::Fail(e) = FaultVfs::point(&self.st, false, ResultCode::IOERR_FSYNC) {
            return Err(e);
        }
        self.inner.sync(kind)?;
        lock(&self.st).pending.remove(&self.path);
        Ok(())
    }

    fn truncate(&self, size: u64) -> Result<()> {
        if let Verdict::Fail(e) = FaultVfs::point(&self.st, false, ResultCode::IOERR_TRUNCATE) {
            return Err(e);
        }
        let old_len = self.inner.size()?;
        let tail = if size < old_len {
            let mut t = vec![0u8; (old_len - size) as usize];
            self.inner.read_at(&mut t, size)?;
            t
        } else {
            Vec::new()
        };
        self.inner.truncate(size)?;
        self.record(Pending::Truncate {
            old_len,
            tail,
            new_len: size,
        });
        Ok(())
    }

    fn size(&self) -> Result<u64> {
        if lock(&self.st).crashed {
            return Err(Error::new(
                ResultCode::IOERR_FSTAT,
                "disk I/O error (power lost)",
            ));
        }
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

    fn locked_by_other_process(&self, start: u64, len: u64) -> Result<bool> {
        self.inner.locked_by_other_process(start, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemoryVfs;

    fn rw() -> OpenFlags {
        OpenFlags {
            read_only: false,
            create: true,
            delete_on_close: false,
        }
    }

    #[test]
    fn a_file_created_without_a_directory_sync_is_lost_at_power_cut() {
        let mem = MemoryVfs::new_ref();
        let fv = FaultVfs::new(mem.clone(), 3);
        // Created, then its directory synced: survives.
        let g = fv.open("dir/b-wal", rw()).unwrap();
        g.write_at(b"log", 0).unwrap();
        g.sync(SyncKind::Full).unwrap();
        fv.sync_dir("dir/b-wal");
        // Synced contents, but the directory not synced since: gone.
        let f = fv.open("dir/a-journal", rw()).unwrap();
        f.write_at(b"journal", 0).unwrap();
        f.sync(SyncKind::Full).unwrap();
        // A file in another directory is not covered by that sync.
        let h = fv.open("other/c", rw()).unwrap();
        h.sync(SyncKind::Full).unwrap();
        fv.arm(fv.points(), Fault::PowerCut);
        assert!(g.write_at(b"x", 0).is_err());
        drop((f, g, h));
        fv.restore_power().unwrap();
        assert!(!mem.exists("dir/a-journal").unwrap());
        assert!(!mem.exists("other/c").unwrap());
        assert_eq!(mem.file_bytes("dir/b-wal").unwrap(), b"log");
        // Opening an existing file is no creation; turning the model off
        // makes creations durable at once.
        fv.set_lose_unsynced_creations(false);
        let k = fv.open("dir/b-wal", rw()).unwrap();
        let n = fv.open("dir/new", rw()).unwrap();
        fv.arm(fv.points(), Fault::PowerCut);
        assert!(n.write_at(b"y", 0).is_err());
        drop((k, n));
        fv.restore_power().unwrap();
        assert!(mem.exists("dir/b-wal").unwrap());
        assert!(mem.exists("dir/new").unwrap());
    }

    #[test]
    fn power_cut_drops_unsynced_writes() {
        let mem = MemoryVfs::new_ref();
        let v = FaultVfs::new(mem.clone(), 1);
        v.set_torn_writes(false);
        let f = v.open("a", rw()).unwrap();
        v.sync_dir("a");
        f.write_at(&[1u8; 1000], 0).unwrap();
        f.sync(SyncKind::Normal).unwrap();
        f.write_at(&[2u8; 1000], 500).unwrap();
        assert_eq!(v.points(), 3);
        v.arm(3, Fault::PowerCut);
        assert!(f.sync(SyncKind::Normal).is_err());
        assert!(f.write_at(&[3], 0).is_err());
        drop(f);
        v.restore_power().unwrap();
        assert_eq!(mem.file_bytes("a").unwrap(), vec![1u8; 1000]);
    }

    #[test]
    fn torn_writes_keep_some_sectors() {
        let mut seen_partial = false;
        for seed in 0..20 {
            let mem = MemoryVfs::new_ref();
            let v = FaultVfs::new(mem.clone(), seed);
            let f = v.open("a", rw()).unwrap();
            v.sync_dir("a");
            v.sync_dir("a");
            f.write_at(&[1u8; 4096], 0).unwrap();
            f.sync(SyncKind::Normal).unwrap();
            v.arm(2, Fault::PowerCut);
            assert!(f.write_at(&[2u8; 4096], 0).is_err());
            drop(f);
            v.restore_power().unwrap();
            let b = mem.file_bytes("a").unwrap();
            assert_eq!(b.len(), 4096);
            for s in b.chunks(512) {
                assert!(s.iter().all(|&x| x == s[0]), "sector not atomic");
            }
            if b.contains(&1) && b.contains(&2) {
                seen_partial = true;
            }
        }
        assert!(seen_partial);
    }

    #[test]
    fn eio_and_enospc_fail_one_point() {
        let mem = MemoryVfs::new_ref();
        let v = FaultVfs::new(mem.clone(), 1);
        let f = v.open("a", rw()).unwrap();
        v.sync_dir("a");
        v.arm(0, Fault::Eio);
        assert_eq!(
            f.write_at(b"x", 0).unwrap_err().code,
            ResultCode::IOERR_WRITE
        );
        v.arm(1, Fault::Enospc);
        assert_eq!(f.write_at(b"x", 0).unwrap_err().code, ResultCode::FULL);
        v.arm(2, Fault::Eio);
        assert_eq!(
            f.sync(SyncKind::Full).unwrap_err().code,
            ResultCode::IOERR_FSYNC
        );
        f.write_at(b"y", 0).unwrap();
        assert_eq!(mem.file_bytes("a").unwrap(), b"y");
    }

    #[test]
    fn truncate_is_undone_by_power_loss() {
        let mem = MemoryVfs::new_ref();
        let v = FaultVfs::new(mem.clone(), 3);
        v.set_torn_writes(false);
        let f = v.open("a", rw()).unwrap();
        v.sync_dir("a");
        f.write_at(b"hello world", 0).unwrap();
        f.sync(SyncKind::Normal).unwrap();
        f.truncate(5).unwrap();
        f.write_at(b"!", 5).unwrap();
        v.arm(4, Fault::PowerCut);
        assert!(f.sync(SyncKind::Normal).is_err());
        drop(f);
        v.restore_power().unwrap();
        assert_eq!(mem.file_bytes("a").unwrap(), b"hello world");
    }
}
