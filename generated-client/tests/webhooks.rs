//! Webhook deliveries: what Halo posts decodes into the crate's models,
//! single or batched, with full records or event information only; every
//! other body is a typed error that keeps it, never a panic.
//!
//! The payloads here are written by hand after the shapes the module docs
//! of `runtime::webhook` describe (Halo's guide and a payload recorded from
//! a live tenant); property tests then throw arbitrary bytes, arbitrary
//! JSON and generated deliveries at the decoder.

use chrono::{TimeZone, Utc};
use halopsa::runtime::webhook::{Delivery, DeliveryErrorKind, Event};
use halopsa::runtime::{Id, ListShape, Resource};
use halopsa::{Action, Ticket, TicketId};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// A ticket event as Halo sends it with "full object with linked objects".
fn status_changed(ticket: u32, status: u32) -> Value {
    json!({
        "id": "8e25bc7b-e07e-4102-9398-5d6647e1e79d",
        "webhook_id": "53232637-7724-4a19-b126-3c7267a292aa",
        "notification_id": 41,
        "escmsg_id": "a726ee11-acb8-f111-8260-02725cb0e102",
        "event": "ticket status changed",
        "message": format!("The status has been changed for Ticket ID: {ticket:07}."),
        "object_id": ticket,
        "agent_id": 3,
        "timestamp": "2026-09-25T06:41:08.7895915Z",
        "ticket": {
            "id": ticket,
            "summary": "Printer on fire",
            "status_id": status,
            "client_id": 1.0,
            "team_id": 5,
            "customfields": [],
            "hasbeenclosed": true
        }
    })
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON encodes")
}

#[test]
fn a_single_event_decodes_its_envelope_and_its_ticket() {
    let delivery = Delivery::<Ticket>::from_slice(&bytes(&status_changed(4242, 9))).unwrap();
    assert!(!delivery.is_batched());
    assert_eq!(delivery.len(), 1);
    let event = &delivery.events()[0];
    assert_eq!(event.event.as_deref(), Some("ticket status changed"));
    assert_eq!(
        event.id.as_deref(),
        Some("8e25bc7b-e07e-4102-9398-5d6647e1e79d")
    );
    assert_eq!(
        event.webhook_id.as_deref(),
        Some("53232637-7724-4a19-b126-3c7267a292aa")
    );
    assert_eq!(event.notification_id, Some(41));
    assert_eq!(
        event.escmsg_id.as_deref(),
        Some("a726ee11-acb8-f111-8260-02725cb0e102")
    );
    assert_eq!(
        event.message.as_deref(),
        Some("The status has been changed for Ticket ID: 0004242.")
    );
    assert_eq!(event.object_id, Some(TicketId::new(4242)));
    assert_eq!(event.agent_id, Some(3));
    let at = Utc.with_ymd_and_hms(2026, 9, 25, 6, 41, 8).unwrap()
        + chrono::Duration::nanoseconds(789_591_500);
    assert_eq!(event.timestamp, Some(at));
    assert!(event.extra.is_empty(), "{:?}", event.extra);

    let ticket = event
        .record
        .as_ref()
        .expect("full objects carry the ticket");
    assert_eq!(ticket.id, TicketId::new(4242));
    assert_eq!(ticket.summary.as_deref(), Some("Printer on fire"));
    assert_eq!(ticket.status_id.map(|s| s.get()), Some(9));
    assert_eq!(ticket.client_id.map(|c| c.get()), Some(1));
    // Fields the spec does not list survive, as in API answers.
    assert_eq!(ticket.extra.get("hasbeenclosed"), Some(&json!(true)));
    assert_eq!(event.record_id(), Some(TicketId::new(4242)));
    assert_eq!(delivery.records().count(), 1);
}

#[test]
fn the_ticket_is_sent_back_exactly_as_it_came() {
    let mut sent = status_changed(7, 2);
    // A typed number is written in its own spelling (`1`, not `1.0`).
    sent["ticket"]["client_id"] = json!(1);
    let delivery = Delivery::<Ticket>::from_slice(&bytes(&sent)).unwrap();
    let ticket = delivery.into_events().remove(0).record.unwrap();
    let written = serde_json::to_value(&ticket).unwrap();
    assert_eq!(written, sent["ticket"]);
}

#[test]
fn a_batch_is_an_array_of_events_each_with_its_own_records() {
    let mut with_action = status_changed(11, 4);
    with_action["event"] = json!("new action");
    with_action["action"] =
        json!({"id": 3, "ticket_id": 11, "note": "Replaced the toner", "who": "Ann"});
    let body = bytes(&json!([
        status_changed(10, 1),
        with_action,
        status_changed(12, 9)
    ]));

    let delivery = Delivery::<Ticket>::from_slice(&body).unwrap();
    assert!(delivery.is_batched());
    let ids: Vec<i32> = delivery.records().map(|t| t.id.get()).collect();
    assert_eq!(ids, [10, 11, 12]);

    let events = delivery.into_events();
    assert_eq!(events[0].related::<Action>().unwrap(), None);
    let action = events[1]
        .related::<Action>()
        .unwrap()
        .expect("the action rode along");
    assert_eq!(action.note.as_deref(), Some("Replaced the toner"));
    assert_eq!(action.ticket_id, Some(TicketId::new(11)));
    assert_eq!(action.extra.get("who"), Some(&json!("Ann")));
    // Its raw form stays in the event too.
    assert_eq!(
        events[1].extra.get("action").map(|a| &a["id"]),
        Some(&json!(3))
    );
}

#[test]
fn an_event_about_an_action_reads_as_an_action_too() {
    let body = bytes(&json!({
        "event": "new action",
        "object_id": 3,
        "action": {"id": 3, "ticket_id": 11, "note": "Called the user"},
    }));
    let delivery = Delivery::<Action>::from_slice(&body).unwrap();
    let action = delivery.records().next().expect("an action");
    assert_eq!(action.note.as_deref(), Some("Called the user"));
}

#[test]
fn event_information_only_names_the_record_without_sending_it() {
    let body = bytes(&json!([
        {"id": "e1", "event": "new ticket logged", "object_id": 501, "webhook_id": "w"},
        {"id": "e2", "event": "ticket updated", "object_id": "502"},
    ]));
    let delivery = Delivery::<Ticket>::from_slice(&body).unwrap();
    assert_eq!(delivery.records().count(), 0);
    let ids: Vec<Option<TicketId>> = delivery.iter().map(Event::record_id).collect();
    assert_eq!(ids, [Some(TicketId::new(501)), Some(TicketId::new(502))]);
}

#[test]
fn an_empty_batch_is_a_delivery_of_nothing() {
    let delivery = Delivery::<Ticket>::from_slice(b" [ ] ").unwrap();
    assert!(delivery.is_batched() && delivery.is_empty());
}

#[test]
fn envelope_values_that_do_not_fit_stay_in_extra_as_sent() {
    let body = bytes(&json!({
        "event": 17,
        "notification_id": "not a number",
        "object_id": "0c8f7a8e-3f4e-4a52-a6d9-1d1c1f2b9e11",
        "timestamp": "1900-01-01T00:00:00",
        "agent_id": 1.5,
        "newer_field": {"nested": [1, 2]},
        "ticket": {"id": 5}
    }));
    let delivery = Delivery::<Ticket>::from_slice(&body).unwrap();
    let event = &delivery.events()[0];
    assert_eq!((event.event.as_ref(), event.notification_id), (None, None));
    assert_eq!(
        (event.object_id, event.timestamp, event.agent_id),
        (None, None, None)
    );
    for key in [
        "event",
        "notification_id",
        "object_id",
        "timestamp",
        "agent_id",
        "newer_field",
    ] {
        assert_eq!(event.extra.get(key), Some(&body_value(&body)[key]), "{key}");
    }
    // The record still names itself.
    assert_eq!(event.record_id(), Some(TicketId::new(5)));
}

fn body_value(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap()
}

#[test]
fn bodies_that_are_not_deliveries_are_typed_errors_that_keep_the_body() {
    let cases: [(&[u8], &str); 9] = [
        (b"", "empty"),
        (b" \r\n\t", "empty"),
        (b"{\"ticket\": {\"id\": 1}", "not JSON"),
        (b"<html>Bad gateway</html>", "not JSON"),
        (b"{\"ticket\": {\"id\": 1}} trailing", "not JSON"),
        (b"42", "."),
        (b"[{\"ticket\": {\"id\": 1}}, 7]", "[1]"),
        (
            b"{\"ticket\": {\"id\": 1, \"status_id\": \"Open\"}}",
            "ticket.status_id",
        ),
        (
            b"[{}, {\"ticket\": {\"summary\": \"no id\"}}]",
            "[1].ticket",
        ),
    ];
    for (body, expected) in cases {
        let err = Delivery::<Ticket>::from_slice(body).expect_err(expected);
        assert_eq!(err.body(), body, "{expected}");
        let found = match err.kind() {
            DeliveryErrorKind::Empty => "empty",
            DeliveryErrorKind::NotJson { .. } => "not JSON",
            DeliveryErrorKind::Decode { path, .. } => path.as_str(),
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(found, expected, "{err}");
        assert_eq!(
            err.path(),
            matches!(err.kind(), DeliveryErrorKind::Decode { .. }).then_some(expected)
        );
    }
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    let deep = |depth: usize| "[".repeat(depth) + &"]".repeat(depth);
    for (body, complaint) in [
        // An array of arrays stops at its first element, which is no event.
        (deep(100_000), "at `[0]`"),
        (
            format!("{{\"x_unknown\": {}}}", deep(100_000)),
            "recursion limit",
        ),
        (
            format!("{{\"ticket\": {{\"id\": 1, \"x\": {}}}}}", deep(100_000)),
            "recursion limit",
        ),
    ] {
        let err = Delivery::<Ticket>::from_slice(body.as_bytes()).unwrap_err();
        assert!(err.to_string().contains(complaint), "{err}");
        assert_eq!(err.body().len(), body.len());
    }
    // Nesting within the limit is kept as sent.
    let body = format!("{{\"x_unknown\": {}}}", deep(100));
    let delivery = Delivery::<Ticket>::from_slice(body.as_bytes()).unwrap();
    let kept = serde_json::to_string(&delivery.events()[0].extra.get("x_unknown")).unwrap();
    assert_eq!(kept, deep(100));
}

#[test]
fn an_error_names_the_line_and_column_of_broken_json() {
    let err = Delivery::<Ticket>::from_slice(b"{\n  \"ticket\": {\"id\": 1,}\n}").unwrap_err();
    match err.kind() {
        DeliveryErrorKind::NotJson { line, column, .. } => assert_eq!((*line, *column), (2, 22)),
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("the webhook delivery is not JSON"),
        "{err}"
    );
}

#[test]
fn a_large_body_is_kept_whole_but_debug_shows_its_start() {
    let events: Vec<Value> = (0..2000).map(|i| status_changed(i, 1)).collect();
    let mut body = bytes(&Value::Array(events));
    body.push(b'x');
    let err = Delivery::<Ticket>::from_slice(&body).unwrap_err();
    assert_eq!(err.body().len(), body.len());
    let shown = format!("{err:?}");
    assert!(shown.len() < 1_000, "{} bytes of Debug", shown.len());
    assert!(
        shown.contains(&format!("body_len: {}", body.len())),
        "{shown}"
    );
}

#[test]
fn a_related_record_that_does_not_decode_names_its_path_and_keeps_its_json() {
    let body = bytes(&json!({"ticket": {"id": 1}, "action": {"id": 2, "ticket_id": "eleven"}}));
    let delivery = Delivery::<Ticket>::from_slice(&body).unwrap();
    let err = delivery.events()[0].related::<Action>().unwrap_err();
    assert_eq!(err.path(), Some("action.ticket_id"));
    assert_eq!(
        body_value(err.body()),
        json!({"id": 2, "ticket_id": "eleven"})
    );
}

/// A record of one's own, for a collection whose key is not guessed.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Contract {
    id: i32,
    #[serde(rename = "ref")]
    reference: Option<String>,
}

impl Resource for Contract {
    const PATH: &'static str = "ClientContract";
    const LIST: ListShape = ListShape::Wrapped("contracts");
    type Id = Id<Contract>;

    fn id(&self) -> Id<Contract> {
        Id::new(self.id)
    }
}

#[test]
fn a_key_can_be_named_and_other_collections_use_their_path_in_lower_case() {
    let body = bytes(&json!({"contract": {"id": 9, "ref": "C-9"}, "object_id": 9}));
    let named = Delivery::<Contract>::from_slice_at(&body, "contract").unwrap();
    assert_eq!(
        named.records().next().and_then(|c| c.reference.as_deref()),
        Some("C-9")
    );
    // Under the guessed key there is no record, but the event still names it.
    let guessed = Delivery::<Contract>::from_slice(&body).unwrap();
    assert_eq!(guessed.records().count(), 0);
    assert_eq!(guessed.events()[0].record_id(), Some(Id::new(9)));
    let body = bytes(&json!({"clientcontract": {"id": 4}}));
    let guessed = Delivery::<Contract>::from_slice(&body).unwrap();
    assert_eq!(guessed.events()[0].record_id(), Some(Id::new(4)));
}

// ------------------------------------------------------------ properties

/// Any JSON value, up to a small depth.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        "[ -~]{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "-1",
            "0",
            "21.0",
            "1900-01-01T00:00:00",
            "2024-02-30T25:00:00"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((envelope_key(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Keys a delivery holds, and some it does not.
fn envelope_key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id",
            "webhook_id",
            "notification_id",
            "escmsg_id",
            "event",
            "message",
            "object_id",
            "agent_id",
            "timestamp",
            "ticket",
            "action",
            "summary",
            "status_id",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

/// A generated event: its envelope, and a ticket with unknown fields or none.
fn event() -> impl Strategy<Value = (Value, Option<i32>)> {
    (
        prop::option::of(1..100_000i32),
        prop::option::of(1..100_000i32),
        prop::option::of("[ -~]{0,20}"),
        prop::option::of(0..1000i32),
        prop::collection::btree_map("x_[a-z]{1,6}", any_json(), 0..4),
    )
        .prop_map(|(ticket, object_id, name, notification, unknown)| {
            let mut event = Map::new();
            if let Some(id) = object_id {
                event.insert("object_id".into(), json!(id));
            }
            if let Some(name) = name {
                event.insert("event".into(), json!(name));
            }
            if let Some(n) = notification {
                event.insert("notification_id".into(), json!(n));
            }
            for (key, value) in &unknown {
                event.insert(key.clone(), value.clone());
            }
            if let Some(id) = ticket {
                let mut record = Map::new();
                record.insert("id".into(), json!(id));
                record.insert("summary".into(), json!(format!("ticket {id}")));
                for (key, value) in unknown {
                    record.insert(key, value);
                }
                event.insert("ticket".into(), Value::Object(record));
            }
            let expected = ticket.or(object_id);
            (Value::Object(event), expected)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_are_a_delivery_or_an_error_keeping_them(body in prop::collection::vec(any::<u8>(), 0..256)) {
        match Delivery::<Ticket>::from_slice(&body) {
            Ok(delivery) => prop_assert!(serde_json::from_slice::<Value>(&body).is_ok(), "{delivery:?}"),
            Err(err) => {
                prop_assert_eq!(err.body(), &body[..]);
                let _ = (err.to_string(), format!("{err:?}"));
            }
        }
    }

    #[test]
    fn arbitrary_json_is_a_delivery_of_its_events_or_an_error(value in any_json()) {
        let body = bytes(&value);
        match Delivery::<Ticket>::from_slice(&body) {
            Ok(delivery) => match &value {
                Value::Array(items) => {
                    prop_assert!(delivery.is_batched());
                    prop_assert_eq!(delivery.len(), items.len());
                }
                Value::Object(_) => prop_assert_eq!(delivery.len(), 1),
                other => prop_assert!(false, "{other} decoded as a delivery"),
            },
            Err(err) => {
                prop_assert_eq!(err.body(), &body[..]);
                let decodes = matches!(err.kind(), DeliveryErrorKind::Decode { .. });
                prop_assert!(decodes, "valid JSON reported as {:?}", err.kind());
            }
        }
    }

    #[test]
    fn generated_deliveries_decode_to_their_events(
        events in prop::collection::vec(event(), 0..6),
        batched in any::<bool>(),
    ) {
        let batched = batched || events.len() != 1;
        let values: Vec<Value> = events.iter().map(|(event, _)| event.clone()).collect();
        let body = if batched { bytes(&Value::Array(values.clone())) } else { bytes(&values[0]) };
        let delivery = Delivery::<Ticket>::from_slice(&body).map_err(|err| TestCaseError::fail(err.to_string()))?;
        prop_assert_eq!(delivery.is_batched(), batched);
        prop_assert_eq!(delivery.len(), events.len());
        for ((sent, expected), event) in events.iter().zip(delivery.iter()) {
            prop_assert_eq!(event.record_id().map(|id| id.get()), *expected);
            // Everything the event carried besides its envelope and record is in `extra`, as sent.
            for (key, value) in sent.as_object().into_iter().flatten() {
                if key.starts_with("x_") {
                    prop_assert_eq!(event.extra.get(key), Some(value));
                }
            }
            // And the ticket goes back exactly as it came.
            if let Some(ticket) = &event.record {
                prop_assert_eq!(&serde_json::to_value(ticket).unwrap(), &sent["ticket"]);
            }
        }
    }

    #[test]
    fn truncated_deliveries_are_errors_or_a_shorter_valid_body(
        events in prop::collection::vec(event(), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let values: Vec<Value> = events.into_iter().map(|(event, _)| event).collect();
        let body = bytes(&Value::Array(values));
        let cut = &body[..cut.index(body.len())];
        if let Err(err) = Delivery::<Ticket>::from_slice(cut) {
            prop_assert_eq!(err.body(), cut);
            let not_json = matches!(err.kind(), DeliveryErrorKind::Empty | DeliveryErrorKind::NotJson { .. });
            prop_assert!(not_json, "{:?}", err.kind());
        } else {
            prop_assert!(false, "a cut array decoded: {}", String::from_utf8_lossy(cut));
        }
    }
}
