//! Attachments while the spec declares no `Attachment` collection:
//! `POST /api/Attachment` with `[{ticket_id, filename, data_base64, ...}]`
//! stores a file, and `GET /api/Attachment/{id}` answers with its bytes
//! (with `Content-Type` and `Content-Disposition`), as Halo does. With the
//! collection in the spec, its table keeps the files and its `download`
//! action serves them (`actions.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::counters::Live;
use super::store::{decode_base64, Record};
use super::{lock, respond, Shared};

/// The path of attachments, under the API base.
pub(crate) const ATTACHMENT_PATH: &str = "Attachment";

/// Attachments posted while the spec has no `Attachment` collection.
#[derive(Debug, Default)]
pub(crate) struct Files {
    records: BTreeMap<i64, Record>,
}

/// `POST /api/Attachment` without a spec collection: stores each element,
/// which must carry its file as `data_base64`, and answers with the saved
/// records (without the data, with `filesize`).
pub(crate) async fn save(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let items = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) if !items.is_empty() => items,
        Ok(_) => {
            return respond::bad_request("The request body must be a JSON array of attachments.")
        }
        Err(err) => {
            return respond::bad_request(&format!("The request body is not valid JSON: {err}"))
        }
    };
    let mut records = Vec::with_capacity(items.len());
    for (position, item) in items.into_iter().enumerate() {
        let Value::Object(record) = item else {
            return respond::field_error(
                &format!("[{position}]"),
                "each element must be an object",
            );
        };
        let Some(size) = data(&record).map(|bytes| bytes.len()) else {
            return respond::field_error(
                &format!("[{position}].data_base64"),
                "The attachment has no data: send the file in base64 as data_base64.",
            );
        };
        records.push((record, size));
    }
    let mut files = lock(&shared.files);
    let mut saved = Vec::with_capacity(records.len());
    for (mut record, size) in records {
        let id = files.records.keys().next_back().map_or(1, |last| last + 1);
        record.insert("id".into(), Value::from(id));
        record.insert("filesize".into(), Value::from(size));
        let mut shown = record.clone();
        shown.remove("data_base64");
        files.records.insert(id, record);
        saved.push(Value::Object(shown));
    }
    Live::bump(&shared.counters.creates, saved.len() as u64);
    let body = match <[Value; 1]>::try_from(saved) {
        Ok([one]) => one,
        Err(many) => Value::Array(many),
    };
    respond::json(StatusCode::CREATED, &body)
}

/// `GET /api/Attachment/{id}`: the file of an attachment kept here.
pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = id.trim().parse::<i64>().ok().filter(|id| *id > 0) else {
        return respond::bad_request(&format!("The value '{id}' is not a valid id."));
    };
    let record = lock(&shared.files).records.get(&id).cloned();
    let Some(record) = record else {
        return respond::not_found(&format!("Attachment {id}"));
    };
    let Some(bytes) = data(&record) else {
        return respond::not_found(&format!("The file of attachment {id}"));
    };
    let text = |key: &str| {
        record
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let name = text("filename").unwrap_or("attachment");
    let content_type = text("content_type").unwrap_or_else(|| guess_type(name));
    respond::file(name, content_type, bytes)
}

/// The file of an attachment record, decoded from `data_base64`.
fn data(record: &Map<String, Value>) -> Option<Vec<u8>> {
    decode_base64(record.get("data_base64")?.as_str()?)
}

/// A content type from a file name's extension.
pub(crate) fn guess_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension.to_ascii_lowercase().as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
