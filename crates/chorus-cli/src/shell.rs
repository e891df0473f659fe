//! Running SQL text: splitting it into statements through the backend,
//! rendering each statement's rows, and reporting errors in the exact words
//! of the sqlite3 shell ("Parse error near line N: ...").

use crate::backend::{self, Connection, OpenOptions};
use crate::interrupt;
use crate::render;
use crate::state::{eprint, State};

pub struct Shell {
    pub db: Option<Box<dyn Connection>>,
    pub db_filename: String,
    pub open_opts: OpenOptions,
    pub st: State,
}

/// Why running SQL text failed, phrased as shell.c's save_err_msg.
pub struct ExecError {
    /// "in prepare, MSG (RC)CONTEXT" or "stepping, MSG (RC)".
    pub text: String,
    /// The SQLite result code.
    pub code: i32,
}

impl Shell {
    pub fn new(st: State) -> Shell {
        Shell {
            db: None,
            db_filename: ":memory:".to_string(),
            open_opts: OpenOptions::default(),
            st,
        }
    }

    /// Open the database if it is not open yet (shell.c open_db). On failure
    /// with `keep_alive` an in-memory database is opened instead; otherwise
    /// the program exits with status 1.
    pub fn open_db(&mut self, keep_alive: bool) -> bool {
        if self.db.is_some() {
            return true;
        }
        match backend::open(&self.db_filename, &self.open_opts) {
            Ok(c) => {
                interrupt::set_handle(Some(c.interrupt_handle()));
                self.db = Some(c);
                true
            }
            Err(e) => {
                let msg = format!(
                    "Error: unable to open database \"{}\": {}\n",
                    self.db_filename, e.message
                );
                eprint(&mut self.st, &msg);
                if keep_alive {
                    if let Ok(c) = backend::open(":memory:", &OpenOptions::default()) {
                        interrupt::set_handle(Some(c.interrupt_handle()));
                        self.db = Some(c);
                    }
                    false
                } else {
                    self.st.flush();
                    std::process::exit(1);
                }
            }
        }
    }

    pub fn close_db(&mut self) {
        interrupt::set_handle(None);
        self.db = None;
    }

    /// Run every statement of `sql` (shell.c shell_exec). Stops at the first
    /// error.
    pub fn exec(&mut self, sql: &str) -> Result<(), ExecError> {
        self.open_db(false);
        let Shell { db, st, .. } = self;
        let Some(db) = db.as_deref() else {
            return Err(ExecError {
                text: "in prepare, out of memory".into(),
                code: 7,
            });
        };
        exec_sql(db, st, sql)
    }
}

/// The "  SQL\n  ^--- error here" lines under an error (shell.c
/// shell_error_context); empty when the offset is unknown.
pub fn error_context(sql: &str, offset: Option<usize>) -> String {
    let Some(mut off) = offset else {
        return String::new();
    };
    let b = sql.as_bytes();
    if off > b.len() {
        return String::new();
    }
    let mut start = 0usize;
    while off > 50 {
        off -= 1;
        start += 1;
        while start < b.len() && (b[start] & 0xc0) == 0x80 {
            start += 1;
            off = off.saturating_sub(1);
        }
    }
    let rest = &b[start.min(b.len())..];
    let mut len = rest.len();
    if len > 78 {
        len = 78;
        while len > 0 && (rest[len] & 0xc0) == 0x80 {
            len -= 1;
        }
    }
    let code: Vec<u8> = rest[..len]
        .iter()
        .map(|&c| {
            if c.is_ascii_whitespace() || c == 0x0b {
                b' '
            } else {
                c
            }
        })
        .collect();
    let code = String::from_utf8_lossy(&code);
    if off < 25 {
        format!("\n  {}\n  {}^--- error here", code, " ".repeat(off))
    } else {
        format!("\n  {}\n  {}error here ---^", code, " ".repeat(off - 14))
    }
}

fn rc_suffix(code: i32) -> String {
    if code > 1 {
        format!(" ({code})")
    } else {
        String::new()
    }
}

/// shell_exec over an explicit connection and state.
pub fn exec_sql(db: &dyn Connection, st: &mut State, sql: &str) -> Result<(), ExecError> {
    let mut rest = sql;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
        if rest.is_empty() {
            return Ok(());
        }
        let (stmt, tail) = match db.prepare(rest) {
            Ok(x) => x,
            Err(e) => {
                return Err(ExecError {
                    text: format!(
                        "in prepare, {}{}{}",
                        e.message,
                        rc_suffix(e.code),
                        error_context(rest, e.offset)
                    ),
                    code: e.code,
                })
            }
        };
        let next = rest.get(tail..).unwrap_or("");
        if let Some(mut stmt) = stmt {
            st.cnt = 0;
            let text = rest.get(..tail).unwrap_or(rest);
            if st.eqp > 0 && !crate::eqp::is_explain(text) {
                // `.eqp on`: the plan first (errors preparing it are ignored).
                let q = format!(
                    "EXPLAIN QUERY PLAN {}",
                    text.trim_end_matches(|c: char| c == ';' || c.is_ascii_whitespace())
                );
                if let Ok((Some(mut plan), _)) = db.prepare(&q) {
                    let _ = crate::eqp::exec_eqp(st, plan.as_mut());
                }
            }
            let r = if crate::eqp::is_query_plan(text) {
                crate::eqp::exec_eqp(st, stmt.as_mut())
            } else {
                render::exec_prepared(st, stmt.as_mut())
            };
            drop(stmt);
            if let Err(e) = r {
                return Err(ExecError {
                    text: format!("stepping, {}{}", e.message, rc_suffix(e.code)),
                    code: e.code,
                });
            }
        }
        rest = next;
    }
}

/// Run one complete group of SQL read from the input and report an error
/// (shell.c runOneSqlLine). Returns 1 on error, else 0.
pub fn run_one_sql_line(sh: &mut Shell, sql: &str, from_file: bool, startline: i64) -> u32 {
    sh.open_db(false);
    let timer = sh.st.timer.then(crate::timer::Timer::start);
    let r = sh.exec(sql);
    if let Some(t) = timer {
        // sqlite3 prints this with printf: always to stdout.
        sh.st.flush();
        print!("{}", t.report());
    }
    match r {
        Err(e) => {
            let (kind, tail) = if let Some(t) = e.text.strip_prefix("in prepare, ") {
                ("Parse error", t)
            } else if let Some(t) = e.text.strip_prefix("stepping, ") {
                ("Runtime error", t)
            } else {
                ("Error", e.text.as_str())
            };
            let prefix = if from_file || !sh.st.stdin_interactive {
                format!("{kind} near line {startline}:")
            } else {
                format!("{kind}:")
            };
            let msg = format!("{prefix} {tail}\n");
            eprint(&mut sh.st, &msg);
            1
        }
        Ok(()) => {
            if sh.st.count_changes {
                if let Some(db) = sh.db.as_deref() {
                    let s = format!(
                        "changes: {}   total_changes: {}\n",
                        db.changes(),
                        db.total_changes()
                    );
                    sh.st.write(s.as_bytes());
                }
            }
            0
        }
    }
}
