//! Shared helpers of the B-tree tests: databases on disk through the OS VFS,
//! schema rows, a small deterministic RNG.
#![allow(dead_code)]

use chorus_storage::btree::{autovacuum_commit, BTreeCursor, SeekOp, TreeKind};
use chorus_storage::pager::{AutoVacuum, Pager, PagerOptions};
use chorus_storage::record::encode_record;
use chorus_storage::vfs::OsVfs;
use chorus_storage::{PageNo, RowId, ValueRef};
use std::sync::Arc;

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub path: String,
    pub pager: Pager,
}

pub fn open_db(page_size: usize, av: AutoVacuum) -> TestDb {
    open_db_reserved(page_size, av, 0)
}

pub fn open_db_reserved(page_size: usize, av: AutoVacuum, reserved_bytes: u8) -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db").to_str().unwrap().to_string();
    let opts = PagerOptions {
        page_size,
        auto_vacuum: av,
        reserved_bytes,
        ..PagerOptions::default()
    };
    let pager = Pager::open(Arc::new(OsVfs::new()), &path, opts).unwrap();
    TestDb { dir, path, pager }
}

/// Append a row to sqlite_schema (inside a write transaction).
pub fn add_schema(pager: &mut Pager, kind: &str, name: &str, tbl: &str, root: PageNo, sql: &str) {
    let mut c = BTreeCursor::new(PageNo(1), TreeKind::Table);
    let next = if c.last(pager).unwrap() {
        c.rowid().unwrap().0 + 1
    } else {
        1
    };
    let mut rec = Vec::new();
    encode_record(
        &[
            ValueRef::Text(kind.as_bytes()),
            ValueRef::Text(name.as_bytes()),
            ValueRef::Text(tbl.as_bytes()),
            ValueRef::Integer(root.get() as i64),
            ValueRef::Text(sql.as_bytes()),
        ],
        &mut rec,
    );
    c.insert(pager, RowId(next), &rec).unwrap();
    pager
        .update_header(|h| {
            h.schema_cookie += 1;
            if h.schema_format == 0 {
                h.schema_format = 4;
            }
            if h.text_encoding == 0 {
                h.text_encoding = 1;
            }
        })
        .unwrap();
}

/// Commit, running the auto-vacuum step first.
pub fn commit(pager: &mut Pager) {
    autovacuum_commit(pager).unwrap();
    pager.commit().unwrap();
}

pub fn integrity_check(path: &str) -> String {
    let db = rusqlite::Connection::open(path).unwrap();
    let rows: Vec<String> = db
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows.join("\n")
}

/// The `sqlite3` shell's verdict (3.40, independent of the bundled library);
/// None when the shell is not installed.
pub fn shell_integrity_check(path: &str) -> Option<String> {
    let out = std::process::Command::new("sqlite3")
        .arg(path)
        .arg("PRAGMA integrity_check;")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Our own integrity check over page 1 plus the given trees.
pub fn our_integrity(pager: &Pager, trees: &[(PageNo, TreeKind)]) -> Vec<String> {
    let mut roots = vec![(PageNo(1), TreeKind::Table)];
    roots.extend(trees.iter().cloned());
    chorus_storage::btree::integrity_check(pager, &roots, 100).unwrap()
}

pub fn seek_ops() -> [SeekOp; 5] {
    [SeekOp::Eq, SeekOp::Ge, SeekOp::Gt, SeekOp::Le, SeekOp::Lt]
}

/// Operation count: CHORUS_OPS overrides, CHORUS_SOAK=1 scales to `soak_n`.
pub fn op_count(default: usize, soak_n: usize) -> usize {
    if let Some(n) = std::env::var("CHORUS_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    if soak() {
        soak_n
    } else {
        default
    }
}

pub fn soak() -> bool {
    std::env::var("CHORUS_SOAK").is_ok_and(|v| v == "1")
}
