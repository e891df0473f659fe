//! The Rust API: `Database`, `Connection`, `Statement`, `Rows`, `Row`.

pub mod connection;
pub mod statement;
pub mod types;
