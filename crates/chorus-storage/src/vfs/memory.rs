//! An in-memory VFS: named files live in a map owned by one [`MemoryVfs`]
//! instance, so several handles (connections) opened through the same instance
//! share a file, and its contents outlive every handle until `delete`.
//!
//! Locking emulates SQLite's protocol between handles of the same instance,
//! with exactly the outcomes two processes would see on a real file:
//! - SHARED is refused while anyone holds PENDING or EXCLUSIVE;
//! - RESERVED is held by at most one handle;
//! - EXCLUSIVE first takes PENDING (which keeps new readers out), then
//!   succeeds only when no other handle holds SHARED; otherwise the request
//!   fails with BUSY and the handle is left at PENDING, as in SQLite.
//!
//! Invariant of [`LockState`]: `shared` counts handles at SHARED or above;
//! `reserved`, `pending`, `exclusive` are each held by at most one handle, and
//! a handle holding one of them holds everything below it.

use super::{LockLevel, OpenFlags, SyncKind, Vfs, VfsFile};
use crate::error::{Error, Result, ResultCode};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

type FileMap = Mutex<HashMap<String, Arc<MemFileData>>>;

/// Lock bookkeeping of one shared in-memory file.
#[derive(Debug, Default)]
struct LockState {
    shared: u32,
    reserved: bool,
    pending: bool,
    exclusive: bool,
}

#[derive(Debug, Default)]
struct MemFileData {
    bytes: Mutex<Vec<u8>>,
    locks: Mutex<LockState>,
}

/// A file system held in memory. Cloning the `Arc` shares the files.
#[derive(Debug, Default)]
pub struct MemoryVfs {
    files: Arc<FileMap>,
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks cannot leave the data
    // half-updated in a way later users could observe, so poison is ignored.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl MemoryVfs {
    pub fn new() -> MemoryVfs {
        MemoryVfs::default()
    }

    /// A shared handle to a new instance, ready to pass to the pager.
    pub fn new_ref() -> Arc<MemoryVfs> {
        Arc::new(MemoryVfs::new())
    }

    /// The current bytes of a named file (for tests and tools).
    pub fn file_bytes(&self, path: &str) -> Option<Vec<u8>> {
        guard(&self.files)
            .get(path)
            .map(|f| guard(&f.bytes).clone())
    }
}

impl Vfs for MemoryVfs {
    fn open(&self, path: &str, flags: OpenFlags) -> Result<Box<dyn VfsFile>> {
        let mut files = guard(&self.files);
        let data = match files.get(path) {
            Some(d) => d.clone(),
            None => {
                if !flags.create || flags.read_only {
                    return Err(Error::new(
                        ResultCode::CANTOPEN,
                        format!("unable to open database file: {path}"),
                    ));
                }
                let d = Arc::new(MemFileData::default());
                files.insert(path.to_string(), d.clone());
                d
            }
        };
        Ok(Box::new(MemoryFile {
            data,
            level: Mutex::new(LockLevel::None),
            read_only: flags.read_only,
            delete_on_close: flags
                .delete_on_close
                .then(|| (Arc::downgrade(&self.files), path.to_string())),
        }))
    }

    fn delete(&self, path: &str, _sync_dir: bool) -> Result<()> {
        match guard(&self.files).remove(path) {
            Some(_) => Ok(()),
            None => Err(Error::new(
                ResultCode::IOERR_DELETE_NOENT,
                format!("no such file: {path}"),
            )),
        }
    }

    fn exists(&self, path: &str) -> Result<bool> {
        Ok(guard(&self.files).contains_key(path))
    }

    fn identity(&self, path: &str) -> String {
        format!("mem:{:p}:{path}", Arc::as_ptr(&self.files))
    }
}

/// One open handle on a [`MemoryVfs`] file.
pub struct MemoryFile {
    data: Arc<MemFileData>,
    level: Mutex<LockLevel>,
    read_only: bool,
    /// For a delete-on-close handle: the owning map and the file's name.
    delete_on_close: Option<(Weak<FileMap>, String)>,
}

impl MemoryFile {
    fn check_writable(&self) -> Result<()> {
        if self.read_only {
            Err(Error::readonly())
        } else {
            Ok(())
        }
    }
}

impl VfsFile for MemoryFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let bytes = guard(&self.data.bytes);
        let len = bytes.len() as u64;
        let n = if offset >= len {
            0
        } else {
            let start = offset as usize;
            let n = buf.len().min(bytes.len() - start);
            buf[..n].copy_from_slice(&bytes[start..start + n]);
            n
        };
        buf[n..].fill(0);
        Ok(n)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()> {
        self.check_writable()?;
        let end = offset
            .checked_add(buf.len() as u64)
            .filter(|e| *e <= isize::MAX as u64)
            .ok_or_else(|| Error::new(ResultCode::FULL, "database or disk is full"))?;
        let mut bytes = guard(&self.data.bytes);
        if (bytes.len() as u64) < end {
            bytes.resize(end as usize, 0);
        }
        bytes[offset as usize..end as usize].copy_from_slice(buf);
        Ok(())
    }

    fn sync(&self, _kind: SyncKind) -> Result<()> {
        Ok(())
    }

    fn truncate(&self, size: u64) -> Result<()> {
        self.check_writable()?;
        if size > isize::MAX as u64 {
            return Err(Error::new(ResultCode::FULL, "database or disk is full"));
        }
        guard(&self.data.bytes).resize(size as usize, 0);
        Ok(())
    }

    fn size(&self) -> Result<u64> {
        Ok(guard(&self.data.bytes).len() as u64)
    }

    fn lock(&self, level: LockLevel) -> Result<()> {
        let mut mine = guard(&self.level);
        if *mine >= level {
            return Ok(());
        }
        let mut st = guard(&self.data.locks);
        if *mine == LockLevel::None {
            if st.pending || st.exclusive {
                return Err(Error::busy());
            }
            st.shared += 1;
            *mine = LockLevel::Shared;
        }
        if level == LockLevel::Shared {
            return Ok(());
        }
        if *mine == LockLevel::Shared {
            if st.reserved {
                return Err(Error::busy());
            }
            st.reserved = true;
            *mine = LockLevel::Reserved;
        }
        if level == LockLevel::Reserved {
            return Ok(());
        }
        if *mine == LockLevel::Reserved {
            // Only the RESERVED holder can reach here, so PENDING is free.
            st.pending = true;
            *mine = LockLevel::Pending;
        }
        if level == LockLevel::Pending {
            return Ok(());
        }
        if st.shared > 1 {
            return Err(Error::busy());
        }
        st.exclusive = true;
        *mine = LockLevel::Exclusive;
        Ok(())
    }

    fn unlock(&self, level: LockLevel) -> Result<()> {
        let mut mine = guard(&self.level);
        if *mine <= level {
            return Ok(());
        }
        let mut st = guard(&self.data.locks);
        if *mine >= LockLevel::Reserved {
            st.reserved = false;
            st.pending = false;
            st.exclusive = false;
        }
        if level == LockLevel::None && *mine >= LockLevel::Shared {
            st.shared = st.shared.saturating_sub(1);
        }
        *mine = if level == LockLevel::None {
            LockLevel::None
        } else {
            LockLevel::Shared
        };
        Ok(())
    }

    fn check_reserved_lock(&self) -> Result<bool> {
        let st = guard(&self.data.locks);
        Ok(st.reserved || st.pending || st.exclusive)
    }

    fn lock_level(&self) -> LockLevel {
        *guard(&self.level)
    }
}

impl Drop for MemoryFile {
    fn drop(&mut self) {
        let _ = self.unlock(LockLevel::None);
        if let Some((files, name)) = self.delete_on_close.take() {
            if let Some(files) = files.upgrade() {
                let mut files = guard(&files);
                if files.get(&name).is_some_and(|d| Arc::ptr_eq(d, &self.data)) {
                    files.remove(&name);
                }
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

    #[test]
    fn two_handles_exclude_each_other() {
        let vfs = MemoryVfs::new();
        let a = vfs.open("x", rw()).unwrap();
        let b = vfs.open("x", rw()).unwrap();
        crate::vfs::check_two_handle_locking(&*a, &*b);
    }

    #[test]
    fn dropping_a_handle_releases_its_locks() {
        let vfs = MemoryVfs::new();
        let a = vfs.open("x", rw()).unwrap();
        let b = vfs.open("x", rw()).unwrap();
        a.lock(LockLevel::Exclusive).unwrap();
        assert_eq!(
            b.lock(LockLevel::Shared).unwrap_err().code,
            ResultCode::BUSY
        );
        drop(a);
        b.lock(LockLevel::Exclusive).unwrap();
    }

    #[test]
    fn files_are_shared_by_name_and_persist() {
        let vfs = MemoryVfs::new();
        let a = vfs.open("x", rw()).unwrap();
        a.write_at(b"abc", 10).unwrap();
        drop(a);
        assert!(vfs.exists("x").unwrap());
        let b = vfs.open("x", rw()).unwrap();
        assert_eq!(b.size().unwrap(), 13);
        let mut buf = [9u8; 8];
        assert_eq!(b.read_at(&mut buf, 8).unwrap(), 5);
        assert_eq!(buf, [0, 0, b'a', b'b', b'c', 0, 0, 0]);
        b.truncate(11).unwrap();
        assert_eq!(b.size().unwrap(), 11);
        // another instance has its own namespace
        let other = MemoryVfs::new();
        assert!(!other.exists("x").unwrap());
        assert_eq!(
            other.open("x", OpenFlags::default()).err().map(|e| e.code),
            Some(ResultCode::CANTOPEN)
        );
        vfs.delete("x", false).unwrap();
        assert!(!vfs.exists("x").unwrap());
        // the open handle still sees the data
        assert_eq!(b.size().unwrap(), 11);
    }

    #[test]
    fn read_only_and_delete_on_close() {
        let vfs = MemoryVfs::new();
        drop(vfs.open("x", rw()).unwrap());
        let ro = vfs
            .open(
                "x",
                OpenFlags {
                    read_only: true,
                    ..rw()
                },
            )
            .unwrap();
        assert_eq!(ro.write_at(b"a", 0).unwrap_err().code, ResultCode::READONLY);
        let t = vfs
            .open(
                "tmp",
                OpenFlags {
                    delete_on_close: true,
                    ..rw()
                },
            )
            .unwrap();
        assert!(vfs.exists("tmp").unwrap());
        drop(t);
        assert!(!vfs.exists("tmp").unwrap());
    }
}
