//! The fake itself, over raw HTTP: Halo's paging and shapes, every spec
//! collection served, deterministic data, and no request that can break it.

use std::time::Duration;

use halopsa_codegen::model::Spec;
use halopsa_e2e::FakeHalo;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{bounded, fake};

fn spec() -> Spec {
    let text = include_str!("../../../spec/halopsa.yaml");
    halopsa_codegen::check("spec/halopsa.yaml", text).expect("the spec is valid")
}

/// A raw HTTP session with a token.
struct Raw {
    http: Client,
    base: String,
    token: String,
}

impl Raw {
    async fn new(halo: &FakeHalo) -> Raw {
        let http = Client::new();
        let reply: Value = http
            .post(format!(
                "{}/auth/token?tenant={}",
                halo.base_url(),
                halo.tenant()
            ))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", halo.client_id()),
                ("client_secret", halo.client_secret()),
                ("scope", "all"),
            ])
            .send()
            .await
            .expect("token response")
            .json()
            .await
            .expect("token JSON");
        let token = reply["access_token"].as_str().expect("a token").to_owned();
        Raw {
            http,
            base: halo.base_url().to_owned(),
            token,
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("an answer");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }
}

#[tokio::test]
async fn pages_exactly_like_halo() {
    bounded(20, async {
        let halo = fake(250).await;
        let raw = Raw::new(&halo).await;
        let (status, page) = raw
            .get("/api/Tickets?pageinate=true&page_size=1000&page_no=1")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["record_count"], json!(250));
        assert_eq!(
            page["tickets"].as_array().map(Vec::len),
            Some(100),
            "capped at 100"
        );

        let (_, last) = raw
            .get("/api/Tickets?pageinate=true&page_size=100&page_no=3")
            .await;
        assert_eq!(last["tickets"].as_array().map(Vec::len), Some(50));
        let (_, past) = raw
            .get("/api/Tickets?pageinate=true&page_size=100&page_no=4")
            .await;
        assert_eq!(past["tickets"], json!([]));
        assert_eq!(past["record_count"], json!(250));

        let (_, none) = raw.get("/api/Tickets?client_id=987654").await;
        assert_eq!(none, json!({ "record_count": 0, "tickets": null }));

        let (_, all) = raw.get("/api/Tickets").await;
        assert_eq!(
            all["tickets"].as_array().map(Vec::len),
            Some(250),
            "unpaged: all"
        );
        let (_, capped) = raw.get("/api/Tickets?count=7").await;
        assert_eq!(capped["tickets"].as_array().map(Vec::len), Some(7));

        let (status, _) = raw.get("/api/Tickets?pageinate=maybe").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    })
    .await;
}

/// Every collection of the spec answers its declared operations in its
/// declared shape, including entities added to the spec later.
#[tokio::test]
async fn every_spec_collection_is_served() {
    bounded(30, async {
        let halo = fake(20).await;
        let raw = Raw::new(&halo).await;
        let spec = spec();
        assert!(spec.entities.len() >= 7);
        for entity in &spec.entities {
            let path = format!("/api/{}", entity.path);
            let ops = entity.ops;
            if let Some(list) = entity.list.as_ref().filter(|_| ops.list) {
                let (status, body) = raw.get(&path).await;
                assert_eq!(status, StatusCode::OK, "{path}");
                let items = match &list.key {
                    Some(key) => body[key.as_str()].clone(),
                    None => body.clone(),
                };
                assert!(
                    items.as_array().is_some_and(|a| !a.is_empty()),
                    "{path}: {body}"
                );
            }
            if ops.get {
                // The first record's id: `1`, or a GUID where ids are text.
                let first = halo.record(&entity.path, 1).expect("seeded")["id"].clone();
                let shown = first
                    .as_str()
                    .map_or_else(|| first.to_string(), str::to_owned);
                let (status, body) = raw.get(&format!("{path}/{shown}")).await;
                assert_eq!(status, StatusCode::OK, "{path}/{shown}");
                assert_eq!(body["id"], first);
                let (status, _) = raw.get(&format!("{path}/999999")).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{path}/999999");
            }
            if ops.create {
                let (status, body) = raw
                    .call(
                        Method::POST,
                        &path,
                        Some(json!([{ "x_test_field": "kept" }])),
                    )
                    .await;
                assert_eq!(status, StatusCode::CREATED, "{path}: {body}");
                let saved_id = body["id"].clone();
                assert!(
                    saved_id.as_i64().is_some() || saved_id.as_str().is_some(),
                    "a one-element POST answers the object: {body}"
                );
                let stored = halo
                    .record_with_id(&entity.path, &saved_id)
                    .expect("stored");
                assert_eq!(stored["x_test_field"], json!("kept"));
                let id = saved_id
                    .as_str()
                    .map_or_else(|| saved_id.to_string(), str::to_owned);
                if ops.update {
                    let (status, body) = raw
                        .call(
                            Method::POST,
                            &path,
                            Some(json!([{ "id": saved_id, "x_test_field": "changed" }])),
                        )
                        .await;
                    assert_eq!(status, StatusCode::OK, "{path}: {body}");
                    assert_eq!(body["x_test_field"], json!("changed"));
                }
                if ops.delete {
                    let (status, _) = raw
                        .call(Method::DELETE, &format!("{path}/{id}"), None)
                        .await;
                    assert_eq!(status, StatusCode::OK, "{path}/{id}");
                    let (status, _) = raw.get(&format!("{path}/{id}")).await;
                    assert_eq!(status, StatusCode::NOT_FOUND, "{path}/{id} after delete");
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn posts_save_arrays_and_refuse_bad_elements_whole() {
    bounded(20, async {
        let halo = fake(5).await;
        let raw = Raw::new(&halo).await;
        let body = json!([{ "summary": "one" }, { "id": 2, "summary": "two" }]);
        let (status, saved) = raw.call(Method::POST, "/api/Tickets", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(saved.as_array().map(Vec::len), Some(2));
        assert_eq!(saved[0]["id"], json!(6));
        assert_eq!(saved[1]["summary"], json!("two"));

        let before = halo.records("Tickets");
        let body = json!([{ "summary": "three" }, { "id": 4242 }]);
        let (status, error) = raw.call(Method::POST, "/api/Tickets", Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(error.get("[1].id").is_some(), "{error}");
        assert_eq!(halo.records("Tickets"), before, "nothing saved");
    })
    .await;
}

#[tokio::test]
async fn actions_are_addressed_within_their_ticket() {
    bounded(20, async {
        let halo = fake(5).await;
        let raw = Raw::new(&halo).await;
        // Action 3 belongs to ticket 2 (seeded two per ticket).
        assert_eq!(
            raw.get("/api/Actions/3?ticket_id=2").await.0,
            StatusCode::OK
        );
        assert_eq!(
            raw.get("/api/Actions/3?ticket_id=1").await.0,
            StatusCode::NOT_FOUND
        );
        let (listed, body) = raw.get("/api/Actions?ticket_id=2").await;
        assert_eq!(listed, StatusCode::OK);
        assert_eq!(body["record_count"], json!(2));
        let wrong = raw
            .call(Method::DELETE, "/api/Actions/3?ticket_id=1", None)
            .await;
        assert_eq!(wrong.0, StatusCode::NOT_FOUND);
        let right = raw
            .call(Method::DELETE, "/api/Actions/3?ticket_id=2", None)
            .await;
        assert_eq!(right.0, StatusCode::OK);
        assert!(
            halo.record("Actions", 3).is_none(),
            "actions have no `deleted` flag"
        );
    })
    .await;
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    bounded(20, async {
        let a = FakeHalo::builder()
            .tickets(300)
            .seed(7)
            .start()
            .await
            .expect("a");
        let b = FakeHalo::builder()
            .tickets(300)
            .seed(7)
            .start()
            .await
            .expect("b");
        let c = FakeHalo::builder()
            .tickets(300)
            .seed(8)
            .start()
            .await
            .expect("c");
        for path in a.collections() {
            assert_eq!(a.records(&path), b.records(&path), "{path}");
        }
        assert_ne!(a.records("Tickets"), c.records("Tickets"));
    })
    .await;
}

#[tokio::test]
async fn rate_limited_answers_say_when_to_come_back_unless_told_not_to() {
    bounded(20, async {
        for send in [true, false] {
            let halo = FakeHalo::builder()
                .rate_limit(2, Duration::from_secs(30))
                .retry_after(send)
                .start()
                .await
                .expect("starts");
            let raw = Raw::new(&halo).await;
            for _ in 0..2 {
                assert_eq!(raw.get("/api/Tickets/1").await.0, StatusCode::OK);
            }
            let response = raw
                .http
                .get(format!("{}/api/Tickets/1", raw.base))
                .bearer_auth(&raw.token)
                .send()
                .await
                .expect("an answer");
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
            let header = response.headers().get("retry-after").cloned();
            assert_eq!(header.is_some(), send, "{header:?}");
            if let Some(wait) = header {
                let secs: u64 = wait.to_str().expect("ascii").parse().expect("seconds");
                assert!((29..=30).contains(&secs), "{secs}");
            }
            assert_eq!(halo.counters().rate_limited, 1);
            halo.set_rate_limit(None);
            assert_eq!(
                raw.get("/api/Tickets/1").await.0,
                StatusCode::OK,
                "limit lifted"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn the_token_endpoint_checks_grant_tenant_and_credentials() {
    bounded(20, async {
        let halo = fake(5).await;
        let http = Client::new();
        let token = |tenant: &str, grant: &str, secret: &str| {
            let request = http
                .post(format!("{}/auth/token?tenant={tenant}", halo.base_url()))
                .form(&[
                    ("grant_type", grant.to_owned()),
                    ("client_id", halo.client_id().to_owned()),
                    ("client_secret", secret.to_owned()),
                ]);
            async move {
                let response = request.send().await.expect("an answer");
                let status = response.status();
                (
                    status,
                    response.json::<Value>().await.unwrap_or(Value::Null),
                )
            }
        };
        let secret = halo.client_secret();
        let (status, body) = token("elsewhere", "client_credentials", secret).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["Message"]
            .as_str()
            .is_some_and(|m| m.contains("not found")));
        let (status, body) = token(halo.tenant(), "password", secret).await;
        assert_eq!(
            (status, &body["error"]),
            (StatusCode::BAD_REQUEST, &json!("unsupported_grant_type"))
        );
        let (status, body) = token(halo.tenant(), "client_credentials", "wrong").await;
        assert_eq!(
            (status, &body["error"]),
            (StatusCode::UNAUTHORIZED, &json!("invalid_client"))
        );
        let (status, body) = token(halo.tenant(), "client_credentials", secret).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["token_type"], json!("Bearer"));
        assert_eq!(body["expires_in"], json!(3600));
        assert_eq!(halo.counters().token_requests, 4);
        assert_eq!(halo.counters().tokens_issued, 1);

        let (status, info) = {
            let response = http
                .get(format!("{}/api/AuthInfo", halo.base_url()))
                .send()
                .await
                .expect("an answer");
            (
                response.status(),
                response.json::<Value>().await.expect("JSON"),
            )
        };
        assert_eq!(status, StatusCode::OK);
        assert_eq!(info["auth_url"], json!(format!("{}/auth", halo.base_url())));
    })
    .await;
}

/// Nothing a client sends makes the fake panic or stop answering.
#[tokio::test]
async fn garbage_never_breaks_the_server() {
    bounded(30, async {
        let halo = fake(20).await;
        let raw = Raw::new(&halo).await;
        let paths = [
            "/api/Tickets/abc",
            "/api/Tickets/99999999999999999999999",
            "/api/Tickets/-1",
            "/api/Tickets/%FF%FE",
            "/api/Tickets?page_no=18446744073709551615&page_size=0&pageinate=true",
            "/api/Tickets?page_no=-3&pageinate=true",
            "/api/Tickets?order=nonexistent&orderdesc=1&order2=summary&orderdesc2=banana",
            "/api/Tickets?client_id=abc&status=1,,x&ticketids=1,zz&startdate=not-a-date",
            "/api/Tickets?search=%00%FF&datesearch=nope&lastupdatefromdate=2024-01-01",
            "/api/Tickets/1?ticketidonly=maybe",
            "/api/Actions/1?ticket_id=notanumber",
            "/api/Nothing/Here",
            "/api/",
            "/",
        ];
        for path in paths {
            let (status, _) = raw.get(path).await;
            assert!(!status.is_server_error(), "{path}: {status}");
        }
        let bodies = [
            "",
            "null",
            "{}",
            "[]",
            "[1,2]",
            "[[]]",
            "[{\"id\": \"x\"}]",
            "[{\"id\": 1e308}]",
            "[{\"id\": -5, \"summary\": {\"deep\": [1, {\"x\": null}]}}]",
            "{{{{",
            "\u{0}",
        ];
        for body in bodies {
            let response = raw
                .http
                .post(format!("{}/api/Tickets", raw.base))
                .bearer_auth(&raw.token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("an answer");
            assert!(
                !response.status().is_server_error(),
                "{body:?}: {}",
                response.status()
            );
        }
        // Not HTTP at all, then a half-sent request.
        for junk in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET /api/Tickets HTTP/1.1\r\nHost: x\r\nContent-Le",
        ] {
            let mut socket = tokio::net::TcpStream::connect(halo.addr())
                .await
                .expect("connects");
            socket.write_all(junk).await.expect("sent");
            socket.shutdown().await.expect("half-closed");
            let mut answer = Vec::new();
            let _ =
                tokio::time::timeout(Duration::from_secs(2), socket.read_to_end(&mut answer)).await;
        }
        let (status, _) = raw.get("/api/Tickets/1").await;
        assert_eq!(status, StatusCode::OK, "still serving");
    })
    .await;
}
