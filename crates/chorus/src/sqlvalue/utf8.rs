//! UTF-8 decoding exactly as SQLite's `sqlite3Utf8Read` does it (lenient:
//! stray continuation bytes are characters of their own, over-long forms are
//! accepted, surrogates and U+FFFE/U+FFFF become U+FFFD), plus character
//! counting used by length(), substr(), instr() and friends.

/// Value bits of a leading byte 0xC0..=0xFF (`sqlite3Utf8Trans1`).
#[inline]
fn trans1(c: u8) -> u32 {
    match c {
        0xc0..=0xdf => (c & 0x1f) as u32,
        0xe0..=0xef => (c & 0x0f) as u32,
        0xf0..=0xf7 => (c & 0x07) as u32,
        0xf8..=0xfb => (c & 0x03) as u32,
        0xfc..=0xfd => (c & 0x01) as u32,
        _ => 0,
    }
}

/// Read one character at `*pos` (the caller checks `*pos < z.len()`).
#[inline]
pub fn read_char(z: &[u8], pos: &mut usize) -> u32 {
    let Some(&b) = z.get(*pos) else {
        return 0;
    };
    *pos += 1;
    if b < 0xc0 {
        return b as u32;
    }
    let mut c = trans1(b);
    while let Some(&n) = z.get(*pos) {
        if n & 0xc0 != 0x80 {
            break;
        }
        c = (c << 6).wrapping_add((n & 0x3f) as u32);
        *pos += 1;
    }
    if c < 0x80 || (c & 0xFFFF_F800) == 0xD800 || (c & 0xFFFF_FFFE) == 0xFFFE {
        c = 0xFFFD;
    }
    c
}

/// Skip one character (`SQLITE_SKIP_UTF8`).
#[inline]
pub fn skip_char(z: &[u8], pos: &mut usize) {
    if *pos >= z.len() {
        return;
    }
    let b = z[*pos];
    *pos += 1;
    if b >= 0xc0 {
        while *pos < z.len() && z[*pos] & 0xc0 == 0x80 {
            *pos += 1;
        }
    }
}

/// Number of characters (as `length()` counts them: every byte that is not a
/// continuation byte 0x80..=0xBF starts a character).
pub fn char_count(z: &[u8]) -> usize {
    if z.is_ascii() {
        return z.len();
    }
    let mut n = 0;
    let mut i = 0;
    while i < z.len() {
        skip_char(z, &mut i);
        n += 1;
    }
    n
}

/// Append the UTF-8 encoding of `c` as SQLite writes it (`WRITE_UTF8`).
pub fn push_char(c: u32, out: &mut Vec<u8>) {
    if c < 0x80 {
        out.push(c as u8);
    } else if c < 0x800 {
        out.push(0xC0 + ((c >> 6) & 0x1F) as u8);
        out.push(0x80 + (c & 0x3F) as u8);
    } else if c < 0x10000 {
        out.push(0xE0 + ((c >> 12) & 0x0F) as u8);
        out.push(0x80 + ((c >> 6) & 0x3F) as u8);
        out.push(0x80 + (c & 0x3F) as u8);
    } else {
        out.push(0xF0 + ((c >> 18) & 0x07) as u8);
        out.push(0x80 + ((c >> 12) & 0x3F) as u8);
        out.push(0x80 + ((c >> 6) & 0x3F) as u8);
        out.push(0x80 + (c & 0x3F) as u8);
    }
}

/// The text up to (not including) its first NUL byte, as C string
/// functions see it.
#[inline]
pub fn until_nul(z: &[u8]) -> &[u8] {
    match z.iter().position(|&b| b == 0) {
        Some(p) => &z[..p],
        None => z,
    }
}
