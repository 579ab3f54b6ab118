//! The API snapshots: the generator's surface texts
//! ([`halopsa_codegen::surface`]) as the insta snapshot files of
//! `xtask/tests/api.rs`, and what changed between two of them.
//!
//! `cargo xtask gen` writes these files and the snapshot test asserts the
//! same texts with insta, so a file is exactly what `cargo insta review`
//! would accept: insta's header (the test's path, no expression), the text,
//! one final newline.

use std::path::Path;

use halopsa_codegen::surface::{compare, Surface};
use halopsa_codegen::GeneratedFile;

use crate::{Change, FileChange};

/// The snapshot test, as insta names it in every header (relative to the workspace).
pub const TEST_SOURCE: &str = "xtask/tests/api.rs";

/// The header insta writes for an `assert_snapshot!` in [`TEST_SOURCE`]
/// whose expression is omitted.
fn header() -> String {
    format!("---\nsource: {TEST_SOURCE}\n---\n")
}

/// The snapshot name insta gives `assert_snapshot!(name, ..)` in the test
/// file `api.rs`: the test's module, two underscores, the name.
pub fn file_name(surface: &str) -> String {
    format!("api__{surface}.snap")
}

/// The snapshot file of one surface text.
pub fn snapshot_file(surface: &Surface) -> GeneratedFile {
    GeneratedFile {
        path: file_name(&surface.name),
        contents: format!("{}{}\n", header(), surface.text.trim_end()),
    }
}

/// Whether a file of the snapshot directory is one of these snapshots, so
/// `gen` may replace or remove it: other tests' snapshots are never touched.
pub fn is_ours(name: &str, text: &str) -> bool {
    name.starts_with("api__") && name.ends_with(".snap") && text.starts_with(&header())
}

/// A snapshot file's text without its header.
pub fn body(file: &str) -> &str {
    file.strip_prefix(&header()).unwrap_or(file)
}

/// The surface name of a snapshot file (`api__ticket.snap` is `ticket`).
fn surface_name(path: &str) -> &str {
    let file = Path::new(path)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(path);
    file.strip_prefix("api__")
        .and_then(|rest| rest.strip_suffix(".snap"))
        .unwrap_or(file)
}

/// What changed in the API, item by item, from the changes of the snapshot
/// files (change, committed text, new text): every `BREAKING:` line first
/// (removed and changed items), then the additions. Each line names its
/// surface: `BREAKING: ticket: removed filter open_only: switch  wire "open_only"`.
pub fn report(changes: &[FileChange]) -> Vec<String> {
    let mut breaking = Vec::new();
    let mut added = Vec::new();
    for (change, old, new) in changes {
        let name = surface_name(change.path());
        let (old, new) = (body(old), body(new));
        match change {
            Change::Created(_) => {
                added.push(format!("added: {name}: new, {} items", new.lines().count()))
            }
            Change::Removed(_) => breaking.push(format!(
                "BREAKING: {name}: removed, {} items",
                old.lines().count()
            )),
            Change::Updated(_) => {
                for difference in compare(old, new) {
                    let line = format!("{}: {name}: {difference}", difference.label());
                    if difference.is_breaking() {
                        breaking.push(line);
                    } else {
                        added.push(line);
                    }
                }
            }
        }
    }
    breaking.extend(added);
    breaking
}
