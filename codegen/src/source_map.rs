//! Where every key and value of a YAML document is.
//!
//! serde_yaml decodes the spec but forgets positions once it succeeds. This pass
//! walks yaml-rust2's event stream once and records the position of each node by
//! its path (`entities/Ticket/fields/summary/type`), so that checks made after
//! decoding can still point at the right line. It also finds duplicate keys,
//! which a map decoder would silently merge.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::Location;
use crate::text::forbidden;

/// Far more than a spec needs; deeper input is rejected before anything recurses on it.
const MAX_DEPTH: usize = 64;

/// A path from the document root: mapping keys and sequence indices.
pub(crate) type NodePath = Vec<String>;

/// A key that appears twice in one mapping.
#[derive(Debug)]
pub(crate) struct DuplicateKey {
    pub path: NodePath,
    pub key: String,
    pub first: Location,
    pub second: Location,
}

/// A scalar whose escapes (`"\u202E"`) produce a character that spec text
/// must not hold (see [`crate::text::forbidden`]). Characters written
/// literally are found before parsing, by [`crate::text::scan`].
#[derive(Debug)]
pub(crate) struct ForbiddenChar {
    pub at: Location,
    pub c: char,
    pub name: &'static str,
}

/// Positions of keys and values, by path.
#[derive(Debug, Default)]
pub(crate) struct SourceMap {
    keys: HashMap<NodePath, Location>,
    values: HashMap<NodePath, Location>,
    pub duplicates: Vec<DuplicateKey>,
    /// Scalars whose escapes produce a forbidden character, one report each.
    pub forbidden: Vec<ForbiddenChar>,
}

impl SourceMap {
    /// Reads `source`; a YAML syntax error comes back with its position, a
    /// message and what to do about it.
    pub fn build(source: &str) -> Result<Self, (Location, String, String)> {
        let mut recorder = Recorder::default();
        let mut parser = Parser::new_from_str(source);
        let mut documents = 0;
        // Events one by one rather than `Parser::load`, which recurses once per
        // nesting level and overflows the stack on a deeply nested document.
        loop {
            let (event, marker) = parser.next_token().map_err(|error| {
                (
                    location(error.marker()),
                    format!("YAML syntax: {}", error.info()),
                    "fix the YAML; a linter such as `yamllint` shows the same spot".to_owned(),
                )
            })?;
            match event {
                Event::StreamEnd => return Ok(recorder.map),
                Event::DocumentStart => documents += 1,
                _ => {}
            }
            // serde_yaml would reject this too, but without a position.
            if documents > 1 {
                return Err((
                    location(&marker),
                    "a second YAML document: a spec is one document".to_owned(),
                    "remove this `---` and everything after it, or merge the two documents"
                        .to_owned(),
                ));
            }
            recorder.on_event(event, marker);
            if recorder.stack.len() > MAX_DEPTH {
                return Err((
                    location(&marker),
                    format!("the YAML nests deeper than {MAX_DEPTH} levels"),
                    "a spec needs fewer than ten levels; flatten this part".to_owned(),
                ));
            }
        }
    }

    /// True when the document has no content at all (only blanks and comments).
    pub fn is_empty(&self) -> bool {
        !self.values.contains_key(&NodePath::new())
    }

    /// Where the key at `path` is written, falling back to its value, then to
    /// the nearest ancestor that has a position.
    pub fn key(&self, path: &[&str]) -> Location {
        self.find(path, true)
    }

    /// Where the value at `path` starts, falling back like [`SourceMap::key`].
    pub fn value(&self, path: &[&str]) -> Location {
        self.find(path, false)
    }

    fn find(&self, path: &[&str], key_first: bool) -> Location {
        let mut path: NodePath = path.iter().map(|s| (*s).to_owned()).collect();
        loop {
            let (first, second) = if key_first {
                (&self.keys, &self.values)
            } else {
                (&self.values, &self.keys)
            };
            if let Some(location) = first.get(&path).or_else(|| second.get(&path)) {
                return *location;
            }
            if path.pop().is_none() {
                return Location { line: 1, column: 1 };
            }
        }
    }
}

fn location(marker: &Marker) -> Location {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Location {
        line: marker.line().max(1),
        column: marker.col() + 1,
    }
}

enum Frame {
    Map {
        path: NodePath,
        seen: HashMap<String, Location>,
        pending_key: Option<String>,
        /// This mapping is itself a (complex) key of its parent mapping.
        is_key: bool,
    },
    Seq {
        path: NodePath,
        next_index: usize,
        is_key: bool,
    },
}

#[derive(Default)]
struct Recorder {
    stack: Vec<Frame>,
    map: SourceMap,
}

/// What a node is to its parent.
enum Role {
    Key,
    Value(NodePath),
}

impl Recorder {
    /// Registers a node that just started at `at`, and says what it is to its parent.
    fn place(&mut self, scalar: Option<&str>, at: Location) -> Role {
        let Some(top) = self.stack.last_mut() else {
            self.map.values.insert(Vec::new(), at);
            return Role::Value(Vec::new());
        };
        match top {
            Frame::Map {
                path,
                seen,
                pending_key,
                ..
            } => match pending_key.clone() {
                None => {
                    let key = scalar.unwrap_or("<complex key>").to_owned();
                    let mut key_path = path.clone();
                    key_path.push(key.clone());
                    if let Some(first) = seen.get(&key) {
                        self.map.duplicates.push(DuplicateKey {
                            path: path.clone(),
                            key: key.clone(),
                            first: *first,
                            second: at,
                        });
                    } else {
                        seen.insert(key.clone(), at);
                        self.map.keys.insert(key_path, at);
                    }
                    *pending_key = Some(key);
                    Role::Key
                }
                Some(key) => {
                    let mut value_path = path.clone();
                    value_path.push(key);
                    self.map.values.entry(value_path.clone()).or_insert(at);
                    Role::Value(value_path)
                }
            },
            Frame::Seq {
                path, next_index, ..
            } => {
                let mut item_path = path.clone();
                item_path.push(next_index.to_string());
                *next_index += 1;
                self.map.values.insert(item_path.clone(), at);
                Role::Value(item_path)
            }
        }
    }

    /// A value of the innermost mapping is complete: the next node is a key.
    fn value_done(&mut self) {
        if let Some(Frame::Map { pending_key, .. }) = self.stack.last_mut() {
            *pending_key = None;
        }
    }

    fn leaf(&mut self, scalar: Option<&str>, at: Location) {
        if let Role::Value(_) = self.place(scalar, at) {
            self.value_done();
        }
    }

    fn open(&mut self, is_map: bool, at: Location) {
        let (is_key, path) = match self.place(None, at) {
            Role::Key => (true, Vec::new()),
            Role::Value(path) => (false, path),
        };
        self.stack.push(if is_map {
            Frame::Map {
                path,
                seen: HashMap::new(),
                pending_key: None,
                is_key,
            }
        } else {
            Frame::Seq {
                path,
                next_index: 0,
                is_key,
            }
        });
    }

    fn close(&mut self) {
        let was_key = match self.stack.pop() {
            Some(Frame::Map { is_key, .. } | Frame::Seq { is_key, .. }) => is_key,
            None => return,
        };
        if !was_key {
            self.value_done();
        }
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, event: Event, marker: Marker) {
        let at = location(&marker);
        match event {
            Event::Scalar(value, ..) => {
                if let Some((c, name)) = value.chars().find_map(|c| Some((c, forbidden(c)?))) {
                    self.map.forbidden.push(ForbiddenChar { at, c, name });
                }
                self.leaf(Some(&value), at)
            }
            Event::Alias(_) => self.leaf(None, at),
            Event::MappingStart(..) => self.open(true, at),
            Event::SequenceStart(..) => self.open(false, at),
            Event::MappingEnd | Event::SequenceEnd => self.close(),
            // Each document starts from the root again.
            Event::DocumentStart => self.stack.clear(),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_positions_by_path() {
        let map = SourceMap::build("a:\n  b: 1\n  c: [x, y]\n").unwrap();
        assert_eq!(map.key(&["a", "b"]), Location { line: 2, column: 3 });
        assert_eq!(map.value(&["a", "b"]), Location { line: 2, column: 6 });
        assert_eq!(
            map.value(&["a", "c", "1"]),
            Location {
                line: 3,
                column: 10
            }
        );
        // Unknown paths fall back to the nearest known ancestor.
        assert_eq!(map.key(&["a", "b", "zz"]), Location { line: 2, column: 3 });
    }

    #[test]
    fn finds_duplicate_keys() {
        let map = SourceMap::build("a:\n  b: 1\n  b: 2\n").unwrap();
        assert_eq!(map.duplicates.len(), 1);
        assert_eq!(map.duplicates[0].key, "b");
        assert_eq!(map.duplicates[0].first.line, 2);
        assert_eq!(map.duplicates[0].second.line, 3);
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let (at, _, _) = SourceMap::build("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(at.line >= 2);
    }
}
