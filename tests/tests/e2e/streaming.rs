//! Streaming 5,000 tickets: every id exactly once, through rate limits,
//! server errors and expiring tokens.

use std::collections::HashSet;
use std::pin::pin;
use std::time::Duration;

use futures::StreamExt;
use halopsa::{Error, HaloClient, Ticket};
use halopsa_e2e::{FakeClient, FakeHalo, Fault};

use crate::common::{bounded, fake, quick_retries};

const TICKETS: usize = 5000;

/// Streams every ticket, calling `at(n)` after the n-th one arrives.
async fn stream_all(
    client: &HaloClient,
    prefetch: bool,
    mut at: impl FnMut(usize),
) -> Result<HashSet<i32>, Error> {
    let pages_ahead = if prefetch { 2 } else { 0 };
    let mut stream = pin!(client.tickets().list().prefetch(pages_ahead).stream());
    let mut ids = HashSet::new();
    while let Some(ticket) = stream.next().await {
        let ticket: Ticket = ticket?;
        assert!(ids.insert(ticket.id.get()), "ticket {} twice", ticket.id);
        at(ids.len());
    }
    Ok(ids)
}

fn all_ids() -> HashSet<i32> {
    (1..=TICKETS as i32).collect()
}

#[tokio::test]
async fn streams_5000_tickets_each_exactly_once() {
    bounded(60, async {
        let halo = fake(TICKETS).await;
        let ids = stream_all(&halo.client(), false, |_| {})
            .await
            .expect("streamed");
        assert_eq!(ids, all_ids());
        let counters = halo.counters();
        // 100 per page: 50 pages, and one token for all of them.
        assert_eq!(counters.requests_to("/api/Tickets"), 50);
        assert_eq!(counters.token_requests, 1);
    })
    .await;
}

#[tokio::test]
async fn streams_through_429s_and_503s_landing_mid_stream() {
    bounded(60, async {
        let halo = fake(TICKETS).await;
        let client = halo
            .client_builder()
            .retry_policy(quick_retries())
            .build()
            .expect("valid");
        let ids = stream_all(&client, true, |n| match n {
            1000 => {
                halo.inject(
                    Fault::TooManyRequests { retry_after: None },
                    1,
                    Some("Tickets"),
                );
                halo.inject(Fault::Status(503), 1, Some("Tickets"));
            }
            3000 => {
                halo.inject(Fault::Status(503), 2, Some("Tickets"));
                let retry_after = Some(Duration::from_secs(1));
                halo.inject(Fault::TooManyRequests { retry_after }, 1, Some("Tickets"));
            }
            _ => {}
        })
        .await
        .expect("the retries absorb every fault");
        assert_eq!(ids, all_ids());
        let counters = halo.counters();
        assert_eq!(counters.faults, 5);
        assert_eq!(counters.rate_limited, 2);
        assert_eq!(counters.requests_to("/api/Tickets"), 55);
    })
    .await;
}

#[tokio::test]
async fn a_token_revoked_mid_stream_is_refreshed_exactly_once() {
    bounded(60, async {
        let halo = fake(TICKETS).await;
        let ids = stream_all(&halo.client(), false, |n| {
            if n == 2000 {
                halo.revoke_tokens();
            }
        })
        .await
        .expect("streamed");
        assert_eq!(ids, all_ids());
        let counters = halo.counters();
        assert_eq!(counters.unauthorized, 1, "one call met the dead token");
        assert_eq!(counters.token_requests, 2, "one refresh");
        assert_eq!(counters.requests_to("/api/Tickets"), 51, "one replay");
    })
    .await;
}

#[tokio::test]
async fn tokens_expiring_during_a_slow_stream_are_renewed_before_the_server_refuses_them() {
    bounded(60, async {
        let halo = FakeHalo::builder()
            .tickets(TICKETS)
            .token_lifetime(Duration::from_secs(2))
            .start()
            .await
            .expect("starts");
        let client = halo.client();
        let started = std::time::Instant::now();
        let mut stream = pin!(client.tickets().list().pages());
        let mut ids = HashSet::new();
        // 50 pages, 50 ms apart: at least 2.5 s, more than a token lifetime.
        while let Some(page) = stream.next().await {
            let page = page.expect("page");
            ids.extend(page.items.iter().map(|t| t.id.get()));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(ids, all_ids());
        let counters = halo.counters();
        assert_eq!(counters.unauthorized, 0, "renewed ahead of expiry");
        // Renewed at half-life (1 s, leaving a second of slack before the
        // server refuses it): about one token a second, never one per request.
        let elapsed = started.elapsed();
        let most = elapsed.as_millis() / 1000 + 2;
        assert!(
            (3..=most).contains(&u128::from(counters.token_requests)),
            "{} token requests in {elapsed:?}",
            counters.token_requests
        );
    })
    .await;
}
