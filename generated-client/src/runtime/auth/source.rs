//! Where access tokens come from: the [`TokenSource`] trait, the
//! [`AccessToken`] it returns, and [`StaticToken`], a fixed token.
//!
//! A source only fetches; caching, refresh ahead of expiry, single flight
//! and the 401 handling are the client's (see `cache.rs`), the same for
//! every source.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use secrecy::SecretString;

use crate::runtime::Result;

/// Supplies access tokens to a [`HaloClient`](crate::runtime::HaloClient).
///
/// The client calls [`fetch_token`](Self::fetch_token) when it has no valid
/// token: on the first request, when the cached token nears its expiry, and
/// after the API answered 401. Concurrent requests share one call, and a
/// failure is reported to all of them; the next request calls again.
///
/// Implement it to take tokens from somewhere else than Halo's token
/// endpoint, e.g. a secrets vault; [`StaticToken`] covers a fixed token.
/// `Debug` output must not show the token.
///
/// ```
/// use futures::future::BoxFuture;
/// use halopsa::{AccessToken, TokenSource};
///
/// #[derive(Debug)]
/// struct Vault;
///
/// impl TokenSource for Vault {
///     fn fetch_token(&self) -> BoxFuture<'_, halopsa::Result<AccessToken>> {
///         Box::pin(async {
///             let secret = String::from("from-the-vault"); // ask the vault here
///             Ok(AccessToken::new(secret).with_expires_in(std::time::Duration::from_secs(600)))
///         })
///     }
/// }
///
/// let halo = halopsa::HaloClient::builder()
///     .base_url("https://example.halopsa.com")
///     .token_source(Vault)
///     .build()?;
/// # Ok::<(), halopsa::Error>(())
/// ```
pub trait TokenSource: fmt::Debug + Send + Sync + 'static {
    /// Fetches a new access token.
    ///
    /// Errors are returned to every request waiting for the token. Return
    /// [`Error::Auth`](crate::runtime::Error::Auth) for refused credentials; an error for which
    /// [`Error::is_retryable`](crate::runtime::Error::is_retryable) holds lets the request retry.
    fn fetch_token(&self) -> BoxFuture<'_, Result<AccessToken>>;
}

/// An access token and how long it stays valid.
#[derive(Clone)]
pub struct AccessToken {
    pub(crate) secret: SecretString,
    pub(crate) expires_in: Option<Duration>,
}

impl AccessToken {
    /// A token that stays valid until the API rejects it.
    pub fn new(secret: impl Into<SecretString>) -> Self {
        AccessToken {
            secret: secret.into(),
            expires_in: None,
        }
    }

    /// Sets the token's remaining lifetime; the client fetches a new one
    /// shortly before it ends.
    pub fn with_expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    /// The remaining lifetime given when the token was made, if any.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"[REDACTED]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// A fixed bearer token, e.g. one issued by hand for a script.
///
/// It never expires on the client's side; if the API rejects it, the
/// request fails with [`Error::Auth`](crate::runtime::Error::Auth).
#[derive(Clone)]
pub struct StaticToken {
    secret: SecretString,
}

impl StaticToken {
    /// Uses this token for every request.
    pub fn new(token: impl Into<SecretString>) -> Self {
        StaticToken {
            secret: token.into(),
        }
    }
}

impl TokenSource for StaticToken {
    fn fetch_token(&self) -> BoxFuture<'_, Result<AccessToken>> {
        let token = AccessToken {
            secret: self.secret.clone(),
            expires_in: None,
        };
        Box::pin(async move { Ok(token) })
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_is_redacted() {
        let token = AccessToken::new("very-secret").with_expires_in(Duration::from_secs(1));
        let shown = format!("{token:?} {:?}", StaticToken::new("very-secret"));
        assert!(!shown.contains("very-secret"), "{shown}");
    }
}
