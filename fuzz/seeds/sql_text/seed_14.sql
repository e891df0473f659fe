-- Transactions: BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE], COMMIT/END,
-- ROLLBACK, SAVEPOINT / RELEASE / ROLLBACK TO (nested, repeated, named
-- like tables), what each undoes (rows, schema, pragmas that are
-- transactional), and the errors for misuse.

CREATE TABLE t(a INTEGER PRIMARY KEY, b);
INSERT INTO t VALUES(1, 'one');
BEGIN;
INSERT INTO t VALUES(2, 'two');
SELECT count(*) FROM t;
ROLLBACK;
SELECT a, b FROM t ORDER BY a;
BEGIN TRANSACTION;
INSERT INTO t VALUES(2, 'two');
COMMIT TRANSACTION;
SELECT a, b FROM t ORDER BY a;
BEGIN DEFERRED;
UPDATE t SET b = upper(b);
END;
SELECT a, b FROM t ORDER BY a;
BEGIN IMMEDIATE;
DELETE FROM t WHERE a = 1;
ROLLBACK TRANSACTION;
SELECT a, b FROM t ORDER BY a;
BEGIN EXCLUSIVE;
INSERT INTO t VALUES(3, 'three');
END TRANSACTION;
SELECT count(*) FROM t;
-- error: cannot commit - no transaction is active
COMMIT;
-- error: cannot rollback - no transaction is active
ROLLBACK;
-- error: cannot commit - no transaction is active
END;
BEGIN;
-- error: cannot start a transaction within a transaction
BEGIN;
-- error: cannot start a transaction within a transaction
BEGIN IMMEDIATE;
COMMIT;

-- Schema changes roll back too.
BEGIN;
CREATE TABLE tx_new(x);
INSERT INTO tx_new VALUES(1);
CREATE INDEX tx_new_x ON tx_new(x);
SELECT name FROM sqlite_schema WHERE name LIKE 'tx_new%' ORDER BY name;
ROLLBACK;
SELECT name FROM sqlite_schema WHERE name LIKE 'tx_new%' ORDER BY name;
-- error: no such table: tx_new
SELECT * FROM tx_new;
BEGIN;
DROP TABLE t;
-- error: no such table: t
SELECT * FROM t;
ROLLBACK;
SELECT a, b FROM t ORDER BY a;
BEGIN;
ALTER TABLE t ADD COLUMN c DEFAULT 'c';
SELECT * FROM t ORDER BY a;
ROLLBACK;
PRAGMA table_info(t);
BEGIN;
PRAGMA user_version = 42;
ROLLBACK;
PRAGMA user_version;
BEGIN;
PRAGMA user_version = 43;
COMMIT;
PRAGMA user_version;

-- Savepoints.
SAVEPOINT sp1;
INSERT INTO t VALUES(10, 'ten');
SAVEPOINT sp2;
INSERT INTO t VALUES(11, 'eleven');
SELECT a FROM t WHERE a >= 10 ORDER BY a;
ROLLBACK TO sp2;
SELECT a FROM t WHERE a >= 10 ORDER BY a;
INSERT INTO t VALUES(12, 'twelve');
ROLLBACK TO SAVEPOINT sp2;
SELECT a FROM t WHERE a >= 10 ORDER BY a;
RELEASE sp2;
SELECT a FROM t WHERE a >= 10 ORDER BY a;
RELEASE SAVEPOINT sp1;
SELECT a FROM t WHERE a >= 10 ORDER BY a;
-- error: no such savepoint: sp1
RELEASE sp1;
-- error: no such savepoint: sp1
ROLLBACK TO sp1;
-- A savepoint outside BEGIN starts a transaction; RELEASE of the outermost commits it.
SAVEPOINT outer_sp;
INSERT INTO t VALUES(20, 'twenty');
-- error: cannot start a transaction within a transaction
BEGIN;
RELEASE outer_sp;
SELECT count(*) FROM t WHERE a = 20;
-- error: cannot commit - no transaction is active
COMMIT;
-- ROLLBACK TO keeps the savepoint open; it can be used again.
SAVEPOINT a;
INSERT INTO t VALUES(30, 'x');
ROLLBACK TO a;
INSERT INTO t VALUES(31, 'y');
ROLLBACK TO a;
INSERT INTO t VALUES(32, 'z');
RELEASE a;
SELECT a FROM t WHERE a >= 30 ORDER BY a;
-- Savepoints inside BEGIN, and ROLLBACK of the whole transaction.
BEGIN;
INSERT INTO t VALUES(40, 'forty');
SAVEPOINT s;
INSERT INTO t VALUES(41, 'forty-one');
RELEASE s;
ROLLBACK;
SELECT count(*) FROM t WHERE a >= 40;
BEGIN;
INSERT INTO t VALUES(40, 'forty');
SAVEPOINT s;
INSERT INTO t VALUES(41, 'forty-one');
ROLLBACK TO s;
COMMIT;
SELECT a FROM t WHERE a >= 40 ORDER BY a;
-- Same-named nested savepoints: the innermost matches.
SAVEPOINT dup;
INSERT INTO t VALUES(50, 'a');
SAVEPOINT dup;
INSERT INTO t VALUES(51, 'b');
ROLLBACK TO dup;
SELECT a FROM t WHERE a >= 50 ORDER BY a;
RELEASE dup;
SELECT a FROM t WHERE a >= 50 ORDER BY a;
RELEASE dup;
SELECT a FROM t WHERE a >= 50 ORDER BY a;
-- error: no such savepoint: dup
RELEASE dup;
-- Releasing an outer savepoint releases the inner ones.
SAVEPOINT o1;
SAVEPOINT o2;
SAVEPOINT o3;
INSERT INTO t VALUES(60, 'sixty');
RELEASE o1;
-- error: no such savepoint: o3
RELEASE o3;
SELECT count(*) FROM t WHERE a = 60;
-- Rolling back to an outer savepoint discards the inner ones.
SAVEPOINT r1;
INSERT INTO t VALUES(70, 'x');
SAVEPOINT r2;
INSERT INTO t VALUES(71, 'y');
ROLLBACK TO r1;
-- error: no such savepoint: r2
RELEASE r2;
RELEASE r1;
SELECT count(*) FROM t WHERE a >= 70;
-- Savepoint names are case-insensitive and may look like keywords.
SAVEPOINT MixedCase;
RELEASE mixedcase;
SAVEPOINT "quoted name";
RELEASE "quoted name";
-- Schema changes inside savepoints.
SAVEPOINT ddl;
CREATE TABLE in_sp(x);
SAVEPOINT ddl2;
DROP TABLE in_sp;
ROLLBACK TO ddl2;
INSERT INTO in_sp VALUES('kept');
RELEASE ddl;
SELECT x FROM in_sp;
SAVEPOINT ddl3;
CREATE INDEX in_sp_x ON in_sp(x);
ROLLBACK TO ddl3;
RELEASE ddl3;
PRAGMA index_list(in_sp);

-- Statement errors inside a transaction undo only that statement.
CREATE TABLE u(k UNIQUE);
BEGIN;
INSERT INTO u VALUES(1);
-- error: UNIQUE constraint failed: u.k
INSERT INTO u VALUES(2), (1);
INSERT INTO u VALUES(3);
COMMIT;
SELECT k FROM u ORDER BY k;
BEGIN;
INSERT INTO u VALUES(4);
-- error: UNIQUE constraint failed: u.k
INSERT OR ROLLBACK INTO u VALUES(1);
-- error: cannot rollback - no transaction is active
ROLLBACK;
SELECT k FROM u ORDER BY k;
BEGIN;
INSERT INTO u VALUES(5);
-- error: UNIQUE constraint failed: u.k
INSERT OR FAIL INTO u VALUES(6), (1), (7);
COMMIT;
SELECT k FROM u ORDER BY k;
SAVEPOINT sv;
INSERT INTO u VALUES(8);
-- error: UNIQUE constraint failed: u.k
INSERT OR ROLLBACK INTO u VALUES(1);
-- error: no such savepoint: sv
RELEASE sv;
SELECT k FROM u ORDER BY k;

-- Many rows in one transaction, then rolled back.
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 100 UNION ALL SELECT x + 1 FROM c WHERE x < 1099) INSERT INTO u SELECT x FROM c;
SELECT count(*), min(k), max(k) FROM u;
ROLLBACK;
SELECT count(*), min(k), max(k) FROM u;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 100 UNION ALL SELECT x + 1 FROM c WHERE x < 1099) INSERT INTO u SELECT x FROM c;
COMMIT;
SELECT count(*), min(k), max(k) FROM u;
SAVEPOINT big;
DELETE FROM u WHERE k >= 100;
SELECT count(*) FROM u;
ROLLBACK TO big;
RELEASE big;
SELECT count(*) FROM u;
PRAGMA integrity_check;
