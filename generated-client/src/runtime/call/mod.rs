//! Running one API call: pacing, bearer token, a single replay on 401,
//! retries by the [`RetryPolicy`](super::RetryPolicy), error mapping,
//! the body within the size limit, and tracing.
//!
//! Every request type funnels through `HaloClient::execute_with` (with its
//! own policy, or `None` for the client's), or one of its siblings for
//! answers that are more than a JSON body (`execute_response`,
//! `execute_download`), so all of this happens in one place. By layer,
//! lowest first:
//!
//! - `answer.rs`: what an API answer means: the error of a failure status,
//!   a page of markup where JSON was expected, a failed connection.
//! - `pacing.rs`: keeping to the client's pace: the client-wide pause after
//!   a 429, the limiter's slots, the limit a 429 states.
//! - `read.rs`: what an attempt does with a success answer's body: read it
//!   into memory within the size limit, or stream it to a writer.
//! - `attempt.rs`: one attempt: wait for the pace and a token, send through
//!   the transport, sort the outcome into what the loop decides about.
//! - `execute.rs`: `execute_with`, `execute_response` and
//!   `execute_download`: the tracing span, the retry loop and the 401
//!   replay.

use reqwest::header::HeaderValue;
use reqwest::Method;
use url::Url;

use crate::runtime::body::Body;

mod answer;
mod attempt;
mod execute;
mod pacing;
mod read;

pub(crate) use answer::markup_instead_of_json;

/// One fully built API request, replayable as often as needed.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// The body, already encoded with its content type.
    pub(crate) body: Option<Body>,
    /// Whether sending it twice is harmless (a create is not); the retry
    /// policy keys on this.
    pub(crate) idempotent: bool,
    /// The OAuth scope the operation needs, when known: a 403 then names
    /// it ([`Error::MissingScope`](crate::runtime::Error::MissingScope)).
    pub(crate) scope: Option<&'static str>,
    /// What the call accepts: JSON, or anything (a file).
    pub(crate) accept: Accept,
}

/// The `Accept` header of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    /// `application/json`: every record and list operation.
    Json,
    /// `*/*`: a file, whatever its type.
    Any,
}

impl Accept {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Accept::Json => "application/json",
            Accept::Any => "*/*",
        })
    }
}

impl Call {
    /// A call without a body or scope, accepting JSON, idempotent when
    /// its method is (every method but POST and PATCH).
    pub(crate) fn new(method: Method, url: Url) -> Call {
        let idempotent = method != Method::POST && method != Method::PATCH;
        Call {
            method,
            url,
            body: None,
            idempotent,
            scope: None,
            accept: Accept::Json,
        }
    }
}

/// Where a call got to, recorded on its span when it ends.
#[derive(Default)]
struct Progress {
    attempt: u32,
    status: Option<u16>,
}
