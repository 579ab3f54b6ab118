//! `verify-upstream`: checks the spec against Halo's OpenAPI document.
//!
//! Every path, operation, field, filter and parameter the spec names must exist
//! in the document with a compatible type; so must every action (its path
//! template, method, path and query parameters and body), and an entity's
//! `key` must be the kind of id the document's `{id}` holds. A query parameter
//! the document requires must be `required` in the spec (the spec may require
//! more than the document). Responses cannot be checked: the document has no
//! response schemas. Halo's document is wrong in places,
//! so the spec may record the declared type with `upstream_type`; that exact
//! difference is then accepted, and reported as stale once the document changes.
//! Pure: a checked spec and a document in, a [`Report`] out.

use std::fmt;

use halopsa_codegen::model::{
    Action, Body, Entity, EnumRepr, HttpMethod, KeyKind, NamedKind, Param, PathPart, Response,
    Spec, Type,
};

use crate::openapi::{Declared, Document, IdKind, Kind, Parameter, RequestBody, Segment};

/// The `upstream_type` of a field or parameter that the document leaves out.
pub const ABSENT: &str = "absent";

/// Where a field or parameter sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Field,
    /// A request-only field (a `_` switch of the POST model).
    RequestField,
    Filter,
    GetParam,
    DeleteParam,
    /// A query parameter of the named action.
    ActionParam(String),
    /// A path parameter of the named action.
    PathParam(String),
}

impl Place {
    /// "filter `limit`" or "parameter `client_id` of action `lines_of`".
    fn subject(&self, wire: &str) -> String {
        match self {
            Place::Field => format!("field `{wire}`"),
            Place::RequestField => format!("request-only field `{wire}`"),
            Place::Filter => format!("filter `{wire}`"),
            Place::GetParam => format!("get parameter `{wire}`"),
            Place::DeleteParam => format!("delete parameter `{wire}`"),
            Place::ActionParam(action) => format!("parameter `{wire}` of action `{action}`"),
            Place::PathParam(action) => format!("path parameter `{wire}` of action `{action}`"),
        }
    }
}

/// One difference between the spec and the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// A path the spec's operations need.
    MissingPath(String),
    MissingOperation {
        /// "operation `delete`" or "action `pdf`".
        what: String,
        endpoint: String,
    },
    /// Neither the POST body nor a GET tag names the collection's model.
    NoModel { collection: String },
    Missing {
        place: Place,
        wire: String,
        /// `model Faults` or `GET /Tickets`.
        owner: String,
    },
    Incompatible {
        place: Place,
        wire: String,
        spec: String,
        upstream: String,
    },
    /// `upstream_type` no longer names what the document declares.
    StaleDeviation {
        place: Place,
        wire: String,
        recorded: String,
        upstream: String,
    },
    /// No path of the document fits an action's template.
    MissingActionPath {
        what: String,
        /// The template under the collection: `/Invoice/PDF/{id}`.
        path: String,
    },
    /// `key` (or an action's `{id}`) is not the kind of id the document declares.
    Key {
        spec: KeyKind,
        /// The declaration, quoted: `` `string/uuid` ``.
        upstream: String,
        /// Whose `{id}`: `GET /Webhook/{id}`.
        endpoint: String,
        /// The key that fits the document, if any does.
        fits: Option<KeyKind>,
    },
    /// An action's `{id}` where the document declares another kind of id.
    ActionId {
        what: String,
        endpoint: String,
        spec: KeyKind,
        /// The declaration, quoted: `` `string` ``.
        upstream: String,
    },
    /// A query parameter the document requires that the spec leaves optional.
    NotRequired {
        place: Place,
        wire: String,
        endpoint: String,
    },
    /// A query parameter the document requires that the spec does not have.
    RequiredMissing {
        wire: String,
        endpoint: String,
        /// "the filters" or "action `lines_of`".
        owner: String,
    },
    /// An action sends something else than the operation takes.
    Body {
        what: String,
        endpoint: String,
        /// The spec's `body`, with what it sends: "`records` (`array<Widget>`)".
        spec: String,
        /// The document's request body, or `none`.
        upstream: String,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::MissingPath(path) => write!(f, "path `{path}` is not in the document"),
            Mismatch::MissingOperation { what, endpoint } => {
                write!(f, "{what} ({endpoint}) is not in the document")
            }
            Mismatch::MissingActionPath { what, path } => {
                write!(f, "{what}: path `{path}` is not in the document")
            }
            Mismatch::Key {
                spec,
                upstream,
                endpoint,
                fits,
            } => {
                write!(
                    f,
                    "key `{}` does not fit the `{{id}}` of {endpoint}, declared {upstream}",
                    key_name(*spec)
                )?;
                match fits {
                    Some(KeyKind::Int) => write!(f, "; remove `key` (ids are `int` by default)"),
                    Some(key) => write!(f, "; use `key: {}`", key_name(*key)),
                    None => write!(f, "; no kind of key fits it"),
                }
            }
            Mismatch::ActionId {
                what,
                endpoint,
                spec,
                upstream,
            } => write!(
                f,
                "{what} ({endpoint}): `{{id}}` holds the collection's `{}` ids, but the document declares {upstream}; use a path parameter if it is another id",
                key_name(*spec)
            ),
            Mismatch::NotRequired {
                place,
                wire,
                endpoint,
            } => write!(
                f,
                "{} is required by {endpoint}; mark it `required: true`",
                place.subject(wire)
            ),
            Mismatch::RequiredMissing {
                wire,
                endpoint,
                owner,
            } => write!(
                f,
                "{endpoint} requires parameter `{wire}`, missing from {owner}"
            ),
            Mismatch::Body {
                what,
                endpoint,
                spec,
                upstream,
            } => write!(
                f,
                "{what} ({endpoint}): the spec's body {spec} is incompatible with the document's request body `{upstream}`"
            ),
            Mismatch::NoModel { collection } => write!(
                f,
                "no schema model for `{collection}` (no POST body or GET tag names one); fields not checked"
            ),
            Mismatch::Missing { place, wire, owner } => {
                let within = if owner.starts_with("model") { "in" } else { "a parameter of" };
                write!(f, "{} is not {within} {owner}", place.subject(wire))
            }
            Mismatch::Incompatible {
                place,
                wire,
                spec,
                upstream,
            } => write!(
                f,
                "{}: the spec's `{spec}` is incompatible with the document's `{upstream}`",
                place.subject(wire)
            ),
            Mismatch::StaleDeviation {
                place,
                wire,
                recorded,
                upstream,
            } => write!(
                f,
                "{}: upstream_type `{recorded}` is stale: the document declares `{upstream}`",
                place.subject(wire)
            ),
        }
    }
}

/// The mismatches of one entity or shared type.
#[derive(Debug, Clone)]
pub struct Section {
    /// `Ticket`, or `type CustomField`.
    pub name: String,
    /// `/Tickets, model Faults`.
    pub context: String,
    pub mismatches: Vec<Mismatch>,
}

/// The outcome of a check, with what was checked.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The document's title and version.
    pub document: String,
    pub sections: Vec<Section>,
    pub entities: usize,
    pub fields: usize,
    pub filters: usize,
    /// Get and delete parameters, and the path and query parameters of actions.
    pub params: usize,
    /// Recorded `upstream_type`s that still match the document.
    pub deviations: usize,
}

impl Report {
    pub fn mismatch_count(&self) -> usize {
        self.sections.iter().map(|s| s.mismatches.len()).sum()
    }

    pub fn is_clean(&self) -> bool {
        self.mismatch_count() == 0
    }

    /// Every mismatch as `Owner: message`, in spec order.
    pub fn lines(&self) -> Vec<String> {
        self.sections
            .iter()
            .flat_map(|s| s.mismatches.iter().map(move |m| format!("{}: {m}", s.name)))
            .collect()
    }

    pub fn summary(&self) -> String {
        format!(
            "verify-upstream: {} entities, {} fields, {} filters and {} parameters checked against {}; {} recorded deviation(s) accepted; {} mismatch(es)",
            self.entities,
            self.fields,
            self.filters,
            self.params,
            self.document,
            self.deviations,
            self.mismatch_count()
        )
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for section in self.sections.iter().filter(|s| !s.mismatches.is_empty()) {
            writeln!(f, "{} ({}):", section.name, section.context)?;
            for mismatch in &section.mismatches {
                writeln!(f, "  - {mismatch}")?;
            }
        }
        write!(f, "{}", self.summary())
    }
}

/// Checks every entity of `spec`, then every shared struct against the schemas
/// the entities' fields lead to.
pub fn verify(spec: &Spec, doc: &Document) -> Report {
    let mut checker = Checker {
        spec,
        doc,
        report: Report {
            document: doc.title(),
            ..Report::default()
        },
        structs: Vec::new(),
        key: KeyKind::Int,
    };
    for entity in &spec.entities {
        let section = checker.entity(entity);
        checker.report.sections.push(section);
    }
    // Checking a struct can reach further structs, so walk the growing list.
    let mut next = 0;
    while let Some((name, schema)) = checker.structs.get(next).cloned() {
        let section = checker.named_struct(&name, &schema);
        checker.report.sections.push(section);
        next += 1;
    }
    checker.report
}

struct Checker<'a> {
    spec: &'a Spec,
    doc: &'a Document,
    report: Report,
    /// (struct type, schema) pairs met so far, each checked once.
    structs: Vec<(String, String)>,
    /// The key of the entity being checked: what `Type::Id` is.
    key: KeyKind,
}

/// A field or parameter of the spec, whatever its kind.
struct Item<'a> {
    place: Place,
    wire: &'a str,
    ty: &'a Type,
    recorded: Option<&'a str>,
    required: bool,
}

/// One operation of the document: its path as the document writes it, and
/// `POST /Invoice/PDF/{id}` for messages.
struct Endpoint<'a> {
    path: &'a str,
    method: &'a str,
    name: String,
}

impl<'a> Endpoint<'a> {
    fn new(path: &'a str, method: &'a str) -> Self {
        Endpoint {
            path,
            method,
            name: format!("{} {path}", method.to_uppercase()),
        }
    }
}

impl Checker<'_> {
    fn entity(&mut self, entity: &Entity) -> Section {
        self.report.entities += 1;
        self.key = entity.key;
        let collection = format!("/{}", entity.path);
        // Empty when missing: no operation matches it, and that is reported once.
        let item = self.doc.item_path(&collection).unwrap_or_default();
        let mut out = self.endpoints(entity, &collection, &item);
        // A singleton has no ids; its `get` and `update` are checked as actions.
        if !entity.singleton {
            out.extend(self.key(entity.key, &collection));
        }
        let model = self.doc.model_of(&collection);
        match &model {
            Some(model) => self.fields(entity, model, &mut out),
            None if self.doc.has_path(&collection) => out.push(Mismatch::NoModel {
                collection: collection.clone(),
            }),
            None => {}
        }
        self.parameters(entity, &collection, &item, &mut out);
        for action in &entity.actions {
            self.action(entity, action, model.as_deref(), &mut out);
        }
        let context = match model {
            Some(model) => format!("{collection}, model {model}"),
            None => collection,
        };
        Section {
            name: entity.name.clone(),
            context,
            mismatches: out,
        }
    }

    /// The paths and operations the entity's `operations` need.
    fn endpoints(&self, entity: &Entity, collection: &str, item: &str) -> Vec<Mismatch> {
        let (doc, ops) = (self.doc, entity.ops);
        let mut out = Vec::new();
        if (ops.list || ops.create || ops.update) && !doc.has_path(collection) {
            out.push(Mismatch::MissingPath(collection.to_owned()));
        }
        if (ops.get || ops.delete) && item.is_empty() {
            out.push(Mismatch::MissingPath(format!("{collection}/{{id}}")));
        }
        let wanted = [
            (ops.list, "list", "get", collection),
            (ops.get, "get", "get", item),
            (ops.create, "create", "post", collection),
            (ops.update, "update", "post", collection),
            (ops.delete, "delete", "delete", item),
        ];
        for (enabled, op, method, path) in wanted {
            if enabled && doc.has_path(path) && doc.operation(path, method).is_none() {
                out.push(Mismatch::MissingOperation {
                    what: format!("operation `{op}`"),
                    endpoint: format!("{} {path}", method.to_uppercase()),
                });
            }
        }
        out
    }

    /// `key` against the `{id}` of the item path, when the document has one.
    fn key(&self, key: KeyKind, collection: &str) -> Option<Mismatch> {
        let declared = self.doc.item_key(collection)?;
        let fits = match declared.kind {
            IdKind::Int => Some(KeyKind::Int),
            IdKind::Text { uuid } => Some(KeyKind::Text { uuid }),
            IdKind::Other => None,
        };
        (fits != Some(key)).then(|| Mismatch::Key {
            spec: key,
            upstream: declared.to_string(),
            endpoint: declared.endpoint.clone(),
            fits,
        })
    }

    /// `id` and every field against the model's properties.
    fn fields(&mut self, entity: &Entity, model: &str, out: &mut Vec<Mismatch>) {
        let owner = format!("model {model}");
        let id = Item {
            place: Place::Field,
            wire: "id",
            ty: &Type::Id,
            recorded: None,
            required: false,
        };
        let fields = entity.fields.iter().map(|f| Item {
            place: Place::Field,
            wire: &f.wire,
            ty: &f.ty,
            recorded: f.upstream_type.as_deref(),
            required: false,
        });
        // Request-only fields are properties of the same POST model (its `_`
        // switches), so they are checked the same way.
        let request_fields = entity.request_fields.iter().map(|f| Item {
            place: Place::RequestField,
            wire: &f.wire,
            ty: &f.ty,
            recorded: f.upstream_type.as_deref(),
            required: false,
        });
        let fields = fields.chain(request_fields);
        // A singleton's record has no id, whatever the model says.
        let id = (!entity.singleton).then_some(id);
        for item in id.into_iter().chain(fields) {
            let declared: Vec<Declared> = self.doc.property(model, item.wire).into_iter().collect();
            out.extend(self.check(&item, &declared, &owner));
        }
    }

    /// Filters (and the count parameter) against the list's query parameters,
    /// get and delete parameters against those of the single-record operations.
    fn parameters(
        &mut self,
        entity: &Entity,
        collection: &str,
        item: &str,
        out: &mut Vec<Mismatch>,
    ) {
        let count = entity
            .list
            .as_ref()
            .and_then(|l| l.count_param.as_ref())
            .map(|(wire, _)| Item {
                place: Place::Filter,
                wire,
                ty: &Type::I32,
                recorded: None,
                required: false,
            });
        // The runtime sends the paging parameters of every paginated list.
        let api = &self.spec.api;
        let paging = [
            api.enable_param.as_str(),
            api.page_param.as_str(),
            api.size_param.as_str(),
        ];
        let paging: &[&str] = match &entity.list {
            Some(list) if list.paginated => &paging,
            _ => &[],
        };
        let groups = [
            (
                entity.ops.list,
                collection,
                "get",
                params(Place::Filter, &entity.filters, count),
                "the filters",
                paging,
            ),
            (
                entity.ops.get,
                item,
                "get",
                params(Place::GetParam, &entity.get_params, None),
                "the get parameters",
                &[],
            ),
            (
                entity.ops.delete,
                item,
                "delete",
                params(Place::DeleteParam, &entity.delete_params, None),
                "the delete parameters",
                &[],
            ),
        ];
        for (enabled, path, method, items, owner, sent) in groups {
            // A missing operation is reported once, not per parameter.
            if !enabled || self.doc.operation(path, method).is_none() {
                continue;
            }
            let endpoint = Endpoint::new(path, method);
            self.query(&endpoint, items, owner, sent, out);
        }
    }

    /// The spec's query parameters of one operation against the document's:
    /// each must exist with a compatible type, and each the document requires
    /// must be `required` (`sent` lists what the runtime always sends).
    fn query(
        &mut self,
        endpoint: &Endpoint<'_>,
        items: Vec<Item<'_>>,
        owner: &str,
        sent: &[&str],
        out: &mut Vec<Mismatch>,
    ) {
        let upstream = self.doc.query_params(endpoint.path, endpoint.method);
        for item in &items {
            let param = upstream.iter().find(|p| p.name == item.wire);
            let declared = param.map(|p| p.declared.clone()).unwrap_or_default();
            out.extend(self.check(item, &declared, &endpoint.name));
            if param.is_some_and(|p| p.required) && !item.required {
                out.push(Mismatch::NotRequired {
                    place: item.place.clone(),
                    wire: item.wire.to_owned(),
                    endpoint: endpoint.name.clone(),
                });
            }
        }
        let unmet = upstream.iter().filter(|p| {
            p.required
                && !sent.contains(&p.name.as_str())
                && !items.iter().any(|item| item.wire == p.name)
        });
        for param in unmet {
            out.push(Mismatch::RequiredMissing {
                wire: param.name.clone(),
                endpoint: endpoint.name.clone(),
                owner: owner.to_owned(),
            });
        }
    }

    /// An action: a path of the document fits its template, has its method,
    /// declares its path parameters and query parameters, and takes its body.
    /// A singleton's `get` and `update` are the collection path's GET and POST.
    fn action(
        &mut self,
        entity: &Entity,
        action: &Action,
        model: Option<&str>,
        out: &mut Vec<Mismatch>,
    ) {
        let name = &action.method_name;
        let builtin = entity.singleton && action.path.is_empty();
        let what = if builtin {
            format!("operation `{name}`")
        } else {
            format!("action `{name}`")
        };
        let mut template = vec![Segment::Literal(entity.path.clone())];
        template.extend(action.path.iter().map(|part| match part {
            PathPart::Literal(text) => Segment::Literal(text.clone()),
            PathPart::Id => Segment::Param("id".into()),
            PathPart::Param(wire) => Segment::Param(wire.clone()),
        }));
        let Some(path) = self.doc.find_path(&template) else {
            let mut path = format!("/{}", entity.path);
            if !action.template.is_empty() {
                path = format!("{path}/{}", action.template);
            }
            out.push(Mismatch::MissingActionPath { what, path });
            return;
        };
        let method = match action.method {
            HttpMethod::Get => "get",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
        };
        let endpoint = Endpoint::new(&path, method);
        if self.doc.operation(&path, method).is_none() {
            out.push(Mismatch::MissingOperation {
                what,
                endpoint: endpoint.name,
            });
            return;
        }
        self.path_params(action, &what, &endpoint, out);
        let items = params(Place::ActionParam(name.clone()), &action.params, None);
        self.query(&endpoint, items, &what, &[], out);
        out.extend(self.body(action, &what, &endpoint, model));
    }

    /// The template's parameters against the document's, by position.
    fn path_params(
        &mut self,
        action: &Action,
        what: &str,
        endpoint: &Endpoint<'_>,
        out: &mut Vec<Mismatch>,
    ) {
        let upstream = self.doc.path_params(endpoint.path, endpoint.method);
        let names = Segment::split(endpoint.path)
            .into_iter()
            .filter_map(|s| match s {
                Segment::Param(name) => Some(name),
                _ => None,
            });
        let parts = action
            .path
            .iter()
            .filter(|p| !matches!(p, PathPart::Literal(_)));
        for (part, name) in parts.zip(names) {
            let param = upstream.iter().find(|p| p.name == name);
            match part {
                PathPart::Id => out.extend(self.action_id(param, what, endpoint)),
                PathPart::Param(wire) => {
                    let Some(spec) = action.path_params.iter().find(|p| p.wire == *wire) else {
                        continue; // the generator ties each `{name}` to a path parameter
                    };
                    let item = Item {
                        place: Place::PathParam(action.method_name.clone()),
                        wire,
                        ty: &spec.ty,
                        recorded: spec.upstream_type.as_deref(),
                        required: true,
                    };
                    let declared = param.map(|p| p.declared.clone()).unwrap_or_default();
                    out.extend(self.check(&item, &declared, &endpoint.name));
                }
                PathPart::Literal(_) => {}
            }
        }
    }

    /// An action's `{id}` must hold the entity's kind of id (whether text is
    /// a UUID is the item path's to say).
    fn action_id(
        &self,
        param: Option<&Parameter>,
        what: &str,
        endpoint: &Endpoint<'_>,
    ) -> Option<Mismatch> {
        let param = param?;
        let declared = param.declared.first().cloned().unwrap_or_default();
        let fits = key_fits(self.key, &self.doc.kind(&declared));
        (!fits).then(|| Mismatch::ActionId {
            what: what.to_owned(),
            endpoint: endpoint.name.clone(),
            spec: self.key,
            upstream: format!("`{declared}`"),
        })
    }

    /// What the action sends against the operation's request body: `record`
    /// and `records` an array of the collection's model (Halo takes one record
    /// as a one-element array), `object` the model itself, `ids` an array of
    /// ids, `form` multipart form data, a type what it decodes from, `none` no
    /// body at all. A report query (`response: report`) sends an array of a
    /// model that has `sql` and `_loadreportonly`.
    fn body(
        &mut self,
        action: &Action,
        what: &str,
        endpoint: &Endpoint<'_>,
        model: Option<&str>,
    ) -> Option<Mismatch> {
        let body = &action.body;
        let upstream = self.doc.request_body(endpoint.path, endpoint.method);
        if action.response == Response::Report {
            let fits = match &upstream {
                Some(RequestBody::Json(declared)) => match self.doc.kind(declared) {
                    Kind::Array(items) => items.reference.as_deref().is_some_and(|schema| {
                        ["sql", "_loadreportonly"]
                            .iter()
                            .all(|name| self.doc.property(schema, name).is_some())
                    }),
                    _ => false,
                },
                _ => false,
            };
            return (!fits).then(|| Mismatch::Body {
                what: what.to_owned(),
                endpoint: endpoint.name.clone(),
                spec: "of a report query (`[{sql, _loadreportonly}]`)".to_owned(),
                upstream: upstream.map_or_else(|| "none".to_owned(), |b| b.to_string()),
            });
        }
        let records = || format!("array<{}>", model.unwrap_or("the model"));
        let ids = match self.key {
            KeyKind::Int => "array<integer>",
            KeyKind::Text { .. } => "array<string>",
        };
        let spec = match body {
            Body::None => "`none`".to_owned(),
            Body::Record => format!("`record` ({})", records()),
            Body::Records => format!("`records` ({})", records()),
            Body::Ids => format!("`ids` ({ids})"),
            Body::Object => format!("`object` ({})", model.unwrap_or("the model")),
            Body::Form => "`form` (multipart/form-data)".to_owned(),
            Body::Value(ty) => format!("`{}`", type_name(ty)),
        };
        let fits = match (body, &upstream) {
            (Body::None, None) => true,
            (Body::Form, Some(RequestBody::Other(media))) => {
                media.starts_with("multipart/form-data")
            }
            (Body::None, Some(_)) | (_, None) | (_, Some(RequestBody::Other(_))) => false,
            (Body::Form, Some(RequestBody::Json(_))) => false,
            (Body::Object, Some(RequestBody::Json(declared))) => match self.doc.kind(declared) {
                // Without a model (reported once) any object passes.
                Kind::Object { schema } => model.is_none() || schema.as_deref() == model,
                _ => false,
            },
            (Body::Record | Body::Records, Some(RequestBody::Json(declared))) => {
                match self.doc.kind(declared) {
                    // Without a model (reported once) any array of objects passes.
                    Kind::Array(items) => match model {
                        Some(model) => items.reference.as_deref() == Some(model),
                        None => matches!(self.doc.kind(&items), Kind::Object { .. }),
                    },
                    _ => false,
                }
            }
            (Body::Ids, Some(RequestBody::Json(declared))) => match self.doc.kind(declared) {
                Kind::Array(items) => self.compatible(&Type::Id, &items),
                _ => false,
            },
            (Body::Value(ty), Some(RequestBody::Json(declared))) => self.compatible(ty, declared),
        };
        (!fits).then(|| Mismatch::Body {
            what: what.to_owned(),
            endpoint: endpoint.name.clone(),
            spec,
            upstream: upstream.map_or_else(|| "none".to_owned(), |b| b.to_string()),
        })
    }

    fn named_struct(&mut self, name: &str, schema: &str) -> Section {
        let owner = format!("model {schema}");
        let mut out = Vec::new();
        let spec = self.spec;
        if let Some(NamedKind::Struct(fields)) =
            spec.types.iter().find(|t| t.name == name).map(|t| &t.kind)
        {
            for field in fields {
                let item = Item {
                    place: Place::Field,
                    wire: &field.wire,
                    ty: &field.ty,
                    recorded: field.upstream_type.as_deref(),
                    required: false,
                };
                let declared: Vec<Declared> =
                    self.doc.property(schema, &field.wire).into_iter().collect();
                out.extend(self.check(&item, &declared, &owner));
            }
        }
        Section {
            name: format!("type {name}"),
            context: owner,
            mismatches: out,
        }
    }

    /// Checks one field or parameter against its declarations (several when
    /// Halo repeats a parameter; none when the document lacks it).
    fn check(&mut self, item: &Item<'_>, declared: &[Declared], owner: &str) -> Option<Mismatch> {
        match item.place {
            Place::Field | Place::RequestField => self.report.fields += 1,
            Place::Filter => self.report.filters += 1,
            Place::GetParam | Place::DeleteParam | Place::ActionParam(_) | Place::PathParam(_) => {
                self.report.params += 1
            }
        }
        let stale = |upstream: String| Mismatch::StaleDeviation {
            place: item.place.clone(),
            wire: item.wire.to_owned(),
            recorded: item.recorded.unwrap_or_default().to_owned(),
            upstream,
        };
        match (item.recorded.map(str::trim), declared.first()) {
            (Some(ABSENT), None) => {
                self.report.deviations += 1;
                None
            }
            (_, None) => Some(Mismatch::Missing {
                place: item.place.clone(),
                wire: item.wire.to_owned(),
                owner: owner.to_owned(),
            }),
            (Some(ABSENT), Some(first)) => Some(stale(first.to_string())),
            (Some(recorded), Some(first)) => {
                if declared.iter().any(|d| d.matches(recorded)) {
                    self.report.deviations += 1;
                    None
                } else {
                    Some(stale(first.to_string()))
                }
            }
            (None, Some(first)) => {
                if declared.iter().any(|d| self.compatible(item.ty, d)) {
                    None
                } else {
                    Some(Mismatch::Incompatible {
                        place: item.place.clone(),
                        wire: item.wire.to_owned(),
                        spec: type_name(item.ty),
                        upstream: first.to_string(),
                    })
                }
            }
        }
    }

    /// Whether values of the declared type decode into the spec's type.
    fn compatible(&mut self, ty: &Type, declared: &Declared) -> bool {
        let kind = self.doc.kind(declared);
        match (ty, kind) {
            (Type::Json, _) | (_, Kind::Any) => true,
            (Type::Id, kind) => key_fits(self.key, &kind),
            (Type::Ref { entity, .. }, kind) => key_fits(self.key_of(entity), &kind),
            // The runtime's ids are i32, so an int64 would not fit.
            (Type::I32, Kind::Integer { wide }) => !wide,
            (Type::I64, Kind::Integer { .. }) => true,
            (Type::F64, Kind::Number) => true,
            (Type::Bool, Kind::Boolean) => true,
            (Type::String, Kind::Text { .. }) => true,
            // OpenAPI's `byte` format is base64; Halo declares `data_base64` plain `string`.
            (Type::Base64, Kind::Text { format }) => {
                matches!(format.as_deref(), None | Some("byte"))
            }
            (Type::Date | Type::DateTime, Kind::Text { format }) => {
                matches!(format.as_deref(), None | Some("date" | "date-time"))
            }
            (Type::List(inner), Kind::Array(items)) => self.compatible(inner, &items),
            (Type::Named(name), kind) => self.compatible_named(name, kind),
            _ => false,
        }
    }

    /// The key of the entity named `name`.
    fn key_of(&self, name: &str) -> KeyKind {
        self.spec
            .entities
            .iter()
            .find(|e| e.name == name)
            .map_or(KeyKind::Int, |e| e.key)
    }

    fn compatible_named(&mut self, name: &str, kind: Kind) -> bool {
        let spec = self.spec;
        let Some(named) = spec.types.iter().find(|t| t.name == name) else {
            return false;
        };
        match (&named.kind, kind) {
            (NamedKind::Struct(_), Kind::Object { schema }) => {
                if let Some(schema) = schema {
                    let pair = (name.to_owned(), schema);
                    if !self.structs.contains(&pair) {
                        self.structs.push(pair);
                    }
                }
                true
            }
            (NamedKind::Enum { repr, .. }, Kind::Integer { .. }) => *repr == EnumRepr::Int,
            (NamedKind::Enum { repr, .. }, Kind::Text { .. }) => *repr == EnumRepr::String,
            _ => false,
        }
    }
}

/// Whether ids of this key decode from the declared kind.
fn key_fits(key: KeyKind, kind: &Kind) -> bool {
    IdKind::from(key).fits(kind)
}

fn params<'a>(place: Place, list: &'a [Param], extra: Option<Item<'a>>) -> Vec<Item<'a>> {
    list.iter()
        .map(|p| Item {
            place: place.clone(),
            wire: &p.wire,
            ty: &p.ty,
            recorded: p.upstream_type.as_deref(),
            required: p.required,
        })
        .chain(extra)
        .collect()
}

/// `key:` as written in the spec.
pub fn key_name(key: KeyKind) -> &'static str {
    match key {
        KeyKind::Int => "int",
        KeyKind::Text { uuid: false } => "string",
        KeyKind::Text { uuid: true } => "uuid",
    }
}

/// A spec type as written in the spec.
pub fn type_name(ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::I32 => "i32".into(),
        Type::I64 => "i64".into(),
        Type::F64 => "f64".into(),
        Type::String => "string".into(),
        Type::Date => "date".into(),
        Type::DateTime => "datetime".into(),
        Type::Json => "json".into(),
        Type::List(inner) => format!("list<{}>", type_name(inner)),
        Type::Ref { entity, .. } => format!("ref<{entity}>"),
        Type::Id => "id".into(),
        Type::Base64 => "base64".into(),
        Type::Named(name) => name.clone(),
    }
}
