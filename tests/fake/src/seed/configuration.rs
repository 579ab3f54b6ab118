//! Hand-written parts of the records of an instance's service catalogue and
//! configuration (services, roles, working hours, webhook deliveries, ...):
//! the values a reader checks, and those whose shape a generated value would
//! get wrong (a to-do's ticket, a webhook subscription's delivery method, a
//! delivery's request and answer). The generic seeder fills in the rest.

use serde_json::{json, Value};

use super::generic::timestamp;
use super::Seeder;
use crate::store::{text_id, Record};

/// Delivery method 6: posted to a webhook (Halo's code, as
/// django-psa-connector registers its callbacks).
const BY_WEBHOOK: i64 = 6;

/// The hand-written part of a record, or an empty one for other entities.
pub(crate) fn record(seeder: &mut Seeder<'_>, entity: &str, id: i64) -> Record {
    let value = match entity {
        "Service" => json!({
            "name": nth(&["Email", "VPN", "Printing", "Line of business app", "Backups"], id),
            "current_status": 1,
            "subscribable": true,
        }),
        "Release" => json!({
            "name": format!("2.{id}.0"),
            "major_version_number": 2,
            "minor_version_number": id,
            "patch_version_number": 0,
        }),
        "Role" => json!({
            "name": nth(&["Administrator", "Service Desk", "Engineer", "Finance", "Read Only"], id),
            "id_int": id,
        }),
        "Workday" => workday(id),
        "CustomTable" => json!({
            "name": nth(&["Licences", "Contacts", "Circuits", "Domains", "Certificates"], id),
            "db_name": format!("CUSTOMTABLE{id}"),
        }),
        "AssetGroup" => json!({
            "name": nth(&["Hardware", "Software", "Network", "Mobile", "Cloud"], id),
        }),
        "TagDefinition" => json!({
            "text": nth(&["vip", "printer", "onboarding", "security", "billing"], id),
        }),
        "Todo" => json!({
            // Two to-dos a ticket, so listing by ticket really filters.
            "ticket_id": (id + 1) / 2,
            "text": nth(&["Back up the mailbox", "Order the laptop", "Create accounts",
                          "Ship the laptop", "Book the training"], id),
            "done": id % 2 == 1,
            "sequence": (id - 1) % 2 + 1,
        }),
        "BillingTemplate" => json!({
            "name": nth(&["Monthly support", "Pre-pay hours", "Per user", "Per device",
                          "Project"], id),
        }),
        "Cab" => json!({
            "name": nth(&["Change board", "Emergency board", "Finance board"], id),
            "members": [
                { "id": id * 10, "cab_id": id, "agent_id": 2, "member_name": "Sam Admin",
                  "is_mandatory": true },
                { "id": id * 10 + 1, "cab_id": id, "agent_id": 3, "member_name": "Priya Tech",
                  "is_mandatory": false },
            ],
        }),
        "TicketRule" => json!({
            "name": nth(&["Printers to second line", "VIP to service desk", "Security alerts",
                          "New starters", "Backups"], id),
            "precedence": id,
        }),
        "Workflow" => json!({
            "name": nth(&["Incident", "Change", "New starter", "Leaver", "Project"], id),
        }),
        "ViewList" => json!({
            "name": nth(&["My open tickets", "Unassigned", "Awaiting user", "Overdue",
                          "Changes"], id),
            "use": "reqs",
        }),
        "Notification" => json!({
            "name": format!("Ticket updated (webhook {id})"),
            "eventno": 61,
            "delivery_method": BY_WEBHOOK,
            "webhook_id": webhook_id(id),
        }),
        "WebhookEvent" => webhook_event(seeder, id),
        _ => json!({}),
    };
    match value {
        Value::Object(map) => map,
        _ => Record::new(),
    }
}

/// Monday to Friday, nine to half past five.
fn workday(id: i64) -> Value {
    let weekdays = [
        "incmonday",
        "inctuesday",
        "incwednesday",
        "incthursday",
        "incfriday",
    ];
    let mut record = json!({
        "name": nth(&["UK office hours", "US office hours", "24/7", "Weekends", "Support"], id),
        "timezone": "GMT Standard Time",
        "alldayssame": true,
        "start": "1900-01-01T09:00:00",
        "end": "1900-01-01T17:30:00",
        "incsaturday": false,
        "incsunday": false,
    });
    for day in weekdays {
        record[day] = json!(true);
    }
    record
}

/// A delivery of the ticket webhook of notification `id` (every third
/// fails), with the request and the answer as Halo logs them: text.
fn webhook_event(seeder: &mut Seeder<'_>, id: i64) -> Value {
    let failed = id % 3 == 0;
    let (status, answer) = if failed {
        (500, r#"{"error":"receiver unavailable"}"#)
    } else {
        (200, r#"{"ok":true}"#)
    };
    json!({
        "webhook_id": webhook_id(id),
        "timestamp": timestamp(seeder, id * 15),
        "requestheaders": "Content-Type: application/json",
        "requestbody": format!(r#"[{{"id":{id},"summary":"Printer on fire"}}]"#),
        "responsestatus": status,
        "responsebody": answer,
        "error": failed,
        "entity_id": id,
    })
}

/// The (uuid) id of the webhook that notification `id` posts to.
fn webhook_id(id: i64) -> String {
    text_id("Webhook", id)
}

/// Cycles through `names`, numbering the second round on.
fn nth(names: &[&str], id: i64) -> String {
    let index = (id - 1).max(0) as usize;
    let base = names[index % names.len()];
    match index / names.len() {
        0 => base.to_owned(),
        round => format!("{base} {}", round + 1),
    }
}
