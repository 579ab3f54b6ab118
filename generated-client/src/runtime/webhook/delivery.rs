//! Decoding a delivery: one event object, or an array of them, each with
//! Halo's envelope and the record it is about.
//!
//! The body is read in one pass: the record goes straight into the model
//! (lenient, keeping unknown fields, as in API answers), every other key
//! into the event's [`Extra`]. Only a failure is decoded a second time, to
//! name the JSON path of the value that did not fit.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess};
use serde::Deserialize;
use serde_json::Value;

use crate::runtime::wire::{In, Key, Wire};
use crate::runtime::{Extra, Resource};

/// How much of the body an error's `Debug` shows.
const SNIPPET_LIMIT: usize = 200;

/// The key an event holds a record of collection `path` under: `ticket`
/// for tickets and `action` for actions, as recorded from Halo; for any
/// other collection its path in lower case, which no source confirms.
fn record_key(path: &str) -> String {
    if path.eq_ignore_ascii_case("Tickets") {
        "ticket".to_owned()
    } else if path.eq_ignore_ascii_case("Actions") {
        "action".to_owned()
    } else {
        path.to_ascii_lowercase()
    }
}

/// What Halo posted to a webhook: one event, or several when the webhook
/// batches them, each with the record it is about.
///
/// `T` is the record type the events are about (`Ticket` for ticket
/// events); other records an event carries (the `action` of a ticket
/// event) are read with [`Event::related`]. Iterate it, or take the events
/// with [`into_events`](Self::into_events).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery<T: Resource> {
    events: Vec<Event<T>>,
    batched: bool,
}

impl<T: Resource> Delivery<T>
where
    T::Id: DeserializeOwned,
{
    /// Decodes a delivery's body, finding each event's record under the
    /// key Halo uses for `T` (`ticket`, `action`; for other collections a
    /// guess, see [`from_slice_at`](Self::from_slice_at)).
    ///
    /// Accepts an event object or an array of them (a batched delivery,
    /// possibly empty). Fails, keeping the body, when it is empty, not
    /// JSON, neither of those shapes, or when a record does not decode (a
    /// text where the model has a number, say); never panics.
    pub fn from_slice(body: &[u8]) -> Result<Self, DeliveryError> {
        Self::from_slice_at(body, &record_key(T::PATH))
    }

    /// Like [`from_slice`](Self::from_slice), with the record under `key`:
    /// for a collection whose key is not the one guessed.
    pub fn from_slice_at(body: &[u8], key: &str) -> Result<Self, DeliveryError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(DeliveryError::new(DeliveryErrorKind::Empty, body));
        }
        let seed = || DeliverySeed::<T> {
            key,
            marker: PhantomData,
        };
        let mut de = serde_json::Deserializer::from_slice(body);
        let err = match seed()
            .deserialize(&mut de)
            .and_then(|delivery| de.end().map(|()| delivery))
        {
            Ok(delivery) => return Ok(delivery),
            Err(err) => err,
        };
        if err.is_syntax() || err.is_eof() || err.is_io() {
            let kind = DeliveryErrorKind::NotJson {
                line: err.line(),
                column: err.column(),
                message: err.to_string(),
            };
            return Err(DeliveryError::new(kind, body));
        }
        // A value that does not fit: decode again, tracking where.
        let mut de = serde_json::Deserializer::from_slice(body);
        let mut track = serde_path_to_error::Track::new();
        let tracked =
            seed().deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
        let message = tracked.err().unwrap_or(err).to_string();
        let kind = DeliveryErrorKind::Decode {
            path: track.path().to_string(),
            message,
        };
        Err(DeliveryError::new(kind, body))
    }
}

impl<T: Resource> Delivery<T> {
    /// The events, in the order Halo sent them.
    pub fn events(&self) -> &[Event<T>] {
        &self.events
    }

    /// The events, to keep.
    pub fn into_events(self) -> Vec<Event<T>> {
        self.events
    }

    /// The records that came whole: none for "event information only".
    pub fn records(&self) -> impl Iterator<Item = &T> {
        self.events.iter().filter_map(|event| event.record.as_ref())
    }

    /// The number of events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether there are no events (an empty batch).
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Whether the body was an array: the webhook batches its events.
    pub fn is_batched(&self) -> bool {
        self.batched
    }

    /// The events, in the order Halo sent them.
    pub fn iter(&self) -> std::slice::Iter<'_, Event<T>> {
        self.events.iter()
    }
}

impl<T: Resource> IntoIterator for Delivery<T> {
    type Item = Event<T>;
    type IntoIter = std::vec::IntoIter<Event<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.into_iter()
    }
}

impl<'a, T: Resource> IntoIterator for &'a Delivery<T> {
    type Item = &'a Event<T>;
    type IntoIter = std::slice::Iter<'a, Event<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.iter()
    }
}

/// One event of a delivery: what happened, and the record it happened to.
///
/// Halo's envelope fields are all optional, and one that does not fit its
/// type (a number where a text is expected) is kept in
/// [`extra`](Self::extra) as sent rather than failing the delivery: only
/// the record must decode. See the [module
/// docs](super#what-halo-posts) for where each field's meaning comes from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T: Resource> {
    /// The event's name as Halo words it, e.g. `ticket status changed`
    /// (wire `event`).
    pub event: Option<String>,
    /// The record, as much of it as the webhook's payload setting sends;
    /// `None` with "event information only" (wire: the record's key, such
    /// as `ticket`).
    pub record: Option<T>,
    /// The id of the record the event is about (wire `object_id`): a
    /// ticket event names the ticket. [`record_id`](Self::record_id) falls
    /// back on it when no record came.
    pub object_id: Option<T::Id>,
    /// Halo's id of this event (wire `id`), a UUID.
    pub id: Option<String>,
    /// The id of the webhook that sent it (wire `webhook_id`), a UUID:
    /// tells webhooks apart when several post to one receiver.
    pub webhook_id: Option<String>,
    /// The event subscription that fired (wire `notification_id`).
    pub notification_id: Option<i32>,
    /// The id of Halo's outgoing message for the event (wire `escmsg_id`),
    /// a UUID.
    pub escmsg_id: Option<String>,
    /// Halo's sentence about the event, e.g. "The status has been changed
    /// for Ticket ID: 0004242." (wire `message`).
    pub message: Option<String>,
    /// The agent id Halo sends with the event (wire `agent_id`).
    pub agent_id: Option<i32>,
    /// When the event happened (wire `timestamp`).
    pub timestamp: Option<DateTime<Utc>>,
    /// Everything else the event carried, as sent: other records (the
    /// `action` of a ticket event, read with [`related`](Self::related)),
    /// fields newer versions of Halo add, and envelope values that did not
    /// fit their field.
    pub extra: Extra,
}

impl<T: Resource> Event<T> {
    fn empty() -> Self {
        Event {
            event: None,
            record: None,
            object_id: None,
            id: None,
            webhook_id: None,
            notification_id: None,
            escmsg_id: None,
            message: None,
            agent_id: None,
            timestamp: None,
            extra: Extra::new(),
        }
    }

    /// The id of the record the event is about: the record's own when it
    /// came, else `object_id`.
    pub fn record_id(&self) -> Option<T::Id> {
        match &self.record {
            Some(record) => Some(record.id()),
            None => self.object_id.clone(),
        }
    }

    /// Another record the event carries beside its own, under the key
    /// Halo uses for `U`: the action of a ticket event is
    /// `event.related::<Action>()`. `None` when the event has none.
    pub fn related<U: Resource>(&self) -> Result<Option<U>, DeliveryError> {
        self.related_at(&record_key(U::PATH))
    }

    /// The value under `key` in [`extra`](Self::extra), decoded as `U`
    /// (any serde type); `None` when absent or `null`. A failure names the
    /// path below `key` and keeps that value, as JSON, as its body.
    pub fn related_at<U: DeserializeOwned>(&self, key: &str) -> Result<Option<U>, DeliveryError> {
        let value = match self.extra.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(value) => value,
        };
        serde_path_to_error::deserialize(value)
            .map(Some)
            .map_err(|err| {
                let below = err.path().to_string();
                let path = if below == "." {
                    key.to_owned()
                } else {
                    format!("{key}.{below}")
                };
                let kind = DeliveryErrorKind::Decode {
                    path,
                    message: err.into_inner().to_string(),
                };
                let body = serde_json::to_vec(value).unwrap_or_default();
                DeliveryError::new(kind, &body)
            })
    }
}

/// Reads a delivery: an event object, or an array of them.
struct DeliverySeed<'k, T> {
    key: &'k str,
    marker: PhantomData<fn() -> T>,
}

impl<'de, T: Resource> DeserializeSeed<'de> for DeliverySeed<'_, T>
where
    T::Id: DeserializeOwned,
{
    type Value = Delivery<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Delivery<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Resource> de::Visitor<'de> for DeliverySeed<'_, T>
where
    T::Id: DeserializeOwned,
{
    type Value = Delivery<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook delivery: an event object, or an array of event objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Delivery<T>, A::Error> {
        let event = EventSeed::<T> {
            key: self.key,
            marker: PhantomData,
        }
        .visit_map(map)?;
        Ok(Delivery {
            events: vec![event],
            batched: false,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Delivery<T>, A::Error> {
        // The hint is the server's claim: cap what it may make us reserve.
        let mut events = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(event) = seq.next_element_seed(EventSeed::<T> {
            key: self.key,
            marker: PhantomData,
        })? {
            events.push(event);
        }
        Ok(Delivery {
            events,
            batched: true,
        })
    }
}

/// Reads one event object.
struct EventSeed<'k, T> {
    key: &'k str,
    marker: PhantomData<fn() -> T>,
}

impl<'de, T: Resource> DeserializeSeed<'de> for EventSeed<'_, T>
where
    T::Id: DeserializeOwned,
{
    type Value = Event<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Event<T>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Resource> de::Visitor<'de> for EventSeed<'_, T>
where
    T::Id: DeserializeOwned,
{
    type Value = Event<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event<T>, A::Error> {
        let mut event = Event::empty();
        while let Some(Key(key)) = map.next_key()? {
            if key == self.key {
                event.record = map.next_value::<Option<T>>()?;
                continue;
            }
            let extra = &mut event.extra;
            match key.as_ref() {
                "event" => event.event = envelope(&key, map.next_value()?, extra),
                "object_id" => event.object_id = strict(&key, map.next_value()?, extra),
                "id" => event.id = envelope(&key, map.next_value()?, extra),
                "webhook_id" => event.webhook_id = envelope(&key, map.next_value()?, extra),
                "notification_id" => {
                    event.notification_id = envelope(&key, map.next_value()?, extra);
                }
                "escmsg_id" => event.escmsg_id = envelope(&key, map.next_value()?, extra),
                "message" => event.message = envelope(&key, map.next_value()?, extra),
                "agent_id" => event.agent_id = envelope(&key, map.next_value()?, extra),
                "timestamp" => event.timestamp = envelope(&key, map.next_value()?, extra),
                _ => extra.read_field(&key, &mut map)?,
            }
        }
        Ok(event)
    }
}

/// An envelope value read leniently as a `V`; one that does not fit, or a
/// placeholder ("not set"), stays in `extra` as sent.
fn envelope<V: Wire>(key: &str, value: Value, extra: &mut Extra) -> Option<V> {
    match In::<V>::deserialize(&value) {
        Ok(read) => read.keep(key, extra),
        Err(_) => {
            extra.push_decoded(key, value);
            None
        }
    }
}

/// A value read strictly as a `V` (the record's id type); one that does
/// not fit stays in `extra` as sent.
fn strict<V: DeserializeOwned>(key: &str, value: Value, extra: &mut Extra) -> Option<V> {
    match Option::<V>::deserialize(&value) {
        Ok(read) => read,
        Err(_) => {
            extra.push_decoded(key, value);
            None
        }
    }
}

/// A body that is not a delivery, with the body kept as it came.
#[derive(Clone)]
pub struct DeliveryError {
    kind: DeliveryErrorKind,
    body: Vec<u8>,
}

/// What is wrong with a delivery; see [`DeliveryError::kind`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryErrorKind {
    /// The body is empty or only whitespace.
    Empty,
    /// The body is not JSON, or not all of it: cut short, or with text
    /// after the value.
    NotJson {
        /// Line of the first byte that does not fit (1-based).
        line: usize,
        /// Column of that byte (1-based).
        column: usize,
        /// The parser's complaint.
        message: String,
    },
    /// The JSON is not a delivery: neither an event object nor an array of
    /// them, or a record that does not decode.
    Decode {
        /// JSON path of the failing value, e.g. `[1].ticket.status_id`
        /// (`.` for the whole body).
        path: String,
        /// What the decoder expected.
        message: String,
    },
}

impl DeliveryError {
    fn new(kind: DeliveryErrorKind, body: &[u8]) -> Self {
        DeliveryError {
            kind,
            body: body.to_vec(),
        }
    }

    /// What is wrong.
    pub fn kind(&self) -> &DeliveryErrorKind {
        &self.kind
    }

    /// The JSON path of the value that did not decode, if that is the problem.
    pub fn path(&self) -> Option<&str> {
        match &self.kind {
            DeliveryErrorKind::Decode { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The body, exactly as received: to log, or to keep for a retry once
    /// the cause is fixed.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, to keep.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DeliveryErrorKind::Empty => f.write_str("the webhook delivery's body is empty"),
            DeliveryErrorKind::NotJson { message, .. } => {
                write!(f, "the webhook delivery is not JSON: {message}")
            }
            DeliveryErrorKind::Decode { path, message } => {
                write!(
                    f,
                    "could not decode the webhook delivery at `{path}`: {message}"
                )
            }
        }
    }
}

impl fmt::Debug for DeliveryError {
    // Bodies of batched full objects run to megabytes: show the start.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.body);
        let snippet: String = text.chars().take(SNIPPET_LIMIT).collect();
        f.debug_struct("DeliveryError")
            .field("kind", &self.kind)
            .field("body_len", &self.body.len())
            .field("body_start", &snippet)
            .finish()
    }
}

impl std::error::Error for DeliveryError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_and_actions_have_the_keys_halo_uses_others_their_path_in_lower_case() {
        assert_eq!(record_key("Tickets"), "ticket");
        assert_eq!(record_key("Actions"), "action");
        assert_eq!(record_key("Client"), "client");
        assert_eq!(record_key("KBArticle"), "kbarticle");
    }
}
