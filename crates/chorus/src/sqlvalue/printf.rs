//! SQLite's printf engine (`sqlite3_str_vappendf` in SQL-function mode), used
//! by the `printf()` / `format()` SQL functions. Supports the conversions
//! %d %i %u %f %e %E %g %G %x %X %o %s %z %q %Q %w %c %p %n %r %% and the
//! flags `-+ #!0,`, widths, precisions and `*`. An unknown conversion ends the
//! output, as in SQLite. Arguments are taken from SQL values; missing ones
//! read as 0 / 0.0 / NULL.

use super::format::{append_text, FpDecode};
use super::numeric::{value_to_f64, value_to_i64};
use super::utf8::until_nul;
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};

/// SQLite's default `SQLITE_MAX_LENGTH`: results longer than this fail.
pub const MAX_LENGTH: usize = 1_000_000_000;

const FP_PRECISION_LIMIT: i64 = 100_000_000;

fn too_big() -> Error {
    Error::new(ResultCode::TOOBIG, "string or blob too big")
}

struct Args<'a, 'v> {
    vals: &'a [ValueRef<'v>],
    used: usize,
}

impl<'a, 'v> Args<'a, 'v> {
    fn int(&mut self) -> i64 {
        match self.vals.get(self.used) {
            Some(v) => {
                self.used += 1;
                value_to_i64(*v)
            }
            None => 0,
        }
    }
    fn double(&mut self) -> f64 {
        match self.vals.get(self.used) {
            Some(v) => {
                self.used += 1;
                value_to_f64(*v)
            }
            None => 0.0,
        }
    }
    /// Text of the next argument (C-string view: up to the first NUL).
    fn text<'s>(&mut self, scratch: &'s mut Vec<u8>) -> Option<&'s [u8]>
    where
        'v: 's,
    {
        let v = *self.vals.get(self.used)?;
        self.used += 1;
        match v {
            ValueRef::Null => None,
            ValueRef::Text(t) | ValueRef::Blob(t) => Some(until_nul(t)),
            other => {
                append_text(other, scratch);
                Some(&scratch[..])
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Decimal,
    Radix,
    Float,
    Exp,
    Generic,
    Size,
    Percent,
    CharX,
    String,
    SqlEscape,
    SqlEscape2,
    SqlEscape3,
    Pointer,
    Ordinal,
}

struct Info {
    base: u64,
    signed: bool,
    kind: Kind,
    upper: bool,
    prefix: &'static [u8],
}

fn info(c: u8) -> Option<Info> {
    let i = |base, signed, kind, upper, prefix| {
        Some(Info {
            base,
            signed,
            kind,
            upper,
            prefix,
        })
    };
    match c {
        b'd' | b'i' => i(10, true, Kind::Decimal, false, b""),
        b's' | b'z' => i(0, false, Kind::String, false, b""),
        b'g' => i(0, true, Kind::Generic, false, b""),
        b'q' => i(0, false, Kind::SqlEscape, false, b""),
        b'Q' => i(0, false, Kind::SqlEscape2, false, b""),
        b'w' => i(0, false, Kind::SqlEscape3, false, b""),
        b'c' => i(0, false, Kind::CharX, false, b""),
        b'o' => i(8, false, Kind::Radix, false, b"0"),
        b'u' => i(10, false, Kind::Decimal, false, b""),
        b'x' => i(16, false, Kind::Radix, false, b"0x"),
        b'X' => i(16, false, Kind::Radix, true, b"0X"),
        b'f' => i(0, true, Kind::Float, false, b""),
        b'e' => i(0, true, Kind::Exp, false, b""),
        b'E' => i(0, true, Kind::Exp, true, b""),
        b'G' => i(0, true, Kind::Generic, true, b""),
        b'n' => i(0, false, Kind::Size, false, b""),
        b'%' => i(0, false, Kind::Percent, false, b""),
        b'p' => i(16, false, Kind::Pointer, true, b"0x"),
        b'r' => i(10, true, Kind::Ordinal, false, b""),
        _ => None,
    }
}

fn push_n(out: &mut Vec<u8>, b: u8, n: i64) -> Result<()> {
    if n <= 0 {
        return Ok(());
    }
    if out.len() as i64 + n > MAX_LENGTH as i64 {
        return Err(too_big());
    }
    out.resize(out.len() + n as usize, b);
    Ok(())
}

/// Render `fmt` with SQL-value arguments exactly like SQLite's `printf()`.
pub fn sql_printf(fmt: &[u8], args: &[Value]) -> Result<Vec<u8>> {
    super::functions::with_refs(args, |r| sql_printf_refs(fmt, r))
}

/// [`sql_printf`] over borrowed arguments.
pub fn sql_printf_refs(fmt: &[u8], args: &[ValueRef]) -> Result<Vec<u8>> {
    sql_printf_inner(fmt, args).map(|(out, _)| out)
}

/// The `printf()` / `format()` SQL function's result: NULL when the format
/// produced nothing at all (empty format, or an unknown conversion first) or
/// when the result would exceed the length limit, else TEXT (possibly empty).
pub fn printf_value(fmt: &[u8], args: &[ValueRef]) -> Value {
    match sql_printf_inner(fmt, args) {
        Ok((out, true)) => Value::Text(out),
        _ => Value::Null,
    }
}

/// The rendered bytes and whether anything (even an empty field) was
/// appended.
fn sql_printf_inner(fmt: &[u8], args: &[ValueRef]) -> Result<(Vec<u8>, bool)> {
    let mut touched = false;
    let fmt = until_nul(fmt);
    let mut out: Vec<u8> = Vec::with_capacity(fmt.len() + 16);
    let mut a = Args {
        vals: args,
        used: 0,
    };
    let at = |i: usize| fmt.get(i).copied().unwrap_or(0);
    let mut i = 0usize;
    while i < fmt.len() {
        if fmt[i] != b'%' {
            let start = i;
            while i < fmt.len() && fmt[i] != b'%' {
                i += 1;
            }
            out.extend_from_slice(&fmt[start..i]);
            touched = true;
            if i >= fmt.len() {
                break;
            }
        }
        // fmt[i] == '%'
        i += 1;
        let mut c = at(i);
        if c == 0 {
            out.push(b'%');
            touched = true;
            break;
        }
        let mut flag_leftjustify = false;
        let mut flag_prefix: u8 = 0;
        let mut c_thousand = false;
        let mut flag_alternateform = false;
        let mut flag_altform2 = false;
        let mut flag_zeropad = false;
        let mut width: i64 = 0;
        let mut precision: i64 = -1;
        loop {
            let mut done = false;
            match c {
                b'-' => flag_leftjustify = true,
                b'+' => flag_prefix = b'+',
                b' ' => flag_prefix = b' ',
                b'#' => flag_alternateform = true,
                b'!' => flag_altform2 = true,
                b'0' => flag_zeropad = true,
                b',' => c_thousand = true,
                b'l' => {
                    i += 1;
                    c = at(i);
                    if c == b'l' {
                        i += 1;
                        c = at(i);
                    }
                    done = true;
                }
                b'1'..=b'9' => {
                    let mut wx: u32 = (c - b'0') as u32;
                    loop {
                        i += 1;
                        c = at(i);
                        if !c.is_ascii_digit() {
                            break;
                        }
                        wx = wx.wrapping_mul(10).wrapping_add((c - b'0') as u32);
                    }
                    width = (wx & 0x7fff_ffff) as i64;
                    if c != b'.' && c != b'l' {
                        done = true;
                    } else {
                        i -= 1;
                    }
                }
                b'*' => {
                    let mut w = a.int() as i32 as i64;
                    if w < 0 {
                        flag_leftjustify = true;
                        w = if w >= -2147483647 { -w } else { 0 };
                    }
                    width = w;
                    let n = at(i + 1);
                    if n != b'.' && n != b'l' {
                        i += 1;
                        c = at(i);
                        done = true;
                    }
                }
                b'.' => {
                    i += 1;
                    c = at(i);
                    if c == b'*' {
                        let mut p = a.int() as i32 as i64;
                        if p < 0 {
                            p = if p >= -2147483647 { -p } else { -1 };
                        }
                        precision = p;
                        i += 1;
                        c = at(i);
                    } else {
                        let mut px: u32 = 0;
                        while c.is_ascii_digit() {
                            px = px.wrapping_mul(10).wrapping_add((c - b'0') as u32);
                            i += 1;
                            c = at(i);
                        }
                        precision = (px & 0x7fff_ffff) as i64;
                    }
                    if c == b'l' {
                        i -= 1;
                    } else {
                        done = true;
                    }
                }
                _ => done = true,
            }
            if done {
                break;
            }
            i += 1;
            c = at(i);
            if c == 0 {
                break;
            }
        }
        // `c` is the conversion character, at fmt[i].
        let Some(inf) = info(c) else {
            return Ok((out, touched));
        };
        touched = true;
        let mut scratch = Vec::new();
        let mut body: Vec<u8> = Vec::new();
        let mut flag_altform2_w = flag_altform2;
        let prefix: u8;
        match inf.kind {
            Kind::Decimal | Kind::Radix | Kind::Pointer | Kind::Ordinal => {
                if inf.kind != Kind::Decimal {
                    c_thousand = false;
                }
                let mut longvalue: u64;
                if inf.signed {
                    let v = a.int();
                    if v < 0 {
                        longvalue = (v as u64).wrapping_neg();
                        prefix = b'-';
                    } else {
                        longvalue = v as u64;
                        prefix = flag_prefix;
                    }
                } else {
                    longvalue = a.int() as u64;
                    prefix = 0;
                }
                if longvalue == 0 {
                    flag_alternateform = false;
                }
                if flag_zeropad && precision < width - (prefix != 0) as i64 {
                    precision = width - (prefix != 0) as i64;
                }
                if precision + 10 > MAX_LENGTH as i64 {
                    return Err(too_big());
                }
                // Build reversed, then flip.
                let mut rev: Vec<u8> = Vec::with_capacity(24);
                if inf.kind == Kind::Ordinal {
                    const ORD: &[u8] = b"thstndrd";
                    let mut x = (longvalue % 10) as usize;
                    if x >= 4 || (longvalue / 10) % 10 == 1 {
                        x = 0;
                    }
                    rev.push(ORD[x * 2 + 1]);
                    rev.push(ORD[x * 2]);
                }
                let digits: &[u8] = if inf.upper {
                    b"0123456789ABCDEF"
                } else {
                    b"0123456789abcdef"
                };
                loop {
                    rev.push(digits[(longvalue % inf.base) as usize]);
                    longvalue /= inf.base;
                    if longvalue == 0 {
                        break;
                    }
                }
                let mut length = rev.len() as i64;
                while precision > length {
                    rev.push(b'0');
                    length += 1;
                }
                rev.reverse();
                if c_thousand {
                    // Insert ',' every three digits from the right of the
                    // digit run (the ordinal suffix never co-occurs).
                    let n = rev.len();
                    let mut with = Vec::with_capacity(n + n / 3);
                    for (k, &d) in rev.iter().enumerate() {
                        with.push(d);
                        let left = n - 1 - k;
                        if left > 0 && left.is_multiple_of(3) {
                            with.push(b',');
                        }
                    }
                    rev = with;
                }
                if flag_alternateform {
                    body.extend_from_slice(inf.prefix);
                }
                if prefix != 0 {
                    body.push(prefix);
                }
                body.extend_from_slice(&rev);
                flag_altform2_w = false;
            }
            Kind::Float | Kind::Exp | Kind::Generic => {
                let realvalue = a.double();
                if precision < 0 {
                    precision = 6;
                }
                if precision > FP_PRECISION_LIMIT {
                    precision = FP_PRECISION_LIMIT;
                }
                let mut kind = inf.kind;
                let i_round = match kind {
                    Kind::Float => -precision,
                    Kind::Generic => {
                        if precision == 0 {
                            precision = 1;
                        }
                        precision
                    }
                    _ => precision + 1,
                };
                let i_round = i_round.clamp(i32::MIN as i64 + 1, i32::MAX as i64) as i32;
                let s = FpDecode::new(realvalue, i_round, if flag_altform2 { 26 } else { 16 });
                let mut digits: Vec<u8> = s.digits().to_vec();
                let mut idp = s.idp as i64;
                let mut special_done = false;
                if s.special != 0 {
                    if s.special == 2 {
                        body.extend_from_slice(if flag_zeropad { b"null" } else { b"NaN" });
                        special_done = true;
                    } else if flag_zeropad {
                        digits = vec![b'9'];
                        idp = 1000;
                    } else {
                        if s.negative {
                            body.extend_from_slice(b"-Inf");
                        } else {
                            if flag_prefix != 0 {
                                body.push(flag_prefix);
                            }
                            body.extend_from_slice(b"Inf");
                        }
                        special_done = true;
                    }
                }
                if !special_done {
                    prefix = if s.negative { b'-' } else { flag_prefix };
                    let mut exp = idp - 1;
                    if kind == Kind::Generic && precision > 0 {
                        precision -= 1;
                    }
                    let flag_rtz;
                    if kind == Kind::Generic {
                        flag_rtz = !flag_alternateform;
                        if exp < -4 || exp > precision {
                            kind = Kind::Exp;
                        } else {
                            precision -= exp;
                            kind = Kind::Float;
                        }
                    } else {
                        flag_rtz = flag_altform2;
                    }
                    let mut e2 = if kind == Kind::Exp { 0 } else { idp - 1 };
                    let need = e2.max(0) + precision + width + 15;
                    if need > MAX_LENGTH as i64 {
                        return Err(too_big());
                    }
                    let flag_dp = precision > 0 || flag_alternateform || flag_altform2;
                    if prefix != 0 {
                        body.push(prefix);
                    }
                    let mut j = 0usize;
                    let next_digit = |j: &mut usize| -> u8 {
                        if *j < digits.len() {
                            *j += 1;
                            digits[*j - 1]
                        } else {
                            b'0'
                        }
                    };
                    if e2 < 0 {
                        body.push(b'0');
                    } else {
                        while e2 >= 0 {
                            body.push(next_digit(&mut j));
                            if c_thousand && e2 % 3 == 0 && e2 > 1 {
                                body.push(b',');
                            }
                            e2 -= 1;
                        }
                    }
                    if flag_dp {
                        body.push(b'.');
                    }
                    e2 += 1;
                    while e2 < 0 && precision > 0 {
                        body.push(b'0');
                        precision -= 1;
                        e2 += 1;
                    }
                    while precision > 0 {
                        body.push(next_digit(&mut j));
                        precision -= 1;
                    }
                    if flag_rtz && flag_dp {
                        while body.last() == Some(&b'0') {
                            body.pop();
                        }
                        if body.last() == Some(&b'.') {
                            if flag_altform2 {
                                body.push(b'0');
                            } else {
                                body.pop();
                            }
                        }
                    }
                    if kind == Kind::Exp {
                        exp = idp - 1;
                        body.push(if inf.upper { b'E' } else { b'e' });
                        if exp < 0 {
                            body.push(b'-');
                            exp = -exp;
                        } else {
                            body.push(b'+');
                        }
                        if exp >= 100 {
                            body.push((exp / 100) as u8 + b'0');
                            exp %= 100;
                        }
                        body.push((exp / 10) as u8 + b'0');
                        body.push((exp % 10) as u8 + b'0');
                    }
                    if flag_zeropad && !flag_leftjustify && (body.len() as i64) < width {
                        let npad = (width - body.len() as i64) as usize;
                        let at = (prefix != 0) as usize;
                        body.splice(at..at, std::iter::repeat_n(b'0', npad));
                    }
                }
                flag_altform2_w = false;
            }
            Kind::Size => {
                i += 1;
                continue;
            }
            Kind::Percent => {
                body.push(b'%');
                flag_altform2_w = false;
            }
            Kind::CharX => {
                let mut ch: Vec<u8> = Vec::with_capacity(4);
                match a.text(&mut scratch) {
                    Some(t) => {
                        if let Some(&b0) = t.first() {
                            ch.push(b0);
                            if b0 & 0xc0 == 0xc0 {
                                let mut k = 1;
                                while ch.len() < 4 && t.get(k).is_some_and(|b| b & 0xc0 == 0x80) {
                                    ch.push(t[k]);
                                    k += 1;
                                }
                            }
                        } else {
                            ch.push(0);
                        }
                    }
                    None => ch.push(0),
                }
                // A NUL character contributes its byte in C but terminates
                // nothing here; SQLite appends the 1-byte buffer.
                if precision > 1 {
                    width -= precision - 1;
                    if width > 1 && !flag_leftjustify {
                        push_n(&mut out, b' ', width - 1)?;
                        width = 0;
                    }
                    let total = ch.len() as i64 * (precision - 1);
                    if out.len() as i64 + total > MAX_LENGTH as i64 {
                        return Err(too_big());
                    }
                    for _ in 0..precision - 1 {
                        out.extend_from_slice(&ch);
                    }
                }
                body = ch;
                flag_altform2_w = true;
            }
            Kind::String => {
                let t: &[u8] = a.text(&mut scratch).unwrap_or(b"");
                let length = if precision >= 0 {
                    if flag_altform2 {
                        let mut p = 0usize;
                        let mut n = precision;
                        while n > 0 && p < t.len() {
                            n -= 1;
                            super::utf8::skip_char(t, &mut p);
                        }
                        p
                    } else {
                        (precision as usize).min(t.len())
                    }
                } else {
                    t.len()
                };
                body.extend_from_slice(&t[..length]);
            }
            Kind::SqlEscape | Kind::SqlEscape2 | Kind::SqlEscape3 => {
                let q = if inf.kind == Kind::SqlEscape3 {
                    b'"'
                } else {
                    b'\''
                };
                let arg = a.text(&mut scratch);
                let isnull = arg.is_none();
                let esc: &[u8] = match arg {
                    Some(t) => t,
                    None => {
                        if inf.kind == Kind::SqlEscape2 {
                            b"NULL"
                        } else {
                            b"(NULL)"
                        }
                    }
                };
                let mut k = precision;
                let mut ii = 0usize;
                while k != 0 && ii < esc.len() {
                    if flag_altform2 && esc[ii] & 0xc0 == 0xc0 {
                        while esc.get(ii + 1).is_some_and(|b| b & 0xc0 == 0x80) {
                            ii += 1;
                        }
                    }
                    ii += 1;
                    k -= 1;
                }
                let need_quote = !isnull && inf.kind == Kind::SqlEscape2;
                if need_quote {
                    body.push(q);
                }
                for &ch in &esc[..ii.min(esc.len())] {
                    body.push(ch);
                    if ch == q {
                        body.push(ch);
                    }
                }
                if need_quote {
                    body.push(q);
                }
            }
        }
        // Width adjustment for UTF-8 ('!' flag on string-ish conversions).
        if flag_altform2_w && width > 0 {
            for &b in body.iter() {
                if b & 0xc0 == 0x80 {
                    width += 1;
                }
            }
        }
        let pad = width - body.len() as i64;
        if pad > 0 {
            if !flag_leftjustify {
                push_n(&mut out, b' ', pad)?;
            }
            out.extend_from_slice(&body);
            if flag_leftjustify {
                push_n(&mut out, b' ', pad)?;
            }
        } else {
            out.extend_from_slice(&body);
        }
        if out.len() > MAX_LENGTH {
            return Err(too_big());
        }
        i += 1;
    }
    Ok((out, touched))
}
