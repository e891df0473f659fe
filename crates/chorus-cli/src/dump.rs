//! `.dump`: the database as SQL text that rebuilds it, in sqlite3's exact
//! format: `PRAGMA foreign_keys=OFF;`, `BEGIN TRANSACTION;`, each table's
//! CREATE followed by one `INSERT INTO t VALUES(...);` per row (values as
//! SQL literals: reals with `%!.20g`, blobs as `X'..'`, newlines in text via
//! `replace(...)`), then indexes, triggers and views, then `COMMIT;`.

use crate::backend::{Connection, Value};
use crate::dot::{option_match, MetaResult};
use crate::quote;
use crate::render::value_sql;
use crate::schema::{query_rows, schema_line};
use crate::shell::Shell;
use crate::state::{eprint, State};

fn b2s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Column names of a table for its INSERT list (shell.c tableColumnList):
/// PRAGMA table_info when the engine has it, else the columns of
/// `SELECT *`. With `preserve_rowid`, also the name under which the rowid
/// can be selected ("rowid", "_rowid_" or "oid", whichever no column uses),
/// unless the table has none or it is an INTEGER PRIMARY KEY.
fn table_columns(
    db: &dyn Connection,
    table: &[u8],
    preserve_rowid: bool,
) -> Option<(Option<&'static str>, Vec<Vec<u8>>)> {
    let q = format!("PRAGMA table_info={}", b2s(&quote::squote(table)));
    let mut cols = Vec::new();
    let mut n_pk = 0;
    let mut is_ipk = false;
    match query_rows(db, &q) {
        Ok(rows) if !rows.is_empty() => {
            for r in rows {
                cols.push(r.get(1).cloned().flatten().unwrap_or_default());
                let pk = r.get(5).cloned().flatten().unwrap_or_default();
                if !pk.is_empty() && pk != b"0" {
                    n_pk += 1;
                    let ty = r.get(2).cloned().flatten().unwrap_or_default();
                    is_ipk = n_pk == 1 && ty.eq_ignore_ascii_case(b"INTEGER");
                }
            }
        }
        _ => {
            let q = format!("SELECT * FROM {}", b2s(&quote::dquote(table)));
            let (stmt, _) = db.prepare(&q).ok()?;
            let mut stmt = stmt?;
            // Some engines name result columns only once a row is produced;
            // an empty table needs no column list anyway.
            let _ = stmt.step();
            cols = (0..stmt.column_count())
                .map(|i| stmt.column_name(i).as_bytes().to_vec())
                .collect();
        }
    }
    let mut preserve = preserve_rowid;
    if preserve && is_ipk {
        // An INTEGER PRIMARY KEY is the rowid unless it is backed by an
        // index (WITHOUT ROWID, or INTEGER PRIMARY KEY DESC).
        let q = format!(
            "SELECT 1 FROM pragma_index_list({}) WHERE origin='pk'",
            b2s(&quote::squote(table))
        );
        preserve = match query_rows(db, &q) {
            Ok(rows) => !rows.is_empty(),
            // Engines without table-valued pragma functions: the same
            // question through the PRAGMA itself (origin is column 3).
            Err(_) => {
                let q = format!("PRAGMA index_list({})", b2s(&quote::squote(table)));
                query_rows(db, &q)
                    .ok()?
                    .iter()
                    .any(|r| r.get(3).cloned().flatten().as_deref() == Some(b"pk".as_slice()))
            }
        };
    }
    let mut rowid = None;
    if preserve {
        for name in ["rowid", "_rowid_", "oid"] {
            if cols.iter().any(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
                continue;
            }
            let q = format!("SELECT {name} FROM {} LIMIT 0", b2s(&quote::dquote(table)));
            if db.prepare(&q).is_ok() {
                rowid = Some(name);
            }
            break;
        }
    }
    Some((rowid, cols))
}

/// One INSERT per row of `select`.
fn dump_rows(
    db: &dyn Connection,
    st: &mut State,
    select: &str,
    dest: &[u8],
    newlines: bool,
) -> crate::backend::Result<()> {
    let (stmt, _) = db.prepare(select)?;
    let Some(mut stmt) = stmt else {
        return Ok(());
    };
    let mut buf = Vec::with_capacity(256);
    let mut rows: u64 = 0;
    let progress = crate::progress::Progress::new("dump", None);
    while stmt.step()? {
        let n = stmt.column_count();
        buf.clear();
        buf.extend_from_slice(b"INSERT INTO ");
        buf.extend_from_slice(dest);
        for i in 0..n {
            buf.extend_from_slice(if i > 0 { b"," } else { b" VALUES(" });
            let v = stmt.column_value(i);
            match v {
                Value::Text(_) => value_sql(&v, !newlines, &mut buf),
                _ => value_sql(&v, false, &mut buf),
            }
        }
        buf.extend_from_slice(b");\n");
        st.write(&buf);
        rows += 1;
        if rows.is_multiple_of(4096) {
            progress.set(rows);
        }
    }
    progress.finish();
    Ok(())
}

pub fn dump(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    sh.open_db(false);
    let mut like: Vec<String> = Vec::new();
    let mut data_only = false;
    let mut no_sys = false;
    let mut newlines = false;
    let mut preserve_rowids = false;
    for a in args {
        if a.first() == Some(&b'-') {
            if option_match(a, "preserve-rowids") {
                preserve_rowids = true;
            } else if option_match(a, "newlines") {
                newlines = true;
            } else if option_match(a, "data-only") {
                data_only = true;
            } else if option_match(a, "nosys") {
                no_sys = true;
            } else {
                let msg = format!("Unknown option \"{}\" on \".dump\"\n", b2s(a));
                eprint(&mut sh.st, &msg);
                return MetaResult::Error;
            }
        } else {
            let q = b2s(&quote::squote(a));
            like.push(format!(
                "name LIKE {q} ESCAPE '\\' OR EXISTS (  SELECT 1 FROM sqlite_schema WHERE     name LIKE {q} ESCAPE '\\' AND    sql LIKE 'CREATE VIRTUAL TABLE%' AND    substr(o.name, 1, length(name)+1) == (name||'_'))"
            ));
        }
    }
    let z_like = if like.is_empty() {
        // sqlite3 writes `true`; `1` selects the same rows on engines without
        // TRUE.
        "1".to_string()
    } else {
        like.join(" OR ")
    };
    let Shell { db, st, .. } = sh;
    let Some(db) = db.as_deref() else {
        return MetaResult::Error;
    };
    if !data_only {
        st.write(b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n");
    }
    let mut n_err = 0u32;
    let _ = query_rows(db, "SAVEPOINT dump");
    let tables_sql = format!(
        "SELECT name, type, sql FROM sqlite_schema AS o WHERE ({z_like}) AND type=='table'  AND sql NOT NULL ORDER BY tbl_name='sqlite_sequence', rowid"
    );
    let mut writable_schema = false;
    // As in sqlite3, a failure to list the tables is not itself counted.
    if let Ok(rows) = query_rows(db, &tables_sql) {
        for r in rows {
            let mut it = r.into_iter();
            let table = it.next().flatten().unwrap_or_default();
            let ty = it.next().flatten().unwrap_or_default();
            let sql = it.next().flatten().unwrap_or_default();
            let mut out = Vec::new();
            if table == b"sqlite_sequence" && !no_sys {
                if !data_only {
                    out.extend_from_slice(b"DELETE FROM sqlite_sequence;\n");
                }
            } else if table.starts_with(b"sqlite_stat") && table.len() == 12 && !no_sys {
                if !data_only {
                    out.extend_from_slice(b"ANALYZE sqlite_schema;\n");
                }
            } else if table.starts_with(b"sqlite_") {
                continue;
            } else if data_only {
            } else if sql.starts_with(b"CREATE VIRTUAL TABLE") {
                if !writable_schema {
                    out.extend_from_slice(b"PRAGMA writable_schema=ON;\n");
                    writable_schema = true;
                }
                out.extend_from_slice(
                    b"INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table',",
                );
                out.extend_from_slice(&quote::squote(&table));
                out.push(b',');
                out.extend_from_slice(&quote::squote(&table));
                out.extend_from_slice(b",0,");
                out.extend_from_slice(&quote::squote(&sql));
                out.extend_from_slice(b");\n");
                st.write(&out);
                continue;
            } else {
                schema_line(&mut out, &sql, b";\n");
            }
            st.write(&out);
            if ty == b"table" {
                let Some((rowid, cols)) = table_columns(db, &table, preserve_rowids) else {
                    n_err += 1;
                    continue;
                };
                let mut dest = quote::maybe_dquote(&table);
                let mut select = String::from("SELECT ");
                if let Some(r) = rowid {
                    dest.push(b'(');
                    dest.extend_from_slice(r.as_bytes());
                    for c in &cols {
                        dest.push(b',');
                        dest.extend_from_slice(&quote::maybe_dquote(c));
                    }
                    dest.push(b')');
                    select.push_str(r);
                    select.push(',');
                }
                for (i, c) in cols.iter().enumerate() {
                    if i > 0 {
                        select.push(',');
                    }
                    select.push_str(&b2s(&quote::maybe_dquote(c)));
                }
                select.push_str(" FROM ");
                select.push_str(&b2s(&quote::maybe_dquote(&table)));
                if dump_rows(db, st, &select, &dest, newlines).is_err() {
                    n_err += 1;
                }
            }
        }
    }
    if !data_only {
        let others = format!(
            "SELECT sql FROM sqlite_schema AS o WHERE ({z_like}) AND sql NOT NULL  AND type IN ('index','trigger','view')"
        );
        match query_rows(db, &others) {
            Ok(rows) => {
                let mut out = Vec::new();
                for r in rows {
                    let z = r.into_iter().next().flatten().unwrap_or_default();
                    out.extend_from_slice(&z);
                    let has_line_comment = z.windows(2).any(|w| w == b"--");
                    out.extend_from_slice(if has_line_comment { b"\n;\n" } else { b";\n" });
                }
                st.write(&out);
            }
            Err(e) => {
                let msg = format!(
                    "/**** ERROR: ({}) {} *****/\n{}",
                    e.code,
                    e.message,
                    crate::shell::error_context(&others, e.offset)
                );
                st.write(msg.as_bytes());
                if e.code != 11 {
                    n_err += 1;
                }
            }
        }
    }
    if writable_schema {
        st.write(b"PRAGMA writable_schema=OFF;\n");
    }
    let _ = query_rows(db, "RELEASE dump");
    if !data_only {
        st.write(if n_err > 0 {
            b"ROLLBACK; -- due to errors\n"
        } else {
            b"COMMIT;\n"
        });
    }
    st.n_err = n_err;
    MetaResult::Ok
}
