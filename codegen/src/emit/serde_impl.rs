//! Hand-rolled `Serialize` and `Deserialize` for records.
//!
//! `#[serde(flatten)]` would keep unknown fields too, but it buffers every
//! record into an intermediate tree first, which makes decoding several times
//! slower. So the generator writes what a person would: a map visitor that
//! matches known keys, reads each value leniently through `wire::In`, and
//! collects every other key into `extra`.

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{rust_type, Imports};
use super::{doc_raw, ident};
use crate::model::{Field, Type};

/// A record struct to implement serde for.
pub(super) struct Record<'a> {
    /// The struct's name.
    pub name: &'a str,
    /// `Some(id type)` when the record has a required `id` field.
    pub id_type: Option<&'a str>,
    /// The optional fields, in order.
    pub fields: Vec<&'a Field>,
    /// Whether to implement `Deserialize` too: records are read, inputs
    /// such as `NewTicket` are only written.
    pub read: bool,
}

pub(super) fn impls(record: &Record<'_>, imports: &mut Imports) -> TokenStream {
    let name = ident(record.name);
    let visitor = ident(&format!("{}Visitor", record.name));
    let own_id = record.id_type.unwrap_or_default();
    let names: Vec<_> = record.fields.iter().map(|f| ident(&f.rust)).collect();
    let wires: Vec<&str> = record.fields.iter().map(|f| f.wire.as_str()).collect();
    let types: Vec<TokenStream> = record
        .fields
        .iter()
        .map(|f| rust_type(&f.ty, own_id, imports))
        .collect();

    let (write_id, id_slot, read_id, take_id, set_id) = match record.id_type {
        Some(id_type) => {
            let id_type = ident(id_type);
            (
                quote! { map.serialize_entry("id", &self.id)?; },
                quote! { let mut id: Option<#id_type> = None; },
                quote! { "id" => id = Some(map.next_value()?), },
                quote! { let id = id.ok_or_else(|| de::Error::missing_field("id"))?; },
                quote! { id, },
            )
        }
        None => Default::default(),
    };
    // Placeholders only get into `extra` through decoding.
    let write_extra = write_extra(if record.read { &record.fields } else { &[] });
    let expecting = format!("a {} object", record.name);
    let visitor_doc = doc_raw(&format!(
        "Reads a [`{}`]: known fields by name, every other field into `extra`.",
        record.name
    ));
    let deserialize = record.read.then(|| {
        quote! {
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    deserializer.deserialize_map(#visitor)
                }
            }

            #visitor_doc
            struct #visitor;

            impl<'de> Visitor<'de> for #visitor {
                type Value = #name;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(#expecting)
                }

                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                    #id_slot
                    #(let mut #names: Option<#types> = None;)*
                    let mut extra = Extra::new();
                    while let Some(Key(key)) = map.next_key()? {
                        match key.as_ref() {
                            #read_id
                            #(#wires => #names = map.next_value::<In<#types>>()?.keep(&key, &mut extra),)*
                            _ => {
                                extra.read_field(&key, &mut map)?;
                            }
                        }
                    }
                    #take_id
                    Ok(#name {
                        #set_id
                        #(#names,)*
                        extra,
                    })
                }
            }
        }
    });
    quote! {
        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                #write_id
                #(
                    if let Some(value) = &self.#names {
                        map.serialize_entry(#wires, value)?;
                    }
                )*
                #write_extra
                map.end()
            }
        }

        #deserialize
    }
}

/// Writes `extra`. It can hold a placeholder Halo sent for a typed field
/// (`-1`, `""`, `1900-01-01T00:00:00`); once that field has a value, the
/// value is sent and the placeholder is not.
fn write_extra(fields: &[&Field]) -> TokenStream {
    let placeholders: Vec<&&Field> = fields
        .iter()
        .filter(|f| {
            matches!(
                f.ty,
                Type::I32 | Type::I64 | Type::F64 | Type::Date | Type::DateTime | Type::Ref { .. }
            )
        })
        .collect();
    if placeholders.is_empty() {
        return quote! {
            self.extra.write_entries(&mut map, |_| false)?;
        };
    }
    let wires = placeholders.iter().map(|f| f.wire.as_str());
    let names = placeholders.iter().map(|f| ident(&f.rust));
    quote! {
        let replaced = |key: &str| match key {
            #(#wires => self.#names.is_some(),)*
            _ => false,
        };
        self.extra.write_entries(&mut map, replaced)?;
    }
}

/// The `use` lines a file with records needs; `with_id` when one has an `id`
/// (its absence is reported through `de::Error`).
pub(super) fn uses(with_id: bool) -> TokenStream {
    let de = if with_id {
        quote!(
            use serde::de::{self, MapAccess, Visitor};
        )
    } else {
        quote!(
            use serde::de::{MapAccess, Visitor};
        )
    };
    quote! {
        use std::fmt;

        #de
        use serde::ser::SerializeMap;
        use serde::{Deserialize, Deserializer, Serialize, Serializer};
    }
}
