//! Fuzz target: arbitrary bytes as a database image; when the integrity
//! checker finds the file sound, edit it through the B-tree module (inserts,
//! overwrites and deletes in every tree, with small and overflowing
//! payloads, then the auto-vacuum step and commit) and require the checker
//! to find the result sound again, with the expected number of entries.
//! This is the checker doing its job: an independent witness of B-tree,
//! freelist and pointer-map writes. The edits are chosen by a PRNG seeded
//! from the input, so every failure replays from its input alone.
#![no_main]

use chorus_storage::btree::{autovacuum_commit, count_entries, BTreeCursor, SeekOp, TreeKind};
use chorus_storage::integrity::{check_integrity, schema_trees, TreeShape};
use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::record::{encode_record_enc, TextEncoding};
use chorus_storage::vfs::{MemoryVfs, OpenFlags, Vfs};
use chorus_storage::{RowId, ValueRef};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fuzz_target!(|data: &[u8]| {
    let vfs = Arc::new(MemoryVfs::new());
    {
        let flags = OpenFlags {
            read_only: false,
            create: true,
            delete_on_close: false,
        };
        let f = vfs.open("edit.db", flags).expect("memory file");
        f.write_at(data, 0).expect("memory write");
    }
    let Ok(mut pager) = Pager::open(vfs, "edit.db", PagerOptions::default()) else {
        return;
    };
    if pager.begin_read().is_err() || pager.page_count() > 2000 {
        return;
    }
    let Ok(roots) = schema_trees(&pager) else {
        return;
    };
    if !matches!(check_integrity(&pager, &roots, 10), Ok(e) if e.is_empty()) {
        return;
    }
    let mut counts = Vec::new();
    for (root, _, _) in &roots {
        match count_entries(&pager, *root) {
            Ok(n) => counts.push(n),
            Err(e) => panic!("sound file, count_entries({root}) failed: {e}"),
        }
    }
    let enc = TextEncoding::from_header(pager.header().text_encoding).unwrap_or_default();
    let seed = data
        .iter()
        .rev()
        .take(16)
        .fold(0x9E37_79B9_7F4A_7C15u64, |h, b| {
            (h ^ *b as u64).wrapping_mul(0x100_0000_01B3)
        });
    let mut rng = Rng(seed | 1);
    let usable = pager.usable_size() as u64;
    if pager.end_read().is_err() || pager.begin_write().is_err() {
        return;
    }
    let mut seen_roots = std::collections::HashSet::new();
    for (i, (root, shape, name)) in roots.iter().enumerate() {
        if !seen_roots.insert(*root) {
            continue;
        }
        let kind = match shape {
            TreeShape::Table => TreeKind::Table,
            TreeShape::Index(ki) => TreeKind::Index(ki.clone()),
        };
        let mut c = BTreeCursor::new(*root, kind.clone());
        for _ in 0..rng.below(12) {
            let size = match rng.below(4) {
                0 => rng.below(8),
                1 => rng.below(usable / 4),
                2 => usable / 2 + rng.below(usable),
                _ => rng.below(4 * usable),
            } as usize;
            let blob = vec![rng.next() as u8; size];
            let n = rng.below(1 << 20) as i64 - (1 << 19);
            let mut rec = Vec::new();
            let text = format!("k{n}");
            let vals = [
                ValueRef::Text(text.as_bytes()),
                ValueRef::Blob(&blob),
                ValueRef::Integer(n),
            ];
            encode_record_enc(&vals, enc, &mut rec);
            let rowid = if kind.is_table() { n } else { 0 };
            let existed = if kind.is_table() {
                c.seek_rowid(&pager, RowId(rowid), SeekOp::Eq)
            } else {
                c.seek_key(&pager, &vals, SeekOp::Eq)
            }
            .unwrap_or_else(|e| panic!("seek in sound tree {name}: {e}"));
            c.insert(&mut pager, RowId(rowid), &rec)
                .unwrap_or_else(|e| panic!("insert into sound tree {name}: {e}"));
            if !existed {
                counts[i] += 1;
            }
        }
        for _ in 0..rng.below(8) {
            let found = if rng.below(2) == 0 {
                c.first(&pager)
            } else {
                c.last(&pager)
            }
            .unwrap_or_else(|e| panic!("first/last in {name}: {e}"));
            if !found {
                break;
            }
            c.delete(&mut pager)
                .unwrap_or_else(|e| panic!("delete from sound tree {name}: {e}"));
            counts[i] -= 1;
        }
    }
    autovacuum_commit(&mut pager).unwrap_or_else(|e| panic!("autovacuum_commit: {e}"));
    pager.commit().unwrap_or_else(|e| panic!("commit: {e}"));
    pager.begin_read().expect("begin_read after commit");
    let after = check_integrity(&pager, &roots, 20).expect("check after edit");
    assert!(
        after.is_empty(),
        "edits broke a sound file:\n{}",
        after.join("\n")
    );
    let mut seen_roots = std::collections::HashSet::new();
    for (i, (root, _, name)) in roots.iter().enumerate() {
        if seen_roots.insert(*root) {
            let n = count_entries(&pager, *root).expect("count after edit");
            assert_eq!(n, counts[i], "entry count of {name} after edits");
        }
    }
});
