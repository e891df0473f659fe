-- Generated columns: VIRTUAL and STORED, reads, writes, constraints, indexes, errors.
CREATE TABLE g(a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL, c TEXT AS (upper(d)) STORED, d TEXT);
PRAGMA table_info(g);
PRAGMA table_xinfo(g);
SELECT * FROM pragma_table_xinfo('g');
INSERT INTO g(a, d) VALUES(21, 'x');
INSERT INTO g VALUES(3, 'hello');
INSERT INTO g(d, a) VALUES(NULL, NULL);
SELECT a, b, c, d FROM g ORDER BY rowid;
SELECT * FROM g ORDER BY rowid;
SELECT b, typeof(b), c, typeof(c) FROM g ORDER BY rowid;
SELECT a FROM g WHERE b = 42;
SELECT d FROM g WHERE c = 'HELLO';
SELECT count(*), sum(b), max(c) FROM g;
SELECT b, count(*) FROM g GROUP BY b ORDER BY b;
SELECT g1.b, g2.c FROM g AS g1 JOIN g AS g2 ON g1.a = g2.a ORDER BY g1.b;
SELECT (SELECT max(b) FROM g), (SELECT b FROM g WHERE a = 3);
SELECT a FROM g WHERE b IN (SELECT b FROM g WHERE b > 10);
-- error: cannot INSERT into generated column "b"
INSERT INTO g(a, b) VALUES(1, 2);
-- error: cannot INSERT into generated column "c"
INSERT INTO g(c) VALUES('z');
-- error: table g has 2 columns but 4 values were supplied
INSERT INTO g VALUES(1, 2, 3, 4);
-- error: cannot UPDATE generated column "b"
UPDATE g SET b = 1;
-- error: cannot UPDATE generated column "c"
UPDATE g SET a = 1, c = 'q';
UPDATE g SET a = a + 1, d = d || '!' WHERE a IS NOT NULL;
SELECT * FROM g ORDER BY rowid;
DELETE FROM g WHERE b = 8;
SELECT * FROM g ORDER BY rowid;
UPDATE g SET d = 'back' RETURNING b, c;
INSERT INTO g(a, d) VALUES(100, 'r') RETURNING *;

-- Affinity of the declared type applies to the computed value.
CREATE TABLE aff(x, y INTEGER AS (x || '5'), z TEXT AS (x + 1) STORED, w REAL AS (x));
INSERT INTO aff VALUES('1');
INSERT INTO aff VALUES(2.5);
INSERT INTO aff VALUES('abc');
SELECT x, y, typeof(y), z, typeof(z), w, typeof(w) FROM aff ORDER BY rowid;

-- Chains of generated columns, declared in any order.
CREATE TABLE ch(x, a AS (b + 1) STORED, b AS (x * 10), c AS (a + b) VIRTUAL);
INSERT INTO ch(x) VALUES(1), (2), (NULL);
SELECT * FROM ch ORDER BY rowid;
UPDATE ch SET x = 5 WHERE x = 1;
SELECT x, a, b, c FROM ch ORDER BY rowid;

-- Constraints on generated columns.
CREATE TABLE ck(a, b AS (a * 2) CHECK (b < 10), c AS (a) NOT NULL, d AS (a + 1) UNIQUE);
INSERT INTO ck VALUES(1);
-- error: CHECK constraint failed: b < 10
INSERT INTO ck VALUES(7);
-- error: NOT NULL constraint failed: ck.c
INSERT INTO ck VALUES(NULL);
-- error: UNIQUE constraint failed: ck.d
INSERT INTO ck VALUES(1);
INSERT OR IGNORE INTO ck VALUES(1);
INSERT OR IGNORE INTO ck VALUES(8);
SELECT * FROM ck;
-- error: CHECK constraint failed: b < 10
UPDATE ck SET a = 6;
SELECT * FROM ck;

-- Indexes on generated columns.
CREATE TABLE ix(a INTEGER PRIMARY KEY, t TEXT, v AS (lower(t)), s AS (length(t)) STORED);
CREATE INDEX ix_v ON ix(v);
CREATE INDEX ix_s ON ix(s, v);
INSERT INTO ix(t) VALUES('Apple'), ('banana'), ('CHERRY'), ('date');
SELECT a, v FROM ix WHERE v = 'cherry';
SELECT a FROM ix WHERE s = 6 ORDER BY a;
SELECT v FROM ix ORDER BY v;
UPDATE ix SET t = 'Blueberry' WHERE a = 2;
SELECT a, v, s FROM ix WHERE v >= 'b' ORDER BY v;
DELETE FROM ix WHERE v = 'apple';
SELECT a, t, v, s FROM ix ORDER BY a;
PRAGMA integrity_check;
CREATE UNIQUE INDEX ix_u ON ix(v);
-- error: UNIQUE constraint failed: ix.v
INSERT INTO ix(t) VALUES('DATE');

-- The rowid alias and the rowid in generated expressions.
CREATE TABLE rid(id INTEGER PRIMARY KEY, dbl AS (id * 2), lbl AS ('#' || id) STORED);
INSERT INTO rid(id) VALUES(5);
INSERT INTO rid VALUES(NULL);
SELECT id, dbl, lbl FROM rid ORDER BY id;

-- Upsert and REPLACE with generated columns.
CREATE TABLE up(k TEXT PRIMARY KEY, n INTEGER, twice AS (n * 2) STORED, plus AS (n + 1));
INSERT INTO up(k, n) VALUES('a', 1);
INSERT INTO up(k, n) VALUES('a', 5) ON CONFLICT(k) DO UPDATE SET n = excluded.n + up.plus;
SELECT * FROM up;
INSERT OR REPLACE INTO up(k, n) VALUES('a', 9);
SELECT * FROM up;
-- error: cannot UPDATE generated column "twice"
INSERT INTO up(k, n) VALUES('a', 5) ON CONFLICT(k) DO UPDATE SET twice = 1;

-- Triggers see generated values.
CREATE TABLE tg(a, b AS (a * 3));
CREATE TABLE tlog(x);
CREATE TRIGGER tg_ai AFTER INSERT ON tg BEGIN INSERT INTO tlog VALUES(new.b); END;
CREATE TRIGGER tg_ad AFTER DELETE ON tg BEGIN INSERT INTO tlog VALUES(-old.b); END;
INSERT INTO tg VALUES(2);
DELETE FROM tg;
SELECT x FROM tlog ORDER BY rowid;

-- Views over generated columns.
CREATE VIEW gv AS SELECT a, b, c FROM g;
SELECT * FROM gv ORDER BY a;
PRAGMA table_info(gv);

-- ALTER TABLE ADD COLUMN: VIRTUAL yes, STORED only on an empty table.
CREATE TABLE al(a);
INSERT INTO al VALUES(4);
ALTER TABLE al ADD COLUMN b AS (a * a);
SELECT a, b FROM al;
-- error: cannot add a STORED column
ALTER TABLE al ADD COLUMN c AS (a + 1) STORED;
INSERT INTO al VALUES(5);
SELECT * FROM al ORDER BY a;
PRAGMA table_xinfo(al);
CREATE TABLE al2(a);
ALTER TABLE al2 ADD COLUMN s AS (a || 's');
INSERT INTO al2 VALUES('x');
SELECT * FROM al2;
ALTER TABLE al2 ADD COLUMN t AS (t + 1);
SELECT a, s FROM al2;
-- error: generated column loop on "t"
SELECT t FROM al2;
-- error: generated column loop on "t"
INSERT INTO al2 VALUES('y');

-- Definition errors.
-- error: cannot use DEFAULT on a generated column
CREATE TABLE e1(a, b AS (a) DEFAULT 3);
-- error: generated columns cannot be part of the PRIMARY KEY
CREATE TABLE e2(a, b AS (a) PRIMARY KEY);
-- error: generated columns cannot be part of the PRIMARY KEY
CREATE TABLE e3(a, b AS (a + 1), PRIMARY KEY(b));
-- error: subqueries prohibited in generated columns
CREATE TABLE e4(a, b AS ((SELECT 1)));
-- error: non-deterministic functions prohibited in generated columns
CREATE TABLE e5(a, b AS (random()));
-- error: error in generated column "b"
CREATE TABLE e6(a, b AS (a) FOO);
-- error: no such column: zz
CREATE TABLE e7(a, b AS (zz));
-- error: must have at least one non-generated column
CREATE TABLE e8(a AS (1), b AS (2));
-- error: parameters prohibited in generated columns
CREATE TABLE e9(a, b AS (?));
-- error: no such column: rowid
CREATE TABLE e10(a, b AS (rowid));

-- Loops are refused at CREATE TABLE (SQLite 3.46 checks there).
-- error: generated column loop on "d"
CREATE TABLE lp(a, b AS (c), c AS (b), d AS (d));
-- error: generated column loop on "b"
CREATE TABLE lp(a, b AS (b));
CREATE TABLE lp(a, b AS (c + 1), c AS (a * 2));
INSERT INTO lp VALUES(3);
SELECT * FROM lp;
SELECT type, name, sql FROM sqlite_schema WHERE name IN ('g', 'lp') ORDER BY name;

-- ALTER TABLE DROP / RENAME COLUMN around generated columns.
CREATE TABLE dc(a, b AS (a * 2), c, d AS (c || '!') STORED, e);
INSERT INTO dc(a, c, e) VALUES(1, 'x', 'E1'), (2, 'y', 'E2');
ALTER TABLE dc DROP COLUMN e;
SELECT * FROM dc ORDER BY a;
ALTER TABLE dc DROP COLUMN b;
SELECT * FROM dc ORDER BY a;
ALTER TABLE dc RENAME COLUMN c TO cc;
INSERT INTO dc(a, cc) VALUES(3, 'z');
SELECT * FROM dc ORDER BY a;
SELECT sql FROM sqlite_schema WHERE name = 'dc';
PRAGMA integrity_check;
-- error: error in table dc after drop column: no such column: cc
ALTER TABLE dc DROP COLUMN cc;

-- REAL generated values are stored like other REAL values.
CREATE TABLE rv(a INTEGER, r REAL AS (a / 2.0) STORED, v REAL AS (a * 1.0));
INSERT INTO rv(a) VALUES(4), (5);
SELECT a, r, typeof(r), typeof(v), v + 0.5 FROM rv ORDER BY a;
SELECT a FROM rv WHERE r = 2;
-- error: generated column loop on "t"
VACUUM;
DROP TABLE al2;
VACUUM;
SELECT a, r, v + 0.5 FROM rv ORDER BY a;
SELECT * FROM g ORDER BY rowid;
PRAGMA integrity_check;
