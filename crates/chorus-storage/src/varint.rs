//! SQLite's variable-length integers ("varints"): 1 to 9 bytes, big-endian.
//!
//! Bytes 1..=8 each contribute their low 7 bits and use the high bit as a
//! "more bytes follow" flag; a 9th byte, if reached, contributes all 8 bits.
//! So a varint stores any 64-bit value; values below 128 take one byte.

/// Decode a varint at the start of `buf`. Returns the value and the number of
/// bytes it occupies, or `None` when `buf` ends before the varint does.
#[inline]
pub fn get_varint(buf: &[u8]) -> Option<(u64, usize)> {
    let first = *buf.first()?;
    if first < 0x80 {
        return Some((first as u64, 1));
    }
    let second = *buf.get(1)?;
    if second < 0x80 {
        return Some((((first & 0x7f) as u64) << 7 | second as u64, 2));
    }
    let mut v: u64 = 0;
    for i in 0..8 {
        let b = *buf.get(i)?;
        v = (v << 7) | (b & 0x7f) as u64;
        if b < 0x80 {
            return Some((v, i + 1));
        }
    }
    let b = *buf.get(8)?;
    Some(((v << 8) | b as u64, 9))
}

/// Decode a varint as a 32-bit value the way SQLite's `getVarint32` does:
/// values that do not fit are clamped to `u32::MAX`.
#[inline]
pub fn get_varint32(buf: &[u8]) -> Option<(u32, usize)> {
    let (v, n) = get_varint(buf)?;
    Some((u32::try_from(v).unwrap_or(u32::MAX), n))
}

/// Number of bytes the varint encoding of `v` takes.
#[inline]
pub fn varint_len(v: u64) -> usize {
    if v >> 56 != 0 {
        return 9;
    }
    let mut n = 1;
    let mut x = v >> 7;
    while x != 0 {
        n += 1;
        x >>= 7;
    }
    n
}

/// Write the varint encoding of `v` into `out` (which must hold at least
/// `varint_len(v)` bytes); returns the number of bytes written.
#[inline]
pub fn put_varint_into(v: u64, out: &mut [u8]) -> usize {
    if v < 0x80 {
        out[0] = v as u8;
        return 1;
    }
    if v >> 56 != 0 {
        out[8] = v as u8;
        let mut x = v >> 8;
        for i in (0..8).rev() {
            out[i] = (x as u8 & 0x7f) | 0x80;
            x >>= 7;
        }
        return 9;
    }
    let n = varint_len(v);
    let mut x = v;
    for i in (0..n).rev() {
        out[i] = (x as u8 & 0x7f) | 0x80;
        x >>= 7;
    }
    out[n - 1] &= 0x7f;
    n
}

/// Append the varint encoding of `v` to `out`.
#[inline]
pub fn put_varint(v: u64, out: &mut Vec<u8>) -> usize {
    let mut tmp = [0u8; 9];
    let n = put_varint_into(v, &mut tmp);
    out.extend_from_slice(&tmp[..n]);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_encodings() {
        let cases: &[(u64, &[u8])] = &[
            (0, &[0]),
            (127, &[0x7f]),
            (128, &[0x81, 0x00]),
            (240, &[0x81, 0x70]),
            (16383, &[0xff, 0x7f]),
            (16384, &[0x81, 0x80, 0x00]),
            (u64::MAX, &[0xff; 9]),
            (
                1 << 56,
                &[0x80, 0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],
            ),
        ];
        for (v, enc) in cases {
            let mut out = Vec::new();
            put_varint(*v, &mut out);
            assert_eq!(&out[..], *enc, "{v}");
            assert_eq!(varint_len(*v), enc.len());
            assert_eq!(get_varint(enc), Some((*v, enc.len())));
        }
    }

    #[test]
    fn truncated_is_none() {
        assert_eq!(get_varint(&[]), None);
        assert_eq!(get_varint(&[0x81]), None);
        assert_eq!(get_varint(&[0xff; 8]), None);
    }

    #[test]
    fn round_trip_all_lengths() {
        for shift in 0..64 {
            for delta in [0u64, 1, 2] {
                let v = (1u64 << shift).wrapping_sub(delta);
                let mut out = Vec::new();
                let n = put_varint(v, &mut out);
                assert_eq!(n, out.len());
                assert_eq!(get_varint(&out), Some((v, n)));
            }
        }
    }
}
