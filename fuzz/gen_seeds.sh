#!/bin/sh
# Regenerate the small seed databases of the open_db fuzz target with sqlite3.
set -e
cd "$(dirname "$0")/seeds/open_db"
rm -f ./*.db
mk() { sqlite3 "$1" "$2"; }
mk plain.db "PRAGMA page_size=512; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX tb ON t(b);
  INSERT INTO t(b) VALUES('x'),('yy'),('Zed'),(NULL),(3.5);"
mk overflow.db "PRAGMA page_size=512; CREATE TABLE t(a, b); CREATE INDEX ta ON t(a);
  INSERT INTO t VALUES(hex(zeroblob(300)), zeroblob(900)), ('k', 1);"
mk freelist.db "PRAGMA page_size=512; CREATE TABLE t(a); INSERT INTO t VALUES(zeroblob(1500)),(2);
  CREATE TABLE u(b); DROP TABLE u; DELETE FROM t WHERE rowid=1;"
mk autovac.db "PRAGMA page_size=512; PRAGMA auto_vacuum=FULL; CREATE TABLE t(a TEXT COLLATE NOCASE UNIQUE);
  INSERT INTO t VALUES('a'),('B'),(hex(zeroblob(400)));"
mk incr16.db "PRAGMA page_size=512; PRAGMA auto_vacuum=INCREMENTAL; PRAGMA encoding='UTF-16le';
  CREATE TABLE w(k PRIMARY KEY, v) WITHOUT ROWID; INSERT INTO w VALUES('é',1),('a',zeroblob(600)); DELETE FROM w WHERE k='a';"
mk deep.db "PRAGMA page_size=512; CREATE TABLE t(a INTEGER PRIMARY KEY, b); CREATE INDEX tb ON t(b DESC);
  WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM r WHERE i<60) INSERT INTO t SELECT i, printf('%.40c', char(65+i%26)) FROM r;"
ls -l
