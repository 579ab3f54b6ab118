//! Runs the fake HaloPSA server until Ctrl-C:
//!
//! ```text
//! cargo run -p halopsa-fake --bin fake-halo -- --port 18080 --tickets 5000 [--rate-limit 700/300]
//! ```

use std::process::ExitCode;
use std::time::Duration;

use halopsa_fake::{FakeHalo, WebhookConfig, WebhookPayload};

const USAGE: &str = "\
usage: fake-halo [options]

Serves a fake HaloPSA instance on 127.0.0.1 until Ctrl-C.

options:
  --port N                 port on 127.0.0.1 (default 18080; 0 picks a free one)
  --tickets N              tickets to seed (default 5000); other records scale with them
  --rate-limit N/SECONDS   at most N API calls per rolling window (default 700/300), or `off`
  --no-retry-after         answer 429 without a Retry-After header
  --token-lifetime SECONDS lifetime of issued tokens (default 3600)
  --tenant NAME            tenant the token endpoint requires (default fakehalo; `` for none)
  --seed N                 seed of the generated data (same seed, same data)
  --webhook URL            POST webhook deliveries there when tickets or actions change
  --webhook-auth USER:PASS with Basic authentication
  --webhook-batched        one delivery (a JSON array) per API request
  --webhook-event-only     event information only: the envelope, no ticket or action
  -h, --help               show this help";

#[derive(Debug)]
struct Args {
    port: u16,
    tickets: usize,
    rate_limit: Option<(u32, Duration)>,
    retry_after: bool,
    token_lifetime: Duration,
    tenant: Option<String>,
    seed: Option<u64>,
    webhook: Option<WebhookConfig>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 18080,
        tickets: 5000,
        rate_limit: Some((700, Duration::from_secs(300))),
        retry_after: true,
        token_lifetime: Duration::from_secs(3600),
        tenant: None,
        seed: None,
        webhook: None,
    };
    let (mut webhook_auth, mut batched, mut event_only) = (None, false, false);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => parsed.port = number(&name, &value()?)?,
            "--tickets" => parsed.tickets = number(&name, &value()?)?,
            "--rate-limit" => parsed.rate_limit = rate_limit(&value()?)?,
            "--no-retry-after" => parsed.retry_after = false,
            "--token-lifetime" => {
                let secs: f64 = number(&name, &value()?)?;
                parsed.token_lifetime = Duration::try_from_secs_f64(secs)
                    .ok()
                    .filter(|d| !d.is_zero())
                    .ok_or("--token-lifetime must be a positive number of seconds")?;
            }
            "--tenant" => parsed.tenant = Some(value()?),
            "--seed" => parsed.seed = Some(number(&name, &value()?)?),
            "--webhook" => parsed.webhook = Some(WebhookConfig::new(value()?)),
            "--webhook-auth" => {
                let credentials = value()?;
                let (user, password) = credentials
                    .split_once(':')
                    .ok_or("--webhook-auth: expected USER:PASSWORD")?;
                webhook_auth = Some((user.to_owned(), password.to_owned()));
            }
            "--webhook-batched" => batched = true,
            "--webhook-event-only" => event_only = true,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let webhook_options = webhook_auth.is_some() || batched || event_only;
    parsed.webhook = match parsed.webhook.take() {
        Some(mut webhook) => {
            if let Some((user, password)) = webhook_auth {
                webhook = webhook.basic_auth(user, password);
            }
            if event_only {
                webhook = webhook.payload(WebhookPayload::EventOnly);
            }
            Some(webhook.batched(batched))
        }
        None if webhook_options => return Err("the --webhook-* options need --webhook URL".into()),
        None => None,
    };
    Ok(Some(parsed))
}

fn number<N: std::str::FromStr>(name: &str, text: &str) -> Result<N, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{name}: `{text}` is not a valid number"))
}

/// `700/300` (requests per seconds) or `off`.
fn rate_limit(text: &str) -> Result<Option<(u32, Duration)>, String> {
    if text.trim().eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let (requests, secs) = text
        .split_once('/')
        .ok_or_else(|| format!("--rate-limit: `{text}` is not N/SECONDS, e.g. 700/300"))?;
    let requests: u32 = number("--rate-limit", requests)?;
    let secs: u64 = number("--rate-limit", secs)?;
    if requests == 0 || secs == 0 {
        return Err("--rate-limit: both numbers must be positive (or use `off`)".into());
    }
    Ok(Some((requests, Duration::from_secs(secs))))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = FakeHalo::builder()
        .port(args.port)
        .tickets(args.tickets)
        .retry_after(args.retry_after)
        .token_lifetime(args.token_lifetime);
    if let Some((requests, window)) = args.rate_limit {
        builder = builder.rate_limit(requests, window);
    }
    if let Some(tenant) = args.tenant {
        builder = builder.tenant(tenant);
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    let webhook = args.webhook.as_ref().map(|webhook| format!("{webhook:?}"));
    if let Some(webhook) = args.webhook {
        builder = builder.webhook(webhook);
    }
    let halo = match builder.start().await {
        Ok(halo) => halo,
        Err(err) => {
            eprintln!("error: cannot start the fake server: {err}");
            return ExitCode::FAILURE;
        }
    };
    let limit = match args.rate_limit {
        Some((n, window)) => format!("{n} requests per {} s", window.as_secs()),
        None => "off".to_owned(),
    };
    println!("fake HaloPSA listening on {}", halo.base_url());
    println!("  tenant:        {}", halo.tenant());
    println!("  client id:     {}", halo.client_id());
    println!("  client secret: {}", halo.client_secret());
    println!("  tickets:       {}", args.tickets);
    println!("  rate limit:    {limit}");
    println!("  collections:   {}", halo.collections().join(", "));
    if let Some(webhook) = webhook {
        println!("  webhook:       {webhook}");
    }
    println!();
    println!("To point the quickstart (or HaloClient::from_env) at it:");
    println!(
        "  export HALOPSA_BASE_URL={} HALOPSA_TENANT={} HALOPSA_CLIENT_ID={} HALOPSA_CLIENT_SECRET={}",
        halo.base_url(),
        halo.tenant(),
        halo.client_id(),
        halo.client_secret()
    );
    println!("Press Ctrl-C to stop.");
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {err}");
        return ExitCode::FAILURE;
    }
    drop(halo);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Option<Args>, String> {
        parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn options_parse() {
        let parsed = args("--port 1 --tickets=7 --rate-limit 50/5 --no-retry-after")
            .expect("valid")
            .expect("not help");
        assert_eq!((parsed.port, parsed.tickets), (1, 7));
        assert_eq!(parsed.rate_limit, Some((50, Duration::from_secs(5))));
        assert!(!parsed.retry_after);
        let off = args("--rate-limit off").expect("valid").expect("not help");
        assert_eq!(off.rate_limit, None);
        assert!(args("--help").expect("valid").is_none());
        assert!(args("--rate-limit 5").is_err());
        assert!(args("--port").is_err());
        assert!(args("--bogus").is_err());
    }

    #[test]
    fn webhook_options_parse() {
        let parsed = args("--webhook http://127.0.0.1:8080/halo/webhook --webhook-auth halo:pw:d --webhook-batched --webhook-event-only")
            .expect("valid")
            .expect("not help");
        let expected = WebhookConfig::new("http://127.0.0.1:8080/halo/webhook")
            .basic_auth("halo", "pw:d")
            .batched(true)
            .payload(WebhookPayload::EventOnly);
        assert_eq!(parsed.webhook, Some(expected));
        let plain = args("--webhook http://x/")
            .expect("valid")
            .expect("not help");
        assert_eq!(plain.webhook, Some(WebhookConfig::new("http://x/")));
        assert!(args("--webhook-batched").is_err());
        assert!(args("--webhook http://x/ --webhook-auth nocolon").is_err());
    }
}
