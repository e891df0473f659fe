//! Fuzz target: arbitrary bytes as a database file image. Opens it through
//! the pager (MemoryVfs), reads `sqlite_schema`, walks every tree it lists
//! decoding every record and comparing neighbouring index keys, walks the
//! freelist and pointer map, and runs the integrity checker. Any panic,
//! hang or runaway allocation is a bug; errors are the expected outcome.
//!
//! The B-tree module's cursor (`BTreeCursor`) walks every tree too, forwards
//! and backwards, and seeks; when the integrity checker calls the file sound,
//! the cursor must succeed and see exactly the entries the checker's own
//! independent walker sees (a differential oracle between the two readers).
#![no_main]

use chorus_storage::btree::{count_entries, tree_pages, BTreeCursor, SeekOp, TreeKind};
use chorus_storage::integrity::{check_integrity, schema_trees, walk_tree, TreeShape};
use chorus_storage::pager::{AutoVacuum, Pager, PagerOptions};
use chorus_storage::record::{compare_records, RecordReader, TextEncoding};
use chorus_storage::vfs::{MemoryVfs, OpenFlags, Vfs};
use chorus_storage::{ptrmap, PageNo, Result, RowId};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let vfs = Arc::new(MemoryVfs::new());
    {
        let flags = OpenFlags {
            read_only: false,
            create: true,
            delete_on_close: false,
        };
        let f = vfs.open("fuzz.db", flags).expect("memory file");
        f.write_at(data, 0).expect("memory write");
    }
    let opts = PagerOptions {
        read_only: true,
        cache_size: 64,
        ..PagerOptions::default()
    };
    let Ok(mut pager) = Pager::open(vfs, "fuzz.db", opts) else {
        return;
    };
    if pager.begin_read().is_err() {
        return;
    }
    let _ = pager.freelist_pages();
    if pager.auto_vacuum() != AutoVacuum::None {
        for p in 2..=pager.page_count().min(64) {
            let _ = ptrmap::get(&pager, PageNo(p));
        }
    }
    let enc = TextEncoding::from_header(pager.header().text_encoding).unwrap_or_default();
    let Ok(roots) = schema_trees(&pager) else {
        return;
    };
    let _ = chorus_storage::schema::read_schema(&pager);
    let report = check_integrity(&pager, &roots, 100);
    let sound = matches!(&report, Ok(v) if v.is_empty());
    let mut walked_roots = std::collections::HashSet::new();
    for (root, shape, _name) in &roots {
        if !walked_roots.insert(*root) {
            continue; // a root listed twice is walked once (no quadratic inputs)
        }
        let mut prev: Option<Vec<u8>> = None;
        let mut mine: Vec<Entry> = Vec::new();
        let walked = walk_tree(&pager, *root, &mut |e| {
            if let Ok(r) = RecordReader::new(e.payload) {
                let _ = r.values(enc);
            }
            if let TreeShape::Index(ki) = shape {
                if let Some(p) = &prev {
                    let _ = compare_records(p, e.payload, ki);
                }
                prev = Some(e.payload.to_vec());
            }
            mine.push((e.rowid, e.payload.to_vec()));
            true
        });
        let kind = match shape {
            TreeShape::Table => TreeKind::Table,
            TreeShape::Index(ki) => TreeKind::Index(ki.clone()),
        };
        let forward = cursor_scan(&pager, *root, &kind, false);
        let backward = cursor_scan(&pager, *root, &kind, true);
        let _ = count_entries(&pager, *root);
        let _ = tree_pages(&pager, *root);
        if walked.is_ok() {
            // Seeks read payloads whole (the known bug above), so only on
            // trees whose payloads the walker could read in full.
            cursor_seeks(&pager, *root, &kind, &mine, enc);
        }
        if sound {
            assert!(walked.is_ok(), "sound file, walker failed: {walked:?}");
            let forward = forward.expect("sound file: cursor forward scan failed");
            assert!(forward == mine, "cursor and walker disagree on tree {root}");
            let mut backward = backward.expect("sound file: cursor backward scan failed");
            backward.reverse();
            assert!(backward == mine, "cursor prev disagrees on tree {root}");
        }
    }
    let _ = pager.end_read();
});

type Entry = (Option<i64>, Vec<u8>);

/// Payloads declared larger than this are not read whole through the cursor
/// (see the known bug above); a sound file in the fuzzer's size range never
/// has one.
const KNOWN_BUG_PAYLOAD_LIMIT: u64 = 1 << 24;

/// Every entry through the B-tree module's cursor.
fn cursor_scan(pager: &Pager, root: PageNo, kind: &TreeKind, backward: bool) -> Result<Vec<Entry>> {
    let mut c = BTreeCursor::new(root, kind.clone());
    let mut out = Vec::new();
    let mut ok = if backward {
        c.last(pager)?
    } else {
        c.first(pager)?
    };
    while ok {
        let rowid = if kind.is_table() {
            Some(c.rowid()?.0)
        } else {
            None
        };
        let len = c.payload_len()?;
        let _ = c.local_payload()?;
        if len > KNOWN_BUG_PAYLOAD_LIMIT {
            // Known bug (fuzz_regressions.rs: cursor_payload_preallocates_declared_length):
            // `payload()` reserves the declared length before reading the chain.
            out.push((rowid, c.payload_prefix(pager, 64)?.into_owned()));
        } else {
            out.push((rowid, c.payload(pager)?.into_owned()));
        }
        if out.len() > 1_000_000 {
            break;
        }
        ok = if backward {
            c.prev(pager)?
        } else {
            c.next(pager)?
        };
    }
    Ok(out)
}

/// A few seeks, for their bounds checks only (results not asserted).
fn cursor_seeks(
    pager: &Pager,
    root: PageNo,
    kind: &TreeKind,
    entries: &[Entry],
    enc: TextEncoding,
) {
    let mut c = BTreeCursor::new(root, kind.clone());
    let ops = [SeekOp::Eq, SeekOp::Ge, SeekOp::Gt, SeekOp::Le, SeekOp::Lt];
    if kind.is_table() {
        let mut keys: Vec<i64> = vec![0, -1, i64::MIN, i64::MAX];
        keys.extend(entries.iter().take(3).filter_map(|e| e.0));
        for k in keys {
            for op in ops {
                if c.seek_rowid(pager, RowId(k), op).unwrap_or(false) {
                    let _ = c.payload_prefix(pager, 16);
                    let _ = c.next(pager);
                    let _ = c.prev(pager);
                }
            }
        }
    } else {
        for e in entries.iter().take(2) {
            let Ok(vals) = chorus_storage::record::decode_record(&e.1, enc) else {
                continue;
            };
            let key: Vec<_> = vals.iter().map(|v| v.as_ref()).collect();
            for op in ops {
                if c.seek_key(pager, &key, op).unwrap_or(false) {
                    let _ = c.payload(pager);
                    let _ = c.prev(pager);
                }
            }
        }
        for op in ops {
            let _ = c.seek_key(pager, &[], op);
        }
    }
}
