//! From the decoded spec to the checked model, collecting every problem.
//!
//! Checks never stop at the first problem: each one becomes a located
//! [`Diagnostic`] with a help line, and checking goes on, so a user fixes a
//! spec in one pass. One file per concern: the `api` section, names, types,
//! entities, actions, verbs, paths, and suggestions for misspelt names.

mod actions;
mod api;
mod cli;
mod entities;
mod names;
mod paths;
mod suggest;
mod types;
mod verbs;

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostic, Location};
use crate::model::Spec;
use crate::raw;
use crate::source_map::SourceMap;

const TYPE_HELP: &str = "use one of bool, i32, i64, f64, string, date, datetime, json, base64, list<T>, ref<Entity>, or a name declared under `types:`";
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
            "this generator reads version 1; set `version: 1`".into(),
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
    checker.cli_names(&entities);
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
    pub(super) fn error(&mut self, location: Location, message: String, help: String) {
        self.errors.push(Diagnostic {
            file: self.file.to_owned(),
            location,
            message,
            help,
        });
    }

    pub(super) fn doc(&mut self, doc: &Option<String>, path: &[&str], what: &str) -> String {
        match doc.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => text.to_owned(),
            _ => {
                self.error(
                    self.map.key(path),
                    format!("{what} has no `doc`"),
                    "add `doc:` with a sentence; it becomes the Rust doc comment".into(),
                );
                String::new()
            }
        }
    }
}
