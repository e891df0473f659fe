//! The integrity checker finds nothing wrong in databases SQLite made: every
//! page size, every auto-vacuum mode, every text encoding.

mod integrity_support;

use integrity_support::{build_db, chorus_check, sqlite_check};

fn sound(page_size: usize, auto_vacuum: &str, encoding: &str, rows: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    build_db(&path, page_size, auto_vacuum, encoding, rows);
    assert_eq!(sqlite_check(&path), "ok");
    let errors = chorus_check(&path).unwrap();
    assert!(
        errors.is_empty(),
        "page_size {page_size} auto_vacuum {auto_vacuum} {encoding}: {errors:#?}"
    );
}

#[test]
fn every_page_size_without_auto_vacuum() {
    for shift in 9..=16 {
        sound(1 << shift, "NONE", "UTF-8", 300);
    }
}

#[test]
fn every_page_size_full_auto_vacuum() {
    for shift in 9..=16 {
        sound(1 << shift, "FULL", "UTF-8", 300);
    }
}

#[test]
fn every_page_size_incremental_auto_vacuum() {
    for shift in 9..=16 {
        sound(1 << shift, "INCREMENTAL", "UTF-8", 300);
    }
}

#[test]
fn utf16_databases() {
    for enc in ["UTF-16le", "UTF-16be"] {
        for (ps, av) in [(512, "NONE"), (1024, "FULL"), (4096, "INCREMENTAL")] {
            sound(ps, av, enc, 400);
        }
    }
}

#[test]
fn deep_trees_with_small_pages() {
    // 512-byte pages and thousands of rows: interior levels in every tree.
    sound(512, "NONE", "UTF-8", 3000);
    sound(512, "FULL", "UTF-16le", 2000);
}

#[test]
fn empty_and_fresh_databases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA auto_vacuum=FULL; CREATE TABLE t(x); DROP TABLE t;")
        .unwrap();
    drop(c);
    assert_eq!(sqlite_check(&path), "ok");
    assert_eq!(chorus_check(&path).unwrap(), Vec::<String>::new());
}

#[test]
fn incremental_vacuum_leaves_a_sound_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iv.db");
    build_db(&path, 1024, "INCREMENTAL", "UTF-8", 500);
    let c = rusqlite::Connection::open(&path).unwrap();
    let free: i64 = c
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    assert!(free > 0, "the fixture should have free pages");
    c.execute_batch("PRAGMA incremental_vacuum(5);").unwrap();
    drop(c);
    assert_eq!(sqlite_check(&path), "ok");
    assert_eq!(chorus_check(&path).unwrap(), Vec::<String>::new());
}
