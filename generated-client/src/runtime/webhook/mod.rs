//! Receiving Halo's webhooks: what Halo posts, decoded into the crate's
//! models, and the Basic-auth check of the credentials a webhook was
//! configured with.
//!
//! A handler is a few lines with any web framework: check the
//! `Authorization` header, decode the body, answer at once, and do the
//! work elsewhere (Halo records each answer in the webhook's delivery log).
//!
//! ```
//! use halopsa::runtime::webhook::{BasicAuth, Delivery};
//! use halopsa::Ticket;
//! use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
//!
//! // The username and password the webhook was configured with in Halo.
//! let auth = BasicAuth::new("halo", "a long random password");
//!
//! // What arrives: the request's headers and body.
//! let mut headers = HeaderMap::new();
//! // base64 of `halo:a long random password`
//! let basic = "Basic aGFsbzphIGxvbmcgcmFuZG9tIHBhc3N3b3Jk";
//! headers.insert(AUTHORIZATION, HeaderValue::from_static(basic));
//! let body = br#"{
//!     "id": "8e25bc7b-e07e-4102-9398-5d6647e1e79d",
//!     "event": "ticket status changed",
//!     "object_id": 4242,
//!     "timestamp": "2026-09-25T06:41:08.7895915Z",
//!     "ticket": { "id": 4242, "summary": "Printer on fire", "status_id": 9 }
//! }"#;
//!
//! // In the handler: a refusal answers 401, a body that is not a delivery 400.
//! auth.check(&headers)?;
//! let delivery = Delivery::<Ticket>::from_slice(body)?;
//! for event in &delivery {
//!     // Full objects carry the ticket; "event information only" just its id.
//!     let id = event.record_id().expect("Halo names the ticket");
//!     let summary = event.record.as_ref().and_then(|t| t.summary.as_deref());
//!     println!("{}: #{id} {}", event.event.as_deref().unwrap_or("?"), summary.unwrap_or(""));
//! }
//! assert_eq!(delivery.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What Halo posts
//!
//! Halo documents its webhooks in a guide (HaloITSM and HaloCRM guides,
//! "Webhook Integration", kbid=838), not in its OpenAPI document, which
//! declares only the webhook's configuration (`Webhook`, with
//! `basic_username`, `basic_password`, `payload_type`), its event
//! subscriptions (`UnameNotification`) and its delivery log
//! (`WebhookEvent`, the request and response of each delivery). What this
//! module relies on, and how sure it is:
//!
//! - Every delivery is JSON, sent with the method configured (POST for
//!   sending data), optionally with Basic authentication by the username
//!   and password configured. (Confirmed: the guide; the `Webhook` model.)
//! - A delivery carries one event as a JSON object: its id, the
//!   notification and message ids (`notification_id`, `escmsg_id`), the
//!   event's name (`event`), the webhook's id, the id of the record it is
//!   about (`object_id`) and a timestamp. (Confirmed: the guide lists these
//!   properties.) Their wire names, and `message` and `agent_id` beside
//!   them, come from one payload recorded from a live tenant and published
//!   in a third party's tests (likely): ids as UUID strings, `object_id`
//!   the ticket's number, `timestamp` with seven fractional digits.
//! - The record rides beside them under its type's name: `ticket`, and
//!   `action` too where the event has one ("the ticket and action objects
//!   where applicable": confirmed by the guide; the key `ticket` is what
//!   the recorded payload, django-psa-connector's receiver and Nango's
//!   receiver read). Keys of other records are not recorded anywhere we
//!   found: [`Delivery::from_slice`] guesses the collection's path in lower
//!   case, and [`Delivery::from_slice_at`] names the key.
//! - The payload setting chooses how much of the record: "small object
//!   with key fields only", "full object with linked objects", or (Halo
//!   2.214.1 and later) "event information only", which sends the
//!   `object_id` and the event's name and no record. (Confirmed: the
//!   guide.) All three decode here: [`Event::record`] is `None` for the
//!   last, and [`Event::record_id`] gives the id either way.
//! - With batching on (Halo 2.164 and later), one delivery groups several
//!   events, "of the same event", "of the same event type" or "of any
//!   event" (confirmed: the guide), as a JSON array of the same event
//!   objects (likely: Nango's receiver wraps batched arrays, and its tests
//!   post arrays of `{"ticket": {...}}`). [`Delivery`] reads an object or
//!   an array alike.
//! - Since Halo 2.178 a webhook can send a field's display value instead
//!   of its id (the guide names the toggle; no public source shows what it
//!   changes on the wire, so this is not confirmed). It is read like any
//!   other value: text in a field the model types as a number fails with
//!   [`DeliveryError`] naming the field. A custom payload has whatever
//!   shape its author chose: decode it into your own [`Resource`](super::Resource)
//!   type, or with serde directly.
//! - Basic authentication sends the configured password with every
//!   delivery, so serve the receiver over HTTPS. The `Webhook` model also
//!   has other kinds of authentication (`authentication_type`, with
//!   `authentication_header`, `algorithm`, `digest` and `signature_prefix`
//!   for a signature of the body); [`BasicAuth`] checks the first kind,
//!   comparing in constant time.

mod basic_auth;
mod delivery;

pub use basic_auth::{BasicAuth, BasicAuthError};
pub use delivery::{Delivery, DeliveryError, DeliveryErrorKind, Event};
