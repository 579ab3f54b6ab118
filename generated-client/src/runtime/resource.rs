//! What the generated code declares about each collection.

use serde::de::DeserializeOwned;

use super::id::RecordId;

/// A record type with its own collection endpoint, e.g. `Ticket` at `Tickets`.
///
/// Every generated record implements it. Implement it for a struct of your
/// own to read a collection the spec does not cover (or only some fields of
/// one) with the same paging, retries and errors as generated calls:
///
/// ```no_run
/// use futures::TryStreamExt;
/// use halopsa::runtime::{ListRequest, ListShape, Resource};
/// use halopsa::Id;
///
/// #[derive(serde::Deserialize)]
/// struct Holiday {
///     id: i32,
///     name: Option<String>,
/// }
///
/// impl Resource for Holiday {
///     const PATH: &'static str = "Holiday";
///     const LIST: ListShape = ListShape::Bare("holidays");
///     type Id = Id<Self>;
///
///     fn id(&self) -> Id<Self> {
///         Id::new(self.id)
///     }
/// }
///
/// # async fn demo(halo: halopsa::HaloClient) -> halopsa::Result<()> {
/// let holidays: Vec<Holiday> = ListRequest::<Holiday>::new(&halo).collect().await?;
/// # Ok(())
/// # }
/// ```
pub trait Resource: DeserializeOwned + Send + 'static {
    /// The collection's path below the API base, e.g. `Tickets`.
    const PATH: &'static str;

    /// How the collection's list endpoint holds its records.
    const LIST: ListShape;

    /// The type of the record's id: [`Id<Self>`](super::Id) for collections
    /// keyed by integers, [`TextId<Self>`](super::TextId) for those keyed by text.
    type Id: RecordId;

    /// The record's id; paging uses it to notice a record delivered twice.
    fn id(&self) -> Self::Id;

    /// The OAuth scope reading the collection needs (`read:tickets`), when
    /// known: a 403 to a list or a get then becomes an
    /// [`Error::MissingScope`](super::Error::MissingScope) naming it.
    const READ_SCOPE: Option<&'static str> = None;

    /// The OAuth scope changing the collection needs (`edit:tickets`), when
    /// known: named by a 403 to a create, an update or a delete.
    const EDIT_SCOPE: Option<&'static str> = None;
}

/// How a collection's list endpoint holds its records.
///
/// Halo answers some lists with a bare array and others with an object, and
/// public clients disagree on which list sends which (some Halo versions
/// wrap lists that others send bare). So either shape reads both forms: the
/// variant says which one the collection is documented to send, and the key
/// where an object keeps the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListShape {
    /// `{"record_count": N, "<key>": [...]}`; the key may hold `null` for
    /// none. A bare array is read too.
    Wrapped(&'static str),
    /// A bare JSON array. `{"record_count": N, "<key>": [...]}` is read too.
    Bare(&'static str),
}

impl ListShape {
    /// The key under which an object answer holds the records.
    pub const fn key(self) -> &'static str {
        match self {
            ListShape::Wrapped(key) | ListShape::Bare(key) => key,
        }
    }
}

/// One page of a list response.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records on this page. Count these, not `record_count`, to know
    /// how many arrived: the server caps pages silently.
    pub items: Vec<T>,
    /// Total records matching the query across all pages, when the response
    /// says (only an object answer can).
    pub record_count: Option<u64>,
}
