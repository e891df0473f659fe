//! EXPLAIN QUERY PLAN describes the chosen access paths like SQLite does.

fn details_chorus(c: &chorus::Connection, sql: &str) -> Vec<String> {
    let mut s = c.prepare(sql).unwrap();
    let mut out = Vec::new();
    while s.step().unwrap() {
        out.push(String::from_utf8(s.column_text(3).into_owned()).unwrap());
    }
    out
}

fn details_sqlite(c: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut s = c.prepare(sql).unwrap();
    let rows = s.query_map([], |r| r.get::<_, String>(3)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

#[test]
fn access_paths_match_sqlite() {
    let setup = "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT, c); CREATE INDEX ta ON t(a); CREATE INDEX tab ON t(a, b);";
    let c = chorus::Connection::open_in_memory().unwrap();
    let s = rusqlite::Connection::open_in_memory().unwrap();
    c.execute_batch(setup).unwrap();
    s.execute_batch(setup).unwrap();
    for q in [
        "EXPLAIN QUERY PLAN SELECT * FROM t WHERE id = 5",
        "EXPLAIN QUERY PLAN SELECT * FROM t WHERE b = 'x'",
        "EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 1 AND b = 'x'",
    ] {
        assert_eq!(details_chorus(&c, q), details_sqlite(&s, q), "{q}");
    }
}
