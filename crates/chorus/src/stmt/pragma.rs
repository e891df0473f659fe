//! PRAGMA statements: schema introspection (table_info, table_xinfo,
//! index_list, index_info, index_xinfo, database_list), header values
//! (user_version, application_id, schema_version, page_size, page_count,
//! freelist_count), integrity_check / quick_check, encoding, cache_size and
//! case_sensitive_like, and the durability/concurrency settings of the
//! connection's pager (journal_mode, synchronous, wal_checkpoint,
//! wal_autocheckpoint, locking_mode, busy_timeout), with SQLite's result rows.
//! Each yields a small result set.

use crate::plan::bind::{err, literal_value};
use crate::schema::{name_of, unquote, IndexOrigin, Schema};
use crate::sqlvalue::numeric::value_to_i64;
use crate::storage::{HeaderField, Store};
use chorus_storage::{CheckpointMode, JournalMode, LockingMode, Result, Value};
use sqlite3_parser::ast::{self, Expr};
use std::time::Duration;

pub struct PragmaResult {
    pub names: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// The pragma writes the database (needs a write transaction).
    pub wrote: bool,
}

fn one(name: &str, v: Value) -> PragmaResult {
    PragmaResult {
        names: vec![name.to_string()],
        rows: vec![vec![v]],
        wrote: false,
    }
}

fn empty() -> PragmaResult {
    PragmaResult {
        names: vec![],
        rows: vec![],
        wrote: false,
    }
}

fn arg_value(e: &Expr) -> Result<Value> {
    Ok(match e {
        Expr::Literal(l) => literal_value(l)?,
        Expr::Id(id) => Value::Text(unquote(&id.0).into_bytes()),
        Expr::Name(n) => Value::Text(name_of(n).into_bytes()),
        Expr::Unary(ast::UnaryOperator::Negative, x) => match arg_value(x)? {
            Value::Integer(i) => Value::Integer(-i),
            Value::Real(r) => Value::Real(-r),
            v => v,
        },
        Expr::Unary(ast::UnaryOperator::Positive, x) => arg_value(x)?,
        other => Value::Text(format!("{other}").into_bytes()),
    })
}

fn arg_text(e: &Expr) -> Result<String> {
    Ok(match arg_value(e)? {
        Value::Text(t) => String::from_utf8_lossy(&t).into_owned(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        _ => String::new(),
    })
}

fn bool_arg(v: &Value) -> bool {
    match v {
        Value::Text(t) => {
            let s = String::from_utf8_lossy(t).to_ascii_lowercase();
            matches!(s.as_str(), "on" | "yes" | "true" | "1")
        }
        other => value_to_i64(other.as_ref()) != 0,
    }
}

/// SQLite's `getSafetyLevel`: a number as given, else a level name
/// (OFF/NO/FALSE 0, ON/YES/TRUE/NORMAL 1, FULL 2, EXTRA 3), else NORMAL.
fn safety_level(v: &Value) -> u8 {
    match v {
        Value::Text(t) => {
            let s = String::from_utf8_lossy(t).to_ascii_lowercase();
            if s.starts_with(|c: char| c.is_ascii_digit()) {
                let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
                return digits.parse::<i64>().map(|n| n as u8).unwrap_or(0);
            }
            match s.as_str() {
                "off" | "no" | "false" => 0,
                "on" | "yes" | "true" | "normal" => 1,
                "full" => 2,
                "extra" => 3,
                _ => 1,
            }
        }
        Value::Integer(i) => *i as u8,
        Value::Real(r) => *r as i64 as u8,
        _ => 1,
    }
}

/// Pragmas that act on the connection's pager outside any transaction the
/// statement would otherwise open (journal mode switches and checkpoints
/// must not run inside the statement's own write transaction).
pub fn is_pager_control(name: &ast::QualifiedName) -> bool {
    let n = name_of(&name.name).to_ascii_lowercase();
    matches!(
        n.as_str(),
        "journal_mode"
            | "synchronous"
            | "wal_checkpoint"
            | "wal_autocheckpoint"
            | "locking_mode"
            | "busy_timeout"
            | "database_list"
    )
}

/// Connection-level boolean pragmas.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConnFlags {
    /// CHECK constraints are not enforced.
    pub ignore_check_constraints: bool,
    pub secure_delete: bool,
    pub cell_size_check: bool,
}

/// Connection-level pragma state.
pub struct PragmaState<'a> {
    pub case_sensitive_like: &'a mut bool,
    pub recursive_triggers: &'a mut bool,
    pub cache_size: &'a mut i64,
    pub filename: &'a str,
    pub flags: &'a mut ConnFlags,
    pub fk: &'a mut crate::exec::foreign_key::ConnFk,
    pub in_txn: bool,
}

pub fn run_pragma(
    store: &mut dyn Store,
    schema: &Schema,
    name: &ast::QualifiedName,
    body: Option<&ast::PragmaBody>,
    st: PragmaState<'_>,
) -> Result<PragmaResult> {
    let pname = name_of(&name.name).to_ascii_lowercase();
    if let Some(db) = &name.db_name {
        let d = name_of(db);
        let t = if d.eq_ignore_ascii_case("temp") {
            schema.dbs.iter().any(|x| x.2 == 1).then_some(1)
        } else {
            match super::attach::db_tag(schema, &d) {
                Some(t) => Some(t),
                None => return Err(err(format!("unknown database {d}"))),
            }
        };
        // Header and file pragmas of an attached (or the TEMP) database
        // run on that database's store.
        let per_file = matches!(
            pname.as_str(),
            "user_version"
                | "application_id"
                | "schema_version"
                | "page_size"
                | "page_count"
                | "freelist_count"
                | "encoding"
                | "auto_vacuum"
                | "integrity_check"
                | "quick_check"
        );
        if let (Some(t), true) = (t.filter(|&t| t != 0), per_file) {
            if let Some(dbx) = store.as_multi().and_then(|m| m.db_mut(t)) {
                let plain = ast::QualifiedName {
                    db_name: None,
                    name: name.name.clone(),
                    alias: None,
                };
                return run_pragma(&mut *dbx.store, schema, &plain, body, st);
            }
        }
    }
    let (arg, is_set) = match body {
        Some(ast::PragmaBody::Equals(e)) => (Some(e), true),
        Some(ast::PragmaBody::Call(e)) => (Some(e), false),
        None => (None, false),
    };
    let fk_arg = match arg {
        Some(a) => Some(arg_value(a)?),
        None => None,
    };
    if let Some(r) =
        crate::stmt::foreign_key::pragma(store, schema, &pname, fk_arg, is_set, st.fk, st.in_txn)?
    {
        return Ok(r);
    }
    let header = |f: HeaderField, store: &mut dyn Store| -> Result<Value> {
        Ok(Value::Integer(store.header(f)? as i64))
    };
    match pname.as_str() {
        "user_version" | "application_id" | "schema_version" => {
            let f = match pname.as_str() {
                "user_version" => HeaderField::UserVersion,
                "application_id" => HeaderField::ApplicationId,
                _ => HeaderField::SchemaCookie,
            };
            if let Some(a) = arg {
                let v = value_to_i64(arg_value(a)?.as_ref());
                let v = i32::try_from(v).unwrap_or(0);
                store.set_header(f, v as u32)?;
                return Ok(PragmaResult {
                    names: vec![],
                    rows: vec![],
                    wrote: true,
                });
            }
            let v = store.header(f)? as i32 as i64;
            Ok(one(&pname, Value::Integer(v)))
        }
        "page_size" => Ok(match arg {
            Some(a) => {
                let n = value_to_i64(arg_value(a)?.as_ref());
                if let Ok(n) = usize::try_from(n) {
                    store.set_page_size(n)?;
                }
                empty()
            }
            None => one("page_size", header(HeaderField::PageSize, store)?),
        }),
        "page_count" => Ok(one("page_count", header(HeaderField::PageCount, store)?)),
        "freelist_count" => Ok(one(
            "freelist_count",
            header(HeaderField::FreelistCount, store)?,
        )),
        "cache_size" => {
            if let Some(a) = arg {
                *st.cache_size = value_to_i64(arg_value(a)?.as_ref());
                store.set_cache_size(*st.cache_size);
                return Ok(empty());
            }
            Ok(one("cache_size", Value::Integer(*st.cache_size)))
        }
        "encoding" => Ok(if arg.is_some() {
            empty()
        } else {
            one("encoding", Value::Text(b"UTF-8".to_vec()))
        }),
        "case_sensitive_like" => {
            if let Some(a) = arg {
                *st.case_sensitive_like = bool_arg(&arg_value(a)?);
            }
            Ok(empty())
        }
        "integrity_check" | "quick_check" => {
            let problems = store.integrity_check()?;
            let rows = if problems.is_empty() {
                vec![vec![Value::Text(b"ok".to_vec())]]
            } else {
                problems
                    .into_iter()
                    .map(|p| vec![Value::Text(p.into_bytes())])
                    .collect()
            };
            Ok(PragmaResult {
                names: vec![pname.clone()],
                rows,
                wrote: false,
            })
        }
        "database_list" => {
            let mut rows = vec![vec![
                Value::Integer(0),
                Value::Text(b"main".to_vec()),
                Value::Text(st.filename.as_bytes().to_vec()),
            ]];
            for (n, file, t) in schema.dbs.iter().filter(|d| d.2 != 0) {
                rows.push(vec![
                    Value::Integer(*t as i64),
                    Value::Text(n.clone().into_bytes()),
                    Value::Text(file.clone().into_bytes()),
                ]);
            }
            Ok(PragmaResult {
                names: vec!["seq".into(), "name".into(), "file".into()],
                rows,
                wrote: false,
            })
        }
        "table_info" | "table_xinfo" => {
            let Some(a) = arg else { return Ok(empty()) };
            let t = arg_text(a)?;
            let xinfo = pname == "table_xinfo";
            let mut names: Vec<String> = ["cid", "name", "type", "notnull", "dflt_value", "pk"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            if xinfo {
                names.push("hidden".into());
            }
            let rows = super::pragma_table::table_info_rows(schema, &t, xinfo)?;
            Ok(PragmaResult {
                names,
                rows,
                wrote: false,
            })
        }
        "table_list" => {
            let only = match arg {
                Some(a) => Some(arg_text(a)?),
                None => None,
            };
            let db = name
                .db_name
                .as_ref()
                .map(|d| name_of(d).to_ascii_lowercase());
            super::pragma_table_list::table_list(schema, db.as_deref(), only.as_deref())
        }
        "index_list" => {
            let Some(a) = arg else { return Ok(empty()) };
            let t = arg_text(a)?;
            let names = ["seq", "name", "unique", "origin", "partial"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let mut rows = Vec::new();
            let mut idxs = schema.indexes_of(&t);
            if let Some(pk) = crate::exec::without_rowid::schema_pk_index(schema, &t) {
                // Automatic indexes are numbered in constraint order.
                let n: usize = pk
                    .name
                    .rsplit('_')
                    .next()
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(1);
                idxs.insert(n.saturating_sub(1).min(idxs.len()), pk);
            }
            for (i, idx) in idxs.iter().rev().enumerate() {
                let origin = match idx.origin {
                    IndexOrigin::Create => "c",
                    IndexOrigin::Unique => "u",
                    IndexOrigin::PrimaryKey => "pk",
                };
                rows.push(vec![
                    Value::Integer(i as i64),
                    Value::Text(idx.name.clone().into_bytes()),
                    Value::Integer(idx.unique as i64),
                    Value::Text(origin.as_bytes().to_vec()),
                    Value::Integer(idx.partial.is_some() as i64),
                ]);
            }
            Ok(PragmaResult {
                names,
                rows,
                wrote: false,
            })
        }
        "index_info" | "index_xinfo" => {
            let Some(a) = arg else { return Ok(empty()) };
            let n = arg_text(a)?;
            let x = pname == "index_xinfo";
            let mut names: Vec<String> = ["seqno", "cid", "name"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            if x {
                names.extend(["desc", "coll", "key"].iter().map(|s| s.to_string()));
            }
            let mut rows = Vec::new();
            if let Some(idx) = schema.indexes.get(&crate::schema::key(&n)) {
                let t = schema.table(&idx.table);
                for (i, c) in idx.columns.iter().enumerate() {
                    let (cid, cname) = match (c.col, &t) {
                        (Some(ci), Some(t)) => (
                            ci as i64,
                            Value::Text(t.columns[ci].name.clone().into_bytes()),
                        ),
                        _ => (-2, Value::Null),
                    };
                    let mut r = vec![Value::Integer(i as i64), Value::Integer(cid), cname];
                    if x {
                        let coll = c
                            .collation
                            .clone()
                            .or_else(|| {
                                c.col.and_then(|ci| {
                                    t.as_ref().and_then(|t| t.columns[ci].collation.clone())
                                })
                            })
                            .unwrap_or_else(|| "BINARY".into());
                        r.push(Value::Integer(c.desc as i64));
                        r.push(Value::Text(coll.into_bytes()));
                        r.push(Value::Integer(1));
                    }
                    rows.push(r);
                }
                if x {
                    match t.as_ref().filter(|t| t.without_rowid.is_some()) {
                        Some(t) => crate::exec::without_rowid::xinfo_tail(idx, t, &mut rows),
                        None => rows.push(vec![
                            Value::Integer(idx.columns.len() as i64),
                            Value::Integer(-1),
                            Value::Null,
                            Value::Integer(0),
                            Value::Text(b"BINARY".to_vec()),
                            Value::Integer(0),
                        ]),
                    }
                }
            }
            Ok(PragmaResult {
                names,
                rows,
                wrote: false,
            })
        }
        "journal_mode" => {
            let mode = match arg {
                Some(a) => {
                    let want = JournalMode::parse(&arg_text(a)?);
                    match want {
                        // An unknown mode name just reports the current mode.
                        None => store.journal_mode()?,
                        // In-memory databases only know MEMORY and OFF.
                        Some(m) if st.filename.is_empty() => {
                            let m = if m == JournalMode::Off {
                                JournalMode::Off
                            } else {
                                JournalMode::Memory
                            };
                            store.set_journal_mode(m)?
                        }
                        Some(m) => store.set_journal_mode(m)?,
                    }
                }
                None => store.journal_mode()?,
            };
            let mode = if st.filename.is_empty() && mode != JournalMode::Off {
                JournalMode::Memory
            } else {
                mode
            };
            Ok(one(
                "journal_mode",
                Value::Text(mode.name().as_bytes().to_vec()),
            ))
        }
        "synchronous" => {
            if let Some(a) = arg {
                // SQLite: level = (safety + 1) & 7, 0 meaning 1; read as level - 1.
                let safety = safety_level(&arg_value(a)?);
                let mut level = safety.wrapping_add(1) & 7;
                if level == 0 {
                    level = 1;
                }
                store.set_synchronous(level - 1);
                return Ok(empty());
            }
            Ok(one(
                "synchronous",
                Value::Integer(store.synchronous() as i64),
            ))
        }
        "wal_checkpoint" => {
            let mode = match arg {
                Some(a) => match arg_text(a)?.to_ascii_lowercase().as_str() {
                    "full" => CheckpointMode::Full,
                    "restart" => CheckpointMode::Restart,
                    "truncate" => CheckpointMode::Truncate,
                    _ => CheckpointMode::Passive,
                },
                None => CheckpointMode::Passive,
            };
            let r = store.checkpoint(mode)?;
            Ok(PragmaResult {
                names: vec!["busy".into(), "log".into(), "checkpointed".into()],
                rows: vec![vec![
                    Value::Integer(r.busy as i64),
                    Value::Integer(r.log_frames),
                    Value::Integer(r.checkpointed_frames),
                ]],
                wrote: false,
            })
        }
        "wal_autocheckpoint" => {
            if let Some(a) = arg {
                let n = value_to_i64(arg_value(a)?.as_ref());
                store.set_wal_autocheckpoint(n.max(0));
            }
            Ok(one(
                "wal_autocheckpoint",
                Value::Integer(store.wal_autocheckpoint()),
            ))
        }
        "locking_mode" => {
            if let Some(a) = arg {
                match arg_text(a)?.to_ascii_lowercase().as_str() {
                    "exclusive" => store.set_locking_mode(LockingMode::Exclusive)?,
                    "normal" => store.set_locking_mode(LockingMode::Normal)?,
                    _ => {}
                }
            }
            let m = match store.locking_mode() {
                LockingMode::Exclusive => "exclusive",
                LockingMode::Normal => "normal",
            };
            Ok(one("locking_mode", Value::Text(m.as_bytes().to_vec())))
        }
        "busy_timeout" => {
            if let Some(a) = arg {
                let ms = value_to_i64(arg_value(a)?.as_ref()).clamp(0, i32::MAX as i64);
                store.set_busy_timeout(Duration::from_millis(ms as u64));
            }
            let ms = store.busy_timeout().as_millis().min(i32::MAX as u128) as i64;
            Ok(one("timeout", Value::Integer(ms)))
        }
        "ignore_check_constraints" | "secure_delete" | "cell_size_check" => {
            let flag = match pname.as_str() {
                "ignore_check_constraints" => &mut st.flags.ignore_check_constraints,
                "secure_delete" => &mut st.flags.secure_delete,
                _ => &mut st.flags.cell_size_check,
            };
            if let Some(a) = arg {
                *flag = bool_arg(&arg_value(a)?);
                // SQLite echoes the new secure_delete setting.
                if pname != "secure_delete" {
                    return Ok(empty());
                }
            }
            Ok(one(&pname, Value::Integer(*flag as i64)))
        }
        "auto_vacuum" => {
            if arg.is_some() {
                // Changing the mode needs a VACUUM (or an empty database).
                return Ok(empty());
            }
            Ok(one("auto_vacuum", header(HeaderField::AutoVacuum, store)?))
        }
        "recursive_triggers" => {
            if let Some(a) = arg {
                *st.recursive_triggers = bool_arg(&arg_value(a)?);
                return Ok(empty());
            }
            Ok(one(&pname, Value::Integer(*st.recursive_triggers as i64)))
        }
        "foreign_keys" | "temp_store" | "automatic_index" => {
            if is_set {
                return Ok(empty());
            }
            let v = match pname.as_str() {
                "automatic_index" => Value::Integer(1),
                _ => Value::Integer(0),
            };
            Ok(one(&pname, v))
        }
        _ => {
            // Unknown pragmas are silently ignored, as in SQLite.
            Ok(empty())
        }
    }
}
