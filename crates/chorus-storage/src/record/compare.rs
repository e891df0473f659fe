//! Ordering of index keys: a packed record against a packed record, or an
//! unpacked key (`&[ValueRef]`, text in UTF-8) against a packed record, field
//! by field, with per-column sort order and collation (`KeyInfo`).
//!
//! Prefix rule (as SQLite's `sqlite3VdbeRecordCompare`): only the first
//! `min(len a, len b)` fields are compared; when they are all equal the result
//! is `Equal` for two records, and the caller's `default` for an unpacked key
//! (a seek passes `Less` to place the key before every entry that shares its
//! prefix, `Greater` to place it after them all).

use super::text::{decode_text, encode_text, TextEncoding};
use crate::error::{Error, Result};
use crate::value::{compare_values, ValueRef};
use crate::varint::get_varint;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// A collating function over UTF-8 text.
pub type Collation = Arc<dyn Fn(&[u8], &[u8]) -> Ordering + Send + Sync>;

/// One key column: sort order and collation (`None` = BINARY).
#[derive(Clone, Default)]
pub struct KeyCol {
    pub desc: bool,
    pub collation: Option<Collation>,
}

impl fmt::Debug for KeyCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "KeyCol({}, {})",
            if self.desc { "DESC" } else { "ASC" },
            if self.collation.is_some() {
                "custom"
            } else {
                "BINARY"
            }
        )
    }
}

/// How to order the keys of an index B-tree. Columns beyond `cols` (such as
/// the trailing rowid of an index entry) compare ASC with BINARY.
/// `encoding` is the database text encoding the records are stored in.
#[derive(Clone, Default, Debug)]
pub struct KeyInfo {
    pub cols: Vec<KeyCol>,
    pub encoding: TextEncoding,
}

impl KeyInfo {
    /// All-ASC, all-BINARY ordering for `n` columns in a UTF-8 database.
    pub fn binary(n: usize) -> KeyInfo {
        KeyInfo {
            cols: vec![KeyCol::default(); n],
            encoding: TextEncoding::Utf8,
        }
    }

    fn col(&self, i: usize) -> Option<&KeyCol> {
        self.cols.get(i)
    }
}

/// Streams the fields of a packed record without allocating.
struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
    hdr_end: usize,
    body: usize,
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Result<Fields<'a>> {
        let (h, n) = get_varint(data).ok_or_else(|| Error::corrupt("record header"))?;
        if h < n as u64 || h > data.len() as u64 {
            return Err(Error::corrupt("record header size"));
        }
        Ok(Fields {
            data,
            pos: n,
            hdr_end: h as usize,
            body: h as usize,
        })
    }

    fn next_field(&mut self) -> Result<Option<ValueRef<'a>>> {
        if self.pos >= self.hdr_end {
            return Ok(None);
        }
        let (t, n) = get_varint(&self.data[self.pos..self.hdr_end])
            .ok_or_else(|| Error::corrupt("serial type"))?;
        self.pos += n;
        let len =
            super::serial_type_len(t).ok_or_else(|| Error::corrupt("reserved serial type"))?;
        let end = (self.body as u64)
            .checked_add(len)
            .filter(|e| *e <= self.data.len() as u64);
        let end = end.ok_or_else(|| Error::corrupt("record body overflows payload"))? as usize;
        let body = &self.data[self.body..end];
        self.body = end;
        Ok(Some(super::decode_value(t, body)))
    }
}

/// Compare two stored values (both in the database encoding).
fn cmp_stored(
    a: ValueRef<'_>,
    b: ValueRef<'_>,
    col: Option<&KeyCol>,
    enc: TextEncoding,
) -> Ordering {
    let coll = col.and_then(|c| c.collation.as_ref());
    let ord = match (a, b, coll) {
        (ValueRef::Text(x), ValueRef::Text(y), Some(c)) if !enc.is_utf8() => {
            let (mut dx, mut dy) = (Vec::new(), Vec::new());
            decode_text(x, enc, &mut dx);
            decode_text(y, enc, &mut dy);
            c(&dx, &dy)
        }
        (_, _, Some(c)) => compare_values(a, b, &|x: &[u8], y: &[u8]| c(x, y)),
        (_, _, None) => compare_values(a, b, &|x: &[u8], y: &[u8]| x.cmp(y)),
    };
    if col.is_some_and(|c| c.desc) {
        ord.reverse()
    } else {
        ord
    }
}

/// Compare an unpacked value (text UTF-8) with a stored value (database encoding).
fn cmp_key(k: ValueRef<'_>, s: ValueRef<'_>, col: Option<&KeyCol>, enc: TextEncoding) -> Ordering {
    let coll = col.and_then(|c| c.collation.as_ref());
    let ord = match (k, s) {
        (ValueRef::Text(x), ValueRef::Text(y)) if !enc.is_utf8() => match coll {
            Some(c) => {
                let mut dy = Vec::new();
                decode_text(y, enc, &mut dy);
                c(x, &dy)
            }
            None => {
                let mut ex = Vec::new();
                encode_text(x, enc, &mut ex);
                ex[..].cmp(y)
            }
        },
        _ => match coll {
            Some(c) => compare_values(k, s, &|x: &[u8], y: &[u8]| c(x, y)),
            None => compare_values(k, s, &|x: &[u8], y: &[u8]| x.cmp(y)),
        },
    };
    if col.is_some_and(|c| c.desc) {
        ord.reverse()
    } else {
        ord
    }
}

/// Compare two packed records field by field over their common prefix.
pub fn compare_records(a: &[u8], b: &[u8], key_info: &KeyInfo) -> Result<Ordering> {
    let (mut fa, mut fb) = (Fields::new(a)?, Fields::new(b)?);
    let mut i = 0;
    loop {
        let (Some(x), Some(y)) = (fa.next_field()?, fb.next_field()?) else {
            return Ok(Ordering::Equal);
        };
        let o = cmp_stored(x, y, key_info.col(i), key_info.encoding);
        if o != Ordering::Equal {
            return Ok(o);
        }
        i += 1;
    }
}

/// `compare_records` over at most the first `n` fields (an index's key
/// columns without the trailing rowid: UNIQUE checks).
pub fn compare_record_prefix(a: &[u8], b: &[u8], key_info: &KeyInfo, n: usize) -> Result<Ordering> {
    let (mut fa, mut fb) = (Fields::new(a)?, Fields::new(b)?);
    for i in 0..n {
        let (Some(x), Some(y)) = (fa.next_field()?, fb.next_field()?) else {
            break;
        };
        let o = cmp_stored(x, y, key_info.col(i), key_info.encoding);
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    Ok(Ordering::Equal)
}

/// Whether one of the first `n` fields of a record is NULL.
pub fn prefix_has_null(rec: &[u8], n: usize) -> Result<bool> {
    let mut f = Fields::new(rec)?;
    for _ in 0..n {
        match f.next_field()? {
            Some(ValueRef::Null) => return Ok(true),
            Some(_) => {}
            None => break,
        }
    }
    Ok(false)
}

/// Compare an unpacked key with a packed record over their common prefix;
/// `default` is returned when every compared field is equal.
pub fn compare_unpacked(
    key: &[ValueRef<'_>],
    rec: &[u8],
    key_info: &KeyInfo,
    default: Ordering,
) -> Result<Ordering> {
    let mut f = Fields::new(rec)?;
    for (i, k) in key.iter().enumerate() {
        let Some(s) = f.next_field()? else {
            break;
        };
        let o = cmp_key(*k, s, key_info.col(i), key_info.encoding);
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    Ok(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{encode_record, encode_record_enc};

    fn rec(v: &[ValueRef]) -> Vec<u8> {
        let mut o = Vec::new();
        encode_record(v, &mut o);
        o
    }

    #[test]
    fn desc_and_collation() {
        let nocase: Collation =
            Arc::new(|a: &[u8], b: &[u8]| a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()));
        let ki = KeyInfo {
            cols: vec![
                KeyCol {
                    desc: true,
                    collation: None,
                },
                KeyCol {
                    desc: false,
                    collation: Some(nocase),
                },
            ],
            encoding: TextEncoding::Utf8,
        };
        let a = rec(&[ValueRef::Integer(1), ValueRef::Text(b"ABC")]);
        let b = rec(&[ValueRef::Integer(2), ValueRef::Text(b"abc")]);
        let c = rec(&[
            ValueRef::Integer(1),
            ValueRef::Text(b"abc"),
            ValueRef::Integer(9),
        ]);
        assert_eq!(compare_records(&a, &b, &ki).unwrap(), Ordering::Greater);
        assert_eq!(compare_records(&a, &c, &ki).unwrap(), Ordering::Equal);
        let key = [ValueRef::Integer(1)];
        assert_eq!(
            compare_unpacked(&key, &c, &ki, Ordering::Less).unwrap(),
            Ordering::Less
        );
        assert_eq!(
            compare_unpacked(&key, &c, &ki, Ordering::Greater).unwrap(),
            Ordering::Greater
        );
        let key = [ValueRef::Integer(1), ValueRef::Text(b"abd")];
        assert_eq!(
            compare_unpacked(&key, &c, &ki, Ordering::Equal).unwrap(),
            Ordering::Greater
        );
    }

    #[test]
    fn utf16_binary_is_memcmp_of_stored_bytes() {
        let ki = KeyInfo {
            cols: vec![KeyCol::default()],
            encoding: TextEncoding::Utf16le,
        };
        let mut a = Vec::new();
        encode_record_enc(&[ValueRef::Text(b"\x41")], TextEncoding::Utf16le, &mut a);
        // U+0100 is "\x00\x01" in UTF-16le: memcmp orders it before "A\x00".
        let key = [ValueRef::Text("\u{100}".as_bytes())];
        assert_eq!(
            compare_unpacked(&key, &a, &ki, Ordering::Equal).unwrap(),
            Ordering::Less
        );
    }
}
