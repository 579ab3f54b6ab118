//! Reading Halo's OpenAPI document: only what the spec is checked against.
//!
//! Halo publishes OpenAPI 3.0 with quirks that a strict decoder rejects, so the
//! document is read as plain JSON and the quirks are absorbed here: parameter
//! types `int`, `bool`, `double`, `DateTime`, `List<int>`; parameters declared
//! twice; and no response schemas (a collection's model is found through its
//! POST body instead).

use std::fmt;
use std::path::Path;

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

/// One query parameter; `declared` holds every declaration of a repeated name.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub description: String,
    pub declared: Vec<Declared>,
}

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

    /// The query parameters of an operation, in document order, repeats merged.
    pub fn query_params(&self, path: &str, method: &str) -> Vec<Parameter> {
        let mut params: Vec<Parameter> = Vec::new();
        let list = self
            .operation(path, method)
            .and_then(|op| op.get("parameters"))
            .and_then(Value::as_array);
        for param in list.into_iter().flatten() {
            if param.get("in").and_then(Value::as_str) != Some("query") {
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
            match params.iter_mut().find(|p| p.name == name) {
                Some(seen) => {
                    if !seen.declared.contains(&declared) {
                        seen.declared.push(declared);
                    }
                    if seen.description.is_empty() {
                        seen.description = description;
                    }
                }
                None => params.push(Parameter {
                    name: name.to_owned(),
                    description,
                    declared: vec![declared],
                }),
            }
        }
        params
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

    /// The properties of a schema model, in document order.
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
