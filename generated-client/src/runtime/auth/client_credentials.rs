//! The OAuth 2.0 client-credentials flow the client uses by default: a form
//! POST of the client id and secret to Halo's token endpoint, found up front
//! or asked of the instance's `AuthInfo` endpoint.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::OnceCell;
use tokio::time::Instant;
use url::Url;

use super::source::{AccessToken, TokenSource};
use crate::runtime::error_body::{self, redact};
use crate::runtime::transport::{SendError, Transport};
use crate::runtime::url_policy::{ensure_secure, join, parse_http_url, redirect_not_followed};
use crate::runtime::{Error, Result};

/// Lifetime assumed when a token response has no `expires_in` (Halo's usual).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// The OAuth 2.0 client-credentials flow against Halo's token endpoint.
pub(crate) struct ClientCredentials {
    /// The client's transport: its user agent, timeout and body limit apply
    /// to token and discovery requests too.
    pub(crate) transport: Transport,
    pub(crate) endpoint: TokenEndpoint,
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) scope: String,
}

/// Where the token endpoint is.
pub(crate) enum TokenEndpoint {
    /// Known up front: an explicit auth URL, or `{base}/auth/token`, each
    /// with `?tenant=` when a tenant is set.
    Fixed(Url),
    /// Asked of the instance's `AuthInfo` endpoint before the first token
    /// request, falling back to the default URL if that fails.
    Discover(Box<Discovery>),
}

impl TokenEndpoint {
    /// The token endpoint the settings name: `auth_url`, the instance's
    /// answer when `discover` is set, or `{base_url}/auth/token`; each with
    /// `?tenant=` when a tenant is set.
    pub(crate) fn new(
        base_url: &Url,
        auth_url: Option<&str>,
        discover: bool,
        tenant: Option<&str>,
        allow_insecure_http: bool,
    ) -> Result<TokenEndpoint> {
        let auth = &crate::API.auth;
        let default_url = with_tenant(join(base_url, &[auth.token_path])?, tenant);
        match (auth_url, discover) {
            (Some(_), true) => Err(Error::Config {
                message: "auth_url and discover_auth_url exclude each other: set one".to_owned(),
            }),
            (Some(url), false) => {
                let url = parse_http_url("auth_url", url)?;
                ensure_secure("auth_url", &url, allow_insecure_http)?;
                Ok(TokenEndpoint::Fixed(with_tenant(url, tenant)))
            }
            (None, false) => Ok(TokenEndpoint::Fixed(default_url)),
            (None, true) => Ok(TokenEndpoint::Discover(Box::new(Discovery {
                info_url: join(base_url, &[auth.discovery_path])?,
                fallback: default_url,
                tenant: tenant.map(str::to_owned),
                allow_insecure_http,
                found: OnceCell::new(),
            }))),
        }
    }
}

/// How to discover the token endpoint, and what was found.
pub(crate) struct Discovery {
    info_url: Url,
    fallback: Url,
    tenant: Option<String>,
    allow_insecure_http: bool,
    found: OnceCell<Url>,
}

impl TokenSource for ClientCredentials {
    fn fetch_token(&self) -> BoxFuture<'_, Result<AccessToken>> {
        Box::pin(self.request())
    }
}

impl ClientCredentials {
    /// Requests a new token: a form POST of the client credentials.
    async fn request(&self) -> Result<AccessToken> {
        let url = self.token_url().await?;
        tracing::debug!(url = %url, "requesting an access token");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("scope", self.scope.as_str()),
        ];
        let started = Instant::now();
        let request = self.transport.request(Method::POST, url).form(&form);
        let response = self
            .transport
            .send(request)
            .await
            .map_err(|err| match err {
                SendError::Transport(err) => Error::from_transport(err, started.elapsed()),
                SendError::TooLarge(err) => err,
            })?;
        let status = response.status;
        if !status.is_success() {
            // An error page may echo the form, client secret included.
            let body = redact(
                String::from_utf8_lossy(&response.body).into_owned(),
                self.client_secret.expose_secret(),
            );
            let parsed = error_body::parse(status.as_u16(), &body);
            let code = parsed.code.or_else(|| tenant_not_found(&parsed.message));
            let message = redirect_not_followed(status.as_u16(), response.header(LOCATION))
                .unwrap_or(parsed.message);
            return Err(Error::Auth {
                status: Some(status.as_u16()),
                code,
                message,
                body,
            });
        }
        parse_token(&response.body, response.header(CONTENT_TYPE))
    }

    async fn token_url(&self) -> Result<Url> {
        match &self.endpoint {
            TokenEndpoint::Fixed(url) => Ok(url.clone()),
            TokenEndpoint::Discover(discovery) => {
                if let Some(url) = discovery.found.get() {
                    return Ok(url.clone());
                }
                match self
                    .discover(&discovery.info_url, discovery.tenant.as_deref())
                    .await
                {
                    Ok(url) => {
                        ensure_secure(
                            "the discovered auth_url",
                            &url,
                            discovery.allow_insecure_http,
                        )?;
                        tracing::debug!(url = %url, "discovered the token endpoint");
                        Ok(discovery.found.get_or_init(|| async { url }).await.clone())
                    }
                    Err(why) => {
                        tracing::warn!(
                            url = %discovery.info_url,
                            reason = %why,
                            "auth discovery failed: using the default token URL"
                        );
                        Ok(discovery.fallback.clone())
                    }
                }
            }
        }
    }

    /// Reads `auth_url` (and `tenant_id`) from `GET {base}/api/AuthInfo`:
    /// the token endpoint is `{auth_url}/token`.
    async fn discover(
        &self,
        info_url: &Url,
        tenant: Option<&str>,
    ) -> std::result::Result<Url, String> {
        let request = self.transport.request(Method::GET, info_url.clone());
        let response = self
            .transport
            .send(request)
            .await
            .map_err(|err| match err {
                SendError::Transport(err) => err.to_string(),
                SendError::TooLarge(err) => err.to_string(),
            })?;
        if !response.status.is_success() {
            return Err(format!("HTTP {}", response.status.as_u16()));
        }
        let info: Value = serde_json::from_slice(&response.body).map_err(|err| err.to_string())?;
        let field = |name: &str| {
            info.get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let auth_url = field("auth_url").ok_or("no auth_url in the answer")?;
        let base = parse_http_url("auth_url", auth_url).map_err(|err| err.to_string())?;
        let url = join(&base, &["token"]).map_err(|err| err.to_string())?;
        Ok(with_tenant(url, tenant.or_else(|| field("tenant_id"))))
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("ClientCredentials");
        match &self.endpoint {
            TokenEndpoint::Fixed(url) => s.field("token_url", &url.as_str()),
            TokenEndpoint::Discover(discovery) => s.field("discover", &discovery.info_url.as_str()),
        };
        s.field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("scope", &self.scope)
            .finish()
    }
}

/// `url` with the tenant parameter, when there is a tenant.
fn with_tenant(mut url: Url, tenant: Option<&str>) -> Url {
    if let Some(tenant) = tenant {
        url.query_pairs_mut()
            .append_pair(crate::API.auth.tenant_param, tenant);
    }
    url
}

/// Halo sends no OAuth code for an unknown tenant, only a message; give it
/// one so callers can match on it.
fn tenant_not_found(message: &str) -> Option<String> {
    let message = message.to_ascii_lowercase();
    (message.contains("tenant") && (message.contains("not found") || message.contains("invalid")))
        .then(|| "tenant_not_found".to_owned())
}

/// Reads `access_token` and `expires_in`. Errors never quote the body: a
/// malformed success response may still hold a live token.
fn parse_token(body: &[u8], content_type: Option<&str>) -> Result<AccessToken> {
    let withheld = |path: &str, message: &str| Error::Decode {
        path: path.to_owned(),
        message: message.to_owned(),
        snippet: "[token response withheld]".to_owned(),
    };
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        let message = match content_type {
            Some(content_type) => format!(
                "token response is not JSON (Content-Type: {})",
                error_body::bounded(content_type)
            ),
            None => "token response is not JSON".to_owned(),
        };
        withheld(".", &message)
    })?;
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
    Ok(AccessToken {
        secret,
        expires_in: Some(lifetime),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_token_json(body: &[u8]) -> Result<AccessToken> {
        parse_token(body, Some("application/json"))
    }

    #[test]
    fn token_responses_parse_leniently() {
        let token = parse_token_json(br#"{"access_token":"t","expires_in":"90"}"#).expect("string");
        assert_eq!(token.expires_in(), Some(Duration::from_secs(90)));
        let token = parse_token_json(br#"{"access_token":"t"}"#).expect("no expiry");
        assert_eq!(token.expires_in(), Some(DEFAULT_LIFETIME));
        assert!(parse_token_json(br#"{"access_token":""}"#).is_err());
        assert!(parse_token_json(br#"{"access_token":"t","expires_in":-5}"#).is_err());
        let err = parse_token(b"access_token=live", Some("text/plain")).expect_err("not JSON");
        assert!(err.to_string().contains("text/plain"), "{err}");
        assert!(!format!("{err:?}").contains("live"));
    }

    #[test]
    fn an_unknown_tenant_gets_a_code() {
        assert_eq!(
            tenant_not_found("Tenant not found").as_deref(),
            Some("tenant_not_found")
        );
        assert_eq!(
            tenant_not_found("Invalid tenant 'acme'").as_deref(),
            Some("tenant_not_found")
        );
        assert_eq!(tenant_not_found("invalid_client"), None);
    }
}
