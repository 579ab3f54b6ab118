//! An action's surface: an operation beyond the five (and a singleton's
//! `get` and `update`), with its HTTP method, path, answer and parameters.

use super::entity::{self, op, param_type, params};
use super::{quoted, Lines};
use crate::emit::type_name;
use crate::model::{Action, Body, Entity, HttpMethod, PathPart, Response, Spec, Type};

/// An operation beyond the five (and a singleton's `get` and `update`):
/// `op pdf: InvoicesApi::pdf(id: InvoiceId) -> InvoicePdf  POST "/api/Invoice/PDF/{id}"
/// answers Json<serde_json::Value>`, then its path and query parameters as
/// `path_param pdf.x` and `param pdf.x`.
pub(super) fn action(out: &mut Lines, spec: &Spec, e: &Entity, action: &Action) {
    let own_id = e.id_type.as_str();
    let mut args = Vec::new();
    for part in &action.path {
        match part {
            PathPart::Literal(_) => {}
            PathPart::Id => args.push(format!("id: {own_id}")),
            PathPart::Param(wire) => {
                if let Some(param) = action.path_params.iter().find(|p| &p.wire == wire) {
                    args.push(format!("{}: {}", param.rust, param_type(param, own_id)));
                }
            }
        }
    }
    args.extend(entity::args(None, &action.params, own_id));
    let body = match &action.body {
        Body::None => None,
        Body::Record => Some(format!("&{}", e.name)),
        Body::Records => Some(format!("[&{}]", e.name)),
        Body::Ids => Some(format!("[{own_id}]")),
        Body::Object => Some(format!("&{}", e.name)),
        Body::Form => Some("&Multipart".to_owned()),
        Body::Value(Type::List(inner)) => Some(format!("&[{}]", type_name(inner, own_id))),
        Body::Value(ty) => Some(format!("&{}", type_name(ty, own_id))),
    };
    let body_name = if action.body == Body::Form {
        "form"
    } else {
        "body"
    };
    args.extend(body.map(|ty| format!("{body_name}: {ty}")));
    if action.response == Response::Report {
        args.push("sql: String".to_owned());
    }
    let method = match action.method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Delete => "DELETE",
    };
    let mut path = format!("{}/{}", spec.api.base_path, e.path);
    if !action.template.is_empty() {
        path = format!("{path}/{}", action.template);
    }
    let sends = format!("{method} {}", quoted(&path));
    let answers = match &action.response {
        Response::None => "Nothing".to_owned(),
        Response::Record => format!("Json<{}>", e.name),
        Response::Records => format!("Json<Vec<{}>>", e.name),
        Response::List => format!("Listed<{}>", e.name),
        Response::Value(ty) => format!("Json<{}>", type_name(ty, own_id)),
        Response::Bytes => "File".to_owned(),
        Response::Report => "ReportRows".to_owned(),
    };
    let returns = if action.response == Response::Report {
        "ReportQuery"
    } else {
        action.type_name.as_str()
    };
    let answers = format!("answers {answers}");
    let retried = (action.retry && action.method == HttpMethod::Post).then_some("retried");
    let scope = action
        .scope
        .as_ref()
        .map(|scope| format!("scope {}", quoted(scope)));
    // `record` sends Halo's one-element array; `object` the record alone.
    let object = (action.body == Body::Object).then_some("sends one object");
    let notes: Vec<&str> = [sends.as_str(), &answers]
        .into_iter()
        .chain(object)
        .chain(retried)
        .chain(scope.as_deref())
        .collect();
    op(out, e, &action.method_name, &args, returns, &notes);
    let prefix = format!("{}.", action.method_name);
    params(out, "path_param", &prefix, &action.path_params, own_id);
    params(out, "param", &prefix, &action.params, own_id);
}
