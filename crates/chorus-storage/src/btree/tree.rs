//! Whole-tree operations: create, clear, drop, count.
//!
//! In auto-vacuum databases root pages occupy the lowest page numbers
//! (2..=largest_root_page, skipping pointer-map pages and the lock-byte
//! page), as SQLite keeps them: `create_tree` takes page largest_root_page+1
//! for the new root, first moving whatever lives there elsewhere; and
//! `drop_tree` moves the root with the largest number into the dropped
//! root's slot, reporting the move so that the schema can be updated.

use super::balance::write_node;
use super::overflow::chain_pages;
use super::page::{cell_at, Limits, PageHeader, PageKind};
use super::space::Node;
use super::vacuum::{relocate, take_page};
use super::{TreeType, MAX_DEPTH};
use crate::error::{Error, Result, ResultCode};
use crate::pager::{AutoVacuum, Pager};
use crate::ptrmap::{self, PtrType};
use crate::types::{lock_byte_page, PageNo};

fn is_special(pager: &Pager, pgno: u32) -> bool {
    pager.is_ptrmap_page(PageNo(pgno)) || pgno == lock_byte_page(pager.page_size()).get()
}

/// Create an empty B-tree; returns its root page.
pub fn create_tree(pager: &mut Pager, ty: TreeType) -> Result<PageNo> {
    let lim = Limits::new(pager.usable_size());
    let kind = match ty {
        TreeType::Table => PageKind::TableLeaf,
        TreeType::Index => PageKind::IndexLeaf,
    };
    let root = if pager.auto_vacuum() == AutoVacuum::None {
        pager.allocate()?
    } else {
        let mut r = pager.header().largest_root_page + 1;
        while is_special(pager, r) {
            r += 1;
        }
        let was_in_use = r <= pager.page_count() && !pager.freelist_pages()?.contains(&PageNo(r));
        if was_in_use {
            // Move the page living there out of the way.
            let (ty, _) = ptrmap::get(pager, PageNo(r))?;
            if ty == PtrType::RootPage {
                return Err(Error::corrupt(format!(
                    "page {r} is an unexpected root page"
                )));
            }
            let dest = pager.allocate()?;
            relocate(pager, PageNo(r), dest, false)?;
        } else {
            take_page(pager, PageNo(r))?;
        }
        pager.write(PageNo(r))?.fill(0);
        ptrmap::put(pager, PageNo(r), PtrType::RootPage, PageNo(0))?;
        pager.update_header(|h| h.largest_root_page = r)?;
        PageNo(r)
    };
    write_node(pager, root.get(), &Node::empty(kind), &lim)?;
    Ok(root)
}

/// Visit every page of the tree below `root` (not the root itself), calling
/// `f` for each B-tree page and each overflow page, parents before children.
/// With `overflow` false, overflow chains are not walked (and `f` sees only B-tree pages).
fn for_each_page(
    pager: &Pager,
    root: PageNo,
    overflow: bool,
    f: &mut dyn FnMut(PageNo),
) -> Result<u64> {
    let lim = Limits::new(pager.usable_size());
    let mut entries = 0u64;
    // (page, depth)
    let mut todo = vec![(root.get(), 0usize)];
    let mut seen = std::collections::HashSet::new();
    while let Some((pg, depth)) = todo.pop() {
        if depth > MAX_DEPTH || !seen.insert(pg) {
            return Err(Error::corrupt(format!(
                "page {pg} referenced twice or tree too deep"
            )));
        }
        if pg != root.get() {
            f(PageNo(pg));
        }
        let page = pager.read(PageNo(pg))?;
        let h = PageHeader::parse(&page, pg, lim.usable)?;
        if h.kind.is_leaf() || h.kind == PageKind::IndexInterior {
            entries += h.ncell as u64;
        }
        if !overflow && h.kind.is_leaf() {
            continue;
        }
        for i in 0..h.ncell {
            let (_, info) = cell_at(&page, &h, i, &lim)?;
            if !overflow {
                if !h.kind.is_leaf() {
                    todo.push((info.left, depth + 1));
                }
                continue;
            }
            for p in chain_pages(pager, &info, &lim)? {
                if !seen.insert(p.get()) {
                    return Err(Error::corrupt(format!("page {p} referenced twice")));
                }
                f(p);
            }
            if !h.kind.is_leaf() {
                todo.push((info.left, depth + 1));
            }
        }
        if !h.kind.is_leaf() {
            todo.push((h.right, depth + 1));
        }
    }
    Ok(entries)
}

/// Number of entries in the tree.
pub fn count_entries(pager: &Pager, root: PageNo) -> Result<u64> {
    for_each_page(pager, root, false, &mut |_| {})
}

/// Every page of the tree (root, B-tree and overflow pages).
pub fn tree_pages(pager: &Pager, root: PageNo) -> Result<Vec<PageNo>> {
    let mut v = vec![root];
    for_each_page(pager, root, true, &mut |p| v.push(p))?;
    Ok(v)
}

/// Delete every entry: all pages but the root are freed; the root becomes
/// an empty leaf of the same tree type.
pub fn clear_tree(pager: &mut Pager, root: PageNo) -> Result<()> {
    let lim = Limits::new(pager.usable_size());
    let mut pages = Vec::new();
    for_each_page(pager, root, true, &mut |p| pages.push(p))?;
    let kind = PageHeader::parse(&pager.read(root)?, root.get(), lim.usable)?
        .kind
        .leaf();
    for p in pages {
        pager.free(p)?;
    }
    write_node(pager, root.get(), &Node::empty(kind), &lim)
}

/// Drop a tree: all its pages are freed. In auto-vacuum databases, when the
/// dropped root was not the last root page, the last root page moves into
/// the freed slot: returns `Some((from, to))` — the schema row whose
/// rootpage was `from` must be changed to `to`.
pub fn drop_tree(pager: &mut Pager, root: PageNo) -> Result<Option<(PageNo, PageNo)>> {
    if root.get() < 2 {
        return Err(Error::new(
            ResultCode::MISUSE,
            "cannot drop the schema table",
        ));
    }
    clear_tree(pager, root)?;
    if pager.auto_vacuum() == AutoVacuum::None {
        pager.free(root)?;
        return Ok(None);
    }
    let largest = pager.header().largest_root_page;
    let mut moved = None;
    if root.get() < largest {
        relocate(pager, PageNo(largest), root, true)?;
        pager.free(PageNo(largest))?;
        moved = Some((PageNo(largest), root));
    } else {
        pager.free(root)?;
    }
    let mut l = largest.saturating_sub(1);
    while l > 1 && is_special(pager, l) {
        l -= 1;
    }
    pager.update_header(|h| h.largest_root_page = l.max(1))?;
    Ok(moved)
}
