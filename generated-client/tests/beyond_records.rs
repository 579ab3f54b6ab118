//! Calls beyond records, against a local wiremock server (and, for
//! broken downloads, a hand-written one): raw requests, files and SQL
//! reports go through the same token, retries, pause, error decoding,
//! redaction and size limit as generated calls.

mod common;

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use common::{client, fast_retries, hits, mount_token, ms, Sequence};
use halopsa::runtime::ReportQuery;
use halopsa::{Error, HaloClient, Multipart, StaticToken, TicketId};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "static-token-0123456789";

fn static_client(base_url: &str) -> HaloClient {
    HaloClient::builder()
        .base_url(base_url)
        .token_source(StaticToken::new(TOKEN))
        .retry_policy(fast_retries())
        .build()
        .expect("valid configuration")
}

async fn mount(server: &MockServer, verb: &str, at: &str, response: impl Respond + 'static) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn a_raw_request_carries_the_token_and_is_replayed_once_after_a_401() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    mount(
        &server,
        "GET",
        "/api/Agent/me",
        Sequence::new(vec![
            ResponseTemplate::new(401),
            ResponseTemplate::new(200).set_body_json(json!({"id": 3, "name": "Ann"})),
        ]),
    )
    .await;

    let me: Value = client(&server)
        .request(Method::GET, "Agent/me")
        .query("includedetails", true)
        .query("search", "a&b=c")
        .decode()
        .await
        .expect("replayed with a fresh token");

    assert_eq!(me["name"], "Ann");
    let calls: Vec<Request> = requests(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path() == "/api/Agent/me")
        .collect();
    let tokens: Vec<&str> = calls.iter().map(|r| header(r, "authorization")).collect();
    assert_eq!(tokens, ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(
        calls[0].url.query(),
        Some("includedetails=true&search=a%26b%3Dc")
    );
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn reads_are_retried_and_posts_only_when_the_server_cannot_have_acted() {
    let server = MockServer::start().await;
    let flaky = || {
        Sequence::new(vec![
            ResponseTemplate::new(500),
            ResponseTemplate::new(200).set_body_json(json!({"ok": true})),
        ])
    };
    mount(&server, "GET", "/api/Read", flaky()).await;
    mount(&server, "POST", "/api/Idempotent", flaky()).await;
    for status in [500, 502, 504] {
        mount(
            &server,
            "POST",
            &format!("/api/Create{status}"),
            ResponseTemplate::new(status),
        )
        .await;
    }
    mount(
        &server,
        "POST",
        "/api/Busy",
        Sequence::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(200).set_body_json(json!({"ok": true})),
        ]),
    )
    .await;
    let halo = static_client(&server.uri());

    halo.request(Method::GET, "Read")
        .send()
        .await
        .expect("retried");
    assert_eq!(hits(&server, "/api/Read").await, 2);

    for status in [500, 502, 504] {
        let at = format!("Create{status}");
        let err = halo
            .request(Method::POST, &at)
            .json(&json!([{"summary": "once"}]))
            .send()
            .await
            .expect_err("not retried");
        assert_eq!(err.status(), Some(status));
        assert_eq!(hits(&server, &format!("/api/{at}")).await, 1, "{at}");
    }

    halo.request(Method::POST, "Busy")
        .json(&json!([{}]))
        .send()
        .await
        .expect("a 503 proves nothing was done");
    assert_eq!(hits(&server, "/api/Busy").await, 2);

    halo.request(Method::POST, "Idempotent")
        .json(&json!([{"id": 4, "summary": "same again"}]))
        .idempotent(true)
        .send()
        .await
        .expect("marked safe to repeat");
    assert_eq!(hits(&server, "/api/Idempotent").await, 2);
}

#[tokio::test]
async fn a_429_to_a_raw_request_pauses_every_request_of_the_client() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/Slow",
        Sequence::new(vec![
            ResponseTemplate::new(429),
            ResponseTemplate::new(200).set_body_json(json!({})),
        ]),
    )
    .await;
    mount(
        &server,
        "GET",
        "/api/Tickets/2",
        ResponseTemplate::new(200).set_body_json(json!({"id": 2})),
    )
    .await;
    let halo = HaloClient::builder()
        .base_url(server.uri())
        .token_source(StaticToken::new(TOKEN))
        .retry_policy(fast_retries().rate_limit_backoff(ms(600), ms(600)))
        .build()
        .expect("valid configuration");

    let started = Instant::now();
    let first = tokio::spawn(halo.request(Method::GET, "Slow").send());
    while hits(&server, "/api/Slow").await == 0 {
        tokio::time::sleep(ms(5)).await;
    }
    tokio::time::sleep(ms(30)).await;
    let second_started = Instant::now();
    halo.tickets()
        .get(TicketId::new(2))
        .await
        .expect("after the pause");
    let second = second_started.elapsed();
    first.await.expect("task").expect("retried");

    // A 429 without Retry-After waits between 300 and 600 ms here.
    assert!(started.elapsed() >= ms(300), "{:?}", started.elapsed());
    assert!(
        second >= ms(100),
        "the generated call did not wait: {second:?}"
    );
    assert_eq!(hits(&server, "/api/Slow").await, 2);
}

// ---------------------------------------------------------------- what may be sent

#[tokio::test]
async fn paths_not_plainly_under_the_api_base_are_refused_before_sending() {
    let server = MockServer::start().await;
    let halo = static_client(&server.uri());
    for bad in [
        "",
        "Tickets/../Agent",
        "./Tickets",
        "Tickets/%2e%2e/%2E%2e/auth/token",
        "https://evil.example/api/Tickets",
        "//evil.example/api",
        "/api/Tickets",
        "Tickets?id=1",
        "Tickets#top",
        "Tickets\\..\\Agent",
    ] {
        for verb in [Method::GET, Method::POST] {
            let err = halo.request(verb, bad).send().await.expect_err("refused");
            assert!(matches!(err, Error::Config { .. }), "{bad}: {err:?}");
        }
        let mut sink = Vec::new();
        let err = halo
            .request(Method::GET, bad)
            .download(&mut sink)
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::Config { .. }), "{bad}: {err:?}");
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_segment_is_one_path_segment_whatever_it_holds() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/Roles/Help%20desk%20%2F%20L1%3F",
        ResponseTemplate::new(200).set_body_json(json!({"name": "Help desk / L1?"})),
    )
    .await;
    let halo = static_client(&server.uri());
    let request = halo
        .request(Method::GET, "Roles")
        .segment("Help desk / L1?")
        .query("includedetails", true);
    assert_eq!(
        request.url().expect("a plain path").as_str(),
        format!(
            "{}/api/Roles/Help%20desk%20%2F%20L1%3F?includedetails=true",
            server.uri()
        ),
        "the URL shown is the one sent"
    );
    assert!(requests(&server).await.is_empty(), "`url` sends nothing");
    let role: Value = request.decode().await.expect("found");
    assert_eq!(role["name"], "Help desk / L1?");
    for dots in [".", "..", "%2e%2E"] {
        let err = halo
            .request(Method::GET, "Roles")
            .segment(dots)
            .url()
            .expect_err("refused");
        assert!(matches!(err, Error::Config { .. }), "{dots}: {err:?}");
    }
}

#[tokio::test]
async fn error_bodies_echoing_the_token_are_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/Echo"))
        .respond_with(|request: &Request| {
            let authorization = header(request, "authorization").to_owned();
            ResponseTemplate::new(500)
                .set_body_json(json!({"message": format!("you sent {authorization}")}))
        })
        .mount(&server)
        .await;
    let err = static_client(&server.uri())
        .request(Method::POST, "Echo")
        .json(&json!({}))
        .send()
        .await
        .expect_err("HTTP 500");
    let shown = format!("{err} {err:?} {}", err.body().unwrap_or_default());
    assert!(shown.contains("Bearer [REDACTED]"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn a_403_names_the_scope_the_call_needs() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/api/Report",
        ResponseTemplate::new(403)
            .set_body_json(json!({"Message": "Authorization has been denied for this request."})),
    )
    .await;
    let halo = static_client(&server.uri());

    let err = halo
        .request(Method::POST, "Report")
        .scope("read:reporting")
        .json(&json!([{}]))
        .send()
        .await
        .expect_err("HTTP 403");
    assert_eq!(err.required_scope(), Some("read:reporting"));
    assert!(err.is_forbidden());
    assert_eq!(err.status(), Some(403));
    assert!(err.body().is_some_and(|b| b.contains("denied")));
    let shown = err.to_string();
    for needed in [
        "HTTP 403",
        "Authorization has been denied",
        "`read:reporting`",
        "Configuration > Integrations > HaloPSA API",
        "HaloClientBuilder::scope",
    ] {
        assert!(shown.contains(needed), "`{needed}` missing from: {shown}");
    }

    // Without a known scope, a 403 stays a plain API error.
    let err = halo
        .request(Method::POST, "Report")
        .json(&json!([{}]))
        .send()
        .await
        .expect_err("HTTP 403");
    assert!(matches!(err, Error::Api { status: 403, .. }), "{err:?}");
    assert_eq!(err.required_scope(), None);
}

#[tokio::test]
async fn bodies_go_as_json_forms_or_multipart_with_their_content_type() {
    let server = MockServer::start().await;
    mount(&server, "POST", "/api/In", ResponseTemplate::new(200)).await;
    let halo = static_client(&server.uri());

    halo.request(Method::POST, "In")
        .json(&json!([{"summary": "a\"b"}]))
        .send()
        .await
        .expect("json");
    halo.request(Method::POST, "In")
        .form(&[("grant", "x y"), ("amp", "&")])
        .send()
        .await
        .expect("form");
    let form = Multipart::new().text("ticket_id", "42").file(
        "file",
        "shot.png",
        "image/png",
        vec![0u8, 159, 146, 150],
    );
    halo.request(Method::POST, "In")
        .multipart(form)
        .send()
        .await
        .expect("multipart");

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    assert_eq!(header(&sent[0], "content-type"), "application/json");
    assert_eq!(sent[0].body, br#"[{"summary":"a\"b"}]"#);
    assert_eq!(
        header(&sent[1], "content-type"),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(sent[1].body, b"grant=x+y&amp=%26");
    let content_type = header(&sent[2], "content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart with a boundary");
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"ticket_id\"\r\n\r\n42\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"shot.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&[0, 159, 146, 150]);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(sent[2].body, expected);

    // A body that cannot be encoded is reported, and nothing is sent.
    let err = halo
        .request(Method::POST, "In")
        .form(&json!({"nested": {"not": "a form"}}))
        .send()
        .await
        .expect_err("not a form");
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 3);
}

// ---------------------------------------------------------------- answers

#[tokio::test]
async fn a_raw_answer_keeps_status_headers_and_body() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/api/Made",
        ResponseTemplate::new(201)
            .insert_header("X-Halo-Thing", "yes")
            .set_body_json(json!({"id": 9})),
    )
    .await;
    mount(
        &server,
        "GET",
        "/api/Login",
        ResponseTemplate::new(200).set_body_raw("<html><title>Sign in</title></html>", "text/html"),
    )
    .await;
    let halo = static_client(&server.uri());

    let made = halo
        .request(Method::POST, "Made")
        .json(&json!([{}]))
        .await
        .expect("created");
    assert_eq!(made.status().as_u16(), 201);
    assert_eq!(made.headers()["x-halo-thing"], "yes");
    assert_eq!(made.text().expect("text"), r#"{"id":9}"#);
    assert_eq!(made.json::<Value>().expect("json")["id"], 9);

    // Markup where JSON was expected says so; the raw body is still there.
    let page = halo
        .request(Method::GET, "Login")
        .send()
        .await
        .expect("200");
    assert!(page.text().expect("text").contains("Sign in"));
    let err = page.json::<Value>().expect_err("not JSON");
    assert!(err.to_string().contains("text/html"), "{err}");
    let err = halo
        .request(Method::GET, "Login")
        .decode::<Value>()
        .await
        .expect_err("not JSON");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn answers_larger_than_the_limit_are_refused_in_memory_and_in_downloads() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/Big",
        ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 4096]),
    )
    .await;
    let halo = HaloClient::builder()
        .base_url(server.uri())
        .token_source(StaticToken::new(TOKEN))
        .max_response_bytes(1024)
        .build()
        .expect("valid configuration");

    let err = halo
        .request(Method::GET, "Big")
        .bytes()
        .await
        .expect_err("big");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    let mut file = Vec::new();
    let err = halo
        .request(Method::GET, "Big")
        .download(&mut file)
        .await
        .expect_err("big");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                content_length: Some(4096),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(file.is_empty(), "nothing written past a declared length");
    assert_eq!(hits(&server, "/api/Big").await, 2, "never retried");
}

// ---------------------------------------------------------------- files

#[tokio::test]
async fn a_file_comes_with_its_safe_name_and_type() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/Attachment/5",
        ResponseTemplate::new(200)
            .insert_header(
                "Content-Disposition",
                "attachment; filename=\"../resume.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
            )
            .set_body_raw(b"%PDF-1.7".to_vec(), "application/pdf"),
    )
    .await;
    mount(
        &server,
        "GET",
        "/api/Attachment/6",
        ResponseTemplate::new(200)
            .insert_header(
                "Content-Disposition",
                "attachment; filename=\"../../.bashrc\"",
            )
            .set_body_raw(b"x".to_vec(), "text/plain"),
    )
    .await;
    let halo = static_client(&server.uri());

    let file = halo
        .request(Method::GET, "Attachment/5")
        .file()
        .await
        .expect("downloaded");
    assert_eq!(file.name.as_deref(), Some("résumé.pdf"));
    assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(file.bytes, b"%PDF-1.7");
    let hostile = halo
        .request(Method::GET, "Attachment/6")
        .file()
        .await
        .expect("downloaded");
    assert_eq!(hostile.name, None, "a name with `..` is no name");
    // A file is asked for as anything, not as JSON.
    let sent = requests(&server).await;
    assert!(sent.iter().all(|r| header(r, "accept") == "*/*"));
}

/// A writer that keeps what it is given and the size of every write.
#[derive(Default)]
struct Recorder {
    bytes: Vec<u8>,
    writes: Vec<usize>,
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.bytes.extend_from_slice(buf);
        self.writes.push(buf.len());
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn a_download_is_written_chunk_by_chunk() {
    let server = MockServer::start().await;
    let body: Vec<u8> = (0..4 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    mount(
        &server,
        "GET",
        "/api/Attachment/7",
        ResponseTemplate::new(200)
            .insert_header("Content-Disposition", "attachment; filename=big.bin")
            .set_body_raw(body.clone(), "application/octet-stream"),
    )
    .await;
    let mut file = Recorder::default();
    let info = static_client(&server.uri())
        .request(Method::GET, "Attachment/7")
        .download(&mut file)
        .await
        .expect("downloaded");

    assert_eq!(info.size, body.len() as u64);
    assert_eq!(info.name.as_deref(), Some("big.bin"));
    assert_eq!(
        info.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert!(file.bytes == body, "the file arrived whole and in order");
    let largest = file.writes.iter().copied().max().unwrap_or_default();
    assert!(
        file.writes.len() > 1 && largest < body.len() / 2,
        "written in {} pieces, the largest {largest} bytes",
        file.writes.len()
    );
}

/// A server whose `n`-th connection (0-based) announces 100 bytes, sends
/// `sent[n]` of them and hangs up; it counts connections.
async fn breaking_server(sent: Vec<usize>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let body_bytes = sent.get(n).copied().unwrap_or(100);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buf[..read]),
                    }
                }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
                            Content-Length: 100\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&vec![b'a'; body_bytes]).await;
                let _ = socket.flush().await;
                // Dropping the socket hangs up.
            });
        }
    });
    (format!("http://{address}"), connections)
}

#[tokio::test]
async fn a_download_is_retried_until_its_first_byte_is_written_never_after() {
    // First answer breaks off before any byte, the second after ten.
    let (url, connections) = breaking_server(vec![0, 10]).await;
    let mut file = Vec::new();
    let err = static_client(&url)
        .request(Method::GET, "Attachment/8")
        .retry_policy(fast_retries().max_attempts(5))
        .download(&mut file)
        .await
        .expect_err("the second answer broke off too");
    assert!(
        matches!(err, Error::Transport(_) | Error::Timeout { .. }),
        "{err:?}"
    );
    assert_eq!(file, vec![b'a'; 10], "what was written stays");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "retried once, then never"
    );

    // The same broken first answer, then a whole one: the file is whole.
    let (url, connections) = breaking_server(vec![0, 100]).await;
    let mut file = Vec::new();
    let info = static_client(&url)
        .request(Method::GET, "Attachment/8")
        .download(&mut file)
        .await
        .expect("retried");
    assert_eq!((info.size, file.len()), (100, 100));
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------- SQL reports

const SQL: &str = "SELECT faultid, symptom FROM FAULTS WHERE status = 1";

fn report_answer() -> Value {
    json!({
        "id": 0,
        "available_columns": [{"id": 1, "name": "symptom"}, {"id": 2, "name": "faultid"}],
        "report": {
            "loaded": true,
            "rows": [
                {"symptom": "Printer on fire", "faultid": 1},
                {"symptom": "No coffee", "faultid": 2},
            ],
        },
    })
}

#[derive(Debug, Deserialize, PartialEq)]
struct Fault {
    faultid: i64,
    symptom: String,
}

#[tokio::test]
async fn a_report_posts_its_sql_with_loadreportonly_and_reads_rows_and_columns() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/Report"))
        .and(body_json(json!([{"sql": SQL, "_loadreportonly": true}])))
        .respond_with(ResponseTemplate::new(200).set_body_json(report_answer()))
        .mount(&server)
        .await;
    let halo = static_client(&server.uri());

    let report = ReportQuery::new(&halo, SQL).await.expect("ran");
    assert_eq!(report.columns, ["symptom", "faultid"]);
    assert_eq!(report.len(), 2);
    assert_eq!(report.rows[1]["symptom"], "No coffee");
    let faults: Vec<Fault> = ReportQuery::new(&halo, SQL).rows().await.expect("rows");
    assert_eq!(
        faults,
        [
            Fault {
                faultid: 1,
                symptom: "Printer on fire".into()
            },
            Fault {
                faultid: 2,
                symptom: "No coffee".into()
            }
        ]
    );
}

#[tokio::test]
async fn a_report_is_sent_once_unless_the_server_proves_it_did_nothing() {
    let server = MockServer::start().await;
    mount(&server, "POST", "/api/Report", ResponseTemplate::new(500)).await;
    let halo = static_client(&server.uri());
    let err = ReportQuery::new(&halo, SQL)
        .retry_policy(fast_retries().max_attempts(5))
        .await
        .expect_err("HTTP 500");
    assert_eq!(err.status(), Some(500));
    assert_eq!(hits(&server, "/api/Report").await, 1);

    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/api/Report",
        Sequence::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(200).set_body_json(report_answer()),
        ]),
    )
    .await;
    let report = ReportQuery::new(&static_client(&server.uri()), SQL)
        .await
        .expect("retried after a 503");
    assert_eq!(report.len(), 2);
    assert_eq!(hits(&server, "/api/Report").await, 2);
}

#[tokio::test]
async fn a_report_without_its_scope_or_with_bad_sql_says_so() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/api/Report",
        Sequence::new(vec![
            ResponseTemplate::new(403).set_body_json(json!({"Message": "Access denied."})),
            ResponseTemplate::new(200).set_body_json(json!([{
                "report": {"loaded": false, "load_error": "Invalid column name 'nope'."}
            }])),
        ]),
    )
    .await;
    let halo = static_client(&server.uri());

    let err = ReportQuery::new(&halo, SQL).await.expect_err("HTTP 403");
    assert_eq!(err.required_scope(), Some("read:reporting"));
    assert!(err.to_string().contains("`read:reporting`"), "{err}");

    let err = ReportQuery::new(&halo, "SELECT nope FROM FAULTS")
        .await
        .expect_err("load error");
    assert!(
        matches!(&err, Error::Report { message, .. } if message == "Invalid column name 'nope'."),
        "{err:?}"
    );

    let err = ReportQuery::new(&halo, "  ").await.expect_err("empty");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert_eq!(
        hits(&server, "/api/Report").await,
        2,
        "the empty query was not sent"
    );
}
