//! Tokens: issued by the token endpoint with the scopes the client asked
//! for, checked on every API call, expiring after the configured lifetime
//! or when revoked.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use super::rng::Rng;

#[derive(Debug)]
pub(crate) struct Tokens {
    lifetime: Duration,
    /// Each live token's expiry and granted scopes.
    live: HashMap<String, (Instant, Granted)>,
    rng: Rng,
}

/// The scopes a token was issued for, as the client asked (space-separated,
/// `all` by default). The fake's API application has every permission, so
/// the request decides. Handed to handlers as a request extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Granted(String);

impl Granted {
    /// Whether the token may call an operation that needs `scope`: it was
    /// issued for `all` or for exactly that scope. (Whether Halo lets an
    /// `edit:` scope stand in for its `read:` one is not known; the fake
    /// does not.)
    pub(crate) fn allows(&self, scope: &str) -> bool {
        self.0
            .split_whitespace()
            .any(|granted| granted.eq_ignore_ascii_case("all") || granted == scope)
    }
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

    /// A new token for `scope`, valid for the lifetime from now.
    pub(crate) fn issue(&mut self, scope: &str) -> String {
        let now = Instant::now();
        self.live.retain(|_, (expires, _)| *expires > now);
        let token = format!(
            "fake-{:016x}{:016x}",
            self.rng.next_u64(),
            self.rng.next_u64()
        );
        let granted = Granted(scope.to_owned());
        self.live
            .insert(token.clone(), (now + self.lifetime, granted));
        token
    }

    /// The scopes of `token` if it was issued here, is unexpired and not
    /// revoked.
    pub(crate) fn check(&self, token: &str) -> Option<&Granted> {
        self.live
            .get(token)
            .filter(|(expires, _)| *expires > Instant::now())
            .map(|(_, granted)| granted)
    }

    pub(crate) fn revoke_all(&mut self) {
        self.live.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_carries_the_scopes_it_was_issued_for() {
        let mut tokens = Tokens::new(Duration::from_secs(60), 1);
        let all = tokens.issue("all");
        let narrow = tokens.issue("read:tickets edit:tickets");
        let reporting = tokens.issue("read:tickets read:reporting");
        let allows = |token: &str| {
            tokens
                .check(token)
                .is_some_and(|g| g.allows("read:reporting"))
        };
        assert!(allows(&all));
        assert!(!allows(&narrow));
        assert!(allows(&reporting));
        assert!(tokens.check("fake-unknown").is_none());
    }
}
