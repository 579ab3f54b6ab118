//! A typed async client for the HaloPSA REST API.
//!
//! The models and endpoint handles in this crate are generated from
//! `spec/halopsa.yaml` by `cargo xtask gen`; the runtime (authentication,
//! requests, retries, rate limiting, errors) is written by hand in [`runtime`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), halopsa::Error> {
//! let halo = halopsa::HaloClient::builder()
//!     .base_url("https://example.halopsa.com")
//!     .tenant("example")
//!     .client_id("my-client-id")
//!     .client_secret("my-client-secret")
//!     .build()?;
//! let page = halo.tickets().list().client_id(halopsa::ClientId::new(12)).send().await?;
//! for ticket in page.items {
//!     println!("{}: {}", ticket.id, ticket.summary.as_deref().unwrap_or(""));
//! }
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod runtime;

#[rustfmt::skip]
mod generated;

pub use generated::*;
pub use runtime::{
    AccessToken, Error, HaloClient, HaloClientBuilder, Id, Page, RateLimit, Result, RetryPolicy,
    StaticToken, TokenSource,
};
