//! Row writes with constraint enforcement and index maintenance, shared by
//! INSERT, UPDATE and DELETE. A row is handled as a full vector of column
//! values (the INTEGER PRIMARY KEY column holds the rowid) placed in the
//! writer's row slot, so CHECK constraints, partial-index conditions and
//! expression-index terms (compiled against that slot) can be evaluated.
//! Records store NULL in place of the rowid alias column, and an integral
//! value of a REAL column (within 6 bytes) as an integer, as SQLite does;
//! VIRTUAL generated columns are left out (exec/generated.rs).

use super::expr::{CExpr, Cx};
use crate::schema::{Index, Table};
use crate::sqlvalue::{apply_affinity, Affinity};
use crate::storage::{IndexCursor, KeyInfo, SeekOp, TableCursor};
use chorus_storage::record::{encode_record, RecordReader};
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use sqlite3_parser::ast::ResolveType;
use std::sync::Arc;

pub const CONSTRAINT_CHECK: ResultCode = ResultCode(19 | (1 << 8));
pub const CONSTRAINT_NOTNULL: ResultCode = ResultCode(19 | (5 << 8));
pub const CONSTRAINT_PRIMARYKEY: ResultCode = ResultCode(19 | (6 << 8));
pub const CONSTRAINT_UNIQUE: ResultCode = ResultCode(19 | (8 << 8));
pub const CONSTRAINT_ROWID: ResultCode = ResultCode(19 | (10 << 8));

pub struct IndexWriter {
    pub index: Arc<Index>,
    pub key_info: KeyInfo,
    /// Compiled expression per index column (None = plain column).
    pub exprs: Vec<Option<CExpr>>,
    pub partial: Option<CExpr>,
    cursor: Option<Box<dyn IndexCursor>>,
}

pub struct TableWriter {
    pub table: Arc<Table>,
    pub row_slot: usize,
    pub indexes: Vec<IndexWriter>,
    pub checks: Vec<(String, CExpr)>,
    pub defaults: Vec<Option<CExpr>>,
    /// Generated columns in computation order, compiled against the row
    /// slot (exec/generated.rs).
    pub gens: Vec<(usize, CExpr)>,
    /// RETURNING expressions, evaluated on the row slot after each write.
    pub returning: Vec<CExpr>,
    /// AUTOINCREMENT: the root of sqlite_sequence (exec/autoincrement.rs).
    pub autoinc: Option<chorus_storage::PageNo>,
    cursor: Option<Box<dyn TableCursor>>,
    buf: Vec<u8>,
    key_buf: Vec<u8>,
    /// The statement runs without a statement savepoint (stmt/dml.rs
    /// `single_write`, set by `Statement::start`): a failed write cannot be
    /// undone alone, so it rolls the transaction back (as SQLite does
    /// without a statement journal).
    pub unjournaled: bool,
}

/// What to do with a row after constraint checks.
pub enum Verdict {
    Write,
    Skip,
}

/// A constraint failure, with the conflict resolution that applies.
pub struct Violation {
    pub error: Error,
    pub resolve: ResolveType,
}

impl IndexWriter {
    pub fn new(
        index: Arc<Index>,
        key_info: KeyInfo,
        exprs: Vec<Option<CExpr>>,
        partial: Option<CExpr>,
    ) -> IndexWriter {
        IndexWriter {
            index,
            key_info,
            exprs,
            partial,
            cursor: None,
        }
    }
}

impl TableWriter {
    pub fn new(table: Arc<Table>, row_slot: usize) -> TableWriter {
        TableWriter {
            table,
            row_slot,
            indexes: Vec::new(),
            checks: Vec::new(),
            defaults: Vec::new(),
            gens: Vec::new(),
            returning: Vec::new(),
            autoinc: None,
            cursor: None,
            buf: Vec::new(),
            key_buf: Vec::new(),
            unjournaled: false,
        }
    }

    pub fn cursor(&mut self, cx: &mut Cx<'_>) -> Result<&mut Box<dyn TableCursor>> {
        if self.cursor.is_none() {
            let layout = super::without_rowid::WrLayout::of(&self.table);
            self.cursor = Some(super::without_rowid::open_table_cursor(
                &mut *cx.store,
                &cx.env.wr_rows,
                self.table.root,
                layout.as_ref(),
                true,
            )?);
        }
        self.cursor
            .as_mut()
            .ok_or_else(|| Error::new(ResultCode::INTERNAL, "cursor"))
    }

    /// Exchange the writer's table cursor with `c` (see `TableScan::swap_cursor`).
    pub fn swap_cursor(&mut self, c: &mut Option<Box<dyn TableCursor>>) {
        std::mem::swap(&mut self.cursor, c);
    }

    fn icursor<'a>(
        iw: &'a mut IndexWriter,
        cx: &mut Cx<'_>,
    ) -> Result<&'a mut Box<dyn IndexCursor>> {
        if iw.cursor.is_none() {
            iw.cursor = Some(cx.store.index_cursor(iw.index.root, iw.key_info.clone())?);
        }
        iw.cursor
            .as_mut()
            .ok_or_else(|| Error::new(ResultCode::INTERNAL, "cursor"))
    }

    /// Read row `rowid` as full column values; None if absent.
    pub fn read_row(&mut self, cx: &mut Cx<'_>, rowid: i64) -> Result<Option<Vec<Value>>> {
        let n = self.table.columns.len();
        let alias = self.table.rowid_alias;
        let table = self.table.clone();
        let c = self.cursor(cx)?;
        if !c.seek_rowid(rowid, SeekOp::Eq)? {
            return Ok(None);
        }
        let r = RecordReader::new(c.payload()?)?;
        let mut v = Vec::with_capacity(n);
        for i in 0..n {
            let Some(f) = super::generated::record_field(&table, i) else {
                // VIRTUAL: computed below.
                v.push(Value::Null);
                continue;
            };
            if Some(i) == alias {
                v.push(Value::Integer(rowid));
            } else if f >= r.column_count() {
                // A short record (ALTER TABLE ADD COLUMN): the default.
                v.push(crate::stmt::alter::column_default(&table.columns[i]));
            } else {
                v.push(match r.column(f)? {
                    // REAL columns may hold integral values stored as integers.
                    ValueRef::Integer(x) if table.columns[i].affinity == Affinity::Real => {
                        Value::Real(x as f64)
                    }
                    x => x.to_owned(),
                });
            }
        }
        if !self.gens.is_empty() {
            self.compute_generated(cx, &mut v, rowid, true)?;
        }
        Ok(Some(v))
    }

    /// Compute the generated columns of a full row in place (only the
    /// VIRTUAL ones with `only_virtual`, for a row read back), with their
    /// affinities; leaves the row in the row slot.
    pub fn compute_generated(
        &self,
        cx: &mut Cx<'_>,
        values: &mut [Value],
        rowid: i64,
        only_virtual: bool,
    ) -> Result<()> {
        self.set_slot(cx, values, rowid);
        for (c, e) in &self.gens {
            let Some(col) = self.table.columns.get(*c) else {
                continue;
            };
            if only_virtual && !super::generated::is_virtual(col) {
                continue;
            }
            let mut v = e.eval(cx)?;
            if col.affinity != Affinity::Blob {
                v = apply_affinity(v, col.affinity);
            }
            if let Some(s) = cx.env.slots[self.row_slot].values.get_mut(*c) {
                *s = v.clone();
            }
            if let Some(x) = values.get_mut(*c) {
                *x = v;
            }
        }
        Ok(())
    }

    /// Put a row in the row slot (for CHECK / index expressions). The
    /// slot's text and blob buffers are reused (no allocation per row).
    pub fn set_slot(&self, cx: &mut Cx<'_>, values: &[Value], rowid: i64) {
        let s = &mut cx.env.slots[self.row_slot];
        s.values.truncate(values.len());
        for (d, v) in s.values.iter_mut().zip(values) {
            assign_value(d, v);
        }
        let n = s.values.len();
        s.values.extend_from_slice(&values[n..]);
        s.rowid = rowid;
        s.materialized = true;
        s.null_row = false;
    }

    /// Apply column affinities in place.
    pub fn apply_affinities(&self, values: &mut [Value]) {
        for (i, c) in self.table.columns.iter().enumerate() {
            if Some(i) == self.table.rowid_alias {
                continue;
            }
            if c.affinity != Affinity::Blob {
                let v = std::mem::replace(&mut values[i], Value::Null);
                values[i] = apply_affinity(v, c.affinity);
            }
        }
    }

    /// NOT NULL and CHECK constraints. May replace NULLs by defaults (REPLACE).
    pub fn check(
        &self,
        cx: &mut Cx<'_>,
        values: &mut [Value],
        rowid: i64,
        or: Option<ResolveType>,
    ) -> std::result::Result<Verdict, Violation> {
        let t = &self.table;
        if !self.gens.is_empty() {
            self.compute_generated(cx, values, rowid, false)
                .map_err(|error| Violation {
                    error,
                    resolve: ResolveType::Abort,
                })?;
        }
        for (i, c) in t.columns.iter().enumerate() {
            if c.notnull && values[i].is_null() && Some(i) != t.rowid_alias {
                let resolve = or.or(t.notnull_conflict[i]).unwrap_or(ResolveType::Abort);
                match resolve {
                    ResolveType::Ignore => return Ok(Verdict::Skip),
                    ResolveType::Replace if self.defaults.get(i).is_some_and(|d| d.is_some()) => {
                        if let Some(Some(d)) = self.defaults.get(i) {
                            let v = d.eval(cx).map_err(|e| Violation {
                                error: e,
                                resolve: ResolveType::Abort,
                            })?;
                            values[i] = apply_affinity(v, c.affinity);
                        }
                        if values[i].is_null() {
                            return Err(Violation {
                                error: notnull_err(t, i),
                                resolve: ResolveType::Abort,
                            });
                        }
                    }
                    ResolveType::Replace => {
                        return Err(Violation {
                            error: notnull_err(t, i),
                            resolve: ResolveType::Abort,
                        })
                    }
                    r => {
                        return Err(Violation {
                            error: notnull_err(t, i),
                            resolve: r,
                        })
                    }
                }
            }
        }
        if !self.checks.is_empty() && !cx.env.facts.flags.ignore_check_constraints {
            self.set_slot(cx, values, rowid);
            for (name, e) in &self.checks {
                let v = e.eval(cx).map_err(|e| Violation {
                    error: e,
                    resolve: ResolveType::Abort,
                })?;
                if crate::exec::expr::truth(&v) == Some(false) {
                    let resolve = or.unwrap_or(ResolveType::Abort);
                    if resolve == ResolveType::Ignore {
                        return Ok(Verdict::Skip);
                    }
                    let resolve = if resolve == ResolveType::Replace {
                        ResolveType::Abort
                    } else {
                        resolve
                    };
                    return Err(Violation {
                        error: Error::new(
                            CONSTRAINT_CHECK,
                            format!("CHECK constraint failed: {name}"),
                        ),
                        resolve,
                    });
                }
            }
        }
        super::strict::type_check(t, values).map_err(|error| Violation {
            error,
            resolve: ResolveType::Abort,
        })?;
        Ok(Verdict::Write)
    }

    fn index_key(
        &self,
        k: usize,
        cx: &mut Cx<'_>,
        values: &[Value],
        rowid: i64,
    ) -> Result<Option<Vec<Value>>> {
        let iw = &self.indexes[k];
        if let Some(p) = &iw.partial {
            if !p.test(cx)? {
                return Ok(None);
            }
        }
        let mut key = Vec::with_capacity(iw.index.columns.len() + 1);
        for (ci, c) in iw.index.columns.iter().enumerate() {
            match (c.col, iw.exprs.get(ci).and_then(|e| e.as_ref())) {
                (_, Some(e)) => key.push(e.eval(cx)?),
                (Some(col), None) => {
                    if Some(col) == self.table.rowid_alias {
                        key.push(Value::Integer(rowid));
                    } else {
                        let v = values.get(col).cloned().unwrap_or(Value::Null);
                        let real = self.table.without_rowid.is_none()
                            && self.table.columns.get(col).map(|c| c.affinity)
                                == Some(Affinity::Real);
                        key.push(match real.then(|| stored_real(&v)).flatten() {
                            Some(i) => Value::Integer(i),
                            None => v,
                        });
                    }
                }
                (None, None) => key.push(Value::Null),
            }
        }
        if self.table.without_rowid.is_some() {
            super::without_rowid::suffix_values(&iw.index, &self.table, values, &mut key);
        } else {
            key.push(Value::Integer(rowid));
        }
        Ok(Some(key))
    }

    /// Rows that conflict with `values` on the rowid or a UNIQUE index,
    /// ignoring `self_rowid` (the row being updated).
    #[allow(clippy::type_complexity)]
    pub fn conflicts(
        &mut self,
        cx: &mut Cx<'_>,
        values: &[Value],
        rowid: i64,
        self_rowid: Option<i64>,
        rowid_checked: bool,
    ) -> Result<Vec<(i64, Error, Option<ResolveType>, Option<Arc<Index>>)>> {
        let mut out = Vec::new();
        if self.table.without_rowid.is_some() {
            let t = self.table.clone();
            let c = self.cursor(cx)?;
            if let Some((h, e)) =
                super::without_rowid::pk_conflict(&t, &mut **c, values, self_rowid)?
            {
                let pk = super::without_rowid::pk_index(&t).map(Arc::new);
                out.push((h, e, t.pk_conflict, pk));
            }
        } else if rowid_checked && self_rowid != Some(rowid) {
            let t = self.table.clone();
            let c = self.cursor(cx)?;
            if c.seek_rowid(rowid, SeekOp::Eq)? {
                let msg = match t.rowid_alias {
                    Some(a) => {
                        format!("UNIQUE constraint failed: {}.{}", t.name, t.columns[a].name)
                    }
                    None => format!("UNIQUE constraint failed: {}.rowid", t.name),
                };
                let code = if t.rowid_alias.is_some() {
                    CONSTRAINT_PRIMARYKEY
                } else {
                    CONSTRAINT_ROWID
                };
                out.push((rowid, Error::new(code, msg), t.pk_conflict, None));
            }
        }
        if self.indexes.iter().any(|iw| iw.index.unique) {
            // Index expressions and partial-index conditions read the slot.
            self.set_slot(cx, values, rowid);
        }
        for k in 0..self.indexes.len() {
            if !self.indexes[k].index.unique {
                continue;
            }
            let Some(key) = self.index_key(k, cx, values, rowid)? else {
                continue;
            };
            let ncols = self.indexes[k].index.columns.len().min(key.len());
            if key[..ncols].iter().any(|v| v.is_null()) {
                continue;
            }
            let iw = &mut self.indexes[k];
            let kref: Vec<ValueRef> = key[..ncols].iter().map(|v| v.as_ref()).collect();
            let ki = iw.key_info.clone();
            let index = iw.index.clone();
            let c = Self::icursor(iw, cx)?;
            let mut found = c.seek(&kref, SeekOp::Eq)?;
            // Entries with the same key: rowids, or (WITHOUT ROWID) the
            // entries themselves, resolved to row handles below.
            let mut same: Vec<std::result::Result<i64, Vec<u8>>> = Vec::new();
            while found {
                let entry = c.key()?;
                if chorus_storage::record::compare_unpacked(
                    &kref,
                    entry,
                    &ki,
                    std::cmp::Ordering::Equal,
                )? != std::cmp::Ordering::Equal
                {
                    break;
                }
                if self.table.without_rowid.is_some() {
                    same.push(Err(entry.to_vec()));
                } else {
                    let r = RecordReader::new(entry)?;
                    match r.column(r.column_count().saturating_sub(1))? {
                        ValueRef::Integer(i) => same.push(Ok(i)),
                        _ => break,
                    }
                }
                found = c.next()?;
            }
            for cand in same {
                let other = match cand {
                    Ok(i) => i,
                    Err(entry) => {
                        let pos = super::without_rowid::pk_positions(&index, &self.table);
                        let tc = self.cursor(cx)?;
                        match super::without_rowid::handle_from_entry(&mut **tc, &entry, &pos)? {
                            Some(h) => h,
                            None => continue,
                        }
                    }
                };
                if Some(other) != self_rowid {
                    out.push((
                        other,
                        unique_error(&self.table, &index),
                        index.on_conflict,
                        Some(index.clone()),
                    ));
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Write the row and its index entries.
    pub fn insert(&mut self, cx: &mut Cx<'_>, values: &[Value], rowid: i64) -> Result<()> {
        self.write_record(cx, values, rowid)?;
        for k in 0..self.indexes.len() {
            self.insert_index_entry(k, cx, values, rowid)?;
        }
        Ok(())
    }

    /// Write the table row (insert or overwrite) and leave it in the row slot.
    fn write_record(&mut self, cx: &mut Cx<'_>, values: &[Value], rowid: i64) -> Result<()> {
        self.buf.clear();
        let alias = self.table.rowid_alias;
        let mut buf = std::mem::take(&mut self.buf);
        if self.table.gen.is_some() {
            // VIRTUAL generated columns are not stored.
            let table = &self.table;
            let refs: Vec<ValueRef> = values
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    table.gen.is_none()
                        || !table
                            .columns
                            .get(*i)
                            .is_some_and(super::generated::is_virtual)
                })
                .map(|(i, v)| {
                    if Some(i) == alias {
                        ValueRef::Null
                    } else {
                        stored_ref(table, i, v)
                    }
                })
                .collect();
            encode_record(&refs, &mut buf);
        } else {
            let table = &self.table;
            with_refs(
                values.len(),
                |i| match values.get(i) {
                    Some(_) if Some(i) == alias => ValueRef::Null,
                    Some(v) => stored_ref(table, i, v),
                    None => ValueRef::Null,
                },
                |refs| encode_record(refs, &mut buf),
            );
        }
        let r = self.cursor(cx).and_then(|c| c.insert(rowid, &buf));
        self.buf = buf;
        r?;
        self.set_slot(cx, values, rowid);
        Ok(())
    }

    /// Add the row's entry to index `k` (the row slot holds the row).
    fn insert_index_entry(
        &mut self,
        k: usize,
        cx: &mut Cx<'_>,
        values: &[Value],
        rowid: i64,
    ) -> Result<()> {
        let mut kb = std::mem::take(&mut self.key_buf);
        kb.clear();
        let r = match self.index_entry(k, cx, values, rowid, &mut kb) {
            Ok(true) => self.insert_index_record(k, cx, &kb),
            other => other.map(|_| ()),
        };
        self.key_buf = kb;
        r
    }

    /// Append the record of the row's entry in index `k` to `out` (the row
    /// slot holds the row when the index has expressions or a WHERE):
    /// false when a partial index leaves the row out.
    pub fn index_entry(
        &self,
        k: usize,
        cx: &mut Cx<'_>,
        values: &[Value],
        rowid: i64,
        out: &mut Vec<u8>,
    ) -> Result<bool> {
        if self.plain(k) {
            // Plain columns and the rowid: the key borrows the row's values.
            plain_key(&self.indexes[k].index, &self.table, values, rowid, |refs| {
                encode_record(refs, out)
            });
        } else {
            let Some(key) = self.index_key(k, cx, values, rowid)? else {
                return Ok(false);
            };
            let refs: Vec<ValueRef> = key.iter().map(|v| v.as_ref()).collect();
            encode_record(&refs, out);
        }
        Ok(true)
    }

    /// Whether index `k` holds an entry whose leading fields equal `key`.
    pub fn index_has_key(&mut self, k: usize, cx: &mut Cx<'_>, key: &[ValueRef]) -> Result<bool> {
        let ki = self.indexes[k].key_info.clone();
        let c = Self::icursor(&mut self.indexes[k], cx)?;
        if !c.seek(key, SeekOp::Eq)? {
            return Ok(false);
        }
        let entry = c.key()?;
        Ok(
            chorus_storage::record::compare_unpacked(key, entry, &ki, std::cmp::Ordering::Equal)?
                == std::cmp::Ordering::Equal,
        )
    }

    /// The entry of plain index `k` (see `plain`) for the row `rowid` whose
    /// table record is `rec`, built from the record's fields without
    /// decoding the row into values (CREATE INDEX's scan); the same bytes
    /// as `index_entry`. False, with nothing written, when the index is not
    /// plain, a key column is VIRTUAL, or the record is short (ALTER TABLE
    /// ADD COLUMN): then the caller reads the row and uses `index_entry`.
    pub fn plain_entry_from_record(
        &self,
        k: usize,
        rec: &[u8],
        rowid: i64,
        out: &mut Vec<u8>,
    ) -> Result<bool> {
        const STACK: usize = 32;
        let index = &self.indexes[k].index;
        let n = index.columns.len() + 1;
        if !self.plain(k) || n > STACK {
            return Ok(false);
        }
        let t = &self.table;
        let r = RecordReader::new(rec)?;
        let mut key = [ValueRef::Null; STACK];
        for (slot, c) in key.iter_mut().zip(&index.columns) {
            let Some(col) = c.col else {
                return Ok(false);
            };
            if Some(col) == t.rowid_alias {
                *slot = ValueRef::Integer(rowid);
                continue;
            }
            let Some(f) = super::generated::record_field(t, col) else {
                return Ok(false);
            };
            if f >= r.column_count() {
                return Ok(false);
            }
            let real = t.columns.get(col).map(|c| c.affinity) == Some(Affinity::Real);
            // As `read_row` then `stored_ref`: a REAL column's value as a
            // double, stored as an integer when integral and small.
            let as_real = |x: f64| match stored_real(&Value::Real(x)) {
                Some(i) => ValueRef::Integer(i),
                None => ValueRef::Real(x),
            };
            *slot = match r.column(f)? {
                ValueRef::Integer(x) if real => as_real(x as f64),
                ValueRef::Real(x) if real => as_real(x),
                v => v,
            };
        }
        key[n - 1] = ValueRef::Integer(rowid);
        encode_record(&key[..n], out);
        Ok(true)
    }

    /// Index `k`'s cursor (opened on first use).
    pub fn index_cursor(&mut self, k: usize, cx: &mut Cx<'_>) -> Result<&mut Box<dyn IndexCursor>> {
        Self::icursor(&mut self.indexes[k], cx)
    }

    /// Insert an entry record (from `index_entry`) into index `k`.
    pub fn insert_index_record(&mut self, k: usize, cx: &mut Cx<'_>, rec: &[u8]) -> Result<()> {
        Self::icursor(&mut self.indexes[k], cx)?.insert(rec)
    }

    /// Is index `k`'s key made of plain columns and the rowid only (no
    /// expression, no partial-index condition, a rowid table)? Then it is
    /// read straight from a row's values (`plain_key`).
    fn plain(&self, k: usize) -> bool {
        let iw = &self.indexes[k];
        iw.partial.is_none()
            && iw.exprs.iter().all(|e| e.is_none())
            && self.table.without_rowid.is_none()
    }

    /// Delete the entry of plain index `k` for the row `values`.
    fn delete_plain_entry(
        &mut self,
        k: usize,
        cx: &mut Cx<'_>,
        values: &[Value],
        rowid: i64,
    ) -> Result<()> {
        let index = self.indexes[k].index.clone();
        let c = Self::icursor(&mut self.indexes[k], cx)?;
        plain_key(&index, &self.table, values, rowid, |refs| {
            if c.seek(refs, SeekOp::Eq)? {
                c.delete()?;
            }
            Ok(())
        })
    }

    /// Delete the row and its index entries (values = the row's current values).
    /// The table row goes first: the writer's cursor is usually still on it
    /// (`read_row` just found it), so no descent is needed; index entries
    /// are found by their keys, built from `values`.
    pub fn delete(&mut self, cx: &mut Cx<'_>, values: &[Value], rowid: i64) -> Result<()> {
        self.set_slot(cx, values, rowid);
        let c = self.cursor(cx)?;
        if c.seek_rowid(rowid, SeekOp::Eq)? {
            c.delete()?;
        }
        for k in 0..self.indexes.len() {
            if self.plain(k) {
                self.delete_plain_entry(k, cx, values, rowid)?;
                continue;
            }
            let Some(key) = self.index_key(k, cx, values, rowid)? else {
                continue;
            };
            let refs: Vec<ValueRef> = key.iter().map(|v| v.as_ref()).collect();
            let c = Self::icursor(&mut self.indexes[k], cx)?;
            if c.seek(&refs, SeekOp::Eq)? {
                c.delete()?;
            }
        }
        Ok(())
    }

    /// Replace row `rowid` (keeping its rowid) from `old` to `new` values:
    /// the record is overwritten in place and only the index entries whose
    /// key changes are deleted and re-inserted.
    pub fn update(
        &mut self,
        cx: &mut Cx<'_>,
        old: &[Value],
        new: &[Value],
        rowid: i64,
    ) -> Result<()> {
        let mut changed = Vec::with_capacity(self.indexes.len());
        for k in 0..self.indexes.len() {
            if self.plain(k) {
                // Same key iff its columns hold the same values (the rowid
                // stays): compared in place, no keys built.
                let same = self.indexes[k].index.columns.iter().all(|c| match c.col {
                    Some(col) => old.get(col) == new.get(col),
                    None => true,
                });
                changed.push(!same);
                if !same {
                    self.delete_plain_entry(k, cx, old, rowid)?;
                }
                continue;
            }
            self.set_slot(cx, old, rowid);
            let before = self.index_key(k, cx, old, rowid)?;
            self.set_slot(cx, new, rowid);
            let after = self.index_key(k, cx, new, rowid)?;
            if before == after {
                changed.push(false);
                continue;
            }
            changed.push(true);
            if let Some(key) = before {
                let refs: Vec<ValueRef> = key.iter().map(|v| v.as_ref()).collect();
                let c = Self::icursor(&mut self.indexes[k], cx)?;
                if c.seek(&refs, SeekOp::Eq)? {
                    c.delete()?;
                }
            }
        }
        self.write_record(cx, new, rowid)?;
        for k in 0..self.indexes.len() {
            if !changed.get(k).copied().unwrap_or(true) {
                continue;
            }
            self.insert_index_entry(k, cx, new, rowid)?;
        }
        Ok(())
    }

    /// RETURNING row for the row now in the row slot.
    pub fn returning_row(&self, cx: &mut Cx<'_>) -> Result<Option<Vec<Value>>> {
        if self.returning.is_empty() {
            return Ok(None);
        }
        let mut row = Vec::with_capacity(self.returning.len());
        for e in &self.returning {
            row.push(e.eval(cx)?);
        }
        Ok(Some(row))
    }

    /// A new rowid: one more than the largest (or a free one if that overflows).
    pub fn new_rowid(&mut self, cx: &mut Cx<'_>) -> Result<i64> {
        if self.table.without_rowid.is_some() {
            return Ok(0);
        }
        if let Some(seq) = self.autoinc {
            let max = self.cursor(cx)?.max_rowid()?;
            let name = self.table.name.clone();
            return super::autoincrement::next_rowid(&mut *cx.store, seq, &name, max);
        }
        let c = self.cursor(cx)?;
        match c.max_rowid()? {
            None => Ok(1),
            Some(m) if m < i64::MAX => Ok(m + 1),
            Some(_) => {
                let mut probe: i64 = 1;
                for _ in 0..1000 {
                    if !c.seek_rowid(probe, SeekOp::Eq)? {
                        return Ok(probe);
                    }
                    probe = probe
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407)
                        .abs()
                        .max(1);
                }
                Err(Error::new(ResultCode::FULL, "database or disk is full"))
            }
        }
    }
}

/// SQLite stores an integral value of a REAL column that fits in 6 bytes as
/// an integer (OP_MakeRecord's MEM_IntReal), in the table record and in
/// index keys; it reads back as REAL (`Slot::real_cols`).
fn stored_real(v: &Value) -> Option<i64> {
    const MAX_6BYTE: i64 = (1 << 47) - 1;
    let Value::Real(f) = v else { return None };
    let i = *f as i64;
    (i as f64 == *f && (-MAX_6BYTE..=MAX_6BYTE).contains(&i)).then_some(i)
}

/// Column `i` of a rowid table's row as stored in its record or an index
/// key: an integral REAL value as an integer ([`stored_real`]).
#[inline]
fn stored_ref<'v>(table: &Table, i: usize, v: &'v Value) -> ValueRef<'v> {
    if let Value::Real(_) = v {
        if table.without_rowid.is_none()
            && table.columns.get(i).map(|c| c.affinity) == Some(Affinity::Real)
        {
            if let Some(x) = stored_real(v) {
                return ValueRef::Integer(x);
            }
        }
    }
    v.as_ref()
}

/// `*dst = src.clone()`, reusing `dst`'s text or blob buffer.
pub fn assign_value(dst: &mut Value, src: &Value) {
    let bytes = match src {
        Value::Text(s) | Value::Blob(s) => s,
        other => {
            *dst = other.clone();
            return;
        }
    };
    let mut buf = match std::mem::replace(dst, Value::Null) {
        Value::Text(b) | Value::Blob(b) => b,
        _ => Vec::new(),
    };
    buf.clear();
    buf.extend_from_slice(bytes);
    *dst = match src {
        Value::Text(_) => Value::Text(buf),
        _ => Value::Blob(buf),
    };
}

/// Call `f` with the `n` values `get(0..n)`, gathered on the stack when
/// they are few (no allocation per row for ordinary tables and indexes).
fn with_refs<'v, R>(
    n: usize,
    get: impl Fn(usize) -> ValueRef<'v>,
    f: impl FnOnce(&[ValueRef<'v>]) -> R,
) -> R {
    const STACK: usize = 32;
    if n <= STACK {
        let mut arr = [ValueRef::Null; STACK];
        for (i, r) in arr.iter_mut().enumerate().take(n) {
            *r = get(i);
        }
        f(&arr[..n])
    } else {
        let v: Vec<ValueRef<'v>> = (0..n).map(get).collect();
        f(&v)
    }
}

/// Call `f` with the key of a plain index (`TableWriter::plain`) for a row
/// of a rowid table: its columns' values, then the rowid.
fn plain_key<'v, R>(
    index: &Index,
    table: &Table,
    values: &'v [Value],
    rowid: i64,
    f: impl FnOnce(&[ValueRef<'v>]) -> R,
) -> R {
    let (cols, alias) = (&index.columns, table.rowid_alias);
    with_refs(
        cols.len() + 1,
        |i| match cols.get(i).map(|c| c.col) {
            Some(Some(col)) if Some(col) == alias => ValueRef::Integer(rowid),
            Some(Some(col)) => values
                .get(col)
                .map_or(ValueRef::Null, |v| stored_ref(table, col, v)),
            Some(None) => ValueRef::Null,
            None => ValueRef::Integer(rowid),
        },
        f,
    )
}

/// SQLite's error for two rows with one key in UNIQUE index `index`.
pub fn unique_error(t: &Table, index: &Index) -> Error {
    let msg = if index.columns.iter().any(|c| c.col.is_none()) {
        format!("UNIQUE constraint failed: index '{}'", index.name)
    } else {
        let cols: Vec<String> = index
            .columns
            .iter()
            .filter_map(|c| c.col.and_then(|i| t.columns.get(i)))
            .map(|c| format!("{}.{}", t.name, c.name))
            .collect();
        format!("UNIQUE constraint failed: {}", cols.join(", "))
    };
    let code = if index.origin == crate::schema::IndexOrigin::PrimaryKey {
        CONSTRAINT_PRIMARYKEY
    } else {
        CONSTRAINT_UNIQUE
    };
    Error::new(code, msg)
}

fn notnull_err(t: &Table, i: usize) -> Error {
    Error::new(
        CONSTRAINT_NOTNULL,
        format!(
            "NOT NULL constraint failed: {}.{}",
            t.name, t.columns[i].name
        ),
    )
}
