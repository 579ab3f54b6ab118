//! Raw requests: any method and path under the API base, for what the spec
//! does not cover, through the same token, pacing, retries, error decoding,
//! size limit and tracing as every generated call.

use std::fmt;
use std::future::IntoFuture;

use futures::future::BoxFuture;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::io::AsyncWrite;
use url::Url;

use crate::runtime::body::{Body, Multipart};
use crate::runtime::call::{markup_instead_of_json, Accept, Call};
use crate::runtime::query::{Query, QueryValue};
use crate::runtime::transport::Response;
use crate::runtime::url_policy::{check_relative, push_segment};
use crate::runtime::{decode, Error, File, FileInfo, HaloClient, Result, RetryPolicy};

impl HaloClient {
    /// A request to any path under the API base, for operations the typed
    /// API does not cover: `path` is relative to [`api_base`](Self::api_base)
    /// (`"Tickets/processchildren"` for `{api_base}/Tickets/processchildren`).
    ///
    /// It goes through everything a generated call does: the token (and a
    /// single replay after a 401), the rate limiter and the pause after a
    /// 429, retries by the [`RetryPolicy`], error decoding into [`Error`],
    /// the size limit and the `halopsa_request` tracing span. GET, PUT,
    /// DELETE, HEAD and OPTIONS are retried like reads; POST and PATCH like
    /// creates, only when the server cannot have acted, unless
    /// [`idempotent`](RawRequest::idempotent) says otherwise.
    ///
    /// A path that is not plainly under the API base (an absolute URL, a
    /// leading `/`, a `.` or `..` segment, a `?` or `#`) is refused with
    /// [`Error::Config`] before anything is sent.
    ///
    /// ```no_run
    /// use halopsa::HaloClient;
    /// use reqwest::Method;
    /// use serde_json::{json, Value};
    ///
    /// # async fn demo(halo: HaloClient) -> halopsa::Result<()> {
    /// let me: Value = halo.request(Method::GET, "Agent/me").await?.json()?;
    /// halo.request(Method::POST, "Tickets/processchildren")
    ///     .json(&json!([{ "id": 42 }]))
    ///     .send()
    ///     .await?;
    /// let pdf = halo.request(Method::POST, "Invoice/PDF/12").file().await?;
    /// # let _ = (me, pdf);
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> RawRequest {
        RawRequest {
            client: self.clone(),
            method,
            path: path.to_owned(),
            segments: Vec::new(),
            query: Query::default(),
            body: Ok(None),
            scope: None,
            idempotent: None,
            retry: None,
        }
    }
}

/// A request to any path under the API base; see [`HaloClient::request`].
///
/// Finish it with [`send`](Self::send) (or `.await`) for the answer's
/// status, headers and body, [`decode`](Self::decode) for its JSON as a
/// `T`, [`bytes`](Self::bytes) or [`file`](Self::file) for a file in
/// memory, or [`download`](Self::download) to stream a file to a writer.
#[derive(Clone)]
pub struct RawRequest {
    client: HaloClient,
    method: Method,
    path: String,
    /// Values appended to the path, each as one segment.
    segments: Vec<String>,
    query: Query,
    /// The body, or why it could not be encoded (reported when sent).
    body: Result<Option<Body>>,
    scope: Option<&'static str>,
    idempotent: Option<bool>,
    retry: Option<RetryPolicy>,
}

impl RawRequest {
    /// Appends `value` (an id, a key) to the path as exactly one segment,
    /// whatever it holds: a `/`, `?` or `#` in it is percent-encoded, never
    /// read as a separator, and `.` or `..` is refused with
    /// [`Error::Config`] when the request is sent.
    ///
    /// ```no_run
    /// # async fn demo(halo: halopsa::HaloClient) -> halopsa::Result<()> {
    /// let role_name = "Help desk / L1";
    /// let role = halo.request(reqwest::Method::GET, "Roles").segment(role_name).await?;
    /// # let _ = role;
    /// # Ok(())
    /// # }
    /// ```
    pub fn segment(mut self, value: impl fmt::Display) -> Self {
        self.segments.push(value.to_string());
        self
    }

    /// Sets (replaces) a query parameter; values are percent-encoded.
    pub fn query(mut self, name: impl Into<String>, value: impl QueryValue) -> Self {
        self.query.set(name.into(), value);
        self
    }

    /// Sends `body` as JSON. It is serialized now; a failure is reported
    /// when the request is sent.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.body = Body::json(body).map(Some);
        self
    }

    /// Sends `body` (a struct, a map or a list of pairs) as a URL-encoded
    /// form (`application/x-www-form-urlencoded`).
    pub fn form(mut self, body: &impl Serialize) -> Self {
        self.body = Body::form(body).map(Some);
        self
    }

    /// Sends `form` as `multipart/form-data`.
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = Body::multipart(&form).map(Some);
        self
    }

    /// The OAuth scope the operation needs (e.g. `read:reporting`): a 403
    /// answer then becomes an [`Error::MissingScope`] naming it.
    pub fn scope(mut self, scope: &'static str) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Whether sending the request twice is harmless. By default GET, PUT,
    /// DELETE, HEAD and OPTIONS are, POST and PATCH are not: those are
    /// retried only on answers that prove the server did not act (429,
    /// 503, a connection never made). Halo saves records with POST, so an
    /// update by POST may be marked idempotent; a create must not be.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends the request and returns the success answer: status, headers
    /// and body. Any other status is an [`Error`].
    pub async fn send(self) -> Result<RawResponse> {
        let call = self.call(Accept::Json)?;
        let response = self
            .client
            .execute_response(&call, self.retry.as_ref())
            .await?;
        Ok(RawResponse { response })
    }

    /// Sends the request and decodes its JSON answer as `T` (e.g.
    /// `serde_json::Value`, or your own struct).
    pub async fn decode<T: DeserializeOwned>(self) -> Result<T> {
        self.send().await?.json()
    }

    /// Sends the request and returns the answer's body, whatever it is.
    pub async fn bytes(self) -> Result<Vec<u8>> {
        Ok(self.file().await?.bytes)
    }

    /// Sends the request and returns the answer as a [`File`]: its bytes,
    /// content type and (from `Content-Disposition`) name. The whole file
    /// is held in memory; see [`download`](Self::download) for large ones.
    pub async fn file(self) -> Result<File> {
        let call = self.call(Accept::Any)?;
        let response = self
            .client
            .execute_response(&call, self.retry.as_ref())
            .await?;
        Ok(File::from_parts(&response.headers, response.body))
    }

    /// Sends the request and writes the answer's body to `writer` chunk by
    /// chunk as it arrives, never holding the whole file; returns its name,
    /// content type and size.
    ///
    /// Retried like any call until the first byte is written, never after.
    /// The client's size limit
    /// ([`max_response_bytes`](crate::HaloClientBuilder::max_response_bytes))
    /// bounds a download too: a larger `Content-Length` is refused before
    /// anything is written, and a body that passes the limit stops there
    /// with [`Error::ResponseTooLarge`]. On an error the writer may hold
    /// part of the file: discard it. The per-request timeout covers the
    /// whole download.
    pub async fn download<W>(self, writer: &mut W) -> Result<FileInfo>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let call = self.call(Accept::Any)?;
        self.client
            .execute_download(&call, self.retry.as_ref(), writer)
            .await
    }

    /// The URL the request goes to, query included, checked as sending
    /// checks it; nothing is sent. (The command-line client's `--dry-run`
    /// shows it.)
    pub fn url(&self) -> Result<Url> {
        check_relative(&self.path)?;
        let mut url = self.client.endpoint(&[&self.path], &self.query)?;
        for segment in &self.segments {
            push_segment(&mut url, segment)?;
        }
        Ok(url)
    }

    fn call(&self, accept: Accept) -> Result<Call> {
        let mut call = Call::new(self.method.clone(), self.url()?);
        call.body = self.body.clone()?;
        call.scope = self.scope;
        call.accept = accept;
        if let Some(idempotent) = self.idempotent {
            call.idempotent = idempotent;
        }
        Ok(call)
    }
}

impl IntoFuture for RawRequest {
    type Output = Result<RawResponse>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("segments", &self.segments)
            .field("query", &self.query)
            .field("body", &self.body)
            .field("scope", &self.scope)
            .field("idempotent", &self.idempotent)
            .finish_non_exhaustive()
    }
}

/// The success answer to a [`RawRequest`]: status, headers and body (read
/// within the client's size limit).
pub struct RawResponse {
    response: Response,
}

impl RawResponse {
    /// The status: always a success (2xx).
    pub fn status(&self) -> StatusCode {
        self.response.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.response.headers
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.response.body
    }

    /// The body, owned.
    pub fn into_body(self) -> Vec<u8> {
        self.response.body
    }

    /// The body decoded as JSON into `T`. A failure names the JSON path of
    /// the value that did not fit; a page of markup where JSON was
    /// expected (a proxy's, a login page) is reported as such.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        if let Some(error) = markup_instead_of_json(&self.response) {
            return Err(error);
        }
        decode::json(&self.response.body)
    }

    /// The body as text; an [`Error::Decode`] if it is not UTF-8.
    pub fn text(&self) -> Result<String> {
        String::from_utf8(self.response.body.clone()).map_err(|err| Error::Decode {
            path: ".".into(),
            message: format!("the body is not UTF-8 text: {err}"),
            snippet: decode::snippet(&self.response.body),
        })
    }

    /// The body as a [`File`], named by `Content-Disposition`.
    pub fn into_file(self) -> File {
        File::from_parts(&self.response.headers, self.response.body)
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.response.status)
            .field("len", &self.response.body.len())
            .finish_non_exhaustive()
    }
}
