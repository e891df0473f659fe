-- INSERT ... SELECT inserts rows as the SELECT produces them (SQLite's
-- direct path) unless the SELECT reads the target table; functions in the
-- SELECT see the inserts made so far.
CREATE TABLE s(x);
INSERT INTO s VALUES(10), (20), (30);
CREATE TABLE t2(a INTEGER PRIMARY KEY, b, c);
INSERT INTO t2(b, c) SELECT last_insert_rowid(), x FROM s;
-- scan-order
SELECT * FROM t2 ORDER BY a;
SELECT last_insert_rowid();
-- Reading the target: every row is read before the first insert.
INSERT INTO t2 SELECT NULL, a, last_insert_rowid() FROM t2;
-- scan-order
SELECT * FROM t2 ORDER BY a;
INSERT INTO t2 SELECT NULL, x, last_insert_rowid() FROM s WHERE x IN (SELECT c FROM t2);
-- scan-order
SELECT * FROM t2 ORDER BY a;
CREATE VIEW v2 AS SELECT a, b FROM t2;
INSERT INTO t2 SELECT NULL, b, last_insert_rowid() FROM v2 WHERE a <= 2;
-- scan-order
SELECT * FROM t2 ORDER BY a;
INSERT INTO t2 SELECT NULL, x, (SELECT max(a) FROM t2) FROM s;
-- scan-order
SELECT * FROM t2 ORDER BY a;
WITH w AS (SELECT a FROM t2 WHERE a > 10) INSERT INTO t2 SELECT NULL, a, last_insert_rowid() FROM w;
-- scan-order
SELECT * FROM t2 ORDER BY a;
-- ORDER BY / LIMIT / DISTINCT / GROUP BY sources.
CREATE TABLE t3(k INTEGER PRIMARY KEY, v);
INSERT INTO t3(v) SELECT x FROM s ORDER BY x DESC LIMIT 2;
INSERT INTO t3(v) SELECT DISTINCT b % 3 FROM t2;
INSERT INTO t3(v) SELECT count(*) FROM t2 GROUP BY b % 2;
SELECT * FROM t3 ORDER BY k;
-- Conflicts while streaming.
CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
INSERT INTO u VALUES(1, 'a');
CREATE TABLE src(id, name);
INSERT INTO src VALUES(2, 'b'), (3, 'a'), (4, 'c'), (2, 'd');
-- error: UNIQUE constraint failed: u.name
INSERT INTO u SELECT id, name FROM src;
SELECT * FROM u ORDER BY id;
INSERT OR IGNORE INTO u SELECT id, name FROM src;
-- scan-order
SELECT * FROM u ORDER BY id;
INSERT OR REPLACE INTO u SELECT id + 10, name FROM src WHERE id > 2;
-- scan-order
SELECT * FROM u ORDER BY id;
INSERT INTO u SELECT id + 20, name FROM src WHERE true ON CONFLICT(name) DO UPDATE SET id = excluded.id + 100;
-- scan-order
SELECT * FROM u ORDER BY id;
-- error: UNIQUE constraint failed: u.id
INSERT OR FAIL INTO u SELECT id + 50, name || '2' FROM src ORDER BY id;
-- scan-order
SELECT * FROM u ORDER BY id;
-- Triggers and AUTOINCREMENT targets.
CREATE TABLE log(m);
CREATE TABLE tr(a INTEGER PRIMARY KEY AUTOINCREMENT, b);
CREATE TRIGGER tr_ai AFTER INSERT ON tr BEGIN INSERT INTO log VALUES('ins ' || new.a || ' ' || last_insert_rowid()); END;
INSERT INTO tr(b) SELECT x FROM s;
INSERT INTO tr(b) SELECT last_insert_rowid() FROM s;
-- scan-order
SELECT * FROM tr ORDER BY a;
-- scan-order
SELECT * FROM log;
SELECT * FROM sqlite_sequence;
-- A larger stream.
CREATE TABLE big(a INTEGER PRIMARY KEY, b TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) INSERT INTO big SELECT x, printf('%08d', x) FROM c;
SELECT count(*), sum(a), min(b), max(b) FROM big;
INSERT INTO big(b) SELECT b FROM big WHERE a % 1000 = 0;
SELECT count(*), max(a) FROM big;
PRAGMA integrity_check;
-- Views, FROM subqueries and CTEs as the outer-most source stream too.
CREATE TABLE t4(a INTEGER PRIMARY KEY, b, c);
CREATE VIEW vs AS SELECT x FROM s WHERE x > 0;
INSERT INTO t4(b, c) SELECT last_insert_rowid(), x FROM vs;
WITH w AS (SELECT x FROM s) INSERT INTO t4(b, c) SELECT last_insert_rowid(), x FROM w;
INSERT INTO t4(b, c) SELECT last_insert_rowid(), x FROM (SELECT x FROM s ORDER BY x DESC);
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3) INSERT INTO t4(b, c) SELECT last_insert_rowid(), i FROM r;
-- scan-order
SELECT * FROM t4 ORDER BY a;
