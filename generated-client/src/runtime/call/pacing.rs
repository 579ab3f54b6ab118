//! How a call keeps to the client's pace: the client-wide pause after a
//! 429, the limiter's slots, and the limit a 429 states. The limiter
//! (`rate_limit.rs`) knows nothing of calls; here a call's retry policy
//! and time budget meet it.

use std::time::Duration;

use reqwest::header::HeaderName;
use tokio::time::Instant;

use crate::runtime::observe::{Observers, WaitReason};
use crate::runtime::rate_limit::{self, millis, Limiter};
use crate::runtime::retry::Decision;
use crate::runtime::transport::Response;
use crate::runtime::{Error, Result, RetryPolicy};

/// The header of the IETF rate-limit proposal that states a limit:
/// `RateLimit-Policy: 300;w=300`.
const RATE_LIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// Waits until no client-wide pause is in force, or fails at once when
/// the pause outlasts what the policy or the call's budget allows.
pub(super) async fn wait_out_pause(
    limiter: &Limiter,
    observers: &Observers,
    policy: &RetryPolicy,
    deadline: Option<Instant>,
) -> Result<()> {
    // A loop, since the pause may grow while this request sleeps.
    while let Some(pause) = limiter.paused_for() {
        let past_deadline = deadline.is_some_and(|deadline| Instant::now() + pause > deadline);
        if pause > policy.longest_wait() || past_deadline {
            return Err(Error::RateLimited {
                retry_after: Some(pause),
                message: "the client is holding back after an HTTP 429".to_owned(),
                body: String::new(),
            });
        }
        tracing::info!(
            wait_ms = millis(pause),
            "rate limited: waiting for the client-wide pause to end"
        );
        observers.waiting(WaitReason::Paused, pause);
        tokio::time::sleep(pause).await;
    }
    Ok(())
}

/// Waits for a slot of the client-side limiter, or fails when none comes
/// within the call's time budget.
pub(super) async fn acquire_slot(
    limiter: &Limiter,
    observers: &Observers,
    deadline: Option<Instant>,
) -> Result<()> {
    limiter
        .acquire(deadline, |wait| {
            observers.waiting(WaitReason::RateLimit, wait);
        })
        .await
        .map_err(|wait| Error::RateLimited {
            retry_after: Some(wait),
            message: "the client-side rate limit has no slot within the call's time budget"
                .to_owned(),
            body: String::new(),
        })
}

/// Reads a 429 (`text` is its redacted body): adopts the limit it states,
/// if any, and returns when to come back: `retry_after` when the server
/// said, otherwise an estimate from the stated limit.
pub(super) fn learn_from_429(
    limiter: &Limiter,
    response: &Response,
    text: &str,
    retry_after: Option<Duration>,
) -> Option<Duration> {
    let Some(stated) = rate_limit::stated_limit(response.header(RATE_LIMIT_POLICY), text) else {
        return retry_after;
    };
    learn_limit(limiter, stated);
    // A limit but no time to come back: when this client's own
    // requests leave the window, if they alone filled it.
    // At least a second, so that a guess that is off never hammers.
    retry_after.or_else(|| {
        let frees_in = limiter.window_frees_in(stated)?;
        Some(frees_in.max(Duration::from_secs(1)))
    })
}

/// Adopts the limit a 429 states, when it is stricter than the one in
/// force; says so once at `info`.
fn learn_limit(limiter: &Limiter, stated: rate_limit::Stated) {
    if let Some(limit) = limiter.learn(stated) {
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

/// After a 429 and the retry policy's `decision` about it: pauses every
/// request of the client for the wait decided on, or the server's
/// `retry_after` when the call gives up.
pub(super) fn pause_after_429(
    limiter: &Limiter,
    decision: Decision,
    retry_after: Option<Duration>,
) {
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
        limiter.pause_for(pause);
    }
}
