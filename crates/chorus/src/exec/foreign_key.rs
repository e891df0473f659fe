//! FOREIGN KEY enforcement, following SQLite's counter scheme (fkey.c).
//!
//! Each statement keeps an *immediate* violation counter; the connection
//! keeps a *deferred* one for the transaction (DEFERRABLE INITIALLY DEFERRED
//! keys, or every key under `PRAGMA defer_foreign_keys`). Around each row
//! write the hooks below adjust them:
//! - a child row added whose parent key is absent: +1; a child row removed
//!   whose parent is absent: -1 (never below zero);
//! - a parent row removed: +1 per child row that referenced it; a parent row
//!   added: -1 per child row that now has a parent.
//!
//! After a parent row is removed or its key changed, the ON DELETE / ON
//! UPDATE action runs (CASCADE, SET NULL, SET DEFAULT rewrite or delete the
//! child rows through their own writers, recursively; RESTRICT fails at
//! once). A statement ends in error when its immediate counter is positive;
//! COMMIT fails while the deferred counter is. Parent keys are looked up
//! through the rowid or the parent's UNIQUE index ("foreign key mismatch"
//! when there is none); child rows through an index on the child columns
//! when one fits, else a scan.

use super::expr::Cx;
use super::write::TableWriter;
use crate::plan::bind::Binder;
use crate::schema::{key, Index, IndexOrigin, Schema, Table};
use crate::sqlvalue::compare::compare_for_op;
use crate::sqlvalue::{apply_affinity, Affinity, Collation};
use crate::stmt::foreign_key::{Action, ForeignKey};
use crate::storage::SeekOp;
use chorus_storage::record::{compare_unpacked, RecordReader};
use chorus_storage::{Error, Result, ResultCode, Value, ValueRef};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

/// SQLITE_CONSTRAINT_FOREIGNKEY.
pub const CONSTRAINT_FOREIGNKEY: ResultCode = ResultCode(19 | (3 << 8));

/// Deepest chain of cascaded actions (SQLite's trigger depth limit).
const MAX_DEPTH: usize = 1000;

pub fn fk_failed() -> Error {
    Error::new(CONSTRAINT_FOREIGNKEY, "FOREIGN KEY constraint failed")
}

/// Per-connection foreign key settings and the transaction's deferred count.
#[derive(Debug, Clone, Default)]
pub struct ConnFk {
    pub enabled: bool,
    pub defer_all: bool,
    pub deferred: i64,
    /// The deferred count when each open savepoint began.
    pub at_savepoint: Vec<i64>,
}

impl ConnFk {
    /// COMMIT: fails while deferred violations remain.
    pub fn check_commit(&self) -> Result<()> {
        if self.deferred > 0 {
            return Err(fk_failed());
        }
        Ok(())
    }
    /// The transaction ended (committed or rolled back).
    pub fn end_transaction(&mut self) {
        self.deferred = 0;
        self.defer_all = false;
        self.at_savepoint.clear();
    }
    /// SAVEPOINT number `n` (1-based) began.
    pub fn savepoint(&mut self, n: usize) {
        self.at_savepoint.truncate(n.saturating_sub(1));
        self.at_savepoint.push(self.deferred);
    }
    /// RELEASE down to `pos` open savepoints.
    pub fn release(&mut self, pos: usize) {
        self.at_savepoint.truncate(pos);
    }
    /// ROLLBACK TO savepoint `pos` (0-based): its count comes back.
    pub fn rollback_to(&mut self, pos: usize) {
        if let Some(&d) = self.at_savepoint.get(pos) {
            self.deferred = d;
        }
        self.at_savepoint.truncate(pos + 1);
    }
}

/// One statement's foreign key state (lives in `Env::fk` while enabled).
pub struct FkState {
    pub schema: Arc<Schema>,
    pub immediate: i64,
    pub deferred: i64,
    pub defer_all: bool,
    writers: HashMap<String, TableWriter>,
    children: HashMap<String, Vec<(Arc<Table>, usize)>>,
    depth: usize,
    /// Triggers fired by cascaded writes (see `exec::trigger::fk_triggers`).
    pub triggers: crate::exec::trigger::FkTriggers,
}

impl std::fmt::Debug for FkState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FkState")
            .field("immediate", &self.immediate)
            .field("deferred", &self.deferred)
            .finish()
    }
}

impl FkState {
    /// Exchange the cached writers (they use row slots of one `Env`): a
    /// trigger program borrowing the state runs with its own.
    pub fn swap_writers(&mut self, other: &mut HashMap<String, TableWriter>) {
        std::mem::swap(&mut self.writers, other);
    }
}

/// Start a statement: install the state when enforcement is on.
pub fn begin(env: &mut super::env::Env, schema: &Arc<Schema>, conn: &ConnFk) {
    env.fk = if conn.enabled {
        Some(Box::new(FkState {
            schema: schema.clone(),
            immediate: 0,
            deferred: conn.deferred,
            defer_all: conn.defer_all,
            writers: HashMap::new(),
            children: HashMap::new(),
            depth: 0,
            triggers: Default::default(),
        }))
    } else {
        None
    };
}

/// End a statement that succeeded so far: fail on immediate violations (and
/// on deferred ones in autocommit mode); else record the deferred count.
pub fn finish(env: &mut super::env::Env, conn: &mut ConnFk, autocommit: bool) -> Result<()> {
    let Some(st) = env.fk.take() else {
        return Ok(());
    };
    if st.immediate > 0 || (autocommit && st.deferred > 0) {
        return Err(fk_failed());
    }
    conn.deferred = st.deferred;
    Ok(())
}

fn mismatch(child: &str, parent: &str) -> Error {
    Error::new(
        ResultCode::ERROR,
        format!("foreign key mismatch - \"{child}\" referencing \"{parent}\""),
    )
}

/// A located parent key: the parent table, the parent column of each FK
/// column, and the UNIQUE index holding it (None: the rowid).
struct ParentKey {
    table: Arc<Table>,
    cols: Vec<usize>,
    index: Option<Arc<Index>>,
}

fn coll_name(t: &Table, c: usize) -> &str {
    t.columns
        .get(c)
        .and_then(|c| c.collation.as_deref())
        .unwrap_or("BINARY")
}

fn collation(t: &Table, c: usize) -> Collation {
    Collation::by_name(coll_name(t, c)).unwrap_or(Collation::Binary)
}

/// sqlite3FkLocateIndex.
fn locate(schema: &Schema, child: &Table, fk: &ForeignKey) -> Result<ParentKey> {
    let parent = schema
        .tables
        .get(&key(&fk.parent))
        .cloned()
        .ok_or_else(|| {
            Error::new(
                ResultCode::ERROR,
                format!("no such table: main.{}", fk.parent),
            )
        })?;
    locate_in(schema, child, fk, parent)
}

fn locate_in(
    schema: &Schema,
    child: &Table,
    fk: &ForeignKey,
    parent: Arc<Table>,
) -> Result<ParentKey> {
    let n = fk.child_cols.len();
    if n == 1 {
        if let Some(a) = parent.rowid_alias {
            if fk.parent_cols.is_empty()
                || parent.columns[a]
                    .name
                    .eq_ignore_ascii_case(&fk.parent_cols[0])
            {
                return Ok(ParentKey {
                    table: parent,
                    cols: vec![a],
                    index: None,
                });
            }
        }
    }
    let mut candidates = schema.indexes_of(&parent.name);
    if let Some(pk) = super::without_rowid::pk_index(&parent) {
        candidates.insert(0, Arc::new(pk));
    }
    for idx in candidates {
        if !idx.unique || idx.partial.is_some() || idx.columns.len() != n {
            continue;
        }
        if fk.parent_cols.is_empty() {
            if idx.origin == IndexOrigin::PrimaryKey {
                if let Some(cols) = idx.columns.iter().map(|c| c.col).collect() {
                    return Ok(ParentKey {
                        table: parent,
                        cols,
                        index: Some(idx),
                    });
                }
            }
            continue;
        }
        let mut cols = vec![usize::MAX; n];
        let mut ok = true;
        for ic in &idx.columns {
            let Some(ci) = ic.col else {
                ok = false;
                break;
            };
            let dflt = coll_name(&parent, ci);
            if !ic
                .collation
                .as_deref()
                .unwrap_or(dflt)
                .eq_ignore_ascii_case(dflt)
            {
                ok = false;
                break;
            }
            match fk
                .parent_cols
                .iter()
                .position(|p| parent.columns[ci].name.eq_ignore_ascii_case(p))
            {
                Some(j) if cols[j] == usize::MAX => cols[j] = ci,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Ok(ParentKey {
                table: parent,
                cols,
                index: Some(idx),
            });
        }
    }
    Err(mismatch(&child.name, &fk.parent))
}

/// Whether the parent row with key `vals` (child values, FK order) exists.
fn parent_exists(cx: &mut Cx<'_>, pk: &ParentKey, vals: &[Value]) -> Result<bool> {
    let vals: Vec<Value> = vals
        .iter()
        .zip(&pk.cols)
        .map(|(v, &c)| apply_affinity(v.clone(), pk.table.columns[c].affinity))
        .collect();
    match &pk.index {
        None => {
            let Some(Value::Integer(r)) = vals.first() else {
                return Ok(false);
            };
            let mut c = cx.store.table_cursor(pk.table.root)?;
            c.seek_rowid(*r, SeekOp::Eq)
        }
        Some(idx) => {
            let mut keyv: Vec<ValueRef> = Vec::with_capacity(vals.len());
            for ic in &idx.columns {
                let pos = pk.cols.iter().position(|&c| Some(c) == ic.col);
                match pos {
                    Some(p) => keyv.push(vals[p].as_ref()),
                    None => return Ok(false),
                }
            }
            let mut c = cx.store.index_cursor(idx.root, idx.key_info(&pk.table))?;
            c.seek(&keyv, SeekOp::Eq)
        }
    }
}

/// Rowids of the rows of `child` whose FK columns equal the parent key
/// `keyv` (parent values, FK order), leaving out `skip`.
fn child_rows(
    cx: &mut Cx<'_>,
    schema: &Schema,
    child: &Table,
    fk: &ForeignKey,
    pk: &ParentKey,
    keyv: &[Value],
    skip: Option<i64>,
) -> Result<Vec<i64>> {
    let n = fk.child_cols.len();
    let mut out = Vec::new();
    // An index whose leading columns are the child columns, with the
    // parent's collation and the same affinity.
    // (WITHOUT ROWID children are scanned: their index entries hold keys.)
    let usable = schema.indexes_of(&child.name).into_iter().find(|idx| {
        child.without_rowid.is_none()
            && idx.partial.is_none()
            && idx.columns.len() >= n
            && idx.columns[..n].iter().all(|ic| {
                ic.col.is_some_and(|c| {
                    fk.child_cols.iter().position(|&x| x == c).is_some_and(|p| {
                        let pc = pk.cols[p];
                        child.columns[c].affinity == pk.table.columns[pc].affinity
                            && ic
                                .collation
                                .as_deref()
                                .unwrap_or(coll_name(child, c))
                                .eq_ignore_ascii_case(coll_name(&pk.table, pc))
                    })
                })
            })
    });
    let is_alias = n == 1 && child.rowid_alias == Some(fk.child_cols[0]);
    if is_alias {
        let v = apply_affinity(keyv[0].clone(), Affinity::Integer);
        if let Value::Integer(r) = v {
            let mut c = cx.store.table_cursor(child.root)?;
            if c.seek_rowid(r, SeekOp::Eq)? && Some(r) != skip {
                out.push(r);
            }
        }
        return Ok(out);
    }
    if let Some(idx) = usable.filter(|_| child.without_rowid.is_none()) {
        let mut kv: Vec<ValueRef> = Vec::with_capacity(n);
        for ic in &idx.columns[..n] {
            let p = fk
                .child_cols
                .iter()
                .position(|&x| Some(x) == ic.col)
                .unwrap_or(0);
            kv.push(keyv[p].as_ref());
        }
        let mut ki = idx.key_info(child);
        ki.cols.truncate(n);
        let mut c = cx.store.index_cursor(idx.root, idx.key_info(child))?;
        let mut found = c.seek(&kv, SeekOp::Eq)?;
        while found {
            let entry = c.key()?;
            if compare_unpacked(&kv, entry, &ki, Ordering::Equal)? != Ordering::Equal {
                break;
            }
            let r = RecordReader::new(entry)?;
            if let ValueRef::Integer(rowid) = r.column(r.column_count().saturating_sub(1))? {
                if Some(rowid) != skip {
                    out.push(rowid);
                }
            }
            found = c.next()?;
        }
        return Ok(out);
    }
    let colls: Vec<Collation> = pk.cols.iter().map(|&c| collation(&pk.table, c)).collect();
    let mut c = open_rows(cx, child)?;
    let mut more = c.first()?;
    while more {
        let rowid = c.rowid();
        if Some(rowid) != skip {
            let r = RecordReader::new(c.payload()?)?;
            let mut all = true;
            for (p, &cc) in fk.child_cols.iter().enumerate() {
                // (A VIRTUAL generated child column has no stored field:
                // it reads as NULL here.)
                let field = super::generated::record_field(child, cc);
                let v = if Some(cc) == child.rowid_alias {
                    ValueRef::Integer(rowid)
                } else if let Some(f) = field.filter(|&f| f < r.column_count()) {
                    r.column(f)?
                } else {
                    ValueRef::Null
                };
                let pc = pk.cols[p];
                let eq = compare_for_op(
                    keyv[p].as_ref(),
                    v,
                    pk.table.columns[pc].affinity,
                    child.columns[cc].affinity,
                    &colls[p],
                ) == Some(Ordering::Equal);
                if !eq {
                    all = false;
                    break;
                }
            }
            if all {
                out.push(rowid);
            }
        }
        more = c.next()?;
    }
    Ok(out)
}

/// A rowid-shaped cursor over `t` (WITHOUT ROWID tables through their
/// adapter: declaration-order payloads, statement-wide row handles).
fn open_rows(cx: &mut Cx<'_>, t: &Table) -> Result<Box<dyn crate::storage::TableCursor>> {
    let layout = super::without_rowid::WrLayout::of(t);
    super::without_rowid::open_table_cursor(
        &mut *cx.store,
        &cx.env.wr_rows,
        t.root,
        layout.as_ref(),
        true,
    )
}

fn counter<'a>(st: &'a mut FkState, fk: &ForeignKey) -> &'a mut i64 {
    if fk.deferred || st.defer_all {
        &mut st.deferred
    } else {
        &mut st.immediate
    }
}

fn incr(st: &mut FkState, fk: &ForeignKey, n: i64) {
    *counter(st, fk) += n;
}

fn decr(st: &mut FkState, fk: &ForeignKey, n: i64) {
    let c = counter(st, fk);
    *c = (*c - n).max(0);
}

/// The foreign keys (child table, fk index) whose parent is `t`.
fn children_of(st: &mut FkState, t: &Table) -> Vec<(Arc<Table>, usize)> {
    let k = key(&t.name);
    if let Some(v) = st.children.get(&k) {
        return v.clone();
    }
    // SQLite's list of keys referencing a table: the most recently
    // declared first (tables in reverse creation order, keys reversed).
    let mut v = Vec::new();
    for e in st.schema.entries.iter().rev() {
        if e.kind != "table" {
            continue;
        }
        let Some(c) = st.schema.tables.get(&key(&e.name)) else {
            continue;
        };
        for (i, fk) in c.fks.iter().enumerate().rev() {
            if key(&fk.parent) == k {
                v.push((c.clone(), i));
            }
        }
    }
    st.children.insert(k, v.clone());
    v
}

fn cols_of(row: &[Value], cols: &[usize]) -> Option<Vec<Value>> {
    let v: Vec<Value> = cols
        .iter()
        .map(|&c| row.get(c).cloned().unwrap_or(Value::Null))
        .collect();
    if v.iter().any(|x| x.is_null()) {
        None
    } else {
        Some(v)
    }
}

fn touched(changed: Option<&[bool]>, cols: &[usize]) -> bool {
    match changed {
        None => true,
        Some(m) => cols.iter().any(|&c| m.get(c).copied().unwrap_or(false)),
    }
}

/// The old row of `t` is about to go (DELETE, or the old image of UPDATE).
fn check_old(
    cx: &mut Cx<'_>,
    st: &mut FkState,
    t: &Arc<Table>,
    old: &[Value],
    rowid: i64,
    changed: Option<&[bool]>,
) -> Result<()> {
    let schema = st.schema.clone();
    for fk in &t.fks {
        if !touched(changed, &fk.child_cols) {
            continue;
        }
        let pk = locate(&schema, t, fk)?;
        let Some(vals) = cols_of(old, &fk.child_cols) else {
            continue;
        };
        if !parent_exists(cx, &pk, &vals)? {
            decr(st, fk, 1);
        }
    }
    for (child, i) in children_of(st, t) {
        let fk = &child.fks[i];
        let pk = locate_in(&schema, &child, fk, t.clone())?;
        if !touched(changed, &pk.cols) {
            continue;
        }
        let Some(keyv) = cols_of(old, &pk.cols) else {
            continue;
        };
        let skip = Arc::ptr_eq(&child, t).then_some(rowid);
        let n = child_rows(cx, &schema, &child, fk, &pk, &keyv, skip)?.len();
        incr(st, fk, n as i64);
    }
    Ok(())
}

/// The new row of `t` is about to be written (INSERT, or UPDATE's new image).
fn check_new(
    cx: &mut Cx<'_>,
    st: &mut FkState,
    t: &Arc<Table>,
    new: &[Value],
    changed: Option<&[bool]>,
) -> Result<()> {
    let schema = st.schema.clone();
    for fk in &t.fks {
        if !touched(changed, &fk.child_cols) {
            continue;
        }
        let pk = locate(&schema, t, fk)?;
        let Some(vals) = cols_of(new, &fk.child_cols) else {
            continue;
        };
        if parent_exists(cx, &pk, &vals)? {
            continue;
        }
        // A row that is its own parent.
        if key(&pk.table.name) == key(&t.name) {
            let own = vals.iter().zip(&pk.cols).all(|(v, &c)| {
                let coll = collation(t, c);
                new.get(c).is_some_and(|o| {
                    compare_for_op(
                        v.as_ref(),
                        o.as_ref(),
                        t.columns[c].affinity,
                        t.columns[c].affinity,
                        &coll,
                    ) == Some(Ordering::Equal)
                })
            });
            if own {
                continue;
            }
        }
        incr(st, fk, 1);
    }
    for (child, i) in children_of(st, t) {
        let fk = &child.fks[i];
        let pk = locate_in(&schema, &child, fk, t.clone())?;
        if !touched(changed, &pk.cols) {
            continue;
        }
        let Some(keyv) = cols_of(new, &pk.cols) else {
            continue;
        };
        let n = child_rows(cx, &schema, &child, fk, &pk, &keyv, None)?.len();
        decr(st, fk, n as i64);
    }
    Ok(())
}

/// ON DELETE (new = None) / ON UPDATE actions after a parent row changed.
fn actions(
    cx: &mut Cx<'_>,
    st: &mut FkState,
    t: &Arc<Table>,
    old: &[Value],
    new: Option<&[Value]>,
    changed: Option<&[bool]>,
) -> Result<()> {
    let schema = st.schema.clone();
    for (child, i) in children_of(st, t) {
        let fk = child.fks[i].clone();
        let action = if new.is_some() {
            fk.on_update
        } else {
            fk.on_delete
        };
        if action == Action::NoAction {
            continue;
        }
        let pk = locate_in(&schema, &child, &fk, t.clone())?;
        if !touched(changed, &pk.cols) {
            continue;
        }
        if let Some(new) = new {
            // Only when some key value really changed (old IS NOT new).
            let same = pk.cols.iter().all(|&c| {
                let coll = collation(t, c);
                match (old.get(c), new.get(c)) {
                    (Some(a), Some(b)) => {
                        crate::sqlvalue::compare::is_same(a.as_ref(), b.as_ref(), None, &coll)
                    }
                    _ => true,
                }
            });
            if same {
                continue;
            }
        }
        let Some(keyv) = cols_of(old, &pk.cols) else {
            continue;
        };
        let rows = child_rows(cx, &schema, &child, &fk, &pk, &keyv, None)?;
        if rows.is_empty() {
            continue;
        }
        if st.depth >= MAX_DEPTH {
            return Err(Error::new(
                ResultCode::ERROR,
                "too many levels of trigger recursion",
            ));
        }
        st.depth += 1;
        let r = (|| -> Result<()> {
            match action {
                Action::NoAction => Ok(()),
                Action::Restrict => Err(fk_failed()),
                Action::Cascade if new.is_none() => {
                    for r in rows {
                        delete_row(cx, st, &child, r)?;
                    }
                    Ok(())
                }
                Action::Cascade | Action::SetNull | Action::SetDefault => {
                    let mut sets: Vec<(usize, SetTo)> = Vec::new();
                    for (p, &cc) in fk.child_cols.iter().enumerate() {
                        let to = match (action, new) {
                            (Action::Cascade, Some(nv)) => {
                                SetTo::Value(nv.get(pk.cols[p]).cloned().unwrap_or(Value::Null))
                            }
                            (Action::SetDefault, _) => SetTo::Default,
                            _ => SetTo::Value(Value::Null),
                        };
                        sets.push((cc, to));
                    }
                    for r in rows {
                        update_row(cx, st, &child, r, &sets)?;
                    }
                    Ok(())
                }
            }
        })();
        st.depth -= 1;
        r?;
    }
    Ok(())
}

enum SetTo {
    Value(Value),
    Default,
}

/// Take (or build) the writer of `t` for cascaded writes.
fn take_writer(cx: &mut Cx<'_>, st: &mut FkState, t: &Arc<Table>) -> Result<TableWriter> {
    if let Some(w) = st.writers.remove(&key(&t.name)) {
        return Ok(w);
    }
    let mut b = Binder::new(st.schema.clone());
    b.nslots = cx.env.slots.len();
    let w = crate::stmt::dml::writer(&mut b, t)?;
    cx.env.ensure_slots(b.nslots);
    Ok(w)
}

fn put_writer(st: &mut FkState, w: TableWriter) {
    st.writers.insert(key(&w.table.name), w);
}

/// Delete one row of `t` with foreign key processing (a CASCADE step).
fn delete_row(cx: &mut Cx<'_>, st: &mut FkState, t: &Arc<Table>, rowid: i64) -> Result<()> {
    // The child table's DELETE triggers fire around a cascaded delete.
    let (k, mut ts) = crate::exec::trigger::take_fk_triggers(st, t, None)?;
    let r = delete_row_fired(cx, st, t, rowid, ts.as_deref_mut());
    st.triggers.put(k, ts);
    r
}

fn delete_row_fired(
    cx: &mut Cx<'_>,
    st: &mut FkState,
    t: &Arc<Table>,
    rowid: i64,
    mut ts: Option<&mut crate::exec::trigger::TriggerSet>,
) -> Result<()> {
    let mut w = take_writer(cx, st, t)?;
    let old = w.read_row(cx, rowid);
    put_writer(st, w);
    let Some(mut old) = old? else {
        return Ok(());
    };
    if let Some(ts) = ts.as_deref_mut() {
        if !crate::exec::trigger::fire_fk(ts, cx, false, Some((&old, rowid)), None)? {
            return Ok(());
        }
        let mut w = take_writer(cx, st, t)?;
        let again = w.read_row(cx, rowid);
        put_writer(st, w);
        match again? {
            Some(o) => old = o,
            None => return Ok(()),
        }
    }
    check_old(cx, st, t, &old, rowid, None)?;
    let mut w = take_writer(cx, st, t)?;
    let r = w.delete(cx, &old, rowid);
    put_writer(st, w);
    r?;
    actions(cx, st, t, &old, None, None)?;
    if let Some(ts) = ts {
        crate::exec::trigger::fire_fk(ts, cx, true, Some((&old, rowid)), None)?;
    }
    Ok(())
}

/// Update columns of one row of `t` (a SET NULL / SET DEFAULT / CASCADE step).
fn update_row(
    cx: &mut Cx<'_>,
    st: &mut FkState,
    t: &Arc<Table>,
    rowid: i64,
    sets: &[(usize, SetTo)],
) -> Result<()> {
    // The child table's UPDATE triggers (for these columns) fire around it.
    let names: Vec<String> = sets
        .iter()
        .filter_map(|(c, _)| t.columns.get(*c).map(|col| col.name.clone()))
        .collect();
    let (k, mut ts) = crate::exec::trigger::take_fk_triggers(st, t, Some(&names))?;
    let r = update_row_fired(cx, st, t, rowid, sets, ts.as_deref_mut());
    st.triggers.put(k, ts);
    r
}

fn update_row_fired(
    cx: &mut Cx<'_>,
    st: &mut FkState,
    t: &Arc<Table>,
    rowid: i64,
    sets: &[(usize, SetTo)],
    mut ts: Option<&mut crate::exec::trigger::TriggerSet>,
) -> Result<()> {
    let mut w = take_writer(cx, st, t)?;
    let r = (|| -> Result<Option<(Vec<Value>, Vec<Value>)>> {
        let Some(old) = w.read_row(cx, rowid)? else {
            return Ok(None);
        };
        let mut new = old.clone();
        for (c, to) in sets {
            new[*c] = match to {
                SetTo::Value(v) => v.clone(),
                SetTo::Default => match w.defaults.get(*c).and_then(|d| d.as_ref()) {
                    Some(d) => d.eval(cx)?,
                    None => Value::Null,
                },
            };
        }
        w.apply_affinities(&mut new);
        Ok(Some((old, new)))
    })();
    put_writer(st, w);
    let Some((mut old, mut new)) = r? else {
        return Ok(());
    };
    let mut changed = vec![false; t.columns.len()];
    for (c, _) in sets {
        changed[*c] = true;
    }
    let mut new_rowid = rowid;
    if let Some(a) = t.rowid_alias {
        if changed[a] {
            match apply_affinity(new[a].clone(), Affinity::Integer) {
                Value::Integer(r) => new_rowid = r,
                Value::Null => {
                    // NULL into an INTEGER PRIMARY KEY: a fresh rowid.
                    let mut w = take_writer(cx, st, t)?;
                    let r = w.new_rowid(cx);
                    put_writer(st, w);
                    new_rowid = r?;
                }
                _ => return Err(Error::new(ResultCode::MISMATCH, "datatype mismatch")),
            }
            new[a] = Value::Integer(new_rowid);
        }
    }
    if let Some(ts) = ts.as_deref_mut() {
        let fired = crate::exec::trigger::fire_fk(
            ts,
            cx,
            false,
            Some((&old, rowid)),
            Some((&new, new_rowid)),
        )?;
        if !fired {
            return Ok(());
        }
        let mut w = take_writer(cx, st, t)?;
        let again = w.read_row(cx, rowid);
        put_writer(st, w);
        match again? {
            Some(o) => old = o,
            None => return Ok(()),
        }
    }
    check_old(cx, st, t, &old, rowid, Some(&changed))?;
    let mut w = take_writer(cx, st, t)?;
    let r = (|| -> Result<()> {
        if let Err(v) = w.check(cx, &mut new, new_rowid, None) {
            return Err(v.error);
        }
        let conflicts = w.conflicts(cx, &new, new_rowid, Some(rowid), new_rowid != rowid)?;
        if let Some((_, e, _, _)) = conflicts.into_iter().next() {
            return Err(e);
        }
        w.delete(cx, &old, rowid)
    })();
    put_writer(st, w);
    r?;
    check_new(cx, st, t, &new, Some(&changed))?;
    let mut w = take_writer(cx, st, t)?;
    let r = w.insert(cx, &new, new_rowid);
    put_writer(st, w);
    r?;
    actions(cx, st, t, &old, Some(&new), Some(&changed))?;
    if let Some(ts) = ts {
        crate::exec::trigger::fire_fk(ts, cx, true, Some((&old, rowid)), Some((&new, new_rowid)))?;
    }
    Ok(())
}

fn with_state(
    cx: &mut Cx<'_>,
    f: impl FnOnce(&mut Cx<'_>, &mut FkState) -> Result<()>,
) -> Result<()> {
    let Some(mut st) = cx.env.fk.take() else {
        return Ok(());
    };
    let r = f(cx, &mut st);
    cx.env.fk = Some(st);
    r
}

/// Whether foreign key processing is on for this statement.
pub fn active(cx: &Cx<'_>) -> bool {
    cx.env.fk.is_some()
}

/// Before a new row is written (INSERT).
pub fn before_insert(cx: &mut Cx<'_>, t: &Arc<Table>, new: &[Value]) -> Result<()> {
    with_state(cx, |cx, st| check_new(cx, st, t, new, None))
}

/// Before a row is deleted.
pub fn before_delete(cx: &mut Cx<'_>, t: &Arc<Table>, old: &[Value], rowid: i64) -> Result<()> {
    with_state(cx, |cx, st| check_old(cx, st, t, old, rowid, None))
}

/// After a row was deleted: ON DELETE actions.
pub fn after_delete(cx: &mut Cx<'_>, t: &Arc<Table>, old: &[Value]) -> Result<()> {
    with_state(cx, |cx, st| actions(cx, st, t, old, None, None))
}

/// UPDATE, before the old row goes (`changed`: assigned columns).
pub fn before_update(
    cx: &mut Cx<'_>,
    t: &Arc<Table>,
    old: &[Value],
    rowid: i64,
    changed: &[bool],
) -> Result<()> {
    with_state(cx, |cx, st| check_old(cx, st, t, old, rowid, Some(changed)))
}

/// UPDATE, before the new row is written.
pub fn before_update_new(
    cx: &mut Cx<'_>,
    t: &Arc<Table>,
    new: &[Value],
    changed: &[bool],
) -> Result<()> {
    with_state(cx, |cx, st| check_new(cx, st, t, new, Some(changed)))
}

/// UPDATE, after the row was rewritten: ON UPDATE actions.
pub fn after_update(
    cx: &mut Cx<'_>,
    t: &Arc<Table>,
    old: &[Value],
    new: &[Value],
    changed: &[bool],
) -> Result<()> {
    with_state(cx, |cx, st| {
        actions(cx, st, t, old, Some(new), Some(changed))
    })
}

/// DROP TABLE of `t` with enforcement on: the implicit DELETE FROM (with
/// actions); fails when immediate violations remain.
pub fn drop_table(cx: &mut Cx<'_>, t: &Arc<Table>) -> Result<()> {
    with_state(cx, |cx, st| {
        if children_of(st, t).is_empty() {
            return Ok(());
        }
        let mut rowids = Vec::new();
        {
            let mut c = open_rows(cx, t)?;
            let mut more = c.first()?;
            while more {
                rowids.push(c.rowid());
                more = c.next()?;
            }
        }
        for r in rowids {
            delete_row(cx, st, t, r)?;
        }
        if st.immediate > 0 {
            return Err(fk_failed());
        }
        Ok(())
    })
}

/// PRAGMA foreign_key_check [(table)]: (table, rowid, parent, fkid) rows.
pub fn check_all(
    store: &mut dyn crate::storage::Store,
    schema: &Schema,
    only: Option<&str>,
) -> Result<Vec<Vec<Value>>> {
    let mut env = super::env::Env::new(0, 0);
    let mut cx = Cx {
        store,
        env: &mut env,
    };
    let mut tables: Vec<Arc<Table>> = Vec::new();
    match only {
        Some(n) => match schema.tables.get(&key(n)) {
            Some(t) => tables.push(t.clone()),
            None => {
                return Err(Error::new(ResultCode::ERROR, format!("no such table: {n}")));
            }
        },
        None => {
            for e in &schema.entries {
                if e.kind == "table" {
                    if let Some(t) = schema.tables.get(&key(&e.name)) {
                        tables.push(t.clone());
                    }
                }
            }
        }
    }
    let mut rows = Vec::new();
    for t in tables {
        if t.fks.is_empty() {
            continue;
        }
        // Listed in foreign_key_list order (reverse declaration).
        let mut keys: Vec<(usize, &ForeignKey, Option<ParentKey>)> = Vec::new();
        for (id, fk) in t.fks.iter().rev().enumerate() {
            let pk = match schema.tables.get(&key(&fk.parent)) {
                None => None,
                Some(p) => Some(locate_in(schema, &t, fk, p.clone())?),
            };
            keys.push((id, fk, pk));
        }
        let mut rowids = Vec::new();
        {
            let mut c = open_rows(&mut cx, &t)?;
            let mut more = c.first()?;
            while more {
                rowids.push(c.rowid());
                more = c.next()?;
            }
        }
        let mut w = TableWriter::new(t.clone(), 0);
        for rowid in rowids {
            let Some(row) = w.read_row(&mut cx, rowid)? else {
                continue;
            };
            for (id, fk, pk) in &keys {
                let Some(vals) = cols_of(&row, &fk.child_cols) else {
                    continue;
                };
                let ok = match pk {
                    None => false,
                    Some(pk) => parent_exists(&mut cx, pk, &vals)?,
                };
                if !ok {
                    rows.push(vec![
                        Value::Text(t.name.as_bytes().to_vec()),
                        if t.without_rowid.is_some() {
                            Value::Null
                        } else {
                            Value::Integer(rowid)
                        },
                        Value::Text(fk.parent.as_bytes().to_vec()),
                        Value::Integer(*id as i64),
                    ]);
                }
            }
        }
    }
    Ok(rows)
}

/// Statement start (SQLite does this while compiling): every foreign key
/// the write will process must resolve ("no such table", "foreign key
/// mismatch"), even when no row is touched. `changed`: UPDATE's columns.
pub fn prepare(cx: &mut Cx<'_>, t: &Arc<Table>, changed: Option<&[bool]>) -> Result<()> {
    with_state(cx, |_, st| {
        let schema = st.schema.clone();
        for fk in &t.fks {
            if touched(changed, &fk.child_cols) {
                locate(&schema, t, fk)?;
            }
        }
        for (child, i) in children_of(st, t) {
            let fk = &child.fks[i];
            // fkParentIsModified: the named parent columns, else the PK.
            let cols: Vec<usize> = if fk.parent_cols.is_empty() {
                (0..t.columns.len())
                    .filter(|&c| t.columns[c].pk > 0)
                    .collect()
            } else {
                fk.parent_cols
                    .iter()
                    .filter_map(|n| t.column_index(n))
                    .collect()
            };
            if touched(changed, &cols) {
                locate_in(&schema, &child, fk, t.clone())?;
            }
        }
        Ok(())
    })
}
