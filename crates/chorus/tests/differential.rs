//! Differential tests: every statement runs on Chorus and on SQLite and must
//! produce the same column names, typed values, and error messages.

mod common;
use common::Pair;

fn setup() -> Pair {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t1(a INTEGER PRIMARY KEY, b TEXT, c REAL, d)",
        "INSERT INTO t1 VALUES (1, 'one', 1.5, NULL), (2, 'two', 2.0, x'00ff'), (3, 'three', NULL, 3)",
        "INSERT INTO t1(b, c, d) VALUES ('four', 4.25, 'x'), ('five', -5, 5.5), (NULL, 0, 'Z')",
        "CREATE TABLE t2(x INT, y VARCHAR(10) COLLATE NOCASE, z NUMERIC DEFAULT 7)",
        "INSERT INTO t2 VALUES (1, 'Apple', '12'), (2, 'banana', '3.0'), (2, 'APPLE', 'abc'), (NULL, NULL, NULL), (5, 'cherry', 1e3)",
        "INSERT INTO t2(x) VALUES (9)",
    ]);
    p
}

#[test]
fn basic_selects() {
    let p = setup();
    p.all(&[
        "SELECT * FROM t1",
        "SELECT a, b AS name, c*2, d FROM t1 WHERE a > 2",
        "SELECT * FROM t2",
        "SELECT x+1, y || '!', z FROM t2 ORDER BY x DESC, y",
        "SELECT 1, 2.5, 'a', NULL, x'41', -3, 1e10, 9223372036854775807, -9223372036854775808",
        "SELECT 10/3, 10.0/3, 10%3, -7/2, 1/0, 5 & 3, 5 | 3, 1 << 3, ~5",
        "SELECT 'a' < 'b', 1 = 1.0, NULL = NULL, NULL IS NULL, 3 IS NOT 4",
        "SELECT a FROM t1 WHERE b IS NULL",
        "SELECT a, b FROM t1 WHERE b LIKE 't%' ORDER BY a",
        "SELECT a FROM t1 WHERE b GLOB '*e' ORDER BY 1",
        "SELECT a FROM t1 WHERE a BETWEEN 2 AND 4",
        "SELECT a FROM t1 WHERE a NOT IN (1, 3, 5)",
        "SELECT a, CASE WHEN a < 3 THEN 'lo' WHEN a < 5 THEN 'mid' ELSE 'hi' END FROM t1",
        "SELECT CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' END FROM t1",
        "SELECT CAST(c AS INTEGER), CAST(b AS BLOB), CAST('12abc' AS INT), CAST(3 AS TEXT) FROM t1",
        "SELECT typeof(a), typeof(b), typeof(c), typeof(d) FROM t1",
        "SELECT DISTINCT x FROM t2",
        "SELECT DISTINCT y FROM t2 ORDER BY 1",
        "SELECT a FROM t1 ORDER BY a LIMIT 2",
        "SELECT a FROM t1 ORDER BY a LIMIT 2 OFFSET 3",
        "SELECT a FROM t1 ORDER BY a LIMIT -1 OFFSET 4",
        "SELECT a FROM t1 ORDER BY c NULLS LAST, a",
        "SELECT a, c FROM t1 ORDER BY c DESC NULLS FIRST",
        "SELECT y FROM t2 ORDER BY y COLLATE BINARY",
        "SELECT y FROM t2 ORDER BY y",
        "SELECT y FROM t2 WHERE y = 'apple'",
        "SELECT rowid, * FROM t2 WHERE rowid = 3",
        "SELECT z, typeof(z) FROM t2",
        "SELECT abs(-3), length('hello'), upper('abc'), substr('hello', 2, 3), coalesce(NULL, 2), ifnull(NULL, 'x'), nullif(1, 1)",
        "SELECT max(1, 2, 3), min('b', 'a'), round(2.5), round(3.14159, 2), hex('AB'), quote('it''s')",
    ]);
}

#[test]
fn aggregates() {
    let p = setup();
    p.all(&[
        "SELECT count(*), count(c), sum(c), avg(c), min(c), max(c), total(c) FROM t1",
        "SELECT x, count(*), group_concat(y) FROM t2 GROUP BY x",
        "SELECT x, count(*) FROM t2 GROUP BY x HAVING count(*) > 1",
        "SELECT y, count(*) FROM t2 GROUP BY y ORDER BY 2 DESC, 1",
        "SELECT count(DISTINCT x), sum(DISTINCT x) FROM t2",
        "SELECT count(*) FILTER (WHERE x > 1) FROM t2",
        "SELECT sum(a) FROM t1 WHERE a > 100",
        "SELECT count(*) FROM t1 WHERE a > 100",
        "SELECT max(a), b FROM t1",
        "SELECT min(c), a FROM t1",
        "SELECT x % 2 AS parity, sum(x) FROM t2 GROUP BY parity",
        "SELECT group_concat(b, '-') FROM t1",
        "SELECT avg(x), sum(x) * 2 FROM t2 GROUP BY x IS NULL",
        "SELECT count(*) FROM (SELECT DISTINCT x FROM t2)",
        "SELECT sum(9223372036854775807) FROM t1",
        "SELECT group_concat(b, ',' ORDER BY b DESC) FROM t1",
        "SELECT x, group_concat(y ORDER BY y COLLATE BINARY) FROM t2 GROUP BY x",
        "SELECT sum(x), avg(x), total(x) FROM (SELECT 0.1 AS x UNION ALL SELECT 0.2 UNION ALL SELECT 0.3)",
        "SELECT sum(x), typeof(sum(x)) FROM (SELECT '3' AS x UNION ALL SELECT '4')",
    ]);
}

#[test]
fn joins_and_subqueries() {
    let p = setup();
    p.all(&[
        "SELECT a, x FROM t1, t2 WHERE a = x ORDER BY a, x",
        "SELECT t1.a, t2.y FROM t1 JOIN t2 ON t1.a = t2.x ORDER BY 1, 2",
        "SELECT t1.a, t2.y FROM t1 LEFT JOIN t2 ON t1.a = t2.x ORDER BY 1, 2",
        "SELECT t1.a, t2.y FROM t1 LEFT JOIN t2 ON t1.a = t2.x WHERE t2.y IS NULL ORDER BY 1",
        "SELECT count(*) FROM t1 CROSS JOIN t2",
        "SELECT a, (SELECT count(*) FROM t2 WHERE x = a) FROM t1",
        "SELECT a FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE x = a)",
        "SELECT a FROM t1 WHERE a IN (SELECT x FROM t2)",
        "SELECT a FROM t1 WHERE a NOT IN (SELECT x FROM t2)",
        "SELECT a FROM t1 WHERE a NOT IN (SELECT x FROM t2 WHERE x IS NOT NULL)",
        "SELECT * FROM (SELECT a, b FROM t1 WHERE a < 3) AS s ORDER BY a DESC",
        "SELECT s.k, s.n FROM (SELECT x AS k, count(*) AS n FROM t2 GROUP BY x) s WHERE s.n > 0 ORDER BY 1",
        "SELECT (SELECT max(a) FROM t1), (SELECT 5)",
        "WITH c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c WHERE n < 10) SELECT sum(n) FROM c",
        "WITH RECURSIVE f(n, v) AS (SELECT 1, 1 UNION ALL SELECT n+1, v*(n+1) FROM f WHERE n < 10) SELECT * FROM f",
        "WITH q AS (SELECT a FROM t1 WHERE a > 3) SELECT * FROM q ORDER BY a",
        "SELECT a FROM t1 UNION SELECT x FROM t2",
        "SELECT a FROM t1 UNION ALL SELECT x FROM t2",
        "SELECT a FROM t1 INTERSECT SELECT x FROM t2",
        "SELECT a FROM t1 EXCEPT SELECT x FROM t2",
        "SELECT a FROM t1 UNION SELECT x FROM t2 ORDER BY 1 DESC LIMIT 3",
        "VALUES (1, 'a'), (2, 'b')",
        "SELECT * FROM (VALUES (1), (2)) ORDER BY 1 DESC",
        "SELECT t1.a, u.a FROM t1 JOIN t1 AS u ON u.a = t1.a + 1 ORDER BY 1",
        "SELECT * FROM t1 NATURAL JOIN (SELECT a, 'zz' AS q FROM t1) ORDER BY a",
        "SELECT * FROM t1 JOIN (SELECT a, 'zz' AS q FROM t1) USING (a) ORDER BY a",
        "SELECT t1.a, t2.x, t2.y FROM t1 RIGHT JOIN t2 ON t1.a = t2.x ORDER BY 2, 3, 1",
        "SELECT t1.a, t2.x FROM t1 FULL JOIN t2 ON t1.a = t2.x ORDER BY 1, 2",
        "SELECT t1.a, t2.x FROM t1 FULL JOIN t2 ON t1.a = t2.x WHERE t1.a IS NULL ORDER BY 2",
        "SELECT count(*) FROM t1 FULL JOIN t2 ON 0",
        "EXPLAIN QUERY PLAN SELECT * FROM t1 WHERE a = 3",
    ]);
}

#[test]
fn errors_match() {
    let p = setup();
    p.all(&[
        "SELECT nosuch FROM t1",
        "SELECT * FROM nosuch",
        "SELEC 1",
        "SELECT 1 +",
        "SELECT a FROM t1, t1",
        "SELECT t1.a FROM t1 JOIN t2 ON zz = 1",
        "SELECT count(*) FROM t1 WHERE count(*) > 1",
        "SELECT nosuchfunc(1)",
        "SELECT abs(1, 2)",
        "SELECT a FROM t1 ORDER BY 9",
        "SELECT 1 UNION SELECT 1, 2",
        "CREATE TABLE t1(x)",
        "INSERT INTO t1 VALUES (1, 2, 3)",
        "INSERT INTO t1(zz) VALUES (1)",
        "INSERT INTO t1 VALUES (1, 'dup', 0, 0)",
    ]);
}

#[test]
fn dml_and_constraints() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, age INT CHECK (age >= 0), score REAL DEFAULT 1.5)",
        "INSERT INTO u(name, email, age) VALUES ('a', 'a@x', 1), ('b', 'b@x', 2)",
        "INSERT INTO u(name, email, age) VALUES (NULL, 'c@x', 3)",
        "INSERT INTO u(name, email, age) VALUES ('c', 'a@x', 3)",
        "INSERT INTO u(name, email, age) VALUES ('c', 'c@x', -1)",
        "INSERT INTO u(id, name) VALUES (1, 'dup')",
        "INSERT OR IGNORE INTO u(id, name) VALUES (1, 'dup')",
        "INSERT OR REPLACE INTO u(id, name, email) VALUES (1, 'new', 'b@x')",
        "SELECT * FROM u ORDER BY id",
        "UPDATE u SET age = age + 10 WHERE id = 1",
        "UPDATE u SET email = 'z@x'",
        "UPDATE OR IGNORE u SET email = 'z@x'",
        "SELECT * FROM u ORDER BY id",
        "DELETE FROM u WHERE age IS NULL",
        "SELECT * FROM u ORDER BY id",
        "INSERT INTO u(id, name) VALUES ('7', 'seven')",
        "INSERT INTO u(id, name) VALUES ('x7', 'bad')",
        "INSERT INTO u(name) VALUES ('auto')",
        "SELECT id, name, score FROM u ORDER BY id",
        "INSERT INTO u(name, email) VALUES ('r1', 'r1@x'), ('r2', 'r2@x') RETURNING id, upper(name), score",
        "UPDATE u SET score = score * 2 WHERE name LIKE 'r%' RETURNING name, score",
        "DELETE FROM u WHERE name = 'r1' RETURNING *",
        "DELETE FROM u",
        "SELECT count(*) FROM u",
        "CREATE TABLE pk(a, b, PRIMARY KEY(a, b))",
        "INSERT INTO pk VALUES (1, 2), (1, 3)",
        "INSERT INTO pk VALUES (1, 2)",
        "SELECT * FROM pk",
        "INSERT INTO pk VALUES (1, 2) ON CONFLICT DO NOTHING",
        "INSERT INTO pk VALUES (1, 2) ON CONFLICT(a, b) DO NOTHING",
        "INSERT INTO pk VALUES (1, 2) ON CONFLICT(a) DO NOTHING",
        "INSERT INTO pk VALUES (7, 8) ON CONFLICT(a, b) DO NOTHING",
        "SELECT * FROM pk ORDER BY 1, 2",
        "CREATE TABLE kv(k TEXT PRIMARY KEY, v INT, hits INT DEFAULT 0)",
        "INSERT INTO kv VALUES ('a', 1, 0) ON CONFLICT(k) DO UPDATE SET v = excluded.v, hits = hits + 1",
        "INSERT INTO kv VALUES ('a', 5, 0) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v, hits = hits + 1 WHERE excluded.v > 2",
        "INSERT INTO kv VALUES ('a', 1, 0) ON CONFLICT(k) DO UPDATE SET hits = hits + 100 WHERE excluded.v > 2",
        "SELECT * FROM kv",
        "CREATE TABLE aff(i INTEGER, r REAL, t TEXT, n NUMERIC, b BLOB)",
        "INSERT INTO aff VALUES ('12', '12', 12, '12.0', '12'), ('1e2', '3', 4.0, 'x', 5), (1.0, 2, 3.5, '0x10', NULL)",
        "SELECT i, typeof(i), r, typeof(r), t, typeof(t), n, typeof(n), b, typeof(b) FROM aff",
        "SELECT * FROM aff WHERE t = 12",
        "SELECT * FROM aff WHERE i = '12'",
    ]);
}

#[test]
fn indexes_and_schema() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(a INT, b TEXT, c)",
        "CREATE INDEX ta ON t(a)",
        "CREATE UNIQUE INDEX tbc ON t(b, c DESC)",
        "INSERT INTO t VALUES (3, 'x', 1), (1, 'y', 2), (2, 'z', 3), (2, 'w', 4), (NULL, 'v', 5)",
        "INSERT INTO t VALUES (9, 'x', 1)",
        "SELECT * FROM t WHERE a = 2 ORDER BY b",
        "SELECT * FROM t WHERE a > 1 ORDER BY a, b",
        "SELECT * FROM t WHERE a >= 2 AND a < 3 ORDER BY b",
        "SELECT * FROM t WHERE a < 3 ORDER BY a, b",
        "SELECT * FROM t WHERE a = '2' ORDER BY b",
        "SELECT * FROM t WHERE b = 'z' AND c = 3",
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
        "CREATE TABLE s(id INTEGER PRIMARY KEY, v TEXT UNIQUE, w UNIQUE, UNIQUE(v, w))",
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
        "PRAGMA index_list(s)",
        "PRAGMA table_info(s)",
        "PRAGMA index_info(tbc)",
        "PRAGMA index_xinfo(tbc)",
        "DROP INDEX ta",
        "DROP INDEX sqlite_autoindex_s_1",
        "DROP TABLE s",
        "DROP TABLE IF EXISTS s",
        "DROP TABLE s",
        "SELECT name FROM sqlite_schema ORDER BY 1",
        "CREATE VIEW v AS SELECT a, b FROM t WHERE a IS NOT NULL",
        "SELECT * FROM v ORDER BY a, b",
        "SELECT sql FROM sqlite_schema WHERE name = 'v'",
        "CREATE TABLE IF NOT EXISTS t(q)",
        "CREATE TABLE t3 AS SELECT a, b || 'x', a * 2 AS dbl FROM t",
        "SELECT sql FROM sqlite_schema WHERE name = 't3'",
        "SELECT * FROM t3 ORDER BY 1, 2",
        "PRAGMA user_version",
        "PRAGMA user_version = 7",
        "PRAGMA user_version",
    ]);
}

#[test]
fn transactions() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(x)",
        "BEGIN",
        "INSERT INTO t VALUES (1)",
        "SAVEPOINT s1",
        "INSERT INTO t VALUES (2)",
        "ROLLBACK TO s1",
        "INSERT INTO t VALUES (3)",
        "RELEASE s1",
        "COMMIT",
        "SELECT * FROM t",
        "BEGIN",
        "DELETE FROM t",
        "ROLLBACK",
        "SELECT * FROM t",
        "COMMIT",
        "ROLLBACK",
        "BEGIN",
        "BEGIN",
        "ROLLBACK",
        "RELEASE nosuch",
    ]);
}
