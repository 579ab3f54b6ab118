//! Lists: filters (see `filters.rs`), `order`, and paging exactly as Halo
//! pages (`pageinate`, a cap of 100, `record_count`, `null` for no records).

use std::cmp::Ordering;

use halopsa_codegen::model::Api;
use serde_json::{Map, Value};

use super::filters::filters;
use super::store::{is_deleted, Record, Table};
use super::values::{boolean, compare};

/// Page size when `pageinate=true` comes without `page_size`.
const DEFAULT_PAGE_SIZE: usize = 50;

/// Query parameters; names compare case-insensitively, as in ASP.NET.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn parse(raw: Option<&str>) -> Params {
        let raw = raw.unwrap_or_default();
        Params(
            url::form_urlencoded::parse(raw.as_bytes())
                .map(|(name, value)| (name.to_ascii_lowercase(), value.into_owned()))
                .collect(),
        )
    }

    /// The last value given for `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.0
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every parameter but those named, for telling queries apart.
    pub(crate) fn without(&self, names: &[&str]) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter(|(n, _)| !names.iter().any(|name| name.eq_ignore_ascii_case(n)))
            .cloned()
            .collect()
    }

    /// A boolean parameter; an unreadable value is a 400, as in Halo.
    pub(crate) fn flag(&self, name: &str) -> Result<Option<bool>, String> {
        self.get(name)
            .map(|text| boolean(text).ok_or_else(|| not_valid(text, name, "Boolean")))
            .transpose()
    }

    /// A non-negative integer parameter.
    pub(crate) fn number(&self, name: &str) -> Result<Option<usize>, String> {
        self.get(name)
            .map(|text| {
                text.trim()
                    .parse::<usize>()
                    .map_err(|_| not_valid(text, name, "Int32"))
            })
            .transpose()
    }
}

/// Halo's complaint about a parameter value it cannot read.
pub(crate) fn not_valid(text: &str, name: &str, kind: &str) -> String {
    format!("The value '{text}' is not valid for {name} ({kind}).")
}

/// The list response body for `params`, or a 400 message. Records are
/// serialized where they lie: a page of a large table is never copied.
pub(crate) fn list_body(table: &Table, params: &Params, api: &Api) -> Result<Vec<u8>, String> {
    let collection = &table.collection;
    // Every page of a stream asks the same query: match it once.
    let key = params.without(&[&api.page_param, &api.size_param]);
    let ids = table.matching(key, || {
        let filters = filters(collection, params)?;
        // Soft-deleted records show only when asked for, where there are any.
        let show_deleted =
            collection.field("deleted").is_some() && params.flag("deleted")?.unwrap_or(false);
        // Rows, not ids: a collection keyed by text numbers its rows.
        let mut matching: Vec<(i64, &Record)> = table
            .records()
            .iter()
            .map(|(row, record)| (*row, record))
            .filter(|(_, record)| is_deleted(record) == show_deleted)
            .filter(|(_, record)| filters.iter().all(|keep| keep(record)))
            .collect();
        sort(&mut matching, params)?;
        Ok(matching.iter().map(|(row, _)| *row).collect())
    })?;
    let total = ids.len();

    let shape = collection.entity.list.as_ref();
    let paged =
        shape.is_some_and(|s| s.paginated) && params.flag(&api.enable_param)?.unwrap_or(false);
    let mut header = Map::new();
    let shown: &[i64] = if paged {
        let cap = (api.max_page_size as usize).max(1);
        let size = params
            .number(&api.size_param)?
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .clamp(1, cap);
        let page_no = params.number(&api.page_param)?.unwrap_or(1).max(1);
        header.insert("page_no".into(), Value::from(page_no));
        header.insert("page_size".into(), Value::from(size));
        let start = (page_no - 1).saturating_mul(size).min(total);
        &ids[start..(start + size).min(total)]
    } else {
        let count_param = shape
            .and_then(|s| s.count_param.as_ref())
            .map_or("count", |(wire, _)| wire.as_str());
        let cap = params.number(count_param)?.unwrap_or(usize::MAX);
        &ids[..cap.min(total)]
    };
    let items: Vec<&Record> = shown
        .iter()
        .filter_map(|id| table.records().get(id))
        .collect();
    header.insert(api.count_field.clone(), Value::from(total));

    let items = serde_json::to_vec(&items).map_err(|err| err.to_string())?;
    let Some(key) = shape.and_then(|s| s.key.as_ref()) else {
        return Ok(items);
    };
    // `{...header, "<key>": [...]}`; Halo sends `null`, not `[]`, when
    // nothing matches at all.
    let mut body = serde_json::to_vec(&header).map_err(|err| err.to_string())?;
    body.pop();
    body.push(b',');
    serde_json::to_writer(&mut body, key).map_err(|err| err.to_string())?;
    body.push(b':');
    if total == 0 {
        body.extend_from_slice(b"null");
    } else {
        body.extend_from_slice(&items);
    }
    body.push(b'}');
    Ok(body)
}

/// `order`/`orderdesc`, then `order2`/`orderdesc2` up to 5; ties by id.
fn sort(records: &mut [(i64, &Record)], params: &Params) -> Result<(), String> {
    let mut keys = Vec::new();
    for level in ["", "2", "3", "4", "5"] {
        let Some(field) = params.get(&format!("order{level}")) else {
            continue;
        };
        let descending = params.flag(&format!("orderdesc{level}"))?.unwrap_or(false);
        keys.push((field.trim().to_owned(), descending));
    }
    if keys.is_empty() {
        return Ok(());
    }
    records.sort_by(|(_, a), (_, b)| {
        keys.iter()
            .map(|(field, descending)| {
                let order = compare(a.get(field.as_str()), b.get(field.as_str()));
                if *descending {
                    order.reverse()
                } else {
                    order
                }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or_else(|| compare(a.get("id"), b.get("id")))
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::schema::Schema;
    use crate::fake::store::Store;
    use serde_json::json;

    /// The ids a ticket list with `query` answers, over four fixed tickets.
    fn ids(query: &str) -> Result<Vec<i64>, String> {
        let schema = Schema::load().expect("valid spec");
        let mut store = Store::new(&schema);
        let tickets = [
            json!({"summary": "Printer jam", "client_id": 1, "status_id": 1, "site_id": 21.0,
                   "dateoccurred": "2024-01-01T10:00:00Z", "onhold": true}),
            json!({"summary": "VPN down", "client_id": "2", "status_id": 9,
                   "details": "printer too",
                   "dateoccurred": "2024-02-01T10:00:00"}),
            json!({"summary": "New laptop", "client_id": 3.0, "status_id": 2,
                   "dateoccurred": "1900-01-01T00:00:00"}),
            json!({"summary": "printer toner", "client_id": 1, "status_id": 9, "deleted": true}),
        ];
        for ticket in tickets {
            if let Value::Object(record) = ticket {
                store.insert("Tickets", record);
            }
        }
        let table = store.table("Tickets").expect("tickets");
        let body = list_body(table, &Params::parse(Some(query)), &schema.api)?;
        let body: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        Ok(body["tickets"]
            .as_array()
            .map(|items| items.iter().filter_map(|t| t["id"].as_i64()).collect())
            .unwrap_or_default())
    }

    #[test]
    fn filters_resolve_by_naming_convention() {
        assert_eq!(ids("client_id=1"), Ok(vec![1]));
        assert_eq!(ids("client_ids=2,3"), Ok(vec![2, 3]), "plural list filter");
        assert_eq!(
            ids("status=1,2"),
            Ok(vec![1, 3]),
            "`status` means status_id"
        );
        assert_eq!(ids("site_id=21"), Ok(vec![1]), "21 matches 21.0");
        assert_eq!(ids("open_only=true"), Ok(vec![1, 3]));
        assert_eq!(ids("closed_only=true"), Ok(vec![2]));
        assert_eq!(ids("search=PRINTER"), Ok(vec![1, 2]), "summary or details");
        assert_eq!(ids("search_summary=printer"), Ok(vec![1]));
        assert_eq!(ids("ticketids=1,3"), Ok(vec![1, 3]));
        assert_eq!(ids("excludethese=1,3"), Ok(vec![2]));
        assert_eq!(
            ids("onhold=true"),
            Ok(vec![1, 2, 3]),
            "not a filter of the spec"
        );
        assert_eq!(
            ids("deleted=true"),
            Ok(vec![4]),
            "soft-deleted records only on request"
        );
        assert_eq!(
            ids("team=5"),
            Ok(vec![1, 2, 3]),
            "names no numeric field: ignored"
        );
        assert_eq!(ids("startdate=2024-01-15T00:00:00Z"), Ok(vec![2]));
        assert_eq!(
            ids("enddate=2024-01-15T00:00:00Z"),
            Ok(vec![1]),
            "no date never matches"
        );
        assert_eq!(ids("order=summary&orderdesc=true"), Ok(vec![2, 1, 3]));
        assert!(ids("client_id=1&open_only=perhaps").is_err());
    }

    #[test]
    fn a_remembered_query_sees_every_change_to_the_table() {
        let schema = Schema::load().expect("valid spec");
        let mut store = Store::new(&schema);
        let ticket = |summary: &str| match json!({"summary": summary, "client_id": 1}) {
            Value::Object(record) => record,
            _ => Record::new(),
        };
        for summary in ["a", "b", "c"] {
            store.insert("Tickets", ticket(summary));
        }
        let page = |store: &Store, page_no: u32| {
            let query = format!("client_id=1&pageinate=true&page_size=2&page_no={page_no}");
            let table = store.table("Tickets").expect("tickets");
            let body = list_body(table, &Params::parse(Some(&query)), &schema.api)?;
            let body: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            let ids: Vec<i64> = body["tickets"]
                .as_array()
                .map(|items| items.iter().filter_map(|t| t["id"].as_i64()).collect())
                .unwrap_or_default();
            Ok::<_, String>((body["record_count"].as_u64(), ids))
        };
        assert_eq!(page(&store, 1), Ok((Some(3), vec![1, 2])));
        assert_eq!(page(&store, 2), Ok((Some(3), vec![3])));
        store.insert("Tickets", ticket("d"));
        assert_eq!(page(&store, 2), Ok((Some(4), vec![3, 4])), "a create");
        assert!(store.delete("Tickets", 1));
        assert_eq!(page(&store, 1), Ok((Some(3), vec![2, 3])), "a delete");
        let moved = json!([{"id": 2, "client_id": 7}]);
        store
            .save("Tickets", moved.as_array().map_or(&[][..], Vec::as_slice))
            .map_err(|invalid| invalid.message)
            .expect("saved");
        assert_eq!(page(&store, 1), Ok((Some(2), vec![3, 4])), "an update");
        assert_eq!(page(&store, 9), Ok((Some(2), vec![])), "past the end");
    }
}
