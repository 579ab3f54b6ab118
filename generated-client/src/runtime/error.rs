//! The crate's single error type.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to HaloPSA.
///
/// No variant ever holds the client secret or an access token, so `Debug`
/// and `Display` are safe to log. Errors are cheap to clone: a failed token
/// request is reported to every request that waited for it.
///
/// Besides matching on the variants, the helpers answer the usual
/// questions: [`status`](Self::status), [`is_retryable`](Self::is_retryable),
/// [`is_not_found`](Self::is_not_found), [`is_forbidden`](Self::is_forbidden),
/// [`required_scope`](Self::required_scope),
/// [`retry_after`](Self::retry_after), [`details`](Self::details) and
/// [`body`](Self::body).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured wrongly (bad base URL, missing
    /// credentials), or a request was refused before sending: a path that
    /// is not plainly under the API base, an empty report query.
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

    /// The API answered with a non-success status other than 401 and 429:
    /// 400 (with per-field [`details`](Self::details) when the body had
    /// any), 403, 404, 5xx and the rest. See the `is_*` helpers. The
    /// message names the first field problem, when there are any and the
    /// body's own message does not already say it.
    #[error(
        "{} API error (HTTP {status}): {message}{}",
        crate::API.name,
        FirstProblem(.message, .details)
    )]
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

    /// The API refused a call that needs an OAuth scope (HTTP 403): the
    /// application lacks the permission, or the token was not issued for
    /// it. The message names the scope and where to grant it; see
    /// [`required_scope`](Self::required_scope).
    #[error(
        "{} API error (HTTP 403 Forbidden): {message}: this needs the API scope `{scope}`; \
         grant it to the API application in Halo (Configuration > Integrations > HaloPSA API \
         > View Applications > Permissions) and request it in the token \
         (HaloClientBuilder::scope, e.g. `all`); if the application has it, the agent \
         it logs in as may lack the permission",
        crate::API.name
    )]
    MissingScope {
        /// The scope the operation needs, e.g. `read:reporting`.
        scope: &'static str,
        /// The message extracted from the body.
        message: String,
        /// The raw response body.
        body: String,
    },

    /// A report ran but did not load: the server answered with success
    /// and named the failure in the report (`report.load_error`), such as
    /// an SQL syntax error or an unknown column.
    #[error("the report did not load: {message}")]
    Report {
        /// What the server said went wrong.
        message: String,
        /// The raw response body.
        body: String,
    },

    /// Too many requests: the server answered 429, or an earlier 429 still
    /// holds this client back for longer than the retry policy waits.
    #[error(
        "{} rate limit reached ({}): {message}",
        crate::API.name,
        RetryHint(*.retry_after)
    )]
    RateLimited {
        /// How long to wait before trying again, when known (from
        /// `Retry-After`, or the pause still in force).
        retry_after: Option<Duration>,
        /// The message extracted from the body.
        message: String,
        /// The raw response body (empty if no response was involved).
        body: String,
    },

    /// No answer in time: the per-request timeout or the call's total
    /// budget ran out.
    #[error("request timed out after {elapsed:.1?}")]
    Timeout {
        /// Time spent on the call when it was abandoned.
        elapsed: Duration,
    },

    /// The request could not be sent or the response not received.
    #[error("transport error: {0}")]
    Transport(#[source] Arc<reqwest::Error>),

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

    /// A response body was larger than the client's limit
    /// ([`HaloClientBuilder::max_response_bytes`](super::HaloClientBuilder::max_response_bytes)),
    /// by its `Content-Length` or by the bytes received: reading stopped
    /// there. Not retryable: the same request would get the same answer.
    #[error(
        "the response body (HTTP {status}) is larger than the limit of {limit} bytes{}; \
         raise HaloClientBuilder::max_response_bytes if such answers are expected",
        DeclaredLength(*.content_length)
    )]
    ResponseTooLarge {
        /// HTTP status of the response.
        status: u16,
        /// The limit in force, in bytes.
        limit: u64,
        /// The `Content-Length` the server announced, when it did.
        content_length: Option<u64>,
    },

    /// A download could not be written to its destination. What was
    /// written before the failure stays there.
    #[error("could not write the download: {0}")]
    Write(#[source] Arc<std::io::Error>),

    /// A request body could not be serialized to JSON.
    #[error("could not encode request body: {message}")]
    Encode {
        /// The serializer's complaint.
        message: String,
    },

    /// Paging stopped because the server's pages made no progress: it
    /// answered the next page with the same records again (it ignores the
    /// page parameter), and going on would loop forever.
    #[error("paging stopped at page {page_no}: {message}")]
    Paging {
        /// The page that repeated its predecessor.
        page_no: u32,
        /// What happened.
        message: String,
    },

    /// A listing ended with fewer records than its first page promised: an
    /// early empty page or a short one. On a table that changes while it
    /// is listed, records deleted or moved between pages make offset pages
    /// shift, so some may have been skipped. Use
    /// [`ListRequest::consistent`](super::ListRequest::consistent) for an
    /// export, or [`ListRequest::lenient`](super::ListRequest::lenient) to
    /// accept a shorter listing and read its
    /// [`ListingSummary`](super::ListingSummary).
    #[error(
        "the listing ended after {received} of the {promised} records its first page promised: \
         records were deleted or moved while it ran, or the server dropped some \
         (use .consistent() for an export, or .lenient() to accept it)"
    )]
    Incomplete {
        /// The first page's `record_count` (for the pages from the first
        /// one asked for on).
        promised: u64,
        /// Distinct records delivered.
        received: u64,
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
            Error::MissingScope { .. } => Some(403),
            Error::Auth { status, .. } => *status,
            Error::RateLimited { .. } => Some(429),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport(err) => err.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// Whether the same request may succeed if sent again later: connect
    /// failures, timeouts, rate limits and HTTP 408, 500, 502, 503 and 504
    /// (unless the body was too large to read).
    ///
    /// The client's own retries are stricter for creates: see
    /// [`RetryPolicy`](super::RetryPolicy).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::RateLimited { .. } => true,
            Error::ResponseTooLarge { .. } => false,
            Error::Transport(err) if err.is_connect() || err.is_timeout() => true,
            _ => matches!(self.status(), Some(408 | 429 | 500 | 502 | 503 | 504)),
        }
    }

    /// An HTTP 400 from the API; see [`details`](Self::details).
    pub fn is_bad_request(&self) -> bool {
        matches!(self, Error::Api { status: 400, .. })
    }

    /// An HTTP 403 from the API: the API application lacks a permission
    /// ([`required_scope`](Self::required_scope) names it when the
    /// operation's scope is known).
    pub fn is_forbidden(&self) -> bool {
        matches!(
            self,
            Error::Api { status: 403, .. } | Error::MissingScope { .. }
        )
    }

    /// The OAuth scope a refused call needs, for an
    /// [`Error::MissingScope`]: grant it to the API application and
    /// request it in the token.
    pub fn required_scope(&self) -> Option<&'static str> {
        match self {
            Error::MissingScope { scope, .. } => Some(scope),
            _ => None,
        }
    }

    /// An HTTP 404 from the API: no such record.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api { status: 404, .. })
    }

    /// An HTTP 5xx from the API.
    pub fn is_server_error(&self) -> bool {
        matches!(
            self,
            Error::Api {
                status: 500..=599,
                ..
            }
        )
    }

    /// An [`Error::RateLimited`].
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// An [`Error::Timeout`], or a transport error that timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::Transport(err) => err.is_timeout(),
            _ => false,
        }
    }

    /// How long the server asked to wait, for rate-limit errors.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Per-field complaints of an API error (empty for other errors).
    pub fn details(&self) -> &[FieldError] {
        match self {
            Error::Api { details, .. } => details,
            _ => &[],
        }
    }

    /// The response body behind this error: the whole body for API, auth,
    /// scope, report and rate-limit errors, the leading snippet for decode
    /// errors.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. } | Error::Auth { body, .. } => Some(body),
            Error::MissingScope { body, .. } | Error::Report { body, .. } => Some(body),
            Error::RateLimited { body, .. } => Some(body),
            Error::Decode { snippet, .. } => Some(snippet),
            _ => None,
        }
    }

    /// A reqwest failure: [`Error::Timeout`] if it timed out after the
    /// connection was made, [`Error::Transport`] otherwise.
    pub(crate) fn from_transport(err: reqwest::Error, elapsed: Duration) -> Error {
        if err.is_timeout() && !err.is_connect() {
            Error::Timeout { elapsed }
        } else {
            Error::Transport(Arc::new(err))
        }
    }
}

/// Renders `retry after 3 s` for [`Error::RateLimited`].
struct RetryHint(Option<Duration>);

impl fmt::Display for RetryHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("no Retry-After given"),
            Some(wait) if wait < Duration::from_secs(1) => {
                write!(f, "retry after {} ms", wait.as_millis())
            }
            Some(wait) => {
                // Rounded up: coming back early would only draw another 429.
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                write!(f, "retry after {secs} s")
            }
        }
    }
}

/// Renders `: summary is required (and 2 more)` for [`Error::Api`]: the
/// first field problem, unless the message already carries it (a body that
/// is only a field map is summarized that way already).
struct FirstProblem<'a>(&'a str, &'a [FieldError]);

impl fmt::Display for FirstProblem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (message, details) = (self.0, self.1);
        let Some(first) = details.first() else {
            return Ok(());
        };
        if message.contains(first.message.as_str()) {
            return Ok(());
        }
        let mentions_field = first.field.is_empty()
            || first
                .message
                .to_ascii_lowercase()
                .contains(&first.field.to_ascii_lowercase());
        if mentions_field {
            write!(f, ": {}", first.message)?;
        } else {
            write!(f, ": {}: {}", first.field, first.message)?;
        }
        match details.len() - 1 {
            0 => Ok(()),
            more => write!(f, " (and {more} more)"),
        }
    }
}

/// Renders ` (Content-Length: 123)` for [`Error::ResponseTooLarge`].
struct DeclaredLength(Option<u64>);

impl fmt::Display for DeclaredLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(length) => write!(f, " (Content-Length: {length})"),
            None => Ok(()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::error_body;

    fn api_error(body: &str) -> Error {
        let parsed = error_body::parse(400, body);
        Error::Api {
            status: 400,
            message: parsed.message,
            details: parsed.details,
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_validation_error_names_its_first_field_problem() {
        let err = api_error(
            r#"{"message":"Invalid field value","details":[{"field":"summary","message":"summary is required"},{"field":"client_id","message":"must be a client"}]}"#,
        );
        assert_eq!(
            err.to_string(),
            "HaloPSA API error (HTTP 400): Invalid field value: summary is required (and 1 more)"
        );
        let err = api_error(
            r#"{"Message":"The request is invalid.","ModelState":{"client_id":["must be set"]}}"#,
        );
        assert_eq!(
            err.to_string(),
            "HaloPSA API error (HTTP 400): The request is invalid.: client_id: must be set"
        );
        // A field map is summarized by the parser already: said once.
        let err = api_error(r#"{"[0].id":"There is no record with id 999."}"#);
        assert_eq!(
            err.to_string(),
            "HaloPSA API error (HTTP 400): [0].id: There is no record with id 999."
        );
        let err = api_error(r#"{"ClassName":"X","Message":"bad thing"}"#);
        assert_eq!(err.to_string(), "HaloPSA API error (HTTP 400): bad thing");
    }
}
