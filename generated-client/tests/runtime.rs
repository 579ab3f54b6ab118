//! Runtime behaviour against a local wiremock server: auth, wire shapes,
//! errors and lenient decoding, driven through the generated ticket API.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use halopsa::runtime::HaloClient;
use halopsa::{Error, RetryPolicy, TicketId};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SECRET: &str = "sup3r-s3cret-value";

fn client(server: &MockServer) -> HaloClient {
    client_with_tenant(server, "acme")
}

fn client_with_tenant(server: &MockServer, tenant: &str) -> HaloClient {
    HaloClient::builder()
        .base_url(format!("{}/", server.uri()))
        .tenant(tenant)
        .client_id("my-client")
        .client_secret(SECRET)
        .retry_policy(fast_retries())
        .build()
        .expect("valid configuration")
}

/// Retries with millisecond backoffs, so error tests stay fast.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// Issues `tok-1`, `tok-2`, ... on successive token requests.
struct TokenSequence(AtomicUsize);

impl Respond for TokenSequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("tok-{n}"),
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "all",
        }))
    }
}

/// Mounts a token endpoint for tenant `acme` expecting `times` requests.
async fn mount_token(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(query_param("tenant", "acme"))
        .respond_with(TokenSequence(AtomicUsize::new(0)))
        .expect(times)
        .mount(server)
        .await;
}

fn ticket_json(id: i64) -> serde_json::Value {
    json!({"id": id, "summary": format!("ticket {id}")})
}

async fn mount_get(server: &MockServer, id: i64, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(format!("/api/Tickets/{id}")))
        .respond_with(response)
        .mount(server)
        .await;
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn api_error_bodies_of_every_known_shape_decode() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    // (body, expected message, expected field errors)
    type Details = Vec<(&'static str, &'static str)>;
    let cases: Vec<(serde_json::Value, &str, Details)> = vec![
        (
            json!({"ClassName": "HaloException", "Message": "Ticket is locked"}),
            "Ticket is locked",
            vec![],
        ),
        (
            json!({"resultCode": 4, "errorMessage": "No permission"}),
            "No permission",
            vec![],
        ),
        (json!({"Message": "Bad id"}), "Bad id", vec![]),
        (json!({"message": "lower case"}), "lower case", vec![]),
        (json!({"error": "bad_request"}), "bad_request", vec![]),
        (
            json!({"error": "validation", "message": "Invalid ticket",
                   "details": [{"field": "summary", "message": "required"}]}),
            "Invalid ticket",
            vec![("summary", "required")],
        ),
        (
            json!({"[0].id": "The id is not valid"}),
            "[0].id: The id is not valid",
            vec![("[0].id", "The id is not valid")],
        ),
        (json!("a bare JSON string"), "a bare JSON string", vec![]),
    ];
    for (i, (body, _, _)) in cases.iter().enumerate() {
        mount_get(
            &server,
            i as i64,
            ResponseTemplate::new(400).set_body_json(body),
        )
        .await;
    }
    let client = client(&server);

    for (i, (body, message, details)) in cases.iter().enumerate() {
        let err = client
            .tickets()
            .get(TicketId::new(i as i32))
            .await
            .expect_err("400");
        assert_eq!(err.status(), Some(400));
        assert!(!err.is_retryable());
        assert_eq!(err.body(), Some(body.to_string().as_str()));
        match err {
            Error::Api {
                message: got,
                details: got_details,
                ..
            } => {
                assert_eq!(got, *message, "case {i}");
                let got_details: Vec<(&str, &str)> = got_details
                    .iter()
                    .map(|d| (d.field.as_str(), d.message.as_str()))
                    .collect();
                assert_eq!(got_details, *details, "case {i}");
            }
            other => panic!("case {i}: expected Error::Api, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn plain_text_and_html_error_bodies_are_kept() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let html = "<!DOCTYPE html><html><head><title>500 - Internal server error.</title></head>\
                <body><h1>Server Error</h1></body></html>";
    mount_get(&server, 1, ResponseTemplate::new(500).set_body_string(html)).await;
    mount_get(
        &server,
        2,
        ResponseTemplate::new(403).set_body_string("  Access denied  "),
    )
    .await;
    let client = client(&server);

    let err = client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("500");
    assert!(err.is_retryable());
    assert_eq!(err.body(), Some(html));
    assert!(
        matches!(&err, Error::Api { status: 500, message, .. } if message == "500 - Internal server error."),
        "{err:?}"
    );

    let err = client
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect_err("403");
    assert!(
        matches!(&err, Error::Api { status: 403, message, .. } if message == "Access denied"),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_its_path() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"record_count": 2, "tickets": [{"id": 1}, {"id": 2, "summary": "x",]}"#,
        ))
        .mount(&server)
        .await;
    mount_get(
        &server,
        9,
        ResponseTemplate::new(200).set_body_json(json!({"id": 9, "summary": 12})),
    )
    .await;
    let client = client(&server);

    let err = client.tickets().list().await.expect_err("bad JSON");
    match &err {
        Error::Decode { path, snippet, .. } => {
            assert_eq!(
                path, "tickets[1].?",
                "the key after the stray comma is unreadable"
            );
            assert!(snippet.starts_with(r#"{"record_count": 2"#));
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    let err = client
        .tickets()
        .get(TicketId::new(9))
        .await
        .expect_err("bad type");
    assert!(
        matches!(&err, Error::Decode { path, message, .. }
            if path == "summary" && message.contains("invalid type")),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_values_in_a_list_report_the_item_and_field() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "record_count": 3,
            "tickets": [{"id": 1}, {"id": 2, "datecreated": "yesterday"}, {"id": 1.5}],
        })))
        .mount(&server)
        .await;

    let err = client(&server)
        .tickets()
        .list()
        .await
        .expect_err("bad date");
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "tickets[1].datecreated");
            assert!(message.contains("yesterday"), "{message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn transport_failures_are_retryable() {
    // A port that was just free: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let client = HaloClient::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .client_id("id")
        .client_secret(SECRET)
        .timeout(Duration::from_secs(5))
        .retry_policy(fast_retries())
        .build()
        .expect("valid configuration");

    let err = client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(!format!("{err} {err:?}").contains(SECRET));
}

#[test]
fn builder_rejects_bad_configuration() {
    let base = || {
        HaloClient::builder()
            .base_url("https://example.halopsa.com")
            .client_id("id")
            .client_secret(SECRET)
    };
    let config_message = |result: halopsa::Result<HaloClient>| match result {
        Err(Error::Config { message }) => message,
        other => panic!("expected Error::Config, got {other:?}"),
    };

    assert!(base().build().is_ok());
    assert!(config_message(base().base_url("not a url").build()).contains("base_url"));
    assert!(config_message(base().base_url("ftp://example.com").build()).contains("http"));
    assert!(config_message(
        HaloClient::builder()
            .client_id("x")
            .client_secret("y")
            .build()
    )
    .contains("base_url"));
    assert!(config_message(base().client_id("  ").build()).contains("client_id"));
    let no_secret = HaloClient::builder()
        .base_url("https://example.halopsa.com")
        .client_id("id")
        .build();
    assert!(config_message(no_secret).contains("client_secret"));
}

#[tokio::test]
async fn base_url_with_a_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/halo/auth/token"))
        .respond_with(TokenSequence(AtomicUsize::new(0)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/halo/api/Tickets/4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(4)))
        .expect(1)
        .mount(&server)
        .await;
    let client = HaloClient::builder()
        .base_url(format!("{}/halo", server.uri()))
        .client_id("id")
        .client_secret(SECRET)
        .build()
        .expect("valid configuration");

    assert_eq!(client.api_base().path(), "/halo/api");
    client.tickets().get(TicketId::new(4)).await.expect("get");
    server.verify().await;
}

#[tokio::test]
async fn debug_output_never_shows_the_secret_or_the_token() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    mount_get(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(ticket_json(1)),
    )
    .await;
    mount_get(&server, 2, ResponseTemplate::new(401)).await;
    let builder = HaloClient::builder()
        .base_url(server.uri())
        .tenant("acme")
        .client_id("my-client")
        .client_secret(SECRET);
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
