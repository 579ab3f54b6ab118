//! When to send a failed call again, and how long to wait first.
//!
//! Everything here is pure: [`RetryPolicy::decide`] maps one failed attempt
//! (what failed, whether the call is safe to repeat, which attempt it was,
//! the server's `Retry-After`, a random number) to a decision, so the rules
//! are unit-tested without a server. The loop that sleeps and resends lives
//! in `call/execute.rs`.

use std::fmt;
use std::time::{Duration, SystemTime};

/// How a client retries failed calls; set one for a client with
/// [`HaloClientBuilder::retry_policy`](super::HaloClientBuilder::retry_policy)
/// or for one call with the request types' `retry_policy` method.
///
/// What is retried:
/// - connection failures, timeouts and HTTP 408, 429, 500, 502, 503 and 504
///   for reads, updates and deletes;
/// - only 429, 503 and connections that failed before the request was sent
///   for creates, since after a timeout, 500, 502 or 504 the server may have
///   saved the record already and a second try could create it twice.
///
/// How long to wait:
/// - the server's `Retry-After` (seconds or an HTTP date) when there is one,
///   up to [`max_retry_after`](Self::max_retry_after); a longer one fails
///   the call at once with [`Error::RateLimited`](super::Error::RateLimited)
///   (or the 503 it came with), which says when to come back;
/// - otherwise exponential backoff with full jitter (a random wait between
///   zero and `base * 2^(retry - 1)`, at most the cap);
/// - a 429 without `Retry-After` waits longer: between half and all of
///   `rate_limit_base * 2^(retry - 1)`, capped. HaloPSA counts requests in a
///   rolling 300 s window shared by every integration of the tenant, so an
///   early retry would only draw another 429.
///
/// The [`total_budget`](Self::total_budget) bounds the whole call: waits for
/// the rate limiter, every attempt and every backoff.
///
/// ```
/// use std::time::Duration;
/// use halopsa::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(5)
///     .total_budget(Duration::from_secs(300));
/// let once = RetryPolicy::none();
/// # let _ = (patient, once);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base: Duration,
    cap: Duration,
    rate_limit_base: Duration,
    rate_limit_cap: Duration,
    max_retry_after: Duration,
    total_budget: Option<Duration>,
}

/// No configured wait is allowed to exceed this, so arithmetic on deadlines
/// never overflows.
const LONGEST: Duration = Duration::from_secs(24 * 3600);

impl Default for RetryPolicy {
    /// Three attempts in all; backoff from 500 ms up to 10 s; a 429 without
    /// `Retry-After` backs off from 5 s up to 60 s; `Retry-After` honoured up
    /// to 60 s; a two-minute budget per call.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(10),
            rate_limit_base: Duration::from_secs(5),
            rate_limit_cap: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
            total_budget: Some(Duration::from_secs(120)),
        }
    }
}

impl RetryPolicy {
    /// The default policy; see [`RetryPolicy::default`].
    pub fn new() -> Self {
        RetryPolicy::default()
    }

    /// One attempt, no retries. A 401 still renews the token and replays
    /// the request once, and a client-wide pause after a 429 is still
    /// observed.
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Backoff for ordinary failures: the first retry waits up to `base`,
    /// each later one up to twice as long, never more than `cap`.
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.base = base.min(LONGEST);
        self.cap = cap.min(LONGEST);
        self
    }

    /// Backoff after a 429 that came without `Retry-After`: the first retry
    /// waits between `base / 2` and `base`, each later one twice as long,
    /// never more than `cap`.
    pub fn rate_limit_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.rate_limit_base = base.min(LONGEST);
        self.rate_limit_cap = cap.min(LONGEST);
        self
    }

    /// The longest `Retry-After` the client waits out (at most a day). A
    /// server asking for more fails the call at once with the wait in the
    /// error.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit.min(LONGEST);
        self
    }

    /// The most one call may take, attempts and waits included (at most a
    /// day). A retry whose wait would end past it is not made; an attempt
    /// still running when it ends is abandoned with
    /// [`Error::Timeout`](super::Error::Timeout).
    pub fn total_budget(mut self, budget: Duration) -> Self {
        self.total_budget = Some(budget.min(LONGEST));
        self
    }

    /// Removes the time budget: only the attempt count and the per-request
    /// timeout bound a call.
    pub fn without_budget(mut self) -> Self {
        self.total_budget = None;
        self
    }

    pub(crate) fn budget(&self) -> Option<Duration> {
        self.total_budget
    }

    pub(crate) fn longest_wait(&self) -> Duration {
        self.max_retry_after
    }

    /// What to do after `attempt` (1-based) failed with `failure`.
    ///
    /// `idempotent` is false for creates; `retry_after` is the server's
    /// requested wait, if any; `jitter` is a random number in `[0, 1)`.
    pub(crate) fn decide(
        &self,
        failure: Failure,
        idempotent: bool,
        attempt: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Decision {
        if !failure.may_retry(idempotent) {
            return Decision::GiveUp;
        }
        if let Some(wait) = retry_after {
            if wait > self.max_retry_after {
                return Decision::TooLong(wait);
            }
        }
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        let wait = match retry_after {
            Some(wait) => wait,
            None => self.backoff_for(attempt, failure == Failure::Status(429), jitter),
        };
        Decision::Retry(wait)
    }

    /// The wait before retry number `retry` (1-based) without `Retry-After`.
    fn backoff_for(&self, retry: u32, throttled: bool, jitter: f64) -> Duration {
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (base, cap, share) = if throttled {
            (
                self.rate_limit_base,
                self.rate_limit_cap,
                0.5 + 0.5 * jitter,
            )
        } else {
            (self.base, self.cap, jitter)
        };
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(31));
        let ceiling = base.saturating_mul(factor).min(cap);
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * share).unwrap_or(ceiling)
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("backoff", &(self.base, self.cap))
            .field(
                "rate_limit_backoff",
                &(self.rate_limit_base, self.rate_limit_cap),
            )
            .field("max_retry_after", &self.max_retry_after)
            .field("total_budget", &self.total_budget)
            .finish()
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The request never left: the connection could not be made, or no
    /// token could be had. Safe to repeat even for a create.
    NotSent,
    /// No answer in time; the server may have acted on the request.
    Timeout,
    /// Any other transport failure (e.g. the connection dropped mid-answer).
    Transport,
    /// The server answered with this status.
    Status(u16),
}

impl Failure {
    /// Whether this failure is worth retrying for a call of this kind.
    fn may_retry(self, idempotent: bool) -> bool {
        match self {
            Failure::NotSent | Failure::Status(429 | 503) => true,
            // The server may have acted: only what is safe to repeat.
            Failure::Timeout | Failure::Transport | Failure::Status(408 | 500 | 502 | 504) => {
                idempotent
            }
            Failure::Status(_) => false,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NotSent => f.write_str("request not sent"),
            Failure::Timeout => f.write_str("timeout"),
            Failure::Transport => f.write_str("transport error"),
            Failure::Status(status) => write!(f, "HTTP {status}"),
        }
    }
}

/// The outcome of [`RetryPolicy::decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Send again after this wait.
    Retry(Duration),
    /// Return the error.
    GiveUp,
    /// The server asked for a wait longer than the policy allows: return
    /// the error now, with this wait in it.
    TooLong(Duration),
}

/// Reads a `Retry-After` value: whole (or fractional) seconds, or an HTTP
/// date, which is turned into a wait from `now` (zero if it has passed).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A `retry_after` (seconds) field in a 429 body, which some Halo
/// deployments send instead of the header.
pub(crate) fn retry_after_in_body(body: &[u8]) -> Option<Duration> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let field = value.as_object()?.iter().find_map(|(key, value)| {
        (key.eq_ignore_ascii_case("retry_after") || key.eq_ignore_ascii_case("retryafter"))
            .then_some(value)
    })?;
    match field {
        serde_json::Value::Number(n) => Duration::try_from_secs_f64(n.as_f64()?).ok(),
        serde_json::Value::String(s) => parse_retry_after(s, SystemTime::now()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: bool = true;
    const CREATE: bool = false;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn reads_retry_and_creates_retry_only_what_the_server_cannot_have_done() {
        let policy = RetryPolicy::default();
        let retried = |failure, idempotent| {
            matches!(
                policy.decide(failure, idempotent, 1, None, 0.5),
                Decision::Retry(_)
            )
        };
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(retried(Failure::Status(status), GET), "GET {status}");
        }
        for status in [400, 401, 403, 404, 409, 422, 501] {
            assert!(!retried(Failure::Status(status), GET), "GET {status}");
        }
        assert!(retried(Failure::NotSent, GET));
        assert!(retried(Failure::Timeout, GET));
        assert!(retried(Failure::Transport, GET));

        for status in [429, 503] {
            assert!(retried(Failure::Status(status), CREATE), "create {status}");
        }
        for status in [408, 500, 502, 504] {
            assert!(!retried(Failure::Status(status), CREATE), "create {status}");
        }
        assert!(retried(Failure::NotSent, CREATE));
        assert!(!retried(Failure::Timeout, CREATE));
        assert!(!retried(Failure::Transport, CREATE));
    }

    #[test]
    fn attempts_are_counted_in_all() {
        let policy = RetryPolicy::default();
        let fail = Failure::Status(503);
        assert!(matches!(
            policy.decide(fail, GET, 2, None, 0.0),
            Decision::Retry(_)
        ));
        assert_eq!(policy.decide(fail, GET, 3, None, 0.0), Decision::GiveUp);
        let none = RetryPolicy::none();
        assert_eq!(none.decide(fail, GET, 1, None, 0.0), Decision::GiveUp);
        assert_eq!(RetryPolicy::default().max_attempts(0), none);
    }

    #[test]
    fn backoff_is_full_jitter_doubling_up_to_the_cap() {
        let policy = RetryPolicy::default().backoff(ms(100), ms(350));
        let wait =
            |attempt, jitter| match policy.decide(Failure::Status(500), GET, attempt, None, jitter)
            {
                Decision::Retry(wait) => wait,
                other => panic!("{other:?}"),
            };
        let policy_many = policy.clone().max_attempts(100);
        assert_eq!(wait(1, 0.0), Duration::ZERO);
        assert_eq!(wait(1, 0.5), ms(50));
        assert_eq!(wait(2, 0.5), ms(100));
        assert_eq!(wait(2, 1.0), ms(200));
        // 400 ms is over the cap.
        assert!(matches!(
            policy_many.decide(Failure::Status(500), GET, 3, None, 1.0),
            Decision::Retry(w) if w == ms(350)
        ));
        // Huge attempt numbers neither overflow nor exceed the cap.
        assert!(matches!(
            policy_many.decide(Failure::Status(500), GET, 99, None, 0.999),
            Decision::Retry(w) if w <= ms(350)
        ));
        assert_eq!(wait(1, f64::NAN), Duration::ZERO);
    }

    #[test]
    fn a_429_without_retry_after_backs_off_longer() {
        let policy = RetryPolicy::default();
        for attempt in 1..3 {
            for jitter in [0.0, 0.3, 0.99] {
                let wait = |status| match policy.decide(
                    Failure::Status(status),
                    GET,
                    attempt,
                    None,
                    jitter,
                ) {
                    Decision::Retry(wait) => wait,
                    other => panic!("{other:?}"),
                };
                assert!(wait(429) > wait(503), "attempt {attempt}, jitter {jitter}");
                assert!(wait(429) >= Duration::from_millis(2500));
            }
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_limit() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(30));
        let s = Duration::from_secs;
        assert_eq!(
            policy.decide(Failure::Status(429), CREATE, 1, Some(s(7)), 0.0),
            Decision::Retry(s(7))
        );
        assert_eq!(
            policy.decide(Failure::Status(503), GET, 1, Some(s(31)), 0.0),
            Decision::TooLong(s(31))
        );
        // Too long is reported even when no attempt is left, so the error
        // can say when to come back.
        assert_eq!(
            policy.decide(Failure::Status(429), GET, 3, Some(s(3600)), 0.0),
            Decision::TooLong(s(3600))
        );
        // Retry-After on a status that is not retried changes nothing.
        assert_eq!(
            policy.decide(Failure::Status(400), GET, 1, Some(s(1)), 0.0),
            Decision::GiveUp
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("0.5", now),
            Some(Duration::from_millis(500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        for bad in ["", "soon", "-1", "NaN", "inf"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn retry_after_can_come_in_the_body() {
        assert_eq!(
            retry_after_in_body(br#"{"error":"rate_limit_exceeded","retry_after":60}"#),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            retry_after_in_body(br#"{"RetryAfter":"5"}"#),
            Some(Duration::from_secs(5))
        );
        assert_eq!(retry_after_in_body(b"Too many requests"), None);
        assert_eq!(retry_after_in_body(br#"{"retry_after":-3}"#), None);
    }
}
