//! Dot commands that describe the schema: `.tables`, `.indexes`,
//! `.schema`, `.databases`. They read `sqlite_schema` (and
//! `PRAGMA database_list` when the engine has it) through the backend.

use crate::backend::{Connection, Value};
use crate::dot::MetaResult;
use crate::quote;
use crate::shell::Shell;
use crate::state::eprint;

pub type Row = Vec<Option<Vec<u8>>>;

/// Run one query and collect its rows as text (NULL as None).
pub fn query_rows(db: &dyn Connection, sql: &str) -> crate::backend::Result<Vec<Row>> {
    let (stmt, _) = db.prepare(sql)?;
    let Some(mut stmt) = stmt else {
        return Ok(Vec::new());
    };
    let mut rows = Vec::new();
    while stmt.step()? {
        // Asked per row: some engines know a pragma's columns only once it
        // has produced a row.
        let n = stmt.column_count();
        let mut row = Vec::with_capacity(n);
        for i in 0..n {
            let v = stmt.column_value(i);
            row.push(match v {
                Value::Null => None,
                _ => {
                    let mut b = Vec::new();
                    crate::render::value_text(&v, &mut b);
                    Some(b)
                }
            });
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Schema names and files from PRAGMA database_list, or None when the
/// engine does not support it.
fn database_list(db: &dyn Connection) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let rows = query_rows(db, "PRAGMA database_list").ok()?;
    let list: Vec<(Vec<u8>, Vec<u8>)> = rows
        .into_iter()
        .filter_map(|r| {
            let name = r.get(1).cloned().flatten()?;
            let file = r.get(2).cloned().flatten()?;
            Some((name, file))
        })
        .collect();
    // An engine without the pragma may answer with nothing usable.
    (!list.is_empty()).then_some(list)
}

/// Schema names, just "main" when the engine has no PRAGMA database_list.
fn database_names(db: &dyn Connection) -> Vec<(Vec<u8>, Vec<u8>)> {
    database_list(db).unwrap_or_else(|| vec![(b"main".to_vec(), Vec::new())])
}

fn b2s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `.tables ?PATTERN?` (is_tables) and `.indexes ?TABLE?`.
pub fn tables(sh: &mut Shell, args: &[Vec<u8>], is_tables: bool) -> MetaResult {
    sh.open_db(false);
    if !is_tables && args.len() > 2 {
        eprint(&mut sh.st, "Usage: .indexes ?LIKE-PATTERN?\n");
        return MetaResult::Error;
    }
    let Some(db) = sh.db.as_deref() else {
        return MetaResult::Error;
    };
    let pattern = args.get(1).cloned().unwrap_or_else(|| b"%".to_vec());
    let pat_sql = b2s(&quote::squote(&pattern));
    let mut sql = String::new();
    for (name, _) in database_names(db) {
        if !sql.is_empty() {
            sql.push_str(" UNION ALL ");
        }
        if name == b"main" {
            sql.push_str("SELECT name FROM ");
        } else {
            sql.push_str("SELECT ");
            sql.push_str(&b2s(&quote::squote(&name)));
            sql.push_str("||'.'||name FROM ");
        }
        sql.push_str(&b2s(&quote::dquote(&name)));
        sql.push_str(".sqlite_schema ");
        if is_tables {
            sql.push_str(&format!(
                " WHERE type IN ('table','view')   AND name NOT LIKE 'sqlite_%'   AND name LIKE {pat_sql}"
            ));
        } else {
            sql.push_str(&format!(
                " WHERE type='index'   AND tbl_name LIKE {pat_sql}"
            ));
        }
    }
    sql.push_str(" ORDER BY 1");
    let rows = match query_rows(db, &sql) {
        Ok(r) => r,
        Err(e) => {
            let msg = format!("Error: {}\n", e.message);
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        }
    };
    let names: Vec<Vec<u8>> = rows
        .into_iter()
        .map(|r| r.into_iter().next().flatten().unwrap_or_default())
        .collect();
    if names.is_empty() {
        return MetaResult::Ok;
    }
    let maxlen = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut n_col = 80 / (maxlen + 2);
    if n_col < 1 {
        n_col = 1;
    }
    let n_row = names.len().div_ceil(n_col);
    let mut out = Vec::new();
    for i in 0..n_row {
        let mut j = i;
        while j < names.len() {
            if j >= n_row {
                out.extend_from_slice(b"  ");
            }
            out.extend_from_slice(&names[j]);
            out.resize(out.len() + (maxlen - names[j].len()), b' ');
            j += n_row;
        }
        out.push(b'\n');
    }
    sh.st.write(&out);
    MetaResult::Ok
}

/// shell.c printSchemaLine: the CREATE text with `zTail`, closing an
/// unterminated trailing comment, and `CREATE TABLE IF NOT EXISTS` for
/// quoted names.
pub fn schema_line(out: &mut Vec<u8>, z: &[u8], tail: &[u8]) {
    let mut z = z.to_vec();
    let has_comment = z.windows(2).any(|w| w == b"/*" || w == b"--");
    if tail.first() == Some(&b';') && has_comment {
        for term in [&b""[..], b"*/", b"\n"] {
            let mut t = z.clone();
            t.extend_from_slice(term);
            t.push(b';');
            if crate::complete::is_complete(&t) {
                t.pop();
                z = t;
                break;
            }
        }
    }
    if z.len() > 13
        && z[..13].eq_ignore_ascii_case(b"CREATE TABLE ")
        && &z[..13] == b"CREATE TABLE "
        && (z[13] == b'\'' || z[13] == b'"')
    {
        out.extend_from_slice(b"CREATE TABLE IF NOT EXISTS ");
        out.extend_from_slice(&z[13..]);
    } else {
        out.extend_from_slice(&z);
    }
    out.extend_from_slice(tail);
}

/// `.schema ?--nosys? ?PATTERN?`
pub fn schema(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    sh.open_db(false);
    let mut name: Option<Vec<u8>> = None;
    let mut no_sys = false;
    let mut indent = false;
    for a in &args[1..] {
        if crate::dot::option_match(a, "indent") {
            indent = true;
        } else if crate::dot::option_match(a, "nosys") {
            no_sys = true;
        } else if a.first() == Some(&b'-') {
            let msg = format!("Unknown option: \"{}\"\n", b2s(a));
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        } else if name.is_none() {
            name = Some(a.clone());
        } else {
            eprint(
                &mut sh.st,
                "Usage: .schema ?--indent? ?--nosys? ?LIKE-PATTERN?\n",
            );
            return MetaResult::Error;
        }
    }
    let Some(db) = sh.db.as_deref() else {
        return MetaResult::Error;
    };
    let mut sql = String::from("SELECT sql, sname, name FROM (");
    for (i, (schema, _)) in database_names(db).iter().enumerate() {
        if i > 0 {
            sql.push_str(" UNION ALL ");
        }
        sql.push_str(&format!(
            "SELECT sql, type, tbl_name, name, rowid, {} AS snum, {} AS sname FROM {}.sqlite_schema",
            i + 1,
            b2s(&quote::squote(schema)),
            b2s(&quote::maybe_dquote(schema))
        ));
    }
    sql.push_str(") WHERE ");
    if let Some(n) = &name {
        let q = b2s(&quote::squote(n));
        let glob = n.iter().any(|&c| c == b'*' || c == b'?' || c == b'[');
        if n.contains(&b'.') {
            sql.push_str("lower(printf('%s.%s',sname,tbl_name))");
        } else {
            sql.push_str("lower(tbl_name)");
        }
        sql.push_str(if glob { " GLOB " } else { " LIKE " });
        sql.push_str(&q);
        if !glob {
            sql.push_str(" ESCAPE '\\' ");
        }
        sql.push_str(" AND ");
    }
    if no_sys {
        sql.push_str("name NOT LIKE 'sqlite_%' AND ");
    }
    sql.push_str("sql IS NOT NULL ORDER BY snum, rowid");
    match query_rows(db, &sql) {
        Ok(rows) => {
            let mut out = Vec::new();
            for r in rows {
                let mut it = r.into_iter();
                let (Some(Some(s)), Some(schema), Some(name)) = (it.next(), it.next(), it.next())
                else {
                    continue;
                };
                let schema = schema.filter(|s| !s.eq_ignore_ascii_case(b"main"));
                let s = add_schema_name(db, &s, schema.as_deref(), name.as_deref());
                if indent {
                    pretty_schema(&mut out, &s);
                } else {
                    schema_line(&mut out, &s, b";\n");
                }
            }
            sh.st.write(&out);
            MetaResult::Ok
        }
        Err(e) => {
            let msg = format!("Error: {}\n", e.message);
            eprint(&mut sh.st, &msg);
            MetaResult::Error
        }
    }
}

/// `.databases`
pub fn databases(sh: &mut Shell) -> MetaResult {
    sh.open_db(false);
    let Some(db) = sh.db.as_deref() else {
        return MetaResult::Error;
    };
    let read_only = sh.open_opts.read_only;
    let names = database_list(db).unwrap_or_else(|| {
        let f = if sh.db_filename == ":memory:" {
            ""
        } else {
            &sh.db_filename
        };
        vec![(b"main".to_vec(), f.as_bytes().to_vec())]
    });
    let mut out = Vec::new();
    for (name, file) in names {
        let txn = match db.txn_state(&b2s(&name)) {
            Some(crate::backend::TxnState::Read) => " read-txn",
            Some(crate::backend::TxnState::Write) => " write-txn",
            _ => "",
        };
        out.extend_from_slice(&name);
        out.extend_from_slice(b": ");
        if file.is_empty() {
            out.extend_from_slice(b"\"\"");
        } else {
            out.extend_from_slice(&file);
        }
        out.extend_from_slice(if read_only && name == b"main" {
            b" r/o"
        } else {
            b" r/w"
        });
        out.extend_from_slice(txn.as_bytes());
        out.push(b'\n');
    }
    sh.st.write(&out);
    MetaResult::Ok
}

/// shell.c shellAddSchemaName: qualify the object name with its schema
/// (when not "main") and follow a view's text with a comment listing its
/// columns.
fn add_schema_name(
    db: &dyn Connection,
    sql: &[u8],
    schema: Option<&[u8]>,
    name: Option<&[u8]>,
) -> Vec<u8> {
    const PREFIXES: [&str; 6] = [
        "TABLE",
        "INDEX",
        "UNIQUE INDEX",
        "VIEW",
        "TRIGGER",
        "VIRTUAL TABLE",
    ];
    if !sql.starts_with(b"CREATE ") {
        return sql.to_vec();
    }
    for p in PREFIXES {
        let n = p.len();
        if !(sql[7..].starts_with(p.as_bytes()) && sql.get(n + 7) == Some(&b' ')) {
            continue;
        }
        let mut z: Option<Vec<u8>> = None;
        if let Some(sc) = schema {
            let mut v = sql[..n + 7].to_vec();
            v.push(b' ');
            if quote::needs_quote(sc) && !sc.eq_ignore_ascii_case(b"temp") {
                v.extend_from_slice(&quote::dquote(sc));
            } else {
                v.extend_from_slice(sc);
            }
            v.push(b'.');
            v.extend_from_slice(&sql[n + 8..]);
            z = Some(v);
        }
        if let (Some(name), true) = (name, p.starts_with('V')) {
            if let Some(fake) = fake_schema(db, schema, name) {
                let mut v = z.unwrap_or_else(|| sql.to_vec());
                v.extend_from_slice(b"\n/* ");
                v.extend_from_slice(&fake);
                v.extend_from_slice(b" */");
                z = Some(v);
            }
        }
        if let Some(z) = z {
            return z;
        }
    }
    sql.to_vec()
}

/// "name(col1,col2)" for a view (shell.c shellFakeSchema), None when the
/// columns cannot be listed.
fn fake_schema(db: &dyn Connection, schema: Option<&[u8]>, name: &[u8]) -> Option<Vec<u8>> {
    let q = format!(
        "PRAGMA {}.table_info={}",
        b2s(&quote::dquote(schema.unwrap_or(b"main"))),
        b2s(&quote::squote(name))
    );
    let cols: Vec<Vec<u8>> = match query_rows(db, &q) {
        Ok(rows) => rows
            .into_iter()
            .map(|r| r.get(1).cloned().flatten().unwrap_or_default())
            .collect(),
        Err(_) => return None,
    };
    if cols.is_empty() {
        return None;
    }
    let mut s = Vec::new();
    if let Some(sc) = schema {
        if quote::needs_quote(sc) && !sc.eq_ignore_ascii_case(b"temp") {
            s.extend_from_slice(&quote::dquote(sc));
        } else {
            s.extend_from_slice(sc);
        }
        s.push(b'.');
    }
    s.extend_from_slice(&quote::maybe_dquote(name));
    for (i, c) in cols.iter().enumerate() {
        s.push(if i == 0 { b'(' } else { b',' });
        s.extend_from_slice(&quote::maybe_dquote(c));
    }
    s.push(b')');
    Some(s)
}

fn is_space(c: u8) -> bool {
    c.is_ascii_whitespace() || c == 0x0b
}

/// Only whitespace (or a `--` comment) up to the end of the line.
fn ws_to_eol(z: &[u8]) -> bool {
    for (i, &c) in z.iter().enumerate() {
        if c == b'\n' {
            return true;
        }
        if is_space(c) {
            continue;
        }
        return c == b'-' && z.get(i + 1) == Some(&b'-');
    }
    true
}

/// `.schema --indent` (shell.c MODE_Pretty): collapse whitespace, and for
/// long statements put each top-level column definition on its own line.
pub fn pretty_schema(out: &mut Vec<u8>, sql: &[u8]) {
    let starts = |p: &[u8]| sql.len() >= p.len() && sql[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"CREATE VIEW") || starts(b"CREATE TRIG") {
        out.extend_from_slice(sql);
        out.extend_from_slice(b";\n");
        return;
    }
    // Collapse runs of whitespace; no space after '(' or before '(' / ')'.
    let mut z: Vec<u8> = Vec::with_capacity(sql.len());
    let mut i = 0;
    while i < sql.len() && is_space(sql[i]) {
        i += 1;
    }
    while i < sql.len() {
        let c = sql[i];
        i += 1;
        if is_space(c) {
            if z.last() == Some(&b'\r') {
                if let Some(l) = z.last_mut() {
                    *l = b'\n';
                }
            }
            if z.last().is_some_and(|&l| is_space(l) || l == b'(') {
                continue;
            }
        } else if (c == b'(' || c == b')') && z.last().is_some_and(|&l| is_space(l)) {
            z.pop();
        }
        z.push(c);
    }
    while z.last().is_some_and(|&l| is_space(l)) {
        z.pop();
    }
    if z.len() >= 79 {
        let mut line: Vec<u8> = Vec::new();
        let mut c_end: u8 = 0;
        let mut n_paren = 0i32;
        let mut n_line = 0;
        let mut i = 0;
        while i < z.len() {
            let c = z[i];
            if c_end != 0 && c == c_end {
                c_end = 0;
            } else if c_end == 0 && (c == b'"' || c == b'\'' || c == b'`') {
                c_end = c;
            } else if c_end == 0 && c == b'[' {
                c_end = b']';
            } else if c_end == 0 && c == b'-' && z.get(i + 1) == Some(&b'-') {
                c_end = b'\n';
            } else if c_end == 0 && c == b'(' {
                n_paren += 1;
            } else if c_end == 0 && c == b')' {
                n_paren -= 1;
                if n_line > 0 && n_paren == 0 && !line.is_empty() {
                    schema_line(out, &line, b"\n");
                    line.clear();
                }
            }
            line.push(c);
            if n_paren == 1
                && c_end == 0
                && (c == b'(' || c == b'\n' || (c == b',' && !ws_to_eol(&z[i + 1..])))
            {
                if c == b'\n' {
                    line.pop();
                }
                schema_line(out, &line, b"\n  ");
                line.clear();
                n_line += 1;
                while z.get(i + 1).is_some_and(|&n| is_space(n)) {
                    i += 1;
                }
            }
            i += 1;
        }
        z = line;
    }
    schema_line(out, &z, b";\n");
}
