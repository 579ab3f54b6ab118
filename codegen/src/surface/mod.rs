//! The API surface of the generated crate as text: what a reviewer reads
//! instead of the generated code's diff.
//!
//! [`surface`] writes one text for the crate root (the `API` constant, the
//! placeholders the runtime reads as `None`, the shared types) and one per
//! entity, from the checked model. Each line is one public item, written
//! `<kind> <name>: <value>`: the part before the first `": "` is the item's
//! key (`field summary`), unique within its text, and the rest is what the
//! item is (`Option<String>  wire "summary"`). So [`compare`] can tell an
//! added item from a removed or changed one: a retyped field is one changed
//! line, a renamed filter a removed and an added one.
//!
//! An entity's text reads in a fixed order of sections (module, id, record
//! and its fields, lookups, accessor, then each of the five operations
//! followed by its parameters or setters, then each action with its
//! parameters); within a section, items keep spec order. Wire
//! names and other spec strings are written as Rust string literals, so one
//! item is always one line. A new construct of the model is one more
//! function in `entity.rs` (or a file beside it, as `action.rs`), called
//! from `entity::entity`. `root.rs` writes the crate root's text.

mod action;
mod entity;
mod root;

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use crate::model::Spec;

/// The surface text of the crate root or of one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    /// [`CRATE`] for the crate root, else the entity's module (`ticket`).
    pub name: String,
    /// One item per line, each ending in a newline.
    pub text: String,
}

/// The name of the crate root's surface: a keyword, so no entity module has it.
pub const CRATE: &str = "crate";

/// The crate root's surface, then each entity's in spec order.
pub fn surface(spec: &Spec) -> Vec<Surface> {
    let root = Surface {
        name: CRATE.to_owned(),
        text: root::crate_root(spec),
    };
    let entities = spec.entities.iter().map(|e| Surface {
        name: e.module.clone(),
        text: entity::entity(spec, e),
    });
    std::iter::once(root).chain(entities).collect()
}

/// A line's key and value: `("field summary", "Option<String>  wire \"summary\"")`.
/// A line without `": "` is all key.
pub fn split(line: &str) -> (&str, &str) {
    line.split_once(": ").unwrap_or((line, ""))
}

/// One difference between two surface texts, found by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference<'a> {
    /// A line whose key is new.
    Added(&'a str),
    /// A line whose key is gone.
    Removed(&'a str),
    /// The same key with another value.
    Changed {
        /// The line before.
        old: &'a str,
        /// The line after.
        new: &'a str,
    },
}

impl Difference<'_> {
    /// Whether code using the old surface may stop compiling or behave
    /// differently: a removed item or a changed one. Additions are not.
    pub fn is_breaking(&self) -> bool {
        !matches!(self, Difference::Added(_))
    }

    /// `BREAKING` or `added`: what a report puts first.
    pub fn label(&self) -> &'static str {
        if self.is_breaking() {
            "BREAKING"
        } else {
            "added"
        }
    }
}

impl fmt::Display for Difference<'_> {
    /// The item, after the [`label`](Difference::label):
    /// `removed filter open_only: switch  wire "open_only"`,
    /// `changed field impact: was Option<i32> .., now Option<String> ..`,
    /// `field zz: Option<String>  wire "zz"` (added).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Added(line) => f.write_str(line),
            Difference::Removed(line) => write!(f, "removed {line}"),
            Difference::Changed { old, new } => {
                let (key, was) = split(old);
                write!(f, "changed {key}: was {was}, now {}", split(new).1)
            }
        }
    }
}

/// How `new` differs from `old`, item by item: removed items first (in the
/// old order), then changed ones, then added ones (in the new order).
pub fn compare<'a>(old: &'a str, new: &'a str) -> Vec<Difference<'a>> {
    let index = |text: &'a str| -> HashMap<&'a str, &'a str> {
        text.lines().map(|line| (split(line).0, line)).collect()
    };
    let (before, after) = (index(old), index(new));
    let removed = old
        .lines()
        .filter(|line| !after.contains_key(split(line).0))
        .map(Difference::Removed);
    let changed = new
        .lines()
        .filter_map(|line| match before.get(split(line).0) {
            Some(was) if *was != line => Some(Difference::Changed {
                old: was,
                new: line,
            }),
            _ => None,
        });
    let added = new
        .lines()
        .filter(|line| !before.contains_key(split(line).0))
        .map(Difference::Added);
    removed.chain(changed).chain(added).collect()
}

/// A surface text being written.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn item(&mut self, kind: &str, name: &str, value: impl fmt::Display) {
        let _ = writeln!(self.0, "{kind} {name}: {value}");
    }
}

/// Parts of a value, two spaces apart: `Option<String>  wire "summary"  read-only`.
fn value<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().collect::<Vec<_>>().join("  ")
}

/// A spec string as a Rust literal: escaped, so it cannot break the line.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}
