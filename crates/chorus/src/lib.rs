//! Chorus: SQL on SQLite's file format.

pub mod parse;

pub use chorus_storage::{Value, ValueRef};
