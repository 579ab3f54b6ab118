//! The client handle and its shared state.
//!
//! `HaloClient::builder` and `from_env` are defined in `builder.rs`, and
//! `execute_with` in `call/`: both build on this file, so it imports
//! neither.

use std::fmt;
use std::sync::Arc;

use url::Url;

use super::auth::{IssuedToken, TokenCache};
use super::observe::Observers;
use super::query::Query;
use super::rate_limit::Limiter;
use super::transport::Transport;
use super::url_policy::{join, push_segment};
use super::{RateLimit, Result, RetryPolicy};

/// A HaloPSA API client.
///
/// Cheap to clone: clones share one connection pool, one token cache, one
/// rate limiter and one rate-limit pause. Build one with
/// [`HaloClient::builder`] or [`HaloClient::from_env`]; the generated code
/// adds one method per collection, e.g. `client.tickets()`.
#[derive(Clone)]
pub struct HaloClient {
    inner: Arc<Inner>,
}

/// What every clone of a client shares.
pub(crate) struct Inner {
    pub(crate) transport: Transport,
    /// `base_url` joined with the spec's base path, e.g. `https://x/api`.
    pub(crate) api_base: Url,
    pub(crate) tenant: Option<String>,
    pub(crate) tokens: TokenCache,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Limiter,
    /// Who is told when a call waits.
    pub(crate) observers: Observers,
}

impl HaloClient {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        HaloClient {
            inner: Arc::new(inner),
        }
    }

    /// The root of the resource endpoints, e.g. `https://x.halopsa.com/api`.
    pub fn api_base(&self) -> &Url {
        &self.inner.api_base
    }

    /// The rate limit in force: the configured one, or a stricter one the
    /// server stated in a 429 (see [`RateLimit`]).
    pub fn rate_limit(&self) -> RateLimit {
        self.inner.limiter.limit()
    }

    /// The retry policy of calls that do not set their own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The URL of a resource endpoint: `api_base/{segments}?{query}`.
    pub(crate) fn endpoint(&self, segments: &[&str], query: &Query) -> Result<Url> {
        let mut url = join(&self.inner.api_base, segments)?;
        let mut pairs = query.pairs().peekable();
        // An empty `query_pairs_mut` would leave a bare `?` behind.
        if pairs.peek().is_some() {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        Ok(url)
    }

    /// The URL of one record: the collection's path, then its id as a single
    /// segment (a `/` inside a text key is encoded, never a separator).
    pub(crate) fn item_endpoint(&self, path: &str, id: &str, query: &Query) -> Result<Url> {
        let mut url = self.endpoint(&[path], query)?;
        push_segment(&mut url, id)?;
        Ok(url)
    }

    /// Where every request of this client is sent from.
    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The rate limiter and pause every clone shares.
    pub(crate) fn limiter(&self) -> &Limiter {
        &self.inner.limiter
    }

    /// Who is told when a call waits.
    pub(crate) fn observers(&self) -> &Observers {
        &self.inner.observers
    }

    /// A valid access token, from the cache or freshly fetched.
    pub(crate) async fn token(&self) -> Result<IssuedToken> {
        self.inner.tokens.get().await
    }

    /// Retires a token the API rejected.
    pub(crate) fn invalidate(&self, token: &IssuedToken) {
        self.inner.tokens.invalidate(token);
    }
}

impl fmt::Debug for HaloClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("HaloClient")
            .field("api_base", &inner.api_base.as_str())
            .field("tenant", &inner.tenant)
            .field("token_source", &inner.tokens.source())
            .field("timeout", &inner.transport.timeout())
            .field("retry", &inner.retry)
            .field("limiter", &inner.limiter)
            .field("max_response_bytes", &inner.transport.max_response_bytes())
            .field("observer", &inner.observers)
            .finish_non_exhaustive()
    }
}
