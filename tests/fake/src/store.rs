//! The records, one table per collection, stored as JSON objects exactly as
//! the server sends them (odd number forms and sentinel dates included).
//!
//! Writes follow Halo: a POST body is an array; an element with an `id`
//! changes only the fields it carries, one without creates a record. A value
//! that means the same as the stored one (`21` for `21.0`) leaves the stored
//! spelling alone, as a database column would. Halo's request-only `_`
//! fields act (`_recover`) or are ignored, and are never stored.
//!
//! Rows are keyed by integers. For a collection keyed by integers the key is
//! the record's id; one keyed by text (`key: uuid`) gets a UUID as its `id`,
//! made from its path and row so that seeded data stays the same run after
//! run; a singleton has one row and no `id`. A `base64` field (an
//! attachment's content) is kept beside the record, as a file store would,
//! so answers never carry the file: `filesize` says how big it is.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine;
use chrono::{Timelike, Utc};
use halopsa_codegen::model::{KeyKind, Type};
use serde_json::{Map, Value};

use super::schema::{Collection, Schema};
use super::values::{integer, same};

pub(crate) type Record = Map<String, Value>;

#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) collection: Arc<Collection>,
    records: BTreeMap<i64, Record>,
    /// Text ids (lower-cased) to rows, for a collection keyed by text.
    text_ids: HashMap<String, i64>,
    /// The content of `base64` fields, by row and wire name.
    files: BTreeMap<(i64, String), Vec<u8>>,
    next_id: i64,
    /// Counts changes, so that remembered query results go stale.
    generation: u64,
    /// The ids recent list queries matched, newest last. A paged stream
    /// repeats its query once per page; matching it afresh each time made
    /// streaming a table quadratic in its size.
    queries: Mutex<Vec<Query>>,
}

/// A list query's matching ids, in the order it asked for.
#[derive(Debug)]
struct Query {
    generation: u64,
    key: Vec<(String, String)>,
    ids: Arc<Vec<i64>>,
}

/// How many distinct queries a table remembers (concurrent streams).
const REMEMBERED_QUERIES: usize = 8;

/// What a wire id names in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// The row of a record (which may be soft-deleted).
    Row(i64),
    /// No record has that id.
    Missing,
    /// Not an id of this table at all (text where an integer belongs).
    Invalid,
}

impl Table {
    pub(crate) fn records(&self) -> &BTreeMap<i64, Record> {
        &self.records
    }

    /// Whether the records' ids are text (`key: string` or `uuid`).
    pub(crate) fn text_keyed(&self) -> bool {
        matches!(self.collection.entity.key, KeyKind::Text { .. })
    }

    /// The row of the record an id names: the id itself for integer ids, a
    /// lookup for text ones (case-insensitive, as SQL Server compares).
    pub(crate) fn row(&self, id: &str) -> Option<i64> {
        let id = id.trim();
        if self.text_keyed() {
            return self.text_ids.get(&id.to_ascii_lowercase()).copied();
        }
        id.parse::<i64>().ok().filter(|id| *id > 0)
    }

    /// What the wire id `id` names: a row, nothing, or not an id of this
    /// table at all (text where an integer belongs).
    pub(crate) fn find(&self, id: &str) -> Found {
        match self.row(id) {
            Some(row) if self.records.contains_key(&row) => Found::Row(row),
            Some(_) => Found::Missing,
            None if self.text_keyed() => Found::Missing,
            None => Found::Invalid,
        }
    }

    /// The content of the record's `base64` field `field`.
    pub(crate) fn file(&self, row: i64, field: &str) -> Option<&[u8]> {
        self.files.get(&(row, field.to_owned())).map(Vec::as_slice)
    }

    /// The first `base64` field of the collection that holds a file for `row`.
    pub(crate) fn any_file(&self, row: i64) -> Option<&[u8]> {
        self.collection
            .entity
            .fields
            .iter()
            .filter(|field| field.ty == Type::Base64)
            .find_map(|field| self.file(row, &field.wire))
    }

    /// The records, to change: every remembered query is forgotten.
    fn records_mut(&mut self) -> &mut BTreeMap<i64, Record> {
        self.generation += 1;
        &mut self.records
    }

    /// The ids the query `key` matches: remembered if the table has not
    /// changed since it was last asked, else `matching` computes them.
    pub(crate) fn matching(
        &self,
        key: Vec<(String, String)>,
        matching: impl FnOnce() -> Result<Vec<i64>, String>,
    ) -> Result<Arc<Vec<i64>>, String> {
        let mut queries = self.queries.lock().unwrap_or_else(PoisonError::into_inner);
        queries.retain(|query| query.generation == self.generation);
        if let Some(query) = queries.iter().find(|query| query.key == key) {
            return Ok(Arc::clone(&query.ids));
        }
        let ids = Arc::new(matching()?);
        if queries.len() == REMEMBERED_QUERIES {
            queries.remove(0);
        }
        queries.push(Query {
            generation: self.generation,
            key,
            ids: Arc::clone(&ids),
        });
        Ok(ids)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    tables: Vec<Table>,
    /// Lower-cased wire path to table index.
    by_path: HashMap<String, usize>,
    /// Entity name (`Client`) to table index, for `*_name` lookups.
    by_entity: HashMap<String, usize>,
    /// The request-only `_` fields of each POST element that carried any,
    /// by table index, in arrival order: what tests check was sent.
    switches: Vec<(usize, Record)>,
}

/// What a POST did.
#[derive(Debug, Default)]
pub(crate) struct Saved {
    pub(crate) records: Vec<Value>,
    /// The row of each saved record, in order.
    pub(crate) rows: Vec<i64>,
    /// Whether each saved record was created (else updated), in order.
    pub(crate) was_created: Vec<bool>,
    pub(crate) created: u64,
    pub(crate) updated: u64,
}

/// A POST element the server refuses; the key is Halo's (`[0].id`).
#[derive(Debug)]
pub(crate) struct Invalid {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl Store {
    pub(crate) fn new(schema: &Schema) -> Store {
        let mut store = Store::default();
        for collection in &schema.collections {
            let index = store.tables.len();
            store.tables.push(Table {
                collection: Arc::clone(collection),
                records: BTreeMap::new(),
                text_ids: HashMap::new(),
                files: BTreeMap::new(),
                next_id: 1,
                generation: 0,
                queries: Mutex::default(),
            });
            // A second entity on the same path keeps the first one's table.
            store
                .by_path
                .entry(collection.path().to_ascii_lowercase())
                .or_insert(index);
            store
                .by_entity
                .insert(collection.entity.name.clone(), index);
        }
        store
    }

    /// The table of a collection, by wire path (`Tickets`, `/api/Tickets`),
    /// case-insensitively.
    pub(crate) fn table(&self, path: &str) -> Option<&Table> {
        self.index(path).map(|i| &self.tables[i])
    }

    fn index(&self, path: &str) -> Option<usize> {
        let path = path.trim_matches('/');
        let path = path
            .split_once('/')
            .filter(|(head, _)| head.eq_ignore_ascii_case("api"))
            .map_or(path, |(_, rest)| rest);
        self.by_path.get(&path.to_ascii_lowercase()).copied()
    }

    pub(crate) fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.iter()
    }

    /// Stores a record as given, assigning the next id if it has none (a
    /// UUID for a collection keyed by text; none for a singleton). Returns
    /// its row, or `None` for an unknown path.
    pub(crate) fn insert(&mut self, path: &str, mut record: Record) -> Option<i64> {
        let index = self.index(path)?;
        let table = &mut self.tables[index];
        let row = if table.collection.entity.singleton {
            record.remove("id");
            1
        } else if table.text_keyed() {
            let row = table.next_id;
            let id = match record.get("id").and_then(Value::as_str) {
                Some(text) if !text.trim().is_empty() => text.to_owned(),
                _ => text_id(table.collection.path(), row),
            };
            table.text_ids.insert(id.to_ascii_lowercase(), row);
            record.insert("id".into(), Value::String(id));
            row
        } else {
            let id = match record.get("id").and_then(integer).filter(|&id| id > 0) {
                Some(id) => id,
                None => table.next_id,
            };
            record.insert("id".into(), Value::from(id));
            id
        };
        // Seeded and inserted records keep what they were given; a bad file
        // is left in the record.
        let _ = table.keep_files(row, &mut record);
        table.next_id = table.next_id.max(row.saturating_add(1));
        table.records_mut().insert(row, record);
        Some(row)
    }

    /// Each POST element's request-only `_` fields sent to `path`, in order.
    pub(crate) fn switches(&self, path: &str) -> Vec<Record> {
        let Some(index) = self.index(path) else {
            return Vec::new();
        };
        self.switches
            .iter()
            .filter(|(table, _)| *table == index)
            .map(|(_, sent)| sent.clone())
            .collect()
    }

    /// Applies a POST body: every element is checked before any is saved.
    pub(crate) fn save(&mut self, path: &str, items: &[Value]) -> Result<Saved, Invalid> {
        let Some(index) = self.index(path) else {
            return Err(Invalid {
                field: String::new(),
                message: format!("unknown collection `{path}`"),
            });
        };
        let mut plans = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            let Value::Object(fields) = item else {
                return Err(Invalid {
                    field: format!("[{position}]"),
                    message: "each element must be a JSON object".into(),
                });
            };
            let table = &self.tables[index];
            let target = match fields.get("id") {
                // A singleton's one record is always the one saved.
                _ if table.collection.entity.singleton => Some(1),
                None | Some(Value::Null) => None,
                Some(Value::String(text)) if table.text_keyed() && text.trim().is_empty() => None,
                Some(Value::String(text)) if table.text_keyed() => match table.row(text) {
                    Some(row) => Some(row),
                    None => {
                        return Err(Invalid {
                            field: format!("[{position}].id"),
                            message: format!("There is no record with id {text}."),
                        })
                    }
                },
                Some(raw) if table.text_keyed() => {
                    return Err(Invalid {
                        field: format!("[{position}].id"),
                        message: format!("The value {raw} is not a valid id."),
                    })
                }
                Some(raw) => match integer(raw) {
                    Some(id) if id <= 0 => None,
                    Some(id) if table.records.contains_key(&id) => Some(id),
                    Some(id) => {
                        return Err(Invalid {
                            field: format!("[{position}].id"),
                            message: format!("There is no record with id {id}."),
                        })
                    }
                    None => {
                        return Err(Invalid {
                            field: format!("[{position}].id"),
                            message: format!("The value {raw} is not a valid id."),
                        })
                    }
                },
            };
            if let Some(field) = self.tables[index].bad_file(fields) {
                return Err(Invalid {
                    field: format!("[{position}].{field}"),
                    message: format!("The value of {field} is not base64."),
                });
            }
            plans.push((target, fields));
        }
        let mut saved = Saved::default();
        for (target, fields) in plans {
            let sent: Record = fields
                .iter()
                .filter(|(key, _)| key.starts_with('_'))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            if !sent.is_empty() {
                self.switches.push((index, sent));
            }
            let id = match target {
                Some(id) => {
                    saved.updated += 1;
                    self.update(index, id, fields);
                    id
                }
                None => {
                    saved.created += 1;
                    self.create(index, fields)
                }
            };
            let record = self.tables[index].records.get(&id).cloned();
            saved.was_created.push(target.is_none());
            saved.rows.push(id);
            saved
                .records
                .push(record.map(Value::Object).unwrap_or(Value::Null));
        }
        Ok(saved)
    }

    fn create(&mut self, index: usize, fields: &Record) -> i64 {
        let table = &mut self.tables[index];
        let id = table.next_id;
        table.next_id += 1;
        // Request-only `_` fields act or are ignored; no record keeps them.
        let mut record: Record = fields
            .iter()
            .filter(|(key, _)| !key.starts_with('_'))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        if table.text_keyed() {
            let text = text_id(table.collection.path(), id);
            table.text_ids.insert(text.to_ascii_lowercase(), id);
            record.insert("id".into(), Value::String(text));
        } else {
            record.insert("id".into(), Value::from(id));
        }
        // Checked by `save` before anything was stored.
        let _ = table.keep_files(id, &mut record);
        // The server stamps what the caller cannot set.
        let now = halo_timestamp(Utc::now());
        for field in &table.collection.entity.fields {
            if field.read_only && field.ty == Type::DateTime && is_stamp(&field.wire) {
                record.insert(field.wire.clone(), Value::String(now.clone()));
            }
        }
        let names = self.names_for(index, &record);
        record.extend(names);
        self.tables[index].records_mut().insert(id, record);
        id
    }

    fn update(&mut self, index: usize, id: i64, fields: &Record) {
        let mut fields = fields.clone();
        // Checked by `save` before anything was stored.
        let _ = self.tables[index].keep_files(id, &mut fields);
        let fields = &fields;
        // Only a reference that changes brings a new display name with it.
        let changed: Record = match self.tables[index].records.get(&id) {
            Some(stored) => fields
                .iter()
                .filter(|(key, value)| !stored.get(*key).is_some_and(|old| same(old, value)))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
            None => return,
        };
        let names = self.names_for(index, &changed);
        let collection = Arc::clone(&self.tables[index].collection);
        let Some(record) = self.tables[index].records_mut().get_mut(&id) else {
            return;
        };
        let before = record.clone();
        for (key, value) in fields {
            if key == "id" {
                continue;
            }
            // Halo's soft-delete undo: `_recover: true` brings a record back.
            if key == "_recover" {
                if value.as_bool() == Some(true) && record.contains_key("deleted") {
                    record.insert("deleted".into(), Value::Bool(false));
                }
                continue;
            }
            if key.starts_with('_') {
                continue;
            }
            if !record.get(key).is_some_and(|stored| same(stored, value)) {
                record.insert(key.clone(), value.clone());
            }
        }
        for (key, value) in names {
            if !record.get(&key).is_some_and(|stored| same(stored, &value)) {
                record.insert(key, value);
            }
        }
        if *record != before {
            stamp_update(&collection, record);
        }
    }

    /// Sets the display names that go with the record's references, e.g.
    /// a site's `maincontact_name` from its `maincontact_id`.
    pub(crate) fn name_references(&self, path: &str, record: &mut Record) {
        if let Some(index) = self.index(path) {
            let names = self.names_for(index, record);
            record.extend(names);
        }
    }

    /// The display names that go with the references in `fields`: a ticket
    /// saved with `client_id` 3 gets client 3's name as `client_name`.
    fn names_for(&self, index: usize, fields: &Record) -> Vec<(String, Value)> {
        let collection = &self.tables[index].collection;
        let mut names = Vec::new();
        for field in &collection.entity.fields {
            let Type::Ref { entity, .. } = &field.ty else {
                continue;
            };
            let Some(stem) = field.wire.strip_suffix("_id") else {
                continue;
            };
            let name_field = format!("{stem}_name");
            if collection.field(&name_field).is_none() {
                continue;
            }
            let Some(id) = fields.get(&field.wire) else {
                continue;
            };
            let name = self
                .by_entity
                .get(entity)
                .map(|&t| &self.tables[t])
                .and_then(|table| table.records.get(&row_in(table, id)?))
                .and_then(|target| target.get("name"))
                .filter(|name| name.is_string());
            if let Some(name) = name {
                names.push((name_field, name.clone()));
            }
        }
        names
    }

    /// Deletes a record; entities with a `deleted` field are only marked,
    /// as Halo does with tickets. False if there is no such record.
    pub(crate) fn delete(&mut self, path: &str, id: i64) -> bool {
        let Some(index) = self.index(path) else {
            return false;
        };
        let table = &mut self.tables[index];
        let soft = table.collection.field("deleted").is_some();
        match table.records.get(&id) {
            Some(record) if is_deleted(record) => false,
            Some(_) if soft => {
                let collection = Arc::clone(&table.collection);
                if let Some(record) = table.records_mut().get_mut(&id) {
                    record.insert("deleted".into(), Value::Bool(true));
                    // Halo records a deletion as an update.
                    stamp_update(&collection, record);
                }
                true
            }
            Some(_) => {
                table.files.retain(|(row, _), _| *row != id);
                let removed = table.records_mut().remove(&id);
                if let Some(Value::String(text)) = removed.as_ref().and_then(|r| r.get("id")) {
                    table.text_ids.remove(&text.to_ascii_lowercase());
                }
                removed.is_some()
            }
            None => false,
        }
    }

    /// What the wire id `id` names in the collection at `path`.
    pub(crate) fn find(&self, path: &str, id: &str) -> Found {
        self.table(path)
            .map_or(Found::Missing, |table| table.find(id))
    }

    /// A record that is there and not deleted.
    pub(crate) fn get(&self, path: &str, id: i64) -> Option<&Record> {
        self.table(path)?
            .records
            .get(&id)
            .filter(|record| !is_deleted(record))
    }

    /// A record of the entity with this Rust name.
    pub(crate) fn record_of(&self, entity: &str, id: i64) -> Option<&Record> {
        self.by_entity
            .get(entity)
            .and_then(|&t| self.tables[t].records.get(&id))
    }
}

impl Table {
    /// The wire name of a `base64` field of `fields` whose value is not
    /// base64, if any.
    fn bad_file(&self, fields: &Record) -> Option<String> {
        self.collection
            .entity
            .fields
            .iter()
            .filter(|field| field.ty == Type::Base64)
            .find(|field| match fields.get(&field.wire) {
                Some(Value::String(text)) => decode_base64(text).is_none(),
                Some(Value::Null) | None => false,
                Some(_) => true,
            })
            .map(|field| field.wire.clone())
    }

    /// Moves the content of `base64` fields out of `record` into the file
    /// store, setting `filesize` where the entity has it. An error names a
    /// field whose value is not base64 (left in the record).
    fn keep_files(&mut self, row: i64, record: &mut Record) -> Result<(), String> {
        let fields: Vec<String> = self
            .collection
            .entity
            .fields
            .iter()
            .filter(|field| field.ty == Type::Base64)
            .map(|field| field.wire.clone())
            .collect();
        for wire in fields {
            let Some(Value::String(text)) = record.get(&wire) else {
                continue;
            };
            let bytes = decode_base64(text).ok_or_else(|| wire.clone())?;
            record.remove(&wire);
            if self.collection.field("filesize").is_some() {
                record.insert("filesize".into(), Value::from(bytes.len()));
            }
            self.files.insert((row, wire), bytes);
        }
        Ok(())
    }
}

/// Base64 as Halo's clients send it: standard, padded or not, perhaps
/// wrapped, perhaps with a data URL's header left on.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let data = text.split_once(";base64,").map_or(text, |(_, data)| data);
    let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(compact.trim_end_matches('='))
        .ok()
}

/// The UUID of row `row` of the collection at `path`: a version-4 layout
/// from a hash of both, so the same data always has the same ids.
pub(crate) fn text_id(path: &str, row: i64) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in path.to_ascii_lowercase().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let a = splitmix(hash ^ row as u64);
    let b = splitmix(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The row of a record by its id as a body gives it: a number (or its
/// text) for integer keys, the text for text keys.
fn row_in(table: &Table, id: &Value) -> Option<i64> {
    match id {
        Value::String(text) => table.row(text),
        _ if table.text_keyed() => None,
        other => integer(other).filter(|&id| id > 0),
    }
}

/// Read-only timestamps the server sets on a new record: when it was
/// created or last changed (not, say, when the last email came in).
fn is_stamp(wire: &str) -> bool {
    let wire = wire.replace('_', "");
    ["created", "lastupdate", "lastmodified"]
        .iter()
        .any(|stamp| wire.contains(stamp))
}

/// Sets the record's "last updated" timestamps (`last_update`,
/// `slastupdate`, `last_modified`, ...) to now, as the server does on every
/// change.
fn stamp_update(collection: &Collection, record: &mut Record) {
    let now = halo_timestamp(Utc::now());
    for field in &collection.entity.fields {
        let wire = field.wire.replace('_', "");
        let updated = wire.contains("lastupdate") || wire.contains("lastmodified");
        if field.read_only && field.ty == Type::DateTime && updated {
            record.insert(field.wire.clone(), Value::String(now.clone()));
        }
    }
}

/// Whether a record is soft-deleted.
pub(crate) fn is_deleted(record: &Record) -> bool {
    record.get("deleted").and_then(Value::as_bool) == Some(true)
}

/// A timestamp as Halo writes it: seven fractional digits and a `Z`.
pub(crate) fn halo_timestamp(at: chrono::DateTime<Utc>) -> String {
    format!(
        "{}.{:07}Z",
        at.format("%Y-%m-%dT%H:%M:%S"),
        at.nanosecond() % 1_000_000_000 / 100
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store() -> Store {
        Store::new(&Schema::load().expect("valid spec"))
    }

    fn object(value: Value) -> Record {
        match value {
            Value::Object(map) => map,
            _ => Record::new(),
        }
    }

    #[test]
    fn updates_are_partial_and_keep_the_stored_spelling() {
        let mut store = store();
        let id = store
            .insert(
                "Site",
                object(json!({"name": "HQ", "client_id": 21.0, "x_unknown": {"a": [1]}})),
            )
            .expect("known path");
        let saved = store
            .save(
                "/api/Site",
                &[json!({"id": id, "client_id": 21, "name": "Head office"})],
            )
            .expect("valid");
        assert_eq!(saved.updated, 1);
        let record = store.get("site", id).expect("stored");
        assert_eq!(record["client_id"], json!(21.0));
        assert_eq!(record["name"], json!("Head office"));
        assert_eq!(record["x_unknown"], json!({"a": [1]}));
    }

    #[test]
    fn a_bad_element_saves_nothing() {
        let mut store = store();
        let err = store
            .save("Tickets", &[json!({"summary": "a"}), json!({"id": 999})])
            .expect_err("no record 999");
        assert_eq!(err.field, "[1].id");
        assert_eq!(store.table("Tickets").map(|t| t.records.len()), Some(0));
        assert!(store.save("Tickets", &[json!(3)]).is_err());
    }

    /// `_` fields are request-only: logged, acted on (`_recover`) or
    /// ignored, and kept on no record, created or updated.
    #[test]
    fn switches_are_logged_and_never_stored() {
        let mut store = store();
        let created = store
            .save("Tickets", &[json!({"summary": "a", "_isimport": true})])
            .expect("valid");
        let id = created.records[0]["id"].as_i64().expect("an id");
        assert!(store.delete("Tickets", id));
        assert!(store.get("Tickets", id).is_none(), "soft-deleted");
        store
            .save(
                "Tickets",
                &[json!({"id": id, "_recover": true, "_no_such_switch": 1})],
            )
            .expect("valid");
        let record = store.get("Tickets", id).expect("recovered");
        assert_eq!(record["deleted"], json!(false));
        assert!(record.keys().all(|key| !key.starts_with('_')), "{record:?}");
        let sent: Vec<Value> = store
            .switches("tickets")
            .into_iter()
            .map(Value::Object)
            .collect();
        assert_eq!(
            sent,
            [
                json!({"_isimport": true}),
                json!({"_recover": true, "_no_such_switch": 1})
            ]
        );
        // Without a `deleted` field there is nothing to recover.
        let site = store.save("Site", &[json!({"name": "HQ"})]).expect("valid");
        let site = site.records[0]["id"].clone();
        store
            .save("Site", &[json!({"id": site, "_recover": true})])
            .expect("ignored");
        assert!(store
            .get("Site", 1)
            .is_some_and(|r| !r.contains_key("deleted")));
    }

    /// A collection keyed by text gets GUIDs, and finds records by them in
    /// any case; an unknown one is refused like an unknown number.
    #[test]
    fn text_keys_are_guids_found_by_their_text() {
        let mut store = store();
        let saved = store
            .save("Roles", &[json!({"name": "Engineer"})])
            .expect("valid");
        let id = saved.records[0]["id"]
            .as_str()
            .expect("a text id")
            .to_owned();
        assert_eq!(id, text_id("Roles", 1));
        let upper = Value::String(id.to_uppercase());
        assert_eq!(store.find("Roles", &id.to_uppercase()), Found::Row(1));
        store
            .save("Roles", &[json!({"id": upper, "name": "Lead engineer"})])
            .expect("updated");
        assert_eq!(
            store.get("Roles", 1).expect("kept")["name"],
            json!("Lead engineer")
        );
        let unknown = store.save("Roles", &[json!({"id": "nope", "name": "x"})]);
        assert_eq!(unknown.expect_err("unknown").field, "[0].id");
        assert_ne!(text_id("Roles", 1), text_id("WebhookEvent", 1));
    }

    #[test]
    fn timestamps_have_seven_digits() {
        let at = chrono::DateTime::parse_from_rfc3339("2023-06-29T10:16:08.8378294Z")
            .expect("valid")
            .with_timezone(&Utc);
        assert_eq!(halo_timestamp(at), "2023-06-29T10:16:08.8378294Z");
    }
}
