//! From the checked model to formatted Rust files.
//!
//! Each function builds a `TokenStream` with `quote`; [`render`] parses it
//! into a `syn::File` and prints it with prettyplease, so the output is
//! formatted and deterministic (same model, same bytes).

mod entity;
mod fields;
mod merge;
mod root;
mod serde_impl;
mod sync;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::Spec;
use crate::{GeneratedFile, GENERATED_MARKER};

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
    files
}

/// Prints one file. `stamp` goes after the header line (the spec hash, on `mod.rs` only,
/// so that editing one entity changes only that entity's file and the stamp).
fn render(spec: &Spec, path: String, stamp: Option<&str>, tokens: TokenStream) -> GeneratedFile {
    let mut contents = format!(
        "{GENERATED_MARKER} from `{}`. Do not edit: change the spec and run `cargo xtask gen`.\n",
        spec.file
    );
    if let Some(stamp) = stamp {
        contents.push_str(stamp);
        contents.push('\n');
    }
    contents.push_str(&match syn::parse2::<syn::File>(tokens) {
        Ok(file) => space_items(&prettyplease::unparse(&file)),
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

/// `#[doc]` attributes, one per line, escaped so that rustdoc reads the spec's
/// text literally: brackets and angle brackets would otherwise become broken
/// intra-doc links or HTML tags, which `-D warnings` rejects.
fn doc(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|line| format!(" {}", escape_markdown(line.trim_end())));
    quote! { #(#[doc = #lines])* }
}

/// `#[doc]` attributes for text the generator writes itself: kept as markdown,
/// so its intra-doc links work.
fn doc_raw(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    quote! { #(#[doc = #lines])* }
}

/// Inner (`//!`) doc attributes for a module.
fn module_doc(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|line| format!(" {}", escape_markdown(line.trim_end())));
    quote! { #(#![doc = #lines])* }
}

/// Escapes `[`, `]`, `<`, `>` outside `code spans`, and wraps bare URLs.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    // A backtick without a partner is literal text in markdown, not the start
    // of a code span, so the brackets after it still need escaping.
    let mut backticks_left = line.matches('`').count();
    for word in line.split_inclusive(' ') {
        if !in_code && push_url(&mut out, word) {
            continue;
        }
        for c in word.chars() {
            match c {
                '`' if !in_code && backticks_left == 1 => {
                    backticks_left = 0;
                    out.push_str("\\`");
                }
                '`' => {
                    backticks_left -= 1;
                    in_code = !in_code;
                    out.push(c);
                }
                '[' | ']' | '<' | '>' if !in_code => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    out
}

/// Writes a word that holds a URL (after punctuation such as `(`, or already
/// in `<...>`) as an autolink, so that rustdoc links it instead of warning
/// about a bare URL. False when the word has no such URL.
fn push_url(out: &mut String, word: &str) -> bool {
    let Some(start) = word.find("https://").or_else(|| word.find("http://")) else {
        return false;
    };
    let (lead, rest) = word.split_at(start);
    if lead.contains(|c: char| c.is_alphanumeric() || c == '`') {
        return false;
    }
    let trimmed = rest.trim_end();
    let (lead, url, trailing) = match (lead.strip_suffix('<'), trimmed.find('>')) {
        // The spec's own autolink: keep it, without escaping its brackets.
        (Some(lead), Some(end)) => (lead, &trimmed[..end], &trimmed[end + 1..]),
        _ => {
            let (url, trailing) = split_trailing_punctuation(trimmed);
            (lead, url, trailing)
        }
    };
    push_escaped(out, lead);
    out.push('<');
    out.push_str(url);
    out.push('>');
    push_escaped(out, trailing);
    out.push_str(&rest[trimmed.len()..]);
    true
}

/// Text around a URL: no backticks, so only the brackets need escaping.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
}

fn split_trailing_punctuation(url: &str) -> (&str, &str) {
    let end = url
        .trim_end_matches(['.', ',', ';', ':', ')', ']', '"', '\''])
        .len();
    url.split_at(end)
}

/// The lower-case words of an UpperCamel or snake name: `ClientContract` -> `client contract`.
fn words(name: &str) -> String {
    crate::names::snake(name).replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::escape_markdown;

    #[test]
    fn escapes_outside_code_spans() {
        assert_eq!(
            escape_markdown("array [1,2] of <int>"),
            "array \\[1,2\\] of \\<int\\>"
        );
        assert_eq!(escape_markdown("see `list<T>`"), "see `list<T>`");
        assert_eq!(escape_markdown("at https://x.y/z."), "at <https://x.y/z>.");
        assert_eq!(
            escape_markdown("(see https://x.y)."),
            "(see <https://x.y>)."
        );
        assert_eq!(escape_markdown("[https://x.y]"), "\\[<https://x.y>\\]");
        assert_eq!(escape_markdown("at <https://x.y>."), "at <https://x.y>.");
        assert_eq!(escape_markdown("a ` then [b]"), "a \\` then \\[b\\]");
        assert_eq!(escape_markdown("`a` ` [b]"), "`a` \\` \\[b\\]");
    }
}
