-- Rowids: allocation (max + 1), explicit and negative rowids, the three
-- aliases, INTEGER PRIMARY KEY, AUTOINCREMENT and sqlite_sequence,
-- last_insert_rowid() through triggers and failures, rowid updates, and
-- rowid-range queries.

CREATE TABLE t(x);
INSERT INTO t VALUES('a');
INSERT INTO t VALUES('b');
SELECT rowid, x FROM t ORDER BY rowid;
INSERT INTO t(rowid, x) VALUES(100, 'c');
INSERT INTO t VALUES('d');
SELECT rowid, x FROM t ORDER BY rowid;
DELETE FROM t WHERE rowid = 101;
INSERT INTO t VALUES('e');
SELECT rowid, x FROM t ORDER BY rowid;
DELETE FROM t WHERE rowid >= 100;
INSERT INTO t VALUES('f');
SELECT rowid, x FROM t ORDER BY rowid;
INSERT INTO t(oid, x) VALUES(-5, 'negative');
INSERT INTO t(_rowid_, x) VALUES(0, 'zero');
SELECT rowid, oid, _rowid_, x FROM t ORDER BY rowid;
DELETE FROM t;
INSERT INTO t VALUES('after delete all');
SELECT rowid, x FROM t;
INSERT INTO t(rowid, x) VALUES('7', 'text rowid');
INSERT INTO t(rowid, x) VALUES(8.0, 'real rowid');
-- error: datatype mismatch
INSERT INTO t(rowid, x) VALUES(8.5, 'fractional rowid');
-- error: datatype mismatch
INSERT INTO t(rowid, x) VALUES('eight', 'word rowid');
-- error: UNIQUE constraint failed: t.rowid
INSERT INTO t(rowid, x) VALUES(7, 'duplicate');
INSERT INTO t(rowid, x) VALUES(NULL, 'null rowid takes the next');
SELECT rowid, typeof(rowid), x FROM t ORDER BY rowid;
INSERT OR REPLACE INTO t(rowid, x) VALUES(7, 'replaced');
SELECT rowid, x FROM t ORDER BY rowid;
UPDATE t SET rowid = rowid + 100;
SELECT rowid, x FROM t ORDER BY rowid;
UPDATE t SET rowid = 1 WHERE rowid = (SELECT max(rowid) FROM t);
SELECT rowid, x FROM t ORDER BY rowid;
-- error: UNIQUE constraint failed: t.rowid
UPDATE t SET rowid = 1;
SELECT rowid FROM t WHERE rowid BETWEEN 100 AND 108 ORDER BY rowid;
SELECT rowid FROM t WHERE rowid > 107 ORDER BY rowid DESC;
SELECT rowid FROM t WHERE rowid IN (1, 108, 999) ORDER BY rowid;
SELECT rowid FROM t WHERE rowid = '108';
SELECT rowid FROM t WHERE rowid = 108.0;
SELECT rowid FROM t WHERE rowid = 108.5;
SELECT rowid FROM t WHERE rowid < 'a' ORDER BY rowid;
SELECT rowid FROM t WHERE rowid > NULL;
SELECT count(*) FROM t WHERE rowid > 9223372036854775807;
SELECT count(*) FROM t WHERE rowid < -9223372036854775808;
SELECT count(*) FROM t WHERE rowid >= -9.3e18 AND rowid <= 9.3e18;
SELECT max(rowid), min(rowid) FROM t;

-- A column named rowid hides the alias.
CREATE TABLE named(rowid TEXT, oid INTEGER, v);
INSERT INTO named VALUES('r', 5, 'v');
SELECT rowid, oid, _rowid_, v FROM named;

-- INTEGER PRIMARY KEY.
CREATE TABLE ipk(id INTEGER PRIMARY KEY, v);
INSERT INTO ipk(v) VALUES('a'), ('b');
INSERT INTO ipk VALUES(-10, 'neg');
INSERT INTO ipk(v) VALUES('c');
SELECT id, rowid, v FROM ipk ORDER BY id;
INSERT INTO ipk VALUES(9223372036854775807, 'max');
SELECT last_insert_rowid();
DELETE FROM ipk WHERE id = 9223372036854775807;
INSERT INTO ipk(v) VALUES('after max deleted');
SELECT id, v FROM ipk ORDER BY id;
UPDATE ipk SET id = 50 WHERE v = 'a';
SELECT id, v FROM ipk ORDER BY id;
INSERT INTO ipk(v) VALUES('next');
SELECT id, v FROM ipk ORDER BY id;

-- AUTOINCREMENT never reuses.
CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, v);
SELECT name, seq FROM sqlite_sequence;
INSERT INTO ai(v) VALUES('a'), ('b'), ('c');
SELECT name, seq FROM sqlite_sequence;
DELETE FROM ai WHERE id = 3;
INSERT INTO ai(v) VALUES('d');
SELECT id, v FROM ai ORDER BY id;
INSERT INTO ai VALUES(10, 'explicit');
SELECT name, seq FROM sqlite_sequence;
INSERT INTO ai VALUES(5, 'below the sequence');
SELECT name, seq FROM sqlite_sequence;
INSERT INTO ai(v) VALUES('e');
SELECT id, v FROM ai ORDER BY id;
DELETE FROM ai;
INSERT INTO ai(v) VALUES('after delete all');
SELECT id, v FROM ai;
UPDATE sqlite_sequence SET seq = 1000 WHERE name = 'ai';
INSERT INTO ai(v) VALUES('after sequence update');
SELECT id, v FROM ai ORDER BY id;
BEGIN;
INSERT INTO ai(v) VALUES('rolled back');
ROLLBACK;
INSERT INTO ai(v) VALUES('after rollback');
SELECT id, v FROM ai ORDER BY id;
CREATE TABLE ai2(id INTEGER PRIMARY KEY AUTOINCREMENT);
INSERT INTO ai2 DEFAULT VALUES;
SELECT name, seq FROM sqlite_sequence ORDER BY name;
DROP TABLE ai2;
SELECT name, seq FROM sqlite_sequence ORDER BY name;
PRAGMA table_info(sqlite_sequence);

-- last_insert_rowid() and changes() around triggers and failures.
CREATE TABLE src(id INTEGER PRIMARY KEY, v);
CREATE TABLE side(id INTEGER PRIMARY KEY, note);
INSERT INTO side VALUES(500, 'seed');
CREATE TRIGGER src_ai AFTER INSERT ON src BEGIN INSERT INTO side(note) VALUES('saw ' || new.id); END;
INSERT INTO src VALUES(7, 'x');
SELECT last_insert_rowid(), changes();
SELECT id, note FROM side ORDER BY id;
INSERT INTO src(v) VALUES('y'), ('z');
SELECT last_insert_rowid(), changes();
-- error: UNIQUE constraint failed: src.id
INSERT INTO src VALUES(7, 'dup');
SELECT last_insert_rowid();
INSERT OR IGNORE INTO src VALUES(7, 'ignored');
SELECT last_insert_rowid(), changes();
UPDATE src SET v = upper(v);
SELECT last_insert_rowid(), changes();
DELETE FROM src WHERE id > 7;
SELECT last_insert_rowid(), changes();

-- Large tables allocate rowids in order.
CREATE TABLE many(v);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) INSERT INTO many SELECT x * 2 FROM c;
SELECT count(*), min(rowid), max(rowid), sum(rowid) FROM many;
SELECT rowid, v FROM many WHERE rowid IN (1, 1000, 2999, 3000, 3001) ORDER BY rowid;
DELETE FROM many WHERE rowid % 2 = 1;
SELECT count(*), min(rowid), max(rowid) FROM many;
INSERT INTO many VALUES('tail');
SELECT rowid, v FROM many ORDER BY rowid DESC LIMIT 2;
SELECT rowid FROM many WHERE rowid BETWEEN 1500 AND 1510 ORDER BY rowid;
PRAGMA integrity_check;

-- WITHOUT ROWID tables have none.
CREATE TABLE wr(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO wr VALUES(1, 'a');
-- error: no such column: rowid
SELECT rowid FROM wr;
-- error: table wr has no column named rowid
INSERT INTO wr(rowid, k, v) VALUES(1, 2, 'b');
SELECT k, v FROM wr;
