//! The lookups tickets refer to (statuses, ticket types, agents, teams),
//! with the ids a typical instance has, so every reference resolves.

use serde_json::{json, Value};

use crate::filters::CLOSED_STATUS;
use crate::store::Record;

/// (id, name) pairs as configured on a typical instance; ticket seeds pick
/// from these.
pub(crate) const STATUSES: [(i64, &str); 6] = [
    (1, "New"),
    (2, "In Progress"),
    (3, "Action Required"),
    (4, "Waiting on User"),
    (5, "Updated"),
    (CLOSED_STATUS, "Closed"),
];
pub(crate) const TICKET_TYPES: [(i64, &str); 4] = [
    (1, "Incident"),
    (2, "Problem"),
    (3, "Service Request"),
    (4, "Change Request"),
];
pub(crate) const AGENTS: [(i64, &str); 4] = [
    (1, "Unassigned"),
    (2, "Sam Admin"),
    (3, "Priya Tech"),
    (4, "Lee Engineer"),
];
pub(crate) const TEAMS: [(i64, &str); 3] =
    [(1, "Service Desk"), (2, "Second Line"), (3, "Projects")];

/// The ids of the lookups tickets refer to, as configured on an instance.
pub(crate) fn fixed_ids(entity: &str) -> Option<Vec<i64>> {
    let ids = |table: &[(i64, &str)]| table.iter().map(|(id, _)| *id).collect();
    match entity {
        "Status" => Some(ids(&STATUSES)),
        "TicketType" => Some(ids(&TICKET_TYPES)),
        "Agent" => Some(ids(&AGENTS)),
        "Team" => Some(ids(&TEAMS)),
        _ => None,
    }
}

/// A lookup record: the table's name for `id`, plus `rest(name)`.
fn lookup(table: &[(i64, &str)], id: i64, rest: impl Fn(&str) -> Value) -> Value {
    let name = table
        .iter()
        .find(|(known, _)| *known == id)
        .map_or("Other", |(_, name)| *name);
    let mut record = rest(name);
    record["name"] = json!(name);
    record
}

/// The record of lookup `entity` with this id, if `entity` is a lookup.
pub(crate) fn record(entity: &str, id: i64) -> Option<Record> {
    let value = match entity {
        "Status" => lookup(&STATUSES, id, |name| {
            json!({
                "shortname": name.chars().take(3).collect::<String>(),
                "type": u8::from(id == CLOSED_STATUS),
                "sequence": id,
                "colour": "#8bc34a",
                "slaaction": "Release",
            })
        }),
        "TicketType" => lookup(&TICKET_TYPES, id, |_| {
            json!({
                "use": "reqs",
                "sequence": id,
                "itilrequesttype": id,
                "visible": true,
                "initial_status": 1,
                "agentscanselect": true,
            })
        }),
        "Agent" => lookup(&AGENTS, id, |name| {
            let (first, last) = name.split_once(' ').unwrap_or((name, ""));
            json!({
                "firstname": first,
                "surname": last,
                "email": format!("{}@msp.example", first.to_ascii_lowercase()),
                // Halo's agent 1 is the "Unassigned" placeholder.
                "is_agent": id != 1,
                "isdisabled": false,
                "team": TEAMS[0].1,
                "linemanager": -1,
            })
        }),
        "Team" => lookup(
            &TEAMS,
            id,
            |_| json!({ "sequence": id, "forrequests": true, "inactive": false }),
        ),
        _ => return None,
    };
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}
