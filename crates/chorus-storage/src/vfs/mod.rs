//! The VFS: every file operation of the engine goes through these traits, so
//! that the OS, memory and a fault-injecting VFS are interchangeable.
//!
//! Locks follow SQLite's protocol (`lockingv3.in`): a file moves through
//! NONE → SHARED → RESERVED → (PENDING) → EXCLUSIVE and back down. A request
//! that cannot be granted fails at once with `SQLITE_BUSY`; waiting and retry
//! (busy timeout) belong to the layers above.

#[cfg(unix)]
mod dir_sync;
pub mod fault;
pub mod memory;
#[cfg(unix)]
pub mod os;

pub use fault::{Fault, FaultVfs};
pub use memory::MemoryVfs;
#[cfg(unix)]
pub use os::OsVfs;

use crate::error::Result;
use std::sync::Arc;

/// SQLite's lock levels, ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockLevel {
    None = 0,
    Shared = 1,
    Reserved = 2,
    Pending = 3,
    Exclusive = 4,
}

/// How a file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenFlags {
    pub read_only: bool,
    pub create: bool,
    /// Delete the file when it is closed (temporary files).
    pub delete_on_close: bool,
}

/// How thoroughly `sync` must reach stable storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncKind {
    /// `fsync` (or `fdatasync`-equivalent) of the file's data.
    Normal,
    /// A full sync (`F_FULLFSYNC` where the OS has one).
    Full,
}

/// A file system.
pub trait Vfs: Send + Sync {
    /// Open (and with `flags.create`, create) a file.
    fn open(&self, path: &str, flags: OpenFlags) -> Result<Box<dyn VfsFile>>;
    /// Delete a file; with `sync_dir`, make the deletion durable (sync the directory).
    fn delete(&self, path: &str, sync_dir: bool) -> Result<()>;
    /// Does the file exist?
    fn exists(&self, path: &str) -> Result<bool>;
    /// Make the directory entry of `path` durable (fsync its directory), as
    /// SQLite's unix VFS does on the first sync of a journal or WAL file it
    /// opened with create. Best effort like SQLite's: a directory that cannot
    /// be opened or synced is ignored. VFSes without directories do nothing.
    fn sync_dir(&self, _path: &str) {}
    /// Run `work` (writing and syncing a journal just created at `path`) and
    /// make `path`'s directory entry durable; return when both are done, with
    /// `work`'s result. Only their completion before the caller goes on
    /// matters, not their order, so a VFS may overlap the two (the OS VFS
    /// does). The default runs `work`, then syncs the directory if it
    /// succeeded.
    fn sync_dir_during(&self, path: &str, work: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        work()?;
        self.sync_dir(path);
        Ok(())
    }
    /// A key naming the file `path` uniquely within this process (connections
    /// of one file share their writer lock and wal-index through it). The
    /// default is the path itself.
    fn identity(&self, path: &str) -> String {
        path.to_string()
    }
}

/// An open file. Positional I/O; methods take `&self` so that a file can be
/// shared between threads behind an `Arc`.
pub trait VfsFile: Send + Sync {
    /// Read `buf.len()` bytes at `offset`. Returns how many bytes were read;
    /// the rest of `buf` (past the end of the file) is zero-filled, as in
    /// SQLite's short-read rule.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize>;
    /// Write all of `buf` at `offset`, growing the file if needed.
    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()>;
    /// Make written data durable.
    fn sync(&self, kind: SyncKind) -> Result<()>;
    /// Truncate (or extend with zeros) to `size` bytes.
    fn truncate(&self, size: u64) -> Result<()>;
    /// Current size in bytes.
    fn size(&self) -> Result<u64>;
    /// Raise the lock to `level` (fails with `SQLITE_BUSY` if it cannot be granted now).
    fn lock(&self, level: LockLevel) -> Result<()>;
    /// Lower the lock to `level` (`Shared` or `None`).
    fn unlock(&self, level: LockLevel) -> Result<()>;
    /// Does any connection (this process or another) hold RESERVED or higher?
    fn check_reserved_lock(&self) -> Result<bool>;
    /// The lock this handle holds.
    fn lock_level(&self) -> LockLevel;
    /// Does another process hold any byte-range lock on `len` bytes at
    /// `start` of this file? (Used on a `-shm` file to see whether a SQLite
    /// process has the wal-index open: it keeps a read lock on the DMS byte.)
    /// VFSes without inter-process locks answer `false`.
    fn locked_by_other_process(&self, _start: u64, _len: u64) -> Result<bool> {
        Ok(false)
    }
}

pub type VfsRef = Arc<dyn Vfs>;

/// Lock-protocol checks shared by every VFS's tests: `a` and `b` are two
/// handles of one file that must exclude each other like two processes.
#[cfg(test)]
pub(crate) fn check_two_handle_locking(a: &dyn VfsFile, b: &dyn VfsFile) {
    use crate::error::ResultCode;
    let busy = |r: Result<()>| assert_eq!(r.unwrap_err().code, ResultCode::BUSY);
    // SHARED + SHARED
    a.lock(LockLevel::Shared).unwrap();
    b.lock(LockLevel::Shared).unwrap();
    assert!(!a.check_reserved_lock().unwrap());
    // RESERVED excludes RESERVED, not SHARED
    a.lock(LockLevel::Reserved).unwrap();
    assert!(b.check_reserved_lock().unwrap());
    busy(b.lock(LockLevel::Reserved));
    assert_eq!(b.lock_level(), LockLevel::Shared);
    // EXCLUSIVE waits for the other reader: BUSY, left at PENDING
    busy(a.lock(LockLevel::Exclusive));
    assert_eq!(a.lock_level(), LockLevel::Pending);
    // PENDING keeps new readers out (b drops and tries to come back)
    b.unlock(LockLevel::None).unwrap();
    busy(b.lock(LockLevel::Shared));
    assert_eq!(b.lock_level(), LockLevel::None);
    // now the writer gets EXCLUSIVE, which excludes SHARED
    a.lock(LockLevel::Exclusive).unwrap();
    assert_eq!(a.lock_level(), LockLevel::Exclusive);
    busy(b.lock(LockLevel::Shared));
    // back down to SHARED: readers welcome again, RESERVED free
    a.unlock(LockLevel::Shared).unwrap();
    assert_eq!(a.lock_level(), LockLevel::Shared);
    assert!(!b.check_reserved_lock().unwrap());
    b.lock(LockLevel::Shared).unwrap();
    b.lock(LockLevel::Reserved).unwrap();
    busy(a.lock(LockLevel::Reserved));
    b.unlock(LockLevel::None).unwrap();
    a.lock(LockLevel::Reserved).unwrap();
    a.lock(LockLevel::Exclusive).unwrap();
    a.unlock(LockLevel::None).unwrap();
    assert_eq!(a.lock_level(), LockLevel::None);
    // with nothing held, EXCLUSIVE straight from NONE works
    b.lock(LockLevel::Exclusive).unwrap();
    busy(a.lock(LockLevel::Shared));
    b.unlock(LockLevel::None).unwrap();
    a.lock(LockLevel::Shared).unwrap();
    a.unlock(LockLevel::None).unwrap();
}
