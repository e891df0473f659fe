//! Directory syncs: Chorus makes a journal's or WAL's directory entry durable
//! where SQLite's unix VFS does (on the first sync of a journal or WAL file
//! opened with create), so a power cut cannot lose a file the database
//! depends on. Counted through the fault VFS.

use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::vfs::{FaultVfs, MemoryVfs, Vfs};
use chorus_storage::{JournalMode, Synchronous};
use std::sync::Arc;

fn setup(mode: JournalMode, sync: Synchronous) -> (Arc<FaultVfs>, Pager) {
    let fv = FaultVfs::new(Arc::new(MemoryVfs::new()), 1);
    let vfs: Arc<dyn Vfs> = fv.clone();
    let mut p = Pager::open(vfs, "d.db", PagerOptions::default()).unwrap();
    p.set_synchronous(sync);
    // Create the database (page 1) in DELETE mode, then switch.
    p.begin_write().unwrap();
    let pg = p.allocate().unwrap();
    p.write(pg).unwrap()[..2].copy_from_slice(b"hi");
    p.commit().unwrap();
    p.set_journal_mode(mode).unwrap();
    (fv, p)
}

fn commits(p: &mut Pager, n: usize) {
    for i in 0..n {
        p.begin_write().unwrap();
        let pg = chorus_storage::PageNo(2);
        p.write(pg).unwrap()[0] = i as u8;
        p.commit().unwrap();
    }
}

#[test]
fn rollback_journal_commits_sync_the_directory_once_each_unless_off() {
    for mode in [
        JournalMode::Delete,
        JournalMode::Truncate,
        JournalMode::Persist,
    ] {
        for (sync, per_commit) in [
            (Synchronous::Off, 0),
            (Synchronous::Normal, 1),
            (Synchronous::Full, 1),
        ] {
            let (fv, mut p) = setup(mode, sync);
            let before = fv.dir_syncs();
            commits(&mut p, 3);
            assert_eq!(
                fv.dir_syncs() - before,
                3 * per_commit,
                "{mode:?} synchronous={sync:?}"
            );
        }
    }
}

#[test]
fn wal_syncs_the_directory_once_after_its_first_sync() {
    // FULL: the first commit syncs the log, then the directory; later ones do not.
    let (fv, mut p) = setup(JournalMode::Wal, Synchronous::Full);
    let before = fv.dir_syncs();
    commits(&mut p, 3);
    assert_eq!(fv.dir_syncs() - before, 1);
    // NORMAL: commits do not sync the log; the checkpoint does, then the directory.
    let (fv, mut p) = setup(JournalMode::Wal, Synchronous::Normal);
    let before = fv.dir_syncs();
    commits(&mut p, 3);
    assert_eq!(fv.dir_syncs() - before, 0);
    p.checkpoint(chorus_storage::wal::CheckpointMode::Passive)
        .unwrap();
    assert_eq!(fv.dir_syncs() - before, 1);
    commits(&mut p, 2);
    p.checkpoint(chorus_storage::wal::CheckpointMode::Passive)
        .unwrap();
    assert_eq!(fv.dir_syncs() - before, 1);
    // OFF: never.
    let (fv, mut p) = setup(JournalMode::Wal, Synchronous::Off);
    let before = fv.dir_syncs();
    commits(&mut p, 3);
    p.checkpoint(chorus_storage::wal::CheckpointMode::Passive)
        .unwrap();
    drop(p);
    assert_eq!(fv.dir_syncs() - before, 0);
}
