//! Where requests and credentials may go: percent-encoded paths, redirects
//! followed only within the request's origin, plain http only to loopback,
//! and credentials echoed by a server kept out of errors and logs.

mod common;

use common::{builder, client, ticket_json, Capture, SECRET};
use halopsa::runtime::{GetRequest, ListShape, Resource, UnpagedListRequest};
use halopsa::{Error, HaloClient, HaloClientBuilder, Id, RetryPolicy, StaticToken, TicketId};
use serde::Deserialize;
use serde_json::json;
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
    const LIST: ListShape = ListShape::Bare;
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
    const LIST: ListShape = ListShape::Bare;
    type Id = Id<Climber>;

    fn id(&self) -> Id<Self> {
        self.id
    }
}

fn static_client(server: &MockServer) -> HaloClient {
    HaloClient::builder()
        .base_url(server.uri())
        .token_source(StaticToken::new(TOKEN))
        .retry_policy(RetryPolicy::none())
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
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == "/api/Tickets/2")
            .count(),
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
