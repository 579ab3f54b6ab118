//! The project's automation, as a library so tests can run it in-process.
//!
//! `gen` writes the generated client and its API snapshots ([`surface`]) from
//! the spec; [`check`] compares instead of writing and reports what is stale:
//! the API changes (breaking ones first), then both diffs.
//! [`upstream`] checks the spec against Halo's OpenAPI document ([`openapi`]),
//! and [`draft`] drafts a spec entry from it.

pub mod bench;
pub mod compile_cost;
pub mod draft;
pub mod openapi;
pub mod surface;
pub mod upstream;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use halopsa_codegen::surface::Surface;
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
    /// The directory of the API snapshots, or `None` to leave them alone
    /// (generating into another directory).
    pub snapshots: Option<PathBuf>,
}

impl Default for Paths {
    fn default() -> Self {
        let root = workspace_root();
        Paths {
            spec: root.join("spec/halopsa.yaml"),
            out: root.join("generated-client/src/generated"),
            snapshots: Some(root.join("xtask/tests/snapshots")),
        }
    }
}

/// What the generator makes of one spec: the code and the API surface.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The files of the generated module.
    pub code: Vec<GeneratedFile>,
    /// The surface texts: the crate root's, then one per entity.
    pub surfaces: Vec<Surface>,
}

impl Generated {
    /// The API snapshot files, as insta writes them.
    pub fn snapshots(&self) -> Vec<GeneratedFile> {
        self.surfaces.iter().map(surface::snapshot_file).collect()
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

/// A change with the committed text and the new text (empty for a file
/// that does not exist on that side).
pub type FileChange = (Change, String, String);

impl Change {
    /// The file's path relative to the output directory.
    pub fn path(&self) -> &str {
        match self {
            Change::Created(p) | Change::Updated(p) | Change::Removed(p) => p,
        }
    }
}

/// Reads the spec and runs the generator; a failure is a printable message.
pub fn generate(paths: &Paths) -> Result<Generated, String> {
    let spec = load_spec(&paths.spec)?;
    Ok(Generated {
        code: halopsa_codegen::emit(&spec),
        surfaces: halopsa_codegen::surface::surface(&spec),
    })
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

/// What `gen` would change: (change, committed text, new text) for the
/// generated code and for the API snapshots. `gen --check` and the tests
/// report from this one comparison, so they cannot disagree.
#[derive(Debug, Clone, Default)]
pub struct Stale {
    /// Files of the generated code.
    pub code: Vec<FileChange>,
    /// API snapshot files.
    pub api: Vec<FileChange>,
}

impl Stale {
    /// Whether the committed output is current.
    pub fn is_empty(&self) -> bool {
        self.code.is_empty() && self.api.is_empty()
    }

    /// `2 generated file(s) and 1 API snapshot(s) differ from the spec, with
    /// 1 breaking API change(s) listed first`.
    pub fn summary(&self) -> String {
        let mut stale = Vec::new();
        if !self.code.is_empty() {
            stale.push(format!("{} generated file(s)", self.code.len()));
        }
        if !self.api.is_empty() {
            stale.push(format!("{} API snapshot(s)", self.api.len()));
        }
        let breaking = surface::report(&self.api)
            .iter()
            .filter(|line| line.starts_with("BREAKING"))
            .count();
        let breaking = match breaking {
            0 => String::new(),
            n => format!(", with {n} breaking API change(s) listed first"),
        };
        format!("{} differ from the spec{breaking}", stale.join(" and "))
    }

    /// The API changes (`BREAKING:` lines first), then the snapshots' diff,
    /// then the code's.
    pub fn render(&self, paths: &Paths) -> String {
        let mut text = String::new();
        let report = surface::report(&self.api);
        if !report.is_empty() {
            let breaking = report.iter().filter(|l| l.starts_with("BREAKING")).count();
            let _ = writeln!(
                text,
                "API changes ({breaking} breaking):\n{}\n",
                report.join("\n")
            );
        }
        if let Some(dir) = &paths.snapshots {
            text.push_str(&render_diff(&self.api, dir));
        }
        text.push_str(&render_diff(&self.code, &paths.out));
        text
    }
}

/// Compares what the spec generates with what is committed.
pub fn check(paths: &Paths, generated: &Generated) -> Stale {
    Stale {
        code: compare(&generated.code, &paths.out),
        api: match &paths.snapshots {
            Some(dir) => compare_in(&generated.snapshots(), dir, surface::is_ours),
            None => Vec::new(),
        },
    }
}

/// Compares generated files with the output directory: (change, old text, new text).
pub fn compare(files: &[GeneratedFile], out: &Path) -> Vec<FileChange> {
    compare_in(files, out, is_generated_code)
}

/// A generated Rust file: only such files are replaced or removed in the output directory.
fn is_generated_code(name: &str, text: &str) -> bool {
    name.ends_with(".rs") && text.starts_with(GENERATED_MARKER)
}

/// Compares `files` with the directory `out`, where `ours(name, text)` tells which files
/// the generator owns (and so removes when it no longer produces them).
fn compare_in(
    files: &[GeneratedFile],
    out: &Path,
    ours: fn(&str, &str) -> bool,
) -> Vec<FileChange> {
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
    for (stale, old) in stale_files(files, out, ours) {
        changes.push((Change::Removed(stale), old, String::new()));
    }
    changes
}

/// Files in `out` that the generator owns but no longer produces, with their
/// text. Files it does not own are never touched.
fn stale_files(
    files: &[GeneratedFile],
    out: &Path,
    ours: fn(&str, &str) -> bool,
) -> Vec<(String, String)> {
    let Ok(entries) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut stale: Vec<(String, String)> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !files.iter().any(|f| &f.path == name))
        .filter_map(|name| {
            let text = fs::read_to_string(out.join(&name)).ok()?;
            ours(&name, &text).then_some((name, text))
        })
        .collect();
    stale.sort();
    stale
}

/// Writes the generated code and, when `paths` has a snapshot directory,
/// the API snapshots; returns what changed in each.
pub fn write_all(
    paths: &Paths,
    generated: &Generated,
) -> Result<(Vec<Change>, Vec<FileChange>), String> {
    let code = write(&generated.code, &paths.out)?;
    let Some(dir) = &paths.snapshots else {
        return Ok((code, Vec::new()));
    };
    let snapshots = generated.snapshots();
    let api = compare_in(&snapshots, dir, surface::is_ours);
    apply(&api, dir)?;
    // A failed snapshot test leaves insta's pending `.snap.new` beside the
    // snapshot; what was just written supersedes it, so `cargo insta review`
    // must not offer it again.
    for file in &snapshots {
        let _ = fs::remove_file(dir.join(format!("{}.new", file.path)));
    }
    Ok((code, api))
}

/// Writes what changed; returns the changes made.
pub fn write(files: &[GeneratedFile], out: &Path) -> Result<Vec<Change>, String> {
    let changes = compare(files, out);
    apply(&changes, out)?;
    Ok(changes.into_iter().map(|(change, _, _)| change).collect())
}

/// Makes `out` hold the new text of every change.
fn apply(changes: &[FileChange], out: &Path) -> Result<(), String> {
    fs::create_dir_all(out).map_err(|e| format!("error: cannot create {}: {e}", out.display()))?;
    for (change, _, new) in changes {
        let path = out.join(change.path());
        let result = match change {
            Change::Removed(_) => fs::remove_file(&path),
            Change::Created(_) | Change::Updated(_) => fs::write(&path, new),
        };
        result.map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// A unified diff of every change, for `gen --check`.
pub fn render_diff(changes: &[FileChange], out: &Path) -> String {
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
