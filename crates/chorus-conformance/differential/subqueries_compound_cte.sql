-- Compound SELECTs (UNION, UNION ALL, INTERSECT, EXCEPT), subqueries
-- (scalar, IN, EXISTS, correlated, in FROM), and WITH / WITH RECURSIVE.

CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT, parent INTEGER, score REAL);
INSERT INTO p VALUES(1, 'root', NULL, 1.0), (2, 'a', 1, 2.0), (3, 'b', 1, 3.0), (4, 'a1', 2, 4.0),
  (5, 'a2', 2, NULL), (6, 'b1', 3, 6.0), (7, 'a1x', 4, 7.0), (8, 'lone', NULL, 8.0);
CREATE TABLE q(v);
INSERT INTO q VALUES(1), (2), (2), (3), (NULL), ('2'), (2.5), ('x');

-- Compounds.
SELECT 1 UNION SELECT 2 UNION SELECT 1 ORDER BY 1;
SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 1;
SELECT v FROM q UNION SELECT v FROM q ORDER BY 1;
SELECT v FROM q UNION ALL SELECT v FROM q ORDER BY 1;
SELECT v FROM q INTERSECT SELECT id FROM p ORDER BY 1;
SELECT id FROM p EXCEPT SELECT v FROM q ORDER BY 1;
SELECT v FROM q EXCEPT SELECT id FROM p ORDER BY 1;
SELECT name FROM p WHERE id < 4 UNION SELECT name FROM p WHERE id > 6 ORDER BY name DESC;
SELECT id, name FROM p WHERE id < 3 UNION ALL SELECT id, name FROM p WHERE id > 6 ORDER BY 1 DESC LIMIT 3;
SELECT id FROM p UNION SELECT v FROM q ORDER BY 1 LIMIT 4 OFFSET 2;
SELECT NULL UNION SELECT NULL;
SELECT NULL INTERSECT SELECT NULL;
SELECT 1, 'a' UNION SELECT 1, 'a' UNION SELECT 1, 'b' ORDER BY 2;
SELECT 'x' AS first UNION SELECT 'y' ORDER BY first;
SELECT 1 AS a UNION ALL SELECT 2 AS b;
SELECT 1 EXCEPT SELECT 1;
SELECT 2 INTERSECT SELECT 2.0;
SELECT '2' INTERSECT SELECT 2;
SELECT 1 UNION SELECT 1.0;
SELECT 1.0 UNION SELECT 1;
SELECT 'abc' UNION SELECT 'ABC' ORDER BY 1;
SELECT 'abc' COLLATE NOCASE UNION SELECT 'ABC';
SELECT id FROM p WHERE id <= 3 UNION ALL SELECT id FROM p WHERE id <= 2 EXCEPT SELECT 1 ORDER BY 1;
SELECT id FROM p WHERE id <= 3 INTERSECT SELECT id FROM p WHERE id >= 2 UNION SELECT 10 ORDER BY 1;
SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2) WHERE x > 1;
SELECT count(*) FROM (SELECT v FROM q UNION SELECT v FROM q);
-- error: near "ORDER": syntax error
VALUES(1) UNION VALUES(2) UNION VALUES(1) ORDER BY 1;
-- error: near "ORDER": syntax error
SELECT * FROM (VALUES(1),(2) ORDER BY 1);
-- error: near "LIMIT": syntax error
VALUES(1) LIMIT 1;
-- error: near "ORDER": syntax error
SELECT 2 UNION VALUES(1) ORDER BY 1;
VALUES(1) UNION SELECT 2 ORDER BY 1;
VALUES(1) UNION ALL VALUES(2) UNION ALL VALUES(1);
SELECT * FROM (VALUES(3) UNION ALL VALUES(1)) ORDER BY 1;
SELECT max(x) FROM (SELECT 3 AS x UNION ALL SELECT 9 UNION ALL SELECT 4);
-- error: SELECTs to the left and right of UNION do not have the same number of result columns
SELECT 1, 2 UNION SELECT 3;
-- error: 1st ORDER BY term does not match any column in the result set
SELECT id FROM p UNION SELECT v FROM q ORDER BY name;
-- error: ORDER BY clause should come after UNION not before
SELECT 1 ORDER BY 1 UNION SELECT 2;
-- error: LIMIT clause should come after UNION ALL not before
SELECT 1 LIMIT 1 UNION ALL SELECT 2;
SELECT id AS n FROM p UNION SELECT v FROM q ORDER BY n;

-- Scalar subqueries.
SELECT (SELECT name FROM p WHERE id = 2);
SELECT (SELECT name FROM p WHERE id = 99);
SELECT (SELECT name FROM p ORDER BY id DESC);
-- error: sub-select returns 2 columns - expected 1
SELECT (SELECT id, name FROM p WHERE id = 1) IS NULL;
SELECT id, (SELECT count(*) FROM p AS c WHERE c.parent = p.id) AS kids FROM p ORDER BY id;
SELECT id, (SELECT name FROM p AS par WHERE par.id = p.parent) FROM p ORDER BY id;
SELECT id FROM p WHERE score > (SELECT avg(score) FROM p) ORDER BY id;
SELECT id FROM p WHERE (SELECT count(*) FROM p AS c WHERE c.parent = p.id) = 0 ORDER BY id;
SELECT (SELECT max(v) FROM q) + 1, (SELECT min(v) FROM q) - 1;
SELECT name FROM p ORDER BY (SELECT count(*) FROM p AS c WHERE c.parent = p.id) DESC, id LIMIT 3;
-- error: sub-select returns 2 columns - expected 1
SELECT 1 + (SELECT 1, 2);
-- error: sub-select returns 2 columns - expected 1
SELECT (SELECT 1, 2) + 1;
-- error: row value misused
SELECT (1, 2) + 1;
SELECT (1, 2) = (SELECT 1, 2), (1, 2) < (SELECT 1, 3), (SELECT 1, 2) IN (SELECT 1, 2);

-- IN.
SELECT id FROM p WHERE id IN (SELECT parent FROM p) ORDER BY id;
SELECT id FROM p WHERE id NOT IN (SELECT parent FROM p WHERE parent IS NOT NULL) ORDER BY id;
SELECT id FROM p WHERE id NOT IN (SELECT parent FROM p) ORDER BY id;
SELECT 1 IN (SELECT v FROM q), 5 IN (SELECT v FROM q), NULL IN (SELECT v FROM q), 5 NOT IN (SELECT v FROM q);
SELECT 'x' IN (SELECT v FROM q), '2' IN (SELECT v FROM q), 2.0 IN (SELECT v FROM q);
SELECT 1 IN (), 1 NOT IN (), NULL IN (), NULL NOT IN ();
SELECT 3 IN (1, 2, NULL), 1 IN (1, 2, NULL), 3 NOT IN (1, 2, NULL), 3 NOT IN (1, 2);
SELECT id FROM p WHERE (id, parent) IN (SELECT id, parent FROM p WHERE id % 2 = 0) ORDER BY id;
SELECT id FROM p WHERE name IN ('a', 'b', 'zzz') ORDER BY id;
SELECT id FROM p WHERE id IN (SELECT id FROM p WHERE score > 3 ORDER BY id LIMIT 2) ORDER BY id;
SELECT id FROM p WHERE id IN (SELECT 2 UNION SELECT 3) ORDER BY id;
CREATE TABLE ids(i INTEGER);
INSERT INTO ids VALUES(2), (4), (6);
SELECT id FROM p WHERE id IN ids ORDER BY id;
SELECT id FROM p WHERE id NOT IN ids ORDER BY id;
-- error: sub-select returns 2 columns - expected 1
SELECT 1 IN (SELECT 1, 2);

-- EXISTS.
SELECT EXISTS (SELECT 1 FROM p), EXISTS (SELECT 1 FROM p WHERE 0), NOT EXISTS (SELECT 1 FROM p WHERE 0);
SELECT EXISTS (SELECT NULL);
SELECT id FROM p WHERE EXISTS (SELECT 1 FROM p AS c WHERE c.parent = p.id) ORDER BY id;
SELECT id FROM p WHERE NOT EXISTS (SELECT 1 FROM p AS c WHERE c.parent = p.id) ORDER BY id;
SELECT id FROM p AS o WHERE EXISTS (SELECT 1 FROM p AS i WHERE i.parent = o.id AND EXISTS (SELECT 1 FROM p AS j WHERE j.parent = i.id)) ORDER BY id;

-- Correlated subqueries at several depths.
SELECT id, (SELECT (SELECT name FROM p AS g WHERE g.id = par.parent) FROM p AS par WHERE par.id = p.parent) AS grandparent FROM p ORDER BY id;
SELECT id FROM p WHERE score = (SELECT max(score) FROM p AS s WHERE s.parent IS p.parent) ORDER BY id;
SELECT name, (SELECT group_concat(name, ',') FROM (SELECT name FROM p AS c WHERE c.parent = p.id ORDER BY name)) FROM p ORDER BY id;

-- Subqueries in FROM.
SELECT * FROM (SELECT id, name FROM p WHERE parent = 1) ORDER BY id;
SELECT t.n, t.c FROM (SELECT parent AS n, count(*) AS c FROM p GROUP BY parent) AS t ORDER BY t.n;
SELECT x.id, y.id FROM (SELECT id FROM p WHERE id < 3) AS x, (SELECT id FROM p WHERE id > 6) AS y ORDER BY 1, 2;
SELECT * FROM (SELECT * FROM (SELECT id, score FROM p) WHERE score > 2) WHERE id < 7 ORDER BY id;
SELECT count(*) FROM (SELECT 1 FROM p LIMIT 3);
SELECT * FROM (SELECT id FROM p ORDER BY id DESC LIMIT 3) ORDER BY id;
SELECT avg(s) FROM (SELECT score AS s FROM p WHERE score IS NOT NULL ORDER BY score LIMIT 4);
SELECT d.name, d.cnt FROM (SELECT p.name, count(c.id) AS cnt FROM p LEFT JOIN p AS c ON c.parent = p.id GROUP BY p.id) AS d WHERE d.cnt > 0 ORDER BY d.name;

-- WITH.
WITH t AS (SELECT id, name FROM p WHERE parent = 1) SELECT * FROM t ORDER BY id;
WITH t(a, b) AS (SELECT id, name FROM p WHERE parent = 2) SELECT b, a FROM t ORDER BY a;
WITH x AS (SELECT 1 AS n), y AS (SELECT n + 1 AS n FROM x) SELECT x.n, y.n FROM x, y;
WITH x AS (SELECT id FROM p) SELECT count(*) FROM x AS a JOIN x AS b ON a.id = b.id;
WITH x AS MATERIALIZED (SELECT id FROM p WHERE id < 4) SELECT * FROM x ORDER BY id;
WITH x AS NOT MATERIALIZED (SELECT id FROM p WHERE id < 4) SELECT * FROM x ORDER BY id;
WITH t AS (SELECT 5 AS v) SELECT v FROM t UNION ALL SELECT v + 1 FROM t;
SELECT * FROM (WITH t AS (SELECT 7 AS s) SELECT s FROM t);
WITH t AS (SELECT id FROM p) SELECT id FROM p WHERE id IN t ORDER BY id DESC LIMIT 2;
-- error: no such table: nope
WITH t AS (SELECT 1) SELECT * FROM nope;
-- error: table t has 1 values for 2 columns
WITH t(a, b) AS (SELECT 1) SELECT * FROM t;
-- error: duplicate WITH table name: t
WITH t AS (SELECT 1), t AS (SELECT 2) SELECT * FROM t;

-- WITH RECURSIVE.
WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt WHERE x < 10) SELECT x FROM cnt;
WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt LIMIT 5) SELECT x FROM cnt;
WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt) SELECT x FROM cnt LIMIT 3;
WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt WHERE x < 100) SELECT sum(x), count(*) FROM cnt;
WITH RECURSIVE fib(a, b, n) AS (SELECT 0, 1, 1 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 30) SELECT n, a FROM fib ORDER BY n DESC LIMIT 5;
WITH RECURSIVE anc(id, name, depth) AS (SELECT id, name, 0 FROM p WHERE id = 7 UNION ALL SELECT p.id, p.name, anc.depth + 1 FROM p JOIN anc ON p.id = (SELECT parent FROM p AS x WHERE x.id = anc.id)) SELECT * FROM anc ORDER BY depth;
WITH RECURSIVE tree(id, path) AS (SELECT id, name FROM p WHERE parent IS NULL UNION ALL SELECT p.id, tree.path || '/' || p.name FROM p JOIN tree ON p.parent = tree.id) SELECT id, path FROM tree ORDER BY path;
WITH RECURSIVE tree(id, lvl) AS (SELECT 1, 0 UNION ALL SELECT p.id, lvl + 1 FROM p JOIN tree ON p.parent = tree.id ORDER BY 2 DESC) SELECT id, lvl FROM tree ORDER BY lvl, id;
WITH RECURSIVE r(x) AS (SELECT 1 UNION SELECT x * 2 % 7 FROM r) SELECT x FROM r ORDER BY x;
WITH RECURSIVE r(x) AS (SELECT 'a' UNION ALL SELECT x || 'a' FROM r WHERE length(x) < 5) SELECT group_concat(x, ' ') FROM r;
WITH RECURSIVE digits(d) AS (VALUES(0) UNION ALL SELECT d + 1 FROM digits WHERE d < 9) SELECT count(*) FROM digits AS a, digits AS b WHERE a.d + b.d = 9;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3), d(y) AS (SELECT x * 10 FROM c) SELECT x, y FROM c, d ORDER BY x, y;
WITH RECURSIVE m(i, acc) AS (SELECT 1, 1 UNION ALL SELECT i + 1, acc * (i + 1) FROM m WHERE i < 20) SELECT i, acc FROM m WHERE i > 17;
WITH RECURSIVE m(i, acc) AS (SELECT 1, 1 UNION ALL SELECT i + 1, acc * (i + 1) FROM m WHERE i < 25) SELECT i, acc, typeof(acc) FROM m WHERE i > 19;
-- error: circular reference: r
WITH r(x) AS (SELECT x FROM r) SELECT * FROM r;
-- error: recursive aggregate queries not supported
WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT count(*) FROM r) SELECT * FROM r;
CREATE TABLE fromcte AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4) SELECT x, x * x AS sq FROM c;
SELECT * FROM fromcte ORDER BY x;
WITH t AS (SELECT 1 AS a) UPDATE fromcte SET sq = -sq WHERE x IN (SELECT a FROM t);
WITH t AS (SELECT 4 AS a) DELETE FROM fromcte WHERE x IN t;
SELECT * FROM fromcte ORDER BY x;
