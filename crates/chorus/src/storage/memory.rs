//! In-memory implementation of the storage interface.
//!
//! Layout: a database is a map from root page number to tree. A table tree is
//! a `BTreeMap<rowid, record>`; an index tree is a sorted `Vec` of key records
//! ordered by the `KeyInfo` given when a cursor is opened on it (remembered in
//! the tree). Root page 1 is `sqlite_schema`.
//!
//! Transactions: the committed state is an immutable `Arc<Trees>`. A reader
//! takes the current `Arc` at `begin_read` (a snapshot, as in WAL mode). One
//! writer at a time clones the map of `Arc`ed trees and copies a tree on its
//! first write to it (`Arc::make_mut`); commit publishes the new map. A write
//! transaction that started from a stale snapshot fails with BUSY_SNAPSHOT.
//! Savepoints are an undo log: every change records its inverse; rolling back
//! to a savepoint replays inverses down to the savepoint's log position.

use super::{
    HeaderField, IndexCursor, KeyInfo, SeekOp, Store, StoreFactory, TableCursor, TreeKind,
};
use chorus_storage::record::{compare_records, compare_unpacked};
use chorus_storage::{Error, JournalMode, LockingMode, PageNo, Result, ResultCode, ValueRef};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

#[derive(Clone)]
enum MemTree {
    Table(BTreeMap<i64, Vec<u8>>),
    Index { keys: Vec<Vec<u8>>, ki: KeyInfo },
}

#[derive(Clone)]
struct Trees {
    map: HashMap<u32, Arc<MemTree>>,
    next_root: u32,
    /// schema cookie, user version, application id
    header: [u32; 3],
}

struct Shared {
    committed: Arc<Trees>,
    version: u64,
    writer: bool,
}

enum Undo {
    TablePut {
        root: u32,
        rowid: i64,
        old: Option<Vec<u8>>,
    },
    IndexIns {
        root: u32,
        key: Vec<u8>,
    },
    IndexDel {
        root: u32,
        key: Vec<u8>,
    },
    Tree {
        root: u32,
        old: Option<Arc<MemTree>>,
    },
    Header {
        idx: usize,
        old: u32,
    },
    NextRoot {
        old: u32,
    },
}

struct ConnState {
    snapshot: Option<(Arc<Trees>, u64)>,
    working: Option<Trees>,
    undo: Vec<Undo>,
    savepoints: Vec<usize>,
}

impl ConnState {
    fn trees(&self) -> Result<&Trees> {
        if let Some(w) = &self.working {
            return Ok(w);
        }
        match &self.snapshot {
            Some((t, _)) => Ok(t),
            None => Err(Error::new(ResultCode::MISUSE, "no transaction is active")),
        }
    }
    fn tree(&self, root: u32) -> Result<&MemTree> {
        self.trees()?
            .map
            .get(&root)
            .map(|t| &**t)
            .ok_or_else(|| Error::corrupt(format!("no tree at root page {root}")))
    }
    fn working(&mut self) -> Result<&mut Trees> {
        self.working.as_mut().ok_or_else(Error::readonly_txn)
    }
    fn tree_mut(&mut self, root: u32) -> Result<&mut MemTree> {
        let w = self.working()?;
        let t = w
            .map
            .get_mut(&root)
            .ok_or_else(|| Error::corrupt(format!("no tree at root page {root}")))?;
        Ok(Arc::make_mut(t))
    }
    fn log(&mut self, u: Undo) {
        if !self.savepoints.is_empty() {
            self.undo.push(u);
        }
    }
}

trait ReadonlyTxn {
    fn readonly_txn() -> Error;
}
impl ReadonlyTxn for Error {
    fn readonly_txn() -> Error {
        Error::new(
            ResultCode::MISUSE,
            "cannot write outside a write transaction",
        )
    }
}

/// Shared state of one in-memory database; `connect()` makes stores on it.
pub struct MemoryFactory {
    shared: Arc<Mutex<Shared>>,
}

impl Default for MemoryFactory {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryFactory {
    pub fn new() -> MemoryFactory {
        let mut map = HashMap::new();
        map.insert(1, Arc::new(MemTree::Table(BTreeMap::new())));
        let trees = Trees {
            map,
            next_root: 2,
            header: [0; 3],
        };
        MemoryFactory {
            shared: Arc::new(Mutex::new(Shared {
                committed: Arc::new(trees),
                version: 0,
                writer: false,
            })),
        }
    }
}

impl StoreFactory for MemoryFactory {
    fn connect(&self) -> Result<Box<dyn Store>> {
        Ok(Box::new(MemoryStore {
            shared: self.shared.clone(),
            state: Arc::new(Mutex::new(ConnState {
                snapshot: None,
                working: None,
                undo: Vec::new(),
                savepoints: Vec::new(),
            })),
            settings: Settings {
                journal_off: false,
                sync_level: 2,
                autocheckpoint: 1000,
                locking: LockingMode::Normal,
                busy_timeout: Duration::ZERO,
            },
        }))
    }
    fn filename(&self) -> &str {
        ""
    }
}

/// One connection's store on an in-memory database.
pub struct MemoryStore {
    shared: Arc<Mutex<Shared>>,
    state: Arc<Mutex<ConnState>>,
    settings: Settings,
}

/// PRAGMA settings of one connection. There is no journal, WAL or lock to
/// act on: the values are kept and read back as SQLite does for an
/// in-memory database (journal mode MEMORY or OFF, no WAL to checkpoint).
struct Settings {
    journal_off: bool,
    sync_level: u8,
    autocheckpoint: i64,
    locking: LockingMode,
    busy_timeout: Duration,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn index_pos(
    keys: &[Vec<u8>],
    key: &[u8],
    ki: &KeyInfo,
) -> Result<std::result::Result<usize, usize>> {
    let (mut lo, mut hi) = (0usize, keys.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match compare_records(&keys[mid], key, ki)? {
            Ordering::Less => lo = mid + 1,
            Ordering::Greater => hi = mid,
            Ordering::Equal => {
                // Records compare over their common prefix; break ties on length.
                match keys[mid].len().cmp(&key.len()) {
                    Ordering::Equal if keys[mid] == key => return Ok(Ok(mid)),
                    Ordering::Less => lo = mid + 1,
                    _ => hi = mid,
                }
            }
        }
    }
    Ok(Err(lo))
}

fn index_insert(keys: &mut Vec<Vec<u8>>, key: &[u8], ki: &KeyInfo) -> Result<bool> {
    match index_pos(keys, key, ki)? {
        Ok(_) => Ok(false),
        Err(p) => {
            keys.insert(p, key.to_vec());
            Ok(true)
        }
    }
}

fn index_remove(keys: &mut Vec<Vec<u8>>, key: &[u8], ki: &KeyInfo) -> Result<bool> {
    if let Ok(p) = index_pos(keys, key, ki)? {
        keys.remove(p);
        return Ok(true);
    }
    // Fall back to a linear search (keys with equal prefixes and different lengths).
    if let Some(p) = keys.iter().position(|k| k == key) {
        keys.remove(p);
        return Ok(true);
    }
    Ok(false)
}

fn apply_undo(st: &mut ConnState, u: Undo) -> Result<()> {
    match u {
        Undo::TablePut { root, rowid, old } => {
            if let MemTree::Table(m) = st.tree_mut(root)? {
                match old {
                    Some(v) => {
                        m.insert(rowid, v);
                    }
                    None => {
                        m.remove(&rowid);
                    }
                }
            }
        }
        Undo::IndexIns { root, key } => {
            if let MemTree::Index { keys, ki } = st.tree_mut(root)? {
                let ki = ki.clone();
                index_remove(keys, &key, &ki)?;
            }
        }
        Undo::IndexDel { root, key } => {
            if let MemTree::Index { keys, ki } = st.tree_mut(root)? {
                let ki = ki.clone();
                index_insert(keys, &key, &ki)?;
            }
        }
        Undo::Tree { root, old } => {
            let w = st.working()?;
            match old {
                Some(t) => {
                    w.map.insert(root, t);
                }
                None => {
                    w.map.remove(&root);
                }
            }
        }
        Undo::Header { idx, old } => st.working()?.header[idx] = old,
        Undo::NextRoot { old } => st.working()?.next_root = old,
    }
    Ok(())
}

impl Store for MemoryStore {
    fn begin_read(&mut self) -> Result<()> {
        let sh = lock(&self.shared);
        let mut st = lock(&self.state);
        if st.snapshot.is_none() {
            st.snapshot = Some((sh.committed.clone(), sh.version));
        }
        Ok(())
    }
    fn end_read(&mut self) -> Result<()> {
        let mut st = lock(&self.state);
        if st.working.is_none() {
            st.snapshot = None;
        }
        Ok(())
    }
    fn begin_write(&mut self) -> Result<()> {
        let mut sh = lock(&self.shared);
        let mut st = lock(&self.state);
        if st.working.is_some() {
            return Ok(());
        }
        if sh.writer {
            return Err(Error::busy());
        }
        if let Some((_, v)) = &st.snapshot {
            if *v != sh.version {
                return Err(Error::new(ResultCode::BUSY_SNAPSHOT, "database is locked"));
            }
        }
        sh.writer = true;
        st.snapshot = Some((sh.committed.clone(), sh.version));
        st.working = Some((*sh.committed).clone());
        Ok(())
    }
    fn in_write(&self) -> bool {
        lock(&self.state).working.is_some()
    }
    fn commit(&mut self) -> Result<()> {
        let mut sh = lock(&self.shared);
        let mut st = lock(&self.state);
        if let Some(w) = st.working.take() {
            sh.committed = Arc::new(w);
            sh.version += 1;
            sh.writer = false;
        }
        // Statements still reading continue on the state just committed.
        st.snapshot = Some((sh.committed.clone(), sh.version));
        st.undo.clear();
        st.savepoints.clear();
        Ok(())
    }
    fn rollback(&mut self) -> Result<()> {
        let mut sh = lock(&self.shared);
        let mut st = lock(&self.state);
        if st.working.take().is_some() {
            sh.writer = false;
        }
        st.snapshot = Some((sh.committed.clone(), sh.version));
        st.undo.clear();
        st.savepoints.clear();
        Ok(())
    }
    fn savepoint(&mut self) -> Result<usize> {
        let mut st = lock(&self.state);
        st.working()?;
        let n = st.undo.len();
        st.savepoints.push(n);
        Ok(st.savepoints.len() - 1)
    }
    fn release(&mut self, level: usize) -> Result<()> {
        let mut st = lock(&self.state);
        st.savepoints.truncate(level);
        if st.savepoints.is_empty() {
            st.undo.clear();
        }
        Ok(())
    }
    fn rollback_to(&mut self, level: usize) -> Result<()> {
        let mut st = lock(&self.state);
        let Some(&mark) = st.savepoints.get(level) else {
            return Err(Error::new(ResultCode::INTERNAL, "no such savepoint level"));
        };
        while st.undo.len() > mark {
            if let Some(u) = st.undo.pop() {
                apply_undo(&mut st, u)?;
            }
        }
        st.savepoints.truncate(level + 1);
        Ok(())
    }
    fn create_tree(&mut self, kind: TreeKind) -> Result<PageNo> {
        let mut st = lock(&self.state);
        let w = st.working()?;
        let root = w.next_root;
        w.next_root += 1;
        let t = match kind {
            TreeKind::Table => MemTree::Table(BTreeMap::new()),
            TreeKind::Index => MemTree::Index {
                keys: Vec::new(),
                ki: KeyInfo::binary(0),
            },
        };
        w.map.insert(root, Arc::new(t));
        st.log(Undo::NextRoot { old: root });
        st.log(Undo::Tree { root, old: None });
        Ok(PageNo(root))
    }
    fn drop_tree(&mut self, root: PageNo) -> Result<()> {
        let mut st = lock(&self.state);
        let old = st.working()?.map.remove(&root.0);
        st.log(Undo::Tree { root: root.0, old });
        Ok(())
    }
    fn clear_tree(&mut self, root: PageNo) -> Result<()> {
        let mut st = lock(&self.state);
        let w = st.working()?;
        let Some(old) = w.map.get(&root.0).cloned() else {
            return Err(Error::corrupt(format!("no tree at root page {}", root.0)));
        };
        let t = match &*old {
            MemTree::Table(_) => MemTree::Table(BTreeMap::new()),
            MemTree::Index { ki, .. } => MemTree::Index {
                keys: Vec::new(),
                ki: ki.clone(),
            },
        };
        w.map.insert(root.0, Arc::new(t));
        st.log(Undo::Tree {
            root: root.0,
            old: Some(old),
        });
        Ok(())
    }
    fn table_cursor(&mut self, root: PageNo) -> Result<Box<dyn TableCursor>> {
        let st = lock(&self.state);
        match st.tree(root.0)? {
            MemTree::Table(_) => {}
            _ => return Err(Error::corrupt("table cursor on an index tree")),
        }
        Ok(Box::new(MemTableCursor {
            state: self.state.clone(),
            root: root.0,
            pos: None,
            payload: Vec::new(),
        }))
    }
    fn index_cursor(&mut self, root: PageNo, key_info: KeyInfo) -> Result<Box<dyn IndexCursor>> {
        let mut st = lock(&self.state);
        match st.tree(root.0)? {
            MemTree::Index { .. } => {}
            _ => return Err(Error::corrupt("index cursor on a table tree")),
        }
        if st.working.is_some() {
            if let MemTree::Index { ki, .. } = st.tree_mut(root.0)? {
                *ki = key_info.clone();
            }
        }
        Ok(Box::new(MemIndexCursor {
            state: self.state.clone(),
            root: root.0,
            ki: key_info,
            key: None,
        }))
    }
    fn header(&self, field: HeaderField) -> Result<u32> {
        let st = lock(&self.state);
        let committed;
        let trees = match st.trees() {
            Ok(t) => t,
            Err(_) => {
                committed = lock(&self.shared).committed.clone();
                &committed
            }
        };
        Ok(match field {
            HeaderField::SchemaCookie => trees.header[0],
            HeaderField::UserVersion => trees.header[1],
            HeaderField::ApplicationId => trees.header[2],
            HeaderField::PageSize => 4096,
            HeaderField::PageCount => trees.next_root - 1,
            HeaderField::FreelistCount => 0,
            HeaderField::TextEncoding => 1,
            HeaderField::AutoVacuum => 0,
        })
    }
    fn set_header(&mut self, field: HeaderField, value: u32) -> Result<()> {
        let mut st = lock(&self.state);
        let idx = match field {
            HeaderField::SchemaCookie => 0,
            HeaderField::UserVersion => 1,
            HeaderField::ApplicationId => 2,
            _ => return Err(Error::new(ResultCode::ERROR, "header field is read-only")),
        };
        let w = st.working()?;
        let old = w.header[idx];
        w.header[idx] = value;
        st.log(Undo::Header { idx, old });
        Ok(())
    }
    fn integrity_check(&mut self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }

    fn journal_mode(&mut self) -> Result<JournalMode> {
        Ok(if self.settings.journal_off {
            JournalMode::Off
        } else {
            JournalMode::Memory
        })
    }

    fn set_journal_mode(&mut self, mode: JournalMode) -> Result<JournalMode> {
        self.settings.journal_off = mode == JournalMode::Off;
        self.journal_mode()
    }

    fn synchronous(&self) -> u8 {
        self.settings.sync_level
    }

    fn set_synchronous(&mut self, level: u8) {
        self.settings.sync_level = level;
    }

    fn wal_autocheckpoint(&self) -> i64 {
        self.settings.autocheckpoint
    }

    fn set_wal_autocheckpoint(&mut self, pages: i64) {
        self.settings.autocheckpoint = pages.max(0);
    }

    fn locking_mode(&self) -> LockingMode {
        self.settings.locking
    }

    fn set_locking_mode(&mut self, mode: LockingMode) -> Result<()> {
        self.settings.locking = mode;
        Ok(())
    }

    fn busy_timeout(&self) -> Duration {
        self.settings.busy_timeout
    }

    fn set_busy_timeout(&mut self, timeout: Duration) {
        self.settings.busy_timeout = timeout;
    }
}

struct MemTableCursor {
    state: Arc<Mutex<ConnState>>,
    root: u32,
    pos: Option<i64>,
    payload: Vec<u8>,
}

// Moves the cursor to the entry an expression over the map finds.
macro_rules! table_step {
    ($self:ident, $m:ident, $e:expr) => {{
        let st = lock(&$self.state);
        let MemTree::Table($m) = st.tree($self.root)? else {
            return Err(Error::corrupt("not a table tree"));
        };
        let r = $e;
        match r {
            Some((k, v)) => {
                $self.pos = Some(*k);
                $self.payload.clear();
                $self.payload.extend_from_slice(v);
                Ok(true)
            }
            None => {
                $self.pos = None;
                Ok(false)
            }
        }
    }};
}

impl TableCursor for MemTableCursor {
    fn first(&mut self) -> Result<bool> {
        table_step!(self, m, m.iter().next())
    }
    fn last(&mut self) -> Result<bool> {
        table_step!(self, m, m.iter().next_back())
    }
    fn next(&mut self) -> Result<bool> {
        let Some(p) = self.pos else { return Ok(false) };
        table_step!(
            self,
            m,
            m.range((Bound::Excluded(p), Bound::Unbounded)).next()
        )
    }
    fn prev(&mut self) -> Result<bool> {
        let Some(p) = self.pos else { return Ok(false) };
        table_step!(self, m, m.range(..p).next_back())
    }
    fn seek_rowid(&mut self, rowid: i64, op: SeekOp) -> Result<bool> {
        match op {
            SeekOp::Eq => table_step!(self, m, m.get_key_value(&rowid)),
            SeekOp::Ge => table_step!(self, m, m.range(rowid..).next()),
            SeekOp::Gt => {
                table_step!(
                    self,
                    m,
                    m.range((Bound::Excluded(rowid), Bound::Unbounded)).next()
                )
            }
            SeekOp::Le => table_step!(self, m, m.range(..=rowid).next_back()),
            SeekOp::Lt => table_step!(self, m, m.range(..rowid).next_back()),
        }
    }
    fn valid(&self) -> bool {
        self.pos.is_some()
    }
    fn rowid(&self) -> i64 {
        self.pos.unwrap_or(0)
    }
    fn payload(&self) -> Result<&[u8]> {
        Ok(&self.payload)
    }
    fn insert(&mut self, rowid: i64, record: &[u8]) -> Result<()> {
        let mut st = lock(&self.state);
        let MemTree::Table(m) = st.tree_mut(self.root)? else {
            return Err(Error::corrupt("not a table tree"));
        };
        let old = m.insert(rowid, record.to_vec());
        st.log(Undo::TablePut {
            root: self.root,
            rowid,
            old,
        });
        drop(st);
        self.pos = Some(rowid);
        self.payload.clear();
        self.payload.extend_from_slice(record);
        Ok(())
    }
    fn delete(&mut self) -> Result<()> {
        let Some(p) = self.pos else {
            return Err(Error::new(
                ResultCode::MISUSE,
                "delete on an unpositioned cursor",
            ));
        };
        let mut st = lock(&self.state);
        let MemTree::Table(m) = st.tree_mut(self.root)? else {
            return Err(Error::corrupt("not a table tree"));
        };
        let old = m.remove(&p);
        if old.is_some() {
            st.log(Undo::TablePut {
                root: self.root,
                rowid: p,
                old,
            });
        }
        Ok(())
    }
}

struct MemIndexCursor {
    state: Arc<Mutex<ConnState>>,
    root: u32,
    ki: KeyInfo,
    key: Option<Vec<u8>>,
}

impl MemIndexCursor {
    fn set(&mut self, k: Option<&Vec<u8>>) -> bool {
        match k {
            Some(k) => {
                let buf = self.key.get_or_insert_with(Vec::new);
                buf.clear();
                buf.extend_from_slice(k);
                true
            }
            None => {
                self.key = None;
                false
            }
        }
    }
    /// First position whose entry is not before `key` (by full-record order).
    fn lower_bound(keys: &[Vec<u8>], key: &[u8], ki: &KeyInfo) -> Result<usize> {
        Ok(match index_pos(keys, key, ki)? {
            Ok(p) | Err(p) => p,
        })
    }
}

macro_rules! with_keys {
    ($self:ident, $keys:ident, $body:expr) => {{
        let st = lock(&$self.state);
        let MemTree::Index { keys: $keys, .. } = st.tree($self.root)? else {
            return Err(Error::corrupt("not an index tree"));
        };
        let r: Result<Option<&Vec<u8>>> = $body;
        let r = r?;
        let found = match r {
            Some(k) => {
                let buf = $self.key.get_or_insert_with(Vec::new);
                buf.clear();
                buf.extend_from_slice(k);
                true
            }
            None => false,
        };
        drop(st);
        if !found {
            $self.key = None;
        }
        Ok(found)
    }};
}

impl IndexCursor for MemIndexCursor {
    fn first(&mut self) -> Result<bool> {
        with_keys!(self, keys, Ok(keys.first()))
    }
    fn last(&mut self) -> Result<bool> {
        with_keys!(self, keys, Ok(keys.last()))
    }
    fn next(&mut self) -> Result<bool> {
        let Some(cur) = self.key.take() else {
            return Ok(false);
        };
        let ki = self.ki.clone();
        let r = with_keys!(self, keys, {
            match index_pos(keys, &cur, &ki)? {
                Ok(p) => Ok(keys.get(p + 1)),
                Err(p) => Ok(keys.get(p)),
            }
        });
        r
    }
    fn prev(&mut self) -> Result<bool> {
        let Some(cur) = self.key.take() else {
            return Ok(false);
        };
        let ki = self.ki.clone();
        with_keys!(self, keys, {
            let p = Self::lower_bound(keys, &cur, &ki)?;
            Ok(if p == 0 { None } else { keys.get(p - 1) })
        })
    }
    fn seek(&mut self, key: &[ValueRef<'_>], op: SeekOp) -> Result<bool> {
        let ki = self.ki.clone();
        // Partition point: first entry e with key < e (entries with an equal
        // prefix count as greater when `default` is Less).
        let part = |keys: &[Vec<u8>], default: Ordering| -> Result<usize> {
            let (mut lo, mut hi) = (0usize, keys.len());
            while lo < hi {
                let mid = (lo + hi) / 2;
                if compare_unpacked(key, &keys[mid], &ki, default)? == Ordering::Less {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            Ok(lo)
        };
        with_keys!(self, keys, {
            match op {
                SeekOp::Ge => part(keys, Ordering::Less).map(|p| keys.get(p)),
                SeekOp::Gt => part(keys, Ordering::Greater).map(|p| keys.get(p)),
                SeekOp::Le => {
                    part(keys, Ordering::Greater)
                        .map(|p| if p == 0 { None } else { keys.get(p - 1) })
                }
                SeekOp::Lt => {
                    part(keys, Ordering::Less).map(|p| if p == 0 { None } else { keys.get(p - 1) })
                }
                SeekOp::Eq => {
                    let p = part(keys, Ordering::Less)?;
                    match keys.get(p) {
                        Some(e)
                            if compare_unpacked(key, e, &ki, Ordering::Equal)?
                                == Ordering::Equal =>
                        {
                            Ok(Some(e))
                        }
                        _ => Ok(None),
                    }
                }
            }
        })
    }
    fn valid(&self) -> bool {
        self.key.is_some()
    }
    fn key(&self) -> Result<&[u8]> {
        Ok(self.key.as_deref().unwrap_or(&[]))
    }
    fn insert(&mut self, key: &[u8]) -> Result<()> {
        let mut st = lock(&self.state);
        let ki = self.ki.clone();
        let MemTree::Index { keys, .. } = st.tree_mut(self.root)? else {
            return Err(Error::corrupt("not an index tree"));
        };
        if index_insert(keys, key, &ki)? {
            st.log(Undo::IndexIns {
                root: self.root,
                key: key.to_vec(),
            });
        }
        drop(st);
        self.set(Some(&key.to_vec()));
        Ok(())
    }
    fn delete(&mut self) -> Result<()> {
        let Some(cur) = self.key.clone() else {
            return Err(Error::new(
                ResultCode::MISUSE,
                "delete on an unpositioned cursor",
            ));
        };
        let mut st = lock(&self.state);
        let ki = self.ki.clone();
        let MemTree::Index { keys, .. } = st.tree_mut(self.root)? else {
            return Err(Error::corrupt("not an index tree"));
        };
        if index_remove(keys, &cur, &ki)? {
            st.log(Undo::IndexDel {
                root: self.root,
                key: cur,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chorus_storage::record::encode_record;

    fn rec(v: &[ValueRef]) -> Vec<u8> {
        let mut o = Vec::new();
        encode_record(v, &mut o);
        o
    }

    #[test]
    fn table_and_index_with_savepoints() {
        let f = MemoryFactory::new();
        let mut s = f.connect().unwrap();
        s.begin_write().unwrap();
        let t = s.create_tree(TreeKind::Table).unwrap();
        let i = s.create_tree(TreeKind::Index).unwrap();
        let mut c = s.table_cursor(t).unwrap();
        let mut ic = s.index_cursor(i, KeyInfo::binary(1)).unwrap();
        for r in 1..=5 {
            c.insert(r, &rec(&[ValueRef::Integer(r * 10)])).unwrap();
            ic.insert(&rec(&[ValueRef::Integer(10 - r), ValueRef::Integer(r)]))
                .unwrap();
        }
        let sp = s.savepoint().unwrap();
        c.insert(9, &rec(&[ValueRef::Null])).unwrap();
        assert!(ic.seek(&[ValueRef::Integer(7)], SeekOp::Eq).unwrap());
        ic.delete().unwrap();
        s.rollback_to(sp).unwrap();
        assert_eq!(c.max_rowid().unwrap(), Some(5));
        assert!(ic.seek(&[ValueRef::Integer(7)], SeekOp::Eq).unwrap());
        assert!(ic.seek(&[ValueRef::Integer(6)], SeekOp::Gt).unwrap());
        assert_eq!(
            ic.key().unwrap(),
            &rec(&[ValueRef::Integer(7), ValueRef::Integer(3)])[..]
        );
        assert!(ic.seek(&[ValueRef::Integer(7)], SeekOp::Lt).unwrap());
        assert_eq!(
            ic.key().unwrap(),
            &rec(&[ValueRef::Integer(6), ValueRef::Integer(4)])[..]
        );
        let mut n = 0;
        let mut ok = c.first().unwrap();
        while ok {
            n += 1;
            ok = c.next().unwrap();
        }
        assert_eq!(n, 5);
        s.commit().unwrap();
        let mut s2 = f.connect().unwrap();
        s2.begin_read().unwrap();
        let mut c2 = s2.table_cursor(t).unwrap();
        assert!(c2.seek_rowid(3, SeekOp::Eq).unwrap());
        assert_eq!(c2.payload().unwrap(), &rec(&[ValueRef::Integer(30)])[..]);
    }
}
