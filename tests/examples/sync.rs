//! Keeps a SQLite file current with HaloPSA's tickets and clients.
//!
//! ```text
//! cargo run -p halopsa-e2e --example sync [-- PATH]
//! ```
//!
//! The first run loads every record; later runs fetch only what changed
//! since (`changed_since`, resuming from the cursor kept in the file) and
//! delete the tickets Halo reports deleted. Each run prints what it did and
//! how many requests it spent. The file is `PATH`, or `halopsa-sync.sqlite`
//! in the system's temporary directory; delete it to start over.
//!
//! With no `HALOPSA_*` variables set it syncs from the fake HaloPSA server,
//! started in this process; since that one starts afresh every time, each
//! later run first plays another user's work on it (edits, a new ticket, a
//! deletion), so that there is something to sync. With `HALOPSA_BASE_URL`,
//! `HALOPSA_CLIENT_ID`, `HALOPSA_CLIENT_SECRET` (and `HALOPSA_TENANT`) set it
//! syncs from that instance, reading only.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use halopsa::runtime::Resource;
use halopsa::{ClientId, HaloClient, NewTicket, SyncCursor, TicketId};
use halopsa_e2e::{FakeClient, FakeHalo};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Tickets on the fake server.
const TICKETS: usize = 1000;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let path = std::env::args_os().nth(1).map_or_else(
        || std::env::temp_dir().join("halopsa-sync.sqlite"),
        PathBuf::from,
    );
    let mut db = Connection::open(&path)?;
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS records (
             collection TEXT NOT NULL,
             id INTEGER NOT NULL,
             updated TEXT,
             title TEXT,
             body TEXT NOT NULL,
             PRIMARY KEY (collection, id)
         );
         CREATE TABLE IF NOT EXISTS cursors (
             collection TEXT PRIMARY KEY,
             cursor TEXT NOT NULL
         );
         CREATE TABLE IF NOT EXISTS runs (at TEXT NOT NULL);",
    )?;
    let runs: i64 = db.query_row("SELECT COUNT(*) FROM runs", [], |row| row.get(0))?;
    println!("{} (run {})", path.display(), runs + 1);

    let configured = std::env::vars_os().any(|(name, _)| {
        name.to_str()
            .is_some_and(|name| name.starts_with("HALOPSA_"))
    });
    let (fake, halo) = if configured {
        println!("HALOPSA_* is set: syncing from your instance, read-only.");
        (None, HaloClient::from_env()?)
    } else {
        let fake = FakeHalo::builder().tickets(TICKETS).start().await?;
        println!("No HALOPSA_* variables: syncing from the fake HaloPSA server.");
        let halo = fake.client();
        (Some(fake), halo)
    };
    if let (Some(fake), true) = (&fake, runs > 0) {
        someone_works(&halo, runs).await?;
        println!(
            "  meanwhile, another user edited 3 tickets, created 1 and deleted 1 ({} requests)",
            fake.counters().requests_under("/api")
        );
    }
    let before = fake.as_ref().map(|f| f.counters().total_requests());

    let mut spent = 0;
    let cursor = load_cursor(&db, "Tickets")?;
    let changes = halo.tickets().changed_since(&cursor).await?;
    spent += changes.requests;
    let tx = db.transaction()?;
    for ticket in &changes.changed {
        upsert(&tx, ticket, ticket.last_update, ticket.summary.as_deref())?;
    }
    for id in &changes.deleted {
        tx.execute(
            "DELETE FROM records WHERE collection = 'Tickets' AND id = ?1",
            params![id.get()],
        )?;
    }
    save_cursor(&tx, "Tickets", &changes.cursor)?;
    tx.commit()?;
    report(
        "tickets",
        &cursor,
        changes.changed.len(),
        Some(changes.deleted.len()),
        changes.requests,
    );

    let cursor = load_cursor(&db, "Client")?;
    let changes = halo.clients().changed_since(&cursor).await?;
    spent += changes.requests;
    let tx = db.transaction()?;
    for client in &changes.changed {
        upsert(&tx, client, client.alastupdate, client.name.as_deref())?;
    }
    save_cursor(&tx, "Client", &changes.cursor)?;
    tx.execute("INSERT INTO runs (at) VALUES (datetime('now'))", [])?;
    tx.commit()?;
    report(
        "clients",
        &cursor,
        changes.changed.len(),
        None,
        changes.requests,
    );

    let rows: i64 = db.query_row("SELECT COUNT(*) FROM records", [], |row| row.get(0))?;
    print!("spent {spent} requests; the file holds {rows} records");
    match (&fake, before) {
        (Some(fake), Some(before)) => println!(
            " (the server counted {} requests for the sync)",
            fake.counters().requests_under("/api") - before
        ),
        _ => println!(),
    }
    println!("Run it again to sync only what changed.");
    Ok(())
}

fn report(what: &str, cursor: &SyncCursor, changed: usize, deleted: Option<usize>, requests: u64) {
    let how = match cursor.since() {
        None => "first run, loaded".to_owned(),
        Some(since) => format!("changed since {}:", since.format("%Y-%m-%d %H:%M:%S")),
    };
    let deleted = match deleted {
        Some(n) => format!(", {n} deleted"),
        None => ", deletions not listed by Halo".to_owned(),
    };
    println!("  {what}: {how} {changed}{deleted} ({requests} requests)");
}

fn load_cursor(db: &Connection, collection: &str) -> Result<SyncCursor> {
    let text: Option<String> = db
        .query_row(
            "SELECT cursor FROM cursors WHERE collection = ?1",
            params![collection],
            |row| row.get(0),
        )
        .optional()?;
    Ok(match text {
        Some(text) => serde_json::from_str(&text)?,
        None => SyncCursor::new(),
    })
}

fn save_cursor(db: &Connection, collection: &str, cursor: &SyncCursor) -> Result<()> {
    db.execute(
        "INSERT INTO cursors (collection, cursor) VALUES (?1, ?2)
         ON CONFLICT (collection) DO UPDATE SET cursor = excluded.cursor",
        params![collection, serde_json::to_string(cursor)?],
    )?;
    Ok(())
}

/// Stores the whole record as JSON, fields the spec does not list included.
fn upsert<T: Resource<Id = halopsa::Id<T>> + Serialize>(
    db: &Connection,
    record: &T,
    updated: Option<chrono::DateTime<chrono::Utc>>,
    title: Option<&str>,
) -> Result<()> {
    db.execute(
        "INSERT INTO records (collection, id, updated, title, body) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (collection, id) DO UPDATE SET
             updated = excluded.updated, title = excluded.title, body = excluded.body",
        params![
            T::PATH,
            record.id().get(),
            updated.map(|at| at.to_rfc3339()),
            title,
            serde_json::to_string(record)?
        ],
    )?;
    Ok(())
}

/// Another user at work on the fake, different on every run.
async fn someone_works(halo: &HaloClient, run: i64) -> Result<()> {
    let pick = |n: i64| TicketId::new(((run * 97 + n * 31) % TICKETS as i64 + 1) as i32);
    for n in 0..3 {
        halo.tickets()
            .patch(pick(n))
            .summary(format!("Edited on run {}", run + 1))
            .await?;
    }
    let new = NewTicket::new()
        .summary(format!("Logged on run {}", run + 1))
        .client_id(ClientId::new(1));
    halo.tickets().create(&new).await?;
    halo.tickets().delete(pick(3)).await?;
    Ok(())
}
