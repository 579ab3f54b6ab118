//! Runtime behaviour against a local wiremock server: auth, wire shapes,
//! errors and lenient decoding, driven through the generated ticket API.

use std::sync::atomic::{AtomicUsize, Ordering};

use halopsa::runtime::HaloClient;
use halopsa::TicketId;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SECRET: &str = "sup3r-s3cret-value";

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
