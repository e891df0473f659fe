//! The page cache: a map from page number to page image with a CLOCK
//! (second-chance) replacement policy over clean pages.
//!
//! Invariants:
//! - a page is in `map` iff it occupies exactly one live slot;
//! - a dirty page is never evicted (until a journal exists there is nowhere to
//!   spill it), so the cache may exceed its capacity while a write transaction
//!   holds more dirty pages than fit; it shrinks back as pages become clean and
//!   new pages are loaded;
//! - `dirty` lists each dirty page number exactly once.
//!
//! A hit only sets the slot's `referenced` bit; an insertion into a full cache
//! sweeps the clock hand, clearing `referenced` bits, and reuses the first clean
//! unreferenced slot. Pages handed out as [`PageRef`]s stay alive in their
//! holders after eviction (they are reference counted).

use super::{PageBuf, PageRef};
use std::collections::HashMap;
use std::sync::Arc;

struct Slot {
    pgno: u32,
    page: PageRef,
    dirty: bool,
    referenced: bool,
}

pub(crate) struct PageCache {
    map: HashMap<u32, usize>,
    slots: Vec<Option<Slot>>,
    free_slots: Vec<usize>,
    hand: usize,
    capacity: usize,
    dirty: Vec<u32>,
}

impl PageCache {
    pub(crate) fn new(capacity: usize) -> PageCache {
        PageCache {
            map: HashMap::new(),
            slots: Vec::new(),
            free_slots: Vec::new(),
            hand: 0,
            capacity: capacity.max(1),
            dirty: Vec::new(),
        }
    }

    /// Number of pages held.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        while self.map.len() > self.capacity {
            match self.victim() {
                Some(i) => self.evict_slot(i),
                None => break,
            }
        }
    }

    pub(crate) fn get(&mut self, pgno: u32) -> Option<PageRef> {
        let i = *self.map.get(&pgno)?;
        let slot = self.slots.get_mut(i)?.as_mut()?;
        slot.referenced = true;
        Some(slot.page.clone())
    }

    pub(crate) fn contains(&self, pgno: u32) -> bool {
        self.map.contains_key(&pgno)
    }

    pub(crate) fn is_dirty(&self, pgno: u32) -> bool {
        self.slot_ref(pgno).is_some_and(|s| s.dirty)
    }

    fn slot_ref(&self, pgno: u32) -> Option<&Slot> {
        let i = *self.map.get(&pgno)?;
        self.slots.get(i)?.as_ref()
    }

    /// Insert a page (replacing any cached image of it).
    pub(crate) fn insert(&mut self, pgno: u32, page: PageRef, dirty: bool) {
        if let Some(&i) = self.map.get(&pgno) {
            if let Some(slot) = self.slots.get_mut(i).and_then(|s| s.as_mut()) {
                if dirty && !slot.dirty {
                    self.dirty.push(pgno);
                }
                slot.page = page;
                slot.dirty |= dirty;
                slot.referenced = true;
                return;
            }
        }
        if self.map.len() >= self.capacity {
            if let Some(i) = self.victim() {
                self.evict_slot(i);
            }
        }
        let slot = Slot {
            pgno,
            page,
            dirty,
            referenced: true,
        };
        let i = match self.free_slots.pop() {
            Some(i) => {
                self.slots[i] = Some(slot);
                i
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        };
        self.map.insert(pgno, i);
        if dirty {
            self.dirty.push(pgno);
        }
    }

    /// Mutable access to a cached page's bytes, marking it dirty. The page is
    /// copied first if a reader still holds a `PageRef` to it (copy-on-write).
    pub(crate) fn make_dirty(&mut self, pgno: u32) -> Option<&mut [u8]> {
        let i = *self.map.get(&pgno)?;
        let slot = self.slots.get_mut(i)?.as_mut()?;
        if !slot.dirty {
            slot.dirty = true;
            self.dirty.push(pgno);
        }
        slot.referenced = true;
        if Arc::get_mut(&mut slot.page).is_none() {
            slot.page = Arc::new(PageBuf::clone(&slot.page));
        }
        Arc::get_mut(&mut slot.page).map(|p| &mut p.data[..])
    }

    /// The dirty pages in page-number order.
    pub(crate) fn dirty_pages(&self) -> Vec<(u32, PageRef)> {
        let mut out: Vec<(u32, PageRef)> = self
            .dirty
            .iter()
            .filter_map(|&p| self.slot_ref(p).map(|s| (p, s.page.clone())))
            .collect();
        out.sort_unstable_by_key(|(p, _)| *p);
        out
    }

    pub(crate) fn dirty_count(&self) -> usize {
        self.dirty.len()
    }

    /// After a commit: every page is now equal to the file.
    pub(crate) fn mark_all_clean(&mut self) {
        for pgno in std::mem::take(&mut self.dirty) {
            if let Some(&i) = self.map.get(&pgno) {
                if let Some(slot) = self.slots.get_mut(i).and_then(|s| s.as_mut()) {
                    slot.dirty = false;
                }
            }
        }
        self.set_capacity(self.capacity);
    }

    /// After a rollback: forget every dirty page.
    pub(crate) fn discard_dirty(&mut self) {
        for pgno in std::mem::take(&mut self.dirty) {
            self.remove(pgno);
        }
    }

    /// Forget pages numbered above `n` (after truncation).
    pub(crate) fn remove_beyond(&mut self, n: u32) {
        let doomed: Vec<u32> = self.map.keys().copied().filter(|&p| p > n).collect();
        for p in doomed {
            self.remove(p);
        }
        self.dirty.retain(|&p| p <= n);
    }

    pub(crate) fn remove(&mut self, pgno: u32) {
        if let Some(i) = self.map.remove(&pgno) {
            if let Some(s) = self.slots.get_mut(i) {
                if s.take().is_some_and(|s| s.dirty) {
                    self.dirty.retain(|&p| p != pgno);
                }
                self.free_slots.push(i);
            }
        }
    }

    /// Forget everything (another connection changed the file).
    pub(crate) fn clear(&mut self) {
        self.map.clear();
        self.slots.clear();
        self.free_slots.clear();
        self.dirty.clear();
        self.hand = 0;
    }

    /// The CLOCK sweep: a clean slot whose referenced bit is clear.
    fn victim(&mut self) -> Option<usize> {
        let n = self.slots.len();
        if n == 0 {
            return None;
        }
        for _ in 0..2 * n {
            let i = self.hand % n;
            self.hand = (i + 1) % n;
            if let Some(slot) = self.slots[i].as_mut() {
                if slot.dirty {
                    continue;
                }
                if slot.referenced {
                    slot.referenced = false;
                } else {
                    return Some(i);
                }
            }
        }
        None
    }

    fn evict_slot(&mut self, i: usize) {
        if let Some(slot) = self.slots.get_mut(i).and_then(|s| s.take()) {
            self.map.remove(&slot.pgno);
            self.free_slots.push(i);
        }
    }
}
