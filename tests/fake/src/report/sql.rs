//! The small SQL the fake's reports understand, parsed and run over its
//! own tables.
//!
//! ```text
//! SELECT [TOP n] { * | column [AS alias] [, ...] }
//! FROM table
//! [WHERE column { = | <> | != } literal [AND ...]]
//! [ORDER BY column [ASC | DESC]]
//! [LIMIT n]
//! ```
//!
//! Keywords, tables and columns are case-insensitive, as on SQL Server;
//! names may be bare, `[bracketed]` or `"quoted"`; a literal is a number,
//! `'text'` (`''` for a quote) or `NULL`. Values compare by meaning (`21`,
//! `21.0` and `'21'` are one value; text ignores case), and a comparison
//! with `NULL` matches nothing, as in SQL. Rows come in id order unless
//! ordered; `NULL` sorts first. Anything else is refused with SQL Server's
//! kind of message ("Incorrect syntax near 'GROUP'.").

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::values::{compare, equals_text, same};

/// A parsed query.
#[derive(Debug, PartialEq)]
pub(crate) struct Select {
    /// `None` for `*`.
    pub(crate) columns: Option<Vec<Column>>,
    pub(crate) table: String,
    pub(crate) filter: Vec<Condition>,
    pub(crate) order: Option<(String, bool)>,
    pub(crate) limit: Option<usize>,
}

/// A selected column and the name it answers under.
#[derive(Debug, PartialEq)]
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) alias: Option<String>,
}

/// What a query answers: the column names in order, and the rows.
#[derive(Debug, PartialEq)]
pub(crate) struct Answer {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Map<String, Value>>,
}

/// `column = literal` (or `<>`).
#[derive(Debug, PartialEq)]
pub(crate) struct Condition {
    pub(crate) column: String,
    pub(crate) equal: bool,
    pub(crate) literal: Value,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    /// A `[bracketed]` or `"quoted"` name: never a keyword.
    Name(String),
    Text(String),
    Number(String),
    Symbol(&'static str),
}

impl Token {
    fn shown(&self) -> String {
        match self {
            Token::Word(w) | Token::Name(w) | Token::Number(w) => w.clone(),
            Token::Text(t) => format!("'{t}'"),
            Token::Symbol(s) => (*s).to_owned(),
        }
    }

    fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(keyword))
    }
}

fn near(token: Option<&Token>) -> String {
    match token {
        Some(token) => format!("Incorrect syntax near '{}'.", token.shown()),
        None => "Incorrect syntax near the end of the query.".to_owned(),
    }
}

fn tokenize(sql: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_alphabetic() || c == '_' || c == '@' || c == '#' {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if !(c.is_ascii_alphanumeric() || c == '_' || c == '@' || c == '#' || c == '$') {
                    break;
                }
                word.push(c);
                chars.next();
            }
            tokens.push(Token::Word(word));
        } else if c.is_ascii_digit() || c == '-' {
            let mut number = String::from(c);
            chars.next();
            while let Some(&c) = chars.peek() {
                if !(c.is_ascii_digit() || c == '.') {
                    break;
                }
                number.push(c);
                chars.next();
            }
            if number == "-" || number.parse::<f64>().is_err() {
                return Err(format!("Incorrect syntax near '{number}'."));
            }
            tokens.push(Token::Number(number));
        } else if c == '\'' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        text.push('\'');
                    }
                    Some('\'') => break,
                    Some(c) => text.push(c),
                    None => {
                        return Err(format!(
                            "Unclosed quotation mark after the character string '{text}'."
                        ))
                    }
                }
            }
            tokens.push(Token::Text(text));
        } else if c == '[' || c == '"' {
            let close = if c == '[' { ']' } else { '"' };
            chars.next();
            let mut name = String::new();
            loop {
                match chars.next() {
                    Some(c) if c == close => break,
                    Some(c) => name.push(c),
                    None => return Err(format!("Unclosed name `{name}`.")),
                }
            }
            tokens.push(Token::Name(name));
        } else {
            chars.next();
            let symbol = match (c, chars.peek()) {
                ('<', Some('>')) => {
                    chars.next();
                    "<>"
                }
                ('!', Some('=')) => {
                    chars.next();
                    "!="
                }
                ('*', _) => "*",
                (',', _) => ",",
                ('=', _) => "=",
                (';', _) => ";",
                _ => return Err(format!("Incorrect syntax near '{c}'.")),
            };
            tokens.push(Token::Symbol(symbol));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn keyword(&mut self, keyword: &str) -> bool {
        let found = self.peek().is_some_and(|t| t.is_keyword(keyword));
        if found {
            self.at += 1;
        }
        found
    }

    fn expect_keyword(&mut self, keyword: &str) -> Result<(), String> {
        if self.keyword(keyword) {
            Ok(())
        } else {
            Err(near(self.peek()))
        }
    }

    /// A table or column name; a keyword of the grammar is not one.
    fn name(&mut self) -> Result<String, String> {
        const KEYWORDS: [&str; 10] = [
            "SELECT", "FROM", "WHERE", "AND", "ORDER", "BY", "TOP", "LIMIT", "AS", "NULL",
        ];
        match self.next() {
            Some(Token::Name(name)) => Ok(name),
            Some(Token::Word(word)) if !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(&word)) => {
                Ok(word)
            }
            other => Err(near(other.as_ref())),
        }
    }

    fn count(&mut self) -> Result<usize, String> {
        match self.next() {
            Some(Token::Number(n)) => n
                .parse()
                .map_err(|_| format!("Incorrect syntax near '{n}'.")),
            other => Err(near(other.as_ref())),
        }
    }

    fn literal(&mut self) -> Result<Value, String> {
        match self.next() {
            Some(Token::Text(text)) => Ok(Value::String(text)),
            Some(Token::Number(n)) => Ok(serde_json::from_str(&n)
                .ok()
                .filter(Value::is_number)
                .unwrap_or(Value::String(n))),
            Some(token) if token.is_keyword("NULL") => Ok(Value::Null),
            other => Err(near(other.as_ref())),
        }
    }
}

/// Parses `sql` into a [`Select`], or SQL Server's kind of complaint.
pub(crate) fn parse(sql: &str) -> Result<Select, String> {
    let mut p = Parser {
        tokens: tokenize(sql)?,
        at: 0,
    };
    p.expect_keyword("SELECT")?;
    let mut limit = None;
    if p.keyword("TOP") {
        limit = Some(p.count()?);
    }
    let columns = if p.peek() == Some(&Token::Symbol("*")) {
        p.next();
        None
    } else {
        let mut columns = Vec::new();
        loop {
            let name = p.name()?;
            let alias = if p.keyword("AS") {
                Some(p.name()?)
            } else {
                None
            };
            columns.push(Column { name, alias });
            if p.peek() != Some(&Token::Symbol(",")) {
                break;
            }
            p.next();
        }
        Some(columns)
    };
    p.expect_keyword("FROM")?;
    let table = p.name()?;
    let mut filter = Vec::new();
    if p.keyword("WHERE") {
        loop {
            let column = p.name()?;
            let equal = match p.next() {
                Some(Token::Symbol("=")) => true,
                Some(Token::Symbol("<>" | "!=")) => false,
                other => return Err(near(other.as_ref())),
            };
            let literal = p.literal()?;
            filter.push(Condition {
                column,
                equal,
                literal,
            });
            if !p.keyword("AND") {
                break;
            }
        }
    }
    let mut order = None;
    if p.keyword("ORDER") {
        p.expect_keyword("BY")?;
        let column = p.name()?;
        let descending = if p.keyword("DESC") {
            true
        } else {
            p.keyword("ASC");
            false
        };
        order = Some((column, descending));
    }
    if p.keyword("LIMIT") {
        let n = p.count()?;
        limit = Some(limit.map_or(n, |top: usize| top.min(n)));
    }
    match p.peek() {
        None => Ok(Select {
            columns,
            table,
            filter,
            order,
            limit,
        }),
        token => Err(near(token)),
    }
}

/// A row's value for `column`, matched case-insensitively.
fn value_of<'r>(row: &'r Map<String, Value>, column: &str) -> Option<&'r Value> {
    row.get(column).or_else(|| {
        row.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(column))
            .map(|(_, value)| value)
    })
}

impl Select {
    /// Runs the query over `records` (in id order) of a table whose
    /// columns are `known` (for `*` and for checking names).
    pub(crate) fn run<'r>(
        &self,
        records: impl Iterator<Item = &'r Map<String, Value>>,
        known: &[String],
    ) -> Result<Answer, String> {
        let column = |name: &str| {
            known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(name))
                .cloned()
                .ok_or_else(|| format!("Invalid column name '{name}'."))
        };
        let filter = self
            .filter
            .iter()
            .map(|c| Ok((column(&c.column)?, c)))
            .collect::<Result<Vec<_>, String>>()?;
        let order = self
            .order
            .as_ref()
            .map(|(name, descending)| Ok::<_, String>((column(name)?, *descending)))
            .transpose()?;
        let selected: Vec<(String, String)> = match &self.columns {
            None => known.iter().map(|k| (k.clone(), k.clone())).collect(),
            Some(columns) => columns
                .iter()
                .map(|c| {
                    let name = column(&c.name)?;
                    Ok((name.clone(), c.alias.clone().unwrap_or(name)))
                })
                .collect::<Result<_, String>>()?,
        };

        let mut rows: Vec<&Map<String, Value>> = records
            .filter(|row| {
                filter.iter().all(|(name, condition)| {
                    let value = value_of(row, name);
                    let matches = match &condition.literal {
                        Value::Null => return false,
                        Value::String(text) => equals_text(value, text),
                        literal => value.is_some_and(|v| same(v, literal)),
                    };
                    value.is_some_and(|v| !v.is_null()) && matches == condition.equal
                })
            })
            .collect();
        if let Some((name, descending)) = &order {
            rows.sort_by(|a, b| {
                let (x, y) = (value_of(a, name), value_of(b, name));
                // SQL Server puts NULL first; `compare` puts missing last.
                let ordering = match (x.is_none_or(Value::is_null), y.is_none_or(Value::is_null)) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => compare(x, y),
                };
                if *descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            });
        }
        let limit = self.limit.unwrap_or(usize::MAX);
        let out = rows
            .into_iter()
            .take(limit)
            .map(|row| {
                selected
                    .iter()
                    .map(|(name, alias)| {
                        (
                            alias.clone(),
                            value_of(row, name).cloned().unwrap_or(Value::Null),
                        )
                    })
                    .collect()
            })
            .collect();
        let columns = selected.into_iter().map(|(_, alias)| alias).collect();
        Ok(Answer { columns, rows: out })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows() -> Vec<Map<String, Value>> {
        [
            json!({"id": 1, "summary": "Printer on fire", "client_id": 3, "priority": null}),
            json!({"id": 2, "summary": "No coffee", "client_id": 3.0, "priority": 2}),
            json!({"id": 3, "summary": "It's down", "client_id": "4", "priority": 1}),
        ]
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .collect()
    }

    fn known() -> Vec<String> {
        ["id", "summary", "client_id", "priority"]
            .map(str::to_owned)
            .to_vec()
    }

    fn run(sql: &str) -> Result<(Vec<String>, Vec<Value>), String> {
        let rows = rows();
        let answer = parse(sql)?.run(rows.iter(), &known())?;
        let rows = answer.rows.into_iter().map(Value::Object).collect();
        Ok((answer.columns, rows))
    }

    #[test]
    fn the_subset_selects_filters_orders_and_limits() {
        let (columns, out) = run("select * from FAULTS").expect("runs");
        assert_eq!(columns, known());
        assert_eq!(out.len(), 3);

        let (columns, out) = run(
            "SELECT TOP 5 [Summary] AS title, id FROM faults WHERE Client_ID = 3 ORDER BY id DESC",
        )
        .expect("runs");
        assert_eq!(columns, ["title", "id"]);
        assert_eq!(
            out,
            [
                json!({"title": "No coffee", "id": 2}),
                json!({"title": "Printer on fire", "id": 1})
            ]
        );
        let (_, out) = run("SELECT id FROM t WHERE summary = 'it''s DOWN'").expect("runs");
        assert_eq!(out, [json!({"id": 3})]);
        let (_, out) = run("SELECT id FROM t WHERE client_id <> 3 AND id != 9").expect("runs");
        assert_eq!(out, [json!({"id": 3})]);
        let (_, out) = run("SELECT id FROM t ORDER BY priority LIMIT 2").expect("runs");
        assert_eq!(out, [json!({"id": 1}), json!({"id": 3})], "NULL first");
        let (_, out) = run("SELECT id FROM t WHERE priority = NULL").expect("runs");
        assert!(out.is_empty(), "nothing equals NULL");
        let (_, out) = run("SELECT TOP 2 id FROM t LIMIT 1").expect("runs");
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn anything_else_is_refused_as_sql_server_would() {
        assert_eq!(
            run("SELECT nope FROM t"),
            Err("Invalid column name 'nope'.".into())
        );
        assert_eq!(
            run("SELECT id FROM t GROUP BY id"),
            Err("Incorrect syntax near 'GROUP'.".into())
        );
        assert_eq!(
            run("SELECT id FROM t; DROP TABLE t"),
            Err("Incorrect syntax near ';'.".into())
        );
        assert!(run("DELETE FROM t").is_err());
        assert!(run("SELECT id FROM t WHERE summary = 'open").is_err());
        assert!(run("SELECT id FROM t WHERE id > 1").is_err());
        assert!(run("SELECT FROM t").is_err());
        assert!(run("SELECT id FROM").is_err());
    }
}
