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

-- min()/max() over sliding frames: among equal values (3 and 3.0, NOCASE
-- 'a' and 'A') the newest in the frame is reported; FILTER is not applied.
CREATE TABLE m(id INTEGER PRIMARY KEY, k TEXT COLLATE NOCASE, v);
INSERT INTO m VALUES(1,'b',3),(2,'B',NULL),(3,'a',3),(4,'A',1),(5,'c','x'),(6,'C',2.5),(7,'a',NULL),(8,'b',X'00'),(9,'A',3.0),(10,'c',-1);
SELECT id, max(k) OVER w, min(k) OVER w, max(v) OVER w, min(v) OVER w FROM m WINDOW w AS (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) ORDER BY id;
SELECT id, max(k) OVER w, min(k) OVER w, max(v) OVER w, min(v) OVER w FROM m WINDOW w AS (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) ORDER BY id;
SELECT id, max(k) OVER w, min(k) OVER w, max(v) OVER w, min(v) OVER w FROM m WINDOW w AS (ORDER BY k GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING) ORDER BY id;
SELECT id, max(k COLLATE BINARY) OVER w, min(k COLLATE BINARY) OVER w FROM m WINDOW w AS (PARTITION BY k ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) ORDER BY id;
SELECT id, max(v) FILTER (WHERE id % 2 = 0) OVER (ORDER BY id ROWS 2 PRECEDING), min(v) FILTER (WHERE id > 4) OVER (ORDER BY id) FROM m ORDER BY id;
SELECT id, max(v) OVER (ORDER BY id RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING) FROM m ORDER BY id;
CREATE TABLE m2(id INTEGER PRIMARY KEY, v);
INSERT INTO m2 VALUES(1,3),(2,3.0),(3,1),(4,3),(5,2),(6,3.0),(7,3),(8,0),(9,NULL),(10,3.0);
SELECT id, max(v) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING), max(v) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), max(v) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING), min(v) OVER (ORDER BY v, id ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) FROM m2 ORDER BY id;
SELECT id, max(v) OVER (ORDER BY id), min(v) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING), max(v) OVER (), max(v) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) FROM m2 ORDER BY id;
