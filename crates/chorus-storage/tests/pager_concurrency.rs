//! Several threads, each with its own pager on one file, increment a counter
//! stored on page 2. Locks must serialise the writers: no increment is lost.
//! Run on the memory VFS and on the OS VFS (in-process handles of one inode).

use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::vfs::{MemoryVfs, OsVfs, Vfs};
use chorus_storage::{PageNo, ResultCode};
use std::sync::Arc;

const THREADS: usize = 4;
const ROUNDS: u64 = 50;

fn increment(p: &mut Pager) {
    loop {
        match p.begin_write() {
            Ok(()) => {}
            Err(e) if e.code == ResultCode::BUSY => {
                std::thread::yield_now();
                continue;
            }
            Err(e) => panic!("{e}"),
        }
        let v = u64::from_be_bytes(p.read(PageNo(2)).unwrap()[..8].try_into().unwrap());
        p.write(PageNo(2)).unwrap()[..8].copy_from_slice(&(v + 1).to_be_bytes());
        loop {
            match p.commit() {
                Ok(()) => return,
                Err(e) if e.code == ResultCode::BUSY => std::thread::yield_now(),
                Err(e) => panic!("{e}"),
            }
        }
    }
}

fn read_counter(p: &mut Pager) -> Option<u64> {
    match p.begin_read() {
        Ok(()) => {}
        Err(e) if e.code == ResultCode::BUSY => return None,
        Err(e) => panic!("{e}"),
    }
    let v = u64::from_be_bytes(p.read(PageNo(2)).unwrap()[..8].try_into().unwrap());
    p.end_read().unwrap();
    Some(v)
}

fn hammer(vfs: Arc<dyn Vfs>, path: &str) {
    {
        let mut p = Pager::open(vfs.clone(), path, PagerOptions::default()).unwrap();
        p.begin_write().unwrap();
        assert_eq!(p.allocate().unwrap(), PageNo(2));
        p.commit().unwrap();
    }
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let vfs = vfs.clone();
            let path = path.to_string();
            std::thread::spawn(move || {
                let mut p = Pager::open(vfs, &path, PagerOptions::default()).unwrap();
                let mut last = 0;
                for i in 0..ROUNDS {
                    increment(&mut p);
                    // readers interleave; values seen never go backwards
                    if (i + t as u64).is_multiple_of(3) {
                        if let Some(v) = read_counter(&mut p) {
                            assert!(v >= last, "counter went back from {last} to {v}");
                            last = v;
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut p = Pager::open(vfs, path, PagerOptions::default()).unwrap();
    assert_eq!(read_counter(&mut p), Some(THREADS as u64 * ROUNDS));
}

#[test]
fn memory_vfs_writers_are_serialised() {
    hammer(Arc::new(MemoryVfs::new()), "c.db");
}

#[test]
fn os_vfs_writers_are_serialised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    hammer(Arc::new(OsVfs), path.to_str().unwrap());
}
