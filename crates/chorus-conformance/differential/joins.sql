-- Joins: comma, CROSS, INNER, LEFT/RIGHT/FULL [OUTER], NATURAL, USING, ON
-- vs WHERE placement, self joins, joins with subqueries and views, NULL
-- keys, and column naming of joined results.

CREATE TABLE a(id INTEGER PRIMARY KEY, x TEXT, k INTEGER);
CREATE TABLE b(id INTEGER PRIMARY KEY, y TEXT, k INTEGER);
CREATE TABLE c(k INTEGER, z TEXT);
INSERT INTO a VALUES(1, 'a1', 10), (2, 'a2', 20), (3, 'a3', NULL), (4, 'a4', 40), (5, 'a5', 20);
INSERT INTO b VALUES(1, 'b1', 10), (2, 'b2', 30), (3, 'b3', NULL), (6, 'b6', 20), (7, 'b7', 20);
INSERT INTO c VALUES(10, 'c10'), (20, 'c20'), (20, 'c20bis'), (50, 'c50'), (NULL, 'cnull');

SELECT a.id, b.id FROM a, b ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a CROSS JOIN b WHERE a.id = b.id ORDER BY 1;
SELECT a.id, b.id FROM a JOIN b ON a.k = b.k ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a INNER JOIN b ON a.k = b.k ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a JOIN b ON a.k = b.k AND b.id > 5 ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a, b WHERE a.k = b.k ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a JOIN b ON a.k IS b.k ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a JOIN b ON a.k < b.k ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a JOIN b ON 1 ORDER BY a.id, b.id LIMIT 7;
SELECT a.id, b.id FROM a JOIN b ORDER BY a.id, b.id LIMIT 4;

-- LEFT JOIN.
SELECT a.id, a.k, b.id, b.y FROM a LEFT JOIN b ON a.k = b.k ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a LEFT OUTER JOIN b ON a.k = b.k ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k WHERE b.id IS NULL ORDER BY a.id;
SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k AND b.id > 5 ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k WHERE b.id > 5 ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a LEFT JOIN b ON 0 ORDER BY a.id;
SELECT a.id, coalesce(b.y, 'none') FROM a LEFT JOIN b ON a.id = b.id ORDER BY a.id;
SELECT a.id, count(b.id) FROM a LEFT JOIN b ON a.k = b.k GROUP BY a.id ORDER BY a.id;
SELECT a.id, b.id, c.z FROM a LEFT JOIN b ON a.k = b.k LEFT JOIN c ON b.k = c.k ORDER BY a.id, b.id, c.z;
SELECT a.id, b.id, c.z FROM a LEFT JOIN b ON a.k = b.k JOIN c ON a.k = c.k ORDER BY a.id, b.id, c.z;
SELECT a.id, typeof(b.y), b.y IS NULL FROM a LEFT JOIN b ON a.id = b.id ORDER BY a.id;

-- RIGHT and FULL joins.
SELECT a.id, b.id FROM a RIGHT JOIN b ON a.k = b.k ORDER BY b.id, a.id;
SELECT a.id, b.id FROM a RIGHT OUTER JOIN b ON a.k = b.k WHERE a.id IS NULL ORDER BY b.id;
SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k ORDER BY a.id NULLS LAST, b.id NULLS LAST;
SELECT a.id, b.id FROM a FULL OUTER JOIN b ON a.k = b.k WHERE a.id IS NULL OR b.id IS NULL ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a FULL JOIN b ON a.id = b.id ORDER BY coalesce(a.id, b.id);
SELECT coalesce(a.k, b.k) AS k, a.x, b.y FROM a FULL JOIN b ON a.k = b.k ORDER BY k, a.x, b.y;
SELECT a.id, b.id, c.z FROM a RIGHT JOIN b ON a.k = b.k RIGHT JOIN c ON c.k = b.k ORDER BY c.z, a.id, b.id;
SELECT a.id, b.id FROM a RIGHT JOIN b ON a.id = b.id AND a.x = 'a2' ORDER BY b.id;
SELECT count(*) FROM a FULL JOIN b ON 0;

-- USING and NATURAL.
SELECT * FROM a JOIN b USING (id) ORDER BY id;
SELECT * FROM a JOIN b USING (k) ORDER BY a.id, b.id;
SELECT * FROM a JOIN b USING (id, k) ORDER BY id;
SELECT k, a.id, b.id FROM a LEFT JOIN b USING (k) ORDER BY a.id, b.id;
SELECT k, a.id, b.id FROM a RIGHT JOIN b USING (k) ORDER BY b.id, a.id;
SELECT k, a.id, b.id FROM a FULL JOIN b USING (k) ORDER BY k, a.id, b.id;
SELECT k, a.id, b.id FROM a RIGHT JOIN b USING (k) WHERE k > 5 ORDER BY b.id, a.id;
SELECT k, count(*) FROM a FULL JOIN b USING (k) GROUP BY k ORDER BY k;
SELECT a.k, b.k, k FROM a RIGHT JOIN b USING (k) ORDER BY b.id, a.id;
SELECT * FROM a NATURAL JOIN b ORDER BY id;
SELECT * FROM a NATURAL LEFT JOIN b ORDER BY id;
SELECT * FROM a NATURAL JOIN c ORDER BY a.id, c.z;
SELECT * FROM c NATURAL JOIN a ORDER BY a.id, c.z;
SELECT * FROM a NATURAL CROSS JOIN c ORDER BY a.id, c.z;
SELECT k FROM a JOIN c USING (k) ORDER BY k;
-- error: cannot join using column nope - column not present in both tables
SELECT * FROM a JOIN b USING (nope);
-- error: cannot join using column x - column not present in both tables
SELECT * FROM a JOIN b USING (x);
-- error: ambiguous column name: k
SELECT k FROM a, b;
-- error: ambiguous column name: id
SELECT id FROM a JOIN b ON a.k = b.k;
-- error: a NATURAL join may not have an ON or USING clause
SELECT * FROM a NATURAL JOIN b ON a.id = b.id;

-- Self joins and aliases.
SELECT x.id, y.id FROM a AS x JOIN a AS y ON x.k = y.k AND x.id < y.id ORDER BY 1, 2;
SELECT x.id, y.id FROM a x, a y WHERE x.id + 1 = y.id ORDER BY 1;
SELECT x.x, (SELECT count(*) FROM a y WHERE y.id < x.id) FROM a x ORDER BY x.id;
-- error: no such column: a.id
SELECT a.id FROM a AS x;
-- error: ambiguous column name: x.id
SELECT x.id FROM a AS x, b AS x;

-- Joins with subqueries, VALUES, views.
SELECT a.id, s.n FROM a JOIN (SELECT k, count(*) AS n FROM b GROUP BY k) AS s ON a.k = s.k ORDER BY a.id;
SELECT a.id, v.column2 FROM a JOIN (VALUES(1, 'one'), (2, 'two')) AS v ON a.id = v.column1 ORDER BY a.id;
CREATE VIEW ab AS SELECT a.id AS aid, b.id AS bid, a.k FROM a JOIN b ON a.k = b.k;
SELECT * FROM ab ORDER BY aid, bid;
SELECT ab.aid, c.z FROM ab JOIN c ON ab.k = c.k ORDER BY 1, 2;
SELECT a.id FROM a WHERE a.k IN (SELECT k FROM b) ORDER BY a.id;
SELECT a.id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k) ORDER BY a.id;
SELECT a.id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k) ORDER BY a.id;

-- Many-table joins and join order.
CREATE TABLE d(k INTEGER, w TEXT);
INSERT INTO d VALUES(10, 'd10'), (20, 'd20'), (40, 'd40');
SELECT a.id, b.id, c.z, d.w FROM a JOIN b ON a.k = b.k JOIN c ON c.k = a.k JOIN d ON d.k = c.k ORDER BY 1, 2, 3;
SELECT a.id, d.w FROM d JOIN a ON a.k = d.k LEFT JOIN b ON b.k = d.k AND b.id = 1 ORDER BY 1, 2;
SELECT count(*) FROM a, b, c, d;
SELECT count(*) FROM a JOIN b JOIN c JOIN d ON a.k = d.k;
SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k LEFT JOIN d ON d.k = b.k WHERE d.w IS NULL ORDER BY 1, 2;
SELECT a.id, b.id FROM (a LEFT JOIN b ON a.k = b.k) ORDER BY 1, 2;

-- Joins on indexed columns give the same rows.
CREATE INDEX b_k ON b(k);
CREATE INDEX c_k ON c(k);
SELECT a.id, b.id FROM a JOIN b ON a.k = b.k ORDER BY a.id, b.id;
SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k ORDER BY a.id, b.id;
SELECT a.id, c.z FROM a JOIN c ON a.k = c.k WHERE c.z > 'c1' ORDER BY a.id, c.z;
SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k ORDER BY a.id NULLS FIRST, b.id NULLS FIRST;

-- Type affinity in join comparisons.
CREATE TABLE ti(n INTEGER);
CREATE TABLE tt(s TEXT);
CREATE TABLE tn(v);
INSERT INTO ti VALUES(1), (2), (3);
INSERT INTO tt VALUES('1'), ('2'), ('x'), ('03');
INSERT INTO tn VALUES(1), ('2'), (3.0);
SELECT n, s FROM ti JOIN tt ON n = s ORDER BY n, s;
SELECT n, v FROM ti JOIN tn ON n = v ORDER BY n;
SELECT s, v FROM tt JOIN tn ON s = v ORDER BY s;
SELECT n, s FROM ti JOIN tt ON n = +s ORDER BY n;
SELECT n, s FROM ti JOIN tt ON n = CAST(s AS INTEGER) ORDER BY n, s;
