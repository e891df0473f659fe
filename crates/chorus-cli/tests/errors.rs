//! Error reporting, exit codes and -bail, compared with sqlite3.

mod common;
use common::same;

#[test]
fn parse_and_runtime_errors_mid_script() {
    let script = "create table t(a unique);\nselect 1;\n\nselect * from\n  nosuch;\nselec 1;\ninsert into t values(1);\ninsert into t values(1);\nselect abs(-9223372036854775808);\nselect 2;\n";
    let o = same(&[], script, &[]);
    if let Some(o) = o {
        assert_eq!(o.code, Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("Parse error near line 4"));
    }
    same(&["-bail"], script, &[]);
}

#[test]
fn bail_stops_at_first_error() {
    let script = "select 1;\nselect * from nosuch;\nselect 2;\n";
    if let Some(o) = same(&["-bail"], script, &[]) {
        assert_eq!(o.stdout, b"1\n");
        assert_eq!(o.code, Some(1));
    }
    same(&[], ".bail on\nselect 1;\nselec;\nselect 2;\n", &[]);
    same(&[], ".bail off\nselect 1;\nselec;\nselect 2;\n", &[]);
    same(&[], ".bail\n.bail maybe\nselect 1;\n", &[]);
}

#[test]
fn syntax_error_carets() {
    // The "^--- error here" context lines need the parser's error offset.
    same(&[], "selec 1;\n", &[]);
    same(&[], "select 1 from t where (;\n", &[]);
    same(
        &[],
        "select 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21 frm t;\n",
        &[],
    );
    same(
        &[],
        "select 'ünïcödé', 'ünïcödé', 'ünïcödé', 'ünïcödé', 'ünïcödé' frm;\n",
        &[],
    );
    same(&[], "   \n  selec\n  1;\n", &[]);
}

#[test]
fn errors_in_multi_statement_lines() {
    same(
        &[],
        "select 1; select * from nosuch; select 2;\nselect 3;\n",
        &[],
    );
    same(&[], "select 1; selec 2; select 3;\n", &[]);
}

#[test]
fn runtime_error_after_some_rows() {
    // Rows produced before the error stay printed, in every kind of mode.
    for mode in ["list", "box", "json", "line"] {
        same(
            &[],
            &format!(".mode {mode}\nselect 1 as x union all select abs(-9223372036854775808);\nselect 5;\n"),
            &[],
        );
    }
}

#[test]
fn incomplete_input_at_eof() {
    same(&[], "select 1", &[]);
    same(&[], "select 1; select", &[]);
    same(&[], "select 'abc\n", &[]);
    same(&[], "select 1 /* unterminated", &[]);
}

#[test]
fn constraint_error_codes() {
    same(
        &[],
        "create table t(a primary key, b not null);\ninsert into t values(1,1);\ninsert into t values(1,1);\ninsert into t values(2,null);\n",
        &[],
    );
}

#[test]
fn sql_arguments_exit_with_result_code() {
    if let Some(o) = same(&[":memory:", "select 1", "select * from t"], "", &[]) {
        assert_eq!(o.code, Some(1));
    }
    same(&[":memory:", "selec 1"], "", &[]);
    same(
        &[
            ":memory:",
            "create table t(a unique); insert into t values(1); insert into t values(1);",
        ],
        "",
        &[],
    );
    same(&[":memory:", ".bogus"], "", &[]);
    same(&[":memory:", ".quit", "select 1"], "", &[]);
}

#[test]
fn dot_command_errors() {
    same(
        &[],
        ".bogus\n.headers\n.nullvalue\n.separator\n.echo\n.changes\n.timer\n.show x\n.read\n.read nofile.sql\n.indexes a b\nselect 1;\n",
        &[],
    );
}

#[test]
fn exit_codes_from_exit() {
    same(&[], "select 1;\n.exit 3\nselect 2;\n", &[]);
    same(&[], "select 1;\n.exit\nselect 2;\n", &[]);
    same(&[], "select 1;\n.quit\nselect 2;\n", &[]);
    same(&[], "selec;\n.quit\n", &[]);
}

/// SIGINT (Ctrl-C) while a script runs from a pipe interrupts the running
/// statement, reports it, and stops reading: same words and status as
/// sqlite3.
#[test]
fn sigint_interrupts_a_piped_script() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = b"select 1;\nwith recursive c(x) as (select 1 union all select x+1 from c where x<1000000000) select count(*) from c;\nselect 2;\n";
    let run = |program: &str| {
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(mut si) = child.stdin.take() {
            let _ = si.write_all(script);
        }
        std::thread::sleep(std::time::Duration::from_millis(800));
        let _ = Command::new("kill")
            .arg("-INT")
            .arg(child.id().to_string())
            .status();
        // An engine that ignores the interrupt would count to 1e9: fail
        // instead of hanging.
        let start = std::time::Instant::now();
        while child.try_wait().ok().flatten().is_none() {
            if start.elapsed() > std::time::Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{program} did not stop after SIGINT");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        child.wait_with_output().expect("wait")
    };
    let b = run(common::CHORUS);
    assert_eq!(b.stdout, b"1\n");
    assert_eq!(b.stderr, b"Runtime error near line 2: interrupted (9)\n");
    assert_eq!(b.status.code(), Some(1));
    if common::have_sqlite3() {
        let a = run("sqlite3");
        assert_eq!(a.stdout, b.stdout);
        assert_eq!(a.stderr, b.stderr);
        assert_eq!(a.status.code(), b.status.code());
    }
}

#[test]
fn explain_query_plan_of_writes_does_not_run_them() {
    same(
        &[],
        "create table t(a,b);\nexplain query plan insert into t values(1,2);\nexplain query plan delete from t;\nexplain query plan begin;\nselect count(*) from t;\ninsert into t values(1,2);\n.eqp on\ninsert into t values(3,4);\n.eqp off\nselect * from t;\nbegin;\ncommit;\n",
        &[],
    );
}

#[test]
fn union_all_streams_with_limit_and_offset() {
    same(
        &[],
        "select 1 union all select 2 union all select 3 limit 2 offset 1;\nselect 1 union all select 2 limit 0;\nselect 1 union all select 2 union select 2;\nselect 1 union all select 2 order by 1 desc;\nselect 7 union all select abs(-9223372036854775808) union all select 8;\nselect x from (select 1 as x union all select 2) where x > 1;\n",
        &[],
    );
}

#[test]
fn unknown_table_option_followed_by_more_text() {
    same(
        &[],
        "create table t(x) go;\ncreate table t(x)go create table u(x);\ncreate table t(x) without go;\ncreate table t(x) foo bar;\ncreate table t(x) foo(1);\n",
        &[],
    );
}

#[test]
fn errors_mid_script_in_every_mode_with_and_without_bail() {
    // A runtime error after rows were produced, then a parse error, then
    // more output: each mode, with and without -bail.
    for mode in [
        "list", "csv", "tabs", "column", "box", "table", "markdown", "json", "line", "insert",
        "quote", "html", "ascii",
    ] {
        let script = format!(
            ".mode {mode}\n.headers on\nselect 'ü' as a, x'00ff' as b, 0.5 as c, null as d \
             union all select abs(-9223372036854775808), 1, 2, 3;\nselec 1;\nselect 'after' as z;\n"
        );
        same(&[], &script, &[]);
        same(&["-bail"], &script, &[]);
    }
}

#[test]
fn errors_inside_read_files_with_and_without_bail() {
    let files: &[(&str, &[u8])] = &[
        ("inner.sql", b"select 'in 1';\nselect * from nosuch;\nselect 'in 2';\n"),
        (
            "outer.sql",
            b"select 'out 1';\n.read inner.sql\nselect 'out 2';\n.read missing.sql\nselect 'out 3';\n",
        ),
    ];
    same(&[], ".read outer.sql\nselect 'top';\n", files);
    same(&["-bail"], ".read outer.sql\nselect 'top';\n", files);
    same(&[], ".bail on\n.read outer.sql\nselect 'top';\n", files);
}
