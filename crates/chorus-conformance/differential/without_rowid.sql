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
-- scan-order
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
-- scan-order
SELECT * FROM wd;
-- scan-order
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

-- More WITHOUT ROWID: UNIQUE numbering, joins, self-inserts, upserts, savepoints.
CREATE TABLE w2(v, k TEXT UNIQUE, id INT, r REAL, PRIMARY KEY(id)) WITHOUT ROWID;
PRAGMA index_list(w2);
PRAGMA index_xinfo(sqlite_autoindex_w2_1);
PRAGMA index_xinfo(sqlite_autoindex_w2_2);
PRAGMA table_xinfo(w2);
INSERT INTO w2 VALUES('a', 'k1', 1, 1), ('b', 'k2', 2, 2.5), ('c', NULL, 3, NULL), ('d', NULL, 4, 4);
SELECT id, r, typeof(r) FROM w2 ORDER BY id;
-- error: UNIQUE constraint failed: w2.k
INSERT INTO w2 VALUES('e', 'k1', 5, 5);
CREATE TABLE t1x(x, y);
INSERT INTO t1x VALUES(1, 'one'), (3, 'three'), (9, 'nine');
SELECT t1x.y, w2.v FROM t1x JOIN w2 ON w2.id = t1x.x ORDER BY t1x.x;
SELECT t1x.y, w2.v FROM t1x LEFT JOIN w2 ON w2.id = t1x.x ORDER BY t1x.x;
SELECT v FROM w2 WHERE id IN (1, 3, 7) ORDER BY id;
SELECT v FROM w2 WHERE k = 'k2';
SELECT v, (SELECT count(*) FROM w2 AS w2 WHERE w2.id < w2.id) FROM w2 ORDER BY id DESC;
INSERT INTO w2 SELECT v || v, NULL, id + 10, r FROM w2;
SELECT * FROM w2 ORDER BY id;
UPDATE w2 SET id = id + 100 WHERE id > 10;
SELECT id FROM w2 ORDER BY id;
UPDATE w2 SET k = 'z' || id WHERE k IS NULL;
SELECT k, id FROM w2 WHERE k > 'z' ORDER BY k;
UPDATE w2 SET k = k || 'x' WHERE k > 'k';
SELECT k FROM w2 ORDER BY k;
CREATE TABLE cw AS SELECT * FROM w2;
SELECT count(*) FROM cw;
SELECT * FROM w2 INDEXED BY sqlite_autoindex_w2_2 WHERE k = 'k1';
SELECT * FROM w2 NOT INDEXED WHERE id = 2;
DELETE FROM w2 WHERE k LIKE 'z%';
SELECT id, k FROM w2 ORDER BY id;
SELECT max(id), min(id), count(*) FROM w2;
INSERT INTO w2(id, v) VALUES(50, 'fifty') ON CONFLICT(id) DO UPDATE SET v = 'upd';
INSERT INTO w2(id, v) VALUES(50, 'fifty') ON CONFLICT(id) DO UPDATE SET v = 'upd';
SELECT id, v FROM w2 WHERE id = 50;
INSERT OR REPLACE INTO w2(id, v, k) VALUES(1, 'replaced', 'k2');
SELECT id, v, k FROM w2 ORDER BY id;
BEGIN;
DELETE FROM w2;
ROLLBACK;
SELECT count(*) FROM w2;
SAVEPOINT s;
UPDATE w2 SET v = 'sp';
ROLLBACK TO s;
RELEASE s;
SELECT v FROM w2 ORDER BY id;
CREATE TABLE m(a, b, c, PRIMARY KEY(c, a)) WITHOUT ROWID;
INSERT INTO m VALUES(1, 2, 3), (1, 2, 4), (2, 2, 3);
SELECT * FROM m WHERE c = 3 ORDER BY a;
SELECT * FROM m WHERE c = 3 AND a > 1;
SELECT * FROM m WHERE a = 1 ORDER BY c;
EXPLAIN QUERY PLAN SELECT * FROM m WHERE c = 3 AND a > 1;
CREATE INDEX mb ON m(b);
SELECT a, c FROM m WHERE b = 2 ORDER BY c, a;
UPDATE m SET b = b + 1 WHERE b = 2;
SELECT * FROM m ORDER BY c, a;
PRAGMA integrity_check;
DROP INDEX mb;
-- error: index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped
DROP INDEX sqlite_autoindex_m_1;
DROP TABLE m;
PRAGMA integrity_check;
SELECT name FROM sqlite_schema ORDER BY name;

-- ALTER TABLE on WITHOUT ROWID tables.
CREATE TABLE wa(a, id INT PRIMARY KEY, b) WITHOUT ROWID;
INSERT INTO wa VALUES(1, 10, 'x'), (2, 20, 'y');
ALTER TABLE wa ADD COLUMN c DEFAULT 7;
SELECT * FROM wa ORDER BY id;
INSERT INTO wa VALUES(3, 30, 'z', 8);
SELECT * FROM wa ORDER BY id;
-- error: Cannot add a NOT NULL column with default value NULL
ALTER TABLE wa ADD COLUMN d NOT NULL;
ALTER TABLE wa DROP COLUMN b;
SELECT * FROM wa ORDER BY id;
UPDATE wa SET c = c + 1 WHERE id = 10;
SELECT * FROM wa ORDER BY id;
ALTER TABLE wa RENAME COLUMN a TO aa;
ALTER TABLE wa RENAME TO wa9;
SELECT * FROM wa9 WHERE id = 20;
PRAGMA integrity_check;
-- error: cannot drop PRIMARY KEY column: "id"
ALTER TABLE wa9 DROP COLUMN id;

-- Foreign keys with WITHOUT ROWID parents and children.
PRAGMA foreign_keys = ON;
CREATE TABLE fp(a, b, c, PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE TABLE fch(x, y, z, FOREIGN KEY(x, y) REFERENCES fp(a, b) ON DELETE CASCADE);
CREATE TABLE fwch(k PRIMARY KEY, x REFERENCES fp2(id)) WITHOUT ROWID;
CREATE TABLE fp2(id PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO fp VALUES(1, 2, 'p12'), (3, 4, 'p34');
INSERT INTO fch VALUES(1, 2, 'c1'), (3, 4, 'c2');
-- error: FOREIGN KEY constraint failed
INSERT INTO fch VALUES(5, 6, 'bad');
INSERT INTO fp2 VALUES('k1', 1);
INSERT INTO fwch VALUES(1, 'k1');
-- error: FOREIGN KEY constraint failed
INSERT INTO fwch VALUES(2, 'nope');
DELETE FROM fp WHERE a = 1;
SELECT * FROM fch ORDER BY z;
-- error: FOREIGN KEY constraint failed
DELETE FROM fp2;
PRAGMA foreign_key_check;
CREATE TABLE fwc(k PRIMARY KEY, pa, pb, FOREIGN KEY(pa, pb) REFERENCES fp(a, b) ON DELETE CASCADE ON UPDATE CASCADE) WITHOUT ROWID;
INSERT INTO fwc VALUES('r1', 3, 4), ('r2', 3, 4), ('r3', NULL, NULL);
DELETE FROM fch;
UPDATE fp SET b = 40 WHERE a = 3;
SELECT * FROM fwc ORDER BY k;
DELETE FROM fp WHERE a = 3;
SELECT * FROM fwc ORDER BY k;
PRAGMA foreign_keys = OFF;
INSERT INTO fwc VALUES('orphan', 9, 9);
PRAGMA foreign_key_check;
PRAGMA foreign_key_check(fwc);
DELETE FROM fwc;
PRAGMA foreign_keys = ON;
DROP TABLE fp;
SELECT count(*) FROM fch;

-- Repeated INSERT columns: the first column wins, the last rowid wins.
CREATE TABLE mdup(x, y);
INSERT INTO mdup(x, x, y, "X") VALUES(1, 2, 3, 4);
SELECT rowid, * FROM mdup;
INSERT INTO mdup(rowid, x, rowid) VALUES(7, 8, 9);
-- scan-order
SELECT rowid, * FROM mdup;
INSERT INTO mdup(oid, x, _rowid_) VALUES(17, 8, 19);
-- scan-order
SELECT rowid, * FROM mdup;
