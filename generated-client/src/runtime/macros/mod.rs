//! The macros generated code is written with: tables in, items out.
//!
//! The generator emits tables (a model's fields, a request's parameters) and
//! these macros expand them into what a person would write by hand, so a
//! field costs a line or two of generated code and the runtime API that
//! generated code calls stays small. Everything here is crate-private.

mod record;
mod request;

#[allow(unused_imports)] // `wire_enum` is unused by a spec without enums.
pub(crate) use record::{record, required, wire_enum};
#[allow(unused_imports)] // a spec without parameters, setters or creates leaves some unused
pub(crate) use request::{fields, input, params, request};
