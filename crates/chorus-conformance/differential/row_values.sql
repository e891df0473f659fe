-- Row values: comparisons (all operators, NULL elements), IS, IN lists and
-- subqueries, BETWEEN, multi-column scalar subqueries (also correlated),
-- row-value UPDATE SET and UPDATE ... FROM with several sources.

CREATE TABLE rv(a, b, c);
INSERT INTO rv VALUES(1, 2, 'x'), (2, 1, 'y'), (2, 2, 'z'), (NULL, 1, 'n');
SELECT c FROM rv WHERE (a, b) < (2, 2) ORDER BY c;
SELECT c FROM rv WHERE (a, b) >= (2, 1) ORDER BY c;
SELECT c FROM rv WHERE (a, b) <> (2, 2) ORDER BY c;
SELECT c, (a, b) = (2, 1), (a, b) IS (NULL, 1), (a, b) IS NOT (2, 2) FROM rv ORDER BY c;
SELECT c FROM rv WHERE (a, b) BETWEEN (1, 5) AND (2, 1) ORDER BY c;
SELECT c FROM rv WHERE (a, b) IN ((2, 1), (1, 2), (NULL, 1)) ORDER BY c;
SELECT c FROM rv WHERE (a, b) NOT IN ((2, 1), (1, 2)) ORDER BY c;
SELECT c FROM rv WHERE (b, a) IN (SELECT a, b FROM rv) ORDER BY c;
SELECT c FROM rv AS o WHERE (a, b) = (SELECT max(a), o.b FROM rv) ORDER BY c;
SELECT (SELECT a, b FROM rv ORDER BY c) = (1, 2), (SELECT a, b FROM rv WHERE 0) IS (NULL, NULL);
-- error: row value misused
SELECT (1, 2) + 1;
-- error: row value misused
SELECT c FROM rv WHERE (a, b, c) = (1, 2);
-- error: sub-select returns 3 columns - expected 2
SELECT (1, 2) IN (SELECT 1, 2, 3);

CREATE TABLE u(id INTEGER PRIMARY KEY, a, b, c);
INSERT INTO u VALUES(1, 1, 2, 3), (2, 4, 5, 6);
UPDATE u SET (a, b) = (b, a), c = a + b;
SELECT * FROM u ORDER BY id;
UPDATE u SET (c, a) = (SELECT max(id), min(id) FROM u) WHERE id = 2;
SELECT * FROM u ORDER BY id;
-- error: 2 columns assigned 3 values
UPDATE u SET (a, b) = (1, 2, 3);

CREATE TABLE src(k, v);
INSERT INTO src VALUES(1, 'one'), (2, 'two'), (2, 'deux');
CREATE TABLE extra(k, w);
INSERT INTO extra VALUES(1, 10), (2, 20);
UPDATE u SET b = src.v, c = extra.w FROM src JOIN extra USING (k) WHERE src.k = u.id AND src.v <> 'deux';
SELECT * FROM u ORDER BY id;
SELECT changes();
UPDATE u SET a = 0 FROM src WHERE src.k = 99;
SELECT changes();
UPDATE u AS t SET a = t.a + s.n FROM (SELECT k, count(*) AS n FROM src GROUP BY k) AS s WHERE s.k = t.id RETURNING id, a;
SELECT * FROM u ORDER BY id;
