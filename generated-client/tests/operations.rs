//! What each generated operation sends and reads, against a local wiremock
//! server: the path, query and body of get, delete, create, create_many,
//! update and patch; the query of a listing and the shapes of its pages; and
//! streams that page through a collection without dropping or repeating a
//! record.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{api_requests, client, mount_token, ticket_json, SECRET};
use futures::{StreamExt, TryStreamExt};
use halopsa::runtime::{ListShape, Resource, UnpagedListRequest};
use halopsa::{ClientId, Error, HaloClient, Id, NewTicket, Ticket, TicketId};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{
    bearer_token, body_json, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A server with a token endpoint for any number of clients.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    mount_token(&server, 1..).await;
    server
}

/// A Halo-like ticket list: `total` records, pages of at most `cap` whatever
/// was asked, honouring `page_no` unless `ignore_page_no`.
struct TicketPages {
    total: i64,
    cap: i64,
    reported_count: i64,
    ignore_page_no: bool,
}

impl Respond for TicketPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let param = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<i64>().ok())
        };
        let size = param("page_size").unwrap_or(self.cap).min(self.cap);
        let page = if self.ignore_page_no {
            1
        } else {
            param("page_no").unwrap_or(1)
        };
        let first = (page - 1) * size + 1;
        let items: Vec<Value> = (first..first + size)
            .filter(|id| *id <= self.total)
            .map(ticket_json)
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({ "record_count": self.reported_count, "tickets": items }))
    }
}

async fn mount_pages(server: &MockServer, pages: TicketPages) {
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(pages)
        .mount(server)
        .await;
}

/// A bare-array collection, declared the way the generator will.
#[derive(Debug, Deserialize)]
struct Status {
    id: Id<Status>,
    name: Option<String>,
}

impl Resource for Status {
    const PATH: &'static str = "Status";
    const LIST: ListShape = ListShape::Bare("statuses");
    type Id = Id<Status>;

    fn id(&self) -> Id<Self> {
        self.id
    }
}

// ---------------------------------------------------------------- get and delete

#[tokio::test]
async fn get_uses_the_id_path_segment_and_options() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets/12"))
        .and(query_param("includedetails", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(12)))
        .expect(1)
        .mount(&server)
        .await;

    let ticket = client(&server)
        .tickets()
        .get(TicketId::new(12))
        .include_details()
        .await
        .expect("get");
    assert_eq!(ticket.summary.as_deref(), Some("ticket 12"));
    server.verify().await;
}

#[tokio::test]
async fn delete_sends_the_reason_parameter_encoded() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("DELETE"))
        .and(path("/api/Tickets/12"))
        .and(query_param("reason", "duplicate & spam"))
        .respond_with(ResponseTemplate::new(200).set_body_string("OK, not JSON"))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .tickets()
        .delete(TicketId::new(12))
        .reason("duplicate & spam")
        .await
        .expect("delete");

    let requests = server.received_requests().await.expect("recording on");
    let query = requests.last().and_then(|r| r.url.query()).unwrap_or("");
    assert!(query.contains("reason=duplicate+%26+spam"), "{query}");
    server.verify().await;
}

#[test]
fn requests_are_static_and_send() {
    fn assert_static_send<T: Send + 'static>(_: &T) {}
    let client = HaloClient::builder()
        .base_url("https://example.halopsa.com")
        .client_id("id")
        .client_secret(SECRET)
        .build()
        .expect("valid configuration");
    let request = client.tickets().list();
    assert_static_send(&request);
    assert_static_send(&std::future::IntoFuture::into_future(request));
    let _shared: Arc<HaloClient> = Arc::new(client);
}

// ---------------------------------------------------------------- create

#[tokio::test]
async fn create_posts_a_one_element_array_and_accepts_an_object_reply() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path("/api/Tickets"))
        .and(bearer_token("tok-1"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!([{"summary": "Printer down", "x_unlisted": 2}]),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": 42, "summary": "Printer down", "x_unlisted": 2})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let new = NewTicket::new()
        .summary("Printer down")
        .field("x_unlisted", json!(2));

    let ticket = client(&server)
        .tickets()
        .create(&new)
        .await
        .expect("create");

    assert_eq!(ticket.id, TicketId::new(42));
    assert_eq!(ticket.summary.as_deref(), Some("Printer down"));
    assert_eq!(ticket.extra.get("x_unlisted"), Some(&json!(2)));
    server.verify().await;
}

#[tokio::test]
async fn create_accepts_a_one_element_array_reply() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([ticket_json(43)])))
        .mount(&server)
        .await;

    let ticket = client(&server)
        .tickets()
        .create(&NewTicket::default())
        .send()
        .await
        .expect("create");
    assert_eq!(ticket.id.get(), 43);
}

#[tokio::test]
async fn create_many_sends_chunks_and_returns_records_in_order() {
    let server = server().await;
    let next_id = AtomicUsize::new(100);
    Mock::given(method("POST"))
        .and(path("/api/Tickets"))
        .respond_with(move |request: &Request| {
            let body: Vec<Value> = serde_json::from_slice(&request.body).unwrap_or_default();
            let saved: Vec<Value> = body
                .into_iter()
                .map(|mut record| {
                    record["id"] = json!(next_id.fetch_add(1, Ordering::SeqCst));
                    record
                })
                .collect();
            // Halo answers a one-element POST with an object.
            match <[Value; 1]>::try_from(saved) {
                Ok([one]) => ResponseTemplate::new(201).set_body_json(one),
                Err(many) => ResponseTemplate::new(201).set_body_json(many),
            }
        })
        .mount(&server)
        .await;

    let new: Vec<NewTicket> = (0..5)
        .map(|n| NewTicket::new().summary(format!("n{n}")))
        .collect();
    let saved = client(&server)
        .tickets()
        .create_many(&new)
        .chunk_size(2)
        .await
        .unwrap();

    let summaries: Vec<_> = saved
        .iter()
        .map(|t| t.summary.clone().unwrap_or_default())
        .collect();
    assert_eq!(summaries, ["n0", "n1", "n2", "n3", "n4"]);
    let ids: Vec<i32> = saved.iter().map(|t| t.id.get()).collect();
    assert_eq!(ids, [100, 101, 102, 103, 104]);
    let sizes: Vec<usize> = api_requests(&server)
        .await
        .iter()
        .map(|r| {
            serde_json::from_slice::<Vec<Value>>(&r.body)
                .map(|v| v.len())
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(sizes, [2, 2, 1]);
}

// ---------------------------------------------------------------- update and patch

#[tokio::test]
async fn update_posts_the_record_with_its_id_and_unknown_fields() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path("/api/Tickets"))
        .and(body_json(
            json!([{"id": 12, "summary": "new", "custom": "kept"}]),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket_json(12)))
        .expect(1)
        .mount(&server)
        .await;
    let ticket: Ticket =
        serde_json::from_value(json!({"id": 12, "summary": "new", "custom": "kept"}))
            .expect("ticket");

    client(&server)
        .tickets()
        .update(&ticket)
        .await
        .expect("update");
    server.verify().await;
}

#[tokio::test]
async fn an_update_without_id_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);

    let err = halopsa::runtime::UpdateRequest::<Ticket>::new(&client, &json!({"summary": "x"}))
        .await
        .expect_err("no id");
    assert!(
        matches!(&err, Error::Encode { message } if message.contains("`id`")),
        "{err:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn read_modify_write_sends_back_everything_it_read() {
    let server = server().await;
    let original = json!({
        "id": 42,
        "summary": "Printer on fire",
        "client_id": 12,
        "estimate": 1.5,
        "datecreated": "2023-06-29T10:16:08.8378294Z",
        "customfields": [{"id": 3, "name": "CFDepartment", "value": "IT", "colour": "red"}],
        "some_unknown_field": {"nested": [1, 2, 3]},
        "another_unknown": "kept",
    });
    Mock::given(method("GET"))
        .and(path("/api/Tickets/42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(original.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/Tickets"))
        .respond_with(|request: &Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(body[0].clone())
        })
        .mount(&server)
        .await;

    let halo = client(&server);
    let mut ticket = halo.tickets().get(TicketId::new(42)).await.unwrap();
    assert_eq!(
        ticket
            .custom_field("CFDepartment")
            .and_then(|cf| cf.value.clone()),
        Some(json!("IT"))
    );
    ticket.summary = Some("Printer no longer on fire".into());
    halo.tickets().update(&ticket).await.unwrap();

    let sent: Value = serde_json::from_slice(&api_requests(&server).await[1].body).unwrap();
    let mut expected = original;
    expected["summary"] = json!("Printer no longer on fire");
    // The timestamp is re-encoded in UTC with its full precision kept.
    expected["datecreated"] = json!("2023-06-29T10:16:08.837829400Z");
    assert_eq!(sent, json!([expected]));
}

#[tokio::test]
async fn patch_sends_only_the_set_fields_and_explicit_nulls() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 7, "summary": "new"})))
        .mount(&server)
        .await;

    let saved = client(&server)
        .tickets()
        .patch(TicketId::new(7))
        .summary("new")
        .agent_id(halopsa::Clear)
        .field("_validate_updates", true)
        .send()
        .await
        .unwrap();

    assert_eq!(saved.summary.as_deref(), Some("new"));
    let body: Value = serde_json::from_slice(&api_requests(&server).await[0].body).unwrap();
    assert_eq!(
        body,
        json!([{"id": 7, "summary": "new", "agent_id": null, "_validate_updates": true}])
    );
}

// ---------------------------------------------------------------- one page of a listing

#[tokio::test]
async fn list_sends_exact_query_with_paging_and_list_filters() {
    let server = server().await;
    mount_pages(
        &server,
        TicketPages {
            total: 0,
            cap: 100,
            reported_count: 0,
            ignore_page_no: false,
        },
    )
    .await;

    client(&server)
        .tickets()
        .list()
        .client_id(ClientId::new(12))
        .status([1, 2, 3].map(halopsa::StatusId::new))
        .search("a&b=c #1 +ü")
        .order("dateoccurred")
        .order_desc()
        .page_no(2)
        .page_size(1000)
        .send()
        .await
        .unwrap();

    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].url.query(),
        Some(
            "client_id=12&status=1%2C2%2C3&search=a%26b%3Dc+%231+%2B%C3%BC&order=dateoccurred\
             &orderdesc=true&pageinate=true&page_no=2&page_size=100"
        )
    );
    // And the values round-trip exactly.
    let search = requests[0]
        .url
        .query_pairs()
        .find(|(k, _)| k == "search")
        .unwrap()
        .1;
    assert_eq!(search, "a&b=c #1 +ü");
}

#[tokio::test]
async fn list_clamps_page_size_and_sends_typed_filters() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .and(query_param("pageinate", "true"))
        .and(query_param("page_no", "3"))
        .and(query_param("page_size", "100"))
        .and(query_param("client_id", "12"))
        .and(query_param("open_only", "true"))
        .and(query_param("search", "a&b=c ü"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"record_count": 0, "tickets": []})),
        )
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .tickets()
        .list()
        .page_size(1000)
        .page_no(3)
        .client_id(Id::new(12))
        .open_only()
        // Set twice: the second value replaces the first.
        .search("first")
        .search("a&b=c ü")
        .await
        .expect("list");
    server.verify().await;
}

#[tokio::test]
async fn list_pages_and_reads_the_wrapped_shape_with_record_count() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .and(query_param("pageinate", "true"))
        .and(query_param("page_no", "1"))
        .and(query_param("page_size", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "record_count": 717,
            "tickets": [ticket_json(1), {"id": "2"}, {"id": 3.0}],
        })))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).tickets().list().send().await.expect("list");

    assert_eq!(page.record_count, Some(717));
    let ids: Vec<i32> = page.items.iter().map(|t| t.id.get()).collect();
    assert_eq!(ids, [1, 2, 3]);
    server.verify().await;
}

#[tokio::test]
async fn list_wrapper_holding_null_is_an_empty_page() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"record_count": 0, "tickets": null})),
        )
        .mount(&server)
        .await;

    let page = client(&server).tickets().list().await.expect("list");
    assert!(page.items.is_empty());
    assert_eq!(page.record_count, Some(0));
}

#[tokio::test]
async fn list_wrapper_without_its_key_is_a_decode_error() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"record_count": 3, "faults": []})),
        )
        .mount(&server)
        .await;

    let err = client(&server)
        .tickets()
        .list()
        .await
        .expect_err("must fail");
    // It says what it looked for and what the object held instead.
    assert!(
        matches!(&err, Error::Decode { message, .. }
            if message.contains("no list field `tickets`") && message.contains("`faults`")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_bare_collection_reads_an_object_under_its_key() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    // Some instances wrap lists documented as bare arrays.
    Mock::given(method("GET"))
        .and(path("/api/TicketType"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "record_count": 2,
            "tickettypes": [{"id": 1, "name": "Incident"}, {"id": 3, "name": "Service Request"}],
        })))
        .expect(1)
        .mount(&server)
        .await;

    let types = client(&server).ticket_types().list().await.expect("list");

    let names: Vec<_> = types.iter().filter_map(|t| t.name.as_deref()).collect();
    assert_eq!(names, ["Incident", "Service Request"]);
    server.verify().await;
}

#[tokio::test]
async fn unpaged_list_reads_a_bare_array_without_paging_params() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Status"))
        .and(query_param_is_missing("pageinate"))
        .and(query_param_is_missing("page_size"))
        .and(query_param("order", "name"))
        .and(query_param("orderdesc", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "name": "New"},
            {"id": 2.0, "name": "Closed"},
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let statuses = UnpagedListRequest::<Status>::new(&client)
        .order("name")
        .order_desc(true)
        .await
        .expect("list");

    assert_eq!(statuses.len(), 2);
    assert_eq!(statuses[1].id.get(), 2);
    assert_eq!(statuses[1].name.as_deref(), Some("Closed"));
    server.verify().await;
}

// ---------------------------------------------------------------- streams over every page

#[tokio::test]
async fn stream_pages_through_a_server_capping_at_100_when_1000_were_asked() {
    let server = server().await;
    mount_pages(
        &server,
        TicketPages {
            total: 250,
            cap: 100,
            reported_count: 250,
            ignore_page_no: false,
        },
    )
    .await;

    let ids: Vec<i32> = client(&server)
        .tickets()
        .list()
        .page_size(1000)
        .stream()
        .map_ok(|t| t.id.get())
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids, (1..=250).collect::<Vec<_>>());
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 3, "ends when record_count is reached");
    for (n, request) in requests.iter().enumerate() {
        let query = request.url.query().unwrap_or_default();
        assert!(
            query.contains(&format!("page_no={}&page_size=100", n + 1)),
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_null_list_is_an_empty_stream() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"record_count": 0, "tickets": null})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let all = client(&server).tickets().list().collect().await.unwrap();
    assert!(all.is_empty());
}

#[tokio::test]
async fn a_listing_that_ends_on_an_empty_page_before_its_count_says_so() {
    let server = server().await;
    mount_pages(
        &server,
        TicketPages {
            total: 230,
            cap: 100,
            reported_count: 300,
            ignore_page_no: false,
        },
    )
    .await;

    let results: Vec<Result<usize, Error>> = client(&server)
        .tickets()
        .list()
        .pages()
        .map_ok(|p| p.items.len())
        .collect()
        .await;
    assert_eq!(results.len(), 4, "three pages, then the error: {results:?}");
    assert_eq!(
        results[..3].iter().flatten().copied().collect::<Vec<_>>(),
        [100, 100, 30]
    );
    let err = results[3].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Incomplete {
                promised: 300,
                received: 230
            }
        ),
        "{err:?}"
    );
    assert_eq!(api_requests(&server).await.len(), 4);

    // Lenient: the same pages, no empty one yielded, and a summary.
    let pages: Vec<usize> = client(&server)
        .tickets()
        .list()
        .lenient()
        .pages()
        .map_ok(|p| p.items.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages, [100, 100, 30], "no empty page is yielded");
    let listing = client(&server)
        .tickets()
        .list()
        .lenient()
        .collect_with_summary()
        .await
        .unwrap();
    let summary = &listing.summary;
    assert_eq!((summary.promised, summary.received), (Some(300), 230));
    assert_eq!(summary.requests, 4);
    assert_eq!(summary.ids.len(), 230);
    assert!(!summary.is_complete());
}

#[tokio::test]
async fn a_server_repeating_a_page_ends_the_stream_with_an_error() {
    let server = server().await;
    mount_pages(
        &server,
        TicketPages {
            total: 1000,
            cap: 100,
            reported_count: 1000,
            ignore_page_no: true,
        },
    )
    .await;

    let results: Vec<Result<Ticket, Error>> =
        client(&server).tickets().list().stream().collect().await;

    assert_eq!(
        results.len(),
        101,
        "one page of records, then the error, then the end"
    );
    assert!(results[..100].iter().all(Result::is_ok));
    let err = results[100].as_ref().unwrap_err();
    assert!(matches!(err, Error::Paging { page_no: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("same records"), "{err}");
    assert_eq!(api_requests(&server).await.len(), 2);
}

#[tokio::test]
async fn prefetching_streams_the_same_records() {
    let server = server().await;
    mount_pages(
        &server,
        TicketPages {
            total: 345,
            cap: 100,
            reported_count: 345,
            ignore_page_no: false,
        },
    )
    .await;

    let ids: Vec<i32> = client(&server)
        .tickets()
        .list()
        .prefetch(2)
        .stream()
        .map_ok(|t| t.id.get())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, (1..=345).collect::<Vec<_>>());
    assert_eq!(api_requests(&server).await.len(), 4);
}
