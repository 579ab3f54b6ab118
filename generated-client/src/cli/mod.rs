//! `halo`, the command-line client (the `cli` feature).
//!
//! Its commands come from the spec alone: the generator writes a table of
//! every collection's operations, flags and columns
//! (`generated/cli.rs`), and [`command`] builds clap commands from it at
//! run time, so a new collection in the spec is a new command without code
//! of its own. Every call goes through the same runtime as the typed API:
//! the token, retries, the rate limiter and pause, errors, the size limit,
//! tracing. Listings use the runtime's pager over JSON records
//! ([`value::Record`]), with its guarantees: each record once, stopping at
//! `record_count`, an error when records went missing.
//!
//! Modules: `spec` (the table's types), `command` (the command tree and
//! the client's own flags), `args` (reading flag values by type), `value`
//! (JSON that keeps its order), `records` (a collection's operations and
//! actions), `send` (one request, or what `--dry-run` prints instead),
//! `request` (`halo request`, `halo report`), `output` (table, JSON,
//! NDJSON, CSV, YAML), `progress` (stderr), `config` (profiles), `login`,
//! `fake`, `error` (exit codes and hints).

mod args;
mod command;
mod config;
mod error;
mod fake;
mod login;
mod output;
mod progress;
mod records;
mod request;
mod send;
pub(crate) mod spec;
mod value;

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use clap::{ArgMatches, Command};

use self::error::{Class, Failure};
use self::output::Format;
use self::progress::Progress;
use crate::generated::cli::COLLECTIONS;
use crate::HaloClient;

/// Runs `halo` with the process's arguments and returns its exit code:
/// 0 on success, 1 for a failure without a class of its own, 2 for a bad
/// command line or configuration, 3 for authentication and permissions,
/// 4 for a record that does not exist, 5 for the rate limit, 6 for a
/// server that failed or did not answer.
pub fn main() -> ExitCode {
    let matches = match command::root().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(Class::Usage as u8)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    logging(matches.get_count("verbose"));
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let context = Context::new(&matches);
    let result = runtime.block_on(run(&context, &matches));
    context.progress.finish();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout went away (`| head`): nothing more to do.
        Err(failure) if failure.class == Class::Closed => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.report());
            failure.exit_code()
        }
    }
}

/// What every command reads from the global flags.
pub(crate) struct Context {
    pub(crate) format: Format,
    /// `--columns`.
    pub(crate) columns: Option<Vec<String>>,
    pub(crate) dry_run: bool,
    pub(crate) yes: bool,
    pub(crate) profile: Option<String>,
    pub(crate) progress: Progress,
}

impl Context {
    fn new(matches: &ArgMatches) -> Context {
        Context {
            format: Format::parse(
                matches
                    .get_one::<String>("output")
                    .map_or("table", String::as_str),
            ),
            columns: matches
                .get_many::<String>("columns")
                .map(|columns| columns.map(|c| c.trim().to_owned()).collect()),
            dry_run: matches.get_flag("dry-run"),
            yes: matches.get_flag("yes"),
            profile: matches.get_one::<String>("profile").cloned(),
            progress: Progress::stderr(),
        }
    }

    /// A client for this run, its waits shown on the progress line.
    pub(crate) fn client(&self) -> Result<HaloClient, Failure> {
        Ok(config::builder(self.profile.as_deref())?
            .observer(self.progress.clone())
            .build()?)
    }

    /// The terminal's width, when stdout is one.
    pub(crate) fn width(&self) -> Option<usize> {
        if !io::stdout().is_terminal() {
            return None;
        }
        console::Term::stdout()
            .size_checked()
            .map(|(_, columns)| usize::from(columns))
    }
}

async fn run(context: &Context, matches: &ArgMatches) -> Result<(), Failure> {
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Failure::usage("no command given", "see `halo --help`"));
    };
    match name {
        "request" => request::run(context, sub).await,
        "report" => request::report(context, sub).await,
        "login" => login::run(context, sub).await,
        "fake" => fake::run(sub).await,
        "completions" => completions(sub),
        _ => {
            let collection = COLLECTIONS
                .iter()
                .find(|c| c.command == name)
                .ok_or_else(|| {
                    Failure::usage(format!("unknown command `{name}`"), "see `halo --help`")
                })?;
            let Some((operation, args)) = sub.subcommand() else {
                return Err(Failure::usage(
                    format!("`halo {name}` needs a command"),
                    format!("see `halo {name} --help`"),
                ));
            };
            records::run(context, collection, operation, args).await
        }
    }
}

/// `halo completions`.
fn completions_command() -> Command {
    Command::new("completions")
        .about("Print a shell completion script: `halo completions bash > /etc/bash_completion.d/halo`")
        .arg(
            clap::Arg::new("shell")
                .value_name("SHELL")
                .required(true)
                .value_parser(clap::value_parser!(clap_complete::Shell)),
        )
}

fn completions(matches: &ArgMatches) -> Result<(), Failure> {
    let shell = *matches
        .get_one::<clap_complete::Shell>("shell")
        .ok_or_else(|| Failure::usage("no shell given", "bash, zsh, fish, elvish or powershell"))?;
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut command::root(), "halo", &mut out);
    Ok(())
}

/// `-v`: the runtime's tracing on stderr (`halopsa` at info, `-vv` debug,
/// `-vvv` trace); other crates only warn. The runtime never logs a secret.
fn logging(verbose: u8) {
    use tracing::Level;
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let level = match verbose {
        0 => return,
        1 => Level::INFO,
        2 => Level::DEBUG,
        _ => Level::TRACE,
    };
    let filter = Targets::new()
        .with_target("halopsa", level)
        .with_default(Level::WARN);
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(io::stderr))
        .with(filter)
        .try_init();
}
