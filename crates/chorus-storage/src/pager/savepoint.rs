//! Savepoints inside a write transaction: the in-memory statement journal.
//!
//! Each open savepoint keeps, for every page first modified after it was
//! opened, the page image as it was at that moment (a cheap `Arc` clone: the
//! cache copies a page before modifying one a savepoint still holds), plus
//! the header, the size and the auto-vacuum mode. Opening a savepoint is
//! O(1), so a statement savepoint per SQL statement costs nothing in a long
//! transaction. Rolling back to savepoint `n` puts the images back, newest
//! savepoint first, and restores the size and header; releasing `n` hands
//! its images down to savepoint `n-1` (which keeps its own, older image when
//! both have one).
//!
//! Invariant: `savepoints[k].pages[p]` is page `p` as it was when savepoint
//! `k` opened, for every page written since; pages beyond the size recorded
//! by the savepoint need no image (the size restore drops them). Original
//! images captured for the rollback journal are kept on rollback: journaling
//! a page that ends up unchanged is harmless.

use super::{misuse, AutoVacuum, PageRef, Pager};
use crate::error::Result;
use crate::header::DbHeader;
use std::collections::HashMap;

pub(super) struct SavepointState {
    /// Page image at savepoint time, and whether it was dirty then.
    pages: HashMap<u32, (PageRef, bool)>,
    header: DbHeader,
    db_size: u32,
    auto_vacuum: AutoVacuum,
}

impl Pager {
    /// Open a savepoint in the write transaction; returns its index (0 for
    /// the outermost).
    pub fn savepoint(&mut self) -> Result<usize> {
        self.require_write()?;
        self.savepoints.push(SavepointState {
            pages: HashMap::new(),
            header: self.header.clone(),
            db_size: self.db_size,
            auto_vacuum: self.auto_vacuum,
        });
        Ok(self.savepoints.len() - 1)
    }

    /// Undo every change made since savepoint `n` was opened; savepoint `n`
    /// stays open (empty again), later ones are released.
    pub fn rollback_to(&mut self, n: usize) -> Result<()> {
        self.require_write()?;
        if n >= self.savepoints.len() {
            return Err(misuse("no such savepoint"));
        }
        // After a spill a clean cached page may differ from the file or the
        // snapshot (a later image was spilled into the database file or the
        // log): restored images are rewritten at commit.
        let spilled = self.spilled || self.wal_spill.is_some();
        let cache = self.cache.get_mut();
        while self.savepoints.len() > n {
            let Some(sp) = self.savepoints.pop() else {
                break;
            };
            for (pgno, (image, was_dirty)) in sp.pages {
                if pgno <= sp.db_size {
                    cache.insert(pgno, image, was_dirty || spilled);
                }
            }
            cache.remove_beyond(sp.db_size);
            self.header = sp.header.clone();
            self.db_size = sp.db_size;
            self.auto_vacuum = sp.auto_vacuum;
            if self.savepoints.len() == n {
                self.savepoints.push(SavepointState {
                    pages: HashMap::new(),
                    ..sp
                });
                break;
            }
        }
        Ok(())
    }

    /// Forget savepoint `n` and every later one, keeping their changes.
    pub fn release(&mut self, n: usize) -> Result<()> {
        self.require_write()?;
        if n >= self.savepoints.len() {
            return Err(misuse("no such savepoint"));
        }
        let released: Vec<SavepointState> = self.savepoints.drain(n..).collect();
        if let Some(below) = self.savepoints.last_mut() {
            for sp in released {
                for (pgno, image) in sp.pages {
                    below.pages.entry(pgno).or_insert(image);
                }
            }
        }
        Ok(())
    }

    /// Open savepoints.
    pub fn savepoint_count(&self) -> usize {
        self.savepoints.len()
    }

    /// Called by `write` before page `pgno` (already cached) is modified: the
    /// innermost savepoint keeps the page's current image if it has none yet.
    pub(super) fn capture_for_savepoint(&mut self, pgno: u32) {
        let Some(sp) = self.savepoints.last_mut() else {
            return;
        };
        if pgno > sp.db_size || sp.pages.contains_key(&pgno) {
            return;
        }
        let cache = self.cache.get_mut();
        let was_dirty = cache.is_dirty(pgno);
        if let Some(image) = cache.get(pgno) {
            sp.pages.insert(pgno, (image, was_dirty));
        }
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
