//! Online backup: copy a consistent snapshot of a database page by page
//! into another file or into a new in-memory database (what
//! `sqlite3_backup_step(p, -1)`, `sqlite3_serialize` and
//! `sqlite3_deserialize` do; the shell's `.backup` and `.restore`).
//!
//! The copy is SQLite's file format itself: the source's pages, read inside
//! one read transaction (so a concurrent writer cannot tear the snapshot;
//! in WAL mode the snapshot's frames are read, not the database file), are
//! laid end to end. As SQLite's backup does when it commits the
//! destination, a few header fields of page 1 are then set:
//! - offset 28, the in-header database size: the number of pages copied;
//! - offsets 24 and 92, the file change counter and version-valid-for
//!   number: the destination's old change counter plus one (0 + 1 for a new
//!   destination), so other connections to the destination drop their cache;
//! - offset 40, the schema cookie: the destination's old cookie plus one, so
//!   they reload the schema too.
//!
//! A source with no pages (a new, empty database) becomes a one-page empty
//! database, as in SQLite. The lock-byte page (the page holding file offset
//! 2^30, only in databases over 1 GiB) never holds content and is copied as
//! zeros. Everything else, the journal-mode bytes 18/19 included, is copied
//! verbatim, so a backup of a WAL database is a WAL database.

use super::connection::{Connection, Database};
use crate::storage::btree::PagerFactory;
use crate::storage::HeaderField;
use chorus_storage::header::{DbHeader, HEADER_SIZE};
use chorus_storage::vfs::{MemoryVfs, OpenFlags, Vfs};
use chorus_storage::{Error, PagerOptions, Result, ResultCode};
use std::io::Write;

/// Byte offset of the lock-byte range (SQLite's PENDING_BYTE).
const PENDING_BYTE: u64 = 0x4000_0000;

fn get4(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn put4(b: &mut [u8], at: usize, v: u32) {
    if let Some(s) = b.get_mut(at..at + 4) {
        s.copy_from_slice(&v.to_be_bytes());
    }
}

/// A new, empty one-page database image (SQLite's newDatabase()).
fn empty_image(page_size: usize) -> Vec<u8> {
    let mut page = vec![0u8; page_size];
    let mut h = DbHeader::new(page_size as u32, 0);
    h.page_count = 1;
    page[..HEADER_SIZE].copy_from_slice(&h.to_bytes());
    // An empty table-leaf page: type 13, no cells, content area at the end
    // of the page (65536 is written as 0).
    page[HEADER_SIZE] = 0x0d;
    let content = if page_size >= 65536 {
        0
    } else {
        page_size as u16
    };
    page[HEADER_SIZE + 5..HEADER_SIZE + 7].copy_from_slice(&content.to_be_bytes());
    page
}

/// Set the header fields a backup's commit sets (see the module comment),
/// given the destination's old page 1 header bytes, if it had any.
fn stamp(image: &mut [u8], old_dest: Option<&[u8]>) {
    if image.len() < HEADER_SIZE {
        return;
    }
    // Bytes 16..18 hold the page size (1 means 65536).
    let page_size = match u16::from_be_bytes([image[16], image[17]]) {
        1 => 65536,
        n => n as usize,
    };
    if page_size == 0 {
        return;
    }
    let pages = (image.len() / page_size) as u32;
    stamp_page1(image, pages, old_dest);
}

/// Stamp page 1 of a copy of `pages` pages (see the module comment).
fn stamp_page1(page1: &mut [u8], pages: u32, old_dest: Option<&[u8]>) {
    let old = old_dest.filter(|h| h.len() >= HEADER_SIZE && h.starts_with(b"SQLite format 3\0"));
    let counter = old.and_then(|h| get4(h, 24)).unwrap_or(0).wrapping_add(1);
    let cookie = old.and_then(|h| get4(h, 40)).unwrap_or(0).wrapping_add(1);
    put4(page1, 28, pages);
    put4(page1, 24, counter);
    put4(page1, 92, counter);
    put4(page1, 40, cookie);
}

impl Connection {
    /// A consistent copy of database `schema` ("main") as a database file
    /// image, read page by page in one read transaction
    /// (sqlite3_serialize). The image's header is as the source's.
    pub fn serialize(&self, schema: &str) -> Result<Vec<u8>> {
        if !schema.eq_ignore_ascii_case("main") {
            return Err(Error::new(
                ResultCode::ERROR,
                format!("unknown database {schema}"),
            ));
        }
        let mut inner = self.inner.borrow_mut();
        inner.begin_stmt(&self.db)?;
        let r = read_image(&mut inner);
        inner.end_read_if_idle();
        r
    }

    /// Copy database `schema` ("main") into the file at `path`, replacing
    /// what it held (the shell's `.backup`): the file then holds a database
    /// that SQLite and Chorus open as the source's content. Any journal or
    /// WAL left beside `path` is removed first; the new content is written
    /// to a temporary file, synced, and renamed over `path`.
    /// Pages are read and written one at a time (memory stays at one page).
    pub fn backup_to_file(&self, schema: &str, path: &str) -> Result<()> {
        if !schema.eq_ignore_ascii_case("main") {
            return Err(Error::new(
                ResultCode::ERROR,
                format!("unknown database {schema}"),
            ));
        }
        let mut inner = self.inner.borrow_mut();
        inner.begin_stmt(&self.db)?;
        let r = stream_to_file(&mut inner, path);
        inner.end_read_if_idle();
        r
    }
}

/// `VACUUM [schema] INTO 'file'` (the statement runs with its read
/// transaction open): the compact copy VACUUM builds (stmt/vacuum.rs),
/// written to `file`, which must not exist or be empty.
pub(crate) fn vacuum_into(
    inner: &mut super::connection::ConnInner,
    schema: &str,
    file: &str,
) -> Result<()> {
    if !schema.eq_ignore_ascii_case("main") {
        return Err(Error::new(
            ResultCode::ERROR,
            format!("unknown database {schema}"),
        ));
    }
    if inner.explicit_txn {
        return Err(Error::new(
            ResultCode::ERROR,
            "cannot VACUUM from within a transaction",
        ));
    }
    if std::fs::metadata(file).is_ok_and(|m| m.len() > 0) {
        return Err(Error::new(ResultCode::ERROR, "output file already exists"));
    }
    if inner.store.header(HeaderField::PageCount)? == 0 {
        return stream_to_file(inner, file);
    }
    let schema = inner.schema.clone();
    let mut image = crate::stmt::vacuum::compact_image(&mut *inner.store, &schema)?;
    if image.len() >= 20 && image[18] == 2 {
        // The copy is a rollback-journal database, as SQLite's VACUUM INTO.
        image[18] = 1;
        image[19] = 1;
    }
    let _ = prepare_destination(file);
    replace_file(file, |f| f.write_all(&image).map_err(io_err))
}

/// Hand every page of the database (read in the caller's transaction) to
/// `sink` in order, in one reused buffer; returns the page count. A
/// database with no pages yields one empty-database page.
fn for_each_page(
    inner: &mut super::connection::ConnInner,
    mut sink: impl FnMut(u32, u32, &mut [u8]) -> Result<()>,
) -> Result<u32> {
    let page_size = inner.store.header(HeaderField::PageSize)? as usize;
    let n = inner.store.header(HeaderField::PageCount)?;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(Error::new(ResultCode::CORRUPT, "bad page size"));
    }
    if n == 0 {
        let mut page = empty_image(page_size);
        sink(1, 1, &mut page)?;
        return Ok(1);
    }
    let lock_page = (PENDING_BYTE / page_size as u64 + 1) as u32;
    let mut page = vec![0u8; page_size];
    for pgno in 1..=n {
        if pgno == lock_page {
            page.fill(0);
        } else {
            inner.store.read_page_image(pgno, &mut page)?;
        }
        sink(pgno, n, &mut page)?;
    }
    Ok(n)
}

fn read_image(inner: &mut super::connection::ConnInner) -> Result<Vec<u8>> {
    let mut image = Vec::new();
    for_each_page(inner, |pgno, n, page| {
        if pgno == 1 {
            let total = (n as usize)
                .checked_mul(page.len())
                .ok_or_else(|| Error::new(ResultCode::NOMEM, "database too large to copy"))?;
            image
                .try_reserve_exact(total)
                .map_err(|_| Error::new(ResultCode::NOMEM, "out of memory"))?;
        }
        image.extend_from_slice(page);
        Ok(())
    })?;
    Ok(image)
}

/// The destination's current header (for the counters), after removing
/// the journal and WAL beside it: a hot journal would be rolled back onto
/// the new content, an old WAL replayed over it.
fn prepare_destination(path: &str) -> Option<Vec<u8>> {
    let old = std::fs::File::open(path).ok().and_then(|mut f| {
        let mut h = vec![0u8; HEADER_SIZE];
        std::io::Read::read_exact(&mut f, &mut h).ok().map(|_| h)
    });
    for suffix in ["-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    old
}

/// Write `fill`'s output to a temporary file beside `path`, sync it and
/// rename it over `path`.
fn replace_file(path: &str, fill: impl FnOnce(&mut std::fs::File) -> Result<()>) -> Result<()> {
    let tmp = format!("{path}.chorus-backup-tmp");
    let r = (|| -> Result<()> {
        let mut f = std::fs::File::create(&tmp).map_err(io_err)?;
        fill(&mut f)?;
        f.sync_all().map_err(io_err)?;
        std::fs::rename(&tmp, path).map_err(io_err)
    })();
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// The database read in the caller's transaction, written page by page
/// over the file at `path`.
fn stream_to_file(inner: &mut super::connection::ConnInner, path: &str) -> Result<()> {
    let old = prepare_destination(path);
    replace_file(path, |f| {
        for_each_page(inner, |pgno, n, page| {
            if pgno == 1 {
                stamp_page1(page, n, old.as_deref());
            }
            f.write_all(page).map_err(io_err)
        })
        .map(|_| ())
    })
}

fn io_err(_: std::io::Error) -> Error {
    // SQLite's words for a destination it cannot create or write.
    Error::new(ResultCode::CANTOPEN, "unable to open database file")
}

/// Write a database image to `path` as a backup's destination (header
/// fields stamped as the module comment says), replacing the file.
pub fn write_database_file(image: &mut [u8], path: &str) -> Result<()> {
    let old = prepare_destination(path);
    stamp(image, old.as_deref());
    replace_file(path, |f| f.write_all(image).map_err(io_err))
}

impl Database {
    /// A new in-memory database holding the database file `image`
    /// (sqlite3_deserialize); the image is validated when first read, as a
    /// file would be. An empty image gives an empty database. The
    /// journal-mode bytes are reset to rollback mode: an in-memory database
    /// has no WAL.
    pub fn deserialize(mut image: Vec<u8>) -> Result<Database> {
        if image.len() >= HEADER_SIZE && image.starts_with(b"SQLite format 3\0") {
            if image[18] == 2 {
                image[18] = 1;
            }
            if image[19] == 2 {
                image[19] = 1;
            }
        }
        let vfs = MemoryVfs::new_ref();
        {
            let f = vfs.open(
                "memory.db",
                OpenFlags {
                    read_only: false,
                    create: true,
                    delete_on_close: false,
                },
            )?;
            f.write_at(&image, 0)?;
        }
        Ok(Database::with_store_factory(Box::new(PagerFactory::new(
            vfs,
            "memory.db",
            "",
            PagerOptions::default(),
        ))))
    }

    /// A new in-memory database holding a backup of the file at `path`
    /// (read through a connection of its own, so a WAL file beside it is
    /// honoured); the shell's `.restore` into an in-memory database.
    pub fn restore_from_file(path: &str) -> Result<Database> {
        let src = Connection::open(path)?;
        let mut image = src.serialize("main")?;
        stamp(&mut image, None);
        Database::deserialize(image)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(c: &Connection) -> Vec<(i64, String)> {
        let mut s = c.prepare("SELECT a, b FROM t ORDER BY a").unwrap();
        s.query_map((), |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
    }

    #[test]
    fn serialize_then_deserialize_keeps_rows() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX tb ON t(b);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<500)
             INSERT INTO t SELECT i, printf('row %d', i) FROM n;",
        )
        .unwrap();
        let image = c.serialize("main").unwrap();
        assert_eq!(image.len() % 4096, 0);
        assert!(image.starts_with(b"SQLite format 3\0"));
        let d = Database::deserialize(image).unwrap().connect().unwrap();
        assert_eq!(rows(&d), rows(&c));
        let ok: String = d
            .query_row("PRAGMA integrity_check", (), |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }

    #[test]
    fn unknown_schema_is_an_error() {
        let c = Connection::open_in_memory().unwrap();
        let e = c.serialize("aux").unwrap_err();
        assert_eq!(e.message, "unknown database aux");
    }

    #[test]
    fn empty_database_backs_up_as_one_page() {
        let c = Connection::open_in_memory().unwrap();
        let image = c.serialize("main").unwrap();
        assert_eq!(image.len(), 4096);
        let d = Database::deserialize(image).unwrap().connect().unwrap();
        let n: i64 = d
            .query_row("SELECT count(*) FROM sqlite_schema", (), |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn backup_to_file_stamps_header_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let path = path.to_str().unwrap();
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); INSERT INTO t VALUES (1,'x'),(2,'y');",
        )
        .unwrap();
        c.backup_to_file("main", path).unwrap();
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(get4(&bytes, 24), Some(1));
        assert_eq!(get4(&bytes, 92), Some(1));
        assert_eq!(get4(&bytes, 28), Some((bytes.len() / 4096) as u32));
        // A second backup over it bumps the destination's counter and cookie.
        let cookie = get4(&bytes, 40).unwrap();
        c.execute("INSERT INTO t VALUES (3,'z')", ()).unwrap();
        c.backup_to_file("main", path).unwrap();
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(get4(&bytes, 24), Some(2));
        assert_eq!(get4(&bytes, 40), Some(cookie + 1));
        let d = Connection::open(path).unwrap();
        assert_eq!(rows(&d), rows(&c));
        let r = Database::restore_from_file(path)
            .unwrap()
            .connect()
            .unwrap();
        assert_eq!(rows(&r).len(), 3);
    }
}
