//! OAuth 2.0 client-credentials tokens, fetched once and shared.

use std::fmt;
use std::time::Duration;

use reqwest::header::ACCEPT;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::{error_body, Error, Result};

/// Stop using a token this long before the server says it expires, so a
/// request never leaves with a token that dies in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// Lifetime assumed when a token response has no `expires_in` (Halo's usual).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Longest a token is trusted, whatever `expires_in` claims; also keeps the
/// refresh deadline far from `Instant` overflow.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// What the token endpoint needs. The secret never appears in `Debug`.
pub(crate) struct Credentials {
    pub(crate) token_url: Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) scope: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("scope", &self.scope)
            .finish()
    }
}

/// A token handed to one request, tagged so a 401 can retire exactly it.
#[derive(Clone)]
pub(crate) struct AccessToken {
    pub(crate) secret: SecretString,
    generation: u64,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"[REDACTED]")
            .field("generation", &self.generation)
            .finish()
    }
}

/// The cached token. The lock is held across a fetch, so concurrent callers
/// that find no token wait for one fetch instead of each starting their own.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    state: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    current: Option<Cached>,
    generations: u64,
}

#[derive(Debug)]
struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

impl TokenCache {
    /// A token that is valid for at least the expiry margin, fetching one if needed.
    pub(crate) async fn get(
        &self,
        http: &reqwest::Client,
        credentials: &Credentials,
        timeout: Option<Duration>,
    ) -> Result<AccessToken> {
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.current {
            if Instant::now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        let (secret, lifetime) = fetch(http, credentials, timeout).await?;
        state.generations += 1;
        let token = AccessToken {
            secret,
            generation: state.generations,
        };
        // Short-lived tokens keep half their life rather than none.
        let margin = EXPIRY_MARGIN.min(lifetime / 2);
        state.current = Some(Cached {
            token: token.clone(),
            refresh_at: Instant::now() + (lifetime - margin),
        });
        Ok(token)
    }

    /// Drops `token` if it is still the cached one. A token that another
    /// request already replaced is left alone, so one 401 costs one fetch.
    pub(crate) async fn invalidate(&self, token: &AccessToken) {
        let mut state = self.state.lock().await;
        if state
            .current
            .as_ref()
            .is_some_and(|c| c.token.generation == token.generation)
        {
            state.current = None;
        }
    }
}

/// Requests a new token: a form POST of the client credentials.
async fn fetch(
    http: &reqwest::Client,
    credentials: &Credentials,
    timeout: Option<Duration>,
) -> Result<(SecretString, Duration)> {
    tracing::debug!(url = %credentials.token_url, "requesting an access token");
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", credentials.client_id.as_str()),
        ("client_secret", credentials.client_secret.expose_secret()),
        ("scope", credentials.scope.as_str()),
    ];
    let mut request = http
        .post(credentials.token_url.clone())
        .header(ACCEPT, "application/json")
        .form(&form);
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request.send().await.map_err(Error::Transport)?;
    let status = response.status();
    let body = response.bytes().await.map_err(Error::Transport)?;
    if !status.is_success() {
        let body = String::from_utf8_lossy(&body).into_owned();
        let parsed = error_body::parse(status.as_u16(), &body);
        return Err(Error::Auth {
            status: Some(status.as_u16()),
            code: parsed.code,
            message: parsed.message,
            body,
        });
    }
    parse_token(&body)
}

/// Reads `access_token` and `expires_in`. Errors never quote the body: a
/// malformed success response may still hold a live token.
fn parse_token(body: &[u8]) -> Result<(SecretString, Duration)> {
    let withheld = |path: &str, message: &str| Error::Decode {
        path: path.to_owned(),
        message: message.to_owned(),
        snippet: "[token response withheld]".to_owned(),
    };
    let value: Value =
        serde_json::from_slice(body).map_err(|_| withheld(".", "token response is not JSON"))?;
    let secret = value
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(SecretString::from)
        .ok_or_else(|| withheld("access_token", "token response has no access_token"))?;
    let lifetime = match value.get("expires_in") {
        None | Some(Value::Null) => DEFAULT_LIFETIME,
        Some(Value::Number(n)) => n
            .as_f64()
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .ok_or_else(|| withheld("expires_in", "expires_in is not a number of seconds"))?,
        Some(Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| withheld("expires_in", "expires_in is not a number of seconds"))?,
        Some(_) => {
            return Err(withheld(
                "expires_in",
                "expires_in is not a number of seconds",
            ))
        }
    };
    Ok((secret, lifetime.min(MAX_LIFETIME)))
}
