//! Newtypes that keep page numbers, byte offsets and rowids from being mixed up.

use std::fmt;

/// A 1-based page number in the database file. Page 1 holds the database
/// header and the root of `sqlite_schema`. Zero never names a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageNo(pub u32);

impl PageNo {
    pub const FIRST: PageNo = PageNo(1);

    pub fn get(self) -> u32 {
        self.0
    }

    /// Byte offset of this page in the database file.
    pub fn file_offset(self, page_size: usize) -> u64 {
        (self.0 as u64 - 1) * page_size as u64
    }
}

impl fmt::Display for PageNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The 64-bit key of a table B-tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RowId(pub i64);

impl fmt::Display for RowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The page number of the lock-byte page for a given page size: the page
/// that holds file offset 1,073,741,824 (never used for content).
pub fn lock_byte_page(page_size: usize) -> PageNo {
    PageNo((0x4000_0000u64 / page_size as u64) as u32 + 1)
}
