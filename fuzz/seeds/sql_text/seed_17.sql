-- UPDATE and DELETE: WHERE forms, expressions over the old row, conflict
-- resolution, constraint errors, RETURNING, changes(), ORDER BY/LIMIT-free
-- forms, and updates of the rowid and of indexed columns.

CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE, qty INTEGER NOT NULL DEFAULT 0, price REAL CHECK (price >= 0), tag);
CREATE INDEX t_qty ON t(qty);
INSERT INTO t VALUES(1, 'apple', 10, 1.5, 'fruit'), (2, 'banana', 20, 0.25, 'fruit'), (3, 'carrot', 30, 0.75, 'veg'),
  (4, 'daikon', 40, 2.0, 'veg'), (5, 'eggplant', 50, 3.0, NULL), (6, 'fig', 60, 4.5, 'fruit');
UPDATE t SET qty = qty + 1;
SELECT changes();
SELECT id, qty FROM t ORDER BY id;
UPDATE t SET qty = qty * 2, price = price / 2 WHERE tag = 'fruit';
SELECT changes();
SELECT id, name, qty, price FROM t ORDER BY id;
UPDATE t SET tag = 'none' WHERE tag IS NULL;
SELECT id, tag FROM t ORDER BY id;
UPDATE t SET name = upper(name) WHERE id IN (2, 4);
SELECT id, name FROM t ORDER BY id;
UPDATE t SET qty = (SELECT max(qty) FROM t) WHERE id = 1;
SELECT id, qty FROM t WHERE id = 1;
UPDATE t SET qty = 0 WHERE 0;
SELECT changes();
UPDATE t SET price = price WHERE id > 100;
SELECT changes();
-- Every assignment sees the old row.
UPDATE t SET qty = price, price = qty WHERE id = 3;
SELECT id, qty, typeof(qty), price, typeof(price) FROM t WHERE id = 3;
-- A column assigned twice: the last assignment wins.
UPDATE t SET tag = 'first', tag = 'second' WHERE id = 3;
SELECT tag FROM t WHERE id = 3;
UPDATE t SET (qty, tag) = (7, 'row-value') WHERE id = 4;
SELECT qty, tag FROM t WHERE id = 4;
UPDATE t SET (qty, tag) = (SELECT 8, 'sub-row') WHERE id = 4;
SELECT qty, tag FROM t WHERE id = 4;
-- error: 2 columns assigned 3 values
UPDATE t SET (qty, tag) = (1, 2, 3);
-- error: no such column: nope
UPDATE t SET nope = 1;
-- error: no such column: nope
UPDATE t SET qty = 1 WHERE nope = 2;
-- error: no such table: nosuch
UPDATE nosuch SET a = 1;

-- Constraint errors and conflict resolution in UPDATE.
-- error: NOT NULL constraint failed: t.qty
UPDATE t SET qty = NULL WHERE id = 1;
-- error: CHECK constraint failed: price >= 0
UPDATE t SET price = -1 WHERE id = 1;
-- error: UNIQUE constraint failed: t.name
UPDATE t SET name = 'apple' WHERE id = 3;
-- error: UNIQUE constraint failed: t.id
UPDATE t SET id = 1 WHERE id = 3;
UPDATE OR IGNORE t SET name = 'apple' WHERE id = 3;
SELECT changes();
UPDATE OR IGNORE t SET qty = qty + 1000 WHERE id >= 5 OR name = 'x';
SELECT id, qty FROM t ORDER BY id;
UPDATE OR REPLACE t SET name = 'apple' WHERE id = 3;
SELECT id, name FROM t ORDER BY id;
UPDATE OR REPLACE t SET id = 2 WHERE id = 4;
SELECT id, name FROM t ORDER BY id;
-- OR REPLACE puts the column default in place of NULL.
UPDATE OR REPLACE t SET qty = NULL WHERE id = 2;
SELECT id, qty FROM t WHERE id = 2;
-- error: UNIQUE constraint failed: t.name
UPDATE OR ABORT t SET name = 'fig' WHERE id = 2;
-- error: UNIQUE constraint failed: t.name
UPDATE OR FAIL t SET name = 'fig' WHERE id = 2;
-- error: UNIQUE constraint failed: t.name
UPDATE OR ROLLBACK t SET name = 'fig' WHERE id = 2;
SELECT id, name, qty FROM t ORDER BY id;
-- A multi-row UPDATE that hits a conflict undoes all of it (ABORT). Which rows a
-- multi-row UPDATE OR FAIL keeps depends on the order rows are visited, which
-- SQL leaves open, so FAIL is exercised on one row here (insert.sql covers
-- multi-row FAIL with VALUES, whose order is fixed).
CREATE TABLE seq(n INTEGER PRIMARY KEY, v UNIQUE);
INSERT INTO seq VALUES(1, 10), (2, 20), (3, 30), (4, 40);
-- error: UNIQUE constraint failed: seq.v
UPDATE seq SET v = 30 WHERE n >= 2;
SELECT n, v FROM seq ORDER BY n;
-- error: UNIQUE constraint failed: seq.v
UPDATE OR FAIL seq SET v = 20 WHERE n = 1;
SELECT n, v FROM seq ORDER BY n;
UPDATE seq SET v = v * 100;
SELECT n, v FROM seq ORDER BY n;
-- Updating the rowid.
UPDATE seq SET n = n + 10;
SELECT n, v FROM seq ORDER BY n;
UPDATE seq SET rowid = 100 WHERE n = 11;
SELECT rowid, n, v FROM seq ORDER BY n;
-- error: datatype mismatch
UPDATE seq SET n = 'abc' WHERE n = 12;
UPDATE seq SET n = '50' WHERE n = 12;
SELECT n, typeof(n) FROM seq ORDER BY n;

-- Indexed column updates keep the index in step.
CREATE TABLE ix(a, b, c);
CREATE INDEX ix_b ON ix(b);
CREATE INDEX ix_bc ON ix(b, c);
INSERT INTO ix VALUES(1, 'x', 1), (2, 'y', 2), (3, 'x', 3), (4, 'z', 4);
UPDATE ix SET b = 'w' WHERE b = 'x';
SELECT a FROM ix WHERE b = 'w' ORDER BY a;
SELECT a FROM ix WHERE b = 'x' ORDER BY a;
UPDATE ix SET c = -c WHERE b = 'w';
SELECT a, c FROM ix WHERE b = 'w' AND c < 0 ORDER BY a;
PRAGMA integrity_check;

-- RETURNING.
UPDATE ix SET c = c * 10 WHERE a <= 2 RETURNING a, c;
UPDATE ix SET b = b || '!' WHERE a = 4 RETURNING *;
DELETE FROM ix WHERE a = 4 RETURNING a, b, c, 'gone';
UPDATE ix SET c = 0 WHERE 0 RETURNING a;

-- UPDATE ... FROM.
CREATE TABLE prices(name TEXT PRIMARY KEY, p REAL);
INSERT INTO prices VALUES('fig', 9.5), ('apple', 0.5), ('nothing', 100);
UPDATE t SET price = prices.p FROM prices WHERE prices.name = t.name;
SELECT id, name, price FROM t ORDER BY id;
UPDATE t SET qty = s.total FROM (SELECT tag, sum(qty) AS total FROM t GROUP BY tag) AS s WHERE s.tag = t.tag;
SELECT id, tag, qty FROM t ORDER BY id;

-- DELETE.
CREATE TABLE d(a INTEGER PRIMARY KEY, b, c);
INSERT INTO d VALUES(1, 'a', 1), (2, 'b', 2), (3, 'c', 3), (4, 'd', 4), (5, 'e', 5), (6, 'f', 6), (7, NULL, 7), (8, '', 8);
DELETE FROM d WHERE a = 1;
SELECT changes();
DELETE FROM d WHERE b IS NULL;
DELETE FROM d WHERE b = '';
SELECT a FROM d ORDER BY a;
DELETE FROM d WHERE a IN (SELECT a FROM d WHERE c % 2 = 0);
SELECT a FROM d ORDER BY a;
DELETE FROM d WHERE a > 100;
SELECT changes();
DELETE FROM d WHERE EXISTS (SELECT 1 FROM d AS e WHERE e.a = d.a + 2);
SELECT a FROM d ORDER BY a;
DELETE FROM d;
SELECT count(*) FROM d;
SELECT changes();
INSERT INTO d VALUES(1, 'again', 1);
SELECT a, b FROM d;
-- error: no such column: zzz
DELETE FROM d WHERE zzz = 1;
-- error: no such table: nosuch
DELETE FROM nosuch;
DELETE FROM main.d WHERE a = 1;
SELECT count(*) FROM d;
-- DELETE with a trigger that records.
CREATE TABLE audit(what);
CREATE TRIGGER d_del AFTER DELETE ON d BEGIN INSERT INTO audit VALUES('deleted ' || old.a); END;
CREATE TRIGGER d_upd AFTER UPDATE OF b ON d BEGIN INSERT INTO audit VALUES('b ' || old.b || ' -> ' || new.b); END;
INSERT INTO d VALUES(1, 'p', 1), (2, 'q', 2), (3, 'r', 3);
UPDATE d SET b = 's' WHERE a = 2;
UPDATE d SET c = 99 WHERE a = 3;
DELETE FROM d WHERE a <> 2;
SELECT what FROM audit ORDER BY rowid;
SELECT changes();
-- Deleting from a table with many rows and reinserting.
CREATE TABLE big(n INTEGER PRIMARY KEY, s TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500) INSERT INTO big SELECT x, printf('row %d', x) FROM c;
SELECT count(*), min(n), max(n), sum(n) FROM big;
DELETE FROM big WHERE n % 3 = 0;
SELECT count(*), sum(n) FROM big;
UPDATE big SET s = s || ' updated' WHERE n % 5 = 0;
SELECT count(*) FROM big WHERE s LIKE '%updated';
DELETE FROM big WHERE n BETWEEN 100 AND 400;
SELECT count(*), min(n), max(n) FROM big;
INSERT INTO big(s) VALUES('next');
SELECT n, s FROM big WHERE s = 'next';
PRAGMA integrity_check;
