//! Decoding success bodies, with the JSON path of any failing value.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::Value;

use super::wire::{quote, Key};
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

/// Decodes a whole body as one of the runtime's own answer types, such as a
/// report's, without [`json`]'s tracked second pass: a path into Halo's
/// wrapper would not help a caller, and tracking compiles a second decoder
/// for every type the answer holds. serde's message still says what was
/// wrong and where (line and column).
pub(crate) fn json_untracked<V: DeserializeOwned>(body: &[u8]) -> Result<V> {
    serde_json::from_slice(body).map_err(|err| decode_error(".".into(), &err, body))
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

/// Decodes a list response, in one pass over the body.
///
/// Either shape reads both forms Halo sends: a bare array, or an object
/// holding the records under the shape's key, which may carry `null` (or,
/// with a zero count, nothing) for no records.
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
            ListShape::Bare(key) => write!(f, "a list: an array, or an object with `{key}`"),
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
        let list_key = self.shape.key();
        let mut items: Option<Vec<T>> = None;
        let mut seen_key = false;
        let mut record_count = None;
        // The other keys, for the error when the records are not there:
        // borrowed from the body, so a good page allocates nothing for them.
        let mut others = OtherKeys::default();
        while let Some(Key(key)) = map.next_key()? {
            if key == list_key {
                seen_key = true;
                items = map.next_value::<Option<Vec<T>>>()?;
            } else if key == self.count_field {
                record_count = count_of(&map.next_value::<Value>()?);
            } else {
                if !seen_key {
                    others.push(key);
                }
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !seen_key && record_count != Some(0) {
            return Err(de::Error::custom(format_args!(
                "no list field `{list_key}`: {others}"
            )));
        }
        Ok(Page {
            items: items.unwrap_or_default(),
            record_count,
        })
    }
}

/// The first few keys of a list object other than the records' and the
/// count's, and how many more there were.
#[derive(Default)]
struct OtherKeys<'de> {
    first: [Option<Cow<'de, str>>; OtherKeys::SHOWN],
    more: usize,
}

impl<'de> OtherKeys<'de> {
    /// How many keys an error names.
    const SHOWN: usize = 6;

    fn push(&mut self, key: Cow<'de, str>) {
        match self.first.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(key),
            None => self.more += 1,
        }
    }
}

impl fmt::Display for OtherKeys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys = self.first.iter().flatten();
        let Some(first) = keys.next() else {
            return f.write_str("the object has no other field");
        };
        // Names come from the server: each is cut to a bounded length.
        write!(f, "the object has `{}`", quote(first))?;
        for key in keys {
            write!(f, ", `{}`", quote(key))?;
        }
        if self.more > 0 {
            write!(f, " and {} more", self.more)?;
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Row {
        id: i32,
    }

    const COUNT: &str = "record_count";

    fn ids(page: &Page<Row>) -> Vec<i32> {
        page.items.iter().map(|row| row.id).collect()
    }

    /// The path and message of a decoding failure.
    fn failure(body: &str, shape: ListShape) -> (String, String) {
        match list::<Row>(body.as_bytes(), shape, COUNT) {
            Err(Error::Decode { path, message, .. }) => (path, message),
            other => panic!("expected a decoding error, got {other:?}"),
        }
    }

    #[test]
    fn a_bare_list_reads_an_array() {
        let page = list::<Row>(
            br#"[{"id": 1}, {"id": 2}]"#,
            ListShape::Bare("statuses"),
            COUNT,
        )
        .expect("an array");
        assert_eq!(ids(&page), [1, 2]);
        assert_eq!(page.record_count, None);
    }

    #[test]
    fn a_bare_list_reads_an_object_under_its_key() {
        let body = br#"{"page_no": 1, "record_count": 2, "statuses": [{"id": 1}, {"id": 9}]}"#;
        let page = list::<Row>(body, ListShape::Bare("statuses"), COUNT).expect("an object");
        assert_eq!(ids(&page), [1, 9]);
        assert_eq!(page.record_count, Some(2));
        // `null` under the key, or nothing at all with a zero count: no records.
        for body in [
            r#"{"record_count": 0, "statuses": null}"#,
            r#"{"record_count": 0}"#,
        ] {
            let page = list::<Row>(body.as_bytes(), ListShape::Bare("statuses"), COUNT)
                .expect("no records");
            assert!(page.items.is_empty(), "{body}");
            assert_eq!(page.record_count, Some(0));
        }
    }

    #[test]
    fn a_wrapped_list_reads_its_key_or_an_array() {
        let body = br#"{"record_count": "3", "invoices": [{"id": 4}], "page_size": 1}"#;
        let page = list::<Row>(body, ListShape::Wrapped("invoices"), COUNT).expect("wrapped");
        assert_eq!(ids(&page), [4]);
        assert_eq!(page.record_count, Some(3));
        let page = list::<Row>(br#"[{"id": 5}]"#, ListShape::Wrapped("invoices"), COUNT)
            .expect("an array");
        assert_eq!(ids(&page), [5]);
    }

    /// A message without the position serde_json appends.
    fn message_of(body: &str, shape: ListShape) -> String {
        let (_, message) = failure(body, shape);
        match message.rsplit_once(" at line ") {
            Some((head, _)) => head.to_owned(),
            None => message,
        }
    }

    #[test]
    fn a_missing_key_names_what_the_object_has() {
        let body = r#"{"record_count": 2, "recurring_invoices": [{"id": 1}, {"id": 2}]}"#;
        let (path, _) = failure(body, ListShape::Wrapped("invoices"));
        assert_eq!(path, ".");
        assert_eq!(
            message_of(body, ListShape::Wrapped("invoices")),
            "no list field `invoices`: the object has `recurring_invoices`"
        );
        assert_eq!(
            message_of(r#"{"record_count": 1}"#, ListShape::Bare("statuses")),
            "no list field `statuses`: the object has no other field"
        );
        let many = r#"{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": [8]}"#;
        assert_eq!(
            message_of(many, ListShape::Bare("statuses")),
            "no list field `statuses`: the object has `a`, `b`, `c`, `d`, `e`, `f` and 2 more"
        );
    }

    #[test]
    fn a_long_key_is_cut_in_the_error() {
        let long = "k".repeat(1000);
        let message = message_of(&format!(r#"{{"{long}": []}}"#), ListShape::Bare("statuses"));
        assert!(message.len() < 200, "{message}");
        assert!(message.ends_with("k…`"), "{message}");
    }

    #[test]
    fn anything_else_says_what_was_expected() {
        let (_, message) = failure(r#""statuses""#, ListShape::Bare("statuses"));
        assert!(
            message.contains("expected a list: an array, or an object with `statuses`"),
            "{message}"
        );
        let (_, message) = failure("42", ListShape::Wrapped("invoices"));
        assert!(
            message.contains("expected a list: an object with `invoices`, or an array"),
            "{message}"
        );
    }

    #[test]
    fn a_bad_record_is_located_in_either_form() {
        let (path, _) = failure(
            r#"{"record_count": 2, "statuses": [{"id": 1}, {"id": "x"}]}"#,
            ListShape::Bare("statuses"),
        );
        assert_eq!(path, "statuses[1].id");
        let (path, _) = failure(r#"[{"id": 1}, {"id": []}]"#, ListShape::Wrapped("invoices"));
        assert_eq!(path, "[1].id");
    }
}
