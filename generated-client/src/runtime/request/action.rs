//! Requests to an entity's other operations: a method and a path under the
//! collection (`Invoice/PDF/{id}`, `Tickets/processchildren`, `Agent/me`),
//! typed query parameters and body, and a decoded response.

use std::fmt;
use std::marker::PhantomData;

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::runtime::body::{Body, Multipart};
use crate::runtime::call::{Accept, Call};
use crate::runtime::file::{File, FileInfo};
use crate::runtime::query::{Query, QueryValue};
use crate::runtime::{decode, HaloClient, Page, Resource, Result, RetryPolicy};

/// One call to an operation the spec declares as an action. The generated
/// request type of each action (`InvoicePdf`, `AgentMe`, ...) wraps one.
pub struct ActionRequest<R> {
    client: HaloClient,
    method: Method,
    path: &'static str,
    /// Segments after the collection's path: the spec's literals, and ids or
    /// path parameters, each exactly one segment.
    segments: Vec<String>,
    query: Query,
    /// The body, encoded once, or why it could not be (reported by `send`).
    body: Result<Option<Body>>,
    idempotent: bool,
    scope: Option<&'static str>,
    retry: Option<RetryPolicy>,
    marker: PhantomData<fn() -> R>,
}

// The constructors are called by generated code, for the spec's actions; a
// spec without actions leaves them unused.
#[allow(dead_code)]
impl<R: ActionResponse> ActionRequest<R> {
    fn new(client: &HaloClient, method: Method, path: &'static str) -> Self {
        ActionRequest {
            client: client.clone(),
            // GET and DELETE change nothing twice; a POST may, unless the
            // spec says the action can be repeated (`retry: true`).
            idempotent: method == Method::GET || method == Method::DELETE,
            method,
            path,
            segments: Vec::new(),
            query: Query::default(),
            body: Ok(None),
            scope: None,
            retry: None,
            marker: PhantomData,
        }
    }

    /// `GET {path}/...`
    pub(crate) fn get(client: &HaloClient, path: &'static str) -> Self {
        Self::new(client, Method::GET, path)
    }

    /// `POST {path}/...`
    pub(crate) fn post(client: &HaloClient, path: &'static str) -> Self {
        Self::new(client, Method::POST, path)
    }

    /// `DELETE {path}/...`
    pub(crate) fn delete(client: &HaloClient, path: &'static str) -> Self {
        Self::new(client, Method::DELETE, path)
    }

    /// Appends a literal segment of the spec's path template.
    pub(crate) fn literal(mut self, segment: &'static str) -> Self {
        self.segments.push(segment.to_owned());
        self
    }

    /// Appends a value (an id, a path parameter) as one segment.
    pub(crate) fn value(mut self, value: impl fmt::Display) -> Self {
        self.segments.push(value.to_string());
        self
    }

    /// Sends `body` as JSON; a value that cannot be encoded is reported by `send`.
    pub(crate) fn body(mut self, body: &impl Serialize) -> Self {
        self.body = Body::json(body).map(Some);
        self
    }

    /// Sends `form` as `multipart/form-data` (the spec's `body: form`).
    pub(crate) fn multipart(mut self, form: &Multipart) -> Self {
        self.body = Body::multipart(form).map(Some);
        self
    }

    /// The API scope the action needs (the spec's `scope:`, or its entity's
    /// read or edit scope): a 403 then names it.
    pub(crate) fn scope(mut self, scope: &'static str) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Lets the runtime retry the action when the server might have acted
    /// on it: the spec's `retry: true`, for actions that are safe to repeat.
    pub(crate) fn repeatable(mut self) -> Self {
        self.idempotent = true;
        self
    }
}

impl<R: ActionResponse> ActionRequest<R> {
    /// Sets (replaces) a query parameter by its wire name: the generated
    /// methods call this; use it for a parameter the spec does not list.
    pub fn param(mut self, name: &'static str, value: impl QueryValue) -> Self {
        self.query.set(name, value);
        self
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends the request and decodes the answer.
    pub async fn send(self) -> Result<R::Output> {
        let call = self.call(R::FILE)?;
        let reply = self
            .client
            .execute_response(&call, self.retry.as_ref())
            .await?;
        R::decode(reply.body, &reply.headers)
    }

    /// The call: the collection's path, then each segment as one segment.
    fn call(&self, file: bool) -> Result<Call> {
        let body = self.body.clone()?;
        let mut url = self.client.endpoint(&[self.path], &self.query)?;
        for segment in &self.segments {
            crate::runtime::url_policy::push_segment(&mut url, segment)?;
        }
        let mut call = Call::new(self.method.clone(), url);
        call.body = body;
        call.idempotent = self.idempotent;
        call.scope = self.scope;
        if file {
            call.accept = Accept::Any;
        }
        Ok(call)
    }
}

impl ActionRequest<FileResponse> {
    /// Streams the file to `writer` as it arrives, without holding it
    /// whole; see [`RawRequest::download`](crate::runtime::RawRequest::download).
    pub async fn download<W>(self, writer: &mut W) -> Result<FileInfo>
    where
        W: tokio::io::AsyncWrite + Unpin + ?Sized,
    {
        let call = self.call(true)?;
        self.client
            .execute_download(&call, self.retry.as_ref(), writer)
            .await
    }
}

impl<R: ActionResponse + 'static> std::future::IntoFuture for ActionRequest<R> {
    type Output = Result<R::Output>;
    type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<R> Clone for ActionRequest<R> {
    fn clone(&self) -> Self {
        ActionRequest {
            client: self.client.clone(),
            method: self.method.clone(),
            path: self.path,
            segments: self.segments.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            idempotent: self.idempotent,
            scope: self.scope,
            retry: self.retry.clone(),
            marker: PhantomData,
        }
    }
}

impl<R> fmt::Debug for ActionRequest<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body is the caller's data: say whether there is one, not what.
        f.debug_struct("ActionRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("segments", &self.segments)
            .field("query", &self.query)
            .field("body", &self.body.as_ref().map(Option::is_some))
            .finish()
    }
}

/// How an action's answer is read.
pub trait ActionResponse {
    /// What `send` returns.
    type Output: Send + 'static;

    /// Whether the answer is a file (any content type) rather than JSON.
    const FILE: bool = false;

    /// Reads the body of a success.
    fn decode(body: Vec<u8>, headers: &HeaderMap) -> Result<Self::Output>;
}

/// A JSON body read as `T`: a record, a list of records, a shared type, or
/// `serde_json::Value`.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned + Send + 'static> ActionResponse for Json<T> {
    type Output = T;

    fn decode(body: Vec<u8>, _: &HeaderMap) -> Result<T> {
        decode::json(&body)
    }
}

/// A list of records in the collection's list shape (wrapped or bare).
pub struct Listed<T>(PhantomData<fn() -> T>);

impl<T: Resource> ActionResponse for Listed<T> {
    type Output = Vec<T>;

    fn decode(body: Vec<u8>, _: &HeaderMap) -> Result<Vec<T>> {
        let page: Page<T> = decode::list(&body, T::LIST, crate::API.pagination.count_field)?;
        Ok(page.items)
    }
}

/// An answer whose body does not matter.
pub struct Nothing;

impl ActionResponse for Nothing {
    type Output = ();

    fn decode(_: Vec<u8>, _: &HeaderMap) -> Result<()> {
        Ok(())
    }
}

/// A file: the bytes, with the name and content type the server gave.
pub struct FileResponse;

impl ActionResponse for FileResponse {
    type Output = File;
    const FILE: bool = true;

    fn decode(body: Vec<u8>, headers: &HeaderMap) -> Result<File> {
        Ok(File::from_parts(headers, body))
    }
}
