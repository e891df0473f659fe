-- WITHOUT ROWID tables (PRIMARY KEY index b-tree, secondary indexes holding
-- the primary key), AUTOINCREMENT with sqlite_sequence, and REINDEX.

-- error: PRIMARY KEY missing on table nopk
CREATE TABLE nopk(x, y) WITHOUT ROWID;
-- error: AUTOINCREMENT not allowed on WITHOUT ROWID tables
CREATE TABLE badai(x INTEGER PRIMARY KEY AUTOINCREMENT) WITHOUT ROWID;
CREATE TABLE w(a TEXT, id INTEGER, b, c REAL, PRIMARY KEY(id, a)) WITHOUT ROWID;
CREATE INDEX wb ON w(b, a);
CREATE UNIQUE INDEX wc ON w(c);
SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name;
PRAGMA table_info(w);
PRAGMA index_list(w);
PRAGMA index_info(sqlite_autoindex_w_1);
PRAGMA index_xinfo(sqlite_autoindex_w_1);
PRAGMA index_info(wb);
PRAGMA index_xinfo(wb);
PRAGMA index_xinfo(wc);
INSERT INTO w VALUES('x', 1, 10, 1.5), ('y', 1, 20, 2.5), ('x', 2, 10, 3.5);
INSERT INTO w(id, a, b) VALUES(3, 'z', 30), (0, 'a', NULL);
SELECT * FROM w;
SELECT * FROM w ORDER BY b, a;
-- error: UNIQUE constraint failed: w.id, w.a
INSERT INTO w VALUES('x', 1, 99, 9.5);
-- error: NOT NULL constraint failed: w.id
INSERT INTO w VALUES('q', NULL, 1, 1);
-- error: NOT NULL constraint failed: w.a
INSERT INTO w(id) VALUES(7);
-- error: UNIQUE constraint failed: w.c
INSERT INTO w VALUES('k', 9, 1, 1.5);
INSERT OR IGNORE INTO w VALUES('x', 1, 99, 9.5);
SELECT changes();
INSERT OR REPLACE INTO w VALUES('x', 1, 11, 1.75);
SELECT * FROM w ORDER BY id, a;
REPLACE INTO w VALUES('new', 5, 12, 2.5);
SELECT * FROM w ORDER BY id, a;
-- error: no such column: rowid
SELECT rowid FROM w;
-- error: no such column: oid
SELECT oid, * FROM w;
-- error: table w has no column named rowid
INSERT INTO w(rowid, a, id) VALUES(1, 'r', 100);
SELECT last_insert_rowid();
SELECT * FROM w WHERE id = 1;
SELECT * FROM w WHERE id = 1 AND a = 'x';
SELECT * FROM w WHERE id > 1 ORDER BY id;
SELECT * FROM w WHERE id BETWEEN 1 AND 2 ORDER BY id, a;
SELECT a, id FROM w WHERE b = 10;
SELECT a, id FROM w WHERE c > 2 ORDER BY c;
EXPLAIN QUERY PLAN SELECT * FROM w WHERE id = 1;
EXPLAIN QUERY PLAN SELECT * FROM w WHERE id = 1 AND a = 'x';
EXPLAIN QUERY PLAN SELECT * FROM w WHERE id > 1;
UPDATE w SET b = b + 1 WHERE id = 1;
SELECT * FROM w ORDER BY id, a;
UPDATE w SET id = id + 100 WHERE a = 'x';
SELECT * FROM w ORDER BY id, a;
-- error: UNIQUE constraint failed: w.id, w.a
UPDATE w SET id = 101, a = 'x';
UPDATE OR REPLACE w SET id = 101, a = 'x' WHERE id = 5;
SELECT * FROM w ORDER BY id, a;
DELETE FROM w WHERE b = 12;
SELECT * FROM w ORDER BY id, a;
DELETE FROM w WHERE id > 100;
SELECT * FROM w ORDER BY id, a;
SELECT count(*) FROM w WHERE b IS NULL;
INSERT INTO w VALUES('u', 8, 1, 8.5) ON CONFLICT DO NOTHING;
INSERT INTO w VALUES('u', 8, 2, 9.5) ON CONFLICT(id, a) DO UPDATE SET b = excluded.b;
SELECT * FROM w ORDER BY id, a;
INSERT INTO w VALUES('v', 8, 3, 9.75) RETURNING a, id, b;
PRAGMA integrity_check;

-- Collations and DESC in the primary key.
CREATE TABLE wn(k TEXT COLLATE NOCASE PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO wn VALUES('abc', 1), ('Def', 2);
-- error: UNIQUE constraint failed: wn.k
INSERT INTO wn VALUES('ABC', 3);
SELECT * FROM wn WHERE k = 'DEF';
SELECT * FROM wn ORDER BY k;
CREATE TABLE wd(x INT, y TEXT, z, PRIMARY KEY(x DESC, y)) WITHOUT ROWID;
INSERT INTO wd VALUES(1, 'a', 1), (3, 'b', 2), (2, 'c', 3), (3, 'a', 4);
SELECT * FROM wd;
SELECT * FROM wd WHERE x = 3;
CREATE INDEX wdz ON wd(z DESC);
SELECT x, y FROM wd WHERE z > 1 ORDER BY z;
PRAGMA index_xinfo(wdz);
CREATE TABLE wi(id INTEGER PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO wi VALUES(5, 'five');
-- error: NOT NULL constraint failed: wi.id
INSERT INTO wi(v) VALUES('no id');
SELECT * FROM wi;
INSERT INTO wi VALUES('7', 'text seven');
SELECT id, typeof(id), v FROM wi ORDER BY id;
DELETE FROM wi;
SELECT count(*) FROM wi;
DROP TABLE wd;
PRAGMA integrity_check;

-- AUTOINCREMENT.
CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, v UNIQUE);
SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name LIKE 'sqlite_%' ORDER BY name;
SELECT * FROM sqlite_sequence;
INSERT INTO ai VALUES(-5, 'neg');
SELECT * FROM sqlite_sequence;
INSERT INTO ai(v) VALUES('a'), ('b');
INSERT INTO ai VALUES(9223372036854775807, 'max');
SELECT * FROM sqlite_sequence;
-- error: database or disk is full
INSERT INTO ai(v) VALUES('full');
DELETE FROM ai WHERE id > 100;
-- error: database or disk is full
INSERT INTO ai(v) VALUES('still full');
UPDATE sqlite_sequence SET seq = 20 WHERE name = 'ai';
INSERT INTO ai(v) VALUES('after reset');
SELECT * FROM ai ORDER BY id;
DELETE FROM sqlite_sequence;
INSERT INTO ai(v) VALUES('after delete');
SELECT * FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('ghost', 5);
SELECT * FROM sqlite_sequence ORDER BY name;
-- error: table sqlite_sequence may not be dropped
DROP TABLE sqlite_sequence;
-- error: object name reserved for internal use: sqlite_sequence
CREATE TABLE sqlite_sequence(a);
DROP TABLE ai;
SELECT * FROM sqlite_sequence ORDER BY name;
PRAGMA table_info(sqlite_sequence);

-- REINDEX.
CREATE TABLE r(a TEXT COLLATE NOCASE, b, c);
CREATE INDEX ra ON r(a);
CREATE INDEX rb ON r(b COLLATE NOCASE, c);
CREATE UNIQUE INDEX rc ON r(c);
INSERT INTO r VALUES('x', 'Y', 1), ('X', 'y', 2), ('z', 'Z', 3);
REINDEX;
REINDEX r;
REINDEX ra;
REINDEX main.rb;
REINDEX NOCASE;
REINDEX BINARY;
REINDEX w;
REINDEX wb;
REINDEX sqlite_autoindex_w_1;
-- error: unable to identify the object to be reindexed
REINDEX nosuch;
-- error: unable to identify the object to be reindexed
REINDEX main.nocase;
SELECT a FROM r WHERE a = 'X' ORDER BY c;
SELECT b FROM r WHERE b = 'y' COLLATE NOCASE ORDER BY c;
PRAGMA integrity_check;
