//! Invoice line updates and recurring invoicing, the operations Halo offers
//! beside its invoice collections:
//!
//! Both are actions of the spec; `actions.rs` hands them here.
//!
//! - `POST /api/Invoice/updatelines` and `/api/RecurringInvoice/updatelines`
//!   take an array of lines, each naming its invoice in `ihid`: a line with
//!   the `id` of one of that invoice's lines changes the fields it carries,
//!   one without is added. The answer (undocumented by Halo) is the posted
//!   lines as saved.
//! - `POST /api/RecurringInvoice/process` takes an array of recurring
//!   invoice ids and raises an invoice from each now, with its client and
//!   lines, dated its `nextcreationdate`; the recurring invoice records
//!   `lastcreated` and moves `nextcreationdate` on by one month (the fake
//!   seeds monthly ones). The answer is the invoices raised.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Months, Utc};
use serde_json::{json, Map, Value};

use super::store::{Invalid, Record, Store};
use super::values::{instant, integer};
use super::{lock, respond, Shared};

pub(crate) const INVOICE: &str = "Invoice";
pub(crate) const RECURRING: &str = "RecurringInvoice";

/// The elements of a non-empty JSON array body, or why it is not one.
fn array(body: &Value) -> Result<Vec<Value>, &'static str> {
    match body {
        Value::Array(items) if !items.is_empty() => Ok(items.clone()),
        _ => Err("The request body must be a non-empty JSON array."),
    }
}

/// `POST /{header}/updatelines` (`Invoice` or `RecurringInvoice`).
pub(crate) fn update_lines(shared: &Shared, header: &str, body: &Value) -> Response {
    let items = match array(body) {
        Ok(items) => items,
        Err(message) => return respond::bad_request(message),
    };
    let mut store = lock(&shared.store);
    // Every line is checked before any is saved, as for a POST of records.
    let mut by_header: BTreeMap<i64, Vec<Map<String, Value>>> = BTreeMap::new();
    for (position, item) in items.into_iter().enumerate() {
        let Value::Object(line) = item else {
            return respond::field_error(&format!("[{position}]"), "each line must be an object");
        };
        let owner = line.get("ihid").and_then(integer);
        match owner.filter(|&id| store.get(header, id).is_some()) {
            Some(id) => by_header.entry(id).or_default().push(line),
            None => {
                return respond::field_error(
                    &format!("[{position}].ihid"),
                    &format!("There is no {header} with id {}.", owner.unwrap_or(0)),
                )
            }
        }
    }
    // Line ids are unique across the collection's invoices, as table rows.
    let mut next_line = max_line_id(&store, header) + 1;
    let mut saved = Vec::new();
    for (id, posted) in by_header {
        let mut lines = lines_of(&store, header, id);
        for line in posted {
            let existing = line
                .get("id")
                .and_then(integer)
                .filter(|&line_id| line_id > 0)
                .and_then(|line_id| {
                    lines
                        .iter()
                        .position(|l| l.get("id").and_then(integer) == Some(line_id))
                });
            let index = match existing {
                Some(index) => {
                    lines[index].extend(line);
                    index
                }
                None => {
                    let mut line = line;
                    line.insert("id".into(), Value::from(next_line));
                    next_line += 1;
                    lines.push(line);
                    lines.len() - 1
                }
            };
            saved.push(Value::Object(lines[index].clone()));
        }
        let lines: Vec<Value> = lines.into_iter().map(Value::Object).collect();
        if let Err(invalid) = store.save(header, &[json!({ "id": id, "lines": lines })]) {
            return respond::field_error(&invalid.field, &invalid.message);
        }
    }
    respond::json(StatusCode::OK, &Value::Array(saved))
}

/// `POST /RecurringInvoice/process`.
pub(crate) fn process(shared: &Shared, body: &Value) -> Response {
    let items = match array(body) {
        Ok(items) => items,
        Err(message) => return respond::bad_request(message),
    };
    let mut store = lock(&shared.store);
    let mut ids = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        match integer(item).filter(|&id| store.get(RECURRING, id).is_some()) {
            Some(id) => ids.push(id),
            None => {
                return respond::field_error(
                    &format!("[{position}]"),
                    &format!("There is no recurring invoice with id {item}."),
                )
            }
        }
    }
    let mut raised = Vec::with_capacity(ids.len());
    for id in ids {
        match raise(&mut store, id) {
            Ok(invoice) => raised.push(invoice),
            Err(invalid) => return respond::field_error(&invalid.field, &invalid.message),
        }
    }
    respond::json(StatusCode::OK, &Value::Array(raised))
}

/// Raises an invoice from recurring invoice `id` and moves its schedule on.
fn raise(store: &mut Store, id: i64) -> Result<Value, Invalid> {
    let Some(recurring) = store.get(RECURRING, id).cloned() else {
        return Err(Invalid {
            field: String::new(),
            message: format!("There is no recurring invoice with id {id}."),
        });
    };
    let due = recurring
        .get("nextcreationdate")
        .and_then(Value::as_str)
        .and_then(instant)
        .filter(|at| at.timestamp() > 0)
        .unwrap_or_else(Utc::now);
    let date = |at: chrono::DateTime<Utc>| at.format("%Y-%m-%dT00:00:00").to_string();
    let mut invoice = Record::new();
    for field in [
        "client_id",
        "client_name",
        "site_name",
        "contract_id",
        "currency",
    ] {
        if let Some(value) = recurring.get(field) {
            invoice.insert(field.into(), value.clone());
        }
    }
    invoice.insert("invoice_date".into(), json!(date(due)));
    invoice.insert("recurring_invoice_id".into(), json!(id));
    invoice.insert(
        "reference".into(),
        recurring.get("reference").cloned().unwrap_or(Value::Null),
    );
    let created = store.save(INVOICE, &[Value::Object(invoice)])?;
    let invoice_id = created
        .records
        .first()
        .and_then(|record| record.get("id"))
        .and_then(integer)
        .unwrap_or(0);
    // The invoice's own lines: copies of the recurring ones, numbered anew.
    let mut next_line = max_line_id(store, INVOICE) + 1;
    let lines: Vec<Value> = lines_of(store, RECURRING, id)
        .into_iter()
        .map(|mut line| {
            line.insert("id".into(), Value::from(next_line));
            line.insert("ihid".into(), Value::from(invoice_id));
            next_line += 1;
            Value::Object(line)
        })
        .collect();
    let next = due.checked_add_months(Months::new(1)).unwrap_or(due);
    let saved = store.save(INVOICE, &[json!({ "id": invoice_id, "lines": lines })])?;
    store.save(
        RECURRING,
        &[json!({
            "id": id,
            "lastcreated": date(due),
            "nextcreationdate": date(next),
        })],
    )?;
    Ok(saved.records.into_iter().next().unwrap_or(Value::Null))
}

/// The lines of invoice `id` in the collection at `path`.
fn lines_of(store: &Store, path: &str, id: i64) -> Vec<Map<String, Value>> {
    store
        .get(path, id)
        .and_then(|record| record.get("lines"))
        .and_then(Value::as_array)
        .map(|lines| {
            lines
                .iter()
                .filter_map(|line| line.as_object().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// The highest line id among the invoices at `path`.
fn max_line_id(store: &Store, path: &str) -> i64 {
    store.table(path).map_or(0, |table| {
        table
            .records()
            .values()
            .filter_map(|record| record.get("lines").and_then(Value::as_array))
            .flatten()
            .filter_map(|line| line.get("id").and_then(integer))
            .max()
            .unwrap_or(0)
    })
}
