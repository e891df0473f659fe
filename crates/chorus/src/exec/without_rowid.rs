//! WITHOUT ROWID tables.
//!
//! On disk (SQLite's file format): the table is an *index* b-tree whose
//! entries are records holding the PRIMARY KEY columns first (in PRIMARY KEY
//! order) followed by the remaining columns in declaration order. Entries are
//! ordered by the PRIMARY KEY columns only (their collations and DESC); the
//! PRIMARY KEY is unique so the rest never decides the order. There is no
//! `sqlite_schema` row for the primary key's automatic index
//! (`sqlite_autoindex_T_N`): the table tree is that index. A secondary index
//! on such a table stores its own columns followed by the PRIMARY KEY columns
//! it does not already contain (instead of a rowid).
//!
//! In the engine: the rest of the executor works on rowid-shaped cursors, so
//! [`WrCursor`] adapts the index b-tree to [`TableCursor`]:
//!
//! * `payload()` is the row's record permuted back to declaration order, so
//!   slots and writers read columns by their table position;
//! * `rowid()` is a *handle*: a statement-wide number registered in a
//!   [`WrRegistry`] (kept in the statement's `Env`) for the row's record;
//!   `seek_rowid(handle, Eq)` seeks the row by the PRIMARY KEY values of the
//!   registered record. UPDATE and DELETE collect handles and modify rows
//!   afterwards, exactly as SQLite collects primary keys for such tables.
//!   Handles are only registered by cursors opened with `track` (writers and
//!   the scans of UPDATE/DELETE), so plain queries register nothing;
//! * `insert(_, record)` permutes to storage order and replaces any row with
//!   the same PRIMARY KEY.

use crate::schema::{Index, IndexColumn, IndexOrigin, Table};
use crate::storage::{IndexCursor, KeyInfo, SeekOp, Store, TableCursor};
use chorus_storage::record::{compare_unpacked, serial_type_len, RecordReader};
use chorus_storage::varint::{put_varint, varint_len};
use chorus_storage::{Error, PageNo, Result, ResultCode, Value, ValueRef};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Finish a WITHOUT ROWID table definition: it must have a PRIMARY KEY,
/// whose columns become NOT NULL and whose automatic index is the table.
pub fn finish_table(t: &mut Table, autos: &mut [Index]) -> Result<()> {
    let Some(pk) = autos
        .iter_mut()
        .find(|a| a.origin == IndexOrigin::PrimaryKey)
    else {
        return Err(Error::new(
            ResultCode::ERROR,
            format!("PRIMARY KEY missing on table {}", t.name),
        ));
    };
    // Repeated columns in the PRIMARY KEY count once (SQLite drops them).
    let mut cols: Vec<IndexColumn> = Vec::new();
    for c in &pk.columns {
        if !cols.iter().any(|x| x.col == c.col) {
            cols.push(c.clone());
        }
    }
    pk.columns = cols.clone();
    for c in &cols {
        if let Some(col) = c.col.and_then(|i| t.columns.get_mut(i)) {
            col.notnull = true;
        }
    }
    t.pk_conflict = pk.on_conflict;
    t.without_rowid = Some(cols);
    Ok(())
}

/// Effective collation name of an index column (explicit, else the column's).
fn coll_of(t: &Table, c: &IndexColumn) -> String {
    c.collation
        .clone()
        .or_else(|| c.col.and_then(|i| t.columns.get(i)?.collation.clone()))
        .unwrap_or_else(|| "BINARY".into())
}

/// PRIMARY KEY columns a secondary index of a WITHOUT ROWID table appends
/// after its own columns (those it does not already hold with the same
/// collation). Empty for rowid tables and for the primary key itself.
pub fn suffix_columns(idx: &Index, t: &Table) -> Vec<IndexColumn> {
    let Some(pk) = &t.without_rowid else {
        return Vec::new();
    };
    if idx.origin == IndexOrigin::PrimaryKey && idx.sql.is_none() && idx.root == t.root {
        return Vec::new();
    }
    pk.iter()
        .filter(|p| {
            !idx.columns.iter().any(|c| {
                c.col.is_some()
                    && c.col == p.col
                    && coll_of(t, c).eq_ignore_ascii_case(&coll_of(t, p))
            })
        })
        .cloned()
        .collect()
}

/// For each PRIMARY KEY column (in key order), its position in an entry of
/// `idx` (index columns, then the suffix).
pub fn pk_positions(idx: &Index, t: &Table) -> Vec<usize> {
    let Some(pk) = &t.without_rowid else {
        return Vec::new();
    };
    let suffix = suffix_columns(idx, t);
    pk.iter()
        .map(|p| {
            idx.columns
                .iter()
                .position(|c| {
                    c.col.is_some() && c.col == p.col && suffix.iter().all(|s| s.col != p.col)
                })
                .or_else(|| {
                    suffix
                        .iter()
                        .position(|s| s.col == p.col)
                        .map(|k| idx.columns.len() + k)
                })
                .unwrap_or(0)
        })
        .collect()
}

/// The primary key of a WITHOUT ROWID table as an `Index` (root = the table).
pub fn pk_index(t: &Table) -> Option<Index> {
    let pk = t.without_rowid.as_ref()?;
    Some(Index {
        name: format!("sqlite_autoindex_{}_1", t.name),
        table: t.name.clone(),
        root: t.root,
        columns: pk.clone(),
        unique: true,
        origin: IndexOrigin::PrimaryKey,
        partial: None,
        sql: None,
        on_conflict: t.pk_conflict,
    })
}

/// How a WITHOUT ROWID table's records are laid out.
///
/// Positions are in *record fields*: the table's columns that are stored,
/// i.e. all but VIRTUAL generated ones, numbered in declaration order (the
/// fields a rowid table's record would hold; `exec/generated.rs`). SQLite
/// leaves VIRTUAL columns out of a WITHOUT ROWID record too, and keeps STORED
/// ones among the non-key columns in declaration order.
#[derive(Debug)]
pub struct WrLayout {
    pub root: PageNo,
    pub key_info: KeyInfo,
    /// Storage position -> record field.
    pub order: Vec<usize>,
    /// Record field -> storage position.
    pub pos: Vec<usize>,
    /// Record fields of the PRIMARY KEY columns, in key order.
    pub pk: Vec<usize>,
}

/// The record field of table column `c` (`usize::MAX` for a VIRTUAL column).
pub fn field_of(t: &Table, c: usize) -> usize {
    match &t.gen {
        Some(g) => g.colmap.get(c).copied().unwrap_or(usize::MAX),
        None => c,
    }
}

impl WrLayout {
    pub fn of(t: &Table) -> Option<Arc<WrLayout>> {
        let idx = pk_index(t)?;
        let nfields = (0..t.columns.len())
            .filter(|&c| field_of(t, c) != usize::MAX)
            .count();
        // Generated columns cannot be in the PRIMARY KEY, so every key
        // column has a field.
        let pk: Vec<usize> = idx
            .columns
            .iter()
            .filter_map(|c| c.col)
            .map(|c| field_of(t, c))
            .filter(|&f| f != usize::MAX)
            .collect();
        let mut order = pk.clone();
        for f in 0..nfields {
            if !pk.contains(&f) {
                order.push(f);
            }
        }
        let mut pos = vec![0; nfields];
        for (p, c) in order.iter().enumerate() {
            if let Some(x) = pos.get_mut(*c) {
                *x = p;
            }
        }
        Some(Arc::new(WrLayout {
            root: t.root,
            key_info: idx.key_info(t),
            order,
            pos,
            pk,
        }))
    }
}

/// A scan of a WITHOUT ROWID table.
pub struct WrScan {
    pub layout: Arc<WrLayout>,
    /// Register row handles (the scan feeds an UPDATE or DELETE).
    pub track: bool,
    /// With index access: where the PRIMARY KEY columns sit in an entry.
    pub pk_pos: Vec<usize>,
}

impl WrScan {
    pub fn of(t: &Table, track: bool) -> Option<WrScan> {
        Some(WrScan {
            layout: WrLayout::of(t)?,
            track,
            pk_pos: Vec::new(),
        })
    }
}

/// Statement-wide row handles of WITHOUT ROWID tables (see the module doc).
#[derive(Debug, Default)]
pub struct WrRows {
    keys: Vec<(u32, Vec<u8>)>,
    map: HashMap<(u32, Vec<u8>), i64>,
}

pub type WrRegistry = Arc<Mutex<WrRows>>;

impl WrRows {
    pub fn clear(&mut self) {
        self.keys.clear();
        self.map.clear();
    }
    pub fn register(&mut self, root: PageNo, record: &[u8]) -> i64 {
        if let Some(h) = self.map.get(&(root.0, record.to_vec())) {
            return *h;
        }
        self.keys.push((root.0, record.to_vec()));
        let h = self.keys.len() as i64;
        self.map.insert((root.0, record.to_vec()), h);
        h
    }
    fn get(&self, h: i64) -> Option<&(u32, Vec<u8>)> {
        usize::try_from(h - 1).ok().and_then(|i| self.keys.get(i))
    }
}

fn lock(r: &WrRegistry) -> std::sync::MutexGuard<'_, WrRows> {
    r.lock().unwrap_or_else(|p| p.into_inner())
}

/// Rewrite a record with its fields reordered: output field `k` is input
/// field `map[k]` (missing input fields become NULL; trailing ones are left
/// out).
fn permute(
    src: &[u8],
    map: &[usize],
    hdr: &mut Vec<(u64, usize)>,
    out: &mut Vec<u8>,
) -> Result<()> {
    let r = RecordReader::with_buffer(src, std::mem::take(hdr))?;
    *hdr = r.into_buffer();
    out.clear();
    // A short record (columns added by ALTER TABLE ADD COLUMN come last in
    // both orders) stays short, so the missing columns read their default.
    let n = map
        .iter()
        .rposition(|&i| i < hdr.len())
        .map_or(0, |p| p + 1);
    let map = &map[..n];
    let types: usize = map
        .iter()
        .map(|&i| varint_len(hdr.get(i).map_or(0, |x| x.0)))
        .sum();
    let mut total = types + 1;
    while varint_len(total as u64) + types != total {
        total = varint_len(total as u64) + types;
    }
    put_varint(total as u64, out);
    for &i in map {
        put_varint(hdr.get(i).map_or(0, |x| x.0), out);
    }
    for &i in map {
        if let Some(&(t, off)) = hdr.get(i) {
            let len = serial_type_len(t).unwrap_or(0) as usize;
            let body = off
                .checked_add(len)
                .and_then(|end| src.get(off..end))
                .ok_or_else(|| Error::corrupt("record body overflows payload"))?;
            out.extend_from_slice(body);
        }
    }
    Ok(())
}

/// A WITHOUT ROWID table tree seen as a table cursor.
pub struct WrCursor {
    inner: Box<dyn IndexCursor>,
    layout: Arc<WrLayout>,
    rows: WrRegistry,
    track: bool,
    /// The current row in declaration order.
    buf: Vec<u8>,
    hdr: Vec<(u64, usize)>,
    tmp: Vec<u8>,
}

impl WrCursor {
    fn load(&mut self, ok: bool) -> Result<bool> {
        if ok && self.inner.valid() {
            let key = self.inner.key()?;
            permute(key, &self.layout.pos, &mut self.hdr, &mut self.buf)?;
        } else {
            self.buf.clear();
        }
        Ok(ok)
    }

    /// The PRIMARY KEY values of a declaration-order record.
    fn pk_of(&self, record: &[u8]) -> Result<Vec<Value>> {
        let r = RecordReader::new(record)?;
        self.layout
            .pk
            .iter()
            .map(|&c| {
                if c < r.column_count() {
                    r.column(c).map(|v| v.to_owned())
                } else {
                    Ok(Value::Null)
                }
            })
            .collect()
    }

    fn seek_pk(&mut self, key: &[ValueRef<'_>]) -> Result<bool> {
        let found = self.inner.seek(key, SeekOp::Eq)?;
        let found = found
            && self.inner.valid()
            && compare_unpacked(
                key,
                self.inner.key()?,
                &self.layout.key_info,
                std::cmp::Ordering::Equal,
            )? == std::cmp::Ordering::Equal;
        self.load(found)
    }
}

impl TableCursor for WrCursor {
    fn first(&mut self) -> Result<bool> {
        let ok = self.inner.first()?;
        self.load(ok)
    }
    fn last(&mut self) -> Result<bool> {
        let ok = self.inner.last()?;
        self.load(ok)
    }
    fn next(&mut self) -> Result<bool> {
        let ok = self.inner.next()?;
        self.load(ok)
    }
    fn prev(&mut self) -> Result<bool> {
        let ok = self.inner.prev()?;
        self.load(ok)
    }
    fn seek_rowid(&mut self, rowid: i64, op: SeekOp) -> Result<bool> {
        if op != SeekOp::Eq {
            return self.load(false);
        }
        let rec = lock(&self.rows)
            .get(rowid)
            .filter(|(root, _)| *root == self.layout.root.0)
            .map(|(_, rec)| rec.clone());
        let Some(rec) = rec else {
            return self.load(false);
        };
        let pk = self.pk_of(&rec)?;
        let refs: Vec<ValueRef> = pk.iter().map(|v| v.as_ref()).collect();
        self.seek_pk(&refs)
    }
    fn seek_key(&mut self, key: &[ValueRef<'_>]) -> Result<bool> {
        self.seek_pk(key)
    }
    fn valid(&self) -> bool {
        self.inner.valid()
    }
    fn rowid(&self) -> i64 {
        if !self.track || !self.inner.valid() {
            return 0;
        }
        lock(&self.rows).register(self.layout.root, &self.buf)
    }
    fn payload(&self) -> Result<&[u8]> {
        Ok(&self.buf)
    }
    fn insert(&mut self, _rowid: i64, record: &[u8]) -> Result<()> {
        let pk = self.pk_of(record)?;
        let refs: Vec<ValueRef> = pk.iter().map(|v| v.as_ref()).collect();
        if self.seek_pk(&refs)? {
            self.inner.delete()?;
        }
        let mut tmp = std::mem::take(&mut self.tmp);
        let r = permute(record, &self.layout.order, &mut self.hdr, &mut tmp)
            .and_then(|_| self.inner.insert(&tmp));
        self.tmp = tmp;
        r?;
        self.load(true).map(|_| ())
    }
    fn delete(&mut self) -> Result<()> {
        self.inner.delete()?;
        self.buf.clear();
        Ok(())
    }
    fn max_rowid(&mut self) -> Result<Option<i64>> {
        Ok(None)
    }
    fn register_current(&mut self) -> i64 {
        if !self.track || !self.inner.valid() {
            return 0;
        }
        lock(&self.rows).register(self.layout.root, &self.buf)
    }
}

/// Open a cursor on a table: the table tree itself, or for a WITHOUT ROWID
/// table a [`WrCursor`] over its index tree.
pub fn open_table_cursor(
    store: &mut dyn Store,
    rows: &WrRegistry,
    root: PageNo,
    layout: Option<&Arc<WrLayout>>,
    track: bool,
) -> Result<Box<dyn TableCursor>> {
    match layout {
        None => store.table_cursor(root),
        Some(l) => {
            let inner = store.index_cursor(l.root, l.key_info.clone())?;
            Ok(Box::new(WrCursor {
                inner,
                layout: l.clone(),
                rows: rows.clone(),
                track,
                buf: Vec::new(),
                hdr: Vec::new(),
                tmp: Vec::new(),
            }))
        }
    }
}

/// PRIMARY KEY uniqueness of a WITHOUT ROWID table: the handle of another
/// row with the same key as `values`, if any, with SQLite's error.
pub fn pk_conflict(
    t: &Table,
    c: &mut dyn TableCursor,
    values: &[Value],
    self_handle: Option<i64>,
) -> Result<Option<(i64, Error)>> {
    let Some(pk) = &t.without_rowid else {
        return Ok(None);
    };
    let key: Vec<ValueRef> = pk
        .iter()
        .map(|p| {
            p.col
                .and_then(|i| values.get(i))
                .map_or(ValueRef::Null, |v| v.as_ref())
        })
        .collect();
    if !c.seek_key(&key)? {
        return Ok(None);
    }
    let h = c.register_current();
    if Some(h) == self_handle {
        return Ok(None);
    }
    let cols: Vec<String> = pk
        .iter()
        .filter_map(|p| p.col.and_then(|i| t.columns.get(i)))
        .map(|c| format!("{}.{}", t.name, c.name))
        .collect();
    Ok(Some((
        h,
        Error::new(
            super::write::CONSTRAINT_PRIMARYKEY,
            format!("UNIQUE constraint failed: {}", cols.join(", ")),
        ),
    )))
}

/// The handle of the row a secondary-index entry points at.
pub fn handle_from_entry(
    c: &mut dyn TableCursor,
    entry: &[u8],
    pk_pos: &[usize],
) -> Result<Option<i64>> {
    let r = RecordReader::new(entry)?;
    let mut key = Vec::with_capacity(pk_pos.len());
    for &p in pk_pos {
        key.push(if p < r.column_count() {
            r.column(p)?
        } else {
            ValueRef::Null
        });
    }
    if !c.seek_key(&key)? {
        return Ok(None);
    }
    Ok(Some(c.register_current()))
}

/// Values for the suffix of a secondary-index key (PRIMARY KEY columns the
/// index does not hold), taken from the row's values.
pub fn suffix_values(idx: &Index, t: &Table, values: &[Value], out: &mut Vec<Value>) {
    for s in suffix_columns(idx, t) {
        out.push(
            s.col
                .and_then(|i| values.get(i))
                .cloned()
                .unwrap_or(Value::Null),
        );
    }
}

/// After the planner picked an index for a WITHOUT ROWID table's scan, note
/// where the PRIMARY KEY columns sit in that index's entries.
pub fn set_index_pk_pos(
    scan: &mut super::source::TableScan,
    schema: &crate::schema::Schema,
    t: &Table,
) {
    let (Some(w), super::source::Access::Index(ia)) = (&mut scan.wr, &scan.access) else {
        return;
    };
    let idx = if ia.root == t.root {
        pk_index(t)
    } else {
        schema
            .indexes
            .get(&crate::schema::key(&ia.name))
            .map(|i| (**i).clone())
    };
    if let Some(idx) = idx {
        w.pk_pos = pk_positions(&idx, t);
    }
}

/// The primary-key index of WITHOUT ROWID table `table`, as the schema
/// names it (`sqlite_autoindex_T_N`).
pub fn schema_pk_index(schema: &crate::schema::Schema, table: &str) -> Option<Arc<Index>> {
    let t = schema.tables.get(&crate::schema::key(table))?;
    t.without_rowid.as_ref()?;
    schema
        .indexes
        .values()
        .find(|i| {
            i.origin == IndexOrigin::PrimaryKey
                && i.root == t.root
                && i.table.eq_ignore_ascii_case(&t.name)
        })
        .cloned()
}

/// PRAGMA index_xinfo rows after the key columns of an index on a WITHOUT
/// ROWID table: for the primary key the other table columns, for a
/// secondary index the PRIMARY KEY columns it appends (all with key = 0).
pub fn xinfo_tail(idx: &Index, t: &Table, rows: &mut Vec<Vec<Value>>) {
    let is_pk = idx.root == t.root && idx.origin == IndexOrigin::PrimaryKey;
    let extra: Vec<(usize, bool, String)> = if is_pk {
        (0..t.columns.len())
            .filter(|i| !idx.columns.iter().any(|c| c.col == Some(*i)))
            .map(|i| {
                let coll = t.columns[i].collation.clone();
                (i, false, coll.unwrap_or_else(|| "BINARY".to_string()))
            })
            .collect()
    } else {
        suffix_columns(idx, t)
            .iter()
            .filter_map(|c| Some((c.col?, c.desc, coll_of(t, c))))
            .collect()
    };
    for (i, desc, coll) in extra {
        let n = rows.len() as i64;
        rows.push(vec![
            Value::Integer(n),
            Value::Integer(i as i64),
            Value::Text(t.columns[i].name.clone().into_bytes()),
            Value::Integer(desc as i64),
            Value::Text(coll.into_bytes()),
            Value::Integer(0),
        ]);
    }
}

/// ALTER TABLE DROP COLUMN on a WITHOUT ROWID table: remove the (non-key)
/// column `ci` from every stored record. The key is unchanged, so the
/// entries keep their order; the tree is rebuilt from the new records.
pub fn drop_stored_column(store: &mut dyn Store, t: &Table, ci: usize) -> Result<()> {
    let Some(l) = WrLayout::of(t) else {
        return Ok(());
    };
    // A VIRTUAL column has no field to remove.
    let Some(&drop) = l.pos.get(field_of(t, ci)) else {
        return Ok(());
    };
    let mut rows = Vec::new();
    let mut hdr = Vec::new();
    {
        let mut c = store.index_cursor(l.root, l.key_info.clone())?;
        let mut ok = c.first()?;
        while ok {
            let key = c.key()?;
            let n = RecordReader::new(key)?.column_count();
            let map: Vec<usize> = (0..n).filter(|&k| k != drop).collect();
            let mut out = Vec::new();
            permute(key, &map, &mut hdr, &mut out)?;
            rows.push(out);
            ok = c.next()?;
        }
    }
    store.clear_tree(l.root)?;
    let mut c = store.index_cursor(l.root, l.key_info.clone())?;
    for r in rows {
        c.insert(&r)?;
    }
    Ok(())
}

/// Drop the handles of the previous run of a write statement (a handle
/// never outlives one execution; the statement's `Env` is reused).
pub fn forget_handles(env: &super::env::Env) {
    lock(&env.wr_rows).clear();
}
