//! Space management inside one B-tree page, byte-for-byte as SQLite does it
//! (`allocateSpace`, `pageFindSlot`, `freeSpace`, `defragmentPage`), so that
//! SQLite's integrity check accounts for every byte:
//! usable = header + pointer array + gap + cells + freeblocks + fragments.
//!
//! Free space of a page is the gap (content start - end of pointer array)
//! plus the freeblock sizes plus the fragmented bytes. Freeblocks form an ascending
//! list; a hole of fewer than 4 bytes cannot be a freeblock and is counted
//! in the fragment byte instead (at most 60 before a defragmentation).
//!
//! Also here: a page's cells as an owned [`Node`] and rebuilding a page
//! from one (used by balancing), which leaves no freeblocks or fragments.

use super::page::{cell_at, get_u16, get_u32, put_u16, put_u32, Limits, PageHeader, PageKind};
use crate::error::{Error, Result};

/// Total free bytes of a page (validating the freeblock list).
pub fn free_bytes(data: &[u8], h: &PageHeader) -> Result<usize> {
    let mut total = h.frag + h.content.saturating_sub(h.ptr_end());
    let mut pc = h.first_free;
    let mut prev_end = 0;
    let mut steps = 0;
    while pc != 0 {
        if pc < h.content || pc < prev_end || pc + 4 > h.usable {
            return Err(Error::corrupt(format!("freeblock at {pc} out of order")));
        }
        let size = get_u16(data, pc + 2)?;
        if size < 4 || pc + size > h.usable {
            return Err(Error::corrupt("freeblock size"));
        }
        total += size;
        prev_end = pc + size;
        pc = get_u16(data, pc)?;
        steps += 1;
        if steps > h.usable / 4 {
            return Err(Error::corrupt("freeblock loop"));
        }
    }
    if total > h.usable {
        return Err(Error::corrupt("free space exceeds page"));
    }
    Ok(total)
}

/// Rewrite the cells to the end of the page, contiguous, removing all
/// freeblocks and fragments.
pub fn defragment_with(data: &mut [u8], h: &PageHeader, lim: &Limits) -> Result<()> {
    let tmp = data[..h.usable].to_vec();
    let mut top = h.usable;
    for i in 0..h.ncell {
        let (off, info) = cell_at(&tmp, h, i, lim)?;
        if top < h.ptr_end() + info.size {
            return Err(Error::corrupt("cells overflow page on defragment"));
        }
        top -= info.size;
        data[top..top + info.size].copy_from_slice(&tmp[off..off + info.size]);
        put_u16(data, h.ptr_start() + 2 * i, top);
    }
    let pe = h.ptr_end();
    data[pe..top].fill(0);
    put_u16(data, h.hdr + 1, 0);
    put_u16(data, h.hdr + 5, top & 0xffff);
    data[h.hdr + 7] = 0;
    Ok(())
}

/// Find a freeblock of at least `n` bytes (SQLite's `pageFindSlot`);
/// returns the offset of the allocated space.
fn find_slot(data: &mut [u8], h: &PageHeader, n: usize) -> Result<Option<usize>> {
    let mut iaddr = h.hdr + 1;
    let mut pc = h.first_free;
    let mut steps = 0;
    while pc != 0 {
        if pc + 4 > h.usable {
            return Err(Error::corrupt("freeblock beyond page"));
        }
        let size = get_u16(data, pc + 2)?;
        let next = get_u16(data, pc)?;
        if pc + size > h.usable {
            return Err(Error::corrupt("freeblock size"));
        }
        if size >= n {
            let x = size - n;
            if x < 4 {
                if data[h.hdr + 7] as usize + x > 60 {
                    return Ok(None);
                }
                put_u16(data, iaddr, next);
                data[h.hdr + 7] += x as u8;
                return Ok(Some(pc));
            }
            put_u16(data, pc + 2, x);
            return Ok(Some(pc + x));
        }
        if next != 0 && next <= pc {
            return Err(Error::corrupt("freeblock list not ascending"));
        }
        iaddr = pc;
        pc = next;
        steps += 1;
        if steps > h.usable / 4 {
            return Err(Error::corrupt("freeblock loop"));
        }
    }
    Ok(None)
}

/// Allocate `n` bytes of cell content (caller checked there are `n + 2`
/// free bytes). Returns the offset. May defragment the page.
fn allocate_space(data: &mut [u8], h: &PageHeader, n: usize, lim: &Limits) -> Result<usize> {
    let gap = h.ptr_end();
    let mut top = h.content;
    if top < gap {
        return Err(Error::corrupt("content area overlaps pointer array"));
    }
    if h.first_free != 0 && gap + 2 <= top {
        if let Some(pc) = find_slot(data, h, n)? {
            if pc < gap + 2 {
                return Err(Error::corrupt("freeblock overlaps pointer array"));
            }
            return Ok(pc);
        }
    }
    if gap + 2 + n > top {
        defragment_with(data, h, lim)?;
        top = get_u16(data, h.hdr + 5)?;
        if top == 0 {
            top = 65536;
        }
        if gap + 2 + n > top {
            return Err(Error::corrupt("no room after defragment"));
        }
    }
    top -= n;
    put_u16(data, h.hdr + 5, top & 0xffff);
    Ok(top)
}

/// Return `size` bytes at `start` to the free space (SQLite's `freeSpace`):
/// merged with adjacent freeblocks and fragments, or absorbed into the gap.
fn free_space(data: &mut [u8], h: &PageHeader, mut start: usize, mut size: usize) -> Result<()> {
    let hdr = h.hdr;
    let mut iptr = hdr + 1;
    let mut ifree = get_u16(data, iptr)?;
    let mut iend = start + size;
    let mut nfrag = 0usize;
    if iend > h.usable {
        return Err(Error::corrupt("freed space beyond page"));
    }
    if ifree != 0 {
        let mut steps = 0;
        while ifree < start {
            let next = get_u16(data, ifree)?;
            if next != 0 && next <= ifree {
                return Err(Error::corrupt("freeblock list not ascending"));
            }
            iptr = ifree;
            ifree = next;
            steps += 1;
            if ifree == 0 || steps > h.usable / 4 {
                break;
            }
        }
        if ifree > h.usable.saturating_sub(4) {
            return Err(Error::corrupt("freeblock beyond page"));
        }
        if ifree != 0 && iend + 3 >= ifree {
            if iend > ifree {
                return Err(Error::corrupt("freed space overlaps freeblock"));
            }
            nfrag = ifree - iend;
            iend = ifree + get_u16(data, ifree + 2)?;
            if iend > h.usable {
                return Err(Error::corrupt("freeblock beyond page"));
            }
            size = iend - start;
            ifree = get_u16(data, ifree)?;
        }
        if iptr > hdr + 1 {
            let iptr_end = iptr + get_u16(data, iptr + 2)?;
            if iptr_end + 3 >= start {
                if iptr_end > start {
                    return Err(Error::corrupt("freed space overlaps freeblock"));
                }
                nfrag += start - iptr_end;
                size = iend - iptr;
                start = iptr;
            }
        }
        if nfrag > data[hdr + 7] as usize {
            return Err(Error::corrupt("fragment count"));
        }
        data[hdr + 7] -= nfrag as u8;
    }
    let mut top = get_u16(data, hdr + 5)?;
    if top == 0 {
        top = 65536;
    }
    if start <= top {
        if start < top || iptr != hdr + 1 {
            return Err(Error::corrupt("freed space before content area"));
        }
        put_u16(data, hdr + 1, ifree);
        put_u16(data, hdr + 5, iend & 0xffff);
    } else {
        put_u16(data, iptr, start);
        put_u16(data, start, ifree);
        put_u16(data, start + 2, size);
    }
    Ok(())
}

/// Insert `cell` as cell `idx` of the page if it fits; Ok(false) when it does not.
pub fn insert_cell(
    data: &mut [u8],
    pgno: u32,
    idx: usize,
    cell: &[u8],
    lim: &Limits,
) -> Result<bool> {
    let h = PageHeader::parse(data, pgno, lim.usable)?;
    if idx > h.ncell {
        return Err(Error::corrupt("insert position beyond cell count"));
    }
    let free = free_bytes(data, &h)?;
    if cell.len() + 2 > free {
        return Ok(false);
    }
    let off = allocate_space(data, &h, cell.len(), lim)?;
    data[off..off + cell.len()].copy_from_slice(cell);
    let ps = h.ptr_start();
    let pe = h.ptr_end();
    data.copy_within(ps + 2 * idx..pe, ps + 2 * idx + 2);
    put_u16(data, ps + 2 * idx, off);
    put_u16(data, h.hdr + 3, h.ncell + 1);
    Ok(true)
}

/// Remove cell `idx` from the page (its overflow chain is not touched).
pub fn drop_cell(data: &mut [u8], pgno: u32, idx: usize, lim: &Limits) -> Result<()> {
    let h = PageHeader::parse(data, pgno, lim.usable)?;
    let (off, info) = cell_at(data, &h, idx, lim)?;
    free_space(data, &h, off, info.size)?;
    let ps = h.ptr_start();
    let pe = h.ptr_end();
    data.copy_within(ps + 2 * idx + 2..pe, ps + 2 * idx);
    put_u16(data, h.hdr + 3, h.ncell - 1);
    if h.ncell == 1 {
        put_u16(data, h.hdr + 1, 0);
        put_u16(data, h.hdr + 5, h.usable & 0xffff);
        data[h.hdr + 7] = 0;
    }
    Ok(())
}

/// A page's content as owned cells (in the page's own cell format), kept
/// in one buffer: reading a page costs two allocations, not one per cell.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: PageKind,
    /// Right-most child (interior), else 0.
    pub right: u32,
    buf: Vec<u8>,
    /// (start, length) of each cell in `buf`, in order.
    ranges: Vec<(usize, usize)>,
}

impl Node {
    pub fn empty(kind: PageKind) -> Node {
        Node {
            kind,
            right: 0,
            buf: Vec::new(),
            ranges: Vec::new(),
        }
    }

    /// A node of `kind` with the given cells.
    pub fn with_cells<'a>(
        kind: PageKind,
        right: u32,
        cells: impl IntoIterator<Item = &'a [u8]>,
    ) -> Node {
        let mut n = Node {
            right,
            ..Node::empty(kind)
        };
        for c in cells {
            n.push(c);
        }
        n
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Cell `i` (panics if out of range: callers index within `len()`).
    pub fn cell(&self, i: usize) -> &[u8] {
        let (s, l) = self.ranges[i];
        &self.buf[s..s + l]
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.ranges.iter().map(|&(s, l)| &self.buf[s..s + l])
    }

    pub fn push(&mut self, c: &[u8]) {
        self.ranges.push((self.buf.len(), c.len()));
        self.buf.extend_from_slice(c);
    }

    pub fn insert(&mut self, i: usize, c: &[u8]) {
        self.ranges.insert(i, (self.buf.len(), c.len()));
        self.buf.extend_from_slice(c);
    }

    /// Set the left-child pointer (first 4 bytes) of interior cell `i`.
    pub fn set_left(&mut self, i: usize, left: u32) {
        let (s, _) = self.ranges[i];
        put_u32(&mut self.buf, s, left);
    }

    /// Bytes the node needs on a page (header, pointers and cells).
    pub fn size(&self) -> usize {
        self.kind.header_size() + self.ranges.iter().map(|r| r.1 + 2).sum::<usize>()
    }

    /// Child `i` (0..=len()) of an interior node.
    pub fn child(&self, i: usize) -> Result<u32> {
        if i == self.len() {
            return Ok(self.right);
        }
        if i > self.len() {
            return Err(Error::corrupt("child index"));
        }
        get_u32(self.cell(i), 0)
    }

    pub fn read(data: &[u8], pgno: u32, lim: &Limits) -> Result<Node> {
        let mut n = Node::empty(PageKind::TableLeaf);
        n.buf.reserve(lim.usable);
        let (kind, right) = read_cells_into(data, pgno, lim, &mut n.buf, &mut n.ranges)?;
        n.kind = kind;
        n.right = right;
        Ok(n)
    }

    /// Write the node onto page `data` (page number `pgno`), compactly.
    pub fn write(&self, data: &mut [u8], pgno: u32, lim: &Limits) -> Result<()> {
        let cells: Vec<&[u8]> = self.iter().collect();
        write_cells(data, pgno, lim, self.kind, self.right, &cells)
    }
}

/// Append the cells of a page to `arena`, recording each cell's range;
/// returns the page's kind and right-most child.
pub fn read_cells_into(
    data: &[u8],
    pgno: u32,
    lim: &Limits,
    arena: &mut Vec<u8>,
    ranges: &mut Vec<(usize, usize)>,
) -> Result<(PageKind, u32)> {
    let h = PageHeader::parse(data, pgno, lim.usable)?;
    for i in 0..h.ncell {
        let (off, info) = cell_at(data, &h, i, lim)?;
        ranges.push((arena.len(), info.size));
        arena.extend_from_slice(&data[off..off + info.size]);
    }
    Ok((h.kind, h.right))
}

/// Write a page of `kind` holding `cells` (in order), compactly: no
/// freeblocks, no fragments.
pub fn write_cells(
    data: &mut [u8],
    pgno: u32,
    lim: &Limits,
    kind: PageKind,
    right: u32,
    cells: &[&[u8]],
) -> Result<()> {
    let hdr = super::page::header_offset(pgno);
    let size = kind.header_size() + cells.iter().map(|c| c.len() + 2).sum::<usize>();
    if hdr + size > lim.usable {
        return Err(Error::new(
            crate::ResultCode::INTERNAL,
            "cells do not fit the page",
        ));
    }
    data[hdr] = kind.byte();
    put_u16(data, hdr + 1, 0);
    put_u16(data, hdr + 3, cells.len());
    data[hdr + 7] = 0;
    if !kind.is_leaf() {
        put_u32(data, hdr + 8, right);
    }
    let ps = hdr + kind.header_size();
    let mut top = lim.usable;
    for (i, c) in cells.iter().enumerate() {
        top -= c.len();
        data[top..top + c.len()].copy_from_slice(c);
        put_u16(data, ps + 2 * i, top);
    }
    put_u16(data, hdr + 5, top & 0xffff);
    data[ps + 2 * cells.len()..top].fill(0);
    Ok(())
}
