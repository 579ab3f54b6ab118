//! Where requests, credentials and response bytes may go: percent-encoded
//! paths that never leave the API base, redirects followed only within the
//! request's origin, plain http only to loopback, response bodies held to a
//! size limit. And what the client shows of itself: Debug output, errors and
//! tracing logs never hold a secret or a token, not even one a server echoes.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{
    builder, client, hits, mount_get, mount_ticket, mount_token, ms, ticket_json, Capture,
    Sequence, SECRET,
};
use futures::TryStreamExt;
use halopsa::runtime::{GetRequest, ListShape, Resource, UnpagedListRequest};
use halopsa::{
    Error, HaloClient, HaloClientBuilder, Id, RateLimit, RetryPolicy, StaticToken, TicketId,
};
use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "static-token-0123456789";

/// A collection whose path holds a space, a slash, a dot segment, `?` and `#`.
#[derive(Debug, Deserialize)]
struct Weird {
    id: Id<Weird>,
}

impl Resource for Weird {
    const PATH: &'static str = "we ird/..?#";
    const LIST: ListShape = ListShape::Bare("weird");
    type Id = Id<Weird>;

    fn id(&self) -> Id<Self> {
        self.id
    }
}

/// A path that tries to climb out of the API base.
#[derive(Debug, Deserialize)]
struct Climber {
    id: Id<Climber>,
}

impl Resource for Climber {
    const PATH: &'static str = "../../auth/./token";
    const LIST: ListShape = ListShape::Bare("climbers");
    type Id = Id<Climber>;

    fn id(&self) -> Id<Self> {
        self.id
    }
}

/// A client with a fixed token and no retries.
fn static_builder(base_url: &str) -> HaloClientBuilder {
    HaloClient::builder()
        .base_url(base_url)
        .token_source(StaticToken::new(TOKEN))
        .retry_policy(RetryPolicy::none())
}

fn static_client(server: &MockServer) -> HaloClient {
    static_builder(&server.uri())
        .build()
        .expect("valid configuration")
}

/// Every request the server received, as `path` and `query`.
async fn received(server: &MockServer) -> Vec<(String, Option<String>)> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| (r.url.path().to_owned(), r.url.query().map(str::to_owned)))
        .collect()
}

// ---------------------------------------------------------------- paths

#[tokio::test]
async fn path_segments_are_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(|request: &Request| {
            let body = if request.url.path().ends_with("/7") {
                json!({"id": 7})
            } else {
                json!([{"id": 1}])
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    let client = static_client(&server);

    let all = UnpagedListRequest::<Weird>::new(&client)
        .await
        .expect("list");
    assert_eq!(all.len(), 1);
    GetRequest::<Weird>::new(&client, Id::new(7))
        .await
        .expect("get");
    // A dot segment would be resolved away and the request would reach
    // another path than the one named: it is refused before anything is sent.
    let climbed = UnpagedListRequest::<Climber>::new(&client).await;
    assert!(
        matches!(&climbed, Err(halopsa::Error::Config { message }) if message.contains("`..`")),
        "{climbed:?}"
    );

    // `?` and `#` stay in the path instead of starting a query or a
    // fragment, the space is encoded, and `/` separates the spec's segments.
    assert_eq!(
        received(&server).await,
        [
            ("/api/we%20ird/..%3F%23".to_owned(), None),
            ("/api/we%20ird/..%3F%23/7".to_owned(), None),
        ]
    );
}

// ---------------------------------------------------------------- redirects and plain http

/// Two servers, so two origins: the first redirects everything to the second.
async fn redirecting_pair(status: u16) -> (MockServer, MockServer) {
    let home = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let target = elsewhere.uri();
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("location", format!("{target}/api/Tickets/1").as_str()),
        )
        .mount(&home)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("location", format!("{target}/auth/token").as_str()),
        )
        .mount(&home)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .mount(&elsewhere)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "stolen", "expires_in": 3600})),
        )
        .mount(&elsewhere)
        .await;
    (home, elsewhere)
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        let (home, elsewhere) = redirecting_pair(status).await;
        let own_http = reqwest::Client::builder()
            .redirect(HaloClientBuilder::redirect_policy())
            .build()
            .expect("HTTP client");
        let clients = [
            static_client(&home),
            HaloClient::builder()
                .base_url(home.uri())
                .token_source(StaticToken::new(TOKEN))
                .http_client(own_http)
                .build()
                .expect("valid configuration"),
        ];
        for client in clients {
            let err = client
                .tickets()
                .get(TicketId::new(1))
                .await
                .expect_err("not followed");
            match &err {
                Error::Api {
                    status: got,
                    message,
                    ..
                } => {
                    assert_eq!(*got, status);
                    assert!(
                        message.contains("not followed") && message.contains(&elsewhere.uri()),
                        "{message}"
                    );
                }
                other => panic!("expected Error::Api, got {other:?}"),
            }
            assert!(!err.is_retryable());
        }
        assert_eq!(received(&elsewhere).await, [], "HTTP {status}");
    }
}

#[tokio::test]
async fn a_token_request_redirected_elsewhere_keeps_the_secret_home() {
    for status in [302, 307, 308] {
        let (home, elsewhere) = redirecting_pair(status).await;
        let err = builder(&home)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("valid configuration")
            .tickets()
            .get(TicketId::new(1))
            .await
            .expect_err("not followed");
        match &err {
            Error::Auth {
                status: got,
                message,
                ..
            } => {
                assert_eq!(*got, Some(status));
                assert!(message.contains("not followed"), "{message}");
            }
            other => panic!("expected Error::Auth, got {other:?}"),
        }
        // A followed 307 or 308 would have re-sent the form, secret included.
        assert_eq!(received(&elsewhere).await, [], "HTTP {status}");
    }
}

#[tokio::test]
async fn redirects_within_the_origin_are_followed_with_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/api/Tickets/1/"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .mount(&server)
        .await;
    // A loop on the same origin ends after a few hops.
    Mock::given(method("GET"))
        .and(path("/api/Tickets/2"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/api/Tickets/2"))
        .mount(&server)
        .await;
    let client = static_client(&server);

    let ticket = client.tickets().get(TicketId::new(1)).await.expect("get");
    assert_eq!(ticket.id, TicketId::new(1));
    let requests = server.received_requests().await.unwrap_or_default();
    let followed = requests
        .iter()
        .find(|r| r.url.path() == "/api/Tickets/1/")
        .expect("the redirect was followed");
    assert_eq!(
        followed
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
        Some(format!("Bearer {TOKEN}").as_str())
    );

    let err = client
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect_err("a redirect loop");
    assert!(matches!(err, Error::Api { status: 307, .. }), "{err:?}");
    assert_eq!(
        hits(&server, "/api/Tickets/2").await,
        6,
        "the request and five redirects"
    );
}

/// reqwest's own default, for a caller-supplied client: it follows a
/// redirect to another host but drops `Authorization` on the way.
#[tokio::test]
async fn reqwest_drops_the_authorization_header_on_a_cross_host_redirect() {
    let (home, elsewhere) = redirecting_pair(302).await;
    let client = HaloClient::builder()
        .base_url(home.uri())
        .token_source(StaticToken::new(TOKEN))
        .http_client(reqwest::Client::new())
        .build()
        .expect("valid configuration");

    client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("followed by reqwest's default policy");
    let requests = elsewhere.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("authorization").is_none());
    assert!(!format!("{:?}", requests[0].headers).contains(TOKEN));
}

#[tokio::test]
async fn a_redirect_from_loopback_to_plain_http_elsewhere_is_refused_before_connecting() {
    let server = MockServer::start().await;
    for (verb, at, to) in [
        (
            "GET",
            "/api/Tickets/1",
            "http://example.invalid/api/Tickets/1",
        ),
        ("POST", "/auth/token", "http://example.invalid/auth/token"),
    ] {
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(ResponseTemplate::new(307).insert_header("location", to))
            .mount(&server)
            .await;
    }
    let get = |client: HaloClient| async move { client.tickets().get(TicketId::new(1)).await };

    // Had the client followed, it would have tried to resolve and connect
    // to example.invalid and failed with a transport error.
    let err = get(static_client(&server)).await.expect_err("refused");
    assert!(matches!(err, Error::Api { status: 307, .. }), "{err:?}");
    let err = get(client(&server)).await.expect_err("refused");
    assert!(
        matches!(
            err,
            Error::Auth {
                status: Some(307),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_discovered_plain_http_token_url_elsewhere_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/AuthInfo"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"auth_url": "http://auth.example.invalid/auth"})),
        )
        .mount(&server)
        .await;
    let err = builder(&server)
        .discover_auth_url(true)
        .build()
        .expect("valid configuration")
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("refused");
    match err {
        Error::Config { message } => assert!(message.contains("plain http"), "{message}"),
        other => panic!("expected Error::Config, got {other:?}"),
    }
    let paths: Vec<String> = received(&server).await.into_iter().map(|r| r.0).collect();
    assert_eq!(paths, ["/api/AuthInfo"]);
}

// ---------------------------------------------------------------- the response size limit

// Raw TCP servers, since wiremock cannot break the limit: it always sends an
// honest `Content-Length`.

/// A one-connection-at-a-time HTTP server on loopback that answers every
/// request with `head` and then `body`, and counts the body bytes it sent.
async fn raw_server(head: String, body: RawBody) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let sent = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&sent);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, head.clone(), body, Arc::clone(&counter)));
        }
    });
    (format!("http://{address}"), sent)
}

#[derive(Clone, Copy)]
enum RawBody {
    /// Nothing, and the connection stays open.
    Silent,
    /// Chunks of 64 KiB, for ever.
    Endless,
    /// One chunk of JSON `{"id":1,"summary":"xx…"}` of exactly this length.
    Chunked(usize),
}

async fn serve(mut stream: TcpStream, head: String, body: RawBody, sent: Arc<AtomicU64>) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    match body {
        RawBody::Silent => tokio::time::sleep(Duration::from_secs(60)).await,
        RawBody::Endless => {
            let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
            while stream.write_all(chunk.as_bytes()).await.is_ok() {
                sent.fetch_add(0x10000, Ordering::Relaxed);
            }
        }
        RawBody::Chunked(length) => {
            let filler = "x".repeat(length.saturating_sub(r#"{"id":1,"summary":""}"#.len()));
            let json = format!(r#"{{"id":1,"summary":"{filler}"}}"#);
            let message = format!("{:x}\r\n{json}\r\n0\r\n\r\n", json.len());
            if stream.write_all(message.as_bytes()).await.is_ok() {
                sent.fetch_add(json.len() as u64, Ordering::Relaxed);
            }
        }
    }
}

const CHUNKED_HEAD: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";

fn raw_client(base_url: &str, limit: Option<u64>) -> HaloClient {
    let builder = static_builder(base_url).timeout(Duration::from_secs(30));
    match limit {
        Some(limit) => builder.max_response_bytes(limit),
        None => builder,
    }
    .build()
    .expect("valid configuration")
}

/// Fails the test instead of hanging when the client keeps reading.
async fn within_seconds<F: std::future::IntoFuture>(seconds: u64, future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(seconds), future)
        .await
        .expect("the client stopped reading in time")
}

#[tokio::test]
async fn a_body_announced_larger_than_the_size_limit_is_refused_before_reading() {
    let declared = 100 * 1024 * 1024 * 1024_u64;
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n"
    );
    let (url, _) = raw_server(head, RawBody::Silent).await;
    // The default limit: 64 MiB.
    let err = within_seconds(5, raw_client(&url, None).tickets().get(TicketId::new(1)))
        .await
        .expect_err("too large");
    match &err {
        Error::ResponseTooLarge {
            status,
            limit,
            content_length,
        } => {
            assert_eq!(
                (*status, *limit, *content_length),
                (200, 64 * 1024 * 1024, Some(declared))
            );
        }
        other => panic!("expected Error::ResponseTooLarge, got {other:?}"),
    }
    assert_eq!(err.status(), Some(200));
    assert!(!err.is_retryable());
    assert!(
        err.to_string().contains("max_response_bytes"),
        "says how to fix it: {err}"
    );
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_size_limit() {
    let (url, sent) = raw_server(CHUNKED_HEAD.to_owned(), RawBody::Endless).await;
    let limit = 1024 * 1024;
    let err = within_seconds(
        10,
        raw_client(&url, Some(limit))
            .tickets()
            .list()
            .stream()
            .try_collect::<Vec<_>>(),
    )
    .await
    .expect_err("too large");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                status: 200,
                limit: 1_048_576,
                content_length: None
            }
        ),
        "{err:?}"
    );
    // The server stops once the client hangs up; socket buffers hold a few MiB at most.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(sent.load(Ordering::Relaxed) < 64 * limit, "{sent:?}");
}

#[tokio::test]
async fn the_size_limit_is_exact_for_streamed_and_announced_bodies() {
    let length = 10_000;
    let (url, _) = raw_server(CHUNKED_HEAD.to_owned(), RawBody::Chunked(length)).await;
    let get = |limit: u64| {
        within_seconds(
            5,
            raw_client(&url, Some(limit))
                .tickets()
                .get(TicketId::new(1)),
        )
    };
    get(length as u64).await.expect("exactly the limit");
    let err = get(length as u64 - 1).await.expect_err("one byte over");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                content_length: None,
                ..
            }
        ),
        "{err:?}"
    );

    let server = MockServer::start().await;
    let body = ticket_json(1).to_string();
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let get = |limit: u64| {
        raw_client(&server.uri(), Some(limit))
            .tickets()
            .get(TicketId::new(1))
    };
    get(body.len() as u64).await.expect("exactly the limit");
    let err = get(body.len() as u64 - 1).await.expect_err("one byte over");
    assert!(
        matches!(err, Error::ResponseTooLarge { content_length: Some(n), .. } if n == body.len() as u64),
        "{err:?}"
    );
}

#[tokio::test]
async fn token_responses_are_held_to_the_size_limit_too() {
    let server = MockServer::start().await;
    let token = json!({"access_token": "t".repeat(4096), "expires_in": 3600});
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .expect(1)
        .mount(&server)
        .await;
    let err = HaloClient::builder()
        .base_url(server.uri())
        .client_id("id")
        .client_secret("secret")
        .max_response_bytes(1024)
        .build()
        .expect("valid configuration")
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("too large");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                status: 200,
                limit: 1024,
                ..
            }
        ),
        "{err:?}"
    );
    // The API was never asked.
    let requests = server.received_requests().await.unwrap_or_default();
    assert!(requests.iter().all(|r| r.url.path() == "/auth/token"));
    server.verify().await;
}

// ---------------------------------------------------------------- what the client shows

#[tokio::test]
async fn credentials_echoed_by_the_server_are_redacted() {
    let server = MockServer::start().await;
    // A token endpoint whose error page echoes the form it was sent.
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(|request: &Request| {
            ResponseTemplate::new(400).set_body_string(format!(
                "<html><title>Bad form</title><body>{}</body></html>",
                String::from_utf8_lossy(&request.body)
            ))
        })
        .mount(&server)
        .await;
    // API error pages that echo the Authorization header.
    let echo = |status: u16| {
        move |request: &Request| {
            let authorization = request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            ResponseTemplate::new(status)
                .set_body_json(json!({"message": format!("you sent {authorization}")}))
        }
    };
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .respond_with(echo(500))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/2"))
        .respond_with(echo(401))
        .mount(&server)
        .await;
    let (capture, _guard) = Capture::start();

    let refused = client(&server)
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            &refused,
            Error::Auth { status: Some(400), body, .. } if body.contains("client_secret=[REDACTED]")
        ),
        "{refused:?}"
    );
    let api = static_client(&server);
    let failed = api
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("HTTP 500");
    assert!(
        matches!(&failed, Error::Api { status: 500, message, .. } if message.contains("Bearer [REDACTED]")),
        "{failed:?}"
    );
    let rejected = api
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect_err("HTTP 401");
    assert!(
        matches!(
            &rejected,
            Error::Auth {
                status: Some(401),
                ..
            }
        ),
        "{rejected:?}"
    );
    tracing::info!("errors: {refused:?} {failed:?} {rejected:?}");

    let shown = format!("{refused} {refused:?} {failed} {failed:?} {rejected} {rejected:?}");
    let log = capture.text();
    for leak in [SECRET, TOKEN] {
        assert!(!shown.contains(leak), "`{leak}` leaked into: {shown}");
        assert!(!log.contains(leak), "`{leak}` leaked into:\n{log}");
    }
}

#[tokio::test]
async fn debug_output_never_shows_the_secret_or_the_token() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    mount_ticket(&server, 1).await;
    mount_get(&server, 2, ResponseTemplate::new(401)).await;
    let builder = builder(&server);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().expect("valid configuration");
    client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("token now cached");
    let err = client
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect_err("401 twice");
    let request_debug = format!("{:?}", client.tickets().get(TicketId::new(1)));

    let shown = [
        builder_debug,
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        request_debug,
    ];
    for text in &shown {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(
            !text.contains("tok-1") && !text.contains("tok-2"),
            "token leaked: {text}"
        );
    }
    assert!(shown[1].contains("my-client"), "{}", shown[1]);
}

#[test]
fn debug_output_of_configuration_never_shows_secrets() {
    let builder = HaloClient::builder()
        .base_url("https://example.halopsa.com")
        .tenant("acme")
        .client_id("my-client")
        .client_secret(SECRET)
        .retry_policy(RetryPolicy::none())
        .rate_limit(RateLimit::new(100, ms(60_000)));
    let builder_debug = format!("{builder:?}");
    let client = builder.build().expect("valid configuration");
    let static_client = HaloClient::builder()
        .base_url("https://example.halopsa.com")
        .token_source(StaticToken::new(SECRET))
        .build()
        .expect("valid configuration");
    let shown = [
        builder_debug,
        format!("{client:?}"),
        format!("{static_client:?}"),
        format!("{:?}", client.tickets().get(TicketId::new(1))),
    ];
    for text in &shown {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
    assert!(shown[1].contains("my-client") && shown[1].contains("RetryPolicy"));
}

#[tokio::test]
async fn tracing_records_requests_retries_and_token_refreshes_but_no_secrets() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(200).set_body_json(ticket_json(1)),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"record_count": 0})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/2"))
        .respond_with(ResponseTemplate::new(401).set_body_string("token expired"))
        .mount(&server)
        .await;
    let client = client(&server);
    let (capture, _guard) = Capture::start();

    client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("second attempt");
    client
        .tickets()
        .list()
        .search("private search words")
        .await
        .expect("list");
    let err = client
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect_err("401 twice");
    tracing::info!("client debug: {client:?}; error debug: {err:?}");
    let log = capture.text();

    // A span per request with method, path, status, attempt and elapsed.
    let close = log
        .lines()
        .find(|l| l.contains("path=/api/Tickets/1") && l.contains("close"))
        .unwrap_or_else(|| panic!("no span close for ticket 1 in:\n{log}"));
    for field in ["method=GET", "status=200", "attempt=2", "elapsed_ms="] {
        assert!(close.contains(field), "{field} missing in {close}");
    }
    // Retry events say which attempt failed, why, and how long they wait.
    let retry = log
        .lines()
        .find(|l| l.contains("retrying"))
        .unwrap_or_else(|| panic!("no retry event in:\n{log}"));
    for field in ["attempt=1", "reason=HTTP 503", "wait_ms="] {
        assert!(retry.contains(field), "{field} missing in {retry}");
    }
    assert!(log.contains("access token refreshed"), "{log}");
    assert!(log.contains("401 from the API"), "{log}");

    // Never: the secret, any token issued (`tok-1`, `tok-2`, ...), the
    // Authorization header, the query.
    for leak in [
        SECRET,
        "tok-",
        "Bearer",
        "private search words",
        "private+search",
    ] {
        assert!(!log.contains(leak), "`{leak}` leaked into:\n{log}");
    }
    assert!(!log.to_ascii_lowercase().contains("authorization"), "{log}");
}

/// A raw request is traced like a generated call (a span with method, path,
/// status and attempt; retries; the token refreshed after a 401) and shows
/// no more of itself: no secret, token, query text or body in the log,
/// in its Debug or in its errors.
#[tokio::test]
async fn raw_requests_are_traced_like_generated_calls_without_secrets() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/processchildren"))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(200).set_body_json(json!({"done": true})),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/Tickets/vote"))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(401),
            ResponseTemplate::new(200).set_body_json(json!({"ok": true})),
        ]))
        .mount(&server)
        .await;
    let client = client(&server);
    let (capture, _guard) = Capture::start();

    let done: serde_json::Value = client
        .request(reqwest::Method::GET, "Tickets/processchildren")
        .query("search", "private search words")
        .decode()
        .await
        .expect("second attempt");
    assert_eq!(done["done"], true);
    let request = client
        .request(reqwest::Method::POST, "Tickets/vote")
        .json(&json!({"note": "private body words"}))
        .idempotent(true);
    let shown = format!("{request:?}");
    request.send().await.expect("after a fresh token");
    tracing::info!("request debug: {shown}");
    let log = capture.text();

    let close = log
        .lines()
        .find(|l| l.contains("path=/api/Tickets/processchildren") && l.contains("close"))
        .unwrap_or_else(|| panic!("no span close for the raw GET in:\n{log}"));
    for field in ["method=GET", "status=200", "attempt=2", "elapsed_ms="] {
        assert!(close.contains(field), "{field} missing in {close}");
    }
    assert!(
        log.lines()
            .any(|l| l.contains("retrying") && l.contains("reason=HTTP 503")),
        "{log}"
    );
    assert!(log.contains("access token refreshed"), "{log}");
    assert!(log.contains("401 from the API"), "{log}");
    for leak in [
        SECRET,
        "tok-",
        "Bearer",
        "private search words",
        "private+search",
        "private body words",
    ] {
        assert!(!log.contains(leak), "`{leak}` leaked into:\n{log}");
    }
    assert!(!log.to_ascii_lowercase().contains("authorization"), "{log}");
}
