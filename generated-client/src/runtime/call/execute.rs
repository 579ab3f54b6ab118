//! `execute_with` and its siblings: a call from start to end, inside its
//! tracing span: the retry loop, the single replay after a 401, and the
//! time budget.

use tokio::io::AsyncWrite;
use tokio::time::Instant;
use tracing::field::Empty;
use tracing::Instrument;

use super::answer::rejected_token;
use super::attempt::{self, Attempt};
use super::read::{ReadAll, ReadBody, WriteTo};
use super::{pacing, Call, Progress};
use crate::runtime::file::FileInfo;
use crate::runtime::observe::WaitReason;
use crate::runtime::rate_limit::millis;
use crate::runtime::retry::{Decision, Failure};
use crate::runtime::transport::Response;
use crate::runtime::{HaloClient, Result, RetryPolicy};

impl HaloClient {
    /// Sends `call` under `policy` (the client's when `None`) and returns
    /// the body of its success response, which must not be a page of
    /// markup (a proxy's or a login page).
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
        let mut reader = ReadAll { json: true };
        let response = instrumented(self, call, policy, &mut reader).await?;
        Ok(response.body)
    }

    /// [`execute_with`](Self::execute_with) returning the whole success
    /// answer (status, headers and body, read within the size limit),
    /// whatever its content type.
    pub(crate) async fn execute_response(
        &self,
        call: &Call,
        policy: Option<&RetryPolicy>,
    ) -> Result<Response> {
        instrumented(self, call, policy, &mut ReadAll { json: false }).await
    }

    /// Sends `call` and writes the body of its success answer to `writer`
    /// chunk by chunk as it arrives, never holding the whole body.
    ///
    /// Retried like any call until the first byte was written, never
    /// after: what the writer holds cannot be taken back. The size limit
    /// applies as to any answer: a `Content-Length` above it is refused
    /// before anything is written, and a body that passes it stops there
    /// with [`Error::ResponseTooLarge`](crate::runtime::Error::ResponseTooLarge),
    /// leaving what was written so far. On any error the writer may hold
    /// part of the body.
    pub(crate) async fn execute_download<W>(
        &self,
        call: &Call,
        policy: Option<&RetryPolicy>,
        writer: &mut W,
    ) -> Result<FileInfo>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        instrumented(self, call, policy, &mut WriteTo { writer }).await
    }
}

/// Runs `call` inside its tracing span; see
/// [`HaloClient::execute_with`].
async fn instrumented<R: ReadBody>(
    client: &HaloClient,
    call: &Call,
    policy: Option<&RetryPolicy>,
    reader: &mut R,
) -> Result<R::Output> {
    let policy = policy.unwrap_or_else(|| client.retry_policy());
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
    let result = run(client, call, policy, started, &mut progress, reader)
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
async fn run<R: ReadBody>(
    client: &HaloClient,
    call: &Call,
    policy: &RetryPolicy,
    started: Instant,
    progress: &mut Progress,
    reader: &mut R,
) -> Result<R::Output> {
    let deadline = policy.budget().map(|budget| started + budget);
    let mut attempt: u32 = 1;
    let mut replayed = false;
    loop {
        progress.attempt = attempt;
        let (error, failure, retry_after) =
            match attempt::once(client, call, policy, deadline, started, progress, reader).await {
                Ok(body) => return Ok(body),
                Err(Attempt::Unauthorized { token, .. }) if !replayed => {
                    tracing::debug!("401 from the API: renewing the token and replaying once");
                    client.invalidate(&token);
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
            pacing::pause_after_429(client.limiter(), decision, retry_after);
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
        let status = match failure {
            Failure::Status(status) => Some(status),
            _ => None,
        };
        client
            .observers()
            .waiting(WaitReason::Retry { status }, wait);
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}
