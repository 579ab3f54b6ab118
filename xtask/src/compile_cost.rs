//! The compile cost of the generated crate, against a baseline revision built
//! in the same run.
//!
//! Users pay for generated code in build time, and growing the spec must not
//! make them wait proportionally longer. So `cargo xtask bench` checks out
//! [`BASELINE_REV`] beside the workspace (a detached `git worktree` under
//! `target/`), and times, alternating between the two trees, a rebuild of
//! `halopsa` alone (dependencies built) in debug and release, and a rebuild
//! of a consumer crate that calls every operation of every entity, written
//! for each tree from its own spec. Each tree builds in a target directory of
//! its own, so neither the main one nor the other tree is disturbed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use halopsa_codegen::model::{KeyKind, Param, Type};

use crate::bench::Figure;
use crate::workspace_root;

/// The revision the budgets compare with: the last one whose spec had the 20
/// collections of before the spec grew to Halo's breadth (its generated code
/// already in today's shape: request types per entity, records and setters
/// as tables). Growing the spec 2.7x must not make a rebuild 2.7x slower.
pub const BASELINE_REV: &str = "cc9dd7d";

/// The most a rebuild of `halopsa` may take, as a multiple of the
/// baseline's in the same run.
pub const BUDGET: f64 = 1.5;

/// What to compare: the workspace (or `subject`, a revision) against
/// `baseline`, within `budget`; with `spec`, both trees generate their
/// client from that one spec first, each with its own generator, so that
/// generator and runtime are compared on equal input. `cargo xtask bench
/// --compile-only --baseline 6d34546 --spec target/bench-baseline/spec/halopsa.yaml
/// --budget 1.0` replays issue 13's budget: today's generator and runtime
/// against the code before it, from the 20-collection spec of that time.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub baseline: String,
    pub subject: Option<String>,
    pub budget: f64,
    pub spec: Option<PathBuf>,
}

impl Default for Comparison {
    fn default() -> Self {
        Comparison {
            baseline: BASELINE_REV.to_owned(),
            subject: None,
            budget: BUDGET,
            spec: None,
        }
    }
}

/// Timed rounds per figure; each figure is the median of the rounds' ratios.
const ROUNDS: usize = 3;

/// A tree to build: the workspace, or the baseline's checkout.
struct Tree {
    name: &'static str,
    root: PathBuf,
    target: PathBuf,
}

pub fn compile_cost(comparison: &Comparison) -> Result<Vec<Figure>, String> {
    let root = workspace_root();
    let (baseline_rev, budget) = (comparison.baseline.as_str(), comparison.budget);
    let baseline = Tree {
        name: "baseline",
        root: checkout(&root, baseline_rev, "bench-baseline")?,
        target: root.join("target/compile-cost-baseline"),
    };
    // Regenerating rewrites the tree, so with a spec the subject is a
    // checkout (of HEAD unless given), never the workspace.
    let subject_rev = match (&comparison.subject, &comparison.spec) {
        (Some(rev), _) => Some(rev.as_str()),
        (None, Some(_)) => Some("HEAD"),
        (None, None) => None,
    };
    let current = match subject_rev {
        Some(rev) => Tree {
            name: "subject",
            root: checkout(&root, rev, "bench-subject")?,
            target: root.join("target/compile-cost-subject"),
        },
        None => Tree {
            name: "current",
            root: root.clone(),
            target: root.join("target/compile-cost"),
        },
    };
    let mut subject = subject_rev.unwrap_or("current").to_owned();
    if comparison.spec.is_some() {
        subject.push_str(", same spec");
    }
    let mut figures = Vec::new();
    for tree in [&baseline, &current] {
        if let Some(spec) = &comparison.spec {
            generate_from(tree, spec)?;
        }
        write_consumer(tree, comparison.spec.as_deref())?;
    }
    for (profile, release) in [("debug", false), ("release", true)] {
        for package in ["halopsa", "consumer"] {
            // Dependencies first, untimed.
            for tree in [&baseline, &current] {
                build(tree, package, release, false)?;
            }
            let mut ratios = Vec::new();
            let (mut base_times, mut times) = (Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                let base = build(&baseline, package, release, true)?;
                let now = build(&current, package, release, true)?;
                ratios.push(now / base);
                base_times.push(base);
                times.push(now);
            }
            let ratio = median(&mut ratios);
            // The budget is the crate's; a consumer calling every operation
            // of 2.7x as many collections is shown for what it costs.
            let (what, target, met) = if package == "halopsa" {
                (
                    "`halopsa` alone",
                    format!("<= {budget}"),
                    if ratio <= budget { "yes" } else { "no" }.to_owned(),
                )
            } else {
                ("a consumer calling every operation", "-".into(), "-".into())
            };
            figures.push(Figure {
                title: format!("Rebuild {what}, {profile} ({subject} / {baseline_rev})"),
                value: format!("{:.1} s", median(&mut times)),
                baseline: format!("{:.1} s", median(&mut base_times)),
                ratio: format!("{ratio:.2}"),
                target,
                met,
            });
        }
    }
    let (entities, lines) = generated_lines(&current.root.join("generated-client/src/generated"))?;
    let (base_entities, base_lines) =
        generated_lines(&baseline.root.join("generated-client/src/generated"))?;
    figures.push(Figure {
        title: format!("Generated code: {lines} lines for {entities} entities"),
        value: format!("{} lines per entity", lines / entities.max(1)),
        baseline: format!("{} lines per entity", base_lines / base_entities.max(1)),
        ratio: format!(
            "{:.2}",
            (lines as f64 / entities.max(1) as f64)
                / (base_lines as f64 / base_entities.max(1) as f64)
        ),
        target: "-".into(),
        met: "-".into(),
    });
    if subject_rev.is_some() {
        return Ok(figures);
    }
    let per_field = lines_per_field()?;
    figures.push(Figure {
        title: "Generated lines for one new plain field of `Ticket`".into(),
        value: format!("{per_field} lines"),
        baseline: "-".into(),
        ratio: "-".into(),
        target: "<= 8".into(),
        met: if per_field <= 8 { "yes" } else { "no" }.into(),
    });
    Ok(figures)
}

/// Regenerates `tree`'s client from `spec` with the tree's own generator.
fn generate_from(tree: &Tree, spec: &Path) -> Result<(), String> {
    let status = Command::new(cargo())
        .args([
            "run",
            "--quiet",
            "--offline",
            "-p",
            "xtask",
            "--",
            "gen",
            "--spec",
        ])
        .arg(spec)
        .current_dir(&tree.root)
        .env("CARGO_TARGET_DIR", &tree.target)
        .status()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "error: the {} tree cannot generate from {}",
            tree.name,
            spec.display()
        ));
    }
    Ok(())
}

/// Revision `rev` checked out under `target/{name}` (again when the
/// checkout there is of another revision), as committed: files an earlier
/// `--spec` run regenerated are restored.
fn checkout(root: &Path, rev: &str, name: &str) -> Result<PathBuf, String> {
    let dir = root.join("target").join(name);
    if dir.join("Cargo.toml").exists() {
        if rev_of(root, rev).is_some() && rev_of(&dir, "HEAD") == rev_of(root, rev) {
            let restored = [&["reset", "--quiet", "--hard"][..], &["clean", "-fdq"]]
                .iter()
                .all(|args| {
                    Command::new("git")
                        .args(*args)
                        .current_dir(&dir)
                        .status()
                        .is_ok_and(|status| status.success())
                });
            if restored {
                return Ok(dir);
            }
        }
        let _ = Command::new("git")
            .args(["worktree", "remove", "--force"])
            .arg(&dir)
            .current_dir(root)
            .status();
        let _ = std::fs::remove_dir_all(&dir);
    }
    let status = Command::new("git")
        .args(["worktree", "add", "--detach", "--force"])
        .arg(&dir)
        .arg(rev)
        .current_dir(root)
        .status()
        .map_err(|e| format!("error: cannot run git: {e}"))?;
    if !status.success() {
        return Err(format!(
            "error: cannot check out {rev} into {}",
            dir.display()
        ));
    }
    Ok(dir)
}

/// The commit `rev` names in the repository at `dir`.
fn rev_of(dir: &Path, rev: &str) -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--verify", &format!("{rev}^{{commit}}")])
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Builds `package` of `tree`; with `rebuild`, cleans it first and returns
/// the seconds the build took.
fn build(tree: &Tree, package: &str, release: bool, rebuild: bool) -> Result<f64, String> {
    let manifest = if package == "consumer" {
        consumer_dir(tree).join("Cargo.toml")
    } else {
        tree.root.join("Cargo.toml")
    };
    let cargo = |command: &str| {
        let mut cmd = Command::new(cargo());
        cmd.args([
            command,
            "--quiet",
            "--offline",
            "-p",
            package,
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &tree.target);
        if release {
            cmd.arg("--release");
        }
        cmd
    };
    if rebuild {
        cargo("clean")
            .status()
            .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    }
    let start = Instant::now();
    let status = cargo("build")
        .status()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "error: building {package} of the {} tree failed",
            tree.name
        ));
    }
    Ok(start.elapsed().as_secs_f64())
}

fn consumer_dir(tree: &Tree) -> PathBuf {
    tree.target.join("consumer")
}

/// A crate that calls every operation of every entity of `tree`'s spec, in the
/// API both trees share (`list().send()`, `get(Id::new(1))`, `create(&New::default())`, ...).
fn write_consumer(tree: &Tree, spec: Option<&Path>) -> Result<(), String> {
    let spec_path = spec.map_or_else(|| tree.root.join("spec/halopsa.yaml"), Path::to_path_buf);
    let source =
        std::fs::read(&spec_path).map_err(|e| format!("error: {}: {e}", spec_path.display()))?;
    let spec = halopsa_codegen::check("spec/halopsa.yaml", &source)
        .map_err(|e| format!("error: the {} spec: {e}", tree.name))?;
    let mut code = String::from(
        "//! Calls every operation of every entity, to time building code that uses the crate.\n\
         #![allow(unused_variables)]\n\n\
         /// Every operation, once.\n\
         pub async fn every_operation(halo: &halopsa::HaloClient) -> halopsa::Result<()> {\n",
    );
    for entity in spec.entities.iter().filter(|e| !e.singleton) {
        let (accessor, id, new) = (&entity.accessor, &entity.id_type, &entity.new_type);
        let ops = entity.ops;
        let api = format!("halo.{accessor}()");
        let key = match entity.key {
            KeyKind::Int => format!("halopsa::{id}::new(1)"),
            KeyKind::Text { .. } => format!("halopsa::{id}::new(\"x\")"),
        };
        // Required parameters are arguments; an operation with one of a
        // type this writer has no literal for is left out (in both trees).
        let (list_args, get_args, delete_args) = (
            required(&entity.filters, None),
            required(&entity.get_params, Some(&key)),
            required(&entity.delete_params, Some(&key)),
        );
        if let (true, Some(args)) = (ops.list, &list_args) {
            let _ = writeln!(code, "    let _ = {api}.list({args}).send().await?;");
        }
        if let (true, Some(args)) = (ops.get, &get_args) {
            let _ = writeln!(code, "    let record = {api}.get({args}).send().await?;");
            if ops.update {
                let _ = writeln!(code, "    let _ = {api}.update(&record).send().await?;");
            }
        }
        if ops.create {
            let _ = writeln!(
                code,
                "    let _ = {api}.create(&halopsa::{new}::default()).send().await?;"
            );
            let _ = writeln!(
                code,
                "    let _ = {api}.create_many([&halopsa::{new}::default()]).send().await?;"
            );
        }
        if ops.update {
            let _ = writeln!(code, "    let _ = {api}.patch({key}).send().await?;");
        }
        if let (true, Some(args)) = (ops.delete, &delete_args) {
            let _ = writeln!(code, "    {api}.delete({args}).send().await?;");
        }
    }
    code.push_str("    Ok(())\n}\n");
    let dir = consumer_dir(tree);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("error: {e}"))?;
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nhalopsa = {{ path = {:?} }}\n\n[workspace]\n",
        tree.root.join("generated-client").display().to_string()
    );
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text).map_err(|e| format!("error: {}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/lib.rs"), &code)?;
    std::fs::copy(tree.root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("error: Cargo.lock: {e}"))?;
    Ok(())
}

/// The arguments of an operation: `first` (the id), then a literal for
/// each required parameter; `None` when one has no literal here.
fn required(params: &[Param], first: Option<&str>) -> Option<String> {
    let mut args: Vec<String> = first.into_iter().map(str::to_owned).collect();
    for param in params.iter().filter(|p| p.required) {
        let literal = match &param.ty {
            Type::I32 | Type::I64 | Type::Id | Type::Ref { .. } => "1",
            Type::F64 => "1.0",
            Type::Bool => "true",
            Type::String => "\"x\"",
            _ => return None,
        };
        args.push(literal.to_owned());
    }
    Some(args.join(", "))
}

/// Lines added to `ticket.rs` by one new plain string field of `Ticket`.
fn lines_per_field() -> Result<usize, String> {
    let path = workspace_root().join("spec/halopsa.yaml");
    let spec = std::fs::read_to_string(&path).map_err(|e| format!("error: {e}"))?;
    let marker = "  Ticket:";
    let at = spec.find(marker).ok_or("error: no Ticket entity")?;
    let fields = spec[at..]
        .find("    fields:\n")
        .ok_or("error: no Ticket fields")?
        + at;
    let insert = fields + "    fields:\n".len();
    let edited = format!(
        "{}      zz_added: {{ type: string, doc: A new field. }}\n{}",
        &spec[..insert],
        &spec[insert..]
    );
    let ticket = |text: &str| -> Result<String, String> {
        let files =
            halopsa_codegen::generate("spec/halopsa.yaml", text).map_err(|e| e.to_string())?;
        files
            .into_iter()
            .find(|f| f.path == "ticket.rs")
            .map(|f| f.contents)
            .ok_or_else(|| "error: no ticket.rs".to_owned())
    };
    let (before, after) = (ticket(&spec)?, ticket(&edited)?);
    Ok(similar::TextDiff::from_lines(&before, &after)
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .count())
}

/// (entity files, total lines of every generated file).
fn generated_lines(dir: &Path) -> Result<(usize, usize), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("error: {}: {e}", dir.display()))?;
    let (mut entities, mut lines) = (0, 0);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            lines += text.lines().count();
            // `cli.rs` is the command-line client's table, one file for all.
            if !matches!(name.as_str(), "mod.rs" | "types.rs" | "cli.rs") {
                entities += 1;
            }
        }
    }
    Ok((entities, lines))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
