//! Differential tests for the INSERT write path's reused buffers: one
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
