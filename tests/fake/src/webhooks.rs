//! Webhooks the fake fires when tickets and actions change through its API,
//! as Halo does: a JSON POST per event (or per request, batched) with
//! Halo's envelope (`id`, `webhook_id`, `notification_id`, `escmsg_id`,
//! `event`, `message`, `object_id`, `agent_id`, `timestamp`) and, unless the
//! webhook sends event information only, the ticket under `ticket` and an
//! action under `action`, optionally with Basic authentication.
//!
//! Deliveries leave from one background task, in the order the changes
//! happened: an API call only queues them, so a slow or dead receiver never
//! delays its answer. Each is logged with the receiver's status, as Halo's
//! delivery log (`WebhookEvent`) records it.
//!
//! The event names are the fake's own wording in Halo's style (`new ticket
//! logged`, `ticket updated`, `ticket deleted`, `new action`, `action
//! updated`, `action deleted`). An action's events carry its ticket beside
//! it and name the ticket in `object_id`: Halo sends "the ticket and action
//! objects where applicable", and its notifications are about tickets.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::lock;
use super::store::{halo_timestamp, Record, Store};
use super::values::integer;

/// How long the fake waits for a receiver to answer a delivery.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// A webhook the fake fires; see [`FakeHaloBuilder::webhook`](super::FakeHaloBuilder::webhook).
/// `Debug` leaves the password out.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    url: String,
    basic_auth: Option<(String, String)>,
    batched: bool,
    payload: WebhookPayload,
}

/// How much of the record a webhook sends (Halo's "Payload" setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhookPayload {
    /// "Full object with linked objects": the ticket (and action) as the
    /// API serves them.
    #[default]
    FullObjects,
    /// "Event information only": the envelope, naming the record by
    /// `object_id`, without the record.
    EventOnly,
}

impl WebhookConfig {
    /// A webhook posting to `url`: one event per delivery, full objects,
    /// no authentication.
    pub fn new(url: impl Into<String>) -> Self {
        WebhookConfig {
            url: url.into(),
            basic_auth: None,
            batched: false,
            payload: WebhookPayload::FullObjects,
        }
    }

    /// Sends these credentials with Basic authentication.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some((username.into(), password.into()));
        self
    }

    /// Batches: the events of one API request go in one delivery, a JSON
    /// array (also when there is one event), as Halo's batching groups
    /// events that happen together.
    pub fn batched(mut self, batched: bool) -> Self {
        self.batched = batched;
        self
    }

    /// How much of the record to send.
    pub fn payload(mut self, payload: WebhookPayload) -> Self {
        self.payload = payload;
        self
    }
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let username = self.basic_auth.as_ref().map(|(username, _)| username);
        f.debug_struct("WebhookConfig")
            .field("url", &self.url)
            .field("basic_auth_username", &username)
            .field("batched", &self.batched)
            .field("payload", &self.payload)
            .finish()
    }
}

/// One delivery the fake made, as its log records it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    /// Where it went.
    pub url: String,
    /// What was posted: an event object, or an array of them.
    pub body: Value,
    /// The receiver's status; `None` when no answer came (refused
    /// connection, timeout).
    pub status: Option<u16>,
}

/// What changed, for the event's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Created,
    Updated,
    Deleted,
}

/// The configured webhooks, the queue to the delivery task and its log.
#[derive(Debug, Default)]
pub(crate) struct Webhooks {
    configs: Vec<WebhookConfig>,
    queue: Option<mpsc::UnboundedSender<Job>>,
    log: Arc<Mutex<Vec<WebhookDelivery>>>,
    /// Events fired so far, for their ids.
    fired: Mutex<u64>,
}

#[derive(Debug)]
enum Job {
    Post {
        url: String,
        basic_auth: Option<(String, String)>,
        body: Value,
    },
    /// Answered once every job queued before it is done.
    Flush(oneshot::Sender<()>),
}

impl Webhooks {
    /// The webhooks and the task that delivers for them (none without
    /// webhooks); the task must run in a tokio runtime.
    pub(crate) fn start(configs: Vec<WebhookConfig>) -> (Webhooks, Option<JoinHandle<()>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        if configs.is_empty() {
            return (
                Webhooks {
                    log,
                    ..Webhooks::default()
                },
                None,
            );
        }
        let (queue, jobs) = mpsc::unbounded_channel();
        let task = tokio::spawn(deliver(jobs, Arc::clone(&log)));
        let webhooks = Webhooks {
            configs,
            queue: Some(queue),
            log,
            fired: Mutex::new(0),
        };
        (webhooks, Some(task))
    }

    /// Whether any webhook is configured.
    pub(crate) fn any(&self) -> bool {
        !self.configs.is_empty()
    }

    /// Queues the events of one API request: `records` of the collection at
    /// `path`, each changed as `change` says. Collections other than
    /// tickets and actions fire nothing.
    pub(crate) fn fire(&self, store: &Store, path: &str, changes: &[(Change, &Record)]) {
        let Some(queue) = &self.queue else { return };
        let action = if path.eq_ignore_ascii_case("Actions") {
            true
        } else if path.eq_ignore_ascii_case("Tickets") {
            false
        } else {
            return;
        };
        for (index, config) in self.configs.iter().enumerate() {
            let events: Vec<Value> = changes
                .iter()
                .map(|(change, record)| self.event(store, index, config, action, *change, record))
                .collect();
            let bodies = if config.batched {
                vec![Value::Array(events)]
            } else {
                events
            };
            for body in bodies {
                // The task ends only when the fake is dropped.
                let _ = queue.send(Job::Post {
                    url: config.url.clone(),
                    basic_auth: config.basic_auth.clone(),
                    body,
                });
            }
        }
    }

    /// One event: the envelope, and the records unless event only.
    fn event(
        &self,
        store: &Store,
        webhook: usize,
        config: &WebhookConfig,
        action: bool,
        change: Change,
        record: &Record,
    ) -> Value {
        let number = {
            let mut fired = lock(&self.fired);
            *fired += 1;
            *fired
        };
        let ticket_id = if action {
            record.get("ticket_id").and_then(integer)
        } else {
            record.get("id").and_then(integer)
        };
        let ticket_number = format!("{:07}", ticket_id.unwrap_or(0));
        let (name, message) = match (action, change) {
            (false, Change::Created) => (
                "new ticket logged",
                format!("A new ticket has been logged: Ticket ID: {ticket_number}."),
            ),
            (false, Change::Updated) => (
                "ticket updated",
                format!("Ticket ID: {ticket_number} has been updated."),
            ),
            (false, Change::Deleted) => (
                "ticket deleted",
                format!("Ticket ID: {ticket_number} has been deleted."),
            ),
            (true, Change::Created) => (
                "new action",
                format!("A new action has been added to Ticket ID: {ticket_number}."),
            ),
            (true, Change::Updated) => (
                "action updated",
                format!("An action has been updated on Ticket ID: {ticket_number}."),
            ),
            (true, Change::Deleted) => (
                "action deleted",
                format!("An action has been deleted from Ticket ID: {ticket_number}."),
            ),
        };
        let mut event = Map::new();
        event.insert("id".into(), json!(uuid(1, number)));
        event.insert("webhook_id".into(), json!(uuid(2, webhook as u64 + 1)));
        event.insert("notification_id".into(), json!(webhook + 1));
        event.insert("escmsg_id".into(), json!(uuid(3, number)));
        event.insert("event".into(), json!(name));
        event.insert("message".into(), json!(message));
        event.insert("object_id".into(), json!(ticket_id));
        if let Some(agent) = record.get("agent_id").and_then(integer) {
            event.insert("agent_id".into(), json!(agent));
        }
        event.insert(
            "timestamp".into(),
            json!(halo_timestamp(chrono::Utc::now())),
        );
        if config.payload == WebhookPayload::FullObjects {
            if action {
                let ticket = ticket_id.and_then(|id| store.table("Tickets")?.records().get(&id));
                if let Some(ticket) = ticket {
                    event.insert("ticket".into(), Value::Object(ticket.clone()));
                }
                event.insert("action".into(), Value::Object(record.clone()));
            } else {
                event.insert("ticket".into(), Value::Object(record.clone()));
            }
        }
        Value::Object(event)
    }

    /// Every delivery made so far.
    pub(crate) fn log(&self) -> Vec<WebhookDelivery> {
        lock(&self.log).clone()
    }

    /// Waits until every delivery queued so far has been answered or has
    /// failed.
    pub(crate) async fn flush(&self) {
        let Some(queue) = &self.queue else { return };
        let (done, wait) = oneshot::channel();
        if queue.send(Job::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

/// A UUID-shaped id, distinct per `kind` and `number`.
fn uuid(kind: u64, number: u64) -> String {
    format!("{kind:08x}-0000-4000-8000-{number:012x}")
}

/// The delivery task: posts each delivery in turn and logs the answer.
async fn deliver(mut jobs: mpsc::UnboundedReceiver<Job>, log: Arc<Mutex<Vec<WebhookDelivery>>>) {
    let http = reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        .build()
        .ok();
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Post {
                url,
                basic_auth,
                body,
            } => {
                let status = match &http {
                    Some(http) => {
                        let mut request = http.post(&url).json(&body);
                        if let Some((username, password)) = &basic_auth {
                            request = request.basic_auth(username, Some(password));
                        }
                        match request.send().await {
                            Ok(response) => Some(response.status().as_u16()),
                            Err(err) => {
                                tracing::debug!(%url, error = %err, "webhook delivery failed");
                                None
                            }
                        }
                    }
                    None => None,
                };
                lock(&log).push(WebhookDelivery { url, body, status });
            }
            Job::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}
