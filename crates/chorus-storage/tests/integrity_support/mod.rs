//! Shared helpers of the integrity-checker tests: SQLite-made databases,
//! running both checkers, and byte-level page surgery for corruption tests.
#![allow(dead_code)]

use chorus_storage::integrity::{check_integrity, schema_trees};
use chorus_storage::pager::{Pager, PagerOptions};
use chorus_storage::vfs::OsVfs;
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;

/// Run Chorus's checker on a file: `Err(msg)` when the pager cannot open it
/// or the schema cannot be read, else the messages.
pub fn chorus_check(path: &Path) -> Result<Vec<String>, String> {
    let opts = PagerOptions {
        read_only: true,
        ..PagerOptions::default()
    };
    let mut pager =
        Pager::open(Arc::new(OsVfs), path.to_str().unwrap(), opts).map_err(|e| e.message)?;
    pager.begin_read().map_err(|e| e.message)?;
    let roots = schema_trees(&pager).map_err(|e| e.message)?;
    let r = check_integrity(&pager, &roots, 100).map_err(|e| e.message);
    pager.end_read().unwrap();
    r
}

/// SQLite's verdict: the rows of `PRAGMA integrity_check` joined, or the
/// error it failed with.
pub fn sqlite_check(path: &Path) -> String {
    let run = || -> rusqlite::Result<String> {
        let c = Connection::open(path)?;
        let mut st = c.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows.join("\n"))
    };
    match run() {
        Ok(s) => s,
        Err(e) => format!("error: {e}"),
    }
}

/// A database SQLite builds: several tables (rowid and WITHOUT ROWID) and
/// indexes (DESC, NOCASE, RTRIM, automatic), overflow rows in tables and
/// indexes, mixed-type and mixed-case keys, and deleted rows.
pub fn build_db(path: &Path, page_size: usize, auto_vacuum: &str, encoding: &str, rows: usize) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "PRAGMA page_size={page_size}; PRAGMA auto_vacuum={auto_vacuum}; PRAGMA encoding='{encoding}';"
    ))
    .unwrap();
    c.execute_batch(
        "CREATE TEMP VIEW s(value) AS WITH RECURSIVE r(v) AS (SELECT 1 UNION ALL SELECT v+1 FROM r WHERE v < 100) SELECT v FROM r;
         CREATE TABLE t1(a INTEGER PRIMARY KEY, b TEXT, c BLOB, d REAL);
         CREATE INDEX t1b ON t1(b);
         CREATE INDEX t1cd ON t1(c DESC, d);
         CREATE TABLE t2(x TEXT COLLATE NOCASE UNIQUE, y, z, PRIMARY KEY(y, z));
         CREATE INDEX t2x ON t2(x, y DESC);
         CREATE TABLE w(k TEXT PRIMARY KEY, v, u UNIQUE COLLATE NOCASE) WITHOUT ROWID;
         CREATE INDEX wv ON w(v COLLATE RTRIM);
         CREATE TABLE big(id INTEGER PRIMARY KEY, payload);
         CREATE INDEX bigp ON big(payload);
         CREATE VIEW v1 AS SELECT * FROM t1;",
    )
    .unwrap();
    for k in 0..8 {
        c.execute_batch(&format!(
            "CREATE TABLE many{k}(p, q); CREATE INDEX many{k}q ON many{k}(q);
             INSERT INTO many{k} SELECT value, value*{k} FROM s WHERE value <= {k}*7;"
        ))
        .unwrap();
    }
    let tx = c.unchecked_transaction().unwrap();
    {
        let mut ins1 = c
            .prepare("INSERT INTO t1(a,b,c,d) VALUES(?1, ?2, ?3, ?4)")
            .unwrap();
        let mut ins2 = c.prepare("INSERT INTO t2 VALUES(?1, ?2, ?3)").unwrap();
        let mut insw = c.prepare("INSERT INTO w VALUES(?1, ?2, ?3)").unwrap();
        for i in 0..rows as i64 {
            let word = format!(
                "{}{}",
                ["abc", "ABD", "Abe", "ab c", "é", "Zz"][i as usize % 6],
                i * 7919 % 1000
            );
            let blob: Vec<u8> = (0..(i % 50) as u8).collect();
            let real = if i % 5 == 0 {
                None
            } else {
                Some(i as f64 / 3.0)
            };
            ins1.execute(rusqlite::params![i * 3 + 1, word, blob, real])
                .unwrap();
            let key2: rusqlite::types::Value = match i % 4 {
                0 => rusqlite::types::Value::Integer(i),
                1 => rusqlite::types::Value::Real(i as f64 + 0.5),
                2 => rusqlite::types::Value::Text(format!("k{i}")),
                _ => rusqlite::types::Value::Null,
            };
            ins2.execute(rusqlite::params![format!("{word}-{i}"), key2, i])
                .unwrap();
            let pad = " ".repeat((i % 3) as usize);
            insw.execute(rusqlite::params![
                format!("key{i:05}"),
                format!("v{}{pad}", i % 17),
                format!("U{i}")
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    // Overflow rows in a table and an index (keys longer than an index page's
    // local limit), then deletions that feed the freelist.
    c.execute_batch(&format!(
        "INSERT INTO big(payload) SELECT randomblob({n}) FROM s WHERE value <= 6;
         INSERT INTO big(payload) SELECT printf('%.{m}c', char(65+value)) FROM s WHERE value <= 6;
         INSERT INTO t1(b) VALUES(printf('%.{n}c', 'x'));
         DELETE FROM t1 WHERE a % 7 = 0;
         DELETE FROM big WHERE id IN (2, 9);
         DELETE FROM w WHERE k > 'key00100' AND k < 'key00150';
         DROP TABLE many3;",
        n = page_size * 3,
        m = page_size / 2 + 100,
    ))
    .unwrap();
}
