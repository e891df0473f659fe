//! Differential tests of the date and time functions against SQLite.

mod sqlvalue_util;

use chorus::sqlvalue::functions::{find_scalar, FunctionContext};
use chorus::Value;
use sqlvalue_util::*;

fn ours(name: &str, args: &[Value], ctx: &mut FunctionContext) -> Result<Value, String> {
    let f =
        find_scalar(name, args.len()).unwrap_or_else(|| panic!("{name}/{} not found", args.len()));
    let owned = (f.func)(ctx, args).map_err(|e| e.message);
    // The borrowed-argument entry point must agree (random() aside).
    if f.deterministic || !name.starts_with("random") {
        let refs: Vec<chorus::ValueRef> = args.iter().map(|v| v.as_ref()).collect();
        let borrowed = (f.func_ref)(ctx, &refs).map_err(|e| e.message);
        let agree = match (&owned, &borrowed) {
            (Ok(a), Ok(b)) => same(a, b),
            (a, b) => a == b,
        };
        assert!(
            agree,
            "{name}{args:?}: func {owned:?} func_ref {borrowed:?}"
        );
    }
    owned
}

fn time_values(rng: &mut Rng) -> Value {
    let fixed = [
        "2024-01-15",
        "2024-02-29 13:45",
        "2023-02-31",
        "2023-02-29",
        "2000-12-31T23:59:59.999",
        "1970-01-01 00:00:00",
        "-0044-03-15 12:00:00",
        "9999-12-31 23:59:59.999",
        "0000-01-01",
        "12:34",
        "12:34:56.789",
        "24:00:00",
        "2024-03-10 02:30:00+05:30",
        "2024-03-10 02:30:00 -08:00",
        "2024-03-10 02:30:00Z",
        "2024-03-10 02:30:00 z ",
        "2024-03-10 02:30:00+0800",
        "2024-13-01",
        "2024-1-01",
        "now-ish",
        "",
        "abc",
        "2460000.5",
        "1700000000",
        "  2024-05-05",
        "2024-05-05   10:00",
        "2021-06-15 10:20:30.1234567",
    ];
    match rng.below(5) {
        0 => Value::Real(rng.below(5_400_000) as f64 + (rng.below(1000) as f64) / 1000.0),
        1 => Value::Integer(rng.below(4_000_000_000) as i64 - 1_000_000_000),
        2 => {
            let y = rng.below(10000);
            let m = rng.below(13);
            let d = rng.below(32);
            let h = rng.below(25);
            let mi = rng.below(60);
            let s = rng.below(60);
            let neg = if rng.below(20) == 0 { "-" } else { "" };
            t(&format!(
                "{neg}{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:03}",
                rng.below(1000)
            ))
        }
        _ => t(rng.pick_str(&fixed)),
    }
}

fn modifier(rng: &mut Rng) -> Value {
    let fixed = [
        "start of month",
        "start of year",
        "start of day",
        "start of week",
        "weekday 0",
        "weekday 3",
        "weekday 6",
        "weekday 7",
        "weekday 1.5",
        "unixepoch",
        "julianday",
        "auto",
        "localtime",
        "utc",
        "subsec",
        "subsecond",
        "floor",
        "ceiling",
        "+1-02-03",
        "-0001-11-30 12:00",
        "+12:30",
        "-01:00:30.5",
        "+100 years",
        "+1000000 days",
        "1 month",
        "+1.5 months",
        "-10.7 years",
        "+90 seconds",
        "-45 minutes",
        "+2.25 hours",
        "+3 DAYS",
        "-1 day",
        "bogus",
        "+1 fortnight",
        "+5",
        "12:00",
        "+00012-01-01",
    ];
    let v = rng.pick(&fixed).to_string();
    match rng.below(6) {
        0 => t(&format!("{:+} days", rng.below(2000) as i64 - 1000)),
        1 => t(&format!("{:+} months", rng.below(40) as i64 - 20)),
        _ => t(&v),
    }
}

#[test]
fn date_functions_match_sqlite() {
    let c = conn();
    let mut rng = Rng::new(31);
    let mut ctx = FunctionContext::new();
    let mut bad = Vec::new();
    let fns = ["date", "time", "datetime", "julianday", "unixepoch"];
    let mut non_null = 0;
    for _ in 0..iterations(12000) {
        let name = *rng.pick(&fns);
        let mut args = vec![time_values(&mut rng)];
        for _ in 0..rng.below(4) {
            args.push(modifier(&mut rng));
        }
        let params: Vec<String> = (1..=args.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("SELECT {name}({})", params.join(","));
        let refs: Vec<&Value> = args.iter().collect();
        let expect = eval(&c, &sql, &refs);
        let got = ours(name, &args, &mut ctx);
        if matches!(got, Ok(ref v) if !v.is_null()) {
            non_null += 1;
        }
        let ok = match (&expect, &got) {
            (Ok(a), Ok(b)) => same(a, b),
            (Err(a), Err(b)) => a == b,
            _ => false,
        };
        if !ok {
            bad.push(format!("{name}{args:?}: sqlite {expect:?} ours {got:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
    assert!(non_null > 5000, "only {non_null} non-NULL results");
}

#[test]
fn strftime_matches_sqlite() {
    let c = conn();
    let mut rng = Rng::new(32);
    let mut ctx = FunctionContext::new();
    let mut bad = Vec::new();
    let formats = [
        "%d|%e|%f|%F|%G|%g|%H|%k|%I|%l|%j|%J|%m|%M|%p|%P|%R|%s|%S|%T|%u|%w|%U|%V|%W|%Y|%%",
        "%Y-%m-%d %H:%M:%f",
        "week %V of %G",
        "%x",
        "",
        "plain",
        "%",
        "%s",
    ];
    for _ in 0..iterations(6000) {
        let f = t(rng.pick_str(&formats));
        let mut args = vec![f, time_values(&mut rng)];
        if rng.below(2) == 0 {
            args.push(modifier(&mut rng));
        }
        let params: Vec<String> = (1..=args.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("SELECT strftime({})", params.join(","));
        let refs: Vec<&Value> = args.iter().collect();
        let expect = eval(&c, &sql, &refs);
        let got = ours("strftime", &args, &mut ctx);
        let ok = match (&expect, &got) {
            (Ok(a), Ok(b)) => same(a, b),
            (Err(a), Err(b)) => a == b,
            _ => false,
        };
        if !ok {
            bad.push(format!("strftime{args:?}: sqlite {expect:?} ours {got:?}"));
        }
    }
    for _ in 0..4000 {
        let args = vec![time_values(&mut rng), time_values(&mut rng)];
        let expect = eval(&c, "SELECT timediff(?1, ?2)", &[&args[0], &args[1]]);
        let got = ours("timediff", &args, &mut ctx);
        let ok = match (&expect, &got) {
            (Ok(a), Ok(b)) => same(a, b),
            (Err(a), Err(b)) => a == b,
            _ => false,
        };
        if !ok {
            bad.push(format!("timediff{args:?}: sqlite {expect:?} ours {got:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

#[test]
fn now_comes_from_the_context_clock() {
    let mut ctx = FunctionContext::new();
    ctx.now_unix_ms = Some(1_700_000_000_123);
    assert_eq!(
        ours("datetime", &[t("now")], &mut ctx),
        Ok(t("2023-11-14 22:13:20"))
    );
    assert_eq!(
        ours("current_timestamp", &[], &mut ctx),
        Ok(t("2023-11-14 22:13:20"))
    );
    assert_eq!(ours("current_date", &[], &mut ctx), Ok(t("2023-11-14")));
    assert_eq!(ours("current_time", &[], &mut ctx), Ok(t("22:13:20")));
    assert_eq!(
        ours("unixepoch", &[], &mut ctx),
        Ok(Value::Integer(1_700_000_000))
    );
    assert_eq!(
        ours("unixepoch", &[t("subsec")], &mut ctx),
        Ok(Value::Real(1_700_000_000.123))
    );
    assert_eq!(
        ours("datetime", &[t("now"), t("subsec")], &mut ctx),
        Ok(t("2023-11-14 22:13:20.123"))
    );
    // The system clock, compared with SQLite's.
    let c = conn();
    let mut sys = FunctionContext::new();
    let ours_now = match ours("unixepoch", &[], &mut sys).unwrap() {
        Value::Integer(i) => i,
        v => panic!("{v:?}"),
    };
    let theirs = match eval(&c, "SELECT unixepoch()", &[]).unwrap() {
        Value::Integer(i) => i,
        v => panic!("{v:?}"),
    };
    assert!((ours_now - theirs).abs() <= 2);
}
