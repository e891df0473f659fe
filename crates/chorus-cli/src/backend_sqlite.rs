//! `Connection`/`Statement` over SQLite itself (the bundled library that
//! `rusqlite` links), called through its C API. Used to byte-compare the
//! shell with `sqlite3` while the chorus engine is being built.

use crate::backend::{
    Connection, Error, InterruptHandle, OpenOptions, Result, Statement, TxnState, Value,
};
use rusqlite::ffi;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::sync::{Arc, Mutex};

/// The raw handle, shared with interrupt handles; cleared on close so a late
/// Ctrl-C never touches a closed connection.
struct Shared(Mutex<*mut ffi::sqlite3>);
// SAFETY: sqlite3_interrupt is documented as safe to call from any thread
// while the connection is open; the mutex guarantees the handle is not closed
// concurrently.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

pub struct SqliteConnection {
    db: *mut ffi::sqlite3,
    shared: Arc<Shared>,
}

pub fn engine_version() -> String {
    // SAFETY: sqlite3_libversion returns a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(ffi::sqlite3_libversion()) };
    format!("SQLite {}", v.to_string_lossy())
}

fn errmsg(db: *mut ffi::sqlite3) -> String {
    // SAFETY: db is a live handle (or null, for which SQLite returns a static
    // "out of memory" message).
    unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned()
}

pub fn open(path: &str, opts: &OpenOptions) -> Result<Box<dyn Connection>> {
    Ok(Box::new(open_conn(path, opts)?))
}

fn open_conn(path: &str, opts: &OpenOptions) -> Result<SqliteConnection> {
    let cpath = CString::new(path)
        .map_err(|_| Error::new(ffi::SQLITE_CANTOPEN, "unable to open database file"))?;
    let flags = if opts.read_only {
        ffi::SQLITE_OPEN_READONLY
    } else {
        ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE
    } | ffi::SQLITE_OPEN_URI;
    let mut db: *mut ffi::sqlite3 = std::ptr::null_mut();
    // SAFETY: valid C string and out pointer.
    let rc = unsafe { ffi::sqlite3_open_v2(cpath.as_ptr(), &mut db, flags, std::ptr::null()) };
    if rc != ffi::SQLITE_OK {
        let message = errmsg(db);
        // SAFETY: close whatever handle open_v2 returned (null is fine).
        unsafe { ffi::sqlite3_close(db) };
        return Err(Error::new(rc & 0xff, message));
    }
    Ok(SqliteConnection {
        db,
        shared: Arc::new(Shared(Mutex::new(db))),
    })
}

impl Drop for SqliteConnection {
    fn drop(&mut self) {
        if let Ok(mut g) = self.shared.0.lock() {
            *g = std::ptr::null_mut();
        }
        // SAFETY: all statements borrow the connection, so they are finalized.
        unsafe { ffi::sqlite3_close(self.db) };
    }
}

impl Connection for SqliteConnection {
    fn prepare<'c>(&'c self, sql: &str) -> Result<(Option<Box<dyn Statement + 'c>>, usize)> {
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        let mut tail: *const c_char = std::ptr::null();
        let base = sql.as_ptr() as *const c_char;
        let len = i32::try_from(sql.len()).map_err(|_| Error::new(18, "string or blob too big"))?;
        // SAFETY: sql is valid for len bytes; SQLite reads at most len bytes.
        let rc = unsafe { ffi::sqlite3_prepare_v2(self.db, base, len, &mut stmt, &mut tail) };
        if rc != ffi::SQLITE_OK {
            // SAFETY: live handle.
            let off = unsafe { ffi::sqlite3_error_offset(self.db) };
            return Err(Error {
                code: rc & 0xff,
                message: errmsg(self.db),
                offset: usize::try_from(off).ok(),
            });
        }
        let consumed = if tail.is_null() {
            sql.len()
        } else {
            (tail as usize).saturating_sub(base as usize).min(sql.len())
        };
        if stmt.is_null() {
            return Ok((None, consumed));
        }
        // SAFETY: stmt is a valid prepared statement for the calls below.
        let n = unsafe { ffi::sqlite3_column_count(stmt) }.max(0) as usize;
        let mut names = Vec::with_capacity(n);
        let mut decltypes = Vec::with_capacity(n);
        for i in 0..n {
            let p = unsafe { ffi::sqlite3_column_name(stmt, i as i32) };
            names.push(if p.is_null() {
                String::new()
            } else {
                unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
            });
            let d = unsafe { ffi::sqlite3_column_decltype(stmt, i as i32) };
            decltypes.push(if d.is_null() {
                None
            } else {
                Some(unsafe { CStr::from_ptr(d) }.to_string_lossy().into_owned())
            });
        }
        Ok((
            Some(Box::new(SqliteStatement {
                db: self.db,
                stmt,
                names,
                decltypes,
                _conn: std::marker::PhantomData,
            })),
            consumed,
        ))
    }

    fn changes(&self) -> i64 {
        // SAFETY: live handle.
        unsafe { ffi::sqlite3_changes64(self.db) }
    }

    fn total_changes(&self) -> i64 {
        // SAFETY: live handle.
        unsafe { ffi::sqlite3_total_changes64(self.db) }
    }

    fn is_autocommit(&self) -> bool {
        // SAFETY: live handle.
        unsafe { ffi::sqlite3_get_autocommit(self.db) != 0 }
    }

    fn backup_to(&self, schema: &str, path: &str) -> Result<()> {
        let dest = open_conn(path, &OpenOptions::default())?;
        run_backup(dest.db, "main", self.db, schema)
    }

    fn restore_from(&mut self, schema: &str, path: &str) -> Result<()> {
        let src = open_conn(path, &OpenOptions::default())?;
        run_backup(self.db, schema, src.db, "main")
    }

    fn txn_state(&self, schema: &str) -> Option<TxnState> {
        let s = CString::new(schema).ok()?;
        // SAFETY: live handle and valid C string.
        match unsafe { ffi::sqlite3_txn_state(self.db, s.as_ptr()) } {
            0 => Some(TxnState::None),
            1 => Some(TxnState::Read),
            2 => Some(TxnState::Write),
            _ => None,
        }
    }

    fn interrupt_handle(&self) -> InterruptHandle {
        let shared = self.shared.clone();
        Arc::new(move || {
            if let Ok(g) = shared.0.lock() {
                if !g.is_null() {
                    // SAFETY: the handle is open while the mutex holds it.
                    unsafe { ffi::sqlite3_interrupt(*g) };
                }
            }
        })
    }
}

pub struct SqliteStatement<'c> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    names: Vec<String>,
    decltypes: Vec<Option<String>>,
    _conn: std::marker::PhantomData<&'c SqliteConnection>,
}

impl Drop for SqliteStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: stmt is valid and finalized exactly once.
        unsafe { ffi::sqlite3_finalize(self.stmt) };
    }
}

impl Statement for SqliteStatement<'_> {
    fn column_count(&self) -> usize {
        self.names.len()
    }

    fn column_name(&self, i: usize) -> &str {
        self.names.get(i).map(String::as_str).unwrap_or("")
    }

    fn column_decltype(&self, i: usize) -> Option<&str> {
        self.decltypes.get(i).and_then(|d| d.as_deref())
    }

    fn step(&mut self) -> Result<bool> {
        // SAFETY: valid statement.
        let rc = unsafe { ffi::sqlite3_step(self.stmt) };
        match rc {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            _ => {
                // As sqlite3_finalize would report it: the primary code of the
                // statement's error.
                let code = unsafe { ffi::sqlite3_reset(self.stmt) };
                let code = if code == ffi::SQLITE_OK { rc } else { code };
                Err(Error::new(code & 0xff, errmsg(self.db)))
            }
        }
    }

    fn bind_text(&mut self, i: usize, v: Option<&[u8]>) -> Result<()> {
        let Ok(idx) = i32::try_from(i) else {
            return Err(Error::new(ffi::SQLITE_RANGE, "column index out of range"));
        };
        // SAFETY: valid statement; SQLITE_TRANSIENT makes SQLite copy the bytes.
        let rc = unsafe {
            match v {
                Some(t) => ffi::sqlite3_bind_text(
                    self.stmt,
                    idx,
                    t.as_ptr() as *const std::ffi::c_char,
                    t.len() as i32,
                    ffi::SQLITE_TRANSIENT(),
                ),
                None => ffi::sqlite3_bind_null(self.stmt, idx),
            }
        };
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(Error::new(rc & 0xff, errmsg(self.db)))
        }
    }

    fn reset(&mut self) {
        // SAFETY: valid statement.
        unsafe { ffi::sqlite3_reset(self.stmt) };
    }

    fn column_value(&self, i: usize) -> Value<'_> {
        if i >= self.names.len() {
            return Value::Null;
        }
        let i = i as i32;
        // SAFETY: valid statement positioned on a row; the returned buffers
        // stay valid until the next step/reset/finalize, which need &mut self.
        unsafe {
            match ffi::sqlite3_column_type(self.stmt, i) {
                ffi::SQLITE_INTEGER => Value::Integer(ffi::sqlite3_column_int64(self.stmt, i)),
                ffi::SQLITE_FLOAT => Value::Real(ffi::sqlite3_column_double(self.stmt, i)),
                ffi::SQLITE_TEXT => {
                    let p = ffi::sqlite3_column_text(self.stmt, i);
                    let n = ffi::sqlite3_column_bytes(self.stmt, i).max(0) as usize;
                    if p.is_null() {
                        Value::Text(&[])
                    } else {
                        Value::Text(std::slice::from_raw_parts(p, n))
                    }
                }
                ffi::SQLITE_BLOB => {
                    let p = ffi::sqlite3_column_blob(self.stmt, i) as *const u8;
                    let n = ffi::sqlite3_column_bytes(self.stmt, i).max(0) as usize;
                    if p.is_null() {
                        Value::Blob(&[])
                    } else {
                        Value::Blob(std::slice::from_raw_parts(p, n))
                    }
                }
                _ => Value::Null,
            }
        }
    }
}

/// sqlite3_backup of all pages from `src`.`src_name` into `dest`.`dest_name`.
fn run_backup(
    dest: *mut ffi::sqlite3,
    dest_name: &str,
    src: *mut ffi::sqlite3,
    src_name: &str,
) -> Result<()> {
    let dn = CString::new(dest_name).map_err(|_| Error::new(1, "bad name"))?;
    let sn = CString::new(src_name).map_err(|_| Error::new(1, "bad name"))?;
    // SAFETY: both handles are open for the duration of the call.
    unsafe {
        let b = ffi::sqlite3_backup_init(dest, dn.as_ptr(), src, sn.as_ptr());
        if b.is_null() {
            return Err(Error::new(ffi::sqlite3_errcode(dest) & 0xff, errmsg(dest)));
        }
        let mut rc;
        loop {
            rc = ffi::sqlite3_backup_step(b, 100);
            if rc != ffi::SQLITE_OK {
                break;
            }
        }
        ffi::sqlite3_backup_finish(b);
        if rc == ffi::SQLITE_DONE {
            Ok(())
        } else {
            Err(Error::new(rc & 0xff, errmsg(dest)))
        }
    }
}
