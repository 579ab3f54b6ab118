//! Client-level behaviour against a local wiremock server: the user agent,
//! tracing output (and what it must never contain), error helpers.

mod common;

use common::{client, mount_token, ms, ticket_json, Capture, Sequence, SECRET};
use halopsa::{HaloClient, RateLimit, RetryPolicy, StaticToken, TicketId};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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
