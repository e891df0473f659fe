//! The README's first command starts this shell, and its tour, pasted into
//! the shell, prints what sqlite3 prints and leaves a file sqlite3 reads.

mod common;

fn readme() -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    std::fs::read_to_string(p).expect("README.md")
}

/// The body of the first fenced block with this language tag.
fn block(text: &str, lang: &str) -> String {
    let open = format!("```{lang}\n");
    let start = text.find(&open).expect("fenced block") + open.len();
    let len = text[start..].find("```").expect("closing fence");
    text[start..start + len].to_string()
}

#[test]
fn first_command_starts_the_shell() {
    let text = readme();
    let sh = block(&text, "sh");
    let first = sh.lines().next().expect("a first command");
    assert!(
        first.starts_with("cargo run --release -p chorus-cli -- demo.db"),
        "README's first command: {first}"
    );
    // The package's binary is the shell itself.
    assert!(common::CHORUS.ends_with("chorus"));
}

#[test]
fn tour_matches_sqlite3_and_writes_a_file_sqlite3_reads() {
    let tour = block(&readme(), "sql");
    assert!(tour.contains(".mode box") && tour.contains(".quit"));
    if let Some(o) = common::same(&["demo.db"], &tour, &[]) {
        assert_eq!(o.code, Some(0));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("│ fig   │"), "tour output:\n{out}");
    }
    let (o, d) = common::chorus(&["demo.db"], &tour, &[]);
    assert_eq!(o.code, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    if common::have_sqlite3() {
        let r = std::process::Command::new("sqlite3")
            .arg(common::path_of(&d, "demo.db"))
            .arg("PRAGMA integrity_check; SELECT count(*) FROM fruit;")
            .output()
            .expect("sqlite3");
        assert_eq!(String::from_utf8_lossy(&r.stdout), "ok\n3\n");
    }
}
