//! ATTACH / DETACH / TEMP beyond the differential script (attach.sql):
//! file-backed attached databases written in SQLite's format, transactions
//! committing to every database, rollback across databases, statements
//! recompiled after ATTACH/DETACH.

use chorus::Connection;

fn count(c: &Connection, sql: &str) -> i64 {
    c.query_row(sql, (), |r| r.get(0)).unwrap()
}

#[test]
fn attached_file_is_a_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aux.db");
    let p = path.to_str().unwrap();
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(&format!("ATTACH '{p}' AS aux")).unwrap();
    c.execute_batch(
        "CREATE TABLE aux.items(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
         CREATE INDEX aux.items_name ON items(name DESC);
         INSERT INTO aux.items(name) VALUES('a'), ('b'), ('c');
         CREATE TABLE local(x);
         INSERT INTO local SELECT name FROM aux.items;",
    )
    .unwrap();
    let file: String = c
        .query_row(
            "SELECT file FROM pragma_database_list WHERE name = 'aux'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(std::path::Path::new(&file), path.canonicalize().unwrap());
    assert_eq!(count(&c, "SELECT count(*) FROM local"), 3);
    c.execute_batch("DETACH aux").unwrap();
    assert!(c.prepare("SELECT * FROM aux.items").is_err());
    // SQLite reads what Chorus wrote, and finds it sound.
    let s = rusqlite::Connection::open(&path).unwrap();
    let ok: String = s
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let names: Vec<String> = s
        .prepare("SELECT name FROM items ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(names, vec!["a", "b", "c"]);
    let sql: String = s
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'items'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        sql,
        "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT UNIQUE)"
    );
    drop(s);
    // Attach it again: the data is there.
    c.execute_batch(&format!("ATTACH '{p}' AS again")).unwrap();
    assert_eq!(
        count(&c, "SELECT count(*) FROM again.items WHERE name >= 'b'"),
        2
    );
}

#[test]
fn transactions_span_databases() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.db");
    let aux = dir.path().join("aux.db");
    let c = Connection::open(main.to_str().unwrap()).unwrap();
    c.execute_batch(&format!(
        "ATTACH '{}' AS aux; CREATE TABLE m(x); CREATE TABLE aux.a(y);",
        aux.to_str().unwrap()
    ))
    .unwrap();
    c.execute_batch("BEGIN; INSERT INTO m VALUES(1); INSERT INTO a VALUES(2); ROLLBACK;")
        .unwrap();
    assert_eq!(count(&c, "SELECT count(*) FROM m"), 0);
    assert_eq!(count(&c, "SELECT count(*) FROM aux.a"), 0);
    c.execute_batch("BEGIN; INSERT INTO m VALUES(1); INSERT INTO a VALUES(2); COMMIT;")
        .unwrap();
    // A failing statement undoes its writes in every database.
    c.execute_batch("CREATE UNIQUE INDEX aux.a_y ON a(y)")
        .unwrap();
    assert!(c
        .execute_batch("INSERT INTO a SELECT x + 1 FROM m UNION ALL SELECT 5 UNION ALL SELECT 5")
        .is_err());
    assert_eq!(count(&c, "SELECT count(*) FROM aux.a"), 1);
    drop(c);
    // Both files hold the committed rows.
    let s = rusqlite::Connection::open(&main).unwrap();
    let n: i64 = s
        .query_row("SELECT count(*) FROM m", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let s = rusqlite::Connection::open(&aux).unwrap();
    let n: i64 = s
        .query_row("SELECT count(*) FROM a", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn statements_follow_attach_and_detach() {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES('main')")
        .unwrap();
    let mut st = c.prepare("SELECT x FROM t").unwrap();
    c.execute_batch(
        "ATTACH ':memory:' AS aux; CREATE TABLE aux.t(x); INSERT INTO aux.t VALUES('aux');
         CREATE TEMP TABLE t(x); INSERT INTO temp.t VALUES('temp');",
    )
    .unwrap();
    // The temp table now comes first; the prepared statement recompiles.
    assert!(st.step().unwrap());
    assert_eq!(st.column_text(0).as_ref(), b"temp");
    drop(st);
    c.execute_batch("DROP TABLE temp.t").unwrap();
    let x: String = c.query_row("SELECT x FROM t", (), |r| r.get(0)).unwrap();
    assert_eq!(x, "main");
    let x: String = c
        .query_row("SELECT x FROM aux.t", (), |r| r.get(0))
        .unwrap();
    assert_eq!(x, "aux");
    c.execute_batch("DROP TABLE main.t").unwrap();
    let x: String = c.query_row("SELECT x FROM t", (), |r| r.get(0)).unwrap();
    assert_eq!(x, "aux");
    // ATTACH inside a transaction joins it.
    c.execute_batch(
        "BEGIN; ATTACH ':memory:' AS b2; CREATE TABLE b2.z(k); INSERT INTO z VALUES(1); COMMIT",
    )
    .unwrap();
    assert_eq!(count(&c, "SELECT count(*) FROM b2.z"), 1);
    let e = c
        .execute_batch("ATTACH '/nonexistent-dir/x/y.db' AS bad")
        .unwrap_err();
    assert_eq!(
        e.message,
        "unable to open database: /nonexistent-dir/x/y.db"
    );
    let e = c.execute_batch("DETACH main").unwrap_err();
    assert_eq!(e.message, "cannot detach database main");
}
