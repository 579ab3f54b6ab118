//! Property tests: whatever the input, the generator answers with code or
//! with located errors, never a panic; and specs that are valid by
//! construction always generate code that parses (a sample also compiles).

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
                    out.push_str("    list: { shape: wrapped, key: items, count_param: count }\n")
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
            let read_only = if rng.chance(30) {
                ", read_only: true"
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
/// crate made of the real runtime and that code. Slow (a cargo build), so it
/// builds in its own target directory and uses a fixed sample.
#[test]
fn a_sample_of_random_specs_compiles_without_warnings() {
    use std::path::Path;
    use std::process::Command;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let work = root.join("target").join("compile-check");
    let krate = work.join("crate");
    let _ = std::fs::remove_dir_all(krate.join("src"));
    copy_dir(
        &root.join("generated-client/src/runtime"),
        &krate.join("src/runtime"),
    );
    let manifest = std::fs::read_to_string(root.join("generated-client/Cargo.toml")).unwrap();
    let manifest = standalone_manifest(
        &manifest,
        &std::fs::read_to_string(root.join("Cargo.toml")).unwrap(),
    );
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();

    for seed in [7_u64, 1_234_567, 0xDEAD_BEEF] {
        let spec = random_spec(seed, "");
        let files = generate("spec.yaml", &spec).unwrap_or_else(|e| panic!("{e}\n{spec}"));
        let out = krate.join("src/generated");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        for file in &files {
            std::fs::write(out.join(&file.path), &file.contents).unwrap();
        }
        std::fs::write(
            krate.join("src/lib.rs"),
            "//! Compile check.\n#![deny(missing_docs)]\npub mod runtime;\n#[rustfmt::skip]\nmod generated;\npub use generated::*;\n",
        )
        .unwrap();
        let output = Command::new(env!("CARGO"))
            .args(["build", "--offline", "--quiet", "--lib"])
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", work.join("target"))
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "seed {seed}: generated code does not compile cleanly:\n{}\n{spec}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The generated crate's manifest as a standalone package: workspace-inherited
/// keys resolved from the root manifest, and a `[workspace]` of its own.
fn standalone_manifest(member: &str, root: &str) -> String {
    let root: toml_like::Root = toml_like::Root::new(root);
    let mut out = String::from("[workspace]\n\n");
    let mut section = String::new();
    for line in member.lines() {
        if line.starts_with('[') {
            section = line.to_owned();
            if section.contains("bench") || section.contains("dev-dependencies") {
                continue;
            }
        }
        if section.contains("bench") || section.contains("dev-dependencies") {
            continue;
        }
        if section == "[package]" && line.contains("workspace = true") {
            let key = manifest_key(line);
            if let Some(value) = root.package(key) {
                out.push_str(&format!("{key} = {value}\n"));
            }
            continue;
        }
        if section == "[dependencies]" && line.contains("workspace = true") {
            // Features added in the member are not merged: it has none today.
            let key = manifest_key(line);
            if let Some(value) = root.dependency(key) {
                out.push_str(&format!("{key} = {value}\n"));
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `tokio` in `tokio.workspace = true` or `tokio = { workspace = true }`.
fn manifest_key(line: &str) -> &str {
    line.split(['.', ' ', '=']).next().unwrap_or_default()
}

/// Just enough reading of the root manifest for `standalone_manifest`: one
/// `key = value` per line in `[workspace.package]` and `[workspace.dependencies]`.
mod toml_like {
    pub struct Root<'a>(&'a str);

    impl<'a> Root<'a> {
        pub fn new(text: &'a str) -> Self {
            Root(text)
        }
        fn find(&self, table: &str, key: &str) -> Option<String> {
            let mut in_table = false;
            for line in self.0.lines() {
                if line.starts_with('[') {
                    in_table = line.trim() == table;
                } else if in_table {
                    if let Some((k, v)) = line.split_once('=') {
                        if k.trim() == key {
                            return Some(v.trim().to_owned());
                        }
                    }
                }
            }
            None
        }
        pub fn package(&self, key: &str) -> Option<String> {
            self.find("[workspace.package]", key)
        }
        pub fn dependency(&self, key: &str) -> Option<String> {
            self.find("[workspace.dependencies]", key)
        }
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
