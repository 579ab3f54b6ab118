//! What a failed call returns, against a local wiremock server: error bodies
//! of every shape Halo sends become `Error::Api` with their message, field
//! details, status and raw body, and the helpers classify them; a success
//! body that does not decode is `Error::Decode` naming the JSON path, the
//! field or the content type; a refused connection is a transport error.

mod common;

use common::{
    builder, client, decode_ticket, fast_retries, mount_get, mount_token, ms, refused_base_url,
    ticket_json, SECRET,
};
use halopsa::{Error, HaloClient, RetryPolicy, StaticToken, TicketId};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What a proxy in front of Halo may answer instead of JSON.
const LOGIN_PAGE: &str =
    "<!DOCTYPE html><html><head><title>Proxy login</title></head><body><form>…</form></body></html>";

// ---------------------------------------------------------------- error bodies

#[tokio::test]
async fn api_error_bodies_of_every_known_shape_decode() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    // (body, expected message, expected field errors)
    type Details = Vec<(&'static str, &'static str)>;
    let cases: Vec<(serde_json::Value, &str, Details)> = vec![
        (
            json!({"ClassName": "HaloException", "Message": "Ticket is locked"}),
            "Ticket is locked",
            vec![],
        ),
        (
            json!({"resultCode": 4, "errorMessage": "No permission"}),
            "No permission",
            vec![],
        ),
        (json!({"Message": "Bad id"}), "Bad id", vec![]),
        (json!({"message": "lower case"}), "lower case", vec![]),
        (json!({"error": "bad_request"}), "bad_request", vec![]),
        (
            json!({"error": "validation", "message": "Invalid ticket",
                   "details": [{"field": "summary", "message": "required"}]}),
            "Invalid ticket",
            vec![("summary", "required")],
        ),
        (
            json!({"[0].id": "The id is not valid"}),
            "[0].id: The id is not valid",
            vec![("[0].id", "The id is not valid")],
        ),
        (json!("a bare JSON string"), "a bare JSON string", vec![]),
    ];
    for (i, (body, _, _)) in cases.iter().enumerate() {
        mount_get(
            &server,
            i as i64,
            ResponseTemplate::new(400).set_body_json(body),
        )
        .await;
    }
    let client = client(&server);

    for (i, (body, message, details)) in cases.iter().enumerate() {
        let err = client
            .tickets()
            .get(TicketId::new(i as i32))
            .await
            .expect_err("400");
        assert_eq!(err.status(), Some(400));
        assert!(!err.is_retryable());
        assert_eq!(err.body(), Some(body.to_string().as_str()));
        match err {
            Error::Api {
                message: got,
                details: got_details,
                ..
            } => {
                assert_eq!(got, *message, "case {i}");
                let got_details: Vec<(&str, &str)> = got_details
                    .iter()
                    .map(|d| (d.field.as_str(), d.message.as_str()))
                    .collect();
                assert_eq!(got_details, *details, "case {i}");
            }
            other => panic!("case {i}: expected Error::Api, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn plain_text_and_html_error_bodies_are_kept() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let html = "<!DOCTYPE html><html><head><title>500 - Internal server error.</title></head>\
                <body><h1>Server Error</h1></body></html>";
    mount_get(&server, 1, ResponseTemplate::new(500).set_body_string(html)).await;
    mount_get(
        &server,
        2,
        ResponseTemplate::new(403).set_body_string("  Access denied  "),
    )
    .await;
    let client = client(&server);

    let err = client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("500");
    assert!(err.is_retryable());
    assert_eq!(err.body(), Some(html));
    assert!(
        matches!(&err, Error::Api { status: 500, message, .. } if message == "500 - Internal server error."),
        "{err:?}"
    );

    let err = client
        .tickets()
        .get(TicketId::new(2))
        .await
        .expect_err("403");
    // Tickets are read under `read:tickets`: the 403 names it, and keeps
    // what the server said.
    assert!(
        matches!(&err, Error::MissingScope { scope: "read:tickets", message, .. } if message == "Access denied"),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.body(), Some("  Access denied  "));
}

#[tokio::test]
async fn error_helpers_classify_api_errors() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let cases = [
        (
            400,
            json!({"error": "validation", "message": "Invalid ticket",
                   "details": [{"field": "summary", "message": "required"}]}),
        ),
        (403, json!({"Message": "No permission to view tickets"})),
        (
            404,
            json!({"ClassName": "NotFound", "Message": "Ticket 3 not found"}),
        ),
    ];
    for (i, (status, body)) in cases.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/api/Tickets/{i}")))
            .respond_with(ResponseTemplate::new(*status).set_body_json(body))
            .mount(&server)
            .await;
    }
    let client = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid configuration");
    let get = |i: i32| client.tickets().get(TicketId::new(i));

    let err = get(0).await.expect_err("400");
    assert!(err.is_bad_request() && !err.is_retryable());
    assert_eq!(err.details().len(), 1);
    assert_eq!(err.details()[0].field, "summary");
    let err = get(1).await.expect_err("403");
    assert!(err.is_forbidden() && !err.is_not_found());
    assert!(err.to_string().contains("No permission"), "{err}");
    let err = get(2).await.expect_err("404");
    assert!(err.is_not_found() && !err.is_server_error());
    assert_eq!(err.body(), Some(cases[2].1.to_string().as_str()));
    assert_eq!(err.retry_after(), None);
    assert!(matches!(err, Error::Api { status: 404, .. }));
}

// ---------------------------------------------------------------- success bodies that do not decode

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_its_path() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"record_count": 2, "tickets": [{"id": 1}, {"id": 2, "summary": "x",]}"#,
        ))
        .mount(&server)
        .await;
    mount_get(
        &server,
        9,
        ResponseTemplate::new(200).set_body_json(json!({"id": 9, "summary": 12})),
    )
    .await;
    let client = client(&server);

    let err = client.tickets().list().await.expect_err("bad JSON");
    match &err {
        Error::Decode { path, snippet, .. } => {
            assert_eq!(
                path, "tickets[1].?",
                "the key after the stray comma is unreadable"
            );
            assert!(snippet.starts_with(r#"{"record_count": 2"#));
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    let err = client
        .tickets()
        .get(TicketId::new(9))
        .await
        .expect_err("bad type");
    assert!(
        matches!(&err, Error::Decode { path, message, .. }
            if path == "summary" && message.contains("invalid type")),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_values_in_a_list_report_the_item_and_field() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/Tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "record_count": 3,
            "tickets": [{"id": 1}, {"id": 2, "datecreated": "yesterday"}, {"id": 1.5}],
        })))
        .mount(&server)
        .await;

    let err = client(&server)
        .tickets()
        .list()
        .await
        .expect_err("bad date");
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "tickets[1].datecreated");
            assert!(message.contains("yesterday"), "{message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn undecodable_values_are_errors_naming_the_field() {
    let cases = [
        (json!({"id": 1, "priority_id": "high"}), "priority_id"),
        (json!({"id": 1, "priority_id": 2.5}), "priority_id"),
        (
            json!({"id": 1, "priority_id": 3_000_000_000_i64}),
            "priority_id",
        ),
        (json!({"id": 1, "client_id": "acme"}), "client_id"),
        (json!({"id": 1, "estimate": "soon"}), "estimate"),
        (json!({"id": 1, "datecreated": "yesterday"}), "datecreated"),
        (json!({"id": 1, "summary": 5}), "summary"),
        (
            json!({"id": 1, "customfields": {"not": "a list"}}),
            "customfields",
        ),
        (json!({"summary": "no id"}), "id"),
    ];
    for (body, field) in cases {
        let err = decode_ticket(body.clone()).await.unwrap_err();
        match &err {
            Error::Decode { path, message, .. } => assert!(
                path.contains(field) || message.contains(field),
                "{body}: path `{path}`, message `{message}` should name `{field}`"
            ),
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn markup_in_a_success_response_names_its_content_type() {
    let client_of = |server: &MockServer| {
        HaloClient::builder()
            .base_url(server.uri())
            .token_source(StaticToken::new("static-token"))
            .build()
            .expect("valid configuration")
    };
    let login_page = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(LOGIN_PAGE, "text/html"))
        .mount(&login_page)
        .await;
    let err = client_of(&login_page)
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("a login page");
    match err {
        Error::Decode {
            message, snippet, ..
        } => {
            assert!(
                message.contains("text/html") && message.contains("Proxy login"),
                "{message}"
            );
            assert!(snippet.starts_with("<!DOCTYPE html>"), "{snippet}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    // JSON under a wrong label still decodes.
    let mislabelled = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(ticket_json(1).to_string(), "text/html"),
        )
        .mount(&mislabelled)
        .await;
    client_of(&mislabelled)
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect("JSON labelled as HTML");
}

// ---------------------------------------------------------------- no answer

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    let client = HaloClient::builder()
        .base_url(refused_base_url())
        .client_id("id")
        .client_secret(SECRET)
        .timeout(ms(5_000))
        .retry_policy(fast_retries())
        .build()
        .expect("valid configuration");

    let err = client
        .tickets()
        .get(TicketId::new(1))
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(!format!("{err} {err:?}").contains(SECRET));
}
