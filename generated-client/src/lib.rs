//! A typed async client for the HaloPSA REST API.
//!
//! The models and endpoint handles in this crate are generated from
//! `spec/halopsa.yaml` by `cargo xtask gen`; the runtime (authentication,
//! requests, retries, rate limiting, errors) is written by hand in [`runtime`].
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use halopsa::{ClientId, HaloClient, NewTicket};
//!
//! # async fn demo() -> Result<(), halopsa::Error> {
//! // Or `HaloClient::from_env()`, reading HALOPSA_BASE_URL, HALOPSA_CLIENT_ID, ...
//! let halo = HaloClient::builder()
//!     .base_url("https://example.halopsa.com")
//!     .tenant("example") // leave out for a self-hosted instance
//!     .client_id("my-client-id")
//!     .client_secret("my-client-secret")
//!     .build()?;
//!
//! // List: one page, with typed filters.
//! let page = halo.tickets().list().client_id(ClientId::new(12)).open_only().send().await?;
//! println!("{} open tickets for client 12", page.record_count.unwrap_or(0));
//!
//! // Stream: every matching record, page after page, two pages fetched ahead.
//! let mut tickets = std::pin::pin!(halo.tickets().list().prefetch(2).stream());
//! while let Some(ticket) = tickets.try_next().await? {
//!     println!("#{} {}", ticket.id, ticket.summary.as_deref().unwrap_or(""));
//! }
//!
//! // Create: only the fields that are set are sent; the saved record comes back.
//! let new = NewTicket {
//!     summary: Some("Printer on fire".into()),
//!     client_id: Some(ClientId::new(12)),
//!     ..Default::default()
//! };
//! let created = halo.tickets().create(&new).await?;
//!
//! // Get, with the spec's get parameters.
//! let ticket = halo.tickets().get(created.id).include_details().await?;
//! if let Some(department) = ticket.custom_field("CFDepartment") {
//!     println!("department: {:?}", department.value);
//! }
//!
//! // Patch: sends the id and exactly these fields; `clear_*` sends null.
//! halo.tickets().patch(ticket.id).summary("Printer no longer on fire").clear_agent_id().await?;
//!
//! // Delete, with the spec's delete parameters.
//! halo.tickets().delete(ticket.id).reason("Duplicate").await?;
//! # Ok(())
//! # }
//! ```
//!
//! Every request can be `.await`ed directly or finished with `.send()`, and takes
//! a per-call [`RetryPolicy`]. Errors are one enum, [`Error`], that keeps the
//! status and the raw body and never shows a secret.
#![deny(missing_docs)]

pub mod runtime;

#[rustfmt::skip]
mod generated;

pub use generated::*;
pub use runtime::{
    AccessToken, Clear, Error, HaloClient, HaloClientBuilder, Id, Listing, ListingSummary, Page,
    RateLimit, Result, RetryPolicy, StaticToken, SyncCursor, TokenSource,
};
