//! Turning spec names into Rust identifiers.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be plain identifiers (strict and reserved keywords, all editions).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// True for a non-keyword identifier made of ASCII letters, digits and `_`
/// that does not start with a digit. (Rust allows Unicode identifiers, but a
/// client that users type by hand should not need them.)
pub(crate) fn is_plain_ident(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
        && !is_keyword(name)
}

/// The snake_case Rust name for a wire name, with a trailing `_` after a keyword.
/// `None` when no identifier can be made (empty, or starts with a digit, or has
/// characters outside ASCII letters, digits, `_`, `-`, `.` and spaces).
pub(crate) fn field_ident(wire: &str) -> Option<String> {
    let snake = wire.to_snake_case();
    let escaped = if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    };
    is_plain_ident(&escaped).then_some(escaped)
}

pub(crate) fn upper_camel(name: &str) -> String {
    name.to_upper_camel_case()
}

pub(crate) fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// The command-line name of a Rust name: `include_details` is the flag
/// `--include-details`, `update_lines` the command `update-lines`; a
/// keyword's trailing `_` goes (`type_` is `--type`).
pub(crate) fn cli_name(rust: &str) -> String {
    rust.trim_end_matches('_').replace('_', "-")
}

/// A naive English plural for accessor names; `accessor:` in the spec overrides it.
pub(crate) fn plural(word: &str) -> String {
    let consonant_y = word.ends_with('y')
        && !word.ends_with("ay")
        && !word.ends_with("ey")
        && !word.ends_with("oy")
        && !word.ends_with("uy");
    if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| word.ends_with(end))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(field_ident("type").as_deref(), Some("type_"));
        assert_eq!(field_ident("use").as_deref(), Some("use_"));
        assert_eq!(field_ident("Self").as_deref(), Some("self_"));
    }

    #[test]
    fn wire_names_become_snake_case() {
        assert_eq!(field_ident("ClassName").as_deref(), Some("class_name"));
        assert_eq!(field_ident("category_1").as_deref(), Some("category_1"));
        assert_eq!(field_ident("1st"), None);
        assert_eq!(field_ident(""), None);
        assert_eq!(field_ident("né"), None);
    }

    /// Generated code names its own helpers `__Visitor`, `__S`, ...: safe only
    /// because no spec name can start with an underscore.
    #[test]
    fn no_spec_name_starts_with_an_underscore() {
        for name in ["_x", "__x", "_", "__Visitor", "_recover"] {
            assert_ne!(snake(name), name, "{name}");
            assert_ne!(upper_camel(name), name, "{name}");
            assert!(!field_ident(name).unwrap_or_default().starts_with('_'));
        }
    }

    #[test]
    fn command_line_names_are_kebab_case() {
        assert_eq!(cli_name("include_details"), "include-details");
        assert_eq!(cli_name("type_"), "type");
        assert_eq!(cli_name("tickets"), "tickets");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("ticket"), "tickets");
        assert_eq!(plural("opportunity"), "opportunities");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("status"), "statuses");
    }
}
