//! The routes: the auth endpoints, for every entity of the spec the
//! operations it declares (`GET /api/{Path}`, `GET /api/{Path}/{id}`,
//! `POST /api/{Path}`, `DELETE /api/{Path}/{id}`), SQL reports
//! (`POST /api/Report`, in `report/`) and attachments (`POST /api/Attachment`,
//! `GET /api/Attachment/{id}` with the file, in `files.rs`).

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use halopsa_codegen::model::{KeyKind, Param};
use serde_json::{json, Value};

use super::counters::Live;
use super::files::{self, ATTACHMENT_PATH};
use super::gate::gate;
use super::list::{list_body, Params};
use super::report::{self, REPORT_PATH};
use super::respond;
use super::schema::Collection;
use super::store::Store;
use super::values::{equals_text, integer};
use super::{lock, Shared};

type Handler = MethodRouter<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = &shared.schema.api;
    let mut taken = HashSet::new();
    let mut router = Router::new();
    for (path, route) in [
        (api.token_path.clone(), post(token)),
        (api.discovery_path.clone(), get(auth_info)),
    ] {
        if routable(&path) && taken.insert(path.to_ascii_lowercase()) {
            router = router.route(&path, route);
        }
    }
    for collection in &shared.schema.collections {
        let base = format!(
            "{}/{}",
            api.base_path.trim_end_matches('/'),
            collection.path()
        );
        if !routable(&base) || !taken.insert(base.to_ascii_lowercase()) {
            tracing::warn!(path = %base, "not serving a collection with this path");
            continue;
        }
        let (top, one) = handlers(collection);
        if let Some(top) = top {
            router = router.route(&base, top);
        }
        if let Some(one) = one {
            router = router.route(&format!("{base}/{{id}}"), one);
        }
    }
    // Halo's operations that are not a collection's: served whether or not
    // the spec declares their paths (`handlers` gives a declared one its
    // special answer).
    let under_api = |path: &str| format!("{}/{path}", api.base_path.trim_end_matches('/'));
    let report = under_api(REPORT_PATH);
    if taken.insert(report.to_ascii_lowercase()) {
        router = router.route(&report, post(report::report));
    }
    let attachments = under_api(ATTACHMENT_PATH);
    if taken.insert(attachments.to_ascii_lowercase()) {
        router = router
            .route(&attachments, post(files::save))
            .route(&format!("{attachments}/{{id}}"), get(files::download));
    }
    router
        .fallback(|| async {
            respond::exception(
                StatusCode::NOT_FOUND,
                "System.Web.Http.HttpResponseException",
                "No HTTP resource was found that matches the request URI.",
            )
        })
        .layer(from_fn_with_state(Arc::clone(&shared), gate))
        .with_state(shared)
}

/// The method routers of the collection path and of one record.
fn handlers(collection: &Arc<Collection>) -> (Option<Handler>, Option<Handler>) {
    let ops = collection.entity.ops;
    let mut top: Option<Handler> = None;
    let mut one: Option<Handler> = None;
    if ops.list {
        let c = Arc::clone(collection);
        top = Some(get(
            move |State(s): State<Arc<Shared>>, RawQuery(q): RawQuery| list(s, c, q),
        ));
    }
    let path = collection.path();
    if path.eq_ignore_ascii_case(REPORT_PATH) {
        // A POST to `Report` runs a report (`_loadreportonly`).
        top = Some(match top {
            Some(top) => top.post(report::report),
            None => post(report::report),
        });
    } else if ops.create || ops.update {
        let c = Arc::clone(collection);
        let route = move |State(s): State<Arc<Shared>>, body: Bytes| save(s, c, body);
        top = Some(match top {
            Some(top) => top.post(route),
            None => post(route),
        });
    }
    if path.eq_ignore_ascii_case(ATTACHMENT_PATH) {
        // `GET /Attachment/{id}` answers with the file itself.
        one = Some(get(files::download));
    } else if ops.get {
        let c = Arc::clone(collection);
        one = Some(get(
            move |State(s): State<Arc<Shared>>, Path(id): Path<String>, RawQuery(q): RawQuery| {
                get_one(s, c, id, q)
            },
        ));
    }
    if ops.delete {
        let c = Arc::clone(collection);
        let route = move |State(s): State<Arc<Shared>>,
                          Path(id): Path<String>,
                          RawQuery(q): RawQuery| { delete(s, c, id, q) };
        one = Some(match one {
            Some(one) => one.delete(route),
            None => axum::routing::delete(route),
        });
    }
    (top, one)
}

/// Paths made of plain segments only, so the router never sees syntax.
fn routable(path: &str) -> bool {
    path.starts_with('/')
        && path[1..].split('/').all(|segment| {
            segment
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

async fn list(shared: Arc<Shared>, collection: Arc<Collection>, raw: Option<String>) -> Response {
    let params = Params::parse(raw.as_deref());
    let result = {
        let mut store = lock(&shared.store);
        let result = match store.table(collection.path()) {
            Some(table) => list_body(table, &params, &shared.schema.api),
            None => return respond::not_found(collection.path()),
        };
        // Another user at work, between this page and the next.
        lock(&shared.churn).after_list(&mut store, collection.path());
        result
    };
    match result {
        Ok(body) => respond::raw(StatusCode::OK, respond::JSON, body),
        Err(message) => respond::bad_request(&message),
    }
}

async fn get_one(
    shared: Arc<Shared>,
    collection: Arc<Collection>,
    id: String,
    raw: Option<String>,
) -> Response {
    let store = lock(&shared.store);
    let Some(id) = record_id(&store, &collection, &id) else {
        return respond::bad_request(&format!("The value '{id}' is not a valid id."));
    };
    let params = Params::parse(raw.as_deref());
    match store.get(collection.path(), id) {
        Some(record) if belongs(&collection, &collection.entity.get_params, record, &params) => {
            respond::json(StatusCode::OK, &Value::Object(record.clone()))
        }
        _ => respond::not_found(&format!("{} {id}", collection.entity.name)),
    }
}

/// Records whose id is only unique within a parent (actions within a
/// ticket) must match the parent named by one of the operation's `*_id`
/// parameters, when the query names one.
fn belongs(
    collection: &Collection,
    operation_params: &[Param],
    record: &serde_json::Map<String, Value>,
    params: &Params,
) -> bool {
    operation_params.iter().all(|param| {
        let name = param.wire.as_str();
        match params.get(name) {
            Some(wanted) if name.ends_with("_id") && collection.field(name).is_some() => {
                equals_text(record.get(name), wanted)
            }
            _ => true,
        }
    })
}

async fn save(shared: Arc<Shared>, collection: Arc<Collection>, body: Bytes) -> Response {
    let items = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) if !items.is_empty() => items,
        Ok(Value::Array(_)) => return respond::bad_request("No records were sent."),
        Ok(_) => return respond::bad_request("The request body must be a JSON array of records."),
        Err(err) => {
            return respond::bad_request(&format!("The request body is not valid JSON: {err}"))
        }
    };
    let ops = collection.entity.ops;
    for (position, item) in items.iter().enumerate() {
        // An id: a positive number, or text (a GUID) that is not a number.
        let has_id = match item.get("id") {
            Some(id @ Value::String(text)) if !text.is_empty() => {
                integer(id).is_none_or(|id| id > 0)
            }
            Some(id) => integer(id).is_some_and(|id| id > 0),
            None => false,
        };
        if (has_id && !ops.update) || (!has_id && !ops.create) {
            let what = if has_id { "updated" } else { "created" };
            return respond::field_error(
                &format!("[{position}]"),
                &format!(
                    "{} records cannot be {what} through the API.",
                    collection.entity.name
                ),
            );
        }
    }
    let saved = lock(&shared.store).save(collection.path(), &items);
    match saved {
        Ok(saved) => {
            Live::bump(&shared.counters.creates, saved.created);
            Live::bump(&shared.counters.updates, saved.updated);
            let status = if saved.created > 0 {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            // A one-element POST answers with the saved object itself.
            let body = match <[Value; 1]>::try_from(saved.records) {
                Ok([one]) => one,
                Err(many) => Value::Array(many),
            };
            respond::json(status, &body)
        }
        Err(invalid) => respond::field_error(&invalid.field, &invalid.message),
    }
}

async fn delete(
    shared: Arc<Shared>,
    collection: Arc<Collection>,
    id: String,
    raw: Option<String>,
) -> Response {
    let mut store = lock(&shared.store);
    let Some(id) = record_id(&store, &collection, &id) else {
        return respond::bad_request(&format!("The value '{id}' is not a valid id."));
    };
    let params = Params::parse(raw.as_deref());
    let allowed = store.get(collection.path(), id).is_some_and(|record| {
        belongs(
            &collection,
            &collection.entity.delete_params,
            record,
            &params,
        )
    });
    if allowed && store.delete(collection.path(), id) {
        Live::bump(&shared.counters.deletes, 1);
        respond::raw(StatusCode::OK, respond::JSON, Vec::new())
    } else {
        respond::not_found(&format!("{} {id}", collection.entity.name))
    }
}

/// The row the id in a URL names. An integer key that does not parse is
/// `None` (a 400, as Halo answers); a text key names no row when no record
/// has it, which is a 404 (row 0 never exists).
fn record_id(store: &Store, collection: &Collection, text: &str) -> Option<i64> {
    match collection.entity.key {
        KeyKind::Int => text.trim().parse::<i64>().ok().filter(|id| *id > 0),
        KeyKind::Text { .. } => Some(
            store
                .row(collection.path(), &Value::String(text.to_owned()))
                .unwrap_or(0),
        ),
    }
}

/// `POST /auth/token`: the OAuth 2.0 client-credentials grant.
async fn token(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    Live::bump(&shared.counters.token_requests, 1);
    let query = Params::parse(raw.as_deref());
    let form = Params::parse(std::str::from_utf8(&body).ok());
    let config = &shared.config;
    let tenant_param = shared.schema.api.tenant_param.as_str();
    if !config.tenant.is_empty() {
        let tenant = query.get(tenant_param).or_else(|| form.get(tenant_param));
        if tenant.map(str::trim) != Some(config.tenant.as_str()) {
            let named = tenant.unwrap_or_default();
            return respond::exception(
                StatusCode::BAD_REQUEST,
                "TenantNotFoundException",
                &format!("Tenant '{named}' not found."),
            );
        }
    }
    if form.get("grant_type") != Some("client_credentials") {
        return respond::oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only grant_type=client_credentials is supported.",
        );
    }
    let id_ok = form.get("client_id") == Some(config.client_id.as_str());
    let secret_ok = form.get("client_secret") == Some(config.client_secret.as_str());
    if !(id_ok && secret_ok) {
        return respond::oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The client credentials are invalid.",
        );
    }
    let scope = form.get("scope").unwrap_or("all").to_owned();
    let (token, lifetime) = {
        let mut tokens = lock(&shared.tokens);
        (tokens.issue(&scope), tokens.lifetime())
    };
    Live::bump(&shared.counters.tokens_issued, 1);
    let secs = lifetime.as_secs_f64();
    let expires_in = if secs.fract() == 0.0 {
        json!(lifetime.as_secs())
    } else {
        json!(secs)
    };
    respond::json(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "scope": scope,
        }),
    )
}

/// `GET /api/AuthInfo`: where this instance's token endpoint lives.
async fn auth_info(State(shared): State<Arc<Shared>>) -> Response {
    let api = &shared.schema.api;
    let auth_dir = api.token_path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let base = &shared.config.base_url;
    respond::json(
        StatusCode::OK,
        &json!({
            "auth_url": format!("{base}{auth_dir}"),
            "tenant_id": shared.config.tenant,
            "api_url": format!("{base}{}", api.base_path),
        }),
    )
}
