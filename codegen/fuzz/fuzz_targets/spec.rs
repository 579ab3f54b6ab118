//! Feeds arbitrary bytes, as lossy UTF-8 text, through the whole generator:
//! YAML parsing, decoding, validation and emission. Any answer is fine as
//! long as it is generated code or located errors; a panic is a bug.

#![no_main]

use halopsa_codegen::{generate, Diagnostics};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    match generate("fuzz.yaml", &source) {
        Ok(files) => {
            assert!(!files.is_empty(), "a valid spec generates at least mod.rs");
            for file in &files {
                assert!(
                    !file.contents.contains("compile_error!"),
                    "emitted code that does not parse: {}",
                    file.path
                );
            }
        }
        Err(Diagnostics(errors)) => {
            assert!(!errors.is_empty(), "an error answer names a problem");
            for error in &errors {
                assert!(
                    error.location.line >= 1 && error.location.column >= 1,
                    "unlocated error: {error}"
                );
                assert!(!error.message.is_empty(), "error without a message");
            }
        }
    }
});
