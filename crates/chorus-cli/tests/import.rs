//! `.import`, compared with sqlite3.

mod common;
use common::same;

fn files() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "i1.csv",
            b"a,b\n1,\"x,y\"\n2,\"q\"\"r\"\n3\n4,5,6\n" as &[u8],
        ),
        ("i2.csv", b"a,a,,b c\n1,2,3,4\n"),
        ("i3.csv", b"\xef\xbb\xbfx,y\r\n\"1\n2\",3\r\n\"4\"x,5\r\n"),
        ("a.txt", b"a\x1fb\x1e1\x1f2\x1e3\x1f4\x1e"),
        ("p.txt", b"h1|h2\nv1|v2\n\"q|q\"|z\n"),
        ("empty.csv", b""),
        ("nums.csv", b"1,2.5\n3,x\n,\n"),
    ]
}

#[test]
fn import_new_and_existing_tables() {
    let f = files();
    same(
        &[],
        ".import i1.csv t\n.import --csv i1.csv t2\n.schema\nselect * from t2;\n.import --csv --skip 1 i1.csv t2\nselect count(*) from t2;\n.import -v --csv i1.csv vv\n",
        &f,
    );
}

#[test]
fn import_uses_output_mode_separators() {
    let f = files();
    same(
        &[],
        ".mode csv\n.import i1.csv t4\n.schema t4\n.mode list\nselect * from t4;\n.import p.txt pt\nselect * from pt;\n.separator ;\n.import i1.csv u\n.schema u\n.separator ab\n.import i1.csv w\n.separator , ab\n.import i1.csv w\n.mode csv\n.show\n",
        &f,
    );
}

#[test]
fn import_ascii() {
    let f = files();
    same(
        &[],
        ".import --ascii a.txt t\n.mode ascii\n.import a.txt t\n.mode list\nselect * from t;\n",
        &f,
    );
}

#[test]
fn import_quirks_and_warnings() {
    let f = files();
    same(
        &[],
        ".import --csv i2.csv t5\n.schema t5\n.import --csv i3.csv u5\n.schema u5\n.mode quote\nselect * from u5;\ncreate table v(p integer, q);\n.import --csv i3.csv v\nselect * from v;\n",
        &f,
    );
}

#[test]
fn import_affinity_of_existing_table() {
    let f = files();
    same(
        &[],
        "create table n(x integer, y real);\n.import --csv nums.csv n\nselect x, typeof(x), y, typeof(y) from n;\n",
        &f,
    );
}

#[test]
fn import_errors() {
    let f = files();
    same(
        &[],
        ".import nofile.csv t3\n.import\n.import onlyfile.csv\n.import --csv i2.csv v extra\n.import --bogus i2.csv v\n.import --csv empty.csv e\n.tables\nselect 'still running';\n",
        &f,
    );
    same(
        &["-bail"],
        ".import nofile.csv t3\nselect 'not reached';\n",
        &f,
    );
}

#[test]
fn import_then_dump_round_trip() {
    let f = files();
    same(
        &[],
        ".import --csv i1.csv t\n.import --csv i3.csv u\n.dump\n",
        &f,
    );
}

#[test]
fn import_large_file() {
    let mut big = String::from("id,name,score\n");
    for i in 0..20000 {
        big.push_str(&format!("{i},\"name {i}, \"\"quoted\"\"\",{}.5\n", i % 97));
    }
    let f: Vec<(&str, &[u8])> = vec![("big.csv", big.as_bytes())];
    same(
        &[],
        ".import --csv big.csv b\nselect count(*), sum(id), max(name), sum(score) from b;\n",
        &f,
    );
}

#[test]
fn import_header_renames_and_layout() {
    for header in [
        "a,a,a_2",
        "A,a",
        "x,,",
        "a,b,a,b,a,b,a,b,a,b,a,b",
        "a,a,a_01,a_1",
        "q,q,q,q,q,q,q,q,q,q,q",
        "c1,c2,c3,c4,c5,c6,c7,c8,c9",
    ] {
        let content = format!("{header}\n1\n");
        let f: Vec<(&str, &[u8])> = vec![("h.csv", content.as_bytes())];
        same(
            &[],
            ".import --csv h.csv t\n.schema\nselect * from t;\n",
            &f,
        );
    }
}

#[test]
fn import_ascii_reader_versus_ascii_mode() {
    // sqlite3 stops at an empty first field only when the *output* mode is
    // ascii, and an incomplete row reuses the previous row's fields.
    let f: Vec<(&str, &[u8])> = vec![(
        "r.txt",
        b"h1\x1fh2\x1e\x1e\x1fx\x1ep\x1fq\x1e\x1fz\x1f\x1fw\x1e" as &[u8],
    )];
    same(
        &[],
        ".import --ascii r.txt t\n.mode quote\nselect * from t;\n",
        &f,
    );
    same(
        &[],
        ".mode ascii\n.import r.txt t\n.mode quote\nselect * from t;\n",
        &f,
    );
}

#[test]
fn no_progress_bar_when_not_a_terminal() {
    // Even with the bar's start delay at zero, a piped `.import` and
    // `.dump` write nothing but their output (the bar is for terminals).
    let d = tempfile::tempdir().expect("tempdir");
    let mut big = String::from("a,b\n");
    for i in 0..50_000 {
        big.push_str(&format!("{i},row {i}\n"));
    }
    std::fs::write(d.path().join("big.csv"), big).expect("write csv");
    let out = std::process::Command::new(common::CHORUS)
        .current_dir(d.path())
        .env("HOME", d.path())
        .env("CHORUS_PROGRESS_DELAY_MS", "0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .expect("stdin")
                .write_all(b".import --csv big.csv b\n.dump\n")?;
            c.wait_with_output()
        })
        .expect("run chorus");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dump = String::from_utf8(out.stdout).expect("utf8");
    assert!(dump.ends_with("COMMIT;\n"));
    assert_eq!(dump.matches("INSERT INTO b VALUES").count(), 50_000);
}
