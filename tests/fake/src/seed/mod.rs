//! Deterministic, realistic records: the same plan always gives the same
//! data. Clients, sites, users, assets, tickets and actions look like a
//! small MSP's, and so do its configuration and billing (`catalogue`:
//! action types, SLAs, priorities, timesheets, recurring invoices, ...);
//! every other entity of the spec gets a few records generated from its
//! field types. Every record carries fields the spec does not know,
//! and the odd wire forms Halo sends (`21.0` and `"130"` for ids, sentinel
//! dates, `-1` for "not set").

mod beyond;
mod catalogue;
mod configuration;
mod generic;
mod lookups;
mod realistic;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use halopsa_codegen::model::KeyKind;
use serde_json::Value;

use super::rng::Rng;
use super::schema::{Collection, Schema};
use super::store::{text_id, Record, Store};

/// How much to seed.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) tickets: usize,
    /// Overrides by entity name or wire path, case-insensitive.
    pub(crate) counts: Vec<(String, usize)>,
    pub(crate) seed: u64,
}

/// Actions are seeded for at most this many tickets (two each), so a
/// 50,000-ticket server stays small in memory.
const TICKETS_WITH_ACTIONS: usize = 1000;

/// Records of entities the fake knows nothing particular about.
const GENERIC_RECORDS: usize = 5;

/// Entities seeded by hand, in the order their references need.
const REALISTIC: [&str; 10] = [
    "Status",
    "TicketType",
    "Agent",
    "Team",
    "Client",
    "Site",
    "User",
    "Asset",
    "Ticket",
    "Action",
];

/// Shared state while seeding: the random stream, every entity's count, and
/// who belongs to whom.
pub(crate) struct Seeder<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) rng: Rng,
    /// The ids each entity (by Rust name) is seeded with.
    ids: HashMap<String, Vec<i64>>,
    /// `site_client[s - 1]` is the client of site `s`; likewise below.
    pub(crate) site_client: Vec<i64>,
    pub(crate) user_site: Vec<i64>,
    pub(crate) asset_site: Vec<i64>,
}

impl Seeder<'_> {
    /// How many records the entity with this Rust name gets.
    pub(crate) fn count(&self, entity: &str) -> usize {
        self.ids.get(entity).map_or(0, Vec::len)
    }

    /// A random seeded id of `entity` as the wire has it: a number, or the
    /// UUID of a collection keyed by text; Halo's `-1` when there is none.
    pub(crate) fn any_reference(&mut self, entity: &str) -> Value {
        let id = self.any_id(entity);
        match self.schema.entity(entity) {
            Some(target) if matches!(target.entity.key, KeyKind::Text { .. }) && id > 0 => {
                Value::String(text_id(target.path(), id))
            }
            _ => Value::from(id),
        }
    }

    /// A random seeded id of `entity`, or Halo's `-1` when there is none.
    pub(crate) fn any_id(&mut self, entity: &str) -> i64 {
        let count = self.count(entity) as u64;
        let index = self.rng.below(count) as usize;
        self.ids
            .get(entity)
            .and_then(|ids| ids.get(index))
            .copied()
            .unwrap_or(-1)
    }

    /// A moment `minutes` after 08:00 on New Year 2024, plus up to nine
    /// random minutes (so records seeded ten minutes apart stay in order).
    pub(crate) fn moment(&mut self, minutes: i64) -> NaiveDateTime {
        let start = NaiveDate::from_ymd_opt(2024, 1, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap_or_default();
        let jitter = self.rng.range(0, 9 * 60);
        start + chrono::Duration::minutes(minutes) + chrono::Duration::seconds(jitter)
    }
}

/// Fills `store` according to `plan`.
pub(crate) fn seed(schema: &Schema, store: &mut Store, plan: &Plan) {
    let ids = ids(schema, plan);
    let owner = |children: usize, parents: usize| -> Vec<i64> {
        // Contiguous, even shares: children 1..k belong to parent 1, and so on.
        (0..children)
            .map(|c| {
                if parents == 0 {
                    -1
                } else {
                    (c * parents / children) as i64 + 1
                }
            })
            .collect()
    };
    let get = |name: &str| ids.get(name).map_or(0, Vec::len);
    let mut seeder = Seeder {
        schema,
        rng: Rng::new(plan.seed),
        site_client: owner(get("Site"), get("Client")),
        user_site: owner(get("User"), get("Site")),
        asset_site: owner(get("Asset"), get("Site")),
        ids,
    };
    let realistic = REALISTIC.iter().filter_map(|name| schema.entity(name));
    let rest = schema
        .collections
        .iter()
        .filter(|c| !REALISTIC.contains(&c.entity.name.as_str()));
    for collection in realistic.chain(rest) {
        let ids = seeder
            .ids
            .get(&collection.entity.name)
            .cloned()
            .unwrap_or_default();
        for id in ids {
            let mut record = build(&mut seeder, store, collection, id);
            store.name_references(collection.path(), &mut record);
            store.insert(collection.path(), record);
        }
    }
}

fn build(seeder: &mut Seeder<'_>, store: &Store, collection: &Collection, id: i64) -> Record {
    let name = &collection.entity.name;
    let mut record = catalogue::record(seeder, store, name, id)
        .unwrap_or_else(|| realistic::record(seeder, store, name, id));
    if record.is_empty() {
        record = configuration::record(seeder, name, id);
    }
    if record.is_empty() {
        record = beyond::record(seeder, name, id);
    }
    // A text key is the row's UUID, as the store makes them; a singleton's
    // record has no id.
    let key = match collection.entity.key {
        KeyKind::Text { .. } => Value::String(text_id(collection.path(), id)),
        KeyKind::Int => Value::from(id),
    };
    if !collection.entity.singleton {
        record.insert("id".into(), key);
    }
    generic::fill(seeder, collection, &mut record, id);
    generic::extras(seeder, &mut record, id);
    generic::wire_quirks(collection, &mut record);
    record
}

/// The ids of each entity: tickets as planned, the rest scaled to them;
/// lookups (statuses, agents, ...) with the ids tickets refer to.
fn ids(schema: &Schema, plan: &Plan) -> HashMap<String, Vec<i64>> {
    let clients = (plan.tickets / 100).clamp(5, 500);
    let mut ids = HashMap::new();
    for collection in &schema.collections {
        let name = collection.entity.name.as_str();
        let default = match name {
            "Ticket" => plan.tickets,
            "Client" => clients,
            "Site" => clients * 2,
            "User" => clients * 6,
            "Asset" => clients * 4,
            "Action" => plan.tickets.min(TICKETS_WITH_ACTIONS) * 2,
            _ => GENERIC_RECORDS,
        };
        let wanted = plan.counts.iter().rev().find(|(key, _)| {
            key.eq_ignore_ascii_case(name) || key.eq_ignore_ascii_case(collection.path())
        });
        let fixed = lookups::fixed_ids(name).or_else(|| catalogue::fixed_ids(name));
        let list = match (wanted, fixed) {
            // One record at its path.
            _ if collection.entity.singleton => vec![1],
            (None, Some(fixed)) => fixed,
            (Some((_, n)), _) => (1..=*n as i64).collect(),
            (None, None) => (1..=default as i64).collect(),
        };
        ids.insert(name.to_owned(), list);
    }
    ids
}
