//! The OAuth client-credentials flow against a local wiremock server: the
//! token request, token URLs and their discovery, the token cache (one fetch
//! for all waiters, refresh ahead of expiry, failed refreshes), the replay
//! after a 401, refusals by the token endpoint, and caller-supplied token
//! sources.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{
    api_requests, builder, client, concurrent_gets, hits, mount_ticket, mount_token, ms,
    ticket_json, token_request, TokenSequence, SECRET,
};
use futures::future::BoxFuture;
use halopsa::{AccessToken, Error, HaloClient, StaticToken, TicketId, TokenSource};
use serde_json::json;
use wiremock::matchers::{bearer_token, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The first token [`TokenSequence`] issues, and the one fixed-token
/// endpoints here hand out.
const TOKEN: &str = "tok-1";

/// The bearer tokens of the API requests the server received, in order.
async fn bearers(server: &MockServer) -> Vec<String> {
    api_requests(server)
        .await
        .iter()
        .filter_map(|r| {
            r.headers
                .get("authorization")?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .collect()
}

// ---------------------------------------------------------------- the token request

#[tokio::test]
async fn token_request_is_a_form_post_with_credentials_and_tenant() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_ticket(&server, 1).await;

    client(&server)
        .tickets()
        .get(TicketId::new(1))
        .send()
        .await
        .expect("get");

    let token = token_request(&server).await;
    assert_eq!(token.method.as_str(), "POST");
    assert_eq!(
        token
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&token.body)
        .into_owned()
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("grant_type"), Some("client_credentials"));
    assert_eq!(field("client_id"), Some("my-client"));
    assert_eq!(field("client_secret"), Some(SECRET));
    assert_eq!(field("scope"), Some("all"));
    assert_eq!(token.url.query(), Some("tenant=acme"));
}

#[tokio::test]
async fn self_hosted_token_request_has_no_tenant_and_custom_scope() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(query_param_is_missing("tenant"))
        .respond_with(TokenSequence::new(3600))
        .expect(1)
        .mount(&server)
        .await;
    mount_ticket(&server, 1).await;
    let client = HaloClient::builder()
        .base_url(server.uri())
        .tenant("")
        .client_id("id")
        .client_secret(SECRET)
        .scope("read:tickets edit:tickets")
        .build()
        .expect("valid configuration");

    client.tickets().get(TicketId::new(1)).await.expect("get");

    let token = token_request(&server).await;
    let body = String::from_utf8_lossy(&token.body);
    assert!(
        body.contains("scope=read%3Atickets+edit%3Atickets"),
        "{body}"
    );
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
    mount_ticket(&server, 1).await;

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
    mount_ticket(&server, 1).await;
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
    mount_ticket(&server, 1).await;
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

// ---------------------------------------------------------------- the token cache

#[tokio::test]
async fn token_is_sent_as_bearer_and_cached_across_calls() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/7"))
        .and(bearer_token(TOKEN))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(7)))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);

    for _ in 0..2 {
        let ticket = client.tickets().get(TicketId::new(7)).await.expect("get");
        assert_eq!(ticket.id.get(), 7);
    }
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_share_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": TOKEN, "expires_in": 3600}))
                // Slow enough that every task finds the fetch in flight.
                .set_delay(ms(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .and(bearer_token(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .expect(50)
        .mount(&server)
        .await;
    let client = client(&server);

    for result in concurrent_gets(&client, 50).await {
        assert_eq!(result.expect("get").id.get(), 1);
    }
    server.verify().await;
}

#[tokio::test]
async fn an_expired_token_is_fetched_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": TOKEN, "expires_in": 0})),
        )
        .expect(2)
        .mount(&server)
        .await;
    mount_ticket(&server, 1).await;
    let client = client(&server);

    client.tickets().get(TicketId::new(1)).await.expect("first");
    client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("second");
    server.verify().await;
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
    mount_ticket(&server, 1).await;
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
    mount_ticket(&server, 1).await;
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

// ---------------------------------------------------------------- 401s and refusals

#[tokio::test]
async fn api_401_renews_the_token_and_replays_once() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/5"))
        .and(bearer_token("tok-1"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/5"))
        .and(bearer_token("tok-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(5)))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);

    let ticket = client
        .tickets()
        .get(TicketId::new(5))
        .await
        .expect("replayed");
    assert_eq!(ticket.id.get(), 5);
    // The fresh token is cached: no third token request.
    client
        .tickets()
        .get(TicketId::new(5))
        .await
        .expect("cached");
    server.verify().await;
}

#[tokio::test]
async fn api_401_twice_is_an_auth_error() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/5"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized"})))
        .expect(2)
        .mount(&server)
        .await;

    let err = client(&server)
        .tickets()
        .get(TicketId::new(5))
        .await
        .expect_err("must fail");
    match &err {
        Error::Auth {
            status,
            message,
            body,
            ..
        } => {
            assert_eq!(*status, Some(401));
            assert!(message.contains("Unauthorized"), "{message}");
            assert!(body.contains("Unauthorized"));
        }
        other => panic!("expected Error::Auth, got {other:?}"),
    }
    assert!(!err.is_retryable());
    server.verify().await;
}

#[tokio::test]
async fn a_refused_token_request_is_an_auth_error_and_the_api_is_not_called() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .expect(0)
        .mount(&server)
        .await;

    let err = client(&server)
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("must fail");
    match &err {
        Error::Auth {
            status, code, body, ..
        } => {
            assert_eq!(*status, Some(401));
            assert_eq!(code.as_deref(), Some("invalid_client"));
            assert!(body.contains("invalid_client"));
        }
        other => panic!("expected Error::Auth, got {other:?}"),
    }
    assert!(err.to_string().contains("invalid_client"), "{err}");
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
async fn a_malformed_token_response_is_not_quoted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok-live", "expires_in": "soon"})),
        )
        .mount(&server)
        .await;

    let err = client(&server)
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("bad expires_in");
    assert!(
        matches!(&err, Error::Decode { path, .. } if path == "expires_in"),
        "{err:?}"
    );
    assert!(!format!("{err:?} {err}").contains("tok-live"));
}

// ---------------------------------------------------------------- token sources

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
