//! `halo fake`: the bundled fake HaloPSA server in the foreground, so every
//! command can be tried without a Halo instance.

use std::io::{self, Write};
use std::time::Duration;

use clap::{Arg, ArgMatches, Command};
use halopsa_fake::FakeHalo;

use super::error::Failure;

pub(crate) fn command() -> Command {
    Command::new("fake")
        .about("Run a fake HaloPSA server on 127.0.0.1 until Ctrl-C, and print the variables to use it")
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("N")
                .value_parser(clap::value_parser!(u16))
                .default_value("18080")
                .help("The port (0 picks a free one)"),
        )
        .arg(
            Arg::new("tickets")
                .long("tickets")
                .value_name("N")
                .value_parser(clap::value_parser!(usize))
                .default_value("500")
                .help("Tickets to seed; other records scale with them"),
        )
        .arg(
            Arg::new("rate-limit")
                .long("rate-limit")
                .value_name("N/SECONDS")
                .default_value("700/300")
                .help("At most N API calls per rolling window of SECONDS, answered with 429 beyond; `off` for none"),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("N")
                .value_parser(clap::value_parser!(u64))
                .help("The seed of the generated data (same seed, same data)"),
        )
}

pub(crate) async fn run(args: &ArgMatches) -> Result<(), Failure> {
    let mut builder = FakeHalo::builder()
        .port(args.get_one::<u16>("port").copied().unwrap_or(18080))
        .tickets(args.get_one::<usize>("tickets").copied().unwrap_or(500));
    if let Some((requests, window)) = rate_limit(
        args.get_one::<String>("rate-limit")
            .map_or("off", String::as_str),
    )? {
        builder = builder.rate_limit(requests, window);
    }
    if let Some(seed) = args.get_one::<u64>("seed") {
        builder = builder.seed(*seed);
    }
    let halo = builder.start().await.map_err(|err| {
        Failure::usage(
            format!("cannot start the fake server: {err}"),
            "choose another --port (0 picks a free one)",
        )
    })?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "A fake HaloPSA is listening on {}; Ctrl-C stops it.",
        halo.base_url()
    )?;
    writeln!(
        out,
        "Its credentials are fixed test values. In another shell:"
    )?;
    writeln!(
        out,
        "export HALOPSA_BASE_URL={} HALOPSA_TENANT={} HALOPSA_CLIENT_ID={} HALOPSA_CLIENT_SECRET={}",
        halo.base_url(),
        halo.tenant(),
        halo.client_id(),
        halo.client_secret()
    )?;
    writeln!(out, "halo tickets list")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .map_err(|err| Failure::failed(format!("cannot wait for Ctrl-C: {err}")))?;
    drop(halo);
    Ok(())
}

/// `700/300` (requests per seconds) or `off`.
fn rate_limit(text: &str) -> Result<Option<(u32, Duration)>, Failure> {
    if text.trim().eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let bad = || {
        Failure::usage(
            format!("--rate-limit `{text}` is not N/SECONDS"),
            "write e.g. 700/300, or off",
        )
    };
    let (requests, seconds) = text.split_once('/').ok_or_else(bad)?;
    let requests: u32 = requests.trim().parse().map_err(|_| bad())?;
    let seconds: u64 = seconds.trim().parse().map_err(|_| bad())?;
    if requests == 0 || seconds == 0 {
        return Err(bad());
    }
    Ok(Some((requests, Duration::from_secs(seconds))))
}
