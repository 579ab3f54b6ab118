//! What an API answer means, beyond its body: the typed error of a failure
//! status, and a page of markup where JSON was expected.

use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde::de::IgnoredAny;

use crate::runtime::retry::Failure;
use crate::runtime::transport::Response;
use crate::runtime::url_policy::redirect_not_followed;
use crate::runtime::{decode, error_body, Error};

/// The error for a non-success status other than 401; `text` is the body,
/// `scope` the OAuth scope the call needs, if known.
pub(super) fn api_error(
    status: StatusCode,
    text: String,
    retry_after: Option<Duration>,
    location: Option<&str>,
    scope: Option<&'static str>,
) -> Error {
    let parsed = error_body::parse(status.as_u16(), &text);
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Error::RateLimited {
            retry_after,
            message: parsed.message,
            body: text,
        };
    }
    if let (StatusCode::FORBIDDEN, Some(scope)) = (status, scope) {
        // Halo's 403 says only that access was denied; the scope is what
        // the user can act on.
        return Error::MissingScope {
            scope,
            message: parsed.message,
            body: text,
        };
    }
    Error::Api {
        status: status.as_u16(),
        message: redirect_not_followed(status.as_u16(), location).unwrap_or(parsed.message),
        details: parsed.details,
        body: text,
    }
}

/// The error for a 401 that a fresh token did not cure; `text` is the body.
pub(super) fn rejected_token(text: String) -> Error {
    let parsed = error_body::parse(StatusCode::UNAUTHORIZED.as_u16(), &text);
    Error::Auth {
        status: Some(StatusCode::UNAUTHORIZED.as_u16()),
        code: parsed.code,
        message: format!("the API rejected a fresh token: {}", parsed.message),
        body: text,
    }
}

/// The error and the kind of failure of a request that got no answer, or
/// whose body broke off: a connection that was never made was not sent, so
/// any call may be retried; after a timeout or a broken connection the
/// server may have acted.
pub(super) fn transport_failure(err: reqwest::Error, elapsed: Duration) -> (Error, Failure) {
    let failure = if err.is_connect() {
        Failure::NotSent
    } else if err.is_timeout() {
        Failure::Timeout
    } else {
        Failure::Transport
    };
    (Error::from_transport(err, elapsed), failure)
}

/// A success answer that is an HTML or XML page instead of JSON: a proxy,
/// a captive portal or a login page answered in the API's place. Reported
/// here, naming the content type, rather than as a JSON syntax error at
/// line 1. JSON under a wrong content type still decodes, and an empty
/// body (a delete's) is left alone.
pub(crate) fn markup_instead_of_json(response: &Response) -> Option<Error> {
    let content_type = response.header(CONTENT_TYPE)?;
    let mime = content_type.split(';').next()?.trim().to_ascii_lowercase();
    let markup = matches!(mime.as_str(), "text/html" | "text/xml" | "application/xml")
        || mime.ends_with("+xml");
    let body = &response.body;
    if !markup
        || body.iter().all(u8::is_ascii_whitespace)
        || serde_json::from_slice::<IgnoredAny>(body).is_ok()
    {
        return None;
    }
    let page = error_body::parse(response.status.as_u16(), &String::from_utf8_lossy(body));
    Some(Error::Decode {
        path: ".".into(),
        message: format!(
            "expected JSON, got a `{}` page ({}): something other than the API answered, \
             such as a proxy or a login page",
            error_body::bounded(&mime),
            page.message
        ),
        snippet: decode::snippet(body),
    })
}
