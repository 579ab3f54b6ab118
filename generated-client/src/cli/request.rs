//! `halo request METHOD PATH` for anything the spec does not cover, and
//! `halo report "SELECT ..."` for SQL reports: the runtime's raw request
//! and report query, printed like records.

use std::io::{self, Read, Write};

use clap::{Arg, ArgAction, ArgMatches, Command};
use reqwest::Method;

use super::error::Failure;
use super::output;
use super::send::{answer, print_dry_run, Request};
use super::value::{Node, Object};
use super::Context;
use crate::runtime::{ReportQuery, ReportRows};

pub(crate) fn command() -> Command {
    Command::new("request")
        .about("Send any request under the API base, e.g. `halo request GET Agent/me`")
        .arg(
            Arg::new("method")
                .value_name("METHOD")
                .required(true)
                .help("GET, POST, DELETE, ..."),
        )
        .arg(
            Arg::new("path")
                .value_name("PATH")
                .required(true)
                .help("The path under the API base, e.g. `Tickets/processchildren`"),
        )
        .arg(
            Arg::new("query")
                .short('q')
                .long("query")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("A query parameter (repeat for more)"),
        )
        .arg(
            Arg::new("body")
                .short('d')
                .long("body")
                .value_name("JSON")
                .help("A JSON body, or `-` to read it from stdin"),
        )
        .after_help(
            "A JSON answer is printed like records (--output); any other answer is written to \
             stdout as it came.",
        )
}

pub(crate) fn report_command() -> Command {
    Command::new("report")
        .about("Run an SQL query through Halo's reports (needs the read:reporting scope)")
        .arg(
            Arg::new("sql")
                .value_name("SQL")
                .required(true)
                .help("The query, e.g. \"SELECT TOP 10 faultid, symptom FROM FAULTS\", or `-` to read it from stdin"),
        )
}

/// `halo request`.
pub(crate) async fn run(context: &Context, args: &ArgMatches) -> Result<(), Failure> {
    let method = args
        .get_one::<String>("method")
        .map_or("GET", String::as_str);
    let method =
        Method::from_bytes(method.trim().to_ascii_uppercase().as_bytes()).map_err(|_| {
            Failure::usage(
                format!("`{method}` is not an HTTP method"),
                "use GET, POST, DELETE, ...",
            )
        })?;
    let path = args.get_one::<String>("path").cloned().unwrap_or_default();
    let mut request = Request::new(method, path);
    for pair in args.get_many::<String>("query").into_iter().flatten() {
        let (name, value) = pair.split_once('=').ok_or_else(|| {
            Failure::usage(
                format!("`{pair}` is not NAME=VALUE"),
                "write --query name=value",
            )
        })?;
        request.query.push((name.to_owned(), value.to_owned()));
    }
    request.body = match args.get_one::<String>("body").map(String::as_str) {
        None => None,
        Some("-") => Some(super::send::stdin_json("`halo request --body -`")?),
        Some(text) => Some(serde_json::from_str::<Node>(text).map_err(|err| {
            Failure::usage(
                format!("--body is not JSON: {err}"),
                "quote it for the shell: --body '{\"id\": 1}'",
            )
        })?),
    };
    let client = context.client()?;
    let Some(response) = request.send(context, &client).await? else {
        return Ok(());
    };
    let json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_none_or(|kind| kind.contains("json"));
    if !json {
        let mut out = io::stdout().lock();
        out.write_all(response.body())?;
        out.flush()?;
        return Ok(());
    }
    let columns = context.columns.clone().unwrap_or_default();
    output::value(
        context.format,
        io::stdout(),
        answer(&response)?,
        columns,
        context.width(),
    )?;
    Ok(())
}

/// `halo report`.
pub(crate) async fn report(context: &Context, args: &ArgMatches) -> Result<(), Failure> {
    let sql = sql(args)?;
    let client = context.client()?;
    if context.dry_run {
        let url = client.request(Method::POST, "Report").url()?;
        return print_report_dry_run(url.as_str(), sql);
    }
    print_report(context, ReportQuery::new(&client, sql).await?)
}

/// The query of `halo report` or a report action: the `SQL` argument, or
/// stdin with `-`.
pub(crate) fn sql(args: &ArgMatches) -> Result<String, Failure> {
    let sql = match args.get_one::<String>("sql").map(String::as_str) {
        Some("-") => {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text).map_err(|err| {
                Failure::usage(
                    format!("cannot read the query from stdin: {err}"),
                    "pipe the SQL in",
                )
            })?;
            text
        }
        Some(sql) => sql.to_owned(),
        None => String::new(),
    };
    if sql.trim().is_empty() {
        return Err(Failure::usage(
            "the query is empty",
            "write one, e.g. \"SELECT TOP 10 * FROM FAULTS\"",
        ));
    }
    Ok(sql)
}

/// What a report query sends: the query, loaded without saving a report.
pub(crate) fn print_report_dry_run(url: &str, sql: String) -> Result<(), Failure> {
    let body = Node::Array(vec![Node::Object(vec![
        ("sql".to_owned(), Node::String(sql)),
        ("_loadreportonly".to_owned(), Node::Bool(true)),
    ])]);
    print_dry_run(&Method::POST, url, Some(&body))
}

/// A report's rows, their columns in the query's order.
pub(crate) fn print_report(context: &Context, report: ReportRows) -> Result<(), Failure> {
    let rows: Vec<Object> = report
        .rows
        .into_iter()
        .map(|mut row| {
            // The columns in the query's order, then anything else.
            let mut record: Object = report
                .columns
                .iter()
                .filter_map(|column| {
                    let value = row.remove(column)?;
                    Some((column.clone(), Node::from_value(value)))
                })
                .collect();
            record.extend(
                row.into_iter()
                    .map(|(key, value)| (key, Node::from_value(value))),
            );
            record
        })
        .collect();
    let columns = context.columns.clone().unwrap_or(report.columns);
    let mut sink = output::sink(context.format, io::stdout(), columns, context.width());
    sink.write(&rows)?;
    sink.finish()?;
    Ok(())
}
