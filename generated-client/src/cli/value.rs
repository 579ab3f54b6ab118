//! JSON that keeps its order: the client prints records as the server sent
//! them (the spec's fields first, see [`Record::ordered`]), and
//! `serde_json::Value` would sort every object's keys.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;

use crate::runtime::{ListShape, RecordId, Resource};

/// A JSON value whose objects keep their keys in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    Object(Object),
}

/// An object's members in order; a key sent twice keeps its last value in
/// the place of its first, as `serde_json` reads it.
pub(crate) type Object = Vec<(String, Node)>;

impl Node {
    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(members) => find(members, key),
            _ => None,
        }
    }

    /// The value as one line of text, for a table cell or a CSV field:
    /// strings as they are, `null` as nothing, lists and objects as
    /// compact JSON.
    pub(crate) fn text(&self) -> String {
        match self {
            Node::Null => String::new(),
            Node::Bool(value) => value.to_string(),
            Node::Number(value) => value.to_string(),
            Node::String(value) => value.clone(),
            Node::Array(_) | Node::Object(_) => serde_json::to_string(self).unwrap_or_default(),
        }
    }

    /// From a `serde_json::Value` (whose objects are already sorted).
    pub(crate) fn from_value(value: serde_json::Value) -> Node {
        match value {
            serde_json::Value::Null => Node::Null,
            serde_json::Value::Bool(b) => Node::Bool(b),
            serde_json::Value::Number(n) => Node::Number(n),
            serde_json::Value::String(s) => Node::String(s),
            serde_json::Value::Array(items) => {
                Node::Array(items.into_iter().map(Node::from_value).collect())
            }
            serde_json::Value::Object(map) => Node::Object(
                map.into_iter()
                    .map(|(key, value)| (key, Node::from_value(value)))
                    .collect(),
            ),
        }
    }
}

/// The member `key` of `members`.
pub(crate) fn find<'a>(members: &'a Object, key: &str) -> Option<&'a Node> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Sets `key` to `value`: in its place when present, else at the end.
pub(crate) fn set(members: &mut Object, key: &str, value: Node) {
    match members.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => members.push((key.to_owned(), value)),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Node, E> {
        Number::from_f64(value)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Object::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            set(&mut members, &key, value);
        }
        Ok(Node::Object(members))
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(value) => serializer.serialize_bool(*value),
            Node::Number(value) => value.serialize(serializer),
            Node::String(value) => serializer.serialize_str(value),
            Node::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// One record of a listing: its members in the server's order, and its id,
/// which the runtime's pager uses to deliver each record once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    pub(crate) key: RecordKey,
    pub(crate) members: Object,
}

impl Record {
    /// The members in the order the client prints them: `id`, the spec's
    /// `fields` in spec order, then the others as the server sent them.
    pub(crate) fn ordered(mut members: Object, fields: &[&str]) -> Object {
        let rank = |key: &str| -> usize {
            if key == "id" {
                0
            } else {
                fields
                    .iter()
                    .position(|field| *field == key)
                    .map_or(usize::MAX, |at| at + 1)
            }
        };
        // Stable: the members the spec does not list keep their order.
        members.sort_by_key(|(key, _)| rank(key));
        members
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Record, D::Error> {
        match Node::deserialize(deserializer)? {
            Node::Object(members) => {
                let key = match find(&members, "id") {
                    Some(id) => RecordKey::of(id).ok_or_else(|| {
                        de::Error::custom(format!("a record's `id` is {}", id.text()))
                    })?,
                    None => return Err(de::Error::missing_field("id")),
                };
                Ok(Record { key, members })
            }
            other => Err(de::Error::custom(format!(
                "expected a record (a JSON object), got {}",
                serde_json::to_string(&other).unwrap_or_default()
            ))),
        }
    }
}

/// Listings of every collection go through this one record type: the path
/// and list shape are the collection's (`ListRequest::at`), not these.
impl Resource for Record {
    const PATH: &'static str = "";
    const LIST: ListShape = ListShape::Bare("");
    type Id = RecordKey;

    fn id(&self) -> RecordKey {
        self.key.clone()
    }
}

/// A record's id: an integer (sent as `21`, `21.0` or `"21"`) or a text key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum RecordKey {
    Int(i32),
    Text(String),
}

impl RecordKey {
    fn of(id: &Node) -> Option<RecordKey> {
        match id {
            Node::Number(number) => number
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .or_else(|| {
                    let float = number.as_f64()?;
                    let whole = float.fract() == 0.0 && float.abs() <= f64::from(i32::MAX);
                    // Checked whole and in range, so the cast is exact.
                    #[allow(clippy::cast_possible_truncation)]
                    whole.then_some(float as i32)
                })
                .map(RecordKey::Int),
            Node::String(text) => Some(match text.trim().parse::<i32>() {
                Ok(number) => RecordKey::Int(number),
                Err(_) => RecordKey::Text(text.clone()),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordKey::Int(number) => write!(f, "{number}"),
            RecordKey::Text(text) => f.write_str(text),
        }
    }
}

impl Serialize for RecordKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RecordKey::Int(number) => serializer.serialize_i32(*number),
            RecordKey::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl RecordId for RecordKey {
    fn as_int(&self) -> Option<i32> {
        match self {
            RecordKey::Int(number) => Some(*number),
            RecordKey::Text(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_the_servers_order() {
        let node: Node =
            serde_json::from_str(r#"{"zeta":1,"alpha":{"b":2,"a":[3.5,null]},"mid":"x"}"#)
                .expect("valid");
        assert_eq!(
            serde_json::to_string(&node).unwrap(),
            r#"{"zeta":1,"alpha":{"b":2,"a":[3.5,null]},"mid":"x"}"#
        );
    }

    #[test]
    fn records_print_id_then_spec_fields_then_the_rest_as_sent() {
        let record: Record =
            serde_json::from_str(r#"{"zz":1,"summary":"s","id":"21","aa":2,"client_id":3}"#)
                .expect("valid");
        assert_eq!(record.key, RecordKey::Int(21));
        let keys: Vec<String> = Record::ordered(record.members, &["client_id", "summary"])
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        assert_eq!(keys, ["id", "client_id", "summary", "zz", "aa"]);
    }

    #[test]
    fn ids_are_read_as_leniently_as_typed_records_read_them() {
        let key = |json: &str| RecordKey::of(&serde_json::from_str::<Node>(json).unwrap());
        assert_eq!(key("21"), Some(RecordKey::Int(21)));
        assert_eq!(key("21.0"), Some(RecordKey::Int(21)));
        assert_eq!(key(r#""130""#), Some(RecordKey::Int(130)));
        assert_eq!(
            key(r#""Help desk""#),
            Some(RecordKey::Text("Help desk".into()))
        );
        assert_eq!(key("21.5"), None);
        assert_eq!(key("null"), None);
        assert!(serde_json::from_str::<Record>(r#"{"name":"no id"}"#).is_err());
    }
}
