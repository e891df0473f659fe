//! The Rust API: `Database`, `Connection`, `Statement`, `Rows`, `Row`.

pub mod backup;
pub mod connection;
mod error_offset;
pub mod interrupt;
pub mod statement;
mod trigger_header_error;
pub mod types;
pub(crate) mod unreadable_store;
