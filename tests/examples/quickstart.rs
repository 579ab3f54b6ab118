//! The quickstart: the generated client at work.
//!
//! ```text
//! cargo run -p halopsa-e2e --example quickstart
//! ```
//!
//! With no `HALOPSA_*` variables set, it starts the fake HaloPSA server in
//! this process and lists, streams, creates, patches, updates and deletes
//! tickets against it, runs an SQL report, and attaches a file to a ticket
//! and downloads it back. With `HALOPSA_BASE_URL`, `HALOPSA_CLIENT_ID`,
//! `HALOPSA_CLIENT_SECRET` (and `HALOPSA_TENANT` for cloud instances) set, it
//! runs the read-only calls against that instance instead.

use std::error::Error;
use std::pin::pin;
use std::process::ExitCode;

use futures::StreamExt;
use halopsa::{ClientId, HaloClient, NewAttachment, NewTicket, StatusId, Ticket, TicketId};
use halopsa_e2e::{FakeClient, FakeHalo};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Tickets the streaming step reads at most: a real instance may hold many
/// thousands, and every page counts against the tenant's rate limit.
const STREAM_LIMIT: usize = 250;

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
    let configured = std::env::vars_os().any(|(name, _)| {
        name.to_str()
            .is_some_and(|name| name.starts_with("HALOPSA_"))
    });
    if configured {
        println!("HALOPSA_* is set: read-only calls against your instance.");
        let halo = HaloClient::from_env()?;
        return read_only(&halo).await;
    }
    println!("No HALOPSA_* variables: starting the fake HaloPSA server in-process.");
    let fake = FakeHalo::builder().tickets(STREAM_LIMIT).start().await?;
    println!(
        "  {} (tenant `{}`, client id `{}`)",
        fake.base_url(),
        fake.tenant(),
        fake.client_id()
    );
    let halo = fake.client();
    read_only(&halo).await?;
    writes(&halo).await?;
    let counters = fake.counters();
    println!(
        "\nThe fake served {} requests with {} token request(s).",
        counters.total_requests(),
        counters.token_requests
    );
    Ok(())
}

fn line(ticket: &Ticket) -> String {
    format!(
        "#{:<5} {:<16} {}",
        ticket.id,
        ticket.status_name.as_deref().unwrap_or("?"),
        ticket.summary.as_deref().unwrap_or("")
    )
}

/// Lists and streams: safe against any instance.
async fn read_only(halo: &HaloClient) -> Result<()> {
    println!("\n1. One page of open tickets, newest first:");
    let page = halo
        .tickets()
        .list()
        .open_only()
        .order("dateoccurred")
        .order_desc()
        .page_size(5)
        .send()
        .await?;
    println!(
        "   {} open tickets in all; the first {}:",
        page.record_count.unwrap_or(0),
        page.items.len()
    );
    for ticket in &page.items {
        println!("   {}", line(ticket));
    }

    println!("\n2. Streaming tickets page by page, two pages prefetched (at most {STREAM_LIMIT}):");
    let stream = halo.tickets().list().prefetch(2).stream();
    let mut stream = pin!(stream.take(STREAM_LIMIT));
    let (mut count, mut with_custom_fields) = (0, 0);
    while let Some(ticket) = stream.next().await {
        let ticket = ticket?;
        count += 1;
        if ticket.custom_field("CFDepartment").is_some() {
            with_custom_fields += 1;
        }
    }
    println!("   {count} tickets, {with_custom_fields} with a CFDepartment custom field");

    println!("\n3. The first clients:");
    let clients = halo.clients().list().page_size(3).send().await?;
    for client in &clients.items {
        println!("   {} {}", client.id, client.name.as_deref().unwrap_or(""));
    }

    println!("\n4. An SQL report: five tickets in one request (needs `read:reporting`):");
    match halo.reports().query("SELECT TOP 5 * FROM FAULTS").await {
        Ok(report) => {
            let shown: Vec<&str> = report.columns.iter().take(4).map(String::as_str).collect();
            println!(
                "   {} rows of {} columns ({}, ...)",
                report.len(),
                report.columns.len(),
                shown.join(", ")
            );
        }
        // The error names the scope to grant, and where.
        Err(err) if err.required_scope().is_some() => println!("   skipped: {err}"),
        Err(err) => return Err(err.into()),
    }
    Ok(())
}

/// Creates, changes and deletes a ticket: only ever run against the fake.
async fn writes(halo: &HaloClient) -> Result<()> {
    println!("\n5. Creating a ticket for client 3:");
    let new = NewTicket::new()
        .summary("Printer on fire")
        .client_id(ClientId::new(3));
    let ticket = halo.tickets().create(&new).await?;
    println!(
        "   created #{} for {}",
        ticket.id,
        ticket.client_name.as_deref().unwrap_or("?")
    );

    println!("\n6. Patching only its status:");
    let patched = halo
        .tickets()
        .patch(ticket.id)
        .status_id(StatusId::new(2))
        .await?;
    println!(
        "   status is now {} ({})",
        patched.status_id.map_or(-1, |id| id.get()),
        patched.status_name.as_deref().unwrap_or("?")
    );

    println!("\n7. Read, change, write back (unknown fields survive):");
    let mut existing = halo.tickets().get(TicketId::new(10)).await?;
    let unknown = existing.extra.len();
    existing.summary = Some("Printer no longer on fire".into());
    let saved = halo.tickets().update(&existing).await?;
    println!(
        "   #{} saved; its {unknown} fields the spec does not list went back unchanged ({} now)",
        saved.id,
        saved.extra.len()
    );

    println!("\n8. Attaching a file to the new ticket and downloading it back:");
    let notes = b"Printer serial PX-4410; toner replaced.\n".to_vec();
    let new = NewAttachment::new()
        .ticket_id(ticket.id)
        .filename("printer-notes.txt")
        .content_type("text/plain")
        .data_base64(&notes);
    let attachment = halo.attachments().create(&new).await?;
    let file = halo.attachments().download(attachment.id).await?;
    println!(
        "   attachment #{} ({} bytes); downloaded `{}` ({}), {}",
        attachment.id,
        attachment.filesize.unwrap_or(0),
        file.name.as_deref().unwrap_or("?"),
        file.content_type.as_deref().unwrap_or("?"),
        if file.bytes == notes {
            "the same bytes"
        } else {
            "DIFFERENT bytes"
        }
    );

    println!("\n9. Deleting the new ticket:");
    halo.tickets().delete(ticket.id).reason("demo").await?;
    match halo.tickets().get(ticket.id).await {
        Err(err) if err.is_not_found() => println!("   gone: {err}"),
        Err(err) => return Err(err.into()),
        Ok(_) => println!("   unexpectedly still there"),
    }
    Ok(())
}
