//! Errors of the storage layer, carrying SQLite's primary and extended
//! result codes so that upper layers can surface them unchanged.

use std::fmt;

/// SQLite result codes used by the storage layer (primary codes in the low
/// byte, extended codes above, exactly as in `sqlite3.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResultCode(pub i32);

impl ResultCode {
    pub const ERROR: ResultCode = ResultCode(1);
    pub const INTERNAL: ResultCode = ResultCode(2);
    pub const PERM: ResultCode = ResultCode(3);
    pub const ABORT: ResultCode = ResultCode(4);
    pub const BUSY: ResultCode = ResultCode(5);
    pub const LOCKED: ResultCode = ResultCode(6);
    pub const NOMEM: ResultCode = ResultCode(7);
    pub const READONLY: ResultCode = ResultCode(8);
    pub const INTERRUPT: ResultCode = ResultCode(9);
    pub const IOERR: ResultCode = ResultCode(10);
    pub const CORRUPT: ResultCode = ResultCode(11);
    pub const NOTFOUND: ResultCode = ResultCode(12);
    pub const FULL: ResultCode = ResultCode(13);
    pub const CANTOPEN: ResultCode = ResultCode(14);
    pub const PROTOCOL: ResultCode = ResultCode(15);
    pub const SCHEMA: ResultCode = ResultCode(17);
    pub const TOOBIG: ResultCode = ResultCode(18);
    pub const CONSTRAINT: ResultCode = ResultCode(19);
    pub const MISMATCH: ResultCode = ResultCode(20);
    pub const MISUSE: ResultCode = ResultCode(21);
    pub const RANGE: ResultCode = ResultCode(25);
    pub const NOTADB: ResultCode = ResultCode(26);

    pub const IOERR_READ: ResultCode = ResultCode(10 | (1 << 8));
    pub const IOERR_SHORT_READ: ResultCode = ResultCode(10 | (2 << 8));
    pub const IOERR_WRITE: ResultCode = ResultCode(10 | (3 << 8));
    pub const IOERR_FSYNC: ResultCode = ResultCode(10 | (4 << 8));
    pub const IOERR_TRUNCATE: ResultCode = ResultCode(10 | (6 << 8));
    pub const IOERR_FSTAT: ResultCode = ResultCode(10 | (7 << 8));
    pub const IOERR_LOCK: ResultCode = ResultCode(10 | (15 << 8));
    pub const IOERR_DELETE: ResultCode = ResultCode(10 | (10 << 8));
    /// Deleting a file that does not exist.
    pub const IOERR_DELETE_NOENT: ResultCode = ResultCode(10 | (23 << 8));
    pub const BUSY_SNAPSHOT: ResultCode = ResultCode(5 | (2 << 8));
    pub const CORRUPT_INDEX: ResultCode = ResultCode(11 | (3 << 8));

    /// The primary result code (low byte).
    pub fn primary(self) -> ResultCode {
        ResultCode(self.0 & 0xff)
    }
}

/// An error of the storage layer: a result code plus a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: ResultCode,
    pub message: String,
}

impl Error {
    pub fn new(code: ResultCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }

    /// `SQLITE_CORRUPT` with SQLite's message.
    pub fn corrupt(detail: impl fmt::Display) -> Error {
        Error::new(
            ResultCode::CORRUPT,
            format!("database disk image is malformed ({detail})"),
        )
    }

    /// `SQLITE_NOTADB` with SQLite's message.
    pub fn not_a_database() -> Error {
        Error::new(ResultCode::NOTADB, "file is not a database")
    }

    /// An I/O error of the given extended code.
    pub fn io(code: ResultCode, err: &std::io::Error) -> Error {
        if err.raw_os_error() == Some(libc::ENOSPC) {
            return Error::new(ResultCode::FULL, "database or disk is full");
        }
        Error::new(code, format!("disk I/O error ({err})"))
    }

    pub fn busy() -> Error {
        Error::new(ResultCode::BUSY, "database is locked")
    }

    pub fn readonly() -> Error {
        Error::new(ResultCode::READONLY, "attempt to write a readonly database")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Return `Err(Error::corrupt(..))` unless the condition holds.
#[macro_export]
macro_rules! ensure_sound {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err($crate::error::Error::corrupt(format!($($arg)+)));
        }
    };
}
