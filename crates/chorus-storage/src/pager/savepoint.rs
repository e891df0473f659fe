//! Savepoints inside a write transaction, kept in memory: a savepoint is the
//! dirty-page set (shared page images: the cache copies a page before
//! modifying one a savepoint still holds), the header, the size and the
//! auto-vacuum mode. `rollback_to(n)` restores savepoint `n` and keeps it
//! (SQL's `ROLLBACK TO`), `release(n)` forgets `n` and every later one.
//! Original images captured for the journal are kept: journaling a page that
//! ends up unchanged is harmless.

use super::{misuse, AutoVacuum, PageRef, Pager};
use crate::error::Result;
use crate::header::DbHeader;

pub(super) struct SavepointState {
    dirty: Vec<(u32, PageRef)>,
    header: DbHeader,
    db_size: u32,
    auto_vacuum: AutoVacuum,
}

impl Pager {
    /// Open a savepoint in the write transaction; returns its index (0 for
    /// the outermost).
    pub fn savepoint(&mut self) -> Result<usize> {
        self.require_write()?;
        let st = SavepointState {
            dirty: self.cache.get_mut().dirty_snapshot(),
            header: self.header.clone(),
            db_size: self.db_size,
            auto_vacuum: self.auto_vacuum,
        };
        self.savepoints.push(st);
        Ok(self.savepoints.len() - 1)
    }

    /// Undo every change made since savepoint `n` was opened; savepoint `n`
    /// stays open, later ones are released.
    pub fn rollback_to(&mut self, n: usize) -> Result<()> {
        self.require_write()?;
        if n >= self.savepoints.len() {
            return Err(misuse("no such savepoint"));
        }
        self.savepoints.truncate(n + 1);
        let Some(sp) = self.savepoints.last() else {
            return Err(misuse("no such savepoint"));
        };
        let cache = self.cache.get_mut();
        cache.restore_dirty(&sp.dirty);
        cache.remove_beyond(sp.db_size);
        self.header = sp.header.clone();
        self.db_size = sp.db_size;
        self.auto_vacuum = sp.auto_vacuum;
        Ok(())
    }

    /// Forget savepoint `n` and every later one, keeping their changes.
    pub fn release(&mut self, n: usize) -> Result<()> {
        self.require_write()?;
        if n >= self.savepoints.len() {
            return Err(misuse("no such savepoint"));
        }
        self.savepoints.truncate(n);
        Ok(())
    }

    /// Open savepoints.
    pub fn savepoint_count(&self) -> usize {
        self.savepoints.len()
    }
}

#[cfg(test)]
mod tests {
    use crate::pager::{Pager, PagerOptions};
    use crate::types::PageNo;
    use crate::vfs::MemoryVfs;

    #[test]
    fn nested_savepoints_roll_back_pages_size_and_header() {
        let mut p = Pager::open(MemoryVfs::new_ref(), "s.db", PagerOptions::default()).unwrap();
        p.begin_write().unwrap();
        let a = p.allocate().unwrap();
        p.write(a).unwrap().fill(1);
        p.commit().unwrap();
        p.begin_write().unwrap();
        p.write(a).unwrap().fill(2);
        let s0 = p.savepoint().unwrap();
        p.write(a).unwrap().fill(3);
        p.update_header(|h| h.user_version = 9).unwrap();
        let b = p.allocate().unwrap();
        p.write(b).unwrap().fill(4);
        let s1 = p.savepoint().unwrap();
        p.write(a).unwrap().fill(5);
        assert_eq!((s0, s1, p.savepoint_count()), (0, 1, 2));
        p.rollback_to(s1).unwrap();
        assert_eq!(p.read(a).unwrap()[0], 3);
        assert_eq!(p.savepoint_count(), 2);
        p.rollback_to(s0).unwrap();
        assert_eq!(p.read(a).unwrap()[0], 2);
        assert_eq!(p.page_count(), 2);
        assert_eq!(p.header().user_version, 0);
        assert_eq!(p.savepoint_count(), 1);
        assert!(p.read(PageNo(3)).is_err());
        // a page first dirtied after the savepoint reads its committed image
        p.rollback_to(s0).unwrap();
        p.release(s0).unwrap();
        assert_eq!(p.savepoint_count(), 0);
        assert!(p.rollback_to(0).is_err());
        p.commit().unwrap();
        p.begin_read().unwrap();
        assert_eq!(p.read(a).unwrap()[0], 2);
        assert_eq!(p.page_count(), 2);
    }

    #[test]
    fn savepoint_restores_a_page_first_modified_after_it() {
        let mut p = Pager::open(MemoryVfs::new_ref(), "t.db", PagerOptions::default()).unwrap();
        p.begin_write().unwrap();
        let a = p.allocate().unwrap();
        p.write(a).unwrap().fill(7);
        p.commit().unwrap();
        p.begin_write().unwrap();
        let s = p.savepoint().unwrap();
        p.write(a).unwrap().fill(8);
        p.rollback_to(s).unwrap();
        assert_eq!(p.read(a).unwrap()[0], 7);
        assert!(!p.is_dirty(a));
        p.commit().unwrap();
    }
}
