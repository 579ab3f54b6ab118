//! Hand-written records of the collections beyond the everyday ones:
//! attachments with their files, saved reports, webhooks and the instance's
//! settings. Like the rest of the seed, the same plan gives the same data.

use base64::Engine;
use serde_json::{json, Value};

use super::Seeder;
use crate::store::Record;

/// The hand-written part of a record, or an empty one for other entities.
pub(crate) fn record(seeder: &mut Seeder<'_>, entity: &str, id: i64) -> Record {
    let value = match entity {
        "Attachment" => attachment(seeder, id),
        "Report" => report(id),
        "Webhook" => webhook(id),
        "Control" => control(),
        _ => json!({}),
    };
    match value {
        Value::Object(map) => map,
        _ => Record::new(),
    }
}

/// A small text file on one of the first tickets.
fn attachment(seeder: &mut Seeder<'_>, id: i64) -> Value {
    let tickets = seeder.count("Ticket").max(1) as i64;
    let ticket = (id - 1) % tickets + 1;
    let text = format!("Notes {id} for ticket {ticket}.\nSeeded by the fake HaloPSA server.\n");
    json!({
        "filename": format!("notes-{id}.txt"),
        "content_type": "text/plain",
        "isimage": false,
        "ticket_id": ticket,
        "action_id": 0,
        "desc": format!("Notes {id}"),
        "data_base64": base64::engine::general_purpose::STANDARD.encode(text),
    })
}

/// Saved reports over the fake's own tables (see `report/`).
fn report(id: i64) -> Value {
    const REPORTS: [(&str, &str); 3] = [
        (
            "Open tickets",
            "SELECT id, summary, client_id FROM FAULTS WHERE status_id = 1",
        ),
        ("Clients", "SELECT id, name FROM AREA ORDER BY name"),
        ("Agents", "SELECT id, name, email FROM UNAME"),
    ];
    let (name, sql) = REPORTS[(id - 1).rem_euclid(REPORTS.len() as i64) as usize];
    json!({
        "name": name,
        "sql": sql,
        "description": format!("{name}, as a table."),
        "type": 0,
        "group_id": 1,
        "group_name": "Service desk",
        "is_published": false,
        "published_id": "",
        "pdf_attachment_id": -1,
        "report": null,
    })
}

fn webhook(id: i64) -> Value {
    json!({
        "name": format!("Ticket updates {id}"),
        "url": format!("https://hooks.example.com/halo/{id}"),
        "type": 0,
        "method": 1,
        "content_type": "application/json",
        "authentication_type": 0,
        "active": true,
        "disabled": false,
        "last_status": 200,
    })
}

fn control() -> Value {
    json!({
        "appname": "Fake Halo",
        "app_version": "2.190.1",
        "database_version": "2.190.1",
        "license_name": "Fake Halo Enterprise",
        "license_count": 25,
        "concurrent_license_count": 0,
        "trial_expires": "1900-01-01T00:00:00",
        "portal_url": "https://support.example.com",
        "defaultcurrency": "GBP",
        "defaultSiteTimezone": "GMT Standard Time",
        "customers_label": "Clients",
        "category_1_label": "Category",
        "category_2_label": "Sub-category",
        "category_3_label": "Cause",
        "category_4_label": "Resolution",
        "show_toplevels": true,
        "default_estimate": 1.0,
    })
}
