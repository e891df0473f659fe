//! Differential tests for the write path's reused buffers: one
//! prepared single-row INSERT run many times moves each row's values
//! through buffers kept between executions (the source row, the table row,
//! the row slot, bound text parameters), so values of changing types and
//! lengths, defaults, column lists in another order, and indexes on the
//! columns must all come out as SQLite writes them.

mod common;
use common::Pair;

fn text_of(i: i64) -> String {
    // Lengths go up and down, so reused buffers shrink and grow.
    format!("v{i}-{}", "x".repeat(((i * 37) % 23) as usize))
}

#[test]
fn prepared_inserts_with_changing_types_lengths_and_column_orders() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b, c NUMERIC DEFAULT 'd', d BLOB)",
        "CREATE INDEX t_a ON t(a)",
        "CREATE INDEX t_bc ON t(b, c)",
        "CREATE TABLE u(a TEXT, b INTEGER, c)",
        "CREATE UNIQUE INDEX u_c ON u(c)",
        "BEGIN",
    ]);
    let sql_t = "INSERT INTO t(d, b, a, id) VALUES (?1, ?2, ?3, ?4)";
    let sql_u = "INSERT OR IGNORE INTO u(c, a, b) VALUES (?1, ?2, ?3 || '')";
    let mut ct = p.chorus.prepare(sql_t).unwrap();
    let mut st = p.sqlite.prepare(sql_t).unwrap();
    let mut cu = p.chorus.prepare(sql_u).unwrap();
    let mut su = p.sqlite.prepare(sql_u).unwrap();
    for i in 1..=600i64 {
        let t = text_of(i);
        match i % 5 {
            0 => {
                ct.execute((t.as_bytes(), i, t.as_str(), 10_000_000 + i))
                    .unwrap();
                st.execute(rusqlite::params![t.as_bytes(), i, t, 10_000_000 + i])
                    .unwrap();
            }
            1 => {
                ct.execute((chorus::Value::Null, t.as_str(), i, chorus::Value::Null))
                    .unwrap();
                st.execute(rusqlite::params![None::<i64>, t, i, None::<i64>])
                    .unwrap();
            }
            2 => {
                let f = i as f64 / 4.0;
                ct.execute((t.as_str(), f, "12", 20_000_000 + i)).unwrap();
                st.execute(rusqlite::params![t, f, "12", 20_000_000 + i])
                    .unwrap();
            }
            3 => {
                ct.execute(("", "", "", chorus::Value::Null)).unwrap();
                st.execute(rusqlite::params!["", "", "", None::<i64>])
                    .unwrap();
            }
            _ => {
                // Rowids 5k+4; the automatic ones between them are 5k+5..
                ct.execute((i, t.as_str(), t.as_bytes(), 30_000_000 + i))
                    .unwrap();
                st.execute(rusqlite::params![i, t, t.as_bytes(), 30_000_000 + i])
                    .unwrap();
            }
        }
        // Duplicates on u's unique column are ignored on both engines.
        let key = text_of(i % 150);
        cu.execute((key.as_str(), t.as_str(), i)).unwrap();
        su.execute(rusqlite::params![key, t, i]).unwrap();
    }
    drop((ct, st, cu, su));
    p.all(&[
        "COMMIT",
        "SELECT count(*), sum(id), sum(length(a)), sum(length(b)), total(c), sum(length(d)) FROM t",
        "SELECT id, typeof(a), a, typeof(b), b, typeof(c), c, typeof(d), hex(d) FROM t ORDER BY id",
        "SELECT a, b FROM t INDEXED BY t_a WHERE a >= 'v5' ORDER BY a, id",
        "SELECT b, c, id FROM t INDEXED BY t_bc WHERE b IS NOT NULL ORDER BY b, c, id",
        "SELECT rowid, a, b, typeof(b), c FROM u ORDER BY rowid",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn bound_text_buffers_are_reused_without_leaking_old_values() {
    let p = Pair::new();
    p.all(&["CREATE TABLE t(a, b)"]);
    let mut cs = p.chorus.prepare("INSERT INTO t VALUES (?1, ?2)").unwrap();
    // A long value, then shorter ones: nothing of the old text may remain.
    cs.bind_text_bytes(1, b"a long piece of text").unwrap();
    cs.bind_text_bytes(2, b"").unwrap();
    assert!(!cs.step().unwrap());
    cs.reset();
    cs.bind_text_bytes(1, b"short").unwrap();
    cs.bind_value(2, chorus::Value::Integer(5)).unwrap();
    assert!(!cs.step().unwrap());
    cs.reset();
    cs.bind_text_bytes(2, b"now text").unwrap();
    assert!(!cs.step().unwrap());
    cs.reset();
    assert!(cs.bind_text_bytes(3, b"x").is_err());
    assert!(cs.bind_text_bytes(0, b"x").is_err());
    drop(cs);
    p.sqlite
        .execute_batch(
            "INSERT INTO t VALUES ('a long piece of text', '');
             INSERT INTO t VALUES ('short', 5);
             INSERT INTO t VALUES ('short', 'now text');",
        )
        .unwrap();
    p.all(&["SELECT rowid, a, typeof(b), b FROM t ORDER BY rowid"]);
}

/// UPDATE and DELETE on plain-column indexes compare and build the index
/// keys straight from the row values: changed and unchanged keys, a type
/// change with an equal value (1 -> 1.0), the rowid alias inside an index,
/// and an expression index next to plain ones (the general path).
#[test]
fn updates_and_deletes_keep_plain_index_entries_exact() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT, c)",
        "CREATE INDEX t_a ON t(a)",
        "CREATE INDEX t_bid ON t(b, id)",
        "CREATE INDEX t_ca ON t(c, a)",
        "CREATE INDEX t_expr ON t(lower(b))",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 800)
         INSERT INTO t SELECT i, i % 17, 'B' || (i % 31), i % 5 FROM n",
        "BEGIN",
        "UPDATE t SET c = c + 1 WHERE id % 3 = 0",
        "UPDATE t SET a = a WHERE id % 4 = 0",
        "UPDATE t SET a = CAST(a AS REAL) WHERE id % 7 = 0",
        "UPDATE t SET b = 'b' || (id % 13) WHERE id % 5 = 0",
        "UPDATE t SET id = id + 10000 WHERE id % 11 = 0",
        "DELETE FROM t WHERE id % 9 = 0",
        "COMMIT",
        "SELECT count(*), sum(id), total(a), sum(length(b)), sum(c) FROM t",
        "SELECT a, typeof(a), count(*) FROM t INDEXED BY t_a GROUP BY a ORDER BY a",
        "SELECT b, id FROM t INDEXED BY t_bid WHERE b >= 'B2' ORDER BY b, id",
        "SELECT c, a, id FROM t INDEXED BY t_ca WHERE c >= 3 ORDER BY c, a, id",
        "SELECT id FROM t WHERE lower(b) = 'b3' ORDER BY id",
        "PRAGMA integrity_check",
    ]);
}
