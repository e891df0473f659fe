//! The run-time environment of one statement: a slot per FROM-clause source
//! (across every nesting level of the statement), the bound parameters, the
//! current aggregate results, and the connection facts functions read.
//!
//! A slot holds the current row of its source: for a table, the rowid and the
//! record bytes (decoded lazily, column by column, when an expression reads
//! them); for a materialised source (subquery, VALUES, CTE), a row of values.
//! A slot marked `null_row` reads as all NULLs (outer-join null extension).

use chorus_storage::record::serial_type_len;
use chorus_storage::varint::get_varint;
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Slot {
    pub rowid: i64,
    /// The current row's record; change it only through `set_payload`.
    payload: Vec<u8>,
    pub values: Vec<Value>,
    pub materialized: bool,
    pub null_row: bool,
    /// Column holding the rowid alias (reads as the rowid).
    pub rowid_alias: Option<usize>,
    /// The record header's (serial type, body offset) table, parsed once per
    /// row on the first column read; valid only while `hdr_valid`.
    hdr: Vec<(u64, usize)>,
    /// Whether `hdr` describes the current `payload` (cleared by
    /// [`Slot::set_payload`] and [`Slot::copy_from`]).
    hdr_valid: bool,
    /// Columns with REAL affinity: SQLite may store their integral values as
    /// integers in the record, and they read back as REAL.
    pub real_cols: Arc<[bool]>,
    /// Values of columns past the end of a short record (columns added by
    /// ALTER TABLE ADD COLUMN read their default); empty: all NULL.
    pub defaults: Arc<[Value]>,
    /// Record field of each column when the table has VIRTUAL generated
    /// columns (see `exec/generated.rs`) or the row is a covering index's
    /// entry (`usize::MAX`: not held); empty: column i is field i.
    pub colmap: Arc<[usize]>,
}

impl Slot {
    /// Column `col` of the current row (`usize::MAX` = rowid).
    pub fn column(&mut self, col: usize) -> Result<Value> {
        let mut v = Value::Null;
        self.column_into(col, &mut v)?;
        Ok(v)
    }

    /// `column`, written into `out`: a text or blob value reuses the buffer
    /// `out` already holds, so reading a text column per row need not allocate.
    pub fn column_into(&mut self, col: usize, out: &mut Value) -> Result<()> {
        self.prepare_col(col)?;
        // Numbers are written in place (no owned temporary to copy).
        match (self.column_ref(col)?, out) {
            (ValueRef::Null, out) => *out = Value::Null,
            (ValueRef::Integer(i), out) => *out = Value::Integer(i),
            (ValueRef::Real(r), out) => *out = Value::Real(r),
            (ValueRef::Text(b), Value::Text(buf)) | (ValueRef::Blob(b), Value::Blob(buf)) => {
                buf.clear();
                buf.extend_from_slice(b);
            }
            (v, out) => *out = v.to_owned(),
        }
        Ok(())
    }

    /// Make column `col` of the current row readable by [`Slot::column_ref`]
    /// (parses the record header once per row when the column is stored).
    #[inline]
    pub fn prepare_col(&mut self, col: usize) -> Result<()> {
        if self.null_row
            || self.materialized
            || col == usize::MAX
            || Some(col) == self.rowid_alias
            || self.hdr_valid
        {
            return Ok(());
        }
        self.parse_header()
    }

    /// Column `col` of the current row, borrowed from the record (no copy of
    /// text or blobs). Call [`Slot::prepare_col`] for the column first.
    #[inline(always)]
    pub fn column_ref(&self, col: usize) -> Result<ValueRef<'_>> {
        if self.null_row {
            return Ok(ValueRef::Null);
        }
        if col == usize::MAX || Some(col) == self.rowid_alias && !self.materialized {
            return Ok(ValueRef::Integer(self.rowid));
        }
        if self.materialized {
            return Ok(self
                .values
                .get(col)
                .map(Value::as_ref)
                .unwrap_or(ValueRef::Null));
        }
        if !self.hdr_valid {
            return Err(Error::new(
                ResultCode::INTERNAL,
                "column read before its record header was parsed",
            ));
        }
        let field = if self.colmap.is_empty() {
            col
        } else {
            let f = self.colmap.get(col).copied().unwrap_or(col);
            if f == usize::MAX {
                // A covering index scan never reads a column the index lacks.
                return Err(Error::new(
                    ResultCode::INTERNAL,
                    "column read from an index that does not hold it",
                ));
            }
            f
        };
        let Some(&(t, off)) = self.hdr.get(field) else {
            // Past the end of the record: the column's default (ALTER TABLE ADD).
            return Ok(self
                .defaults
                .get(col)
                .map(Value::as_ref)
                .unwrap_or(ValueRef::Null));
        };
        let len = serial_type_len(t).unwrap_or(0) as usize;
        let body = off
            .checked_add(len)
            .and_then(|end| self.payload.get(off..end))
            .ok_or_else(|| Error::corrupt("record body overflows payload"))?;
        Ok(match decode_column(t, body) {
            ValueRef::Integer(i) if self.real_cols.get(col) == Some(&true) => {
                ValueRef::Real(i as f64)
            }
            v => v,
        })
    }

    /// Parse (and validate) the record header once per row, reusing the
    /// slot's allocation across rows.
    ///
    /// The same parse and checks as `RecordReader::with_buffer`, written
    /// here so the per-row step stays in line (no record reader built and
    /// moved back per row).
    fn parse_header(&mut self) -> Result<()> {
        if self.hdr_valid {
            return Ok(());
        }
        self.hdr.clear();
        let data = &self.payload[..];
        let (hdr_size, n) = get_varint(data).ok_or_else(|| Error::corrupt("record header"))?;
        if hdr_size < n as u64 || hdr_size > data.len() as u64 {
            return Err(Error::corrupt("record header size"));
        }
        let hdr_size = hdr_size as usize;
        let mut pos = n;
        let mut off = hdr_size as u64;
        while pos < hdr_size {
            // Serial types below 128 (every type but long text/blob) take
            // one byte: read those without the general varint decoder.
            let (t, m) = match data.get(pos) {
                Some(&b) if b < 0x80 => (b as u64, 1),
                _ => data
                    .get(pos..hdr_size)
                    .and_then(get_varint)
                    .ok_or_else(|| Error::corrupt("record serial type"))?,
            };
            pos += m;
            let len = serial_type_len(t).ok_or_else(|| Error::corrupt("reserved serial type"))?;
            if off > u32::MAX as u64 * 2 {
                return Err(Error::corrupt("record too large"));
            }
            self.hdr.push((t, off as usize));
            off += len;
        }
        if off > u32::MAX as u64 * 2 {
            return Err(Error::corrupt("record too large"));
        }
        self.hdr_valid = true;
        Ok(())
    }

    /// The current row's record bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// Make `bytes` the current row's record.
    pub fn set_payload(&mut self, bytes: &[u8]) {
        self.payload.clear();
        self.payload.extend_from_slice(bytes);
        self.hdr_valid = false;
    }

    /// Copy another slot's row into this one, reusing allocations.
    pub fn copy_from(&mut self, o: &Slot) {
        self.rowid = o.rowid;
        self.set_payload(&o.payload);
        self.values.clone_from(&o.values);
        self.materialized = o.materialized;
        self.null_row = o.null_row;
        self.rowid_alias = o.rowid_alias;
        if !Arc::ptr_eq(&self.real_cols, &o.real_cols) {
            self.real_cols = o.real_cols.clone();
        }
        if !Arc::ptr_eq(&self.defaults, &o.defaults) {
            self.defaults = o.defaults.clone();
        }
        if !Arc::ptr_eq(&self.colmap, &o.colmap) {
            self.colmap = o.colmap.clone();
        }
    }
}

/// Connection facts visible to functions.
#[derive(Debug, Clone, Default)]
pub struct ConnFacts {
    pub last_insert_rowid: i64,
    pub changes: i64,
    pub total_changes: i64,
    pub case_sensitive_like: bool,
    /// Connection state the table-valued pragmas report.
    pub cache_size: i64,
    pub filename: String,
    /// Boolean pragmas (ignore_check_constraints, secure_delete, ...).
    pub flags: crate::stmt::pragma::ConnFlags,
    /// `PRAGMA recursive_triggers`.
    pub recursive_triggers: bool,
    /// Foreign key settings (read by the table-valued pragmas).
    pub fk: crate::exec::foreign_key::ConnFk,
    /// The triggers running (outermost first; see `exec::trigger`).
    pub active_triggers: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Env {
    pub slots: Vec<Slot>,
    pub params: Vec<Value>,
    pub agg: Vec<Value>,
    pub group: Vec<Value>,
    pub facts: ConnFacts,
    pub fctx: crate::sqlvalue::functions::FunctionContext,
    /// Spare argument vectors for scalar function calls.
    pub arg_pool: Vec<Vec<Value>>,
    /// The connection's interrupt flag (see api/interrupt.rs).
    pub interrupt: Arc<std::sync::atomic::AtomicBool>,
    /// Row handles of WITHOUT ROWID tables (exec/without_rowid.rs).
    pub wr_rows: super::without_rowid::WrRegistry,
    /// Which execution of the statement is running (`next_run`): results
    /// cached by uncorrelated subqueries hold only within one run.
    pub run: u64,
    /// Foreign key state of a writing statement (None: enforcement off).
    pub fk: Option<Box<crate::exec::foreign_key::FkState>>,
}

impl Env {
    pub fn new(nslots: usize, nparams: usize) -> Env {
        Env {
            slots: vec![Slot::default(); nslots],
            params: vec![Value::Null; nparams],
            agg: Vec::new(),
            group: Vec::new(),
            facts: ConnFacts::default(),
            fctx: Default::default(),
            arg_pool: Vec::new(),
            interrupt: Default::default(),
            wr_rows: Default::default(),
            fk: None,
            run: 0,
        }
    }

    /// Start a new execution of the statement (see `run`).
    pub fn next_run(&mut self) {
        static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        self.run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    /// SQLITE_INTERRUPT when the connection was interrupted.
    #[inline]
    pub fn check_interrupt(&self) -> Result<()> {
        if self.interrupt.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(chorus_storage::Error::new(
                chorus_storage::ResultCode::INTERRUPT,
                "interrupted",
            ));
        }
        Ok(())
    }
    pub fn ensure_slots(&mut self, n: usize) {
        if self.slots.len() < n {
            self.slots.resize(n, Slot::default());
        }
    }
}

/// Decode one column from its serial type and its body bytes (exactly
/// `serial_type_len(t)` long, checked by the caller).
#[inline(always)]
fn decode_column(t: u64, body: &[u8]) -> ValueRef<'_> {
    match t {
        0 => ValueRef::Null,
        1..=6 => {
            let mut v: i64 = if body.first().is_some_and(|x| x & 0x80 != 0) {
                -1
            } else {
                0
            };
            for x in body {
                v = (v << 8) | *x as i64;
            }
            ValueRef::Integer(v)
        }
        7 => {
            let mut a = [0u8; 8];
            for (d, s) in a.iter_mut().zip(body) {
                *d = *s;
            }
            let r = f64::from_bits(u64::from_be_bytes(a));
            if r.is_nan() {
                ValueRef::Null
            } else {
                ValueRef::Real(r)
            }
        }
        8 => ValueRef::Integer(0),
        9 => ValueRef::Integer(1),
        n if n % 2 == 0 => ValueRef::Blob(body),
        _ => ValueRef::Text(body),
    }
}

pub fn value_ref_of(v: &Value) -> ValueRef<'_> {
    v.as_ref()
}
