//! `halo login`: saves a profile (base URL, tenant, client id and secret,
//! scope) to the config file, after checking that the credentials get a
//! token. The secret is read from the terminal without echo (or from the
//! first line of stdin) and never printed.

use std::io::{self, BufRead, IsTerminal, Write};

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::config::{self, Profile, DEFAULT_PROFILE};
use super::error::Failure;
use super::Context;

pub(crate) fn command() -> Command {
    Command::new("login")
        .about("Save credentials as a profile (the one named by --profile, else `default`)")
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .help("The instance, e.g. https://example.halopsa.com"),
        )
        .arg(
            Arg::new("tenant")
                .long("tenant")
                .value_name("NAME")
                .help("The tenant of a cloud instance (leave out for a self-hosted one)"),
        )
        .arg(
            Arg::new("client-id")
                .long("client-id")
                .value_name("ID")
                .help("The API application's client id"),
        )
        .arg(
            Arg::new("scope")
                .long("scope")
                .value_name("SCOPES")
                .help("The scopes to ask for, space-separated (default: all)"),
        )
        .arg(
            Arg::new("no-verify")
                .long("no-verify")
                .action(ArgAction::SetTrue)
                .help("Save without checking that the credentials get a token"),
        )
        .after_help(
            "Prompts for what is not given. The client secret is read without echo on a terminal, \
             else from the first line of stdin; it is never a flag, so it stays out of shell history.",
        )
}

pub(crate) async fn run(context: &Context, args: &ArgMatches) -> Result<(), Failure> {
    let name = context
        .profile
        .as_deref()
        .unwrap_or(DEFAULT_PROFILE)
        .to_owned();
    let given = |flag: &str| args.get_one::<String>(flag).map(|v| v.trim().to_owned());
    let base_url = match given("base-url") {
        Some(url) => url,
        None => prompt("Base URL (https://example.halopsa.com)", "--base-url")?,
    };
    let tenant = match given("tenant") {
        Some(tenant) => Some(tenant),
        None if io::stdin().is_terminal() => Some(prompt(
            "Tenant (empty for a self-hosted instance)",
            "--tenant",
        )?),
        None => None,
    }
    .filter(|tenant| !tenant.is_empty());
    let client_id = match given("client-id") {
        Some(id) => id,
        None => prompt("Client id", "--client-id")?,
    };
    let client_secret = secret()?;
    let profile = Profile {
        base_url,
        tenant,
        client_id,
        client_secret,
        scope: given("scope").filter(|scope| !scope.is_empty()),
    };
    if !args.get_flag("no-verify") {
        let client = profile.builder().build()?;
        client.token().await?;
    }
    let path = config::path()?;
    config::save(&path, &name, profile)?;
    eprintln!(
        "Saved profile `{name}` to {} (readable by you only).",
        path.display()
    );
    if name == DEFAULT_PROFILE {
        eprintln!("It is used when neither --profile nor HALOPSA_BASE_URL is given.");
    } else {
        eprintln!("Use it with --profile {name}.");
    }
    Ok(())
}

/// Asks for a value on the terminal; without one, the flag is required.
fn prompt(label: &str, flag: &str) -> Result<String, Failure> {
    if !io::stdin().is_terminal() {
        return Err(Failure::usage(
            format!("{flag} is required"),
            format!("give {flag}"),
        ));
    }
    eprint!("{label}: ");
    io::stderr().flush()?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

/// The client secret: typed without echo, or the first line of stdin.
fn secret() -> Result<String, Failure> {
    let secret = if io::stdin().is_terminal() {
        eprint!("Client secret (not shown): ");
        io::stderr().flush()?;
        console::Term::stderr().read_secure_line()?
    } else {
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        line
    };
    let secret = secret.trim().to_owned();
    if secret.is_empty() {
        return Err(Failure::usage(
            "no client secret given",
            "type it when asked, or pipe it in: `printf '%s\\n' \"$SECRET\" | halo login ...`",
        ));
    }
    Ok(secret)
}
