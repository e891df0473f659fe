//! SQLite's record format (fileformat2 §2.1 "Record Format").
//!
//! A record is a header followed by a body:
//!
//! ```text
//! header: varint header_size (including itself), then one varint serial type per column
//! body:   the column values, in order, each sized by its serial type
//! ```
//!
//! Serial types: 0 NULL; 1,2,3,4,5,6 big-endian two's-complement integers of
//! 1,2,3,4,6,8 bytes; 7 big-endian IEEE-754 double; 8 and 9 the integers 0 and
//! 1 (schema format 4, no body bytes); 10 and 11 reserved (corrupt in a file);
//! N >= 12 even: BLOB of (N-12)/2 bytes; N >= 13 odd: TEXT of (N-13)/2 bytes in
//! the database's text encoding.
//!
//! Invariants checked on read: the header size lies within the payload and
//! covers its own varint, every serial type is known, and every column's body
//! lies within the payload. Violations are `SQLITE_CORRUPT`, never a panic.

mod compare;
mod prefix;
mod text;

pub use compare::{
    compare_record_prefix, compare_records, compare_unpacked, prefix_has_null, Collation, KeyCol,
    KeyInfo,
};
pub use prefix::order_prefix;
pub use text::{decode_text, encode_text, encoded_len, TextEncoding};

use crate::error::{Error, Result};
use crate::value::{Value, ValueRef};
use crate::varint::{get_varint, put_varint, varint_len};

/// Number of body bytes a serial type occupies, or `None` for the reserved types 10 and 11.
#[inline]
pub fn serial_type_len(t: u64) -> Option<u64> {
    Some(match t {
        0 | 8 | 9 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        5 => 6,
        6 | 7 => 8,
        10 | 11 => return None,
        n => (n - 12) / 2,
    })
}

/// The smallest serial type for an integer (schema format 4: 0 and 1 take no body).
#[inline]
pub fn int_serial_type(i: i64) -> u64 {
    match i {
        0 => 8,
        1 => 9,
        -128..=127 => 1,
        -32768..=32767 => 2,
        -8388608..=8388607 => 3,
        -2147483648..=2147483647 => 4,
        -140737488355328..=140737488355327 => 5,
        _ => 6,
    }
}

/// Serial type of a value whose text (if any) takes `text_len` bytes in the database encoding.
fn serial_type_of(v: ValueRef<'_>, enc: TextEncoding) -> u64 {
    match v {
        ValueRef::Null => 0,
        ValueRef::Integer(i) => int_serial_type(i),
        ValueRef::Real(_) => 7,
        ValueRef::Text(t) => 13 + 2 * encoded_len(t, enc) as u64,
        ValueRef::Blob(b) => 12 + 2 * b.len() as u64,
    }
}

/// Append the record of `values` (text as UTF-8) to `out`, text stored as UTF-8.
pub fn encode_record(values: &[ValueRef<'_>], out: &mut Vec<u8>) {
    encode_record_enc(values, TextEncoding::Utf8, out)
}

/// Size in bytes of the record `encode_record_enc` would produce.
pub fn record_size(values: &[ValueRef<'_>], enc: TextEncoding) -> usize {
    let mut hdr = 0usize;
    let mut body = 0usize;
    for v in values {
        let t = serial_type_of(*v, enc);
        hdr += varint_len(t);
        body += serial_type_len(t).unwrap_or(0) as usize;
    }
    header_total(hdr) + body
}

/// Header size including its own size varint, for `types_len` bytes of serial types.
fn header_total(types_len: usize) -> usize {
    let mut n = types_len + 1;
    while varint_len(n as u64) + types_len != n {
        n = varint_len(n as u64) + types_len;
    }
    n
}

/// Append the record of `values` to `out`, with text (given as UTF-8)
/// converted to the database encoding `enc`.
pub fn encode_record_enc(values: &[ValueRef<'_>], enc: TextEncoding, out: &mut Vec<u8>) {
    let types_len: usize = values
        .iter()
        .map(|v| varint_len(serial_type_of(*v, enc)))
        .sum();
    put_varint(header_total(types_len) as u64, out);
    for v in values {
        put_varint(serial_type_of(*v, enc), out);
    }
    for v in values {
        match *v {
            ValueRef::Null => {}
            ValueRef::Integer(i) => {
                let n = serial_type_len(int_serial_type(i)).unwrap_or(0) as usize;
                out.extend_from_slice(&i.to_be_bytes()[8 - n..]);
            }
            ValueRef::Real(r) => out.extend_from_slice(&r.to_bits().to_be_bytes()),
            ValueRef::Text(t) => encode_text(t, enc, out),
            ValueRef::Blob(b) => out.extend_from_slice(b),
        }
    }
}

/// Decode one column's value from its serial type and body bytes (exactly its length).
fn decode_value(t: u64, body: &[u8]) -> ValueRef<'_> {
    let int = |b: &[u8]| -> i64 {
        let mut v: i64 = if b.first().is_some_and(|x| x & 0x80 != 0) {
            -1
        } else {
            0
        };
        for x in b {
            v = (v << 8) | *x as i64;
        }
        v
    };
    match t {
        0 => ValueRef::Null,
        1..=6 => ValueRef::Integer(int(body)),
        7 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(body);
            let r = f64::from_bits(u64::from_be_bytes(a));
            if r.is_nan() {
                ValueRef::Null
            } else {
                ValueRef::Real(r)
            }
        }
        8 => ValueRef::Integer(0),
        9 => ValueRef::Integer(1),
        n if n % 2 == 0 => ValueRef::Blob(body),
        _ => ValueRef::Text(body),
    }
}

/// A parsed record header over a payload: decodes any column on demand
/// without decoding the others. The header is parsed once, at construction.
///
/// The payload may be a prefix of the full record (as read from a B-tree
/// cell without its overflow pages): `body_size()` says how many bytes the
/// whole record needs, and reading a column that lies beyond the given bytes
/// is `SQLITE_CORRUPT`.
#[derive(Debug, Clone)]
pub struct RecordReader<'a> {
    data: &'a [u8],
    /// (serial type, body offset) per column.
    cols: Vec<(u64, usize)>,
    end: usize,
}

impl<'a> RecordReader<'a> {
    /// Parse the header of `data`.
    pub fn new(data: &'a [u8]) -> Result<RecordReader<'a>> {
        Self::with_buffer(data, Vec::new())
    }

    /// Parse the header of `data`, reusing `buf`'s allocation for the column table
    /// (recover it with [`RecordReader::into_buffer`]).
    pub fn with_buffer(data: &'a [u8], mut buf: Vec<(u64, usize)>) -> Result<RecordReader<'a>> {
        buf.clear();
        let (hdr_size, n) = get_varint(data).ok_or_else(|| Error::corrupt("record header"))?;
        if hdr_size < n as u64 || hdr_size > data.len() as u64 {
            return Err(Error::corrupt("record header size"));
        }
        let hdr_size = hdr_size as usize;
        let mut pos = n;
        let mut off = hdr_size as u64;
        while pos < hdr_size {
            // Serial types below 128 (every type but long text/blob) take
            // one byte: read those without the general varint decoder.
            let (t, m) = match data.get(pos) {
                Some(&b) if b < 0x80 => (b as u64, 1),
                _ => get_varint(&data[pos..hdr_size])
                    .ok_or_else(|| Error::corrupt("record serial type"))?,
            };
            pos += m;
            let len = serial_type_len(t).ok_or_else(|| Error::corrupt("reserved serial type"))?;
            if off > u32::MAX as u64 * 2 {
                return Err(Error::corrupt("record too large"));
            }
            buf.push((t, off as usize));
            off += len;
        }
        if off > u32::MAX as u64 * 2 {
            return Err(Error::corrupt("record too large"));
        }
        Ok(RecordReader {
            data,
            cols: buf,
            end: off as usize,
        })
    }

    /// Give back the column table's allocation.
    pub fn into_buffer(self) -> Vec<(u64, usize)> {
        self.cols
    }

    /// Number of columns in the record.
    pub fn column_count(&self) -> usize {
        self.cols.len()
    }

    /// Total size the record needs (header plus body), per its header.
    pub fn body_size(&self) -> usize {
        self.end
    }

    /// Serial type of column `k` (None past the last column).
    pub fn serial_type(&self, k: usize) -> Option<u64> {
        self.cols.get(k).map(|c| c.0)
    }

    /// Column `k`, text in the stored encoding. Columns past the end of the
    /// record read as NULL (as SQLite does for columns added by ALTER TABLE).
    pub fn column(&self, k: usize) -> Result<ValueRef<'a>> {
        let Some(&(t, off)) = self.cols.get(k) else {
            return Ok(ValueRef::Null);
        };
        let len = serial_type_len(t).unwrap_or(0) as usize;
        let body = off
            .checked_add(len)
            .and_then(|end| self.data.get(off..end))
            .ok_or_else(|| Error::corrupt("record body overflows payload"))?;
        Ok(decode_value(t, body))
    }

    /// Column `k` with text converted to UTF-8 from the database encoding
    /// `enc`; UTF-16 text is decoded into `scratch`, which the result borrows.
    pub fn column_utf8<'s>(
        &self,
        k: usize,
        enc: TextEncoding,
        scratch: &'s mut Vec<u8>,
    ) -> Result<ValueRef<'s>>
    where
        'a: 's,
    {
        match self.column(k)? {
            ValueRef::Text(t) if !enc.is_utf8() => {
                scratch.clear();
                decode_text(t, enc, scratch);
                Ok(ValueRef::Text(&scratch[..]))
            }
            v => Ok(v),
        }
    }

    /// Column `k` as an owned value, text converted to UTF-8 from `enc`.
    pub fn column_owned(&self, k: usize, enc: TextEncoding) -> Result<Value> {
        match self.column(k)? {
            ValueRef::Text(t) if !enc.is_utf8() => {
                let mut s = Vec::with_capacity(t.len());
                decode_text(t, enc, &mut s);
                Ok(Value::Text(s))
            }
            v => Ok(v.to_owned()),
        }
    }

    /// Every column, owned, text as UTF-8.
    pub fn values(&self, enc: TextEncoding) -> Result<Vec<Value>> {
        (0..self.column_count())
            .map(|k| self.column_owned(k, enc))
            .collect()
    }
}

/// Decode a whole record into owned values (text converted to UTF-8 from `enc`).
pub fn decode_record(data: &[u8], enc: TextEncoding) -> Result<Vec<Value>> {
    RecordReader::new(data)?.values(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_integer_types() {
        let cases = [
            (0i64, 8u64),
            (1, 9),
            (2, 1),
            (-1, 1),
            (127, 1),
            (128, 2),
            (-32769, 3),
            (8388608, 4),
            (2147483648, 5),
            (i64::MAX, 6),
            (i64::MIN, 6),
        ];
        for (v, t) in cases {
            assert_eq!(int_serial_type(v), t, "{v}");
            let mut out = Vec::new();
            encode_record(&[ValueRef::Integer(v)], &mut out);
            assert_eq!(out[1] as u64, t);
            let r = RecordReader::new(&out).unwrap();
            assert_eq!(r.column(0).unwrap(), ValueRef::Integer(v));
        }
    }

    #[test]
    fn matches_sqlite_bytes() {
        // SELECT hex(...) of a row (NULL, 1, 'ab', x'00', 1.5) as stored by SQLite.
        let mut out = Vec::new();
        encode_record(
            &[
                ValueRef::Null,
                ValueRef::Integer(1),
                ValueRef::Text(b"ab"),
                ValueRef::Blob(&[0]),
                ValueRef::Real(1.5),
            ],
            &mut out,
        );
        assert_eq!(
            out,
            [6, 0, 9, 17, 14, 7, b'a', b'b', 0, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn corrupt_headers() {
        assert!(RecordReader::new(&[]).is_err());
        assert!(RecordReader::new(&[5, 0]).is_err()); // header longer than payload
        assert!(RecordReader::new(&[0]).is_err()); // header size smaller than its varint
        assert!(RecordReader::new(&[2, 10]).is_err()); // reserved type
        let r = RecordReader::new(&[2, 6, 1]).unwrap(); // body too short
        assert!(r.column(0).is_err());
        assert_eq!(r.column(5).unwrap(), ValueRef::Null);
    }

    #[test]
    fn long_header() {
        let vals: Vec<ValueRef> = (0..200).map(|_| ValueRef::Null).collect();
        let mut out = Vec::new();
        encode_record(&vals, &mut out);
        assert_eq!(record_size(&vals, TextEncoding::Utf8), out.len());
        let r = RecordReader::new(&out).unwrap();
        assert_eq!(r.column_count(), 200);
    }

    #[test]
    fn utf16_columns() {
        let mut out = Vec::new();
        encode_record_enc(
            &[ValueRef::Text("é".as_bytes())],
            TextEncoding::Utf16le,
            &mut out,
        );
        assert_eq!(out, [2, 17, 0xe9, 0]);
        let r = RecordReader::new(&out).unwrap();
        let mut s = Vec::new();
        assert_eq!(
            r.column_utf8(0, TextEncoding::Utf16le, &mut s).unwrap(),
            ValueRef::Text("é".as_bytes())
        );
    }
}
