//! Databases SQLite made, corrupted in targeted ways: the checker must report
//! the damage (and SQLite's own `PRAGMA integrity_check` must disagree with
//! "ok" too), and must never panic or hang.

mod integrity_support;

use chorus_storage::integrity::{check_integrity, schema_trees, TreeShape};
use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::record::KeyInfo;
use chorus_storage::vfs::OsVfs;
use integrity_support::{build_db, chorus_check, sqlite_check};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const PS: usize = 1024;

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Db {
    fn new(auto_vacuum: &str) -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        build_db(&path, PS, auto_vacuum, "UTF-8", 600);
        assert_eq!(sqlite_check(&path), "ok");
        assert_eq!(chorus_check(&path).unwrap(), Vec::<String>::new());
        let bytes = std::fs::read(&path).unwrap();
        Db {
            _dir: dir,
            path,
            bytes,
        }
    }

    fn root(&self, name: &str) -> u32 {
        let c = rusqlite::Connection::open(&self.path).unwrap();
        c.query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name=?1",
            [name],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn off(&self, pgno: u32) -> usize {
        (pgno as usize - 1) * PS + if pgno == 1 { 100 } else { 0 }
    }

    fn flags(&self, pgno: u32) -> u8 {
        self.bytes[self.off(pgno)]
    }

    /// Byte offset (in the file) of cell pointer `i` of a page.
    fn cell_ptr_at(&self, pgno: u32, i: usize) -> usize {
        let leaf = self.flags(pgno) & 8 != 0;
        self.off(pgno) + if leaf { 8 } else { 12 } + 2 * i
    }

    /// File offset of cell `i`'s content.
    fn cell_at(&self, pgno: u32, i: usize) -> usize {
        let p = self.cell_ptr_at(pgno, i);
        (pgno as usize - 1) * PS + u16::from_be_bytes([self.bytes[p], self.bytes[p + 1]]) as usize
    }

    fn get32(&self, at: usize) -> u32 {
        u32::from_be_bytes(self.bytes[at..at + 4].try_into().unwrap())
    }

    fn put32(&mut self, at: usize, v: u32) {
        self.bytes[at..at + 4].copy_from_slice(&v.to_be_bytes());
    }

    /// Left child of cell `i` of an interior page.
    fn child(&self, pgno: u32, i: usize) -> u32 {
        self.get32(self.cell_at(pgno, i))
    }

    fn leftmost_leaf(&self, mut pgno: u32) -> u32 {
        while self.flags(pgno) & 8 == 0 {
            pgno = self.child(pgno, 0);
        }
        pgno
    }

    fn save(&self) {
        std::fs::write(&self.path, &self.bytes).unwrap();
    }

    /// Write the corrupted bytes, run both checkers, return ours.
    fn check_both(&self) -> Vec<String> {
        self.save();
        let sqlite = sqlite_check(&self.path);
        assert_ne!(sqlite, "ok", "SQLite found nothing wrong");
        let ours = chorus_check(&self.path).expect("checker should run");
        if std::env::var("SHOW").is_ok() {
            eprintln!("SQLITE: {sqlite}\nOURS: {}", ours.join("\n"));
        }
        assert!(
            !ours.is_empty(),
            "checker found nothing; SQLite says {sqlite}"
        );
        assert!(ours[0].starts_with("*** in database main ***\n"));
        ours
    }
}

fn has(errors: &[String], needle: &str) -> bool {
    errors.iter().any(|e| e.contains(needle))
}

#[test]
fn child_pointer_to_an_index_page() {
    let mut db = Db::new("NONE");
    let root = db.root("t1");
    assert_eq!(db.flags(root), 0x05, "t1 should have interior levels");
    let rc = db.off(root) + 8;
    let index_page = db.root("t1b");
    db.put32(rc, index_page);
    let e = db.check_both();
    assert!(has(&e, "2nd reference to page"), "{e:#?}");
    assert!(has(&e, "never used"), "{e:#?}");
}

#[test]
fn child_pointer_past_the_end() {
    let mut db = Db::new("NONE");
    let root = db.root("t1");
    let at = db.cell_at(root, 0);
    let beyond = (db.bytes.len() / PS) as u32 + 10;
    db.put32(at, beyond);
    let e = db.check_both();
    assert!(has(&e, &format!("invalid page number {beyond}")), "{e:#?}");
}

#[test]
fn child_pointer_cycle_terminates() {
    let mut db = Db::new("NONE");
    let root = db.root("t1");
    let at = db.cell_at(root, 1);
    db.put32(at, root);
    let e = db.check_both();
    assert!(has(&e, &format!("2nd reference to page {root}")), "{e:#?}");
}

#[test]
fn duplicate_page_reference() {
    let mut db = Db::new("NONE");
    let root = db.root("t1");
    let first = db.child(root, 0);
    let lost = db.child(root, 1);
    let at = db.cell_at(root, 1);
    db.put32(at, first);
    let e = db.check_both();
    assert!(has(&e, &format!("2nd reference to page {first}")), "{e:#?}");
    assert!(has(&e, &format!("Page {lost}: never used")), "{e:#?}");
}

#[test]
fn freelist_count_off_by_one() {
    let mut db = Db::new("NONE");
    let n = db.get32(36);
    assert!(n > 0, "fixture has free pages");
    db.put32(36, n + 1);
    let e = db.check_both();
    assert!(
        has(&e, &format!("size is {n} but should be {}", n + 1)),
        "{e:#?}"
    );
}

#[test]
fn freelist_trunk_points_into_a_table() {
    let mut db = Db::new("NONE");
    let leaf = db.leftmost_leaf(db.root("t1"));
    let trunk = db.get32(32);
    // Make the first freelist trunk list a table leaf as a free page.
    let t = (trunk as usize - 1) * PS;
    let n = db.get32(t + 4) as usize;
    db.put32(t + 8 + 4 * n, leaf);
    db.put32(t + 4, n as u32 + 1);
    let count = db.get32(36);
    db.put32(36, count + 1);
    let e = db.check_both();
    assert!(has(&e, &format!("2nd reference to page {leaf}")), "{e:#?}");
}

#[test]
fn truncated_file() {
    let mut db = Db::new("NONE");
    let pages = db.bytes.len() / PS;
    db.bytes.truncate((pages - 3) * PS);
    db.save();
    assert_ne!(sqlite_check(&db.path), "ok");
    // The header still claims the old size: the pager refuses the file.
    let r = chorus_check(&db.path);
    assert!(r.as_ref().map_or(true, |e| !e.is_empty()), "{r:?}");
    // Without a trustworthy in-header size the file size counts, and the
    // pages that went missing are reported.
    db.put32(28, 0);
    let e = db.check_both();
    assert!(has(&e, "invalid page number"), "{e:#?}");
}

#[test]
fn swapped_cells_in_a_table_leaf() {
    let mut db = Db::new("NONE");
    let leaf = db.leftmost_leaf(db.root("t1"));
    let (p0, p1) = (db.cell_ptr_at(leaf, 0), db.cell_ptr_at(leaf, 1));
    let (a, b) = (
        [db.bytes[p0], db.bytes[p0 + 1]],
        [db.bytes[p1], db.bytes[p1 + 1]],
    );
    db.bytes[p0..p0 + 2].copy_from_slice(&b);
    db.bytes[p1..p1 + 2].copy_from_slice(&a);
    let e = db.check_both();
    assert!(has(&e, "out of order"), "{e:#?}");
}

#[test]
fn swapped_cells_in_an_index_leaf() {
    let mut db = Db::new("NONE");
    let leaf = db.leftmost_leaf(db.root("t2x"));
    let (p0, p1) = (db.cell_ptr_at(leaf, 0), db.cell_ptr_at(leaf, 1));
    let (a, b) = (
        [db.bytes[p0], db.bytes[p0 + 1]],
        [db.bytes[p1], db.bytes[p1 + 1]],
    );
    db.bytes[p0..p0 + 2].copy_from_slice(&b);
    db.bytes[p1..p1 + 2].copy_from_slice(&a);
    let e = db.check_both();
    assert!(has(&e, "Key out of order in index t2x"), "{e:#?}");
}

#[test]
fn fragment_count_mismatch() {
    let mut db = Db::new("NONE");
    let leaf = db.leftmost_leaf(db.root("t1"));
    let at = db.off(leaf) + 7;
    db.bytes[at] = db.bytes[at].wrapping_add(3);
    let e = db.check_both();
    assert!(has(&e, &format!("on page {leaf}")), "{e:#?}");
    assert!(has(&e, "Fragmentation of"), "{e:#?}");
}

#[test]
fn cell_offset_out_of_range() {
    let mut db = Db::new("NONE");
    let leaf = db.leftmost_leaf(db.root("t1"));
    let p = db.cell_ptr_at(leaf, 0);
    db.bytes[p..p + 2].copy_from_slice(&3u16.to_be_bytes());
    let e = db.check_both();
    assert!(has(&e, "Offset 3 out of range"), "{e:#?}");
}

#[test]
fn overlapping_cells() {
    let mut db = Db::new("NONE");
    let leaf = db.leftmost_leaf(db.root("t1"));
    let (p0, p1) = (db.cell_ptr_at(leaf, 0), db.cell_ptr_at(leaf, 1));
    let c1 = [db.bytes[p1], db.bytes[p1 + 1]];
    db.bytes[p0..p0 + 2].copy_from_slice(&c1);
    let e = db.check_both();
    assert!(has(&e, "Multiple uses for byte"), "{e:#?}");
}

#[test]
fn broken_overflow_chain() {
    let mut db = Db::new("NONE");
    // A row of `big` holds randomblob(3 pages): its chain has 3+ pages.
    let leaf = db.leftmost_leaf(db.root("big"));
    let cell = db.cell_at(leaf, 0);
    // Leaf cell: varint payload size, varint rowid, local bytes, u32 overflow.
    let (mut payload, mut i) = (0u64, cell);
    loop {
        let b = db.bytes[i];
        payload = (payload << 7) | (b & 0x7f) as u64;
        i += 1;
        if b < 0x80 {
            break;
        }
    }
    assert!(payload > 3 * PS as u64);
    i += 1; // one-byte rowid
    let usable = PS as u64;
    let (max, min) = (usable - 35, (usable - 12) * 32 / 255 - 23);
    let surplus = min + (payload - min) % (usable - 4);
    let local = if surplus <= max { surplus } else { min };
    let ovfl = db.get32(i + local as usize);
    // Cut the chain after its first page.
    db.put32((ovfl as usize - 1) * PS, 0);
    let e = db.check_both();
    assert!(has(&e, "overflow list length is 1 but should be"), "{e:#?}");
    assert!(has(&e, "never used"), "{e:#?}");
}

#[test]
fn wrong_page_type() {
    let mut db = Db::new("NONE");
    let leaf = db.leftmost_leaf(db.root("t1"));
    let at = db.off(leaf);
    db.bytes[at] = 0x0A; // index leaf inside a table
    let e = db.check_both();
    assert!(has(&e, &format!("page {leaf}: index page")), "{e:#?}");
}

#[test]
fn pointer_map_entry_wrong() {
    let mut db = Db::new("FULL");
    // Page 2 is the first pointer-map page; entry for page 3 is at offset 0..5.
    let map = PS;
    assert_ne!(db.bytes[map], 0);
    db.bytes[map] = if db.bytes[map] == 5 { 4 } else { 5 };
    let e = db.check_both();
    assert!(has(&e, "Bad ptr map entry key=3"), "{e:#?}");
}

#[test]
fn max_root_page_disagrees() {
    let mut db = Db::new("INCREMENTAL");
    let mx = db.get32(52);
    db.put32(52, mx - 1);
    let e = db.check_both();
    assert!(
        has(
            &e,
            &format!("max rootpage ({mx}) disagrees with header ({})", mx - 1)
        ),
        "{e:#?}"
    );
}

#[test]
fn error_limit_is_respected() {
    let mut db = Db::new("NONE");
    // Wipe the second half of the file: many pages go bad at once.
    let pages = db.bytes.len() / PS;
    for b in &mut db.bytes[(pages / 2) * PS..] {
        *b = 0xA5;
    }
    db.save();
    let opts = PagerOptions {
        read_only: true,
        ..PagerOptions::default()
    };
    let mut pager = Pager::open(Arc::new(OsVfs), db.path.to_str().unwrap(), opts).unwrap();
    pager.begin_read().unwrap();
    let roots = schema_trees(&pager).unwrap();
    let all = check_integrity(&pager, &roots, 0).unwrap();
    assert!(all.len() > 10, "{}", all.len());
    let few = check_integrity(&pager, &roots, 7).unwrap();
    assert_eq!(few.len(), 7);
    assert_eq!(few[..], all[..7]);
    assert_ne!(sqlite_check(&db.path), "ok");
}

/// Check `path` with one index's key order replaced by `ki`.
fn check_with_key_info(path: &Path, index: &str, ki: KeyInfo) -> Vec<String> {
    let opts = PagerOptions {
        read_only: true,
        ..PagerOptions::default()
    };
    let mut pager = Pager::open(Arc::new(OsVfs), path.to_str().unwrap(), opts).unwrap();
    pager.begin_read().unwrap();
    let mut roots = schema_trees(&pager).unwrap();
    for r in &mut roots {
        if r.2 == index {
            r.1 = TreeShape::Index(ki.clone());
        }
    }
    check_integrity(&pager, &roots, 100).unwrap()
}

#[test]
fn index_order_follows_the_collation() {
    // t2x is on a NOCASE column: ordered with BINARY it is out of order, and
    // a DESC index read as ASC is too — the comparator really is applied.
    let db = Db::new("NONE");
    let e = check_with_key_info(&db.path, "t2x", KeyInfo::binary(2));
    assert!(has(&e, "Key out of order in index t2x"), "{e:#?}");
    let e = check_with_key_info(&db.path, "t1cd", KeyInfo::binary(2));
    assert!(has(&e, "Key out of order in index t1cd"), "{e:#?}");
    let e = check_with_key_info(&db.path, "t1b", KeyInfo::binary(1));
    assert!(e.is_empty(), "{e:#?}");
}

/// Deterministic pseudo-random byte damage: the checker always returns, and
/// whenever it reports a problem SQLite does not call the file "ok" (no
/// false alarms). `CHORUS_SOAK=1` runs many more rounds.
#[test]
fn random_damage_never_panics_nor_false_alarms() {
    let rounds = if std::env::var("CHORUS_SOAK").is_ok() {
        3000
    } else {
        60
    };
    for av in ["NONE", "FULL"] {
        random_damage(av, rounds);
    }
}

fn random_damage(av: &str, rounds: usize) {
    let db = Db::new(av);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let mut reported = 0;
    for _ in 0..rounds {
        let mut bytes = db.bytes.clone();
        for _ in 0..1 + next() % 8 {
            let at = 100 + (next() as usize) % (bytes.len() - 100);
            bytes[at] = next() as u8;
        }
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(e) = chorus_check(&path) {
            if !e.is_empty() {
                reported += 1;
                let sqlite = sqlite_check(&path);
                assert_ne!(sqlite, "ok", "false alarm: {e:#?}");
            }
        }
    }
    assert!(reported > 0);
}
