//! The spec file as written: what serde_yaml decodes, before any checks.
//!
//! Every struct rejects unknown keys. Values that need a located, accumulated
//! error (types, operations, docs) stay strings or options here and are checked
//! in `validate`.

use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Spec {
    pub version: u32,
    pub api: Api,
    #[serde(default)]
    pub types: IndexMap<String, NamedType>,
    pub entities: IndexMap<String, Entity>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Api {
    pub name: String,
    pub doc: Option<String>,
    pub base_path: String,
    pub auth: Auth,
    pub pagination: Pagination,
    pub rate_limit: RateLimit,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Auth {
    pub token_path: String,
    pub tenant_param: String,
    pub default_scope: String,
    pub discovery_path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Pagination {
    pub enable_param: String,
    pub page_param: String,
    pub size_param: String,
    pub count_field: String,
    pub max_page_size: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RateLimit {
    pub requests: u32,
    pub window_seconds: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NamedType {
    pub doc: Option<String>,
    #[serde(rename = "struct")]
    pub struct_fields: Option<IndexMap<String, Field>>,
    #[serde(rename = "enum")]
    pub enum_def: Option<Enum>,
    pub lookup: Option<Lookup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Lookup {
    pub key: String,
    pub method: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Enum {
    pub repr: String,
    pub values: IndexMap<String, Variant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Variant {
    pub value: VariantValue,
    pub doc: Option<String>,
}

#[derive(Debug)]
pub(crate) enum VariantValue {
    Int(i64),
    Str(String),
}

/// By hand rather than `#[serde(untagged)]`, whose error names this Rust type
/// ("did not match any variant of untagged enum VariantValue") and points at
/// the enclosing mapping instead of the value.
impl<'de> Deserialize<'de> for VariantValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = VariantValue;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer or a string")
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<VariantValue, E> {
                Ok(VariantValue::Int(v))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<VariantValue, E> {
                i64::try_from(v)
                    .map(VariantValue::Int)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<VariantValue, E> {
                Ok(VariantValue::Str(v.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entity {
    pub doc: Option<String>,
    pub path: String,
    pub accessor: Option<String>,
    /// `int` (the default), `string` or `uuid`: what the records' ids are.
    pub key: Option<String>,
    /// One record at the path, without an id (`Control`).
    #[serde(default)]
    pub singleton: bool,
    pub list: Option<List>,
    #[serde(default)]
    pub operations: Vec<String>,
    #[serde(default)]
    pub actions: IndexMap<String, Action>,
    /// Named patches that send request-only switches (`restore`).
    #[serde(default)]
    pub verbs: IndexMap<String, Verb>,
    #[serde(default)]
    pub fields: IndexMap<String, Field>,
    #[serde(default)]
    pub filters: IndexMap<String, Param>,
    #[serde(default)]
    pub get_params: IndexMap<String, Param>,
    #[serde(default)]
    pub delete_params: IndexMap<String, Param>,
    /// The OAuth scopes the five operations need.
    pub scopes: Option<Scopes>,
    /// The fields the command-line client shows as table columns.
    pub columns: Option<Vec<String>>,
}

/// `scopes: { read: read:tickets, edit: edit:tickets }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scopes {
    pub read: Option<String>,
    pub edit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct List {
    pub shape: Option<String>,
    pub key: Option<String>,
    pub paginated: Option<bool>,
    pub count_param: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Field {
    #[serde(rename = "type")]
    pub ty: String,
    pub doc: Option<String>,
    pub rust_name: Option<String>,
    #[serde(default)]
    pub read_only: bool,
    /// Sent with a create or update, never part of the record (Halo's `_`
    /// switches such as `_recover`).
    #[serde(default)]
    pub request_only: bool,
    pub upstream_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Param {
    #[serde(rename = "type")]
    pub ty: String,
    pub doc: Option<String>,
    pub rust_name: Option<String>,
    pub upstream_type: Option<String>,
    pub flag: Option<bool>,
    /// A list filter or action parameter the call cannot go without: it
    /// becomes an argument of the method instead of a setter.
    #[serde(default)]
    pub required: bool,
}

/// An operation other than the five: a method and a path under the collection.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Action {
    pub doc: Option<String>,
    pub method: String,
    /// A path template under the collection's path (`PDF/{id}`); empty for
    /// the collection's path itself.
    #[serde(default)]
    pub path: String,
    /// The template's parameters other than `{id}`.
    #[serde(default)]
    pub path_params: IndexMap<String, Param>,
    #[serde(default)]
    pub params: IndexMap<String, Param>,
    pub body: Option<String>,
    pub response: Option<String>,
    /// Whether the action may be sent again when the server might have acted.
    pub retry: Option<bool>,
    /// The OAuth scope the action needs, named in a 403's message.
    pub scope: Option<String>,
}

/// A named patch of the handle that sends request-only switches:
/// `restore: { doc: .., sets: [_recover, _validate_updates] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Verb {
    pub doc: Option<String>,
    /// Wire names of request-only `bool` fields, each sent as `true`.
    #[serde(default)]
    pub sets: Vec<String>,
}
