//! Types: the `types:` section (structs, enums, lookups) and type expressions.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;

use super::names::rename_help;
use super::{Checker, MAX_LIST_NESTING, TYPE_HELP};
use crate::model::{EnumRepr, Field, Lookup, NamedKind, NamedType, Type, Variant, VariantValue};
use crate::names::{is_plain_ident, snake, upper_camel};
use crate::raw;
use crate::reserved;

impl Checker<'_> {
    pub(super) fn named_type(&mut self, name: &str, ty: &raw::NamedType) -> Option<NamedType> {
        let doc = self.doc(&ty.doc, &["types", name], &format!("type `{name}`"));
        let kind = match (&ty.struct_fields, &ty.enum_def) {
            (Some(fields), None) => {
                NamedKind::Struct(self.fields(&["types", name, "struct"], fields, None))
            }
            (None, Some(def)) => self.enum_kind(name, def),
            _ => {
                self.error(
                    self.map.key(&["types", name]),
                    format!("type `{name}` must have exactly one of `struct:` or `enum:`"),
                    "a named type is a struct (`struct:` with fields) or an enum (`enum:` with `repr` and `values`); spec/README.md shows both".into(),
                );
                return None;
            }
        };
        let lookup = ty
            .lookup
            .as_ref()
            .and_then(|lookup| self.lookup(name, lookup, &kind));
        Some(NamedType {
            name: name.to_owned(),
            doc,
            kind,
            lookup,
        })
    }

    /// Checks `lookup:`: the key is a string field of the struct, the method a snake_case name.
    pub(super) fn lookup(
        &mut self,
        name: &str,
        lookup: &raw::Lookup,
        kind: &NamedKind,
    ) -> Option<Lookup> {
        let NamedKind::Struct(fields) = kind else {
            self.error(
                self.map.key(&["types", name, "lookup"]),
                "`lookup` is only for struct types".into(),
                "remove `lookup:`, or make the type a `struct:`".into(),
            );
            return None;
        };
        let Some(key) = fields.iter().find(|f| f.wire == lookup.key) else {
            self.error(
                self.map.value(&["types", name, "lookup", "key"]),
                format!("`{}` is not a field of `{name}`", lookup.key),
                "name one of the struct's string fields".into(),
            );
            return None;
        };
        if key.ty != Type::String {
            self.error(
                self.map.value(&["types", name, "lookup", "key"]),
                format!("lookup key `{}` must be a string field", lookup.key),
                "name one of the struct's `string` fields, such as `name`".into(),
            );
            return None;
        }
        if !is_plain_ident(&lookup.method) || snake(&lookup.method) != lookup.method {
            self.error(
                self.map.value(&["types", name, "lookup", "method"]),
                format!("`method: {}` is not a snake_case Rust name", lookup.method),
                "use lowercase ASCII letters, digits and underscores, such as `custom_field`"
                    .into(),
            );
            return None;
        }
        if let Some(owner) = reserved::record_method(&lookup.method) {
            self.error(
                self.map.value(&["types", name, "lookup", "method"]),
                format!("`method: {}` is already {owner}", lookup.method),
                format!("choose another name, such as `{}_named`", lookup.method),
            );
            return None;
        }
        self.lookups.insert(name.to_owned(), lookup.method.clone());
        Some(Lookup {
            key: key.rust.clone(),
            method: lookup.method.clone(),
        })
    }

    pub(super) fn enum_kind(&mut self, name: &str, def: &raw::Enum) -> NamedKind {
        let repr = match def.repr.as_str() {
            "i32" | "i64" => EnumRepr::Int,
            "string" => EnumRepr::String,
            other => {
                self.error(
                    self.map.value(&["types", name, "enum", "repr"]),
                    format!("unknown enum repr `{other}`"),
                    "use `i32` for integer codes or `string` for text values".into(),
                );
                EnumRepr::Int
            }
        };
        if def.values.is_empty() {
            self.error(
                self.map.key(&["types", name, "enum"]),
                format!("enum `{name}` has no values"),
                "list at least one under `values:`, such as `Low: { value: 1, doc: ... }`".into(),
            );
        }
        let mut seen_values: HashMap<String, &str> = HashMap::new();
        let mut variants = Vec::new();
        for (variant, value) in &def.values {
            let path = ["types", name, "enum", "values", variant.as_str()];
            let doc = self.doc(
                &value.doc,
                &path,
                &format!("enum value `{name}::{variant}`"),
            );
            if variant == "Other" {
                self.error(
                    self.map.key(&path),
                    format!("enum value name `Other` is reserved in `{name}`"),
                    "the generator adds `Other(..)` for values the spec does not list; rename this one, e.g. `OtherValue`".into(),
                );
                continue;
            }
            if !is_plain_ident(variant) || upper_camel(variant) != *variant {
                self.error(
                    self.map.key(&path),
                    format!("enum value name `{variant}` is not an UpperCamelCase Rust name"),
                    rename_help(variant),
                );
                continue;
            }
            let value = match (&value.value, repr) {
                (raw::VariantValue::Int(v), EnumRepr::Int) => VariantValue::Int(*v),
                (raw::VariantValue::Str(v), EnumRepr::String) => VariantValue::Str(v.clone()),
                (_, repr) => {
                    let want = if repr == EnumRepr::Int {
                        "an integer"
                    } else {
                        "a string"
                    };
                    self.error(
                        self.map
                            .value(&["types", name, "enum", "values", variant, "value"]),
                        format!("value of `{name}::{variant}` must be {want}"),
                        format!("the enum's `repr` decides the kind of its values; write {want} or change `repr`"),
                    );
                    continue;
                }
            };
            let key = match &value {
                VariantValue::Int(v) => v.to_string(),
                VariantValue::Str(v) => v.clone(),
            };
            if let Some(other) = seen_values.insert(key.clone(), variant) {
                self.error(
                    self.map
                        .value(&["types", name, "enum", "values", variant, "value"]),
                    format!("`{name}::{variant}` has the same value `{key}` as `{name}::{other}`"),
                    "a value decodes to one variant; remove one of them".into(),
                );
                continue;
            }
            variants.push(Variant {
                name: variant.clone(),
                doc,
                value,
            });
        }
        NamedKind::Enum { repr, variants }
    }

    /// Struct and entity fields. `entity` is set for entities, where `id` is special.
    pub(super) fn fields(
        &mut self,
        base: &[&str],
        fields: &IndexMap<String, raw::Field>,
        entity: Option<&str>,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        for (wire, field) in fields {
            let path = [base, &[wire.as_str()]].concat();
            let doc = self.doc(&field.doc, &path, &format!("field `{wire}`"));
            let type_path = [base, &[wire.as_str(), "type"]].concat();
            let ty = self.parse_type(&field.ty, &type_path, entity.is_some() && wire == "id");
            let Some(rust) =
                self.rust_name(&path, wire, field.rust_name.as_deref(), &mut rust_names)
            else {
                continue;
            };
            // The model always names the id `id`; a rename would be silently ignored.
            if entity.is_some() && wire == "id" && field.rust_name.is_some() {
                self.error(
                    self.map.key(&[&path[..], &["rust_name"]].concat()),
                    "the `id` field cannot be renamed".into(),
                    "remove `rust_name:`; every record's id is `id`".into(),
                );
                continue;
            }
            if rust == "extra" {
                self.error(
                    self.map.key(&path),
                    "field name `extra` is taken by the map that keeps fields the spec does not list".into(),
                    "set `rust_name:` to another name".into(),
                );
                continue;
            }
            if field.request_only && !self.request_only_allowed(&path, wire, field, entity) {
                continue;
            }
            let Some(ty) = ty else { continue };
            if ty != Type::Id && contains_date(&ty) && matches!(ty, Type::List(_)) {
                self.error(
                    self.map.value(&type_path),
                    format!("`{}` is not supported for fields", field.ty),
                    "lists of dates are not supported in spec version 1; use list<string>".into(),
                );
                continue;
            }
            out.push(Field {
                wire: wire.clone(),
                rust,
                doc,
                ty,
                read_only: field.read_only,
                upstream_type: field.upstream_type.clone(),
            });
        }
        out
    }

    /// Whether `request_only: true` may stand on this field: only on an
    /// entity's own fields other than `id`, and never with `read_only`.
    fn request_only_allowed(
        &mut self,
        path: &[&str],
        wire: &str,
        field: &raw::Field,
        entity: Option<&str>,
    ) -> bool {
        let at = self.map.key(&[path, &["request_only"]].concat());
        let problem = if entity.is_none() {
            Some((
                format!("field `{wire}` of a shared type cannot be `request_only`"),
                "a shared struct is read back as part of a record; declare the field on the entity whose create or update sends it".to_owned(),
            ))
        } else if wire == "id" {
            Some((
                "the `id` field cannot be `request_only`".to_owned(),
                "every record carries its id; remove `request_only`".to_owned(),
            ))
        } else if field.read_only {
            Some((
                format!("field `{wire}` cannot be both `read_only` and `request_only`"),
                "a read-only field is read and never sent, a request-only one is sent and never read: keep the one that fits".to_owned(),
            ))
        } else {
            None
        };
        match problem {
            Some((message, help)) => {
                self.error(at, message, help);
                false
            }
            None => true,
        }
    }

    /// Parses a type string; `allow_id` is true only for an entity's `id` field.
    pub(super) fn parse_type(&mut self, text: &str, path: &[&str], allow_id: bool) -> Option<Type> {
        let at = self.map.value(path);
        let mut inner = text.trim();
        let mut depth = 0;
        while let Some(rest) = inner
            .strip_prefix("list<")
            .and_then(|r| r.strip_suffix('>'))
        {
            depth += 1;
            inner = rest.trim();
            if depth > MAX_LIST_NESTING {
                self.error(
                    at,
                    format!("`{text}` nests lists too deeply"),
                    format!("the format allows {MAX_LIST_NESTING} levels of `list<...>`; use `json` for deeper data"),
                );
                return None;
            }
        }
        let base = match inner {
            "bool" => Type::Bool,
            "i32" => Type::I32,
            "i64" => Type::I64,
            "f64" => Type::F64,
            "string" => Type::String,
            "date" => Type::Date,
            "datetime" => Type::DateTime,
            "json" => Type::Json,
            "base64" => Type::Base64,
            "id" if allow_id && depth == 0 => Type::Id,
            "id" => {
                self.error(
                    at,
                    "type `id` is only for an entity's own `id` field".into(),
                    "use ref<Entity> for the id of another record".into(),
                );
                return None;
            }
            _ => {
                if let Some(target) = inner.strip_prefix("ref<").and_then(|r| r.strip_suffix('>')) {
                    let target = target.trim();
                    match self.entities.get(target) {
                        Some(id_type) => Type::Ref {
                            entity: target.to_owned(),
                            id_type: id_type.clone(),
                        },
                        // Its declaration is reported already.
                        None if self.rejected.contains(target) => return None,
                        None => {
                            self.error(
                                at,
                                format!("unknown entity `{target}` in `{text}`"),
                                format!(
                                    "ref<...> names an entity declared under `entities:`{}",
                                    self.did_you_mean(target, true)
                                ),
                            );
                            return None;
                        }
                    }
                } else if self.types.contains_key(inner) {
                    Type::Named(inner.to_owned())
                } else if self.rejected.contains(inner) {
                    return None; // its declaration is reported already
                } else if self.entities.contains_key(inner) {
                    self.error(
                        at,
                        format!("`{inner}` is an entity, not a type"),
                        format!("use ref<{inner}> for its id"),
                    );
                    return None;
                } else {
                    self.error(
                        at,
                        format!("unknown type `{inner}`"),
                        format!("{TYPE_HELP}{}", self.did_you_mean(inner, false)),
                    );
                    return None;
                }
            }
        };
        if allow_id && base != Type::Id {
            self.error(
                at,
                format!("the `id` field must have type `id`, not `{text}`"),
                "write `id: { type: id, doc: ... }`".into(),
            );
            return None;
        }
        Some((0..depth).fold(base, |ty, _| Type::List(Box::new(ty))))
    }

    /// A struct that contains itself without a list in between has infinite size.
    pub(super) fn check_struct_cycles(&mut self, types: &[NamedType]) {
        let edges: BTreeMap<&str, Vec<&str>> = types
            .iter()
            .filter_map(|t| match &t.kind {
                NamedKind::Struct(fields) => Some((
                    t.name.as_str(),
                    fields
                        .iter()
                        .filter_map(|f| match &f.ty {
                            Type::Named(n) if self.types.get(n) == Some(&true) => Some(n.as_str()),
                            _ => None,
                        })
                        .collect(),
                )),
                NamedKind::Enum { .. } => None,
            })
            .collect();
        let mut reported = HashSet::new();
        for start in edges.keys() {
            let mut stack = vec![(*start, vec![*start])];
            let mut visited = HashSet::new();
            while let Some((node, trail)) = stack.pop() {
                for next in edges.get(node).into_iter().flatten() {
                    if next == start {
                        if reported.insert(*start) {
                            let cycle = [&trail[..], &[*start]].concat().join(" -> ");
                            self.error(
                                self.map.key(&["types", start]),
                                format!("type `{start}` contains itself: {cycle}"),
                                "break the cycle with a list<...> field".into(),
                            );
                        }
                    } else if visited.insert(*next) {
                        let mut trail = trail.clone();
                        trail.push(next);
                        stack.push((next, trail));
                    }
                }
            }
        }
    }
}

fn contains_date(ty: &Type) -> bool {
    match ty {
        Type::Date | Type::DateTime => true,
        Type::List(inner) => contains_date(inner),
        _ => false,
    }
}
