//! `PRAGMA integrity_check` for B-trees: walk every tree and account for
//! every page and every byte, the way SQLite's `sqlite3BtreeIntegrityCheck`
//! does, reporting problems as messages (an empty list means "ok").
//!
//! Checked: page headers and cell bounds; that the cells, freeblocks and
//! fragment count of each page account for exactly its usable bytes with no
//! byte used twice; key order within and across pages (rowids for tables,
//! records under the tree's `KeyInfo` for indexes); equal leaf depth;
//! overflow chain lengths; that every page is used exactly once (trees,
//! overflow chains, freelist, pointer-map pages); the freelist count; and
//! in auto-vacuum databases every pointer-map entry.

use super::overflow::chain_pages;
use super::page::{cell_at, Limits, PageHeader};
use super::space::free_bytes;
use super::{TreeKind, MAX_DEPTH};
use crate::error::Result;
use crate::pager::{AutoVacuum, Pager};
use crate::ptrmap::{self, PtrType};
use crate::record::compare_records;
use crate::types::{lock_byte_page, PageNo};
use std::cmp::Ordering;

struct Checker<'a> {
    pager: &'a Pager,
    lim: Limits,
    refs: Vec<u8>,
    errors: Vec<String>,
    max_errors: usize,
}

impl Checker<'_> {
    fn err(&mut self, msg: String) {
        if self.errors.len() < self.max_errors {
            self.errors.push(msg);
        }
    }

    fn full(&self) -> bool {
        self.errors.len() >= self.max_errors
    }

    /// Count a reference to `pg`; false if it is out of range or seen before.
    fn mark(&mut self, pg: u32, what: &str) -> bool {
        if pg == 0 || pg as usize >= self.refs.len() {
            self.err(format!("{what}: invalid page number {pg}"));
            return false;
        }
        if self.refs[pg as usize] != 0 {
            self.err(format!("{what}: 2nd reference to page {pg}"));
            return false;
        }
        self.refs[pg as usize] = 1;
        true
    }

    fn check_ptrmap(&mut self, pg: u32, ty: PtrType, parent: u32) {
        if self.pager.auto_vacuum() == AutoVacuum::None {
            return;
        }
        match ptrmap::get(self.pager, PageNo(pg)) {
            Ok((t, p)) if t == ty && p.get() == parent => {}
            Ok((t, p)) => self.err(format!(
                "Bad ptr map entry key={pg} expected=({},{parent}) got=({},{})",
                ty as u8, t as u8, p
            )),
            Err(e) => self.err(format!("Failed to read ptrmap key={pg}: {}", e.message)),
        }
    }

    fn check_overflow(&mut self, pg: u32, info: &super::page::CellInfo) {
        match chain_pages(self.pager, info, &self.lim) {
            Ok(chain) => {
                let mut prev = pg;
                for (i, p) in chain.iter().enumerate() {
                    if !self.mark(p.get(), &format!("Overflow list of page {pg}")) {
                        return;
                    }
                    let ty = if i == 0 {
                        PtrType::Overflow1
                    } else {
                        PtrType::Overflow2
                    };
                    self.check_ptrmap(p.get(), ty, prev);
                    prev = p.get();
                }
            }
            Err(e) => self.err(format!("Page {pg}: overflow chain: {}", e.message)),
        }
    }

    /// Byte accounting of one page.
    fn check_space(&mut self, pg: u32, data: &[u8], h: &PageHeader) {
        let usable = self.lim.usable;
        let mut used = vec![false; usable];
        let mut claim = |from: usize, len: usize, errs: &mut Vec<String>| -> bool {
            if from + len > usable {
                errs.push(format!("Page {pg}: extends off end of page"));
                return false;
            }
            for b in &mut used[from..from + len] {
                if *b {
                    errs.push(format!("Multiple uses for byte {from} of page {pg}"));
                    return false;
                }
                *b = true;
            }
            true
        };
        let mut errs = Vec::new();
        claim(0, h.ptr_end(), &mut errs);
        let mut total = h.ptr_end();
        for i in 0..h.ncell {
            match cell_at(data, h, i, &self.lim) {
                Ok((off, info)) => {
                    if off < h.content {
                        errs.push(format!("Page {pg} cell {i}: cell before content area"));
                    }
                    if claim(off, info.size, &mut errs) {
                        total += info.size;
                    }
                }
                Err(e) => errs.push(format!("Page {pg} cell {i}: {}", e.message)),
            }
        }
        match free_bytes(data, h) {
            Ok(_) => {
                let mut pc = h.first_free;
                while pc != 0 && errs.is_empty() {
                    let size = super::page::get_u16(data, pc + 2).unwrap_or(0);
                    if claim(pc, size, &mut errs) {
                        total += size;
                    }
                    pc = super::page::get_u16(data, pc).unwrap_or(0);
                }
            }
            Err(e) => errs.push(format!("Page {pg}: freeblock list: {}", e.message)),
        }
        // The unallocated gap between the pointer array and the content area.
        if h.content > h.ptr_end() {
            total += h.content - h.ptr_end();
        }
        if errs.is_empty() && total + h.frag != usable {
            errs.push(format!(
                "Fragmentation of {} bytes reported as {} on page {pg}",
                usable.saturating_sub(total),
                h.frag
            ));
        }
        for e in errs {
            self.err(e);
        }
    }

    /// Check the tree at `root`; returns nothing, records errors.
    fn check_tree(&mut self, root: u32, kind: &TreeKind) {
        if !self.mark(root, &format!("Tree {root}")) {
            return;
        }
        if root != 1 {
            self.check_ptrmap(root, PtrType::RootPage, 0);
        }
        let ki = match kind {
            TreeKind::Index(k) => Some(k),
            TreeKind::Table => None,
        };
        // (page, depth, lower bound, upper bound) — bounds on rowids for tables.
        let mut todo: Vec<(u32, usize, Option<i64>, Option<i64>)> = vec![(root, 0, None, None)];
        let mut leaf_depth: Option<usize> = None;
        let mut prev_key: Option<Vec<u8>> = None;
        // Index order is checked over a full in-order walk, done separately below.
        while let Some((pg, depth, lo, hi)) = todo.pop() {
            if self.full() {
                return;
            }
            if depth > MAX_DEPTH {
                self.err(format!("Tree {root}: too deep"));
                return;
            }
            let page = match self.pager.read(PageNo(pg)) {
                Ok(p) => p,
                Err(e) => {
                    self.err(format!("Tree {root} page {pg}: {}", e.message));
                    continue;
                }
            };
            let h = match PageHeader::parse(&page, pg, self.lim.usable) {
                Ok(h) => h,
                Err(_) => {
                    self.err(format!(
                        "Tree {root} page {pg}: btreeInitPage() returns error code 11"
                    ));
                    continue;
                }
            };
            if h.kind.is_table() != kind.is_table() {
                self.err(format!("Tree {root} page {pg}: wrong page type"));
                continue;
            }
            if pg != root && h.ncell == 0 {
                self.err(format!("Tree {root} page {pg}: empty non-root page"));
            }
            self.check_space(pg, &page, &h);
            if h.kind.is_leaf() {
                match leaf_depth {
                    None => leaf_depth = Some(depth),
                    Some(d) if d != depth => {
                        self.err(format!("Tree {root} page {pg}: Child page depth differs"))
                    }
                    _ => {}
                }
            }
            let mut last: Option<i64> = None;
            let mut children = Vec::new();
            for i in 0..h.ncell {
                let Ok((_, info)) = cell_at(&page, &h, i, &self.lim) else {
                    continue;
                };
                if h.kind.is_table() {
                    let k = info.key;
                    if last.is_some_and(|l| k <= l)
                        || lo.is_some_and(|l| k <= l)
                        || hi.is_some_and(|u| k > u)
                    {
                        self.err(format!(
                            "Tree {root} page {pg} cell {i}: Rowid {k} out of order"
                        ));
                    }
                    if !h.kind.is_leaf() {
                        children.push((info.left, last.or(lo), Some(k)));
                    }
                    last = Some(k);
                } else if !h.kind.is_leaf() {
                    children.push((info.left, None, None));
                }
                if info.overflow != 0 {
                    self.check_overflow(pg, &info);
                }
            }
            if !h.kind.is_leaf() {
                children.push((h.right, last.or(lo), hi));
                // Push in reverse so children are visited left to right.
                for (c, l, u) in children.into_iter().rev() {
                    if self.mark(c, &format!("Tree {root} page {pg}")) {
                        self.check_ptrmap(c, PtrType::BTree, pg);
                        todo.push((c, depth + 1, l, u));
                    }
                }
            }
        }
        // Index trees: entries in order under the KeyInfo (in-order walk).
        if let Some(ki) = ki {
            let mut c = super::BTreeCursor::new(PageNo(root), kind.clone());
            let mut ok = c.first(self.pager);
            let mut n = 0u64;
            loop {
                match ok {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => {
                        self.err(format!("Tree {root}: {}", e.message));
                        break;
                    }
                }
                let cur = match c.payload(self.pager) {
                    Ok(p) => p.into_owned(),
                    Err(e) => {
                        self.err(format!("Tree {root}: {}", e.message));
                        break;
                    }
                };
                if let Some(p) = &prev_key {
                    match compare_records(p, &cur, ki) {
                        Ok(Ordering::Less) => {}
                        Ok(_) => self.err(format!("Tree {root}: index entry {n} out of order")),
                        Err(e) => self.err(format!("Tree {root}: entry {n}: {}", e.message)),
                    }
                }
                prev_key = Some(cur);
                n += 1;
                if self.full() {
                    break;
                }
                ok = c.next(self.pager);
            }
        }
    }
}

/// Check the trees `roots` (every table and index of the schema, plus page
/// 1 as `TreeKind::Table`) and the page bookkeeping of the whole file.
/// Returns at most `max_errors` messages; empty means the database is sound.
pub fn integrity_check(
    pager: &Pager,
    roots: &[(PageNo, TreeKind)],
    max_errors: usize,
) -> Result<Vec<String>> {
    let n = pager.page_count();
    let mut ck = Checker {
        pager,
        lim: Limits::new(pager.usable_size()),
        refs: vec![0; n as usize + 1],
        errors: Vec::new(),
        max_errors: max_errors.max(1),
    };
    let h = pager.header().clone();
    // Freelist.
    match pager.freelist_pages() {
        Ok(free) => {
            if free.len() as u32 != h.freelist_count {
                ck.err(format!(
                    "Main freelist: size is {} but should be {}",
                    free.len(),
                    h.freelist_count
                ));
            }
            for p in free {
                if ck.mark(p.get(), "Main freelist") {
                    ck.check_ptrmap(p.get(), PtrType::FreePage, 0);
                }
            }
        }
        Err(e) => ck.err(format!("Main freelist: {}", e.message)),
    }
    for (root, kind) in roots {
        if ck.full() {
            break;
        }
        ck.check_tree(root.get(), kind);
    }
    if pager.auto_vacuum() != AutoVacuum::None {
        let largest = h.largest_root_page;
        for (root, _) in roots {
            if root.get() > largest {
                ck.err(format!(
                    "Tree {root}: root page beyond largest root page {largest}"
                ));
            }
        }
    }
    let lock = lock_byte_page(pager.page_size()).get();
    for pg in 1..=n {
        let is_map = pager.is_ptrmap_page(PageNo(pg));
        let used = ck.refs[pg as usize] != 0;
        if used && is_map {
            ck.err(format!("Pointer map page {pg} is referenced"));
        } else if !used && !is_map && pg != lock {
            ck.err(format!("Page {pg} is never used"));
        }
        if ck.full() {
            break;
        }
    }
    Ok(ck.errors)
}
