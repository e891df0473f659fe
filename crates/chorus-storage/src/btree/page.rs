//! B-tree page layout (fileformat2 §1.6 "B-tree Pages") and cell parsing.
//!
//! ```text
//! page:  [100-byte db header, page 1 only][page header 8|12][cell pointer array 2*N]
//!        [unallocated gap][cell content area: cells and freeblocks ... up to usable size]
//!        [reserved bytes]
//! header: 0 type (2 index interior, 5 table interior, 10 index leaf, 13 table leaf)
//!         1 first freeblock (0 = none)  3 cell count  5 content start (0 = 65536)
//!         7 fragmented free bytes       8 right-most child (interior pages only)
//! freeblock: [u16 next freeblock offset (0 = end, ascending)][u16 size >= 4]
//! cells:  table leaf      varint payload size, varint rowid, local payload, [u32 first overflow]
//!         table interior  u32 left child, varint rowid
//!         index leaf      varint payload size, local payload, [u32 first overflow]
//!         index interior  u32 left child, varint payload size, local payload, [u32 first overflow]
//! ```
//! A cell occupies at least 4 bytes (so that it can become a freeblock).
//! Local payload (U = usable size, P = payload size): table leaves keep
//! everything when P <= U-35; index pages when P <= ((U-12)*64/255)-23.
//! Otherwise with M = ((U-12)*32/255)-23 and K = M+((P-M)%(U-4)), K bytes stay
//! local when K fits under that maximum, else M bytes; the rest goes to a
//! chain of overflow pages ([u32 next][U-4 bytes of payload]).
//!
//! Every offset read from a page is validated against the usable size
//! before use; violations are `SQLITE_CORRUPT`.

use crate::error::{Error, Result};
use crate::varint::{get_varint, get_varint32};

pub const TABLE_LEAF: u8 = 13;
pub const TABLE_INTERIOR: u8 = 5;
pub const INDEX_LEAF: u8 = 10;
pub const INDEX_INTERIOR: u8 = 2;

/// The four kinds of B-tree page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    TableLeaf,
    TableInterior,
    IndexLeaf,
    IndexInterior,
}

impl PageKind {
    pub fn from_byte(b: u8) -> Option<PageKind> {
        Some(match b {
            TABLE_LEAF => PageKind::TableLeaf,
            TABLE_INTERIOR => PageKind::TableInterior,
            INDEX_LEAF => PageKind::IndexLeaf,
            INDEX_INTERIOR => PageKind::IndexInterior,
            _ => return None,
        })
    }
    pub fn byte(self) -> u8 {
        match self {
            PageKind::TableLeaf => TABLE_LEAF,
            PageKind::TableInterior => TABLE_INTERIOR,
            PageKind::IndexLeaf => INDEX_LEAF,
            PageKind::IndexInterior => INDEX_INTERIOR,
        }
    }
    pub fn is_leaf(self) -> bool {
        matches!(self, PageKind::TableLeaf | PageKind::IndexLeaf)
    }
    pub fn is_table(self) -> bool {
        matches!(self, PageKind::TableLeaf | PageKind::TableInterior)
    }
    pub fn header_size(self) -> usize {
        if self.is_leaf() {
            8
        } else {
            12
        }
    }
    pub fn interior(self) -> PageKind {
        if self.is_table() {
            PageKind::TableInterior
        } else {
            PageKind::IndexInterior
        }
    }
    pub fn leaf(self) -> PageKind {
        if self.is_table() {
            PageKind::TableLeaf
        } else {
            PageKind::IndexLeaf
        }
    }
}

/// Payload thresholds of a database with usable page size `usable`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub usable: usize,
    max_leaf: usize,
    min_leaf: usize,
    max_local: usize,
    min_local: usize,
}

impl Limits {
    pub fn new(usable: usize) -> Limits {
        Limits {
            usable,
            max_leaf: usable - 35,
            min_leaf: (usable - 12) * 32 / 255 - 23,
            max_local: (usable - 12) * 64 / 255 - 23,
            min_local: (usable - 12) * 32 / 255 - 23,
        }
    }

    /// Bytes of a `payload`-byte payload kept on a page of `kind`.
    pub fn local_size(&self, kind: PageKind, payload: u64) -> usize {
        let (max, min) = if kind == PageKind::TableLeaf {
            (self.max_leaf, self.min_leaf)
        } else {
            (self.max_local, self.min_local)
        };
        if payload <= max as u64 {
            return payload as usize;
        }
        let k = min as u64 + (payload - min as u64) % (self.usable as u64 - 4);
        if k <= max as u64 {
            k as usize
        } else {
            min
        }
    }
}

/// Offset of the B-tree page header: 100 on page 1, else 0.
pub fn header_offset(pgno: u32) -> usize {
    if pgno == 1 {
        100
    } else {
        0
    }
}

#[inline]
pub fn get_u16(d: &[u8], off: usize) -> Result<usize> {
    match d.get(off..off + 2) {
        Some(b) => Ok(u16::from_be_bytes([b[0], b[1]]) as usize),
        None => Err(Error::corrupt("offset beyond page")),
    }
}

#[inline]
pub fn get_u32(d: &[u8], off: usize) -> Result<u32> {
    match d.get(off..off + 4) {
        Some(b) => Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
        None => Err(Error::corrupt("offset beyond page")),
    }
}

#[inline]
pub fn put_u16(d: &mut [u8], off: usize, v: usize) {
    d[off..off + 2].copy_from_slice(&(v as u16).to_be_bytes());
}

#[inline]
pub fn put_u32(d: &mut [u8], off: usize, v: u32) {
    d[off..off + 4].copy_from_slice(&v.to_be_bytes());
}

/// Parsed and validated page header.
#[derive(Debug, Clone, Copy)]
pub struct PageHeader {
    pub kind: PageKind,
    /// Offset of the page header (100 on page 1).
    pub hdr: usize,
    pub first_free: usize,
    pub ncell: usize,
    /// Start of the cell content area (65536 when stored as 0).
    pub content: usize,
    pub frag: usize,
    /// Right-most child (interior pages), else 0.
    pub right: u32,
    pub usable: usize,
}

impl PageHeader {
    pub fn parse(data: &[u8], pgno: u32, usable: usize) -> Result<PageHeader> {
        let hdr = header_offset(pgno);
        let t = *data.get(hdr).ok_or_else(|| Error::corrupt("short page"))?;
        let kind = PageKind::from_byte(t)
            .ok_or_else(|| Error::corrupt(format!("page {pgno}: bad page type {t}")))?;
        let first_free = get_u16(data, hdr + 1)?;
        let ncell = get_u16(data, hdr + 3)?;
        let mut content = get_u16(data, hdr + 5)?;
        if content == 0 {
            content = 65536;
        }
        let frag = *data
            .get(hdr + 7)
            .ok_or_else(|| Error::corrupt("short page"))? as usize;
        let right = if kind.is_leaf() {
            0
        } else {
            get_u32(data, hdr + 8)?
        };
        let h = PageHeader {
            kind,
            hdr,
            first_free,
            ncell,
            content,
            frag,
            right,
            usable,
        };
        if h.ptr_end() > usable || content > usable || content < h.ptr_end() && ncell > 0 {
            return Err(Error::corrupt(format!(
                "page {pgno}: cell count/content area out of range"
            )));
        }
        if !kind.is_leaf() && right == 0 {
            return Err(Error::corrupt(format!(
                "page {pgno}: interior page without right child"
            )));
        }
        Ok(h)
    }

    /// Offset of the cell pointer array.
    pub fn ptr_start(&self) -> usize {
        self.hdr + self.kind.header_size()
    }

    /// End of the cell pointer array.
    pub fn ptr_end(&self) -> usize {
        self.ptr_start() + 2 * self.ncell
    }

    /// Offset of cell `i` (validated to lie in the content area).
    pub fn cell_offset(&self, data: &[u8], i: usize) -> Result<usize> {
        if i >= self.ncell {
            return Err(Error::corrupt("cell index out of range"));
        }
        let off = get_u16(data, self.ptr_start() + 2 * i)?;
        if off < self.ptr_end() || off + 4 > self.usable {
            return Err(Error::corrupt(format!("cell offset {off} out of range")));
        }
        Ok(off)
    }

    /// Child page `i` (0..=ncell) of an interior page.
    pub fn child(&self, data: &[u8], i: usize) -> Result<u32> {
        let c = if i == self.ncell {
            self.right
        } else {
            get_u32(data, self.cell_offset(data, i)?)?
        };
        if c == 0 {
            return Err(Error::corrupt("child page 0"));
        }
        Ok(c)
    }
}

/// A parsed cell.
#[derive(Debug, Clone, Copy, Default)]
pub struct CellInfo {
    /// Bytes the cell occupies on the page (at least 4).
    pub size: usize,
    /// Left child (interior pages).
    pub left: u32,
    /// The rowid (table pages).
    pub key: i64,
    /// Total payload size (0 for table interior cells).
    pub payload_len: u64,
    /// Offset of the local payload from the start of the cell.
    pub payload_off: usize,
    /// Local payload bytes.
    pub local: usize,
    /// First overflow page (0 when the payload is all local).
    pub overflow: u32,
}

/// Parse the cell at the start of `cell` (which extends to the end of the
/// usable area) on a page of `kind`.
pub fn parse_cell(cell: &[u8], kind: PageKind, lim: &Limits) -> Result<CellInfo> {
    let mut info = CellInfo::default();
    let mut p = 0;
    if !kind.is_leaf() {
        info.left = get_u32(cell, 0)?;
        p = 4;
    }
    if kind == PageKind::TableInterior {
        let (k, n) = get_varint(&cell[p..]).ok_or_else(|| Error::corrupt("cell rowid"))?;
        info.key = k as i64;
        info.size = p + n;
        info.payload_off = info.size;
        return Ok(info);
    }
    let (len, n) = get_varint32(cell.get(p..).unwrap_or(&[]))
        .ok_or_else(|| Error::corrupt("cell payload size"))?;
    p += n;
    if kind == PageKind::TableLeaf {
        let (k, n) =
            get_varint(cell.get(p..).unwrap_or(&[])).ok_or_else(|| Error::corrupt("cell rowid"))?;
        info.key = k as i64;
        p += n;
    }
    info.payload_len = len as u64;
    info.payload_off = p;
    info.local = lim.local_size(kind, len as u64);
    let mut size = p + info.local;
    if info.local < len as usize {
        info.overflow = get_u32(cell, size)?;
        size += 4;
    }
    info.size = size.max(4);
    if info.size > cell.len() {
        return Err(Error::corrupt("cell extends beyond page"));
    }
    Ok(info)
}

/// Parse cell `i` of a page; returns its offset and info.
pub fn cell_at(data: &[u8], h: &PageHeader, i: usize, lim: &Limits) -> Result<(usize, CellInfo)> {
    let off = h.cell_offset(data, i)?;
    let info = parse_cell(&data[off..h.usable], h.kind, lim)?;
    Ok((off, info))
}

/// The rowid of cell `i` of a table page (leaf or interior), without
/// parsing the rest of the cell.
#[inline]
pub fn table_cell_key(data: &[u8], h: &PageHeader, i: usize) -> Result<i64> {
    let off = h.cell_offset(data, i)?;
    let cell = &data[off..h.usable];
    let p = if h.kind.is_leaf() {
        get_varint(cell)
            .ok_or_else(|| Error::corrupt("cell payload size"))?
            .1
    } else {
        4
    };
    let (k, _) =
        get_varint(cell.get(p..).unwrap_or(&[])).ok_or_else(|| Error::corrupt("cell rowid"))?;
    Ok(k as i64)
}
