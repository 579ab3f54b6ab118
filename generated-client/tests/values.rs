//! How field values read and write: ids, numbers, dates and date-times
//! decode leniently from every form Halo sends, but never silently; Halo's
//! placeholders (`-1` and `0` for no record, 1900-01-01 and the OLE zero
//! date for no date) read as unset and go back as they came; unknown fields
//! survive a round trip; query values have their wire text.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{client, decode_ticket, mount_token};
use halopsa::runtime::wire;
use halopsa::{Ticket, TicketId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------- ids, numbers and placeholders

#[test]
fn ids_decode_leniently_but_never_silently() {
    let id = |text: &str| serde_json::from_str::<TicketId>(text);
    assert_eq!(id("21").expect("integer").get(), 21);
    assert_eq!(id("21.0").expect("integral float").get(), 21);
    assert_eq!(id(r#""130""#).expect("numeric string").get(), 130);
    assert_eq!(id("-1").expect("negative").get(), -1);
    for bad in [
        "1.5",
        "3000000000",
        r#""abc""#,
        r#""""#,
        "true",
        "null",
        "{}",
    ] {
        assert!(id(bad).is_err(), "{bad} must not decode");
    }
    assert_eq!(
        serde_json::to_string(&TicketId::new(21)).expect("encode"),
        "21"
    );
    assert_eq!(TicketId::new(21).to_string(), "21");
    assert_eq!(format!("{:?}", TicketId::from(21)), "21");
}

#[tokio::test]
async fn loose_numbers_dates_and_sentinels_decode() {
    let ticket = decode_ticket(json!({
        "id": "1",
        "client_id": 21.0,
        "site_id": "130",
        "user_id": -1,
        "priority_id": "4",
        "estimate": "2.5",
        "timetaken": 3,
        "dateoccurred": "2023-06-29T10:16:08.8378294",
        "datecreated": "1900-01-01T00:00:00",
        "deadlinedate": "2024-02-01T09:00:00+01:00",
    }))
    .await
    .unwrap();

    assert_eq!(ticket.id.get(), 1);
    assert_eq!(ticket.client_id.map(|id| id.get()), Some(21));
    assert_eq!(ticket.site_id.map(|id| id.get()), Some(130));
    assert_eq!(ticket.user_id, None, "-1 means no reference");
    assert_eq!(ticket.priority_id, Some(4));
    assert_eq!(ticket.estimate, Some(2.5));
    assert_eq!(ticket.timetaken, Some(3.0));
    assert_eq!(
        ticket.dateoccurred.map(|d| d.to_rfc3339()),
        Some("2023-06-29T10:16:08.837829400+00:00".into())
    );
    assert_eq!(ticket.datecreated, None, "1900-01-01 means no date");
    assert_eq!(
        ticket.deadlinedate.map(|d| d.to_rfc3339()),
        Some("2024-02-01T08:00:00+00:00".into())
    );
}

#[test]
fn query_values_have_their_wire_text() {
    use halopsa::runtime::QueryValue;
    let at = Utc
        .with_ymd_and_hms(2024, 2, 29, 23, 5, 0)
        .single()
        .expect("valid date");
    assert_eq!(vec![1, 4].to_query(), "1,4");
    assert_eq!(vec![TicketId::new(7), TicketId::new(9)].to_query(), "7,9");
    assert_eq!(vec!["a b", "c"].to_query(), "a b,c");
    // A text id (a role's) as written: filters by a record keyed by text.
    let role = halopsa::RoleId::new("5e6f7a8b-0000-4000-8000-000000000001");
    assert_eq!(role.to_query(), "5e6f7a8b-0000-4000-8000-000000000001");
    assert_eq!(true.to_query(), "true");
    assert_eq!(2.5f64.to_query(), "2.5");
    assert_eq!(at.to_query(), "2024-02-29T23:05:00Z");
    assert_eq!(at.date_naive().to_query(), "2024-02-29");
}

// ---------------------------------------------------------------- dates

/// A caller's own struct, reading its dates through the `wire` helpers.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Dated {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::datetime"
    )]
    at: Option<chrono::DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "wire::date")]
    on: Option<NaiveDate>,
}

fn dated(json: serde_json::Value) -> Result<Dated, serde_json::Error> {
    serde_json::from_value(json)
}

#[test]
fn datetimes_decode_leniently() {
    let at = |text: &str| dated(json!({ "at": text })).map(|d| d.at);
    let expected = Utc
        .with_ymd_and_hms(2023, 6, 29, 10, 16, 8)
        .single()
        .expect("valid date")
        + chrono::Duration::nanoseconds(837_829_400);

    assert_eq!(
        at("2023-06-29T10:16:08.8378294Z").expect("7 digits, Z"),
        Some(expected)
    );
    assert_eq!(
        at("2023-06-29T10:16:08.8378294").expect("no offset"),
        Some(expected)
    );
    assert_eq!(
        at("2023-06-29T12:16:08.8378294+02:00").expect("offset"),
        Some(expected)
    );
    assert!(at("2023-06-29T10:16:08.837829412345Z")
        .expect("many digits")
        .is_some());
    assert_eq!(at("1900-01-01T00:00:00").expect("sentinel"), None);
    assert_eq!(
        at("1900-01-01T00:00:00.000Z").expect("sentinel, fraction"),
        None
    );
    assert_eq!(at("").expect("empty"), None);
    assert_eq!(dated(json!({ "at": null })).expect("null").at, None);
    assert_eq!(dated(json!({})).expect("missing").at, None);

    let err = at("next tuesday").expect_err("garbage");
    assert!(err.to_string().contains("next tuesday"), "{err}");
    assert!(dated(json!({ "at": 12 })).is_err());
}

#[test]
fn dates_decode_leniently_and_both_encode_canonically() {
    let on = |text: &str| dated(json!({ "on": text })).map(|d| d.on);
    let june = NaiveDate::from_ymd_opt(2023, 6, 29);
    assert_eq!(on("2023-06-29").expect("date"), june);
    assert_eq!(on("2023-06-29T23:30:00-05:00").expect("datetime"), june);
    assert_eq!(on("1900-01-01T00:00:00").expect("sentinel"), None);
    assert!(on("29/06/2023").is_err());

    let value = Dated {
        at: Utc.with_ymd_and_hms(2023, 6, 29, 10, 16, 8).single(),
        on: june,
    };
    let encoded = serde_json::to_value(&value).expect("encode");
    assert_eq!(
        encoded,
        json!({"at": "2023-06-29T10:16:08Z", "on": "2023-06-29"})
    );
    assert_eq!(dated(encoded).expect("round trip"), value);
    assert_eq!(
        serde_json::to_value(Dated { at: None, on: None }).expect("encode"),
        json!({})
    );
}

#[tokio::test]
async fn ticket_datetimes_decode_through_the_api() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "record_count": 2,
            "tickets": [
                {"id": 1, "datecreated": "2023-06-29T10:16:08.8378294"},
                {"id": 2, "datecreated": "1900-01-01T00:00:00"},
            ],
        })))
        .mount(&server)
        .await;

    let page = client(&server).tickets().list().await.expect("list");
    assert_eq!(
        page.items[0].datecreated.map(|d| d.date_naive()),
        NaiveDate::from_ymd_opt(2023, 6, 29)
    );
    assert_eq!(page.items[1].datecreated, None);
}

#[test]
fn a_bad_date_names_the_value_before_what_was_expected() {
    let err = serde_json::from_value::<Ticket>(json!({"id": 1, "datecreated": "31/12/2024"}))
        .unwrap_err()
        .to_string();
    let value = err.find("`31/12/2024`").expect("names the value");
    let example = err.find("2023-06-29T10:16:08Z").expect("gives an example");
    assert!(value < example, "{err}");
    assert!(err.contains("is not a valid date-time"), "{err}");
}

// ---------------------------------------------------------------- records

#[test]
fn records_round_trip_with_unknown_fields() {
    let original = json!({
        "id": 5,
        "summary": "s",
        "client_id": 3,
        "tags": [{"id": 1, "text": "vip", "colour": "gold"}],
        "customfields": [{"id": 9, "name": "CFx", "value": 12.5, "display": "12.5", "extra_key": true}],
        "unknown_scalar": 1,
        "unknown_object": {"a": [null, "b"]},
        "user_id": -1,
        "datecreated": "1900-01-01T00:00:00",
        "estimate": "",
    });
    let mut ticket: Ticket = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(
        (ticket.user_id, ticket.datecreated, ticket.estimate),
        (None, None, None)
    );
    // Placeholders are kept, as sent, so that nothing changes on the way back.
    assert_eq!(serde_json::to_value(&ticket).unwrap(), original);

    // Once a field has a value, it replaces its placeholder.
    ticket.user_id = Some(halopsa::UserId::new(8));
    let sent = serde_json::to_value(&ticket).unwrap();
    assert_eq!(sent["user_id"], json!(8));
    let text = serde_json::to_string(&ticket).unwrap();
    assert_eq!(text.matches("\"user_id\"").count(), 1, "{text}");
}

/// `0` in a reference and the OLE automation zero date are placeholders:
/// `None`, kept and sent back as they came, like `-1` and 1900-01-01.
#[test]
fn zero_references_and_the_ole_zero_date_read_as_unset_and_survive_a_write() {
    let original = json!({
        "id": 7,
        "user_id": 0,
        "agent_id": 0.0,
        "priority_id": 0,
        "reviewed_date": "1899-12-30T00:00:00",
        "auditdate": "1899-12-30T00:00:00Z",
        "dateclosed": "1899-12-30T09:30:00",
    });
    let ticket: Ticket = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(
        (ticket.user_id, ticket.agent_id),
        (None, None),
        "0 is no record"
    );
    assert_eq!(ticket.priority_id, Some(0), "a plain number keeps its 0");
    assert_eq!((ticket.reviewed_date, ticket.auditdate), (None, None));
    assert!(
        ticket.dateclosed.is_some(),
        "only midnight is the placeholder"
    );
    let mut sent = serde_json::to_value(&ticket).unwrap();
    // Kept as Halo's canonical `0`, exactly as `-1` is.
    assert_eq!(sent["agent_id"], json!(0));
    sent["agent_id"] = json!(0.0);
    assert_eq!(sent["dateclosed"], json!("1899-12-30T09:30:00Z"));
    sent["dateclosed"] = original["dateclosed"].clone();
    assert_eq!(sent, original);
}

#[test]
fn records_and_their_unknown_fields_can_be_shared_across_tasks() {
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<Ticket>();
    shared::<halopsa::runtime::Extra>();
    shared::<halopsa::Page<Ticket>>();
}
