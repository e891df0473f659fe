//! Bottom-up bulk load of an empty index tree from entries that arrive in
//! strictly ascending key order (CREATE INDEX after its sort).
//!
//! Instead of one insert (a descent from the root, sometimes a balance) per
//! entry, pages are filled left to right, one open page per level:
//! - an entry is appended to the open leaf while it fits;
//! - the first entry that does not fit is *held*. When the next entry
//!   arrives, the open leaf is written to a new page P and the held entry
//!   moves up as a divider cell with left child P (index trees keep every
//!   entry exactly once, dividers included), and the new entry opens a fresh
//!   leaf. Interior levels work the same way on divider cells, except that
//!   the held cell's left child becomes the right-most child of the page
//!   that is written.
//! - `finish` closes the levels bottom-up. A level that still holds a cell
//!   is split in two around a middle cell, which moves up, so no page is
//!   ever written without cells. Every closed page becomes the right-most
//!   child of the level above; the top level is written onto the root page,
//!   which keeps its number (the schema points at it).
//!
//! Pages are written compactly (no freeblocks), full up to the usable size;
//! large entries get overflow chains exactly as `insert` builds them, and in
//! auto-vacuum databases `write_node` records every child and first overflow
//! page in the pointer map. The caller promises the order; the loader does
//! not compare keys (it knows no collation).

use super::balance::{leaf_to_interior, write_node};
use super::overflow::build_cell_into;
use super::page::{get_u32, Limits, PageHeader, PageKind};
use super::space::Node;
use crate::error::{Error, Result, ResultCode};
use crate::pager::Pager;
use crate::types::PageNo;

/// One level under construction: its open page and, when that page is
/// full, the cell waiting to move up.
struct Level {
    node: Node,
    held: Option<Vec<u8>>,
}

/// Builds an index tree bottom-up; see the module comment.
pub struct BulkLoader {
    root: u32,
    lim: Limits,
    /// Level 0 is the leaf level; the last level is the one that goes
    /// onto the root page.
    levels: Vec<Level>,
    cell: Vec<u8>,
}

impl BulkLoader {
    /// Start loading the index tree rooted at `root`, which must be an
    /// empty index leaf (a tree just created or cleared).
    pub fn new(pager: &Pager, root: PageNo) -> Result<BulkLoader> {
        let lim = Limits::new(pager.usable_size());
        let h = PageHeader::parse(&pager.read(root)?, root.get(), lim.usable)?;
        if h.kind != PageKind::IndexLeaf || h.ncell != 0 {
            return Err(Error::new(
                ResultCode::MISUSE,
                "bulk load needs an empty index tree",
            ));
        }
        Ok(BulkLoader {
            root: root.get(),
            lim,
            levels: vec![Level {
                node: Node::empty(PageKind::IndexLeaf),
                held: None,
            }],
            cell: Vec::new(),
        })
    }

    /// Append an entry (a record) greater than every entry pushed before.
    pub fn push(&mut self, pager: &mut Pager, payload: &[u8]) -> Result<()> {
        let mut cell = std::mem::take(&mut self.cell);
        let r = build_cell_into(pager, PageKind::IndexLeaf, 0, payload, &self.lim, &mut cell)
            .and_then(|()| {
                while cell.len() < 4 {
                    cell.push(0);
                }
                self.add(pager, 0, &cell)
            });
        self.cell = cell;
        r
    }

    /// Whether `cell` still fits on the open page of `level`.
    fn fits(&self, level: usize, extra: usize) -> bool {
        self.levels[level].node.size() + extra + 2 <= self.lim.usable
    }

    /// Add a cell (leaf format on level 0, interior format above).
    fn add(&mut self, pager: &mut Pager, level: usize, cell: &[u8]) -> Result<()> {
        if level >= super::MAX_DEPTH {
            return Err(Error::new(ResultCode::FULL, "index tree too deep"));
        }
        if let Some(held) = self.levels[level].held.take() {
            // The open page is full and more follows: close it, and move the
            // held cell up as its divider.
            let page = self.close(pager, level, &held)?;
            let up = if level == 0 {
                leaf_to_interior(&held, page, &self.lim)?
            } else {
                let mut up = held;
                up[..4].copy_from_slice(&page.to_be_bytes());
                up
            };
            if level + 1 == self.levels.len() {
                self.levels.push(Level {
                    node: Node::empty(PageKind::IndexInterior),
                    held: None,
                });
            }
            self.add(pager, level + 1, &up)?;
        }
        if self.fits(level, cell.len()) || self.levels[level].node.is_empty() {
            self.levels[level].node.push(cell);
        } else {
            self.levels[level].held = Some(cell.to_vec());
        }
        Ok(())
    }

    /// Write the open page of `level` to a new page, the held cell `held`
    /// (interior: its left child) becoming its right-most child, and open
    /// an empty page there. Returns the written page.
    fn close(&mut self, pager: &mut Pager, level: usize, held: &[u8]) -> Result<u32> {
        let kind = self.levels[level].node.kind;
        let mut node = std::mem::replace(&mut self.levels[level].node, Node::empty(kind));
        if !kind.is_leaf() {
            node.right = get_u32(held, 0)?;
        }
        let page = pager.allocate()?.get();
        write_node(pager, page, &node, &self.lim)?;
        Ok(page)
    }

    /// Close every level and write the top one onto the root page.
    pub fn finish(mut self, pager: &mut Pager) -> Result<()> {
        let mut right = 0u32;
        let mut level = 0;
        while level < self.levels.len() {
            if let Some(held) = self.levels[level].held.take() {
                self.split_full(pager, level, held, right)?;
            }
            let mut node = std::mem::replace(
                &mut self.levels[level].node,
                Node::empty(PageKind::IndexLeaf),
            );
            if !node.kind.is_leaf() {
                node.right = right;
            }
            if level + 1 == self.levels.len() {
                return write_node(pager, self.root, &node, &self.lim);
            }
            let page = pager.allocate()?.get();
            write_node(pager, page, &node, &self.lim)?;
            right = page;
            level += 1;
        }
        Err(Error::new(ResultCode::INTERNAL, "bulk load lost its root"))
    }

    /// `finish` on a level whose open page is full and holds one more cell:
    /// the cells before a middle cell M go to a new page (its right-most
    /// child is M's left child), M moves up with that page as left child,
    /// and the open page keeps the cells after M plus the held one.
    /// `right` is the right-most child the open page will get (interior).
    fn split_full(
        &mut self,
        pager: &mut Pager,
        level: usize,
        held: Vec<u8>,
        right: u32,
    ) -> Result<()> {
        let node = std::mem::replace(
            &mut self.levels[level].node,
            Node::empty(PageKind::IndexLeaf),
        );
        let kind = node.kind;
        let n = node.len();
        if n < 2 {
            return Err(Error::new(
                ResultCode::INTERNAL,
                "bulk load: page too small to split",
            ));
        }
        let hdr = kind.header_size();
        // Smallest m >= n/2 whose right part (cells after m, plus held) fits.
        let mut m = n / 2;
        loop {
            let rest: usize = (m + 1..n).map(|i| node.cell(i).len() + 2).sum();
            if hdr + rest + held.len() + 2 <= self.lim.usable || m + 1 >= n {
                break;
            }
            m += 1;
        }
        let mid = node.cell(m);
        let mut left = Node::with_cells(kind, 0, (0..m).map(|i| node.cell(i)));
        if !kind.is_leaf() {
            left.right = get_u32(mid, 0)?;
        }
        let page = pager.allocate()?.get();
        write_node(pager, page, &left, &self.lim)?;
        let up = if kind.is_leaf() {
            leaf_to_interior(mid, page, &self.lim)?
        } else {
            let mut up = mid.to_vec();
            up[..4].copy_from_slice(&page.to_be_bytes());
            up
        };
        let mut rest = Node::with_cells(
            kind,
            right,
            (m + 1..n)
                .map(|i| node.cell(i))
                .chain(std::iter::once(&held[..])),
        );
        rest.right = right;
        self.levels[level].node = rest;
        if level + 1 == self.levels.len() {
            self.levels.push(Level {
                node: Node::empty(PageKind::IndexInterior),
                held: None,
            });
        }
        self.add(pager, level + 1, &up)
    }
}
