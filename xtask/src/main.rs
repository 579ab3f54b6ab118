//! `cargo xtask <command>`: see `cargo xtask help`.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::{compare, generate, render_diff, write, Change, Paths};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  gen [--spec PATH] [--out DIR] [--check]
      Regenerates the client from the spec (default: spec/halopsa.yaml into
      generated-client/src/generated). With --check, writes nothing and fails
      with a diff when the committed output is stale.
  help
      Shows this text.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => gen(&args[1..]),
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

fn gen(args: &[String]) -> Result<(), String> {
    let mut paths = Paths::default();
    let mut check = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => paths.spec = PathBuf::from(value(&mut args, "--spec")?),
            "--out" => paths.out = PathBuf::from(value(&mut args, "--out")?),
            other => return Err(format!("error: unknown option `{other}`\n\n{USAGE}")),
        }
    }
    let files = generate(&paths)?;
    if check {
        let changes = compare(&files, &paths.out);
        if changes.is_empty() {
            println!("generated code is current ({} files)", files.len());
            return Ok(());
        }
        return Err(format!(
            "{}\nerror: the generated code in {} is stale ({} file(s) differ); run `cargo xtask gen` and commit the result",
            render_diff(&changes, &paths.out),
            paths.out.display(),
            changes.len()
        ));
    }
    let changes = write(&files, &paths.out)?;
    for change in &changes {
        let (verb, path) = match change {
            Change::Created(p) => ("created", p),
            Change::Updated(p) => ("updated", p),
            Change::Removed(p) => ("removed", p),
        };
        println!("{verb:>8} {}", paths.out.join(path).display());
    }
    match changes.len() {
        0 => println!("generated code is current ({} files)", files.len()),
        n => println!("{n} file(s) changed"),
    }
    Ok(())
}

fn value<'a>(args: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a str, String> {
    args.next()
        .map(String::as_str)
        .ok_or_else(|| format!("error: {flag} needs a value"))
}
