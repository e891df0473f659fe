//! The Chorus engine for both harnesses (added by the SQL-engine helper).

use crate::engine::{Engine, EngineError, QueryResult};

pub struct ChorusEngine {
    conn: chorus::Connection,
}

impl ChorusEngine {
    pub fn new() -> Result<ChorusEngine, chorus::Error> {
        Ok(ChorusEngine {
            conn: chorus::Connection::open_in_memory()?,
        })
    }
}

fn e(err: chorus::Error) -> EngineError {
    EngineError::new(err.code.0, err.message)
}

impl Engine for ChorusEngine {
    fn name(&self) -> &str {
        "chorus"
    }

    fn execute(&mut self, sql: &str) -> Result<Option<QueryResult>, EngineError> {
        let (stmt, _) = self.conn.prepare_with_tail(sql).map_err(e)?;
        let Some(mut stmt) = stmt else {
            return Ok(None);
        };
        let mut rows = Vec::new();
        while stmt.step().map_err(e)? {
            rows.push(
                (0..stmt.column_count())
                    .map(|i| stmt.column_value(i).to_owned())
                    .collect(),
            );
        }
        let columns: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        if columns.is_empty() {
            return Ok(None);
        }
        Ok(Some(QueryResult { columns, rows }))
    }
}
