//! Values generated from the spec's field types, for any entity, and the
//! extra fields and wire quirks every record gets.

use halopsa_codegen::model::{Field, NamedKind, Type, VariantValue};
use serde_json::{json, Map, Value};

use super::Seeder;
use crate::fake::schema::Collection;
use crate::fake::store::{halo_timestamp, Record};

/// Nested structs deeper than this are left out (`null`).
const MAX_DEPTH: usize = 2;

/// Halo's "no date".
pub(crate) const NO_DATE: &str = "1900-01-01T00:00:00";
/// The OLE automation zero date, which Halo sends as "no date" in some fields
/// (`auditdate`, `reviewed_date`).
pub(crate) const OLE_ZERO_DATE: &str = "1899-12-30T00:00:00";

/// Gives every spec field the record does not have yet a plausible value.
pub(crate) fn fill(seeder: &mut Seeder<'_>, collection: &Collection, record: &mut Record, id: i64) {
    let label = collection.entity.name.as_str();
    for field in &collection.entity.fields {
        if !record.contains_key(&field.wire) {
            let value = value(seeder, label, field, id, 0);
            record.insert(field.wire.clone(), value);
        }
    }
}

/// Fields no spec lists, as every real record has hundreds of them: they
/// must survive a read-modify-write untouched.
pub(crate) fn extras(seeder: &mut Seeder<'_>, record: &mut Record, id: i64) {
    let rng = &mut seeder.rng;
    let score = rng.below(16) as f64 / 4.0;
    let more = [
        ("connectwiseid", json!(0)),
        ("autotaskid", json!(-1)),
        ("xero_tenant_id", json!("")),
        ("third_party_ref", json!(format!("EXT-{id:05}"))),
        ("sort_weight", json!(0.25)),
        ("external_links", json!([])),
        ("_import_batch", Value::Null),
        (
            "dynamic_fields",
            json!({
                "priority_score": score,
                "labels": ["fake", "halo"],
                "nested": { "level": 2, "ok": true },
            }),
        ),
    ];
    for (key, value) in more {
        record.entry(key).or_insert(value);
    }
}

/// Numbers in the forms Halo really sends: fields Halo's own document
/// declares `number/double` (such as `Site.client_id`) arrive as `21.0`.
pub(crate) fn wire_quirks(collection: &Collection, record: &mut Record) {
    for field in &collection.entity.fields {
        if field.upstream_type.as_deref() != Some("number/double") {
            continue;
        }
        if let Some(slot) = record.get_mut(&field.wire) {
            if let Some(n) = slot.as_i64() {
                *slot = json!(n as f64);
            }
        }
    }
}

fn value(seeder: &mut Seeder<'_>, label: &str, field: &Field, id: i64, depth: usize) -> Value {
    typed(seeder, label, &field.wire, &field.ty, id, depth)
}

fn typed(
    seeder: &mut Seeder<'_>,
    label: &str,
    wire: &str,
    ty: &Type,
    id: i64,
    depth: usize,
) -> Value {
    match ty {
        // Seeded records are live: deleted ones are made by the tests.
        Type::Bool if wire == "deleted" => Value::Bool(false),
        Type::Bool => Value::Bool(seeder.rng.one_in(4)),
        Type::I32 | Type::I64 => json!(seeder.rng.range(1, 20)),
        Type::F64 => json!(seeder.rng.below(40) as f64 / 4.0),
        Type::String => json!(text(label, wire, id)),
        Type::Date => json!(seeder.moment(id * 60).format("%Y-%m-%d").to_string()),
        Type::DateTime => timestamp(seeder, id * 60),
        Type::Json => json!(seeder.rng.range(0, 100)),
        Type::Id => json!(id),
        Type::Ref { entity, .. } => seeder.any_ref(entity),
        Type::List(inner) => {
            if depth >= MAX_DEPTH {
                return json!([]);
            }
            let n = seeder.rng.below(3);
            let items = (0..n)
                .map(|i| typed(seeder, label, wire, inner, id * 10 + i as i64, depth + 1))
                .collect();
            Value::Array(items)
        }
        Type::Named(name) => named(seeder, label, name, id, depth),
    }
}

fn named(seeder: &mut Seeder<'_>, label: &str, name: &str, id: i64, depth: usize) -> Value {
    let schema = seeder.schema;
    match schema.types.get(name) {
        Some(NamedKind::Struct(fields)) if depth < MAX_DEPTH => {
            let mut object = Map::new();
            for field in fields {
                let value = value(seeder, label, field, id, depth + 1);
                object.insert(field.wire.clone(), value);
            }
            Value::Object(object)
        }
        Some(NamedKind::Enum { variants, .. }) => match variants.first().map(|v| &v.value) {
            Some(VariantValue::Int(n)) => json!(n),
            Some(VariantValue::Str(s)) => json!(s),
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

/// A string that fits the field's name.
fn text(label: &str, wire: &str, id: i64) -> String {
    let lower = wire.to_ascii_lowercase();
    if lower.contains("email") {
        format!("{}.{id}@example.com", label.to_ascii_lowercase())
    } else if lower.contains("phone") || lower.contains("mobile") {
        format!("+44 20 7946 {:04}", id % 10_000)
    } else if lower.contains("url") || lower.contains("website") || lower.contains("link") {
        format!("https://example.com/{}/{id}", label.to_ascii_lowercase())
    } else if lower.contains("colour") || lower.contains("color") {
        "#3c8dbc".to_owned()
    } else {
        format!("{label} {} {id}", wire.replace('_', " "))
    }
}

/// A timestamp in one of the forms Halo sends: seven fractional digits and
/// a `Z`, or no offset at all, sometimes the "no date" sentinel.
pub(crate) fn timestamp(seeder: &mut Seeder<'_>, minutes: i64) -> Value {
    let at = seeder.moment(minutes);
    match seeder.rng.below(10) {
        0 => json!(NO_DATE),
        1..=3 => json!(at.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()),
        _ => {
            let fraction = seeder.rng.below(10_000_000);
            let at = at.and_utc() + chrono::Duration::nanoseconds(fraction as i64 * 100);
            json!(halo_timestamp(at))
        }
    }
}
