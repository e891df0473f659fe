-- SELECT basics: result columns and their names, DISTINCT, WHERE, ORDER BY
-- in every form (expressions, ordinals, aliases, COLLATE, NULLS FIRST/LAST,
-- mixed types), LIMIT/OFFSET, VALUES as a table, and SELECT without FROM.

CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept TEXT, salary INTEGER, bonus REAL, boss INTEGER);
INSERT INTO emp VALUES
  (1, 'Alice', 'eng', 120, 10.5, NULL),
  (2, 'bob', 'eng', 100, NULL, 1),
  (3, 'Carol', 'sales', 90, 5.0, 1),
  (4, 'dave', 'sales', 90, 2.5, 3),
  (5, 'Eve', NULL, 70, NULL, 3),
  (6, 'frank', 'ops', NULL, 0.0, 1),
  (7, 'Grace', 'eng', 130, 20.0, 2),
  (8, 'heidi', 'ops', 60, 1.25, 6),
  (9, 'Ivan', 'sales', 90, NULL, 3),
  (10, 'judy', 'eng', 100, 3.75, 2);
CREATE TABLE mixed(v);
INSERT INTO mixed VALUES(1), (2.5), ('10'), ('abc'), ('ABC'), (x'00'), (NULL), (-3), ('2'), (1.5), (''), (x''), ('a b'), (0), (-0.5);

SELECT 1;
SELECT 1, 2.5, 'three', x'04', NULL;
SELECT 1 AS one, 2 two, 'x' AS "quoted alias", 3 AS [bracketed];
SELECT 1 + 2, 'a' || 'b', -(-3), +'4';
SELECT * FROM emp ORDER BY id;
SELECT emp.* FROM emp WHERE id < 3 ORDER BY id;
SELECT name, emp.dept, main.emp.salary FROM emp WHERE id = 1;
SELECT id AS x, name AS x FROM emp WHERE id = 1;
SELECT id, id, id FROM emp WHERE id = 2;
SELECT *, name FROM emp WHERE id = 3;
SELECT rowid, oid, _rowid_, * FROM emp WHERE id = 4;
SELECT salary + bonus, salary * 2 AS double_salary, name || '@' || dept FROM emp ORDER BY id;
SELECT count(*) FROM emp;
SELECT DISTINCT dept FROM emp ORDER BY dept;
SELECT DISTINCT salary FROM emp ORDER BY salary DESC;
SELECT DISTINCT dept, salary FROM emp ORDER BY dept, salary;
SELECT ALL dept FROM emp ORDER BY dept, id;
SELECT DISTINCT v FROM mixed ORDER BY v;
SELECT DISTINCT upper(name) > 'F' FROM emp ORDER BY 1;
SELECT DISTINCT NULL FROM emp;

-- WHERE.
SELECT id FROM emp WHERE dept = 'eng' ORDER BY id;
SELECT id FROM emp WHERE dept <> 'eng' ORDER BY id;
SELECT id FROM emp WHERE dept != 'eng' OR dept IS NULL ORDER BY id;
SELECT id FROM emp WHERE dept IS NULL;
SELECT id FROM emp WHERE dept IS NOT NULL ORDER BY id;
SELECT id FROM emp WHERE dept ISNULL;
SELECT id FROM emp WHERE dept NOTNULL ORDER BY id;
SELECT id FROM emp WHERE dept NOT NULL ORDER BY id;
SELECT id FROM emp WHERE salary > 90 AND bonus IS NOT NULL ORDER BY id;
SELECT id FROM emp WHERE salary > 90 OR bonus > 4 ORDER BY id;
SELECT id FROM emp WHERE NOT (salary > 90) ORDER BY id;
SELECT id FROM emp WHERE salary BETWEEN 90 AND 100 ORDER BY id;
SELECT id FROM emp WHERE salary NOT BETWEEN 90 AND 100 ORDER BY id;
SELECT id FROM emp WHERE salary IN (60, 70, 130) ORDER BY id;
SELECT id FROM emp WHERE salary NOT IN (60, 70, 130) ORDER BY id;
SELECT id FROM emp WHERE name LIKE '%a%' ORDER BY id;
SELECT id FROM emp WHERE name GLOB '*a*' ORDER BY id;
SELECT id FROM emp WHERE name > 'a' ORDER BY id;
SELECT id FROM emp WHERE bonus ORDER BY id;
SELECT id FROM emp WHERE NOT bonus ORDER BY id;
SELECT id FROM emp WHERE salary ORDER BY id;
SELECT id FROM emp WHERE 'abc' ORDER BY id;
SELECT id FROM emp WHERE '1abc' ORDER BY id LIMIT 2;
SELECT id FROM emp WHERE NULL;
SELECT id FROM emp WHERE id = '3';
SELECT id FROM emp WHERE id = 3.0;
SELECT id FROM emp WHERE id = '3.0';
SELECT id FROM emp WHERE salary = '90' ORDER BY id;
SELECT id FROM emp WHERE name = 'alice';
SELECT id FROM emp WHERE name = 'alice' COLLATE NOCASE;
SELECT id FROM emp WHERE name COLLATE NOCASE = 'ALICE';
SELECT id FROM emp WHERE id = (SELECT max(id) FROM emp);
SELECT id FROM emp WHERE boss = id - 1 ORDER BY id;
SELECT v, typeof(v) FROM mixed WHERE v = 1;
SELECT v, typeof(v) FROM mixed WHERE v = '1';
SELECT v, typeof(v) FROM mixed WHERE v > 1 ORDER BY rowid;
SELECT v, typeof(v) FROM mixed WHERE v < 'a' ORDER BY rowid;
SELECT v, typeof(v) FROM mixed WHERE v >= x'' ORDER BY rowid;

-- ORDER BY.
SELECT id, salary FROM emp ORDER BY salary, id;
SELECT id, salary FROM emp ORDER BY salary DESC, id ASC;
SELECT id, salary FROM emp ORDER BY salary ASC NULLS LAST, id;
SELECT id, salary FROM emp ORDER BY salary DESC NULLS FIRST, id;
SELECT id, salary FROM emp ORDER BY salary NULLS FIRST, id DESC;
SELECT id, salary FROM emp ORDER BY salary DESC NULLS LAST, id;
SELECT id, bonus FROM emp ORDER BY bonus, id;
SELECT id, bonus FROM emp ORDER BY bonus DESC, id;
SELECT id, name FROM emp ORDER BY name;
SELECT id, name FROM emp ORDER BY name COLLATE NOCASE;
SELECT id, name FROM emp ORDER BY name COLLATE NOCASE DESC;
SELECT id, name FROM emp ORDER BY name COLLATE RTRIM;
SELECT id, name FROM emp ORDER BY name COLLATE BINARY DESC;
SELECT id, name FROM emp ORDER BY lower(name) DESC;
SELECT id, name FROM emp ORDER BY length(name), name;
SELECT id, name, dept FROM emp ORDER BY 3, 2;
SELECT id, name, dept FROM emp ORDER BY 3 DESC, 1 DESC;
SELECT id AS k, name FROM emp ORDER BY k DESC;
SELECT id, salary * -1 AS neg FROM emp ORDER BY neg, id;
SELECT id FROM emp ORDER BY salary IS NULL, salary, id;
SELECT id FROM emp ORDER BY CASE dept WHEN 'ops' THEN 0 WHEN 'eng' THEN 1 ELSE 2 END, id;
SELECT id FROM emp ORDER BY (SELECT count(*) FROM emp AS e2 WHERE e2.boss = emp.id) DESC, id;
SELECT name FROM emp ORDER BY dept, salary DESC, name;
SELECT name FROM emp ORDER BY random() IS NULL, id;
SELECT v, typeof(v) FROM mixed ORDER BY v;
SELECT v, typeof(v) FROM mixed ORDER BY v DESC;
SELECT v, typeof(v) FROM mixed ORDER BY v COLLATE NOCASE, rowid;
SELECT v FROM mixed ORDER BY typeof(v), v;
SELECT id FROM emp ORDER BY 1 + 1, id;
-- error: 1st ORDER BY term out of range - should be between 1 and 2
SELECT id, name FROM emp ORDER BY 3;
-- error: 1st ORDER BY term out of range - should be between 1 and 1
SELECT id FROM emp ORDER BY 0;
-- error: no such column: nope
SELECT id FROM emp ORDER BY nope;
SELECT id FROM emp ORDER BY name LIMIT 3;

-- LIMIT and OFFSET.
SELECT id FROM emp ORDER BY id LIMIT 3;
SELECT id FROM emp ORDER BY id LIMIT 3 OFFSET 2;
SELECT id FROM emp ORDER BY id LIMIT 2, 3;
SELECT id FROM emp ORDER BY id LIMIT 0;
SELECT id FROM emp ORDER BY id LIMIT -1;
SELECT id FROM emp ORDER BY id LIMIT -1 OFFSET 8;
SELECT id FROM emp ORDER BY id LIMIT 5 OFFSET 100;
SELECT id FROM emp ORDER BY id LIMIT 2 OFFSET -3;
SELECT id FROM emp ORDER BY id LIMIT 1 + 1;
SELECT id FROM emp ORDER BY id LIMIT (SELECT count(*) FROM emp) / 4;
SELECT id FROM emp ORDER BY id LIMIT '2';
SELECT id FROM emp ORDER BY id LIMIT 2.0;
-- error: datatype mismatch
SELECT id FROM emp ORDER BY id LIMIT 'x';
-- error: datatype mismatch
SELECT id FROM emp ORDER BY id LIMIT 1.5;
-- error: datatype mismatch
SELECT id FROM emp ORDER BY id LIMIT NULL;
SELECT id FROM emp ORDER BY id DESC LIMIT 3;
SELECT DISTINCT dept FROM emp ORDER BY dept LIMIT 2 OFFSET 1;
SELECT id FROM emp WHERE dept = 'eng' ORDER BY salary DESC, id LIMIT 1;

-- VALUES.
VALUES(1, 2), (3, 4);
VALUES('a'), ('b'), (NULL);
SELECT * FROM (VALUES(1, 'one'), (2, 'two'), (3, 'three')) ORDER BY 1 DESC;
SELECT column1, column2 FROM (VALUES(1, 'one'), (2, 'two')) WHERE column1 > 1;
SELECT t.column1 FROM (VALUES(5), (6)) AS t ORDER BY 1;
VALUES(1 + 1, 'x' || 'y', typeof(1.5));
-- error: all VALUES must have the same number of terms
VALUES(1, 2), (3);
SELECT * FROM (VALUES(1), (2)) AS a, (VALUES('x'), ('y')) AS b ORDER BY 1, 2;

-- Column names of expressions.
SELECT id+1, "id", [name], emp.name, (salary), -salary, salary AS "s a l" FROM emp WHERE id = 1;
SELECT count(*), max(id), min(name) FROM emp;
SELECT 'it''s', "id" FROM emp WHERE id = 1;
SELECT CAST(1 AS TEXT), 1 IS NULL, 1 BETWEEN 0 AND 2, NULL IS NOT NULL;
SELECT (SELECT 1), EXISTS (SELECT 1), 2 IN (1, 2);
SELECT a.id, b.id FROM emp a, emp b WHERE a.id = 1 AND b.id = 2;
SELECT * FROM (SELECT id, name FROM emp WHERE id < 3) ORDER BY id;
SELECT sub.* FROM (SELECT id AS i, name AS n FROM emp WHERE id < 3) AS sub ORDER BY sub.i;
SELECT "unknown identifier in double quotes";
SELECT name FROM emp WHERE name = "Alice";

-- Bare columns with min/max.
SELECT name, max(salary) FROM emp;
SELECT name, min(salary) FROM emp;
SELECT dept, name, max(id) FROM emp GROUP BY dept ORDER BY dept;
SELECT dept, name, min(bonus) FROM emp GROUP BY dept ORDER BY dept;
SELECT name, max(id) FROM emp WHERE dept = 'sales';
SELECT name FROM emp WHERE id = (SELECT max(id) FROM emp WHERE salary = 90);

-- INDEXED BY and NOT INDEXED.
CREATE INDEX emp_salary ON emp(salary);
SELECT id FROM emp INDEXED BY emp_salary WHERE salary > 95 ORDER BY id;
SELECT id FROM emp NOT INDEXED WHERE salary > 95 ORDER BY id;
SELECT id, salary FROM emp WHERE salary >= 90 ORDER BY salary, id;
SELECT id, salary FROM emp WHERE salary < 95 ORDER BY salary DESC, id;
-- error: no such index: nope
SELECT id FROM emp INDEXED BY nope;
