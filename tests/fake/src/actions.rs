//! The spec's actions, served from what the spec says of each: its body and
//! response kinds, its path parameters, its required query parameters and
//! its scope. An action the fake knows nothing particular about still
//! answers what its response kind promises:
//!
//! - `none`: an empty 200;
//! - `record`: the record its `{id}` names, a record it was sent (saved, as
//!   Halo saves what it is posted), a singleton's one record, or else the
//!   collection's first record (`Agent/me` is the first agent);
//! - `records`: the records it was sent, saved, or else the collection's;
//! - `list`: the collection's list shape, filtered by the action's parameters;
//! - a type: the JSON it was sent, else the record its `{id}` names, else an
//!   empty value of the type;
//! - `bytes`: the file of the record (an attachment's content), else a small
//!   PDF showing the record (an invoice's PDF);
//! - `report`: the rows of the SQL it was sent (see `report/`).
//!
//! Some of Halo's operations get the answer Halo gives: `updatelines` of
//! invoices and recurring invoices changes their lines and
//! `RecurringInvoice/process` raises invoices (both in `billing.rs`),
//! `Attachment/image` stores an uploaded
//! image as an attachment, and `Report/createpdf` renders a report to a PDF
//! stored as an attachment.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use halopsa_codegen::model::{Action, Body, HttpMethod, PathPart, Response as Answer, Type};
use serde_json::{json, Value};

use super::auth::Granted;
use super::counters::Live;
use super::files::guess_type;
use super::list::{list_body_by, Params};
use super::schema::Collection;
use super::store::{Invalid, Record, Saved, Store};
use super::values::integer;
use super::webhooks::Change;
use super::{billing, lock, multipart, pdf, report, respond, Shared};

/// Records a `records` answer holds at most when nothing was sent.
const RECORDS_CAP: usize = 100;

/// What an action's request carries besides its route.
pub(crate) struct Request {
    /// The path parameters (`{id}` and the template's others), by name.
    pub(crate) path: HashMap<String, String>,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) granted: Option<Granted>,
    pub(crate) body: Bytes,
}

/// What the body held, read as the action's body kind says.
enum Sent {
    Nothing,
    Json(Value),
    Form(Vec<multipart::Part>),
}

/// Answers one call of `action` of `collection`.
pub(crate) fn serve(
    shared: &Shared,
    collection: &Arc<Collection>,
    action: &Action,
    request: Request,
) -> Response {
    if let Some(scope) = &action.scope {
        if !request.granted.as_ref().is_some_and(|g| g.allows(scope)) {
            return respond::missing_scope(scope);
        }
    }
    let params = Params::parse(request.query.as_deref());
    if let Some(missing) = action
        .params
        .iter()
        .find(|p| p.required && params.get(&p.wire).is_none())
    {
        return respond::bad_request(&format!("The {} parameter is required.", missing.wire));
    }
    let row = if action.path.contains(&PathPart::Id) {
        let text = request.path.get("id").map_or("", String::as_str);
        let store = lock(&shared.store);
        let path = collection.path();
        let row = store
            .table(path)
            .and_then(|table| table.row(text))
            .filter(|row| store.get(path, *row).is_some());
        match row {
            Some(row) => Some(row),
            None => return respond::not_found(&format!("{} {text}", collection.entity.name)),
        }
    } else if collection.entity.singleton {
        Some(1)
    } else {
        None
    };
    if action.response == Answer::Report {
        // The scope is checked above.
        return report::answer(shared, None, None, &request.body);
    }
    let sent = match read_body(action, &request) {
        Ok(sent) => sent,
        Err(message) => return respond::bad_request(&message),
    };
    if let Some(answer) = known(shared, collection, action, &params, &sent) {
        return answer;
    }
    answer(shared, collection, action, row, &params, sent)
}

fn read_body(action: &Action, request: &Request) -> Result<Sent, String> {
    match action.body {
        Body::None => Ok(Sent::Nothing),
        Body::Form => {
            let content_type = request
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            multipart::parse(content_type, &request.body).map(Sent::Form)
        }
        _ => serde_json::from_slice(&request.body)
            .map(Sent::Json)
            .map_err(|err| format!("The request body is not valid JSON: {err}")),
    }
}

/// Halo's own answers to the operations the fake knows.
fn known(
    shared: &Shared,
    collection: &Collection,
    action: &Action,
    params: &Params,
    sent: &Sent,
) -> Option<Response> {
    let is = |path: &str, template: &str| {
        collection.path().eq_ignore_ascii_case(path)
            && action.template.eq_ignore_ascii_case(template)
            && action.method == HttpMethod::Post
    };
    match sent {
        Sent::Json(body) if is(billing::INVOICE, "updatelines") => {
            Some(billing::update_lines(shared, billing::INVOICE, body))
        }
        Sent::Json(body) if is(billing::RECURRING, "updatelines") => {
            Some(billing::update_lines(shared, billing::RECURRING, body))
        }
        Sent::Json(body) if is(billing::RECURRING, "process") => {
            Some(billing::process(shared, body))
        }
        Sent::Json(body) if is("Report", "createpdf") => Some(create_pdf(shared, body)),
        Sent::Form(parts) if is("Attachment", "image") => {
            Some(upload_image(shared, collection, params, parts))
        }
        _ => None,
    }
}

/// The generic answer of the action's response kind.
fn answer(
    shared: &Shared,
    collection: &Collection,
    action: &Action,
    row: Option<i64>,
    params: &Params,
    sent: Sent,
) -> Response {
    let path = collection.path();
    let sent_records = match (&action.body, &sent) {
        (Body::Record | Body::Records, Sent::Json(Value::Array(items))) => Some(items.clone()),
        (Body::Object, Sent::Json(object @ Value::Object(_))) => Some(vec![object.clone()]),
        _ => None,
    };
    match &action.response {
        Answer::None => respond::raw(StatusCode::OK, respond::JSON, Vec::new()),
        Answer::Record => {
            if let Some(items) = sent_records {
                return match save(shared, path, &items) {
                    Ok(saved) => respond::json(
                        StatusCode::OK,
                        saved.records.first().unwrap_or(&Value::Null),
                    ),
                    Err(invalid) => refused(invalid),
                };
            }
            let store = lock(&shared.store);
            let record = match row {
                Some(row) => store.get(path, row),
                None => first(&store, path),
            };
            match record {
                Some(record) => respond::json(StatusCode::OK, &Value::Object(record.clone())),
                None => respond::not_found(&collection.entity.name),
            }
        }
        Answer::Records => {
            if let Some(items) = sent_records {
                return match save(shared, path, &items) {
                    Ok(saved) => respond::json(StatusCode::OK, &Value::Array(saved.records)),
                    Err(invalid) => refused(invalid),
                };
            }
            let store = lock(&shared.store);
            let records: Vec<Value> = live(&store, path)
                .take(RECORDS_CAP)
                .map(|record| Value::Object(record.clone()))
                .collect();
            respond::json(StatusCode::OK, &Value::Array(records))
        }
        Answer::List => {
            let store = lock(&shared.store);
            let Some(table) = store.table(path) else {
                return respond::not_found(path);
            };
            match list_body_by(table, &action.params, params, &shared.schema.api) {
                Ok(body) => respond::raw(StatusCode::OK, respond::JSON, body),
                Err(message) => respond::bad_request(&message),
            }
        }
        Answer::Value(ty) => {
            if let Sent::Json(body) = sent {
                return respond::json(StatusCode::OK, &body);
            }
            let store = lock(&shared.store);
            match row.and_then(|row| store.get(path, row)) {
                Some(record) => respond::json(StatusCode::OK, &Value::Object(record.clone())),
                None => respond::json(StatusCode::OK, &empty(ty)),
            }
        }
        Answer::Bytes => {
            let store = lock(&shared.store);
            let record = row.and_then(|row| store.get(path, row));
            let file = row.and_then(|row| store.table(path)?.any_file(row));
            match (record, file) {
                (Some(record), Some(bytes)) => {
                    let text = |key: &str| {
                        record
                            .get(key)
                            .and_then(Value::as_str)
                            .filter(|s| !s.is_empty())
                    };
                    let name = text("filename").unwrap_or("attachment");
                    let content_type = text("content_type").unwrap_or_else(|| guess_type(name));
                    respond::file(name, content_type, bytes.to_vec())
                }
                (record, _) => {
                    let (name, document) = record_pdf(collection, record);
                    respond::file(&name, "application/pdf", document)
                }
            }
        }
        // Answered before the body is read.
        Answer::Report => respond::bad_request("The report has no SQL."),
    }
}

/// Saves `items` as a POST to the collection does, counting what it did.
pub(crate) fn save(shared: &Shared, path: &str, items: &[Value]) -> Result<Saved, Invalid> {
    let store = &mut *lock(&shared.store);
    let saved = store.save(path, items)?;
    if shared.webhooks.any() {
        let changes: Vec<(Change, &Record)> = saved
            .was_created
            .iter()
            .zip(&saved.records)
            .filter_map(|(created, record)| {
                let change = if *created {
                    Change::Created
                } else {
                    Change::Updated
                };
                Some((change, record.as_object()?))
            })
            .collect();
        shared.webhooks.fire(store, path, &changes);
    }
    Live::bump(&shared.counters.creates, saved.created);
    Live::bump(&shared.counters.updates, saved.updated);
    Ok(saved)
}

/// The 400 for an element the store refused: `{"[0].id": "..."}`.
pub(crate) fn refused(invalid: Invalid) -> Response {
    respond::field_error(&invalid.field, &invalid.message)
}

/// The collection's live records, in row order.
fn live<'a>(store: &'a Store, path: &str) -> impl Iterator<Item = &'a Record> + 'a {
    let records = store.table(path).map(|table| table.records());
    records
        .into_iter()
        .flat_map(|records| records.values())
        .filter(|record| !super::store::is_deleted(record))
}

fn first<'a>(store: &'a Store, path: &str) -> Option<&'a Record> {
    live(store, path).next()
}

/// An empty value of a type: `[]` for a list, `{}` for anything else.
fn empty(ty: &Type) -> Value {
    match ty {
        Type::List(_) => json!([]),
        _ => json!({}),
    }
}

/// A PDF showing a record's typed fields, named after it.
fn record_pdf(collection: &Collection, record: Option<&Record>) -> (String, Vec<u8>) {
    let entity = &collection.entity.name;
    let id = record
        .and_then(|r| r.get("id"))
        .map(|id| match id {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default();
    let lines: Vec<String> = collection
        .entity
        .fields
        .iter()
        .filter_map(|field| {
            let value = record?.get(&field.wire)?;
            match value {
                Value::String(text) if !text.is_empty() => Some(format!("{}: {text}", field.wire)),
                Value::Number(n) => Some(format!("{}: {n}", field.wire)),
                Value::Bool(b) => Some(format!("{}: {b}", field.wire)),
                _ => None,
            }
        })
        .take(30)
        .collect();
    let title = format!("{entity} {id}").trim().to_owned();
    let name = if id.is_empty() {
        format!("{}.pdf", entity.to_ascii_lowercase())
    } else {
        format!("{}-{id}.pdf", entity.to_ascii_lowercase())
    };
    (name, pdf::document(&title, &lines))
}

/// `POST /Attachment/image`: the form's `file` part becomes an attachment
/// of the ticket (and action) the query names.
fn upload_image(
    shared: &Shared,
    collection: &Collection,
    params: &Params,
    parts: &[multipart::Part],
) -> Response {
    let Some(file) = parts.iter().find(|part| part.name == "file") else {
        return respond::bad_request("The upload has no part named file.");
    };
    let name = file.file_name.clone().unwrap_or_else(|| "image".to_owned());
    let content_type = file
        .content_type
        .clone()
        .unwrap_or_else(|| guess_type(&name).to_owned());
    let mut record = json!({
        "filename": name,
        "content_type": content_type,
        "isimage": content_type.starts_with("image/"),
        "data_base64": base64::engine::general_purpose::STANDARD.encode(&file.bytes),
    });
    for key in ["ticket_id", "action_id"] {
        if let Some(value) = params.get(key).and_then(|v| integer(&Value::from(v))) {
            record[key] = Value::from(value);
        }
    }
    match save(shared, collection.path(), &[record]) {
        Ok(saved) => respond::json(
            StatusCode::CREATED,
            saved.records.first().unwrap_or(&Value::Null),
        ),
        Err(invalid) => refused(invalid),
    }
}

/// `POST /Report/createpdf`: renders the report (its rows, when its SQL
/// runs) to a PDF, stores it as an attachment and answers the report with
/// `pdf_attachment_id` naming it.
fn create_pdf(shared: &Shared, body: &Value) -> Response {
    let Some(sent) = body.as_object() else {
        return respond::bad_request("The request body must be a report object.");
    };
    let id = sent.get("id").and_then(integer).filter(|id| *id > 0);
    let (mut report, document) = {
        let store = lock(&shared.store);
        let stored = id.and_then(|id| store.get("Report", id)).cloned();
        if id.is_some() && stored.is_none() {
            return respond::not_found(&format!("Report {}", id.unwrap_or_default()));
        }
        let report = stored.unwrap_or_else(|| sent.clone());
        let text = |key: &str| report.get(key).and_then(Value::as_str).unwrap_or_default();
        let name = match text("name") {
            "" => "Report".to_owned(),
            name => name.to_owned(),
        };
        let lines = match report::run(&shared.schema, &store, text("sql")) {
            Ok((columns, rows)) => std::iter::once(columns.join(" | "))
                .chain(rows.iter().map(|row| {
                    columns
                        .iter()
                        .map(|c| match row.get(c) {
                            Some(Value::String(s)) => s.clone(),
                            Some(other) => other.to_string(),
                            None => String::new(),
                        })
                        .collect::<Vec<_>>()
                        .join(" | ")
                }))
                .collect(),
            Err(message) => vec![message],
        };
        (report, (name.clone(), pdf::document(&name, &lines)))
    };
    let (name, bytes) = document;
    let attachment = json!({
        "filename": format!("{name}.pdf"),
        "content_type": "application/pdf",
        "isimage": false,
        "data_base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
    });
    let attachment_id = match save(shared, "Attachment", &[attachment]) {
        Ok(saved) => saved.records.first().and_then(|r| r.get("id")).cloned(),
        Err(invalid) => return refused(invalid),
    };
    let attachment_id = attachment_id.unwrap_or(Value::Null);
    if let Some(id) = id {
        let change = json!({ "id": id, "pdf_attachment_id": attachment_id });
        match save(shared, "Report", &[change]) {
            Ok(saved) => {
                if let Some(Value::Object(stored)) = saved.records.into_iter().next() {
                    report = stored;
                }
            }
            Err(invalid) => return refused(invalid),
        }
    } else {
        report.insert("pdf_attachment_id".into(), attachment_id);
    }
    respond::json(StatusCode::OK, &Value::Object(report))
}
