//! The API surface of the generated crate under insta: one snapshot per
//! entity and one for the crate root (`snapshots/api__*.snap`), written by
//! `cargo xtask gen` and asserted here, so a spec change shows up in review
//! as a few lines of the surface, breaking changes labelled first.

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};

use halopsa_codegen::surface::{split, Surface};
use support::{edit_line, insert_field};
use xtask::surface::{report, snapshot_file, TEST_SOURCE};
use xtask::{check, generate, render_diff, Change, Paths};

/// The API half of `cargo xtask gen --check`, with insta's diff of each
/// snapshot that differs, and the API changes (`BREAKING:` lines first)
/// leading the failure message.
#[test]
fn api_snapshots_match_the_spec() {
    let paths = Paths::default();
    let generated = generate(&paths).expect("the committed spec generates");
    let stale = check(&paths, &generated);
    let changes = report(&stale.api);
    if !changes.is_empty() {
        // Before insta's diffs, so a reviewer reads what breaks first.
        eprintln!("API changes:\n{}\n", changes.join("\n"));
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    let mut failed = Vec::new();
    settings.bind(|| {
        for surface in &generated.surfaces {
            let assertion = catch_unwind(AssertUnwindSafe(|| {
                insta::assert_snapshot!(surface.name.as_str(), surface.text.trim_end());
            }));
            if assertion.is_err() {
                failed.push(surface.name.as_str());
            }
        }
    });
    // When insta saw no difference, the files differ in form (a header, a
    // stale snapshot of a removed entity): show their diff instead.
    let (which, diff) = match (&paths.snapshots, failed.is_empty()) {
        (Some(dir), true) => ("the files".to_owned(), render_diff(&stale.api, dir)),
        _ => (failed.join(", "), String::new()),
    };
    assert!(
        stale.api.is_empty() && failed.is_empty(),
        "{}the API snapshots differ from the spec ({which}); if the change is intended, run \
         `cargo xtask gen` (or accept it with `cargo insta review`, then run `cargo xtask gen` \
         for the code) and commit the result\n{diff}",
        changes
            .iter()
            .map(|line| format!("{line}\n"))
            .collect::<String>(),
    );
}

/// `cargo insta review` accepts a pending snapshot by reading it and saving
/// it without its assertion line; a file `gen` writes must survive that
/// unchanged, or accepting a change and running `gen` would disagree.
#[test]
fn snapshot_files_are_what_insta_writes() {
    assert_eq!(TEST_SOURCE, file!());
    let dir = std::env::temp_dir().join(format!("xtask-api-snap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let generated = generate(&Paths::default()).unwrap();
    for file in &generated.snapshots() {
        let written = dir.join(&file.path);
        std::fs::write(&written, &file.contents).unwrap();
        let snapshot = insta::Snapshot::from_file(&written).unwrap();
        assert_eq!(snapshot.metadata().source(), Some(TEST_SOURCE));
        assert_eq!(snapshot.metadata().expression(), None);
        let saved = dir.join(format!("saved-{}", file.path));
        snapshot.save(&saved).unwrap();
        assert_eq!(std::fs::read_to_string(&saved).unwrap(), file.contents);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The surfaces of the real spec and of `edit(spec)`, as a reviewer sees
/// them: the changed lines of the module's snapshot diff, and the report.
fn review(module: &str, edit: impl Fn(&str) -> String) -> (Vec<String>, Vec<String>) {
    let spec = std::fs::read_to_string(Paths::default().spec).unwrap();
    let surfaces = |text: &str| -> Vec<Surface> {
        let checked = halopsa_codegen::check("spec/halopsa.yaml", text).expect("the spec is valid");
        halopsa_codegen::surface::surface(&checked)
    };
    let (before, after) = (surfaces(&spec), surfaces(&edit(&spec)));
    // Only the edited module's surface changes.
    let changed: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|(old, new)| old != new)
        .map(|(old, _)| old.name.as_str())
        .collect();
    assert_eq!(changed, [module]);
    let find = |all: &[Surface]| all.iter().find(|s| s.name == module).unwrap().clone();
    let (old, new) = (snapshot_file(&find(&before)), snapshot_file(&find(&after)));
    let diff: Vec<String> = similar::TextDiff::from_lines(&old.contents, &new.contents)
        .iter_all_changes()
        .filter(|change| change.tag() != similar::ChangeTag::Equal)
        .map(|change| format!("{}{}", change.tag(), change.value().trim_end()))
        .collect();
    let change = (
        Change::Updated(old.path.clone()),
        old.contents,
        new.contents,
    );
    (diff, report(&[change]))
}

#[test]
fn adding_a_field_adds_its_field_and_setter() {
    let (diff, report) = review("ticket", |spec| {
        insert_field(
            spec,
            "Ticket",
            "      zz_added: { type: string, doc: A field added by a test. }",
        )
    });
    assert_eq!(
        diff,
        [
            r#"+field zz_added: Option<String>  wire "zz_added""#,
            r#"+setter zz_added: String  on NewTicket, TicketPatch  wire "zz_added""#,
        ]
    );
    assert_eq!(
        report,
        [
            r#"added: ticket: field zz_added: Option<String>  wire "zz_added""#,
            r#"added: ticket: setter zz_added: String  on NewTicket, TicketPatch  wire "zz_added""#,
        ]
    );
}

#[test]
fn removing_a_filter_is_breaking() {
    let (diff, report) = review("ticket", |spec| {
        edit_line(spec, "Ticket", "open_only:", None)
    });
    assert_eq!(diff, [r#"-filter open_only: switch  wire "open_only""#]);
    assert_eq!(
        report,
        [r#"BREAKING: ticket: removed filter open_only: switch  wire "open_only""#]
    );
}

#[test]
fn changing_a_field_type_is_breaking() {
    let (diff, report) = review("ticket", |spec| {
        edit_line(
            spec,
            "Ticket",
            "impact:",
            Some("      impact: { type: string, doc: The impact level's code. }"),
        )
    });
    assert_eq!(
        diff,
        [
            r#"-field impact: Option<i32>  wire "impact"  placeholders"#,
            r#"+field impact: Option<String>  wire "impact""#,
            r#"-setter impact: i32  on NewTicket, TicketPatch  wire "impact""#,
            r#"+setter impact: String  on NewTicket, TicketPatch  wire "impact""#,
        ]
    );
    assert_eq!(
        report,
        [
            r#"BREAKING: ticket: changed field impact: was Option<i32>  wire "impact"  placeholders, now Option<String>  wire "impact""#,
            r#"BREAKING: ticket: changed setter impact: was i32  on NewTicket, TicketPatch  wire "impact", now String  on NewTicket, TicketPatch  wire "impact""#,
        ]
    );
}

/// A new Rust name is a new method: the old one is gone, whatever the wire says.
#[test]
fn renaming_a_filter_is_a_removal_and_an_addition() {
    let (_, report) = review("ticket", |spec| {
        edit_line(
            spec,
            "Ticket",
            "withattachments:",
            Some("      withattachments: { type: bool, doc: Only tickets with attachments., rust_name: has_attachments }"),
        )
    });
    assert_eq!(
        report,
        [
            r#"BREAKING: ticket: removed filter with_attachments: switch  wire "withattachments""#,
            r#"added: ticket: filter has_attachments: switch  wire "withattachments""#,
        ]
    );
}

/// Each key names one item, so the report can match items across versions.
#[test]
fn keys_are_unique_within_a_surface() {
    for surface in generate(&Paths::default()).unwrap().surfaces {
        let mut keys: Vec<&str> = surface.text.lines().map(|line| split(line).0).collect();
        let count = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), count, "{}: a key repeats", surface.name);
    }
}

/// The surface is written from the model, not read from the code: each
/// field, setter and parameter line must say what the generated file
/// declares (`pub summary: Option<String>,`, `summary(String) = "summary",`).
#[test]
fn surface_lines_agree_with_the_generated_code() {
    let generated = generate(&Paths::default()).unwrap();
    let mut checked = 0;
    for surface in &generated.surfaces {
        let file = match surface.name.as_str() {
            halopsa_codegen::surface::CRATE => "types.rs".to_owned(),
            module => format!("{module}.rs"),
        };
        let code = generated.code.iter().find(|f| f.path == file).unwrap();
        for line in surface.text.lines() {
            let (key, value) = split(line);
            let Some((kind, name)) = key.split_once(' ') else {
                continue;
            };
            let parts: Vec<&str> = value.split("  ").collect();
            let wire = parts.iter().find_map(|part| part.strip_prefix("wire "));
            // A shared struct's field is `Struct.field`.
            let name = name.rsplit('.').next().unwrap_or(name);
            let expected = match (kind, wire) {
                ("field", _) if name == "id" && !value.contains("Option") => {
                    format!("pub id: {},", parts[0])
                }
                ("field", Some(wire)) => {
                    let serde = format!("{wire} => {name},");
                    assert!(
                        code.contents.contains(&serde),
                        "{}: no `{serde}`",
                        code.path
                    );
                    format!("pub {name}: {},", parts[0])
                }
                ("setter", Some(wire)) => match parts[0] {
                    "switch" => format!("{name}() = {wire},"),
                    ty => format!("{name}({ty}) = {wire},"),
                },
                // A required parameter is an argument of the method.
                ("filter" | "get_param" | "delete_param" | "param" | "path_param", _)
                    if kind == "path_param" || parts.contains(&"required") =>
                {
                    match parts[0].strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                        Some(inner) => {
                            format!("{name}: impl IntoIterator<Item = impl Into<{inner}>>")
                        }
                        None => format!("{name}: impl Into<{}>", parts[0]),
                    }
                }
                ("filter" | "get_param" | "delete_param" | "param", Some(wire)) => match parts[0] {
                    "switch" => format!("{name}() = {wire},"),
                    ty => format!("{name}({ty}) = {wire},"),
                },
                ("type", _) => format!("pub type {name} = {};", parts[0]),
                ("op", _) => {
                    // `Handle::name(args) -> Returns`: the method and what it returns.
                    let returns = parts[0].rsplit(" -> ").next().unwrap();
                    let method = format!("pub fn {name}");
                    assert!(
                        code.contents.contains(&method),
                        "{}: no `{method}`",
                        code.path
                    );
                    // A file has a request type of its own kind; a report
                    // query returns the runtime's `ReportQuery`.
                    let answers = parts.iter().find_map(|p| p.strip_prefix("answers "));
                    let request = match answers {
                        Some("File") => Some(format!("file {returns};")),
                        Some("ReportRows") => None,
                        Some(answers) => Some(format!("action {returns} => {answers};")),
                        None => None,
                    };
                    if let Some(request) = request {
                        assert!(
                            code.contents.contains(&request),
                            "{}: no `{request}`",
                            code.path
                        );
                    }
                    format!("-> {returns}")
                }
                _ => continue,
            };
            assert!(
                code.contents.contains(&expected),
                "{}: `{line}` but the code has no `{expected}`",
                code.path
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} lines checked");
}
