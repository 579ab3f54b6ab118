//! Hand-written records for the entities every integration touches: a small
//! MSP with clients, their sites, users and assets, and tickets with actions.
//! Fields are Halo's wire names; those the spec does not type end up in the
//! client's `extra` map, as on a real instance.

use serde_json::{json, Value};

use super::generic::{timestamp, NO_DATE, OLE_ZERO_DATE};
use super::lookups::{self, AGENTS, STATUSES, TEAMS, TICKET_TYPES};
use super::Seeder;
use crate::filters::CLOSED_STATUS;
use crate::store::{halo_timestamp, Record, Store};

const COMPANIES: [&str; 16] = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Estates",
    "Hooli",
    "Vandelay Imports",
    "Soylent Foods",
    "Tyrell Systems",
    "Cyberdyne Labs",
    "Wonka Confectionery",
    "Oscorp Energy",
    "Gringotts Finance",
    "Pied Piper",
    "Dunder Mifflin",
];
const SITES: [&str; 5] = [
    "Head Office",
    "Warehouse",
    "Branch Office",
    "Data Centre",
    "Remote Workers",
];
const FIRST: [&str; 16] = [
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Zoe",
];
const LAST: [&str; 12] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Wright", "Green", "Hall",
];
const SUMMARIES: [&str; 16] = [
    "Printer on second floor not printing",
    "Outlook keeps asking for password",
    "New starter: laptop and accounts",
    "VPN disconnects every few minutes",
    "Laptop battery swelling",
    "Request access to Finance share",
    "Website down",
    "Password reset",
    "Monitor flickering",
    "Teams calls dropping",
    "Backup job failed",
    "Phishing email reported",
    "Replace toner in printer",
    "Install Visio",
    "Slow Wi-Fi in meeting room",
    "Server disk almost full",
];
pub(crate) const PRIORITIES: [(i64, &str); 4] =
    [(1, "Critical"), (2, "High"), (3, "Medium"), (4, "Low")];
pub(crate) const ASSET_TYPES: [(i64, &str); 5] = [
    (1, "Laptop"),
    (2, "Desktop"),
    (3, "Server"),
    (4, "Printer"),
    (5, "Firewall"),
];
pub(crate) const OUTCOMES: [(i64, &str); 4] = [
    (1, "Note"),
    (2, "Email User"),
    (3, "Phone Call"),
    (4, "Resolved"),
];

/// The hand-written part of a record, or an empty one for other entities.
pub(crate) fn record(seeder: &mut Seeder<'_>, store: &Store, entity: &str, id: i64) -> Record {
    if let Some(record) = lookups::record(entity, id) {
        return record;
    }
    let value = match entity {
        "Client" => client(seeder, id),
        "Site" => site(seeder, store, id),
        "User" => user(seeder, store, id),
        "Asset" => asset(seeder, store, id),
        "Ticket" => ticket(seeder, store, id),
        "Action" => action(seeder, store, id),
        _ => json!({}),
    };
    match value {
        Value::Object(map) => map,
        _ => Record::new(),
    }
}

/// Cycles through `names`, numbering the second round on: "Acme Corp 2".
fn nth_name(names: &[&str], id: i64) -> String {
    let index = (id - 1).max(0) as usize;
    let base = names[index % names.len()];
    match index / names.len() {
        0 => base.to_owned(),
        round => format!("{base} {}", round + 1),
    }
}

fn name_of(store: &Store, entity: &str, id: i64) -> Value {
    store
        .record_of(entity, id)
        .and_then(|r| r.get("name"))
        .cloned()
        .unwrap_or(Value::Null)
}

fn owner(owners: &[i64], id: i64) -> i64 {
    owners.get((id - 1).max(0) as usize).copied().unwrap_or(-1)
}

fn domain(name: &str) -> String {
    let slug: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    format!("{slug}.example")
}

fn custom_fields(seeder: &mut Seeder<'_>, department: &str) -> Value {
    let score = seeder.rng.range(1, 5);
    json!([
        {
            "id": 101, "name": "CFDepartment", "label": "Department", "type": 0,
            "inputtype": 0, "value": department, "display": department,
            "searchable": true, "usage": 1
        },
        {
            "id": 102, "name": "CFRiskScore", "label": "Risk score", "type": 2,
            "inputtype": 1, "value": score, "display": score.to_string(),
            "characterlimit": 0, "usage": 1
        },
        {
            "id": 103, "name": "CFRenewalDate", "label": "Renewal date", "type": 3,
            "value": NO_DATE, "display": "", "usage": 4
        }
    ])
}

fn department(seeder: &mut Seeder<'_>) -> &'static str {
    seeder
        .rng
        .pick(&["Finance", "Sales", "Operations", "IT", "HR"])
}

fn client(seeder: &mut Seeder<'_>, id: i64) -> Value {
    let name = nth_name(&COMPANIES, id);
    let main_site = seeder
        .site_client
        .iter()
        .position(|&c| c == id)
        .map_or(-1, |s| s as i64 + 1);
    let dept = department(seeder);
    json!({
        "name": name,
        "toplevel_id": 1,
        "toplevel_name": "Customers",
        "inactive": id % 12 == 0,
        "colour": "#3c8dbc",
        "website": format!("https://www.{}", domain(&name)),
        "accountsemailaddress": format!("accounts@{}", domain(&name)),
        "main_site_id": main_site,
        "main_site_name": SITES[0],
        "accountmanagertech": seeder.rng.range(2, 4),
        "customfields": custom_fields(seeder, dept),
        "datecreated": timestamp(seeder, id),
        "is_vip": id % 5 == 0,
    })
}

fn site(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let client_id = owner(&seeder.site_client, id);
    let first_of_client = seeder.site_client.iter().position(|&c| c == client_id);
    let nth = first_of_client.map_or(0, |first| (id - 1) - first as i64);
    let name = nth_name(&SITES, nth + 1);
    let client_name = name_of(store, "Client", client_id);
    let dept = department(seeder);
    json!({
        "name": name,
        "client_id": client_id,
        "client_name": client_name,
        "clientsite_name": format!("{} / {name}", client_name.as_str().unwrap_or_default()),
        "inactive": false,
        "sla_id": 1,
        "phonenumber": format!("+44 20 7946 {:04}", id % 10_000),
        "timezone": "GMT Standard Time",
        "delivery_address": {
            "line1": format!("{} Example Street", id * 3), "line2": "London",
            "postcode": format!("EC{} 1AA", id % 9 + 1), "primary": true,
            "country": "United Kingdom"
        },
        "customfields": custom_fields(seeder, dept),
        "datecreated": timestamp(seeder, id),
    })
}

fn user(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let site_id = owner(&seeder.user_site, id);
    let client_id = owner(&seeder.site_client, site_id);
    let first = nth_name(&FIRST, seeder.rng.range(1, FIRST.len() as i64));
    let last = seeder.rng.pick(&LAST);
    let client_name = name_of(store, "Client", client_id);
    let email = format!(
        "{}.{}{id}@{}",
        first.to_ascii_lowercase(),
        last.to_ascii_lowercase(),
        domain(client_name.as_str().unwrap_or("example"))
    );
    let dept = department(seeder);
    let last_login = if seeder.rng.one_in(3) {
        json!(NO_DATE)
    } else {
        timestamp(seeder, id * 7)
    };
    json!({
        "name": format!("{first} {last}"),
        "firstname": first,
        "surname": last,
        "emailaddress": email,
        "phonenumber": format!("+44 7700 {:06}", id % 1_000_000),
        "client_id": client_id,
        "client_name": client_name,
        "site_id": site_id,
        "site_name": name_of(store, "Site", site_id),
        "inactive": id % 20 == 0,
        "isimportantcontact": id % 9 == 0,
        "title": "Office Manager",
        "department": dept,
        "customfields": custom_fields(seeder, dept),
        "datecreated": timestamp(seeder, id),
        "lastlogindate": last_login,
    })
}

fn asset(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let site_id = owner(&seeder.asset_site, id);
    let client_id = owner(&seeder.site_client, site_id);
    let (type_id, type_name) = seeder.rng.pick(&ASSET_TYPES);
    let ram = seeder.rng.pick(&[8, 16, 32]);
    json!({
        "inventory_number": format!("AST-{id:06}"),
        "key_field": format!("{}-{id:04}", type_name.to_ascii_uppercase()),
        "key_field2": format!("SN{:010}", seeder.rng.below(10_000_000_000)),
        "client_id": client_id,
        "client_name": name_of(store, "Client", client_id),
        "site_id": site_id,
        "site_name": name_of(store, "Site", site_id),
        "assettype_id": type_id,
        "assettype_name": type_name,
        "status_id": 1,
        "status_name": "Active",
        "inactive": false,
        "parent_id": -1,
        "fields": [
            { "id": 1, "name": "Serial Number", "value": format!("SN-{id}"),
              "display": format!("SN-{id}") },
            { "id": 2, "name": "RAM (GB)", "value": ram, "display": ram.to_string() }
        ],
        "warranty_end": timestamp(seeder, id * 90),
    })
}

fn ticket(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let user_id = seeder.any_id("User");
    let site_id = owner(&seeder.user_site, user_id);
    let client_id = owner(&seeder.site_client, site_id);
    let user = store.record_of("User", user_id);
    // Four in ten tickets are closed; the rest spread over the open states.
    let (status_id, status_name) = if seeder.rng.below(10) < 4 {
        STATUSES[STATUSES.len() - 1]
    } else {
        seeder.rng.pick(&STATUSES[..STATUSES.len() - 1])
    };
    let (priority_id, priority_name) = seeder.rng.pick(&PRIORITIES);
    let (type_id, type_name) = seeder.rng.pick(&TICKET_TYPES);
    let (agent_id, agent_name) = seeder.rng.pick(&AGENTS);
    let (team_id, team_name) = seeder.rng.pick(&TEAMS);
    let opened = seeder.moment(id * 10);
    let opened_text = halo_timestamp(opened.and_utc());
    let closed = if status_id == CLOSED_STATUS {
        timestamp(seeder, id * 10 + 240)
    } else {
        json!(NO_DATE)
    };
    let dept = department(seeder);
    // Some endpoints send ids as strings.
    let client_ref = if id % 10 == 0 {
        json!(client_id.to_string())
    } else {
        json!(client_id)
    };
    let tags = if id % 4 == 0 {
        json!([{ "id": 1, "text": "vip" }])
    } else {
        json!([])
    };
    // Tickets raised by monitoring have no end user: Halo sends `0`.
    let (user_id, user) = if id % 25 == 13 {
        (0, None)
    } else {
        (user_id, user)
    };
    let field = |name: &str| {
        user.and_then(|u| u.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let who = json!({
        "summary": seeder.rng.pick(&SUMMARIES),
        "details": "Reported by phone. User says it started this morning.",
        "client_id": client_ref,
        "client_name": name_of(store, "Client", client_id),
        "site_id": site_id,
        "site_name": name_of(store, "Site", site_id),
        "user_id": user_id,
        "user_name": field("name"),
        "user_email": field("emailaddress"),
        "reportedby": field("name"),
        "agent_id": agent_id,
        "agent_name": agent_name,
        "team": team_name,
        "team_id": team_id,
        "parent_id": -1,
        "child_count": 0,
    });
    let what = json!({
        "tickettype_id": type_id,
        "tickettype_name": type_name,
        "status_id": status_id,
        "status_name": status_name,
        "priority_id": priority_id,
        "priority_name": priority_name,
        "sla_id": 1,
        "sla_name": "Standard SLA",
        "impact": 3,
        "urgency": 3,
        "category_1": "Hardware",
        "onhold": false,
        "flagged": id % 10 == 3,
        "deleted": false,
        "workflow_id": 1,
        "workflow_step": 2,
        "pipeline_stage_id": -1,
        "slastate": "I",
        "isbillable": true,
    });
    let when = json!({
        "dateoccurred": opened_text,
        "datecreated": opened_text,
        "dateclosed": closed,
        "deadlinedate": NO_DATE,
        "lastactiondate": timestamp(seeder, id * 10 + 30),
        "last_update": timestamp(seeder, id * 10 + 60),
        // The OLE automation zero date: Halo's other "never".
        "auditdate": OLE_ZERO_DATE,
        "reviewed_date": if id % 5 == 0 { timestamp(seeder, id * 10 + 90) } else { json!(OLE_ZERO_DATE) },
        "estimate": seeder.rng.below(8) as f64 / 4.0,
        "timetaken": seeder.rng.below(12) as f64 / 4.0,
        "customfields": custom_fields(seeder, dept),
        "tags": tags,
        "attachments": [],
        "assets": [],
    });
    merge([who, what, when])
}

/// One object from several (the `json!` macro nests too deep for one).
fn merge<const N: usize>(parts: [Value; N]) -> Value {
    let mut all = Record::new();
    for part in parts {
        if let Value::Object(map) = part {
            all.extend(map);
        }
    }
    Value::Object(all)
}

fn action(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let tickets = seeder.count("Ticket").max(1) as i64;
    let ticket_id = ((id - 1) / 2 + 1).min(tickets);
    let (outcome_id, outcome) = seeder.rng.pick(&OUTCOMES);
    let agent = store
        .record_of("Ticket", ticket_id)
        .and_then(|t| t.get("agent_id"))
        .cloned()
        .unwrap_or(json!(1));
    json!({
        // Actions carry their ticket's id as a string.
        "ticket_id": ticket_id.to_string(),
        "outcome": outcome,
        "outcome_id": outcome_id,
        "datetime": timestamp(seeder, ticket_id * 10 + id % 2 * 30),
        "note": format!("{outcome}: followed up with the user."),
        "actionby_agent_id": agent,
        // An agent's action: no end user and no asset, which Halo sends as 0.
        "actionby_user_id": 0,
        "asset_id": 0,
        "hiddenfromuser": id % 2 == 0,
        "important": false,
        "timetaken": 0.25,
        "actisbillable": true,
        "actiondatecreated": timestamp(seeder, ticket_id * 10 + 1),
    })
}
