//! From the decoded spec to the checked model, collecting every problem.
//!
//! Checks never stop at the first problem: each one becomes a located
//! [`Diagnostic`] and checking goes on, so a user fixes a spec in one pass.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;

use crate::diagnostic::{Diagnostic, Location};
use crate::model::{
    Api, Entity, EnumRepr, Field, ListShape, Lookup, NamedKind, NamedType, Operations, Param, Spec,
    Type, Variant, VariantValue,
};
use crate::names::{field_ident, is_keyword, is_plain_ident, plural, snake, upper_camel};
use crate::raw;
use crate::source_map::SourceMap;

/// Names the crate root or every generated module already uses.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "HaloClient",
    "HaloClientBuilder",
    "Error",
    "Id",
    "Page",
    "Result",
    "Resource",
    "ListShape",
    "ListRequest",
    "UnpagedListRequest",
    "GetRequest",
    "CreateRequest",
    "UpdateRequest",
    "DeleteRequest",
    "Option",
    "Vec",
    "String",
    "Some",
    "None",
    "Ok",
    "Err",
    "Box",
    "Serialize",
    "Deserialize",
    // Imported by generated files (serde, chrono, the runtime's spec types) or
    // named in generated signatures; a spec type of the same name would clash.
    "Serializer",
    "Deserializer",
    "DateTime",
    "NaiveDate",
    "Utc",
    "ApiSpec",
    "AuthSpec",
    "PaginationSpec",
    "RateLimitSpec",
    "Into",
    "IntoIterator",
];

/// Module names the generated code or the crate already uses.
const RESERVED_MODULES: &[&str] = &[
    "types",
    "runtime",
    "generated",
    "wire",
    "spec",
    "chrono",
    "serde",
    "serde_json",
];

/// Methods of the runtime's request builders; a parameter must not shadow them.
const RESERVED_METHODS: &[&str] = &[
    "new",
    "param",
    "send",
    "into_future",
    "page_no",
    "page_size",
    "order",
    "order_desc",
    "stream",
    "pages",
    "collect",
    "clone",
];

/// Methods of the runtime's `PatchRequest`; a field's setter must not shadow them.
const RESERVED_PATCH_METHODS: &[&str] = &[
    "new",
    "field",
    "set",
    "clear",
    "changes",
    "send",
    "into_future",
    "clone",
];

/// Methods of `HaloClient` that an accessor must not shadow.
/// (`api_base`, `endpoint`, `http` and `timeout` are the runtime's own methods.)
const RESERVED_ACCESSORS: &[&str] = &[
    "builder", "from_env", "clone", "api", "spec", "api_base", "endpoint", "http", "timeout",
];

const TYPE_HELP: &str = "use one of bool, i32, i64, f64, string, date, datetime, json, list<T>, ref<Entity>, or a name declared under `types:`";
const MAX_LIST_NESTING: usize = 4;

struct Checker<'a> {
    file: &'a str,
    map: &'a SourceMap,
    errors: Vec<Diagnostic>,
    /// Entity name -> its id type name.
    entities: HashMap<String, String>,
    /// Named type name -> whether it is a struct.
    types: HashMap<String, bool>,
    /// Declared names already reported as unusable: a use of one is not
    /// reported again as unknown.
    rejected: HashSet<String>,
    /// Named struct name -> its lookup method name.
    lookups: HashMap<String, String>,
}

/// Checks a decoded spec; on success every name in the model is a valid identifier.
pub(crate) fn check(
    file: &str,
    hash: String,
    spec: raw::Spec,
    map: &SourceMap,
) -> Result<Spec, Vec<Diagnostic>> {
    let mut checker = Checker {
        file,
        map,
        errors: Vec::new(),
        entities: HashMap::new(),
        types: HashMap::new(),
        rejected: HashSet::new(),
        lookups: HashMap::new(),
    };
    if spec.version != 1 {
        checker.error(
            map.value(&["version"]),
            format!("unsupported spec version {}", spec.version),
            Some("this generator reads version 1; set `version: 1`".into()),
        );
    }
    let api = checker.api(&spec.api);
    checker.declare_names(&spec);
    let types = spec
        .types
        .iter()
        .filter_map(|(name, ty)| checker.named_type(name, ty))
        .collect::<Vec<_>>();
    checker.check_struct_cycles(&types);
    let entities = spec
        .entities
        .iter()
        .filter_map(|(name, entity)| checker.entity(name, entity))
        .collect::<Vec<_>>();
    checker.check_derived_names(&entities, &types);
    if checker.errors.is_empty() {
        Ok(Spec {
            file: file.to_owned(),
            hash,
            api,
            types,
            entities,
        })
    } else {
        Err(checker.errors)
    }
}

impl Checker<'_> {
    fn error(&mut self, location: Location, message: String, help: Option<String>) {
        self.errors.push(Diagnostic {
            file: self.file.to_owned(),
            location,
            message,
            help,
        });
    }

    fn doc(&mut self, doc: &Option<String>, path: &[&str], what: &str) -> String {
        match doc.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => text.to_owned(),
            _ => {
                self.error(
                    self.map.key(path),
                    format!("{what} has no `doc`"),
                    Some("add `doc:` with a sentence; it becomes the Rust doc comment".into()),
                );
                String::new()
            }
        }
    }

    fn api(&mut self, api: &raw::Api) -> Api {
        let doc = self.doc(&api.doc, &["api"], "the `api` section");
        for (key, value) in [
            ("base_path", &api.base_path),
            ("token_path", &api.auth.token_path),
            ("discovery_path", &api.auth.discovery_path),
        ] {
            if !value.starts_with('/') || value.contains(char::is_whitespace) {
                let path: &[&str] = if key == "base_path" {
                    &["api", key]
                } else {
                    &["api", "auth", key]
                };
                self.error(
                    self.map.value(path),
                    format!("`{key}` must be an absolute path such as `/api`, not `{value}`"),
                    None,
                );
            }
        }
        let names = [
            ("auth", "tenant_param", &api.auth.tenant_param),
            ("auth", "default_scope", &api.auth.default_scope),
            ("pagination", "enable_param", &api.pagination.enable_param),
            ("pagination", "page_param", &api.pagination.page_param),
            ("pagination", "size_param", &api.pagination.size_param),
            ("pagination", "count_field", &api.pagination.count_field),
        ];
        for (section, key, value) in names {
            if value.trim().is_empty() {
                self.error(
                    self.map.value(&["api", section, key]),
                    format!("`{key}` must not be empty"),
                    None,
                );
            }
        }
        let positive = [
            ("pagination", "max_page_size", api.pagination.max_page_size),
            ("rate_limit", "requests", api.rate_limit.requests),
            (
                "rate_limit",
                "window_seconds",
                api.rate_limit.window_seconds,
            ),
        ];
        for (section, key, value) in positive {
            if value == 0 {
                self.error(
                    self.map.value(&["api", section, key]),
                    format!("`{key}` must be greater than zero"),
                    None,
                );
            }
        }
        Api {
            name: api.name.clone(),
            doc,
            base_path: api.base_path.clone(),
            token_path: api.auth.token_path.clone(),
            tenant_param: api.auth.tenant_param.clone(),
            default_scope: api.auth.default_scope.clone(),
            discovery_path: api.auth.discovery_path.clone(),
            enable_param: api.pagination.enable_param.clone(),
            page_param: api.pagination.page_param.clone(),
            size_param: api.pagination.size_param.clone(),
            count_field: api.pagination.count_field.clone(),
            max_page_size: api.pagination.max_page_size,
            rate_limit_requests: api.rate_limit.requests,
            rate_limit_window_seconds: api.rate_limit.window_seconds,
        }
    }

    /// Registers entity and type names first, so references resolve in any order.
    fn declare_names(&mut self, spec: &raw::Spec) {
        let mut seen: HashMap<String, (String, Location)> = HashMap::new();
        let declared = spec
            .types
            .keys()
            .map(|name| ("types", name))
            .chain(spec.entities.keys().map(|name| ("entities", name)));
        for (section, name) in declared {
            let at = self.map.key(&[section, name]);
            let what = if section == "types" { "type" } else { "entity" };
            if !is_plain_ident(name) || upper_camel(name) != *name {
                self.error(
                    at,
                    format!("{what} name `{name}` is not an UpperCamelCase Rust name"),
                    Some(rename_help(name)),
                );
                self.rejected.insert(name.clone());
                continue;
            }
            if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                self.error(
                    at,
                    format!("{what} name `{name}` is already used by the generated crate"),
                    Some("choose another name".into()),
                );
                self.rejected.insert(name.clone());
                continue;
            }
            let module = snake(name);
            if let Some((other, first)) = seen.get(&module) {
                // Types come first, so an equal name is a type and an entity.
                let message = if other == name {
                    format!("`{name}` is declared both as a type and as an entity")
                } else {
                    format!("`{name}` and `{other}` both become the module `{module}`")
                };
                self.error(
                    at,
                    message,
                    Some(format!(
                        "`{other}` is declared at line {}; rename one",
                        first.line
                    )),
                );
                self.rejected.insert(name.clone());
                continue;
            }
            seen.insert(module, (name.clone(), at));
            if section == "types" {
                let is_struct = spec
                    .types
                    .get(name)
                    .is_some_and(|t| t.struct_fields.is_some());
                self.types.insert(name.clone(), is_struct);
            } else {
                self.entities.insert(name.clone(), format!("{name}Id"));
            }
        }
    }

    fn named_type(&mut self, name: &str, ty: &raw::NamedType) -> Option<NamedType> {
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
                    None,
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
    fn lookup(&mut self, name: &str, lookup: &raw::Lookup, kind: &NamedKind) -> Option<Lookup> {
        let NamedKind::Struct(fields) = kind else {
            self.error(
                self.map.key(&["types", name, "lookup"]),
                "`lookup` is only for struct types".into(),
                None,
            );
            return None;
        };
        let Some(key) = fields.iter().find(|f| f.wire == lookup.key) else {
            self.error(
                self.map.value(&["types", name, "lookup", "key"]),
                format!("`{}` is not a field of `{name}`", lookup.key),
                Some("name one of the struct's string fields".into()),
            );
            return None;
        };
        if key.ty != Type::String {
            self.error(
                self.map.value(&["types", name, "lookup", "key"]),
                format!("lookup key `{}` must be a string field", lookup.key),
                None,
            );
            return None;
        }
        if !is_plain_ident(&lookup.method) || snake(&lookup.method) != lookup.method {
            self.error(
                self.map.value(&["types", name, "lookup", "method"]),
                format!("`method: {}` is not a snake_case Rust name", lookup.method),
                None,
            );
            return None;
        }
        self.lookups.insert(name.to_owned(), lookup.method.clone());
        Some(Lookup {
            key: key.rust.clone(),
            method: lookup.method.clone(),
        })
    }

    /// Lookup methods the entity gets from its `list<T>` fields; one name, one field.
    fn entity_lookups(&mut self, name: &str, fields: &[Field]) -> Vec<(String, String, String)> {
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
                    Some(format!(
                        "give one of them another type, or change the `lookup` of `{element}`"
                    )),
                );
                continue;
            }
            out.push((method, field.rust.clone(), element.clone()));
        }
        out
    }

    /// A patch has a setter and a `clear_` method per writable field; neither may
    /// shadow the patch request's own methods or another field's method.
    fn check_patch_methods(&mut self, name: &str, fields: &[Field]) {
        let writable: Vec<&Field> = fields.iter().filter(|f| !f.read_only).collect();
        let setters: HashSet<&str> = writable.iter().map(|f| f.rust.as_str()).collect();
        for field in &writable {
            let clear = format!("clear_{}", field.rust);
            let clash = if RESERVED_PATCH_METHODS.contains(&field.rust.as_str()) {
                Some(field.rust.clone())
            } else if setters.contains(clear.as_str()) {
                Some(clear)
            } else {
                None
            };
            if let Some(method) = clash {
                self.error(
                    self.map.key(&["entities", name, "fields", &field.wire]),
                    format!(
                        "field `{}` would give the patch request a second method `{method}`",
                        field.wire
                    ),
                    Some("set `rust_name:` to another name".into()),
                );
            }
        }
    }

    fn enum_kind(&mut self, name: &str, def: &raw::Enum) -> NamedKind {
        let repr = match def.repr.as_str() {
            "i32" | "i64" => EnumRepr::Int,
            "string" => EnumRepr::String,
            other => {
                self.error(
                    self.map.value(&["types", name, "enum", "repr"]),
                    format!("unknown enum repr `{other}`"),
                    Some("use `i32` for integer codes or `string` for text values".into()),
                );
                EnumRepr::Int
            }
        };
        if def.values.is_empty() {
            self.error(
                self.map.key(&["types", name, "enum"]),
                format!("enum `{name}` has no values"),
                None,
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
                    Some("the generator adds `Other(..)` for values the spec does not list; rename this one, e.g. `OtherValue`".into()),
                );
                continue;
            }
            if !is_plain_ident(variant) || upper_camel(variant) != *variant {
                self.error(
                    self.map.key(&path),
                    format!("enum value name `{variant}` is not an UpperCamelCase Rust name"),
                    Some(rename_help(variant)),
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
                        None,
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
                    Some("a value decodes to one variant; remove one of them".into()),
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
    fn fields(
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
                    Some("remove `rust_name:`; every record's id is `id`".into()),
                );
                continue;
            }
            if rust == "extra" {
                self.error(
                    self.map.key(&path),
                    "field name `extra` is taken by the map that keeps fields the spec does not list".into(),
                    Some("set `rust_name:` to another name".into()),
                );
                continue;
            }
            let Some(ty) = ty else { continue };
            if ty != Type::Id && contains_date(&ty) && matches!(ty, Type::List(_)) {
                self.error(
                    self.map.value(&type_path),
                    format!("`{}` is not supported for fields", field.ty),
                    Some(
                        "lists of dates are not supported in spec version 1; use list<string>"
                            .into(),
                    ),
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

    /// Picks and checks the Rust name of a field or parameter.
    fn rust_name(
        &mut self,
        path: &[&str],
        wire: &str,
        explicit: Option<&str>,
        taken: &mut HashMap<String, String>,
    ) -> Option<String> {
        let rust = match explicit {
            Some(name) if is_plain_ident(name) && snake(name) == name => name.to_owned(),
            Some(name) if is_keyword(name) => {
                self.error(
                    self.map.value(&[path, &["rust_name"]].concat()),
                    format!("`rust_name: {name}` is a Rust keyword"),
                    Some(format!("choose another name, e.g. `{name}_`")),
                );
                return None;
            }
            Some(name) => {
                self.error(
                    self.map.value(&[path, &["rust_name"]].concat()),
                    format!("`rust_name: {name}` is not a snake_case Rust name"),
                    Some("use lowercase letters, digits and underscores, not a keyword".into()),
                );
                return None;
            }
            None => match field_ident(wire) {
                Some(name) => name,
                None => {
                    self.error(
                        self.map.key(path),
                        format!("cannot make a Rust name from `{wire}`"),
                        Some("set `rust_name:` to a snake_case name".into()),
                    );
                    return None;
                }
            },
        };
        if let Some(other) = taken.get(&rust) {
            self.error(
                self.map.key(path),
                format!("`{wire}` and `{other}` both become the Rust name `{rust}`"),
                Some("set `rust_name:` on one of them".into()),
            );
            return None;
        }
        taken.insert(rust.clone(), wire.to_owned());
        Some(rust)
    }

    /// Parses a type string; `allow_id` is true only for an entity's `id` field.
    fn parse_type(&mut self, text: &str, path: &[&str], allow_id: bool) -> Option<Type> {
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
                self.error(at, format!("`{text}` nests lists too deeply"), None);
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
            "id" if allow_id && depth == 0 => Type::Id,
            "id" => {
                self.error(
                    at,
                    "type `id` is only for an entity's own `id` field".into(),
                    Some("use ref<Entity> for the id of another record".into()),
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
                                Some(format!(
                                    "ref<...> names an entity declared under `entities:`{}",
                                    self.did_you_mean(target, true)
                                )),
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
                        Some(format!("use ref<{inner}> for its id")),
                    );
                    return None;
                } else {
                    self.error(
                        at,
                        format!("unknown type `{inner}`"),
                        Some(format!("{TYPE_HELP}{}", self.did_you_mean(inner, false))),
                    );
                    return None;
                }
            }
        };
        if allow_id && base != Type::Id {
            self.error(
                at,
                format!("the `id` field must have type `id`, not `{text}`"),
                Some("write `id: { type: id, doc: ... }`".into()),
            );
            return None;
        }
        Some((0..depth).fold(base, |ty, _| Type::List(Box::new(ty))))
    }

    /// " (did you mean `X`?)" for the closest declared name, or nothing.
    fn did_you_mean(&self, name: &str, entities: bool) -> String {
        const BUILTIN: &[&str] = &[
            "bool", "i32", "i64", "f64", "string", "date", "datetime", "json",
        ];
        let pool: Vec<&str> = if entities {
            self.entities.keys().map(String::as_str).collect()
        } else {
            self.types
                .keys()
                .map(String::as_str)
                .chain(BUILTIN.iter().copied())
                .collect()
        };
        match closest(name, pool) {
            Some(hit) => format!(" (did you mean `{hit}`?)"),
            None => String::new(),
        }
    }

    fn entity(&mut self, name: &str, entity: &raw::Entity) -> Option<Entity> {
        if !self.entities.contains_key(name) {
            return None; // its name was rejected already
        }
        let base = ["entities", name];
        let doc = self.doc(&entity.doc, &base, &format!("entity `{name}`"));
        if entity.path.is_empty()
            || entity
                .path
                .contains(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
        {
            self.error(
                self.map.value(&["entities", name, "path"]),
                format!(
                    "`path: {}` must be one URL path segment such as `Tickets`",
                    entity.path
                ),
                None,
            );
        }
        let ops = self.operations(name, &entity.operations);
        let list = self.list_shape(name, entity, ops);
        let accessor = match &entity.accessor {
            Some(accessor) if is_plain_ident(accessor) && snake(accessor) == *accessor => {
                accessor.clone()
            }
            Some(accessor) => {
                self.error(
                    self.map.value(&["entities", name, "accessor"]),
                    format!("`accessor: {accessor}` is not a snake_case Rust name"),
                    None,
                );
                return None;
            }
            // The default is checked too: entity `A` would get the keyword `as`.
            None => match plural(&snake(name)) {
                accessor if is_plain_ident(&accessor) => accessor,
                accessor => {
                    self.error(
                        self.map.key(&["entities", name]),
                        format!("the default accessor of entity `{name}`, `{accessor}`, is a Rust keyword"),
                        Some("set `accessor:` to a snake_case name".into()),
                    );
                    return None;
                }
            },
        };
        if RESERVED_ACCESSORS.contains(&accessor.as_str()) {
            self.error(
                // At `accessor:` when written, else at the entity.
                self.map.key(&["entities", name, "accessor"]),
                format!("accessor `{accessor}` is already a method of the client"),
                Some("set `accessor:` to another name".into()),
            );
        }
        let all_fields = self.fields(&["entities", name, "fields"], &entity.fields, Some(name));
        let id_doc = match all_fields.iter().find(|f| f.ty == Type::Id) {
            Some(id) => id.doc.clone(),
            None => {
                if !entity.fields.contains_key("id") {
                    self.error(
                        self.map.key(&["entities", name]),
                        format!("entity `{name}` has no `id` field"),
                        Some("add `id: { type: id, doc: ... }` under `fields:`".into()),
                    );
                }
                String::new()
            }
        };
        let fields: Vec<Field> = all_fields
            .into_iter()
            .filter(|f| f.ty != Type::Id)
            .collect();
        if ops.update {
            self.check_patch_methods(name, &fields);
        }
        let lookups = self.entity_lookups(name, &fields);
        let mut reserved: Vec<String> = RESERVED_METHODS.iter().map(|s| (*s).to_owned()).collect();
        if let Some((_, method)) = list.as_ref().and_then(|l| l.count_param.clone()) {
            reserved.push(method);
        }
        let filters = self.params(
            name,
            "filters",
            &entity.filters,
            ops.list,
            "list",
            &reserved,
        );
        let get_params = self.params(
            name,
            "get_params",
            &entity.get_params,
            ops.get,
            "get",
            &reserved,
        );
        let delete_params = self.params(
            name,
            "delete_params",
            &entity.delete_params,
            ops.delete,
            "delete",
            &reserved,
        );
        let camel_accessor = upper_camel(&accessor);
        Some(Entity {
            name: name.to_owned(),
            doc,
            path: entity.path.clone(),
            module: snake(name),
            handle: format!("{camel_accessor}Api"),
            id_type: format!("{name}Id"),
            new_type: format!("New{name}"),
            accessor,
            list,
            ops,
            fields,
            id_doc,
            filters,
            lookups,
            get_params,
            delete_params,
        })
    }

    fn operations(&mut self, name: &str, ops: &[String]) -> Operations {
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
                        Some("operations are list, get, create, update and delete".into()),
                    );
                    continue;
                }
            };
            if *slot {
                self.error(at, format!("operation `{op}` is listed twice"), None);
            }
            *slot = true;
        }
        if ops.is_empty() {
            self.error(
                self.map.key(&["entities", name, "operations"]),
                format!("entity `{name}` has no operations"),
                Some("list at least one of list, get, create, update, delete".into()),
            );
        }
        out
    }

    fn list_shape(
        &mut self,
        name: &str,
        entity: &raw::Entity,
        ops: Operations,
    ) -> Option<ListShape> {
        let Some(list) = &entity.list else {
            if ops.list {
                self.error(
                    self.map.key(&["entities", name, "operations"]),
                    format!("entity `{name}` supports `list` but has no `list:` section"),
                    Some("add `list: { shape: wrapped, key: <key>, paginated: true }` or `list: { shape: bare }`".into()),
                );
            }
            return None;
        };
        let at = self.map.key(&["entities", name, "list"]);
        if !ops.list {
            self.error(
                at,
                format!("entity `{name}` has a `list:` section but `operations` lacks `list`"),
                Some("add `list` to `operations`, or remove `list:`".into()),
            );
        }
        let key = match (list.shape.as_str(), &list.key) {
            ("wrapped", Some(key)) if !key.trim().is_empty() => Some(key.clone()),
            ("wrapped", _) => {
                self.error(
                    at,
                    format!("the wrapped list of `{name}` has no `key`"),
                    Some("name the JSON key that holds the records, e.g. `key: tickets`".into()),
                );
                None
            }
            ("bare", None) => None,
            ("bare", Some(_)) => {
                self.error(
                    self.map.key(&["entities", name, "list", "key"]),
                    "a bare list has no `key`".into(),
                    Some("use `shape: wrapped` if the records sit under a key".into()),
                );
                None
            }
            (other, _) => {
                self.error(
                    self.map.value(&["entities", name, "list", "shape"]),
                    format!("unknown list shape `{other}`"),
                    Some(
                        "use `wrapped` ({\"record_count\": N, \"<key>\": [...]}) or `bare` ([...])"
                            .into(),
                    ),
                );
                None
            }
        };
        let count_param = match &list.count_param {
            Some(_) if list.paginated => {
                self.error(
                    self.map.key(&["entities", name, "list", "count_param"]),
                    "`count_param` is for unpaginated lists".into(),
                    Some("remove it, or set `paginated: false`".into()),
                );
                None
            }
            Some(wire) => match field_ident(wire) {
                Some(method) if RESERVED_METHODS.contains(&method.as_str()) => {
                    self.error(
                        self.map.value(&["entities", name, "list", "count_param"]),
                        format!("`count_param: {wire}` would shadow the request method `{method}`"),
                        None,
                    );
                    None
                }
                Some(method) => Some((wire.clone(), method)),
                None => {
                    self.error(
                        self.map.value(&["entities", name, "list", "count_param"]),
                        format!("cannot make a Rust name from `{wire}`"),
                        None,
                    );
                    None
                }
            },
            None => None,
        };
        Some(ListShape {
            key,
            paginated: list.paginated,
            count_param,
        })
    }

    fn params(
        &mut self,
        name: &str,
        section: &str,
        params: &IndexMap<String, raw::Param>,
        op_enabled: bool,
        op: &str,
        reserved: &[String],
    ) -> Vec<Param> {
        if !params.is_empty() && !op_enabled {
            self.error(
                self.map.key(&["entities", name, section]),
                format!("entity `{name}` has `{section}` but `operations` lacks `{op}`"),
                Some(format!("add `{op}` to `operations`, or remove `{section}`")),
            );
        }
        let mut taken = HashMap::new();
        let mut out = Vec::new();
        for (wire, param) in params {
            let path = ["entities", name, section, wire.as_str()];
            let doc = self.doc(&param.doc, &path, &format!("parameter `{wire}`"));
            let ty = self.parse_type(&param.ty, &[&path[..], &["type"]].concat(), false);
            let Some(rust) = self.rust_name(&path, wire, param.rust_name.as_deref(), &mut taken)
            else {
                continue;
            };
            if reserved.contains(&rust) {
                self.error(
                    self.map.key(&path),
                    format!("parameter `{wire}` would shadow the request method `{rust}`"),
                    Some("set `rust_name:` to another name".into()),
                );
                continue;
            }
            let Some(ty) = ty else { continue };
            if !is_query_type(&ty) {
                self.error(
                    self.map.value(&[&path[..], &["type"]].concat()),
                    format!("`{}` cannot be a query parameter", param.ty),
                    Some("parameters take bool, i32, i64, f64, string, date, datetime, ref<Entity>, or a list of bool, numbers, strings or refs".into()),
                );
                continue;
            }
            out.push(Param {
                wire: wire.clone(),
                rust,
                doc,
                ty,
                upstream_type: param.upstream_type.clone(),
            });
        }
        out
    }

    /// A struct that contains itself without a list in between has infinite size.
    fn check_struct_cycles(&mut self, types: &[NamedType]) {
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
                                Some("break the cycle with a list<...> field".into()),
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

    /// Generated names (`TicketId`, `NewTicket`, `TicketsApi`, accessors) must not collide.
    fn check_derived_names(&mut self, entities: &[Entity], types: &[NamedType]) {
        let mut names: HashMap<String, String> = HashMap::new();
        for ty in types {
            names.insert(ty.name.clone(), format!("type `{}`", ty.name));
        }
        for entity in entities {
            names.insert(entity.name.clone(), format!("entity `{}`", entity.name));
        }
        let mut accessors: HashMap<String, String> = HashMap::new();
        for entity in entities {
            let at = self.map.key(&["entities", &entity.name]);
            if RESERVED_MODULES.contains(&entity.module.as_str()) {
                self.error(
                    at,
                    format!(
                        "entity `{}` would become the module `{}`, which the crate already has",
                        entity.name, entity.module
                    ),
                    Some("rename the entity".into()),
                );
            } else if is_keyword(&entity.module) {
                self.error(
                    at,
                    format!(
                        "entity `{}` would become the module `{}`, a Rust keyword",
                        entity.name, entity.module
                    ),
                    Some("rename the entity to something more specific".into()),
                );
            }
            // The handle is made from the accessor: a shared accessor is one error, not two.
            let accessor_at = self.map.key(&["entities", &entity.name, "accessor"]);
            let shared_accessor = accessors.insert(entity.accessor.clone(), entity.name.clone());
            if let Some(other) = &shared_accessor {
                self.error(
                    accessor_at,
                    format!(
                        "entities `{}` and `{other}` both have the accessor `{}`",
                        entity.name, entity.accessor
                    ),
                    Some("set `accessor:` on one of them".into()),
                );
            }
            for derived in [&entity.id_type, &entity.new_type, &entity.handle] {
                if shared_accessor.is_some() && derived == &entity.handle {
                    continue;
                }
                let what = format!("`{derived}` (generated for entity `{}`)", entity.name);
                if RESERVED_TYPE_NAMES.contains(&derived.as_str()) {
                    self.error(
                        at,
                        format!("{what} is already used by the generated crate"),
                        None,
                    );
                } else if let Some(other) = names.insert(derived.clone(), what.clone()) {
                    self.error(
                        at,
                        format!("{what} collides with {other}"),
                        Some("rename one of them, or set `accessor:`".into()),
                    );
                }
            }
        }
    }
}

/// The candidate nearest to `name` by edit distance (case-insensitive), if near enough.
fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&name, &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn contains_date(ty: &Type) -> bool {
    match ty {
        Type::Date | Type::DateTime => true,
        Type::List(inner) => contains_date(inner),
        _ => false,
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
        Type::Json | Type::Named(_) | Type::Id => false,
    }
}

/// How to fix a name that is not UpperCamelCase: its UpperCamelCase form when
/// that is a valid name, else the rule (no made-up name such as `Socit` for `Société`).
fn rename_help(name: &str) -> String {
    let camel = upper_camel(name);
    if is_plain_ident(&camel) && upper_camel(&camel) == camel {
        format!("rename it to `{camel}`")
    } else {
        "use ASCII letters and digits only, starting with an upper-case letter".into()
    }
}
