//! Command-line options and arguments, compared with sqlite3.

mod common;
use common::{chorus, same};

const Q: &str = "select 1 as a, null as b, 'x y' as c;\n";

#[test]
fn mode_options() {
    for opt in [
        "-list",
        "-csv",
        "-tabs",
        "-column",
        "-box",
        "-table",
        "-markdown",
        "-json",
        "-line",
        "-quote",
        "-html",
        "-ascii",
    ] {
        same(&[opt], Q, &[]);
        same(&[opt, "-header"], Q, &[]);
        same(&[opt, "-noheader"], Q, &[]);
        same(&[&format!("-{opt}")], Q, &[]);
    }
}

#[test]
fn separator_newline_nullvalue() {
    same(
        &["-separator", "::", "-newline", "@@\n", "-nullvalue", "NIL"],
        Q,
        &[],
    );
    same(&["-csv", "-separator", ";"], Q, &[]);
    same(&["-nullvalue"], Q, &[]);
    same(&["-separator"], Q, &[]);
}

#[test]
fn cmd_and_echo() {
    same(&["-cmd", ".mode line", "-cmd", "select 5 as x"], Q, &[]);
    same(&["-cmd", "select * from nosuch"], Q, &[]);
    same(&["-bail", "-cmd", "select * from nosuch"], Q, &[]);
    same(&["-bail", "-cmd", ".bogus"], Q, &[]);
    same(&["-echo"], "select 1;\n.print x\n", &[]);
    same(&["-cmd"], Q, &[]);
}

#[test]
fn init_file() {
    let files: &[(&str, &[u8])] = &[("init.sql", b".mode csv\n.headers on\ncreate table t(x);\n")];
    same(&["-init", "init.sql"], "select 1 as a;\n.tables\n", files);
    // Command-line settings override the init file.
    same(&["-init", "init.sql", "-list"], "select 1 as a;\n", files);
    same(&["-init", "nosuch.sql"], "select 1;\n", files);
    same(&["-init"], "select 1;\n", files);
}

#[test]
fn unknown_option() {
    if let Some(o) = same(&["-frobnicate"], Q, &[]) {
        assert_eq!(o.code, Some(1));
    }
}

#[test]
fn help_exits_with_status_1() {
    let (o, _d) = chorus(&["-help"], "", &[]);
    assert_eq!(o.code, Some(1));
    let text = String::from_utf8_lossy(&o.stderr);
    assert!(text.contains("[OPTIONS] FILENAME [SQL]"));
    assert!(text.contains("-readonly"));
}

#[test]
fn version() {
    let (o, _d) = chorus(&["-version"], "", &[]);
    assert_eq!(o.code, Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("chorus "));
}

#[test]
fn database_file_and_sql_arguments() {
    let files: &[(&str, &[u8])] = &[];
    same(
        &[
            "db1.db",
            "create table t(x); insert into t values(1),(2);",
            "select count(*) from t",
            ".tables",
        ],
        "",
        files,
    );
    same(
        &["db1.db", "select 1;", ".mode csv", "select 'a b', 2"],
        "",
        files,
    );
    // SQL arguments mean stdin is not read.
    same(&["db1.db", "select 1"], "select 2;\n", files);
    same(&["", "select 3"], "", files);
}

#[test]
fn file_database_persists() {
    let (o, d) = chorus(
        &["f.db"],
        "create table t(x);\ninsert into t values('kept');\n",
        &[],
    );
    assert_eq!(o.code, Some(0));
    let p = d.path().join("f.db");
    let o2 = common::run_in(
        d.path(),
        common::CHORUS,
        &[p.to_str().unwrap_or("f.db")],
        b"select x from t;\n",
    );
    assert_eq!(o2.stdout, b"kept\n");
    if common::have_sqlite3() {
        let o3 = common::run_in(d.path(), "sqlite3", &["f.db"], b"select x from t;\n");
        assert_eq!(o3.stdout, b"kept\n");
    }
}

#[test]
fn readonly() {
    let files: &[(&str, &[u8])] = &[];
    same(
        &["-readonly", "nosuch.db"],
        "select 1;\ncreate table t(x);\n",
        files,
    );
    // Create a database, then open it read-only.
    let (o, d) = chorus(&["r.db"], "create table t(x);\n", files);
    assert_eq!(o.code, Some(0));
    let o2 = common::run_in(
        d.path(),
        common::CHORUS,
        &["-readonly", "r.db"],
        b"insert into t values(1);\nselect count(*) from t;\n",
    );
    let o3 = common::run_in(
        d.path(),
        "sqlite3",
        &["-readonly", "r.db"],
        b"insert into t values(1);\nselect count(*) from t;\n",
    );
    if common::have_sqlite3() {
        assert_eq!(o2, o3);
    }
    assert_eq!(o2.stdout, b"0\n");
}

#[test]
fn batch_flag() {
    same(&["-batch"], "select 1;\nselect * from nosuch;\n", &[]);
}

#[test]
fn forced_interactive_on_a_pipe() {
    // Same transcript as sqlite3 apart from the banner's first line and the
    // prompt's name ("sqlite> " vs "chorus> ", the same width).
    if !common::have_sqlite3() {
        return;
    }
    let (a, b) = common::run_both(
        &["-interactive"],
        b"select 1;\nselect 1,\n2;\nselec;\n",
        &[],
    );
    let norm = |o: &[u8]| -> String {
        let s = String::from_utf8_lossy(o).replace("sqlite> ", "chorus> ");
        s.lines().skip(1).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(norm(&a.stdout), norm(&b.stdout));
    assert_eq!(a.stderr, b.stderr);
    assert_eq!(a.code, b.code);
    assert!(String::from_utf8_lossy(&b.stdout).contains("   ...> 2;"));
}

#[test]
fn not_a_database_file() {
    let files: &[(&str, &[u8])] = &[(
        "junk.db",
        b"this is not an SQLite database file, just some text that is long enough",
    )];
    same(&["junk.db"], "select 1;\n.tables\n.schema\n", files);
    same(&["junk.db", ".dump"], "", files);
    same(&["junk.db"], ".dump\nselect 2;\n", files);
}
