-- Triggers: BEFORE/AFTER INSERT/UPDATE/DELETE, UPDATE OF columns, WHEN,
-- NEW/OLD, INSTEAD OF on views, RAISE(), cascading triggers, recursion
-- off by default, and triggers dropped with their table.

CREATE TABLE acct(id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER NOT NULL DEFAULT 0);
CREATE TABLE log(seq INTEGER PRIMARY KEY, what TEXT);
CREATE TRIGGER acct_bi BEFORE INSERT ON acct BEGIN
  INSERT INTO log(what) VALUES('before insert ' || coalesce(new.id, 'NULL') || ' ' || new.owner);
END;
CREATE TRIGGER acct_ai AFTER INSERT ON acct BEGIN
  INSERT INTO log(what) VALUES('after insert ' || new.id || ' ' || new.owner);
END;
INSERT INTO acct(owner, balance) VALUES('ann', 100);
INSERT INTO acct VALUES(10, 'bob', 50);
INSERT INTO acct(owner) VALUES('cy'), ('di');
SELECT what FROM log ORDER BY seq;
DELETE FROM log;

CREATE TRIGGER acct_bu BEFORE UPDATE ON acct BEGIN
  INSERT INTO log(what) VALUES('before update ' || old.id || ': ' || old.balance || ' -> ' || new.balance);
END;
CREATE TRIGGER acct_au_owner AFTER UPDATE OF owner ON acct BEGIN
  INSERT INTO log(what) VALUES('owner ' || old.owner || ' -> ' || new.owner);
END;
CREATE TRIGGER acct_au_big AFTER UPDATE ON acct WHEN new.balance > 1000 BEGIN
  INSERT INTO log(what) VALUES('big balance ' || new.id);
END;
UPDATE acct SET balance = balance + 1;
UPDATE acct SET owner = upper(owner) WHERE id = 1;
UPDATE acct SET balance = 5000 WHERE id = 10;
UPDATE acct SET owner = owner, balance = balance WHERE id = 11;
SELECT what FROM log ORDER BY seq;
DELETE FROM log;

CREATE TRIGGER acct_bd BEFORE DELETE ON acct BEGIN
  INSERT INTO log(what) VALUES('before delete ' || old.id);
END;
CREATE TRIGGER acct_ad AFTER DELETE ON acct FOR EACH ROW WHEN old.balance = 0 BEGIN
  INSERT INTO log(what) VALUES('deleted empty ' || old.id);
END;
DELETE FROM acct WHERE id >= 11;
SELECT what FROM log ORDER BY seq;
SELECT id, owner, balance FROM acct ORDER BY id;
DELETE FROM log;

-- RAISE.
CREATE TRIGGER no_negative BEFORE UPDATE OF balance ON acct WHEN new.balance < 0 BEGIN
  SELECT RAISE(ABORT, 'balance may not go negative');
END;
-- error: balance may not go negative
UPDATE acct SET balance = -1 WHERE id = 1;
SELECT balance FROM acct WHERE id = 1;
CREATE TRIGGER ignore_zz BEFORE INSERT ON acct WHEN new.owner = 'zz' BEGIN
  SELECT RAISE(IGNORE);
END;
INSERT INTO acct(owner) VALUES('zz');
SELECT count(*) FROM acct WHERE owner = 'zz';
INSERT INTO acct(owner) VALUES('yy'), ('zz'), ('xx');
SELECT owner FROM acct ORDER BY id;
CREATE TRIGGER fail_ww BEFORE INSERT ON acct WHEN new.owner = 'ww' BEGIN
  SELECT RAISE(FAIL, 'no ww');
END;
-- error: no ww
INSERT INTO acct(owner) VALUES('vv'), ('ww'), ('uu');
SELECT owner FROM acct WHERE owner IN ('vv', 'ww', 'uu') ORDER BY owner;
CREATE TRIGGER rollback_rr BEFORE INSERT ON acct WHEN new.owner = 'rr' BEGIN
  SELECT RAISE(ROLLBACK, 'rolled back');
END;
BEGIN;
INSERT INTO acct(owner) VALUES('in txn');
-- error: rolled back
INSERT INTO acct(owner) VALUES('rr');
-- error: cannot commit - no transaction is active
COMMIT;
SELECT count(*) FROM acct WHERE owner = 'in txn';
-- error: RAISE() may only be used within a trigger-program
SELECT RAISE(ABORT, 'outside');
SELECT what FROM log ORDER BY seq;
DELETE FROM log;

-- INSTEAD OF triggers make a view writable.
CREATE VIEW rich AS SELECT id, owner, balance FROM acct WHERE balance >= 100;
CREATE TRIGGER rich_ins INSTEAD OF INSERT ON rich BEGIN
  INSERT INTO acct(owner, balance) VALUES(new.owner, max(new.balance, 100));
END;
CREATE TRIGGER rich_upd INSTEAD OF UPDATE OF balance ON rich BEGIN
  UPDATE acct SET balance = new.balance WHERE id = old.id;
END;
CREATE TRIGGER rich_del INSTEAD OF DELETE ON rich BEGIN
  DELETE FROM acct WHERE id = old.id;
END;
INSERT INTO rich(owner, balance) VALUES('eve', 5);
UPDATE rich SET balance = balance * 2 WHERE owner = 'bob';
DELETE FROM rich WHERE owner = 'ANN';
SELECT id, owner, balance FROM acct ORDER BY id;
SELECT id, owner, balance FROM rich ORDER BY id;
-- error: cannot modify rich because it is a view
UPDATE rich SET owner = 'x';
-- error: cannot create INSTEAD OF trigger on table: acct
CREATE TRIGGER bad INSTEAD OF INSERT ON acct BEGIN SELECT 1; END;
-- error: cannot create BEFORE trigger on view: rich
CREATE TRIGGER bad BEFORE INSERT ON rich BEGIN SELECT 1; END;

-- Cascading triggers and recursion.
CREATE TABLE a(x);
CREATE TABLE b(x);
CREATE TABLE c(x);
CREATE TRIGGER a_to_b AFTER INSERT ON a BEGIN INSERT INTO b VALUES(new.x * 10); END;
CREATE TRIGGER b_to_c AFTER INSERT ON b BEGIN INSERT INTO c VALUES(new.x + 1); END;
INSERT INTO a VALUES(1), (2);
SELECT (SELECT group_concat(x ORDER BY x) FROM a), (SELECT group_concat(x ORDER BY x) FROM b), (SELECT group_concat(x ORDER BY x) FROM c);
CREATE TABLE r(n INTEGER);
CREATE TRIGGER r_again AFTER INSERT ON r WHEN new.n < 5 BEGIN INSERT INTO r VALUES(new.n + 1); END;
INSERT INTO r VALUES(1);
SELECT n FROM r ORDER BY n;
PRAGMA recursive_triggers = ON;
DELETE FROM r;
INSERT INTO r VALUES(1);
SELECT n FROM r ORDER BY n;
PRAGMA recursive_triggers = OFF;
SELECT changes();
-- Triggers see each row; statement changes() counts only the outer rows.
CREATE TABLE cnt(n);
CREATE TRIGGER cnt_t AFTER INSERT ON cnt BEGIN INSERT INTO log(what) VALUES('row ' || new.n); END;
INSERT INTO cnt VALUES(1), (2), (3);
SELECT changes();
SELECT count(*) FROM log;
-- Trigger with several statements and a subquery.
CREATE TABLE totals(owner TEXT PRIMARY KEY, total INTEGER);
CREATE TRIGGER keep_totals AFTER UPDATE OF balance ON acct BEGIN
  INSERT OR IGNORE INTO totals VALUES(new.owner, 0);
  UPDATE totals SET total = (SELECT sum(balance) FROM acct WHERE owner = new.owner) WHERE owner = new.owner;
END;
UPDATE acct SET balance = balance + 7;
SELECT owner, total FROM totals ORDER BY owner;
-- Triggers go away with their table.
SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'a';
DROP TABLE a;
SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'a';
SELECT count(*) FROM sqlite_schema WHERE type = 'trigger';
-- error: no such table: main.nosuch
CREATE TRIGGER t_nosuch AFTER INSERT ON nosuch BEGIN SELECT 1; END;
CREATE TEMP TRIGGER temp_tr AFTER INSERT ON b BEGIN INSERT INTO c VALUES(-new.x); END;
INSERT INTO b VALUES(100);
SELECT x FROM c ORDER BY rowid;
SELECT name, tbl_name FROM sqlite_temp_schema WHERE type = 'trigger';
DROP TRIGGER temp_tr;
PRAGMA integrity_check;
