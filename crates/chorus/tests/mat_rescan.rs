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
