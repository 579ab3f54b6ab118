//! Entities: paths, operations, list shapes, parameters and generated methods.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use super::paths::{self, PathKind};
use super::Checker;
use crate::model::{Entity, Field, ListShape, Operations, Param, Type};
use crate::names::{field_ident, is_plain_ident, plural, snake, upper_camel};
use crate::raw;
use crate::reserved;
use crate::text::printable;

impl Checker<'_> {
    pub(super) fn entity(&mut self, name: &str, entity: &raw::Entity) -> Option<Entity> {
        if !self.entities.contains_key(name) {
            return None; // its name was rejected already
        }
        let base = ["entities", name];
        let doc = self.doc(&entity.doc, &base, &format!("entity `{name}`"));
        if let Err(refused) = paths::check(&entity.path, PathKind::Collection) {
            self.error(
                self.map.value(&["entities", name, "path"]),
                format!("`path: {}` {}", printable(&entity.path), refused.problem),
                refused.help,
            );
        }
        let ops = self.operations(name, &entity.operations);
        if entity.operations.is_empty() && entity.actions.is_empty() {
            self.error(
                self.map.key(&["entities", name, "operations"]),
                format!("entity `{name}` has no operations"),
                "list at least one of list, get, create, update, delete, or declare `actions:`"
                    .into(),
            );
        }
        let accessor = match &entity.accessor {
            Some(accessor) if is_plain_ident(accessor) && snake(accessor) == *accessor => {
                accessor.clone()
            }
            Some(accessor) => {
                self.error(
                    self.map.value(&["entities", name, "accessor"]),
                    format!("`accessor: {accessor}` is not a snake_case Rust name"),
                    "use lowercase ASCII letters, digits and underscores, starting with a letter, such as `tickets`".into(),
                );
                return None;
            }
            // The default is checked too: entity `A` would get the keyword `as`.
            // A singleton is one thing: `halo.control()`.
            None => match if entity.singleton {
                snake(name)
            } else {
                plural(&snake(name))
            } {
                accessor if is_plain_ident(&accessor) => accessor,
                accessor => {
                    self.error(
                        self.map.key(&["entities", name]),
                        format!("the default accessor of entity `{name}`, `{accessor}`, is a Rust keyword"),
                        "set `accessor:` to a snake_case name".into(),
                    );
                    return None;
                }
            },
        };
        if let Some(owner) = reserved::client_method(&accessor) {
            self.error(
                // At `accessor:` when written, else at the entity.
                self.map.key(&["entities", name, "accessor"]),
                format!("accessor `{accessor}` is already {owner}"),
                "set `accessor:` to another name".into(),
            );
        }
        let list = self.list_shape(name, entity, ops, &accessor);
        let all_fields = self.fields(&["entities", name, "fields"], &entity.fields, Some(name));
        let id_doc = match all_fields.iter().find(|f| f.ty == Type::Id) {
            Some(_) if entity.singleton => {
                self.error(
                    self.map.key(&["entities", name, "fields", "id"]),
                    format!("singleton `{name}` has an `id` field"),
                    "a singleton is one record at its path, without an id: remove `id`, or `singleton`".into(),
                );
                String::new()
            }
            Some(id) => id.doc.clone(),
            None => {
                if !entity.fields.contains_key("id") && !entity.singleton {
                    self.error(
                        self.map.key(&["entities", name]),
                        format!("entity `{name}` has no `id` field"),
                        "add `id: { type: id, doc: ... }` under `fields:` (or `singleton: true` for one record without an id)".into(),
                    );
                }
                String::new()
            }
        };
        let key = self.key_kind(name, entity);
        if entity.singleton && entity.key.is_some() {
            self.error(
                self.map.key(&["entities", name, "key"]),
                format!("singleton `{name}` has no id, so no `key`"),
                "remove `key`".into(),
            );
        }
        let scopes = self.scopes(name, entity);
        let mut actions = if entity.singleton {
            self.singleton_actions(name, ops, &scopes)
        } else {
            Vec::new()
        };
        actions.extend(self.actions(name, entity, !entity.singleton, entity.singleton));
        // A singleton's `get` and `update` are actions; none of the five remain.
        let ops = if entity.singleton {
            Operations::default()
        } else {
            ops
        };
        let (request_fields, fields): (Vec<Field>, Vec<Field>) = all_fields
            .into_iter()
            .filter(|f| f.ty != Type::Id)
            .partition(|f| {
                entity
                    .fields
                    .get(&f.wire)
                    .is_some_and(|raw| raw.request_only)
            });
        if let Some(first) = request_fields
            .first()
            .filter(|_| !(ops.create || ops.update))
        {
            self.error(
                self.map
                    .key(&["entities", name, "fields", &first.wire, "request_only"]),
                format!(
                    "request-only field `{}` has no setter to go on: `{name}` has no `create` or `update`",
                    first.wire
                ),
                if entity.singleton {
                    "a singleton is written whole and has no create input or patch request to carry it; remove the field".into()
                } else {
                    "a request-only field is a setter of the create input and the patch request; add `create` or `update`, or remove the field".into()
                },
            );
        }
        if ops.create || ops.update {
            self.check_setters(name, &fields, &request_fields, ops);
        }
        let verbs = self.verbs(name, entity, ops, &request_fields, &actions);
        let lookups = self.entity_lookups(name, &fields);
        let count_method: Vec<String> = list
            .as_ref()
            .and_then(|l| l.count_param.clone())
            .map(|(_, method)| method)
            .into_iter()
            .collect();
        let list_request = list_kind(list.as_ref().is_none_or(|l| l.paginated));
        self.needs_operation(
            name,
            "filters",
            !entity.filters.is_empty(),
            (ops.list, "list"),
        );
        self.needs_operation(
            name,
            "get_params",
            !entity.get_params.is_empty(),
            (ops.get, "get"),
        );
        self.needs_operation(
            name,
            "delete_params",
            !entity.delete_params.is_empty(),
            (ops.delete, "delete"),
        );
        let filters = self.params(
            &["entities", name, "filters"],
            &entity.filters,
            list_request,
            &count_method,
            true,
        );
        let get_params = self.params(
            &["entities", name, "get_params"],
            &entity.get_params,
            "get",
            &[],
            true,
        );
        let delete_params = self.params(
            &["entities", name, "delete_params"],
            &entity.delete_params,
            "delete",
            &[],
            true,
        );
        let columns = self.columns(name, entity.columns.as_deref(), &fields, !entity.singleton);
        let camel_accessor = upper_camel(&accessor);
        Some(Entity {
            name: name.to_owned(),
            doc,
            path: entity.path.clone(),
            module: snake(name),
            handle: format!("{camel_accessor}Api"),
            id_type: format!("{name}Id"),
            new_type: format!("New{name}"),
            list_type: format!("{name}List"),
            get_type: format!("{name}Get"),
            patch_type: format!("{name}Patch"),
            delete_type: format!("{name}Delete"),
            accessor,
            list,
            ops,
            key,
            singleton: entity.singleton,
            actions,
            verbs,
            fields,
            request_fields,
            id_doc,
            filters,
            lookups,
            get_params,
            delete_params,
            scopes,
            columns,
        })
    }

    pub(super) fn operations(&mut self, name: &str, ops: &[String]) -> Operations {
        let mut out = Operations::default();
        for (index, op) in ops.iter().enumerate() {
            let index = index.to_string();
            let at = self.map.value(&["entities", name, "operations", &index]);
            let slot = match op.as_str() {
                "list" => &mut out.list,
                "get" => &mut out.get,
                "create" => &mut out.create,
                "update" => &mut out.update,
                "delete" => &mut out.delete,
                other => {
                    self.error(
                        at,
                        format!("unknown operation `{other}`"),
                        "operations are list, get, create, update and delete".into(),
                    );
                    continue;
                }
            };
            if *slot {
                self.error(
                    at,
                    format!("operation `{op}` is listed twice"),
                    "remove the repeat".into(),
                );
            }
            *slot = true;
        }
        out
    }

    /// The `list:` section, with Halo's usual shape filled in: records
    /// wrapped under a key named like the accessor (`{"record_count": N,
    /// "tickets": [...]}`), paginated; a bare array is never paginated.
    pub(super) fn list_shape(
        &mut self,
        name: &str,
        entity: &raw::Entity,
        ops: Operations,
        accessor: &str,
    ) -> Option<ListShape> {
        let default = raw::List {
            shape: None,
            key: None,
            paginated: None,
            count_param: None,
        };
        let list = match &entity.list {
            Some(list) => list,
            None if ops.list => &default,
            None => return None,
        };
        let at = self.map.key(&["entities", name, "list"]);
        if !ops.list {
            self.error(
                at,
                format!("entity `{name}` has a `list:` section but `operations` lacks `list`"),
                "add `list` to `operations`, or remove `list:`".into(),
            );
        }
        let shape = list.shape.as_deref().unwrap_or("wrapped");
        if shape != "wrapped" && shape != "bare" {
            self.error(
                self.map.value(&["entities", name, "list", "shape"]),
                format!("unknown list shape `{shape}`"),
                "use `wrapped` ({\"record_count\": N, \"<key>\": [...]}) or `bare` ([...])".into(),
            );
        }
        // Either shape names the key an object answer keeps the records under.
        let key = match &list.key {
            Some(key) if key.trim().is_empty() => {
                self.error(
                    self.map.value(&["entities", name, "list", "key"]),
                    format!("the list of `{name}` has an empty `key`"),
                    "name the JSON key that holds the records, e.g. `key: tickets`, or leave `key` out to use the accessor".into(),
                );
                None
            }
            Some(key) => Some(key.clone()),
            None => Some(accessor.to_owned()),
        };
        let paginated = list.paginated.unwrap_or(shape == "wrapped");
        if paginated && shape == "bare" {
            self.error(
                self.map.value(&["entities", name, "list", "paginated"]),
                "a bare list cannot be paginated".into(),
                "Halo pages only wrapped lists, which carry `record_count`; use `shape: wrapped`"
                    .into(),
            );
        }
        let count_param = match &list.count_param {
            Some(_) if paginated => {
                self.error(
                    self.map.key(&["entities", name, "list", "count_param"]),
                    "`count_param` is for unpaginated lists".into(),
                    "remove it, or set `paginated: false`".into(),
                );
                None
            }
            Some(wire) => match field_ident(wire) {
                Some(method) => match reserved::request_method(list_kind(paginated), &method) {
                    Some(owner) => {
                        self.error(
                            self.map.value(&["entities", name, "list", "count_param"]),
                            format!("`count_param: {wire}` would give the list request a method `{method}`, which is already {owner}"),
                            "Halo's count parameter is `count`; the spec cannot rename it".into(),
                        );
                        None
                    }
                    None => Some((wire.clone(), method)),
                },
                None => {
                    self.error(
                        self.map.value(&["entities", name, "list", "count_param"]),
                        format!("cannot make a Rust method name from `count_param: {wire}`"),
                        "Halo's count parameter is `count`; use ASCII letters, digits and `_`"
                            .into(),
                    );
                    None
                }
            },
            None => None,
        };
        Some(ListShape {
            bare: shape == "bare",
            key: key?,
            paginated,
            count_param,
        })
    }

    /// Query parameters of one operation, declared at `base` (`entities/Ticket/filters`):
    /// the request type kind their setters go on, method names the entity
    /// already gives that type, and whether `required: true` is allowed.
    pub(super) fn params(
        &mut self,
        base: &[&str],
        params: &IndexMap<String, raw::Param>,
        request: &str,
        taken_methods: &[String],
        allow_required: bool,
    ) -> Vec<Param> {
        let mut taken = HashMap::new();
        let mut out = Vec::new();
        for (wire, param) in params {
            let path = [base, &[wire.as_str()]].concat();
            let doc = self.doc(&param.doc, &path, &format!("parameter `{wire}`"));
            let ty = self.parse_type(&param.ty, &[&path[..], &["type"]].concat(), false);
            let Some(rust) = self.rust_name(&path, wire, param.rust_name.as_deref(), &mut taken)
            else {
                continue;
            };
            let owner = reserved::request_method(request, &rust).or_else(|| {
                taken_methods
                    .contains(&rust)
                    .then(|| "the method of `count_param`".to_owned())
            });
            if let Some(owner) = owner.filter(|_| !param.required) {
                self.error(
                    self.map.key(&path),
                    format!("parameter `{wire}` would give the request a method `{rust}`, which is already {owner}"),
                    format!("set `rust_name:` to another name, such as `{rust}_filter`"),
                );
                continue;
            }
            if param.required && !allow_required {
                // Reported, and the parameter kept: the path still names it.
                self.error(
                    self.map.key(&[&path[..], &["required"]].concat()),
                    format!("parameter `{wire}` cannot be `required` here"),
                    "a path parameter is always an argument of the method; `required` is for query parameters".into(),
                );
            }
            if param.required && matches!(rust.as_str(), "id" | "body") {
                self.error(
                    self.map.key(&path),
                    format!("required parameter `{wire}` would be the argument `{rust}`, which the method already has"),
                    format!("set `rust_name:` to another name, such as `{rust}_value`"),
                );
                continue;
            }
            let Some(ty) = ty else { continue };
            if !is_query_type(&ty) {
                self.error(
                    self.map.value(&[&path[..], &["type"]].concat()),
                    format!("`{}` cannot be a query parameter", param.ty),
                    "parameters take bool, i32, i64, f64, string, date, datetime, ref<Entity>, or a list of bool, numbers, strings or refs".into(),
                );
                continue;
            }
            if param.flag == Some(true) && ty != Type::Bool {
                self.error(
                    self.map.key(&[&path[..], &["flag"]].concat()),
                    format!("`flag: true` needs a `bool` parameter, not `{}`", param.ty),
                    "a flag's setter takes nothing and sends `true`; remove `flag` or make the type `bool`".into(),
                );
                continue;
            }
            out.push(Param {
                wire: wire.clone(),
                rust,
                doc,
                ty: ty.clone(),
                upstream_type: param.upstream_type.clone(),
                // A `bool` parameter is a switch unless the spec says otherwise.
                flag: ty == Type::Bool && param.flag != Some(false) && !param.required,
                required: param.required && allow_required,
            });
        }
        out
    }

    /// `section` of entity `name` is only meaningful with operation `op`.
    fn needs_operation(&mut self, name: &str, section: &str, present: bool, op: (bool, &str)) {
        let (enabled, op) = op;
        if present && !enabled {
            self.error(
                self.map.key(&["entities", name, section]),
                format!("entity `{name}` has `{section}` but `operations` lacks `{op}`"),
                format!("add `{op}` to `operations`, or remove `{section}`"),
            );
        }
    }

    /// Lookup methods the entity gets from its `list<T>` fields; one name, one field.
    pub(super) fn entity_lookups(
        &mut self,
        name: &str,
        fields: &[Field],
    ) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = Vec::new();
        for field in fields {
            let Type::List(inner) = &field.ty else {
                continue;
            };
            let Type::Named(element) = &**inner else {
                continue;
            };
            let Some(method) = self.lookups.get(element).cloned() else {
                continue;
            };
            if let Some((_, other, _)) = out.iter().find(|(m, _, _)| *m == method) {
                self.error(
                    self.map.key(&["entities", name, "fields", &field.wire]),
                    format!(
                        "fields `{other}` and `{}` would both get the lookup method `{method}`",
                        field.rust
                    ),
                    format!("give one of them another type, or change the `lookup` of `{element}`"),
                );
                continue;
            }
            out.push((method, field.rust.clone(), element.clone()));
        }
        out
    }

    /// Each writable field has a setter on the create input and the patch
    /// request, and a list of records a `merge_*` setter on the patch; none
    /// may be a method those types already have, or another field's.
    pub(super) fn check_setters(
        &mut self,
        name: &str,
        fields: &[Field],
        request_fields: &[Field],
        ops: Operations,
    ) {
        let writable: Vec<&Field> = fields
            .iter()
            .filter(|f| !f.read_only)
            .chain(request_fields)
            .collect();
        let setters: HashSet<&str> = writable.iter().map(|f| f.rust.as_str()).collect();
        let targets: Vec<&str> = [(ops.create, "input"), (ops.update, "patch")]
            .into_iter()
            .filter_map(|(on, kind)| on.then_some(kind))
            .collect();
        for field in &writable {
            let merge = format!("merge_{}", field.rust);
            // A request-only list is never read back, so it has nothing to merge into.
            let merges = ops.update
                && !request_fields.iter().any(|f| f.wire == field.wire)
                && matches!(&field.ty, Type::List(inner) if matches!(**inner, Type::Named(_)));
            let mut clash = targets.iter().find_map(|kind| {
                reserved::request_method(kind, &field.rust).map(|owner| (field.rust.clone(), owner))
            });
            let on = if clash.is_some() && ops.create && ops.update {
                "create input and the patch request"
            } else if ops.update {
                "patch request"
            } else {
                "create input"
            };
            if merges && clash.is_none() {
                clash = reserved::request_method("patch", &merge)
                    .or_else(|| {
                        setters
                            .contains(merge.as_str())
                            .then(|| "the setter of another field".to_owned())
                    })
                    .map(|owner| (merge.clone(), owner));
            }
            if let Some((method, owner)) = clash {
                self.error(
                    self.map.key(&["entities", name, "fields", &field.wire]),
                    format!(
                        "field `{}` would give the {on} a method `{method}`, which is already {owner}",
                        field.wire
                    ),
                    format!("set `rust_name:` to another name, such as `{}_value`", field.rust),
                );
            }
        }
    }
}

fn is_query_type(ty: &Type) -> bool {
    match ty {
        Type::Bool
        | Type::I32
        | Type::I64
        | Type::F64
        | Type::String
        | Type::Date
        | Type::DateTime
        | Type::Ref { .. } => true,
        Type::List(inner) => matches!(
            **inner,
            Type::Bool | Type::I32 | Type::I64 | Type::F64 | Type::String | Type::Ref { .. }
        ),
        Type::Json | Type::Named(_) | Type::Id | Type::Base64 => false,
    }
}

/// The kind of request type a list's filters become methods of.
fn list_kind(paginated: bool) -> &'static str {
    if paginated {
        "list"
    } else {
        "unpaged_list"
    }
}
