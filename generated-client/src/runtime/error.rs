//! The crate's single error type.

use std::fmt;

/// A shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to HaloPSA.
///
/// No variant ever holds the client secret or an access token, so `Debug`
/// and `Display` are safe to log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured wrongly (bad base URL, missing credentials).
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// No usable access token: the token endpoint refused the credentials,
    /// or the API rejected a freshly issued token.
    #[error("authentication failed{}: {message}", AuthContext(*.status, .code.as_deref()))]
    Auth {
        /// HTTP status of the refusing response, if there was one.
        status: Option<u16>,
        /// The OAuth `error` code, e.g. `invalid_client`.
        code: Option<String>,
        /// A human-readable explanation.
        message: String,
        /// The raw response body.
        body: String,
    },

    /// The API answered with a non-success status.
    #[error("{} API error (HTTP {status}): {message}", crate::API.name)]
    Api {
        /// HTTP status code.
        status: u16,
        /// The message extracted from the body, or a trimmed prefix of it.
        message: String,
        /// Per-field complaints, when the body had any.
        details: Vec<FieldError>,
        /// The raw response body.
        body: String,
    },

    /// The request could not be sent or the response not received.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),

    /// A success response did not have the expected shape.
    #[error("could not decode response at `{path}`: {message}")]
    Decode {
        /// JSON path of the failing value, e.g. `tickets[3].datecreated`.
        path: String,
        /// What the decoder expected.
        message: String,
        /// The first ~200 characters of the body.
        snippet: String,
    },

    /// A request body could not be serialized to JSON.
    #[error("could not encode request body: {message}")]
    Encode {
        /// The serializer's complaint.
        message: String,
    },
}

/// One field-level complaint in an API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field as the server names it, e.g. `[0].id` or `summary`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl Error {
    /// The HTTP status of the response behind this error, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Auth { status, .. } => *status,
            Error::Transport(err) => err.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again later: connect
    /// failures, timeouts and HTTP 408, 429, 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        if let Error::Transport(err) = self {
            if err.is_connect() || err.is_timeout() {
                return true;
            }
        }
        matches!(self.status(), Some(408 | 429 | 500 | 502 | 503 | 504))
    }

    /// The response body behind this error: the whole body for API and auth
    /// errors, the leading snippet for decode errors.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. } | Error::Auth { body, .. } => Some(body),
            Error::Decode { snippet, .. } => Some(snippet),
            _ => None,
        }
    }
}

/// Renders ` (HTTP 401, invalid_client)` for [`Error::Auth`].
struct AuthContext<'a>(Option<u16>, Option<&'a str>);

impl fmt::Display for AuthContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0, self.1) {
            (Some(status), Some(code)) => write!(f, " (HTTP {status}, {code})"),
            (Some(status), None) => write!(f, " (HTTP {status})"),
            (None, Some(code)) => write!(f, " ({code})"),
            (None, None) => Ok(()),
        }
    }
}
