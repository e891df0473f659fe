//! SQL value semantics: affinity, text↔number conversion, REAL formatting,
//! arithmetic, comparison and collation, CAST, LIKE/GLOB, printf, the
//! built-in scalar and aggregate functions — all matching SQLite 3.46.

pub mod affinity;
pub mod arith;
pub mod cast;
pub mod collation;
pub mod compare;
pub mod format;
pub mod like;
mod longdouble;
pub mod numeric;
pub mod utf8;

pub use affinity::{apply_affinity, Affinity};
pub use collation::Collation;
