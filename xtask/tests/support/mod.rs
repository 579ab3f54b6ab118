//! Edits of the real spec, in memory, for tests of what a spec change does.
#![allow(dead_code)] // each test binary uses some of these

/// The line range of `entity`'s block under `entities:` (its `  Name:` line
/// up to the next entity or the end).
fn entity_block(lines: &[&str], entity: &str) -> std::ops::Range<usize> {
    let start = lines
        .iter()
        .position(|line| *line == format!("  {entity}:"))
        .unwrap_or_else(|| panic!("no entity {entity} in the spec"));
    let end = lines[start + 1..]
        .iter()
        .position(|line| line.starts_with("  ") && !line.starts_with("   ") && line.ends_with(':'))
        .map_or(lines.len(), |n| start + 1 + n);
    start..end
}

/// Inserts `line` as the first field of `entity` (under its `fields:` key).
pub fn insert_field(spec: &str, entity: &str, line: &str) -> String {
    let mut lines: Vec<&str> = spec.lines().collect();
    let block = entity_block(&lines, entity);
    let fields = block.start
        + lines[block.clone()]
            .iter()
            .position(|text| text.trim_end() == "    fields:")
            .unwrap_or_else(|| panic!("no `fields:` found under entity {entity}"));
    lines.insert(fields + 1, line);
    lines.join("\n") + "\n"
}

/// Replaces the one line of `entity`'s block that starts with `start`
/// (after indentation) by `with`, or removes it when `with` is `None`.
pub fn edit_line(spec: &str, entity: &str, start: &str, with: Option<&str>) -> String {
    let mut lines: Vec<&str> = spec.lines().collect();
    let block = entity_block(&lines, entity);
    let found: Vec<usize> = block
        .filter(|&n| lines[n].trim_start().starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "`{start}` in {entity}: {found:?}");
    match with {
        Some(text) => lines[found[0]] = text,
        None => {
            lines.remove(found[0]);
        }
    }
    lines.join("\n") + "\n"
}
