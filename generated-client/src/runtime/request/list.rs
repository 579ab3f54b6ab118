//! List requests: paged and unpaged.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use futures::future::{FutureExt, RemoteHandle};
use futures::stream::{self, Stream, TryStreamExt};
use reqwest::Method;

use super::{into_future, ORDER_DESC_PARAM, ORDER_PARAM};
use crate::runtime::http::Call;
use crate::runtime::query::{Query, QueryValue};
use crate::runtime::{decode, Error, HaloClient, ListShape, Page, Resource, Result, RetryPolicy};

/// Lists one page of a paginated collection; see [`Page`].
///
/// Always asks for a page (page 1 of the largest size by default), since the
/// server caps results anyway and an unpaged request could be huge.
pub struct ListRequest<T> {
    client: HaloClient,
    shape: ListShape,
    query: Query,
    page_no: u32,
    page_size: u32,
    prefetch: usize,
    retry: Option<RetryPolicy>,
    marker: PhantomData<fn() -> T>,
}

impl<T: Resource> ListRequest<T> {
    /// A request for the first page at the largest page size.
    pub fn new(client: &HaloClient, shape: ListShape) -> Self {
        ListRequest {
            client: client.clone(),
            shape,
            query: Query::default(),
            page_no: 1,
            page_size: max_page_size(),
            prefetch: 0,
            retry: None,
            marker: PhantomData,
        }
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

    /// Fetches the page.
    pub async fn send(self) -> Result<Page<T>> {
        let body = fetch_page(
            &self.client,
            T::PATH,
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
    pub fn pages(self) -> impl Stream<Item = Result<Page<T>>> + Send + 'static {
        stream::try_unfold(Pager::new(self), |mut pager| async move {
            Ok(pager.next().await?.map(|page| (page, pager)))
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
}

/// The state of a paging stream.
struct Pager<T> {
    request: ListRequest<T>,
    next_page_no: u32,
    received: u64,
    /// Ids of the last page, to notice a server that ignores `page_no`.
    last_ids: Vec<i32>,
    /// Bodies of the pages after `next_page_no`, already on their way, in order.
    in_flight: VecDeque<(u32, RemoteHandle<Result<Vec<u8>>>)>,
    done: bool,
}

impl<T: Resource> Pager<T> {
    fn new(request: ListRequest<T>) -> Self {
        Pager {
            next_page_no: request.page_no,
            request,
            received: 0,
            last_ids: Vec::new(),
            in_flight: VecDeque::new(),
            done: false,
        }
    }

    async fn next(&mut self) -> Result<Option<Page<T>>> {
        if self.done {
            return Ok(None);
        }
        let page_no = self.next_page_no;
        let body = match self.in_flight.pop_front() {
            Some((prefetched, handle)) if prefetched == page_no => handle.await?,
            _ => {
                self.in_flight.clear();
                self.fetch(page_no).await?
            }
        };
        let page: Page<T> =
            decode::list(&body, self.request.shape, crate::API.pagination.count_field)?;
        let count = page.items.len() as u64;
        let ids: Vec<i32> = page.items.iter().map(|item| item.id().get()).collect();
        if count > 0 && ids == self.last_ids {
            return Err(Error::Paging {
                page_no,
                message: format!(
                    "the server answered it with the same records as page {}; \
                     it seems to ignore `{}`",
                    page_no.saturating_sub(1),
                    crate::API.pagination.page_param
                ),
            });
        }
        self.received += count;
        self.next_page_no = page_no.saturating_add(1);
        self.last_ids = ids;
        self.done = match page.record_count {
            _ if count == 0 => true,
            Some(total) => self.received >= total,
            None => count < u64::from(self.request.page_size),
        };
        let first = page_no == self.request.page_no;
        if count == 0 && !first {
            return Ok(None);
        }
        if self.done {
            self.in_flight.clear(); // dropping a handle cancels its fetch
        } else {
            self.prefetch(page.record_count);
        }
        Ok(Some(page))
    }

    /// Tops up the pages in flight, up to the last page the count promises.
    fn prefetch(&mut self, record_count: Option<u64>) {
        let page_size = u64::from(self.request.page_size);
        let ahead = match record_count {
            Some(total) => total.saturating_sub(self.received).div_ceil(page_size),
            None => 1,
        };
        let depth = (self.request.prefetch as u64).min(ahead);
        while (self.in_flight.len() as u64) < depth {
            let page_no = match self.in_flight.back() {
                Some((last, _)) => last.saturating_add(1),
                None => self.next_page_no,
            };
            let (fetch, handle) = self.fetch(page_no).remote_handle();
            tokio::spawn(fetch);
            self.in_flight.push_back((page_no, handle));
        }
    }

    fn fetch(&self, page_no: u32) -> impl Future<Output = Result<Vec<u8>>> + Send + 'static {
        let client = self.request.client.clone();
        let query = self.request.query.clone();
        let page_size = self.request.page_size;
        let retry = self.request.retry.clone();
        async move { fetch_page(&client, T::PATH, &query, page_no, page_size, retry.as_ref()).await }
    }
}

into_future!(ListRequest => Page<T>);

/// Lists a whole collection that the server does not page (e.g. statuses).
pub struct UnpagedListRequest<T> {
    client: HaloClient,
    shape: ListShape,
    query: Query,
    retry: Option<RetryPolicy>,
    marker: PhantomData<fn() -> T>,
}

impl<T: Resource> UnpagedListRequest<T> {
    /// A request for the whole collection.
    pub fn new(client: &HaloClient, shape: ListShape) -> Self {
        UnpagedListRequest {
            client: client.clone(),
            shape,
            query: Query::default(),
            retry: None,
            marker: PhantomData,
        }
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
        let body = fetch(&self.client, T::PATH, &self.query, self.retry.as_ref()).await?;
        let page: Page<T> = decode::list(&body, self.shape, crate::API.pagination.count_field)?;
        Ok(page.items)
    }
}

into_future!(UnpagedListRequest => Vec<T>);

/// One page: the query plus the spec's paging parameters.
async fn fetch_page(
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
    fetch(client, path, &query, retry).await
}

/// `GET {api}/{path}?{query}`.
async fn fetch(
    client: &HaloClient,
    path: &str,
    query: &Query,
    retry: Option<&RetryPolicy>,
) -> Result<Vec<u8>> {
    let call = Call {
        method: Method::GET,
        url: client.endpoint(&[path], query)?,
        body: None,
        idempotent: true,
    };
    client.execute_with(&call, retry).await
}

fn max_page_size() -> u32 {
    // A spec with a zero cap must not make every page size 0.
    crate::API.pagination.max_page_size.max(1)
}

// Manual impls: derives would require `T: Clone` / `T: Debug`.
impl<T> Clone for ListRequest<T> {
    fn clone(&self) -> Self {
        ListRequest {
            client: self.client.clone(),
            shape: self.shape,
            query: self.query.clone(),
            page_no: self.page_no,
            page_size: self.page_size,
            prefetch: self.prefetch,
            retry: self.retry.clone(),
            marker: PhantomData,
        }
    }
}

impl<T> Clone for UnpagedListRequest<T> {
    fn clone(&self) -> Self {
        UnpagedListRequest {
            client: self.client.clone(),
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
            .field("path", &T::PATH)
            .field("shape", &self.shape)
            .field("query", &self.query)
            .field("page_no", &self.page_no)
            .field("page_size", &self.page_size)
            .field("prefetch", &self.prefetch)
            .finish()
    }
}

impl<T: Resource> fmt::Debug for UnpagedListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnpagedListRequest")
            .field("path", &T::PATH)
            .field("shape", &self.shape)
            .field("query", &self.query)
            .finish()
    }
}
