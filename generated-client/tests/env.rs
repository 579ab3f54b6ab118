//! `HaloClient::from_env`. Its own test binary with a single test: the
//! process environment is shared by every thread of a binary.

mod common;

use common::{mount_token, ticket_json, SECRET};
use halopsa::{Error, HaloClient, TicketId};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

    let requests = server.received_requests().await.unwrap_or_default();
    let token = requests
        .iter()
        .find(|r| r.url.path() == "/auth/token")
        .expect("a token request");
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
