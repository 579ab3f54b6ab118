//! `cli.rs`: the command-line client's description of the spec, one entry
//! per collection: its command, operations, flags (wire name, flag name,
//! type, doc, required-ness), writable fields, actions and table columns.
//!
//! It is data, not code: the client (`generated-client/src/cli/`) builds
//! its commands from it at run time, so a collection costs a few lines of
//! constants instead of code to compile. Spec text reaches it only as
//! string literals; names were checked by `validate/cli.rs`.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::TokenStream;
use quote::quote;

use super::tables::{string_literal as lit, Tables};
use super::{ident, module_doc_raw, render, words};
use crate::model::{
    Action, Body, Entity, EnumRepr, Field, HttpMethod, KeyKind, NamedKind, Param, PathPart,
    Response, Spec, Type, VariantValue,
};
use crate::names::cli_name;
use crate::GeneratedFile;

pub(super) fn emit(spec: &Spec) -> GeneratedFile {
    let mut out = Writer {
        spec,
        keys: spec
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e.key))
            .collect(),
        used: BTreeSet::new(),
        text: String::new(),
    };
    out.used.insert("Collection");
    out.line(0, "/// Every collection of the spec, in spec order.");
    out.line(0, "pub(crate) static COLLECTIONS: &[Collection] = &[");
    for entity in &spec.entities {
        out.collection(entity);
    }
    out.line(0, "];");
    let mut tables = Tables::default();
    let table = tables.add(out.text);
    let names = out.used.iter().map(|name| ident(name));
    let docs = module_doc_raw(
        "The command-line client's description of the API: every collection's\n\
         command, operations, flags and table columns, read by `crate::cli` at\n\
         run time. Built with the `cli` feature only.",
    );
    let tokens: TokenStream = quote! {
        #docs

        use crate::cli::spec::{#(#names),*};

        #table
    };
    render(spec, "cli.rs".to_owned(), None, tokens, &tables)
}

struct Writer<'a> {
    spec: &'a Spec,
    keys: HashMap<&'a str, KeyKind>,
    /// The spec types (`crate::cli::spec::..`) the table names.
    used: BTreeSet<&'static str>,
    text: String,
}

impl Writer<'_> {
    fn line(&mut self, depth: usize, text: &str) {
        self.text.push_str(&"    ".repeat(depth));
        self.text.push_str(text);
        self.text.push('\n');
    }

    fn collection(&mut self, entity: &Entity) {
        self.used.insert("Key");
        self.used.insert("Ops");
        self.line(1, "Collection {");
        let command = cli_name(&entity.accessor);
        self.line(2, &format!("command: {},", lit(&command)));
        self.line(2, &format!("about: {},", lit(&entity.doc)));
        self.line(2, &format!("path: {},", lit(&entity.path)));
        self.line(2, &format!("key: {},", key(entity.key)));
        self.line(2, &format!("id_doc: {},", lit(&entity.id_doc)));
        self.line(2, &format!("singleton: {},", entity.singleton));
        let list = match entity.list.as_ref().filter(|_| entity.ops.list) {
            Some(list) => {
                self.used.insert("List");
                let count =
                    option(list.count_param.as_ref().map(|(wire, method)| {
                        format!("({}, {})", lit(wire), lit(&cli_name(method)))
                    }));
                format!(
                    "Some(List {{ key: {}, bare: {}, paginated: {}, count: {count} }})",
                    lit(&list.key),
                    list.bare,
                    list.paginated
                )
            }
            None => "None".to_owned(),
        };
        self.line(2, &format!("list: {list},"));
        let ops = entity.ops;
        self.line(
            2,
            &format!(
                "ops: Ops {{ list: {}, get: {}, create: {}, update: {}, delete: {} }},",
                ops.list, ops.get, ops.create, ops.update, ops.delete
            ),
        );
        let columns: Vec<String> = entity.columns.iter().map(|c| lit(c)).collect();
        self.line(2, &format!("columns: &[{}],", columns.join(", ")));
        self.fields(entity.fields.iter().chain(&entity.request_fields));
        self.params(2, "filters", &entity.filters);
        self.params(2, "get_params", &entity.get_params);
        self.params(2, "delete_params", &entity.delete_params);
        if entity.actions.is_empty() {
            self.line(2, "actions: &[],");
        } else {
            self.line(2, "actions: &[");
            for action in &entity.actions {
                self.action(action);
            }
            self.line(2, "],");
        }
        if entity.verbs.is_empty() {
            self.line(2, "verbs: &[],");
        } else {
            self.used.insert("Verb");
            self.line(2, "verbs: &[");
            for verb in &entity.verbs {
                let sets: Vec<String> = verb.sets.iter().map(|(wire, _)| lit(wire)).collect();
                self.line(
                    3,
                    &format!(
                        "Verb {{ command: {}, about: {}, sets: &[{}] }},",
                        lit(&cli_name(&verb.method_name)),
                        lit(&verb.doc),
                        sets.join(", ")
                    ),
                );
            }
            self.line(2, "],");
        }
        self.line(1, "},");
    }

    fn fields<'f>(&mut self, fields: impl Iterator<Item = &'f Field>) {
        let fields: Vec<&Field> = fields.collect();
        if fields.is_empty() {
            self.line(2, "fields: &[],");
            return;
        }
        self.used.insert("Field");
        self.line(2, "fields: &[");
        for field in fields {
            let make = if field.read_only { "read_only" } else { "new" };
            let ty = self.ty(&field.ty);
            let entry = format!(
                "Field::{make}({}, {}, {ty}, {}),",
                lit(&field.wire),
                lit(&cli_name(&field.rust)),
                lit(&field.doc)
            );
            self.line(3, &entry);
        }
        self.line(2, "],");
    }

    fn params(&mut self, depth: usize, name: &str, params: &[Param]) {
        if params.is_empty() {
            self.line(depth, &format!("{name}: &[],"));
            return;
        }
        self.used.insert("Param");
        self.line(depth, &format!("{name}: &["));
        for param in params {
            let (wire, flag, doc) = (
                lit(&param.wire),
                lit(&cli_name(&param.rust)),
                lit(&param.doc),
            );
            let mut entry = if param.ty == Type::Bool && param.flag {
                format!("Param::switch({wire}, {flag}, {doc})")
            } else {
                format!("Param::new({wire}, {flag}, {}, {doc})", self.ty(&param.ty))
            };
            if param.required {
                entry.push_str(".required()");
            }
            entry.push(',');
            self.line(depth + 1, &entry);
        }
        self.line(depth, "],");
    }

    fn action(&mut self, action: &Action) {
        self.used.extend(["Action", "Method", "Body", "Response"]);
        self.line(3, "Action {");
        self.line(
            4,
            &format!("command: {},", lit(&cli_name(&action.method_name))),
        );
        self.line(4, &format!("about: {},", lit(&action.doc)));
        let method = match action.method {
            HttpMethod::Get => "Get",
            HttpMethod::Post => "Post",
            HttpMethod::Delete => "Delete",
        };
        self.line(4, &format!("method: Method::{method},"));
        let parts: Vec<String> = action
            .path
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => format!("Part::Literal({})", lit(text)),
                PathPart::Id => "Part::Id".to_owned(),
                PathPart::Param(wire) => format!("Part::Param({})", lit(wire)),
            })
            .collect();
        if !parts.is_empty() {
            self.used.insert("Part");
        }
        self.line(4, &format!("path: &[{}],", parts.join(", ")));
        self.params(4, "path_params", &action.path_params);
        self.params(4, "params", &action.params);
        let body = match &action.body {
            Body::None => "Body::None".to_owned(),
            Body::Record => "Body::Record".to_owned(),
            Body::Object => "Body::Object".to_owned(),
            Body::Form => "Body::Form".to_owned(),
            Body::Records => "Body::Records".to_owned(),
            Body::Ids => "Body::Ids".to_owned(),
            Body::Value(ty) => format!("Body::Value({})", self.ty(ty)),
        };
        self.line(4, &format!("body: {body},"));
        let response = match &action.response {
            Response::None => "Response::None".to_owned(),
            Response::Record => "Response::Record".to_owned(),
            Response::Records => "Response::Records".to_owned(),
            Response::List => "Response::List".to_owned(),
            Response::Value(ty) => format!("Response::Value({})", self.ty(ty)),
            Response::Bytes => "Response::Bytes".to_owned(),
            Response::Report => "Response::Report".to_owned(),
        };
        self.line(4, &format!("response: {response},"));
        self.line(4, &format!("retry: {},", action.retry));
        let scope = option(action.scope.as_deref().map(lit));
        self.line(4, &format!("scope: {scope},"));
        self.line(3, "},");
    }

    /// A type as the table writes it: `Ty::Text`, `Ty::List(&Ty::Int)`.
    fn ty(&mut self, ty: &Type) -> String {
        self.used.insert("Ty");
        match ty {
            Type::Bool => "Ty::Bool".to_owned(),
            Type::I32 => "Ty::Int".to_owned(),
            Type::I64 => "Ty::Long".to_owned(),
            Type::F64 => "Ty::Float".to_owned(),
            Type::String => "Ty::Text".to_owned(),
            Type::Date => "Ty::Date".to_owned(),
            Type::DateTime => "Ty::DateTime".to_owned(),
            Type::Json => "Ty::Json".to_owned(),
            Type::Base64 => "Ty::File".to_owned(),
            Type::List(inner) => format!("Ty::List(&{})", self.ty(inner)),
            Type::Ref { entity, .. } => {
                self.used.insert("Key");
                let kind = self
                    .keys
                    .get(entity.as_str())
                    .copied()
                    .unwrap_or(KeyKind::Int);
                format!("Ty::Ref({}, {})", lit(&words(entity)), key(kind))
            }
            // Only the `id` field has this type, and it is no flag.
            Type::Id => "Ty::Int".to_owned(),
            Type::Named(name) => self.named(name),
        }
    }

    fn named(&self, name: &str) -> String {
        let Some(named) = self.spec.types.iter().find(|t| t.name == name) else {
            return "Ty::Json".to_owned();
        };
        match &named.kind {
            NamedKind::Struct(_) => format!("Ty::Struct({})", lit(name)),
            NamedKind::Enum { repr, variants } => {
                let values: Vec<String> = variants
                    .iter()
                    .map(|v| match &v.value {
                        VariantValue::Int(n) => format!("({}, {n})", lit(&v.name)),
                        VariantValue::Str(s) => format!("({}, {})", lit(&v.name), lit(s)),
                    })
                    .collect();
                let kind = match repr {
                    EnumRepr::Int => "IntEnum",
                    EnumRepr::String => "TextEnum",
                };
                format!("Ty::{kind}(&[{}])", values.join(", "))
            }
        }
    }
}

fn key(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Int => "Key::Int",
        KeyKind::Text { .. } => "Key::Text",
    }
}

fn option(value: Option<String>) -> String {
    match value {
        Some(value) => format!("Some({value})"),
        None => "None".to_owned(),
    }
}
