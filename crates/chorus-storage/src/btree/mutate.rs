//! Writing through a cursor: insert (or overwrite) and delete.
//!
//! Insert: the cursor seeks the key; an existing entry with an equal key is
//! replaced (its overflow chain freed), otherwise the new cell goes to the
//! leaf at the insertion point. A cell that does not fit starts balancing.
//! Afterwards the cursor is on the inserted entry.
//!
//! Delete: a leaf cell is dropped in place. An index entry on an interior
//! page is replaced by its predecessor (the last entry of its left subtree),
//! whose leaf cell is dropped. A leaf left more than 2/3 empty is balanced
//! with its siblings. Afterwards the cursor rests on the entry that followed
//! the deleted one: `next()` returns it (without moving), `prev()` moves to
//! the entry that preceded the deleted one.

use super::balance::{balance, leaf_to_interior, Path};
use super::cursor::{cell_payload, BTreeCursor};
use super::overflow::{build_cell_into, free_chain};
use super::page::{parse_cell, put_u32, CellInfo, Limits, PageHeader, PageKind};
use super::space::{drop_cell, free_bytes, insert_cell, Node};
use super::TreeKind;
use crate::error::{Error, Result, ResultCode};
use crate::pager::{AutoVacuum, Pager};
use crate::ptrmap::{self, PtrType};
use crate::record::compare_records;
use crate::types::{PageNo, RowId};
use std::cmp::Ordering;

/// The key of an entry, kept to re-seek after a change.
#[derive(Debug, Clone, PartialEq)]
enum SavedKey {
    Row(i64),
    Rec(Vec<u8>),
}

/// A cursor position saved as the key of its entry, to survive writes to
/// the tree through other cursors (see [`BTreeCursor::save_position`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SavedPosition(SavedKey);

impl SavedKey {
    fn as_key(&self) -> KeyRef<'_> {
        match self {
            SavedKey::Row(r) => KeyRef::Row(*r),
            SavedKey::Rec(v) => KeyRef::Rec(v),
        }
    }
}

/// A borrowed entry key.
#[derive(Clone, Copy)]
enum KeyRef<'a> {
    Row(i64),
    Rec(&'a [u8]),
}

impl BTreeCursor {
    fn path(&self) -> Path {
        self.stack.iter().map(|l| (l.pgno, l.idx)).collect()
    }

    fn seek_saved(&mut self, pager: &Pager, key: &SavedKey, tie: Ordering) -> Result<bool> {
        self.seek_key_ref(pager, key.as_key(), tie)
    }

    fn seek_key_ref(&mut self, pager: &Pager, key: KeyRef<'_>, tie: Ordering) -> Result<bool> {
        let lim = Limits::new(pager.usable_size());
        match key {
            KeyRef::Row(r) => self.move_to_rowid(pager, r),
            KeyRef::Rec(rec) => {
                let ki = self.key_info_arc();
                self.move_to(pager, &mut |pager, info, data, off| {
                    let p = cell_payload(pager, data, off, info, &lim)?;
                    Ok(match compare_records(rec, &p, &ki)? {
                        Ordering::Equal => tie,
                        o => o,
                    })
                })
            }
        }
    }

    /// Do the cursor's page snapshots still match the pager's pages? (A
    /// write to a page replaces its buffer while a snapshot is held.)
    fn is_fresh(&self, pager: &Pager) -> Result<bool> {
        for l in &self.stack {
            if !std::sync::Arc::ptr_eq(&l.page, &pager.read(PageNo(l.pgno))?) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The current entry's key, from the cursor's snapshot.
    fn current_key(&self, pager: &Pager, lim: &Limits) -> Result<SavedKey> {
        let (t, off, info) = self.current_cell(lim)?;
        Ok(if self.kind.is_table() {
            SavedKey::Row(info.key)
        } else {
            SavedKey::Rec(cell_payload(pager, &t.page, off, &info, lim)?.into_owned())
        })
    }

    /// Save the position (the current entry's key); None when not on an entry.
    pub fn save_position(&self, pager: &Pager) -> Result<Option<SavedPosition>> {
        if !self.valid || self.after_delete {
            return Ok(None);
        }
        Ok(Some(SavedPosition(match &self.kind {
            TreeKind::Table => SavedKey::Row(self.rowid()?.0),
            TreeKind::Index(_) => SavedKey::Rec(self.payload(pager)?.into_owned()),
        })))
    }

    /// Re-seek a saved position. Returns true when the entry still exists
    /// (cursor on it). Otherwise the cursor behaves as after `delete`: the
    /// next `next()` lands on the entry that followed, `prev()` on the one
    /// that preceded.
    pub fn restore_position(&mut self, pager: &Pager, pos: &SavedPosition) -> Result<bool> {
        if self.seek_saved(pager, &pos.0, Ordering::Equal)? {
            self.valid = true;
            return Ok(true);
        }
        self.seek_saved(pager, &pos.0, Ordering::Less)?;
        self.settle_forward(pager)?;
        self.after_delete = true;
        Ok(false)
    }

    /// Insert an entry; an entry with the same key (rowid for tables, the
    /// whole record under the tree's `KeyInfo` for indexes) is overwritten.
    /// `rowid` is ignored for index trees. Needs a write transaction.
    pub fn insert(&mut self, pager: &mut Pager, rowid: RowId, payload: &[u8]) -> Result<()> {
        self.insert_at(pager, rowid, payload, false)
    }

    /// `insert` for a caller that knows nothing was written since the cursor
    /// was positioned (its own write generation says so), so the cursor's
    /// page snapshots are current without comparing them with the pager's.
    pub fn insert_fresh(&mut self, pager: &mut Pager, rowid: RowId, payload: &[u8]) -> Result<()> {
        self.insert_at(pager, rowid, payload, true)
    }

    fn insert_at(
        &mut self,
        pager: &mut Pager,
        rowid: RowId,
        payload: &[u8],
        known_fresh: bool,
    ) -> Result<()> {
        let lim = Limits::new(pager.usable_size());
        let key = match &self.kind {
            TreeKind::Table => KeyRef::Row(rowid.0),
            TreeKind::Index(_) => KeyRef::Rec(payload),
        };
        let found = if self.append_position(pager, rowid.0, &lim, known_fresh)? {
            false
        } else if let Some(found) = self.leaf_position(pager, rowid.0, known_fresh)? {
            found
        } else {
            self.seek_key_ref(pager, key, Ordering::Equal)?
        };
        let top = self
            .stack
            .last()
            .ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let (pgno, idx, kind) = (top.pgno, top.idx, top.hdr.kind);
        let mut cell = std::mem::take(&mut self.cell_buf);
        if let Err(e) = build_cell_into(pager, kind, rowid.0, payload, &lim, &mut cell) {
            self.cell_buf = cell;
            return Err(e);
        }
        let top = self
            .stack
            .last()
            .ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let old = if found {
            let (_, old) = super::page::cell_at(&top.page, &top.hdr, idx, &lim)?;
            if kind == PageKind::IndexInterior {
                put_u32(&mut cell, 0, old.left);
            }
            Some(old)
        } else {
            None
        };
        let mut path = std::mem::take(&mut self.path_buf);
        path.clear();
        path.extend(self.stack.iter().map(|l| (l.pgno, l.idx)));
        let mut stack = std::mem::take(&mut self.stack);
        self.invalidate();
        // Let go of the leaf's snapshot before writing it: a page image held
        // only by the cache is modified in place, one still shared would be
        // copied first (a page copy per insert).
        stack.pop();
        if let Some(old) = old {
            free_chain(pager, &old, &lim)?;
            drop_cell(pager.write(PageNo(pgno))?, pgno, idx, &lim)?;
        }
        let placed = self.place(pager, &path, pgno, idx, &cell, &lim);
        self.cell_buf = cell;
        self.path_buf = path;
        if !placed? {
            // Same pages, same indexes: the cursor is on the new entry. Only
            // the page written changed; the levels above keep their snapshots.
            self.stack = stack;
            self.push(pager, pgno)?;
            if let Some(t) = self.stack.last_mut() {
                t.idx = idx;
            }
            self.valid = true;
            return Ok(());
        }
        let found = self.seek_key_ref(pager, key, Ordering::Equal)?;
        self.valid = found;
        if !found {
            return Err(Error::new(ResultCode::INTERNAL, "inserted entry not found"));
        }
        Ok(())
    }

    /// Append bias: when a table cursor sits on the last entry of the tree and
    /// the new rowid is larger, the insertion point is right after it, no
    /// seek needed (sequential inserts).
    fn append_position(
        &mut self,
        pager: &Pager,
        rowid: i64,
        lim: &Limits,
        known_fresh: bool,
    ) -> Result<bool> {
        if !self.kind.is_table()
            || !self.valid
            || self.after_delete
            || !(known_fresh || self.is_fresh(pager)?)
        {
            return Ok(false);
        }
        let Some((t, upper)) = self.stack.split_last_mut() else {
            return Ok(false);
        };
        if !t.hdr.kind.is_leaf()
            || t.idx + 1 != t.hdr.ncell
            || upper.iter().any(|l| l.idx != l.hdr.ncell)
        {
            return Ok(false);
        }
        let (_, info) = super::page::cell_at(&t.page, &t.hdr, t.idx, lim)?;
        if info.key >= rowid {
            return Ok(false);
        }
        t.idx += 1;
        Ok(true)
    }

    /// Table trees: find the insertion point inside the leaf the cursor is on
    /// when its pages are current (an insert right after a seek or a
    /// conflict check for the same rowid needs no second descent).
    fn leaf_position(
        &mut self,
        pager: &Pager,
        rowid: i64,
        known_fresh: bool,
    ) -> Result<Option<bool>> {
        if !self.kind.is_table() || self.after_delete || self.stack.is_empty() {
            return Ok(None);
        }
        if !known_fresh && !self.is_fresh(pager)? {
            return Ok(None);
        }
        self.seek_rowid_in_leaf(rowid)
    }

    /// Put `cell` at `idx` of page `pgno` (the last level of `path`).
    fn place(
        &mut self,
        pager: &mut Pager,
        path: &Path,
        pgno: u32,
        idx: usize,
        cell: &[u8],
        lim: &Limits,
    ) -> Result<bool> {
        let h = PageHeader::parse(&pager.read(PageNo(pgno))?, pgno, lim.usable)?;
        let kind = h.kind;
        if insert_cell(pager.write(PageNo(pgno))?, pgno, idx, cell, lim)? {
            if pager.auto_vacuum() != AutoVacuum::None {
                let info = parse_cell(cell, kind, lim)?;
                ptrmap_cell(pager, pgno, &info)?;
            }
            return Ok(false);
        }
        // The page is full: balancing takes owned copies.
        let mut path = path.clone();
        let cell = cell.to_vec();
        let mut level = path.len() - 1;
        if kind == PageKind::TableLeaf && idx == h.ncell && h.ncell > 0 && level == 0 && pgno != 1 {
            // An append that overflows a root leaf: SQLite's balance_deeper
            // moves the content to a child, then balance_quick puts the new
            // cell alone on a new right-most leaf.
            let child = pager.allocate()?;
            if pager.auto_vacuum() != AutoVacuum::None {
                ptrmap::put(pager, child, PtrType::BTree, PageNo(pgno))?;
            }
            let content = Node::read(&pager.read(PageNo(pgno))?, pgno, lim)?;
            super::balance::write_node(pager, child.get(), &content, lim)?;
            let root = Node::with_cells(PageKind::TableInterior, child.get(), []);
            super::balance::write_node(pager, pgno, &root, lim)?;
            path[0].1 = 0;
            path.push((child.get(), idx));
            level = 1;
        }
        if kind == PageKind::TableLeaf && idx == h.ncell && h.ncell > 0 && level > 0 {
            let (ppg, ci) = path[level - 1];
            if ppg != 1 {
                let pp = pager.read(PageNo(ppg))?;
                let ph = PageHeader::parse(&pp, ppg, lim.usable)?;
                if ci == ph.ncell {
                    drop(pp);
                    return quick_balance(pager, &mut path, level, cell, lim).map(|_| true);
                }
            }
        }
        let mut node = Node::read(&pager.read(PageNo(pgno))?, pgno, lim)?;
        if idx > node.len() {
            return Err(Error::corrupt("insert position"));
        }
        node.insert(idx, &cell);
        balance(pager, &mut path, level, node)?;
        Ok(true)
    }

    /// Delete the entry under the cursor. Needs a write transaction.
    pub fn delete(&mut self, pager: &mut Pager) -> Result<()> {
        let lim = Limits::new(pager.usable_size());
        if !self.is_fresh(pager)? {
            // Pages changed under the cursor (writes through another cursor):
            // find the entry again by its key before touching anything.
            let key = self.current_key(pager, &lim)?;
            if !self.seek_saved(pager, &key, Ordering::Equal)? {
                self.invalidate();
                return Err(Error::new(
                    ResultCode::MISUSE,
                    "the cursor's entry no longer exists",
                ));
            }
            self.valid = true;
        }
        let (off, info) = {
            let (_, off, info) = self.current_cell(&lim)?;
            (off, info)
        };
        let level = self.stack.len() - 1;
        let t = &self.stack[level];
        let (pgno, idx, kind) = (t.pgno, t.idx, t.hdr.kind);
        let key = if self.kind.is_table() {
            SavedKey::Row(info.key)
        } else {
            SavedKey::Rec(cell_payload(pager, &t.page, off, &info, &lim)?.into_owned())
        };
        let repositioned = if kind.is_leaf() {
            let path = self.path();
            self.invalidate();
            free_chain(pager, &info, &lim)?;
            drop_cell(pager.write(PageNo(pgno))?, pgno, idx, &lim)?;
            if fix_underflow(pager, &path, &lim)? {
                false
            } else {
                // No page but the leaf changed, and on it the entries after
                // the deleted one moved down by one: the path down to it
                // still holds, and the seek below would land on it (the first
                // entry above the deleted key) without a descent.
                for &(p, i) in &path {
                    self.push(pager, p)?;
                    self.top_mut()?.idx = i;
                }
                true
            }
        } else {
            self.delete_interior(pager, &info, &lim)?;
            false
        };
        if !repositioned {
            self.seek_saved(pager, &key, Ordering::Less)?;
        }
        self.settle_forward(pager)?;
        self.after_delete = true;
        Ok(())
    }

    /// Delete an index entry that lives on an interior page.
    fn delete_interior(&mut self, pager: &mut Pager, info: &CellInfo, lim: &Limits) -> Result<()> {
        let level = self.stack.len() - 1;
        let (pgno, idx) = (self.stack[level].pgno, self.stack[level].idx);
        // Descend to the predecessor: rightmost entry of the left subtree.
        let c = {
            let t = &self.stack[level];
            t.hdr.child(&t.page, idx)?
        };
        self.push(pager, c)?;
        loop {
            let t = self
                .stack
                .last_mut()
                .ok_or_else(|| Error::corrupt("empty stack"))?;
            if t.hdr.kind.is_leaf() {
                if t.hdr.ncell == 0 {
                    return Err(Error::corrupt("empty leaf"));
                }
                t.idx = t.hdr.ncell - 1;
                break;
            }
            t.idx = t.hdr.ncell;
            let c = t.hdr.child(&t.page, t.idx)?;
            self.push(pager, c)?;
        }
        let (pred_cell, pred_payload, leaf_pg, leaf_idx) = {
            let t = self
                .stack
                .last()
                .ok_or_else(|| Error::corrupt("empty stack"))?;
            let (off, pinfo) = super::page::cell_at(&t.page, &t.hdr, t.idx, lim)?;
            let payload = cell_payload(pager, &t.page, off, &pinfo, lim)?.into_owned();
            (
                t.page[off..off + pinfo.size].to_vec(),
                payload,
                t.pgno,
                t.idx,
            )
        };
        let path = self.path();
        self.invalidate();
        // The predecessor's overflow chain moves with it; only the deleted
        // entry's chain is freed.
        drop_cell(pager.write(PageNo(leaf_pg))?, leaf_pg, leaf_idx, lim)?;
        free_chain(pager, info, lim)?;
        let new_cell = leaf_to_interior(&pred_cell, info.left, lim)?;
        drop_cell(pager.write(PageNo(pgno))?, pgno, idx, lim)?;
        let upper: Path = path[..=level].to_vec();
        self.place(pager, &upper, pgno, idx, &new_cell, lim)?;
        // Find the predecessor's old leaf again (left of the moved entry) and
        // rebalance it if needed.
        self.seek_saved(pager, &SavedKey::Rec(pred_payload), Ordering::Less)?;
        let path = self.path();
        self.invalidate();
        fix_underflow(pager, &path, lim).map(|_| ())
    }
}

/// SQLite's balance_quick: appending past the end of the right-most leaf of
/// a parent puts the new cell alone on a new right-most leaf, leaving the
/// full leaf as it is, and adds one divider to the parent.
fn quick_balance(
    pager: &mut Pager,
    path: &mut Path,
    level: usize,
    cell: Vec<u8>,
    lim: &Limits,
) -> Result<()> {
    let (leaf, _) = path[level];
    let (ppg, _) = path[level - 1];
    let last_key = {
        let page = pager.read(PageNo(leaf))?;
        let h = PageHeader::parse(&page, leaf, lim.usable)?;
        let (_, info) = super::page::cell_at(&page, &h, h.ncell - 1, lim)?;
        info.key
    };
    let new = pager.allocate()?;
    let node = Node::with_cells(PageKind::TableLeaf, 0, [cell.as_slice()]);
    super::balance::write_node(pager, new.get(), &node, lim)?;
    if pager.auto_vacuum() != AutoVacuum::None {
        ptrmap::put(pager, new, PtrType::BTree, PageNo(ppg))?;
    }
    let mut divider = leaf.to_be_bytes().to_vec();
    crate::varint::put_varint(last_key as u64, &mut divider);
    let ph = PageHeader::parse(&pager.read(PageNo(ppg))?, ppg, lim.usable)?;
    let d = pager.write(PageNo(ppg))?;
    if insert_cell(d, ppg, ph.ncell, &divider, lim)? {
        super::page::put_u32(d, ph.hdr + 8, new.get());
        return Ok(());
    }
    let mut pnode = Node::read(&pager.read(PageNo(ppg))?, ppg, lim)?;
    pnode.push(&divider);
    pnode.right = new.get();
    path.truncate(level);
    balance(pager, path, level - 1, pnode)
}

/// Rebalance the page at the end of `path` if it is underfull (or an empty
/// interior root).
/// Rebalance the last page of `path` if a delete left it underfull (or an
/// interior root empty). Returns whether anything was rebalanced.
pub(super) fn fix_underflow(pager: &mut Pager, path: &Path, lim: &Limits) -> Result<bool> {
    let level = path.len() - 1;
    let pgno = path[level].0;
    let page = pager.read(PageNo(pgno))?;
    let h = PageHeader::parse(&page, pgno, lim.usable)?;
    let need = if level == 0 {
        !h.kind.is_leaf() && h.ncell == 0
    } else {
        let free = free_bytes(&page, &h)?;
        h.ncell == 0 || free * 3 > lim.usable * 2
    };
    if !need {
        return Ok(false);
    }
    let node = Node::read(&page, pgno, lim)?;
    drop(page);
    balance(pager, &mut path.clone(), level, node).map(|()| true)
}

/// Set pointer-map entries after placing one cell in place.
fn ptrmap_cell(pager: &mut Pager, pgno: u32, info: &CellInfo) -> Result<()> {
    if info.overflow != 0 {
        ptrmap::put(
            pager,
            PageNo(info.overflow),
            PtrType::Overflow1,
            PageNo(pgno),
        )?;
    }
    Ok(())
}
