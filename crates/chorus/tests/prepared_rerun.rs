//! A prepared statement executed again after the data changed returns what a
//! freshly prepared one returns: nothing a run computes (materialised
//! views/subqueries/CTEs, cached subquery results, sorter or aggregate
//! state, index-seek keys) leaks into the next run.

use chorus::Connection;

const SCHEMA: &str = "
CREATE TABLE a(id INTEGER PRIMARY KEY, g INT, v TEXT, n REAL);
CREATE INDEX a_g ON a(g);
CREATE TABLE b(k INT, a_id INT, w TEXT);
CREATE INDEX b_a ON b(a_id);
CREATE TABLE c(x TEXT PRIMARY KEY, y INT) WITHOUT ROWID;
CREATE VIEW va AS SELECT g, count(*) AS cnt, sum(n) AS s FROM a GROUP BY g;
INSERT INTO a VALUES(1, 1, 'p', 1.5), (2, 1, 'q', 2.5), (3, 2, 'r', NULL), (4, 3, 's', 4.0);
INSERT INTO b VALUES(1, 1, 'x'), (2, 1, 'y'), (3, 3, 'z'), (4, 9, 'w');
INSERT INTO c VALUES('m', 1), ('n', 2);
";

const QUERIES: &[&str] = &[
    "SELECT * FROM a ORDER BY id",
    "SELECT g, count(*), group_concat(v) FROM a GROUP BY g ORDER BY g",
    "SELECT DISTINCT g FROM a ORDER BY g DESC",
    "SELECT * FROM va ORDER BY g",
    "SELECT a.v, b.w FROM a JOIN b ON b.a_id = a.id ORDER BY a.v, b.w",
    "SELECT a.v, b.w FROM a LEFT JOIN b ON b.a_id = a.id ORDER BY a.v, b.w",
    "SELECT v FROM a WHERE g IN (SELECT a_id FROM b) ORDER BY v",
    "SELECT v FROM a WHERE g IN (1, 3) ORDER BY v",
    "SELECT v FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.a_id = a.id) ORDER BY v",
    "SELECT v, (SELECT count(*) FROM b WHERE b.a_id = a.id) FROM a ORDER BY v",
    "SELECT (SELECT max(id) FROM a), (SELECT count(*) FROM c)",
    "SELECT v FROM a WHERE id > (SELECT min(k) FROM b) ORDER BY v",
    "WITH t AS (SELECT g, max(n) AS m FROM a GROUP BY g) SELECT * FROM t ORDER BY g",
    "WITH RECURSIVE r(i) AS (SELECT min(id) FROM a UNION ALL SELECT i + 1 FROM r WHERE i < (SELECT max(id) FROM a)) SELECT i FROM r",
    "SELECT v, row_number() OVER (ORDER BY id), sum(n) OVER (PARTITION BY g) FROM a ORDER BY id",
    "SELECT v FROM a UNION SELECT w FROM b ORDER BY 1",
    "SELECT v FROM a EXCEPT SELECT w FROM b ORDER BY 1",
    "SELECT id FROM a ORDER BY n DESC LIMIT 2 OFFSET 1",
    "SELECT count(*), min(v), max(v), avg(n), total(n) FROM a",
    "SELECT x, y FROM c ORDER BY x",
    "SELECT x FROM c WHERE x IN (SELECT v FROM a) ORDER BY x",
    "SELECT g, cnt FROM va WHERE cnt > 1",
    "SELECT a.g, count(b.k) FROM a LEFT JOIN b ON b.a_id = a.g GROUP BY a.g HAVING count(b.k) >= 0 ORDER BY a.g",
    "SELECT * FROM (SELECT g, v FROM a ORDER BY v DESC LIMIT 3) ORDER BY v",
    "SELECT max(id) FROM a",
    "SELECT count(*) FROM b",
];

const CHANGES: &[&str] = &[
    "INSERT INTO a VALUES(5, 2, 'm', 5.5); INSERT INTO b VALUES(5, 2, 'm'); INSERT INTO c VALUES('p', 3);",
    "UPDATE a SET g = 3, n = n * 2 WHERE id <= 2; DELETE FROM b WHERE k = 1;",
    "DELETE FROM a WHERE id = 4; INSERT INTO b VALUES(6, 5, 'q'); DELETE FROM c WHERE x = 'm';",
    "DELETE FROM a; DELETE FROM b;",
];

fn run(st: &mut chorus::Statement) -> Vec<String> {
    let mut out = Vec::new();
    while st.step().unwrap() {
        let row: Vec<String> = (0..st.column_count())
            .map(|i| format!("{:?}", st.column_value(i)))
            .collect();
        out.push(row.join("|"));
    }
    st.reset();
    out
}

#[test]
fn prepared_statements_rerun_like_fresh_ones() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(SCHEMA).unwrap();
    let mut stmts: Vec<_> = QUERIES.iter().map(|q| c.prepare(q).unwrap()).collect();
    for s in stmts.iter_mut() {
        run(s);
    }
    for change in CHANGES {
        c.execute_batch(change).unwrap();
        for (q, s) in QUERIES.iter().zip(stmts.iter_mut()) {
            let again = run(s);
            let fresh = run(&mut c.prepare(q).unwrap());
            assert_eq!(again, fresh, "after `{change}`: {q}");
        }
    }
}
