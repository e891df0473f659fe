//! Run SQL statements from a file (one per `;`), printing results: a debugging aid.
fn main() {
    let path = std::env::args().nth(1).expect("file");
    let sql = std::fs::read_to_string(path).expect("read");
    let c = chorus::Connection::open_in_memory().expect("open");
    let mut rest: &str = &sql;
    loop {
        let (stmt, tail) = match c.prepare_with_tail(rest) {
            Ok(x) => x,
            Err(e) => {
                println!("prepare error: {}", e.message);
                let t = rest.find(';').map(|i| i + 1).unwrap_or(rest.len());
                rest = &rest[t..];
                if rest.trim().is_empty() {
                    break;
                }
                continue;
            }
        };
        let text = rest[..tail].trim().to_string();
        let Some(mut s) = stmt else { break };
        println!(">> {text}");
        loop {
            match s.step() {
                Ok(true) => {
                    let v: Vec<String> = (0..s.column_count())
                        .map(|i| format!("{:?}", s.column_value(i)))
                        .collect();
                    println!("   {}", v.join(" | "));
                }
                Ok(false) => break,
                Err(e) => {
                    println!("   error: {}", e.message);
                    break;
                }
            }
        }
        drop(s);
        rest = &rest[tail..];
        if rest.trim().is_empty() {
            break;
        }
    }
}
