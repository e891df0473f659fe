//! The run-time environment of one statement: a slot per FROM-clause source
//! (across every nesting level of the statement), the bound parameters, the
//! current aggregate results, and the connection facts functions read.
//!
//! A slot holds the current row of its source: for a table, the rowid and the
//! record bytes (decoded lazily, column by column, when an expression reads
//! them); for a materialised source (subquery, VALUES, CTE), a row of values.
//! A slot marked `null_row` reads as all NULLs (outer-join null extension).

use chorus_storage::record::RecordReader;
use chorus_storage::{Result, Value, ValueRef};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Slot {
    pub rowid: i64,
    pub payload: Vec<u8>,
    pub values: Vec<Value>,
    pub materialized: bool,
    pub null_row: bool,
    /// Column holding the rowid alias (reads as the rowid).
    pub rowid_alias: Option<usize>,
    /// Scratch buffer for the record header (serial type, offset) table.
    pub hdr: Vec<(u64, usize)>,
    /// Columns with REAL affinity: SQLite may store their integral values as
    /// integers in the record, and they read back as REAL.
    pub real_cols: Arc<[bool]>,
}

impl Slot {
    /// Column `col` of the current row (`usize::MAX` = rowid).
    pub fn column(&mut self, col: usize) -> Result<Value> {
        if self.null_row {
            return Ok(Value::Null);
        }
        if col == usize::MAX {
            return Ok(Value::Integer(self.rowid));
        }
        if self.materialized {
            return Ok(self.values.get(col).cloned().unwrap_or(Value::Null));
        }
        if Some(col) == self.rowid_alias {
            return Ok(Value::Integer(self.rowid));
        }
        // Reuse the header table's allocation across rows and columns.
        let r = RecordReader::with_buffer(&self.payload, std::mem::take(&mut self.hdr))?;
        let v = r.column(col).map(|v| match v {
            ValueRef::Integer(i) if self.real_cols.get(col) == Some(&true) => Value::Real(i as f64),
            v => v.to_owned(),
        });
        self.hdr = r.into_buffer();
        v
    }

    /// Copy another slot's row into this one, reusing allocations.
    pub fn copy_from(&mut self, o: &Slot) {
        self.rowid = o.rowid;
        self.payload.clear();
        self.payload.extend_from_slice(&o.payload);
        self.values.clone_from(&o.values);
        self.materialized = o.materialized;
        self.null_row = o.null_row;
        self.rowid_alias = o.rowid_alias;
        if !Arc::ptr_eq(&self.real_cols, &o.real_cols) {
            self.real_cols = o.real_cols.clone();
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
}

#[derive(Debug, Default)]
pub struct Env {
    pub slots: Vec<Slot>,
    pub params: Vec<Value>,
    pub agg: Vec<Value>,
    pub group: Vec<Value>,
    pub facts: ConnFacts,
    pub fctx: crate::sqlvalue::functions::FunctionContext,
    /// The connection's interrupt flag (see api/interrupt.rs).
    pub interrupt: Arc<std::sync::atomic::AtomicBool>,
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
            interrupt: Default::default(),
        }
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

pub fn value_ref_of(v: &Value) -> ValueRef<'_> {
    v.as_ref()
}
