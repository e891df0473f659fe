-- Generated columns in WITHOUT ROWID tables: VIRTUAL columns are not stored,
-- STORED ones sit among the non-key columns in declaration order.
CREATE TABLE w(a INTEGER PRIMARY KEY, b TEXT, c AS (b || 'x'), d INT AS (a * 2) STORED, e REAL) WITHOUT ROWID;
PRAGMA table_xinfo(w);
INSERT INTO w(a, b, e) VALUES(1, 'p', 1.5), (2, 'q', NULL), (3, NULL, 7);
SELECT * FROM w ORDER BY a;
SELECT c, typeof(c), d, typeof(d) FROM w ORDER BY a;
SELECT a FROM w WHERE c = 'qx';
SELECT a FROM w WHERE d > 2 ORDER BY d DESC;
-- scan-order
SELECT count(*), sum(d), max(c), group_concat(c, ',') FROM w;
UPDATE w SET b = 'z' WHERE a = 1;
UPDATE w SET a = a + 10 WHERE a = 2;
SELECT * FROM w ORDER BY a;
DELETE FROM w WHERE d = 6;
SELECT * FROM w ORDER BY a;
INSERT OR REPLACE INTO w(a, b) VALUES(1, 'again');
INSERT INTO w(a, b) VALUES(12, 'up') ON CONFLICT(a) DO UPDATE SET b = excluded.b || '!';
SELECT * FROM w ORDER BY a;
UPDATE w SET e = d + 0.5 RETURNING a, c, d, e;
-- error: cannot INSERT into generated column "c"
INSERT INTO w(a, c) VALUES(9, 'no');
-- error: cannot UPDATE generated column "d"
UPDATE w SET d = 1;
-- error: UNIQUE constraint failed: w.a
INSERT INTO w(a, b) VALUES(1, 'dup');
PRAGMA integrity_check;

-- Indexes on VIRTUAL and STORED columns, and on expressions of them.
CREATE INDEX wc ON w(c);
CREATE INDEX wd ON w(d DESC, b);
CREATE UNIQUE INDEX we ON w(upper(c));
SELECT a, c FROM w WHERE c >= 'a' ORDER BY c;
SELECT a, d FROM w WHERE d BETWEEN 2 AND 30 ORDER BY d;
INSERT INTO w(a, b) VALUES(20, 'k'), (21, 'm');
-- error: UNIQUE constraint failed: index 'we'
INSERT INTO w(a, b) VALUES(22, 'K');
UPDATE w SET b = b || b WHERE a >= 20;
DELETE FROM w WHERE c = 'kkx';
SELECT * FROM w ORDER BY a;
PRAGMA integrity_check;

-- Composite and DESC keys, text keys with a collation.
CREATE TABLE k(x TEXT COLLATE NOCASE, y INT, z AS (x || y) STORED, v AS (y * y), PRIMARY KEY(y DESC, x)) WITHOUT ROWID;
INSERT INTO k(x, y) VALUES('b', 1), ('A', 1), ('c', 2), ('B', 2);
-- scan-order
SELECT * FROM k;
SELECT x, y, z, v FROM k WHERE v = 4 ORDER BY x;
UPDATE k SET y = y + 1 WHERE x = 'a';
-- scan-order
SELECT * FROM k;
-- error: UNIQUE constraint failed: k.y, k.x
INSERT INTO k(x, y) VALUES('C', 2);
PRAGMA integrity_check;

-- Constraints that read generated columns.
CREATE TABLE chk(id TEXT PRIMARY KEY, n INT, twice AS (n * 2) NOT NULL, CHECK (twice < 100)) WITHOUT ROWID;
INSERT INTO chk(id, n) VALUES('a', 10);
-- error: CHECK constraint failed: twice < 100
INSERT INTO chk(id, n) VALUES('b', 60);
-- error: NOT NULL constraint failed: chk.twice
INSERT INTO chk(id, n) VALUES('c', NULL);
SELECT * FROM chk;

-- ALTER TABLE: add a VIRTUAL column, drop generated and plain columns.
ALTER TABLE w ADD COLUMN f AS (a + 100);
SELECT a, f FROM w ORDER BY a;
-- error: cannot add a STORED column
ALTER TABLE w ADD COLUMN g AS (a) STORED;
DROP INDEX wc;
ALTER TABLE w DROP COLUMN f;
DROP INDEX we;
ALTER TABLE w DROP COLUMN c;
SELECT * FROM w ORDER BY a;
ALTER TABLE w DROP COLUMN e;
SELECT * FROM w ORDER BY a;
PRAGMA integrity_check;

-- error: generated columns cannot be part of the PRIMARY KEY
CREATE TABLE bad(a, b AS (a) PRIMARY KEY) WITHOUT ROWID;
-- error: generated columns cannot be part of the PRIMARY KEY
CREATE TABLE bad2(a, b AS (a) STORED, PRIMARY KEY(a, b)) WITHOUT ROWID;
