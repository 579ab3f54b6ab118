//! The service catalogue, change management and configuration collections
//! (services, releases, roles, working hours, custom tables, asset groups,
//! tags, to-dos, billing templates, change advisory boards, ticket rules,
//! workflows, list views, notifications, webhook deliveries), each listed
//! and fetched through the typed API; ticket approvals as tickets carry them;
//! and Halo's request-only `_` switches: a ticket deleted and restored, an
//! action logged with switches, a ticket closed with `_force`.

use chrono::Timelike;
use halopsa::{
    AgentId, NewAction, NewTodo, RoleId, StatusId, TicketApproval, TicketId, WebhookEventId,
};
use serde_json::{json, Value};

use crate::common::{bounded, fake};
use halopsa_e2e::FakeClient;

/// The `name` of every stored record of `path`, in id order.
fn stored_names(halo: &halopsa_e2e::FakeHalo, path: &str, field: &str) -> Vec<String> {
    halo.records(path)
        .iter()
        .filter_map(|r| r[field].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn services_releases_and_workflows_are_listed_and_fetched() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let services = client.services().list().collect().await.expect("services");
        let names: Vec<_> = services.iter().filter_map(|s| s.name.clone()).collect();
        assert_eq!(names, stored_names(&halo, "Service", "name"));
        assert_eq!(names[0], "Email");
        let vpn = client
            .services()
            .get(services[1].id)
            .await
            .expect("service");
        assert_eq!(vpn.name.as_deref(), Some("VPN"));
        assert_eq!(vpn.subscribable, Some(true));

        let releases = client.releases().list().collect().await.expect("releases");
        assert_eq!(releases.len(), 5);
        let release = client
            .releases()
            .get(releases[2].id)
            .await
            .expect("release");
        assert_eq!(release.name.as_deref(), Some("2.3.0"));
        assert_eq!(release.minor_version_number, Some(3));

        let workflows = client.workflows().list().send().await.expect("workflows");
        assert_eq!(
            workflows
                .iter()
                .filter_map(|w| w.name.as_deref())
                .collect::<Vec<_>>(),
            ["Incident", "Change", "New starter", "Leaver", "Project"]
        );
        let change = client
            .workflows()
            .get(workflows[1].id)
            .await
            .expect("workflow");
        assert_eq!(change.name.as_deref(), Some("Change"));
    })
    .await;
}

/// Roles are keyed by text (a GUID): the typed id goes into the URL whole.
#[tokio::test]
async fn roles_keyed_by_text_are_listed_and_fetched_by_their_guid() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();
        let roles = client.roles().list().send().await.expect("roles");
        assert_eq!(roles.len(), 5);
        let stored = halo.records("Roles");
        let guid = stored[1]["id"].as_str().expect("a text id").to_owned();
        assert_eq!(roles[1].id, RoleId::new(guid.clone()));
        assert_eq!(guid.len(), 36, "{guid}");

        let role = client.roles().get(guid.as_str()).await.expect("role");
        assert_eq!(role.name.as_deref(), Some("Service Desk"));
        assert_eq!(role.id_int, Some(2));
        assert!(client
            .roles()
            .get_opt("00000000-0000-4000-8000-000000000000")
            .await
            .expect("answered")
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn workdays_custom_tables_and_asset_groups_are_listed_and_fetched() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let workdays = client.workdays().list().send().await.expect("workdays");
        let hours = client
            .workdays()
            .get(workdays[0].id)
            .await
            .expect("workday");
        assert_eq!(hours.name.as_deref(), Some("UK office hours"));
        assert_eq!((hours.monday, hours.friday), (Some(true), Some(true)));
        assert_eq!((hours.saturday, hours.sunday), (Some(false), Some(false)));
        // A time of day on Halo's 1900-01-01, not its "no date" midnight.
        let start = hours.start.expect("a start time");
        assert_eq!((start.hour(), start.minute()), (9, 0));

        let tables = client.custom_tables().list().send().await.expect("tables");
        assert_eq!(tables.len(), 5);
        let circuits = client
            .custom_tables()
            .get(tables[2].id)
            .await
            .expect("table");
        assert_eq!(circuits.name.as_deref(), Some("Circuits"));
        assert_eq!(circuits.db_name.as_deref(), Some("CUSTOMTABLE3"));

        let groups = client.asset_groups().list().send().await.expect("groups");
        let names: Vec<_> = groups.iter().filter_map(|g| g.name.clone()).collect();
        assert_eq!(names, stored_names(&halo, "AssetGroup", "name"));
        let network = client
            .asset_groups()
            .get(groups[2].id)
            .await
            .expect("group");
        assert_eq!(network.name.as_deref(), Some("Network"));
    })
    .await;
}

#[tokio::test]
async fn tags_billing_templates_and_view_lists_are_listed_and_fetched() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let tags = client.tags().list().send().await.expect("tags");
        assert_eq!(
            tags.iter()
                .filter_map(|t| t.text.as_deref())
                .collect::<Vec<_>>(),
            ["vip", "printer", "onboarding", "security", "billing"]
        );
        let vip = client.tags().get(tags[0].id).await.expect("tag");
        assert_eq!(vip.text.as_deref(), Some("vip"));

        let templates = client
            .billing_templates()
            .list()
            .send()
            .await
            .expect("templates");
        let prepay = client
            .billing_templates()
            .get(templates[1].id)
            .await
            .expect("template");
        assert_eq!(prepay.name.as_deref(), Some("Pre-pay hours"));

        let views = client.view_lists().list().send().await.expect("views");
        assert!(views
            .iter()
            .all(|v| v.applies_to.as_deref() == Some("reqs")));
        let overdue = client.view_lists().get(views[3].id).await.expect("view");
        assert_eq!(overdue.name.as_deref(), Some("Overdue"));
    })
    .await;
}

#[tokio::test]
async fn change_boards_and_ticket_rules_are_listed_and_fetched() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let boards = client
            .cabs()
            .list()
            .include_members()
            .send()
            .await
            .expect("boards");
        let board = client.cabs().get(boards[0].id).await.expect("board");
        assert_eq!(board.name.as_deref(), Some("Change board"));
        let members = board.members.expect("members");
        assert_eq!(
            members.iter().map(|m| m.agent_id).collect::<Vec<_>>(),
            [Some(AgentId::new(2)), Some(AgentId::new(3))]
        );
        assert_eq!(members[0].member_name.as_deref(), Some("Sam Admin"));
        assert_eq!(members[0].is_mandatory, Some(true));

        let rules = client.ticket_rules().list().send().await.expect("rules");
        let rule = client.ticket_rules().get(rules[1].id).await.expect("rule");
        assert_eq!(rule.name.as_deref(), Some("VIP to service desk"));
        assert_eq!(rule.precedence, Some(2));
    })
    .await;
}

/// To-dos list only by ticket; they have no item path, so they are read by
/// listing, created, and updated through the collection.
#[tokio::test]
async fn todos_list_by_ticket_and_are_created_and_ticked_off() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let todos = client
            .todos()
            .list(TicketId::new(2))
            .send()
            .await
            .expect("to-dos");
        assert_eq!(
            todos
                .iter()
                .filter_map(|t| t.text.as_deref())
                .collect::<Vec<_>>(),
            ["Create accounts", "Ship the laptop"]
        );
        assert!(todos.iter().all(|t| t.ticket_id == Some(TicketId::new(2))));

        let new = NewTodo::new()
            .ticket_id(TicketId::new(2))
            .text("Hand over the laptop")
            .done(false);
        let created = client.todos().create(&new).await.expect("created");
        let ticked = client
            .todos()
            .patch(created.id)
            .done(true)
            .await
            .expect("ticked off");
        assert_eq!(ticked.done, Some(true));
        let todos = client
            .todos()
            .list(TicketId::new(2))
            .send()
            .await
            .expect("to-dos");
        assert_eq!(todos.len(), 3);
        assert_eq!(todos[2].text.as_deref(), Some("Hand over the laptop"));
        assert_eq!(todos[2].done, Some(true));
    })
    .await;
}

/// A webhook subscription is a notification delivered by webhook (6);
/// deliveries are logged as webhook events, keyed by uuid.
#[tokio::test]
async fn notifications_and_webhook_events_are_listed_and_fetched() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();

        let notifications = client
            .notifications()
            .list()
            .send()
            .await
            .expect("notifications");
        let first = client
            .notifications()
            .get(notifications[0].id)
            .await
            .expect("notification");
        assert_eq!(first.event, Some(61));
        assert_eq!(first.delivery_method, Some(6));
        let webhook = first.webhook_id.clone().expect("a webhook");

        // A filter by a text-keyed record (the role) reaches the server.
        let role = notifications
            .iter()
            .find_map(|n| n.role_id.clone())
            .expect("seeded with roles");
        let of_role = client
            .notifications()
            .list()
            .role_id(role.clone())
            .send()
            .await
            .expect("filtered");
        let expected: Vec<Value> = halo
            .records("Notification")
            .into_iter()
            .filter(|n| n["role_id"].as_str() == Some(role.as_str()))
            .map(|n| n["id"].clone())
            .collect();
        assert!(!expected.is_empty() && expected.len() < notifications.len());
        assert_eq!(
            of_role
                .iter()
                .map(|n| json!(n.id.get()))
                .collect::<Vec<_>>(),
            expected
        );

        let events = client
            .webhook_events()
            .list()
            .webhook_id(webhook.clone())
            .send()
            .await
            .expect("deliveries");
        assert_eq!(events.len(), 1, "one delivery of each webhook is seeded");
        let event = client
            .webhook_events()
            .get(events[0].id.clone())
            .await
            .expect("delivery");
        assert_eq!(event.webhook_id.as_deref(), Some(webhook.as_str()));
        assert_eq!(event.response_status, Some(200));
        assert_eq!(event.error, Some(false));
        let sent: Value = serde_json::from_str(event.request_body.as_deref().expect("a body"))
            .expect("the body sent is JSON");
        assert_eq!(sent[0]["summary"], json!("Printer on fire"));

        // Every third delivery failed; `count` caps the log.
        let failed = client.webhook_events().get(WebhookEventId::new(
            halo.records("WebhookEvent")[2]["id"]
                .as_str()
                .expect("a uuid"),
        ));
        let failed = failed.await.expect("delivery");
        assert_eq!(
            (failed.error, failed.response_status),
            (Some(true), Some(500))
        );
        let capped = client
            .webhook_events()
            .list()
            .count(2)
            .send()
            .await
            .expect("capped");
        assert_eq!(capped.len(), 2);
    })
    .await;
}

/// Approvals have no id of their own (Halo keys them by ticket and `seq`):
/// tickets carry them, typed.
#[tokio::test]
async fn a_tickets_approvals_are_read_typed() {
    bounded(20, async {
        let halo = fake(5).await;
        let client = halo.client();
        let id = halo
            .insert(
                "Tickets",
                json!({
                    "summary": "Firewall change",
                    "approvers": [
                        { "ticket_id": 6, "seq": 1, "actionnumber": 3, "result": 1,
                          "name": "Sam Admin", "agent_id": 2, "cab_id": 1,
                          "dateapproved": "2024-03-01T10:00:00Z" },
                        { "ticket_id": 6, "seq": 2, "actionnumber": 3, "result": 0,
                          "name": "Alice Smith", "user_id": 4, "emailaddress": "alice@acme.example",
                          "dateapproved": "1900-01-01T00:00:00" },
                    ],
                }),
            )
            .expect("stored");
        let ticket = client
            .tickets()
            .get(TicketId::new(id as i32))
            .await
            .expect("ticket");
        let approvers: Vec<TicketApproval> = ticket.approvers.expect("approvers");
        assert_eq!(approvers.len(), 2);
        assert_eq!(
            approvers
                .iter()
                .map(|a| (a.seq, a.result))
                .collect::<Vec<_>>(),
            [(Some(1), Some(1)), (Some(2), Some(0))]
        );
        assert_eq!(approvers[0].agent_id, Some(AgentId::new(2)));
        assert!(approvers[0].dateapproved.is_some());
        assert_eq!(approvers[1].dateapproved, None, "not answered yet");
        assert_eq!(
            approvers[1].emailaddress.as_deref(),
            Some("alice@acme.example")
        );
    })
    .await;
}

/// Restore posts `[{id, _recover: true, _validate_updates: true}]`, as
/// HaloAPI's Restore-HaloTicket does: the ticket comes back, and neither
/// switch is stored on it.
#[tokio::test]
async fn a_deleted_ticket_is_restored() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();
        let id = TicketId::new(7);
        client.tickets().delete(id).await.expect("deleted");
        assert!(client
            .tickets()
            .get_opt(id)
            .await
            .expect("answered")
            .is_none());
        let deleted = client
            .tickets()
            .list()
            .deleted()
            .collect()
            .await
            .expect("listed");
        assert_eq!(deleted.iter().map(|t| t.id).collect::<Vec<_>>(), [id]);

        let restored = client.tickets().restore(id).await.expect("restored");
        assert_eq!(restored.id, id);
        assert_eq!(restored.deleted, Some(false));
        let ticket = client.tickets().get(id).await.expect("back");
        assert_eq!(ticket.deleted, Some(false));
        assert!(client
            .tickets()
            .list()
            .deleted()
            .collect()
            .await
            .expect("listed")
            .is_empty());

        assert_eq!(
            halo.switches("Tickets"),
            [json!({ "_recover": true, "_validate_updates": true })]
        );
        let stored = halo.record("Tickets", 7).expect("stored");
        assert_eq!(stored["deleted"], json!(false));
        assert!(stored.get("_recover").is_none(), "{stored}");
        assert!(stored.get("_validate_updates").is_none(), "{stored}");
    })
    .await;
}

/// An action logged with switches: they reach Halo in the POST and never
/// come back as fields of the saved action.
#[tokio::test]
async fn an_action_is_logged_with_its_switches() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();
        let new = NewAction::new()
            .ticket_id(TicketId::new(3))
            .outcome_id(1)
            .note("Reassigned to second line")
            .sendemail(false)
            .force_reassign()
            .include_ticket_in_response();
        assert_eq!(
            serde_json::to_value(&new).expect("serializes"),
            json!({
                "ticket_id": 3, "outcome_id": 1, "note": "Reassigned to second line",
                "sendemail": false, "_forcereassign": true, "_includeticketinresponse": true,
            })
        );
        let saved = client.actions().create(&new).await.expect("logged");
        assert_eq!(saved.note.as_deref(), Some("Reassigned to second line"));
        assert!(saved.extra.get("_forcereassign").is_none());
        assert_eq!(
            halo.switches("Actions"),
            [json!({ "_forcereassign": true, "_includeticketinresponse": true })]
        );
        let stored = halo
            .records("Actions")
            .into_iter()
            .find(|a| a["note"] == json!("Reassigned to second line"))
            .expect("stored");
        assert!(stored.get("_forcereassign").is_none(), "{stored}");
        assert!(stored.get("_includeticketinresponse").is_none(), "{stored}");
    })
    .await;
}

/// Closing with `_force`: the status changes and the switch is only sent.
#[tokio::test]
async fn a_ticket_is_closed_with_force() {
    bounded(20, async {
        let halo = fake(20).await;
        let client = halo.client();
        let closed = client
            .tickets()
            .patch(TicketId::new(4))
            .status_id(StatusId::new(9))
            .force()
            .dont_fire_automations()
            .await
            .expect("closed");
        assert_eq!(closed.status_id, Some(StatusId::new(9)));
        assert_eq!(
            halo.switches("Tickets"),
            [json!({ "_force": true, "_dont_fire_automations": true })]
        );
        let stored = halo.record("Tickets", 4).expect("stored");
        assert_eq!(stored["status_id"], json!(9));
        assert!(stored.get("_force").is_none(), "{stored}");
    })
    .await;
}
