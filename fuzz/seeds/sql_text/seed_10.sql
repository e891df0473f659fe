-- PRAGMAs: schema introspection (table_info, table_xinfo, index_list,
-- index_info, index_xinfo), header fields (user_version, application_id,
-- schema_version), sizes (page_size, page_count, freelist_count,
-- cache_size), integrity_check, quick_check, encoding, database_list,
-- case_sensitive_like, and the function-style pragma forms.

PRAGMA user_version;
PRAGMA user_version = 7;
PRAGMA user_version;
PRAGMA main.user_version = -3;
PRAGMA user_version;
PRAGMA user_version = 2147483647;
PRAGMA user_version;
PRAGMA user_version = 2147483648;
PRAGMA user_version;
PRAGMA user_version = '12';
PRAGMA user_version;
PRAGMA user_version = 0;
PRAGMA application_id;
PRAGMA application_id = 1234;
PRAGMA application_id;
PRAGMA application_id = -1;
PRAGMA application_id;
PRAGMA encoding;
PRAGMA page_size;
PRAGMA cache_size;
PRAGMA cache_size = 500;
PRAGMA cache_size;
PRAGMA cache_size = -4000;
PRAGMA cache_size;
PRAGMA page_count;
PRAGMA freelist_count;
PRAGMA schema_version;
PRAGMA database_list;
PRAGMA integrity_check;
PRAGMA quick_check;
PRAGMA integrity_check(10);
SELECT * FROM pragma_user_version;
SELECT user_version FROM pragma_user_version();
SELECT * FROM pragma_encoding;

CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'n', score REAL DEFAULT 1.5, tag, blob_col BLOB DEFAULT x'00', UNIQUE(name, tag));
PRAGMA schema_version;
PRAGMA page_count;
PRAGMA table_info(t);
PRAGMA table_info('t');
PRAGMA main.table_info(t);
PRAGMA table_xinfo(t);
PRAGMA index_list(t);
PRAGMA index_info(sqlite_autoindex_t_1);
PRAGMA index_xinfo(sqlite_autoindex_t_1);
SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('t') ORDER BY cid;
SELECT count(*) FROM pragma_table_info('t');
SELECT cid, name FROM pragma_table_info('t') WHERE pk = 1;
PRAGMA table_info(nosuchtable);
PRAGMA index_info(nosuchindex);
PRAGMA index_list(nosuchtable);

CREATE TABLE g(a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL, c TEXT AS (upper(d)) STORED, d TEXT);
PRAGMA table_info(g);
PRAGMA table_xinfo(g);
INSERT INTO g(a, d) VALUES(21, 'x');
SELECT a, b, c, d FROM g;
SELECT * FROM g;
-- error: cannot INSERT into generated column "b"
INSERT INTO g(a, b) VALUES(1, 2);

CREATE TABLE w(k TEXT PRIMARY KEY, v INTEGER, x) WITHOUT ROWID;
CREATE INDEX w_v ON w(v DESC);
PRAGMA table_info(w);
PRAGMA index_list(w);
PRAGMA index_info(w_v);
PRAGMA index_xinfo(w_v);
PRAGMA index_xinfo(sqlite_autoindex_w_1);

CREATE INDEX t_score ON t(score DESC, name COLLATE NOCASE);
CREATE UNIQUE INDEX t_tag ON t(tag) WHERE tag IS NOT NULL;
CREATE INDEX t_expr ON t(length(name), score + 1);
PRAGMA index_list(t);
PRAGMA index_info(t_score);
PRAGMA index_xinfo(t_score);
PRAGMA index_info(t_tag);
PRAGMA index_xinfo(t_tag);
PRAGMA index_info(t_expr);
PRAGMA index_xinfo(t_expr);
SELECT name, "unique", origin, partial FROM pragma_index_list('t') ORDER BY name;
SELECT seqno, cid, name FROM pragma_index_info('t_score') ORDER BY seqno;
PRAGMA schema_version;

-- Sizes move with content.
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)
  INSERT INTO t(name, score, tag) SELECT 'name' || x, x / 7.0, CASE WHEN x % 3 = 0 THEN NULL ELSE 'tag' || x END FROM c;
PRAGMA page_count;
PRAGMA freelist_count;
DELETE FROM t WHERE id % 2 = 0;
PRAGMA page_count;
PRAGMA freelist_count;
DELETE FROM t;
PRAGMA page_count;
PRAGMA freelist_count;
PRAGMA integrity_check;
VACUUM;
PRAGMA page_count;
PRAGMA freelist_count;
DROP INDEX t_expr;
PRAGMA freelist_count;
PRAGMA schema_version;
PRAGMA integrity_check;
PRAGMA quick_check;

-- case_sensitive_like.
SELECT 'abc' LIKE 'ABC', 'abc' LIKE 'a%', 'ABC' LIKE 'a%';
PRAGMA case_sensitive_like = ON;
SELECT 'abc' LIKE 'ABC', 'abc' LIKE 'a%', 'ABC' LIKE 'a%';
PRAGMA case_sensitive_like = 1;
SELECT 'abc' LIKE 'ABC';
PRAGMA case_sensitive_like = OFF;
SELECT 'abc' LIKE 'ABC', 'ABC' LIKE 'a%';
PRAGMA case_sensitive_like = false;
SELECT 'x' LIKE 'X';

-- Boolean pragma spellings.
PRAGMA foreign_keys;
PRAGMA foreign_keys = yes;
PRAGMA foreign_keys;
PRAGMA foreign_keys = no;
PRAGMA foreign_keys;
PRAGMA foreign_keys = true;
PRAGMA foreign_keys;
PRAGMA foreign_keys = 0;
PRAGMA recursive_triggers;
PRAGMA automatic_index;
PRAGMA temp_store;
PRAGMA synchronous;
PRAGMA journal_mode;
PRAGMA locking_mode;
PRAGMA auto_vacuum;
PRAGMA secure_delete;
PRAGMA cell_size_check;
PRAGMA ignore_check_constraints;
PRAGMA ignore_check_constraints = 1;
CREATE TABLE ck(x CHECK (x > 0));
INSERT INTO ck VALUES(-1);
PRAGMA ignore_check_constraints = 0;
-- error: CHECK constraint failed: x > 0
INSERT INTO ck VALUES(-2);
SELECT x FROM ck;

-- Foreign keys enforced when switched on.
PRAGMA foreign_keys = ON;
CREATE TABLE parent(id INTEGER PRIMARY KEY);
CREATE TABLE child(pid INTEGER REFERENCES parent(id) ON DELETE CASCADE);
INSERT INTO parent VALUES(1), (2);
INSERT INTO child VALUES(1), (2), (NULL);
-- error: FOREIGN KEY constraint failed
INSERT INTO child VALUES(3);
DELETE FROM parent WHERE id = 1;
SELECT pid FROM child ORDER BY pid;
PRAGMA foreign_key_list(child);
PRAGMA foreign_key_check;
PRAGMA foreign_keys = OFF;
INSERT INTO child VALUES(99);
PRAGMA foreign_key_check;
PRAGMA foreign_key_check(child);

-- Unknown pragmas are ignored; bad arguments.
PRAGMA no_such_pragma;
PRAGMA no_such_pragma = 5;
-- error: unknown database nosuchdb
PRAGMA nosuchdb.user_version;
PRAGMA user_version = 'abc';
PRAGMA user_version;
