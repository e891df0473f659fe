//! An aggregate subquery evaluated inside an aggregate query (in its result
//! columns, HAVING or ORDER BY) leaves the outer query's aggregate and group
//! values intact.

mod common;
use common::Pair;

#[test]
fn aggregate_subqueries_keep_the_outer_aggregates() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT)",
        "CREATE TABLE u(x, g)",
        "INSERT INTO t VALUES (1, 3), (2, 3), (3, 1), (4, 5), (5, 3), (6, 1), (7, 7)",
        "INSERT INTO u VALUES (3, 'p'), (1, 'q'), (3, 'p'), (NULL, 'q')",
        "SELECT (SELECT count(*) FROM t), count(*) FROM u",
        "SELECT count(*), (SELECT max(a) FROM t), sum(x) FROM u",
        "SELECT g, (SELECT count(*) FROM t WHERE a = u.x), count(*), g FROM u GROUP BY g",
        "SELECT g, count(*) FROM u GROUP BY g HAVING count(*) < (SELECT count(*) FROM t)",
        "SELECT g, sum(x) FROM u GROUP BY g ORDER BY (SELECT count(*) FROM t WHERE a > 2), 2",
        "SELECT (SELECT group_concat(a) FROM t WHERE a < 3), total(x) FROM u",
    ]);
}
