//! `.backup ?DB? FILE` (alias `.save`) and `.restore ?DB? FILE`: whole
//! database copies page by page through the backend (sqlite3_backup in
//! shell.c), with shell.c's argument handling and messages.

use crate::dot::MetaResult;
use crate::shell::Shell;
use crate::state::eprint;

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `.backup ?DB? ?OPTIONS? FILE`.
pub fn backup(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    let mut dest: Option<String> = None;
    let mut db: Option<String> = None;
    for a in &args[1..] {
        if a.first() == Some(&b'-') {
            let z: &[u8] = if a.starts_with(b"--") { &a[1..] } else { a };
            if z == b"-async" {
                // Same content; sqlite3 only skips the journal and fsync.
                continue;
            }
            if z == b"-append" {
                eprint(
                    &mut sh.st,
                    "Error: .backup --append (the appendvfs) is not supported by this shell\n",
                );
                return MetaResult::Error;
            }
            let msg = format!("unknown option: {}\n", lossy(a));
            eprint(&mut sh.st, &msg);
            return MetaResult::Error;
        } else if dest.is_none() {
            dest = Some(lossy(a));
        } else if db.is_none() {
            db = dest.replace(lossy(a));
        } else {
            eprint(&mut sh.st, "Usage: .backup ?DB? ?OPTIONS? FILENAME\n");
            return MetaResult::Error;
        }
    }
    let Some(dest) = dest else {
        eprint(&mut sh.st, "missing FILENAME argument on .backup\n");
        return MetaResult::Error;
    };
    let db_name = db.unwrap_or_else(|| "main".to_string());
    sh.open_db(false);
    let Some(conn) = sh.db.as_deref() else {
        return MetaResult::Error;
    };
    match conn.backup_to(&db_name, &dest) {
        Ok(()) => MetaResult::Ok,
        Err(e) => {
            let msg = if e.code == 14 {
                format!("Error: cannot open \"{dest}\"\n")
            } else {
                format!("Error: {}\n", e.message)
            };
            eprint(&mut sh.st, &msg);
            MetaResult::Error
        }
    }
}

/// `.restore ?DB? FILE`.
pub fn restore(sh: &mut Shell, args: &[Vec<u8>]) -> MetaResult {
    let (db_name, src) = match args.len() {
        2 => ("main".to_string(), lossy(&args[1])),
        3 => (lossy(&args[1]), lossy(&args[2])),
        _ => {
            eprint(&mut sh.st, "Usage: .restore ?DB? FILE\n");
            return MetaResult::Error;
        }
    };
    sh.open_db(false);
    let Some(conn) = sh.db.as_deref_mut() else {
        return MetaResult::Error;
    };
    let r = conn.restore_from(&db_name, &src);
    // The backend may have replaced its engine connection.
    crate::interrupt::set_handle(Some(conn.interrupt_handle()));
    match r {
        Ok(()) => MetaResult::Ok,
        Err(e) => {
            let msg = match e.code {
                5 | 6 => "Error: source database is busy\n".to_string(),
                14 => format!("Error: cannot open \"{src}\"\n"),
                _ => format!("Error: {}\n", e.message),
            };
            eprint(&mut sh.st, &msg);
            MetaResult::Error
        }
    }
}
