//! VACUUM: rebuild a database compactly, as SQLite's sqlite3RunVacuum does.
//!
//! A fresh database image is built in memory with the same page size,
//! auto-vacuum mode and text encoding, in SQLite's order:
//! 1. every table with a b-tree (not sqlite_sequence), in sqlite_schema
//!    order, each followed by its automatic indexes; sqlite_sequence right
//!    after the first AUTOINCREMENT table (where CREATE TABLE makes it);
//! 2. every explicit index (CREATE INDEX text), in sqlite_schema order;
//! 3. the rows: each table's records copied verbatim in rowid (or key)
//!    order, then its indexes' keys (SQLite's transfer optimisation);
//! 4. the views, triggers and b-tree-less tables' sqlite_schema rows.
//!
//! So the new sqlite_schema lists objects in that order with fresh root
//! pages, the freelist is empty, and the schema cookie is one more than
//! before (user_version and application_id are kept). The image then
//! replaces the database's pages inside the statement's write transaction
//! (`Store::replace_content`, through the pager): the rollback journal or
//! WAL makes the swap atomic and crash-safe, as SQLite's journaled
//! sqlite3BtreeCopyFile does. VACUUM needs autocommit mode and no other
//! statement running on the connection (checked by the caller).

use crate::schema::{key, Schema, SchemaEntry};
use crate::storage::btree::PagerFactory;
use crate::storage::{HeaderField, KeyInfo, Store, StoreFactory, TreeKind};
use chorus_storage::record::encode_record;
use chorus_storage::vfs::MemoryVfs;
use chorus_storage::{
    AutoVacuum, Error, PageNo, PagerOptions, Result, ResultCode, Value, ValueRef,
};

/// One b-tree to copy: its root in the old and the new database.
struct Tree {
    old: PageNo,
    new: PageNo,
    /// Index b-trees: the key order (None: a rowid table).
    key_info: Option<KeyInfo>,
    /// The table the tree belongs to (rows are copied table by table).
    table: String,
}

fn corrupt(name: &str) -> Error {
    Error::new(
        ResultCode::CORRUPT,
        format!("malformed database schema ({name})"),
    )
}

/// `VACUUM db`: the database named `db` ("main" or an attached one) of
/// the connection's store, whose combined schema is `schema`.
pub fn run(store: &mut dyn Store, schema: &Schema, db: &str) -> Result<()> {
    let tag = super::attach::db_tag(schema, db)
        .ok_or_else(|| Error::new(ResultCode::ERROR, format!("unknown database {db}")))?;
    match store.as_multi() {
        None => vacuum(store, schema),
        Some(m) => {
            let own = super::attach::own_schema(m, tag)?;
            let d = m
                .db_mut(tag)
                .ok_or_else(|| Error::new(ResultCode::ERROR, format!("unknown database {db}")))?;
            vacuum(&mut *d.store, &own)
        }
    }
}

/// Rebuild the database of `store` (whose schema is `schema`) compactly.
/// The caller holds a write transaction on `store`.
pub fn vacuum(store: &mut dyn Store, schema: &Schema) -> Result<()> {
    if store.header(HeaderField::PageCount)? == 0 {
        return Ok(());
    }
    let image = compact_image(store, schema)?;
    store.replace_content(&image)?;
    Ok(())
}

/// The compact copy of the database of `store` as a database image (what
/// VACUUM installs and `VACUUM INTO` writes); reads only.
pub fn compact_image(store: &mut dyn Store, schema: &Schema) -> Result<Vec<u8>> {
    let page_size = store.header(HeaderField::PageSize)? as usize;
    let auto_vacuum = match store.header(HeaderField::AutoVacuum)? {
        1 => AutoVacuum::Full,
        2 => AutoVacuum::Incremental,
        _ => AutoVacuum::None,
    };
    let factory = PagerFactory::new(
        MemoryVfs::new_ref(),
        "vacuum.db",
        "",
        PagerOptions {
            page_size,
            auto_vacuum,
            ..Default::default()
        },
    );
    let mut tmp = factory.connect()?;
    tmp.begin_write()?;
    let r = build(store, &mut *tmp, schema);
    match r {
        Ok(()) => {
            tmp.commit()?;
            read_image(&mut *tmp, page_size)
        }
        Err(e) => {
            let _ = tmp.rollback();
            Err(e)
        }
    }
}

/// Create the trees and sqlite_schema rows in `tmp` and copy the content.
fn build(src: &mut dyn Store, tmp: &mut dyn Store, schema: &Schema) -> Result<()> {
    tmp.set_header(
        HeaderField::TextEncoding,
        src.header(HeaderField::TextEncoding)?,
    )?;
    let entries = &schema.entries;
    let mut rows: Vec<SchemaEntry> = Vec::with_capacity(entries.len());
    let mut trees: Vec<Tree> = Vec::new();
    let seq = entries
        .iter()
        .find(|e| e.kind == "table" && e.name.eq_ignore_ascii_case("sqlite_sequence"));
    let mut seq_done = false;
    let add = |tmp: &mut dyn Store,
               e: &SchemaEntry,
               kind: TreeKind,
               key_info: Option<KeyInfo>,
               rows: &mut Vec<SchemaEntry>,
               trees: &mut Vec<Tree>|
     -> Result<()> {
        let new = tmp.create_tree(kind)?;
        let old = u32::try_from(e.rootpage).map_err(|_| corrupt(&e.name))?;
        let mut row = e.clone();
        row.rootpage = new.0 as i64;
        rows.push(row);
        trees.push(Tree {
            old: PageNo(old),
            new,
            key_info,
            table: e.tbl_name.clone(),
        });
        Ok(())
    };
    // 1. Tables with their automatic indexes (and sqlite_sequence).
    for e in entries {
        if e.kind != "table" || e.rootpage <= 0 || e.name.eq_ignore_ascii_case("sqlite_sequence") {
            continue;
        }
        let t = schema
            .tables
            .get(&key(&e.name))
            .ok_or_else(|| corrupt(&e.name))?;
        // SQLite's VACUUM runs each CREATE TABLE again, which refuses a
        // generated-column loop that ADD COLUMN let in.
        crate::exec::generated::check_loops(t)?;
        match crate::exec::without_rowid::schema_pk_index(schema, &t.name) {
            Some(pk) if t.without_rowid.is_some() => {
                let ki = pk.key_info(t);
                add(tmp, e, TreeKind::Index, Some(ki), &mut rows, &mut trees)?;
            }
            _ => add(tmp, e, TreeKind::Table, None, &mut rows, &mut trees)?,
        }
        for a in entries {
            if a.kind == "index" && a.sql.is_none() && a.tbl_name.eq_ignore_ascii_case(&e.name) {
                if a.rootpage == e.rootpage {
                    // A WITHOUT ROWID table's primary key: the table tree.
                    continue;
                }
                let idx = schema
                    .indexes
                    .get(&key(&a.name))
                    .ok_or_else(|| corrupt(&a.name))?;
                let ki = idx.key_info(t);
                add(tmp, a, TreeKind::Index, Some(ki), &mut rows, &mut trees)?;
            }
        }
        if t.autoincrement && !seq_done {
            if let Some(s) = seq {
                add(tmp, s, TreeKind::Table, None, &mut rows, &mut trees)?;
                seq_done = true;
            }
        }
    }
    if let (Some(s), false) = (seq, seq_done) {
        add(tmp, s, TreeKind::Table, None, &mut rows, &mut trees)?;
    }
    // 2. Explicit indexes.
    for e in entries {
        if e.kind == "index" && e.sql.is_some() && e.rootpage > 0 {
            let idx = schema
                .indexes
                .get(&key(&e.name))
                .ok_or_else(|| corrupt(&e.name))?;
            let t = schema
                .tables
                .get(&key(&idx.table))
                .ok_or_else(|| corrupt(&e.name))?;
            let ki = idx.key_info(t);
            add(tmp, e, TreeKind::Index, Some(ki), &mut rows, &mut trees)?;
        }
    }
    // 3. The content, table by table (the table, then its indexes).
    let mut done = vec![false; trees.len()];
    for i in 0..trees.len() {
        if done[i] {
            continue;
        }
        let table = trees[i].table.clone();
        for (j, t) in trees.iter().enumerate() {
            if !done[j] && t.table.eq_ignore_ascii_case(&table) {
                copy_tree(src, tmp, t)?;
                done[j] = true;
            }
        }
    }
    // 4. Views, triggers and tables without a b-tree (virtual tables).
    for e in entries {
        if e.kind == "view" || e.kind == "trigger" || (e.kind == "table" && e.rootpage == 0) {
            rows.push(e.clone());
        }
    }
    let mut c = tmp.table_cursor(PageNo(1))?;
    let mut rec = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let vals = [
            Value::Text(r.kind.clone().into_bytes()),
            Value::Text(r.name.clone().into_bytes()),
            Value::Text(r.tbl_name.clone().into_bytes()),
            Value::Integer(r.rootpage),
            match &r.sql {
                Some(s) => Value::Text(s.clone().into_bytes()),
                None => Value::Null,
            },
        ];
        let refs: Vec<ValueRef<'_>> = vals.iter().map(Value::as_ref).collect();
        rec.clear();
        encode_record(&refs, &mut rec);
        c.insert(i as i64 + 1, &rec)?;
    }
    drop(c);
    let cookie = src.header(HeaderField::SchemaCookie)?;
    tmp.set_header(HeaderField::SchemaCookie, cookie.wrapping_add(1))?;
    tmp.set_header(
        HeaderField::UserVersion,
        src.header(HeaderField::UserVersion)?,
    )?;
    tmp.set_header(
        HeaderField::ApplicationId,
        src.header(HeaderField::ApplicationId)?,
    )?;
    Ok(())
}

/// Copy one b-tree's entries, in order, verbatim.
fn copy_tree(src: &mut dyn Store, tmp: &mut dyn Store, t: &Tree) -> Result<()> {
    match &t.key_info {
        None => {
            let mut from = src.table_cursor(t.old)?;
            let mut to = tmp.table_cursor(t.new)?;
            let mut more = from.first()?;
            while more {
                to.insert(from.rowid(), from.payload()?)?;
                more = from.next()?;
            }
        }
        Some(ki) => {
            let mut from = src.index_cursor(t.old, ki.clone())?;
            let mut to = tmp.index_cursor(t.new, ki.clone())?;
            let mut more = from.first()?;
            while more {
                to.insert(from.key()?)?;
                more = from.next()?;
            }
        }
    }
    Ok(())
}

/// The pages of `tmp` (after its commit) end to end.
fn read_image(tmp: &mut dyn Store, page_size: usize) -> Result<Vec<u8>> {
    tmp.begin_read()?;
    let r = (|| -> Result<Vec<u8>> {
        let n = tmp.header(HeaderField::PageCount)? as usize;
        let total = n
            .checked_mul(page_size)
            .ok_or_else(|| Error::new(ResultCode::NOMEM, "database too large to vacuum"))?;
        let mut image = vec![0u8; total];
        let lock_page = chorus_storage::types::lock_byte_page(page_size).get() as usize;
        for (i, page) in image.chunks_mut(page_size).enumerate() {
            if i + 1 != lock_page {
                tmp.read_page_image(i as u32 + 1, page)?;
            }
        }
        Ok(image)
    })();
    let _ = tmp.end_read();
    r
}
