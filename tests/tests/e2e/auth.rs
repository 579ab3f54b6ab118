//! Authentication against the fake's token endpoint.

use futures::future::join_all;
use halopsa::{Error, TicketId};
use halopsa_e2e::{FakeClient, FakeHalo};

use crate::common::{bounded, fake};

#[tokio::test]
async fn two_hundred_concurrent_calls_on_a_cold_client_fetch_one_token() {
    bounded(20, async {
        let halo = fake(300).await;
        let client = halo.client();
        let calls = (1..=200).map(|id| client.tickets().get(TicketId::new(id)).send());
        let results = join_all(calls).await;
        assert!(results.iter().all(Result::is_ok), "every call succeeds");
        let counters = halo.counters();
        assert_eq!(counters.token_requests, 1);
        assert_eq!(counters.requests_under("/api/Tickets"), 200);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_tenant_is_reported_as_such() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo
            .client_builder()
            .tenant("someone-else")
            .build()
            .expect("valid");
        let err = client.tickets().list().send().await.expect_err("refused");
        match &err {
            Error::Auth { status, code, .. } => {
                assert_eq!(*status, Some(400));
                assert_eq!(code.as_deref(), Some("tenant_not_found"), "{err}");
            }
            other => panic!("expected an auth error, got {other:?}"),
        }
        assert_eq!(halo.counters().tokens_issued, 0);
    })
    .await;
}

#[tokio::test]
async fn a_bad_secret_is_invalid_client_and_never_shown() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo
            .client_builder()
            .client_secret("not-the-secret".to_owned())
            .build()
            .expect("valid");
        let err = client.tickets().list().send().await.expect_err("refused");
        match &err {
            Error::Auth { status, code, .. } => {
                assert_eq!(*status, Some(401));
                assert_eq!(code.as_deref(), Some("invalid_client"));
            }
            other => panic!("expected an auth error, got {other:?}"),
        }
        let shown = format!("{err} {err:?} {client:?}");
        assert!(!shown.contains("not-the-secret"), "{shown}");
        assert!(!shown.contains(halo.client_secret()), "{shown}");
    })
    .await;
}

#[tokio::test]
async fn the_token_endpoint_can_be_discovered_and_self_hosted_needs_no_tenant() {
    bounded(20, async {
        let halo = FakeHalo::builder()
            .tenant("")
            .start()
            .await
            .expect("starts");
        let client = halo
            .client_builder()
            .discover_auth_url(true)
            .build()
            .expect("valid");
        client.tickets().list().send().await.expect("listed");
        let counters = halo.counters();
        assert_eq!(counters.requests_to("/api/AuthInfo"), 1);
        assert_eq!(counters.tokens_issued, 1);
    })
    .await;
}

#[tokio::test]
async fn a_failing_token_endpoint_is_retried() {
    bounded(20, async {
        let halo = fake(10).await;
        halo.inject(halopsa_e2e::Fault::Status(503), 1, Some("/auth/token"));
        let client = halo
            .client_builder()
            .retry_policy(crate::common::quick_retries())
            .build()
            .expect("valid");
        client
            .tickets()
            .list()
            .send()
            .await
            .expect("listed after a retry");
        let counters = halo.counters();
        assert_eq!(counters.token_requests, 1, "the 503 came from the proxy");
        assert_eq!(counters.requests_to("/auth/token"), 2);
    })
    .await;
}
