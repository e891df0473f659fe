//! Differential tests for the read-side fast paths: cursor steps within a
//! leaf without the store lock (and their fallback after writes through
//! another cursor), a scan's local filter that reads only the rowid running
//! before the row is copied, comparisons / arithmetic / scalar functions on
//! borrowed columns, the integer fast path (overflow, division by zero,
//! REAL-affinity columns holding integers), and length()'s ASCII shortcut.

mod common;
use common::Pair;

#[test]
fn scans_joins_and_rowid_filters() {
    let p = Pair::new();
    load_plain(&p, 4000);
    p.all(&[
        "SELECT sum(grp) + count(*) + avg(length(name)) FROM t",
        "SELECT count(*) + sum(length(g.label)) FROM t JOIN g ON g.id = t.grp WHERE t.id % 10 = 0",
        "SELECT t.id, t.name, g.label FROM t JOIN g ON g.id = t.grp WHERE t.id % 97 = 0 ORDER BY 1",
        "SELECT t.id, length(t.name) FROM t, g WHERE t.rowid % 250 = 1 AND g.id = t.grp ORDER BY 1",
        // The inner side rescanned with a local filter (cached from its second pass).
        "SELECT count(*), sum(a.id * b.id) FROM g AS a, g AS b WHERE b.id % 7 = 3 AND a.id < 20",
        "SELECT id FROM t WHERE id % 1000 = 0 AND name LIKE 'name-%' ORDER BY id",
    ]);
}

/// t with `n` rows (some names non-ASCII, some spilling to overflow pages)
/// and g with 100 groups, on both engines.
fn load_plain(p: &Pair, n: i64) {
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT)",
        "CREATE TABLE g(id INTEGER PRIMARY KEY, label TEXT)",
        "BEGIN",
    ]);
    {
        let mut cs = p
            .chorus
            .prepare("INSERT INTO t VALUES (?1, ?2, ?3)")
            .unwrap();
        let mut ss = p
            .sqlite
            .prepare("INSERT INTO t VALUES (?1, ?2, ?3)")
            .unwrap();
        for i in 1..=n {
            let name = match i % 50 {
                0 => format!("né-{i}-{}", "é".repeat((i % 7) as usize)),
                1 => format!("long-{i}-{}", "x".repeat(5000)),
                _ => format!("name-{:08}", (i * 7919) % n),
            };
            cs.execute((i, i % 100, name.as_str())).unwrap();
            ss.execute(rusqlite::params![i, i % 100, name]).unwrap();
        }
        let mut cg = p.chorus.prepare("INSERT INTO g VALUES (?1, ?2)").unwrap();
        let mut sg = p.sqlite.prepare("INSERT INTO g VALUES (?1, ?2)").unwrap();
        for i in 0..100i64 {
            let label = format!("group {i}");
            cg.execute((i, label.as_str())).unwrap();
            sg.execute(rusqlite::params![i, label]).unwrap();
        }
    }
    p.all(&["COMMIT"]);
}

#[test]
fn scans_see_writes_made_through_other_cursors() {
    let p = Pair::new();
    load_plain(&p, 3000);
    p.all(&[
        // The statement's scan cursor keeps stepping while rows change under it.
        "UPDATE t SET grp = grp + 1000, name = name || '!' WHERE id % 3 = 0",
        "DELETE FROM t WHERE id % 5 = 0",
        "INSERT INTO t(grp, name) SELECT grp, upper(name) FROM t WHERE id % 11 = 0",
        "SELECT count(*), sum(grp), sum(length(name)), max(id) FROM t",
        "SELECT id, grp, name FROM t WHERE id % 401 = 0 ORDER BY id",
        "BEGIN",
        "DELETE FROM t WHERE id BETWEEN 100 AND 900",
        "SELECT count(*), min(id), max(id) FROM t WHERE id < 1000",
        "ROLLBACK",
        "SELECT count(*), min(id), max(id) FROM t WHERE id < 1000",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn borrowed_operands_and_integer_fast_paths() {
    let p = Pair::new();
    p.all(&[
        "CREATE TABLE r(x REAL, i INTEGER, s TEXT, n NUMERIC, b BLOB, c TEXT COLLATE NOCASE)",
        "INSERT INTO r VALUES (3, 7, '5', '12', x'0102', 'ABC'), (2.5, -9223372036854775808, 'abc', 4, NULL, 'abd'), (NULL, 9223372036854775807, '10', NULL, x'00', NULL)",
        // REAL-affinity columns store integral values as integers: they read as REAL.
        "SELECT x, typeof(x), x + 1, x % 2, x * 2, x = 3, x > 2 FROM r ORDER BY rowid",
        // Overflow leaves the integer path; % by zero and MIN % -1.
        "SELECT i + 1, i - 1, i * 2, i % 0, i % -1, i / -1, -i FROM r ORDER BY rowid",
        "SELECT i + i, i * i, i - i FROM r ORDER BY rowid",
        // Affinity in comparisons of borrowed columns with constants.
        "SELECT count(*) FROM r WHERE s = 5",
        "SELECT count(*) FROM r WHERE s > 4",
        "SELECT count(*) FROM r WHERE n = '12'",
        "SELECT count(*) FROM r WHERE c = 'abc'",
        "SELECT count(*) FROM r WHERE c > 'ABC'",
        "SELECT s || c, c || 'x', b = x'0102', b < x'01' FROM r ORDER BY rowid",
        // Functions over borrowed column arguments (text, blob, NULL, numbers).
        "SELECT upper(s), substr(c, 2), length(b), hex(b), coalesce(x, i), abs(x), round(x), max(i, 0) FROM r ORDER BY rowid",
        "SELECT length('héllo'), length(x'41004243'), length(CAST(x'41004243' AS TEXT)), length(char(233) || 'a'), length(''), length(NULL), length(12.5)",
        // AND / OR / NOT in WHERE with NULL operands.
        "SELECT count(*) FROM r WHERE x > 1 AND i > 0",
        "SELECT count(*) FROM r WHERE x > 100 OR i < 0",
        "SELECT count(*) FROM r WHERE NOT (x > 2)",
        "SELECT count(*) FROM r WHERE (x > 2) IS NULL",
    ]);
}
