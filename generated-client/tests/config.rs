//! Configuring a client: what the builder refuses, a base URL with a path
//! prefix or a trailing slash, the user agent, and `HaloClient::from_env`.
//!
//! The process environment is shared by every thread of this binary:
//! `from_env_reads_the_halopsa_variables` is the one test here that sets or
//! reads the `HALOPSA_` variables, and it must stay the only one.

mod common;

use common::{mount_token, ticket_json, token_request, TokenSequence, SECRET};
use halopsa::{Error, HaloClient, StaticToken, TicketId};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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
async fn base_url_keeps_a_path_prefix_and_ignores_a_trailing_slash() {
    for (suffix, prefix) in [("/halo", "/halo"), ("/halo/", "/halo"), ("/", "")] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("{prefix}/auth/token")))
            .respond_with(TokenSequence::new(3600))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("{prefix}/api/Tickets/4")))
            .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(4)))
            .expect(1)
            .mount(&server)
            .await;
        let client = HaloClient::builder()
            .base_url(format!("{}{suffix}", server.uri()))
            .client_id("id")
            .client_secret(SECRET)
            .build()
            .expect("valid configuration");

        assert_eq!(
            client.api_base().path(),
            format!("{prefix}/api"),
            "{suffix}"
        );
        client.tickets().get(TicketId::new(4)).await.expect("get");
        server.verify().await;
    }
}

#[tokio::test]
async fn requests_carry_the_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .and(header(
            "user-agent",
            concat!("halopsa-rs/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/2"))
        .and(header("user-agent", "sync-job/2.0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(2)))
        .expect(2)
        .mount(&server)
        .await;
    let with_token = |builder: halopsa::HaloClientBuilder| {
        builder
            .base_url(server.uri())
            .token_source(StaticToken::new("t"))
            .build()
            .expect("valid configuration")
    };

    with_token(HaloClient::builder())
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("default agent");
    with_token(HaloClient::builder().user_agent("sync-job/2.0"))
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect("own agent");
    // A caller-supplied HTTP client still gets an explicit user agent.
    with_token(
        HaloClient::builder()
            .http_client(reqwest::Client::new())
            .user_agent("sync-job/2.0"),
    )
    .tickets()
    .get(TicketId::new(2))
    .await
    .expect("own client, own agent");
    server.verify().await;
}

const VARS: [&str; 6] = [
    "HALOPSA_BASE_URL",
    "HALOPSA_CLIENT_ID",
    "HALOPSA_CLIENT_SECRET",
    "HALOPSA_TENANT",
    "HALOPSA_SCOPE",
    "HALOPSA_AUTH_URL",
];

#[tokio::test]
async fn from_env_reads_the_halopsa_variables() {
    for var in VARS {
        std::env::remove_var(var);
    }
    match HaloClient::from_env() {
        Err(Error::Config { message }) => {
            assert!(message.contains("HALOPSA_BASE_URL"), "{message}");
        }
        other => panic!("expected Error::Config, got {other:?}"),
    }

    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(1)))
        .expect(1)
        .mount(&server)
        .await;
    std::env::set_var("HALOPSA_BASE_URL", server.uri());
    std::env::set_var("HALOPSA_CLIENT_ID", "env-client");
    std::env::set_var("HALOPSA_CLIENT_SECRET", SECRET);
    std::env::set_var("HALOPSA_TENANT", "acme");
    std::env::set_var("HALOPSA_SCOPE", "read:tickets");

    let client = HaloClient::from_env().expect("configured from the environment");
    client.tickets().get(TicketId::new(1)).await.expect("get");

    let token = token_request(&server).await;
    let form = String::from_utf8_lossy(&token.body);
    assert!(form.contains("client_id=env-client"), "{form}");
    assert!(form.contains("scope=read%3Atickets"), "{form}");
    server.verify().await;

    // An empty tenant means self-hosted: no `?tenant=` on the token URL.
    std::env::set_var("HALOPSA_TENANT", "");
    std::env::set_var(
        "HALOPSA_AUTH_URL",
        "https://auth.example.halopsa.com/auth/token",
    );
    let shown = format!("{:?}", HaloClient::from_env().expect("valid"));
    assert!(
        shown.contains("https://auth.example.halopsa.com/auth/token\""),
        "{shown}"
    );
    assert!(!shown.contains(SECRET));
    for var in VARS {
        std::env::remove_var(var);
    }
}
