//! What the command-line client makes of the spec: the columns its tables
//! show, and commands and flags that cannot clash with its own.
//!
//! Every collection is a command (`halo tickets`), every operation and
//! action a subcommand (`halo tickets list`, `halo invoices update-lines`),
//! and every filter, parameter and writable field a flag named after its
//! Rust name (`--include-details`). The client's own commands and flags are
//! listed in `reserved.rs`; a spec name that would take one is refused here,
//! where it is written.

use std::collections::HashSet;

use super::suggest::closest;
use super::Checker;
use crate::model::{Entity, Field, Param, Type};
use crate::names::cli_name;
use crate::reserved;

/// Fields shown by default after `id`.
const DEFAULT_COLUMNS: usize = 4;

impl Checker<'_> {
    /// The table columns of entity `name`: its `columns` (field wire names,
    /// and `id`), or `id` and its first few scalar fields.
    pub(super) fn columns(
        &mut self,
        name: &str,
        columns: Option<&[String]>,
        fields: &[Field],
        has_id: bool,
    ) -> Vec<String> {
        let known: Vec<&str> = has_id
            .then_some("id")
            .into_iter()
            .chain(fields.iter().map(|f| f.wire.as_str()))
            .collect();
        let Some(columns) = columns else {
            let scalars = fields
                .iter()
                .filter(|f| is_scalar(&f.ty, self))
                .take(DEFAULT_COLUMNS)
                .map(|f| f.wire.clone());
            return has_id
                .then(|| "id".to_owned())
                .into_iter()
                .chain(scalars)
                .collect();
        };
        if columns.is_empty() {
            self.error(
                self.map.value(&["entities", name, "columns"]),
                format!("`columns` of entity `{name}` is empty"),
                "name the fields the command-line client shows in a table, such as `[id, summary]`, or leave `columns` out for `id` and the first few fields".into(),
            );
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (index, column) in columns.iter().enumerate() {
            let at = self
                .map
                .value(&["entities", name, "columns", &index.to_string()]);
            if !known.contains(&column.as_str()) {
                let hint = match closest(column, known.iter().copied()) {
                    Some(hit) => format!(" (did you mean `{hit}`?)"),
                    None => String::new(),
                };
                self.error(
                    at,
                    format!(
                        "column `{}` is not a field of entity `{name}`",
                        crate::text::printable(column)
                    ),
                    format!("name a field under `fields:` by its wire name{hint}"),
                );
            } else if !seen.insert(column.as_str()) {
                self.error(
                    at,
                    format!("column `{column}` is listed twice"),
                    "remove the repeat".into(),
                );
            } else {
                out.push(column.clone());
            }
        }
        out
    }

    /// Every command and flag the command-line client makes of the
    /// entities: none may take a name the client uses itself. (Two names
    /// of one command cannot make the same one: Rust names are unique
    /// where they meet, and the kebab-case form keeps them apart.)
    pub(super) fn cli_names(&mut self, entities: &[Entity]) {
        for entity in entities {
            let name = entity.name.as_str();
            let command = cli_name(&entity.accessor);
            let at = self.map.key(&["entities", name, "accessor"]);
            if reserved::CLI_COMMANDS.contains(&command.as_str()) {
                self.error(
                    at,
                    format!("entity `{name}` would be the command `halo {command}`, which is already a command of the command-line client"),
                    "set `accessor:` to another name; the command is its kebab-case form".into(),
                );
            }
            self.entity_flags(entity, &command);
        }
    }

    fn entity_flags(&mut self, entity: &Entity, command: &str) {
        let name = entity.name.as_str();
        let path = |section: &str, wire: &str| -> Vec<String> {
            ["entities", name, section, wire]
                .map(str::to_owned)
                .to_vec()
        };
        let ops = entity.ops;
        if ops.list {
            let mut flags: Vec<(String, Vec<String>, &str)> = entity
                .filters
                .iter()
                .map(|p| (cli_name(&p.rust), path("filters", &p.wire), "filter"))
                .collect();
            if let Some((_, method)) = entity.list.as_ref().and_then(|l| l.count_param.as_ref()) {
                let at = ["entities", name, "list", "count_param"]
                    .map(str::to_owned)
                    .to_vec();
                flags.push((cli_name(method), at, "count parameter"));
            }
            self.flags(&format!("halo {command} list"), flags);
        }
        if ops.get {
            self.flags(
                &format!("halo {command} get"),
                params(
                    &entity.get_params,
                    |wire| path("get_params", wire),
                    "get parameter",
                ),
            );
        }
        if ops.delete {
            self.flags(
                &format!("halo {command} delete"),
                params(
                    &entity.delete_params,
                    |wire| path("delete_params", wire),
                    "delete parameter",
                ),
            );
        }
        if ops.create || ops.update {
            let writable = entity
                .fields
                .iter()
                .chain(&entity.request_fields)
                .filter(|f| !f.read_only)
                .map(|f| (cli_name(&f.rust), path("fields", &f.wire), "field"))
                .collect();
            let which = match (ops.create, ops.update) {
                (true, true) => format!("halo {command} create` and `patch"),
                (true, false) => format!("halo {command} create"),
                _ => format!("halo {command} patch"),
            };
            self.flags(&which, writable);
        }
        for action in &entity.actions {
            let sub = cli_name(&action.method_name);
            let at = self
                .map
                .key(&["entities", name, "actions", &action.method_name]);
            let builtin = entity.singleton && matches!(sub.as_str(), "get" | "update");
            if reserved::CLI_SUBCOMMANDS.contains(&sub.as_str()) && !builtin {
                self.error(
                    at,
                    format!("action `{}` would be the command `halo {command} {sub}`, which is already a command of the command-line client", action.method_name),
                    format!("name the action after what it does, such as `{}_now`", action.method_name),
                );
                continue;
            }
            let base = |section: &str, wire: &str| -> Vec<String> {
                [
                    "entities",
                    name,
                    "actions",
                    action.method_name.as_str(),
                    section,
                    wire,
                ]
                .map(str::to_owned)
                .to_vec()
            };
            let mut flags = params(
                &action.path_params,
                |wire| base("path_params", wire),
                "path parameter",
            );
            flags.extend(params(
                &action.params,
                |wire| base("params", wire),
                "parameter",
            ));
            self.flags(&format!("halo {command} {sub}"), flags);
        }
        for verb in &entity.verbs {
            let sub = cli_name(&verb.method_name);
            if reserved::CLI_SUBCOMMANDS.contains(&sub.as_str()) {
                let at = self
                    .map
                    .key(&["entities", name, "verbs", &verb.method_name]);
                self.error(
                    at,
                    format!("verb `{}` would be the command `halo {command} {sub}`, which is already a command of the command-line client", verb.method_name),
                    format!("name the verb after what it does, such as `{}_now`", verb.method_name),
                );
            }
        }
    }

    /// Refuses the flags of one command (`(flag, spec path, what)`) that
    /// the client already uses.
    fn flags(&mut self, command: &str, flags: Vec<(String, Vec<String>, &str)>) {
        for (flag, path, what) in flags {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let wire = path.last().copied().unwrap_or_default();
            let at = self.map.key(&path);
            if reserved::CLI_FLAGS.contains(&flag.as_str()) {
                self.error(
                    at,
                    format!("{what} `{wire}` would be the flag `--{flag}` of `{command}`, which is already a flag of the command-line client"),
                    "set `rust_name:` to another name; the flag is its kebab-case form".into(),
                );
            }
        }
    }
}

/// Parameters as flags of a command.
fn params<'a>(
    params: &[Param],
    path: impl Fn(&str) -> Vec<String>,
    what: &'a str,
) -> Vec<(String, Vec<String>, &'a str)> {
    params
        .iter()
        .map(|p| (cli_name(&p.rust), path(&p.wire), what))
        .collect()
}

/// A value one table cell shows well: not a list, a struct or any JSON.
fn is_scalar(ty: &Type, checker: &Checker<'_>) -> bool {
    match ty {
        Type::List(_) | Type::Json => false,
        // A named struct is a record of its own; an enum is one value.
        Type::Named(name) => checker.types.get(name).is_some_and(|is_struct| !is_struct),
        _ => true,
    }
}
