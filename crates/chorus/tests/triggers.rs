//! Triggers, differential against SQLite: DDL and the stored schema rows,
//! BEFORE/AFTER/INSTEAD OF firing with NEW/OLD, WHEN, UPDATE OF, RAISE(),
//! recursion, changes()/last_insert_rowid(), atomicity, conflict handling.

mod common;
use common::Pair;

fn log_pair() -> Pair {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT DEFAULT 'dflt', c REAL)",
        "CREATE TABLE log(seq INTEGER PRIMARY KEY, what)",
    ]);
    p
}

#[test]
fn ddl_and_schema_rows() {
    let p = log_pair();
    p.all(&[
        "CREATE TRIGGER tr1 AFTER INSERT ON t BEGIN INSERT INTO log(what) VALUES(new.a); END",
        "CREATE  TRIGGER IF NOT EXISTS \"tr 2\" before delete on t for each row begin select 1; end;",
        "CREATE TRIGGER IF NOT EXISTS tr1 AFTER INSERT ON t BEGIN SELECT 2; END",
        "CREATE TRIGGER tr1 AFTER INSERT ON t BEGIN SELECT 2; END",
        "CREATE TRIGGER tx AFTER INSERT ON nosuch BEGIN SELECT 2; END",
        "CREATE TRIGGER tx AFTER INSERT ON sqlite_schema BEGIN SELECT 2; END",
        "CREATE TRIGGER sqlite_x AFTER INSERT ON t BEGIN SELECT 2; END",
        "CREATE TRIGGER tx INSTEAD OF INSERT ON t BEGIN SELECT 2; END",
        "CREATE VIEW v AS SELECT id, a FROM t",
        "CREATE TRIGGER tx BEFORE INSERT ON v BEGIN SELECT 2; END",
        "CREATE TRIGGER tx AFTER UPDATE ON v BEGIN SELECT 2; END",
        "CREATE TRIGGER tv INSTEAD OF DELETE ON v BEGIN SELECT 2; END",
        // A trigger may share its name with a table.
        "CREATE TRIGGER log AFTER DELETE ON t BEGIN SELECT 3; END",
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY rowid",
        "DROP TRIGGER nosuch",
        "DROP TRIGGER IF EXISTS nosuch",
        "DROP TRIGGER log",
        "DROP VIEW v",
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name",
        "DROP TABLE t",
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name",
    ]);
}

#[test]
fn before_and_after_row_images() {
    let p = log_pair();
    p.all(&[
        "CREATE TRIGGER b1 BEFORE INSERT ON t BEGIN INSERT INTO log(what) VALUES('b1 ' || quote(new.id) || ' ' || quote(new.rowid) || ' ' || quote(new.a) || ' ' || quote(new.b) || ' ' || quote(new.c)); END",
        "CREATE TRIGGER b2 BEFORE INSERT ON t BEGIN INSERT INTO log(what) VALUES('b2'); END",
        "CREATE TRIGGER a1 AFTER INSERT ON t BEGIN INSERT INTO log(what) VALUES('a1 ' || new.id || ' ' || typeof(new.a) || ' ' || typeof(new.c)); END",
        "INSERT INTO t(a, c) VALUES('12', 3)",
        "INSERT INTO t VALUES(7, 'x', 5, '2.5')",
        "INSERT INTO t(a) SELECT a + 1 FROM t",
        "SELECT what FROM log ORDER BY seq",
        "DELETE FROM log",
        "CREATE TRIGGER u1 BEFORE UPDATE ON t BEGIN INSERT INTO log(what) VALUES('u1 ' || old.id || ':' || quote(old.a) || '->' || quote(new.a) || ' ' || new.rowid); END",
        "CREATE TRIGGER u2 AFTER UPDATE ON t BEGIN INSERT INTO log(what) VALUES('u2 ' || old.rowid || '->' || new.rowid || ' ' || quote(new.c)); END",
        "UPDATE t SET a = a + 1, c = '4'",
        "UPDATE t SET id = id + 100 WHERE id = 7",
        "SELECT what FROM log ORDER BY seq",
        "DELETE FROM log",
        "CREATE TRIGGER d1 BEFORE DELETE ON t BEGIN INSERT INTO log(what) VALUES('d1 ' || old.id || ' ' || (SELECT count(*) FROM t)); END",
        "CREATE TRIGGER d2 AFTER DELETE ON t BEGIN INSERT INTO log(what) VALUES('d2 ' || old.id || ' ' || (SELECT count(*) FROM t)); END",
        "DELETE FROM t",
        "SELECT what FROM log ORDER BY seq",
        "SELECT changes()",
    ]);
}

#[test]
fn when_and_update_of() {
    let p = log_pair();
    p.all(&[
        "INSERT INTO t(a, b) VALUES(1, 'x'), (2, 'y'), (3, 'z')",
        "CREATE TRIGGER ua AFTER UPDATE OF a ON t BEGIN INSERT INTO log(what) VALUES('a ' || new.id); END",
        "CREATE TRIGGER ubc AFTER UPDATE OF B, c ON t WHEN new.id > 1 BEGIN INSERT INTO log(what) VALUES('bc ' || new.id); END",
        "UPDATE t SET a = a",
        "UPDATE t SET b = b",
        "UPDATE t SET c = 1, a = 2 WHERE id = 3",
        "UPDATE t SET id = id WHERE id = 1",
        "SELECT what FROM log ORDER BY seq",
        // Unqualified NEW columns do not resolve.
        "CREATE TRIGGER bad AFTER INSERT ON t BEGIN INSERT INTO log(what) VALUES(a); END",
        "INSERT INTO t(a) VALUES(9)",
        "DROP TRIGGER bad",
        "CREATE TRIGGER bad2 AFTER INSERT ON t BEGIN INSERT INTO nosuch VALUES(1); END",
        "INSERT INTO t(a) VALUES(9)",
        "SELECT count(*) FROM t",
    ]);
}

#[test]
fn raise_variants() {
    let p = log_pair();
    p.all(&[
        "CREATE TRIGGER ig BEFORE INSERT ON t WHEN new.a = 0 BEGIN SELECT RAISE(IGNORE); END",
        "CREATE TRIGGER ab BEFORE INSERT ON t WHEN new.a = -1 BEGIN SELECT RAISE(ABORT, 'no -1'); END",
        "CREATE TRIGGER fa BEFORE INSERT ON t WHEN new.a = -2 BEGIN SELECT RAISE(FAIL, 'no -2'); END",
        "CREATE TRIGGER rb BEFORE INSERT ON t WHEN new.a = -3 BEGIN SELECT RAISE(ROLLBACK, 'no -3'); END",
        "CREATE TRIGGER aft AFTER INSERT ON t WHEN new.a = 5 BEGIN INSERT INTO log(what) VALUES('five'); SELECT RAISE(IGNORE); INSERT INTO log(what) VALUES('never'); END",
        "INSERT INTO t(a) VALUES(1), (0), (2)",
        "SELECT a FROM t ORDER BY id",
        "INSERT INTO t(a) VALUES(3), (-1), (4)",
        "SELECT a FROM t ORDER BY id",
        "INSERT INTO t(a) VALUES(5), (6)",
        "SELECT a FROM t ORDER BY id",
        "SELECT what FROM log",
        "INSERT INTO t(a) VALUES(7), (-2), (8)",
        "SELECT a FROM t ORDER BY id",
        "BEGIN",
        "INSERT INTO t(a) VALUES(9)",
        "INSERT INTO t(a) VALUES(-3)",
        "COMMIT",
        "SELECT a FROM t ORDER BY id",
        "SELECT RAISE(IGNORE)",
        "SELECT RAISE(ABORT, 'x')",
        // RAISE in a WHEN clause and in a nested trigger.
        "CREATE TABLE n(x)",
        "CREATE TRIGGER nw BEFORE INSERT ON n WHEN RAISE(ABORT, 'from when') BEGIN SELECT 1; END",
        "INSERT INTO n VALUES(1)",
        "DROP TRIGGER nw",
        "CREATE TRIGGER nn AFTER INSERT ON n BEGIN INSERT INTO t(a) VALUES(new.x); END",
        "INSERT INTO n VALUES(0), (-1)",
        "SELECT count(*) FROM n",
        "INSERT INTO n VALUES(0), (11)",
        "SELECT x FROM n",
        "SELECT a FROM t ORDER BY id",
    ]);
}

#[test]
fn raise_error_codes() {
    let p = log_pair();
    let setup = [
        "CREATE TRIGGER ab BEFORE INSERT ON t WHEN new.a = -1 BEGIN SELECT RAISE(ABORT, 'no -1'); END",
        "CREATE TRIGGER fa BEFORE INSERT ON t WHEN new.a = -2 BEGIN SELECT RAISE(FAIL, 'no -2'); END",
    ];
    p.all(&setup);
    for (sql, msg) in [
        ("INSERT INTO t(a) VALUES(-1)", "no -1"),
        ("INSERT INTO t(a) VALUES(-2)", "no -2"),
    ] {
        let e = p.chorus.execute(sql, ()).unwrap_err();
        assert_eq!(e.code.0, 1811, "{sql}");
        assert_eq!(e.message, msg);
        match p.sqlite.execute(sql, ()) {
            Err(rusqlite::Error::SqliteFailure(f, Some(m))) => {
                assert_eq!(f.extended_code, 1811);
                assert_eq!(m, msg);
            }
            other => panic!("sqlite: {other:?}"),
        }
    }
}

#[test]
fn instead_of_on_views() {
    let p = log_pair();
    p.all(&[
        "INSERT INTO t(a, b) VALUES(1, 'x'), (2, 'y'), (30, 'z')",
        "CREATE VIEW v(k, val, tag) AS SELECT id, a, b FROM t WHERE a < 10",
        "INSERT INTO v VALUES(1, 2, 3)",
        "CREATE TRIGGER vi INSTEAD OF INSERT ON v BEGIN INSERT INTO t(a, b) VALUES(new.val, coalesce(new.tag, 'none') || ' ' || quote(new.k)); END",
        "CREATE TRIGGER vu INSTEAD OF UPDATE OF val ON v BEGIN UPDATE t SET a = new.val WHERE id = old.k; INSERT INTO log(what) VALUES(old.val || '->' || new.val); END",
        "CREATE TRIGGER vd INSTEAD OF DELETE ON v WHEN old.val > 1 BEGIN DELETE FROM t WHERE id = old.k; END",
        "INSERT INTO v(val) VALUES(5), (6)",
        "SELECT changes(), total_changes()",
        "INSERT INTO v DEFAULT VALUES",
        "INSERT INTO v(val, tag) SELECT a * 2, b FROM t WHERE id <= 2",
        "SELECT id, a, b FROM t ORDER BY id",
        "UPDATE v SET val = val * 10 WHERE val < 3",
        "SELECT changes()",
        "UPDATE v SET tag = 'q'",
        "UPDATE v SET nosuch = 1",
        "SELECT id, a, b FROM t ORDER BY id",
        "DELETE FROM v WHERE k > 3",
        "SELECT id, a, b FROM t ORDER BY id",
        "SELECT what FROM log ORDER BY seq",
        "INSERT INTO v(nosuch) VALUES(1)",
        "INSERT INTO v VALUES(1, 2)",
    ]);
}

#[test]
fn recursion_rules() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE r(n INTEGER)",
        "CREATE TRIGGER again AFTER INSERT ON r WHEN new.n < 10 BEGIN INSERT INTO r VALUES(new.n + 1); END",
        "INSERT INTO r VALUES(1)",
        "SELECT n FROM r ORDER BY n",
        "PRAGMA recursive_triggers",
        "PRAGMA recursive_triggers = 1",
        "PRAGMA recursive_triggers",
        "DELETE FROM r",
        "INSERT INTO r VALUES(1)",
        "SELECT n FROM r ORDER BY n",
        "SELECT changes(), total_changes()",
        // Mutual recursion: a -> b -> a stops at a when recursion is off.
        "PRAGMA recursive_triggers = 0",
        "CREATE TABLE a(x)",
        "CREATE TABLE b(x)",
        "CREATE TRIGGER ab AFTER INSERT ON a WHEN new.x < 6 BEGIN INSERT INTO b VALUES(new.x + 1); END",
        "CREATE TRIGGER ba AFTER INSERT ON b BEGIN INSERT INTO a VALUES(new.x + 1); END",
        "INSERT INTO a VALUES(1)",
        "SELECT (SELECT group_concat(x) FROM a), (SELECT group_concat(x) FROM b)",
        "PRAGMA recursive_triggers = 1",
        "DELETE FROM a",
        "DELETE FROM b",
        "INSERT INTO a VALUES(1)",
        "SELECT (SELECT group_concat(x) FROM a), (SELECT group_concat(x) FROM b)",
    ]);
}

#[test]
fn recursion_depth_limit() {
    let p = Pair::new();
    p.all(&[
        "PRAGMA recursive_triggers = ON",
        "CREATE TABLE r(n INTEGER)",
        "CREATE TRIGGER forever AFTER INSERT ON r BEGIN INSERT INTO r VALUES(new.n + 1); END",
        "INSERT INTO r VALUES(1)",
        "SELECT count(*) FROM r",
        "DROP TRIGGER forever",
        "CREATE TRIGGER deep AFTER INSERT ON r WHEN new.n < 900 BEGIN INSERT INTO r VALUES(new.n + 1); END",
        "INSERT INTO r VALUES(1)",
        "SELECT count(*), max(n) FROM r",
    ]);
}

#[test]
fn changes_and_last_insert_rowid() {
    let p = log_pair();
    p.all(&[
        "CREATE TABLE side(id INTEGER PRIMARY KEY, v)",
        "INSERT INTO side VALUES(1000, 'seed')",
        "CREATE TRIGGER ai AFTER INSERT ON t BEGIN INSERT INTO side(v) VALUES(last_insert_rowid()); INSERT INTO side(v) VALUES(last_insert_rowid()); INSERT INTO log(what) VALUES(changes()); END",
        "INSERT INTO t(a) VALUES(1), (2)",
        "SELECT changes(), total_changes(), last_insert_rowid()",
        "SELECT id, v FROM side ORDER BY id",
        "CREATE TRIGGER ad AFTER DELETE ON t BEGIN DELETE FROM side WHERE id > 1000; END",
        "DELETE FROM t WHERE id = 1",
        "SELECT changes(), total_changes(), last_insert_rowid()",
        "SELECT count(*) FROM side",
    ]);
}

#[test]
fn statement_atomicity() {
    let p = log_pair();
    p.all(&[
        "CREATE TABLE u(x UNIQUE)",
        "INSERT INTO u VALUES(1)",
        "CREATE TRIGGER ai AFTER INSERT ON t BEGIN INSERT INTO log(what) VALUES(new.a); INSERT INTO u VALUES(new.a); END",
        "INSERT INTO t(a) VALUES(5), (1), (6)",
        "SELECT count(*) FROM t",
        "SELECT count(*) FROM log",
        "SELECT x FROM u ORDER BY x",
        "INSERT OR IGNORE INTO t(a) VALUES(7), (1), (8)",
        "SELECT a FROM t ORDER BY a",
        "SELECT x FROM u ORDER BY x",
        "BEGIN",
        "INSERT INTO t(a) VALUES(9)",
        "INSERT INTO t(a) VALUES(10), (9)",
        "COMMIT",
        "SELECT a FROM t ORDER BY a",
        "UPDATE t SET a = 1 WHERE a = 9",
        "SELECT a FROM t ORDER BY a",
    ]);
}

#[test]
fn replace_fires_delete_triggers_only_when_recursive() {
    let p = log_pair();
    p.all(&[
        "CREATE TABLE k(id INTEGER PRIMARY KEY, u UNIQUE, v)",
        "CREATE TRIGGER kd AFTER DELETE ON k BEGIN INSERT INTO log(what) VALUES('del ' || old.id || ' ' || old.v); END",
        "CREATE TRIGGER ki AFTER INSERT ON k BEGIN INSERT INTO log(what) VALUES('ins ' || new.id || ' ' || new.v); END",
        "INSERT INTO k VALUES(1, 'a', 'one'), (2, 'b', 'two')",
        "INSERT OR REPLACE INTO k VALUES(3, 'a', 'three')",
        "SELECT what FROM log ORDER BY seq",
        "PRAGMA recursive_triggers = 1",
        "INSERT OR REPLACE INTO k VALUES(4, 'b', 'four')",
        "REPLACE INTO k VALUES(4, 'c', 'four again')",
        "UPDATE OR REPLACE k SET u = 'c' WHERE id = 3",
        "SELECT what FROM log ORDER BY seq",
        "SELECT id, u, v FROM k ORDER BY id",
    ]);
}

#[test]
fn body_statements_see_fresh_data() {
    let p = log_pair();
    p.all(&[
        "CREATE TABLE cnt(n)",
        "CREATE TRIGGER ci AFTER INSERT ON t BEGIN INSERT INTO cnt VALUES((SELECT count(*) FROM t)); INSERT INTO log(what) SELECT 'max ' || max(n) FROM cnt; END",
        "INSERT INTO t(a) VALUES(1), (2), (3)",
        "SELECT n FROM cnt ORDER BY rowid",
        "SELECT what FROM log ORDER BY seq",
        "CREATE TRIGGER cu AFTER UPDATE ON t WHEN EXISTS (SELECT 1 FROM t WHERE a > 10) BEGIN INSERT INTO log(what) VALUES('big at ' || new.id); END",
        "UPDATE t SET a = a * 6",
        "SELECT what FROM log ORDER BY seq",
    ]);
}

#[test]
fn upsert_and_conflict_override() {
    let p = log_pair();
    p.all(&[
        "CREATE TABLE k(id INTEGER PRIMARY KEY, v UNIQUE)",
        "INSERT INTO k VALUES(1, 'x')",
        "CREATE TRIGGER ai AFTER INSERT ON t BEGIN INSERT INTO k(v) VALUES(new.b); END",
        "INSERT INTO t(a, b) VALUES(1, 'y')",
        "INSERT INTO t(a, b) VALUES(2, 'x')",
        "INSERT OR IGNORE INTO t(a, b) VALUES(3, 'x')",
        "SELECT id, a, b FROM t ORDER BY id",
        "SELECT id, v FROM k ORDER BY id",
        "INSERT OR REPLACE INTO t(a, b) VALUES(4, 'x')",
        "SELECT id, a, b FROM t ORDER BY id",
        "SELECT id, v FROM k ORDER BY id",
    ]);
}

/// SQLite reads Chorus's triggers from a file and the other way round.
#[test]
fn file_compatibility() {
    let dir = std::env::temp_dir().join(format!("chorus_trig_{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let f1 = dir.join("a.db");
    let _ = std::fs::remove_file(&f1);
    {
        let c = chorus::Connection::open(f1.to_str().unwrap()).unwrap();
        c.execute_batch(
            "CREATE TABLE t(x); CREATE TABLE log(y);
             CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES(new.x * 2); END;",
        )
        .unwrap();
    }
    {
        let s = rusqlite::Connection::open(&f1).unwrap();
        s.execute("INSERT INTO t VALUES(21)", ()).unwrap();
        let v: i64 = s.query_row("SELECT y FROM log", (), |r| r.get(0)).unwrap();
        assert_eq!(v, 42);
        s.execute_batch(
            "CREATE TRIGGER tr2 BEFORE DELETE ON t BEGIN INSERT INTO log VALUES(-old.x); END;",
        )
        .unwrap();
        let sql: String = s
            .query_row("SELECT sql FROM sqlite_schema WHERE name = 'tr'", (), |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            sql,
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES(new.x * 2); END"
        );
        let ok: String = s
            .query_row("PRAGMA integrity_check", (), |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
    {
        let c = chorus::Connection::open(f1.to_str().unwrap()).unwrap();
        c.execute("DELETE FROM t", ()).unwrap();
        let mut st = c.prepare("SELECT y FROM log ORDER BY rowid").unwrap();
        let mut got = Vec::new();
        while st.step().unwrap() {
            got.push(st.column_int64(0));
        }
        assert_eq!(got, vec![42, -21]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn upsert_do_update_fires_update_triggers() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE k(id INTEGER PRIMARY KEY, v UNIQUE, n)",
        "CREATE TABLE log(x)",
        "CREATE TRIGGER bi BEFORE INSERT ON k BEGIN INSERT INTO log VALUES('bi ' || new.v); END",
        "CREATE TRIGGER ai AFTER INSERT ON k BEGIN INSERT INTO log VALUES('ai ' || new.v); END",
        "CREATE TRIGGER bu BEFORE UPDATE ON k BEGIN INSERT INTO log VALUES('bu ' || old.n || '->' || new.n); END",
        "CREATE TRIGGER au AFTER UPDATE ON k BEGIN INSERT INTO log VALUES('au ' || old.n || '->' || new.n); END",
        "CREATE TRIGGER auo AFTER UPDATE OF v ON k BEGIN INSERT INTO log VALUES('auo'); END",
        "INSERT INTO k VALUES(1, 'a', 1)",
        "INSERT INTO k VALUES(2, 'a', 5) ON CONFLICT(v) DO UPDATE SET n = n + excluded.n",
        "SELECT changes()",
        "INSERT INTO k VALUES(3, 'a', 5) ON CONFLICT(v) DO NOTHING",
        "SELECT x FROM log ORDER BY rowid",
        "SELECT * FROM k",
    ]);
}

#[test]
fn body_errors() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(a, b)",
        "CREATE TRIGGER x1 AFTER INSERT ON t BEGIN SELECT ?1; END",
        "CREATE TRIGGER x2 AFTER INSERT ON t BEGIN INSERT INTO main.t VALUES(1, 2); END",
        "CREATE TRIGGER x3 AFTER INSERT ON t BEGIN SELECT 1 FROM nosuch; END",
        "INSERT INTO t VALUES(1, 2)",
        "DROP TRIGGER x3",
        "CREATE TRIGGER x4 BEFORE UPDATE OF nosuch ON t BEGIN SELECT 1; END",
        "UPDATE t SET a = 1",
        "CREATE TRIGGER x5 AFTER INSERT ON t BEGIN SELECT new.nosuch; END",
        "INSERT INTO t VALUES(1, 2)",
        "DROP TRIGGER x5",
        "CREATE TRIGGER x6 AFTER INSERT ON t BEGIN SELECT old.a; END",
        "INSERT INTO t VALUES(1, 2)",
        "DROP TRIGGER x6",
        "CREATE TRIGGER x7 AFTER DELETE ON t BEGIN SELECT new.a; END",
        "DELETE FROM t",
        "DROP TRIGGER x7",
        "SELECT count(*) FROM t",
    ]);
}

#[test]
fn schema_changes_and_transactions() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(a)",
        "CREATE TABLE log(x)",
        "CREATE TABLE gone(y)",
        "BEGIN",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES(new.a); END",
        "INSERT INTO t VALUES(1)",
        "ROLLBACK",
        "INSERT INTO t VALUES(2)",
        "SELECT count(*) FROM log",
        "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'",
        "CREATE TRIGGER tr2 AFTER INSERT ON t BEGIN INSERT INTO gone VALUES(new.a); END",
        "INSERT INTO t VALUES(3)",
        "DROP TABLE gone",
        "INSERT INTO t VALUES(4)",
        "SELECT a FROM t ORDER BY a",
        "SELECT name FROM sqlite_schema WHERE type = 'trigger'",
    ]);
    // A statement prepared before CREATE TRIGGER fires it afterwards.
    let c = &p.chorus;
    c.execute_batch("DROP TRIGGER tr2; DELETE FROM log;")
        .unwrap();
    let mut st = c.prepare("INSERT INTO t VALUES(10)").unwrap();
    c.execute_batch(
        "CREATE TRIGGER tr3 AFTER INSERT ON t BEGIN INSERT INTO log VALUES(new.a * 2); END",
    )
    .unwrap();
    st.execute(()).unwrap();
    drop(st);
    let v: i64 = c.query_row("SELECT x FROM log", (), |r| r.get(0)).unwrap();
    assert_eq!(v, 20);
}

#[test]
fn nested_views_and_correlated_bodies() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE base(id INTEGER PRIMARY KEY, v)",
        "CREATE TABLE audit(id, note)",
        "CREATE VIEW v1 AS SELECT id, v FROM base",
        "CREATE VIEW v2 AS SELECT id, v FROM v1 WHERE v > 0",
        "CREATE TRIGGER v1i INSTEAD OF INSERT ON v1 BEGIN INSERT INTO base VALUES(new.id, new.v); END",
        "CREATE TRIGGER v2i INSTEAD OF INSERT ON v2 BEGIN INSERT INTO v1 VALUES(new.id, abs(new.v)); INSERT INTO audit VALUES(new.id, 'via v2'); END",
        "INSERT INTO v2 VALUES(1, -5), (2, 7)",
        "SELECT * FROM base ORDER BY id",
        "SELECT * FROM v2 ORDER BY id",
        "CREATE TRIGGER bd AFTER DELETE ON base BEGIN INSERT INTO audit SELECT old.id, 'had ' || count(*) FROM audit WHERE id = old.id; END",
        "DELETE FROM base WHERE id IN (SELECT id FROM audit WHERE note = 'via v2')",
        "SELECT * FROM audit ORDER BY rowid",
        "CREATE TABLE f(x)",
        "CREATE TRIGGER fi AFTER INSERT ON f BEGIN INSERT INTO base(v) VALUES(new.x); END",
        "CREATE TRIGGER bi BEFORE INSERT ON base WHEN new.v = 13 BEGIN SELECT RAISE(FAIL, 'unlucky'); END",
        "INSERT INTO f VALUES(1), (13), (2)",
        "SELECT x FROM f ORDER BY rowid",
        "SELECT v FROM base ORDER BY id",
    ]);
}

#[test]
fn changes_inside_programs() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(a)",
        "CREATE TABLE log(x, y)",
        "CREATE TABLE s(z)",
        "INSERT INTO s VALUES(1), (2), (3)",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES('first', changes()); UPDATE s SET z = z + 1; INSERT INTO log VALUES('second', changes()); DELETE FROM s WHERE z > 100; INSERT INTO log VALUES('third', changes()); END",
        "INSERT INTO t VALUES(1)",
        "INSERT INTO t VALUES(2), (3)",
        "SELECT changes(), total_changes()",
        "SELECT * FROM log ORDER BY rowid",
    ]);
}

/// A long chain of distinct triggers (t0 fires t1 fires ... t199) compiles
/// and runs without exhausting the stack.
#[test]
fn long_trigger_chain() {
    let p = Pair::new();
    let n = 200;
    let mut sqls = Vec::new();
    for i in 0..=n {
        sqls.push(format!("CREATE TABLE c{i}(x)"));
    }
    for i in 0..n {
        sqls.push(format!(
            "CREATE TRIGGER g{i} AFTER INSERT ON c{i} BEGIN INSERT INTO c{}(x) VALUES(new.x + 1); END",
            i + 1
        ));
    }
    sqls.push("INSERT INTO c0 VALUES(0)".into());
    sqls.push(format!("SELECT x FROM c{n}"));
    sqls.push("SELECT total_changes()".into());
    for s in &sqls {
        p.same(s);
    }
}

#[test]
fn replace_delete_trigger_ignore() {
    let p = Pair::new();
    p.all(&[
        "PRAGMA recursive_triggers = 1",
        "CREATE TABLE k(id INTEGER PRIMARY KEY, u UNIQUE)",
        "INSERT INTO k VALUES(1, 'a'), (5, 'b')",
        "CREATE TRIGGER bd BEFORE DELETE ON k BEGIN SELECT RAISE(IGNORE); END",
        "INSERT OR REPLACE INTO k VALUES(2, 'a')",
        "UPDATE OR REPLACE k SET u = 'a' WHERE id = 5",
        "SELECT * FROM k ORDER BY id",
        "PRAGMA recursive_triggers = 0",
        "INSERT OR REPLACE INTO k VALUES(2, 'a')",
        "SELECT * FROM k ORDER BY id",
    ]);
}

#[test]
fn temp_triggers() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE b(x)",
        "CREATE TABLE c(y)",
        "CREATE TRIGGER main_tr AFTER INSERT ON b BEGIN INSERT INTO c VALUES(new.x); END",
        "CREATE TEMP TRIGGER temp_tr AFTER INSERT ON b BEGIN INSERT INTO c VALUES(-new.x); END",
        "CREATE TRIGGER temp.temp_tr2 AFTER INSERT ON b BEGIN INSERT INTO c VALUES(new.x * 100); END",
        "CREATE TEMP TRIGGER temp_tr AFTER INSERT ON b BEGIN SELECT 1; END",
        "INSERT INTO b VALUES(7)",
        "SELECT y FROM c ORDER BY rowid",
        "SELECT name FROM sqlite_schema WHERE type = 'trigger'",
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_temp_schema ORDER BY name",
        "SELECT name FROM sqlite_temp_master WHERE name LIKE '%2'",
        "DROP TRIGGER temp_tr",
        "INSERT INTO b VALUES(8)",
        "SELECT y FROM c ORDER BY rowid",
        "DROP TABLE b",
        "CREATE TABLE b(x)",
        "INSERT INTO b VALUES(9)",
        "SELECT y FROM c ORDER BY rowid",
        "DROP TRIGGER temp_tr2",
        "SELECT count(*) FROM sqlite_temp_schema",
    ]);
}

/// A TEMP trigger belongs to its connection: other connections and later
/// opens of the file do not see it.
#[test]
fn temp_triggers_are_connection_local() {
    let dir = std::env::temp_dir().join(format!("chorus_trig_tmp_{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let f = dir.join("t.db");
    let _ = std::fs::remove_file(&f);
    let path = f.to_str().unwrap();
    let count = |c: &chorus::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM log", (), |r| r.get(0))
            .unwrap()
    };
    {
        let a = chorus::Connection::open(path).unwrap();
        a.execute_batch(
            "CREATE TABLE t(x); CREATE TABLE log(y);
             CREATE TEMP TRIGGER tt AFTER INSERT ON t BEGIN INSERT INTO log VALUES(new.x); END;",
        )
        .unwrap();
        let b = chorus::Connection::open(path).unwrap();
        // A statement prepared before the trigger existed fires it afterwards.
        let mut st = a.prepare("INSERT INTO t VALUES(1)").unwrap();
        st.execute(()).unwrap();
        assert_eq!(count(&a), 1);
        b.execute("INSERT INTO t VALUES(2)", ()).unwrap();
        assert_eq!(count(&b), 1);
        a.execute("DROP TRIGGER tt", ()).unwrap();
        st.execute(()).unwrap();
        assert_eq!(count(&a), 1);
        let e = b.execute("DROP TRIGGER tt", ()).unwrap_err();
        assert_eq!(e.message, "no such trigger: tt");
    }
    {
        let s = rusqlite::Connection::open(path).unwrap();
        let n: i64 = s
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'",
                (),
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn qualified_names_and_temp_order() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE main.b(x)",
        "CREATE TABLE c(y)",
        "CREATE TEMP TRIGGER t1 AFTER INSERT ON b BEGIN INSERT INTO c VALUES(1); END",
        "CREATE TEMP TRIGGER t2 AFTER INSERT ON b BEGIN INSERT INTO c VALUES(2); END",
        "CREATE TRIGGER temp.t3 AFTER INSERT ON b BEGIN INSERT INTO c VALUES(3); END",
        "CREATE TRIGGER m1 AFTER INSERT ON b BEGIN INSERT INTO c VALUES(11); END",
        "CREATE TRIGGER main.m2 AFTER INSERT ON main.b BEGIN INSERT INTO c VALUES(12); END",
        "CREATE TRIGGER IF NOT EXISTS \"main\" . \"m 3\" AFTER INSERT ON b BEGIN INSERT INTO c VALUES(13); END",
        "INSERT INTO b VALUES(0)",
        "SELECT group_concat(y) FROM c",
        "SELECT sql FROM sqlite_schema ORDER BY rowid",
    ]);
}

/// Foreign keys are enforced on the rows trigger programs write, with the
/// statement's counters (a violation fails the statement that fired).
#[test]
fn foreign_keys_inside_triggers() {
    let p = Pair::new();
    p.all(&[
        "PRAGMA foreign_keys = ON",
        "CREATE TABLE parent(id INTEGER PRIMARY KEY, name)",
        "CREATE TABLE child(id INTEGER PRIMARY KEY, pid REFERENCES parent(id) ON DELETE CASCADE)",
        "CREATE TABLE src(x)",
        "CREATE TRIGGER s_ai AFTER INSERT ON src BEGIN INSERT INTO child(pid) VALUES(new.x); END",
        "INSERT INTO parent VALUES(1, 'a'), (2, 'b')",
        "INSERT INTO src VALUES(1), (2)",
        "INSERT INTO src VALUES(3)",
        "SELECT count(*) FROM src",
        "SELECT pid FROM child ORDER BY id",
        "CREATE TRIGGER s_ad AFTER DELETE ON src BEGIN DELETE FROM parent WHERE id = old.x; END",
        "DELETE FROM src WHERE x = 1",
        "SELECT pid FROM child ORDER BY id",
        "SELECT id FROM parent ORDER BY id",
        // A trigger that repairs the violation before the statement ends.
        "CREATE TABLE orphan(pid)",
        "CREATE TRIGGER o_ai AFTER INSERT ON orphan BEGIN INSERT INTO child(pid) VALUES(new.pid); INSERT INTO parent(id, name) VALUES(new.pid, 'made'); END",
        "INSERT INTO orphan VALUES(9)",
        "SELECT id, name FROM parent ORDER BY id",
        "PRAGMA foreign_key_check",
    ]);
}

/// Cascaded foreign key actions fire the child table's triggers.
#[test]
fn foreign_key_actions_fire_triggers() {
    let p = Pair::new();
    p.all(&[
        "PRAGMA foreign_keys = ON",
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(id INTEGER PRIMARY KEY, pid REFERENCES p ON DELETE CASCADE ON UPDATE SET NULL, note)",
        "CREATE TABLE log(x)",
        "CREATE TRIGGER cbd BEFORE DELETE ON c BEGIN INSERT INTO log VALUES('before del c ' || old.id); END",
        "CREATE TRIGGER cad AFTER DELETE ON c BEGIN INSERT INTO log VALUES('del c ' || old.id); END",
        "CREATE TRIGGER cbu BEFORE UPDATE ON c BEGIN INSERT INTO log VALUES('upd c ' || old.id || ' ' || quote(new.pid)); END",
        "CREATE TRIGGER cau AFTER UPDATE OF note ON c BEGIN INSERT INTO log VALUES('never'); END",
        "CREATE TRIGGER cbi BEFORE DELETE ON c WHEN old.id = 12 BEGIN SELECT RAISE(IGNORE); END",
        "INSERT INTO p VALUES(1), (2), (3)",
        "INSERT INTO c VALUES(10, 1, 'a'), (11, 2, 'b'), (12, 3, 'c')",
        "DELETE FROM p WHERE id = 1",
        "UPDATE p SET id = 5 WHERE id = 2",
        "SELECT x FROM log ORDER BY rowid",
        "SELECT id, pid FROM c ORDER BY id",
        "DELETE FROM p WHERE id = 3",
        "SELECT id, pid FROM c ORDER BY id",
        "SELECT count(*) FROM p",
    ]);
}

/// ALTER TABLE keeps triggers working: renamed tables and columns are
/// rewritten in the stored trigger text, added columns reach NEW/OLD.
#[test]
fn alter_table_and_triggers() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE t(a, b)",
        "CREATE TABLE log(x)",
        "CREATE TRIGGER ti AFTER INSERT ON t BEGIN INSERT INTO log VALUES(new.a || ':' || new.b); END",
        "CREATE TRIGGER lt AFTER INSERT ON log WHEN new.x = 'stop' BEGIN DELETE FROM t; END",
        "INSERT INTO t VALUES(1, 2)",
        "ALTER TABLE t RENAME TO t2",
        "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name",
        "INSERT INTO t2 VALUES(3, 4)",
        "ALTER TABLE t2 RENAME COLUMN b TO bb",
        "SELECT sql FROM sqlite_schema WHERE name = 'ti'",
        "INSERT INTO t2 VALUES(5, 6)",
        "ALTER TABLE t2 ADD COLUMN c DEFAULT 'cc'",
        "CREATE TRIGGER tc AFTER UPDATE OF c ON t2 BEGIN INSERT INTO log VALUES('c ' || old.c || '->' || new.c); END",
        "UPDATE t2 SET c = 'x' WHERE a = 1",
        "ALTER TABLE log RENAME TO log2",
        "INSERT INTO t2(a, bb) VALUES(7, 8)",
        "SELECT x FROM log2 ORDER BY rowid",
        "INSERT INTO log2 VALUES('stop')",
        "SELECT count(*) FROM t2",
    ]);
}

/// SQLite checks a trigger's header when its parser reaches BEGIN, before
/// the body: a header error wins over a syntax error in the body, while a
/// syntax error before BEGIN (in WHEN, in UPDATE OF) is reported as such.
#[test]
fn header_errors_come_before_body_syntax_errors() {
    let p = log_pair();
    p.all(&[
        "CREATE TRIGGER tr AFTER INSERT ON missing BEGIN SELECT 1; xyz; END",
        "CREATE TRIGGER tr AFTER INSERT ON missing BEGIN SELECT 1 FROM; END",
        "CREATE TRIGGER tr AFTER INSERT ON missing BEGIN SELECT 1;",
        "CREATE TRIGGER tr AFTER INSERT ON missing BEGIN SELECT 1; END ',x",
        "CREATE TRIGGER tr AFTER INSERT ON missing WHEN 'a BEGIN SELECT 1; END",
        ";  ;CREATE TRIGGER tr AFTER INSERT ON missing BEGIN SELECT 1; END (SELECT 3)",
        "CREATE TRIGGER tr INSTEAD OF INSERT ON t BEGIN SELECT 1 FROM; END",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1 FROM; END",
        "CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN SELECT 1 FROM; END",
        "CREATE TRIGGER tr2 AFTER INSERT ON t BEGIN SELECT 1 FROM; END",
        "CREATE TRIGGER tr2 AFTER INSERT ON missing WHEN 1+ BEGIN SELECT 1; END",
        "CREATE TRIGGER tr2 AFTER UPDATE OF a b ON missing BEGIN SELECT 1; END",
        "CREATE TEMP TRIGGER tr3 AFTER DELETE ON \"missing begin\" FOR EACH ROW BEGIN DELETE FROM; END",
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name",
    ]);
}

/// The table a missing-table error names: qualified by its database as
/// written, `main.` for an unqualified one, bare for a TEMP trigger's.
#[test]
fn missing_table_names_in_trigger_errors() {
    let p = log_pair();
    p.all(&[
        "CREATE TEMP TRIGGER tr AFTER DELETE ON missing BEGIN SELECT 1; END",
        "CREATE TRIGGER temp.tr AFTER DELETE ON missing BEGIN SELECT 1; END",
        "CREATE TRIGGER main.tr AFTER DELETE ON missing BEGIN SELECT 1; END",
        "CREATE TRIGGER tr AFTER DELETE ON MAIN.missing BEGIN SELECT 1; END",
        "CREATE TEMP TRIGGER tr AFTER DELETE ON main.missing BEGIN SELECT 1; END",
        "CREATE TEMP TRIGGER tr AFTER DELETE ON temp.missing BEGIN SELECT 1; END",
    ]);
}
