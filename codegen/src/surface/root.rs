//! The crate root's surface: the `API` constant, the placeholders each field
//! type can hold, and the shared structs and enums.

use super::{quoted, value, Lines};
use crate::emit::type_name;
use crate::model::{EnumRepr, Field, KeyKind, NamedKind, NamedType, Spec, Type, VariantValue};

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
        Type::Base64 => Some("Base64"),
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
    ("Base64", r#""""#),
];

const DATE_PLACEHOLDERS: &str =
    r#""" "1900-01-01T00:00:00" "1899-12-30T00:00:00" "0001-01-01T00:00:00""#;

pub(super) fn crate_root(spec: &Spec) -> String {
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
pub(super) fn field_value(spec: &Spec, field: &Field, own_id: &str) -> String {
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
