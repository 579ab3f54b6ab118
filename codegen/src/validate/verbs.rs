//! Verbs: named patches of the handle that send request-only switches
//! (`halo.tickets().restore(id)` sends `_recover` and `_validate_updates`).

use std::collections::HashSet;

use super::suggest::closest;
use super::Checker;
use crate::model::{Action, Field, Operations, Type, Verb};
use crate::names::{is_plain_ident, snake};
use crate::raw;
use crate::reserved;

impl Checker<'_> {
    /// The entity's `verbs:`: each a snake_case method of the handle that no
    /// operation or action already takes, setting request-only `bool` fields.
    pub(super) fn verbs(
        &mut self,
        name: &str,
        entity: &raw::Entity,
        ops: Operations,
        request_fields: &[Field],
        actions: &[Action],
    ) -> Vec<Verb> {
        if !entity.verbs.is_empty() && !ops.update {
            self.error(
                self.map.key(&["entities", name, "verbs"]),
                format!("entity `{name}` has `verbs` but `operations` lacks `update`"),
                "a verb is a patch with switches set; add `update` to `operations`, or remove `verbs`".into(),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for (verb, raw) in &entity.verbs {
            let base = ["entities", name, "verbs", verb.as_str()];
            let doc = self.doc(&raw.doc, &base, &format!("verb `{verb}`"));
            if !is_plain_ident(verb) || snake(verb) != *verb {
                self.error(
                    self.map.key(&base),
                    format!("verb name `{verb}` is not a snake_case Rust name"),
                    "it becomes a method of the handle: use lowercase ASCII letters, digits and underscores, such as `restore`".into(),
                );
                continue;
            }
            let taken = reserved::handle_method(verb).or_else(|| {
                actions
                    .iter()
                    .any(|a| a.method_name == *verb)
                    .then(|| format!("the method of action `{verb}`"))
            });
            if let Some(owner) = taken {
                self.error(
                    self.map.key(&base),
                    format!("verb `{verb}` would be a second method `{verb}` of the handle, which is already {owner}"),
                    format!("name the verb after what it does, such as `{verb}_record`"),
                );
                continue;
            }
            if let Some(sets) = self.verb_switches(&base, &raw.sets, entity, request_fields) {
                out.push(Verb {
                    method_name: verb.clone(),
                    doc,
                    sets,
                });
            }
        }
        out
    }

    /// `sets:`: distinct wire names of request-only `bool` fields, at least one.
    fn verb_switches(
        &mut self,
        base: &[&str],
        sets: &[String],
        entity: &raw::Entity,
        request_fields: &[Field],
    ) -> Option<Vec<(String, String)>> {
        if sets.is_empty() {
            self.error(
                self.map.key(base),
                format!("verb `{}` sets nothing", base[base.len() - 1]),
                "list the switches it sends under `sets:`, such as `sets: [_recover]`".into(),
            );
            return None;
        }
        let switches: Vec<&Field> = request_fields
            .iter()
            .filter(|f| f.ty == Type::Bool)
            .collect();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (index, wire) in sets.iter().enumerate() {
            let index = index.to_string();
            let at = self.map.value(&[base, &["sets", index.as_str()]].concat());
            if !seen.insert(wire.as_str()) {
                self.error(
                    at,
                    format!("`{wire}` is set twice"),
                    "remove the repeat".into(),
                );
                continue;
            }
            let declared = entity.fields.get(wire);
            match switches.iter().find(|f| f.wire == *wire) {
                Some(field) => out.push((field.wire.clone(), field.rust.clone())),
                None if declared.is_some_and(|f| f.request_only) => self.error(
                    at,
                    format!("`{wire}` is a request-only field but not a `bool` switch"),
                    format!("a verb sends switches (`true`); send `{wire}` with the patch's setter instead"),
                ),
                None if declared.is_some() => self.error(
                    at,
                    format!("`{wire}` is a field of the record, not a request-only switch"),
                    format!("a verb sends `request_only: true` `bool` fields; set `{wire}` with the patch's setter instead"),
                ),
                None => {
                    let hint = closest(wire, switches.iter().map(|f| f.wire.as_str()))
                        .map(|hit| format!(" (did you mean `{hit}`?)"))
                        .unwrap_or_default();
                    self.error(
                        at,
                        format!("`{wire}` is not a request-only `bool` field of the entity"),
                        format!("a verb sends switches: declare `{wire}: {{ type: bool, doc: ..., request_only: true }}` under `fields:`{hint}"),
                    );
                }
            }
        }
        (out.len() == sets.len()).then_some(out)
    }
}
