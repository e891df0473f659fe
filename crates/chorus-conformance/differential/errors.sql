-- Errors: syntax errors, unknown tables/columns/functions, ambiguous
-- names, wrong argument counts, misuse of aggregates and of special
-- statements. Only whether a statement fails, and its primary result code,
-- are compared; the `-- error:` text checks SQLite's message.

CREATE TABLE t1(a INTEGER, b TEXT, c REAL);
CREATE TABLE t2(a INTEGER, d TEXT);
INSERT INTO t1 VALUES(1, 'x', 1.5), (2, 'y', 2.5);
INSERT INTO t2 VALUES(1, 'p'), (3, 'q');
CREATE VIEW v1 AS SELECT a, b FROM t1;

-- Syntax errors.
-- error: near "SELEC": syntax error
SELEC 1;
-- error: incomplete input
SELECT;
-- error: incomplete input
SELECT 1 +;
-- error: incomplete input
SELECT * FROM;
-- error: incomplete input
SELECT * FROM t1 WHERE;
-- error: incomplete input
SELECT * FROM t1 WHERE a =;
-- error: incomplete input
SELECT (1;
-- error: near ")": syntax error
SELECT 1);
-- error: incomplete input
SELECT 1,;
-- error: near ",": syntax error
SELECT , 1;
-- error: near "2": syntax error
SELECT 1 2;
-- error: incomplete input
SELECT * FROM t1 ORDER;
-- error: incomplete input
SELECT * FROM t1 ORDER BY;
-- error: near "a": syntax error
SELECT * FROM t1 GROUP a;
-- error: incomplete input
SELECT * FROM t1 LIMIT;
-- error: near "t1": syntax error
SELECT * FROM t1 t1 t1;
-- error: incomplete input
SELECT a FROM t1 WHERE a IN;
-- error: incomplete input
SELECT a FROM t1 WHERE a IN (;
-- error: incomplete input
SELECT a FROM t1 WHERE a BETWEEN 1;
-- error: incomplete input
SELECT CASE END;
-- error: near "END": syntax error
SELECT CASE WHEN 1 END;
-- SQLite accepts an empty type name.
SELECT CAST(1 AS);
-- error: near ")": syntax error
SELECT CAST(1);
-- error: incomplete input
SELECT 1 IS;
-- error: incomplete input
SELECT 1 NOT;
-- error: incomplete input
SELECT 'a' LIKE;
-- error: incomplete input
SELECT count(*;
-- error: DISTINCT aggregates must have exactly one argument
SELECT count(DISTINCT);
-- error: incomplete input
SELECT * FROM t1 JOIN;
-- error: incomplete input
SELECT * FROM t1 JOIN t2 ON;
-- error: incomplete input
SELECT * FROM t1 JOIN t2 USING;
-- error: near ")": syntax error
SELECT * FROM t1 JOIN t2 USING ();
-- error: incomplete input
SELECT * FROM (SELECT 1;
-- error: near ")": syntax error
SELECT * FROM ();
-- error: incomplete input
SELECT 1 UNION;
-- error: incomplete input
SELECT 1 UNION SELECT;
-- error: near "ALL": syntax error
SELECT 1 INTERSECT ALL SELECT 1;
-- error: near "ALL": syntax error
SELECT 1 EXCEPT ALL SELECT 1;
-- error: near "SELECT": syntax error
WITH SELECT 1;
-- error: near "SELECT": syntax error
WITH t AS SELECT 1 SELECT * FROM t;
-- error: incomplete input
WITH t AS (SELECT 1);
-- error: unrecognized token: "@"
SELECT @;
-- error: near "*": syntax error
SELECT 1 +* 2;
-- error: unrecognized token: "#"
SELECT #;
-- error: unrecognized token: "0xZZ"
SELECT 0xZZ;
-- error: unrecognized token: "1e"
SELECT 1e;
-- error: near ".3": syntax error
SELECT 1.2.3;
-- error: unrecognized token: "x'4'"
SELECT x'4';
-- error: unrecognized token: "x'GG'"
SELECT x'GG';
-- error: incomplete input
CREATE TABLE;
-- error: incomplete input
CREATE TABLE t3;
-- error: near ")": syntax error
CREATE TABLE t3();
-- error: near ")": syntax error
CREATE TABLE t3(a,);
-- error: near ")": syntax error
CREATE TABLE t3(a b c d e f, );
-- error: near ")": syntax error
CREATE TABLE t3(a DEFAULT);
-- error: near ")": syntax error
CREATE TABLE t3(a CHECK);
-- error: near "a": syntax error
CREATE TABLE t3(a CHECK a > 0);
-- error: near ")": syntax error
CREATE TABLE t3(a REFERENCES);
-- error: near "PRIMARY": syntax error
CREATE TABLE t3(PRIMARY KEY);
-- error: near ")": syntax error
CREATE TABLE t3(a, PRIMARY KEY());
-- error: incomplete input
CREATE TABLE t3(a) WITHOUT;
-- error: incomplete input
CREATE TABLE t3(a) STRICT, STRICT,;
-- error: incomplete input
CREATE TABLE t3 AS;
-- error: near "ON": syntax error
CREATE INDEX ON t1(a);
-- error: incomplete input
CREATE INDEX i1 ON t1;
-- error: near ")": syntax error
CREATE INDEX i1 ON t1();
-- error: near "t1": syntax error
CREATE INDEX i1 t1(a);
-- error: incomplete input
CREATE VIEW v2 AS;
-- error: near "SELECT": syntax error
CREATE VIEW v2 SELECT 1;
-- error: incomplete input
DROP TABLE;
-- error: incomplete input
DROP INDEX;
-- error: incomplete input
DROP;
-- error: incomplete input
INSERT INTO t1;
-- error: incomplete input
INSERT INTO t1 VALUES;
-- error: near ")": syntax error
INSERT INTO t1 VALUES();
-- error: near ")": syntax error
INSERT INTO t1 VALUES(1,);
-- error: near "t1": syntax error
INSERT t1 VALUES(1);
-- error: near ")": syntax error
INSERT INTO t1(a,) VALUES(1);
-- error: near "SET": syntax error
INSERT INTO t1 SET a = 1;
-- error: incomplete input
UPDATE t1;
-- error: incomplete input
UPDATE t1 SET;
-- error: incomplete input
UPDATE t1 SET a;
-- error: incomplete input
UPDATE t1 SET a =;
-- error: incomplete input
UPDATE t1 SET a = 1,;
-- error: near "SET": syntax error
UPDATE SET a = 1;
-- error: near "t1": syntax error
DELETE t1;
-- error: incomplete input
DELETE FROM;
-- error: incomplete input
DELETE FROM t1 WHERE;
-- error: near "bar": syntax error
BEGIN TRANSACTION foo bar;
-- error: near "IMMEDIATE": syntax error
BEGIN DEFERRED IMMEDIATE;
-- error: near "foo": syntax error
COMMIT foo;
-- error: incomplete input
ROLLBACK TO;
-- error: incomplete input
SAVEPOINT;
-- error: incomplete input
RELEASE;
-- error: incomplete input
PRAGMA;
-- error: incomplete input
PRAGMA user_version =;
-- error: incomplete input
ALTER TABLE t1;
-- error: incomplete input
ALTER TABLE t1 ADD;
-- error: incomplete input
ALTER TABLE t1 RENAME;
-- error: incomplete input
ALTER TABLE t1 RENAME TO;
-- error: incomplete input
ALTER TABLE t1 DROP;
-- error: near "WHERE": syntax error
SELECT * FROM t1 WHERE a = 1 WHERE b = 2;
-- error: near "ALL": syntax error
SELECT DISTINCT ALL a FROM t1;
-- error: incomplete input
SELECT a FROM t1 HAVING;
-- error: near "FROM": syntax error
SELECT a AS FROM t1;
-- error: incomplete input
SELECT 1 COLLATE;
-- error: incomplete input
SELECT a FROM t1 NATURAL;
-- error: incomplete input
SELECT a FROM t1 LEFT;
-- error: unknown join type: OUTER
SELECT a FROM t1 OUTER JOIN t2;
-- error: unknown join type: INNER LEFT
SELECT a FROM t1 INNER LEFT JOIN t2;
-- error: incomplete input
VALUES;
-- error: near ")": syntax error
VALUES();
-- error: incomplete input
EXPLAIN;
-- error: near "(": syntax error
SELECT 1 FILTER (WHERE 1);
-- error: near "FROM": syntax error
SELECT count(*) FILTER WHERE 1 FROM t1;
SELECT count(*) OVER FROM t1;
-- error: near "t1": syntax error
SELECT * FROM t1 INDEXED t1;
-- error: incomplete input
SELECT NULL IS NOT DISTINCT;
-- error: near "NULL": syntax error
SELECT 1 ISNULL NOTNULL NULL;

-- Unknown names.
-- error: no such table: nosuch
SELECT * FROM nosuch;
-- error: no such table: main.nosuch
SELECT * FROM main.nosuch;
-- error: no such table: nosuchdb.t1
SELECT * FROM nosuchdb.t1;
-- error: no such column: nosuch
SELECT nosuch FROM t1;
-- error: no such column: t1.nosuch
SELECT t1.nosuch FROM t1;
-- error: no such column: nosuch.a
SELECT nosuch.a FROM t1;
-- error: no such column: t2.a
SELECT t2.a FROM t1;
-- error: no such column: nosuch
SELECT a FROM t1 WHERE nosuch = 1;
-- error: no such column: nosuch
SELECT a FROM t1 ORDER BY nosuch;
-- error: no such column: nosuch
SELECT a FROM t1 GROUP BY nosuch;
-- error: no such column: nosuch
SELECT a FROM t1 GROUP BY a HAVING nosuch > 1;
-- error: no such function: nosuch
SELECT nosuch(a) FROM t1;
-- error: no such table: nosuch
SELECT a FROM t1 JOIN nosuch ON 1;
-- error: no such column: nosuch
SELECT a FROM t1 WHERE a IN (SELECT nosuch FROM t2);
-- error: no such table: nosuch
SELECT a FROM t1 WHERE EXISTS (SELECT * FROM nosuch);
-- error: no such column: nosuch
SELECT (SELECT nosuch) FROM t1;
-- error: no such table: nosuch
INSERT INTO nosuch VALUES(1);
-- error: table t1 has no column named nosuch
INSERT INTO t1(nosuch) VALUES(1);
-- error: no such table: nosuch
INSERT INTO t1 SELECT * FROM nosuch;
-- error: no such table: nosuch
UPDATE nosuch SET a = 1;
-- error: no such column: nosuch
UPDATE t1 SET nosuch = 1;
-- error: no such column: nosuch
UPDATE t1 SET a = nosuch;
-- error: no such table: nosuch
DELETE FROM nosuch;
-- error: no such column: nosuch
DELETE FROM t1 WHERE nosuch;
-- error: no such table: nosuch
DROP TABLE nosuch;
-- error: no such view: nosuch
DROP VIEW nosuch;
-- error: no such index: nosuch
DROP INDEX nosuch;
-- error: no such trigger: nosuch
DROP TRIGGER nosuch;
-- error: no such table: main.nosuch
CREATE INDEX i2 ON nosuch(a);
-- error: no such column: nosuch
CREATE INDEX i2 ON t1(nosuch);
CREATE VIEW v3 AS SELECT nosuch FROM t1;
-- error: no such column: nosuch
SELECT * FROM v3;
-- error: no such table: main.nosuch
CREATE TRIGGER tr2 AFTER INSERT ON nosuch BEGIN SELECT 1; END;
-- error: no such table: nosuch
ALTER TABLE nosuch ADD COLUMN x;
-- error: no such table: nosuch
ALTER TABLE nosuch RENAME TO other;
-- error: no such column: "nosuch"
ALTER TABLE t1 RENAME COLUMN nosuch TO other;
-- error: no such column: "nosuch"
ALTER TABLE t1 DROP COLUMN nosuch;
-- error: unknown database nosuchdb
PRAGMA nosuchdb.table_info(t1);
-- error: no such collation sequence: nosuch
SELECT a FROM t1 WHERE a COLLATE nosuch = 1;
-- error: no such index: nosuch
SELECT * FROM t1 INDEXED BY nosuch;
-- error: unable to identify the object to be reindexed
REINDEX nosuch;
SELECT "a" FROM (SELECT 1 AS b);
-- error: no such column: excluded.a
SELECT excluded.a FROM t1;
-- error: no such column: new.a
SELECT new.a FROM t1;
-- error: no such column: old.a
SELECT old.a FROM t1;

-- Ambiguous names.
-- error: ambiguous column name: a
SELECT a FROM t1, t2;
-- error: ambiguous column name: a
SELECT a FROM t1 JOIN t2 ON t1.a = t2.a;
-- error: ambiguous column name: a
SELECT * FROM t1 JOIN t2 ON a = 1;
-- error: ambiguous column name: a
SELECT a FROM t1 AS x, t1 AS y;
SELECT a FROM (SELECT 1 AS a, 2 AS a);
-- error: ambiguous column name: x.a
SELECT x.a FROM t1 AS x, t2 AS x;
-- error: ambiguous column name: main.t1.a
SELECT * FROM t1, t1;
-- error: ambiguous column name: a
SELECT a FROM t1 JOIN t2 USING (a) JOIN t1 AS t3 ON 1;

-- Wrong argument counts.
-- error: wrong number of arguments to function abs()
SELECT abs();
-- error: wrong number of arguments to function abs()
SELECT abs(1, 2);
-- error: wrong number of arguments to function length()
SELECT length();
-- error: wrong number of arguments to function length()
SELECT length('a', 'b');
-- error: wrong number of arguments to function lower()
SELECT lower();
-- error: wrong number of arguments to function upper()
SELECT upper('a', 'b');
-- error: wrong number of arguments to function substr()
SELECT substr();
-- error: wrong number of arguments to function substr()
SELECT substr('a');
-- error: wrong number of arguments to function substr()
SELECT substr('a', 1, 2, 3);
-- error: wrong number of arguments to function instr()
SELECT instr('a');
-- error: wrong number of arguments to function replace()
SELECT replace('a', 'b');
-- error: wrong number of arguments to function round()
SELECT round();
-- error: wrong number of arguments to function round()
SELECT round(1, 2, 3);
-- error: wrong number of arguments to function trim()
SELECT trim();
-- error: wrong number of arguments to function trim()
SELECT trim('a', 'b', 'c');
-- error: wrong number of arguments to function coalesce()
SELECT coalesce();
-- error: wrong number of arguments to function coalesce()
SELECT coalesce(1);
-- error: wrong number of arguments to function ifnull()
SELECT ifnull(1);
-- error: wrong number of arguments to function nullif()
SELECT nullif(1);
-- error: wrong number of arguments to function nullif()
SELECT nullif(1, 2, 3);
-- error: wrong number of arguments to function typeof()
SELECT typeof();
-- error: wrong number of arguments to function typeof()
SELECT typeof(1, 2);
-- error: wrong number of arguments to function hex()
SELECT hex();
-- error: wrong number of arguments to function quote()
SELECT quote();
-- error: wrong number of arguments to function zeroblob()
SELECT zeroblob();
-- error: wrong number of arguments to function unicode()
SELECT unicode();
-- error: wrong number of arguments to function like()
SELECT like('a');
-- error: wrong number of arguments to function like()
SELECT like('a', 'b', 'c', 'd');
-- error: wrong number of arguments to function glob()
SELECT glob('a');
-- error: wrong number of arguments to function iif()
SELECT iif(1);
-- error: wrong number of arguments to function iif()
SELECT iif(1, 2);
-- error: wrong number of arguments to function sign()
SELECT sign();
-- error: wrong number of arguments to function unhex()
SELECT unhex();
-- error: wrong number of arguments to function unhex()
SELECT unhex('a', 'b', 'c');
-- error: wrong number of arguments to function count()
SELECT count(1, 2) FROM t1;
-- error: wrong number of arguments to function sum()
SELECT sum() FROM t1;
-- error: wrong number of arguments to function sum()
SELECT sum(a, b) FROM t1;
-- error: wrong number of arguments to function avg()
SELECT avg() FROM t1;
-- error: wrong number of arguments to function total()
SELECT total(a, b) FROM t1;
-- error: wrong number of arguments to function group_concat()
SELECT group_concat() FROM t1;
-- error: wrong number of arguments to function group_concat()
SELECT group_concat(a, b, c) FROM t1;
-- error: wrong number of arguments to function changes()
SELECT changes(1);
-- error: wrong number of arguments to function last_insert_rowid()
SELECT last_insert_rowid(1);
-- error: wrong number of arguments to function random()
SELECT random(1);
-- error: wrong number of arguments to function sqlite_version()
SELECT sqlite_version(1);
-- error: wrong number of arguments to function likelihood()
SELECT likelihood(1);
SELECT printf();
-- error: no such column: char
SELECT char;

-- Misuse.
-- error: misuse of aggregate function sum()
SELECT a FROM t1 WHERE sum(a) > 1;
-- error: aggregate functions are not allowed in the GROUP BY clause
SELECT a FROM t1 GROUP BY sum(a);
-- error: misuse of aggregate function sum()
SELECT sum(sum(a)) FROM t1;
-- error: misuse of aggregate: count()
SELECT count(*) FROM t1 WHERE count(*) > 0;
-- error: misuse of aggregate function count()
UPDATE t1 SET a = count(*);
-- error: misuse of aggregate function max()
DELETE FROM t1 WHERE max(a) > 1;
-- error: misuse of aggregate function count()
INSERT INTO t1 VALUES(count(*), 1, 1);
-- error: 1st ORDER BY term out of range - should be between 1 and 1
SELECT a FROM t1 ORDER BY 0;
-- error: 1st ORDER BY term out of range - should be between 1 and 1
SELECT a FROM t1 ORDER BY 2;
-- error: 1st ORDER BY term out of range - should be between 1 and 1
SELECT a FROM t1 ORDER BY -1;
-- error: 1st GROUP BY term out of range - should be between 1 and 1
SELECT a FROM t1 GROUP BY 2;
-- error: 1st GROUP BY term out of range - should be between 1 and 1
SELECT a FROM t1 GROUP BY 0;
-- error: SELECTs to the left and right of UNION do not have the same number of result columns
SELECT a, b FROM t1 UNION SELECT a FROM t2;
-- error: 1st ORDER BY term does not match any column in the result set
SELECT a FROM t1 UNION SELECT a FROM t2 ORDER BY b;
-- error: 1st ORDER BY term out of range - should be between 1 and 1
SELECT a FROM t1 UNION SELECT a FROM t2 ORDER BY 2;
-- error: sub-select returns 2 columns - expected 1
SELECT (SELECT a, b FROM t1);
-- error: sub-select returns 2 columns - expected 1
SELECT a FROM t1 WHERE a IN (SELECT a, d FROM t2);
-- error: sub-select returns 1 columns - expected 2
SELECT a FROM t1 WHERE (a, b) IN (SELECT a FROM t2);
-- error: row value misused
SELECT a FROM t1 WHERE (a, b) = (1);
-- error: row value misused
SELECT (1, 2) FROM t1;
-- error: row value misused
SELECT * FROM t1 WHERE (a, b) > 1;
-- error: datatype mismatch
SELECT a FROM t1 LIMIT 'x';
-- error: datatype mismatch
SELECT a FROM t1 LIMIT 1 OFFSET 'y';
-- error: datatype mismatch
SELECT a FROM t1 LIMIT 1.5;
-- error: datatype mismatch
SELECT a FROM t1 LIMIT x'01';
-- error: table t1 already exists
CREATE TABLE t1(z);
-- error: view v1 already exists
CREATE TABLE v1(z);
-- error: table t1 already exists
CREATE VIEW t1 AS SELECT 1;
-- error: there is already a table named t1
CREATE INDEX t1 ON t1(a);
-- error: object name reserved for internal use: sqlite_x
CREATE TABLE sqlite_x(a);
-- error: object name reserved for internal use: sqlite_i
CREATE INDEX sqlite_i ON t1(a);
-- error: duplicate column name: a
CREATE TABLE t4(a, a);
-- error: table "t4" has more than one primary key
CREATE TABLE t4(a PRIMARY KEY, b PRIMARY KEY);
-- error: AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY
CREATE TABLE t4(a INT PRIMARY KEY AUTOINCREMENT);
-- error: PRIMARY KEY missing on table t4
CREATE TABLE t4(a) WITHOUT ROWID;
-- error: PRIMARY KEY missing on table t4
CREATE TABLE t4(a TEXT) STRICT, WITHOUT ROWID;
-- error: unknown datatype for t4.a: "BADTYPE"
CREATE TABLE t4(a BADTYPE) STRICT;
CREATE TABLE t4(a DEFAULT (nosuchfn()));
-- error: unknown function: nosuchfn()
INSERT INTO t4 DEFAULT VALUES;
DROP TABLE t4;
-- error: misuse of aggregate function count()
CREATE TABLE t4(a CHECK (count(*) > 0));
-- error: default value of column [a] is not constant
CREATE TABLE t4(a DEFAULT (b));
-- error: must have at least one non-generated column
CREATE TABLE t4(a AS (a + 1));
-- error: no such column: c
CREATE TABLE t4(a, b AS (c));
-- error: generated columns cannot be part of the PRIMARY KEY
CREATE TABLE t4(a, b GENERATED ALWAYS AS (a) PRIMARY KEY);
-- error: misuse of aggregate function count()
CREATE INDEX i3 ON t1(a) WHERE count(*) > 0;
-- error: subqueries prohibited in partial index WHERE clauses
CREATE INDEX i3 ON t1(a) WHERE (SELECT 1);
-- error: non-deterministic functions prohibited in index expressions
CREATE INDEX i3 ON t1(random());
-- error: views may not be indexed
CREATE INDEX i3 ON v1(a);
-- error: cannot modify v1 because it is a view
INSERT INTO v1 VALUES(1, 'a');
-- error: cannot modify v1 because it is a view
UPDATE v1 SET a = 1;
-- error: cannot modify v1 because it is a view
DELETE FROM v1;
-- error: use DROP TABLE to delete table t1
DROP VIEW t1;
-- error: use DROP VIEW to delete view v1
DROP TABLE v1;
-- error: table sqlite_master may not be dropped
DROP TABLE sqlite_schema;
-- error: table sqlite_master may not be dropped
DROP TABLE sqlite_master;
-- error: table sqlite_master may not be modified
DELETE FROM sqlite_schema;
-- error: table sqlite_master may not be modified
UPDATE sqlite_schema SET name = 'x';
-- error: table sqlite_master may not be modified
INSERT INTO sqlite_schema VALUES('table', 'x', 'x', 0, '');
-- error: duplicate column name: a
ALTER TABLE t1 ADD COLUMN a;
-- error: Cannot add a NOT NULL column with default value NULL
ALTER TABLE t1 ADD COLUMN z NOT NULL;
-- error: Cannot add a PRIMARY KEY column
ALTER TABLE t1 ADD COLUMN z PRIMARY KEY;
-- error: Cannot add a UNIQUE column
ALTER TABLE t1 ADD COLUMN z UNIQUE;
-- error: Cannot add a column with non-constant default
ALTER TABLE t1 ADD COLUMN z DEFAULT (abs(1));
-- error: there is already another table or index with this name: t2
ALTER TABLE t1 RENAME TO t2;
-- error: error in view v3: no such column: nosuch
ALTER TABLE t1 RENAME COLUMN a TO b;
-- error: Cannot add a column to a view
ALTER TABLE v1 ADD COLUMN z;
-- error: table sqlite_master may not be altered
ALTER TABLE sqlite_schema ADD COLUMN z;
-- error: incomplete input
ATTACH;
-- error: no such database: nosuch
DETACH nosuch;
-- error: cannot detach database main
DETACH main;
-- error: no such savepoint: nosuch
RELEASE nosuch;
-- error: no such savepoint: nosuch
ROLLBACK TO nosuch;
-- error: cannot commit - no transaction is active
COMMIT;
-- error: cannot rollback - no transaction is active
ROLLBACK;
-- error: cannot commit - no transaction is active
END;
-- error: unknown database nosuch
VACUUM nosuch;
-- error: no such table: nosuch
ANALYZE nosuch;
-- error: no such table: pragma_nosuch
SELECT * FROM pragma_nosuch;
-- error: row value misused
SELECT * FROM t1 WHERE rowid = (SELECT 1, 2);
INSERT INTO t1(rowid, a, b, c, rowid) VALUES(1, 2, 3, 4, 5);
-- error: table t1 has 3 columns but 2 values were supplied
INSERT INTO t1 VALUES(1, 2);
-- error: table t1 has 3 columns but 4 values were supplied
INSERT INTO t1 VALUES(1, 2, 3, 4);
-- error: 1 values for 2 columns
INSERT INTO t1(a, b) VALUES(1);
-- error: all VALUES must have the same number of terms
INSERT INTO t1 VALUES(1, 2, 3), (4, 5);
-- error: table t1 has 3 columns but 2 values were supplied
INSERT INTO t1 SELECT 1, 2;
-- error: near "ON": syntax error
INSERT INTO t1 DEFAULT VALUES ON CONFLICT DO NOTHING;
-- error: ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint
INSERT INTO t1 VALUES(1, 2, 3) ON CONFLICT(a) DO NOTHING;
-- error: 2 columns assigned 3 values
UPDATE t1 SET (a, b) = (1, 2, 3);
-- error: 2 columns assigned 1 values
UPDATE t1 SET (a, b) = (SELECT 1);
-- error: row value misused
SELECT 1 WHERE (SELECT 1, 2) = 1;
SELECT ?1 + :name + @x + $y;
-- error: ESCAPE expression must be a single character
SELECT 'a' LIKE 'b' ESCAPE 'cd';
-- error: integer overflow
SELECT abs(-9223372036854775808);
-- error: hex literal too big: 0x1ffffffffffffffff
SELECT 0x1ffffffffffffffff;
-- error: FILTER may not be used with non-aggregate printf()
SELECT printf('%d', 1) FILTER (WHERE 1);
-- error: wrong number of arguments to function count()
SELECT DISTINCT count(DISTINCT a, b) FROM t1;
-- error: DISTINCT aggregates must have exactly one argument
SELECT group_concat(DISTINCT a, ',') FROM t1;
-- error: multiple references to recursive table: r
WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x FROM r, r) SELECT * FROM r;
-- error: duplicate WITH table name: r
WITH r(x) AS (SELECT 1), r(y) AS (SELECT 2) SELECT 1;
-- error: table r has 1 values for 2 columns
WITH r(x, y) AS (SELECT 1) SELECT * FROM r;
-- error: near "(": syntax error
SELECT * FROM (SELECT 1) AS s(a);
-- error: a NATURAL join may not have an ON or USING clause
SELECT * FROM t1 NATURAL JOIN t2 USING (a);
-- error: cannot join using column b - column not present in both tables
SELECT * FROM t1 JOIN t2 USING (b);
-- error: cannot join using column nosuch - column not present in both tables
SELECT * FROM t1 RIGHT JOIN t2 USING (nosuch);

-- Valid statements near the errors, so the database stays usable.
SELECT a, b, c FROM t1 ORDER BY a;
SELECT t1.a, t2.d FROM t1 LEFT JOIN t2 USING (a) ORDER BY t1.a;
SELECT count(*) FROM v1;
PRAGMA integrity_check;

-- A default calling a missing function is accepted and fails when used.
CREATE TABLE dflt_fn(a DEFAULT (nosuchfn()), b DEFAULT (abs(1, 2)), c);
INSERT INTO dflt_fn VALUES(1, 2, 3);
-- error: unknown function: nosuchfn()
INSERT INTO dflt_fn(b, c) VALUES(1, 2);
-- error: unknown function: abs()
INSERT INTO dflt_fn(a, c) VALUES(1, 2);
UPDATE dflt_fn SET c = 4;
SELECT * FROM dflt_fn;
-- error: default value of column [a] is not constant
CREATE TABLE dflt_fn2(a DEFAULT (b + 1), b);
DROP TABLE dflt_fn;
-- error: non-deterministic functions prohibited in partial index WHERE clauses
CREATE INDEX i3 ON t1(a) WHERE random() > 0;
-- error: non-deterministic functions prohibited in index expressions
CREATE INDEX i3 ON t1(abs(randomblob(2)));
CREATE INDEX t1_a_dm ON t1(a);
ANALYZE t1;
ANALYZE t1_a_dm;
ANALYZE main;
VACUUM main;
DROP INDEX t1_a_dm;
