//! The serde impls of records: one `record!` table per model.
//!
//! The runtime's `record!` macro expands a table of `"wire" => field` into a
//! `Serialize` that writes the fields that are set and then `extra`, and a
//! map visitor that reads known keys leniently and keeps every other key in
//! `extra` (see `runtime/wire/record.rs`). So a field costs one line here, and
//! the expansion's own names cannot collide with spec names.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::model::Field;

/// What a record is, which decides the impls it gets.
pub(super) enum Kind<'a> {
    /// A collection's record, with a required id of this type.
    Entity(&'a str),
    /// A shared struct: read, written, and usable as a field type.
    Struct,
    /// A create input: only written.
    Input,
}

/// The `record!` invocation for a struct with these optional fields.
pub(super) fn impls(name: &str, kind: Kind<'_>, fields: &[&Field]) -> TokenStream {
    let name = ident(name);
    let entries = fields.iter().map(|field| {
        let (wire, rust) = (&field.wire, ident(&field.rust));
        quote!(#wire => #rust)
    });
    match kind {
        Kind::Entity(id_type) => {
            let id_type = ident(id_type);
            quote! { record! { #name { id: #id_type, #(#entries,)* } } }
        }
        Kind::Struct => quote! { record! { struct #name { #(#entries,)* } } },
        Kind::Input => quote! { record! { input #name { #(#entries,)* } } },
    }
}
