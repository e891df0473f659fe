//! Savepoints inside a write transaction: the in-memory statement journal.
//!
//! Each open savepoint keeps, for every page first modified after it was
//! opened, the page image as it was at that moment (a cheap `Arc` clone: the
//! cache copies on write), plus the header and database size. Rolling back
//! to savepoint `k` puts those images back, newest savepoint first, and
//! restores the size and header; releasing `k` hands its images down to
//! savepoint `k-1` (which keeps its own, older image when both have one).
//!
//! Invariant: `savepoints[k].pages[p]` is page `p` as it was when savepoint
//! `k` opened, for every page written since; pages beyond the size recorded
//! by the savepoint need no image (they are dropped by the size restore).

use super::{Pager, Saved};
use crate::error::{Error, Result, ResultCode};
use crate::pager::PageRef;
use std::collections::HashMap;

pub(crate) struct Savepoint {
    saved: Saved,
    pages: HashMap<u32, PageRef>,
}

impl Pager {
    /// Open a savepoint in the write transaction; returns its level (0-based).
    pub fn savepoint(&mut self) -> Result<usize> {
        self.require_write()?;
        self.savepoints.push(Savepoint {
            saved: Saved {
                header: self.header.clone(),
                db_size: self.db_size,
                auto_vacuum: self.auto_vacuum,
            },
            pages: HashMap::new(),
        });
        Ok(self.savepoints.len() - 1)
    }

    /// Number of open savepoints.
    pub fn savepoint_depth(&self) -> usize {
        self.savepoints.len()
    }

    /// Undo every change since savepoint `level` opened. The savepoint stays
    /// open (empty again); savepoints above it are gone.
    pub fn rollback_to(&mut self, level: usize) -> Result<()> {
        self.require_write()?;
        if level >= self.savepoints.len() {
            return Err(Error::new(ResultCode::MISUSE, "no such savepoint"));
        }
        let cache = self.cache.get_mut();
        while self.savepoints.len() > level {
            let Some(sp) = self.savepoints.pop() else { break };
            for (pgno, image) in sp.pages {
                if pgno <= sp.saved.db_size {
                    cache.insert(pgno, image, true);
                }
            }
            cache.remove_beyond(sp.saved.db_size);
            self.header = sp.saved.header.clone();
            self.db_size = sp.saved.db_size;
            self.auto_vacuum = sp.saved.auto_vacuum;
            if self.savepoints.len() == level {
                self.savepoints.push(Savepoint {
                    saved: sp.saved,
                    pages: HashMap::new(),
                });
                break;
            }
        }
        Ok(())
    }

    /// Forget savepoint `level` and those above it, keeping their changes.
    pub fn release(&mut self, level: usize) -> Result<()> {
        if level >= self.savepoints.len() {
            return Err(Error::new(ResultCode::MISUSE, "no such savepoint"));
        }
        let released: Vec<Savepoint> = self.savepoints.drain(level..).collect();
        if let Some(below) = self.savepoints.last_mut() {
            for sp in released {
                for (pgno, image) in sp.pages {
                    below.pages.entry(pgno).or_insert(image);
                }
            }
        }
        Ok(())
    }

    /// Called by `write` before a page is modified: the innermost savepoint
    /// keeps the page's current image if it has none yet.
    pub(crate) fn journal_for_savepoint(&mut self, pgno: u32) {
        let Some(sp) = self.savepoints.last_mut() else {
            return;
        };
        if pgno > sp.saved.db_size || sp.pages.contains_key(&pgno) {
            return;
        }
        if let Some(image) = self.cache.get_mut().get(pgno) {
            sp.pages.insert(pgno, image);
        }
    }
}
