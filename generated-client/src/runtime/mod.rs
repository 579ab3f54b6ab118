//! The hand-written runtime the generated code calls: configuration,
//! authentication, request building, retries, rate limiting, response
//! decoding and errors.
//!
//! Nothing here knows about particular entities; wire-level defaults (paths,
//! parameter names, the page cap) come from the generated [`crate::API`].

mod auth;
mod binary;
mod body;
mod builder;
mod call;
mod change;
mod client;
mod decode;
mod error;
mod error_body;
mod extra;
mod file;
mod id;
pub(crate) mod macros;
mod observe;
mod query;
mod rate_limit;
mod request;
mod resource;
mod retry;
pub mod spec;
mod sync;
mod transport;
mod url_policy;
pub mod webhook;
pub mod wire;

pub use auth::{AccessToken, StaticToken, TokenSource};
pub use binary::Base64;
pub use body::Multipart;
pub use builder::HaloClientBuilder;
pub use change::{Clear, FieldChange};
pub use client::HaloClient;
pub use error::{Error, FieldError, Result};
pub use extra::Extra;
pub use file::{File, FileInfo};
pub use id::{Id, RecordId, TextId};
pub use observe::{Observer, Wait, WaitReason};
pub use query::QueryValue;
pub use rate_limit::RateLimit;
#[allow(unused_imports)] // used by `input!`, which a spec without creates leaves unused
pub(crate) use request::FieldValues;
pub use request::{ActionRequest, ActionResponse, FileResponse, Json, Listed, Nothing};
pub use request::{
    CreateManyRequest, CreateRequest, DeleteRequest, GetRequest, ListRequest, Listing,
    ListingSummary, PatchRequest, RawRequest, RawResponse, ReportQuery, ReportRows,
    UnpagedListRequest, UpdateRequest,
};
pub use resource::{ListShape, Page, Resource};
pub use retry::RetryPolicy;
pub use sync::{ChangedSince, Changes, SyncCursor};

/// The future of a call that finishes with a `T`: `Send`, `'static` and
/// nameable, so it can be stored or spawned.
pub type ResultFuture<T> = futures::future::BoxFuture<'static, Result<T>>;
