//! Printing records: a table for people, JSON, NDJSON, CSV or YAML for
//! scripts. Records are written batch by batch as they arrive, each batch
//! flushed, so `halo tickets list --all | head` shows rows at once.

mod table;

use std::io::{self, Write};

use super::value::{Node, Object};

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Json,
    Ndjson,
    Csv,
    Yaml,
}

impl Format {
    pub(crate) fn parse(name: &str) -> Format {
        match name {
            "json" => Format::Json,
            "ndjson" => Format::Ndjson,
            "csv" => Format::Csv,
            "yaml" => Format::Yaml,
            _ => Format::Table,
        }
    }
}

/// Where a listing's records go, batch by batch.
pub(crate) trait Sink {
    /// Writes these records and flushes.
    fn write(&mut self, records: &[Object]) -> io::Result<()>;
    /// Ends the output (the closing `]` of a JSON array).
    fn finish(&mut self) -> io::Result<()>;
}

/// A sink for `format`. `columns` are what a table or CSV shows (empty:
/// the first record's fields); `limit` the terminal's width, for a table.
pub(crate) fn sink<W: Write + 'static>(
    format: Format,
    out: W,
    columns: Vec<String>,
    limit: Option<usize>,
) -> Box<dyn Sink> {
    match format {
        Format::Table => Box::new(table::Rows::new(out, columns, limit)),
        Format::Json => Box::new(JsonArray { out, written: 0 }),
        Format::Ndjson => Box::new(Lines { out }),
        Format::Csv => Box::new(Csv {
            out: csv::Writer::from_writer(out),
            columns,
            header: false,
        }),
        Format::Yaml => Box::new(Yaml { out, written: 0 }),
    }
}

/// Prints one record (the answer to get, create, patch): a table lists its
/// fields one per line.
pub(crate) fn record<W: Write + 'static>(
    format: Format,
    mut out: W,
    record: Object,
    columns: Vec<String>,
    limit: Option<usize>,
) -> io::Result<()> {
    match format {
        Format::Table => table::record(&mut out, &record, limit),
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &Node::Object(record))?;
            writeln!(out)?;
            out.flush()
        }
        Format::Yaml => {
            let text = serde_yaml::to_string(&Node::Object(record)).map_err(io::Error::other)?;
            out.write_all(text.as_bytes())?;
            out.flush()
        }
        Format::Ndjson | Format::Csv => {
            let mut sink = sink(format, out, columns, limit);
            sink.write(&[record])?;
            sink.finish()
        }
    }
}

/// Prints any JSON answer: an array of objects as records, an object as
/// one record, anything else as JSON (or as text in a table).
pub(crate) fn value<W: Write + 'static>(
    format: Format,
    mut out: W,
    value: Node,
    columns: Vec<String>,
    limit: Option<usize>,
) -> io::Result<()> {
    match value {
        Node::Object(members) => record(format, out, members, columns, limit),
        Node::Array(items) if items.iter().all(|item| matches!(item, Node::Object(_))) => {
            let records: Vec<Object> = items
                .into_iter()
                .filter_map(|item| match item {
                    Node::Object(members) => Some(members),
                    _ => None,
                })
                .collect();
            let mut sink = sink(format, out, columns, limit);
            sink.write(&records)?;
            sink.finish()
        }
        other => {
            match format {
                Format::Yaml => {
                    let text = serde_yaml::to_string(&other).map_err(io::Error::other)?;
                    out.write_all(text.as_bytes())?;
                }
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &other)?;
                    writeln!(out)?;
                }
                Format::Ndjson => {
                    serde_json::to_writer(&mut out, &other)?;
                    writeln!(out)?;
                }
                // A bare string prints as text, anything else as JSON.
                Format::Table | Format::Csv => writeln!(out, "{}", other.text())?,
            }
            out.flush()
        }
    }
}

/// `--output json`: one array, its records pretty-printed as they come.
struct JsonArray<W: Write> {
    out: W,
    written: usize,
}

impl<W: Write> Sink for JsonArray<W> {
    fn write(&mut self, records: &[Object]) -> io::Result<()> {
        for record in records {
            let text = serde_json::to_string_pretty(&Node::Object(record.clone()))?;
            self.out
                .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            for (index, line) in text.lines().enumerate() {
                if index > 0 {
                    self.out.write_all(b"\n")?;
                }
                write!(self.out, "  {line}")?;
            }
            self.written += 1;
        }
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out
            .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}

/// `--output ndjson`: one compact record per line.
struct Lines<W: Write> {
    out: W,
}

impl<W: Write> Sink for Lines<W> {
    fn write(&mut self, records: &[Object]) -> io::Result<()> {
        for record in records {
            serde_json::to_writer(&mut self.out, &ObjectRef(record))?;
            self.out.write_all(b"\n")?;
        }
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// `--output csv`: a header of the columns, then one row per record; lists
/// and objects as compact JSON.
struct Csv<W: Write> {
    out: csv::Writer<W>,
    columns: Vec<String>,
    header: bool,
}

impl<W: Write> Csv<W> {
    fn header(&mut self) -> io::Result<()> {
        if !self.header {
            self.header = true;
            self.out.write_record(&self.columns)?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for Csv<W> {
    fn write(&mut self, records: &[Object]) -> io::Result<()> {
        if let (true, Some(first)) = (self.columns.is_empty(), records.first()) {
            self.columns = first.iter().map(|(key, _)| key.clone()).collect();
        }
        self.header()?;
        for record in records {
            let row = self.columns.iter().map(|column| {
                super::value::find(record, column)
                    .map(Node::text)
                    .unwrap_or_default()
            });
            self.out.write_record(row)?;
        }
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.header()?;
        self.out.flush()
    }
}

/// `--output yaml`: a sequence, one item per record.
struct Yaml<W: Write> {
    out: W,
    written: usize,
}

impl<W: Write> Sink for Yaml<W> {
    fn write(&mut self, records: &[Object]) -> io::Result<()> {
        for record in records {
            let item = [ObjectRef(record)];
            let text = serde_yaml::to_string(&item).map_err(io::Error::other)?;
            self.out.write_all(text.as_bytes())?;
            self.written += 1;
        }
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.written == 0 {
            self.out.write_all(b"[]\n")?;
        }
        self.out.flush()
    }
}

/// An object serialized in place, without cloning it into a [`Node`].
struct ObjectRef<'a>(&'a Object);

impl serde::Serialize for ObjectRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
