//! Incremental sync: the records of a collection created, changed or
//! deleted since the last sync, and a cursor to resume from.
//!
//! Halo filters lists by `lastupdatefromdate`; the cursor remembers the
//! latest update time seen (the server's clock, never this machine's) and
//! asks again from a little before it, because records updated in the same
//! second, or committed late with an earlier time, would otherwise fall
//! between two syncs. What that overlap brings back twice is recognised by
//! id and update time and dropped.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Id, ListRequest, Resource, Result};

/// How far before the cursor each sync asks again, unless
/// [`ChangedSince::overlap`] says otherwise.
const DEFAULT_OVERLAP: Duration = Duration::from_secs(60);

/// Where an incremental sync of one collection got to. Serialize it (serde)
/// after each sync and pass it to the next one, also after a restart; a new
/// cursor ([`SyncCursor::new`]) loads everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCursor {
    /// The latest update time seen, by the server's clock.
    since: Option<DateTime<Utc>>,
    /// Records already delivered whose update time falls within the overlap
    /// before `since`: delivered again only once they change.
    #[serde(default)]
    recent: Vec<Delivered>,
}

/// One record delivered, as a change or as a tombstone, at its update time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
struct Delivered {
    id: i32,
    at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    deleted: bool,
}

impl SyncCursor {
    /// A cursor before anything: the first sync lists every record.
    pub fn new() -> Self {
        SyncCursor::default()
    }

    /// A cursor that starts at `time`: the first sync lists what changed at
    /// or after it.
    pub fn starting_at(time: DateTime<Utc>) -> Self {
        SyncCursor {
            since: Some(time),
            recent: Vec::new(),
        }
    }

    /// The latest update time seen; `None` before the first sync.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.since
    }
}

/// The outcome of one incremental sync; see [`ChangedSince`].
#[derive(Debug, Clone, PartialEq)]
pub struct Changes<T> {
    /// Records created or changed since the cursor, each id once, in id order.
    pub changed: Vec<T>,
    /// Ids of records deleted since the cursor (empty when the collection
    /// cannot list deleted records: see [`tombstones`](Self::tombstones)).
    pub deleted: Vec<Id<T>>,
    /// The cursor to pass to the next sync.
    pub cursor: SyncCursor,
    /// Requests this sync made.
    pub requests: u64,
    /// Whether the collection lists deleted records, so that `deleted` is
    /// complete. Where it does not, deletions show only in a full listing.
    pub tombstones: bool,
}

/// The records of a collection created, changed or deleted since a cursor;
/// returned by the `changed_since` method of collections whose list can be
/// filtered by update time (`halo.tickets().changed_since(&cursor)`).
///
/// Each listing is [consistent](ListRequest::consistent), so records that
/// change while the sync runs shift no page past a record unseen. The first
/// sync (a new cursor) lists everything; later ones ask for what was
/// updated from a little before the cursor (the
/// [`overlap`](Self::overlap), a minute by default) and drop what they
/// delivered already. Where the collection has a `deleted` filter, a second
/// listing brings the records deleted since, as tombstones (Halo marks a
/// deletion as an update). Cost: about one request per 88 changed records,
/// plus one for the tombstones; an idle collection costs one or two.
pub struct ChangedSince<T> {
    list: ListRequest<T>,
    cursor: SyncCursor,
    since_filter: &'static str,
    updated_at: fn(&T) -> Option<DateTime<Utc>>,
    deleted_filter: Option<&'static str>,
    overlap: Duration,
}

impl<T: Resource<Id = Id<T>>> ChangedSince<T> {
    /// A sync of the records `list` matches from `cursor` on. The generated
    /// `changed_since` methods call this: `since_filter` is the list filter
    /// bounding the update time from below (`lastupdatefromdate`),
    /// `updated_at` reads a record's update time, and `deleted_filter` is
    /// the filter that lists deleted records, where there is one.
    pub fn new(
        list: ListRequest<T>,
        cursor: &SyncCursor,
        since_filter: &'static str,
        updated_at: fn(&T) -> Option<DateTime<Utc>>,
        deleted_filter: Option<&'static str>,
    ) -> Self {
        ChangedSince {
            list,
            cursor: cursor.clone(),
            since_filter,
            updated_at,
            deleted_filter,
            overlap: DEFAULT_OVERLAP,
        }
    }

    /// How far before the cursor to ask again (default a minute): at least
    /// the longest a write may take to commit after Halo stamps its time.
    pub fn overlap(mut self, overlap: Duration) -> Self {
        self.overlap = overlap;
        self
    }

    /// Changes the listing before it is sent, e.g. to add a filter:
    /// `.filter(|list| list.client_id(ClientId::new(12)))`.
    pub fn filter(mut self, change: impl FnOnce(ListRequest<T>) -> ListRequest<T>) -> Self {
        self.list = change(self.list);
        self
    }

    /// Runs the sync.
    pub async fn send(self) -> Result<Changes<T>> {
        let from = self.cursor.since.map(|since| {
            since - chrono::Duration::from_std(self.overlap).unwrap_or(chrono::Duration::zero())
        });
        let mut list = self.list.clone().consistent();
        if let Some(from) = from {
            list = list.param(self.since_filter, from);
        }
        let listing = list.collect_with_summary().await?;
        let mut requests = listing.summary.requests;
        let mut book = Book::new(&self.cursor, self.updated_at);
        let changed = book.fresh(listing.records, false);

        let tombstones = self.deleted_filter.is_some();
        let mut deleted = Vec::new();
        if let (Some(filter), Some(from)) = (self.deleted_filter, from) {
            let gone = self
                .list
                .param(filter, true)
                .param(self.since_filter, from)
                .consistent()
                .collect_with_summary()
                .await?;
            requests += gone.summary.requests;
            deleted = book
                .fresh(gone.records, true)
                .iter()
                .map(Resource::id)
                .collect();
        }
        Ok(Changes {
            changed,
            deleted,
            cursor: book.cursor(self.overlap),
            requests,
            tombstones,
        })
    }
}

/// What a sync has seen, against what the cursor says was delivered.
struct Book<T> {
    since: Option<DateTime<Utc>>,
    /// What the cursor says was delivered; a tombstone is told apart from a
    /// change, so a deletion is reported even if Halo kept the update time.
    delivered: HashSet<Delivered>,
    /// Everything delivered or recognised in this sync, and the cursor's.
    seen: HashMap<(i32, bool), DateTime<Utc>>,
    updated_at: fn(&T) -> Option<DateTime<Utc>>,
}

impl<T: Resource<Id = Id<T>>> Book<T> {
    fn new(cursor: &SyncCursor, updated_at: fn(&T) -> Option<DateTime<Utc>>) -> Self {
        Book {
            since: cursor.since,
            delivered: cursor.recent.iter().copied().collect(),
            seen: cursor
                .recent
                .iter()
                .map(|d| ((d.id, d.deleted), d.at))
                .collect(),
            updated_at,
        }
    }

    /// The records not delivered before in the state they are in now.
    fn fresh(&mut self, records: Vec<T>, deleted: bool) -> Vec<T> {
        records
            .into_iter()
            .filter(|record| {
                let id = record.id().get();
                let Some(at) = (self.updated_at)(record) else {
                    // No update time: it matched the filter, so deliver it.
                    return true;
                };
                self.since = self.since.max(Some(at));
                self.seen.insert((id, deleted), at);
                !self.delivered.contains(&Delivered { id, at, deleted })
            })
            .collect()
    }

    /// The cursor after this sync: the latest time seen, and what was
    /// delivered within the overlap before it.
    fn cursor(self, overlap: Duration) -> SyncCursor {
        let Some(since) = self.since else {
            return SyncCursor::default();
        };
        let window = chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::zero());
        let mut recent: Vec<Delivered> = self
            .seen
            .into_iter()
            .filter(|(_, at)| *at >= since - window)
            .map(|((id, deleted), at)| Delivered { id, at, deleted })
            .collect();
        recent.sort_unstable();
        SyncCursor {
            since: Some(since),
            recent,
        }
    }
}

impl<T: Resource> fmt::Debug for ChangedSince<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangedSince")
            .field("path", &T::PATH)
            .field("since", &self.cursor.since)
            .field("overlap", &self.overlap)
            .field("tombstones", &self.deleted_filter.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: Resource<Id = Id<T>>> std::future::IntoFuture for ChangedSince<T> {
    type Output = Result<Changes<T>>;
    type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
