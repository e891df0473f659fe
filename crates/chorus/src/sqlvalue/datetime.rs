//! Date and time functions (lang_datefunc): date, time, datetime,
//! julianday, unixepoch, strftime, timediff and current_*. Times are kept as
//! SQLite keeps them: a Julian day number in milliseconds (`ijd`) plus lazily
//! derived Y-M-D and h:m:s fields. Parsing, modifiers, rounding and output
//! formats follow SQLite's date.c step by step. "now" comes from
//! [`FunctionContext::now_ms`]; 'localtime'/'utc' use the C library's
//! `localtime_r`.

use super::functions::{func_error, FunctionContext};
use super::numeric::{atof, value_to_f64, AtofKind};
use super::printf::sql_printf;
use chorus_storage::{Result, Value, ValueRef};

/// Julian day (ms) of the Unix epoch.
const UNIX_EPOCH_JD_MS: i64 = 210_866_760_000_000;
/// Largest valid iJD: 9999-12-31 23:59:59.999.
const MAX_JD_MS: i64 = 464_269_060_799_999;

#[derive(Clone, Copy, Default, Debug)]
struct DateTime {
    ijd: i64,
    y: i32,
    mo: i32,
    d: i32,
    h: i32,
    mi: i32,
    tz: i32,
    s: f64,
    valid_jd: bool,
    valid_ymd: bool,
    valid_hms: bool,
    n_floor: i32,
    raw_s: bool,
    is_error: bool,
    use_subsec: bool,
    is_utc: bool,
    is_local: bool,
}

/// Byte at `i`, 0 past the end (C string view).
#[inline]
fn at(z: &[u8], i: usize) -> u8 {
    z.get(i).copied().unwrap_or(0)
}

fn is_space(c: u8) -> bool {
    super::numeric::is_space(c)
}

/// `getDigits`: fields of (digits, min, max, separator after; 0 = last).
fn get_digits(z: &[u8], mut i: usize, specs: &[(u8, i32, i32, u8)], out: &mut [i32]) -> usize {
    let mut cnt = 0;
    for (k, &(n, min, max, next)) in specs.iter().enumerate() {
        let mut val = 0i32;
        for _ in 0..n {
            let c = at(z, i);
            if !c.is_ascii_digit() {
                return cnt;
            }
            val = val * 10 + (c - b'0') as i32;
            i += 1;
        }
        if val < min || val > max || (next != 0 && next != at(z, i)) {
            return cnt;
        }
        out[k] = val;
        i += 1;
        cnt += 1;
        if next == 0 {
            break;
        }
    }
    cnt
}

impl DateTime {
    fn error(&mut self) {
        *self = DateTime {
            is_error: true,
            ..Default::default()
        };
    }

    fn parse_timezone(&mut self, z: &[u8], mut i: usize) -> bool {
        while is_space(at(z, i)) {
            i += 1;
        }
        self.tz = 0;
        let c = at(z, i);
        let sgn;
        if c == b'-' {
            sgn = -1;
        } else if c == b'+' {
            sgn = 1;
        } else if c == b'Z' || c == b'z' {
            i += 1;
            self.is_local = false;
            self.is_utc = true;
            while is_space(at(z, i)) {
                i += 1;
            }
            return at(z, i) != 0;
        } else {
            return c != 0;
        }
        i += 1;
        let mut v = [0i32; 2];
        if get_digits(z, i, &[(2, 0, 14, b':'), (2, 0, 59, 0)], &mut v) != 2 {
            return true;
        }
        i += 5;
        self.tz = sgn * (v[1] + v[0] * 60);
        while is_space(at(z, i)) {
            i += 1;
        }
        at(z, i) != 0
    }

    /// Returns true on a parse error.
    fn parse_hh_mm_ss(&mut self, z: &[u8], mut i: usize) -> bool {
        let mut v = [0i32; 2];
        if get_digits(z, i, &[(2, 0, 24, b':'), (2, 0, 59, 0)], &mut v) != 2 {
            return true;
        }
        let (h, m) = (v[0], v[1]);
        i += 5;
        let mut s = 0i32;
        let mut ms = 0.0f64;
        if at(z, i) == b':' {
            i += 1;
            let mut sv = [0i32; 1];
            if get_digits(z, i, &[(2, 0, 59, 0)], &mut sv) != 1 {
                return true;
            }
            s = sv[0];
            i += 2;
            if at(z, i) == b'.' && at(z, i + 1).is_ascii_digit() {
                let mut scale = 1.0f64;
                i += 1;
                while at(z, i).is_ascii_digit() {
                    ms = ms * 10.0 + (at(z, i) - b'0') as f64;
                    scale *= 10.0;
                    i += 1;
                }
                ms /= scale;
            }
        }
        self.valid_jd = false;
        self.raw_s = false;
        self.valid_hms = true;
        self.h = h;
        self.mi = m;
        self.s = s as f64 + ms;
        self.parse_timezone(z, i)
    }

    fn compute_jd(&mut self) {
        if self.valid_jd {
            return;
        }
        let (mut y, mut m, d) = if self.valid_ymd {
            (self.y, self.mo, self.d)
        } else {
            (2000, 1, 1)
        };
        if !(-4713..=9999).contains(&y) || self.raw_s {
            self.error();
            return;
        }
        if m <= 2 {
            y -= 1;
            m += 12;
        }
        let a = y / 100;
        let b = 2 - a + (a / 4);
        let x1 = 36525 * (y + 4716) / 100;
        let x2 = 306001 * (m + 1) / 10000;
        self.ijd = (((x1 + x2 + d + b) as f64 - 1524.5) * 86400000.0) as i64;
        self.valid_jd = true;
        if self.valid_hms {
            self.ijd +=
                (self.h * 3600000 + self.mi * 60000) as i64 + (self.s * 1000.0 + 0.5) as i64;
            if self.tz != 0 {
                self.ijd -= self.tz as i64 * 60000;
                self.valid_ymd = false;
                self.valid_hms = false;
                self.tz = 0;
                self.is_utc = true;
                self.is_local = false;
            }
        }
    }

    fn compute_floor(&mut self) {
        if self.d <= 28 || (1 << self.mo) & 0x15aa != 0 {
            self.n_floor = 0;
        } else if self.mo != 2 {
            self.n_floor = (self.d == 31) as i32;
        } else if self.y % 4 != 0 || (self.y % 100 == 0 && self.y % 400 != 0) {
            self.n_floor = self.d - 28;
        } else {
            self.n_floor = self.d - 29;
        }
    }

    fn parse_yyyy_mm_dd(&mut self, z: &[u8]) -> bool {
        let mut i = 0;
        let neg = at(z, 0) == b'-';
        if neg {
            i += 1;
        }
        let mut v = [0i32; 3];
        if get_digits(
            z,
            i,
            &[(4, 0, 9999, b'-'), (2, 1, 12, b'-'), (2, 1, 31, 0)],
            &mut v,
        ) != 3
        {
            return true;
        }
        i += 10;
        while is_space(at(z, i)) || at(z, i) == b'T' {
            i += 1;
        }
        if !self.parse_hh_mm_ss(z, i) {
            // got the time
        } else if at(z, i) == 0 {
            self.valid_hms = false;
        } else {
            return true;
        }
        self.valid_jd = false;
        self.valid_ymd = true;
        self.y = if neg { -v[0] } else { v[0] };
        self.mo = v[1];
        self.d = v[2];
        self.compute_floor();
        if self.tz != 0 {
            self.compute_jd();
        }
        false
    }

    fn set_now(&mut self, ctx: &FunctionContext) -> bool {
        self.ijd = ctx.now_ms() + UNIX_EPOCH_JD_MS;
        if self.ijd > 0 {
            self.valid_jd = true;
            self.is_utc = true;
            self.is_local = false;
            self.clear_ymd_hms_tz();
            false
        } else {
            true
        }
    }

    fn set_raw_number(&mut self, r: f64) {
        self.s = r;
        self.raw_s = true;
        if (0.0..5373484.5).contains(&r) {
            self.ijd = (r * 86400000.0 + 0.5) as i64;
            self.valid_jd = true;
        }
    }

    fn parse_date_or_time(&mut self, ctx: &FunctionContext, z: &[u8]) -> bool {
        if !self.parse_yyyy_mm_dd(z) {
            return false;
        }
        if !self.parse_hh_mm_ss(z, 0) {
            return false;
        }
        if z.eq_ignore_ascii_case(b"now") {
            return self.set_now(ctx);
        }
        let (r, kind) = atof(z);
        if matches!(kind, AtofKind::PureInteger | AtofKind::Real) {
            self.set_raw_number(r);
            return false;
        }
        if z.eq_ignore_ascii_case(b"subsec") || z.eq_ignore_ascii_case(b"subsecond") {
            self.use_subsec = true;
            return self.set_now(ctx);
        }
        true
    }

    fn compute_ymd(&mut self) {
        if self.valid_ymd {
            return;
        }
        if !self.valid_jd {
            self.y = 2000;
            self.mo = 1;
            self.d = 1;
        } else if !valid_julian_day(self.ijd) {
            self.error();
            return;
        } else {
            let z = ((self.ijd + 43200000) / 86400000) as i32;
            let a = ((z as f64 - 1867216.25) / 36524.25) as i32;
            let a = z + 1 + a - (a / 4);
            let b = a + 1524;
            let c = ((b as f64 - 122.1) / 365.25) as i32;
            let d = (36525 * (c & 32767)) / 100;
            let e = ((b - d) as f64 / 30.6001) as i32;
            let x1 = (30.6001 * e as f64) as i32;
            self.d = b - d - x1;
            self.mo = if e < 14 { e - 1 } else { e - 13 };
            self.y = if self.mo > 2 { c - 4716 } else { c - 4715 };
        }
        self.valid_ymd = true;
    }

    fn compute_hms(&mut self) {
        if self.valid_hms {
            return;
        }
        self.compute_jd();
        let day_ms = ((self.ijd + 43200000) % 86400000) as i32;
        self.s = (day_ms % 60000) as f64 / 1000.0;
        let day_min = day_ms / 60000;
        self.mi = day_min % 60;
        self.h = day_min / 60;
        self.raw_s = false;
        self.valid_hms = true;
    }

    fn compute_ymd_hms(&mut self) {
        self.compute_ymd();
        self.compute_hms();
    }

    fn clear_ymd_hms_tz(&mut self) {
        self.valid_ymd = false;
        self.valid_hms = false;
        self.tz = 0;
    }

    fn shift_to_localtime(&mut self) -> Result<()> {
        self.compute_jd();
        let (t, year_diff) = if self.ijd < 2108667600 * 100000 || self.ijd > 2130141456 * 100000 {
            let mut x = *self;
            x.compute_ymd_hms();
            let year_diff = (2000 + x.y % 4) - x.y;
            x.y += year_diff;
            x.valid_jd = false;
            x.compute_jd();
            (x.ijd / 1000 - 21086676 * 10000, year_diff)
        } else {
            (self.ijd / 1000 - 21086676 * 10000, 0)
        };
        let tm = localtime(t).ok_or_else(|| func_error("local time unavailable"))?;
        self.y = tm.0 - year_diff;
        self.mo = tm.1;
        self.d = tm.2;
        self.h = tm.3;
        self.mi = tm.4;
        self.s = tm.5 as f64 + (self.ijd % 1000) as f64 * 0.001;
        self.valid_ymd = true;
        self.valid_hms = true;
        self.valid_jd = false;
        self.raw_s = false;
        self.tz = 0;
        self.is_error = false;
        Ok(())
    }

    fn auto_adjust(&mut self) {
        if !self.raw_s || self.valid_jd {
            self.raw_s = false;
        } else if self.s >= -21086676.0 * 10000.0 && self.s <= 25340230.0 * 10000.0 + 799.0 {
            let r = self.s * 1000.0 + 210866760000000.0;
            self.clear_ymd_hms_tz();
            self.ijd = (r + 0.5) as i64;
            self.valid_jd = true;
            self.raw_s = false;
        }
    }

    /// Apply one modifier. `Ok(true)` means "not understood / failed"
    /// (result NULL); `Err` is a hard error (localtime failure).
    fn modifier(&mut self, z: &[u8], idx: usize) -> Result<bool> {
        let lower = |s: &[u8]| z.eq_ignore_ascii_case(s);
        let first = at(z, 0).to_ascii_lowercase();
        let mut rc = true;
        match first {
            b'a' if lower(b"auto") => {
                if idx > 1 {
                    return Ok(true);
                }
                self.auto_adjust();
                rc = false;
            }
            b'c' if lower(b"ceiling") => {
                self.compute_jd();
                self.clear_ymd_hms_tz();
                rc = false;
                self.n_floor = 0;
            }
            b'f' if lower(b"floor") => {
                self.compute_jd();
                self.ijd -= self.n_floor as i64 * 86400000;
                self.clear_ymd_hms_tz();
                rc = false;
            }
            b'j' if lower(b"julianday") => {
                if idx > 1 {
                    return Ok(true);
                }
                if self.valid_jd && self.raw_s {
                    rc = false;
                    self.raw_s = false;
                }
            }
            b'l' if lower(b"localtime") => {
                if !self.is_local {
                    self.shift_to_localtime()?;
                }
                self.is_utc = false;
                self.is_local = true;
                rc = false;
            }
            b'u' => {
                if lower(b"unixepoch") && self.raw_s {
                    if idx > 1 {
                        return Ok(true);
                    }
                    let r = self.s * 1000.0 + 210866760000000.0;
                    if (0.0..464269060800000.0).contains(&r) {
                        self.clear_ymd_hms_tz();
                        self.ijd = (r + 0.5) as i64;
                        self.valid_jd = true;
                        self.raw_s = false;
                        rc = false;
                    }
                } else if lower(b"utc") {
                    if !self.is_utc {
                        self.compute_jd();
                        let orig = self.ijd;
                        let mut guess = orig;
                        let mut err = 0i64;
                        let mut cnt = 0;
                        loop {
                            let mut n = DateTime::default();
                            guess -= err;
                            n.ijd = guess;
                            n.valid_jd = true;
                            n.shift_to_localtime()?;
                            n.compute_jd();
                            err = n.ijd - orig;
                            let again = err != 0 && cnt < 3;
                            cnt += 1;
                            if !again {
                                break;
                            }
                        }
                        *self = DateTime {
                            ijd: guess,
                            valid_jd: true,
                            is_utc: true,
                            ..Default::default()
                        };
                    }
                    rc = false;
                }
            }
            b'w' if z.len() >= 8 && z[..8].eq_ignore_ascii_case(b"weekday ") => {
                let (r, kind) = atof(&z[8..]);
                if matches!(kind, AtofKind::PureInteger | AtofKind::Real)
                    && (0.0..7.0).contains(&r)
                    && (r as i32) as f64 == r
                {
                    let n = r as i64;
                    self.compute_ymd_hms();
                    self.tz = 0;
                    self.valid_jd = false;
                    self.compute_jd();
                    let mut zz = ((self.ijd + 129600000) / 86400000) % 7;
                    if zz > n {
                        zz -= 7;
                    }
                    self.ijd += (n - zz) * 86400000;
                    self.clear_ymd_hms_tz();
                    rc = false;
                }
            }
            b's' => {
                if !(z.len() >= 9 && z[..9].eq_ignore_ascii_case(b"start of ")) {
                    if lower(b"subsec") || lower(b"subsecond") {
                        self.use_subsec = true;
                        rc = false;
                    }
                    return Ok(rc);
                }
                if !self.valid_jd && !self.valid_ymd && !self.valid_hms {
                    return Ok(true);
                }
                let rest = &z[9..];
                self.compute_ymd();
                self.valid_hms = true;
                self.h = 0;
                self.mi = 0;
                self.s = 0.0;
                self.raw_s = false;
                self.tz = 0;
                self.valid_jd = false;
                if rest.eq_ignore_ascii_case(b"month") {
                    self.d = 1;
                    rc = false;
                } else if rest.eq_ignore_ascii_case(b"year") {
                    self.mo = 1;
                    self.d = 1;
                    rc = false;
                } else if rest.eq_ignore_ascii_case(b"day") {
                    rc = false;
                }
            }
            b'+' | b'-' | b'0'..=b'9' => return Ok(self.numeric_modifier(z)),
            _ => {}
        }
        Ok(rc)
    }

    fn numeric_modifier(&mut self, z0: &[u8]) -> bool {
        let mut z = z0;
        let c0 = at(z, 0);
        let mut n = 1usize;
        while at(z, n) != 0 {
            let c = at(z, n);
            if c == b':' || is_space(c) {
                break;
            }
            if c == b'-' {
                let mut y = [0i32; 1];
                if n == 5 && get_digits(z, 1, &[(4, 0, 9999, 0)], &mut y) == 1 {
                    break;
                }
                if n == 6 && get_digits(z, 1, &[(5, 0, 14712, 0)], &mut y) == 1 {
                    break;
                }
            }
            n += 1;
        }
        let (mut r, kind) = atof(&z[..n.min(z.len())]);
        if !matches!(kind, AtofKind::PureInteger | AtofKind::Real) {
            return true;
        }
        let mut z2: &[u8] = z;
        if at(z, n) == b'-' {
            if c0 != b'+' && c0 != b'-' {
                return true;
            }
            let mut v = [0i32; 3];
            if n == 5 {
                if get_digits(
                    z,
                    1,
                    &[(4, 0, 9999, b'-'), (2, 0, 12, b'-'), (2, 0, 31, 0)],
                    &mut v,
                ) != 3
                {
                    return true;
                }
            } else {
                if get_digits(
                    z,
                    1,
                    &[(5, 0, 14712, b'-'), (2, 0, 12, b'-'), (2, 0, 31, 0)],
                    &mut v,
                ) != 3
                {
                    return true;
                }
                z = &z[1..];
            }
            let (yy, mm, mut dd) = (v[0], v[1], v[2]);
            if mm >= 12 || dd >= 31 {
                return true;
            }
            self.compute_ymd_hms();
            self.valid_jd = false;
            if c0 == b'-' {
                self.y -= yy;
                self.mo -= mm;
                dd = -dd;
            } else {
                self.y += yy;
                self.mo += mm;
            }
            let x = if self.mo > 0 {
                (self.mo - 1) / 12
            } else {
                (self.mo - 12) / 12
            };
            self.y += x;
            self.mo -= x * 12;
            self.compute_floor();
            self.compute_jd();
            self.valid_hms = false;
            self.valid_ymd = false;
            self.ijd += dd as i64 * 86400000;
            if at(z, 11) == 0 {
                return false;
            }
            let mut hm = [0i32; 2];
            if is_space(at(z, 11))
                && get_digits(z, 12, &[(2, 0, 24, b':'), (2, 0, 59, 0)], &mut hm) == 2
            {
                z2 = &z[12..];
                n = 2;
            } else {
                return true;
            }
        }
        if at(z2, n) == b':' {
            let mut zt = z2;
            if !at(zt, 0).is_ascii_digit() {
                zt = &zt[1..];
            }
            let mut tx = DateTime::default();
            if tx.parse_hh_mm_ss(zt, 0) {
                return true;
            }
            tx.compute_jd();
            tx.ijd -= 43200000;
            let day = tx.ijd / 86400000;
            tx.ijd -= day * 86400000;
            if c0 == b'-' {
                tx.ijd = -tx.ijd;
            }
            self.compute_jd();
            self.clear_ymd_hms_tz();
            self.ijd += tx.ijd;
            return false;
        }
        // "NNN units"
        let mut rest = &z[n.min(z.len())..];
        while rest.first().is_some_and(|&c| is_space(c)) {
            rest = &rest[1..];
        }
        let rest = super::utf8::until_nul(rest);
        let mut len = rest.len();
        if !(3..=10).contains(&len) {
            return true;
        }
        if rest[len - 1].eq_ignore_ascii_case(&b's') {
            len -= 1;
        }
        let unit = &rest[..len];
        self.compute_jd();
        let rounder = if r < 0.0 { -0.5 } else { 0.5 };
        self.n_floor = 0;
        const XFORM: [(&[u8], f32, f32); 6] = [
            (b"second", 4.6427e+14, 1.0),
            (b"minute", 7.7379e+12, 60.0),
            (b"hour", 1.2897e+11, 3600.0),
            (b"day", 5373485.0, 86400.0),
            (b"month", 176546.0, 30.0 * 86400.0),
            (b"year", 14713.0, 365.0 * 86400.0),
        ];
        let mut rc = true;
        for (i, &(name, limit, xform)) in XFORM.iter().enumerate() {
            let limit = limit as f64;
            if name.len() == unit.len()
                && name.eq_ignore_ascii_case(unit)
                && r > -limit
                && r < limit
            {
                match i {
                    4 => {
                        self.compute_ymd_hms();
                        self.mo += r as i32;
                        let x = if self.mo > 0 {
                            (self.mo - 1) / 12
                        } else {
                            (self.mo - 12) / 12
                        };
                        self.y += x;
                        self.mo -= x * 12;
                        self.compute_floor();
                        self.valid_jd = false;
                        r -= (r as i32) as f64;
                    }
                    5 => {
                        let y = r as i32;
                        self.compute_ymd_hms();
                        self.y += y;
                        self.compute_floor();
                        self.valid_jd = false;
                        r -= (r as i32) as f64;
                    }
                    _ => {}
                }
                self.compute_jd();
                self.ijd += (r * 1000.0 * xform as f64 + rounder) as i64;
                rc = false;
                break;
            }
        }
        self.clear_ymd_hms_tz();
        rc
    }
}

fn valid_julian_day(ijd: i64) -> bool {
    (0..=MAX_JD_MS).contains(&ijd)
}

/// `localtime_r`: (year, month 1-12, day, hour, minute, second).
fn localtime(t: i64) -> Option<(i32, i32, i32, i32, i32, i32)> {
    let tt: libc::time_t = t as libc::time_t;
    // SAFETY: `tm` is plain old data written entirely by localtime_r; both
    // pointers are valid for the duration of the call.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&tt, &mut tm).is_null() {
            return None;
        }
        Some((
            tm.tm_year + 1900,
            tm.tm_mon + 1,
            tm.tm_mday,
            tm.tm_hour,
            tm.tm_min,
            tm.tm_sec,
        ))
    }
}

/// The text of an argument as a C string (up to the first NUL), or None.
fn c_text(v: ValueRef) -> Option<Vec<u8>> {
    if v.is_null() {
        return None;
    }
    let t = super::format::value_to_text(v);
    Some(super::utf8::until_nul(&t).to_vec())
}

/// `isDate`: parse the time value and apply modifiers. `Ok(None)` → NULL.
fn is_date(ctx: &FunctionContext, args: &[ValueRef]) -> Result<Option<DateTime>> {
    let mut p = DateTime::default();
    if args.is_empty() {
        if p.set_now(ctx) {
            return Ok(None);
        }
    } else {
        match args[0] {
            v @ (ValueRef::Integer(_) | ValueRef::Real(_)) => p.set_raw_number(value_to_f64(v)),
            v => {
                let Some(z) = c_text(v) else {
                    return Ok(None);
                };
                if p.parse_date_or_time(ctx, &z) {
                    return Ok(None);
                }
            }
        }
    }
    for (i, m) in args.iter().enumerate().skip(1) {
        let Some(z) = c_text(*m) else {
            return Ok(None);
        };
        if p.modifier(&z, i)? {
            return Ok(None);
        }
    }
    p.compute_jd();
    if p.is_error || !valid_julian_day(p.ijd) {
        return Ok(None);
    }
    if args.len() == 1 && p.valid_ymd && p.d > 28 {
        p.valid_ymd = false;
    }
    Ok(Some(p))
}

fn push2(out: &mut Vec<u8>, v: i32) {
    out.push(b'0' + ((v / 10) % 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

fn push_date(out: &mut Vec<u8>, x: &DateTime) {
    let y = x.y.abs();
    if x.y < 0 {
        out.push(b'-');
    }
    out.push(b'0' + ((y / 1000) % 10) as u8);
    out.push(b'0' + ((y / 100) % 10) as u8);
    push2(out, y % 100);
    out.push(b'-');
    push2(out, x.mo);
    out.push(b'-');
    push2(out, x.d);
}

fn push_time(out: &mut Vec<u8>, x: &DateTime) {
    push2(out, x.h);
    out.push(b':');
    push2(out, x.mi);
    out.push(b':');
    if x.use_subsec {
        let s = (1000.0 * x.s + 0.5) as i32;
        push2(out, (s / 1000) % 100);
        out.push(b'.');
        out.push(b'0' + ((s / 100) % 10) as u8);
        push2(out, s % 100);
    } else {
        push2(out, x.s as i32);
    }
}

pub(crate) fn date_fn(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match is_date(ctx, a)? {
        None => Value::Null,
        Some(mut x) => {
            x.compute_ymd();
            let mut out = Vec::with_capacity(11);
            push_date(&mut out, &x);
            Value::Text(out)
        }
    })
}

pub(crate) fn time_fn(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match is_date(ctx, a)? {
        None => Value::Null,
        Some(mut x) => {
            x.compute_hms();
            let mut out = Vec::with_capacity(12);
            push_time(&mut out, &x);
            Value::Text(out)
        }
    })
}

pub(crate) fn datetime_fn(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match is_date(ctx, a)? {
        None => Value::Null,
        Some(mut x) => {
            x.compute_ymd_hms();
            let mut out = Vec::with_capacity(24);
            push_date(&mut out, &x);
            out.push(b' ');
            push_time(&mut out, &x);
            Value::Text(out)
        }
    })
}

pub(crate) fn julianday_fn(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match is_date(ctx, a)? {
        None => Value::Null,
        Some(x) => Value::Real(x.ijd as f64 / 86400000.0),
    })
}

pub(crate) fn unixepoch_fn(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    Ok(match is_date(ctx, a)? {
        None => Value::Null,
        Some(x) => {
            if x.use_subsec {
                Value::Real((x.ijd - UNIX_EPOCH_JD_MS) as f64 / 1000.0)
            } else {
                Value::Integer(x.ijd / 1000 - 21086676 * 10000)
            }
        }
    })
}

pub(crate) fn current_date(ctx: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    date_fn(ctx, &[])
}

pub(crate) fn current_time(ctx: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    time_fn(ctx, &[])
}

pub(crate) fn current_timestamp(ctx: &mut FunctionContext, _: &[ValueRef]) -> Result<Value> {
    datetime_fn(ctx, &[])
}

fn days_after_jan01(x: &DateTime) -> i32 {
    let mut j = *x;
    j.valid_jd = false;
    j.mo = 1;
    j.d = 1;
    j.compute_jd();
    ((x.ijd - j.ijd + 43200000) / 86400000) as i32
}

fn days_after_monday(x: &DateTime) -> i32 {
    (((x.ijd + 43200000) / 86400000) % 7) as i32
}

fn days_after_sunday(x: &DateTime) -> i32 {
    (((x.ijd + 129600000) / 86400000) % 7) as i32
}

fn fmt(out: &mut Vec<u8>, f: &str, args: &[Value]) {
    if let Ok(s) = sql_printf(f.as_bytes(), args) {
        out.extend_from_slice(&s);
    }
}

fn iso_thursday(x: &DateTime) -> DateTime {
    let mut y = *x;
    y.ijd += (3 - days_after_monday(x)) as i64 * 86400000;
    y.valid_ymd = false;
    y.compute_ymd();
    y
}

pub(crate) fn strftime_fn(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let Some(first) = a.first() else {
        return Ok(Value::Null);
    };
    let Some(zfmt) = c_text(*first) else {
        return Ok(Value::Null);
    };
    let Some(mut x) = is_date(ctx, &a[1..])? else {
        return Ok(Value::Null);
    };
    x.compute_jd();
    x.compute_ymd_hms();
    let mut out = Vec::with_capacity(zfmt.len() + 16);
    let mut i = 0;
    let mut j = 0;
    let int = |v: i32| Value::Integer(v as i64);
    while i < zfmt.len() {
        if zfmt[i] != b'%' {
            i += 1;
            continue;
        }
        if j < i {
            out.extend_from_slice(&zfmt[j..i]);
        }
        i += 1;
        j = i + 1;
        let cf = at(&zfmt, i);
        match cf {
            b'd' => fmt(&mut out, "%02d", &[int(x.d)]),
            b'e' => fmt(&mut out, "%2d", &[int(x.d)]),
            b'f' => {
                let s = if x.s > 59.999 { 59.999 } else { x.s };
                fmt(&mut out, "%06.3f", &[Value::Real(s)]);
            }
            b'F' => fmt(&mut out, "%04d-%02d-%02d", &[int(x.y), int(x.mo), int(x.d)]),
            b'G' | b'g' => {
                let y = iso_thursday(&x);
                if cf == b'g' {
                    fmt(&mut out, "%02d", &[int(y.y % 100)]);
                } else {
                    fmt(&mut out, "%04d", &[int(y.y)]);
                }
            }
            b'H' => fmt(&mut out, "%02d", &[int(x.h)]),
            b'k' => fmt(&mut out, "%2d", &[int(x.h)]),
            b'I' | b'l' => {
                let mut h = x.h;
                if h > 12 {
                    h -= 12;
                }
                if h == 0 {
                    h = 12;
                }
                fmt(&mut out, if cf == b'I' { "%02d" } else { "%2d" }, &[int(h)]);
            }
            b'j' => fmt(&mut out, "%03d", &[int(days_after_jan01(&x) + 1)]),
            b'J' => fmt(&mut out, "%.16g", &[Value::Real(x.ijd as f64 / 86400000.0)]),
            b'm' => fmt(&mut out, "%02d", &[int(x.mo)]),
            b'M' => fmt(&mut out, "%02d", &[int(x.mi)]),
            b'p' => out.extend_from_slice(if x.h >= 12 { b"PM" } else { b"AM" }),
            b'P' => out.extend_from_slice(if x.h >= 12 { b"pm" } else { b"am" }),
            b'R' => fmt(&mut out, "%02d:%02d", &[int(x.h), int(x.mi)]),
            b's' => {
                if x.use_subsec {
                    fmt(
                        &mut out,
                        "%.3f",
                        &[Value::Real((x.ijd - UNIX_EPOCH_JD_MS) as f64 / 1000.0)],
                    );
                } else {
                    fmt(
                        &mut out,
                        "%lld",
                        &[Value::Integer(x.ijd / 1000 - 21086676 * 10000)],
                    );
                }
            }
            b'S' => fmt(&mut out, "%02d", &[int(x.s as i32)]),
            b'T' => fmt(
                &mut out,
                "%02d:%02d:%02d",
                &[int(x.h), int(x.mi), int(x.s as i32)],
            ),
            b'u' | b'w' => {
                let mut c = days_after_sunday(&x) as u8 + b'0';
                if c == b'0' && cf == b'u' {
                    c = b'7';
                }
                out.push(c);
            }
            b'U' => fmt(
                &mut out,
                "%02d",
                &[int((days_after_jan01(&x) - days_after_sunday(&x) + 7) / 7)],
            ),
            b'V' => {
                let y = iso_thursday(&x);
                fmt(&mut out, "%02d", &[int(days_after_jan01(&y) / 7 + 1)]);
            }
            b'W' => fmt(
                &mut out,
                "%02d",
                &[int((days_after_jan01(&x) - days_after_monday(&x) + 7) / 7)],
            ),
            b'Y' => fmt(&mut out, "%04d", &[int(x.y)]),
            b'%' => out.push(b'%'),
            _ => return Ok(Value::Null),
        }
        i += 1;
    }
    if j < i {
        out.extend_from_slice(&zfmt[j..i.min(zfmt.len())]);
    }
    Ok(Value::Text(out))
}

pub(crate) fn timediff_fn(ctx: &mut FunctionContext, a: &[ValueRef]) -> Result<Value> {
    let (Some(a1), Some(a2)) = (a.get(..1), a.get(1..2)) else {
        return Ok(Value::Null);
    };
    let (Some(mut d1), Some(mut d2)) = (is_date(ctx, a1)?, is_date(ctx, a2)?) else {
        return Ok(Value::Null);
    };
    d1.compute_ymd_hms();
    d2.compute_ymd_hms();
    let sign;
    let mut y;
    let mut m;
    if d1.ijd >= d2.ijd {
        sign = '+';
        y = d1.y - d2.y;
        if y != 0 {
            d2.y = d1.y;
            d2.valid_jd = false;
            d2.compute_jd();
        }
        m = d1.mo - d2.mo;
        if m < 0 {
            y -= 1;
            m += 12;
        }
        if m != 0 {
            d2.mo = d1.mo;
            d2.valid_jd = false;
            d2.compute_jd();
        }
        while d1.ijd < d2.ijd {
            m -= 1;
            if m < 0 {
                m = 11;
                y -= 1;
            }
            d2.mo -= 1;
            if d2.mo < 1 {
                d2.mo = 12;
                d2.y -= 1;
            }
            d2.valid_jd = false;
            d2.compute_jd();
        }
        d1.ijd -= d2.ijd;
        d1.ijd += 1486995408 * 100000;
    } else {
        sign = '-';
        y = d2.y - d1.y;
        if y != 0 {
            d2.y = d1.y;
            d2.valid_jd = false;
            d2.compute_jd();
        }
        m = d2.mo - d1.mo;
        if m < 0 {
            y -= 1;
            m += 12;
        }
        if m != 0 {
            d2.mo = d1.mo;
            d2.valid_jd = false;
            d2.compute_jd();
        }
        while d1.ijd > d2.ijd {
            m -= 1;
            if m < 0 {
                m = 11;
                y -= 1;
            }
            d2.mo += 1;
            if d2.mo > 12 {
                d2.mo = 1;
                d2.y += 1;
            }
            d2.valid_jd = false;
            d2.compute_jd();
        }
        d1.ijd = d2.ijd - d1.ijd;
        d1.ijd += 1486995408 * 100000;
    }
    d1.clear_ymd_hms_tz();
    d1.compute_ymd_hms();
    let mut out = Vec::new();
    fmt(
        &mut out,
        "%c%04d-%02d-%02d %02d:%02d:%06.3f",
        &[
            Value::Text(vec![sign as u8]),
            Value::Integer(y as i64),
            Value::Integer(m as i64),
            Value::Integer(d1.d as i64 - 1),
            Value::Integer(d1.h as i64),
            Value::Integer(d1.mi as i64),
            Value::Real(d1.s),
        ],
    );
    Ok(Value::Text(out))
}
