//! A job of 150 calls against a server allowing 50 per 5 s: the client's own
//! limiter avoids every 429; without it the retries still finish the job.
//! Both take about ten seconds by construction (three windows' worth).
//! Then the pause after a 429, which holds requests already waiting for a
//! slot, and a limit the server states in its 429, which the client adopts.

use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use halopsa::{HaloClient, RateLimit, RetryPolicy, TicketId};
use halopsa_e2e::{FakeClient, FakeHalo, Fault};

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

/// Three callers paced 400 ms apart by the client's limiter; the first
/// request draws a 429 with `Retry-After: 1`. The two requests already
/// waiting for their slots (due at +0.4 s and +0.8 s) must wait for the end
/// of the pause too.
#[tokio::test]
async fn a_429_pause_holds_requests_already_waiting_in_the_limiter() {
    bounded(30, async {
        let halo = crate::common::fake(20).await;
        let client = halo
            .client_builder()
            // One request every 400 ms, one at a time.
            .rate_limit(RateLimit::new(4, Duration::from_millis(1200)).burst(1))
            .build()
            .expect("valid");
        let retry_after = Some(Duration::from_secs(1));
        halo.inject(Fault::TooManyRequests { retry_after }, 1, Some("Tickets"));
        let callers: Vec<_> = (0..3)
            .map(|caller| {
                let client = client.clone();
                tokio::spawn(async move {
                    for n in 0..2 {
                        let id = TicketId::new(caller * 2 + n + 1);
                        client.tickets().get(id).await.expect("got");
                    }
                })
            })
            .collect();
        for caller in callers {
            caller.await.expect("the caller finished");
        }
        let calls = halo.calls();
        assert_eq!(calls.len(), 7, "six gets and one retry: {calls:?}");
        let throttled = calls
            .iter()
            .find(|call| call.status == 429)
            .expect("the injected 429");
        // The pause starts when the client reads the 429, a moment after the
        // server sent it.
        let pause_end = throttled.at + Duration::from_millis(950);
        let during: Vec<Duration> = calls
            .iter()
            .filter(|call| call.at > throttled.at && call.at < pause_end)
            .map(|call| call.at - throttled.at)
            .collect();
        assert!(
            during.is_empty(),
            "requests left during the pause, at {during:?} after the 429"
        );
    })
    .await;
}

/// A long job against a server whose limit (30 per 3 s) is lower than the
/// client was told (70 per 3 s): the first 429 states the limit, the client
/// adopts it, and from the end of that 429's pause the job runs at 90 % or
/// more of the server's limit, drawing at most one more 429.
#[tokio::test]
async fn the_client_learns_a_lower_limit_from_the_first_429() {
    bounded(60, learns_the_limit(true)).await;
}

/// The same when the 429 states the limit but not when to come back (Halo
/// is not known to send `Retry-After`): the client works out when its own
/// requests leave the server's window.
#[tokio::test]
async fn without_retry_after_the_client_waits_for_its_own_requests_to_leave_the_window() {
    bounded(60, learns_the_limit(false)).await;
}

async fn learns_the_limit(retry_after: bool) {
    {
        const JOB: i32 = 100;
        let window = Duration::from_secs(3);
        let halo = FakeHalo::builder()
            .tickets(50)
            .rate_limit(30, window)
            .retry_after(retry_after)
            .start()
            .await
            .expect("starts");
        let client = halo
            .client_builder()
            .rate_limit(RateLimit::new(70, window))
            // A quick backoff: only the wait the client works out keeps the
            // retries from drawing more 429s when no Retry-After comes.
            .retry_policy(
                RetryPolicy::default()
                    .rate_limit_backoff(Duration::from_millis(100), Duration::from_millis(200)),
            )
            .build()
            .expect("valid");
        assert!(!client.rate_limit().is_learned());
        let done = stream::iter(1..=JOB)
            .map(|n| client.tickets().get(TicketId::new(1 + n % 50)).send())
            .buffer_unordered(4)
            .filter(|result| std::future::ready(result.is_ok()))
            .count()
            .await;
        assert_eq!(done, JOB as usize, "every call succeeded");

        let learned = client.rate_limit();
        assert!(learned.is_learned(), "{learned:?}");
        assert_eq!(
            (learned.requests(), learned.window()),
            (Some(30), Some(window))
        );

        let calls = halo.calls();
        let rejected: Vec<usize> = (0..calls.len())
            .filter(|&i| calls[i].status == 429)
            .collect();
        assert!(
            (1..=2).contains(&rejected.len()),
            "one 429 to learn from, at most one more: {} in all",
            rejected.len()
        );
        // From the first call admitted after the first 429's pause to the
        // last one: the share of the server's rate the job achieved.
        let after: Vec<Instant> = calls[rejected[0]..]
            .iter()
            .filter(|call| call.status == 200)
            .map(|call| call.at)
            .collect();
        let (first, last) = (after[0], after[after.len() - 1]);
        let achieved = (after.len() - 1) as f64 / (last - first).as_secs_f64();
        let share = achieved / (30.0 / window.as_secs_f64());
        eprintln!(
            "after the first 429: {} calls at {achieved:.2}/s, {:.0} % of the limit",
            after.len(),
            share * 100.0
        );
        assert!(share >= 0.9, "{:.0} % of the limit", share * 100.0);
        assert!(share <= 1.0, "faster than the server allows?");
    }
}

/// A 429 that states no figure leaves the limit alone and still pauses the
/// whole client, as before.
#[tokio::test]
async fn a_429_without_a_figure_changes_no_limit() {
    bounded(30, async {
        let halo = FakeHalo::builder()
            .tickets(20)
            .rate_limit(5, Duration::from_secs(2))
            .state_rate_limit(false)
            .start()
            .await
            .expect("starts");
        let configured = RateLimit::new(50, Duration::from_secs(2));
        let client = halo
            .client_builder()
            .rate_limit(configured.clone())
            .build()
            .expect("valid");
        for id in 1..=8 {
            client.tickets().get(TicketId::new(id)).await.expect("got");
        }
        assert!(halo.counters().rate_limited >= 1, "the server pushed back");
        assert_eq!(client.rate_limit(), configured);
    })
    .await;
}
