//! `Statement::query` reuses the row buffer and the column-name list from one
//! run to the next: the rows and names seen must still be exactly those of
//! each run, also when the schema changes under a prepared statement (same
//! column count with other names, or more columns), checked against SQLite.

use chorus::{Connection, Value};

fn show_chorus(v: &Value) -> String {
    match v {
        Value::Null => "N".into(),
        Value::Integer(i) => format!("I{i}"),
        Value::Real(r) => format!("R{r}"),
        Value::Text(t) => format!("T{}", String::from_utf8_lossy(t)),
        Value::Blob(b) => format!("B{b:?}"),
    }
}

fn show_sqlite(v: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef as V;
    match v {
        V::Null => "N".into(),
        V::Integer(i) => format!("I{i}"),
        V::Real(r) => format!("R{r}"),
        V::Text(t) => format!("T{}", String::from_utf8_lossy(t)),
        V::Blob(b) => format!("B{b:?}"),
    }
}

#[test]
fn rows_and_names_follow_schema_and_data_changes() {
    let setup = "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'one'), ('two', x'02');";
    let changes = [
        "UPDATE t SET b = 2 WHERE a = 1; UPDATE t SET a = NULL WHERE b = x'02'",
        "ALTER TABLE t RENAME COLUMN a TO x",
        "ALTER TABLE t ADD COLUMN c",
        "UPDATE t SET c = 'a much longer text value than before', b = 'short'",
        "ALTER TABLE t RENAME COLUMN b TO y",
        "UPDATE t SET x = 2.5, y = NULL, c = x'0102'",
    ];
    let sql = "SELECT * FROM t ORDER BY rowid";
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(setup).unwrap();
    let s = rusqlite::Connection::open_in_memory().unwrap();
    s.execute_batch(setup).unwrap();
    let mut st = c.prepare(sql).unwrap();
    for i in 0..=changes.len() {
        let (names, want): (Vec<String>, Vec<Vec<String>>) = {
            let mut ss = s.prepare(sql).unwrap();
            let names = ss.column_names().iter().map(|n| n.to_string()).collect();
            let n = ss.column_count();
            let rows = ss
                .query_map([], |r| {
                    Ok((0..n).map(|j| show_sqlite(r.get_ref_unwrap(j))).collect())
                })
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            (names, rows)
        };
        let mut got = Vec::new();
        let mut rows = st.query(()).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let vals: Vec<String> = r.values().iter().map(show_chorus).collect();
            // Every name of this run resolves to its own column.
            for (j, n) in names.iter().enumerate() {
                let by_name: Value = r.get_by_name(n).unwrap();
                assert_eq!(show_chorus(&by_name), vals[j], "run {i}: column {n}");
            }
            got.push(vals);
        }
        drop(rows);
        assert_eq!(got, want, "rows of run {i}");
        if let Some(ch) = changes.get(i) {
            c.execute_batch(ch).unwrap();
            s.execute_batch(ch).unwrap();
        }
    }
}

/// Dropping `Rows` before the last row resets the statement as rusqlite's
/// does: its read transaction ends, so a writer on another connection of a
/// rollback-journal database is not blocked, and the next query starts over.
#[test]
fn dropped_rows_end_the_read_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let path = path.to_str().unwrap();
    let a = Connection::open(path).unwrap();
    a.execute_batch(
        "PRAGMA journal_mode=DELETE; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);",
    )
    .unwrap();
    let b = Connection::open(path).unwrap();
    let mut st = a.prepare("SELECT x FROM t ORDER BY x").unwrap();
    {
        let mut rows = st.query(()).unwrap();
        let first: i64 = rows.next().unwrap().unwrap().get(0).unwrap();
        assert_eq!(first, 1);
    }
    // The same on SQLite: after the drop, the writer gets in at once.
    b.execute("INSERT INTO t VALUES (4)", ()).unwrap();
    let mut rows = st.query(()).unwrap();
    let mut seen = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        seen.push(r.get::<i64>(0).unwrap());
    }
    assert_eq!(seen, vec![1, 2, 3, 4]);
}
