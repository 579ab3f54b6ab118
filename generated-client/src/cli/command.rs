//! The command tree, built at run time from the generated table: one
//! command per collection, one subcommand per operation and action, one
//! flag per filter, parameter and writable field. The flags the client
//! adds itself are written here, and only here: `halopsa-codegen`'s
//! reserved-name table lists them, so no spec name can take one.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};

use super::args::{parse, type_hint, value_name};
use super::spec::{Action, Body, Collection, Key, Param, Part, Response, Ty};
use crate::generated::cli::COLLECTIONS;

/// The output formats of `--output`.
pub(crate) const FORMATS: [&str; 5] = ["table", "json", "ndjson", "csv", "yaml"];

/// `halo`, with every command.
pub(crate) fn root() -> Command {
    Command::new("halo")
        .version(env!("CARGO_PKG_VERSION"))
        .about(format!(
            "A command-line client for the {} API, generated from the same spec as the `halopsa` crate.",
            crate::API.name
        ))
        .after_help(
            "Credentials come from HALOPSA_BASE_URL, HALOPSA_CLIENT_ID, HALOPSA_CLIENT_SECRET and \
             HALOPSA_TENANT, or from a profile that `halo login` saves (`--profile`, or \
             HALOPSA_PROFILE). `halo fake` starts a fake server to try everything on.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args())
        .subcommands(COLLECTIONS.iter().map(collection))
        .subcommand(super::request::command())
        .subcommand(super::request::report_command())
        .subcommand(super::login::command())
        .subcommand(super::fake::command())
        .subcommand(super::completions_command())
}

/// The flags of every command, under their own heading.
fn global_args() -> [Arg; 6] {
    [
        Arg::new("output")
            .short('o')
            .long("output")
            .global(true)
            .value_name("FORMAT")
            .value_parser(PossibleValuesParser::new(FORMATS))
            .default_value("table")
            .help("How to print records: a table for people, or json, ndjson, csv or yaml for scripts"),
        Arg::new("columns")
            .long("columns")
            .global(true)
            .value_name("FIELDS")
            .value_delimiter(',')
            .help("The fields a table or CSV shows, comma-separated wire names"),
        Arg::new("profile")
            .long("profile")
            .global(true)
            .value_name("NAME")
            .help("Use this saved profile (`halo login`) instead of HALOPSA_* variables"),
        Arg::new("yes")
            .short('y')
            .long("yes")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Delete without asking"),
        Arg::new("dry-run")
            .long("dry-run")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print the request (method, URL, body) instead of sending it"),
        Arg::new("verbose")
            .short('v')
            .long("verbose")
            .global(true)
            .action(ArgAction::Count)
            .help("Log requests to stderr (-vv for more); secrets are never logged"),
    ]
    .map(|arg| arg.help_heading("Global options"))
}

/// `halo tickets`, with its operations and actions.
fn collection(c: &'static Collection) -> Command {
    let mut command = Command::new(c.command)
        .about(c.about)
        .subcommand_required(true)
        .arg_required_else_help(true);
    if let Some(list) = c.list.filter(|_| c.ops.list) {
        let mut sub = Command::new("list")
            .about(format!(
                "List {}: one page, or every page with --all",
                c.command
            ))
            .args(
                c.filters
                    .iter()
                    .map(|p| param_arg(p).help_heading("Filters")),
            );
        if let Some((_, flag)) = list.count {
            sub = sub.arg(
                Arg::new(flag)
                    .long(flag)
                    .value_name("N")
                    .value_parser(clap::value_parser!(u32))
                    .help("At most this many records"),
            );
        }
        if list.paginated {
            sub = sub.args(paging_args());
        }
        command = command.subcommand(sub.args(order_args()).mut_args(|arg| {
            if arg.get_help_heading().is_none() && arg.get_long().is_some() {
                arg.help_heading("Paging and order")
            } else {
                arg
            }
        }));
    }
    if c.ops.get {
        command = command.subcommand(
            Command::new("get")
                .about("Show one record")
                .arg(id_arg(c))
                .args(c.get_params.iter().map(parameter)),
        );
    }
    let writable = || c.fields.iter().filter(|f| !f.read_only);
    let field_arg = |field: &'static super::spec::Field| {
        value_arg(field.flag, &field.ty, field.doc).help_heading("Fields")
    };
    if c.ops.create {
        command = command.subcommand(
            Command::new("create")
                .about("Create a record from --field flags, or from a JSON object (or an array of them) on stdin")
                .args(writable().map(field_arg)),
        );
    }
    if c.ops.update {
        let flags: Vec<&'static str> = writable().map(|f| f.flag).collect();
        let mut patch = Command::new("patch")
            .about(
                "Change the fields given as flags (or in a JSON object on stdin), and only those",
            )
            .arg(id_arg(c))
            .args(writable().map(field_arg));
        if !flags.is_empty() {
            patch = patch.arg(
                Arg::new("clear")
                    .long("clear")
                    .value_name("FIELD")
                    .action(ArgAction::Append)
                    .value_delimiter(',')
                    .value_parser(PossibleValuesParser::new(flags))
                    .hide_possible_values(true)
                    .help("Set these fields to null (their flag names, comma-separated)"),
            );
        }
        command = command
            .subcommand(patch)
            .subcommand(
                Command::new("update")
                    .about("Save a whole record read as a JSON object from stdin (fields left out are not sent)")
                    .arg(id_arg(c)),
            );
    }
    if c.ops.delete {
        command = command.subcommand(
            Command::new("delete")
                .about("Delete a record; asks first on a terminal, unless --yes")
                .arg(id_arg(c))
                .args(c.delete_params.iter().map(parameter)),
        );
    }
    command
        .subcommands(c.actions.iter().map(|action| action_command(c, action)))
        .subcommands(c.verbs.iter().map(|verb| {
            Command::new(verb.command)
                .about(verb.about)
                .arg(id_arg(c))
                .after_help(format!(
                    "Sends a patch of the record with {}.",
                    verb.sets.join(", ")
                ))
        }))
}

/// `halo invoices update-lines`.
fn action_command(c: &'static Collection, action: &'static Action) -> Command {
    let mut command = Command::new(action.command).about(action.about);
    if action.path.iter().any(|part| matches!(part, Part::Id)) {
        command = command.arg(id_arg(c));
    }
    command = command
        .args(
            action
                .path_params
                .iter()
                .map(|p| param_arg(p).required(true)),
        )
        .args(action.params.iter().map(param_arg));
    command = match action.response {
        Response::Bytes => command.arg(
            Arg::new("out")
                .long("out")
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Write the file here (else to stdout, when that is not a terminal)"),
        ),
        Response::Report => command.arg(
            Arg::new("sql")
                .value_name("SQL")
                .required(true)
                .help("The query, e.g. \"SELECT TOP 10 faultid, symptom FROM FAULTS\", or `-` to read it from stdin"),
        ),
        _ => command,
    };
    match action.body {
        Body::Ids => command.arg(
            Arg::new("IDS")
                .value_name("IDS")
                .num_args(1..)
                .required(true)
                .value_parser(move |text: &str| parse(&key_ty(c.key), text))
                .help("The ids to send"),
        ),
        Body::None => command,
        Body::Record | Body::Records | Body::Object | Body::Value(_) => {
            command.after_help("The body is read as JSON from stdin.")
        }
        Body::Form => command.args([
            Arg::new("part")
                .long("part")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("A text field of the form"),
            Arg::new("file")
                .long("file")
                .value_name("NAME=PATH")
                .action(ArgAction::Append)
                .help("A file part of the form: its name, and the file to send"),
        ]),
    }
}

/// The paging flags of a paginated list.
fn paging_args() -> [Arg; 4] {
    [
        Arg::new("all")
            .long("all")
            .action(ArgAction::SetTrue)
            .help("Every page, printed as it arrives (stops at record_count; never repeats or drops a record)"),
        Arg::new("page")
            .long("page")
            .value_name("N")
            .value_parser(clap::value_parser!(u32).range(1..))
            .help("The page to show (from 1); with --all, the first page to show"),
        Arg::new("page-size")
            .long("page-size")
            .value_name("N")
            .value_parser(clap::value_parser!(u32).range(1..))
            .help("Records per page (the server caps it)"),
        Arg::new("consistent")
            .long("consistent")
            .action(ArgAction::SetTrue)
            .requires("all")
            .help("With --all: list in id order, each record once however the table changes meanwhile (for exports)"),
    ]
}

/// The sort flags of every list.
fn order_args() -> [Arg; 2] {
    [
        Arg::new("order")
            .long("order")
            .value_name("FIELD")
            .help("Sort by this field"),
        Arg::new("order-desc")
            .long("order-desc")
            .action(ArgAction::SetTrue)
            .help("Sort descending"),
    ]
}

/// The record's id, the first argument of get, patch, update and delete.
fn id_arg(c: &'static Collection) -> Arg {
    let doc = if c.id_doc.is_empty() {
        "The record's id"
    } else {
        c.id_doc
    };
    Arg::new("ID")
        .value_name("ID")
        .required(true)
        .value_parser(move |text: &str| parse(&key_ty(c.key), text))
        .help(doc)
}

fn key_ty(key: Key) -> Ty {
    Ty::Ref("", key)
}

/// A filter or parameter: a switch, or a flag taking a value of its type.
fn param_arg(param: &'static Param) -> Arg {
    if param.switch {
        return Arg::new(param.flag)
            .long(param.flag)
            .action(ArgAction::SetTrue)
            .help(param.doc);
    }
    value_arg(param.flag, &param.ty, param.doc).required(param.required)
}

/// A get, delete or action parameter.
fn parameter(param: &'static Param) -> Arg {
    param_arg(param).help_heading("Parameters")
}

/// A flag taking one value of type `ty`.
fn value_arg(flag: &'static str, ty: &'static Ty, doc: &'static str) -> Arg {
    let help = match type_hint(ty) {
        Some(hint) => format!("{doc} [{hint}]"),
        None => doc.to_owned(),
    };
    Arg::new(flag)
        .long(flag)
        .value_name(value_name(ty))
        .value_parser(move |text: &str| parse(ty, text))
        .help(help)
}
