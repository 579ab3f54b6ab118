//! `changed_since` on the handles of collections whose list can be filtered
//! by update time: an incremental sync with a resumable cursor. The logic is
//! the runtime's (`ChangedSince`); this only names the entity's filter and
//! update-time field.

use proc_macro2::TokenStream;
use quote::quote;

use super::markdown::code_span;
use super::{doc_raw, ident, words};
use crate::model::{Entity, Field, Type};

/// The filter that bounds the update time from below.
const SINCE_FILTER: &str = "lastupdatefromdate";
/// The filter that lists deleted records.
const DELETED_FILTER: &str = "deleted";

/// What `changed_since` of an entity reads.
pub(crate) struct Source<'a> {
    /// The update-time field records are ordered by.
    pub updated: &'a Field,
    /// The since filter's wire name.
    pub since: &'static str,
    /// The filter that lists deleted records as tombstones, when the list has one.
    pub deleted: Option<&'static str>,
}

/// The filter and field `changed_since` uses, for a paginated collection
/// with a `lastupdatefromdate` filter and an update-time field; `None` for
/// every other entity.
pub(crate) fn source(entity: &Entity) -> Option<Source<'_>> {
    let paginated = entity.list.as_ref().is_some_and(|list| list.paginated);
    let has_filter = |wire: &str| entity.filters.iter().any(|param| param.wire == wire);
    let updated = entity.fields.iter().find(|field| {
        let wire = field.wire.replace('_', "");
        field.ty == Type::DateTime && (wire.contains("lastupdate") || wire.contains("lastmodified"))
    })?;
    if !(entity.ops.list && paginated && has_filter(SINCE_FILTER)) {
        return None;
    }
    Some(Source {
        updated,
        since: SINCE_FILTER,
        deleted: has_filter(DELETED_FILTER).then_some(DELETED_FILTER),
    })
}

/// `impl TicketsApi<'_> { pub fn changed_since(..) }` and the runtime names
/// it uses, for a paginated collection with a `lastupdatefromdate` filter
/// and an update-time field; nothing otherwise.
pub(super) fn changed_since(entity: &Entity) -> (TokenStream, Vec<&'static str>) {
    let Some(source) = source(entity) else {
        return (TokenStream::new(), Vec::new());
    };
    let updated = source.updated;
    let name = ident(&entity.name);
    let handle = ident(&entity.handle);
    let field = ident(&updated.rust);
    let plural = words(&entity.accessor);
    let (deleted, tombstones) = if source.deleted.is_some() {
        (
            quote!(Some(#DELETED_FILTER)),
            format!("Deleted {plural} come as tombstones (`{DELETED_FILTER}`)."),
        )
    } else {
        (
            quote!(None),
            format!("Deletions are not listed: the collection has no `{DELETED_FILTER}` filter."),
        )
    };
    let docs = doc_raw(&format!(
        "{} created, changed or deleted since `cursor`, by {}, with the cursor to resume from; a new cursor loads every one. {tombstones} See [`ChangedSince`].",
        capitalize(&plural),
        code_span(&updated.wire)
    ));
    let tokens = quote! {
        impl #handle<'_> {
            #docs
            pub fn changed_since(&self, cursor: &SyncCursor) -> ChangedSince<#name> {
                ChangedSince::new(self.list().0, cursor, #SINCE_FILTER, |record| record.#field, #deleted)
            }
        }
    };
    (tokens, vec!["ChangedSince", "SyncCursor"])
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
