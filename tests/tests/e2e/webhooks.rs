//! Webhooks end to end: the fake fires them as tickets and actions change
//! through the typed client, and the example receiver
//! (`examples/webhook_receiver.rs`, mounted here as it is) checks their
//! credentials and decodes them into tickets.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use halopsa::runtime::webhook::{BasicAuth, Event};
use halopsa::{Action, NewAction, NewTicket, Ticket, TicketId};
use halopsa_e2e::{FakeClient, FakeHalo, WebhookConfig, WebhookPayload};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::common::bounded;

#[allow(dead_code)] // the example's `main` and worker: the tests read the events themselves
#[path = "../../examples/webhook_receiver.rs"]
mod receiver;

const USERNAME: &str = "halo";
const PASSWORD: &str = "webhook-password";

/// The example's receiver on 127.0.0.1, and the events it hands on.
struct Receiver {
    url: String,
    events: mpsc::Receiver<Event<Ticket>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!(
            "http://{}{}",
            listener.local_addr().expect("bound"),
            receiver::PATH
        );
        let (sender, events) = mpsc::channel(1024);
        let app = receiver::router(BasicAuth::new(USERNAME, PASSWORD), sender);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, events }
    }

    /// A webhook to this receiver with the right credentials.
    fn webhook(&self) -> WebhookConfig {
        WebhookConfig::new(&self.url).basic_auth(USERNAME, PASSWORD)
    }

    /// The events received so far. Call after `FakeHalo::webhooks_sent`:
    /// the receiver queues a delivery's events before answering it.
    fn received(&mut self) -> Vec<Event<Ticket>> {
        let mut events = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            events.push(event);
        }
        events
    }
}

async fn fake_firing(webhooks: impl IntoIterator<Item = WebhookConfig>) -> FakeHalo {
    webhooks
        .into_iter()
        .fold(FakeHalo::builder().tickets(5), |builder, webhook| {
            builder.webhook(webhook)
        })
        .start()
        .await
        .expect("the fake server starts")
}

fn names(events: &[Event<Ticket>]) -> Vec<&str> {
    events
        .iter()
        .map(|event| event.event.as_deref().unwrap_or(""))
        .collect()
}

fn statuses(fake_log: &[halopsa_e2e::WebhookDelivery]) -> Vec<Option<u16>> {
    fake_log.iter().map(|delivery| delivery.status).collect()
}

#[tokio::test]
async fn each_change_arrives_as_its_own_delivery_with_the_ticket() {
    bounded(30, async {
        let mut receiver = Receiver::start().await;
        let fake = fake_firing([receiver.webhook()]).await;
        let halo = fake.client();

        let created = halo
            .tickets()
            .create(&NewTicket::new().summary("Printer on fire").client_id(1))
            .await
            .expect("created");
        halo.tickets()
            .patch(created.id)
            .summary("Printer no longer on fire")
            .await
            .expect("patched");
        let after_patch = halo.tickets().get(created.id).await.expect("read back");
        halo.tickets()
            .delete(created.id)
            .reason("Duplicate")
            .await
            .expect("deleted");

        let log = fake.webhooks_sent().await;
        assert_eq!(statuses(&log), [Some(200); 3]);
        assert!(log.iter().all(|delivery| delivery.body.is_object()));
        let events = receiver.received();
        assert_eq!(
            names(&events),
            ["new ticket logged", "ticket updated", "ticket deleted"]
        );
        let ids: Vec<Option<TicketId>> = events.iter().map(Event::record_id).collect();
        assert_eq!(ids, [Some(created.id); 3]);
        // The tickets as the API serves them, unknown fields and all.
        assert_eq!(events[0].record.as_ref(), Some(&created));
        assert_eq!(events[1].record.as_ref(), Some(&after_patch));
        assert_eq!(
            events[2].record.as_ref().and_then(|t| t.deleted),
            Some(true)
        );
        assert!(events
            .iter()
            .all(|event| event.object_id == Some(created.id)));
    })
    .await;
}

#[tokio::test]
async fn a_batched_webhook_sends_the_events_of_a_request_as_one_array() {
    bounded(30, async {
        let mut receiver = Receiver::start().await;
        let fake = fake_firing([receiver.webhook().batched(true)]).await;
        let halo = fake.client();

        let new: Vec<NewTicket> = ["Disk full", "VPN down", "New starter"]
            .into_iter()
            .map(|summary| NewTicket::new().summary(summary).client_id(1))
            .collect();
        let created = halo.tickets().create_many(&new).await.expect("created");
        halo.tickets()
            .patch(created[1].id)
            .summary("VPN up again")
            .await
            .expect("patched");

        let log = fake.webhooks_sent().await;
        let lengths: Vec<Option<usize>> = log
            .iter()
            .map(|delivery| delivery.body.as_array().map(Vec::len))
            .collect();
        assert_eq!(lengths, [Some(3), Some(1)]);
        assert_eq!(statuses(&log), [Some(200); 2]);

        let events = receiver.received();
        let summaries: Vec<(TicketId, &str)> = events
            .iter()
            .filter_map(|event| event.record.as_ref())
            .map(|ticket| (ticket.id, ticket.summary.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            summaries,
            [
                (created[0].id, "Disk full"),
                (created[1].id, "VPN down"),
                (created[2].id, "New starter"),
                (created[1].id, "VPN up again"),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn event_only_webhooks_name_the_ticket_without_sending_it() {
    bounded(30, async {
        let mut receiver = Receiver::start().await;
        let event_only = |batched| {
            receiver
                .webhook()
                .payload(WebhookPayload::EventOnly)
                .batched(batched)
        };
        let fake = fake_firing([event_only(false), event_only(true)]).await;
        let halo = fake.client();

        let created = halo
            .tickets()
            .create(&NewTicket::new().summary("Ids only").client_id(1))
            .await
            .expect("created");
        halo.tickets()
            .patch(created.id)
            .summary("Still ids only")
            .await
            .expect("patched");

        let log = fake.webhooks_sent().await;
        assert_eq!(statuses(&log), [Some(200); 4]);
        let carried_tickets = |body: &Value| body.to_string().contains("\"ticket\"");
        assert!(!log.iter().any(|delivery| carried_tickets(&delivery.body)));

        let events = receiver.received();
        assert_eq!(events.len(), 4);
        assert!(events.iter().all(|event| event.record.is_none()));
        assert!(events
            .iter()
            .all(|event| event.record_id() == Some(created.id)));
        let mut names = names(&events);
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "new ticket logged",
                "new ticket logged",
                "ticket updated",
                "ticket updated"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn an_action_arrives_with_its_ticket() {
    bounded(30, async {
        let mut receiver = Receiver::start().await;
        let fake = fake_firing([receiver.webhook()]).await;
        let halo = fake.client();
        let ticket = halo
            .tickets()
            .create(&NewTicket::new().summary("Printer jam").client_id(1))
            .await
            .expect("created");
        let action = halo
            .actions()
            .create(
                &NewAction::new()
                    .ticket_id(ticket.id)
                    .note("Cleared the jam"),
            )
            .await
            .expect("action created");

        fake.webhooks_sent().await;
        let events = receiver.received();
        assert_eq!(names(&events), ["new ticket logged", "new action"]);
        let event = &events[1];
        assert_eq!(event.record_id(), Some(ticket.id));
        let related: Option<Action> = event.related().expect("the action decodes");
        assert_eq!(related.as_ref(), Some(&action));
        assert_eq!(
            related.and_then(|a| a.note),
            Some("Cleared the jam".to_owned())
        );
    })
    .await;
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_refused_with_401() {
    bounded(30, async {
        let mut receiver = Receiver::start().await;
        let url = receiver.url.clone();
        let fake = fake_firing([
            WebhookConfig::new(&url).basic_auth(USERNAME, "wrong-password"),
            WebhookConfig::new(&url).basic_auth("someone-else", PASSWORD),
            WebhookConfig::new(&url),
            receiver.webhook(),
        ])
        .await;
        let created = fake
            .client()
            .tickets()
            .create(&NewTicket::new().summary("Who is asking?").client_id(1))
            .await
            .expect("created");

        let log = fake.webhooks_sent().await;
        assert_eq!(statuses(&log), [Some(401), Some(401), Some(401), Some(200)]);
        let events = receiver.received();
        assert_eq!(events.len(), 1, "only the right credentials get through");
        assert_eq!(events[0].record_id(), Some(created.id));
    })
    .await;
}

#[tokio::test]
async fn a_body_that_is_not_a_delivery_is_answered_400() {
    bounded(30, async {
        let mut receiver = Receiver::start().await;
        let http = reqwest::Client::new();
        let post = |body: &'static str| {
            http.post(&receiver.url)
                .basic_auth(USERNAME, Some(PASSWORD))
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        let answer = post("<html>not json</html>").await.expect("answered");
        assert_eq!(answer.status(), 400);
        let text = answer.text().await.expect("a body");
        assert!(text.contains("not JSON"), "{text}");
        let answer = post(r#"{"ticket": {"id": "not a number"}}"#)
            .await
            .expect("answered");
        assert_eq!(answer.status(), 400);
        assert!(answer.text().await.expect("a body").contains("ticket.id"));
        let answer = post(r#"{"event": "ticket updated", "object_id": 7}"#)
            .await
            .expect("answered");
        assert_eq!(answer.status(), 200);
        let events = receiver.received();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].record_id(), Some(TicketId::new(7)));
    })
    .await;
}

#[tokio::test]
async fn a_receiver_that_never_answers_does_not_slow_the_api() {
    bounded(30, async {
        // Accepts connections and reads nothing: every delivery hangs until
        // the fake's delivery timeout (10 s).
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}/stalls", listener.local_addr().expect("bound"));
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((connection, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                held.push(connection);
            }
        });
        let fake = fake_firing([WebhookConfig::new(url)]).await;
        let halo = fake.client();

        let creates = async {
            for summary in ["One", "Two", "Three"] {
                halo.tickets()
                    .create(&NewTicket::new().summary(summary).client_id(1))
                    .await
                    .expect("created");
            }
        };
        tokio::time::timeout(Duration::from_secs(5), creates)
            .await
            .expect("three creates answered while the first delivery still hangs");
        // The first delivery did go out, and is still waiting.
        for _ in 0..100 {
            if accepted.load(Ordering::SeqCst) > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
        assert!(fake.webhook_deliveries().is_empty());
    })
    .await;
}
