//! Actions (operations other than the five), text keys and singletons.

use std::collections::HashSet;

use super::paths::{self, PathKind};
use super::Checker;
use crate::model::{
    Action, Body, HttpMethod, KeyKind, Operations, Param, PathPart, Response, Scopes, Type,
};
use crate::names::{is_plain_ident, snake, upper_camel};
use crate::raw;
use crate::reserved;

const BODY_HELP: &str = "use `none`, `record` (one record, sent as Halo's one-element array), `records`, `ids`, `object` (one record as a JSON object), `form` (multipart), or a type: `json`, a name from `types:`, or `list<...>` of one";
const RESPONSE_HELP: &str = "use `none`, `record`, `records` (a JSON array), `list` (the collection's list shape), `bytes` (a file), `report` (the rows of an SQL report), or a type: `json`, a name from `types:`, or `list<...>` of one";

impl Checker<'_> {
    /// `key: int | string | uuid`, an entity's kind of id (default `int`).
    pub(super) fn key_kind(&mut self, name: &str, entity: &raw::Entity) -> KeyKind {
        match entity.key.as_deref() {
            None | Some("int") => KeyKind::Int,
            Some("string") => KeyKind::Text { uuid: false },
            Some("uuid") => KeyKind::Text { uuid: true },
            Some(other) => {
                self.error(
                    self.map.value(&["entities", name, "key"]),
                    format!("unknown key kind `{other}`"),
                    "use `int` (the default), `string`, or `uuid` for ids Halo sends as text"
                        .into(),
                );
                KeyKind::Int
            }
        }
    }

    /// `scopes: { read: .., edit: .. }`: each a plain OAuth scope.
    pub(super) fn scopes(&mut self, name: &str, entity: &raw::Entity) -> Scopes {
        let Some(raw) = &entity.scopes else {
            return Scopes::default();
        };
        let mut scope = |key: &'static str, value: &Option<String>| {
            let path = ["entities", name, "scopes", key];
            value
                .as_deref()
                .and_then(|scope| self.scope_value(&path, scope))
        };
        Scopes {
            read: scope("read", &raw.read),
            edit: scope("edit", &raw.edit),
        }
    }

    /// An OAuth scope as Halo names them (`read:reporting`), or an error.
    fn scope_value(&mut self, path: &[&str], scope: &str) -> Option<String> {
        let key = path.last().copied().unwrap_or("scope");
        let plain = !scope.is_empty()
            && scope
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'));
        if !plain {
            self.error(
                self.map.value(path),
                format!("the `{key}` scope {scope:?} is not an OAuth scope"),
                "write the scope as Halo names it, such as `read:reporting`".into(),
            );
            return None;
        }
        Some(scope.to_owned())
    }

    /// A singleton's `get` and `update`, as the actions they are: the
    /// collection's path itself, no id, needing the entity's read and edit
    /// scopes.
    pub(super) fn singleton_actions(
        &mut self,
        name: &str,
        ops: Operations,
        scopes: &Scopes,
    ) -> Vec<Action> {
        if ops.list || ops.create || ops.delete {
            self.error(
                self.map.key(&["entities", name, "operations"]),
                format!("singleton `{name}` can only `get` and `update`"),
                "a singleton is one record at its path, without an id: remove list, create and delete".into(),
            );
        }
        let mut actions = Vec::new();
        let op = |method_name: &str, method, body, doc: String, scope: &Option<String>| Action {
            method_name: method_name.to_owned(),
            type_name: format!("{name}{}", upper_camel(method_name)),
            doc,
            method,
            path: Vec::new(),
            path_params: Vec::new(),
            params: Vec::new(),
            body,
            response: Response::Record,
            retry: true,
            scope: scope.clone(),
            template: String::new(),
        };
        if ops.get {
            actions.push(op(
                "get",
                HttpMethod::Get,
                Body::None,
                format!("Reads the {}.", words(name)),
                &scopes.read,
            ));
        }
        if ops.update {
            actions.push(op(
                "update",
                HttpMethod::Post,
                Body::Record,
                format!(
                    "Saves the {}: sends every field the record carries, including fields the spec does not list.",
                    words(name)
                ),
                &scopes.edit,
            ));
        }
        actions
    }

    /// The `actions:` of entity `name`. `has_ids` says whether `{id}`,
    /// `record`, `records` and `ids` mean anything; `taken` holds the type
    /// names already generated for the entity.
    pub(super) fn actions(
        &mut self,
        name: &str,
        entity: &raw::Entity,
        has_ids: bool,
        singleton: bool,
    ) -> Vec<Action> {
        let mut out = Vec::new();
        let mut methods = HashSet::new();
        for (action_name, raw) in &entity.actions {
            let base = ["entities", name, "actions", action_name.as_str()];
            if !is_plain_ident(action_name) || snake(action_name) != *action_name {
                self.error(
                    self.map.key(&base),
                    format!("action name `{action_name}` is not a snake_case Rust name"),
                    "it becomes a method of the handle: use lowercase ASCII letters, digits and underscores, such as `pdf`".into(),
                );
                continue;
            }
            let builtin = singleton && matches!(action_name.as_str(), "get" | "update");
            if let Some(owner) = reserved::handle_method(action_name).filter(|_| !builtin) {
                self.error(
                    self.map.key(&base),
                    format!("action `{action_name}` would be a second method `{action_name}` of the handle, which is already {owner}"),
                    format!("name the action after what it does, such as `{action_name}_now`"),
                );
                continue;
            }
            methods.insert(action_name.clone());
            if let Some(action) = self.action(name, action_name, raw, has_ids) {
                out.push(action);
            }
        }
        out
    }

    fn action(
        &mut self,
        name: &str,
        action_name: &str,
        raw: &raw::Action,
        has_ids: bool,
    ) -> Option<Action> {
        let base = ["entities", name, "actions", action_name];
        let at = |key: &'static str| -> Vec<&str> { [&base[..], &[key]].concat() };
        let doc = self.doc(&raw.doc, &base, &format!("action `{action_name}`"));
        let method = match raw.method.to_ascii_uppercase().as_str() {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            "DELETE" => HttpMethod::Delete,
            other => {
                self.error(
                    self.map.value(&at("method")),
                    format!("unknown method `{other}`"),
                    "Halo's API uses GET, POST and DELETE".into(),
                );
                return None;
            }
        };
        let path_params = self.params(&at("path_params"), &raw.path_params, "action", &[], false);
        let (path, template) = self.template(&base, raw, &path_params, has_ids)?;
        // A file's request type has `download` besides the methods of an action's.
        let kind = match raw.response.as_deref().map(str::trim) {
            Some("bytes") => "file",
            _ => "action",
        };
        let params = self.params(&at("params"), &raw.params, kind, &[], true);
        let body = self.body(&at("body"), raw.body.as_deref(), has_ids)?;
        if method == HttpMethod::Get && body != Body::None {
            self.error(
                self.map.value(&at("body")),
                "a GET request has no body".into(),
                "remove `body`, or use `method: POST`".into(),
            );
            return None;
        }
        let response = self.response(&at("response"), raw.response.as_deref(), has_ids)?;
        if response == Response::Report {
            self.report_action(&base, raw, method, &body, &path)?;
        }
        let scope = match &raw.scope {
            Some(scope) => Some(self.scope_value(&at("scope"), scope)?),
            None => None,
        };
        Some(Action {
            method_name: action_name.to_owned(),
            type_name: format!("{name}{}", upper_camel(action_name)),
            doc,
            method,
            path,
            path_params,
            params,
            body,
            response,
            retry: raw.retry.unwrap_or(method != HttpMethod::Post),
            scope,
            template,
        })
    }

    /// A report query (`response: report`) is a POST whose body is its SQL,
    /// to a path without parameters: the method takes only the SQL.
    fn report_action(
        &mut self,
        base: &[&str],
        raw: &raw::Action,
        method: HttpMethod,
        body: &Body,
        path: &[PathPart],
    ) -> Option<()> {
        let at = |key: &str| self.map.value(&[base, &[key]].concat());
        let problem = if method != HttpMethod::Post {
            Some((
                at("method"),
                "a report query is posted".to_owned(),
                "use `method: POST`".to_owned(),
            ))
        } else if *body != Body::None {
            Some((
                at("body"),
                "a report query's body is its SQL".to_owned(),
                "remove `body`: the method takes the SQL and sends it with `_loadreportonly`"
                    .to_owned(),
            ))
        } else if path
            .iter()
            .any(|part| !matches!(part, PathPart::Literal(_)))
        {
            Some((
                at("path"),
                "a report query's path has no parameters".to_owned(),
                "the method takes only the SQL: use a path of literal segments".to_owned(),
            ))
        } else if !raw.params.is_empty() {
            Some((
                self.map.key(&[base, &["params"]].concat()),
                "a report query takes no query parameters".to_owned(),
                "remove `params`: the method takes only the SQL".to_owned(),
            ))
        } else {
            None
        };
        match problem {
            Some((location, message, help)) => {
                self.error(location, message, help);
                None
            }
            None => Some(()),
        }
    }

    /// The path template: literal segments (the path grammar) and `{id}` or
    /// `{name}` of a declared path parameter, each used exactly once.
    fn template(
        &mut self,
        base: &[&str],
        raw: &raw::Action,
        path_params: &[Param],
        has_ids: bool,
    ) -> Option<(Vec<PathPart>, String)> {
        let at = self.map.value(&[base, &["path"]].concat());
        let mut parts = Vec::new();
        let mut used = HashSet::new();
        let text = raw.path.as_str();
        if text.is_empty() {
            if let Some(param) = path_params.first() {
                self.error(
                    at,
                    format!("path parameter `{}` is not in the path", param.wire),
                    "use it in `path` as `{name}`, or remove it".into(),
                );
                return None;
            }
            return Some((parts, String::new()));
        }
        for segment in text.split('/') {
            if let Some(inner) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let part = if inner == "id" {
                    if !has_ids {
                        self.error(
                            at,
                            "`{id}` in the path of an entity without ids".into(),
                            "a singleton has no id; remove `{id}`".into(),
                        );
                        return None;
                    }
                    PathPart::Id
                } else if path_params.iter().any(|p| p.wire == inner) {
                    PathPart::Param(inner.to_owned())
                } else {
                    self.error(
                        at,
                        format!("`{{{inner}}}` is not a declared path parameter"),
                        format!("declare it under `path_params:` (`{inner}: {{ type: i32, doc: ... }}`), or use `{{id}}` for the record's id"),
                    );
                    return None;
                };
                if !used.insert(inner.to_owned()) {
                    self.error(
                        at,
                        format!("`{{{inner}}}` appears twice in the path"),
                        "use each parameter once".into(),
                    );
                    return None;
                }
                parts.push(part);
            } else {
                if let Err(refused) = paths::check(segment, PathKind::Collection) {
                    self.error(
                        at,
                        format!(
                            "`path: {}` {}",
                            crate::text::printable(text),
                            refused.problem
                        ),
                        format!("{}; a parameter is written `{{name}}`", refused.help),
                    );
                    return None;
                }
                parts.push(PathPart::Literal(segment.to_owned()));
            }
        }
        if let Some(unused) = path_params.iter().find(|p| !used.contains(&p.wire)) {
            self.error(
                at,
                format!("path parameter `{}` is not in the path", unused.wire),
                format!("use it in `path` as `{{{}}}`, or remove it", unused.wire),
            );
            return None;
        }
        Some((parts, text.to_owned()))
    }

    fn body(&mut self, path: &[&str], text: Option<&str>, has_ids: bool) -> Option<Body> {
        let at = self.map.value(path);
        let needs_ids = |checker: &mut Self, kind: &str| {
            if !has_ids {
                checker.error(
                    at,
                    format!("`body: {kind}` on an entity without ids"),
                    "a singleton's record is sent by its `update`".into(),
                );
            }
            has_ids
        };
        match text.map(str::trim) {
            None | Some("none") => Some(Body::None),
            Some("record") => needs_ids(self, "record").then_some(Body::Record),
            Some("records") => needs_ids(self, "records").then_some(Body::Records),
            Some("ids") => needs_ids(self, "ids").then_some(Body::Ids),
            Some("object") => needs_ids(self, "object").then_some(Body::Object),
            Some("form") => Some(Body::Form),
            Some(other) => {
                let ty = self.parse_type(other, path, false)?;
                if value_type(&ty) {
                    Some(Body::Value(ty))
                } else {
                    self.error(
                        at,
                        format!("`body: {other}` is not a body"),
                        BODY_HELP.into(),
                    );
                    None
                }
            }
        }
    }

    fn response(&mut self, path: &[&str], text: Option<&str>, has_ids: bool) -> Option<Response> {
        let at = self.map.value(path);
        let response = match text.map(str::trim) {
            None | Some("none") => return Some(Response::None),
            Some("record") => Response::Record,
            Some("records") => Response::Records,
            Some("list") => Response::List,
            Some("bytes") => return Some(Response::Bytes),
            Some("report") => Response::Report,
            Some(other) => {
                let ty = self.parse_type(other, path, false)?;
                if !value_type(&ty) {
                    self.error(
                        at,
                        format!("`response: {other}` is not a response"),
                        RESPONSE_HELP.into(),
                    );
                    return None;
                }
                return Some(Response::Value(ty));
            }
        };
        if !has_ids && response != Response::Record {
            self.error(
                at,
                "a singleton answers with its record".into(),
                "use `response: record`, `bytes` or a type".into(),
            );
            return None;
        }
        Some(response)
    }
}

/// Types a body or a response can be: `json`, a shared type, or a list of one.
fn value_type(ty: &Type) -> bool {
    match ty {
        Type::Json | Type::Named(_) => true,
        Type::List(inner) => value_type(inner),
        _ => false,
    }
}

/// `ClientContract` -> `client contract`.
fn words(name: &str) -> String {
    snake(name).replace('_', " ")
}
