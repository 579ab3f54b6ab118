//! Client-side request pacing: a GCRA limiter (governor) sized from the
//! spec's documented limit, and the pause every request observes after a 429.
//!
//! Both live in the client's shared state, so every clone of a client draws
//! from the same budget and honours the same pause.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, Quota};
use tokio::time::Instant;

use super::{Error, Result};

/// How fast a client may send requests; set it with
/// [`HaloClientBuilder::rate_limit`](super::HaloClientBuilder::rate_limit).
///
/// HaloPSA allows a number of requests per rolling window per tenant (the
/// spec documents 700 per 300 s). The limiter lets a burst through at once
/// and then paces the rest so that no window of that length ever holds more
/// than `requests`: with a burst of `b`, one request per
/// `window / (requests - b)`. The default burst is a tenth of `requests`, so
/// a long job runs at 90 % of the limit and never draws a 429 on its own.
/// Requests over the limit wait; they do not fail.
///
/// The window is shared with the tenant's other integrations, which this
/// client cannot see: lower the limit if they are busy.
#[derive(Clone, PartialEq, Eq)]
pub struct RateLimit {
    limit: Option<Limit>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Limit {
    requests: u32,
    window: Duration,
    burst: Option<u32>,
}

impl RateLimit {
    /// At most `requests` per rolling `window`.
    pub fn new(requests: u32, window: Duration) -> Self {
        RateLimit {
            limit: Some(Limit {
                requests,
                window,
                burst: None,
            }),
        }
    }

    /// The limit the spec documents for the API (`crate::API.rate_limit`).
    pub fn from_spec() -> Self {
        let spec = crate::API.rate_limit;
        RateLimit::new(spec.requests, Duration::from_secs(spec.window_seconds))
    }

    /// No client-side limit: requests go out as fast as they are made, and
    /// only the server's 429s slow them down.
    pub fn disabled() -> Self {
        RateLimit { limit: None }
    }

    /// How many requests may go out at once before pacing starts (at least
    /// 1; less than `requests`, so the window holds). Has no effect on a
    /// disabled limit.
    pub fn burst(mut self, burst: u32) -> Self {
        if let Some(limit) = &mut self.limit {
            limit.burst = Some(burst);
        }
        self
    }

    /// The governor quota, or `None` when disabled.
    fn quota(&self) -> Result<Option<Quota>> {
        let Some(limit) = self.limit else {
            return Ok(None);
        };
        let invalid = |why: &str| Error::Config {
            message: format!(
                "rate limit of {} requests per {:?}: {why}",
                limit.requests, limit.window
            ),
        };
        let requests = NonZeroU32::new(limit.requests)
            .ok_or_else(|| invalid("allow at least one request, or use RateLimit::disabled()"))?;
        let burst = limit
            .burst
            .unwrap_or(requests.get() / 10)
            .clamp(1, requests.get().saturating_sub(1).max(1));
        let refills = requests.get().saturating_sub(burst).max(1);
        let period = limit.window / refills;
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(period)
            .map(|quota| Some(quota.allow_burst(burst)))
            .ok_or_else(|| invalid("the window is too short"))
    }
}

impl Default for RateLimit {
    /// [`RateLimit::from_spec`].
    fn default() -> Self {
        RateLimit::from_spec()
    }
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.limit {
            None => f.write_str("RateLimit(disabled)"),
            Some(limit) => f
                .debug_struct("RateLimit")
                .field("requests", &limit.requests)
                .field("window", &limit.window)
                .field("burst", &limit.burst)
                .finish(),
        }
    }
}

/// The shared pacing state of one client.
pub(crate) struct Limiter {
    governor: Option<DefaultDirectRateLimiter>,
    /// No request leaves before this instant (set after a 429).
    paused_until: Mutex<Option<Instant>>,
}

impl Limiter {
    pub(crate) fn new(limit: &RateLimit) -> Result<Self> {
        Ok(Limiter {
            governor: limit.quota()?.map(DefaultDirectRateLimiter::direct),
            paused_until: Mutex::new(None),
        })
    }

    /// Waits until the limiter lets one request through. Gives up, returning
    /// the wait it would need, if that wait would end after `deadline`.
    pub(crate) async fn acquire(&self, deadline: Option<Instant>) -> Result<(), Duration> {
        let Some(governor) = &self.governor else {
            return Ok(());
        };
        loop {
            let Err(not_until) = governor.check() else {
                return Ok(());
            };
            let wait = not_until.wait_time_from(governor.clock().now());
            if deadline.is_some_and(|deadline| Instant::now() + wait > deadline) {
                return Err(wait);
            }
            tracing::debug!(
                wait_ms = millis(wait),
                "client-side rate limit reached: waiting"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// Holds every request of this client back for `wait` (or longer, if a
    /// longer pause is already in force).
    pub(crate) fn pause_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self
            .paused_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    /// How long the current pause still lasts, if one is in force.
    pub(crate) fn paused_for(&self) -> Option<Duration> {
        let paused = *self
            .paused_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let remaining = paused?.checked_duration_since(Instant::now())?;
        (!remaining.is_zero()).then_some(remaining)
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("enabled", &self.governor.is_some())
            .field("paused_for", &self.paused_for())
            .finish()
    }
}

/// A duration in whole milliseconds, for tracing fields.
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_limit_paces_a_rolling_window() {
        let quota = RateLimit::from_spec()
            .quota()
            .expect("valid")
            .expect("enabled");
        // 700 per 300 s: a burst of 70, then 630 more spread over 300 s.
        assert_eq!(quota.burst_size().get(), 70);
        let per = quota.replenish_interval();
        assert!(per > Duration::from_millis(476) && per < Duration::from_millis(477));
    }

    #[test]
    fn burst_is_clamped_and_bad_limits_are_config_errors() {
        let quota = |limit: RateLimit| limit.quota().expect("valid").expect("enabled");
        let q = quota(RateLimit::new(4, Duration::from_secs(1)));
        assert_eq!(q.burst_size().get(), 1);
        assert_eq!(q.replenish_interval(), Duration::from_secs(1) / 3);
        let q = quota(RateLimit::new(10, Duration::from_secs(1)).burst(50));
        assert_eq!(q.burst_size().get(), 9);
        let q = quota(RateLimit::new(1, Duration::from_secs(1)).burst(0));
        assert_eq!(q.burst_size().get(), 1);
        assert!(RateLimit::disabled()
            .burst(3)
            .quota()
            .expect("valid")
            .is_none());
        assert!(matches!(
            RateLimit::new(0, Duration::from_secs(1)).quota(),
            Err(Error::Config { .. })
        ));
        assert!(matches!(
            RateLimit::new(10, Duration::ZERO).quota(),
            Err(Error::Config { .. })
        ));
    }

    #[tokio::test]
    async fn a_pause_only_grows() {
        let limiter = Limiter::new(&RateLimit::disabled()).expect("valid");
        assert_eq!(limiter.paused_for(), None);
        limiter.pause_for(Duration::from_secs(10));
        limiter.pause_for(Duration::from_secs(1));
        let left = limiter.paused_for().expect("paused");
        assert!(left > Duration::from_secs(9), "{left:?}");
        assert_eq!(limiter.acquire(None).await, Ok(()));
    }

    #[tokio::test]
    async fn acquire_gives_up_at_the_deadline() {
        let limiter = Limiter::new(&RateLimit::new(2, Duration::from_secs(60))).expect("valid");
        let soon = Some(Instant::now() + Duration::from_millis(10));
        assert_eq!(limiter.acquire(soon).await, Ok(()));
        let wait = limiter.acquire(soon).await.expect_err("60 s away");
        assert!(wait > Duration::from_secs(50), "{wait:?}");
    }
}
