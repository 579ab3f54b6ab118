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
        let mut request = self
            .http
            .request(method, url)
            .header(ACCEPT, "application/json")
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
        let mut response = request.send().await.map_err(SendError::Transport)?;
        let status = response.status();
        let limit = self.max_response_bytes;
        let declared = response.content_length();
        let too_large = || {
            SendError::TooLarge(Error::ResponseTooLarge {
                status: status.as_u16(),
                limit,
                content_length: declared,
            })
        };
        if declared.is_some_and(|length| length > limit) {
            return Err(too_large());
        }
        let headers = std::mem::take(response.headers_mut());
        let capacity = declared.unwrap_or(0).min(limit).min(PREALLOCATE_LIMIT);
        let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(SendError::Transport)? {
            let total = body.len().saturating_add(chunk.len());
            if u64::try_from(total).map_or(true, |total| total > limit) {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

impl Response {
    /// A header's value as text, if it is present and visible ASCII.
    pub(crate) fn header(&self, name: impl AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}
