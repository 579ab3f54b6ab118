//! Located error messages.

use std::fmt;

/// A position in a spec file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Location {
    /// Line, counting from 1.
    pub line: usize,
    /// Column, counting from 1.
    pub column: usize,
}

/// One problem found in a spec, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, as given to the generator.
    pub file: String,
    /// Where the problem is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What to do about it. Every diagnostic has one.
    pub help: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error: {}\n  --> {}:{}:{}\n  = help: {}",
            self.message,
            crate::text::printable(&self.file),
            self.location.line,
            self.location.column,
            self.help
        )
    }
}

/// Every problem found in one spec, sorted by location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts by position so the report reads top to bottom, and drops exact repeats.
    pub(crate) fn finish(mut list: Vec<Diagnostic>) -> Self {
        list.sort_by(|a, b| (a.location, &a.message).cmp(&(b.location, &b.message)));
        list.dedup();
        Diagnostics(list)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}\n")?;
        }
        match self.0.len() {
            1 => write!(f, "1 error in the spec"),
            n => write!(f, "{n} errors in the spec"),
        }
    }
}

impl std::error::Error for Diagnostics {}

impl Location {
    /// The line and column of byte `offset` in `text`, which is valid UTF-8 up
    /// to there (the column counts characters, as editors do).
    pub(crate) fn of_offset(text: &[u8], offset: usize) -> Location {
        let before = &text[..offset.min(text.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        Location { line, column }
    }
}
