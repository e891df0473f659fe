//! Engine selection by name, for the binaries and tests. Each call returns a
//! fresh engine on a fresh, empty in-memory database.

use crate::engine::Engine;
use crate::sqlite_engine::SqliteEngine;

/// The engine names [`make_engine`] knows.
pub const ENGINE_NAMES: &[&str] = &["sqlite", "chorus"];

/// A fresh engine called `name`, or why there is none.
pub fn make_engine(name: &str) -> Result<Box<dyn Engine>, String> {
    match name {
        "sqlite" => Ok(Box::new(SqliteEngine::new().map_err(|e| e.to_string())?)),
        "chorus" => Ok(Box::new(
            crate::chorus_engine::ChorusEngine::new().map_err(|e| e.to_string())?,
        )),
        other => Err(format!(
            "unknown engine '{other}' (known: {})",
            ENGINE_NAMES.join(", ")
        )),
    }
}
