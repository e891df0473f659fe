-- Single-row INSERTs inside a transaction that fail: the statement is
-- undone and the transaction stays open. Inserts that can fail only before
-- their first write run without a statement savepoint (stmt/dml.rs
-- single_write); the others (expression or partial indexes evaluated after
-- the row is written, RETURNING, REPLACE, multi-row VALUES, AUTOINCREMENT)
-- must still undo the part already written.

CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER CHECK (b >= 0), c UNIQUE);
CREATE INDEX t_a ON t(a);
BEGIN;
INSERT INTO t VALUES(1, 'x', 1, 10);
INSERT INTO t VALUES(2, 'y', 2, 20);
-- error: UNIQUE constraint failed: t.id
INSERT INTO t VALUES(1, 'z', 3, 30);
-- error: NOT NULL constraint failed: t.a
INSERT INTO t VALUES(3, NULL, 3, 30);
-- error: CHECK constraint failed: b >= 0
INSERT INTO t VALUES(3, 'z', -1, 30);
-- error: UNIQUE constraint failed: t.c
INSERT INTO t VALUES(3, 'z', 3, 20);
-- error: UNIQUE constraint failed: t.c
INSERT INTO t(a, b, c) VALUES('z', 3, 10);
INSERT OR IGNORE INTO t VALUES(1, 'z', 3, 40);
INSERT INTO t VALUES(3, 'z', 3, 30) ON CONFLICT DO NOTHING;
INSERT INTO t VALUES(4, 'w', 4, 30) ON CONFLICT DO NOTHING;
-- error: UNIQUE constraint failed: t.c
INSERT OR FAIL INTO t VALUES(5, 'v', 5, 10);
-- error: UNIQUE constraint failed: t.id
INSERT INTO t VALUES(6, 'u', 6, 60), (7, 'u', 7, 70), (1, 'u', 8, 80);
SELECT id, a, b, c FROM t ORDER BY id;
COMMIT;
SELECT id, a, b, c FROM t ORDER BY id;
PRAGMA integrity_check;

-- Index keys computed after the row is written.
CREATE TABLE e(x INTEGER, y INTEGER);
CREATE INDEX e_abs ON e(abs(x));
CREATE INDEX e_part ON e(y) WHERE abs(y) > 1;
BEGIN;
INSERT INTO e VALUES(1, 1);
-- error: integer overflow
INSERT INTO e VALUES(-9223372036854775808, 1);
-- error: integer overflow
INSERT INTO e VALUES(2, -9223372036854775808);
INSERT INTO e VALUES(3, 3);
SELECT x, y FROM e ORDER BY x;
COMMIT;
SELECT x, y FROM e ORDER BY x;
SELECT count(*) FROM e WHERE abs(x) > 0;
PRAGMA integrity_check;

-- RETURNING evaluated after the write.
CREATE TABLE r(id INTEGER PRIMARY KEY, v INTEGER);
BEGIN;
INSERT INTO r VALUES(1, 5) RETURNING id, abs(v);
-- error: integer overflow
INSERT INTO r VALUES(2, -9223372036854775808) RETURNING abs(v);
SELECT id, v FROM r ORDER BY id;
COMMIT;
SELECT id, v FROM r ORDER BY id;

-- REPLACE deletes a row, then another constraint fails.
CREATE TABLE p(a UNIQUE ON CONFLICT REPLACE, b UNIQUE, c NOT NULL);
BEGIN;
INSERT INTO p VALUES(1, 1, 'one');
INSERT INTO p VALUES(2, 2, 'two');
-- error: UNIQUE constraint failed: p.b
INSERT INTO p VALUES(1, 2, 'three');
INSERT INTO p VALUES(1, 3, 'four');
SELECT a, b, c FROM p ORDER BY a;
COMMIT;
SELECT a, b, c FROM p ORDER BY a;

-- AUTOINCREMENT: a failed insert leaves sqlite_sequence alone.
CREATE TABLE s(id INTEGER PRIMARY KEY AUTOINCREMENT, v NOT NULL);
BEGIN;
INSERT INTO s(v) VALUES('a');
-- error: NOT NULL constraint failed: s.v
INSERT INTO s(v) VALUES(NULL);
-- error: UNIQUE constraint failed: s.id
INSERT INTO s(id, v) VALUES(1, 'b');
INSERT INTO s(v) VALUES('c');
SELECT name, seq FROM sqlite_sequence;
COMMIT;
SELECT id, v FROM s ORDER BY id;
SELECT name, seq FROM sqlite_sequence;

-- Named savepoints around single-row inserts.
CREATE TABLE q(id INTEGER PRIMARY KEY, v);
BEGIN;
INSERT INTO q VALUES(1, 'a');
SAVEPOINT s1;
INSERT INTO q VALUES(2, 'b');
-- error: UNIQUE constraint failed: q.id
INSERT INTO q VALUES(2, 'c');
INSERT INTO q VALUES(3, 'd');
ROLLBACK TO s1;
INSERT INTO q VALUES(4, 'e');
RELEASE s1;
COMMIT;
SELECT id, v FROM q ORDER BY id;

-- Triggers (TEMP ones included) that fail after the row is written.
CREATE TABLE tt(x INTEGER PRIMARY KEY, y);
CREATE TEMP TRIGGER tt_after AFTER INSERT ON tt WHEN new.y = 'bad' BEGIN SELECT RAISE(ABORT, 'bad row'); END;
CREATE TABLE tlog(v);
CREATE TRIGGER tt_log AFTER INSERT ON tt BEGIN INSERT INTO tlog VALUES(new.y); END;
BEGIN;
INSERT INTO tt VALUES(1, 'good');
-- error: bad row
INSERT INTO tt VALUES(2, 'bad');
INSERT INTO tt VALUES(3, 'fine');
SELECT x, y FROM tt ORDER BY x;
SELECT v FROM tlog ORDER BY v;
COMMIT;
SELECT x, y FROM tt ORDER BY x;
SELECT v FROM tlog ORDER BY v;

-- Foreign keys on: the insert keeps its statement savepoint.
PRAGMA foreign_keys = ON;
CREATE TABLE fp(id INTEGER PRIMARY KEY);
CREATE TABLE fc(id INTEGER PRIMARY KEY, p REFERENCES fp(id));
INSERT INTO fp VALUES(1);
BEGIN;
INSERT INTO fc VALUES(1, 1);
-- error: FOREIGN KEY constraint failed
INSERT INTO fc VALUES(2, 2);
SELECT id, p FROM fc ORDER BY id;
COMMIT;
SELECT id, p FROM fc ORDER BY id;
PRAGMA foreign_keys = OFF;
