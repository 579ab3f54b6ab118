//! `cargo xtask <command>`: see `cargo xtask help`.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::openapi::Document;
use xtask::{check, draft, generate, load_spec, upstream, write_all, Change, Paths};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  gen [--spec PATH] [--out DIR] [--snapshots DIR] [--check]
      Regenerates the client from the spec (default: spec/halopsa.yaml into
      generated-client/src/generated) and its API snapshots (default:
      xtask/tests/snapshots; with --out alone, none). Lists the API changes,
      breaking ones first. With --check, writes nothing and fails with the API
      changes and both diffs when the committed output is stale.
  verify-upstream --openapi PATH [--spec PATH]
      Checks every path, operation, field, filter and parameter of the spec,
      each action (path, method, parameters, body), each key and which
      parameters are required against a Halo OpenAPI document (an instance
      serves it at /api/swagger/v2/swagger.json). Fails on any mismatch;
      `upstream_type` on a field or parameter records a known error of the
      document.
  draft-entity --openapi PATH --path PATH [--name NAME] [--fields a,b] [--filters a,b] [--actions a,b]
      Prints a spec entry for one collection of the document (fields, filters
      and parameters with their declared types, its key, whether it is a
      singleton, and an action per operation on its sub-paths) to trim and
      paste under `entities:`.
  bench [--quick] [--write] [--no-compile | --compile-only]
        [--baseline REV] [--subject REV] [--budget X] [--spec PATH]
      Runs every benchmark against its baseline in the same run (streaming,
      latency hiding, decoding, generation, memory, rate-limited goodput, and
      the compile cost of the generated crate against an earlier revision)
      and prints one table; --write puts it into BENCHMARKS.md. --quick uses
      smaller sizes, for a smoke test. The compile cost compares the
      workspace (or --subject REV) with --baseline REV (the last
      20-collection revision unless given), within --budget (1.5). With
      --spec, both trees first generate their client from that spec, each
      with its own generator (the subject is then HEAD unless given).
  help
      Shows this text.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => gen(&args[1..]),
        Some("verify-upstream") => verify_upstream(&args[1..]),
        Some("draft-entity") => draft_entity(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("error: unknown command `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn bench(args: &[String]) -> Result<(), String> {
    let (mut quick, mut write_report, mut compile, mut run) = (false, false, true, true);
    let mut comparison = xtask::compile_cost::Comparison::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("error: {flag} needs a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--quick" => quick = true,
            "--write" => write_report = true,
            "--no-compile" => compile = false,
            "--compile-only" => run = false,
            "--baseline" => comparison.baseline = value("--baseline")?,
            "--subject" => comparison.subject = Some(value("--subject")?),
            "--spec" => {
                let spec = value("--spec")?;
                comparison.spec = Some(
                    std::path::absolute(&spec).map_err(|e| format!("error: --spec {spec}: {e}"))?,
                );
            }
            "--budget" => {
                let text = value("--budget")?;
                comparison.budget = text
                    .parse()
                    .map_err(|_| format!("error: --budget {text} is not a number"))?;
            }
            other => return Err(format!("error: unknown option `{other}`\n\n{USAGE}")),
        }
    }
    if write_report && !(run && compile) {
        return Err(
            "error: --write needs every benchmark; drop --no-compile / --compile-only".into(),
        );
    }
    let mut figures = if run {
        xtask::bench::run_halo_bench(quick)?
    } else {
        Vec::new()
    };
    if compile {
        figures.extend(xtask::compile_cost::compile_cost(&comparison)?);
    }
    let table = xtask::bench::render(&figures);
    println!("{table}");
    if write_report {
        xtask::bench::write_report(&table)?;
        println!("BENCHMARKS.md updated");
    }
    Ok(())
}

fn gen(args: &[String]) -> Result<(), String> {
    let mut paths = Paths::default();
    let (mut check_only, mut out_given, mut snapshots_given) = (false, false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check_only = true,
            "--spec" => paths.spec = PathBuf::from(value(&mut args, "--spec")?),
            "--out" => {
                paths.out = PathBuf::from(value(&mut args, "--out")?);
                out_given = true;
            }
            "--snapshots" => {
                paths.snapshots = Some(PathBuf::from(value(&mut args, "--snapshots")?));
                snapshots_given = true;
            }
            other => return Err(format!("error: unknown option `{other}`\n\n{USAGE}")),
        }
    }
    // Code generated elsewhere is not the workspace's: its surface must not
    // replace the workspace's snapshots.
    if out_given && !snapshots_given {
        paths.snapshots = None;
    }
    let generated = generate(&paths)?;
    let files = generated.code.len()
        + paths
            .snapshots
            .as_ref()
            .map_or(0, |_| generated.surfaces.len());
    if check_only {
        let stale = check(&paths, &generated);
        if stale.is_empty() {
            println!("generated code and API snapshots are current ({files} files)");
            return Ok(());
        }
        return Err(format!(
            "{}\nerror: {}; run `cargo xtask gen` and commit the result",
            stale.render(&paths),
            stale.summary(),
        ));
    }
    let (code, api) = write_all(&paths, &generated)?;
    let root = xtask::workspace_root();
    let mut listed: Vec<(&PathBuf, &Change)> = code.iter().map(|c| (&paths.out, c)).collect();
    if let Some(dir) = &paths.snapshots {
        listed.extend(api.iter().map(|(change, _, _)| (dir, change)));
    }
    for (dir, change) in &listed {
        let (verb, path) = match change {
            Change::Created(p) => ("created", p),
            Change::Updated(p) => ("updated", p),
            Change::Removed(p) => ("removed", p),
        };
        let path = dir.join(path);
        // Relative to the workspace when inside it, as a reviewer reads paths.
        let shown = path.strip_prefix(&root).unwrap_or(&path);
        println!("{verb:>8} {}", shown.display());
    }
    let report = xtask::surface::report(&api);
    if !report.is_empty() {
        println!("\nAPI changes:\n{}\n", report.join("\n"));
    }
    match listed.len() {
        0 => println!("generated code and API snapshots are current ({files} files)"),
        n => println!("{n} file(s) changed"),
    }
    Ok(())
}

fn verify_upstream(args: &[String]) -> Result<(), String> {
    let mut spec = Paths::default().spec;
    let mut openapi = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--openapi" => openapi = Some(PathBuf::from(value(&mut args, "--openapi")?)),
            "--spec" => spec = PathBuf::from(value(&mut args, "--spec")?),
            other => return Err(format!("error: unknown option `{other}`\n\n{USAGE}")),
        }
    }
    let openapi = openapi.ok_or_else(|| format!("error: --openapi is required\n\n{USAGE}"))?;
    let doc = Document::load(&openapi)?;
    let report = upstream::verify(&load_spec(&spec)?, &doc);
    if report.is_clean() {
        println!("{report}");
        Ok(())
    } else {
        Err(report.to_string())
    }
}

fn draft_entity(args: &[String]) -> Result<(), String> {
    let mut spec = Paths::default().spec;
    let mut openapi = None;
    let mut request = draft::Request::default();
    let list = |text: &str| {
        text.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--openapi" => openapi = Some(PathBuf::from(value(&mut args, "--openapi")?)),
            "--spec" => spec = PathBuf::from(value(&mut args, "--spec")?),
            "--path" => request.path = value(&mut args, "--path")?.to_owned(),
            "--name" => request.name = Some(value(&mut args, "--name")?.to_owned()),
            "--fields" => request.fields = Some(list(value(&mut args, "--fields")?)),
            "--filters" => request.filters = Some(list(value(&mut args, "--filters")?)),
            "--actions" => request.actions = Some(list(value(&mut args, "--actions")?)),
            other => return Err(format!("error: unknown option `{other}`\n\n{USAGE}")),
        }
    }
    let openapi = openapi.ok_or_else(|| format!("error: --openapi is required\n\n{USAGE}"))?;
    if request.path.is_empty() {
        return Err(format!("error: --path is required\n\n{USAGE}"));
    }
    let doc = Document::load(&openapi)?;
    // The spec only lends its type and entity names; a broken spec should not
    // stop a draft.
    let spec = load_spec(&spec).ok();
    print!("{}", draft::draft(&doc, spec.as_ref(), &request)?);
    Ok(())
}

fn value<'a>(args: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a str, String> {
    args.next()
        .map(String::as_str)
        .ok_or_else(|| format!("error: {flag} needs a value"))
}
