-- Access paths: IN lists and IN subqueries seeking an index or the rowid,
-- IS as an index equality, covering index scans and searches, ORDER BY
-- through an index (both directions) or the rowid, NOT INDEXED.
CREATE TABLE p(id INTEGER PRIMARY KEY, a INT, b TEXT, c, d REAL);
CREATE INDEX pa ON p(a);
CREATE INDEX pab ON p(a, b);
CREATE INDEX pbn ON p(b COLLATE NOCASE);
CREATE INDEX pcd ON p(c DESC);
CREATE TABLE q(x, y TEXT);
INSERT INTO q VALUES (3, 'x'), (1, 'Y'), (3, 'z'), (NULL, NULL), ('2', 'q'), (2.0, 'X');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO p SELECT i, CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 7) % 13 END,
  CASE i % 5 WHEN 0 THEN 'x' WHEN 1 THEN 'Y' WHEN 2 THEN 'y' WHEN 3 THEN 'n' || (i % 11) ELSE NULL END,
  CASE i % 4 WHEN 0 THEN i % 9 WHEN 1 THEN CAST(i % 9 AS TEXT) WHEN 2 THEN (i % 9) + 0.5 ELSE NULL END,
  CASE WHEN i % 3 = 0 THEN i % 10 ELSE (i % 10) + 0.25 END
FROM n;
-- scan-order
SELECT * FROM p WHERE a IN (3, 1, 2, 1);
-- scan-order
SELECT id, a FROM p WHERE a IN (1, '2', 3.0, NULL, 'x');
-- scan-order
SELECT id, a, b FROM p WHERE a IN (12) AND b IN ('x', 'Y', 'y');
-- scan-order
SELECT id, b FROM p WHERE b IN ('X', 'y', 'N3');
-- scan-order
SELECT id, c FROM p WHERE c IN (1, '2', 3.5, 8);
-- scan-order
SELECT id, d FROM p WHERE d IN (3, 4.25, '6');
-- scan-order
SELECT id FROM p WHERE id IN (5, 3, 3, '7', 2.5, NULL, 1000, 8.0);
-- scan-order
SELECT id FROM p WHERE rowid IN (9, 1) AND a IN (1, 2, 3, 4, 5, 6, 7, 8, 9);
SELECT count(*) FROM p WHERE a IN ();
SELECT count(*) FROM p WHERE a NOT IN (1, 2, 3, 4, 5, 6, 7, 8);
SELECT count(*), sum(id) FROM p WHERE a IN (1, 2) OR b IN ('x');
-- scan-order
SELECT * FROM p WHERE a IN (SELECT x FROM q);
-- scan-order
SELECT id FROM p WHERE id IN (SELECT x FROM q);
-- scan-order
SELECT id, b FROM p WHERE b IN (SELECT y FROM q);
-- scan-order
SELECT id FROM p WHERE a IN (SELECT x FROM q) AND b IN (SELECT y FROM q);
SELECT x FROM q WHERE x IN (SELECT a FROM p WHERE p.id = q.x * 7) ORDER BY 1;
SELECT q.x, p.id FROM q LEFT JOIN p ON p.id = q.x WHERE p.a IN (SELECT x FROM q) ORDER BY 1, 2;
-- scan-order
SELECT id FROM p WHERE a IS NULL;
-- scan-order
SELECT id FROM p WHERE a IS 3 AND b IS NULL;
-- scan-order
SELECT id FROM p WHERE b IS 'x';
SELECT count(*) FROM p;
-- scan-order
SELECT a FROM p;
-- scan-order
SELECT a, id FROM p WHERE a > 9;
-- scan-order
SELECT a, b FROM p WHERE a = 4;
-- scan-order
SELECT b FROM p WHERE b > 'n';
SELECT max(a), min(a), sum(a), count(a) FROM p;
SELECT a, count(*) FROM p GROUP BY a;
SELECT DISTINCT a FROM p ORDER BY 1;
SELECT * FROM p ORDER BY a, id LIMIT 20;
SELECT * FROM p ORDER BY a DESC, id DESC LIMIT 20;
SELECT id, a FROM p ORDER BY a, id DESC LIMIT 20 OFFSET 100;
SELECT a FROM p ORDER BY a DESC LIMIT 5 OFFSET 3;
SELECT id, a, b FROM p WHERE a = 4 ORDER BY b, id;
SELECT id, a, b FROM p WHERE a = 4 ORDER BY a, b DESC, id DESC;
SELECT id, a FROM p WHERE a > 3 AND a <= 9 ORDER BY a DESC, id DESC;
SELECT id, a FROM p WHERE a < 5 ORDER BY a DESC, id DESC;
SELECT id, c FROM p ORDER BY c DESC, id DESC;
SELECT id, c FROM p WHERE c > 2 ORDER BY c, id;
SELECT id, b FROM p ORDER BY b COLLATE NOCASE, id;
SELECT id FROM p ORDER BY id DESC LIMIT 7;
SELECT id FROM p WHERE id > 290 ORDER BY rowid DESC;
SELECT id, a FROM p ORDER BY a NULLS LAST, id;
SELECT id, a FROM p ORDER BY a DESC NULLS FIRST, id;
SELECT id, d FROM p WHERE d IN (3, 4.25) ORDER BY d DESC, id DESC;
SELECT id, a, b FROM p WHERE a IN (4, 5) AND b IN ('x', 'y') ORDER BY a DESC, b DESC, id DESC;
SELECT id, a, b FROM p WHERE a IN (4, 5) ORDER BY b, id;
SELECT id, a FROM p NOT INDEXED WHERE a = 3 ORDER BY a, id;
SELECT (SELECT count(*) FROM p), count(*) FROM q;
SELECT y, (SELECT count(*) FROM p WHERE a = q.x), count(*) FROM q GROUP BY y ORDER BY 1;
UPDATE p SET a = a + 1 WHERE a IN (1, 2);
SELECT count(*), sum(id) FROM p WHERE a IN (1, 2, 3);
DELETE FROM p WHERE a IN (SELECT x FROM q);
DELETE FROM p WHERE id IN (10, 20, 30, 10);
SELECT count(*), sum(id), sum(a) FROM p;
PRAGMA integrity_check;
