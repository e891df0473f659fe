//! Corrupt and hostile files: every case returns SQLite's error code, never panics.

use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::vfs::{MemoryVfs, OpenFlags, Vfs};
use chorus_storage::{PageNo, ResultCode};
use std::sync::Arc;

const PS: usize = 1024;

fn opts() -> PagerOptions {
    PagerOptions {
        page_size: PS,
        ..PagerOptions::default()
    }
}

/// A database of `n` pages whose pages `free` are on the freelist.
fn db_with_freelist(vfs: &Arc<dyn Vfs>, name: &str, n: u32, free: &[u32]) -> Pager {
    let mut p = Pager::open(vfs.clone(), name, opts()).unwrap();
    p.begin_write().unwrap();
    while p.page_count() < n {
        p.allocate().unwrap();
    }
    for &f in free {
        p.free(PageNo(f)).unwrap();
    }
    p.commit().unwrap();
    p
}

fn raw_write(vfs: &Arc<dyn Vfs>, name: &str, off: u64, bytes: &[u8]) {
    let f = vfs
        .open(
            name,
            OpenFlags {
                create: false,
                ..OpenFlags::default()
            },
        )
        .unwrap();
    f.write_at(bytes, off).unwrap();
}

fn mem() -> Arc<dyn Vfs> {
    Arc::new(MemoryVfs::new())
}

#[test]
fn garbage_and_short_files_are_not_databases() {
    let vfs = mem();
    raw_write_new(&vfs, "g.db", &[0x55u8; 4096]);
    assert_eq!(
        Pager::open(vfs.clone(), "g.db", opts()).unwrap_err().code,
        ResultCode::NOTADB
    );
    raw_write_new(&vfs, "s.db", b"SQLite format 3\0abc");
    assert_eq!(
        Pager::open(vfs.clone(), "s.db", opts()).unwrap_err().code,
        ResultCode::NOTADB
    );
}

fn raw_write_new(vfs: &Arc<dyn Vfs>, name: &str, bytes: &[u8]) {
    let f = vfs
        .open(
            name,
            OpenFlags {
                create: true,
                ..OpenFlags::default()
            },
        )
        .unwrap();
    f.write_at(bytes, 0).unwrap();
}

#[test]
fn header_page_count_beyond_the_file_is_corrupt() {
    let vfs = mem();
    drop(db_with_freelist(&vfs, "h.db", 5, &[]));
    raw_write(&vfs, "h.db", 28, &9u32.to_be_bytes());
    assert_eq!(
        Pager::open(vfs.clone(), "h.db", opts()).unwrap_err().code,
        ResultCode::CORRUPT
    );
    // once version-valid-for disagrees with the change counter, the file size rules
    raw_write(&vfs, "h.db", 92, &1234u32.to_be_bytes());
    let mut p = Pager::open(vfs.clone(), "h.db", opts()).unwrap();
    p.begin_read().unwrap();
    assert_eq!(p.page_count(), 5);
    p.end_read().unwrap();
    // a stale but valid-looking smaller count is used as is (SQLite does too)
    raw_write(&vfs, "h.db", 28, &3u32.to_be_bytes());
    raw_write(&vfs, "h.db", 92, &p.header().change_counter.to_be_bytes());
    p.begin_read().unwrap();
    assert_eq!(p.page_count(), 3);
}

#[test]
fn page_numbers_out_of_range() {
    let vfs = mem();
    let mut p = db_with_freelist(&vfs, "r.db", 4, &[]);
    assert_eq!(p.read(PageNo(0)).unwrap_err().code, ResultCode::CORRUPT);
    assert_eq!(p.read(PageNo(5)).unwrap_err().code, ResultCode::CORRUPT);
    p.begin_write().unwrap();
    assert_eq!(p.write(PageNo(0)).unwrap_err().code, ResultCode::CORRUPT);
    assert_eq!(p.write(PageNo(99)).unwrap_err().code, ResultCode::CORRUPT);
    for bad in [0u32, 1, 5, u32::MAX] {
        assert_eq!(
            p.free(PageNo(bad)).unwrap_err().code,
            ResultCode::CORRUPT,
            "free({bad})"
        );
    }
    p.rollback().unwrap();
}

#[test]
fn freelist_cycle_is_detected() {
    let vfs = mem();
    // free 2 then 3: 2 becomes the trunk, 3 its leaf; 4 a second trunk? no: a leaf too
    let mut p = db_with_freelist(&vfs, "c.db", 6, &[2, 3, 4]);
    assert_eq!(
        p.freelist_pages().unwrap(),
        vec![PageNo(2), PageNo(3), PageNo(4)]
    );
    p.begin_write().unwrap();
    p.write(PageNo(2)).unwrap()[0..4].copy_from_slice(&2u32.to_be_bytes()); // next trunk = itself
    p.commit().unwrap();
    assert_eq!(p.freelist_pages().unwrap_err().code, ResultCode::CORRUPT);
    // a leaf listed twice
    p.begin_write().unwrap();
    p.write(PageNo(2)).unwrap()[0..4].copy_from_slice(&0u32.to_be_bytes());
    p.write(PageNo(2)).unwrap()[12..16].copy_from_slice(&3u32.to_be_bytes());
    p.commit().unwrap();
    assert_eq!(p.freelist_pages().unwrap_err().code, ResultCode::CORRUPT);
}

#[test]
fn overfull_trunk_and_bad_leaves_are_corrupt() {
    let vfs = mem();
    let mut p = db_with_freelist(&vfs, "o.db", 6, &[2, 3]);
    let cap = (PS / 4 - 2) as u32;
    assert_eq!(p.freelist_trunk_capacity(), cap);
    p.begin_write().unwrap();
    p.write(PageNo(2)).unwrap()[4..8].copy_from_slice(&(cap + 1).to_be_bytes());
    assert_eq!(p.freelist_pages().unwrap_err().code, ResultCode::CORRUPT);
    assert_eq!(p.allocate().unwrap_err().code, ResultCode::CORRUPT);
    assert_eq!(p.free(PageNo(5)).unwrap_err().code, ResultCode::CORRUPT);
    p.rollback().unwrap();

    // a leaf pointing past the end of the database
    p.begin_write().unwrap();
    p.write(PageNo(2)).unwrap()[8..12].copy_from_slice(&999u32.to_be_bytes());
    assert_eq!(p.freelist_pages().unwrap_err().code, ResultCode::CORRUPT);
    assert_eq!(p.allocate().unwrap_err().code, ResultCode::CORRUPT);
    p.rollback().unwrap();

    // header names a trunk past the end / page 1
    for trunk in [0u32, 1, 77] {
        p.begin_write().unwrap();
        p.update_header(|h| h.freelist_trunk = trunk).unwrap();
        assert_eq!(
            p.allocate().unwrap_err().code,
            ResultCode::CORRUPT,
            "trunk {trunk}"
        );
        assert_eq!(p.free(PageNo(5)).unwrap_err().code, ResultCode::CORRUPT);
        p.rollback().unwrap();
    }
    // freelist count at least the page count
    p.begin_write().unwrap();
    p.update_header(|h| h.freelist_count = 6).unwrap();
    assert_eq!(p.allocate().unwrap_err().code, ResultCode::CORRUPT);
    p.rollback().unwrap();
    // and the untouched list still works
    p.begin_write().unwrap();
    assert_eq!(p.allocate().unwrap(), PageNo(3));
    assert_eq!(p.allocate().unwrap(), PageNo(2));
    assert_eq!(p.allocate().unwrap(), PageNo(7));
    p.commit().unwrap();
}

/// Deterministic xorshift so the test needs no extra dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_damage_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vfs = mem();
    drop(db_with_freelist(
        &vfs,
        "base.db",
        40,
        &(2..30).collect::<Vec<_>>(),
    ));
    let base = {
        let f = vfs.open("base.db", OpenFlags::default()).unwrap();
        let mut b = vec![0u8; f.size().unwrap() as usize];
        f.read_at(&mut b, 0).unwrap();
        b
    };
    for round in 0..300 {
        let mut bytes = base.clone();
        for _ in 0..1 + rng.next() % 6 {
            // aim at the header and the freelist trunk area most of the time
            let off = if rng.next() & 1 == 0 {
                (16 + rng.next() % 84) as usize
            } else {
                (rng.next() % bytes.len() as u64) as usize
            };
            bytes[off] = rng.next() as u8;
        }
        let name = format!("d{round}.db");
        raw_write_new(&vfs, &name, &bytes);
        let Ok(mut p) = Pager::open(vfs.clone(), &name, opts()) else {
            continue;
        };
        if p.begin_read().is_err() {
            continue;
        }
        let _ = p.freelist_pages();
        for pg in 0..p.page_count() + 2 {
            let _ = p.read(PageNo(pg));
        }
        p.end_read().unwrap();
        if p.begin_write().is_ok() {
            for _ in 0..40 {
                if p.allocate().is_err() {
                    break;
                }
            }
            for pg in [2u32, 5, 31, 39, rng.next() as u32] {
                let _ = p.free(PageNo(pg));
            }
            let _ = p.freelist_pages();
            let _ = p.commit();
            let _ = p.rollback();
        }
        vfs.delete(&name, false).unwrap();
    }
}
