//! Helpers shared by the runtime test files: a client pointed at a local
//! wiremock server with fast retries, a token endpoint, canned tickets, the
//! requests a server received, and a tracing capture.
#![allow(dead_code)] // each test file uses a different subset

use std::cell::RefCell;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::time::Duration;

use halopsa::{HaloClient, HaloClientBuilder, RetryPolicy, Ticket, TicketId};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, Times};

pub const SECRET: &str = "sup3r-s3cret-value";

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The default policy with millisecond backoffs, so tests that retry stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .backoff(ms(1), ms(5))
        .rate_limit_backoff(ms(20), ms(40))
}

/// Tenant `acme`, client `my-client`, fast retries.
pub fn builder(server: &MockServer) -> HaloClientBuilder {
    HaloClient::builder()
        .base_url(server.uri())
        .tenant("acme")
        .client_id("my-client")
        .client_secret(SECRET)
        .retry_policy(fast_retries())
}

pub fn client(server: &MockServer) -> HaloClient {
    builder(server).build().expect("valid configuration")
}

/// `n` concurrent gets of ticket 1, each on its own task.
pub async fn concurrent_gets(client: &HaloClient, n: usize) -> Vec<halopsa::Result<Ticket>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.tickets().get(TicketId::new(1)).await })
        })
        .collect();
    futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|joined| joined.expect("task"))
        .collect()
}

/// Issues `tok-1`, `tok-2`, ... valid for `lifetime` seconds each.
pub struct TokenSequence {
    issued: AtomicUsize,
    lifetime: u64,
}

impl TokenSequence {
    pub fn new(lifetime: u64) -> Self {
        TokenSequence {
            issued: AtomicUsize::new(0),
            lifetime,
        }
    }
}

impl Respond for TokenSequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("tok-{n}"),
            "token_type": "Bearer",
            "expires_in": self.lifetime,
        }))
    }
}

/// A token endpoint for tenant `acme` expecting `times` requests: a count,
/// or a range such as `1..` where the number of clients varies.
pub async fn mount_token(server: &MockServer, times: impl Into<Times>) {
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(query_param("tenant", "acme"))
        .respond_with(TokenSequence::new(3600))
        .expect(times)
        .mount(server)
        .await;
}

pub fn ticket_json(id: i64) -> serde_json::Value {
    json!({"id": id, "summary": format!("ticket {id}")})
}

/// Answers `GET /api/Tickets/{id}` with `response`.
pub async fn mount_get(server: &MockServer, id: i64, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(format!("/api/Tickets/{id}")))
        .respond_with(response)
        .mount(server)
        .await;
}

/// Answers `GET /api/Tickets/{id}` with that ticket.
pub async fn mount_ticket(server: &MockServer, id: i64) {
    mount_get(
        server,
        id,
        ResponseTemplate::new(200).set_body_json(ticket_json(id)),
    )
    .await;
}

/// Decodes `body` the way `get` does: served as ticket 1 to a client.
pub async fn decode_ticket(body: serde_json::Value) -> halopsa::Result<Ticket> {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_get(&server, 1, ResponseTemplate::new(200).set_body_json(body)).await;
    client(&server).tickets().get(TicketId::new(1)).await
}

/// The API requests the server received (token requests left out), in order.
pub async fn api_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .collect()
}

/// A base URL on loopback where nothing listens: its port was just free.
pub fn refused_base_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    format!("http://127.0.0.1:{port}")
}

/// The first token request the server received.
pub async fn token_request(server: &MockServer) -> Request {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.url.path() == "/auth/token")
        .expect("a token request")
}

/// How many requests the server received at `path`.
pub async fn hits(server: &MockServer, at: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == at)
        .count()
}

/// Answers each request with the next template; the last one repeats.
pub struct Sequence(pub Vec<ResponseTemplate>, pub AtomicUsize);

impl Sequence {
    pub fn new(templates: Vec<ResponseTemplate>) -> Self {
        Sequence(templates, AtomicUsize::new(0))
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.1.fetch_add(1, Ordering::SeqCst);
        let last = self.0.len().saturating_sub(1);
        self.0
            .get(n.min(last))
            .cloned()
            .unwrap_or_else(|| ResponseTemplate::new(500))
    }
}

thread_local! {
    /// Where tracing output of this thread goes while a [`Capture`] lives.
    static SINK: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

/// Everything tracing writes on this thread while the guard lives, as text.
///
/// One global subscriber (at TRACE, span closes included) is installed per
/// test binary; it writes each line to the capture of the thread that
/// emitted it, or nowhere. A per-thread default subscriber would race with
/// tracing's callsite cache when other tests run in parallel.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

/// Stops the capture when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        SINK.with(|sink| sink.borrow_mut().take());
    }
}

impl Capture {
    /// Captures this thread's tracing output (use a current-thread runtime).
    pub fn start() -> (Capture, CaptureGuard) {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_writer(ThreadSink)
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                .with_ansi(false)
                .finish();
            // Fails only if another subscriber is global already.
            let _ = tracing::subscriber::set_global_default(subscriber);
        });
        let capture = Capture::default();
        SINK.with(|sink| *sink.borrow_mut() = Some(capture.clone()));
        (capture, CaptureGuard(()))
    }

    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Writes to the emitting thread's capture, if any.
struct ThreadSink;

impl io::Write for ThreadSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        SINK.with(|sink| {
            if let Some(capture) = sink.borrow().as_ref() {
                capture
                    .0
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ThreadSink {
    type Writer = ThreadSink;

    fn make_writer(&'a self) -> Self::Writer {
        ThreadSink
    }
}
