//! Listings on a table that changes while it is listed: the fake's churn
//! mode creates and deletes tickets after every page it serves, as another
//! user would. Offset paging never repeats an id and reports a listing that
//! ends short; consistent listing delivers every surviving record once.

use std::collections::HashSet;

use halopsa::{Error, HaloClient, Listing, Ticket};
use halopsa_e2e::{Churn, FakeClient, FakeHalo};

use crate::common::{bounded, fake};

const TICKETS: usize = 2000;

/// Original tickets still live (not deleted) on the server.
fn survivors(halo: &FakeHalo) -> HashSet<i32> {
    halo.records("Tickets")
        .iter()
        .filter(|record| record["deleted"] != true)
        .filter_map(|record| record["id"].as_i64())
        .filter(|&id| id <= TICKETS as i64)
        .map(|id| id as i32)
        .collect()
}

fn ids(listing: &Listing<Ticket>) -> Vec<i32> {
    listing
        .records
        .iter()
        .map(|ticket| ticket.id.get())
        .collect()
}

fn assert_each_once(ids: &[i32]) {
    let mut seen = HashSet::new();
    for id in ids {
        assert!(seen.insert(id), "ticket {id} delivered twice");
    }
}

async fn churning(churn: Churn) -> (FakeHalo, HaloClient) {
    let halo = fake(TICKETS).await;
    halo.churn("Tickets", churn);
    let client = halo.client();
    (halo, client)
}

#[tokio::test]
async fn records_pushed_onto_the_next_page_by_creates_arrive_once() {
    bounded(60, async {
        // Newest first: every create lands before the current offset and
        // pushes the page boundary back over records already delivered.
        let (halo, client) = churning(Churn {
            inserts: 3,
            deletes: 0,
        })
        .await;
        let listing = client
            .tickets()
            .list()
            .order("id")
            .order_desc()
            .collect_with_summary()
            .await
            .expect("nothing was lost, so nothing to report");
        let ids = ids(&listing);
        assert_each_once(&ids);
        let delivered: HashSet<i32> = ids.iter().copied().collect();
        assert!(survivors(&halo).is_subset(&delivered));
        assert!(
            listing.summary.duplicates >= 50,
            "the pages did shift: {:?}",
            listing.summary.duplicates
        );
        assert_eq!(listing.summary.ids, ids);
        assert!(listing.summary.is_complete());
    })
    .await;
}

#[tokio::test]
async fn a_listing_that_ends_short_of_its_promise_is_an_error_unless_lenient() {
    bounded(60, async {
        let (_halo, client) = churning(Churn {
            inserts: 0,
            deletes: 5,
        })
        .await;
        let err = client
            .tickets()
            .list()
            .collect()
            .await
            .expect_err("deletes made pages shift back");
        let Error::Incomplete { promised, received } = err else {
            panic!("expected Error::Incomplete, got {err:?}");
        };
        assert_eq!(promised, TICKETS as u64);
        assert!(received < promised, "{received} of {promised}");
        assert!(err.to_string().contains("consistent"), "{err}");

        let (_halo, client) = churning(Churn {
            inserts: 0,
            deletes: 5,
        })
        .await;
        let listing = client
            .tickets()
            .list()
            .lenient()
            .collect_with_summary()
            .await
            .expect("lenient");
        assert_each_once(&ids(&listing));
        let summary = &listing.summary;
        assert_eq!(summary.promised, Some(TICKETS as u64));
        assert_eq!(summary.received, listing.records.len() as u64);
        assert!(!summary.is_complete(), "{summary:?}");
        assert!(summary.requests >= 20, "{summary:?}");
    })
    .await;
}

#[tokio::test]
async fn a_consistent_listing_delivers_every_surviving_record_exactly_once() {
    bounded(60, async {
        let churn = Churn {
            inserts: 3,
            deletes: 3,
        };
        // Offset paging under this churn skips records that were there all
        // along: the reason for the consistent mode.
        let (halo, client) = churning(churn).await;
        let plain = client
            .tickets()
            .list()
            .lenient()
            .collect_with_summary()
            .await
            .expect("lenient");
        let delivered: HashSet<i32> = ids(&plain).into_iter().collect();
        let skipped = survivors(&halo).difference(&delivered).count();
        assert!(skipped > 0, "the churn should make offset paging skip records");

        let (halo, client) = churning(churn).await;
        let listing = client
            .tickets()
            .list()
            .consistent()
            .collect_with_summary()
            .await
            .expect("consistent");
        let ids = ids(&listing);
        assert!(
            ids.windows(2).all(|pair| pair[0] < pair[1]),
            "in id order, each once"
        );
        let delivered: HashSet<i32> = ids.iter().copied().collect();
        let missed: Vec<i32> = survivors(&halo).difference(&delivered).copied().collect();
        assert!(missed.is_empty(), "missed surviving tickets {missed:?}");
        eprintln!(
            "consistent listing under churn: {} tickets in {} requests (offset paging skipped {skipped})",
            ids.len(),
            listing.summary.requests,
        );
    })
    .await;
}

#[tokio::test]
async fn a_consistent_listing_costs_a_few_more_requests_than_offset_paging() {
    bounded(60, async {
        let halo = fake(5000).await;
        let client = halo.client();
        let listing = client
            .tickets()
            .list()
            .consistent()
            .collect_with_summary()
            .await
            .expect("listed");
        assert_eq!(listing.records.len(), 5000);
        assert_each_once(&ids(&listing));
        // 50 pages of 100 for offset paging; 57 for windows that overlap.
        assert_eq!(listing.summary.requests, 57);
        assert_eq!(halo.counters().requests_to("/api/Tickets"), 57);
    })
    .await;
}
