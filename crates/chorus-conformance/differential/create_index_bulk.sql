-- CREATE INDEX building the new tree bottom-up from sorted entries: trees
-- of two levels and more, keys long enough for overflow chains,
-- integer/text/blob keys, DESC, NULLs, REINDEX (clears and rebuilds), and
-- writes into the built trees afterwards. (The differential databases are
-- in memory, where Chorus keeps 4096-byte pages and no auto-vacuum; small
-- pages and auto-vacuum are covered by chorus-storage's btree_bulk_load
-- and chorus's create_index_file_compat tests.)
CREATE TABLE big(id INTEGER PRIMARY KEY, i INTEGER, s TEXT, bl BLOB, l TEXT);
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 6000)
INSERT INTO big SELECT k,
  CASE WHEN k % 11 = 0 THEN NULL ELSE ((k * 7919) % 6007) - 3000 END,
  printf('s%06d-%s', (k * 104729) % 6007, substr('abcdefghijklmnopqrstuvwxyz', 1 + k % 26)),
  CASE WHEN k % 7 = 0 THEN NULL ELSE zeroblob(k % 5) || x'ff' || k END,
  CASE WHEN k % 50 = 0 THEN printf('%.*c', 900 + k % 700, 'x') || k ELSE 'l' || (k % 300) END
FROM n;
CREATE INDEX bi ON big(i);
CREATE INDEX bi_desc ON big(i DESC, s);
CREATE INDEX bs ON big(s);
CREATE INDEX bbl ON big(bl);
CREATE INDEX bl_long ON big(l);
CREATE INDEX bl_desc ON big(l DESC);
CREATE INDEX bmix ON big(i, s DESC, bl);
PRAGMA integrity_check;
SELECT count(*) FROM pragma_page_count WHERE page_count > 100;
SELECT count(*), min(i), max(i) FROM big INDEXED BY bi WHERE i > -10000;
SELECT id FROM big INDEXED BY bi WHERE i BETWEEN -5 AND 5 ORDER BY i, id;
SELECT id, i FROM big INDEXED BY bi_desc WHERE i < -2990 ORDER BY i DESC, s;
SELECT count(*) FROM big INDEXED BY bs WHERE s >= 's003000';
SELECT id FROM big INDEXED BY bbl WHERE bl = x'0000ff3135';
SELECT id, length(l) FROM big INDEXED BY bl_long WHERE l > 'x' ORDER BY l LIMIT 5;
SELECT id, length(l) FROM big INDEXED BY bl_desc WHERE l > 'x' ORDER BY l DESC LIMIT 5;
SELECT count(*) FROM big INDEXED BY bmix WHERE i IS NULL;
-- UNIQUE over the long keys: duplicates exist ('l' || k % 300)
-- error: UNIQUE constraint failed: big.l
CREATE UNIQUE INDEX bl_u ON big(l);
CREATE UNIQUE INDEX bs_u ON big(s, id);
-- error: UNIQUE constraint failed: index 'bi_u'
CREATE UNIQUE INDEX bi_u ON big(i % 1000);
CREATE UNIQUE INDEX bi_u2 ON big(i, id);
REINDEX big;
REINDEX bl_long;
PRAGMA integrity_check;
SELECT count(*) FROM pragma_page_count WHERE page_count > 100;
-- Writes into the built trees.
DELETE FROM big WHERE id % 3 = 0;
INSERT INTO big(i, s, bl, l) SELECT i + 1, s || '+', bl, l || '+' FROM big WHERE id % 5 = 1;
UPDATE big SET s = upper(s) WHERE id % 7 = 2;
PRAGMA integrity_check;
SELECT count(*) FROM pragma_page_count WHERE page_count > 100;
SELECT count(*), sum(i) FROM big INDEXED BY bi WHERE i > -10000;
SELECT count(*) FROM big INDEXED BY bl_long WHERE l > '';
-- Partial index with a condition that drops most rows, and an index on
-- an empty table.
CREATE INDEX bpart ON big(s) WHERE i > 2900;
-- scan-order
SELECT id FROM big INDEXED BY bpart WHERE i > 2900 AND s > '' ORDER BY s;
CREATE TABLE e(x);
CREATE INDEX ex ON e(x);
INSERT INTO e VALUES (3), (1), (2);
-- scan-order
SELECT x FROM e INDEXED BY ex WHERE x > 0;
DROP INDEX bs;
CREATE INDEX bs ON big(s);
PRAGMA integrity_check;
SELECT count(*) FROM pragma_page_count WHERE page_count > 100;
-- Entries made straight from table records: REAL columns (integral values
-- stored as integers, large ones as doubles), the rowid alias as a key
-- column, short records after ADD COLUMN (the default fills in), STORED
-- and VIRTUAL generated columns.
CREATE TABLE r(id INTEGER PRIMARY KEY, x REAL, y NUMERIC, z);
INSERT INTO r VALUES (1, 1.0, 1.0, 1.0), (2, 2.5, 2.5, 2.5), (3, 140737488355328.0, 1e300, -0.0),
  (4, 140737488355327, 9223372036854775807, 'x'), (5, -3, '-3', x'00'), (6, NULL, NULL, NULL),
  (7, '7.0', '7.0', '7.0'), (8, 'abc', 'abc', 'abc'), (9, 1e20, 1e20, 1e20);
CREATE INDEX rx ON r(x);
CREATE INDEX ry ON r(y, id);
CREATE INDEX rz ON r(id, z);
CREATE UNIQUE INDEX rxu ON r(x, z);
PRAGMA integrity_check;
SELECT id, x, typeof(x) FROM r INDEXED BY rx WHERE x IS NOT NULL ORDER BY x;
SELECT id, y, typeof(y) FROM r INDEXED BY ry WHERE y IS NOT NULL ORDER BY y, id;
SELECT id FROM r INDEXED BY rx WHERE x = 1;
SELECT id FROM r INDEXED BY rx WHERE x = 140737488355328;
ALTER TABLE r ADD COLUMN d TEXT DEFAULT 'dflt';
ALTER TABLE r ADD COLUMN e REAL DEFAULT 3;
INSERT INTO r(id, x, d, e) VALUES (10, 10, 'given', 4.5);
CREATE INDEX rd ON r(d, e);
CREATE INDEX re ON r(e);
PRAGMA integrity_check;
SELECT id, d, e, typeof(e) FROM r INDEXED BY rd WHERE d > '' ORDER BY d, e, id;
-- scan-order
SELECT id FROM r INDEXED BY re WHERE e = 3;
CREATE TABLE g(id INTEGER PRIMARY KEY, a, s AS (a * 2) STORED, v AS (a || 'v') VIRTUAL);
INSERT INTO g(id, a) SELECT k, k % 17 FROM (WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 500) SELECT k FROM n);
CREATE INDEX gs ON g(s);
CREATE INDEX gv ON g(v);
CREATE INDEX gsv ON g(a, s, v);
PRAGMA integrity_check;
SELECT count(*), sum(id) FROM g INDEXED BY gs WHERE s = 6;
SELECT count(*), sum(id) FROM g INDEXED BY gv WHERE v = '3v';
SELECT count(*) FROM g INDEXED BY gsv WHERE a = 3 AND s = 6 AND v = '3v';
