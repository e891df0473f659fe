-- DDL: CREATE TABLE (constraints, affinities, defaults, rowid alias),
-- IF NOT EXISTS, CREATE TABLE AS, indexes, views, DROP, and the schema
-- as sqlite_schema and the pragmas report it.

CREATE TABLE t1(a, b, c);
PRAGMA table_info(t1);
SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name;

-- Column type names and the affinity each gets.
CREATE TABLE aff(
  c_int INT, c_integer INTEGER, c_tinyint TINYINT, c_bigint BIGINT, c_uint8 UNSIGNED BIG INT, c_int2 INT2,
  c_char CHARACTER(20), c_varchar VARCHAR(255), c_nchar NATIVE CHARACTER(70), c_text TEXT, c_clob CLOB,
  c_blob BLOB, c_none,
  c_real REAL, c_double DOUBLE, c_dp DOUBLE PRECISION, c_float FLOAT,
  c_numeric NUMERIC, c_decimal DECIMAL(10,5), c_bool BOOLEAN, c_date DATE, c_datetime DATETIME,
  c_floating_point FLOATING POINT, c_string STRING, c_charint CHARINT, c_point POINT
);
PRAGMA table_info(aff);
INSERT INTO aff VALUES('12','12','12','12','12','12', 12,12,12,12,12, '12','12', '12','12','12','12', '12','12.50','1','2020-01-01','12.0', '12','12','12','12');
SELECT typeof(c_int), typeof(c_integer), typeof(c_tinyint), typeof(c_bigint), typeof(c_uint8), typeof(c_int2) FROM aff;
SELECT typeof(c_char), typeof(c_varchar), typeof(c_nchar), typeof(c_text), typeof(c_clob) FROM aff;
SELECT typeof(c_blob), typeof(c_none), typeof(c_real), typeof(c_double), typeof(c_dp), typeof(c_float) FROM aff;
SELECT typeof(c_numeric), typeof(c_decimal), typeof(c_bool), typeof(c_date), typeof(c_datetime) FROM aff;
SELECT typeof(c_floating_point), typeof(c_string), typeof(c_charint), typeof(c_point) FROM aff;
SELECT c_int, c_char, c_real, c_numeric, c_decimal, c_datetime, c_floating_point, c_string FROM aff;
INSERT INTO aff(c_int, c_real, c_numeric, c_text) VALUES('abc', 'abc', 'abc', 3.0);
INSERT INTO aff(c_int, c_real, c_numeric, c_text) VALUES(' 7 ', '1e3', '0x10', 1e100);
INSERT INTO aff(c_int, c_real, c_numeric, c_text) VALUES(3.0, 3, '3.0', -0.0);
INSERT INTO aff(c_int, c_real, c_numeric, c_text) VALUES(3.5, '  2.5  ', '9223372036854775808', x'41');
INSERT INTO aff(c_int, c_real, c_numeric, c_text) VALUES('9223372036854775807', '9223372036854775807', '1.0e5', NULL);
SELECT rowid, c_int, typeof(c_int), c_real, typeof(c_real), c_numeric, typeof(c_numeric), c_text, typeof(c_text) FROM aff ORDER BY rowid;

-- Rowid aliases and what is not one.
CREATE TABLE r1(id INTEGER PRIMARY KEY, v);
CREATE TABLE r2(id INT PRIMARY KEY, v);
CREATE TABLE r3(id INTEGER PRIMARY KEY DESC, v);
CREATE TABLE r4(id INTEGER, v, PRIMARY KEY(id));
CREATE TABLE r5(id INTEGER PRIMARY KEY AUTOINCREMENT, v);
CREATE TABLE r6(a, b, PRIMARY KEY(a, b));
INSERT INTO r1(v) VALUES('a'), ('b');
INSERT INTO r1 VALUES(10, 'c');
INSERT INTO r1(v) VALUES('d');
SELECT rowid, id, _rowid_, oid, v FROM r1 ORDER BY id;
INSERT INTO r2(v) VALUES('a'), ('b');
INSERT INTO r2 VALUES(10, 'c');
SELECT rowid, id, v FROM r2 ORDER BY rowid;
INSERT INTO r3(v) VALUES('x');
INSERT INTO r3 VALUES(-5, 'y');
SELECT rowid, id, v FROM r3 ORDER BY rowid;
INSERT INTO r4(v) VALUES('x');
SELECT rowid, id, v FROM r4;
INSERT INTO r5(v) VALUES('a');
INSERT INTO r5 VALUES(100, 'b');
DELETE FROM r5 WHERE id = 100;
INSERT INTO r5(v) VALUES('c');
SELECT id, v FROM r5 ORDER BY id;
SELECT name, seq FROM sqlite_sequence ORDER BY name;
INSERT INTO r6 VALUES(1, 2), (1, 3);
-- error: UNIQUE constraint failed: r6.a, r6.b
INSERT INTO r6 VALUES(1, 2);
SELECT rowid, a, b FROM r6 ORDER BY rowid;
-- error: datatype mismatch
INSERT INTO r1 VALUES('not an integer', 'x');
INSERT INTO r1 VALUES('42', 'text that looks like an integer');
INSERT INTO r1 VALUES(43.0, 'real with an integer value');
-- error: datatype mismatch
INSERT INTO r1 VALUES(43.5, 'real with a fraction');
SELECT id, typeof(id), v FROM r1 ORDER BY id;
INSERT INTO r2 VALUES('abc', 'any value in a non-alias primary key');
SELECT id, typeof(id) FROM r2 ORDER BY rowid;
PRAGMA table_info(r1);
PRAGMA table_info(r2);
PRAGMA table_info(r4);
PRAGMA table_info(r6);
PRAGMA index_list(r2);
PRAGMA index_list(r6);
PRAGMA index_info(sqlite_autoindex_r2_1);
PRAGMA index_info(sqlite_autoindex_r6_1);
PRAGMA index_xinfo(sqlite_autoindex_r6_1);

-- Constraints of every kind.
CREATE TABLE cons(
  id INTEGER PRIMARY KEY,
  nn TEXT NOT NULL,
  nn_def TEXT NOT NULL DEFAULT 'dflt',
  uq INTEGER UNIQUE,
  ck INTEGER CHECK (ck > 0),
  named_ck INTEGER CONSTRAINT positive CHECK (named_ck >= 0),
  col COLLATE NOCASE,
  gen_def REAL DEFAULT 1.5,
  neg_def INTEGER DEFAULT -1,
  paren_def DEFAULT (1 + 2),
  str_def TEXT DEFAULT 'it''s',
  null_def DEFAULT NULL,
  blob_def BLOB DEFAULT x'CAFE',
  ts_def DEFAULT CURRENT_DATE,
  CHECK (uq IS NULL OR uq <> ck),
  UNIQUE (nn, col)
);
PRAGMA table_info(cons);
PRAGMA index_list(cons);
INSERT INTO cons(nn) VALUES('first');
SELECT id, nn, nn_def, uq, ck, named_ck, col, gen_def, neg_def, paren_def, str_def, null_def, hex(blob_def), typeof(ts_def) FROM cons;
-- error: NOT NULL constraint failed: cons.nn
INSERT INTO cons(nn) VALUES(NULL);
-- error: NOT NULL constraint failed: cons.nn
INSERT INTO cons(uq) VALUES(5);
-- error: NOT NULL constraint failed: cons.nn_def
INSERT INTO cons(nn, nn_def) VALUES('x', NULL);
-- error: CHECK constraint failed: ck > 0
INSERT INTO cons(nn, ck) VALUES('x', 0);
-- error: CHECK constraint failed: positive
INSERT INTO cons(nn, named_ck) VALUES('x', -1);
INSERT INTO cons(nn, ck) VALUES('null passes a check', NULL);
INSERT INTO cons(nn, uq, ck) VALUES('y', 7, 8);
-- error: UNIQUE constraint failed: cons.uq
INSERT INTO cons(nn, uq) VALUES('z', 7);
-- error: CHECK constraint failed: uq IS NULL OR uq <> ck
INSERT INTO cons(nn, uq, ck) VALUES('w', 9, 9);
INSERT INTO cons(nn, col) VALUES('pair', 'abc');
-- error: UNIQUE constraint failed: cons.nn, cons.col
INSERT INTO cons(nn, col) VALUES('pair', 'ABC');
INSERT INTO cons(nn, uq) VALUES('nulls are distinct', NULL);
INSERT INTO cons(nn, uq) VALUES('nulls are distinct 2', NULL);
SELECT id, nn, uq, ck, col FROM cons ORDER BY id;
SELECT count(*) FROM cons WHERE col = 'ABC';

-- NOT NULL / UNIQUE / PRIMARY KEY conflict clauses in the table definition.
CREATE TABLE cc(a INTEGER PRIMARY KEY ON CONFLICT REPLACE, b UNIQUE ON CONFLICT IGNORE, c NOT NULL ON CONFLICT REPLACE DEFAULT 'c-default');
INSERT INTO cc VALUES(1, 'x', 'one');
INSERT INTO cc VALUES(1, 'y', 'replaced');
INSERT INTO cc VALUES(2, 'y', 'ignored because b is taken');
INSERT INTO cc VALUES(3, 'z', NULL);
SELECT a, b, c FROM cc ORDER BY a;
SELECT sql FROM sqlite_schema WHERE name = 'cc';

-- Foreign key clauses parse (enforcement is off by default).
CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
CREATE TABLE child(
  id INTEGER PRIMARY KEY,
  pid INTEGER REFERENCES parent(id) ON DELETE CASCADE ON UPDATE SET NULL,
  pname TEXT,
  FOREIGN KEY (pname) REFERENCES parent(name) DEFERRABLE INITIALLY DEFERRED
);
INSERT INTO child VALUES(1, 99, 'nobody');
SELECT * FROM child;
PRAGMA foreign_key_list(child);
PRAGMA foreign_keys;

-- IF NOT EXISTS and duplicates.
CREATE TABLE IF NOT EXISTS t1(x);
PRAGMA table_info(t1);
-- error: table t1 already exists
CREATE TABLE t1(x);
-- error: table T1 already exists
CREATE TABLE T1(x);
-- error: duplicate column name: a
CREATE TABLE dup(a, b, a);
-- error: duplicate column name: A
CREATE TABLE dup(a, A);
-- error: table "dup" has more than one primary key
CREATE TABLE dup(a PRIMARY KEY, b PRIMARY KEY);
-- error: AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY
CREATE TABLE dup(a INT PRIMARY KEY AUTOINCREMENT);
-- error: object name reserved for internal use: sqlite_mine
CREATE TABLE sqlite_mine(a);
CREATE TABLE "quoted name"("col one" INTEGER, [col two] TEXT, `col three`);
PRAGMA table_info("quoted name");
INSERT INTO "quoted name" VALUES(1, 'two', 3.0);
SELECT "col one", [col two], `col three` FROM "quoted name";
CREATE TABLE IF NOT EXISTS "quoted name"(z);
CREATE TEMP TABLE tmp1(a, b);
CREATE TEMPORARY TABLE IF NOT EXISTS tmp1(c);
PRAGMA temp.table_info(tmp1);
SELECT type, name, tbl_name, sql FROM sqlite_temp_schema ORDER BY name;
CREATE TABLE main.qualified(a);
SELECT name FROM main.sqlite_schema WHERE name = 'qualified';

-- WITHOUT ROWID and STRICT tables.
CREATE TABLE wr(k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
INSERT INTO wr VALUES('b', 2), ('a', 1), ('c', 3);
SELECT k, v FROM wr ORDER BY k;
-- error: no such column: rowid
SELECT rowid FROM wr;
-- error: PRIMARY KEY missing on table nopk
CREATE TABLE nopk(a) WITHOUT ROWID;
PRAGMA index_list(wr);
CREATE TABLE st(i INTEGER, r REAL, t TEXT, b BLOB, a ANY) STRICT;
INSERT INTO st VALUES(1, 2, 'x', x'00', 'anything');
INSERT INTO st VALUES('3', '4.5', 5, NULL, 1.5);
-- error: cannot store TEXT value in INTEGER column st.i
INSERT INTO st VALUES('abc', 1, 'x', NULL, NULL);
-- error: cannot store TEXT value in REAL column st.r
INSERT INTO st(r) VALUES('x');
SELECT i, typeof(i), r, typeof(r), t, typeof(t), typeof(b), a, typeof(a) FROM st ORDER BY rowid;
-- error: unknown datatype for st2.a: "VARCHAR"
CREATE TABLE st2(a VARCHAR) STRICT;

-- CREATE TABLE AS.
CREATE TABLE src(i INTEGER, t TEXT, r REAL, n NUMERIC, b BLOB, x);
INSERT INTO src VALUES(1, 'one', 1.5, 10, x'01', 'any'), (2, 'two', 2.5, 20, x'02', 2);
CREATE TABLE cta AS SELECT * FROM src;
PRAGMA table_info(cta);
SELECT sql FROM sqlite_schema WHERE name = 'cta';
SELECT * FROM cta ORDER BY i;
CREATE TABLE cta2 AS SELECT i + 1 AS inc, t || '!' AS bang, r * 2, count(*) AS cnt, 5, 'lit', NULL AS nada FROM src GROUP BY i;
PRAGMA table_info(cta2);
SELECT sql FROM sqlite_schema WHERE name = 'cta2';
SELECT * FROM cta2 ORDER BY inc;
CREATE TABLE cta3 AS SELECT * FROM src WHERE 0;
SELECT count(*) FROM cta3;
PRAGMA table_info(cta3);
CREATE TABLE IF NOT EXISTS cta3 AS SELECT 1;
-- error: table cta3 already exists
CREATE TABLE cta3 AS SELECT 1;
CREATE TABLE cta4 AS SELECT i AS "weird name", t AS [another one] FROM src;
SELECT sql FROM sqlite_schema WHERE name = 'cta4';
CREATE TABLE cta5 AS VALUES(1, 'a'), (2, 'b');
PRAGMA table_info(cta5);
SELECT * FROM cta5 ORDER BY 1;

-- Indexes.
CREATE TABLE ix(a INTEGER, b TEXT, c REAL, d);
INSERT INTO ix VALUES(1, 'b', 1.5, NULL), (2, 'A', 2.5, 'x'), (3, 'c', NULL, 'y'), (4, 'B', 0.5, 'x');
CREATE INDEX ix_a ON ix(a);
CREATE UNIQUE INDEX ix_b ON ix(b);
CREATE INDEX ix_bc ON ix(b DESC, c ASC);
CREATE INDEX ix_nocase ON ix(b COLLATE NOCASE);
CREATE INDEX ix_partial ON ix(c) WHERE c > 1.0;
CREATE INDEX ix_expr ON ix(a * 2, lower(b));
CREATE INDEX IF NOT EXISTS ix_a ON ix(b);
-- error: index ix_a already exists
CREATE INDEX ix_a ON ix(b);
-- error: no such column: zz
CREATE INDEX ix_bad ON ix(zz);
-- error: no such table: main.nosuch
CREATE INDEX ix_bad ON nosuch(a);
-- error: UNIQUE constraint failed: ix.d
CREATE UNIQUE INDEX ix_u_d ON ix(d);
PRAGMA index_list(ix);
PRAGMA index_info(ix_bc);
PRAGMA index_xinfo(ix_bc);
PRAGMA index_info(ix_nocase);
PRAGMA index_xinfo(ix_nocase);
PRAGMA index_info(ix_expr);
PRAGMA index_xinfo(ix_expr);
PRAGMA index_info(ix_partial);
SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name = 'ix' ORDER BY name;
-- error: UNIQUE constraint failed: ix.b
INSERT INTO ix VALUES(5, 'b', 0, NULL);
INSERT INTO ix VALUES(5, 'C', 0, NULL);
SELECT a, b FROM ix WHERE b = 'c' COLLATE NOCASE ORDER BY a;
SELECT a, b FROM ix ORDER BY b COLLATE NOCASE, a;
SELECT a FROM ix WHERE c > 1.0 ORDER BY a;
SELECT a FROM ix WHERE a * 2 = 6;
SELECT a FROM ix WHERE lower(b) = 'b' ORDER BY a;
DROP INDEX ix_expr;
DROP INDEX IF EXISTS ix_expr;
-- error: no such index: ix_expr
DROP INDEX ix_expr;
PRAGMA index_list(ix);
CREATE UNIQUE INDEX ix_multi ON ix(a, b);
PRAGMA index_info(ix_multi);
REINDEX ix;
REINDEX ix_b;
REINDEX NOCASE;
PRAGMA integrity_check;

-- Views.
CREATE VIEW v1 AS SELECT a, b FROM ix WHERE a > 1;
SELECT * FROM v1 ORDER BY a;
PRAGMA table_info(v1);
CREATE VIEW v2(x, y) AS SELECT a * 10, upper(b) FROM ix;
SELECT x, y FROM v2 ORDER BY x;
PRAGMA table_info(v2);
CREATE VIEW IF NOT EXISTS v1 AS SELECT 1;
-- error: view v1 already exists
CREATE VIEW v1 AS SELECT 1;
-- error: view v1 already exists
CREATE TABLE v1(a);
CREATE VIEW v3 AS SELECT v1.a, v2.y FROM v1 JOIN v2 ON v1.a * 10 = v2.x;
SELECT * FROM v3 ORDER BY a;
CREATE VIEW v4 AS SELECT count(*) AS n, max(a) AS m FROM ix;
SELECT n, m FROM v4;
CREATE TEMP VIEW tv AS SELECT 1 AS one;
SELECT one FROM tv;
-- error: cannot modify v1 because it is a view
INSERT INTO v1 VALUES(1, 'x');
-- error: cannot modify v1 because it is a view
DELETE FROM v1;
-- error: cannot modify v1 because it is a view
UPDATE v1 SET a = 1;
-- error: views may not be indexed
CREATE INDEX v1_idx ON v1(a);
CREATE VIEW v5(a, b) AS SELECT 1;
-- error: expected 2 columns for 'v5' but got 1
SELECT * FROM v5;
DROP VIEW v5;
SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY name;
DROP VIEW v3;
DROP VIEW IF EXISTS v3;
-- error: no such view: v3
DROP VIEW v3;
-- error: use DROP TABLE to delete table ix
DROP VIEW ix;
-- error: use DROP VIEW to delete view v1
DROP TABLE v1;

-- Triggers (DDL side).
CREATE TABLE log(msg);
CREATE TRIGGER ix_ins AFTER INSERT ON ix BEGIN
  INSERT INTO log VALUES('inserted ' || new.a);
END;
CREATE TRIGGER ix_del BEFORE DELETE ON ix FOR EACH ROW WHEN old.a > 4 BEGIN
  INSERT INTO log VALUES('deleting ' || old.a);
  INSERT INTO log VALUES(CASE WHEN old.b IS NULL THEN 'no b' ELSE 'b=' || old.b END);
END;
CREATE TRIGGER IF NOT EXISTS ix_ins AFTER INSERT ON ix BEGIN SELECT 1; END;
-- error: trigger ix_ins already exists
CREATE TRIGGER ix_ins AFTER INSERT ON ix BEGIN SELECT 1; END;
INSERT INTO ix VALUES(6, 'f', 6.0, 'z');
DELETE FROM ix WHERE a >= 5;
SELECT msg FROM log ORDER BY rowid;
SELECT type, name, tbl_name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name;
DROP TRIGGER ix_del;
DROP TRIGGER IF EXISTS ix_del;
-- error: no such trigger: ix_del
DROP TRIGGER ix_del;

-- ALTER TABLE.
CREATE TABLE alt(a INTEGER, b TEXT);
INSERT INTO alt VALUES(1, 'x');
ALTER TABLE alt ADD COLUMN c REAL DEFAULT 2.5;
ALTER TABLE alt ADD d TEXT NOT NULL DEFAULT 'dd';
SELECT * FROM alt;
PRAGMA table_info(alt);
-- error: Cannot add a NOT NULL column with default value NULL
ALTER TABLE alt ADD COLUMN e NOT NULL;
-- error: Cannot add a PRIMARY KEY column
ALTER TABLE alt ADD COLUMN f INTEGER PRIMARY KEY;
-- error: duplicate column name: a
ALTER TABLE alt ADD COLUMN a;
ALTER TABLE alt RENAME COLUMN b TO bee;
SELECT bee FROM alt;
ALTER TABLE alt RENAME TO alt2;
SELECT * FROM alt2;
-- error: no such table: alt
SELECT * FROM alt;
ALTER TABLE alt2 DROP COLUMN d;
PRAGMA table_info(alt2);
SELECT sql FROM sqlite_schema WHERE name = 'alt2';
-- error: no such column: "nope"
ALTER TABLE alt2 DROP COLUMN nope;

-- DROP TABLE.
DROP TABLE t1;
DROP TABLE IF EXISTS t1;
-- error: no such table: t1
DROP TABLE t1;
DROP TABLE IF EXISTS never_existed;
-- error: no such table: main.never
DROP TABLE main.never;
-- error: table sqlite_master may not be dropped
DROP TABLE sqlite_schema;
DROP TABLE ix;
SELECT name FROM sqlite_schema WHERE tbl_name = 'ix';
DROP TABLE tmp1;
SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name;
PRAGMA integrity_check;
