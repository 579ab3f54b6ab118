//! `cargo xtask bench`: runs every benchmark, each against a baseline measured
//! in the same run, and prints (or writes into BENCHMARKS.md) one table.
//!
//! The measurements that need the fake server or a release build of the
//! client run in the `halo-bench` binary of the tests crate; this module adds
//! the compile cost of the generated crate and assembles the report.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use crate::workspace_root;

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// What was measured.
    pub title: String,
    /// The measured value, formatted with its unit.
    pub value: String,
    /// The baseline, formatted with its unit (or `-`).
    pub baseline: String,
    /// value / baseline or baseline / value, as the target states it.
    pub ratio: String,
    /// The target, e.g. `<= 1.10`, or `-` when there is none yet.
    pub target: String,
    /// `yes`, `no` or `-`.
    pub met: String,
}

/// Runs `halo-bench` (release) and parses its `RESULT` lines.
pub fn run_halo_bench(quick: bool) -> Result<Vec<Figure>, String> {
    let root = workspace_root();
    let status = Command::new(cargo())
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "halopsa-e2e",
            "--bin",
            "halo-bench",
        ])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("error: building halo-bench failed".into());
    }
    let binary = root.join("target/release/halo-bench");
    let mut command = Command::new(&binary);
    command.current_dir(&root).arg("all");
    if quick {
        command.arg("--quick");
    }
    let output = command
        .output()
        .map_err(|e| format!("error: cannot run {}: {e}", binary.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "error: halo-bench failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("RESULT\t"))
        .map(parse_figure)
        .collect()
}

fn parse_figure(json: &str) -> Result<Figure, String> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| format!("error: bad RESULT line `{json}`: {e}"))?;
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("-")
            .to_owned()
    };
    Ok(Figure {
        title: text("title"),
        value: text("value"),
        baseline: text("baseline"),
        ratio: text("ratio"),
        target: text("target"),
        met: text("met"),
    })
}

/// Seconds to rebuild `halopsa` alone (its dependencies already built), debug
/// and release, and lines of generated code per entity.
///
/// Builds in a target directory of its own: cleaning `halopsa` in the main
/// one would make the next `halo-bench` build recompile everything above it.
pub fn compile_cost() -> Result<Vec<Figure>, String> {
    let root = workspace_root();
    let target_dir = root.join("target/compile-cost");
    let mut figures = Vec::new();
    for (profile, flag) in [("debug", None), ("release", Some("--release"))] {
        let build = |clean: bool| -> Result<f64, String> {
            let mut command = Command::new(cargo());
            command
                .current_dir(&root)
                .env("CARGO_TARGET_DIR", &target_dir);
            if clean {
                command.args(["clean", "-p", "halopsa"]);
            } else {
                command.args(["build", "--quiet", "-p", "halopsa"]);
            }
            if let Some(flag) = flag {
                command.arg(flag);
            }
            let start = Instant::now();
            let status = command
                .status()
                .map_err(|e| format!("error: cannot run cargo: {e}"))?;
            if !status.success() {
                return Err(format!("error: cargo {profile} build of halopsa failed"));
            }
            Ok(start.elapsed().as_secs_f64())
        };
        build(false)?; // dependencies
        build(true)?;
        let seconds = build(false)?;
        figures.push(Figure {
            title: format!("Compile `halopsa` alone, {profile}"),
            value: format!("{seconds:.1} s"),
            baseline: "-".into(),
            ratio: "-".into(),
            target: "-".into(),
            met: "-".into(),
        });
    }
    let (entities, lines) = generated_lines(&root.join("generated-client/src/generated"))?;
    figures.push(Figure {
        title: format!("Generated code: {lines} lines for {entities} entities"),
        value: format!("{} lines per entity", lines / entities.max(1)),
        baseline: "-".into(),
        ratio: "-".into(),
        target: "-".into(),
        met: "-".into(),
    });
    Ok(figures)
}

/// (entity files, total lines of every generated file).
fn generated_lines(dir: &Path) -> Result<(usize, usize), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("error: {}: {e}", dir.display()))?;
    let (mut entities, mut lines) = (0, 0);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            lines += text.lines().count();
            if name != "mod.rs" && name != "types.rs" {
                entities += 1;
            }
        }
    }
    Ok((entities, lines))
}

/// The report as a Markdown table with the date and the machine.
pub fn render(figures: &[Figure]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Measured {} on {}.\n", today(), machine());
    let _ = writeln!(
        out,
        "| benchmark | value | baseline | ratio | target | met |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for f in figures {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            f.title, f.value, f.baseline, f.ratio, f.target, f.met
        );
    }
    out
}

/// Replaces the text between the report markers of BENCHMARKS.md.
pub fn write_report(table: &str) -> Result<(), String> {
    const START: &str = "<!-- bench:start -->";
    const END: &str = "<!-- bench:end -->";
    let path = workspace_root().join("BENCHMARKS.md");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("error: {}: {e}", path.display()))?;
    let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
        return Err(format!(
            "error: {} lacks the {START} / {END} markers",
            path.display()
        ));
    };
    let updated = format!("{}{START}\n{table}{}", &text[..start], &text[end..]);
    std::fs::write(&path, updated).map_err(|e| format!("error: {}: {e}", path.display()))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn today() -> String {
    Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "today".into())
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib / 1024.0 / 1024.0)
        })
        .map_or_else(|| "? GiB".into(), |gib| format!("{gib:.0} GiB"));
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("model name"))?;
            Some(line.split(':').nth(1)?.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores ({cpu}), {memory_gib}")
}
