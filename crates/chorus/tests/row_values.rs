//! Differential tests of row values and UPDATE ... FROM.

mod common;
use common::Pair;

#[test]
fn row_value_comparisons() {
    let p = Pair::new();
    p.all(&[
        "SELECT (1, 2) = (1, 2), (1, 2) = (1, 3), (1, 2) < (1, 3), (1, 2) < (2, 0), (1, NULL) = (1, 2), (1, NULL) = (2, 2), (1, 2) IS (1, 2)",
        "SELECT (1, NULL) < (1, 5), (NULL, 1) < (2, 0), (1, 2) <= (1, 2), (2, 1) >= (1, 9), (1, 2) <> (1, NULL), (1, 2) IS NOT (1, NULL)",
        "SELECT (1, 2) BETWEEN (0, 0) AND (1, 5), (1, 2) IN ((1, 2), (3, 4)), (5, 6) NOT IN ((1, 2), (3, 4))",
        "SELECT (1, 2) = (SELECT 1, 2), (1, 2) < (SELECT 1, 3), (SELECT 1, 2) IN (SELECT 1, 2)",
        "SELECT (1, 2) = (1, 2, 3)",
        "SELECT (1, 2) = 1",
        "SELECT (1, 2) IN (SELECT 1)",
        "CREATE TABLE rv(a, b, c)",
        "INSERT INTO rv VALUES(1, 2, 'x'), (2, 1, 'y'), (2, 2, 'z')",
        "SELECT c FROM rv WHERE (a, b) = (SELECT 2, 1)",
        "SELECT c FROM rv WHERE (a, b) > (1, 5) ORDER BY c",
        "SELECT c FROM rv WHERE (a, b) IN (SELECT b, a FROM rv) ORDER BY c",
        "SELECT c FROM rv WHERE (a, b) = (?1, ?2)",
    ]);
}

#[test]
fn row_value_update_set() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b)",
        "INSERT INTO t VALUES(1, 10, 20), (2, 30, 40)",
        "UPDATE t SET (a, b) = (b, a) WHERE id = 1",
        "UPDATE t SET (a, b) = (SELECT 7, 'seven') WHERE id = 2",
        "SELECT * FROM t ORDER BY id",
        "UPDATE t SET (a, b) = (1, 2, 3)",
        "UPDATE t SET (a, b) = 5",
        "UPDATE t SET (a, b) = (SELECT 7, 8, 9)",
        "UPDATE t SET (a, b) = (SELECT 7, 8 WHERE 0)",
        "SELECT * FROM t ORDER BY id",
    ]);
}

#[test]
fn update_from() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, price REAL, tag TEXT, qty INT)",
        "INSERT INTO t VALUES(1, 'apple', 1.0, 'fruit', 3), (2, 'pear', 2.0, 'fruit', 4), (3, 'leek', 3.0, 'veg', 5)",
        "CREATE TABLE prices(name TEXT, p REAL)",
        "INSERT INTO prices VALUES('apple', 0.5), ('leek', 9.5), ('apple', 0.75)",
        "UPDATE t SET price = prices.p FROM prices WHERE prices.name = t.name AND prices.p < 0.6",
        "UPDATE t SET price = prices.p FROM prices WHERE prices.name = t.name AND t.name = 'leek'",
        "SELECT * FROM t ORDER BY id",
        "UPDATE t SET qty = s.total FROM (SELECT tag, sum(qty) AS total FROM t GROUP BY tag) AS s WHERE s.tag = t.tag",
        "SELECT * FROM t ORDER BY id",
        "UPDATE t AS x SET (qty, tag) = (y.qty + 1, 'j') FROM t AS y WHERE y.id = x.id + 1",
        "SELECT * FROM t ORDER BY id",
        "SELECT changes()",
    ]);
}
