//! Window functions, differential against SQLite (rusqlite): ranking,
//! offsets, value functions, aggregates over ROWS / RANGE / GROUPS frames
//! with EXCLUDE and FILTER, named windows, windows over grouped rows, and
//! SQLite's error messages. A few results are also asserted literally.

mod common;
use chorus::Value;
use common::{Outcome, Pair};

fn setup() -> Pair {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE s(id INTEGER PRIMARY KEY, g TEXT, v INTEGER, r REAL)",
        "INSERT INTO s VALUES (1,'a',10,1.5),(2,'a',20,NULL),(3,'a',20,2.5),(4,'b',5,0.5),(5,'b',NULL,3.0),\
         (6,'b',15,-1.0),(7,'c',30,4.0),(8,'a',40,0.0),(9,'c',30,NULL),(10,'b',5,9.5)",
    ]);
    p
}

fn ints(p: &Pair, sql: &str) -> Vec<Vec<Option<i64>>> {
    match p.run_chorus(sql) {
        Outcome::Rows(_, rows) => rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|v| match v {
                        Value::Integer(i) => Some(i),
                        Value::Null => None,
                        other => panic!("not an integer: {other:?}"),
                    })
                    .collect()
            })
            .collect(),
        Outcome::Error(e) => panic!("{sql}: {e}"),
    }
}

#[test]
fn running_sum_and_row_number_values() {
    let p = setup();
    let rows = ints(
        &p,
        "SELECT id, row_number() OVER (ORDER BY id), sum(v) OVER (ORDER BY id) FROM s ORDER BY id",
    );
    let expect_sum = [10, 30, 50, 55, 55, 70, 100, 140, 170, 175];
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], Some(i as i64 + 1));
        assert_eq!(r[1], Some(i as i64 + 1));
        assert_eq!(r[2], Some(expect_sum[i]));
    }
    // Default frame: peers (equal ORDER BY values) share the running total.
    let rows = ints(
        &p,
        "SELECT id, sum(id) OVER (ORDER BY v) FROM s WHERE g = 'a' ORDER BY id",
    );
    assert_eq!(
        rows,
        vec![
            vec![Some(1), Some(1)],
            vec![Some(2), Some(6)],
            vec![Some(3), Some(6)],
            vec![Some(8), Some(14)],
        ]
    );
}

#[test]
fn ranking_functions() {
    let p = setup();
    p.all(&[
        "SELECT id, rank() OVER w, dense_rank() OVER w, percent_rank() OVER w, cume_dist() OVER w FROM s WINDOW w AS (ORDER BY v) ORDER BY id",
        "SELECT id, row_number() OVER (PARTITION BY g ORDER BY v DESC, id) FROM s ORDER BY id",
        "SELECT id, ntile(3) OVER (ORDER BY id), ntile(4) OVER (PARTITION BY g ORDER BY id), ntile(20) OVER () FROM s ORDER BY id",
        "SELECT id, rank() OVER (), dense_rank() OVER (PARTITION BY g) FROM s ORDER BY id",
    ]);
}

#[test]
fn offset_and_value_functions() {
    let p = setup();
    p.all(&[
        "SELECT id, lag(v) OVER (ORDER BY id), lead(v, 2, -1) OVER (PARTITION BY g ORDER BY id), lag(v, 1, id) OVER (ORDER BY id) FROM s ORDER BY id",
        "SELECT id, lag(v, -1) OVER (ORDER BY id), lag(v, -2) OVER (ORDER BY id), lead(v, -2) OVER (ORDER BY id), lag(v, NULL, 'd') OVER (ORDER BY id) FROM s ORDER BY id",
        "SELECT id, first_value(v) OVER w, last_value(v) OVER w, nth_value(v, 2) OVER w FROM s WINDOW w AS (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING) ORDER BY id",
        "SELECT id, first_value(id) OVER w, last_value(id) OVER w, nth_value(id, 2) OVER w FROM s WINDOW w AS (ORDER BY v GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) ORDER BY id",
    ]);
}

#[test]
fn aggregate_frames() {
    let p = setup();
    for frame in [
        "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING",
        "ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING",
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING",
        "RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING",
        "RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE TIES",
        "GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW",
        "GROUPS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE GROUP",
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW",
    ] {
        let sql = format!(
            "SELECT id, sum(v) OVER w, count(*) OVER w, count(v) OVER w, min(v) OVER w, max(r) OVER w, \
             avg(r) OVER w, total(r) OVER w, group_concat(id, '.') OVER w, string_agg(g, '') OVER w \
             FROM s WINDOW w AS (ORDER BY v {frame}) ORDER BY id"
        );
        p.same(&sql);
    }
    p.all(&[
        "SELECT id, sum(v) OVER (ORDER BY v DESC RANGE BETWEEN 10 PRECEDING AND 1 FOLLOWING) FROM s ORDER BY id",
        "SELECT id, sum(r) OVER (ORDER BY r NULLS LAST RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING) FROM s ORDER BY id",
        "SELECT id, count(*) FILTER (WHERE v > 10) OVER (ORDER BY id ROWS 2 PRECEDING), sum(v) FILTER (WHERE g <> 'b') OVER (PARTITION BY g) FROM s ORDER BY id",
        "SELECT id, max(v) FILTER (WHERE id <> 3) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM s ORDER BY id",
    ]);
}

#[test]
fn named_windows_and_inheritance() {
    let p = setup();
    p.all(&[
        "SELECT id, sum(v) OVER (w ORDER BY id), count(*) OVER w FROM s WINDOW w AS (PARTITION BY g) ORDER BY id",
        "SELECT id, sum(v) OVER w2 FROM s WINDOW w1 AS (PARTITION BY g), w2 AS (w1 ORDER BY id ROWS 1 PRECEDING) ORDER BY id",
        "SELECT id, sum(v) OVER (w ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM s WINDOW w AS (ORDER BY id) ORDER BY id",
        "SELECT sum(v) OVER nope FROM s",
        "SELECT sum(v) OVER (w PARTITION BY g) FROM s WINDOW w AS (ORDER BY id)",
        "SELECT sum(v) OVER (w ORDER BY g) FROM s WINDOW w AS (ORDER BY id)",
        "SELECT sum(v) OVER (w) FROM s WINDOW w AS (ORDER BY id ROWS 1 PRECEDING)",
        "SELECT sum(v) OVER w FROM s WINDOW a AS (ORDER BY id), w AS (b)",
    ]);
}

#[test]
fn windows_with_group_by_distinct_limit_subqueries() {
    let p = setup();
    p.all(&[
        "SELECT g, sum(v), sum(sum(v)) OVER (ORDER BY g), rank() OVER (ORDER BY count(*) DESC, g) FROM s GROUP BY g ORDER BY g",
        "SELECT g, count(*) FROM s GROUP BY g HAVING count(*) > 2 ORDER BY row_number() OVER (ORDER BY g DESC)",
        "SELECT DISTINCT g, count(*) OVER (PARTITION BY g) FROM s ORDER BY g",
        "SELECT id FROM s ORDER BY row_number() OVER (ORDER BY v DESC, id) LIMIT 3 OFFSET 1",
        "SELECT * FROM (SELECT id, g, row_number() OVER (PARTITION BY g ORDER BY id) AS rn FROM s) WHERE rn = 1 ORDER BY g",
        "SELECT id, (SELECT max(rn) FROM (SELECT row_number() OVER () AS rn FROM s AS u WHERE u.g = s.g)) FROM s ORDER BY id",
        "WITH c AS (SELECT id, sum(v) OVER (ORDER BY id) AS run FROM s) SELECT id, run - lag(run) OVER (ORDER BY id) FROM c ORDER BY id",
        "SELECT count(*), row_number() OVER () FROM s WHERE id > 100",
        "SELECT id, g, row_number() OVER (PARTITION BY g) FROM s",
    ]);
}

#[test]
fn window_errors_match_sqlite() {
    let p = setup();
    p.all(&[
        "SELECT id FROM s WHERE row_number() OVER (ORDER BY id) > 2",
        "SELECT g FROM s GROUP BY g HAVING rank() OVER () > 1",
        "SELECT g FROM s GROUP BY row_number() OVER ()",
        "SELECT sum(rank() OVER ()) OVER () FROM s",
        "SELECT rank() OVER (ORDER BY id) + sum(rank() OVER (ORDER BY id)) FROM s",
        "SELECT row_number() FROM s",
        "SELECT ntile(0) OVER (ORDER BY id) FROM s",
        "SELECT nth_value(id, 0) OVER () FROM s",
        "SELECT sum(v) OVER (ORDER BY id ROWS -1 PRECEDING) FROM s",
        "SELECT sum(v) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1.5 FOLLOWING) FROM s",
        "SELECT sum(v) OVER (ORDER BY id RANGE 'x' PRECEDING) FROM s",
        "SELECT sum(v) OVER (RANGE 1 PRECEDING) FROM s",
        "SELECT sum(v) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM s",
        "SELECT nosuch() OVER () FROM s",
        "SELECT abs(v) OVER () FROM s",
        "SELECT rank() FILTER (WHERE v > 1) OVER () FROM s",
        "SELECT count(DISTINCT v) OVER () FROM s",
        "SELECT lag() OVER () FROM s",
        "SELECT id AS k, sum(v) OVER (ORDER BY k) FROM s",
    ]);
}

#[test]
fn sliding_sum_steps_from_partition_start() {
    // SQLite's sliding aggregate sees every row of the partition through
    // step() before inverse() removes it, so the overflow surfaces.
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE big(i INTEGER PRIMARY KEY, v INT)",
        "INSERT INTO big VALUES (1, 9223372036854775807), (2, 1), (3, -5), (4, 10)",
        "SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM big",
        "SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING EXCLUDE CURRENT ROW) FROM big ORDER BY i",
        "SELECT i, total(v) OVER (ORDER BY i ROWS 1 PRECEDING) FROM big ORDER BY i",
    ]);
}

#[test]
fn large_partition_running_aggregates() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE n(i INTEGER PRIMARY KEY, v INT)",
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000) \
         INSERT INTO n SELECT i, (i * 7919) % 1000 FROM c",
        "SELECT sum(s), sum(r), sum(m) FROM (SELECT sum(v) OVER (ORDER BY i) AS s, \
         row_number() OVER (PARTITION BY v % 7 ORDER BY i) AS r, \
         max(v) OVER (ORDER BY i ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS m FROM n)",
    ]);
}
