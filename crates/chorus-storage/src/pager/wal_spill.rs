//! Spilling a WAL-mode write transaction into the log (SQLite's
//! `pagerStress` → `pagerWalFrames` without a commit).
//!
//! When a write transaction has as many dirty pages as the cache holds, the
//! dirty pages are appended to the WAL as frames *without* a commit marker,
//! past `mx_frame`, and become clean cache pages that may be evicted. Nobody
//! else looks past `mx_frame` (readers, checkpoints), so the frames stay
//! invisible until the commit publishes them; the `Wal`'s `spilling` flag
//! keeps RESTART/TRUNCATE checkpoints and log restarts from touching them.
//!
//! Invariants while a transaction has spilled (`Pager::wal_spill` is Some):
//! - `base` is where the transaction's frames began (`mx_frame` then, after
//!   any log restart the first spill made); `next` continues after the last
//!   spilled frame, with the running checksum up to it;
//! - `frames` maps each spilled page to its newest frame; the pager reads a
//!   page missing from its cache from there before the snapshot or the file,
//!   so evicted pages come back with the transaction's changes;
//! - every cache page may hold this transaction's changes, so a rollback
//!   empties the cache (the frames are simply overwritten later; they never
//!   carry a commit marker, so recovery never replays them).
//!
//! Commit writes the still-dirty pages after the spilled frames, the last
//! one carrying the database size (page 1 is rewritten if nothing is dirty,
//! as SQLite does), syncs as usual, and publishes every frame from `base`.

use super::Pager;
use crate::error::{Error, Result, ResultCode};
use crate::wal::PendingAppend;
use std::collections::HashMap;

/// A WAL transaction's spilled frames (see the module comment).
pub(super) struct WalSpill {
    pub(super) base: PendingAppend,
    pub(super) next: PendingAppend,
    /// Page -> newest spilled frame.
    frames: HashMap<u32, u32>,
    /// Page of each spilled frame, in frame order.
    pub(super) order: Vec<u32>,
}

fn detached() -> Error {
    Error::new(ResultCode::INTERNAL, "WAL detached")
}

impl Pager {
    /// Spill the dirty pages into the log if the cache is full of them.
    pub(super) fn maybe_spill_wal(&mut self) -> Result<()> {
        let cache = self.cache.get_mut();
        if cache.dirty_count() < cache.capacity() {
            return Ok(());
        }
        let db_size = self.db_size;
        let pages = cache.dirty_pages();
        let refs: Vec<(u32, &[u8])> = pages
            .iter()
            .filter(|(n, _)| *n <= db_size)
            .map(|(n, p)| (*n, p.data()))
            .collect();
        if refs.is_empty() {
            return Ok(());
        }
        let from = match &self.wal_spill {
            Some(s) => s.next.clone(),
            None => {
                let mut s = self.shared.lock();
                let wal = s.wal.as_mut().ok_or_else(detached)?;
                let a = wal.prepare_append(self.synchronous)?;
                wal.set_spilling(true);
                a
            }
        };
        let mut placed = Vec::with_capacity(refs.len());
        let written = from.write_uncommitted(&refs, &mut |pgno, frame| placed.push((pgno, frame)));
        let next = match written {
            Ok(n) => n,
            Err(e) => {
                if self.wal_spill.is_none() {
                    if let Some(w) = self.shared.lock().wal.as_mut() {
                        w.set_spilling(false);
                    }
                }
                return Err(e);
            }
        };
        let done: Vec<u32> = refs.iter().map(|r| r.0).collect();
        drop(refs);
        let spill = self.wal_spill.get_or_insert_with(|| WalSpill {
            base: from,
            next: next.clone(),
            frames: HashMap::new(),
            order: Vec::new(),
        });
        spill.next = next;
        for (pgno, frame) in placed {
            spill.frames.insert(pgno, frame);
            spill.order.push(pgno);
        }
        self.cache.get_mut().mark_clean(&done);
        Ok(())
    }

    /// Where this transaction's newest spilled image of page `n` lies.
    pub(super) fn spilled_frame(
        &self,
        n: u32,
    ) -> Option<(std::sync::Arc<dyn crate::vfs::VfsFile>, u64)> {
        let s = self.wal_spill.as_ref()?;
        let f = *s.frames.get(&n)?;
        Some(s.next.frame_location(f))
    }

    /// Forget a spill (rollback): the cache may hold the transaction's
    /// changes in clean pages, so it is emptied.
    pub(super) fn drop_wal_spill(&mut self) {
        if self.wal_spill.take().is_some() {
            self.cache.get_mut().clear();
            if let Some(w) = self.shared.lock().wal.as_mut() {
                w.set_spilling(false);
            }
        }
    }
}
