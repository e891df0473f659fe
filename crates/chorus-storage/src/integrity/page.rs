//! The integrity checker's own reading of B-tree pages (fileformat2 §1.6),
//! deliberately independent of the B-tree module so that it catches that
//! module's bugs instead of sharing them.
//!
//! ```text
//! page header (8 bytes on leaves, 12 on interior pages; at offset 100 on page 1):
//!   0  flags: 0x02 index interior, 0x05 table interior, 0x0A index leaf, 0x0D table leaf
//!   1  u16 offset of the first freeblock (0 = none)
//!   3  u16 number of cells
//!   5  u16 start of the cell content area (0 means 65536)
//!   7  u8  number of fragmented free bytes in the content area
//!   8  u32 right-most child (interior pages only)
//! cell pointer array: u16 per cell, in key order, right after the header
//! cells:
//!   table leaf      varint payload size, varint rowid, local payload, [u32 first overflow page]
//!   table interior  u32 left child, varint rowid
//!   index leaf      varint payload size, local payload, [u32 first overflow page]
//!   index interior  u32 left child, varint payload size, local payload, [u32 first overflow page]
//! freeblock: u16 next freeblock (ascending, 0 ends), u16 size (>= 4), rest unused
//! ```
//! A payload of P bytes is stored entirely on the page when P <= X (X = U-35
//! on table leaves, ((U-12)*64/255)-23 on index pages). Otherwise K = M +
//! (P-M) % (U-4) bytes are local if K <= X, else M bytes, with M =
//! ((U-12)*32/255)-23; the rest goes to a chain of overflow pages, each a u32
//! next-page number followed by U-4 bytes of payload.
//!
//! Every read here is bounds-checked: a malformed page yields `None` or an
//! error string, never a panic.

use crate::varint::get_varint;

pub(super) const INDEX_INTERIOR: u8 = 0x02;
pub(super) const TABLE_INTERIOR: u8 = 0x05;
pub(super) const INDEX_LEAF: u8 = 0x0A;
pub(super) const TABLE_LEAF: u8 = 0x0D;

pub(super) fn be16(d: &[u8], off: usize) -> Option<usize> {
    let b = d.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]) as usize)
}

pub(super) fn be32(d: &[u8], off: usize) -> Option<u32> {
    let b = d.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Payload spill thresholds for one usable page size.
#[derive(Clone, Copy, Debug)]
pub(super) struct Geometry {
    pub usable: usize,
    pub max_local_table: usize,
    pub max_local_index: usize,
    pub min_local: usize,
}

impl Geometry {
    pub fn new(usable: usize) -> Geometry {
        // usable >= 480 (enforced when the header is parsed), so no underflow.
        let usable = usable.max(480);
        Geometry {
            usable,
            max_local_table: usable - 35,
            max_local_index: (usable - 12) * 64 / 255 - 23,
            min_local: (usable - 12) * 32 / 255 - 23,
        }
    }

    /// Bytes of a `payload`-byte payload stored on the page itself.
    pub fn local_size(&self, payload: u64, table_leaf: bool) -> usize {
        let max = if table_leaf {
            self.max_local_table
        } else {
            self.max_local_index
        };
        if payload <= max as u64 {
            return payload as usize;
        }
        let min = self.min_local as u64;
        let surplus = min + (payload - min) % (self.usable as u64 - 4);
        if surplus <= max as u64 {
            surplus as usize
        } else {
            self.min_local
        }
    }

    /// Number of overflow pages a payload of `payload` bytes with `local`
    /// bytes on the page needs.
    pub fn overflow_pages(&self, payload: u64, local: usize) -> u64 {
        let rest = payload.saturating_sub(local as u64);
        rest.div_ceil(self.usable as u64 - 4)
    }
}

/// A decoded B-tree page header.
#[derive(Clone, Copy, Debug)]
pub(super) struct PageHeader {
    pub flags: u8,
    /// Offset of the header in the page (100 on page 1, else 0).
    pub hdr: usize,
    pub first_freeblock: usize,
    pub n_cell: usize,
    /// Start of the cell content area (a stored 0 reads as 65536).
    pub content_start: usize,
    pub frag: u8,
    /// Right-most child (interior pages), else 0.
    pub right_child: u32,
}

impl PageHeader {
    pub fn is_leaf(&self) -> bool {
        self.flags & 0x08 != 0
    }

    pub fn is_table(&self) -> bool {
        self.flags & 0x01 != 0
    }

    /// Offset of the cell pointer array.
    pub fn cell_ptr_start(&self) -> usize {
        self.hdr + if self.is_leaf() { 8 } else { 12 }
    }

    /// First byte after the cell pointer array.
    pub fn cell_ptr_end(&self) -> usize {
        self.cell_ptr_start() + 2 * self.n_cell
    }

    /// The offset of cell `i` from the pointer array.
    pub fn cell_offset(&self, data: &[u8], i: usize) -> Option<usize> {
        be16(data, self.cell_ptr_start() + 2 * i)
    }
}

/// Decode the page header at `hdr`; `Err` names what is wrong.
pub(super) fn parse_header(data: &[u8], hdr: usize) -> Result<PageHeader, String> {
    let flags = *data.get(hdr).ok_or("page too short")?;
    if !matches!(
        flags,
        INDEX_INTERIOR | TABLE_INTERIOR | INDEX_LEAF | TABLE_LEAF
    ) {
        return Err(format!("invalid page type 0x{flags:02x}"));
    }
    let get16 = |off: usize| be16(data, hdr + off).ok_or("page too short");
    let first_freeblock = get16(1)?;
    let n_cell = get16(3)?;
    let content = get16(5)?;
    let frag = *data.get(hdr + 7).ok_or("page too short")?;
    let right_child = if flags & 0x08 == 0 {
        be32(data, hdr + 8).ok_or("page too short")?
    } else {
        0
    };
    Ok(PageHeader {
        flags,
        hdr,
        first_freeblock,
        n_cell,
        content_start: if content == 0 { 65536 } else { content },
        frag,
        right_child,
    })
}

/// One decoded cell.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Cell {
    /// Left child (interior pages).
    pub child: u32,
    /// Rowid (table pages).
    pub rowid: i64,
    /// Total payload size (0 on table interior pages).
    pub payload: u64,
    /// Offset of the local payload in the page, and its length.
    pub local_off: usize,
    pub local: usize,
    /// Bytes the cell occupies on the page (at least 4).
    pub size: usize,
    /// First overflow page, when the payload spills.
    pub overflow: Option<u32>,
}

/// Decode the cell at `pc` of a page of type `flags`. `None` when the cell
/// runs past the usable end of the page.
pub(super) fn parse_cell(data: &[u8], pc: usize, flags: u8, g: &Geometry) -> Option<Cell> {
    let end = g.usable.min(data.len());
    let d = data.get(pc..end)?;
    let mut cell = Cell::default();
    let mut pos = 0usize;
    if flags & 0x08 == 0 {
        cell.child = be32(d, 0)?;
        pos = 4;
    }
    if flags == TABLE_INTERIOR {
        let (rowid, n) = get_varint(d.get(pos..)?)?;
        cell.rowid = rowid as i64;
        cell.size = pos + n;
        return Some(cell);
    }
    let (payload, n) = get_varint(d.get(pos..)?)?;
    pos += n;
    if flags == TABLE_LEAF {
        let (rowid, n) = get_varint(d.get(pos..)?)?;
        cell.rowid = rowid as i64;
        pos += n;
    }
    cell.payload = payload;
    cell.local = g.local_size(payload, flags == TABLE_LEAF);
    cell.local_off = pc + pos;
    if (cell.local as u64) < payload {
        cell.overflow = Some(be32(d, pos + cell.local)?);
        cell.size = pos + cell.local + 4;
    } else {
        cell.size = (pos + cell.local).max(4);
        if cell.size > d.len() {
            return None;
        }
    }
    Some(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spill_thresholds_match_fileformat() {
        let g = Geometry::new(4096);
        assert_eq!(g.max_local_table, 4061);
        assert_eq!(g.max_local_index, 1002);
        assert_eq!(g.min_local, 489);
        assert_eq!(g.local_size(4061, true), 4061);
        // 5000 bytes: surplus = 489 + (5000-489) % 4092 = 908 <= 4061
        assert_eq!(g.local_size(5000, true), 908);
        assert_eq!(g.overflow_pages(5000, 908), 1);
        // index: surplus 489 + (3000-489)%4092 = 3000 > 1002 -> min_local
        assert_eq!(g.local_size(3000, false), 489);
        assert_eq!(g.overflow_pages(3000, 489), 1);
    }

    #[test]
    fn truncated_cells_are_none() {
        let g = Geometry::new(512);
        let mut page = vec![0u8; 512];
        // table leaf cell at 508: payload 10, rowid 1 -> 12 bytes > 4 left
        page[508] = 10;
        page[509] = 1;
        assert!(parse_cell(&page, 508, TABLE_LEAF, &g).is_none());
        assert!(parse_cell(&page, 600, TABLE_LEAF, &g).is_none());
        page[500] = 2;
        page[501] = 7;
        let c = parse_cell(&page, 500, TABLE_LEAF, &g).unwrap();
        assert_eq!((c.payload, c.rowid, c.size, c.local), (2, 7, 4, 2));
    }

    #[test]
    fn header_rejects_unknown_types() {
        let mut page = vec![0u8; 512];
        assert!(parse_header(&page, 0).is_err());
        page[0] = TABLE_LEAF;
        let h = parse_header(&page, 0).unwrap();
        assert_eq!(h.content_start, 65536);
        assert!(h.is_leaf() && h.is_table());
        assert_eq!(h.cell_ptr_start(), 8);
    }
}
