//! The shell at a real terminal, driven through tmux: a multi-line
//! statement, history recall with Up, Ctrl-C interrupting a long query
//! without leaving the shell, history saved to the file, Ctrl-D to exit.
//! Skipped (with a note) when tmux is not installed.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "s"]).stdout).into_owned()
    }

    /// Type text literally; a trailing ';' is escaped from tmux's parser.
    fn type_text(&self, text: &str) {
        let (body, semi) = match text.strip_suffix(';') {
            Some(b) => (b, true),
            None => (text, false),
        };
        if !body.is_empty() {
            self.cmd(&["send-keys", "-t", "s", "-l", body]);
        }
        if semi {
            self.cmd(&["send-keys", "-t", "s", "-l", "\\;"]);
        }
    }

    fn key(&self, k: &str) {
        self.cmd(&["send-keys", "-t", "s", k]);
    }

    /// Wait until the screen satisfies `pred`.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_for_secs(what, 15, pred)
    }

    fn wait_for_secs(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(secs) {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn count(&self, needle: &str) -> usize {
        self.screen().matches(needle).count()
    }

    /// Number of prompts (main and continuation) on the screen.
    fn prompts(&self) -> usize {
        let s = self.screen();
        s.matches("chorus>").count() + s.matches("   ...>").count()
    }

    /// Type a line, press Enter, and wait for the next prompt: rustyline
    /// drops keys typed before it reads again, so tests never type ahead.
    fn line(&self, text: &str) {
        let before = self.prompts();
        self.type_text(text);
        self.key("Enter");
        self.wait_for("next prompt", |s| {
            s.matches("chorus>").count() + s.matches("   ...>").count() > before
        });
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn interactive_session_under_tmux() {
    if !have_tmux() {
        eprintln!("note: tmux is not installed (apt-get install tmux); interactive test skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let hist = dir.path().join("hist");
    let t = Tmux {
        socket: format!("chorus-test-{}", std::process::id()),
    };
    let shell_cmd = format!(
        "env HOME='{}' CHORUS_HISTORY='{}' '{}'; echo EXITED:$?; sleep 30",
        dir.path().display(),
        hist.display(),
        common::CHORUS
    );
    let o = t.cmd(&[
        "new-session",
        "-d",
        "-s",
        "s",
        "-x",
        "120",
        "-y",
        "40",
        &shell_cmd,
    ]);
    assert!(o.status.success(), "tmux new-session failed: {o:?}");

    let s = t.wait_for("banner and prompt", |s| s.contains("chorus>"));
    assert!(s.contains("Enter \".help\" for usage hints."));
    assert!(s.contains("transient in-memory database"));

    // A statement over two lines: continuation prompt, then the result.
    t.line("select 1,");
    t.wait_for("continuation prompt", |s| s.contains("   ...>"));
    t.line("  'two';");
    t.wait_for("multi-line result", |s| s.contains("1|two"));

    // History: Up recalls the previous line.
    t.line("select 40+2;");
    t.wait_for("first 42", |s| s.lines().any(|l| l == "42"));
    t.key("Up");
    t.wait_for("recalled line", |s| s.matches("select 40+2;").count() == 2);
    let before = t.prompts();
    t.key("Enter");
    t.wait_for("second 42", |s| {
        s.lines().filter(|l| *l == "42").count() == 2
    });
    t.wait_for("prompt", |s| {
        s.matches("chorus>").count() + s.matches("   ...>").count() > before
    });

    // Errors at the terminal carry no line number.
    t.line("select * from nosuch;");
    t.wait_for("error", |s| {
        s.contains("Parse error: no such table: nosuch")
    });

    // Ctrl-C interrupts a long-running query; the shell stays.
    t.type_text(
        "with recursive c(x) as (select 1 union all select x+1 from c where x<1000000000) select count(*) from c;",
    );
    t.key("Enter");
    std::thread::sleep(Duration::from_millis(500));
    let prompts_before = t.count("chorus>");
    t.key("C-c");
    t.wait_for("interrupted", |s| s.contains("interrupted (9)"));
    t.wait_for("new prompt", |s| {
        s.matches("chorus>").count() > prompts_before
    });
    t.type_text("select 'still alive';");
    t.key("Enter");
    t.wait_for("alive", |s| s.lines().any(|l| l == "still alive"));

    // Ctrl-C at the prompt drops the partial line.
    t.type_text("select 'dropped'");
    t.wait_for("typed line", |s| s.contains("select 'dropped'"));
    let prompts_before = t.count("chorus>");
    t.key("C-c");
    // rustyline discards keys typed before it is reading again.
    t.wait_for("fresh prompt", |s| {
        s.matches("chorus>").count() > prompts_before
    });
    t.line("select 'kept';");
    let s = t.wait_for("kept", |s| s.lines().any(|l| l == "kept"));
    assert!(!s.lines().any(|l| l == "dropped"));

    // Ctrl-D leaves and saves the history. As with sqlite3, the exit
    // status is 1 because the session saw errors.
    t.key("C-d");
    t.wait_for("exit", |s| s.contains("EXITED:1"));
    let h = std::fs::read_to_string(&hist).expect("history file");
    assert!(h.contains("select 40+2;"), "history: {h}");
    assert!(h.contains("select 'kept';"), "history: {h}");
}

#[test]
fn history_is_reloaded_in_next_session() {
    if !have_tmux() {
        eprintln!("note: tmux is not installed; interactive test skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let hist = dir.path().join("hist");
    std::fs::write(&hist, "#V2\nselect 'from history';\n").expect("write history");
    let t = Tmux {
        socket: format!("chorus-test-h-{}", std::process::id()),
    };
    let shell_cmd = format!(
        "env HOME='{}' CHORUS_HISTORY='{}' '{}'; echo EXITED:$?; sleep 30",
        dir.path().display(),
        hist.display(),
        common::CHORUS
    );
    t.cmd(&[
        "new-session",
        "-d",
        "-s",
        "s",
        "-x",
        "100",
        "-y",
        "30",
        &shell_cmd,
    ]);
    t.wait_for("prompt", |s| s.contains("chorus>"));
    t.key("Up");
    t.key("Enter");
    t.wait_for("result", |s| s.lines().any(|l| l == "from history"));
    t.type_text(".quit");
    t.key("Enter");
    t.wait_for("exit", |s| s.contains("EXITED:0"));
}

#[test]
fn import_progress_bar_at_a_terminal() {
    if !have_tmux() {
        eprintln!("note: tmux is not installed; interactive test skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("big.csv");
    let mut data = String::from("a,b,c\n");
    for i in 0..600_000 {
        data.push_str(&format!("{i},name {i},{}.5\n", i % 1000));
    }
    std::fs::write(&csv, data).expect("write csv");
    let t = Tmux {
        socket: format!("chorus-test-p-{}", std::process::id()),
    };
    let shell_cmd = format!(
        "env HOME='{}' CHORUS_HISTORY='{}' CHORUS_PROGRESS_DELAY_MS=0 '{}'; echo EXITED:$?; sleep 30",
        dir.path().display(),
        dir.path().join("hist").display(),
        common::CHORUS
    );
    t.cmd(&[
        "new-session",
        "-d",
        "-s",
        "s",
        "-x",
        "120",
        "-y",
        "30",
        &shell_cmd,
    ]);
    t.wait_for("prompt", |s| s.contains("chorus>"));
    t.type_text(&format!(".import --csv {} big", csv.display()));
    t.key("Enter");
    // The bar (bytes read of the file's size) shows while the import runs.
    t.wait_for("progress bar", |s| {
        s.contains("import ") && s.contains("MiB/")
    });
    // Debug builds of the engine take a while over 600,000 rows.
    t.wait_for_secs("import done", 180, |s| s.matches("chorus>").count() == 2);
    t.line("select count(*) from big;");
    let s = t.wait_for("count", |s| s.lines().any(|l| l == "600000"));
    // The bar is cleared once done.
    assert!(!s.contains("MiB/"), "bar left on screen:\n{s}");
    // `.dump` of the large table into a file: a row-count bar on the
    // terminal's stderr while it runs, cleared after; the file is intact.
    // Everything drawn on the terminal is recorded (the bar may come and go
    // between two looks at the screen).
    let log = dir.path().join("pane.log");
    t.cmd(&[
        "pipe-pane",
        "-t",
        "s",
        "-o",
        &format!("cat >> '{}'", log.display()),
    ]);
    let dump_path = dir.path().join("dump.sql");
    t.line(&format!(".output {}", dump_path.display()));
    t.line(".dump");
    let s = t.wait_for_secs("dump done", 180, |s| s.matches("chorus>").count() == 5);
    let drawn = std::fs::read(&log).unwrap_or_default();
    let drawn = String::from_utf8_lossy(&drawn);
    assert!(
        drawn.contains("dump ") && drawn.contains(" rows"),
        "no dump progress bar drawn:\n{drawn}"
    );
    assert!(
        !s.lines()
            .any(|l| l.starts_with("dump ") && l.contains(" rows")),
        "bar left on screen:\n{s}"
    );
    let dump = std::fs::read_to_string(&dump_path).expect("dump.sql");
    assert!(dump.ends_with("COMMIT;\n"));
    assert_eq!(dump.matches("INSERT INTO big VALUES").count(), 600_000);
    t.type_text(".quit");
    t.key("Enter");
    t.wait_for("exit", |s| s.contains("EXITED:0"));
}
