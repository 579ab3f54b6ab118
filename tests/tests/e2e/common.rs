//! Helpers shared by the end-to-end tests.

use std::future::Future;
use std::time::{Duration, Instant};

use halopsa::RetryPolicy;
use halopsa_e2e::FakeHalo;

/// Runs a test body, failing it if it takes longer than `secs`: no test may
/// hang the suite.
/// Prints the time taken (see it with `--nocapture`).
pub async fn bounded<F: Future>(secs: u64, test: F) -> F::Output {
    let started = Instant::now();
    let output = match tokio::time::timeout(Duration::from_secs(secs), test).await {
        Ok(output) => output,
        Err(_) => panic!("the test did not finish within {secs} s"),
    };
    let name = std::thread::current().name().unwrap_or("test").to_owned();
    eprintln!("{name}: {:.2?}", started.elapsed());
    output
}

/// A fake with `tickets` tickets and everything else at its defaults.
pub async fn fake(tickets: usize) -> FakeHalo {
    FakeHalo::builder()
        .tickets(tickets)
        .start()
        .await
        .expect("the fake server starts")
}

/// A file of a few hundred KiB that is not text, with every byte value.
pub fn file_bytes() -> Vec<u8> {
    (0u32..300_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect()
}

/// Retries as the default policy does, with waits short enough for tests.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(5)
        .backoff(Duration::from_millis(10), Duration::from_millis(100))
        .rate_limit_backoff(Duration::from_millis(50), Duration::from_millis(200))
        .max_retry_after(Duration::from_secs(10))
        .total_budget(Duration::from_secs(30))
}
