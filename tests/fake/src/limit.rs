//! Halo's rate limit: at most N API requests in any rolling window (700
//! per 300 s on a real tenant), then 429 until the oldest leaves the window.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct Window {
    limit: Option<(u32, Duration)>,
    /// When the accepted requests of the current window arrived.
    accepted: VecDeque<Instant>,
}

impl Window {
    pub(crate) fn new(limit: Option<(u32, Duration)>) -> Window {
        Window {
            limit,
            accepted: VecDeque::new(),
        }
    }

    pub(crate) fn set(&mut self, limit: Option<(u32, Duration)>) {
        self.limit = limit;
        self.accepted.clear();
    }

    /// Admits one request, or says how long until one would be admitted.
    pub(crate) fn admit(&mut self) -> Result<(), Duration> {
        let Some((requests, window)) = self.limit else {
            return Ok(());
        };
        let now = Instant::now();
        while self
            .accepted
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= window)
        {
            self.accepted.pop_front();
        }
        if self.accepted.len() < requests as usize {
            self.accepted.push_back(now);
            return Ok(());
        }
        let oldest = self.accepted.front().copied().unwrap_or(now);
        Err((oldest + window).saturating_duration_since(now))
    }
}
