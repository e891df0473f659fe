-- ATTACH / DETACH, schema-qualified names, name resolution order (temp,
-- main, attached in order), PRAGMA database_list, TEMP objects and
-- sqlite_temp_schema, transactions spanning databases. Self-contained:
-- every attached database is in memory.

CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
INSERT INTO t VALUES(1, 'main-one'), (2, 'main-two');
ATTACH ':memory:' AS aux;
ATTACH DATABASE ':memory:' AS aux2;
SELECT seq, name FROM pragma_database_list ORDER BY seq;
PRAGMA database_list;
-- error: database aux is already in use
ATTACH ':memory:' AS aux;
-- error: database main is already in use
ATTACH ':memory:' AS main;

CREATE TABLE aux.t(a INTEGER PRIMARY KEY, b TEXT, c REAL);
CREATE TABLE aux.only_aux(x UNIQUE, y);
CREATE INDEX aux.only_aux_y ON only_aux(y);
INSERT INTO aux.t VALUES(10, 'aux-ten', 1.5);
INSERT INTO only_aux VALUES(1, 'one'), (2, 'two'), (3, 'three');
-- Unqualified t is main's; aux.t is the attached one.
SELECT * FROM t ORDER BY a;
SELECT * FROM aux.t ORDER BY a;
SELECT * FROM main.t ORDER BY a;
SELECT x, y FROM only_aux ORDER BY x;
SELECT x, y FROM aux.only_aux WHERE y = 'two';
SELECT m.b, o.y FROM main.t AS m JOIN aux.only_aux AS o ON o.x = m.a ORDER BY m.a;
SELECT type, name, tbl_name, sql FROM aux.sqlite_schema ORDER BY name;
SELECT type, name, tbl_name FROM aux.sqlite_master ORDER BY name;
SELECT name FROM sqlite_schema ORDER BY name;
-- error: UNIQUE constraint failed: only_aux.x
INSERT INTO aux.only_aux VALUES(1, 'dup');
UPDATE aux.only_aux SET y = upper(y) WHERE x >= 2;
SELECT x, y FROM aux.only_aux ORDER BY x;
DELETE FROM aux.only_aux WHERE x = 3;
SELECT count(*) FROM aux.only_aux;
SELECT count(*) FROM aux.only_aux WHERE y = 'TWO';
PRAGMA aux.table_info(only_aux);
PRAGMA aux.index_list(only_aux);
PRAGMA aux.user_version = 5;
PRAGMA aux.user_version;
PRAGMA user_version;
PRAGMA aux.integrity_check;
-- error: no such table: aux.nosuch
SELECT * FROM aux.nosuch;
-- error: no such table: aux2.only_aux
SELECT * FROM aux2.only_aux;
CREATE TABLE aux2.z(k);
INSERT INTO aux2.z VALUES('z1');
SELECT k FROM z;

-- Transactions span databases.
BEGIN;
INSERT INTO t VALUES(3, 'main-three');
INSERT INTO aux.t VALUES(11, 'aux-eleven', 2.5);
ROLLBACK;
SELECT count(*) FROM t;
SELECT count(*) FROM aux.t;
BEGIN;
INSERT INTO t VALUES(3, 'main-three');
INSERT INTO aux.t VALUES(11, 'aux-eleven', 2.5);
COMMIT;
SELECT count(*) FROM t;
SELECT count(*) FROM aux.t;
SAVEPOINT s1;
INSERT INTO aux2.z VALUES('z2');
ROLLBACK TO s1;
RELEASE s1;
SELECT count(*) FROM aux2.z;

-- TEMP objects come first in name resolution.
CREATE TEMP TABLE t(a, tmp);
INSERT INTO t VALUES(100, 'temp-row');
SELECT * FROM t;
SELECT * FROM temp.t;
SELECT b FROM main.t ORDER BY a;
SELECT type, name, tbl_name, sql FROM sqlite_temp_schema;
SELECT type, name FROM temp.sqlite_master;
CREATE TEMP VIEW tv AS SELECT a FROM main.t;
SELECT * FROM tv ORDER BY a;
SELECT seq, name FROM pragma_database_list ORDER BY seq;
DROP TABLE temp.t;
SELECT count(*) FROM t;
DROP TABLE aux.t;
SELECT count(*) FROM aux.sqlite_schema WHERE name = 't';
DROP INDEX aux.only_aux_y;
SELECT name FROM aux.sqlite_schema ORDER BY name;

-- DETACH.
-- error: cannot detach database main
DETACH main;
-- error: cannot detach database temp
DETACH temp;
-- error: no such database: nosuch
DETACH nosuch;
DETACH aux2;
-- error: no such table: z
SELECT * FROM z;
-- error: no such table: aux2.z
SELECT * FROM aux2.z;
DETACH DATABASE aux;
SELECT seq, name FROM pragma_database_list ORDER BY seq;
SELECT * FROM t ORDER BY a;

-- At most ten attached databases.
ATTACH ':memory:' AS d1;
ATTACH ':memory:' AS d2;
ATTACH ':memory:' AS d3;
ATTACH ':memory:' AS d4;
ATTACH ':memory:' AS d5;
ATTACH ':memory:' AS d6;
ATTACH ':memory:' AS d7;
ATTACH ':memory:' AS d8;
ATTACH ':memory:' AS d9;
ATTACH ':memory:' AS d10;
-- error: too many attached databases - max 10
ATTACH ':memory:' AS d11;
SELECT count(*) FROM pragma_database_list;
DETACH d5;
ATTACH ':memory:' AS d11;
SELECT name FROM pragma_database_list WHERE seq > 1 ORDER BY seq;
