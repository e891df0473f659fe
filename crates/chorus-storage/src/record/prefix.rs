//! Order prefixes: a record's first key field mapped to 128 bits whose
//! unsigned order agrees with the key order, so that a sort (CREATE INDEX)
//! settles most comparisons with one integer comparison and falls back to
//! `compare_records` only when two prefixes are equal.
//!
//! Layout (before DESC, which inverts every bit): the top byte is the
//! storage class in SQLite's order (0 NULL, 1 integer, 2 text, 3 blob);
//! then, for an integer, its 64 bits with the sign bit flipped; for text
//! or a blob, its first 15 bytes, zero-padded. Padding makes a prefix a
//! *non-strict* image of the order (`"ab"` and `"ab\0"` share one), which
//! is why equal prefixes must be compared in full. Only fields whose order
//! is decided by their bytes get a prefix: a REAL (compared numerically
//! with integers) or text under a collation other than BINARY has none,
//! and then the caller compares whole records for every pair.

use super::compare::KeyInfo;
use crate::varint::get_varint;

/// The order prefix of `rec`'s first field under `key_info`, or None when
/// the field has none (see the module comment) or the record is malformed
/// (the full comparison then reports the corruption).
pub fn order_prefix(rec: &[u8], key_info: &KeyInfo) -> Option<u128> {
    let (hdr, n) = get_varint(rec)?;
    let hdr = usize::try_from(hdr).ok()?;
    let (t, _) = get_varint(rec.get(n..hdr)?)?;
    let body = rec.get(hdr..)?;
    let col = key_info.cols.first();
    let p: u128 = match t {
        0 => 0,
        1..=6 | 8 | 9 => {
            let len = super::serial_type_len(t)? as usize;
            let b = body.get(..len)?;
            let mut v: i64 = match t {
                8 => 0,
                9 => 1,
                _ if b.first().is_some_and(|x| x & 0x80 != 0) => -1,
                _ => 0,
            };
            for x in b {
                v = (v << 8) | *x as i64;
            }
            (1u128 << 120) | (((v as u64) ^ (1 << 63)) as u128) << 56
        }
        n if n >= 12 => {
            if n % 2 == 1 && col.is_some_and(|c| c.collation.is_some()) {
                return None;
            }
            let len = ((n - 12) / 2) as usize;
            let b = body.get(..len)?;
            let mut buf = [0u8; 16];
            buf[0] = if n % 2 == 1 { 2 } else { 3 };
            let k = b.len().min(15);
            buf[1..1 + k].copy_from_slice(&b[..k]);
            u128::from_be_bytes(buf)
        }
        _ => return None,
    };
    Some(if col.is_some_and(|c| c.desc) { !p } else { p })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{compare_records, encode_record, KeyCol};
    use crate::value::ValueRef;
    use std::cmp::Ordering;

    #[test]
    fn prefix_order_agrees_with_records() {
        let blobs: [&[u8]; 4] = [b"", b"\0", b"ab", b"abcdefghijklmnopqrstuvwxyz"];
        let mut vals = vec![ValueRef::Null];
        for i in [i64::MIN, -70000, -129, -1, 0, 1, 2, 255, 70000, i64::MAX] {
            vals.push(ValueRef::Integer(i));
        }
        for b in blobs {
            vals.push(ValueRef::Text(b));
            vals.push(ValueRef::Blob(b));
        }
        vals.push(ValueRef::Text(b"abcdefghijklmnoX"));
        vals.push(ValueRef::Text(b"abcdefghijklmnoA"));
        for desc in [false, true] {
            let ki = KeyInfo {
                cols: vec![KeyCol {
                    desc,
                    collation: None,
                }],
                ..KeyInfo::default()
            };
            let recs: Vec<Vec<u8>> = vals
                .iter()
                .map(|v| {
                    let mut o = Vec::new();
                    encode_record(&[*v], &mut o);
                    o
                })
                .collect();
            for a in &recs {
                for b in &recs {
                    let full = compare_records(a, b, &ki).unwrap();
                    let (pa, pb) = (order_prefix(a, &ki).unwrap(), order_prefix(b, &ki).unwrap());
                    if pa != pb {
                        assert_eq!(pa.cmp(&pb), full, "{a:?} {b:?} desc={desc}");
                    } else if full != Ordering::Equal {
                        // Equal prefixes are only allowed for long or padded values.
                        assert!(a.len() > 16 || b.len() > 16 || a.contains(&0) || b.contains(&0));
                    }
                }
            }
        }
        // A REAL has no prefix.
        let mut o = Vec::new();
        encode_record(&[ValueRef::Real(1.5)], &mut o);
        assert_eq!(order_prefix(&o, &KeyInfo::binary(1)), None);
    }
}
