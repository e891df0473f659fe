//! The page cache: clean pages under a CLOCK (second-chance) replacement
//! policy, plus the dirty pages of the open write transaction.
//!
//! Invariants:
//! - a page number is in at most one of `dirty` and the clean ring;
//! - a page is in `clean_map` iff it occupies exactly one live slot;
//! - dirty pages are never evicted (until a journal exists there is nowhere to
//!   spill them), so the cache may exceed its capacity while a write
//!   transaction holds more dirty pages than fit; at commit they join the
//!   clean ring and the ring is trimmed back to the capacity;
//! - only clean pages are swept by the clock hand, so a transaction with many
//!   dirty pages costs nothing extra per lookup or insertion.
//!
//! A hit only sets the slot's `referenced` bit; inserting into a full cache
//! sweeps the hand, clearing `referenced` bits, and reuses the first slot whose
//! bit is already clear. Pages handed out as [`PageRef`]s stay alive in their
//! holders after eviction (they are reference counted).

use super::{PageBuf, PageRef};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// A cheap hash for page numbers (Fibonacci multiplication): page lookups are
/// on every B-tree step, and page numbers need no DoS-resistant hashing.
#[derive(Default, Clone, Copy)]
struct PgnoHasher(u64);

impl Hasher for PgnoHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type PgnoMap<V> = HashMap<u32, V, BuildHasherDefault<PgnoHasher>>;

struct Slot {
    pgno: u32,
    page: PageRef,
    referenced: bool,
}

pub(crate) struct PageCache {
    clean_map: PgnoMap<usize>,
    /// The clean ring, dense (no holes), so a sweep visits only live pages.
    slots: Vec<Slot>,
    hand: usize,
    dirty: PgnoMap<PageRef>,
    capacity: usize,
    /// Bumped whenever a page image may change (a page is forgotten, the
    /// cache dropped, a page dirtied or replaced): page images handed out at
    /// one epoch are still the pages' content while the epoch stays the same.
    /// Loading, evicting and committing (dirty becomes clean) keep it.
    epoch: u64,
    /// Buffers of evicted pages nobody else held, kept for the next page
    /// read (a scan larger than the cache then reads into recycled buffers
    /// instead of allocating and zeroing one per page).
    spare: Vec<PageRef>,
}

/// How many evicted buffers the cache keeps for reuse.
const SPARE_MAX: usize = 8;

impl PageCache {
    pub(crate) fn new(capacity: usize) -> PageCache {
        PageCache {
            clean_map: PgnoMap::default(),
            slots: Vec::new(),
            hand: 0,
            dirty: PgnoMap::default(),
            capacity: capacity.max(1),
            epoch: 0,
            spare: Vec::new(),
        }
    }

    /// A recycled page buffer of `size` bytes (its old content is garbage
    /// to be overwritten), if an evicted one is free.
    pub(crate) fn take_spare(&mut self, size: usize) -> Option<PageBuf> {
        while let Some(p) = self.spare.pop() {
            if let Ok(buf) = Arc::try_unwrap(p) {
                if buf.data.len() == size {
                    return Some(buf);
                }
            }
        }
        None
    }

    /// Number of pages held (clean and dirty).
    pub(crate) fn len(&self) -> usize {
        self.clean_map.len() + self.dirty.len()
    }

    /// How many clean pages may stay: what the dirty pages leave of the
    /// capacity, but never less than a quarter of it, so that a transaction
    /// with more dirty pages than the cache holds does not reduce the clean
    /// ring to one page and re-read every interior page from the file (dirty
    /// pages cannot be spilled yet). The cache may thus exceed its capacity
    /// by up to a quarter while such a transaction is open.
    fn clean_budget(&self) -> usize {
        self.capacity
            .saturating_sub(self.dirty.len())
            .max(self.capacity / 4)
            .max(1)
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        self.trim();
    }

    /// Evict clean pages until the cache fits (or only dirty pages are left).
    fn trim(&mut self) {
        while self.slots.len() > self.clean_budget() {
            match self.victim() {
                Some(i) => self.evict_slot(i),
                None => break,
            }
        }
    }

    pub(crate) fn get(&mut self, pgno: u32) -> Option<PageRef> {
        if let Some(p) = self.dirty.get(&pgno) {
            return Some(p.clone());
        }
        let i = *self.clean_map.get(&pgno)?;
        let slot = self.slots.get_mut(i)?;
        slot.referenced = true;
        Some(slot.page.clone())
    }

    pub(crate) fn contains(&self, pgno: u32) -> bool {
        self.dirty.contains_key(&pgno) || self.clean_map.contains_key(&pgno)
    }

    pub(crate) fn is_dirty(&self, pgno: u32) -> bool {
        self.dirty.contains_key(&pgno)
    }

    /// Insert a page (replacing any cached image of it).
    pub(crate) fn insert(&mut self, pgno: u32, page: PageRef, dirty: bool) {
        if dirty || self.contains(pgno) {
            self.epoch += 1;
        }
        if dirty {
            self.remove_clean(pgno);
            self.dirty.insert(pgno, page);
            return;
        }
        self.dirty.remove(&pgno);
        if let Some(&i) = self.clean_map.get(&pgno) {
            if let Some(slot) = self.slots.get_mut(i) {
                slot.page = page;
                slot.referenced = true;
                return;
            }
        }
        if self.slots.len() >= self.clean_budget() {
            if let Some(i) = self.victim() {
                self.evict_slot(i);
            }
        }
        self.insert_clean_slot(pgno, page);
    }

    fn insert_clean_slot(&mut self, pgno: u32, page: PageRef) {
        self.slots.push(Slot {
            pgno,
            page,
            referenced: true,
        });
        self.clean_map.insert(pgno, self.slots.len() - 1);
    }

    /// Mutable access to a cached page's bytes, marking it dirty. The page is
    /// copied first if a reader still holds a `PageRef` to it (copy-on-write).
    pub(crate) fn make_dirty(&mut self, pgno: u32) -> Option<&mut [u8]> {
        self.epoch += 1;
        if !self.dirty.contains_key(&pgno) {
            let page = self.remove_clean(pgno)?;
            self.dirty.insert(pgno, page);
        }
        let page = self.dirty.get_mut(&pgno)?;
        if Arc::get_mut(page).is_none() {
            *page = Arc::new(PageBuf::clone(page));
        }
        Arc::get_mut(page).map(|p| &mut p.data[..])
    }

    /// The dirty pages in page-number order.
    pub(crate) fn dirty_pages(&self) -> Vec<(u32, PageRef)> {
        let mut out: Vec<(u32, PageRef)> =
            self.dirty.iter().map(|(&p, pg)| (p, pg.clone())).collect();
        out.sort_unstable_by_key(|(p, _)| *p);
        out
    }

    pub(crate) fn dirty_count(&self) -> usize {
        self.dirty.len()
    }

    /// After a commit: every dirty page now equals the file and becomes clean.
    pub(crate) fn mark_all_clean(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        for (pgno, page) in dirty {
            self.insert_clean_slot(pgno, page);
        }
        self.trim();
    }

    /// Some dirty pages now equal the file (a partial spill wrote them):
    /// they join the clean ring, which is trimmed back to its budget.
    pub(crate) fn mark_clean(&mut self, pgnos: &[u32]) {
        for &pgno in pgnos {
            if let Some(page) = self.dirty.remove(&pgno) {
                self.insert_clean_slot(pgno, page);
            }
        }
        self.trim();
    }

    /// Forget one clean page (another connection changed it).
    pub(crate) fn forget(&mut self, pgno: u32) {
        self.epoch += 1;
        self.remove_clean(pgno);
    }

    /// After a rollback: forget every dirty page.
    pub(crate) fn discard_dirty(&mut self) {
        self.epoch += 1;
        self.dirty.clear();
    }

    /// Forget pages numbered above `n` (after truncation).
    pub(crate) fn remove_beyond(&mut self, n: u32) {
        self.epoch += 1;
        self.dirty.retain(|&p, _| p <= n);
        let doomed: Vec<u32> = self.clean_map.keys().copied().filter(|&p| p > n).collect();
        for p in doomed {
            self.remove_clean(p);
        }
    }

    fn remove_clean(&mut self, pgno: u32) -> Option<PageRef> {
        let i = *self.clean_map.get(&pgno)?;
        Some(self.remove_slot(i).page)
    }

    /// Take slot `i` out of the ring, moving the last slot into its place.
    fn remove_slot(&mut self, i: usize) -> Slot {
        let slot = self.slots.swap_remove(i);
        self.clean_map.remove(&slot.pgno);
        if let Some(moved) = self.slots.get(i) {
            self.clean_map.insert(moved.pgno, i);
        }
        if self.hand >= self.slots.len() {
            self.hand = 0;
        }
        slot
    }

    /// Forget everything (another connection changed the file).
    pub(crate) fn clear(&mut self) {
        self.epoch += 1;
        self.clean_map.clear();
        self.slots.clear();
        self.dirty.clear();
        self.hand = 0;
    }

    /// The CLOCK sweep: a clean slot whose referenced bit is clear. The ring
    /// is dense, so a sweep is bounded by two turns over live pages.
    fn victim(&mut self) -> Option<usize> {
        let n = self.slots.len();
        if n == 0 {
            return None;
        }
        for _ in 0..2 * n + 1 {
            let i = self.hand % n;
            self.hand = (i + 1) % n;
            let slot = &mut self.slots[i];
            if slot.referenced {
                slot.referenced = false;
            } else {
                return Some(i);
            }
        }
        None
    }

    fn evict_slot(&mut self, i: usize) {
        if i < self.slots.len() {
            let slot = self.remove_slot(i);
            // Only a buffer no reader holds can be reused.
            if self.spare.len() < SPARE_MAX && Arc::strong_count(&slot.page) == 1 {
                self.spare.push(slot.page);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(b: u8) -> PageRef {
        let mut p = PageBuf::zeroed(16);
        p.data[0] = b;
        Arc::new(p)
    }

    #[test]
    fn clock_gives_referenced_pages_a_second_chance() {
        let mut c = PageCache::new(3);
        c.insert(1, page(1), false);
        c.insert(2, page(2), false);
        c.insert(3, page(3), false);
        // first sweep clears every bit and evicts 1
        c.insert(4, page(4), false);
        assert!(!c.contains(1));
        // touch 2: it survives the next eviction, 3 goes
        assert!(c.get(2).is_some());
        c.insert(5, page(5), false);
        assert!(c.contains(2) && !c.contains(3) && c.contains(4) && c.contains(5));
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn dirty_pages_are_never_evicted_and_rejoin_at_commit() {
        let mut c = PageCache::new(2);
        for p in 1..=5 {
            c.insert(p, page(p as u8), true);
        }
        c.insert(6, page(6), false);
        assert_eq!(c.len(), 6);
        assert_eq!(
            c.dirty_pages().iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
        c.mark_all_clean();
        assert_eq!(c.len(), 2);
        assert_eq!(c.dirty_count(), 0);
    }

    #[test]
    fn copy_on_write_keeps_reader_snapshots() {
        let mut c = PageCache::new(4);
        c.insert(1, page(1), false);
        let snap = c.get(1).unwrap();
        c.make_dirty(1).unwrap()[0] = 9;
        assert_eq!(snap[0], 1);
        assert_eq!(c.get(1).unwrap()[0], 9);
        assert!(c.is_dirty(1));
        c.discard_dirty();
        assert!(!c.contains(1));
        assert!(c.make_dirty(1).is_none());
    }

    #[test]
    fn epoch_moves_exactly_when_a_page_image_may_change() {
        let mut c = PageCache::new(2);
        let e = c.epoch();
        c.insert(1, page(1), false);
        c.insert(2, page(2), false);
        c.insert(3, page(3), false); // evicts: content unchanged
        assert!(c.get(3).is_some());
        assert_eq!(c.epoch(), e);
        type Step = (&'static str, fn(&mut PageCache));
        let steps: [Step; 7] = [
            ("forget", |c| c.forget(9)),
            ("replace", |c| c.insert(3, page(7), false)),
            ("dirty insert", |c| c.insert(4, page(4), true)),
            ("make_dirty", |c| {
                c.make_dirty(3);
            }),
            ("discard_dirty", |c| c.discard_dirty()),
            ("remove_beyond", |c| c.remove_beyond(1)),
            ("clear", |c| c.clear()),
        ];
        for (name, f) in steps {
            let before = c.epoch();
            f(&mut c);
            assert!(c.epoch() > before, "{name} must move the epoch");
        }
        c.insert(5, page(5), true);
        let before = c.epoch();
        c.mark_all_clean();
        assert_eq!(c.epoch(), before, "commit keeps the images");
    }

    #[test]
    fn evicted_buffers_are_reused_only_when_unshared() {
        let mut c = PageCache::new(1);
        c.insert(1, page(1), false);
        c.insert(2, page(2), false); // evicts 1, nobody holds it
        let b = c.take_spare(16).expect("the evicted buffer comes back");
        assert_eq!(b.data[0], 1);
        assert!(c.take_spare(16).is_none());
        let held = c.get(2).unwrap();
        c.insert(3, page(3), false); // evicts 2, still held by a reader
        assert!(c.take_spare(16).is_none());
        assert_eq!(held[0], 2);
        c.insert(4, page(4), false); // evicts 3
        assert!(c.take_spare(32).is_none(), "wrong size is not handed out");
    }

    #[test]
    fn remove_beyond_drops_clean_and_dirty() {
        let mut c = PageCache::new(10);
        c.insert(1, page(1), false);
        c.insert(5, page(5), false);
        c.insert(6, page(6), true);
        c.remove_beyond(4);
        assert!(c.contains(1) && !c.contains(5) && !c.contains(6));
        assert_eq!(c.dirty_count(), 0);
    }
}
