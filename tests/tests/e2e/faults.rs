//! Injected faults: every one gives a typed error or is retried away, a
//! create is never duplicated, and the server keeps serving afterwards.

use std::time::Duration;

use halopsa::{Error, HaloClient, NewTicket, RetryPolicy, TicketId};
use halopsa_e2e::{FakeClient, FakeHalo, Fault};
use serde_json::json;

use crate::common::{bounded, fake, quick_retries};

/// A client that tries each call once, so each fault surfaces as its error.
fn single_shot(halo: &FakeHalo) -> HaloClient {
    halo.client_builder()
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(500))
        .build()
        .expect("valid")
}

fn new_ticket(summary: &str) -> NewTicket {
    NewTicket::new().summary(summary.to_owned())
}

fn stored_with_summary(halo: &FakeHalo, summary: &str) -> usize {
    halo.records("Tickets")
        .iter()
        .filter(|t| t["summary"] == json!(summary))
        .count()
}

#[tokio::test]
async fn a_create_committed_then_answered_500_is_an_error_and_one_record() {
    bounded(20, async {
        let halo = fake(10).await;
        // The default policy retries, but never a create that may have been saved.
        let client = halo
            .client_builder()
            .retry_policy(quick_retries())
            .build()
            .expect("valid");
        halo.inject(Fault::CommitThen500, 1, Some("Tickets"));
        let err = client
            .tickets()
            .create(&new_ticket("Committed once"))
            .await
            .expect_err("the server answered 500");
        assert_eq!(err.status(), Some(500), "{err:?}");
        assert_eq!(halo.counters().creates, 1);
        assert_eq!(stored_with_summary(&halo, "Committed once"), 1);

        // The same for a batch: the chunk is never sent twice.
        halo.inject(Fault::CommitThen500, 1, Some("Tickets"));
        let batch = [new_ticket("Batch a"), new_ticket("Batch b")];
        let err = client.tickets().create_many(&batch).await.expect_err("500");
        assert_eq!(err.status(), Some(500));
        assert_eq!(stored_with_summary(&halo, "Batch a"), 1);
        assert_eq!(stored_with_summary(&halo, "Batch b"), 1);
        assert_eq!(halo.counters().requests_to("/api/Tickets"), 2);
    })
    .await;
}

#[tokio::test]
async fn a_create_refused_with_503_is_retried_and_saved_once() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo
            .client_builder()
            .retry_policy(quick_retries())
            .build()
            .expect("valid");
        halo.inject(Fault::Status(503), 1, Some("Tickets"));
        halo.inject(
            Fault::TooManyRequests { retry_after: None },
            1,
            Some("Tickets"),
        );
        let created = client
            .tickets()
            .create(&new_ticket("Retried"))
            .await
            .expect("the 503 and the 429 happened before saving");
        assert_eq!(stored_with_summary(&halo, "Retried"), 1);
        assert_eq!(created.summary.as_deref(), Some("Retried"));
        assert_eq!(halo.counters().creates, 1);
    })
    .await;
}

#[tokio::test]
async fn a_create_that_timed_out_is_not_sent_again() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo
            .client_builder()
            .retry_policy(quick_retries())
            .timeout(Duration::from_millis(300))
            .build()
            .expect("valid");
        halo.inject(Fault::Stall(Duration::from_millis(800)), 1, Some("Tickets"));
        let err = client
            .tickets()
            .create(&new_ticket("Slow save"))
            .await
            .expect_err("timed out");
        assert!(err.is_timeout(), "{err:?}");
        // The stalled request still saves its record once the stall ends.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(halo.counters().requests_to("/api/Tickets"), 1);
        assert!(stored_with_summary(&halo, "Slow save") <= 1);
    })
    .await;
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = single_shot(&halo);
        halo.inject(Fault::MalformedJson, 1, Some("Tickets"));
        let err = client
            .tickets()
            .list()
            .send()
            .await
            .expect_err("broken JSON");
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        client.tickets().list().send().await.expect("served again");
    })
    .await;
}

#[tokio::test]
async fn an_html_error_page_is_an_api_error_with_a_readable_message() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = single_shot(&halo);
        halo.inject(Fault::HtmlPage(502), 1, None);
        let err = client
            .tickets()
            .get(TicketId::new(1))
            .await
            .expect_err("502");
        assert_eq!(err.status(), Some(502));
        assert!(err.is_retryable());
        let message = err.to_string();
        assert!(
            message.contains("502") && !message.contains("<html"),
            "{message}"
        );
        assert!(err.body().is_some_and(|b| b.contains("<html")));
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_typed_and_retried_for_reads() {
    bounded(20, async {
        let halo = fake(10).await;
        halo.inject(Fault::Status(500), 1, None);
        let err = single_shot(&halo)
            .tickets()
            .get(TicketId::new(1))
            .await
            .expect_err("500");
        assert!(err.is_server_error(), "{err:?}");

        halo.inject(Fault::Status(502), 2, None);
        let client = halo
            .client_builder()
            .retry_policy(quick_retries())
            .build()
            .expect("valid");
        let ticket = client
            .tickets()
            .get(TicketId::new(1))
            .await
            .expect("retried");
        assert_eq!(ticket.id.get(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = single_shot(&halo);
        halo.inject(Fault::CloseConnection, 1, Some("Tickets"));
        let err = client.tickets().list().send().await.expect_err("no answer");
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        client.tickets().list().send().await.expect("served again");
        // Faults not yet served can be withdrawn.
        halo.inject(Fault::CloseConnection, 5, None);
        halo.clear_faults();
        client.tickets().list().send().await.expect("no fault left");
    })
    .await;
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_a_read_but_never_for_a_create() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo
            .client_builder()
            .retry_policy(quick_retries())
            .build()
            .expect("valid");
        halo.inject(Fault::CloseConnection, 1, Some("Tickets"));
        client.tickets().list().send().await.expect("read again");
        assert_eq!(halo.counters().requests_to("/api/Tickets"), 2);

        halo.inject(Fault::CloseConnection, 1, Some("Tickets"));
        let err = client
            .tickets()
            .create(&new_ticket("dropped"))
            .await
            .expect_err("a create is not sent twice");
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        assert_eq!(halo.counters().requests_to("/api/Tickets"), 3);
    })
    .await;
}

#[tokio::test]
async fn a_stalled_read_times_out_and_is_retried() {
    bounded(20, async {
        let halo = fake(10).await;
        halo.inject(Fault::Stall(Duration::from_secs(2)), 1, None);
        let err = single_shot(&halo)
            .tickets()
            .get(TicketId::new(2))
            .await
            .expect_err("stalled");
        assert!(err.is_timeout(), "{err:?}");

        halo.inject(Fault::Stall(Duration::from_secs(2)), 1, None);
        let client = halo
            .client_builder()
            .retry_policy(quick_retries())
            .timeout(Duration::from_millis(300))
            .build()
            .expect("valid");
        let ticket = client
            .tickets()
            .get(TicketId::new(2))
            .await
            .expect("retried");
        assert_eq!(ticket.id.get(), 2);
    })
    .await;
}
