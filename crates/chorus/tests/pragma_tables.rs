//! Table-valued pragma functions, pragma values as SQLite prints them, and
//! plain EXPLAIN: differential against SQLite (rusqlite) where SQLite has
//! the same behaviour.

use chorus::{Connection, Value};

fn chorus_rows(c: &Connection, sql: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut s = c.prepare(sql).map_err(|e| e.message)?;
    let names: Vec<String> = s.column_names().iter().map(|n| n.to_string()).collect();
    let mut rows = Vec::new();
    while s.step().map_err(|e| e.message)? {
        let r = (0..s.column_count())
            .map(|i| match s.column_value(i).to_owned() {
                Value::Null => "NULL".to_string(),
                Value::Integer(i) => i.to_string(),
                Value::Real(r) => format!("{r}"),
                Value::Text(t) => String::from_utf8_lossy(&t).into_owned(),
                Value::Blob(b) => format!("{b:?}"),
            })
            .collect();
        rows.push(r);
    }
    Ok((names, rows))
}

fn sqlite_rows(
    c: &rusqlite::Connection,
    sql: &str,
) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut s = c.prepare(sql).map_err(|e| e.to_string())?;
    let names: Vec<String> = s.column_names().iter().map(|n| n.to_string()).collect();
    let n = names.len();
    let mut q = s.query([]).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    while let Some(r) = q.next().map_err(|e| e.to_string())? {
        let mut out = Vec::new();
        for i in 0..n {
            use rusqlite::types::ValueRef as V;
            out.push(match r.get_ref(i).unwrap() {
                V::Null => "NULL".to_string(),
                V::Integer(i) => i.to_string(),
                V::Real(r) => format!("{r}"),
                V::Text(t) => String::from_utf8_lossy(t).into_owned(),
                V::Blob(b) => format!("{b:?}"),
            });
        }
        rows.push(out);
    }
    Ok((names, rows))
}

const SETUP: &str = "
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'n', score REAL DEFAULT (1 +  2),
  tag, b BLOB DEFAULT x'0a', neg DEFAULT -1, UNIQUE(name, tag));
CREATE INDEX t_score ON t(score DESC, name COLLATE NOCASE);
CREATE TABLE u(x, y DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX u_x ON u(x);
";

fn both() -> (Connection, rusqlite::Connection) {
    let c = Connection::open_in_memory().unwrap();
    let s = rusqlite::Connection::open_in_memory().unwrap();
    c.execute_batch(SETUP).unwrap();
    s.execute_batch(SETUP).unwrap();
    (c, s)
}

fn same(c: &Connection, s: &rusqlite::Connection, sql: &str) {
    let a = chorus_rows(c, sql);
    let b = sqlite_rows(s, sql);
    match (&a, &b) {
        (Ok(x), Ok(y)) => assert_eq!(x, y, "{sql}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{sql}: chorus {a:?} vs sqlite {b:?}"),
    }
}

#[test]
fn pragma_functions_match_sqlite() {
    let (c, s) = both();
    for q in [
        "SELECT * FROM pragma_table_info('t')",
        "SELECT * FROM pragma_table_info('t') ORDER BY cid DESC",
        "SELECT name, dflt_value FROM pragma_table_info('u')",
        "SELECT * FROM pragma_table_xinfo('t')",
        "SELECT * FROM pragma_index_list('t') ORDER BY name",
        "SELECT * FROM pragma_index_info('t_score')",
        "SELECT * FROM pragma_index_xinfo('t_score')",
        "SELECT * FROM pragma_user_version",
        "SELECT * FROM pragma_user_version()",
        "SELECT * FROM pragma_encoding",
        "SELECT * FROM pragma_page_size",
        "SELECT * FROM pragma_freelist_count",
        "SELECT * FROM pragma_integrity_check",
        "SELECT * FROM pragma_table_info('nosuch')",
        "SELECT * FROM pragma_table_info(NULL)",
        "SELECT * FROM pragma_table_info('t', 'main')",
        "SELECT count(*) FROM pragma_table_info('t') WHERE pk",
        "SELECT p.name FROM pragma_table_info('t') AS p WHERE p.type = 'REAL'",
        "SELECT * FROM pragma_user_version(1)",
        "SELECT * FROM pragma_table_info('t', 'main', 3)",
        "SELECT * FROM pragma_no_such_thing",
        "SELECT * FROM pragma_no_such_thing('t')",
        // Joined with the schema: arguments read the left-hand row.
        "SELECT m.name, p.name, p.cid FROM sqlite_schema AS m, pragma_table_info(m.name) AS p \
         WHERE m.type = 'table' ORDER BY 1, 3",
        "SELECT m.name, p.cid FROM sqlite_schema m JOIN pragma_table_info(m.name) p ORDER BY 1, 2",
        "SELECT m.name, i.name FROM sqlite_schema m, pragma_index_list(m.name) i \
         WHERE m.type = 'table' ORDER BY 1, 2",
        "SELECT (SELECT count(*) FROM pragma_table_info(m.name)) FROM sqlite_schema m \
         WHERE m.type = 'table' ORDER BY m.name",
        "PRAGMA table_info(t)",
        "PRAGMA table_info(u)",
        "PRAGMA auto_vacuum",
        "PRAGMA secure_delete",
        "PRAGMA cell_size_check",
        "PRAGMA ignore_check_constraints",
    ] {
        same(&c, &s, q);
    }
}

#[test]
fn hidden_columns_and_reruns() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(SETUP).unwrap();
    // Hidden columns are left out of `*` but readable by qualified name.
    let (names, _) = chorus_rows(&c, "SELECT * FROM pragma_index_info('u_x')").unwrap();
    assert_eq!(names, vec!["seqno", "cid", "name"]);
    let (_, rows) =
        chorus_rows(&c, "SELECT p.arg, p.schema FROM pragma_index_info('u_x') p").unwrap();
    assert_eq!(rows, vec![vec!["u_x".to_string(), "NULL".to_string()]]);
    let (_, rows) = chorus_rows(&c, "SELECT arg, name FROM pragma_index_info('u_x')").unwrap();
    assert_eq!(rows, vec![vec!["u_x".to_string(), "x".to_string()]]);
    // The pragma reads current values each time the statement runs.
    let mut st = c
        .prepare("SELECT user_version FROM pragma_user_version")
        .unwrap();
    assert!(st.step().unwrap());
    assert_eq!(st.column_int64(0), 0);
    st.reset();
    drop(st);
    c.execute_batch("PRAGMA user_version = 42").unwrap();
    let v: i64 = c
        .query_row("SELECT user_version FROM pragma_user_version", (), |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(v, 42);
    let e = c
        .prepare("SELECT * FROM pragma_user_version(1)")
        .err()
        .unwrap();
    assert_eq!(
        e.message,
        "too many arguments on pragma_user_version() - max 0"
    );
}

#[test]
fn ignore_check_constraints() {
    let (c, s) = both();
    for q in [
        "CREATE TABLE ck(x CHECK (x > 0))",
        "PRAGMA ignore_check_constraints = 1",
        "PRAGMA ignore_check_constraints",
        "INSERT INTO ck VALUES(-1)",
        "PRAGMA ignore_check_constraints = 0",
        "INSERT INTO ck VALUES(-2)",
        "SELECT x FROM ck",
        "PRAGMA secure_delete = 1",
        "PRAGMA secure_delete",
        "PRAGMA cell_size_check = on",
        "PRAGMA cell_size_check",
    ] {
        same(&c, &s, q);
    }
}

#[test]
fn explain_lists_operators_in_sqlite_columns() {
    let (c, s) = both();
    let q = "EXPLAIN SELECT name FROM t WHERE id = 3";
    let (names, rows) = chorus_rows(&c, q).unwrap();
    let (snames, _) = sqlite_rows(&s, q).unwrap();
    assert_eq!(names, snames);
    assert_eq!(rows.first().unwrap()[1], "Init");
    assert_eq!(rows.last().unwrap()[1], "Halt");
    assert_eq!(rows[0][3], (rows.len() - 1).to_string());
    assert!(rows
        .iter()
        .any(|r| r[1] == "Search" && r[5] == "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"));
    assert!(rows.iter().any(|r| r[1] == "ResultRow" && r[3] == "1"));
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], i.to_string());
    }
    // EXPLAIN does not run the statement.
    let (_, rows) = chorus_rows(&c, "EXPLAIN INSERT INTO u VALUES(1, 2)").unwrap();
    assert!(rows.iter().any(|r| r[1] == "Insert" && r[5] == "u"));
    let (_, rows) = chorus_rows(&c, "EXPLAIN CREATE TABLE z(a)").unwrap();
    assert!(rows.iter().any(|r| r[1] == "CreateTable" && r[5] == "z"));
    let (_, rows) = chorus_rows(&c, "EXPLAIN DELETE FROM u WHERE x = 1").unwrap();
    assert!(rows.iter().any(|r| r[1] == "Delete"));
    let n: i64 = c
        .query_row("SELECT count(*) FROM u", (), |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    assert!(c.prepare("SELECT * FROM z").is_err());
    // Errors are the statement's own.
    assert_eq!(
        c.prepare("EXPLAIN SELECT * FROM nosuch")
            .err()
            .unwrap()
            .message,
        "no such table: nosuch"
    );
}
