-- Expressions: every operator and its precedence, typed operands (NULL,
-- integers, reals, text, blobs) through arithmetic, comparison, logic,
-- bitwise and concatenation; CASE, CAST, BETWEEN, IN, LIKE/ESCAPE, GLOB,
-- IS [NOT] [DISTINCT FROM], COLLATE, row values, affinity in comparisons,
-- integer overflow, division by zero, and how reals print as text.

CREATE TABLE ops(k INTEGER PRIMARY KEY, x);
INSERT INTO ops(x) VALUES(NULL), (0), (1), (-1), (2), (7), (-7), (3.5), (-2.5), (0.0), ('10'), ('3abc'), ('abc'), (''), (' 4 '), ('1e2'), (x'3132'), (x''),
  (9223372036854775807), (-9223372036854775808), (1e308), (-1e-308), (4294967296), ('-0');

SELECT a.k, b.k, a.x + b.x, typeof(a.x + b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x - b.x, typeof(a.x - b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x * b.x, typeof(a.x * b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x / b.x, typeof(a.x / b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x % b.x, typeof(a.x % b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x || b.x, typeof(a.x || b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x = b.x, typeof(a.x = b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x == b.x, typeof(a.x == b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x <> b.x, typeof(a.x <> b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x != b.x, typeof(a.x != b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x < b.x, typeof(a.x < b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x <= b.x, typeof(a.x <= b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x > b.x, typeof(a.x > b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x >= b.x, typeof(a.x >= b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x IS b.x, typeof(a.x IS b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x IS NOT b.x, typeof(a.x IS NOT b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x AND b.x, typeof(a.x AND b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x OR b.x, typeof(a.x OR b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x & b.x, typeof(a.x & b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x | b.x, typeof(a.x | b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x << b.x, typeof(a.x << b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x >> b.x, typeof(a.x >> b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x IS DISTINCT FROM b.x, typeof(a.x IS DISTINCT FROM b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT a.k, b.k, a.x IS NOT DISTINCT FROM b.x, typeof(a.x IS NOT DISTINCT FROM b.x) FROM ops AS a, ops AS b ORDER BY a.k, b.k;
SELECT k, - x, typeof(- x) FROM ops ORDER BY k;
SELECT k, + x, typeof(+ x) FROM ops ORDER BY k;
SELECT k, ~ x, typeof(~ x) FROM ops ORDER BY k;
SELECT k, NOT x, typeof(NOT x) FROM ops ORDER BY k;
SELECT k, x, CAST(x AS INTEGER), CAST(x AS REAL), CAST(x AS TEXT), CAST(x AS NUMERIC), typeof(CAST(x AS NUMERIC)), hex(CAST(x AS BLOB)) FROM ops ORDER BY k;
SELECT k, x IS NULL, x NOTNULL, x IS TRUE, x IS FALSE, x IS NOT TRUE, x IS NOT FALSE FROM ops ORDER BY k;
SELECT k, CASE WHEN x THEN 'true' WHEN NOT x THEN 'false' ELSE 'null' END FROM ops ORDER BY k;
SELECT k, x BETWEEN 0 AND 5, x BETWEEN '0' AND '5', x NOT BETWEEN -1 AND 1 FROM ops ORDER BY k;
SELECT k, x IN (1, '10', 3.5, x'3132'), x NOT IN (0, 'abc') FROM ops ORDER BY k;
SELECT a.k, b.k, max(a.x, b.x), min(a.x, b.x) FROM ops AS a, ops AS b WHERE a.x IS NOT NULL AND b.x IS NOT NULL ORDER BY a.k, b.k;
SELECT 7 + 2, 7 - 2, 7 * 2, 7 / 2, 7 % 2;
SELECT -7 + 2, -7 - 2, -7 * 2, -7 / 2, -7 % 2;
SELECT 7 + -2, 7 - -2, 7 * -2, 7 / -2, 7 % -2;
SELECT -7 + -2, -7 - -2, -7 * -2, -7 / -2, -7 % -2;
SELECT 7.5 + 2, 7.5 - 2, 7.5 * 2, 7.5 / 2, 7.5 % 2;
SELECT 7 + 2.5, 7 - 2.5, 7 * 2.5, 7 / 2.5, 7 % 2.5;
SELECT -7.5 + 2, -7.5 - 2, -7.5 * 2, -7.5 / 2, -7.5 % 2;
SELECT 1 + 0, 1 - 0, 1 * 0, 1 / 0, 1 % 0;
SELECT 1.5 + 0, 1.5 - 0, 1.5 * 0, 1.5 / 0, 1.5 % 0;
SELECT 0 + 0, 0 - 0, 0 * 0, 0 / 0, 0 % 0;
SELECT 1 + 0.0, 1 - 0.0, 1 * 0.0, 1 / 0.0, 1 % 0.0;
SELECT 5 + '2', 5 - '2', 5 * '2', 5 / '2', 5 % '2';
SELECT '5' + '2', '5' - '2', '5' * '2', '5' / '2', '5' % '2';
SELECT '8x' + 3, '8x' - 3, '8x' * 3, '8x' / 3, '8x' % 3;
SELECT 9223372036854775807 + 1, 9223372036854775807 - 1, 9223372036854775807 * 1, 9223372036854775807 / 1, 9223372036854775807 % 1;
SELECT -9223372036854775808 + -1, -9223372036854775808 - -1, -9223372036854775808 * -1, -9223372036854775808 / -1, -9223372036854775808 % -1;
SELECT 9223372036854775807 + -1, 9223372036854775807 - -1, 9223372036854775807 * -1, 9223372036854775807 / -1, 9223372036854775807 % -1;
SELECT -9223372036854775808 + 1, -9223372036854775808 - 1, -9223372036854775808 * 1, -9223372036854775808 / 1, -9223372036854775808 % 1;
SELECT 4611686018427387904 + 2, 4611686018427387904 - 2, 4611686018427387904 * 2, 4611686018427387904 / 2, 4611686018427387904 % 2;
SELECT -4611686018427387904 + 2, -4611686018427387904 - 2, -4611686018427387904 * 2, -4611686018427387904 / 2, -4611686018427387904 % 2;
SELECT 4611686018427387904 + -2, 4611686018427387904 - -2, 4611686018427387904 * -2, 4611686018427387904 / -2, 4611686018427387904 % -2;
SELECT 3037000500 + 3037000500, 3037000500 - 3037000500, 3037000500 * 3037000500, 3037000500 / 3037000500, 3037000500 % 3037000500;
SELECT 1e308 + 10, 1e308 - 10, 1e308 * 10, 1e308 / 10, 1e308 % 10;
SELECT NULL + 0, NULL - 0, NULL * 0, NULL / 0, NULL % 0;
SELECT 2 + NULL, 2 - NULL, 2 * NULL, 2 / NULL, 2 % NULL;
SELECT typeof(7 + 2), typeof(7 * 2), typeof(7 / 2), typeof(7 % 2);
SELECT typeof(-7 + 2), typeof(-7 * 2), typeof(-7 / 2), typeof(-7 % 2);
SELECT typeof(7 + -2), typeof(7 * -2), typeof(7 / -2), typeof(7 % -2);
SELECT typeof(-7 + -2), typeof(-7 * -2), typeof(-7 / -2), typeof(-7 % -2);
SELECT typeof(7.5 + 2), typeof(7.5 * 2), typeof(7.5 / 2), typeof(7.5 % 2);
SELECT typeof(7 + 2.5), typeof(7 * 2.5), typeof(7 / 2.5), typeof(7 % 2.5);
SELECT typeof(-7.5 + 2), typeof(-7.5 * 2), typeof(-7.5 / 2), typeof(-7.5 % 2);
SELECT typeof(1 + 0), typeof(1 * 0), typeof(1 / 0), typeof(1 % 0);
SELECT typeof(1.5 + 0), typeof(1.5 * 0), typeof(1.5 / 0), typeof(1.5 % 0);
SELECT typeof(0 + 0), typeof(0 * 0), typeof(0 / 0), typeof(0 % 0);
SELECT typeof(1 + 0.0), typeof(1 * 0.0), typeof(1 / 0.0), typeof(1 % 0.0);
SELECT typeof(5 + '2'), typeof(5 * '2'), typeof(5 / '2'), typeof(5 % '2');
SELECT 1 << 0, -1 << 0, 5 >> 0, -5 >> 0, 9223372036854775807 >> 0, -9223372036854775808 >> 0;
SELECT 1 << 1, -1 << 1, 5 >> 1, -5 >> 1, 9223372036854775807 >> 1, -9223372036854775808 >> 1;
SELECT 1 << 2, -1 << 2, 5 >> 2, -5 >> 2, 9223372036854775807 >> 2, -9223372036854775808 >> 2;
SELECT 1 << 62, -1 << 62, 5 >> 62, -5 >> 62, 9223372036854775807 >> 62, -9223372036854775808 >> 62;
SELECT 1 << 63, -1 << 63, 5 >> 63, -5 >> 63, 9223372036854775807 >> 63, -9223372036854775808 >> 63;
SELECT 1 << 64, -1 << 64, 5 >> 64, -5 >> 64, 9223372036854775807 >> 64, -9223372036854775808 >> 64;
SELECT 1 << 65, -1 << 65, 5 >> 65, -5 >> 65, 9223372036854775807 >> 65, -9223372036854775808 >> 65;
SELECT 1 << 100, -1 << 100, 5 >> 100, -5 >> 100, 9223372036854775807 >> 100, -9223372036854775808 >> 100;
SELECT 1 << -1, -1 << -1, 5 >> -1, -5 >> -1, 9223372036854775807 >> -1, -9223372036854775808 >> -1;
SELECT 1 << -63, -1 << -63, 5 >> -63, -5 >> -63, 9223372036854775807 >> -63, -9223372036854775808 >> -63;
SELECT 1 << -64, -1 << -64, 5 >> -64, -5 >> -64, 9223372036854775807 >> -64, -9223372036854775808 >> -64;
SELECT 1 << -65, -1 << -65, 5 >> -65, -5 >> -65, 9223372036854775807 >> -65, -9223372036854775808 >> -65;
SELECT 1 << 2.9, -1 << 2.9, 5 >> 2.9, -5 >> 2.9, 9223372036854775807 >> 2.9, -9223372036854775808 >> 2.9;
SELECT 1 << '3', -1 << '3', 5 >> '3', -5 >> '3', 9223372036854775807 >> '3', -9223372036854775808 >> '3';
SELECT 1 << NULL, -1 << NULL, 5 >> NULL, -5 >> NULL, 9223372036854775807 >> NULL, -9223372036854775808 >> NULL;
SELECT 12 & 10, 12 | 10, ~12;
SELECT -12 & 10, -12 | 10, ~-12;
SELECT 12.9 & 10.1, 12.9 | 10.1, ~12.9;
SELECT '12' & '10', '12' | '10', ~'12';
SELECT NULL & 1, NULL | 1, ~NULL;
SELECT 9223372036854775807 & -9223372036854775808, 9223372036854775807 | -9223372036854775808, ~9223372036854775807;
SELECT 1e300 & 1, 1e300 | 1, ~1e300;

-- Precedence.
SELECT 1 + 2 * 3, (1 + 2) * 3, 2 * 3 + 1, 10 - 2 - 3, 100 / 10 / 5, 2 * 3 % 4, 7 % 4 * 3;
SELECT -2 * 3, - 2 - 3, -(2 - 3), 1 - -1, 1 - - - 1, +-+1;
SELECT 1 + 2 || 3, 1 || 2 + 3, 'a' || 1 * 2, ('a' || 1) * 2;
SELECT 1 < 2 = 1, 1 = 1 < 2, 2 > 1 = 1 > 0, 1 == 1 != 0;
SELECT 1 | 2 & 3, (1 | 2) & 3, 1 << 2 + 1, (1 << 2) + 1, 1 & 3 << 1, 6 >> 1 | 1;
SELECT 5 < 3 + 3, 1 + 1 < 3 AND 2 < 1 OR 1, NOT 1 = 2, NOT (1 = 2), NOT 0 AND 0, NOT (0 AND 0);
SELECT 1 OR 0 AND 0, (1 OR 0) AND 0, 0 AND 1 OR 1, 0 AND (1 OR 1);
SELECT 1 IS NULL = 0, NULL IS NULL IS NULL, 1 IS 1 = 1, 2 BETWEEN 1 AND 3 = 1, 1 IN (1) = 1;
SELECT 2 + 3 BETWEEN 4 AND 6, 5 BETWEEN 1 AND 3 + 3, 1 = 1 BETWEEN 0 AND 1;
SELECT 'abc' LIKE 'a%' = 1, 'abc' LIKE 'a' || '%', 1 + 1 IN (2, 3), ~1 + 1, ~(1 + 1), -~1;
SELECT 3 - 2 - 1, 3 - (2 - 1), 2 * 2 * 2 / 4, 2 * (2 * 2 / 4), 7 / 2 * 2, 7 * 2 / 2;
SELECT 'a' || 'b' || 'c', 'a' || NULL || 'c', NULL || NULL, 1 || 2, 1.5 || 2.5, x'41' || x'42', 'a' || x'42';
SELECT 10 % 3, -10 % 3, 10 % -3, -10 % -3, 10.5 % 3, 10 % 3.5, -10.5 % 3, 10 % 0, 10 % 0.0, 10 % 0.5, 5 % 1e30, 1e30 % 7;
SELECT 9223372036854775807 % -1, -9223372036854775808 % -1, -9223372036854775808 % 2, 7 % 9223372036854775807;
SELECT 10 / 3, -10 / 3, 10 / -3, 10.0 / 3, 10 / 3.0, 1 / 0, 1.0 / 0, 0 / 0, 0.0 / 0.0, -1 / 0.0, 1e308 * 10, -1e308 * 10;
SELECT -9223372036854775808 / -1, -9223372036854775808 * -1, -(-9223372036854775808), abs(-9223372036854775807);
SELECT 9223372036854775807 + 1, 9223372036854775807 + 1.0, -9223372036854775808 - 1, 9223372036854775807 * 2, 9223372036854775807 - -1;
SELECT typeof(9223372036854775807 + 1), typeof(9223372036854775807 + 0), typeof(-9223372036854775808 - 1);
SELECT 9223372036854775808, -9223372036854775808, -9223372036854775809, typeof(9223372036854775808), typeof(-9223372036854775808);
SELECT 0x10, 0xff, -0x1, 0x7fffffffffffffff, 0xffffffffffffffff, 0x8000000000000000, typeof(0x10);
SELECT 1e0, 1e1, 1.5e-3, .5, 5., 1E+2, 1e-0, 0e5, 00012, 012.50;
SELECT 1_000, 1_000.5, 0x1_0;


-- Real numbers as text.
SELECT CAST(0.1 AS TEXT), CAST(0.1 + 0.2 AS TEXT), CAST(1.0 AS TEXT), CAST(-0.0 AS TEXT), CAST(100.0 AS TEXT), CAST(1e15 AS TEXT), CAST(1e16 AS TEXT);
SELECT CAST(123456789012345.6 AS TEXT), CAST(1234567890123456.7 AS TEXT), CAST(0.000123 AS TEXT), CAST(0.0000123 AS TEXT), CAST(1e-5 AS TEXT);
SELECT CAST(1.7976931348623157e308 AS TEXT), CAST(4.9e-324 AS TEXT), CAST(2.2250738585072014e-308 AS TEXT), CAST(1e308 * 10 AS TEXT), CAST(-1e308 * 10 AS TEXT);
SELECT CAST(3.141592653589793 AS TEXT), CAST(2.718281828459045 AS TEXT), CAST(1.0 / 3 AS TEXT), CAST(2.0 / 3 AS TEXT), CAST(100.0 / 7 AS TEXT);
SELECT 0.1 || '', 1e20 || '', 1.5e-7 || '', -2.5 || '', 1e14 || '', 123.0 || '';
SELECT printf('%.17g', 0.1), printf('%.3f', 2.0005), printf('%.1f', 0.25), printf('%.0f', 0.5), printf('%.0f', 1.5), printf('%e', 12345.678);
SELECT 1.0 = 1, 1.0 == '1.0', 1.0 = '1', '1.0' = 1, 0.1 + 0.2 = 0.3, 0.1 + 0.2 > 0.3, 1e16 + 1 = 1e16;
SELECT 9007199254740993 = 9007199254740992.0, 9007199254740993 > 9007199254740992.0, 9223372036854775807 = 9223372036854775808.0, 9223372036854775807 < 9223372036854775808.0;
SELECT -9223372036854775808 = -9223372036854775808.0, -9223372036854775808 < -9223372036854775807.0, 9223372036854775806 < 9.223372036854775807e18;


-- CASE.
SELECT CASE 1 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END;
SELECT CASE 3 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END;
SELECT CASE 3 WHEN 1 THEN 'one' END;
SELECT CASE NULL WHEN NULL THEN 'null matches' ELSE 'null does not match' END;
SELECT CASE WHEN NULL THEN 'a' WHEN 0 THEN 'b' WHEN 'x' THEN 'c' WHEN '1' THEN 'd' END;
SELECT CASE '1' WHEN 1 THEN 'int' WHEN '1' THEN 'text' END;
SELECT CASE 1 WHEN '1' THEN 'text matches int' ELSE 'no' END;
SELECT CASE 1.0 WHEN 1 THEN 'real matches int' ELSE 'no' END;
SELECT CASE 'a' WHEN 'A' THEN 'binary?' ELSE 'binary' END, CASE 'a' COLLATE NOCASE WHEN 'A' THEN 'nocase' ELSE 'no' END;
SELECT CASE WHEN 1 > 2 THEN 1 WHEN 2 > 1 THEN 2 ELSE 3 END, CASE WHEN 0 THEN 1 END IS NULL;
SELECT CASE 2 WHEN 1 THEN 1 / 0 WHEN 2 THEN 'short-circuit' ELSE abs(-9223372036854775808) END;
SELECT typeof(CASE WHEN 1 THEN 1 ELSE 1.5 END), typeof(CASE WHEN 0 THEN 1 ELSE '2' END);
SELECT k, CASE x WHEN 1 THEN 'one' WHEN '10' THEN 'ten' WHEN 3.5 THEN 'three and a half' ELSE typeof(x) END FROM ops ORDER BY k;
SELECT iif(1, 'yes', 'no'), iif(0, 'yes', 'no'), iif(NULL, 'yes', 'no'), iif('0.5', 'yes', 'no');

SELECT CAST(NULL AS INTEGER), CAST(NULL AS REAL), CAST(NULL AS TEXT), CAST(NULL AS NUMERIC), typeof(CAST(NULL AS NUMERIC)), CAST(NULL AS BLOB), typeof(CAST(NULL AS BLOB));
SELECT CAST(0 AS INTEGER), CAST(0 AS REAL), CAST(0 AS TEXT), CAST(0 AS NUMERIC), typeof(CAST(0 AS NUMERIC)), CAST(0 AS BLOB), typeof(CAST(0 AS BLOB));
SELECT CAST(-1 AS INTEGER), CAST(-1 AS REAL), CAST(-1 AS TEXT), CAST(-1 AS NUMERIC), typeof(CAST(-1 AS NUMERIC)), CAST(-1 AS BLOB), typeof(CAST(-1 AS BLOB));
SELECT CAST(1.9 AS INTEGER), CAST(1.9 AS REAL), CAST(1.9 AS TEXT), CAST(1.9 AS NUMERIC), typeof(CAST(1.9 AS NUMERIC)), CAST(1.9 AS BLOB), typeof(CAST(1.9 AS BLOB));
SELECT CAST(-1.9 AS INTEGER), CAST(-1.9 AS REAL), CAST(-1.9 AS TEXT), CAST(-1.9 AS NUMERIC), typeof(CAST(-1.9 AS NUMERIC)), CAST(-1.9 AS BLOB), typeof(CAST(-1.9 AS BLOB));
SELECT CAST('12' AS INTEGER), CAST('12' AS REAL), CAST('12' AS TEXT), CAST('12' AS NUMERIC), typeof(CAST('12' AS NUMERIC)), CAST('12' AS BLOB), typeof(CAST('12' AS BLOB));
SELECT CAST(' 12 ' AS INTEGER), CAST(' 12 ' AS REAL), CAST(' 12 ' AS TEXT), CAST(' 12 ' AS NUMERIC), typeof(CAST(' 12 ' AS NUMERIC)), CAST(' 12 ' AS BLOB), typeof(CAST(' 12 ' AS BLOB));
SELECT CAST('12abc' AS INTEGER), CAST('12abc' AS REAL), CAST('12abc' AS TEXT), CAST('12abc' AS NUMERIC), typeof(CAST('12abc' AS NUMERIC)), CAST('12abc' AS BLOB), typeof(CAST('12abc' AS BLOB));
SELECT CAST('abc' AS INTEGER), CAST('abc' AS REAL), CAST('abc' AS TEXT), CAST('abc' AS NUMERIC), typeof(CAST('abc' AS NUMERIC)), CAST('abc' AS BLOB), typeof(CAST('abc' AS BLOB));
SELECT CAST('' AS INTEGER), CAST('' AS REAL), CAST('' AS TEXT), CAST('' AS NUMERIC), typeof(CAST('' AS NUMERIC)), CAST('' AS BLOB), typeof(CAST('' AS BLOB));
SELECT CAST('1e3' AS INTEGER), CAST('1e3' AS REAL), CAST('1e3' AS TEXT), CAST('1e3' AS NUMERIC), typeof(CAST('1e3' AS NUMERIC)), CAST('1e3' AS BLOB), typeof(CAST('1e3' AS BLOB));
SELECT CAST('-1.5e2x' AS INTEGER), CAST('-1.5e2x' AS REAL), CAST('-1.5e2x' AS TEXT), CAST('-1.5e2x' AS NUMERIC), typeof(CAST('-1.5e2x' AS NUMERIC)), CAST('-1.5e2x' AS BLOB), typeof(CAST('-1.5e2x' AS BLOB));
SELECT CAST('0x10' AS INTEGER), CAST('0x10' AS REAL), CAST('0x10' AS TEXT), CAST('0x10' AS NUMERIC), typeof(CAST('0x10' AS NUMERIC)), CAST('0x10' AS BLOB), typeof(CAST('0x10' AS BLOB));
SELECT CAST(x'3132' AS INTEGER), CAST(x'3132' AS REAL), CAST(x'3132' AS TEXT), CAST(x'3132' AS NUMERIC), typeof(CAST(x'3132' AS NUMERIC)), CAST(x'3132' AS BLOB), typeof(CAST(x'3132' AS BLOB));
SELECT CAST(x'313233' AS INTEGER), CAST(x'313233' AS REAL), CAST(x'313233' AS TEXT), CAST(x'313233' AS NUMERIC), typeof(CAST(x'313233' AS NUMERIC)), CAST(x'313233' AS BLOB), typeof(CAST(x'313233' AS BLOB));
SELECT CAST('9223372036854775808' AS INTEGER), CAST('9223372036854775808' AS REAL), CAST('9223372036854775808' AS TEXT), CAST('9223372036854775808' AS NUMERIC), typeof(CAST('9223372036854775808' AS NUMERIC)), CAST('9223372036854775808' AS BLOB), typeof(CAST('9223372036854775808' AS BLOB));
SELECT CAST('-9223372036854775809' AS INTEGER), CAST('-9223372036854775809' AS REAL), CAST('-9223372036854775809' AS TEXT), CAST('-9223372036854775809' AS NUMERIC), typeof(CAST('-9223372036854775809' AS NUMERIC)), CAST('-9223372036854775809' AS BLOB), typeof(CAST('-9223372036854775809' AS BLOB));
SELECT CAST(9223372036854775807.0 AS INTEGER), CAST(9223372036854775807.0 AS REAL), CAST(9223372036854775807.0 AS TEXT), CAST(9223372036854775807.0 AS NUMERIC), typeof(CAST(9223372036854775807.0 AS NUMERIC)), CAST(9223372036854775807.0 AS BLOB), typeof(CAST(9223372036854775807.0 AS BLOB));
SELECT CAST(1e19 AS INTEGER), CAST(1e19 AS REAL), CAST(1e19 AS TEXT), CAST(1e19 AS NUMERIC), typeof(CAST(1e19 AS NUMERIC)), CAST(1e19 AS BLOB), typeof(CAST(1e19 AS BLOB));
SELECT CAST(-1e19 AS INTEGER), CAST(-1e19 AS REAL), CAST(-1e19 AS TEXT), CAST(-1e19 AS NUMERIC), typeof(CAST(-1e19 AS NUMERIC)), CAST(-1e19 AS BLOB), typeof(CAST(-1e19 AS BLOB));
SELECT CAST('+7' AS INTEGER), CAST('+7' AS REAL), CAST('+7' AS TEXT), CAST('+7' AS NUMERIC), typeof(CAST('+7' AS NUMERIC)), CAST('+7' AS BLOB), typeof(CAST('+7' AS BLOB));
SELECT CAST('.5' AS INTEGER), CAST('.5' AS REAL), CAST('.5' AS TEXT), CAST('.5' AS NUMERIC), typeof(CAST('.5' AS NUMERIC)), CAST('.5' AS BLOB), typeof(CAST('.5' AS BLOB));
SELECT CAST('5.' AS INTEGER), CAST('5.' AS REAL), CAST('5.' AS TEXT), CAST('5.' AS NUMERIC), typeof(CAST('5.' AS NUMERIC)), CAST('5.' AS BLOB), typeof(CAST('5.' AS BLOB));
SELECT CAST('1.0' AS INTEGER), CAST('1.0' AS REAL), CAST('1.0' AS TEXT), CAST('1.0' AS NUMERIC), typeof(CAST('1.0' AS NUMERIC)), CAST('1.0' AS BLOB), typeof(CAST('1.0' AS BLOB));
SELECT CAST('  -3.25  ' AS INTEGER), CAST('  -3.25  ' AS REAL), CAST('  -3.25  ' AS TEXT), CAST('  -3.25  ' AS NUMERIC), typeof(CAST('  -3.25  ' AS NUMERIC)), CAST('  -3.25  ' AS BLOB), typeof(CAST('  -3.25  ' AS BLOB));
SELECT CAST('	9' AS INTEGER), CAST('	9' AS REAL), CAST('	9' AS TEXT), CAST('	9' AS NUMERIC), typeof(CAST('	9' AS NUMERIC)), CAST('	9' AS BLOB), typeof(CAST('	9' AS BLOB));
SELECT CAST(x'00' AS INTEGER), CAST(x'00' AS REAL), CAST(x'00' AS TEXT), CAST(x'00' AS NUMERIC), typeof(CAST(x'00' AS NUMERIC)), CAST(x'00' AS BLOB), typeof(CAST(x'00' AS BLOB));
SELECT CAST(1e-400 AS INTEGER), CAST(1e-400 AS REAL), CAST(1e-400 AS TEXT), CAST(1e-400 AS NUMERIC), typeof(CAST(1e-400 AS NUMERIC)), CAST(1e-400 AS BLOB), typeof(CAST(1e-400 AS BLOB));
SELECT CAST('inf' AS INTEGER), CAST('inf' AS REAL), CAST('inf' AS TEXT), CAST('inf' AS NUMERIC), typeof(CAST('inf' AS NUMERIC)), CAST('inf' AS BLOB), typeof(CAST('inf' AS BLOB));
SELECT CAST('nan' AS INTEGER), CAST('nan' AS REAL), CAST('nan' AS TEXT), CAST('nan' AS NUMERIC), typeof(CAST('nan' AS NUMERIC)), CAST('nan' AS BLOB), typeof(CAST('nan' AS BLOB));
SELECT CAST('12.5' AS INT), typeof(CAST('12.5' AS INT)), CAST(12.5 AS INT), typeof(CAST(12.5 AS INT));
SELECT CAST('12.5' AS BIGINT), typeof(CAST('12.5' AS BIGINT)), CAST(12.5 AS BIGINT), typeof(CAST(12.5 AS BIGINT));
SELECT CAST('12.5' AS VARCHAR(10)), typeof(CAST('12.5' AS VARCHAR(10))), CAST(12.5 AS VARCHAR(10)), typeof(CAST(12.5 AS VARCHAR(10)));
SELECT CAST('12.5' AS DOUBLE), typeof(CAST('12.5' AS DOUBLE)), CAST(12.5 AS DOUBLE), typeof(CAST(12.5 AS DOUBLE));
SELECT CAST('12.5' AS FLOAT), typeof(CAST('12.5' AS FLOAT)), CAST(12.5 AS FLOAT), typeof(CAST(12.5 AS FLOAT));
SELECT CAST('12.5' AS DECIMAL(5,2)), typeof(CAST('12.5' AS DECIMAL(5,2))), CAST(12.5 AS DECIMAL(5,2)), typeof(CAST(12.5 AS DECIMAL(5,2)));
SELECT CAST('12.5' AS BOOLEAN), typeof(CAST('12.5' AS BOOLEAN)), CAST(12.5 AS BOOLEAN), typeof(CAST(12.5 AS BOOLEAN));
SELECT CAST('12.5' AS DATE), typeof(CAST('12.5' AS DATE)), CAST(12.5 AS DATE), typeof(CAST(12.5 AS DATE));
SELECT CAST('12.5' AS NONE), typeof(CAST('12.5' AS NONE)), CAST(12.5 AS NONE), typeof(CAST(12.5 AS NONE));
SELECT CAST('12.5' AS CHARINT), typeof(CAST('12.5' AS CHARINT)), CAST(12.5 AS CHARINT), typeof(CAST(12.5 AS CHARINT));
SELECT CAST('12.5' AS FLOATING POINT), typeof(CAST('12.5' AS FLOATING POINT)), CAST(12.5 AS FLOATING POINT), typeof(CAST(12.5 AS FLOATING POINT));
SELECT CAST('12.5' AS STRING), typeof(CAST('12.5' AS STRING)), CAST(12.5 AS STRING), typeof(CAST(12.5 AS STRING));

-- BETWEEN, IN.
SELECT 2 BETWEEN 1 AND 3, 1 BETWEEN 1 AND 1, 0 BETWEEN 1 AND 3, 2 BETWEEN 3 AND 1, NULL BETWEEN 1 AND 3, 2 BETWEEN NULL AND 3, 2 BETWEEN 3 AND NULL, 2 BETWEEN 1 AND NULL;
SELECT 'b' BETWEEN 'a' AND 'c', 'B' BETWEEN 'a' AND 'c', 'B' COLLATE NOCASE BETWEEN 'a' AND 'c', 2 BETWEEN '1' AND '3', '2' BETWEEN 1 AND 3;
SELECT 2 NOT BETWEEN 1 AND 3, NULL NOT BETWEEN 1 AND 3, 2.5 BETWEEN 2 AND 3;
SELECT 1 IN (1, 2), 3 IN (1, 2), NULL IN (1, 2), 1 IN (NULL), 1 IN (NULL, 1), 2 NOT IN (1, NULL), 1 NOT IN (1, NULL);
SELECT 'a' IN ('A', 'b'), 'a' COLLATE NOCASE IN ('A', 'b'), 1 IN ('1'), '1' IN (1), 1.0 IN (1), x'31' IN ('1');
SELECT 1 IN (SELECT 1), (1, 2) IN (VALUES(1, 2), (3, 4)), (1, 3) IN (VALUES(1, 2), (3, 4));


-- LIKE, GLOB, ESCAPE.
SELECT 'abc' LIKE 'abc', 'abc' LIKE 'ABC', 'abc' LIKE 'a%', 'abc' LIKE '%c', 'abc' LIKE '%b%', 'abc' LIKE 'a_c', 'abc' LIKE 'a__c', 'abc' LIKE '';
SELECT '' LIKE '', '' LIKE '%', 'x' LIKE '_', NULL LIKE 'a', 'a' LIKE NULL, 'abc' NOT LIKE 'a%', 123 LIKE '1%', 12.5 LIKE '%.5';
SELECT 'a%c' LIKE 'a\%c' ESCAPE '\', 'abc' LIKE 'a\%c' ESCAPE '\', 'a_c' LIKE 'a#_c' ESCAPE '#', 'abc' LIKE 'a#_c' ESCAPE '#', '10%' LIKE '10!%' ESCAPE '!';
SELECT 'Ä' LIKE 'ä', 'ä' LIKE 'ä', 'ß' LIKE '_', 'ab' LIKE 'a%%%', 'a%' LIKE '%\%' ESCAPE '\', 'a' LIKE 'a' ESCAPE NULL;
SELECT 'abc' GLOB 'abc', 'abc' GLOB 'ABC', 'abc' GLOB 'a*', 'abc' GLOB '*c', 'abc' GLOB 'a?c', 'abc' GLOB 'a[b]c', 'abc' GLOB 'a[^b]c', 'abc' GLOB 'a[a-c]c';
SELECT 'a*c' GLOB 'a[*]c', 'abc' GLOB 'a[*]c', '' GLOB '*', 'x' GLOB '', NULL GLOB '*', 'abc' NOT GLOB 'a*', 'a]c' GLOB 'a[]]c', 'a-c' GLOB 'a[a-]c';
-- error: no such function: REGEXP
SELECT 'abc' REGEXP 'b' IS NULL;
SELECT like('a%', 'abc'), like('a!%', 'a%', '!'), glob('a*', 'abc'), like('A%', 'abc');


-- IS, IS NOT, IS [NOT] DISTINCT FROM, and three-valued logic.
SELECT NULL IS NULL, NULL IS NOT NULL, 1 IS NULL, 1 IS 1, 1 IS 2, 1 IS NOT 2, NULL IS 1, 1 IS '1', 1 IS 1.0;
SELECT NULL IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL, 1 IS DISTINCT FROM 2, 1 IS NOT DISTINCT FROM 1, 1 IS DISTINCT FROM NULL;
SELECT NULL = NULL, NULL <> NULL, NULL AND 0, NULL AND 1, NULL OR 1, NULL OR 0, NOT NULL, NULL AND NULL, NULL OR NULL;
SELECT 1 AND 1, 1 AND 0, 0 OR 0, 'x' AND 1, '1' AND 1, 0.5 AND 1, 0.0 OR 0, x'01' OR 0;
SELECT TRUE, FALSE, TRUE + TRUE, typeof(TRUE), TRUE IS 1, 2 IS TRUE, 0 IS FALSE, NULL IS TRUE, NULL IS NOT FALSE, 'true' IS TRUE;


-- COLLATE.
SELECT 'a' = 'A', 'a' = 'A' COLLATE NOCASE, 'a' COLLATE NOCASE = 'A', 'a ' = 'a' COLLATE RTRIM, 'a ' = 'a', 'a' < 'B', 'a' < 'B' COLLATE NOCASE;
SELECT 'abc' COLLATE BINARY = 'ABC' COLLATE NOCASE, 'abc' COLLATE NOCASE = 'ABC' COLLATE BINARY;
SELECT max('a', 'B'), max('a' COLLATE NOCASE, 'B'), min('a', 'B' COLLATE NOCASE);
CREATE TABLE coll(b TEXT, n TEXT COLLATE NOCASE, r TEXT COLLATE RTRIM);
INSERT INTO coll VALUES('abc', 'abc', 'abc'), ('ABC', 'ABC', 'abc  '), ('b', 'B', 'b ');
SELECT b FROM coll WHERE b = 'ABC';
SELECT n FROM coll WHERE n = 'abc' ORDER BY n, rowid;
SELECT r FROM coll WHERE r = 'abc' ORDER BY rowid;
SELECT n FROM coll WHERE n = b ORDER BY rowid;
SELECT n FROM coll WHERE b = n ORDER BY rowid;
SELECT b FROM coll WHERE b = n COLLATE BINARY ORDER BY rowid;
SELECT n FROM coll ORDER BY n, b;
SELECT DISTINCT n FROM coll ORDER BY 1;
SELECT count(DISTINCT n), count(DISTINCT b) FROM coll;
SELECT n, count(*) FROM coll GROUP BY n ORDER BY 1;
SELECT b FROM coll WHERE b IN ('abc', 'B') ORDER BY b;
SELECT n FROM coll WHERE n IN ('abc', 'b') ORDER BY rowid;
SELECT n FROM coll WHERE n BETWEEN 'a' AND 'B' ORDER BY rowid;
-- error: no such collation sequence: NOPE
SELECT 'a' = 'b' COLLATE NOPE;


-- Row values.
SELECT (1, 2) = (1, 2), (1, 2) = (1, 3), (1, 2) < (1, 3), (1, 2) < (2, 0), (1, NULL) = (1, 2), (1, NULL) = (2, 2), (1, 2) IS (1, 2);
SELECT (1, 2, 3) > (1, 2, NULL), (2, 2, 3) > (1, 2, NULL), (1, 'a') < (1, 'b'), (1, 2) <> (1, 2), (1, 2) != (2, 1);
SELECT (1, 2) BETWEEN (0, 0) AND (1, 5), (1, 2) IN ((1, 2), (3, 4)), (5, 6) NOT IN ((1, 2), (3, 4));
-- error: row value misused
SELECT (1, 2) + 1;
-- error: row value misused
SELECT (1, 2);
-- error: row value misused
SELECT (1, 2) = 1;
CREATE TABLE rv(a, b, c);
INSERT INTO rv VALUES(1, 1, 'x'), (1, 2, 'y'), (2, 1, 'z'), (2, 2, 'w');
SELECT c FROM rv WHERE (a, b) > (1, 1) ORDER BY a, b;
SELECT c FROM rv WHERE (a, b) IN (SELECT b, a FROM rv WHERE c <> 'x') ORDER BY c;
SELECT c FROM rv WHERE (a, b) = (SELECT 2, 1);
UPDATE rv SET (a, b) = (b, a) WHERE c = 'y';
SELECT a, b, c FROM rv ORDER BY c;


-- Affinity in comparisons.
CREATE TABLE aff(i INTEGER, r REAL, t TEXT, n NUMERIC, b BLOB);
INSERT INTO aff VALUES(1, 1.0, '1', 1, 1), (2, 2.5, '2.5', 2.5, '2.5'), (10, 10.0, '10', '10', '10');
SELECT i = '1', r = '1', t = 1, n = '1', b = 1, b = '1' FROM aff WHERE rowid = 1;
SELECT i < '10', t < 10, t < '9', b < 10, n > '9' FROM aff WHERE rowid = 3;
SELECT i = t, t = i, r = t, t = r, n = t, b = t, i = b FROM aff ORDER BY rowid;
SELECT t = 2.5, t = '2.5', r = '2.5', r = '2.50', t = '2.50' FROM aff WHERE rowid = 2;
SELECT count(*) FROM aff WHERE t > 5;
SELECT count(*) FROM aff WHERE t > '5';
SELECT count(*) FROM aff WHERE +t > 5;
SELECT count(*) FROM aff WHERE i IN ('1', '2', '10');
SELECT count(*) FROM aff WHERE t IN (1, 10);
SELECT i, t FROM aff WHERE t BETWEEN 1 AND 5 ORDER BY i;
SELECT 1 = '1', '1' = 1, 1 < '1', '1' < 1, 1 < 'a', 'a' < x'00', NULL < 1, 1.5 < '1.5';
SELECT CAST('1' AS INTEGER) = 1, '1' + 0 = 1, '1' || '' = 1;


-- Errors in expressions.
-- error: no such column: nope
SELECT nope;
-- error: no such column: nope.a
SELECT nope.a FROM ops;
-- error: no such function: nofunc
SELECT nofunc(1);
-- error: wrong number of arguments to function abs()
SELECT abs(1, 2);
-- error: near ")": syntax error
SELECT (1 + );
-- error: ESCAPE expression must be a single character
SELECT 'a' LIKE 'a' ESCAPE 'xy';
-- error: integer overflow
SELECT abs(-9223372036854775808);
-- error: hex literal too big: 0x10000000000000000
SELECT 0x10000000000000000;
-- An unterminated string runs to the end of the script.
-- error: unrecognized token:
SELECT 'abc;

