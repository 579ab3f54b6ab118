//! Responses in the shapes Halo uses; each error kind has its own, as on a
//! real instance (see the error-body notes in the API facts).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The content type of every JSON answer.
pub(crate) const JSON: &str = "application/json; charset=utf-8";

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: &Value) -> Response {
    let text = serde_json::to_vec(body).unwrap_or_default();
    raw(status, JSON, text)
}

pub(crate) fn raw(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `{ClassName, Message}`: what Halo's application code throws.
pub(crate) fn exception(status: StatusCode, class: &str, message: &str) -> Response {
    json(status, &json!({ "ClassName": class, "Message": message }))
}

pub(crate) fn bad_request(message: &str) -> Response {
    exception(StatusCode::BAD_REQUEST, "System.ArgumentException", message)
}

/// A 400 naming the offending element field: `{"[0].id": "..."}`.
pub(crate) fn field_error(field: &str, message: &str) -> Response {
    let mut body = serde_json::Map::new();
    body.insert(field.to_owned(), Value::String(message.to_owned()));
    json(StatusCode::BAD_REQUEST, &Value::Object(body))
}

pub(crate) fn not_found(what: &str) -> Response {
    exception(
        StatusCode::NOT_FOUND,
        "HaloNotFoundException",
        &format!("{what} not found."),
    )
}

/// 403: the token may not call this operation. (The fake's wording; what
/// Halo's 403 body says is not recorded.)
pub(crate) fn forbidden(message: &str) -> Response {
    json(StatusCode::FORBIDDEN, &json!({ "Message": message }))
}

/// 403 for a token issued without `scope`.
pub(crate) fn missing_scope(scope: &str) -> Response {
    forbidden(&format!(
        "Authorization has been denied for this request: the token lacks the scope `{scope}`."
    ))
}

/// A file: its bytes with their type and a `Content-Disposition` naming
/// it (RFC 6266: an ASCII `filename` for old readers, `filename*` in UTF-8).
pub(crate) fn file(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    let ascii: String = name
        .chars()
        .map(|c| match c {
            '"' | '\\' => '_',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => '_',
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => {
                char::from(b).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The ASP.NET answer to a request without a valid bearer token.
pub(crate) fn unauthorized() -> Response {
    let mut response = json(
        StatusCode::UNAUTHORIZED,
        &json!({ "Message": "Authorization has been denied for this request." }),
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// An OAuth error from the token endpoint.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

/// 429, with `Retry-After` in whole seconds when `retry_after` is given.
pub(crate) fn too_many_requests(
    retry_after: Option<std::time::Duration>,
    detail: &str,
) -> Response {
    let mut response = json(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({ "error": "rate_limit_exceeded", "message": detail }),
    );
    if let Some(wait) = retry_after {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        if let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

/// An injected server error with a JSON body.
pub(crate) fn server_error(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match status {
        StatusCode::INTERNAL_SERVER_ERROR => {
            exception(status, "System.Exception", "An error has occurred.")
        }
        _ => json(
            status,
            &json!({ "Message": format!("The service is unavailable ({}).", status.as_u16()) }),
        ),
    }
}

/// An IIS/proxy-style HTML error page.
pub(crate) fn html_page(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = status.as_u16();
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\
         <body><h1>{code} - {reason}</h1><p>The server encountered a temporary error \
         and could not complete your request.</p><hr><address>nginx</address></body></html>\n"
    );
    raw(status, "text/html; charset=utf-8", page.into_bytes())
}

/// A 200 whose JSON body breaks off, as when a proxy cuts a response.
pub(crate) fn malformed_json() -> Response {
    let body = br#"{"record_count": 3, "tickets": [{"id": 1, "summary": "Printer on fi"#;
    raw(StatusCode::OK, JSON, body.to_vec())
}
