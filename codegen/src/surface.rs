//! The API surface of the generated crate as text: what a reviewer reads
//! instead of the generated code's diff.
//!
//! [`surface`] writes one text for the crate root (the `API` constant, the
//! placeholders the runtime reads as `None`, the shared types) and one per
//! entity, from the checked model. Each line is one public item, written
//! `<kind> <name>: <value>`: the part before the first `": "` is the item's
//! key (`field summary`), unique within its text, and the rest is what the
//! item is (`Option<String>  wire "summary"`). So [`compare`] can tell an
//! added item from a removed or changed one: a retyped field is one changed
//! line, a renamed filter a removed and an added one.
//!
//! An entity's text reads in a fixed order of sections (module, id, record
//! and its fields, lookups, accessor, then each operation followed by its
//! parameters or setters); within a section, items keep spec order. Wire
//! names and other spec strings are written as Rust string literals, so one
//! item is always one line. A new construct of the model is one more
//! function here, called from `entity`.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use crate::emit::{merged_element, sync_source, type_name};
use crate::model::{
    Action, Body, Entity, EnumRepr, Field, HttpMethod, KeyKind, NamedKind, NamedType, Param,
    PathPart, Response, Spec, Type, VariantValue,
};

/// The surface text of the crate root or of one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    /// [`CRATE`] for the crate root, else the entity's module (`ticket`).
    pub name: String,
    /// One item per line, each ending in a newline.
    pub text: String,
}

/// The name of the crate root's surface: a keyword, so no entity module has it.
pub const CRATE: &str = "crate";

/// The crate root's surface, then each entity's in spec order.
pub fn surface(spec: &Spec) -> Vec<Surface> {
    let root = Surface {
        name: CRATE.to_owned(),
        text: crate_root(spec),
    };
    let entities = spec.entities.iter().map(|e| Surface {
        name: e.module.clone(),
        text: entity(spec, e),
    });
    std::iter::once(root).chain(entities).collect()
}

/// A line's key and value: `("field summary", "Option<String>  wire \"summary\"")`.
/// A line without `": "` is all key.
pub fn split(line: &str) -> (&str, &str) {
    line.split_once(": ").unwrap_or((line, ""))
}

/// One difference between two surface texts, found by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference<'a> {
    /// A line whose key is new.
    Added(&'a str),
    /// A line whose key is gone.
    Removed(&'a str),
    /// The same key with another value.
    Changed {
        /// The line before.
        old: &'a str,
        /// The line after.
        new: &'a str,
    },
}

impl Difference<'_> {
    /// Whether code using the old surface may stop compiling or behave
    /// differently: a removed item or a changed one. Additions are not.
    pub fn is_breaking(&self) -> bool {
        !matches!(self, Difference::Added(_))
    }

    /// `BREAKING` or `added`: what a report puts first.
    pub fn label(&self) -> &'static str {
        if self.is_breaking() {
            "BREAKING"
        } else {
            "added"
        }
    }
}

impl fmt::Display for Difference<'_> {
    /// The item, after the [`label`](Difference::label):
    /// `removed filter open_only: switch  wire "open_only"`,
    /// `changed field impact: was Option<i32> .., now Option<String> ..`,
    /// `field zz: Option<String>  wire "zz"` (added).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Added(line) => f.write_str(line),
            Difference::Removed(line) => write!(f, "removed {line}"),
            Difference::Changed { old, new } => {
                let (key, was) = split(old);
                write!(f, "changed {key}: was {was}, now {}", split(new).1)
            }
        }
    }
}

/// How `new` differs from `old`, item by item: removed items first (in the
/// old order), then changed ones, then added ones (in the new order).
pub fn compare<'a>(old: &'a str, new: &'a str) -> Vec<Difference<'a>> {
    let index = |text: &'a str| -> HashMap<&'a str, &'a str> {
        text.lines().map(|line| (split(line).0, line)).collect()
    };
    let (before, after) = (index(old), index(new));
    let removed = old
        .lines()
        .filter(|line| !after.contains_key(split(line).0))
        .map(Difference::Removed);
    let changed = new
        .lines()
        .filter_map(|line| match before.get(split(line).0) {
            Some(was) if *was != line => Some(Difference::Changed {
                old: was,
                new: line,
            }),
            _ => None,
        });
    let added = new
        .lines()
        .filter(|line| !before.contains_key(split(line).0))
        .map(Difference::Added);
    removed.chain(changed).chain(added).collect()
}

/// A surface text being written.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn item(&mut self, kind: &str, name: &str, value: impl fmt::Display) {
        let _ = writeln!(self.0, "{kind} {name}: {value}");
    }
}

/// Parts of a value, two spaces apart: `Option<String>  wire "summary"  read-only`.
fn value<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().collect::<Vec<_>>().join("  ")
}

/// A spec string as a Rust literal: escaped, so it cannot break the line.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// What the runtime reads as `None` for a field of type `ty` (keeping the
/// value in `extra`, so it is sent back as it came), by the legend's key.
fn placeholder_kind(spec: &Spec, ty: &Type) -> Option<&'static str> {
    match ty {
        Type::I32 => Some("i32"),
        Type::I64 => Some("i64"),
        Type::F64 => Some("f64"),
        Type::Ref { entity, .. } => {
            let key = spec
                .entities
                .iter()
                .find(|e| &e.name == entity)
                .map(|e| e.key);
            Some(match key {
                Some(KeyKind::Text { .. }) => "text_ids",
                _ => "ids",
            })
        }
        Type::Id => Some("ids"),
        Type::Date => Some("NaiveDate"),
        Type::DateTime => Some("DateTime<Utc>"),
        Type::Bool | Type::String | Type::Json | Type::List(_) | Type::Named(_) => None,
    }
}

/// The values behind each [`placeholder_kind`], as `runtime/wire/` reads
/// them: JSON values, a space apart (the dates are midnight, with or without
/// an offset; blank strings count as `""`).
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("ids", r#"-1 0 """#),
    ("text_ids", r#""""#),
    ("i32", r#""""#),
    ("i64", r#""""#),
    ("f64", r#""""#),
    ("NaiveDate", DATE_PLACEHOLDERS),
    ("DateTime<Utc>", DATE_PLACEHOLDERS),
];

const DATE_PLACEHOLDERS: &str =
    r#""" "1900-01-01T00:00:00" "1899-12-30T00:00:00" "0001-01-01T00:00:00""#;

fn crate_root(spec: &Spec) -> String {
    let mut out = Lines::default();
    let api = &spec.api;
    let strings = [
        ("name", &api.name),
        ("base_path", &api.base_path),
        ("auth.token_path", &api.token_path),
        ("auth.tenant_param", &api.tenant_param),
        ("auth.default_scope", &api.default_scope),
        ("auth.discovery_path", &api.discovery_path),
        ("pagination.enable_param", &api.enable_param),
        ("pagination.page_param", &api.page_param),
        ("pagination.size_param", &api.size_param),
        ("pagination.count_field", &api.count_field),
    ];
    for (name, text) in strings {
        out.item("const", &format!("API.{name}"), quoted(text));
    }
    let numbers = [
        ("pagination.max_page_size", api.max_page_size),
        ("rate_limit.requests", api.rate_limit_requests),
        ("rate_limit.window_seconds", api.rate_limit_window_seconds),
    ];
    for (name, number) in numbers {
        out.item("const", &format!("API.{name}"), number);
    }
    for (kind, values) in PLACEHOLDERS {
        out.item("placeholder", kind, values);
    }
    for ty in &spec.types {
        named_type(&mut out, spec, ty);
    }
    out.0
}

fn named_type(out: &mut Lines, spec: &Spec, ty: &NamedType) {
    match &ty.kind {
        NamedKind::Struct(fields) => {
            out.item("struct", &ty.name, "shared, unknown fields kept in extra");
            for field in fields {
                out.item(
                    "field",
                    &format!("{}.{}", ty.name, field.rust),
                    field_value(spec, field, ""),
                );
            }
        }
        NamedKind::Enum { repr, variants } => {
            let repr = match repr {
                EnumRepr::Int => "i64",
                EnumRepr::String => "String",
            };
            out.item(
                "enum",
                &ty.name,
                format!("{repr}, other values kept in Other({repr})"),
            );
            for variant in variants {
                let wire = match &variant.value {
                    VariantValue::Int(n) => n.to_string(),
                    VariantValue::Str(s) => quoted(s),
                };
                out.item("variant", &format!("{}::{}", ty.name, variant.name), wire);
            }
        }
    }
}

/// `Option<ClientId>  wire "client_id"  read-only  placeholders`
fn field_value(spec: &Spec, field: &Field, own_id: &str) -> String {
    let ty = format!("Option<{}>", type_name(&field.ty, own_id));
    let wire = format!("wire {}", quoted(&field.wire));
    let read_only = field.read_only.then_some("read-only");
    let placeholders = placeholder_kind(spec, &field.ty).map(|_| "placeholders");
    value(
        [ty.as_str(), wire.as_str()]
            .into_iter()
            .chain(read_only)
            .chain(placeholders),
    )
}

fn entity(spec: &Spec, e: &Entity) -> String {
    let mut out = Lines::default();
    let path = format!("{}/{}", spec.api.base_path, e.path);
    out.item("module", &e.module, format!("path {}", quoted(&path)));
    id_type(&mut out, e);
    record(&mut out, spec, e);
    lookups(&mut out, spec, e);
    out.item(
        "accessor",
        &e.accessor,
        format!("HaloClient::{}() -> {}", e.accessor, e.handle),
    );
    list(&mut out, e);
    get(&mut out, e);
    create(&mut out, e);
    update(&mut out, e);
    setters(&mut out, e);
    delete(&mut out, e);
    for action in &e.actions {
        self::action(&mut out, spec, e, action);
    }
    changed_since(&mut out, e);
    out.0
}

/// `type TicketId: Id<Ticket>`; a singleton has no id.
fn id_type(out: &mut Lines, e: &Entity) {
    match e.key {
        _ if e.singleton => {}
        KeyKind::Int => out.item("type", &e.id_type, format!("Id<{}>", e.name)),
        KeyKind::Text { uuid } => {
            let id = format!("TextId<{}>", e.name);
            out.item(
                "type",
                &e.id_type,
                value([id.as_str()].into_iter().chain(uuid.then_some("uuid"))),
            );
        }
    }
}

fn record(out: &mut Lines, spec: &Spec, e: &Entity) {
    if e.singleton {
        out.item(
            "struct",
            &e.name,
            "singleton record, unknown fields kept in extra",
        );
    } else {
        out.item("struct", &e.name, "record, unknown fields kept in extra");
        let wire = format!("wire {}", quoted("id"));
        out.item(
            "field",
            "id",
            value([e.id_type.as_str(), &wire, "required"]),
        );
    }
    for field in &e.fields {
        out.item("field", &field.rust, field_value(spec, field, &e.id_type));
    }
}

fn lookups(out: &mut Lines, spec: &Spec, e: &Entity) {
    for (method, field, element) in &e.lookups {
        let key = spec
            .types
            .iter()
            .find(|t| t.name == *element)
            .and_then(|t| t.lookup.as_ref())
            .map_or("name", |lookup| lookup.key.as_str());
        let signature = format!("{}::{method}(key: &str) -> Option<&{element}>", e.name);
        let finds = format!("finds {field} by {key}");
        out.item("method", method, value([signature.as_str(), &finds]));
    }
}

/// `op <name>: <Handle>::<name>(<args>) -> <returns>  <notes>`
fn op(out: &mut Lines, e: &Entity, name: &str, args: &[String], returns: &str, notes: &[&str]) {
    let signature = format!("{}::{name}({}) -> {returns}", e.handle, args.join(", "));
    out.item(
        "op",
        name,
        value(std::iter::once(signature.as_str()).chain(notes.iter().copied())),
    );
}

/// A parameter's type as its setter or argument takes it: `switch` for a
/// flag, `[ClientId]` for any iterable of ids.
fn param_type(param: &Param, own_id: &str) -> String {
    match &param.ty {
        _ if param.flag && !param.required => "switch".to_owned(),
        Type::List(inner) => format!("[{}]", type_name(inner, own_id)),
        other => type_name(other, own_id),
    }
}

/// `id: TicketId`, then `name: Type` for each required parameter: the
/// arguments of an operation's method.
fn args<'a>(
    id: Option<&str>,
    required: impl IntoIterator<Item = &'a Param>,
    own_id: &str,
) -> Vec<String> {
    let id = id.map(|ty| format!("id: {ty}"));
    let required = required
        .into_iter()
        .filter(|p| p.required)
        .map(|p| format!("{}: {}", p.rust, param_type(p, own_id)));
    id.into_iter().chain(required).collect()
}

/// The parameters of one request type, each under `kind` as `prefix` + its
/// name; a required one is an argument of the method instead of a setter.
fn params<'a>(
    out: &mut Lines,
    kind: &str,
    prefix: &str,
    params: impl IntoIterator<Item = &'a Param>,
    own_id: &str,
) {
    for param in params {
        let ty = param_type(param, own_id);
        let wire = format!("wire {}", quoted(&param.wire));
        let required = param.required.then_some("required");
        let name = format!("{prefix}{}", param.rust);
        out.item(
            kind,
            &name,
            value([ty.as_str(), &wire].into_iter().chain(required)),
        );
    }
}

fn list(out: &mut Lines, e: &Entity) {
    let Some(shape) = e.list.as_ref().filter(|_| e.ops.list) else {
        return;
    };
    let paging = if shape.paginated {
        "paginated"
    } else {
        "one request"
    };
    let records = match &shape.key {
        Some(key) => format!("key {}", quoted(key)),
        None => "bare array".to_owned(),
    };
    let args = args(None, &e.filters, &e.id_type);
    op(out, e, "list", &args, &e.list_type, &[paging, &records]);
    params(out, "filter", "", &e.filters, &e.id_type);
    if let Some((wire, method)) = &shape.count_param {
        let wire = format!("wire {}", quoted(wire));
        out.item("filter", method, value(["i32", &wire, "limit"]));
    }
}

fn get(out: &mut Lines, e: &Entity) {
    if !e.ops.get {
        return;
    }
    let args = args(Some(&e.id_type), &e.get_params, &e.id_type);
    op(out, e, "get", &args, &e.get_type, &[]);
    params(out, "get_param", "", &e.get_params, &e.id_type);
    let opt = format!("ResultFuture<Option<{}>>", e.name);
    op(out, e, "get_opt", &args, &opt, &[]);
}

fn create(out: &mut Lines, e: &Entity) {
    if !e.ops.create {
        return;
    }
    let one = [format!("new: &{}", e.new_type)];
    op(
        out,
        e,
        "create",
        &one,
        &format!("CreateRequest<{}>", e.name),
        &[],
    );
    let many = [format!("new: [&{}]", e.new_type)];
    let returns = format!("CreateManyRequest<{}>", e.name);
    op(out, e, "create_many", &many, &returns, &[]);
}

fn update(out: &mut Lines, e: &Entity) {
    if !e.ops.update {
        return;
    }
    let record = [format!("{}: &{}", e.module, e.name)];
    op(
        out,
        e,
        "update",
        &record,
        &format!("UpdateRequest<{}>", e.name),
        &[],
    );
    op(
        out,
        e,
        "patch",
        &[format!("id: {}", e.id_type)],
        &e.patch_type,
        &[],
    );
}

/// The setters of the create input and the patch, and the patch's `merge_*` setters.
fn setters(out: &mut Lines, e: &Entity) {
    let targets: Vec<&str> = [
        e.ops.create.then_some(e.new_type.as_str()),
        e.ops.update.then_some(e.patch_type.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if targets.is_empty() {
        return;
    }
    let on = format!("on {}", targets.join(", "));
    for field in e.fields.iter().filter(|f| !f.read_only) {
        let ty = type_name(&field.ty, &e.id_type);
        let wire = format!("wire {}", quoted(&field.wire));
        out.item("setter", &field.rust, value([ty.as_str(), &on, &wire]));
    }
    if !e.ops.update {
        return;
    }
    for field in &e.fields {
        let Some(element) = merged_element(field) else {
            continue;
        };
        let ty = format!("[{}]", type_name(element, &e.id_type));
        let on = format!("on {}", e.patch_type);
        let merges = format!("merges into {} by id or name", quoted(&field.wire));
        out.item(
            "setter",
            &format!("merge_{}", field.rust),
            value([ty.as_str(), &on, &merges]),
        );
    }
}

fn delete(out: &mut Lines, e: &Entity) {
    if !e.ops.delete {
        return;
    }
    let args = args(Some(&e.id_type), &e.delete_params, &e.id_type);
    op(out, e, "delete", &args, &e.delete_type, &[]);
    params(out, "delete_param", "", &e.delete_params, &e.id_type);
}

/// An operation beyond the five (and a singleton's `get` and `update`):
/// `op pdf: InvoicesApi::pdf(id: InvoiceId) -> InvoicePdf  POST "/api/Invoice/PDF/{id}"
/// answers Json<serde_json::Value>`, then its path and query parameters as
/// `path_param pdf.x` and `param pdf.x`.
fn action(out: &mut Lines, spec: &Spec, e: &Entity, action: &Action) {
    let own_id = e.id_type.as_str();
    let mut args = Vec::new();
    for part in &action.path {
        match part {
            PathPart::Literal(_) => {}
            PathPart::Id => args.push(format!("id: {own_id}")),
            PathPart::Param(wire) => {
                if let Some(param) = action.path_params.iter().find(|p| &p.wire == wire) {
                    args.push(format!("{}: {}", param.rust, param_type(param, own_id)));
                }
            }
        }
    }
    args.extend(self::args(None, &action.params, own_id));
    let body = match &action.body {
        Body::None => None,
        Body::Record => Some(format!("&{}", e.name)),
        Body::Records => Some(format!("[&{}]", e.name)),
        Body::Ids => Some(format!("[{own_id}]")),
        Body::Value(ty) => Some(format!("&{}", type_name(ty, own_id))),
    };
    args.extend(body.map(|ty| format!("body: {ty}")));
    let method = match action.method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Delete => "DELETE",
    };
    let mut path = format!("{}/{}", spec.api.base_path, e.path);
    if !action.template.is_empty() {
        path = format!("{path}/{}", action.template);
    }
    let sends = format!("{method} {}", quoted(&path));
    let answers = match &action.response {
        Response::None => "Nothing".to_owned(),
        Response::Record => format!("Json<{}>", e.name),
        Response::Records => format!("Json<Vec<{}>>", e.name),
        Response::List => format!("Listed<{}>", e.name),
        Response::Value(ty) => format!("Json<{}>", type_name(ty, own_id)),
    };
    let answers = format!("answers {answers}");
    let retried = (action.retry && action.method == HttpMethod::Post).then_some("retried");
    let scope = action
        .scope
        .as_ref()
        .map(|scope| format!("scope {}", quoted(scope)));
    let notes: Vec<&str> = [sends.as_str(), &answers]
        .into_iter()
        .chain(retried)
        .chain(scope.as_deref())
        .collect();
    op(
        out,
        e,
        &action.method_name,
        &args,
        &action.type_name,
        &notes,
    );
    let prefix = format!("{}.", action.method_name);
    params(out, "path_param", &prefix, &action.path_params, own_id);
    params(out, "param", &prefix, &action.params, own_id);
}

fn changed_since(out: &mut Lines, e: &Entity) {
    let Some(source) = sync_source(e) else {
        return;
    };
    let by = format!("by {} after {}", source.updated.rust, quoted(source.since));
    let tombstones = match source.deleted {
        Some(filter) => format!("tombstones {}", quoted(filter)),
        None => "no tombstones".to_owned(),
    };
    let returns = format!("ChangedSince<{}>", e.name);
    let cursor = ["cursor: &SyncCursor".to_owned()];
    op(
        out,
        e,
        "changed_since",
        &cursor,
        &returns,
        &[&by, &tombstones],
    );
}
