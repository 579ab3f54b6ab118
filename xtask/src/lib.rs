//! The project's automation, as a library so tests can run it in-process.
//!
//! `gen` writes the generated client from the spec; `check` compares instead of
//! writing and reports a readable diff when the committed output is stale.
//! [`upstream`] checks the spec against Halo's OpenAPI document ([`openapi`]),
//! and [`draft`] drafts a spec entry from it.

pub mod bench;
pub mod compile_cost;
pub mod draft;
pub mod openapi;
pub mod upstream;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use halopsa_codegen::{GeneratedFile, GENERATED_MARKER};

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where `gen` reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The spec file.
    pub spec: PathBuf,
    /// The directory that receives the generated files.
    pub out: PathBuf,
}

impl Default for Paths {
    fn default() -> Self {
        let root = workspace_root();
        Paths {
            spec: root.join("spec/halopsa.yaml"),
            out: root.join("generated-client/src/generated"),
        }
    }
}

/// How one output file compares with what is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file does not exist yet.
    Created(String),
    /// The file exists with other contents.
    Updated(String),
    /// A generated file that the spec no longer produces.
    Removed(String),
}

impl Change {
    /// The file's path relative to the output directory.
    pub fn path(&self) -> &str {
        match self {
            Change::Created(p) | Change::Updated(p) | Change::Removed(p) => p,
        }
    }
}

/// Reads the spec and runs the generator; a failure is a printable message.
pub fn generate(paths: &Paths) -> Result<Vec<GeneratedFile>, String> {
    // Bytes, not text: the generator locates a non-UTF-8 byte itself.
    let source = fs::read(&paths.spec)
        .map_err(|e| format!("error: cannot read {}: {e}", paths.spec.display()))?;
    halopsa_codegen::generate(&display_name(&paths.spec), &source).map_err(|d| d.to_string())
}

/// The spec's name in messages and headers: relative to the workspace when inside it,
/// so the output does not depend on where the checkout lives.
fn display_name(spec: &Path) -> String {
    let root = workspace_root();
    let absolute = fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    let root = fs::canonicalize(&root).unwrap_or(root);
    absolute
        .strip_prefix(&root)
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|_| spec.to_path_buf())
        .to_string_lossy()
        .replace('\\', "/")
}

/// Compares generated files with the output directory: (change, old text, new text).
pub fn compare(files: &[GeneratedFile], out: &Path) -> Vec<(Change, String, String)> {
    let mut changes = Vec::new();
    for file in files {
        match fs::read_to_string(out.join(&file.path)) {
            Ok(old) if old == file.contents => {}
            Ok(old) => changes.push((
                Change::Updated(file.path.clone()),
                old,
                file.contents.clone(),
            )),
            Err(_) => changes.push((
                Change::Created(file.path.clone()),
                String::new(),
                file.contents.clone(),
            )),
        }
    }
    for stale in stale_files(files, out) {
        let old = fs::read_to_string(out.join(&stale)).unwrap_or_default();
        changes.push((Change::Removed(stale), old, String::new()));
    }
    changes
}

/// Files in `out` that carry the generator's marker but are no longer produced.
/// Files without the marker are never touched.
fn stale_files(files: &[GeneratedFile], out: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut stale: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.ends_with(".rs") && !files.iter().any(|f| &f.path == name))
        .filter(|name| {
            fs::read_to_string(out.join(name)).is_ok_and(|text| text.starts_with(GENERATED_MARKER))
        })
        .collect();
    stale.sort();
    stale
}

/// Writes what changed; returns the changes made.
pub fn write(files: &[GeneratedFile], out: &Path) -> Result<Vec<Change>, String> {
    fs::create_dir_all(out).map_err(|e| format!("error: cannot create {}: {e}", out.display()))?;
    let changes = compare(files, out);
    for (change, _, new) in &changes {
        let path = out.join(change.path());
        let result = match change {
            Change::Removed(_) => fs::remove_file(&path),
            Change::Created(_) | Change::Updated(_) => fs::write(&path, new),
        };
        result.map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    }
    Ok(changes.into_iter().map(|(change, _, _)| change).collect())
}

/// A unified diff of every change, for `gen --check`.
pub fn render_diff(changes: &[(Change, String, String)], out: &Path) -> String {
    let mut text = String::new();
    for (change, old, new) in changes {
        let path = out.join(change.path()).display().to_string();
        let diff = similar::TextDiff::from_lines(old, new);
        let _ = write!(
            text,
            "{}",
            diff.unified_diff().context_radius(3).header(
                &format!("{path} (committed)"),
                &format!("{path} (from the spec)")
            )
        );
    }
    text
}

/// Reads and checks a spec for the commands that compare it with Halo's document.
pub fn load_spec(path: &Path) -> Result<halopsa_codegen::model::Spec, String> {
    let source =
        fs::read(path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
    halopsa_codegen::check(&display_name(path), &source).map_err(|d| d.to_string())
}
