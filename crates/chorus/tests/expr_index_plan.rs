//! The planner seeks and walks indexes on expressions and on VIRTUAL
//! generated columns when a WHERE, join or ORDER BY term holds the same
//! expression (plan/index_expr.rs): plans and results as in SQLite.

mod common;
use common::Pair;

fn details_chorus(c: &chorus::Connection, sql: &str) -> Vec<String> {
    let mut s = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let mut out = Vec::new();
    while s.step().unwrap() {
        out.push(String::from_utf8(s.column_text(3).into_owned()).unwrap());
    }
    out
}

fn details_sqlite(c: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut s = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows = s.query_map([], |r| r.get::<_, String>(3)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

const SETUP: &[&str] = &[
    "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, a INT, b INT, n TEXT COLLATE NOCASE, r REAL)",
    "INSERT INTO t VALUES(1, 'Alice', 1, 2, 'aa', 1.5), (2, 'BOB', 2, 3, 'AB', 2.0), (3, 'bob', 3, 1, 'ab', NULL)",
    "INSERT INTO t VALUES(4, NULL, NULL, 5, NULL, 4), (5, 'carol', 10, -5, 'Zed', -1), (6, '12', 6, 6, '12', 12)",
    "CREATE INDEX t_lower ON t(lower(name))",
    "CREATE INDEX t_sum ON t(a+b)",
    "CREATE INDEX t_mix ON t(b, abs(a))",
    "CREATE INDEX t_plus1 ON t(r + 1)",
    "CREATE TABLE u(k, z INT)",
    "INSERT INTO u VALUES('bob', 1), ('carol', 2), ('zz', 3)",
    "CREATE TABLE g(id INTEGER PRIMARY KEY, p TEXT, v INT AS (length(p)) VIRTUAL, w TEXT AS (upper(p)))",
    "INSERT INTO g(p) VALUES('a'), ('bb'), ('cc'), ('ddd'), (NULL), ('12345')",
    "CREATE INDEX g_v ON g(v)",
    "CREATE INDEX g_w ON g(w, id)",
];

fn pair() -> Pair {
    let p = Pair::new();
    p.all(SETUP);
    p
}

/// Same plan text and same rows as SQLite; the plan must name `want`.
fn check(p: &Pair, sql: &str, want: &str) {
    let c = details_chorus(&p.chorus, sql);
    assert_eq!(c, details_sqlite(&p.sqlite, sql), "{sql}");
    assert!(
        c.iter().any(|l| l.contains(want)),
        "{sql}: plan {c:?} lacks {want}"
    );
    p.same(sql);
}

#[test]
fn where_terms_seek_expression_indexes() {
    let p = pair();
    for (sql, want) in [
        (
            "SELECT * FROM t WHERE lower(name) = 'bob'",
            "t_lower (<expr>=?)",
        ),
        (
            "SELECT * FROM t WHERE lower(t.name) = 'bob'",
            "t_lower (<expr>=?)",
        ),
        (
            "SELECT * FROM t WHERE 'bob' = lower(name)",
            "t_lower (<expr>=?)",
        ),
        (
            "SELECT * FROM t WHERE lower(name) IN ('bob', 'alice')",
            "t_lower (<expr>=?)",
        ),
        (
            "SELECT * FROM t WHERE lower(name) = 'bob' OR lower(name) = '12'",
            "t_lower (<expr>=?)",
        ),
        (
            "SELECT * FROM t WHERE lower(name) IN (SELECT k FROM u)",
            "t_lower (<expr>=?)",
        ),
        (
            "SELECT * FROM t WHERE lower(name) > 'b'",
            "t_lower (<expr>>?)",
        ),
        (
            "SELECT * FROM t WHERE lower(name) BETWEEN 'a' AND 'bz'",
            "t_lower (<expr>>? AND <expr><?)",
        ),
        (
            "SELECT * FROM t WHERE lower(name) IS NULL",
            "t_lower (<expr>=?)",
        ),
        (
            "SELECT * FROM t WHERE lower(name) = 12",
            "t_lower (<expr>=?)",
        ),
        ("SELECT * FROM t WHERE a+b = 5", "t_sum (<expr>=?)"),
        (
            "SELECT * FROM t WHERE a+b >= 4 AND a+b < 10",
            "t_sum (<expr>>? AND <expr><?)",
        ),
        (
            "SELECT * FROM t WHERE b = 3 AND abs(a) = 2",
            "t_mix (b=? AND <expr>=?)",
        ),
        (
            "SELECT * FROM t WHERE b = -5 AND abs(a) > 1",
            "t_mix (b=? AND <expr>>?)",
        ),
        ("SELECT * FROM t WHERE r + 1 = 3", "t_plus1 (<expr>=?)"),
    ] {
        check(&p, sql, want);
    }
}

#[test]
fn only_the_same_expression_and_collation_match() {
    let p = pair();
    for sql in [
        // Different expression, operand order, constant type or function.
        "SELECT * FROM t WHERE b+a = 5",
        "SELECT * FROM t WHERE r + 1.0 = 3",
        "SELECT * FROM t WHERE upper(name) = 'BOB'",
        "SELECT * FROM t WHERE abs(a) = 2",
        // Another collation than the index's (BINARY).
        "SELECT * FROM t WHERE lower(name) = 'bob' COLLATE NOCASE",
        // A TEXT comparison affinity cannot seek a key without affinity.
        "SELECT * FROM t WHERE lower(name) = CAST(12 AS TEXT)",
        // Another table's column of the same name.
        "SELECT * FROM u, t WHERE lower(u.k) = 'bob'",
    ] {
        let c = details_chorus(&p.chorus, sql);
        assert_eq!(c, details_sqlite(&p.sqlite, sql), "{sql}");
        p.same(sql);
    }
    let c = details_chorus(&p.chorus, "SELECT * FROM t WHERE b+a = 5");
    assert!(c.iter().all(|l| !l.contains("t_sum")), "{c:?}");
}

#[test]
fn order_by_follows_expression_index() {
    let p = pair();
    for (sql, want) in [
        (
            "SELECT id, name FROM t ORDER BY lower(name)",
            "SCAN t USING INDEX t_lower",
        ),
        (
            "SELECT id, name FROM t ORDER BY lower(name) DESC",
            "SCAN t USING INDEX t_lower",
        ),
        (
            "SELECT * FROM t WHERE lower(name) > 'a' ORDER BY lower(name)",
            "t_lower (<expr>>?)",
        ),
        ("SELECT * FROM t WHERE b = 3 ORDER BY abs(a)", "t_mix (b=?)"),
        (
            "SELECT a+b, name FROM t ORDER BY a+b LIMIT 3",
            "SCAN t USING INDEX t_sum",
        ),
        ("SELECT id, v FROM g ORDER BY v", "SCAN g USING INDEX g_v"),
    ] {
        check(&p, sql, want);
        let c = details_chorus(&p.chorus, sql);
        assert!(c.iter().all(|l| !l.contains("TEMP B-TREE")), "{sql}: {c:?}");
    }
}

#[test]
fn virtual_generated_column_indexes() {
    let p = pair();
    for (sql, want) in [
        ("SELECT * FROM g WHERE v = 2", "g_v (v=?)"),
        ("SELECT * FROM g WHERE v = '2'", "g_v (v=?)"),
        ("SELECT * FROM g WHERE v > 2", "g_v (v>?)"),
        ("SELECT * FROM g WHERE v IN (1, 3)", "g_v (v=?)"),
        ("SELECT * FROM g WHERE v IS NULL", "g_v (v=?)"),
        ("SELECT * FROM g WHERE w = 'CC'", "g_w (w=?)"),
    ] {
        check(&p, sql, want);
    }
    p.all(&[
        "UPDATE g SET p = p || 'z' WHERE v >= 2",
        "SELECT id, p, v, w FROM g ORDER BY id",
        "DELETE FROM g WHERE v IN (3, 4)",
        "SELECT id, p, v, w FROM g ORDER BY id",
    ]);
}

#[test]
fn joins_seek_the_inner_table_by_expression() {
    let p = pair();
    for (sql, want) in [
        (
            "SELECT t.*, u.z FROM u, t WHERE lower(t.name) = u.k",
            "t_lower (<expr>=?)",
        ),
        (
            "SELECT t.*, u.z FROM t, u WHERE u.k = lower(t.name)",
            "t_lower (<expr>=?)",
        ),
    ] {
        check(&p, sql, want);
    }
}

#[test]
fn update_and_delete_find_rows_by_expression() {
    let p = pair();
    check(
        &p,
        "UPDATE t SET b = b + 1 WHERE lower(name) = 'bob'",
        "t_lower (<expr>=?)",
    );
    p.all(&[
        "UPDATE t SET name = name || 'x' WHERE lower(name) >= 'b'",
        "SELECT * FROM t ORDER BY id",
        "UPDATE t SET a = a + 1 WHERE a + b BETWEEN 0 AND 200",
        "SELECT * FROM t ORDER BY id",
        "DELETE FROM t WHERE a+b > 6",
        "SELECT * FROM t ORDER BY id",
        "SELECT * FROM t WHERE lower(name) = 'bobx'",
    ]);
}
