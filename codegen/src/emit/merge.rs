//! List fields on the create input and patch: Halo replaces a list whole on
//! write, so every list setter says so, and lists of records get a `merge_*`
//! setter on the patch that keeps the elements it does not name (the
//! runtime's `PatchRequest::merge` reads the record and merges).

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{rust_type, Imports};
use super::markdown::code_span;
use super::{doc_raw, ident};
use crate::model::{Entity, Field, Type};

/// The paragraph a list field's setter doc gains; `None` for other fields.
pub(super) fn list_note(field: &Field) -> Option<String> {
    let Type::List(inner) = &field.ty else {
        return None;
    };
    let shown = code_span(&field.wire);
    Some(if matches!(**inner, Type::Named(_)) {
        format!(
            "\nHalo replaces {shown} whole: elements left out are removed. To change some \
             and keep the rest, use `merge_{}` on the patch.",
            field.rust
        )
    } else {
        format!("\nHalo replaces {shown} whole: the list sent becomes the stored list.")
    })
}

/// The element type of a writable list of records, which gets a `merge_*`
/// setter on the patch; `None` for every other field.
pub(crate) fn merged_element(field: &Field) -> Option<&Type> {
    match &field.ty {
        Type::List(inner) if !field.read_only && matches!(**inner, Type::Named(_)) => Some(inner),
        _ => None,
    }
}

/// `impl TicketPatch { fn merge_customfields(..) }` for the entity's writable
/// lists of records; nothing when it has none.
pub(super) fn merge_setters(entity: &Entity, imports: &mut Imports) -> TokenStream {
    let setters: Vec<TokenStream> = entity
        .fields
        .iter()
        .filter_map(|field| {
            let inner = merged_element(field)?;
            let wire = &field.wire;
            let merge = ident(&format!("merge_{}", field.rust));
            let element = rust_type(inner, &entity.id_type, imports);
            let docs = doc_raw(&format!(
                "Changes some elements of {} and keeps the rest: reads the record's current \
                 list when sent (one more request), updates the elements with the same `id` (or, \
                 without one, the same `name`) and appends the others.",
                code_span(wire)
            ));
            Some(quote! {
                #docs
                pub fn #merge(self, value: impl IntoIterator<Item = #element>) -> Self {
                    Self(self.0.merge(#wire, value))
                }
            })
        })
        .collect();
    if setters.is_empty() {
        return TokenStream::new();
    }
    let patch = ident(&entity.patch_type);
    quote! {
        impl #patch {
            #(#setters)*
        }
    }
}
