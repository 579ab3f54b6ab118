//! "Did you mean": the nearest declared name to a misspelt one.

use super::Checker;

impl Checker<'_> {
    /// " (did you mean `X`?)" for the closest declared name, or nothing.
    pub(super) fn did_you_mean(&self, name: &str, entities: bool) -> String {
        const BUILTIN: &[&str] = &[
            "bool", "i32", "i64", "f64", "string", "date", "datetime", "json",
        ];
        let pool: Vec<&str> = if entities {
            self.entities.keys().map(String::as_str).collect()
        } else {
            self.types
                .keys()
                .map(String::as_str)
                .chain(BUILTIN.iter().copied())
                .collect()
        };
        match closest(name, pool) {
            Some(hit) => format!(" (did you mean `{hit}`?)"),
            None => String::new(),
        }
    }
}

/// The candidate nearest to `name` by edit distance (case-insensitive), if near enough.
pub(super) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let name = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&name, &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}
