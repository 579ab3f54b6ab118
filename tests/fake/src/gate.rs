//! What every request passes before its handler, in Halo's order: the
//! counters, injected faults (a proxy in front of Halo), the rate limit and
//! the bearer token.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use std::time::Instant;

use super::counters::{Call, Live};
use super::faults::Fault;
use super::server::KillSwitch;
use super::{lock, respond, Shared};

pub(crate) async fn gate(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let at = Instant::now();
    let path = request.uri().path().to_owned();
    let api = shared.is_api_call(&path);
    let response = admit(&shared, request, next, &path, api).await;
    if api {
        shared.counters.call(Call {
            at,
            path,
            status: response.status().as_u16(),
        });
    }
    response
}

async fn admit(
    shared: &Arc<Shared>,
    mut request: Request,
    next: Next,
    path: &str,
    api: bool,
) -> Response {
    let path = path.to_owned();
    let counters = &shared.counters;
    counters.request(&path);

    let fault = lock(&shared.faults).take(&path, api);
    let mut fail_after = false;
    if let Some(fault) = fault {
        Live::bump(&counters.faults, 1);
        tracing::debug!(?fault, path, "injecting a fault");
        match fault {
            Fault::Status(status) => return respond::server_error(status),
            Fault::TooManyRequests { retry_after } => {
                Live::bump(&counters.rate_limited, 1);
                return respond::too_many_requests(retry_after, "Too many requests (injected).");
            }
            Fault::CloseConnection => {
                if let Some(kill) = request.extensions().get::<KillSwitch>() {
                    kill.pull();
                    // The connection task drops this request with the socket.
                    std::future::pending::<()>().await;
                }
                return respond::server_error(500);
            }
            Fault::Stall(wait) => tokio::time::sleep(wait).await,
            Fault::MalformedJson => return respond::malformed_json(),
            Fault::HtmlPage(status) => return respond::html_page(status),
            Fault::CommitThen500 => fail_after = true,
        }
    }

    if api {
        let admitted = lock(&shared.window).admit();
        if let Err(wait) = admitted {
            Live::bump(&counters.rate_limited, 1);
            let detail = shared.rate_limit_text();
            return respond::too_many_requests(shared.retry_after.then_some(wait), &detail);
        }
        let token = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer);
        let granted = token.and_then(|token| lock(&shared.tokens).check(token).cloned());
        let Some(granted) = granted else {
            Live::bump(&counters.unauthorized, 1);
            return respond::unauthorized();
        };
        // What the token may do, for the handlers of scoped operations.
        request.extensions_mut().insert(granted);
    }

    let response = next.run(request).await;
    if fail_after {
        return respond::server_error(500);
    }
    response
}

/// The token of an `Authorization: Bearer ...` header.
fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}
