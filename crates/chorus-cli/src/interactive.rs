//! Reading from a terminal: line editing and history through rustyline.
//! History lives in `$CHORUS_HISTORY` or `~/.chorus_history` (2000 entries,
//! as sqlite3 keeps).

use crate::input::Line;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory as DefaultHistory;
use rustyline::{Config, Editor};

pub const PROMPT: &str = "chorus> ";
pub const CONTINUE_PROMPT: &str = "   ...> ";

pub struct Terminal {
    ed: Option<Editor<(), DefaultHistory>>,
    history: Option<std::path::PathBuf>,
}

fn history_path() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("CHORUS_HISTORY") {
        return Some(p.into());
    }
    std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".chorus_history"))
}

impl Terminal {
    pub fn new() -> Terminal {
        let config = Config::builder()
            .max_history_size(2000)
            .map(|b| b.auto_add_history(false).build())
            .unwrap_or_default();
        // Forced -interactive on a pipe: plain reads, echoing each line as
        // sqlite3's readline does.
        let mut ed = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            Editor::<(), DefaultHistory>::with_config(config).ok()
        } else {
            None
        };
        let history = history_path();
        if let (Some(ed), Some(h)) = (ed.as_mut(), history.as_ref()) {
            let _ = ed.load_history(h);
        }
        Terminal { ed, history }
    }

    pub fn read_line(&mut self, continuation: bool) -> Line {
        let prompt = if continuation {
            CONTINUE_PROMPT
        } else {
            PROMPT
        };
        let Some(ed) = self.ed.as_mut() else {
            // No line editor (not a terminal after all): plain stdin.
            use std::io::{BufRead, Write};
            print!("{prompt}");
            let _ = std::io::stdout().flush();
            let mut buf = Vec::new();
            return match std::io::stdin().lock().read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => Line::Eof,
                Ok(_) => {
                    if buf.last() == Some(&b'\n') {
                        buf.pop();
                    }
                    let mut o = std::io::stdout();
                    let _ = o.write_all(&buf);
                    let _ = o.write_all(b"\n");
                    Line::Text(buf)
                }
            };
        };
        match ed.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = ed.add_history_entry(line.as_str());
                }
                Line::Text(line.into_bytes())
            }
            Err(ReadlineError::Interrupted) => Line::Cancelled,
            Err(_) => Line::Eof,
        }
    }

    pub fn save_history(&mut self) {
        if let (Some(ed), Some(h)) = (self.ed.as_mut(), self.history.as_ref()) {
            let _ = ed.save_history(h);
        }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal::new()
    }
}
