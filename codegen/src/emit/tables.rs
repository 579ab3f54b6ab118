//! Table macros (`record! { .. }`, `wire_enum! { .. }`), one entry per line.
//!
//! prettyplease prints a macro's body as a token stream filled to the line
//! width, so a record's field table would read as a paragraph. This pass
//! re-prints each top-level table macro the way a person writes it:
//!
//! ```text
//! record! {
//!     Team {
//!         id: TeamId,
//!         "name" => name,
//!     }
//! }
//! ```

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The macros whose bodies are tables.
const TABLE_MACROS: &[&str] = &["record! {", "wire_enum! {"];

/// Re-prints every top-level table macro of `text`; everything else is kept.
pub(super) fn format_tables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(start) = TABLE_MACROS.iter().find(|m| line == **m) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let mut body = String::new();
        for inner in lines.by_ref() {
            if inner == "}" {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        out.push_str(start);
        out.push('\n');
        match body.parse::<TokenStream>() {
            Ok(tokens) => print_table(&mut out, tokens),
            // Not reachable for generated tokens; keep what prettyplease printed.
            Err(_) => out.push_str(&body),
        }
        out.push_str("}\n");
    }
    out
}

/// `Head { entry, entry, }` as a head line, one entry per line and a closing brace.
fn print_table(out: &mut String, tokens: TokenStream) {
    let mut head = Vec::new();
    for token in tokens {
        match token {
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                out.push_str(&format!("    {} {{\n", join(&head)));
                let mut entry = Vec::new();
                for token in group.stream() {
                    if matches!(&token, TokenTree::Punct(p) if p.as_char() == ',') {
                        out.push_str(&format!("        {},\n", join(&entry)));
                        entry.clear();
                    } else {
                        entry.push(token);
                    }
                }
                if !entry.is_empty() {
                    out.push_str(&format!("        {},\n", join(&entry)));
                }
                out.push_str("    }\n");
                head.clear();
            }
            other => head.push(other),
        }
    }
}

/// Tokens with single spaces, except none before `:` and within `=>` or `-1`.
fn join(tokens: &[TokenTree]) -> String {
    let mut out = String::new();
    let mut glue = true;
    for token in tokens {
        let colon = matches!(token, TokenTree::Punct(p) if p.as_char() == ':');
        if !glue && !colon {
            out.push(' ');
        }
        out.push_str(&token.to_string());
        glue = matches!(token, TokenTree::Punct(p) if p.spacing() == Spacing::Joint || p.as_char() == '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_get_one_entry_per_line() {
        let text = "use x;\n\nrecord! {\n    Team { id : TeamId, \"name\" => name, \"a\" =>\n    a, }\n}\n\nwire_enum! {\n    Level: i64 { Low = 1, High = - 3, }\n}\nfn f() {}\n";
        assert_eq!(
            format_tables(text),
            "use x;\n\nrecord! {\n    Team {\n        id: TeamId,\n        \"name\" => name,\n        \"a\" => a,\n    }\n}\n\nwire_enum! {\n    Level: i64 {\n        Low = 1,\n        High = -3,\n    }\n}\nfn f() {}\n"
        );
    }
}
