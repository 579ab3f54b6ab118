//! The hand-written runtime the generated code calls: authentication,
//! request building, response decoding and errors.
//!
//! Nothing here knows about particular entities; wire-level defaults (paths,
//! parameter names, the page cap) come from the generated [`crate::API`].

mod auth;
mod client;
mod decode;
mod error;
mod error_body;
mod http;
mod id;
mod query;
mod request;
mod resource;
pub mod spec;
pub mod wire;

pub use client::{HaloClient, HaloClientBuilder};
pub use error::{Error, FieldError, Result};
pub use id::Id;
pub use query::QueryValue;
pub use request::{
    CreateManyRequest, CreateRequest, DeleteRequest, GetRequest, ListRequest, PatchRequest,
    UnpagedListRequest, UpdateRequest,
};
pub use resource::{ListShape, Page, Resource};
