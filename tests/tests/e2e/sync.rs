//! Incremental sync against the fake: a full first load, then only what
//! changed, deletions as tombstones, nothing lost or repeated at the
//! boundary, and a cursor that survives serialization.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use halopsa::{ClientId, NewTicket, SyncCursor, TicketId};
use serde_json::json;

use crate::common::{bounded, fake};
use halopsa_e2e::FakeClient;

fn cursor_round_trip(cursor: &SyncCursor) -> SyncCursor {
    let text = serde_json::to_string(cursor).expect("serializes");
    serde_json::from_str(&text).expect("deserializes")
}

#[tokio::test]
async fn changed_since_loads_everything_then_only_changes_and_tombstones() {
    bounded(60, async {
        let halo = fake(300).await;
        let client = halo.client();

        let first = client
            .tickets()
            .changed_since(&SyncCursor::new())
            .await
            .expect("first sync");
        assert_eq!(first.changed.len(), 300, "a new cursor loads everything");
        assert!(first.deleted.is_empty() && first.tombstones);
        let latest = first.changed.iter().filter_map(|t| t.last_update).max();
        assert_eq!(first.cursor.since(), latest, "the server's time, not ours");

        // Nothing changed: nothing delivered, though the overlap asks again.
        let cursor = cursor_round_trip(&first.cursor);
        let idle = client
            .tickets()
            .changed_since(&cursor)
            .await
            .expect("idle sync");
        assert!(idle.changed.is_empty(), "{:?}", idle.changed.len());
        assert!(idle.deleted.is_empty());
        assert!(idle.requests <= 2, "{} requests", idle.requests);

        // Someone works: two edits, one new ticket, one deletion.
        for id in [5, 250] {
            client
                .tickets()
                .patch(TicketId::new(id))
                .summary(format!("edited {id}"))
                .await
                .expect("patched");
        }
        let new = NewTicket::new()
            .summary("Created after the first sync")
            .client_id(ClientId::new(1));
        let created = client.tickets().create(&new).await.expect("created");
        client
            .tickets()
            .delete(TicketId::new(17))
            .await
            .expect("deleted");

        let cursor = cursor_round_trip(&idle.cursor);
        let changes = client.tickets().changed_since(&cursor).await.expect("sync");
        let changed: HashSet<i32> = changes.changed.iter().map(|t| t.id.get()).collect();
        assert_eq!(changed, HashSet::from([5, 250, created.id.get()]));
        let edited = changes.changed.iter().find(|t| t.id.get() == 5).expect("5");
        assert_eq!(edited.summary.as_deref(), Some("edited 5"));
        assert_eq!(changes.deleted, vec![TicketId::new(17)]);
        assert!(changes.requests <= 4, "{} requests", changes.requests);
        assert!(changes.cursor.since() > cursor.since());

        // And again: all of that was delivered once.
        let again = client
            .tickets()
            .changed_since(&changes.cursor)
            .await
            .expect("sync");
        assert!(again.changed.is_empty() && again.deleted.is_empty());
    })
    .await;
}

/// Records stamped in the same second as the cursor, or a little before it
/// (a write that committed late), arrive in the next sync; the ones
/// delivered already do not arrive again.
#[tokio::test]
async fn the_overlap_catches_records_at_the_boundary_without_repeats() {
    bounded(30, async {
        let halo = fake(50).await;
        let client = halo.client();
        let first = client
            .tickets()
            .changed_since(&SyncCursor::new())
            .await
            .expect("first sync");
        let since: DateTime<Utc> = first.cursor.since().expect("a cursor");
        let stamp = |at: DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        let same = halo
            .insert(
                "Tickets",
                json!({"summary": "same instant", "last_update": stamp(since), "deleted": false}),
            )
            .expect("stored");
        let late = halo
            .insert(
                "Tickets",
                json!({
                    "summary": "committed late",
                    "last_update": stamp(since - chrono::Duration::seconds(20)),
                    "deleted": false,
                }),
            )
            .expect("stored");
        let next = client
            .tickets()
            .changed_since(&first.cursor)
            .await
            .expect("sync");
        let ids: HashSet<i64> = next.changed.iter().map(|t| i64::from(t.id.get())).collect();
        assert_eq!(ids, HashSet::from([same, late]));
    })
    .await;
}

/// Clients have an update time but no `deleted` filter: changes sync,
/// deletions cannot be seen, and the result says so.
#[tokio::test]
async fn a_collection_without_a_deleted_filter_says_it_has_no_tombstones() {
    bounded(30, async {
        let halo = fake(100).await;
        let client = halo.client();
        let first = client
            .clients()
            .changed_since(&SyncCursor::new())
            .await
            .expect("first sync");
        assert!(!first.tombstones);
        assert_eq!(first.changed.len(), halo.records("Client").len());
        client
            .clients()
            .patch(ClientId::new(2))
            .name("Renamed")
            .await
            .expect("patched");
        let next = client
            .clients()
            .changed_since(&first.cursor)
            .await
            .expect("sync");
        let names: Vec<_> = next.changed.iter().map(|c| c.name.clone()).collect();
        assert_eq!(names, [Some("Renamed".to_owned())]);
        assert_eq!(next.requests, 1, "no tombstone listing");
    })
    .await;
}
