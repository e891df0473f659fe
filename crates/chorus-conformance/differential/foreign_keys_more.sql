-- Foreign keys, more cases: collations and affinities of parent keys,
-- composite keys in index order, keys naming the parent PRIMARY KEY
-- implicitly, self references with SET NULL, deferred keys across
-- savepoints, missing parent tables, DROP TABLE of a parent.
PRAGMA foreign_keys = ON;
CREATE TABLE p(a TEXT COLLATE NOCASE PRIMARY KEY, b);
CREATE TABLE c(x REFERENCES p, y);
INSERT INTO p VALUES('Abc', 1);
INSERT INTO c VALUES('abc', 1);
INSERT INTO c VALUES('ABC', 2);
-- error: FOREIGN KEY constraint failed
INSERT INTO c VALUES('zzz', 3);
-- error: FOREIGN KEY constraint failed
DELETE FROM p;
UPDATE p SET a = 'ABC';
-- scan-order
SELECT * FROM c;
CREATE TABLE pi(id INTEGER PRIMARY KEY);
CREATE TABLE ci(r REFERENCES pi(id));
INSERT INTO pi VALUES(1);
INSERT INTO ci VALUES('1');
INSERT INTO ci VALUES(1.0);
INSERT INTO ci VALUES('1.0');
-- error: FOREIGN KEY constraint failed
INSERT INTO ci VALUES('x');
-- scan-order
SELECT r, typeof(r) FROM ci;
CREATE TABLE pt(t TEXT UNIQUE);
CREATE TABLE ct(r INTEGER REFERENCES pt(t));
INSERT INTO pt VALUES('5');
INSERT INTO ct VALUES(5);
INSERT INTO ct VALUES('5');
-- error: FOREIGN KEY constraint failed
DELETE FROM pt;
CREATE TABLE g(id INTEGER PRIMARY KEY, up REFERENCES g ON DELETE SET NULL);
INSERT INTO g VALUES(1, NULL), (2, 1), (3, 2);
DELETE FROM g WHERE id = 1;
-- scan-order
SELECT * FROM g;
-- error: FOREIGN KEY constraint failed
UPDATE g SET id = 20 WHERE id = 2;
-- scan-order
SELECT * FROM g;
CREATE TABLE cp(a, b, PRIMARY KEY(b, a));
CREATE TABLE cc(x, y, FOREIGN KEY(x, y) REFERENCES cp(a, b) ON UPDATE CASCADE);
INSERT INTO cp VALUES(1, 2);
INSERT INTO cc VALUES(1, 2);
-- error: FOREIGN KEY constraint failed
INSERT INTO cc VALUES(2, 1);
UPDATE cp SET a = 5;
SELECT * FROM cc;
CREATE TABLE cc2(x, y, FOREIGN KEY(x, y) REFERENCES cp);
INSERT INTO cc2 VALUES(2, 5);
-- error: FOREIGN KEY constraint failed
INSERT INTO cc2 VALUES(5, 2);
PRAGMA foreign_key_list(cc2);
SAVEPOINT s1;
CREATE TABLE dp(id INTEGER PRIMARY KEY);
CREATE TABLE dc(p REFERENCES dp DEFERRABLE INITIALLY DEFERRED);
INSERT INTO dc VALUES(1);
-- error: FOREIGN KEY constraint failed
RELEASE s1;
DELETE FROM dc;
RELEASE s1;
SELECT * FROM dc;
BEGIN;
INSERT INTO dc VALUES(2);
SAVEPOINT a;
INSERT INTO dc VALUES(3);
ROLLBACK TO a;
INSERT INTO dp VALUES(2);
COMMIT;
SELECT * FROM dc;
PRAGMA foreign_key_check;
-- error: no such table: nosuch
PRAGMA foreign_key_check(nosuch);
CREATE TABLE m(a REFERENCES nowhere(x));
-- error: no such table: main.nowhere
INSERT INTO m VALUES(NULL);
-- error: no such table: main.nowhere
DELETE FROM m;
PRAGMA foreign_key_check(m);
-- error: FOREIGN KEY constraint failed
DROP TABLE p;
SELECT count(*) FROM c;

-- WITHOUT ROWID parents and children; ADD COLUMN on a WITHOUT ROWID table
-- (its short records read the default).
CREATE TABLE wp(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE wc(id INTEGER PRIMARY KEY, pk REFERENCES wp ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE wc2(a PRIMARY KEY, pk REFERENCES wp(k) ON DELETE SET NULL) WITHOUT ROWID;
INSERT INTO wp VALUES('a', 1), ('b', 2);
INSERT INTO wc VALUES(1, 'a'), (2, 'b');
INSERT INTO wc2 VALUES(1, 'a'), (2, 'b');
-- error: FOREIGN KEY constraint failed
INSERT INTO wc VALUES(3, 'zz');
-- error: FOREIGN KEY constraint failed
INSERT INTO wc2 VALUES(3, 'zz');
-- error: FOREIGN KEY constraint failed
UPDATE wp SET k = 'aa' WHERE k = 'a';
SELECT * FROM wc ORDER BY id;
DELETE FROM wp WHERE k = 'b';
SELECT * FROM wc ORDER BY id;
SELECT * FROM wc2 ORDER BY a;
PRAGMA foreign_key_check;
ALTER TABLE wp ADD COLUMN z DEFAULT 'zed';
SELECT * FROM wp;
ALTER TABLE wp RENAME TO wpp;
SELECT sql FROM sqlite_schema WHERE name IN ('wc', 'wc2', 'wpp') ORDER BY name;
SELECT * FROM wpp;
ALTER TABLE wpp RENAME COLUMN v TO vv;
SELECT vv, z FROM wpp;

-- Rows changed by CASCADE / SET NULL fire the child tables' triggers;
-- keys referencing a table are processed most recent first.
CREATE TABLE tp(id INTEGER PRIMARY KEY);
CREATE TABLE tc(id INTEGER PRIMARY KEY, pid REFERENCES tp ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE tc2(pid REFERENCES tp ON DELETE SET NULL);
CREATE TABLE taudit(msg);
CREATE TRIGGER c_del AFTER DELETE ON tc BEGIN INSERT INTO taudit VALUES('del c ' || old.id); END;
CREATE TRIGGER c_bdel BEFORE DELETE ON tc BEGIN INSERT INTO taudit VALUES('bdel c ' || old.id); END;
CREATE TRIGGER c_upd AFTER UPDATE OF pid ON tc BEGIN INSERT INTO taudit VALUES('upd c ' || old.pid || '->' || new.pid); END;
CREATE TRIGGER c2_upd BEFORE UPDATE ON tc2 BEGIN INSERT INTO taudit VALUES('upd c2 ' || old.pid || '->' || ifnull(new.pid, 'null')); END;
INSERT INTO tp VALUES(1), (2);
INSERT INTO tc VALUES(10, 1), (11, 2);
INSERT INTO tc2 VALUES(1), (2);
-- error: FOREIGN KEY constraint failed
UPDATE tp SET id = 5 WHERE id = 1;
DELETE FROM tc2 WHERE pid = 1;
UPDATE tp SET id = 5 WHERE id = 1;
DELETE FROM tp WHERE id = 2;
SELECT * FROM tc ORDER BY id;
SELECT * FROM tc2 ORDER BY rowid;
SELECT msg FROM taudit ORDER BY rowid;
