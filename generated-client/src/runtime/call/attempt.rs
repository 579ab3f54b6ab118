//! One attempt at a call: wait for the client's pace and a token, send
//! through the transport, read a success answer's body, and sort the
//! outcome into what the retry loop decides about.

use std::future::Future;
use std::time::{Duration, SystemTime};

use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use tokio::time::Instant;

use super::answer::{api_error, transport_failure};
use super::read::{ReadBody, Unread};
use super::{pacing, Call, Progress};
use crate::runtime::auth::IssuedToken;
use crate::runtime::error_body::redact;
use crate::runtime::retry::{self, Failure};
use crate::runtime::transport::SendError;
use crate::runtime::{Error, HaloClient, RetryPolicy};

/// Why one attempt did not produce a body.
pub(super) enum Attempt {
    /// The API refused the token: renew it and replay once. `body` is the
    /// response's, with the token redacted.
    Unauthorized { token: IssuedToken, body: String },
    /// A failure the retry policy decides about.
    Failed {
        error: Error,
        failure: Failure,
        retry_after: Option<Duration>,
    },
    /// A failure no retry can fix.
    Fatal(Error),
}

/// One attempt: wait for the pause and the limiter, get a token, send, and
/// hand a success answer to `reader`.
pub(super) async fn once<R: ReadBody>(
    client: &HaloClient,
    call: &Call,
    policy: &RetryPolicy,
    deadline: Option<Instant>,
    started: Instant,
    progress: &mut Progress,
    reader: &mut R,
) -> Result<R::Output, Attempt> {
    let timed_out = || {
        Attempt::Fatal(Error::Timeout {
            elapsed: started.elapsed(),
        })
    };
    // Waiting for a slot or a token takes time, and a 429 answered to
    // another request meanwhile pauses this one too: the pause is checked
    // again last, and a request that finds one waits it out and queues
    // for a fresh slot, so that no request leaves during a pause, and
    // those released together at its end are paced again.
    let token = loop {
        pacing::wait_out_pause(client.limiter(), client.observers(), policy, deadline)
            .await
            .map_err(Attempt::Fatal)?;
        pacing::acquire_slot(client.limiter(), client.observers(), deadline)
            .await
            .map_err(Attempt::Fatal)?;
        let token = match within(deadline, client.token()).await {
            None => return Err(timed_out()),
            Some(Ok(token)) => token,
            // The API call was not sent, so retrying is safe for any call.
            Some(Err(error)) if error.is_retryable() => {
                return Err(Attempt::Failed {
                    error,
                    failure: Failure::NotSent,
                    retry_after: None,
                })
            }
            Some(Err(error)) => return Err(Attempt::Fatal(error)),
        };
        if client.limiter().paused_for().is_none() {
            break token;
        }
    };
    let transport = client.transport();
    let timeout = match deadline {
        Some(deadline) => deadline
            .saturating_duration_since(Instant::now())
            .min(transport.timeout()),
        None => transport.timeout(),
    };
    if timeout.is_zero() {
        return Err(timed_out());
    }
    let mut request = transport
        .request_accepting(call.method.clone(), call.url.clone(), call.accept.header())
        .bearer_auth(token.secret.expose_secret())
        .timeout(timeout);
    if let Some(body) = &call.body {
        request = request
            .header(CONTENT_TYPE, body.content_type.clone())
            .body(body.bytes.clone());
    }
    client.limiter().sent();
    let pending = match transport.start(request).await {
        Ok(pending) => pending,
        Err(SendError::TooLarge(error)) => {
            progress.status = error.status();
            // The same request would get the same body again.
            return Err(Attempt::Fatal(error));
        }
        Err(SendError::Transport(err)) => {
            let (error, failure) = transport_failure(err, started.elapsed());
            return Err(Attempt::Failed {
                error,
                failure,
                retry_after: None,
            });
        }
    };
    let status = pending.status;
    progress.status = Some(status.as_u16());
    if status.is_success() {
        return reader
            .read(pending, started.elapsed())
            .await
            .map_err(|unread| match unread {
                Unread::Failed { error, failure } => Attempt::Failed {
                    error,
                    failure,
                    retry_after: None,
                },
                Unread::Fatal(error) => Attempt::Fatal(error),
            });
    }
    let response = match pending.read_all().await {
        Ok(response) => response,
        Err(SendError::TooLarge(error)) => return Err(Attempt::Fatal(error)),
        Err(SendError::Transport(err)) => {
            let (error, failure) = transport_failure(err, started.elapsed());
            return Err(Attempt::Failed {
                error,
                failure,
                retry_after: None,
            });
        }
    };
    // Error pages sometimes echo the request, Authorization included.
    let text = redact(
        String::from_utf8_lossy(&response.body).into_owned(),
        token.secret.expose_secret(),
    );
    if status == StatusCode::UNAUTHORIZED {
        return Err(Attempt::Unauthorized { token, body: text });
    }
    let mut retry_after = response
        .header(RETRY_AFTER)
        .and_then(|value| retry::parse_retry_after(value, SystemTime::now()))
        .or_else(|| {
            (status == StatusCode::TOO_MANY_REQUESTS)
                .then(|| retry::retry_after_in_body(&response.body))
                .flatten()
        });
    if status == StatusCode::TOO_MANY_REQUESTS {
        retry_after = pacing::learn_from_429(client.limiter(), &response, &text, retry_after);
    }
    Err(Attempt::Failed {
        error: api_error(
            status,
            text,
            retry_after,
            response.header(LOCATION),
            call.scope,
        ),
        failure: Failure::Status(status.as_u16()),
        retry_after,
    })
}

/// Runs `future`, giving up at `deadline`.
async fn within<F: Future>(deadline: Option<Instant>, future: F) -> Option<F::Output> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, future).await.ok(),
        None => Some(future.await),
    }
}
