//! End-to-end tests of the generated client against the fake HaloPSA server
//! (package `halopsa-fake`, in `tests/fake/`), and the examples.
//!
//! [`FakeClient`] gives a running fake a client set up for it:
//!
//! ```no_run
//! use halopsa_e2e::{FakeClient, FakeHalo};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let halo = FakeHalo::builder().tickets(500).start().await?;
//! let tickets = halo.client().tickets().list().collect().await.expect("listed");
//! assert_eq!(tickets.len(), 500);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub use halopsa_fake as fake;
pub use halopsa_fake::{
    Churn, Counters, FakeHalo, FakeHaloBuilder, Fault, WebhookConfig, WebhookDelivery,
    WebhookPayload,
};

use halopsa::{HaloClient, HaloClientBuilder, RateLimit};

/// A client for a running fake server.
pub trait FakeClient {
    /// A client builder set up for this server: its URL, tenant and
    /// credentials, and a client-side rate limit equal to the server's
    /// (none if the server has none). Everything can still be overridden.
    fn client_builder(&self) -> HaloClientBuilder;

    /// A client for this server; see [`client_builder`](Self::client_builder).
    ///
    /// # Panics
    /// Never for a running server: its settings are always a valid
    /// configuration.
    fn client(&self) -> HaloClient {
        self.client_builder()
            .build()
            .expect("the fake's own settings are a valid client configuration")
    }
}

impl FakeClient for FakeHalo {
    fn client_builder(&self) -> HaloClientBuilder {
        let limit = match self.rate_limit() {
            Some((requests, window)) => RateLimit::new(requests, window),
            None => RateLimit::disabled(),
        };
        let builder = HaloClient::builder()
            .base_url(self.base_url())
            .client_id(self.client_id())
            .client_secret(self.client_secret().to_owned())
            .rate_limit(limit);
        match self.tenant() {
            "" => builder,
            tenant => builder.tenant(tenant),
        }
    }
}
