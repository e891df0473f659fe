//! Differential tests of the core value semantics against SQLite (rusqlite):
//! REAL formatting, text→number conversion, CAST, affinity, arithmetic,
//! comparison, collation, LIKE and GLOB.

#![allow(
    clippy::explicit_auto_deref,
    clippy::type_complexity,
    clippy::excessive_precision
)]

mod sqlvalue_util;

use chorus::sqlvalue::affinity::{apply_affinity, Affinity};
use chorus::sqlvalue::arith;
use chorus::sqlvalue::cast::cast;
use chorus::sqlvalue::compare::{compare_with_affinity, comparison_affinity, sort_compare};
use chorus::sqlvalue::format::real_to_string;
use chorus::sqlvalue::like::{glob, like};
use chorus::sqlvalue::Collation;
use chorus::Value;
use sqlvalue_util::*;

fn random_double(rng: &mut Rng) -> f64 {
    loop {
        let r = match rng.below(6) {
            0 => f64::from_bits(rng.next()),
            1 => (rng.next() as i64 as f64) / 10f64.powi(rng.below(20) as i32),
            2 => (rng.below(100000) as f64) / 10f64.powi(rng.below(8) as i32),
            3 => {
                // short decimal literal parsed by Rust (correctly rounded)
                let s = format!(
                    "{}.{}e{}",
                    rng.below(1000),
                    rng.below(1_000_000),
                    rng.below(60) as i32 - 30
                );
                s.parse().unwrap()
            }
            4 => (rng.below(1 << 53) as f64) * 2f64.powi(rng.below(200) as i32 - 100),
            _ => {
                let digits = rng.below(17) + 1;
                let m = rng.below(10u64.pow(digits as u32));
                let s = format!("{m}e{}", rng.below(640) as i32 - 330);
                s.parse().unwrap()
            }
        };
        if !r.is_nan() {
            return r;
        }
    }
}

#[test]
fn format_real_matches_sqlite() {
    let c = conn();
    let mut rng = Rng::new(1);
    let mut cases: Vec<f64> = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        0.2,
        0.3,
        1e15,
        1e14,
        1e16,
        1e-4,
        1e-5,
        123456789012345.0,
        1234567890123456.0,
        0.1 + 0.2,
        1.0 / 3.0,
        2.0 / 3.0,
        100.0,
        1e100,
        1e-100,
        1e308,
        1.7976931348623157e308,
        5e-324,
        2.2250738585072014e-308,
        f64::INFINITY,
        f64::NEG_INFINITY,
        9.223_372_036_854_776e18,
        0.5,
        1.5,
        2.5,
        999999999999999.9,
        9999999999999999.0,
        99999999999999.99,
        0.000123456789012345678,
        1234567890123455.0,
        1.0000000000000002,
        0.9999999999999999,
    ];
    for _ in 0..iterations(20000) {
        cases.push(random_double(&mut rng));
    }
    let mut bad = Vec::new();
    for r in cases {
        let expect = eval(&c, "SELECT CAST(?1 AS TEXT)", &[&Value::Real(r)]).unwrap();
        let got = Value::Text(real_to_string(r).into_bytes());
        if expect != got {
            bad.push(format!("{r:e}: sqlite {expect:?} ours {got:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches, first: {:?}",
        bad.len(),
        &bad[..bad.len().min(10)]
    );
}

fn random_numeric_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.below(4) == 0 {
        s.push(*rng.pick(&[' ', '\t', '\n']));
    }
    match rng.below(4) {
        0 => s.push('-'),
        1 => s.push('+'),
        _ => {}
    }
    let nd = rng.below(25);
    for _ in 0..nd {
        s.push((b'0' + rng.below(10) as u8) as char);
    }
    if rng.below(2) == 0 {
        s.push('.');
        for _ in 0..rng.below(25) {
            s.push((b'0' + rng.below(10) as u8) as char);
        }
    }
    if rng.below(2) == 0 {
        s.push(*rng.pick(&['e', 'E']));
        match rng.below(3) {
            0 => s.push('-'),
            1 => s.push('+'),
            _ => {}
        }
        for _ in 0..rng.below(4) {
            s.push((b'0' + rng.below(10) as u8) as char);
        }
    }
    match rng.below(6) {
        0 => s.push(' '),
        1 => s.push('x'),
        2 => s.push_str("  "),
        _ => {}
    }
    s
}

#[test]
fn text_to_number_casts_match_sqlite() {
    let c = conn();
    let mut rng = Rng::new(2);
    let mut texts: Vec<String> = value_pool()
        .into_iter()
        .filter_map(|v| match v {
            Value::Text(t) => Some(String::from_utf8(t).unwrap()),
            _ => None,
        })
        .collect();
    texts.extend(
        [
            "0.1",
            "1e-400",
            "1e309",
            "4.9e-324",
            "2.4703282292062328e-324",
            "1.7976931348623159e308",
            "123456789012345678901234567890",
            "0.000000000000000000000000000001234",
            "9223372036854775807.0",
            "-0",
            "-0.0",
            "00012",
            "1.",
            ".5",
            "+.5e1",
            "1e+",
            "e5",
            "  -  5",
            "18446744073709551615",
            "18446744073709551616",
            "1844674407370955161",
            "3.14159265358979323846264338327950288",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    for _ in 0..iterations(20000) {
        texts.push(random_numeric_text(&mut rng));
    }
    let mut bad = Vec::new();
    for s in &texts {
        let v = t(s);
        for ty in ["REAL", "INTEGER", "NUMERIC", "TEXT", "BLOB"] {
            let expect = eval(&c, &format!("SELECT CAST(?1 AS {ty})"), &[&v]).unwrap();
            let got = cast(v.clone(), ty);
            if !same(&expect, &got) {
                bad.push(format!(
                    "CAST({s:?} AS {ty}): sqlite {expect:?} ours {got:?}"
                ));
            }
        }
        let expect = eval(&c, "SELECT ?1 + 0", &[&v]).unwrap();
        let got = arith::add(v.as_ref(), Value::Integer(0).as_ref());
        if !same(&expect, &got) {
            bad.push(format!("{s:?} + 0: sqlite {expect:?} ours {got:?}"));
        }
        let b = Value::Blob(s.as_bytes().to_vec());
        let expect = eval(&c, "SELECT CAST(?1 AS NUMERIC)", &[&b]).unwrap();
        let got = cast(b.clone(), "NUMERIC");
        if !same(&expect, &got) {
            bad.push(format!(
                "CAST(x'{s}' AS NUMERIC): sqlite {expect:?} ours {got:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches, first: {:#?}",
        bad.len(),
        &bad[..bad.len().min(10)]
    );
}

#[test]
fn casts_of_all_classes_match_sqlite() {
    let c = conn();
    let mut bad = Vec::new();
    for v in value_pool() {
        for ty in [
            "REAL",
            "INTEGER",
            "NUMERIC",
            "TEXT",
            "BLOB",
            "VARCHAR(5)",
            "FLOATING",
            "DATE",
            "BIGINT",
            "CHARBLOB",
        ] {
            let expect = eval(&c, &format!("SELECT CAST(?1 AS {ty})"), &[&v]).unwrap();
            let got = cast(v.clone(), ty);
            if !same(&expect, &got) {
                bad.push(format!(
                    "CAST({v:?} AS {ty}): sqlite {expect:?} ours {got:?}"
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

const COLS: [(&str, &str); 6] = [
    ("ci", "INTEGER"),
    ("cr", "REAL"),
    ("cn", "NUMERIC"),
    ("ct", "TEXT"),
    ("cb", "BLOB"),
    ("cx", ""),
];

#[test]
fn column_affinity_matches_sqlite() {
    let c = conn();
    c.execute_batch("CREATE TABLE t(ci INTEGER, cr REAL, cn NUMERIC, ct TEXT, cb BLOB, cx)")
        .unwrap();
    let mut bad = Vec::new();
    let mut pool = value_pool();
    let mut rng = Rng::new(3);
    for _ in 0..300 {
        pool.push(t(&random_numeric_text(&mut rng)));
    }
    for v in &pool {
        c.execute("DELETE FROM t", []).unwrap();
        c.execute("INSERT INTO t VALUES(?1,?1,?1,?1,?1,?1)", [Bind(v)])
            .unwrap();
        for (col, decl) in COLS {
            let expect = eval(&c, &format!("SELECT {col} FROM t"), &[]).unwrap();
            let got = apply_affinity(v.clone(), Affinity::from_declared_type(decl));
            if !same(&expect, &got) {
                bad.push(format!(
                    "{v:?} into {decl:?}: sqlite {expect:?} ours {got:?}"
                ));
            }
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
fn comparisons_with_affinity_match_sqlite() {
    let c = conn();
    c.execute_batch(
        "CREATE TABLE a(ci INTEGER, cr REAL, cn NUMERIC, ct TEXT, cb BLOB, cx);
         CREATE TABLE b(ci INTEGER, cr REAL, cn NUMERIC, ct TEXT, cb BLOB, cx);",
    )
    .unwrap();
    let pool = value_pool();
    let mut rng = Rng::new(4);
    let mut bad = Vec::new();
    let colls = [
        ("BINARY", Collation::Binary),
        ("NOCASE", Collation::NoCase),
        ("RTRIM", Collation::RTrim),
    ];
    for _ in 0..1500 {
        let va = rng.pick(&pool).clone();
        let vb = rng.pick(&pool).clone();
        c.execute_batch("DELETE FROM a; DELETE FROM b;").unwrap();
        c.execute("INSERT INTO a VALUES(?1,?1,?1,?1,?1,?1)", [Bind(&va)])
            .unwrap();
        c.execute("INSERT INTO b VALUES(?1,?1,?1,?1,?1,?1)", [Bind(&vb)])
            .unwrap();
        let (ca, da) = *rng.pick(&COLS);
        let (cb, db) = *rng.pick(&COLS);
        let (cname, coll) = rng.pick(&colls).clone();
        let affa = Affinity::from_declared_type(da);
        let affb = Affinity::from_declared_type(db);
        let sa = apply_affinity(va.clone(), affa);
        let sb = apply_affinity(vb.clone(), affb);
        // column vs column
        let sql = format!(
            "SELECT (a.{ca} < b.{cb} COLLATE {cname}) || ',' || (a.{ca} = b.{cb} COLLATE {cname}) || ',' || (a.{ca} > b.{cb} COLLATE {cname}) FROM a, b"
        );
        let expect = eval(&c, &sql, &[]).unwrap();
        let o = compare_with_affinity(
            sa.as_ref(),
            sb.as_ref(),
            comparison_affinity(Some(affa), Some(affb)),
            &coll,
        );
        let got = match o {
            None => Value::Null,
            Some(o) => {
                let x = cmp_char(o);
                t(&format!(
                    "{},{},{}",
                    (x < 0) as i32,
                    (x == 0) as i32,
                    (x > 0) as i32
                ))
            }
        };
        if expect != got {
            bad.push(format!(
                "{sa:?}({da}) vs {sb:?}({db}) {cname}: sqlite {expect:?} ours {got:?}"
            ));
        }
        // column vs parameter (no affinity)
        let sql = format!(
            "SELECT (a.{ca} < ?1 COLLATE {cname}) || ',' || (a.{ca} = ?1 COLLATE {cname}) || ',' || (a.{ca} > ?1 COLLATE {cname}) FROM a"
        );
        let expect = eval(&c, &sql, &[&vb]).unwrap();
        let o = compare_with_affinity(
            sa.as_ref(),
            vb.as_ref(),
            comparison_affinity(Some(affa), None),
            &coll,
        );
        let got = match o {
            None => Value::Null,
            Some(o) => {
                let x = cmp_char(o);
                t(&format!(
                    "{},{},{}",
                    (x < 0) as i32,
                    (x == 0) as i32,
                    (x > 0) as i32
                ))
            }
        };
        if expect != got {
            bad.push(format!(
                "{sa:?}({da}) vs param {vb:?} {cname}: sqlite {expect:?} ours {got:?}"
            ));
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
fn sort_order_matches_sqlite() {
    let c = conn();
    c.execute_batch("CREATE TABLE s(v)").unwrap();
    let mut pool = value_pool();
    pool.extend([
        t("a"),
        t("B"),
        t("b "),
        t("b"),
        t("A"),
        t("a  "),
        t("Z"),
        t("zz"),
    ]);
    for v in &pool {
        c.execute("INSERT INTO s VALUES(?1)", [Bind(v)]).unwrap();
    }
    for (name, coll) in [
        ("BINARY", Collation::Binary),
        ("NOCASE", Collation::NoCase),
        ("RTRIM", Collation::RTrim),
    ] {
        // Compare pairwise rather than the sorted lists (ties are unordered).
        let mut st = c
            .prepare(&format!(
                "SELECT ?1 < ?2 COLLATE {name}, ?1 = ?2 COLLATE {name}"
            ))
            .unwrap();
        for x in &pool {
            for y in &pool {
                let (lt, eq): (Option<i64>, Option<i64>) = st
                    .query_row([Bind(x), Bind(y)], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap();
                let o = sort_compare(x.as_ref(), y.as_ref(), &coll);
                if x.is_null() || y.is_null() {
                    assert!(lt.is_none());
                    continue;
                }
                assert_eq!(
                    lt,
                    Some((o == std::cmp::Ordering::Less) as i64),
                    "{x:?} < {y:?} {name}"
                );
                assert_eq!(
                    eq,
                    Some((o == std::cmp::Ordering::Equal) as i64),
                    "{x:?} = {y:?} {name}"
                );
            }
        }
        let _ = sort_vals;
    }
}

#[test]
fn arithmetic_matches_sqlite() {
    let c = conn();
    let pool = value_pool();
    let ops: [(&str, fn(chorus::ValueRef, chorus::ValueRef) -> Value); 9] = [
        ("+", arith::add),
        ("-", arith::sub),
        ("*", arith::mul),
        ("/", arith::div),
        ("%", arith::rem),
        ("&", arith::bit_and),
        ("|", arith::bit_or),
        ("<<", arith::shl),
        (">>", arith::shr),
    ];
    let mut bad = Vec::new();
    for (op, f) in ops {
        let sql = format!("SELECT ?1 {op} ?2");
        for x in &pool {
            for y in &pool {
                let expect = eval(&c, &sql, &[x, y]).unwrap();
                let got = f(x.as_ref(), y.as_ref());
                if !same(&expect, &got) {
                    bad.push(format!("{x:?} {op} {y:?}: sqlite {expect:?} ours {got:?}"));
                }
            }
        }
    }
    for x in &pool {
        for (sql, got) in [
            ("SELECT -?1", arith::negate(x.as_ref())),
            ("SELECT ~?1", arith::bit_not(x.as_ref())),
            (
                "SELECT ?1 || 'x'",
                arith::concat(x.as_ref(), t("x").as_ref()),
            ),
        ] {
            let expect = eval(&c, sql, &[x]).unwrap();
            if !same_num(&expect, &got) {
                bad.push(format!("{sql} with {x:?}: sqlite {expect:?} ours {got:?}"));
            }
        }
    }
    let mut rng = Rng::new(5);
    for _ in 0..20000 {
        let a = Value::Integer(rng.next() as i64 >> rng.below(64));
        let b = Value::Integer(rng.next() as i64 >> rng.below(64));
        let (op, f) = *rng.pick(&ops);
        let expect = eval(&c, &format!("SELECT ?1 {op} ?2"), &[&a, &b]).unwrap();
        let got = f(a.as_ref(), b.as_ref());
        if !same(&expect, &got) {
            bad.push(format!("{a:?} {op} {b:?}: sqlite {expect:?} ours {got:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

fn random_pattern(rng: &mut Rng, alphabet: &[&str], specials: &[&str]) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(7) {
        if rng.below(3) == 0 {
            s.push_str(*rng.pick(specials));
        } else {
            s.push_str(*rng.pick(alphabet));
        }
    }
    s
}

#[test]
fn like_and_glob_match_sqlite() {
    let c = conn();
    let mut rng = Rng::new(6);
    let alphabet = ["a", "b", "A", "B", "é", "É", "-", "]", "^", "x"];
    let mut bad = Vec::new();
    for i in 0..30000 {
        let text = random_pattern(&mut rng, &alphabet, &["a"]);
        let tv = t(&text);
        if i % 3 == 0 {
            let pat = random_pattern(
                &mut rng,
                &alphabet,
                &["*", "?", "[", "]", "[a-b]", "[^a]", "[]a]", "*[a-", "[-a]"],
            );
            let expect = eval(&c, "SELECT ?2 GLOB ?1", &[&t(&pat), &tv]).unwrap();
            let got = Value::Integer(glob(pat.as_bytes(), text.as_bytes()) as i64);
            if expect != got {
                bad.push(format!(
                    "{text:?} GLOB {pat:?}: sqlite {expect:?} ours {got:?}"
                ));
            }
        } else {
            let pat = random_pattern(&mut rng, &alphabet, &["%", "_", "\\", "\\%", "\\_", "%_"]);
            let expect = eval(&c, "SELECT ?2 LIKE ?1", &[&t(&pat), &tv]).unwrap();
            let got = Value::Integer(like(pat.as_bytes(), text.as_bytes(), None, false) as i64);
            if expect != got {
                bad.push(format!(
                    "{text:?} LIKE {pat:?}: sqlite {expect:?} ours {got:?}"
                ));
            }
            let esc = *rng.pick(&["\\", "a", "%", "_", "é"]);
            let expect =
                eval(&c, "SELECT ?2 LIKE ?1 ESCAPE ?3", &[&t(&pat), &tv, &t(esc)]).unwrap();
            let got = Value::Integer(like(
                pat.as_bytes(),
                text.as_bytes(),
                esc.chars().next().map(|c| c as u32),
                false,
            ) as i64);
            if expect != got {
                bad.push(format!(
                    "{text:?} LIKE {pat:?} ESCAPE {esc:?}: sqlite {expect:?} ours {got:?}"
                ));
            }
        }
    }
    c.execute_batch("PRAGMA case_sensitive_like=ON").unwrap();
    for _ in 0..3000 {
        let text = random_pattern(&mut rng, &alphabet, &["a"]);
        let pat = random_pattern(&mut rng, &alphabet, &["%", "_"]);
        let expect = eval(&c, "SELECT ?2 LIKE ?1", &[&t(&pat), &t(&text)]).unwrap();
        let got = Value::Integer(like(pat.as_bytes(), text.as_bytes(), None, true) as i64);
        if expect != got {
            bad.push(format!(
                "{text:?} LIKE(cs) {pat:?}: sqlite {expect:?} ours {got:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

fn random_bytes(rng: &mut Rng, alphabet: &[&[u8]], specials: &[&[u8]]) -> Vec<u8> {
    let mut s = Vec::new();
    for _ in 0..rng.below(7) {
        if rng.below(3) == 0 {
            s.extend_from_slice(specials[rng.below(specials.len() as u64) as usize]);
        } else {
            s.extend_from_slice(alphabet[rng.below(alphabet.len() as u64) as usize]);
        }
    }
    s
}

#[test]
fn like_and_glob_on_invalid_utf8_match_sqlite() {
    let c = conn();
    let mut rng = Rng::new(7);
    let alphabet: [&[u8]; 9] = [
        b"a",
        b"A",
        b"\xff",
        b"\x80",
        b"\xc3",
        b"\xc3\xa9",
        b"\xed\xa0\x80",
        b"\xe2\x82",
        b"\x00",
    ];
    let mut bad = Vec::new();
    for i in 0..20000 {
        let text = random_bytes(&mut rng, &alphabet, &[b"a"]);
        let tv = Value::Text(text.clone());
        let (sql, pat, got) = if i % 2 == 0 {
            let pat = random_bytes(
                &mut rng,
                &alphabet,
                &[b"*", b"?", b"[\xc3\xa9-\xff]", b"[^a]"],
            );
            let got = glob(&pat, &text);
            ("SELECT ?2 GLOB ?1", pat, got)
        } else {
            let pat = random_bytes(&mut rng, &alphabet, &[b"%", b"_"]);
            let got = like(&pat, &text, None, false);
            ("SELECT ?2 LIKE ?1", pat, got)
        };
        let expect = eval(&c, sql, &[&Value::Text(pat.clone()), &tv]).unwrap();
        if expect != Value::Integer(got as i64) {
            bad.push(format!(
                "{sql} pat={pat:?} text={text:?}: sqlite {expect:?} ours {got}"
            ));
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
fn is_operator_matches_sqlite() {
    use chorus::sqlvalue::compare::is_same;
    let c = conn();
    c.execute_batch("CREATE TABLE a(ci INTEGER, ct TEXT, cx)")
        .unwrap();
    let pool = value_pool();
    let mut bad = Vec::new();
    for x in &pool {
        c.execute("DELETE FROM a", []).unwrap();
        c.execute("INSERT INTO a VALUES(?1, ?1, ?1)", [Bind(x)])
            .unwrap();
        for y in &pool {
            for (col, decl) in [("ci", "INTEGER"), ("ct", "TEXT"), ("cx", "")] {
                let aff = Affinity::from_declared_type(decl);
                let stored = apply_affinity(x.clone(), aff);
                let expect = eval(&c, &format!("SELECT {col} IS ?1 FROM a"), &[y]).unwrap();
                let opt = if aff == Affinity::Blob {
                    None
                } else {
                    Some(aff)
                };
                let got = is_same(
                    stored.as_ref(),
                    y.as_ref(),
                    comparison_affinity(opt, None),
                    &Collation::Binary,
                );
                if expect != Value::Integer(got as i64) {
                    bad.push(format!(
                        "{stored:?}({decl}) IS {y:?}: sqlite {expect:?} ours {got}"
                    ));
                }
            }
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
fn numeric_literals_match_sqlite() {
    use chorus::sqlvalue::numeric::numeric_literal;
    let c = conn();
    let mut lits: Vec<String> = [
        "0",
        "1",
        "123",
        "2147483647",
        "2147483648",
        "9223372036854775807",
        "9223372036854775808",
        "9223372036854775809",
        "18446744073709551616",
        "99999999999999999999999",
        "1.5",
        "1e3",
        "1E-3",
        ".5",
        "5.",
        "1e308",
        "1e309",
        "0x10",
        "0XfF",
        "0x7FFFFFFFFFFFFFFF",
        "0x8000000000000000",
        "0xFFFFFFFFFFFFFFFF",
        "0x00000000000000000001",
        "0x1_0000",
        "1_000_000",
        "1_000.000_1",
        "1e1_0",
        "00012",
        "0.000_001",
        "3.141_592_653_589_793",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rng = Rng::new(8);
    for _ in 0..2000 {
        let mut s = String::new();
        for _ in 0..rng.below(22) + 1 {
            s.push((b'0' + rng.below(10) as u8) as char);
        }
        if rng.below(3) == 0 {
            s.push('.');
            s.push_str(&rng.below(1000).to_string());
        }
        if rng.below(4) == 0 {
            s.push_str(&format!("e{}", rng.below(40) as i64 - 20));
        }
        lits.push(s);
    }
    let mut bad = Vec::new();
    for lit in &lits {
        for negate in [false, true] {
            let sql = format!("SELECT {}{lit}", if negate { "-" } else { "" });
            let expect = eval(&c, &sql, &[]);
            let got = numeric_literal(lit, negate).map_err(|e| e.message);
            let ok = match (&expect, &got) {
                (Ok(a), Ok(b)) => same(a, b),
                (Err(_), Err(_)) => true,
                _ => false,
            };
            if !ok {
                bad.push(format!("{sql}: sqlite {expect:?} ours {got:?}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
    assert_eq!(
        numeric_literal("0x1FFFFFFFFFFFFFFFF", false)
            .unwrap_err()
            .message,
        "hex literal too big: 0x1FFFFFFFFFFFFFFFF"
    );
    assert!(numeric_literal("1__0", false).is_err());
}
