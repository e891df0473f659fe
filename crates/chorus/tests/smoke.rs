use chorus::Connection;

#[test]
fn vertical_slice() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL); INSERT INTO t(b,c) VALUES ('x', 1.5), ('y', 2.5), ('z', NULL);").unwrap();
    let mut s = c
        .prepare("SELECT a, b, c FROM t WHERE a >= 2 ORDER BY b DESC")
        .unwrap();
    let mut rows = s.query(()).unwrap();
    let mut got = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        got.push((
            r.get::<i64>(0).unwrap(),
            r.get::<String>(1).unwrap(),
            r.get::<Option<f64>>(2).unwrap(),
        ));
    }
    assert_eq!(
        got,
        vec![(3, "z".to_string(), None), (2, "y".to_string(), Some(2.5))]
    );
    let n: i64 = c
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3);
}
