//! Text encodings of a database (header offset 56: 1 = UTF-8, 2 = UTF-16le,
//! 3 = UTF-16be) and conversion between them. Every text value the record
//! layer hands upward is UTF-8; text is stored in the database's encoding.
//! Invalid sequences become U+FFFD, as SQLite's translator does.

/// The text encoding of a database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    #[default]
    Utf8,
    Utf16le,
    Utf16be,
}

impl TextEncoding {
    /// From the header's text-encoding field (0, meaning "not yet set", reads as UTF-8).
    pub fn from_header(v: u32) -> Option<TextEncoding> {
        match v {
            0 | 1 => Some(TextEncoding::Utf8),
            2 => Some(TextEncoding::Utf16le),
            3 => Some(TextEncoding::Utf16be),
            _ => None,
        }
    }

    /// The header's value for this encoding.
    pub fn header_value(self) -> u32 {
        match self {
            TextEncoding::Utf8 => 1,
            TextEncoding::Utf16le => 2,
            TextEncoding::Utf16be => 3,
        }
    }

    pub fn is_utf8(self) -> bool {
        self == TextEncoding::Utf8
    }
}

/// Append the UTF-8 form of `text` (stored in `enc`) to `out`.
pub fn decode_text(text: &[u8], enc: TextEncoding, out: &mut Vec<u8>) {
    let be = match enc {
        TextEncoding::Utf8 => {
            out.extend_from_slice(text);
            return;
        }
        TextEncoding::Utf16le => false,
        TextEncoding::Utf16be => true,
    };
    let units = text.chunks_exact(2).map(|c| {
        if be {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut buf = [0u8; 4];
    for ch in char::decode_utf16(units) {
        let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
}

/// Append `text` (UTF-8 bytes, possibly invalid) encoded as `enc` to `out`.
pub fn encode_text(text: &[u8], enc: TextEncoding, out: &mut Vec<u8>) {
    let be = match enc {
        TextEncoding::Utf8 => {
            out.extend_from_slice(text);
            return;
        }
        TextEncoding::Utf16le => false,
        TextEncoding::Utf16be => true,
    };
    for chunk in text.utf8_chunks() {
        for ch in chunk.valid().chars() {
            push_utf16(ch, be, out);
        }
        if !chunk.invalid().is_empty() {
            push_utf16(char::REPLACEMENT_CHARACTER, be, out);
        }
    }
}

fn push_utf16(ch: char, be: bool, out: &mut Vec<u8>) {
    let mut units = [0u16; 2];
    for u in ch.encode_utf16(&mut units) {
        let b = if be { u.to_be_bytes() } else { u.to_le_bytes() };
        out.extend_from_slice(&b);
    }
}

/// Length in bytes of `text` (UTF-8) once encoded as `enc`.
pub fn encoded_len(text: &[u8], enc: TextEncoding) -> usize {
    if enc.is_utf8() {
        return text.len();
    }
    let mut n = 0;
    for chunk in text.utf8_chunks() {
        n += chunk
            .valid()
            .chars()
            .map(|c| c.len_utf16() * 2)
            .sum::<usize>();
        if !chunk.invalid().is_empty() {
            n += 2;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trip() {
        let s = "héllo wörld 𝄞 日本";
        for enc in [
            TextEncoding::Utf16le,
            TextEncoding::Utf16be,
            TextEncoding::Utf8,
        ] {
            let mut e = Vec::new();
            encode_text(s.as_bytes(), enc, &mut e);
            assert_eq!(e.len(), encoded_len(s.as_bytes(), enc));
            let mut d = Vec::new();
            decode_text(&e, enc, &mut d);
            assert_eq!(d, s.as_bytes());
        }
        let mut e = Vec::new();
        encode_text(b"a", TextEncoding::Utf16be, &mut e);
        assert_eq!(e, [0, b'a']);
    }

    #[test]
    fn lone_surrogate_becomes_replacement() {
        let mut d = Vec::new();
        decode_text(&[0x00, 0xd8, b'a', 0], TextEncoding::Utf16le, &mut d);
        assert_eq!(d, "\u{fffd}a".as_bytes());
    }
}
