-- Window functions, part 4: frame offsets that are not constant (columns,
-- functions, subqueries: NULL to SQLite's parser), window aliases in
-- WHERE / GROUP BY, windows over joins, compounds, groups and LIMIT.

CREATE TABLE t(id INTEGER PRIMARY KEY, g TEXT, x, y REAL);
INSERT INTO t VALUES(1,'a',1,1.1),(2,'a',2,NULL),(3,'a',2,2.2),(4,'b',NULL,0.3),(5,'b',7,3.3),(6,'b',9,-1.7);
SELECT *, row_number() OVER (ORDER BY id DESC) FROM t ORDER BY id;
SELECT t.*, sum(id) OVER (PARTITION BY g) AS s FROM t ORDER BY id;
-- error: 1st ORDER BY term does not match any column in the result set
SELECT id FROM t UNION ALL SELECT id FROM t ORDER BY row_number() OVER ();
SELECT id, row_number() OVER (ORDER BY id) FROM t UNION SELECT id, rank() OVER (ORDER BY g) FROM t ORDER BY 1, 2;
SELECT a.id, sum(b.id) OVER (PARTITION BY a.id) FROM t a LEFT JOIN t b ON b.id = a.id + 1 ORDER BY 1;
SELECT g, group_concat(id) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY id RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY id RANGE BETWEEN 0 PRECEDING AND 0 FOLLOWING) FROM t ORDER BY id;
SELECT id, avg(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
SELECT id, count(x) OVER (ORDER BY x DESC RANGE BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING) FROM t ORDER BY id;
SELECT id, x, count(*) OVER (ORDER BY x RANGE BETWEEN 9223372036854775807 PRECEDING AND 9223372036854775807 FOLLOWING) FROM t ORDER BY id;
SELECT id, count(*) OVER (ORDER BY id ROWS BETWEEN 9223372036854775807 PRECEDING AND 9223372036854775807 FOLLOWING) FROM t ORDER BY id;
SELECT id, count(*) OVER (ORDER BY id GROUPS BETWEEN 9223372036854775807 PRECEDING AND 9223372036854775807 FOLLOWING) FROM t ORDER BY id;
-- error: frame ending offset must be a non-negative integer
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN 1+1 PRECEDING AND (SELECT 1) FOLLOWING) FROM t ORDER BY id;
-- error: frame starting offset must be a non-negative integer
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN ? PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
-- error: misuse of aliased window function rn
SELECT id, row_number() OVER (ORDER BY id) AS rn FROM t WHERE rn > 2;
SELECT id, row_number() OVER (ORDER BY id) AS rn FROM t ORDER BY -rn;
SELECT id, min(x) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING), max(x) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 PRECEDING) FROM t ORDER BY id;
SELECT id, min(x) FILTER (WHERE id > 1) OVER (ORDER BY id), max(x) FILTER (WHERE id < 5) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id;
SELECT id, count(*) OVER (PARTITION BY NULL ORDER BY NULL) FROM t ORDER BY id;
SELECT id, sum(id) OVER (ORDER BY y) FROM t ORDER BY id;
SELECT g, sum(id) OVER (ORDER BY g COLLATE NOCASE DESC) FROM t ORDER BY id;
SELECT id, last_value(id) OVER (ORDER BY g), nth_value(id, 10) OVER (ORDER BY g) FROM t ORDER BY id;
SELECT sum(id) OVER () FROM t LIMIT 0;
SELECT id, percent_rank() OVER (PARTITION BY id) FROM t ORDER BY id;
SELECT id, cume_dist() OVER (ORDER BY g DESC) FROM t ORDER BY id;
SELECT (SELECT row_number() OVER ()), (SELECT sum(3) OVER ());
SELECT id, sum(x) OVER (ORDER BY id) FROM t WHERE x IS NOT NULL ORDER BY 2 DESC LIMIT 2;
SELECT count(*) OVER (), count(*) FROM t;
SELECT count(*) OVER (ORDER BY g) FROM t GROUP BY g;
SELECT g, sum(id) FROM t GROUP BY g ORDER BY sum(sum(id)) OVER (ORDER BY g DESC);
SELECT max(id), lag(max(id)) OVER (ORDER BY g) FROM t GROUP BY g ORDER BY 1;
SELECT id, ntile(2) OVER w, ntile(4) OVER w FROM t WINDOW w AS (ORDER BY id) ORDER BY id;
-- error: misuse of window function lag()
SELECT id, lead(id, 1, lag(id) OVER (ORDER BY id)) OVER (ORDER BY id) FROM t;
SELECT id, sum(id) OVER (ORDER BY id) FROM t ORDER BY 2 LIMIT 3;
-- error: frame starting offset must be a non-negative integer
SELECT sum(id) OVER (ORDER BY id ROWS abs(1) PRECEDING) FROM t;
SELECT sum(id) OVER (ORDER BY id ROWS CAST('1' AS INT) PRECEDING) FROM t ORDER BY 1;
SELECT sum(id) OVER (ORDER BY id ROWS CASE WHEN 1 THEN 1 END PRECEDING) FROM t ORDER BY 1;
-- error: frame starting offset must be a non-negative integer
SELECT sum(id) OVER (ORDER BY id ROWS id PRECEDING) FROM t;
SELECT id, row_number() OVER (ORDER BY id) AS rn FROM t ORDER BY rn + 0 DESC;
-- error: misuse of aliased window function rn
SELECT id, row_number() OVER (ORDER BY id) AS rn FROM t GROUP BY rn;
