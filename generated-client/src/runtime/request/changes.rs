//! The fields a create input or a patch sends.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::runtime::FieldChange;

/// Fields to send, by wire name, in the order they were set. A value that
/// cannot be encoded is remembered and reported when the request is sent,
/// so setters can stay infallible.
// Used by `input!`: a spec without creates leaves it unused.
#[allow(dead_code)]
#[derive(Clone, Default, PartialEq)]
pub(crate) struct FieldValues {
    fields: Map<String, Value>,
    error: Option<String>,
}

#[allow(dead_code)]
impl FieldValues {
    /// Sets `name` to `value`, replacing an earlier value.
    pub(crate) fn set(mut self, name: String, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                self.fields.insert(name, value);
            }
            Err(err) => {
                self.error.get_or_insert(format!("field `{name}`: {err}"));
            }
        }
        self
    }

    /// A typed setter's change: the value, or `null`.
    pub(crate) fn change<T: Serialize>(self, name: &str, change: FieldChange<T>) -> Self {
        match change {
            FieldChange::Set(value) => self.set(name.to_owned(), value),
            FieldChange::Clear => self.set(name.to_owned(), Value::Null),
        }
    }

    pub(crate) fn map(&self) -> &Map<String, Value> {
        &self.fields
    }
}

impl Serialize for FieldValues {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.error {
            Some(error) => Err(serde::ser::Error::custom(error)),
            None => self.fields.serialize(serializer),
        }
    }
}

/// Values are the caller's data: show which fields are set, not to what.
impl fmt::Debug for FieldValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.fields.keys()).finish()
    }
}
