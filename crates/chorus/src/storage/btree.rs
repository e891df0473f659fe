//! The storage interface over the real file format: `chorus_storage`'s pager
//! and B-trees, on any VFS (OS files, or memory for `:memory:` databases).
//!
//! One [`PagerStore`] per connection owns one `Pager` behind a mutex that its
//! cursors share. Cursors keep page snapshots, so a write through one cursor
//! (or a tree function) leaves the others looking at old pages: every write
//! bumps a generation counter, and so does a read transaction that begins
//! on a snapshot where some page changed (the pager's content epoch moved;
//! an unchanged snapshot keeps cursors positioned from one statement to the
//! next), and a cursor whose generation is stale
//! re-seeks to the key under it (read from its own snapshot) before it moves
//! or deletes. After `delete`, the cursor rests so that `next()` lands on the
//! entry that followed the deleted one.
//!
//! Text: the SQL layer always sees UTF-8. In a UTF-16 database, records are
//! transcoded on the way in and out (only there; UTF-8 databases pay nothing).

use super::{
    HeaderField, IndexCursor, KeyInfo, SeekOp, Store, StoreFactory, TableCursor, TreeKind,
};
use chorus_storage::btree::{self, BTreeCursor, EntryInfo, SeekOp as BSeek, TreeType};
use chorus_storage::integrity;
use chorus_storage::record::{decode_record, encode_record, encode_record_enc, TextEncoding};
use chorus_storage::vfs::Vfs;
use chorus_storage::{
    AutoVacuum, CheckpointMode, CheckpointResult, Error, JournalMode, LockingMode, PageNo, Pager,
    PagerOptions, Result, ResultCode, RowId, Synchronous, Value, ValueRef,
};
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Opens one pager per connection on the same file.
pub struct PagerFactory {
    vfs: Arc<dyn Vfs>,
    path: String,
    filename: String,
    opts: PagerOptions,
}

impl PagerFactory {
    pub fn new(vfs: Arc<dyn Vfs>, path: &str, filename: &str, opts: PagerOptions) -> PagerFactory {
        PagerFactory {
            vfs,
            path: path.to_string(),
            filename: filename.to_string(),
            opts,
        }
    }
}

impl StoreFactory for PagerFactory {
    fn connect(&self) -> Result<Box<dyn Store>> {
        let mut pager = Pager::open(self.vfs.clone(), &self.path, self.opts.clone())?;
        // SQLite's default safety level is FULL (`PRAGMA synchronous` = 2).
        pager.set_synchronous(Synchronous::Full);
        Ok(Box::new(PagerStore {
            inner: Arc::new(Mutex::new(Inner {
                pager,
                gen: Arc::new(AtomicU64::new(0)),
                epoch: 0,
            })),
            sync_level: 2,
        }))
    }

    fn filename(&self) -> &str {
        &self.filename
    }
}

struct Inner {
    pager: Pager,
    /// Bumped (under the lock) by every write and transaction boundary;
    /// cursors compare it with their own. Shared with the cursors so that
    /// they can check it without taking the lock (see [`CursorState::fresh`]).
    gen: Arc<AtomicU64>,
    /// The pager's content epoch when a read transaction last began.
    epoch: u64,
}

impl Inner {
    fn gen(&self) -> u64 {
        self.gen.load(AtomicOrdering::Acquire)
    }

    fn bump(&mut self) {
        self.gen.fetch_add(1, AtomicOrdering::AcqRel);
    }

    fn encoding(&self) -> TextEncoding {
        TextEncoding::from_header(self.pager.header().text_encoding).unwrap_or_default()
    }
}

fn lock(m: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One connection's store.
pub struct PagerStore {
    inner: Arc<Mutex<Inner>>,
    /// `PRAGMA synchronous` as last set (SQLite keeps out-of-range levels).
    sync_level: u8,
}

fn bseek(op: SeekOp) -> BSeek {
    match op {
        SeekOp::Eq => BSeek::Eq,
        SeekOp::Ge => BSeek::Ge,
        SeekOp::Gt => BSeek::Gt,
        SeekOp::Le => BSeek::Le,
        SeekOp::Lt => BSeek::Lt,
    }
}

/// Re-encode a record from `from` to `to` text encoding.
fn transcode(rec: &[u8], from: TextEncoding, to: TextEncoding) -> Result<Vec<u8>> {
    let vals = decode_record(rec, from)?;
    let refs: Vec<ValueRef<'_>> = vals.iter().map(Value::as_ref).collect();
    let mut out = Vec::with_capacity(rec.len() * 2);
    if to.is_utf8() {
        encode_record(&refs, &mut out);
    } else {
        encode_record_enc(&refs, to, &mut out);
    }
    Ok(out)
}

/// Rewrite the `rootpage` column of sqlite_schema rows from `from` to `to`
/// (auto-vacuum moved a root page while dropping a tree).
fn move_root_in_schema(pager: &mut Pager, from: PageNo, to: PageNo) -> Result<()> {
    let enc = TextEncoding::from_header(pager.header().text_encoding).unwrap_or_default();
    let mut cur = BTreeCursor::new(PageNo(1), btree::TreeKind::Table);
    let mut updates = Vec::new();
    let mut more = cur.first(pager)?;
    while more {
        let payload = cur.payload(pager)?;
        let mut vals = decode_record(&payload, enc)?;
        if vals.get(3) == Some(&Value::Integer(from.get() as i64)) {
            vals[3] = Value::Integer(to.get() as i64);
            updates.push((cur.rowid()?, vals));
        }
        more = cur.next(pager)?;
    }
    for (rowid, vals) in updates {
        let refs: Vec<ValueRef<'_>> = vals.iter().map(Value::as_ref).collect();
        let mut rec = Vec::new();
        encode_record_enc(&refs, enc, &mut rec);
        cur.insert(pager, rowid, &rec)?;
    }
    Ok(())
}

impl Store for PagerStore {
    fn begin_read(&mut self) -> Result<()> {
        let mut g = lock(&self.inner);
        g.pager.begin_read()?;
        // A new snapshot makes cursors' page snapshots stale only if some
        // page changed since the last one (the pager's content epoch moved):
        // otherwise a cursor keeps its position, and a rowid seek near it
        // is answered by its leaf, from one statement to the next.
        let e = g.pager.content_epoch();
        if e != g.epoch {
            g.epoch = e;
            g.bump();
        }
        Ok(())
    }

    fn end_read(&mut self) -> Result<()> {
        lock(&self.inner).pager.end_read()
    }

    fn begin_write(&mut self) -> Result<()> {
        let mut g = lock(&self.inner);
        if !g.pager.in_write_txn() {
            g.bump();
        }
        g.pager.begin_write()?;
        let h = g.pager.header();
        if h.schema_format == 0 || h.text_encoding == 0 {
            // A new database: SQLite's defaults for the schema layer.
            g.pager.update_header(|h| {
                if h.schema_format == 0 {
                    h.schema_format = 4;
                }
                if h.text_encoding == 0 {
                    h.text_encoding = 1;
                }
            })?;
        }
        Ok(())
    }

    fn in_write(&self) -> bool {
        lock(&self.inner).pager.in_write_txn()
    }

    fn commit(&mut self) -> Result<()> {
        let mut g = lock(&self.inner);
        if g.pager.auto_vacuum() == AutoVacuum::Full && g.pager.in_write_txn() {
            btree::autovacuum_commit(&mut g.pager)?;
        }
        g.bump();
        g.pager.commit()
    }

    fn rollback(&mut self) -> Result<()> {
        let mut g = lock(&self.inner);
        g.bump();
        g.pager.rollback()
    }

    fn savepoint(&mut self) -> Result<usize> {
        lock(&self.inner).pager.savepoint()
    }

    fn release(&mut self, level: usize) -> Result<()> {
        lock(&self.inner).pager.release(level)
    }

    fn rollback_to(&mut self, level: usize) -> Result<()> {
        let mut g = lock(&self.inner);
        g.bump();
        g.pager.rollback_to(level)
    }

    fn create_tree(&mut self, kind: TreeKind) -> Result<PageNo> {
        let mut g = lock(&self.inner);
        g.bump();
        let ty = match kind {
            TreeKind::Table => TreeType::Table,
            TreeKind::Index => TreeType::Index,
        };
        btree::create_tree(&mut g.pager, ty)
    }

    fn drop_tree(&mut self, root: PageNo) -> Result<()> {
        let mut g = lock(&self.inner);
        g.bump();
        if let Some((from, to)) = btree::drop_tree(&mut g.pager, root)? {
            move_root_in_schema(&mut g.pager, from, to)?;
        }
        Ok(())
    }

    fn clear_tree(&mut self, root: PageNo) -> Result<()> {
        let mut g = lock(&self.inner);
        g.bump();
        btree::clear_tree(&mut g.pager, root)
    }

    fn table_cursor(&mut self, root: PageNo) -> Result<Box<dyn TableCursor>> {
        let (enc, gen) = {
            let g = lock(&self.inner);
            (g.encoding(), g.gen.clone())
        };
        Ok(Box::new(PagerTableCursor {
            inner: self.inner.clone(),
            st: CursorState::new(
                BTreeCursor::new(root, btree::TreeKind::Table),
                enc,
                gen.clone(),
            ),
        }))
    }

    fn index_cursor(
        &mut self,
        root: PageNo,
        mut key_info: KeyInfo,
    ) -> Result<Box<dyn IndexCursor>> {
        let (enc, gen) = {
            let g = lock(&self.inner);
            (g.encoding(), g.gen.clone())
        };
        key_info.encoding = enc;
        Ok(Box::new(PagerIndexCursor {
            inner: self.inner.clone(),
            st: CursorState::new(
                BTreeCursor::new(root, btree::TreeKind::Index(key_info)),
                enc,
                gen.clone(),
            ),
            bulk: None,
        }))
    }

    fn header(&self, field: HeaderField) -> Result<u32> {
        let g = lock(&self.inner);
        let h = g.pager.header();
        Ok(match field {
            HeaderField::SchemaCookie => h.schema_cookie,
            HeaderField::UserVersion => h.user_version,
            HeaderField::ApplicationId => h.application_id,
            HeaderField::PageSize => g.pager.page_size() as u32,
            HeaderField::PageCount => g.pager.page_count(),
            HeaderField::FreelistCount => h.freelist_count,
            HeaderField::AutoVacuum => match g.pager.auto_vacuum() {
                AutoVacuum::None => 0,
                AutoVacuum::Full => 1,
                AutoVacuum::Incremental => 2,
            },
            HeaderField::TextEncoding => {
                if h.text_encoding == 0 {
                    1
                } else {
                    h.text_encoding
                }
            }
        })
    }

    fn set_header(&mut self, field: HeaderField, value: u32) -> Result<()> {
        let mut g = lock(&self.inner);
        g.bump();
        g.pager.update_header(|h| match field {
            HeaderField::SchemaCookie => h.schema_cookie = value,
            HeaderField::UserVersion => h.user_version = value,
            HeaderField::ApplicationId => h.application_id = value,
            HeaderField::TextEncoding => h.text_encoding = value,
            HeaderField::PageSize
            | HeaderField::PageCount
            | HeaderField::FreelistCount
            | HeaderField::AutoVacuum => {}
        })?;
        if matches!(
            field,
            HeaderField::PageSize
                | HeaderField::PageCount
                | HeaderField::FreelistCount
                | HeaderField::AutoVacuum
        ) {
            return Err(Error::new(ResultCode::ERROR, "header field is read-only"));
        }
        Ok(())
    }

    fn read_page_image(&mut self, pgno: u32, out: &mut [u8]) -> Result<()> {
        let g = lock(&self.inner);
        let page = g.pager.read(PageNo(pgno))?;
        let data = page.data();
        if data.len() != out.len() {
            return Err(Error::new(ResultCode::MISUSE, "page size mismatch"));
        }
        out.copy_from_slice(data);
        Ok(())
    }

    fn integrity_check(&mut self) -> Result<Vec<String>> {
        // The storage layer's independent checker, over every tree the
        // schema names (collations and sort orders read from the CREATE text).
        let g = lock(&self.inner);
        if g.pager.page_count() == 0 {
            return Ok(Vec::new());
        }
        let trees = integrity::schema_trees(&g.pager)?;
        integrity::check_integrity(&g.pager, &trees, 100)
    }

    fn journal_mode(&mut self) -> Result<JournalMode> {
        let mut g = lock(&self.inner);
        if !g.pager.in_write_txn() {
            // Learn the mode of the file as it is now (another connection
            // may have switched it into or out of WAL).
            let fresh = !g.pager.in_read_txn();
            if fresh {
                g.pager.begin_read()?;
                g.pager.end_read()?;
            }
        }
        Ok(g.pager.journal_mode())
    }

    fn set_journal_mode(&mut self, mode: JournalMode) -> Result<JournalMode> {
        let mut g = lock(&self.inner);
        g.bump();
        g.pager.set_journal_mode(mode)
    }

    fn synchronous(&self) -> u8 {
        self.sync_level
    }

    fn set_synchronous(&mut self, level: u8) {
        self.sync_level = level;
        let s = match level {
            0 => Synchronous::Off,
            1 => Synchronous::Normal,
            2 => Synchronous::Full,
            _ => Synchronous::Extra,
        };
        lock(&self.inner).pager.set_synchronous(s);
    }

    fn checkpoint(&mut self, mode: CheckpointMode) -> Result<CheckpointResult> {
        let mut g = lock(&self.inner);
        g.bump();
        match g.pager.checkpoint(mode) {
            Err(e) if e.code.primary() == ResultCode::BUSY => Ok(CheckpointResult {
                busy: true,
                log_frames: -1,
                checkpointed_frames: -1,
            }),
            r => r,
        }
    }

    fn wal_autocheckpoint(&self) -> i64 {
        lock(&self.inner).pager.wal_autocheckpoint() as i64
    }

    fn set_wal_autocheckpoint(&mut self, pages: i64) {
        lock(&self.inner).pager.set_wal_autocheckpoint(pages)
    }

    fn locking_mode(&self) -> LockingMode {
        lock(&self.inner).pager.locking_mode()
    }

    fn set_locking_mode(&mut self, mode: LockingMode) -> Result<()> {
        lock(&self.inner).pager.set_locking_mode(mode)
    }

    fn busy_timeout(&self) -> Duration {
        lock(&self.inner).pager.busy_timeout()
    }

    fn set_busy_timeout(&mut self, timeout: Duration) {
        lock(&self.inner).pager.set_busy_timeout(timeout)
    }

    fn replace_content(&mut self, image: &[u8]) -> Result<bool> {
        let mut g = lock(&self.inner);
        g.bump();
        g.pager.replace_content(image)?;
        Ok(true)
    }

    fn set_cache_size(&mut self, cache_size: i64) {
        lock(&self.inner).pager.set_cache_size(cache_size)
    }
    fn set_page_size(&mut self, page_size: usize) -> Result<()> {
        lock(&self.inner).pager.set_page_size(page_size).map(|_| ())
    }
}

/// The key of an entry, kept to find one's place again after the tree changed.
enum SavedKey {
    Row(i64),
    Rec(Vec<u8>),
}

/// The position and current entry of one adapter cursor (either kind).
/// Methods take the locked pager state, so the owning cursor locks once per
/// operation and never clones its `Arc`.
struct CursorState {
    cur: BTreeCursor,
    gen: u64,
    /// Set by `delete`: the deleted entry's key.
    deleted: Option<SavedKey>,
    /// The payload when it is not wholly on the page (overflow) or had to be
    /// transcoded from UTF-16.
    owned: Option<Vec<u8>>,
    /// The entry under the cursor, parsed once by `load` (None when the
    /// cursor is not on an entry).
    entry: Option<EntryInfo>,
    enc: TextEncoding,
    /// The store's generation counter (`Inner::gen`), readable unlocked.
    shared_gen: Arc<AtomicU64>,
}

impl CursorState {
    fn new(cur: BTreeCursor, enc: TextEncoding, shared_gen: Arc<AtomicU64>) -> CursorState {
        CursorState {
            cur,
            gen: 0,
            deleted: None,
            owned: None,
            entry: None,
            enc,
            shared_gen,
        }
    }

    /// Whether nothing was written (and no transaction boundary passed)
    /// since this cursor was positioned, and it is not parked after a
    /// delete: its page snapshots are then current, and moves that stay on
    /// the leaf it rests on need neither the pager nor the lock. (Writers
    /// bump the counter while holding the lock, and a connection is used
    /// by one thread at a time.)
    fn fresh(&self) -> bool {
        self.deleted.is_none() && self.gen == self.shared_gen.load(AtomicOrdering::Acquire)
    }

    fn reset(&mut self, g: &Inner) {
        self.gen = g.gen();
        self.deleted = None;
    }

    /// Parse the entry under the cursor once and prepare its payload.
    fn load(&mut self, g: &Inner) -> Result<()> {
        if self.load_local()? {
            return Ok(());
        }
        self.load_owned(g)
    }

    /// The first half of `load`, which needs no pager: parse the entry.
    /// True when that is all (the payload is wholly on the page, in UTF-8);
    /// false when `load_owned` must assemble or transcode it.
    fn load_local(&mut self) -> Result<bool> {
        self.owned = None;
        if !self.cur.is_valid() {
            self.entry = None;
            return Ok(true);
        }
        let e = match self.cur.current_local_entry() {
            Some(e) => e,
            None => self.cur.current_entry()?,
        };
        self.entry = Some(e);
        Ok(e.local as u64 == e.payload_len && self.enc.is_utf8())
    }

    /// The second half of `load`: an overflowing or UTF-16 payload.
    fn load_owned(&mut self, g: &Inner) -> Result<()> {
        let Some(e) = self.entry else {
            return Ok(());
        };
        if e.local as u64 != e.payload_len {
            self.owned = Some(self.cur.payload(&g.pager)?.into_owned());
        }
        if !self.enc.is_utf8() {
            let rec = match &self.owned {
                Some(v) => v.as_slice(),
                None => self.local(e)?,
            };
            self.owned = Some(transcode(rec, self.enc, TextEncoding::Utf8)?);
        }
        Ok(())
    }

    fn local(&self, e: EntryInfo) -> Result<&[u8]> {
        self.cur
            .page_bytes()
            .get(e.start..e.start + e.local)
            .ok_or_else(|| Error::corrupt("payload beyond page"))
    }

    /// The payload of the current entry (UTF-8 text).
    fn payload(&self) -> Result<&[u8]> {
        if let Some(v) = &self.owned {
            return Ok(v);
        }
        match self.entry {
            Some(e) if self.deleted.is_none() => self.local(e),
            _ => Err(Error::new(ResultCode::MISUSE, "cursor is not on an entry")),
        }
    }

    fn rowid(&self) -> i64 {
        match self.entry {
            Some(e) if self.deleted.is_none() => e.key,
            _ => 0,
        }
    }

    fn current_key(&self, g: &Inner) -> Result<SavedKey> {
        if self.cur.kind().is_table() {
            Ok(SavedKey::Row(self.cur.rowid()?.0))
        } else {
            Ok(SavedKey::Rec(self.cur.payload(&g.pager)?.into_owned()))
        }
    }

    fn seek_saved(&mut self, g: &Inner, key: &SavedKey, op: BSeek) -> Result<bool> {
        match key {
            SavedKey::Row(r) => self.cur.seek_rowid(&g.pager, RowId(*r), op),
            SavedKey::Rec(rec) => {
                let vals = decode_record(rec, self.enc)?;
                let refs: Vec<ValueRef<'_>> = vals.iter().map(Value::as_ref).collect();
                self.cur.seek_key(&g.pager, &refs, op)
            }
        }
    }

    /// Position the cursor afresh with `f` (first, last or a seek); a new,
    /// empty file has no pages, so every tree (only sqlite_schema) is empty.
    fn position(
        &mut self,
        g: &Inner,
        f: impl FnOnce(&mut BTreeCursor, &Pager) -> Result<bool>,
    ) -> Result<bool> {
        self.reset(g);
        if g.pager.page_count() == 0 {
            self.cur.invalidate();
            self.owned = None;
            self.entry = None;
            return Ok(false);
        }
        let r = f(&mut self.cur, &g.pager)?;
        self.load(g)?;
        Ok(r)
    }

    /// Move to the next (`Gt`) or previous (`Lt`) entry, re-seeking from
    /// the saved or current key when the tree changed under the cursor.
    fn step(&mut self, g: &Inner, dir: BSeek) -> Result<bool> {
        let stale = self.gen != g.gen();
        let forward = dir == BSeek::Gt;
        let r = match self.deleted.take() {
            Some(k) if stale => self.seek_saved(g, &k, dir)?,
            None if stale && self.cur.is_valid() => {
                let k = self.current_key(g)?;
                self.seek_saved(g, &k, dir)?
            }
            _ if forward => self.cur.next(&g.pager)?,
            _ => self.cur.prev(&g.pager)?,
        };
        self.gen = g.gen();
        self.load(g)?;
        Ok(r)
    }

    fn valid(&self) -> bool {
        self.cur.is_valid() && self.deleted.is_none()
    }

    /// The in-line step of a forward scan (see `TableCursor::next_local`):
    /// nothing written since the cursor was positioned, the next entry on
    /// the same leaf, wholly local, in UTF-8.
    #[inline]
    fn next_local(&mut self) -> bool {
        if !self.fresh() || !self.enc.is_utf8() {
            return false;
        }
        match self.cur.next_local_in_leaf() {
            Some(e) => {
                self.owned = None;
                self.entry = Some(e);
                true
            }
            None => false,
        }
    }

    fn delete(&mut self, g: &mut Inner) -> Result<()> {
        if self.deleted.is_some() || !self.cur.is_valid() {
            return Err(Error::new(ResultCode::MISUSE, "cursor is not on an entry"));
        }
        let key = self.current_key(g)?;
        if self.gen != g.gen() && !self.seek_saved(g, &key, BSeek::Eq)? {
            return Err(Error::corrupt("entry under the cursor vanished"));
        }
        g.bump();
        self.cur.delete(&mut g.pager)?;
        self.gen = g.gen();
        self.deleted = Some(key);
        self.owned = None;
        self.entry = None;
        Ok(())
    }

    fn insert(&mut self, g: &mut Inner, rowid: i64, record: &[u8]) -> Result<()> {
        // Nothing written since the cursor was positioned: its page
        // snapshots are current (the B-tree need not compare them).
        let fresh = self.deleted.is_none() && self.gen == g.gen();
        g.bump();
        let rec = if self.enc.is_utf8() {
            Cow::Borrowed(record)
        } else {
            Cow::Owned(transcode(record, TextEncoding::Utf8, self.enc)?)
        };
        if fresh {
            self.cur.insert_fresh(&mut g.pager, RowId(rowid), &rec)?;
        } else {
            self.cur.insert(&mut g.pager, RowId(rowid), &rec)?;
        }
        self.reset(g);
        self.load(g)
    }
}

/// Navigation and delete, shared by both cursor kinds.
macro_rules! cursor_moves {
    () => {
        fn first(&mut self) -> Result<bool> {
            let g = lock(&self.inner);
            self.st.position(&g, |cur, pager| cur.first(pager))
        }

        fn last(&mut self) -> Result<bool> {
            let g = lock(&self.inner);
            if self.st.gen == g.gen() && self.st.deleted.is_none() && self.st.cur.at_last() {
                // Nothing was written since the cursor was positioned and it
                // is on the last entry (it just appended it): stay.
                self.st.load(&g)?;
                return Ok(true);
            }
            self.st.position(&g, |cur, pager| cur.last(pager))
        }

        fn next(&mut self) -> Result<bool> {
            if self.st.fresh() && self.st.cur.next_in_leaf() {
                // The common step of a scan: the next entry is on the same
                // leaf snapshot, so the lock is needed only for overflow.
                if !self.st.load_local()? {
                    let g = lock(&self.inner);
                    self.st.load_owned(&g)?;
                }
                return Ok(true);
            }
            let g = lock(&self.inner);
            self.st.step(&g, BSeek::Gt)
        }

        fn prev(&mut self) -> Result<bool> {
            let g = lock(&self.inner);
            self.st.step(&g, BSeek::Lt)
        }

        fn valid(&self) -> bool {
            self.st.valid()
        }

        fn delete(&mut self) -> Result<()> {
            let mut g = lock(&self.inner);
            self.st.delete(&mut g)
        }
    };
}

/// Cursor over a table tree.
struct PagerTableCursor {
    inner: Arc<Mutex<Inner>>,
    st: CursorState,
}

impl TableCursor for PagerTableCursor {
    cursor_moves!();

    #[inline]
    fn next_local(&mut self) -> bool {
        self.st.next_local()
    }

    fn seek_rowid(&mut self, rowid: i64, op: SeekOp) -> Result<bool> {
        if op == SeekOp::Eq && self.st.fresh() {
            // Nothing was written since this cursor was positioned (the
            // generation also changes at transaction boundaries), so its page
            // snapshots are current: the leaf it is on may answer alone.
            if let Some(found) = self.st.cur.seek_rowid_in_leaf(rowid)? {
                if !self.st.load_local()? {
                    let g = lock(&self.inner);
                    self.st.load_owned(&g)?;
                }
                return Ok(found);
            }
        }
        let g = lock(&self.inner);
        self.st.position(&g, |cur, pager| {
            cur.seek_rowid(pager, RowId(rowid), bseek(op))
        })
    }

    fn rowid(&self) -> i64 {
        self.st.rowid()
    }

    fn payload(&self) -> Result<&[u8]> {
        self.st.payload()
    }

    fn insert(&mut self, rowid: i64, record: &[u8]) -> Result<()> {
        let mut g = lock(&self.inner);
        self.st.insert(&mut g, rowid, record)
    }
}

/// Cursor over an index tree.
struct PagerIndexCursor {
    inner: Arc<Mutex<Inner>>,
    st: CursorState,
    /// A bulk load in progress (`bulk_begin` .. `bulk_finish`).
    bulk: Option<btree::BulkLoader>,
}

impl IndexCursor for PagerIndexCursor {
    cursor_moves!();

    #[inline]
    fn next_local(&mut self) -> bool {
        self.st.next_local()
    }

    fn seek(&mut self, key: &[ValueRef<'_>], op: SeekOp) -> Result<bool> {
        let g = lock(&self.inner);
        self.st
            .position(&g, |cur, pager| cur.seek_key(pager, key, bseek(op)))
    }

    fn key(&self) -> Result<&[u8]> {
        self.st.payload()
    }

    fn insert(&mut self, key: &[u8]) -> Result<()> {
        let mut g = lock(&self.inner);
        self.st.insert(&mut g, 0, key)
    }

    fn bulk_begin(&mut self) -> Result<bool> {
        let mut g = lock(&self.inner);
        g.bump();
        self.st.cur.invalidate();
        self.st.entry = None;
        if !self.st.enc.is_utf8() {
            // Entries arrive sorted as UTF-8; BINARY order in the tree is
            // that of the UTF-16 bytes, which differs: insert one by one.
            return Ok(false);
        }
        match btree::BulkLoader::new(&g.pager, self.st.cur.root()) {
            Ok(l) => {
                self.bulk = Some(l);
                Ok(true)
            }
            // Not an empty index tree: entries are inserted one by one.
            Err(e) if e.code == ResultCode::MISUSE => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn bulk_push(&mut self, key: &[u8]) -> Result<()> {
        let mut g = lock(&self.inner);
        let Some(l) = self.bulk.as_mut() else {
            return self.st.insert(&mut g, 0, key);
        };
        if self.st.enc.is_utf8() {
            l.push(&mut g.pager, key)
        } else {
            l.push(
                &mut g.pager,
                &transcode(key, TextEncoding::Utf8, self.st.enc)?,
            )
        }
    }

    fn bulk_finish(&mut self) -> Result<()> {
        let mut g = lock(&self.inner);
        g.bump();
        match self.bulk.take() {
            Some(l) => l.finish(&mut g.pager),
            None => Ok(()),
        }
    }
}
