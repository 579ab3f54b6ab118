//! Operations beyond records against the fake: raw requests to declared
//! paths (auth, retries, the 429 pause), SQL reports over the fake's tables
//! (rows into a struct, the scope they need) and attachments uploaded in
//! base64 and downloaded as files.

use std::time::Duration;

use base64::Engine;
use halopsa::runtime::{wire, ReportQuery};
use halopsa::{Error, RetryPolicy, TicketId};
use halopsa_e2e::{FakeClient, Fault};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::common::{bounded, fake, file_bytes, quick_retries};

// ---------------------------------------------------------------- raw requests

#[tokio::test]
async fn raw_requests_reach_declared_paths_with_the_clients_token() {
    bounded(20, async {
        let halo = fake(30).await;
        let client = halo.client();

        let page: Value = client
            .request(Method::GET, "Tickets")
            .query("pageinate", true)
            .query("page_size", 10)
            .decode()
            .await
            .expect("listed");
        assert_eq!(page["record_count"], 30);
        assert_eq!(page["tickets"].as_array().map(Vec::len), Some(10));

        let created: Value = client
            .request(Method::POST, "Tickets")
            .json(&json!([{"summary": "Raised raw", "client_id": 1}]))
            .decode()
            .await
            .expect("created");
        let id = created["id"].as_i64().expect("an id");
        assert_eq!(
            halo.record("Tickets", id).expect("stored")["summary"],
            "Raised raw"
        );

        // A revoked token is renewed and the request replayed, as for
        // generated calls.
        halo.revoke_tokens();
        let ticket: Value = client
            .request(Method::GET, &format!("Tickets/{id}"))
            .decode()
            .await
            .expect("after a fresh token");
        assert_eq!(ticket["summary"], "Raised raw");
        let counters = halo.counters();
        assert_eq!(counters.tokens_issued, 2);
        assert_eq!(counters.creates, 1);
    })
    .await;
}

#[tokio::test]
async fn a_raw_post_is_never_sent_twice_after_the_server_may_have_acted() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo
            .client_builder()
            .retry_policy(quick_retries())
            .build()
            .expect("valid");

        // The server saves the ticket, then fails: no retry may save it again.
        halo.inject(Fault::CommitThen500, 1, Some("Tickets"));
        let err = client
            .request(Method::POST, "Tickets")
            .json(&json!([{"summary": "Only once"}]))
            .send()
            .await
            .expect_err("HTTP 500");
        assert_eq!(err.status(), Some(500));
        assert_eq!(halo.counters().creates, 1);
        assert_eq!(halo.counters().requests_to("/api/Tickets"), 1);

        // A read is retried.
        halo.inject(Fault::Status(502), 1, Some("Tickets"));
        client
            .request(Method::GET, "Tickets/1")
            .send()
            .await
            .expect("retried");
        assert_eq!(halo.counters().requests_to("/api/Tickets/1"), 2);
    })
    .await;
}

#[tokio::test]
async fn a_429_to_a_raw_request_holds_back_every_request_of_the_client() {
    bounded(30, async {
        let halo = fake(10).await;
        let client = halo.client();
        let retry_after = Some(Duration::from_secs(1));
        halo.inject(Fault::TooManyRequests { retry_after }, 1, Some("Tickets/1"));

        let raw = tokio::spawn(client.request(Method::GET, "Tickets/1").send());
        while halo.calls().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        client
            .tickets()
            .get(TicketId::new(2))
            .await
            .expect("after the pause");
        raw.await.expect("task").expect("retried after the pause");

        let calls = halo.calls();
        let throttled = calls.iter().find(|c| c.status == 429).expect("the 429");
        let pause_end = throttled.at + Duration::from_millis(950);
        let during: Vec<&str> = calls
            .iter()
            .filter(|c| c.at > throttled.at && c.at < pause_end)
            .map(|c| c.path.as_str())
            .collect();
        assert!(during.is_empty(), "sent during the pause: {during:?}");
        assert_eq!(calls.len(), 3, "{calls:?}");
    })
    .await;
}

// ---------------------------------------------------------------- SQL reports

/// A report row, with Halo's loose numbers read leniently.
#[derive(Debug, Deserialize, PartialEq)]
struct TicketRow {
    id: i64,
    summary: String,
    #[serde(with = "wire::int")]
    client_id: Option<i32>,
}

#[tokio::test]
async fn a_sql_report_answers_what_the_listing_would() {
    bounded(20, async {
        let halo = fake(60).await;
        let client = halo.client();
        let first = client.tickets().get(TicketId::new(1)).await.expect("got");
        let owner = first.client_id.expect("a client").get();

        let sql = format!(
            "SELECT id, summary, client_id FROM FAULTS WHERE client_id = {owner} ORDER BY id"
        );
        let report = ReportQuery::new(&client, sql).await.expect("ran");
        assert_eq!(report.columns, ["id", "summary", "client_id"]);
        let rows: Vec<TicketRow> = report.into_rows().expect("rows fit the struct");

        let listed = client
            .tickets()
            .list()
            .client_id(owner)
            .collect()
            .await
            .expect("listed");
        let expected: Vec<TicketRow> = listed
            .iter()
            .map(|t| TicketRow {
                id: i64::from(t.id.get()),
                summary: t.summary.clone().unwrap_or_default(),
                client_id: Some(owner),
            })
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(rows, expected);

        // Halo's table names, TOP and the shortcut.
        let clients: Vec<Value> = ReportQuery::new(&client, "SELECT TOP 3 * FROM AREA")
            .rows()
            .await
            .expect("ran");
        assert_eq!(clients.len(), 3);
        assert!(clients[0].get("name").is_some(), "{}", clients[0]);
    })
    .await;
}

#[tokio::test]
async fn a_report_without_the_reporting_scope_is_refused_naming_it() {
    bounded(20, async {
        let halo = fake(5).await;
        let narrow = halo
            .client_builder()
            .scope("read:tickets edit:tickets")
            .build()
            .expect("valid");
        let err = ReportQuery::new(&narrow, "SELECT id FROM FAULTS")
            .await
            .expect_err("HTTP 403");
        assert_eq!(err.required_scope(), Some("read:reporting"), "{err:?}");
        assert!(err.to_string().contains("`read:reporting`"), "{err}");
        // The narrow token still does what it was issued for.
        narrow
            .tickets()
            .get(TicketId::new(1))
            .await
            .expect("read:tickets");

        let reporting = halo
            .client_builder()
            .scope("read:tickets read:reporting")
            .build()
            .expect("valid");
        let rows = ReportQuery::new(&reporting, "SELECT id FROM FAULTS")
            .await
            .expect("allowed");
        assert_eq!(rows.len(), 5);
    })
    .await;
}

#[tokio::test]
async fn a_report_the_database_refuses_says_why() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo.client();
        for (sql, says) in [
            ("SELECT nope FROM FAULTS", "Invalid column name 'nope'."),
            (
                "SELECT id FROM NOSUCHTABLE",
                "Invalid object name 'NOSUCHTABLE'.",
            ),
            (
                "SELECT id FROM FAULTS GROUP BY id",
                "Incorrect syntax near 'GROUP'.",
            ),
        ] {
            let err = ReportQuery::new(&client, sql).await.expect_err(sql);
            assert!(
                matches!(&err, Error::Report { message, .. } if message == says),
                "{sql}: {err:?}"
            );
        }
    })
    .await;
}

// ---------------------------------------------------------------- attachments

#[tokio::test]
async fn an_attachment_uploaded_in_base64_downloads_as_the_same_file() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo.client();
        let bytes = file_bytes();
        let uploaded: Value = client
            .request(Method::POST, "Attachment")
            .json(&json!([{
                "ticket_id": 1,
                "filename": "rapport d'été.pdf",
                "data_base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
            }]))
            .decode()
            .await
            .expect("uploaded");
        let id = uploaded["id"].as_i64().expect("an id");
        assert_eq!(uploaded["filesize"], bytes.len());
        let path = format!("Attachment/{id}");

        // Streamed to a Vec.
        let mut streamed = Vec::new();
        let info = client
            .request(Method::GET, &path)
            .download(&mut streamed)
            .await
            .expect("downloaded");
        assert!(streamed == bytes, "the same bytes");
        assert_eq!(info.size, bytes.len() as u64);
        assert_eq!(info.name.as_deref(), Some("rapport d'été.pdf"));
        assert_eq!(info.content_type.as_deref(), Some("application/pdf"));

        // Streamed to a file.
        let target = std::env::temp_dir().join(format!(
            "halopsa-e2e-download-{}-{id}.pdf",
            std::process::id()
        ));
        let mut file = tokio::fs::File::create(&target).await.expect("created");
        client
            .request(Method::GET, &path)
            .download(&mut file)
            .await
            .expect("downloaded");
        drop(file);
        let written = tokio::fs::read(&target).await.expect("read back");
        let _ = tokio::fs::remove_file(&target).await;
        assert!(written == bytes, "the same bytes on disk");

        // In memory, with its name.
        let held = client
            .request(Method::GET, &path)
            .file()
            .await
            .expect("got");
        assert_eq!(held.name.as_deref(), Some("rapport d'été.pdf"));
        assert!(held.bytes == bytes);

        let missing = client
            .request(Method::GET, "Attachment/999")
            .retry_policy(RetryPolicy::none())
            .bytes()
            .await
            .expect_err("no such attachment");
        assert!(missing.is_not_found(), "{missing:?}");
    })
    .await;
}
