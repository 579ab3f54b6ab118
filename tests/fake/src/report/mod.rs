//! `POST /api/Report` with `_loadreportonly`: Halo's SQL reports, run over
//! the fake's own tables with the small SQL of `sql.rs`.
//!
//! Tables are named as in Halo's database where public queries name them
//! (`FAULTS` for tickets, `AREA` for clients; the table names are the
//! models of Halo's API document), or by a collection's path or entity
//! name (`Tickets`, `Ticket`). Columns are the fake's record fields, named
//! as the API names them (`summary`, `client_id`), not as Halo's database
//! does (`symptom`, `areaint`). A table holds every stored record, deleted
//! ones included, as a database would.
//!
//! The answer has Halo's shape: the report definition with
//! `available_columns`, and `report.rows`; an SQL error answers 200 with
//! the message in `report.load_error`. The token must have been issued for
//! the scope the spec's report action records (`read:reporting`, or `all`),
//! else 403.

mod sql;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use super::auth::Granted;
use super::schema::Schema;
use super::store::Store;
use super::{lock, respond, Shared};

/// The path reports are posted to, under the API base.
pub(crate) const REPORT_PATH: &str = "Report";

/// The scope a report needs when the spec declares no report action.
const SCOPE: &str = "read:reporting";

/// Halo's database tables (its document's model names) and the fake's
/// entities that hold their records.
const TABLES: [(&str, &str); 18] = [
    ("FAULTS", "Ticket"),
    ("AREA", "Client"),
    ("SITE", "Site"),
    ("USERS", "User"),
    ("UNAME", "Agent"),
    ("DEVICE", "Asset"),
    ("ACTIONS", "Action"),
    ("CONTRACTHEADER", "ClientContract"),
    ("INVOICEHEADER", "Invoice"),
    ("QUOTATIONHEADER", "Quotation"),
    ("KBENTRY", "KbArticle"),
    ("TSTATUS", "Status"),
    ("REQUESTTYPE", "TicketType"),
    ("SECTIONDETAIL", "Team"),
    ("COMPANY", "Supplier"),
    ("ITEM", "Item"),
    ("APPOINTMENT", "Appointment"),
    ("TIMESHEETEVENT", "TimesheetEvent"),
];

/// `POST /api/Report` when the spec declares no report action at that path.
pub(crate) async fn report(
    State(shared): State<Arc<Shared>>,
    granted: Option<Extension<Granted>>,
    body: Bytes,
) -> Response {
    answer(
        &shared,
        granted.map(|Extension(g)| g).as_ref(),
        Some(SCOPE),
        &body,
    )
}

/// Whether a POST body asks to run a report: `[{"_loadreportonly": true, ...}]`.
pub(crate) fn is_query(body: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => items
            .iter()
            .any(|item| item.get("_loadreportonly").and_then(Value::as_bool) == Some(true)),
        _ => false,
    }
}

/// Runs the report `body` asks for, if the token has `scope`.
pub(crate) fn answer(
    shared: &Shared,
    granted: Option<&Granted>,
    scope: Option<&str>,
    body: &[u8],
) -> Response {
    if let Some(scope) = scope {
        if !granted.is_some_and(|granted| granted.allows(scope)) {
            return respond::missing_scope(scope);
        }
    }
    let sql = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => match items.as_slice() {
            [item] if item.get("_loadreportonly").and_then(Value::as_bool) == Some(true) => {
                match item.get("sql").and_then(Value::as_str) {
                    Some(sql) => sql.to_owned(),
                    None => return respond::bad_request("The report has no `sql`."),
                }
            }
            [_] => {
                return respond::bad_request(
                    "The fake only runs reports with `_loadreportonly`; it saves none.",
                )
            }
            _ => return respond::bad_request("Post exactly one report."),
        },
        Ok(_) => return respond::bad_request("The request body must be a JSON array of reports."),
        Err(err) => {
            return respond::bad_request(&format!("The request body is not valid JSON: {err}"))
        }
    };
    let (columns, report) = {
        let store = lock(&shared.store);
        loaded(&shared.schema, &store, &sql)
    };
    let available: Vec<Value> = columns
        .iter()
        .enumerate()
        .map(|(index, name)| json!({ "id": index + 1, "name": name }))
        .collect();
    respond::json(
        StatusCode::OK,
        &json!({
            "id": 0,
            "name": "",
            "sql": sql,
            "_loadreportonly": true,
            "available_columns": available,
            "report": report,
        }),
    )
}

/// A report's `report` (Halo's `ReportContent`) after running `sql`.
pub(crate) fn content(schema: &Schema, store: &Store, sql: &str) -> Value {
    loaded(schema, store, sql).1
}

/// The columns and the `report` of running `sql`: its rows, or the
/// database's message in `load_error`.
fn loaded(schema: &Schema, store: &Store, sql: &str) -> (Vec<String>, Value) {
    match run(schema, store, sql) {
        Ok((columns, rows)) => (
            columns,
            json!({ "loaded": true, "load_error": null, "rows": rows }),
        ),
        Err(message) => (
            Vec::new(),
            json!({ "loaded": false, "load_error": message, "rows": null }),
        ),
    }
}

/// Runs `sql` over the store: the column names and the rows.
pub(crate) fn run(
    schema: &Schema,
    store: &Store,
    sql: &str,
) -> Result<(Vec<String>, Vec<Value>), String> {
    let select = sql::parse(sql)?;
    let wanted = &select.table;
    let entity = TABLES
        .iter()
        .find(|(table, _)| table.eq_ignore_ascii_case(wanted))
        .map(|(_, entity)| *entity);
    let collection = schema
        .collections
        .iter()
        .find(|c| match entity {
            Some(entity) => c.entity.name == entity,
            None => {
                c.entity.name.eq_ignore_ascii_case(wanted) || c.path().eq_ignore_ascii_case(wanted)
            }
        })
        .ok_or_else(|| format!("Invalid object name '{wanted}'."))?;
    let table = store
        .table(collection.path())
        .ok_or_else(|| format!("Invalid object name '{wanted}'."))?;
    // The table's columns: the id, the spec's fields, then any other field
    // a stored record has (Halo's records carry many the spec leaves out).
    let mut known: Vec<String> = std::iter::once("id".to_owned())
        .chain(collection.entity.fields.iter().map(|f| f.wire.clone()))
        .collect();
    for record in table.records().values() {
        for key in record.keys() {
            if !known.iter().any(|k| k == key) {
                known.push(key.clone());
            }
        }
    }
    let answer = select.run(table.records().values(), &known)?;
    let rows = answer.rows.into_iter().map(Value::Object).collect();
    Ok((answer.columns, rows))
}
