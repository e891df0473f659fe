//! Chorus: SQL on SQLite's file format. (The SQL layer grows here.)

pub use chorus_storage::{Value, ValueRef};

pub mod sqlvalue;
