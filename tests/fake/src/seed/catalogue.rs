//! Hand-written records for the configuration and billing collections:
//! action types, SLAs and their priorities, categories, asset types, top
//! levels, field definitions, lookup tables, timesheets, CRM notes,
//! recurring invoices, licences, payments and orders. The lookup-like ones
//! carry the ids and names tickets, actions, assets and clients already
//! refer to, so every reference resolves; the rest point at seeded records.

use serde_json::{json, Value};

use super::generic::NO_DATE;
use super::realistic::{ASSET_TYPES, OUTCOMES, PRIORITIES};
use super::Seeder;
use crate::filters::CLOSED_STATUS;
use crate::store::{Record, Store};

/// (id, name) of the service level agreements; tickets and sites use SLA 1.
pub(crate) const SLAS: [(i64, &str); 3] = [
    (1, "Standard SLA"),
    (2, "Premium SLA"),
    (3, "Best Endeavours"),
];

/// (id, name) of the top levels; every seeded client sits under 1.
pub(crate) const TOP_LEVELS: [(i64, &str); 3] =
    [(1, "Customers"), (2, "Internal"), (3, "Prospects")];

/// (id, category list 1 to 4, value) of the category values.
pub(crate) const CATEGORIES: [(i64, i64, &str); 6] = [
    (1, 1, "Hardware"),
    (2, 1, "Hardware>Printer"),
    (3, 1, "Software"),
    (4, 1, "Network"),
    (5, 2, "Billing"),
    (6, 2, "Access request"),
];

/// (id, lookup table, name) of the lookup values. Halo numbers values
/// within each table; the fake numbers them across tables, so a value is
/// still only found under the table it belongs to.
pub(crate) const LOOKUP_VALUES: [(i64, i64, &str); 6] = [
    (1, IMPACT_LOOKUP, "Whole company"),
    (2, IMPACT_LOOKUP, "A site"),
    (3, IMPACT_LOOKUP, "One user"),
    (4, URGENCY_LOOKUP, "High"),
    (5, URGENCY_LOOKUP, "Medium"),
    (6, URGENCY_LOOKUP, "Low"),
];
/// The lookup table of impact levels.
pub(crate) const IMPACT_LOOKUP: i64 = 8;
/// The lookup table of urgency levels.
pub(crate) const URGENCY_LOOKUP: i64 = 9;

/// The custom field definitions behind the `customfields` every seeded
/// client, site and user carries: (id, name, label, type).
const FIELDS: [(i64, &str, &str, i64); 3] = [
    (101, "CFDepartment", "Department", 0),
    (102, "CFRiskScore", "Risk score", 2),
    (103, "CFRenewalDate", "Renewal date", 3),
];

/// The agents with timesheets (agent 1 is the "Unassigned" placeholder).
const TIMESHEET_AGENTS: [i64; 3] = [2, 3, 4];
/// The days each of them has a timesheet for, from 2024-01-01.
const TIMESHEET_DAYS: i64 = 3;

/// The ids of the collections seeded from a fixed table.
pub(crate) fn fixed_ids(entity: &str) -> Option<Vec<i64>> {
    let ids = |n: usize| (1..=n as i64).collect();
    match entity {
        "Outcome" => Some(OUTCOMES.iter().map(|(id, _)| *id).collect()),
        "Sla" => Some(SLAS.iter().map(|(id, _)| *id).collect()),
        // One priority per SLA and priority number.
        "Priority" => Some(ids(SLAS.len() * PRIORITIES.len())),
        "Category" => Some(CATEGORIES.iter().map(|(id, ..)| *id).collect()),
        "AssetType" => Some(ASSET_TYPES.iter().map(|(id, _)| *id).collect()),
        "TopLevel" => Some(TOP_LEVELS.iter().map(|(id, _)| *id).collect()),
        "FieldInfo" => Some(FIELDS.iter().map(|(id, ..)| *id).collect()),
        "Lookup" => Some(LOOKUP_VALUES.iter().map(|(id, ..)| *id).collect()),
        "Timesheet" => Some(ids(TIMESHEET_AGENTS.len() * TIMESHEET_DAYS as usize)),
        _ => None,
    }
}

/// The hand-written part of a record of `entity`, if it is one of these.
pub(crate) fn record(
    seeder: &mut Seeder<'_>,
    store: &Store,
    entity: &str,
    id: i64,
) -> Option<Record> {
    let value = match entity {
        "Outcome" => outcome(id),
        "Sla" => sla(id),
        "Priority" => priority(id),
        "Category" => category(id),
        "AssetType" => asset_type(id),
        "TopLevel" => top_level(id),
        "FieldInfo" => field_info(id),
        "Lookup" => lookup_value(id),
        "Timesheet" => timesheet(store, id),
        "CrmNote" => crm_note(seeder, store, id),
        "RecurringInvoice" => recurring_invoice(seeder, store, id),
        "SoftwareLicence" => licence(seeder, store, id),
        "InvoicePayment" => payment(seeder, store, id),
        "PurchaseOrder" => purchase_order(seeder, store, id),
        "SalesOrder" => sales_order(seeder, store, id),
        _ => return None,
    };
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn name_in(table: &[(i64, &'static str)], id: i64) -> &'static str {
    table
        .iter()
        .find(|(known, _)| *known == id)
        .map_or("Other", |(_, name)| name)
}

fn name_of(store: &Store, entity: &str, id: i64) -> Value {
    store
        .record_of(entity, id)
        .and_then(|record| record.get("name"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// A seeded client, cycling through them by `id`.
fn client_for(seeder: &Seeder<'_>, id: i64) -> i64 {
    let clients = seeder.count("Client").max(1) as i64;
    (id - 1).rem_euclid(clients) + 1
}

fn outcome(id: i64) -> Value {
    let name = name_in(&OUTCOMES, id);
    let resolves = name == "Resolved";
    json!({
        "outcome": name,
        "buttonname": name,
        "labellong": format!("Add a {} action", name.to_ascii_lowercase()),
        "sequence": id * 10,
        "colour": if resolves { "#4caf50" } else { "#2196f3" },
        "hidden": false,
        "systemid": if resolves { 6 } else { 0 },
        // Resolving closes the ticket; the rest leave its status alone.
        "newstatus": if resolves { CLOSED_STATUS } else { -1 },
        "defaultagent": -1,
        "defaultteam": "",
        "sendemail": i64::from(name == "Email User") * 2,
        "isimportant": false,
        "hidefromuser": name == "Note",
        "mustaddnote": true,
        "slaholdischecked": false,
        "slareleaseischecked": resolves,
        "isbillingaction": name == "Phone Call",
        "chargerate": 0,
        "workflow_id": 0,
        "usetimer": false,
        "guid": format!("0c1d2e3f-0000-4000-8000-{:012x}", id),
    })
}

fn sla(id: i64) -> Value {
    json!({
        "name": name_in(&SLAS, id),
        "workday_id": 1,
        "workday_name": "Office hours",
        "hoursaretechslocaltime": false,
        "trackslaresponsetime": true,
        "trackslafixbytime": id != 3,
        "responsereset": false,
        "autoreleaseoption": id == 2,
        "autoreleaselimit": if id == 2 { 48 } else { 0 },
        "statusafterautorelease": if id == 2 { 2 } else { -1 },
        "dontsendholdreminders": false,
    })
}

/// Priority `row` is priority number `(row - 1) % 4 + 1` of SLA
/// `(row - 1) / 4 + 1`; its id is a UUID the store assigns.
fn priority(row: i64) -> Value {
    let per_sla = PRIORITIES.len() as i64;
    let sla = (row - 1) / per_sla + 1;
    let number = (row - 1) % per_sla + 1;
    // Premium answers twice as fast as standard.
    let speed = if sla == 2 { 0.5 } else { 1.0 };
    let colour = ["#f44336", "#ff9800", "#ffc107", "#8bc34a"][(number - 1) as usize % 4];
    json!({
        "priorityid": number,
        "slaid": sla,
        "sla_guid": format!("5a1a0000-0000-4000-8000-{sla:012x}"),
        "name": name_in(&PRIORITIES, number),
        "colour": colour,
        "ishidden": false,
        "responsetime": number as f64 * speed,
        "responseunits": "hours",
        "fixtime": (number * 4) as f64 * speed,
        "fixunits": "hours",
        "fixendofday": number == 4,
        "responseendofday": false,
        "enterslaexcuse": number <= 2,
        "enterslaresponseexcuse": false,
    })
}

fn category(id: i64) -> Value {
    let (list, value) = CATEGORIES
        .iter()
        .find(|(known, ..)| *known == id)
        .map_or((1, "Other"), |(_, list, value)| (*list, *value));
    json!({
        "value": value,
        "category_name": format!("Category {list}"),
        "type_id": list,
        "category_group_id": 0,
        "sla_id": 1,
        "priority_id": if value.starts_with("Network") { 2 } else { 3 },
        "note": "",
        "include_note": false,
    })
}

fn asset_type(id: i64) -> Value {
    let name = name_in(&ASSET_TYPES, id);
    json!({
        "name": name,
        "assetgroup_id": if id <= 3 { 1 } else { 2 },
        "assetgroup_name": if id <= 3 { "Computers" } else { "Network and print" },
        "keyfield_id": 1,
        "keyfield_name": "Device name",
        "keyfield2_name": "Serial number",
        "keyfield3_name": "",
        "tagprefix": name.to_ascii_uppercase(),
        "show_to_users": id != 5,
        "enableresourcebooking": false,
        "fields": [
            { "id": 1, "name": "Serial Number", "mandatory": true },
            { "id": 2, "name": "RAM (GB)", "mandatory": false }
        ],
    })
}

fn top_level(id: i64) -> Value {
    let name = name_in(&TOP_LEVELS, id);
    json!({
        "name": name,
        "long_name": format!("{name} of the service desk"),
        "notes": "",
        "type": 0,
        "organisation_id": 1,
        "organisation_name": "Example MSP",
        "parentid": -1,
        "user_count": if id == 1 { 120 } else { 0 },
    })
}

fn field_info(id: i64) -> Value {
    let (name, label, kind) = FIELDS
        .iter()
        .find(|(known, ..)| *known == id)
        .map_or(("CFOther", "Other", 0), |(_, name, label, kind)| {
            (*name, *label, *kind)
        });
    let values = if name == "CFDepartment" {
        json!([{ "id": 1, "name": "Finance" }, { "id": 2, "name": "Sales" },
               { "id": 3, "name": "Operations" }, { "id": 4, "name": "IT" },
               { "id": 5, "name": "HR" }])
    } else {
        json!([])
    };
    json!({
        "name": name,
        "label": label,
        "summary": format!("The {}", label.to_ascii_lowercase()),
        "type": kind,
        "inputtype": i64::from(kind == 2),
        "usage": 1,
        "custom": 1,
        "mandatory": false,
        "searchable": name == "CFDepartment",
        "onlyshowforagents": name == "CFRiskScore",
        "characterlimit": 0,
        "lookup": 0,
        "values": values,
        "tab_name": "Details",
        "seq": id - 100,
    })
}

fn lookup_value(id: i64) -> Value {
    let (table, name) = LOOKUP_VALUES
        .iter()
        .find(|(known, ..)| *known == id)
        .map_or((0, "Other"), |(_, table, name)| (*table, *name));
    json!({
        "lookupid": table,
        "name": name,
        "sequence": id,
        "inactive": false,
        "value2": "",
        "valueint1": 0,
    })
}

/// Timesheet `row` is day `(row - 1) % 3` from 2024-01-01 of the `(row -
/// 1) / 3`-th agent with timesheets.
fn timesheet(store: &Store, row: i64) -> Value {
    let agent = TIMESHEET_AGENTS[((row - 1) / TIMESHEET_DAYS) as usize % TIMESHEET_AGENTS.len()];
    let day = (row - 1) % TIMESHEET_DAYS + 1;
    let date = format!("2024-01-{day:02}");
    // Later agents take longer lunches: 0.5, 0.75 and 1 hour.
    let break_hours = 0.25 * (agent as f64);
    json!({
        "agent_id": agent,
        "agent_name": name_of(store, "Agent", agent),
        "date": format!("{date}T00:00:00"),
        "start_time": format!("{date}T08:30:00Z"),
        "end_time": format!("{date}T17:00:00Z"),
        "estimated_start_time": NO_DATE,
        "target_hours": 7.5,
        "actual_hours": 8.5,
        "break_hours": break_hours,
        "allowed_break_hours": 1.0,
        "work_hours": 8.5 - break_hours,
        "chargeable_hours": 6.0,
        "unlogged_hours": 2.5 - break_hours,
        "percentage": 80.0,
        "workdayid": 1,
        "timesheet_manager": 2,
        "events": [],
    })
}

fn crm_note(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let client_id = client_for(seeder, id);
    let agent = seeder.rng.range(2, 4);
    let (kind, detail) = [
        ("Call", "Discussed the renewal of the support contract."),
        (
            "Meeting",
            "Quarterly review: ticket volumes and satisfaction.",
        ),
        ("Email", "Sent the proposal for the new firewall."),
    ][(id as usize - 1) % 3];
    json!({
        "client_id": client_id,
        "client_name": name_of(store, "Client", client_id),
        "site_id": -1,
        "user_id": -1,
        "supplier_id": -1,
        "ticketid": 0,
        "who_agentid": agent,
        "datetime": format!("2024-02-{:02}T10:00:00Z", id % 28 + 1),
        "note": format!("{kind}: {detail}"),
        "detail": format!("<p><b>{kind}</b>: {detail}</p>"),
        "timetaken": 0.5,
        "nextcalldate": NO_DATE,
    })
}

/// Invoice lines as Halo sends them: each names its header in `ihid`.
fn lines(header: i64, first_line: i64, items: &[(&str, f64, f64)]) -> Value {
    let lines: Vec<Value> = items
        .iter()
        .zip(first_line..)
        .map(|((description, quantity, price), line)| {
            let net = quantity * price;
            json!({
                "id": line,
                "ihid": header,
                "item_shortdescription": description,
                "qty_order": quantity,
                "unit_price": price,
                "net_amount": net,
                "tax_amount": net * 0.2,
                "total_price": net * 1.2,
                "tax_code": "20.0% S",
            })
        })
        .collect();
    Value::Array(lines)
}

fn recurring_invoice(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let client_id = client_for(seeder, id);
    let seats = seeder.rng.range(5, 40) as f64;
    let items = [
        ("Managed service per user", seats, 35.0),
        ("Backup storage (TB)", 2.0, 60.0),
    ];
    let net: f64 = items.iter().map(|(_, q, p)| q * p).sum();
    json!({
        "client_id": client_id,
        "client_name": name_of(store, "Client", client_id),
        "site_name": "Head Office",
        "contract_id": -1,
        "reference": format!("MSA-{id:04}"),
        "startdate": "2024-01-01T00:00:00",
        "enddate": NO_DATE,
        "period": 1,
        "periodname": "Monthly",
        "nextcreationdate": format!("2024-{:02}-01T00:00:00", id % 11 + 2),
        "lastcreated": NO_DATE,
        "due_date_int": 30,
        "due_date_type": 0,
        "take_auto_payment": id % 2 == 0,
        "currency": "GBP",
        "total": net * 1.2,
        "tax_total": net * 0.2,
        "notes_1": "Thank you for your business.",
        "is_recurring_invoice": true,
        "lines": lines(id, id * 10, &items),
    })
}

fn licence(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let client_id = client_for(seeder, id);
    let (name, vendor) = [
        ("Microsoft 365 Business Premium", "Microsoft"),
        ("Adobe Acrobat Pro", "Adobe"),
        ("ESET Endpoint Security", "ESET"),
    ][(id as usize - 1) % 3];
    let seats = seeder.rng.range(5, 50);
    let used = seats - seeder.rng.range(0, 4);
    json!({
        "name": name,
        "type": 1,
        "client_id": client_id,
        "client_name": name_of(store, "Client", client_id),
        "site_id": -1,
        "supplier_id": -1,
        "vendor": vendor,
        "manufacturer": vendor,
        "count": seats,
        "licences_in_use": used,
        "licences_available": seats - used,
        "start_date": "2024-01-01T00:00:00",
        "end_date": "2024-12-31T00:00:00",
        "autorenew": true,
        "billing_cycle": "Monthly",
        "term_duration": "P1Y",
        "price": 18.1,
        "purchase_price": 15.2,
        "is_active": true,
    })
}

fn payment(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let invoices = seeder.count("Invoice").max(1) as i64;
    let invoice_id = (id - 1) % invoices + 1;
    let client_id = store
        .record_of("Invoice", invoice_id)
        .and_then(|invoice| invoice.get("client_id"))
        .cloned()
        .unwrap_or(json!(-1));
    json!({
        "invoice_id": invoice_id,
        "invoice_invoicenumber": format!("INV-{invoice_id:05}"),
        "client_id": client_id,
        "amount": 120.0 * id as f64,
        "date": format!("2024-03-{:02}T09:00:00Z", id % 28 + 1),
        "method": 1,
        "status": 1,
        "thirdpartyid": format!("PAY-{id:06}"),
        "intent_id": "",
    })
}

fn purchase_order(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let client_id = client_for(seeder, id);
    let supplier_id = seeder.any_id("Supplier");
    let open = id % 3 != 0;
    json!({
        "po_ref": format!("PO-{id:05}"),
        "supplier_id": supplier_id,
        "supplier_name": name_of(store, "Supplier", supplier_id),
        "client_id": client_id,
        "client_name": name_of(store, "Client", client_id),
        "site_id": -1,
        "user_id": -1,
        "ticket_id": -1,
        "salesorder_id": -1,
        "date": format!("2024-04-{:02}T00:00:00", id % 28 + 1),
        "status": if open { 1 } else { 4 },
        "requires_approval": false,
        "currency": "GBP",
        "total": 1080.0,
        "tax_total": 180.0,
        "note": "Deliver to reception.",
        "lines": [{
            "id": id * 10, "purchaseorder_id": id, "name": "Business laptop",
            "productcode": "LT-14", "baseprice": 900.0, "quantity_received": 0.0,
            "net_total": 900.0, "total_tax": 180.0, "total_price": 1080.0,
            "assettype_id": 1
        }],
    })
}

fn sales_order(seeder: &mut Seeder<'_>, store: &Store, id: i64) -> Value {
    let client_id = client_for(seeder, id);
    let open = id % 3 != 0;
    json!({
        "title": format!("Laptop refresh {id}"),
        "client_id": client_id,
        "client_name": name_of(store, "Client", client_id),
        "site_id": -1,
        "user_id": -1,
        "ticket_id": -1,
        "quotation_id": seeder.any_id("Quotation"),
        "po_number": format!("CUST-PO-{id:04}"),
        "date": format!("2024-04-{:02}T00:00:00", id % 28 + 1),
        "status": 1,
        "open_status": i64::from(!open),
        "currency": "GBP",
        "total": 1440.0,
        "tax_total": 240.0,
        "cost": 900.0,
        "profit": 300.0,
        "lines": [{
            "id": id * 10, "salesorder_id": id, "name": "Business laptop",
            "productcode": "LT-14", "baseprice": 1200.0, "costprice": 900.0,
            "net_total": 1200.0, "total_tax": 240.0, "total_price": 1440.0,
            "quantity_shipped": 0.0, "invoiced_quantity": 0.0, "item_recurring": false
        }],
    })
}
