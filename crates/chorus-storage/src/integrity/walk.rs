//! A minimal, read-only, in-order walk over the entries of one B-tree, using
//! the checker's own page parser (not the B-tree module). Used to read
//! `sqlite_schema` for the checker's callers (tests, tools, the fuzz target).
//!
//! Any malformation (bad page type, cell off the page, broken overflow chain,
//! a page reached twice, more than [`MAX_TREE_DEPTH`] levels) ends the walk
//! with `SQLITE_CORRUPT`; it never panics or loops.

use super::page::{be32, parse_cell, parse_header, Geometry, TABLE_INTERIOR};
use super::MAX_TREE_DEPTH;
use crate::error::{Error, Result};
use crate::pager::Pager;
use crate::types::PageNo;
use std::collections::HashSet;

/// One entry of a B-tree: the rowid (table trees) and the whole payload.
#[derive(Debug, Clone, Copy)]
pub struct TreeEntry<'a> {
    pub rowid: Option<i64>,
    pub payload: &'a [u8],
}

/// Payloads larger than this are refused (SQLite's largest possible record,
/// `SQLITE_MAX_LENGTH` at its ceiling, is below it).
const MAX_PAYLOAD: u64 = 0x7fff_ffff;

/// Call `f` for every entry of the tree rooted at `root`, in key order (for
/// index trees, interior cells' keys come between their subtrees). `f` may
/// stop the walk early by returning `false`.
pub fn walk_tree(
    pager: &Pager,
    root: PageNo,
    f: &mut dyn FnMut(TreeEntry<'_>) -> bool,
) -> Result<()> {
    let mut w = Walker {
        pager,
        geom: Geometry::new(pager.usable_size()),
        seen: HashSet::new(),
        buf: Vec::new(),
        stopped: false,
    };
    w.page(root.get(), 0, None, f)
}

struct Walker<'a> {
    pager: &'a Pager,
    geom: Geometry,
    seen: HashSet<u32>,
    buf: Vec<u8>,
    stopped: bool,
}

impl Walker<'_> {
    fn page(
        &mut self,
        pgno: u32,
        depth: usize,
        table: Option<bool>,
        f: &mut dyn FnMut(TreeEntry<'_>) -> bool,
    ) -> Result<()> {
        if depth >= MAX_TREE_DEPTH {
            return Err(Error::corrupt(format!(
                "tree deeper than {MAX_TREE_DEPTH} at page {pgno}"
            )));
        }
        if !self.seen.insert(pgno) {
            return Err(Error::corrupt(format!("page {pgno} reached twice")));
        }
        let page = self.pager.read(PageNo(pgno))?;
        let hdr = if pgno == 1 { 100 } else { 0 };
        let h =
            parse_header(&page, hdr).map_err(|e| Error::corrupt(format!("page {pgno}: {e}")))?;
        if table.is_some_and(|t| t != h.is_table()) {
            return Err(Error::corrupt(format!("page {pgno}: wrong page type")));
        }
        let usable = self.geom.usable;
        if h.cell_ptr_end() > usable {
            return Err(Error::corrupt(format!("page {pgno}: too many cells")));
        }
        for i in 0..h.n_cell {
            if self.stopped {
                return Ok(());
            }
            let pc = h
                .cell_offset(&page, i)
                .ok_or_else(|| Error::corrupt("cell pointer"))?;
            let cell = parse_cell(&page, pc, h.flags, &self.geom)
                .ok_or_else(|| Error::corrupt(format!("page {pgno} cell {i} off the page")))?;
            if !h.is_leaf() {
                self.page(cell.child, depth + 1, Some(h.is_table()), f)?;
            }
            if h.flags == TABLE_INTERIOR || self.stopped {
                continue;
            }
            if cell.payload > MAX_PAYLOAD {
                return Err(Error::corrupt(format!(
                    "page {pgno} cell {i}: payload too large"
                )));
            }
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            let local = page
                .get(cell.local_off..cell.local_off + cell.local)
                .ok_or_else(|| Error::corrupt("local payload"))?;
            buf.extend_from_slice(local);
            if let Some(first) = cell.overflow {
                self.read_overflow(first, cell.payload, &mut buf)?;
            }
            let go_on = f(TreeEntry {
                rowid: h.is_table().then_some(cell.rowid),
                payload: &buf,
            });
            self.buf = buf;
            if !go_on {
                self.stopped = true;
            }
        }
        if !h.is_leaf() && !self.stopped {
            self.page(h.right_child, depth + 1, Some(h.is_table()), f)?;
        }
        Ok(())
    }

    /// Append the overflow part of a `payload`-byte payload to `buf`.
    fn read_overflow(&mut self, first: u32, payload: u64, buf: &mut Vec<u8>) -> Result<()> {
        let per_page = self.geom.usable - 4;
        let mut pgno = first;
        while (buf.len() as u64) < payload {
            if pgno == 0 || !self.seen.insert(pgno) {
                return Err(Error::corrupt(format!(
                    "broken overflow chain at page {pgno}"
                )));
            }
            let page = self.pager.read(PageNo(pgno))?;
            let take = ((payload - buf.len() as u64) as usize).min(per_page);
            let bytes = page
                .get(4..4 + take)
                .ok_or_else(|| Error::corrupt("overflow page"))?;
            buf.extend_from_slice(bytes);
            pgno = be32(&page, 0).unwrap_or(0);
        }
        Ok(())
    }
}
