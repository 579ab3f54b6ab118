//! From the checked model to formatted Rust files.
//!
//! Each function builds a `TokenStream` with `quote`; [`render`] parses it
//! into a `syn::File` and prints it with prettyplease, so the output is
//! formatted and deterministic (same model, same bytes).

mod actions;
mod cli;
mod entity;
mod fields;
mod markdown;
mod merge;
mod root;
mod serde_impl;
mod sync;
mod tables;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Spec, Type};
use crate::{GeneratedFile, GENERATED_MARKER};

pub(crate) use merge::merged_element;
pub(crate) use sync::source as sync_source;

/// A type as generated code writes it (`Vec<ClientId>`, `DateTime<Utc>`);
/// `own_id` names the id type of the entity it appears in.
pub(crate) fn type_name(ty: &Type, own_id: &str) -> String {
    fields::type_text(ty, own_id, &mut fields::Imports::default())
}

pub(crate) fn emit(spec: &Spec) -> Vec<GeneratedFile> {
    let mut files = vec![root::emit(spec)];
    if !spec.types.is_empty() {
        files.push(types::emit(spec));
    }
    files.extend(
        spec.entities
            .iter()
            .map(|entity| entity::emit(spec, entity)),
    );
    files.push(cli::emit(spec));
    files
}

/// Prints one file. `stamp` goes after the header line (the spec hash, on `mod.rs` only,
/// so that editing one entity changes only that entity's file and the stamp).
fn render(
    spec: &Spec,
    path: String,
    stamp: Option<&str>,
    tokens: TokenStream,
    tables: &tables::Tables,
) -> GeneratedFile {
    let mut contents = format!(
        "{GENERATED_MARKER} from `{}`. Do not edit: change the spec and run `cargo xtask gen`.\n",
        crate::text::printable(&spec.file)
    );
    if let Some(stamp) = stamp {
        contents.push_str(stamp);
        contents.push('\n');
    }
    contents.push_str(&match syn::parse2::<syn::File>(tokens) {
        Ok(file) => tables.substitute(&space_items(&prettyplease::unparse(&file))),
        // Unreachable for a checked model; if it ever happens, the compiler
        // shows the exact spot instead of the generator crashing.
        Err(error) => format!("compile_error!({:?});\n", error.to_string()),
    });
    GeneratedFile { path, contents }
}

/// An identifier the checker has already proven valid.
fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// prettyplease prints items back to back; a person separates them with a
/// blank line. This adds one between top-level items and between the items of
/// an `impl`, keeping `use` lines and each `pub mod x;` + `pub use x::..;` pair together.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(prev) = previous {
            if needs_blank(prev, line) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

fn needs_blank(prev: &str, line: &str) -> bool {
    let indent = |s: &str| s.len() - s.trim_start().len();
    if line.trim().is_empty() || indent(prev) != indent(line) {
        return false;
    }
    let closes = |s: &str| matches!(s.trim(), "}" | "};");
    match indent(line) {
        0 if prev.starts_with("//!") => !line.starts_with("//!"),
        0 if prev.ends_with(';') || closes(prev) => {
            group(prev).is_none() || group(prev) != group(line)
        }
        // Between the items of an impl: after a method's `}`, or a `const`/`type` before a method.
        4 => {
            let (prev, item) = (prev.trim_start(), line.trim_start());
            let declaration = prev.starts_with("const ") || prev.starts_with("type ");
            let method = item.starts_with("fn ") || item.starts_with("pub fn ");
            (closes(prev) && !item.starts_with('}')) || (declaration && method)
        }
        _ => false,
    }
}

/// Lines that belong together at the top level: all `use` lines, and a module
/// declaration with its re-export.
fn group(line: &str) -> Option<&str> {
    if line.starts_with("use ") {
        return Some("use");
    }
    let rest = line
        .strip_prefix("pub mod ")
        .or_else(|| line.strip_prefix("pub use "))?;
    rest.split([';', ':']).next()
}

/// `#[doc]` attributes for spec text, one per line, escaped so that rustdoc
/// shows it as typed (see [`markdown`]): no code block, HTML or link can come
/// from the spec.
fn doc(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|line| format!(" {}", markdown::escape_line(line)));
    quote! { #(#[doc = #lines])* }
}

/// `#[doc]` attributes for text the generator writes itself: kept as markdown,
/// so its intra-doc links work. Spec text inside it goes through
/// [`markdown::code_span`] (wire names) or is an identifier the checker proved valid.
fn doc_raw(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    quote! { #(#[doc = #lines])* }
}

/// Inner (`//!`) doc attributes for a module; `text` is spec text.
fn module_doc(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|line| format!(" {}", markdown::escape_line(line)));
    quote! { #(#![doc = #lines])* }
}

/// Inner (`//!`) doc attributes for text the generator writes itself.
fn module_doc_raw(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    quote! { #(#![doc = #lines])* }
}

/// The lower-case words of an UpperCamel or snake name: `ClientContract` -> `client contract`.
fn words(name: &str) -> String {
    crate::names::snake(name).replace('_', " ")
}
