//! What the generated code declares about each collection.

use serde::de::DeserializeOwned;

use super::Id;

/// A record type with its own collection endpoint, e.g. `Ticket` at `Tickets`.
pub trait Resource: DeserializeOwned + Send + 'static {
    /// The collection's path below the API base, e.g. `Tickets`.
    const PATH: &'static str;

    /// The record's id; paging uses it to notice a server repeating a page.
    fn id(&self) -> Id<Self>
    where
        Self: Sized;
}

/// How a collection's list endpoint wraps its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListShape {
    /// `{"record_count": N, "<key>": [...]}`; the key may hold `null` for none.
    Wrapped(&'static str),
    /// A bare JSON array.
    Bare,
}

/// One page of a list response.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records on this page. Count these, not `record_count`, to know
    /// how many arrived: the server caps pages silently.
    pub items: Vec<T>,
    /// Total records matching the query across all pages, when the response
    /// says (wrapped lists only).
    pub record_count: Option<u64>,
}
