//! The input loop (shell.c process_input): read lines, run dot commands that
//! start a line, gather SQL lines until they form complete statements, run
//! them, count errors, and honour `-bail`.

use crate::complete::{is_complete, line_is_command_terminator, QuickScan};
use crate::dot::{self, MetaResult};
use crate::interrupt;
use crate::shell::{run_one_sql_line, Shell};
use crate::state::eprint;
use std::io::BufRead;

pub const MAX_INPUT_NESTING: u32 = 25;

/// Where lines come from.
pub enum Source<'a> {
    /// A file or pipe (stdin when not interactive); `is_file` is false for stdin.
    Reader {
        r: Box<dyn BufRead + 'a>,
        is_file: bool,
    },
    /// The terminal, with line editing and history.
    Terminal(&'a mut crate::interactive::Terminal),
}

pub enum Line {
    Text(Vec<u8>),
    /// Ctrl-C at the prompt: drop the partial input.
    Cancelled,
    Eof,
}

impl Source<'_> {
    fn is_file(&self) -> bool {
        matches!(self, Source::Reader { is_file: true, .. })
    }

    fn is_terminal(&self) -> bool {
        matches!(self, Source::Terminal(_))
    }

    fn read_line(&mut self, continuation: bool) -> Line {
        match self {
            Source::Reader { r, .. } => {
                let mut buf = Vec::new();
                match r.read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => Line::Eof,
                    Ok(_) => {
                        if buf.last() == Some(&b'\n') {
                            buf.pop();
                            if buf.last() == Some(&b'\r') {
                                buf.pop();
                            }
                        }
                        Line::Text(buf)
                    }
                }
            }
            Source::Terminal(t) => t.read_line(continuation),
        }
    }
}

fn echo(sh: &mut Shell, text: &[u8]) {
    if sh.st.echo {
        sh.st.write(text);
        sh.st.write(b"\n");
    }
}

/// Process all input from `src`. Returns 1 if any error was seen, else 0,
/// or `Err(code)` when `.exit`/`.quit` asked to stop everything.
pub fn process_input(sh: &mut Shell, src: &mut Source) -> u32 {
    if sh.st.input_nesting == MAX_INPUT_NESTING {
        let msg = format!(
            "Input nesting limit ({}) reached at line {}. Check recursion.\n",
            MAX_INPUT_NESTING, sh.st.lineno
        );
        eprint(&mut sh.st, &msg);
        return 1;
    }
    sh.st.input_nesting += 1;
    sh.st.lineno = 0;
    let mut err_cnt: u32 = 0;
    let mut sql: Vec<u8> = Vec::new();
    let mut startline: i64 = 0;
    let mut qss = QuickScan::start();
    let interactive = src.is_terminal();
    while err_cnt == 0 || !sh.st.bail || interactive {
        sh.st.flush();
        let line = match src.read_line(!sql.is_empty()) {
            Line::Eof => {
                if interactive {
                    println!();
                }
                break;
            }
            Line::Cancelled => {
                sql.clear();
                qss = QuickScan::start();
                interrupt::clear();
                continue;
            }
            Line::Text(l) => l,
        };
        if interrupt::seen() {
            if src.is_file() || !interactive {
                break;
            }
            interrupt::clear();
        }
        sh.st.lineno += 1;
        let mut line = line;
        if qss.in_plain() && line_is_command_terminator(&line) && is_complete_or_empty(&sql) {
            line = b";".to_vec();
        }
        qss = qss.scan(&line);
        if qss.plain_white() && sql.is_empty() {
            echo(sh, &line);
            qss = QuickScan::start();
            continue;
        }
        if sql.is_empty() && (line.first() == Some(&b'.') || line.first() == Some(&b'#')) {
            echo(sh, &line);
            if line[0] == b'.' {
                match dot::do_meta_command(sh, &line) {
                    MetaResult::Exit => break,
                    MetaResult::Error => err_cnt += 1,
                    MetaResult::Ok => {}
                }
            }
            qss = QuickScan::start();
            continue;
        }
        if sql.is_empty() {
            let skip = line
                .iter()
                .take_while(|c| c.is_ascii_whitespace() || **c == 0x0b)
                .count();
            sql.extend_from_slice(&line[skip..]);
            startline = sh.st.lineno;
        } else {
            sql.push(b'\n');
            sql.extend_from_slice(&line);
        }
        if !sql.is_empty() && qss.semi_term() && is_complete(&sql) {
            echo(sh, &sql.clone());
            let text = String::from_utf8_lossy(&sql).into_owned();
            err_cnt += run_one_sql_line(sh, &text, src.is_file(), startline);
            sql.clear();
            if sh.st.out_count > 0 {
                sh.st.output_reset();
                sh.st.out_count = 0;
            }
            qss = QuickScan::start();
        } else if !sql.is_empty() && qss.plain_white() {
            echo(sh, &sql.clone());
            sql.clear();
            qss = QuickScan::start();
        }
    }
    if !sql.is_empty() {
        echo(sh, &sql.clone());
        let text = String::from_utf8_lossy(&sql).into_owned();
        err_cnt += run_one_sql_line(sh, &text, src.is_file(), startline);
    }
    sh.st.input_nesting -= 1;
    u32::from(err_cnt > 0)
}

/// shell.c line_is_complete: empty text counts as complete.
fn is_complete_or_empty(sql: &[u8]) -> bool {
    if sql.is_empty() {
        return true;
    }
    let mut s = sql.to_vec();
    s.push(b';');
    is_complete(&s)
}
