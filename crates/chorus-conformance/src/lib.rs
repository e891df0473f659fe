//! Conformance harnesses for Chorus.
//!
//! Both harnesses drive an [`Engine`]: anything that runs one SQL statement
//! at a time and returns typed values. [`SqliteEngine`] (SQLite through
//! rusqlite) is the reference; [`make_engine`] picks an engine by name.
//!
//! - [`slt`]: a sqllogictest runner (the `slt` binary).
//! - [`differential`]: runs SQL scripts statement by statement on two
//!   engines and compares errors, column names and typed values (the
//!   `differential` binary and the scripts in `differential/`).

pub mod chorus_engine;
pub mod differential;
pub mod engine;
pub mod engines;
pub mod slt;
pub mod splitter;
pub mod sqlite_engine;

pub use engine::{Engine, EngineError, QueryResult};
pub use engines::make_engine;
pub use sqlite_engine::SqliteEngine;
