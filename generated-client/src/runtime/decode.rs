//! Decoding success bodies, with the JSON path of any failing value.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Error, ListShape, Page, Result};

/// How much of a body a [`Error::Decode`] quotes.
const SNIPPET_LIMIT: usize = 200;

/// Decodes a whole body as `V`.
pub(crate) fn json<V: DeserializeOwned>(body: &[u8]) -> Result<V> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value =
        serde_path_to_error::deserialize(&mut de).map_err(|err| path_error(err, "", body))?;
    de.end()
        .map_err(|err| decode_error(".".into(), &err, body))?;
    Ok(value)
}

/// Decodes a single record: the server answers a one-element POST with an
/// object or with a one-element array, so both are accepted.
pub(crate) fn one<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    match json::<Value>(body)? {
        Value::Array(items) => {
            let count = items.len();
            match <[Value; 1]>::try_from(items) {
                Ok([item]) => from_value(item, "[0]", body),
                Err(_) => Err(Error::Decode {
                    path: ".".into(),
                    message: format!("expected one record, got an array of {count}"),
                    snippet: snippet(body),
                }),
            }
        }
        value => from_value(value, "", body),
    }
}

/// Decodes a list response of the given shape.
///
/// A wrapped list may carry `null` (or, with a zero count, nothing) under its
/// key, meaning no records. A bare array is accepted for either shape.
pub(crate) fn list<T: DeserializeOwned>(
    body: &[u8],
    shape: ListShape,
    count_field: &str,
) -> Result<Page<T>> {
    let value = json::<Value>(body)?;
    let (items, record_count, prefix) = match (value, shape) {
        (Value::Array(items), _) => (Value::Array(items), None, ""),
        (Value::Object(mut map), ListShape::Wrapped(key)) => {
            let record_count = map.get(count_field).and_then(count_of);
            let items = match map.remove(key) {
                Some(Value::Null) => Value::Array(Vec::new()),
                Some(items) => items,
                None if record_count == Some(0) => Value::Array(Vec::new()),
                None => {
                    return Err(Error::Decode {
                        path: ".".into(),
                        message: format!("missing list field `{key}`"),
                        snippet: snippet(body),
                    })
                }
            };
            (items, record_count, key)
        }
        (other, _) => {
            return Err(Error::Decode {
                path: ".".into(),
                message: format!("expected a list, got {}", kind(&other)),
                snippet: snippet(body),
            })
        }
    };
    Ok(Page {
        items: from_value(items, prefix, body)?,
        record_count,
    })
}

/// Decodes an already parsed value; `prefix` is its path in the body.
fn from_value<V: DeserializeOwned>(value: Value, prefix: &str, body: &[u8]) -> Result<V> {
    serde_path_to_error::deserialize(value).map_err(|err| path_error(err, prefix, body))
}

/// A count as an integer, an integral float or a numeric string.
fn count_of(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            let f = n.as_f64()?;
            // Range-checked above, so the cast is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            (f.fract() == 0.0 && f >= 0.0 && f < u64::MAX as f64).then_some(f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn path_error(
    err: serde_path_to_error::Error<serde_json::Error>,
    prefix: &str,
    body: &[u8],
) -> Error {
    let inner = err.path().to_string();
    let path = match (prefix, inner.as_str()) {
        ("", inner) => inner.to_owned(),
        (prefix, ".") => prefix.to_owned(),
        (prefix, inner) if inner.starts_with('[') => format!("{prefix}{inner}"),
        (prefix, inner) => format!("{prefix}.{inner}"),
    };
    decode_error(path, err.inner(), body)
}

fn decode_error(path: String, err: &serde_json::Error, body: &[u8]) -> Error {
    Error::Decode {
        path,
        message: err.to_string(),
        snippet: snippet(body),
    }
}

/// The first [`SNIPPET_LIMIT`] characters of a body, lossily decoded.
pub(crate) fn snippet(body: &[u8]) -> String {
    // A UTF-8 character is at most 4 bytes: no need to convert the rest.
    let head = body.get(..SNIPPET_LIMIT * 4).unwrap_or(body);
    String::from_utf8_lossy(head)
        .chars()
        .take(SNIPPET_LIMIT)
        .collect()
}

/// Decodes the answer to a POST of `expected` records: an array of that many,
/// or, for one record, a single object.
pub(crate) fn many<T: DeserializeOwned>(body: &[u8], expected: usize) -> Result<Vec<T>> {
    match json::<Value>(body)? {
        Value::Array(items) if items.len() == expected => from_value(Value::Array(items), "", body),
        Value::Array(items) => Err(Error::Decode {
            path: ".".into(),
            message: format!("sent {expected} records, got an array of {}", items.len()),
            snippet: snippet(body),
        }),
        value if expected == 1 => Ok(vec![from_value(value, "", body)?]),
        other => Err(Error::Decode {
            path: ".".into(),
            message: format!("sent {expected} records, got {}", kind(&other)),
            snippet: snippet(body),
        }),
    }
}
