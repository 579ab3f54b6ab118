//! A field's new value in a create input or a patch: a value, or cleared.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use crate::runtime::{Id, TextId};

/// What a typed setter sends for one field: a value, or `null`.
///
/// Setters take `impl Into<FieldChange<T>>`, so they accept the value itself
/// (a `&str` for text, a plain integer for an id) or [`Clear`]:
///
/// ```no_run
/// # async fn demo(halo: halopsa::HaloClient) -> halopsa::Result<()> {
/// use halopsa::Clear;
/// halo.tickets().patch(42).summary("Printer replaced").agent_id(Clear).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum FieldChange<T> {
    /// Send this value.
    Set(T),
    /// Send `null`, which clears the field on the server.
    Clear,
}

/// Clears a field: pass it to a setter to send the field as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Clear;

impl<T> From<Clear> for FieldChange<T> {
    fn from(_: Clear) -> Self {
        FieldChange::Clear
    }
}

/// `From<T> for FieldChange<T>` for each field type. (A blanket impl would
/// overlap with `From<Clear>`.)
macro_rules! set_from {
    ($($ty:ty),*) => {
        $(
            impl From<$ty> for FieldChange<$ty> {
                fn from(value: $ty) -> Self {
                    FieldChange::Set(value)
                }
            }
        )*
    };
}

set_from!(bool, i32, i64, f64, String, NaiveDate, DateTime<Utc>, Value);

impl From<&str> for FieldChange<String> {
    fn from(value: &str) -> Self {
        FieldChange::Set(value.to_owned())
    }
}

impl<T> From<Id<T>> for FieldChange<Id<T>> {
    fn from(value: Id<T>) -> Self {
        FieldChange::Set(value)
    }
}

/// A plain integer is the id of the field's entity: `.client_id(12)`.
impl<T> From<i32> for FieldChange<Id<T>> {
    fn from(value: i32) -> Self {
        FieldChange::Set(Id::new(value))
    }
}

impl<T> From<TextId<T>> for FieldChange<TextId<T>> {
    fn from(value: TextId<T>) -> Self {
        FieldChange::Set(value)
    }
}

/// Text is the id of the field's entity when that entity is keyed by text.
impl<T> From<&str> for FieldChange<TextId<T>> {
    fn from(value: &str) -> Self {
        FieldChange::Set(TextId::new(value))
    }
}

impl<T> From<Vec<T>> for FieldChange<Vec<T>> {
    fn from(value: Vec<T>) -> Self {
        FieldChange::Set(value)
    }
}

impl<T, const N: usize> From<[T; N]> for FieldChange<Vec<T>> {
    fn from(value: [T; N]) -> Self {
        FieldChange::Set(value.into())
    }
}
