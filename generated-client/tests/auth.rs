//! Token handling against a local wiremock server: single flight, refresh
//! ahead of expiry, failed refreshes, token URLs, discovery and token sources.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{builder, client, hits, mount_token, ms, ticket_json, TokenSequence, SECRET};
use futures::future::{join_all, BoxFuture};
use halopsa::{AccessToken, Error, HaloClient, StaticToken, TicketId, TokenSource};
use serde_json::json;
use wiremock::matchers::{bearer_token, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_any_ticket(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .mount(server)
        .await;
}

/// `n` concurrent gets of ticket 1, each on its own task.
async fn concurrent_gets(client: &HaloClient, n: usize) -> Vec<halopsa::Result<halopsa::Ticket>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.tickets().get(TicketId::new(1)).await })
        })
        .collect();
    join_all(tasks)
        .await
        .into_iter()
        .map(|joined| joined.expect("task"))
        .collect()
}

/// The bearer tokens of the API requests the server received, in order.
async fn bearers(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .filter_map(|r| {
            r.headers
                .get("authorization")?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expiring_mid_run_is_refreshed_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        // One-second tokens.
        .respond_with(TokenSequence::new(1))
        .expect(2)
        .mount(&server)
        .await;
    mount_any_ticket(&server).await;
    // Refresh half a second ahead of expiry.
    let client = builder(&server)
        .token_refresh_margin(ms(500))
        .build()
        .expect("valid configuration");

    for result in concurrent_gets(&client, 20).await {
        result.expect("first round");
    }
    tokio::time::sleep(ms(600)).await;
    for result in concurrent_gets(&client, 20).await {
        result.expect("second round");
    }

    let used = bearers(&server).await;
    assert_eq!(used.len(), 40);
    assert!(used[..20].iter().all(|b| b == "Bearer tok-1"), "{used:?}");
    assert!(used[20..].iter().all(|b| b == "Bearer tok-2"), "{used:?}");
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_reaches_every_waiter_and_the_next_call_tries_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "invalid_client"}))
                .set_delay(ms(200)),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(TokenSequence::new(3600))
        .expect(1)
        .mount(&server)
        .await;
    mount_any_ticket(&server).await;
    let client = client(&server);

    for result in concurrent_gets(&client, 30).await {
        match result {
            Err(Error::Auth { code, status, .. }) => {
                assert_eq!(code.as_deref(), Some("invalid_client"));
                assert_eq!(status, Some(401));
            }
            other => panic!("expected Error::Auth, got {other:?}"),
        }
    }
    assert_eq!(hits(&server, "/api/Tickets/1").await, 0);

    client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("the next call fetches again");
    server.verify().await;
}

#[tokio::test]
async fn token_urls_honour_an_explicit_auth_url_and_the_tenant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/elsewhere/token"))
        .and(query_param("tenant", "acme"))
        .respond_with(TokenSequence::new(3600))
        .expect(1)
        .mount(&server)
        .await;
    mount_any_ticket(&server).await;

    builder(&server)
        .auth_url(format!("{}/elsewhere/token", server.uri()))
        .build()
        .expect("valid configuration")
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("get");
    server.verify().await;
}

#[tokio::test]
async fn the_token_url_can_be_discovered_through_auth_info() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/AuthInfo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "auth_url": format!("{}/trial-auth/", server.uri()),
            "tenant_id": "trial-7",
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/trial-auth/token"))
        .and(query_param("tenant", "trial-7"))
        .respond_with(TokenSequence::new(0))
        .expect(2)
        .mount(&server)
        .await;
    mount_any_ticket(&server).await;
    let client = HaloClient::builder()
        .base_url(server.uri())
        .client_id("id")
        .client_secret(SECRET)
        .discover_auth_url(true)
        .build()
        .expect("valid configuration");

    // Tokens expire at once, so the second call fetches again: discovery
    // itself happens once.
    client.tickets().get(TicketId::new(1)).await.expect("first");
    client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("second");
    server.verify().await;

    // An instance without AuthInfo falls back to the default token URL.
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_any_ticket(&server).await;
    builder(&server)
        .discover_auth_url(true)
        .build()
        .expect("valid configuration")
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("fallback");
    assert_eq!(hits(&server, "/api/AuthInfo").await, 1);
    server.verify().await;
}

#[tokio::test]
async fn token_endpoint_failures_carry_the_status_and_code() {
    let cases = [
        (
            401,
            json!({"error": "invalid_client"}).to_string(),
            "invalid_client",
        ),
        (
            400,
            json!({"error": "invalid_grant", "error_description": "grant type not allowed"})
                .to_string(),
            "invalid_grant",
        ),
        (400, "Tenant not found".to_owned(), "tenant_not_found"),
    ];
    for (status, body, code) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/token"))
            .respond_with(ResponseTemplate::new(status).set_body_string(body.clone()))
            .expect(1)
            .mount(&server)
            .await;

        let err = client(&server)
            .tickets()
            .get(TicketId::new(1))
            .await
            .expect_err("refused");
        match &err {
            Error::Auth {
                status: got_status,
                code: got_code,
                body: got_body,
                ..
            } => {
                assert_eq!(*got_status, Some(status));
                assert_eq!(got_code.as_deref(), Some(code));
                assert_eq!(got_body, &body);
            }
            other => panic!("expected Error::Auth, got {other:?}"),
        }
        assert!(!err.is_retryable());
        assert!(!format!("{err} {err:?}").contains(SECRET));
        server.verify().await;
    }
}

#[tokio::test]
async fn a_static_token_is_used_as_is_and_a_rejection_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .and(bearer_token("fixed-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/2"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let client = HaloClient::builder()
        .base_url(server.uri())
        .token_source(StaticToken::new("fixed-token"))
        .build()
        .expect("valid configuration");

    client.tickets().get(TicketId::new(1)).await.expect("get");
    let err = client
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect_err("rejected twice");
    assert!(
        matches!(
            err,
            Error::Auth {
                status: Some(401),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!format!("{client:?} {err:?}").contains("fixed-token"));
    assert_eq!(hits(&server, "/auth/token").await, 0);
    server.verify().await;
}

/// A token source that counts its calls, like a vault client would be.
#[derive(Debug, Default)]
struct Vault {
    calls: Arc<AtomicUsize>,
}

impl TokenSource for Vault {
    fn fetch_token(&self) -> BoxFuture<'_, halopsa::Result<AccessToken>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(ms(50)).await;
            Ok(AccessToken::new(format!("vault-{n}")).with_expires_in(Duration::from_secs(600)))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_token_source_is_cached_and_shared() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .and(bearer_token("vault-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .expect(10)
        .mount(&server)
        .await;
    let vault = Vault::default();
    let calls = Arc::clone(&vault.calls);
    let client = HaloClient::builder()
        .base_url(server.uri())
        .token_source(vault)
        .build()
        .expect("valid configuration");

    for result in concurrent_gets(&client, 10).await {
        result.expect("get");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    server.verify().await;
}
