//! Spec text as inert rustdoc markdown.
//!
//! Docs in the spec are untrusted: a spec may be drafted from any Halo
//! instance's OpenAPI document. Rendered as markdown they could hold a fenced
//! or indented code block (a doctest that `cargo test` compiles and runs), raw
//! HTML, links or images. So every line is written to render exactly as typed:
//!
//! - leading whitespace goes, so no line is an indented code block, and tabs
//!   become spaces;
//! - a line starting with `- `, `* ` or `1. ` stays a list item (its text escaped);
//! - a `code span` between single backticks stays: markdown shows its content
//!   literally, HTML included;
//! - every other character that markdown or rustdoc could act on is
//!   backslash-escaped: `\` `` ` `` `*` `_` `~` `[` `]` `<` `>` `&` `|`, and `#`,
//!   `+`, `-`, `=`, `:` and `N.` where a line starts.
//!
//! Bare URLs become code spans rather than links, so spec text never creates
//! an element other than paragraphs, lists and code.

/// One line of spec text as markdown that renders as typed.
pub(crate) fn escape_line(line: &str) -> String {
    // A tab inside a line is plain spacing; generated source uses spaces.
    let line = line.trim().replace('\t', " ");
    let line = line.as_str();
    let mut out = String::with_capacity(line.len() + 8);
    let rest = match list_marker(line) {
        Some((marker, rest)) => {
            out.push_str(marker);
            rest
        }
        None => line,
    };
    let spans = code_spans(rest);
    let mut at = 0;
    for (start, end) in spans {
        // A list item's text can start a block too (`- # x` is a heading).
        escape_text(&mut out, &rest[at..start], at == 0);
        out.push_str(&rest[start..end]);
        at = end;
    }
    escape_text(&mut out, &rest[at..], at == 0);
    out
}

/// `text` as a code span that nothing inside it can end early: fenced with
/// one backtick more than its longest run, padded when it starts or ends with one.
pub(crate) fn code_span(text: &str) -> String {
    if text.is_empty() {
        // An empty span is not a span; show the empty string as JSON does.
        return "`\"\"`".to_owned();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A list item's marker (`- `, `* `, `12. `) and the text after it.
fn list_marker(line: &str) -> Option<(&str, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some(("- ", rest.trim_start()));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    // Markdown reads at most nine digits as a list number.
    if (1..=9).contains(&digits) && line[digits..].starts_with(". ") {
        let (marker, rest) = line.split_at(digits + 2);
        return Some((marker, rest.trim_start()));
    }
    None
}

/// Byte ranges of the code spans of `line`: single backticks paired left to
/// right. Longer runs and an unpaired backtick are escaped instead.
fn code_spans(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut singles = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if run == 1 {
                singles.push(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    singles
        .chunks_exact(2)
        .map(|pair| (pair[0], pair[1] + 1))
        .filter(|(start, end)| end - start > 2)
        .collect()
}

/// Appends `text`, escaped; `line_start` when it begins the line.
fn escape_text(out: &mut String, text: &str, line_start: bool) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut word_start = true;
    while i < chars.len() {
        let c = chars[i];
        if word_start {
            if let Some(url_len) = url_at(&chars[i..]) {
                let url: String = chars[i..i + url_len].iter().collect();
                out.push_str(&code_span(&url));
                i += url_len;
                word_start = false;
                continue;
            }
        }
        let at_line_start = line_start && i == 0;
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let escape = match c {
            '\\' | '`' | '*' | '~' | '[' | ']' | '<' | '>' | '&' | '|' => true,
            // Only an underscore that can open emphasis needs escaping:
            // one followed by text and not preceded by it (`_x`, not
            // `client_id` or `self_`). A closer without an opener is text.
            '_' => {
                let punctuation = |c: char| c.is_ascii_punctuation();
                next.is_some_and(|n| !n.is_whitespace())
                    && (next.is_some_and(|n| !punctuation(n))
                        || prev.is_none_or(|p| p.is_whitespace() || punctuation(p)))
                    && prev.is_none_or(|p| !p.is_alphanumeric())
            }
            // Where a line starts they could make a heading, a rule, a
            // quote, a list or a definition.
            '#' | '+' | '-' | '=' | ':' => at_line_start,
            // `1.` or `1)` at the start of a line would start a list.
            '.' | ')' => {
                line_start
                    && i > 0
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && next.is_none_or(char::is_whitespace)
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        word_start = !(c.is_alphanumeric() || c == '_');
        i += 1;
    }
}

/// The length of an `http://` or `https://` URL starting at `chars`, without
/// trailing punctuation; `None` when there is none.
fn url_at(chars: &[char]) -> Option<usize> {
    let starts = |prefix: &str| {
        prefix.len() <= chars.len() && chars.iter().zip(prefix.chars()).all(|(a, b)| *a == b)
    };
    if !starts("http://") && !starts("https://") {
        return None;
    }
    let mut len = chars
        .iter()
        .take_while(|c| !c.is_whitespace() && **c != '`' && **c != '<' && **c != '>')
        .count();
    while len > 0
        && matches!(
            chars[len - 1],
            '.' | ',' | ';' | ':' | ')' | ']' | '"' | '\''
        )
    {
        len -= 1;
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_reads_as_written() {
        assert_eq!(
            escape_line("The ticket's client_id."),
            "The ticket's client_id."
        );
        assert_eq!(escape_line("see `list<T>` here"), "see `list<T>` here");
        assert_eq!(escape_line("- an item"), "- an item");
        assert_eq!(escape_line("2. second"), "2. second");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_line("array [1,2] of <int>"),
            "array \\[1,2\\] of \\<int\\>"
        );
        assert_eq!(
            escape_line("<script>x</script>"),
            "\\<script\\>x\\</script\\>"
        );
        assert_eq!(escape_line("# Heading"), "\\# Heading");
        assert_eq!(
            escape_line("a *b* _c_ ~d~ |e|"),
            "a \\*b\\* \\_c_ \\~d\\~ \\|e\\|"
        );
        assert_eq!(
            escape_line("self_. __init__ a_b"),
            "self_. \\_\\_init__ a_b"
        );
        assert_eq!(escape_line("&lt;b&gt;"), "\\&lt;b\\&gt;");
        assert_eq!(escape_line("1) one"), "1\\) one");
        assert_eq!(escape_line("---"), "\\---");
        assert_eq!(escape_line("a \\ b"), "a \\\\ b");
    }

    #[test]
    fn fences_and_indented_code_do_not_survive() {
        assert_eq!(escape_line("```rust"), "\\`\\`\\`rust");
        assert_eq!(escape_line("~~~"), "\\~\\~\\~");
        assert_eq!(escape_line("    fn main() {}"), "fn main() {}");
        // Found by the property test: a tab stays out of generated source.
        assert_eq!(escape_line("<\t<"), "\\< \\<");
        assert_eq!(escape_line("a ` b"), "a \\` b");
        assert_eq!(escape_line("``a`` `b`"), "\\`\\`a\\`\\` `b`");
    }

    #[test]
    fn urls_become_code() {
        assert_eq!(escape_line("at https://x.y/z."), "at `https://x.y/z`.");
        assert_eq!(escape_line("(see https://x.y)"), "(see `https://x.y`)");
    }

    #[test]
    fn code_spans_cannot_be_broken_out_of() {
        assert_eq!(code_span("summary"), "`summary`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span(""), "`\"\"`");
    }
}
