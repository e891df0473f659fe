-- UPDATE ... FROM with a WITHOUT ROWID target: rows found by PRIMARY KEY.
CREATE TABLE inv(sku TEXT PRIMARY KEY, qty INT, note TEXT) WITHOUT ROWID;
INSERT INTO inv VALUES('a', 10, NULL), ('b', 20, NULL), ('c', 30, NULL), ('d', 40, 'keep');
CREATE TABLE delta(sku TEXT, n INT);
INSERT INTO delta VALUES('a', 1), ('b', 5), ('b', 7), ('x', 99);
UPDATE inv SET qty = qty + delta.n, note = 'changed' FROM delta WHERE inv.sku = delta.sku;
-- scan-order
SELECT * FROM inv ORDER BY sku;
UPDATE inv AS i SET qty = d.total FROM (SELECT sku, sum(n) AS total FROM delta GROUP BY sku) AS d WHERE i.sku = d.sku RETURNING sku, qty;
SELECT * FROM inv ORDER BY sku;
-- Composite, DESC and NOCASE keys; the key itself assigned.
CREATE TABLE pair(x TEXT COLLATE NOCASE, y INT, v, PRIMARY KEY(y DESC, x)) WITHOUT ROWID;
INSERT INTO pair VALUES('p', 1, 'one'), ('Q', 1, 'two'), ('p', 2, 'three');
CREATE TABLE src(x, y, w);
INSERT INTO src VALUES('P', 1, 'x1'), ('q', 1, 'x2'), ('p', 2, 'x3'), ('p', 3, 'none');
UPDATE pair SET v = src.w FROM src WHERE pair.x = src.x AND pair.y = src.y;
-- scan-order
SELECT * FROM pair;
UPDATE pair SET y = pair.y + 10 FROM src WHERE src.w = 'x2' AND pair.v = src.w;
-- scan-order
SELECT * FROM pair;
-- error: UNIQUE constraint failed: pair.y, pair.x
UPDATE pair SET y = 1, x = 'P' FROM src WHERE src.w = 'x3' AND pair.v = 'x3';
-- scan-order
SELECT * FROM pair;
-- With generated columns and an index on one of them.
CREATE TABLE g(k INTEGER PRIMARY KEY, a, twice AS (a * 2), s AS (a || '!') STORED) WITHOUT ROWID;
CREATE INDEX g_twice ON g(twice);
INSERT INTO g(k, a) VALUES(1, 1), (2, 2), (3, 3);
UPDATE g SET a = g.a + t.d FROM (SELECT 2 AS k, 100 AS d UNION ALL SELECT 3, 200) AS t WHERE g.k = t.k;
SELECT * FROM g ORDER BY k;
SELECT k FROM g WHERE twice = 204;
PRAGMA integrity_check;
-- Several joined rows for one target row.
CREATE TABLE many(sku TEXT, n INT);
INSERT INTO many VALUES('c', 3), ('c', 9), ('a', 4), ('c', 1), ('a', 2);
UPDATE inv SET qty = many.n FROM many WHERE many.sku = inv.sku;
-- scan-order
SELECT * FROM inv ORDER BY sku;
UPDATE inv SET note = m.n FROM (SELECT * FROM many ORDER BY n DESC) AS m WHERE m.sku = inv.sku;
-- scan-order
SELECT * FROM inv ORDER BY sku;
