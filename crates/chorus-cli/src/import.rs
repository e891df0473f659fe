//! `.import FILE TABLE`: read CSV (RFC 4180 quoting, with sqlite3's
//! tolerance and warnings) or separator-delimited "ascii" records and insert
//! them into TABLE, creating it from the first row when it does not exist.
//! Rows go through one prepared `INSERT ... VALUES(?,...)` with the fields
//! bound as text, inside one transaction when none is open.

use crate::dot::{integer_value, show_help, MetaResult};
use crate::quote;
use crate::shell::Shell;
use crate::state::{eprint, Mode, SEP_ROW};
use std::io::{BufReader, Read};

const EOF: i32 = -1;

struct Reader<R: Read> {
    r: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    consumed: u64,
}

impl<R: Read> Reader<R> {
    fn getc(&mut self) -> i32 {
        if self.pos >= self.len {
            self.len = loop {
                match self.r.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break 0,
                }
            };
            self.pos = 0;
            if self.len == 0 {
                return EOF;
            }
        }
        let c = self.buf[self.pos];
        self.pos += 1;
        self.consumed += 1;
        c as i32
    }

    /// Append bytes to `out` up to the first `a` or `b`, consume that byte
    /// too and return it (EOF at the end of input): `getc` in a loop, a
    /// buffer at a time.
    fn take_until(&mut self, a: i32, b: i32, out: &mut Vec<u8>) -> i32 {
        loop {
            if self.pos >= self.len {
                let c = self.getc();
                if c == EOF || c == a || c == b {
                    return c;
                }
                out.push(c as u8);
                continue;
            }
            let avail = &self.buf[self.pos..self.len];
            match avail.iter().position(|&c| c as i32 == a || c as i32 == b) {
                Some(n) => {
                    out.extend_from_slice(&avail[..n]);
                    let c = avail[n] as i32;
                    self.pos += n + 1;
                    self.consumed += n as u64 + 1;
                    return c;
                }
                None => {
                    out.extend_from_slice(avail);
                    self.consumed += avail.len() as u64;
                    self.pos = self.len;
                }
            }
        }
    }
}

struct ImportCtx<R: Read> {
    file: String,
    input: Reader<R>,
    z: Vec<u8>,
    n_line: i64,
    not_first: bool,
    c_term: i32,
    col_sep: i32,
    row_sep: i32,
    ascii: bool,
    st_err: Vec<u8>,
}

impl<R: Read> ImportCtx<R> {
    fn warn(&mut self, s: String) {
        self.st_err.extend_from_slice(s.as_bytes());
    }

    /// Next field, or None at end of input (shell.c csv_read_one_field /
    /// ascii_read_one_field).
    fn read(&mut self) -> Option<&[u8]> {
        if self.ascii {
            self.read_ascii()
        } else {
            self.read_csv()
        }
    }

    fn read_ascii(&mut self) -> Option<&[u8]> {
        self.z.clear();
        let mut c = self.input.getc();
        if c == EOF || crate::interrupt::seen() {
            self.c_term = EOF;
            return None;
        }
        while c != EOF && c != self.col_sep && c != self.row_sep {
            self.z.push(c as u8);
            c = self.input.getc();
        }
        if c == self.row_sep {
            self.n_line += 1;
        }
        self.c_term = c;
        Some(&self.z)
    }

    fn read_csv(&mut self) -> Option<&[u8]> {
        self.z.clear();
        let c_sep = self.col_sep;
        let r_sep = self.row_sep;
        let mut c = self.input.getc();
        if c == EOF || crate::interrupt::seen() {
            self.c_term = EOF;
            return None;
        }
        if c == b'"' as i32 {
            let quote = c;
            let start_line = self.n_line;
            let (mut pc, mut ppc) = (0i32, 0i32);
            loop {
                c = self.input.getc();
                if c == r_sep {
                    self.n_line += 1;
                }
                if c == quote && pc == quote {
                    pc = 0;
                    continue;
                }
                if ((c == c_sep || c == r_sep) && pc == quote)
                    || (c == r_sep && pc == b'\r' as i32 && ppc == quote)
                    || (c == EOF && pc == quote)
                {
                    while let Some(last) = self.z.pop() {
                        if last as i32 == quote {
                            break;
                        }
                    }
                    self.c_term = c;
                    break;
                }
                if pc == quote && c != b'\r' as i32 {
                    let s = format!(
                        "{}:{}: unescaped {} character\n",
                        self.file, self.n_line, quote as u8 as char
                    );
                    self.warn(s);
                }
                if c == EOF {
                    let s = format!(
                        "{}:{}: unterminated {}-quoted field\n",
                        self.file, start_line, quote as u8 as char
                    );
                    self.warn(s);
                    self.c_term = c;
                    break;
                }
                self.z.push(c as u8);
                ppc = pc;
                pc = c;
            }
        } else {
            if c == 0xef && !self.not_first {
                self.z.push(c as u8);
                c = self.input.getc();
                if c == 0xbb {
                    self.z.push(c as u8);
                    c = self.input.getc();
                    if c == 0xbf {
                        self.not_first = true;
                        return self.read_csv();
                    }
                }
            }
            if c != EOF && c != c_sep && c != r_sep {
                self.z.push(c as u8);
                c = self.input.take_until(c_sep, r_sep, &mut self.z);
            }
            if c == r_sep {
                self.n_line += 1;
                if self.z.last() == Some(&b'\r') {
                    self.z.pop();
                }
            }
            self.c_term = c;
        }
        self.not_first = true;
        Some(&self.z)
    }
}

fn usage_error(sh: &mut Shell, first: String) -> MetaResult {
    sh.st.write(first.as_bytes());
    show_help(&mut sh.st, Some(b"import"));
    MetaResult::Error
}

/// Column definitions for a new table from the header fields: empty names
/// become "?"; names that occur more than once (ignoring case) get "_N"
/// with N their column position, zero-padded only as far as needed to keep
/// every final name distinct (shell.c zAutoColumn).
fn column_defs(names: &[Vec<u8>]) -> (Vec<u8>, Vec<String>) {
    let base: Vec<Vec<u8>> = names
        .iter()
        .map(|n| {
            if n.is_empty() {
                b"?".to_vec()
            } else {
                n.clone()
            }
        })
        .collect();
    let lower: Vec<Vec<u8>> = base.iter().map(|n| n.to_ascii_lowercase()).collect();
    let repeated: Vec<bool> = lower
        .iter()
        .map(|l| lower.iter().filter(|o| *o == l).count() > 1)
        .collect();
    let with_zeros = |nlz: usize| -> Vec<Vec<u8>> {
        base.iter()
            .enumerate()
            .map(|(i, n)| {
                let mut v = n.clone();
                if repeated[i] {
                    v.extend_from_slice(format!("_{}{}", "0".repeat(nlz), i + 1).as_bytes());
                }
                v
            })
            .collect()
    };
    let mut nlz = 0;
    let mut finals = with_zeros(0);
    while nlz < 8 {
        let low: Vec<Vec<u8>> = finals.iter().map(|n| n.to_ascii_lowercase()).collect();
        let clash = (0..low.len()).any(|a| (0..low.len()).any(|b| a != b && low[a] == low[b]));
        if !clash {
            break;
        }
        nlz += 1;
        finals = with_zeros(nlz);
    }
    let renames: Vec<String> = (0..base.len())
        .filter(|&i| repeated[i])
        .map(|i| {
            format!(
                "\"{}\" to \"{}\"",
                String::from_utf8_lossy(&base[i]),
                String::from_utf8_lossy(&finals[i])
            )
        })
        .collect();
    let mut defs = b"(\n".to_vec();
    for (i, n) in finals.iter().enumerate() {
        // Four columns to a line.
        if i > 0 {
            defs.extend_from_slice(if i % 4 > 0 { b", " } else { b",\n " });
        }
        defs.extend_from_slice(&quote::dquote(n));
        defs.extend_from_slice(b" TEXT");
    }
    defs.push(b')');
    (defs, renames)
}

pub fn import(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    let mut file: Option<String> = None;
    let mut table: Option<Vec<u8>> = None;
    let mut schema: Option<Vec<u8>> = None;
    let mut skip: i64 = 0;
    let mut verbose = 0;
    let mut use_output_mode = true;
    let (mut col_sep, mut row_sep, mut ascii) = (0i32, 0i32, false);
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let z: &[u8] = if a.starts_with(b"--") { &a[1..] } else { a };
        if z.first() != Some(&b'-') {
            if file.is_none() {
                file = Some(String::from_utf8_lossy(z).into_owned());
            } else if table.is_none() {
                table = Some(z.to_vec());
            } else {
                let s = format!(
                    "ERROR: extra argument: \"{}\".  Usage:\n",
                    String::from_utf8_lossy(z)
                );
                return usage_error(sh, s);
            }
        } else if z == b"-v" {
            verbose += 1;
        } else if z == b"-schema" && i + 1 < args.len() {
            i += 1;
            schema = Some(args[i].clone());
        } else if z == b"-skip" && i + 1 < args.len() {
            i += 1;
            skip = integer_value(&args[i]);
        } else if z == b"-ascii" {
            col_sep = 0x1f;
            row_sep = 0x1e;
            ascii = true;
            use_output_mode = false;
        } else if z == b"-csv" {
            col_sep = b',' as i32;
            row_sep = b'\n' as i32;
            ascii = false;
            use_output_mode = false;
        } else {
            let s = format!(
                "ERROR: unknown option: \"{}\".  Usage:\n",
                String::from_utf8_lossy(z)
            );
            return usage_error(sh, s);
        }
        i += 1;
    }
    let Some(table) = table else {
        let s = format!(
            "ERROR: missing {} argument. Usage:\n",
            if file.is_none() { "FILE" } else { "TABLE" }
        );
        return usage_error(sh, s);
    };
    let file = file.unwrap_or_default();
    crate::interrupt::clear();
    sh.open_db(false);
    if use_output_mode {
        if sh.st.col_sep.is_empty() {
            eprint(
                &mut sh.st,
                "Error: non-null column separator required for import\n",
            );
            return MetaResult::Error;
        }
        if sh.st.col_sep.len() > 1 {
            eprint(
                &mut sh.st,
                "Error: multi-character column separators not allowed for import\n",
            );
            return MetaResult::Error;
        }
        if sh.st.row_sep.is_empty() {
            eprint(
                &mut sh.st,
                "Error: non-null row separator required for import\n",
            );
            return MetaResult::Error;
        }
        if sh.st.mode == Mode::Csv && sh.st.row_sep == b"\r\n" {
            sh.st.row_sep = SEP_ROW.to_vec();
        }
        if sh.st.row_sep.len() > 1 {
            eprint(
                &mut sh.st,
                "Error: multi-character row separators not allowed for import\n",
            );
            return MetaResult::Error;
        }
        col_sep = sh.st.col_sep[0] as i32;
        row_sep = sh.st.row_sep[0] as i32;
        ascii = sh.st.mode == Mode::Ascii;
    }
    let opened: std::io::Result<(Box<dyn Read>, Option<u64>)> = match file.strip_prefix('|') {
        Some(cmd) => crate::state::popen_read(cmd).map(|o| (Box::new(o) as Box<dyn Read>, None)),
        None => std::fs::File::open(&file).map(|f| {
            let total = f.metadata().map(|m| m.len()).ok();
            (Box::new(f) as Box<dyn Read>, total)
        }),
    };
    let (f, total) = match opened {
        Ok(x) => x,
        Err(_) => {
            let msg = format!("Error: cannot open \"{file}\"\n");
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        }
    };
    let mut ctx = ImportCtx {
        file: file.clone(),
        input: Reader {
            r: BufReader::new(f),
            buf: vec![0u8; 1 << 16],
            pos: 0,
            len: 0,
            consumed: 0,
        },
        z: Vec::new(),
        n_line: 1,
        not_first: false,
        c_term: 0,
        col_sep,
        row_sep,
        ascii,
        st_err: Vec::new(),
    };
    while skip > 0 {
        skip -= 1;
        while ctx.read().is_some() && ctx.c_term == ctx.col_sep {}
    }
    let full_name = match &schema {
        Some(s) => {
            let mut v = quote::dquote(s);
            v.push(b'.');
            v.extend_from_slice(&quote::dquote(&table));
            v
        }
        None => quote::dquote(&table),
    };
    let full = String::from_utf8_lossy(&full_name).into_owned();
    let select = format!("SELECT * FROM {full}");
    let Shell { db, st, .. } = sh;
    let Some(db) = db.as_deref() else {
        return MetaResult::Error;
    };
    let flush_warnings = |st: &mut crate::state::State, ctx: &mut ImportCtx<_>| {
        if !ctx.st_err.is_empty() {
            let w = std::mem::take(&mut ctx.st_err);
            crate::state::eprint_bytes(st, &w);
        }
    };
    let mut n_col = match db.prepare(&select) {
        Ok((Some(s), _)) => Some(s.column_count()),
        Ok((None, _)) => Some(0),
        Err(e) if e.message.starts_with("no such table: ") => None,
        Err(e) => {
            let msg = format!("Error: {}\n", e.message);
            eprint(st, &msg);
            return MetaResult::Error;
        }
    };
    if n_col.is_none() {
        let mut names = Vec::new();
        while let Some(z) = ctx.read() {
            names.push(z.to_vec());
            if ctx.c_term != ctx.col_sep {
                break;
            }
        }
        flush_warnings(st, &mut ctx);
        if names.is_empty() {
            let msg = format!("{}: empty file\n", file);
            eprint(st, &msg);
            return MetaResult::Error;
        }
        let (defs, renames) = column_defs(&names);
        if !renames.is_empty() {
            let msg = format!(
                "Columns renamed during .import {} due to duplicates:\n{}\n",
                file,
                renames.join(",\n")
            );
            eprint(st, &msg);
        }
        let mut create = b"CREATE TABLE ".to_vec();
        create.extend_from_slice(&full_name);
        create.extend_from_slice(&defs);
        create.push(b'\n');
        let create = String::from_utf8_lossy(&create).into_owned();
        if verbose >= 1 {
            st.write(format!("{create}\n").as_bytes());
        }
        if let Err(e) = crate::shell::exec_sql(db, st, &create) {
            let m = e
                .text
                .trim_start_matches("in prepare, ")
                .trim_start_matches("stepping, ");
            let msg = format!("{create} failed:\n{m}\n");
            eprint(st, &msg);
            return MetaResult::Error;
        }
        n_col = match db.prepare(&select) {
            Ok((Some(s), _)) => Some(s.column_count()),
            Ok((None, _)) => Some(0),
            Err(e) => {
                let msg = format!("Error: {}\n", e.message);
                eprint(st, &msg);
                return MetaResult::Error;
            }
        };
    }
    let n_col = n_col.unwrap_or(0);
    if n_col == 0 {
        return MetaResult::Ok;
    }
    let out_mode_ascii = st.mode == Mode::Ascii;
    // One prepared INSERT with a parameter per column, bound row by row
    // (as shell.c does).
    let mut insert_sql = format!("INSERT INTO {full} VALUES(?");
    for _ in 1..n_col {
        insert_sql.push_str(",?");
    }
    insert_sql.push(')');
    if verbose >= 2 {
        st.write(format!("Insert using: {insert_sql}\n").as_bytes());
    }
    let mut stmt = match db.prepare(&insert_sql) {
        Ok((Some(s), _)) => s,
        Ok((None, _)) => return MetaResult::Error,
        Err(e) => {
            let msg = format!("Error: {}\n", e.message);
            eprint(st, &msg);
            return MetaResult::Error;
        }
    };
    let need_commit = db.is_autocommit();
    if need_commit {
        let _ = crate::shell::exec_sql(db, st, "BEGIN");
    }
    let progress = crate::progress::Progress::new("import", total);
    let (mut n_row, mut n_err) = (0u64, 0u64);
    loop {
        let start_line = ctx.n_line;
        let mut i = 0usize;
        while i < n_col {
            let z = ctx.read();
            if z.is_none() && i == 0 {
                break;
            }
            // sqlite3 tests the output mode here, not the reader in use.
            if out_mode_ascii && z.is_none_or(|z| z.is_empty()) && i == 0 {
                break;
            }
            // Bound as a C string: text ends at the first NUL byte.
            let z = z.map(|z| match z.iter().position(|&c| c == 0) {
                Some(n) => &z[..n],
                None => z,
            });
            let _ = stmt.bind_text(i + 1, z);
            if i < n_col - 1 && ctx.c_term != ctx.col_sep {
                let s = format!(
                    "{}:{}: expected {} columns but found {} - filling the rest with NULL\n",
                    file,
                    start_line,
                    n_col,
                    i + 1
                );
                ctx.warn(s);
                for k in i + 2..=n_col {
                    let _ = stmt.bind_text(k, None);
                }
                i = n_col + 1;
                break;
            }
            i += 1;
        }
        if ctx.c_term == ctx.col_sep {
            loop {
                ctx.read();
                i += 1;
                if ctx.c_term != ctx.col_sep {
                    break;
                }
            }
            let s = format!(
                "{}:{}: expected {} columns but found {} - extras ignored\n",
                file, start_line, n_col, i
            );
            ctx.warn(s);
        }
        flush_warnings(st, &mut ctx);
        if i >= n_col {
            let r = loop {
                match stmt.step() {
                    Ok(true) => continue,
                    Ok(false) => break Ok(()),
                    Err(e) => break Err(e.message),
                }
            };
            stmt.reset();
            match r {
                Ok(()) => n_row += 1,
                Err(m) => {
                    let msg = format!("{}:{}: INSERT failed: {}\n", file, start_line, m);
                    eprint(st, &msg);
                    n_err += 1;
                }
            }
            if n_row.is_multiple_of(4096) {
                progress.set(ctx.input.consumed);
            }
        }
        if ctx.c_term == EOF {
            break;
        }
    }
    drop(stmt);
    progress.finish();
    if need_commit {
        let _ = crate::shell::exec_sql(db, st, "COMMIT");
    }
    if verbose > 0 {
        let s = format!(
            "Added {} rows with {} errors using {} lines of input\n",
            n_row,
            n_err,
            ctx.n_line - 1
        );
        st.write(s.as_bytes());
    }
    MetaResult::Ok
}
