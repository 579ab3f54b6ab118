//! Client-side request pacing: a GCRA limiter (governor) sized from the
//! spec's documented limit, the pause every request observes after a 429,
//! and the limit a 429 states, which replaces a looser one.
//!
//! All three live in the client's shared state, so every clone of a client
//! draws from the same budget and honours the same pause.

use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
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
///
/// Instances differ (300 per 5 minutes, 500 per 180 s and 700 per 300 s
/// are all seen), and Halo's 429 says which one is in force ("Rate Limit
/// Reached - 300 Requests per rolling 5 minute window"). When a 429 states
/// a limit stricter than this one, the client adopts it at 95 % of its rate
/// with a burst of one, logs that once at `info`, and reports it from
/// [`HaloClient::rate_limit`](super::HaloClient::rate_limit). A stated
/// limit never loosens the configured one, and a disabled limit stays
/// disabled. When such a 429 says no `Retry-After`, the client waits until
/// its own latest requests (as many as the limit allows) have left the
/// window, when they alone filled it.
#[derive(Clone, PartialEq, Eq)]
pub struct RateLimit {
    limit: Option<Limit>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Limit {
    requests: u32,
    window: Duration,
    burst: Option<u32>,
    /// Stated by the server in a 429.
    learned: bool,
}

/// A limit as the server states it: `requests` per rolling `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stated {
    pub(crate) requests: u32,
    pub(crate) window: Duration,
}

impl RateLimit {
    /// At most `requests` per rolling `window`.
    pub fn new(requests: u32, window: Duration) -> Self {
        RateLimit {
            limit: Some(Limit {
                requests,
                window,
                burst: None,
                learned: false,
            }),
        }
    }

    /// The limit the spec documents for the API (`crate::API.rate_limit`).
    pub fn from_spec() -> Self {
        let spec = crate::API.rate_limit;
        RateLimit::new(spec.requests, Duration::from_secs(spec.window_seconds))
    }

    /// No client-side limit: requests go out as fast as they are made, and
    /// only the server's 429s slow them down (a limit a 429 states is not
    /// adopted either).
    pub fn disabled() -> Self {
        RateLimit { limit: None }
    }

    /// Requests allowed per window; `None` when disabled.
    pub fn requests(&self) -> Option<u32> {
        self.limit.map(|limit| limit.requests)
    }

    /// The rolling window; `None` when disabled.
    pub fn window(&self) -> Option<Duration> {
        self.limit.map(|limit| limit.window)
    }

    /// Whether this limit was stated by the server in a 429 rather than
    /// configured. Such a limit paces at 95 % of its rate, one request at a
    /// time.
    pub fn is_learned(&self) -> bool {
        self.limit.is_some_and(|limit| limit.learned)
    }

    /// The limit to pace by once the server has stated `stated`, or `None`
    /// when this one is already at least as strict (or disabled).
    ///
    /// Pacing runs at 95 % of the stated rate, leaving room for timing
    /// noise, with a burst of one: the 429 says the server's window is full
    /// right now, so nothing may go out at once when the pause ends.
    fn tightened(&self, stated: Stated) -> Option<RateLimit> {
        let current = self.limit?;
        let stated_rate = f64::from(stated.requests) / stated.window.as_secs_f64();
        let current_rate = f64::from(current.requests) / current.window.as_secs_f64();
        if stated.requests == 0 || stated_rate >= current_rate {
            return None;
        }
        Some(RateLimit {
            limit: Some(Limit {
                requests: stated.requests,
                window: stated.window,
                burst: Some(1),
                learned: true,
            }),
        })
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
        let (burst, refills) = if limit.learned {
            // The server's own figure: 95 % of its rate (one request every
            // window / (0.95 * requests)), one at a time.
            let refills = (u64::from(requests.get()) * 95).div_ceil(100);
            (1, u32::try_from(refills).unwrap_or(u32::MAX).max(1))
        } else {
            let burst = limit
                .burst
                .unwrap_or(requests.get() / 10)
                .clamp(1, requests.get().saturating_sub(1).max(1));
            (burst, requests.get().saturating_sub(burst).max(1))
        };
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
                .field("learned", &limit.learned)
                .finish(),
        }
    }
}

/// The shared pacing state of one client.
pub(crate) struct Limiter {
    /// The limit in force and its governor; replaced when a 429 states a
    /// stricter limit. Callers clone the `Arc` and wait outside the lock.
    pacing: RwLock<Pacing>,
    /// No request leaves before this instant (set after a 429).
    paused_until: Mutex<Option<Instant>>,
    /// When the latest requests left, newest last: after a 429 that states
    /// the limit but not when to come back, they tell when the server's
    /// window frees.
    sent: Mutex<VecDeque<Instant>>,
}

/// Send times kept: more than any limit Halo states per window.
const SENT_KEPT: usize = 2048;

struct Pacing {
    limit: RateLimit,
    governor: Option<Arc<DefaultDirectRateLimiter>>,
}

impl Pacing {
    fn new(limit: &RateLimit) -> Result<Self> {
        Ok(Pacing {
            limit: limit.clone(),
            governor: limit
                .quota()?
                .map(|q| Arc::new(DefaultDirectRateLimiter::direct(q))),
        })
    }
}

impl Limiter {
    pub(crate) fn new(limit: &RateLimit) -> Result<Self> {
        Ok(Limiter {
            pacing: RwLock::new(Pacing::new(limit)?),
            paused_until: Mutex::new(None),
            sent: Mutex::new(VecDeque::new()),
        })
    }

    /// Notes that a request is leaving now.
    pub(crate) fn sent(&self) {
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        if sent.len() == SENT_KEPT {
            sent.pop_front();
        }
        sent.push_back(Instant::now());
    }

    /// How long until a rolling window of `stated` would hold room for one
    /// more of this client's requests: when the `stated.requests`-th latest
    /// one leaves it. `None` when this client sent fewer than that (others
    /// filled the window: their requests cannot be seen from here).
    pub(crate) fn window_frees_in(&self, stated: Stated) -> Option<Duration> {
        let sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        let count = usize::try_from(stated.requests).ok()?;
        let oldest = *sent.get(sent.len().checked_sub(count)?)?;
        Some((oldest + stated.window).saturating_duration_since(Instant::now()))
    }

    /// The limit in force: the configured one, or one a 429 stated.
    pub(crate) fn limit(&self) -> RateLimit {
        self.pacing
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .limit
            .clone()
    }

    fn governor(&self) -> Option<Arc<DefaultDirectRateLimiter>> {
        self.pacing
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .governor
            .clone()
    }

    /// Adopts the limit a 429 stated, if it is stricter than the one in
    /// force; returns the new limit when it changed (so the caller logs it
    /// once). Requests waiting for a slot move to the new pace when they
    /// next look.
    pub(crate) fn learn(&self, stated: Stated) -> Option<RateLimit> {
        let mut pacing = self.pacing.write().unwrap_or_else(PoisonError::into_inner);
        let tightened = pacing.limit.tightened(stated)?;
        *pacing = Pacing::new(&tightened).ok()?;
        Some(tightened)
    }

    /// Waits until the limiter lets one request through, telling `waiting`
    /// before each sleep. Gives up, returning the wait it would need, if
    /// that wait would end after `deadline`.
    pub(crate) async fn acquire(
        &self,
        deadline: Option<Instant>,
        waiting: impl Fn(Duration),
    ) -> Result<(), Duration> {
        // The governor is fetched afresh each round: a stricter limit a 429
        // stated applies to requests already waiting.
        while let Some(governor) = self.governor() {
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
            waiting(wait);
            tokio::time::sleep(wait).await;
        }
        Ok(())
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
            .field("limit", &self.limit())
            .field("paused_for", &self.paused_for())
            .finish()
    }
}

/// The limit a 429 states, from its `RateLimit-Policy` header (`300;w=300`,
/// or `"default";q=300;w=300` in later drafts of the IETF proposal) or from
/// Halo's message ("Rate Limit Reached - 300 Requests per rolling 5 minute
/// window").
pub(crate) fn stated_limit(policy_header: Option<&str>, body: &str) -> Option<Stated> {
    policy_header
        .and_then(policy_limit)
        .or_else(|| body_limit(body))
}

/// `300;w=300` or `"name";q=300;w=300`: the first policy of the header.
fn policy_limit(header: &str) -> Option<Stated> {
    let first = header.split(',').next()?;
    let mut requests = None;
    let mut window = None;
    for (index, part) in first.split(';').map(str::trim).enumerate() {
        match part.split_once('=') {
            Some((key, value)) if key.trim().eq_ignore_ascii_case("q") => {
                requests = value.trim().parse::<u32>().ok();
            }
            Some((key, value)) if key.trim().eq_ignore_ascii_case("w") => {
                window = value.trim().parse::<u64>().ok().map(Duration::from_secs);
            }
            None if index == 0 => requests = part.parse::<u32>().ok(),
            _ => {}
        }
    }
    Some(Stated {
        requests: requests.filter(|&n| n > 0)?,
        window: window.filter(|w| !w.is_zero())?,
    })
}

/// `N requests per [rolling] [M] second|minute|hour [window]`, in any case,
/// anywhere in the text (JSON escapes do not occur in such a message).
fn body_limit(body: &str) -> Option<Stated> {
    let text = body.to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).enumerate().find_map(|(at, pair)| {
        let requests = pair[0].parse::<u32>().ok().filter(|&n| n > 0)?;
        if !matches!(pair[1], "requests" | "request" | "calls" | "call") {
            return None;
        }
        let mut rest = words.get(at + 2..)?.iter().copied();
        if rest.next()? != "per" {
            return None;
        }
        let mut word = rest.next()?;
        if word == "rolling" {
            word = rest.next()?;
        }
        let count = match word.parse::<u64>() {
            Ok(count) => {
                word = rest.next()?;
                count
            }
            Err(_) => 1,
        };
        let unit = match word.trim_end_matches('s') {
            "second" | "sec" => 1,
            "minute" | "min" => 60,
            "hour" | "hr" => 3600,
            _ => return None,
        };
        let window = Duration::from_secs(count.checked_mul(unit)?);
        (!window.is_zero()).then_some(Stated { requests, window })
    })
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
        assert_eq!(limiter.acquire(None, |_| {}).await, Ok(()));
    }

    #[test]
    fn a_429_states_its_limit_in_the_body_or_a_header() {
        let secs = Duration::from_secs;
        let stated = |requests, window| Some(Stated { requests, window });
        assert_eq!(
            stated_limit(
                None,
                "Rate Limit Reached - 300 Requests per rolling 5 minute window"
            ),
            stated(300, secs(300))
        );
        assert_eq!(
            stated_limit(
                None,
                r#"{"error":"rate_limit_exceeded","message":"Rate Limit Reached - 500 Requests per rolling 180 second window"}"#
            ),
            stated(500, secs(180))
        );
        assert_eq!(
            stated_limit(None, "at most 50 requests per 5 seconds"),
            stated(50, secs(5))
        );
        assert_eq!(
            stated_limit(None, "100 requests per minute"),
            stated(100, secs(60))
        );
        assert_eq!(stated_limit(Some("450;w=300"), ""), stated(450, secs(300)));
        assert_eq!(
            stated_limit(
                Some("\"default\";q=700;w=300"),
                "ignored: 1 request per second"
            ),
            stated(700, secs(300))
        );
        for silent in [
            "Too many requests",
            "Rate Limit Reached",
            "0 requests per minute",
            "300 requests per fortnight",
            "300 requests",
            "",
        ] {
            assert_eq!(stated_limit(None, silent), None, "{silent}");
        }
        assert_eq!(stated_limit(Some("garbage"), ""), None);
        assert_eq!(stated_limit(Some("10;w=0"), ""), None);
    }

    #[test]
    fn a_stated_limit_only_ever_tightens_and_keeps_headroom() {
        let secs = Duration::from_secs;
        let limiter = Limiter::new(&RateLimit::new(700, secs(300))).expect("valid");
        let looser = Stated {
            requests: 900,
            window: secs(300),
        };
        assert_eq!(limiter.learn(looser), None);
        let stricter = Stated {
            requests: 300,
            window: secs(300),
        };
        let learned = limiter.learn(stricter).expect("tightened");
        assert!(learned.is_learned());
        assert_eq!(learned.requests(), Some(300));
        assert_eq!(learned.window(), Some(secs(300)));
        assert_eq!(limiter.limit(), learned);
        let quota = learned.quota().expect("valid").expect("enabled");
        // A burst of one, and 95 % of 300 per 300 s: one every 1.05 s.
        assert_eq!(quota.burst_size().get(), 1);
        let per = quota.replenish_interval();
        assert!(
            per > Duration::from_millis(1040) && per < Duration::from_millis(1060),
            "{per:?}"
        );
        // The same statement again changes nothing (and is not logged again).
        assert_eq!(limiter.learn(stricter), None);
        let disabled = Limiter::new(&RateLimit::disabled()).expect("valid");
        assert_eq!(disabled.learn(stricter), None);
        assert_eq!(disabled.limit(), RateLimit::disabled());
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_frees_when_the_stated_count_of_requests_has_left_it() {
        let limiter = Limiter::new(&RateLimit::disabled()).expect("valid");
        let stated = Stated {
            requests: 3,
            window: Duration::from_secs(10),
        };
        limiter.sent();
        assert_eq!(limiter.window_frees_in(stated), None, "others filled it");
        tokio::time::advance(Duration::from_secs(2)).await;
        limiter.sent();
        tokio::time::advance(Duration::from_secs(1)).await;
        limiter.sent();
        // The third latest left 3 s ago: 7 s to go.
        assert_eq!(
            limiter.window_frees_in(stated),
            Some(Duration::from_secs(7))
        );
        tokio::time::advance(Duration::from_secs(20)).await;
        assert_eq!(limiter.window_frees_in(stated), Some(Duration::ZERO));
    }

    #[tokio::test]
    async fn acquire_gives_up_at_the_deadline() {
        let limiter = Limiter::new(&RateLimit::new(2, Duration::from_secs(60))).expect("valid");
        let soon = Some(Instant::now() + Duration::from_millis(10));
        assert_eq!(limiter.acquire(soon, |_| {}).await, Ok(()));
        let wait = limiter.acquire(soon, |_| {}).await.expect_err("60 s away");
        assert!(wait > Duration::from_secs(50), "{wait:?}");
    }

    // Real time: the governor keeps its own clock, which tokio's paused
    // time would not move.
    #[tokio::test]
    async fn acquire_tells_how_long_it_waits() {
        let limiter =
            Limiter::new(&RateLimit::new(2, Duration::from_millis(400)).burst(1)).expect("valid");
        let told = Mutex::new(Vec::new());
        let record = |wait| told.lock().unwrap().push(wait);
        assert_eq!(limiter.acquire(None, record).await, Ok(()));
        assert!(told.lock().unwrap().is_empty(), "the burst goes at once");
        assert_eq!(limiter.acquire(None, record).await, Ok(()));
        let told = told.into_inner().unwrap();
        // One wait until the window frees the next request (a second only
        // if the sleep woke a hair early).
        assert!(!told.is_empty() && told.len() <= 2, "{told:?}");
        assert!(told[0] > Duration::from_millis(300), "{told:?}");
        assert!(told[0] <= Duration::from_millis(400), "{told:?}");
    }
}
