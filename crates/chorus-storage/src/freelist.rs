//! The freelist (fileformat2 §1.5): unused pages of the database, kept as a
//! linked list of *trunk* pages, each naming up to `usable_size/4 - 2` *leaf*
//! pages.
//!
//! ```text
//! header offset 32: first trunk page (0 = empty list)
//! header offset 36: total pages on the freelist (trunks + leaves)
//! trunk page:  [0..4) next trunk page (0 = last)
//!              [4..8) leaf count K
//!              [8..8+4K) leaf page numbers
//! leaf page:   content unspecified
//! ```
//!
//! Rules followed exactly as SQLite does them:
//! - a trunk claiming more than `usable_size/4 - 2` leaves is corrupt;
//! - a freed page is added as a leaf of the *first* trunk while that trunk has
//!   fewer than `usable_size/4 - 8` leaves (SQLite writes at most that many for
//!   compatibility with versions before 3.6.0); otherwise the freed page
//!   becomes the new first trunk, pointing at the old one;
//! - allocation takes the first leaf of the first trunk (moving the last
//!   leaf into its slot), or, when that trunk has no leaves, the trunk itself;
//! - with no free page, the database grows by one page, skipping the
//!   lock-byte page and (in auto-vacuum databases) pointer-map pages, which
//!   are created zero-filled as the file grows over them;
//! - in auto-vacuum databases a freed page gets the pointer-map entry
//!   (FreePage, 0); an allocated page's entry is the caller's to set.
//!
//! Every page number read from a trunk is checked to lie in 2..=page_count,
//! and [`Pager::freelist_pages`] detects cycles, so corrupt files give
//! `SQLITE_CORRUPT`, never a panic or an endless loop.

use crate::error::{Error, Result};
use crate::pager::{AutoVacuum, Pager};
use crate::ptrmap::{self, PtrType};
use crate::types::{lock_byte_page, PageNo};
use std::collections::HashSet;

/// Read a big-endian u32 at `off` of a page, CORRUPT if out of bounds.
/// Where [`Pager::allocate_with`] may take a page from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocMode {
    /// Any page: the first leaf of the first trunk, else that trunk, else growth.
    Any,
    /// Like `Any`, but the leaf of the first trunk closest to this page.
    Near(PageNo),
    /// Exactly this page, which must be on the freelist.
    Exact(PageNo),
    /// Any free page numbered at most this (first match in list order).
    AtMost(PageNo),
}

fn get32(page: &[u8], off: usize) -> Result<u32> {
    page.get(off..off + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| Error::corrupt("freelist trunk entry out of range"))
}

fn put32(page: &mut [u8], off: usize, v: u32) -> Result<()> {
    page.get_mut(off..off + 4)
        .map(|b| b.copy_from_slice(&v.to_be_bytes()))
        .ok_or_else(|| Error::corrupt("freelist trunk entry out of range"))
}

impl Pager {
    /// Most leaves a trunk page may hold when read (`usable_size/4 - 2`).
    pub fn freelist_trunk_capacity(&self) -> u32 {
        (self.usable_size() / 4 - 2) as u32
    }

    /// Leaves SQLite adds to a trunk before starting a new one (`usable_size/4 - 8`).
    fn freelist_trunk_fill_limit(&self) -> u32 {
        (self.usable_size() / 4 - 8) as u32
    }

    fn check_free_pgno(&self, pgno: u32, what: &str) -> Result<()> {
        if pgno < 2
            || pgno > self.db_size
            || pgno == lock_byte_page(self.page_size()).get()
            || self.is_ptrmap_page(PageNo(pgno))
        {
            return Err(Error::corrupt(format!(
                "freelist {what} page {pgno} out of range 2..={}",
                self.db_size
            )));
        }
        Ok(())
    }

    /// A zero-filled page: reuse a freelist page or grow the file. Never the
    /// lock-byte page, never a pointer-map page.
    pub fn allocate(&mut self) -> Result<PageNo> {
        self.allocate_with(AllocMode::Any)
    }

    /// [`Pager::allocate`] with SQLite's placement modes (`allocateBtreePage`):
    /// `Near` picks the leaf of the first trunk closest to a page (B-tree
    /// locality); `Exact` and `AtMost` search the whole list and exist for
    /// auto-vacuum, which must take a particular free page or one below the
    /// final database size. `Exact`/`AtMost` never grow the file: when no such
    /// free page exists they fail with `SQLITE_CORRUPT` (the caller believed
    /// one existed, e.g. from the pointer map).
    pub fn allocate_with(&mut self, mode: AllocMode) -> Result<PageNo> {
        self.require_write()?;
        if self.header.freelist_count > 0 {
            if let Some(pg) = self.take_free_page(mode)? {
                self.header.freelist_count -= 1;
                self.flush_header()?;
                self.write(PageNo(pg))?.fill(0);
                return Ok(PageNo(pg));
            }
        }
        if let AllocMode::Exact(p) | AllocMode::AtMost(p) = mode {
            return Err(Error::corrupt(format!(
                "no free page {}{p} on the freelist",
                if matches!(mode, AllocMode::AtMost(_)) {
                    "<= "
                } else {
                    ""
                }
            )));
        }
        let mut n = self.grow_one()?;
        if self.is_ptrmap_page(PageNo(n)) {
            // A new pointer-map page (already zero-filled and dirty), then the page itself.
            n = self.grow_one()?;
        }
        self.set_db_size(self.db_size)?;
        Ok(PageNo(n))
    }

    /// Unlink one page from the freelist as SQLite's `allocateBtreePage` does;
    /// `None` when a search (`Exact`/`AtMost`) finds nothing.
    fn take_free_page(&mut self, mode: AllocMode) -> Result<Option<u32>> {
        if self.header.freelist_count >= self.db_size {
            return Err(Error::corrupt("freelist count exceeds the page count"));
        }
        let (search, le, nearby) = match mode {
            AllocMode::Any => (false, false, 0),
            AllocMode::Near(p) => (false, false, p.get()),
            AllocMode::Exact(p) => (true, false, p.get()),
            AllocMode::AtMost(p) => (true, true, p.get()),
        };
        let cap = self.freelist_trunk_capacity();
        let mut prev: Option<u32> = None;
        let mut visited = 0u32;
        loop {
            let trunk = match prev {
                None => self.header.freelist_trunk,
                Some(pt) => get32(&self.read(PageNo(pt))?, 0)?,
            };
            if trunk == 0 && search {
                return Ok(None);
            }
            visited += 1;
            if visited > self.header.freelist_count {
                return Err(Error::corrupt(
                    "freelist trunk chain longer than the freelist",
                ));
            }
            self.check_free_pgno(trunk, "trunk")?;
            let page = self.read(PageNo(trunk))?;
            let next = get32(&page, 0)?;
            let k = get32(&page, 4)?;
            if k == 0 && !search {
                // No leaves and no search: the first trunk itself is the page.
                if next != 0 {
                    self.check_free_pgno(next, "trunk")?;
                }
                self.header.freelist_trunk = next;
                return Ok(Some(trunk));
            }
            if k > cap {
                return Err(Error::corrupt(format!(
                    "freelist trunk {trunk} claims {k} leaves"
                )));
            }
            if search && (trunk == nearby || (le && trunk < nearby)) {
                // The trunk itself is wanted: its first leaf (if any) takes its place.
                let successor = if k == 0 {
                    next
                } else {
                    let new_trunk = get32(&page, 8)?;
                    self.check_free_pgno(new_trunk, "leaf")?;
                    let rest = page
                        .get(12..12 + 4 * (k as usize - 1))
                        .ok_or_else(|| Error::corrupt("freelist trunk entry out of range"))?
                        .to_vec();
                    let nt = self.write(PageNo(new_trunk))?;
                    put32(nt, 0, next)?;
                    put32(nt, 4, k - 1)?;
                    nt.get_mut(8..8 + rest.len())
                        .ok_or_else(|| Error::corrupt("freelist trunk entry out of range"))?
                        .copy_from_slice(&rest);
                    new_trunk
                };
                match prev {
                    None => self.header.freelist_trunk = successor,
                    Some(pt) => put32(self.write(PageNo(pt))?, 0, successor)?,
                }
                return Ok(Some(trunk));
            }
            if k > 0 {
                let mut closest = 0usize;
                if nearby > 0 {
                    if le {
                        for i in 0..k as usize {
                            if get32(&page, 8 + 4 * i)? <= nearby {
                                closest = i;
                                break;
                            }
                        }
                    } else {
                        let dist = |v: u32| (v as i64 - nearby as i64).abs();
                        let mut best = dist(get32(&page, 8)?);
                        for i in 1..k as usize {
                            let d = dist(get32(&page, 8 + 4 * i)?);
                            if d < best {
                                closest = i;
                                best = d;
                            }
                        }
                    }
                }
                let leaf = get32(&page, 8 + 4 * closest)?;
                self.check_free_pgno(leaf, "leaf")?;
                if !search || leaf == nearby || (le && leaf < nearby) {
                    let last = get32(&page, 8 + 4 * (k as usize - 1))?;
                    let t = self.write(PageNo(trunk))?;
                    put32(t, 8 + 4 * closest, last)?;
                    put32(t, 4, k - 1)?;
                    return Ok(Some(leaf));
                }
            }
            prev = Some(trunk);
        }
    }

    /// Put a page on the freelist (trunk/leaf layout of fileformat2); the
    /// header's freelist fields are updated.
    pub fn free(&mut self, pgno: PageNo) -> Result<()> {
        self.require_write()?;
        let p = pgno.get();
        self.check_free_pgno(p, "freed")?;
        if self.is_ptrmap_page(pgno) {
            return Err(Error::corrupt(format!(
                "attempt to free pointer-map page {p}"
            )));
        }
        if self.auto_vacuum() != AutoVacuum::None {
            ptrmap::put(self, pgno, PtrType::FreePage, PageNo(0))?;
        }
        let count = self.header.freelist_count;
        let trunk = self.header.freelist_trunk;
        if count > 0 {
            self.check_free_pgno(trunk, "trunk")?;
            let k = get32(&self.read(PageNo(trunk))?, 4)?;
            if k > self.freelist_trunk_capacity() {
                return Err(Error::corrupt(format!(
                    "freelist trunk {trunk} claims {k} leaves"
                )));
            }
            if k < self.freelist_trunk_fill_limit() {
                let t = self.write(PageNo(trunk))?;
                put32(t, 4, k + 1)?;
                put32(t, 8 + 4 * k as usize, p)?;
                self.header.freelist_count = count + 1;
                return self.flush_header();
            }
        }
        // The freed page becomes the new first trunk.
        let page = self.write(pgno)?;
        put32(page, 0, if count > 0 { trunk } else { 0 })?;
        put32(page, 4, 0)?;
        self.header.freelist_trunk = p;
        self.header.freelist_count = count + 1;
        self.flush_header()
    }

    /// Every page on the freelist, trunks and leaves, in list order.
    /// Err(CORRUPT) on a cycle, a page out of range, or an overfull trunk.
    /// (Whether the total matches the header's `freelist_count` is left to
    /// the caller, as in SQLite's integrity check.)
    pub fn freelist_pages(&self) -> Result<Vec<PageNo>> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut trunk = self.header.freelist_trunk;
        let cap = self.freelist_trunk_capacity();
        while trunk != 0 {
            self.check_free_pgno(trunk, "trunk")?;
            if !seen.insert(trunk) {
                return Err(Error::corrupt(format!("freelist cycle at page {trunk}")));
            }
            out.push(PageNo(trunk));
            let page = self.read(PageNo(trunk))?;
            let k = get32(&page, 4)?;
            if k > cap {
                return Err(Error::corrupt(format!(
                    "freelist trunk {trunk} claims {k} leaves"
                )));
            }
            for i in 0..k as usize {
                let leaf = get32(&page, 8 + 4 * i)?;
                self.check_free_pgno(leaf, "leaf")?;
                if !seen.insert(leaf) {
                    return Err(Error::corrupt(format!("freelist page {leaf} listed twice")));
                }
                out.push(PageNo(leaf));
            }
            trunk = get32(&page, 0)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::pager::{AutoVacuum, Pager, PagerOptions};
    use crate::types::{lock_byte_page, PageNo};
    use crate::vfs::MemoryVfs;
    use std::sync::Arc;

    fn pager(page_size: usize, av: AutoVacuum) -> Pager {
        let opts = PagerOptions {
            page_size,
            auto_vacuum: av,
            ..PagerOptions::default()
        };
        let mut p = Pager::open(Arc::new(MemoryVfs::new()), "lb.db", opts).unwrap();
        p.begin_write().unwrap();
        p
    }

    #[test]
    fn growth_steps_over_the_lock_byte_page() {
        let mut p = pager(65536, AutoVacuum::None);
        let lock = lock_byte_page(65536).get();
        assert_eq!(lock, 16385);
        // Pretend the database already reaches the page before the lock-byte page
        // (no commit follows, so nothing is written at 1 GiB).
        p.db_size = lock - 1;
        let pg = p.allocate().unwrap();
        assert_eq!(pg, PageNo(lock + 1));
        assert_eq!(p.page_count(), lock + 1);
        assert_eq!(p.header().page_count, lock + 1);
        assert!(
            p.write(PageNo(lock)).is_err(),
            "the lock-byte page is never written"
        );
        assert_eq!(
            p.free(PageNo(lock)).unwrap_err().code,
            crate::ResultCode::CORRUPT
        );
        p.rollback().unwrap();
        assert_eq!(p.page_count(), 0);
    }

    #[test]
    fn growth_over_the_lock_byte_page_then_its_pointer_map_page() {
        // 1024-byte pages: the pointer-map page that would sit on the lock-byte
        // page (1048577) moves to 1048578, so growth from 1048576 yields 1048579.
        let mut p = pager(1024, AutoVacuum::Full);
        let lock = lock_byte_page(1024).get();
        p.db_size = lock - 1;
        assert!(p.is_ptrmap_page(PageNo(lock + 1)));
        let pg = p.allocate().unwrap();
        assert_eq!(pg, PageNo(lock + 2));
        assert_eq!(p.page_count(), lock + 2);
        assert!(p.read(PageNo(lock + 1)).unwrap().iter().all(|&b| b == 0));
        crate::ptrmap::put(&mut p, pg, crate::ptrmap::PtrType::BTree, PageNo(7)).unwrap();
        assert_eq!(
            crate::ptrmap::get(&p, pg).unwrap(),
            (crate::ptrmap::PtrType::BTree, PageNo(7))
        );
        assert_eq!(&p.read(PageNo(lock + 1)).unwrap()[..5], &[5, 0, 0, 0, 7]);
        p.rollback().unwrap();
    }

    #[test]
    fn trunk_fill_limit_is_sqlites() {
        // usable 1024: a trunk takes 248 (= 1024/4 - 8) leaves before a new trunk starts.
        let mut p = pager(1024, AutoVacuum::None);
        let pages: Vec<PageNo> = (0..260).map(|_| p.allocate().unwrap()).collect();
        for pg in &pages {
            p.free(*pg).unwrap();
        }
        let first = pages[0];
        let trunk = p.read(first).unwrap();
        assert_eq!(u32::from_be_bytes(trunk[4..8].try_into().unwrap()), 248);
        // page 250 (the 250th freed) became the second trunk and heads the list
        assert_eq!(p.header().freelist_trunk, pages[249].get());
        let head = p.read(pages[249]).unwrap();
        assert_eq!(
            u32::from_be_bytes(head[0..4].try_into().unwrap()),
            first.get()
        );
        assert_eq!(u32::from_be_bytes(head[4..8].try_into().unwrap()), 10);
        assert_eq!(p.freelist_pages().unwrap().len(), 260);
        assert_eq!(p.header().freelist_count, 260);
        p.rollback().unwrap();
    }

    fn free_set(p: &Pager) -> std::collections::BTreeSet<u32> {
        let v = p.freelist_pages().unwrap();
        assert_eq!(v.len() as u32, p.header().freelist_count);
        v.iter().map(|x| x.get()).collect()
    }

    #[test]
    fn placement_modes_follow_sqlite() {
        use crate::freelist::AllocMode;
        // 512-byte pages: 120 leaves per trunk before a new trunk starts.
        let mut p = pager(512, AutoVacuum::None);
        for _ in 0..300 {
            p.allocate().unwrap();
        }
        for pg in 2..=301 {
            p.free(PageNo(pg)).unwrap();
        }
        // trunks: 2 (leaves 3..=122), 123 (124..=243), 244 (245..=301); list head 244
        assert_eq!(p.header().freelist_trunk, 244);
        let mut expect = free_set(&p);
        assert_eq!(expect.len(), 300);

        // Near looks only at the first trunk's leaves
        let got = p.allocate_with(AllocMode::Near(PageNo(270))).unwrap();
        assert_eq!(got, PageNo(270));
        expect.remove(&270);
        let got = p.allocate_with(AllocMode::Near(PageNo(5))).unwrap();
        assert_eq!(got, PageNo(245), "closest leaf of the first trunk");
        expect.remove(&245);
        assert_eq!(free_set(&p), expect);

        // Exact: a leaf of a later trunk
        assert_eq!(
            p.allocate_with(AllocMode::Exact(PageNo(50))).unwrap(),
            PageNo(50)
        );
        expect.remove(&50);
        assert_eq!(free_set(&p), expect);
        // Exact: a trunk in the middle of the chain; its first leaf becomes the trunk
        assert_eq!(
            p.allocate_with(AllocMode::Exact(PageNo(123))).unwrap(),
            PageNo(123)
        );
        expect.remove(&123);
        assert_eq!(free_set(&p), expect);
        assert!(p.read(PageNo(123)).unwrap().iter().all(|&b| b == 0));
        // Exact: the head trunk
        assert_eq!(
            p.allocate_with(AllocMode::Exact(PageNo(244))).unwrap(),
            PageNo(244)
        );
        expect.remove(&244);
        assert_eq!(free_set(&p), expect);
        // Exact: a page that is not free
        assert_eq!(
            p.allocate_with(AllocMode::Exact(PageNo(244)))
                .unwrap_err()
                .code,
            crate::ResultCode::CORRUPT
        );
        // AtMost: some free page <= 10
        let got = p.allocate_with(AllocMode::AtMost(PageNo(10))).unwrap();
        assert!(got.get() <= 10 && expect.remove(&got.get()));
        assert_eq!(free_set(&p), expect);
        assert_eq!(
            p.allocate_with(AllocMode::AtMost(PageNo(1)))
                .unwrap_err()
                .code,
            crate::ResultCode::CORRUPT
        );
        let before = p.page_count();
        // drain everything with AtMost(max) and make sure the list ends empty
        while p.header().freelist_count > 0 {
            let got = p.allocate_with(AllocMode::AtMost(PageNo(before))).unwrap();
            assert!(expect.remove(&got.get()), "page {got} was not free");
        }
        assert!(expect.is_empty());
        assert_eq!(p.header().freelist_trunk, 0);
        assert_eq!(p.page_count(), before);
        p.rollback().unwrap();
    }
}
