//! `halo` end to end: the binary against the fake server, for every output
//! format of a listing, get, create, patch, delete, actions, raw requests,
//! reports, dry runs, exit codes, streaming, profiles and `halo fake`.

mod cli_common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use cli_common::{finish, halo, run, Rig, Scratch, CLIENT_ID, SECRET};
use halopsa_fake::{FakeHalo, Fault};
use serde_json::Value;

/// The ids of the fake's tickets that are not deleted.
fn live_ticket_ids(rig: &Rig) -> BTreeSet<i64> {
    rig.halo
        .records("Tickets")
        .iter()
        .filter(|t| t["deleted"] != Value::Bool(true))
        .filter_map(|t| t["id"].as_i64())
        .collect()
}

fn ids_of(records: &[Value]) -> Vec<i64> {
    records
        .iter()
        .map(|r| r["id"].as_i64().expect("an id"))
        .collect()
}

#[test]
fn a_listing_prints_in_every_format_each_record_once() {
    let rig = Rig::new(250);
    let expected = live_ticket_ids(&rig);
    assert!(expected.len() > 200, "pages of 100 need several requests");

    // JSON: every record of three pages, once each, stopping at record_count.
    let json: Vec<Value> =
        serde_json::from_str(rig.run(&["tickets", "list", "--all", "-o", "json"]).ok())
            .expect("a JSON array");
    let ids = ids_of(&json);
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
    assert_eq!(ids.len(), expected.len(), "no record twice");

    // Stable field order: id, the spec's fields in spec order, then the rest.
    let text = rig
        .run(&["tickets", "get", "1", "-o", "json"])
        .ok()
        .to_owned();
    let at = |key: &str| {
        text.find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("{key} in {text}"))
    };
    assert!(
        at("id") < at("summary")
            && at("summary") < at("details")
            && at("details") < at("client_id")
    );
    let first_unknown = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"')?.split('"').next())
        .find(|key| key.starts_with('_'))
        .expect("the fake sends fields the spec does not list");
    assert!(
        at(first_unknown) > at("api_url"),
        "unknown fields come after the spec's"
    );

    // NDJSON: one compact record per line.
    let ndjson = rig.run(&["tickets", "list", "--all", "-o", "ndjson"]);
    let lines: Vec<Value> = ndjson
        .ok()
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON record per line"))
        .collect();
    assert_eq!(ids_of(&lines), ids);

    // CSV: a header of id and every spec field, then a row per record.
    let csv = rig.run(&["tickets", "list", "--all", "-o", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.ok().as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(&header[..4], ["id", "summary", "details", "details_html"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(rows.len(), expected.len());
    let summary_of_1 = rig.record("Tickets", 1).unwrap()["summary"].clone();
    assert_eq!(Some(rows[0].get(1).unwrap()), summary_of_1.as_str());

    // YAML: a sequence of records.
    let yaml: Vec<serde_yaml::Value> =
        serde_yaml::from_str(rig.run(&["tickets", "list", "--all", "-o", "yaml"]).ok())
            .expect("YAML");
    assert_eq!(yaml.len(), expected.len());

    // A table: the spec's columns, one page unless --all.
    let table = rig.run(&["tickets", "list", "--page-size", "5"]);
    let lines: Vec<&str> = table.ok().lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        [
            "id",
            "summary",
            "client_name",
            "status_name",
            "agent_name",
            "dateoccurred"
        ]
    );
    assert_eq!(lines.len(), 6, "a header and a page of five: {table:#?}");
    assert!(lines[1].starts_with("1 "), "{}", lines[1]);

    // --columns chooses what a table or CSV shows.
    let chosen = rig.run(&[
        "tickets",
        "list",
        "--page-size",
        "2",
        "-o",
        "csv",
        "--columns",
        "id,summary",
    ]);
    assert_eq!(chosen.ok().lines().next(), Some("id,summary"));
}

#[test]
fn get_shows_one_record() {
    let rig = Rig::new(20);
    let stored = rig.record("Tickets", 7).expect("ticket 7");
    let got: Value =
        serde_json::from_str(rig.run(&["tickets", "get", "7", "-o", "json"]).ok()).unwrap();
    assert_eq!(got["id"], 7);
    assert_eq!(got["summary"], stored["summary"]);
    let table = rig.run(&["tickets", "get", "7"]);
    let summary_line = table
        .ok()
        .lines()
        .find(|line| line.starts_with("summary "))
        .expect("a summary line");
    assert!(
        summary_line.ends_with(stored["summary"].as_str().unwrap()),
        "{summary_line}"
    );
}

#[test]
fn create_reads_records_from_stdin_or_flags() {
    let rig = Rig::new(5);
    let created = rig.run_with(
        &["tickets", "create", "-o", "json"],
        r#"{"summary": "Printer on fire", "client_id": 1, "not_in_the_spec": "kept"}"#,
    );
    let created: Value = serde_json::from_str(created.ok()).expect("the saved record");
    let id = created["id"].as_i64().expect("a new id");
    let stored = rig.record("Tickets", id).expect("saved");
    assert_eq!(stored["summary"], "Printer on fire");
    assert_eq!(
        stored["not_in_the_spec"], "kept",
        "fields the spec does not list are sent too"
    );

    let from_flags = rig.run(&[
        "tickets",
        "create",
        "--summary",
        "Mouse broken",
        "--client-id",
        "2",
        "-o",
        "json",
    ]);
    let from_flags: Value = serde_json::from_str(from_flags.ok()).unwrap();
    let stored = rig
        .record("Tickets", from_flags["id"].as_i64().unwrap())
        .unwrap();
    assert_eq!(
        (stored["summary"].as_str(), stored["client_id"].as_i64()),
        (Some("Mouse broken"), Some(2))
    );

    let many = rig.run_with(
        &["tickets", "create", "-o", "ndjson"],
        r#"[{"summary": "A"}, {"summary": "B"}]"#,
    );
    assert_eq!(many.ok().lines().count(), 2);
    assert_eq!(rig.halo.counters().creates, 4);

    // Typed flags: a bad id never reaches the server.
    let bad = rig.run(&["tickets", "create", "--client-id", "acme"]);
    assert_eq!(bad.code, 2, "{bad:#?}");
    assert!(bad.stderr.contains("not an id"), "{}", bad.stderr);
    assert_eq!(rig.halo.counters().creates, 4);
}

#[test]
fn patch_sends_the_id_and_only_the_fields_given() {
    let rig = Rig::new(10);
    let before = rig.record("Tickets", 3).unwrap();
    assert!(
        before["agent_id"].as_i64().is_some_and(|id| id > 0),
        "{before}"
    );
    let patched = rig.run(&[
        "tickets",
        "patch",
        "3",
        "--summary",
        "Patched",
        "--clear",
        "agent-id",
        "--dry-run",
    ]);
    let body = patched
        .ok()
        .split_once("\n\n")
        .expect("a body")
        .1
        .to_owned();
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body,
        serde_json::json!([{"id": 3, "summary": "Patched", "agent_id": null}])
    );

    rig.run(&[
        "tickets",
        "patch",
        "3",
        "--summary",
        "Patched",
        "--clear",
        "agent-id",
    ])
    .ok();
    let after = rig.record("Tickets", 3).unwrap();
    assert_eq!(after["summary"], "Patched");
    assert_eq!(
        after["details"], before["details"],
        "fields not given are left alone"
    );

    rig.run_with(&["tickets", "patch", "3"], r#"{"summary": "From stdin"}"#)
        .ok();
    assert_eq!(rig.record("Tickets", 3).unwrap()["summary"], "From stdin");
}

#[test]
fn update_saves_a_whole_record_from_stdin() {
    let rig = Rig::new(5);
    let got = rig.run(&["tickets", "get", "2", "-o", "json"]);
    let mut record: Value = serde_json::from_str(got.ok()).unwrap();
    record["summary"] = "Round trip".into();
    rig.run_with(&["tickets", "update", "2"], &record.to_string())
        .ok();
    assert_eq!(rig.record("Tickets", 2).unwrap()["summary"], "Round trip");
}

#[test]
fn delete_asks_first_unless_yes() {
    let rig = Rig::new(5);
    let refused = rig.run(&["tickets", "delete", "4"]);
    assert_eq!(refused.code, 2, "{refused:#?}");
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(
        live_ticket_ids(&rig).contains(&4),
        "not deleted without a yes"
    );

    let deleted = rig.run(&["tickets", "delete", "4", "--yes", "--reason", "Duplicate"]);
    deleted.ok();
    assert!(!live_ticket_ids(&rig).contains(&4));
    let gone = rig.run(&["tickets", "get", "4"]);
    assert_eq!(gone.code, 4, "not found: {gone:#?}");
}

#[test]
fn raw_requests_and_reports() {
    let rig = Rig::new(10);
    let raw = rig.run(&[
        "request",
        "GET",
        "Tickets/5",
        "-q",
        "includedetails=true",
        "-o",
        "json",
    ]);
    let raw: Value = serde_json::from_str(raw.ok()).unwrap();
    assert_eq!(raw["id"], 5);

    let posted = rig.run(&[
        "request",
        "POST",
        "Tickets",
        "--body",
        r#"[{"summary": "Raw"}]"#,
        "-o",
        "json",
    ]);
    let posted: Value = serde_json::from_str(posted.ok()).unwrap();
    let id = posted
        .get("id")
        .or_else(|| posted[0].get("id"))
        .and_then(Value::as_i64)
        .unwrap();
    assert_eq!(rig.record("Tickets", id).unwrap()["summary"], "Raw");

    let report = rig.run(&[
        "report",
        "SELECT TOP 3 id, summary FROM FAULTS ORDER BY id",
        "-o",
        "csv",
    ]);
    let lines: Vec<&str> = report.ok().lines().collect();
    assert_eq!(lines[0], "id,summary", "the query's columns, in its order");
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("1,"), "{lines:?}");

    let bad = rig.run(&["report", "SELECT nope FROM FAULTS"]);
    assert_eq!(bad.code, 1, "{bad:#?}");
    assert!(
        bad.stderr.contains("error: the report did not load"),
        "{}",
        bad.stderr
    );
}

#[test]
fn actions_are_commands() {
    let rig = Rig::new(5);
    let lines = r#"[{"invoice_id": 1, "description": "Support"}]"#;
    let sent = rig.run_with(&["invoices", "update-lines", "--dry-run"], lines);
    let text = sent.ok();
    assert!(
        text.starts_with(&format!(
            "POST {}/api/Invoice/updatelines\n",
            rig.halo.base_url()
        )),
        "{text}"
    );
    let body: Value = serde_json::from_str(text.split_once("\n\n").unwrap().1).unwrap();
    assert_eq!(body, serde_json::from_str::<Value>(lines).unwrap());
    let help = rig.run(&["agents", "--help"]);
    assert!(help.ok().contains("me "), "{}", help.stdout);
}

#[test]
fn dry_run_prints_the_request_without_sending_it_or_the_token() {
    let rig = Rig::new(5);
    let listed = rig.run(&[
        "tickets",
        "list",
        "--open-only",
        "--client-ids",
        "1,2",
        "--dry-run",
    ]);
    assert_eq!(
        listed.ok(),
        format!(
            "GET {}/api/Tickets?client_ids=1%2C2&open_only=true&pageinate=true&page_no=1&page_size=100\n",
            rig.halo.base_url()
        )
    );
    let created = rig.run(&["tickets", "create", "--summary", "Dry", "--dry-run"]);
    assert!(created
        .ok()
        .starts_with(&format!("POST {}/api/Tickets\n", rig.halo.base_url())));
    assert!(
        created.stdout.contains("\"summary\": \"Dry\""),
        "{}",
        created.stdout
    );
    let counters = rig.halo.counters();
    assert_eq!(
        (counters.token_requests, counters.creates),
        (0, 0),
        "nothing was sent"
    );
    for run in [&listed, &created] {
        assert!(!run.stdout.contains(SECRET) && !run.stdout.contains("Bearer"));
    }
}

#[test]
fn failures_exit_by_class_with_halos_message_and_a_hint() {
    let rig = Rig::new(5);
    let missing = rig.run(&["tickets", "get", "9999"]);
    assert_eq!(missing.code, 4);
    assert!(
        missing.stderr.contains("HTTP 404") && missing.stderr.contains("\nhint: "),
        "{}",
        missing.stderr
    );

    let usage = rig.run(&["tickets", "list", "--no-such-flag"]);
    assert_eq!(usage.code, 2);

    let wrong_secret = rig
        .command(&["tickets", "get", "1"])
        .env("HALOPSA_CLIENT_SECRET", "wrong")
        .output()
        .unwrap();
    assert_eq!(wrong_secret.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&wrong_secret.stderr);
    assert!(
        stderr.contains("authentication failed") && stderr.contains("hint: "),
        "{stderr}"
    );
    assert!(
        !stderr.contains("wrong"),
        "the secret given is not echoed: {stderr}"
    );

    rig.halo.inject(Fault::Status(503), 10, Some("Tickets"));
    let down = rig.run(&["tickets", "get", "1"]);
    assert_eq!(down.code, 6, "{down:#?}");
    rig.halo.clear_faults();

    rig.halo.inject(
        Fault::TooManyRequests {
            retry_after: Some(Duration::from_secs(600)),
        },
        1,
        Some("Tickets"),
    );
    let limited = rig.run(&["tickets", "get", "1"]);
    assert_eq!(limited.code, 5, "{limited:#?}");

    let no_credentials = run(halo(&Scratch::new(), &["tickets", "list"]), None);
    assert_eq!(no_credentials.code, 3);
    assert!(
        no_credentials.stderr.contains("halo login"),
        "{}",
        no_credentials.stderr
    );
}

#[test]
fn secrets_never_reach_the_output_even_verbose() {
    let rig = Rig::new(5);
    let verbose = rig.run(&["-vvv", "tickets", "get", "1", "-o", "json"]);
    verbose.ok();
    assert!(
        verbose.stderr.contains("halopsa_request"),
        "-v logs requests: {}",
        verbose.stderr
    );
    for text in [&verbose.stdout, &verbose.stderr] {
        assert!(!text.contains(SECRET), "the secret leaked: {text}");
        // The fake's tokens look like `fake-` and 32 hex digits.
        let token = text.match_indices("fake-").any(|(at, _)| {
            text[at + 5..]
                .chars()
                .take(32)
                .filter(char::is_ascii_hexdigit)
                .count()
                == 32
        });
        assert!(!token, "a token leaked: {text}");
    }
}

#[test]
fn a_listing_streams_and_ends_quietly_when_the_reader_stops() {
    // Two calls per two seconds: the listing of 20 pages takes long, so
    // rows that arrive early prove they are printed as they come.
    let rig = Rig::with(
        FakeHalo::builder()
            .tickets(2000)
            .rate_limit(2, Duration::from_secs(2)),
    );
    let mut command = rig.command(&["tickets", "list", "--all", "-o", "ndjson"]);
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let started = Instant::now();
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    for _ in 0..10 {
        line.clear();
        stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with("{\"id\":"), "{line:?}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "still listing when the first rows are out"
    );
    drop(stdout); // `| head` exits
    let done = finish(child, Duration::from_secs(30));
    assert_eq!(
        done.code, 0,
        "a closed pipe ends the listing quietly: {done:#?}"
    );
    assert!(done.stderr.is_empty(), "{}", done.stderr);
}

#[test]
fn login_saves_a_private_profile_that_later_commands_use() {
    let rig = Rig::new(5);
    let dir = Scratch::new();
    let login = |profile: &str, secret: &str| {
        let mut command = halo(
            &dir,
            &[
                "login",
                "--profile",
                profile,
                "--base-url",
                rig.halo.base_url(),
                "--tenant",
                rig.halo.tenant(),
                "--client-id",
                CLIENT_ID,
            ],
        );
        command.env("HALOPSA_CONFIG", dir.config());
        run(command, Some(&format!("{secret}\n")))
    };
    let refused = login("work", "not-the-secret");
    assert_eq!(
        refused.code, 3,
        "credentials are checked first: {refused:#?}"
    );
    assert!(!dir.config().exists(), "nothing saved");

    let saved = login("work", SECRET);
    saved.ok();
    assert!(!saved.stderr.contains(SECRET) && !saved.stdout.contains(SECRET));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.config())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    let text = std::fs::read_to_string(dir.config()).unwrap();
    assert!(text.contains("work:") && text.contains(CLIENT_ID), "{text}");

    let used = run(
        halo(
            &dir,
            &["--profile", "work", "tickets", "get", "1", "-o", "json"],
        ),
        None,
    );
    let got: Value = serde_json::from_str(used.ok()).unwrap();
    assert_eq!(got["id"], 1);
    let unknown = run(
        halo(&dir, &["--profile", "home", "tickets", "get", "1"]),
        None,
    );
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("halo login --profile home"),
        "{}",
        unknown.stderr
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.config(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let open = run(
            halo(&dir, &["--profile", "work", "tickets", "get", "1"]),
            None,
        );
        assert_eq!(open.code, 2, "{open:#?}");
        assert!(open.stderr.contains("chmod 600"), "{}", open.stderr);
    }
}

#[test]
fn halo_fake_serves_what_it_prints() {
    let dir = Scratch::new();
    let mut fake = halo(&dir, &["fake", "--port", "0", "--tickets", "12"]);
    fake.stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let mut child = fake.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut exports = String::new();
    for _ in 0..10 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.strip_prefix("export ") {
            exports = rest.trim().to_owned();
            break;
        }
    }
    let mut list = halo(&dir, &["tickets", "list", "--all", "-o", "ndjson"]);
    for pair in exports.split_whitespace() {
        let (name, value) = pair.split_once('=').expect("NAME=VALUE");
        list.env(name, value);
    }
    let listed = run(list, None);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(listed.ok().lines().count(), 12, "{exports}");
}

#[test]
fn completions_cover_the_spec_commands() {
    let script = run(halo(&Scratch::new(), &["completions", "bash"]), None);
    let text = script.ok();
    assert!(
        text.contains("halo__tickets__list") || text.contains("tickets"),
        "{text}"
    );
    assert!(text.contains("--open-only"));
}

/// Files both ways: a `base64` field's flag names a file the client
/// encodes, a `bytes` action writes what it downloads to `--out`, and a
/// `form` action uploads `--file` parts.
#[test]
fn files_are_attached_downloaded_and_uploaded_as_forms() {
    let rig = Rig::new(5);
    let notes = rig.dir.path().join("notes.txt");
    std::fs::write(&notes, b"Toner replaced.").expect("written");
    let created: Value = serde_json::from_str(
        rig.run(&[
            "attachments",
            "create",
            "--ticket-id",
            "1",
            "--filename",
            "notes.txt",
            "--data-base64",
            notes.to_str().expect("a UTF-8 path"),
            "-o",
            "json",
        ])
        .ok(),
    )
    .expect("JSON");
    let id = created["id"].as_i64().expect("the attachment's id");
    assert_eq!(
        rig.halo.file("Attachment", &id.to_string()).as_deref(),
        Some(&b"Toner replaced."[..]),
        "the file's bytes, not its path, were sent"
    );

    let back = rig.dir.path().join("back.txt");
    let run = rig.run(&[
        "attachments",
        "download",
        &id.to_string(),
        "--out",
        back.to_str().expect("a UTF-8 path"),
    ]);
    run.ok();
    assert_eq!(std::fs::read(&back).expect("saved"), b"Toner replaced.");
    assert!(run.stderr.contains("15 bytes"), "{run:#?}");

    // Without --out, a file goes to stdout when that is not a terminal.
    let pdf = rig.run(&["invoices", "pdf", "1"]);
    assert!(pdf.ok().starts_with("%PDF-"), "{pdf:#?}");

    let shot = rig.dir.path().join("shot.png");
    std::fs::write(&shot, b"\x89PNG\r\n\x1a\nnot really").expect("written");
    let file_part = format!("file={}", shot.display());
    let stored: Value = serde_json::from_str(
        rig.run(&[
            "attachments",
            "upload-image",
            "--ticket-id",
            "2",
            "--file",
            &file_part,
            "-o",
            "json",
        ])
        .ok(),
    )
    .expect("JSON");
    assert_eq!(stored["filename"], "shot.png", "{stored}");
    assert_eq!(stored["content_type"], "image/png", "{stored}");
    assert_eq!(stored["ticket_id"], 2, "{stored}");
}

/// A report action takes its SQL like `halo report`; a verb sends its
/// switches as a patch (`restore` brings a deleted ticket back).
#[test]
fn report_actions_run_sql_and_verbs_send_their_switches() {
    let rig = Rig::new(5);
    let rows: Vec<Value> = serde_json::from_str(
        rig.run(&[
            "reports",
            "query",
            "SELECT TOP 2 id, summary FROM FAULTS",
            "-o",
            "json",
        ])
        .ok(),
    )
    .expect("a JSON array of rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].get("summary").is_some(), "{rows:?}");

    let dry = rig.run(&["reports", "query", "SELECT 1", "--dry-run"]);
    assert!(dry.ok().contains("\"_loadreportonly\": true"), "{dry:#?}");

    rig.run(&["tickets", "delete", "3", "--yes"]).ok();
    assert_eq!(rig.record("Tickets", 3).expect("kept")["deleted"], true);
    rig.run(&["tickets", "restore", "3"]).ok();
    assert_eq!(rig.record("Tickets", 3).expect("kept")["deleted"], false);
    let sent = rig.halo.switches("Tickets");
    assert_eq!(
        sent.last(),
        Some(&serde_json::json!({"_recover": true, "_validate_updates": true}))
    );
}
