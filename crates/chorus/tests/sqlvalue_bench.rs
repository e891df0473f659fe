//! Rough per-operation timings of the hot paths (run with
//! `cargo test --release -p chorus --test sqlvalue_bench -- --ignored --nocapture`).

use chorus::sqlvalue::arith;
use chorus::sqlvalue::compare::{compare_with_affinity, sort_compare};
use chorus::sqlvalue::format::format_real;
use chorus::sqlvalue::numeric::atof;
use chorus::sqlvalue::{Affinity, Collation};
use chorus::{Value, ValueRef};
use std::hint::black_box;
use std::time::Instant;

fn time(name: &str, n: u64, mut f: impl FnMut(u64)) {
    let t = Instant::now();
    for i in 0..n {
        f(i);
    }
    println!(
        "{name}: {:.1} ns/op",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}

#[test]
#[ignore]
fn bench_hot_paths() {
    let n = 5_000_000;
    time("add int", n, |i| {
        black_box(arith::add(
            ValueRef::Integer(i as i64),
            ValueRef::Integer(7),
        ));
    });
    time("mul real", n, |i| {
        black_box(arith::mul(ValueRef::Real(i as f64), ValueRef::Real(1.5)));
    });
    let b = Collation::Binary;
    time("sort_compare int/real", n, |i| {
        black_box(sort_compare(
            ValueRef::Integer(i as i64),
            ValueRef::Real(2.5),
            &b,
        ));
    });
    time("compare numeric-affinity text", n, |i| {
        black_box(compare_with_affinity(
            ValueRef::Integer(i as i64),
            ValueRef::Text(b"12345"),
            Some(Affinity::Numeric),
            &b,
        ));
    });
    let mut buf = Vec::with_capacity(32);
    time("format_real", n / 5, |i| {
        buf.clear();
        format_real(i as f64 * 1.1e-3, &mut buf);
        black_box(&buf);
    });
    time("atof", n / 5, |_| {
        black_box(atof(b"12345.678e-3"));
    });
    let _ = Value::Null;
}
