-- ALTER TABLE, more cases: quoted names, ADD COLUMN defaults of every kind
-- read from short records (also through an index), RENAME COLUMN / RENAME
-- TO rewriting indexes, views and REFERENCES clauses, DROP COLUMN refusals
-- and row rewriting, ALTER inside a rolled-back transaction.
CREATE TABLE t1(a INTEGER PRIMARY KEY, "b c" TEXT DEFAULT 'x', [d] REAL, CONSTRAINT ck CHECK (a > 0), UNIQUE(d));
INSERT INTO t1 VALUES(1, 'one', 1.5), (2, 'two', 2.5);
ALTER TABLE t1 ADD COLUMN e;
ALTER TABLE t1 ADD COLUMN "f g" INTEGER DEFAULT 42 NOT NULL;
ALTER TABLE t1 ADD COLUMN h TEXT DEFAULT 'it''s' COLLATE NOCASE;
ALTER TABLE t1 ADD COLUMN i BLOB DEFAULT x'0102';
ALTER TABLE t1 ADD COLUMN j DEFAULT NULL;
ALTER TABLE t1 ADD COLUMN k REAL DEFAULT 3;
ALTER TABLE t1 ADD COLUMN l INTEGER DEFAULT '17';
ALTER TABLE t1 ADD COLUMN m DEFAULT (-(5));
ALTER TABLE t1 ADD COLUMN n DEFAULT +2.5;
SELECT * FROM t1 ORDER BY a;
SELECT typeof(k), typeof(l), typeof(i) FROM t1 WHERE a = 1;
SELECT sql FROM sqlite_schema WHERE name = 't1';
SELECT a FROM t1 WHERE "f g" = 42 AND h = 'IT''S' ORDER BY a;
CREATE INDEX t1k ON t1(k, "f g");
SELECT a FROM t1 WHERE k = 3 ORDER BY a;
INSERT INTO t1(a) VALUES(3);
SELECT * FROM t1 ORDER BY a;
UPDATE t1 SET k = 4 WHERE a = 1;
SELECT a, k FROM t1 ORDER BY a;
PRAGMA integrity_check;
ALTER TABLE t1 RENAME COLUMN "b c" TO bc;
ALTER TABLE t1 RENAME COLUMN d TO "d d";
ALTER TABLE t1 RENAME COLUMN k TO kk;
SELECT sql FROM sqlite_schema ORDER BY name;
ALTER TABLE t1 DROP COLUMN e;
ALTER TABLE t1 DROP COLUMN n;
-- error: error in index t1k after drop column: no such column: kk
ALTER TABLE t1 DROP COLUMN kk;
SELECT sql FROM sqlite_schema ORDER BY name;
SELECT * FROM t1 ORDER BY a;
PRAGMA integrity_check;
ALTER TABLE t1 RENAME TO "new t1";
SELECT name, tbl_name, sql FROM sqlite_schema ORDER BY name;
SELECT * FROM "new t1" ORDER BY a;
CREATE TABLE parent(id INTEGER PRIMARY KEY);
CREATE TABLE child(pid REFERENCES parent(id), FOREIGN KEY(pid) REFERENCES parent);
ALTER TABLE parent RENAME TO mom;
SELECT sql FROM sqlite_schema WHERE name = 'child';
ALTER TABLE mom RENAME COLUMN id TO ident;
SELECT sql FROM sqlite_schema WHERE name IN ('child', 'mom') ORDER BY name;
ALTER TABLE child ADD COLUMN q;
-- error: error in table child after drop column: unknown column "pid" in foreign key definition
ALTER TABLE child DROP COLUMN pid;
CREATE TABLE w(a, b, c);
CREATE VIEW wv AS SELECT a, b FROM w WHERE c > 0;
-- error: error in view wv after drop column: no such column: c
ALTER TABLE w DROP COLUMN c;
-- error: error in view wv after drop column: no such column: b
ALTER TABLE w DROP COLUMN b;
ALTER TABLE w RENAME COLUMN a TO aa;
SELECT sql FROM sqlite_schema WHERE name = 'wv';
ALTER TABLE w RENAME TO ww;
SELECT sql FROM sqlite_schema WHERE name = 'wv';
SELECT * FROM wv;
BEGIN;
ALTER TABLE ww ADD COLUMN z DEFAULT 9;
INSERT INTO ww(aa, b, c) VALUES(1, 2, 3);
SELECT * FROM ww;
ROLLBACK;
SELECT * FROM ww;
PRAGMA table_info(ww);

-- Triggers follow RENAME COLUMN and RENAME TO.
CREATE TABLE trg_t(a, b);
CREATE TABLE trg_log(x);
CREATE TRIGGER tr AFTER INSERT ON trg_t BEGIN INSERT INTO trg_log VALUES(new.a); UPDATE trg_t SET b = 1 WHERE a = new.a; END;
CREATE TRIGGER tr2 BEFORE DELETE ON trg_log BEGIN DELETE FROM trg_t WHERE a = old.x; END;
ALTER TABLE trg_t RENAME COLUMN a TO aa;
SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name;
ALTER TABLE trg_t RENAME TO trg_tt;
SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name;
INSERT INTO trg_tt VALUES(5, 0);
SELECT * FROM trg_tt;
SELECT * FROM trg_log;
DELETE FROM trg_log;
SELECT * FROM trg_tt;
ALTER TABLE trg_log RENAME COLUMN x TO y;
SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name;
