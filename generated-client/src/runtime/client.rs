//! The client handle and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::auth::{AccessToken, Credentials, TokenCache};
use super::query::Query;
use super::{Error, Result};

/// A HaloPSA API client.
///
/// Cheap to clone: clones share one connection pool and one token cache.
/// Build one with [`HaloClient::builder`]; the generated code adds one method
/// per collection, e.g. `client.tickets()`.
#[derive(Clone)]
pub struct HaloClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `base_url` joined with the spec's base path, e.g. `https://x/api`.
    api_base: Url,
    tenant: Option<String>,
    credentials: Credentials,
    tokens: TokenCache,
    timeout: Option<Duration>,
}

impl HaloClient {
    /// Starts configuring a client.
    pub fn builder() -> HaloClientBuilder {
        HaloClientBuilder::default()
    }

    /// The root of the resource endpoints, e.g. `https://x.halopsa.com/api`.
    pub fn api_base(&self) -> &Url {
        &self.inner.api_base
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

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
    }

    /// A valid access token, from the cache or freshly fetched.
    pub(crate) async fn token(&self) -> Result<AccessToken> {
        let inner = &self.inner;
        inner
            .tokens
            .get(&inner.http, &inner.credentials, inner.timeout)
            .await
    }

    /// Retires a token the API rejected.
    pub(crate) async fn invalidate(&self, token: &AccessToken) {
        self.inner.tokens.invalidate(token).await;
    }
}

impl fmt::Debug for HaloClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HaloClient")
            .field("api_base", &self.inner.api_base.as_str())
            .field("tenant", &self.inner.tenant)
            .field("credentials", &self.inner.credentials)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Configures a [`HaloClient`]; see [`HaloClient::builder`].
///
/// `base_url`, `client_id` and `client_secret` are required.
#[derive(Default)]
pub struct HaloClientBuilder {
    base_url: Option<String>,
    auth_url: Option<String>,
    tenant: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    scope: Option<String>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
}

impl HaloClientBuilder {
    /// The instance URL, e.g. `https://example.halopsa.com` (a trailing
    /// slash and a path prefix for self-hosted installs are fine).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The cloud tenant name, sent as a query parameter to the token
    /// endpoint. Leave unset or empty for self-hosted instances.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// The API application's client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The API application's client secret.
    pub fn client_secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The OAuth scopes, space-separated; defaults to the spec's default scope.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// The full token endpoint URL, for instances whose auth server lives
    /// elsewhere (e.g. trial tenants). Defaults to `base_url` plus the
    /// spec's token path.
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = Some(url.into());
        self
    }

    /// Uses this HTTP client instead of a default one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// A per-request timeout, token requests included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<HaloClient> {
        let base_url = self
            .base_url
            .as_deref()
            .ok_or_else(|| config("base_url is required, e.g. https://example.halopsa.com"))?;
        let base_url = parse_http_url("base_url", base_url)?;
        let client_id = required("client_id", self.client_id)?;
        let client_secret = self
            .client_secret
            .filter(|s| !secrecy::ExposeSecret::expose_secret(s).trim().is_empty())
            .ok_or_else(|| config("client_secret is required"))?;
        let tenant = self
            .tenant
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        let scope = self
            .scope
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| crate::API.auth.default_scope.to_owned());

        let auth = &crate::API.auth;
        let mut token_url = match self.auth_url.as_deref() {
            Some(url) => parse_http_url("auth_url", url)?,
            None => join(&base_url, &[auth.token_path])?,
        };
        if let Some(tenant) = &tenant {
            token_url
                .query_pairs_mut()
                .append_pair(auth.tenant_param, tenant);
        }
        let api_base = join(&base_url, &[crate::API.base_path])?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(concat!("halopsa-rs/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|err| config(format!("cannot create the HTTP client: {err}")))?,
        };

        Ok(HaloClient {
            inner: Arc::new(Inner {
                http,
                api_base,
                tenant,
                credentials: Credentials {
                    token_url,
                    client_id,
                    client_secret,
                    scope,
                },
                tokens: TokenCache::default(),
                timeout: self.timeout,
            }),
        })
    }
}

impl fmt::Debug for HaloClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HaloClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth_url", &self.auth_url)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("scope", &self.scope)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn config(message: impl Into<String>) -> Error {
    Error::Config {
        message: message.into(),
    }
}

fn required(name: &str, value: Option<String>) -> Result<String> {
    value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| config(format!("{name} is required")))
}

/// An absolute http(s) URL with a host and no query or fragment.
fn parse_http_url(name: &str, text: &str) -> Result<Url> {
    let text = text.trim();
    let url = Url::parse(text)
        .map_err(|err| config(format!("{name} `{text}` is not a valid URL: {err}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(config(format!(
            "{name} `{text}` must be an http or https URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config(format!(
            "{name} `{text}` must not have a query or fragment"
        )));
    }
    Ok(url)
}

/// Appends path segments to `base`. Each part may hold several segments
/// (`/auth/token`); empty ones are skipped so slashes never double up, and
/// each segment is percent-encoded.
fn join(base: &Url, parts: &[&str]) -> Result<Url> {
    let mut url = base.clone();
    {
        let mut segments = url
            .path_segments_mut()
            .map_err(|()| config(format!("`{base}` cannot take a path")))?;
        segments.pop_if_empty();
        for part in parts {
            segments.extend(part.split('/').filter(|s| !s.is_empty()));
        }
    }
    Ok(url)
}
