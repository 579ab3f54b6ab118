//! List requests: paged and unpaged.

use std::fmt;
use std::marker::PhantomData;

use reqwest::Method;

use super::{into_future, ORDER_DESC_PARAM, ORDER_PARAM};
use crate::runtime::http::Call;
use crate::runtime::query::{Query, QueryValue};
use crate::runtime::{decode, HaloClient, ListShape, Page, Resource, Result};

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

    /// Sets (replaces) a query parameter; generated filters call this.
    pub(crate) fn param(mut self, name: &'static str, value: impl QueryValue) -> Self {
        self.query.set(name, value);
        self
    }

    /// Fetches the page.
    pub async fn send(self) -> Result<Page<T>> {
        let paging = &crate::API.pagination;
        let mut query = self.query;
        query.set(paging.enable_param, true);
        query.set(paging.page_param, self.page_no);
        query.set(paging.size_param, self.page_size);
        let body = fetch(&self.client, T::PATH, &query).await?;
        decode::list(&body, self.shape, paging.count_field)
    }
}

into_future!(ListRequest => Page<T>);

/// Lists a whole collection that the server does not page (e.g. statuses).
pub struct UnpagedListRequest<T> {
    client: HaloClient,
    shape: ListShape,
    query: Query,
    marker: PhantomData<fn() -> T>,
}

impl<T: Resource> UnpagedListRequest<T> {
    /// A request for the whole collection.
    pub fn new(client: &HaloClient, shape: ListShape) -> Self {
        UnpagedListRequest {
            client: client.clone(),
            shape,
            query: Query::default(),
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

    /// Sets (replaces) a query parameter; generated filters call this.
    pub(crate) fn param(mut self, name: &'static str, value: impl QueryValue) -> Self {
        self.query.set(name, value);
        self
    }

    /// Fetches every record.
    pub async fn send(self) -> Result<Vec<T>> {
        let body = fetch(&self.client, T::PATH, &self.query).await?;
        let page: Page<T> = decode::list(&body, self.shape, crate::API.pagination.count_field)?;
        Ok(page.items)
    }
}

into_future!(UnpagedListRequest => Vec<T>);

/// `GET {api}/{path}?{query}`.
async fn fetch(client: &HaloClient, path: &str, query: &Query) -> Result<Vec<u8>> {
    let call = Call {
        method: Method::GET,
        url: client.endpoint(&[path], query)?,
        body: None,
        idempotent: true,
    };
    client.execute(&call).await
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
