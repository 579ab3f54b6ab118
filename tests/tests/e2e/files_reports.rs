//! Files and reports through the generated API: invoice PDFs in memory and
//! streamed, attachments uploaded (base64 and multipart) and downloaded back,
//! SQL reports from the spec (`halo.reports().query(..)`), saved reports run
//! on request, and report PDFs stored as attachments.

use halopsa::runtime::{wire, ReportRows};
use halopsa::{Attachment, AttachmentId, Error, InvoiceId, Multipart, NewAttachment, TicketId};
use serde::Deserialize;
use serde_json::Value;

use crate::common::{bounded, fake, file_bytes};
use halopsa_e2e::FakeClient;

/// A PDF as a reader would accept it: the header, the end marker, and a
/// cross-reference table where `startxref` says.
fn assert_pdf(bytes: &[u8]) {
    assert!(bytes.starts_with(b"%PDF-1."), "a PDF header");
    let text = String::from_utf8_lossy(bytes);
    assert!(text.trim_end().ends_with("%%EOF"), "a PDF end marker");
    let offset: usize = text
        .rsplit("startxref")
        .next()
        .and_then(|tail| tail.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("startxref");
    assert!(
        text[offset..].starts_with("xref"),
        "startxref points at the table"
    );
}

#[tokio::test]
async fn an_invoice_pdf_arrives_in_memory_and_streamed_to_a_writer() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo.client();
        let id = InvoiceId::new(2);
        let invoice = client.invoices().get(id).await.expect("an invoice");

        let pdf = client.invoices().pdf(id).await.expect("rendered");
        assert_pdf(&pdf.bytes);
        assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(pdf.name.as_deref(), Some("invoice-2.pdf"));
        // The PDF shows the invoice it was asked for.
        let number = invoice.invoicenumber.expect("seeded with a number");
        assert!(
            String::from_utf8_lossy(&pdf.bytes).contains(&number),
            "the PDF names {number}"
        );

        let mut streamed = Vec::new();
        let info = client
            .invoices()
            .pdf(id)
            .download(&mut streamed)
            .await
            .expect("streamed");
        assert_eq!(streamed, pdf.bytes, "the same document both ways");
        assert_eq!(info.size, pdf.bytes.len() as u64);
        assert_eq!(info.name.as_deref(), Some("invoice-2.pdf"));

        let missing = client
            .invoices()
            .pdf(InvoiceId::new(9999))
            .await
            .expect_err("no such invoice");
        assert!(missing.is_not_found(), "{missing:?}");
    })
    .await;
}

#[tokio::test]
async fn an_attachment_uploaded_in_base64_downloads_as_the_same_file() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo.client();
        let bytes = file_bytes();
        let ticket = TicketId::new(3);
        let new = NewAttachment::new()
            .ticket_id(ticket)
            .filename("rapport d'été.bin")
            .content_type("application/octet-stream")
            .data_base64(&bytes);
        let saved: Attachment = client.attachments().create(&new).await.expect("uploaded");
        assert_eq!(saved.filesize, Some(bytes.len() as i32));
        assert_eq!(saved.data_base64, None, "the file is not sent back");
        assert_eq!(
            halo.file("Attachment", &saved.id.to_string()),
            Some(bytes.clone()),
            "stored as sent"
        );

        // Listed with its ticket.
        let listed = client
            .attachments()
            .list()
            .ticket_id(ticket)
            .await
            .expect("listed");
        assert!(listed.iter().any(|a| a.id == saved.id), "{listed:?}");
        assert!(listed.iter().all(|a| a.ticket_id == Some(ticket)));

        // In memory, then streamed to a file on disk.
        let file = client
            .attachments()
            .download(saved.id)
            .await
            .expect("downloaded");
        assert!(file.bytes == bytes, "the same bytes");
        assert_eq!(file.name.as_deref(), Some("rapport d'été.bin"));
        assert_eq!(
            file.content_type.as_deref(),
            Some("application/octet-stream")
        );
        let target = std::env::temp_dir().join(format!(
            "halopsa-e2e-attachment-{}-{}.bin",
            std::process::id(),
            saved.id
        ));
        let mut disk = tokio::fs::File::create(&target).await.expect("created");
        let info = client
            .attachments()
            .download(saved.id)
            .download(&mut disk)
            .await
            .expect("streamed");
        drop(disk);
        let written = tokio::fs::read(&target).await.expect("read back");
        let _ = tokio::fs::remove_file(&target).await;
        assert!(written == bytes, "the same bytes on disk");
        assert_eq!(info.size, bytes.len() as u64);

        // Deleted: gone, and so is its file.
        client
            .attachments()
            .delete(saved.id)
            .await
            .expect("deleted");
        let gone = client
            .attachments()
            .download(saved.id)
            .await
            .expect_err("deleted");
        assert!(gone.is_not_found(), "{gone:?}");
    })
    .await;
}

#[tokio::test]
async fn an_image_uploaded_as_a_multipart_form_is_stored_with_its_ticket() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo.client();
        // A PNG signature and bytes a text encoding would mangle.
        let png: Vec<u8> = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']
            .into_iter()
            .chain((0..=255u8).rev())
            .collect();
        let form = Multipart::new().file("file", "screen shot.png", "image/png", png.clone());
        let stored: Value = client
            .attachments()
            .upload_image(&form)
            .ticket_id(TicketId::new(2))
            .action_id(1)
            .await
            .expect("uploaded");
        let id = AttachmentId::new(stored["id"].as_i64().expect("an id") as i32);
        assert_eq!(stored["filesize"], png.len());
        assert_eq!(stored["isimage"], true);

        // Listed with the action it was attached to, which needs its ticket.
        let of_action = client
            .attachments()
            .of_action(TicketId::new(2), 1)
            .await
            .expect("listed");
        assert_eq!(of_action.iter().map(|a| a.id).collect::<Vec<_>>(), vec![id]);

        let file = client.attachments().download(id).await.expect("downloaded");
        assert_eq!(file.bytes, png);
        assert_eq!(file.name.as_deref(), Some("screen shot.png"));
        assert_eq!(file.content_type.as_deref(), Some("image/png"));

        // A form without the file part is refused, not stored.
        let before = halo.records("Attachment").len();
        let err = client
            .attachments()
            .upload_image(&Multipart::new().text("note", "no file"))
            .await
            .expect_err("no file part");
        assert_eq!(err.status(), Some(400), "{err:?}");
        assert_eq!(halo.records("Attachment").len(), before);
    })
    .await;
}

/// A ticket row of a report, read into the caller's own struct.
#[derive(Debug, Deserialize, PartialEq)]
struct OpenTicket {
    id: i64,
    summary: String,
    #[serde(with = "wire::int")]
    client_id: Option<i32>,
}

#[tokio::test]
async fn a_sql_report_from_the_spec_reads_rows_as_maps_or_structs() {
    bounded(20, async {
        let halo = fake(40).await;
        let client = halo.client();
        let sql = "SELECT id, summary, client_id FROM FAULTS WHERE client_id = 2 ORDER BY id";

        let report: ReportRows = client.reports().query(sql).await.expect("ran");
        assert_eq!(report.columns, ["id", "summary", "client_id"]);
        assert!(!report.is_empty());
        for row in &report.rows {
            assert_eq!(row.len(), 3, "{row:?}");
            // As the tickets hold it: `2`, `2.0` or `"2"`.
            let client = &row["client_id"];
            let number = client
                .as_f64()
                .or_else(|| client.as_str().and_then(|s| s.parse().ok()));
            assert_eq!(number, Some(2.0), "{row:?}");
        }

        let typed: Vec<OpenTicket> = client.reports().query(sql).rows().await.expect("typed");
        let listed = client
            .tickets()
            .list()
            .client_id(2)
            .collect()
            .await
            .expect("listed");
        let expected: Vec<OpenTicket> = listed
            .iter()
            .map(|t| OpenTicket {
                id: i64::from(t.id.get()),
                summary: t.summary.clone().unwrap_or_default(),
                client_id: Some(2),
            })
            .collect();
        assert_eq!(typed, expected, "the rows a listing gives");
        assert_eq!(typed.len(), report.len());

        // The database's complaint, as the report's error.
        let err = client
            .reports()
            .query("SELECT nope FROM FAULTS")
            .await
            .expect_err("no such column");
        assert!(
            matches!(&err, Error::Report { message, .. } if message == "Invalid column name 'nope'."),
            "{err:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_report_without_read_reporting_names_the_scope() {
    bounded(20, async {
        let halo = fake(5).await;
        let narrow = halo
            .client_builder()
            .scope("read:tickets")
            .build()
            .expect("valid");
        let err = narrow
            .reports()
            .query("SELECT id FROM FAULTS")
            .await
            .expect_err("HTTP 403");
        assert_eq!(err.required_scope(), Some("read:reporting"), "{err:?}");
        assert!(err.to_string().contains("`read:reporting`"), "{err}");
        // Saved reports need it too (the collection's read scope).
        let err = narrow.reports().list().await.expect_err("HTTP 403");
        assert_eq!(err.required_scope(), Some("read:reporting"), "{err:?}");

        let reporting = halo
            .client_builder()
            .scope("read:reporting")
            .build()
            .expect("valid");
        let rows = reporting
            .reports()
            .query("SELECT id FROM FAULTS")
            .await
            .expect("allowed");
        assert_eq!(rows.len(), 5);
    })
    .await;
}

#[tokio::test]
async fn a_saved_report_runs_on_request_and_prints_to_a_stored_pdf() {
    bounded(20, async {
        let halo = fake(10).await;
        let client = halo.client();
        let listed = client.reports().list().collect().await.expect("listed");
        let saved = listed
            .iter()
            .find(|r| r.name.as_deref() == Some("Clients"))
            .expect("a seeded report");
        assert_eq!(saved.report, None, "not run unless asked");

        let loaded = client
            .reports()
            .get(saved.id)
            .load_report()
            .await
            .expect("run");
        let content = loaded.report.expect("its rows");
        assert_eq!(content.loaded, Some(true));
        let rows = content.rows.expect("rows");
        let clients = client.clients().list().collect().await.expect("clients");
        assert_eq!(rows.len(), clients.len());
        assert!(rows.iter().all(|row| row.get("name").is_some()), "{rows:?}");

        // Printed: the answer names the attachment that holds the PDF.
        let answer: Value = client.reports().create_pdf(saved).await.expect("printed");
        let attachment = answer["pdf_attachment_id"].as_i64().expect("an attachment");
        let stored = client.reports().get(saved.id).await.expect("the report");
        assert_eq!(
            stored.pdf_attachment_id.map(|id| i64::from(id.get())),
            Some(attachment)
        );
        let pdf = client
            .attachments()
            .download(AttachmentId::new(attachment as i32))
            .await
            .expect("the PDF");
        assert_pdf(&pdf.bytes);
        assert_eq!(pdf.name.as_deref(), Some("Clients.pdf"));
        let first = clients[0].name.clone().expect("a name");
        assert!(
            String::from_utf8_lossy(&pdf.bytes).contains(&first),
            "the PDF shows the rows: {first}"
        );
    })
    .await;
}
