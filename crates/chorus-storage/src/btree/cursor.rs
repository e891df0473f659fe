//! Cursor navigation: first/last/next/prev, seeks, reading the current entry.
//!
//! A cursor is a stack of (page, index) from the root down. On leaves the
//! index is the current cell. On interior pages below which the cursor
//! descends, the index is the child taken (0..=ncell, ncell = right-most
//! child). In an index tree, interior cells are entries too: the cursor may
//! rest on an interior page, its index then naming the cell (entry) — its
//! left subtree holds the smaller entries, child index+1 the larger ones.
//!
//! The cursor holds page snapshots (`PageRef`) and never borrows the pager.
//! Writing through *another* cursor or tree function invalidates this
//! cursor's position: re-seek before using it again.

use super::overflow::read_overflow;
use super::page::{cell_at, table_cell_key, CellInfo, Limits, PageHeader, PageKind};
use super::{SeekOp, TreeKind, MAX_DEPTH};
use crate::error::{Error, Result, ResultCode};
use crate::pager::{PageRef, Pager};
use crate::record::{compare_unpacked, KeyInfo};
use crate::types::{PageNo, RowId};
use crate::value::ValueRef;
use crate::varint::get_varint;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

/// Compares the sought key with one cell: (pager, cell info, page bytes, cell offset).
pub(super) type CellCmp<'c> = dyn FnMut(&Pager, &CellInfo, &[u8], usize) -> Result<Ordering> + 'c;

pub(super) struct Level {
    pub pgno: u32,
    pub page: PageRef,
    pub hdr: PageHeader,
    pub idx: usize,
}

/// Where the current entry lies on the cursor's page ([`BTreeCursor::current_entry`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntryInfo {
    /// The rowid (table trees; 0 for index entries).
    pub key: i64,
    /// Offset of the local payload on the page (`BTreeCursor::page_bytes`).
    pub start: usize,
    /// Bytes of payload stored on the page.
    pub local: usize,
    /// Total payload size (more than `local` when it spills to overflow pages).
    pub payload_len: u64,
}

/// A cursor over one table or index B-tree. See the module docs of
/// [`crate::btree`] for the contract.
pub struct BTreeCursor {
    pub(super) root: PageNo,
    pub(super) kind: TreeKind,
    pub(super) stack: Vec<Level>,
    pub(super) valid: bool,
    /// The index ordering, shared cheaply with comparison closures.
    pub(super) ki: Option<Arc<KeyInfo>>,
    /// Set by `delete`: the cursor rests on the entry after the deleted one
    /// (or is invalid when there is none); `next` then stays put once.
    pub(super) after_delete: bool,
    /// Scratch buffers reused by `insert` (the new cell, the path down to
    /// its page), so an insert that needs no balance allocates nothing.
    pub(super) cell_buf: Vec<u8>,
    pub(super) path_buf: Vec<(u32, usize)>,
}

/// The payload of a cell on `data`, borrowed when local, assembled otherwise.
pub(super) fn cell_payload<'p>(
    pager: &Pager,
    data: &'p [u8],
    off: usize,
    info: &CellInfo,
    lim: &Limits,
) -> Result<Cow<'p, [u8]>> {
    let start = off + info.payload_off;
    let local = data
        .get(start..start + info.local)
        .ok_or_else(|| Error::corrupt("payload beyond page"))?;
    if info.overflow == 0 {
        return Ok(Cow::Borrowed(local));
    }
    super::overflow::check_plausible(pager, info, lim)?;
    let mut v = Vec::with_capacity(info.payload_len as usize);
    v.extend_from_slice(local);
    read_overflow(pager, info, lim, &mut v, usize::MAX)?;
    Ok(Cow::Owned(v))
}

/// The entry of a leaf cell whose payload is all on the page, read with
/// only its two varints (the common case of a scan step); `None` for every
/// other cell (interior entry, overflow), which `cell_at` then parses.
#[inline]
fn leaf_entry_local(t: &Level) -> Result<Option<EntryInfo>> {
    let table = match t.hdr.kind {
        PageKind::TableLeaf => true,
        PageKind::IndexLeaf => false,
        _ => return Ok(None),
    };
    let off = t.hdr.cell_offset(&t.page, t.idx)?;
    let cell = t
        .page
        .get(off..t.hdr.usable)
        .ok_or_else(|| Error::corrupt("cell beyond page"))?;
    let Some((len, n)) = get_varint(cell) else {
        return Ok(None);
    };
    let (key, p) = if table {
        let Some((k, m)) = cell.get(n..).and_then(get_varint) else {
            return Ok(None);
        };
        (k as i64, n + m)
    } else {
        (0, n)
    };
    // The largest payload kept wholly on a leaf (fileformat2: X).
    let max_local = if table {
        t.hdr.usable - 35
    } else {
        (t.hdr.usable - 12) * 64 / 255 - 23
    };
    if len > max_local as u64 || p + len as usize > cell.len() {
        return Ok(None);
    }
    Ok(Some(EntryInfo {
        key,
        start: off + p,
        local: len as usize,
        payload_len: len,
    }))
}

/// A varint decoded in line (the scan fast path; [`get_varint`] is the
/// general decoder): None when `buf` ends first.
#[inline(always)]
fn varint_inline(buf: &[u8]) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..8 {
        let b = *buf.get(i)?;
        v = (v << 7) | (b & 0x7f) as u64;
        if b < 0x80 {
            return Some((v, i + 1));
        }
    }
    let b = *buf.get(8)?;
    Some(((v << 8) | b as u64, 9))
}

/// The rowid of cell `i` of the table leaf `t`, parsed in line; None when
/// the bytes do not parse (the caller takes `table_cell_key`, which reports
/// the error). Every offset is checked.
#[inline(always)]
fn leaf_rowid_fast(t: &Level, i: usize) -> Option<i64> {
    if i >= t.hdr.ncell {
        return None;
    }
    let page: &[u8] = &t.page;
    let ptr_start = t.hdr.hdr + 8;
    let pp = ptr_start + 2 * i;
    let off = u16::from_be_bytes([*page.get(pp)?, *page.get(pp + 1)?]) as usize;
    if off < ptr_start + 2 * t.hdr.ncell || off + 4 > t.hdr.usable {
        return None;
    }
    let cell = page.get(off..t.hdr.usable)?;
    let (_, n) = varint_inline(cell)?;
    let (k, _) = varint_inline(cell.get(n..)?)?;
    Some(k as i64)
}

/// The rowid of cell `i` of the table leaf `t`.
#[inline(always)]
fn leaf_rowid(t: &Level, i: usize) -> Result<i64> {
    match leaf_rowid_fast(t, i) {
        Some(k) => Ok(k),
        None => table_cell_key(&t.page, &t.hdr, i),
    }
}

impl BTreeCursor {
    /// A cursor over the tree rooted at `root`; not positioned.
    pub fn new(root: PageNo, kind: TreeKind) -> BTreeCursor {
        let ki = match &kind {
            TreeKind::Index(k) => Some(Arc::new(k.clone())),
            TreeKind::Table => None,
        };
        BTreeCursor {
            root,
            kind,
            stack: Vec::new(),
            valid: false,
            ki,
            after_delete: false,
            cell_buf: Vec::new(),
            path_buf: Vec::new(),
        }
    }

    pub fn root(&self) -> PageNo {
        self.root
    }

    pub fn kind(&self) -> &TreeKind {
        &self.kind
    }

    /// Is the cursor on an entry?
    pub fn is_valid(&self) -> bool {
        self.valid
    }

    /// Forget the position (call after writes through other cursors).
    pub fn invalidate(&mut self) {
        self.stack.clear();
        self.valid = false;
        self.after_delete = false;
    }

    pub(super) fn push(&mut self, pager: &Pager, pgno: u32) -> Result<()> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Error::corrupt("B-tree too deep (cycle?)"));
        }
        let page = pager.read(PageNo(pgno))?;
        let hdr = PageHeader::parse(&page, pgno, pager.usable_size())?;
        if hdr.kind.is_table() != self.kind.is_table() {
            return Err(Error::corrupt(format!(
                "page {pgno}: wrong B-tree page type"
            )));
        }
        if let Some(parent) = self.stack.last() {
            if parent.hdr.kind.is_leaf() {
                return Err(Error::corrupt("leaf page has children"));
            }
        }
        self.stack.push(Level {
            pgno,
            page,
            hdr,
            idx: 0,
        });
        Ok(())
    }

    pub(super) fn move_to_root(&mut self, pager: &Pager) -> Result<()> {
        self.stack.clear();
        self.valid = false;
        self.after_delete = false;
        self.push(pager, self.root.get())
    }

    fn top(&self) -> Result<&Level> {
        self.stack
            .last()
            .ok_or_else(|| Error::new(ResultCode::MISUSE, "cursor not positioned"))
    }

    pub(super) fn top_mut(&mut self) -> Result<&mut Level> {
        self.stack
            .last_mut()
            .ok_or_else(|| Error::new(ResultCode::MISUSE, "cursor not positioned"))
    }

    fn check_nonempty(&self) -> Result<bool> {
        let t = self.top()?;
        if t.hdr.ncell == 0 {
            if self.stack.len() > 1 {
                return Err(Error::corrupt(format!(
                    "page {}: empty non-root page",
                    t.pgno
                )));
            }
            return Ok(false);
        }
        Ok(true)
    }

    fn descend_leftmost(&mut self, pager: &Pager) -> Result<bool> {
        loop {
            if !self.check_nonempty()? && self.top()?.hdr.kind.is_leaf() {
                return Ok(false);
            }
            let t = self.top_mut()?;
            t.idx = 0;
            if t.hdr.kind.is_leaf() {
                return Ok(true);
            }
            let c = t.hdr.child(&t.page, 0)?;
            self.push(pager, c)?;
        }
    }

    fn descend_rightmost(&mut self, pager: &Pager) -> Result<bool> {
        loop {
            let nonempty = self.check_nonempty()?;
            let t = self.top_mut()?;
            if t.hdr.kind.is_leaf() {
                if !nonempty {
                    return Ok(false);
                }
                t.idx = t.hdr.ncell - 1;
                return Ok(true);
            }
            t.idx = t.hdr.ncell;
            let c = t.hdr.child(&t.page, t.hdr.ncell)?;
            self.push(pager, c)?;
        }
    }

    /// Move to the first entry; false when the tree is empty.
    pub fn first(&mut self, pager: &Pager) -> Result<bool> {
        self.move_to_root(pager)?;
        self.valid = self.descend_leftmost(pager)?;
        Ok(self.valid)
    }

    /// Is the cursor on the last entry of the tree (its snapshot says so)?
    /// Lets `last` skip the descent when the caller knows the snapshot is
    /// current (appends: the cursor stays on the entry it inserted).
    pub fn at_last(&self) -> bool {
        if !self.valid || self.after_delete {
            return false;
        }
        let Some((t, upper)) = self.stack.split_last() else {
            return false;
        };
        t.hdr.kind.is_leaf()
            && t.idx + 1 == t.hdr.ncell
            && upper.iter().all(|l| l.idx == l.hdr.ncell)
    }

    /// Move to the last entry; false when the tree is empty.
    pub fn last(&mut self, pager: &Pager) -> Result<bool> {
        self.move_to_root(pager)?;
        self.valid = self.descend_rightmost(pager)?;
        Ok(self.valid)
    }

    /// Advance to the next entry; false (and invalid) past the last one.
    pub fn next(&mut self, pager: &Pager) -> Result<bool> {
        if self.after_delete {
            self.after_delete = false;
            return Ok(self.valid);
        }
        if !self.valid {
            return Ok(false);
        }
        let is_table = self.kind.is_table();
        let t = self.top_mut()?;
        if !t.hdr.kind.is_leaf() {
            // On an index entry of an interior page: the next entry is the
            // leftmost one of the following subtree.
            t.idx += 1;
            let c = t.hdr.child(&t.page, t.idx)?;
            self.push(pager, c)?;
            self.valid = self.descend_leftmost(pager)?;
            if !self.valid {
                return Err(Error::corrupt("empty subtree"));
            }
            return Ok(true);
        }
        t.idx += 1;
        if t.idx < t.hdr.ncell {
            return Ok(true);
        }
        loop {
            self.stack.pop();
            let Some(p) = self.stack.last_mut() else {
                self.valid = false;
                return Ok(false);
            };
            if p.idx < p.hdr.ncell {
                if is_table {
                    p.idx += 1;
                    let c = p.hdr.child(&p.page, p.idx)?;
                    self.push(pager, c)?;
                    self.valid = self.descend_leftmost(pager)?;
                    if !self.valid {
                        return Err(Error::corrupt("empty subtree"));
                    }
                }
                return Ok(true);
            }
        }
    }

    /// [`BTreeCursor::next_in_leaf`] and [`BTreeCursor::current_local_entry`]
    /// together: step to the next cell of this leaf and parse it, only when
    /// that cell's payload is wholly on the page. None leaves the cursor
    /// where it was (the caller takes the general `next`).
    #[inline(always)]
    pub fn next_local_in_leaf(&mut self) -> Option<EntryInfo> {
        if !self.valid || self.after_delete {
            return None;
        }
        let t = self.stack.last_mut()?;
        if !t.hdr.kind.is_leaf() || t.idx + 1 >= t.hdr.ncell {
            return None;
        }
        t.idx += 1;
        let e = self.current_local_entry();
        if e.is_none() {
            if let Some(t) = self.stack.last_mut() {
                t.idx -= 1;
            }
        }
        e
    }

    /// Advance to the next entry when it lies on the leaf the cursor rests
    /// on (the common step of a scan), touching no pager. False, leaving the
    /// cursor as it was, when `next` must do it (the cursor is at the leaf's
    /// last cell, on an interior entry, invalid, or parked after a delete).
    pub fn next_in_leaf(&mut self) -> bool {
        if !self.valid || self.after_delete {
            return false;
        }
        match self.stack.last_mut() {
            Some(t) if t.hdr.kind.is_leaf() && t.idx + 1 < t.hdr.ncell => {
                t.idx += 1;
                true
            }
            _ => false,
        }
    }

    /// Step back to the previous entry; false (and invalid) before the first.
    pub fn prev(&mut self, pager: &Pager) -> Result<bool> {
        if self.after_delete {
            self.after_delete = false;
            if !self.valid {
                return self.last(pager);
            }
        }
        if !self.valid {
            return Ok(false);
        }
        let is_table = self.kind.is_table();
        let t = self.top_mut()?;
        if !t.hdr.kind.is_leaf() {
            let c = t.hdr.child(&t.page, t.idx)?;
            self.push(pager, c)?;
            self.valid = self.descend_rightmost(pager)?;
            if !self.valid {
                return Err(Error::corrupt("empty subtree"));
            }
            return Ok(true);
        }
        if t.idx > 0 {
            t.idx -= 1;
            return Ok(true);
        }
        loop {
            self.stack.pop();
            let Some(p) = self.stack.last_mut() else {
                self.valid = false;
                return Ok(false);
            };
            if p.idx > 0 {
                p.idx -= 1;
                if is_table {
                    let c = p.hdr.child(&p.page, p.idx)?;
                    self.push(pager, c)?;
                    self.valid = self.descend_rightmost(pager)?;
                    if !self.valid {
                        return Err(Error::corrupt("empty subtree"));
                    }
                }
                return Ok(true);
            }
        }
    }

    /// Descend from the root comparing `cmp(cell info, cell payload or key)`
    /// = ordering of the sought key against each cell. Returns true when an
    /// equal entry was found (cursor on it). Otherwise the cursor rests on a
    /// leaf at the insertion point (index may equal the cell count).
    pub(super) fn move_to(&mut self, pager: &Pager, cmp: &mut CellCmp<'_>) -> Result<bool> {
        self.move_to_root(pager)?;
        let lim = Limits::new(pager.usable_size());
        let is_table = self.kind.is_table();
        loop {
            let t = self
                .stack
                .last_mut()
                .ok_or_else(|| Error::corrupt("empty stack"))?;
            let (mut lo, mut hi) = (0usize, t.hdr.ncell);
            let mut found = None;
            let leaf = t.hdr.kind.is_leaf();
            while lo < hi {
                let mid = (lo + hi) / 2;
                let (off, info) = cell_at(&t.page, &t.hdr, mid, &lim)?;
                match cmp(pager, &info, &t.page, off)? {
                    Ordering::Less => hi = mid,
                    Ordering::Greater => lo = mid + 1,
                    Ordering::Equal => {
                        found = Some(mid);
                        break;
                    }
                }
            }
            if leaf {
                t.idx = found.unwrap_or(lo);
                return Ok(found.is_some());
            }
            let child = match found {
                Some(m) if !is_table => {
                    t.idx = m;
                    return Ok(true);
                }
                Some(m) => m,
                None => lo,
            };
            t.idx = child;
            let c = t.hdr.child(&t.page, child)?;
            self.push(pager, c)?;
        }
    }

    /// `move_to` for table trees by rowid, reading only the keys of cells.
    pub(super) fn move_to_rowid(&mut self, pager: &Pager, rowid: i64) -> Result<bool> {
        self.move_to_root(pager)?;
        loop {
            let t = self
                .stack
                .last_mut()
                .ok_or_else(|| Error::corrupt("empty stack"))?;
            let (mut lo, mut hi) = (0usize, t.hdr.ncell);
            let mut found = None;
            while lo < hi {
                let mid = (lo + hi) / 2;
                let k = table_cell_key(&t.page, &t.hdr, mid)?;
                match rowid.cmp(&k) {
                    Ordering::Less => hi = mid,
                    Ordering::Greater => lo = mid + 1,
                    Ordering::Equal => {
                        found = Some(mid);
                        break;
                    }
                }
            }
            if t.hdr.kind.is_leaf() {
                t.idx = found.unwrap_or(lo);
                return Ok(found.is_some());
            }
            let child = found.unwrap_or(lo);
            t.idx = child;
            let c = t.hdr.child(&t.page, child)?;
            self.push(pager, c)?;
        }
    }

    /// An `Eq` seek by rowid inside the leaf the cursor rests on, for callers
    /// that know the cursor's page snapshots are current (no writes since it
    /// was positioned). `Some(found)` when that leaf decides: the rowid lies
    /// between its first and last keys, or past the last entry of the tree's
    /// right-most leaf; the cursor is then on the entry (found) or at its
    /// insertion point (not valid), exactly as after `seek_rowid(.., Eq)`.
    /// `None`: the caller must seek from the root.
    pub fn seek_rowid_in_leaf(&mut self, rowid: i64) -> Result<Option<bool>> {
        if !self.kind.is_table() || self.after_delete {
            return Ok(None);
        }
        let Some((t, upper)) = self.stack.split_last_mut() else {
            return Ok(None);
        };
        let n = t.hdr.ncell;
        if !t.hdr.kind.is_leaf() || n == 0 {
            return Ok(None);
        }
        let last = leaf_rowid(t, n - 1)?;
        if rowid > last {
            if upper.iter().all(|l| l.idx == l.hdr.ncell) {
                t.idx = n;
                self.valid = false;
                return Ok(Some(false));
            }
            return Ok(None);
        }
        if rowid < leaf_rowid(t, 0)? {
            return Ok(None);
        }
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match rowid.cmp(&leaf_rowid(t, mid)?) {
                Ordering::Less => hi = mid,
                Ordering::Greater => lo = mid + 1,
                Ordering::Equal => {
                    t.idx = mid;
                    self.valid = true;
                    return Ok(Some(true));
                }
            }
        }
        t.idx = lo;
        self.valid = false;
        Ok(Some(false))
    }

    /// After `move_to`: settle on the first entry at or after the insertion point.
    pub(super) fn settle_forward(&mut self, pager: &Pager) -> Result<bool> {
        let t = self.top_mut()?;
        if !t.hdr.kind.is_leaf() {
            self.valid = true;
            return Ok(true);
        }
        if t.idx < t.hdr.ncell {
            self.valid = true;
            return Ok(true);
        }
        if t.hdr.ncell == 0 {
            self.valid = false;
            return Ok(false);
        }
        t.idx = t.hdr.ncell - 1;
        self.valid = true;
        self.next(pager)
    }

    /// After `move_to`: settle on the last entry before the insertion point.
    fn settle_backward(&mut self, pager: &Pager) -> Result<bool> {
        let t = self.top_mut()?;
        if t.hdr.ncell == 0 {
            self.valid = false;
            return Ok(false);
        }
        if t.idx > 0 {
            t.idx -= 1;
            self.valid = true;
            return Ok(true);
        }
        self.valid = true;
        self.prev(pager)
    }

    /// Position a table cursor by rowid. Returns whether the cursor is on an
    /// entry satisfying `op` (for `Eq`: the rowid exists; for `Ge`: the
    /// smallest rowid >= the key; `Le`: the largest <= the key; and so on).
    pub fn seek_rowid(&mut self, pager: &Pager, rowid: RowId, op: SeekOp) -> Result<bool> {
        if !self.kind.is_table() {
            return Err(Error::new(
                ResultCode::MISUSE,
                "seek_rowid on an index cursor",
            ));
        }
        let found = self.move_to_rowid(pager, rowid.0)?;
        match op {
            SeekOp::Eq => {
                self.valid = found;
                Ok(found)
            }
            SeekOp::Ge if found => {
                self.valid = true;
                Ok(true)
            }
            SeekOp::Ge => self.settle_forward(pager),
            SeekOp::Gt => {
                if found {
                    self.top_mut()?.idx += 1;
                }
                self.settle_forward(pager)
            }
            SeekOp::Le if found => {
                self.valid = true;
                Ok(true)
            }
            SeekOp::Le | SeekOp::Lt => self.settle_backward(pager),
        }
    }

    /// Position an index cursor by an unpacked key (text in UTF-8), which may
    /// be a prefix of the stored keys. `Ge`/`Eq` find the first entry whose
    /// prefix is >= the key, `Gt` the first > it, `Le` the last <= it, `Lt`
    /// the last < it; returns whether such an entry exists (for `Eq`: whether
    /// the entry found has the key as its prefix).
    pub fn seek_key(&mut self, pager: &Pager, key: &[ValueRef<'_>], op: SeekOp) -> Result<bool> {
        let ki = match &self.kind {
            TreeKind::Index(ki) => ki.clone(),
            TreeKind::Table => {
                return Err(Error::new(ResultCode::MISUSE, "seek_key on a table cursor"))
            }
        };
        let default = match op {
            SeekOp::Ge | SeekOp::Eq | SeekOp::Lt => Ordering::Less,
            SeekOp::Gt | SeekOp::Le => Ordering::Greater,
        };
        let lim = Limits::new(pager.usable_size());
        self.move_to(pager, &mut |pager, info, data, off| {
            let p = cell_payload(pager, data, off, info, &lim)?;
            compare_unpacked(key, &p, &ki, default)
        })?;
        match op {
            SeekOp::Ge | SeekOp::Gt => self.settle_forward(pager),
            SeekOp::Le | SeekOp::Lt => self.settle_backward(pager),
            SeekOp::Eq => {
                if !self.settle_forward(pager)? {
                    return Ok(false);
                }
                let p = self.payload(pager)?;
                Ok(compare_unpacked(key, &p, &ki, Ordering::Equal)? == Ordering::Equal)
            }
        }
    }

    pub(super) fn current_cell(&self, lim: &Limits) -> Result<(&Level, usize, CellInfo)> {
        if !self.valid || self.after_delete {
            return Err(Error::new(ResultCode::MISUSE, "cursor is not on an entry"));
        }
        let t = self.top()?;
        let (off, info) = cell_at(&t.page, &t.hdr, t.idx, lim)?;
        Ok((t, off, info))
    }

    /// The rowid of the current entry (table trees).
    pub fn rowid(&self) -> Result<RowId> {
        let t = self.top()?;
        if !self.kind.is_table() {
            return Err(Error::new(ResultCode::MISUSE, "rowid on an index cursor"));
        }
        let lim = Limits::new(t.hdr.usable);
        let (_, _, info) = self.current_cell(&lim)?;
        Ok(RowId(info.key))
    }

    /// Total payload size of the current entry.
    pub fn payload_len(&self) -> Result<u64> {
        let lim = Limits::new(self.top()?.hdr.usable);
        Ok(self.current_cell(&lim)?.2.payload_len)
    }

    /// The payload of the current entry: borrowed from the page when it is
    /// all local; assembled from the overflow chain otherwise.
    pub fn payload(&self, pager: &Pager) -> Result<Cow<'_, [u8]>> {
        let lim = Limits::new(pager.usable_size());
        let (t, off, info) = self.current_cell(&lim)?;
        cell_payload(pager, &t.page, off, &info, &lim)
    }

    /// At least the first `n` bytes of the payload (all of it when shorter):
    /// borrowed when the local part covers them, else reads only as many
    /// overflow pages as needed. Use with `RecordReader` to decode the
    /// leading columns of a large row without assembling all of it.
    pub fn payload_prefix(&self, pager: &Pager, n: usize) -> Result<Cow<'_, [u8]>> {
        let lim = Limits::new(pager.usable_size());
        let (t, off, info) = self.current_cell(&lim)?;
        let start = off + info.payload_off;
        let local = t
            .page
            .get(start..start + info.local)
            .ok_or_else(|| Error::corrupt("payload beyond page"))?;
        if info.overflow == 0 || n <= info.local {
            return Ok(Cow::Borrowed(local));
        }
        super::overflow::check_plausible(pager, &info, &lim)?;
        let mut v = Vec::with_capacity(n.min(info.payload_len as usize));
        v.extend_from_slice(local);
        read_overflow(pager, &info, &lim, &mut v, n - info.local)?;
        Ok(Cow::Owned(v))
    }

    /// The current entry from a single parse of its cell, for callers that
    /// read the key and payload of every entry of a scan.
    pub fn current_entry(&self) -> Result<EntryInfo> {
        let t = self.top()?;
        if self.valid && !self.after_delete {
            if let Some(e) = leaf_entry_local(t)? {
                return Ok(e);
            }
        }
        let lim = Limits::new(t.hdr.usable);
        let (_, off, info) = self.current_cell(&lim)?;
        let start = off + info.payload_off;
        if start + info.local > t.page.len() {
            return Err(Error::corrupt("payload beyond page"));
        }
        Ok(EntryInfo {
            key: info.key,
            start,
            local: info.local,
            payload_len: info.payload_len,
        })
    }

    /// [`BTreeCursor::current_entry`] for the common case, parsed in line:
    /// the cursor rests on a leaf cell whose payload is wholly on the page.
    /// None for anything else (interior page, overflow, unpositioned, or bytes
    /// that do not parse), where the caller takes `current_entry`, which
    /// reports the error if there is one. Every offset is checked.
    #[inline(always)]
    pub fn current_local_entry(&self) -> Option<EntryInfo> {
        if !self.valid || self.after_delete {
            return None;
        }
        let t = self.stack.last()?;
        let table = match t.hdr.kind {
            PageKind::TableLeaf => true,
            PageKind::IndexLeaf => false,
            _ => return None,
        };
        if t.idx >= t.hdr.ncell {
            return None;
        }
        let page: &[u8] = &t.page;
        // A leaf's header is 8 bytes; its cell pointers follow.
        let ptr_start = t.hdr.hdr + 8;
        let pp = ptr_start + 2 * t.idx;
        let off = u16::from_be_bytes([*page.get(pp)?, *page.get(pp + 1)?]) as usize;
        if off < ptr_start + 2 * t.hdr.ncell || off + 4 > t.hdr.usable {
            return None;
        }
        let cell = page.get(off..t.hdr.usable)?;
        let (len, n) = varint_inline(cell)?;
        let (key, p) = if table {
            let (k, m) = varint_inline(cell.get(n..)?)?;
            (k as i64, n + m)
        } else {
            (0, n)
        };
        // The largest payload kept wholly on a leaf (fileformat2: X).
        let max_local = if table {
            t.hdr.usable.checked_sub(35)?
        } else {
            (t.hdr.usable.checked_sub(12)? * 64 / 255).checked_sub(23)?
        };
        if len > max_local as u64 || p + len as usize > cell.len() {
            return None;
        }
        Some(EntryInfo {
            key,
            start: off + p,
            local: len as usize,
            payload_len: len,
        })
    }

    /// The bytes of the page the cursor rests on (empty when unpositioned);
    /// `EntryInfo::start` and `local` index into it.
    pub fn page_bytes(&self) -> &[u8] {
        self.stack.last().map(|t| &t.page[..]).unwrap_or(&[])
    }

    /// The local (on-page) part of the payload, never touching overflow pages.
    pub fn local_payload(&self) -> Result<&[u8]> {
        let lim = Limits::new(self.top()?.hdr.usable);
        let (t, off, info) = self.current_cell(&lim)?;
        let start = off + info.payload_off;
        t.page
            .get(start..start + info.local)
            .ok_or_else(|| Error::corrupt("payload beyond page"))
    }

    /// Index cursors: how `key` (UTF-8 text, possibly a prefix) orders
    /// against the current entry's first `key.len()` fields under the tree's
    /// KeyInfo (`Equal`: the entry has `key` as its prefix). For range scans:
    /// step with `next()` while this says the bound is not below the entry.
    pub fn compare_key(&self, pager: &Pager, key: &[ValueRef<'_>]) -> Result<Ordering> {
        let ki = self
            .ki
            .as_ref()
            .ok_or_else(|| Error::new(ResultCode::MISUSE, "compare_key on a table cursor"))?;
        let p = self.payload(pager)?;
        compare_unpacked(key, &p, ki, Ordering::Equal)
    }

    /// The index key info (a default for table cursors, which never compare records).
    pub(super) fn key_info_arc(&self) -> Arc<KeyInfo> {
        self.ki.clone().unwrap_or_default()
    }
}
