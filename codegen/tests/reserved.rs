//! The reserved-name table (`halopsa_codegen::reserved`) against the code it
//! describes: the runtime's source and the generated files' imports.
//!
//! Adding a method to `HaloClient` or a request type, a re-export to the crate
//! root, or an import to generated files without listing it in the table
//! fails here, so specs that validate can never produce a name clash.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use halopsa_codegen::reserved;
use syn::{ImplItem, Item, Type, UseTree};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Methods found in `impl` blocks of the runtime: (type, method, is a trait impl).
fn runtime_methods() -> Vec<(String, String, bool)> {
    let mut files = Vec::new();
    rust_files(
        &workspace().join("generated-client/src/runtime"),
        &mut files,
    );
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        collect(&parsed.items, &mut found);
    }
    found
}

fn collect(items: &[Item], found: &mut Vec<(String, String, bool)>) {
    for item in items {
        match item {
            Item::Impl(block) => {
                let Type::Path(path) = &*block.self_ty else {
                    continue;
                };
                let Some(last) = path.path.segments.last() else {
                    continue;
                };
                for inner in &block.items {
                    if let ImplItem::Fn(method) = inner {
                        found.push((
                            last.ident.to_string(),
                            method.sig.ident.to_string(),
                            block.trait_.is_some(),
                        ));
                    }
                }
            }
            Item::Mod(module) => {
                let is_test = module.attrs.iter().any(|a| a.path().is_ident("cfg"));
                if let (Some((_, items)), false) = (&module.content, is_test) {
                    collect(items, found);
                }
            }
            _ => {}
        }
    }
}

fn inherent(found: &[(String, String, bool)], ty: &str) -> BTreeSet<String> {
    found
        .iter()
        .filter(|(t, _, is_trait)| t == ty && !is_trait)
        .map(|(_, m, _)| m.clone())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn client_methods_are_exactly_the_runtimes() {
    let found = runtime_methods();
    assert_eq!(
        inherent(&found, "HaloClient"),
        set(reserved::CLIENT_METHODS),
        "update CLIENT_METHODS in codegen/src/reserved.rs"
    );
}

/// The arms of a `macro_rules!` in `text`: (first line, body), at four spaces of indent.
fn macro_arms<'a>(text: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let start = text
        .find(&format!("macro_rules! {name} {{"))
        .unwrap_or_else(|| panic!("macro {name}"));
    let end = text[start..]
        .find("\n}\n")
        .map_or(text.len(), |e| start + e);
    let body = &text[start..end];
    let mut arms = Vec::new();
    let starts: Vec<usize> = body
        .match_indices("\n    (")
        .map(|(at, _)| at + 1)
        .collect();
    for (i, at) in starts.iter().enumerate() {
        let arm = &body[*at..starts.get(i + 1).copied().unwrap_or(body.len())];
        let head = arm.lines().next().unwrap_or_default().trim_start();
        arms.push((head, arm));
    }
    arms
}

/// Names of the `fn`s written in `text`, except trait methods.
fn fn_names(text: &str) -> BTreeSet<String> {
    text.match_indices("fn ")
        .filter(|(at, _)| {
            *at == 0 || !text[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        })
        .map(|(at, _)| {
            text[at + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty() && !reserved::TRAIT_METHODS.contains(&name.as_str()))
        .collect()
}

/// Every method of each kind of entity request type, read from the
/// `request!` and `input!` macros (helper arms such as `@order` included
/// where a kind's arm calls them).
#[test]
fn request_methods_are_exactly_the_macros() {
    let text =
        fs::read_to_string(workspace().join("generated-client/src/runtime/macros/request.rs"))
            .unwrap();
    let arms = macro_arms(&text, "request");
    let helper = |name: &str| {
        arms.iter()
            .find(|(head, _)| head.starts_with(&format!("(@{name}")))
            .map(|(_, body)| fn_names(body))
            .unwrap_or_default()
    };
    let mut found: Vec<(String, BTreeSet<String>)> = Vec::new();
    for (head, body) in &arms {
        let Some(kind) = head
            .strip_prefix("($(#[$doc:meta])* ")
            .and_then(|rest| rest.split(' ').next())
        else {
            continue;
        };
        let mut methods = fn_names(body);
        for name in ["order", "param", "retry"] {
            if body.contains(&format!("request!(@{name})")) {
                methods.extend(helper(name));
            }
        }
        found.push((kind.to_owned(), methods));
    }
    let input = macro_arms(&text, "input")
        .into_iter()
        .map(|(_, body)| fn_names(body))
        .fold(BTreeSet::new(), |mut all, names| {
            all.extend(names);
            all
        });
    found.push(("input".to_owned(), input));
    found.sort();
    let table: Vec<(String, BTreeSet<String>)> = reserved::REQUEST_METHODS
        .iter()
        .map(|(kind, methods)| ((*kind).to_owned(), set(methods)))
        .collect();
    assert_eq!(
        found, table,
        "update REQUEST_METHODS in codegen/src/reserved.rs"
    );
}

#[test]
fn trait_methods_of_client_and_requests_are_listed() {
    let found = runtime_methods();
    let tracked: BTreeSet<&str> = [
        "HaloClient",
        "ListRequest",
        "UnpagedListRequest",
        "GetRequest",
        "PatchRequest",
        "DeleteRequest",
    ]
    .into_iter()
    .collect();
    for (ty, method, is_trait) in &found {
        if *is_trait && tracked.contains(ty.as_str()) {
            assert!(
                reserved::TRAIT_METHODS.contains(&method.as_str()),
                "`{ty}::{method}` comes from a trait: add it to TRAIT_METHODS"
            );
        }
    }
}

/// The names of `pub use runtime::{...}` in the crate root.
#[test]
fn root_reexports_are_exactly_the_crate_roots() {
    let text = fs::read_to_string(workspace().join("generated-client/src/lib.rs")).unwrap();
    let file = syn::parse_file(&text).unwrap();
    let mut names = BTreeSet::new();
    for item in &file.items {
        if let Item::Use(item) = item {
            if let UseTree::Path(path) = &item.tree {
                if path.ident == "runtime" {
                    use_names(&path.tree, &mut names);
                }
            }
        }
    }
    assert_eq!(
        names,
        set(reserved::ROOT_REEXPORTS),
        "update ROOT_REEXPORTS in codegen/src/reserved.rs"
    );
}

fn use_names(tree: &UseTree, out: &mut BTreeSet<String>) {
    match tree {
        UseTree::Path(path) => use_names(&path.tree, out),
        UseTree::Name(name) => {
            out.insert(name.ident.to_string());
        }
        UseTree::Rename(rename) => {
            out.insert(rename.rename.to_string());
        }
        UseTree::Group(group) => group.items.iter().for_each(|t| use_names(t, out)),
        UseTree::Glob(_) => {}
    }
}

/// Every spec the generator is tested on: the real one and the valid fixtures.
fn specs() -> Vec<(String, String)> {
    let mut specs = vec![(
        "spec/halopsa.yaml".to_owned(),
        fs::read_to_string(workspace().join("spec/halopsa.yaml")).unwrap(),
    )];
    let mut fixtures = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    for entry in fs::read_dir(dir).unwrap() {
        fixtures.push(entry.unwrap().path());
    }
    fixtures.sort();
    for path in fixtures {
        specs.push((
            path.display().to_string(),
            fs::read_to_string(&path).unwrap(),
        ));
    }
    specs
}

/// What generated files import by name, other than the spec's own names
/// (`use super::{..}`, `pub use ticket::{..}`): exactly the table's imported
/// types and macros.
#[test]
fn generated_imports_are_exactly_the_tables() {
    let mut imported = BTreeSet::new();
    for (name, source) in specs() {
        let files = halopsa_codegen::generate(&name, &source).unwrap();
        // The command-line client's table holds spec text only in string
        // literals and declares no item a spec names: its imports (the
        // table's types) meet no spec name.
        for file in files.into_iter().filter(|file| file.path != "cli.rs") {
            let parsed = syn::parse_file(&file.contents).unwrap();
            for item in &parsed.items {
                if let Item::Use(item) = item {
                    // `pub use ticket::{..}` re-exports the spec's own names.
                    let reexport = !matches!(item.vis, syn::Visibility::Inherited);
                    if reexport || matches!(&item.tree, UseTree::Path(p) if p.ident == "super") {
                        continue;
                    }
                    use_names(&item.tree, &mut imported);
                }
            }
        }
    }
    let table: BTreeSet<String> = set(reserved::IMPORTED_TYPES)
        .into_iter()
        .chain(set(reserved::IMPORTED_MACROS))
        .collect();
    assert_eq!(
        imported, table,
        "update IMPORTED_TYPES or IMPORTED_MACROS in codegen/src/reserved.rs"
    );
}

/// The string literals that follow `prefix` (`.long("`) in `text`.
fn literals_after(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// The command-line client's own flags and commands, read from its source,
/// against the table that keeps spec names off them: every `.long("..")`
/// of `cli/command.rs` (the flags a spec's filters, parameters and fields
/// meet; the other modules' commands take no spec flags), every
/// `Command::new("..")` under `cli/`, and clap's `--help`, `--version` and
/// `help`.
#[test]
fn cli_names_are_exactly_the_clients() {
    let cli = workspace().join("generated-client/src/cli");
    let command = fs::read_to_string(cli.join("command.rs")).unwrap();
    let mut flags = literals_after(&command, ".long(\"");
    flags.extend(["help".to_owned(), "version".to_owned()]);
    assert_eq!(
        flags,
        set(reserved::CLI_FLAGS),
        "update CLI_FLAGS in codegen/src/reserved.rs"
    );
    let mut files = Vec::new();
    rust_files(&cli, &mut files);
    let mut commands = BTreeSet::new();
    for file in files {
        commands.extend(literals_after(
            &fs::read_to_string(&file).unwrap(),
            "Command::new(\"",
        ));
    }
    commands.remove("halo");
    commands.insert("help".to_owned());
    let table: BTreeSet<String> = set(reserved::CLI_COMMANDS)
        .into_iter()
        .chain(set(reserved::CLI_SUBCOMMANDS))
        .collect();
    assert_eq!(
        commands, table,
        "update CLI_COMMANDS or CLI_SUBCOMMANDS in codegen/src/reserved.rs"
    );
}
