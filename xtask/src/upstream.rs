//! `verify-upstream`: checks the spec against Halo's OpenAPI document.
//!
//! Every path, operation, field, filter and parameter the spec names must exist
//! in the document with a compatible type. Halo's document is wrong in places,
//! so the spec may record the declared type with `upstream_type`; that exact
//! difference is then accepted, and reported as stale once the document changes.
//! Pure: a checked spec and a document in, a [`Report`] out.

use std::fmt;

use halopsa_codegen::model::{Entity, EnumRepr, NamedKind, Param, Spec, Type};

use crate::openapi::{Declared, Document, Kind};

/// The `upstream_type` of a field or parameter that the document leaves out.
pub const ABSENT: &str = "absent";

/// Where a field or parameter sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Field,
    Filter,
    GetParam,
    DeleteParam,
}

impl Place {
    fn noun(self) -> &'static str {
        match self {
            Place::Field => "field",
            Place::Filter => "filter",
            Place::GetParam => "get parameter",
            Place::DeleteParam => "delete parameter",
        }
    }
}

/// One difference between the spec and the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// A path the spec's operations need.
    MissingPath(String),
    MissingOperation {
        op: &'static str,
        endpoint: String,
    },
    /// Neither the POST body nor a GET tag names the collection's model.
    NoModel {
        collection: String,
    },
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
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::MissingPath(path) => write!(f, "path `{path}` is not in the document"),
            Mismatch::MissingOperation { op, endpoint } => {
                write!(f, "operation `{op}` ({endpoint}) is not in the document")
            }
            Mismatch::NoModel { collection } => write!(
                f,
                "no schema model for `{collection}` (no POST body or GET tag names one); fields not checked"
            ),
            Mismatch::Missing { place, wire, owner } => {
                let within = if owner.starts_with("model") { "in" } else { "a parameter of" };
                write!(f, "{} `{wire}` is not {within} {owner}", place.noun())
            }
            Mismatch::Incompatible {
                place,
                wire,
                spec,
                upstream,
            } => write!(
                f,
                "{} `{wire}`: the spec's `{spec}` is incompatible with the document's `{upstream}`",
                place.noun()
            ),
            Mismatch::StaleDeviation {
                place,
                wire,
                recorded,
                upstream,
            } => write!(
                f,
                "{} `{wire}`: upstream_type `{recorded}` is stale: the document declares `{upstream}`",
                place.noun()
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
    /// Get and delete parameters.
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
}

/// A field or parameter of the spec, whatever its kind.
struct Item<'a> {
    place: Place,
    wire: &'a str,
    ty: &'a Type,
    recorded: Option<&'a str>,
}

impl Checker<'_> {
    fn entity(&mut self, entity: &Entity) -> Section {
        self.report.entities += 1;
        let collection = format!("/{}", entity.path);
        // Empty when missing: no operation matches it, and that is reported once.
        let item = self.doc.item_path(&collection).unwrap_or_default();
        let mut out = self.endpoints(entity, &collection, &item);
        let model = self.doc.model_of(&collection);
        match &model {
            Some(model) => self.fields(entity, model, &mut out),
            None if self.doc.has_path(&collection) => out.push(Mismatch::NoModel {
                collection: collection.clone(),
            }),
            None => {}
        }
        self.parameters(entity, &collection, &item, &mut out);
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
                    op,
                    endpoint: format!("{} {path}", method.to_uppercase()),
                });
            }
        }
        out
    }

    /// `id` and every field against the model's properties.
    fn fields(&mut self, entity: &Entity, model: &str, out: &mut Vec<Mismatch>) {
        let owner = format!("model {model}");
        let id = Item {
            place: Place::Field,
            wire: "id",
            ty: &Type::Id,
            recorded: None,
        };
        let fields = entity.fields.iter().map(|f| Item {
            place: Place::Field,
            wire: &f.wire,
            ty: &f.ty,
            recorded: f.upstream_type.as_deref(),
        });
        for item in std::iter::once(id).chain(fields) {
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
            });
        let groups = [
            (
                collection,
                "get",
                params(Place::Filter, &entity.filters, count),
            ),
            (
                item,
                "get",
                params(Place::GetParam, &entity.get_params, None),
            ),
            (
                item,
                "delete",
                params(Place::DeleteParam, &entity.delete_params, None),
            ),
        ];
        for (path, method, items) in groups {
            // A missing operation is reported once, not per parameter.
            if items.is_empty() || self.doc.operation(path, method).is_none() {
                continue;
            }
            let owner = format!("{} {path}", method.to_uppercase());
            let upstream = self.doc.query_params(path, method);
            for item in items {
                let declared = upstream
                    .iter()
                    .find(|p| p.name == item.wire)
                    .map(|p| p.declared.clone())
                    .unwrap_or_default();
                out.extend(self.check(&item, &declared, &owner));
            }
        }
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
            Place::Field => self.report.fields += 1,
            Place::Filter => self.report.filters += 1,
            Place::GetParam | Place::DeleteParam => self.report.params += 1,
        }
        let stale = |upstream: String| Mismatch::StaleDeviation {
            place: item.place,
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
                place: item.place,
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
                        place: item.place,
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
            // The runtime's ids are i32, so an int64 would not fit.
            (Type::I32 | Type::Ref { .. } | Type::Id, Kind::Integer { wide }) => !wide,
            (Type::I64, Kind::Integer { .. }) => true,
            (Type::F64, Kind::Number) => true,
            (Type::Bool, Kind::Boolean) => true,
            (Type::String, Kind::Text { .. }) => true,
            (Type::Date | Type::DateTime, Kind::Text { format }) => {
                matches!(format.as_deref(), None | Some("date" | "date-time"))
            }
            (Type::List(inner), Kind::Array(items)) => self.compatible(inner, &items),
            (Type::Named(name), kind) => self.compatible_named(name, kind),
            _ => false,
        }
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

fn params<'a>(place: Place, list: &'a [Param], extra: Option<Item<'a>>) -> Vec<Item<'a>> {
    list.iter()
        .map(|p| Item {
            place,
            wire: &p.wire,
            ty: &p.ty,
            recorded: p.upstream_type.as_deref(),
        })
        .chain(extra)
        .collect()
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
        Type::Named(name) => name.clone(),
    }
}
