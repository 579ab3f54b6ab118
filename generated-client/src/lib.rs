//! A typed async client for the HaloPSA REST API.
//!
//! The models and endpoint handles in this crate are generated from
//! `spec/halopsa.yaml` by `cargo xtask gen`; the runtime (authentication,
//! requests, retries, rate limiting, errors) is written by hand in [`runtime`].
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use halopsa::{Clear, HaloClient, NewTicket};
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
//! // List: one page, with typed filters (`TicketList` documents them all).
//! let page = halo.tickets().list().client_id(12).open_only().send().await?;
//! println!("{} open tickets for client 12", page.record_count.unwrap_or(0));
//!
//! // Stream: every matching record, page after page, two pages fetched ahead.
//! let mut tickets = std::pin::pin!(halo.tickets().list().prefetch(2).stream());
//! while let Some(ticket) = tickets.try_next().await? {
//!     println!("#{} {}", ticket.id, ticket.summary.as_deref().unwrap_or(""));
//! }
//!
//! // Create: only the fields that are set are sent; the saved record comes back.
//! let new = NewTicket::new().summary("Printer on fire").client_id(12);
//! let created = halo.tickets().create(&new).await?;
//!
//! // Get, with the spec's get parameters; `get_opt` answers `None` for a 404.
//! let ticket = halo.tickets().get(created.id).include_details().await?;
//! if let Some(department) = ticket.custom_field("CFDepartment") {
//!     println!("department: {:?}", department.value);
//! }
//!
//! // Patch: sends the id and exactly these fields; `Clear` sends null.
//! halo.tickets().patch(ticket.id).summary("Printer no longer on fire").agent_id(Clear).await?;
//!
//! // Delete, with the spec's delete parameters.
//! halo.tickets().delete(ticket.id).reason("Duplicate").await?;
//! # Ok(())
//! # }
//! ```
//!
//! Each collection has a module (such as [`ticket`]) holding its record, its
//! handle and one request type per operation ([`ticket::TicketList`],
//! [`ticket::TicketGet`], [`ticket::TicketPatch`], [`ticket::TicketDelete`]),
//! each documenting exactly its own filters or setters.
//!
//! Every request can be `.await`ed directly or finished with `.send()`, and takes
//! a per-call [`RetryPolicy`]. Errors are one enum, [`Error`], that keeps the
//! status and the raw body and never shows a secret.
//!
//! Operations the spec does not cover go through [`HaloClient::request`] (any
//! method and path under the API base, with JSON, form or [`Multipart`]
//! bodies, answers as JSON, bytes, a [`File`] or a download streamed to a
//! writer), and SQL reports through [`runtime::ReportQuery`]; both share the
//! token, retries, pacing and errors of every generated call.
//!
//! What Halo posts to a webhook decodes into the same models through
//! [`runtime::webhook`], which also checks the webhook's Basic-auth
//! credentials.
#![deny(missing_docs)]

pub mod runtime;

#[rustfmt::skip]
mod generated;

/// `halo`, the command-line client (with the `cli` feature): its `main`.
#[cfg(feature = "cli")]
pub mod cli;

pub use generated::*;
pub use runtime::{
    AccessToken, Base64, Clear, Error, File, FileInfo, HaloClient, HaloClientBuilder, Id, Listing,
    ListingSummary, Multipart, Page, RateLimit, RawResponse, ReportRows, Result, RetryPolicy,
    StaticToken, SyncCursor, TokenSource,
};
