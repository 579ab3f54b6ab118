//! Which characters spec text may hold.
//!
//! Spec text reaches generated comments, docs and string literals, and a
//! reviewer reads it in a diff. Invisible characters that change how text is
//! shown (bidirectional overrides, zero-width joiners) or that Rust refuses in
//! comments (a bare carriage return, NUL) have no place in any of them, so the
//! spec rejects them wherever they appear, with their position.

use crate::diagnostic::Location;

/// The name of a character that spec text must not contain, or `None` when it is fine.
///
/// Tab and line feed are allowed; every other control character, the
/// bidirectional formatting characters (the "Trojan Source" set that rustc
/// itself warns about), zero-width and line-separator characters and the
/// byte-order mark are not.
pub fn forbidden(c: char) -> Option<&'static str> {
    Some(match c {
        '\t' | '\n' => return None,
        '\0' => "NUL",
        '\r' => "CARRIAGE RETURN",
        '\u{1b}' => "ESCAPE",
        '\u{7f}' => "DELETE",
        c if c.is_control() => "a control character",
        '\u{061c}' => "ARABIC LETTER MARK",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}'..='\u{2064}' => "an invisible formatting character",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
        _ => return None,
    })
}

/// Every forbidden character written literally in `source`, with its position
/// (columns count characters). A line break may be `\r\n`, and the file may
/// start with a byte-order mark.
pub(crate) fn scan(source: &str) -> Vec<(Location, char, &'static str)> {
    let mut found = Vec::new();
    let (mut line, mut column) = (1, 1);
    let mut chars = source
        .strip_prefix('\u{feff}')
        .unwrap_or(source)
        .chars()
        .peekable();
    while let Some(c) = chars.next() {
        let crlf = c == '\r' && chars.peek() == Some(&'\n');
        if let Some(name) = forbidden(c).filter(|_| !crlf) {
            found.push((Location { line, column }, c, name));
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else if c != '\r' {
            column += 1;
        }
    }
    found
}

/// `U+202E RIGHT-TO-LEFT OVERRIDE`: how a message names a character.
pub(crate) fn describe(c: char, name: &str) -> String {
    format!("U+{:04X} {name}", c as u32)
}

/// Text for a place that shows it verbatim (a `//` comment, a message): every
/// forbidden character and backslash written as a Rust escape, so nothing
/// invisible or line-breaking gets through.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if forbidden(c).is_some() || c == '\t' || c == '\n' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_tabs_and_newlines_are_fine() {
        for c in "Société 名前 ü \t\n`<>&".chars() {
            assert_eq!(forbidden(c), None, "{c:?}");
        }
    }

    #[test]
    fn invisible_and_control_characters_are_named() {
        assert_eq!(forbidden('\r'), Some("CARRIAGE RETURN"));
        assert_eq!(forbidden('\u{202e}'), Some("RIGHT-TO-LEFT OVERRIDE"));
        assert_eq!(forbidden('\u{85}'), Some("a control character"));
        assert_eq!(
            describe('\u{202e}', "RIGHT-TO-LEFT OVERRIDE"),
            "U+202E RIGHT-TO-LEFT OVERRIDE"
        );
    }

    #[test]
    fn scan_locates_literal_characters_and_allows_crlf() {
        let found = scan("\u{feff}a: 1\r\nb: x\u{202e}y\rz\n");
        let at: Vec<_> = found
            .iter()
            .map(|(l, _, n)| (l.line, l.column, *n))
            .collect();
        assert_eq!(
            at,
            [(2, 5, "RIGHT-TO-LEFT OVERRIDE"), (2, 7, "CARRIAGE RETURN")]
        );
    }

    #[test]
    fn printable_escapes_what_could_break_a_line() {
        assert_eq!(printable("a\nb\u{202e}c\\"), "a\\u{a}b\\u{202e}c\\\\");
        assert_eq!(printable("spec/halopsa.yaml"), "spec/halopsa.yaml");
    }
}
