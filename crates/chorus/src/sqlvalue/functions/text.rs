//! Text and blob functions. Text arguments are byte strings; functions that
//! SQLite implements over C strings (length, substr, trim's character set,
//! unicode, unhex, quote, LIKE) stop at the first NUL byte as it does.

use super::math::value_int;
use super::{func_error, too_big, FunctionContext, MAX_LENGTH};
use crate::sqlvalue::format::value_to_text;
use crate::sqlvalue::like::{glob, like, MAX_PATTERN_LEN};
use crate::sqlvalue::numeric::{atof, value_to_i64};
use crate::sqlvalue::printf::{printf_value, sql_printf};
use crate::sqlvalue::utf8::{char_count, push_char, read_char, skip_char, until_nul};
use chorus_storage::{Result, Value, ValueRef};
use std::borrow::Cow;

fn arg<'a>(a: &[ValueRef<'a>], i: usize) -> ValueRef<'a> {
    a.get(i).copied().unwrap_or(ValueRef::Null)
}

/// `sqlite3_value_text`: `None` for NULL.
fn text_of(v: ValueRef<'_>) -> Option<Cow<'_, [u8]>> {
    if v.is_null() {
        None
    } else {
        Some(value_to_text(v))
    }
}

fn check_len(n: usize) -> Result<()> {
    if n as i64 > MAX_LENGTH {
        Err(too_big())
    } else {
        Ok(())
    }
}

pub(super) fn length(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match arg(a, 0) {
        ValueRef::Null => Value::Null,
        ValueRef::Text(t) => Value::Integer(char_count(until_nul(t)) as i64),
        v => Value::Integer(value_to_text(v).len() as i64),
    })
}

pub(super) fn octet_length(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match arg(a, 0) {
        ValueRef::Null => Value::Null,
        v => Value::Integer(value_to_text(v).len() as i64),
    })
}

fn map_bytes(a: &[ValueRef], f: fn(&u8) -> u8) -> Result<Value> {
    Ok(match text_of(arg(a, 0)) {
        None => Value::Null,
        Some(t) => Value::Text(t.iter().map(f).collect()),
    })
}

pub(super) fn upper(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    map_bytes(a, u8::to_ascii_uppercase)
}

pub(super) fn lower(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    map_bytes(a, u8::to_ascii_lowercase)
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

pub(super) fn hex(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let t = value_to_text(arg(a, 0));
    check_len(t.len() * 2)?;
    let mut out = Vec::with_capacity(t.len() * 2);
    for &b in t.iter() {
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 15) as usize]);
    }
    Ok(Value::Text(out))
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

pub(super) fn unhex(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let Some(hex) = text_of(arg(a, 0)) else {
        return Ok(Value::Null);
    };
    let pass: Cow<[u8]> = if a.len() == 2 {
        match text_of(arg(a, 1)) {
            Some(p) => p,
            None => return Ok(Value::Null),
        }
    } else {
        Cow::Borrowed(b"")
    };
    let z = until_nul(&hex);
    let pass_contains = |ch: u32| {
        let mut p = 0;
        while p < pass.len() {
            if read_char(&pass, &mut p) == ch {
                return true;
            }
        }
        false
    };
    let mut out = Vec::with_capacity(z.len() / 2);
    let mut i = 0;
    while i < z.len() {
        let mut c = z[i];
        while hex_val(c).is_none() {
            let ch = read_char(z, &mut i);
            if !pass_contains(ch) {
                return Ok(Value::Null);
            }
            if i >= z.len() {
                return Ok(Value::Blob(out));
            }
            c = z[i];
        }
        i += 1;
        let Some(d) = z.get(i).copied().and_then(hex_val) else {
            return Ok(Value::Null);
        };
        i += 1;
        out.push((hex_val(c).unwrap_or(0) << 4) | d);
    }
    Ok(Value::Blob(out))
}

pub(super) fn unicode(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match text_of(arg(a, 0)) {
        Some(t) if t.first().is_some_and(|&b| b != 0) => {
            let mut p = 0;
            Value::Integer(read_char(until_nul(&t), &mut p) as i64)
        }
        _ => Value::Null,
    })
}

pub(super) fn char_fn(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let mut out = Vec::with_capacity(a.len() * 4);
    for v in a {
        let mut x = value_to_i64(*v);
        if !(0..=0x10ffff).contains(&x) {
            x = 0xfffd;
        }
        push_char((x & 0x1fffff) as u32, &mut out);
    }
    Ok(Value::Text(out))
}

pub(super) fn zeroblob(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let n = value_to_i64(arg(a, 0)).max(0);
    if n > MAX_LENGTH {
        return Err(too_big());
    }
    Ok(Value::Blob(vec![0; n as usize]))
}

pub(super) fn instr(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let (h, n) = (arg(a, 0), arg(a, 1));
    if h.is_null() || n.is_null() {
        return Ok(Value::Null);
    }
    let is_text = !matches!((h, n), (ValueRef::Blob(_), ValueRef::Blob(_)));
    let hay = value_to_text(h);
    let needle = value_to_text(n);
    if needle.is_empty() {
        return Ok(Value::Integer(1));
    }
    let mut pos = 0usize;
    let mut count = 1i64;
    loop {
        if needle.len() > hay.len() - pos {
            return Ok(Value::Integer(0));
        }
        if hay[pos..].starts_with(&needle) {
            return Ok(Value::Integer(count));
        }
        count += 1;
        pos += 1;
        while is_text && pos < hay.len() && hay[pos] & 0xc0 == 0x80 {
            pos += 1;
        }
    }
}

pub(super) fn substr(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    if arg(a, 1).is_null() || (a.len() == 3 && arg(a, 2).is_null()) {
        return Ok(Value::Null);
    }
    let x = arg(a, 0);
    let mut p1 = value_int(arg(a, 1)) as i64;
    let is_blob = matches!(x, ValueRef::Blob(_));
    let data: Cow<[u8]> = match x {
        ValueRef::Null => return Ok(Value::Null),
        // sqlite3_value_blob() of an empty blob is a NULL pointer.
        ValueRef::Blob([]) => return Ok(Value::Null),
        ValueRef::Blob(b) => Cow::Borrowed(b),
        v => value_to_text(v),
    };
    let z: &[u8] = if is_blob { &data } else { until_nul(&data) };
    let len: i64 = if is_blob {
        z.len() as i64
    } else if p1 < 0 {
        char_count(z) as i64
    } else {
        0
    };
    let mut neg_p2 = false;
    let mut p2: i64 = if a.len() == 3 {
        let v = value_int(arg(a, 2)) as i64;
        if v < 0 {
            neg_p2 = true;
            -v
        } else {
            v
        }
    } else {
        MAX_LENGTH
    };
    if p1 < 0 {
        p1 += len;
        if p1 < 0 {
            p2 += p1;
            if p2 < 0 {
                p2 = 0;
            }
            p1 = 0;
        }
    } else if p1 > 0 {
        p1 -= 1;
    } else if p2 > 0 {
        p2 -= 1;
    }
    if neg_p2 {
        p1 -= p2;
        if p1 < 0 {
            p2 += p1;
            p1 = 0;
        }
    }
    if !is_blob {
        let mut s = 0usize;
        while s < z.len() && p1 > 0 {
            skip_char(z, &mut s);
            p1 -= 1;
        }
        let mut e = s;
        while e < z.len() && p2 > 0 {
            skip_char(z, &mut e);
            p2 -= 1;
        }
        Ok(Value::Text(z[s..e].to_vec()))
    } else {
        if p1 + p2 > len {
            p2 = (len - p1).max(0);
        }
        let s = (p1.min(len)) as usize;
        let e = (p1 + p2).clamp(0, len) as usize;
        Ok(Value::Blob(z[s..e.max(s)].to_vec()))
    }
}

pub(super) fn replace(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let Some(s) = text_of(arg(a, 0)) else {
        return Ok(Value::Null);
    };
    let Some(pat) = text_of(arg(a, 1)) else {
        return Ok(Value::Null);
    };
    if pat.first().is_none_or(|&b| b == 0) {
        return Ok(Value::Text(s.into_owned()));
    }
    let Some(rep) = text_of(arg(a, 2)) else {
        return Ok(Value::Null);
    };
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s.len() - i >= pat.len() && s[i] == pat[0] && s[i..].starts_with(&pat) {
            out.extend_from_slice(&rep);
            check_len(out.len())?;
            i += pat.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Ok(Value::Text(out))
}

fn trim_impl(a: &[ValueRef], left: bool, right: bool) -> Result<Value> {
    let Some(input) = text_of(arg(a, 0)) else {
        return Ok(Value::Null);
    };
    let set: Vec<&[u8]> = if a.len() == 1 {
        vec![b" "]
    } else {
        match text_of(arg(a, 1)) {
            None => return Ok(Value::Null),
            Some(cs) => {
                let cs = until_nul(&cs).to_vec();
                let mut chars: Vec<Vec<u8>> = Vec::new();
                let mut p = 0;
                while p < cs.len() {
                    let s = p;
                    skip_char(&cs, &mut p);
                    chars.push(cs[s..p].to_vec());
                }
                return Ok(Value::Text(
                    trim_bytes(
                        &input,
                        &chars.iter().map(|c| &c[..]).collect::<Vec<_>>(),
                        left,
                        right,
                    )
                    .to_vec(),
                ));
            }
        }
    };
    Ok(Value::Text(trim_bytes(&input, &set, left, right).to_vec()))
}

fn trim_bytes<'a>(z: &'a [u8], set: &[&[u8]], left: bool, right: bool) -> &'a [u8] {
    let mut s = 0usize;
    let mut e = z.len();
    if set.is_empty() {
        return z;
    }
    if left {
        'outer: while s < e {
            for c in set {
                if c.len() <= e - s && z[s..].starts_with(c) {
                    s += c.len();
                    continue 'outer;
                }
            }
            break;
        }
    }
    if right {
        'outer2: while s < e {
            for c in set {
                if c.len() <= e - s && z[..e].ends_with(c) {
                    e -= c.len();
                    continue 'outer2;
                }
            }
            break;
        }
    }
    &z[s..e]
}

pub(super) fn ltrim(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    trim_impl(a, true, false)
}

pub(super) fn rtrim(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    trim_impl(a, false, true)
}

pub(super) fn trim(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    trim_impl(a, true, true)
}

fn concat_core(args: &[ValueRef], sep: &[u8]) -> Result<Value> {
    let mut out = Vec::new();
    for v in args {
        let t = value_to_text(*v);
        if t.is_empty() || v.is_null() {
            continue;
        }
        if !out.is_empty() {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(&t);
        check_len(out.len())?;
    }
    Ok(Value::Text(out))
}

pub(super) fn concat(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    concat_core(a, b"")
}

pub(super) fn concat_ws(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    match (text_of(arg(a, 0)), a.get(1..)) {
        (Some(sep), Some(rest)) => concat_core(rest, &sep),
        _ => Ok(Value::Null),
    }
}

pub(super) fn printf(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    match a.first().copied() {
        None | Some(ValueRef::Null) => Ok(Value::Null),
        Some(f) => {
            let fmt = value_to_text(f);
            Ok(printf_value(&fmt, &a[1..]))
        }
    }
}

/// Append the SQL literal for a value (`sqlite3QuoteValue`).
pub fn quote_value(v: ValueRef, out: &mut Vec<u8>) {
    match v {
        ValueRef::Null => out.extend_from_slice(b"NULL"),
        ValueRef::Integer(i) => crate::sqlvalue::format::format_int(i, out),
        ValueRef::Real(r1) => {
            let start = out.len();
            let s = quote_real(r1, false);
            out.extend_from_slice(&s);
            let r2 = atof(&out[start..]).0;
            if r1 != r2 {
                out.truncate(start);
                out.extend_from_slice(&quote_real(r1, true));
            }
        }
        ValueRef::Blob(b) => {
            out.extend_from_slice(b"X'");
            for &c in b {
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 15) as usize]);
            }
            out.push(b'\'');
        }
        ValueRef::Text(t) => {
            out.push(b'\'');
            for &c in until_nul(t) {
                out.push(c);
                if c == b'\'' {
                    out.push(c);
                }
            }
            out.push(b'\'');
        }
    }
}

fn quote_real(r: f64, wide: bool) -> Vec<u8> {
    let fmt: &[u8] = if wide { b"%!0.20e" } else { b"%!0.15g" };
    sql_printf(fmt, &[Value::Real(r)]).unwrap_or_default()
}

pub(super) fn quote(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let mut out = Vec::new();
    quote_value(arg(a, 0), &mut out);
    Ok(Value::Text(out))
}

pub(super) fn like_fn(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let pat = arg(a, 0);
    let pat_len = value_to_text(pat).len();
    if pat_len > MAX_PATTERN_LEN {
        return Err(func_error("LIKE or GLOB pattern too complex"));
    }
    let mut escape = None;
    if a.len() == 3 {
        let Some(e) = text_of(arg(a, 2)) else {
            return Ok(Value::Null);
        };
        let e = until_nul(&e);
        if char_count(e) != 1 {
            return Err(func_error("ESCAPE expression must be a single character"));
        }
        let mut p = 0;
        escape = Some(read_char(e, &mut p));
    }
    let (Some(p), Some(t)) = (text_of(pat), text_of(arg(a, 1))) else {
        return Ok(Value::Null);
    };
    Ok(Value::Integer(
        like(&p, &t, escape, ctx.case_sensitive_like) as i64,
    ))
}

pub(super) fn glob_fn(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let pat = arg(a, 0);
    if value_to_text(pat).len() > MAX_PATTERN_LEN {
        return Err(func_error("LIKE or GLOB pattern too complex"));
    }
    let (Some(p), Some(t)) = (text_of(pat), text_of(arg(a, 1))) else {
        return Ok(Value::Null);
    };
    Ok(Value::Integer(glob(&p, &t) as i64))
}

pub(super) fn soundex(_: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    const CODE: [u8; 128] = {
        let mut t = [0u8; 128];
        let groups: [(&[u8], u8); 6] = [
            (b"BFPV", 1),
            (b"CGJKQSXZ", 2),
            (b"DT", 3),
            (b"L", 4),
            (b"MN", 5),
            (b"R", 6),
        ];
        let mut g = 0;
        while g < groups.len() {
            let (letters, code) = groups[g];
            let mut k = 0;
            while k < letters.len() {
                t[letters[k] as usize] = code;
                t[(letters[k] + 32) as usize] = code;
                k += 1;
            }
            g += 1;
        }
        t
    };
    let t = text_of(arg(a, 0)).unwrap_or(Cow::Borrowed(b""));
    let z = until_nul(&t);
    let Some(mut i) = z.iter().position(|c| c.is_ascii_alphabetic()) else {
        return Ok(Value::from("?000"));
    };
    let mut out = Vec::with_capacity(4);
    let mut prev = CODE[(z[i] & 0x7f) as usize];
    out.push(z[i].to_ascii_uppercase());
    while out.len() < 4 && i < z.len() {
        let code = CODE[(z[i] & 0x7f) as usize];
        if code > 0 {
            if code != prev {
                prev = code;
                out.push(code + b'0');
            }
        } else {
            prev = 0;
        }
        i += 1;
    }
    while out.len() < 4 {
        out.push(b'0');
    }
    Ok(Value::Text(out))
}
