//! Offset paging: page after page, prefetched, each id delivered once, and
//! a listing that ends short of its promise reported.

use std::collections::{HashSet, VecDeque};
use std::future::Future;

use futures::future::{FutureExt, RemoteHandle};

use super::id_set::IdSet;
use super::list::{fetch_page, Ending, ListRequest, ListingSummary};
use crate::runtime::{decode, Error, Page, RecordId, Resource, Result};

/// The state of a paging stream.
pub(super) struct Pager<T: Resource> {
    request: ListRequest<T>,
    next_page_no: u32,
    /// Records received, repeats included: paging ends by this count.
    received: u64,
    /// Ids of the last page, to notice a server that ignores `page_no`.
    last_ids: Vec<T::Id>,
    /// Bodies of the pages after `next_page_no`, already on their way, in order.
    in_flight: VecDeque<(u32, RemoteHandle<Result<Vec<u8>>>)>,
    done: bool,
    /// Every id delivered: a record that a create pushed onto the next page
    /// arrives there again, and is dropped.
    seen: IdSet,
    /// The same for collections keyed by text.
    seen_keys: HashSet<T::Id>,
    duplicates: u64,
    /// What the first page's `record_count` promised from there on.
    promised: Option<u64>,
    requests: u64,
    /// Whether the end has been checked against the promise.
    settled: bool,
}

impl<T: Resource> Pager<T> {
    /// How many distinct records were delivered.
    fn delivered(&self) -> u64 {
        self.seen.len() + self.seen_keys.len() as u64
    }

    pub(super) fn new(request: ListRequest<T>) -> Self {
        Pager {
            next_page_no: request.page_no,
            request,
            received: 0,
            last_ids: Vec::new(),
            in_flight: VecDeque::new(),
            done: false,
            seen: IdSet::default(),
            seen_keys: HashSet::new(),
            duplicates: 0,
            promised: None,
            requests: 0,
            settled: false,
        }
    }

    pub(super) fn summary(&self) -> ListingSummary {
        ListingSummary {
            promised: self.promised,
            received: self.delivered(),
            duplicates: self.duplicates,
            requests: self.requests,
            ids: Vec::new(),
        }
    }

    pub(super) async fn next(&mut self) -> Result<Option<Page<T>>> {
        if self.done {
            return self.end();
        }
        let page_no = self.next_page_no;
        let body = match self.in_flight.pop_front() {
            Some((prefetched, handle)) if prefetched == page_no => handle.await?,
            _ => {
                self.in_flight.clear();
                self.fetch(page_no).await?
            }
        };
        let mut page: Page<T> =
            decode::list(&body, self.request.shape, crate::API.pagination.count_field)?;
        let count = page.items.len() as u64;
        let ids: Vec<T::Id> = page.items.iter().map(Resource::id).collect();
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
        let first = page_no == self.request.page_no;
        if first {
            // The promise covers the pages from the first one asked for on.
            let skipped = u64::from(page_no - 1) * u64::from(self.request.page_size);
            self.promised = page.record_count.map(|total| total.saturating_sub(skipped));
        }
        self.received += count;
        self.next_page_no = page_no.saturating_add(1);
        self.last_ids = ids;
        page.items.retain(|item| {
            let id = item.id();
            match id.as_int() {
                Some(number) => self.seen.insert(number),
                None => self.seen_keys.insert(id),
            }
        });
        self.duplicates += count - page.items.len() as u64;
        self.done = match page.record_count {
            _ if count == 0 => true,
            Some(total) => self.received >= total,
            None => count < u64::from(self.request.page_size),
        };
        if count == 0 && !first {
            return self.end();
        }
        if self.done {
            self.in_flight.clear(); // dropping a handle cancels its fetch
        } else {
            self.prefetch(page.record_count);
        }
        Ok(Some(page))
    }

    /// The end of the stream: an error, once, when fewer distinct records
    /// arrived than the first page promised (unless lenient).
    fn end(&mut self) -> Result<Option<Page<T>>> {
        self.done = true;
        self.in_flight.clear();
        if std::mem::replace(&mut self.settled, true) || self.request.ending == Ending::Lenient {
            return Ok(None);
        }
        let received = self.delivered();
        match self.promised {
            Some(promised) if received < promised => {
                tracing::debug!(
                    promised,
                    received,
                    path = self.request.path,
                    "a listing ended short of its first page's count"
                );
                Err(Error::Incomplete { promised, received })
            }
            _ => Ok(None),
        }
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

    fn fetch(&mut self, page_no: u32) -> impl Future<Output = Result<Vec<u8>>> + Send + 'static {
        self.requests += 1;
        let client = self.request.client.clone();
        let query = self.request.query.clone();
        let page_size = self.request.page_size;
        let retry = self.request.retry.clone();
        let path = self.request.path;
        async move { fetch_page::<T>(&client, path, &query, page_no, page_size, retry.as_ref()).await }
    }
}
