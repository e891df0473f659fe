//! The rollback journal, in SQLite's format (fileformat2 §"The Rollback
//! Journal", atomiccommit).
//!
//! ```text
//! journal = segment+            each segment starts on a sector boundary
//! segment = header (one sector) record{nRec}
//! header  = magic d9 d5 05 f9 20 a1 63 d7 (8)
//!           nRec (4, BE; 0xFFFFFFFF = "as many as the file holds")
//!           checksum nonce (4) | initial db size in pages (4)
//!           sector size (4)    | page size (4)   | unused to the sector end
//! record  = page number (4) | original page image (page size) | checksum (4)
//! checksum = nonce + Σ data[k] for k = page_size-200, page_size-400, ... > 0
//! ```
//! Invariants of a journal written by [`write_journal`]:
//! - it is complete and (unless `synchronous=OFF`) synced before the caller
//!   modifies the database; nRec is 0 until the records are written (and, at
//!   FULL, synced), so a half-written journal plays back nothing;
//! - every record holds a page's image as of the start of the transaction,
//!   each page at most once, only pages that existed then (≤ initial size).
//!
//! [`playback`] restores a database from a hot journal, whether Chorus or
//! `sqlite3` wrote it (several segments, any valid sector size): each record
//! is checked against its checksum and playback stops at the first bad one
//! (a torn record), then the file is truncated to the first segment's initial
//! size. The commit point of a transaction is the moment the journal stops
//! being hot: deletion (DELETE), truncation to 0 (TRUNCATE), or zeroing its
//! header (PERSIST).

use crate::error::{Error, Result};
use crate::header::valid_page_size;
use crate::pager::Synchronous;
use crate::vfs::{SyncKind, VfsFile};
use std::collections::HashSet;

/// The 8-byte journal magic.
pub const JOURNAL_MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];
/// Sector size Chorus writes journals with (header size).
pub const SECTOR_SIZE: u32 = 512;
/// Bytes of the header fields that matter (zeroed to commit in PERSIST mode).
pub const HEADER_FIELDS: usize = 28;

/// `PRAGMA journal_mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JournalMode {
    Delete,
    Truncate,
    Persist,
    Memory,
    Off,
    Wal,
}

impl JournalMode {
    /// The name `PRAGMA journal_mode` reports.
    pub fn name(self) -> &'static str {
        match self {
            JournalMode::Delete => "delete",
            JournalMode::Truncate => "truncate",
            JournalMode::Persist => "persist",
            JournalMode::Memory => "memory",
            JournalMode::Off => "off",
            JournalMode::Wal => "wal",
        }
    }

    /// Parse a `PRAGMA journal_mode` argument (case-insensitive).
    pub fn parse(s: &str) -> Option<JournalMode> {
        Some(match s.to_ascii_lowercase().as_str() {
            "delete" => JournalMode::Delete,
            "truncate" => JournalMode::Truncate,
            "persist" => JournalMode::Persist,
            "memory" => JournalMode::Memory,
            "off" => JournalMode::Off,
            "wal" => JournalMode::Wal,
            _ => return None,
        })
    }

    /// Does this mode keep a journal file on disk?
    pub fn uses_file(self) -> bool {
        matches!(
            self,
            JournalMode::Delete | JournalMode::Truncate | JournalMode::Persist
        )
    }
}

/// The checksum of one page record.
pub fn record_checksum(nonce: u32, data: &[u8]) -> u32 {
    let mut sum = nonce;
    let mut i = data.len() as i64 - 200;
    while i > 0 {
        sum = sum.wrapping_add(data.get(i as usize).copied().unwrap_or(0) as u32);
        i -= 200;
    }
    sum
}

fn header_bytes(nrec: u32, nonce: u32, db_size: u32, page_size: u32) -> Vec<u8> {
    let mut h = vec![0u8; SECTOR_SIZE as usize];
    h[..8].copy_from_slice(&JOURNAL_MAGIC);
    h[8..12].copy_from_slice(&nrec.to_be_bytes());
    h[12..16].copy_from_slice(&nonce.to_be_bytes());
    h[16..20].copy_from_slice(&db_size.to_be_bytes());
    h[20..24].copy_from_slice(&SECTOR_SIZE.to_be_bytes());
    h[24..28].copy_from_slice(&page_size.to_be_bytes());
    h
}

/// Write a complete journal for a transaction to `jf` (from offset 0) and
/// sync it as `sync` requires. `pages` are the original images.
pub fn write_journal(
    jf: &dyn VfsFile,
    page_size: usize,
    nonce: u32,
    db_size: u32,
    pages: &[(u32, &[u8])],
    sync: Synchronous,
) -> Result<()> {
    write_segment(jf, 0, page_size, nonce, db_size, pages, sync, true).map(|_| ())
}

/// Write one journal segment at `off` (a sector boundary): a header, then the
/// records of `pages`, synced as `sync` requires, with nRec filled in last
/// (at OFF it is written at once: the exact count, or "as many as the file
/// holds" when `last`, the journal's final segment). Returns the offset of
/// the next segment. If the file extends past this segment (a PERSIST journal
/// from an earlier transaction), the next header position is zeroed, so
/// playback stops there. A transaction that spills its cache writes one segment
/// per spill and a final one at commit; every segment is complete and synced
/// before the database pages it covers are written.
#[allow(clippy::too_many_arguments)]
pub fn write_segment(
    jf: &dyn VfsFile,
    off: u64,
    page_size: usize,
    nonce: u32,
    db_size: u32,
    pages: &[(u32, &[u8])],
    sync: Synchronous,
    last: bool,
) -> Result<u64> {
    let nrec = pages.len() as u32;
    let first_nrec = match (sync, last) {
        (Synchronous::Off, true) => 0xFFFF_FFFF,
        (Synchronous::Off, false) => nrec,
        _ => 0,
    };
    // The size is read before writing: a stat between a write and its sync
    // makes the kernel (multigrain timestamps) stamp the next write finely,
    // dirtying the inode, so the second FULL sync would write it again.
    let size_before = jf.size()?;
    jf.write_at(
        &header_bytes(first_nrec, nonce, db_size, page_size as u32),
        off,
    )?;
    let rec_len = page_size + 8;
    let mut buf = Vec::with_capacity(rec_len * pages.len().clamp(1, 64));
    let mut at = off + SECTOR_SIZE as u64;
    for chunk in pages.chunks(64) {
        buf.clear();
        for (pgno, data) in chunk {
            buf.extend_from_slice(&pgno.to_be_bytes());
            buf.extend_from_slice(data);
            buf.extend_from_slice(&record_checksum(nonce, data).to_be_bytes());
        }
        jf.write_at(&buf, at)?;
        at += buf.len() as u64;
    }
    let next = at.div_ceil(SECTOR_SIZE as u64) * SECTOR_SIZE as u64;
    if size_before > next {
        // A reused (PERSIST) file: whatever follows must not read as a
        // segment of this journal.
        jf.write_at(&[0u8; HEADER_FIELDS], next)?;
    }
    match sync {
        Synchronous::Off => {}
        Synchronous::Normal => {
            jf.write_at(&nrec.to_be_bytes(), off + 8)?;
            jf.sync(SyncKind::Normal)?;
        }
        Synchronous::Full | Synchronous::Extra => {
            jf.sync(SyncKind::Full)?;
            jf.write_at(&nrec.to_be_bytes(), off + 8)?;
            jf.sync(SyncKind::Full)?;
        }
    }
    Ok(next)
}

/// Is the journal's first header plausibly live (non-empty file whose first
/// byte is not zero, the PERSIST-mode "committed" marker)?
pub fn looks_hot(jf: &dyn VfsFile) -> Result<bool> {
    if jf.size()? == 0 {
        return Ok(false);
    }
    let mut b = [0u8; 1];
    jf.read_at(&mut b, 0)?;
    Ok(b[0] != 0)
}

fn be32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_be_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

/// What [`playback`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playback {
    /// Page size of the journal (and of the database it belongs to).
    pub page_size: usize,
    /// The database size (pages) the file was truncated to.
    pub db_size: u32,
    /// Page records written back.
    pub pages_restored: usize,
}

/// Roll the database `db` back with the hot journal `jf`. Returns `None` when
/// the journal holds no valid header (nothing to do). Does not sync `db`.
pub fn playback(db: &dyn VfsFile, jf: &dyn VfsFile) -> Result<Option<Playback>> {
    let size = jf.size()?;
    let mut off: u64 = 0;
    let mut first: Option<(u32, usize)> = None; // (initial db size, page size)
    let mut done: HashSet<u32> = HashSet::new();
    let mut restored = 0usize;
    let mut hdr = [0u8; HEADER_FIELDS];
    'segments: while off + HEADER_FIELDS as u64 <= size {
        jf.read_at(&mut hdr, off)?;
        if hdr[..8] != JOURNAL_MAGIC {
            break;
        }
        let mut nrec = be32(&hdr, 8);
        let nonce = be32(&hdr, 12);
        let db_size = be32(&hdr, 16);
        let sector = be32(&hdr, 20);
        let ps = be32(&hdr, 24) as usize;
        if !(32..=65536).contains(&sector) || !sector.is_power_of_two() || !valid_page_size(ps) {
            break;
        }
        match first {
            None => first = Some((db_size, ps)),
            Some((_, p)) if p != ps => break,
            _ => {}
        }
        off += sector as u64;
        let rec_len = (ps + 8) as u64;
        if nrec == 0xFFFF_FFFF {
            nrec = (size.saturating_sub(off) / rec_len) as u32;
        }
        let mut rec = vec![0u8; ps + 8];
        for _ in 0..nrec {
            if off + rec_len > size {
                break 'segments;
            }
            jf.read_at(&mut rec, off)?;
            let pgno = be32(&rec, 0);
            let data = &rec[4..4 + ps];
            let sum = be32(&rec, 4 + ps);
            if pgno == 0 || sum != record_checksum(nonce, data) {
                break 'segments;
            }
            let limit = first.map_or(0, |f| f.0);
            if pgno <= limit && done.insert(pgno) {
                db.write_at(data, (pgno as u64 - 1) * ps as u64)?;
                restored += 1;
            }
            off += rec_len;
        }
        // The next segment header starts on a sector boundary.
        off = off.div_ceil(sector as u64) * sector as u64;
        if nrec == 0 {
            break;
        }
    }
    let Some((db_size, ps)) = first else {
        return Ok(None);
    };
    let want = db_size as u64 * ps as u64;
    if db.size()? > want {
        db.truncate(want)?;
    }
    Ok(Some(Playback {
        page_size: ps,
        db_size,
        pages_restored: restored,
    }))
}

/// Error for a hot journal that a read-only connection cannot roll back.
pub fn readonly_rollback() -> Error {
    Error::new(
        crate::error::ResultCode(8 | (3 << 8)),
        "attempt to write a readonly database (hot journal needs rollback)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::{MemoryVfs, OpenFlags, Vfs};

    fn rw() -> OpenFlags {
        OpenFlags {
            read_only: false,
            create: true,
            delete_on_close: false,
        }
    }

    #[test]
    fn checksum_samples_every_200th_byte() {
        let mut d = vec![0u8; 1024];
        assert_eq!(record_checksum(7, &d), 7);
        d[824] = 1;
        d[24] = 2;
        d[0] = 100; // never sampled
        assert_eq!(record_checksum(7, &d), 10);
    }

    #[test]
    fn write_then_playback_restores_originals_and_size() {
        let vfs = MemoryVfs::new();
        let db = vfs.open("db", rw()).unwrap();
        let jf = vfs.open("db-journal", rw()).unwrap();
        db.write_at(&[1u8; 1024 * 3], 0).unwrap();
        let orig2 = [2u8; 1024];
        write_journal(
            &*jf,
            1024,
            0xabcdef,
            2,
            &[(2, &orig2[..])],
            Synchronous::Full,
        )
        .unwrap();
        db.write_at(&[9u8; 1024 * 4], 0).unwrap();
        let p = playback(&*db, &*jf).unwrap().unwrap();
        assert_eq!(p.db_size, 2);
        assert_eq!(p.pages_restored, 1);
        let bytes = vfs.file_bytes("db").unwrap();
        assert_eq!(bytes.len(), 2048);
        assert!(bytes[..1024].iter().all(|&b| b == 9));
        assert!(bytes[1024..].iter().all(|&b| b == 2));
    }

    #[test]
    fn zero_nrec_plays_back_nothing_and_torn_records_stop_playback() {
        let vfs = MemoryVfs::new();
        let db = vfs.open("db", rw()).unwrap();
        let jf = vfs.open("j", rw()).unwrap();
        db.write_at(&[5u8; 2048], 0).unwrap();
        let a = [1u8; 1024];
        let b = [3u8; 1024];
        write_journal(
            &*jf,
            1024,
            1,
            2,
            &[(1, &a[..]), (2, &b[..])],
            Synchronous::Full,
        )
        .unwrap();
        // nRec 0: the journal was not finished, the database is untouched.
        jf.write_at(&0u32.to_be_bytes(), 8).unwrap();
        assert_eq!(playback(&*db, &*jf).unwrap().unwrap().pages_restored, 0);
        // nRec 2 but the second record is torn.
        jf.write_at(&2u32.to_be_bytes(), 8).unwrap();
        jf.write_at(&[0xEE; 8], 512 + 1032 + 4 + 820).unwrap();
        assert_eq!(playback(&*db, &*jf).unwrap().unwrap().pages_restored, 1);
        // bad magic: no journal at all
        jf.write_at(&[0u8], 0).unwrap();
        assert!(!looks_hot(&*jf).unwrap());
        assert_eq!(playback(&*db, &*jf).unwrap(), None);
    }

    #[test]
    fn mode_names_round_trip() {
        for m in [
            JournalMode::Delete,
            JournalMode::Truncate,
            JournalMode::Persist,
            JournalMode::Memory,
            JournalMode::Off,
            JournalMode::Wal,
        ] {
            assert_eq!(JournalMode::parse(&m.name().to_uppercase()), Some(m));
        }
        assert_eq!(JournalMode::parse("bogus"), None);
    }
}
