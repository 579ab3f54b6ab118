//! `types.rs`: the spec's shared structs and enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{extra_field, optional_field, Imports};
use super::serde_impl::{self, Record};
use super::{doc, ident, module_doc, render};
use crate::model::{EnumRepr, NamedKind, NamedType, Spec, Variant, VariantValue};
use crate::GeneratedFile;

pub(super) fn emit(spec: &Spec) -> GeneratedFile {
    let mut imports = Imports::default();
    let items: Vec<TokenStream> = spec
        .types
        .iter()
        .map(|ty| match &ty.kind {
            NamedKind::Struct(_) => named_struct(ty, &mut imports),
            NamedKind::Enum { repr, variants } => named_enum(ty, *repr, variants),
        })
        .collect();
    let own: Vec<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    let (external, internal) = imports.tokens(&own);
    let has_structs = spec
        .types
        .iter()
        .any(|t| matches!(t.kind, NamedKind::Struct(_)));
    // `In` reads optional fields; structs without fields do not need it.
    let has_fields = spec
        .types
        .iter()
        .any(|t| matches!(&t.kind, NamedKind::Struct(fields) if !fields.is_empty()));
    let (serde, wire) = if has_structs {
        let wire = if has_fields {
            quote! {
                use crate::runtime::wire::{In, Key, Wire};
                use crate::runtime::Extra;
            }
        } else {
            quote! {
                use crate::runtime::wire::{Key, Wire};
                use crate::runtime::Extra;
            }
        };
        (serde_impl::uses(false), wire)
    } else {
        (
            quote!(
                use serde::{Deserialize, Deserializer, Serialize, Serializer};
            ),
            quote!(
                use crate::runtime::wire::Wire;
            ),
        )
    };
    let docs = module_doc("Shared types: structs and enums that several records use.");
    render(
        spec,
        "types.rs".to_owned(),
        None,
        quote! {
            #docs

            #serde
            #external

            #wire
            #internal

            #(#items)*
        },
    )
}

fn named_struct(ty: &NamedType, imports: &mut Imports) -> TokenStream {
    let NamedKind::Struct(fields) = &ty.kind else {
        return TokenStream::new();
    };
    let docs = doc(&ty.doc);
    let name = ident(&ty.name);
    let serde = serde_impl::impls(
        &Record {
            name: &ty.name,
            id_type: None,
            read: true,
            fields: fields.iter().collect(),
        },
        imports,
    );
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

        impl Wire for #name {}
    }
}

/// An enum with a catch-all `Other` variant, so values added on the server
/// decode and are sent back unchanged.
fn named_enum(ty: &NamedType, repr: EnumRepr, variants: &[Variant]) -> TokenStream {
    let docs = doc(&ty.doc);
    let name = ident(&ty.name);
    let variant_docs = variants.iter().map(|v| doc(&v.doc));
    let variant_names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<TokenStream> = variants
        .iter()
        .map(|v| match &v.value {
            VariantValue::Int(n) => {
                let n = proc_macro2::Literal::i64_unsuffixed(*n);
                quote!(#n)
            }
            VariantValue::Str(s) => quote!(#s),
        })
        .collect();
    let (other_ty, other_doc, serialize_known, serialize_other, deserialize) = match repr {
        EnumRepr::Int => (
            quote!(i64),
            doc("A value the spec does not list, kept as sent."),
            quote!(serializer.serialize_i64),
            quote!(serializer.serialize_i64(*value)),
            quote! {
                let value = match i64::deserialize(deserializer)? {
                    #(#values => Self::#variant_names,)*
                    other => Self::Other(other),
                };
                Ok(value)
            },
        ),
        EnumRepr::String => (
            quote!(String),
            doc("A value the spec does not list, kept as sent."),
            quote!(serializer.serialize_str),
            quote!(serializer.serialize_str(value)),
            quote! {
                let text = String::deserialize(deserializer)?;
                let value = match text.as_str() {
                    #(#values => Self::#variant_names,)*
                    _ => Self::Other(text),
                };
                Ok(value)
            },
        ),
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variant_docs #variant_names,)*
            #other_doc
            Other(#other_ty),
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variant_names => #serialize_known(#values),)*
                    Self::Other(value) => #serialize_other,
                }
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }

        impl Wire for #name {}
    }
}
