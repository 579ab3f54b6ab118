//! Writes beyond one whole record: a patch of chosen fields, and batched creates.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{into_future, post_records};
use crate::runtime::{decode, Error, HaloClient, Id, Resource, Result, RetryPolicy};

/// Changes chosen fields of a record: `POST {path}` with `[{"id": .., <fields>}]`.
///
/// Only the fields set on the request are sent, so fields changed by someone
/// else in the meantime are left alone. A field can also be cleared: it is
/// then sent as `null`. The generated setters (`summary(..)`,
/// `clear_summary()`) are typed by the spec; [`field`](Self::field) sets a
/// field the spec does not list.
pub struct PatchRequest<T> {
    client: HaloClient,
    id: Id<T>,
    fields: Map<String, Value>,
    /// The first value that could not be encoded, reported by `send`.
    error: Option<String>,
    retry: Option<RetryPolicy>,
}

impl<T: Resource> PatchRequest<T> {
    /// A patch of the record with this id, with no changes yet.
    pub fn new(client: &HaloClient, id: Id<T>) -> Self {
        PatchRequest {
            client: client.clone(),
            id,
            fields: Map::new(),
            error: None,
            retry: None,
        }
    }

    /// Sets a field by its wire name. The typed setters generated from the
    /// spec call this; use it for a field the spec does not list.
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

    /// The fields this patch sends, by wire name (without `id`).
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
        record.insert("id".to_owned(), Value::from(self.id.get()));
        record.extend(self.fields);
        // Writing the same values twice leaves the same record.
        let records = [Value::Object(record)];
        let reply =
            post_records(&self.client, T::PATH, &records, true, self.retry.as_ref()).await?;
        decode::one(&reply)
    }
}

into_future!(PatchRequest => T);

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
            let reply =
                post_records(&self.client, T::PATH, chunk, false, self.retry.as_ref()).await?;
            saved.extend(decode::many::<T>(&reply, chunk.len())?);
        }
        Ok(saved)
    }
}

into_future!(CreateManyRequest => Vec<T>);

// Manual impls: derives would require `T: Clone` / `T: Debug`.
impl<T> Clone for PatchRequest<T> {
    fn clone(&self) -> Self {
        PatchRequest {
            client: self.client.clone(),
            id: self.id,
            fields: self.fields.clone(),
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
