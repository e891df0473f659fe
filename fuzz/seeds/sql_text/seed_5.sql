-- Foreign keys with enforcement on: immediate and deferred checks, ON
-- DELETE / ON UPDATE actions (CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO
-- ACTION), composite keys, self references, foreign_key_check, and the
-- pragma switched off inside and outside transactions.

PRAGMA foreign_keys = ON;
PRAGMA foreign_keys;
CREATE TABLE artist(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
CREATE TABLE track(
  id INTEGER PRIMARY KEY,
  artist_id INTEGER REFERENCES artist(id) ON DELETE CASCADE ON UPDATE CASCADE,
  artist_name TEXT REFERENCES artist(name) ON DELETE SET NULL ON UPDATE SET NULL,
  title TEXT
);
INSERT INTO artist VALUES(1, 'Ann'), (2, 'Bob'), (3, 'Cy');
INSERT INTO track VALUES(10, 1, 'Ann', 'first'), (11, 1, NULL, 'second'), (12, 2, 'Bob', 'third'), (13, NULL, NULL, 'orphan ok');
-- error: FOREIGN KEY constraint failed
INSERT INTO track VALUES(14, 99, NULL, 'bad parent');
-- error: FOREIGN KEY constraint failed
INSERT INTO track VALUES(14, NULL, 'Nobody', 'bad name');
-- error: FOREIGN KEY constraint failed
UPDATE track SET artist_id = 42 WHERE id = 10;
UPDATE artist SET id = 100 WHERE id = 1;
SELECT id, artist_id, artist_name FROM track ORDER BY id;
UPDATE artist SET name = 'Robert' WHERE name = 'Bob';
SELECT id, artist_id, artist_name FROM track ORDER BY id;
DELETE FROM artist WHERE id = 100;
SELECT id, artist_id, artist_name FROM track ORDER BY id;
SELECT changes();
PRAGMA foreign_key_check;

CREATE TABLE parent(a INTEGER, b TEXT, PRIMARY KEY(a, b));
CREATE TABLE child(x INTEGER, y TEXT, z, FOREIGN KEY(x, y) REFERENCES parent(a, b) ON DELETE RESTRICT);
INSERT INTO parent VALUES(1, 'one'), (2, 'two');
INSERT INTO child VALUES(1, 'one', 'ok'), (NULL, 'one', 'null part'), (2, NULL, 'null part 2');
-- error: FOREIGN KEY constraint failed
INSERT INTO child VALUES(1, 'two', 'mismatch');
-- error: FOREIGN KEY constraint failed
DELETE FROM parent WHERE a = 1;
DELETE FROM parent WHERE a = 2;
SELECT a, b FROM parent ORDER BY a;
-- error: FOREIGN KEY constraint failed
UPDATE parent SET b = 'uno' WHERE a = 1;

CREATE TABLE p2(id INTEGER PRIMARY KEY);
CREATE TABLE c2(pid INTEGER DEFAULT 0 REFERENCES p2(id) ON DELETE SET DEFAULT, note);
INSERT INTO p2 VALUES(0), (1), (2);
INSERT INTO c2 VALUES(1, 'a'), (2, 'b');
DELETE FROM p2 WHERE id = 1;
SELECT pid, note FROM c2 ORDER BY note;
-- The default (0) is referenced now.
-- error: FOREIGN KEY constraint failed
DELETE FROM p2 WHERE id = 0;
SELECT id FROM p2 ORDER BY id;
DELETE FROM p2 WHERE id = 2;
SELECT pid, note FROM c2 ORDER BY note;

-- NO ACTION vs RESTRICT inside a statement that fixes things up.
CREATE TABLE p3(id INTEGER PRIMARY KEY);
CREATE TABLE c3(pid REFERENCES p3(id) ON UPDATE NO ACTION);
INSERT INTO p3 VALUES(1), (2);
INSERT INTO c3 VALUES(1);
-- error: FOREIGN KEY constraint failed
UPDATE p3 SET id = id + 10;
SELECT id FROM p3 ORDER BY id;

-- Deferred constraints are checked at COMMIT.
CREATE TABLE dp(id INTEGER PRIMARY KEY);
CREATE TABLE dc(pid REFERENCES dp(id) DEFERRABLE INITIALLY DEFERRED);
BEGIN;
INSERT INTO dc VALUES(5);
INSERT INTO dp VALUES(5);
COMMIT;
SELECT pid FROM dc;
BEGIN;
INSERT INTO dc VALUES(6);
-- error: FOREIGN KEY constraint failed
COMMIT;
INSERT INTO dp VALUES(6);
COMMIT;
SELECT pid FROM dc ORDER BY pid;
-- error: FOREIGN KEY constraint failed
INSERT INTO dc VALUES(7);
BEGIN;
PRAGMA defer_foreign_keys = ON;
DELETE FROM dp WHERE id = 5;
INSERT INTO dp VALUES(5);
COMMIT;
PRAGMA defer_foreign_keys;

-- Self reference.
CREATE TABLE node(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES node(id) ON DELETE CASCADE, label);
INSERT INTO node VALUES(1, NULL, 'root'), (2, 1, 'kid'), (3, 2, 'grandkid'), (4, 1, 'kid2');
DELETE FROM node WHERE id = 2;
SELECT id, parent, label FROM node ORDER BY id;
-- error: FOREIGN KEY constraint failed
INSERT INTO node VALUES(5, 99, 'dangling');
INSERT INTO node VALUES(5, 5, 'own parent');
SELECT id, parent FROM node ORDER BY id;

-- Dropping a referenced table.
CREATE TABLE dropme(id INTEGER PRIMARY KEY);
CREATE TABLE refs(d REFERENCES dropme(id));
INSERT INTO dropme VALUES(1);
INSERT INTO refs VALUES(1);
-- error: FOREIGN KEY constraint failed
DROP TABLE dropme;
DELETE FROM refs;
DROP TABLE dropme;
-- error: no such table: main.dropme
INSERT INTO refs VALUES(1);
-- error: no such table: main.dropme
INSERT INTO refs VALUES(NULL);

-- Switching enforcement off.
PRAGMA foreign_keys = OFF;
INSERT INTO track VALUES(20, 777, 'Nobody', 'unchecked');
PRAGMA foreign_key_check(track);
SELECT * FROM pragma_foreign_key_check ORDER BY rowid;
PRAGMA foreign_key_list(track);
BEGIN;
PRAGMA foreign_keys = ON;
PRAGMA foreign_keys;
COMMIT;
PRAGMA foreign_keys = ON;
PRAGMA foreign_keys;
-- error: FOREIGN KEY constraint failed
INSERT INTO track VALUES(21, 778, NULL, 'checked again');
PRAGMA foreign_keys = OFF;
PRAGMA integrity_check;
