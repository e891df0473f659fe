//! Overflow chains: payload bytes that do not fit in a cell live in a linked
//! list of overflow pages, each `[u32 next page (0 on the last)][U-4 bytes]`.
//! The number of pages a chain must have follows from the payload size, so
//! walking a chain is bounded by that count: a cycle or a short chain is
//! `SQLITE_CORRUPT`, never an endless loop.

use super::page::{get_u32, put_u32, CellInfo, Limits, PageKind};
use crate::error::{Error, Result};
use crate::pager::{AutoVacuum, Pager};
use crate::ptrmap::{self, PtrType};
use crate::types::PageNo;
use crate::varint::put_varint;

/// Number of overflow pages holding `rest` bytes.
fn chain_len(rest: u64, lim: &Limits) -> u64 {
    rest.div_ceil(lim.usable as u64 - 4)
}

/// Build the cell for a payload on a page of `kind` (leaf format for index
/// interior: the caller prepends the left child), writing overflow pages.
/// The first overflow page's pointer-map entry is set when the cell is placed.
pub fn build_cell(
    pager: &mut Pager,
    kind: PageKind,
    rowid: i64,
    payload: &[u8],
    lim: &Limits,
) -> Result<Vec<u8>> {
    let mut cell = Vec::with_capacity(payload.len().min(lim.usable) + 18);
    build_cell_into(pager, kind, rowid, payload, lim, &mut cell)?;
    Ok(cell)
}

/// `build_cell` into `cell` (cleared first), so a caller inserting row
/// after row reuses one buffer.
pub fn build_cell_into(
    pager: &mut Pager,
    kind: PageKind,
    rowid: i64,
    payload: &[u8],
    lim: &Limits,
    cell: &mut Vec<u8>,
) -> Result<()> {
    cell.clear();
    if kind == PageKind::IndexInterior {
        cell.extend_from_slice(&[0, 0, 0, 0]);
    }
    if payload.len() as u64 > u32::MAX as u64 / 2 {
        return Err(Error::new(
            crate::ResultCode::TOOBIG,
            "string or blob too big",
        ));
    }
    put_varint(payload.len() as u64, cell);
    if kind == PageKind::TableLeaf {
        put_varint(rowid as u64, cell);
    }
    let local = lim.local_size(kind, payload.len() as u64);
    cell.extend_from_slice(&payload[..local]);
    if local < payload.len() {
        let rest = &payload[local..];
        let n = chain_len(rest.len() as u64, lim) as usize;
        let mut pages = Vec::with_capacity(n);
        for _ in 0..n {
            pages.push(pager.allocate()?);
        }
        let chunk = lim.usable - 4;
        let av = pager.auto_vacuum() != AutoVacuum::None;
        for (i, part) in rest.chunks(chunk).enumerate() {
            let next = pages.get(i + 1).map_or(0, |p| p.get());
            let d = pager.write(pages[i])?;
            put_u32(d, 0, next);
            d[4..4 + part.len()].copy_from_slice(part);
            if av && i > 0 {
                ptrmap::put(pager, pages[i], PtrType::Overflow2, pages[i - 1])?;
            }
        }
        put_u32_vec(cell, pages[0].get());
    }
    while cell.len() < 4 {
        cell.push(0);
    }
    Ok(())
}

fn put_u32_vec(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_be_bytes());
}

/// Append the overflow part of a cell's payload (everything past the local
/// bytes) to `out`, reading at most `limit` more bytes.
pub fn read_overflow(
    pager: &Pager,
    info: &CellInfo,
    lim: &Limits,
    out: &mut Vec<u8>,
    limit: usize,
) -> Result<()> {
    check_plausible(pager, info, lim)?;
    let mut rest = (info.payload_len - info.local as u64).min(limit as u64) as usize;
    let mut pg = info.overflow;
    let chunk = lim.usable - 4;
    let max_pages = chain_len(info.payload_len - info.local as u64, lim);
    let mut visited = 0u64;
    while rest > 0 {
        visited += 1;
        if pg == 0 || visited > max_pages {
            return Err(Error::corrupt("overflow chain too short"));
        }
        let page = pager.read(PageNo(pg))?;
        let take = rest.min(chunk);
        out.extend_from_slice(
            page.get(4..4 + take)
                .ok_or_else(|| Error::corrupt("short overflow page"))?,
        );
        rest -= take;
        pg = get_u32(&page, 0)?;
    }
    Ok(())
}

/// A payload cannot need more overflow pages than the file has.
pub fn check_plausible(pager: &Pager, info: &CellInfo, lim: &Limits) -> Result<()> {
    if chain_len(info.payload_len - info.local as u64, lim) > pager.page_count() as u64 {
        return Err(Error::corrupt("payload larger than the database"));
    }
    Ok(())
}

/// The pages of a cell's overflow chain, in order (validated for length).
pub fn chain_pages(pager: &Pager, info: &CellInfo, lim: &Limits) -> Result<Vec<PageNo>> {
    if info.overflow == 0 {
        return Ok(Vec::new());
    }
    check_plausible(pager, info, lim)?;
    let n = chain_len(info.payload_len - info.local as u64, lim);
    let mut out = Vec::with_capacity(n as usize);
    let mut seen = std::collections::HashSet::new();
    let mut pg = info.overflow;
    for _ in 0..n {
        if pg == 0 || pg > pager.page_count() || !seen.insert(pg) {
            return Err(Error::corrupt("overflow chain too short or cyclic"));
        }
        out.push(PageNo(pg));
        pg = get_u32(&pager.read(PageNo(pg))?, 0)?;
    }
    Ok(out)
}

/// Free a cell's overflow chain.
pub fn free_chain(pager: &mut Pager, info: &CellInfo, lim: &Limits) -> Result<()> {
    for p in chain_pages(pager, info, lim)? {
        pager.free(p)?;
    }
    Ok(())
}
