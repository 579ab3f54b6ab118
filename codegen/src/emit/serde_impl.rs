//! The serde impls of records: one `record!` table per model.
//!
//! The runtime's `record!` macro expands a table of `"wire" => field` into a
//! `Serialize` that writes the fields that are set and then `extra`, and a
//! map visitor that reads known keys leniently and keeps every other key in
//! `extra` (see `runtime/macros/record.rs`). So a field costs one line here,
//! and the expansion's own names cannot collide with spec names.

use super::tables::{string_literal, Table};
use crate::model::Field;

/// What a record is, which decides the impls it gets.
pub(super) enum Kind<'a> {
    /// A collection's record, with a required id of this type.
    Entity(&'a str),
    /// A shared struct: read, written, and usable as a field type.
    Struct,
}

/// The `record!` table of a struct with these optional fields.
pub(super) fn table(name: &str, kind: Kind<'_>, fields: &[&Field]) -> String {
    let mut table = Table::new("record");
    match kind {
        Kind::Entity(id_type) => {
            table.open(name).line(&format!("id: {id_type},"));
        }
        Kind::Struct => {
            table.open(&format!("struct {name}"));
        }
    }
    for field in fields {
        table.line(&format!(
            "{} => {},",
            string_literal(&field.wire),
            field.rust
        ));
    }
    table.finish()
}
