//! Reading field values the way Halo writes them, one visitor per kind.
//!
//! Visitors accept every loose form directly (`21`, `21.0`, `"21"`; dates with
//! or without an offset) without buffering the value first, so lenient
//! decoding costs about what strict decoding does.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::quote;
use super::time::{parse_datetime, Parsed};
use crate::runtime::{Extra, Id, TextId};

/// A field type as it appears in a record: how to read it leniently.
///
/// Every generated field is `Option<T>` with `T: Wire`. Types without a
/// loose form use the default: plain serde.
pub trait Wire: DeserializeOwned {
    /// Reads one field value.
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        Option::<Self>::deserialize(deserializer).map(In::from)
    }
}

/// A field value as read by [`Wire::decode`]. Generated decoders use it as
/// `field = map.next_value::<In<T>>()?.keep(&key, &mut extra)`.
#[derive(Debug, Clone, PartialEq)]
pub enum In<T> {
    /// A value.
    Value(T),
    /// `null`.
    Null,
    /// Halo's way of saying "not set" (`-1` or `0` for a reference, `""`,
    /// `1900-01-01T00:00:00`, `1899-12-30T00:00:00`), exactly as sent.
    Placeholder(Value),
}

impl<T> In<T> {
    /// The value. A placeholder is kept in `extra` under `key`, so that
    /// writing the record back sends it as it came (nested records are sent
    /// whole, so a dropped placeholder would change what the server stores).
    // Only typed fields call this: a spec without any leaves it unused.
    #[allow(dead_code)]
    pub fn keep(self, key: &str, extra: &mut Extra) -> Option<T> {
        match self {
            In::Value(value) => Some(value),
            In::Null => None,
            In::Placeholder(raw) => {
                extra.push_decoded(key, raw);
                None
            }
        }
    }

    /// The value; `null` and placeholders are `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            In::Value(value) => Some(value),
            In::Null | In::Placeholder(_) => None,
        }
    }
}

impl<T> From<Option<T>> for In<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(In::Null, In::Value)
    }
}

impl<'de, T: Wire> Deserialize<'de> for In<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::decode(deserializer)
    }
}

/// A JSON object key, borrowed from the input when it has no escapes.
#[derive(Debug)]
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl Wire for bool {}
impl Wire for String {}
impl Wire for Value {}
impl<T: DeserializeOwned> Wire for Vec<T> {}

/// Integers: `21`, `21.0` and `"21"` are 21; `""` is none; a fraction, a
/// value out of range or text is an error, never a silent zero.
struct IntVisitor<N>(PhantomData<N>);

impl<N: TryFrom<i64>> IntVisitor<N> {
    fn fit<E: de::Error>(n: i64) -> Result<In<N>, E> {
        N::try_from(n)
            .map(In::Value)
            .map_err(|_| E::custom(format!("integer {n} is out of range")))
    }
}

/// An `f64` that holds an integer exactly, as an `i64`.
fn integral(f: f64) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: larger floats skip integers
    #[allow(clippy::cast_possible_truncation)] // range- and fraction-checked first
    (f.fract() == 0.0 && f.abs() <= EXACT).then_some(f as i64)
}

impl<'de, N: TryFrom<i64>> Visitor<'de> for IntVisitor<N> {
    type Value = In<N>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, an integral number or a numeric string")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::fit(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let n = i64::try_from(v).map_err(|_| E::custom(format!("integer {v} is out of range")))?;
        Self::fit(n)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        match integral(v) {
            Some(n) => Self::fit(n),
            None => Err(E::custom(format!("expected an integer, got {v}"))),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let text = v.trim();
        if text.is_empty() {
            return Ok(In::Placeholder(Value::String(v.to_owned())));
        }
        match text
            .parse::<i64>()
            .ok()
            .or_else(|| text.parse().ok().and_then(integral))
        {
            Some(n) => Self::fit(n),
            None => Err(E::custom(format!(
                "expected an integer, got `{}`",
                quote(v)
            ))),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(In::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(In::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Wire for i32 {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        deserializer.deserialize_any(IntVisitor(PhantomData))
    }
}

impl Wire for i64 {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        deserializer.deserialize_any(IntVisitor(PhantomData))
    }
}

/// A reference to another record: read like an integer. `-1` and `0` are
/// Halo's "no record": its ids start at 1, and records recorded from live
/// instances carry both (`actionby_user_id: 0` and `asset_id: 0` on
/// actions, `user_id: 0` on tickets, `matched_kb_id: 0`, `-1` for a parent).
impl<T: 'static> Wire for Id<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        Ok(
            match deserializer.deserialize_any(IntVisitor::<i32>(PhantomData))? {
                In::Value(none @ (-1 | 0)) => In::Placeholder(Value::from(none)),
                In::Value(n) => In::Value(Id::new(n)),
                In::Null => In::Null,
                In::Placeholder(raw) => In::Placeholder(raw),
            },
        )
    }
}

/// A text key: `""` is Halo's "not set", kept as sent.
impl<T: 'static> Wire for TextId<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        Ok(match Option::<TextId<T>>::deserialize(deserializer)? {
            Some(key) if key.as_str().is_empty() => In::Placeholder(Value::from("")),
            Some(key) => In::Value(key),
            None => In::Null,
        })
    }
}

/// Decimals: a number or a numeric string; `""` is none. A string that
/// reads as infinite or NaN (`"1e400"`, `"NaN"`) is an error: JSON cannot
/// carry such a value back, and NaN would make the record unequal to itself.
struct FloatVisitor;

impl<'de> Visitor<'de> for FloatVisitor {
    type Value = In<f64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a numeric string")
    }
    #[allow(clippy::cast_precision_loss)] // JSON numbers are f64 on the wire anyway
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(In::Value(v as f64))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(In::Value(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(In::Value(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let text = v.trim();
        if text.is_empty() {
            return Ok(In::Placeholder(Value::String(v.to_owned())));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(In::Value(f)),
            _ => Err(E::custom(format!(
                "expected a finite number, got `{}`",
                quote(v)
            ))),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(In::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(In::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Wire for f64 {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        deserializer.deserialize_any(FloatVisitor)
    }
}

/// Dates and date-times from a string, borrowed when possible. The
/// function maps what was parsed to the value, or to `Err` for a value out
/// of range; then the kind of value and an example of it, for messages.
struct TimeVisitor<F>(F, &'static str, &'static str);

impl<'de, T, F: Fn(Parsed) -> Result<Option<T>, OutOfRange>> Visitor<'de> for TimeVisitor<F> {
    type Value = In<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} such as {}", self.1, self.2)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match parse_datetime(v).map(&self.0) {
            Some(Ok(Some(value))) => Ok(In::Value(value)),
            // Blank or a "no date" sentinel: kept as sent.
            Some(Ok(None)) => Ok(In::Placeholder(Value::String(v.to_owned()))),
            Some(Err(OutOfRange)) => Err(E::custom(format!(
                "date-time `{}` falls outside the years 0 to 9999 in UTC",
                quote(v)
            ))),
            // The value first, then what was expected: the example must
            // not read as the culprit.
            None => Err(E::custom(format!(
                "`{}` is not a valid {}; expected one such as {}",
                quote(v),
                self.1,
                self.2
            ))),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(In::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(In::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

/// A date-time whose UTC value has no four-digit year: it could not be
/// written back as RFC 3339 (nor stored by Halo).
struct OutOfRange;

/// RFC 3339 (any fraction, `Z` or an offset) or no offset at all (read as
/// UTC); `""` and the "no date" sentinels are none. A value whose UTC year
/// falls outside 0 to 9999 (`9999-12-31T23:00:00-05:00`) is an error.
impl Wire for DateTime<Utc> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        let read = |parsed| match parsed {
            Parsed::Value(_, utc) if (0..=9999).contains(&utc.year()) => Ok(Some(utc)),
            Parsed::Value(..) => Err(OutOfRange),
            Parsed::Empty | Parsed::Sentinel => Ok(None),
        };
        deserializer.deserialize_option(TimeVisitor(read, "date-time", "2023-06-29T10:16:08Z"))
    }
}

/// `YYYY-MM-DD` or any date-time (its date as written); `""` and sentinels are none.
impl Wire for NaiveDate {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<In<Self>, D::Error> {
        let read = |parsed| match parsed {
            Parsed::Value(local, _) => Ok(Some(local.date())),
            Parsed::Empty | Parsed::Sentinel => Ok(None),
        };
        deserializer.deserialize_option(TimeVisitor(read, "date", "2023-06-29"))
    }
}
