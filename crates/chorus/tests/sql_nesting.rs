//! 10,000-deep nesting of every recursive SQL construct gets an error (or,
//! where SQLite accepts it, a result), never a stack overflow.

use chorus::Connection;

const N: usize = 10_000;

fn assert_err(c: &Connection, sql: &str) {
    match c.prepare(sql) {
        Err(_) => {}
        Ok(mut s) => {
            // Prepared: running it must still not crash; an error is fine.
            while let Ok(true) = s.step() {}
        }
    }
}

#[test]
fn nested_parentheses() {
    let c = Connection::open_in_memory().unwrap();
    let sql = format!("SELECT {}1{}", "(".repeat(N), ")".repeat(N));
    let e = c.prepare(&sql).err().expect("error");
    assert_eq!(
        e.message,
        "Expression tree is too large (maximum depth 1000)"
    );
    c.execute_batch("CREATE TABLE t(a)").unwrap();
    let sql = format!(
        "SELECT * FROM t WHERE {}a{} = 1",
        "(".repeat(N),
        ")".repeat(N)
    );
    assert!(c.prepare(&sql).is_err());
}

#[test]
fn nested_scalar_subqueries() {
    let c = Connection::open_in_memory().unwrap();
    let sql = format!("SELECT {}1{}", "(SELECT ".repeat(N), ")".repeat(N));
    assert!(c.prepare(&sql).is_err());
    let sql = format!(
        "SELECT 1 WHERE {}1{}",
        "EXISTS (SELECT ".repeat(N),
        ")".repeat(N)
    );
    assert!(c.prepare(&sql).is_err());
    let sql = format!(
        "SELECT 1 IN {}1{}",
        "(SELECT 1 IN ".repeat(N),
        ")".repeat(N)
    );
    assert_err(&c, &sql);
}

#[test]
fn nested_from_subqueries() {
    let c = Connection::open_in_memory().unwrap();
    let sql = format!(
        "SELECT * FROM {}SELECT 1{}",
        "(SELECT * FROM (".repeat(N),
        "))".repeat(N)
    );
    assert_err(&c, &sql);
    let sql = format!("SELECT * FROM {}SELECT 1{}", "(".repeat(N), ")".repeat(N));
    assert_err(&c, &sql);
}

#[test]
fn other_deep_constructs() {
    let c = Connection::open_in_memory().unwrap();
    let sql = format!(
        "SELECT {}1{}",
        "CASE WHEN 1 THEN ".repeat(N),
        " END".repeat(N)
    );
    assert_err(&c, &sql);
    let sql = format!("SELECT {}1{}", "abs(".repeat(N), ")".repeat(N));
    assert_err(&c, &sql);
    let sql = format!("SELECT 1 {}", "UNION ALL SELECT 1 ".repeat(N));
    assert_err(&c, &sql);
    let sql = format!("SELECT {}1", "NOT ".repeat(N));
    assert_err(&c, &sql);
    let sql = format!("SELECT {}1", "- ".repeat(N));
    assert_err(&c, &sql);
    let ctes: Vec<String> = (0..N)
        .map(|i| {
            if i == 0 {
                "c0 AS (SELECT 1)".to_string()
            } else {
                format!("c{i} AS (SELECT * FROM c{})", i - 1)
            }
        })
        .collect();
    let sql = format!("WITH {} SELECT * FROM c{}", ctes.join(", "), N - 1);
    assert_err(&c, &sql);
    let sql = format!("SELECT 1 FROM {}", vec!["(SELECT 1)"; 2000].join(" JOIN "));
    assert_err(&c, &sql);
}
