//! Comparing JSON values the way Halo's database does: by meaning, not by
//! spelling. `21`, `21.0` and `"21"` are the same id; two timestamps are the
//! same if they name the same instant, with or without an offset.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

/// A number, from a JSON number or a numeric string.
pub(crate) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// An integer id, from `21`, `21.0` or `"21"`.
pub(crate) fn integer(value: &Value) -> Option<i64> {
    let f = number(value)?;
    // Range-checked, so the cast is exact.
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// A boolean, from `true` or the strings Halo accepts in a query.
pub(crate) fn boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A timestamp: RFC 3339, or offset-less (read as UTC) as Halo often sends.
pub(crate) fn instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d"]
        .iter()
        .find_map(|format| {
            NaiveDateTime::parse_from_str(text, format)
                .ok()
                .or_else(|| {
                    chrono::NaiveDate::parse_from_str(text, format)
                        .ok()
                        .map(|d| d.and_time(chrono::NaiveTime::MIN))
                })
        })
        .map(|naive| naive.and_utc())
}

/// Whether two values mean the same thing.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => {
            x == y || matches!((instant(x), instant(y)), (Some(p), Some(q)) if p == q)
        }
        (Value::Number(_), Value::Number(_) | Value::String(_))
        | (Value::String(_), Value::Number(_)) => {
            matches!((number(a), number(b)), (Some(x), Some(y)) if x == y)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, p)| y.get(key).is_some_and(|q| same(p, q)))
        }
        _ => false,
    }
}

/// Whether a record's value equals the query text `wanted`.
pub(crate) fn equals_text(value: Option<&Value>, wanted: &str) -> bool {
    let wanted = wanted.trim();
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => boolean(wanted) == Some(*b),
        Some(Value::String(s)) => {
            let (text, wanted_number) = (s.trim(), wanted.parse::<f64>());
            text.eq_ignore_ascii_case(wanted)
                || matches!((text.parse::<f64>(), wanted_number), (Ok(x), Ok(y)) if x == y)
                || matches!((instant(text), instant(wanted)), (Some(p), Some(q)) if p == q)
        }
        Some(value @ Value::Number(_)) => {
            matches!((number(value), wanted.parse::<f64>()), (Some(x), Ok(y)) if x == y)
        }
        Some(_) => false,
    }
}

/// Sort order for `order=`: numbers by value, timestamps by instant, text
/// case-insensitively; missing values last.
pub(crate) fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a.filter(|v| !v.is_null()), b.filter(|v| !v.is_null())) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            if let (Some(p), Some(q)) = (number(x), number(y)) {
                return p.total_cmp(&q);
            }
            match (x, y) {
                (Value::String(p), Value::String(q)) => match (instant(p), instant(q)) {
                    (Some(s), Some(t)) => s.cmp(&t),
                    _ => p.to_lowercase().cmp(&q.to_lowercase()),
                },
                (Value::Bool(p), Value::Bool(q)) => p.cmp(q),
                _ => x.to_string().cmp(&y.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_compare_by_meaning() {
        assert!(same(&json!(21), &json!(21.0)));
        assert!(same(&json!("130"), &json!(130)));
        assert!(same(
            &json!("2023-06-29T10:16:08.8378294Z"),
            &json!("2023-06-29T10:16:08.837829400Z")
        ));
        assert!(same(
            &json!("1900-01-01T00:00:00"),
            &json!("1900-01-01T00:00:00Z")
        ));
        assert!(!same(&json!({"a": 1}), &json!({"a": 1, "b": null})));
        assert!(!same(&json!("x"), &json!(1)));
        assert!(equals_text(Some(&json!(12.0)), "12"));
        assert!(equals_text(Some(&json!("Acme")), "acme"));
        assert!(equals_text(
            Some(&json!("2024-01-02T00:00:00")),
            "2024-01-02T00:00:00Z"
        ));
        assert!(!equals_text(None, "1"));
    }
}
