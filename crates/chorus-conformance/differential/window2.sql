-- Window functions, part 2: frame edge cases, RANGE offsets over mixed
-- types and NULLs, named-window inheritance and its errors, FILTER,
-- window functions with GROUP BY / DISTINCT / LIMIT / subqueries / CTEs,
-- output order without ORDER BY, and SQLite's error messages.

CREATE TABLE t(id INTEGER PRIMARY KEY, g TEXT, x, y REAL);
INSERT INTO t VALUES(1,'a',1,1.5),(2,'a',2,NULL),(3,'a',2,2.25),(4,'b',NULL,0.5),(5,'b',7,3.0),
  (6,'b',9,-1.0),(7,'c','txt',4.0),(8,'a',40,0.0),(9,'c',NULL,NULL),(10,'b',5.5,9.5),(11,'c',X'01',1.0),(12,'a',3,7.75);
CREATE TABLE e(a, b);

-- Empty input.
SELECT a, row_number() OVER (ORDER BY a), sum(a) OVER () FROM e;
SELECT count(*) OVER () FROM e;
-- No ORDER BY: output follows the first window's sort.
SELECT id, g, row_number() OVER (PARTITION BY g) FROM t;
SELECT id, x, row_number() OVER (ORDER BY x DESC, id), rank() OVER (ORDER BY id) FROM t;
SELECT id, rank() OVER (ORDER BY id), row_number() OVER (ORDER BY x DESC, id) FROM t;
-- scan-order
SELECT id, count(*) OVER () FROM t;
-- Ranking over ties and NULLs.
SELECT id, x, rank() OVER w, dense_rank() OVER w, percent_rank() OVER w, cume_dist() OVER w FROM t WINDOW w AS (ORDER BY x) ORDER BY id;
SELECT id, x, rank() OVER w, dense_rank() OVER w, percent_rank() OVER w, cume_dist() OVER w FROM t WINDOW w AS (PARTITION BY g ORDER BY x DESC NULLS FIRST) ORDER BY id;
SELECT id, rank() OVER (), dense_rank() OVER (), percent_rank() OVER (), cume_dist() OVER () FROM t ORDER BY id;
SELECT id, ntile(5) OVER (ORDER BY id), ntile(12) OVER (ORDER BY id), ntile(13) OVER (ORDER BY id), ntile(2.7) OVER (ORDER BY id) FROM t ORDER BY id;
SELECT id, ntile(2) OVER (PARTITION BY g ORDER BY id) FROM t ORDER BY id;
-- lag/lead offsets and defaults.
SELECT id, lag(x, 0) OVER (ORDER BY id), lag(x, -2) OVER (ORDER BY id), lead(x, -1, 'd') OVER (ORDER BY id) FROM t ORDER BY id;
SELECT id, lag(x, NULL) OVER (ORDER BY id), lead(x, 1.5, 'frac') OVER (ORDER BY id), lead(x, '2') OVER (ORDER BY id), lag(id, 2.0) OVER (ORDER BY id) FROM t ORDER BY id;
SELECT id, lag(id, 1, id * 100) OVER (PARTITION BY g ORDER BY id), lead(y, 2, -1) OVER (PARTITION BY g ORDER BY id) FROM t ORDER BY id;
SELECT id, lag(x, 100) OVER (ORDER BY id), lead(x, 9223372036854775807) OVER (ORDER BY id) FROM t ORDER BY id;
-- first/last/nth_value with frames and exclusion.
SELECT id, first_value(id) OVER w, last_value(id) OVER w, nth_value(id, 2) OVER w FROM t WINDOW w AS (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING) ORDER BY id;
SELECT id, first_value(id) OVER w, last_value(id) OVER w, nth_value(id, 2) OVER w FROM t WINDOW w AS (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING) ORDER BY id;
SELECT id, first_value(id) OVER w, last_value(id) OVER w, nth_value(id, 3) OVER w FROM t WINDOW w AS (PARTITION BY g ORDER BY x GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) ORDER BY id;
SELECT id, first_value(id) OVER w, last_value(id) OVER w FROM t WINDOW w AS (ORDER BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) ORDER BY id;
SELECT id, nth_value(x, 2.0) OVER (ORDER BY id) FROM t ORDER BY id;
-- ROWS frames.
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) FROM t ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) FROM t ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN 0 PRECEDING AND 0 FOLLOWING), count(*) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND CURRENT ROW) FROM t ORDER BY id;
SELECT id, group_concat(id) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING), group_concat(id, '') OVER (ORDER BY id ROWS 3 PRECEDING) FROM t ORDER BY id;
SELECT id, string_agg(g, '-') OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
SELECT id, min(x) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING), max(y) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
SELECT id, total(y) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING), avg(y) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING), sum(y) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t ORDER BY id;
SELECT id, sum(x) OVER (ORDER BY id ROWS BETWEEN '1' PRECEDING AND 1.0 FOLLOWING) FROM t ORDER BY id;
-- GROUPS frames.
SELECT id, g, sum(id) OVER (ORDER BY g GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING), count(*) OVER (ORDER BY g GROUPS 2 PRECEDING) FROM t ORDER BY id;
SELECT id, g, sum(id) OVER (ORDER BY g GROUPS BETWEEN 2 FOLLOWING AND 5 FOLLOWING), sum(id) OVER (ORDER BY g GROUPS BETWEEN 3 PRECEDING AND 1 PRECEDING) FROM t ORDER BY id;
SELECT id, g, sum(id) OVER (ORDER BY g GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) FROM t ORDER BY id;
-- RANGE frames.
SELECT id, x, sum(id) OVER (ORDER BY x RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING) FROM t ORDER BY id;
SELECT id, x, sum(id) OVER (ORDER BY x DESC RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
SELECT id, x, sum(id) OVER (ORDER BY x NULLS LAST RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM t ORDER BY id;
SELECT id, x, sum(id) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND 3 PRECEDING) FROM t ORDER BY id;
SELECT id, x, sum(id) OVER (ORDER BY x RANGE BETWEEN 1 FOLLOWING AND 10 FOLLOWING) FROM t ORDER BY id;
SELECT id, y, count(*) OVER (ORDER BY y RANGE BETWEEN 0.5 PRECEDING AND 0.5 FOLLOWING EXCLUDE CURRENT ROW) FROM t ORDER BY id;
SELECT id, y, sum(id) OVER (PARTITION BY g ORDER BY y DESC RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING) FROM t ORDER BY id;
SELECT id, sum(id) OVER (RANGE BETWEEN CURRENT ROW AND CURRENT ROW), sum(id) OVER (PARTITION BY g RANGE UNBOUNDED PRECEDING) FROM t ORDER BY id;
-- EXCLUDE forms.
SELECT id, g, group_concat(id) OVER (ORDER BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE GROUP) FROM t ORDER BY id;
SELECT id, g, group_concat(id) OVER (ORDER BY g RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE TIES) FROM t ORDER BY id;
SELECT id, g, group_concat(id) OVER (ORDER BY g GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE NO OTHERS) FROM t ORDER BY id;
SELECT id, g, min(id) OVER (PARTITION BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW), max(id) OVER (ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) FROM t ORDER BY id;
-- FILTER.
-- scan-order
SELECT id, sum(id) FILTER (WHERE g = 'a') OVER (ORDER BY id), count(*) FILTER (WHERE x > 2) OVER (ORDER BY id ROWS 2 PRECEDING), group_concat(id) FILTER (WHERE id % 2 = 0) OVER () FROM t ORDER BY id;
SELECT id, max(x) FILTER (WHERE g <> 'c') OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
-- Named windows and inheritance.
SELECT id, sum(id) OVER (w ORDER BY id), count(*) OVER (w) FROM t WINDOW w AS (PARTITION BY g) ORDER BY id;
SELECT id, sum(id) OVER w2 FROM t WINDOW w1 AS (PARTITION BY g), w2 AS (w1 ORDER BY id ROWS 1 PRECEDING) ORDER BY id;
SELECT id, sum(id) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t WINDOW w AS (PARTITION BY g ORDER BY x) ORDER BY id;
SELECT id, row_number() OVER win FROM t WINDOW win AS (ORDER BY y DESC, id) ORDER BY id;
-- Aggregates and GROUP BY.
SELECT g, count(*), sum(count(*)) OVER (), rank() OVER (ORDER BY sum(id) DESC), lag(g) OVER (ORDER BY g) FROM t GROUP BY g ORDER BY g;
SELECT g, max(id), row_number() OVER (ORDER BY max(id)) FROM t GROUP BY g HAVING count(*) > 3 ORDER BY 3;
SELECT count(*), row_number() OVER () FROM t;
SELECT sum(id) OVER (), count(*) FROM t WHERE id > 100;
SELECT g, sum(id) FILTER (WHERE id > 3), avg(sum(id)) OVER (ORDER BY g ROWS 1 PRECEDING) FROM t GROUP BY g ORDER BY g;
-- DISTINCT, LIMIT, ORDER BY on window values.
SELECT DISTINCT g, max(id) OVER (PARTITION BY g) FROM t ORDER BY 2 DESC;
SELECT id, row_number() OVER (ORDER BY id DESC) AS rn FROM t ORDER BY rn LIMIT 4 OFFSET 2;
SELECT id FROM t ORDER BY sum(id) OVER (PARTITION BY g), id LIMIT 5;
SELECT id, rank() OVER (ORDER BY g) r FROM t ORDER BY r DESC, id;
-- Subqueries, CTEs, views, joins.
SELECT * FROM (SELECT g, id, rank() OVER (PARTITION BY g ORDER BY y DESC) AS rk FROM t) WHERE rk <= 2 ORDER BY g, rk, id;
WITH c AS (SELECT id, sum(id) OVER (ORDER BY id) AS run FROM t) SELECT id, run, run - lag(run) OVER (ORDER BY id) FROM c ORDER BY id;
SELECT id, (SELECT count(*) FROM t AS u WHERE u.g = t.g), row_number() OVER (ORDER BY id DESC) FROM t ORDER BY id;
SELECT id, (SELECT max(rn) FROM (SELECT row_number() OVER () AS rn FROM t AS u WHERE u.g = t.g)) FROM t ORDER BY id;
SELECT a.id, b.id, row_number() OVER (ORDER BY a.id, b.id) FROM t AS a JOIN t AS b ON a.g = b.g AND a.id < b.id WHERE a.g = 'c' ORDER BY 3;
CREATE VIEW v AS SELECT id, g, dense_rank() OVER (ORDER BY g) AS dr FROM t;
SELECT * FROM v WHERE dr = 2 ORDER BY id;
SELECT dr, count(*) FROM v GROUP BY dr ORDER BY dr;
SELECT id, row_number() OVER (ORDER BY id) FROM t WHERE id IN (SELECT id FROM t WHERE g = 'b') ORDER BY id;
SELECT x, sum(x) OVER (ORDER BY x) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 2 UNION ALL SELECT 3) ORDER BY x;
SELECT id, sum(id) OVER (ORDER BY id) FROM t WHERE g = 'a' UNION ALL SELECT 0, count(*) OVER () FROM t WHERE g = 'c' ORDER BY 1, 2;
-- Collation in PARTITION BY / ORDER BY.
CREATE TABLE n(k TEXT COLLATE NOCASE, v INT);
INSERT INTO n VALUES('A',1),('a',2),('b',3),('B',4),('c',5);
SELECT k, v, sum(v) OVER (PARTITION BY k), rank() OVER (ORDER BY k), count(*) OVER (PARTITION BY k COLLATE BINARY) FROM n ORDER BY v;
-- Expressions over window results.
SELECT id, CASE WHEN row_number() OVER (ORDER BY id) % 2 = 0 THEN 'even' ELSE 'odd' END, coalesce(lag(x) OVER (ORDER BY id), 'none') FROM t ORDER BY id;
SELECT id, round(100.0 * sum(y) OVER (ORDER BY id) / total(y) OVER (), 3) FROM t ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) = sum(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
-- Large integer sums and overflow.
CREATE TABLE big(i INTEGER PRIMARY KEY, v INT);
INSERT INTO big VALUES(1, 9223372036854775807),(2, 1),(3, -5),(4, 10);
-- Rows enter a sliding sum from the start of the partition, so the
-- overflow of rows 1+2 surfaces even though no frame holds both.
-- error: integer overflow
SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM big ORDER BY i;
-- error: integer overflow
SELECT i, sum(v) OVER (ORDER BY i ROWS 1 PRECEDING) FROM big ORDER BY i;
SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING EXCLUDE CURRENT ROW) FROM big ORDER BY i;
SELECT i, total(v) OVER (ORDER BY i ROWS 1 PRECEDING), avg(v) OVER (ORDER BY i) FROM big ORDER BY i;
-- Errors.
-- error: misuse of window function row_number()
SELECT row_number() FROM t;
-- error: misuse of window function rank()
SELECT g FROM t GROUP BY g HAVING rank() OVER (ORDER BY g) > 1;
-- error: misuse of window function row_number()
SELECT g FROM t GROUP BY row_number() OVER ();
-- error: misuse of window function rank()
SELECT sum(rank() OVER ()) OVER () FROM t;
-- error: misuse of window function lag()
SELECT count(*) FROM t WHERE lag(x) OVER () IS NULL;
-- error: no such window: w
SELECT sum(id) OVER (w ORDER BY id) FROM t;
-- The first WINDOW definition's base is not looked up (SQLite's parser).
SELECT sum(id) OVER w FROM t WINDOW w AS (w2 ORDER BY id) ORDER BY id;
-- error: no such window: w3
SELECT sum(id) OVER w FROM t WINDOW w AS (ORDER BY id), w2 AS (w3);
-- error: no such window: w2
SELECT sum(id) OVER w FROM t WINDOW w AS (ORDER BY id), w1 AS (w2), w2 AS (PARTITION BY g);
-- error: cannot override frame specification of window: w
SELECT sum(id) OVER w2 FROM t WINDOW w AS (ROWS 1 PRECEDING), w2 AS (w ORDER BY id);
SELECT id, sum(id) OVER w FROM t WINDOW w AS (ORDER BY id), w AS (ORDER BY id DESC) ORDER BY id;
-- error: cannot override PARTITION clause of window: w
SELECT sum(id) OVER (w PARTITION BY g) FROM t WINDOW w AS (ORDER BY id);
-- error: cannot override ORDER BY clause of window: w
SELECT sum(id) OVER (w ORDER BY g) FROM t WINDOW w AS (ORDER BY id);
-- error: cannot override frame specification of window: w
SELECT sum(id) OVER (w) FROM t WINDOW w AS (ORDER BY id ROWS 1 PRECEDING);
-- error: unsupported frame specification
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM t;
-- error: unsupported frame specification
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW) FROM t;
-- error: unsupported frame specification
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 1 PRECEDING) FROM t;
-- error: RANGE with offset PRECEDING/FOLLOWING requires one ORDER BY expression
SELECT sum(id) OVER (ORDER BY id, g RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t;
-- error: RANGE with offset PRECEDING/FOLLOWING requires one ORDER BY expression
SELECT sum(id) OVER (RANGE BETWEEN CURRENT ROW AND 2 FOLLOWING) FROM t;
-- error: frame starting offset must be a non-negative integer
SELECT sum(id) OVER (ORDER BY id ROWS 1.5 PRECEDING) FROM t;
-- error: frame starting offset must be a non-negative integer
SELECT sum(id) OVER (ORDER BY id GROUPS 'a' PRECEDING) FROM t;
-- error: frame ending offset must be a non-negative integer
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND -2 FOLLOWING) FROM t;
-- error: frame starting offset must be a non-negative number
SELECT sum(id) OVER (ORDER BY id RANGE 'x' PRECEDING) FROM t;
-- error: frame ending offset must be a non-negative number
SELECT sum(id) OVER (ORDER BY id RANGE BETWEEN CURRENT ROW AND -0.5 FOLLOWING) FROM t;
-- error: frame starting offset must be a non-negative number
SELECT sum(id) OVER (ORDER BY id RANGE NULL PRECEDING) FROM t;
-- error: argument of ntile must be a positive integer
SELECT ntile(-1) OVER () FROM t;
-- error: argument of ntile must be a positive integer
SELECT ntile('abc') OVER (ORDER BY id) FROM t;
-- error: second argument to nth_value must be a positive integer
SELECT nth_value(id, 0) OVER () FROM t;
-- error: second argument to nth_value must be a positive integer
SELECT nth_value(id, 1.5) OVER () FROM t;
-- error: wrong number of arguments to function row_number()
SELECT row_number(1) OVER () FROM t;
-- error: wrong number of arguments to function lag()
SELECT lag() OVER () FROM t;
-- error: wrong number of arguments to function nth_value()
SELECT nth_value(id) OVER () FROM t;
-- error: wrong number of arguments to function sum()
SELECT sum(id, 2) OVER () FROM t;
-- error: FILTER clause may only be used with aggregate window functions
SELECT rank() FILTER (WHERE id > 2) OVER () FROM t;
-- error: DISTINCT is not supported for window functions
SELECT count(DISTINCT g) OVER () FROM t;
-- error: upper() may not be used as a window function
SELECT upper(g) OVER () FROM t;
-- error: no such function: nosuch
SELECT nosuch(1) OVER (ORDER BY id) FROM t;
