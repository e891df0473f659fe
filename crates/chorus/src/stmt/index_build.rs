//! CREATE INDEX's entry sorter: the entries of a table's rows (records,
//! back to back in one buffer) are sorted in runs of up to
//! [`SORT_RUN_BYTES`] and written in key order.
//!
//! Sorting: each entry gets an order prefix (`order_prefix`: storage class
//! and the first 15 bytes or the integer of its first field), so most
//! comparisons are one 128-bit comparison; equal prefixes, and every pair
//! when some entry has no prefix (a REAL, a collated text), compare whole
//! records. Entries move as (prefix, span) items, never as records.
//!
//! Writing: the first run goes into the new, empty index through the
//! store's bulk load (pages filled bottom-up, no descent per entry); later
//! runs, when the table's entries exceed one run, are inserted one by one.
//! A UNIQUE index refuses two entries whose key columns are equal and not
//! NULL: sorted neighbours within a run, or an entry of a later run that
//! is already in the tree.

use crate::exec::expr::Cx;
use crate::exec::write::TableWriter;
use chorus_storage::record::{
    compare_record_prefix, compare_records, order_prefix, prefix_has_null,
};
use chorus_storage::record::{KeyInfo, RecordReader};
use chorus_storage::{Result, ValueRef};
use std::cmp::Ordering;

/// Bytes of index entries sorted and written at a time.
pub const SORT_RUN_BYTES: usize = 64 << 20;

#[cfg(not(test))]
fn run_limit() -> usize {
    SORT_RUN_BYTES
}

// Unit tests shrink runs (per thread) to reach the several-runs path.
#[cfg(test)]
thread_local! {
    static RUN_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(SORT_RUN_BYTES) };
}

#[cfg(test)]
fn run_limit() -> usize {
    RUN_LIMIT.with(|l| l.get())
}

/// One entry waiting to be sorted: its order prefix and its record's
/// (start, end) in the run's buffer.
#[derive(Clone, Copy)]
struct Item {
    prefix: u128,
    start: usize,
    end: usize,
}

/// Index entries waiting to be sorted: their records back to back.
#[derive(Default)]
pub struct SortRun {
    pub bytes: Vec<u8>,
    items: Vec<Item>,
    /// Every entry so far has an order prefix.
    prefixed: bool,
    /// Runs written so far.
    runs: usize,
}

impl SortRun {
    pub fn new() -> SortRun {
        SortRun {
            prefixed: true,
            ..SortRun::default()
        }
    }

    /// Record that the entry at `bytes[start..]` (just appended) is complete.
    pub fn push(&mut self, start: usize, ki: &KeyInfo) {
        let end = self.bytes.len();
        let prefix = match order_prefix(&self.bytes[start..end], ki) {
            Some(p) => p,
            None => {
                self.prefixed = false;
                0
            }
        };
        self.items.push(Item { prefix, start, end });
    }

    /// Whether the run is big enough to be written.
    pub fn full(&self) -> bool {
        self.bytes.len() >= run_limit()
    }

    /// Sort the run and write it into the writer's index 0, then empty it.
    pub fn write(&mut self, w: &mut TableWriter, cx: &mut Cx<'_>) -> Result<()> {
        let idx = w.indexes[0].index.clone();
        let ki = w.indexes[0].key_info.clone();
        let bytes = &self.bytes;
        let mut failed = None;
        let mut full = |a: &Item, b: &Item| match compare_records(
            &bytes[a.start..a.end],
            &bytes[b.start..b.end],
            &ki,
        ) {
            Ok(o) => o,
            Err(e) => {
                failed.get_or_insert(e);
                Ordering::Equal
            }
        };
        if self.prefixed {
            self.items
                .sort_unstable_by(|a, b| a.prefix.cmp(&b.prefix).then_with(|| full(a, b)));
        } else {
            self.items.sort_unstable_by(|a, b| full(a, b));
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let first = self.runs == 0;
        self.runs += 1;
        let bulk = first && w.index_cursor(0, cx)?.bulk_begin()?;
        let ncols = idx.columns.len();
        let mut prev: Option<&[u8]> = None;
        for it in &self.items {
            let rec = &bytes[it.start..it.end];
            if idx.unique && !prefix_has_null(rec, ncols)? {
                let dup = match prev {
                    Some(p) => compare_record_prefix(rec, p, &ki, ncols)? == Ordering::Equal,
                    None => false,
                };
                if dup || (!first && in_tree(w, cx, rec, ncols)?) {
                    return Err(crate::exec::write::unique_error(&w.table, &idx));
                }
            }
            if bulk {
                w.index_cursor(0, cx)?.bulk_push(rec)?;
            } else {
                w.insert_index_record(0, cx, rec)?;
            }
            prev = Some(rec);
        }
        if bulk {
            w.index_cursor(0, cx)?.bulk_finish()?;
        }
        self.bytes.clear();
        self.items.clear();
        Ok(())
    }
}

/// Whether index 0 already holds an entry with `rec`'s first `ncols` fields.
fn in_tree(w: &mut TableWriter, cx: &mut Cx<'_>, rec: &[u8], ncols: usize) -> Result<bool> {
    let r = RecordReader::new(rec)?;
    let key = (0..ncols.min(r.column_count()))
        .map(|i| r.column(i))
        .collect::<Result<Vec<ValueRef>>>()?;
    w.index_has_key(0, cx, &key)
}

#[cfg(test)]
mod tests {
    use super::RUN_LIMIT;

    /// The same statements in Chorus (runs of ~1 KiB: the first run
    /// bulk-loaded, dozens more inserted) and SQLite: same answers, same
    /// UNIQUE errors (duplicates in different runs), sound trees.
    #[test]
    fn several_runs_match_sqlite() {
        RUN_LIMIT.with(|l| l.set(1024));
        let c = crate::Connection::open_in_memory().unwrap();
        let s = rusqlite::Connection::open_in_memory().unwrap();
        let setup = "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT);
            WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 4000)
            INSERT INTO t SELECT k, CASE WHEN k % 9 = 0 THEN NULL ELSE (k * 7919) % 4001 END,
              printf('b%05d', (k * 31) % 3989) FROM n;";
        c.execute_batch(setup).unwrap();
        s.execute_batch(setup).unwrap();
        let stmts = [
            "CREATE INDEX ta ON t(a)",
            "CREATE INDEX tb_desc ON t(b DESC, a)",
            "CREATE UNIQUE INDEX tu_a ON t(a)",
            // b repeats after 3989 rows: the duplicate pair lies in different runs.
            "CREATE UNIQUE INDEX tu_b ON t(b)",
            "CREATE UNIQUE INDEX tu_ba ON t(b, a)",
            "CREATE INDEX tpart ON t(b) WHERE a > 2000",
        ];
        for st in stmts {
            let got = c.execute_batch(st).map_err(|e| e.to_string());
            let want = s.execute_batch(st).map_err(|e| e.to_string());
            assert_eq!(got.is_ok(), want.is_ok(), "{st}: {got:?} vs {want:?}");
            if let (Err(g), Err(w)) = (&got, &want) {
                assert!(g.contains("UNIQUE constraint failed: t.b"), "{g}");
                assert!(w.contains("UNIQUE constraint failed: t.b"), "{w}");
            }
        }
        let ok: String = c
            .query_row("PRAGMA integrity_check", (), |r| r.get::<String>(0))
            .unwrap();
        assert_eq!(ok, "ok");
        for q in [
            "SELECT group_concat(id) FROM (SELECT id FROM t INDEXED BY ta WHERE a > 3900 ORDER BY a)",
            "SELECT group_concat(id) FROM (SELECT id FROM t INDEXED BY tb_desc WHERE b > 'b03900' ORDER BY b DESC, a)",
            "SELECT count(*) || ',' || sum(id) FROM t INDEXED BY tu_ba WHERE b > ''",
            "SELECT count(*) || ',' || sum(id) FROM t INDEXED BY tpart WHERE a > 2000 AND b > ''",
            "SELECT count(*) || ',' || sum(id) FROM t INDEXED BY tu_a WHERE a IS NOT NULL",
        ] {
            let got: String = c.query_row(q, (), |r| r.get::<String>(0)).unwrap();
            let want: String = s.query_row(q, [], |r| r.get(0)).unwrap();
            assert_eq!(got, want, "{q}");
        }
        RUN_LIMIT.with(|l| l.set(super::SORT_RUN_BYTES));
    }
}
