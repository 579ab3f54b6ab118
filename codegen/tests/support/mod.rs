//! Compiling generated code for real: a scratch cargo workspace with one crate
//! per spec, each made of the real runtime and that spec's generated files.
//!
//! All crates are checked in one cargo invocation under `target/compile-check`,
//! so the dependencies are compiled once and the crates in parallel. Each crate
//! is checked with `-D warnings`, and its docs are rendered with rustdoc's
//! warnings denied, so tests can read the HTML (where a doctest would show as
//! a code example).

#![allow(dead_code)] // each test binary uses a part

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use halopsa_codegen::GeneratedFile;

/// One crate to build: a name (a valid crate name) and its generated files.
pub struct Case {
    pub name: String,
    pub files: Vec<GeneratedFile>,
}

/// What the build found.
pub struct Built {
    /// Where the docs are: `doc/<crate>/...`.
    pub doc_dir: PathBuf,
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Checks every case with `-D warnings` and (with `render_docs`) renders their
/// docs with rustdoc's warnings denied. `label` keeps the workspaces of
/// different test binaries apart (they share the target directory, so
/// dependencies build once).
pub fn build(label: &str, cases: &[Case], render_docs: bool) -> Result<Built, String> {
    let root = workspace_root();
    let work = root.join("target").join("compile-check");
    let space = work.join(label);
    let _ = fs::remove_dir_all(&space);
    copy_dir(
        &root.join("generated-client/src/runtime"),
        &space.join("runtime"),
    );
    let member_manifest = standalone_manifest(
        &fs::read_to_string(root.join("generated-client/Cargo.toml")).unwrap(),
        &fs::read_to_string(root.join("Cargo.toml")).unwrap(),
    );
    let mut members = Vec::new();
    for case in cases {
        let dir = space.join(&case.name);
        let out = dir.join("src/generated");
        fs::create_dir_all(&out).unwrap();
        for file in &case.files {
            fs::write(out.join(&file.path), &file.contents).unwrap();
        }
        fs::write(
            dir.join("src/lib.rs"),
            // The runtime's pages are hidden: its docs are checked in its own
            // crate, and spec text reaches only generated items' pages.
            "//! Compile check.\n#![deny(missing_docs)]\n#[doc(hidden)]\n#[path = \"../../runtime/mod.rs\"]\npub mod runtime;\n#[rustfmt::skip]\nmod generated;\npub use generated::*;\n",
        )
        .unwrap();
        fs::write(
            dir.join("Cargo.toml"),
            member_manifest.replacen(
                "name = \"halopsa\"",
                &format!("name = \"{}\"", case.name),
                1,
            ),
        )
        .unwrap();
        members.push(format!("\"{}\"", case.name));
    }
    fs::write(
        space.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    fs::copy(root.join("Cargo.lock"), space.join("Cargo.lock")).unwrap();
    let target = work.join("target");
    let cargo = |args: &[&str]| {
        Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&space)
            .env("CARGO_TARGET_DIR", &target)
            // Every run rewrites the crates: incremental state would only
            // cost time and disk.
            .env("CARGO_INCREMENTAL", "0")
            .env("RUSTFLAGS", "-D warnings")
            .env("RUSTDOCFLAGS", "-D warnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("cargo runs")
    };
    // Checks each library with warnings denied. A check runs every lint a
    // build does, without the code generation and linking that would cost
    // minutes across dozens of crates; the real crate is built in full by
    // its own tests.
    let check = cargo(&["check", "--offline", "--workspace", "--lib"]);
    if !check.status.success() {
        return Err(format!(
            "cargo check failed:\n{}",
            String::from_utf8_lossy(&check.stderr)
        ));
    }
    if !render_docs {
        return Ok(Built {
            doc_dir: target.join("doc"),
        });
    }
    let docs = cargo(&["doc", "--offline", "--workspace", "--no-deps"]);
    if !docs.status.success() {
        return Err(format!(
            "cargo doc failed:\n{}",
            String::from_utf8_lossy(&docs.stderr)
        ));
    }
    Ok(Built {
        doc_dir: target.join("doc"),
    })
}

/// Every doc comment of a generated file, parsed the way rustdoc parses
/// markdown, must hold nothing but paragraphs, lists, text and code spans:
/// no code block (a doctest), HTML, link, image, heading, quote or table.
/// Returns what it found instead, with the doc's text.
pub fn foreign_markdown(contents: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    let mut docs: Vec<String> = Vec::new();
    let mut current: Option<(&str, String)> = None;
    for line in contents.lines() {
        let trimmed = line.trim_start();
        let marker = ["///", "//!"].into_iter().find(|m| trimmed.starts_with(m));
        match (marker, &mut current) {
            (Some(m), Some((open, text))) if *open == m => {
                text.push_str(trimmed[3..].strip_prefix(' ').unwrap_or(&trimmed[3..]));
                text.push('\n');
            }
            (Some(m), _) => {
                if let Some((_, text)) = current.take() {
                    docs.push(text);
                }
                let rest = &trimmed[3..];
                current = Some((m, format!("{}\n", rest.strip_prefix(' ').unwrap_or(rest))));
            }
            (None, _) => {
                if let Some((_, text)) = current.take() {
                    docs.push(text);
                }
            }
        }
    }
    docs.extend(current.map(|(_, text)| text));
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST;
    let mut found = Vec::new();
    for doc in docs {
        for event in Parser::new_ext(&doc, options) {
            // Links the generator writes go to Rust paths (`Self::send`);
            // spec text cannot make one, its brackets are escaped.
            let rust_path = |dest: &str| {
                !dest.is_empty()
                    && dest
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            };
            let fine = match &event {
                Event::Text(_)
                | Event::Code(_)
                | Event::SoftBreak
                | Event::Start(Tag::Paragraph | Tag::List(_) | Tag::Item)
                | Event::End(TagEnd::Paragraph | TagEnd::List(_) | TagEnd::Item | TagEnd::Link) => {
                    true
                }
                Event::Start(Tag::Link { dest_url, .. }) => rust_path(dest_url),
                _ => false,
            };
            if !fine {
                found.push(format!("{event:?} in:\n{doc}"));
            }
        }
    }
    found
}

/// The generated crate's manifest as a member of the scratch workspace:
/// workspace-inherited keys resolved from the root manifest; no benches,
/// binaries, tests or dev-dependencies; and the library alone, so optional
/// dependencies go and each feature is declared empty (the command-line
/// client's `cli` is not checked here: its own tests build it).
fn standalone_manifest(member: &str, root: &str) -> String {
    let root = toml_like::Root::new(root);
    let mut out = String::new();
    let mut section = String::new();
    for line in member.lines() {
        if line.starts_with('[') {
            section = line.to_owned();
        }
        let skipped = ["bench", "dev-dependencies", "[[bin]]", "[[test]]"];
        if skipped.iter().any(|name| section.contains(name)) {
            continue;
        }
        if section == "[features]" {
            if let Some((name, _)) = line.split_once(" = [").filter(|_| !line.starts_with('#')) {
                out.push_str(&format!("{name} = []\n"));
            } else if line.starts_with('[') {
                out.push_str("[features]\n");
            }
            continue;
        }
        if section == "[dependencies]" && line.contains("optional = true") {
            continue;
        }
        if section == "[package]" && line.contains("workspace = true") {
            let key = manifest_key(line);
            if let Some(value) = root.package(key) {
                out.push_str(&format!("{key} = {value}\n"));
            }
            continue;
        }
        if section == "[dependencies]" && line.contains("workspace = true") {
            // Features added in the member are not merged: it has none today.
            let key = manifest_key(line);
            if let Some(value) = root.dependency(key) {
                out.push_str(&format!("{key} = {value}\n"));
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `tokio` in `tokio.workspace = true` or `tokio = { workspace = true }`.
fn manifest_key(line: &str) -> &str {
    line.split(['.', ' ', '=']).next().unwrap_or_default()
}

/// Just enough reading of the root manifest for `standalone_manifest`: one
/// `key = value` per line in `[workspace.package]` and `[workspace.dependencies]`.
mod toml_like {
    pub struct Root<'a>(&'a str);

    impl<'a> Root<'a> {
        pub fn new(text: &'a str) -> Self {
            Root(text)
        }
        fn find(&self, table: &str, key: &str) -> Option<String> {
            let mut in_table = false;
            for line in self.0.lines() {
                if line.starts_with('[') {
                    in_table = line.trim() == table;
                } else if in_table {
                    if let Some((k, v)) = line.split_once('=') {
                        if k.trim() == key {
                            return Some(v.trim().to_owned());
                        }
                    }
                }
            }
            None
        }
        pub fn package(&self, key: &str) -> Option<String> {
            self.find("[workspace.package]", key)
        }
        pub fn dependency(&self, key: &str) -> Option<String> {
            self.find("[workspace.dependencies]", key)
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
