//! Binary data that travels as base64 text: the spec's `base64` type, such
//! as the content of an attachment (`data_base64`), which Halo takes and
//! gives as standard base64 in JSON.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::wire::{In, Wire};
use super::FieldChange;

/// Bytes that are sent and read as base64 text (RFC 4648, with padding).
///
/// Setters of a `base64` field take the bytes themselves and encode them:
///
/// ```no_run
/// # async fn demo(halo: halopsa::HaloClient) -> halopsa::Result<()> {
/// let bytes = std::fs::read("report.pdf").expect("readable");
/// let new = halopsa::NewAttachment::new()
///     .ticket_id(42)
///     .filename("report.pdf")
///     .data_base64(bytes);
/// halo.attachments().create(&new).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64(Vec<u8>);

impl Base64 {
    /// Wraps `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Base64(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// The number of bytes (not of base64 characters).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes of `text`: standard base64, padded or not, with any
    /// whitespace (line breaks of MIME-style wrapping) ignored, and without
    /// a data URL's `data:...;base64,` header if one was left on.
    pub fn parse(text: &str) -> Result<Base64, String> {
        let data = text.split_once(";base64,").map_or(text, |(_, data)| data);
        let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        let unpadded = compact.trim_end_matches('=');
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(unpadded)
            .map(Base64)
            .map_err(|err| format!("not base64: {err}"))
    }

    /// The bytes as base64 text.
    pub fn encode(&self) -> String {
        STANDARD.encode(&self.0)
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bytes are the caller's data (a file): their size is enough.
        write!(f, "Base64({} bytes)", self.0.len())
    }
}

impl AsRef<[u8]> for Base64 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64(bytes)
    }
}

impl From<&[u8]> for Base64 {
    fn from(bytes: &[u8]) -> Self {
        Base64(bytes.to_vec())
    }
}

impl From<Base64> for Vec<u8> {
    fn from(value: Base64) -> Self {
        value.0
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Base64Visitor)
    }
}

struct Base64Visitor;

impl Visitor<'_> for Base64Visitor {
    type Value = Base64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("base64 text")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Base64, E> {
        Base64::parse(text).map_err(E::custom)
    }
}

/// In a record: `""` is Halo's "no data", read as `None` and kept as sent;
/// text that is not base64 is an error naming the field, as a malformed
/// date is.
impl Wire for Base64 {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = In<Base64>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("base64 text or null")
            }

            fn visit_unit<E: de::Error>(self) -> Result<In<Base64>, E> {
                Ok(In::Null)
            }

            fn visit_none<E: de::Error>(self) -> Result<In<Base64>, E> {
                Ok(In::Null)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<In<Base64>, D::Error> {
                d.deserialize_any(self)
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<In<Base64>, E> {
                if text.trim().is_empty() {
                    return Ok(In::Placeholder(Value::String(text.to_owned())));
                }
                Base64::parse(text).map(In::Value).map_err(E::custom)
            }
        }
        deserializer.deserialize_option(FieldVisitor)
    }
}

impl From<Base64> for FieldChange<Base64> {
    fn from(value: Base64) -> Self {
        FieldChange::Set(value)
    }
}

/// The bytes themselves: `.data_base64(bytes)`.
impl From<Vec<u8>> for FieldChange<Base64> {
    fn from(bytes: Vec<u8>) -> Self {
        FieldChange::Set(Base64(bytes))
    }
}

/// `.data_base64(&bytes)`, `.data_base64(b"...")`.
impl From<&[u8]> for FieldChange<Base64> {
    fn from(bytes: &[u8]) -> Self {
        FieldChange::Set(Base64(bytes.to_vec()))
    }
}

impl From<&Vec<u8>> for FieldChange<Base64> {
    fn from(bytes: &Vec<u8>) -> Self {
        FieldChange::Set(Base64(bytes.clone()))
    }
}

impl<const N: usize> From<&[u8; N]> for FieldChange<Base64> {
    fn from(bytes: &[u8; N]) -> Self {
        FieldChange::Set(Base64(bytes.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_travel_as_standard_padded_base64() {
        let value = Base64::new(b"hello, world".to_vec());
        let json = serde_json::to_string(&value).expect("serializes");
        assert_eq!(json, r#""aGVsbG8sIHdvcmxk""#);
        let back: Base64 = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, value);
        // Every byte value and every length modulo 3 round-trips.
        for len in 0..7 {
            let bytes: Vec<u8> = (0..=255u8).cycle().skip(len * 37).take(250 + len).collect();
            let text = Base64::new(bytes.clone()).encode();
            assert_eq!(Base64::parse(&text).map(Base64::into_bytes), Ok(bytes));
        }
    }

    #[test]
    fn decoding_forgives_wrapping_missing_padding_and_a_data_url_header() {
        let expected = Ok(b"hello, world!".to_vec());
        for text in [
            "aGVsbG8sIHdvcmxkIQ==",
            "aGVsbG8sIHdvcmxkIQ",
            "aGVsbG8s\r\nIHdvcmxk\nIQ==",
            "data:text/plain;base64,aGVsbG8sIHdvcmxkIQ==",
        ] {
            assert_eq!(
                Base64::parse(text).map(Base64::into_bytes),
                expected,
                "{text}"
            );
        }
        assert!(Base64::parse("not base64!").is_err());
        assert!(Base64::parse("aGVsbG8=x").is_err());
    }

    #[test]
    fn debug_shows_the_size_not_the_data() {
        assert_eq!(
            format!("{:?}", Base64::new(b"secret".to_vec())),
            "Base64(6 bytes)"
        );
    }
}
