//! `cargo xtask bench`: runs every benchmark, each against a baseline measured
//! in the same run, and prints (or writes into BENCHMARKS.md) one table.
//!
//! The measurements that need the fake server or a release build of the
//! client run in the `halo-bench` binary of the tests crate;
//! [`compile_cost`](crate::compile_cost) times builds against a baseline
//! revision; this module runs the first and assembles the report.

use std::fmt::Write as _;
use std::process::Command;

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
