//! The client builder: every setting, its default, and the checks that
//! turn bad configuration into an error at build time. Building wires the
//! parts together: the transport, the token source and its cache, the rate
//! limiter and the retry policy.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use super::auth::{ClientCredentials, TokenCache, TokenEndpoint, TokenSource};
use super::client::{HaloClient, Inner};
use super::observe::{Observer, Observers};
use super::rate_limit::{Limiter, RateLimit};
use super::transport::Transport;
use super::url_policy::{self, ensure_secure, join, parse_http_url};
use super::{Error, Result, RetryPolicy};

/// Per-request timeout unless configured.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Connect timeout of the HTTP client the builder creates.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Stop using a token this long before it expires, so a request never
/// leaves with a token that dies in flight.
const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// The largest response body read unless configured: generous, since a
/// page of 100 records with details is a few MiB at most.
const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// The `User-Agent` unless configured.
const DEFAULT_USER_AGENT: &str = concat!("halopsa-rs/", env!("CARGO_PKG_VERSION"));

/// The environment variables [`HaloClientBuilder::from_env`] reads.
const ENV_BASE_URL: &str = "HALOPSA_BASE_URL";
const ENV_CLIENT_ID: &str = "HALOPSA_CLIENT_ID";
const ENV_CLIENT_SECRET: &str = "HALOPSA_CLIENT_SECRET";
const ENV_TENANT: &str = "HALOPSA_TENANT";
const ENV_SCOPE: &str = "HALOPSA_SCOPE";
const ENV_AUTH_URL: &str = "HALOPSA_AUTH_URL";

/// Configures a [`HaloClient`]; see [`HaloClient::builder`].
///
/// `base_url` is required, and so are `client_id` and `client_secret`
/// unless a [`token_source`](Self::token_source) supplies the tokens.
/// Everything else has a default:
///
/// | setting | default |
/// | --- | --- |
/// | tenant | none (self-hosted) |
/// | scope | the spec's default scope (`all`) |
/// | token URL | `{base_url}/auth/token`, plus `?tenant=` when a tenant is set |
/// | timeout | 60 s per request |
/// | connect timeout | 10 s |
/// | retry policy | [`RetryPolicy::default`] |
/// | rate limit | [`RateLimit::from_spec`] (700 per 300 s) |
/// | token refresh margin | 60 s (at most half the token's life) |
/// | user agent | `halopsa-rs/{version}` |
/// | largest response body | 64 MiB |
/// | redirects | followed within the same origin only, at most 5 in a row |
#[derive(Default)]
pub struct HaloClientBuilder {
    base_url: Option<String>,
    auth_url: Option<String>,
    discover_auth_url: bool,
    tenant: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    scope: Option<String>,
    token_source: Option<Arc<dyn TokenSource>>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    rate_limit: Option<RateLimit>,
    refresh_margin: Option<Duration>,
    max_response_bytes: Option<u64>,
    allow_insecure_http: bool,
    observer: Option<Arc<dyn Observer>>,
}

impl HaloClient {
    /// Starts configuring a client.
    pub fn builder() -> HaloClientBuilder {
        HaloClientBuilder::default()
    }

    /// A client configured from the environment; see
    /// [`HaloClientBuilder::from_env`] for the variables.
    pub fn from_env() -> Result<HaloClient> {
        HaloClientBuilder::from_env().build()
    }
}

impl HaloClientBuilder {
    /// A builder holding the settings found in the environment:
    /// `HALOPSA_BASE_URL`, `HALOPSA_CLIENT_ID`, `HALOPSA_CLIENT_SECRET`,
    /// `HALOPSA_TENANT` (empty or unset: self-hosted), `HALOPSA_SCOPE` and
    /// `HALOPSA_AUTH_URL`. Unset (or non-UTF-8) variables leave their
    /// setting at its default; later calls override any of them.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables taken from `lookup`.
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        HaloClientBuilder {
            base_url: set(ENV_BASE_URL),
            client_id: set(ENV_CLIENT_ID),
            client_secret: set(ENV_CLIENT_SECRET).map(SecretString::from),
            tenant: set(ENV_TENANT),
            scope: set(ENV_SCOPE),
            auth_url: set(ENV_AUTH_URL),
            ..HaloClientBuilder::default()
        }
    }

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
    /// spec's token path. `?tenant=` is added when a tenant is set.
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = Some(url.into());
        self
    }

    /// Asks the instance for its token endpoint (`GET {base_url}/api/AuthInfo`,
    /// which needs no token) before the first token request, instead of
    /// assuming `{base_url}/auth/token`. If the instance does not answer
    /// usefully, the default is used. Excludes [`auth_url`](Self::auth_url).
    pub fn discover_auth_url(mut self, discover: bool) -> Self {
        self.discover_auth_url = discover;
        self
    }

    /// Takes access tokens from `source` (a static token, a vault, ...)
    /// instead of the client-credentials flow; client id and secret must
    /// then be left unset.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.token_source = Some(Arc::new(source));
        self
    }

    /// Uses this HTTP client instead of a default one. Configure its
    /// connect timeout, proxy and TLS on it; the builder's
    /// [`connect_timeout`](Self::connect_timeout) cannot be applied to it.
    ///
    /// Its redirect policy applies too, and reqwest's default follows
    /// redirects to other hosts, re-sending the body of a 307 or 308 there:
    /// for the token request, that body holds the client secret. Build it
    /// with [`redirect_policy`](Self::redirect_policy) to keep the
    /// builder's rule:
    ///
    /// ```
    /// use halopsa::HaloClientBuilder;
    ///
    /// let http = reqwest::Client::builder()
    ///     .redirect(HaloClientBuilder::redirect_policy())
    ///     .build()?;
    /// let builder = HaloClientBuilder::default().http_client(http);
    /// # let _ = builder;
    /// # Ok::<(), reqwest::Error>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The timeout of each request (token requests included); each retry
    /// gets a fresh one, and the retry policy's total budget bounds them all.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long to wait for a connection to be made.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `halopsa-rs/{version}`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// How failed calls are retried; each request can override it with its
    /// own `retry_policy`.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The client-side request rate limit, shared by every clone of the
    /// client; [`RateLimit::disabled`] turns it off.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Fetch a new token this long before the current one expires (at most
    /// half the token's lifetime).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// The largest response body the client reads, in bytes (default
    /// 64 MiB; at least 1). A response announcing a larger `Content-Length`
    /// is refused before its body is read, and reading any other stops as
    /// soon as it passes the limit, with [`Error::ResponseTooLarge`]. Applies
    /// to API, token and discovery responses alike.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// The redirect policy of the HTTP client the builder creates: a
    /// redirect is followed only when it stays on the origin (scheme, host
    /// and port) of the request, at most 5 in a row. Any other redirect is
    /// not followed and the call fails with the 3xx status and a message
    /// naming where it pointed, so neither the `Authorization` header nor a
    /// request body (the token request's holds the client secret) ever
    /// reaches another host, or the same host over plain http.
    ///
    /// Use it for a client you pass to [`http_client`](Self::http_client).
    pub fn redirect_policy() -> reqwest::redirect::Policy {
        url_policy::redirect_policy()
    }

    /// Allows plain `http://` URLs to hosts other than loopback, which send
    /// the client secret and tokens unencrypted. Off by default; meant for
    /// test rigs behind a trusted network.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Tells `observer` whenever a call waits: for the rate limit, for the
    /// pause after a 429, or before a retry (see [`Observer`]). A progress
    /// display uses it to say why a long job is not moving.
    pub fn observer(mut self, observer: impl Observer) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<HaloClient> {
        let base_url = self.base_url.as_deref().ok_or_else(|| {
            config(format!(
                "base_url is required (or {ENV_BASE_URL}), e.g. https://example.halopsa.com"
            ))
        })?;
        let base_url = parse_http_url("base_url", base_url)?;
        ensure_secure("base_url", &base_url, self.allow_insecure_http)?;
        let tenant = self
            .tenant
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(config("timeout must be longer than zero"));
        }
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes == 0 {
            return Err(config("max_response_bytes must be at least 1"));
        }
        let user_agent = self
            .user_agent
            .map(|agent| {
                HeaderValue::from_str(agent.trim()).map_err(|_| {
                    config(format!("user_agent `{agent}` is not a valid header value"))
                })
            })
            .transpose()?;
        let (http, user_agent) = match self.http {
            Some(http) => {
                if self.connect_timeout.is_some() {
                    return Err(config(
                        "connect_timeout cannot be applied to a caller-supplied reqwest::Client: \
                         set it on that client",
                    ));
                }
                // Only an explicit user agent overrides the caller's client.
                (http, user_agent)
            }
            None => {
                let agent = user_agent
                    .clone()
                    .unwrap_or(HeaderValue::from_static(DEFAULT_USER_AGENT));
                let http = reqwest::Client::builder()
                    .user_agent(agent)
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .redirect(Self::redirect_policy())
                    .build()
                    .map_err(|err| config(format!("cannot create the HTTP client: {err}")))?;
                (http, None)
            }
        };

        let transport = Transport::new(http, user_agent, timeout, max_response_bytes);

        let source: Arc<dyn TokenSource> = match self.token_source {
            Some(source) => {
                if self.client_id.is_some() || self.client_secret.is_some() {
                    return Err(config(
                        "set either client_id and client_secret or a token_source, not both",
                    ));
                }
                if self.auth_url.is_some() || self.discover_auth_url {
                    return Err(config(
                        "auth_url and discover_auth_url have no effect with a token_source",
                    ));
                }
                source
            }
            None => {
                let client_id = required("client_id", ENV_CLIENT_ID, self.client_id)?;
                let client_secret = self
                    .client_secret
                    .filter(|s| !s.expose_secret().trim().is_empty())
                    .ok_or_else(|| {
                        config(format!(
                            "client_secret is required (or {ENV_CLIENT_SECRET}), \
                             unless a token_source is set"
                        ))
                    })?;
                let scope = self
                    .scope
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| crate::API.auth.default_scope.to_owned());
                Arc::new(ClientCredentials {
                    transport: transport.clone(),
                    endpoint: TokenEndpoint::new(
                        &base_url,
                        self.auth_url.as_deref(),
                        self.discover_auth_url,
                        tenant.as_deref(),
                        self.allow_insecure_http,
                    )?,
                    client_id,
                    client_secret,
                    scope,
                })
            }
        };
        let limiter = Limiter::new(&self.rate_limit.unwrap_or_default())?;
        let api_base = join(&base_url, &[crate::API.base_path])?;

        Ok(HaloClient::from_inner(Inner {
            transport,
            api_base,
            tenant,
            tokens: TokenCache::new(
                source,
                self.refresh_margin.unwrap_or(DEFAULT_REFRESH_MARGIN),
            ),
            retry: self.retry.unwrap_or_default(),
            limiter,
            observers: Observers::new(self.observer),
        }))
    }
}

impl fmt::Debug for HaloClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HaloClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth_url", &self.auth_url)
            .field("discover_auth_url", &self.discover_auth_url)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("scope", &self.scope)
            .field("token_source", &self.token_source)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("observer", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

fn config(message: impl Into<String>) -> Error {
    Error::Config {
        message: message.into(),
    }
}

fn required(name: &str, env: &str, value: Option<String>) -> Result<String> {
    value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            config(format!(
                "{name} is required (or {env}), unless a token_source is set"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<HaloClient>) -> String {
        match result {
            Err(Error::Config { message }) => message,
            other => panic!("expected Error::Config, got {other:?}"),
        }
    }

    #[test]
    fn env_settings_fill_the_builder() {
        let env = |name: &str| {
            match name {
                ENV_BASE_URL => Some("https://acme.halopsa.com"),
                ENV_CLIENT_ID => Some("id-from-env"),
                ENV_CLIENT_SECRET => Some("secret-from-env"),
                ENV_TENANT => Some(""),
                ENV_SCOPE => Some("read:tickets"),
                _ => None,
            }
            .map(str::to_owned)
        };
        let builder = HaloClientBuilder::from_lookup(env);
        assert_eq!(builder.tenant, None, "empty means self-hosted");
        assert_eq!(builder.auth_url, None);
        let shown = format!("{builder:?}");
        assert!(shown.contains("id-from-env") && !shown.contains("secret-from-env"));
        let client = builder.build().expect("complete");
        assert_eq!(client.api_base().as_str(), "https://acme.halopsa.com/api");
        let shown = format!("{client:?}");
        assert!(
            shown.contains("auth/token") && !shown.contains("tenant="),
            "{shown}"
        );

        let missing = message(HaloClientBuilder::from_lookup(|_| None).build());
        assert!(missing.contains(ENV_BASE_URL), "{missing}");
        let no_secret = HaloClientBuilder::from_lookup(|name| {
            (name != ENV_CLIENT_SECRET).then(|| env(name)).flatten()
        });
        assert!(message(no_secret.build()).contains(ENV_CLIENT_SECRET));
    }

    #[test]
    fn plain_http_is_for_loopback_only() {
        let build = |url: &str, allow: bool| {
            HaloClient::builder()
                .base_url(url)
                .client_id("id")
                .client_secret("secret")
                .allow_insecure_http(allow)
                .build()
        };
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.3.4.5",
            "http://localhost:3000",
            "http://api.localhost",
            "http://[::1]:80",
            "https://example.halopsa.com",
        ] {
            assert!(build(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.halopsa.com",
            "http://10.0.0.8",
            "http://[::2]",
        ] {
            assert!(message(build(bad, false)).contains("plain http"), "{bad}");
            assert!(build(bad, true).is_ok(), "{bad}");
        }
        let auth = HaloClient::builder()
            .base_url("https://example.halopsa.com")
            .auth_url("http://auth.example.com/token")
            .client_id("id")
            .client_secret("secret")
            .build();
        assert!(message(auth).contains("auth_url"));
    }

    #[test]
    fn conflicting_settings_are_refused() {
        let base = || HaloClient::builder().base_url("https://example.halopsa.com");
        let token = || super::super::StaticToken::new("t");
        assert!(base().token_source(token()).build().is_ok());
        assert!(message(base().client_id("id").token_source(token()).build()).contains("not both"));
        assert!(message(
            base()
                .token_source(token())
                .auth_url("https://x.example/token")
                .build()
        )
        .contains("token_source"));
        assert!(message(
            base()
                .client_id("id")
                .client_secret("s")
                .auth_url("https://x.example/token")
                .discover_auth_url(true)
                .build()
        )
        .contains("exclude"));
        assert!(message(
            base()
                .token_source(token())
                .http_client(reqwest::Client::new())
                .connect_timeout(Duration::from_secs(1))
                .build()
        )
        .contains("connect_timeout"));
        assert!(message(
            base()
                .token_source(token())
                .user_agent("bad\nagent")
                .build()
        )
        .contains("user_agent"));
        assert!(
            message(base().token_source(token()).timeout(Duration::ZERO).build())
                .contains("timeout")
        );
        assert!(
            message(base().token_source(token()).max_response_bytes(0).build())
                .contains("max_response_bytes")
        );
        assert!(message(
            base()
                .token_source(token())
                .rate_limit(RateLimit::new(0, Duration::from_secs(1)))
                .build()
        )
        .contains("rate limit"));
    }
}
