//! Sending one HTTP request and reading its answer in full, up to a size
//! limit: the one place the client touches the network.
//!
//! API calls, token requests and auth discovery all send through
//! [`Transport::send`], so every response body is bounded the same way and
//! every request carries the same headers. What an answer means (retry,
//! error, token) is for the caller to decide.

use std::time::Duration;

use reqwest::header::{AsHeaderName, HeaderMap, HeaderValue, ACCEPT, USER_AGENT};
use reqwest::{Method, StatusCode};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use url::Url;

use super::Error;

/// The most a declared `Content-Length` makes the client allocate up front;
/// a larger body grows the buffer as its bytes actually arrive.
const PREALLOCATE_LIMIT: u64 = 1024 * 1024;

/// The HTTP client and what every request it sends carries.
#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    /// Sent on each request; `None` when the HTTP client already sets it.
    user_agent: Option<HeaderValue>,
    /// Per-request timeout, unless a request sets a shorter one.
    timeout: Duration,
    /// The largest response body read, in bytes.
    max_response_bytes: u64,
}

/// A response, read in full.
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// Why no response came back in full.
pub(crate) enum SendError {
    /// The connection failed or timed out.
    Transport(reqwest::Error),
    /// The body is larger than the client's limit: an
    /// [`Error::ResponseTooLarge`].
    TooLarge(Error),
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        user_agent: Option<HeaderValue>,
        timeout: Duration,
        max_response_bytes: u64,
    ) -> Self {
        Transport {
            http,
            user_agent,
            timeout,
            max_response_bytes,
        }
    }

    /// The per-request timeout.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest response body read, in bytes.
    pub(crate) fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    /// A request for JSON, with the client's user agent and timeout; the
    /// caller adds credentials and a body, then hands it to [`send`](Self::send).
    pub(crate) fn request(&self, method: Method, url: Url) -> reqwest::RequestBuilder {
        self.request_accepting(method, url, HeaderValue::from_static("application/json"))
    }

    /// [`request`](Self::request) accepting `accept` instead of JSON (a file
    /// download accepts anything).
    pub(crate) fn request_accepting(
        &self,
        method: Method,
        url: Url,
        accept: HeaderValue,
    ) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .request(method, url)
            .header(ACCEPT, accept)
            .timeout(self.timeout);
        if let Some(agent) = &self.user_agent {
            request = request.header(USER_AGENT, agent.clone());
        }
        request
    }

    /// Sends `request` and reads its body of at most `max_response_bytes`.
    /// A body whose `Content-Length` is larger is refused before any of it
    /// is read; any other stops being read as soon as the bytes received
    /// pass the limit, so a huge or endless body never fills memory.
    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<Response, SendError> {
        self.start(request).await?.read_all().await
    }

    /// Sends `request` and returns the answer's status and headers with
    /// its body still unread, or refuses a body whose `Content-Length` is
    /// larger than the limit before any of it is read.
    pub(crate) async fn start(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<Pending, SendError> {
        let mut response = request.send().await.map_err(SendError::Transport)?;
        let pending = Pending {
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
            limit: self.max_response_bytes,
            declared: response.content_length(),
            response,
        };
        if pending
            .declared
            .is_some_and(|length| length > pending.limit)
        {
            return Err(SendError::TooLarge(pending.too_large()));
        }
        Ok(pending)
    }
}

/// An answer whose body is yet to be read, within the client's limit:
/// into memory ([`read_all`](Self::read_all)) or chunk by chunk into a
/// writer ([`write_to`](Self::write_to)).
pub(crate) struct Pending {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    limit: u64,
    declared: Option<u64>,
    response: reqwest::Response,
}

/// Why a body did not reach its writer in full.
pub(crate) enum StreamError {
    /// The connection failed or timed out after `written` bytes.
    Transport { error: reqwest::Error, written: u64 },
    /// The body passed the client's limit: an [`Error::ResponseTooLarge`].
    TooLarge(Error),
    /// The writer refused the bytes.
    Write(std::io::Error),
}

impl Pending {
    /// Reads the whole body, stopping as soon as it passes the limit.
    pub(crate) async fn read_all(mut self) -> Result<Response, SendError> {
        let capacity = self
            .declared
            .unwrap_or(0)
            .min(self.limit)
            .min(PREALLOCATE_LIMIT);
        let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = self.response.chunk().await.map_err(SendError::Transport)? {
            let total = body.len().saturating_add(chunk.len());
            if u64::try_from(total).map_or(true, |total| total > self.limit) {
                return Err(SendError::TooLarge(self.too_large()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body,
        })
    }

    /// Writes the body to `writer` chunk by chunk as it arrives, never
    /// holding more than one chunk, and returns the bytes written. The limit
    /// applies as for [`read_all`](Self::read_all): a chunk that would pass
    /// it is not written.
    pub(crate) async fn write_to<W>(&mut self, writer: &mut W) -> Result<u64, StreamError>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut written: u64 = 0;
        loop {
            let chunk = match self.response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) => return Err(StreamError::Transport { error, written }),
            };
            let total = u64::try_from(chunk.len())
                .ok()
                .and_then(|len| written.checked_add(len));
            if total.is_none_or(|total| total > self.limit) {
                return Err(StreamError::TooLarge(self.too_large()));
            }
            writer.write_all(&chunk).await.map_err(StreamError::Write)?;
            written = total.unwrap_or(written);
        }
        writer.flush().await.map_err(StreamError::Write)?;
        Ok(written)
    }

    fn too_large(&self) -> Error {
        Error::ResponseTooLarge {
            status: self.status.as_u16(),
            limit: self.limit,
            content_length: self.declared,
        }
    }
}

impl Response {
    /// A header's value as text, if it is present and visible ASCII.
    pub(crate) fn header(&self, name: impl AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}
