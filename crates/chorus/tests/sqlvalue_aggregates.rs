//! Differential tests of the aggregate functions against SQLite (rusqlite),
//! including result types, integer overflow errors and window inverses.

mod sqlvalue_util;

use chorus::sqlvalue::aggregate::{find_aggregate, min_max_state, AggregateState};
use chorus::sqlvalue::Collation;
use chorus::{Value, ValueRef};
use sqlvalue_util::*;

const AGGS: &[(&str, &str, usize)] = &[
    ("sum", "sum(v)", 1),
    ("total", "total(v)", 1),
    ("avg", "avg(v)", 1),
    ("count", "count(v)", 1),
    ("count", "count(*)", 0),
    ("min", "min(v)", 1),
    ("max", "max(v)", 1),
    ("group_concat", "group_concat(v)", 1),
    ("group_concat", "group_concat(v, s)", 2),
    ("string_agg", "string_agg(v, s)", 2),
];

fn run_ours(name: &str, n: usize, rows: &[(Value, Value)]) -> Result<Value, String> {
    let mut st = find_aggregate(name, n).expect("aggregate")();
    for (v, s) in rows {
        let args: Vec<ValueRef> = [v.as_ref(), s.as_ref()][..n].to_vec();
        st.step(&args).map_err(|e| e.message)?;
    }
    st.finalize().map_err(|e| e.message)
}

#[test]
fn aggregates_match_sqlite() {
    let c = conn();
    c.execute_batch("CREATE TABLE t(v, s)").unwrap();
    let mut pool = value_pool();
    pool.extend([
        Value::Integer(i64::MAX),
        Value::Integer(i64::MIN),
        Value::Real(0.1),
        Value::Real(1e308),
        Value::Real(-1e308),
    ]);
    let seps = [t(","), t("; "), Value::Null, t(""), Value::Integer(5)];
    let mut rng = Rng::new(21);
    let mut bad = Vec::new();
    for round in 0..600 {
        c.execute("DELETE FROM t", []).unwrap();
        let n = if round == 0 {
            0
        } else {
            rng.below(8) as usize + 1
        };
        let mut rows = Vec::new();
        for _ in 0..n {
            let v = if rng.below(3) == 0 {
                Value::Integer((rng.next() as i64) >> rng.below(3))
            } else {
                rng.pick(&pool).clone()
            };
            let s = rng.pick(&seps).clone();
            c.execute("INSERT INTO t VALUES(?1, ?2)", [Bind(&v), Bind(&s)])
                .unwrap();
            rows.push((v, s));
        }
        for &(name, expr, argc) in AGGS {
            let expect = eval(&c, &format!("SELECT {expr} FROM t"), &[]);
            let got = run_ours(name, argc, &rows);
            let ok = match (&expect, &got) {
                (Ok(a), Ok(b)) => same(a, b),
                (Err(a), Err(b)) => a == b,
                _ => false,
            };
            if !ok {
                bad.push(format!(
                    "{expr} over {rows:?}: sqlite {expect:?} ours {got:?}"
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(15)]
    );
}

#[test]
fn sum_overflow_and_empty_results() {
    let c = conn();
    for (vals, expect_err) in [
        (vec![Value::Integer(i64::MAX), Value::Integer(1)], true),
        (
            vec![
                Value::Integer(i64::MAX),
                Value::Integer(1),
                Value::Real(0.5),
            ],
            false,
        ),
        (vec![Value::Integer(i64::MIN), Value::Integer(-1)], true),
        (
            vec![
                Value::Integer(i64::MAX),
                Value::Integer(1),
                Value::Integer(-1),
            ],
            true,
        ),
    ] {
        let got = run_ours(
            "sum",
            1,
            &vals
                .iter()
                .map(|v| (v.clone(), Value::Null))
                .collect::<Vec<_>>(),
        );
        assert_eq!(got.is_err(), expect_err, "{vals:?}");
        if expect_err {
            assert_eq!(got.unwrap_err(), "integer overflow");
        }
        let values: Vec<String> = vals
            .iter()
            .map(|v| match v {
                Value::Integer(i) => i.to_string(),
                Value::Real(r) => r.to_string(),
                _ => unreachable!(),
            })
            .collect();
        let sql = format!(
            "SELECT sum(x) FROM (SELECT {} AS x)",
            values.join(" AS x UNION ALL SELECT ")
        );
        let r = eval(&c, &sql, &[]);
        assert_eq!(r.is_err(), expect_err, "{sql}");
    }
    assert_eq!(run_ours("sum", 1, &[]), Ok(Value::Null));
    assert_eq!(run_ours("total", 1, &[]), Ok(Value::Real(0.0)));
    assert_eq!(run_ours("avg", 1, &[]), Ok(Value::Null));
    assert_eq!(run_ours("count", 0, &[]), Ok(Value::Integer(0)));
    assert_eq!(run_ours("group_concat", 1, &[]), Ok(Value::Null));
    assert!(find_aggregate("SUM", 1).is_some());
    assert!(find_aggregate("sum", 2).is_none());
    assert!(find_aggregate("string_agg", 1).is_none());
}

#[test]
fn min_max_with_collation_match_sqlite() {
    let c = conn();
    c.execute_batch("CREATE TABLE t(v TEXT COLLATE NOCASE)")
        .unwrap();
    let vals = [t("b"), t("A"), t("a"), t("B"), Value::Null, t("c "), t("C")];
    for v in &vals {
        c.execute("INSERT INTO t VALUES(?1)", [Bind(v)]).unwrap();
    }
    for is_max in [false, true] {
        let mut st = min_max_state(is_max, Collation::NoCase);
        for v in &vals {
            st.step(&[v.as_ref()]).unwrap();
        }
        let expect = eval(
            &c,
            if is_max {
                "SELECT max(v) FROM t"
            } else {
                "SELECT min(v) FROM t"
            },
            &[],
        )
        .unwrap();
        assert_eq!(st.finalize().unwrap(), expect);
    }
}

#[test]
fn window_inverse_matches_sqlite() {
    let c = conn();
    c.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, v, s)")
        .unwrap();
    let mut rng = Rng::new(22);
    let pool = value_pool();
    let mut rows: Vec<(Value, Value)> = Vec::new();
    for i in 0..60 {
        let v = match rng.below(3) {
            0 => Value::Integer(rng.below(1000) as i64 - 500),
            1 => Value::Real((rng.below(10000) as f64) / 7.0),
            _ => rng.pick(&pool).clone(),
        };
        let s = t(["-", "++", ""][i % 3]);
        c.execute(
            "INSERT INTO t VALUES(?1, ?2, ?3)",
            [Bind(&Value::Integer(i as i64)), Bind(&v), Bind(&s)],
        )
        .unwrap();
        rows.push((v, s));
    }
    for &(name, expr, argc) in AGGS {
        if name == "min" || name == "max" {
            continue;
        }
        let mut st = c
            .prepare(&format!("SELECT {expr} OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t ORDER BY id"))
            .unwrap();
        let expect: Vec<Result<Value, String>> =
            match st.query_map([], |r| Ok(from_sqlite(r.get_ref(0)?))) {
                Ok(it) => it.map(|r| r.map_err(|e| e.to_string())).collect(),
                Err(e) => vec![Err(e.to_string())],
            };
        let mut agg: Box<dyn AggregateState> = find_aggregate(name, argc).unwrap()();
        assert!(agg.supports_inverse());
        let mut got = Vec::new();
        for (i, (v, s)) in rows.iter().enumerate() {
            let args: Vec<ValueRef> = [v.as_ref(), s.as_ref()][..argc].to_vec();
            agg.step(&args).unwrap();
            if i >= 3 {
                let (ov, os) = &rows[i - 3];
                let old: Vec<ValueRef> = [ov.as_ref(), os.as_ref()][..argc].to_vec();
                agg.inverse(&old).unwrap();
            }
            got.push(agg.value().map_err(|e| e.message));
        }
        for (i, (e, g)) in expect.iter().zip(got.iter()).enumerate() {
            let ok = match (e, g) {
                (Ok(a), Ok(b)) => {
                    same(a, b)
                        || matches!((a, b), (Value::Real(x), Value::Real(y)) if (x - y).abs() <= 1e-9 * x.abs().max(1.0))
                }
                (Err(_), Err(_)) => true,
                _ => false,
            };
            assert!(ok, "{expr} row {i}: sqlite {e:?} ours {g:?}");
        }
    }
}
