//! SQLite B-trees: table trees (keyed by 64-bit rowid, data in leaves) and
//! index trees (keyed by a record compared under a [`KeyInfo`], entries in
//! every page), stored in the pages of a [`Pager`] exactly as SQLite stores
//! them (fileformat2 §1.6), so that SQLite reads what we write and we read
//! what SQLite writes.
//!
//! Files, one idea each: [`page`] (page header and cell layout, local payload
//! sizes), [`space`] (free space inside a page: freeblocks, fragments,
//! defragmentation; page content as a `Node`), [`overflow`] (overflow
//! chains), [`cursor`] (navigation and seeks), [`mutate`] (insert/delete),
//! [`bulk`] (bottom-up load of an empty index tree from sorted entries),
//! [`balance`] (splitting/merging pages), [`tree`] (create/clear/drop/count),
//! [`vacuum`] (auto-vacuum page relocation and incremental vacuum),
//! [`integrity`] (integrity check).
//!
//! # Cursor contract
//!
//! ```text
//! BTreeCursor::new(root: PageNo, kind: TreeKind) -> BTreeCursor   // TreeKind::Table | TreeKind::Index(KeyInfo)
//! first(&mut self, &Pager) -> Result<bool>        last(..)          // false: empty tree
//! next(&mut self, &Pager) -> Result<bool>         prev(..)          // false: moved off the end (cursor invalid)
//! is_valid(&self) -> bool
//! seek_rowid(&mut self, &Pager, RowId, SeekOp) -> Result<bool>      // table trees
//! seek_key(&mut self, &Pager, &[ValueRef], SeekOp) -> Result<bool>  // index trees; the key may be a prefix
//! rowid(&self) -> Result<RowId>                                     // table trees
//! payload(&self, &Pager) -> Result<Cow<[u8]>>                       // borrowed when all local
//! payload_prefix(&self, &Pager, n) -> Result<Cow<[u8]>>             // at least n bytes (or all)
//! local_payload(&self) -> Result<&[u8]>, payload_len(&self) -> Result<u64>
//! insert(&mut self, &mut Pager, RowId, payload: &[u8]) -> Result<()>  // overwrites an equal key; rowid ignored for indexes
//! delete(&mut self, &mut Pager) -> Result<()>
//! compare_key(&self, &Pager, &[ValueRef]) -> Result<Ordering>         // index: key vs current entry's prefix
//! invalidate(&mut self)
//! save_position(&self, &Pager) -> Result<Option<SavedPosition>>       // the current key
//! restore_position(&mut self, &Pager, &SavedPosition) -> Result<bool> // false: entry gone, cursor as after delete
//! ```
//! Seek results: `Eq` → an entry equal to the key (index: having the key as
//! prefix; cursor then on the first such entry); `Ge`/`Gt` → on the smallest
//! entry >= / > the key; `Le`/`Lt` → on the largest entry <= / < the key;
//! the bool says whether such an entry exists (cursor valid).
//! After `insert` the cursor is on the new entry. After `delete` the cursor
//! rests on the entry that followed the deleted one (invalid if none):
//! the next `next()` returns true on that entry *without moving* (false if
//! none), and `prev()` moves to the entry before the deleted one; other
//! accessors fail with MISUSE until one of next/prev/seek/first/last.
//! A cursor keeps page snapshots; after writes through another cursor or a
//! tree function on the same tree, re-seek it before use (save_position
//! before the write, restore_position after it). Its own writes are safe
//! regardless: `delete` detects replaced pages and re-finds its entry by key
//! (MISUSE if the entry is gone), `insert` always seeks. Reads on a stale
//! cursor see the old snapshot.
//! Writes need `pager.begin_write()`; in FULL auto-vacuum databases call
//! [`autovacuum_commit`] right before `pager.commit()`.
//!
//! Tree functions: [`create_tree`]`(&mut Pager, TreeType) -> Result<PageNo>`, [`clear_tree`], [`drop_tree`] (returns
//! the root page move `(from, to)` that auto-vacuum made, for the schema),
//! [`count_entries`], [`tree_pages`], [`incremental_vacuum`],
//! [`autovacuum_commit`], [`integrity_check`] (PRAGMA integrity_check).
//!
//! Corrupt input never panics or loops: page headers, cell offsets and
//! sizes are validated against the page, tree depth is capped at
//! [`MAX_DEPTH`], overflow chains are bounded by the payload size.

pub mod balance;
pub mod bulk;
pub mod cursor;
pub mod integrity;
pub mod mutate;
pub mod overflow;
pub mod page;
pub mod space;
pub mod tree;
pub mod vacuum;

pub use bulk::BulkLoader;
pub use cursor::{BTreeCursor, EntryInfo};
pub use integrity::integrity_check;
pub use mutate::SavedPosition;
pub use tree::{clear_tree, count_entries, create_tree, drop_tree, tree_pages};
pub use vacuum::{autovacuum_commit, incremental_vacuum};

use crate::record::KeyInfo;

/// Maximum B-tree depth accepted (SQLite's BTCURSOR_MAX_DEPTH is 20).
pub const MAX_DEPTH: usize = 20;

/// What a cursor iterates: a table tree, or an index tree ordered by a KeyInfo.
#[derive(Clone, Debug)]
pub enum TreeKind {
    Table,
    Index(KeyInfo),
}

impl TreeKind {
    pub fn is_table(&self) -> bool {
        matches!(self, TreeKind::Table)
    }
}

/// The kind of tree to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeType {
    Table,
    Index,
}

/// Seek comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekOp {
    Eq,
    Ge,
    Gt,
    Le,
    Lt,
}
