//! Auto-vacuum: moving pages so the file can shrink (fileformat2 §1.6
//! "Pointer map or ptrmap pages", SQLite's `autoVacuumCommit`,
//! `incrVacuumStep`, `relocatePage`).
//!
//! Every page except page 1 and the pointer-map pages has a pointer-map
//! entry naming what points to it, so a page can move: its content is
//! copied, the one pointer to it (parent child pointer, a cell's first
//! overflow page, or the previous overflow page's next pointer) is
//! rewritten, and the pages it points to get their entries updated.
//!
//! A vacuum picks the final size `nfin`: the smallest size such that the
//! in-use pages above it fit into free pages below it (and, for
//! incremental vacuum, at most N pages are given up). The freelist is then
//! rebuilt: in-use pages above `nfin` move into free slots below it, the
//! remaining free slots are freed again, and the file is truncated.

use super::balance::fix_ptrmap;
use super::page::{cell_at, get_u32, put_u32, Limits, PageHeader};
use super::space::Node;
use crate::error::{Error, Result};
use crate::pager::{AutoVacuum, Pager};
use crate::ptrmap::{self, PtrType};
use crate::types::{lock_byte_page, PageNo};
use std::collections::HashSet;

fn is_special(pager: &Pager, pgno: u32) -> bool {
    pgno == 1
        || pager.is_ptrmap_page(PageNo(pgno))
        || pgno == lock_byte_page(pager.page_size()).get()
}

/// Take `pgno` off the freelist (or grow the file to include it), so that
/// the caller owns it. Its content is left as it was.
pub fn take_page(pager: &mut Pager, pgno: PageNo) -> Result<()> {
    let free = pager.freelist_pages()?;
    pager.update_header(|h| {
        h.freelist_trunk = 0;
        h.freelist_count = 0;
    })?;
    let mut extra = Vec::new();
    while pager.page_count() < pgno.get() {
        let p = pager.allocate()?;
        if p != pgno {
            extra.push(p);
        }
    }
    for f in free.into_iter().chain(extra) {
        if f != pgno {
            pager.free(f)?;
        }
    }
    Ok(())
}

/// Move the content of page `from` to page `to` (which the caller owns),
/// fixing the pointer to it and the pointer-map entries of its children.
pub fn relocate(pager: &mut Pager, from: PageNo, to: PageNo, allow_root: bool) -> Result<()> {
    let lim = Limits::new(pager.usable_size());
    let (ty, parent) = ptrmap::get(pager, from)?;
    match ty {
        PtrType::FreePage => return Err(Error::corrupt(format!("relocating free page {from}"))),
        PtrType::RootPage if !allow_root => {
            return Err(Error::corrupt(format!("unexpected root page {from}")))
        }
        _ => {}
    }
    let data = pager.read(from)?.data().to_vec();
    pager.write(to)?.copy_from_slice(&data);
    match ty {
        PtrType::RootPage | PtrType::BTree => {
            let node = Node::read(&data, to.get(), &lim)?;
            fix_ptrmap(pager, to.get(), &node, &lim)?;
        }
        _ => {
            let next = get_u32(&data, 0)?;
            if next != 0 {
                ptrmap::put(pager, PageNo(next), PtrType::Overflow2, to)?;
            }
        }
    }
    match ty {
        PtrType::BTree => {
            let page = pager.read(parent)?;
            let h = PageHeader::parse(&page, parent.get(), lim.usable)?;
            let mut at = None;
            for i in 0..=h.ncell {
                if h.child(&page, i)? == from.get() {
                    at = Some(if i == h.ncell {
                        h.hdr + 8
                    } else {
                        h.cell_offset(&page, i)?
                    });
                    break;
                }
            }
            let at = at.ok_or_else(|| {
                Error::corrupt(format!("page {parent} does not point to child {from}"))
            })?;
            drop(page);
            put_u32(pager.write(parent)?, at, to.get());
        }
        PtrType::Overflow1 => {
            let page = pager.read(parent)?;
            let h = PageHeader::parse(&page, parent.get(), lim.usable)?;
            let mut at = None;
            for i in 0..h.ncell {
                let (off, info) = cell_at(&page, &h, i, &lim)?;
                if info.overflow == from.get() {
                    at = Some(off + info.payload_off + info.local);
                    break;
                }
            }
            let at = at.ok_or_else(|| {
                Error::corrupt(format!("page {parent} does not own overflow page {from}"))
            })?;
            drop(page);
            put_u32(pager.write(parent)?, at, to.get());
        }
        PtrType::Overflow2 => {
            if get_u32(&pager.read(parent)?, 0)? != from.get() {
                return Err(Error::corrupt(format!(
                    "overflow page {parent} does not point to {from}"
                )));
            }
            put_u32(pager.write(parent)?, 0, to.get());
        }
        PtrType::RootPage | PtrType::FreePage => {}
    }
    ptrmap::put(pager, to, ty, parent)
}

/// Shrink the file by moving in-use pages into free slots. `limit`: give
/// up at most this many pages (incremental vacuum); None: as many as
/// possible. Returns the number of pages the file shrank by.
fn vacuum(pager: &mut Pager, limit: Option<u32>) -> Result<u32> {
    if pager.auto_vacuum() == AutoVacuum::None {
        return Ok(0);
    }
    let free: HashSet<u32> = pager
        .freelist_pages()?
        .into_iter()
        .map(|p| p.get())
        .collect();
    if free.is_empty() {
        return Ok(0);
    }
    let n_orig = pager.page_count();
    let (mut nfin, mut need, mut avail, mut removed) = (n_orig, 0usize, free.len(), 0u32);
    while nfin > 1 {
        let (n2, a2, r2) = if free.contains(&nfin) {
            (need, avail - 1, removed + 1)
        } else if is_special(pager, nfin) {
            (need, avail, removed)
        } else {
            (need + 1, avail, removed + 1)
        };
        if n2 > a2 || limit.is_some_and(|l| r2 > l) {
            break;
        }
        (need, avail, removed) = (n2, a2, r2);
        nfin -= 1;
    }
    while nfin > 1 && is_special(pager, nfin) {
        nfin -= 1;
    }
    if nfin == n_orig {
        return Ok(0);
    }
    pager.update_header(|h| {
        h.freelist_trunk = 0;
        h.freelist_count = 0;
    })?;
    let mut slots: Vec<u32> = free.iter().copied().filter(|p| *p <= nfin).collect();
    slots.sort_unstable();
    let movers: Vec<u32> = (nfin + 1..=n_orig)
        .rev()
        .filter(|p| !free.contains(p) && !is_special(pager, *p))
        .collect();
    if movers.len() > slots.len() {
        return Err(Error::corrupt("vacuum plan: not enough free pages"));
    }
    for (i, &p) in movers.iter().enumerate() {
        relocate(pager, PageNo(p), PageNo(slots[i]), false)?;
    }
    for &s in &slots[movers.len()..] {
        pager.free(PageNo(s))?;
    }
    pager.truncate_to(nfin)?;
    Ok(n_orig - nfin)
}

/// Call before `Pager::commit` in every write transaction: in FULL
/// auto-vacuum mode, moves pages from the end of the file into free slots
/// and truncates the freelist away (SQLite's `autoVacuumCommit`). A no-op
/// otherwise.
pub fn autovacuum_commit(pager: &mut Pager) -> Result<()> {
    if pager.auto_vacuum() == AutoVacuum::Full {
        vacuum(pager, None)?;
    }
    Ok(())
}

/// `PRAGMA incremental_vacuum(n)`: give up to `n` free pages back to the
/// file system (all of them when `n == 0`). Returns how many pages the file
/// shrank by. Works in FULL mode too (a no-op there in practice).
pub fn incremental_vacuum(pager: &mut Pager, n: u32) -> Result<u32> {
    vacuum(pager, if n == 0 { None } else { Some(n) })
}
