//! `draft-entity`: prints a spec entry for one collection of Halo's OpenAPI
//! document, for a person to trim, document and paste under `entities:`.
//!
//! Types come from the document; where a parameter's description contradicts
//! its declared type (Halo's `(array of int)` parameters declared `string`), the
//! described type wins and `upstream_type` records the declared one, so the
//! draft passes `verify-upstream` as printed. The list shape cannot be read from
//! the document (it has no response schemas), so it is a marked guess.

use std::fmt::Write as _;

use halopsa_codegen::model::Spec;

use crate::openapi::{Declared, Document, Kind, Parameter};

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
}

/// A drafted field or parameter line.
struct Line {
    wire: String,
    ty: String,
    doc: String,
    upstream_type: Option<String>,
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
    let item = item.unwrap_or_default();
    let model = doc.model_of(&collection).ok_or_else(|| {
        format!(
            "error: no schema model found for `{collection}` (no POST body or GET tag names one)"
        )
    })?;
    let has = |path: &str, method: &str| doc.operation(path, method).is_some();
    let ops: Vec<&str> = [
        ("list", has(&collection, "get")),
        ("get", has(&item, "get")),
        ("create", has(&collection, "post")),
        ("update", has(&collection, "post")),
        ("delete", has(&item, "delete")),
    ]
    .into_iter()
    .filter_map(|(op, present)| present.then_some(op))
    .collect();

    let types = Types { doc, spec };
    // Halo's `_name` properties are request-only switches (`_validateonly`,
    // `_isimport`), and some clash with a plain name (`_signature`, `signature`).
    let properties = doc
        .properties(&model)
        .into_iter()
        .filter(|(name, _)| request.fields.is_some() || !name.starts_with('_'))
        .collect();
    let fields = select(
        properties,
        request.fields.as_deref(),
        &format!("model {model}"),
        true,
    )?;
    let mut fields: Vec<Line> = fields
        .into_iter()
        .map(|(wire, declared)| types.field(&wire, &declared))
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
    let params = |method| {
        doc.query_params(&item, method)
            .iter()
            .map(|p| types.param(p))
            .collect::<Vec<_>>()
    };

    let name = request
        .name
        .clone()
        .unwrap_or_else(|| singular(request.path.trim_matches('/')));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  # Halo model {model}. Drafted from {} by `cargo xtask draft-entity`:",
        doc.title()
    );
    let _ = writeln!(
        out,
        "  # write the docs, check the list shape against a real response, and trim."
    );
    let _ = writeln!(out, "  {name}:");
    let _ = writeln!(out, "    doc: TODO.");
    let _ = writeln!(out, "    path: {}", collection.trim_start_matches('/'));
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
    section(&mut out, "fields", &fields);
    if ops.contains(&"list") {
        let lines: Vec<Line> = filters.iter().map(|(_, p)| types.param(p)).collect();
        section(&mut out, "filters", &lines);
    }
    if ops.contains(&"get") {
        section(&mut out, "get_params", &params("get"));
    }
    if ops.contains(&"delete") {
        section(&mut out, "delete_params", &params("delete"));
    }
    Ok(out)
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

fn section(out: &mut String, key: &str, lines: &[Line]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "    {key}:");
    for line in lines {
        // Names, types and descriptions come from a document any Halo
        // instance serves: each is written as one plain or quoted YAML scalar,
        // and a comment stays on its line, so none can add keys to the entry.
        let upstream = line
            .upstream_type
            .as_deref()
            .map(|u| format!(", upstream_type: {}", scalar(u)))
            .unwrap_or_default();
        let comment = line
            .comment
            .as_deref()
            .map(|c| format!("  # {}", one_line(c)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "      {}: {{ type: {}, doc: {}{upstream} }}{comment}",
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
            Some(entity) if wire != "id" => match self.doc.kind(declared) {
                Kind::Integer { wide: false } => (format!("ref<{entity}>"), None),
                // Halo declares some ids `number/double` (they arrive as `21.0`).
                Kind::Number => (format!("ref<{entity}>"), Some(declared.to_string())),
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
            upstream_type,
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
            _ => (from_doc.ty, from_doc.upstream_type, from_doc.comment),
        };
        Line {
            wire: param.name.clone(),
            ty,
            doc,
            upstream_type,
            comment,
        }
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

    /// The entity a `<entity>_id` name refers to, when the spec has it.
    fn reference(&self, wire: &str) -> Option<String> {
        let stem = wire.strip_suffix("_id")?;
        self.spec?
            .entities
            .iter()
            .find(|e| e.module == stem)
            .map(|e| e.name.clone())
    }
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

    /// A hostile document cannot add keys to a drafted entry.
    #[test]
    fn hostile_names_and_notes_stay_in_their_scalars() {
        let line = Line {
            wire: "evil: x }\n      injected".into(),
            ty: "list<i32>".into(),
            doc: "Say \"hi\"\u{202e}".into(),
            upstream_type: Some("string\n      more: 1".into()),
            comment: Some("note\n      also: 2".into()),
        };
        let mut out = String::new();
        section(&mut out, "fields", &[line]);
        assert_eq!(
            out,
            "    fields:\n      \"evil: x }\\u000A      injected\": { type: list<i32>, doc: \"Say \\\"hi\\\"\\u202E\", upstream_type: \"string\\u000A      more: 1\" }  # note       also: 2\n"
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
