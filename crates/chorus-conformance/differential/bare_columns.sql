-- Bare columns in aggregate queries: SQLite takes the row of a single
-- min()/max(); otherwise the first row of each group in scan order (SQLite
-- 3.46; the 3.40 shell takes the last row when there is no GROUP BY).

CREATE TABLE t(g, id, v);
INSERT INTO t VALUES (2, 9, 'x'), (1, 1, 'a'), (2, 4, 'y'), (1, 2, 'b'), (1, 3, 'c'), (2, 5, 'z');
SELECT g, id, count(*) FROM t GROUP BY g;
SELECT g, id, v, sum(id) FROM t GROUP BY g ORDER BY g DESC;
SELECT g, id, avg(id) FROM t GROUP BY g HAVING count(*) > 1;
SELECT g, id, count(*) FROM t WHERE id > 1 GROUP BY g;
SELECT g, v, max(id) FROM t GROUP BY g;
SELECT g, v, min(id) FROM t GROUP BY g;
-- scan-order
SELECT id, count(*) FROM t;
-- scan-order
SELECT v, sum(id) FROM t WHERE g = 1;
SELECT v, max(id) FROM t;
SELECT v, min(id) FROM t WHERE g = 2;
SELECT g, id FROM t GROUP BY g;
CREATE INDEX tg ON t(g);
SELECT g, id, count(*) FROM t GROUP BY g;
SELECT g, id, count(*) FROM t WHERE id > 1 GROUP BY g;
SELECT g % 2, v, total(id) FROM t GROUP BY g % 2;
CREATE TABLE u(g, id);
INSERT INTO u VALUES (1, 1), (1, 2), (1, 3), (2, 4), (2, 5);
-- scan-order
SELECT id, count(*) FROM u;
-- scan-order
SELECT id, sum(g) FROM u WHERE id > 2;
SELECT g, id FROM u GROUP BY g;
