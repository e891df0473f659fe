//! Covering indexes: a table scan whose read columns one index holds (the
//! rowid is in every index entry) reads the index entries alone and never
//! visits the table, as SQLite's `USING COVERING INDEX`.
//!
//! - A search the access-path choice already put on an index becomes
//!   covering when that index holds every column the statement reads from
//!   the table.
//! - A full scan becomes a covering index scan when an index holds the
//!   columns and its entries are narrower than the table's rows, by
//!   SQLite's estimate (`estimateTableWidth` / `estimateIndexWidth`: a
//!   per-column size guessed from the declared type, compared in LogEst
//!   units); among several, the narrowest, and on a tie the index created
//!   last (SQLite keeps a table's indexes newest first). Rows then come in
//!   index order, as from SQLite.
//!
//! The columns a statement reads are recorded by the binder as it resolves
//! names (`Binder::used_cols`), so the decision is made after the select's
//! expressions (and the subqueries inside them) are bound. WITHOUT ROWID
//! tables, tables with generated columns, partial indexes and indexes on
//! expressions are left alone.

use super::bind::Binder;
use crate::exec::source::{Access, Source, TableScan};
use crate::schema::{Index, Table};
use std::sync::Arc;

/// Make the table scans of `source` covering where an index allows it.
/// `tables` maps each table scan's slot to its table.
pub(super) fn apply(b: &Binder, source: &mut Source, tables: &[(usize, Arc<Table>)]) {
    let mut stack: Vec<&mut Source> = vec![source];
    while let Some(s) = stack.pop() {
        match s {
            Source::Table(ts) => {
                if let Some((_, t)) = tables.iter().find(|(slot, _)| *slot == ts.slot) {
                    apply_one(b, ts, t);
                }
            }
            Source::Mat(_) => {}
            Source::Join(j) => {
                stack.push(&mut j.left);
                stack.push(&mut j.right);
            }
        }
    }
}

/// Whether a scan of `t` in `slot` could read index `idx` alone.
pub(super) fn index_covers(b: &Binder, t: &Table, slot: usize, idx: &Index) -> bool {
    t.without_rowid.is_none()
        && t.gen.is_none()
        && idx.partial.is_none()
        && idx.columns.iter().all(|c| c.col.is_some())
        && b.used_cols.iter().all(|(s, col)| {
            *s != slot
                || *col == usize::MAX
                || Some(*col) == t.rowid_alias
                || idx.columns.iter().any(|c| c.col == Some(*col))
        })
}

fn apply_one(b: &Binder, ts: &mut TableScan, t: &Table) {
    if ts.wr.is_some()
        || ts.not_indexed
        || t.without_rowid.is_some()
        || t.gen.is_some()
        || ts.covering.is_some()
    {
        return;
    }
    let used: Vec<usize> = b
        .used_cols
        .iter()
        .filter(|(slot, col)| *slot == ts.slot && *col != usize::MAX)
        .map(|(_, col)| *col)
        .collect();
    let candidates: Vec<Arc<Index>> = b
        .schema
        .indexes_for(t)
        .into_iter()
        .filter(|i| i.partial.is_none() && i.columns.iter().all(|c| c.col.is_some()))
        .collect();
    let covers = |idx: &Index| {
        used.iter()
            .all(|u| Some(*u) == t.rowid_alias || idx.columns.iter().any(|c| c.col == Some(*u)))
    };
    match &ts.access {
        Access::Index(ia) => {
            if let Some(idx) = candidates
                .iter()
                .find(|i| i.root == ia.root && i.name == ia.name)
            {
                if covers(idx) {
                    ts.covering = Some(entry_map(t, idx));
                }
            }
        }
        Access::Full if !ts.ordered => {
            let table_w = table_width(t);
            let mut best: Option<(i32, &Arc<Index>)> = None;
            // Newest first, as SQLite walks a table's indexes; a later one
            // replaces the choice only when strictly narrower.
            for idx in candidates.iter().rev() {
                if !covers(idx) {
                    continue;
                }
                let w = index_width(t, idx);
                if w < table_w && best.is_none_or(|(bw, _)| w < bw) {
                    best = Some((w, idx));
                }
            }
            if let Some((_, idx)) = best {
                ts.access = super::access_path::index_walk(t, idx);
                ts.covering = Some(entry_map(t, idx));
            }
        }
        Access::Full | Access::RowidEq(_) | Access::RowidIn(_) | Access::RowidRange { .. } => {}
    }
}

/// Put back a full scan that `apply` moved onto a covering index (a later
/// step may prefer another index or the table's own order; `apply` runs
/// again after it).
pub(super) fn undo_full_scan(ts: &mut TableScan) {
    if let Access::Index(ia) = &ts.access {
        if ts.covering.is_some()
            && ia.eq.is_empty()
            && ia.lo.is_none()
            && ia.hi.is_none()
            && !ts.ordered
            && ts.one_row.is_none()
        {
            ts.access = Access::Full;
            ts.covering = None;
        }
    }
}

/// Table column -> index entry field (`usize::MAX` where the index lacks it).
fn entry_map(t: &Table, idx: &Index) -> Arc<[usize]> {
    let mut map = vec![usize::MAX; t.columns.len()];
    for (pos, c) in idx.columns.iter().enumerate() {
        if let Some(m) = c.col.and_then(|col| map.get_mut(col)) {
            if *m == usize::MAX {
                *m = pos;
            }
        }
    }
    Arc::from(map)
}

/// SQLite's `sqlite3LogEst`: about 10 * log2(x).
pub(super) fn log_est(mut x: u64) -> i32 {
    const A: [i32; 8] = [0, 2, 3, 5, 6, 7, 8, 9];
    let mut y = 40;
    if x < 8 {
        if x < 2 {
            return 0;
        }
        while x < 8 {
            y -= 10;
            x <<= 1;
        }
    } else {
        let i = 60 - x.leading_zeros() as i32;
        y += i * 10;
        x >>= i;
    }
    A[(x & 7) as usize] + y - 10
}

/// SQLite's size estimate of a column from its declared type (the
/// `szEst` of `sqlite3AffinityType`; an integer is 1).
pub(super) fn size_est(decl: &str) -> u32 {
    if decl.is_empty() {
        return 1;
    }
    #[derive(PartialEq)]
    enum Aff {
        Numeric,
        Text,
        Blob,
        Real,
        Integer,
    }
    let bytes = decl.as_bytes();
    let mut h: u32 = 0;
    let mut aff = Aff::Numeric;
    let mut zchar: Option<usize> = None;
    for (i, c) in bytes.iter().enumerate() {
        h = (h << 8) | u32::from(c.to_ascii_lowercase());
        let next = i + 1;
        if h == u32::from_be_bytes(*b"char") {
            aff = Aff::Text;
            zchar = Some(next);
        } else if h == u32::from_be_bytes(*b"clob") || h == u32::from_be_bytes(*b"text") {
            aff = Aff::Text;
        } else if h == u32::from_be_bytes(*b"blob") && matches!(aff, Aff::Numeric | Aff::Real) {
            aff = Aff::Blob;
            if bytes.get(next) == Some(&b'(') {
                zchar = Some(next);
            }
        } else if (h == u32::from_be_bytes(*b"real")
            || h == u32::from_be_bytes(*b"floa")
            || h == u32::from_be_bytes(*b"doub"))
            && aff == Aff::Numeric
        {
            aff = Aff::Real;
        } else if h & 0x00FF_FFFF == u32::from_be_bytes(*b"\0int") {
            aff = Aff::Integer;
            break;
        }
    }
    let mut v: u64 = 0;
    if matches!(aff, Aff::Text | Aff::Blob) {
        match zchar {
            Some(z) => {
                let rest = bytes.get(z..).unwrap_or(&[]);
                if let Some(d) = rest.iter().position(|c| c.is_ascii_digit()) {
                    // sqlite3GetInt32: the digits there, 0 if they overflow.
                    let digits: Vec<u8> = rest[d..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .copied()
                        .collect();
                    let n = std::str::from_utf8(&digits)
                        .ok()
                        .and_then(|s| s.parse::<u64>().ok())
                        .filter(|n| *n <= i32::MAX as u64);
                    v = n.unwrap_or(0);
                }
            }
            None => v = 16,
        }
    }
    (v / 4 + 1).min(255) as u32
}

/// SQLite's `estimateTableWidth`, in LogEst units.
fn table_width(t: &Table) -> i32 {
    let mut w: u64 = t
        .columns
        .iter()
        .map(|c| u64::from(size_est(&c.decltype)))
        .sum();
    if t.rowid_alias.is_none() {
        w += 1;
    }
    log_est(w * 4)
}

/// SQLite's `estimateIndexWidth` (the columns plus the rowid), in LogEst units.
pub(super) fn index_width(t: &Table, idx: &Index) -> i32 {
    let mut w: u64 = 1;
    for c in &idx.columns {
        w += c
            .col
            .and_then(|i| t.columns.get(i))
            .map_or(1, |c| u64::from(size_est(&c.decltype)));
    }
    log_est(w * 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_est_matches_sqlite() {
        // Values from SQLite's sqlite3LogEst.
        assert_eq!(log_est(0), 0);
        assert_eq!(log_est(1), 0);
        assert_eq!(log_est(2), 10);
        assert_eq!(log_est(8), 30);
        assert_eq!(log_est(12), 36);
        assert_eq!(log_est(100), 66);
        assert_eq!(log_est(108), 67);
        assert_eq!(log_est(112), 68);
        assert_eq!(log_est(1000), 99);
    }

    #[test]
    fn size_estimates_follow_declared_types() {
        assert_eq!(size_est(""), 1);
        assert_eq!(size_est("INTEGER"), 1);
        assert_eq!(size_est("TEXT"), 5);
        assert_eq!(size_est("blob"), 5);
        assert_eq!(size_est("VARCHAR(100)"), 26);
        assert_eq!(size_est("CHAR"), 1);
        assert_eq!(size_est("REAL"), 1);
        assert_eq!(size_est("BLOB(40)"), 11);
        assert_eq!(size_est("CHARINT"), 1);
    }
}
