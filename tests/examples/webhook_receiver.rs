//! A receiver for Halo's webhooks, on axum: it checks the Basic-auth
//! credentials the webhook was configured with (401 otherwise), decodes
//! each delivery into tickets (400 if it cannot), answers 200 at once and
//! hands the events to a worker, which logs them.
//!
//! ```text
//! cargo run -p halopsa-e2e --example webhook_receiver
//! ```
//!
//! With `HALO_WEBHOOK_USERNAME` and `HALO_WEBHOOK_PASSWORD` set it serves
//! `POST /halo/webhook` on `HALO_WEBHOOK_LISTEN` (default `127.0.0.1:8080`):
//! put that URL (behind HTTPS) in a Halo webhook with Basic authentication
//! and ticket events. Without them it runs a demo: the fake HaloPSA server
//! fires webhooks at it while tickets are created and updated.

use std::error::Error;
use std::future::IntoFuture;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use halopsa::runtime::webhook::{BasicAuth, Delivery, Event};
use halopsa::Ticket;
use halopsa_e2e::FakeClient;
use tokio::sync::mpsc;

/// Where Halo posts: the end of the webhook's payload URL.
pub const PATH: &str = "/halo/webhook";

/// The receiver's routes: ticket events go to `events`, for a worker.
pub fn router(auth: BasicAuth, events: mpsc::Sender<Event<Ticket>>) -> Router {
    let receiver = Arc::new(Receiver { auth, events });
    Router::new()
        .route(PATH, post(receive))
        .with_state(receiver)
}

struct Receiver {
    auth: BasicAuth,
    events: mpsc::Sender<Event<Ticket>>,
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = receiver.auth.check(&headers) {
        tracing::warn!(%refused, "refused a webhook delivery");
        let challenge = [(header::WWW_AUTHENTICATE, "Basic realm=\"halo-webhook\"")];
        return (StatusCode::UNAUTHORIZED, challenge).into_response();
    }
    let delivery = match Delivery::<Ticket>::from_slice(&body) {
        Ok(delivery) => delivery,
        Err(err) => {
            // Halo shows the answer in the webhook's delivery log.
            tracing::warn!(%err, "could not read a webhook delivery");
            return (StatusCode::BAD_REQUEST, err.to_string()).into_response();
        }
    };
    for event in delivery {
        if receiver.events.send(event).await.is_err() {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    StatusCode::OK.into_response()
}

/// The worker: whatever the events are for happens here, off the request.
pub async fn log_tickets(mut events: mpsc::Receiver<Event<Ticket>>) {
    while let Some(event) = events.recv().await {
        let name = event.event.as_deref().unwrap_or("event");
        match (&event.record, event.record_id()) {
            (Some(ticket), _) => {
                let summary = ticket.summary.as_deref().unwrap_or("");
                tracing::info!(ticket = %ticket.id, summary, "{name}");
            }
            // "Event information only": fetch the ticket if you need it.
            (None, Some(id)) => tracing::info!(ticket = %id, "{name}"),
            (None, None) => tracing::info!("{name}, naming no ticket"),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt().with_target(false).init();
    let (events, queue) = mpsc::channel(1024);
    let worker = tokio::spawn(log_tickets(queue));
    let (Ok(username), Ok(password)) = (
        std::env::var("HALO_WEBHOOK_USERNAME"),
        std::env::var("HALO_WEBHOOK_PASSWORD"),
    ) else {
        return demo(events, worker).await;
    };
    let listen = std::env::var("HALO_WEBHOOK_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    tracing::info!("receiving Halo's webhooks at http://{listen}{PATH}");
    let app = router(BasicAuth::new(username, password), events);
    axum::serve(listener, app).await?;
    Ok(())
}

/// The fake HaloPSA server fires webhooks at the receiver while a ticket
/// is created and updated through the client.
async fn demo(
    events: mpsc::Sender<Event<Ticket>>,
    worker: tokio::task::JoinHandle<()>,
) -> Result<(), Box<dyn Error>> {
    use halopsa_e2e::{FakeHalo, WebhookConfig};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}{PATH}", listener.local_addr()?);
    let app = router(BasicAuth::new("halo", "demo-password"), events);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async {
        let _ = stopped.await;
    });
    let server = tokio::spawn(server.into_future());
    tracing::info!(
        "no HALO_WEBHOOK_* variables: demo with the fake HaloPSA server posting to {url}"
    );

    let fake = FakeHalo::builder()
        .tickets(10)
        .webhook(WebhookConfig::new(url).basic_auth("halo", "demo-password"))
        .start()
        .await?;
    let halo = fake.client();
    let ticket = halo
        .tickets()
        .create(
            &halopsa::NewTicket::new()
                .summary("Printer on fire")
                .client_id(1),
        )
        .await?;
    halo.tickets()
        .patch(ticket.id)
        .summary("Printer no longer on fire")
        .await?;
    for delivery in fake.webhooks_sent().await {
        tracing::info!(status = ?delivery.status, "the fake's delivery log");
    }
    // Stopping the server drops its sender: the worker ends once it has
    // logged every event.
    drop(fake);
    let _ = stop.send(());
    server.await??;
    worker.await?;
    Ok(())
}
