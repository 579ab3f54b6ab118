//! The API snapshots (`xtask/tests/snapshots/`) mark the fields whose
//! placeholders read as `None`, and the crate root's snapshot lists those
//! placeholders per type. The generator writes both from its own table;
//! this checks them against what the runtime does: every listed placeholder
//! decodes to an unset field, is kept in `extra` and is sent back as it
//! came, and no other candidate value is treated as one.

use std::fs;
use std::path::PathBuf;

use halopsa::runtime::Extra;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn snapshot(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../xtask/tests/snapshots")
        .join(format!("api__{name}.snap"));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `placeholder ids: -1 0 ""` lines of the crate root: (kind, values).
fn legend() -> Vec<(String, Vec<Value>)> {
    snapshot("crate")
        .lines()
        .filter_map(|line| line.strip_prefix("placeholder "))
        .map(|rest| {
            let (kind, values) = rest.split_once(": ").unwrap();
            let values = values
                .split(' ')
                .map(|v| serde_json::from_str(v).unwrap())
                .collect();
            (kind.to_owned(), values)
        })
        .collect()
}

/// Which id types are text (`type WebhookId: TextId<Webhook>` in any snapshot).
fn text_ids() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../xtask/tests/snapshots");
    let mut ids = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        ids.extend(text.lines().filter_map(|line| {
            let (name, ty) = line.strip_prefix("type ")?.split_once(": ")?;
            ty.starts_with("TextId<").then(|| name.to_owned())
        }));
    }
    ids
}

/// The legend's kind of a field type: `Option<ClientId>` is `ids`.
fn kind<'a>(ty: &'a str, text_ids: &[String]) -> &'a str {
    let inner = ty
        .strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty);
    if text_ids.iter().any(|id| id == inner) {
        "text_ids"
    } else if inner.ends_with("Id") {
        "ids"
    } else {
        inner
    }
}

/// Checks every field line of the entity's snapshot; returns how many.
fn check<R: DeserializeOwned + Serialize>(module: &str, extra: fn(&R) -> &Extra) -> usize {
    let legend = legend();
    let text_ids = text_ids();
    // What Halo sends for "not set" anywhere, and real values beside them.
    let candidates = [
        json!(""),
        json!(-1),
        json!(0),
        json!(5),
        json!("1900-01-01T00:00:00"),
        json!("1899-12-30T00:00:00"),
        json!("0001-01-01T00:00:00"),
        json!("2024-05-01T00:00:00"),
    ];
    let mut checked = 0;
    for line in snapshot(module).lines() {
        let Some(rest) = line.strip_prefix("field ") else {
            continue;
        };
        let (name, value) = rest.split_once(": ").unwrap();
        if name == "id" {
            continue;
        }
        let parts: Vec<&str> = value.split("  ").collect();
        let wire: String = serde_json::from_str(parts[1].strip_prefix("wire ").unwrap()).unwrap();
        let expected: &[Value] = if parts.contains(&"placeholders") {
            let kind = kind(parts[0], &text_ids);
            &legend
                .iter()
                .find(|(k, _)| k == kind)
                .unwrap_or_else(|| panic!("{line}: no legend for {kind}"))
                .1
        } else {
            &[]
        };
        assert!(
            expected.iter().all(|value| candidates.contains(value)),
            "{line}: the legend lists a value this test does not send"
        );
        for candidate in &candidates {
            let sent = json!({ "id": 7, wire.as_str(): candidate });
            let placeholder = expected.contains(candidate);
            match serde_json::from_value::<R>(sent.clone()) {
                Ok(record) => {
                    assert_eq!(
                        extra(&record).get(&wire) == Some(candidate),
                        placeholder,
                        "{module}: `{line}` and {candidate}"
                    );
                    if placeholder {
                        // Sent back as it came, not as `null` or left out.
                        let back = serde_json::to_value(&record).unwrap();
                        assert_eq!(back, sent, "{module}: {line}");
                    }
                }
                Err(error) => assert!(
                    !placeholder,
                    "{module}: `{line}` rejects {candidate}: {error}"
                ),
            }
        }
        checked += 1;
    }
    checked
}

/// Checks each record type against its module's snapshot.
macro_rules! check_all {
    ($($ty:ident => $module:literal),* $(,)?) => {
        0 $(+ check::<halopsa::$ty>($module, |record| &record.extra))*
    };
}

#[test]
fn placeholder_marks_are_what_the_runtime_does() {
    let checked = check_all!(
        Action => "action", Agent => "agent", Appointment => "appointment", Asset => "asset",
        Client => "client", ClientContract => "client_contract", Invoice => "invoice",
        Item => "item", KbArticle => "kb_article", Opportunity => "opportunity",
        Project => "project", Quotation => "quotation", Site => "site", Status => "status",
        Supplier => "supplier", Team => "team", Ticket => "ticket", TicketType => "ticket_type",
        TimesheetEvent => "timesheet_event", User => "user",
    );
    assert!(checked > 500, "{checked} fields checked");
}
