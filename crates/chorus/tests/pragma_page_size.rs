//! `PRAGMA page_size = N` sets the page size of a database that has nothing
//! written yet, as in SQLite; later (or invalid) requests are ignored.
//! Checked against SQLite on the same statements and by SQLite reading the
//! file Chorus wrote.

use chorus::Connection;

fn page_size_chorus(c: &Connection) -> i64 {
    c.query_row("PRAGMA page_size", (), |r| r.get::<i64>(0))
        .unwrap()
}

#[test]
fn page_size_applies_before_the_first_write_only() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str)] = &[
        ("a", "PRAGMA page_size = 512; CREATE TABLE t(x); INSERT INTO t VALUES(1);"),
        ("b", "PRAGMA page_size = 65536; CREATE TABLE t(x); INSERT INTO t VALUES(1);"),
        ("c", "BEGIN; PRAGMA page_size = 1024; CREATE TABLE t(x); INSERT INTO t VALUES(1); COMMIT;"),
        // Not a power of two, too small, too large: ignored.
        ("d", "PRAGMA page_size = 1000; PRAGMA page_size = 256; PRAGMA page_size = 131072; CREATE TABLE t(x); INSERT INTO t VALUES(1);"),
        // After the first table: ignored.
        ("e", "CREATE TABLE t(x); PRAGMA page_size = 512; INSERT INTO t VALUES(1);"),
        // The last request before the first write wins.
        ("f", "PRAGMA page_size = 2048; PRAGMA page_size = 8192; CREATE TABLE t(x); INSERT INTO t VALUES(1);"),
    ];
    for (name, sql) in cases {
        let ours = dir.path().join(format!("{name}-chorus.db"));
        let theirs = dir.path().join(format!("{name}-sqlite.db"));
        let c = Connection::open(ours.to_str().unwrap()).unwrap();
        c.execute_batch(sql).unwrap();
        let got = page_size_chorus(&c);
        drop(c);
        let s = rusqlite::Connection::open(&theirs).unwrap();
        s.execute_batch(sql).unwrap();
        let want: i64 = s.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        assert_eq!(got, want, "{name}: {sql}");
        // SQLite reads Chorus's file with that page size.
        let s = rusqlite::Connection::open(&ours).unwrap();
        let seen: i64 = s.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        assert_eq!(seen, want, "{name}");
        let ok: String = s
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "{name}");
        let n: i64 = s
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "{name}");
    }
}
