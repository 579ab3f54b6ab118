//! Hostile specs: what a spec can do to the generator and to the code it emits.
//!
//! `fixtures/hostile/` holds one attack per file, each a mutation of
//! `fixtures/valid/real_spec_excerpt.yaml` (an excerpt of the real spec), and
//! says on its second line whether it must be accepted or rejected.
//!
//! - A rejected spec gets located diagnostics, each with help; their exact
//!   text is snapshotted.
//! - An accepted spec's snapshot is what its generated code changes against
//!   the excerpt's, so a reviewer sees how the hostile text came out. Every
//!   accepted spec is then checked with `-D warnings` and its rustdoc pages
//!   are read: spec text must not have introduced any element other than
//!   paragraphs, lists and code (a doctest would show as a code example).

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use halopsa_codegen::{generate, GeneratedFile};
use similar::{ChangeTag, TextDiff};

const BASE: &str = include_str!("fixtures/valid/real_spec_excerpt.yaml");

/// The fixture's name relative to `tests/`, stable across checkouts.
fn stable_name(path: &Path) -> String {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    path.strip_prefix(&tests)
        .expect("fixtures live under tests/")
        .to_string_lossy()
        .replace('\\', "/")
}

/// Whether the fixture declares itself accepted (`# Expected: accepted...`).
fn expects_acceptance(source: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&source[..source.len().min(400)]).into_owned();
    let expected = head
        .lines()
        .find_map(|l| l.strip_prefix("# Expected: "))
        .expect("each hostile fixture says `# Expected: accepted...` or `# Expected: rejected.`");
    expected.starts_with("accepted")
}

/// The lines of `files` that differ from the excerpt's generated code, under
/// the same file name (so headers match); the spec hash always differs.
fn changes_from_base(name: &str, files: &[GeneratedFile]) -> String {
    let base = generate(name, BASE).expect("the excerpt is valid");
    let mut out = String::new();
    for file in files {
        let old = base
            .iter()
            .find(|b| b.path == file.path)
            .map_or("", |b| b.contents.as_str());
        let diff = TextDiff::from_lines(old, &file.contents);
        let changed: Vec<String> = diff
            .iter_all_changes()
            .filter(|c| c.tag() != ChangeTag::Equal && !c.value().starts_with("// Spec sha256:"))
            .map(|c| {
                let sign = if c.tag() == ChangeTag::Delete {
                    '-'
                } else {
                    '+'
                };
                format!("{sign}{}", c.value().trim_end_matches('\n'))
            })
            .collect();
        if !changed.is_empty() {
            out.push_str(&format!("==== {}\n{}\n", file.path, changed.join("\n")));
        }
    }
    if out.is_empty() {
        out.push_str("(no change from the excerpt's code)\n");
    }
    out
}

fn hostile_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_corpus_is_large_and_mixed() {
    let all = hostile_fixtures();
    let accepted = all
        .iter()
        .filter(|p| expects_acceptance(&fs::read(p).unwrap()))
        .count();
    assert!(all.len() >= 60, "{} hostile specs", all.len());
    assert!(accepted >= 20 && all.len() - accepted >= 20);
}

#[test]
fn corpus() {
    insta::glob!("fixtures/hostile/*.yaml", |path| {
        let name = stable_name(path);
        let source = fs::read(path).unwrap();
        let accept = expects_acceptance(&source);
        let report = match generate(&name, &source) {
            Ok(files) => {
                assert!(accept, "{name} should be rejected, and was accepted");
                for file in &files {
                    let found = support::foreign_markdown(&file.contents);
                    assert!(found.is_empty(), "{name}, {}: {found:#?}", file.path);
                }
                format!("accepted\n{}", changes_from_base(&name, &files))
            }
            Err(errors) => {
                assert!(!accept, "{name} should be accepted:\n{errors}");
                for diagnostic in &errors.0 {
                    assert!(diagnostic.location.line >= 1 && diagnostic.location.column >= 1);
                    assert!(!diagnostic.help.trim().is_empty(), "{name}: {diagnostic}");
                    assert_eq!(diagnostic.file, name);
                }
                errors.to_string()
            }
        };
        insta::assert_snapshot!(report);
    });
}

/// A spec file name is pasted into every generated file's header and into
/// the crate docs; a hostile one must not break out of either.
const HOSTILE_FILE_NAME: &str = "spec`.yaml\n*/ fn evil() {} // <script>\u{202e}";

#[test]
fn a_hostile_file_name_stays_in_its_comment() {
    let files = generate(HOSTILE_FILE_NAME, BASE).unwrap();
    for file in &files {
        let header = file.contents.lines().next().unwrap();
        assert!(header.starts_with("// @generated by halopsa-codegen from"));
        assert!(!file.contents.contains('\u{202e}'), "{}", file.path);
        assert!(file
            .contents
            .lines()
            .nth(1)
            .is_some_and(|l| !l.contains("fn evil")));
        syn::parse_file(&file.contents).unwrap();
    }
}

/// Every accepted hostile spec, every valid fixture, and the excerpt under a
/// hostile file name, checked for real; then every rustdoc page read.
///
/// The excerpt itself is the baseline: its pages' doc blocks outside the
/// runtime are checked, and then every doc block of a hostile crate that the
/// baseline does not have (so: one that spec text changed or added, wherever
/// it shows, setters on runtime request types included) is checked.
#[test]
fn accepted_specs_compile_cleanly_and_render_inert_docs() {
    let mut cases = vec![
        support::Case {
            name: "case_base".into(),
            files: generate("spec.yaml", BASE).unwrap(),
        },
        support::Case {
            name: "case_hostile_file_name".into(),
            files: generate(HOSTILE_FILE_NAME, BASE).unwrap(),
        },
    ];
    // Every valid fixture too: each construct of the format compiles.
    let valid_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut valid: Vec<PathBuf> = fs::read_dir(valid_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    valid.sort();
    for path in valid {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        cases.push(support::Case {
            name: format!("valid_{stem}"),
            files: generate(&stable_name(&path), fs::read(&path).unwrap()).unwrap(),
        });
    }
    for path in hostile_fixtures() {
        let source = fs::read(&path).unwrap();
        if !expects_acceptance(&source) {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        cases.push(support::Case {
            name: format!("case_{stem}"),
            files: generate(&stable_name(&path), &source).unwrap(),
        });
    }
    let built = support::build("hostile", &cases, true).unwrap_or_else(|e| panic!("{e}"));

    let base_dir = built.doc_dir.join("case_base");
    let mut known = std::collections::HashSet::new();
    for page in html_pages(&base_dir) {
        let html = fs::read_to_string(&page).unwrap();
        let generated = !page.starts_with(base_dir.join("runtime"));
        let own = html
            .split("id=\"trait-implementations\"")
            .next()
            .unwrap_or("");
        for block in doc_blocks(own) {
            if let (true, Some(tag)) = (generated, foreign_tags(block).first()) {
                panic!("{}: the excerpt's docs hold <{tag}>", page.display());
            }
        }
        known.extend(
            doc_blocks(&html)
                .into_iter()
                .map(|b| b.replace("case_base", "CRATE")),
        );
    }
    let mut checked = 0;
    for case in &cases[1..] {
        for page in html_pages(&built.doc_dir.join(&case.name)) {
            let html = fs::read_to_string(&page).unwrap();
            for block in doc_blocks(&html) {
                // Links name the crate in their titles.
                if known.contains(&block.replace(&case.name, "CRATE")) {
                    continue;
                }
                checked += 1;
                if let Some(tag) = foreign_tags(block).first() {
                    panic!(
                        "{}: spec text introduced <{tag}> in:\n{block}",
                        page.display()
                    );
                }
            }
        }
    }
    assert!(
        checked >= cases.len(),
        "only {checked} changed doc blocks read"
    );
}

/// Every rustdoc page of a crate.
fn html_pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(html_pages(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_html_check_sees_what_spec_text_could_introduce() {
    let page = r#"<div class="docblock"><p>ok <code>x</code> <a href="struct.X.html">X</a></p>
<ul><li>a</li></ul></div>
<div class="docblock"><div class="example-wrap"><pre>fn main() {}</pre></div></div>
<span class="docblock-short"><script>x</script></span>
<div class="docblock"><p><a href="https://evil.example">x</a><img src=x></p></div>"#;
    let blocks = doc_blocks(page);
    assert_eq!(blocks.len(), 4);
    assert!(foreign_tags(blocks[0]).is_empty());
    assert_eq!(
        foreign_tags(blocks[1]),
        ["div class=\"example-wrap\"", "pre"]
    );
    assert_eq!(foreign_tags(blocks[2]), ["script"]);
    assert_eq!(
        foreign_tags(blocks[3]),
        ["a href=\"https://evil.example\"", "img src=x"]
    );
}

/// Elements inside doc blocks that neither the generator nor plain text makes:
/// anything but `p`, `code`, lists, and links to the crate's own pages.
fn foreign_tags(block: &str) -> Vec<String> {
    let mut found = Vec::new();
    {
        let mut rest = block;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[..end];
            rest = &rest[end..];
            if tag.starts_with('/') {
                continue;
            }
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let allowed = match name.as_str() {
                "p" | "code" | "ul" | "ol" | "li" => true,
                // Intra-doc links the generator writes: relative, to .html pages.
                "a" => {
                    tag.contains("href=\"") && !tag.contains("://") && !tag.contains("javascript:")
                }
                _ => false,
            };
            if !allowed {
                found.push(tag.to_owned());
            }
        }
    }
    found
}

/// The inner HTML of every `class="docblock..."` element (doc text and the
/// one-line summaries in item tables).
fn doc_blocks(html: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("class=\"docblock") {
        let open_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag_start = rest[..at].rfind('<').unwrap_or(0);
        let element: String = rest[tag_start + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let body = &rest[open_end..];
        let end = closing(body, &element);
        blocks.push(&body[..end]);
        rest = &body[end..];
    }
    blocks
}

/// Where the element opened just before `body` closes, counting nested ones.
fn closing(body: &str, element: &str) -> usize {
    let (open, close) = (format!("<{element}"), format!("</{element}>"));
    let mut depth = 1;
    let mut at = 0;
    while depth > 0 {
        let next_open = body[at..].find(&open).map(|i| at + i);
        let next_close = body[at..].find(&close).map(|i| at + i);
        match (next_open, next_close) {
            (Some(o), Some(c)) if o < c => {
                depth += 1;
                at = o + open.len();
            }
            (_, Some(c)) => {
                depth -= 1;
                if depth == 0 {
                    return c;
                }
                at = c + close.len();
            }
            _ => return body.len(),
        }
    }
    body.len()
}
