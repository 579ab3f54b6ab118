//! The committed generated code must match the spec, and a spec edit must
//! touch only what it describes.

mod support;

use std::collections::BTreeMap;

use support::insert_field;
use xtask::{check, generate, render_diff, Paths};

/// The code half of `cargo xtask gen --check` (`api.rs` has the API half).
#[test]
fn committed_generated_code_is_current() {
    let paths = Paths::default();
    let generated = generate(&paths).expect("the committed spec generates");
    let stale = check(&paths, &generated);
    assert!(
        stale.code.is_empty(),
        "generated code is stale; run `cargo xtask gen`:\n{}",
        render_diff(&stale.code, &paths.out)
    );
}

#[test]
fn adding_a_field_changes_only_that_entity() {
    let spec = std::fs::read_to_string(Paths::default().spec).unwrap();
    let edited = insert_field(
        &spec,
        "Ticket",
        "      zz_added: { type: string, doc: A field added by a test. }",
    );
    let before = by_path(halopsa_codegen::generate("spec/halopsa.yaml", &spec).unwrap());
    let after = by_path(halopsa_codegen::generate("spec/halopsa.yaml", &edited).unwrap());

    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let changed: Vec<&str> = before
        .iter()
        .filter(|(path, text)| after[*path] != **text)
        .map(|(path, _)| path.as_str())
        .collect();
    // The command-line client's table (`cli.rs`) gains the field's flag.
    assert_eq!(changed, ["cli.rs", "mod.rs", "ticket.rs"]);
    assert!(after["ticket.rs"].contains("pub zz_added: Option<String>"));
    let added: Vec<&str> = after["cli.rs"]
        .lines()
        .filter(|line| !before["cli.rs"].contains(line))
        .collect();
    assert_eq!(
        added,
        [
            r#"            Field::new("zz_added", "zz-added", Ty::Text, "A field added by a test."),"#
        ]
    );
    // In mod.rs only the spec hash line moves.
    let differing: Vec<(&str, &str)> = before["mod.rs"]
        .lines()
        .zip(after["mod.rs"].lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(differing.len(), 1);
    assert!(differing[0].0.starts_with("// Spec sha256: "));
}

/// What a reviewer reads for one new plain field: at most 8 lines across the
/// model, its serde table and the setter shared by the create input and the
/// patch request.
#[test]
fn a_new_plain_field_costs_at_most_eight_generated_lines() {
    let spec = std::fs::read_to_string(Paths::default().spec).unwrap();
    let edited = insert_field(
        &spec,
        "Ticket",
        "      zz_added: { type: string, doc: A field added by a test. }",
    );
    let before = by_path(halopsa_codegen::generate("spec/halopsa.yaml", &spec).unwrap());
    let after = by_path(halopsa_codegen::generate("spec/halopsa.yaml", &edited).unwrap());
    let diff = similar::TextDiff::from_lines(&before["ticket.rs"], &after["ticket.rs"]);
    let changed: Vec<String> = diff
        .iter_all_changes()
        .filter(|change| change.tag() != similar::ChangeTag::Equal)
        .map(|change| format!("{}{}", change.tag(), change.value().trim_end()))
        .collect();
    assert!(
        changed.iter().all(|line| line.starts_with('+')),
        "a new field only adds lines: {changed:#?}"
    );
    assert!(changed.len() <= 8, "{} lines: {changed:#?}", changed.len());
    // The field, its table entry and its setter are all there.
    for expected in [
        "pub zz_added: Option<String>,",
        "\"zz_added\" => zz_added,",
        "zz_added(String) = \"zz_added\",",
    ] {
        assert!(
            changed.iter().any(|l| l.contains(expected)),
            "{expected}: {changed:#?}"
        );
    }
}

/// A request-only switch (Halo's `_recover`) costs at most 4 lines, all in
/// the setter table: it is never a field of the record or its serde table.
#[test]
fn a_new_request_only_switch_costs_at_most_four_lines_and_no_record_field() {
    let spec = std::fs::read_to_string(Paths::default().spec).unwrap();
    let edited = insert_field(
        &spec,
        "Ticket",
        "      _zz_switch: { type: bool, doc: A switch added by a test., request_only: true }",
    );
    let before = by_path(halopsa_codegen::generate("spec/halopsa.yaml", &spec).unwrap());
    let after = by_path(halopsa_codegen::generate("spec/halopsa.yaml", &edited).unwrap());
    let diff = similar::TextDiff::from_lines(&before["ticket.rs"], &after["ticket.rs"]);
    let added: Vec<String> = diff
        .iter_all_changes()
        .filter(|change| change.tag() != similar::ChangeTag::Equal)
        .map(|change| format!("{}{}", change.tag(), change.value().trim_end()))
        .collect();
    assert!(added.iter().all(|line| line.starts_with('+')), "{added:#?}");
    assert!(added.len() <= 4, "{} lines: {added:#?}", added.len());
    assert!(
        added
            .iter()
            .any(|l| l.contains("zz_switch() = \"_zz_switch\",")),
        "{added:#?}"
    );
    assert!(
        !after["ticket.rs"].contains("pub zz_switch")
            && !after["ticket.rs"].contains("=> zz_switch"),
        "a request-only field is not part of the record"
    );
}

/// Entity-specific methods live on the entity's own types, so the docs page
/// of a runtime request type lists only its generic methods: no generated
/// `impl` block targets a runtime type (the accessor on `HaloClient` aside).
#[test]
fn generated_impls_target_only_generated_types() {
    let files = generate(&Paths::default()).expect("the committed spec generates");
    for file in &files.code {
        let parsed = syn::parse_file(&file.contents).expect("generated code parses");
        for item in &parsed.items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            if block.trait_.is_some() {
                continue;
            }
            let syn::Type::Path(ty) = &*block.self_ty else {
                continue;
            };
            let name = ty
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            let generated = file.contents.contains(&format!("pub struct {name}"))
                || file.contents.contains(&format!(" {name}("))
                || file.contents.contains(&format!("    {name};"));
            assert!(
                name == "HaloClient" || generated,
                "{}: `impl {name}` adds methods to a type the file does not define",
                file.path
            );
        }
    }
}

fn by_path(files: Vec<halopsa_codegen::GeneratedFile>) -> BTreeMap<String, String> {
    files.into_iter().map(|f| (f.path, f.contents)).collect()
}
