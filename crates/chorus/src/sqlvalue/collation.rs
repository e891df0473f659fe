//! Collating sequences: BINARY (memcmp), NOCASE (ASCII case folded), RTRIM
//! (trailing spaces ignored) and user-defined ones.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// A user collation function.
pub type CollationFn = Arc<dyn Fn(&[u8], &[u8]) -> Ordering + Send + Sync>;

/// A collating sequence.
#[derive(Clone, Default)]
pub enum Collation {
    #[default]
    Binary,
    NoCase,
    RTrim,
    /// A registered collation: the function and its name.
    Custom(CollationFn, String),
}

impl fmt::Debug for Collation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq for Collation {
    fn eq(&self, o: &Collation) -> bool {
        match (self, o) {
            (Collation::Custom(a, n), Collation::Custom(b, m)) => Arc::ptr_eq(a, b) || n == m,
            _ => std::mem::discriminant(self) == std::mem::discriminant(o),
        }
    }
}

/// ASCII lowercase of a byte (`sqlite3UpperToLower`).
#[inline]
pub fn ascii_lower(b: u8) -> u8 {
    b.to_ascii_lowercase()
}

/// NOCASE comparison (`sqlite3StrNICmp` over the common length, then length).
pub fn nocase_compare(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    for i in 0..n {
        let (x, y) = (ascii_lower(a[i]), ascii_lower(b[i]));
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// RTRIM comparison: BINARY after dropping trailing spaces.
pub fn rtrim_compare(a: &[u8], b: &[u8]) -> Ordering {
    fn trim(x: &[u8]) -> &[u8] {
        let mut n = x.len();
        while n > 0 && x[n - 1] == b' ' {
            n -= 1;
        }
        &x[..n]
    }
    trim(a).cmp(trim(b))
}

impl Collation {
    /// Compare two texts under this collation.
    #[inline]
    pub fn compare(&self, a: &[u8], b: &[u8]) -> Ordering {
        match self {
            Collation::Binary => a.cmp(b),
            Collation::NoCase => nocase_compare(a, b),
            Collation::RTrim => rtrim_compare(a, b),
            Collation::Custom(f, _) => f(a, b),
        }
    }

    /// A built-in collation by name (any case): BINARY, NOCASE, RTRIM.
    pub fn by_name(name: &str) -> Option<Collation> {
        if name.eq_ignore_ascii_case("BINARY") {
            Some(Collation::Binary)
        } else if name.eq_ignore_ascii_case("NOCASE") {
            Some(Collation::NoCase)
        } else if name.eq_ignore_ascii_case("RTRIM") {
            Some(Collation::RTrim)
        } else {
            None
        }
    }

    /// The collation's name as SQLite spells it.
    pub fn name(&self) -> &str {
        match self {
            Collation::Binary => "BINARY",
            Collation::NoCase => "NOCASE",
            Collation::RTrim => "RTRIM",
            Collation::Custom(_, n) => n,
        }
    }

    /// Build a custom collation.
    pub fn custom(
        name: &str,
        f: impl Fn(&[u8], &[u8]) -> Ordering + Send + Sync + 'static,
    ) -> Collation {
        Collation::Custom(Arc::new(f), name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins() {
        assert_eq!(Collation::NoCase.compare(b"ABC", b"abc"), Ordering::Equal);
        assert_eq!(Collation::NoCase.compare(b"ab", b"abc"), Ordering::Less);
        assert_eq!(Collation::RTrim.compare(b"a  ", b"a"), Ordering::Equal);
        assert_eq!(Collation::Binary.compare(b"a", b"B"), Ordering::Greater);
        assert_eq!(Collation::by_name("nocase"), Some(Collation::NoCase));
        assert!(Collation::by_name("foo").is_none());
    }
}
