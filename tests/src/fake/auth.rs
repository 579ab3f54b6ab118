//! Tokens: issued by the token endpoint, checked on every API call,
//! expiring after the configured lifetime or when revoked.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use super::rng::Rng;

#[derive(Debug)]
pub(crate) struct Tokens {
    lifetime: Duration,
    live: HashMap<String, Instant>,
    rng: Rng,
}

impl Tokens {
    pub(crate) fn new(lifetime: Duration, seed: u64) -> Tokens {
        Tokens {
            lifetime,
            live: HashMap::new(),
            rng: Rng::new(seed ^ 0x70CE_4E55),
        }
    }

    pub(crate) fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// A new token, valid for the lifetime from now.
    pub(crate) fn issue(&mut self) -> String {
        let now = Instant::now();
        self.live.retain(|_, expires| *expires > now);
        let token = format!(
            "fake-{:016x}{:016x}",
            self.rng.next_u64(),
            self.rng.next_u64()
        );
        self.live.insert(token.clone(), now + self.lifetime);
        token
    }

    /// Whether `token` was issued here, is unexpired and not revoked.
    pub(crate) fn is_valid(&self, token: &str) -> bool {
        self.live
            .get(token)
            .is_some_and(|expires| *expires > Instant::now())
    }

    pub(crate) fn revoke_all(&mut self) {
        self.live.clear();
    }
}
