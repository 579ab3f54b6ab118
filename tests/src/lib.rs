//! A fake HaloPSA server for tests, and (in `tests/`) the end-to-end tests
//! of the generated client that run against it.
//!
//! Start one in-process with [`FakeHalo::builder`], or run the binary:
//! `cargo run -p halopsa-e2e --bin fake-halo -- --port 18080 --tickets 5000`.

#![deny(missing_docs)]

pub mod fake;

pub use fake::{Churn, Counters, FakeHalo, FakeHaloBuilder, Fault};
pub use fake::{WebhookConfig, WebhookDelivery, WebhookPayload};
