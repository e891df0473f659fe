-- STRICT tables: datatypes, coercions, type checks, PRAGMA table_list.
CREATE TABLE s1(i INT, n INTEGER, r REAL, t TEXT, b BLOB, a ANY) STRICT;
INSERT INTO s1 VALUES(1, 2, 3, 'x', x'01', 'a');
INSERT INTO s1 VALUES('4', '5', '6.5', 7, NULL, 8.5);
-- error: cannot store REAL value in INT column s1.i
INSERT INTO s1(i) VALUES(1.25);
-- error: cannot store INT value in BLOB column s1.b
INSERT INTO s1(b) VALUES(1);
-- error: cannot store TEXT value in INTEGER column s1.n
UPDATE s1 SET n = 'q';
UPDATE s1 SET r = 9 WHERE i = 1;
SELECT i, typeof(i), n, r, typeof(r), t, typeof(t), typeof(b), a, typeof(a) FROM s1 ORDER BY rowid;
PRAGMA table_info(s1);
-- error: missing datatype for s2.x
CREATE TABLE s2(x) STRICT;
-- error: unknown datatype for s2.x: "TEXT(5)"
CREATE TABLE s2(x TEXT(5)) STRICT;
CREATE TABLE s3(k TEXT PRIMARY KEY, v ANY) STRICT, WITHOUT ROWID;
-- error: NOT NULL constraint failed: s3.k
INSERT INTO s3 VALUES(NULL, 1);
PRAGMA table_list;
PRAGMA table_list(s3);
SELECT name, ncol, wr, strict FROM pragma_table_list ORDER BY name;
