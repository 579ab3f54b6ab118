//! Every other kind of operation through the generated API: who the client
//! is (`Agent/me`, `Users/me`), a collection keyed by UUIDs (webhooks), a
//! list that needs its parent (actions of a ticket), a sub-path action
//! (`Invoice/updatelines`), a singleton (`Control`), the scopes a 403 names;
//! and, over raw HTTP, every action of the spec answering as its kind says.

use halopsa::{
    ActionId, Error, InvoiceId, InvoiceLine, NewTicket, NewWebhook, TicketId, WebhookId,
    WebhookTest,
};
use halopsa_codegen::model::{Body, HttpMethod, PathPart, Response as Answer, Spec, Type};
use halopsa_e2e::{FakeClient, FakeHalo};
use serde_json::{json, Value};

use crate::common::{bounded, fake};

#[tokio::test]
async fn me_is_the_agent_and_the_user_the_application_acts_as() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo.client();
        let me = client.agents().me().await.expect("the agent");
        let agents = client.agents().list().await.expect("agents");
        assert_eq!(me.id, agents[0].id, "the application's agent");
        assert_eq!(
            client.agents().get(me.id).await.expect("got"),
            me,
            "the same record as its id gives"
        );
        let user = client.users().me().await.expect("the user");
        assert_eq!(client.users().get(user.id).await.expect("got"), user);
    })
    .await;
}

#[tokio::test]
async fn webhooks_are_created_read_changed_tested_and_deleted_by_uuid() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo.client();
        let new = NewWebhook::new()
            .name("Ticket changes")
            .url("https://hooks.example.com/tickets")
            .active(true);
        let created = client.webhooks().create(&new).await.expect("created");
        let id: WebhookId = created.id.clone();
        let text = id.as_str().to_owned();
        let text = text.as_str();
        // A UUID: 8-4-4-4-12 hex digits, version 4.
        let groups: Vec<usize> = text.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{text}");
        assert!(text.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert_eq!(&text[14..15], "4");
        let stored = halo.record("Webhook", text).expect("stored");
        assert_eq!(stored["url"], "https://hooks.example.com/tickets");

        let read = client.webhooks().get(id.clone()).await.expect("read");
        assert_eq!(read, created);
        // Text converts into the id, in any case, as Halo compares them.
        let upper = client
            .webhooks()
            .get(text.to_ascii_uppercase().as_str())
            .await
            .expect("case-insensitive");
        assert_eq!(upper.id, id);
        let listed = client.webhooks().list().await.expect("listed");
        assert!(listed.iter().any(|w| w.id == id));
        assert!(listed.len() > 1, "seeded webhooks too");

        let changed = client
            .webhooks()
            .patch(id.clone())
            .url("https://hooks.example.com/v2")
            .await
            .expect("patched");
        assert_eq!(changed.url.as_deref(), Some("https://hooks.example.com/v2"));
        assert_eq!(changed.name.as_deref(), Some("Ticket changes"), "untouched");

        let test = WebhookTest {
            id: Some(id.clone()),
            test: Some(true),
            ..WebhookTest::default()
        };
        let answer: Value = client
            .webhooks()
            .send_test(&[test])
            .await
            .expect("test sent");
        assert_eq!(answer["id"], text, "{answer}");
        let unknown = WebhookTest {
            id: Some(WebhookId::new("00000000-0000-4000-8000-000000000000")),
            test: Some(true),
            ..WebhookTest::default()
        };
        let err = client
            .webhooks()
            .send_test(&[unknown])
            .await
            .expect_err("no such webhook");
        assert_eq!(err.status(), Some(400), "{err:?}");

        client.webhooks().delete(id.clone()).await.expect("deleted");
        assert_eq!(
            client.webhooks().get_opt(id).await.expect("asked"),
            None,
            "gone"
        );
        assert!(halo.record("Webhook", text).is_none());
    })
    .await;
}

#[tokio::test]
async fn the_actions_of_a_ticket_list_with_their_ticket() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo.client();
        let ticket = TicketId::new(3);
        let actions = client.actions().list(ticket).await.expect("listed");
        assert_eq!(actions.len(), 2, "two seeded per ticket");
        assert!(actions.iter().all(|a| a.ticket_id == Some(ticket)));
        let other = client.actions().list(4).await.expect("listed");
        assert!(other.iter().all(|a| !actions.iter().any(|b| b.id == a.id)));

        // An action's id is its number within its ticket.
        let first = &actions[0];
        let got = client
            .actions()
            .get(first.id, ticket)
            .await
            .expect("within its ticket");
        assert_eq!(&got, first);
        let err = client
            .actions()
            .get(first.id, TicketId::new(4))
            .await
            .expect_err("not an action of ticket 4");
        assert!(err.is_not_found(), "{err:?}");
        assert!(client
            .actions()
            .get_opt(ActionId::new(99_999), ticket)
            .await
            .expect("asked")
            .is_none());
    })
    .await;
}

/// An invoice line of `invoice` with a description and a price.
fn line(id: Option<i32>, invoice: InvoiceId, description: &str, price: f64) -> InvoiceLine {
    InvoiceLine {
        id,
        invoice_id: Some(invoice),
        item_shortdescription: Some(description.to_owned()),
        unit_price: Some(price),
        quantity: Some(1.0),
        ..InvoiceLine::default()
    }
}

#[tokio::test]
async fn invoice_lines_are_changed_and_added_through_updatelines() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo.client();
        let id = InvoiceId::new(1);
        client
            .invoices()
            .patch(id)
            .lines(vec![
                line(Some(1), id, "Support hours", 80.0),
                line(Some(2), id, "Backup licence", 12.5),
            ])
            .await
            .expect("two lines");

        let answer: Value = client
            .invoices()
            .update_lines(&[
                line(Some(2), id, "Backup licence", 15.0),
                line(None, id, "Firewall", 40.0),
            ])
            .await
            .expect("saved");
        assert_eq!(
            answer[0]["unit_price"], 15.0,
            "the lines as saved: {answer}"
        );
        let added = answer[1]["id"].as_i64().expect("the new line's id");
        assert!(added > 2, "a new line gets an id of its own: {answer}");

        let invoice = client.invoices().get(id).await.expect("the invoice");
        let lines = invoice.lines.expect("lines");
        let summary: Vec<(Option<i32>, Option<&str>, Option<f64>)> = lines
            .iter()
            .map(|l| (l.id, l.item_shortdescription.as_deref(), l.unit_price))
            .collect();
        assert_eq!(
            summary,
            [
                (Some(1), Some("Support hours"), Some(80.0)),
                (Some(2), Some("Backup licence"), Some(15.0)),
                (i32::try_from(added).ok(), Some("Firewall"), Some(40.0)),
            ]
        );

        let err = client
            .invoices()
            .update_lines(&[line(None, InvoiceId::new(9999), "Nowhere", 1.0)])
            .await
            .expect_err("no such invoice");
        assert!(
            matches!(&err, Error::Api { status: 400, details, .. }
                if details.iter().any(|d| d.field == "[0].ihid")),
            "{err:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_settings_are_read_and_saved_whole() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo.client();
        let mut control = client.control().get().await.expect("the settings");
        assert_eq!(control.appname.as_deref(), Some("Fake Halo"));
        assert_eq!(
            control.default_site_timezone.as_deref(),
            Some("GMT Standard Time")
        );
        let before = halo.records("Control").pop().expect("one record");
        assert!(before.get("id").is_none(), "a singleton has no id");
        assert!(
            !control.extra.is_empty(),
            "fields the spec does not type are kept"
        );

        control.appname = Some("Acme Service Desk".to_owned());
        let saved = client.control().update(&control).await.expect("saved");
        assert_eq!(saved.appname.as_deref(), Some("Acme Service Desk"));
        let after = halo.records("Control").pop().expect("one record");
        let mut expected = before.clone();
        expected["appname"] = json!("Acme Service Desk");
        assert_eq!(after, expected, "only the changed field changed");
        assert_eq!(halo.records("Control").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_403_to_a_generated_call_names_the_scope_the_collection_needs() {
    bounded(20, async {
        let halo = fake(5).await;
        let narrow = halo
            .client_builder()
            .scope("read:tickets")
            .build()
            .expect("valid");
        narrow
            .tickets()
            .get(TicketId::new(1))
            .await
            .expect("read:tickets");
        narrow
            .actions()
            .list(TicketId::new(1))
            .await
            .expect("actions are read with read:tickets");

        let err = narrow
            .tickets()
            .create(&NewTicket::new().summary("Not allowed"))
            .await
            .expect_err("HTTP 403");
        assert_eq!(err.required_scope(), Some("edit:tickets"), "{err:?}");
        assert!(err.to_string().contains("`edit:tickets`"), "{err}");
        let err = narrow.clients().list().await.expect_err("HTTP 403");
        assert_eq!(err.required_scope(), Some("read:customers"), "{err:?}");
        let err = narrow
            .tickets()
            .delete(TicketId::new(1))
            .await
            .expect_err("HTTP 403");
        assert_eq!(err.required_scope(), Some("edit:tickets"), "{err:?}");
        assert_eq!(halo.counters().creates, 0, "nothing was created");
        assert_eq!(halo.counters().deletes, 0, "nothing was deleted");
    })
    .await;
}

// ------------------------------------------------------- every action, raw

fn spec() -> Spec {
    let text = include_str!("../../../spec/halopsa.yaml");
    halopsa_codegen::check("spec/halopsa.yaml", text).expect("the spec is valid")
}

async fn token(halo: &FakeHalo, http: &reqwest::Client) -> String {
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
        .expect("token endpoint")
        .json()
        .await
        .expect("token JSON");
    reply["access_token"].as_str().expect("a token").to_owned()
}

/// A value of `ty` for an action of `entity`: a struct's references to the
/// entity name `first`, its switches are on; anything else is `{}`.
fn element(spec: &Spec, ty: &Type, entity: &str, first: &Value) -> Value {
    let Type::Named(name) = ty else {
        return json!({});
    };
    let fields = spec
        .types
        .iter()
        .find(|t| t.name == *name)
        .and_then(|t| match &t.kind {
            halopsa_codegen::model::NamedKind::Struct(fields) => Some(fields),
            halopsa_codegen::model::NamedKind::Enum { .. } => None,
        });
    let mut object = serde_json::Map::new();
    for field in fields.into_iter().flatten() {
        match &field.ty {
            Type::Ref { entity: target, .. } if target == entity => {
                object.insert(field.wire.clone(), first["id"].clone());
            }
            Type::Bool => {
                object.insert(field.wire.clone(), json!(true));
            }
            _ => {}
        }
    }
    Value::Object(object)
}

/// Every action the spec declares, called as its kinds say, answers what its
/// response kind promises: actions added to the spec later included.
#[tokio::test]
async fn every_action_of_the_spec_answers_as_its_kind_says() {
    bounded(60, async {
        let halo = fake(10).await;
        let http = reqwest::Client::new();
        let token = token(&halo, &http).await;
        let spec = spec();
        let mut called = 0;
        for entity in &spec.entities {
            let records = halo.records(&entity.path);
            let first = records.first().cloned().unwrap_or(Value::Null);
            for action in &entity.actions {
                let mut path = format!("{}/api/{}", halo.base_url(), entity.path);
                for part in &action.path {
                    let segment = match part {
                        PathPart::Literal(text) => text.clone(),
                        PathPart::Id => match &first["id"] {
                            Value::String(text) => text.clone(),
                            other => other.to_string(),
                        },
                        PathPart::Param(_) => "1".to_owned(),
                    };
                    path = format!("{path}/{segment}");
                }
                let query: Vec<(String, String)> = action
                    .params
                    .iter()
                    .filter(|p| p.required)
                    .map(|p| (p.wire.clone(), "1".to_owned()))
                    .collect();
                let method = match action.method {
                    HttpMethod::Get => reqwest::Method::GET,
                    HttpMethod::Post => reqwest::Method::POST,
                    HttpMethod::Delete => reqwest::Method::DELETE,
                };
                let mut request = http
                    .request(method, &path)
                    .query(&query)
                    .bearer_auth(&token);
                let json_body = match &action.body {
                    _ if action.response == Answer::Report => Some(
                        json!([{ "sql": "SELECT id FROM FAULTS", "_loadreportonly": true }]),
                    ),
                    Body::None | Body::Form => None,
                    Body::Record | Body::Records => Some(json!([first.clone()])),
                    Body::Object => Some(first.clone()),
                    Body::Ids => Some(json!([first["id"].clone()])),
                    Body::Value(Type::List(item)) => {
                        Some(json!([element(&spec, item, &entity.name, &first)]))
                    }
                    Body::Value(ty) => Some(element(&spec, ty, &entity.name, &first)),
                };
                if let Some(body) = json_body {
                    request = request.json(&body);
                }
                if action.body == Body::Form {
                    let boundary = "e2e-boundary";
                    let form = format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                         filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
                    );
                    request = request
                        .header(
                            "content-type",
                            format!("multipart/form-data; boundary={boundary}"),
                        )
                        .body(form);
                }
                let response = request.send().await.expect("answered");
                let what = format!("{} {}: {path}", entity.name, action.method_name);
                assert!(
                    response.status().is_success(),
                    "{what}: HTTP {}",
                    response.status()
                );
                let disposition = response.headers().get("content-disposition").cloned();
                let bytes = response.bytes().await.expect("a body");
                let json = || serde_json::from_slice::<Value>(&bytes);
                match &action.response {
                    Answer::None => {}
                    Answer::Record => assert!(json().is_ok_and(|v| v.is_object()), "{what}"),
                    Answer::Records => assert!(json().is_ok_and(|v| v.is_array()), "{what}"),
                    Answer::List => {
                        let body = json().expect("JSON");
                        // A bare list may still come as an object holding it.
                        let key = entity.list.as_ref().map(|l| l.key.as_str());
                        let items = match key {
                            Some(key) if body.is_object() => &body[key],
                            _ => &body,
                        };
                        assert!(items.is_array() || items.is_null(), "{what}: {body}");
                    }
                    Answer::Value(_) => assert!(json().is_ok(), "{what}"),
                    Answer::Bytes => {
                        assert!(!bytes.is_empty(), "{what}: a file");
                        assert!(disposition.is_some(), "{what}: named");
                    }
                    Answer::Report => {
                        let body = json().expect("JSON");
                        assert!(body["report"]["rows"].is_array(), "{what}: {body}");
                    }
                }
                called += 1;
            }
        }
        assert!(called >= 10, "the spec's actions: {called}");
    })
    .await;
}
