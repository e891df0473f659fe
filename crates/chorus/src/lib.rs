//! Chorus: SQL on SQLite's file format.

pub mod parse;
pub mod storage;

pub use chorus_storage::{Value, ValueRef};

pub mod sqlvalue;
