//! List requests: paged and unpaged.

use std::fmt;
use std::marker::PhantomData;

use futures::stream::{self, Stream, TryStreamExt};
use reqwest::Method;

use super::consistent::Consistent;
use super::pager::Pager;
use super::{into_future, ORDER_DESC_PARAM, ORDER_PARAM};
use crate::runtime::call::Call;
use crate::runtime::query::{Query, QueryValue};
use crate::runtime::{
    decode, HaloClient, ListShape, Page, RecordId, Resource, Result, RetryPolicy,
};

/// Lists one page of a paginated collection; see [`Page`].
///
/// Always asks for a page (page 1 of the largest size by default), since the
/// server caps results anyway and an unpaged request could be huge.
pub struct ListRequest<T> {
    pub(super) client: HaloClient,
    /// The collection's path: `T::PATH`, or the one the command-line client
    /// lists.
    pub(super) path: &'static str,
    pub(super) shape: ListShape,
    pub(super) query: Query,
    pub(super) page_no: u32,
    pub(super) page_size: u32,
    pub(super) prefetch: usize,
    pub(super) retry: Option<RetryPolicy>,
    pub(super) ending: Ending,
    marker: PhantomData<fn() -> T>,
}

/// How a paging stream treats a changing table; see
/// [`ListRequest::lenient`] and [`ListRequest::consistent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    /// Offset pages; fewer records than promised is an error.
    Strict,
    /// Offset pages; fewer records than promised ends the stream quietly.
    Lenient,
    /// Windows in id order that overlap what was delivered.
    Consistent,
}

impl<T: Resource> ListRequest<T> {
    /// A request for the first page at the largest page size.
    pub fn new(client: &HaloClient) -> Self {
        ListRequest {
            client: client.clone(),
            path: T::PATH,
            shape: T::LIST,
            query: Query::default(),
            page_no: 1,
            page_size: max_page_size(),
            prefetch: 0,
            retry: None,
            ending: Ending::Strict,
            marker: PhantomData,
        }
    }

    /// Lists the collection at `path` in `shape` instead of `T`'s: the
    /// command-line client lists every collection as JSON records through
    /// one record type.
    #[cfg(feature = "cli")]
    pub(crate) fn at(mut self, path: &'static str, shape: ListShape) -> Self {
        self.path = path;
        self.shape = shape;
        self
    }

    /// The 1-based page to fetch (0 is read as 1).
    pub fn page_no(mut self, page_no: u32) -> Self {
        self.page_no = page_no.max(1);
        self
    }

    /// Records per page, clamped to between 1 and the server's cap.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size.min(max_page_size()).max(1);
        self
    }

    /// Sorts by this field.
    pub fn order(self, field: impl Into<String>) -> Self {
        self.param(ORDER_PARAM, field.into())
    }

    /// Sorts descending when `true`.
    pub fn order_desc(self, descending: bool) -> Self {
        self.param(ORDER_DESC_PARAM, descending)
    }

    /// Sets (replaces) a query parameter by its wire name. The typed setters
    /// generated from the spec call this; use it for a parameter the spec
    /// does not list.
    pub fn param(mut self, name: &'static str, value: impl QueryValue) -> Self {
        self.query.set(name, value);
        self
    }

    /// Keep up to `pages` pages in flight ahead of the one the caller is
    /// reading in [`stream`](Self::stream) or [`pages`](Self::pages) (0, the
    /// default, fetches one page at a time). Hides the server's latency on
    /// large listings. Only pages the last `record_count` says exist are
    /// fetched ahead; without a count, at most one.
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = pages;
        self
    }

    /// Retries each page request by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Lets [`stream`](Self::stream) and [`pages`](Self::pages) end quietly
    /// when fewer records arrive than the first page promised, instead of
    /// with [`Error::Incomplete`](crate::runtime::Error::Incomplete). [`collect_with_summary`](Self::collect_with_summary)
    /// says what arrived.
    pub fn lenient(mut self) -> Self {
        if self.ending == Ending::Strict {
            self.ending = Ending::Lenient;
        }
        self
    }

    /// Lists consistently, for exports: every record that matches the query
    /// from the start of the listing to its end is delivered exactly once,
    /// in id order, however many records are created or deleted meanwhile
    /// (records that start or stop matching during the listing may or may
    /// not be).
    ///
    /// Halo pages by offset, so a delete before the current offset shifts
    /// every later record back and one would be skipped unseen. This mode
    /// sorts by id (replacing any [`order`](Self::order)) and chooses each
    /// page's size and number so that it starts at or before the last
    /// record delivered: a page that begins with a record already delivered
    /// proves nothing lies between; one that does not is fetched again from
    /// further back. Records created meanwhile have higher ids and land
    /// after the current position, so they never shift it.
    ///
    /// Cost: every page but the first re-reads at least the record it starts
    /// from, and the page size that fits best brings 88 new records on
    /// average (59 at worst), so a listing of `n` records takes about
    /// `n / 88` requests against `n / 100` for plain paging (5,000 records:
    /// 57 requests against 50), plus one more for each time the table
    /// shifts back under it.
    /// Pages are fetched one at a time ([`prefetch`](Self::prefetch) is
    /// ignored), and [`page_no`](Self::page_no) too: it lists from the start.
    pub fn consistent(mut self) -> Self {
        self.ending = Ending::Consistent;
        self
    }

    /// Fetches the page.
    pub async fn send(self) -> Result<Page<T>> {
        let body = fetch_page::<T>(
            &self.client,
            self.path,
            &self.query,
            self.page_no,
            self.page_size,
            self.retry.as_ref(),
        )
        .await?;
        decode::list(&body, self.shape, crate::API.pagination.count_field)
    }

    /// Every page from [`page_no`](Self::page_no) on, as a stream.
    ///
    /// Paging ends on an empty (or `null`) page, when the records received
    /// reach `record_count`, or, when the server gives no count, on a short
    /// page. Records are counted as they arrive, never computed from
    /// `record_count`, because the server caps page sizes silently. A server
    /// that answers the next page with the same records again ends the stream
    /// with an error instead of looping forever.
    ///
    /// A stream never yields the same id twice (a record that a create
    /// pushes onto the next page arrives once), and when fewer records
    /// arrive than the first page's `record_count` promised (pages shifted
    /// under deletes, or the server dropped some), it ends with
    /// [`Error::Incomplete`](crate::runtime::Error::Incomplete) unless the request is [`lenient`](Self::lenient).
    /// For listings that must be complete on a changing table, see
    /// [`consistent`](Self::consistent).
    pub fn pages(self) -> impl Stream<Item = Result<Page<T>>> + Send + 'static {
        stream::try_unfold(Pages::new(self), |mut pages| async move {
            Ok(pages.next().await?.map(|page| (page, pages)))
        })
    }

    /// Every matching record, page after page; see [`pages`](Self::pages).
    pub fn stream(self) -> impl Stream<Item = Result<T>> + Send + 'static {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every matching record in one `Vec`; see [`pages`](Self::pages).
    pub async fn collect(self) -> Result<Vec<T>> {
        self.stream().try_collect().await
    }

    /// Every matching record, and a [`ListingSummary`] of what arrived
    /// against what the first page promised. Fewer records than promised
    /// is still [`Error::Incomplete`](crate::runtime::Error::Incomplete) unless the request is
    /// [`lenient`](Self::lenient).
    pub async fn collect_with_summary(self) -> Result<Listing<T>> {
        let mut pages = Pages::new(self);
        let mut records = Vec::new();
        while let Some(page) = pages.next().await? {
            records.extend(page.items);
        }
        let mut summary = pages.summary();
        summary.ids = records
            .iter()
            .filter_map(|record| record.id().as_int())
            .collect();
        Ok(Listing { records, summary })
    }
}

/// Every record of a listing and what it says about the listing; see
/// [`ListRequest::collect_with_summary`].
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    /// The records, each id once, in the order they arrived.
    pub records: Vec<T>,
    /// What arrived against what was promised.
    pub summary: ListingSummary,
}

/// What a listing delivered against what its first page promised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListingSummary {
    /// The first page's `record_count`, for the pages from the first one
    /// asked for on; `None` when the server gave no count.
    pub promised: Option<u64>,
    /// Distinct records delivered.
    pub received: u64,
    /// Records dropped because their id had been delivered already (pages
    /// shifted forward by records created or moved before them).
    pub duplicates: u64,
    /// Page requests made (retries not counted).
    pub requests: u64,
    /// The ids delivered, in order (for collections keyed by integers).
    pub ids: Vec<i32>,
}

impl ListingSummary {
    /// Whether at least as many records arrived as were promised.
    pub fn is_complete(&self) -> bool {
        self.promised
            .is_none_or(|promised| self.received >= promised)
    }
}

/// The pager behind a stream: offset pages, or consistent windows.
enum Pages<T: Resource> {
    Offset(Box<Pager<T>>),
    Consistent(Box<Consistent<T>>),
}

impl<T: Resource> Pages<T> {
    fn new(request: ListRequest<T>) -> Self {
        match request.ending {
            Ending::Consistent => Pages::Consistent(Box::new(Consistent::new(request))),
            _ => Pages::Offset(Box::new(Pager::new(request))),
        }
    }

    async fn next(&mut self) -> Result<Option<Page<T>>> {
        match self {
            Pages::Offset(pager) => pager.next().await,
            Pages::Consistent(pager) => pager.next().await,
        }
    }

    fn summary(&self) -> ListingSummary {
        match self {
            Pages::Offset(pager) => pager.summary(),
            Pages::Consistent(pager) => pager.summary(),
        }
    }
}

into_future!(ListRequest => Page<T>);

/// Lists a whole collection that the server does not page (e.g. statuses).
pub struct UnpagedListRequest<T> {
    client: HaloClient,
    path: &'static str,
    shape: ListShape,
    query: Query,
    retry: Option<RetryPolicy>,
    marker: PhantomData<fn() -> T>,
}

impl<T: Resource> UnpagedListRequest<T> {
    /// A request for the whole collection.
    pub fn new(client: &HaloClient) -> Self {
        UnpagedListRequest {
            client: client.clone(),
            path: T::PATH,
            shape: T::LIST,
            query: Query::default(),
            retry: None,
            marker: PhantomData,
        }
    }

    /// Lists the collection at `path` in `shape` instead of `T`'s; see
    /// [`ListRequest::at`].
    #[cfg(feature = "cli")]
    pub(crate) fn at(mut self, path: &'static str, shape: ListShape) -> Self {
        self.path = path;
        self.shape = shape;
        self
    }

    /// Sorts by this field.
    pub fn order(self, field: impl Into<String>) -> Self {
        self.param(ORDER_PARAM, field.into())
    }

    /// Sorts descending when `true`.
    pub fn order_desc(self, descending: bool) -> Self {
        self.param(ORDER_DESC_PARAM, descending)
    }

    /// Sets (replaces) a query parameter by its wire name. The typed setters
    /// generated from the spec call this; use it for a parameter the spec
    /// does not list.
    pub fn param(mut self, name: &'static str, value: impl QueryValue) -> Self {
        self.query.set(name, value);
        self
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Fetches every record.
    pub async fn send(self) -> Result<Vec<T>> {
        let body = fetch::<T>(&self.client, self.path, &self.query, self.retry.as_ref()).await?;
        let page: Page<T> = decode::list(&body, self.shape, crate::API.pagination.count_field)?;
        Ok(page.items)
    }
}

into_future!(UnpagedListRequest => Vec<T>);

/// One page of `T`'s collection: the query plus the spec's paging parameters.
pub(super) async fn fetch_page<T: Resource>(
    client: &HaloClient,
    path: &str,
    query: &Query,
    page_no: u32,
    page_size: u32,
    retry: Option<&RetryPolicy>,
) -> Result<Vec<u8>> {
    let paging = &crate::API.pagination;
    let mut query = query.clone();
    query.set(paging.enable_param, true);
    query.set(paging.page_param, page_no);
    query.set(paging.size_param, page_size);
    fetch::<T>(client, path, &query, retry).await
}

/// `GET {api}/{path}?{query}` (`T::PATH` unless the command-line client
/// lists another path), with `T`'s read scope.
async fn fetch<T: Resource>(
    client: &HaloClient,
    path: &str,
    query: &Query,
    retry: Option<&RetryPolicy>,
) -> Result<Vec<u8>> {
    let call = Call {
        scope: T::READ_SCOPE,
        ..Call::new(Method::GET, client.endpoint(&[path], query)?)
    };
    client.execute_with(&call, retry).await
}

pub(super) fn max_page_size() -> u32 {
    // A spec with a zero cap must not make every page size 0.
    crate::API.pagination.max_page_size.max(1)
}

// Manual impls: derives would require `T: Clone` / `T: Debug`.
impl<T> Clone for ListRequest<T> {
    fn clone(&self) -> Self {
        ListRequest {
            client: self.client.clone(),
            path: self.path,
            shape: self.shape,
            query: self.query.clone(),
            page_no: self.page_no,
            page_size: self.page_size,
            prefetch: self.prefetch,
            retry: self.retry.clone(),
            ending: self.ending,
            marker: PhantomData,
        }
    }
}

impl<T> Clone for UnpagedListRequest<T> {
    fn clone(&self) -> Self {
        UnpagedListRequest {
            client: self.client.clone(),
            path: self.path,
            shape: self.shape,
            query: self.query.clone(),
            retry: self.retry.clone(),
            marker: PhantomData,
        }
    }
}

impl<T: Resource> fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("path", &self.path)
            .field("shape", &self.shape)
            .field("query", &self.query)
            .field("page_no", &self.page_no)
            .field("page_size", &self.page_size)
            .field("prefetch", &self.prefetch)
            .field("ending", &self.ending)
            .finish()
    }
}

impl<T: Resource> fmt::Debug for UnpagedListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnpagedListRequest")
            .field("path", &self.path)
            .field("shape", &self.shape)
            .field("query", &self.query)
            .finish()
    }
}
