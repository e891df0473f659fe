//! Helpers shared by the journal/WAL/crash tests: the `sqlite3` shell as a
//! separate process (cross-process behaviour cannot be tested in-process:
//! POSIX locks are per process) and rusqlite checks.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Child, Command, Stdio};

pub fn have_sqlite3() -> bool {
    let ok = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("sqlite3 shell not found; skipping");
    }
    ok
}

/// Run one `sqlite3` command line to completion: (success, stdout+stderr).
pub fn sqlite3(path: &str, sql: &str) -> (bool, String) {
    let out = Command::new("sqlite3").arg(path).arg(sql).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success() && !text.contains("Error") && !text.contains("error"),
        text,
    )
}

/// A `sqlite3` process reading statements from a pipe we keep open.
pub struct Shell(pub Child);

impl Shell {
    pub fn start(path: &str) -> Shell {
        let child = Command::new("sqlite3")
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Shell(child)
    }

    pub fn send(&mut self, sql: &str) {
        let stdin = self.0.stdin.as_mut().unwrap();
        stdin.write_all(sql.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    /// Send `sql` followed by `SELECT 'MARK';`, wait until the shell prints
    /// MARK (so everything before it has run) and return what it printed.
    pub fn run(&mut self, sql: &str) -> String {
        use std::io::BufRead;
        self.send(sql);
        self.send("SELECT 'MARK';");
        let out = self.0.stdout.as_mut().unwrap();
        let mut r = std::io::BufReader::new(out);
        let mut line = String::new();
        let mut all = String::new();
        loop {
            line.clear();
            let n = r.read_line(&mut line).unwrap();
            assert!(n > 0, "sqlite3 exited");
            if line.trim() == "MARK" {
                break;
            }
            all.push_str(&line);
        }
        all
    }

    /// kill -9: the process dies mid-transaction, leaving its files.
    pub fn kill(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }

    pub fn finish(mut self) {
        drop(self.0.stdin.take());
        self.0.wait().unwrap();
    }
}

/// `PRAGMA integrity_check` through the sqlite3 shell (another process).
pub fn shell_integrity(path: &str) -> String {
    let (_, out) = sqlite3(path, "PRAGMA integrity_check;");
    out.trim().to_string()
}
