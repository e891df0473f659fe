//! Execution: compiled expressions, row sources, select pipelines, DML.

pub mod agg;
pub mod autoincrement;
pub mod env;
pub mod eqp;
pub mod expr;
pub mod foreign_key;
pub mod func;
pub mod generated;
pub mod select;
pub mod source;
pub mod strict;
pub mod trigger;
pub mod window;
pub mod without_rowid;
pub mod write;
