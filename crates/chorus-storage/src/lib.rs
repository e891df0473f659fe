//! Chorus storage engine: SQLite's database file format.
//!
//! Layers, bottom up: [`vfs`] (files and locks) → pager (page cache, dirty
//! pages, transaction boundary) → records and B-trees. This crate knows
//! nothing of SQL.

pub mod btree;
pub mod error;
pub mod freelist;
pub mod header;
pub mod integrity;
pub mod journal;
pub mod pager;
pub mod ptrmap;
pub mod record;
pub mod schema;
pub mod types;
pub mod value;
pub mod varint;
pub mod vfs;
pub mod wal;

pub use error::{Error, Result, ResultCode};
pub use freelist::AllocMode;
pub use header::DbHeader;
pub use journal::JournalMode;
pub use pager::{AutoVacuum, LockingMode, PageBuf, PageRef, Pager, PagerOptions, Synchronous};
pub use types::{PageNo, RowId};
pub use value::{Value, ValueRef};
pub use wal::{CheckpointMode, CheckpointResult, Snapshot};
