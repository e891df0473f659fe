//! `chorus`: a command-line shell for Chorus databases that behaves like
//! the `sqlite3` shell (same options, dot commands, output formats and
//! messages).

mod backend;
#[cfg(feature = "chorus-backend")]
mod backend_chorus;
#[cfg(all(feature = "sqlite-backend", not(feature = "chorus-backend")))]
mod backend_sqlite;
mod backup;
mod columnar;
mod complete;
mod dot;
mod dump;
mod eqp;
mod help_text;
mod import;
mod input;
mod interactive;
mod interrupt;
mod progress;
mod quote;
mod real_format;
mod render;
mod schema;
mod shell;
mod state;
mod timer;

use input::{process_input, Source};
use shell::Shell;
use state::{eprint, Mode, State};
use std::io::{BufReader, IsTerminal, Write};

const USAGE_OPTIONS: &str = "\
   -ascii               set output mode to 'ascii'
   -bail                stop after hitting an error
   -batch               force batch I/O
   -box                 set output mode to 'box'
   -column              set output mode to 'column'
   -cmd COMMAND         run \"COMMAND\" before reading stdin
   -csv                 set output mode to 'csv'
   -echo                print inputs before execution
   -init FILENAME       read/process named file
   -[no]header          turn headers on or off
   -help                show this message
   -html                set output mode to HTML
   -interactive         force interactive I/O
   -json                set output mode to 'json'
   -line                set output mode to 'line'
   -list                set output mode to 'list'
   -markdown            set output mode to 'markdown'
   -newline SEP         set output row separator. Default: '\\n'
   -nullvalue TEXT      set text string for NULL values. Default ''
   -quote               set output mode to 'quote'
   -readonly            open the database read-only
   -separator SEP       set output column separator. Default: '|'
   -table               set output mode to 'table'
   -tabs                set output mode to 'tabs'
   -version             show the version
";

fn usage(argv0: &str) -> ! {
    let mut e = std::io::stderr();
    let _ = write!(
        e,
        "Usage: {argv0} [OPTIONS] FILENAME [SQL]\n\
         FILENAME is the name of an SQLite database. A new database is created\n\
         if the file does not previously exist.\n\
         OPTIONS include:\n{USAGE_OPTIONS}"
    );
    std::process::exit(1);
}

fn version_line() -> String {
    format!(
        "chorus {} ({})",
        env!("CARGO_PKG_VERSION"),
        backend::engine_version()
    )
}

/// The value of an option that takes an argument, or exit with sqlite3's
/// message when it is missing.
fn option_value(args: &[String], i: usize) -> &str {
    match args.get(i) {
        Some(v) => v,
        None => {
            let last = args.last().map(String::as_str).unwrap_or("");
            eprintln!("{}: Error: missing argument to {}", args[0], last);
            std::process::exit(1);
        }
    }
}

fn bytes_of(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn main() {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let argv0 = args.first().cloned().unwrap_or_else(|| "chorus".into());
    let mut stdin_interactive = std::io::stdin().is_terminal();
    let mut db_name: Option<String> = None;
    let mut cmds: Vec<String> = Vec::new();
    let mut init_file: Option<String> = None;
    let mut bail = false;
    let mut read_only = false;

    // First pass: file name, SQL arguments, and options needed early.
    let mut i = 1;
    while i < args.len() {
        let z = args[i].as_str();
        if !z.starts_with('-') {
            if db_name.is_none() {
                db_name = Some(z.to_string());
            } else {
                cmds.push(z.to_string());
            }
            i += 1;
            continue;
        }
        let z = if z.starts_with("--") { &z[1..] } else { z };
        match z {
            "-separator" | "-nullvalue" | "-newline" | "-cmd" => {
                i += 1;
                option_value(&args, i);
            }
            "-init" => {
                i += 1;
                init_file = Some(option_value(&args, i).to_string());
            }
            "-batch" => stdin_interactive = false,
            "-bail" => bail = true,
            "-readonly" => read_only = true,
            _ => {}
        }
        i += 1;
    }

    // Like a C program, die quietly on a closed output pipe (`| head`).
    // SAFETY: restoring the default disposition of SIGPIPE.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    interrupt::install();
    let mut st = State::new(stdin_interactive);
    st.bail = bail;
    let mut sh = Shell::new(st);
    let warn_in_memory = args.len() == 1;
    sh.db_filename = db_name.clone().unwrap_or_else(|| ":memory:".into());
    sh.open_opts.read_only = read_only;

    // Open an existing file now; a missing one is created only when needed.
    if std::path::Path::new(&sh.db_filename).exists() {
        sh.open_db(false);
    }

    // Initialization file: -init FILE, else ~/.chorusrc.
    let rc_path = init_file.clone().or_else(|| {
        std::env::var_os("HOME").map(|h| {
            std::path::Path::new(&h)
                .join(".chorusrc")
                .to_string_lossy()
                .into_owned()
        })
    });
    if let Some(p) = rc_path {
        match std::fs::File::open(&p) {
            Ok(f) => {
                if sh.st.stdin_interactive {
                    eprint(&mut sh.st, &format!("-- Loading resources from {p}\n"));
                }
                let mut src = Source::Reader {
                    r: Box::new(BufReader::new(f)),
                    is_file: true,
                };
                let rc = process_input(&mut sh, &mut src);
                if rc != 0 && sh.st.bail {
                    sh.st.flush();
                    std::process::exit(1);
                }
            }
            Err(_) => {
                if init_file.is_some() {
                    eprint(&mut sh.st, &format!("cannot open: \"{p}\"\n"));
                }
            }
        }
    }

    // Second pass: settings, applied after the init file so they win.
    let mut i = 1;
    while i < args.len() {
        let z0 = args[i].as_str();
        if !z0.starts_with('-') {
            i += 1;
            continue;
        }
        let z = if z0.starts_with("--") { &z0[1..] } else { z0 };
        let st = &mut sh.st;
        match z {
            "-init" => i += 1,
            "-html" => st.mode = Mode::Html,
            "-list" => st.mode = Mode::List,
            "-quote" => {
                st.mode = Mode::Quote;
                st.col_sep = bytes_of(",");
                st.row_sep = bytes_of("\n");
            }
            "-line" => st.mode = Mode::Line,
            "-column" => st.mode = Mode::Column,
            "-json" => st.mode = Mode::Json,
            "-markdown" => st.mode = Mode::Markdown,
            "-table" => st.mode = Mode::Table,
            "-box" => st.mode = Mode::Box,
            "-csv" => {
                st.mode = Mode::Csv;
                st.col_sep = bytes_of(",");
            }
            "-ascii" => {
                st.mode = Mode::Ascii;
                st.col_sep = state::SEP_UNIT.to_vec();
                st.row_sep = state::SEP_RECORD.to_vec();
            }
            "-tabs" => {
                st.mode = Mode::List;
                st.col_sep = state::SEP_TAB.to_vec();
                st.row_sep = state::SEP_ROW.to_vec();
            }
            "-separator" => {
                i += 1;
                st.col_sep = bytes_of(option_value(&args, i));
            }
            "-newline" => {
                i += 1;
                st.row_sep = bytes_of(option_value(&args, i));
            }
            "-nullvalue" => {
                i += 1;
                st.null_value = bytes_of(option_value(&args, i));
            }
            "-header" => {
                st.show_header = true;
                st.header_set = true;
            }
            "-noheader" => {
                st.show_header = false;
                st.header_set = true;
            }
            "-echo" => st.echo = true,
            "-bail" | "-readonly" => {}
            "-version" => {
                println!("{}", version_line());
                std::process::exit(0);
            }
            "-interactive" => st.stdin_interactive = true,
            "-batch" => st.stdin_interactive = false,
            "-help" => usage(&argv0),
            "-cmd" => {
                if i == args.len() - 1 {
                    break;
                }
                i += 1;
                let c = args[i].clone();
                if c.starts_with('.') {
                    let r = dot::do_meta_command(&mut sh, c.as_bytes());
                    if sh.st.bail {
                        match r {
                            dot::MetaResult::Error => finish(&mut sh, 1),
                            dot::MetaResult::Exit => finish(&mut sh, 0),
                            dot::MetaResult::Ok => {}
                        }
                    }
                } else if let Err(e) = sh.exec(&c) {
                    eprint(&mut sh.st, &format!("Error: {}\n", e.text));
                    if sh.st.bail {
                        finish(&mut sh, 1);
                    }
                }
            }
            _ => {
                eprint(
                    st,
                    &format!(
                        "{argv0}: Error: unknown option: {z}\nUse -help for a list of options.\n"
                    ),
                );
                finish(&mut sh, 1);
            }
        }
        i += 1;
    }

    let rc;
    if !cmds.is_empty() {
        // SQL or dot commands given as arguments; stdin is not read.
        for c in &cmds {
            if c.starts_with('.') {
                match dot::do_meta_command(&mut sh, c.as_bytes()) {
                    dot::MetaResult::Ok => {}
                    dot::MetaResult::Exit => finish(&mut sh, 0),
                    dot::MetaResult::Error => finish(&mut sh, 1),
                }
            } else {
                sh.open_db(false);
                if let Err(e) = sh.exec(c) {
                    eprint(&mut sh.st, &format!("Error: {}\n", e.text));
                    let code = e.code.max(1);
                    finish(&mut sh, code);
                }
            }
        }
        rc = 0;
    } else if sh.st.stdin_interactive {
        println!(
            "Chorus version {} ({})\nEnter \".help\" for usage hints.",
            env!("CARGO_PKG_VERSION"),
            backend::engine_version()
        );
        if warn_in_memory {
            println!(
                "Connected to a \x1b[1mtransient in-memory database\x1b[0m.\nUse \".open FILENAME\" to reopen on a persistent database."
            );
        }
        let mut term = interactive::Terminal::new();
        let mut src = Source::Terminal(&mut term);
        rc = process_input(&mut sh, &mut src) as i32;
        drop(src);
        term.save_history();
    } else {
        let stdin = std::io::stdin();
        let mut src = Source::Reader {
            r: Box::new(stdin.lock()),
            is_file: false,
        };
        rc = process_input(&mut sh, &mut src) as i32;
    }
    finish(&mut sh, rc);
}

fn finish(sh: &mut Shell, code: i32) -> ! {
    sh.st.flush();
    sh.close_db();
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}
