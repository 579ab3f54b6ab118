//! The decoded form of [`Extra`](super::Extra): every key and string of a
//! record's unknown fields in one buffer, so that decoding a record with
//! hundreds of them allocates a handful of times instead of once per field.

use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

/// Fields in arrival order; keys and strings are spans of `text`.
#[derive(Clone, Default)]
pub(super) struct Packed {
    text: String,
    fields: Vec<Field>,
}

#[derive(Clone)]
struct Field {
    key: Span,
    value: Scalar,
}

/// A byte range of [`Packed::text`].
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// Appends `s` to `text`; the range it now takes.
    fn append(text: &mut String, s: &str) -> Span {
        let start = text.len();
        text.push_str(s);
        Span {
            start,
            end: text.len(),
        }
    }
}

/// A JSON value: scalars inline, strings in the buffer, arrays and objects
/// (rare in unknown fields) as ordinary values.
#[derive(Clone)]
enum Scalar {
    Null,
    Bool(bool),
    Number(Number),
    Text(Span),
    Nested(Box<Value>),
}

impl Packed {
    pub(super) fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub(super) fn len(&self) -> usize {
        self.fields.len()
    }

    /// Reads the next value of `map` as the field `key`.
    pub(super) fn read<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        if self.fields.is_empty() {
            // A record with one unknown field usually has more: skip the
            // first few doublings of both buffers.
            self.fields.reserve(16);
            self.text.reserve(256);
        }
        let key = Span::append(&mut self.text, key);
        let value = map.next_value_seed(ScalarSeed(&mut self.text))?;
        self.fields.push(Field { key, value });
        Ok(())
    }

    /// Appends a field already decoded.
    // Only typed fields call this: a spec without any leaves it unused.
    #[allow(dead_code)]
    pub(super) fn push(&mut self, key: &str, value: Value) {
        let key = Span::append(&mut self.text, key);
        let value = match value {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(b),
            Value::Number(n) => Scalar::Number(n),
            Value::String(s) => Scalar::Text(Span::append(&mut self.text, &s)),
            nested => Scalar::Nested(Box::new(nested)),
        };
        self.fields.push(Field { key, value });
    }

    /// The fields as ordinary pairs.
    pub(super) fn unpack(&self) -> Vec<(String, Value)> {
        self.fields
            .iter()
            .map(|field| (self.str(field.key).to_owned(), self.value(&field.value)))
            .collect()
    }

    /// The fields, keys and values borrowed.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, ScalarRef<'_>)> {
        self.fields
            .iter()
            .map(|field| (self.str(field.key), ScalarRef(self, &field.value)))
    }

    fn str(&self, span: Span) -> &str {
        // Spans are only made by `append` on this buffer, which never shrinks.
        self.text.get(span.start..span.end).unwrap_or_default()
    }

    fn value(&self, value: &Scalar) -> Value {
        match value {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Number(n) => Value::Number(n.clone()),
            Scalar::Text(span) => Value::String(self.str(*span).to_owned()),
            Scalar::Nested(value) => Value::clone(value),
        }
    }
}

/// A value of a [`Packed`] field, written as JSON without unpacking it.
pub(super) struct ScalarRef<'a>(&'a Packed, &'a Scalar);

impl Serialize for ScalarRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            Scalar::Null => serializer.serialize_unit(),
            Scalar::Bool(b) => serializer.serialize_bool(*b),
            Scalar::Number(n) => n.serialize(serializer),
            Scalar::Text(span) => serializer.serialize_str(self.0.str(*span)),
            Scalar::Nested(value) => value.serialize(serializer),
        }
    }
}

/// Decodes any value, appending its text (if it is a string) to the buffer.
struct ScalarSeed<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for ScalarSeed<'_> {
    type Value = Scalar;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Accepts what `serde_json::Value` accepts, and decodes it the same way.
impl<'de> Visitor<'de> for ScalarSeed<'_> {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Number::from_f64(v).map_or(Scalar::Null, Scalar::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(Span::append(self.0, v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar, A::Error> {
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Scalar::Nested(Box::new(value)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Scalar::Nested(Box::new(value)))
    }
}
