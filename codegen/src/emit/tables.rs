//! Table macros (`record!`, `params!`, `fields!`, ...) written as text.
//!
//! Most generated code goes through `quote` and prettyplease, but prettyplease
//! prints a macro's body as one token stream filled to the line width, so a
//! table of fields would read as a paragraph. Tables are therefore written as
//! text here, one entry per line with its docs above it, and stand in the
//! token stream as a placeholder item (`__table!(3);`, a name no spec name
//! can take) that [`Tables::substitute`] replaces after printing.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::markdown;

/// The tables of one file, in order.
#[derive(Default)]
pub(super) struct Tables(Vec<String>);

impl Tables {
    /// Keeps `text` and returns the placeholder item to put where it goes.
    pub(super) fn add(&mut self, text: String) -> TokenStream {
        let index = Literal::usize_unsuffixed(self.0.len());
        self.0.push(text);
        quote! { __table!(#index); }
    }

    /// `printed` with every placeholder line replaced by its table.
    pub(super) fn substitute(&self, printed: &str) -> String {
        if self.0.is_empty() {
            return printed.to_owned();
        }
        let mut out =
            String::with_capacity(printed.len() + self.0.iter().map(String::len).sum::<usize>());
        for line in printed.lines() {
            let table = line
                .strip_prefix("__table!(")
                .and_then(|rest| rest.strip_suffix(");"))
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| self.0.get(index));
            match table {
                Some(table) => out.push_str(table),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// Builds the text of one table macro.
pub(super) struct Table {
    text: String,
    indent: usize,
}

impl Table {
    /// `name! {`
    pub(super) fn new(name: &str) -> Self {
        Table {
            text: format!("{name}! {{\n"),
            indent: 4,
        }
    }

    /// `head {` on its own line; entries after it are indented one level more.
    pub(super) fn open(&mut self, head: &str) -> &mut Self {
        self.line(&format!("{head} {{"));
        self.indent += 4;
        self
    }

    /// The `}` of the last [`open`](Self::open).
    pub(super) fn close(&mut self) -> &mut Self {
        self.indent -= 4;
        self.line("}");
        self
    }

    /// Spec text as doc lines, escaped so it renders as typed.
    pub(super) fn doc(&mut self, text: &str) -> &mut Self {
        for line in text.lines() {
            let escaped = markdown::escape_line(line);
            self.doc_line(&escaped);
        }
        self
    }

    /// Text the generator writes itself as doc lines, kept as markdown.
    pub(super) fn doc_raw(&mut self, text: &str) -> &mut Self {
        for line in text.lines() {
            self.doc_line(line);
        }
        self
    }

    fn doc_line(&mut self, line: &str) {
        if line.is_empty() {
            self.line("///");
        } else {
            self.line(&format!("/// {line}"));
        }
    }

    /// One line of the table, at the current indent.
    pub(super) fn line(&mut self, line: &str) -> &mut Self {
        self.text.push_str(&" ".repeat(self.indent));
        self.text.push_str(line);
        self.text.push('\n');
        self
    }

    /// The finished text, with the macro's closing brace.
    pub(super) fn finish(mut self) -> String {
        while self.indent > 4 {
            self.close();
        }
        self.text.push_str("}\n");
        self.text
    }
}

/// A string as a Rust literal, escaped the way `quote` would.
pub(super) fn string_literal(text: &str) -> String {
    Literal::string(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_read_like_hand_written_ones() {
        let mut table = Table::new("params");
        table
            .open("TicketList")
            .doc("Only open tickets.")
            .line("open_only = \"open_only\",")
            .close();
        assert_eq!(
            table.finish(),
            "params! {\n    TicketList {\n        /// Only open tickets.\n        open_only = \"open_only\",\n    }\n}\n"
        );
    }

    #[test]
    fn placeholders_are_replaced_in_place() {
        let mut tables = Tables::default();
        let placeholder = tables.add("x! {\n}\n".to_owned());
        assert_eq!(placeholder.to_string(), "__table ! (0) ;");
        assert_eq!(
            tables.substitute("use a;\n\n__table!(0);\n\nfn f() {}\n"),
            "use a;\n\nx! {\n}\n\nfn f() {}\n"
        );
    }

    #[test]
    fn string_literals_are_escaped() {
        assert_eq!(string_literal("a\"b\\c\td"), "\"a\\\"b\\\\c\\td\"");
    }
}
