//! Balancing: keeping every page within its size after an insert and
//! reasonably full after a delete.
//!
//! The algorithm works on owned page content ([`Node`]): `balance(path,
//! level, node)` places `node` (the new content of the page at `level` of
//! `path`, which may be too big for one page or nearly empty) and walks up:
//! - content fits and the page is not underfull (free space <= 2/3 of the
//!   usable size, SQLite's threshold): write it, done;
//! - the page is the root and the content does not fit ("balance_deeper"):
//!   the content moves to a new child page, the root becomes an interior
//!   page with no cells whose right-most child is that page, and balancing
//!   continues at the child;
//! - otherwise ("balance_nonroot"): the cells of the page and of up to two
//!   neighbouring siblings, plus the dividers between them, are gathered and
//!   packed left to right into as few pages as hold them, then evened out
//!   right to left. Old sibling pages are reused, extra ones allocated or
//!   freed; the parent's dividers are replaced and the parent's new content
//!   is balanced in turn.
//! - a root that ends up interior with no cells takes its only child's
//!   content when it fits ("balance_shallower").
//!
//! Dividers: table leaves are separated by `(left child, largest rowid of
//! the left page)`; in every other kind the separating cell itself moves up
//! (index leaves and interiors: the entry; table interiors: its rowid) and
//! its left child becomes the right-most child of the left page.
//! In auto-vacuum databases every child page and first overflow page placed
//! on a written page gets its pointer-map entry updated.

use super::page::{get_u32, header_offset, parse_cell, put_u32, Limits, PageKind};
use super::space::{read_cells_into, write_cells, Node};
use crate::error::{Error, Result, ResultCode};
use crate::pager::{AutoVacuum, Pager};
use crate::ptrmap::{self, PtrType};
use crate::types::PageNo;
use crate::varint::put_varint;

/// (page, child index taken at that page) from the root down.
pub type Path = Vec<(u32, usize)>;

/// Length of a cell without the padding to 4 bytes.
fn true_len(cell: &[u8], kind: PageKind, lim: &Limits) -> Result<usize> {
    let info = parse_cell(cell, kind, lim)?;
    Ok(if kind == PageKind::TableInterior {
        info.size
    } else {
        info.payload_off + info.local + if info.overflow != 0 { 4 } else { 0 }
    })
}

fn pad4(mut v: Vec<u8>) -> Vec<u8> {
    while v.len() < 4 {
        v.push(0);
    }
    v
}

/// An index-interior cell as an index-leaf cell.
pub fn interior_to_leaf(cell: &[u8], lim: &Limits) -> Result<Vec<u8>> {
    let n = true_len(cell, PageKind::IndexInterior, lim)?;
    Ok(pad4(cell[4..n].to_vec()))
}

/// An index-leaf cell as an index-interior cell with left child `left`.
pub fn leaf_to_interior(cell: &[u8], left: u32, lim: &Limits) -> Result<Vec<u8>> {
    let n = true_len(cell, PageKind::IndexLeaf, lim)?;
    let mut v = Vec::with_capacity(n + 4);
    v.extend_from_slice(&left.to_be_bytes());
    v.extend_from_slice(&cell[..n]);
    Ok(v)
}

fn with_left(cell: &[u8], left: u32) -> Vec<u8> {
    let mut v = cell.to_vec();
    put_u32(&mut v, 0, left);
    v
}

/// Update pointer-map entries for everything a page points to.
pub fn fix_ptrmap(pager: &mut Pager, pgno: u32, node: &Node, lim: &Limits) -> Result<()> {
    if pager.auto_vacuum() == AutoVacuum::None {
        return Ok(());
    }
    let cells: Vec<&[u8]> = node.iter().collect();
    fix_ptrmap_cells(pager, pgno, node.kind, node.right, &cells, lim)
}

fn fix_ptrmap_cells(
    pager: &mut Pager,
    pgno: u32,
    kind: PageKind,
    right: u32,
    cells: &[&[u8]],
    lim: &Limits,
) -> Result<()> {
    if pager.auto_vacuum() == AutoVacuum::None {
        return Ok(());
    }
    for c in cells {
        let info = parse_cell(c, kind, lim)?;
        if !kind.is_leaf() {
            ptrmap::put(pager, PageNo(info.left), PtrType::BTree, PageNo(pgno))?;
        }
        if info.overflow != 0 {
            ptrmap::put(
                pager,
                PageNo(info.overflow),
                PtrType::Overflow1,
                PageNo(pgno),
            )?;
        }
    }
    if !kind.is_leaf() {
        ptrmap::put(pager, PageNo(right), PtrType::BTree, PageNo(pgno))?;
    }
    Ok(())
}

/// Write `node` onto page `pgno` and fix pointer-map entries.
pub fn write_node(pager: &mut Pager, pgno: u32, node: &Node, lim: &Limits) -> Result<()> {
    node.write(pager.write(PageNo(pgno))?, pgno, lim)?;
    fix_ptrmap(pager, pgno, node, lim)
}

fn capacity(pgno: u32, lim: &Limits) -> usize {
    lim.usable - header_offset(pgno)
}

fn underfull(size: usize, pgno: u32, lim: &Limits) -> bool {
    let free = capacity(pgno, lim).saturating_sub(size);
    free * 3 > lim.usable * 2
}

/// Place `node` as the content of `path[level]` and rebalance upward.
pub fn balance(pager: &mut Pager, path: &mut Path, mut level: usize, mut node: Node) -> Result<()> {
    let lim = Limits::new(pager.usable_size());
    let mut rounds = 0;
    loop {
        rounds += 1;
        if rounds > 4 * super::MAX_DEPTH {
            return Err(Error::new(ResultCode::INTERNAL, "balance did not converge"));
        }
        let pgno = path[level].0;
        let fits = node.size() <= capacity(pgno, &lim);
        if fits && (level == 0 || !underfull(node.size(), pgno, &lim)) {
            if level == 0 && !node.kind.is_leaf() && node.is_empty() {
                return shallower(pager, pgno, node, &lim);
            }
            return write_node(pager, pgno, &node, &lim);
        }
        if !fits && level == 0 {
            // balance_deeper: the root's content moves to a new child.
            let child = pager.allocate()?;
            if pager.auto_vacuum() != AutoVacuum::None {
                ptrmap::put(pager, child, PtrType::BTree, PageNo(pgno))?;
            }
            let root = Node::with_cells(node.kind.interior(), child.get(), []);
            write_node(pager, pgno, &root, &lim)?;
            let below = path[0].1;
            path[0].1 = 0;
            path.insert(1, (child.get(), below));
            level = 1;
            if path.len() > super::MAX_DEPTH {
                return Err(Error::corrupt("B-tree too deep"));
            }
        }
        node = redistribute(pager, path, level, node, &lim)?;
        level -= 1;
    }
}

/// Root interior page with no cells: pull its child's content up if it fits.
fn shallower(pager: &mut Pager, root: u32, node: Node, lim: &Limits) -> Result<()> {
    let child = node.right;
    let cnode = Node::read(&pager.read(PageNo(child))?, child, lim)?;
    if cnode.size() <= capacity(root, lim) {
        write_node(pager, root, &cnode, lim)?;
        pager.free(PageNo(child))
    } else {
        write_node(pager, root, &node, lim)
    }
}

/// Split `cells` (with sizes incl. pointer) into groups fitting `cap`.
/// Returns the exclusive end of each group's cells; with `pull`, the cell
/// at each group's end (except the last) is the divider moved up.
fn pack(sizes: &[usize], cap: usize, pull: bool) -> Result<Vec<usize>> {
    let n = sizes.len();
    let mut ends = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        let mut used = 0;
        while i < n && used + sizes[i] <= cap {
            used += sizes[i];
            i += 1;
        }
        if i == start && n > 0 {
            return Err(Error::corrupt("cell larger than a page"));
        }
        if i >= n {
            ends.push(n);
            break;
        }
        if pull {
            if i + 1 == n {
                // The divider would be the last cell: keep one cell for the right page.
                if i - start < 2 {
                    return Err(Error::corrupt("cannot split page"));
                }
                ends.push(i - 1);
                ends.push(n);
                break;
            }
            ends.push(i);
            i += 1;
        } else {
            ends.push(i);
        }
    }
    // Even out right to left: move cells from the left neighbour while that
    // leaves the right page no fuller than the left one (SQLite's test in
    // balance_nonroot, whose size of the left page's last cell leaves out
    // its 2-byte pointer for the right-most pair).
    let p = pull as usize;
    let last = ends.len().saturating_sub(1);
    for k in (1..ends.len()).rev() {
        let slack = if k == last { 2 } else { 0 };
        loop {
            let lstart = if k >= 2 { ends[k - 2] + p } else { 0 };
            let lend = ends[k - 1];
            let rstart = lend + p;
            let rend = ends[k];
            if lend - lstart < 2 {
                break;
            }
            let lsize: usize = sizes[lstart..lend].iter().sum();
            let rsize: usize = sizes[rstart..rend].iter().sum();
            // Moving: the right page gains the cell at `lend - 1 + p` (the
            // divider when pulling), the left loses its last cell.
            let gain = sizes[lend - 1 + p];
            let loss = sizes[lend - 1];
            if rsize + gain > cap || rsize + gain > lsize - loss + slack {
                break;
            }
            ends[k - 1] -= 1;
        }
    }
    Ok(ends)
}

/// balance_nonroot: redistribute the page at `level` (content `node`) with
/// its siblings. Returns the parent's new content.
fn redistribute(
    pager: &mut Pager,
    path: &mut Path,
    level: usize,
    node: Node,
    lim: &Limits,
) -> Result<Node> {
    let (ppg, ci) = path[level - 1];
    let parent = Node::read(&pager.read(PageNo(ppg))?, ppg, lim)?;
    if parent.kind.is_leaf() {
        return Err(Error::corrupt("parent is a leaf"));
    }
    let nchild = parent.len() + 1;
    if ci >= nchild {
        return Err(Error::corrupt("child index beyond parent"));
    }
    let (first, nsib) = if nchild <= 3 {
        (0, nchild)
    } else {
        (ci.saturating_sub(1).min(nchild - 3), 3)
    };
    let kind = node.kind;
    // All cells of the siblings and the dividers between them, in order, in one arena.
    let mut arena: Vec<u8> = Vec::with_capacity(lim.usable * (nsib + 1));
    let mut cells: Vec<(usize, usize)> = Vec::new();
    let push = |arena: &mut Vec<u8>, cells: &mut Vec<(usize, usize)>, c: &[u8]| {
        cells.push((arena.len(), c.len()));
        arena.extend_from_slice(c);
    };
    let mut old_pages = Vec::with_capacity(nsib);
    let mut last_right = 0;
    let mut node = Some(node);
    for j in first..first + nsib {
        let pg = parent.child(j)?;
        old_pages.push(pg);
        let (skind, sright) = if j == ci {
            let n = node
                .take()
                .ok_or_else(|| Error::new(ResultCode::INTERNAL, "sibling taken twice"))?;
            for c in n.iter() {
                push(&mut arena, &mut cells, c);
            }
            (n.kind, n.right)
        } else {
            let page = pager.read(PageNo(pg))?;
            read_cells_into(&page, pg, lim, &mut arena, &mut cells)?
        };
        if skind != kind {
            return Err(Error::corrupt(format!(
                "page {pg}: sibling of a different kind"
            )));
        }
        if j + 1 < first + nsib {
            let div = parent.cell(j);
            match kind {
                PageKind::TableLeaf => {}
                PageKind::TableInterior | PageKind::IndexInterior => {
                    push(&mut arena, &mut cells, &with_left(div, sright))
                }
                PageKind::IndexLeaf => push(&mut arena, &mut cells, &interior_to_leaf(div, lim)?),
            }
        } else {
            last_right = sright;
        }
    }
    let pull = kind != PageKind::TableLeaf;
    let sizes: Vec<usize> = cells.iter().map(|c| c.1 + 2).collect();
    let ends = pack(&sizes, lim.usable - kind.header_size(), pull)?;
    let k = ends.len();
    // Page numbers: reuse old pages in order, allocate or free the difference.
    let mut pages: Vec<u32> = old_pages.iter().copied().take(k).collect();
    while pages.len() < k {
        pages.push(pager.allocate()?.get());
    }
    for &pg in old_pages.iter().skip(k) {
        pager.free(PageNo(pg))?;
    }
    let cell = |i: usize| -> &[u8] { &arena[cells[i].0..cells[i].0 + cells[i].1] };
    let p = pull as usize;
    let mut dividers = Vec::with_capacity(k.saturating_sub(1));
    let mut start = 0;
    let mut group: Vec<&[u8]> = Vec::new();
    for g in 0..k {
        let end = ends[g];
        group.clear();
        group.extend((start..end).map(cell));
        let mut right = 0;
        if g + 1 < k {
            let pg = pages[g];
            match kind {
                PageKind::TableLeaf => {
                    let last = group
                        .last()
                        .ok_or_else(|| Error::corrupt("empty page group"))?;
                    let info = parse_cell(last, kind, lim)?;
                    let mut d = pg.to_be_bytes().to_vec();
                    put_varint(info.key as u64, &mut d);
                    dividers.push(d);
                }
                PageKind::TableInterior | PageKind::IndexInterior => {
                    let div = cell(end);
                    right = get_u32(div, 0)?;
                    dividers.push(with_left(div, pg));
                }
                PageKind::IndexLeaf => dividers.push(leaf_to_interior(cell(end), pg, lim)?),
            }
        } else {
            right = last_right;
        }
        if kind.is_leaf() {
            right = 0;
        }
        write_cells(
            pager.write(PageNo(pages[g]))?,
            pages[g],
            lim,
            kind,
            right,
            &group,
        )?;
        fix_ptrmap_cells(pager, pages[g], kind, right, &group, lim)?;
        if pager.auto_vacuum() != AutoVacuum::None {
            ptrmap::put(pager, PageNo(pages[g]), PtrType::BTree, PageNo(ppg))?;
        }
        start = end + p;
    }
    // New parent content.
    let last_new = pages[k - 1];
    let tail_idx = first + nsib - 1; // index of the child pointer to the last old sibling
    let mut np = Node::with_cells(
        parent.kind,
        parent.right,
        (0..first).map(|i| parent.cell(i)),
    );
    for d in &dividers {
        np.push(d);
    }
    let mut rest = tail_idx..parent.len();
    if tail_idx < nchild - 1 {
        let c = rest
            .next()
            .ok_or_else(|| Error::corrupt("parent cell missing"))?;
        np.push(&with_left(parent.cell(c), last_new));
    } else {
        np.right = last_new;
    }
    for i in rest {
        np.push(parent.cell(i));
    }
    Ok(np)
}

#[cfg(test)]
mod tests {
    use super::pack;

    #[test]
    fn pack_even_split() {
        let sizes = vec![10; 10];
        let ends = pack(&sizes, 60, false).unwrap();
        assert_eq!(ends, vec![5, 10]);
        let ends = pack(&sizes, 60, true).unwrap();
        // 10 cells, one divider: 4 + 1 + 5 or similar, each page <= 6 cells.
        assert_eq!(ends.len(), 2);
        assert!(ends[0] <= 6 && 10 - ends[0] - 1 <= 6);
    }
}
