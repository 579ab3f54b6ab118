//! What the fake has seen and done, for assertions.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use super::lock;

/// Distinct paths counted one by one; the rest are counted together.
const MAX_PATHS: usize = 10_000;
/// The key the rest are counted under.
const OTHER_PATHS: &str = "(other paths)";
/// API calls kept in the log of [`FakeHalo::calls`](super::FakeHalo::calls);
/// later ones are counted but not logged.
const MAX_LOGGED_CALLS: usize = 100_000;

/// One API call the fake answered: when it arrived, its path and the status
/// of the answer. See [`FakeHalo::calls`](super::FakeHalo::calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// When the request arrived.
    pub at: Instant,
    /// Its URL path, e.g. `/api/Tickets/7`.
    pub path: String,
    /// The status of the answer.
    pub status: u16,
}

/// A snapshot of the fake's counters; see [`FakeHalo::counters`](super::FakeHalo::counters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counters {
    /// Requests to the token endpoint, refused ones included.
    pub token_requests: u64,
    /// Tokens handed out.
    pub tokens_issued: u64,
    /// Records created by POSTs.
    pub creates: u64,
    /// Records changed by POSTs.
    pub updates: u64,
    /// Records deleted.
    pub deletes: u64,
    /// 429 answers, from the rate limit or injected.
    pub rate_limited: u64,
    /// 401 answers to API calls (missing, unknown, expired or revoked token).
    pub unauthorized: u64,
    /// Injected faults served.
    pub faults: u64,
    /// Requests received, by URL path (e.g. `/api/Tickets`, `/api/Tickets/7`).
    pub requests: BTreeMap<String, u64>,
}

impl Counters {
    /// Requests received for exactly this path.
    pub fn requests_to(&self, path: &str) -> u64 {
        self.requests.get(path).copied().unwrap_or(0)
    }

    /// Requests received for this path or any path below it.
    pub fn requests_under(&self, prefix: &str) -> u64 {
        let prefix = prefix.trim_end_matches('/');
        self.requests
            .iter()
            .filter(|(path, _)| {
                path.as_str() == prefix
                    || path
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(_, n)| n)
            .sum()
    }

    /// Every request received.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Live {
    pub(crate) token_requests: AtomicU64,
    pub(crate) tokens_issued: AtomicU64,
    pub(crate) creates: AtomicU64,
    pub(crate) updates: AtomicU64,
    pub(crate) deletes: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) unauthorized: AtomicU64,
    pub(crate) faults: AtomicU64,
    requests: Mutex<BTreeMap<String, u64>>,
    calls: Mutex<Vec<Call>>,
}

impl Live {
    pub(crate) fn bump(counter: &AtomicU64, by: u64) {
        counter.fetch_add(by, Ordering::Relaxed);
    }

    pub(crate) fn request(&self, path: &str) {
        let mut requests = lock(&self.requests);
        // Garbage paths must not grow the map without bound.
        let key = if requests.len() < MAX_PATHS || requests.contains_key(path) {
            path
        } else {
            OTHER_PATHS
        };
        *requests.entry(key.to_owned()).or_default() += 1;
    }

    /// Logs an answered API call.
    pub(crate) fn call(&self, call: Call) {
        let mut calls = lock(&self.calls);
        if calls.len() < MAX_LOGGED_CALLS {
            calls.push(call);
        }
    }

    pub(crate) fn calls(&self) -> Vec<Call> {
        lock(&self.calls).clone()
    }

    pub(crate) fn snapshot(&self) -> Counters {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Counters {
            token_requests: get(&self.token_requests),
            tokens_issued: get(&self.tokens_issued),
            creates: get(&self.creates),
            updates: get(&self.updates),
            deletes: get(&self.deletes),
            rate_limited: get(&self.rate_limited),
            unauthorized: get(&self.unauthorized),
            faults: get(&self.faults),
            requests: lock(&self.requests).clone(),
        }
    }
}
