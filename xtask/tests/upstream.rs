//! `verify-upstream` and `draft-entity` against a small hand-written OpenAPI
//! document, and the real spec against Halo's published document.

use std::path::{Path, PathBuf};

use xtask::draft::{self, Request};
use xtask::openapi::Document;
use xtask::upstream::verify;
use xtask::{load_spec, workspace_root};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn mini_doc() -> Document {
    Document::load(&fixture("openapi-mini.json")).unwrap()
}

#[test]
fn reports_every_kind_of_mismatch_precisely() {
    let spec = load_spec(&fixture("spec-mini.yaml")).unwrap();
    let report = verify(&spec, &mini_doc());
    assert_eq!(
        report.lines(),
        [
            "Widget: operation `delete` (DELETE /Widgets/{id}) is not in the document",
            "Widget: field `size`: the spec's `i32` is incompatible with the document's `string`",
            "Widget: field `weight`: upstream_type `string` is stale: the document declares `number/double`",
            "Widget: field `serial`: the spec's `i32` is incompatible with the document's `integer/int64`",
            "Widget: field `colour` is not in model Widget",
            "Widget: filter `limit`: the spec's `i32` is incompatible with the document's `bool`",
            "Widget: filter `ids`: the spec's `list<i32>` is incompatible with the document's `string`",
            "Widget: filter `colour` is not a parameter of GET /Widgets",
            "Widget: get parameter `includedetails`: upstream_type `absent` is stale: the document declares `bool`",
            "Widget: get parameter `verbose` is not a parameter of GET /Widgets/{id}",
            "Gadget: operation `create` (POST /Gadgets) is not in the document",
            "Gadget: delete parameter `reason` is not a parameter of DELETE /Gadgets/{id}",
            "Gizmo: path `/Gizmos` is not in the document",
            "Gizmo: path `/Gizmos/{id}` is not in the document",
            "type Part: field `colour` is not in model Part",
        ]
    );
    // Accepted: Widget.site_id, filters kinds and updatedfrom, Gadget's cascade.
    assert_eq!(report.deviations, 4);
    assert_eq!(
        report.summary(),
        "verify-upstream: 3 entities, 18 fields, 10 filters and 5 parameters checked against \
         Mini API v1; 4 recorded deviation(s) accepted; 15 mismatch(es)"
    );
    assert!(!report.is_clean());
}

#[test]
fn the_report_groups_mismatches_by_entity() {
    let spec = load_spec(&fixture("spec-mini.yaml")).unwrap();
    let text = verify(&spec, &mini_doc()).to_string();
    assert!(text.starts_with(
        "Widget (/Widgets, model Widget):\n  - operation `delete` (DELETE /Widgets/{id}) is not in the document\n"
    ));
    assert!(text.contains("\nGizmo (/Gizmos):\n"));
    assert!(text.contains("\ntype Part (model Part):\n"));
}

#[test]
fn the_spec_matches_halos_published_document() {
    // CI keeps a copy beside the checkout; it is never committed to the project.
    let path = workspace_root().join("../shared/reference/halo-openapi-v2.json");
    if !path.exists() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let doc = Document::load(&path).unwrap();
    let spec = load_spec(&workspace_root().join("spec/halopsa.yaml")).unwrap();
    let report = verify(&spec, &doc);
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.entities, 20);
}

#[test]
fn drafts_an_entity_from_the_document() {
    let spec = load_spec(&fixture("spec-mini.yaml")).unwrap();
    let request = Request {
        path: "Gadgets".into(),
        ..Request::default()
    };
    let text = draft::draft(&mini_doc(), Some(&spec), &request).unwrap();
    assert_eq!(
        text,
        r#"  # Halo model Gadget. Drafted from Mini API v1 by `cargo xtask draft-entity`:
  # write the docs, check the list shape against a real response, and trim.
  Gadget:
    doc: TODO.
    path: Gadgets
    list:
      # A guess: the document has no response schemas.
      shape: wrapped
      key: gadgets
      paginated: false
      count_param: count
    operations: [list, get, delete]
    fields:
      id: { type: id, doc: "TODO." }
      name: { type: string, doc: "TODO." }
    delete_params:
      force: { type: bool, doc: "Delete even when in use." }
"#
    );
}

#[test]
fn a_pasted_draft_generates_and_passes_verification() {
    let source = std::fs::read_to_string(fixture("spec-mini.yaml")).unwrap();
    let spec = load_spec(&fixture("spec-mini.yaml")).unwrap();
    let request = Request {
        path: "Widgets".into(),
        name: Some("Doohickey".into()),
        fields: Some(vec![
            "name".into(),
            "parts".into(),
            "spare_parts".into(),
            "kind".into(),
        ]),
        filters: None,
    };
    let text = draft::draft(&mini_doc(), Some(&spec), &request).unwrap();
    // Described types win over wrong declarations, recorded as deviations.
    assert!(text.contains(
        "      ids: { type: list<i32>, doc: \"Returns widgets with these ids.\", upstream_type: string }"
    ));
    assert!(text.contains("      parts: { type: list<Part>, doc: \"TODO.\" }\n"));
    assert!(text.contains("      kind: { type: WidgetKind, doc: \"TODO.\" }\n"));
    // A second list of a type with a lookup would clash with the first's method.
    assert!(text.contains(
        "      spare_parts: { type: json, doc: \"TODO.\" }  # list<Part>: only one list per record may have Part's lookup\n"
    ));

    let pasted = format!("{source}{text}");
    halopsa_codegen::generate("spec-mini.yaml", &pasted).expect("the draft generates");
    let spec = halopsa_codegen::check("spec-mini.yaml", &pasted).unwrap();
    let report = verify(&spec, &mini_doc());
    let drafted: Vec<String> = report
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("Doohickey"))
        .collect();
    assert_eq!(drafted, Vec::<String>::new());
}

#[test]
fn drafting_names_unknown_fields() {
    let request = Request {
        path: "Widgets".into(),
        fields: Some(vec!["name".into(), "nope".into()]),
        ..Request::default()
    };
    assert_eq!(
        draft::draft(&mini_doc(), None, &request).unwrap_err(),
        "error: not in model Widget: nope"
    );
    let request = Request {
        path: "Nothing".into(),
        ..Request::default()
    };
    assert_eq!(
        draft::draft(&mini_doc(), None, &request).unwrap_err(),
        "error: the document has no path `/Nothing`"
    );
}
