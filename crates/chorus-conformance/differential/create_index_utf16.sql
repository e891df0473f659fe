-- CREATE INDEX in a UTF-16 database: entries are sorted as UTF-8 text while
-- BINARY order in the file is that of the UTF-16 bytes, so the index is
-- still filled in the right order (characters above U+FFFF and U+E000..
-- order differently in the two encodings).
PRAGMA encoding = 'UTF-16le';
CREATE TABLE u(id INTEGER PRIMARY KEY, t TEXT);
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 3000)
INSERT INTO u SELECT k, char(CASE k % 5 WHEN 0 THEN 65 + k % 26 WHEN 1 THEN 57344 + k % 100
  WHEN 2 THEN 65536 + k % 100 WHEN 3 THEN 233 ELSE 1000 + k % 50 END) || (k % 97) FROM n;
CREATE INDEX ut ON u(t);
CREATE INDEX ut_desc ON u(t DESC);
PRAGMA integrity_check;
SELECT count(*) FROM u INDEXED BY ut WHERE t > '';
SELECT id FROM u INDEXED BY ut WHERE t = char(65537) || '1';
SELECT count(*), sum(id) FROM u INDEXED BY ut_desc WHERE t > '';
-- error: UNIQUE constraint failed: u.t
CREATE UNIQUE INDEX uu ON u(t);
