//! Math functions (SQLITE_ENABLE_MATH_FUNCTIONS) are not compiled into the
//! bundled rusqlite SQLite, so they are checked against the `sqlite3` shell
//! when it is installed (skipped otherwise).

use chorus::sqlvalue::functions::{find_scalar, FunctionContext};
use chorus::Value;

#[test]
fn math_functions_match_sqlite3_shell() {
    let calls: &[(&str, &[Value])] = &[
        ("sin", &[Value::Integer(1)]),
        ("cos", &[Value::Real(0.5)]),
        ("tan", &[Value::Real(-2.0)]),
        ("asin", &[Value::Real(0.3)]),
        ("acos", &[Value::Real(2.0)]),
        ("atan", &[Value::Integer(3)]),
        ("atan2", &[Value::Integer(1), Value::Integer(2)]),
        ("sinh", &[Value::Real(1.5)]),
        ("cosh", &[Value::Real(1.5)]),
        ("tanh", &[Value::Real(1.5)]),
        ("asinh", &[Value::Real(1.5)]),
        ("acosh", &[Value::Real(0.5)]),
        ("atanh", &[Value::Real(0.5)]),
        ("exp", &[Value::Integer(2)]),
        ("ln", &[Value::Integer(0)]),
        ("ln", &[Value::Real(10.0)]),
        ("log", &[Value::Integer(2), Value::Integer(8)]),
        ("log", &[Value::Real(0.5), Value::Integer(8)]),
        ("log", &[Value::Integer(1), Value::Integer(8)]),
        // log(X)/log10/log2 are left out: some builds (like Debian's shell)
        // compute log10 as 0.434…*ln(X) instead of calling log10().
        ("pow", &[Value::Integer(2), Value::Real(0.5)]),
        ("power", &[Value::Integer(-8), Value::Real(0.5)]),
        ("mod", &[Value::Real(7.5), Value::Integer(2)]),
        ("mod", &[Value::Integer(7), Value::Integer(0)]),
        ("sqrt", &[Value::Integer(2)]),
        ("sqrt", &[Value::Integer(-1)]),
        ("radians", &[Value::Integer(180)]),
        ("degrees", &[Value::Real(1.0)]),
        ("pi", &[]),
        ("ceil", &[Value::Real(1.2)]),
        ("ceiling", &[Value::Real(-1.2)]),
        ("floor", &[Value::Real(-1.5)]),
        ("trunc", &[Value::Real(-2.7)]),
        ("ceil", &[Value::Integer(5)]),
    ];
    let mut sql = String::from("SELECT ");
    let mut ctx = FunctionContext::new();
    let mut ours = Vec::new();
    for (i, (name, args)) in calls.iter().enumerate() {
        if i > 0 {
            sql.push_str(" || '|' || ");
        }
        let lits: Vec<String> = args
            .iter()
            .map(|a| match a {
                Value::Integer(i) => i.to_string(),
                Value::Real(r) => format!("{r:?}"),
                _ => unreachable!(),
            })
            .collect();
        let v = (find_scalar(name, args.len()).unwrap().func)(&mut ctx, args).unwrap();
        // The shell (an older SQLite) prints REALs with a different digit
        // algorithm, so compare values by equality with our exact result.
        let lit = match &v {
            Value::Real(r) => format!("{r:?}"),
            Value::Integer(i) => i.to_string(),
            _ => "NULL".to_string(),
        };
        sql.push_str(&format!(
            "coalesce(typeof({name}({0})) || ':' || ({name}({0}) = {lit}), 'null')",
            lits.join(",")
        ));
        let ty = match v {
            Value::Null => "null".to_string(),
            Value::Integer(_) => "integer".to_string(),
            Value::Real(_) => "real".to_string(),
            _ => "other".to_string(),
        };
        ours.push(if v.is_null() {
            "null".to_string()
        } else {
            format!("{ty}:1")
        });
    }
    let out = match std::process::Command::new("sqlite3")
        .arg(":memory:")
        .arg(&sql)
        .output()
    {
        Ok(o) if o.status.success() => String::from_utf8(o.stdout).unwrap(),
        _ => return, // no shell with math functions available
    };
    let theirs: Vec<&str> = out.trim_end().split('|').collect();
    assert_eq!(theirs.len(), ours.len(), "{out}");
    for (i, (a, b)) in theirs.iter().zip(ours.iter()).enumerate() {
        assert_eq!(a, b, "{:?}", calls[i]);
    }
}
