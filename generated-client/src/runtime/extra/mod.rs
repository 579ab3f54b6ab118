//! The fields of a record that the spec does not list.

use std::fmt;
use std::sync::OnceLock;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

mod packed;

use packed::Packed;

use super::wire::Key;

/// Fields a record carried that the spec does not list, in the order they
/// arrived, so that an update sends them back unchanged.
///
/// A small ordered map. Records carry hundreds of such fields and are
/// decoded and written back far more often than these are read, so decoding
/// packs them into one buffer (no allocation per field) and writing sends
/// them straight from it. The first lookup unpacks them into ordinary
/// `(String, Value)` pairs, which the first change then takes over.
#[derive(Clone, Default)]
pub struct Extra {
    /// The fields as decoded, until something changes them.
    packed: Packed,
    /// `packed` unpacked, built on the first lookup.
    unpacked: OnceLock<Vec<(String, Value)>>,
    /// The fields once changed; empty while `packed` holds them.
    owned: Vec<(String, Value)>,
}

impl Extra {
    /// No fields.
    pub fn new() -> Self {
        Extra::default()
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.pairs().iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A mutable reference to the value of `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.owned()
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, keeping its position if present; returns the old value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        let value = value.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.owned.push((key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let owned = self.owned();
        let index = owned.iter().position(|(k, _)| k == key)?;
        Some(owned.remove(index).1)
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.into_iter()
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.packed.len() + self.owned.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy as a JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        self.pairs().iter().cloned().collect()
    }

    /// Reads the next value of `map` as the unknown field `key`. Generated
    /// decoders call this for every field the spec does not list.
    pub(crate) fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        if self.owned.is_empty() {
            self.packed.read(key, map)
        } else {
            let value = map.next_value()?;
            self.owned.push((key.to_owned(), value));
            Ok(())
        }
    }

    /// Appends a field just read from the wire: no duplicate check, because a
    /// JSON object's keys are unique already (and a repeat keeps both, as sent).
    // Only typed fields call this: a spec without any leaves it unused.
    #[allow(dead_code)]
    pub(crate) fn push_decoded(&mut self, key: &str, value: Value) {
        if self.owned.is_empty() {
            self.packed.push(key, value);
        } else {
            self.owned.push((key.to_owned(), value));
        }
    }

    /// Writes the fields into `map`, in order, except those `skip` names.
    /// Generated `Serialize` impls call this after the record's own fields.
    pub(crate) fn write_entries<M: SerializeMap>(
        &self,
        map: &mut M,
        skip: impl Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        if self.packed.is_empty() {
            for (key, value) in &self.owned {
                if !skip(key) {
                    map.serialize_entry(key, value)?;
                }
            }
        } else {
            // Straight from the buffer: writing back needs no unpacking.
            for (key, value) in self.packed.iter() {
                if !skip(key) {
                    map.serialize_entry(key, &value)?;
                }
            }
        }
        Ok(())
    }

    /// The fields as pairs, unpacking them on first use.
    fn pairs(&self) -> &[(String, Value)] {
        if self.packed.is_empty() {
            &self.owned
        } else {
            self.unpacked.get_or_init(|| self.packed.unpack())
        }
    }

    /// The fields as pairs to change: from here on they are `owned`.
    fn owned(&mut self) -> &mut Vec<(String, Value)> {
        if !self.packed.is_empty() {
            let packed = std::mem::take(&mut self.packed);
            let pairs = std::mem::take(&mut self.unpacked).into_inner();
            self.owned = pairs.unwrap_or_else(|| packed.unpack());
        }
        &mut self.owned
    }
}

/// Equal when both hold the same fields with the same values, in any order.
impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut extra = Extra::new();
        for (key, value) in iter {
            extra.insert(key, value);
        }
        extra
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        Extra {
            owned: map.into_iter().collect(),
            ..Extra::default()
        }
    }
}

impl IntoIterator for Extra {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(mut self) -> Self::IntoIter {
        std::mem::take(self.owned()).into_iter()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a str, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.pairs().iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// A JSON object.
impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        self.write_entries(&mut map, |_| false)?;
        map.end()
    }
}

/// From a JSON object.
impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExtraVisitor;

        impl<'de> Visitor<'de> for ExtraVisitor {
            type Value = Extra;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut extra = Extra::new();
                while let Some(Key(key)) = map.next_key()? {
                    extra.read_field(&key, &mut map)?;
                }
                Ok(extra)
            }
        }

        deserializer.deserialize_map(ExtraVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut extra = Extra::new();
        assert_eq!(extra.insert("b", 1), None);
        assert_eq!(extra.insert("a", 2), None);
        assert_eq!(extra.insert("b", 3), Some(json!(1)));
        assert_eq!(extra.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(extra.get("b"), Some(&json!(3)));
        assert_eq!(extra.remove("b"), Some(json!(3)));
        assert!(!extra.contains_key("b"));
        assert_eq!(serde_json::to_value(&extra).unwrap(), json!({"a": 2}));
    }

    #[test]
    fn equality_ignores_order() {
        let one: Extra = [("a".to_owned(), json!(1)), ("b".to_owned(), json!(2))]
            .into_iter()
            .collect();
        let two: Extra = [("b".to_owned(), json!(2)), ("a".to_owned(), json!(1))]
            .into_iter()
            .collect();
        assert_eq!(one, two);
    }

    /// Decoded fields, as a generated decoder leaves them: packed.
    fn decoded(json: &str) -> Extra {
        serde_json::from_str(json).expect("an object")
    }

    const MIXED: &str = r#"{"n":-3,"big":18446744073709551615,"f":0.1,"s":"tab\tquote\"","e":"","z":null,"t":true,"a":[1,{"x":"y"}],"o":{"k":[]}}"#;

    fn mixed_pairs() -> Vec<(String, Value)> {
        [
            ("n", json!(-3)),
            ("big", json!(u64::MAX)),
            ("f", json!(0.1)),
            ("s", json!("tab\tquote\"")),
            ("e", json!("")),
            ("z", Value::Null),
            ("t", json!(true)),
            ("a", json!([1, {"x": "y"}])),
            ("o", json!({"k": []})),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    #[test]
    fn decoded_fields_read_and_write_back_as_sent() {
        let extra = decoded(MIXED);
        let sent: Value = serde_json::from_str(MIXED).expect("JSON");
        assert_eq!(extra.len(), 9);
        assert_eq!(serde_json::to_value(&extra).expect("encodes"), sent);
        // Written straight from the buffer, in arrival order, same text.
        assert_eq!(serde_json::to_string(&extra).expect("encodes"), MIXED);
        assert_eq!(extra.get("s"), Some(&json!("tab\tquote\"")));
        assert_eq!(extra.get("big"), Some(&json!(u64::MAX)));
        assert_eq!(extra.get("a"), Some(&json!([1, {"x": "y"}])));
        let keys: Vec<&str> = extra.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["n", "big", "f", "s", "e", "z", "t", "a", "o"]);
    }

    #[test]
    fn changing_decoded_fields_keeps_the_rest_and_the_order() {
        let mut extra = decoded(MIXED);
        assert_eq!(extra.get("t"), Some(&json!(true))); // unpacked once read
        *extra.get_mut("n").expect("present") = json!(4);
        assert_eq!(extra.insert("s", "new"), Some(json!("tab\tquote\"")));
        assert_eq!(extra.remove("z"), Some(Value::Null));
        assert_eq!(extra.insert("added", 1), None);
        let mut expected: Map<String, Value> = serde_json::from_str(MIXED).expect("JSON");
        expected.insert("n".into(), json!(4));
        expected.insert("s".into(), json!("new"));
        expected.remove("z");
        expected.insert("added".into(), json!(1));
        assert_eq!(extra.to_map(), expected);
        let keys: Vec<&str> = extra.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["n", "big", "f", "s", "e", "t", "a", "o", "added"]);
    }

    #[test]
    fn packed_and_unpacked_fields_compare_and_clone_alike() {
        let packed = decoded(MIXED);
        let owned: Extra = mixed_pairs().into_iter().collect();
        assert_eq!(packed, owned);
        assert_eq!(packed.clone(), owned);
        assert_eq!(format!("{packed:?}"), format!("{owned:?}"));
        let pairs: Vec<(String, Value)> = packed.into_iter().collect();
        assert_eq!(pairs, owned.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn fields_kept_while_decoding_stay_in_arrival_order() {
        let mut extra = Extra::new();
        extra.push_decoded("first", json!(""));
        let mut map = serde_json::Deserializer::from_str(r#"{"second":[2]}"#);
        let read: Extra = Extra::deserialize(&mut map).expect("an object");
        for (key, value) in read.iter() {
            extra.push_decoded(key, value.clone());
        }
        extra.push_decoded("third", json!({"x": 3}));
        assert_eq!(
            serde_json::to_string(&extra).expect("encodes"),
            r#"{"first":"","second":[2],"third":{"x":3}}"#
        );
    }

    /// Any JSON value; objects keep their keys in the generated order.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from), // NaN and infinities become null
            any::<String>().prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(any::<String>(), inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    /// An object's fields in some order, and its JSON text in that order.
    fn object() -> impl Strategy<Value = (Vec<(String, Value)>, String)> {
        prop::collection::btree_map(any::<String>(), json_value(), 0..12)
            .prop_map(|map| map.into_iter().collect::<Vec<_>>())
            .prop_shuffle()
            .prop_map(|pairs| {
                let owned = Extra {
                    owned: pairs.clone(),
                    ..Extra::default()
                };
                let text = serde_json::to_string(&owned).unwrap_or_default();
                (pairs, text)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn packed_fields_read_and_write_as_sent((pairs, text) in object()) {
            // From text, keys and strings borrowed: the same text comes back.
            let from_text: Extra = serde_json::from_str(&text).expect("an object");
            prop_assert_eq!(serde_json::to_string(&from_text).expect("encodes"), text.as_str());
            let read: Vec<(String, Value)> =
                from_text.iter().map(|(k, v)| (k.to_owned(), v.clone())).collect();
            prop_assert_eq!(&read, &pairs);
            // From a value (owned strings; its map sorts keys): the same value.
            let value: Value = serde_json::from_str(&text).expect("JSON");
            let from_value: Extra = serde_json::from_value(value.clone()).expect("an object");
            prop_assert_eq!(serde_json::to_value(&from_value).expect("encodes"), value);
            prop_assert_eq!(&from_value, &from_text);
        }
    }
}
