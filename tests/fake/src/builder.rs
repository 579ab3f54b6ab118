//! Configuring and starting a [`FakeHalo`].

use std::io;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;

use super::auth::Tokens;
use super::churn::Churning;
use super::counters;
use super::faults::Faults;
use super::limit::Window;
use super::schema::Schema;
use super::store::Store;
use super::webhooks::{WebhookConfig, Webhooks};
use super::{routes, seed, server};
use super::{Config, FakeHalo, Shared};
use super::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT};

/// Configures a [`FakeHalo`]; see [`FakeHalo::builder`].
#[derive(Debug, Clone)]
pub struct FakeHaloBuilder {
    plan: seed::Plan,
    tenant: String,
    client_id: String,
    client_secret: String,
    token_lifetime: Duration,
    rate_limit: Option<(u32, Duration)>,
    retry_after: bool,
    state_limit: bool,
    port: u16,
    webhooks: Vec<WebhookConfig>,
}

impl Default for FakeHaloBuilder {
    fn default() -> Self {
        FakeHaloBuilder {
            plan: seed::Plan {
                tickets: 100,
                counts: Vec::new(),
                seed: 0x4A10_5EED,
            },
            tenant: DEFAULT_TENANT.into(),
            client_id: DEFAULT_CLIENT_ID.into(),
            client_secret: DEFAULT_CLIENT_SECRET.into(),
            token_lifetime: Duration::from_secs(3600),
            rate_limit: None,
            retry_after: true,
            state_limit: true,
            port: 0,
            webhooks: Vec::new(),
        }
    }
}

impl FakeHaloBuilder {
    /// Tickets to seed (default 100); clients, sites, users, assets and
    /// actions scale with them.
    pub fn tickets(mut self, count: usize) -> Self {
        self.plan.tickets = count;
        self
    }

    /// Records to seed for one entity, by Rust name (`Client`) or wire path
    /// (`Client`, `Tickets`); overrides the scaled default (5 for entities
    /// without hand-written seeds).
    pub fn records(mut self, entity: impl Into<String>, count: usize) -> Self {
        let entity = entity.into();
        let entity = entity.trim_matches('/');
        let entity = entity.strip_prefix("api/").unwrap_or(entity).to_owned();
        self.plan.counts.push((entity, count));
        self
    }

    /// The random seed of the data: the same seed gives the same records.
    pub fn seed(mut self, seed: u64) -> Self {
        self.plan.seed = seed;
        self
    }

    /// The tenant the token endpoint requires; empty for a self-hosted
    /// instance that takes none.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = tenant.into().trim().to_owned();
        self
    }

    /// The only client id and secret the token endpoint accepts.
    pub fn credentials(mut self, client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self.client_secret = secret.into();
        self
    }

    /// How long issued tokens stay valid (default an hour, as on Halo).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Answer 429 past `requests` API calls in any rolling `window` (Halo:
    /// 700 per 300 s). Off unless set.
    pub fn rate_limit(mut self, requests: u32, window: Duration) -> Self {
        self.rate_limit = Some((requests, window));
        self
    }

    /// Whether rate-limit answers carry `Retry-After` (default true).
    pub fn retry_after(mut self, send: bool) -> Self {
        self.retry_after = send;
        self
    }

    /// Whether rate-limit answers state the limit, as Halo's do ("Rate
    /// Limit Reached - 300 Requests per rolling 5 minute window"; default
    /// true).
    pub fn state_rate_limit(mut self, state: bool) -> Self {
        self.state_limit = state;
        self
    }

    /// The port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Fires a webhook when tickets or actions are created, updated or
    /// deleted through the API, as Halo does: a JSON POST to its URL with
    /// Halo's event envelope and (unless event only) the ticket and action,
    /// batched per request or not, with Basic authentication if set. It
    /// never delays the API's answer; see [`FakeHalo::webhooks_sent`]. Call
    /// again for more webhooks.
    ///
    /// [`FakeHalo::webhooks_sent`]: super::FakeHalo::webhooks_sent
    pub fn webhook(mut self, webhook: WebhookConfig) -> Self {
        self.webhooks.push(webhook);
        self
    }

    /// Seeds the data and starts serving on 127.0.0.1 in the current tokio
    /// runtime. Fails if the port is taken.
    pub async fn start(self) -> io::Result<FakeHalo> {
        let schema = Schema::load().map_err(io::Error::other)?;
        let mut store = Store::new(&schema);
        seed::seed(&schema, &mut store, &self.plan);
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let (webhooks, webhook_task) = Webhooks::start(self.webhooks);
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            tokens: Mutex::new(Tokens::new(self.token_lifetime, self.plan.seed)),
            window: Mutex::new(Window::new(self.rate_limit)),
            faults: Mutex::new(Faults::default()),
            churn: Mutex::new(Churning::new(self.plan.seed)),
            files: Mutex::default(),
            counters: counters::Live::default(),
            config: Config {
                tenant: self.tenant,
                client_id: self.client_id,
                client_secret: self.client_secret,
                base_url: base_url.clone(),
            },
            rate_limit: Mutex::new(self.rate_limit),
            retry_after: self.retry_after,
            state_limit: self.state_limit,
            schema,
            webhooks,
        });
        let router = routes::router(Arc::clone(&shared));
        let task = tokio::spawn(server::serve(listener, router));
        Ok(FakeHalo {
            shared,
            addr,
            base_url,
            task,
            webhook_task,
        })
    }
}
