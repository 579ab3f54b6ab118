//! What Halo's lists look like beyond what the spec says, written down
//! from what public clients read rather than taken from the spec: a wrapped
//! list answers under Halo's key even when the spec names another, so a
//! wrong key in the spec fails the end-to-end tests instead of agreeing
//! with itself.

/// The key each wrapped list of Halo's holds its records under, by wire
/// path (lower case). Collections not listed answer under the spec's key.
const LIST_KEYS: [(&str, &str); 22] = [
    ("tickets", "tickets"),
    ("projects", "tickets"),
    ("opportunities", "tickets"),
    ("client", "clients"),
    ("site", "sites"),
    ("users", "users"),
    ("asset", "assets"),
    ("clientcontract", "contracts"),
    ("actions", "actions"),
    ("invoice", "invoices"),
    ("quotation", "quotes"),
    ("kbarticle", "articles"),
    ("supplier", "suppliers"),
    ("item", "items"),
    ("appointment", "appointments"),
    ("toplevel", "toplevels"),
    ("crmnote", "actions"),
    ("recurringinvoice", "invoices"),
    ("softwarelicence", "licences"),
    ("invoicepayment", "invoicepayments"),
    ("purchaseorder", "purchaseorders"),
    ("salesorder", "salesorders"),
];

/// The key the wrapped list at `path` answers under, when Halo's is known.
pub(crate) fn list_key(path: &str) -> Option<&'static str> {
    LIST_KEYS
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(path))
        .map(|(_, key)| *key)
}

/// Whether Halo lists the collection at `path` with `id` 0 on every record:
/// timesheet days are named by agent and date, not by an id.
pub(crate) fn lists_without_ids(path: &str) -> bool {
    path.eq_ignore_ascii_case("Timesheet")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    /// Every wrapped list of the spec that Halo's table knows uses Halo's
    /// key: the table and the spec are written independently.
    #[test]
    fn the_spec_uses_the_keys_halo_answers_with() {
        let schema = Schema::load().expect("the spec is valid");
        let mut checked = 0;
        for collection in &schema.collections {
            let Some(list) = collection.entity.list.as_ref().filter(|l| !l.bare) else {
                continue;
            };
            if let Some(key) = list_key(collection.path()) {
                assert_eq!(list.key, key, "{}", collection.path());
                checked += 1;
            }
        }
        assert!(checked >= 20, "only {checked} lists checked");
    }
}
