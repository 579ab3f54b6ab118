//! Snapshot tests of the generator: every valid fixture's emitted code, and
//! every invalid fixture's diagnostics.
//!
//! Fixtures live in `tests/fixtures/{valid,invalid}/*.yaml`, one construct or
//! one error each; snapshots in `tests/snapshots/`. Review changes with
//! `cargo insta review`, or regenerate with `INSTA_UPDATE=always`.

use std::fs;
use std::path::Path;

/// The fixture's path relative to `tests/`, with `/` separators, so that
/// headers and messages in the snapshots do not depend on the checkout.
fn stable_name(path: &Path) -> String {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    path.strip_prefix(&tests)
        .expect("fixtures live under tests/")
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn valid_specs_emit_code() {
    insta::glob!("fixtures/valid/*.yaml", |path| {
        let name = stable_name(path);
        let source = fs::read_to_string(path).unwrap();
        let files = halopsa_codegen::generate(&name, &source)
            .unwrap_or_else(|errors| panic!("{name} should be valid:\n{errors}"));
        let mut text = String::new();
        for file in &files {
            text.push_str(&format!("// ==== {} ====\n{}", file.path, file.contents));
        }
        insta::assert_snapshot!(text);
    });
}

#[test]
fn invalid_specs_report_located_errors() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let name = stable_name(path);
        let source = fs::read_to_string(path).unwrap();
        let errors = match halopsa_codegen::generate(&name, &source) {
            Ok(_) => panic!("{name} should be rejected"),
            Err(errors) => errors,
        };
        assert!(!errors.0.is_empty(), "{name}: an error without diagnostics");
        for diagnostic in &errors.0 {
            assert!(
                diagnostic.location.line >= 1 && diagnostic.location.column >= 1,
                "{name}: unlocated diagnostic {diagnostic}"
            );
            assert_eq!(diagnostic.file, name);
        }
        insta::assert_snapshot!(errors.to_string());
    });
}
