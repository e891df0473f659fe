//! `UPDATE t SET ... FROM other ... WHERE ...`: the target joined with the
//! FROM items is run as a query producing the target's key (its rowid, or a
//! WITHOUT ROWID table's PRIMARY KEY columns) and the new values of the
//! assigned columns (computed against the joined row); as in SQLite, the
//! first joined row of each rowid target row wins, and the last of each
//! WITHOUT ROWID one. The values are then applied
//! through the ordinary UPDATE path, read from a materialised slot; a
//! WITHOUT ROWID row is found by its key and named by the writer cursor's
//! row handle (`exec/without_rowid.rs`).

use crate::exec::expr::{CExpr, Cx};
use crate::exec::select::SelectPlan;
use crate::exec::write::TableWriter;
use crate::plan::bind::{err, Binder};
use crate::plan::select::plan_select;
use crate::schema::{name_of, Table};
use chorus_storage::record::encode_record;
use chorus_storage::{Result, Value, ValueRef};
use sqlite3_parser::ast::{self, Expr, Name};
use std::collections::{HashMap, HashSet};

/// The query and the assignments (column, index into its row) of UPDATE FROM.
pub struct FromQuery {
    pub plan: SelectPlan,
    pub slot: usize,
    /// Leading result columns naming the target row: 1 (the rowid) or the
    /// number of PRIMARY KEY columns of a WITHOUT ROWID target.
    pub nkey: usize,
}

/// Plan the join; returns the query and the SET list reading its slot.
pub fn plan(
    b: &mut Binder,
    t: &Table,
    qn: &ast::QualifiedName,
    targets: &[(usize, &Expr)],
    from: &ast::FromClause,
    where_clause: Option<&Expr>,
) -> Result<(FromQuery, Vec<(usize, CExpr)>)> {
    let qual = match &qn.alias {
        Some(a) => name_of(a),
        None => t.name.clone(),
    };
    let quote = |n: &str| Name(format!("\"{}\"", n.replace('"', "\"\"")).into());
    let key_names: Vec<String> = match &t.without_rowid {
        None => vec!["rowid".into()],
        Some(pk) => pk
            .iter()
            .filter_map(|c| c.col.and_then(|i| t.columns.get(i)))
            .map(|c| c.name.clone())
            .collect(),
    };
    let nkey = key_names.len();
    let mut columns: Vec<ast::ResultColumn> = key_names
        .iter()
        .map(|k| {
            let col = if t.without_rowid.is_some() {
                quote(k)
            } else {
                Name(k.clone().into())
            };
            ast::ResultColumn::Expr(Expr::Qualified(quote(&qual), col), None)
        })
        .collect();
    for (_, e) in targets {
        columns.push(ast::ResultColumn::Expr((*e).clone(), None));
    }
    let mut fc = from.clone();
    let first = fc.select.take().ok_or_else(|| err("incomplete input"))?;
    let target = ast::SelectTable::Table(
        ast::QualifiedName {
            db_name: qn.db_name.clone(),
            name: qn.name.clone(),
            alias: None,
        },
        qn.alias.clone().map(ast::As::As),
        None,
    );
    let mut joins = vec![ast::JoinedSelectTable {
        operator: ast::JoinOperator::Comma,
        table: *first,
        constraint: None,
    }];
    joins.extend(fc.joins.take().unwrap_or_default());
    fc.select = Some(Box::new(target));
    fc.joins = Some(joins);
    let sel = ast::Select {
        with: None,
        body: ast::SelectBody {
            select: ast::OneSelect::Select {
                distinctness: None,
                columns,
                from: Some(fc),
                where_clause: where_clause.cloned().map(Box::new),
                group_by: None,
                having: None,
                window_clause: None,
            },
            compounds: None,
        },
        order_by: None,
        limit: None,
    };
    let (plan, _) = plan_select(b, &sel, None)?;
    let slot = b.alloc_slot();
    let sets = targets
        .iter()
        .enumerate()
        .map(|(k, (c, _))| {
            (
                *c,
                CExpr::Column {
                    slot,
                    col: k + nkey,
                },
            )
        })
        .collect();
    Ok((FromQuery { plan, slot, nkey }, sets))
}

/// Run the join: (target rowid or row handle, values row) for each target
/// row, first wins. `writer` finds WITHOUT ROWID rows by key.
pub fn rows(
    q: &mut FromQuery,
    cx: &mut Cx<'_>,
    writer: &mut TableWriter,
) -> Result<Vec<(i64, Vec<Value>)>> {
    let wr = writer.table.without_rowid.is_some();
    let mut out = Vec::new();
    let mut keyed: Vec<Vec<Value>> = Vec::new();
    let mut seen_rowids = HashSet::new();
    let mut seen_keys: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut key_buf = Vec::new();
    q.plan.open(cx)?;
    while q.plan.next(cx)? {
        let row = q.plan.row();
        if wr {
            let key: Vec<ValueRef> = row.iter().take(q.nkey).map(|v| v.as_ref()).collect();
            key_buf.clear();
            encode_record(&key, &mut key_buf);
            // SQLite keeps the last joined row of a WITHOUT ROWID target
            // (its ephemeral key index replaces), the first of a rowid one.
            match seen_keys.get(&key_buf) {
                Some(&i) => keyed[i] = row.to_vec(),
                None => {
                    seen_keys.insert(key_buf.clone(), keyed.len());
                    keyed.push(row.to_vec());
                }
            }
        } else if let Some(Value::Integer(r)) = row.first() {
            if seen_rowids.insert(*r) {
                out.push((*r, row.to_vec()));
            }
        }
    }
    q.plan.close();
    if wr {
        let c = writer.cursor(cx)?;
        for row in keyed {
            let key: Vec<ValueRef> = row.iter().take(q.nkey).map(|v| v.as_ref()).collect();
            if c.seek_key(&key)? {
                let h = c.register_current();
                out.push((h, row));
            }
        }
    }
    Ok(out)
}

/// Put a joined row in the query's slot for the SET expressions.
pub fn load(q: &FromQuery, cx: &mut Cx<'_>, row: Vec<Value>) {
    let s = &mut cx.env.slots[q.slot];
    s.values = row;
    s.materialized = true;
    s.null_row = false;
}
