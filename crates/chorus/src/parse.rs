//! SQL text → AST. Wraps `sqlite3-parser` (SQLite's own grammar), maps its
//! errors to SQLite's messages, recognises the Chorus-only `BEGIN CONCURRENT`
//! on the token stream, reports where the first statement ends (the "tail"),
//! and bounds expression depth (SQLite's limit of 1000) before any recursive
//! pass sees the tree. Over-deep trees are torn down iteratively so that even
//! dropping them cannot overflow the stack.

use chorus_storage::{Error, Result, ResultCode};
use fallible_iterator::FallibleIterator;
use sqlite3_parser::ast::{self, Cmd, Expr, Stmt};
use sqlite3_parser::lexer::sql::{Error as LexError, Parser, ParserError};

macro_rules! offset_of {
    ($input:expr, $pos:expr) => {
        $pos.map(|p| pos_to_offset($input, (p.line, p.column)))
            .unwrap_or(0)
    };
}

/// SQLite's SQLITE_MAX_EXPR_DEPTH.
pub const MAX_EXPR_DEPTH: usize = 1000;

/// One parsed statement.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Parsed {
    /// A statement of SQLite's grammar.
    Cmd(Cmd),
    /// `BEGIN CONCURRENT [TRANSACTION]`.
    BeginConcurrent,
}

/// Parse the first statement of `sql`. Returns `None` when `sql` holds only
/// whitespace, comments or semicolons, together with the byte offset where the
/// remaining text (the tail) starts.
pub fn parse_first(sql: &str) -> Result<(Option<Parsed>, usize)> {
    parse_first_with_offset(sql).map_err(|(e, _)| e)
}

/// `parse_first`, and on error also the byte offset of the token the error
/// is about (sqlite3_error_offset) when known.
pub fn parse_first_with_offset(
    sql: &str,
) -> std::result::Result<(Option<Parsed>, usize), (Error, Option<usize>)> {
    let bytes = sql.as_bytes();
    if let Some(end) = begin_concurrent(bytes) {
        return Ok((Some(Parsed::BeginConcurrent), end));
    }
    let mut parser = Parser::new(bytes);
    match parser.next() {
        Ok(Some(cmd)) => {
            let p = parser.position();
            let tail = pos_to_offset(bytes, (p.line, p.column));
            let tail = skip_semis(bytes, tail);
            check_depth(cmd, tail).map_err(|e| (e, None))
        }
        Ok(None) => Ok((None, bytes.len())),
        Err(LexError::UnterminatedBlockComment(_)) if opener_at_end(bytes) => {
            // SQLite's tokenizer reads a `/*` that ends the text as `/`
            // and `*`: parse it so, pointing into the original text.
            let split = format!("{}/ *", &sql[..sql.len() - 2]);
            match parse_first_with_offset(&split) {
                Err((e, off)) => Err((e, off.map(|o| if o >= sql.len() { o - 1 } else { o }))),
                Ok((p, tail)) => Ok((p, tail.min(sql.len()))),
            }
        }
        Err(LexError::UnterminatedBlockComment(_)) if !sql.ends_with("*/") => {
            // SQLite's tokenizer ends a block comment at the end of input.
            let closed = format!("{sql}*/");
            parse_first_with_offset(&closed).map(|(p, tail)| (p, tail.min(sql.len())))
        }
        Err(e) => {
            if let Some(r) = token_after_table_option(bytes, &e) {
                return Err(r);
            }
            let mut off = error_offset(bytes, &e);
            let mut err = map_error(bytes, e);
            if let Some((start, raw)) = off.and_then(|o| widen_token(bytes, o, &err.message)) {
                err.message = format!("near \"{raw}\": syntax error");
                off = Some(start);
            }
            if err.message.ends_with("specified more than once") {
                // Repeated INSERT columns (stmt/insert_columns.rs).
                if let Some(fixed) = crate::stmt::insert_columns::dedupe(sql) {
                    if let Ok((p, tail)) = parse_first_with_offset(&fixed) {
                        let grown = fixed.len().saturating_sub(sql.len());
                        return Ok((p, tail.saturating_sub(grown).min(sql.len())));
                    }
                }
            }
            Err((err, off))
        }
    }
}

/// When a string literal, quoted name or comment starts at `b[i]`: the
/// offset just past it (its end or the text's end when unterminated).
pub(crate) fn skip_quoted_or_comment(b: &[u8], i: usize) -> Option<usize> {
    let close_at = |from: usize, pat: &[u8]| {
        b.get(from..)
            .and_then(|t| t.windows(pat.len()).position(|w| w == pat))
            .map_or(b.len(), |p| from + p + pat.len())
    };
    match *b.get(i)? {
        q @ (b'\'' | b'"' | b'`') => Some(close_at(i + 1, &[q])),
        b'[' => Some(close_at(i + 1, b"]")),
        b'-' if b.get(i + 1) == Some(&b'-') => Some(close_at(i + 2, b"\n").min(b.len())),
        b'/' if b.get(i + 1) == Some(&b'*') => Some(close_at(i + 2, b"*/")),
        _ => None,
    }
}

/// True when the text's last two bytes are a `/*` in plain SQL (not inside
/// a literal, a quoted name or another comment).
fn opener_at_end(b: &[u8]) -> bool {
    if !b.ends_with(b"/*") {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') && i + 2 == b.len() {
            return true;
        }
        i = skip_quoted_or_comment(b, i).unwrap_or(i + 1);
    }
    false
}

/// SQLite reports an unknown table option (`CREATE TABLE t(x) go`) only when
/// the statement ends after it; a token following the option is a syntax
/// error near that token (`create table t(x)go create ...`).
fn token_after_table_option(input: &[u8], e: &LexError) -> Option<(Error, Option<usize>)> {
    let LexError::ParserError(ParserError::Custom(m), p) = e else {
        return None;
    };
    let opt = m.strip_prefix("unknown table option: ")?.as_bytes();
    if opt.is_empty() {
        return None;
    }
    let at = p
        .as_ref()
        .map(|p| pos_to_offset(input, (p.line, p.column)))
        .unwrap_or(input.len());
    let end = (at + opt.len()).min(input.len());
    let hay = input.get(..end)?;
    let start = (0..=hay.len().saturating_sub(opt.len())).rev().find(|&i| {
        hay.get(i..i + opt.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(opt))
    })?;
    let next = skip_space(input, start + opt.len());
    match input.get(next) {
        None | Some(b';') | Some(b',') => None,
        Some(&c) => {
            let (w, _) = word_at(input, next);
            let close = match c {
                b'[' => Some(b']'),
                b'\'' | b'"' | b'`' => Some(c),
                _ => None,
            };
            let tok = if let Some(close) = close {
                // A quoted token runs to its closing quote.
                let end = input[next + 1..]
                    .iter()
                    .position(|&b| b == close)
                    .map_or(input.len(), |p| next + 2 + p);
                String::from_utf8_lossy(&input[next..end]).into_owned()
            } else if w.is_empty() && matches!(c, b'#' | b':' | b'@' | b'$' | b'?') {
                // A parameter token: its sigil and the name or number after.
                let (w, _) = word_at(input, next + 1);
                let end = if input.get(next + 1).is_some_and(|b| b.is_ascii_whitespace()) {
                    next + 1
                } else {
                    next + 1 + w.len()
                };
                String::from_utf8_lossy(&input[next..end]).into_owned()
            } else if w.is_empty() {
                String::from_utf8_lossy(&input[next..next + 1]).into_owned()
            } else {
                String::from_utf8_lossy(w).into_owned()
            };
            Some((
                Error::new(ResultCode::ERROR, format!("near \"{tok}\": syntax error")),
                Some(next),
            ))
        }
    }
}

/// The parser names a blob literal's token by its hex digits and a `?NNN`
/// parameter's by its number; SQLite's message quotes the token as written
/// (`near "x'00'"`, `near "?5"`) and points at its first byte. Given the
/// error's offset and message: the token's real start and text.
fn widen_token(input: &[u8], off: usize, message: &str) -> Option<(usize, String)> {
    let tok = message
        .strip_prefix("near \"")?
        .strip_suffix("\": syntax error")?
        .as_bytes();
    let text = |a: usize, b: usize| -> Option<String> {
        Some(String::from_utf8_lossy(input.get(a..b)?).into_owned())
    };
    // x'..' with the offset on the digits, or (empty digits) on the x.
    let blob_at = |x: usize| {
        input
            .get(x..x + 2)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"x'"))
            && input.get(x + 2..x + 2 + tok.len()) == Some(tok)
            && input.get(x + 2 + tok.len()) == Some(&b'\'')
    };
    for x in [off.checked_sub(2), Some(off)].into_iter().flatten() {
        if blob_at(x) {
            return Some((x, text(x, x + 3 + tok.len())?));
        }
    }
    if !tok.is_empty() && tok.iter().all(u8::is_ascii_digit) {
        // The offset may be on the `?` or on the digits.
        for q in [Some(off), off.checked_sub(1)].into_iter().flatten() {
            if input.get(q) == Some(&b'?') && input.get(q + 1..q + 1 + tok.len()) == Some(tok) {
                return Some((q, text(q, q + 1 + tok.len())?));
            }
        }
    }
    None
}

/// Where a parse error points: the start of the offending token.
fn error_offset(input: &[u8], e: &LexError) -> Option<usize> {
    match e {
        LexError::ParserError(ParserError::SyntaxError(tok), p) => {
            // The parser's position is at or just past the token: take the
            // last occurrence of the token that starts at or before it.
            let tok = tok.as_bytes();
            let at = p
                .as_ref()
                .map(|p| pos_to_offset(input, (p.line, p.column)))?;
            if tok.is_empty() {
                return Some(at.min(input.len()));
            }
            let end = (at + tok.len()).min(input.len());
            let hay = input.get(..end)?;
            (0..=hay.len().saturating_sub(tok.len()))
                .rev()
                .find(|&i| hay.get(i..i + tok.len()) == Some(tok))
                .or(Some(at.min(input.len())))
        }
        LexError::UnrecognizedToken(p)
        | LexError::BadVariableName(p)
        | LexError::BadNumber(p)
        | LexError::ExpectedEqualsSign(p)
        | LexError::MalformedBlobLiteral(p)
        | LexError::MalformedHexInteger(p)
        | LexError::UnterminatedLiteral(p)
        | LexError::UnterminatedBracket(p) => {
            p.as_ref().map(|p| pos_to_offset(input, (p.line, p.column)))
        }
        _ => None,
    }
}

fn check_depth(cmd: Cmd, tail: usize) -> Result<(Option<Parsed>, usize)> {
    let too_deep = {
        let stmt = match &cmd {
            Cmd::Stmt(s) | Cmd::Explain(s) | Cmd::ExplainQueryPlan(s) => s,
        };
        stmt_too_deep(stmt)
    };
    if too_deep {
        teardown_cmd(cmd);
        return Err(Error::new(
            ResultCode::ERROR,
            format!("Expression tree is too large (maximum depth {MAX_EXPR_DEPTH})"),
        ));
    }
    Ok((Some(Parsed::Cmd(cmd)), tail))
}

fn skip_semis(b: &[u8], mut i: usize) -> usize {
    loop {
        let j = skip_space(b, i);
        if j < b.len() && b[j] == b';' {
            i = j + 1;
        } else {
            return i.min(b.len());
        }
    }
}

fn pos_to_offset(input: &[u8], pos: (usize, usize)) -> usize {
    let mut line = 1;
    let mut i = 0;
    while line < pos.0 && i < input.len() {
        if input[i] == b'\n' {
            line += 1;
        }
        i += 1;
    }
    (i + pos.1.saturating_sub(1)).min(input.len())
}

/// Skip whitespace and comments starting at `i`.
pub fn skip_space(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) == Some(&b'-') && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if b.get(i) == Some(&b'/') && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(b.len());
            continue;
        }
        return i;
    }
}

/// Read an identifier-like word at `i` (after skipping space); returns (word, end).
pub fn word_at(b: &[u8], i: usize) -> (&[u8], usize) {
    let s = skip_space(b, i);
    let mut e = s;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_' || b[e] >= 0x80) {
        e += 1;
    }
    (&b[s..e], e)
}

/// `BEGIN CONCURRENT [TRANSACTION] [;]` → offset after it.
fn begin_concurrent(b: &[u8]) -> Option<usize> {
    let (w, e) = word_at(b, 0);
    if !w.eq_ignore_ascii_case(b"BEGIN") {
        return None;
    }
    let (w, mut e) = word_at(b, e);
    if !w.eq_ignore_ascii_case(b"CONCURRENT") {
        return None;
    }
    let (w, e2) = word_at(b, e);
    if w.eq_ignore_ascii_case(b"TRANSACTION") {
        e = e2;
    }
    let s = skip_space(b, e);
    if s < b.len() && b[s] != b';' {
        return None; // let the parser report the syntax error
    }
    Some(skip_semis(b, e))
}

fn token_at(input: &[u8], off: usize) -> String {
    let s = skip_space(input, off);
    let mut e = s;
    while e < input.len() && !input[e].is_ascii_whitespace() && (e == s || input[e] != b';') {
        e += 1;
    }
    String::from_utf8_lossy(&input[s..e]).into_owned()
}

/// A number run into identifier characters (`1from`, `1e5x`): SQLite's
/// tokenizer takes the number (digits, fraction, exponent) and then every
/// identifier character after it as one bad token.
fn number_token(input: &[u8], off: usize) -> String {
    let s = skip_space(input, off);
    let digits = |mut i: usize| {
        while input.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut e = digits(s);
    if input.get(e) == Some(&b'.') {
        e = digits(e + 1);
    }
    if matches!(input.get(e), Some(b'e' | b'E')) {
        let mut x = e + 1;
        if matches!(input.get(x), Some(b'+' | b'-')) {
            x += 1;
        }
        if input.get(x).is_some_and(u8::is_ascii_digit) {
            e = digits(x);
        }
    }
    while input
        .get(e)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80)
    {
        e += 1;
    }
    if e == s {
        return token_at(input, off);
    }
    String::from_utf8_lossy(&input[s..e]).into_owned()
}

fn map_error(input: &[u8], e: LexError) -> Error {
    let msg = match e {
        LexError::ParserError(ParserError::SyntaxError(tok), _) => {
            format!("near \"{tok}\": syntax error")
        }
        LexError::ParserError(ParserError::UnexpectedEof, _) => "incomplete input".to_string(),
        LexError::ParserError(ParserError::Custom(m), _) => m,
        LexError::BadNumber(p) => {
            format!(
                "unrecognized token: \"{}\"",
                number_token(input, offset_of!(input, p))
            )
        }
        LexError::UnrecognizedToken(p)
        | LexError::BadVariableName(p)
        | LexError::ExpectedEqualsSign(p)
        | LexError::MalformedBlobLiteral(p)
        | LexError::MalformedHexInteger(p) => {
            format!(
                "unrecognized token: \"{}\"",
                token_at(input, offset_of!(input, p))
            )
        }
        LexError::UnterminatedLiteral(p) | LexError::UnterminatedBracket(p) => {
            let off = offset_of!(input, p);
            format!(
                "unrecognized token: \"{}\"",
                String::from_utf8_lossy(&input[off.min(input.len())..])
            )
        }
        LexError::UnterminatedBlockComment(_) => "incomplete input".to_string(),
        LexError::Io(e) => e.to_string(),
        _ => "syntax error".to_string(),
    };
    Error::new(ResultCode::ERROR, msg)
}

// ---------------------------------------------------------------------------
// Depth checking: an explicit work stack, no recursion.

enum Node<'a> {
    E(&'a Expr),
    S(&'a ast::Select),
    /// A FROM clause (also a parenthesised join inside one).
    F(&'a ast::FromClause),
}

fn stmt_too_deep(stmt: &Stmt) -> bool {
    stmt_depth(stmt) > MAX_EXPR_DEPTH
}

/// Maximum expression nesting depth of a statement (stops counting past the limit).
pub fn stmt_depth(stmt: &Stmt) -> usize {
    let mut max = 0;
    let mut stack: Vec<(Node<'_>, usize)> = Vec::new();
    match stmt {
        Stmt::Select(s) => stack.push((Node::S(s), 0)),
        Stmt::Insert {
            body: ast::InsertBody::Select(s, _),
            ..
        } => stack.push((Node::S(s), 0)),
        Stmt::CreateView { select, .. } => stack.push((Node::S(select), 0)),
        Stmt::CreateTable {
            body: ast::CreateTableBody::AsSelect(s),
            ..
        } => stack.push((Node::S(s), 0)),
        Stmt::Update {
            sets, where_clause, ..
        } => {
            for s in sets {
                stack.push((Node::E(&s.expr), 0));
            }
            if let Some(w) = where_clause {
                stack.push((Node::E(w), 0));
            }
        }
        Stmt::Delete {
            where_clause: Some(w),
            ..
        } => stack.push((Node::E(w), 0)),
        Stmt::CreateIndex {
            where_clause: Some(w),
            ..
        } => stack.push((Node::E(w), 0)),
        Stmt::CreateTable {
            body: ast::CreateTableBody::ColumnsAndConstraints { columns, .. },
            ..
        } => {
            for c in columns.values() {
                for cc in &c.constraints {
                    match &cc.constraint {
                        ast::ColumnConstraint::Check(e) | ast::ColumnConstraint::Default(e) => {
                            stack.push((Node::E(e), 0))
                        }
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
    while let Some((n, d)) = stack.pop() {
        max = max.max(d);
        if d > MAX_EXPR_DEPTH {
            return max;
        }
        match n {
            Node::S(s) => {
                if let Some(w) = &s.with {
                    // A CTE may read the ones before it, so planning nests
                    // up to the CTE's position (the binder stops at 64).
                    for (i, c) in w.ctes.iter().enumerate() {
                        stack.push((Node::S(&c.select), d + 1 + i.min(64)));
                    }
                }
                push_one_select(&s.body.select, d, &mut stack);
                if let Some(cs) = &s.body.compounds {
                    for c in cs {
                        push_one_select(&c.select, d, &mut stack);
                    }
                }
                if let Some(ob) = &s.order_by {
                    for o in ob {
                        stack.push((Node::E(&o.expr), d + 1));
                    }
                }
                if let Some(l) = &s.limit {
                    stack.push((Node::E(&l.expr), d + 1));
                    if let Some(o) = &l.offset {
                        stack.push((Node::E(o), d + 1));
                    }
                }
            }
            Node::F(f) => {
                let mut tabs: Vec<&ast::SelectTable> = Vec::new();
                if let Some(t) = &f.select {
                    tabs.push(t);
                }
                for j in f.joins.iter().flatten() {
                    tabs.push(&j.table);
                    if let Some(ast::JoinConstraint::On(e)) = &j.constraint {
                        stack.push((Node::E(e), d + 1));
                    }
                }
                for t in tabs {
                    match t {
                        ast::SelectTable::Select(s, _) => stack.push((Node::S(s), d + 1)),
                        ast::SelectTable::Sub(inner, _) => stack.push((Node::F(inner), d + 1)),
                        ast::SelectTable::TableCall(_, args, _) => {
                            for a in args.iter().flatten() {
                                stack.push((Node::E(a), d + 1));
                            }
                        }
                        ast::SelectTable::Table(..) => {}
                    }
                }
            }
            Node::E(e) => {
                let d1 = d + 1;
                match e {
                    Expr::Between {
                        lhs, start, end, ..
                    } => {
                        stack.push((Node::E(lhs), d1));
                        stack.push((Node::E(start), d1));
                        stack.push((Node::E(end), d1));
                    }
                    Expr::Binary(l, _, r) => {
                        stack.push((Node::E(l), d1));
                        stack.push((Node::E(r), d1));
                    }
                    Expr::Case {
                        base,
                        when_then_pairs,
                        else_expr,
                    } => {
                        if let Some(b) = base {
                            stack.push((Node::E(b), d1));
                        }
                        for (w, t) in when_then_pairs {
                            stack.push((Node::E(w), d1));
                            stack.push((Node::E(t), d1));
                        }
                        if let Some(x) = else_expr {
                            stack.push((Node::E(x), d1));
                        }
                    }
                    Expr::Cast { expr, .. } => stack.push((Node::E(expr), d1)),
                    Expr::Collate(x, _) => stack.push((Node::E(x), d1)),
                    Expr::Exists(s) | Expr::Subquery(s) => stack.push((Node::S(s), d1)),
                    Expr::FunctionCall {
                        args, filter_over, ..
                    } => {
                        for a in args.iter().flatten() {
                            stack.push((Node::E(a), d1));
                        }
                        if let Some(ft) = filter_over {
                            if let Some(f) = &ft.filter_clause {
                                stack.push((Node::E(f), d1));
                            }
                        }
                    }
                    Expr::InList { lhs, rhs, .. } => {
                        stack.push((Node::E(lhs), d1));
                        for a in rhs.iter().flatten() {
                            stack.push((Node::E(a), d1));
                        }
                    }
                    Expr::InSelect { lhs, rhs, .. } => {
                        stack.push((Node::E(lhs), d1));
                        stack.push((Node::S(rhs), d1));
                    }
                    Expr::InTable { lhs, .. } => stack.push((Node::E(lhs), d1)),
                    Expr::IsNull(x) | Expr::NotNull(x) | Expr::Unary(_, x) => {
                        stack.push((Node::E(x), d1))
                    }
                    Expr::Like {
                        lhs, rhs, escape, ..
                    } => {
                        stack.push((Node::E(lhs), d1));
                        stack.push((Node::E(rhs), d1));
                        if let Some(x) = escape {
                            stack.push((Node::E(x), d1));
                        }
                    }
                    Expr::Parenthesized(v) => {
                        for a in v {
                            stack.push((Node::E(a), d1));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    max
}

fn push_one_select<'a>(o: &'a ast::OneSelect, d: usize, stack: &mut Vec<(Node<'a>, usize)>) {
    match o {
        ast::OneSelect::Select {
            columns,
            from,
            where_clause,
            group_by,
            having,
            ..
        } => {
            for c in columns {
                if let ast::ResultColumn::Expr(e, _) = c {
                    stack.push((Node::E(e), d + 1));
                }
            }
            if let Some(f) = from {
                stack.push((Node::F(f), d));
            }
            if let Some(w) = where_clause {
                stack.push((Node::E(w), d + 1));
            }
            for g in group_by.iter().flatten() {
                stack.push((Node::E(g), d + 1));
            }
            if let Some(h) = having {
                stack.push((Node::E(h), d + 1));
            }
        }
        ast::OneSelect::Values(rows) => {
            for r in rows {
                for e in r {
                    stack.push((Node::E(e), d + 1));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Iterative teardown of over-deep trees.

fn teardown_cmd(cmd: Cmd) {
    let stmt = match cmd {
        Cmd::Stmt(s) | Cmd::Explain(s) | Cmd::ExplainQueryPlan(s) => s,
    };
    let mut exprs: Vec<Expr> = Vec::new();
    let mut selects: Vec<ast::Select> = Vec::new();
    match stmt {
        Stmt::Select(s) => selects.push(*s),
        Stmt::Insert {
            body: ast::InsertBody::Select(s, _),
            ..
        } => selects.push(*s),
        Stmt::CreateView { select, .. } => selects.push(*select),
        Stmt::Update {
            sets, where_clause, ..
        } => {
            exprs.extend(sets.into_iter().map(|s| s.expr));
            exprs.extend(where_clause);
        }
        Stmt::Delete { where_clause, .. } => exprs.extend(where_clause),
        other => drop(other),
    }
    let take = |b: &mut Box<Expr>| std::mem::replace(&mut **b, Expr::Literal(ast::Literal::Null));
    let mut froms: Vec<ast::FromClause> = Vec::new();
    loop {
        if let Some(f) = froms.pop() {
            let mut tabs: Vec<ast::SelectTable> = Vec::new();
            tabs.extend(f.select.map(|t| *t));
            for j in f.joins.into_iter().flatten() {
                tabs.push(j.table);
                if let Some(ast::JoinConstraint::On(e)) = j.constraint {
                    exprs.push(e);
                }
            }
            for t in tabs {
                match t {
                    ast::SelectTable::Select(s, _) => selects.push(*s),
                    ast::SelectTable::Sub(inner, _) => froms.push(inner),
                    ast::SelectTable::TableCall(_, args, _) => {
                        exprs.extend(args.into_iter().flatten())
                    }
                    ast::SelectTable::Table(..) => {}
                }
            }
            continue;
        }
        if let Some(s) = selects.pop() {
            let s = s;
            if let Some(w) = s.with {
                selects.extend(w.ctes.into_iter().map(|c| *c.select));
            }
            exprs.extend(s.order_by.into_iter().flatten().map(|o| o.expr));
            if let Some(l) = s.limit {
                exprs.push(l.expr);
                exprs.extend(l.offset);
            }
            let mut ones = vec![s.body.select];
            for c in s.body.compounds.into_iter().flatten() {
                ones.push(c.select);
            }
            for o in ones {
                match o {
                    ast::OneSelect::Select {
                        columns,
                        from,
                        where_clause,
                        group_by,
                        having,
                        ..
                    } => {
                        for c in columns {
                            if let ast::ResultColumn::Expr(e, _) = c {
                                exprs.push(e);
                            }
                        }
                        froms.extend(from);
                        if let Some(w) = where_clause {
                            exprs.push(*w);
                        }
                        exprs.extend(group_by.into_iter().flatten());
                        exprs.extend(having.map(|h| *h));
                    }
                    ast::OneSelect::Values(rows) => exprs.extend(rows.into_iter().flatten()),
                }
            }
            continue;
        }
        let Some(mut e) = exprs.pop() else { break };
        match &mut e {
            Expr::Between {
                lhs, start, end, ..
            } => {
                exprs.push(take(lhs));
                exprs.push(take(start));
                exprs.push(take(end));
            }
            Expr::Binary(l, _, r) => {
                exprs.push(take(l));
                exprs.push(take(r));
            }
            Expr::Cast { expr, .. } => exprs.push(take(expr)),
            Expr::Collate(x, _) | Expr::IsNull(x) | Expr::NotNull(x) | Expr::Unary(_, x) => {
                exprs.push(take(x))
            }
            Expr::Exists(s) | Expr::Subquery(s) => {
                let dummy = ast::Select {
                    with: None,
                    body: ast::SelectBody {
                        select: ast::OneSelect::Values(vec![]),
                        compounds: None,
                    },
                    order_by: None,
                    limit: None,
                };
                selects.push(std::mem::replace(&mut **s, dummy));
            }
            Expr::FunctionCall { args, .. } => {
                if let Some(a) = args.take() {
                    exprs.extend(a)
                }
            }
            Expr::InList { lhs, rhs, .. } => {
                exprs.push(take(lhs));
                if let Some(a) = rhs.take() {
                    exprs.extend(a)
                }
            }
            Expr::Like { lhs, rhs, .. } => {
                exprs.push(take(lhs));
                exprs.push(take(rhs));
            }
            Expr::Parenthesized(v) => exprs.append(v),
            Expr::Case {
                base,
                when_then_pairs,
                else_expr,
            } => {
                if let Some(b) = base {
                    exprs.push(take(b));
                }
                for (w, t) in when_then_pairs.drain(..) {
                    exprs.push(w);
                    exprs.push(t);
                }
                if let Some(x) = else_expr {
                    exprs.push(take(x));
                }
            }
            _ => {}
        }
        drop(e);
    }
}

/// Depth above which a statement is compiled and run on a thread with a
/// large stack: the binder and evaluator recurse once per nesting level.
pub const DEEP_STMT: usize = 48;

/// Run `f` on a scoped thread with a 256 MiB stack when `deep` (falls back
/// to the current thread if no thread can be started).
pub fn with_stack<T: Send>(deep: bool, f: impl FnOnce() -> T + Send) -> T {
    let mut slot = Some(f);
    if deep {
        let slot_ref = &mut slot;
        let r = std::thread::scope(|s| {
            let h = std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(s, move || slot_ref.take().map(|f| f()));
            match h {
                Ok(h) => Some(h.join()),
                Err(_) => None,
            }
        });
        match r {
            Some(Ok(Some(v))) => return v,
            Some(Err(p)) => std::panic::resume_unwind(p),
            _ => {}
        }
    }
    match slot.take() {
        Some(f) => f(),
        None => unreachable_run(),
    }
}

fn unreachable_run() -> ! {
    // The closure ran on the helper thread but produced no value: only
    // possible if it panicked, which resume_unwind above re-raises.
    std::process::abort()
}

/// Nesting depth of a parsed statement.
pub fn parsed_depth(p: &Parsed) -> usize {
    match p {
        Parsed::Cmd(Cmd::Stmt(s) | Cmd::Explain(s) | Cmd::ExplainQueryPlan(s)) => stmt_depth(s),
        Parsed::BeginConcurrent => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(sql: &str) -> String {
        parse_first(sql).unwrap_err().message
    }

    #[test]
    fn messages() {
        assert_eq!(err("SELEC 1"), "near \"SELEC\": syntax error");
        assert_eq!(err("SELECT 1 +"), "incomplete input");
        assert_eq!(err("SELECT (1"), "incomplete input");
    }

    #[test]
    fn unterminated_comment_at_end_closes() {
        let (p, tail) = parse_first("select 1 /* open").unwrap();
        assert!(p.is_some());
        assert_eq!(tail, 16);
        assert!(parse_first("select /* open").is_err());
    }

    #[test]
    fn syntax_error_offsets() {
        let off = |sql: &str| parse_first_with_offset(sql).err().and_then(|(_, o)| o);
        assert_eq!(off("SELEC 1"), Some(0));
        assert_eq!(off("SELECT 1 FROM t WHERE x = = 2"), Some(26));
        assert_eq!(off("select 1 from"), None);
    }

    /// Blob literals and `?NNN` are quoted as written, as SQLite does
    /// (`select 1 x'00'` → near "x'00'" at offset 9).
    #[test]
    fn literal_tokens_quoted_as_written() {
        let both = |sql: &str| {
            let (e, o) = parse_first_with_offset(sql).unwrap_err();
            (e.message, o)
        };
        assert_eq!(
            both("select 1 x'00';"),
            ("near \"x'00'\": syntax error".into(), Some(9))
        );
        assert_eq!(
            both("select 1 X'';"),
            ("near \"X''\": syntax error".into(), Some(9))
        );
        assert_eq!(
            both("select 1 ?5;"),
            ("near \"?5\": syntax error".into(), Some(9))
        );
        assert_eq!(
            both("select 1 :nm;"),
            ("near \":nm\": syntax error".into(), Some(9))
        );
        // After an unknown table option, the next token quoted as written.
        assert_eq!(
            err("create table t(x) selecgo \"q;\"insert"),
            "near \"\"q;\"\": syntax error"
        );
        assert_eq!(
            err("create table t(x)'x''y'\t\n#c\n'a;b'"),
            "near \"#c\": syntax error"
        );
        // A number run into a word is one bad token.
        assert_eq!(
            err("select 1from(select 3 as x);"),
            "unrecognized token: \"1from\""
        );
        assert_eq!(err("select 1.5e+3x, 2"), "unrecognized token: \"1.5e+3x\"");
        // A `/*` ending the text is `/` then `*` to SQLite's tokenizer.
        assert_eq!(both("/*"), ("near \"/\": syntax error".into(), Some(0)));
        assert_eq!(
            both("select 1 /*"),
            ("near \"*\": syntax error".into(), Some(10))
        );
        assert!(parse_first("select 1 /* x /*").is_ok());
        assert!(parse_first("select '/*' /* c").is_ok());
    }

    #[test]
    fn tail_offsets() {
        let sql = "SELECT 1; SELECT 2;";
        let (p, tail) = parse_first(sql).unwrap();
        assert!(p.is_some());
        assert_eq!(sql[tail..].trim(), "SELECT 2;");
        let (p, tail) = parse_first("  -- c\n ").unwrap();
        assert!(p.is_none());
        assert_eq!(tail, 8);
    }

    #[test]
    fn begin_concurrent() {
        let (p, tail) = parse_first("begin concurrent; select 1").unwrap();
        assert!(matches!(p, Some(Parsed::BeginConcurrent)));
        assert_eq!(tail, 17);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let sql = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(
            err(&sql),
            "Expression tree is too large (maximum depth 1000)"
        );
        let sql = format!("SELECT 1{}", "+1".repeat(5000));
        assert_eq!(
            err(&sql),
            "Expression tree is too large (maximum depth 1000)"
        );
    }
}
