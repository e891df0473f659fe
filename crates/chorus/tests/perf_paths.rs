//! Differential tests for the fast paths of the storage adapter and the
//! executor: rowid seeks answered by the leaf a cursor rests on (and inserts
//! reusing that insertion point), UPDATE rewriting only the index entries
//! whose key changes, aggregates that skip per-row snapshots when no bare
//! column is read, and column arguments decoded into reused buffers. Trees
//! span many pages so the leaf paths meet page boundaries.

mod common;
use common::Pair;

/// Insert rowids through one prepared statement in an order that stays in
/// one leaf, jumps between leaves, appends past the end and hits existing
/// rowids (conflicts), on both engines.
fn load(p: &Pair, rowids: &[i64]) {
    p.all(&[
        "CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT)",
        "BEGIN",
    ]);
    let mut cs = p
        .chorus
        .prepare("INSERT OR IGNORE INTO t VALUES (?1, ?2, ?3)")
        .unwrap();
    let mut ss = p
        .sqlite
        .prepare("INSERT OR IGNORE INTO t VALUES (?1, ?2, ?3)")
        .unwrap();
    for &r in rowids {
        let name = format!(
            "name-{:06}-{}",
            (r * 7919) % 5003,
            "x".repeat(r.rem_euclid(7) as usize)
        );
        cs.execute((r, r % 13, name.as_str())).unwrap();
        ss.execute(rusqlite::params![r, r % 13, name]).unwrap();
    }
    p.all(&["COMMIT"]);
}

fn rowid_mix() -> Vec<i64> {
    let mut v: Vec<i64> = (1..=3000).map(|i| i * 2).collect(); // appends
    v.extend((1..=1500).map(|i| i * 4 - 1)); // odd rowids inside existing leaves
    v.extend((1..=300).map(|i| (i * 37) % 6000 + 1)); // scattered, some duplicates
    v.extend([100_000, 99_999, 100_001, 1, 0, -5]);
    v
}

#[test]
fn inserts_and_point_reads_around_leaf_boundaries() {
    let p = Pair::new();
    load(&p, &rowid_mix());
    p.all(&[
        "SELECT count(*), sum(id), sum(grp), sum(length(name)) FROM t",
        "SELECT id, grp, name FROM t WHERE id IN (-5, 0, 1, 2, 3, 4, 5999, 6000, 6001, 99999, 100000, 100001, 100002)",
        "SELECT id FROM t WHERE id BETWEEN 2990 AND 3010",
        "PRAGMA integrity_check",
    ]);
    // Point reads through one prepared statement: neighbours, repeats and misses.
    let mut cs = p
        .chorus
        .prepare("SELECT grp, name FROM t WHERE id = ?1")
        .unwrap();
    let mut ss = p
        .sqlite
        .prepare("SELECT grp, name FROM t WHERE id = ?1")
        .unwrap();
    for k in [
        5, 6, 7, 7, 8, 4000, 4001, 4002, 6001, 6000, 100_002, 1, -5, 3, 2,
    ] {
        let c: Option<(i64, String)> = {
            let mut rows = cs.query((k,)).unwrap();
            rows.next()
                .unwrap()
                .map(|r| (r.get::<i64>(0).unwrap(), r.get::<String>(1).unwrap()))
        };
        let s: Option<(i64, String)> = {
            let mut rows = ss.query([k]).unwrap();
            rows.next()
                .unwrap()
                .map(|r| (r.get::<_, i64>(0).unwrap(), r.get::<_, String>(1).unwrap()))
        };
        assert_eq!(c, s, "rowid {k}");
    }
}

#[test]
fn plain_insert_duplicate_rowid_still_fails() {
    let p = Pair::new();
    load(&p, &(1..=500).collect::<Vec<_>>());
    p.all(&[
        "INSERT INTO t VALUES (250, 0, 'dup')",
        "INSERT INTO t VALUES (501, 0, 'new')",
        "INSERT INTO t VALUES (501, 0, 'dup again')",
        "SELECT count(*), max(id) FROM t",
    ]);
}

#[test]
fn update_rewrites_only_changed_index_entries() {
    let p = Pair::new();
    load(&p, &(1..=2000).collect::<Vec<_>>());
    p.all(&[
        "CREATE INDEX t_name ON t(name)",
        "CREATE INDEX t_grp ON t(grp, name)",
        "CREATE INDEX t_part ON t(grp) WHERE grp > 6",
        "CREATE INDEX t_expr ON t(grp * 2 + length(name))",
        "UPDATE t SET grp = grp WHERE id % 3 = 0",
        "UPDATE t SET grp = 100 + grp WHERE id % 5 = 0",
        "UPDATE t SET name = upper(name) WHERE id % 7 = 0",
        "UPDATE t SET grp = 3 WHERE grp = 8",
        "UPDATE t SET id = id + 10000 WHERE id % 11 = 0",
        "SELECT count(*) FROM t WHERE grp > 6",
        "SELECT id, grp FROM t WHERE grp = 3 ORDER BY id LIMIT 20",
        "SELECT id FROM t WHERE name = 'NAME-000100-xx' OR name = 'name-000101-xxx'",
        "SELECT count(*) FROM t WHERE grp * 2 + length(name) = 28",
        "SELECT id FROM t WHERE grp = 105 AND name > 'name-004' ORDER BY name LIMIT 10",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn aggregates_with_and_without_bare_columns() {
    let p = Pair::new();
    load(&p, &(1..=1500).collect::<Vec<_>>());
    p.all(&[
        "CREATE TABLE g(id INTEGER PRIMARY KEY, label TEXT)",
        "INSERT INTO g SELECT grp, 'group ' || grp FROM t GROUP BY grp",
        "SELECT sum(grp) + count(*) + avg(length(name)) FROM t",
        "SELECT min(grp), name, id FROM t",
        "SELECT max(grp), name, id FROM t",
        "SELECT grp, count(*), max(id), name FROM t GROUP BY grp ORDER BY grp",
        "SELECT count(*) FROM t HAVING max(id) > 0 AND id > 0",
        "SELECT count(*) FROM t ORDER BY name",
        "SELECT sum(length(name)), (SELECT count(*) FROM g WHERE g.id = t.grp) FROM t",
        "SELECT count(*) + sum(length(g.label)) FROM t JOIN g ON g.id = t.grp WHERE t.id % 10 = 0",
        "SELECT group_concat(substr(name, 1, 8), ','), max(length(name || name)) FROM t WHERE id < 40",
        "SELECT count(DISTINCT substr(name, 1, 9)), min(upper(name)), max(lower(name)) FROM t",
    ]);
}
