//! `PRAGMA integrity_check` for the storage layer: verifies a database file
//! the way SQLite's `sqlite3BtreeIntegrityCheck` does, reading pages through
//! the pager but parsing them itself ([`page`]), so that it is an independent
//! witness of the B-tree and freelist code rather than a user of it.
//!
//! What is verified (messages follow SQLite's wording where SQLite has one):
//! - every page 1..=page_count is used exactly once: B-tree pages, overflow
//!   pages, freelist trunk and leaf pages; the lock-byte page is never used
//!   and pointer-map pages are never referenced ("Page N: never used",
//!   "2nd reference to page N", "invalid page number N",
//!   "Page N: pointer map referenced");
//! - the freelist holds as many pages as the header says
//!   ("Freelist: size is X but should be Y"), trunk leaf counts fit;
//! - per B-tree page: valid type (consistent with its tree: table or index),
//!   cell count, cell pointer array below the content area, freeblock chain
//!   ascending and in range with blocks of at least 4 bytes, cells inside the
//!   content area and not overlapping each other or freeblocks, fragmented
//!   byte count consistent with the unaccounted bytes, cells that fit on the
//!   page, overflow chains as long as the payload needs, well-formed record
//!   headers that fit in the payload;
//! - per tree: all leaves at the same depth (at most 20 levels, SQLite's
//!   cursor limit), no empty non-root pages, rowids strictly increasing with
//!   interior keys separating their subtrees, index keys strictly increasing
//!   under the tree's [`KeyInfo`];
//! - auto-vacuum databases: the largest root page matches the header and
//!   every pointer-map entry of a root, child, overflow and free page holds
//!   the right type and parent.
//!
//! Termination on hostile input: every page is visited at most once (the
//! reference bitmap stops cycles), tree recursion is bounded by the depth
//! limit, and reporting stops after `max_errors` messages.

mod page;
mod schema;
mod tree;
mod walk;

pub use schema::{collation_by_name, schema_trees};
pub use walk::{walk_tree, TreeEntry};

use crate::error::Result;
use crate::pager::{AutoVacuum, Pager};
use crate::record::KeyInfo;
use crate::types::{lock_byte_page, PageNo};
use page::{be32, Geometry};
use std::fmt;

/// The kind of B-tree rooted at a page: a table (rowid keys) or an index
/// (record keys ordered by a [`KeyInfo`]; WITHOUT ROWID tables are indexes).
#[derive(Clone, Debug)]
pub enum TreeShape {
    Table,
    Index(KeyInfo),
}

/// SQLite's deepest B-tree (`BTCURSOR_MAX_DEPTH`): a cursor cannot descend
/// further, so a deeper tree is corrupt.
pub const MAX_TREE_DEPTH: usize = 20;

/// Pointer-map entry types (fileformat2 §1.6).
const PTRMAP_ROOTPAGE: u8 = 1;
const PTRMAP_FREEPAGE: u8 = 2;
const PTRMAP_OVERFLOW1: u8 = 3;
const PTRMAP_OVERFLOW2: u8 = 4;
const PTRMAP_BTREE: u8 = 5;

/// Check the database behind `pager` (which should hold a read transaction)
/// for the schema named "main". See [`check_integrity_db`].
pub fn check_integrity(
    pager: &Pager,
    roots: &[(PageNo, TreeShape, String)],
    max_errors: usize,
) -> Result<Vec<String>> {
    check_integrity_db(pager, roots, max_errors, "main")
}

/// Check the database: `roots` must list every B-tree of the file (root
/// page, shape, name — `sqlite_schema` at page 1 included), since pages of an
/// unlisted tree read as "never used". Returns the problems found, at most
/// `max_errors` of them (0 means no limit); an empty list means the file is
/// sound. The first message starts with `*** in database {db_name} ***\n`,
/// so joining the list with `"\n"` gives the row SQLite's `PRAGMA
/// integrity_check` prints. `Err` is returned only for I/O failures of the
/// pager that prevent checking at all; corruption is always reported as
/// messages.
pub fn check_integrity_db(
    pager: &Pager,
    roots: &[(PageNo, TreeShape, String)],
    max_errors: usize,
    db_name: &str,
) -> Result<Vec<String>> {
    let mut ck = Checker::new(pager, max_errors);
    if ck.page_count == 0 {
        return Ok(Vec::new());
    }
    ck.check_freelist();
    ck.check_root_header(roots);
    for (root, shape, name) in roots {
        if ck.full() {
            break;
        }
        if ck.auto_vacuum && root.get() > 1 {
            ck.check_ptrmap(root.get(), PTRMAP_ROOTPAGE, 0, Pfx::None);
        }
        tree::check_tree(&mut ck, *root, shape, name);
    }
    ck.check_all_used();
    let mut errors = ck.errors;
    if let Some(first) = errors.first_mut() {
        *first = format!("*** in database {db_name} ***\n{first}");
    }
    Ok(errors)
}

/// Where a message comes from: formatted (SQLite's `zPfx`) only when a
/// message is actually written, so the walk allocates nothing per cell.
#[derive(Clone, Copy, Debug)]
enum Pfx {
    None,
    Freelist,
    /// Tree (root), page.
    Page(u32, u32),
    /// Tree (root), page, cell index.
    Cell(u32, u32, usize),
    /// Tree (root), page: its right-most child pointer.
    Right(u32, u32),
}

impl fmt::Display for Pfx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Pfx::None => Ok(()),
            Pfx::Freelist => f.write_str("Freelist: "),
            Pfx::Page(r, p) => write!(f, "Tree {r} page {p}: "),
            Pfx::Cell(r, p, c) => write!(f, "Tree {r} page {p} cell {c}: "),
            Pfx::Right(r, p) => write!(f, "Tree {r} page {p} right child: "),
        }
    }
}

/// The pointer-map page holding the entry of `pgno` (0 for page 1): maps
/// sit at 2, 2+(U/5+1), ..., moved one page up when that is the lock-byte
/// page (SQLite's `ptrmapPageno`).
fn ptrmap_page_of(pgno: u32, usable: usize, page_size: usize) -> u32 {
    if pgno < 2 {
        return 0;
    }
    let per = (usable / 5) as u64 + 1;
    let mut map = (pgno as u64 - 2) / per * per + 2;
    if map == lock_byte_page(page_size).get() as u64 {
        map += 1;
    }
    map.min(u32::MAX as u64) as u32
}

/// State of one integrity check.
struct Checker<'a> {
    pager: &'a Pager,
    page_count: u32,
    page_size: usize,
    geom: Geometry,
    auto_vacuum: bool,
    /// One bit per page: referenced yet?
    used: Vec<u64>,
    errors: Vec<String>,
    max_errors: usize,
}

impl<'a> Checker<'a> {
    fn new(pager: &'a Pager, max_errors: usize) -> Checker<'a> {
        let page_count = pager.page_count();
        let mut ck = Checker {
            pager,
            page_count,
            page_size: pager.page_size(),
            geom: Geometry::new(pager.usable_size()),
            auto_vacuum: pager.auto_vacuum() != AutoVacuum::None,
            used: vec![0u64; (page_count as usize).div_ceil(64) + 1],
            errors: Vec::new(),
            max_errors: if max_errors == 0 {
                usize::MAX
            } else {
                max_errors
            },
        };
        let lock = lock_byte_page(ck.page_size).get();
        if lock <= page_count {
            ck.set_used(lock);
        }
        ck
    }

    /// Has the error limit been reached?
    fn full(&self) -> bool {
        self.errors.len() >= self.max_errors
    }

    /// Record a problem (ignored once the limit is reached).
    fn error(&mut self, msg: String) {
        if !self.full() {
            self.errors.push(msg);
        }
    }

    fn is_used(&self, pgno: u32) -> bool {
        let i = pgno as usize;
        self.used
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    fn set_used(&mut self, pgno: u32) {
        let i = pgno as usize;
        if let Some(w) = self.used.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }

    /// Claim a reference to `pgno` (SQLite's `checkRef`): false, with a
    /// message, when the number is invalid or the page was already used.
    fn check_ref(&mut self, pgno: u32, pfx: Pfx) -> bool {
        if pgno == 0 || pgno > self.page_count {
            self.error(format!("{pfx}invalid page number {pgno}"));
            return false;
        }
        if self.is_used(pgno) {
            self.error(format!("{pfx}2nd reference to page {pgno}"));
            return false;
        }
        self.set_used(pgno);
        true
    }

    fn ptrmap_page(&self, pgno: u32) -> u32 {
        ptrmap_page_of(pgno, self.geom.usable, self.page_size)
    }

    fn is_ptrmap_page(&self, pgno: u32) -> bool {
        self.auto_vacuum && pgno >= 2 && self.ptrmap_page(pgno) == pgno
    }

    /// Verify the pointer-map entry of `child` (SQLite's `checkPtrmap`).
    /// Invalid page numbers are left to `check_ref` to report.
    fn check_ptrmap(&mut self, child: u32, ty: u8, parent: u32, pfx: Pfx) {
        if !self.auto_vacuum || child == 0 || child > self.page_count {
            return;
        }
        let map = self.ptrmap_page(child);
        let entry = (|| {
            if map == 0 || child <= map || map > self.page_count {
                return None;
            }
            let page = self.pager.read(PageNo(map)).ok()?;
            let off = 5 * (child - map - 1) as usize;
            if off + 5 > self.geom.usable {
                return None;
            }
            let e = page.get(off..off + 5)?;
            Some((e[0], u32::from_be_bytes([e[1], e[2], e[3], e[4]])))
        })();
        match entry {
            None => self.error(format!("{pfx}Failed to read ptrmap key={child}")),
            Some((t, p)) if t != ty || p != parent => self.error(format!(
                "{pfx}Bad ptr map entry key={child} expected=({ty},{parent}) got=({t},{p})"
            )),
            Some(_) => {}
        }
    }

    /// Walk the freelist (SQLite's `checkList` with `isFreeList`).
    fn check_freelist(&mut self) {
        const PFX: Pfx = Pfx::Freelist;
        let h = self.pager.header();
        let expected = h.freelist_count as i64;
        let mut left = expected;
        let mut pgno = h.freelist_trunk;
        let errs_at_start = self.errors.len();
        let max_leaves = (self.geom.usable / 4 - 2) as u32;
        while pgno != 0 && !self.full() {
            if !self.check_ref(pgno, PFX) {
                break;
            }
            left -= 1;
            let page = match self.pager.read(PageNo(pgno)) {
                Ok(p) => p,
                Err(e) => {
                    self.error(format!("{PFX}failed to get page {pgno}: {e}"));
                    break;
                }
            };
            let next = be32(&page, 0).unwrap_or(0);
            let n = be32(&page, 4).unwrap_or(0);
            self.check_ptrmap(pgno, PTRMAP_FREEPAGE, 0, PFX);
            if n > max_leaves {
                self.error(format!("{PFX}freelist leaf count too big on page {pgno}"));
                left -= 1;
            } else {
                for i in 0..n as usize {
                    let leaf = be32(&page, 8 + 4 * i).unwrap_or(0);
                    self.check_ptrmap(leaf, PTRMAP_FREEPAGE, 0, PFX);
                    self.check_ref(leaf, PFX);
                }
                left -= n as i64;
            }
            pgno = next;
        }
        if left != 0 && self.errors.len() == errs_at_start {
            self.error(format!(
                "{PFX}size is {} but should be {expected}",
                expected - left
            ));
        }
    }

    /// Walk an overflow chain of `expected` pages starting at `first`,
    /// checking references and pointer-map entries, and append up to
    /// `want` payload bytes (out of `remaining`) to `buf`. Returns true
    /// when `want` bytes were collected.
    fn check_overflow(
        &mut self,
        first: u32,
        expected: u64,
        mut remaining: u64,
        want: usize,
        buf: &mut Vec<u8>,
        pfx: Pfx,
    ) -> bool {
        let errs_at_start = self.errors.len();
        let mut left = expected as i128;
        let mut pgno = first;
        let per_page = self.geom.usable - 4;
        while pgno != 0 && !self.full() {
            if !self.check_ref(pgno, pfx) {
                break;
            }
            left -= 1;
            let page = match self.pager.read(PageNo(pgno)) {
                Ok(p) => p,
                Err(e) => {
                    self.error(format!("{pfx}failed to get page {pgno}: {e}"));
                    break;
                }
            };
            let next = be32(&page, 0).unwrap_or(0);
            if left > 0 {
                self.check_ptrmap(next, PTRMAP_OVERFLOW2, pgno, pfx);
            }
            if buf.len() < want {
                let take = (remaining.min(per_page as u64) as usize).min(want - buf.len());
                if let Some(bytes) = page.get(4..4 + take) {
                    buf.extend_from_slice(bytes);
                }
                remaining -= take as u64;
            }
            pgno = next;
        }
        if left != 0 && self.errors.len() == errs_at_start {
            self.error(format!(
                "{pfx}overflow list length is {} but should be {expected}",
                expected as i128 - left
            ));
        }
        buf.len() >= want
    }

    /// Auto-vacuum header consistency: the largest root page (header offset
    /// 52) must be the largest root; incremental mode needs auto-vacuum.
    fn check_root_header(&mut self, roots: &[(PageNo, TreeShape, String)]) {
        let h = self.pager.header();
        if self.auto_vacuum {
            let mx = roots.iter().map(|r| r.0.get()).max().unwrap_or(0);
            let in_hdr = h.largest_root_page;
            if mx != in_hdr {
                self.error(format!(
                    "max rootpage ({mx}) disagrees with header ({in_hdr})"
                ));
            }
        } else if h.incremental_vacuum != 0 {
            self.error("incremental_vacuum enabled with a max rootpage of zero".to_string());
        }
    }

    /// Every page must have been referenced, pointer-map pages excepted
    /// (which must not be).
    fn check_all_used(&mut self) {
        for pgno in 1..=self.page_count {
            if self.full() {
                break;
            }
            let used = self.is_used(pgno);
            let map = self.is_ptrmap_page(pgno);
            if !used && !map {
                self.error(format!("Page {pgno}: never used"));
            }
            if used && map {
                self.error(format!("Page {pgno}: pointer map referenced"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_map_positions_agree_with_the_pager() {
        // Two independent implementations of fileformat2's placement rule.
        for (usable, ps) in [(512, 512), (1024, 1024), (1000, 1024), (4096, 4096)] {
            let lock = lock_byte_page(ps).get();
            let ranges = [2..5000u32, lock - 3000..lock + 3000];
            for p in ranges.into_iter().flatten() {
                assert_eq!(
                    ptrmap_page_of(p, usable, ps),
                    crate::ptrmap::ptrmap_page_for(p, usable, ps),
                    "page {p} usable {usable}"
                );
            }
        }
    }
}
