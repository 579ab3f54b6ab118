//! Reading, changing and writing records: the server's stored record must
//! change in the changed field only, whatever else it holds.

use halopsa::{
    Action, ActionId, Asset, AssetId, Client, ClientContract, ClientContractId, ClientId,
    HaloClient, NewTicket, Site, SiteId, StatusId, TicketId, User, UserId,
};
use serde_json::{json, Value};

use crate::common::{bounded, fake};
use halopsa_e2e::FakeClient;

/// `before` with one field changed.
fn with(before: &Value, field: &str, value: Value) -> Value {
    let mut expected = before.clone();
    expected[field] = value;
    expected
}

/// Fields the server sets to the time of every change ("last updated").
const STAMPS: [&str; 8] = [
    "last_update",
    "alastupdate",
    "slastupdate",
    "ulastupdate",
    "dlastupdate",
    "last_modified",
    "last_updated",
    "last_update_time",
];

/// `before` with the "last updated" stamps of `after`, which a write moves
/// on (checked: each one is later than before, or was not there).
fn restamped(before: &Value, after: &Value) -> Value {
    let mut expected = before.clone();
    for stamp in STAMPS {
        if let Some(now) = after.get(stamp) {
            assert_ne!(
                before.get(stamp),
                Some(now),
                "`{stamp}` moves on with a write"
            );
            expected[stamp] = now.clone();
        }
    }
    expected
}

/// Fields of `record` the spec does not type, to show the test covers them.
fn assert_has_unknown_fields(record: &Value) {
    for field in [
        "third_party_ref",
        "dynamic_fields",
        "connectwiseid",
        "_import_batch",
    ] {
        assert!(
            record.get(field).is_some(),
            "seeded records carry `{field}`"
        );
    }
}

#[tokio::test]
async fn read_modify_write_of_a_ticket_changes_only_the_changed_field() {
    bounded(20, async {
        let halo = fake(100).await;
        let client = halo.client();
        // Ticket 10 has its client id as a string and sentinel dates.
        let before = halo.record("Tickets", 10).expect("seeded");
        assert_has_unknown_fields(&before);
        assert!(before["client_id"].is_string());
        assert_eq!(before["deadlinedate"], json!("1900-01-01T00:00:00"));

        let mut ticket = client.tickets().get(TicketId::new(10)).await.expect("get");
        assert!(ticket.custom_field("CFDepartment").is_some());
        ticket.summary = Some("Printer replaced".into());
        let saved = client.tickets().update(&ticket).await.expect("update");
        assert_eq!(saved.summary.as_deref(), Some("Printer replaced"));

        let after = halo.record("Tickets", 10).expect("still there");
        assert_eq!(
            after,
            with(
                &restamped(&before, &after),
                "summary",
                json!("Printer replaced")
            )
        );
    })
    .await;
}

#[tokio::test]
async fn read_modify_write_keeps_every_seeded_entity_intact() {
    bounded(20, async {
        let halo = fake(100).await;
        let client = halo.client();
        // Sites and users carry ids as `21.0`; actions their ticket as "1".
        let mut failed = Vec::new();
        for id in 1..=5 {
            let mut check = |outcome: Option<String>| failed.extend(outcome);
            check(rmw::<Client>(&halo, &client, "Client", id, "name").await);
            check(rmw::<Site>(&halo, &client, "Site", id, "name").await);
            check(rmw::<User>(&halo, &client, "Users", id, "name").await);
            check(rmw::<Asset>(&halo, &client, "Asset", id, "inventory_number").await);
            check(rmw::<ClientContract>(&halo, &client, "ClientContract", id, "ref").await);
            check(rmw::<Action>(&halo, &client, "Actions", id, "note").await);
        }
        assert!(
            failed.is_empty(),
            "changed more than one field:\n{}",
            failed.join("\n")
        );
    })
    .await;
}

/// Placeholders (`1900-01-01T00:00:00`, `-1`) decode to `None` but are kept
/// and sent back, also inside nested records, which are written whole.
#[tokio::test]
async fn nested_placeholders_survive_a_read_modify_write() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo.client();
        let nested = json!({
            "summary": "Nested placeholders",
            "attachments": [{ "id": 1, "filename": "a.txt", "datecreated": "1900-01-01T00:00:00" }],
            "assets": [{ "id": 5, "inventory_number": "AST-5", "site_id": -1 }],
        });
        let id = halo.insert("Tickets", nested).expect("stored");
        let before = halo.record("Tickets", id).expect("stored");
        let mut ticket = client
            .tickets()
            .get(TicketId::new(id as i32))
            .await
            .expect("get");
        ticket.summary = Some("Changed".into());
        client.tickets().update(&ticket).await.expect("update");
        let after = halo.record("Tickets", id).expect("still there");
        assert_eq!(
            after,
            with(&restamped(&before, &after), "summary", json!("Changed"))
        );
    })
    .await;
}

/// Gets record `id`, sets `field` to a new text, saves the whole record and
/// compares the stored record with the one before: the fields that differ
/// beyond `field`, if any.
async fn rmw<T: Entity>(
    halo: &halopsa_e2e::FakeHalo,
    client: &HaloClient,
    path: &str,
    id: i32,
    field: &str,
) -> Option<String> {
    let before = halo.record(path, id).expect("seeded");
    assert_has_unknown_fields(&before);
    let mut record = T::get(client, id, &before).await;
    let text = format!("changed {path} {id}");
    record.set(&text);
    T::update(client, &record).await;
    let after = halo.record(path, id).expect("still there");
    let expected = with(&restamped(&before, &after), field, json!(text));
    let differing: Vec<String> = expected
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, value)| after.get(key.as_str()) != Some(*value))
        .map(|(key, value)| format!("`{key}`: {value} became {}", after[key.as_str()]))
        .collect();
    let same_size = after.as_object().map(|o| o.len()) == expected.as_object().map(|o| o.len());
    (!differing.is_empty() || !same_size).then(|| format!("{path} {id}: {}", differing.join("; ")))
}

/// The typed calls `rmw` needs, per entity.
trait Entity: Sized {
    async fn get(client: &HaloClient, id: i32, stored: &Value) -> Self;
    fn set(&mut self, text: &str);
    async fn update(client: &HaloClient, record: &Self);
}

macro_rules! entity {
    ($ty:ty, $id:ident, $accessor:ident, $field:ident) => {
        impl Entity for $ty {
            async fn get(client: &HaloClient, id: i32, _stored: &Value) -> Self {
                client.$accessor().get($id::new(id)).await.expect("get")
            }
            fn set(&mut self, text: &str) {
                self.$field = Some(text.to_owned());
            }
            async fn update(client: &HaloClient, record: &Self) {
                client.$accessor().update(record).await.expect("update");
            }
        }
    };
}

entity!(Client, ClientId, clients, name);
entity!(Site, SiteId, sites, name);
entity!(User, UserId, users, name);
entity!(Asset, AssetId, assets, inventory_number);
entity!(
    ClientContract,
    ClientContractId,
    client_contracts,
    reference
);

impl Entity for Action {
    /// An action id is only unique within its ticket, so the get names it.
    async fn get(client: &HaloClient, id: i32, stored: &Value) -> Self {
        let ticket = stored["ticket_id"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .expect("actions carry their ticket id as a string");
        client
            .actions()
            .get(ActionId::new(id), TicketId::new(ticket))
            .await
            .expect("get")
    }
    fn set(&mut self, text: &str) {
        self.note = Some(text.to_owned());
    }
    async fn update(client: &HaloClient, record: &Self) {
        client.actions().update(record).await.expect("update");
    }
}

#[tokio::test]
async fn a_patch_sends_only_its_fields() {
    bounded(20, async {
        let halo = fake(100).await;
        let client = halo.client();
        let before = halo.record("Tickets", 7).expect("seeded");
        let saved = client
            .tickets()
            .patch(TicketId::new(7))
            .status_id(StatusId::new(2))
            .await
            .expect("patched");
        assert_eq!(saved.status_id, Some(StatusId::new(2)));
        let after = halo.record("Tickets", 7).expect("still there");
        // The server keeps the status's name in step, as Halo does.
        let expected = with(&restamped(&before, &after), "status_id", json!(2));
        let expected = with(&expected, "status_name", json!("In Progress"));
        assert_eq!(after, expected);
    })
    .await;
}

#[tokio::test]
async fn create_filter_patch_and_delete_round_trip() {
    bounded(20, async {
        let halo = fake(100).await;
        let client = halo.client();
        let new = NewTicket::new()
            .summary("Coffee machine leaking")
            .client_id(ClientId::new(3))
            .status_id(StatusId::new(1));
        let created = client.tickets().create(&new).await.expect("created");
        assert_eq!(created.id.get(), 101);
        // The server fills in the client's name, as Halo does.
        let client_name = halo.record("Client", 3).expect("seeded")["name"].clone();
        assert_eq!(json!(created.client_name), client_name);

        let found = client
            .tickets()
            .list()
            .client_id(ClientId::new(3))
            .search("coffee MACHINE")
            .open_only()
            .collect()
            .await
            .expect("listed");
        assert_eq!(found.iter().map(|t| t.id).collect::<Vec<_>>(), [created.id]);

        client
            .tickets()
            .delete(created.id)
            .reason("duplicate")
            .await
            .expect("deleted");
        let err = client.tickets().get(created.id).await.expect_err("gone");
        assert!(err.is_not_found(), "{err:?}");
        // Tickets are soft-deleted: the store keeps the record, marked.
        let stored = halo.record("Tickets", created.id.get()).expect("kept");
        assert_eq!(stored["deleted"], json!(true));
        let deleted = client
            .tickets()
            .list()
            .deleted()
            .collect()
            .await
            .expect("listed");
        assert_eq!(deleted.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn typed_filters_and_ordering_match_the_stored_records() {
    bounded(20, async {
        let halo = fake(1000).await;
        let client = halo.client();
        let stored = halo.records("Tickets");
        let expected = |keep: &dyn Fn(&Value) -> bool| stored.iter().filter(|t| keep(t)).count();
        let number = |t: &Value, f: &str| {
            t[f].as_f64()
                .or_else(|| t[f].as_str().and_then(|s| s.parse().ok()))
        };

        let open = client
            .tickets()
            .list()
            .open_only()
            .collect()
            .await
            .expect("open");
        assert_eq!(
            open.len(),
            expected(&|t| number(t, "status_id") != Some(9.0))
        );
        assert!(!open.is_empty() && open.len() < stored.len());

        let of_client = client
            .tickets()
            .list()
            .client_id(ClientId::new(4))
            .site_id(SiteId::new(7))
            .collect()
            .await
            .expect("filtered");
        let want =
            expected(&|t| number(t, "client_id") == Some(4.0) && number(t, "site_id") == Some(7.0));
        assert_eq!(of_client.len(), want);
        assert!(want > 0, "the seed gives client 4 tickets at site 7");

        let by_status = client
            .tickets()
            .list()
            .status([StatusId::new(1), StatusId::new(2)])
            .collect()
            .await
            .expect("any of");
        assert_eq!(
            by_status.len(),
            expected(&|t| matches!(number(t, "status_id"), Some(s) if s == 1.0 || s == 2.0))
        );

        let newest = client
            .tickets()
            .list()
            .order("dateoccurred")
            .order_desc()
            .page_size(5)
            .send()
            .await
            .expect("ordered");
        let ids: Vec<i32> = newest.items.iter().map(|t| t.id.get()).collect();
        assert_eq!(
            ids,
            [1000, 999, 998, 997, 996],
            "tickets are seeded in date order"
        );
        assert_eq!(newest.record_count, Some(1000));
    })
    .await;
}

/// Placeholders recorded from live instances, in the fake's seeded records:
/// `0` for "no record" (an agent's action has no end user and no asset; a
/// monitoring ticket no user) and the OLE zero date `1899-12-30T00:00:00`.
/// They read as unset, and a read-modify-write sends them back as they came.
#[tokio::test]
async fn zero_references_and_the_ole_zero_date_from_seeded_records_read_as_unset() {
    bounded(20, async {
        let halo = fake(100).await;
        let client = halo.client();

        let stored = halo.record("Tickets", 13).expect("seeded");
        assert_eq!(
            (&stored["user_id"], &stored["reviewed_date"]),
            (&json!(0), &json!("1899-12-30T00:00:00"))
        );
        let mut ticket = client.tickets().get(TicketId::new(13)).await.expect("get");
        assert_eq!(ticket.user_id, None, "0 is no user");
        assert_eq!((ticket.auditdate, ticket.reviewed_date), (None, None));
        ticket.summary = Some("Disk alert".into());
        client.tickets().update(&ticket).await.expect("update");
        let after = halo.record("Tickets", 13).expect("still there");
        assert_eq!(
            after,
            with(&restamped(&stored, &after), "summary", json!("Disk alert"))
        );

        let stored = halo.record("Actions", 1).expect("seeded");
        assert_eq!(
            (&stored["actionby_user_id"], &stored["asset_id"]),
            (&json!(0), &json!(0))
        );
        let actions = client.actions().list(1).await.expect("listed");
        assert!(!actions.is_empty());
        for action in &actions {
            assert_eq!((action.actionby_user_id, action.asset_id), (None, None));
            assert!(action.actionby_agent_id.is_some(), "a real reference stays");
        }
        assert_eq!(
            rmw::<Action>(&halo, &client, "Actions", 1, "note").await,
            None
        );
    })
    .await;
}

/// Halo replaces list fields whole. Merging one custom field reads the
/// ticket's current list and sends it back with that one changed: the other
/// custom fields, and the changed one's other fields, stay as they were.
#[tokio::test]
async fn merging_one_custom_field_keeps_the_others() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();
        let before = halo.record("Tickets", 3).expect("seeded");
        let fields = before["customfields"].as_array().expect("a list").clone();
        assert_eq!(fields.len(), 3);
        let requests = halo.counters().requests_under("/api/Tickets");
        let risk = halopsa::CustomField {
            id: Some(102),
            value: Some(json!(5)),
            ..Default::default()
        };
        client
            .tickets()
            .patch(TicketId::new(3))
            .merge_customfields([risk])
            .await
            .expect("patched");
        let after = halo.record("Tickets", 3).expect("still there");
        let mut expected = fields.clone();
        expected[1]["value"] = json!(5);
        assert_eq!(after["customfields"], json!(expected));
        assert_eq!(
            halo.counters().requests_under("/api/Tickets") - requests,
            2,
            "one read, one write"
        );

        // The plain setter sends the list as given, which Halo stores whole.
        let only = halopsa::CustomField {
            id: Some(101),
            value: Some(json!("IT")),
            ..Default::default()
        };
        client
            .tickets()
            .patch(TicketId::new(3))
            .customfields([only])
            .await
            .expect("patched");
        let after = halo.record("Tickets", 3).expect("still there");
        assert_eq!(after["customfields"], json!([{"id": 101, "value": "IT"}]));
    })
    .await;
}
