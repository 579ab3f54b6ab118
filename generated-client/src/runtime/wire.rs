//! Serde helpers for Halo's loosely formatted values.
//!
//! Use them on optional fields:
//! `#[serde(default, skip_serializing_if = "Option::is_none", with = "wire::datetime")]`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// Longest part of an undecodable value quoted in an error message.
const QUOTE_LIMIT: usize = 64;

/// `Option<DateTime<Utc>>` as Halo sends and accepts it.
///
/// Decodes RFC 3339 (`Z` or an offset, any number of fractional digits) and
/// offset-less timestamps such as `2023-06-29T10:16:08.8378294`, read as UTC.
/// `null`, an empty string and the "no date" sentinels `1900-01-01T00:00:00`
/// and `0001-01-01T00:00:00` (any fraction) decode to `None`.
/// Encodes RFC 3339 in UTC with a `Z`.
pub mod datetime {
    use super::*;
    use serde::Serializer;

    /// Writes `Some` as RFC 3339 UTC (`2023-06-29T10:16:08Z`), `None` as null.
    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(dt) => {
                serializer.serialize_str(&dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            }
            None => serializer.serialize_none(),
        }
    }

    /// Reads a timestamp leniently; see the [module docs](self).
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else {
            return Ok(None);
        };
        match parse_datetime(&text) {
            Some(Parsed::Sentinel) | Some(Parsed::Empty) => Ok(None),
            Some(Parsed::Value(_, utc)) => Ok(Some(utc)),
            None => Err(D::Error::custom(format!(
                "invalid date-time `{}`: expected ISO 8601 such as 2023-06-29T10:16:08Z",
                quote(&text)
            ))),
        }
    }
}

/// `Option<NaiveDate>` as Halo sends and accepts it.
///
/// Decodes `YYYY-MM-DD` or any timestamp [`datetime`] accepts (taking the
/// date as written, before any offset conversion); `null`, an empty string
/// and the "no date" sentinels decode to `None`. Encodes `YYYY-MM-DD`.
pub mod date {
    use super::*;
    use serde::Serializer;

    /// Writes `Some` as `YYYY-MM-DD`, `None` as null.
    pub fn serialize<S: Serializer>(
        value: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(date) => serializer.collect_str(&date.format("%Y-%m-%d")),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a date leniently; see the [module docs](self).
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else {
            return Ok(None);
        };
        match parse_datetime(&text) {
            Some(Parsed::Sentinel) | Some(Parsed::Empty) => Ok(None),
            Some(Parsed::Value(local, _)) => Ok(Some(local.date())),
            None => Err(D::Error::custom(format!(
                "invalid date `{}`: expected YYYY-MM-DD or an ISO 8601 date-time",
                quote(&text)
            ))),
        }
    }
}

/// What a date or date-time string turned out to be.
enum Parsed {
    /// Blank: Halo's way of saying "no value" in some places.
    Empty,
    /// A placeholder date meaning "no value".
    Sentinel,
    /// A real value: as written (local) and converted to UTC.
    Value(NaiveDateTime, DateTime<Utc>),
}

/// Parses every timestamp form Halo is known to send; `None` if unreadable.
fn parse_datetime(text: &str) -> Option<Parsed> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Parsed::Empty);
    }
    let (local, utc) = if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        (dt.naive_local(), dt.with_timezone(&Utc))
    } else {
        let local = parse_naive(text)?;
        (local, local.and_utc())
    };
    if is_sentinel(local) {
        Some(Parsed::Sentinel)
    } else {
        Some(Parsed::Value(local, utc))
    }
}

/// Offset-less forms: full timestamps (`T` or space) and plain dates.
fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|date| date.and_time(NaiveTime::MIN))
        })
}

/// Midnight on 1900-01-01 (Halo's "no date") or 0001-01-01 (.NET's minimum).
fn is_sentinel(local: NaiveDateTime) -> bool {
    use chrono::{Datelike, Timelike};
    let midnight = local.hour() == 0 && local.minute() == 0 && local.second() == 0;
    let placeholder_day = matches!((local.year(), local.month(), local.day()), (1900 | 1, 1, 1));
    midnight && placeholder_day
}

/// A bounded prefix of `text` for error messages.
fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTE_LIMIT {
        text.to_owned()
    } else {
        let prefix: String = text.chars().take(QUOTE_LIMIT).collect();
        format!("{prefix}…")
    }
}

/// A JSON number or numeric string, as Halo sends integers and decimals.
#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Int(i64),
    Float(f64),
    Text(String),
}

/// Reads an integer that may arrive as `21`, `21.0` or `"21"`; anything with
/// a fraction, out of range or not a number is an error, never a silent zero.
fn loose_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let Some(value) = Option::<Loose>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let integral = |f: f64| (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64);
    let parsed = match &value {
        Loose::Int(n) => Some(*n),
        Loose::Float(f) => integral(*f),
        Loose::Text(text) if text.trim().is_empty() => return Ok(None),
        Loose::Text(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| text.trim().parse::<f64>().ok().and_then(integral)),
    };
    match parsed {
        Some(n) => Ok(Some(n)),
        None => Err(D::Error::custom(format!(
            "expected an integer, got {}",
            describe(&value)
        ))),
    }
}

fn describe(value: &Loose) -> String {
    match value {
        Loose::Int(n) => n.to_string(),
        Loose::Float(f) => f.to_string(),
        Loose::Text(text) => format!("`{}`", quote(text)),
    }
}

/// `Option<i32>` or `Option<i64>` read leniently: `21`, `21.0` and `"21"` are
/// all 21; `null` and `""` are `None`. Encodes a plain JSON integer.
pub mod int {
    use super::*;
    use serde::{Serialize, Serializer};

    /// Writes the integer, or null.
    pub fn serialize<N: Serialize, S: Serializer>(
        value: &Option<N>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads an integer leniently and checks it fits `N`.
    pub fn deserialize<'de, N: TryFrom<i64>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<N>, D::Error> {
        match loose_integer(deserializer)? {
            None => Ok(None),
            Some(n) => N::try_from(n)
                .map(Some)
                .map_err(|_| D::Error::custom(format!("integer {n} is out of range"))),
        }
    }
}

/// `Option<f64>` read leniently: a number or a numeric string.
pub mod float {
    use super::*;
    use serde::Serializer;

    /// Writes the number, or null.
    pub fn serialize<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(f) => serializer.serialize_f64(*f),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a number or numeric string; `null` and `""` are `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<f64>, D::Error> {
        let Some(value) = Option::<Loose>::deserialize(deserializer)? else {
            return Ok(None);
        };
        match &value {
            Loose::Int(n) => Ok(Some(*n as f64)),
            Loose::Float(f) => Ok(Some(*f)),
            Loose::Text(text) if text.trim().is_empty() => Ok(None),
            Loose::Text(text) => text.trim().parse::<f64>().map(Some).map_err(|_| {
                D::Error::custom(format!("expected a number, got {}", describe(&value)))
            }),
        }
    }
}

/// `Option<Id<T>>` for references to other records: read like [`int`], and
/// Halo's "not set" value `-1` is `None`.
pub mod reference {
    use super::*;
    use crate::runtime::Id;
    use serde::Serializer;

    /// Writes the id, or null.
    pub fn serialize<T, S: Serializer>(
        value: &Option<Id<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(id) => serializer.serialize_i32(id.get()),
            None => serializer.serialize_none(),
        }
    }

    /// Reads an id leniently; `-1` means no reference.
    pub fn deserialize<'de, T, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Id<T>>, D::Error> {
        match super::int::deserialize::<i32, D>(deserializer)? {
            None | Some(-1) => Ok(None),
            Some(n) => Ok(Some(Id::new(n))),
        }
    }
}
