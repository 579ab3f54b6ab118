//! The token cache: one token shared by every request of a client, fetched
//! from its [`TokenSource`] once, refreshed ahead of expiry.
//!
//! Single flight: the first request that finds no valid token starts one
//! shared fetch; every request arriving meanwhile awaits the same fetch and
//! gets its result, token or error. The fetch keeps going if the request
//! that started it is cancelled, as long as anyone still waits. A failed
//! fetch leaves the cache empty, so the next request tries again.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt, Shared};
use secrecy::SecretString;
use tokio::time::Instant;

use super::source::{AccessToken, TokenSource};
use crate::runtime::rate_limit::millis;
use crate::runtime::Result;

/// Longest a token is trusted, whatever its source claims; also keeps the
/// refresh deadline far from `Instant` overflow.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A token handed to one request, tagged so a 401 can retire exactly it.
#[derive(Clone)]
pub(crate) struct IssuedToken {
    pub(crate) secret: SecretString,
    generation: u64,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("secret", &"[REDACTED]")
            .field("generation", &self.generation)
            .finish()
    }
}

type Fetch = Shared<BoxFuture<'static, Result<IssuedToken>>>;

/// The cache. Its lock is never held across an await.
pub(crate) struct TokenCache {
    inner: Arc<CacheInner>,
}

struct CacheInner {
    source: Arc<dyn TokenSource>,
    /// Refresh this long before the token expires (at most half its life).
    margin: Duration,
    state: Mutex<State>,
}

struct State {
    slot: Slot,
    generations: u64,
}

enum Slot {
    Empty,
    Ready {
        token: IssuedToken,
        /// `None`: valid until the API rejects it.
        refresh_at: Option<Instant>,
    },
    Fetching(Fetch),
}

impl TokenCache {
    pub(crate) fn new(source: Arc<dyn TokenSource>, margin: Duration) -> Self {
        TokenCache {
            inner: Arc::new(CacheInner {
                source,
                margin,
                state: Mutex::new(State {
                    slot: Slot::Empty,
                    generations: 0,
                }),
            }),
        }
    }

    /// A valid token, from the cache or from the (shared) fetch.
    pub(crate) async fn get(&self) -> Result<IssuedToken> {
        let fetch = {
            let mut state = self.inner.lock();
            match &state.slot {
                Slot::Ready { token, refresh_at }
                    if refresh_at.is_none_or(|at| Instant::now() < at) =>
                {
                    return Ok(token.clone());
                }
                Slot::Fetching(fetch) => fetch.clone(),
                Slot::Ready { .. } | Slot::Empty => {
                    let fetch = self.start_fetch();
                    state.slot = Slot::Fetching(fetch.clone());
                    fetch
                }
            }
        };
        fetch.await
    }

    /// Drops `token` if it is still the cached one. A token that another
    /// request already replaced is left alone, so one 401 costs one fetch.
    pub(crate) fn invalidate(&self, token: &IssuedToken) {
        let mut state = self.inner.lock();
        if matches!(&state.slot, Slot::Ready { token: current, .. } if current.generation == token.generation)
        {
            tracing::debug!(
                generation = token.generation,
                "access token rejected: dropping it"
            );
            state.slot = Slot::Empty;
        }
    }

    pub(crate) fn source(&self) -> &dyn TokenSource {
        &*self.inner.source
    }

    fn start_fetch(&self) -> Fetch {
        let source = Arc::clone(&self.inner.source);
        // Weak: a fetch nobody awaits any more must not keep the cache alive.
        let cache: Weak<CacheInner> = Arc::downgrade(&self.inner);
        async move {
            tracing::debug!("fetching an access token");
            let result = source.fetch_token().await;
            match cache.upgrade() {
                Some(cache) => cache.settle(result),
                None => result.map(|token| IssuedToken {
                    secret: token.secret,
                    generation: 0,
                }),
            }
        }
        .boxed()
        .shared()
    }
}

impl CacheInner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores the outcome of a fetch and hands it to the waiters.
    fn settle(&self, result: Result<AccessToken>) -> Result<IssuedToken> {
        let mut state = self.lock();
        match result {
            Ok(token) => {
                state.generations += 1;
                let issued = IssuedToken {
                    secret: token.secret,
                    generation: state.generations,
                };
                let refresh_at = token.expires_in.map(|lifetime| {
                    let lifetime = lifetime.min(MAX_LIFETIME);
                    // Short-lived tokens keep half their life rather than none.
                    Instant::now() + (lifetime - self.margin.min(lifetime / 2))
                });
                tracing::debug!(
                    generation = issued.generation,
                    expires_in_ms = token.expires_in.map(millis),
                    "access token refreshed"
                );
                state.slot = Slot::Ready {
                    token: issued.clone(),
                    refresh_at,
                };
                Ok(issued)
            }
            Err(err) => {
                tracing::warn!(error = %err, "access token request failed");
                state.slot = Slot::Empty;
                Err(err)
            }
        }
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("source", &self.inner.source)
            .field("margin", &self.inner.margin)
            .finish_non_exhaustive()
    }
}
