//! Retries, their safety for creates, Retry-After, the 429 pause, the time
//! budget and the client-side rate limiter, against a local wiremock server.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use common::{
    builder, client, concurrent_gets, fast_retries, hits, mount_ticket, mount_token, ms,
    refused_base_url, ticket_json, Capture, Sequence,
};
use halopsa::runtime::{Observer, Wait, WaitReason};
use halopsa::{
    Error, HaloClient, NewTicket, RateLimit, RetryPolicy, StaticToken, Ticket, TicketId,
};
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const ONE: &str = "/api/Tickets/1";

fn new_ticket() -> NewTicket {
    NewTicket::new().summary("Printer on fire")
}

async fn mount(server: &MockServer, verb: &str, at: &str, response: impl Respond + 'static) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

/// `first` once, then `then` for good.
async fn mount_once_then(
    server: &MockServer,
    verb: &str,
    at: &str,
    first: ResponseTemplate,
    then: ResponseTemplate,
) {
    mount(server, verb, at, Sequence::new(vec![first, then])).await;
}

// ---------------------------------------------------------------- Retry-After

#[tokio::test]
async fn a_429_with_retry_after_seconds_waits_that_long_and_succeeds() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_once_then(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "1")
            .set_body_json(json!({"error": "rate_limit_exceeded"})),
        ResponseTemplate::new(200).set_body_json(ticket_json(1)),
    )
    .await;

    let started = Instant::now();
    let ticket = client(&server)
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("retried after the wait");
    let elapsed = started.elapsed();

    assert_eq!(ticket.id.get(), 1);
    assert!(elapsed >= ms(900), "waited only {elapsed:?}");
    assert!(elapsed < ms(3000), "waited {elapsed:?}");
    assert_eq!(hits(&server, ONE).await, 2);
}

#[tokio::test]
async fn a_429_with_an_http_date_retry_after_waits_until_then() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    // HTTP dates have whole seconds: the wait is between 1 and 2 s.
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    mount_once_then(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(429).insert_header("Retry-After", at.as_str()),
        ResponseTemplate::new(200).set_body_json(ticket_json(1)),
    )
    .await;

    let started = Instant::now();
    client(&server)
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("retried at the date");
    let elapsed = started.elapsed();

    assert!(elapsed >= ms(900), "waited only {elapsed:?} for {at}");
    assert!(elapsed < ms(3000), "waited {elapsed:?}");
    assert_eq!(hits(&server, ONE).await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_fails_fast_and_holds_the_client_back() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "3600")
            .set_body_string("Too many requests"),
    )
    .await;
    mount_ticket(&server, 2).await;
    let client = client(&server);

    let started = Instant::now();
    let err = client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("an hour is too long");
    assert!(started.elapsed() < ms(500), "{:?}", started.elapsed());
    match &err {
        Error::RateLimited {
            retry_after, body, ..
        } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
            assert_eq!(body, "Too many requests");
        }
        other => panic!("expected Error::RateLimited, got {other:?}"),
    }
    assert_eq!(err.status(), Some(429));
    assert!(err.to_string().contains("retry after 3600 s"), "{err}");
    assert_eq!(hits(&server, ONE).await, 1);

    // The window is the tenant's: other calls of this client (and its
    // clones) fail fast too, without a request.
    let err = client
        .clone()
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect_err("paused");
    let wait = err.retry_after().expect("says when to come back");
    assert!(wait > Duration::from_secs(3590), "{wait:?}");
    assert_eq!(hits(&server, "/api/Tickets/2").await, 0);
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_and_pauses_every_request() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_once_then(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(429),
        ResponseTemplate::new(200).set_body_json(ticket_json(1)),
    )
    .await;
    mount_ticket(&server, 2).await;
    // A 429 without Retry-After waits between 300 and 600 ms here.
    let client = builder(&server)
        .retry_policy(fast_retries().rate_limit_backoff(ms(600), ms(600)))
        .build()
        .expect("valid configuration");

    let started = Instant::now();
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.tickets().get(TicketId::new(1)).await }
    });
    // Once the 429 is in, start an unrelated request on a clone.
    while hits(&server, ONE).await == 0 {
        tokio::time::sleep(ms(5)).await;
    }
    tokio::time::sleep(ms(30)).await;
    let second_started = Instant::now();
    client
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect("after the pause");
    let second = second_started.elapsed();
    first.await.expect("task").expect("retried");
    let first = started.elapsed();

    assert!(first >= ms(300), "backed off only {first:?}");
    // The second request drew no 429 itself but waited out the pause.
    assert!(second >= ms(100), "second request did not wait: {second:?}");
    assert_eq!(hits(&server, ONE).await, 2);
}

// ---------------------------------------------------------------- safety of creates

#[tokio::test]
async fn a_create_answered_with_500_502_504_or_a_timeout_is_not_retried() {
    for status in [500, 502, 504] {
        let server = MockServer::start().await;
        mount_token(&server, 1).await;
        Mock::given(method("POST"))
            .and(path("/api/Tickets"))
            .respond_with(ResponseTemplate::new(status).set_body_string("boom"))
            .expect(1)
            .mount(&server)
            .await;

        let err = client(&server)
            .tickets()
            .create(&new_ticket())
            .await
            .expect_err("server error");
        assert_eq!(err.status(), Some(status));
        assert!(err.is_retryable(), "retryable in itself, not for a create");
        server.verify().await;
    }

    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path("/api/Tickets"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(ticket_json(9))
                .set_delay(ms(500)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = builder(&server)
        .timeout(ms(100))
        .build()
        .expect("valid configuration")
        .tickets()
        .create(&new_ticket())
        .await
        .expect_err("timed out");
    assert!(
        matches!(err, Error::Timeout { .. }) && err.is_timeout(),
        "{err:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_create_answered_with_503_or_429_is_retried() {
    for status in [503, 429] {
        let server = MockServer::start().await;
        mount_token(&server, 1).await;
        mount_once_then(
            &server,
            "POST",
            "/api/Tickets",
            ResponseTemplate::new(status),
            ResponseTemplate::new(201).set_body_json(ticket_json(42)),
        )
        .await;

        let ticket = client(&server)
            .tickets()
            .create(&new_ticket())
            .await
            .expect("created on the second try");
        assert_eq!(ticket.id.get(), 42);
        assert_eq!(hits(&server, "/api/Tickets").await, 2, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_create_whose_connection_failed_is_retried() {
    let client = HaloClient::builder()
        .base_url(refused_base_url())
        .token_source(StaticToken::new("static"))
        .retry_policy(fast_retries())
        .build()
        .expect("valid configuration");
    let (capture, _guard) = Capture::start();

    let err = client
        .tickets()
        .create(&new_ticket())
        .await
        .expect_err("nothing listens");

    assert!(
        matches!(&err, Error::Transport(e) if e.is_connect()),
        "{err:?}"
    );
    let log = capture.text();
    let retries: Vec<&str> = log.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{log}");
    assert!(
        retries
            .iter()
            .all(|l| l.contains("reason=request not sent")),
        "{log}"
    );
}

#[tokio::test]
async fn updates_and_deletes_are_retried_like_reads() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_once_then(
        &server,
        "POST",
        "/api/Tickets",
        ResponseTemplate::new(500),
        ResponseTemplate::new(200).set_body_json(ticket_json(12)),
    )
    .await;
    mount_once_then(
        &server,
        "DELETE",
        "/api/Tickets/12",
        ResponseTemplate::new(502),
        ResponseTemplate::new(200),
    )
    .await;
    let client = client(&server);
    let ticket: Ticket = serde_json::from_value(ticket_json(12)).expect("ticket");

    client.tickets().update(&ticket).await.expect("update");
    client
        .tickets()
        .delete(TicketId::new(12))
        .await
        .expect("delete");
    assert_eq!(hits(&server, "/api/Tickets").await, 2);
    assert_eq!(hits(&server, "/api/Tickets/12").await, 2);
}

// ---------------------------------------------------------------- attempts and budget

#[tokio::test]
async fn a_get_that_fails_three_times_returns_the_last_error() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount(
        &server,
        "GET",
        ONE,
        Sequence::new(vec![
            ResponseTemplate::new(502).set_body_string("first"),
            ResponseTemplate::new(504).set_body_string("second"),
            ResponseTemplate::new(503).set_body_json(json!({"Message": "third"})),
            ResponseTemplate::new(200).set_body_json(ticket_json(1)),
        ]),
    )
    .await;

    let err = client(&server)
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("three failures");

    assert_eq!(err.status(), Some(503));
    assert!(err.is_server_error());
    assert!(
        matches!(&err, Error::Api { message, .. } if message == "third"),
        "{err:?}"
    );
    assert_eq!(hits(&server, ONE).await, 3, "3 attempts in all, no fourth");
}

#[tokio::test]
async fn a_timed_out_get_is_retried() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_once_then(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(200)
            .set_body_json(ticket_json(1))
            .set_delay(ms(1000)),
        ResponseTemplate::new(200).set_body_json(ticket_json(1)),
    )
    .await;

    builder(&server)
        .timeout(ms(150))
        .build()
        .expect("valid configuration")
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("the second attempt is fast");
    assert_eq!(hits(&server, ONE).await, 2);
}

#[tokio::test]
async fn the_total_budget_cuts_a_long_retry_chain() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(503).set_delay(ms(200)),
    )
    .await;
    let policy = fast_retries().max_attempts(100).total_budget(ms(500));

    let started = Instant::now();
    let err = client(&server)
        .tickets()
        .get(TicketId::new(1))
        .retry_policy(policy)
        .await
        .expect_err("out of time");
    let elapsed = started.elapsed();

    // Attempts at about 0, 200 and 400 ms; the third is cut at 500 ms.
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(elapsed >= ms(450) && elapsed < ms(1000), "{elapsed:?}");
    let attempts = hits(&server, ONE).await;
    assert!((2..=4).contains(&attempts), "{attempts} attempts");
}

#[tokio::test]
async fn a_wait_past_the_budget_is_not_started() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(503).insert_header("Retry-After", "1"),
    )
    .await;

    let started = Instant::now();
    let err = client(&server)
        .tickets()
        .get(TicketId::new(1))
        .retry_policy(fast_retries().total_budget(ms(300)))
        .await
        .expect_err("no time to wait a second");

    assert_eq!(err.status(), Some(503));
    assert!(started.elapsed() < ms(250), "{:?}", started.elapsed());
    assert_eq!(hits(&server, ONE).await, 1);
}

#[tokio::test]
async fn a_per_call_policy_overrides_the_clients() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount(&server, "GET", ONE, ResponseTemplate::new(503)).await;
    mount(&server, "GET", "/api/Tickets", ResponseTemplate::new(500)).await;
    let client = client(&server);

    let err = client
        .tickets()
        .get(TicketId::new(1))
        .retry_policy(RetryPolicy::none())
        .await
        .expect_err("no retries");
    assert_eq!(err.status(), Some(503));
    assert_eq!(hits(&server, ONE).await, 1);

    let err = client
        .tickets()
        .list()
        .retry_policy(fast_retries().max_attempts(5))
        .await
        .expect_err("five attempts");
    assert_eq!(err.status(), Some(500));
    assert_eq!(hits(&server, "/api/Tickets").await, 5);
}

#[tokio::test]
async fn a_transient_token_endpoint_failure_is_retried() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/auth/token",
        Sequence::new(vec![
            ResponseTemplate::new(503).set_body_string("warming up"),
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok", "expires_in": 60})),
        ]),
    )
    .await;
    mount(
        &server,
        "POST",
        "/api/Tickets",
        ResponseTemplate::new(201).set_body_json(ticket_json(5)),
    )
    .await;

    // Even a create: the API call was not sent while there was no token.
    let ticket = client(&server)
        .tickets()
        .create(&new_ticket())
        .await
        .expect("second token request works");
    assert_eq!(ticket.id.get(), 5);
    assert_eq!(hits(&server, "/auth/token").await, 2);
    assert_eq!(hits(&server, "/api/Tickets").await, 1);
}

// ---------------------------------------------------------------- client-side rate limit

/// A server that enforces `limit` requests per rolling `window`, like Halo.
struct RollingWindow {
    limit: usize,
    window: Duration,
    seen: Mutex<VecDeque<std::time::Instant>>,
}

impl Respond for RollingWindow {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = std::time::Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        while seen
            .front()
            .is_some_and(|at| now.duration_since(*at) > self.window)
        {
            seen.pop_front();
        }
        if seen.len() >= self.limit {
            return ResponseTemplate::new(429);
        }
        seen.push_back(now);
        ResponseTemplate::new(200).set_body_json(ticket_json(1))
    }
}

async fn burst(limit: RateLimit) -> (Vec<halopsa::Result<Ticket>>, Duration) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ONE))
        .respond_with(RollingWindow {
            limit: 10,
            // A little shorter than the client's window: arrival jitter.
            window: ms(450),
            seen: Mutex::new(VecDeque::new()),
        })
        .mount(&server)
        .await;
    let client = HaloClient::builder()
        .base_url(server.uri())
        .token_source(StaticToken::new("static"))
        .rate_limit(limit)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid configuration");

    let started = Instant::now();
    let results = concurrent_gets(&client, 14).await;
    (results, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_the_rate_limit_a_burst_waits_instead_of_drawing_429s() {
    // 10 per 500 ms with a burst of 5: then one request per 100 ms.
    let (results, elapsed) = burst(RateLimit::new(10, ms(500)).burst(5)).await;
    for result in &results {
        assert!(result.is_ok(), "{result:?}");
    }
    // 5 at once, 9 more at 100 ms intervals.
    assert!(elapsed >= ms(800), "{elapsed:?}");

    // The same burst without the limiter draws 429s from the server.
    let (results, _) = burst(RateLimit::disabled()).await;
    let limited = results
        .iter()
        .filter(|r| matches!(r, Err(Error::RateLimited { .. })))
        .count();
    assert_eq!(limited, 4, "{results:?}");
}

// ---------------------------------------------------------------- the observer

/// What an observer was told.
#[derive(Clone, Default)]
struct Waits(Arc<Mutex<Vec<Wait>>>);

impl Observer for Waits {
    fn waiting(&self, wait: &Wait) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(wait.clone());
    }
}

impl Waits {
    fn told(&self) -> Vec<Wait> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[tokio::test]
async fn the_observer_is_told_each_wait_and_why() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_once_then(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(ticket_json(1)),
    )
    .await;
    let waits = Waits::default();
    // One request at once, then one per 300 ms: the retry waits for a slot.
    let client = builder(&server)
        .rate_limit(RateLimit::new(2, ms(600)).burst(1))
        .observer(waits.clone())
        .build()
        .expect("valid configuration");
    client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("retried");
    let told = waits.told();
    assert_eq!(
        told[0].reason,
        WaitReason::Retry { status: Some(503) },
        "{told:?}"
    );
    assert!(
        told.iter()
            .any(|wait| wait.reason == WaitReason::RateLimit && wait.duration > ms(100)),
        "{told:?}"
    );
}

#[tokio::test]
async fn the_observer_is_told_of_the_pause_after_a_429() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_once_then(
        &server,
        "GET",
        ONE,
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        ResponseTemplate::new(200).set_body_json(ticket_json(1)),
    )
    .await;
    mount_ticket(&server, 2).await;
    let waits = Waits::default();
    let client = builder(&server)
        .observer(waits.clone())
        .build()
        .expect("valid configuration");
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.tickets().get(TicketId::new(1)).await }
    });
    while hits(&server, ONE).await == 0 {
        tokio::time::sleep(ms(5)).await;
    }
    tokio::time::sleep(ms(30)).await;
    client
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect("after the pause");
    first.await.expect("task").expect("retried");
    let told = waits.told();
    assert!(
        told.iter()
            .any(|wait| wait.reason == WaitReason::Retry { status: Some(429) }),
        "{told:?}"
    );
    assert!(
        told.iter().any(|wait| wait.reason == WaitReason::Paused),
        "the other request waited out the pause: {told:?}"
    );
}
