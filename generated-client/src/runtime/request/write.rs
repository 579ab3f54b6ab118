//! Writes beyond one whole record: a patch of chosen fields, and batched creates.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{into_future, post_records};
use crate::runtime::{decode, Error, FieldChange, HaloClient, Resource, Result, RetryPolicy};

/// Changes chosen fields of a record: `POST {path}` with `[{"id": .., <fields>}]`.
///
/// Only the fields set on the request are sent, so fields changed by someone
/// else in the meantime are left alone. A field can also be cleared: it is
/// then sent as `null`. The generated setters (`summary(..)`,
/// `clear_summary()`) are typed by the spec; [`field`](Self::field) sets a
/// field the spec does not list.
///
/// Halo replaces a list field (custom fields, an asset's `fields`, invoice
/// lines) whole: the list sent becomes the list stored, and elements left
/// out are removed. To change some elements and keep the others, use the
/// generated `merge_*` setters (`merge_customfields(..)`), or
/// [`merge`](Self::merge): the patch then reads the record first and sends
/// the current list with the changes applied.
pub struct PatchRequest<T: Resource> {
    client: HaloClient,
    id: T::Id,
    fields: Map<String, Value>,
    /// List fields to merge into the record's current lists when sent.
    merges: Vec<(String, Vec<Value>)>,
    /// The first value that could not be encoded, reported by `send`.
    error: Option<String>,
    retry: Option<RetryPolicy>,
}

impl<T: Resource> PatchRequest<T> {
    /// A patch of the record with this id, with no changes yet.
    pub fn new(client: &HaloClient, id: T::Id) -> Self {
        PatchRequest {
            client: client.clone(),
            id,
            fields: Map::new(),
            merges: Vec::new(),
            error: None,
            retry: None,
        }
    }

    /// Changes some elements of the list field `name` (by wire name) and
    /// keeps the rest. When sent, the patch first reads the record (one more
    /// request), then sends its current list with each of `items` merged
    /// in: an element with the same `id` as a current one, or without an id
    /// the same `name`, updates that element (fields it does not carry keep
    /// their values); any other is appended. The generated `merge_*`
    /// setters call this.
    ///
    /// Someone changing the same list between the read and the write loses
    /// their change: Halo offers no way to prevent that.
    pub fn merge<I: Serialize>(
        mut self,
        name: impl Into<String>,
        items: impl IntoIterator<Item = I>,
    ) -> Self {
        let name = name.into();
        let encoded: std::result::Result<Vec<Value>, _> =
            items.into_iter().map(serde_json::to_value).collect();
        match encoded {
            Ok(items) => {
                self.fields.remove(&name);
                match self.merges.iter_mut().find(|(field, _)| *field == name) {
                    Some((_, pending)) => pending.extend(items),
                    None => self.merges.push((name, items)),
                }
            }
            Err(err) => {
                self.error.get_or_insert(format!("field `{name}`: {err}"));
            }
        }
        self
    }

    /// A typed setter's change: the value, or `null`. (A spec whose
    /// patches have no typed setters leaves it unused.)
    #[allow(dead_code)]
    pub(crate) fn change<V: Serialize>(self, name: &'static str, change: FieldChange<V>) -> Self {
        match change {
            FieldChange::Set(value) => self.field(name, value),
            FieldChange::Clear => self.clear(name),
        }
    }

    /// Sets a field by its wire name: for a field the spec does not list.
    pub fn field(mut self, name: impl Into<String>, value: impl Serialize) -> Self {
        let name = name.into();
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

    /// Sends a field, by its wire name, as `null`; the generated `clear_*`
    /// methods call this.
    pub fn clear(mut self, name: impl Into<String>) -> Self {
        self.fields.insert(name.into(), Value::Null);
        self
    }

    /// The fields this patch sends, by wire name (without `id`), besides
    /// the list fields it merges.
    pub fn changes(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Saves the changes and returns the record as saved.
    pub async fn send(self) -> Result<T> {
        if let Some(message) = self.error {
            return Err(Error::Encode { message });
        }
        let mut record = Map::with_capacity(self.fields.len() + 1);
        let id = serde_json::to_value(&self.id).map_err(|err| Error::Encode {
            message: err.to_string(),
        })?;
        record.insert("id".to_owned(), id);
        if !self.merges.is_empty() {
            let current = self.current().await?;
            for (name, items) in self.merges {
                let list = match current.get(&name) {
                    Some(Value::Array(list)) => list.clone(),
                    _ => Vec::new(),
                };
                record.insert(name, Value::Array(merge_elements(list, items)));
            }
        }
        record.extend(self.fields);
        // Writing the same values twice leaves the same record.
        let records = [Value::Object(record)];
        let reply = post_records::<T>(&self.client, &records, true, self.retry.as_ref()).await?;
        decode::one(&reply)
    }
}

impl<T: Resource> PatchRequest<T> {
    /// The record as stored now, as plain JSON (every field kept).
    async fn current(&self) -> Result<Map<String, Value>> {
        let call = crate::runtime::call::Call {
            scope: T::READ_SCOPE,
            ..crate::runtime::call::Call::new(
                reqwest::Method::GET,
                self.client
                    .item_endpoint(T::PATH, &self.id.to_string(), &Default::default())?,
            )
        };
        let body = self.client.execute_with(&call, self.retry.as_ref()).await?;
        match decode::json::<Value>(&body)? {
            Value::Object(record) => Ok(record),
            _ => Err(Error::Decode {
                path: ".".into(),
                message: "expected the record as an object".into(),
                snippet: decode::snippet(&body),
            }),
        }
    }
}

into_future!(PatchRequest => T);

/// `current` with each of `changes` merged in: an element with the same
/// `id` (compared as a number: `21`, `21.0` and `"21"` are one id), or
/// without an id the same `name`, has the change's fields written over its
/// own; any other change is appended. Order is kept.
pub(crate) fn merge_elements(mut current: Vec<Value>, changes: Vec<Value>) -> Vec<Value> {
    fn number(value: Option<&Value>) -> Option<f64> {
        match value? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    fn same(a: &Value, b: &Value) -> bool {
        match (number(a.get("id")), number(b.get("id"))) {
            (Some(x), Some(y)) => x == y,
            (None, _) => match (a.get("name"), b.get("name")) {
                (Some(Value::String(x)), Some(Value::String(y))) => x == y,
                _ => false,
            },
            (Some(_), None) => false,
        }
    }
    for change in changes {
        match current.iter_mut().find(|element| same(&change, element)) {
            Some(Value::Object(element)) => {
                if let Value::Object(mut fields) = change {
                    // The id is the same; the stored spelling stays.
                    if element.contains_key("id") {
                        fields.remove("id");
                    }
                    element.extend(fields);
                }
            }
            Some(element) => *element = change,
            None => current.push(change),
        }
    }
    current
}

/// Creates many records with as few requests as possible: `POST {path}` with
/// arrays of up to [`chunk_size`](Self::chunk_size) records.
///
/// Records come back in the order they were given. Chunks are sent one after
/// another; if one fails, the error is returned and the records of earlier
/// chunks stay created. A chunk is never sent twice (see [`CreateRequest`](super::CreateRequest)).
pub struct CreateManyRequest<T> {
    client: HaloClient,
    records: std::result::Result<Vec<Value>, String>,
    chunk_size: usize,
    retry: Option<RetryPolicy>,
    marker: PhantomData<fn() -> T>,
}

/// Records per POST unless [`CreateManyRequest::chunk_size`] says otherwise.
const DEFAULT_CHUNK_SIZE: usize = 50;

impl<T: Resource> CreateManyRequest<T> {
    /// A request creating `records`. They are serialized now; a failure is
    /// reported by `send`.
    pub fn new<'a, N: Serialize + 'a>(
        client: &HaloClient,
        records: impl IntoIterator<Item = &'a N>,
    ) -> Self {
        let records = records
            .into_iter()
            .enumerate()
            .map(|(index, record)| {
                serde_json::to_value(record).map_err(|err| format!("record {index}: {err}"))
            })
            .collect();
        CreateManyRequest {
            client: client.clone(),
            records,
            chunk_size: DEFAULT_CHUNK_SIZE,
            retry: None,
            marker: PhantomData,
        }
    }

    /// Records per request (at least 1; default 50).
    pub fn chunk_size(mut self, chunk_size: usize) -> Self {
        self.chunk_size = chunk_size.max(1);
        self
    }

    /// Retries each chunk by `policy` instead of the client's (a create is
    /// only ever retried when the server cannot have acted on it).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Creates the records and returns them as saved, in order.
    pub async fn send(self) -> Result<Vec<T>> {
        let records = self.records.map_err(|message| Error::Encode { message })?;
        let mut saved = Vec::with_capacity(records.len());
        for chunk in records.chunks(self.chunk_size) {
            // A replayed create could duplicate records.
            let reply = post_records::<T>(&self.client, chunk, false, self.retry.as_ref()).await?;
            saved.extend(decode::many::<T>(&reply, chunk.len())?);
        }
        Ok(saved)
    }
}

into_future!(CreateManyRequest => Vec<T>);

// Manual impls: derives would require `T: Clone` / `T: Debug`.
impl<T: Resource> Clone for PatchRequest<T> {
    fn clone(&self) -> Self {
        PatchRequest {
            client: self.client.clone(),
            id: self.id.clone(),
            fields: self.fields.clone(),
            merges: self.merges.clone(),
            error: self.error.clone(),
            retry: self.retry.clone(),
        }
    }
}

impl<T> Clone for CreateManyRequest<T> {
    fn clone(&self) -> Self {
        CreateManyRequest {
            client: self.client.clone(),
            records: self.records.clone(),
            chunk_size: self.chunk_size,
            retry: self.retry.clone(),
            marker: PhantomData,
        }
    }
}

impl<T: Resource> fmt::Debug for PatchRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values are the caller's data: show which fields change, not to what.
        f.debug_struct("PatchRequest")
            .field("path", &T::PATH)
            .field("id", &self.id)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .field(
                "merges",
                &self.merges.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<T: Resource> fmt::Debug for CreateManyRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateManyRequest")
            .field("path", &T::PATH)
            .field("records", &self.records.as_ref().map(Vec::len))
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(current: Value, changes: Value) -> Value {
        let list = |v: Value| v.as_array().cloned().unwrap_or_default();
        Value::Array(merge_elements(list(current), list(changes)))
    }

    #[test]
    fn a_merge_changes_matching_elements_and_keeps_the_rest() {
        let current = json!([
            {"id": 101, "name": "CFDepartment", "value": "Sales", "display": "Sales"},
            {"id": 102.0, "name": "CFRiskScore", "value": 3},
            {"id": 103, "name": "CFRenewalDate", "value": "1900-01-01T00:00:00"},
        ]);
        let changes = json!([
            {"id": "102", "value": 5},
            {"name": "CFDepartment", "value": "IT"},
            {"id": 104, "value": "new"},
        ]);
        assert_eq!(
            merged(current, changes),
            json!([
                {"id": 101, "name": "CFDepartment", "value": "IT", "display": "Sales"},
                {"id": 102.0, "name": "CFRiskScore", "value": 5},
                {"id": 103, "name": "CFRenewalDate", "value": "1900-01-01T00:00:00"},
                {"id": 104, "value": "new"},
            ])
        );
        // An element without an id or name is simply added.
        assert_eq!(
            merged(json!([]), json!([{"value": 1}])),
            json!([{"value": 1}])
        );
        // An id never matches by name: a different line of the same name is new.
        assert_eq!(
            merged(
                json!([{"id": 1, "name": "a"}]),
                json!([{"id": 2, "name": "a"}])
            ),
            json!([{"id": 1, "name": "a"}, {"id": 2, "name": "a"}])
        );
    }
}
