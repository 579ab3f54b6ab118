//! `draft-entity`: prints a spec entry for one collection of Halo's OpenAPI
//! document, for a person to trim, document and paste under `entities:`.
//!
//! Types come from the document; where a parameter's description contradicts
//! its declared type (Halo's `(array of int)` parameters declared `string`), the
//! described type wins and `upstream_type` records the declared one, so the
//! draft passes `verify-upstream` as printed. Text ids become `key: string` or
//! `key: uuid`, a collection without an item path whose GET takes no
//! parameters a singleton, and the collection's other sub-paths `actions:`.
//! The document has no response schemas, so the list shape, a singleton and
//! each action's response are marked guesses, and so is an action's body.

use std::fmt::Write as _;

use halopsa_codegen::model::{KeyKind, Spec};
use halopsa_codegen::reserved::{CLI_FLAGS, REQUEST_METHODS, TRAIT_LIKE_METHODS, TRAIT_METHODS};

use crate::openapi::{Declared, Document, IdKind, ItemKey, Kind, Parameter, RequestBody};

mod actions;

use actions::Owner;

/// What to draft.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The collection's wire path, e.g. `Tickets`.
    pub path: String,
    /// The entity name; default: the path in the singular.
    pub name: Option<String>,
    /// Only these fields (plus `id`); default: every property of the model.
    pub fields: Option<Vec<String>>,
    /// Only these filters; default: every query parameter of the list.
    pub filters: Option<Vec<String>>,
    /// Only these actions, by their drafted names; default: one per operation
    /// on a sub-path of the collection.
    pub actions: Option<Vec<String>>,
}

/// A drafted field or parameter line.
struct Line {
    wire: String,
    ty: String,
    doc: String,
    rust_name: Option<String>,
    upstream_type: Option<String>,
    required: bool,
    /// A `_` switch of the model: sent, never read back.
    request_only: bool,
    comment: Option<String>,
}

/// Drafts the entry. `spec` (when it checks) supplies the names of shared types
/// and entities, so `client_id` becomes `ref<Client>` and `customfields`
/// becomes `list<CustomField>`.
pub fn draft(doc: &Document, spec: Option<&Spec>, request: &Request) -> Result<String, String> {
    let collection = format!("/{}", request.path.trim_matches('/'));
    let item = doc.item_path(&collection);
    if !doc.has_path(&collection) && item.is_none() {
        return Err(format!("error: the document has no path `{collection}`"));
    }
    let model = doc.model_of(&collection).ok_or_else(|| {
        format!(
            "error: no schema model found for `{collection}` (no POST body or GET tag names one)"
        )
    })?;
    let has = |path: &str, method: &str| doc.operation(path, method).is_some();
    // One record at the path: no item path, and a GET that takes no
    // parameters (every list of Halo's takes some). A guess, marked as one.
    let singleton = item.is_none()
        && has(&collection, "get")
        && doc.query_params(&collection, "get").is_empty();
    let item = item.unwrap_or_default();
    let ops: Vec<&str> = if singleton {
        let takes_records = matches!(
            doc.request_body(&collection, "post"),
            Some(RequestBody::Json(body)) if array_of(doc, &body, &model)
        );
        [("get", true), ("update", takes_records)]
            .into_iter()
            .filter_map(|(op, present)| present.then_some(op))
            .collect()
    } else {
        [
            ("list", has(&collection, "get")),
            ("get", has(&item, "get")),
            ("create", has(&collection, "post")),
            ("update", has(&collection, "post")),
            ("delete", has(&item, "delete")),
        ]
        .into_iter()
        .filter_map(|(op, present)| present.then_some(op))
        .collect()
    };
    let key = if singleton {
        None
    } else {
        doc.item_key(&collection)
    };
    let key_kind = key.as_ref().map_or(IdKind::Int, |k| k.kind);
    let types = Types { doc, spec };
    // Halo's `_name` properties are request-only switches (`_validateonly`,
    // `_isimport`), and some clash with a plain name (`_signature`,
    // `signature`): drafted (`request_only: true`) only when named, else
    // listed in a comment. A singleton's record has no id.
    let all_properties = doc.properties(&model);
    let switches: Vec<String> = all_properties
        .iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with('_'))
        .filter(|name| !request.fields.as_ref().is_some_and(|f| f.contains(name)))
        .cloned()
        .collect();
    let properties = all_properties
        .into_iter()
        .filter(|(name, _)| request.fields.is_some() || !name.starts_with('_'))
        .filter(|(name, _)| !(singleton && name == "id"))
        .collect();
    let wanted: Option<Vec<String>> = request.fields.as_ref().map(|fields| {
        let keep = |f: &&String| !(singleton && *f == "id");
        fields.iter().filter(keep).cloned().collect()
    });
    let fields = select(
        properties,
        wanted.as_deref(),
        &format!("model {model}"),
        !singleton,
    )?;
    let mut fields: Vec<Line> = fields
        .into_iter()
        .map(|(wire, declared)| types.field(&wire, &declared))
        // A singleton is written whole: it has nothing to carry a switch.
        .map(|line| Line {
            request_only: line.request_only && !singleton,
            ..line
        })
        .collect();
    types.one_list_per_lookup(&mut fields);

    let runtime = runtime_params(spec);
    let list_params = doc.query_params(&collection, "get");
    let paginated = list_params.iter().any(|p| p.name == runtime[0]);
    let count = !paginated && list_params.iter().any(|p| p.name == "count");
    let filters: Vec<(String, Parameter)> = list_params
        .into_iter()
        .filter(|p| {
            let handled = runtime.contains(&p.name.as_str()) || count && p.name == "count";
            !handled
        })
        .map(|p| (p.name.clone(), p))
        .collect();
    let filters = select(
        filters,
        request.filters.as_deref(),
        &format!("GET {collection}"),
        false,
    )?;
    let params = |method, kind| {
        doc.query_params(&item, method)
            .iter()
            .map(|p| types.query_param(p, kind))
            .collect::<Vec<_>>()
    };
    let owner = Owner {
        collection: &collection,
        model: &model,
        singleton,
        key: key_kind,
    };
    let (actions, skipped) = types.actions(&owner);
    let actions = select(
        actions.into_iter().map(|a| (a.name.clone(), a)).collect(),
        request.actions.as_deref(),
        &format!("the actions of {collection}"),
        false,
    )?;

    let name = request
        .name
        .clone()
        .unwrap_or_else(|| singular(request.path.trim_matches('/')));
    let mut out = String::new();
    // The model's name and the title come from the document: one line each.
    let header = format!(
        "Halo model {model}. Drafted from {} by `cargo xtask draft-entity`:",
        doc.title()
    );
    let _ = writeln!(out, "  # {}", one_line(&header));
    let mut checks = vec!["write the docs"];
    if ops.contains(&"list") {
        checks.push("check the list shape against a real response");
    }
    if singleton {
        checks.push("check that GET answers one record");
    }
    if !actions.is_empty() {
        checks.push("check the actions' guessed bodies and responses");
    }
    let _ = writeln!(out, "  # {}, and trim.", checks.join(", "));
    let _ = writeln!(out, "  {name}:");
    let _ = writeln!(out, "    doc: TODO.");
    let _ = writeln!(out, "    path: {}", collection.trim_start_matches('/'));
    out.push_str(&identity(doc, &collection, &model, key.as_ref(), singleton));
    if ops.contains(&"list") {
        let _ = writeln!(out, "    list:");
        let _ = writeln!(
            out,
            "      # A guess: the document has no response schemas."
        );
        let _ = writeln!(out, "      shape: wrapped");
        let _ = writeln!(out, "      key: {}", list_key(&request.path));
        let _ = writeln!(out, "      paginated: {paginated}");
        if count {
            let _ = writeln!(out, "      count_param: count");
        }
    }
    let _ = writeln!(out, "    operations: [{}]", ops.join(", "));
    section(&mut out, "    ", "fields", &fields);
    if !singleton && !switches.is_empty() {
        let note = format!(
            "The `_` properties of model {model} (request-only switches) are not drafted; name one in --fields to draft it:"
        );
        let _ = writeln!(out, "    # {}", one_line(&note));
        for line in wrap(&one_line(&switches.join(", ")), 100) {
            let _ = writeln!(out, "    # {line}");
        }
    }
    if ops.contains(&"list") {
        let kind = if paginated { "list" } else { "unpaged_list" };
        let lines: Vec<Line> = filters
            .iter()
            .map(|(_, p)| types.query_param(p, kind))
            .collect();
        section(&mut out, "    ", "filters", &lines);
    }
    if ops.contains(&"get") && !singleton {
        section(&mut out, "    ", "get_params", &params("get", "get"));
    }
    if ops.contains(&"delete") {
        section(
            &mut out,
            "    ",
            "delete_params",
            &params("delete", "delete"),
        );
    }
    if request.actions.is_none() {
        for note in &skipped {
            let _ = writeln!(out, "    # Not drafted: {}", one_line(note));
        }
    }
    if !actions.is_empty() {
        let _ = writeln!(out, "    actions:");
        for (_, action) in &actions {
            action.render(&mut out);
        }
    }
    Ok(out)
}

/// The lines that say what the records' ids are: `key:` for text ids (with
/// how the document says so), `singleton: true` for one record without an
/// id, nothing for integer ids; and a note where the document contradicts
/// itself (`/ServiceStatus/{id}` is `string`, model ServStatus's `id` an
/// integer), for a person to decide.
fn identity(
    doc: &Document,
    collection: &str,
    model: &str,
    key: Option<&ItemKey>,
    singleton: bool,
) -> String {
    let mut out = String::new();
    let Some(key) = key else {
        if singleton {
            let _ = writeln!(
                out,
                "    # A guess: the document has no `{collection}/{{id}}` and its GET takes no parameters."
            );
            let _ = writeln!(out, "    singleton: true");
        }
        return out;
    };
    if let Some(id) = doc.property(model, "id") {
        if key.kind != IdKind::Other && !key.kind.fits(&doc.kind(&id)) {
            let note = format!(
                "Halo's document contradicts itself: the `{{id}}` of {} is {key}, model {model}'s `id` is `{id}`; whichever `key` the spec takes, verify-upstream reports the other.",
                key.endpoint
            );
            let _ = writeln!(out, "    # {}", one_line(&note));
        }
    }
    match key.kind {
        IdKind::Int => {}
        IdKind::Text { uuid } => {
            let kind = if uuid { "uuid" } else { "string" };
            let why = key
                .evidence
                .as_deref()
                .map(|e| format!("  # {}", one_line(e)))
                .unwrap_or_default();
            let _ = writeln!(out, "    key: {kind}{why}");
        }
        IdKind::Other => {
            let note = format!(
                "No kind of key fits the `{{id}}` of {}, declared {key}.",
                key.endpoint
            );
            let _ = writeln!(out, "    # {}", one_line(&note));
        }
    }
    out
}

/// Keeps `wanted` (in its order) or everything. With `id_first`, `id` always
/// comes first (every entity needs it).
fn select<T>(
    mut all: Vec<(String, T)>,
    wanted: Option<&[String]>,
    owner: &str,
    id_first: bool,
) -> Result<Vec<(String, T)>, String> {
    let mut picked = Vec::new();
    if id_first {
        if let Some(at) = all.iter().position(|(name, _)| name == "id") {
            picked.push(all.remove(at));
        }
    }
    let Some(wanted) = wanted else {
        picked.extend(all);
        return Ok(picked);
    };
    let mut unknown = Vec::new();
    for name in wanted.iter().filter(|w| !(id_first && *w == "id")) {
        match all.iter().position(|(have, _)| have == name) {
            Some(at) => picked.push(all.remove(at)),
            None => unknown.push(name.as_str()),
        }
    }
    if !unknown.is_empty() {
        return Err(format!("error: not in {owner}: {}", unknown.join(", ")));
    }
    Ok(picked)
}

fn section(out: &mut String, indent: &str, key: &str, lines: &[Line]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "{indent}{key}:");
    for line in lines {
        // Names, types and descriptions come from a document any Halo
        // instance serves: each is written as one plain or quoted YAML scalar,
        // and a comment stays on its line, so none can add keys to the entry.
        let rust_name = line
            .rust_name
            .as_deref()
            .map(|r| format!(", rust_name: {}", scalar(r)))
            .unwrap_or_default();
        let upstream = line
            .upstream_type
            .as_deref()
            .map(|u| format!(", upstream_type: {}", scalar(u)))
            .unwrap_or_default();
        let required = if line.required {
            ", required: true"
        } else if line.request_only {
            ", request_only: true"
        } else {
            ""
        };
        let comment = line
            .comment
            .as_deref()
            .map(|c| format!("  # {}", one_line(c)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{indent}  {}: {{ type: {}, doc: {}{rust_name}{upstream}{required} }}{comment}",
            scalar(&line.wire),
            scalar(&line.ty),
            quote(&line.doc)
        );
    }
}

/// Parameters the runtime sets itself (paging, and the first ordering level
/// through `order` and `order_desc`), never filters.
fn runtime_params(spec: Option<&Spec>) -> [&str; 5] {
    match spec {
        Some(spec) => [
            spec.api.enable_param.as_str(),
            spec.api.page_param.as_str(),
            spec.api.size_param.as_str(),
            "order",
            "orderdesc",
        ],
        None => ["pageinate", "page_no", "page_size", "order", "orderdesc"],
    }
}

/// Maps declared types to spec types, using the spec's names where it has them.
struct Types<'a> {
    doc: &'a Document,
    spec: Option<&'a Spec>,
}

impl Types<'_> {
    fn field(&self, wire: &str, declared: &Declared) -> Line {
        let (ty, upstream_type) = match self.reference(wire) {
            Some((entity, key)) if wire != "id" => match (key, self.doc.kind(declared)) {
                (KeyKind::Int, Kind::Integer { wide: false }) => (format!("ref<{entity}>"), None),
                // Halo declares some ids `number/double` (they arrive as `21.0`).
                (KeyKind::Int, Kind::Number) => {
                    (format!("ref<{entity}>"), Some(declared.to_string()))
                }
                (KeyKind::Text { .. }, Kind::Text { .. }) => (format!("ref<{entity}>"), None),
                _ => (self.ty(declared), None),
            },
            _ if wire == "id" => ("id".to_owned(), None),
            _ => (self.ty(declared), None),
        };
        let comment = match &upstream_type {
            Some(u) => Some(format!("Halo declares `{u}`; it is an id")),
            None if ty == "json" => self.model_note(declared),
            None => None,
        };
        Line {
            wire: wire.to_owned(),
            ty,
            doc: "TODO.".to_owned(),
            rust_name: leading_digit(wire).or_else(|| cli_flag(wire)),
            upstream_type,
            required: false,
            request_only: wire.starts_with('_'),
            comment,
        }
    }

    fn param(&self, param: &Parameter) -> Line {
        let declared = param.declared.first().cloned().unwrap_or_default();
        let (hint, doc) = split_description(&param.description);
        let from_doc = self.field(&param.name, &declared);
        let described = hint.and_then(described_type);
        let (ty, upstream_type, comment) = match described {
            Some(ty) if !self.fits(ty, &declared) => (
                ty.to_owned(),
                Some(declared.to_string()),
                Some(format!(
                    "Halo declares `{declared}`; its description says ({})",
                    hint.unwrap_or_default()
                )),
            ),
            // A parameter's type must be one a query can carry.
            _ if from_doc.ty == "json" => (
                "string".to_owned(),
                Some(declared.to_string()),
                Some(format!(
                    "Halo declares `{declared}`, which no parameter type fits"
                )),
            ),
            _ => (from_doc.ty, from_doc.upstream_type, from_doc.comment),
        };
        Line {
            wire: param.name.clone(),
            ty,
            doc,
            rust_name: leading_digit(&param.name),
            upstream_type,
            required: false,
            request_only: false,
            comment,
        }
    }

    /// A query parameter of a request of this kind (`list`, `get`,
    /// `action`, ...): `required` as the document says, renamed where its
    /// name would clash with a method the request type already has.
    fn query_param(&self, param: &Parameter, kind: &str) -> Line {
        let mut line = self.param(param);
        line.required = param.required;
        line.rust_name = rust_name(kind, &param.name, param.required).or(line.rust_name);
        line
    }

    /// Whether the declared type already is the described one.
    fn fits(&self, described: &str, declared: &Declared) -> bool {
        matches!(
            (described, self.doc.kind(declared)),
            ("bool", Kind::Boolean)
                | ("i32", Kind::Integer { .. })
                | ("f64", Kind::Number)
                | ("string", Kind::Text { .. })
                | ("list<i32>", Kind::Array(_))
        )
    }

    fn ty(&self, declared: &Declared) -> String {
        if let Some(name) = declared.reference.as_deref().filter(|n| self.has_type(n)) {
            return name.to_owned();
        }
        match self.doc.kind(declared) {
            Kind::Integer { wide: false } => "i32".into(),
            Kind::Integer { wide: true } => "i64".into(),
            Kind::Number => "f64".into(),
            Kind::Boolean => "bool".into(),
            Kind::Text { format } => match format.as_deref() {
                Some("date-time") => "datetime".into(),
                Some("date") => "date".into(),
                // OpenAPI's `byte`: base64 text.
                Some("byte") => "base64".into(),
                _ => "string".into(),
            },
            Kind::Array(items) => match self.ty(&items).as_str() {
                "json" => "json".into(),
                item => format!("list<{item}>"),
            },
            Kind::Object { .. } | Kind::Any | Kind::Unknown => "json".into(),
        }
    }

    /// A type with a `lookup` gives each record one lookup method, so a second
    /// list of it (Actions has `customfields` and `ticket_customfields`) stays json.
    fn one_list_per_lookup(&self, fields: &mut [Line]) {
        let mut seen: Vec<String> = Vec::new();
        for line in fields {
            let item = line
                .ty
                .strip_prefix("list<")
                .and_then(|t| t.strip_suffix('>'));
            let Some(item) = item.filter(|t| self.has_lookup(t)).map(str::to_owned) else {
                continue;
            };
            if seen.contains(&item) {
                line.comment = Some(format!(
                    "list<{item}>: only one list per record may have {item}'s lookup"
                ));
                line.ty = "json".into();
            } else {
                seen.push(item);
            }
        }
    }

    fn has_lookup(&self, name: &str) -> bool {
        self.spec.is_some_and(|spec| {
            spec.types
                .iter()
                .any(|t| t.name == name && t.lookup.is_some())
        })
    }

    /// Whether the spec has a shared type of this name (Halo's and the spec's
    /// names often agree: `CustomField`, `Tag`, `Attachment`).
    fn has_type(&self, name: &str) -> bool {
        self.spec
            .is_some_and(|spec| spec.types.iter().any(|t| t.name == name))
    }

    /// A pointer to the model behind a `json` field, so a shared type can be
    /// written for it.
    fn model_note(&self, declared: &Declared) -> Option<String> {
        let model = match self.doc.kind(declared) {
            Kind::Object { schema } => schema,
            Kind::Array(items) => items.reference.filter(|n| !self.has_type(n)),
            _ => None,
        }?;
        (!self.has_type(&model)).then(|| {
            format!("Halo model {model}: a shared type under `types:` fits better than json")
        })
    }

    /// The entity a `<entity>_id` name refers to, when the spec has it, and
    /// its kind of id.
    fn reference(&self, wire: &str) -> Option<(String, KeyKind)> {
        let stem = wire.strip_suffix("_id")?;
        self.spec?
            .entities
            .iter()
            .find(|e| e.module == stem && !e.singleton)
            .map(|e| (e.name.clone(), e.key))
    }
}

/// Whether a declared body is an array of the model.
fn array_of(doc: &Document, body: &Declared, model: &str) -> bool {
    matches!(doc.kind(body), Kind::Array(items) if items.reference.as_deref() == Some(model))
}

/// A `rust_name` for a name no identifier can start like (Halo's
/// `2faemailallowed`): `n_2faemailallowed`.
fn leading_digit(wire: &str) -> Option<String> {
    wire.starts_with(|c: char| c.is_ascii_digit())
        .then(|| format!("n_{}", words(wire).join("_").to_ascii_lowercase()))
}

/// An explicit `rust_name` when the parameter's own would clash: with a
/// method the request type of this kind already has (`send`, `order`,
/// `default`), or, for a required parameter (an argument), with the method's
/// `id` and `body`.
fn rust_name(kind: &str, wire: &str, required: bool) -> Option<String> {
    let name = words(wire).join("_").to_ascii_lowercase();
    let clashes = if required {
        matches!(name.as_str(), "id" | "body")
    } else {
        let own = REQUEST_METHODS
            .iter()
            .find(|(k, _)| *k == kind)
            .is_some_and(|(_, methods)| methods.contains(&name.as_str()));
        own || TRAIT_METHODS.contains(&name.as_str()) || TRAIT_LIKE_METHODS.contains(&name.as_str())
    };
    (clashes && !name.is_empty())
        .then(|| format!("{name}_value"))
        .or_else(|| cli_flag(wire))
}

/// An explicit `rust_name` when the name's flag in the command-line client
/// (its kebab-case form) is one of the client's own (`--verbose`, `--columns`).
fn cli_flag(wire: &str) -> Option<String> {
    let name = words(wire).join("_").to_ascii_lowercase();
    CLI_FLAGS
        .contains(&name.replace('_', "-").as_str())
        .then(|| format!("{name}_value"))
}

/// Splits Halo's `(int) Filters by ...` into the type hint and a doc sentence.
fn split_description(text: &str) -> (Option<&str>, String) {
    let text = text.trim();
    let (hint, rest) = match text.strip_prefix('(').and_then(|t| t.split_once(')')) {
        Some((hint, rest)) => (Some(hint.trim()), rest),
        None => (None, text),
    };
    // Invisible characters would only be rejected by the generator.
    let visible: String = rest.chars().filter(|c| !invisible(*c)).collect();
    let words: Vec<&str> = visible.split_whitespace().collect();
    let mut doc = words.join(" ").replace("<br>", "");
    if doc.is_empty() {
        doc = "TODO.".into();
    } else if !doc.ends_with('.') {
        doc.push('.');
    }
    (hint, doc)
}

fn described_type(hint: &str) -> Option<&'static str> {
    match hint.to_ascii_lowercase().as_str() {
        "bool" => Some("bool"),
        "int" => Some("i32"),
        "double" => Some("f64"),
        "string" => Some("string"),
        "array of int" => Some("list<i32>"),
        _ => None,
    }
}

/// A double-quoted YAML scalar; control and invisible characters become
/// `\uXXXX` escapes (which the generator then reports, located).
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() || invisible(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as a plain YAML scalar when it is a simple word, else quoted.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '<' | '>' | '/'))
        && !text.starts_with(['-', '<', '>']);
    if plain {
        text.to_owned()
    } else {
        quote(text)
    }
}

/// `text` for a YAML comment: one line, nothing invisible.
/// Words of `text` in lines of at most `width` characters (a longer word
/// stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || invisible(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Characters the generator refuses in spec text (see `halopsa_codegen::forbidden_char`).
fn invisible(c: char) -> bool {
    c != '\t' && c != '\n' && halopsa_codegen::forbidden_char(c).is_some()
}

/// `Tickets` -> `Ticket`, `Opportunities` -> `Opportunity`, `KBArticle` ->
/// `KbArticle` (the generator wants UpperCamelCase); `Status` stays.
fn singular(path: &str) -> String {
    let mut name: String = words(path)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            lower[..1].to_ascii_uppercase() + &lower[1..]
        })
        .collect();
    if let Some(stem) = name.strip_suffix("ies") {
        name = format!("{stem}y");
    } else if name.ends_with('s') && !name.ends_with("ss") && !name.ends_with("us") {
        name.pop();
    }
    name
}

/// Splits `KBArticle` or `ticket_types` into words; an acronym is one word.
fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let starts_word = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase())
            });
        if starts_word && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// The likely wrapper key: the path in lower case, in the plural.
fn list_key(path: &str) -> String {
    let key = path.trim_matches('/').to_ascii_lowercase();
    if key.ends_with('s') {
        key
    } else {
        format!("{key}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_names() {
        assert_eq!(singular("Tickets"), "Ticket");
        assert_eq!(singular("Opportunities"), "Opportunity");
        assert_eq!(singular("Status"), "Status");
        assert_eq!(singular("KBArticle"), "KbArticle");
        assert_eq!(singular("TimesheetEvent"), "TimesheetEvent");
        assert_eq!(singular("ticket_types"), "TicketType");
    }

    #[test]
    fn descriptions_lose_their_type_hint() {
        assert_eq!(
            split_description("(array of int) Returns tickets  based on agents"),
            (
                Some("array of int"),
                "Returns tickets based on agents.".to_owned()
            )
        );
        assert_eq!(split_description(""), (None, "TODO.".to_owned()));
        assert_eq!(
            split_description("Hidden\u{202e} text\r\n  injected: true"),
            (None, "Hidden text injected: true.".to_owned())
        );
    }

    /// A hostile document cannot add keys or actions through its paths and
    /// parameters: unwritable sub-paths become one-line notes, names stay in
    /// their scalars.
    #[test]
    fn hostile_sub_paths_and_parameters_stay_in_their_scalars() {
        let doc = Document::parse(
            r##"{"info": {"title": "Evil\n  Pwned:\n    doc: x"}, "paths": {
              "/Things": {
                "get": {"parameters": [{"name": "pageinate", "in": "query", "schema": {"type": "bool"}}]},
                "post": {"requestBody": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}
              },
              "/Things/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}]}},
              "/Things/evil: x\n    actions:\n      pwn: {}": {"post": {}},
              "/Things/{a: b}/x": {"get": {}},
              "/Things/run": {"post": {"parameters": [
                {"name": "q: 1\n        evil: 2", "in": "query", "required": true,
                 "description": "(string) Hi\u202e\n  there", "schema": {"type": "string"}}
              ]}}
            },
            "components": {"schemas": {"Thing": {"properties": {"id": {"type": "integer"}}}}}}"##,
        )
        .unwrap();
        let request = Request {
            path: "Things".into(),
            ..Request::default()
        };
        let text = draft(&doc, None, &request).unwrap();
        let parsed: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(parsed.as_mapping().unwrap().len(), 1);
        let entity = parsed["Thing"].as_mapping().unwrap();
        let keys: Vec<&str> = entity.keys().filter_map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            ["doc", "path", "list", "operations", "fields", "actions"]
        );
        let actions = parsed["Thing"]["actions"].as_mapping().unwrap();
        assert_eq!(actions.len(), 1);
        let params = parsed["Thing"]["actions"]["run"]["params"]
            .as_mapping()
            .unwrap();
        let (name, param) = params.iter().next().unwrap();
        assert_eq!(params.len(), 1);
        assert_eq!(name.as_str(), Some("q: 1\n        evil: 2"));
        assert_eq!(param["doc"].as_str(), Some("Hi there."));
        assert_eq!(param["required"].as_bool(), Some(true));
        assert_eq!(text.matches("    # Not drafted: ").count(), 2);
    }

    /// Where the document's `{id}` and its model's `id` disagree, the draft
    /// follows the path and says so.
    #[test]
    fn a_self_contradicting_document_is_pointed_out() {
        let doc = Document::parse(
            r##"{"paths": {
              "/Statuses": {"get": {"tags": ["Status"]}},
              "/Statuses/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}]}}
            },
            "components": {"schemas": {"Status": {"properties": {"id": {"type": "integer", "format": "int32"}}}}}}"##,
        )
        .unwrap();
        let request = Request {
            path: "Statuses".into(),
            ..Request::default()
        };
        let text = draft(&doc, None, &request).unwrap();
        assert!(text.contains(
            "    path: Statuses\n    # Halo's document contradicts itself: the `{id}` of GET /Statuses/{id} is `string`, model Status's `id` is `integer/int32`; whichever `key` the spec takes, verify-upstream reports the other.\n    key: string\n"
        ));
    }

    /// A hostile document cannot add keys to a drafted entry.
    #[test]
    fn hostile_names_and_notes_stay_in_their_scalars() {
        let line = Line {
            wire: "evil: x }\n      injected".into(),
            ty: "list<i32>".into(),
            doc: "Say \"hi\"\u{202e}".into(),
            rust_name: Some("a, b: c".into()),
            upstream_type: Some("string\n      more: 1".into()),
            required: true,
            request_only: false,
            comment: Some("note\n      also: 2".into()),
        };
        let mut out = String::new();
        section(&mut out, "    ", "fields", &[line]);
        assert_eq!(
            out,
            "    fields:\n      \"evil: x }\\u000A      injected\": { type: list<i32>, doc: \"Say \\\"hi\\\"\\u202E\", rust_name: \"a, b: c\", upstream_type: \"string\\u000A      more: 1\", required: true }  # note       also: 2\n"
        );
        let parsed: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        let fields = parsed["fields"].as_mapping().unwrap();
        assert_eq!(fields.len(), 1);
        assert_eq!(
            fields.keys().next().unwrap().as_str(),
            Some("evil: x }\n      injected")
        );
    }
}
