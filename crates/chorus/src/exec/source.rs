//! Row sources of a FROM clause: table scans (full, by rowid, through an
//! index), materialised subqueries, and nested-loop joins. Each pulls rows
//! into its slot(s) of the environment; `next` returns false when exhausted.

use super::expr::{CExpr, Cx};
use super::select::SelectPlan;
use crate::sqlvalue::{apply_affinity, Affinity};
use crate::storage::{IndexCursor, KeyInfo, SeekOp, TableCursor};
use chorus_storage::record::{compare_unpacked, RecordReader};
use chorus_storage::value::{binary_collation, compare_values};
use chorus_storage::{PageNo, Result, Value, ValueRef};
use std::cmp::Ordering;
use std::sync::Arc;

/// The value(s) an equality seek key takes.
pub enum EqKey {
    /// `col = expr`.
    Expr(CExpr),
    /// `col IS expr`: as `=`, but NULL seeks the NULL entries.
    Is(CExpr),
    /// `col IN (e1, e2, ...)`: each value, in index order, once.
    List(Vec<CExpr>),
    /// `col IN (SELECT ...)` (uncorrelated): the whole term, whose
    /// subquery's rows are the values; it is tested again on each row
    /// found (the WHERE clause no longer holds it).
    Sub(Box<CExpr>),
}

impl EqKey {
    /// The key's values (unconverted, NULLs included) appended to `out`.
    pub fn values(&self, cx: &mut Cx<'_>, out: &mut Vec<Value>) -> Result<()> {
        match self {
            EqKey::Expr(e) | EqKey::Is(e) => out.push(e.eval(cx)?),
            EqKey::List(list) => {
                for e in list {
                    out.push(e.eval(cx)?);
                }
            }
            EqKey::Sub(term) => super::expr::in_sub_keys(term, cx, out)?,
        }
        Ok(())
    }

    /// The expressions the key evaluates (for EXPLAIN QUERY PLAN's walk).
    pub fn exprs(&self) -> Vec<&CExpr> {
        match self {
            EqKey::Expr(e) | EqKey::Is(e) => vec![e],
            EqKey::List(l) => l.iter().collect(),
            EqKey::Sub(t) => vec![&**t],
        }
    }

    /// The IN-subquery term to test on each row found.
    fn recheck(&self) -> Option<&CExpr> {
        match self {
            EqKey::Sub(t) => Some(t),
            _ => None,
        }
    }
}

pub struct IndexAccess {
    pub root: PageNo,
    pub key_info: KeyInfo,
    /// Equality terms on the leading index columns (value, column affinity).
    pub eq: Vec<(EqKey, Affinity)>,
    /// Range on the next column: (expr, inclusive, affinity).
    pub lo: Option<(CExpr, bool, Affinity)>,
    pub hi: Option<(CExpr, bool, Affinity)>,
    /// Index name and column names (for EXPLAIN QUERY PLAN).
    pub name: String,
    pub col_names: Vec<String>,
    /// Some key column is an expression or a VIRTUAL generated column
    /// (SQLite's plan ids count one more instruction for such a loop).
    pub expr_keys: bool,
}

impl IndexAccess {
    /// Whether a key column takes several values (an IN term).
    pub fn has_in(&self) -> bool {
        self.eq
            .iter()
            .any(|(k, _)| matches!(k, EqKey::List(_) | EqKey::Sub(_)))
    }
}

pub enum Access {
    Full,
    RowidEq(CExpr),
    /// `rowid IN (...)`: each listed rowid, ascending, once.
    RowidIn(EqKey),
    RowidRange {
        lo: Option<(CExpr, bool)>,
        hi: Option<(CExpr, bool)>,
    },
    Index(Box<IndexAccess>),
}

pub struct TableScan {
    /// Table name or alias (for EXPLAIN QUERY PLAN).
    pub label: String,
    pub slot: usize,
    pub root: PageNo,
    pub rowid_alias: Option<usize>,
    /// Columns with REAL affinity (see `Slot::real_cols`).
    pub real_cols: Arc<[bool]>,
    /// Defaults of columns a short record lacks (see `Slot::defaults`).
    pub defaults: Arc<[Value]>,
    /// Record field per column (see `Slot::colmap`; exec/generated.rs).
    pub colmap: Arc<[usize]>,
    pub access: Access,
    /// Conjuncts of WHERE/ON that read earlier tables too.
    pub filter: Option<CExpr>,
    /// Conjuncts that read only this table (and constants): their result is
    /// the same on every pass, so a full scan caches the rows that pass.
    pub local: Option<CExpr>,
    /// WITHOUT ROWID table (exec/without_rowid.rs).
    pub wr: Option<super::without_rowid::WrScan>,
    /// Covering index scan (plan/covering.rs): the index entry is the row,
    /// read through this map from table column to entry field
    /// (`usize::MAX`: a column the index lacks, never read); the table
    /// itself is not visited.
    pub covering: Option<Arc<[usize]>>,
    /// The rowid of the current covering-index entry (its last field).
    cover_rowid: i64,
    /// An ORDER BY relies on this scan's order (the access must stay).
    pub ordered: bool,
    /// The min()/max() seek (plan/min_max.rs): the scan ends after the
    /// first row that passes the filters and whose column `Some(col)` (if
    /// any) is not NULL.
    pub one_row: Option<Option<usize>>,
    /// `NOT INDEXED`: only rowid access paths.
    pub not_indexed: bool,
    /// Walk the table or index backwards (an ORDER BY the scan satisfies,
    /// plan/order_index.rs). An index walk then starts at the end of the
    /// key's (and range's) entries and stops below them.
    pub reverse: bool,
    lo_key: Option<(Vec<Value>, bool)>,
    /// A backwards rowid range's lower bound.
    rowid_lo: Option<(i64, bool)>,
    /// `rowid IN`: the rowids to visit and the next one's position.
    rowid_in: Vec<i64>,
    rowid_in_pos: usize,
    /// Index IN access: candidate values per key column (in index order)
    /// and the current combination's positions.
    in_vals: Vec<Vec<Value>>,
    in_pos: Vec<usize>,
    in_buf: Vec<Value>,
    /// Range bounds of an index access, evaluated when the scan starts.
    lo_val: Option<(Value, bool)>,
    hi_val: Option<(Value, bool)>,
    cache: Vec<(i64, Vec<u8>)>,
    cache_complete: bool,
    cache_pos: usize,
    /// Passes opened since the last `reset_cache`: rows are cached from the
    /// second pass on (a scan run once, like the outer side of a join, never
    /// replays, so copying its rows would be wasted).
    passes: u32,
    /// Whether `local` reads only the rowid (computed on first use): the
    /// row's record is then copied into the slot only for rows that pass.
    local_rowid_only: Option<bool>,
    cur: Option<Box<dyn TableCursor>>,
    icur: Option<Box<dyn IndexCursor>>,
    started: bool,
    done: bool,
    key: Vec<Value>,
    hi_key: Option<(Vec<Value>, bool)>,
    rowid_hi: Option<(i64, bool)>,
    /// Header table of the index entry being read (allocation reused per row).
    rec_hdr: Vec<(u64, usize)>,
}

impl TableScan {
    pub fn new(slot: usize, root: PageNo, rowid_alias: Option<usize>, access: Access) -> TableScan {
        TableScan {
            label: String::new(),
            slot,
            root,
            rowid_alias,
            real_cols: Arc::from([]),
            defaults: Arc::from([]),
            colmap: Arc::from([]),
            access,
            filter: None,
            local: None,
            wr: None,
            covering: None,
            cover_rowid: 0,
            not_indexed: false,
            ordered: false,
            one_row: None,
            reverse: false,
            lo_key: None,
            rowid_lo: None,
            rowid_in: Vec::new(),
            rowid_in_pos: 0,
            in_vals: Vec::new(),
            in_pos: Vec::new(),
            in_buf: Vec::new(),
            lo_val: None,
            hi_val: None,
            cache: Vec::new(),
            cache_complete: false,
            cache_pos: 0,
            passes: 0,
            local_rowid_only: None,
            cur: None,
            icur: None,
            started: false,
            done: false,
            key: Vec::new(),
            hi_key: None,
            rowid_hi: None,
            rec_hdr: Vec::new(),
        }
    }

    fn load(&mut self, cx: &mut Cx<'_>) -> Result<()> {
        if let Some(map) = &self.covering {
            let Some(ic) = self.icur.as_ref() else {
                return Ok(());
            };
            let s = &mut cx.env.slots[self.slot];
            s.rowid = self.cover_rowid;
            s.set_payload(ic.key()?);
            s.materialized = false;
            s.null_row = false;
            s.rowid_alias = self.rowid_alias;
            if !Arc::ptr_eq(&s.real_cols, &self.real_cols) {
                s.real_cols = self.real_cols.clone();
            }
            if !s.defaults.is_empty() {
                s.defaults = Arc::from([]);
            }
            if !Arc::ptr_eq(&s.colmap, map) {
                s.colmap = map.clone();
            }
            return Ok(());
        }
        let Some(c) = self.cur.as_ref() else {
            return Ok(());
        };
        let s = &mut cx.env.slots[self.slot];
        s.rowid = c.rowid();
        s.set_payload(c.payload()?);
        s.materialized = false;
        s.null_row = false;
        s.rowid_alias = self.rowid_alias;
        if !Arc::ptr_eq(&s.real_cols, &self.real_cols) {
            s.real_cols = self.real_cols.clone();
        }
        if !Arc::ptr_eq(&s.defaults, &self.defaults) {
            s.defaults = self.defaults.clone();
        }
        if !Arc::ptr_eq(&s.colmap, &self.colmap) {
            s.colmap = self.colmap.clone();
        }
        Ok(())
    }

    /// Like `load` but only the rowid: the slot's record is left empty.
    fn load_rowid(&mut self, cx: &mut Cx<'_>) {
        let rowid = if self.covering.is_some() {
            self.cover_rowid
        } else {
            let Some(c) = self.cur.as_ref() else {
                return;
            };
            c.rowid()
        };
        let s = &mut cx.env.slots[self.slot];
        s.rowid = rowid;
        s.set_payload(&[]);
        s.materialized = false;
        s.null_row = false;
        s.rowid_alias = self.rowid_alias;
    }

    /// Whether the local filter reads nothing but the rowid of this table.
    fn local_reads_only_rowid(&mut self) -> bool {
        let (slot, alias) = (self.slot, self.rowid_alias);
        let wr = self.wr.is_some();
        match &self.local {
            Some(f) => *self
                .local_rowid_only
                .get_or_insert_with(|| !wr && f.reads_only_rowid(slot, alias)),
            None => false,
        }
    }

    /// Integer value for a rowid comparison, or None when no row can match.
    fn rowid_of(v: Value) -> Option<RowidKey> {
        match apply_affinity(v, Affinity::Numeric) {
            Value::Integer(i) => Some(RowidKey::Int(i)),
            Value::Real(r) => Some(RowidKey::Real(r)),
            Value::Null => None,
            _ => Some(RowidKey::Text),
        }
    }

    /// Exchange this scan's table cursor with `c`. UPDATE and DELETE lend
    /// their writer's cursor to a scan of their own rowid table
    /// (stmt/dml.rs `collect_rowids`), so the writer finds each row where
    /// the scan left it, without a second descent from the root.
    pub fn swap_cursor(&mut self, c: &mut Option<Box<dyn TableCursor>>) {
        std::mem::swap(&mut self.cur, c);
    }

    fn start(&mut self, cx: &mut Cx<'_>) -> Result<bool> {
        if self.cur.is_none() {
            let (layout, track) = match &self.wr {
                Some(w) => (Some(&w.layout), w.track),
                None => (None, false),
            };
            self.cur = Some(super::without_rowid::open_table_cursor(
                &mut *cx.store,
                &cx.env.wr_rows,
                self.root,
                layout,
                track,
            )?);
        }
        self.rowid_hi = None;
        match &self.access {
            Access::Full => {
                let rev = self.reverse;
                let c = self
                    .cur
                    .as_mut()
                    .map(|c| if rev { c.last() } else { c.first() })
                    .transpose()?;
                Ok(c.unwrap_or(false))
            }
            Access::RowidEq(e) => {
                let v = e.eval(cx)?;
                let Some(RowidKey::Int(r)) = Self::rowid_of(v) else {
                    return Ok(false);
                };
                self.done_after_first();
                Ok(self
                    .cur
                    .as_mut()
                    .map(|c| c.seek_rowid(r, SeekOp::Eq))
                    .transpose()?
                    .unwrap_or(false))
            }
            Access::RowidRange { lo, hi } if self.reverse => {
                // Walking down: start at the upper bound, stop below the lower.
                self.rowid_lo = None;
                if let Some((e, incl)) = lo {
                    let v = e.eval(cx)?;
                    match Self::rowid_of(v) {
                        None | Some(RowidKey::Text) => return Ok(false),
                        Some(RowidKey::Int(i)) => self.rowid_lo = Some((i, *incl)),
                        Some(RowidKey::Real(r)) => {
                            if r > 9.2e18 {
                                return Ok(false);
                            } else if r >= -9.2e18 {
                                let c = r.ceil() as i64;
                                self.rowid_lo = Some((c, *incl || (c as f64) != r));
                            }
                        }
                    }
                }
                let c = self
                    .cur
                    .as_mut()
                    .ok_or_else(|| crate::plan::bind::err("cursor"))?;
                match hi {
                    None => c.last(),
                    Some((e, incl)) => {
                        let v = e.eval(cx)?;
                        match Self::rowid_of(v) {
                            None => Ok(false),
                            Some(RowidKey::Int(i)) => {
                                c.seek_rowid(i, if *incl { SeekOp::Le } else { SeekOp::Lt })
                            }
                            Some(RowidKey::Real(r)) => {
                                if r >= 9.2e18 {
                                    c.last()
                                } else if r < -9.2e18 {
                                    Ok(false)
                                } else {
                                    let f = r.floor() as i64;
                                    let op = if (f as f64) == r && !*incl {
                                        SeekOp::Lt
                                    } else {
                                        SeekOp::Le
                                    };
                                    c.seek_rowid(f, op)
                                }
                            }
                            Some(RowidKey::Text) => c.last(),
                        }
                    }
                }
            }
            Access::RowidRange { lo, hi } => {
                if let Some((e, incl)) = hi {
                    let v = e.eval(cx)?;
                    match Self::rowid_of(v) {
                        None => return Ok(false),
                        Some(RowidKey::Int(i)) => self.rowid_hi = Some((i, *incl)),
                        Some(RowidKey::Real(r)) => {
                            if r >= 9.2e18 {
                                self.rowid_hi = None;
                            } else if r < -9.2e18 {
                                return Ok(false);
                            } else {
                                let f = r.floor() as i64;
                                self.rowid_hi = Some((f, *incl || (f as f64) != r));
                            }
                        }
                        Some(RowidKey::Text) => self.rowid_hi = None,
                    }
                }
                let c = self
                    .cur
                    .as_mut()
                    .ok_or_else(|| crate::plan::bind::err("cursor"))?;
                match lo {
                    None => c.first(),
                    Some((e, incl)) => {
                        let v = e.eval(cx)?;
                        match Self::rowid_of(v) {
                            None => Ok(false),
                            Some(RowidKey::Int(i)) => {
                                c.seek_rowid(i, if *incl { SeekOp::Ge } else { SeekOp::Gt })
                            }
                            Some(RowidKey::Real(r)) => {
                                if r > 9.2e18 {
                                    Ok(false)
                                } else if r < -9.2e18 {
                                    c.first()
                                } else {
                                    let cl = r.ceil() as i64;
                                    let op = if (cl as f64) == r && !*incl {
                                        SeekOp::Gt
                                    } else {
                                        SeekOp::Ge
                                    };
                                    c.seek_rowid(cl, op)
                                }
                            }
                            Some(RowidKey::Text) => Ok(false),
                        }
                    }
                }
            }
            Access::RowidIn(k) => {
                let mut vals = std::mem::take(&mut self.rowid_in);
                vals.clear();
                let mut raw = std::mem::take(&mut self.in_buf);
                raw.clear();
                let r = k.values(cx, &mut raw);
                for v in raw.drain(..) {
                    if let Some(RowidKey::Int(i)) = Self::rowid_of(v) {
                        vals.push(i);
                    }
                }
                self.in_buf = raw;
                r?;
                vals.sort_unstable();
                vals.dedup();
                self.rowid_in = vals;
                self.rowid_in_pos = 0;
                self.seek_rowid_in()
            }
            Access::Index(ia) => {
                if self.icur.is_none() {
                    self.icur = Some(cx.store.index_cursor(ia.root, ia.key_info.clone())?);
                }
                self.key.clear();
                if ia.has_in() {
                    // Candidate values per key column, in index order.
                    self.in_vals.resize_with(ia.eq.len(), Vec::new);
                    self.in_pos.clear();
                    self.in_pos.resize(ia.eq.len(), 0);
                    for (i, (k, aff)) in ia.eq.iter().enumerate() {
                        let mut vals = std::mem::take(&mut self.in_vals[i]);
                        vals.clear();
                        let r = k.values(cx, &mut vals);
                        for v in vals.iter_mut() {
                            *v = apply_affinity(std::mem::replace(v, Value::Null), *aff);
                        }
                        if !matches!(k, EqKey::Is(_)) {
                            vals.retain(|v| !v.is_null());
                        }
                        let col = ia.key_info.cols.get(i).cloned().unwrap_or_default();
                        let ord = |a: &Value, b: &Value| {
                            let o = match &col.collation {
                                Some(f) => compare_values(a.as_ref(), b.as_ref(), &**f),
                                None => compare_values(a.as_ref(), b.as_ref(), &binary_collation),
                            };
                            if col.desc {
                                o.reverse()
                            } else {
                                o
                            }
                        };
                        vals.sort_by(ord);
                        if self.reverse {
                            vals.reverse();
                        }
                        vals.dedup_by(|a, b| ord(a, b) == Ordering::Equal);
                        let empty = vals.is_empty();
                        self.in_vals[i] = vals;
                        r?;
                        if empty {
                            return Ok(false);
                        }
                    }
                } else {
                    for (k, aff) in &ia.eq {
                        let (EqKey::Expr(e) | EqKey::Is(e)) = k else {
                            return Ok(false);
                        };
                        let v = apply_affinity(e.eval(cx)?, *aff);
                        if v.is_null() && matches!(k, EqKey::Expr(_)) {
                            return Ok(false);
                        }
                        self.key.push(v);
                    }
                }
                self.lo_val = None;
                self.hi_val = None;
                if let Some((e, incl, aff)) = &ia.hi {
                    let v = apply_affinity(e.eval(cx)?, *aff);
                    if v.is_null() {
                        return Ok(false);
                    }
                    self.hi_val = Some((v, *incl));
                }
                if let Some((e, incl, aff)) = &ia.lo {
                    let v = apply_affinity(e.eval(cx)?, *aff);
                    if v.is_null() {
                        return Ok(false);
                    }
                    self.lo_val = Some((v, *incl));
                }
                loop {
                    if self.seek_index_key()? {
                        return Ok(true);
                    }
                    if !self.next_in_key() {
                        return Ok(false);
                    }
                }
            }
        }
    }

    /// Seek the next rowid of a `rowid IN (...)` access that exists.
    fn seek_rowid_in(&mut self) -> Result<bool> {
        while let Some(&r) = self.rowid_in.get(self.rowid_in_pos) {
            self.rowid_in_pos += 1;
            let c = self
                .cur
                .as_mut()
                .ok_or_else(|| crate::plan::bind::err("cursor"))?;
            if c.seek_rowid(r, SeekOp::Eq)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Step an IN access to its next combination of key values (the last
    /// key column fastest); false when all were visited.
    fn next_in_key(&mut self) -> bool {
        let Access::Index(ia) = &self.access else {
            return false;
        };
        if !ia.has_in() {
            return false;
        }
        for i in (0..self.in_pos.len()).rev() {
            let n = self.in_vals.get(i).map_or(0, |v| v.len());
            if self.in_pos[i] + 1 < n {
                self.in_pos[i] += 1;
                for p in &mut self.in_pos[i + 1..] {
                    *p = 0;
                }
                return true;
            }
        }
        false
    }

    /// Position the index cursor on the first entry of the current key
    /// (and range) and load its row; false when no entry matches.
    fn seek_index_key(&mut self) -> Result<bool> {
        let Access::Index(ia) = &self.access else {
            return Ok(false);
        };
        if ia.has_in() {
            self.key.clear();
            for (vals, &p) in self.in_vals.iter().zip(&self.in_pos) {
                match vals.get(p) {
                    Some(v) => self.key.push(v.clone()),
                    None => return Ok(false),
                }
            }
        }
        self.hi_key = match &self.hi_val {
            Some((v, incl)) => {
                let mut k = self.key.clone();
                k.push(v.clone());
                Some((k, *incl))
            }
            None => None,
        };
        let has_hi = self.hi_val.is_some();
        if self.reverse {
            self.lo_key = match &self.lo_val {
                Some((v, incl)) => {
                    let mut k = self.key.clone();
                    k.push(v.clone());
                    Some((k, *incl))
                }
                None => None,
            };
            let ic = self
                .icur
                .as_mut()
                .ok_or_else(|| crate::plan::bind::err("cursor"))?;
            // The last entry of the key's (and range's) entries.
            let found = match &self.hi_key {
                Some((k, incl)) => {
                    let op = if *incl { SeekOp::Le } else { SeekOp::Lt };
                    with_refs(k, |k| ic.seek(k, op))?
                }
                None if self.key.is_empty() => ic.last()?,
                None => with_refs(&self.key, |k| ic.seek(k, SeekOp::Le))?,
            };
            if !found {
                return Ok(false);
            }
            return self.index_row_checked();
        }
        let ic = self
            .icur
            .as_mut()
            .ok_or_else(|| crate::plan::bind::err("cursor"))?;
        let found = match &self.lo_val {
            Some((v, incl)) => {
                self.key.push(v.clone());
                let op = if *incl { SeekOp::Ge } else { SeekOp::Gt };
                let r = with_refs(&self.key, |k| ic.seek(k, op));
                self.key.pop();
                r?
            }
            None => {
                if self.key.is_empty() {
                    // Skip NULLs when a range bounds this column from above.
                    if has_hi {
                        ic.seek(&[ValueRef::Null], SeekOp::Gt)?
                    } else {
                        ic.first()?
                    }
                } else {
                    with_refs(&self.key, |k| ic.seek(k, SeekOp::Ge))?
                }
            }
        };
        if !found {
            return Ok(false);
        }
        self.index_row_checked()
    }

    fn done_after_first(&mut self) {}

    /// Check the index cursor's entry against the bounds and load its row.
    fn index_row_checked(&mut self) -> Result<bool> {
        let Access::Index(ia) = &self.access else {
            return Ok(false);
        };
        let Some(ic) = self.icur.as_mut() else {
            return Ok(false);
        };
        if !ic.valid() {
            return Ok(false);
        }
        let entry = ic.key()?;
        if !self.key.is_empty() {
            let o = with_refs(&self.key, |k| {
                compare_unpacked(k, entry, &ia.key_info, Ordering::Equal)
            })?;
            if o != Ordering::Equal {
                return Ok(false);
            }
        }
        if self.reverse {
            // Walking down: stop below the range's lower bound.
            if let Some((lk, incl)) = &self.lo_key {
                let o = with_refs(lk, |k| {
                    compare_unpacked(k, entry, &ia.key_info, Ordering::Equal)
                })?;
                if o == Ordering::Greater || (!incl && o == Ordering::Equal) {
                    return Ok(false);
                }
            }
        } else if let Some((hk, incl)) = &self.hi_key {
            let o = with_refs(hk, |k| {
                compare_unpacked(k, entry, &ia.key_info, Ordering::Equal)
            })?;
            if o == Ordering::Less || (!incl && o == Ordering::Equal) {
                return Ok(false);
            }
        }
        if let Some(w) = &self.wr {
            let entry = entry.to_vec();
            let c = self
                .cur
                .as_mut()
                .ok_or_else(|| crate::plan::bind::err("cursor"))?;
            if super::without_rowid::handle_from_entry(&mut **c, &entry, &w.pk_pos)?.is_none() {
                return Err(chorus_storage::Error::new(
                    chorus_storage::ResultCode::CORRUPT_INDEX,
                    "database disk image is malformed",
                ));
            }
            return Ok(true);
        }
        let rowid = match entry_rowid_fast(entry) {
            Some(rowid) => rowid,
            None => self.entry_rowid_checked()?,
        };
        if self.covering.is_some() {
            self.cover_rowid = rowid;
            return Ok(true);
        }
        let c = self
            .cur
            .as_mut()
            .ok_or_else(|| crate::plan::bind::err("cursor"))?;
        if !c.seek_rowid(rowid, SeekOp::Eq)? {
            return Err(chorus_storage::Error::new(
                chorus_storage::ResultCode::CORRUPT_INDEX,
                "database disk image is malformed",
            ));
        }
        Ok(true)
    }

    /// The rowid at the end of the current index entry, through the full
    /// record reader (which reports a malformed entry).
    fn entry_rowid_checked(&mut self) -> Result<i64> {
        let Some(ic) = self.icur.as_ref() else {
            return Err(crate::plan::bind::err("cursor"));
        };
        let entry = ic.key()?;
        // The entry's header table reuses one allocation across rows.
        let r = RecordReader::with_buffer(entry, std::mem::take(&mut self.rec_hdr))?;
        let last = r.column(r.column_count().saturating_sub(1));
        let rowid = match last {
            Ok(ValueRef::Integer(i)) => Some(i),
            _ => None,
        };
        self.rec_hdr = r.into_buffer();
        let Some(rowid) = rowid else {
            last?;
            return Err(chorus_storage::Error::corrupt("index entry without rowid"));
        };
        Ok(rowid)
    }

    fn advance(&mut self) -> Result<bool> {
        match &self.access {
            Access::Full => {
                let rev = self.reverse;
                self.cur
                    .as_mut()
                    .map(|c| {
                        if rev {
                            c.prev()
                        } else if c.next_local() {
                            Ok(true)
                        } else {
                            c.next()
                        }
                    })
                    .transpose()
                    .map(|o| o.unwrap_or(false))
            }
            Access::RowidEq(_) => Ok(false),
            Access::RowidRange { .. } => {
                let rev = self.reverse;
                self.cur
                    .as_mut()
                    .map(|c| if rev { c.prev() } else { c.next() })
                    .transpose()
                    .map(|o| o.unwrap_or(false))
            }
            Access::RowidIn(_) => self.seek_rowid_in(),
            Access::Index(_) => {
                let rev = self.reverse;
                let ok = self
                    .icur
                    .as_mut()
                    .map(|c| {
                        if rev {
                            c.prev()
                        } else if c.next_local() {
                            Ok(true)
                        } else {
                            c.next()
                        }
                    })
                    .transpose()?
                    .unwrap_or(false);
                if ok && self.index_row_checked()? {
                    return Ok(true);
                }
                // The current key is exhausted: an IN access seeks the next.
                while self.next_in_key() {
                    if self.seek_index_key()? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }

    pub fn open(&mut self) {
        self.started = false;
        self.done = false;
        self.cache_pos = 0;
        self.passes = self.passes.saturating_add(1);
        if !self.cache_complete {
            self.cache.clear();
        }
    }

    /// Forget cached rows (the data may have changed since the last run).
    pub fn reset_cache(&mut self) {
        self.local_rowid_only = None;
        self.cache.clear();
        self.cache_complete = false;
        self.passes = 0;
    }

    fn cacheable(&self) -> bool {
        matches!(self.access, Access::Full) && self.local.is_some() && self.passes >= 2
    }

    pub fn next(&mut self, cx: &mut Cx<'_>) -> Result<bool> {
        if self.cache_complete {
            // Replay rows that passed the local filter on an earlier pass.
            loop {
                let Some((rowid, payload)) = self.cache.get(self.cache_pos) else {
                    return Ok(false);
                };
                self.cache_pos += 1;
                let s = &mut cx.env.slots[self.slot];
                s.rowid = *rowid;
                s.set_payload(payload);
                s.materialized = false;
                s.null_row = false;
                s.rowid_alias = self.rowid_alias;
                if !Arc::ptr_eq(&s.real_cols, &self.real_cols) {
                    s.real_cols = self.real_cols.clone();
                }
                if !Arc::ptr_eq(&s.defaults, &self.defaults) {
                    s.defaults = self.defaults.clone();
                }
                if !Arc::ptr_eq(&s.colmap, &self.colmap) {
                    s.colmap = self.colmap.clone();
                }
                if let Some(f) = &self.filter {
                    if !f.test(cx)? {
                        continue;
                    }
                }
                return Ok(true);
            }
        }
        loop {
            if self.done {
                return Ok(false);
            }
            let ok = if !self.started {
                self.started = true;
                self.start(cx)?
            } else {
                self.advance()?
            };
            if ok {
                if let Some((h, incl)) = self.rowid_hi {
                    let r = self.cur.as_ref().map(|c| c.rowid()).unwrap_or(0);
                    if r > h || (!incl && r == h) {
                        self.done = true;
                        return Ok(false);
                    }
                }
                if let (true, Some((l, incl))) = (self.reverse, self.rowid_lo) {
                    let r = self.cur.as_ref().map(|c| c.rowid()).unwrap_or(0);
                    if r < l || (!incl && r == l) {
                        self.done = true;
                        return Ok(false);
                    }
                }
            }
            if !ok {
                self.done = true;
                if self.cacheable() && self.cache.len() <= CACHE_MAX {
                    self.cache_complete = true;
                }
                return Ok(false);
            }
            let lazy = self.local_reads_only_rowid();
            if lazy {
                self.load_rowid(cx);
            } else {
                self.load(cx)?;
            }
            if self.local.is_some() {
                if let Some(f) = &self.local {
                    if !f.test(cx)? {
                        continue;
                    }
                }
                if lazy {
                    self.load(cx)?;
                }
                if self.cacheable() && self.cache.len() <= CACHE_MAX {
                    let s = &cx.env.slots[self.slot];
                    self.cache.push((s.rowid, s.payload().to_vec()));
                }
            }
            if !self.recheck_in(cx)? {
                continue;
            }
            if let Some(f) = &self.filter {
                if !f.test(cx)? {
                    continue;
                }
            }
            if let Some(null_col) = self.one_row {
                // min(): rows whose column is NULL pass through (min()
                // skips them; bare columns read the first when all are).
                let null = match null_col {
                    Some(col) => cx.env.slots[self.slot].column(col)?.is_null(),
                    None => false,
                };
                if !null {
                    self.done = true;
                }
            }
            return Ok(true);
        }
    }

    /// Test the IN-subquery terms the access seeks by on the loaded row.
    fn recheck_in(&self, cx: &mut Cx<'_>) -> Result<bool> {
        match &self.access {
            Access::RowidIn(k) => match k.recheck() {
                Some(t) => t.test(cx),
                None => Ok(true),
            },
            Access::Index(ia) => {
                for (k, _) in &ia.eq {
                    if let Some(t) = k.recheck() {
                        if !t.test(cx)? {
                            return Ok(false);
                        }
                    }
                }
                Ok(true)
            }
            _ => Ok(true),
        }
    }
}

/// The integer rowid that ends an index entry, read in line when the
/// entry's header is all one-byte serial types and the last one is an
/// integer (the usual case); None otherwise, and the caller takes the
/// checked record reader. Every offset is checked.
#[inline]
fn entry_rowid_fast(entry: &[u8]) -> Option<i64> {
    let hsz = *entry.first()? as usize;
    if !(2..0x80).contains(&hsz) || hsz > entry.len() {
        return None;
    }
    let mut off = hsz;
    let mut last = (0u64, 0usize);
    for &b in entry.get(1..hsz)? {
        if b >= 0x80 {
            return None;
        }
        last = (b as u64, off);
        off += chorus_storage::record::serial_type_len(b as u64)? as usize;
    }
    let (t, at) = last;
    let n = match t {
        8 => return Some(0),
        9 => return Some(1),
        1..=4 => t as usize,
        5 => 6,
        6 => 8,
        _ => return None,
    };
    let body = entry.get(at..at.checked_add(n)?)?;
    let mut v: i64 = if body.first()? & 0x80 != 0 { -1 } else { 0 };
    for &x in body {
        v = (v << 8) | x as i64;
    }
    Some(v)
}

/// Call `f` with `vals` as borrowed values, on the stack for short keys
/// (an index probe per row must not allocate).
fn with_refs<R>(vals: &[Value], f: impl FnOnce(&[ValueRef<'_>]) -> R) -> R {
    const N: usize = 8;
    if vals.len() <= N {
        let mut a = [ValueRef::Null; N];
        for (d, v) in a.iter_mut().zip(vals) {
            *d = v.as_ref();
        }
        f(&a[..vals.len()])
    } else {
        let v: Vec<ValueRef<'_>> = vals.iter().map(Value::as_ref).collect();
        f(&v)
    }
}

/// Most rows a scan caches for replay on the inner side of a join.
const CACHE_MAX: usize = 20_000;

enum RowidKey {
    Int(i64),
    Real(f64),
    Text,
}

/// A materialised source: a subquery, view, CTE or VALUES list. Rows are
/// pulled from the plan lazily and cached, so a rescan (inner side of a
/// join) replays the cache and an outer LIMIT stops an endless recursive CTE.
pub struct MatScan {
    pub slot: usize,
    pub plan: SelectPlan,
    pub correlated: bool,
    pub filter: Option<CExpr>,
    /// EXPLAIN QUERY PLAN names (exec/eqp.rs): the alias the loop scans and
    /// the CTE or view materialised (empty when none).
    pub label: String,
    pub object: String,
    rows: Vec<Vec<Value>>,
    started: bool,
    complete: bool,
    pos: usize,
    /// The outer-most source of its select (`Source::mark_single_pass`):
    /// scanned once per opening of the select, so rows stream through the
    /// slot instead of being kept for rescans (a view or CTE over a large
    /// table costs no memory). Opened again anyway, it recomputes.
    single_pass: bool,
}

impl MatScan {
    pub fn new(slot: usize, plan: SelectPlan, correlated: bool) -> MatScan {
        MatScan {
            slot,
            plan,
            correlated,
            filter: None,
            label: String::new(),
            object: String::new(),
            rows: Vec::new(),
            started: false,
            complete: false,
            pos: 0,
            single_pass: false,
        }
    }
    /// Set the EXPLAIN QUERY PLAN names (see `label` / `object`).
    pub fn named(mut self, label: &str, object: &str) -> MatScan {
        self.label = label.to_string();
        self.object = object.to_string();
        self
    }

    /// Forget the materialised rows: the next pass recomputes them (a new
    /// execution of the select that owns this scan).
    pub fn reset(&mut self) {
        self.pos = 0;
        self.rows.clear();
        self.started = false;
        self.complete = false;
    }

    pub fn open(&mut self) {
        self.pos = 0;
        if self.correlated || (self.single_pass && self.started) {
            self.rows.clear();
            self.started = false;
            self.complete = false;
        }
    }
    pub fn next(&mut self, cx: &mut Cx<'_>) -> Result<bool> {
        loop {
            if self.single_pass {
                // Straight to the slot, nothing kept.
                if !self.pull(cx)? {
                    return Ok(false);
                }
                let s = &mut cx.env.slots[self.slot];
                s.values.clear();
                s.values.extend_from_slice(self.plan.row());
            } else {
                if self.pos >= self.rows.len() {
                    if !self.pull(cx)? {
                        return Ok(false);
                    }
                    self.rows.push(self.plan.row().to_vec());
                }
                let r = &self.rows[self.pos];
                self.pos += 1;
                cx.env.slots[self.slot].values.clone_from(r);
            }
            let s = &mut cx.env.slots[self.slot];
            s.materialized = true;
            s.null_row = false;
            if let Some(f) = &self.filter {
                if !f.test(cx)? {
                    continue;
                }
            }
            return Ok(true);
        }
    }

    /// Advance the plan to its next row (opening it on the first call);
    /// false once it is exhausted.
    fn pull(&mut self, cx: &mut Cx<'_>) -> Result<bool> {
        if self.complete {
            return Ok(false);
        }
        if !self.started {
            self.plan.open(cx)?;
            self.started = true;
        }
        if !self.plan.next(cx)? {
            self.plan.close();
            self.complete = true;
            return Ok(false);
        }
        Ok(true)
    }
}

pub struct Join {
    pub left: Source,
    pub right: Source,
    pub left_outer: bool,
    /// FULL JOIN: after the left side, emit unmatched right rows.
    pub full: bool,
    pub on: Option<CExpr>,
    left_valid: bool,
    matched: bool,
    matched_right: std::collections::HashSet<i64>,
    tail: bool,
}

impl Join {
    pub fn new(left: Source, right: Source, left_outer: bool, on: Option<CExpr>) -> Join {
        Join {
            left,
            right,
            left_outer,
            full: false,
            on,
            left_valid: false,
            matched: false,
            matched_right: Default::default(),
            tail: false,
        }
    }
}

pub enum Source {
    Table(Box<TableScan>),
    Mat(Box<MatScan>),
    Join(Box<Join>),
}

impl Source {
    pub fn open(&mut self) {
        match self {
            Source::Table(t) => t.open(),
            Source::Mat(m) => m.open(),
            Source::Join(j) => {
                j.left.open();
                j.left_valid = false;
                j.tail = false;
                j.matched_right.clear();
            }
        }
    }

    /// SQLite-style EXPLAIN QUERY PLAN lines for this source.
    pub fn describe(&self, out: &mut Vec<String>) {
        match self {
            Source::Table(t) => out.push(match &t.access {
                Access::Full if t.one_row.is_some() => format!("SEARCH {}", t.label),
                Access::Full => format!("SCAN {}", t.label),
                Access::RowidEq(_) | Access::RowidIn(_) => {
                    format!("SEARCH {} USING INTEGER PRIMARY KEY (rowid=?)", t.label)
                }
                Access::RowidRange { lo, hi } => {
                    let mut terms = Vec::new();
                    if lo.is_some() {
                        terms.push("rowid>?");
                    }
                    if hi.is_some() {
                        terms.push("rowid<?");
                    }
                    format!(
                        "SEARCH {} USING INTEGER PRIMARY KEY ({})",
                        t.label,
                        terms.join(" AND ")
                    )
                }
                Access::Index(ia) => {
                    let mut terms: Vec<String> = ia
                        .col_names
                        .iter()
                        .take(ia.eq.len())
                        .map(|c| format!("{c}=?"))
                        .collect();
                    if let Some(c) = ia.col_names.get(ia.eq.len()) {
                        if ia.lo.is_some() {
                            terms.push(format!("{c}>?"));
                        }
                        if ia.hi.is_some() {
                            terms.push(format!("{c}<?"));
                        }
                    }
                    let how = if t.covering.is_some() {
                        "COVERING INDEX"
                    } else {
                        "INDEX"
                    };
                    if terms.is_empty() && t.one_row.is_none() {
                        format!("SCAN {} USING {how} {}", t.label, ia.name)
                    } else if terms.is_empty() {
                        format!("SEARCH {} USING {how} {}", t.label, ia.name)
                    } else if t.wr.is_some() && ia.root == t.root {
                        format!(
                            "SEARCH {} USING PRIMARY KEY ({})",
                            t.label,
                            terms.join(" AND ")
                        )
                    } else {
                        format!(
                            "SEARCH {} USING {how} {} ({})",
                            t.label,
                            ia.name,
                            terms.join(" AND ")
                        )
                    }
                }
            }),
            Source::Mat(m) => out.push(format!("SCAN (subquery-{})", m.slot)),
            Source::Join(j) => {
                j.left.describe(out);
                j.right.describe(out);
            }
        }
    }

    /// Mark the outer-most leaf (the left spine's end) as scanned once per
    /// opening of the select (see `MatScan::single_pass`).
    pub fn mark_single_pass(&mut self) {
        match self {
            Source::Mat(m) => m.single_pass = true,
            Source::Join(j) => j.left.mark_single_pass(),
            Source::Table(_) => {}
        }
    }

    /// Drop scan caches (a new execution of the statement).
    pub fn reset_cache(&mut self) {
        match self {
            Source::Table(t) => t.reset_cache(),
            // Rows materialised by an earlier execution may be stale.
            Source::Mat(m) => m.reset(),
            Source::Join(j) => {
                j.left.reset_cache();
                j.right.reset_cache();
            }
        }
    }

    /// The local-filter slot of the table scan owning `slot`.
    pub fn local_slot_mut(&mut self, slot: usize) -> Option<&mut Option<CExpr>> {
        match self {
            Source::Table(t) if t.slot == slot => Some(&mut t.local),
            Source::Join(j) => {
                if let Some(f) = j.right.local_slot_mut(slot) {
                    return Some(f);
                }
                j.left.local_slot_mut(slot)
            }
            _ => None,
        }
    }

    pub fn slots(&self, out: &mut Vec<usize>) {
        match self {
            Source::Table(t) => out.push(t.slot),
            Source::Mat(m) => out.push(m.slot),
            Source::Join(j) => {
                j.left.slots(out);
                j.right.slots(out);
            }
        }
    }

    /// Identity of the current row of a single-table/subquery source.
    fn row_key(&self, cx: &Cx<'_>) -> i64 {
        match self {
            Source::Table(t) => cx.env.slots[t.slot].rowid,
            Source::Mat(m) => m.pos as i64,
            Source::Join(_) => 0,
        }
    }

    fn set_null(&self, cx: &mut Cx<'_>) {
        let mut v = Vec::new();
        self.slots(&mut v);
        for s in v {
            if let Some(sl) = cx.env.slots.get_mut(s) {
                sl.null_row = true;
            }
        }
    }

    /// Attach a filter to the innermost scan of this source that owns `slot`.
    pub fn filter_slot_mut(&mut self, slot: usize) -> Option<&mut Option<CExpr>> {
        match self {
            Source::Table(t) if t.slot == slot => Some(&mut t.filter),
            Source::Mat(m) if m.slot == slot => Some(&mut m.filter),
            Source::Join(j) => {
                if let Some(f) = j.right.filter_slot_mut(slot) {
                    return Some(f);
                }
                j.left.filter_slot_mut(slot)
            }
            _ => None,
        }
    }

    /// The next row (a table's in line; joins and materialised rows in
    /// `next_other`).
    #[inline]
    pub fn next(&mut self, cx: &mut Cx<'_>) -> Result<bool> {
        match self {
            Source::Table(t) => t.next(cx),
            _ => self.next_other(cx),
        }
    }

    fn next_other(&mut self, cx: &mut Cx<'_>) -> Result<bool> {
        match self {
            Source::Table(t) => t.next(cx),
            Source::Mat(m) => m.next(cx),
            Source::Join(j) => loop {
                if j.tail {
                    // FULL JOIN tail: right rows no left row matched.
                    if !j.right.next(cx)? {
                        return Ok(false);
                    }
                    let k = j.right.row_key(cx);
                    if j.matched_right.contains(&k) {
                        continue;
                    }
                    j.left.set_null(cx);
                    return Ok(true);
                }
                if !j.left_valid {
                    if !j.left.next(cx)? {
                        if j.full {
                            j.tail = true;
                            j.right.open();
                            continue;
                        }
                        return Ok(false);
                    }
                    j.left_valid = true;
                    j.matched = false;
                    j.right.open();
                }
                if j.right.next(cx)? {
                    if let Some(on) = &j.on {
                        if !on.test(cx)? {
                            continue;
                        }
                    }
                    j.matched = true;
                    if j.full {
                        let k = j.right.row_key(cx);
                        j.matched_right.insert(k);
                    }
                    return Ok(true);
                }
                j.left_valid = false;
                if j.left_outer && !j.matched {
                    j.right.set_null(cx);
                    return Ok(true);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::entry_rowid_fast;
    use chorus_storage::record::{encode_record, RecordReader};
    use chorus_storage::ValueRef;

    /// The in-line rowid read agrees with the record reader wherever it
    /// answers, and declines what it does not handle.
    #[test]
    fn entry_rowid_fast_matches_the_record_reader() {
        let long = vec![b'x'; 300];
        let keys: [&[ValueRef]; 4] = [
            &[ValueRef::Text(b"abc")],
            &[ValueRef::Integer(7), ValueRef::Null],
            &[ValueRef::Text(&long)],
            &[],
        ];
        let rowids = [0, 1, -1, 127, -129, 40_000, 1 << 40, i64::MIN, i64::MAX];
        let (mut answered, mut declined) = (0, 0);
        for key in keys {
            for rowid in rowids {
                let mut vals = key.to_vec();
                vals.push(ValueRef::Integer(rowid));
                let mut rec = Vec::new();
                encode_record(&vals, &mut rec);
                let r = RecordReader::new(&rec).unwrap();
                let want = r.column(r.column_count() - 1).unwrap();
                match entry_rowid_fast(&rec) {
                    Some(got) => {
                        answered += 1;
                        assert_eq!(ValueRef::Integer(got), want);
                    }
                    None => declined += 1,
                }
            }
        }
        // The 300-byte text has a two-byte serial type: declined.
        assert_eq!(declined, rowids.len());
        assert_eq!(answered, 3 * rowids.len());
        // Non-integer last column, truncated body, empty or bad header: declined.
        let mut rec = Vec::new();
        encode_record(&[ValueRef::Text(b"a"), ValueRef::Real(1.5)], &mut rec);
        assert_eq!(entry_rowid_fast(&rec), None);
        let mut rec = Vec::new();
        encode_record(&[ValueRef::Integer(1 << 40)], &mut rec);
        assert_eq!(entry_rowid_fast(&rec[..rec.len() - 1]), None);
        for bad in [&[][..], &[1][..], &[9, 1][..], &[3, 10, 1, 0][..]] {
            assert_eq!(entry_rowid_fast(bad), None);
        }
    }
}
