//! The spec's list filters, applied generically.
//!
//! A filter whose wire name (or `<name>_id`, or `<name>` without a plural
//! `s`) is a field of the entity compares equal, any of a comma list; the
//! rest have fixed meanings below. Filters that name nothing the fake knows
//! are ignored, as Halo ignores parameters it does not know.

use chrono::{DateTime, Datelike, Utc};
use halopsa_codegen::model::{Param, Type};
use serde_json::Value;

use super::list::{not_valid, Params};
use super::schema::{is_bool, is_datetime, is_numeric, is_string, Collection};
use super::store::Record;
use super::values::{boolean, equals_text, instant, integer};

/// The status id Halo ships for "Closed"; `open_only` means any other.
pub(crate) const CLOSED_STATUS: i64 = 9;

/// Fields `search` looks in, when the entity has them.
const SEARCH_FIELDS: [&str; 8] = [
    "summary",
    "name",
    "details",
    "inventory_number",
    "key_field",
    "ref",
    "note",
    "emailaddress",
];

/// A predicate over records.
pub(crate) type Filter<'a> = Box<dyn Fn(&Record) -> bool + Send + Sync + 'a>;

/// The filters of `declared` (a list's filters, or an action's parameters)
/// that `params` sets.
pub(crate) fn filters<'a>(
    collection: &'a Collection,
    declared: &'a [Param],
    params: &'a Params,
) -> Result<Vec<Filter<'a>>, String> {
    let mut filters = Vec::new();
    for param in declared {
        if let Some(text) = params.get(&param.wire) {
            if let Some(filter) = filter(collection, param, text, params)? {
                filters.push(filter);
            }
        }
    }
    Ok(filters)
}

fn filter<'a>(
    collection: &'a Collection,
    param: &'a Param,
    text: &'a str,
    params: &'a Params,
) -> Result<Option<Filter<'a>>, String> {
    let name = param.wire.as_str();
    let bad = |kind: &str| not_valid(text, name, kind);
    Ok(match &param.ty {
        Type::Bool => {
            let on = boolean(text).ok_or_else(|| bad("Boolean"))?;
            flag_filter(collection, name, on)
        }
        Type::String if name == "search" => Some(search(collection, text)),
        Type::String if name.starts_with("search_") => {
            let stem = &name["search_".len()..];
            let field = stem.strip_suffix("_only").unwrap_or(stem);
            collection
                .has(field, is_string)
                .then(|| contains(field, text))
        }
        Type::Date | Type::DateTime => {
            let at = instant(text).ok_or_else(|| bad("DateTime"))?;
            date_filter(collection, name, at, params)
        }
        Type::List(inner) if refers_to(inner, collection) => {
            let ids = id_list(text).ok_or_else(|| bad("Int32 list"))?;
            let exclude = name.starts_with("exclude");
            Some(Box::new(move |record: &Record| {
                let id = record.get("id").and_then(integer).unwrap_or(0);
                ids.contains(&id) != exclude
            }))
        }
        ty => equal_filter(collection, name, ty, text),
    })
}

/// Booleans with a meaning of their own, then a boolean field of that name.
fn flag_filter<'a>(collection: &'a Collection, name: &'a str, on: bool) -> Option<Filter<'a>> {
    let has_status = collection.has("status_id", is_numeric);
    let has_inactive = collection.has("inactive", is_bool);
    let status = |record: &Record| record.get("status_id").and_then(integer);
    match name {
        "open_only" if has_status => {
            on.then(|| Box::new(move |r: &Record| status(r) != Some(CLOSED_STATUS)) as Filter)
        }
        "closed_only" if has_status => {
            on.then(|| Box::new(move |r: &Record| status(r) == Some(CLOSED_STATUS)) as Filter)
        }
        "includeinactive" if has_inactive => (!on).then(|| boolean_field("inactive", false)),
        "includeactive" if has_inactive => (!on).then(|| boolean_field("inactive", true)),
        // Soft-deleted records are handled before any filter.
        "deleted" => None,
        _ if collection.has(name, is_bool) => Some(boolean_field(name, on)),
        _ => None,
    }
}

/// Records whose boolean `field` is `wanted`; a missing field is false.
fn boolean_field(field: &str, wanted: bool) -> Filter<'_> {
    Box::new(move |record: &Record| {
        record.get(field).and_then(Value::as_bool).unwrap_or(false) == wanted
    })
}

/// `search`: a case-insensitive substring of a summary or name-like field.
fn search<'a>(collection: &'a Collection, text: &'a str) -> Filter<'a> {
    let mut fields: Vec<&str> = SEARCH_FIELDS
        .iter()
        .copied()
        .filter(|f| collection.has(f, is_string))
        .collect();
    if fields.is_empty() {
        fields = collection
            .entity
            .fields
            .iter()
            .filter(|f| is_string(&f.ty))
            .map(|f| f.wire.as_str())
            .collect();
    }
    let needle = text.trim().to_lowercase();
    Box::new(move |record: &Record| {
        fields.iter().any(|field| {
            record
                .get(*field)
                .and_then(Value::as_str)
                .is_some_and(|value| value.to_lowercase().contains(&needle))
        })
    })
}

fn contains<'a>(field: &'a str, text: &'a str) -> Filter<'a> {
    let needle = text.trim().to_lowercase();
    Box::new(move |record: &Record| {
        record
            .get(field)
            .and_then(Value::as_str)
            .is_some_and(|value| value.to_lowercase().contains(&needle))
    })
}

/// `lastupdatefromdate`, `startdate` + `datesearch` and the like: a bound on
/// a date field. Records without a real date there do not match.
fn date_filter<'a>(
    collection: &'a Collection,
    name: &'a str,
    at: DateTime<Utc>,
    params: &'a Params,
) -> Option<Filter<'a>> {
    let lower = if name.contains("from") || name.starts_with("start") {
        true
    } else if name.contains("to") || name.starts_with("end") {
        false
    } else {
        return None;
    };
    let fields = &collection.entity.fields;
    let dates = || fields.iter().filter(|f| is_datetime(&f.ty));
    let field = if name.contains("lastupdate") {
        dates().find(|f| {
            let w = f.wire.replace('_', "");
            w.contains("lastupdate") || w.contains("lastmodified")
        })
    } else if let Some(wanted) = params.get("datesearch") {
        // Halo spells the search key `dateoccured`; the field is `dateoccurred`.
        let loose = |s: &str| s.to_ascii_lowercase().replace("rr", "r");
        dates().find(|f| loose(&f.wire) == loose(wanted))
    } else {
        dates()
            .find(|f| f.wire.starts_with("date"))
            .or_else(|| dates().next())
    };
    let field = field?.wire.as_str();
    Some(Box::new(move |record: &Record| {
        let value = record.get(field).and_then(Value::as_str).and_then(instant);
        // Halo's "no date" (1900-01-01, or .NET's 0001-01-01) is in no range.
        let Some(value) = value.filter(|v| v.year() > 1900) else {
            return false;
        };
        if lower {
            value >= at
        } else {
            value <= at
        }
    }))
}

/// Equality with the field the filter names (any of a comma list).
fn equal_filter<'a>(
    collection: &'a Collection,
    name: &'a str,
    ty: &Type,
    text: &'a str,
) -> Option<Filter<'a>> {
    let (base, many) = match ty {
        Type::List(inner) => (&**inner, true),
        other => (other, false),
    };
    let compatible = |field_ty: &Type| {
        (is_numeric(base) && is_numeric(field_ty))
            || (is_string(base) && is_string(field_ty))
            || (is_bool(base) && is_bool(field_ty))
    };
    let with_id = format!("{name}_id");
    let candidates = [
        Some(name),
        (!name.ends_with("_id")).then_some(with_id.as_str()),
        name.strip_suffix('s'),
    ];
    let field = candidates
        .into_iter()
        .flatten()
        .find(|candidate| collection.has(candidate, compatible))
        .and_then(|candidate| collection.field(candidate))?;
    let field = field.wire.as_str();
    let wanted: Vec<&str> = if many {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        vec![text]
    };
    Some(Box::new(move |record: &Record| {
        wanted.iter().any(|w| equals_text(record.get(field), w))
    }))
}

/// Whether `ty` is a reference to a record of `collection` itself.
fn refers_to(ty: &Type, collection: &Collection) -> bool {
    matches!(ty, Type::Ref { entity, .. } if *entity == collection.entity.name)
}

fn id_list(text: &str) -> Option<Vec<i64>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| integer(&Value::String(s.to_owned())))
        .collect()
}
