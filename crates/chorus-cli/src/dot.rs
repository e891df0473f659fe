//! Dot commands (shell.c do_meta_command): argument splitting with quotes
//! and backslash escapes, prefix matching of command names, and the simple
//! settings commands. Commands that query the database live in their own
//! files (schema.rs, dump.rs, import.rs).

use crate::help_text::HELP;
use crate::input::{process_input, Source};
use crate::quote;
use crate::shell::Shell;
use crate::state::{self, eprint, ColModeOpts, Mode, Output, State};
use std::fs::File;
use std::io::{BufReader, BufWriter};

pub enum MetaResult {
    Ok,
    Error,
    Exit,
}

/// shell.c resolve_backslashes.
pub fn resolve_backslashes(z: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(z.len());
    let mut i = 0;
    while i < z.len() {
        let mut c = z[i];
        if c == b'\\' && i + 1 < z.len() {
            i += 1;
            c = z[i];
            c = match c {
                b'a' => 7,
                b'b' => 8,
                b't' => b'\t',
                b'n' => b'\n',
                b'v' => 11,
                b'f' => 12,
                b'r' => b'\r',
                b'0'..=b'7' => {
                    let mut v = c - b'0';
                    if i + 1 < z.len() && (b'0'..=b'7').contains(&z[i + 1]) {
                        i += 1;
                        v = (v << 3).wrapping_add(z[i] - b'0');
                        if i + 1 < z.len() && (b'0'..=b'7').contains(&z[i + 1]) {
                            i += 1;
                            v = (v << 3).wrapping_add(z[i] - b'0');
                        }
                    }
                    v
                }
                other => other,
            };
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Split a dot-command line into arguments (the leading '.' is skipped).
pub fn split_args(line: &[u8]) -> Vec<Vec<u8>> {
    let mut args = Vec::new();
    let mut h = 1usize;
    let n = line.len();
    let is_space = |c: u8| c.is_ascii_whitespace() || c == 0x0b;
    while h < n {
        while h < n && is_space(line[h]) {
            h += 1;
        }
        if h >= n {
            break;
        }
        if line[h] == b'\'' || line[h] == b'"' {
            let delim = line[h];
            h += 1;
            let start = h;
            while h < n && line[h] != delim {
                if line[h] == b'\\' && delim == b'"' && h + 1 < n {
                    h += 1;
                }
                h += 1;
            }
            let arg = &line[start..h.min(n)];
            if h < n {
                h += 1;
            }
            args.push(if delim == b'"' {
                resolve_backslashes(arg)
            } else {
                arg.to_vec()
            });
        } else {
            let start = h;
            while h < n && !is_space(line[h]) {
                h += 1;
            }
            args.push(resolve_backslashes(&line[start..h]));
            if h < n {
                h += 1;
            }
        }
    }
    args
}

/// shell.c integerValue: optional sign, decimal or 0x hex, optional
/// KiB/MiB/GiB/KB/MB/GB/K/M/G suffix.
pub fn integer_value(z: &[u8]) -> i64 {
    let mut i = 0;
    let mut neg = false;
    if z.first() == Some(&b'-') {
        neg = true;
        i = 1;
    } else if z.first() == Some(&b'+') {
        i = 1;
    }
    let mut v: i64 = 0;
    if z.get(i) == Some(&b'0') && z.get(i + 1) == Some(&b'x') {
        i += 2;
        while let Some(d) = z.get(i).and_then(|c| (*c as char).to_digit(16)) {
            v = v.wrapping_mul(16).wrapping_add(d as i64);
            i += 1;
        }
    } else {
        while let Some(c) = z.get(i).filter(|c| c.is_ascii_digit()) {
            v = v.wrapping_mul(10).wrapping_add((c - b'0') as i64);
            i += 1;
        }
    }
    const MULT: &[(&str, i64)] = &[
        ("KiB", 1024),
        ("MiB", 1024 * 1024),
        ("GiB", 1024 * 1024 * 1024),
        ("KB", 1000),
        ("MB", 1000000),
        ("GB", 1000000000),
        ("K", 1000),
        ("M", 1000000),
        ("G", 1000000000),
    ];
    let rest = &z[i.min(z.len())..];
    for (s, m) in MULT {
        if rest.eq_ignore_ascii_case(s.as_bytes()) {
            v = v.wrapping_mul(*m);
            break;
        }
    }
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}

/// shell.c booleanValue.
pub fn boolean_value(st: &mut State, z: &[u8]) -> bool {
    let all_num = if z.starts_with(b"0x") {
        z.len() > 2 && z[2..].iter().all(|c| c.is_ascii_hexdigit())
    } else {
        !z.is_empty() && z.iter().all(|c| c.is_ascii_digit())
    };
    if all_num {
        return (integer_value(z) & 0xffff_ffff) != 0;
    }
    if z.eq_ignore_ascii_case(b"on") || z.eq_ignore_ascii_case(b"yes") {
        return true;
    }
    if z.eq_ignore_ascii_case(b"off") || z.eq_ignore_ascii_case(b"no") {
        return false;
    }
    let msg = format!(
        "ERROR: Not a boolean value: \"{}\". Assuming \"no\".\n",
        String::from_utf8_lossy(z)
    );
    eprint(st, &msg);
    false
}

/// `cmd` abbreviates `name` (strncmp(cmd, name, strlen(cmd))==0).
fn is(cmd: &[u8], name: &str, min: usize) -> bool {
    cmd.len() >= min && name.as_bytes().starts_with(cmd)
}

/// `--opt` or `-opt`.
pub fn option_match(z: &[u8], opt: &str) -> bool {
    let Some(z) = z.strip_prefix(b"-") else {
        return false;
    };
    let z = z.strip_prefix(b"-").unwrap_or(z);
    z == opt.as_bytes()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn usage(st: &mut State, text: &str) -> MetaResult {
    eprint(st, text);
    MetaResult::Error
}

/// Run one dot command line.
pub fn do_meta_command(sh: &mut Shell, line: &[u8]) -> MetaResult {
    let args = split_args(line);
    if args.is_empty() {
        return MetaResult::Ok;
    }
    let r = dispatch(sh, &args);
    if sh.st.out_count > 0 {
        sh.st.out_count -= 1;
        if sh.st.out_count == 0 {
            sh.st.output_reset();
        }
    }
    r
}

fn dispatch(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    let cmd = args[0].as_slice();
    let n_arg = args.len();
    let c = cmd.first().copied().unwrap_or(0);
    match c {
        b'b' if is(cmd, "backup", 3) => crate::backup::backup(sh, args),
        b's' if cmd.len() >= 3 && is(cmd, "save", 3) => crate::backup::backup(sh, args),
        b'r' if is(cmd, "restore", 3) => crate::backup::restore(sh, args),
        b'b' if is(cmd, "bail", 3) => {
            if n_arg == 2 {
                sh.st.bail = boolean_value(&mut sh.st, &args[1]);
                MetaResult::Ok
            } else {
                usage(&mut sh.st, "Usage: .bail on|off\n")
            }
        }
        b'c' if is(cmd, "cd", 2) => {
            if n_arg != 2 {
                return usage(&mut sh.st, "Usage: .cd DIRECTORY\n");
            }
            let dir = lossy(&args[1]);
            if std::env::set_current_dir(&dir).is_err() {
                let msg = format!("Cannot change to directory \"{dir}\"\n");
                eprint(&mut sh.st, &msg);
                return MetaResult::Error;
            }
            MetaResult::Ok
        }
        b'c' if is(cmd, "changes", 3) => {
            if n_arg == 2 {
                sh.st.count_changes = boolean_value(&mut sh.st, &args[1]);
                MetaResult::Ok
            } else {
                usage(&mut sh.st, "Usage: .changes on|off\n")
            }
        }
        b'd' if cmd.len() > 1 && is(cmd, "databases", 1) => crate::schema::databases(sh),
        b'd' if is(cmd, "dump", 1) => crate::dump::dump(sh, &args[1..]),
        b'e' if is(cmd, "echo", 1) => {
            if n_arg == 2 {
                sh.st.echo = boolean_value(&mut sh.st, &args[1]);
                MetaResult::Ok
            } else {
                usage(&mut sh.st, "Usage: .echo on|off\n")
            }
        }
        b'e' if is(cmd, "eqp", 1) => {
            if n_arg != 2 {
                return usage(&mut sh.st, "Usage: .eqp off|on|trace|trigger|full\n");
            }
            sh.st.eqp = match args[1].as_slice() {
                b"trigger" => 2,
                b"full" | b"trace" => {
                    let msg = format!(
                        "Error: .eqp {} is not supported by this shell\n",
                        lossy(&args[1])
                    );
                    eprint(&mut sh.st, &msg);
                    return MetaResult::Error;
                }
                v => u8::from(boolean_value(&mut sh.st, v)),
            };
            MetaResult::Ok
        }
        b'e' if is(cmd, "explain", 1) => {
            // shell.c: no argument means on; "auto" is 99.
            let val = match args.get(1).map(Vec::as_slice) {
                None => 1,
                Some(b"auto") => 99,
                Some(v) => u8::from(boolean_value(&mut sh.st, v)),
            };
            let st = &mut sh.st;
            match val {
                1 => {
                    if !st.explain_mode {
                        st.explain_mode = true;
                        st.auto_explain = false;
                    }
                }
                0 => {
                    st.explain_mode = false;
                    st.auto_explain = false;
                }
                _ => {
                    st.explain_mode = false;
                    st.auto_explain = true;
                }
            }
            MetaResult::Ok
        }
        b'e' if is(cmd, "exit", 1) => {
            if n_arg > 1 {
                let rc = integer_value(&args[1]) as i32;
                if rc != 0 {
                    sh.st.flush();
                    std::process::exit(rc);
                }
            }
            MetaResult::Exit
        }
        b'h' if is(cmd, "header", 1) || is(cmd, "headers", 1) => {
            if n_arg == 2 {
                sh.st.show_header = boolean_value(&mut sh.st, &args[1]);
                sh.st.header_set = true;
                MetaResult::Ok
            } else {
                usage(&mut sh.st, "Usage: .headers on|off\n")
            }
        }
        b'h' if is(cmd, "help", 1) => {
            if n_arg >= 2 {
                let n = show_help(&mut sh.st, Some(&args[1]));
                if n == 0 {
                    let s = format!("Nothing matches '{}'\n", lossy(&args[1]));
                    sh.st.write(s.as_bytes());
                }
            } else {
                show_help(&mut sh.st, None);
            }
            MetaResult::Ok
        }
        b'i' if is(cmd, "import", 1) => crate::import::import(sh, &args[1..]),
        b'i' if is(cmd, "indices", 1) || is(cmd, "indexes", 1) => {
            crate::schema::tables(sh, args, false)
        }
        b'm' if is(cmd, "mode", 1) => mode_command(sh, args),
        b'n' if is(cmd, "nullvalue", 1) => {
            if n_arg == 2 {
                sh.st.null_value = args[1].iter().copied().take(19).collect();
                MetaResult::Ok
            } else {
                usage(&mut sh.st, "Usage: .nullvalue STRING\n")
            }
        }
        b'o' if is(cmd, "open", 2) => open_command(sh, args),
        b'o' if is(cmd, "output", 3) || is(cmd, "once", 1) => output_command(sh, args),
        b'p' if is(cmd, "print", 3) => {
            let mut out = Vec::new();
            for (i, a) in args[1..].iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(a);
            }
            out.push(b'\n');
            sh.st.write(&out);
            MetaResult::Ok
        }
        b'q' if is(cmd, "quit", 1) => MetaResult::Exit,
        b'r' if is(cmd, "read", 3) => read_command(sh, args),
        b's' if is(cmd, "schema", 1) => crate::schema::schema(sh, args),
        b's' if is(cmd, "separator", 1) => {
            if !(2..=3).contains(&n_arg) {
                eprint(&mut sh.st, "Usage: .separator COL ?ROW?\n");
                return MetaResult::Error;
            }
            sh.st.col_sep = args[1].iter().copied().take(19).collect();
            if n_arg >= 3 {
                sh.st.row_sep = args[2].iter().copied().take(19).collect();
            }
            MetaResult::Ok
        }
        b's' if cmd.len() >= 2 && (is(cmd, "shell", 2) || is(cmd, "system", 2)) => {
            system_command(sh, args)
        }
        b's' if is(cmd, "show", 1) => show_command(sh, n_arg),
        b't' if cmd.len() > 1 && is(cmd, "tables", 1) => crate::schema::tables(sh, args, true),
        b't' if is(cmd, "timer", 5) => {
            if n_arg == 2 {
                sh.st.timer = boolean_value(&mut sh.st, &args[1]);
                MetaResult::Ok
            } else {
                usage(&mut sh.st, "Usage: .timer on|off\n")
            }
        }
        b'w' if is(cmd, "width", 1) => {
            sh.st.col_width = args[1..].iter().map(|a| integer_value(a) as i32).collect();
            MetaResult::Ok
        }
        _ => {
            let msg = format!(
                "Error: unknown command or invalid arguments:  \"{}\". Enter \".help\" for help\n",
                lossy(cmd)
            );
            eprint(&mut sh.st, &msg);
            MetaResult::Error
        }
    }
}

/// shell.c showHelp; returns the number of matching commands.
pub fn show_help(st: &mut State, pattern: Option<&[u8]>) -> usize {
    let mut out = Vec::new();
    let mut n = 0;
    let all = match pattern {
        None => true,
        Some(p) => p.first() == Some(&b'0') || p == b"-a" || p == b"-all" || p == b"--all",
    };
    if all {
        let every = pattern.is_some();
        for h in HELP {
            if h.starts_with('.') || every {
                out.extend_from_slice(h.as_bytes());
                out.push(b'\n');
                n += 1;
            }
        }
        if pattern.is_none() {
            out.extend_from_slice(crate::help_text::SQL_EXTENSIONS.as_bytes());
        }
        st.write(&out);
        return n;
    }
    let pat = pattern.unwrap_or_default();
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(pat);
    let mut j = 0;
    for (i, h) in HELP.iter().enumerate() {
        if h.as_bytes().starts_with(&prefix) {
            out.extend_from_slice(h.as_bytes());
            out.push(b'\n');
            j = i + 1;
            n += 1;
        }
    }
    if n > 0 {
        if n == 1 {
            while j < HELP.len() - 1 && !HELP[j].starts_with('.') {
                out.extend_from_slice(HELP[j].as_bytes());
                out.push(b'\n');
                j += 1;
            }
        }
        st.write(&out);
        return n;
    }
    let lpat = pat.to_ascii_lowercase();
    let mut i = 0;
    let mut j = 0;
    while i < HELP.len() {
        if HELP[i].starts_with('.') {
            j = i;
        }
        let lh = HELP[i].to_ascii_lowercase();
        if lpat.is_empty()
            || lh
                .as_bytes()
                .windows(lpat.len())
                .any(|w| w == lpat.as_slice())
        {
            out.extend_from_slice(HELP[j].as_bytes());
            out.push(b'\n');
            while j < HELP.len() - 1 && !HELP[j + 1].starts_with('.') {
                j += 1;
                out.extend_from_slice(HELP[j].as_bytes());
                out.push(b'\n');
            }
            i = j;
            n += 1;
        }
        i += 1;
    }
    st.write(&out);
    n
}

fn mode_command(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    let mut z_mode: Option<Vec<u8>> = None;
    let mut z_tab: Option<Vec<u8>> = None;
    let mut opts = ColModeOpts::default();
    let mut i = 1;
    while i < args.len() {
        let z = &args[i];
        if option_match(z, "wrap") && i + 1 < args.len() {
            i += 1;
            opts.wrap = integer_value(&args[i]) as i32;
        } else if option_match(z, "ww") {
            opts.word_wrap = true;
        } else if option_match(z, "wordwrap") && i + 1 < args.len() {
            i += 1;
            opts.word_wrap = boolean_value(&mut sh.st, &args[i].clone());
        } else if option_match(z, "quote") {
            opts.quote = true;
        } else if option_match(z, "noquote") {
            opts.quote = false;
        } else if z_mode.is_none() {
            if z.as_slice() == b"qbox" {
                opts = ColModeOpts {
                    wrap: 60,
                    word_wrap: false,
                    quote: true,
                };
                z_mode = Some(b"box".to_vec());
            } else {
                z_mode = Some(z.clone());
            }
        } else if z_tab.is_none() {
            z_tab = Some(z.clone());
        } else if z.first() == Some(&b'-') {
            let msg = format!(
                "unknown option: {}\noptions:\n  --noquote\n  --quote\n  --wordwrap on/off\n  --wrap N\n  --ww\n",
                lossy(z)
            );
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        } else {
            let msg = format!("extra argument: \"{}\"\n", lossy(z));
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        }
        i += 1;
    }
    let st = &mut sh.st;
    let z_mode = match z_mode {
        Some(m) => m,
        None if st.explain_mode => {
            st.write(b"current output mode: explain\n");
            b"explain".to_vec()
        }
        None => {
            let s = if st.mode.is_columnar() {
                format!(
                    "current output mode: {} --wrap {} --wordwrap {} --{}quote\n",
                    st.mode.descr(),
                    st.cm_opts.wrap,
                    if st.cm_opts.word_wrap { "on" } else { "off" },
                    if st.cm_opts.quote { "" } else { "no" }
                )
            } else {
                format!("current output mode: {}\n", st.mode.descr())
            };
            st.write(s.as_bytes());
            st.mode.descr().as_bytes().to_vec()
        }
    };
    let m = z_mode.as_slice();
    let p = |name: &str| name.as_bytes().starts_with(m);
    if p("lines") {
        st.mode = Mode::Line;
        st.row_sep = state::SEP_ROW.to_vec();
    } else if p("columns") {
        st.mode = Mode::Column;
        if !st.header_set {
            st.show_header = true;
        }
        st.row_sep = state::SEP_ROW.to_vec();
        st.cm_opts = opts;
    } else if p("list") {
        st.mode = Mode::List;
        st.col_sep = state::SEP_COLUMN.to_vec();
        st.row_sep = state::SEP_ROW.to_vec();
    } else if p("html") {
        st.mode = Mode::Html;
    } else if p("tcl") {
        st.mode = Mode::Tcl;
        st.col_sep = state::SEP_SPACE.to_vec();
        st.row_sep = state::SEP_ROW.to_vec();
    } else if p("csv") {
        st.mode = Mode::Csv;
        st.col_sep = state::SEP_COMMA.to_vec();
        st.row_sep = state::SEP_CRLF.to_vec();
    } else if p("tabs") {
        st.mode = Mode::List;
        st.col_sep = state::SEP_TAB.to_vec();
    } else if p("insert") {
        st.mode = Mode::Insert;
        st.dest_table = quote::maybe_dquote(z_tab.as_deref().unwrap_or(b"table"));
    } else if p("quote") {
        st.mode = Mode::Quote;
        st.col_sep = state::SEP_COMMA.to_vec();
        st.row_sep = state::SEP_ROW.to_vec();
    } else if p("ascii") {
        st.mode = Mode::Ascii;
        st.col_sep = state::SEP_UNIT.to_vec();
        st.row_sep = state::SEP_RECORD.to_vec();
    } else if p("markdown") {
        st.mode = Mode::Markdown;
        st.cm_opts = opts;
    } else if p("table") {
        st.mode = Mode::Table;
        st.cm_opts = opts;
    } else if p("box") {
        st.mode = Mode::Box;
        st.cm_opts = opts;
    } else if p("count") {
        st.mode = Mode::Count;
    } else if p("off") {
        st.mode = Mode::Off;
    } else if p("json") {
        st.mode = Mode::Json;
    } else {
        eprint(
            st,
            "Error: mode should be one of: ascii box column csv html insert json line list markdown qbox quote table tabs tcl\n",
        );
        return MetaResult::Error;
    }
    st.explain_mode = false;
    MetaResult::Ok
}

/// `.system CMD ARGS...` (also `.shell`): run through `sh -c`, quoting
/// arguments that contain spaces, as sqlite3's system() call does.
fn system_command(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    if args.len() < 2 {
        return usage(&mut sh.st, "Usage: .system COMMAND\n");
    }
    let mut cmd = String::new();
    for (i, a) in args[1..].iter().enumerate() {
        if i > 0 {
            cmd.push(' ');
        }
        let a = lossy(a);
        if a.contains(' ') {
            cmd.push('"');
            cmd.push_str(&a);
            cmd.push('"');
        } else {
            cmd.push_str(&a);
        }
    }
    sh.st.flush();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(&cmd)
        .status();
    let x = match status {
        Ok(s) => {
            use std::os::unix::process::ExitStatusExt;
            s.into_raw()
        }
        Err(_) => 127 << 8,
    };
    if x != 0 {
        let msg = format!("System command returns {x}\n");
        eprint(&mut sh.st, &msg);
    }
    MetaResult::Ok
}

fn show_command(sh: &mut Shell, n_arg: usize) -> MetaResult {
    if n_arg != 1 {
        return usage(&mut sh.st, "Usage: .show\n");
    }
    let st = &mut sh.st;
    let on_off = |b: bool| if b { "on" } else { "off" };
    let mut o = Vec::new();
    o.extend_from_slice(format!("{:>12}: {}\n", "echo", on_off(st.echo)).as_bytes());
    let eqp = ["off", "on", "trigger", "full"][usize::from(st.eqp & 3)];
    o.extend_from_slice(format!("{:>12}: {}\n", "eqp", eqp).as_bytes());
    let explain = if st.explain_mode {
        "on"
    } else if st.auto_explain {
        "auto"
    } else {
        "off"
    };
    o.extend_from_slice(format!("{:>12}: {}\n", "explain", explain).as_bytes());
    o.extend_from_slice(format!("{:>12}: {}\n", "headers", on_off(st.show_header)).as_bytes());
    if st.mode.is_columnar() {
        o.extend_from_slice(
            format!(
                "{:>12}: {} --wrap {} --wordwrap {} --{}quote\n",
                "mode",
                st.mode.descr(),
                st.cm_opts.wrap,
                on_off(st.cm_opts.word_wrap),
                if st.cm_opts.quote { "" } else { "no" }
            )
            .as_bytes(),
        );
    } else if st.explain_mode {
        o.extend_from_slice(format!("{:>12}: {}\n", "mode", "explain").as_bytes());
    } else {
        o.extend_from_slice(format!("{:>12}: {}\n", "mode", st.mode.descr()).as_bytes());
    }
    o.extend_from_slice(format!("{:>12}: ", "nullvalue").as_bytes());
    quote::c_string(&mut o, &st.null_value);
    o.push(b'\n');
    let outname = if st.outfile.is_empty() {
        "stdout".to_string()
    } else {
        st.outfile.clone()
    };
    o.extend_from_slice(format!("{:>12}: {}\n", "output", outname).as_bytes());
    o.extend_from_slice(format!("{:>12}: ", "colseparator").as_bytes());
    quote::c_string(&mut o, &st.col_sep);
    o.push(b'\n');
    o.extend_from_slice(format!("{:>12}: ", "rowseparator").as_bytes());
    quote::c_string(&mut o, &st.row_sep);
    o.push(b'\n');
    o.extend_from_slice(format!("{:>12}: {}\n", "stats", "off").as_bytes());
    o.extend_from_slice(format!("{:>12}: ", "width").as_bytes());
    for w in &st.col_width {
        o.extend_from_slice(format!("{w} ").as_bytes());
    }
    o.push(b'\n');
    o.extend_from_slice(format!("{:>12}: {}\n", "filename", sh.db_filename).as_bytes());
    st.write(&o);
    MetaResult::Ok
}

fn read_command(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    if args.len() != 2 {
        return usage(&mut sh.st, "Usage: .read FILE\n");
    }
    let name = lossy(&args[1]);
    let opened: std::io::Result<Box<dyn std::io::BufRead>> = match name.strip_prefix('|') {
        Some(cmd) => state::popen_read(cmd).map(|o| Box::new(BufReader::new(o)) as _),
        None => File::open(&name).map(|f| Box::new(BufReader::new(f)) as _),
    };
    let reader = match opened {
        Ok(r) => r,
        Err(_) => {
            let msg = format!("Error: cannot open \"{name}\"\n");
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        }
    };
    let saved_lineno = sh.st.lineno;
    let mut src = Source::Reader {
        r: reader,
        is_file: true,
    };
    let rc = process_input(sh, &mut src);
    sh.st.lineno = saved_lineno;
    if rc != 0 {
        MetaResult::Error
    } else {
        MetaResult::Ok
    }
}

fn open_command(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    let mut new_flag = false;
    let mut read_only = false;
    let mut file: Option<String> = None;
    for z in &args[1..] {
        if option_match(z, "new") {
            new_flag = true;
        } else if option_match(z, "readonly") {
            read_only = true;
        } else if z.first() == Some(&b'-') {
            let msg = format!("unknown option: {}\n", lossy(z));
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        } else if file.is_some() {
            let msg = format!("extra argument: \"{}\"\n", lossy(z));
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        } else {
            file = Some(lossy(z));
        }
    }
    sh.close_db();
    sh.open_opts.read_only = read_only;
    match file {
        Some(f) => {
            if new_flag && f != ":memory:" {
                let _ = std::fs::remove_file(&f);
            }
            sh.db_filename = f;
            sh.open_db(true);
        }
        None => {
            sh.db_filename = String::new();
            sh.open_db(false);
        }
    }
    MetaResult::Ok
}

fn output_command(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    let once = is(&args[0], "once", 1);
    let mut bom = false;
    let mut file: Option<String> = None;
    let name0 = lossy(&args[0]);
    for (i, a) in args[1..].iter().enumerate() {
        if a.first() == Some(&b'-') {
            let z = if a.starts_with(b"--") {
                &a[1..]
            } else {
                &a[..]
            };
            if z == b"-bom" {
                bom = true;
            } else {
                let s = format!("ERROR: unknown option: \"{}\".  Usage:\n", lossy(a));
                sh.st.write(s.as_bytes());
                show_help(&mut sh.st, Some(name0.as_bytes()));
                return MetaResult::Error;
            }
        } else if file.is_none() {
            let f = lossy(a);
            if f.starts_with('|') {
                // The rest of the line is the command.
                let mut cmd = f;
                for r in &args[i + 2..] {
                    cmd.push(' ');
                    cmd.push_str(&lossy(r));
                }
                file = Some(cmd);
                break;
            }
            file = Some(f);
        } else {
            let s = format!("ERROR: extra parameter: \"{}\".  Usage:\n", lossy(a));
            sh.st.write(s.as_bytes());
            show_help(&mut sh.st, Some(name0.as_bytes()));
            return MetaResult::Error;
        }
    }
    let file = file.unwrap_or_else(|| "stdout".to_string());
    sh.st.out_count = if once { 2 } else { 0 };
    sh.st.output_reset();
    let out = match file.as_str() {
        "stdout" => Some(Output::Stdout(BufWriter::new(std::io::stdout()))),
        "stderr" => Some(Output::Stderr(std::io::stderr())),
        "off" => None,
        f if f.starts_with('|') => match state::popen_write(&f[1..]) {
            Ok(o) => Some(o),
            Err(_) => {
                let msg = format!("Error: cannot open pipe \"{}\"\n", &f[1..]);
                eprint(&mut sh.st, &msg);
                None
            }
        },
        f => match File::create(f) {
            Ok(fh) => Some(Output::File(BufWriter::new(fh))),
            Err(_) => {
                let msg = format!("Error: cannot open \"{f}\"\n");
                eprint(&mut sh.st, &msg);
                None
            }
        },
    };
    match out {
        Some(o) => {
            sh.st.out = o;
            if bom {
                sh.st.write(b"\xef\xbb\xbf");
            }
            sh.st.outfile = if file == "stdout" {
                String::new()
            } else {
                file
            };
            MetaResult::Ok
        }
        None => {
            if file != "off" {
                let msg = format!("Error: cannot write to \"{file}\"\n");
                eprint(&mut sh.st, &msg);
            }
            MetaResult::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args() {
        let a = split_args(b".print 'a b' \"c\\td\" e\\nf");
        assert_eq!(
            a,
            vec![
                b"print".to_vec(),
                b"a b".to_vec(),
                b"c\td".to_vec(),
                b"e\nf".to_vec()
            ]
        );
        assert_eq!(integer_value(b"-12"), -12);
        assert_eq!(integer_value(b"0x10"), 16);
        assert_eq!(integer_value(b"2K"), 2000);
    }
}
