//! Typed record ids.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The id of a record of type `T`, e.g. `Id<Ticket>`.
///
/// The type parameter only keeps ids of different entities apart; it is a
/// `PhantomData<fn() -> T>` so an `Id<T>` is `Copy + Send + Sync` for any `T`.
///
/// Serializes as an integer. Deserializes leniently, as Halo sends ids in
/// several forms: an integer (`21`), an integral float (`21.0`) or a numeric
/// string (`"130"`). Anything else is an error, never a silent zero.
pub struct Id<T> {
    value: i32,
    marker: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// Wraps a raw id.
    pub const fn new(value: i32) -> Self {
        Id {
            value,
            marker: PhantomData,
        }
    }

    /// The raw id.
    pub const fn get(self) -> i32 {
        self.value
    }
}

// Manual impls: derives would demand the same trait of `T`.
impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Id<T> {}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Eq for Id<T> {}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

impl<T> From<i32> for Id<T> {
    fn from(value: i32) -> Self {
        Id::new(value)
    }
}

impl<T> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.value)
    }
}

impl<'de, T> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `deserialize_any`: the JSON type decides which form we got.
        deserializer.deserialize_any(IdVisitor).map(Id::new)
    }
}

struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = i32;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer id (a 32-bit integer, an integral float or a numeric string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i32, E> {
        i32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i32, E> {
        i32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i32, E> {
        float_to_id(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i32, E> {
        let text = v.trim();
        text.parse::<i32>()
            .ok()
            .or_else(|| text.parse::<f64>().ok().and_then(float_to_id))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// An integral, finite float inside the `i32` range, as an `i32`.
fn float_to_id(v: f64) -> Option<i32> {
    let in_range = v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX);
    // The range check makes the cast exact, so it cannot truncate.
    #[allow(clippy::cast_possible_truncation)]
    (v.is_finite() && v.fract() == 0.0 && in_range).then_some(v as i32)
}

/// The id of a record whose collection is keyed by text, e.g. `TextId<Webhook>`
/// (Halo uses UUIDs and other strings for webhooks, priorities, roles,
/// holidays and more).
///
/// Like [`Id`], the type parameter keeps ids of different entities apart.
/// Serializes as a string; reads a string, or a number as its text.
pub struct TextId<T> {
    value: String,
    marker: PhantomData<fn() -> T>,
}

impl<T> TextId<T> {
    /// Wraps a raw id.
    pub fn new(value: impl Into<String>) -> Self {
        TextId {
            value: value.into(),
            marker: PhantomData,
        }
    }

    /// The raw id.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<T> Clone for TextId<T> {
    fn clone(&self) -> Self {
        TextId::new(self.value.clone())
    }
}

impl<T> PartialEq for TextId<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Eq for TextId<T> {}

impl<T> PartialOrd for TextId<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for TextId<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T> Hash for TextId<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T> fmt::Debug for TextId<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<T> fmt::Display for TextId<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl<T> From<&str> for TextId<T> {
    fn from(value: &str) -> Self {
        TextId::new(value)
    }
}

impl<T> From<String> for TextId<T> {
    fn from(value: String) -> Self {
        TextId::new(value)
    }
}

impl<T> Serialize for TextId<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

impl<'de, T> Deserialize<'de> for TextId<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextIdVisitor).map(TextId::new)
    }
}

struct TextIdVisitor;

impl Visitor<'_> for TextIdVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key (a string, or a number)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// What every record id is: [`Id`] for collections keyed by integers, [`TextId`]
/// for those keyed by text. The runtime uses it to put an id in a path, to
/// notice a record delivered twice, and (integers only) to list in id order.
pub trait RecordId:
    Clone + Eq + Hash + fmt::Debug + fmt::Display + Serialize + Send + Sync + 'static
{
    /// The id as an integer, when the collection is keyed by integers.
    fn as_int(&self) -> Option<i32>;
}

impl<T: 'static> RecordId for Id<T> {
    fn as_int(&self) -> Option<i32> {
        Some(self.value)
    }
}

impl<T: 'static> RecordId for TextId<T> {
    fn as_int(&self) -> Option<i32> {
        None
    }
}
