//! Serde helpers for Halo's loosely formatted values.
//!
//! Generated models read every field leniently, accepting the loose forms
//! Halo sends: integers as `21.0` or `"21"`, `-1` and `0` for "no
//! reference", dates with up to 7 fractional digits with or without an
//! offset, and `1900-01-01T00:00:00` or `1899-12-30T00:00:00` for "no date".
//! For your own structs the same rules are available as `with` modules:
//! `#[serde(default, skip_serializing_if = "Option::is_none", with = "wire::datetime")]`.

mod lenient;
mod time;

pub(crate) use lenient::{In, Key, Wire};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserializer, Serialize, Serializer};

/// Longest part of an undecodable value quoted in an error message.
const QUOTE_LIMIT: usize = 64;

/// Generates a `with` module that reads through [`Wire`] and writes with serde.
macro_rules! with_module {
    ($(#[$doc:meta])* $name:ident, $ty:ty) => {
        $(#[$doc])*
        pub mod $name {
            use super::*;

            /// Writes the value, or null.
            pub fn serialize<S: Serializer>(value: &Option<$ty>, serializer: S) -> Result<S::Ok, S::Error> {
                value.serialize(serializer)
            }

            /// Reads the value leniently; see the [module docs](self).
            pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<$ty>, D::Error> {
                <$ty as Wire>::decode(deserializer).map(In::into_option)
            }
        }
    };
}

with_module!(
    /// `Option<DateTime<Utc>>`: RFC 3339 with `Z` or an offset and any number of
    /// fractional digits, or no offset at all (read as UTC); `null`, `""` and the
    /// "no date" sentinels `1900-01-01T00:00:00`, `1899-12-30T00:00:00` and
    /// `0001-01-01T00:00:00` are `None`. Writes RFC 3339 in UTC with a `Z`.
    datetime,
    DateTime<Utc>
);
with_module!(
    /// `Option<NaiveDate>`: `YYYY-MM-DD` or any date-time [`datetime`] reads (its
    /// date as written); `null`, `""` and the sentinels are `None`. Writes `YYYY-MM-DD`.
    date,
    NaiveDate
);
with_module!(
    /// `Option<i32>`: `21`, `21.0` and `"21"` are 21; `null` and `""` are `None`;
    /// a fraction, a value out of range or text is an error.
    int,
    i32
);
with_module!(
    /// `Option<i64>`, read like [`int`].
    long,
    i64
);
with_module!(
    /// `Option<f64>`: a number or a numeric string; `null` and `""` are `None`;
    /// a string that reads as infinite or NaN is an error.
    float,
    f64
);

/// `Option<Id<T>>` for references to other records: read like [`int`], and
/// Halo's "no record" values `-1` and `0` are `None`.
pub mod reference {
    use super::*;
    use crate::runtime::Id;

    /// Writes the id, or null.
    pub fn serialize<T, S: Serializer>(
        value: &Option<Id<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads an id leniently; `-1` and `0` mean no reference.
    pub fn deserialize<'de, T: 'static, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Id<T>>, D::Error> {
        <Id<T> as Wire>::decode(deserializer).map(In::into_option)
    }
}

/// A bounded prefix of `text` for error messages.
pub(crate) fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTE_LIMIT {
        text.to_owned()
    } else {
        let prefix: String = text.chars().take(QUOTE_LIMIT).collect();
        format!("{prefix}…")
    }
}
