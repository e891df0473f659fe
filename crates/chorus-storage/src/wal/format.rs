//! The WAL file format (fileformat2 §"The WAL File Format", walformat).
//!
//! ```text
//! wal    = header (32 bytes) frame*
//! header = magic 0x377f0682|0x377f0683 (4, BE) | version 3007000 (4)
//!          page size (4) | checkpoint sequence (4) | salt-1 (4) | salt-2 (4)
//!          checksum-1 (4) | checksum-2 (4)       over the first 24 bytes
//! frame  = pgno (4) | db size after commit, 0 if not a commit frame (4)
//!          salt-1 (4) | salt-2 (4) | checksum-1 (4) | checksum-2 (4)
//!          page image (page size)
//! ```
//! All header integers are big-endian. The checksum (s0, s1) runs over 32-bit
//! words, big-endian when the magic is 0x377f0683 and little-endian when it is
//! 0x377f0682; each frame's checksum continues from the previous frame's (the
//! first from the header's) over the frame header's first 8 bytes and the page.
//! A frame is valid iff its salts equal the header's and its checksum matches;
//! the log ends at the first invalid frame, and only frames up to the last
//! valid *commit* frame belong to the database. Chorus writes the big-endian
//! variant; it reads both.

use crate::error::Result;
use crate::header::valid_page_size;
use crate::vfs::VfsFile;

pub const WAL_MAGIC_LE: u32 = 0x377f_0682;
pub const WAL_MAGIC_BE: u32 = 0x377f_0683;
pub const WAL_VERSION: u32 = 3_007_000;
pub const WAL_HEADER_SIZE: usize = 32;
pub const FRAME_HEADER_SIZE: usize = 24;

/// Continue a WAL checksum over `data` (length a multiple of 8).
pub fn checksum(big_endian: bool, data: &[u8], init: (u32, u32)) -> (u32, u32) {
    let (mut s0, mut s1) = init;
    for w in data.chunks_exact(8) {
        let (x0, x1) = if big_endian {
            (
                u32::from_be_bytes([w[0], w[1], w[2], w[3]]),
                u32::from_be_bytes([w[4], w[5], w[6], w[7]]),
            )
        } else {
            (
                u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
                u32::from_le_bytes([w[4], w[5], w[6], w[7]]),
            )
        };
        s0 = s0.wrapping_add(x0).wrapping_add(s1);
        s1 = s1.wrapping_add(x1).wrapping_add(s0);
    }
    (s0, s1)
}

fn be32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_be_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

/// A decoded WAL header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalHeader {
    pub big_endian: bool,
    pub page_size: u32,
    pub checkpoint_seq: u32,
    pub salt1: u32,
    pub salt2: u32,
    /// Checksum of the header: the seed of the first frame's checksum.
    pub cksum: (u32, u32),
}

impl WalHeader {
    /// A new header (big-endian checksums) with its checksum computed.
    pub fn new(page_size: u32, checkpoint_seq: u32, salt1: u32, salt2: u32) -> WalHeader {
        let mut h = WalHeader {
            big_endian: true,
            page_size,
            checkpoint_seq,
            salt1,
            salt2,
            cksum: (0, 0),
        };
        let b = h.to_bytes();
        h.cksum = checksum(true, &b[..24], (0, 0));
        h
    }

    pub fn to_bytes(&self) -> [u8; WAL_HEADER_SIZE] {
        let mut b = [0u8; WAL_HEADER_SIZE];
        let magic = if self.big_endian {
            WAL_MAGIC_BE
        } else {
            WAL_MAGIC_LE
        };
        b[0..4].copy_from_slice(&magic.to_be_bytes());
        b[4..8].copy_from_slice(&WAL_VERSION.to_be_bytes());
        // 65536 is stored as itself here (a 32-bit field).
        b[8..12].copy_from_slice(&self.page_size.to_be_bytes());
        b[12..16].copy_from_slice(&self.checkpoint_seq.to_be_bytes());
        b[16..20].copy_from_slice(&self.salt1.to_be_bytes());
        b[20..24].copy_from_slice(&self.salt2.to_be_bytes());
        b[24..28].copy_from_slice(&self.cksum.0.to_be_bytes());
        b[28..32].copy_from_slice(&self.cksum.1.to_be_bytes());
        b
    }

    /// Parse and validate (magic, version, page size, checksum); `None` if
    /// the header is not a valid WAL header (the WAL is then empty).
    pub fn parse(b: &[u8]) -> Option<WalHeader> {
        if b.len() < WAL_HEADER_SIZE {
            return None;
        }
        let magic = be32(b, 0);
        let big_endian = match magic {
            WAL_MAGIC_BE => true,
            WAL_MAGIC_LE => false,
            _ => return None,
        };
        if be32(b, 4) != WAL_VERSION {
            return None;
        }
        let page_size = be32(b, 8);
        if !valid_page_size(page_size as usize) {
            return None;
        }
        let cksum = (be32(b, 24), be32(b, 28));
        if checksum(big_endian, &b[..24], (0, 0)) != cksum {
            return None;
        }
        Some(WalHeader {
            big_endian,
            page_size,
            checkpoint_seq: be32(b, 12),
            salt1: be32(b, 16),
            salt2: be32(b, 20),
            cksum,
        })
    }

    /// Byte offset of frame `n` (1-based).
    pub fn frame_offset(&self, n: u32) -> u64 {
        WAL_HEADER_SIZE as u64 + (n as u64 - 1) * (FRAME_HEADER_SIZE as u64 + self.page_size as u64)
    }
}

/// Encode one frame into `out` (cleared first); returns the new running checksum.
pub fn encode_frame(
    h: &WalHeader,
    prev: (u32, u32),
    pgno: u32,
    commit_size: u32,
    page: &[u8],
    out: &mut Vec<u8>,
) -> (u32, u32) {
    out.clear();
    out.extend_from_slice(&pgno.to_be_bytes());
    out.extend_from_slice(&commit_size.to_be_bytes());
    out.extend_from_slice(&h.salt1.to_be_bytes());
    out.extend_from_slice(&h.salt2.to_be_bytes());
    let c = checksum(h.big_endian, &out[..8], prev);
    let c = checksum(h.big_endian, page, c);
    out.extend_from_slice(&c.0.to_be_bytes());
    out.extend_from_slice(&c.1.to_be_bytes());
    out.extend_from_slice(page);
    c
}

/// One valid frame found by [`scan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    pub pgno: u32,
    /// Database size after this frame's transaction, 0 if not a commit frame.
    pub commit_size: u32,
}

/// The outcome of reading a WAL file from the start (recovery).
#[derive(Debug)]
pub struct Scan {
    pub header: WalHeader,
    /// Frames 1..=frames.len() up to and including the last commit frame.
    pub frames: Vec<FrameInfo>,
    /// Running checksum after the last commit frame.
    pub cksum: (u32, u32),
}

/// Read the WAL and keep every valid frame up to the last valid commit.
/// `None` when the file has no valid header.
pub fn scan(f: &dyn VfsFile) -> Result<Option<Scan>> {
    let size = f.size()?;
    let mut hb = [0u8; WAL_HEADER_SIZE];
    if size < WAL_HEADER_SIZE as u64 {
        return Ok(None);
    }
    f.read_at(&mut hb, 0)?;
    let Some(h) = WalHeader::parse(&hb) else {
        return Ok(None);
    };
    let ps = h.page_size as usize;
    let flen = (FRAME_HEADER_SIZE + ps) as u64;
    let mut buf = vec![0u8; FRAME_HEADER_SIZE + ps];
    let mut frames = Vec::new();
    let mut committed = 0usize;
    let mut cksum = h.cksum;
    let mut committed_cksum = h.cksum;
    let mut off = WAL_HEADER_SIZE as u64;
    while off + flen <= size {
        f.read_at(&mut buf, off)?;
        let pgno = be32(&buf, 0);
        let commit_size = be32(&buf, 4);
        if pgno == 0 || be32(&buf, 8) != h.salt1 || be32(&buf, 12) != h.salt2 {
            break;
        }
        let c = checksum(h.big_endian, &buf[..8], cksum);
        let c = checksum(h.big_endian, &buf[FRAME_HEADER_SIZE..], c);
        if c != (be32(&buf, 16), be32(&buf, 20)) {
            break;
        }
        cksum = c;
        frames.push(FrameInfo { pgno, commit_size });
        if commit_size != 0 {
            committed = frames.len();
            committed_cksum = c;
        }
        off += flen;
    }
    frames.truncate(committed);
    Ok(Some(Scan {
        header: h,
        frames,
        cksum: committed_cksum,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::{MemoryVfs, OpenFlags, Vfs};

    #[test]
    fn checksum_matches_the_documented_algorithm() {
        // Two words each side: s0 = x0 + 0, s1 = x1 + s0, ...
        let d = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4];
        let (s0, s1) = checksum(true, &d, (0, 0));
        // first pair: s0=1, s1=2+1=3; second: s0=1+3+3=7, s1=3+4+7=14
        assert_eq!((s0, s1), (7, 14));
        let (l0, _) = checksum(false, &d, (0, 0));
        assert_ne!(l0, 7);
    }

    #[test]
    fn header_round_trip_and_rejects_bad_checksum() {
        let h = WalHeader::new(4096, 3, 11, 22);
        let mut b = h.to_bytes();
        assert_eq!(WalHeader::parse(&b), Some(h));
        b[13] ^= 1;
        assert_eq!(WalHeader::parse(&b), None);
    }

    #[test]
    fn scan_stops_at_the_last_valid_commit() {
        let vfs = MemoryVfs::new();
        let f = vfs
            .open(
                "w",
                OpenFlags {
                    create: true,
                    ..Default::default()
                },
            )
            .unwrap();
        let h = WalHeader::new(512, 0, 1, 2);
        f.write_at(&h.to_bytes(), 0).unwrap();
        let mut c = h.cksum;
        let mut out = Vec::new();
        let frames = [(1, 0), (2, 2), (3, 0), (1, 3), (2, 0)];
        for (i, (pg, commit)) in frames.iter().enumerate() {
            c = encode_frame(&h, c, *pg, *commit, &[*pg as u8; 512], &mut out);
            f.write_at(&out, h.frame_offset(i as u32 + 1)).unwrap();
        }
        let s = scan(&*f).unwrap().unwrap();
        assert_eq!(s.frames.len(), 4);
        // corrupt frame 3: the log ends after frame 2
        f.write_at(&[0xFF], h.frame_offset(3) + 30).unwrap();
        let s = scan(&*f).unwrap().unwrap();
        assert_eq!(s.frames.len(), 2);
        assert_eq!(s.frames[1].commit_size, 2);
    }
}
