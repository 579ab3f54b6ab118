//! Single-record requests: get, create, update, delete.

use std::fmt;
use std::marker::PhantomData;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::{into_future, post_records};
use crate::runtime::call::Call;
use crate::runtime::query::{Query, QueryValue};
use crate::runtime::{decode, Error, HaloClient, Resource, Result, ResultFuture, RetryPolicy};

/// Fetches one record by id: `GET {path}/{id}`.
pub struct GetRequest<T: Resource> {
    client: HaloClient,
    id: T::Id,
    query: Query,
    retry: Option<RetryPolicy>,
}

impl<T: Resource> GetRequest<T> {
    /// A request for the record with this id.
    pub fn new(client: &HaloClient, id: T::Id) -> Self {
        GetRequest {
            client: client.clone(),
            id,
            query: Query::default(),
            retry: None,
        }
    }

    /// Sets (replaces) a query parameter by its wire name. The typed setters
    /// generated from the spec call this; use it for a parameter the spec
    /// does not list.
    pub fn param(mut self, name: &'static str, value: impl QueryValue) -> Self {
        self.query.set(name, value);
        self
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Fetches the record.
    pub async fn send(self) -> Result<T> {
        let call = Call {
            scope: T::READ_SCOPE,
            ..Call::new(
                Method::GET,
                self.client
                    .item_endpoint(T::PATH, &self.id.to_string(), &self.query)?,
            )
        };
        let body = self.client.execute_with(&call, self.retry.as_ref()).await?;
        decode::json(&body)
    }

    /// Fetches the record, or `None` when the server says there is none (404).
    pub async fn send_opt(self) -> Result<Option<T>> {
        match self.send().await {
            Ok(record) => Ok(Some(record)),
            Err(error) if error.status() == Some(404) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// [`send_opt`](Self::send_opt) as a boxed future, for `get_opt`:
    /// proved `Send` here once rather than in every entity's handle.
    // A spec without gets leaves it unused.
    #[allow(dead_code)]
    pub(crate) fn send_opt_boxed(self) -> ResultFuture<Option<T>> {
        Box::pin(self.send_opt())
    }
}

into_future!(GetRequest => T);

/// Creates a record: `POST {path}` with a one-element array.
pub struct CreateRequest<T> {
    post: Post,
    marker: PhantomData<fn() -> T>,
}

impl<T: Resource> CreateRequest<T> {
    /// A request creating `body`. It is serialized now; a failure is
    /// reported by `send`.
    pub fn new(client: &HaloClient, body: &impl Serialize) -> Self {
        CreateRequest {
            post: Post::new(client, body),
            marker: PhantomData,
        }
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.post.retry = Some(policy);
        self
    }

    /// Creates the record and returns it as saved (with its new id).
    pub async fn send(self) -> Result<T> {
        // A replayed create could duplicate the record.
        self.post.send::<T>(false).await
    }
}

into_future!(CreateRequest => T);

/// Updates a record: `POST {path}` with a one-element array whose record
/// carries its `id`. Only the fields present in the body change.
pub struct UpdateRequest<T> {
    post: Post,
    marker: PhantomData<fn() -> T>,
}

impl<T: Resource> UpdateRequest<T> {
    /// A request saving `record`. It is serialized now; a failure, or a
    /// record without an `id` (which the server would create instead), is
    /// reported by `send`.
    pub fn new(client: &HaloClient, record: &impl Serialize) -> Self {
        let mut post = Post::new(client, record);
        post.body = post.body.and_then(|value| match value.get("id") {
            Some(id) if !id.is_null() => Ok(value),
            _ => Err(
                "an update needs the record's `id`; without it the server creates a new record"
                    .to_owned(),
            ),
        });
        UpdateRequest {
            post,
            marker: PhantomData,
        }
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.post.retry = Some(policy);
        self
    }

    /// Saves the record and returns it as saved.
    pub async fn send(self) -> Result<T> {
        // Writing the same values twice leaves the same record.
        self.post.send::<T>(true).await
    }
}

into_future!(UpdateRequest => T);

/// Deletes a record: `DELETE {path}/{id}`.
pub struct DeleteRequest<T: Resource> {
    client: HaloClient,
    id: T::Id,
    query: Query,
    retry: Option<RetryPolicy>,
}

impl<T: Resource> DeleteRequest<T> {
    /// A request deleting the record with this id.
    pub fn new(client: &HaloClient, id: T::Id) -> Self {
        DeleteRequest {
            client: client.clone(),
            id,
            query: Query::default(),
            retry: None,
        }
    }

    /// Sets (replaces) a query parameter by its wire name. The typed setters
    /// generated from the spec call this; use it for a parameter the spec
    /// does not list.
    pub fn param(mut self, name: &'static str, value: impl QueryValue) -> Self {
        self.query.set(name, value);
        self
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Deletes the record. The response body is ignored.
    pub async fn send(self) -> Result<()> {
        let call = Call {
            scope: T::EDIT_SCOPE,
            ..Call::new(
                Method::DELETE,
                self.client
                    .item_endpoint(T::PATH, &self.id.to_string(), &self.query)?,
            )
        };
        self.client
            .execute_with(&call, self.retry.as_ref())
            .await
            .map(drop)
    }
}

into_future!(DeleteRequest => ());

/// The shared wire of create and update.
#[derive(Clone)]
struct Post {
    client: HaloClient,
    /// The record as JSON, or why it could not be encoded.
    body: std::result::Result<Value, String>,
    retry: Option<RetryPolicy>,
}

impl Post {
    fn new(client: &HaloClient, body: &impl Serialize) -> Self {
        Post {
            client: client.clone(),
            body: serde_json::to_value(body).map_err(|err| err.to_string()),
            retry: None,
        }
    }

    async fn send<T: Resource>(self, idempotent: bool) -> Result<T> {
        let record = self.body.map_err(|message| Error::Encode { message })?;
        // Halo saves arrays of records; we send exactly one.
        let reply =
            post_records::<T>(&self.client, &[record], idempotent, self.retry.as_ref()).await?;
        decode::one(&reply)
    }
}

impl fmt::Debug for Post {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body is the caller's data: show only whether it encoded.
        f.debug_struct("Post")
            .field("encoded", &self.body.is_ok())
            .finish_non_exhaustive()
    }
}

// Manual impls: derives would require `T: Clone` / `T: Debug`.
impl<T: Resource> Clone for GetRequest<T> {
    fn clone(&self) -> Self {
        GetRequest {
            client: self.client.clone(),
            id: self.id.clone(),
            query: self.query.clone(),
            retry: self.retry.clone(),
        }
    }
}

impl<T: Resource> Clone for DeleteRequest<T> {
    fn clone(&self) -> Self {
        DeleteRequest {
            client: self.client.clone(),
            id: self.id.clone(),
            query: self.query.clone(),
            retry: self.retry.clone(),
        }
    }
}

impl<T> Clone for CreateRequest<T> {
    fn clone(&self) -> Self {
        CreateRequest {
            post: self.post.clone(),
            marker: PhantomData,
        }
    }
}

impl<T> Clone for UpdateRequest<T> {
    fn clone(&self) -> Self {
        UpdateRequest {
            post: self.post.clone(),
            marker: PhantomData,
        }
    }
}

impl<T: Resource> fmt::Debug for GetRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetRequest")
            .field("path", &T::PATH)
            .field("id", &self.id)
            .field("query", &self.query)
            .finish()
    }
}

impl<T: Resource> fmt::Debug for DeleteRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeleteRequest")
            .field("path", &T::PATH)
            .field("id", &self.id)
            .field("query", &self.query)
            .finish()
    }
}

impl<T: Resource> fmt::Debug for CreateRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateRequest")
            .field("path", &T::PATH)
            .field("post", &self.post)
            .finish()
    }
}

impl<T: Resource> fmt::Debug for UpdateRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateRequest")
            .field("path", &T::PATH)
            .field("post", &self.post)
            .finish()
    }
}
