//! A sqllogictest runner (see `../shared/slt/README.md` for the format).
//!
//! `parser` reads scripts into records, `render` turns typed values into the
//! harness's text (through `sqlite_number`, SQLite's own conversions), and
//! `runner` executes records on an [`crate::Engine`] and checks results.

pub mod parser;
pub mod render;
pub mod runner;
pub mod sqlite_number;

pub use parser::{parse_script, Condition, Expected, Record, RecordKind, SortMode};
pub use render::render_value;
pub use runner::{
    collect_test_files, default_corpus_dir, hash_values, run_slt_file, run_slt_paths,
    run_slt_script, Failure, FileReport, SltOptions, DEFAULT_HASH_THRESHOLD, END_OF_ROWS_ERRORS,
};
