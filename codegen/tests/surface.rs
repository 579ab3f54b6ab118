//! The API surface text of every valid fixture: one item per line, each
//! `<kind> <name>: <value>` with a key unique in its text, so that a change
//! of the spec can be reported item by item. The real spec's surfaces are
//! snapshotted in `xtask/tests/api.rs`; these fixtures cover the constructs
//! it does not use.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use halopsa_codegen::surface::{split, surface, CRATE};

/// Every fixture's surfaces, by `fixture/surface`.
fn fixture_surfaces() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut all = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let spec = halopsa_codegen::check(&name, fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for s in surface(&spec) {
            all.insert(format!("{name}/{}", s.name), s.text);
        }
    }
    all
}

#[test]
fn every_line_is_one_item_with_a_unique_key() {
    let all = fixture_surfaces();
    assert!(all.len() > 20, "{} surfaces", all.len());
    for (name, text) in &all {
        assert!(text.is_empty() || text.ends_with('\n'), "{name}");
        let mut keys = BTreeMap::new();
        for line in text.lines() {
            let (key, value) = split(line);
            let words: Vec<&str> = key.split(' ').collect();
            assert_eq!(
                words.len(),
                2,
                "{name}: `{line}` is not `<kind> <name>: <value>`"
            );
            assert!(!value.is_empty(), "{name}: `{line}` has no value");
            if let Some(first) = keys.insert(key, line) {
                panic!("{name}: `{first}` and `{line}` have one key");
            }
        }
    }
}

/// Constructs the real spec does not use: enums, bare and capped
/// unpaginated lists, keyword names, a sync without tombstones, text ids, a
/// singleton, and actions with path parameters, bodies and scopes.
#[test]
fn fixtures_show_each_construct() {
    let all = fixture_surfaces();
    let expect = [
        ("int_enum/crate", "variant Impact::Nobody: -1"),
        (
            "int_enum/crate",
            "enum Impact: i64, other values kept in Other(i64)",
        ),
        (
            "string_enum/crate",
            r#"variant Channel::WebHook: "web hook \"v2\"""#,
        ),
        (
            "bare_list/status",
            r#"op list: StatusesApi::list() -> StatusList  one request  bare array, or key "statuses""#,
        ),
        (
            "bare_list/ticket_type",
            r#"op list: TicketTypesApi::list() -> TicketTypeList  one request  bare array, or key "tickettypes""#,
        ),
        (
            "unpaginated_count/asset",
            r#"filter count: i32  wire "count"  limit"#,
        ),
        (
            "keyword_fields/item",
            r#"field type_: Option<i32>  wire "type"  placeholders"#,
        ),
        (
            "keyword_fields/crate",
            r#"field Rule.self_: Option<bool>  wire "Self""#,
        ),
        (
            "incremental_sync/site",
            r#"op changed_since: SitesApi::changed_since(cursor: &SyncCursor) -> ChangedSince<Site>  by slastupdate after "lastupdatefromdate"  no tombstones"#,
        ),
        ("actions/webhook", "type WebhookId: TextId<Webhook>  uuid"),
        (
            "actions/webhook",
            r#"op test: WebhooksApi::test(id: WebhookId, body: &serde_json::Value) -> WebhookTest  POST "/api/Webhook/{id}/test"  answers Nothing"#,
        ),
        (
            "actions/control",
            r#"op update: ControlApi::update(body: &Control) -> ControlUpdate  POST "/api/Control"  answers Json<Control>  retried"#,
        ),
        (
            "actions/control",
            "struct Control: singleton record, unknown fields kept in extra",
        ),
        (
            "actions/action",
            r#"op list: ActionsApi::list(ticket_id: i32) -> ActionList  one request  key "actions""#,
        ),
        (
            "actions/action",
            r#"filter ticket_id: i32  wire "ticket_id"  required"#,
        ),
        (
            "actions/invoice",
            r#"op lines_of: InvoicesApi::lines_of(id: InvoiceId, period: i32, client_id: i32) -> InvoiceLinesOf  GET "/api/Invoice/{id}/lines/{period}"  answers Json<Vec<InvoiceLine>>"#,
        ),
        (
            "actions/invoice",
            r#"path_param lines_of.period: i32  wire "period""#,
        ),
        (
            "actions/invoice",
            r#"param lines_of.include_free: switch  wire "include_free""#,
        ),
        (
            "actions/invoice",
            r#"op process: InvoicesApi::process(body: [InvoiceId]) -> InvoiceProcess  POST "/api/Invoice/process"  answers Nothing  scope "edit:invoices""#,
        ),
        (
            "actions/agent",
            r#"op active: AgentsApi::active() -> AgentActive  GET "/api/Agent/active"  answers Listed<Agent>"#,
        ),
        (
            "files/attachment",
            r#"op download: AttachmentsApi::download(id: AttachmentId) -> AttachmentDownload  GET "/api/Attachment/{id}"  answers File"#,
        ),
        (
            "files/attachment",
            r#"op upload_image: AttachmentsApi::upload_image(form: &Multipart) -> AttachmentUploadImage  POST "/api/Attachment/image"  answers Json<serde_json::Value>"#,
        ),
        (
            "files/attachment",
            r#"setter data_base64: Base64  on NewAttachment  wire "data_base64""#,
        ),
        ("files/crate", r#"placeholder Base64: """#),
        (
            "files/report",
            r#"op create_pdf: ReportsApi::create_pdf(body: &Report) -> ReportCreatePdf  POST "/api/Report/createpdf"  answers Json<serde_json::Value>  sends one object"#,
        ),
        (
            "files/invoice",
            r#"op pdf: InvoicesApi::pdf(id: InvoiceId) -> InvoicePdf  POST "/api/Invoice/PDF/{id}"  answers File  retried"#,
        ),
        (
            "reports/report",
            r#"op query: ReportsApi::query(sql: String) -> ReportQuery  POST "/api/Report"  answers ReportRows  scope "read:reporting""#,
        ),
        ("scopes/ticket", r#"scope read: "read:tickets""#),
        ("scopes/ticket", r#"scope edit: "edit:tickets""#),
        (
            "scopes/control",
            r#"op update: ControlApi::update(body: &Control) -> ControlUpdate  POST "/api/Control"  answers Json<Control>  retried  scope "admin""#,
        ),
        (
            "request_only/ticket",
            r#"setter recover: switch  on NewTicket, TicketPatch  wire "_recover"  request-only"#,
        ),
        (
            "request_only/ticket",
            r#"op restore: TicketsApi::restore(id: TicketId) -> TicketPatch  sets "_recover", "_validate_updates""#,
        ),
        (
            "request_only/client",
            r#"setter merge_into: ClientId  on ClientPatch  wire "_merge_client_into"  request-only"#,
        ),
    ];
    for (surface, line) in expect {
        let text = &all[surface];
        assert!(
            text.lines().any(|l| l == line),
            "{surface} has no `{line}`:\n{text}"
        );
    }
    // A request-only field is a setter, never a field of the record.
    let tickets = &all["request_only/ticket"];
    assert!(
        !tickets.contains("field recover") && !tickets.contains("field importtype"),
        "{tickets}"
    );
    // A singleton has no id.
    let control = &all["actions/control"];
    assert!(
        !control.contains("type ControlId") && !control.contains("field id:"),
        "{control}"
    );
    // An entity without list, create or update has no such items.
    let categories = &all["accessor_override/category"];
    for kind in [
        "op list",
        "filter ",
        "op create",
        "setter ",
        "op changed_since",
    ] {
        assert!(!categories.contains(kind), "{categories}");
    }
    assert!(all.keys().any(|k| k.ends_with(&format!("/{CRATE}"))));
}

/// Items are matched by key: the report lists removed items, then changed
/// ones, then added ones, and nothing for an unchanged text.
#[test]
fn compare_matches_items_by_key() {
    use halopsa_codegen::surface::{compare, Difference};
    let old = "field a: i32\nfield b: i32\nfilter c: switch\n";
    let new = "field b: String\nfield a: i32\nfilter d: switch\n";
    assert_eq!(compare(old, old), []);
    let differences = compare(old, new);
    assert_eq!(
        differences,
        [
            Difference::Removed("filter c: switch"),
            Difference::Changed {
                old: "field b: i32",
                new: "field b: String"
            },
            Difference::Added("filter d: switch"),
        ]
    );
    let shown: Vec<String> = differences
        .iter()
        .map(|d| format!("{}: {d}", d.label()))
        .collect();
    assert_eq!(
        shown,
        [
            "BREAKING: removed filter c: switch",
            "BREAKING: changed field b: was i32, now String",
            "added: filter d: switch",
        ]
    );
}
