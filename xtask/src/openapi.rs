//! Reading Halo's OpenAPI document: only what the spec is checked against.
//!
//! Halo publishes OpenAPI 3.0 with quirks that a strict decoder rejects, so the
//! document is read as plain JSON and the quirks are absorbed here: parameter
//! types `int`, `bool`, `double`, `DateTime`, `List<int>`; parameters declared
//! twice; and no response schemas (a collection's model is found through its
//! POST body instead, and an operation's answer cannot be checked at all).

use std::fmt;
use std::path::Path;

use halopsa_codegen::model::KeyKind;
use serde_json::{Map, Value};

/// A loaded OpenAPI document.
#[derive(Debug, Clone)]
pub struct Document {
    /// `paths`, taken out of the root so lookups need no unwrapping.
    paths: Map<String, Value>,
    /// The rest of the document.
    root: Value,
}

/// A type as the document declares it, kept as written so messages and
/// `upstream_type` can quote it exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    /// `type` as written (`integer`, `int`, `List<int>`, ...); `None` when absent.
    pub ty: Option<String>,
    pub format: Option<String>,
    /// The item type of an `array`.
    pub items: Option<Box<Declared>>,
    /// The schema name of a `$ref`.
    pub reference: Option<String>,
}

/// What a declared type means, quirks resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Integer {
        wide: bool,
    },
    Number,
    Boolean,
    Text {
        format: Option<String>,
    },
    Array(Declared),
    /// An object; `schema` names it when it is a `$ref`.
    Object {
        schema: Option<String>,
    },
    /// No type at all: the document does not constrain the value.
    Any,
    /// A type this reader does not know.
    Unknown,
}

/// One query or path parameter; `declared` holds every declaration of a
/// repeated name.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub description: String,
    pub declared: Vec<Declared>,
    /// Whether any declaration says `required: true`.
    pub required: bool,
}

/// What an operation's `requestBody` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    /// JSON of this schema.
    Json(Declared),
    /// Anything else (Halo's uploads take `multipart/form-data`): the media type.
    Other(String),
}

impl fmt::Display for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestBody::Json(declared) => declared.fmt(f),
            RequestBody::Other(media) => f.write_str(media),
        }
    }
}

/// One segment of a path: `Invoice`, `{id}`, or something no template can
/// name (`{id}&{seq}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Param(String),
    Other(String),
}

impl Segment {
    /// The segments of `/Invoice/PDF/{id}` (the leading `/` is ignored).
    pub fn split(path: &str) -> Vec<Segment> {
        let path = path.strip_prefix('/').unwrap_or(path);
        path.split('/')
            .map(|s| {
                let inner = s.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
                match inner {
                    Some(name) if !name.contains(['{', '}']) => Segment::Param(name.to_owned()),
                    _ if s.contains(['{', '}']) => Segment::Other(s.to_owned()),
                    _ => Segment::Literal(s.to_owned()),
                }
            })
            .collect()
    }

    /// Whether a document segment fits this one of a template: literals
    /// exactly, parameters whatever their names.
    fn fits(&self, doc: &Segment) -> bool {
        match (self, doc) {
            (Segment::Literal(a), Segment::Literal(b)) => a == b,
            (Segment::Param(_), Segment::Param(_)) => true,
            _ => false,
        }
    }
}

/// What the ids of a collection are, as the document declares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// An `int32` (wider integers do not fit the runtime's ids).
    Int,
    /// Text; `uuid` when the document says so (a format, a description, or
    /// the `id` of the collection's model).
    Text { uuid: bool },
    /// Anything else.
    Other,
}

impl IdKind {
    /// Whether ids of this kind decode from values of the declared kind
    /// (text whatever its format).
    pub fn fits(self, kind: &Kind) -> bool {
        matches!(
            (self, kind),
            (IdKind::Int, Kind::Integer { wide: false }) | (IdKind::Text { .. }, Kind::Text { .. })
        )
    }
}

impl From<KeyKind> for IdKind {
    fn from(key: KeyKind) -> Self {
        match key {
            KeyKind::Int => IdKind::Int,
            KeyKind::Text { uuid } => IdKind::Text { uuid },
        }
    }
}

/// The `{id}` of a collection's item path, with what it says about the ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKey {
    /// `GET /Webhook/{id}`.
    pub endpoint: String,
    pub declared: Declared,
    pub kind: IdKind,
    /// How the document says so, when not by the parameter's type alone:
    /// "model Policy's `id` is `string/uuid`".
    pub evidence: Option<String>,
}

impl fmt::Display for ItemKey {
    /// "`string/uuid`", or "`string` (model Policy's `id` is `string/uuid`)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.declared)?;
        match &self.evidence {
            Some(evidence) => write!(f, " ({evidence})"),
            None => Ok(()),
        }
    }
}

/// The HTTP methods an OpenAPI path item may hold, as its keys spell them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Document {
    /// Reads a document from a file.
    pub fn load(path: &Path) -> Result<Document, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
        Document::parse(&text).map_err(|e| format!("error: {}: {e}", path.display()))
    }

    /// Parses a document; it needs a `paths` object and nothing else.
    pub fn parse(text: &str) -> Result<Document, String> {
        let mut root: Value =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        match root.get_mut("paths").map(Value::take) {
            Some(Value::Object(paths)) => Ok(Document { paths, root }),
            _ => Err("not an OpenAPI document: it has no `paths` object".into()),
        }
    }

    /// `title version` from `info`, for the summary line.
    pub fn title(&self) -> String {
        let info = |key: &str| {
            self.root
                .pointer(&format!("/info/{key}"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        format!("{} {}", info("title"), info("version"))
            .trim()
            .to_owned()
    }

    pub fn has_path(&self, path: &str) -> bool {
        self.paths.contains_key(path)
    }

    /// The single-record path of a collection: `/Tickets/{id}`, whatever the
    /// parameter is called.
    pub fn item_path(&self, collection: &str) -> Option<String> {
        let prefix = format!("{collection}/{{");
        self.paths
            .keys()
            .find(|p| {
                p.starts_with(&prefix) && p.ends_with('}') && !p[prefix.len()..].contains('/')
            })
            .cloned()
    }

    /// The operation for `method` (lower case) on `path`.
    pub fn operation(&self, path: &str, method: &str) -> Option<&Value> {
        self.paths.get(path)?.get(method)
    }

    /// The methods (lower case) the document has for `path`: GET, PUT, POST,
    /// DELETE, then the rest.
    pub fn methods(&self, path: &str) -> Vec<&'static str> {
        let Some(Value::Object(item)) = self.paths.get(path) else {
            return Vec::new();
        };
        METHODS
            .into_iter()
            .filter(|m| item.contains_key(*m))
            .collect()
    }

    /// The paths under a collection other than its item path
    /// (`/Invoice/PDF/{id}`, `/Invoice/updatelines`), sorted.
    pub fn sub_paths(&self, collection: &str) -> Vec<String> {
        let item = self.item_path(collection);
        let prefix = format!("{collection}/");
        let mut paths: Vec<String> = self
            .paths
            .keys()
            .filter(|p| p.starts_with(&prefix) && Some(*p) != item.as_ref())
            .cloned()
            .collect();
        paths.sort();
        paths
    }

    /// The path that fits a template's segments (parameters match whatever
    /// the document calls them).
    pub fn find_path(&self, template: &[Segment]) -> Option<String> {
        self.paths
            .keys()
            .find(|path| {
                let segments = Segment::split(path);
                segments.len() == template.len()
                    && template.iter().zip(&segments).all(|(t, d)| t.fits(d))
            })
            .cloned()
    }

    /// The query parameters of an operation, in document order, repeats merged.
    pub fn query_params(&self, path: &str, method: &str) -> Vec<Parameter> {
        self.params(path, method, "query")
    }

    /// The path parameters of an operation, in document order.
    pub fn path_params(&self, path: &str, method: &str) -> Vec<Parameter> {
        self.params(path, method, "path")
    }

    fn params(&self, path: &str, method: &str, location: &str) -> Vec<Parameter> {
        let mut params: Vec<Parameter> = Vec::new();
        let list = self
            .operation(path, method)
            .and_then(|op| op.get("parameters"))
            .and_then(Value::as_array);
        for param in list.into_iter().flatten() {
            if param.get("in").and_then(Value::as_str) != Some(location) {
                continue;
            }
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                continue;
            };
            let declared = Declared::from_schema(param.get("schema").unwrap_or(&Value::Null));
            let description = param
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let required = param.get("required").and_then(Value::as_bool) == Some(true);
            match params.iter_mut().find(|p| p.name == name) {
                Some(seen) => {
                    if !seen.declared.contains(&declared) {
                        seen.declared.push(declared);
                    }
                    if seen.description.is_empty() {
                        seen.description = description;
                    }
                    seen.required |= required;
                }
                None => params.push(Parameter {
                    name: name.to_owned(),
                    description,
                    declared: vec![declared],
                    required,
                }),
            }
        }
        params
    }

    /// What an operation takes as its body: JSON when any media type is
    /// JSON (Halo lists the same schema under four), else the first media type.
    pub fn request_body(&self, path: &str, method: &str) -> Option<RequestBody> {
        let content = self
            .operation(path, method)?
            .pointer("/requestBody/content")?
            .as_object()?;
        let json = content
            .get("application/json")
            .or_else(|| {
                content
                    .iter()
                    .find(|(media, _)| media.contains("json"))
                    .map(|(_, v)| v)
            })
            .map(|media| Declared::from_schema(media.get("schema").unwrap_or(&Value::Null)));
        match json {
            Some(declared) => Some(RequestBody::Json(declared)),
            None => content.keys().next().cloned().map(RequestBody::Other),
        }
    }

    /// The `{id}` of a collection's item path (from its GET, else its DELETE)
    /// and what kind of ids it declares.
    pub fn item_key(&self, collection: &str) -> Option<ItemKey> {
        let item = self.item_path(collection)?;
        let (method, param) = ["get", "delete"].into_iter().find_map(|method| {
            let param = self.path_params(&item, method).into_iter().next()?;
            Some((method, param))
        })?;
        let declared = param.declared.first().cloned().unwrap_or_default();
        let mut evidence = None;
        let kind = match self.id_kind(&param) {
            IdKind::Text { uuid: false } => {
                // Halo declares some ids plain `string` in the path and
                // `string/uuid` in the model (Priority, Holiday).
                let model = self.model_of(collection);
                let id = model
                    .as_deref()
                    .and_then(|m| Some((m, self.property(m, "id")?)));
                match id {
                    Some((model, id)) if id.format.as_deref() == Some("uuid") => {
                        evidence = Some(format!("model {model}'s `id` is `{id}`"));
                        IdKind::Text { uuid: true }
                    }
                    _ => IdKind::Text { uuid: false },
                }
            }
            IdKind::Text { uuid: true } if declared.format.as_deref() != Some("uuid") => {
                evidence = Some(format!("described as {}", one_line(&param.description)));
                IdKind::Text { uuid: true }
            }
            kind => kind,
        };
        Some(ItemKey {
            endpoint: format!("{} {item}", method.to_uppercase()),
            declared,
            kind,
            evidence,
        })
    }

    /// What kind of id a path parameter holds: its type, and for text a
    /// `uuid` format or a description that says UUID or GUID.
    pub fn id_kind(&self, param: &Parameter) -> IdKind {
        let declared = param.declared.first().cloned().unwrap_or_default();
        match self.kind(&declared) {
            Kind::Integer { wide: false } => IdKind::Int,
            Kind::Text { format } => {
                let described = param.description.to_ascii_lowercase();
                let uuid = format.as_deref() == Some("uuid")
                    || described.contains("uuid")
                    || described.contains("guid");
                IdKind::Text { uuid }
            }
            _ => IdKind::Other,
        }
    }

    /// The schema model of a collection: the item `$ref` of its POST body, or
    /// else a tag of its GET that names a schema (Halo tags operations by model).
    pub fn model_of(&self, collection: &str) -> Option<String> {
        let body = self
            .operation(collection, "post")
            .and_then(|op| op.pointer("/requestBody/content/application~1json/schema"));
        if let Some(schema) = body {
            let declared = Declared::from_schema(schema);
            let name = declared
                .reference
                .or_else(|| declared.items.and_then(|items| items.reference));
            if name.as_deref().is_some_and(|n| self.schema(n).is_some()) {
                return name;
            }
        }
        let tags = self
            .operation(collection, "get")
            .and_then(|op| op.get("tags"))
            .and_then(Value::as_array);
        tags.into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|tag| self.schema(tag).is_some())
            .map(str::to_owned)
    }

    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.root.pointer("/components/schemas")?.get(name)
    }

    /// The properties of a schema model, by name (serde_json keeps object
    /// keys sorted).
    pub fn properties(&self, model: &str) -> Vec<(String, Declared)> {
        let props = self
            .schema(model)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object);
        props
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.clone(), Declared::from_schema(schema)))
            .collect()
    }

    pub fn property(&self, model: &str, name: &str) -> Option<Declared> {
        let schema = self.schema(model)?.get("properties")?.get(name)?;
        Some(Declared::from_schema(schema))
    }

    /// What a declared type means; a `$ref` is followed to its schema's type
    /// (Halo's enums are `$ref`s to integer schemas).
    pub fn kind(&self, declared: &Declared) -> Kind {
        if let Some(name) = &declared.reference {
            let Some(schema) = self.schema(name) else {
                return Kind::Unknown;
            };
            let target = Declared::from_schema(schema);
            return match target.ty.as_deref() {
                None | Some("object") => Kind::Object {
                    schema: Some(name.clone()),
                },
                _ if target.reference.is_some() => Kind::Unknown, // refs to refs: not in Halo's document
                _ => self.kind(&target),
            };
        }
        let format = declared.format.clone();
        match declared.ty.as_deref() {
            None => Kind::Any,
            Some("integer") => Kind::Integer {
                wide: format.as_deref() == Some("int64"),
            },
            Some("int") => Kind::Integer { wide: false },
            Some("long") => Kind::Integer { wide: true },
            Some("number" | "double" | "float" | "decimal") => Kind::Number,
            Some("boolean" | "bool") => Kind::Boolean,
            Some("string") => Kind::Text { format },
            Some("DateTime") => Kind::Text {
                format: Some("date-time".into()),
            },
            Some("array") => Kind::Array(declared.items.as_deref().cloned().unwrap_or_default()),
            Some("object" | "obj") => Kind::Object { schema: None },
            Some(other) => match other
                .strip_prefix("List<")
                .and_then(|s| s.strip_suffix('>'))
            {
                Some(item) => Kind::Array(Declared {
                    ty: Some(item.to_owned()),
                    ..Declared::default()
                }),
                None => Kind::Unknown,
            },
        }
    }
}

/// A description quoted in a message: one line of visible characters (it
/// comes from whoever serves the document), at most 60 of them.
fn one_line(text: &str) -> String {
    let visible: String = text
        .chars()
        .filter(|c| c.is_whitespace() || halopsa_codegen::forbidden_char(*c).is_none())
        .collect();
    let words: Vec<&str> = visible.split_whitespace().collect();
    let line = words.join(" ");
    match line.char_indices().nth(60) {
        Some((at, _)) => format!("\"{}...\"", &line[..at]),
        None => format!("\"{line}\""),
    }
}

impl Declared {
    fn from_schema(schema: &Value) -> Declared {
        let text = |key: &str| schema.get(key).and_then(Value::as_str).map(str::to_owned);
        Declared {
            ty: text("type"),
            format: text("format"),
            items: schema
                .get("items")
                .map(|items| Box::new(Declared::from_schema(items))),
            reference: text("$ref").map(|r| r.rsplit('/').next().unwrap_or(&r).to_owned()),
        }
    }

    /// Whether a recorded `upstream_type` names this declaration: exactly as
    /// displayed (`number/double`), or by its type alone (`number`).
    pub fn matches(&self, recorded: &str) -> bool {
        let recorded = recorded.trim();
        self.to_string() == recorded
            || self.reference.is_none() && self.ty.as_deref() == Some(recorded)
    }
}

impl fmt::Display for Declared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.reference {
            return f.write_str(name);
        }
        match (self.ty.as_deref(), self.format.as_deref()) {
            (Some("array"), _) => match &self.items {
                Some(items) => write!(f, "array<{items}>"),
                None => f.write_str("array"),
            },
            (Some(ty), Some(format)) => write!(f, "{ty}/{format}"),
            (Some(ty), None) => f.write_str(ty),
            (None, _) => f.write_str("any"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(json: &str) -> Declared {
        Declared::from_schema(&serde_json::from_str(json).unwrap())
    }

    #[test]
    fn displays_types_as_written() {
        assert_eq!(declared(r#"{"type":"int"}"#).to_string(), "int");
        assert_eq!(
            declared(r#"{"type":"number","format":"double"}"#).to_string(),
            "number/double"
        );
        assert_eq!(
            declared(r##"{"type":"array","items":{"$ref":"#/components/schemas/Tag"}}"##)
                .to_string(),
            "array<Tag>"
        );
        assert_eq!(declared("{}").to_string(), "any");
    }

    #[test]
    fn recorded_types_match_with_or_without_format() {
        let double = declared(r#"{"type":"number","format":"double"}"#);
        assert!(double.matches("number/double"));
        assert!(double.matches("number"));
        assert!(!double.matches("double"));
    }

    #[test]
    fn paths_split_into_literals_and_parameters() {
        assert_eq!(
            Segment::split("/Invoice/PDF/{id}"),
            [
                Segment::Literal("Invoice".into()),
                Segment::Literal("PDF".into()),
                Segment::Param("id".into()),
            ]
        );
        // Halo's `/X/{id}&{seq}` cannot be a template segment.
        assert_eq!(
            Segment::split("/X/{id}&{seq}")[1],
            Segment::Other("{id}&{seq}".into())
        );
    }

    #[test]
    fn templates_find_paths_whatever_the_parameters_are_called() {
        let doc = Document::parse(r#"{"paths":{"/A/{x}/b":{},"/A/b":{}}}"#).unwrap();
        let template = Segment::split("/A/{id}/b");
        assert_eq!(doc.find_path(&template).as_deref(), Some("/A/{x}/b"));
        assert_eq!(doc.find_path(&Segment::split("/A/{id}/c")), None);
        assert_eq!(doc.find_path(&Segment::split("/A/B")), None);
    }

    #[test]
    fn text_ids_are_uuids_by_format_or_description() {
        let doc = Document::parse(r#"{"paths":{}}"#).unwrap();
        let param = |schema: &str, description: &str| Parameter {
            name: "id".into(),
            description: description.into(),
            declared: vec![declared(schema)],
            required: true,
        };
        let kind = |schema, description| doc.id_kind(&param(schema, description));
        assert_eq!(
            kind(r#"{"type":"integer","format":"int32"}"#, ""),
            IdKind::Int
        );
        assert_eq!(
            kind(r#"{"type":"integer","format":"int64"}"#, ""),
            IdKind::Other
        );
        assert_eq!(
            kind(r#"{"type":"string"}"#, ""),
            IdKind::Text { uuid: false }
        );
        assert_eq!(
            kind(r#"{"type":"string","format":"uuid"}"#, ""),
            IdKind::Text { uuid: true }
        );
        assert_eq!(
            kind(r#"{"type":"string"}"#, "The record's GUID"),
            IdKind::Text { uuid: true }
        );
    }

    #[test]
    fn nonstandard_types_are_understood() {
        let doc = Document::parse(r#"{"paths":{}}"#).unwrap();
        let kind = |json: &str| doc.kind(&declared(json));
        assert_eq!(kind(r#"{"type":"int"}"#), Kind::Integer { wide: false });
        assert_eq!(kind(r#"{"type":"bool"}"#), Kind::Boolean);
        assert_eq!(kind(r#"{"type":"double"}"#), Kind::Number);
        assert_eq!(
            kind(r#"{"type":"List<int>"}"#),
            Kind::Array(declared(r#"{"type":"int"}"#))
        );
    }
}
