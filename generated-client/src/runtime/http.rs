//! Sending one API call: pacing, bearer token, a single replay on 401,
//! retries by the [`RetryPolicy`], error mapping and tracing.
//!
//! Every request type funnels through [`HaloClient::execute_with`] (with its
//! own policy, or `None` for the client's), so all of this happens in one
//! place.

use std::time::{Duration, SystemTime};

use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde::de::IgnoredAny;
use tokio::time::Instant;
use tracing::field::Empty;
use tracing::Instrument;
use url::Url;

use super::auth::IssuedToken;
use super::error_body::{self, redact};
use super::rate_limit::{self, millis};
use super::retry::{self, Decision, Failure};
use super::transport::{Response, SendError};
use super::url_policy::redirect_not_followed;
use super::{decode, Error, HaloClient, Result, RetryPolicy};

/// The header of the IETF rate-limit proposal that states a limit:
/// `RateLimit-Policy: 300;w=300`.
const RATE_LIMIT_POLICY: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("ratelimit-policy");

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

/// Why one attempt did not produce a body.
enum Attempt {
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

/// Where a call got to, recorded on its span when it ends.
#[derive(Default)]
struct Progress {
    attempt: u32,
    status: Option<u16>,
}

impl HaloClient {
    /// Sends `call` under `policy` (the client's when `None`) and returns
    /// the body of its success response.
    ///
    /// Runs inside a `halopsa_request` span recording the method, the path
    /// (never the query, which may hold search terms) and, when the call
    /// ends, the last status, the number of attempts and the elapsed time.
    /// Headers are never recorded.
    pub(crate) async fn execute_with(
        &self,
        call: &Call,
        policy: Option<&RetryPolicy>,
    ) -> Result<Vec<u8>> {
        let policy = policy.unwrap_or_else(|| self.retry_policy());
        let span = tracing::info_span!(
            "halopsa_request",
            method = %call.method,
            path = %call.url.path(),
            status = Empty,
            attempt = Empty,
            elapsed_ms = Empty,
        );
        let started = Instant::now();
        let mut progress = Progress::default();
        let result = self
            .run(call, policy, started, &mut progress)
            .instrument(span.clone())
            .await;
        if let Some(status) = progress.status {
            span.record("status", status);
        }
        span.record("attempt", progress.attempt);
        span.record("elapsed_ms", millis(started.elapsed()));
        if let Err(err) = &result {
            span.in_scope(|| tracing::debug!(error = %err, "request failed"));
        }
        result
    }

    /// The retry loop. A 401 replay does not count as an attempt: the
    /// request was refused unprocessed, so replaying is safe even for a
    /// create.
    async fn run(
        &self,
        call: &Call,
        policy: &RetryPolicy,
        started: Instant,
        progress: &mut Progress,
    ) -> Result<Vec<u8>> {
        let deadline = policy.budget().map(|budget| started + budget);
        let mut attempt: u32 = 1;
        let mut replayed = false;
        loop {
            progress.attempt = attempt;
            let (error, failure, retry_after) = match self
                .attempt(call, policy, deadline, started, progress)
                .await
            {
                Ok(body) => return Ok(body),
                Err(Attempt::Unauthorized { token, .. }) if !replayed => {
                    tracing::debug!("401 from the API: renewing the token and replaying once");
                    self.invalidate(&token);
                    replayed = true;
                    continue;
                }
                Err(Attempt::Unauthorized { body, .. }) => return Err(rejected_token(body)),
                Err(Attempt::Fatal(error)) => return Err(error),
                Err(Attempt::Failed {
                    error,
                    failure,
                    retry_after,
                }) => (error, failure, retry_after),
            };
            let decision = policy.decide(
                failure,
                call.idempotent,
                attempt,
                retry_after,
                fastrand::f64(),
            );
            if failure == Failure::Status(429) {
                // The window is the tenant's: hold back every request of
                // this client, not only this one.
                let pause = match decision {
                    Decision::Retry(wait) | Decision::TooLong(wait) => Some(wait),
                    Decision::GiveUp => retry_after,
                };
                if let Some(pause) = pause {
                    tracing::info!(
                        wait_ms = millis(pause),
                        "HTTP 429: pausing every request of this client"
                    );
                    self.limiter().pause_for(pause);
                }
            }
            let wait = match decision {
                Decision::Retry(wait) => wait,
                Decision::GiveUp => return Err(error),
                Decision::TooLong(wait) => {
                    tracing::info!(
                        wait_ms = millis(wait),
                        reason = %failure,
                        "the server asks for a longer wait than the retry policy allows: giving up"
                    );
                    return Err(error);
                }
            };
            if deadline.is_some_and(|deadline| Instant::now() + wait > deadline) {
                tracing::info!(
                    attempt,
                    wait_ms = millis(wait),
                    reason = %failure,
                    "the call's time budget does not allow another retry: giving up"
                );
                return Err(error);
            }
            tracing::info!(
                attempt,
                reason = %failure,
                wait_ms = millis(wait),
                error = %error,
                "retrying"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Waits until no client-wide pause is in force, or fails at once when
    /// the pause outlasts what the policy or the call's budget allows.
    async fn wait_out_pause(
        &self,
        policy: &RetryPolicy,
        deadline: Option<Instant>,
    ) -> std::result::Result<(), Attempt> {
        // A loop, since the pause may grow while this request sleeps.
        while let Some(pause) = self.limiter().paused_for() {
            let past_deadline = deadline.is_some_and(|deadline| Instant::now() + pause > deadline);
            if pause > policy.longest_wait() || past_deadline {
                return Err(Attempt::Fatal(Error::RateLimited {
                    retry_after: Some(pause),
                    message: "the client is holding back after an HTTP 429".to_owned(),
                    body: String::new(),
                }));
            }
            tracing::info!(
                wait_ms = millis(pause),
                "rate limited: waiting for the client-wide pause to end"
            );
            tokio::time::sleep(pause).await;
        }
        Ok(())
    }

    /// One attempt: wait for the pause and the limiter, get a token, send.
    async fn attempt(
        &self,
        call: &Call,
        policy: &RetryPolicy,
        deadline: Option<Instant>,
        started: Instant,
        progress: &mut Progress,
    ) -> std::result::Result<Vec<u8>, Attempt> {
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
            self.wait_out_pause(policy, deadline).await?;
            if let Err(wait) = self.limiter().acquire(deadline).await {
                return Err(Attempt::Fatal(Error::RateLimited {
                    retry_after: Some(wait),
                    message: "the client-side rate limit has no slot within the call's time budget"
                        .to_owned(),
                    body: String::new(),
                }));
            }
            let token = match within(deadline, self.token()).await {
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
            if self.limiter().paused_for().is_none() {
                break token;
            }
        };
        let timeout = match deadline {
            Some(deadline) => deadline
                .saturating_duration_since(Instant::now())
                .min(self.transport().timeout()),
            None => self.transport().timeout(),
        };
        if timeout.is_zero() {
            return Err(timed_out());
        }
        let mut request = self
            .transport()
            .request(call.method.clone(), call.url.clone())
            .bearer_auth(token.secret.expose_secret())
            .timeout(timeout);
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        self.limiter().sent();
        let response = match self.transport().send(request).await {
            Ok(response) => response,
            Err(SendError::TooLarge(error)) => {
                progress.status = error.status();
                // The same request would get the same body again.
                return Err(Attempt::Fatal(error));
            }
            Err(SendError::Transport(err)) => {
                let failure = if err.is_connect() {
                    Failure::NotSent
                } else if err.is_timeout() {
                    Failure::Timeout
                } else {
                    Failure::Transport
                };
                return Err(Attempt::Failed {
                    error: Error::from_transport(err, started.elapsed()),
                    failure,
                    retry_after: None,
                });
            }
        };
        let status = response.status;
        progress.status = Some(status.as_u16());
        if status.is_success() {
            if let Some(error) = markup_instead_of_json(&response) {
                return Err(Attempt::Fatal(error));
            }
            return Ok(response.body);
        }
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
            let stated = rate_limit::stated_limit(response.header(RATE_LIMIT_POLICY), &text);
            if let Some(stated) = stated {
                self.learn_limit(stated);
                // A limit but no time to come back: when this client's own
                // requests leave the window, if they alone filled it.
                // At least a second, so that a guess that is off never hammers.
                retry_after = retry_after.or_else(|| {
                    let frees_in = self.limiter().window_frees_in(stated)?;
                    Some(frees_in.max(Duration::from_secs(1)))
                });
            }
        }
        Err(Attempt::Failed {
            error: api_error(status, text, retry_after, response.header(LOCATION)),
            failure: Failure::Status(status.as_u16()),
            retry_after,
        })
    }

    /// Adopts the limit a 429 states, when it is stricter than the one in
    /// force; says so once at `info`.
    fn learn_limit(&self, stated: rate_limit::Stated) {
        if let Some(limit) = self.limiter().learn(stated) {
            tracing::info!(
                requests = stated.requests,
                window_s = stated.window.as_secs(),
                "the server states a rate limit of {} requests per {} s: pacing by it \
                 from now on ({limit:?})",
                stated.requests,
                stated.window.as_secs()
            );
        }
    }
}

/// Runs `future`, giving up at `deadline`.
async fn within<F: std::future::Future>(deadline: Option<Instant>, future: F) -> Option<F::Output> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

/// The error for a non-success status other than 401; `text` is the body.
fn api_error(
    status: StatusCode,
    text: String,
    retry_after: Option<Duration>,
    location: Option<&str>,
) -> Error {
    let parsed = error_body::parse(status.as_u16(), &text);
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Error::RateLimited {
            retry_after,
            message: parsed.message,
            body: text,
        };
    }
    Error::Api {
        status: status.as_u16(),
        message: redirect_not_followed(status.as_u16(), location).unwrap_or(parsed.message),
        details: parsed.details,
        body: text,
    }
}

/// The error for a 401 that a fresh token did not cure; `text` is the body.
fn rejected_token(text: String) -> Error {
    let parsed = error_body::parse(StatusCode::UNAUTHORIZED.as_u16(), &text);
    Error::Auth {
        status: Some(StatusCode::UNAUTHORIZED.as_u16()),
        code: parsed.code,
        message: format!("the API rejected a fresh token: {}", parsed.message),
        body: text,
    }
}

/// A success answer that is an HTML or XML page instead of JSON: a proxy,
/// a captive portal or a login page answered in the API's place. Reported
/// here, naming the content type, rather than as a JSON syntax error at
/// line 1. JSON under a wrong content type still decodes, and an empty
/// body (a delete's) is left alone.
fn markup_instead_of_json(response: &Response) -> Option<Error> {
    let content_type = response.header(CONTENT_TYPE)?;
    let mime = content_type.split(';').next()?.trim().to_ascii_lowercase();
    let markup = matches!(mime.as_str(), "text/html" | "text/xml" | "application/xml")
        || mime.ends_with("+xml");
    let body = &response.body;
    if !markup
        || body.iter().all(u8::is_ascii_whitespace)
        || serde_json::from_slice::<IgnoredAny>(body).is_ok()
    {
        return None;
    }
    let page = error_body::parse(response.status.as_u16(), &String::from_utf8_lossy(body));
    Some(Error::Decode {
        path: ".".into(),
        message: format!(
            "expected JSON, got a `{}` page ({}): something other than the API answered, \
             such as a proxy or a login page",
            error_body::bounded(&mime),
            page.message
        ),
        snippet: decode::snippet(body),
    })
}
