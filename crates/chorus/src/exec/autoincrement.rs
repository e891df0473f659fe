//! AUTOINCREMENT and the `sqlite_sequence` table.
//!
//! `sqlite_sequence` is an ordinary rowid table, created (with SQLite's exact
//! schema text [`SEQUENCE_SQL`]) when the first AUTOINCREMENT table is
//! created, and readable and writable by SQL. It holds one row
//! `(name, seq)` per AUTOINCREMENT table that has received a row: `seq` is
//! the largest rowid ever inserted into that table. A new rowid is one more
//! than the larger of `seq` and the table's current largest rowid, so rowids
//! are never reused; when that would pass the largest 64-bit integer the
//! insert fails with `SQLITE_FULL`. Each inserted row raises `seq` to its
//! rowid (a new row starts from 0); DROP TABLE removes the table's row.
//! A `seq` that is not an integer reads as its numeric value (0 for text).

use crate::storage::{SeekOp, Store};
use chorus_storage::record::{encode_record, RecordReader};
use chorus_storage::{Error, PageNo, Result, ResultCode, ValueRef};

pub const SEQUENCE_SQL: &str = "CREATE TABLE sqlite_sequence(name,seq)";

/// The first `sqlite_sequence` row for `table`: (its rowid, seq).
fn find(store: &mut dyn Store, root: PageNo, table: &str) -> Result<Option<(i64, i64)>> {
    let mut c = store.table_cursor(root)?;
    let mut ok = c.first()?;
    while ok {
        let r = RecordReader::new(c.payload()?)?;
        let name_matches = r.column_count() > 0
            && matches!(r.column(0)?, ValueRef::Text(t) if t == table.as_bytes());
        if name_matches {
            let seq = if r.column_count() > 1 {
                match r.column(1)? {
                    ValueRef::Integer(i) => i,
                    ValueRef::Real(f) => f as i64,
                    ValueRef::Text(t) => std::str::from_utf8(t)
                        .ok()
                        .and_then(|s| s.trim().parse::<i64>().ok())
                        .unwrap_or(0),
                    _ => 0,
                }
            } else {
                0
            };
            return Ok(Some((c.rowid(), seq)));
        }
        ok = c.next()?;
    }
    Ok(None)
}

/// The rowid for a new row of an AUTOINCREMENT table whose largest rowid
/// is `max_rowid`.
pub fn next_rowid(
    store: &mut dyn Store,
    seq_root: PageNo,
    table: &str,
    max_rowid: Option<i64>,
) -> Result<i64> {
    let seq = find(store, seq_root, table)?.map_or(0, |(_, s)| s);
    let base = seq.max(max_rowid.unwrap_or(0));
    base.checked_add(1)
        .ok_or_else(|| Error::new(ResultCode::FULL, "database or disk is full"))
}

/// Record that `rowid` was inserted into `table`.
pub fn note_rowid(store: &mut dyn Store, seq_root: PageNo, table: &str, rowid: i64) -> Result<()> {
    let found = find(store, seq_root, table)?;
    let (at, seq) = match found {
        Some((_, seq)) if seq >= rowid => return Ok(()),
        Some((at, _)) => (at, rowid),
        None => {
            let mut c = store.table_cursor(seq_root)?;
            (c.max_rowid()?.unwrap_or(0) + 1, rowid.max(0))
        }
    };
    let mut rec = Vec::new();
    encode_record(
        &[ValueRef::Text(table.as_bytes()), ValueRef::Integer(seq)],
        &mut rec,
    );
    store.table_cursor(seq_root)?.insert(at, &rec)
}

/// Remove `table`'s rows (DROP TABLE).
pub fn forget(store: &mut dyn Store, seq_root: PageNo, table: &str) -> Result<()> {
    let mut victims = Vec::new();
    {
        let mut c = store.table_cursor(seq_root)?;
        let mut ok = c.first()?;
        while ok {
            let r = RecordReader::new(c.payload()?)?;
            if r.column_count() > 0
                && matches!(r.column(0)?, ValueRef::Text(t) if t == table.as_bytes())
            {
                victims.push(c.rowid());
            }
            ok = c.next()?;
        }
    }
    let mut c = store.table_cursor(seq_root)?;
    for v in victims {
        if c.seek_rowid(v, SeekOp::Eq)? {
            c.delete()?;
        }
    }
    Ok(())
}
