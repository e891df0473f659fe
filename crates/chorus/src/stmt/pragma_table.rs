//! Table-valued pragma functions: `SELECT * FROM pragma_table_info('t')`,
//! `pragma_user_version`, `pragma_index_list(x)` ... (SQLite's eponymous
//! pragma virtual tables).
//!
//! Each pragma that returns rows has a fixed column list (the names
//! `PRAGMA x` prints), followed by the hidden columns `arg` (pragmas that
//! take an argument) and `schema` (pragmas that name a database). Function
//! arguments fill the hidden columns in that order; more arguments than
//! hidden columns is SQLite's "too many arguments" error. The arguments are
//! ordinary expressions and may read columns of FROM items to their left
//! (`FROM sqlite_schema s, pragma_table_info(s.name)`), so the pragma runs
//! again each time the source is opened, and a FROM clause holding such a
//! call keeps its written join order.

use crate::exec::expr::{CExpr, Cx};
use crate::exec::select::{Body, SelectPlan};
use crate::exec::source::{MatScan, Source};
use crate::plan::bind::{err, Binder, ColInfo, Info, SourceInfo};
use crate::schema::Schema;
use crate::stmt::pragma::{run_pragma, PragmaState};
use chorus_storage::{Result, Value};
use sqlite3_parser::ast::{self, Expr, Literal};
use std::sync::Arc;

/// The shape of one pragma's virtual table.
pub struct PragmaSpec {
    pub columns: &'static [&'static str],
    /// Has a hidden `arg` column (the pragma's argument).
    pub arg: bool,
    /// Has a hidden `schema` column (the database the pragma reads).
    pub schema: bool,
}

const fn spec(columns: &'static [&'static str], arg: bool, schema: bool) -> PragmaSpec {
    PragmaSpec {
        columns,
        arg,
        schema,
    }
}

/// The virtual-table shape of pragma `name` (lower case, without the
/// `pragma_` prefix), as SQLite declares it.
pub fn pragma_spec(name: &str) -> Option<PragmaSpec> {
    Some(match name {
        "table_info" => spec(
            &["cid", "name", "type", "notnull", "dflt_value", "pk"],
            true,
            true,
        ),
        "table_xinfo" => spec(
            &[
                "cid",
                "name",
                "type",
                "notnull",
                "dflt_value",
                "pk",
                "hidden",
            ],
            true,
            true,
        ),
        "table_list" => spec(
            &["schema", "name", "type", "ncol", "wr", "strict"],
            true,
            true,
        ),
        "index_list" => spec(&["seq", "name", "unique", "origin", "partial"], true, true),
        "index_info" => spec(&["seqno", "cid", "name"], true, true),
        "index_xinfo" => spec(&["seqno", "cid", "name", "desc", "coll", "key"], true, true),
        "foreign_key_list" => spec(
            &[
                "id",
                "seq",
                "table",
                "from",
                "to",
                "on_update",
                "on_delete",
                "match",
            ],
            true,
            true,
        ),
        "foreign_key_check" => spec(&["table", "rowid", "parent", "fkid"], true, true),
        "integrity_check" => spec(&["integrity_check"], true, true),
        "quick_check" => spec(&["quick_check"], true, true),
        "database_list" => spec(&["seq", "name", "file"], false, false),
        "user_version" => spec(&["user_version"], false, false),
        "application_id" => spec(&["application_id"], false, false),
        "schema_version" => spec(&["schema_version"], false, false),
        "encoding" => spec(&["encoding"], false, false),
        "freelist_count" => spec(&["freelist_count"], false, false),
        "foreign_keys" => spec(&["foreign_keys"], false, false),
        "secure_delete" => spec(&["secure_delete"], false, false),
        "cell_size_check" => spec(&["cell_size_check"], false, false),
        "ignore_check_constraints" => spec(&["ignore_check_constraints"], false, false),
        "automatic_index" => spec(&["automatic_index"], false, false),
        "recursive_triggers" => spec(&["recursive_triggers"], false, false),
        "temp_store" => spec(&["temp_store"], false, false),
        "busy_timeout" => spec(&["timeout"], false, false),
        "page_size" => spec(&["page_size"], false, true),
        "page_count" => spec(&["page_count"], false, true),
        "cache_size" => spec(&["cache_size"], false, true),
        "journal_mode" => spec(&["journal_mode"], false, true),
        "synchronous" => spec(&["synchronous"], false, true),
        "auto_vacuum" => spec(&["auto_vacuum"], false, true),
        "locking_mode" => spec(&["locking_mode"], false, true),
        _ => return None,
    })
}

/// One table-valued pragma call, run when its source is opened.
pub struct PragmaCall {
    pragma: String,
    spec: PragmaSpec,
    /// Bound arguments, in hidden-column order (arg, then schema).
    args: Vec<CExpr>,
    schema: Arc<Schema>,
    rows: Vec<Vec<Value>>,
    pos: usize,
}

fn value_expr(v: &Value) -> Option<Expr> {
    Some(match v {
        Value::Null => return None,
        Value::Integer(i) if *i < 0 => Expr::Unary(
            ast::UnaryOperator::Negative,
            Box::new(Expr::Literal(Literal::Numeric(
                i.unsigned_abs().to_string().into(),
            ))),
        ),
        Value::Integer(i) => Expr::Literal(Literal::Numeric(i.to_string().into())),
        Value::Real(r) => Expr::Literal(Literal::String(format!("'{r}'").into())),
        Value::Text(t) => Expr::Literal(Literal::String(
            format!("'{}'", String::from_utf8_lossy(t).replace('\'', "''")).into(),
        )),
        Value::Blob(b) => Expr::Literal(Literal::String(
            format!("'{}'", String::from_utf8_lossy(b).replace('\'', "''")).into(),
        )),
    })
}

impl PragmaCall {
    pub fn open(&mut self, cx: &mut Cx<'_>) -> Result<()> {
        self.rows.clear();
        self.pos = 0;
        let mut vals = Vec::with_capacity(self.args.len());
        for a in &self.args {
            vals.push(a.eval(cx)?);
        }
        let mut it = vals.iter();
        let arg_val = if self.spec.arg { it.next() } else { None };
        let schema_val = if self.spec.schema { it.next() } else { None };
        let db_name = match schema_val {
            Some(Value::Null) | None => None,
            Some(v) => {
                let text = crate::sqlvalue::format::value_to_text(v.as_ref());
                let text = String::from_utf8_lossy(&text).replace('"', "\"\"");
                Some(ast::Name(format!("\"{text}\"").into()))
            }
        };
        let name = ast::QualifiedName {
            db_name,
            name: ast::Name(self.pragma.clone().into()),
            alias: None,
        };
        let body = arg_val.and_then(value_expr).map(ast::PragmaBody::Call);
        // A pragma that takes an argument but got none returns no rows
        // (SQLite's vtab yields nothing for table_info() without a table).
        let mut csl = cx.env.facts.case_sensitive_like;
        let mut cache = cx.env.facts.cache_size;
        let mut flags = cx.env.facts.flags;
        let mut recursive_triggers = cx.env.facts.recursive_triggers;
        let mut fk = cx.env.facts.fk.clone();
        let filename = cx.env.facts.filename.clone();
        let res = run_pragma(
            &mut *cx.store,
            &self.schema,
            &name,
            body.as_ref(),
            PragmaState {
                case_sensitive_like: &mut csl,
                cache_size: &mut cache,
                filename: &filename,
                flags: &mut flags,
                recursive_triggers: &mut recursive_triggers,
                fk: &mut fk,
                in_txn: false,
            },
        )?;
        let ncols = self.spec.columns.len();
        for mut r in res.rows {
            r.resize(ncols, Value::Null);
            if self.spec.arg {
                r.push(vals.first().cloned().unwrap_or(Value::Null));
            }
            if self.spec.schema {
                let i = usize::from(self.spec.arg);
                r.push(vals.get(i).cloned().unwrap_or(Value::Null));
            }
            self.rows.push(r);
        }
        Ok(())
    }

    pub fn next(&mut self, row: &mut Vec<Value>) -> bool {
        match self.rows.get_mut(self.pos) {
            Some(r) => {
                self.pos += 1;
                *row = std::mem::take(r);
                true
            }
            None => false,
        }
    }

    pub fn describe(&self) -> String {
        format!("SCAN pragma_{} VIRTUAL TABLE", self.pragma)
    }

    /// The arguments read columns of other FROM items.
    pub fn reads_columns(&self) -> bool {
        self.args.iter().any(|a| {
            let mut used = Vec::new();
            !a.slots(&mut used) || !used.is_empty()
        })
    }
}

/// A FROM item of the pragma table at `slot` keeps the FROM clause's order.
pub fn pins_order(s: &Source) -> bool {
    match s {
        Source::Mat(m) => matches!(&m.plan.body, Body::Pragma(p) if p.reads_columns()),
        _ => false,
    }
}

/// Plan `pragma_NAME(args)` as a FROM item; `None` when `name` is not a
/// table-valued pragma.
pub fn plan_pragma_table(
    b: &mut Binder,
    name: &str,
    args: Option<&[Expr]>,
    alias: Option<String>,
) -> Result<Option<(Source, usize, SourceInfo)>> {
    let lower = name.to_ascii_lowercase();
    let Some(pragma) = lower.strip_prefix("pragma_") else {
        return Ok(None);
    };
    let Some(spec) = pragma_spec(pragma) else {
        return Ok(None);
    };
    let args = args.unwrap_or(&[]);
    let hidden = usize::from(spec.arg) + usize::from(spec.schema);
    if args.len() > hidden {
        return Err(err(format!(
            "too many arguments on {name}() - max {hidden}"
        )));
    }
    let mut bound = Vec::with_capacity(args.len());
    for a in args {
        bound.push(b.expr(a)?);
    }
    let mut names: Vec<String> = spec.columns.iter().map(|c| c.to_string()).collect();
    let nvisible = names.len();
    if spec.arg {
        names.push("arg".into());
    }
    if spec.schema {
        names.push("schema".into());
    }
    let n = names.len();
    let columns = names
        .iter()
        .enumerate()
        .map(|(i, c)| ColInfo {
            name: c.clone(),
            aff: None,
            coll: None,
            decltype: None,
            hidden: i >= nvisible,
            named_hidden: i >= nvisible,
        })
        .collect();
    let call = PragmaCall {
        pragma: pragma.to_string(),
        spec,
        args: bound,
        schema: b.schema.clone(),
        rows: Vec::new(),
        pos: 0,
    };
    let plan = SelectPlan::new(
        Body::Pragma(Box::new(call)),
        names,
        vec![Info::default(); n],
        vec![None; n],
    );
    let slot = b.alloc_slot();
    let info = SourceInfo {
        slot,
        name: alias.unwrap_or_else(|| name.to_string()),
        columns,
        table: None,
        coalesced: Vec::new(),
    };
    Ok(Some((
        Source::Mat(Box::new(MatScan::new(slot, plan, true))),
        slot,
        info,
    )))
}

/// The rows of `PRAGMA table_info(t)` / `table_xinfo(t)`: a table's columns
/// (table_info leaves out generated columns; table_xinfo shows them with
/// `hidden` 2 for VIRTUAL and 3 for STORED), or a view's result columns
/// with the declared types of the columns they read.
pub fn table_info_rows(schema: &Schema, t: &str, xinfo: bool) -> Result<Vec<Vec<Value>>> {
    let mut rows = Vec::new();
    if let Some(tb) = schema.table(t) {
        let texts = super::default_texts::default_texts(&tb.sql);
        for (i, c) in tb.columns.iter().enumerate() {
            let hidden = match &c.generated {
                None => 0,
                Some(g) if g.stored => 3,
                Some(_) => 2,
            };
            if hidden != 0 && !xinfo {
                continue;
            }
            let mut r = vec![
                Value::Integer(rows.len() as i64),
                Value::Text(c.name.clone().into_bytes()),
                Value::Text(c.decltype.clone().into_bytes()),
                Value::Integer(c.notnull as i64),
                match (&c.default, texts.get(i)) {
                    (Some(_), Some(Some(text))) => Value::Text(text.clone().into_bytes()),
                    (Some(d), _) => Value::Text(format!("{d}").into_bytes()),
                    (None, _) => Value::Null,
                },
                Value::Integer(c.pk as i64),
            ];
            if xinfo {
                r.push(Value::Integer(hidden));
            }
            rows.push(r);
        }
    } else if let Some(v) = schema.views.get(&crate::schema::key(t)) {
        let arc = Arc::new(schema.clone());
        let mut b = Binder::new(arc);
        let (plan, _) = crate::plan::select::plan_select(&mut b, &v.select, Some(&v.sql))?;
        let names = v.columns.clone().unwrap_or_else(|| plan.names.clone());
        for (i, n) in names.iter().enumerate() {
            let ty = plan.decltypes.get(i).cloned().flatten().unwrap_or_default();
            let mut r = vec![
                Value::Integer(i as i64),
                Value::Text(n.clone().into_bytes()),
                Value::Text(ty.into_bytes()),
                Value::Integer(0),
                Value::Null,
                Value::Integer(0),
            ];
            if xinfo {
                r.push(Value::Integer(0));
            }
            rows.push(r);
        }
    }
    Ok(rows)
}
