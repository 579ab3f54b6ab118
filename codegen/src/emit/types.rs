//! `types.rs`: the spec's shared structs and enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{extra_field, optional_field, Imports};
use super::serde_impl::{self, Kind};
use super::tables::{string_literal, Table, Tables};
use super::{doc, ident, module_doc, render};
use crate::model::{EnumRepr, NamedKind, NamedType, Spec, Variant, VariantValue};
use crate::GeneratedFile;

pub(super) fn emit(spec: &Spec) -> GeneratedFile {
    let mut imports = Imports::default();
    let mut tables = Tables::default();
    let items: Vec<TokenStream> = spec
        .types
        .iter()
        .map(|ty| match &ty.kind {
            NamedKind::Struct(_) => named_struct(ty, &mut imports, &mut tables),
            NamedKind::Enum { repr, variants } => named_enum(ty, *repr, variants, &mut tables),
        })
        .collect();
    let own: Vec<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    let (external, internal) = imports.tokens(&own);
    let has_structs = spec
        .types
        .iter()
        .any(|t| matches!(t.kind, NamedKind::Struct(_)));
    let has_enums = spec
        .types
        .iter()
        .any(|t| matches!(t.kind, NamedKind::Enum { .. }));
    let mut macros = Vec::new();
    if has_structs {
        macros.push(ident("record"));
    }
    if has_enums {
        macros.push(ident("wire_enum"));
    }
    let extra = match (has_structs, imports.base64) {
        (true, true) => Some(quote!(
            use crate::runtime::{Base64, Extra};
        )),
        (true, false) => Some(quote!(
            use crate::runtime::Extra;
        )),
        _ => None,
    };
    let docs = module_doc("Shared types: structs and enums that several records use.");
    render(
        spec,
        "types.rs".to_owned(),
        None,
        quote! {
            #docs

            #external

            use crate::runtime::macros::{#(#macros),*};
            #extra
            #internal

            #(#items)*
        },
        &tables,
    )
}

fn named_struct(ty: &NamedType, imports: &mut Imports, tables: &mut Tables) -> TokenStream {
    let NamedKind::Struct(fields) = &ty.kind else {
        return TokenStream::new();
    };
    let docs = doc(&ty.doc);
    let name = ident(&ty.name);
    let serde = tables.add(serde_impl::table(
        &ty.name,
        Kind::Struct,
        &fields.iter().collect::<Vec<_>>(),
    ));
    let fields = fields.iter().map(|f| optional_field(f, "", imports));
    let extra =
        extra_field("Fields the spec does not list, kept so that nothing is lost on a round trip.");
    quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
            #extra
        }

        #serde
    }
}

/// An enum with a catch-all `Other` variant, so values added on the server
/// decode and are sent back unchanged.
fn named_enum(
    ty: &NamedType,
    repr: EnumRepr,
    variants: &[Variant],
    tables: &mut Tables,
) -> TokenStream {
    let docs = doc(&ty.doc);
    let name = ident(&ty.name);
    let variant_docs = variants.iter().map(|v| doc(&v.doc));
    let variant_names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let (other_ty, repr) = match repr {
        EnumRepr::Int => (quote!(i64), "i64"),
        EnumRepr::String => (quote!(String), "String"),
    };
    let mut table = Table::new("wire_enum");
    table.open(&format!("{}: {repr}", ty.name));
    for variant in variants {
        let value = match &variant.value {
            VariantValue::Int(n) => n.to_string(),
            VariantValue::Str(s) => string_literal(s),
        };
        table.line(&format!("{} = {value},", variant.name));
    }
    let serde = tables.add(table.finish());
    let other_doc = doc("A value the spec does not list, kept as sent.");
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variant_docs #variant_names,)*
            #other_doc
            Other(#other_ty),
        }

        #serde
    }
}
