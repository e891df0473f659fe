//! Pointer-map pages (fileformat2 §1.6), present only in auto-vacuum and
//! incremental-vacuum databases.
//!
//! A pointer-map page holds 5-byte entries, one for each of the
//! `J = usable_size / 5` pages that follow it: byte 0 is the type
//! ([`PtrType`]), bytes 1..5 the big-endian parent page number. The first
//! pointer-map page is page 2; the next one follows the J pages it maps, so
//! pointer-map pages are 2, 3+J, 4+2J, ... — except that when that position is
//! the lock-byte page, the pointer-map page is the page after it (SQLite's
//! `ptrmapPageno`). The entry for page P lives on pointer-map page M at offset
//! `5 * (P - M - 1)`. Page 1 and pointer-map pages themselves have no entry.

use crate::error::{Error, Result, ResultCode};
use crate::pager::{AutoVacuum, Pager};
use crate::types::{lock_byte_page, PageNo};

/// The type byte of a pointer-map entry.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[repr(u8)]
pub enum PtrType {
    /// A B-tree root page (parent 0).
    RootPage = 1,
    /// A page on the freelist (parent 0).
    FreePage = 2,
    /// The first page of an overflow chain (parent: the B-tree page holding the cell).
    Overflow1 = 3,
    /// A later overflow page (parent: the previous overflow page).
    Overflow2 = 4,
    /// A non-root B-tree page (parent: its parent B-tree page).
    BTree = 5,
}

impl PtrType {
    pub fn from_byte(b: u8) -> Option<PtrType> {
        Some(match b {
            1 => PtrType::RootPage,
            2 => PtrType::FreePage,
            3 => PtrType::Overflow1,
            4 => PtrType::Overflow2,
            5 => PtrType::BTree,
            _ => return None,
        })
    }
}

/// The pointer-map page that holds the entry for `pgno` (0 for pages 0 and 1).
pub fn ptrmap_page_for(pgno: u32, usable_size: usize, page_size: usize) -> u32 {
    if pgno < 2 {
        return 0;
    }
    let per_map = (usable_size / 5) as u64 + 1;
    let idx = (pgno as u64 - 2) / per_map;
    let mut ret = idx * per_map + 2;
    if ret == lock_byte_page(page_size).get() as u64 {
        ret += 1;
    }
    ret.min(u32::MAX as u64) as u32
}

/// Is `pgno` a pointer-map page of an auto-vacuum database with this geometry?
pub fn is_ptrmap_page(pgno: u32, usable_size: usize, page_size: usize) -> bool {
    pgno >= 2 && ptrmap_page_for(pgno, usable_size, page_size) == pgno
}

/// Locate the entry of `pgno`: (pointer-map page, byte offset in it).
fn locate(pager: &Pager, pgno: PageNo) -> Result<(PageNo, usize)> {
    if pager.auto_vacuum() == AutoVacuum::None {
        return Err(Error::new(
            ResultCode::MISUSE,
            "pointer map of a database without auto-vacuum",
        ));
    }
    let p = pgno.get();
    let map = ptrmap_page_for(p, pager.usable_size(), pager.page_size());
    if map == 0 || p <= map {
        return Err(Error::corrupt(format!("no pointer-map entry for page {p}")));
    }
    if map > pager.page_count() {
        return Err(Error::corrupt(format!(
            "pointer-map page {map} beyond the database"
        )));
    }
    let offset = 5 * (p - map - 1) as usize;
    if offset + 5 > pager.usable_size() {
        return Err(Error::corrupt(format!(
            "pointer-map entry of page {p} out of range"
        )));
    }
    Ok((PageNo(map), offset))
}

/// Read the pointer-map entry of `pgno`.
pub fn get(pager: &Pager, pgno: PageNo) -> Result<(PtrType, PageNo)> {
    let (map, off) = locate(pager, pgno)?;
    let page = pager.read(map)?;
    let entry = page
        .get(off..off + 5)
        .ok_or_else(|| Error::corrupt("pointer-map entry out of range"))?;
    let ty = PtrType::from_byte(entry[0]).ok_or_else(|| {
        Error::corrupt(format!(
            "bad pointer-map type {} for page {}",
            entry[0], pgno
        ))
    })?;
    let parent = u32::from_be_bytes([entry[1], entry[2], entry[3], entry[4]]);
    Ok((ty, PageNo(parent)))
}

/// Write the pointer-map entry of `pgno` (write transaction). The page is
/// dirtied only when the entry actually changes.
pub fn put(pager: &mut Pager, pgno: PageNo, ty: PtrType, parent: PageNo) -> Result<()> {
    let (map, off) = locate(pager, pgno)?;
    let mut want = [0u8; 5];
    want[0] = ty as u8;
    want[1..].copy_from_slice(&parent.get().to_be_bytes());
    {
        let page = pager.read(map)?;
        if page.get(off..off + 5) == Some(&want[..]) {
            return Ok(());
        }
    }
    let page = pager.write(map)?;
    let slot = page
        .get_mut(off..off + 5)
        .ok_or_else(|| Error::corrupt("pointer-map entry out of range"))?;
    slot.copy_from_slice(&want);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_map_page_positions() {
        // 1024-byte pages: 204 entries per map page; maps at 2, 207, 412, ...
        let (u, ps) = (1024, 1024);
        assert_eq!(ptrmap_page_for(1, u, ps), 0);
        assert_eq!(ptrmap_page_for(2, u, ps), 2);
        assert_eq!(ptrmap_page_for(3, u, ps), 2);
        assert_eq!(ptrmap_page_for(206, u, ps), 2);
        assert_eq!(ptrmap_page_for(207, u, ps), 207);
        assert_eq!(ptrmap_page_for(208, u, ps), 207);
        assert_eq!(ptrmap_page_for(412, u, ps), 412);
        assert!(is_ptrmap_page(2, u, ps));
        assert!(!is_ptrmap_page(3, u, ps));
        assert!(is_ptrmap_page(207, u, ps));
        assert!(!is_ptrmap_page(1, u, ps));
        // Reserved bytes shrink the usable size and so the spacing.
        assert_eq!(ptrmap_page_for(200, 1000, 1024), 2);
        assert!(is_ptrmap_page(203, 1000, 1024));
    }

    #[test]
    fn pointer_map_page_after_the_lock_byte_page() {
        // 1024-byte pages: the lock-byte page 1048577 falls exactly on a map
        // position (1048577 - 2 is a multiple of 205), so the map page moves
        // to the next page, as in SQLite's ptrmapPageno().
        let (u, ps) = (1024, 1024);
        let lock = lock_byte_page(ps).get();
        assert_eq!(lock, 1_048_577);
        assert_eq!((lock - 2) % 205, 0);
        assert_eq!(ptrmap_page_for(lock, u, ps), lock + 1);
        assert_eq!(ptrmap_page_for(lock + 5, u, ps), lock + 1);
        assert!(is_ptrmap_page(lock + 1, u, ps));
        assert!(!is_ptrmap_page(lock, u, ps));
        assert_eq!(ptrmap_page_for(lock - 1, u, ps), lock - 205);
    }

    #[test]
    fn type_byte_decoding() {
        for b in 1..=5u8 {
            assert_eq!(PtrType::from_byte(b).map(|t| t as u8), Some(b));
        }
        assert_eq!(PtrType::from_byte(0), None);
        assert_eq!(PtrType::from_byte(6), None);
    }
}
