//! A collection's commands: list, get, create, patch, update, delete and
//! its actions, each the request the typed API would send (the same
//! paths, bodies, retry rules and scopes), over JSON records.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::pin::pin;

use clap::ArgMatches;
use futures::TryStreamExt;
use reqwest::Method;
use tokio::io::AsyncWriteExt;

use super::args::query_text;
use super::error::Failure;
use super::output::{self, Format};
use super::send::{answer, stdin_json, Request};
use super::spec::{self, Action, Body, Collection, Param, Part, Response, Verb};
use super::value::{set, Node, Object, Record};
use super::Context;
use crate::runtime::ReportQuery;
use crate::runtime::{ListRequest, ListShape, UnpagedListRequest};
use crate::{HaloClient, Multipart};

pub(crate) async fn run(
    context: &Context,
    c: &'static Collection,
    operation: &str,
    args: &ArgMatches,
) -> Result<(), Failure> {
    match operation {
        "list" => list(context, c, args).await,
        "get" if c.ops.get => get(context, c, args).await,
        "create" if c.ops.create => create(context, c, args).await,
        "patch" if c.ops.update => patch(context, c, args).await,
        "update" if c.ops.update => update(context, c, args).await,
        "delete" if c.ops.delete => delete(context, c, args).await,
        _ => {
            if let Some(action) = c.actions.iter().find(|action| action.command == operation) {
                return run_action(context, c, action, args).await;
            }
            match c.verbs.iter().find(|verb| verb.command == operation) {
                Some(verb) => run_verb(context, c, verb, args).await,
                None => Err(Failure::usage(
                    format!("`halo {} {operation}` is not a command", c.command),
                    format!("see `halo {} --help`", c.command),
                )),
            }
        }
    }
}

/// `list`: one page, or with `--all` every page as it arrives.
async fn list(context: &Context, c: &'static Collection, args: &ArgMatches) -> Result<(), Failure> {
    let Some(list) = c.list else {
        return Err(Failure::usage(
            format!("`halo {}` has no list", c.command),
            "see --help",
        ));
    };
    let shape = shape(list);
    let mut query = params(c.filters, args);
    if let Some((wire, flag)) = list.count {
        if let Some(count) = args.get_one::<u32>(flag) {
            query.push((wire, count.to_string()));
        }
    }
    let order = args.get_one::<String>("order").cloned();
    let descending = args.get_flag("order-desc");
    let client = context.client()?;
    let mut sink = output::sink(
        context.format,
        io::stdout(),
        columns(context, c),
        context.width(),
    );
    let fields = field_names(c);
    let pagination = &crate::API.pagination;
    if !list.paginated {
        if context.dry_run {
            let mut request = Request::new(Method::GET, c.path);
            request.query = owned(&query);
            push_order(&mut request.query, order.as_deref(), descending);
            return request.send(context, &client).await.map(drop);
        }
        let mut request = UnpagedListRequest::<Record>::new(&client).at(c.path, shape);
        for (name, value) in query {
            request = request.param(name, value);
        }
        if let Some(order) = order {
            request = request.order(order);
        }
        if descending {
            request = request.order_desc(true);
        }
        let records = request.send().await?;
        let records: Vec<Object> = records
            .into_iter()
            .map(|record| Record::ordered(record.members, &fields))
            .collect();
        context.progress.suspend(|| sink.write(&records))?;
        sink.finish()?;
        return Ok(());
    }
    let all = args.get_flag("all");
    let page_no = args.get_one::<u32>("page").copied().unwrap_or(1);
    let page_size = args
        .get_one::<u32>("page-size")
        .copied()
        .unwrap_or(pagination.max_page_size)
        .clamp(1, pagination.max_page_size.max(1));
    if context.dry_run {
        let mut request = Request::new(Method::GET, c.path);
        request.query = owned(&query);
        push_order(&mut request.query, order.as_deref(), descending);
        request.query.extend([
            (pagination.enable_param.to_owned(), "true".to_owned()),
            (pagination.page_param.to_owned(), page_no.to_string()),
            (pagination.size_param.to_owned(), page_size.to_string()),
        ]);
        request.send(context, &client).await?;
        if all {
            eprintln!(
                "(then the next pages, `{}` counting up, until `{}` records arrived)",
                pagination.page_param, pagination.count_field
            );
        }
        return Ok(());
    }
    let mut request = ListRequest::<Record>::new(&client)
        .at(c.path, shape)
        .page_no(page_no)
        .page_size(page_size);
    for (name, value) in query {
        request = request.param(name, value);
    }
    if let Some(order) = order {
        request = request.order(order);
    }
    if descending {
        request = request.order_desc(true);
    }
    if !all {
        let page = request.send().await?;
        let shown = page.items.len() as u64;
        let records: Vec<Object> = page
            .items
            .into_iter()
            .map(|record| Record::ordered(record.members, &fields))
            .collect();
        sink.write(&records)?;
        sink.finish()?;
        if let Some(total) = page.record_count.filter(|total| *total > shown) {
            if io::stderr().is_terminal() {
                eprintln!("{shown} of {total} records (page {page_no}); --all lists every page");
            }
        }
        return Ok(());
    }
    request = if args.get_flag("consistent") {
        request.consistent()
    } else {
        // Two pages on their way while one is printed.
        request.prefetch(2)
    };
    let mut pages = pin!(request.pages());
    let (mut count, mut received, mut promised) = (0u64, 0u64, None);
    while let Some(page) = pages.try_next().await? {
        count += 1;
        received += page.items.len() as u64;
        promised = promised.or(page.record_count);
        context.progress.page(count, received, promised, page_size);
        let records: Vec<Object> = page
            .items
            .into_iter()
            .map(|record| Record::ordered(record.members, &fields))
            .collect();
        context.progress.suspend(|| sink.write(&records))?;
    }
    sink.finish()?;
    Ok(())
}

/// `get ID`.
async fn get(context: &Context, c: &'static Collection, args: &ArgMatches) -> Result<(), Failure> {
    let mut request = Request::new(Method::GET, c.path);
    request.segments.push(id(args));
    request.query = owned(&params(c.get_params, args));
    let client = context.client()?;
    let Some(response) = request.send(context, &client).await? else {
        return Ok(());
    };
    print_record(context, c, one(answer(&response)?))
}

/// `create`: the fields given as flags, or the JSON object (or array of
/// them) on stdin. Sent once: a create is never repeated once the server
/// may have acted.
async fn create(
    context: &Context,
    c: &'static Collection,
    args: &ArgMatches,
) -> Result<(), Failure> {
    let records = match flag_fields(c, args) {
        Some(record) => vec![Node::Object(record)],
        None => match stdin_json(&format!("`halo {} create`", c.command))? {
            Node::Array(items) if items.iter().all(|item| matches!(item, Node::Object(_))) => items,
            record @ Node::Object(_) => vec![record],
            _ => {
                return Err(Failure::usage(
                    "stdin holds neither a record nor an array of records",
                    "send a JSON object (or an array of them)",
                ))
            }
        },
    };
    let mut request = Request::new(Method::POST, c.path);
    request.body = Some(Node::Array(records));
    request.idempotent = Some(false);
    let client = context.client()?;
    let Some(response) = request.send(context, &client).await? else {
        return Ok(());
    };
    print_records(context, c, answer(&response)?)
}

/// `patch ID`: the id and exactly the fields given (flags, `--clear`, or a
/// JSON object on stdin).
async fn patch(
    context: &Context,
    c: &'static Collection,
    args: &ArgMatches,
) -> Result<(), Failure> {
    let cleared: Vec<&String> = args
        .try_get_many::<String>("clear")
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .collect();
    let mut record = match flag_fields(c, args) {
        Some(record) => record,
        None if !cleared.is_empty() => Object::new(),
        None => object(stdin_json(&format!("`halo {} patch`", c.command))?)?,
    };
    for flag in cleared {
        if let Some(field) = c.fields.iter().find(|f| f.flag == flag.as_str()) {
            set(&mut record, field.wire, Node::Null);
        }
    }
    save(context, c, args, record).await
}

/// `update ID`: the whole record from stdin.
async fn update(
    context: &Context,
    c: &'static Collection,
    args: &ArgMatches,
) -> Result<(), Failure> {
    let record = object(stdin_json(&format!("`halo {} update`", c.command))?)?;
    save(context, c, args, record).await
}

/// Saves `record` under the id given, as Halo saves: `POST [{"id": .., ..}]`,
/// which writing twice leaves the same.
async fn save(
    context: &Context,
    c: &'static Collection,
    args: &ArgMatches,
    mut record: Object,
) -> Result<(), Failure> {
    record.retain(|(key, _)| key != "id");
    record.insert(0, ("id".to_owned(), key_node(c, &id(args))));
    let mut request = Request::new(Method::POST, c.path);
    request.body = Some(Node::Array(vec![Node::Object(record)]));
    request.idempotent = Some(true);
    let client = context.client()?;
    let Some(response) = request.send(context, &client).await? else {
        return Ok(());
    };
    print_record(context, c, one(answer(&response)?))
}

/// `delete ID`, after a yes on a terminal (or `--yes`).
async fn delete(
    context: &Context,
    c: &'static Collection,
    args: &ArgMatches,
) -> Result<(), Failure> {
    let id = id(args);
    let mut request = Request::new(Method::DELETE, c.path);
    request.segments.push(id.clone());
    request.query = owned(&params(c.delete_params, args));
    if !context.yes && !context.dry_run {
        confirm(&format!("Delete {} {id}?", c.command))?;
    }
    let client = context.client()?;
    if request.send(context, &client).await?.is_some() {
        eprintln!("Deleted {} {id}.", c.command);
    }
    Ok(())
}

/// Asks `question` on the terminal; refuses without one.
fn confirm(question: &str) -> Result<(), Failure> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Err(Failure::usage(
            "not deleting without confirmation, and there is no terminal to ask on",
            "pass --yes to delete without asking",
        ));
    }
    eprint!("{question} [y/N] ");
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::usage(
            "not deleted",
            "answer `y` to delete, or pass --yes",
        ))
    }
}

/// The runtime's list shape for a collection's list.
fn shape(list: spec::List) -> ListShape {
    if list.bare {
        ListShape::Bare(list.key)
    } else {
        ListShape::Wrapped(list.key)
    }
}

/// A verb (`restore ID`): a patch of the record with the verb's request-only
/// switches set, as the typed API's `halo.tickets().restore(id)` sends it.
async fn run_verb(
    context: &Context,
    c: &'static Collection,
    verb: &'static Verb,
    args: &ArgMatches,
) -> Result<(), Failure> {
    let record: Object = verb
        .sets
        .iter()
        .map(|wire| ((*wire).to_owned(), Node::Bool(true)))
        .collect();
    save(context, c, args, record).await
}

/// An action: its path, parameters and body as the spec declares them.
async fn run_action(
    context: &Context,
    c: &'static Collection,
    action: &'static Action,
    args: &ArgMatches,
) -> Result<(), Failure> {
    let method = match action.method {
        spec::Method::Get => Method::GET,
        spec::Method::Post => Method::POST,
        spec::Method::Delete => Method::DELETE,
    };
    let mut request = Request::new(method, c.path);
    for part in action.path {
        let segment = match part {
            Part::Literal(text) => (*text).to_owned(),
            Part::Id => id(args),
            Part::Param(wire) => action
                .path_params
                .iter()
                .find(|p| p.wire == *wire)
                .and_then(|p| args.get_one::<Node>(p.flag))
                .map(query_text)
                .unwrap_or_default(),
        };
        request.segments.push(segment);
    }
    request.query = owned(&params(action.params, args));
    let what = format!("`halo {} {}`", c.command, action.command);
    if let Response::Report = action.response {
        return report_action(context, c, action, args).await;
    }
    request.body = match action.body {
        Body::None => None,
        Body::Ids => Some(Node::Array(
            args.get_many::<Node>("IDS")
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
        )),
        Body::Record => Some(Node::Array(vec![Node::Object(object(stdin_json(&what)?)?)])),
        Body::Object => Some(Node::Object(object(stdin_json(&what)?)?)),
        Body::Form => {
            request.form = Some(form(args)?);
            None
        }
        Body::Records => Some(match stdin_json(&what)? {
            record @ Node::Object(_) => Node::Array(vec![record]),
            records => records,
        }),
        Body::Value(_) => Some(stdin_json(&what)?),
    };
    request.idempotent = Some(action.retry);
    request.scope = action.scope;
    let client = context.client()?;
    if let Response::Bytes = action.response {
        return download(context, &client, request, args.get_one::<PathBuf>("out")).await;
    }
    let Some(response) = request.send(context, &client).await? else {
        return Ok(());
    };
    match action.response {
        Response::None | Response::Report | Response::Bytes => Ok(()),
        Response::Record => print_record(context, c, one(answer(&response)?)),
        Response::Records => print_records(context, c, answer(&response)?),
        Response::List => {
            let body = answer(&response)?;
            let records = match (c.list.map(|l| l.key), &body) {
                (Some(key), Node::Object(_)) => body.get(key).cloned().unwrap_or(Node::Null),
                _ => body,
            };
            print_records(context, c, records)
        }
        Response::Value(_) => {
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
    }
}

/// A `form` action's multipart body: `--part NAME=VALUE` text fields and
/// `--file NAME=PATH` files, named after the file and typed by its extension.
fn form(args: &ArgMatches) -> Result<Multipart, Failure> {
    let mut form = Multipart::new();
    for pair in args.get_many::<String>("part").into_iter().flatten() {
        let (name, value) = name_value(pair, "--part")?;
        form = form.text(name, value);
    }
    for pair in args.get_many::<String>("file").into_iter().flatten() {
        let (name, path) = name_value(pair, "--file")?;
        let bytes = std::fs::read(path).map_err(|err| {
            Failure::usage(
                format!("cannot read `{path}`: {err}"),
                "name a file that exists and is readable",
            )
        })?;
        let file_name = Path::new(path)
            .file_name()
            .map_or_else(|| name.to_owned(), |n| n.to_string_lossy().into_owned());
        form = form.file(name, file_name.clone(), content_type(&file_name), bytes);
    }
    Ok(form)
}

fn name_value<'a>(pair: &'a str, flag: &str) -> Result<(&'a str, &'a str), Failure> {
    pair.split_once('=')
        .filter(|(name, _)| !name.trim().is_empty())
        .ok_or_else(|| {
            Failure::usage(
                format!("`{pair}` is not NAME=VALUE"),
                format!("write {flag} name=value"),
            )
        })
}

/// A file's media type by its extension, for the common kinds.
fn content_type(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("pdf") => "application/pdf",
        Some("txt" | "log") => "text/plain",
        Some("csv") => "text/csv",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// A `bytes` answer, streamed to `--out` as it arrives, or to stdout when
/// it is not a terminal (a file's bytes would garble one).
async fn download(
    context: &Context,
    client: &HaloClient,
    request: Request,
    out: Option<&PathBuf>,
) -> Result<(), Failure> {
    match out {
        Some(path) => {
            let mut file = tokio::fs::File::create(path).await?;
            let Some(info) = request.download(context, client, &mut file).await? else {
                return Ok(());
            };
            file.flush().await?;
            eprintln!(
                "Saved {} ({} bytes) to {}.",
                info.name.as_deref().unwrap_or("the file"),
                info.size,
                path.display()
            );
            Ok(())
        }
        None if io::stdout().is_terminal() && !context.dry_run => Err(Failure::usage(
            "the answer is a file, and stdout is a terminal",
            "write it to a file with --out PATH, or redirect stdout",
        )),
        None => {
            let mut stdout = tokio::io::stdout();
            request.download(context, client, &mut stdout).await?;
            stdout.flush().await?;
            Ok(())
        }
    }
}

/// A `report` action: the SQL from the command line (or stdin with `-`),
/// posted to the action's path as the typed API's report query posts it.
async fn report_action(
    context: &Context,
    c: &'static Collection,
    action: &'static Action,
    args: &ArgMatches,
) -> Result<(), Failure> {
    let sql = super::request::sql(args)?;
    let client = context.client()?;
    let literals = action.path.iter().filter_map(|part| match part {
        Part::Literal(text) => Some(*text),
        Part::Id | Part::Param(_) => None,
    });
    if context.dry_run {
        let mut request = client.request(Method::POST, c.path);
        for segment in literals {
            request = request.segment(segment);
        }
        return super::request::print_report_dry_run(request.url()?.as_str(), sql);
    }
    let mut query = ReportQuery::at(&client, c.path, sql);
    for segment in literals {
        query = query.literal(segment);
    }
    if let Some(scope) = action.scope {
        query = query.scope(scope);
    }
    if action.retry {
        query = query.repeatable();
    }
    super::request::print_report(context, query.await?)
}

/// Prints a record of the collection, its fields in spec order.
fn print_record(context: &Context, c: &'static Collection, record: Node) -> Result<(), Failure> {
    match record {
        Node::Object(members) => {
            let mut record = Record::ordered(members, &field_names(c));
            if let (Some(columns), Format::Table) = (&context.columns, context.format) {
                record.retain(|(key, _)| columns.contains(key));
            }
            output::record(
                context.format,
                io::stdout(),
                record,
                columns(context, c),
                context.width(),
            )?;
            Ok(())
        }
        other => {
            output::value(
                context.format,
                io::stdout(),
                other,
                Vec::new(),
                context.width(),
            )?;
            Ok(())
        }
    }
}

/// Prints records of the collection (an array; one record alone as one).
fn print_records(context: &Context, c: &'static Collection, records: Node) -> Result<(), Failure> {
    let items = match records {
        Node::Array(items) => items,
        Node::Null => Vec::new(),
        record => return print_record(context, c, record),
    };
    if items.len() == 1 && context.format == Format::Table {
        return print_record(context, c, one(Node::Array(items)));
    }
    let fields = field_names(c);
    let records: Vec<Object> = items
        .into_iter()
        .filter_map(|item| match item {
            Node::Object(members) => Some(Record::ordered(members, &fields)),
            _ => None,
        })
        .collect();
    let mut sink = output::sink(
        context.format,
        io::stdout(),
        columns(context, c),
        context.width(),
    );
    sink.write(&records)?;
    sink.finish()?;
    Ok(())
}

/// The record in a one-element array, as Halo answers a POST of one.
fn one(node: Node) -> Node {
    match node {
        Node::Array(mut items) if items.len() == 1 => items.remove(0),
        other => other,
    }
}

fn object(node: Node) -> Result<Object, Failure> {
    match node {
        Node::Object(members) => Ok(members),
        _ => Err(Failure::usage(
            "stdin does not hold a JSON object",
            "send one record as a JSON object",
        )),
    }
}

/// The columns a table or CSV shows: `--columns`; else the spec's columns
/// for a table, and `id` and every field for CSV.
fn columns(context: &Context, c: &Collection) -> Vec<String> {
    if let Some(columns) = &context.columns {
        return columns.clone();
    }
    match context.format {
        Format::Csv => (!c.singleton)
            .then_some("id")
            .into_iter()
            .chain(c.fields.iter().map(|f| f.wire))
            .map(str::to_owned)
            .collect(),
        _ => c.columns.iter().map(|c| (*c).to_owned()).collect(),
    }
}

fn field_names(c: &Collection) -> Vec<&'static str> {
    c.fields.iter().map(|f| f.wire).collect()
}

/// The writable fields given as flags, as a record; `None` when none was.
fn flag_fields(c: &Collection, args: &ArgMatches) -> Option<Object> {
    let record: Object = c
        .fields
        .iter()
        .filter(|f| !f.read_only)
        .filter_map(|f| {
            let value = args.try_get_one::<Node>(f.flag).ok().flatten()?;
            Some((f.wire.to_owned(), value.clone()))
        })
        .collect();
    (!record.is_empty()).then_some(record)
}

/// The query parameters given: switches as `true`, values as the typed API
/// writes them.
fn params(params: &'static [Param], args: &ArgMatches) -> Vec<(&'static str, String)> {
    params
        .iter()
        .filter_map(|p| {
            if p.switch {
                args.get_flag(p.flag).then(|| (p.wire, "true".to_owned()))
            } else {
                args.get_one::<Node>(p.flag)
                    .map(|value| (p.wire, query_text(value)))
            }
        })
        .collect()
}

fn owned(query: &[(&'static str, String)]) -> Vec<(String, String)> {
    query
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect()
}

/// `order` and `orderdesc`, as a list request sends them.
fn push_order(query: &mut Vec<(String, String)>, order: Option<&str>, descending: bool) {
    if let Some(order) = order {
        query.push(("order".to_owned(), order.to_owned()));
    }
    if descending {
        query.push(("orderdesc".to_owned(), "true".to_owned()));
    }
}

/// The id argument as text.
fn id(args: &ArgMatches) -> String {
    args.get_one::<Node>("ID")
        .map(Node::text)
        .unwrap_or_default()
}

/// The id as the record holds it: a number for collections keyed by
/// integers.
fn key_node(c: &Collection, id: &str) -> Node {
    match (c.key, id.parse::<i64>()) {
        (spec::Key::Int, Ok(number)) => Node::Number(number.into()),
        _ => Node::String(id.to_owned()),
    }
}
