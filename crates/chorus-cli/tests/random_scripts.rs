//! Randomly assembled scripts (statement splitting, comments, quotes, dot
//! commands, modes, settings, errors) run through sqlite3 and chorus and
//! compared byte for byte. A quick deterministic batch by default; set
//! CHORUS_SOAK=1 for thousands.

mod common;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

fn rounds(quick: usize) -> usize {
    if std::env::var("CHORUS_SOAK").is_ok_and(|v| v == "1") {
        quick * 50
    } else {
        quick
    }
}

const PIECES: &[&str] = &[
    "select 1",
    ";",
    "\n",
    " ",
    "-- c;\n",
    "/* x; */",
    "/*",
    "*/",
    "'a;b'",
    "'",
    "\"q;\"",
    "[w;]",
    "`b;`",
    "select",
    "2",
    ",",
    "from",
    "(select 3 as x)",
    "go\n",
    "/\n",
    "\n.print dot\n",
    "\n.mode csv\n",
    "\n#c\n",
    "create trigger tr after insert on t begin select 1; end",
    "create table t(x)",
    "insert into t values(1)",
    "EXPLAIN QUERY PLAN select 1",
    "\t",
    "\r\n",
    "selec",
    "'x''y'",
    "case when 1 then 2 end",
    "\n   \n",
    ".headers on\n",
    "\n.echo on\n",
];

#[test]
fn random_statement_splitting() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..rounds(40) {
        let n = 1 + rng.below(25);
        let s: String = (0..n).map(|_| rng.pick(PIECES)).collect();
        let args: &[&str] = match rng.below(3) {
            0 => &[],
            1 => &["-bail"],
            _ => &["-echo"],
        };
        common::same(args, &s, &[]);
    }
}

const VALUES: &[&str] = &[
    "NULL",
    "1",
    "-7",
    "0",
    "3.5",
    "0.1",
    "1e300",
    "-2.5e-8",
    "'a'",
    "''",
    "'it''s'",
    "'x,y'",
    "'a\nb'",
    "'tab\tx'",
    "x'00ff'",
    "x''",
    "'ünï'",
    "'日本'",
    "9223372036854775807",
    "'<&>\"'",
    "'a|b'",
    "'  sp  '",
    "char(13)||'r'",
    "123456789.987654321",
];
const MODES: &[&str] = &[
    "list",
    "csv",
    "tabs",
    "column",
    "box",
    "table",
    "markdown",
    "json",
    "line",
    "quote",
    "html",
    "ascii",
    "insert",
    "insert tt",
    "tcl",
    "qbox",
    "box --wrap 4",
    "column --wrap 3 --ww",
    "table --quote",
    "markdown --wrap 2",
];
const DOTS: &[&str] = &[
    ".headers on",
    ".headers off",
    ".nullvalue NIL",
    ".nullvalue ''",
    ".separator ; \\n",
    ".separator ,",
    ".width 3 -4 0 2",
    ".width",
    ".echo on",
    ".echo off",
    ".changes on",
    ".changes off",
    ".show",
    ".tables",
    ".schema",
    ".dump",
    ".indexes",
    ".print hi there",
];
const NAMES: &[&str] = &["a", "bb", "c c", "ü", "xxxxxxxxxxxx", "x"];
const ERRORS: &[&str] = &[
    "selec 1;",
    "select * from nosuch;",
    "select abs(-9223372036854775808);",
    "insert into t values(1);",
];

#[test]
fn random_modes_and_settings() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..rounds(40) {
        let mut s = String::from(
            "create table t(a, b integer, c real, d text);\ninsert into t values(1,2,3.5,'x'),(NULL,'7',1e10,'y\nz');\n",
        );
        for _ in 0..3 + rng.below(10) {
            let r = rng.below(100);
            if r < 30 {
                s.push_str(&format!(".mode {}\n", rng.pick(MODES)));
            } else if r < 45 {
                s.push_str(rng.pick(DOTS));
                s.push('\n');
            } else if r < 55 {
                s.push_str("select * from t;\n");
            } else if r < 60 {
                s.push_str(rng.pick(ERRORS));
                s.push('\n');
            } else {
                let n = 1 + rng.below(4);
                let cols: Vec<String> = (0..n)
                    .map(|_| {
                        let v = rng.pick(VALUES);
                        if rng.below(2) == 0 {
                            format!("{v} as \"{}\"", rng.pick(NAMES))
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                s.push_str(&format!("select {}", cols.join(", ")));
                if rng.below(3) == 0 {
                    let more: Vec<&str> = (0..n).map(|_| rng.pick(VALUES)).collect();
                    s.push_str(&format!(" union all select {}", more.join(", ")));
                }
                s.push_str(";\n");
            }
        }
        common::same(&[], &s, &[]);
    }
}

const CSV_TOKENS: &[&str] = &[
    "a",
    "b",
    "1",
    "2.5",
    "\"",
    "\"\"",
    ",",
    "\n",
    "\r\n",
    "\r",
    " ",
    "x y",
    "|",
    ";",
    "\t",
    "\u{feff}",
    "ü",
    "\"\"q\"\"",
    "\x1f",
    "\x1e",
    "",
];
const IMPORTS: &[&str] = &[
    ".import --csv f.csv t",
    ".import f.csv t",
    ".mode csv\n.import f.csv t",
    ".mode ascii\n.import f.csv t",
    ".import --ascii f.csv t",
    ".separator ;\n.import f.csv t",
    "create table t(p,q);\n.import --csv f.csv t",
    ".import --csv --skip 1 f.csv t",
    "create table t(p);\n.import --csv f.csv t",
];

#[test]
fn random_csv_imports() {
    let mut rng = Rng(0x853c_49e6_748f_ea9b);
    for _ in 0..rounds(40) {
        let n = rng.below(40);
        let data: String = (0..n).map(|_| rng.pick(CSV_TOKENS)).collect();
        let script = format!(
            "{}\n.mode quote\nselect * from t;\n.schema\n",
            rng.pick(IMPORTS)
        );
        common::same(&[], &script, &[("f.csv", data.as_bytes())]);
    }
}

const CELL_CHARS: &[&str] = &[
    "a", "b", " ", "\t", "\n", "\r", "\x01", "\x7f", "ü", "日", "é", "-", "|", "\"", "''", ",",
    "xxxxxxx", "  ", "\r\n", "\x1b",
];
const COLUMNAR: &[&str] = &[
    "column",
    "box",
    "table",
    "markdown",
    "qbox",
    "box --wrap 3",
    "box --wrap 7 --ww",
    "column --wrap 5 --wordwrap on",
    "table --wrap 1",
    "markdown --ww",
    "column --quote",
    "line",
    "list",
    "csv",
    "html",
    "json",
    "tcl",
];

#[test]
fn random_columnar_cells_and_widths() {
    let mut rng = Rng(0xda94_2042_e4dd_58b5);
    for _ in 0..rounds(40) {
        let mut s = String::new();
        for _ in 0..1 + rng.below(6) {
            let r = rng.below(100);
            if r < 30 {
                s.push_str(&format!(".mode {}\n", rng.pick(COLUMNAR)));
            } else if r < 45 {
                let n = rng.below(5);
                let w: Vec<String> = (0..n)
                    .map(|_| (rng.below(13) as i64 - 6).to_string())
                    .collect();
                s.push_str(&format!(".width {}\n", w.join(" ")));
            } else if r < 50 {
                s.push_str(rng.pick(&[".headers on\n", ".headers off\n", ".nullvalue ∅\n"]));
            } else {
                let n = 1 + rng.below(3);
                let lit = |rng: &mut Rng| {
                    let k = rng.below(13);
                    let t: String = (0..k).map(|_| rng.pick(CELL_CHARS)).collect();
                    format!("'{}'", t.replace('\'', "''"))
                };
                let cols: Vec<String> = (0..n)
                    .map(|_| {
                        let l = lit(&mut rng);
                        if rng.below(2) == 0 {
                            format!(
                                "{l} as \"{}\"",
                                rng.pick(&["h", "hdr", "日本", "a b", "xxxxxxxxx"])
                            )
                        } else {
                            l
                        }
                    })
                    .collect();
                s.push_str(&format!("select {}", cols.join(", ")));
                if rng.below(5) < 2 {
                    let more: Vec<String> = (0..n)
                        .map(|_| match rng.below(4) {
                            0 => lit(&mut rng),
                            1 => "NULL".into(),
                            2 => "1.5".into(),
                            _ => "x'41'".into(),
                        })
                        .collect();
                    s.push_str(&format!(" union all select {}", more.join(", ")));
                }
                s.push_str(";\n");
            }
        }
        common::same(&[], &s, &[]);
    }
}
