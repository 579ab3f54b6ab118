//! Turns the many error-body shapes Halo sends into one message.
//!
//! Seen in the wild: `{ClassName, Message}`, `{resultCode, errorMessage}`,
//! `{Message}`, `{message}`, `{error}`, `{error, message, details: [..]}`,
//! field maps such as `{"[0].id": "..."}`, plain text and HTML pages.

use serde_json::{Map, Value};

use super::error::FieldError;

/// Longest message taken from an unstructured body.
const MESSAGE_LIMIT: usize = 200;

/// Keys that hold the human-readable message, best first (case-insensitive).
const MESSAGE_KEYS: [&str; 6] = [
    "errormessage",
    "message",
    "error_description",
    "title",
    "detail",
    "error",
];

/// Keys that hold per-field complaints (case-insensitive).
const DETAIL_KEYS: [&str; 3] = ["details", "errors", "modelstate"];

/// What could be read from an error response body.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    /// Best human-readable message; never empty.
    pub(crate) message: String,
    /// A machine-readable code, e.g. the OAuth `error` field.
    pub(crate) code: Option<String>,
    /// Field-level complaints.
    pub(crate) details: Vec<FieldError>,
}

/// Reads `body` (of a response with `status`) into an [`ErrorBody`].
pub(crate) fn parse(status: u16, body: &str) -> ErrorBody {
    let text = body.trim();
    let mut parsed = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => from_object(&map),
        Ok(Value::String(s)) => ErrorBody {
            message: bounded(&s),
            ..ErrorBody::default()
        },
        Ok(_) => ErrorBody {
            message: bounded(text),
            ..ErrorBody::default()
        },
        Err(_) if looks_like_html(text) => ErrorBody {
            message: html_message(text),
            ..ErrorBody::default()
        },
        Err(_) => ErrorBody {
            message: bounded(text),
            ..ErrorBody::default()
        },
    };
    if parsed.message.is_empty() {
        parsed.message = reason(status);
    }
    parsed
}

fn from_object(map: &Map<String, Value>) -> ErrorBody {
    let code = get_ci(map, "error")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let message = MESSAGE_KEYS
        .iter()
        .filter_map(|key| get_ci(map, key))
        .find_map(message_of)
        .map(|m| bounded(&m));
    let mut details: Vec<FieldError> = DETAIL_KEYS
        .iter()
        .filter_map(|key| get_ci(map, key))
        .flat_map(field_errors)
        .collect();
    let message = match message {
        Some(message) => message,
        None => {
            // No message key: the whole object is a field map (`{"[0].id": ".."}`).
            details.extend(map_field_errors(map));
            summarize(&details).unwrap_or_else(|| bounded(&Value::Object(map.clone()).to_string()))
        }
    };
    ErrorBody {
        message,
        code,
        details,
    }
}

/// A message from a string, or from a nested `{"message": ..}` object.
fn message_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Object(inner) => get_ci(inner, "message").and_then(message_of),
        _ => None,
    }
}

/// Field errors from `[{field, message}]` or `{field: msg | [msgs]}`.
fn field_errors(value: &Value) -> Vec<FieldError> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let item = item.as_object()?;
                let field = get_ci(item, "field").and_then(Value::as_str).unwrap_or("");
                let message = get_ci(item, "message").and_then(message_of)?;
                Some(FieldError {
                    field: field.to_owned(),
                    message,
                })
            })
            .collect(),
        Value::Object(map) => map_field_errors(map),
        _ => Vec::new(),
    }
}

/// One [`FieldError`] per entry whose value is a string or a list of strings.
fn map_field_errors(map: &Map<String, Value>) -> Vec<FieldError> {
    map.iter()
        .filter_map(|(field, value)| {
            let message = match value {
                Value::String(s) => s.clone(),
                Value::Array(items) => {
                    let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    if parts.is_empty() {
                        return None;
                    }
                    parts.join("; ")
                }
                _ => return None,
            };
            Some(FieldError {
                field: field.clone(),
                message,
            })
        })
        .collect()
}

/// `field: message`, plus how many more there are.
fn summarize(details: &[FieldError]) -> Option<String> {
    let first = details.first()?;
    let more = details.len() - 1;
    let head = format!("{}: {}", first.field, first.message);
    Some(bounded(&if more == 0 {
        head
    } else {
        format!("{head} (and {more} more)")
    }))
}

/// Case-insensitive key lookup: Halo mixes `Message` and `message`.
fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Markup of any kind (HTML pages, XML faults) gets the tag treatment.
fn looks_like_html(text: &str) -> bool {
    text.starts_with('<')
}

/// The `<title>` of an HTML page, or its text with tags stripped.
fn html_message(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let title = lower.find("<title").and_then(|start| {
        let open_end = start + lower.get(start..)?.find('>')? + 1;
        let close = open_end + lower.get(open_end..)?.find("</title")?;
        html.get(open_end..close)
    });
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) => bounded(title),
        None => bounded(&strip_tags(html)),
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(1024));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Collapses whitespace and keeps at most [`MESSAGE_LIMIT`] characters.
pub(crate) fn bounded(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= MESSAGE_LIMIT {
        collapsed
    } else {
        let prefix: String = collapsed.chars().take(MESSAGE_LIMIT).collect();
        format!("{prefix}…")
    }
}

/// `text` with every occurrence of `secret` replaced by `[REDACTED]`: error
/// bodies sometimes echo the request, credentials included.
pub(crate) fn redact(text: String, secret: &str) -> String {
    if secret.is_empty() || !text.contains(secret) {
        text
    } else {
        text.replace(secret, "[REDACTED]")
    }
}

/// `404 Not Found` style text for an empty body.
fn reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or_else(
            || format!("HTTP {status}"),
            |r| format!("HTTP {status} {r}"),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let p = parse(400, r#"{"ClassName":"X","Message":"bad thing"}"#);
        assert_eq!(p.message, "bad thing");
        let p = parse(400, r#"{"resultCode":3,"errorMessage":"no access"}"#);
        assert_eq!(p.message, "no access");
        let p = parse(401, r#"{"error":"invalid_client"}"#);
        assert_eq!(
            (p.message.as_str(), p.code.as_deref()),
            ("invalid_client", Some("invalid_client"))
        );
        let p = parse(
            400,
            r#"{"[0].id":"must be set","summary":["too long","empty"]}"#,
        );
        assert_eq!(p.details.len(), 2);
        assert!(
            p.message.starts_with("[0].id: must be set"),
            "{}",
            p.message
        );
        let p = parse(400, r#"{"Message":"invalid","ModelState":{"a":["x"]}}"#);
        assert_eq!(
            p.details,
            vec![FieldError {
                field: "a".into(),
                message: "x".into()
            }]
        );
        let p = parse(
            500,
            "<html><head><title> Server Error </title></head><body>x</body></html>",
        );
        assert_eq!(p.message, "Server Error");
        let p = parse(502, "<p>Bad <b>gateway</b></p>");
        assert_eq!(p.message, "Bad gateway");
        assert_eq!(parse(404, "").message, "HTTP 404 Not Found");
        assert_eq!(parse(400, "\"just text\"").message, "just text");
        assert_eq!(parse(400, "plain words").message, "plain words");
        assert_eq!(
            parse(400, &"é".repeat(500)).message.chars().count(),
            MESSAGE_LIMIT + 1
        );
    }
}
