//! Names: declared type and entity names, Rust names of fields and
//! parameters, and the names the generator derives from them.

use std::collections::HashMap;

use super::Checker;
use crate::diagnostic::Location;
use crate::model::{Entity, NamedType, Response};
use crate::names::{field_ident, is_keyword, is_plain_ident, snake, upper_camel};
use crate::raw;
use crate::reserved;

impl Checker<'_> {
    /// Registers entity and type names first, so references resolve in any order.
    pub(super) fn declare_names(&mut self, spec: &raw::Spec) {
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
                    rename_help(name),
                );
                self.rejected.insert(name.clone());
                continue;
            }
            if let Some(owner) = reserved::type_name(name) {
                self.error(
                    at,
                    format!("{what} name `{name}` is already {owner}"),
                    format!("choose a more specific name, such as `Halo{name}`"),
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
                    format!("`{other}` is declared at line {}; rename one", first.line),
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

    /// Picks and checks the Rust name of a field or parameter.
    pub(super) fn rust_name(
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
                    format!("choose another name, e.g. `{name}_`"),
                );
                return None;
            }
            Some(name) => {
                self.error(
                    self.map.value(&[path, &["rust_name"]].concat()),
                    format!("`rust_name: {name}` is not a snake_case Rust name"),
                    "use lowercase ASCII letters, digits and underscores, starting with a letter"
                        .into(),
                );
                return None;
            }
            None => match field_ident(wire) {
                Some(name) => name,
                None => {
                    self.error(
                        self.map.key(path),
                        format!("cannot make a Rust name from `{wire}`"),
                        "set `rust_name:` to a snake_case name".into(),
                    );
                    return None;
                }
            },
        };
        if let Some(other) = taken.get(&rust) {
            self.error(
                self.map.key(path),
                format!("`{wire}` and `{other}` both become the Rust name `{rust}`"),
                "set `rust_name:` on one of them".into(),
            );
            return None;
        }
        taken.insert(rust.clone(), wire.to_owned());
        Some(rust)
    }

    /// Generated names (`TicketId`, `NewTicket`, `TicketsApi`, `TicketList`,
    /// accessors, ...) must not collide.
    pub(super) fn check_derived_names(&mut self, entities: &[Entity], types: &[NamedType]) {
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
            if let Some(owner) = reserved::module(&entity.module) {
                self.error(
                    at,
                    format!(
                        "entity `{}` would become the module `{}`, {owner}",
                        entity.name, entity.module
                    ),
                    format!("rename the entity, such as `Halo{}`", entity.name),
                );
            } else if is_keyword(&entity.module) {
                self.error(
                    at,
                    format!(
                        "entity `{}` would become the module `{}`, a Rust keyword",
                        entity.name, entity.module
                    ),
                    "rename the entity to something more specific".into(),
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
                    "set `accessor:` on one of them".into(),
                );
            }
            // The types generated for the entity: only those of its operations.
            let ops = entity.ops;
            let derived_names: Vec<&String> = [
                (!entity.singleton, &entity.id_type),
                (ops.create, &entity.new_type),
                (true, &entity.handle),
                (ops.list, &entity.list_type),
                (ops.get, &entity.get_type),
                (ops.update, &entity.patch_type),
                (ops.delete, &entity.delete_type),
            ]
            .into_iter()
            .filter_map(|(made, name)| made.then_some(name))
            // A report query returns the runtime's `ReportQuery`: no type of its own.
            .chain(
                entity
                    .actions
                    .iter()
                    .filter(|action| action.response != Response::Report)
                    .map(|action| &action.type_name),
            )
            .collect();
            for derived in derived_names {
                if shared_accessor.is_some() && derived == &entity.handle {
                    continue;
                }
                let what = format!("`{derived}` (generated for entity `{}`)", entity.name);
                if let Some(owner) = reserved::type_name(derived) {
                    self.error(
                        at,
                        format!("{what} is already {owner}"),
                        "rename the entity, or set `accessor:` when the clash is the `...Api` handle"
                            .into(),
                    );
                } else if let Some(other) = names.insert(derived.clone(), what.clone()) {
                    self.error(
                        at,
                        format!("{what} collides with {other}"),
                        "rename one of them, or set `accessor:`".into(),
                    );
                }
            }
        }
    }
}

/// How to fix a name that is not UpperCamelCase: its UpperCamelCase form when
/// that is a valid name, else the rule (no made-up name such as `Socit` for `Société`).
pub(super) fn rename_help(name: &str) -> String {
    let camel = upper_camel(name);
    if is_plain_ident(&camel) && upper_camel(&camel) == camel {
        format!("rename it to `{camel}`")
    } else {
        "use ASCII letters and digits only, starting with an upper-case letter".into()
    }
}
