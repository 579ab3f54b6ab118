//! The configuration and billing collections through the typed API: each
//! listed and fetched, with the filters, keys and parameters that make it
//! awkward (a lookup table that must be named, timesheet days named by
//! agent and date, priorities keyed by UUID), and recurring invoicing.

use chrono::{DateTime, NaiveDate, Utc};
use halopsa::{AgentId, RecurringInvoiceLine, SlaId, StatusId};

use crate::common::{bounded, fake};
use halopsa_e2e::FakeClient;

fn day(text: &str) -> DateTime<Utc> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .expect("a date")
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
}

#[tokio::test]
async fn outcomes_and_field_definitions_are_listed_and_fetched() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let outcomes = client.outcomes().list().await.expect("outcomes");
        let names: Vec<_> = outcomes
            .iter()
            .filter_map(|o| o.outcome.as_deref())
            .collect();
        assert_eq!(names, ["Note", "Email User", "Phone Call", "Resolved"]);
        let resolved = outcomes
            .iter()
            .find(|o| o.outcome.as_deref() == Some("Resolved"))
            .expect("a resolving outcome");
        // Resolving closes the ticket (status 9 is Closed).
        assert_eq!(resolved.newstatus, Some(StatusId::new(9)));
        let fetched = client
            .outcomes()
            .get(resolved.id)
            .include_details()
            .await
            .expect("one outcome");
        assert_eq!(fetched.buttonname.as_deref(), Some("Resolved"));
        assert_eq!(fetched.slareleaseischecked, Some(true));

        let fields = client.field_info().list().await.expect("field definitions");
        let department = fields
            .iter()
            .find(|f| f.name.as_deref() == Some("CFDepartment"))
            .expect("the department field");
        assert_eq!(department.label.as_deref(), Some("Department"));
        // The definitions are those behind the records' custom fields.
        let acme = client.clients().get(1).await.expect("a client");
        let value = acme.custom_field("CFDepartment").expect("a department");
        assert_eq!(value.id, Some(department.id.get()));
        let fetched = client
            .field_info()
            .get(department.id)
            .await
            .expect("one definition");
        let offered = fetched.values.expect("selection values");
        assert!(offered.to_string().contains("Finance"), "{offered}");
    })
    .await;
}

#[tokio::test]
async fn priorities_are_keyed_by_uuid_and_numbered_per_sla() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let slas = client.slas().list().await.expect("SLAs");
        let premium = slas
            .iter()
            .find(|s| s.name.as_deref() == Some("Premium SLA"))
            .expect("a premium SLA");
        let fetched = client.slas().get(premium.id).await.expect("one SLA");
        assert_eq!(fetched.autoreleaseoption, Some(true));
        assert_eq!(fetched.name, premium.name);

        let priorities = client
            .priorities()
            .list()
            .sla_id(premium.id)
            .await
            .expect("priorities of one SLA");
        assert_eq!(priorities.len(), 4);
        assert!(priorities.iter().all(|p| p.sla_id == Some(premium.id)));
        let numbers: Vec<_> = priorities.iter().filter_map(|p| p.priorityid).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
        // The key is a UUID; the number is what tickets carry.
        let critical = &priorities[0];
        let key = critical.id.as_str();
        assert_eq!(key.len(), 36, "{key}");
        assert_eq!(key.matches('-').count(), 4, "{key}");
        let fetched = client
            .priorities()
            .get(critical.id.clone())
            .await
            .expect("one priority");
        assert_eq!(fetched.name.as_deref(), Some("Critical"));
        assert_eq!(fetched.sla_id, Some(premium.id));
        // Premium answers twice as fast: half an hour for critical.
        assert_eq!(fetched.response_time, Some(0.5));
        let all = client.priorities().list().await.expect("every priority");
        assert_eq!(all.len(), 12);
        assert!(client
            .priorities()
            .get_opt("00000000-0000-4000-8000-000000000000")
            .await
            .expect("an answer")
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn categories_asset_types_and_top_levels_are_listed_and_fetched() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let second = client
            .categories()
            .list()
            .list_number(2)
            .await
            .expect("the second category list");
        let values: Vec<_> = second.iter().filter_map(|c| c.value.as_deref()).collect();
        assert_eq!(values, ["Billing", "Access request"]);
        let printer = client.categories().get(2).await.expect("one category");
        assert_eq!(printer.value.as_deref(), Some("Hardware>Printer"));
        assert_eq!(printer.sla_id, Some(SlaId::new(1)));

        let types = client.asset_types().list().await.expect("asset types");
        let names: Vec<_> = types.iter().filter_map(|t| t.name.as_deref()).collect();
        assert_eq!(
            names,
            ["Laptop", "Desktop", "Server", "Printer", "Firewall"]
        );
        let server = client.asset_types().get(3).await.expect("one type");
        assert_eq!(server.name.as_deref(), Some("Server"));
        assert_eq!(server.keyfield2_name.as_deref(), Some("Serial number"));

        let top_levels = client
            .top_levels()
            .list()
            .collect()
            .await
            .expect("top levels");
        let names: Vec<_> = top_levels
            .iter()
            .filter_map(|t| t.name.as_deref())
            .collect();
        assert_eq!(names, ["Customers", "Internal", "Prospects"]);
        let page = client
            .top_levels()
            .list()
            .page_size(2)
            .send()
            .await
            .expect("a page");
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.record_count, Some(3));
        let customers = client.top_levels().get(1).await.expect("one top level");
        assert_eq!(customers.name.as_deref(), Some("Customers"));
        assert_eq!(customers.user_count, Some(120));
    })
    .await;
}

#[tokio::test]
async fn a_lookup_table_must_be_named_and_only_holds_its_own_values() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        // The urgency table (9) and the impact table (8).
        let urgency = client.lookups().list(9).await.expect("urgency values");
        let names: Vec<_> = urgency.iter().filter_map(|l| l.name.as_deref()).collect();
        assert_eq!(names, ["High", "Medium", "Low"]);
        assert!(urgency.iter().all(|l| l.lookup_id == Some(9)));
        let impact = client.lookups().list(8).await.expect("impact values");
        assert_eq!(impact.len(), 3);
        assert!(impact.iter().all(|l| l.lookup_id == Some(8)));

        let high = urgency[0].id;
        let fetched = client.lookups().get(high, 9).await.expect("one value");
        assert_eq!(fetched.name.as_deref(), Some("High"));
        // The same id under another table is not this value.
        let elsewhere = client.lookups().get_opt(high, 8).await.expect("an answer");
        assert!(elsewhere.is_none(), "{elsewhere:?}");
    })
    .await;
}

#[tokio::test]
async fn timesheet_days_are_named_by_agent_and_date() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        // Three agents' days from 2024-01-01 to 2024-01-03.
        let days = client
            .timesheets()
            .list()
            .start_date(day("2024-01-02"))
            .await
            .expect("timesheet days");
        assert_eq!(days.len(), 6);
        assert!(days.iter().all(|d| d.date >= Some(day("2024-01-02"))));
        // Listed days carry id 0: they are named by agent and date.
        assert!(days.iter().all(|d| d.id.get() == 0));
        let second = days
            .iter()
            .find(|d| d.agent_id == Some(AgentId::new(3)) && d.date == Some(day("2024-01-02")))
            .expect("agent 3's second day");

        let fetched = client
            .timesheets()
            .get(0)
            .agent_id(3)
            .date(day("2024-01-02"))
            .await
            .expect("one day");
        assert!(fetched.id.get() > 0, "a stored timesheet has its own id");
        assert_eq!(fetched.agent_id, Some(AgentId::new(3)));
        assert_eq!(fetched.date, second.date);
        assert_eq!(fetched.agent_name.as_deref(), Some("Priya Tech"));
        assert_eq!(fetched.break_hours, Some(0.75));
        assert_eq!(fetched.work_hours, second.work_hours);
        let again = client
            .timesheets()
            .get(fetched.id)
            .await
            .expect("by its id");
        assert_eq!(again.date, fetched.date);
        // A day without a stored timesheet is still a day, with id 0.
        let christmas = client
            .timesheets()
            .get(0)
            .agent_id(3)
            .date(day("2023-12-25"))
            .await
            .expect("an unstored day");
        assert_eq!(christmas.id.get(), 0);
        assert_eq!(christmas.agent_id, Some(AgentId::new(3)));
        assert_eq!(christmas.date, Some(day("2023-12-25")));
        assert_eq!(christmas.work_hours, None);
    })
    .await;
}

#[tokio::test]
async fn crm_notes_licences_and_payments_are_listed_and_fetched() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let notes = client
            .crm_notes()
            .list()
            .client_id(2)
            .include_html_note()
            .await
            .expect("CRM notes");
        assert!(!notes.is_empty());
        assert!(notes
            .iter()
            .all(|n| n.client_id.map(|c| c.get()) == Some(2)));
        let note = client.crm_notes().get(notes[0].id).await.expect("one note");
        assert!(note
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("Meeting")));
        assert!(note.detail.as_deref().is_some_and(|d| d.starts_with("<p>")));

        let licences = client
            .software_licences()
            .list()
            .collect()
            .await
            .expect("licences");
        assert_eq!(licences.len(), 5);
        let m365 = &licences[0];
        assert_eq!(m365.name.as_deref(), Some("Microsoft 365 Business Premium"));
        let fetched = client
            .software_licences()
            .get(m365.id)
            .await
            .expect("one licence");
        let (seats, used, free) = (
            fetched.seats.expect("seats"),
            fetched.licences_in_use.expect("in use"),
            fetched.licences_available.expect("available"),
        );
        assert_eq!(seats, used + free);

        let payments = client
            .invoice_payments()
            .list()
            .invoice_id(2)
            .collect()
            .await
            .expect("payments of one invoice");
        assert_eq!(payments.len(), 1);
        let payment = client
            .invoice_payments()
            .get(payments[0].id)
            .await
            .expect("one payment");
        assert_eq!(payment.amount, Some(240.0));
        assert_eq!(payment.invoice_invoicenumber.as_deref(), Some("INV-00002"));
    })
    .await;
}

#[tokio::test]
async fn purchase_and_sales_orders_are_listed_and_fetched_with_their_lines() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let orders = client
            .purchase_orders()
            .list()
            .collect()
            .await
            .expect("POs");
        assert_eq!(orders.len(), 5);
        let order = client
            .purchase_orders()
            .get(orders[1].id)
            .await
            .expect("one PO");
        assert_eq!(order.po_ref.as_deref(), Some("PO-00002"));
        let lines = order.lines.expect("lines");
        assert_eq!(lines[0].purchaseorder_id, Some(order.id));
        assert_eq!(lines[0].name.as_deref(), Some("Business laptop"));

        let sales = client
            .sales_orders()
            .list()
            .client_id(3)
            .collect()
            .await
            .expect("sales orders of one client");
        assert!(!sales.is_empty());
        assert!(sales
            .iter()
            .all(|s| s.client_id.map(|c| c.get()) == Some(3)));
        let sale = client
            .sales_orders()
            .get(sales[0].id)
            .await
            .expect("one sale");
        assert_eq!(sale.title, sales[0].title);
        let line = &sale.lines.expect("lines")[0];
        assert_eq!(line.salesorder_id, Some(sale.id));
        assert_eq!(line.total_price, Some(1440.0));
    })
    .await;
}

#[tokio::test]
async fn recurring_invoices_update_their_lines_and_raise_invoices() {
    bounded(30, async {
        let halo = fake(20).await;
        let client = halo.client();

        let all = client
            .recurring_invoices()
            .list()
            .include_lines()
            .collect()
            .await
            .expect("recurring invoices");
        assert_eq!(all.len(), 5);
        let recurring = client
            .recurring_invoices()
            .get(all[0].id)
            .await
            .expect("one recurring invoice");
        assert_eq!(recurring.reference.as_deref(), Some("MSA-0001"));
        let lines = recurring.lines.clone().expect("lines");
        assert_eq!(lines.len(), 2);
        assert!(lines
            .iter()
            .all(|l| l.recurring_invoice_id == Some(recurring.id)));

        // Change the first line's quantity and add a line.
        let changed = RecurringInvoiceLine {
            id: lines[0].id,
            recurring_invoice_id: Some(recurring.id),
            quantity: Some(12.0),
            ..RecurringInvoiceLine::default()
        };
        let added = RecurringInvoiceLine {
            recurring_invoice_id: Some(recurring.id),
            item_shortdescription: Some("Firewall subscription".into()),
            quantity: Some(1.0),
            unit_price: Some(25.0),
            ..RecurringInvoiceLine::default()
        };
        client
            .recurring_invoices()
            .update_lines(&[changed, added])
            .await
            .expect("lines saved");
        let after = client
            .recurring_invoices()
            .get(recurring.id)
            .await
            .expect("after the update")
            .lines
            .expect("lines");
        assert_eq!(after.len(), 3);
        assert_eq!(after[0].quantity, Some(12.0));
        // The rest of the first line is as it was.
        assert_eq!(
            after[0].item_shortdescription,
            lines[0].item_shortdescription
        );
        assert_eq!(
            after[2].item_shortdescription.as_deref(),
            Some("Firewall subscription")
        );

        let due = recurring.nextcreationdate.expect("a next date");
        let raised = client
            .recurring_invoices()
            .process([recurring.id])
            .await
            .expect("invoices raised");
        let invoice_id = raised[0]["id"].as_i64().expect("the new invoice's id");
        let invoice = client
            .invoices()
            .get(i32::try_from(invoice_id).expect("an i32 id"))
            .await
            .expect("the raised invoice");
        assert_eq!(invoice.client_id, recurring.client_id);
        assert_eq!(invoice.invoice_date, Some(due));
        let invoice_lines = invoice.lines.expect("lines");
        assert_eq!(invoice_lines.len(), 3);
        assert!(invoice_lines
            .iter()
            .all(|l| l.invoice_id == Some(invoice.id)));
        assert_eq!(invoice_lines[0].quantity, Some(12.0));
        let moved = client
            .recurring_invoices()
            .get(recurring.id)
            .await
            .expect("after processing");
        assert_eq!(moved.lastcreated, Some(due));
        assert!(moved.nextcreationdate > Some(due));

        // An unknown recurring invoice raises nothing.
        let err = client
            .recurring_invoices()
            .process([999_999])
            .await
            .expect_err("no such recurring invoice");
        assert_eq!(err.status(), Some(400), "{err}");
    })
    .await;
}

/// The ids tickets, actions, assets and clients carry name records of the
/// new collections, so following one is a typed call.
#[tokio::test]
async fn references_lead_to_records_of_the_new_collections() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let ticket = client.tickets().get(3).await.expect("a ticket");
        let sla = client
            .slas()
            .get(ticket.sla_id.expect("an SLA"))
            .await
            .expect("its SLA");
        assert_eq!(sla.name, ticket.sla_name);
        // Its priority is a number under that SLA, not a priority's key.
        let priorities = client
            .priorities()
            .list()
            .sla_id(sla.id)
            .await
            .expect("priorities");
        let priority = priorities
            .iter()
            .find(|p| p.priorityid == ticket.priority_id)
            .expect("the ticket's priority");
        assert_eq!(priority.name, ticket.priority_name);

        let actions = client.actions().list(ticket.id).await.expect("actions");
        let action = actions.first().expect("an action");
        let outcome = client
            .outcomes()
            .get(action.outcome_id.expect("an outcome"))
            .await
            .expect("its outcome");
        assert_eq!(outcome.outcome, action.outcome);

        let asset = client.assets().get(2).await.expect("an asset");
        let kind = client
            .asset_types()
            .get(asset.assettype_id.expect("a type"))
            .await
            .expect("its type");
        assert_eq!(kind.name, asset.assettype_name);

        let acme = client.clients().get(1).await.expect("a client");
        let top = client
            .top_levels()
            .get(acme.toplevel_id.expect("a top level"))
            .await
            .expect("its top level");
        assert_eq!(top.name, acme.toplevel_name);
        let under = client
            .clients()
            .list()
            .toplevel_id(top.id)
            .collect()
            .await
            .expect("clients under it");
        assert!(under.iter().any(|c| c.id == acme.id));
    })
    .await;
}
