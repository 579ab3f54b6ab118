//! A job of 150 calls against a server allowing 50 per 5 s: the client's own
//! limiter avoids every 429; without it the retries still finish the job.
//! Both take about ten seconds by construction (three windows' worth).

use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use halopsa::{HaloClient, RateLimit, RetryPolicy, TicketId};
use halopsa_e2e::FakeHalo;

use crate::common::bounded;

const JOB: i32 = 150;
const LIMIT: u32 = 50;
const WINDOW: Duration = Duration::from_secs(5);

async fn limited_fake() -> FakeHalo {
    FakeHalo::builder()
        .tickets(JOB as usize)
        .rate_limit(LIMIT, WINDOW)
        .start()
        .await
        .expect("starts")
}

/// Fetches tickets 1..=150, eight at a time; returns how many succeeded.
async fn run_job(client: &HaloClient) -> usize {
    stream::iter(1..=JOB)
        .map(|id| client.tickets().get(TicketId::new(id)).send())
        .buffer_unordered(8)
        .filter(|result| {
            if let Err(err) = result {
                eprintln!("call failed: {err}");
            }
            std::future::ready(result.is_ok())
        })
        .count()
        .await
}

#[tokio::test]
async fn with_the_client_limiter_a_150_call_job_draws_no_429() {
    bounded(60, async {
        let halo = limited_fake().await;
        // The fake's client builder mirrors the server's limit.
        let client = halo
            .client_builder()
            .rate_limit(RateLimit::new(LIMIT, WINDOW))
            .build()
            .expect("valid");
        let started = Instant::now();
        assert_eq!(run_job(&client).await, JOB as usize);
        let counters = halo.counters();
        assert_eq!(counters.rate_limited, 0);
        assert_eq!(counters.requests_under("/api/Tickets"), JOB as u64);
        eprintln!("paced job took {:?}", started.elapsed());
    })
    .await;
}

#[tokio::test]
async fn without_the_limiter_the_retries_finish_the_job() {
    bounded(60, async {
        let halo = limited_fake().await;
        let client = halo
            .client_builder()
            .rate_limit(RateLimit::disabled())
            .retry_policy(RetryPolicy::default().max_attempts(6))
            .build()
            .expect("valid");
        let started = Instant::now();
        assert_eq!(run_job(&client).await, JOB as usize);
        let counters = halo.counters();
        assert!(counters.rate_limited > 0, "the server pushed back");
        assert_eq!(
            counters.requests_under("/api/Tickets"),
            JOB as u64 + counters.rate_limited
        );
        eprintln!(
            "unpaced job took {:?} with {} 429s",
            started.elapsed(),
            counters.rate_limited
        );
    })
    .await;
}
