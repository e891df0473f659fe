//! Differential tests for the planner's IN lookups and covering indexes:
//! `x IN (list)` / `x IN (SELECT ...)` / `rowid IN (...)` seek an index or
//! the rowid once per distinct value, in index order (so rows come in
//! SQLite's order), and a scan whose columns one index holds reads only the
//! index. Rows are compared in order (no `-- rowsort`): without ORDER BY
//! both engines return them in the order of the access path.

mod common;
use common::Pair;

fn load(p: &Pair) {
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT, c, d REAL)",
        "CREATE INDEX ta ON t(a)",
        "CREATE INDEX tab ON t(a, b)",
        "CREATE INDEX tbn ON t(b COLLATE NOCASE)",
        "CREATE INDEX tcd ON t(c DESC)",
        "CREATE INDEX td ON t(d)",
        "CREATE TABLE u(x, y TEXT)",
        "INSERT INTO u VALUES (3, 'x'), (1, 'Y'), (3, 'z'), (NULL, NULL), ('2', 'q'), (2.0, 'X')",
    ]);
    let mut sql = String::from("INSERT INTO t VALUES ");
    for i in 1..=200i64 {
        if i > 1 {
            sql.push(',');
        }
        let a = if i % 17 == 0 {
            "NULL".to_string()
        } else {
            ((i * 7) % 13).to_string()
        };
        let b = match i % 5 {
            0 => "'x'".to_string(),
            1 => "'Y'".to_string(),
            2 => "'y'".to_string(),
            3 => format!("'n{}'", i % 11),
            _ => "NULL".to_string(),
        };
        let c = match i % 4 {
            0 => format!("{}", i % 9),
            1 => format!("'{}'", i % 9),
            2 => format!("{}.5", i % 9),
            _ => "NULL".to_string(),
        };
        let d = if i % 3 == 0 {
            format!("{}", i % 10)
        } else {
            format!("{}.25", i % 10)
        };
        sql.push_str(&format!("({i}, {a}, {b}, {c}, {d})"));
    }
    p.same(&sql);
}

#[test]
fn in_lists_seek_each_value_in_index_order() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "SELECT * FROM t WHERE a IN (3, 1, 2, 1)",
        "SELECT id, a FROM t WHERE a IN (1, '2', 3.0, NULL, 'x')",
        "SELECT * FROM t WHERE a IN (12) AND b IN ('x', 'Y', 'y')",
        "SELECT id FROM t WHERE a IN (4, 5) AND b > 'm'",
        "SELECT id, b FROM t WHERE b IN ('X', 'y', 'N3')",
        "SELECT id, c FROM t WHERE c IN (1, '2', 3.5, 8)",
        "SELECT id, d FROM t WHERE d IN (3, 4.25, '6')",
        "SELECT * FROM t WHERE a NOT IN (1, 2, 3, 4, 5, 6, 7, 8)",
        "SELECT * FROM t WHERE a IN ()",
        "SELECT id FROM t WHERE id IN (5, 3, 3, '7', 2.5, NULL, 1000, 8.0)",
        "SELECT id FROM t WHERE rowid IN (9, 1) AND a IN (1, 2, 3, 4, 5, 6, 7, 8, 9)",
        "SELECT count(*) FROM t WHERE a IN (1, 2) OR b IN ('x')",
        "SELECT id FROM t WHERE a IS NULL",
        "SELECT id FROM t WHERE a IS 3 AND b IS NULL",
        "SELECT id FROM t WHERE b IS 'x'",
        "SELECT id FROM t WHERE a IS NOT NULL AND a < 1",
        "SELECT t1.id, t2.id FROM t t1, t t2 WHERE t1.a IN (2, 3) AND t2.id = t1.id + 1",
    ]);
}

#[test]
fn in_subqueries_seek_through_the_index() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "SELECT * FROM t WHERE a IN (SELECT x FROM u)",
        "SELECT id FROM t WHERE id IN (SELECT x FROM u)",
        "SELECT id, b FROM t WHERE b IN (SELECT y FROM u)",
        "SELECT id FROM t WHERE a IN (SELECT x FROM u WHERE x > 100)",
        "SELECT id FROM t WHERE a IN (SELECT x FROM u) AND b IN (SELECT y FROM u)",
        "SELECT t1.id, t2.id FROM t t1, t t2 WHERE t1.a IN (SELECT x FROM u) AND t2.id = t1.a",
        // Correlated: evaluated per row, not a seek key.
        "SELECT x FROM u WHERE x IN (SELECT a FROM t WHERE t.id = u.x * 7)",
        // On the null-extended side of a LEFT JOIN: a filter after the join.
        "SELECT u.x, t.id FROM u LEFT JOIN t ON t.id = u.x WHERE t.a IN (SELECT x FROM u)",
        "SELECT (SELECT count(*) FROM t WHERE a IN (SELECT x FROM u)), x FROM u",
    ]);
    // Prepared with parameters and run again after the data changed.
    p.all(&[
        "CREATE TABLE k(v)",
        "INSERT INTO k VALUES (5), (6)",
        "SELECT id FROM t WHERE a IN (SELECT v FROM k)",
        "INSERT INTO k VALUES (7)",
        "SELECT id FROM t WHERE a IN (SELECT v FROM k)",
    ]);
}

#[test]
fn writes_by_in_terms() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "UPDATE t SET a = a + 1 WHERE a IN (1, 2)",
        "SELECT id, a FROM t WHERE a IN (1, 2, 3)",
        "DELETE FROM t WHERE a IN (SELECT x FROM u)",
        "SELECT count(*), sum(id) FROM t",
        "DELETE FROM t WHERE id IN (10, 20, 30, 10)",
        "SELECT count(*), sum(id) FROM t",
        "UPDATE t SET b = 'w' WHERE b IN (SELECT y FROM u)",
        "SELECT id, b FROM t WHERE b = 'w'",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn covering_scans_read_the_index_alone() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "SELECT count(*) FROM t",
        "SELECT a FROM t",
        "SELECT a, id FROM t WHERE a > 9",
        "SELECT a, b FROM t WHERE a = 4",
        "SELECT b FROM t WHERE b > 'n'",
        "SELECT d FROM t WHERE d > 7",
        "SELECT d, typeof(d) FROM t WHERE d < 2",
        "SELECT c FROM t WHERE c < 3",
        "SELECT count(*) FROM t WHERE a > 3",
        "SELECT t1.a, t2.a FROM t t1, t t2 WHERE t2.a = t1.id AND t1.id < 20",
        "SELECT a, (SELECT count(*) FROM t t2 WHERE t2.a = t.a) FROM t WHERE a < 2",
        "SELECT max(a), min(a), sum(a) FROM t",
        "SELECT a, count(*) FROM t GROUP BY a",
        "SELECT DISTINCT a FROM t",
        "SELECT rowid, a FROM t WHERE a = 0",
    ]);
    // A column added later (its default fills old rows' index entries).
    p.all(&[
        "CREATE TABLE s(x, y)",
        "INSERT INTO s VALUES (1, 2), (3, 4)",
        "ALTER TABLE s ADD COLUMN z DEFAULT 'zz'",
        "CREATE INDEX sz ON s(z)",
        "INSERT INTO s VALUES (5, 6, 'a')",
        "SELECT z FROM s WHERE z > ''",
        "SELECT count(*) FROM s",
        "SELECT z FROM s",
    ]);
}

/// The plan's detail lines (ids are VDBE addresses in SQLite).
fn plan(p: &Pair, sql: &str) {
    let q = format!("EXPLAIN QUERY PLAN {sql}");
    let details = |o: common::Outcome| match o {
        common::Outcome::Rows(_, rows) => rows.into_iter().map(|r| r[3].clone()).collect(),
        common::Outcome::Error(e) => vec![chorus::Value::Text(e.into_bytes())],
    };
    assert_eq!(details(p.run_chorus(&q)), details(p.run_sqlite(&q)), "{q}");
}

#[test]
fn plans_match_sqlite() {
    let p = Pair::new();
    load(&p);
    for q in [
        "SELECT * FROM t WHERE a IN (3, 1, 2)",
        "SELECT * FROM t WHERE id IN (3, 1, 2)",
        "SELECT * FROM t WHERE a IN (SELECT x FROM u)",
        "SELECT * FROM t WHERE id IN (SELECT x FROM u)",
        "SELECT id FROM t WHERE a IN (1, 2) AND b IN ('x', 'y')",
        "SELECT a FROM t WHERE a IN (1, 2)",
        "SELECT count(*) FROM t",
        "SELECT b FROM t WHERE b > 'n'",
        "SELECT * FROM t t1, t t2 WHERE t1.a IN (SELECT b FROM t) UNION SELECT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
        "UPDATE t SET b = 1 WHERE id IN (1, 2)",
    ] {
        plan(&p, q);
    }
}

#[test]
fn order_by_follows_an_index_or_the_rowid() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "SELECT * FROM t ORDER BY a",
        "SELECT * FROM t ORDER BY a DESC",
        "SELECT id, a FROM t ORDER BY a, id",
        "SELECT id, a FROM t ORDER BY a DESC, id DESC",
        "SELECT id, a FROM t ORDER BY a, id DESC",
        "SELECT a FROM t ORDER BY a LIMIT 5",
        "SELECT a FROM t ORDER BY a DESC LIMIT 5 OFFSET 3",
        "SELECT id, a, b FROM t WHERE a = 4 ORDER BY b",
        "SELECT id, a, b FROM t WHERE a = 4 ORDER BY a, b DESC",
        "SELECT id, a FROM t WHERE a > 3 AND a <= 9 ORDER BY a DESC",
        "SELECT id, a FROM t WHERE a >= 3 AND a < 9 ORDER BY a DESC",
        "SELECT id, a FROM t WHERE a < 5 ORDER BY a DESC",
        "SELECT id, a FROM t WHERE a > 5 ORDER BY a DESC",
        "SELECT id, c FROM t ORDER BY c DESC",
        "SELECT id, c FROM t ORDER BY c",
        "SELECT id, c FROM t WHERE c > 2 ORDER BY c",
        "SELECT id, b FROM t ORDER BY b COLLATE NOCASE, id",
        "SELECT id, b FROM t ORDER BY b",
        "SELECT id FROM t ORDER BY id DESC LIMIT 7",
        "SELECT id FROM t WHERE id > 190 ORDER BY rowid",
        "SELECT id FROM t WHERE id > 190 ORDER BY rowid DESC",
        "SELECT * FROM t WHERE id = 7 ORDER BY b",
        "SELECT id, a FROM t ORDER BY a NULLS LAST, id",
        "SELECT id, a FROM t ORDER BY a DESC NULLS FIRST, id",
        "SELECT id, d FROM t WHERE d IN (3, 4.25) ORDER BY d DESC",
        "SELECT id, d FROM t WHERE d IN (3, 4.25) ORDER BY d",
        "SELECT id, a, b FROM t WHERE a IN (4, 5) AND b IN ('x', 'y') ORDER BY a DESC, b DESC",
        "SELECT id, a, b FROM t WHERE a IN (4, 5) ORDER BY b",
        "SELECT id, a, b FROM t WHERE a = 4 AND b IN ('x', 'y') ORDER BY b",
        "SELECT id, a FROM t NOT INDEXED ORDER BY a, id",
    ]);
}

#[test]
fn order_by_plans_match_sqlite() {
    let p = Pair::new();
    load(&p);
    for q in [
        "SELECT * FROM t ORDER BY a",
        "SELECT a FROM t ORDER BY a DESC",
        "SELECT * FROM t WHERE a = 4 ORDER BY b",
        "SELECT * FROM t WHERE a > 4 ORDER BY a DESC",
        "SELECT * FROM t ORDER BY id DESC",
        "SELECT * FROM t WHERE id > 4 ORDER BY id",
        "SELECT count(*) FROM t NOT INDEXED",
        "SELECT * FROM t WHERE a IN (1, 2) ORDER BY a DESC",
        "SELECT * FROM t WHERE a IN (1, 2) ORDER BY b",
        "SELECT a FROM t NOT INDEXED WHERE a = 3",
    ] {
        plan(&p, q);
    }
}

/// Backwards walks across many pages (interior pages, leaf boundaries).
#[test]
fn backwards_walks_over_many_pages() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE big(id INTEGER PRIMARY KEY, k INT, s TEXT)",
        "CREATE INDEX bigk ON big(k, s)",
        "CREATE INDEX bigs ON big(s DESC)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) \
         INSERT INTO big SELECT i, (i * 37) % 101, printf('%08d-%d', (i * 7919) % 6007, i % 3) FROM n",
        "SELECT count(*), sum(k) FROM big",
    ]);
    p.all(&[
        "SELECT id FROM big ORDER BY id DESC LIMIT 20 OFFSET 2900",
        "SELECT sum(id), count(*) FROM (SELECT id FROM big ORDER BY id DESC)",
        "SELECT k, s FROM big ORDER BY k DESC, s DESC LIMIT 30 OFFSET 3000",
        "SELECT id, k, s FROM big WHERE k = 50 ORDER BY s DESC",
        "SELECT id, k FROM big WHERE k > 20 AND k < 30 ORDER BY k DESC, s DESC LIMIT 40 OFFSET 100",
        "SELECT id, k FROM big WHERE k IN (3, 99, 50) ORDER BY k DESC, s DESC LIMIT 50 OFFSET 60",
        "SELECT id, s FROM big ORDER BY s LIMIT 25 OFFSET 4000",
        "SELECT id, s FROM big WHERE s < '00003000' ORDER BY s DESC LIMIT 10",
        "SELECT k, count(*) FROM big WHERE k IN (SELECT k FROM big WHERE id < 50) GROUP BY k",
        "SELECT count(*) FROM big WHERE id IN (SELECT id * 3 FROM big WHERE id < 3000)",
    ]);
}

#[test]
fn min_max_seek_and_or_between_lookups() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "SELECT min(a) FROM t",
        "SELECT max(a) FROM t",
        "SELECT min(a), id, b FROM t",
        "SELECT max(a), id, b FROM t",
        "SELECT min(b) FROM t",
        "SELECT max(b COLLATE NOCASE) FROM t",
        "SELECT min(c), max(c) FROM t",
        "SELECT max(c) FROM t",
        "SELECT min(d) FROM t WHERE d > 3",
        "SELECT max(b) FROM t WHERE a = 4",
        "SELECT min(b), id FROM t WHERE a = 4",
        "SELECT min(a) FROM t WHERE b = 'x'",
        "SELECT max(a) FROM t WHERE a < 0",
        "SELECT min(a) FROM t WHERE a IS NULL",
        "SELECT max(a) + 1, count(*) FROM t",
        "SELECT min(a) FROM t NOT INDEXED",
        "SELECT (SELECT max(a) FROM t t2 WHERE t2.a < t.a) FROM t WHERE id < 10",
        "SELECT id, a FROM t WHERE a = 3 OR a = 5 OR a = 3",
        "SELECT id FROM t WHERE id = 9 OR id = 2 OR id = 400",
        "SELECT id, a FROM t WHERE a = 3 OR b = 'x'",
        "SELECT id, a FROM t WHERE a BETWEEN 3 AND 5",
        "SELECT id, a FROM t WHERE a NOT BETWEEN 3 AND 11",
        "SELECT id FROM t WHERE id BETWEEN 10 AND 14",
    ]);
    p.all(&["CREATE TABLE e(x, y)", "CREATE INDEX ex ON e(x)"]);
    p.all(&[
        "SELECT min(x), max(x), count(*) FROM e",
        "SELECT min(x) FROM e",
        "SELECT max(x), y FROM e",
        "INSERT INTO e VALUES (NULL, 1), (NULL, 2)",
        "SELECT min(x), y FROM e",
        "SELECT max(x), y FROM e",
    ]);
    for q in [
        "SELECT min(a) FROM t",
        "SELECT max(a), b FROM t",
        "SELECT max(b) FROM t WHERE a = 4",
        "SELECT min(x) FROM e",
        "SELECT * FROM t WHERE a = 1 OR a = 2",
        "SELECT * FROM t WHERE a BETWEEN 1 AND 5",
        "SELECT * FROM t WHERE id = 1 OR id = 2",
    ] {
        plan(&p, q);
    }
}

#[test]
fn group_by_through_an_index() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "CREATE INDEX tba ON t(b, a)",
        "SELECT a, count(*) FROM t GROUP BY a",
        "SELECT a, count(*), sum(id) FROM t GROUP BY a ORDER BY a",
        "SELECT a, count(*) FROM t GROUP BY a ORDER BY a DESC",
        "SELECT b, a, count(*) FROM t GROUP BY b, a",
        "SELECT b, a, count(*) FROM t GROUP BY a, b",
        "SELECT b, a, count(*) FROM t GROUP BY a, b ORDER BY a, b",
        "SELECT b, a, count(*) FROM t GROUP BY a, b ORDER BY b, a",
        "SELECT b, count(*), min(id), max(id) FROM t WHERE a = 4 GROUP BY b",
        "SELECT c, count(*) FROM t GROUP BY c",
        "SELECT d, count(*) FROM t GROUP BY d",
        "SELECT b COLLATE NOCASE, count(*) FROM t GROUP BY b COLLATE NOCASE",
        "SELECT b, count(*) FROM t GROUP BY b",
        "SELECT a, b, id FROM t GROUP BY a",
        "SELECT a, max(id), b FROM t GROUP BY a",
        "SELECT a, count(*) FROM t WHERE a > 3 GROUP BY a HAVING count(*) > 14",
        "SELECT a, group_concat(id) FROM t GROUP BY a",
        "SELECT a, count(*) FROM t NOT INDEXED GROUP BY a",
    ]);
    for q in [
        "SELECT a, count(*) FROM t GROUP BY a",
        "SELECT a, count(*) FROM t GROUP BY a ORDER BY a",
        "SELECT b, a, count(*) FROM t GROUP BY a, b",
        "SELECT b, count(*) FROM t WHERE a = 4 GROUP BY b",
        "SELECT a, b, id FROM t GROUP BY a",
    ] {
        plan(&p, q);
    }
}

#[test]
fn join_order_follows_usable_indexes() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "CREATE TABLE v(x INTEGER PRIMARY KEY, y, z TEXT)",
        "CREATE INDEX vy ON v(y)",
        "CREATE INDEX vz ON v(z)",
        "INSERT INTO v SELECT id, a, b FROM t WHERE id % 3 = 0",
    ]);
    let queries = [
        "SELECT t.id, v.x FROM t JOIN v ON v.y = t.a WHERE t.id < 40",
        "SELECT t.id, v.x FROM t JOIN v ON v.x = t.a",
        "SELECT t.id, v.x FROM v JOIN t ON v.y = t.a WHERE v.x < 30",
        "SELECT t.id, v.x FROM t, v WHERE v.z = t.b AND t.id < 12",
        "SELECT t.id, v.x FROM t, v WHERE t.a = v.y AND v.x = 6",
    ];
    p.all(&queries);
    for q in queries {
        plan(&p, q);
    }
}

#[test]
fn rowid_ranges_backwards_and_key_order() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "SELECT id FROM t WHERE id > 190 ORDER BY id DESC",
        "SELECT id FROM t WHERE id >= 190 AND id < 195 ORDER BY rowid DESC",
        "SELECT id FROM t WHERE id BETWEEN 10 AND 14 ORDER BY id DESC",
        "SELECT id FROM t WHERE id > 10.5 AND id <= 14.0 ORDER BY id DESC",
        "SELECT id FROM t WHERE id > 10 AND id < 14.5 ORDER BY id DESC",
        "SELECT id FROM t WHERE id < 'x' AND id > 195 ORDER BY id DESC",
        "SELECT id FROM t WHERE id > 'x' ORDER BY id DESC",
        "SELECT id FROM t WHERE id < NULL ORDER BY id DESC",
        "SELECT id FROM t WHERE id < -1e30 ORDER BY id DESC",
        "SELECT count(*) FROM (SELECT id FROM t WHERE id < 1e30 ORDER BY id DESC)",
        "SELECT max(id), min(id), count(*) FROM t",
        "SELECT max(id) FROM t",
        "SELECT min(rowid), b FROM t",
        "SELECT max(id) FROM t WHERE b = 'x'",
        "SELECT max(id) FROM t WHERE id < 50",
        "SELECT min(id) FROM t WHERE id > 50.5",
        "CREATE TABLE wk(k TEXT, n INT, v, PRIMARY KEY(k, n DESC)) WITHOUT ROWID",
        "INSERT INTO wk VALUES ('b', 1, 1), ('a', 2, 2), ('b', 3, 3), ('a', 1, 4), ('c', 0, 5)",
        "SELECT * FROM wk ORDER BY k, n DESC",
        "SELECT * FROM wk ORDER BY k DESC, n",
        "SELECT * FROM wk ORDER BY k",
        "SELECT * FROM wk ORDER BY k DESC",
        "SELECT * FROM wk ORDER BY k, n",
    ]);
    for q in [
        "SELECT * FROM t WHERE id > 190 ORDER BY id DESC",
        "SELECT max(id) FROM t",
        "SELECT min(id) FROM t",
        "SELECT * FROM wk ORDER BY k, n DESC",
        "SELECT * FROM wk ORDER BY k DESC",
    ] {
        plan(&p, q);
    }
}

#[test]
fn distinct_over_an_index_walk() {
    let p = Pair::new();
    load(&p);
    let queries = [
        "SELECT DISTINCT a FROM t",
        "SELECT DISTINCT a, a FROM t",
        "SELECT DISTINCT b FROM t",
        "SELECT DISTINCT b COLLATE NOCASE FROM t",
        "SELECT DISTINCT c FROM t",
        "SELECT DISTINCT a, b FROM t",
        "SELECT DISTINCT b, a FROM t WHERE a = 4",
        "SELECT DISTINCT d FROM t WHERE d > 5",
        "SELECT DISTINCT a FROM t LIMIT 3 OFFSET 2",
        "SELECT DISTINCT a FROM t NOT INDEXED",
    ];
    p.all(&queries);
    for q in queries {
        plan(&p, q);
    }
}

#[test]
fn order_by_the_outer_loop_of_a_join() {
    let p = Pair::new();
    load(&p);
    p.all(&[
        "CREATE TABLE v(x INTEGER PRIMARY KEY, y, z TEXT)",
        "INSERT INTO v SELECT id, a, b FROM t WHERE id % 3 = 0",
    ]);
    let queries = [
        "SELECT t.a, v.z FROM t JOIN v ON v.x = t.id ORDER BY t.a",
        "SELECT t.a, v.z FROM t JOIN v ON v.x = t.id ORDER BY t.a DESC LIMIT 10",
        "SELECT t.id, v.z FROM t JOIN v ON v.x = t.id ORDER BY t.id DESC",
        "SELECT t.id, v.x FROM t LEFT JOIN v ON v.x = t.id + 1 ORDER BY t.id LIMIT 12",
        "SELECT t.a, v.x FROM t JOIN v ON v.x = t.id ORDER BY v.z",
        "SELECT t.a, v.x FROM t, v WHERE v.x = t.a ORDER BY t.a, t.id",
    ];
    p.all(&queries);
    for q in queries {
        plan(&p, q);
    }
}
