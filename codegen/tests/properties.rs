//! Property tests: whatever the input, the generator answers with code or
//! with located errors, never a panic; and specs that are valid by
//! construction always generate code that parses (a sample also compiles).

mod support;

use halopsa_codegen::{generate, Diagnostics, GeneratedFile};
use proptest::prelude::*;
use serde_yaml::Value;

const REAL_SPEC: &str = include_str!("../../spec/halopsa.yaml");

/// Words the spec format and Halo use, plus hostile ones: keywords, Unicode,
/// names that collide after case conversion, broken type expressions.
const VOCABULARY: &[&str] = &[
    "version",
    "api",
    "types",
    "entities",
    "fields",
    "filters",
    "get_params",
    "delete_params",
    "type",
    "doc",
    "rust_name",
    "read_only",
    "request_only",
    "verbs",
    "sets",
    "list",
    "shape",
    "key",
    "paginated",
    "count_param",
    "operations",
    "path",
    "accessor",
    "struct",
    "enum",
    "repr",
    "values",
    "value",
    "lookup",
    "id",
    "i32",
    "i64",
    "f64",
    "bool",
    "string",
    "date",
    "datetime",
    "json",
    "list<i32>",
    "ref<Ticket>",
    "ref<Nope>",
    "list<list<list<list<list<i32>>>>>",
    "list<",
    "ref<>",
    "<>",
    "Ticket",
    "ticket",
    "TICKET",
    "Tickets",
    "Client",
    "use",
    "self",
    "Self",
    "crate",
    "match",
    "r#type",
    "clientId",
    "client_id",
    "ClientID",
    "Société",
    "名前",
    "ü",
    "",
    " ",
    "1st",
    "wrapped",
    "bare",
    "create",
    "patch",
    "Other",
    "extra",
    "send",
    "order",
    "-1",
    "1e400",
    // Hostile text: markdown, HTML, invisible characters, paths, generated names.
    "```rust\nfn main() {}\n```",
    "~~~\nx\n~~~",
    "    indented code",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "# heading",
    "a\u{202e}b",
    "a\rb",
    "a\u{0}b",
    "..",
    "Tickets/../Agent",
    "Tickets?x=1",
    "a\\b",
    "#top",
    "%2e%2e",
    "Visitor",
    "Serialize",
    "RetryPolicy",
    "map",
    "key",
    "retry_policy",
    "prefetch",
    "changes",
    "__A",
];

fn vocabulary() -> impl Strategy<Value = String> {
    prop::sample::select(VOCABULARY).prop_map(str::to_owned)
}

/// Arbitrary YAML trees built from the vocabulary.
fn yaml_tree() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        vocabulary().prop_map(Value::String),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Sequence),
            prop::collection::vec((vocabulary(), inner), 0..6).prop_map(|pairs| {
                Value::Mapping(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (Value::String(k), v))
                        .collect(),
                )
            }),
        ]
    })
}

/// Checks the generator's answer: code, or errors that each carry a location.
fn assert_answers(source: &str) -> Result<Option<Vec<GeneratedFile>>, TestCaseError> {
    match generate("spec.yaml", source) {
        Ok(files) => {
            for file in &files {
                prop_assert!(
                    !file.contents.contains("compile_error!"),
                    "emitted code that does not parse: {}",
                    file.path
                );
                let invisible = file.contents.chars().find(|c| {
                    (c.is_control() && *c != '\n')
                        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                });
                prop_assert!(invisible.is_none(), "{}: {invisible:?}", file.path);
                let markdown = support::foreign_markdown(&file.contents);
                prop_assert!(markdown.is_empty(), "{}: {markdown:#?}", file.path);
            }
            Ok(Some(files))
        }
        Err(Diagnostics(errors)) => {
            prop_assert!(!errors.is_empty());
            for error in &errors {
                prop_assert!(
                    error.location.line >= 1 && error.location.column >= 1,
                    "{error}"
                );
                prop_assert!(!error.message.is_empty());
            }
            Ok(None)
        }
    }
}

/// One random edit of a YAML tree, driven by `choices`.
fn mutate(value: &mut Value, choices: &mut impl Iterator<Item = u32>, replacement: &Value) {
    let choice = choices.next().unwrap_or(0);
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            let index = choice as usize % map.len();
            match choices.next().unwrap_or(0) % 6 {
                // Drop a key.
                0 => {
                    let key = map.keys().nth(index).cloned();
                    if let Some(key) = key {
                        map.remove(&key);
                    }
                }
                // Replace a value.
                1 => {
                    if let Some((_, v)) = map.iter_mut().nth(index) {
                        *v = replacement.clone();
                    }
                }
                // Duplicate an entry under a case-converted or hostile name.
                2 => {
                    let entry = map.iter().nth(index).map(|(k, v)| (k.clone(), v.clone()));
                    if let Some((Value::String(key), v)) = entry {
                        let renamed = match choice % 4 {
                            0 => key.to_lowercase(),
                            1 => key.to_uppercase(),
                            2 => format!("{key}_"),
                            _ => "type".to_owned(),
                        };
                        map.insert(Value::String(renamed), v);
                    }
                }
                // Nest a value deeper.
                3 => {
                    if let Some((_, v)) = map.iter_mut().nth(index) {
                        for _ in 0..(choice % 40) {
                            *v = Value::Sequence(vec![v.clone()]);
                        }
                    }
                }
                // Go down one level.
                _ => {
                    if let Some((_, v)) = map.iter_mut().nth(index) {
                        mutate(v, choices, replacement);
                    }
                }
            }
        }
        Value::Sequence(items) if !items.is_empty() => {
            let index = choice as usize % items.len();
            if choices.next().unwrap_or(0).is_multiple_of(3) {
                items.remove(index);
            } else {
                mutate(&mut items[index], choices, replacement);
            }
        }
        other => *other = replacement.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "[ -~\n\t\u{e9}\u{540d}]{0,300}") {
        assert_answers(&text)?;
    }

    #[test]
    fn arbitrary_yaml_trees_never_panic(tree in yaml_tree()) {
        let text = serde_yaml::to_string(&tree).unwrap_or_default();
        assert_answers(&text)?;
    }

    #[test]
    fn random_valid_specs_generate_code_that_parses(seed in any::<u64>()) {
        let spec = random_spec(seed, "");
        let files = generate("spec.yaml", &spec)
            .map_err(|e| TestCaseError::fail(format!("valid spec rejected:\n{e}\n{spec}")))?;
        for file in files {
            prop_assert!(
                syn::parse_file(&file.contents).is_ok(),
                "{} does not parse:\n{}",
                file.path,
                file.contents
            );
        }
    }
}

proptest! {
    // Each case generates the whole real spec: fewer cases keep this quick.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mutations_of_the_real_spec_never_panic(
        edits in prop::collection::vec((prop::collection::vec(any::<u32>(), 8), yaml_tree()), 1..5)
    ) {
        let mut spec: Value = serde_yaml::from_str(REAL_SPEC).expect("the real spec is YAML");
        for (choices, replacement) in &edits {
            mutate(&mut spec, &mut choices.iter().copied(), replacement);
        }
        let text = serde_yaml::to_string(&spec).unwrap_or_default();
        assert_answers(&text)?;
    }
}

/// Pieces of hostile doc text, joined at random.
const HOSTILE_DOC: &[&str] = &[
    "```",
    "```rust",
    "~~~",
    "````",
    "    ",
    "\t",
    "<",
    ">",
    "<script>",
    "</div>",
    "<!--",
    "&lt;",
    "&#60;",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "javascript:",
    "https://x.y/z",
    "#",
    "##",
    "=",
    "-",
    "---",
    "*",
    "_",
    "**",
    "~~",
    "`",
    "``",
    "|",
    ":",
    "1.",
    "1)",
    "+",
    ">",
    "\\",
    "[^1]",
    "[^1]:",
    "text",
    " ",
    "\n",
    "\n\n",
    "\u{202e}",
    "\r",
    "\u{200b}",
    "é",
    "名",
];

fn hostile_doc() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(HOSTILE_DOC), 1..12).prop_map(|parts| parts.concat())
}

/// Every `doc:` value of a YAML tree, as paths of keys.
fn doc_paths(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    if let Value::Mapping(map) = value {
        for (key, child) in map {
            path.push(key.clone());
            if key.as_str() == Some("doc") && child.is_string() {
                out.push(path.clone());
            }
            doc_paths(child, path, out);
            path.pop();
        }
    }
}

fn set_at(value: &mut Value, path: &[Value], new: Value) {
    match path.split_first() {
        None => *value = new,
        Some((key, rest)) => {
            if let Some(child) = value.as_mapping_mut().and_then(|m| m.get_mut(key)) {
                set_at(child, rest, new);
            }
        }
    }
}

/// A random collection path or base path: segments of path characters and
/// characters a path must not hold.
fn hostile_path() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(
            &[
                "Tickets", "api", "a", ".", "..", "/", "//", "?", "&", "=", "#", "%2e", "\\", " ",
                "\t", "é", "-", "_", "x.y", ":",
            ][..],
        ),
        1..6,
    )
    .prop_map(|parts| parts.concat())
}

fn is_plain_path(path: &str, absolute: bool) -> bool {
    let rest = if absolute {
        match path.strip_prefix('/') {
            Some(rest) => rest,
            None => return false,
        }
    } else {
        path
    };
    let segments: Vec<&str> = rest.split('/').collect();
    (absolute || segments.len() == 1)
        && segments.iter().all(|s| {
            !s.is_empty()
                && *s != "."
                && *s != ".."
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any doc text in any place of the real spec: either rejected (invisible
    /// characters, or nothing but blanks) or rendered inert (checked in
    /// `assert_answers`).
    #[test]
    fn hostile_docs_in_the_real_spec_are_inert_or_rejected(doc in hostile_doc(), pick in any::<usize>()) {
        let mut spec: Value = serde_yaml::from_str(REAL_SPEC).expect("the real spec is YAML");
        let mut paths = Vec::new();
        doc_paths(&spec, &mut Vec::new(), &mut paths);
        let path = paths[pick % paths.len()].clone();
        set_at(&mut spec, &path, Value::String(doc.clone()));
        let text = serde_yaml::to_string(&spec).unwrap_or_default();
        if assert_answers(&text)?.is_none() {
            let invisible = doc.chars().any(|c| c == '\r' || c == '\u{202e}' || c == '\u{200b}');
            prop_assert!(invisible || doc.trim().is_empty(), "rejected {doc:?}");
        }
    }

    /// Any collection path or base path: accepted only when plainly a path.
    #[test]
    fn hostile_paths_are_plain_or_rejected(path in hostile_path(), base in any::<bool>()) {
        let mut spec: Value = serde_yaml::from_str(REAL_SPEC).expect("the real spec is YAML");
        let at: Vec<Value> = if base {
            vec!["api".into(), "base_path".into()]
        } else {
            vec!["entities".into(), "Ticket".into(), "path".into()]
        };
        set_at(&mut spec, &at, Value::String(path.clone()));
        let text = serde_yaml::to_string(&spec).unwrap_or_default();
        let accepted = assert_answers(&text)?.is_some();
        prop_assert_eq!(accepted, is_plain_path(&path, base), "{:?}", path);
    }
}

/// A small deterministic PRNG (xorshift), so a seed names a spec.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const API: &str = "version: 1
api:
  name: HaloPSA
  doc: The HaloPSA REST API.
  base_path: /api
  auth: { token_path: /auth/token, tenant_param: tenant, default_scope: all, discovery_path: /api/AuthInfo }
  pagination: { enable_param: pageinate, page_param: page_no, size_param: page_size, count_field: record_count, max_page_size: 100 }
  rate_limit: { requests: 700, window_seconds: 300 }
";

/// A spec that is valid by construction, exercising every construct of the
/// format: named structs (with a lookup) and enums, all field types, refs
/// between entities, keyword and CamelCase wire names, every list shape,
/// filters and parameters of every allowed type. `prefix` keeps the names of
/// several specs apart.
fn random_spec(seed: u64, prefix: &str) -> String {
    let mut rng = Rng(seed | 1);
    let entity_names: Vec<String> = ["Ticket", "Client", "Site", "Asset", "Invoice"]
        [..1 + rng.below(5)]
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .collect();
    let mut out = String::from(API);
    out.push_str(&format!(
        "types:
  {prefix}Field:
    doc: \"A custom field: [x] <y> `z`.\"
    lookup: {{ key: name, method: {p}field }}
    struct:
      id: {{ type: i32, doc: Id. }}
      name: {{ type: string, doc: Name. }}
      type: {{ type: i32, doc: Type. }}
      value: {{ type: json, doc: Value. }}
  {prefix}Level:
    doc: A level.
    enum:
      repr: i32
      values:
        Low: {{ value: 1, doc: Low. }}
        High: {{ value: -3, doc: High. }}
  {prefix}Kind:
    doc: A kind.
    enum:
      repr: string
      values:
        Email: {{ value: email, doc: \"Email \\\"quoted\\\".\" }}
entities:
",
        p = prefix.to_lowercase()
    ));
    let scalar_types = [
        "bool", "i32", "i64", "f64", "string", "date", "datetime", "json",
    ];
    let wire_names = [
        "summary",
        "type",
        "use",
        "ref",
        "match",
        "self",
        "ClassName",
        "category_1",
        "dateOccurred",
        "x",
        "deleted",
        "loop",
        "async",
        "value",
        "name",
    ];
    for (index, entity) in entity_names.iter().enumerate() {
        let all_ops = ["list", "get", "create", "update", "delete"];
        let mut ops: Vec<&str> = all_ops.iter().copied().filter(|_| rng.chance(70)).collect();
        if ops.is_empty() {
            ops.push("get");
        }
        out.push_str(&format!("  {entity}:\n    doc: The {entity} record.\n"));
        out.push_str(&format!("    path: {entity}Path{index}\n"));
        if ops.contains(&"list") {
            let paginated = rng.chance(50);
            match rng.below(3) {
                0 => out.push_str("    list: { shape: bare }\n"),
                1 if !paginated => {
                    out.push_str("    list: { shape: wrapped, key: items, paginated: false, count_param: count }\n")
                }
                _ => out.push_str(&format!(
                    "    list: {{ shape: wrapped, key: items, paginated: {paginated} }}\n"
                )),
            }
        }
        out.push_str(&format!("    operations: [{}]\n", ops.join(", ")));
        out.push_str("    fields:\n      id: { type: id, doc: The id. }\n");
        let mut used = Vec::new();
        let mut has_field_list = false;
        for _ in 0..rng.below(8) {
            let wire = rng.pick(&wire_names);
            if used.contains(&wire) {
                continue;
            }
            used.push(wire);
            let ty = match rng.below(6) {
                0 => format!("list<{}>", rng.pick(&["i32", "string", "json", "bool"])),
                1 => format!("ref<{}>", entity_names[rng.below(entity_names.len())]),
                // One list of the lookup type per entity: two would share its method.
                2 if !has_field_list => {
                    has_field_list = true;
                    format!("list<{prefix}Field>")
                }
                3 => format!("{prefix}{}", rng.pick(&["Level", "Kind", "Field"])),
                _ => rng.pick(&scalar_types).to_owned(),
            };
            let writes = ops.contains(&"create") || ops.contains(&"update");
            let read_only = if rng.chance(30) {
                ", read_only: true"
            } else if writes && rng.chance(15) {
                ", request_only: true"
            } else {
                ""
            };
            out.push_str(&format!(
                "      {wire}: {{ type: {ty}, doc: Field {wire}.{read_only} }}\n"
            ));
        }
        let param_types = [
            "bool",
            "i32",
            "i64",
            "f64",
            "string",
            "date",
            "datetime",
            "list<i32>",
            "list<string>",
        ];
        for (section, op) in [
            ("filters", "list"),
            ("get_params", "get"),
            ("delete_params", "delete"),
        ] {
            if !ops.contains(&op) || rng.chance(30) {
                continue;
            }
            out.push_str(&format!("    {section}:\n"));
            for n in 0..1 + rng.below(4) {
                let ty = if rng.chance(20) {
                    format!("ref<{}>", entity_names[rng.below(entity_names.len())])
                } else {
                    rng.pick(&param_types).to_owned()
                };
                out.push_str(&format!(
                    "      p{n}_{op}: {{ type: {ty}, doc: A parameter. }}\n"
                ));
            }
        }
    }
    out
}

/// Generated code for a sample of random specs compiles, warning-free, in a
/// crate made of the real runtime and that code (see `support`).
#[test]
fn a_sample_of_random_specs_compiles_without_warnings() {
    let cases: Vec<support::Case> = [7_u64, 1_234_567, 0xDEAD_BEEF]
        .into_iter()
        .map(|seed| {
            let spec = random_spec(seed, "");
            support::Case {
                name: format!("random_{seed}"),
                files: generate("spec.yaml", &spec).unwrap_or_else(|e| panic!("{e}\n{spec}")),
            }
        })
        .collect();
    support::build("random", &cases, false).unwrap_or_else(|e| panic!("{e}"));
}
