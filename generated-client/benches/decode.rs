//! Decoding a page of realistic tickets into the lossless generated model,
//! against a plain `#[derive(Deserialize)]` model of the same typed fields
//! that drops everything else. Both run in the same process, so the ratio is
//! meaningful on a noisy machine.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The baseline: the same typed fields, plain serde, unknown fields dropped.
#[derive(Deserialize)]
#[allow(dead_code)] // decoded, never read: only the decoding is measured
struct PlainTicket {
    id: i32,
    summary: Option<String>,
    details: Option<String>,
    client_id: Option<i32>,
    client_name: Option<String>,
    site_id: Option<i32>,
    site_name: Option<String>,
    user_id: Option<i32>,
    user_name: Option<String>,
    status_id: Option<i32>,
    priority_id: Option<i32>,
    agent_id: Option<i32>,
    category_1: Option<String>,
    dateoccurred: Option<DateTime<Utc>>,
    datecreated: Option<DateTime<Utc>>,
    deadlinedate: Option<DateTime<Utc>>,
    last_update: Option<DateTime<Utc>>,
    estimate: Option<f64>,
    timetaken: Option<f64>,
    onhold: Option<bool>,
}

/// One ticket as a Halo list returns it: the typed fields above plus about
/// 100 fields the spec does not list.
fn ticket(id: i64) -> Value {
    let mut record = json!({
        "id": id,
        "summary": format!("Printer {id} on fire"),
        "details": "The printer on the second floor is on fire again.",
        "client_id": 12,
        "client_name": "Acme Ltd",
        "site_id": 30,
        "site_name": "Head office",
        "user_id": 431,
        "user_name": "Jo Bloggs",
        "status_id": 2,
        "priority_id": 3,
        "agent_id": 7,
        "category_1": "Hardware>Printer",
        "dateoccurred": "2023-06-29T10:16:08.8378294Z",
        "datecreated": "2023-06-29T10:16:08.8378294Z",
        "deadlinedate": "2023-07-01T17:00:00Z",
        "last_update": "2023-06-30T08:00:00.123Z",
        "estimate": 1.5,
        "timetaken": 0.25,
        "onhold": false,
    });
    let map: &mut Map<String, Value> = record.as_object_mut().expect("an object");
    for n in 0..100 {
        let value = match n % 4 {
            0 => json!(n),
            1 => json!(format!("value {n}")),
            2 => json!(n % 3 == 0),
            _ => Value::Null,
        };
        map.insert(format!("unknown_field_{n}"), value);
    }
    record
}

fn page() -> Vec<u8> {
    let tickets: Vec<Value> = (1..=100).map(ticket).collect();
    serde_json::to_vec(&tickets).expect("serializable")
}

fn decode(c: &mut Criterion) {
    let body = page();
    let mut group = c.benchmark_group("decode 100 tickets");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("baseline: plain derive, unknown fields dropped", |b| {
        b.iter(|| serde_json::from_slice::<Vec<PlainTicket>>(black_box(&body)).expect("decodes"))
    });
    group.bench_function("halopsa::Ticket, lossless", |b| {
        b.iter(|| {
            serde_json::from_slice::<Vec<halopsa::Ticket>>(black_box(&body)).expect("decodes")
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
