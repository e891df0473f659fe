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

/// (depth, detail) rows: the tree's shape, whatever the ids.
fn tree_of(rows: Vec<(i64, i64, String)>) -> Vec<(usize, String)> {
    let mut depth: std::collections::HashMap<i64, usize> = Default::default();
    let mut out = Vec::new();
    for (id, parent, detail) in rows {
        let d = depth.get(&parent).map_or(0, |d| d + 1);
        depth.insert(id, d);
        out.push((d, detail));
    }
    out
}

fn tree_chorus(c: &chorus::Connection, sql: &str) -> Vec<(usize, String)> {
    let mut s = c.prepare(sql).unwrap();
    let mut rows = Vec::new();
    while s.step().unwrap() {
        rows.push((
            s.column_int64(0),
            s.column_int64(1),
            String::from_utf8(s.column_text(3).into_owned()).unwrap(),
        ));
    }
    tree_of(rows)
}

fn tree_sqlite(c: &rusqlite::Connection, sql: &str) -> Vec<(usize, String)> {
    let mut s = c.prepare(sql).unwrap();
    let rows = s
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(3)?)))
        .unwrap();
    tree_of(rows.map(|r| r.unwrap()).collect())
}

/// Compounds, expression subqueries (numbered as SQLite numbers selects),
/// FROM subqueries, LEFT JOIN and DML plans draw the same tree as SQLite
/// where Chorus runs the same plan.
#[test]
fn plan_trees_match_sqlite() {
    let setup = "CREATE TABLE t(a, b); CREATE TABLE u(x INTEGER PRIMARY KEY, y); \
                 CREATE TABLE w(p, q);";
    let c = chorus::Connection::open_in_memory().unwrap();
    let s = rusqlite::Connection::open_in_memory().unwrap();
    c.execute_batch(setup).unwrap();
    s.execute_batch(setup).unwrap();
    for q in [
        "SELECT * FROM t UNION ALL SELECT * FROM w",
        "SELECT * FROM t INTERSECT SELECT * FROM w EXCEPT SELECT 1, 2",
        "SELECT 1 UNION SELECT 2 UNION SELECT 3",
        "SELECT * FROM t WHERE b IN (SELECT q FROM w)",
        "SELECT * FROM t WHERE b IN (SELECT q FROM w ORDER BY p LIMIT 2)",
        "SELECT (SELECT y FROM u WHERE x = t.b), b FROM t \
         WHERE EXISTS (SELECT 1 FROM w WHERE p = t.a) ORDER BY (SELECT q FROM w WHERE p = t.b)",
        "SELECT b, count(*) FROM t WHERE b IN (SELECT q FROM w) GROUP BY b \
         HAVING count(*) > (SELECT count(*) FROM w)",
        "SELECT * FROM t WHERE NOT EXISTS (SELECT 1 FROM w)",
        "SELECT * FROM (SELECT b FROM t GROUP BY b) s, w",
        "SELECT * FROM t LEFT JOIN u ON u.x = t.a",
        "SELECT b, count(*) FROM t GROUP BY b ORDER BY 2",
        "SELECT * FROM t WHERE a IN (SELECT q FROM w) UNION SELECT 1, 2",
        "UPDATE t SET a = (SELECT 1) WHERE b IN (SELECT q FROM w)",
        "DELETE FROM t WHERE b IN (SELECT q FROM w)",
        "INSERT INTO t VALUES (1, 2), (3, 4)",
        "INSERT INTO t VALUES (1, 2)",
        "VALUES (1), (2), (3)",
        "SELECT * FROM w WHERE p IN (VALUES (1), (2))",
        "INSERT INTO t SELECT p, q FROM w",
    ] {
        let q = format!("EXPLAIN QUERY PLAN {q}");
        assert_eq!(tree_chorus(&c, &q), tree_sqlite(&s, &q), "{q}");
    }
}

/// Covering indexes: a search or full scan whose columns one index holds
/// reads the index alone (`USING COVERING INDEX`), with SQLite's choice of
/// the narrowest index for a full scan (and none when the index is no
/// narrower than the table).
#[test]
fn covering_indexes_match_sqlite() {
    let setup = "CREATE TABLE t(a, b, c); CREATE INDEX i1 ON t(b); CREATE INDEX i2 ON t(a);\
                 CREATE TABLE u(a); CREATE INDEX ui ON u(a);\
                 CREATE TABLE v(a INTEGER PRIMARY KEY, b TEXT, c); CREATE INDEX vb ON v(b); CREATE INDEX vc ON v(c);\
                 CREATE TABLE w(a, b VARCHAR(100)); CREATE INDEX wb ON w(b); CREATE INDEX wa ON w(a);\
                 CREATE TABLE x(p, q, r); CREATE INDEX xpq ON x(p, q); CREATE INDEX xe ON x(p + q);\
                 CREATE INDEX xpart ON x(r) WHERE r > 0;";
    let c = chorus::Connection::open_in_memory().unwrap();
    let s = rusqlite::Connection::open_in_memory().unwrap();
    c.execute_batch(setup).unwrap();
    s.execute_batch(setup).unwrap();
    for q in [
        "SELECT count(*) FROM t",
        "SELECT a FROM t",
        "SELECT a, rowid FROM t WHERE a = 1",
        "SELECT a FROM t WHERE a > 1",
        "SELECT count(*) FROM t WHERE a > 1",
        "SELECT a, b FROM t WHERE a = 1",
        "SELECT * FROM t WHERE a = 1",
        "SELECT a FROM u",
        "SELECT count(*) FROM u",
        "SELECT count(*) FROM v",
        "SELECT b FROM v",
        "SELECT a, b FROM v",
        "SELECT c FROM v WHERE c > 5",
        "SELECT count(*) FROM w",
        "SELECT b FROM w",
        "SELECT q FROM x WHERE p = 1",
        "SELECT p, q FROM x",
        "SELECT r FROM x",
        "SELECT t1.a, t2.b FROM t t1, t t2 WHERE t2.b = t1.a",
        "SELECT (SELECT count(*) FROM t WHERE a = v.c) FROM v",
        "SELECT a FROM t WHERE b IS NULL",
    ] {
        let q = format!("EXPLAIN QUERY PLAN {q}");
        assert_eq!(details_chorus(&c, &q), details_sqlite(&s, &q), "{q}");
    }
}
