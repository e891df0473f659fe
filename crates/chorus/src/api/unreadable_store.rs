//! The store of a connection whose file is not a database.
//!
//! SQLite opens such a file without complaint and fails with SQLITE_NOTADB
//! ("file is not a database") only when a statement touches the file, so
//! `SELECT 1` still runs. This store does the same: transactions can start
//! and end (nothing is read), the header reads as zeros (schema cookie 0, so
//! the empty schema the connection starts with stays current), and every
//! operation that would read or write a page fails with the open error.

use crate::storage::{HeaderField, IndexCursor, KeyInfo, Store, TableCursor, TreeKind};
use chorus_storage::{Error, PageNo, Result};

pub(crate) struct UnreadableStore {
    err: Error,
}

impl UnreadableStore {
    pub(crate) fn new(err: Error) -> UnreadableStore {
        UnreadableStore { err }
    }

    fn fail<T>(&self) -> Result<T> {
        Err(self.err.clone())
    }
}

impl Store for UnreadableStore {
    fn begin_read(&mut self) -> Result<()> {
        Ok(())
    }
    fn end_read(&mut self) -> Result<()> {
        Ok(())
    }
    fn begin_write(&mut self) -> Result<()> {
        self.fail()
    }
    fn in_write(&self) -> bool {
        false
    }
    fn commit(&mut self) -> Result<()> {
        Ok(())
    }
    fn rollback(&mut self) -> Result<()> {
        Ok(())
    }
    fn savepoint(&mut self) -> Result<usize> {
        self.fail()
    }
    fn release(&mut self, _level: usize) -> Result<()> {
        Ok(())
    }
    fn rollback_to(&mut self, _level: usize) -> Result<()> {
        Ok(())
    }
    fn create_tree(&mut self, _kind: TreeKind) -> Result<PageNo> {
        self.fail()
    }
    fn drop_tree(&mut self, _root: PageNo) -> Result<()> {
        self.fail()
    }
    fn clear_tree(&mut self, _root: PageNo) -> Result<()> {
        self.fail()
    }
    fn table_cursor(&mut self, _root: PageNo) -> Result<Box<dyn TableCursor>> {
        self.fail()
    }
    fn index_cursor(&mut self, _root: PageNo, _key_info: KeyInfo) -> Result<Box<dyn IndexCursor>> {
        self.fail()
    }
    fn header(&self, field: HeaderField) -> Result<u32> {
        match field {
            HeaderField::SchemaCookie => Ok(0),
            _ => self.fail(),
        }
    }
    fn set_header(&mut self, _field: HeaderField, _value: u32) -> Result<()> {
        self.fail()
    }
    fn integrity_check(&mut self) -> Result<Vec<String>> {
        self.fail()
    }
}
