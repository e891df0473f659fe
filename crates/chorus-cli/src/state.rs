//! The shell's settings and output destination (ShellState in shell.c).

use std::fs::File;
use std::io::{self, BufWriter, Write};

/// Output modes. The order and names follow shell.c's `modeDescr[]`, which
/// is what `.mode` and `.show` print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Line,
    Column,
    List,
    Html,
    Insert,
    Quote,
    Tcl,
    Csv,
    Ascii,
    Json,
    Markdown,
    Table,
    Box,
    Count,
    Off,
}

impl Mode {
    pub fn descr(self) -> &'static str {
        match self {
            Mode::Line => "line",
            Mode::Column => "column",
            Mode::List => "list",
            Mode::Html => "html",
            Mode::Insert => "insert",
            Mode::Quote => "quote",
            Mode::Tcl => "tcl",
            Mode::Csv => "csv",
            Mode::Ascii => "ascii",
            Mode::Json => "json",
            Mode::Markdown => "markdown",
            Mode::Table => "table",
            Mode::Box => "box",
            Mode::Count => "count",
            Mode::Off => "off",
        }
    }

    pub fn is_columnar(self) -> bool {
        matches!(
            self,
            Mode::Column | Mode::Table | Mode::Box | Mode::Markdown
        )
    }
}

pub const SEP_COLUMN: &[u8] = b"|";
pub const SEP_ROW: &[u8] = b"\n";
pub const SEP_TAB: &[u8] = b"\t";
pub const SEP_SPACE: &[u8] = b" ";
pub const SEP_COMMA: &[u8] = b",";
pub const SEP_CRLF: &[u8] = b"\r\n";
pub const SEP_UNIT: &[u8] = b"\x1f";
pub const SEP_RECORD: &[u8] = b"\x1e";

/// Where query output goes.
pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    Stderr(io::Stderr),
    File(BufWriter<File>),
    /// `.output |COMMAND`: the command's standard input.
    Pipe(BufWriter<std::process::ChildStdin>, std::process::Child),
}

/// Start `sh -c COMMAND` (C's popen).
pub fn popen_write(cmd: &str) -> io::Result<Output> {
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| io::Error::other("no stdin"))?;
    Ok(Output::Pipe(BufWriter::new(stdin), child))
}

/// Read the standard output of `sh -c COMMAND`; the child is reaped when
/// the returned reader is dropped and the process has ended.
pub fn popen_read(cmd: &str) -> io::Result<std::process::ChildStdout> {
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let out = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("no stdout"))?;
    // Reap the child in the background once it exits.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(out)
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::Stderr(w) => w.write(buf),
            Output::File(w) => w.write(buf),
            Output::Pipe(w, _) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::Stderr(w) => w.flush(),
            Output::File(w) => w.flush(),
            Output::Pipe(w, _) => w.flush(),
        }
    }
}

/// Options of the columnar modes (`.mode box --wrap N --wordwrap B --quote`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColModeOpts {
    pub wrap: i32,
    pub word_wrap: bool,
    pub quote: bool,
}

impl Default for ColModeOpts {
    fn default() -> Self {
        ColModeOpts {
            wrap: 60,
            word_wrap: false,
            quote: false,
        }
    }
}

pub struct State {
    pub mode: Mode,
    pub show_header: bool,
    pub header_set: bool,
    pub col_sep: Vec<u8>,
    pub row_sep: Vec<u8>,
    pub null_value: Vec<u8>,
    pub col_width: Vec<i32>,
    pub cm_opts: ColModeOpts,
    pub dest_table: Vec<u8>,
    pub out: Output,
    pub outfile: String,
    /// Non-zero while a `.once` redirection is pending.
    pub out_count: u8,
    pub echo: bool,
    /// `.eqp`: 0 off, 1 on, 2 trigger (shown, handled like on).
    pub eqp: u8,
    /// `.explain on`: sqlite3's MODE_Explain replaces the output mode
    /// (`mode` keeps the mode to return to).
    pub explain_mode: bool,
    /// `.explain auto` (the default).
    pub auto_explain: bool,
    pub bail: bool,
    pub count_changes: bool,
    pub timer: bool,
    pub stdin_interactive: bool,
    /// Line number of the last line read from the current input.
    pub lineno: i64,
    /// Rows output by the current statement.
    pub cnt: u64,
    /// Errors seen during `.dump`.
    pub n_err: u32,
    pub input_nesting: u32,
}

impl State {
    pub fn new(interactive: bool) -> State {
        State {
            mode: Mode::List,
            show_header: false,
            header_set: false,
            col_sep: SEP_COLUMN.to_vec(),
            row_sep: SEP_ROW.to_vec(),
            null_value: Vec::new(),
            col_width: Vec::new(),
            cm_opts: ColModeOpts::default(),
            dest_table: Vec::new(),
            out: Output::Stdout(BufWriter::new(io::stdout())),
            outfile: String::new(),
            out_count: 0,
            echo: false,
            eqp: 0,
            explain_mode: false,
            auto_explain: true,
            bail: false,
            count_changes: false,
            timer: false,
            stdin_interactive: interactive,
            lineno: 0,
            cnt: 0,
            n_err: 0,
            input_nesting: 0,
        }
    }

    pub fn write(&mut self, b: &[u8]) {
        // Like the C shell, output errors (a closed pipe) are not reported.
        let _ = self.out.write_all(b);
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// Back to stdout (shell.c output_reset).
    pub fn output_reset(&mut self) {
        self.flush();
        let old = std::mem::replace(&mut self.out, Output::Stdout(BufWriter::new(io::stdout())));
        if let Output::Pipe(w, mut child) = old {
            // Close the pipe (pclose) and wait for the command to finish.
            drop(w);
            let _ = child.wait();
        }
        self.outfile.clear();
    }
}

/// Write to stderr after flushing pending stdout, so a terminal shows
/// messages in order.
pub fn eprint_bytes(st: &mut State, b: &[u8]) {
    st.flush();
    let _ = io::stderr().write_all(b);
}

pub fn eprint(st: &mut State, s: &str) {
    eprint_bytes(st, s.as_bytes());
}
