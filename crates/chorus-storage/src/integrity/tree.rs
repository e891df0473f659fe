//! Checking one B-tree (SQLite's `checkTreePage`), walked in key order so
//! that every key can be compared with the one before it.
//!
//! Key order invariants: in a table tree the leaf rowids, read left to
//! right, strictly increase, and an interior cell's rowid is >= every rowid
//! of its left subtree and < every rowid to its right. In an index tree the
//! sequence of all keys, interior cells included, read in order (left
//! subtree, cell, next subtree, ..., right child), strictly increases under
//! the tree's `KeyInfo`.

use super::page::{parse_cell, parse_header, Cell, PageHeader, TABLE_INTERIOR, TABLE_LEAF};
use super::{Checker, Pfx, TreeShape, MAX_TREE_DEPTH, PTRMAP_BTREE, PTRMAP_OVERFLOW1};
use crate::record::{compare_records, KeyInfo, RecordReader};
use crate::types::PageNo;
use crate::varint::get_varint;
use std::cmp::Ordering;

/// Per-tree walking state.
struct TreeCk<'s> {
    root: u32,
    name: &'s str,
    key_info: Option<&'s KeyInfo>,
    /// Largest rowid seen so far (tables).
    last_rowid: Option<i64>,
    /// Previous key (indexes), complete payload, or `None` when unknown.
    last_key: Option<Vec<u8>>,
    /// Scratch buffer for the current cell's payload.
    buf: Vec<u8>,
}

/// Check the tree rooted at `root`.
pub(super) fn check_tree(ck: &mut Checker<'_>, root: PageNo, shape: &TreeShape, name: &str) {
    let mut t = TreeCk {
        root: root.get(),
        name,
        key_info: match shape {
            TreeShape::Table => None,
            TreeShape::Index(k) => Some(k),
        },
        last_rowid: None,
        last_key: None,
        buf: Vec::new(),
    };
    check_page(ck, &mut t, root.get(), 0, Pfx::None);
}

/// Check page `pgno` at `depth` (root = 0) and the subtree below it.
/// Returns the subtree's height (a leaf is 0), or `None` when the page could
/// not be examined. `pfx` prefixes reference errors (the parent's context).
fn check_page(
    ck: &mut Checker<'_>,
    t: &mut TreeCk<'_>,
    pgno: u32,
    depth: usize,
    pfx: Pfx,
) -> Option<usize> {
    if ck.full() || !ck.check_ref(pgno, pfx) {
        return None;
    }
    let pp = Pfx::Page(t.root, pgno);
    if depth >= MAX_TREE_DEPTH {
        ck.error(format!("{pp}tree deeper than {MAX_TREE_DEPTH} levels"));
        return None;
    }
    let page = match ck.pager.read(PageNo(pgno)) {
        Ok(p) => p,
        Err(e) => {
            ck.error(format!(
                "{pp}unable to get the page. error code={} ({e})",
                e.code.0
            ));
            return None;
        }
    };
    let data: &[u8] = &page;
    let hdr = if pgno == 1 { 100 } else { 0 };
    let h = match parse_header(data, hdr) {
        Ok(h) => h,
        Err(e) => {
            ck.error(format!("{pp}btreeInitPage() returns error code 11 ({e})"));
            return None;
        }
    };
    let want_table = t.key_info.is_none();
    if h.is_table() != want_table {
        ck.error(format!(
            "{pp}{} page (type 0x{:02x}) in {} tree {}",
            if h.is_table() { "table" } else { "index" },
            h.flags,
            if want_table { "a table" } else { "an index" },
            t.name
        ));
        return None;
    }
    let usable = ck.geom.usable;
    let max_cells = (ck.page_size - 8) / 6;
    if h.n_cell > max_cells {
        ck.error(format!(
            "{pp}btreeInitPage() returns error code 11 ({} cells, at most {max_cells} fit)",
            h.n_cell
        ));
        return None;
    }
    let mut coverage = true;
    if h.content_start > usable {
        ck.error(format!(
            "{pp}cell content area starts at {}, past the usable size {usable}",
            h.content_start
        ));
        coverage = false;
    } else if h.content_start < h.cell_ptr_end() {
        ck.error(format!(
            "{pp}cell content area starts at {} inside the cell pointer array (ends at {})",
            h.content_start,
            h.cell_ptr_end()
        ));
        coverage = false;
    }
    let freeblocks = match free_blocks(data, &h, usable) {
        Ok(f) => f,
        Err(e) => {
            ck.error(format!("{pp}free space corruption ({e})"));
            coverage = false;
            Vec::new()
        }
    };
    if h.n_cell == 0 {
        if depth > 0 {
            ck.error(format!("{pp}non-root page has no cells"));
        } else if !h.is_leaf() && pgno != 1 {
            ck.error(format!("{pp}interior root page has no cells"));
        }
    }

    let mut height: Option<usize> = None;
    let mut merge_height = |ck: &mut Checker<'_>, d: Option<usize>, cell: Pfx| {
        if let Some(d) = d {
            match height {
                None => height = Some(d),
                Some(h0) if h0 != d => {
                    ck.error(format!("{cell}Child page depth differs"));
                }
                _ => {}
            }
        }
    };
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(h.n_cell + freeblocks.len());
    for i in 0..h.n_cell {
        if ck.full() {
            return None;
        }
        let cp = Pfx::Cell(t.root, pgno, i);
        let Some(pc) = h.cell_offset(data, i) else {
            coverage = false;
            continue;
        };
        if pc < h.content_start || pc + 4 > usable {
            ck.error(format!(
                "{cp}Offset {pc} out of range {}..{}",
                h.content_start,
                usable.saturating_sub(4)
            ));
            coverage = false;
            continue;
        }
        let Some(cell) = parse_cell(data, pc, h.flags, &ck.geom) else {
            ck.error(format!("{cp}Extends off end of page"));
            coverage = false;
            continue;
        };
        spans.push((pc, pc + cell.size - 1));
        if !h.is_leaf() {
            ck.check_ptrmap(cell.child, PTRMAP_BTREE, pgno, cp);
            let d = check_page(ck, t, cell.child, depth + 1, cp);
            merge_height(ck, d, cp);
        }
        check_cell_payload(ck, t, pgno, &h, data, &cell, cp);
    }
    if !h.is_leaf() {
        let cp = Pfx::Right(t.root, pgno);
        ck.check_ptrmap(h.right_child, PTRMAP_BTREE, pgno, cp);
        let d = check_page(ck, t, h.right_child, depth + 1, cp);
        merge_height(ck, d, cp);
    }
    if coverage && !ck.full() {
        check_coverage(ck, pgno, &h, spans, &freeblocks, usable);
    }
    Some(height.map_or(0, |d| d + 1))
}

/// The freeblock chain as (start, end inclusive) spans, validated as
/// SQLite's `btreeComputeFreeSpace` does (plus the 4-byte minimum size).
fn free_blocks(data: &[u8], h: &PageHeader, usable: usize) -> Result<Vec<(usize, usize)>, String> {
    let mut out = Vec::new();
    let mut pc = h.first_freeblock;
    if pc == 0 {
        return Ok(out);
    }
    if pc < h.content_start {
        return Err(format!("freeblock at {pc} before the content area"));
    }
    loop {
        if pc > usable - 4 {
            return Err(format!("freeblock at {pc} off the end of the page"));
        }
        let next = super::page::be16(data, pc).ok_or("freeblock beyond the page")?;
        let size = super::page::be16(data, pc + 2).ok_or("freeblock beyond the page")?;
        if size < 4 {
            return Err(format!("freeblock at {pc} of size {size}"));
        }
        if pc + size > usable {
            return Err(format!("freeblock at {pc} extends past the page end"));
        }
        out.push((pc, pc + size - 1));
        if next == 0 {
            return Ok(out);
        }
        if next <= pc + size + 3 {
            return Err(format!("freeblocks at {pc} and {next} out of order"));
        }
        pc = next;
    }
}

/// No byte of the content area used twice; unaccounted bytes = the
/// fragmented-byte count of the header.
fn check_coverage(
    ck: &mut Checker<'_>,
    pgno: u32,
    h: &PageHeader,
    mut spans: Vec<(usize, usize)>,
    freeblocks: &[(usize, usize)],
    usable: usize,
) {
    spans.extend_from_slice(freeblocks);
    spans.sort_unstable();
    let mut frag = 0usize;
    let mut prev_end = h.content_start - 1;
    for (start, end) in spans {
        if start <= prev_end {
            ck.error(format!("Multiple uses for byte {start} of page {pgno}"));
            return;
        }
        frag += start - prev_end - 1;
        prev_end = end;
    }
    frag += usable - prev_end - 1;
    if frag != h.frag as usize {
        ck.error(format!(
            "Fragmentation of {frag} bytes reported as {} on page {pgno}",
            h.frag
        ));
    }
}

/// Key order, overflow chain and record header of one cell.
fn check_cell_payload(
    ck: &mut Checker<'_>,
    t: &mut TreeCk<'_>,
    pgno: u32,
    h: &PageHeader,
    data: &[u8],
    cell: &Cell,
    cp: Pfx,
) {
    if h.flags == TABLE_INTERIOR || h.flags == TABLE_LEAF {
        let strict = h.flags == TABLE_LEAF;
        if let Some(last) = t.last_rowid {
            if cell.rowid < last || (strict && cell.rowid == last) {
                ck.error(format!("{cp}Rowid {} out of order", cell.rowid));
            }
        }
        t.last_rowid = Some(cell.rowid);
        if h.flags == TABLE_INTERIOR {
            return;
        }
    }
    // Payload: the local part, then the overflow chain. Tables need only the
    // record header; index keys are compared whole.
    let local = data
        .get(cell.local_off..cell.local_off + cell.local)
        .unwrap_or(&[]);
    let want = if h.is_table() {
        match get_varint(local) {
            Some((hs, _)) => (hs.min(cell.payload) as usize).min(1 << 20),
            None => 0,
        }
    } else {
        usize::try_from(cell.payload).unwrap_or(usize::MAX)
    };
    let mut buf = std::mem::take(&mut t.buf);
    buf.clear();
    buf.extend_from_slice(&local[..local.len().min(want)]);
    let mut complete = buf.len() >= want;
    if let Some(first) = cell.overflow {
        ck.check_ptrmap(first, PTRMAP_OVERFLOW1, pgno, cp);
        let n_pages = ck.geom.overflow_pages(cell.payload, cell.local);
        let rest = cell.payload - cell.local as u64;
        complete = ck.check_overflow(first, n_pages, rest, want, &mut buf, cp);
    }
    if complete && !ck.full() {
        match RecordReader::new(&buf) {
            Err(e) => ck.error(format!("{cp}malformed record ({e})")),
            Ok(r) if r.body_size() as u64 > cell.payload => ck.error(format!(
                "{cp}record needs {} bytes but the payload holds {}",
                r.body_size(),
                cell.payload
            )),
            Ok(_) => {}
        }
    }
    if let Some(ki) = t.key_info {
        if complete {
            if let Some(prev) = &t.last_key {
                match compare_records(prev, &buf, ki) {
                    Ok(Ordering::Less) => {}
                    Ok(_) => ck.error(format!("{cp}Key out of order in index {}", t.name)),
                    Err(_) => {} // the malformed record was reported above
                }
            }
            let old = t.last_key.replace(buf);
            t.buf = old.unwrap_or_default();
        } else {
            // Unknown key: the next one is not compared with a stale one.
            t.last_key = None;
            t.buf = buf;
        }
    } else {
        t.buf = buf;
    }
}
