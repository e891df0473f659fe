-- DO UPDATE may assign the rowid or its INTEGER PRIMARY KEY alias: the row moves.
CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INT DEFAULT 0);
INSERT INTO u(id, name) VALUES(2, 'b'), (13, 'a');
INSERT INTO u(id, name) VALUES(22, 'b') ON CONFLICT(name) DO UPDATE SET id = excluded.id + 100;
SELECT * FROM u ORDER BY id;
INSERT INTO u(id, name) VALUES(5, 'a') ON CONFLICT(name) DO UPDATE SET rowid = 7, n = n + 1;
SELECT rowid, * FROM u ORDER BY id;
INSERT INTO u(id, name) VALUES(5, 'a') ON CONFLICT(name) DO UPDATE SET id = '8', n = n + 1 RETURNING id, name, n;
SELECT * FROM u ORDER BY id;
-- error: UNIQUE constraint failed: u.id
INSERT INTO u(id, name) VALUES(5, 'a') ON CONFLICT(name) DO UPDATE SET id = 122;
-- error: datatype mismatch
INSERT INTO u(id, name) VALUES(5, 'a') ON CONFLICT(name) DO UPDATE SET id = 'x';
-- error: datatype mismatch
INSERT INTO u(id, name) VALUES(5, 'a') ON CONFLICT(name) DO UPDATE SET id = NULL;
SELECT * FROM u ORDER BY id;
INSERT INTO u(id, name) VALUES(8, 'zz') ON CONFLICT(id) DO UPDATE SET id = id + 1000, name = excluded.name;
SELECT * FROM u ORDER BY id;
-- Indexes follow the moved row.
CREATE INDEX u_n ON u(n);
INSERT INTO u(id, name) VALUES(1, 'b') ON CONFLICT(name) DO UPDATE SET id = 3, n = 9;
SELECT id, name FROM u WHERE n = 9;
PRAGMA integrity_check;
-- Triggers see the new rowid.
CREATE TABLE log(m);
CREATE TRIGGER u_au AFTER UPDATE ON u BEGIN INSERT INTO log VALUES(old.id || '->' || new.id); END;
INSERT INTO u(id, name) VALUES(1, 'b') ON CONFLICT(name) DO UPDATE SET id = 4;
SELECT * FROM log;
SELECT * FROM u ORDER BY id;
-- RETURNING reports updated and inserted rows alike.
INSERT INTO u(id, name) VALUES(60, 'b'), (61, 'new') ON CONFLICT(name) DO UPDATE SET n = n + 5 RETURNING id, name, n;
INSERT INTO u(id, name) VALUES(70, 'b') ON CONFLICT(name) DO UPDATE SET n = n + 1 WHERE n > 100 RETURNING *;
INSERT INTO u(id, name) VALUES(71, 'new') ON CONFLICT DO NOTHING RETURNING *;
