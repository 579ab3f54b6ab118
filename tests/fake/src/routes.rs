//! The routes: the auth endpoints, for every entity of the spec the
//! operations it declares (`GET /api/{Path}`, `GET /api/{Path}/{id}`,
//! `POST /api/{Path}`, `DELETE /api/{Path}/{id}`) and its actions (in
//! `actions.rs`), each under the scope the spec records; SQL reports
//! (`POST /api/Report` with `_loadreportonly`, in `report/`) and, while the
//! spec declares no `Attachment` collection, attachments (in `files.rs`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, on, post, MethodFilter, MethodRouter};
use axum::{Extension, Router};
use halopsa_codegen::model::{Action, HttpMethod, Param, PathPart, Response as Answer};
use serde_json::{json, Value};

use super::actions;
use super::auth::Granted;
use super::counters::Live;
use super::files::{self, ATTACHMENT_PATH};
use super::gate::gate;
use super::list::{list_body_by, Params};
use super::quirks;
use super::report::{self, REPORT_PATH};
use super::respond;
use super::schema::Collection;
use super::store::{Found, Store};
use super::values::equals_text;
use super::webhooks::Change;
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
        for (suffix, handler) in handlers(collection) {
            router = router.route(&format!("{base}{suffix}"), handler);
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

/// The routes of one collection, each a path under it (`""`, `"/{id}"`,
/// `"/PDF/{id}"`) with its methods: the operations the spec declares, then
/// each action on a path and method no operation takes.
fn handlers(collection: &Arc<Collection>) -> Vec<(String, Handler)> {
    let ops = collection.entity.ops;
    let mut routes = Routes::default();
    if ops.list {
        let c = Arc::clone(collection);
        routes.add(
            "",
            HttpMethod::Get,
            get(
                move |State(s): State<Arc<Shared>>,
                      RawQuery(q): RawQuery,
                      granted: Option<Extension<Granted>>| {
                    list(s, c, q, granted.map(|Extension(g)| g))
                },
            ),
        );
    }
    let reports =
        report_action(collection).is_some() || collection.path().eq_ignore_ascii_case(REPORT_PATH);
    if ops.create || ops.update || reports {
        let c = Arc::clone(collection);
        routes.add(
            "",
            HttpMethod::Post,
            post(
                move |State(s): State<Arc<Shared>>,
                      granted: Option<Extension<Granted>>,
                      body: Bytes| {
                    save(s, c, granted.map(|Extension(g)| g), body)
                },
            ),
        );
    }
    if ops.get {
        let c = Arc::clone(collection);
        routes.add(
            "/{id}",
            HttpMethod::Get,
            get(
                move |State(s): State<Arc<Shared>>,
                      Path(id): Path<String>,
                      RawQuery(q): RawQuery,
                      granted: Option<Extension<Granted>>| {
                    get_one(s, c, id, q, granted.map(|Extension(g)| g))
                },
            ),
        );
    }
    if ops.delete {
        let c = Arc::clone(collection);
        routes.add(
            "/{id}",
            HttpMethod::Delete,
            axum::routing::delete(
                move |State(s): State<Arc<Shared>>,
                      Path(id): Path<String>,
                      RawQuery(q): RawQuery,
                      granted: Option<Extension<Granted>>| {
                    delete(s, c, id, q, granted.map(|Extension(g)| g))
                },
            ),
        );
    }
    for (index, action) in collection.entity.actions.iter().enumerate() {
        let suffix = if action.template.is_empty() {
            String::new()
        } else {
            format!("/{}", action.template)
        };
        let filter = match action.method {
            HttpMethod::Get => MethodFilter::GET,
            HttpMethod::Post => MethodFilter::POST,
            HttpMethod::Delete => MethodFilter::DELETE,
        };
        let c = Arc::clone(collection);
        let with_params = action
            .path
            .iter()
            .any(|part| !matches!(part, PathPart::Literal(_)));
        let handler = if with_params {
            on(
                filter,
                move |State(s): State<Arc<Shared>>,
                      Path(path): Path<HashMap<String, String>>,
                      RawQuery(query): RawQuery,
                      headers: HeaderMap,
                      granted: Option<Extension<Granted>>,
                      body: Bytes| async move {
                    let request = actions::Request {
                        path,
                        query,
                        headers,
                        granted: granted.map(|Extension(g)| g),
                        body,
                    };
                    actions::serve(&s, &c, &c.entity.actions[index], request)
                },
            )
        } else {
            on(
                filter,
                move |State(s): State<Arc<Shared>>,
                      RawQuery(query): RawQuery,
                      headers: HeaderMap,
                      granted: Option<Extension<Granted>>,
                      body: Bytes| async move {
                    let request = actions::Request {
                        path: HashMap::new(),
                        query,
                        headers,
                        granted: granted.map(|Extension(g)| g),
                        body,
                    };
                    actions::serve(&s, &c, &c.entity.actions[index], request)
                },
            )
        };
        routes.add(&suffix, action.method, handler);
    }
    routes
        .0
        .into_iter()
        .map(|(suffix, (_, h))| (suffix, h))
        .collect()
}

/// Method routers by path suffix, each method taken once: the first to
/// claim a path and method answers it (an operation before an action).
#[derive(Default)]
struct Routes(Vec<(String, (Vec<HttpMethod>, Handler))>);

impl Routes {
    fn add(&mut self, suffix: &str, method: HttpMethod, handler: Handler) {
        match self.0.iter_mut().find(|(s, _)| s == suffix) {
            Some((_, (methods, _))) if methods.contains(&method) => {}
            Some((_, (methods, existing))) => {
                methods.push(method);
                let merged = std::mem::take(existing).merge(handler);
                *existing = merged;
            }
            None => self.0.push((suffix.to_owned(), (vec![method], handler))),
        }
    }
}

/// The collection's report query at its own path (`POST /Report`), if the
/// spec declares one.
fn report_action(collection: &Collection) -> Option<&Action> {
    collection
        .entity
        .actions
        .iter()
        .find(|a| a.response == Answer::Report && a.template.is_empty())
}

/// The 403 for a token not issued for `scope` (when there is one).
fn refusal(granted: Option<&Granted>, scope: Option<&String>) -> Option<Response> {
    match scope {
        Some(scope) if !granted.is_some_and(|g| g.allows(scope)) => {
            Some(respond::missing_scope(scope))
        }
        _ => None,
    }
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

async fn list(
    shared: Arc<Shared>,
    collection: Arc<Collection>,
    raw: Option<String>,
    granted: Option<Granted>,
) -> Response {
    if let Some(refused) = refusal(granted.as_ref(), collection.entity.scopes.read.as_ref()) {
        return refused;
    }
    let params = Params::parse(raw.as_deref());
    // An action listing at the collection's path (Attachment's `of_action`)
    // is the same endpoint: its parameters filter too.
    let mut declared: Vec<Param> = collection.entity.filters.clone();
    let listing = collection
        .entity
        .actions
        .iter()
        .filter(|a| a.method == HttpMethod::Get && a.template.is_empty());
    for param in listing.flat_map(|a| &a.params) {
        if !declared.iter().any(|p| p.wire == param.wire) {
            declared.push(param.clone());
        }
    }
    let result = {
        let mut store = lock(&shared.store);
        let result = match store.table(collection.path()) {
            Some(table) => list_body_by(table, &declared, &params, &shared.schema.api),
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
    granted: Option<Granted>,
) -> Response {
    if let Some(refused) = refusal(granted.as_ref(), collection.entity.scopes.read.as_ref()) {
        return refused;
    }
    let params = Params::parse(raw.as_deref());
    let store = lock(&shared.store);
    let get_params = &collection.entity.get_params;
    let row = match store.find(collection.path(), &id) {
        Found::Row(row) => Some(row),
        Found::Missing => None,
        // Id 0 names a record by its get parameters (an agent's timesheet
        // for a date), as Halo does for records that may have no id yet.
        Found::Invalid if id.trim() == "0" => {
            let named = named_by(&store, &collection, get_params, &params);
            if named.is_none() && quirks::lists_without_ids(collection.path()) {
                // A day without a stored timesheet: Halo answers it with id 0.
                return respond::json(StatusCode::OK, &unstored(&collection, &params));
            }
            named
        }
        Found::Invalid => {
            return respond::bad_request(&format!("The value '{id}' is not a valid id."))
        }
    };
    match row.and_then(|row| store.get(collection.path(), row)) {
        Some(record) if belongs(&collection, get_params, record, &params) => {
            let mut record = record.clone();
            // A saved report run on request (`loadreport=true`).
            let load = collection.path().eq_ignore_ascii_case(REPORT_PATH)
                && params.flag("loadreport").ok().flatten() == Some(true);
            if load {
                let sql = record
                    .get("sql")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let content = report::content(&shared.schema, &store, sql);
                record.insert("report".into(), content);
            }
            respond::json(StatusCode::OK, &Value::Object(record))
        }
        _ => respond::not_found(&format!("{} {id}", collection.entity.name)),
    }
}

/// A record with id 0 and the fields the get parameters name, as given.
fn unstored(collection: &Collection, params: &Params) -> Value {
    let mut record = serde_json::Map::new();
    record.insert("id".into(), json!(0));
    for param in &collection.entity.get_params {
        if let (Some(_), Some(text)) = (collection.field(&param.wire), params.get(&param.wire)) {
            let value = text
                .trim()
                .parse::<i64>()
                .map_or_else(|_| json!(text), |n| json!(n));
            record.insert(param.wire.clone(), value);
        }
    }
    Value::Object(record)
}

/// The row of the first record that every given operation parameter naming
/// one of its fields matches; none when no such parameter is given.
fn named_by(
    store: &Store,
    collection: &Collection,
    operation_params: &[Param],
    params: &Params,
) -> Option<i64> {
    let wanted: Vec<(&str, &str)> = operation_params
        .iter()
        .filter(|param| collection.field(&param.wire).is_some())
        .filter_map(|param| Some((param.wire.as_str(), params.get(&param.wire)?)))
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let table = store.table(collection.path())?;
    table
        .records()
        .iter()
        .find(|(_, record)| {
            wanted
                .iter()
                .all(|(field, text)| equals_text(record.get(*field), text))
        })
        .map(|(row, _)| *row)
}

/// Records whose id is only unique within a parent (actions within a
/// ticket, lookup values within a lookup table) must match the parent named
/// by one of the operation's `*_id` or required parameters, when the query
/// names one.
fn belongs(
    collection: &Collection,
    operation_params: &[Param],
    record: &serde_json::Map<String, Value>,
    params: &Params,
) -> bool {
    operation_params.iter().all(|param| {
        let name = param.wire.as_str();
        let parent = name.ends_with("_id") || param.required;
        match params.get(name) {
            Some(wanted) if parent && collection.field(name).is_some() => {
                equals_text(record.get(name), wanted)
            }
            _ => true,
        }
    })
}

async fn save(
    shared: Arc<Shared>,
    collection: Arc<Collection>,
    granted: Option<Granted>,
    body: Bytes,
) -> Response {
    // A report query posted to the collection's path, Halo's
    // `_loadreportonly`, under the report action's scope.
    if report::is_query(&body) {
        match report_action(&collection) {
            Some(action) => {
                return report::answer(&shared, granted.as_ref(), action.scope.as_deref(), &body)
            }
            None if collection.path().eq_ignore_ascii_case(REPORT_PATH) => {
                return report::report(State(shared), granted.map(Extension), body).await
            }
            None => {}
        }
    }
    let ops = collection.entity.ops;
    if !(ops.create || ops.update) {
        return respond::bad_request("Only reports with `_loadreportonly` run here.");
    }
    if let Some(refused) = refusal(granted.as_ref(), collection.entity.scopes.edit.as_ref()) {
        return refused;
    }
    let items = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) if !items.is_empty() => items,
        Ok(Value::Array(_)) => return respond::bad_request("No records were sent."),
        Ok(_) => return respond::bad_request("The request body must be a JSON array of records."),
        Err(err) => {
            return respond::bad_request(&format!("The request body is not valid JSON: {err}"))
        }
    };
    let text_keyed = matches!(
        collection.entity.key,
        halopsa_codegen::model::KeyKind::Text { .. }
    );
    for (position, item) in items.iter().enumerate() {
        let has_id = names_record(item, text_keyed);
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
    match actions::save(&shared, collection.path(), &items) {
        Ok(saved) => {
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
        Err(invalid) => actions::refused(invalid),
    }
}

async fn delete(
    shared: Arc<Shared>,
    collection: Arc<Collection>,
    id: String,
    raw: Option<String>,
    granted: Option<Granted>,
) -> Response {
    if let Some(refused) = refusal(granted.as_ref(), collection.entity.scopes.edit.as_ref()) {
        return refused;
    }
    let params = Params::parse(raw.as_deref());
    let mut store = lock(&shared.store);
    let Some(id) = record_row(&store, &collection, &id) else {
        return respond::not_found(&format!("{} {id}", collection.entity.name));
    };
    let allowed = store.get(collection.path(), id).is_some_and(|record| {
        belongs(
            &collection,
            &collection.entity.delete_params,
            record,
            &params,
        )
    });
    let before = (allowed && shared.webhooks.any())
        .then(|| store.get(collection.path(), id).cloned())
        .flatten();
    if allowed && store.delete(collection.path(), id) {
        Live::bump(&shared.counters.deletes, 1);
        if let Some(before) = before {
            // A soft-deleted record is still there, marked `deleted`.
            let after = store
                .table(collection.path())
                .and_then(|t| t.records().get(&id));
            let record = after.unwrap_or(&before);
            shared
                .webhooks
                .fire(&store, collection.path(), &[(Change::Deleted, record)]);
        }
        respond::raw(StatusCode::OK, respond::JSON, Vec::new())
    } else {
        respond::not_found(&format!("{} {id}", collection.entity.name))
    }
}

/// Whether a POSTed element names a record to update (else it creates one):
/// a positive integer id, or a non-blank text one where the key is text.
pub(crate) fn names_record(item: &Value, text_keyed: bool) -> bool {
    match item.get("id") {
        Some(Value::String(text)) if text_keyed => !text.trim().is_empty(),
        Some(id) => super::values::integer(id).is_some_and(|id| id > 0),
        None => false,
    }
}

/// The row of the record `text` names: an integer id, or a text one.
fn record_row(store: &super::store::Store, collection: &Collection, text: &str) -> Option<i64> {
    store.table(collection.path())?.row(text)
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
