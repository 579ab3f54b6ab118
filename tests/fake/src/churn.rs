//! Another user at work: records created and deleted while a client pages
//! through a collection, so that tests can show what each listing mode
//! guarantees on a table that changes under it.

use serde_json::Value;

use super::rng::Rng;
use super::store::{is_deleted, Store};

/// How a collection changes while it is listed; see
/// [`FakeHalo::churn`](super::FakeHalo::churn).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Churn {
    /// Records created after each list request is answered: copies of
    /// random live records, with new (higher) ids.
    pub inserts: u32,
    /// Random live records deleted after each list request is answered
    /// (soft-deleted where the entity has `deleted`).
    pub deletes: u32,
}

/// The churn rules in force, by lower-cased wire path.
#[derive(Debug)]
pub(crate) struct Churning {
    rules: Vec<(String, Churn)>,
    rng: Rng,
}

impl Churning {
    pub(crate) fn new(seed: u64) -> Self {
        Churning {
            rules: Vec::new(),
            rng: Rng::new(seed ^ 0xC4_0124),
        }
    }

    /// Sets the rule for `path`; a churn of nothing removes it.
    pub(crate) fn set(&mut self, path: &str, churn: Churn) {
        let path = path.to_ascii_lowercase();
        self.rules.retain(|(p, _)| *p != path);
        if churn != Churn::default() {
            self.rules.push((path, churn));
        }
    }

    /// Applies the rule for `path`, if any, to the store.
    pub(crate) fn after_list(&mut self, store: &mut Store, path: &str) {
        let lower = path.to_ascii_lowercase();
        let Some(churn) = self
            .rules
            .iter()
            .find(|(p, _)| *p == lower)
            .map(|(_, c)| *c)
        else {
            return;
        };
        let live = |store: &Store| -> Vec<i64> {
            store.table(path).map_or_else(Vec::new, |table| {
                table
                    .records()
                    .iter()
                    .filter(|(_, record)| !is_deleted(record))
                    .map(|(id, _)| *id)
                    .collect()
            })
        };
        for _ in 0..churn.deletes {
            let ids = live(store);
            if let Some(&id) = ids.get(self.rng.below(ids.len() as u64) as usize) {
                store.delete(path, id);
            }
        }
        for n in 0..churn.inserts {
            let ids = live(store);
            let Some(&model) = ids.get(self.rng.below(ids.len() as u64) as usize) else {
                break;
            };
            let Some(mut record) = store
                .table(path)
                .and_then(|t| t.records().get(&model).cloned())
            else {
                break;
            };
            record.remove("id");
            for text in ["summary", "name"] {
                if let Some(Value::String(value)) = record.get_mut(text) {
                    value.push_str(&format!(" (new {n})"));
                }
            }
            store.insert(path, record);
        }
    }
}
