//! Tables for people: rows printed as they arrive, so column widths are
//! fixed by the first batch and later cells are cut to them; on a terminal
//! the whole row fits its width.

use std::io::{self, Write};

use comfy_table::{presets, ColumnConstraint, ContentArrangement, Table, Width};
use console::{measure_text_width, truncate_str};

use super::Sink;
use crate::cli::value::{find, Node, Object};

/// The widest a column gets, even when it has room.
const MAX_CELL: usize = 50;
/// The narrowest a column gets when the terminal is narrow.
const MIN_CELL: usize = 4;
/// Spaces between columns.
const GAP: usize = 2;

/// Rows under a header, the widths fixed by the first batch.
pub(super) struct Rows<W: Write> {
    pub(super) out: W,
    pub(super) columns: Vec<String>,
    /// The terminal's width, when printing to one.
    pub(super) limit: Option<usize>,
    widths: Option<Vec<usize>>,
    /// The width below which no column shrinks: its widest number so far,
    /// as a number cut short would show a wrong value.
    floors: Vec<usize>,
}

impl<W: Write> Rows<W> {
    pub(super) fn new(out: W, columns: Vec<String>, limit: Option<usize>) -> Self {
        Rows {
            out,
            columns,
            limit,
            widths: None,
            floors: Vec::new(),
        }
    }
}

impl<W: Write> Sink for Rows<W> {
    fn write(&mut self, records: &[Object]) -> io::Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        if self.columns.is_empty() {
            self.columns = records[0].iter().map(|(key, _)| key.clone()).collect();
        }
        let rows: Vec<Vec<String>> = records
            .iter()
            .map(|record| {
                self.columns
                    .iter()
                    .map(|column| cell(find(record, column)))
                    .collect()
            })
            .collect();
        let header = self.widths.is_none();
        self.floors.resize(self.columns.len(), 0);
        for row in &rows {
            for (floor, text) in self.floors.iter_mut().zip(row) {
                if is_number(text) {
                    *floor = (*floor).max(measure_text_width(text));
                }
            }
        }
        let mut widths = self
            .widths
            .take()
            .unwrap_or_else(|| natural(&self.columns, &rows));
        // A later number wider than its column widens it from here on.
        for (width, floor) in widths.iter_mut().zip(&self.floors) {
            *width = (*width).max(*floor);
        }
        fit(&mut widths, &self.floors, self.limit);
        self.widths = Some(widths.clone());
        let mut table = Table::new();
        if header {
            table.set_header(cut_row(&self.columns, &widths));
        }
        for row in &rows {
            table.add_row(cut_row(row, &widths));
        }
        layout(&mut table, &widths);
        writeln!(self.out, "{}", table.trim_fmt())?;
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// One record as a two-column table: each field that has a value, and the
/// value, cut to one line of the terminal.
pub(super) fn record(
    out: &mut impl Write,
    record: &Object,
    limit: Option<usize>,
) -> io::Result<()> {
    let shown: Vec<(&String, String)> = record
        .iter()
        .filter(|(_, value)| !matches!(value, Node::Null))
        .map(|(key, value)| (key, cell(Some(value))))
        .collect();
    let key_width = shown
        .iter()
        .map(|(key, _)| measure_text_width(key))
        .max()
        .unwrap_or(0);
    let value_width = match limit {
        Some(limit) => limit.saturating_sub(key_width + GAP).max(MIN_CELL),
        None => usize::MAX / 2,
    };
    for (key, value) in shown {
        let value = truncate_str(&value, value_width, "…");
        writeln!(out, "{key:key_width$}{:GAP$}{value}", "")?;
    }
    out.flush()
}

/// A cell's text: one line, control characters shown as spaces.
fn cell(value: Option<&Node>) -> String {
    value
        .map(Node::text)
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Each column as wide as its widest cell (at most [`MAX_CELL`], unless a
/// number needs more).
fn natural(columns: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    columns
        .iter()
        .enumerate()
        .map(|(index, header)| {
            rows.iter()
                .filter_map(|row| row.get(index))
                .chain([header])
                .map(|text| measure_text_width(text))
                .max()
                .unwrap_or(0)
                .min(MAX_CELL)
        })
        .collect()
}

/// On a terminal, narrows the widest column (down to [`MIN_CELL`], never
/// below its floor) until the row fits.
fn fit(widths: &mut [usize], floors: &[usize], limit: Option<usize>) {
    let Some(limit) = limit else {
        return;
    };
    let total =
        |widths: &[usize]| widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1);
    while total(widths) > limit {
        let Some(widest) = widths
            .iter_mut()
            .zip(floors)
            .filter(|(width, floor)| **width > MIN_CELL.max(**floor))
            .map(|(width, _)| width)
            .max_by_key(|width| **width)
        else {
            break;
        };
        *widest -= 1;
    }
}

/// A number (or a boolean), which must never be cut.
fn is_number(text: &str) -> bool {
    matches!(text, "true" | "false") || (!text.is_empty() && text.parse::<f64>().is_ok())
}

fn cut_row(cells: &[String], widths: &[usize]) -> Vec<String> {
    cells
        .iter()
        .zip(widths)
        .map(|(text, &width)| truncate_str(text, width, "…").into_owned())
        .collect()
}

/// Makes `table` borderless, its columns exactly `widths` wide and [`GAP`]
/// apart (after its rows are in: columns exist once a row has them).
fn layout(table: &mut Table, widths: &[usize]) {
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    let last = widths.len().saturating_sub(1);
    for (index, column) in table.column_iter_mut().enumerate() {
        let gap = if index == last { 0 } else { GAP };
        let width = widths.get(index).copied().unwrap_or(0) + gap;
        column.set_padding((0, u16::try_from(gap).unwrap_or(0)));
        column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
            u16::try_from(width).unwrap_or(u16::MAX),
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(records: &[&str], columns: &[&str], limit: Option<usize>) -> String {
        let mut sink = Rows::new(
            Vec::new(),
            columns.iter().map(|c| (*c).to_owned()).collect(),
            limit,
        );
        for batch in records {
            let node: Node = serde_json::from_str(batch).unwrap();
            let Node::Array(items) = node else { panic!() };
            let objects: Vec<Object> = items
                .into_iter()
                .map(|item| match item {
                    Node::Object(members) => members,
                    _ => panic!(),
                })
                .collect();
            sink.write(&objects).unwrap();
        }
        String::from_utf8(sink.out).unwrap()
    }

    #[test]
    fn later_batches_keep_the_widths_but_never_cut_a_number() {
        let text = rows(
            &[
                r#"[{"id":1,"summary":"Printer"},{"id":22,"summary":"VPN down"}]"#,
                r#"[{"id":333,"summary":"A much longer summary than before"}]"#,
            ],
            &["id", "summary"],
            None,
        );
        assert_eq!(
            text,
            "id  summary\n1   Printer\n22  VPN down\n333  A much …\n"
        );
    }

    #[test]
    fn rows_fit_the_terminal() {
        let long = "x".repeat(80);
        let text = rows(
            &[&format!(r#"[{{"id":1,"a":"{long}","b":"{long}"}}]"#)],
            &["id", "a", "b"],
            Some(40),
        );
        for line in text.lines() {
            assert!(measure_text_width(line) <= 40, "{line:?}");
        }
        assert!(text.contains('…'), "{text}");
    }

    #[test]
    fn a_record_shows_its_fields_with_values() {
        let record: Node =
            serde_json::from_str(r#"{"id":7,"summary":"Line one\nline two","agent_id":null}"#)
                .unwrap();
        let Node::Object(members) = record else {
            panic!()
        };
        let mut out = Vec::new();
        super::record(&mut out, &members, Some(30)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id       7\nsummary  Line one line two\n"
        );
    }
}
