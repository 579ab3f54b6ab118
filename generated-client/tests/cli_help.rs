//! `--help` of every `halo` command, under insta: one snapshot for the
//! client's own commands and one per collection (all its commands), found
//! by walking the `Commands:` sections of the help itself, as a user
//! would. A spec change shows here as the help text it changes.

mod cli_common;

use cli_common::{halo, run, Scratch};

/// `halo <path> --help`, 100 columns wide.
fn help(dir: &Scratch, path: &[&str]) -> String {
    let mut args = path.to_vec();
    args.push("--help");
    let mut command = halo(dir, &args);
    command.env("COLUMNS", "100");
    let out = run(command, None);
    format!("$ halo {}\n{}", args.join(" "), out.ok())
}

/// The subcommands a help text lists, without clap's `help`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// Every command's help under `path`, depth first.
fn tree(dir: &Scratch, path: &[&str], out: &mut String) {
    let text = help(dir, path);
    out.push_str(&text);
    out.push('\n');
    for sub in subcommands(&text) {
        let mut deeper: Vec<&str> = path.to_vec();
        deeper.push(&sub);
        tree(dir, &deeper, out);
    }
}

#[test]
fn every_command_has_its_help_snapshotted() {
    let dir = Scratch::new();
    let root = help(&dir, &[]);
    let commands = subcommands(&root);
    let own = ["request", "report", "login", "fake", "completions"];
    for name in own {
        assert!(
            commands.iter().any(|c| c == name),
            "`halo {name}` in {root}"
        );
    }
    let mut text = format!("{root}\n");
    for name in own {
        tree(&dir, &[name], &mut text);
    }
    insta::assert_snapshot!("halo", text);
    let collections: Vec<&String> = commands
        .iter()
        .filter(|c| !own.contains(&c.as_str()))
        .collect();
    assert!(collections.len() >= 20, "{collections:?}");
    for collection in collections {
        let mut text = String::new();
        tree(&dir, &[collection], &mut text);
        insta::assert_snapshot!(collection.as_str(), text);
    }
}
