//! Decoding success bodies, with the JSON path of any failing value.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::Value;

use super::wire::Key;
use super::{Error, ListShape, Page, Result};

/// How much of a body a [`Error::Decode`] quotes.
const SNIPPET_LIMIT: usize = 200;

/// Decodes a whole body as `V`.
///
/// Tracking the JSON path costs about a tenth of the decoding time, so the
/// fast path decodes untracked and only a failure is decoded again, tracked,
/// to name the failing field.
pub(crate) fn json<V: DeserializeOwned>(body: &[u8]) -> Result<V> {
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
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

/// Decodes a list response of the given shape, in one pass over the body.
///
/// A wrapped list may carry `null` (or, with a zero count, nothing) under its
/// key, meaning no records. A bare array is accepted for either shape.
pub(crate) fn list<T: DeserializeOwned>(
    body: &[u8],
    shape: ListShape,
    count_field: &str,
) -> Result<Page<T>> {
    let seed = || PageSeed {
        shape,
        count_field,
        marker: PhantomData,
    };
    // Untracked first, as in `json`.
    let mut de = serde_json::Deserializer::from_slice(body);
    if let Ok(page) = seed().deserialize(&mut de) {
        if de.end().is_ok() {
            return Ok(page);
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let page = seed()
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .map_err(|err| decode_error(track.path().to_string(), &err, body))?;
    de.end()
        .map_err(|err| decode_error(".".into(), &err, body))?;
    Ok(page)
}

/// Reads a page straight from the body: the records, the count, and nothing
/// else of the wrapper.
struct PageSeed<'a, T> {
    shape: ListShape,
    count_field: &'a str,
    marker: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<'_, T> {
    type Value = Page<T>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Page<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<'_, T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shape {
            ListShape::Wrapped(key) => write!(f, "a list: an object with `{key}`, or an array"),
            ListShape::Bare => f.write_str("a list (an array)"),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Page<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Page {
            items,
            record_count: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Page<T>, A::Error> {
        let ListShape::Wrapped(list_key) = self.shape else {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        };
        let mut items: Option<Vec<T>> = None;
        let mut seen_key = false;
        let mut record_count = None;
        while let Some(Key(key)) = map.next_key()? {
            if key == list_key {
                seen_key = true;
                items = map.next_value::<Option<Vec<T>>>()?;
            } else if key == self.count_field {
                record_count = count_of(&map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !seen_key && record_count != Some(0) {
            return Err(de::Error::custom(format!(
                "missing list field `{list_key}`"
            )));
        }
        Ok(Page {
            items: items.unwrap_or_default(),
            record_count,
        })
    }
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
