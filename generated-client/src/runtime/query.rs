//! Query parameter values and the parameter list a request carries.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::{Id, TextId};

mod sealed {
    /// Keeps [`QueryValue`](super::QueryValue) closed to this crate.
    pub trait Sealed {}
}

/// A value that can be sent as a query parameter.
///
/// Implemented for `bool`, `i32`, `i64`, `u32`, `f64`, `String`, `&str`,
/// [`NaiveDate`] (`YYYY-MM-DD`), `DateTime<Utc>` (RFC 3339), [`Id<T>`],
/// [`TextId<T>`] and `Vec<V>` of any of these (comma-joined). Sealed: the set is fixed by the
/// runtime. Values are percent-encoded when the URL is built.
pub trait QueryValue: sealed::Sealed {
    /// The unencoded text of this value.
    fn to_query(&self) -> String;
}

macro_rules! display_query_value {
    ($($ty:ty),* $(,)?) => {$(
        impl sealed::Sealed for $ty {}
        impl QueryValue for $ty {
            fn to_query(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

display_query_value!(bool, i32, i64, u32, f64, String);

impl sealed::Sealed for &str {}
impl QueryValue for &str {
    fn to_query(&self) -> String {
        (*self).to_owned()
    }
}

impl sealed::Sealed for NaiveDate {}
impl QueryValue for NaiveDate {
    fn to_query(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

impl sealed::Sealed for DateTime<Utc> {}
impl QueryValue for DateTime<Utc> {
    fn to_query(&self) -> String {
        self.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

impl<T> sealed::Sealed for Id<T> {}
impl<T> QueryValue for Id<T> {
    fn to_query(&self) -> String {
        self.get().to_string()
    }
}

// A filter by a record keyed by text (`role_id`): the id as written.
impl<T> sealed::Sealed for TextId<T> {}
impl<T> QueryValue for TextId<T> {
    fn to_query(&self) -> String {
        self.as_str().to_owned()
    }
}

impl<V: QueryValue> sealed::Sealed for Vec<V> {}
impl<V: QueryValue> QueryValue for Vec<V> {
    fn to_query(&self) -> String {
        self.iter()
            .map(QueryValue::to_query)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Ordered query parameters; setting a name again replaces its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pairs: Vec<(Cow<'static, str>, String)>,
}

impl Query {
    /// Sets `name` to `value`, replacing an earlier value in place.
    pub(crate) fn set(&mut self, name: impl Into<Cow<'static, str>>, value: impl QueryValue) {
        let name = name.into();
        let value = value.to_query();
        match self.pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.pairs.push((name, value)),
        }
    }

    /// The parameters in the order they were first set.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_str()))
    }
}
