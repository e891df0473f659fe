//! The OS VFS (Unix): positional I/O on real files and SQLite's file-locking
//! protocol with POSIX advisory `fcntl` byte-range locks on exactly the bytes
//! SQLite uses, so that Chorus and the `sqlite3` library exclude each other.
//!
//! ```text
//! PENDING_BYTE  = 0x40000000          write-locked while PENDING/EXCLUSIVE is sought;
//!                                     read-locked briefly while acquiring SHARED
//! RESERVED_BYTE = PENDING_BYTE + 1    write-locked by the RESERVED holder
//! SHARED range  = PENDING_BYTE + 2 .. + 512 (510 bytes)
//!                                     read-locked by every SHARED holder,
//!                                     write-locked by the EXCLUSIVE holder
//! ```
//!
//! POSIX locks belong to a *process* and an inode, not to a file descriptor:
//! two descriptors of one process never conflict, and closing *any*
//! descriptor drops all of the process's locks on the inode. As SQLite's
//! `os_unix.c` does, this module keeps a process-wide table keyed by
//! (device, inode) holding the lock state of all handles of that file:
//! - `level` is the strongest lock any handle of this process holds, which is
//!   what the process holds at the OS level; `shared` counts handles at SHARED
//!   or above; `nlock` counts handles holding any lock;
//! - requests are arbitrated between in-process handles by the table, with
//!   the outcomes two processes would get (RESERVED or stronger held by
//!   another handle makes a stronger request fail with BUSY; EXCLUSIVE waits
//!   for the other in-process readers), and against other processes by
//!   non-blocking `F_SETLK` calls;
//! - a handle closed while another handle of the same inode still holds a
//!   lock does not close its descriptor (that would release the other
//!   handle's locks); the descriptor is parked in the table and closed when
//!   the last lock on the inode is released.
//!
//! Invariant: the byte-range locks the process holds on the inode are exactly
//! those of `level` (`None`: nothing; `Shared`: read lock on the SHARED range;
//! `Reserved`: plus a write lock on RESERVED_BYTE; `Pending`: plus a write
//! lock on PENDING_BYTE; `Exclusive`: write lock on the SHARED range instead of
//! the read lock).

use super::{dir_sync, LockLevel, OpenFlags, SyncKind, Vfs, VfsFile};
use crate::error::{Error, Result, ResultCode};
use std::collections::HashMap;
use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::os::unix::io::{AsRawFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

pub const PENDING_BYTE: u64 = 0x4000_0000;
pub const RESERVED_BYTE: u64 = PENDING_BYTE + 1;
pub const SHARED_FIRST: u64 = PENDING_BYTE + 2;
pub const SHARED_SIZE: u64 = 510;

/// The operating system's file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsVfs;

impl OsVfs {
    pub fn new() -> OsVfs {
        OsVfs
    }

    pub fn new_ref() -> Arc<OsVfs> {
        Arc::new(OsVfs)
    }
}

/// Process-wide lock state of one inode.
#[derive(Debug, Default)]
struct InodeLocks {
    level: LockLevelCell,
    shared: u32,
    nlock: u32,
    /// Handles (open or parked) referring to this inode.
    refs: u32,
    /// Descriptors of closed handles, kept open while locks remain.
    parked: Vec<File>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct LockLevelCell(LockLevel);

impl Default for LockLevelCell {
    fn default() -> Self {
        LockLevelCell(LockLevel::None)
    }
}

type InodeKey = (u64, u64);

fn inode_table() -> &'static Mutex<HashMap<InodeKey, InodeLocks>> {
    static TABLE: OnceLock<Mutex<HashMap<InodeKey, InodeLocks>>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn lock_table() -> MutexGuard<'static, HashMap<InodeKey, InodeLocks>> {
    inode_table().lock().unwrap_or_else(|p| p.into_inner())
}

fn cantopen(path: &str, e: &std::io::Error) -> Error {
    Error::new(
        ResultCode::CANTOPEN,
        format!("unable to open database file: {path} ({e})"),
    )
}

impl Vfs for OsVfs {
    fn open(&self, path: &str, flags: OpenFlags) -> Result<Box<dyn VfsFile>> {
        let mut oo = OpenOptions::new();
        oo.read(true);
        if !flags.read_only {
            oo.write(true);
            if flags.create {
                oo.create(true);
            }
        }
        oo.mode(0o644);
        let file = oo.open(path).map_err(|e| cantopen(path, &e))?;
        let meta = file
            .metadata()
            .map_err(|e| Error::io(ResultCode::IOERR_FSTAT, &e))?;
        if meta.is_dir() {
            return Err(Error::new(
                ResultCode::CANTOPEN,
                format!("unable to open database file: {path} is a directory"),
            ));
        }
        let key = (meta.dev(), meta.ino());
        lock_table().entry(key).or_default().refs += 1;
        if flags.delete_on_close {
            // Unlink now: the open descriptor keeps the data until it closes.
            let _ = std::fs::remove_file(path);
        }
        Ok(Box::new(OsFile {
            file: Some(file),
            key,
            level: Mutex::new(LockLevel::None),
            read_only: flags.read_only,
        }))
    }

    fn delete(&self, path: &str, sync_dir: bool) -> Result<()> {
        std::fs::remove_file(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::new(
                    ResultCode::IOERR_DELETE_NOENT,
                    format!("no such file: {path}"),
                )
            } else {
                Error::io(ResultCode::IOERR_DELETE, &e)
            }
        })?;
        if sync_dir {
            self.sync_dir(path);
        }
        Ok(())
    }

    fn sync_dir(&self, path: &str) {
        dir_sync::fsync_dir(dir_sync::dir_of(path));
    }

    /// The directory's fsync runs on a helper thread while `work` writes and
    /// syncs the journal (see `dir_sync`).
    fn sync_dir_during(&self, path: &str, work: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        let pending = dir_sync::start(dir_sync::dir_of(path));
        let r = work();
        pending.wait();
        r
    }

    fn exists(&self, path: &str) -> Result<bool> {
        let c = CString::new(path)
            .map_err(|_| Error::new(ResultCode::CANTOPEN, "path contains NUL"))?;
        // SAFETY: `c` is a valid NUL-terminated string.
        Ok(unsafe { libc::access(c.as_ptr(), libc::F_OK) } == 0)
    }

    fn identity(&self, path: &str) -> String {
        let p = std::path::Path::new(path);
        if let Ok(c) = std::fs::canonicalize(p) {
            return format!("os:{}", c.display());
        }
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
        let dir = std::fs::canonicalize(parent.unwrap_or_else(|| std::path::Path::new(".")));
        match (dir, p.file_name()) {
            (Ok(d), Some(name)) => format!("os:{}", d.join(name).display()),
            _ => format!("os:{path}"),
        }
    }
}

/// One open file of the OS VFS.
pub struct OsFile {
    /// `None` only during drop.
    file: Option<File>,
    key: InodeKey,
    level: Mutex<LockLevel>,
    read_only: bool,
}

/// Outcome of one `fcntl(F_SETLK)` call.
fn set_lock(fd: RawFd, ty: libc::c_int, start: u64, len: u64) -> Result<()> {
    // SAFETY: zero is a valid bit pattern for `struct flock`.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = ty as libc::c_short;
    fl.l_whence = libc::SEEK_SET as libc::c_short;
    fl.l_start = start as libc::off_t;
    fl.l_len = len as libc::off_t;
    // SAFETY: `fd` is an open descriptor and `fl` a valid flock struct.
    let rc = unsafe { libc::fcntl(fd, libc::F_SETLK, &fl) };
    if rc == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EACCES) | Some(libc::EINTR) | Some(libc::EBUSY) => {
            Err(Error::busy())
        }
        _ => Err(Error::io(ResultCode::IOERR_LOCK, &err)),
    }
}

/// Does another process hold a lock conflicting with a write lock on `start`?
fn probe_write_lock(fd: RawFd, start: u64, len: u64) -> Result<bool> {
    // SAFETY: as in `set_lock`.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = libc::F_WRLCK as libc::c_short;
    fl.l_whence = libc::SEEK_SET as libc::c_short;
    fl.l_start = start as libc::off_t;
    fl.l_len = len as libc::off_t;
    // SAFETY: `fd` is open and `fl` valid; F_GETLK writes into `fl`.
    let rc = unsafe { libc::fcntl(fd, libc::F_GETLK, &mut fl) };
    if rc != 0 {
        return Err(Error::io(
            ResultCode::IOERR_LOCK,
            &std::io::Error::last_os_error(),
        ));
    }
    Ok(fl.l_type != libc::F_UNLCK as libc::c_short)
}

impl OsFile {
    fn f(&self) -> Result<&File> {
        self.file
            .as_ref()
            .ok_or_else(|| Error::new(ResultCode::MISUSE, "file is closed"))
    }

    fn fd(&self) -> Result<RawFd> {
        Ok(self.f()?.as_raw_fd())
    }

    fn check_writable(&self) -> Result<()> {
        if self.read_only {
            Err(Error::readonly())
        } else {
            Ok(())
        }
    }

    /// Raise this handle's lock, following SQLite's `unixLock()`.
    fn lock_impl(&self, mine: &mut LockLevel, want: LockLevel) -> Result<()> {
        if *mine >= want {
            return Ok(());
        }
        // SQLite's protocol climbs one step at a time: SHARED, RESERVED, then
        // PENDING and EXCLUSIVE.
        if want > LockLevel::Shared && *mine == LockLevel::None {
            self.lock_impl(mine, LockLevel::Shared)?;
        }
        if want > LockLevel::Reserved && *mine == LockLevel::Shared {
            self.lock_impl(mine, LockLevel::Reserved)?;
        }
        let fd = self.fd()?;
        let mut table = lock_table();
        let ino = table
            .get_mut(&self.key)
            .ok_or_else(|| Error::new(ResultCode::INTERNAL, "inode missing from the lock table"))?;

        // Another handle of this process holds a lock that excludes ours.
        if *mine != ino.level.0 && (ino.level.0 >= LockLevel::Pending || want > LockLevel::Shared) {
            return Err(Error::busy());
        }
        // SHARED while the process already holds SHARED or RESERVED: count it.
        if want == LockLevel::Shared
            && (ino.level.0 == LockLevel::Shared || ino.level.0 == LockLevel::Reserved)
        {
            *mine = LockLevel::Shared;
            ino.shared += 1;
            ino.nlock += 1;
            return Ok(());
        }
        // PENDING is taken before SHARED (briefly, as a read lock) and before
        // EXCLUSIVE from RESERVED (kept, as a write lock).
        if want == LockLevel::Shared || *mine == LockLevel::Reserved {
            let ty = if want == LockLevel::Shared {
                libc::F_RDLCK
            } else {
                libc::F_WRLCK
            };
            set_lock(fd, ty, PENDING_BYTE, 1)?;
            if want > LockLevel::Shared {
                *mine = LockLevel::Pending;
                ino.level.0 = LockLevel::Pending;
            }
            if want == LockLevel::Pending {
                return Ok(());
            }
        }
        if want == LockLevel::Shared {
            let r = set_lock(fd, libc::F_RDLCK, SHARED_FIRST, SHARED_SIZE);
            let u = set_lock(fd, libc::F_UNLCK, PENDING_BYTE, 1);
            r?;
            u?;
            *mine = LockLevel::Shared;
            ino.level.0 = LockLevel::Shared;
            ino.shared = 1;
            ino.nlock += 1;
            return Ok(());
        }
        if want == LockLevel::Exclusive && ino.shared > 1 {
            // Another handle of this process still reads.
            return Err(Error::busy());
        }
        let r = if want == LockLevel::Reserved {
            set_lock(fd, libc::F_WRLCK, RESERVED_BYTE, 1)
        } else {
            set_lock(fd, libc::F_WRLCK, SHARED_FIRST, SHARED_SIZE)
        };
        match r {
            Ok(()) => {
                *mine = want;
                ino.level.0 = want;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Lower this handle's lock, following SQLite's `posixUnlock()`.
    fn unlock_impl(&self, mine: &mut LockLevel, want: LockLevel) -> Result<()> {
        if *mine <= want {
            return Ok(());
        }
        let want = if want == LockLevel::None {
            LockLevel::None
        } else {
            LockLevel::Shared
        };
        let fd = self.fd()?;
        let mut table = lock_table();
        let ino = table
            .get_mut(&self.key)
            .ok_or_else(|| Error::new(ResultCode::INTERNAL, "inode missing from the lock table"))?;
        if *mine > LockLevel::Shared {
            if want == LockLevel::Shared {
                set_lock(fd, libc::F_RDLCK, SHARED_FIRST, SHARED_SIZE).map_err(|_| {
                    Error::new(
                        ResultCode::IOERR_LOCK,
                        "disk I/O error (cannot downgrade lock)",
                    )
                })?;
            }
            set_lock(fd, libc::F_UNLCK, PENDING_BYTE, 2)?;
            ino.level.0 = LockLevel::Shared;
        }
        if want == LockLevel::None {
            ino.shared = ino.shared.saturating_sub(1);
            if ino.shared == 0 {
                set_lock(fd, libc::F_UNLCK, 0, 0)?;
                ino.level.0 = LockLevel::None;
            }
            ino.nlock = ino.nlock.saturating_sub(1);
            if ino.nlock == 0 {
                // Safe now: no handle of this process holds a lock.
                ino.parked.clear();
            }
        }
        *mine = want;
        Ok(())
    }
}

fn io_err(code: ResultCode) -> impl Fn(std::io::Error) -> Error {
    move |e| Error::io(code, &e)
}

impl VfsFile for OsFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let f = self.f()?;
        let mut done = 0;
        while done < buf.len() {
            match f.read_at(&mut buf[done..], offset + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(ResultCode::IOERR_READ, &e)),
            }
        }
        buf[done..].fill(0);
        Ok(done)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
        self.check_writable()?;
        self.f()?
            .write_all_at(buf, offset)
            .map_err(io_err(ResultCode::IOERR_WRITE))
    }

    fn sync(&self, kind: SyncKind) -> Result<()> {
        let f = self.f()?;
        match kind {
            SyncKind::Normal => f.sync_data(),
            SyncKind::Full => f.sync_all(),
        }
        .map_err(io_err(ResultCode::IOERR_FSYNC))
    }

    fn truncate(&self, size: u64) -> Result<()> {
        self.check_writable()?;
        self.f()?
            .set_len(size)
            .map_err(io_err(ResultCode::IOERR_TRUNCATE))
    }

    fn size(&self) -> Result<u64> {
        Ok(self
            .f()?
            .metadata()
            .map_err(io_err(ResultCode::IOERR_FSTAT))?
            .len())
    }

    fn lock(&self, level: LockLevel) -> Result<()> {
        let mut mine = self.level.lock().unwrap_or_else(|p| p.into_inner());
        self.lock_impl(&mut mine, level)
    }

    fn unlock(&self, level: LockLevel) -> Result<()> {
        let mut mine = self.level.lock().unwrap_or_else(|p| p.into_inner());
        self.unlock_impl(&mut mine, level)
    }

    fn check_reserved_lock(&self) -> Result<bool> {
        let fd = self.fd()?;
        let table = lock_table();
        if table
            .get(&self.key)
            .is_some_and(|i| i.level.0 > LockLevel::Shared)
        {
            return Ok(true);
        }
        probe_write_lock(fd, RESERVED_BYTE, 1)
    }

    fn lock_level(&self) -> LockLevel {
        *self.level.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn locked_by_other_process(&self, start: u64, len: u64) -> Result<bool> {
        probe_write_lock(self.fd()?, start, len)
    }
}

impl Drop for OsFile {
    fn drop(&mut self) {
        {
            let mut mine = self.level.lock().unwrap_or_else(|p| p.into_inner());
            let _ = self.unlock_impl(&mut mine, LockLevel::None);
        }
        let file = self.file.take();
        let mut table = lock_table();
        if let Some(ino) = table.get_mut(&self.key) {
            if let Some(f) = file {
                if ino.nlock > 0 {
                    // Closing now would drop another handle's locks.
                    ino.parked.push(f);
                } else {
                    drop(f);
                }
            }
            ino.refs = ino.refs.saturating_sub(1);
            if ino.refs == 0 {
                table.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rw() -> OpenFlags {
        OpenFlags {
            read_only: false,
            create: true,
            delete_on_close: false,
        }
    }

    fn key_of(path: &str) -> InodeKey {
        let m = std::fs::metadata(path).unwrap();
        (m.dev(), m.ino())
    }

    #[test]
    fn two_handles_in_one_process_exclude_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        let path = path.to_str().unwrap();
        let a = OsVfs.open(path, rw()).unwrap();
        let b = OsVfs.open(path, rw()).unwrap();
        crate::vfs::check_two_handle_locking(&*a, &*b);
    }

    #[test]
    fn closing_one_handle_keeps_the_other_handles_locks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let path = path.to_str().unwrap();
        let a = OsVfs.open(path, rw()).unwrap();
        let b = OsVfs.open(path, rw()).unwrap();
        a.lock(LockLevel::Reserved).unwrap();
        b.lock(LockLevel::Shared).unwrap();
        drop(b); // a POSIX close() here would drop a's RESERVED lock
                 // The OS-level check (another process sees a's lock) is in
                 // tests/sqlite_locking.rs; here a third handle must still be excluded.
        assert_eq!(
            lock_table().get(&key_of(path)).map(|i| i.parked.len()),
            Some(1)
        );
        let c = OsVfs.open(path, rw()).unwrap();
        c.lock(LockLevel::Shared).unwrap();
        assert_eq!(
            c.lock(LockLevel::Reserved).unwrap_err().code,
            ResultCode::BUSY
        );
        assert!(c.check_reserved_lock().unwrap());
        drop(a);
        c.lock(LockLevel::Reserved).unwrap();
        c.lock(LockLevel::Exclusive).unwrap();
    }

    #[test]
    fn positional_io_and_short_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("io.db");
        let path = path.to_str().unwrap();
        assert!(!OsVfs.exists(path).unwrap());
        assert_eq!(
            OsVfs.open(path, OpenFlags::default()).err().map(|e| e.code),
            Some(ResultCode::CANTOPEN)
        );
        let f = OsVfs.open(path, rw()).unwrap();
        f.write_at(b"xyz", 5).unwrap();
        assert_eq!(f.size().unwrap(), 8);
        let mut buf = [7u8; 6];
        assert_eq!(f.read_at(&mut buf, 4).unwrap(), 4);
        assert_eq!(buf, [0, b'x', b'y', b'z', 0, 0]);
        f.truncate(6).unwrap();
        f.sync(SyncKind::Normal).unwrap();
        assert_eq!(f.size().unwrap(), 6);
        drop(f);
        let ro = OsVfs
            .open(
                path,
                OpenFlags {
                    read_only: true,
                    ..rw()
                },
            )
            .unwrap();
        assert_eq!(ro.write_at(b"a", 0).unwrap_err().code, ResultCode::READONLY);
        drop(ro);
        OsVfs.delete(path, true).unwrap();
        assert!(!OsVfs.exists(path).unwrap());
        assert_eq!(
            OsVfs.delete(path, false).unwrap_err().code,
            ResultCode::IOERR_DELETE_NOENT
        );
    }

    #[test]
    fn delete_on_close_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tmp");
        let path = path.to_str().unwrap();
        let f = OsVfs
            .open(
                path,
                OpenFlags {
                    delete_on_close: true,
                    ..rw()
                },
            )
            .unwrap();
        f.write_at(b"data", 0).unwrap();
        assert!(!OsVfs.exists(path).unwrap());
        let mut b = [0u8; 4];
        f.read_at(&mut b, 0).unwrap();
        assert_eq!(&b, b"data");
    }
}
