//! `verify-upstream` and `draft-entity` against a small hand-written OpenAPI
//! document, and the real spec against Halo's published document.

use std::path::{Path, PathBuf};

use xtask::draft::{self, Request};
use xtask::openapi::Document;
use xtask::upstream::{verify, Report};
use xtask::{load_spec, workspace_root};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn mini_doc() -> Document {
    Document::load(&fixture("openapi-mini.json")).unwrap()
}

fn mini_report() -> Report {
    let spec = load_spec(&fixture("spec-mini.yaml")).unwrap();
    verify(&spec, &mini_doc())
}

/// The report's lines about `owner` (an entity, or `type Part`) that `pick` keeps.
fn lines_of(report: &Report, owner: &str, pick: impl Fn(&str) -> bool) -> Vec<String> {
    let prefix = format!("{owner}: ");
    report
        .lines()
        .into_iter()
        .filter(|l| l.strip_prefix(&prefix).is_some_and(&pick))
        .collect()
}

/// Lines about a parameter the document requires.
fn about_required(line: &str) -> bool {
    line.contains("required by") || line.contains(" requires ")
}

/// Lines about an action (other than its required parameters).
fn about_actions(line: &str) -> bool {
    line.contains("action `") && !about_required(line)
}

#[test]
fn reports_every_kind_of_mismatch_precisely() {
    let report = mini_report();
    let mut lines = lines_of(&report, "Widget", |_| true);
    lines.extend(lines_of(&report, "Gadget", |l| {
        !about_required(l) && !about_actions(l)
    }));
    lines.extend(lines_of(&report, "Gizmo", |_| true));
    lines.extend(lines_of(&report, "type Part", |_| true));
    assert_eq!(
        lines,
        [
            "Widget: operation `delete` (DELETE /Widgets/{id}) is not in the document",
            "Widget: field `size`: the spec's `i32` is incompatible with the document's `string`",
            "Widget: field `weight`: upstream_type `string` is stale: the document declares `number/double`",
            "Widget: field `serial`: the spec's `i32` is incompatible with the document's `integer/int64`",
            "Widget: field `colour` is not in model Widget",
            "Widget: request-only field `_importtype`: the spec's `i32` is incompatible with the document's `string`",
            "Widget: request-only field `_revive` is not in model Widget",
            "Widget: filter `limit`: the spec's `i32` is incompatible with the document's `bool`",
            "Widget: filter `ids`: the spec's `list<i32>` is incompatible with the document's `string`",
            "Widget: filter `colour` is not a parameter of GET /Widgets",
            "Widget: get parameter `includedetails`: upstream_type `absent` is stale: the document declares `bool`",
            "Widget: get parameter `verbose` is not a parameter of GET /Widgets/{id}",
            "Gadget: operation `create` (POST /Gadgets) is not in the document",
            "Gadget: field `serial`: the spec's `base64` is incompatible with the document's `integer/int32`",
            "Gadget: delete parameter `reason` is not a parameter of DELETE /Gadgets/{id}",
            "Gizmo: path `/Gizmos` is not in the document",
            "Gizmo: path `/Gizmos/{id}` is not in the document",
            "type Part: field `colour` is not in model Part",
        ]
    );
}

#[test]
fn a_parameter_the_document_requires_must_be_required() {
    // Gadget's `force` and the action's `client_id` and `include_spare` are
    // required in the spec; the spec may require more than the document.
    let report = mini_report();
    assert_eq!(
        lines_of(&report, "Gadget", about_required),
        [
            "Gadget: filter `owner_id` is required by GET /Gadgets; mark it `required: true`",
            "Gadget: GET /Gadgets requires parameter `region`, missing from the filters",
            "Gadget: GET /Gadgets/{id} requires parameter `lang`, missing from the get parameters",
            "Gadget: parameter `verbose` of action `parts_of` is required by GET /Gadgets/{gid}/parts/{p}; mark it `required: true`",
            "Gadget: GET /Gadgets/{gid}/parts/{p} requires parameter `lang`, missing from action `parts_of`",
        ]
    );
}

#[test]
fn actions_are_checked_against_their_operations() {
    // `pdf` (a file), `process`, `bulk`, `reorder`, `upload_form` (a form),
    // `print` (the model as one object) and `query` (a model with `sql` and
    // `_loadreportonly`) fit; `parts_of` fits its path
    // whatever the document calls the parameters, and its `client_id`,
    // `include_spare` and `legacy` (a recorded absence) pass.
    let report = mini_report();
    assert_eq!(
        lines_of(&report, "Gadget", about_actions),
        [
            "Gadget: path parameter `period` of action `parts_of`: the spec's `i32` is incompatible with the document's `string`",
            "Gadget: parameter `size` of action `parts_of`: the spec's `i32` is incompatible with the document's `string`",
            "Gadget: parameter `colour` of action `parts_of` is not a parameter of GET /Gadgets/{gid}/parts/{p}",
            "Gadget: action `process_now` (GET /Gadgets/process) is not in the document",
            "Gadget: action `archive`: path `/Gadgets/archive` is not in the document",
            "Gadget: action `update_parts` (POST /Gadgets/updateparts): the spec's body `records` (array<Gadget>) is incompatible with the document's request body `array<Part>`",
            "Gadget: action `flag` (POST /Gadgets/Flag/{id}): the spec's body `json` is incompatible with the document's request body `none`",
            "Gadget: action `render` (POST /Gadgets/render): the spec's body `none` is incompatible with the document's request body `Part`",
            "Gadget: action `tag` (POST /Gadgets/tag): the spec's body `ids` (array<integer>) is incompatible with the document's request body `array<string>`",
            "Gadget: action `upload` (POST /Gadgets/upload): the spec's body `json` is incompatible with the document's request body `multipart/form-data`",
            "Gadget: action `render_object` (POST /Gadgets/render): the spec's body `object` (Gadget) is incompatible with the document's request body `Part`",
            "Gadget: action `query_bulk` (POST /Gadgets/bulk): the spec's body of a report query (`[{sql, _loadreportonly}]`) is incompatible with the document's request body `array<Gadget>`",
            "Gadget: action `hook` (POST /Gadgets/{code}/hook): `{id}` holds the collection's `int` ids, but the document declares `string`; use a path parameter if it is another id",
        ]
    );
}

#[test]
fn keys_must_be_the_kind_of_id_the_document_declares() {
    // Hook's `label_id: ref<Label>` passes against `string`, and so do
    // Label's `{id}/test` and its `ids` body of strings: Label's ids are text.
    let report = mini_report();
    let mut lines = lines_of(&report, "Hook", |_| true);
    lines.extend(lines_of(&report, "Label", |_| true));
    lines.extend(lines_of(&report, "Badge", |_| true));
    assert_eq!(
        lines,
        [
            "Hook: key `int` does not fit the `{id}` of GET /Hooks/{id}, declared `string/uuid`; use `key: uuid`",
            "Hook: field `id`: the spec's `id` is incompatible with the document's `string/uuid`",
            "Label: key `uuid` does not fit the `{id}` of GET /Labels/{id}, declared `string`; use `key: string`",
            "Badge: key `string` does not fit the `{id}` of GET /Badges/{id}, declared `string` (described as \"The badge's GUID.\"); use `key: uuid`",
        ]
    );
}

#[test]
fn singletons_are_their_collection_paths_get_and_post() {
    // Neither needs an item path, and neither record has an `id` to check.
    let report = mini_report();
    let mut lines = lines_of(&report, "Setting", |_| true);
    lines.extend(lines_of(&report, "Health", |_| true));
    assert_eq!(
        lines,
        [
            "Setting: field `theme`: the spec's `string` is incompatible with the document's `integer/int32`",
            "Health: operation `update` (POST /Health) is not in the document",
        ]
    );
}

#[test]
fn the_summary_counts_what_was_checked() {
    let report = mini_report();
    // Accepted: Widget.site_id, filters kinds and updatedfrom, Gadget's
    // cascade and the `legacy` parameter of its action `parts_of`.
    assert_eq!(report.deviations, 5);
    assert_eq!(
        report.summary(),
        "verify-upstream: 8 entities, 33 fields, 11 filters and 12 parameters checked against \
         Mini API v1; 5 recorded deviation(s) accepted; 42 mismatch(es)"
    );
    // Every mismatch is one the tests above list.
    assert_eq!(report.mismatch_count(), 18 + 5 + 13 + 4 + 2);
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
    // Every collection of the spec was checked.
    assert_eq!(report.entities, spec.entities.len());
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
  # write the docs, check the list shape against a real response, check the actions' guessed bodies and responses, and trim.
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
      photo: { type: base64, doc: "TODO." }
      serial: { type: i32, doc: "TODO." }
    filters:
      owner_id: { type: i32, doc: "The gadgets of this owner.", required: true }
      region: { type: string, doc: "The gadgets of this region.", required: true }
    get_params:
      lang: { type: string, doc: "The language of the answer.", required: true }
    delete_params:
      force: { type: bool, doc: "Delete even when in use." }
    actions:
      flag:
        doc: TODO.
        method: POST
        path: "Flag/{id}"
        response: json  # A guess: the document has no response schemas.
      pdf:
        doc: TODO.
        method: POST
        path: "PDF/{id}"
        response: bytes  # A guess from the path, which names a file: the document has no response schemas.
      bulk:
        doc: TODO.
        method: POST
        path: bulk
        body: records  # A guess from the request schema `array<Gadget>`.
        response: json  # A guess: the document has no response schemas.
      print:
        doc: TODO.
        method: POST
        path: print
        body: object  # A guess from the request schema `Gadget`.
        response: json  # A guess: the document has no response schemas.
      process:
        doc: TODO.
        method: POST
        path: process
        body: ids  # A guess from the request schema `array<integer/int32>`.
        response: json  # A guess: the document has no response schemas.
      query:
        doc: TODO.
        method: POST
        path: query
        body: json  # A guess from the request schema `array<Query>`. Halo model Query: a shared type under `types:` fits better than json.
        response: json  # A guess: the document has no response schemas.
      render:
        doc: TODO.
        method: POST
        path: render
        body: Part  # A guess from the request schema `Part`.
        response: json  # A guess: the document has no response schemas.
      tag:
        doc: TODO.
        method: POST
        path: tag
        body: json  # A guess from the request schema `array<string>`.
        response: json  # A guess: the document has no response schemas.
      updateparts:
        doc: TODO.
        method: POST
        path: updateparts
        body: list<Part>  # A guess from the request schema `array<Part>`.
        response: json  # A guess: the document has no response schemas.
      upload:
        doc: TODO.
        method: POST
        path: upload
        body: form  # The document takes `multipart/form-data`: the method takes a `Multipart`.
        response: json  # A guess: the document has no response schemas.
      hook:
        doc: TODO.
        method: POST
        path: "{code}/hook"
        path_params:
          code: { type: string, doc: "TODO." }
        response: json  # A guess: the document has no response schemas.
      parts:
        doc: TODO.
        method: GET
        path: "{gid}/parts/{p}"
        path_params:
          gid: { type: i32, doc: "TODO." }
          p: { type: string, doc: "TODO." }
        params:
          client_id: { type: i32, doc: "The client whose parts to read.", required: true }
          include_spare: { type: bool, doc: "Also spare parts." }
          verbose: { type: bool, doc: "TODO.", rust_name: verbose_value, required: true }
          lang: { type: string, doc: "TODO.", required: true }
          size: { type: string, doc: "TODO." }
          send: { type: bool, doc: "Send the list by email.", rust_name: send_value }
        response: json  # A guess: the document has no response schemas.
"#
    );
}

#[test]
fn drafts_a_report_query_where_the_collection_runs_sql() {
    let request = Request {
        path: "Queries".into(),
        ..Request::default()
    };
    let text = draft::draft(&mini_doc(), None, &request).unwrap();
    assert!(
        text.ends_with(
            "    actions:\n      query:\n        doc: TODO.\n        method: POST\n        response: report  # The request model has `sql` and `_loadreportonly`: an SQL report query, which takes the SQL and answers rows.\n"
        ),
        "{text}"
    );
    // A collection that only saves records drafts no query.
    let request = Request {
        path: "Hooks".into(),
        ..Request::default()
    };
    let text = draft::draft(&mini_doc(), None, &request).unwrap();
    assert!(!text.contains("response: report"), "{text}");
}

#[test]
fn drafts_text_keys_and_singletons() {
    let spec = load_spec(&fixture("spec-mini.yaml")).unwrap();
    let draft = |path: &str| {
        let request = Request {
            path: path.into(),
            ..Request::default()
        };
        draft::draft(&mini_doc(), Some(&spec), &request).unwrap()
    };
    // A `uuid` format, a description, or neither.
    assert!(draft("Hooks").contains("    path: Hooks\n    key: uuid\n"));
    assert!(draft("Badges")
        .contains("    path: Badges\n    key: uuid  # described as \"The badge's GUID.\"\n"));
    let labels = draft("Labels");
    assert!(labels.contains("    path: Labels\n    key: string\n"));
    // `{id}` of a text-keyed collection is its id; an array of text, its ids.
    assert!(labels.contains("        path: \"{id}/test\"\n"));
    assert!(
        labels.contains("        body: ids  # A guess from the request schema `array<string>`.\n")
    );
    // Hook's `label_id` refers to Label's text ids.
    assert!(draft("Hooks").contains("      label_id: { type: ref<Label>, doc: \"TODO.\" }\n"));
    assert_eq!(
        draft("Settings"),
        r#"  # Halo model Setting. Drafted from Mini API v1 by `cargo xtask draft-entity`:
  # write the docs, check that GET answers one record, and trim.
  Setting:
    doc: TODO.
    path: Settings
    # A guess: the document has no `/Settings/{id}` and its GET takes no parameters.
    singleton: true
    operations: [get, update]
    fields:
      motd: { type: string, doc: "TODO." }
      theme: { type: i32, doc: "TODO." }
      usesso: { type: bool, doc: "TODO." }
"#
    );
    // Without a POST of the model, a singleton is only read.
    assert!(draft("Health").contains("    singleton: true\n    operations: [get]\n"));
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
            "_recover".into(),
        ]),
        filters: None,
        actions: None,
    };
    let text = draft::draft(&mini_doc(), Some(&spec), &request).unwrap();
    // A named switch is drafted request-only; the others are listed.
    assert!(text.contains("      _recover: { type: bool, doc: \"TODO.\", request_only: true }\n"));
    assert!(text.contains(
        "    # The `_` properties of model Widget (request-only switches) are not drafted; name one in --fields to draft it:\n    # _importtype\n"
    ));
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

    // Every new construct: actions of each kind (Gadgets), a uuid key from a
    // format (Hooks) and from a description (Badges), a string key (Labels),
    // and a singleton (Settings); each under a name of its own.
    let mut pasted = format!("{source}{text}");
    let drafted = [
        ("Gadgets", "Contraption"),
        ("Hooks", "Hooklet"),
        ("Badges", "Emblem"),
        ("Labels", "Sticker"),
        ("Settings", "Preference"),
    ];
    for (path, name) in drafted {
        let request = Request {
            path: path.into(),
            name: Some(name.into()),
            ..Request::default()
        };
        pasted.push_str(&draft::draft(&mini_doc(), Some(&spec), &request).unwrap());
    }
    halopsa_codegen::generate("spec-mini.yaml", &pasted).expect("the drafts generate");
    let spec = halopsa_codegen::check("spec-mini.yaml", &pasted).unwrap();
    let report = verify(&spec, &mini_doc());
    let names = [
        "Doohickey",
        "Contraption",
        "Hooklet",
        "Emblem",
        "Sticker",
        "Preference",
    ];
    let from_drafts: Vec<String> = report
        .lines()
        .into_iter()
        .filter(|l| names.iter().any(|n| l.starts_with(&format!("{n}: "))))
        .collect();
    assert_eq!(from_drafts, Vec::<String>::new());
    // The drafted actions are all there (the form upload, the object body and
    // the report query included), and the singleton is one.
    let contraption = spec
        .entities
        .iter()
        .find(|e| e.name == "Contraption")
        .unwrap();
    assert_eq!(contraption.actions.len(), 12);
    let preference = spec
        .entities
        .iter()
        .find(|e| e.name == "Preference")
        .unwrap();
    assert!(preference.singleton);
}

/// Halo's `_` switches are never drafted as record fields: without
/// `--fields` they are listed in a comment, each on no line of its own.
#[test]
fn drafting_lists_the_models_switches_unless_named() {
    let request = Request {
        path: "Widgets".into(),
        ..Request::default()
    };
    let text = draft::draft(&mini_doc(), None, &request).unwrap();
    assert!(!text.contains("      _recover:") && !text.contains("      _importtype:"));
    assert!(text.contains("    # _importtype, _recover\n"), "{text}");
}

#[test]
fn drafting_picks_actions_by_name() {
    let request = Request {
        path: "Gadgets".into(),
        actions: Some(vec!["process".into(), "pdf".into()]),
        ..Request::default()
    };
    let text = draft::draft(&mini_doc(), None, &request).unwrap();
    let actions = text.split("    actions:\n").nth(1).unwrap();
    assert!(actions.starts_with("      process:\n"));
    assert!(actions.contains("\n      pdf:\n"));
    assert_eq!(actions.matches("        method: ").count(), 2);
    // Picked actions leave out the notes about the rest.
    assert!(!text.contains("Not drafted"));
    let request = Request {
        path: "Gadgets".into(),
        actions: Some(vec!["nope".into()]),
        ..Request::default()
    };
    assert_eq!(
        draft::draft(&mini_doc(), None, &request).unwrap_err(),
        "error: not in the actions of /Gadgets: nope"
    );
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
