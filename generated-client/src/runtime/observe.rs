//! Telling someone when a call waits: for progress displays, which would
//! otherwise show a listing that seems stuck while the client keeps to the
//! rate limit or backs off before a retry.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Watches the waits of a client's calls; set one with
/// [`HaloClientBuilder::observer`](super::HaloClientBuilder::observer).
///
/// Called on the task that is about to wait, before it sleeps: keep it
/// quick (update a progress bar, count, log), never block.
///
/// ```
/// use halopsa::runtime::{Observer, Wait};
///
/// struct Log;
///
/// impl Observer for Log {
///     fn waiting(&self, wait: &Wait) {
///         eprintln!("waiting {:.1?}: {}", wait.duration, wait.reason);
///     }
/// }
///
/// let builder = halopsa::HaloClient::builder().observer(Log);
/// # let _ = builder;
/// ```
pub trait Observer: Send + Sync + 'static {
    /// A call is about to wait for `wait.duration`, for `wait.reason`.
    fn waiting(&self, wait: &Wait);
}

/// One wait of a call; see [`Observer`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Wait {
    /// Why the call waits.
    pub reason: WaitReason,
    /// How long it waits (it may wait again after, if the reason holds).
    pub duration: Duration,
}

/// Why a call waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// The client-side rate limit has no slot free yet
    /// ([`RateLimit`](super::RateLimit)).
    RateLimit,
    /// An HTTP 429 holds back every request of the client until the
    /// server's window frees.
    Paused,
    /// An attempt failed and is retried after a backoff: with the HTTP
    /// status it got, or `None` when no answer came (timeout, connection).
    Retry {
        /// The failed attempt's status.
        status: Option<u16>,
    },
}

impl fmt::Display for WaitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitReason::RateLimit => f.write_str("keeping to the client-side rate limit"),
            WaitReason::Paused => f.write_str("rate limited by the server (HTTP 429)"),
            WaitReason::Retry { status: Some(429) } => {
                f.write_str("rate limited by the server (HTTP 429), then retrying")
            }
            WaitReason::Retry {
                status: Some(status),
            } => write!(f, "retrying after HTTP {status}"),
            WaitReason::Retry { status: None } => f.write_str("retrying after a failed connection"),
        }
    }
}

/// The observer a client was built with, if any.
#[derive(Clone, Default)]
pub(crate) struct Observers(Option<Arc<dyn Observer>>);

impl Observers {
    pub(crate) fn new(observer: Option<Arc<dyn Observer>>) -> Self {
        Observers(observer)
    }

    /// Tells the observer that a call waits `duration` for `reason`.
    pub(crate) fn waiting(&self, reason: WaitReason, duration: Duration) {
        if let Some(observer) = &self.0 {
            if !duration.is_zero() {
                observer.waiting(&Wait { reason, duration });
            }
        }
    }

    pub(crate) fn is_set(&self) -> bool {
        self.0.is_some()
    }
}

impl fmt::Debug for Observers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_set() { "Some(..)" } else { "None" })
    }
}
