//! Cross-process locking against a real `sqlite3` process: POSIX byte-range
//! locks on SQLite's lock bytes must make Chorus and SQLite exclude each other.
//! Skipped (with a message) when the `sqlite3` shell is not installed.

use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::vfs::{LockLevel, OpenFlags, OsVfs, Vfs};
use chorus_storage::ResultCode;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn have_sqlite3() -> bool {
    let ok = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("sqlite3 shell not found; skipping cross-process locking test");
    }
    ok
}

/// Run one `sqlite3` command line to completion: (success, stdout+stderr).
fn sqlite3(path: &str, sql: &str) -> (bool, String) {
    let out = Command::new("sqlite3").arg(path).arg(sql).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success() && !text.contains("Error"), text)
}

/// A `sqlite3` process that reads statements from a pipe we keep open.
struct Shell(Child);

impl Shell {
    fn start(path: &str) -> Shell {
        let child = Command::new("sqlite3")
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Shell(child)
    }

    fn send(&mut self, sql: &str) {
        let stdin = self.0.stdin.as_mut().unwrap();
        stdin.write_all(sql.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    fn finish(mut self) {
        drop(self.0.stdin.take());
        self.0.wait().unwrap();
    }
}

/// Poll until another process is seen holding RESERVED (or stronger).
fn wait_for_reserved(f: &dyn chorus_storage::vfs::VfsFile) {
    let start = Instant::now();
    while !f.check_reserved_lock().unwrap() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "sqlite3 never took its lock"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn make_db(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("lk.db");
    let path = path.to_str().unwrap().to_string();
    let (ok, out) = sqlite3(&path, "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
    assert!(ok, "{out}");
    path
}

fn rw() -> OpenFlags {
    OpenFlags {
        read_only: false,
        create: false,
        delete_on_close: false,
    }
}

#[test]
fn sqlite_exclusive_transaction_blocks_chorus() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = make_db(&dir);
    let f = OsVfs.open(&path, rw()).unwrap();
    let mut sh = Shell::start(&path);
    sh.send("BEGIN EXCLUSIVE;");
    wait_for_reserved(&*f);
    assert_eq!(
        f.lock(LockLevel::Shared).unwrap_err().code,
        ResultCode::BUSY
    );
    let mut p = Pager::open(Arc::new(OsVfs), &path, PagerOptions::default()).unwrap();
    assert_eq!(p.begin_read().unwrap_err().code, ResultCode::BUSY);
    assert_eq!(p.begin_write().unwrap_err().code, ResultCode::BUSY);
    sh.send("COMMIT;");
    sh.finish();
    assert!(!f.check_reserved_lock().unwrap());
    f.lock(LockLevel::Shared).unwrap();
    f.unlock(LockLevel::None).unwrap();
    p.begin_read().unwrap();
    p.end_read().unwrap();
}

#[test]
fn sqlite_write_transaction_excludes_chorus_writer_but_not_reader() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = make_db(&dir);
    let mut p = Pager::open(Arc::new(OsVfs), &path, PagerOptions::default()).unwrap();
    let probe = OsVfs.open(&path, rw()).unwrap();
    let mut sh = Shell::start(&path);
    sh.send("BEGIN IMMEDIATE; INSERT INTO t VALUES(2);");
    wait_for_reserved(&*probe);
    // RESERVED elsewhere: we may read, we may not write
    p.begin_read().unwrap();
    assert_eq!(p.begin_write().unwrap_err().code, ResultCode::BUSY);
    assert!(p.in_read_txn() && !p.in_write_txn());
    p.end_read().unwrap();
    sh.send("COMMIT;");
    sh.finish();
    p.begin_write().unwrap();
    p.rollback().unwrap();
}

#[test]
fn chorus_locks_are_seen_by_sqlite() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = make_db(&dir);
    let f = OsVfs.open(&path, rw()).unwrap();

    // SHARED: sqlite3 reads, and may even write into its cache, but cannot commit
    f.lock(LockLevel::Shared).unwrap();
    let (ok, out) = sqlite3(&path, "SELECT count(*) FROM t;");
    assert!(ok && out.trim() == "1", "{out}");
    let (ok, out) = sqlite3(&path, "INSERT INTO t VALUES(3);");
    assert!(
        !ok && out.contains("locked"),
        "commit under our SHARED must fail: {out}"
    );

    // RESERVED: sqlite3 reads but cannot begin a write
    f.lock(LockLevel::Reserved).unwrap();
    let (ok, _) = sqlite3(&path, "SELECT count(*) FROM t;");
    assert!(ok);
    let (ok, out) = sqlite3(&path, "BEGIN IMMEDIATE;");
    assert!(!ok && out.contains("locked"), "{out}");

    // EXCLUSIVE: sqlite3 cannot even read
    f.lock(LockLevel::Exclusive).unwrap();
    let (ok, out) = sqlite3(&path, "SELECT count(*) FROM t;");
    assert!(!ok && out.contains("locked"), "{out}");

    // back to nothing: sqlite3 writes freely
    f.unlock(LockLevel::None).unwrap();
    let (ok, out) = sqlite3(&path, "INSERT INTO t VALUES(4); SELECT count(*) FROM t;");
    assert!(ok && out.trim() == "2", "{out}");
}

#[test]
fn closing_a_second_handle_keeps_the_first_handles_lock_at_os_level() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = make_db(&dir);
    let a = OsVfs.open(&path, rw()).unwrap();
    a.lock(LockLevel::Reserved).unwrap();
    let b = OsVfs.open(&path, rw()).unwrap();
    b.lock(LockLevel::Shared).unwrap();
    drop(b);
    let (ok, out) = sqlite3(&path, "BEGIN IMMEDIATE;");
    assert!(
        !ok && out.contains("locked"),
        "a's RESERVED must survive b's close: {out}"
    );
    drop(a);
    let (ok, out) = sqlite3(&path, "BEGIN IMMEDIATE; COMMIT;");
    assert!(ok, "{out}");
}

#[test]
fn chorus_commit_waits_for_sqlite_reader() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = make_db(&dir);
    let mut p = Pager::open(Arc::new(OsVfs), &path, PagerOptions::default()).unwrap();
    let mut sh = Shell::start(&path);
    // sqlite3 holds SHARED inside a read transaction; mark it by also taking a
    // temp-file-free action we can observe: a SELECT inside BEGIN keeps SHARED.
    sh.send("BEGIN; SELECT count(*) FROM t;");
    // wait until the shell holds SHARED: our EXCLUSIVE attempt starts failing
    let probe = OsVfs.open(&path, rw()).unwrap();
    let start = Instant::now();
    loop {
        match probe.lock(LockLevel::Exclusive) {
            Ok(()) => {
                probe.unlock(LockLevel::None).unwrap();
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "sqlite3 never read"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => {
                assert_eq!(e.code, ResultCode::BUSY);
                probe.unlock(LockLevel::None).unwrap();
                break;
            }
        }
    }
    drop(probe);
    p.begin_write().unwrap();
    p.update_header(|h| h.user_version = 5).unwrap();
    assert_eq!(p.commit().unwrap_err().code, ResultCode::BUSY);
    sh.send("COMMIT;");
    sh.finish();
    p.commit().unwrap();
    let (ok, out) = sqlite3(&path, "PRAGMA user_version;");
    assert!(ok && out.trim() == "5", "{out}");
}

/// Wait until the shell holds at least SHARED (our EXCLUSIVE attempt fails).
fn wait_for_shared(path: &str) {
    let probe = OsVfs.open(path, rw()).unwrap();
    let start = Instant::now();
    loop {
        match probe.lock(LockLevel::Exclusive) {
            Ok(()) => {
                probe.unlock(LockLevel::None).unwrap();
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "sqlite3 never read"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => {
                assert_eq!(e.code, ResultCode::BUSY);
                probe.unlock(LockLevel::None).unwrap();
                return;
            }
        }
    }
}

/// End the shell's transaction after `after`, from another thread.
fn commit_later(mut sh: Shell, after: Duration) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        std::thread::sleep(after);
        sh.send("COMMIT;");
        sh.finish();
    })
}

/// With a busy timeout, a lock held by another process is waited for (and
/// retried: no in-process signal announces its release), not failed at once
/// nor after the whole timeout.
#[test]
fn busy_timeout_waits_for_sqlite_exclusive_lock() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = make_db(&dir);
    let mut p = Pager::open(Arc::new(OsVfs), &path, PagerOptions::default()).unwrap();
    p.set_busy_timeout(Duration::from_secs(20));
    let mut sh = Shell::start(&path);
    sh.send("BEGIN EXCLUSIVE;");
    let probe = OsVfs.open(&path, rw()).unwrap();
    wait_for_reserved(&*probe);
    let t0 = Instant::now();
    let h = commit_later(sh, Duration::from_millis(300));
    p.begin_read().unwrap();
    let waited = t0.elapsed();
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    p.end_read().unwrap();
    h.join().unwrap();
}

/// BEGIN IMMEDIATE (a write transaction opening its own read) waits for a
/// `sqlite3` writer's RESERVED lock, as SQLite's busy handler does.
#[test]
fn busy_timeout_waits_for_sqlite_writer() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = make_db(&dir);
    let mut p = Pager::open(Arc::new(OsVfs), &path, PagerOptions::default()).unwrap();
    p.set_busy_timeout(Duration::from_secs(20));
    let probe = OsVfs.open(&path, rw()).unwrap();
    let mut sh = Shell::start(&path);
    sh.send("BEGIN IMMEDIATE; INSERT INTO t VALUES(2);");
    wait_for_reserved(&*probe);
    let t0 = Instant::now();
    let h = commit_later(sh, Duration::from_millis(300));
    p.begin_write().unwrap();
    let waited = t0.elapsed();
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    p.update_header(|h| h.user_version = 7).unwrap();
    p.commit().unwrap();
    h.join().unwrap();
    let (ok, out) = sqlite3(&path, "PRAGMA user_version; SELECT count(*) FROM t;");
    assert!(
        ok && out.split_whitespace().collect::<Vec<_>>() == ["7", "2"],
        "{out}"
    );
}

/// A commit waits (up to the busy timeout) for a `sqlite3` reader to leave.
#[test]
fn busy_timeout_commit_waits_for_sqlite_reader() {
    if !have_sqlite3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = make_db(&dir);
    let mut p = Pager::open(Arc::new(OsVfs), &path, PagerOptions::default()).unwrap();
    p.set_busy_timeout(Duration::from_secs(20));
    let mut sh = Shell::start(&path);
    sh.send("BEGIN; SELECT count(*) FROM t;");
    wait_for_shared(&path);
    p.begin_write().unwrap();
    p.update_header(|h| h.user_version = 9).unwrap();
    let t0 = Instant::now();
    let h = commit_later(sh, Duration::from_millis(300));
    p.commit().unwrap();
    let waited = t0.elapsed();
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    h.join().unwrap();
    let (ok, out) = sqlite3(&path, "PRAGMA user_version;");
    assert!(ok && out.trim() == "9", "{out}");
}
