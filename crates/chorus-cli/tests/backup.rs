//! `.backup` / `.save` / `.restore`: messages and exit codes compared with
//! sqlite3, and the files checked with sqlite3 as the oracle (integrity and
//! content).

mod common;
use common::{chorus, have_sqlite3, run_in, same};

const DATA: &str = "\
create table t(a integer primary key, b text, c real, d blob);
create index tb on t(b);
with recursive n(i) as (select 1 union all select i+1 from n where i<3000)
insert into t select i, printf('row %d %s', i, hex(randomblob(20))), i*0.5, zeroblob(i % 300) from n;
create table big(x);
insert into big values(zeroblob(20000));
create view v as select a from t where a < 10;
";

fn sqlite3(dir: &std::path::Path, db: &str, sql: &str) -> String {
    let o = run_in(dir, "sqlite3", &[db, sql], b"");
    assert_eq!(o.code, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("utf8")
}

const CONTENT: &str = "select count(*), sum(a), sum(length(b)), sum(c), sum(length(d)) from t; select length(x) from big; select * from v; select sql from sqlite_schema order by name;";

#[test]
fn backup_messages_match_sqlite3() {
    same(
        &[],
        &format!(
            "{DATA}.backup out.db\n.save out2.db\n.backup main out3.db\n.backup\n.backup a b c\n.backup --bogus x.db\n.backup nosuch out4.db\n.backup nodir/sub/x.db\nselect count(*) from t;\n"
        ),
        &[],
    );
}

#[test]
fn restore_messages_match_sqlite3() {
    same(
        &[],
        &format!(
            "{DATA}.backup out.db\ndelete from t;\n.restore out.db\nselect count(*) from t;\n.restore\n.restore a b c\n.restore nosuch out.db\n"
        ),
        &[],
    );
}

#[test]
fn backup_of_memory_database_is_read_by_sqlite3() {
    if !have_sqlite3() {
        return;
    }
    let (o, d) = chorus(&[], &format!("{DATA}.backup out.db\n"), &[]);
    assert_eq!(o.code, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        sqlite3(d.path(), "out.db", "pragma integrity_check"),
        "ok\n"
    );
    // The same content as the database the backup was taken from.
    let (o2, _d2) = chorus(&[], &format!("{DATA}{CONTENT}\n"), &[]);
    let want = String::from_utf8(o2.stdout).expect("utf8");
    assert_eq!(sqlite3(d.path(), "out.db", CONTENT), want);
    assert!(want.starts_with("3000|"));
}

#[test]
fn backup_of_file_database_and_over_an_existing_file() {
    if !have_sqlite3() {
        return;
    }
    let (o, d) = chorus(
        &["src.db"],
        &format!("{DATA}.backup out.db\ninsert into t(b) values('later');\n.backup out.db\n"),
        &[],
    );
    assert_eq!(o.code, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        sqlite3(d.path(), "out.db", "pragma integrity_check"),
        "ok\n"
    );
    assert_eq!(
        sqlite3(d.path(), "out.db", CONTENT),
        sqlite3(d.path(), "src.db", CONTENT)
    );
    assert_eq!(
        sqlite3(d.path(), "out.db", "select b from t where a = 3001"),
        "later\n"
    );
}

#[test]
fn backup_of_wal_database() {
    if !have_sqlite3() {
        return;
    }
    let (o, d) = chorus(
        &["src.db"],
        &format!("pragma journal_mode=wal;\n{DATA}.backup out.db\n"),
        &[],
    );
    assert_eq!(o.code, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        sqlite3(d.path(), "out.db", "pragma integrity_check"),
        "ok\n"
    );
    assert_eq!(
        sqlite3(d.path(), "out.db", "select count(*) from t"),
        "3000\n"
    );
}

#[test]
fn restore_from_sqlite3_file_into_memory_and_file() {
    if !have_sqlite3() {
        return;
    }
    let d = tempfile::tempdir().expect("tempdir");
    sqlite3(d.path(), "src.db", DATA);
    let want = sqlite3(d.path(), "src.db", CONTENT);
    // Into the in-memory database.
    let o = run_in(
        d.path(),
        common::CHORUS,
        &[],
        format!(".restore src.db\n{CONTENT}\n").as_bytes(),
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), want);
    // Into a file database with other content, which it replaces.
    let o = run_in(
        d.path(),
        common::CHORUS,
        &["dest.db"],
        format!("create table other(x);\n.restore src.db\n{CONTENT}\n").as_bytes(),
    );
    assert_eq!(o.code, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout), want);
    assert_eq!(
        sqlite3(d.path(), "dest.db", "pragma integrity_check"),
        "ok\n"
    );
    assert_eq!(sqlite3(d.path(), "dest.db", CONTENT), want);
}

#[test]
fn vacuum_into_writes_a_copy_sqlite3_reads() {
    if !have_sqlite3() {
        return;
    }
    same(
        &[],
        &format!("{DATA}vacuum into 'v.db';\nvacuum into 'v.db';\nbegin;\nvacuum into 'w.db';\ncommit;\n"),
        &[],
    );
    let (o, d) = chorus(
        &[],
        &format!("{DATA}delete from t where a > 100;\nvacuum into 'v.db';\n"),
        &[],
    );
    assert_eq!(o.code, Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(sqlite3(d.path(), "v.db", "pragma integrity_check"), "ok\n");
    assert_eq!(
        sqlite3(d.path(), "v.db", "select count(*), sum(a) from t"),
        "100|5050\n"
    );
}
