//! A fake HaloPSA server: stateful, seeded, spec-driven, and breakable on
//! purpose.
//!
//! It serves every collection of `spec/halopsa.yaml` the way a real
//! instance does: OAuth client credentials with tenants, Halo's paging
//! (`pageinate`, at most 100 per page, `record_count`), the spec's filters,
//! `order`/`orderdesc`, POSTed arrays that create or partially update, soft
//! deletes for records with a `deleted` field, a rolling-window rate
//! limit, the scopes the spec records (a token without one gets a 403),
//! UUIDs for collections keyed by text, singletons, and every action by
//! its kind: SQL reports over its own tables (`POST /api/Report`),
//! attachments uploaded in base64 or as a multipart form and downloaded as
//! files, PDFs of invoices and reports. Records look real: fields no spec
//! lists, ids as `21.0` or `"130"`, `1900-01-01T00:00:00` for "no date",
//! custom fields.
//!
//! ```no_run
//! use halopsa_fake::{FakeHalo, Fault};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let halo = FakeHalo::builder().tickets(500).start().await?;
//! // The next two ticket requests fail with 503.
//! halo.inject(Fault::Status(503), 2, Some("Tickets"));
//! println!("HALOPSA_BASE_URL={}", halo.base_url());
//! # Ok(())
//! # }
//! ```
//!
//! The crate does not depend on the client it serves, so the client's
//! command-line tool can bundle it; `halopsa-e2e` gives it a `client()`.

mod actions;
mod auth;
mod billing;
mod builder;
mod churn;
mod counters;
mod faults;
mod files;
mod filters;
mod gate;
mod limit;
mod list;
mod multipart;
mod pdf;
mod quirks;
mod report;
mod respond;
mod rng;
mod routes;
mod schema;
mod seed;
mod server;
mod store;
mod values;
mod webhooks;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

pub use builder::FakeHaloBuilder;
pub use churn::Churn;
pub use counters::{Call, Counters};
pub use faults::Fault;
pub use webhooks::{WebhookConfig, WebhookDelivery, WebhookPayload};

use auth::Tokens;
use churn::Churning;
use faults::Faults;
use limit::Window;
use schema::Schema;
use store::{Found, Store};
use webhooks::Webhooks;

/// Tenant, client id and secret unless the builder sets others.
pub const DEFAULT_TENANT: &str = "fakehalo";
/// See [`DEFAULT_TENANT`].
pub const DEFAULT_CLIENT_ID: &str = "fake-client-id";
/// See [`DEFAULT_TENANT`].
pub const DEFAULT_CLIENT_SECRET: &str = "fake-client-secret";

/// A running fake server; it stops when dropped.
#[derive(Debug)]
pub struct FakeHalo {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    task: JoinHandle<()>,
    /// Delivers webhooks, when any are configured.
    webhook_task: Option<JoinHandle<()>>,
}

impl FakeHalo {
    /// Starts configuring a server.
    pub fn builder() -> FakeHaloBuilder {
        FakeHaloBuilder::default()
    }

    /// Starts a server with the defaults: 100 tickets, no rate limit.
    pub async fn start() -> io::Result<FakeHalo> {
        FakeHalo::builder().start().await
    }

    /// The instance URL to give a client, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The tenant the token endpoint requires (empty: none).
    pub fn tenant(&self) -> &str {
        &self.shared.config.tenant
    }

    /// The client id the token endpoint accepts.
    pub fn client_id(&self) -> &str {
        &self.shared.config.client_id
    }

    /// The client secret the token endpoint accepts.
    pub fn client_secret(&self) -> &str {
        &self.shared.config.client_secret
    }

    /// The rate limit the server enforces: at most this many API calls per
    /// rolling window (`None`: no limit). A client should pace itself to it.
    pub fn rate_limit(&self) -> Option<(u32, Duration)> {
        *lock(&self.shared.rate_limit)
    }

    /// Makes the next `count` requests fail with `fault`. `path` limits it
    /// to requests for that path or below (`Tickets`, `/api/Tickets/5`,
    /// `/auth/token`); without one it hits any API call (not the token or
    /// discovery endpoints). Faults are used up in the order injected.
    pub fn inject(&self, fault: Fault, count: u32, path: Option<&str>) {
        let path = path.map(|p| self.full_path(p));
        lock(&self.shared.faults).add(fault, count, path);
    }

    /// Drops every fault not yet served.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// A snapshot of the counters.
    pub fn counters(&self) -> Counters {
        self.shared.counters.snapshot()
    }

    /// Every API call answered so far (up to 100,000), in the order they
    /// arrived, with the status of each answer: for tests about timing,
    /// such as "nothing arrived during the pause after a 429".
    pub fn calls(&self) -> Vec<Call> {
        self.shared.counters.calls()
    }

    /// Invalidates every token issued so far: the next API call of any
    /// client gets a 401.
    pub fn revoke_tokens(&self) {
        lock(&self.shared.tokens).revoke_all();
    }

    /// Changes the rate limit (`None`: off) and starts a fresh window.
    pub fn set_rate_limit(&self, limit: Option<(u32, Duration)>) {
        *lock(&self.shared.rate_limit) = limit;
        lock(&self.shared.window).set(limit);
    }

    /// The stored record, exactly as the server holds it (soft-deleted ones
    /// included, with `"deleted": true`). `path` is the wire path
    /// (`Tickets`, `/api/Tickets`), case-insensitive; `id` its id as the
    /// API names it (`12`, or a priority's UUID).
    pub fn record(&self, path: &str, id: impl std::fmt::Display) -> Option<Value> {
        let store = lock(&self.shared.store);
        let Found::Row(row) = store.find(path, &id.to_string()) else {
            return None;
        };
        let record = store.table(path)?.records().get(&row)?;
        Some(Value::Object(record.clone()))
    }

    /// The file a record keeps in a `base64` field (an attachment's
    /// content), as the server stored it; `id` as for
    /// [`record`](Self::record).
    pub fn file(&self, path: &str, id: &str) -> Option<Vec<u8>> {
        let store = lock(&self.shared.store);
        let table = store.table(path)?;
        table.any_file(table.row(id)?).map(<[u8]>::to_vec)
    }

    /// Every stored record of a collection, by id.
    pub fn records(&self, path: &str) -> Vec<Value> {
        let store = lock(&self.shared.store);
        store.table(path).map_or_else(Vec::new, |table| {
            table
                .records()
                .values()
                .cloned()
                .map(Value::Object)
                .collect()
        })
    }

    /// Changes the collection at `path` after every list request it
    /// answers, as another user would: `churn.deletes` random live records
    /// deleted, `churn.inserts` new ones created. A churn of nothing stops
    /// it. Deterministic for a given seed and sequence of requests.
    pub fn churn(&self, path: &str, churn: Churn) {
        lock(&self.shared.churn).set(path.trim_start_matches("/api/"), churn);
    }

    /// Stores a record as given (a JSON object), with the next free id
    /// unless it has one. Returns the id; `None` for an unknown path or a
    /// value that is not an object.
    pub fn insert(&self, path: &str, record: Value) -> Option<i64> {
        let Value::Object(record) = record else {
            return None;
        };
        lock(&self.shared.store).insert(path, record)
    }

    /// Every webhook delivery made so far, in order, with the receiver's
    /// status (see [`FakeHaloBuilder::webhook`]).
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.webhooks.log()
    }

    /// Waits until every webhook delivery queued so far has been answered
    /// (or has failed), then returns the log: deliveries leave in the
    /// background, after the API call that caused them has been answered.
    pub async fn webhooks_sent(&self) -> Vec<WebhookDelivery> {
        self.shared.webhooks.flush().await;
        self.shared.webhooks.log()
    }

    /// The request-only `_` fields (`_recover`, `_forcereassign`) of each
    /// element POSTed to `path` that carried any, in the order they came:
    /// the fake acts on `_recover` and ignores the others, as Halo ignores
    /// what it does not know, and stores none of them on a record.
    pub fn switches(&self, path: &str) -> Vec<Value> {
        let store = lock(&self.shared.store);
        store
            .switches(path)
            .into_iter()
            .map(Value::Object)
            .collect()
    }

    /// The wire paths of every collection served.
    pub fn collections(&self) -> Vec<String> {
        let store = lock(&self.shared.store);
        store
            .tables()
            .map(|table| table.collection.path().to_owned())
            .collect()
    }

    /// `Tickets` becomes `/api/Tickets`; absolute paths stay as they are.
    fn full_path(&self, path: &str) -> String {
        if path.starts_with('/') {
            path.to_owned()
        } else {
            format!(
                "{}/{}",
                self.shared.schema.api.base_path.trim_end_matches('/'),
                path
            )
        }
    }
}

impl Drop for FakeHalo {
    fn drop(&mut self) {
        // Dropping the accept loop also drops every connection task.
        self.task.abort();
        if let Some(task) = &self.webhook_task {
            task.abort();
        }
    }
}

/// What the routes share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) schema: Schema,
    pub(crate) store: Mutex<Store>,
    pub(crate) tokens: Mutex<Tokens>,
    pub(crate) window: Mutex<Window>,
    pub(crate) rate_limit: Mutex<Option<(u32, Duration)>>,
    pub(crate) retry_after: bool,
    /// Whether 429 answers state the limit.
    pub(crate) state_limit: bool,
    pub(crate) faults: Mutex<Faults>,
    pub(crate) churn: Mutex<Churning>,
    /// Attachments posted while the spec has no `Attachment` collection.
    pub(crate) files: Mutex<files::Files>,
    pub(crate) counters: counters::Live,
    pub(crate) config: Config,
    /// The webhooks fired when tickets and actions change.
    pub(crate) webhooks: Webhooks,
}

#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) tenant: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) base_url: String,
}

impl Shared {
    /// An authenticated, rate-limited API call: under the base path, and
    /// not the discovery endpoint.
    pub(crate) fn is_api_call(&self, path: &str) -> bool {
        let api = &self.schema.api;
        let base = api.base_path.trim_end_matches('/');
        let under_base = path
            .get(..base.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(base))
            && path
                .get(base.len()..)
                .is_some_and(|rest| rest.starts_with('/'));
        under_base && !path.eq_ignore_ascii_case(&api.discovery_path)
    }

    /// Halo's 429 message, which states the limit ("Rate Limit Reached -
    /// 300 Requests per rolling 5 minute window"), unless the fake is told
    /// to keep it to itself.
    pub(crate) fn rate_limit_text(&self) -> String {
        let limit = (*lock(&self.rate_limit)).filter(|_| self.state_limit);
        match limit {
            Some((requests, window)) => {
                let secs = window.as_secs();
                let window = if secs % 60 == 0 && secs > 0 {
                    format!("{} minute", secs / 60)
                } else if window.subsec_nanos() == 0 {
                    format!("{secs} second")
                } else {
                    format!("{} millisecond", window.as_millis())
                };
                format!("Rate Limit Reached - {requests} Requests per rolling {window} window")
            }
            None => "Rate Limit Reached".to_owned(),
        }
    }
}

/// Locks a mutex, ignoring poisoning: no lock here guards an invariant a
/// panic could break half-way, and a request must never panic on it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
