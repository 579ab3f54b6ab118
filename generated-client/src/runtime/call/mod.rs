//! Running one API call: pacing, bearer token, a single replay on 401,
//! retries by the [`RetryPolicy`](super::RetryPolicy), error mapping and
//! tracing.
//!
//! Every request type funnels through `HaloClient::execute_with` (with its
//! own policy, or `None` for the client's), so all of this happens in one
//! place. By layer, lowest first:
//!
//! - `answer.rs`: what an API answer means: the error of a failure status,
//!   a page of markup where JSON was expected.
//! - `pacing.rs`: keeping to the client's pace: the client-wide pause after
//!   a 429, the limiter's slots, the limit a 429 states.
//! - `attempt.rs`: one attempt: wait for the pace and a token, send through
//!   the transport, sort the outcome into what the loop decides about.
//! - `execute.rs`: `execute_with`: the tracing span, the retry loop and the
//!   401 replay.

use reqwest::Method;
use url::Url;

mod answer;
mod attempt;
mod execute;
mod pacing;

/// One fully built API request, replayable as often as needed.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// JSON body, already serialized.
    pub(crate) body: Option<Vec<u8>>,
    /// Whether sending it twice is harmless (a create is not); the retry
    /// policy keys on this.
    pub(crate) idempotent: bool,
}

/// Where a call got to, recorded on its span when it ends.
#[derive(Default)]
struct Progress {
    attempt: u32,
    status: Option<u16>,
}
