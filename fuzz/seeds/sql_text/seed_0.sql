-- Aggregates: count/sum/total/avg/min/max/group_concat/string_agg with
-- DISTINCT, FILTER and ORDER BY arguments, over empty input, NULLs, mixed
-- types, integer overflow; GROUP BY and HAVING in their forms.

CREATE TABLE s(g TEXT, h INTEGER, v, w REAL);
INSERT INTO s VALUES
  ('a', 1, 1, 1.5), ('a', 1, 2, NULL), ('a', 2, 2, 2.5), ('a', 2, NULL, -1.0),
  ('b', 1, 10, 0.0), ('b', 1, '10', 10.0), ('b', 2, 'x', NULL),
  ('c', 1, NULL, NULL), ('c', NULL, 3.5, 3.5),
  (NULL, 1, 7, 7.0), (NULL, NULL, -7, NULL);
CREATE TABLE empty(x);

SELECT count(*), count(v), count(w), count(DISTINCT v), count(DISTINCT g) FROM s;
SELECT sum(h), total(h), avg(h), min(h), max(h) FROM s;
SELECT sum(w), total(w), avg(w), min(w), max(w) FROM s;
SELECT sum(v), total(v), avg(v), min(v), max(v) FROM s;
SELECT typeof(sum(h)), typeof(total(h)), typeof(avg(h)), typeof(sum(w)), typeof(sum(v)) FROM s;
SELECT count(*), count(x), sum(x), total(x), avg(x), min(x), max(x), group_concat(x) FROM empty;
SELECT typeof(sum(x)), typeof(total(x)), typeof(avg(x)) FROM empty;
SELECT count(*) FROM empty WHERE 0;
SELECT sum(DISTINCT v), count(DISTINCT v), avg(DISTINCT h), total(DISTINCT w) FROM s;
SELECT min(DISTINCT v), max(DISTINCT v) FROM s;
SELECT group_concat(g ORDER BY rowid) FROM s;
SELECT group_concat(g, '-' ORDER BY rowid) FROM s;
SELECT group_concat(DISTINCT g ORDER BY g) FROM s;
SELECT group_concat(v, '' ORDER BY rowid) FROM s;
SELECT group_concat(w ORDER BY w) FROM s;
SELECT group_concat(h, NULL ORDER BY rowid DESC) FROM s;
SELECT group_concat(g ORDER BY g DESC) FROM s;
SELECT group_concat(v, ';' ORDER BY w DESC, v) FROM s;
SELECT string_agg(g, ',' ORDER BY g, rowid) FROM s;
-- error: DISTINCT aggregates must have exactly one argument
SELECT string_agg(DISTINCT g, '|' ORDER BY g) FROM s;
SELECT string_agg(g, '|' ORDER BY g DESC) FROM s;
SELECT group_concat(x'41') FROM s WHERE g = 'a';
SELECT count(*) FILTER (WHERE h = 1), sum(v) FILTER (WHERE typeof(v) = 'integer') FROM s;
SELECT count(DISTINCT g) FILTER (WHERE v IS NOT NULL), max(w) FILTER (WHERE w < 5) FROM s;
SELECT avg(w) FILTER (WHERE 0), count(*) FILTER (WHERE NULL) FROM s;
SELECT group_concat(g, ',' ORDER BY rowid) FILTER (WHERE h = 2) FROM s;
SELECT g, group_concat(w, ',' ORDER BY w DESC) FILTER (WHERE w > 0) FROM s GROUP BY g ORDER BY g;

-- GROUP BY.
SELECT g, count(*) FROM s GROUP BY g ORDER BY g;
SELECT g, h, count(*), sum(v) FROM s GROUP BY g, h ORDER BY g, h;
SELECT h, count(*) FROM s GROUP BY h ORDER BY h;
SELECT g, sum(w), total(w), avg(w) FROM s GROUP BY g ORDER BY g;
SELECT g, min(v), max(v), typeof(min(v)), typeof(max(v)) FROM s GROUP BY g ORDER BY g;
SELECT g, group_concat(v ORDER BY v, w) FROM s GROUP BY g ORDER BY g;
SELECT g, count(DISTINCT h) FROM s GROUP BY g ORDER BY g;
SELECT g, count(*) FROM s GROUP BY 1 ORDER BY 1;
SELECT upper(g) AS G, count(*) FROM s GROUP BY G ORDER BY G;
SELECT h % 2 AS parity, count(*) FROM s GROUP BY parity ORDER BY parity;
SELECT g IS NULL, count(*) FROM s GROUP BY g IS NULL ORDER BY 1;
SELECT count(*) FROM s GROUP BY g ORDER BY count(*), g;
SELECT g FROM s GROUP BY g ORDER BY g;
SELECT g, h FROM s GROUP BY g, h HAVING count(*) > 1 ORDER BY g, h;
SELECT v, count(*) FROM s GROUP BY v ORDER BY v;
SELECT w, count(*) FROM s GROUP BY w ORDER BY w;
SELECT g COLLATE NOCASE, count(*) FROM (SELECT upper(g) AS g FROM s UNION ALL SELECT g FROM s) GROUP BY 1 ORDER BY 1;
SELECT count(*), sum(h) FROM s GROUP BY NULL;
SELECT 1 FROM s GROUP BY g ORDER BY 1;
-- error: aggregate functions are not allowed in the GROUP BY clause
SELECT count(*) FROM s GROUP BY count(*);
-- error: 1st GROUP BY term out of range - should be between 1 and 2
SELECT g, h FROM s GROUP BY 3;
-- error: no such column: nope
SELECT count(*) FROM s GROUP BY nope;

-- HAVING.
SELECT g, count(*) FROM s GROUP BY g HAVING count(*) > 2 ORDER BY g;
SELECT g, sum(v) FROM s GROUP BY g HAVING sum(v) > 3 ORDER BY g;
SELECT g FROM s GROUP BY g HAVING max(w) IS NULL ORDER BY g;
SELECT g FROM s GROUP BY g HAVING g > 'a' ORDER BY g;
SELECT g, count(*) AS n FROM s GROUP BY g HAVING n = 2 ORDER BY g;
SELECT g FROM s GROUP BY g HAVING 0;
SELECT count(*) FROM s HAVING count(*) > 5;
SELECT count(*) FROM s HAVING count(*) > 50;
SELECT g, avg(w) FROM s WHERE w > 0 GROUP BY g HAVING avg(w) > 2 ORDER BY g;
-- error: HAVING clause on a non-aggregate query
SELECT g FROM s HAVING g = 'a';
-- error: misuse of aggregate: count()
SELECT g FROM s WHERE count(*) > 1 GROUP BY g;
-- error: misuse of aggregate function count()
SELECT count(count(*)) FROM s;
-- error: wrong number of arguments to function count()
SELECT count(1, 2) FROM s;
-- error: wrong number of arguments to function sum()
SELECT sum() FROM s;

-- Aggregates in expressions and subqueries.
SELECT count(*) * 2 + 1, max(h) - min(h), sum(h) / count(h) FROM s;
SELECT (SELECT count(*) FROM s) + (SELECT count(*) FROM empty);
SELECT g, (SELECT max(h) FROM s AS t WHERE t.g = s.g) FROM s GROUP BY g ORDER BY g;
SELECT g, count(*) * 100 / (SELECT count(*) FROM s) FROM s GROUP BY g ORDER BY g;
SELECT max(cnt) FROM (SELECT count(*) AS cnt FROM s GROUP BY g);
SELECT * FROM (SELECT g, sum(h) AS total FROM s GROUP BY g) WHERE total > 2 ORDER BY g;
SELECT avg(x) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 4);
SELECT avg(x), sum(x) FROM (SELECT 0.1 AS x UNION ALL SELECT 0.2 UNION ALL SELECT 0.3);
SELECT sum(x), total(x) FROM (SELECT 1 AS x UNION ALL SELECT 2.0);
SELECT max(x), min(x) FROM (SELECT 1 AS x UNION ALL SELECT '1' UNION ALL SELECT x'01' UNION ALL SELECT 2.5);
SELECT max(x) FROM (SELECT 'abc' AS x UNION ALL SELECT 'ABD');
SELECT max(x COLLATE NOCASE) FROM (SELECT 'abc' AS x UNION ALL SELECT 'ABD');
SELECT min(x), max(x) FROM (SELECT NULL AS x UNION ALL SELECT NULL);
SELECT count(x), count(*) FROM (SELECT NULL AS x UNION ALL SELECT NULL);
SELECT max(1, 2, 3), min(1, 2, 3), max('a', 1), min(NULL, 1);

-- Integer overflow and precision.
CREATE TABLE big(n INTEGER);
INSERT INTO big VALUES(9223372036854775807), (1);
-- error: integer overflow
SELECT sum(n) FROM big;
SELECT total(n), avg(n) FROM big;
SELECT sum(n) FROM big WHERE n = 1;
DELETE FROM big WHERE n = 1;
SELECT sum(n) FROM big;
INSERT INTO big VALUES(-9223372036854775807);
SELECT sum(n) FROM big;
-- Whether sum() overflows can depend on the order it adds in; these overflow in any order.
DELETE FROM big;
INSERT INTO big VALUES(-9223372036854775807), (-2);
-- error: integer overflow
SELECT sum(n) FROM big;
-- error: integer overflow
SELECT sum(n) FROM (SELECT n FROM big UNION ALL SELECT -9223372036854775807);
SELECT sum(n + 0.0), total(n) FROM big;
-- error: integer overflow
SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1 UNION ALL SELECT 0);
SELECT sum(x) FROM (SELECT 1e308 AS x UNION ALL SELECT 1e308);
SELECT total(x) FROM (SELECT 1e308 AS x UNION ALL SELECT 1e308);
SELECT sum(x) FROM (SELECT 1e308 AS x UNION ALL SELECT -1e308);
SELECT avg(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 9223372036854775807);
SELECT sum(x), avg(x) FROM (SELECT 0.1 AS x UNION ALL SELECT 0.1 UNION ALL SELECT 0.1 UNION ALL SELECT 0.1 UNION ALL SELECT 0.1 UNION ALL SELECT 0.1 UNION ALL SELECT 0.1 UNION ALL SELECT 0.1 UNION ALL SELECT 0.1 UNION ALL SELECT 0.1);
SELECT sum(x) FROM (SELECT 1e16 AS x UNION ALL SELECT 1.0 UNION ALL SELECT -1e16);
SELECT sum(x) FROM (SELECT 'a' AS x UNION ALL SELECT '3' UNION ALL SELECT '2.5');
SELECT sum(x), typeof(sum(x)) FROM (SELECT '3' AS x UNION ALL SELECT '4');
SELECT avg(x) FROM (SELECT x'3130' AS x);

-- Aggregates over many rows.
CREATE TABLE nums(n INTEGER, m INTEGER);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) INSERT INTO nums SELECT x, x % 7 FROM c;
SELECT count(*), sum(n), avg(n), min(n), max(n), total(n) FROM nums;
SELECT m, count(*), sum(n), min(n), max(n) FROM nums GROUP BY m ORDER BY m;
SELECT m, avg(n) FROM nums GROUP BY m HAVING avg(n) > 500 ORDER BY m;
SELECT count(DISTINCT m), sum(DISTINCT m), group_concat(DISTINCT m ORDER BY m DESC) FROM nums;
SELECT length(group_concat(n)) FROM nums;
SELECT sum(n * n), sum(n) * sum(n) FROM nums;
SELECT m, count(*) FILTER (WHERE n % 2 = 0) AS evens FROM nums GROUP BY m ORDER BY m;
SELECT n / 100 AS bucket, count(*) FROM nums GROUP BY bucket ORDER BY bucket;
CREATE INDEX nums_m ON nums(m);
SELECT m, count(*), max(n) FROM nums GROUP BY m ORDER BY m;
SELECT m, max(n), n % 3 FROM nums GROUP BY m ORDER BY m;
SELECT m, min(n), n FROM nums GROUP BY m ORDER BY m DESC;

-- Aggregates with a join and a LEFT JOIN.
CREATE TABLE grp(g TEXT PRIMARY KEY, label TEXT);
INSERT INTO grp VALUES('a', 'Alpha'), ('b', 'Beta'), ('z', 'Zeta');
SELECT grp.label, count(s.g), sum(s.h) FROM grp LEFT JOIN s ON s.g = grp.g GROUP BY grp.g ORDER BY grp.g;
SELECT grp.label, count(*) FROM grp JOIN s ON s.g = grp.g GROUP BY grp.label ORDER BY 1;
SELECT grp.g, group_concat(s.v, '+' ORDER BY s.v) FROM grp LEFT JOIN s USING (g) GROUP BY grp.g ORDER BY grp.g;
