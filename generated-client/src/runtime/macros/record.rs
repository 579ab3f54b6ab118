//! `record!` and `wire_enum!`: the serde impls of generated models, from a table.
//!
//! The generator writes each model's fields once, as a table of
//! `"wire_name" => rust_field`, and these macros expand it into what a person
//! would write by hand: a `Serialize` that writes the fields that are set and
//! then `extra`, and a map visitor that reads known keys leniently through
//! [`In`](super::In) and keeps every other key in [`Extra`](crate::runtime::Extra).
//! (`#[serde(flatten)]` would keep unknown keys too, but it buffers every record
//! first and decodes several times slower.)
//!
//! Everything the expansion names is a full path, its locals are hygienic and
//! its helper items and type parameters start with `__`, which no spec name can:
//! a field called `map` or a type called `Visitor` cannot collide with it.

/// Implements `Serialize` and `Deserialize` for a generated model.
///
/// - `Name { id: NameId, "wire" => field, ... }`: a collection's record, with a
///   required `id`;
/// - `struct Name { "wire" => field, ... }`: a shared struct, also `Wire`, so
///   records can hold it;
///
/// Every listed field is an `Option`; the struct also has `extra: Extra`.
macro_rules! record {
    ($name:ident { id: $id:ty $(, $wire:literal => $field:ident)* $(,)? }) => {
        $crate::runtime::macros::record!(@serialize $name [id] { $($wire => $field),* });
        const _: () = {
            $crate::runtime::macros::record!(@visitor $name {
                id: $id;
                $($wire => $field),*
            });
        };
    };
    (struct $name:ident { $($wire:literal => $field:ident),* $(,)? }) => {
        $crate::runtime::macros::record!(@serialize $name [] { $($wire => $field),* });
        const _: () = {
            $crate::runtime::macros::record!(@visitor $name { $($wire => $field),* });
        };
        impl $crate::runtime::wire::Wire for $name {}
        $crate::runtime::macros::record!(@field_value $name);
    };
    // `id` first (always set), then the fields that are `Some`, then `extra`,
    // skipping a kept placeholder whose field has been set since.
    (@serialize $name:ident [$($id:ident)?] { $($wire:literal => $field:ident),* }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::core::option::Option::None)?;
                $(map.serialize_entry(::core::stringify!($id), &self.$id)?;)?
                $(
                    if let ::core::option::Option::Some(value) = &self.$field {
                        map.serialize_entry($wire, value)?;
                    }
                )*
                self.extra.write_entries(&mut map, |key| $crate::runtime::macros::record!(
                    @is_set self, key { $($wire => $field),* }
                ))?;
                map.end()
            }
        }
    };
    // A shared type as the value of a typed setter.
    (@field_value $name:ident) => {
        impl ::core::convert::From<$name> for $crate::runtime::FieldChange<$name> {
            fn from(value: $name) -> Self {
                $crate::runtime::FieldChange::Set(value)
            }
        }
    };
    (@is_set $self:ident, $key:ident { }) => {{
        let _ = $key;
        false
    }};
    (@is_set $self:ident, $key:ident { $($wire:literal => $field:ident),+ }) => {
        match $key {
            $($wire => $self.$field.is_some(),)+
            _ => false,
        }
    };

    (@visitor $name:ident { $(id: $id:ty;)? $($wire:literal => $field:ident),* }) => {
        struct __Visitor;

        impl<'de> ::serde::de::Visitor<'de> for __Visitor {
            type Value = $name;

            fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(::core::concat!("a ", ::core::stringify!($name), " object"))
            }

            fn visit_map<__A: ::serde::de::MapAccess<'de>>(
                self,
                mut map: __A,
            ) -> ::core::result::Result<$name, __A::Error> {
                $(let mut id: ::core::option::Option<$id> = ::core::option::Option::None;)?
                $(let mut $field = ::core::option::Option::None;)*
                let mut extra = $crate::runtime::Extra::new();
                while let ::core::option::Option::Some($crate::runtime::wire::Key(key)) =
                    map.next_key()?
                {
                    match key.as_ref() {
                        $("id" => {
                            let value: $id = map.next_value()?;
                            id = ::core::option::Option::Some(value);
                        })?
                        $($wire => {
                            $field = map
                                .next_value::<$crate::runtime::wire::In<_>>()?
                                .keep(&key, &mut extra);
                        })*
                        _ => extra.read_field(&key, &mut map)?,
                    }
                }
                ::core::result::Result::Ok($name {
                    $(id: $crate::runtime::macros::required::<$id, __A::Error>(id, "id")?,)?
                    $($field,)*
                    extra,
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}
pub(crate) use record;

/// A required field's value, or serde's "missing field" error.
pub(crate) fn required<T, E: serde::de::Error>(
    value: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Implements `Serialize`, `Deserialize` and `Wire` for a generated enum with a
/// catch-all `Other(value)` variant, so values added on the server decode and
/// are sent back unchanged: `Name: i64 { Variant = 1, ... }` or
/// `Name: String { Variant = "text", ... }`.
// A spec without enums leaves it unused.
#[allow(unused_macros)]
macro_rules! wire_enum {
    ($name:ident: i64 { $($variant:ident = $value:literal),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_i64(match self {
                    $(Self::$variant => $value,)*
                    Self::Other(value) => *value,
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                let value = <i64 as ::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(match value {
                    $($value => Self::$variant,)*
                    other => Self::Other(other),
                })
            }
        }

        impl $crate::runtime::wire::Wire for $name {}
        $crate::runtime::macros::record!(@field_value $name);
    };
    ($name:ident: String { $($variant:ident = $value:literal),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(match self {
                    $(Self::$variant => $value,)*
                    Self::Other(value) => value.as_str(),
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                let text = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(match text.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Other(text),
                })
            }
        }

        impl $crate::runtime::wire::Wire for $name {}
        $crate::runtime::macros::record!(@field_value $name);
    };
}
#[allow(unused_imports)]
pub(crate) use wire_enum;
