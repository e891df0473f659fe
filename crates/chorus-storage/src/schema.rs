//! Reading `sqlite_schema`, the table B-tree rooted at page 1 whose rows are
//! `(type TEXT, name TEXT, tbl_name TEXT, rootpage INTEGER, sql TEXT)`.
//! Text is stored in the database text encoding (header offset 56) and is
//! returned as UTF-8.

use crate::btree::{BTreeCursor, TreeKind};
use crate::error::{Error, Result};
use crate::pager::Pager;
use crate::record::{RecordReader, TextEncoding};
use crate::types::{PageNo, RowId};
use crate::value::Value;

/// One row of `sqlite_schema`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaEntry {
    pub rowid: RowId,
    /// "table", "index", "view" or "trigger".
    pub kind: String,
    pub name: String,
    pub tbl_name: String,
    /// Root page (0 for views and triggers).
    pub rootpage: u32,
    /// The CREATE statement (NULL for automatic indexes).
    pub sql: Option<String>,
}

/// The database text encoding from the header (UTF-8 when not yet set).
pub fn text_encoding(pager: &Pager) -> Result<TextEncoding> {
    let v = pager.header().text_encoding;
    TextEncoding::from_header(v).ok_or_else(|| Error::corrupt(format!("unknown text encoding {v}")))
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::Text(t) | Value::Blob(t) => Some(String::from_utf8_lossy(&t).into_owned()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(r) => Some(r.to_string()),
        Value::Null => None,
    }
}

/// Every row of `sqlite_schema`, in rowid order. An empty database (page
/// count 0) has no rows.
pub fn read_schema(pager: &Pager) -> Result<Vec<SchemaEntry>> {
    if pager.page_count() == 0 {
        return Ok(Vec::new());
    }
    let enc = text_encoding(pager)?;
    let mut c = BTreeCursor::new(PageNo(1), TreeKind::Table);
    let mut out = Vec::new();
    let mut ok = c.first(pager)?;
    while ok {
        let payload = c.payload(pager)?;
        let r = RecordReader::new(&payload)?;
        let rootpage = match r.column(3)? {
            crate::ValueRef::Integer(i) => {
                u32::try_from(i).map_err(|_| Error::corrupt("schema rootpage out of range"))?
            }
            crate::ValueRef::Null => 0,
            _ => return Err(Error::corrupt("schema rootpage not an integer")),
        };
        out.push(SchemaEntry {
            rowid: c.rowid()?,
            kind: text(r.column_owned(0, enc)?).unwrap_or_default(),
            name: text(r.column_owned(1, enc)?).unwrap_or_default(),
            tbl_name: text(r.column_owned(2, enc)?).unwrap_or_default(),
            rootpage,
            sql: text(r.column_owned(4, enc)?),
        });
        ok = c.next(pager)?;
    }
    Ok(out)
}
