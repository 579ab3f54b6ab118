//! Access tokens: where they come from (`source.rs`: the [`TokenSource`]
//! trait and a static token), the OAuth 2.0 client-credentials flow the
//! client uses by default (`client_credentials.rs`), and the cache that
//! shares one token among every request of a client (`cache.rs`).
//!
//! Sources only fetch; the cache is the same for every source. Neither
//! knows about API calls: the call loop asks the cache for a token and
//! hands back one the API rejected.

mod cache;
mod client_credentials;
mod source;

pub(crate) use cache::{IssuedToken, TokenCache};
pub(crate) use client_credentials::{ClientCredentials, TokenEndpoint};
pub use source::{AccessToken, StaticToken, TokenSource};
