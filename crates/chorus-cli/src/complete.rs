//! Statement-completeness detection, as the sqlite3 shell does it.
//!
//! `is_complete` is SQLite's `sqlite3_complete()`: true when the text ends
//! with a `;` that is outside string literals, quoted identifiers, comments
//! and the body of a CREATE TRIGGER (which ends only at `END;`).
//! `QuickScan` is the shell's cheaper per-line scanner that tracks whether
//! the input so far sits inside a quote or block comment and whether the
//! last dark character was a `;`, so the full check runs only when useful.

fn is_id_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

#[derive(Clone, Copy)]
enum Tok {
    Semi = 0,
    Ws = 1,
    Other = 2,
    Explain = 3,
    Create = 4,
    Temp = 5,
    Trigger = 6,
    End = 7,
}

const TRANS: [[u8; 8]; 8] = [
    /* 0 INVALID */ [1, 0, 2, 3, 4, 2, 2, 2],
    /* 1   START */ [1, 1, 2, 3, 4, 2, 2, 2],
    /* 2  NORMAL */ [1, 2, 2, 2, 2, 2, 2, 2],
    /* 3 EXPLAIN */ [1, 3, 3, 2, 4, 2, 2, 2],
    /* 4  CREATE */ [1, 4, 2, 2, 2, 4, 5, 2],
    /* 5 TRIGGER */ [6, 5, 5, 5, 5, 5, 5, 5],
    /* 6    SEMI */ [6, 6, 5, 5, 5, 5, 5, 7],
    /* 7     END */ [1, 7, 5, 5, 5, 5, 5, 5],
];

/// SQLite's `sqlite3_complete()`.
pub fn is_complete(sql: &[u8]) -> bool {
    let mut state: u8 = 0;
    let mut i = 0;
    let n = sql.len();
    while i < n {
        let c = sql[i];
        let tok = match c {
            b';' => {
                i += 1;
                Tok::Semi
            }
            b' ' | b'\r' | b'\t' | b'\n' | 0x0c => {
                i += 1;
                Tok::Ws
            }
            b'/' => {
                if sql.get(i + 1) != Some(&b'*') {
                    i += 1;
                    Tok::Other
                } else {
                    i += 2;
                    loop {
                        if i + 1 >= n {
                            return false;
                        }
                        if sql[i] == b'*' && sql[i + 1] == b'/' {
                            break;
                        }
                        i += 1;
                    }
                    i += 2;
                    Tok::Ws
                }
            }
            b'-' => {
                if sql.get(i + 1) != Some(&b'-') {
                    i += 1;
                    Tok::Other
                } else {
                    while i < n && sql[i] != b'\n' {
                        i += 1;
                    }
                    if i >= n {
                        return state == 1;
                    }
                    i += 1;
                    Tok::Ws
                }
            }
            b'[' => {
                i += 1;
                while i < n && sql[i] != b']' {
                    i += 1;
                }
                if i >= n {
                    return false;
                }
                i += 1;
                Tok::Other
            }
            b'`' | b'"' | b'\'' => {
                i += 1;
                while i < n && sql[i] != c {
                    i += 1;
                }
                if i >= n {
                    return false;
                }
                i += 1;
                Tok::Other
            }
            _ if is_id_char(c) => {
                let start = i;
                while i < n && is_id_char(sql[i]) {
                    i += 1;
                }
                let w = &sql[start..i];
                if w.eq_ignore_ascii_case(b"create") {
                    Tok::Create
                } else if w.eq_ignore_ascii_case(b"trigger") {
                    Tok::Trigger
                } else if w.eq_ignore_ascii_case(b"temp") || w.eq_ignore_ascii_case(b"temporary") {
                    Tok::Temp
                } else if w.eq_ignore_ascii_case(b"end") {
                    Tok::End
                } else if w.eq_ignore_ascii_case(b"explain") {
                    Tok::Explain
                } else {
                    Tok::Other
                }
            }
            _ => {
                i += 1;
                Tok::Other
            }
        };
        state = TRANS[state as usize][tok as usize];
    }
    state == 1
}

/// The shell's per-line scan state (`QuickScanState` in shell.c).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct QuickScan {
    /// Closing character awaited (`*` for a block comment), 0 when in plain text.
    wait: u8,
    /// Some non-space, non-comment character was seen.
    dark: bool,
    /// The last dark thing seen was a `;`.
    semi: bool,
}

impl QuickScan {
    pub fn start() -> QuickScan {
        QuickScan::default()
    }

    pub fn in_plain(&self) -> bool {
        self.wait == 0
    }

    /// Nothing but whitespace (and possibly `;`) so far.
    pub fn plain_white(&self) -> bool {
        self.wait == 0 && !self.dark
    }

    /// In plain text and ending with `;`.
    pub fn semi_term(&self) -> bool {
        self.wait == 0 && self.semi
    }

    /// Scan one more line.
    pub fn scan(mut self, line: &[u8]) -> QuickScan {
        let mut i = 0;
        let n = line.len();
        'outer: loop {
            if self.wait == 0 {
                while i < n {
                    let c = line[i];
                    i += 1;
                    if c.is_ascii_whitespace() || c == 0x0b {
                        continue;
                    }
                    match c {
                        b'-' if line.get(i) == Some(&b'-') => {
                            while i < n {
                                i += 1;
                                if line.get(i) == Some(&b'\n') {
                                    i += 1;
                                    continue 'outer;
                                }
                            }
                            return self;
                        }
                        b';' => {
                            self.semi = true;
                            continue;
                        }
                        b'/' if line.get(i) == Some(&b'*') => {
                            i += 1;
                            self.wait = b'*';
                            continue 'outer;
                        }
                        b'[' | b'`' | b'\'' | b'"' => {
                            self.wait = if c == b'[' { b']' } else { c };
                            self.dark = true;
                            self.semi = false;
                            continue 'outer;
                        }
                        _ => {}
                    }
                    self.semi = false;
                    self.dark = true;
                }
                return self;
            } else {
                while i < n {
                    let c = line[i];
                    i += 1;
                    if c == self.wait {
                        match self.wait {
                            b'*' => {
                                if line.get(i) != Some(&b'/') {
                                    continue;
                                }
                                i += 1;
                                self.wait = 0;
                                continue 'outer;
                            }
                            b'`' | b'\'' | b'"' => {
                                if line.get(i) == Some(&self.wait) {
                                    i += 1;
                                    continue;
                                }
                                self.wait = 0;
                                continue 'outer;
                            }
                            _ => {
                                self.wait = 0;
                                continue 'outer;
                            }
                        }
                    }
                }
                return self;
            }
        }
    }
}

/// A line that is only "go" or "/" (SQL Server / Oracle habit) ends a statement.
pub fn line_is_command_terminator(line: &[u8]) -> bool {
    let t: Vec<u8> = line
        .iter()
        .copied()
        .skip_while(|c| c.is_ascii_whitespace())
        .collect();
    let t = t.as_slice();
    let rest = if t.first() == Some(&b'/') {
        &t[1..]
    } else if t.len() >= 2 && t[..2].eq_ignore_ascii_case(b"go") {
        &t[2..]
    } else {
        return false;
    };
    rest.iter().all(|c| c.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness() {
        assert!(is_complete(b"select 1;"));
        assert!(!is_complete(b"select 1"));
        assert!(!is_complete(b"select ';"));
        assert!(is_complete(b"select ';';"));
        assert!(is_complete(b"select 1; -- x"));
        assert!(!is_complete(b"select 1 /* ; */"));
        assert!(!is_complete(
            b"create trigger r after insert on t begin select 1;"
        ));
        assert!(is_complete(
            b"create trigger r after insert on t begin select 1; end;"
        ));
        assert!(is_complete(b"create table end(x);"));
    }

    #[test]
    fn quickscan() {
        let q = QuickScan::start().scan(b"select 1;");
        assert!(q.semi_term());
        let q = QuickScan::start().scan(b"select 'a;");
        assert!(!q.in_plain());
        let q = q.scan(b"b';");
        assert!(q.semi_term());
        assert!(QuickScan::start().scan(b"   -- hi").plain_white());
        assert!(QuickScan::start().scan(b";").plain_white());
        assert!(line_is_command_terminator(b" GO "));
        assert!(line_is_command_terminator(b"/"));
        assert!(!line_is_command_terminator(b"good"));
    }
}
