//! Every output mode, compared byte for byte with sqlite3.

mod common;
use common::same;

/// A table with NULLs, blobs, reals, unicode, quotes, separators and
/// newlines in text.
const DATA: &str = "\
create table t(a integer, b text, c real, d blob, e any);
insert into t values(1,'hello',1.5,x'00ff41','x');
insert into t values(NULL,'it''s',0.1,NULL,1e300);
insert into t values(-5,'ünïcödé, \"q\"',1.0,x'',-0.0);
insert into t values(9223372036854775807,'a
b',1e20,'txt',123456789012345678.0);
insert into t values(0,'',-2.5e-7,x'deadbeef','<&>''');
insert into t values(42,'tab	here',3.141592653589793,'a|b',1e15);
";

fn check_mode(mode_cmds: &str) {
    for headers in ["off", "on"] {
        let input = format!(
            "{DATA}.headers {headers}\n{mode_cmds}\nselect * from t;\nselect * from t where 0;\nselect 1 as one;\nselect null as n, 'x' as \"col name\";\n"
        );
        if let Some(o) = same(&[], &input, &[]) {
            if mode_cmds != ".mode off" {
                assert!(!o.stdout.is_empty(), "mode {mode_cmds} printed nothing");
            }
        }
    }
}

#[test]
fn mode_list() {
    check_mode(".mode list");
}

#[test]
fn mode_csv() {
    check_mode(".mode csv");
}

#[test]
fn mode_tabs() {
    check_mode(".mode tabs");
}

#[test]
fn mode_column() {
    check_mode(".mode column");
}

#[test]
fn mode_box() {
    check_mode(".mode box");
}

#[test]
fn mode_table() {
    check_mode(".mode table");
}

#[test]
fn mode_markdown() {
    check_mode(".mode markdown");
}

#[test]
fn mode_json() {
    check_mode(".mode json");
}

#[test]
fn mode_line() {
    check_mode(".mode line");
}

#[test]
fn mode_insert() {
    check_mode(".mode insert");
    check_mode(".mode insert \"my table\"");
    check_mode(".mode insert plain");
}

#[test]
fn mode_quote() {
    check_mode(".mode quote");
}

#[test]
fn mode_html() {
    check_mode(".mode html");
}

#[test]
fn mode_ascii() {
    check_mode(".mode ascii");
}

#[test]
fn mode_tcl_count_off() {
    check_mode(".mode tcl");
    check_mode(".mode count");
    check_mode(".mode off");
}

#[test]
fn mode_qbox_and_quote_option() {
    check_mode(".mode qbox");
    check_mode(".mode table --quote");
    check_mode(".mode column --quote");
}

#[test]
fn mode_prefixes_and_errors() {
    same(
        &[],
        ".mode\n.mode l\n.mode\n.mode c\n.mode\n.mode bogus\n.mode box --bogus\n.mode list a b\n.mode tabs\n.mode\n.mode csv\n.mode tabs\nselect 1,2;\n",
        &[],
    );
}

#[test]
fn nullvalue_and_separators() {
    same(
        &[],
        ".nullvalue NIL\nselect null, 1;\n.separator ::\nselect null, 1;\n.separator , @@\nselect 1, 2; select 3, 4;\n.separator\n.nullvalue\n.mode csv\n.separator ;\nselect 'a;b', 'c,d';\n",
        &[],
    );
}

#[test]
fn column_widths() {
    same(
        &[],
        ".mode column\n.width 3 -10\nselect 12345 as a, 'hello' as b, 'ünï' as c;\n.width -2\nselect 'x' as a, 'yy' as b;\n.width\nselect 'abcdefghij' as long, 1;\n.show\n",
        &[],
    );
}

#[test]
fn wrapping_and_word_wrap() {
    same(
        &[],
        ".mode box --wrap 5\nselect 'abcdefghijklmnop' as x, 'hello world foo bar' as y;\n\
         .mode box --wrap 10 --wordwrap on\nselect 'hello world foo bar baz' as y;\n\
         .mode column --ww --wrap 8\nselect 'hello world foo bar baz' as y;\n\
         .mode table\nselect printf('%.100c', 'x') as wide;\n\
         .mode markdown --wrap 0\nselect printf('%.100c', 'y') as unwrapped;\n",
        &[],
    );
}

#[test]
fn control_characters_in_columnar_modes() {
    same(
        &[],
        ".mode table\nselect 'tab\tx', 'ctl' || char(1) || 'y', 'a' || char(13,10) || 'b', 'end' || char(10);\n.mode box\nselect 'x' || char(10) || 'y' as a, 1 as b union all select 'z', 2;\n.mode column\nselect 'p' || char(10) || 'q' as a, 3 as b union all select 'r', 4;\n",
        &[],
    );
}

#[test]
fn unicode_widths() {
    // sqlite3 3.40 measures width in code points (newer releases use
    // display width), so CJK characters count as one column here.
    same(
        &[],
        ".mode box\nselect 'ünï' as a, '日本語' as b, 'e\u{301}' as c;\n.mode column\nselect 'ß' as x union all select 'ẞẞẞẞ';\n",
        &[],
    );
}

#[test]
fn wide_and_empty_results() {
    let cols: Vec<String> = (0..40).map(|i| format!("{i} as c{i}")).collect();
    let sel = format!("select {};\n", cols.join(", "));
    for mode in [
        "list", "column", "box", "table", "markdown", "json", "line", "csv",
    ] {
        same(
            &[],
            &format!(".mode {mode}\n{sel}create table e(x);\nselect * from e;\nselect count(*) from e;\n"),
            &[],
        );
    }
}

#[test]
fn reals_render_like_sqlite_340() {
    // sqlite3 3.40 renders REALs with its own long-double printf: "%!.15g"
    // for text and "%!.20g" in quote/insert/json modes.
    let vals = "0.1, 1.0, -0.0, 1e300, 1e-300, 123456789.123456789, 2.5e-7, 1e15, 1e14, \
                9.999999999999999e22, 4.9e-324, 1.7976931348623157e308, 3.0e10, 0.3, \
                2.0/3.0, 100.0/7, -1e99, 1e999, -1e999";
    for mode in ["list", "quote", "insert", "json", "line", "csv"] {
        same(&[], &format!(".mode {mode}\nselect {vals};\n"), &[]);
    }
}

#[test]
fn blobs() {
    for mode in [
        "list", "quote", "insert", "json", "csv", "box", "line", "html",
    ] {
        same(
            &[],
            &format!(".mode {mode}\nselect x'', x'00', x'41424300', x'ff7f80', zeroblob(3), cast('abc' as blob);\n"),
            &[],
        );
    }
}

#[test]
fn many_random_reals() {
    // Random doubles written with 17 significant digits. Exponents stay
    // within 1e±200: beyond that SQLite 3.40 (the sqlite3 shell) parses some
    // literals to a neighbouring double, where the bundled SQLite 3.46 is
    // exact; the shell's formatting is not involved.
    let mut x: u64 = 0x1234_5678_9abc_def1;
    let mut vals = Vec::new();
    while vals.len() < 400 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let d = f64::from_bits(x);
        if !d.is_finite() || (d != 0.0 && !(1e-200..1e200).contains(&d.abs())) {
            // Also mix in ordinary magnitudes.
            let m = (x >> 11) as f64 / (1u64 << 53) as f64;
            vals.push(format!("{:.17e}", (m - 0.5) * 2e6));
            continue;
        }
        vals.push(format!("{d:.16e}"));
    }
    let mut script = String::new();
    for mode in ["list", "quote", "json", "insert", "csv"] {
        script.push_str(&format!(".mode {mode}\n"));
        for chunk in vals.chunks(8) {
            script.push_str(&format!("select {};\n", chunk.join(", ")));
        }
    }
    same(&[], &script, &[]);
}
