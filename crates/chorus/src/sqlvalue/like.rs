//! LIKE and GLOB pattern matching (SQLite's `patternCompare`): UTF-8 aware,
//! LIKE folds ASCII case only (unless case-sensitive), GLOB supports
//! `*`, `?`, `[...]`, `[^...]` with ranges. Text ends at its first NUL byte,
//! as in SQLite. Recursion happens only at `*`/`%` and is bounded by the
//! pattern length (callers cap patterns, see [`MAX_PATTERN_LEN`]).

use super::utf8::{read_char, skip_char, until_nul};

/// SQLite's default `SQLITE_LIMIT_LIKE_PATTERN_LENGTH`.
pub const MAX_PATTERN_LEN: usize = 50000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    Yes,
    No,
    NoWildcard,
}

#[derive(Clone, Copy)]
struct Info {
    match_all: u32,
    match_one: u32,
    match_set: bool,
    no_case: bool,
}

#[inline]
fn lower(c: u32) -> u32 {
    if (b'A' as u32..=b'Z' as u32).contains(&c) {
        c + 32
    } else {
        c
    }
}

fn pattern_compare(
    pat: &[u8],
    mut pp: usize,
    s: &[u8],
    mut sp: usize,
    info: &Info,
    match_other: u32,
) -> Match {
    let mut escaped_at: Option<usize> = None;
    loop {
        if pp >= pat.len() {
            break;
        }
        let mut c = read_char(pat, &mut pp);
        if c == info.match_all {
            loop {
                c = if pp < pat.len() {
                    read_char(pat, &mut pp)
                } else {
                    0
                };
                if c == info.match_all && c != 0 {
                    continue;
                }
                if c == info.match_one && info.match_one != 0 {
                    if sp >= s.len() {
                        return Match::NoWildcard;
                    }
                    read_char(s, &mut sp);
                    continue;
                }
                break;
            }
            if c == 0 {
                return Match::Yes;
            }
            if c == match_other {
                if !info.match_set {
                    if pp >= pat.len() {
                        return Match::NoWildcard;
                    }
                    c = read_char(pat, &mut pp);
                } else {
                    // "[...]" right after "*": slow recursive search.
                    let set_start = pp - 1;
                    while sp < s.len() {
                        let m = pattern_compare(pat, set_start, s, sp, info, match_other);
                        if m != Match::No {
                            return m;
                        }
                        skip_char(s, &mut sp);
                    }
                    return Match::NoWildcard;
                }
            }
            if c < 0x80 {
                let (c1, c2) = if info.no_case {
                    (
                        lower(c),
                        if (b'a' as u32..=b'z' as u32).contains(&c) {
                            c - 32
                        } else {
                            c
                        },
                    )
                } else {
                    (c, c)
                };
                while sp < s.len() {
                    let b = s[sp] as u32;
                    sp += 1;
                    if b == c1 || b == c2 || (info.no_case && lower(b) == c1 && b < 0x80) {
                        let m = pattern_compare(pat, pp, s, sp, info, match_other);
                        if m != Match::No {
                            return m;
                        }
                    }
                }
            } else {
                while sp < s.len() {
                    let c2 = read_char(s, &mut sp);
                    if c2 != c {
                        continue;
                    }
                    let m = pattern_compare(pat, pp, s, sp, info, match_other);
                    if m != Match::No {
                        return m;
                    }
                }
            }
            return Match::NoWildcard;
        }
        if c == match_other {
            if !info.match_set {
                if pp >= pat.len() {
                    return Match::No;
                }
                c = read_char(pat, &mut pp);
                escaped_at = Some(pp);
            } else {
                let mut prior_c: u32 = 0;
                let mut seen = false;
                let mut invert = false;
                if sp >= s.len() {
                    return Match::No;
                }
                let c = read_char(s, &mut sp);
                let next = |pp: &mut usize| {
                    if *pp < pat.len() {
                        read_char(pat, pp)
                    } else {
                        0
                    }
                };
                let mut c2 = next(&mut pp);
                if c2 == b'^' as u32 {
                    invert = true;
                    c2 = next(&mut pp);
                }
                if c2 == b']' as u32 {
                    if c == b']' as u32 {
                        seen = true;
                    }
                    c2 = next(&mut pp);
                }
                while c2 != 0 && c2 != b']' as u32 {
                    let peek = pat.get(pp).copied().unwrap_or(0);
                    if c2 == b'-' as u32 && peek != b']' && peek != 0 && prior_c > 0 {
                        c2 = next(&mut pp);
                        if c >= prior_c && c <= c2 {
                            seen = true;
                        }
                        prior_c = 0;
                    } else {
                        if c == c2 {
                            seen = true;
                        }
                        prior_c = c2;
                    }
                    c2 = next(&mut pp);
                }
                if c2 == 0 || seen == invert {
                    return Match::No;
                }
                continue;
            }
        }
        let c2 = if sp < s.len() {
            read_char(s, &mut sp)
        } else {
            0
        };
        if c == c2 {
            continue;
        }
        if info.no_case && lower(c) == lower(c2) && c < 0x80 && c2 < 0x80 {
            continue;
        }
        if c == info.match_one && Some(pp) != escaped_at && c2 != 0 {
            continue;
        }
        return Match::No;
    }
    if sp >= s.len() {
        Match::Yes
    } else {
        Match::No
    }
}

/// `text LIKE pattern [ESCAPE escape]`. `escape` is the escape character's
/// code point. Matching stops at NUL bytes like SQLite's C strings.
pub fn like(pattern: &[u8], text: &[u8], escape: Option<u32>, case_sensitive: bool) -> bool {
    let mut info = Info {
        match_all: b'%' as u32,
        match_one: b'_' as u32,
        match_set: false,
        no_case: !case_sensitive,
    };
    let esc = match escape {
        Some(e) => {
            if e == info.match_all {
                info.match_all = 0;
            }
            if e == info.match_one {
                info.match_one = 0;
            }
            e
        }
        None => 0,
    };
    let pat = until_nul(pattern);
    let s = until_nul(text);
    pattern_compare(pat, 0, s, 0, &info, esc) == Match::Yes
}

/// `text GLOB pattern` (case sensitive).
pub fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let info = Info {
        match_all: b'*' as u32,
        match_one: b'?' as u32,
        match_set: true,
        no_case: false,
    };
    pattern_compare(
        until_nul(pattern),
        0,
        until_nul(text),
        0,
        &info,
        b'[' as u32,
    ) == Match::Yes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert!(like(b"a%", b"ABC", None, false));
        assert!(!like(b"a%", b"ABC", None, true));
        assert!(like(b"_b_", b"abc", None, false));
        assert!(like(b"a\\%", b"a%", Some('\\' as u32), false));
        assert!(!like(b"a\\%", b"ab", Some('\\' as u32), false));
        assert!(glob(b"[a-c]*", b"banana"));
        assert!(!glob(b"[^a-c]*", b"banana"));
        assert!(glob(b"*.rs", b"lib.rs"));
        assert!(like("é%".as_bytes(), "éa".as_bytes(), None, false));
    }
}
