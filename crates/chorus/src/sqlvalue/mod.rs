//! SQL value semantics — affinity, text↔number conversion, REAL formatting,
//! arithmetic, comparison and collation, CAST, LIKE/GLOB, printf, and the
//! built-in scalar, aggregate and date/time functions — reproducing SQLite
//! 3.46 exactly (verified by differential tests against rusqlite's bundled
//! SQLite in `crates/chorus/tests/sqlvalue_*.rs`).
//!
//! Map of the module (one idea per file):
//! - [`affinity`]: `Affinity`, declared type → affinity, `apply_affinity`
//!   (storing into a column), `apply_numeric_affinity_ref` (comparisons).
//! - [`numeric`]: `atof`/`atoi64` (SQLite's parsers, bit-exact), the numeric
//!   views of a value (`value_to_f64`, `value_to_i64`, `value_to_numeric`,
//!   `text_to_numeric`, `is_true`).
//! - [`format`](mod@format): `format_real` (`%!.15g`), `format_int`, `value_to_text`,
//!   `StackText` (number text without heap allocation).
//! - [`arith`]: `+ - * / %`, bitwise operators, shifts, unary minus, `||`.
//! - [`compare`]: `sort_compare` (ORDER BY order), `comparison_affinity` +
//!   `compare_with_affinity` (operators), `compare_for_op` (contract form).
//! - [`collation`]: BINARY, NOCASE, RTRIM and custom collations.
//! - [`cast`]: `CAST(x AS type)`.
//! - [`like`]: LIKE and GLOB matching.
//! - [`printf`]: SQLite's printf engine (`printf()`/`format()`).
//! - [`functions`]: scalar function registry (`find_scalar`).
//! - [`aggregate`]: aggregate registry (`find_aggregate`, `min_max_state`).
//! - [`datetime`]: date and time functions (registered in `functions`).
//! - [`utf8`]: SQLite's lenient UTF-8 reading.
//! - `longdouble` (private): the x87 80-bit arithmetic SQLite's
//!   conversions use on x86-64, emulated so results match bit for bit.

pub mod affinity;
pub mod aggregate;
pub mod arith;
pub mod cast;
pub mod collation;
pub mod compare;
pub mod datetime;
pub mod format;
pub mod functions;
pub mod like;
mod longdouble;
pub mod numeric;
pub mod printf;
pub mod utf8;

pub use affinity::{apply_affinity, Affinity};
pub use aggregate::{find_aggregate, min_max_state, AggregateState};
pub use collation::Collation;
pub use functions::{find_scalar, scalar_name_known, FunctionContext, ScalarFn, ScalarFnInfo};
