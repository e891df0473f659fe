//! The 100-byte database header at the start of page 1 (fileformat2 §1.3).
//!
//! ```text
//! off size field
//!   0  16  magic "SQLite format 3\0"
//!  16   2  page size (big-endian; 1 means 65536)
//!  18   1  file format write version (1 legacy, 2 WAL)
//!  19   1  file format read version  (1 legacy, 2 WAL)
//!  20   1  reserved bytes at the end of each page
//!  21   1  max embedded payload fraction (must be 64)
//!  22   1  min embedded payload fraction (must be 32)
//!  23   1  leaf payload fraction (must be 32)
//!  24   4  file change counter
//!  28   4  database size in pages ("in-header database size")
//!  32   4  first freelist trunk page
//!  36   4  total number of freelist pages
//!  40   4  schema cookie
//!  44   4  schema format number (1..4)
//!  48   4  default page cache size
//!  52   4  largest root b-tree page (auto/incremental vacuum), else 0
//!  56   4  text encoding (1 UTF-8, 2 UTF-16le, 3 UTF-16be)
//!  60   4  user version
//!  64   4  incremental-vacuum mode (non-zero = incremental)
//!  68   4  application id
//!  72  20  reserved for expansion, zero
//!  92   4  version-valid-for number
//!  96   4  SQLITE_VERSION_NUMBER of the last writer
//! ```
//! All integers are big-endian. Invariants checked by [`DbHeader::parse`], with
//! the result codes SQLite's `lockBtree()` gives: wrong magic, a read version
//! above 2, payload fractions other than 64/32/32, a page size that is not a
//! power of two in 512..=65536, or a usable size below 480 all make the file
//! "not a database" (`SQLITE_NOTADB`).

use crate::error::{Error, Result};

/// The 16 magic bytes every database file starts with.
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Size of the header in bytes.
pub const HEADER_SIZE: usize = 100;
/// The SQLite version number Chorus writes at offset 96 (the file format it
/// produces is that of this SQLite release).
pub const WRITER_VERSION_NUMBER: u32 = 3_046_000;
/// Smallest usable page size SQLite accepts (fileformat2: "must be at least 480").
pub const MIN_USABLE_SIZE: usize = 480;

/// Every field of the database header, decoded. `page_size` holds the real
/// size (65536, not the on-disk 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbHeader {
    pub page_size: u32,
    pub write_version: u8,
    pub read_version: u8,
    pub reserved_bytes: u8,
    pub max_payload_fraction: u8,
    pub min_payload_fraction: u8,
    pub leaf_payload_fraction: u8,
    pub change_counter: u32,
    pub page_count: u32,
    pub freelist_trunk: u32,
    pub freelist_count: u32,
    pub schema_cookie: u32,
    pub schema_format: u32,
    pub default_cache_size: u32,
    pub largest_root_page: u32,
    pub text_encoding: u32,
    pub user_version: u32,
    pub incremental_vacuum: u32,
    pub application_id: u32,
    pub version_valid_for: u32,
    pub sqlite_version_number: u32,
}

fn be32(b: &[u8], off: usize) -> u32 {
    // Callers pass `b` of at least HEADER_SIZE bytes and constant offsets < 97.
    u32::from_be_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn put32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_be_bytes());
}

/// Is `size` a page size SQLite accepts (power of two, 512..=65536)?
pub fn valid_page_size(size: usize) -> bool {
    size.is_power_of_two() && (512..=65536).contains(&size)
}

impl DbHeader {
    /// The header of a new, empty database, exactly as SQLite's
    /// `newDatabase()` writes it: the schema format and text encoding stay 0
    /// ("not set yet") until the first `CREATE` sets them (to 4 and 1 for UTF-8).
    pub fn new(page_size: u32, reserved_bytes: u8) -> DbHeader {
        DbHeader {
            page_size,
            write_version: 1,
            read_version: 1,
            reserved_bytes,
            max_payload_fraction: 64,
            min_payload_fraction: 32,
            leaf_payload_fraction: 32,
            change_counter: 0,
            page_count: 0,
            freelist_trunk: 0,
            freelist_count: 0,
            schema_cookie: 0,
            schema_format: 0,
            default_cache_size: 0,
            largest_root_page: 0,
            text_encoding: 0,
            user_version: 0,
            incremental_vacuum: 0,
            application_id: 0,
            version_valid_for: 0,
            sqlite_version_number: WRITER_VERSION_NUMBER,
        }
    }

    /// Decode and validate the first 100 bytes of a database file.
    pub fn parse(b: &[u8]) -> Result<DbHeader> {
        if b.len() < HEADER_SIZE || &b[..16] != MAGIC {
            return Err(Error::not_a_database());
        }
        let raw_size = u16::from_be_bytes([b[16], b[17]]) as u32;
        let page_size = if raw_size == 1 { 65536 } else { raw_size };
        let h = DbHeader {
            page_size,
            write_version: b[18],
            read_version: b[19],
            reserved_bytes: b[20],
            max_payload_fraction: b[21],
            min_payload_fraction: b[22],
            leaf_payload_fraction: b[23],
            change_counter: be32(b, 24),
            page_count: be32(b, 28),
            freelist_trunk: be32(b, 32),
            freelist_count: be32(b, 36),
            schema_cookie: be32(b, 40),
            schema_format: be32(b, 44),
            default_cache_size: be32(b, 48),
            largest_root_page: be32(b, 52),
            text_encoding: be32(b, 56),
            user_version: be32(b, 60),
            incremental_vacuum: be32(b, 64),
            application_id: be32(b, 68),
            version_valid_for: be32(b, 92),
            sqlite_version_number: be32(b, 96),
        };
        h.validate()?;
        Ok(h)
    }

    /// The checks of SQLite's `lockBtree()`; all failures are `SQLITE_NOTADB`.
    pub fn validate(&self) -> Result<()> {
        if self.read_version > 2 {
            return Err(Error::not_a_database());
        }
        if (
            self.max_payload_fraction,
            self.min_payload_fraction,
            self.leaf_payload_fraction,
        ) != (64, 32, 32)
        {
            return Err(Error::not_a_database());
        }
        if !valid_page_size(self.page_size as usize) {
            return Err(Error::not_a_database());
        }
        if self.usable_size() < MIN_USABLE_SIZE {
            return Err(Error::not_a_database());
        }
        Ok(())
    }

    /// Page size minus the reserved bytes.
    pub fn usable_size(&self) -> usize {
        (self.page_size as usize).saturating_sub(self.reserved_bytes as usize)
    }

    /// Is the in-header page count trustworthy? (fileformat2: only when it is
    /// non-zero and the version-valid-for number equals the change counter.)
    pub fn page_count_valid(&self) -> bool {
        self.page_count != 0 && self.version_valid_for == self.change_counter
    }

    /// A write version above 2 makes the file read-only for this library.
    pub fn write_protected(&self) -> bool {
        self.write_version > 2
    }

    /// Encode into `b[0..100]` (which must be at least 100 bytes long).
    /// Bytes 72..92 (reserved for expansion) are written as zeros.
    pub fn write_to(&self, b: &mut [u8]) {
        let b = &mut b[..HEADER_SIZE];
        b[..16].copy_from_slice(MAGIC);
        let raw_size: u16 = if self.page_size >= 65536 {
            1
        } else {
            self.page_size as u16
        };
        b[16..18].copy_from_slice(&raw_size.to_be_bytes());
        b[18] = self.write_version;
        b[19] = self.read_version;
        b[20] = self.reserved_bytes;
        b[21] = self.max_payload_fraction;
        b[22] = self.min_payload_fraction;
        b[23] = self.leaf_payload_fraction;
        put32(b, 24, self.change_counter);
        put32(b, 28, self.page_count);
        put32(b, 32, self.freelist_trunk);
        put32(b, 36, self.freelist_count);
        put32(b, 40, self.schema_cookie);
        put32(b, 44, self.schema_format);
        put32(b, 48, self.default_cache_size);
        put32(b, 52, self.largest_root_page);
        put32(b, 56, self.text_encoding);
        put32(b, 60, self.user_version);
        put32(b, 64, self.incremental_vacuum);
        put32(b, 68, self.application_id);
        b[72..92].fill(0);
        put32(b, 92, self.version_valid_for);
        put32(b, 96, self.sqlite_version_number);
    }

    /// Encode into a fresh 100-byte array.
    pub fn to_bytes(&self) -> [u8; HEADER_SIZE] {
        let mut b = [0u8; HEADER_SIZE];
        self.write_to(&mut b);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ResultCode;

    fn sample() -> DbHeader {
        let mut h = DbHeader::new(4096, 0);
        h.change_counter = 7;
        h.page_count = 12;
        h.freelist_trunk = 5;
        h.freelist_count = 3;
        h.schema_cookie = 9;
        h.user_version = 0xdead_beef;
        h.application_id = 42;
        h.version_valid_for = 7;
        h
    }

    #[test]
    fn round_trip_every_field() {
        let h = sample();
        let b = h.to_bytes();
        assert_eq!(&b[..16], MAGIC);
        assert_eq!(DbHeader::parse(&b).unwrap(), h);
        assert_eq!(&b[60..64], &0xdead_beefu32.to_be_bytes());
    }

    #[test]
    fn page_size_65536_is_stored_as_one() {
        let h = DbHeader::new(65536, 0);
        let b = h.to_bytes();
        assert_eq!(&b[16..18], &[0, 1]);
        assert_eq!(DbHeader::parse(&b).unwrap().page_size, 65536);
    }

    fn expect_notadb(mut patch: impl FnMut(&mut [u8; HEADER_SIZE])) {
        let mut b = sample().to_bytes();
        patch(&mut b);
        assert_eq!(DbHeader::parse(&b).unwrap_err().code, ResultCode::NOTADB);
    }

    #[test]
    fn invalid_headers_are_not_a_database() {
        expect_notadb(|b| b[0] = b'X');
        expect_notadb(|b| b[16..18].copy_from_slice(&1000u16.to_be_bytes()));
        expect_notadb(|b| b[16..18].copy_from_slice(&256u16.to_be_bytes()));
        expect_notadb(|b| b[16..18].copy_from_slice(&0u16.to_be_bytes()));
        expect_notadb(|b| b[21] = 65);
        expect_notadb(|b| b[22] = 31);
        expect_notadb(|b| b[23] = 0);
        expect_notadb(|b| b[19] = 3);
        // 512-byte pages with 33 reserved bytes leave 479 usable bytes.
        expect_notadb(|b| {
            b[16..18].copy_from_slice(&512u16.to_be_bytes());
            b[20] = 33;
        });
        assert_eq!(
            DbHeader::parse(&[0u8; 10]).unwrap_err().code,
            ResultCode::NOTADB
        );
        assert_eq!(DbHeader::parse(&[]).unwrap_err().code, ResultCode::NOTADB);
    }

    #[test]
    fn boundary_values_are_accepted() {
        let mut b = sample().to_bytes();
        b[16..18].copy_from_slice(&512u16.to_be_bytes());
        b[20] = 32; // 480 usable bytes: the minimum
        assert_eq!(DbHeader::parse(&b).unwrap().usable_size(), 480);
        b[18] = 2;
        b[19] = 2; // WAL
        assert!(DbHeader::parse(&b).is_ok());
        b[18] = 3; // unknown write version: readable, not writable
        assert!(DbHeader::parse(&b).unwrap().write_protected());
    }

    #[test]
    fn in_header_page_count_validity() {
        let mut h = sample();
        assert!(h.page_count_valid());
        h.version_valid_for = 6;
        assert!(!h.page_count_valid());
        h.version_valid_for = 7;
        h.page_count = 0;
        assert!(!h.page_count_valid());
    }

    #[test]
    fn reserved_expansion_bytes_written_as_zero() {
        let mut b = [0xffu8; HEADER_SIZE];
        sample().write_to(&mut b);
        assert!(b[72..92].iter().all(|&x| x == 0));
    }
}
