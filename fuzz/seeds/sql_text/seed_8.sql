-- INSERT in all its forms, conflict resolution, constraint errors,
-- RETURNING, UPSERT, and what ends up stored (with typeof()).

CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE, c REAL NOT NULL DEFAULT 0.5, d CHECK (d IS NULL OR d < 100), e DEFAULT 'e');
INSERT INTO t VALUES(1, 'one', 1.0, 1, 'x');
INSERT INTO t(b, c) VALUES('two', 2);
INSERT INTO t(c, b) VALUES(3, 'three');
INSERT INTO t(b) VALUES('four');
INSERT INTO t DEFAULT VALUES;
INSERT INTO t DEFAULT VALUES;
SELECT a, b, c, typeof(c), d, e FROM t ORDER BY a;
INSERT INTO t(a, b) VALUES(10, 'ten'), (11, 'eleven'), (12, 'twelve');
INSERT INTO t(b) VALUES('after twelve');
SELECT a, b FROM t ORDER BY a;
SELECT changes(), total_changes() > 0, last_insert_rowid();
INSERT INTO t(a, b) VALUES(-5, 'negative');
SELECT last_insert_rowid();
INSERT INTO t(a, b) VALUES(9223372036854775807, 'max');
DELETE FROM t WHERE a = 9223372036854775807;
-- Multi-row VALUES with mixed types.
CREATE TABLE m(x, y);
INSERT INTO m VALUES(1, 'a'), (2.5, x'00'), (NULL, ''), ('3', -0.0), (-9223372036854775808, 1e308);
SELECT rowid, x, typeof(x), y, typeof(y) FROM m ORDER BY rowid;
-- error: all VALUES must have the same number of terms
INSERT INTO m VALUES(1, 2), (3);
-- error: table m has 2 columns but 3 values were supplied
INSERT INTO m VALUES(1, 2, 3);
-- error: table m has 2 columns but 1 values were supplied
INSERT INTO m VALUES(1);
-- error: 2 values for 1 columns
INSERT INTO m(x) VALUES(1, 2);
-- error: table m has no column named z
INSERT INTO m(z) VALUES(1);
-- error: no such table: nosuch
INSERT INTO nosuch VALUES(1);
INSERT INTO m(y, x) VALUES('y first', 'x second');
SELECT x, y FROM m WHERE rowid = last_insert_rowid();
INSERT INTO m(x, x) VALUES(1, 2);
SELECT x, y FROM m WHERE rowid = last_insert_rowid();

-- INSERT ... SELECT.
CREATE TABLE dst(p, q);
INSERT INTO dst SELECT x, y FROM m WHERE x IS NOT NULL ORDER BY rowid;
SELECT p, q FROM dst ORDER BY rowid;
INSERT INTO dst(q) SELECT 'from select ' || count(*) FROM m;
INSERT INTO dst SELECT * FROM (SELECT 1, 2 UNION ALL SELECT 3, 4);
INSERT INTO dst SELECT p + 100, q FROM dst WHERE typeof(p) = 'integer' ORDER BY rowid;
SELECT rowid, p, q FROM dst ORDER BY rowid;
INSERT INTO dst SELECT 7, 8 WHERE 0;
SELECT changes();
-- error: table dst has 2 columns but 1 values were supplied
INSERT INTO dst SELECT 1;
INSERT INTO dst VALUES((SELECT max(p) FROM dst), (SELECT count(*) FROM dst));
SELECT p, q FROM dst WHERE rowid = last_insert_rowid();
WITH w(a, b) AS (VALUES(50, 'w1'), (51, 'w2')) INSERT INTO dst SELECT a, b FROM w;
SELECT p, q FROM dst WHERE p >= 50 AND p < 60 ORDER BY p;

-- Conflict resolution.
CREATE TABLE u(k INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER NOT NULL, chk CHECK (chk > 0));
INSERT INTO u VALUES(1, 'a', 1, 1), (2, 'b', 2, 2), (3, 'c', 3, 3);
-- error: UNIQUE constraint failed: u.name
INSERT INTO u VALUES(4, 'a', 4, 4);
-- error: UNIQUE constraint failed: u.k
INSERT INTO u VALUES(1, 'z', 4, 4);
-- error: NOT NULL constraint failed: u.n
INSERT INTO u VALUES(4, 'd', NULL, 4);
-- error: CHECK constraint failed: chk > 0
INSERT INTO u VALUES(4, 'd', 4, -4);
INSERT OR IGNORE INTO u VALUES(4, 'a', 4, 4);
INSERT OR IGNORE INTO u VALUES(1, 'z', 4, 4);
INSERT OR IGNORE INTO u VALUES(4, 'd', NULL, 4);
INSERT OR IGNORE INTO u VALUES(4, 'd', 4, -4);
SELECT changes();
SELECT k, name, n, chk FROM u ORDER BY k;
INSERT OR REPLACE INTO u VALUES(5, 'a', 5, 5);
SELECT k, name, n, chk FROM u ORDER BY k;
INSERT OR REPLACE INTO u VALUES(2, 'c', 22, 22);
SELECT k, name, n, chk FROM u ORDER BY k;
REPLACE INTO u VALUES(2, 'b', 2, 2);
SELECT k, name, n, chk FROM u ORDER BY k;
-- error: NOT NULL constraint failed: u.n
INSERT OR REPLACE INTO u VALUES(6, 'f', NULL, 6);
-- error: UNIQUE constraint failed: u.name
INSERT OR ABORT INTO u VALUES(7, 'a', 7, 7);
-- error: UNIQUE constraint failed: u.name
INSERT OR FAIL INTO u VALUES(7, 'a', 7, 7);
-- error: UNIQUE constraint failed: u.name
INSERT OR ROLLBACK INTO u VALUES(7, 'a', 7, 7);
SELECT count(*) FROM u;
-- Multi-row statements stop at the failing row: ABORT undoes the statement, FAIL keeps earlier rows.
-- error: UNIQUE constraint failed: u.name
INSERT OR ABORT INTO u VALUES(10, 'ten', 10, 10), (11, 'a', 11, 11), (12, 'twelve', 12, 12);
SELECT k, name FROM u WHERE k >= 10 ORDER BY k;
-- error: UNIQUE constraint failed: u.name
INSERT OR FAIL INTO u VALUES(10, 'ten', 10, 10), (11, 'a', 11, 11), (12, 'twelve', 12, 12);
SELECT k, name FROM u WHERE k >= 10 ORDER BY k;
INSERT OR IGNORE INTO u VALUES(13, 'thirteen', 13, 13), (14, 'a', 14, 14), (15, 'fifteen', 15, 15);
SELECT k, name FROM u WHERE k >= 10 ORDER BY k;
-- ROLLBACK inside a transaction ends it.
BEGIN;
INSERT INTO u VALUES(20, 'twenty', 20, 20);
-- error: UNIQUE constraint failed: u.name
INSERT OR ROLLBACK INTO u VALUES(21, 'a', 21, 21);
SELECT count(*) FROM u WHERE k = 20;
-- error: cannot commit - no transaction is active
COMMIT;
-- ABORT inside a transaction keeps the transaction.
BEGIN;
INSERT INTO u VALUES(20, 'twenty', 20, 20);
-- error: UNIQUE constraint failed: u.name
INSERT INTO u VALUES(21, 'a', 21, 21);
COMMIT;
SELECT k, name FROM u WHERE k >= 20 ORDER BY k;

-- REPLACE with several unique constraints removes every conflicting row.
CREATE TABLE r(a UNIQUE, b UNIQUE, c);
INSERT INTO r VALUES(1, 1, 'first'), (2, 2, 'second'), (3, 3, 'third');
REPLACE INTO r VALUES(1, 2, 'replaces two rows');
SELECT a, b, c FROM r ORDER BY a;
SELECT changes();
INSERT OR REPLACE INTO r(a, b, c) VALUES(3, 4, 'replaces one');
SELECT a, b, c FROM r ORDER BY a;

-- UPSERT.
CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER, hits INTEGER DEFAULT 0);
INSERT INTO kv VALUES('a', 1, 0) ON CONFLICT(k) DO UPDATE SET v = excluded.v, hits = hits + 1;
INSERT INTO kv VALUES('a', 2, 0) ON CONFLICT(k) DO UPDATE SET v = excluded.v, hits = hits + 1;
INSERT INTO kv VALUES('a', 3, 0) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v, hits = hits + 1 WHERE excluded.v > 2;
INSERT INTO kv VALUES('a', 1, 0) ON CONFLICT(k) DO UPDATE SET hits = hits + 100 WHERE excluded.v > 2;
INSERT INTO kv VALUES('b', 5, 0) ON CONFLICT DO NOTHING;
INSERT INTO kv VALUES('b', 6, 0) ON CONFLICT DO NOTHING;
INSERT INTO kv VALUES('b', 7, 0) ON CONFLICT(k) DO NOTHING;
SELECT k, v, hits FROM kv ORDER BY k;
-- error: ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint
INSERT INTO kv VALUES('c', 1, 0) ON CONFLICT(v) DO NOTHING;
INSERT INTO kv SELECT 'a', 10, 0 WHERE true ON CONFLICT(k) DO UPDATE SET v = excluded.v;
SELECT k, v, hits FROM kv ORDER BY k;

-- RETURNING.
CREATE TABLE ret(id INTEGER PRIMARY KEY, s TEXT, n DEFAULT 42);
INSERT INTO ret(s) VALUES('x') RETURNING id, s, n;
INSERT INTO ret(s) VALUES('y'), ('z') RETURNING *;
INSERT INTO ret(s) VALUES('w') RETURNING id * 10 AS ten_id, upper(s), typeof(n);
INSERT INTO ret(id, s) VALUES(100, 'hundred') RETURNING rowid;
INSERT INTO ret(s) SELECT s || s FROM ret WHERE id < 3 ORDER BY id RETURNING id, s;
SELECT id, s, n FROM ret ORDER BY id;

-- Stored types through column affinity.
CREATE TABLE af(i INTEGER, r REAL, n NUMERIC, t TEXT, b BLOB);
INSERT INTO af VALUES(1, 1, 1, 1, 1);
INSERT INTO af VALUES(1.0, 1.0, 1.0, 1.0, 1.0);
INSERT INTO af VALUES(1.5, 1.5, 1.5, 1.5, 1.5);
INSERT INTO af VALUES('1', '1', '1', '1', '1');
INSERT INTO af VALUES('1.0', '1.0', '1.0', '1.0', '1.0');
INSERT INTO af VALUES('1.5', '1.5', '1.5', '1.5', '1.5');
INSERT INTO af VALUES(' 2 ', ' 2 ', ' 2 ', ' 2 ', ' 2 ');
INSERT INTO af VALUES('1e2', '1e2', '1e2', '1e2', '1e2');
INSERT INTO af VALUES('0x1A', '0x1A', '0x1A', '0x1A', '0x1A');
INSERT INTO af VALUES('abc', 'abc', 'abc', 'abc', 'abc');
INSERT INTO af VALUES(x'31', x'31', x'31', x'31', x'31');
INSERT INTO af VALUES(NULL, NULL, NULL, NULL, NULL);
INSERT INTO af VALUES('9223372036854775807', '9223372036854775807', '9223372036854775807', '9223372036854775807', '9223372036854775807');
INSERT INTO af VALUES('9223372036854775808', '9223372036854775808', '9223372036854775808', '9223372036854775808', '9223372036854775808');
INSERT INTO af VALUES('-0', '-0', '-0', '-0', '-0');
INSERT INTO af VALUES(1e20, 1e20, 1e20, 1e20, 1e20);
INSERT INTO af VALUES('12345678901234567890', '12345678901234567890', '12345678901234567890', '12345678901234567890', '12345678901234567890');
INSERT INTO af VALUES(-0.0, -0.0, -0.0, -0.0, -0.0);
INSERT INTO af VALUES('+5', '+5', '+5', '+5', '+5');
INSERT INTO af VALUES('.5', '.5', '.5', '.5', '.5');
INSERT INTO af VALUES('5.', '5.', '5.', '5.', '5.');
INSERT INTO af VALUES(' ', ' ', ' ', ' ', ' ');
INSERT INTO af VALUES('1.0e+3', '1.0e+3', '1.0e+3', '1.0e+3', '1.0e+3');
INSERT INTO af VALUES(9007199254740993, 9007199254740993, 9007199254740993, 9007199254740993, 9007199254740993);
INSERT INTO af VALUES('9007199254740993.0', '9007199254740993.0', '9007199254740993.0', '9007199254740993.0', '9007199254740993.0');
SELECT rowid, i, typeof(i), r, typeof(r), n, typeof(n), t, typeof(t), b, typeof(b) FROM af ORDER BY rowid;

-- Expressions and defaults as values.
-- error: near "||": syntax error
CREATE TABLE ex(a, b DEFAULT (2 * 3), c DEFAULT (-1), d DEFAULT 'x' || 'y');
CREATE TABLE ex(a, b DEFAULT (2 * 3), c DEFAULT (-1), d DEFAULT ('x' || 'y'));
INSERT INTO ex(a) VALUES(1 + 1);
INSERT INTO ex(a) VALUES((SELECT 10));
INSERT INTO ex(a) VALUES(CASE WHEN 1 THEN 'yes' END);
-- error: no such column: DEFAULT_IS_NOT_A_KEYWORD_BUT_A_COLUMN
INSERT INTO ex(a, b) VALUES(abs(-3), DEFAULT_IS_NOT_A_KEYWORD_BUT_A_COLUMN);
INSERT INTO ex(a, b) VALUES(abs(-3), NULL);
SELECT a, b, c, d FROM ex ORDER BY rowid;
