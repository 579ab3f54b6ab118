//! Struct fields shared by entity models and named struct types.

use proc_macro2::TokenStream;
use quote::quote;

use super::markdown::code_span;
use super::{doc, doc_raw, ident};
use crate::model::{Field, Type};

/// What a file needs to import, collected while emitting it.
#[derive(Default)]
pub(super) struct Imports {
    pub chrono_datetime: bool,
    pub chrono_date: bool,
    /// The runtime's `Base64` (binary fields); the file imports it with
    /// the other runtime names.
    pub base64: bool,
    /// Names from the generated crate root (ids of other entities, named types).
    pub siblings: std::collections::BTreeSet<String>,
}

impl Imports {
    /// The `use` items, in a fixed order: (other crates, this crate's siblings).
    pub fn tokens(&self, own: &[&str]) -> (TokenStream, TokenStream) {
        let mut chrono = Vec::new();
        if self.chrono_datetime {
            chrono.push(ident("DateTime"));
        }
        if self.chrono_date {
            chrono.push(ident("NaiveDate"));
        }
        if self.chrono_datetime {
            chrono.push(ident("Utc"));
        }
        let chrono = (!chrono.is_empty()).then(|| quote! { use chrono::{#(#chrono),*}; });
        let siblings: Vec<_> = self
            .siblings
            .iter()
            .filter(|name| !own.contains(&name.as_str()))
            .map(|name| ident(name))
            .collect();
        let siblings = (!siblings.is_empty()).then(|| quote! { use super::{#(#siblings),*}; });
        (quote! { #chrono }, quote! { #siblings })
    }
}

/// The Rust type of a value of `ty` (without the `Option` every field gets).
pub(super) fn rust_type(ty: &Type, own_id: &str, imports: &mut Imports) -> TokenStream {
    match ty {
        Type::Bool => quote!(bool),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F64 => quote!(f64),
        Type::String => quote!(String),
        Type::Date => {
            imports.chrono_date = true;
            quote!(NaiveDate)
        }
        Type::DateTime => {
            imports.chrono_datetime = true;
            quote!(DateTime<Utc>)
        }
        Type::Json => quote!(serde_json::Value),
        Type::Base64 => {
            imports.base64 = true;
            quote!(Base64)
        }
        Type::List(inner) => {
            let inner = rust_type(inner, own_id, imports);
            quote!(Vec<#inner>)
        }
        Type::Ref { id_type, .. } => {
            imports.siblings.insert(id_type.clone());
            let id = ident(id_type);
            quote!(#id)
        }
        Type::Named(name) => {
            imports.siblings.insert(name.clone());
            let name = ident(name);
            quote!(#name)
        }
        Type::Id => {
            let id = ident(own_id);
            quote!(#id)
        }
    }
}

/// [`rust_type`] as text, for tables: `DateTime<Utc>`, `Vec<ClientId>`.
pub(super) fn type_text(ty: &Type, own_id: &str, imports: &mut Imports) -> String {
    match ty {
        Type::List(inner) => format!("Vec<{}>", type_text(inner, own_id, imports)),
        Type::Json => "serde_json::Value".to_owned(),
        Type::DateTime => {
            imports.chrono_datetime = true;
            "DateTime<Utc>".to_owned()
        }
        other => rust_type(other, own_id, imports).to_string(),
    }
}

/// An optional field: `None` is left out of the JSON, so a create or update
/// sends only what the caller set.
pub(super) fn optional_field(field: &Field, own_id: &str, imports: &mut Imports) -> TokenStream {
    let docs = doc(&field.doc);
    let name = ident(&field.rust);
    let ty = rust_type(&field.ty, own_id, imports);
    let wire = (field.rust != field.wire)
        .then(|| doc_raw(&format!("\nWire name: {}.", code_span(&field.wire))));
    quote! {
        #docs
        #wire
        pub #name: Option<#ty>,
    }
}

/// The catch-all that keeps fields the spec does not list.
pub(super) fn extra_field(what: &str) -> TokenStream {
    let docs = doc(what);
    quote! {
        #docs
        pub extra: Extra,
    }
}
