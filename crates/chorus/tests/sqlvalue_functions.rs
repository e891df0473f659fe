//! Differential tests of the built-in scalar functions and printf against
//! SQLite (rusqlite): value, type and error message must all match.
#![allow(
    clippy::type_complexity,
    clippy::excessive_precision,
    clippy::explicit_auto_deref
)]

mod sqlvalue_util;

use chorus::sqlvalue::functions::{find_scalar, FunctionContext};
use chorus::sqlvalue::Collation;
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

fn sql_call(name: &str, n: usize) -> String {
    let params: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
    format!("SELECT {name}({})", params.join(","))
}

fn fn_pool() -> Vec<Value> {
    let mut p = value_pool();
    p.extend([
        t("hello world"),
        t("  abc  "),
        t("aéb€c𝄞d"),
        t("x'y"),
        t("abcabcabc"),
        t("bc"),
        t("xyz"),
        t("Robert"),
        t("Tymczak"),
        t("AB CD"),
        t("0123456789abcdefABCDEF"),
        t("a-b-c"),
        t("%"),
        t("_"),
        t("a\u{0}b"),
        Value::Blob(vec![0x61, 0, 0x62]),
        Value::Blob(vec![0xff, 0xfe, 0x80]),
        Value::Integer(-2),
        Value::Integer(5),
        Value::Integer(100),
        Value::Integer(1114111),
        Value::Integer(1114112),
        Value::Integer(55296),
        Value::Real(2.675),
        Value::Real(-2.5),
        Value::Real(0.125),
        Value::Real(1e-7),
        Value::Real(123456.7890123),
        t("3.7"),
        t("-4"),
        // Invalid or truncated UTF-8 text.
        Value::Text(b"\xff\xfeab".to_vec()),
        Value::Text(b"a\x80\x80b".to_vec()),
        Value::Text(b"x\xc3".to_vec()),
        Value::Text(b"\xe2\x82".to_vec()),
        Value::Text(b"\xed\xa0\x80z".to_vec()),
        Value::Text(b"\xc0\x80".to_vec()),
        Value::Text(b"\xef\xbf\xbf!".to_vec()),
    ]);
    p
}

fn small_int_pool() -> Vec<Value> {
    let mut v: Vec<Value> = (-6..=8).map(Value::Integer).collect();
    v.extend([
        Value::Null,
        Value::Real(2.7),
        Value::Real(-1.5),
        t("2"),
        t("x"),
        Value::Integer(4294967298),
        Value::Integer(i64::MIN),
    ]);
    v
}

#[test]
fn scalar_functions_match_sqlite() {
    let c = conn();
    let pool = fn_pool();
    let ints = small_int_pool();
    let mut rng = Rng::new(11);
    let mut ctx = FunctionContext::new();
    // (name, argc, which args draw from the small-int pool)
    let specs: &[(&str, usize, &[usize])] = &[
        ("abs", 1, &[]),
        ("char", 0, &[]),
        ("char", 1, &[]),
        ("char", 3, &[]),
        ("coalesce", 2, &[]),
        ("coalesce", 3, &[]),
        ("concat", 1, &[]),
        ("concat", 3, &[]),
        ("concat_ws", 2, &[]),
        ("concat_ws", 4, &[]),
        ("glob", 2, &[]),
        ("hex", 1, &[]),
        ("ifnull", 2, &[]),
        ("iif", 3, &[]),
        ("instr", 2, &[]),
        ("length", 1, &[]),
        ("like", 2, &[]),
        ("like", 3, &[]),
        ("likely", 1, &[]),
        ("lower", 1, &[]),
        ("ltrim", 1, &[]),
        ("ltrim", 2, &[]),
        ("max", 2, &[]),
        ("max", 3, &[]),
        ("min", 2, &[]),
        ("min", 3, &[]),
        ("nullif", 2, &[]),
        ("octet_length", 1, &[]),
        ("quote", 1, &[]),
        ("replace", 3, &[]),
        ("round", 1, &[]),
        ("round", 2, &[1]),
        ("rtrim", 1, &[]),
        ("rtrim", 2, &[]),
        ("sign", 1, &[]),
        ("soundex", 1, &[]),
        ("sqlite_version", 0, &[]),
        ("sqlite_source_id", 0, &[]),
        ("substr", 2, &[1]),
        ("substr", 3, &[1, 2]),
        ("substring", 3, &[1, 2]),
        ("trim", 1, &[]),
        ("trim", 2, &[]),
        ("typeof", 1, &[]),
        ("unhex", 1, &[]),
        ("unhex", 2, &[]),
        ("unicode", 1, &[]),
        ("unlikely", 1, &[]),
        ("upper", 1, &[]),
        ("zeroblob", 1, &[0]),
    ];
    let mut bad = Vec::new();
    let mut n_cases = 0;
    for &(name, argc, int_args) in specs {
        let sql = sql_call(name, argc);
        let iters = if argc == 0 {
            1
        } else if argc == 1 {
            pool.len()
        } else {
            1500
        };
        for it in 0..iters {
            let args: Vec<Value> = (0..argc)
                .map(|i| {
                    if argc == 1 {
                        pool[it].clone()
                    } else if int_args.contains(&i) && rng.below(4) != 0 {
                        rng.pick(&ints).clone()
                    } else {
                        rng.pick(&pool).clone()
                    }
                })
                .collect();
            let refs: Vec<&Value> = args.iter().collect();
            let expect = eval(&c, &sql, &refs);
            let got = ours(name, &args, &mut ctx);
            n_cases += 1;
            let ok = match (&expect, &got) {
                (Ok(a), Ok(b)) => same(a, b),
                (Err(a), Err(b)) => a == b,
                _ => false,
            };
            if !ok {
                bad.push(format!("{name}{args:?}: sqlite {expect:?} ours {got:?}"));
            }
        }
    }
    assert!(n_cases > 20000);
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(25)]
    );
}

#[test]
fn collation_sensitive_functions() {
    let c = conn();
    let mut ctx = FunctionContext::new();
    ctx.collation = Collation::NoCase;
    let pool = [
        t("abc"),
        t("ABC"),
        t("abd"),
        t("AbC "),
        Value::Integer(3),
        Value::Null,
    ];
    for x in &pool {
        for y in &pool {
            for (name, sql) in [
                ("max", "SELECT max(?1 COLLATE NOCASE, ?2)"),
                ("min", "SELECT min(?1 COLLATE NOCASE, ?2)"),
                ("nullif", "SELECT nullif(?1 COLLATE NOCASE, ?2)"),
            ] {
                let expect = eval(&c, sql, &[x, y]).unwrap();
                let got = ours(name, &[x.clone(), y.clone()], &mut ctx).unwrap();
                assert_eq!(expect, got, "{name}({x:?}, {y:?}) NOCASE");
            }
        }
    }
}

#[test]
fn non_deterministic_functions_behave() {
    let mut ctx = FunctionContext::new();
    ctx.last_insert_rowid = 42;
    ctx.changes = 3;
    ctx.total_changes = 9;
    assert_eq!(
        ours("last_insert_rowid", &[], &mut ctx),
        Ok(Value::Integer(42))
    );
    assert_eq!(ours("changes", &[], &mut ctx), Ok(Value::Integer(3)));
    assert_eq!(ours("total_changes", &[], &mut ctx), Ok(Value::Integer(9)));
    let a = ours("random", &[], &mut ctx).unwrap();
    let b = ours("random", &[], &mut ctx).unwrap();
    assert_ne!(a, b);
    assert!(matches!(a, Value::Integer(i) if i != i64::MIN));
    match ours("randomblob", &[Value::Integer(17)], &mut ctx).unwrap() {
        Value::Blob(b) => assert_eq!(b.len(), 17),
        v => panic!("{v:?}"),
    }
    match ours("randomblob", &[Value::Integer(-3)], &mut ctx).unwrap() {
        Value::Blob(b) => assert_eq!(b.len(), 1),
        v => panic!("{v:?}"),
    }
    assert!(ours("zeroblob", &[Value::Integer(2_000_000_000)], &mut ctx).is_err());
    assert_eq!(
        ours(
            "likelihood",
            &[Value::Integer(5), Value::Real(0.5)],
            &mut ctx
        ),
        Ok(Value::Integer(5))
    );
    assert!(ours(
        "likelihood",
        &[Value::Integer(5), Value::Real(1.5)],
        &mut ctx
    )
    .is_err());
}

/// A random format and, per argument it consumes, whether it is a `*` width.
fn random_format(rng: &mut Rng) -> (String, Vec<bool>) {
    let convs = [
        "d", "i", "u", "f", "e", "E", "g", "G", "x", "X", "o", "s", "z", "q", "Q", "w", "c", "%",
        "p", "n", "r", "lld", "ld",
    ];
    let mut f = String::new();
    let mut nargs = Vec::new();
    for _ in 0..rng.below(3) + 1 {
        if rng.below(3) == 0 {
            f.push_str(*rng.pick(&["ab ", "é", "-", " x"]));
        }
        f.push('%');
        for fl in ["-", "+", " ", "#", "!", "0", ","] {
            if rng.below(6) == 0 {
                f.push_str(fl);
            }
        }
        match rng.below(4) {
            0 => {
                f.push('*');
                nargs.push(true);
            }
            1 => f.push_str(&rng.below(25).to_string()),
            _ => {}
        }
        match rng.below(4) {
            0 => {
                f.push_str(".*");
                nargs.push(true);
            }
            1 => {
                f.push('.');
                f.push_str(&rng.below(25).to_string());
            }
            _ => {}
        }
        let conv = *rng.pick(&convs);
        f.push_str(conv);
        if conv != "%" && conv != "n" {
            nargs.push(false);
        }
    }
    (f, nargs)
}

#[test]
fn printf_matches_sqlite() {
    let c = conn();
    let mut rng = Rng::new(12);
    let mut ctx = FunctionContext::new();
    let pool = fn_pool();
    let mut bad = Vec::new();
    let fixed = [
        "%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%,d", "%x", "%#x", "%#o", "%X", "%.3s",
        "%10.3s|", "%-10s|", "%!.3s", "%q", "%Q", "%w", "%c", "%5c", "%.3c", "%%", "%f", "%.2f",
        "%10.4f", "%-10.2e|", "%g", "%#g", "%!g", "%G", "%.0f", "%.0e", "%#.0f", "%!.15g",
        "%!.20e", "%,.2f", "%020.3f", "%+.3e", "%.100f", "%.30g", "%5%", "%z", "%lld", "%llx", "%",
        "abc%", "%y", "%.*f", "%*d", "%-*d|", "%r", "%3r", "%n", "%p", "%!.20f", "%!5s|", "%!-5s|",
        "%!.2q",
    ];
    let dbl_pool: Vec<Value> = vec![
        Value::Real(0.0),
        Value::Real(-0.0),
        Value::Real(0.5),
        Value::Real(1.5),
        Value::Real(2.5),
        Value::Real(-3.25159),
        Value::Real(1e100),
        Value::Real(1e-100),
        Value::Real(123456789.987654321),
        Value::Real(f64::INFINITY),
        Value::Real(f64::NEG_INFINITY),
        Value::Real(0.1),
        Value::Real(99.995),
        Value::Real(9.5),
        Value::Real(1e15),
        Value::Real(1e16),
        Value::Real(1e21),
        Value::Real(5e-324),
    ];
    let mut cases: Vec<(String, Vec<Value>)> = Vec::new();
    for f in fixed {
        for v in pool.iter().chain(dbl_pool.iter()) {
            // Keep `*` widths/precisions small: huge ones are correct but slow.
            let w = chorus::sqlvalue::numeric::value_to_i64(v.as_ref()) as i32;
            if f.contains('*') && !(-100..=100).contains(&w) {
                continue;
            }
            cases.push((f.to_string(), vec![v.clone(), Value::Integer(7), t("zz")]));
        }
    }
    for _ in 0..iterations(15000) {
        let (f, kinds) = random_format(&mut rng);
        let args: Vec<Value> = kinds
            .iter()
            .map(|&star| match if star { 1 } else { rng.below(4) } {
                0 => rng.pick(&dbl_pool).clone(),
                1 => Value::Integer(rng.below(40) as i64 - 10),
                _ => rng.pick(&pool).clone(),
            })
            .collect();
        cases.push((f, args));
    }
    for (f, args) in cases {
        let mut all = vec![t(&f)];
        all.extend(args.iter().cloned());
        let refs: Vec<&Value> = all.iter().collect();
        if std::env::var("CHORUS_TRACE").is_ok() {
            eprintln!("printf({f:?}, {args:?})");
        }
        let expect = eval(&c, &sql_call("printf", all.len()), &refs);
        let got = ours("printf", &all, &mut ctx);
        let ok = match (&expect, &got) {
            (Ok(a), Ok(b)) => same(a, b),
            (Err(a), Err(b)) => a == b,
            _ => false,
        };
        if !ok {
            bad.push(format!(
                "printf({f:?}, {args:?}): sqlite {expect:?} ours {got:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(25)]
    );
}

#[test]
fn round_and_quote_of_random_doubles_match_sqlite() {
    let c = conn();
    let mut rng = Rng::new(13);
    let mut ctx = FunctionContext::new();
    let mut bad = Vec::new();
    for _ in 0..iterations(10000) {
        let r = match rng.below(3) {
            0 => f64::from_bits(rng.next()),
            1 => (rng.next() as i64 as f64) / 10f64.powi(rng.below(18) as i32),
            _ => (rng.below(2_000_000) as f64 - 1e6) / 1000.0 + 0.0005,
        };
        if r.is_nan() {
            continue;
        }
        let v = Value::Real(r);
        let n = Value::Integer(rng.below(12) as i64);
        let expect = eval(&c, "SELECT round(?1, ?2)", &[&v, &n]).unwrap();
        let got = ours("round", &[v.clone(), n.clone()], &mut ctx).unwrap();
        if !same(&expect, &got) {
            bad.push(format!(
                "round({r:e}, {n:?}): sqlite {expect:?} ours {got:?}"
            ));
        }
        let expect = eval(&c, "SELECT round(?1)", &[&v]).unwrap();
        let got = ours("round", std::slice::from_ref(&v), &mut ctx).unwrap();
        if !same(&expect, &got) {
            bad.push(format!("round({r:e}): sqlite {expect:?} ours {got:?}"));
        }
        let expect = eval(&c, "SELECT quote(?1)", &[&v]).unwrap();
        let got = ours("quote", std::slice::from_ref(&v), &mut ctx).unwrap();
        if !same(&expect, &got) {
            bad.push(format!("quote({r:e}): sqlite {expect:?} ours {got:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(25)]
    );
}
