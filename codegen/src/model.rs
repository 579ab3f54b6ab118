//! The checked model: everything the emitter needs, already validated.
//!
//! Names here are final Rust identifiers (keywords escaped, cases converted),
//! so the emitter never has to decide anything that could fail.

/// A spec that passed every check.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The spec file's name as shown in the `@generated` header.
    pub file: String,
    /// SHA-256 of the spec file's bytes, hex.
    pub hash: String,
    /// The `api` section.
    pub api: Api,
    /// Shared named types, in spec order.
    pub types: Vec<NamedType>,
    /// Entities, in spec order.
    pub entities: Vec<Entity>,
}

/// How to reach the API.
#[derive(Debug, Clone)]
pub struct Api {
    pub name: String,
    pub doc: String,
    pub base_path: String,
    pub token_path: String,
    pub tenant_param: String,
    pub default_scope: String,
    pub discovery_path: String,
    pub enable_param: String,
    pub page_param: String,
    pub size_param: String,
    pub count_field: String,
    pub max_page_size: u32,
    pub rate_limit_requests: u32,
    pub rate_limit_window_seconds: u32,
}

/// A shared struct or enum.
#[derive(Debug, Clone)]
pub struct NamedType {
    pub name: String,
    pub doc: String,
    pub kind: NamedKind,
    /// For structs found in lists: how records find an element by key.
    pub lookup: Option<Lookup>,
}

/// `lookup: { key: name, method: custom_field }`: records with a `list<T>`
/// field get `fn custom_field(&self, name: &str) -> Option<&T>`.
#[derive(Debug, Clone)]
pub struct Lookup {
    /// The struct field compared with the argument (Rust name; a string field).
    pub key: String,
    /// The method generated on each record that carries a list of this type.
    pub method: String,
}

#[derive(Debug, Clone)]
pub enum NamedKind {
    Struct(Vec<Field>),
    Enum {
        repr: EnumRepr,
        variants: Vec<Variant>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    Int,
    String,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub doc: String,
    pub value: VariantValue,
}

#[derive(Debug, Clone)]
pub enum VariantValue {
    Int(i64),
    Str(String),
}

/// One REST collection.
#[derive(Debug, Clone)]
pub struct Entity {
    /// Record type, e.g. `Ticket`.
    pub name: String,
    pub doc: String,
    /// Wire path under the base path, e.g. `Tickets`.
    pub path: String,
    /// Module (file) name, e.g. `ticket`.
    pub module: String,
    /// Method on the client, e.g. `tickets`.
    pub accessor: String,
    /// Handle type, e.g. `TicketsApi`.
    pub handle: String,
    /// Typed id alias, e.g. `TicketId`.
    pub id_type: String,
    /// Create input type, e.g. `NewTicket`.
    pub new_type: String,
    /// Request types: `TicketList`, `TicketGet`, `TicketPatch`, `TicketDelete`.
    pub list_type: String,
    pub get_type: String,
    pub patch_type: String,
    pub delete_type: String,
    pub list: Option<ListShape>,
    pub ops: Operations,
    /// What the records' ids are.
    pub key: KeyKind,
    /// One record at the path, without an id: its `get` and `update` are actions.
    pub singleton: bool,
    /// Operations other than the five, in spec order.
    pub actions: Vec<Action>,
    /// Named patches that send request-only switches, in spec order.
    pub verbs: Vec<Verb>,
    /// Fields other than `id`, in spec order.
    pub fields: Vec<Field>,
    /// Request-only fields, in spec order: setters of the create input and
    /// the patch request, never fields of the record (Halo's `_` switches
    /// such as `_recover`).
    pub request_fields: Vec<Field>,
    /// The doc of the `id` field.
    pub id_doc: String,
    pub filters: Vec<Param>,
    /// Lookup methods: (method, list field's Rust name, element type name).
    pub lookups: Vec<(String, String, String)>,
    pub get_params: Vec<Param>,
    pub delete_params: Vec<Param>,
    /// The OAuth scopes its operations need, when the spec records them.
    pub scopes: Scopes,
    /// The wire names the command-line client shows as table columns: the
    /// spec's `columns`, or `id` and the first few scalar fields.
    pub columns: Vec<String>,
}

/// `scopes: { read: read:tickets, edit: edit:tickets }`: what a 403 to one
/// of the five operations (or a singleton's `get` and `update`) names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes {
    /// Needed by `list` and `get`.
    pub read: Option<String>,
    /// Needed by `create`, `update` and `delete`.
    pub edit: Option<String>,
}

/// A named patch of the handle: `halo.tickets().restore(id)` is
/// `patch(id)` with the switches `_recover` and `_validate_updates` set.
#[derive(Debug, Clone)]
pub struct Verb {
    /// The handle's method, e.g. `restore`.
    pub method_name: String,
    pub doc: String,
    /// The request-only `bool` fields it sends as `true`: (wire, Rust setter).
    pub sets: Vec<(String, String)>,
}

/// What an entity's ids are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `Id<T>`, an `i32`.
    Int,
    /// `TextId<T>`; `uuid` says the text is a UUID.
    Text { uuid: bool },
}

/// An operation other than the five: `POST Invoice/PDF/{id}`.
#[derive(Debug, Clone)]
pub struct Action {
    /// The handle's method, e.g. `pdf`.
    pub method_name: String,
    /// The request type, e.g. `InvoicePdf`.
    pub type_name: String,
    pub doc: String,
    pub method: HttpMethod,
    /// The template under the collection's path, in order.
    pub path: Vec<PathPart>,
    /// The template's parameters other than `{id}`, in template order.
    pub path_params: Vec<Param>,
    /// Query parameters; `required` ones are arguments of the method.
    pub params: Vec<Param>,
    pub body: Body,
    pub response: Response,
    /// May be sent again when the server might have acted.
    pub retry: bool,
    /// The OAuth scope it needs: the action's `scope:`, or for a
    /// singleton's `get` and `update` the entity's read or edit scope.
    pub scope: Option<String>,
    /// The wire text of the template, for docs: `PDF/{id}`.
    pub template: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Delete,
}

/// A segment of an action's path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// `{id}`: the entity's id.
    Id,
    /// `{name}`: the path parameter of that wire name.
    Param(String),
}

/// What an action sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    /// One of the entity's records, as an object.
    Record,
    /// The entity's records, as an array.
    Records,
    /// The entity's ids, as an array.
    Ids,
    /// One of the entity's records, as a JSON object (not in an array).
    Object,
    /// `multipart/form-data`, built by the caller (`Multipart`).
    Form,
    /// A value of this type (a shared struct, `json`, or a list of them).
    Value(Type),
}

/// What an action answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    None,
    /// One of the entity's records.
    Record,
    /// A JSON array of the entity's records.
    Records,
    /// The entity's records in its list shape.
    List,
    /// A file: bytes with the name and content type the server gives.
    Bytes,
    /// The rows of an SQL report: the method takes the SQL and returns the
    /// runtime's `ReportQuery`, which posts `[{"sql": .., "_loadreportonly": true}]`.
    Report,
    /// A value of this type (a shared struct, `json`, or a list of them).
    Value(Type),
}

#[derive(Debug, Clone)]
pub struct ListShape {
    /// Whether the list is documented as a bare array rather than
    /// `{"record_count": N, "<key>": [...]}`; the client reads both.
    pub bare: bool,
    /// The key under which an object answer holds the records.
    pub key: String,
    pub paginated: bool,
    /// A parameter capping an unpaginated list: (wire name, Rust method name).
    pub count_param: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Operations {
    pub list: bool,
    pub get: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
}

/// A model field.
#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    pub rust: String,
    pub doc: String,
    pub ty: Type,
    pub read_only: bool,
    /// The type Halo's OpenAPI document declares, when the spec knowingly differs.
    pub upstream_type: Option<String>,
}

/// A query parameter: a list filter, get or delete parameter.
#[derive(Debug, Clone)]
pub struct Param {
    pub wire: String,
    pub rust: String,
    pub doc: String,
    pub ty: Type,
    /// The type Halo's OpenAPI document declares, when the spec knowingly differs.
    pub upstream_type: Option<String>,
    /// A `bool` parameter whose setter takes nothing and sends `true`
    /// (`open_only()`).
    pub flag: bool,
    /// An argument of the method rather than a setter.
    pub required: bool,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool,
    I32,
    I64,
    F64,
    String,
    Date,
    DateTime,
    Json,
    List(Box<Type>),
    /// The id type of the named entity, e.g. `ClientId`.
    Ref {
        entity: String,
        id_type: String,
    },
    /// The owning entity's own id (only the `id` field).
    Id,
    /// Binary data sent as base64 text: the runtime's `Base64`.
    Base64,
    /// A named struct or enum from `types:`.
    Named(String),
}
