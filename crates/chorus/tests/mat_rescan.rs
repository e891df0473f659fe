//! Materialised FROM items (views, subqueries, CTEs) are recomputed on each
//! execution of a prepared statement: rows cached by one run must not leak
//! into the next after the tables changed.

use chorus::Connection;

fn all(c: &Connection, st: &mut chorus::Statement) -> Vec<i64> {
    let _ = c;
    let mut out = Vec::new();
    while st.step().unwrap() {
        out.push(st.column_int64(0));
    }
    st.reset();
    out
}

#[test]
fn prepared_statements_see_new_rows_through_views_subqueries_and_ctes() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(
        "CREATE TABLE t(x); INSERT INTO t VALUES(1),(2);
         CREATE TABLE u(y); INSERT INTO u VALUES(10);
         CREATE VIEW v AS SELECT x FROM t WHERE x > 0;",
    )
    .unwrap();
    let sqls = [
        "SELECT x FROM v ORDER BY x",
        "SELECT x FROM (SELECT x FROM t LIMIT 100) ORDER BY x",
        "WITH w AS MATERIALIZED (SELECT x FROM t) SELECT x FROM w ORDER BY x",
        "SELECT x FROM u, v ORDER BY x",
        "WITH RECURSIVE r(n) AS (SELECT max(x) FROM t UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r",
    ];
    let mut stmts: Vec<_> = sqls.iter().map(|s| c.prepare(s).unwrap()).collect();
    let before: Vec<Vec<i64>> = stmts.iter_mut().map(|s| all(&c, s)).collect();
    c.execute_batch("INSERT INTO t VALUES(3)").unwrap();
    let after: Vec<Vec<i64>> = stmts.iter_mut().map(|s| all(&c, s)).collect();
    assert_eq!(before[0], vec![1, 2]);
    for (i, sql) in sqls.iter().enumerate().take(4) {
        assert_eq!(after[i], vec![1, 2, 3], "{sql}");
    }
    assert_eq!(before[4], vec![2, 3]);
    assert_eq!(after[4], vec![3], "{}", sqls[4]);
}

#[test]
fn prepared_statements_recompute_uncorrelated_subqueries() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES(1),(2); CREATE TABLE s(k); INSERT INTO s VALUES(1),(2),(3);")
        .unwrap();
    let sqls = [
        "SELECT (SELECT max(x) FROM t)",
        "SELECT count(*) FROM s WHERE k IN (SELECT x FROM t)",
        "SELECT count(*) FROM s WHERE EXISTS (SELECT 1 FROM t WHERE x = 3)",
        "SELECT count(*) FROM s WHERE k > (SELECT min(x) FROM t WHERE x > 1)",
        "SELECT count(*) FROM s WHERE k IN t",
    ];
    let mut stmts: Vec<_> = sqls.iter().map(|s| c.prepare(s).unwrap()).collect();
    let before: Vec<Vec<i64>> = stmts.iter_mut().map(|s| all(&c, s)).collect();
    c.execute_batch("INSERT INTO t VALUES(3); DELETE FROM t WHERE x = 2;")
        .unwrap();
    let after: Vec<Vec<i64>> = stmts.iter_mut().map(|s| all(&c, s)).collect();
    assert_eq!(before, vec![vec![2], vec![2], vec![0], vec![1], vec![2]]);
    assert_eq!(after, vec![vec![3], vec![2], vec![3], vec![0], vec![2]]);
}

#[test]
fn trigger_programs_recompute_subqueries_and_views_each_time() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(
        "CREATE TABLE t(x); INSERT INTO t VALUES(1);
         CREATE VIEW v AS SELECT x FROM t;
         CREATE TABLE ev(id); CREATE TABLE log(m, n);
         CREATE TRIGGER ev_ai AFTER INSERT ON ev BEGIN
           INSERT INTO log VALUES((SELECT max(x) FROM t), (SELECT count(*) FROM v));
         END;",
    )
    .unwrap();
    let mut ins = c.prepare("INSERT INTO ev VALUES(?1)").unwrap();
    for i in 0..3i64 {
        ins.bind(1, &i).unwrap();
        while ins.step().unwrap() {}
        ins.reset();
        c.execute_batch("INSERT INTO t VALUES(10 + 1)").unwrap();
    }
    let mut q = c.prepare("SELECT m, n FROM log ORDER BY rowid").unwrap();
    let mut got = Vec::new();
    while q.step().unwrap() {
        got.push((q.column_int64(0), q.column_int64(1)));
    }
    assert_eq!(got, vec![(1, 1), (11, 2), (11, 3)]);
}
