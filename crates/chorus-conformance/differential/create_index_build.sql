-- CREATE INDEX on a filled table: entries are sorted and inserted in key
-- order; UNIQUE refuses duplicate non-NULL keys (mixed types, collations,
-- DESC, expressions, partial indexes, WITHOUT ROWID); the index answers as
-- one built row by row.
CREATE TABLE b(id INTEGER PRIMARY KEY, a, t TEXT, r REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO b SELECT i,
  CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN i % 97 WHEN 2 THEN CAST(i % 89 AS TEXT)
    WHEN 3 THEN (i % 83) + 0.5 WHEN 4 THEN x'00ff' || randomblob(0) ELSE 'k' || (i % 7) END,
  printf('Name-%05d', (i * 7919) % 2003), i % 13
FROM n;
CREATE INDEX ba ON b(a);
CREATE INDEX bt_desc ON b(t DESC, a);
CREATE INDEX bt_nocase ON b(t COLLATE NOCASE);
CREATE INDEX bexpr ON b(a || t, r * 2);
CREATE INDEX bpart ON b(r) WHERE a IS NOT NULL;
PRAGMA integrity_check;
-- scan-order
SELECT id, a FROM b WHERE a = 5;
-- scan-order
SELECT id, a FROM b WHERE a = '5';
SELECT count(*), min(t), max(t) FROM b WHERE t > 'Name-01000';
SELECT count(*) FROM b WHERE r = 3 AND a IS NOT NULL;
CREATE UNIQUE INDEX bu_t ON b(t);
-- error: UNIQUE constraint failed: b.a
CREATE UNIQUE INDEX bu_a ON b(a);
-- error: UNIQUE constraint failed: b.a, b.r
CREATE UNIQUE INDEX bu_ar ON b(a, r);
CREATE UNIQUE INDEX bu_tn ON b(lower(t));
-- error: UNIQUE constraint failed: index 'bu_expr'
CREATE UNIQUE INDEX bu_expr ON b(id % 1000);
CREATE UNIQUE INDEX bu_part ON b(a) WHERE id <= 6;
CREATE UNIQUE INDEX bu_part2 ON b(a) WHERE id <= 12;
SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name;
PRAGMA integrity_check;
-- NULLs never collide in a UNIQUE index.
CREATE TABLE n2(x, y);
INSERT INTO n2 VALUES (NULL, 1), (NULL, 1), (1, NULL), (1, NULL), (2, 2);
CREATE UNIQUE INDEX n2u ON n2(x, y);
-- error: UNIQUE constraint failed: n2.x, n2.y
INSERT INTO n2 VALUES (2, 2);
CREATE TABLE n3(x COLLATE NOCASE);
INSERT INTO n3 VALUES ('a'), ('B'), ('A');
-- error: UNIQUE constraint failed: n3.x
CREATE UNIQUE INDEX n3u ON n3(x);
CREATE UNIQUE INDEX n3b ON n3(x COLLATE BINARY);
-- WITHOUT ROWID
CREATE TABLE w(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO w SELECT id, a FROM b WHERE id <= 300;
CREATE INDEX wv ON w(v);
-- error: UNIQUE constraint failed: w.v
CREATE UNIQUE INDEX wu ON w(v);
CREATE UNIQUE INDEX wk ON w(k, v);
-- scan-order
SELECT k, v FROM w WHERE v = 5;
PRAGMA integrity_check;
