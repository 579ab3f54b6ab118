//! List fields on the patch request: Halo replaces a list whole on write,
//! so every list setter says so, and lists of records get a `merge_*`
//! setter that keeps the elements it does not name (the runtime's
//! `PatchRequest::merge` reads the record and merges).

use proc_macro2::TokenStream;
use quote::quote;

use super::doc_raw;
use super::markdown::code_span;
use super::fields::{rust_type, Imports};
use super::ident;
use crate::model::{Field, Type};

/// The paragraph a list field's setter doc gains, and its `merge_*` setter
/// when the list holds records; nothing for other fields.
pub(super) fn list_setter(
    field: &Field,
    own_id: &str,
    imports: &mut Imports,
) -> (TokenStream, TokenStream) {
    let Type::List(inner) = &field.ty else {
        return (TokenStream::new(), TokenStream::new());
    };
    let wire = &field.wire;
    let shown = code_span(wire);
    let merge = ident(&format!("merge_{}", field.rust));
    if !matches!(**inner, Type::Named(_)) {
        let note = doc_raw(&format!(
            "\nHalo replaces {shown} whole: the list sent becomes the stored list."
        ));
        return (note, TokenStream::new());
    }
    let note = doc_raw(&format!(
        "\nHalo replaces {shown} whole: elements left out are removed. To change some \
         and keep the rest, use [`{merge}`](Self::{merge})."
    ));
    let element = rust_type(inner, own_id, imports);
    let docs = doc_raw(&format!(
        "Changes some elements of {shown} and keeps the rest: reads the record's current \
         list when sent (one more request), updates the elements with the same `id` (or, \
         without one, the same `name`) and appends the others."
    ));
    let setter = quote! {
        #docs
        pub fn #merge(self, value: impl IntoIterator<Item = #element>) -> Self {
            self.merge(#wire, value)
        }
    };
    (note, setter)
}
